//! Roadmap labels on a realistic site (issue 15 §3, issue 17's emoji): a 10-track fixture written
//! here, with long module names, long and one-week plan phases, open-ended modules and emoji.
//! On every track's picture no label that fits is cut (module names wrap or shrink, phases go
//! beside short bars), and no character the font lacks reaches the SVG. Set
//! `ROADMAP_PNG_DIR=/tmp/x` to write each track's PNG there to look at.

use curriculum_bot::curriculum::{parse, ParseOptions, SourceCategory, SourcePage};
use curriculum_bot::reply::{roadmap as reply_roadmap, Catalog};
use curriculum_bot::roadmap::{font, png, svg, Bar, RoadmapInput};
use curriculum_bot::search::Aliases;
use expect_test::expect;
use std::fmt::Write;

const TRACKS: [&str; 10] = [
    "MLOps Engineering",
    "Software Engineering",
    "Data Engineering",
    "Cloud & Platform Engineering",
    "Site Reliability Engineering",
    "Security Engineering and DevSecOps",
    "Machine Learning Research",
    "Frontend Development",
    "Mobile Development",
    "Technical Leadership and Engineering Management",
];

/// Module names as real overviews write them, some long.
const MODULES: [&str; 12] = [
    "Foundations of Containerization, Orchestration and Cloud-Native Tooling",
    "🚀 Building Reliable Data Pipelines",
    "Model Deployment",
    "Monitoring, Observability and Incident Response for Production Systems",
    "Infrastructure as Code with Terraform",
    "Testing Strategies",
    "Distributed Systems Design and Scalability Patterns",
    "Security & Compliance 🔒",
    "APIs",
    "Performance Engineering and Profiling",
    "Feature Stores and Real-Time Feature Engineering at Scale",
    "Career Development",
];

const PHASES: [&str; 5] = [
    "Week 1: Environment Setup and Exploration",
    "Weeks 2-4: Core Skills Development",
    "Week 5: Mid-point Review",
    "Month 2-3: Advanced Implementation and Portfolio Projects",
    "Months 4-6: Specialisation, Open Source Contributions and Interview Preparation",
];

/// The fixture: ten tracks of 4 to 9 modules (the last of some open-ended), each with a plan.
fn site() -> (Vec<SourcePage>, ParseOptions) {
    let mut pages = Vec::new();
    let mut categories = Vec::new();
    for (t, label) in TRACKS.iter().enumerate() {
        let dir = format!("{:02}-track-{t}", t + 1);
        categories.push(SourceCategory {
            dir: dir.clone(),
            file: "_category_.json".into(),
            text: format!("{{\"label\": \"{label}\", \"position\": {}}}", t + 1),
        });
        let mut o = format!("# {label}\n\n## Learning Path\n- **Modules**\n");
        let n = 4 + t % 6;
        for m in 1..=n {
            let name = MODULES[(t * 5 + m) % MODULES.len()];
            let dur = match (m, t % 3) {
                (m, 0) if m == n => "Ongoing".to_string(),
                (1, _) => "1 week".to_string(),
                _ => format!("{}-{} weeks", 2 + (t + m) % 5, 7 + (t + m) % 4),
            };
            let _ = writeln!(o, "  - Module {m}: {name} ({dur}) - Practice");
        }
        o.push_str("\n## Action Plan\n");
        for p in PHASES.iter().take(2 + t % 4) {
            let _ = write!(o, "\n### {p}\n- Do the work\n");
        }
        pages.push(SourcePage {
            path: format!("{dir}/index.md"),
            text: o,
        });
    }
    let opts = ParseOptions {
        categories,
        ..ParseOptions::default()
    };
    (pages, opts)
}

/// The text of every `<text>` element, its lines joined by a space.
fn texts(svg: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in svg.split("<text ").skip(1) {
        let body = &part[part.find('>').map_or(0, |i| i + 1)..part.find("</text>").unwrap_or(0)];
        let mut s = String::new();
        for chunk in body.split('<') {
            let text = chunk.rsplit('>').next().unwrap_or(chunk);
            if !text.is_empty() {
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(text);
            }
        }
        out.push(s.replace("&amp;", "&"));
    }
    out
}

#[test]
fn no_label_that_fits_is_cut_on_any_track() {
    let (pages, opts) = site();
    let parsed = parse(&pages, &opts);
    let diags = parsed.check();
    assert!(
        !curriculum_bot::curriculum::Parsed::has_errors(&diags),
        "{diags:?}"
    );
    let cat = Catalog::new(parsed, &Aliases::default());
    let c = &cat.curriculum;
    assert_eq!(c.tracks.len(), 10);
    let dir = std::env::var_os("ROADMAP_PNG_DIR").map(std::path::PathBuf::from);
    for (t, track) in c.tracks.iter().enumerate() {
        let input = reply_roadmap::input(&cat, t, None);
        let svg = svg::build(&input);
        let shown = texts(&svg);
        assert!(!svg.contains('…'), "track {t} cuts a label:\n{shown:#?}");
        for bar in input.modules.iter().chain(&input.phases) {
            let want = font::printable(&bar.label);
            assert!(
                shown.contains(&want),
                "track {t}: `{want}` not shown whole in {shown:#?}"
            );
        }
        assert!(shown.iter().any(|s| *s == font::printable(&input.title)));
        for ch in svg.chars().filter(|c| !c.is_ascii()) {
            assert!(font::covers(ch), "track {t} ({}) draws {ch:?}", track.slug);
        }
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir).unwrap();
            let png = png::png(&svg).unwrap();
            std::fs::write(dir.join(format!("{}.png", track.slug)), png).unwrap();
        }
    }
}

