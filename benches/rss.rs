//! Peak RSS of the running bot (`curriculum-bot run`, a real process) connected to the fake
//! Discord with the seed curriculum, after registering commands and answering a burst of
//! commands. Baseline in the same run: the peak RSS of `curriculum-bot check` on the same
//! curriculum (the binary and the parsed curriculum, no runtime, no gateway).
//! `cargo bench --bench rss`.

#[path = "../tests/support/mod.rs"]
mod support;

use serde_json::json;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::fake_discord::{perms, FakeDiscord, Options};

fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let bin = env!("CARGO_BIN_EXE_curriculum-bot");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeDiscord::start(Options {
        check_on_drop: false,
        ..Options::default()
    }));
    let db = std::env::temp_dir().join(format!("cb-rss-{}", std::process::id()));
    let mut child = Command::new(bin)
        .arg("run")
        .current_dir(root)
        .env("DISCORD_TOKEN", fake.token())
        .env("DISCORD_API_URL", fake.base_url())
        .env("DISCORD_GUILD_ID", fake.guild_id().to_string())
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/bot.db?mode=rwc", db.display()),
        )
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("bot starts");
    let pid = child.id();
    rt.block_on(async {
        assert!(
            fake.wait_ready(Duration::from_secs(20)).await,
            "bot connects"
        );
        fake.wait_commands(Some(fake.guild_id()), Duration::from_secs(10))
            .await;
        let queries = [
            "mlflow",
            "docker",
            "kubeflw",
            "terraform",
            "k8s",
            "airflow",
            "monitoring",
            "aws",
        ];
        for round in 0..25 {
            for q in queries {
                let id = fake
                    .send_command(
                        "resource",
                        json!([{ "name": "query", "type": 3, "value": q }]),
                        perms::MEMBER,
                    )
                    .await;
                fake.wait_callback(id, Duration::from_secs(5))
                    .await
                    .expect("answered");
            }
            let id = fake.send_command("plan", json!([]), perms::MEMBER).await;
            fake.wait_callback(id, Duration::from_secs(5))
                .await
                .expect("answered");
            if round == 12 {
                fake.drop_gateway();
                fake.wait_resumes(1, Duration::from_secs(20)).await;
            }
        }
    });
    let bot_peak = peak_rss_kib(pid).expect("the bot's /proc status");
    let _ = child.kill();
    let _ = child.wait();
    let check = Command::new("/usr/bin/time")
        .args(["-f", "%M", bin, "check"])
        .current_dir(root)
        .stdout(Stdio::null())
        .output();
    let base = check.ok().and_then(|o| {
        String::from_utf8_lossy(&o.stderr)
            .trim()
            .lines()
            .last()
            .and_then(|l| l.trim().parse::<u64>().ok())
    });
    println!(
        "peak RSS of `curriculum-bot run` on the fake after 225 commands and a resume: {:.1} MiB",
        bot_peak as f64 / 1024.0
    );
    if let Some(b) = base {
        println!(
            "baseline, peak RSS of `curriculum-bot check`: {:.1} MiB (ratio {:.2}x)",
            b as f64 / 1024.0,
            bot_peak as f64 / b as f64
        );
    }
}
