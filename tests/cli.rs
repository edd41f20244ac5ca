//! The binary as a community uses it: `ask`, `search --json` and `check`, with exit codes.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bot(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_curriculum-bot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CURRICULUM_PATH")
        .env_remove("CURRICULUM_BASE_URL")
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn ask_resource_mlflow_lists_both_with_urls() {
    let o = bot(&["ask", "/resource mlflow"]);
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    assert!(s.contains("MLflow Documentation"), "{s}");
    assert!(
        s.contains("https://mlflow.org/docs/latest/index.html"),
        "{s}"
    );
    assert!(s.contains("MLflow Quickstart"), "{s}");
    assert!(
        s.contains("https://mlflow.org/docs/latest/quickstart.html"),
        "{s}"
    );
}

#[test]
fn ask_json_prints_the_message_payload() {
    let o = bot(&["ask", "/resource mlflow", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["allowed_mentions"]["parse"], serde_json::json!([]));
    let urls: Vec<&str> = v["embeds"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["url"].as_str())
        .collect();
    assert!(
        urls.contains(&"https://mlflow.org/docs/latest/quickstart.html"),
        "{urls:?}"
    );
    assert!(v.get("components").is_some() && v.get("content").is_some());
}

#[test]
fn ask_rejects_unknown_commands_and_bad_options_with_exit_2() {
    for line in [
        "/nope",
        "resource mlflow",
        "/module 99",
        "/remind week number:abc",
        "/resource",
    ] {
        let o = bot(&["ask", line]);
        assert_eq!(o.status.code(), Some(2), "{line}: {}", stdout(&o));
        assert!(!stdout(&o).trim().is_empty(), "{line} explains itself");
    }
}

#[test]
fn search_json_is_ranked_with_the_promised_fields() {
    let o = bot(&["search", "kubeflw", "--json", "--limit", "5"]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let rows = v.as_array().unwrap();
    assert!(!rows.is_empty() && rows.len() <= 5);
    assert!(rows[0]["title"].as_str().unwrap().contains("Kubeflow"));
    for r in rows {
        for key in ["kind", "title", "url", "section", "score"] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
    }
    let scores: Vec<f64> = rows.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
}

#[test]
fn check_passes_on_the_shipped_curriculum() {
    let o = bot(&["check"]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert!(
        s.contains("5 modules") && s.contains("3 pathways") && s.contains("3 plan phases"),
        "{s}"
    );
}

#[test]
fn check_fails_on_a_broken_resource_line_naming_file_and_line() {
    let dir = temp_dir("broken");
    let page = dir.join("page.md");
    std::fs::write(
        &page,
        "## Tools\n- **Containers**\n  - Docker basics\n  - **Resources:**\n    - [Docker](https://docs.docker.com) - Docs\n    - [Broken link(https://example.org) - oops\n",
    )
    .unwrap();
    let o = bot(&["check", page.to_str().unwrap()]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{s}");
    assert!(s.contains("page.md:6: error"), "{s}");
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cb-cli-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn a_second_instance_on_one_sqlite_database_refuses_to_start() {
    let dir = temp_dir("second");
    let db = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let start = || {
        Command::new(env!("CARGO_BIN_EXE_curriculum-bot"))
            .arg("deliver")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("DISCORD_TOKEN", "test-token")
            .env("DISCORD_API_URL", "http://127.0.0.1:9")
            .env("DATABASE_URL", &db)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut first = start();
    // Until the first instance holds the lock (seen by trying to take it here; each try that
    // wins is released at once).
    let lock = dir.join("bot.db-lock");
    let t = std::time::Instant::now();
    let held = loop {
        let taken = std::fs::File::open(&lock).map(|f| f.try_lock());
        if let Ok(Err(std::fs::TryLockError::WouldBlock)) = taken {
            break true;
        }
        if t.elapsed().as_secs() >= 60 {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert!(held, "the first instance took the lock");
    let mut second = start();
    let t = std::time::Instant::now();
    while second.try_wait().unwrap().is_none() && t.elapsed().as_secs() < 60 {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = second.kill();
    let second = second.wait_with_output().unwrap();
    let _ = first.kill();
    let _ = first.wait();
    let err = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{err}");
    assert!(err.contains("already delivering"), "{err}");
}

fn bot_on(path: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_curriculum-bot"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CURRICULUM_PATH", path)
        .env_remove("CURRICULUM_BASE_URL")
        .output()
        .expect("the binary runs")
}

#[test]
fn the_shipped_data_links_the_real_module_pages_out_of_the_box() {
    let o = bot(&["ask", "/module 2"]);
    let s = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{s}");
    assert!(
        s.contains("https://chasingcloudcareers.com/docs/mlops-engineering/ml-pipelines"),
        "{s}"
    );
    let o = bot(&["check"]);
    assert!(
        stdout(&o).contains("track mlops-engineering \"MLOps Engineering\": 1 pages, 5 modules"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn search_json_carries_the_tracks_of_a_shared_resource() {
    let o = bot_on(
        "tests/site/docs",
        &["search", "Git Handbook", "--json", "--limit", "3"],
    );
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let rows = v.as_array().unwrap();
    let git: Vec<_> = rows
        .iter()
        .filter(|r| r["title"] == "Git Handbook")
        .collect();
    assert_eq!(git.len(), 1, "one hit for one URL: {rows:?}");
    assert_eq!(git[0]["track"], "cloud-security");
    assert_eq!(
        git[0]["tracks"],
        serde_json::json!(["cloud-security", "data-engineering"])
    );
    let o = bot_on(
        "tests/site/docs",
        &["search", "cron", "--json", "--track", "cloud-security"],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(
        v.as_array()
            .unwrap()
            .iter()
            .all(|r| r["track"] == "cloud-security"),
        "{v}"
    );
    let o = bot_on("tests/site/docs", &["search", "cron", "--track", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).contains("cloud-security"), "{}", stdout(&o));
}

#[test]
fn serve_refuses_an_unusable_curriculum_at_start_up() {
    let dir = temp_dir("unusable");
    std::fs::write(dir.join("only.md"), b"\x00\x01 binary").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_curriculum-bot"))
        .arg("serve")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("CURRICULUM_PATH", &dir)
        .env("DISCORD_TOKEN", "test-token")
        .env("DISCORD_API_URL", "http://127.0.0.1:9")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("no usable page") && err.contains("binary"),
        "{err}"
    );
}

/// Issue 15 §4: `/curriculum validate|reload` work offline in `ask --moderator`, name their
/// warnings and say "no changes" once.
#[test]
fn ask_moderator_validates_and_reloads_offline() {
    for line in ["/curriculum validate", "/curriculum reload"] {
        let o = bot(&["ask", "--moderator", line]);
        let s = stdout(&o);
        assert_eq!(o.status.code(), Some(0), "{s}");
        assert_eq!(s.matches("no changes").count(), 1, "{s}");
        assert!(
            s.contains("Warnings:\n• `mlops-engineering/getting-started.md:"),
            "{s}"
        );
    }
}

/// Issue 15 §4: the tools answer on stdout; stderr holds only warnings and errors, without colour
/// codes when it is not a terminal (here a pipe).
#[test]
fn tools_answer_on_stdout_and_keep_stderr_quiet() {
    for args in [
        &["ask", "/resource mlflow"][..],
        &["search", "kubeflw"][..],
        &["check", "data/curriculum"][..],
    ] {
        let o = bot(args);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(
            !stdout(&o).trim().is_empty(),
            "{args:?}: no answer on stdout"
        );
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains('\u{1b}'),
            "{args:?}: colour codes on a pipe: {err}"
        );
        for line in err.lines() {
            assert!(
                line.contains("WARN") || line.contains("ERROR"),
                "{args:?}: stderr has more than warnings and errors: {line}"
            );
        }
    }
}
