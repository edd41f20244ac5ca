//! The roadmap picture: SVG snapshots (seed curriculum with and without a marker, an open-ended
//! module, a very long label) and the rendered PNG's size, marker pixels and clipping
//! (`UPDATE_EXPECT=1 cargo test --test roadmap` to update the snapshots).

use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::{roadmap as reply_roadmap, Catalog};
use curriculum_bot::roadmap::{font, png, svg, Bar, RoadmapInput};
use expect_test::expect;
use resvg::tiny_skia::Pixmap;

fn catalog() -> Catalog {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|_| None).unwrap();
    load_catalog(&root.join("data/curriculum"), &settings)
        .unwrap()
        .0
}

fn seed(marker: Option<u32>) -> RoadmapInput {
    reply_roadmap::input(&catalog(), 0, marker)
}

fn bar(label: &str, start_week: u32, end_week: Option<u32>) -> RoadmapInput {
    RoadmapInput {
        title: "Edge cases & <escapes>".into(),
        weeks: 12,
        modules: vec![
            Bar {
                label: label.into(),
                start_week: 1,
                end_week: Some(6),
            },
            Bar {
                label: "Career Development".into(),
                start_week,
                end_week,
            },
        ],
        phases: vec![Bar {
            label: "Week 1".into(),
            start_week: 1,
            end_week: Some(1),
        }],
        marker_week: None,
        checked_weeks: Vec::new(),
    }
}

fn decode(bytes: &[u8]) -> Pixmap {
    Pixmap::decode_png(bytes).expect("a PNG")
}

/// Whether the pixel at (x, y) is exactly the marker's colour.
fn is_marker(p: &Pixmap, x: u32, y: u32) -> bool {
    let c = p.pixel(x, y).expect("inside the picture");
    (c.red(), c.green(), c.blue(), c.alpha()) == (0xe5, 0x48, 0x4d, 255)
}

