//! Command registration, global and per guild: bulk overwrite, list and create, with ids stable
//! per (scope, name) and Discord's registration rules checked beyond the schema.

use serde_json::{json, Value};

use super::content::command_problems;
use super::payloads;
use super::rest::{Reply, Request};
use super::state::{Shared, State};

pub fn commands(
    shared: &Shared,
    req: &Request<'_>,
    method: &str,
    guild: Option<u64>,
) -> (Reply, Vec<String>) {
    let list = |s: &State| match guild {
        Some(g) => s.guild_commands.get(&g).cloned().unwrap_or_default(),
        None => s.global_commands.clone(),
    };
    match method {
        "get" => (Reply::ok(Value::Array(list(&shared.read()))), Vec::new()),
        "put" | "post" => {
            let bodies = match method {
                "put" => req.body.as_array().cloned().unwrap_or_default(),
                _ => vec![req.body.clone()],
            };
            let mut names: Vec<&str> = bodies.iter().filter_map(|c| c["name"].as_str()).collect();
            names.sort_unstable();
            let mut problems: Vec<String> = bodies.iter().flat_map(command_problems).collect();
            if names.windows(2).any(|w| w[0] == w[1]) {
                problems.push("command names must be unique".into());
            }
            if !problems.is_empty() {
                return (Reply::error(400, 50035, "Invalid Form Body"), problems);
            }
            shared.update(|s| {
                let made: Vec<Value> = bodies
                    .iter()
                    .map(|b| command(shared, s, guild, b))
                    .collect();
                let current = match guild {
                    Some(g) => s.guild_commands.entry(g).or_default(),
                    None => &mut s.global_commands,
                };
                if method == "put" {
                    *current = made.clone();
                    return (Reply::ok(Value::Array(made)), Vec::new());
                }
                let name = &made[0]["name"];
                let existed = current.iter().any(|c| &c["name"] == name);
                current.retain(|c| &c["name"] != name);
                current.push(made[0].clone());
                let reply = if existed {
                    Reply::ok(made[0].clone())
                } else {
                    Reply::created(made[0].clone())
                };
                (reply, Vec::new())
            })
        }
        _ => (Reply::error(405, 0, "405: Method Not Allowed"), Vec::new()),
    }
}

/// A registered command as Discord returns it; ids are stable per (scope, name).
fn command(shared: &Shared, s: &mut State, guild: Option<u64>, body: &Value) -> Value {
    let name = body["name"].as_str().unwrap_or("").to_owned();
    let id = *s
        .command_ids
        .entry((guild, name.clone()))
        .or_insert_with(|| shared.snowflake());
    let mut c = payloads::strip_nulls(body);
    payloads::merge(
        &mut c,
        json!({
            "id": id.to_string(),
            "application_id": shared.world.ids.application.to_string(),
            "version": shared.snowflake().to_string(),
            "type": body["type"].as_u64().unwrap_or(1),
            "description": body["description"].as_str().unwrap_or(""),
            // Discord takes the permission set as an integer or a string and returns a string.
            "default_member_permissions": match &body["default_member_permissions"] {
                Value::Number(n) => json!(n.to_string()),
                other => other.clone(),
            },
            "nsfw": body["nsfw"].as_bool().unwrap_or(false),
            "integration_types": body.get("integration_types").filter(|v| !v.is_null()).cloned().unwrap_or(json!([0])),
            "contexts": body.get("contexts").cloned().unwrap_or(Value::Null),
        }),
    );
    if let Some(g) = guild {
        c["guild_id"] = json!(g.to_string());
    }
    c
}
