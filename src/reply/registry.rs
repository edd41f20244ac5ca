//! The slash commands as Discord application-command JSON, built from the loaded curriculum
//! (pathway choices), for bulk registration and for parsing `ask` lines.

use super::interaction::perms;
use crate::curriculum::Curriculum;
use serde_json::{json, Value};

pub const SUB_COMMAND: u8 = 1;
pub const STRING: u8 = 3;
pub const INTEGER: u8 = 4;
pub const BOOLEAN: u8 = 5;
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

/// The `track` option: autocomplete on track labels and slugs.
fn track_opt() -> Value {
    auto(
        "track",
        "Learning track (default: yours, else the channel's)",
        false,
    )
}

fn remind_subs() -> Vec<Value> {
    let mut subscribe = json!({
        "type": SUB_COMMAND, "name": "subscribe", "description": "Get a weekly reminder of where you are in the plan",
        "options": [
            opt(STRING, "day", "Day of the week (default Monday)", false),
            opt(STRING, "time", "Local time, HH:MM (default 09:00)", false),
            auto("timezone", "IANA time zone, e.g. Europe/London (default UTC)", false),
            auto("pathway", "Your background pathway", false),
            opt(INTEGER, "start_week", "The plan week you are in now (default 1)", false),
            opt(CHANNEL, "channel", "Study group: post in this channel instead of a DM", false),
            opt(ROLE, "role", "Study group: the role to mention", false),
            track_opt(),
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

/// `/progress`'s subcommands (Discord allows no bare command beside them).
fn progress_subs() -> Vec<Value> {
    let sub = |name: &str, d: &str, options: Vec<Value>| json!({ "type": SUB_COMMAND, "name": name, "description": d, "options": options });
    vec![
        sub("me", "Your weeks checked in, streak and roadmap", vec![]),
        sub(
            "group",
            "A study group's check-ins per week",
            vec![opt(
                CHANNEL,
                "channel",
                "The study group's channel (default: this one)",
                false,
            )],
        ),
        sub("done", "Check in for this week without a reminder", vec![]),
        sub("forget", "Delete all your check-ins", vec![]),
    ]
}

/// Every command, ready for `PUT /applications/{id}/commands`.
pub fn definitions(_c: &Curriculum) -> Vec<Value> {
    // Pathways differ by track: autocompleted from the command's track.
    let path = auto("background", "Your background", true);
    // The OpenAPI spec types default_member_permissions as an integer in requests.
    let manage_messages = perms::MANAGE_MESSAGES;
    let manage_guild = perms::MANAGE_GUILD;
    vec![
        json!({ "name": "resource", "description": "Find a learning resource", "options": [auto("query", "Resource name or topic", true), track_opt()] }),
        json!({ "name": "search", "description": "Fuzzy search over the whole curriculum", "options": [auto("topic", "What to look for", true), track_opt()] }),
        json!({ "name": "module", "description": "A module card, or all modules", "options": [auto("module", "Module number or name", false), track_opt()] }),
        json!({ "name": "path", "description": "The learning pathway for your background", "options": [path, track_opt()] }),
        json!({ "name": "plan", "description": "The getting-started action plan", "options": [track_opt()] }),
        json!({ "name": "track", "description": "The learning tracks: pick yours (moderators: tie a channel to one)",
                "options": [
                    auto("track", "The track to pick", false),
                    opt(CHANNEL, "channel", "Moderators: tie this channel to the track", false)
                ] }),
        json!({ "name": "help", "description": "What this bot can do" }),
        json!({ "name": "roadmap", "description": "The track's timeline as a picture, with your week marked",
                "options": [opt(STRING, "track", "Which track (default: yours)", false)] }),
        json!({ "name": "remind", "description": "Weekly action-plan reminders", "options": remind_subs() }),
        json!({ "name": "progress", "description": "Your check-ins and your study group's", "options": progress_subs() }),
        json!({ "name": "pin", "description": "Pin module cards that stay up to date (moderators)",
                "default_member_permissions": manage_messages, "contexts": [0],
                "options": [
                    { "type": SUB_COMMAND, "name": "module", "description": "Post and pin a module card",
                      "options": [auto("module", "Module number or name", true), track_opt()] },
                    { "type": SUB_COMMAND, "name": "list", "description": "This server's pinned cards and whether each is current" }
                ] }),
        json!({ "name": "report", "description": "Searches that found nothing (moderators)",
                "default_member_permissions": manage_guild, "contexts": [0] }),
        json!({ "name": "curriculum", "description": "Reload or validate the curriculum (moderators)",
                "default_member_permissions": manage_guild, "contexts": [0],
                "options": [
                    { "type": SUB_COMMAND, "name": "reload", "description": "Reload the curriculum from disk",
                      "options": [
                        opt(BOOLEAN, "force", "Apply it even if a track would lose its modules or most resources", false),
                        opt(STRING, "rename", "Map a missing track to a new one: old-slug=new-slug", false)
                      ] },
                    { "type": SUB_COMMAND, "name": "validate", "description": "Check the curriculum for problems" }
                ] }),
    ]
}

/// One line per command and subcommand, from the definitions (so `/help` lists whatever is
/// registered): `("/remind subscribe [day] [time] …", "description")`.
pub fn usage(defs: &[Value]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let args = |opts: &Value| -> String {
        opts.as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["type"] != SUB_COMMAND && o["name"] != "track")
            .map(|o| match o["required"].as_bool() {
                Some(true) => format!(" {}", o["name"].as_str().unwrap_or("")),
                _ => format!(" [{}]", o["name"].as_str().unwrap_or("")),
            })
            .collect()
    };
    for d in defs {
        let name = d["name"].as_str().unwrap_or("");
        let subs: Vec<&Value> = d["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| o["type"] == SUB_COMMAND)
            .collect();
        if subs.is_empty() {
            let desc = d["description"].as_str().unwrap_or("").to_string();
            out.push((format!("/{name}{}", args(&d["options"])), desc));
        }
        for s in subs {
            let sub = s["name"].as_str().unwrap_or("");
            let desc = s["description"].as_str().unwrap_or("").to_string();
            out.push((format!("/{name} {sub}{}", args(&s["options"])), desc));
        }
    }
    out
}

/// The definition of command `name`, if there is one.
pub fn find<'a>(defs: &'a [Value], name: &str) -> Option<&'a Value> {
    defs.iter().find(|d| d["name"] == name)
}
