//! `/curriculum reload|validate` through the bot's own handler on a copy of the fixture site:
//! the reply's diff, paging with `cur|page|N`, a reload with an error keeping the old curriculum
//! (the very same `Arc`, same version), the version recorded in the store, and the watcher
//! reloading exactly once for 60 files written into the folder, posting to the log channel.

mod reload_kit;

use curriculum_bot::reply::{self, Response};
use curriculum_bot::watch::{self, Debounce};
use reload_kit::*;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn reload_reports_the_diff_and_swaps_in_the_new_version() {
    let bot = bot("diff").await;
    let before = bot.app.reload.version();
    bot.edit(
        "01-data-engineering/getting-started.md",
        "(6-8 weeks)",
        "(5 weeks)",
    );
    let validated = bot.ask("/curriculum validate").await;
    assert!(
        text(&validated).starts_with("Checked (3 warnings): data-engineering: ~1 module."),
        "{}",
        text(&validated)
    );
    // Issue 15 §4: the warning is named, not only counted.
    assert!(
        text(&validated).contains("Warnings:\n• `")
            && text(&validated).contains("track 'community' has no overview"),
        "{}",
        text(&validated)
    );
    assert_eq!(
        bot.app.reload.version(),
        before,
        "validate swaps nothing in"
    );
    let r = bot.ask("/curriculum reload").await;
    let shown = text(&r);
    assert!(shown.contains("data-engineering: ~1 module"), "{shown}");
    assert!(
        shown.contains("Module 3 duration: 6-8 weeks → 5 weeks"),
        "{shown}"
    );
    let now = bot.app.reload.version();
    assert_ne!(now.hash, before.hash);
    let served = bot.app.catalog();
    let m3 = served
        .curriculum
        .modules
        .iter()
        .find(|m| m.title == "Streaming")
        .unwrap();
    assert_eq!(m3.weeks.map(|w| w.max), Some(5));
    let rows = bot.app.store.curriculum_versions().await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        (rows[0].replica.as_str(), rows[0].hash.as_str()),
        (bot.app.reload.replica.as_str(), now.hash.as_str())
    );
    let metrics = bot.app.metrics.render();
    assert!(
        metrics.contains(&format!(
            "curriculum_bot_curriculum_version_info{{version=\"{}\"}} 1",
            now.hash
        )),
        "{metrics}"
    );
    assert!(
        !metrics.contains(&before.hash),
        "only the current version is shown"
    );
}

#[tokio::test]
async fn a_reload_with_an_error_keeps_the_old_curriculum_and_names_the_line() {
    let bot = bot("error").await;
    let before = bot.app.catalog();
    let version = bot.app.reload.version();
    // A good change and a broken page in the same reload: nothing of it is served.
    bot.edit(
        "01-data-engineering/getting-started.md",
        "(6-8 weeks)",
        "(5 weeks)",
    );
    std::fs::write(
        bot.docs.join("01-data-engineering/04-broken.md"),
        b"# Broken \xff\n",
    )
    .unwrap();
    let r = bot.ask("/curriculum reload").await;
    let shown = text(&r);
    assert!(
        shown.starts_with("Not reloaded: 1 error to fix first"),
        "{shown}"
    );
    assert!(
        shown.contains("01-data-engineering/04-broken.md:1: error: page is not UTF-8"),
        "{shown}"
    );
    assert!(
        Arc::ptr_eq(&before, &bot.app.catalog()),
        "the old curriculum is still served"
    );
    assert_eq!(bot.app.reload.version(), version);
    assert_eq!(bot.app.metrics.reloads("refused"), 1);
    assert_eq!(bot.app.metrics.reloads("reloaded"), 0);
}

#[tokio::test]
async fn the_full_diff_is_paged_with_buttons() {
    let bot = bot("paged").await;
    // 20 new tracks: 20 diff lines, two pages of 15.
    for t in 0..20 {
        let d = bot.docs.join(format!("{:02}-extra-{t}", 10 + t));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("overview.md"),
            format!("# Extra {t}\n\n## Modules\n- Module 1: Start (1 week) - Go\n"),
        )
        .unwrap();
    }
    let first = bot.ask("/curriculum reload").await;
    let m = first.message().unwrap();
    assert!(text(&first).contains("(page 1 of 2)"), "{}", text(&first));
    let ids: Vec<_> = m.components[0]
        .components
        .iter()
        .map(|b| b.custom_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["cur|page|0", "cur|page|1"]);
    let second = bot.click("cur|page|1").await;
    assert!(matches!(second, Response::Update(_)));
    let shown = text(&second);
    assert!(shown.contains("(page 2 of 2)"), "{shown}");
    let lines = bot.app.reload.last_diff("100000000000000001");
    assert_eq!(lines.len(), 20);
    assert!(
        shown.contains(&reply::message::escape(&lines[19])),
        "{shown}"
    );
    assert!(!text(&first).contains(&reply::message::escape(&lines[19])));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watcher_reloads_once_for_60_files_and_posts_the_diff() {
    let bot = bot("watch").await;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let app = bot.app.clone();
    let task = watch::spawn(
        &bot.docs,
        Debounce {
            quiet: Duration::from_millis(500),
            max: Duration::from_secs(5),
        },
        async move {
            let _ = stop_rx.await;
        },
        move || {
            let app = app.clone();
            async move {
                let ctx = app.reload_ctx();
                curriculum_bot::moderation::auto_reload(
                    &ctx,
                    &*app.discord,
                    Some("123"),
                    || app.catalog(),
                    |c| app.replace_catalog(c),
                )
                .await;
            }
        },
    )
    .unwrap();
    // A `git pull`: 60 pages written one after another into a new track.
    let dir = bot.docs.join("05-pulled");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("00-overview.md"),
        "# Pulled\n\n## Modules\n- Module 1: First (2 weeks) - Begin\n",
    )
    .unwrap();
    for n in 1..60 {
        std::fs::write(
            dir.join(format!("{n:02}-page-{n}.md")),
            format!("# Page {n}\n\n## Notes\n- a line\n"),
        )
        .unwrap();
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while bot.app.metrics.reloads("reloaded") == 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Time enough for a second (wrong) reload to show up.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let _ = stop_tx.send(());
    task.await.unwrap();
    assert_eq!(bot.app.metrics.reloads("reloaded"), 1);
    assert_eq!(
        bot.app.metrics.reloads("refused") + bot.app.metrics.reloads("failed"),
        0
    );
    assert!(bot
        .app
        .catalog()
        .curriculum
        .tracks
        .iter()
        .any(|t| t.slug == "pulled"));
    let posts = bot.posts.0.lock().unwrap().clone();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(posts[0].0, "123");
    assert!(posts[0].1.contains("pulled: new track"), "{}", posts[0].1);
}
