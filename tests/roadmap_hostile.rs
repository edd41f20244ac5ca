//! Issue 17 item 1: huge durations. A module of `(4294967295 weeks)`, a plan phase
//! `Weeks 1-4294967295` and two modules of `(3000000000 weeks)` (each generated here) finish
//! quickly: `check` and `/curriculum reload` report an error naming `file:line` (reload keeps the
//! old curriculum), and `/roadmap` draws a bounded picture. Pictures of hostile inputs (10,000
//! modules, 10,000 overlapping phases, weeks at `u32::MAX`) stay within their ceiling and
//! Discord's upload limit.

mod reload_kit;

use curriculum_bot::app::App;
use curriculum_bot::config::Settings;
use curriculum_bot::curriculum::{parse, ParseOptions, Severity, SourcePage};
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::{self, ask, pincard, roadmap as reply_roadmap, Catalog, Response};
use curriculum_bot::roadmap::{from_track, png, svg, Bar, RoadmapInput};
use curriculum_bot::search::Aliases;
use reload_kit::{Posts, Scratch};
use resvg::tiny_skia::Pixmap;
use std::sync::Arc;

/// An overview page with `modules` lines and `phases` headings.
fn overview(modules: &[&str], phases: &[&str]) -> String {
    let mut o = String::from("# Hostile Track\n\n## Learning Path\n- **Modules**\n");
    for (i, d) in modules.iter().enumerate() {
        o.push_str(&format!(
            "  - Module {}: Part {} ({d}) - Work\n",
            i + 1,
            i + 1
        ));
    }
    o.push_str("\n## Action Plan\n");
    for p in phases {
        o.push_str(&format!("\n### {p}\n- Do it\n"));
    }
    o
}

/// The three inputs of the issue: (name, page text, the line the error must name).
fn hostile() -> Vec<(&'static str, String, u32)> {
    vec![
        (
            "one module of u32::MAX weeks",
            overview(&["4294967295 weeks", "2 weeks"], &["Week 1: Start"]),
            5,
        ),
        (
            "a phase to week u32::MAX",
            overview(
                &["2 weeks"],
                &["Week 1: Start", "Weeks 1-4294967295: Forever"],
            ),
            12,
        ),
        (
            "two modules of 3,000,000,000 weeks",
            overview(&["3000000000 weeks", "3000000000 weeks"], &[]),
            5,
        ),
        (
            "three modules of 500 weeks (each allowed, the track too long)",
            overview(&["500 weeks", "500 weeks", "500 weeks"], &[]),
            7,
        ),
    ]
}

fn decode(bytes: &[u8]) -> Pixmap {
    Pixmap::decode_png(bytes).expect("a PNG")
}

#[test]
fn check_names_the_line_and_the_picture_is_bounded() {
    for (name, text, line) in hostile() {
        let pages = vec![SourcePage {
            path: "hostile.md".into(),
            text,
        }];
        let parsed = parse(&pages, &ParseOptions::default());
        let diags = parsed.check();
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}:{}: {}", d.origin.file, d.origin.line, d.message))
            .collect();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with(&format!("hostile.md:{line}: "))),
            "{name}: {errors:#?}"
        );
        let cat = Catalog::new(parsed, &Aliases::default());
        assert!(cat.errors > 0, "{name}");
        // A living pin of this track (redrawn at every start-up) gets a bounded picture too.
        let slug = cat.curriculum.tracks[0].slug.clone();
        let card = pincard::pin_card(&cat, &slug, 1).expect("module 1's card");
        let drawn = pincard::draw(card.svg.as_deref().expect("a picture")).expect("drawn");
        assert!(drawn.len() <= png::MAX_PNG_BYTES, "{name}");
        let out = reply_roadmap::answer(&cat, 0, Some(u32::MAX));
        let files = out.response.files();
        assert_eq!(files.len(), 1, "{name}: a picture");
        assert!(files[0].bytes.len() <= png::MAX_PNG_BYTES);
        let p = decode(&files[0].bytes);
        assert!(f64::from(p.height()) <= svg::MAX_HEIGHT.ceil(), "{name}");
    }
}

fn bars(n: usize, len: u32) -> Vec<Bar> {
    (0..n)
        .map(|i| Bar {
            label: format!("Module {i} with a long name that needs some room"),
            start_week: (i as u32).saturating_mul(len).saturating_add(1),
            end_week: Some((i as u32 + 1).saturating_mul(len)),
        })
        .collect()
}

