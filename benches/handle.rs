//! Handling time per command, from the interaction's JSON to the response's JSON, through the one
//! handler (`App::handle`), read-only commands and commands with effects: `/remind subscribe`
//! (a SQLite store on tmpfs and the welcome DM) and `/pin` (post and pin a card), both against
//! an in-memory Discord. Every response is checked. Baseline in the same run: parsing and
//! re-serializing the same JSON without handling it. `cargo bench --bench handle`.

#[path = "common/mod.rs"]
mod common;

use common::{pick, ratio, stats, us, Report};
use curriculum_bot::app::App;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::ports::{Discord, RestError};
use curriculum_bot::reply::{Interaction, Message};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Discord in memory: counts what it is asked to do.
#[derive(Default)]
struct MemDiscord {
    messages: AtomicU64,
    pins: AtomicU64,
    dms: AtomicU64,
    /// Messages posted with a PNG (the pinned cards' roadmap pictures).
    pictures: AtomicU64,
}

#[async_trait::async_trait]
impl Discord for MemDiscord {
    async fn create_message(
        &self,
        _: &str,
        m: &Message,
        _: Option<&str>,
    ) -> Result<String, RestError> {
        if m.files.iter().any(|f| f.bytes.starts_with(b"\x89PNG")) {
            self.pictures.fetch_add(1, Ordering::Relaxed);
        }
        let n = self.messages.fetch_add(1, Ordering::Relaxed);
        Ok((200_000_000_000_000_000 + n).to_string())
    }
    async fn pin(&self, _: &str, _: &str) -> Result<(), RestError> {
        self.pins.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
    async fn create_dm(&self, user: &str) -> Result<String, RestError> {
        self.dms.fetch_add(1, Ordering::Relaxed);
        Ok(format!("3{user}"))
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
    async fn edit_message(&self, _: &str, _: &str, _: &Message) -> Result<(), RestError> {
        Ok(())
    }
}

const MEMBER: &str = "3072"; // view channel + send messages
const MODERATOR: &str = "8192"; // manage messages

fn interaction(user: u64, perms: &str, kind: u8, name: &str, options: Value) -> String {
    json!({
        "id": "1", "application_id": "2", "type": kind, "token": "t", "channel_id": "3", "guild_id": "4",
        "member": { "user": { "id": user.to_string(), "username": "u" }, "permissions": perms, "roles": [] },
        "app_permissions": "2251799813745664",
        "data": { "id": "6", "name": name, "type": 1, "options": options }
    })
    .to_string()
}

fn q(name: &str, value: &str) -> Value {
    json!([{ "name": name, "type": 3, "value": value }])
}

/// A command: its label, how to build its JSON for round `n` (commands that store something
/// come from a new user each round), and a word its response must contain (case-insensitive).
struct Case {
    label: &'static str,
    body: Box<dyn Fn(u64) -> String>,
    expect: &'static str,
}

fn case(label: &'static str, expect: &'static str, f: impl Fn(u64) -> String + 'static) -> Case {
    Case {
        label,
        body: Box::new(f),
        expect,
    }
}

fn cases() -> Vec<Case> {
    vec![
        case("/resource mlflow", "mlflow", |_| {
            interaction(5, MEMBER, 2, "resource", q("query", "mlflow"))
        }),
        case("/search kubeflw", "kubeflow", |_| {
            interaction(5, MEMBER, 2, "search", q("topic", "kubeflw"))
        }),
        case("/module 2", "module 2", |_| {
            interaction(5, MEMBER, 2, "module", q("module", "2"))
        }),
        case("/module (all)", "module 1", |_| {
            interaction(5, MEMBER, 2, "module", json!([]))
        }),
        case("/path", "devops", |_| {
            interaction(5, MEMBER, 2, "path", q("background", "DevOps Engineers"))
        }),
        case("/plan", "week", |_| {
            interaction(5, MEMBER, 2, "plan", json!([]))
        }),
        case("/help", "/resource", |_| {
            interaction(5, MEMBER, 2, "help", json!([]))
        }),
        case("autocomplete /resource \"ku\"", "kube", |_| {
            let opts = json!([{ "name": "query", "type": 3, "value": "ku", "focused": true }]);
            interaction(5, MEMBER, 4, "resource", opts)
        }),
        case(
            "/remind subscribe (store + welcome DM)",
            "monday 09:00",
            |n| {
                let sub = json!([{ "name": "subscribe", "type": 1, "options": [] }]);
                interaction(1_000_000 + n, MEMBER, 2, "remind", sub)
            },
        ),
        case("/pin 1 (post + pin)", "pinned", |_| {
            interaction(7, MODERATOR, 2, "pin", q("module", "1"))
        }),
    ]
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .expect("settings");
    let (cat, _) = load_catalog(&root.join("data/curriculum"), &settings).expect("catalog");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    // tmpfs when there is one: the store refuses `:memory:` (it needs a file for its lock).
    let shm = std::path::Path::new("/dev/shm");
    let base = if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("cb-handle-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let store = rt
        .block_on(curriculum_bot::store::open(&url, &Default::default()))
        .expect("store");
    let discord = Arc::new(MemDiscord::default());
    let app = App::new(cat, discord.clone(), store.clone());

    let (runs, warm) = pick((5_000, 200), (300, 20));
    let mut rows = Vec::new();
    let mut worst_p99 = std::time::Duration::ZERO;
    for c in cases() {
        let before = (
            discord.messages.load(Ordering::Relaxed),
            discord.pins.load(Ordering::Relaxed),
            discord.pictures.load(Ordering::Relaxed),
        );
        let mut handled = Vec::with_capacity(runs);
        let mut baseline = Vec::with_capacity(runs);
        for round in 0..(runs + warm) as u64 {
            let body = (c.body)(round);
            // Baseline: the JSON work alone (parse the interaction, serialize it back).
            let t = Instant::now();
            let i: Interaction = serde_json::from_str(&body).expect("interaction");
            std::hint::black_box(serde_json::to_string(&i).expect("json"));
            let b = t.elapsed();
            // The real thing: parse, handle, serialize the callback body.
            let t = Instant::now();
            let i: Interaction = serde_json::from_str(&body).expect("interaction");
            let out = rt.block_on(app.handle(&i));
            let s = out.response.to_json().to_string();
            let h = t.elapsed();
            assert!(
                !out.failed && s.to_lowercase().contains(c.expect),
                "{}: the response lacks {:?}: {s}",
                c.label,
                c.expect
            );
            if round >= warm as u64 {
                baseline.push(b);
                handled.push(h);
            }
        }
        let total = (runs + warm) as u64;
        if c.label.starts_with("/pin") {
            assert_eq!(
                discord.pins.load(Ordering::Relaxed) - before.1,
                total,
                "one pin each"
            );
            let pictures = discord.pictures.load(Ordering::Relaxed) - before.2;
            assert_eq!(pictures, total, "each card carries its roadmap picture");
        }
        if c.label.starts_with("/remind") {
            let welcome = discord.messages.load(Ordering::Relaxed) - before.0;
            assert_eq!(welcome, total, "one welcome DM each");
            let last = rt
                .block_on(store.get_dm((1_000_000 + total - 1) as i64))
                .expect("read the store");
            assert!(last.is_some(), "the subscription is stored");
        }
        let (m, p) = stats(handled);
        let (bm, bp) = stats(baseline);
        worst_p99 = worst_p99.max(p);
        rows.push(vec![
            c.label.to_string(),
            us(m),
            us(p),
            us(bm),
            us(bp),
            ratio(p.as_secs_f64(), bp.as_secs_f64()),
        ]);
    }
    let mut rep = Report::new("handle");
    rep.line(format!(
        "{runs} runs of each command after {warm} warm-up runs, on one thread. `/remind \
         subscribe` comes from a new member each run (a new subscription and a welcome DM); \
         `/pin` posts and pins a card with its track's roadmap picture each run (the picture is \
         drawn once per curriculum and SVG, then reused; the bench checks every card carries \
         it).\n"
    ));
    rep.table(
        &[
            "command",
            "median",
            "p99",
            "baseline median",
            "baseline p99",
            "p99 ratio",
        ],
        &rows,
    );
    rep.summary(
        "handling a command, p99 (worst command)",
        "≤ 1 ms",
        us(worst_p99),
        Some(worst_p99 <= std::time::Duration::from_millis(1)),
    );
    rep.write();
    rt.block_on(store.close());
    let _ = std::fs::remove_dir_all(&dir);
}
