//! Peak RSS of the running bot (`curriculum-bot run`, a real process) connected to the fake
//! Discord with the seed curriculum, after registering commands and answering a burst of
//! commands. Baseline in the same run: the peak RSS of `curriculum-bot check` on the same
//! curriculum (the binary and the parsed curriculum, no runtime, no gateway).
//! `cargo bench --bench rss`.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "common/mod.rs"]
mod common;

use common::{mib, peak_rss_kib, ratio, run_child, Ending, Report};
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::Duration;
use support::fake_discord::{perms, FakeDiscord, Options};

fn main() {
    common::serve_spawn();
    let root = env!("CARGO_MANIFEST_DIR");
    let bin = env!("CARGO_BIN_EXE_curriculum-bot");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = rt.block_on(FakeDiscord::start(Options {
        check_on_drop: false,
        check_responses: false,
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
    let _ = std::fs::remove_dir_all(&db);
    fake.assert_no_violations();
    let mut check = Command::new(bin);
    check.arg("check").current_dir(root);
    let check = run_child(&check, Duration::from_secs(60), None);
    assert_eq!(check.ending, Ending::Exited(0), "{}", check.stdout_tail);
    let mut rep = Report::new("rss");
    rep.line(
        "`curriculum-bot run` as a real process connected to the fake Discord (gateway + REST on \
         loopback) with the seed curriculum, after registering its commands, answering 225 \
         commands (each checked answered) and resuming a dropped gateway session; peak RSS \
         (`VmHWM`) from `/proc`. Baseline in the same run: the peak RSS of `curriculum-bot \
         check` on the same curriculum (the binary and the parsed curriculum alone).\n",
    );
    rep.table(
        &["process", "peak RSS", "vs baseline"],
        &[
            vec![
                "`curriculum-bot check` (baseline)".into(),
                mib(check.peak_rss_kib),
                "1×".into(),
            ],
            vec![
                "`curriculum-bot run` on the fake".into(),
                mib(bot_peak),
                ratio(bot_peak as f64, check.peak_rss_kib as f64),
            ],
        ],
    );
    rep.summary(
        "peak RSS of the bot on the fake Discord",
        "≤ 30 MB",
        mib(bot_peak),
        Some(bot_peak * 1024 <= 30_000_000),
    );
    rep.write();
}
