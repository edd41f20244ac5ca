//! The parser, data-driven: each case renders the parsed curriculum as an outline and compares it
//! with a snapshot (`UPDATE_EXPECT=1 cargo test --test parser` to update).

use curriculum_bot::curriculum::{parse, Curriculum, ParseOptions, Parsed, SourcePage};
use expect_test::{expect, expect_file, Expect, ExpectFile};
use std::fmt::Write;

fn outline(p: &Parsed) -> String {
    let c: &Curriculum = &p.curriculum;
    let mut s = String::new();
    for pg in &c.pages {
        writeln!(
            s,
            "page {} {:?} slug={:?} pos={:?}",
            pg.path, pg.title, pg.slug, pg.sidebar_position
        )
        .unwrap();
    }
    for (i, sec) in c.sections.iter().enumerate() {
        writeln!(s, "section {i} {:?} @{}", sec.title, sec.origin.line).unwrap();
        for (t, topic) in c.topics.iter().enumerate().filter(|(_, t)| t.section == i) {
            writeln!(s, "  topic {:?}", topic.title).unwrap();
            for it in c.items.iter().filter(|it| it.topic == Some(t)) {
                writeln!(s, "    - {}", it.text).unwrap();
            }
            for r in c.resources.iter().filter(|r| r.topic == Some(t)) {
                writeln!(
                    s,
                    "    * [{}] {} <{}> {:?} dup={:?} also={:?}",
                    r.key,
                    r.title,
                    r.link.display(),
                    r.description,
                    r.duplicates,
                    r.places.iter().map(|p| p.origin.line).collect::<Vec<_>>()
                )
                .unwrap();
            }
        }
        for it in c
            .items
            .iter()
            .filter(|it| it.section == i && it.topic.is_none())
        {
            writeln!(s, "  - {}", it.text).unwrap();
        }
    }
    for m in &c.modules {
        let link = m.link.map(|r| c.resources[r].link.display().to_string());
        writeln!(
            s,
            "module {} {:?} weeks={:?}{} focus={:?} link={:?}",
            m.number,
            m.title,
            m.weeks.map(|w| w.to_string()),
            if m.open_ended { " ongoing" } else { "" },
            m.focus,
            link
        )
        .unwrap();
    }
    for p in &c.pathways {
        writeln!(
            s,
            "pathway {:?} {} months {:?}",
            p.background, p.months, p.emphasis
        )
        .unwrap();
    }
    for ph in &c.plan {
        writeln!(
            s,
            "phase {:?} weeks {} tasks={} resources={:?}",
            ph.title,
            ph.weeks,
            ph.tasks.len(),
            ph.resources
                .iter()
                .map(|&r| c.resources[r].title.as_str())
                .collect::<Vec<_>>()
        )
        .unwrap();
    }
    for d in p.check() {
        writeln!(s, "{d}").unwrap();
    }
    s
}

fn parse_one(path: &str, text: &str, base_url: Option<&str>) -> Parsed {
    let pages = [SourcePage {
        path: path.into(),
        text: text.into(),
    }];
    parse(
        &pages,
        &ParseOptions {
            base_url: base_url.map(str::to_owned),
            ..ParseOptions::default()
        },
    )
}

fn check(path: &str, text: &str, expect: Expect) {
    expect.assert_eq(&outline(&parse_one(path, text, None)));
}

fn check_file(path: &str, text: &str, base_url: Option<&str>, expect: ExpectFile) {
    expect.assert_eq(&outline(&parse_one(path, text, base_url)));
}

#[test]
fn seed_curriculum() {
    let text = include_str!("../data/curriculum/mlops-engineering/getting-started.md");
    check_file(
        "getting-started.md",
        text,
        None,
        expect_file!["snapshots/seed.txt"],
    );
}

#[test]
fn data_engineering_curriculum() {
    let text = include_str!("data/data-engineering.md");
    check_file(
        "de/path.md",
        text,
        Some("https://learn.example.org/docs/"),
        expect_file!["snapshots/data-engineering.txt"],
    );
}

#[test]
fn empty_page() {
    check(
        "empty.md",
        "",
        expect![[r#"
            page empty.md "empty.md" slug=None pos=None
        "#]],
    );
}
