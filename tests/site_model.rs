//! The site model on the fixture site in `tests/site` (three tracks, root page, `.mdx`, slug and
//! id front matter, shared links, `docusaurus.config.ts`): `check`, resolved URLs, tracks and
//! search with duplicates merged, each rendered by one helper and compared with a snapshot
//! (`UPDATE_EXPECT=1 cargo test --test site_model` to update).

use curriculum_bot::cli;
use curriculum_bot::config::Settings;
use curriculum_bot::curriculum::Curriculum;
use curriculum_bot::load::{load, load_catalog};
use expect_test::{expect, Expect};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/site/docs")
}

fn settings(base_url: Option<&str>) -> Settings {
    let base = base_url.map(str::to_owned);
    Settings::from_vars(move |k| match k {
        "CURRICULUM_BASE_URL" => base.clone(),
        "ALIASES_PATH" => Some("/nonexistent/aliases.txt".into()),
        _ => None,
    })
    .expect("settings")
}

/// What one case shows.
enum View {
    Check,
    Urls,
    Tracks,
    Search(&'static str, Option<&'static str>),
}

/// Renders `view` of the site at `path` (relative to tests/site/docs) and compares it.
fn check(path: &str, base_url: Option<&str>, view: View, expect: Expect) {
    let path = root().join(path);
    let settings = settings(base_url);
    let here = root().display().to_string();
    let out = match view {
        View::Check => {
            let mut out = Vec::new();
            let code = cli::check(&path, &settings, &mut out).unwrap();
            let out = String::from_utf8(out).unwrap();
            // Issue 17: files are named relative to the curriculum folder, not the server's path.
            assert!(!out.contains(&here), "{out}");
            format!("exit {code}\n{out}")
        }
        View::Urls => {
            let c = load(&path, base_url).unwrap().curriculum;
            let mut s = String::new();
            for p in &c.pages {
                writeln!(s, "{} -> {}", p.path, p.url.as_deref().unwrap_or(&p.route)).unwrap();
            }
            for r in &c.resources {
                if r.link.url().is_some_and(|u| u.contains("example.org")) {
                    writeln!(s, "link {} -> {}", r.title, r.link.display()).unwrap();
                }
            }
            for m in &c.modules {
                let page = m
                    .page
                    .map_or("(missing)".to_string(), |p| c.pages[p].path.clone());
                writeln!(
                    s,
                    "module {}/{} page {page}",
                    c.tracks[m.track].slug, m.number
                )
                .unwrap();
            }
            s
        }
        View::Tracks => tracks(&load(&path, base_url).unwrap().curriculum),
        View::Search(q, track) => {
            let (cat, _) = load_catalog(&path, &settings).unwrap();
            let mut out = Vec::new();
            cli::search(&cat, q, true, 3, track, &mut out).unwrap();
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            let mut s = String::new();
            for hit in v.as_array().unwrap() {
                writeln!(
                    s,
                    "{} | {} | track={} tracks={}",
                    hit["title"],
                    hit["url"],
                    hit["track"],
                    hit.get("tracks").cloned().unwrap_or_default()
                )
                .unwrap();
            }
            for (i, r) in cat.curriculum.resources.iter().enumerate() {
                if r.title == q {
                    let places: Vec<String> = cat
                        .curriculum
                        .resource_places(i)
                        .iter()
                        .map(|p| cat.curriculum.place_label(p.section))
                        .collect();
                    writeln!(s, "places: {}", places.join("; ")).unwrap();
                }
            }
            s
        }
    };
    expect.assert_eq(&out.replace(&here, "<site>"));
}

fn tracks(c: &Curriculum) -> String {
    let mut s = String::new();
    for t in &c.tracks {
        writeln!(
            s,
            "{} {:?} pos={:?} desc={:?} url={:?}",
            t.slug, t.label, t.position, t.description, t.url
        )
        .unwrap();
        let pages: Vec<&str> = t.pages.iter().map(|&p| c.pages[p].path.as_str()).collect();
        writeln!(s, "  pages {pages:?}").unwrap();
        writeln!(
            s,
            "  overview {:?} total {:?}",
            t.overview.map(|p| &c.pages[p].path),
            t.total(c).map(|t| t.to_string())
        )
        .unwrap();
        for &m in &t.modules {
            let m = &c.modules[m];
            let sections: Vec<&str> = m
                .sections
                .iter()
                .map(|&x| c.sections[x].title.as_str())
                .collect();
            writeln!(s, "  module {} {} sections {sections:?}", m.number, m.title).unwrap();
        }
        for &p in &t.plan {
            writeln!(s, "  phase {} weeks {}", c.plan[p].heading, c.plan[p].weeks).unwrap();
        }
    }
    let root: Vec<&str> = c
        .site_pages
        .iter()
        .map(|&p| c.pages[p].path.as_str())
        .collect();
    writeln!(s, "site pages {root:?}").unwrap();
    s
}

