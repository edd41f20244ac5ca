//! Message semantics Discord applies beyond the JSON schema: who a message pings under its
//! `allowed_mentions`, and the documented limits (2000 characters of content, 6000 characters of
//! embeds, autocomplete values of at most 100 characters, no empty messages).

use std::collections::BTreeSet;

use serde_json::Value;

/// Who a message actually notifies.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pings {
    pub users: BTreeSet<u64>,
    pub roles: BTreeSet<u64>,
    pub everyone: bool,
}

/// Resolves the mentions in `content` under `allowed_mentions` (absent = parse everything, as
/// Discord does).
pub fn pings(content: &str, allowed: Option<&Value>) -> Pings {
    let mut found = Pings::default();
    let mut rest = content;
    while let Some(start) = rest.find("<@") {
        rest = &rest[start + 2..];
        let Some(end) = rest.find('>') else { break };
        let inner = &rest[..end];
        let (is_role, digits) = match inner.strip_prefix('&') {
            Some(d) => (true, d),
            None => (false, inner.strip_prefix('!').unwrap_or(inner)),
        };
        if let Ok(id) = digits.parse::<u64>() {
            match is_role {
                true => found.roles.insert(id),
                false => found.users.insert(id),
            };
        }
    }
    found.everyone = content.contains("@everyone") || content.contains("@here");

    let Some(allowed) = allowed.filter(|a| a.is_object()) else {
        return found;
    };
    let parse: Vec<&str> = allowed["parse"]
        .as_array()
        .map(|p| p.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let listed = |key: &str| -> BTreeSet<u64> {
        allowed[key]
            .as_array()
            .map(|ids| {
                ids.iter()
                    .filter_map(|v| v.as_str().and_then(|s| s.parse().ok()).or(v.as_u64()))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (users, roles) = (listed("users"), listed("roles"));
    Pings {
        users: match parse.contains(&"users") {
            true => found.users,
            false => found.users.intersection(&users).copied().collect(),
        },
        roles: match parse.contains(&"roles") {
            true => found.roles,
            false => found.roles.intersection(&roles).copied().collect(),
        },
        everyone: found.everyone && parse.contains(&"everyone"),
    }
}

/// Problems Discord reports for a message body (create, edit, interaction response, followup).
pub fn message_problems(body: &Value, creating: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let content = body["content"].as_str().unwrap_or("");
    let chars = content.chars().count();
    if chars > 2000 {
        problems.push(format!(
            "content: must be 2000 or fewer in length (got {chars})"
        ));
    }
    let embeds = body["embeds"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    let embed_chars: usize = embeds.iter().map(embed_length).sum();
    if embed_chars > 6000 {
        problems.push(format!(
            "embeds: total size exceeds 6000 characters (got {embed_chars})"
        ));
    }
    let has = |key: &str| body[key].as_array().is_some_and(|a| !a.is_empty());
    let empty = content.is_empty()
        && !has("embeds")
        && !has("components")
        && !has("sticker_ids")
        && !has("attachments")
        && body["poll"].is_null();
    if creating && empty {
        problems.push("Cannot send an empty message (50006)".into());
    }
    problems
}

/// Characters counted toward an embed's 6000 limit.
fn embed_length(embed: &Value) -> usize {
    let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let fields = embed["fields"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    len(&embed["title"])
        + len(&embed["description"])
        + len(&embed["footer"]["text"])
        + len(&embed["author"]["name"])
        + fields
            .iter()
            .map(|f| len(&f["name"]) + len(&f["value"]))
            .sum::<usize>()
}

/// Problems with an autocomplete result: at most 25 choices, names 1..=100 characters, string
/// values at most 100 characters.
pub fn autocomplete_problems(body: &Value) -> Vec<String> {
    let choices = body["data"]["choices"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or(&[]);
    let mut problems = Vec::new();
    if choices.len() > 25 {
        problems.push(format!("data.choices: at most 25 (got {})", choices.len()));
    }
    for (i, c) in choices.iter().enumerate() {
        let name = c["name"].as_str().map_or(0, |s| s.chars().count());
        if !(1..=100).contains(&name) {
            problems.push(format!(
                "data.choices.{i}.name: length must be 1..=100 (got {name})"
            ));
        }
        if let Some(v) = c["value"].as_str() {
            let n = v.chars().count();
            if n > 100 {
                problems.push(format!(
                    "data.choices.{i}.value: at most 100 characters (got {n})"
                ));
            }
        }
    }
    problems
}

/// Problems Discord reports when registering a command beyond the schema: chat-input names
/// (1–32 lowercase letters, digits, `-`, `_`, `'`), descriptions of 1–100 characters, at most 25
/// options and choices, required options first, autocomplete not mixed with choices.
pub fn command_problems(command: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let name = command["name"].as_str().unwrap_or("");
    let chat_input = command["type"].as_u64().unwrap_or(1) == 1;
    if chat_input {
        check_named(command, name, &mut problems);
        check_options(&command["options"], name, &mut problems);
    } else if !command["description"].as_str().unwrap_or("").is_empty() {
        problems.push(format!(
            "{name}: context menu commands take an empty description"
        ));
    }
    problems
}

fn check_named(item: &Value, path: &str, problems: &mut Vec<String>) {
    let name = item["name"].as_str().unwrap_or("");
    let len = name.chars().count();
    let valid_char =
        |c: char| (c.is_alphanumeric() || matches!(c, '-' | '_' | '\'')) && !c.is_uppercase();
    if !(1..=32).contains(&len) || !name.chars().all(valid_char) {
        problems.push(format!(
            "{path}: name `{name}` must be 1-32 lowercase letters, digits, - _ '"
        ));
    }
    let description = item["description"]
        .as_str()
        .map_or(0, |d| d.chars().count());
    if !(1..=100).contains(&description) {
        problems.push(format!(
            "{path}: description must be 1-100 characters (got {description})"
        ));
    }
}

fn check_options(options: &Value, path: &str, problems: &mut Vec<String>) {
    let options = options.as_array().map(Vec::as_slice).unwrap_or(&[]);
    if options.len() > 25 {
        problems.push(format!(
            "{path}: at most 25 options (got {})",
            options.len()
        ));
    }
    let mut seen_optional = false;
    for opt in options {
        let here = format!("{path}.{}", opt["name"].as_str().unwrap_or("?"));
        check_named(opt, &here, problems);
        let required = opt["required"].as_bool().unwrap_or(false);
        if required && seen_optional {
            problems.push(format!(
                "{here}: required options must come before optional ones"
            ));
        }
        seen_optional |= !required;
        let choices = opt["choices"].as_array().map(Vec::as_slice).unwrap_or(&[]);
        if choices.len() > 25 {
            problems.push(format!(
                "{here}: at most 25 choices (got {})",
                choices.len()
            ));
        }
        if !choices.is_empty() && opt["autocomplete"].as_bool().unwrap_or(false) {
            problems.push(format!("{here}: autocomplete cannot be used with choices"));
        }
        for c in choices {
            let n = c["name"].as_str().map_or(0, |s| s.chars().count());
            let v = c["value"].as_str().map_or(0, |s| s.chars().count());
            if !(1..=100).contains(&n) || v > 100 {
                problems.push(format!(
                    "{here}: choice names 1-100 and values ≤ 100 characters"
                ));
            }
        }
        // Subcommands and groups nest their own options.
        if matches!(opt["type"].as_u64(), Some(1 | 2)) {
            check_options(&opt["options"], &here, problems);
        }
    }
}
