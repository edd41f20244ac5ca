//! Handling time per command, from the interaction's JSON to the response's JSON, through the one
//! handler (`App::handle`). Baseline in the same run: parsing and re-serializing the same JSON
//! without handling it. Prints median and p99 per command; `cargo bench --bench handle`.

use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::Interaction;
use serde_json::json;
use std::time::{Duration, Instant};

fn interaction(name: &str, kind: u8, options: serde_json::Value) -> String {
    json!({
        "id": "1", "application_id": "2", "type": kind, "token": "t", "channel_id": "3", "guild_id": "4",
        "member": { "user": { "id": "5", "username": "u" }, "permissions": "8192", "roles": [] },
        "app_permissions": "2251799813712896",
        "data": { "id": "6", "name": name, "type": 1, "options": options }
    })
    .to_string()
}

fn percentiles(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[(v.len() * 99) / 100])
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .unwrap();
    let (cat, _) = load_catalog(&root.join("data/curriculum"), &settings).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let app = rt.block_on(offline_app(cat)).unwrap();
    let cases = [
        (
            "resource mlflow",
            interaction(
                "resource",
                2,
                json!([{"name": "query", "type": 3, "value": "mlflow"}]),
            ),
        ),
        (
            "search kubeflw",
            interaction(
                "search",
                2,
                json!([{"name": "topic", "type": 3, "value": "kubeflw"}]),
            ),
        ),
        (
            "module 2",
            interaction(
                "module",
                2,
                json!([{"name": "module", "type": 3, "value": "2"}]),
            ),
        ),
        ("module (all)", interaction("module", 2, json!([]))),
        (
            "path",
            interaction(
                "path",
                2,
                json!([{"name": "background", "type": 3, "value": "DevOps Engineers"}]),
            ),
        ),
        ("plan", interaction("plan", 2, json!([]))),
        ("help", interaction("help", 2, json!([]))),
        (
            "autocomplete resource 'ku'",
            interaction(
                "resource",
                4,
                json!([{"name": "query", "type": 3, "value": "ku", "focused": true}]),
            ),
        ),
    ];
    const N: usize = 5000;
    println!(
        "{:<28} {:>10} {:>10} {:>12} {:>12} {:>8}",
        "command", "median", "p99", "base median", "base p99", "ratio"
    );
    for (name, body) in &cases {
        let mut handled = Vec::with_capacity(N);
        let mut base = Vec::with_capacity(N);
        for round in 0..N + 200 {
            // Baseline: the JSON work alone (parse the interaction, serialize a response).
            let t = Instant::now();
            let i: Interaction = serde_json::from_str(body).unwrap();
            let s = serde_json::to_string(&i).unwrap();
            std::hint::black_box(s);
            let b = t.elapsed();
            // The real thing: parse, handle, serialize the callback body.
            let t = Instant::now();
            let i: Interaction = serde_json::from_str(body).unwrap();
            let out = rt.block_on(app.handle(&i));
            let s = out.response.to_json().to_string();
            std::hint::black_box(s);
            let h = t.elapsed();
            if round >= 200 {
                base.push(b);
                handled.push(h);
            }
        }
        let (m, p) = percentiles(handled);
        let (bm, bp) = percentiles(base);
        println!(
            "{name:<28} {:>8.1}µs {:>8.1}µs {:>10.1}µs {:>10.1}µs {:>7.1}x",
            m.as_secs_f64() * 1e6,
            p.as_secs_f64() * 1e6,
            bm.as_secs_f64() * 1e6,
            bp.as_secs_f64() * 1e6,
            p.as_secs_f64() / bp.as_secs_f64()
        );
    }
}
