//! The moderators' commands that need the store or the disk: `/report` (searches that found
//! nothing, per server) and `/curriculum reload|validate` (only in `CURRICULUM_ADMIN_GUILDS`)
//! with the diff against what is served (paged with `cur|page|N` buttons, per moderator), plus
//! the watcher's reload that logs and posts its diff (a reload without changes only at debug).
//! Each takes only what it needs; `app` routes to them and swaps in a reloaded catalog.

use crate::ports::Discord;
use crate::reload::{ReloadCtx, ReloadState, Report, Request};
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
/// Warnings named in a reply (then "and N more").
const WARNINGS_SHOWN: usize = 5;

/// What `/curriculum reload` was asked to do besides reloading.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub force: bool,
    pub rename: Option<String>,
}

/// `/curriculum reload|validate`: reads the curriculum again and compares it with what is served
/// (per track); a reload without errors (and not held, or forced) is swapped in through `swap`.
/// The reply has the summary, the errors to fix (`file:line`), the first warnings, what points
/// at a missing track and the first page of the diff, with buttons for the rest.
pub async fn curriculum(
    ctx: &ReloadCtx<'_>,
    i: &Interaction,
    reload: bool,
    opts: &Options,
    current: impl Fn() -> Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Outcome {
    if !i.member_can(perms::MANAGE_GUILD) {
        return reply::handle::error(
            "Only moderators with **Manage Server** can reload or validate the curriculum.",
        );
    }
    if let Some(refusal) = admin_guild_refusal(ctx, i) {
        return reply::handle::error(refusal);
    }
    let rename = match opts
        .rename
        .as_deref()
        .map(crate::reload::tracks::parse_rename)
    {
        Some(Err(e)) => return reply::handle::error(e),
        Some(Ok(pair)) => Some(pair),
        None => None,
    };
    let req = Request {
        swap_in: reload,
        force: opts.force,
        rename,
        user: i.user_id().map(str::to_string),
    };
    let report = crate::reload::run(ctx, &req, current, swap).await;
    tracing::info!(
        "/curriculum {}: {}",
        if reload { "reload" } else { "validate" },
        report.headline()
    );
    if let Some(line) = report.tracks_line() {
        tracing::warn!("  {line}");
    }
    if let Report::Failed(e) = &report {
        return reply::handle::error(format!(
            "Not reloaded: {e}. Still serving the old curriculum."
        ));
    }
    let text = explain(&report);
    let user = i.user_id().unwrap_or_default();
    let lines = ctx.state.last_diff(user);
    Response::Message(diff_page(&lines, 0, Some(&text)).ephemeral()).into()
}

/// The servers listed in `CURRICULUM_ADMIN_GUILDS` (default `DISCORD_GUILD_ID`): the curriculum
/// is shared by every server, so only those may change it. `Some` is the refusal.
fn admin_guild_refusal(ctx: &ReloadCtx<'_>, i: &Interaction) -> Option<&'static str> {
    let allowed = &ctx.source?.1.curriculum_admin_guilds;
    let here = i.guild_id.as_deref().unwrap_or("");
    match allowed.is_empty() || allowed.iter().any(|g| g == here) {
        true => None,
        false => Some(
            "The curriculum is shared by every server this bot is in: it can be reloaded or \
             validated only from the servers listed in `CURRICULUM_ADMIN_GUILDS`.",
        ),
    }
}

/// The reply's (and the log channel's) head: the headline (once), the errors to fix, the first
/// warnings and what points at missing tracks.
fn explain(report: &Report) -> String {
    let mut text = format!("{}.", report.headline());
    let quoted = |lines: Vec<String>| {
        let shown: Vec<String> = lines
            .iter()
            .map(|e| format!("• `{}`", e.replace('`', "'")))
            .collect();
        shown.join("\n")
    };
    let errors = report.errors(ERRORS_SHOWN);
    if !errors.is_empty() {
        text.push_str("\nFix these first:\n");
        text.push_str(&quoted(errors));
    }
    let warnings = report.warnings(WARNINGS_SHOWN);
    if !warnings.is_empty() {
        text.push_str("\nWarnings:\n");
        text.push_str(&quoted(warnings));
    }
    if let Some(line) = report.tracks_line() {
        text.push_str(&format!("\n{line}"));
    }
    text
}

/// A `cur|page|N` button: page `N` of the clicking moderator's last diff, in place.
pub fn diff_button(state: &ReloadState, i: &Interaction, custom_id: &str) -> Outcome {
    if !i.member_can(perms::MANAGE_GUILD) {
        return reply::handle::error("Only moderators with **Manage Server** can page the diff.");
    }
    let page = custom_id
        .strip_prefix("cur|page|")
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    let lines = state.last_diff(i.user_id().unwrap_or_default());
    Response::Update(diff_page(&lines, page, None)).into()
}

/// Page `page` (0-based, clamped) of the diff lines, under `head`, with Previous/Next buttons.
/// Without a head, an empty diff says "No changes." (the headline says so otherwise).
pub fn diff_page(lines: &[String], page: usize, head: Option<&str>) -> reply::Message {
    let pages = lines.len().div_ceil(DIFF_PAGE).max(1);
    let page = page.min(pages - 1);
    let mut text = head.map(|h| format!("{h}\n")).unwrap_or_default();
    if lines.is_empty() {
        if head.is_none() {
            text.push_str("No changes.");
        }
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
    let mut m = reply::Message::text(text.trim_end()).ephemeral();
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

/// The watcher's reload: swaps in a good curriculum (never a held one), logs the result and its
/// diff and, when `log_channel` is set, posts them there. A reload that changed nothing is
/// logged at debug level only and not posted.
pub async fn auto_reload(
    ctx: &ReloadCtx<'_>,
    discord: &dyn Discord,
    log_channel: Option<&str>,
    current: impl Fn() -> Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Report {
    let req = Request {
        swap_in: true,
        ..Request::default()
    };
    let report = crate::reload::run(ctx, &req, current, swap).await;
    let headline = report.headline();
    if report.unchanged() {
        tracing::debug!("curriculum files changed on disk; {headline}");
        return report;
    }
    let lines = match &report {
        Report::Reloaded { diff, .. } | Report::Kept { diff, .. } | Report::Held { diff, .. } => {
            diff.lines()
        }
        Report::Failed(_) => Vec::new(),
    };
    match &report {
        Report::Reloaded { .. } => tracing::info!("curriculum changed on disk. {headline}"),
        _ => tracing::warn!("curriculum changed on disk. {headline}"),
    }
    let details = report.errors(ERRORS_SHOWN).into_iter();
    let details = details.chain(report.warnings(WARNINGS_SHOWN));
    for line in details.chain(report.tracks_line()).chain(lines.clone()) {
        tracing::info!("  {line}");
    }
    if let Some(channel) = log_channel {
        let mut m = diff_page(&lines, 0, Some(&format!("📚 {}", explain(&report))));
        m.flags = None;
        m.components.clear();
        if let Err(e) = discord.create_message(channel, &m, None).await {
            tracing::warn!(error = %e, channel, "could not post the reload to CURRICULUM_LOG_CHANNEL");
        }
    }
    report
}
