//! A message's attachments as Discord keeps them. Uploaded files (`files[n]`, listed in the
//! payload's `attachments[]` with `id: n`) become attachment objects with a snowflake id and a
//! CDN url. On an edit, `attachments[]` lists what the message keeps: current attachments by
//! their id, new uploads by their index; anything not listed is removed, and without the key
//! the current ones stay. An embed image `attachment://name` then points at the attachment of
//! that name (its url, as Discord rewrites it); one naming no attachment is a violation.

use serde_json::{json, Value};

use super::multipart::Upload;
use super::state::Shared;

/// Sets `message["attachments"]` from the request `body` and its `uploads`, starting from the
/// message's current ones (none when `creating`), and resolves `attachment://` embed images.
/// Returns the problems found.
pub fn settle(
    shared: &Shared,
    message: &mut Value,
    body: &Value,
    uploads: &[Upload],
    creating: bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    let current: Vec<Value> = match creating {
        true => Vec::new(),
        false => message["attachments"]
            .as_array()
            .cloned()
            .unwrap_or_default(),
    };
    let channel = message["channel_id"].as_str().unwrap_or("0").to_owned();
    let new = |field: &str, name: Option<&str>| -> Option<Value> {
        let u = uploads.iter().find(|u| u.field == field)?;
        let a = attachment(shared.snowflake(), &channel, u, name);
        let url = a["url"].as_str().unwrap_or("").to_owned();
        let mut cdn = shared.cdn.lock().unwrap_or_else(|p| p.into_inner());
        cdn.insert(url, u.bytes.clone());
        Some(a)
    };
    let listed = body.get("attachments").filter(|a| !a.is_null());
    let kept: Vec<Value> = match listed.and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(|a| {
                let id = a["id"]
                    .as_str()
                    .map_or_else(|| a["id"].to_string(), str::to_owned);
                if let Some(c) = current.iter().find(|c| c["id"].as_str() == Some(&*id)) {
                    return Some(c.clone());
                }
                let made = new(&format!("files[{id}]"), a["filename"].as_str());
                if made.is_none() {
                    problems.push(format!(
                        "attachments[] id {id} is neither an attachment of the message nor an \
                         uploaded file"
                    ));
                }
                made
            })
            .collect(),
        None => {
            let mut all = current;
            all.extend(uploads.iter().filter_map(|u| new(&u.field, None)));
            all
        }
    };
    message["attachments"] = Value::from(kept);
    resolve_embeds(message, &mut problems);
    problems
}

/// Points each `attachment://name` embed image (and thumbnail) at the attachment of that name.
fn resolve_embeds(message: &mut Value, problems: &mut Vec<String>) {
    let attachments = message["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for e in message["embeds"].as_array_mut().into_iter().flatten() {
        for key in ["image", "thumbnail"] {
            let Some(name) = e[key]["url"]
                .as_str()
                .and_then(|u| u.strip_prefix("attachment://"))
            else {
                continue;
            };
            match attachments
                .iter()
                .find(|a| a["filename"].as_str() == Some(name))
            {
                Some(a) => {
                    let mut media = json!({ "url": a["url"], "proxy_url": a["proxy_url"] });
                    for dim in ["width", "height"] {
                        if let Some(v) = a.get(dim) {
                            media[dim] = v.clone();
                        }
                    }
                    e[key] = media;
                }
                None => problems.push(format!(
                    "embed {key} attachment://{name} names no attachment of the message"
                )),
            }
        }
    }
}

/// An attachment object for an upload, with its size and, for a PNG, its width and height.
fn attachment(id: u64, channel: &str, u: &Upload, name: Option<&str>) -> Value {
    let filename = name.unwrap_or(&u.filename);
    let url = format!("https://cdn.discordapp.com/attachments/{channel}/{id}/{filename}");
    let proxy = format!("https://media.discordapp.net/attachments/{channel}/{id}/{filename}");
    let mut a = json!({
        "id": id.to_string(),
        "filename": filename,
        "size": u.bytes.len(),
        "url": url,
        "proxy_url": proxy,
    });
    if !u.content_type.is_empty() {
        a["content_type"] = json!(u.content_type);
    }
    if let Some((w, h)) = png_size(&u.bytes) {
        a["width"] = json!(w);
        a["height"] = json!(h);
    }
    a
}

/// A PNG's width and height, from its IHDR chunk.
fn png_size(b: &[u8]) -> Option<(u32, u32)> {
    if !b.starts_with(b"\x89PNG\r\n\x1a\n") || b.get(12..16)? != b"IHDR" {
        return None;
    }
    let be = |r: std::ops::Range<usize>| Some(u32::from_be_bytes(b.get(r)?.try_into().ok()?));
    Some((be(16..20)?, be(20..24)?))
}

impl super::FakeDiscord {
    /// The bytes of a file the bot uploaded, by its attachment object's `url` (the fake's
    /// CDN): what a member's client would download.
    pub fn attachment_bytes(&self, attachment: &Value) -> Option<Vec<u8>> {
        let url = attachment["url"].as_str()?;
        let cdn = self.shared.cdn.lock().unwrap_or_else(|p| p.into_inner());
        cdn.get(url).cloned()
    }
}