#[test]
fn seed_adapter_runs_modules_back_to_back() {
    let i = seed(Some(7));
    let text: Vec<String> = i
        .modules
        .iter()
        .chain(&i.phases)
        .map(|b| format!("{} {}..{:?}", b.label, b.start_week, b.end_week))
        .collect();
    expect![[r#"
        [
            "1. MLOps Fundamentals 1..Some(8)",
            "2. ML Pipelines 9..Some(18)",
            "3. Model Deployment 19..Some(28)",
            "4. Monitoring and Observability 29..Some(36)",
            "5. Infrastructure Automation 37..Some(48)",
            "Environment Setup and Exploration 1..Some(1)",
            "Core Skills Development 2..Some(4)",
            "Advanced Implementation 5..Some(13)",
        ]
    "#]]
    .assert_debug_eq(&text);
    assert_eq!((i.weeks, i.marker_week), (48, Some(7)));
}

#[test]
fn seed_svg_without_marker() {
    expect![[r##"
        <svg xmlns="http://www.w3.org/2000/svg" width="1200" height="376" viewBox="0 0 1200 376" font-family="DejaVu Sans">
        <defs><linearGradient id="fade0"><stop offset="0" stop-color="#2563eb"/><stop offset="1" stop-color="#2563eb" stop-opacity="0"/></linearGradient><linearGradient id="fade1"><stop offset="0" stop-color="#0d9488"/><stop offset="1" stop-color="#0d9488" stop-opacity="0"/></linearGradient><linearGradient id="fade2"><stop offset="0" stop-color="#7c3aed"/><stop offset="1" stop-color="#7c3aed" stop-opacity="0"/></linearGradient><linearGradient id="fade3"><stop offset="0" stop-color="#d97706"/><stop offset="1" stop-color="#d97706" stop-opacity="0"/></linearGradient><linearGradient id="fade4"><stop offset="0" stop-color="#db2777"/><stop offset="1" stop-color="#db2777" stop-opacity="0"/></linearGradient></defs>
        <rect width="1200" height="376" fill="#ffffff"/>
        <clipPath id="c0"><rect x="24.0" y="6.0" width="952.0" height="44.0"/></clipPath><text x="24.0" y="35.7" font-size="22" fill="#1f2933" clip-path="url(#c0)">MLOps Engineering — roadmap</text>
        <line x1="320.0" y1="56.0" x2="320.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="320.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">1</text>
        <line x1="355.7" y1="56.0" x2="355.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="355.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">3</text>
        <line x1="391.3" y1="56.0" x2="391.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="391.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">5</text>
        <line x1="427.0" y1="56.0" x2="427.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="427.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">7</text>
        <line x1="462.7" y1="56.0" x2="462.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="462.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">9</text>
        <line x1="498.3" y1="56.0" x2="498.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="498.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">11</text>
        <line x1="534.0" y1="56.0" x2="534.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="534.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">13</text>
        <line x1="569.7" y1="56.0" x2="569.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="569.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">15</text>
        <line x1="605.3" y1="56.0" x2="605.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="605.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">17</text>
        <line x1="641.0" y1="56.0" x2="641.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="641.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">19</text>
        <line x1="676.7" y1="56.0" x2="676.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="676.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">21</text>
        <line x1="712.3" y1="56.0" x2="712.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="712.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">23</text>
        <line x1="748.0" y1="56.0" x2="748.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="748.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">25</text>
        <line x1="783.7" y1="56.0" x2="783.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="783.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">27</text>
        <line x1="819.3" y1="56.0" x2="819.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="819.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">29</text>
        <line x1="855.0" y1="56.0" x2="855.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="855.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">31</text>
        <line x1="890.7" y1="56.0" x2="890.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="890.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">33</text>
        <line x1="926.3" y1="56.0" x2="926.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="926.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">35</text>
        <line x1="962.0" y1="56.0" x2="962.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="962.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">37</text>
        <line x1="997.7" y1="56.0" x2="997.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="997.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">39</text>
        <line x1="1033.3" y1="56.0" x2="1033.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="1033.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">41</text>
        <line x1="1069.0" y1="56.0" x2="1069.0" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="1069.0" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">43</text>
        <line x1="1104.7" y1="56.0" x2="1104.7" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="1104.7" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">45</text>
        <line x1="1140.3" y1="56.0" x2="1140.3" y2="340.0" stroke="#e5e7eb" stroke-width="1"/><text x="1140.3" y="356.0" font-size="12" fill="#6b7280" text-anchor="middle">47</text>
        <clipPath id="c1"><rect x="24.0" y="338.0" width="276.0" height="24.0"/></clipPath><text x="24.0" y="354.9" font-size="14" fill="#6b7280" clip-path="url(#c1)">week</text>
        <clipPath id="c2"><rect x="24.0" y="54.0" width="276.0" height="28.0"/></clipPath><text x="24.0" y="72.9" font-size="14" fill="#6b7280" clip-path="url(#c2)">Action plan</text>
        <rect x="321.0" y="56.0" width="15.8" height="24.0" rx="4" fill="#dbe7ff"/>
        <clipPath id="c3"><rect x="342.8" y="53.0" width="833.2" height="30.0"/></clipPath><text x="342.8" y="72.2" font-size="12" fill="#1f2933" clip-path="url(#c3)">Environment Setup and Exploration</text>
        <rect x="338.8" y="86.0" width="51.5" height="24.0" rx="4" fill="#dbe7ff"/>
        <clipPath id="c4"><rect x="396.3" y="83.0" width="779.7" height="30.0"/></clipPath><text x="396.3" y="102.2" font-size="12" fill="#1f2933" clip-path="url(#c4)">Core Skills Development</text>
        <rect x="392.3" y="116.0" width="158.5" height="24.0" rx="4" fill="#dbe7ff"/>
        <clipPath id="c5"><rect x="396.3" y="113.0" width="150.5" height="30.0"/></clipPath><text x="396.3" y="131.8" font-size="11" fill="#1f2933" clip-path="url(#c5)">Advanced Implementation</text>
        <clipPath id="c6"><rect x="24.0" y="151.0" width="276.0" height="36.0"/></clipPath><text x="24.0" y="173.9" font-size="14" fill="#1f2933" clip-path="url(#c6)">1. MLOps Fundamentals</text>
        <rect x="321.0" y="156.0" width="140.7" height="26.0" rx="5" fill="#2563eb"/>
        <clipPath id="c7"><rect x="325.0" y="154.0" width="132.7" height="30.0"/></clipPath><text x="325.0" y="173.2" font-size="12" fill="#ffffff" clip-path="url(#c7)">weeks 1–8</text>
        <clipPath id="c8"><rect x="24.0" y="185.0" width="276.0" height="36.0"/></clipPath><text x="24.0" y="207.9" font-size="14" fill="#1f2933" clip-path="url(#c8)">2. ML Pipelines</text>
        <rect x="463.7" y="190.0" width="176.3" height="26.0" rx="5" fill="#0d9488"/>
        <clipPath id="c9"><rect x="467.7" y="188.0" width="168.3" height="30.0"/></clipPath><text x="467.7" y="207.2" font-size="12" fill="#ffffff" clip-path="url(#c9)">weeks 9–18</text>
        <clipPath id="c10"><rect x="24.0" y="219.0" width="276.0" height="36.0"/></clipPath><text x="24.0" y="241.9" font-size="14" fill="#1f2933" clip-path="url(#c10)">3. Model Deployment</text>
        <rect x="642.0" y="224.0" width="176.3" height="26.0" rx="5" fill="#7c3aed"/>
        <clipPath id="c11"><rect x="646.0" y="222.0" width="168.3" height="30.0"/></clipPath><text x="646.0" y="241.2" font-size="12" fill="#ffffff" clip-path="url(#c11)">weeks 19–28</text>
        <clipPath id="c12"><rect x="24.0" y="253.0" width="276.0" height="36.0"/></clipPath><text x="24.0" y="275.9" font-size="14" fill="#1f2933" clip-path="url(#c12)">4. Monitoring and Observability</text>
        <rect x="820.3" y="258.0" width="140.7" height="26.0" rx="5" fill="#d97706"/>
        <clipPath id="c13"><rect x="824.3" y="256.0" width="132.7" height="30.0"/></clipPath><text x="824.3" y="275.2" font-size="12" fill="#ffffff" clip-path="url(#c13)">weeks 29–36</text>
        <clipPath id="c14"><rect x="24.0" y="287.0" width="276.0" height="36.0"/></clipPath><text x="24.0" y="309.9" font-size="14" fill="#1f2933" clip-path="url(#c14)">5. Infrastructure Automation</text>
        <rect x="963.0" y="292.0" width="212.0" height="26.0" rx="5" fill="#db2777"/>
        <clipPath id="c15"><rect x="967.0" y="290.0" width="204.0" height="30.0"/></clipPath><text x="967.0" y="309.2" font-size="12" fill="#ffffff" clip-path="url(#c15)">weeks 37–48</text>
        </svg>
    "##]].assert_eq(&svg::build(&seed(None)));
}

#[test]
fn seed_svg_with_marker() {
    let with = svg::build(&seed(Some(7)));
    let without = svg::build(&seed(None));
    let added: Vec<&str> = with.lines().filter(|l| !without.contains(l)).collect();
    expect![[r##"
        [
            "<line x1=\"436\" y1=\"56.0\" x2=\"436\" y2=\"336.0\" stroke=\"#e5484d\" stroke-width=\"4\"/><circle cx=\"436\" cy=\"56.0\" r=\"6\" fill=\"#e5484d\"/>",
            "<clipPath id=\"c16\"><rect x=\"976.0\" y=\"6.0\" width=\"200.0\" height=\"44.0\"/></clipPath><text x=\"976.0\" y=\"32.9\" font-size=\"14\" fill=\"#e5484d\" clip-path=\"url(#c16)\">● You are in week 7</text>",
        ]
    "##]].assert_debug_eq(&added);
}

#[test]
fn open_ended_module_fades_and_long_labels_are_cut() {
    let long = "Kubernetes Operators, Service Meshes and Everything Else You Will Ever Need";
    expect![[r##"
        <svg xmlns="http://www.w3.org/2000/svg" width="1200" height="214" viewBox="0 0 1200 214" font-family="DejaVu Sans">
        <defs><linearGradient id="fade0"><stop offset="0" stop-color="#2563eb"/><stop offset="1" stop-color="#2563eb" stop-opacity="0"/></linearGradient><linearGradient id="fade1"><stop offset="0" stop-color="#0d9488"/><stop offset="1" stop-color="#0d9488" stop-opacity="0"/></linearGradient><linearGradient id="fade2"><stop offset="0" stop-color="#7c3aed"/><stop offset="1" stop-color="#7c3aed" stop-opacity="0"/></linearGradient><linearGradient id="fade3"><stop offset="0" stop-color="#d97706"/><stop offset="1" stop-color="#d97706" stop-opacity="0"/></linearGradient><linearGradient id="fade4"><stop offset="0" stop-color="#db2777"/><stop offset="1" stop-color="#db2777" stop-opacity="0"/></linearGradient></defs>
        <rect width="1200" height="214" fill="#ffffff"/>
        <clipPath id="c0"><rect x="24.0" y="6.0" width="952.0" height="44.0"/></clipPath><text x="24.0" y="35.7" font-size="22" fill="#1f2933" clip-path="url(#c0)">Edge cases &amp; &lt;escapes&gt;</text>
        <line x1="320.0" y1="56.0" x2="320.0" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="320.0" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">1</text>
        <line x1="391.3" y1="56.0" x2="391.3" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="391.3" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">2</text>
        <line x1="462.7" y1="56.0" x2="462.7" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="462.7" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">3</text>
        <line x1="534.0" y1="56.0" x2="534.0" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="534.0" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">4</text>
        <line x1="605.3" y1="56.0" x2="605.3" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="605.3" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">5</text>
        <line x1="676.7" y1="56.0" x2="676.7" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="676.7" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">6</text>
        <line x1="748.0" y1="56.0" x2="748.0" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="748.0" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">7</text>
        <line x1="819.3" y1="56.0" x2="819.3" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="819.3" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">8</text>
        <line x1="890.7" y1="56.0" x2="890.7" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="890.7" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">9</text>
        <line x1="962.0" y1="56.0" x2="962.0" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="962.0" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">10</text>
        <line x1="1033.3" y1="56.0" x2="1033.3" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="1033.3" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">11</text>
        <line x1="1104.7" y1="56.0" x2="1104.7" y2="178.0" stroke="#e5e7eb" stroke-width="1"/><text x="1104.7" y="194.0" font-size="12" fill="#6b7280" text-anchor="middle">12</text>
        <clipPath id="c1"><rect x="24.0" y="176.0" width="276.0" height="24.0"/></clipPath><text x="24.0" y="192.9" font-size="14" fill="#6b7280" clip-path="url(#c1)">week</text>
        <clipPath id="c2"><rect x="24.0" y="54.0" width="276.0" height="28.0"/></clipPath><text x="24.0" y="72.9" font-size="14" fill="#6b7280" clip-path="url(#c2)">Action plan</text>
        <rect x="321.0" y="56.0" width="69.3" height="24.0" rx="4" fill="#dbe7ff"/>
        <clipPath id="c3"><rect x="325.0" y="53.0" width="61.3" height="30.0"/></clipPath><text x="325.0" y="72.2" font-size="12" fill="#1f2933" clip-path="url(#c3)">Week 1</text>
        <clipPath id="c4"><rect x="24.0" y="91.0" width="276.0" height="36.0"/></clipPath><text x="24.0" y="106.4" font-size="13" fill="#1f2933" clip-path="url(#c4)"><tspan x="24.0" y="106.4">Kubernetes Operators, Service Meshes</tspan><tspan x="24.0" y="120.7">and Everything Else You Will Ever Need</tspan></text>
        <rect x="321.0" y="96.0" width="426.0" height="26.0" rx="5" fill="#2563eb"/>
        <clipPath id="c5"><rect x="325.0" y="94.0" width="418.0" height="30.0"/></clipPath><text x="325.0" y="113.2" font-size="12" fill="#ffffff" clip-path="url(#c5)">weeks 1–6</text>
        <clipPath id="c6"><rect x="24.0" y="125.0" width="276.0" height="36.0"/></clipPath><text x="24.0" y="147.9" font-size="14" fill="#1f2933" clip-path="url(#c6)">Career Development</text>
        <rect x="749.0" y="130.0" width="426.0" height="26.0" rx="5" fill="url(#fade1)"/>
        <clipPath id="c7"><rect x="753.0" y="128.0" width="418.0" height="30.0"/></clipPath><text x="753.0" y="147.2" font-size="12" fill="#ffffff" clip-path="url(#c7)">week 7, ongoing</text>
        </svg>
    "##]].assert_eq(&svg::build(&bar(long, 7, None)));
}

#[test]
fn png_has_the_expected_size_and_shows_the_marker_only_for_a_subscriber() {
    let with = seed(Some(20));
    let (w, h) = svg::size(&with);
    assert_eq!((w, h), svg::size(&seed(None)));
    let x = svg::marker_x(&with).unwrap();
    let (top, bottom) = svg::marker_span(&with);
    let marked = decode(&png::roadmap_png(&with).unwrap());
    assert_eq!((marked.width(), marked.height()), (w, h));
    let hits = (top + 2..bottom - 2)
        .filter(|y| is_marker(&marked, x, *y))
        .count();
    assert!(
        hits as u32 >= bottom - top - 4,
        "{hits} marker pixels at x={x}"
    );
    // Not at week 1's place, where an earlier marker would be.
    let other = svg::marker_x(&seed(Some(1))).unwrap();
    assert!(!(top + 2..bottom - 2).any(|y| is_marker(&marked, other, y)));

    let plain = decode(&png::roadmap_png(&seed(None)).unwrap());
    let anywhere = (0..h).any(|y| (0..w).any(|x| is_marker(&plain, x, y)));
    assert!(!anywhere, "marker colour in a picture without a marker");
}

#[test]
fn long_label_never_crosses_into_the_timeline() {
    // Capital W is the widest glyph, wider than the estimate: the clip must hold the line.
    let input = bar(&"W".repeat(80), 7, Some(12));
    let p = decode(&png::roadmap_png(&input).unwrap());
    let (_, h) = svg::size(&input);
    let gap = 302..(svg::TIMELINE_X0 as u32 - 1);
    for y in 40..h - 40 {
        for x in gap.clone() {
            let c = p.pixel(x, y).unwrap();
            assert_eq!(
                (c.red(), c.green(), c.blue()),
                (255, 255, 255),
                "ink at ({x}, {y}) between the label column and the timeline"
            );
        }
    }
}

#[test]
fn labels_are_escaped_and_fitted() {
    assert_eq!(svg::escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
    assert_eq!(svg::fit("short", 200.0, 12.0).as_deref(), Some("short"));
    let cut = svg::fit(&"x".repeat(100), 100.0, 12.0).unwrap();
    assert!(cut.ends_with('…'));
    assert!(font::width(&cut, 12.0) <= 100.0, "{cut}");
    assert_eq!(svg::fit("anything", 5.0, 12.0), None);
}

/// `docs/roadmap-example.png` (shown in the README) is the seed's roadmap for a subscriber in
/// week 20, as `/roadmap` sends it; `UPDATE_EXPECT=1` rewrites it.
#[test]
fn committed_example_matches_what_roadmap_sends() {
    let out = reply_roadmap::answer(&catalog(), 0, Some(20));
    let sent = &out.response.files()[0];
    assert_eq!(sent.name, "roadmap.png");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/roadmap-example.png");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &sent.bytes).unwrap();
    }
    let committed = decode(&std::fs::read(&path).unwrap());
    let fresh = decode(&sent.bytes);
    assert_eq!(
        (committed.width(), committed.height()),
        (fresh.width(), fresh.height())
    );
    let differing = committed
        .pixels()
        .iter()
        .zip(fresh.pixels())
        .filter(|(a, b)| a != b)
        .count();
    assert!(
        differing * 100 <= fresh.pixels().len(),
        "{differing} pixels differ: run with UPDATE_EXPECT=1"
    );
    let input = seed(Some(20));
    let (top, bottom) = svg::marker_span(&input);
    let x = svg::marker_x(&input).unwrap();
    assert!((top + 2..bottom - 2).all(|y| is_marker(&committed, x, y)));
}

#[test]
fn ask_png_writes_the_picture_and_refuses_replies_without_one() {
    use curriculum_bot::cli::{ask_with_png, offline_app};
    use curriculum_bot::reply::ask::Asker;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("roadmap-ask-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (pic, none) = (dir.join("out.png"), dir.join("none.png"));
    let (code, text, code2, text2) = rt.block_on(async {
        let app = offline_app(catalog()).await.unwrap();
        let who = Asker::default();
        let mut out = Vec::new();
        let code = ask_with_png(&app, "/roadmap", false, &who, Some(&pic), &mut out).await;
        let mut out2 = Vec::new();
        let code2 = ask_with_png(&app, "/plan", false, &who, Some(&none), &mut out2).await;
        (code.unwrap(), out, code2.unwrap(), out2)
    });
    let text = String::from_utf8(text).unwrap();
    assert_eq!(code, 0, "{text}");
    let first: Vec<&str> = text.lines().take(5).collect();
    expect![[r###"
        [
            "",
            "## MLOps Engineering — roadmap",
            "   Subscribe with `/remind subscribe` to see your week marked.",
            "   [image: attachment://roadmap.png]",
            "   (attached: roadmap.png)",
        ]
    "###]]
    .assert_debug_eq(&first);
    let p = decode(&std::fs::read(&pic).unwrap());
    assert_eq!((p.width(), p.height()), svg::size(&seed(None)));
    assert_ne!(code2, 0);
    assert!(String::from_utf8(text2).unwrap().contains("no picture"));
    assert!(!none.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
