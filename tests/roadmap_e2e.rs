//! `/roadmap` end to end: the real bot over the gateway against the fake Discord, which checks
//! the multipart callback (`payload_json` against the spec, `files[n]` against `attachments[]`);
//! the uploaded picture decodes to the expected size and marks a subscriber's week.

mod harness;
mod support;

use curriculum_bot::reply::roadmap as reply_roadmap;
use curriculum_bot::roadmap::svg;
use resvg::tiny_skia::Pixmap;
use serde_json::json;
use std::time::Duration;
use support::fake_discord::multipart::Upload;
use support::fake_discord::{FakeDiscord, Invoker};

const T: Duration = Duration::from_secs(10);

async fn roadmap(fake: &FakeDiscord, who: &Invoker) -> (serde_json::Value, Upload) {
    let before = fake.uploads().len();
    let id = fake.send_command_as("roadmap", json!([]), who).await;
    let cb = fake.wait_callback(id, T).await.expect("answered");
    assert_eq!(cb.kind(), 4);
    let uploads = fake.uploads();
    assert_eq!(uploads.len(), before + 1, "one file uploaded");
    (cb.body, uploads[before].clone())
}

/// How many pixels of the marker's column, over its span, have the marker's colour.
fn marker_pixels(png: &Pixmap, x: u32, (top, bottom): (u32, u32)) -> usize {
    (top..bottom)
        .filter(|y| {
            let c = png.pixel(x, *y).unwrap();
            (c.red(), c.green(), c.blue()) == (0xe5, 0x48, 0x4d)
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roadmap_is_a_multipart_reply_with_the_subscribers_week_marked() {
    let (fake, _bot) = harness::setup().await;
    fake.wait_commands(Some(fake.guild_id()), T).await;
    let member = fake.member();

    let (body, upload) = roadmap(&fake, &member).await;
    assert_eq!(
        body["data"]["embeds"][0]["image"]["url"],
        "attachment://roadmap.png"
    );
    assert_eq!(
        body["data"]["attachments"],
        json!([{ "id": "0", "filename": "roadmap.png" }])
    );
    assert!(upload.path.ends_with("/callback"), "{}", upload.path);
    assert_eq!(
        (
            upload.field.as_str(),
            upload.filename.as_str(),
            upload.content_type.as_str()
        ),
        ("files[0]", "roadmap.png", "image/png")
    );
    let plain = Pixmap::decode_png(&upload.bytes).expect("a PNG");
    let week20 = reply_roadmap::input(&harness::catalog(), 0, Some(20));
    let (w, h) = svg::size(&week20);
    assert_eq!((plain.width(), plain.height()), (w, h));
    let x = svg::marker_x(&week20).unwrap();
    let span = svg::marker_span(&week20);
    assert_eq!(
        marker_pixels(&plain, x, span),
        0,
        "no marker without a subscription"
    );

    let sub = json!([{ "name": "subscribe", "type": 1, "options": [
        { "name": "start_week", "type": 4, "value": 20 }
    ] }]);
    let id = fake.send_command_as("remind", sub, &member).await;
    fake.wait_callback(id, T).await.expect("subscribed");

    let (_, upload) = roadmap(&fake, &member).await;
    let marked = Pixmap::decode_png(&upload.bytes).expect("a PNG");
    assert_eq!((marked.width(), marked.height()), (w, h));
    let hits = marker_pixels(&marked, x, span);
    assert!(
        hits as u32 >= span.1 - span.0 - 4,
        "{hits} marker pixels at x={x}"
    );
    fake.assert_no_violations();
}

#[test]
fn the_fake_rejects_uploads_that_dont_match_their_attachments() {
    use support::fake_discord::multipart::check;
    let ct = "multipart/form-data; boundary=XyZ";
    let png = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0, 1];
    let body = |payload: &str, file_field: &str| {
        let mut b = Vec::new();
        b.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n");
        b.extend_from_slice(b"Content-Type: application/json\r\n\r\n");
        b.extend_from_slice(payload.as_bytes());
        b.extend_from_slice(b"\r\n--XyZ\r\nContent-Disposition: form-data; name=\"");
        b.extend_from_slice(file_field.as_bytes());
        b.extend_from_slice(b"\"; filename=\"roadmap.png\"\r\nContent-Type: image/png\r\n\r\n");
        b.extend_from_slice(&png);
        b.extend_from_slice(b"\r\n--XyZ--\r\n");
        b
    };
    let good = r#"{"type":4,"data":{"attachments":[{"id":"0","filename":"roadmap.png"}],
        "embeds":[{"image":{"url":"attachment://roadmap.png"}}]}}"#;
    let v: serde_json::Value = serde_json::from_str(good).unwrap();
    let (uploads, problems) = check("/x", ct, &body(good, "files[0]"), Some(&v));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(uploads[0].bytes, png, "binary content kept, CR LF included");

    let (_, problems) = check("/x", ct, &body(good, "files[1]"), Some(&v));
    assert_eq!(
        problems.len(),
        2,
        "id 0 has no part, files[1] is unlisted: {problems:?}"
    );
    let other = good.replace("attachment://roadmap.png", "attachment://other.png");
    let v: serde_json::Value = serde_json::from_str(&other).unwrap();
    let (_, problems) = check("/x", ct, &body(&other, "files[0]"), Some(&v));
    assert_eq!(problems.len(), 1, "{problems:?}");
    let (_, problems) = check("/x", ct, &body(good, "files[0]"), None);
    assert!(
        problems[0].contains("payload_json"),
        "no JSON payload: {problems:?}"
    );
}
