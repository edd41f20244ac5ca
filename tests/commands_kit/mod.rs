//! Helpers of the slash command tests (commands.rs, commands_input.rs): the shipped curriculum's
//! catalog, the offline app, and an `ask` line (as a member or a moderator) run through the one
//! handler.
#![allow(dead_code)]

use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::ask::{interaction, Asker};
use curriculum_bot::reply::interaction::Interaction;
use curriculum_bot::reply::{registry, Response};
use std::sync::Arc;

pub fn catalog() -> curriculum_bot::reply::Catalog {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .unwrap();
    load_catalog(&root.join("data/curriculum"), &settings)
        .unwrap()
        .0
}

pub async fn app() -> Arc<curriculum_bot::app::App> {
    offline_app(catalog()).await.unwrap()
}

pub fn run(i: &Interaction) -> (Response, bool) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let out = rt.block_on(async { app().await.handle(i).await });
    (out.response, out.failed)
}

pub fn ask_line(line: &str, moderator: bool) -> Interaction {
    let defs = registry::definitions(&catalog().curriculum);
    interaction(
        line,
        &defs,
        &Asker {
            moderator,
            ..Asker::default()
        },
    )
    .unwrap()
}