#[test]
fn check_summarises_each_track() {
    check(
        "",
        None,
        View::Check,
        expect![[r#"
            exit 0
            01-data-engineering/getting-started.md:13: warning: module 4 `Career Growth` has no page: its line links none, and no page of track `data-engineering` is titled like it or numbered 4
            02-cloud-security/index.md:6: warning: module 3 `Incident Response` has no page: its line links none, and no page of track `cloud-security` is titled like it or numbered 3
            03-community/2021-11-meetup-notes.md:1: warning: track `community` has no overview: no page lists its modules, pathways or plan
            site: 1 root pages
            track cloud-security "Cloud Security": 3 pages, 3 modules (7-10 weeks + ongoing), 0 pathways, 2 plan phases, overview 02-cloud-security/index.md, https://learn.example.org/academy/tracks/cloud-security
            track data-engineering "Data Engineering": 4 pages, 4 modules (19-23 weeks + ongoing), 2 pathways, 3 plan phases, overview 01-data-engineering/getting-started.md, https://learn.example.org/academy/tracks/data-engineering/getting-started
            track community "Community Projects": 2 pages, 0 modules, 0 pathways, 0 plan phases, no overview, https://learn.example.org/academy/tracks/community/2021-11-meetup-notes
            ok: 10 pages, 14 sections, 17 topics, 10 resources, 7 modules, 2 pathways, 5 plan phases (0 errors, 3 warnings)
        "#]],
    );
}

#[test]
fn urls_follow_docusaurus_routing() {
    check(
        "",
        None,
        View::Urls,
        expect![[r#"
            intro.md -> https://learn.example.org/academy/tracks/intro
            02-cloud-security/index.md -> https://learn.example.org/academy/tracks/cloud-security
            02-cloud-security/01-identity.md -> https://learn.example.org/academy/tracks/cloud-security/identity
            02-cloud-security/02-network-defense.md -> https://learn.example.org/academy/tracks/cloud-security/network
            01-data-engineering/getting-started.md -> https://learn.example.org/academy/tracks/data-engineering/getting-started
            01-data-engineering/01-sql-basics.md -> https://learn.example.org/academy/tracks/data-engineering/sql-basics
            01-data-engineering/02-batch-pipelines.mdx -> https://learn.example.org/academy/tracks/data-engineering/batch-pipelines
            01-data-engineering/03-streaming.md -> https://learn.example.org/academy/tracks/data-engineering/streaming-systems
            03-community/2021-11-meetup-notes.md -> https://learn.example.org/academy/tracks/community/2021-11-meetup-notes
            03-community/overview.md -> https://learn.example.org/academy/tracks/community/overview
            link Module 2: Network Defense -> https://learn.example.org/academy/tracks/cloud-security/network
            module cloud-security/1 page 02-cloud-security/01-identity.md
            module cloud-security/2 page 02-cloud-security/02-network-defense.md
            module cloud-security/3 page (missing)
            module data-engineering/1 page 01-data-engineering/01-sql-basics.md
            module data-engineering/2 page 01-data-engineering/02-batch-pipelines.mdx
            module data-engineering/3 page 01-data-engineering/03-streaming.md
            module data-engineering/4 page (missing)
        "#]],
    );
}

#[test]
fn base_url_setting_wins_over_the_config() {
    check(
        "02-cloud-security",
        Some("https://mirror.example.net/docs/"),
        View::Urls,
        expect![[r#"
            index.md -> https://mirror.example.net/docs/cloud-security
            01-identity.md -> https://mirror.example.net/docs/cloud-security/identity
            02-network-defense.md -> https://mirror.example.net/docs/cloud-security/network
            module cloud-security/1 page 01-identity.md
            module cloud-security/2 page 02-network-defense.md
            module cloud-security/3 page (missing)
        "#]],
    );
}

#[test]
fn tracks_in_sidebar_order_with_their_modules() {
    check(
        "",
        None,
        View::Tracks,
        expect![[r#"
        cloud-security "Cloud Security" pos=Some(1) desc=Some("Protect cloud systems and the people who use them.") url=Some("https://learn.example.org/academy/tracks/cloud-security")
          pages ["02-cloud-security/index.md", "02-cloud-security/01-identity.md", "02-cloud-security/02-network-defense.md"]
          overview Some("02-cloud-security/index.md") total Some("7-10 weeks + ongoing")
          module 1 Identity and Access sections ["Principles"]
          module 2 Network Defense sections ["Segmentation"]
          module 3 Incident Response sections []
          phase Week 1: Accounts weeks 1
          phase Month 2-3: Hardening weeks 5-13
        data-engineering "Data Engineering" pos=Some(2) desc=Some("Move, clean and model data at scale.") url=Some("https://learn.example.org/academy/tracks/data-engineering/getting-started")
          pages ["01-data-engineering/getting-started.md", "01-data-engineering/01-sql-basics.md", "01-data-engineering/02-batch-pipelines.mdx", "01-data-engineering/03-streaming.md"]
          overview Some("01-data-engineering/getting-started.md") total Some("19-23 weeks + ongoing")
          module 1 SQL Basics sections ["Querying", "Modelling"]
          module 2 Batch Pipelines sections ["Scheduling", "Transformations"]
          module 3 Streaming sections ["Events and Queues"]
          module 4 Career Growth sections []
          phase Week 1-2: Set Up Your Workbench weeks 1-2
          phase Weeks 3-4: First Queries weeks 3-4
          phase Months 2-3: First Pipeline weeks 5-13
        community "Community Projects" pos=Some(3) desc=None url=Some("https://learn.example.org/academy/tracks/community/2021-11-meetup-notes")
          pages ["03-community/2021-11-meetup-notes.md", "03-community/overview.md"]
          overview None total None
        site pages ["intro.md"]
    "#]],
    );
}

#[test]
fn one_track_folder_is_a_site_of_one_track() {
    check(
        "01-data-engineering",
        None,
        View::Tracks,
        expect![[r#"
        data-engineering "Data Engineering" pos=Some(2) desc=Some("Move, clean and model data at scale.") url=Some("https://learn.example.org/academy/tracks/data-engineering/getting-started")
          pages ["getting-started.md", "01-sql-basics.md", "02-batch-pipelines.mdx", "03-streaming.md"]
          overview Some("getting-started.md") total Some("19-23 weeks + ongoing")
          module 1 SQL Basics sections ["Querying", "Modelling"]
          module 2 Batch Pipelines sections ["Scheduling", "Transformations"]
          module 3 Streaming sections ["Events and Queues"]
          module 4 Career Growth sections []
          phase Week 1-2: Set Up Your Workbench weeks 1-2
          phase Weeks 3-4: First Queries weeks 3-4
          phase Months 2-3: First Pipeline weeks 5-13
        site pages []
    "#]],
    );
}

#[test]
fn a_link_on_several_pages_is_one_hit_with_all_its_places() {
    check(
        "",
        None,
        View::Search("Learning How to Learn", None),
        expect![[r#"
            "Learning How to Learn" | "https://study.example.com/learning-how-to-learn" | track="data-engineering" tracks=["data-engineering","community"]
            "Learning Path" | "https://learn.example.org/academy/tracks/data-engineering/getting-started#learning-path" | track="data-engineering" tracks=null
            "Module 2: Network Defense" | "https://learn.example.org/academy/tracks/cloud-security/network" | track="cloud-security" tracks=null
            places: How the tracks work; Data Engineering › Module 1 › Querying; Community Projects › Where to go
        "#]],
    );
    check(
        "",
        None,
        View::Search("Git Handbook", Some("cloud-security")),
        expect![[r#"
        "Git Handbook" | "https://git.example.com/handbook" | track="cloud-security" tracks=["cloud-security","data-engineering"]
        places: How the tracks work; Cloud Security › Module 1 › Principles; Data Engineering › Action Plan
    "#]],
    );
}

#[test]
fn mdx_imports_jsx_and_admonitions_never_leak_into_content() {
    let c = load(&root(), None).unwrap().curriculum;
    let page = c
        .pages
        .iter()
        .position(|p| p.path.ends_with(".mdx"))
        .unwrap();
    let sections: Vec<usize> = (0..c.sections.len())
        .filter(|&s| c.sections[s].page == page)
        .collect();
    let mut texts: Vec<&str> = sections
        .iter()
        .map(|&s| c.sections[s].title.as_str())
        .collect();
    texts.extend(
        c.topics
            .iter()
            .filter(|t| sections.contains(&t.section))
            .map(|t| t.title.as_str()),
    );
    texts.extend(
        c.items
            .iter()
            .filter(|i| sections.contains(&i.section))
            .map(|i| i.text.as_str()),
    );
    assert!(texts.contains(&"Run a script every night"), "{texts:?}");
    for t in &texts {
        assert!(
            !t.contains("import")
                && !t.contains(":::")
                && !t.contains('<')
                && !t.contains("not content"),
            "leaked: {t:?}"
        );
    }
}