#[test]
fn hostile_inputs_draw_bounded_pictures() {
    let cases = [
        (
            "u32::MAX everywhere",
            RoadmapInput {
                title: "Max".into(),
                weeks: u32::MAX,
                modules: vec![Bar {
                    label: "Forever".into(),
                    start_week: u32::MAX,
                    end_week: Some(u32::MAX),
                }],
                phases: vec![Bar {
                    label: "Forever".into(),
                    start_week: 1,
                    end_week: Some(u32::MAX),
                }],
                marker_week: Some(u32::MAX),
                checked_weeks: vec![0, 1, u32::MAX],
            },
        ),
        (
            "10,000 modules",
            RoadmapInput {
                title: "Many".into(),
                weeks: 1,
                modules: bars(10_000, 3),
                phases: Vec::new(),
                marker_week: Some(5_000),
                checked_weeks: Vec::new(),
            },
        ),
        (
            "10,000 overlapping phases",
            RoadmapInput {
                title: "Lanes".into(),
                weeks: 10,
                modules: bars(2, 5),
                phases: (0..10_000)
                    .map(|_| Bar {
                        label: "Everything at once".into(),
                        start_week: 1,
                        end_week: Some(10),
                    })
                    .collect(),
                marker_week: None,
                checked_weeks: Vec::new(),
            },
        ),
        (
            "a 100,000-character label",
            RoadmapInput {
                title: "🚀".repeat(100_000),
                weeks: 4,
                modules: vec![Bar {
                    label: "x".repeat(100_000),
                    start_week: 1,
                    end_week: None,
                }],
                phases: Vec::new(),
                marker_week: None,
                checked_weeks: Vec::new(),
            },
        ),
    ];
    for (name, input) in cases {
        let text = svg::build(&input);
        let ticks = text.matches("text-anchor=\"middle\"").count();
        assert!((1..=24).contains(&ticks), "{name}: {ticks} ticks");
        let (w, h) = svg::size(&input);
        assert!(f64::from(h) <= svg::MAX_HEIGHT.ceil(), "{name}: {h}");
        let png = png::roadmap_png(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(png.len() <= png::MAX_PNG_BYTES, "{name}");
        let p = decode(&png);
        assert_eq!((p.width(), p.height()), (w, h), "{name}");
    }
    let many = RoadmapInput {
        modules: bars(500, 2),
        ..RoadmapInput {
            title: "Many".into(),
            weeks: 1,
            modules: Vec::new(),
            phases: Vec::new(),
            marker_week: None,
            checked_weeks: Vec::new(),
        }
    };
    let text = svg::build(&many);
    assert!(text.contains("+ 461 more modules"), "the rest summed up");
    assert_eq!(text.matches("rx=\"5\"").count(), svg::MAX_ROWS);
}

#[test]
fn an_svg_too_large_to_draw_is_refused_not_allocated() {
    let huge = r#"<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000"></svg>"#;
    assert!(png::png(huge).is_err());
}

#[test]
fn the_adapter_never_overflows() {
    let (pages, opts) = (
        vec![SourcePage {
            path: "t.md".into(),
            text: overview(&["520 weeks"; 20], &[]),
        }],
        ParseOptions::default(),
    );
    let cat = Catalog::new(parse(&pages, &opts), &Aliases::default());
    let input = from_track(&cat.curriculum, 0, "t", None);
    assert_eq!(
        input.modules.last().and_then(|m| m.end_week),
        Some(20 * 520)
    );
    assert!(f64::from(svg::size(&input).1) <= svg::MAX_HEIGHT.ceil());
}

/// The bot over a one-track folder whose overview is `text`, reloadable from it.
async fn bot(name: &str, text: &str) -> (App, Scratch) {
    let dir = std::env::temp_dir().join(format!("roadmap-hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let docs = dir.join("hostile-track");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::write(docs.join("index.md"), text).unwrap();
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some("/nonexistent/aliases.txt".into()),
        _ => None,
    })
    .unwrap();
    let (cat, _) = load_catalog(&docs, &settings).unwrap();
    let url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let store = curriculum_bot::store::open(&url, &Default::default())
        .await
        .unwrap();
    let app = App::new(cat, Arc::new(Posts::default()), store).with_source(docs, settings);
    (app, Scratch(dir))
}

async fn ask(app: &App, line: &str) -> Response {
    let defs = reply::registry::definitions(&app.catalog().curriculum);
    let who = ask::Asker {
        moderator: true,
        ..ask::Asker::default()
    };
    let i = ask::interaction(line, &defs, &who).unwrap();
    app.handle(&i).await.response
}

fn content(r: &Response) -> String {
    r.message()
        .and_then(|m| m.content.clone())
        .unwrap_or_default()
}

/// `/roadmap` answers with one bounded picture.
async fn bounded_roadmap(app: &App, name: &str) {
    let r = ask(app, "/roadmap").await;
    let files = r.files();
    assert_eq!(files.len(), 1, "{name}: {r:?}");
    assert!(files[0].bytes.len() <= png::MAX_PNG_BYTES);
    let p = decode(&files[0].bytes);
    assert!(f64::from(p.height()) <= svg::MAX_HEIGHT.ceil(), "{name}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_refuses_a_huge_duration_and_roadmap_stays_bounded() {
    let good = overview(&["2 weeks", "3 weeks"], &["Week 1: Start"]);
    for (n, (name, text, line)) in hostile().into_iter().enumerate() {
        let (app, _dir) = bot(&format!("reload{n}"), &good).await;
        let before = app.reload.version();
        let docs = app.source.as_ref().map(|s| s.0.clone()).unwrap();
        std::fs::write(docs.join("index.md"), &text).unwrap();
        let reply = content(&ask(&app, "/curriculum reload").await);
        assert!(
            reply.contains(&format!("index.md:{line}")),
            "{name}: {reply}"
        );
        assert_eq!(
            app.reload.version(),
            before,
            "{name}: the old curriculum stays"
        );
        bounded_roadmap(&app, name).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_curriculum_at_start_up_still_answers_roadmap() {
    for (n, (name, text, _)) in hostile().into_iter().enumerate() {
        let (app, _dir) = bot(&format!("start{n}"), &text).await;
        bounded_roadmap(&app, name).await;
    }
}
