//! Helpers of the end-to-end command tests (e2e_commands.rs, e2e_tracks.rs): how long to wait
//! for an answer, a string option's payload, and the embed titles of an answer.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::time::Duration;

pub const T: Duration = Duration::from_secs(5);

pub fn q(name: &str, value: Value) -> Value {
    json!([{ "name": name, "type": 3, "value": value }])
}

pub fn embed_titles(body: &Value) -> Vec<String> {
    body["data"]["embeds"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["title"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
