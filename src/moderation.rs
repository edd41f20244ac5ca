//! The moderators' commands that need the store or the disk: `/report` (searches that found
//! nothing, per server) and `/curriculum reload|validate` with the diff against what is served
//! (paged with `cur|page|N` buttons), plus the watcher's reload that logs and posts its diff.
//! Each takes only what it needs; `app` routes to them and swaps in a reloaded catalog.

use crate::ports::Discord;
use crate::reload::{ReloadCtx, ReloadState, Report};
use crate::reply::interaction::perms;
use crate::reply::message::Component;
use crate::reply::{self, Catalog, Interaction, Outcome, Response};
use crate::store::Store;
use std::sync::Arc;

/// `/report`: what members searched for and did not find, in this server, and how learners
/// progress per track (`progress::report`) at `now` (unix seconds).
pub async fn report(store: &dyn Store, catalog: &Catalog, i: &Interaction, now: i64) -> Outcome {
    if !i.member_can(perms::MANAGE_GUILD) {
        return reply::handle::error(
            "Only moderators with **Manage Server** can see the search report.",
        );
    }
    let guild = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok());
    let misses = store.top_misses(guild, 20).await;
    let progress = store.progress_rows(guild, now).await;
    match (misses, progress) {
        (Ok(misses), Ok(progress)) => {
            let rows: Vec<(String, u64)> = misses.into_iter().map(|m| (m.query, m.count)).collect();
            let mut m = reply::cards::misses_report(&rows);
            // Issue 19: per track, subscriptions, modules now, check-in rates, where learners stop.
            m.embeds.extend(crate::progress::report::embeds(
                &catalog.curriculum,
                &progress,
            ));
            Response::Message(m.within_limits().ephemeral()).into()
        }
        (Err(e), _) | (_, Err(e)) => {
            reply::handle::error(format!("I couldn't read the report: {e}"))
        }
    }
}

/// Diff lines on one page of the reload reply.
pub const DIFF_PAGE: usize = 15;
/// Errors named in a refused reload's reply.
const ERRORS_SHOWN: usize = 10;

/// `/curriculum reload|validate`: reads the curriculum again and compares it with what is served
/// (per track); a reload without errors is swapped in through `swap`. The reply has the summary,
/// the errors to fix (`file:line`) and the first page of the diff, with buttons for the rest.
pub async fn curriculum(
    ctx: &ReloadCtx<'_>,
    i: &Interaction,
    reload: bool,
    current: impl Fn() -> Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Outcome {
    if !i.member_can(perms::MANAGE_GUILD) {
        return reply::handle::error(
            "Only moderators with **Manage Server** can reload or validate the curriculum.",
        );
    }
    let report = crate::reload::run(ctx, reload, current, swap).await;
    tracing::info!(
        "/curriculum {}: {}",
        if reload { "reload" } else { "validate" },
        report.headline()
    );
    if let Report::Failed(e) = &report {
        return reply::handle::error(format!(
            "Not reloaded: {e}. Still serving the old curriculum."
        ));
    }
    let mut text = format!("{}.", report.headline());
    let errors = report.errors(ERRORS_SHOWN);
    if !errors.is_empty() {
        text.push_str("\nFix these first:\n");
        let shown: Vec<String> = errors
            .iter()
            .map(|e| format!("• `{}`", e.replace('`', "'")))
            .collect();
        text.push_str(&shown.join("\n"));
    }
    Response::Message(diff_page(&ctx.state.last_diff(), 0, Some(&text)).ephemeral()).into()
}

/// A `cur|page|N` button: page `N` of the last reload's diff, in place.
pub fn diff_button(state: &ReloadState, i: &Interaction, custom_id: &str) -> Outcome {
    if !i.member_can(perms::MANAGE_GUILD) {
        return reply::handle::error("Only moderators with **Manage Server** can page the diff.");
    }
    let page = custom_id
        .strip_prefix("cur|page|")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    Response::Update(diff_page(&state.last_diff(), page, None)).into()
}

/// Page `page` (0-based, clamped) of the diff lines, under `head`, with Previous/Next buttons.
pub fn diff_page(lines: &[String], page: usize, head: Option<&str>) -> reply::Message {
    let pages = lines.len().div_ceil(DIFF_PAGE).max(1);
    let page = page.min(pages - 1);
    let mut text = head.map(|h| format!("{h}\n")).unwrap_or_default();
    if lines.is_empty() {
        text.push_str("No changes.");
    } else {
        let shown: Vec<String> = lines
            .iter()
            .skip(page * DIFF_PAGE)
            .take(DIFF_PAGE)
            .map(|l| reply::message::escape(l))
            .collect();
        text.push_str(&format!(
            "**Changes** (page {} of {pages}):\n{}",
            page + 1,
            shown.join("\n")
        ));
    }
    let mut m = reply::Message::text(text).ephemeral();
    if pages > 1 {
        let prev = page.saturating_sub(1);
        m.components = vec![Component::row(vec![
            Component::button(2, "Previous", &format!("cur|page|{prev}"), page == 0),
            Component::button(
                2,
                "Next",
                &format!("cur|page|{}", page + 1),
                page + 1 >= pages,
            ),
        ])];
    }
    m.within_limits()
}

/// The watcher's reload: swaps in a good curriculum, logs the result and its diff and, when
/// `log_channel` is set, posts them there.
pub async fn auto_reload(
    ctx: &ReloadCtx<'_>,
    discord: &dyn Discord,
    log_channel: Option<&str>,
    current: impl Fn() -> Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Report {
    let report = crate::reload::run(ctx, true, current, swap).await;
    let headline = report.headline();
    let lines = match &report {
        Report::Failed(_) => Vec::new(),
        _ => ctx.state.last_diff(),
    };
    match &report {
        Report::Reloaded { .. } => tracing::info!("curriculum changed on disk. {headline}"),
        _ => tracing::warn!("curriculum changed on disk. {headline}"),
    }
    for line in report.errors(ERRORS_SHOWN).iter().chain(&lines) {
        tracing::info!("  {line}");
    }
    if let Some(channel) = log_channel {
        let mut text = format!("📚 {headline}");
        for e in report.errors(ERRORS_SHOWN) {
            text.push_str(&format!("\n• `{}`", e.replace('`', "'")));
        }
        let mut m = diff_page(&lines, 0, Some(&text));
        m.flags = None;
        m.components.clear();
        if let Err(e) = discord.create_message(channel, &m, None).await {
            tracing::warn!(error = %e, channel, "could not post the reload to CURRICULUM_LOG_CHANNEL");
        }
    }
    report
}
