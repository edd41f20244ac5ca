//! Weekly action-plan reminders: the pure schedule math and content, the `/remind` commands, and
//! the delivery loop.

pub mod commands;
pub mod content;
pub mod delivery;
pub mod schedule;
#[cfg(test)]
pub(crate) mod testkit;
