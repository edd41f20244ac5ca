//! Progress that counts (issue 19): check-ins from a reminder's **Done this week** button or
//! `/progress done`, a study group's live count edited into its reminder, `/progress me|group|
//! forget`, the reminder's "last week" line and `/report`'s progress section.
//!
//! `rows`, `math`, `text` and `report` are PURE (no tokio, sqlx or clock; `now` is a
//! parameter). `commands` (over the store, taking a [`commands::ProgressCtx`]) and `edits` (the
//! coalesced edits of a group's reminder through the paced REST client) and `lastweek` (the
//! reminder's line about the week before) are the adapters.

pub mod commands;
pub mod edits;
pub mod lastweek;
pub mod math;
pub mod report;
pub mod rows;
pub mod text;
