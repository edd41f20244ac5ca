//! Helpers of the living-pins tests: a copy of the seed curriculum on disk, the real REST
//! client and store against the fake, `/pin` run through `App::handle`, and the checks of a
//! card's picture and of the store's record.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use curriculum_bot::app::App;
use curriculum_bot::config::Settings;
use curriculum_bot::discord::rest::{Rest, RestConfig};
use curriculum_bot::reply::ask::{self, Asker};
use curriculum_bot::reply::{registry, render, Catalog};
use curriculum_bot::store::{self, Store};

use curriculum_bot::pins::{refresh_pins, RefreshReport};
use curriculum_bot::ports::Discord;
use curriculum_bot::reply::pincard::pin_card;

use crate::support::fake_discord::{FakeDiscord, Options};

/// How long the tests wait for the bot.
pub const T: std::time::Duration = std::time::Duration::from_secs(10);

/// A fresh temporary folder.
pub fn temp_dir(what: &str) -> PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = N.fetch_add(1, Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!("cb-{what}-{}-{n}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// A copy of the repository's `data/` (seed curriculum, config, aliases) under `dir`.
pub fn copy_seed(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let data = dir.join("data");
    copy_tree(&root, &data);
    data
}

pub fn settings(data: &Path) -> Settings {
    Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(data.join("aliases.txt").display().to_string()),
        "CURRICULUM_PATH" => Some(data.join("curriculum").display().to_string()),
        _ => None,
    })
    .expect("settings")
}

/// The curriculum under `data` as the bot loads it.
pub fn load(data: &Path) -> Catalog {
    let s = settings(data);
    curriculum_bot::load::load_catalog(&s.curriculum_path, &s)
        .expect("the curriculum loads")
        .0
}

/// Rewrites `module`'s line in the seed's overview: `from` becomes `to`.
pub fn edit_overview(data: &Path, from: &str, to: &str) {
    let page = data.join("curriculum/mlops-engineering/getting-started.md");
    let text = std::fs::read_to_string(&page).expect("overview");
    assert!(text.contains(from), "the overview has {from:?}");
    std::fs::write(&page, text.replacen(from, to, 1)).expect("write overview");
}

/// The catalog with module `number` given other weeks (what a reload of an edited page gives).
pub fn with_weeks(mut cat: Catalog, number: u32, min: u32, max: u32) -> Catalog {
    let m = cat
        .curriculum
        .modules
        .iter_mut()
        .find(|m| m.number == number)
        .expect("the module");
    m.weeks = Some(curriculum_bot::curriculum::Span { min, max });
    cat
}

/// The catalog without module `number` in its track (a reload after the module was deleted).
pub fn without_module(mut cat: Catalog, number: u32) -> Catalog {
    let c = &mut cat.curriculum;
    let gone: Vec<usize> = (0..c.modules.len())
        .filter(|&m| c.modules[m].number == number)
        .collect();
    assert!(!gone.is_empty(), "module {number} exists");
    for t in &mut c.tracks {
        t.modules.retain(|m| !gone.contains(m));
    }
    cat
}

pub fn rest(fake: &FakeDiscord, per_second: u32) -> Arc<Rest> {
    let cfg = RestConfig {
        base_url: fake.base_url().to_string(),
        token: fake.token().to_string(),
        global_per_second: per_second,
        max_attempts: 6,
    };
    Arc::new(Rest::new(&cfg).expect("rest client"))
}

pub async fn sqlite_store(dir: &Path) -> Arc<dyn Store> {
    let url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    store::open(&url, &Default::default()).await.expect("store")
}

/// A moderator in the fake's test guild and `#general`.
pub fn moderator(fake: &FakeDiscord) -> Asker {
    Asker {
        user_id: "100000000000000001".into(),
        guild_id: Some(fake.guild_id().to_string()),
        channel_id: fake.channel_id().to_string(),
        moderator: true,
    }
}

/// Runs a typed command through `App::handle` as `who`; the reply as text.
pub async fn run(app: &App, line: &str, who: &Asker) -> String {
    let defs = registry::definitions(&app.catalog().curriculum);
    let i = ask::interaction(line, &defs, who).expect("a valid command line");
    render::text(&app.handle(&i).await.response)
}

/// `/pin module <n>` by a moderator; the id of the card it posted in `#general`.
pub async fn pin(app: &App, fake: &FakeDiscord, n: u32) -> u64 {
    let before = fake.message_count(fake.channel_id());
    let reply = run(app, &format!("/pin module {n}"), &moderator(fake)).await;
    assert!(reply.contains(&format!("Pinned Module {n}")), "{reply}");
    let messages = fake.messages(fake.channel_id());
    assert_eq!(messages.len(), before + 1, "one card posted");
    let id = messages.last().expect("the card")["id"]
        .as_str()
        .expect("id");
    id.parse().expect("snowflake")
}