fn input(modules: Vec<Bar>, phases: Vec<Bar>) -> RoadmapInput {
    RoadmapInput {
        title: "Layout".into(),
        weeks: 40,
        modules,
        phases,
        marker_week: None,
        checked_weeks: Vec::new(),
    }
}

fn bar(label: &str, start_week: u32, end_week: u32) -> Bar {
    Bar {
        label: label.into(),
        start_week,
        end_week: Some(end_week),
    }
}

/// Where each label goes, as text lines: what a change to the layout moves.
fn labels(input: &RoadmapInput) -> String {
    svg::build(input)
        .lines()
        .filter(|l| l.contains("<text") && !l.contains("text-anchor=\"middle\""))
        .map(|l| &l[l.find("<text").unwrap_or(0)..])
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn svg_label_layout() {
    let long = "Monitoring, Observability and Incident Response for Production Systems";
    let layout = input(
        vec![
            bar(long, 1, 12),
            bar("1. Short", 13, 13),
            bar(&"Unbreakable".repeat(12), 14, 40),
        ],
        vec![
            bar("Week 1: Setup and Exploration", 1, 1),
            bar("Weeks 2-20: Core Skills Development", 2, 20),
            bar("Week 40: Wrap-up and Interview Preparation", 40, 40),
        ],
    );
    expect![[r##"
        <text x="24.0" y="35.7" font-size="22" fill="#1f2933" clip-path="url(#c0)">Layout</text>
        <text x="24.0" y="256.9" font-size="14" fill="#6b7280" clip-path="url(#c1)">week</text>
        <text x="24.0" y="72.9" font-size="14" fill="#6b7280" clip-path="url(#c2)">Action plan</text>
        <text x="346.4" y="72.2" font-size="12" fill="#1f2933" clip-path="url(#c3)">Week 1: Setup and Exploration</text>
        <text x="346.4" y="102.2" font-size="12" fill="#1f2933" clip-path="url(#c4)">Weeks 2-20: Core Skills Development</text>
        <text x="870.0" y="72.2" font-size="12" fill="#1f2933" clip-path="url(#c5)">Week 40: Wrap-up and Interview Preparation</text>
        <text x="24.0" y="136.4" font-size="13" fill="#1f2933" clip-path="url(#c6)"><tspan x="24.0" y="136.4">Monitoring, Observability and Incident</tspan><tspan x="24.0" y="150.7">Response for Production Systems</tspan></text>
        <text x="325.0" y="143.2" font-size="12" fill="#ffffff" clip-path="url(#c7)">weeks 1–12</text>
        <text x="24.0" y="177.9" font-size="14" fill="#1f2933" clip-path="url(#c8)">1. Short</text>
        <text x="603.2" y="177.2" font-size="12" fill="#6b7280" clip-path="url(#c9)">week 13</text>
        <text x="24.0" y="210.8" font-size="11" fill="#1f2933" clip-path="url(#c10)">UnbreakableUnbreakableUnbreakableUnbreak…</text>
        <text x="603.2" y="211.2" font-size="12" fill="#ffffff" clip-path="url(#c11)">weeks 14–40</text>"##]].assert_eq(&labels(&layout));
}

#[test]
fn many_short_phases_all_show_with_their_labels() {
    // Ten one-week phases with long names: more lanes than fit if every label stood whole beside
    // its bar, so lanes follow the bars and labels take the room between neighbours.
    let phases: Vec<Bar> = (1..=10)
        .map(|w| bar(&format!("Week {w}: Hands-on practice and review"), w, w))
        .collect();
    let layout = input(vec![bar("1. Everything", 1, 40)], phases);
    let text = svg::build(&layout);
    assert!(!text.contains("not shown"), "every phase drawn");
    let shown = texts(&text);
    for w in 1..=10 {
        let head = format!("Week {w}");
        assert!(
            shown.iter().any(|s| s.starts_with(&head)),
            "{head}: {shown:#?}"
        );
    }
    let (_, h) = svg::size(&layout);
    assert!(f64::from(h) <= svg::MAX_HEIGHT);
    if let Some(dir) = std::env::var_os("ROADMAP_PNG_DIR").map(std::path::PathBuf::from) {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("short-phases.png"), png::png(&text).unwrap()).unwrap();
    }
}
