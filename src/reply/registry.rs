//! The slash commands as Discord application-command JSON, built from the loaded curriculum
//! (pathway choices), for bulk registration and for parsing `ask` lines.

use super::interaction::perms;
use super::message::truncate;
use crate::curriculum::Curriculum;
use serde_json::{json, Value};

pub const SUB_COMMAND: u8 = 1;
pub const STRING: u8 = 3;
pub const INTEGER: u8 = 4;
pub const CHANNEL: u8 = 7;
pub const ROLE: u8 = 8;

fn opt(kind: u8, name: &str, description: &str, required: bool) -> Value {
    json!({ "type": kind, "name": name, "description": description, "required": required })
}

fn auto(name: &str, description: &str, required: bool) -> Value {
    let mut o = opt(STRING, name, description, required);
    o["autocomplete"] = json!(true);
    o["max_length"] = json!(super::command::MAX_QUERY);
    o
}

fn remind_subs() -> Vec<Value> {
    let mut subscribe = json!({
        "type": SUB_COMMAND, "name": "subscribe", "description": "Get a weekly reminder of where you are in the plan",
        "options": [
            opt(STRING, "day", "Day of the week (default Monday)", false),
            opt(STRING, "time", "Local time, HH:MM (default 09:00)", false),
            auto("timezone", "IANA time zone, e.g. Europe/London (default UTC)", false),
            opt(STRING, "pathway", "Your background pathway", false),
            opt(INTEGER, "start_week", "The plan week you are in now (default 1)", false),
            opt(CHANNEL, "channel", "Study group: post in this channel instead of a DM", false),
            opt(ROLE, "role", "Study group: the role to mention", false),
        ]
    });
    subscribe["options"][4]["min_value"] = json!(1);
    subscribe["options"][4]["max_value"] = json!(520);
    let simple = |name: &str, d: &str| {
        json!({ "type": SUB_COMMAND, "name": name, "description": d,
                "options": [opt(CHANNEL, "channel", "A study group's channel (moderators)", false)] })
    };
    let mut week = json!({ "type": SUB_COMMAND, "name": "week", "description": "Set the plan week you are in",
        "options": [opt(INTEGER, "number", "Week number", true), opt(CHANNEL, "channel", "A study group's channel", false)] });
    week["options"][0]["min_value"] = json!(1);
    week["options"][0]["max_value"] = json!(520);
    vec![
        subscribe,
        simple("status", "Show your reminder subscription"),
        simple("pause", "Pause your reminders"),
        simple("resume", "Resume your reminders"),
        simple("unsubscribe", "Stop your reminders"),
        simple("skip", "Skip the next week's reminder"),
        week,
        simple("preview", "Show this week's reminder now"),
    ]
}

/// Every command, ready for `PUT /applications/{id}/commands`.
pub fn definitions(c: &Curriculum) -> Vec<Value> {
    let pathway_choices: Vec<Value> = c
        .pathways
        .iter()
        .take(25)
        .map(|p| json!({ "name": truncate(&p.background, 100), "value": truncate(&p.background, 100) }))
        .collect();
    let mut path = opt(STRING, "background", "Your background", true);
    if !pathway_choices.is_empty() {
        path["choices"] = json!(pathway_choices);
    }
    // The OpenAPI spec types default_member_permissions as an integer in requests.
    let manage_messages = perms::MANAGE_MESSAGES;
    let manage_guild = perms::MANAGE_GUILD;
    vec![
        json!({ "name": "resource", "description": "Find a learning resource", "options": [auto("query", "Resource name or topic", true)] }),
        json!({ "name": "search", "description": "Fuzzy search over the whole curriculum", "options": [auto("topic", "What to look for", true)] }),
        json!({ "name": "module", "description": "A module card, or all modules", "options": [auto("module", "Module number or name", false)] }),
        json!({ "name": "path", "description": "The learning pathway for your background", "options": [path] }),
        json!({ "name": "plan", "description": "The getting-started action plan" }),
        json!({ "name": "help", "description": "What this bot can do" }),
        json!({ "name": "remind", "description": "Weekly action-plan reminders", "options": remind_subs() }),
        json!({ "name": "pin", "description": "Pin module cards that stay up to date (moderators)",
                "default_member_permissions": manage_messages, "contexts": [0],
                "options": [
                    { "type": SUB_COMMAND, "name": "module", "description": "Post and pin a module card",
                      "options": [auto("module", "Module number or name", true)] },
                    { "type": SUB_COMMAND, "name": "list", "description": "This server's pinned cards and whether each is current" }
                ] }),
        json!({ "name": "report", "description": "Searches that found nothing (moderators)",
                "default_member_permissions": manage_guild, "contexts": [0] }),
        json!({ "name": "curriculum", "description": "Reload or validate the curriculum (moderators)",
                "default_member_permissions": manage_guild, "contexts": [0],
                "options": [
                    { "type": SUB_COMMAND, "name": "reload", "description": "Reload the curriculum from disk" },
                    { "type": SUB_COMMAND, "name": "validate", "description": "Check the curriculum for problems" }
                ] }),
    ]
}

/// The definition of command `name`, if there is one.
pub fn find<'a>(defs: &'a [Value], name: &str) -> Option<&'a Value> {
    defs.iter().find(|d| d["name"] == name)
}