/// The fake's current copy of message `id` in `#general`.
pub fn message(fake: &FakeDiscord, id: u64) -> serde_json::Value {
    let all = fake.messages(fake.channel_id());
    let id = id.to_string();
    let found = all.iter().find(|m| m["id"].as_str() == Some(id.as_str()));
    found.cloned().expect("the message exists")
}

/// The Duration field of a card message.
pub fn duration(message: &serde_json::Value) -> String {
    let fields = message["embeds"][0]["fields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let d = fields.iter().find(|f| f["name"] == "Duration");
    d.and_then(|f| f["value"].as_str())
        .unwrap_or("")
        .to_string()
}

/// `PATCH`es of messages the fake answered with 2xx.
pub fn edits(fake: &FakeDiscord) -> usize {
    let all = fake.requests_to("PATCH /channels/*/messages/*");
    all.iter()
        .filter(|r| (200..300).contains(&r.status))
        .count()
}

/// The fake, the bot's `App` on a copy of the seed, and that copy (removed when dropped).
pub struct World {
    pub fake: FakeDiscord,
    pub app: App,
    pub data: std::path::PathBuf,
    pub dir: std::path::PathBuf,
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The fake, and the bot's `App` on a copy of the seed curriculum it can reload, with SQLite.
pub async fn world() -> World {
    let fake = FakeDiscord::start(Options::default()).await;
    let dir = temp_dir("pins");
    let data = copy_seed(&dir);
    let store = sqlite_store(&dir).await;
    let rest: Arc<dyn Discord> = rest(&fake, 45);
    let app =
        App::new(load(&data), rest, store).with_source(data.join("curriculum"), settings(&data));
    World {
        fake,
        app,
        data,
        dir,
    }
}

/// One refresh of the living pins as `replica-a`, with `cat` served.
pub async fn refresh(w: &World, cat: &Catalog) -> RefreshReport {
    let (store, discord) = (&*w.app.store, &*w.app.discord);
    refresh_pins(store, discord, cat, "replica-a")
        .await
        .expect("refresh")
}

/// Waits until the store records pin `id` (module `module`) as showing the served card.
pub async fn wait_current(w: &World, id: u64, module: u32) {
    let guild = w.fake.guild_id() as i64;
    let card = pin_card(&w.app.catalog(), "mlops-engineering", module).expect("the module");
    let want = card.hash();
    let start = std::time::Instant::now();
    let stored_hash = loop {
        let stored = w.app.store.list_pins(guild).await.unwrap();
        let first = stored.iter().find(|p| p.message_id == id as i64);
        let hash = first.expect("tracked").hash.clone();
        if hash == want || start.elapsed() > T {
            break hash;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(stored_hash, want);
}

/// The card's one attachment, the roadmap: shown by its embed, downloaded from the fake's CDN,
/// a PNG of the roadmap's size.
pub fn picture(w: &World, message: &serde_json::Value) -> Vec<u8> {
    let fake = &w.fake;
    let input = curriculum_bot::reply::roadmap::input(&w.app.catalog(), 0, None);
    let size = curriculum_bot::roadmap::svg::size(&input);
    let attachments = message["attachments"].as_array().expect("attachments");
    assert_eq!(attachments.len(), 1, "one picture: {attachments:?}");
    let a = &attachments[0];
    assert_eq!(a["filename"], "roadmap.png");
    assert_eq!(
        message["embeds"][0]["image"]["url"], a["url"],
        "the embed shows it"
    );
    let bytes = fake.attachment_bytes(a).expect("uploaded");
    let png = resvg::tiny_skia::Pixmap::decode_png(&bytes).expect("a PNG");
    let (w, h) = (u64::from(png.width()), u64::from(png.height()));
    assert_eq!(
        (a["width"].as_u64(), a["height"].as_u64()),
        (Some(w), Some(h))
    );
    assert_eq!(
        (w, h),
        (u64::from(size.0), u64::from(size.1)),
        "the roadmap's size"
    );
    bytes
}

/// The pins the store tracks in the fake's guild.
pub async fn tracked(w: &World) -> Vec<curriculum_bot::store::Pin> {
    let guild = w.fake.guild_id() as i64;
    w.app
        .store
        .list_pins(guild)
        .await
        .expect("the store answers")
}

/// Waits (at most [`T`]) until `done` holds.
pub async fn until(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done().await {
        assert!(start.elapsed() < T, "timed out waiting until {what}");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}
