//! curriculum-bot: a Discord bot that turns a Docusaurus-style curriculum into slash commands and
//! weekly action-plan reminders.
//!
//! Module map (PURE modules do no I/O, read no clock and import no tokio, serenity or sqlx):
//! - [`curriculum`] PURE: the typed model and the Markdown parser.
//! - [`search`] PURE: one ranked, typo-tolerant index over everything, plus autocomplete.
//! - [`reply`] PURE: Interaction -> Command -> Response within Discord's limits.
//! - [`roadmap`] PURE: a track's timeline as SVG, and its PNG (resvg, bundled font).
//! - [`load`]: reads curriculum pages from disk for the parser.
//! - [`config`]: settings from the environment and `.env`, validated.
//! - [`app`]: the one async handler every transport calls; it routes and carries out effects.
//! - [`moderation`]: `/report` and `/curriculum reload|validate` (the store, the disk).
//! - [`discord`]: the gateway (serenity) and the paced REST client.
//! - [`cli`]: `check`, `search` and `ask`.
//! - [`ports`]: the `Discord` trait (and its `RestError`) that effects and delivery call; below
//!   `app`, implemented by `discord::rest`.
//! - [`metrics`]: Prometheus counters and histograms for `/metrics`.
//! - [`reminders`] weekly reminders: [`reminders::schedule`], [`reminders::content`] and
//!   [`reminders::plan`] PURE (slots, zones, DST-exact times; the message; which slot, late or
//!   not), and the `/remind` commands over a narrow context.
//! - [`delivery`]: the delivery loop (claim, reconcile unknown outcomes, send with a nonce, mark);
//!   above `app` and `reminders`, below `main`.
//! - [`pins`]: living pins, edited in place after a reload.
//! - [`drawing`]: pictures drawn on the blocking pool, a few at a time, within a time budget.
//! - [`reload`]: one reload at a time, diffed and swapped whole; [`watch`]: `CURRICULUM_WATCH`.
//! - [`store`] storage behind one trait: SQLite (default, single instance) or PostgreSQL.

pub mod app;
pub mod cli;
pub mod config;
pub mod curriculum;
pub mod delivery;
pub mod discord;
pub mod drawing;
pub mod load;
pub mod metrics;
pub mod moderation;
pub mod pins;
pub mod ports;
pub mod progress;
pub mod reload;
pub mod reminders;
pub mod reply;
pub mod roadmap;
pub mod search;
pub mod store;
/// An in-memory Discord and store for paused-time unit tests.
#[cfg(test)]
pub(crate) mod testkit;
pub mod watch;
