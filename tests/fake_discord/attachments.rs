//! The fake keeps attachments as Discord does: an upload becomes an attachment with a CDN url
//! that the embed's `attachment://` image points at; an edit keeps the attachments it lists by
//! id, adds new uploads and drops the rest; an `attachment://` naming nothing is a violation.

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};

use crate::support::fake_discord::{FakeDiscord, Options};

/// A tiny valid PNG header of `w`×`h` (the fake reads the size from IHDR).
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
    b.extend_from_slice(&w.to_be_bytes());
    b.extend_from_slice(&h.to_be_bytes());
    b.extend_from_slice(&[8, 6, 0, 0, 0]);
    b
}

async fn send(
    fake: &FakeDiscord,
    method: reqwest::Method,
    path: &str,
    payload: Value,
    file: Option<Vec<u8>>,
) -> Value {
    let url = format!("{}/api/v10{path}", fake.base_url());
    let req = reqwest::Client::new()
        .request(method, url)
        .header("Authorization", format!("Bot {}", fake.token()));
    let req = match file {
        None => req.json(&payload),
        Some(bytes) => {
            let json = Part::text(payload.to_string()).mime_str("application/json");
            let part = Part::bytes(bytes)
                .file_name("roadmap.png")
                .mime_str("image/png");
            let form = Form::new().part("payload_json", json.unwrap());
            req.multipart(form.part("files[0]", part.unwrap()))
        }
    };
    let resp = req.send().await.expect("the fake answers");
    assert_eq!(resp.status().as_u16(), 200, "{path}");
    resp.json().await.expect("a message")
}

fn card(image: &str) -> Value {
    json!({ "embeds": [{ "title": "Module 1", "image": { "url": image } }] })
}

#[tokio::test]
async fn uploads_become_attachments_and_edits_replace_or_keep_them() {
    let fake = FakeDiscord::start(Options::default()).await;
    let path = format!("/channels/{}/messages", fake.channel_id());
    let post = reqwest::Method::POST;
    let mut body = card("attachment://roadmap.png");
    body["attachments"] = json!([{ "id": "0", "filename": "roadmap.png" }]);
    let m = send(&fake, post, &path, body.clone(), Some(png(800, 300))).await;
    let a = &m["attachments"][0];
    assert_eq!(
        (a["width"].as_u64(), a["height"].as_u64()),
        (Some(800), Some(300))
    );
    assert_eq!(
        m["embeds"][0]["image"]["url"], a["url"],
        "the embed points at it"
    );
    assert_eq!(fake.attachment_bytes(a), Some(png(800, 300)));
    fake.assert_no_violations();

    // An edit with a new upload replaces the old attachment.
    let edit = format!("{path}/{}", m["id"].as_str().unwrap());
    let patch = reqwest::Method::PATCH;
    let e = send(&fake, patch.clone(), &edit, body, Some(png(800, 340))).await;
    let list = e["attachments"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_ne!(list[0]["id"], a["id"]);
    assert_eq!(list[0]["height"], 340);
    assert_eq!(e["embeds"][0]["image"]["url"], list[0]["url"]);

    // Listed by id, it stays (the embed may still name it); without the key, it stays too.
    let mut keep = card("attachment://roadmap.png");
    keep["attachments"] = json!([{ "id": list[0]["id"] }]);
    let k = send(&fake, patch.clone(), &edit, keep, None).await;
    assert_eq!(k["attachments"], e["attachments"]);
    let k = send(&fake, patch.clone(), &edit, json!({ "content": "x" }), None).await;
    assert_eq!(k["attachments"], e["attachments"]);
    fake.assert_no_violations();

    // `attachments: []` drops it; an embed still naming it is the bot's bug.
    let gone = send(
        &fake,
        patch.clone(),
        &edit,
        json!({ "attachments": [] }),
        None,
    )
    .await;
    assert_eq!(gone["attachments"], json!([]));
    let mut dangling = card("attachment://roadmap.png");
    dangling["attachments"] = json!([]);
    send(&fake, patch, &edit, dangling, None).await;
    let v = fake.take_violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].contains("attachment://roadmap.png names no attachment"),
        "{v:?}"
    );
}
