//! Multipart request bodies (`payload_json` + `files[n]`), as Discord takes them for uploads:
//! the parts are parsed from the raw bytes, checked against the payload (every `attachments[].id`
//! names a `files[n]` part and every part is referenced; `attachment://` URLs name an uploaded
//! file) and the files are kept for tests to read back.

use serde_json::Value;

use super::FakeDiscord;

/// A file uploaded in a multipart request.
#[derive(Clone, Debug)]
pub struct Upload {
    /// The request path, e.g. `/interactions/1/tok/callback`.
    pub path: String,
    /// The part's name, e.g. `files[0]`.
    pub field: String,
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

struct PartData<'a> {
    name: String,
    filename: Option<String>,
    content_type: String,
    body: &'a [u8],
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn quoted_param(header: &str, key: &str) -> Option<String> {
    let at = header.find(&format!("{key}=\""))? + key.len() + 2;
    let rest = &header[at..];
    Some(rest[..rest.find('"')?].to_owned())
}

/// The parts of a multipart body, or why it can't be read.
fn parts<'a>(content_type: &str, raw: &'a [u8]) -> Result<Vec<PartData<'a>>, String> {
    let boundary = content_type
        .split("boundary=")
        .nth(1)
        .map(|b| b.trim_matches('"'))
        .ok_or("multipart body without a boundary")?;
    let delim = format!("--{boundary}");
    let mut out = Vec::new();
    let mut at = find(raw, delim.as_bytes(), 0).ok_or("no multipart delimiter")?;
    loop {
        let start = at + delim.len();
        if raw.get(start..start + 2) == Some(b"--") {
            return Ok(out);
        }
        let head_end = find(raw, b"\r\n\r\n", start).ok_or("a part without headers")?;
        let next = find(raw, format!("\r\n{delim}").as_bytes(), head_end)
            .ok_or("a part without a closing delimiter")?;
        let head = String::from_utf8_lossy(&raw[start..head_end]);
        let mut part = PartData {
            name: String::new(),
            filename: None,
            content_type: String::new(),
            body: &raw[head_end + 4..next],
        };
        for line in head.split("\r\n") {
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("content-disposition:") {
                part.name = quoted_param(line, "name").unwrap_or_default();
                part.filename = quoted_param(line, "filename");
            } else if let Some(v) = lower.strip_prefix("content-type:") {
                part.content_type = v.trim().to_owned();
            }
        }
        out.push(part);
        at = next + 2;
    }
}

/// Checks a multipart body against its `payload_json` (already parsed, `payload`); returns the
/// uploads and the problems found.
pub fn check(
    path: &str,
    content_type: &str,
    raw: &[u8],
    payload: Option<&Value>,
) -> (Vec<Upload>, Vec<String>) {
    let mut problems = Vec::new();
    let parts = match parts(content_type, raw) {
        Ok(p) => p,
        Err(e) => return (Vec::new(), vec![format!("multipart: {e}")]),
    };
    let json_parts = parts.iter().filter(|p| p.name == "payload_json").count();
    if json_parts != 1 || payload.is_none() {
        problems.push(format!(
            "multipart: {json_parts} `payload_json` parts, expected one holding JSON"
        ));
    }
    let mut uploads = Vec::new();
    for p in parts.iter().filter(|p| p.name != "payload_json") {
        let index = p
            .name
            .strip_prefix("files[")
            .and_then(|r| r.strip_suffix(']'))
            .and_then(|n| n.parse::<u64>().ok());
        if index.is_none() {
            problems.push(format!("multipart: unexpected part `{}`", p.name));
        }
        let Some(filename) = p.filename.clone().filter(|f| !f.is_empty()) else {
            problems.push(format!("multipart: part `{}` has no filename", p.name));
            continue;
        };
        uploads.push(Upload {
            path: path.to_owned(),
            field: p.name.clone(),
            filename,
            content_type: p.content_type.clone(),
            bytes: p.body.to_vec(),
        });
    }
    let null = Value::Null;
    let payload = payload.unwrap_or(&null);
    // A callback's message is under `data`; a webhook edit's is the body itself.
    let message = payload.get("data").unwrap_or(payload);
    let attachments = message["attachments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    // A snowflake id keeps an attachment the message has (an edit): `attachments::settle` checks.
    let kept = |a: &Value| a["id"].as_str().and_then(|i| i.parse::<u64>().ok()) > Some(1 << 22);
    for a in attachments.iter().filter(|a| !kept(a)) {
        let id = a["id"].as_str().unwrap_or("?");
        match uploads.iter().find(|u| u.field == format!("files[{id}]")) {
            None => problems.push(format!("attachments[].id {id} names no `files[{id}]` part")),
            Some(u) => {
                if let Some(f) = a["filename"].as_str().filter(|f| *f != u.filename) {
                    problems.push(format!(
                        "attachment {id} is `{f}`, its part `{}`",
                        u.filename
                    ));
                }
            }
        }
    }
    for u in &uploads {
        let referenced = attachments
            .iter()
            .any(|a| format!("files[{}]", a["id"].as_str().unwrap_or("?")) == u.field);
        if !referenced {
            problems.push(format!("`{}` is not listed in attachments[]", u.field));
        }
    }
    for e in message["embeds"].as_array().into_iter().flatten() {
        if let Some(name) = e["image"]["url"]
            .as_str()
            .and_then(|u| u.strip_prefix("attachment://"))
        {
            // Or an attachment the message keeps (an edit): `attachments::settle` checks those.
            let listed = attachments.iter().any(kept);
            if !uploads.iter().any(|u| u.filename == name) && !listed {
                problems.push(format!("embed image attachment://{name} was not uploaded"));
            }
        }
    }
    (uploads, problems)
}

impl FakeDiscord {
    /// Every file uploaded so far, in order.
    pub fn uploads(&self) -> Vec<Upload> {
        self.shared.read().uploads.clone()
    }
}
