//! `/curriculum reload|validate` through the bot's own handler on a copy of the fixture site:
//! the reply's diff, paging with `cur|page|N`, a reload with an error keeping the old curriculum
//! (the very same `Arc`, same version), the version recorded in the store, and the watcher
//! reloading exactly once for 60 files written into the folder, posting to the log channel.

use curriculum_bot::app::App;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::ports::{Discord, RestError};
use curriculum_bot::reply::{self, ask, Interaction, Response};
use curriculum_bot::watch::{self, Debounce};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Posts recorded: (channel, content).
#[derive(Default)]
struct Posts(Mutex<Vec<(String, String)>>);

#[async_trait::async_trait]
impl Discord for Posts {
    async fn create_message(
        &self,
        channel: &str,
        message: &reply::Message,
        _nonce: Option<&str>,
    ) -> Result<String, RestError> {
        let text = message.content.clone().unwrap_or_default();
        self.0.lock().unwrap().push((channel.to_string(), text));
        Ok("1".into())
    }
    async fn pin(&self, _: &str, _: &str) -> Result<(), RestError> {
        Ok(())
    }
    async fn create_dm(&self, _: &str) -> Result<String, RestError> {
        Ok("2".into())
    }
    async fn messages_after(
        &self,
        _: &str,
        _: u64,
        _: u8,
    ) -> Result<Vec<curriculum_bot::ports::PostedMessage>, RestError> {
        Ok(Vec::new())
    }
    async fn own_user_id(&self) -> Result<String, RestError> {
        Ok("100000000000000097".into())
    }
    async fn edit_message(&self, _: &str, _: &str, _: &reply::Message) -> Result<(), RestError> {
        Ok(())
    }
}

struct Bot {
    app: Arc<App>,
    posts: Arc<Posts>,
    docs: PathBuf,
    _site: Scratch,
}

async fn bot(name: &str) -> Bot {
    bot_with(name, &[]).await
}

/// [`bot`] with extra settings.
async fn bot_with(name: &str, vars: &[(&str, &str)]) -> Bot {
    let dir = std::env::temp_dir().join(format!("reload-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/site"),
        &dir,
    );
    let site = Scratch(dir.clone());
    let docs = dir.join("docs");
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some("/nonexistent/aliases.txt".into()),
        _ => vars
            .iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| v.to_string()),
    })
    .unwrap();
    let (cat, _) = load_catalog(&docs, &settings).unwrap();
    let store_url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let store = curriculum_bot::store::open(&store_url, &Default::default())
        .await
        .unwrap();
    let posts = Arc::new(Posts::default());
    let app = App::new(cat, posts.clone(), store).with_source(docs.clone(), settings);
    Bot {
        app: Arc::new(app),
        posts,
        docs,
        _site: site,
    }
}

impl Bot {
    async fn ask(&self, line: &str) -> Response {
        self.ask_as(MODERATOR, line).await
    }

    async fn ask_as(&self, user: &str, line: &str) -> Response {
        let defs = reply::registry::definitions(&self.app.catalog().curriculum);
        let i = ask::interaction(line, &defs, &moderator(user)).unwrap();
        self.app.handle(&i).await.response
    }

    async fn click(&self, custom_id: &str) -> Response {
        self.click_as(MODERATOR, custom_id).await
    }

    async fn click_as(&self, user: &str, custom_id: &str) -> Response {
        let defs = reply::registry::definitions(&self.app.catalog().curriculum);
        let who = moderator(user);
        let mut v = serde_json::to_value(ask::interaction("/help", &defs, &who).unwrap()).unwrap();
        v["type"] = 3.into();
        v["data"] = serde_json::json!({ "custom_id": custom_id, "component_type": 2 });
        let i: Interaction = serde_json::from_value(v).unwrap();
        self.app.handle(&i).await.response
    }

    fn edit(&self, file: &str, from: &str, to: &str) {
        let path = self.docs.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from));
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
}

/// The moderator `ask` plays by default.
const MODERATOR: &str = "100000000000000001";

fn moderator(user: &str) -> ask::Asker {
    ask::Asker {
        moderator: true,
        user_id: user.into(),
        ..ask::Asker::default()
    }
}

