//! REST routes of the interactions API: command registration (dispatched to `commands`), interaction
//! callbacks (with the 3-second deadline, single acknowledgement, and callback types allowed per
//! interaction type), and the interaction webhook (`@original` and followups).

use serde_json::{json, Value};

use super::commands::commands;
use super::content::{autocomplete_problems, message_problems};
use super::multipart::Upload;
use super::payloads;
use super::rest::{Reply, Request};
use super::state::{InteractionRecord, RecordedCallback, Shared, State};
use super::stored::{apply_edit, store};

type Out = Option<(Reply, Vec<String>)>;

/// Handles the routes of this module; `None` for any other route.
pub fn handle(shared: &Shared, req: &Request<'_>) -> Out {
    let app = shared.world.ids.application;
    let wrong_app = |id: u64| id != app;
    match (req.op.method.as_str(), req.op.template.as_str()) {
        (m, "/applications/{application_id}/commands") => {
            if wrong_app(req.id("application_id")) {
                return Some((
                    Reply::error(404, 10002, "Unknown Application"),
                    vec!["wrong application id".into()],
                ));
            }
            Some(commands(shared, req, m, None))
        }
        (m, "/applications/{application_id}/guilds/{guild_id}/commands") => {
            if wrong_app(req.id("application_id")) {
                return Some((
                    Reply::error(404, 10002, "Unknown Application"),
                    vec!["wrong application id".into()],
                ));
            }
            let guild = req.id("guild_id");
            if shared.world.guild(guild).is_none() {
                return Some((Reply::error(403, 50001, "Missing Access"), Vec::new()));
            }
            Some(commands(shared, req, m, Some(guild)))
        }
        ("post", "/interactions/{interaction_id}/{interaction_token}/callback") => {
            Some(callback(shared, req))
        }
        (m, "/webhooks/{webhook_id}/{webhook_token}/messages/@original") => {
            Some(with_interaction(shared, req, |s, rec| {
                original(shared, s, rec, req, m)
            }))
        }
        (m, "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}") => {
            Some(with_interaction(shared, req, |s, rec| {
                followup(shared, s, rec, req, m)
            }))
        }
        ("post", "/webhooks/{webhook_id}/{webhook_token}") => {
            Some(with_interaction(shared, req, |s, rec| {
                if rec.callback.is_none() {
                    return (
                        Reply::error(404, 10015, "Unknown Webhook"),
                        vec!["followup before the interaction was acknowledged".into()],
                    );
                }
                let problems = message_problems(req.body, true);
                if !problems.is_empty() {
                    return (Reply::error(400, 50035, "Invalid Form Body"), problems);
                }
                let msg = response_message(shared, s, rec, (req.body, req.uploads), 0);
                let id = msg["id"].as_str().and_then(|i| i.parse().ok()).unwrap_or(0);
                if let Some(r) = s.interactions.get_mut(&rec.id) {
                    r.followups.push(id);
                }
                (Reply::ok(msg), Vec::new())
            }))
        }
        _ => None,
    }
}

fn callback(shared: &Shared, req: &Request<'_>) -> (Reply, Vec<String>) {
    let id = req.id("interaction_id");
    let token = req.param("interaction_token");
    let deadline = shared.opts.interaction_deadline;
    shared.update(|s| {
        let Some(rec) = s
            .interactions
            .get(&id)
            .filter(|r| r.token == token)
            .cloned()
        else {
            return (
                Reply::error(404, 10062, "Unknown interaction"),
                vec!["callback for an unknown interaction or token".into()],
            );
        };
        if rec.callback.is_some() {
            return (
                Reply::error(400, 40060, "Interaction has already been acknowledged."),
                vec!["interaction acknowledged twice".into()],
            );
        }
        let latency = rec.dispatched.elapsed();
        if latency > deadline {
            return (
                Reply::error(404, 10062, "Unknown interaction"),
                vec![format!(
                    "callback after {latency:?}, past the {deadline:?} deadline"
                )],
            );
        }
        let kind = req.body["type"].as_u64().unwrap_or(0);
        let allowed: &[u64] = match rec.kind {
            2 => &[4, 5, 9],
            4 => &[8],
            _ => &[4, 5, 6, 7, 9],
        };
        if !allowed.contains(&kind) {
            let v = format!(
                "callback type {kind} is not valid for interaction type {}",
                rec.kind
            );
            return (Reply::error(400, 50035, "Invalid Form Body"), vec![v]);
        }
        let data = req.body.get("data").cloned().unwrap_or(json!({}));
        let problems = match kind {
            4 => message_problems(&data, true),
            7 => message_problems(&data, false),
            8 => autocomplete_problems(req.body),
            _ => Vec::new(),
        };
        if !problems.is_empty() {
            return (Reply::error(400, 50035, "Invalid Form Body"), problems);
        }
        let mut edit_problems = Vec::new();
        let original = match kind {
            4 => Some(response_message(
                shared,
                s,
                &rec,
                (&data, req.uploads),
                if rec.kind == 2 { 20 } else { 0 },
            )),
            5 => {
                let flags = (data["flags"].as_u64().unwrap_or(0) & 64) | 128;
                Some(response_message(
                    shared,
                    s,
                    &rec,
                    (&json!({"flags": flags}), &[]),
                    if rec.kind == 2 { 20 } else { 0 },
                ))
            }
            6 | 7 => rec
                .source_message
                .and_then(|m| s.messages.get_mut(&m))
                .map(|m| {
                    if kind == 7 {
                        let problems = apply_edit(shared, &mut m.value, &data, req.uploads);
                        edit_problems.extend(problems);
                    }
                    m.value.clone()
                }),
            _ => None,
        };
        if let Some(r) = s.interactions.get_mut(&id) {
            r.callback = Some(RecordedCallback {
                interaction_id: id,
                body: req.body.clone(),
                latency,
            });
            r.original = original
                .as_ref()
                .and_then(|m| m["id"].as_str()?.parse().ok());
            r.pending_edit = matches!(kind, 5 | 6);
        }
        if !req.query_flag("with_response") {
            return (Reply::no_content(), edit_problems);
        }
        let mut interaction = json!({"id": id.to_string(), "type": rec.kind});
        let mut resource = json!({"type": kind});
        if let Some(m) = original {
            let flags = m["flags"].as_u64().unwrap_or(0);
            payloads::merge(
                &mut interaction,
                json!({
                    "response_message_id": m["id"],
                    "response_message_loading": flags & 128 != 0,
                    "response_message_ephemeral": flags & 64 != 0,
                }),
            );
            resource["message"] = m;
        }
        (
            Reply::ok(json!({"interaction": interaction, "resource": resource})),
            edit_problems,
        )
    })
}

