//! Uploads with a reply: a message with files goes as multipart/form-data, `payload_json` (the
//! JSON body) plus one `files[n]` part per file, as Discord's interaction callback and webhook
//! edits accept. The gateway's callback uses it directly; the HTTP endpoint cannot answer with
//! multipart, so it defers (type 5) and edits `@original` with [`Rest::edit_original`].

use super::rest::{Body, Rest};
use crate::ports::RestError;
use crate::reply::message::File;
use crate::reply::{Message, Response};
use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

/// The form: `payload_json`, then `files[0]`, `files[1]`… in the order of `attachments[].id`.
pub fn form(payload: &Value, files: &[File]) -> Form {
    let json = Part::text(payload.to_string())
        .mime_str("application/json")
        .unwrap_or_else(|_| Part::text(payload.to_string()));
    let mut form = Form::new().part("payload_json", json);
    for (n, f) in files.iter().enumerate() {
        let part = Part::bytes(f.bytes.clone()).file_name(f.name.clone());
        let part = match mime_of(&f.name) {
            Some(m) => part
                .mime_str(m)
                .unwrap_or_else(|_| Part::bytes(f.bytes.clone())),
            None => part,
        };
        form = form.part(format!("files[{n}]"), part);
    }
    form
}

fn mime_of(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "png" => Some("image/png"),
        "svg" => Some("image/svg+xml"),
        "txt" => Some("text/plain"),
        _ => None,
    }
}

/// What the HTTP endpoint answers in place of a response carrying files: a deferred message
/// (type 5), ephemeral like the reply will be. `None` when the response has no files.
pub fn deferred_for(response: &Response) -> Option<Value> {
    let m = response.message().filter(|m| !m.files.is_empty())?;
    Some(match m.is_ephemeral() {
        true => json!({ "type": 5, "data": { "flags": crate::reply::message::EPHEMERAL } }),
        false => json!({ "type": 5 }),
    })
}

impl Rest {
    /// `PATCH /webhooks/{application}/{token}/messages/@original` with the message (multipart
    /// when it has files): fills in a deferred reply. Interaction webhooks need no bot token and
    /// don't count against the global limit.
    pub async fn edit_original(
        &self,
        application: &str,
        token: &str,
        message: &Message,
    ) -> Result<(), RestError> {
        let path = format!("/webhooks/{application}/{token}/messages/@original");
        let json = super::rest::message_json(message);
        let body = Body::with_files(&json, &message.files);
        self.call_with(reqwest::Method::PATCH, &path, Some(body), true)
            .await
            .map(|_| ())
    }
}

/// The response without its uploads (and without embed pictures pointing at them), for a
/// transport that can't upload.
pub fn without_files(response: Response) -> Response {
    let strip = |mut m: Message| {
        m.files.clear();
        m.attachments.clear();
        for e in &mut m.embeds {
            e.image = e
                .image
                .take()
                .filter(|i| !i.url.starts_with("attachment://"));
        }
        m
    };
    match response {
        Response::Message(m) => Response::Message(strip(m)),
        Response::Update(m) => Response::Update(strip(m)),
        other => other,
    }
}
