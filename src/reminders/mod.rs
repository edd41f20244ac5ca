//! Weekly action-plan reminders: the pure schedule math (more parts join as the feature grows).

pub mod schedule;
