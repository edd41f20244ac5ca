//! Helpers of the track tests (tracks.rs, tracks_choose.rs): the fixture site's catalog, the
//! member's and the channel's stored tracks, an `ask` line run through the one handler, and its
//! reply rendered as text.
#![allow(dead_code)]

use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::ask::{interaction, Asker};
use curriculum_bot::reply::interaction::Interaction;
use curriculum_bot::reply::{registry, render, Catalog, Response};
use expect_test::Expect;

const GUILD: i64 = 100000000000000002;
pub const USER: i64 = 100000000000000001;
pub const CHANNEL: i64 = 100000000000000003;

pub fn catalog() -> Catalog {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .unwrap();
    load_catalog(&root.join("tests/site/docs"), &settings)
        .unwrap()
        .0
}

/// Who asks: the member's stored track and the channel's stored track, if any.
#[derive(Default, Clone, Copy)]
pub struct Stored {
    pub member: Option<&'static str>,
    pub channel: Option<&'static str>,
}

pub fn run(stored: Stored, i: &Interaction) -> (Response, bool) {
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
        let out = app.handle(i).await;
        (out.response, out.failed)
    })
}

pub fn ask_line(line: &str) -> Interaction {
    let defs = registry::definitions(&catalog().curriculum);
    interaction(line, &defs, &Asker::default()).unwrap()
}

pub fn shown(r: &Response, failed: bool) -> String {
    let mut s = render::text(r);
    if failed {
        s.insert_str(0, "[failed] ");
    }
    s
}

pub fn check(stored: Stored, line: &str, expect: Expect) {
    let (r, failed) = run(stored, &ask_line(line));
    expect.assert_eq(&shown(&r, failed));
}

pub const NONE: Stored = Stored {
    member: None,
    channel: None,
};