/// A message created by an interaction response or followup, in the interaction's channel.
fn response_message(
    shared: &Shared,
    s: &mut State,
    rec: &InteractionRecord,
    body: (&Value, &[Upload]),
    kind: u8,
) -> Value {
    let world = &shared.world;
    let meta = json!({
        "id": rec.id.to_string(),
        "type": rec.kind,
        "user": payloads::user(world, rec.user),
        "authorizing_integration_owners": {"0": rec.guild.unwrap_or(0).to_string()},
    });
    let author = payloads::user(world, world.ids.bot_user);
    store(
        shared,
        s,
        rec.channel,
        body,
        author,
        kind,
        Some((world.ids.application, meta)),
    )
}

/// Runs `f` with the interaction a webhook token belongs to; 10015 Unknown Webhook otherwise.
fn with_interaction(
    shared: &Shared,
    req: &Request<'_>,
    f: impl FnOnce(&mut State, &InteractionRecord) -> (Reply, Vec<String>),
) -> (Reply, Vec<String>) {
    let app_ok = req.id("webhook_id") == shared.world.ids.application;
    let token = req.param("webhook_token");
    shared.update(|s| {
        let rec = s
            .tokens
            .get(token)
            .and_then(|id| s.interactions.get(id))
            .cloned();
        match rec {
            Some(rec) if app_ok => f(s, &rec),
            _ => (
                Reply::error(404, 10015, "Unknown Webhook"),
                vec!["webhook with an unknown application id or token".into()],
            ),
        }
    })
}

fn original(
    shared: &Shared,
    s: &mut State,
    rec: &InteractionRecord,
    req: &Request<'_>,
    method: &str,
) -> (Reply, Vec<String>) {
    let Some(id) = rec.original else {
        // Over HTTP the edit can overtake our own handling of the interaction's response: Discord
        // then answers 404 and the bot tries again, which is no fault. An edit after a response
        // that made no original is one.
        if rec.callback.is_none() {
            return (Reply::error(404, 10008, "Unknown Message"), Vec::new());
        }
        let v = format!("{method} @original before an original response exists");
        return (Reply::error(404, 10008, "Unknown Message"), vec![v]);
    };
    let out = edit_message(shared, s, id, req, method);
    if method == "patch" && out.0.status == 200 {
        if let Some(r) = s.interactions.get_mut(&rec.id) {
            r.pending_edit = false;
        }
    }
    out
}

fn followup(
    shared: &Shared,
    s: &mut State,
    rec: &InteractionRecord,
    req: &Request<'_>,
    method: &str,
) -> (Reply, Vec<String>) {
    let id = req.id("message_id");
    if rec.original != Some(id) && !rec.followups.contains(&id) {
        return (Reply::error(404, 10008, "Unknown Message"), Vec::new());
    }
    edit_message(shared, s, id, req, method)
}

fn edit_message(
    shared: &Shared,
    s: &mut State,
    id: u64,
    req: &Request<'_>,
    method: &str,
) -> (Reply, Vec<String>) {
    let Some(m) = s.messages.get_mut(&id).filter(|m| !m.deleted) else {
        return (Reply::error(404, 10008, "Unknown Message"), Vec::new());
    };
    match method {
        "get" => (Reply::ok(m.value.clone()), Vec::new()),
        "delete" => {
            m.deleted = true;
            (Reply::no_content(), Vec::new())
        }
        "patch" => {
            let problems = message_problems(req.body, false);
            if !problems.is_empty() {
                return (Reply::error(400, 50035, "Invalid Form Body"), problems);
            }
            let mut edited = m.value.clone();
            let attachment_problems = apply_edit(shared, &mut edited, req.body, req.uploads);
            let problems = message_problems(&edited, true);
            if !problems.is_empty() {
                return (
                    Reply::error(400, 50006, "Cannot send an empty message"),
                    problems,
                );
            }
            m.value = edited;
            (Reply::ok(m.value.clone()), attachment_problems)
        }
        _ => (Reply::error(405, 0, "405: Method Not Allowed"), Vec::new()),
    }
}
