//! curriculum-bot: a Discord bot that turns a Docusaurus-style curriculum into slash commands and
//! weekly action-plan reminders.
//!
//! Module map (PURE modules do no I/O, read no clock and import no tokio, serenity or sqlx):
//! - [`curriculum`] PURE: the typed model and the Markdown parser.
//! - [`search`] PURE: one ranked, typo-tolerant index over everything, plus autocomplete.
//! - [`store`] storage behind one trait: SQLite (default, single instance) or PostgreSQL.

pub mod curriculum;
pub mod store;
