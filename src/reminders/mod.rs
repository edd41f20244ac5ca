//! Weekly action-plan reminders: the pure schedule math, content and delivery plan (which slot,
//! late or not, retry backoff) and the `/remind` commands. The delivery loop that sends them is
//! the adapter [`crate::delivery`].

pub mod commands;
pub mod content;
pub mod plan;
pub mod schedule;
