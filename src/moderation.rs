//! The moderators' commands that need the store or the disk: `/report` (searches that found
//! nothing, per server) and `/curriculum reload|validate`. Each takes only what it needs; `app`
//! routes to them and swaps in a reloaded catalog.

use crate::config::Settings;
use crate::reply::interaction::perms;
use crate::reply::{self, Catalog, Interaction, Outcome, Response};
use crate::store::Store;
use std::path::PathBuf;

/// `/report`: what members searched for and did not find, in this server.
pub async fn report(store: &dyn Store, i: &Interaction) -> Outcome {
    if !i.member_can(perms::MANAGE_GUILD) {
        return reply::handle::error(
            "Only moderators with **Manage Server** can see the search report.",
        );
    }
    let guild = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok());
    match store.top_misses(guild, 20).await {
        Ok(misses) => {
            let rows: Vec<(String, u64)> = misses.into_iter().map(|m| (m.query, m.count)).collect();
            Response::Message(reply::cards::misses_report(&rows).ephemeral()).into()
        }
        Err(e) => reply::handle::error(format!("I couldn't read the report: {e}")),
    }
}

/// `/curriculum reload|validate`: reads the curriculum from `source` again. The reply, and the
/// catalog to swap in when a reload found no errors.
pub async fn curriculum(
    source: Option<&(PathBuf, Settings)>,
    i: &Interaction,
    reload: bool,
) -> (Outcome, Option<Catalog>) {
    if !i.member_can(perms::MANAGE_GUILD) {
        let refusal =
            "Only moderators with **Manage Server** can reload or validate the curriculum.";
        return (reply::handle::error(refusal), None);
    }
    let Some((path, settings)) = source.cloned() else {
        let none = "This instance has no curriculum folder to reload from.";
        return (reply::handle::error(none), None);
    };
    let loaded =
        tokio::task::spawn_blocking(move || crate::load::load_catalog(&path, &settings)).await;
    let (cat, diags) = match loaded {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return (reply::handle::error(format!("Loading failed: {e}")), None),
        Err(e) => return (reply::handle::error(format!("Loading failed: {e}")), None),
    };
    let lines: Vec<String> = diags.iter().take(15).map(|d| format!("• `{d}`")).collect();
    let summary = crate::curriculum::summary(&cat.curriculum);
    let (verb, swap) = match (reload, cat.errors) {
        (true, 0) => ("Reloaded", Some(cat)),
        (true, _) => ("Not reloaded (fix the errors first)", None),
        (false, _) => ("Checked", None),
    };
    let text = format!("{verb}: {summary}.\n{}", lines.join("\n"));
    let reply = Response::Message(reply::Message::text(text).ephemeral().within_limits());
    (reply.into(), swap)
}
