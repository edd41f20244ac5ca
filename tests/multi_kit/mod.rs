//! Helpers of the multi-track tests (multi_site.rs): the catalog of tests/sites/multi (four
//! tracks, written for these tests), the member's and the channel's stored tracks, an `ask` line
//! run through the one handler, and its reply rendered as text.
#![allow(dead_code)]

use curriculum_bot::app::App;
use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::ask::{interaction, Asker};
use curriculum_bot::reply::interaction::Interaction;
use curriculum_bot::reply::{registry, render, Catalog, Response};
use std::path::PathBuf;

pub const GUILD: i64 = 100000000000000002;
pub const USER: i64 = 100000000000000001;
pub const OTHER_USER: i64 = 100000000000000009;
pub const CHANNEL: i64 = 100000000000000003;

pub fn docs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sites/multi/docs")
}

pub fn settings() -> Settings {
    Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some("/nonexistent/aliases.txt".into()),
        _ => None,
    })
    .unwrap()
}

pub fn catalog() -> Catalog {
    load_catalog(&docs(), &settings()).unwrap().0
}

/// Who asks: the member's stored track and the channel's stored track, if any.
#[derive(Default, Clone, Copy)]
pub struct Stored {
    pub member: Option<&'static str>,
    pub channel: Option<&'static str>,
}

pub const NONE: Stored = Stored {
    member: None,
    channel: None,
};

pub fn member(t: &'static str) -> Stored {
    Stored {
        member: Some(t),
        channel: None,
    }
}

pub fn line(text: &str, user: i64) -> Interaction {
    let defs = registry::definitions(&catalog().curriculum);
    let asker = Asker {
        user_id: user.to_string(),
        ..Asker::default()
    };
    interaction(text, &defs, &asker).unwrap()
}

/// Runs `f` on an offline app over the fixture with the stored tracks set.
pub fn with_app<T>(stored: Stored, f: impl AsyncFnOnce(&App) -> T) -> T {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = offline_app(catalog()).await.unwrap();
        if let Some(t) = stored.member {
            app.store
                .set_member_track(Some(GUILD), USER, t, 1)
                .await
                .unwrap();
        }
        if let Some(t) = stored.channel {
            app.store
                .set_channel_track(GUILD, CHANNEL, t, 1)
                .await
                .unwrap();
        }
        f(&app).await
    })
}

pub fn shown(r: &Response, failed: bool) -> String {
    let mut s = render::text(r);
    if failed {
        s.insert_str(0, "[failed] ");
    }
    s
}

/// The reply to one `ask` line, as text.
pub fn ask(stored: Stored, text: &str) -> String {
    let i = line(text, USER);
    with_app(stored, async |app| {
        let out = app.handle(&i).await;
        shown(&out.response, out.failed)
    })
}