fn text(r: &Response) -> String {
    r.message()
        .and_then(|m| m.content.clone())
        .unwrap_or_default()
}

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
        text(&validated).starts_with("Checked (1 warning): data-engineering: ~1 module."),
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

/// Regression: the diff behind the paging buttons was one global "last diff": another
/// moderator's validation replaced it under the first one's buttons.
#[tokio::test]
async fn each_moderator_pages_their_own_diff() {
    let bot = bot("per-user").await;
    for t in 0..20 {
        let d = bot.docs.join(format!("{:02}-extra-{t}", 10 + t));
        std::fs::create_dir_all(&d).unwrap();
        let overview = format!("# Extra {t}\n\n## Modules\n- Module 1: Start (1 week) - Go\n");
        std::fs::write(d.join("overview.md"), overview).unwrap();
    }
    let first = bot.ask("/curriculum reload").await;
    assert!(text(&first).contains("(page 1 of 2)"), "{}", text(&first));
    let other = "100000000000000009";
    let theirs = text(&bot.ask_as(other, "/curriculum validate").await);
    // "no changes" said once, not again under the headline.
    assert_eq!(
        theirs.to_lowercase().matches("no changes").count(),
        1,
        "{theirs}"
    );
    let mine = text(&bot.click("cur|page|1").await);
    assert!(mine.contains("(page 2 of 2)"), "{mine}");
    assert_eq!(
        text(&bot.click_as(other, "cur|page|1").await),
        "No changes."
    );
}

/// The curriculum is shared by every server the bot is in: only `CURRICULUM_ADMIN_GUILDS`
/// (default `DISCORD_GUILD_ID`) may reload or validate it.
#[tokio::test]
async fn only_the_admin_guilds_may_reload() {
    let bot = bot_with("admin", &[("DISCORD_GUILD_ID", "100000000000000077")]).await;
    let refused = text(&bot.ask("/curriculum reload").await);
    assert!(refused.contains("CURRICULUM_ADMIN_GUILDS"), "{refused}");
    assert_eq!(bot.app.metrics.reloads("reloaded"), 0);
    // `ask` plays in guild …002: listed, it may.
    let listed = [(
        "CURRICULUM_ADMIN_GUILDS",
        "100000000000000077,100000000000000002",
    )];
    let bot = bot_with("admin-listed", &listed).await;
    let done = text(&bot.ask("/curriculum validate").await);
    assert!(done.starts_with("Checked ("), "{done}");
}

/// Regression: `/pin list` with 40 pins was cut mid-line at 2,000 characters; now it is paged
/// with `pin|list|N` buttons, every pin on a page, whole.
#[tokio::test]
async fn pin_list_of_40_pins_is_paged() {
    let bot = bot("pinlist").await;
    let slug = bot.app.catalog().curriculum.tracks[0].slug.clone();
    for n in 0..40 {
        let pin = curriculum_bot::store::NewPin {
            guild_id: 100000000000000002,
            channel_id: 100000000000000003,
            message_id: 200000000000000000 + n,
            track: &slug,
            module: 1,
            hash: "abc",
        };
        bot.app.store.record_pin(&pin, 1).await.unwrap();
    }
    let first = bot.ask("/pin list").await;
    let mut seen = std::collections::BTreeSet::new();
    let mut page = first;
    let mut clicks = 0;
    loop {
        let shown = text(&page);
        assert!(shown.chars().count() <= 2000);
        assert!(shown.starts_with("**Living pins** (40) — page "), "{shown}");
        for l in shown.lines().skip(1) {
            assert!(
                l.starts_with("• Module 1 (") && l.ends_with("after the next reload"),
                "{l}"
            );
            seen.insert(l.to_string());
        }
        let buttons = &page.message().unwrap().components[0].components;
        let next = &buttons[1];
        if next.disabled == Some(true) {
            break;
        }
        page = bot.click(next.custom_id.as_deref().unwrap()).await;
        assert!(matches!(page, Response::Update(_)));
        clicks += 1;
    }
    assert_eq!(seen.len(), 40, "every pin listed once");
    assert!(clicks >= 2);
}
