//! The multi-track fixture (tests/sites/multi: four tracks whose overviews link only some module
//! pages, a track without modules that points elsewhere, one URL listed in three tracks under
//! three titles, a banner line on every page, titles reused across pages): every module owns its
//! page, `check` says which rule matched, and replies answer from the asked track.
//! `UPDATE_EXPECT=1 cargo test --test multi_site` updates the snapshots.

mod multi_kit;

use curriculum_bot::cli::{self, CheckFormat};
use curriculum_bot::curriculum::route::{number_prefix, stem, strip_number_prefix};
use expect_test::expect;
use multi_kit::*;

/// `check`'s report: one warning per module without a page and per numbered page no module
/// owns, and in JSON the rule that gave each module its page.
#[test]
fn every_module_owns_its_page_and_check_says_how() {
    let c = catalog().curriculum;
    let rows: Vec<String> = c
        .modules
        .iter()
        .map(|m| {
            format!(
                "{} {}: {} <- {}",
                c.tracks[m.track].slug,
                m.number,
                m.title,
                m.page.map_or("(no page)".to_string(), |p| format!(
                    "{} by {:?}",
                    c.pages[p].path,
                    m.page_rule.unwrap()
                )),
            )
        })
        .collect();
    expect![[r#"
        mlops-engineering 1: Experiment Tracking <- 01-mlops-engineering/01-experiment-tracking.md by Title
        mlops-engineering 2: Pipelines and Orchestration <- 01-mlops-engineering/02-pipelines-orchestration.md by Title
        mlops-engineering 3: Monitoring and Observability <- 01-mlops-engineering/03-model-watch.md by Number
        mlops-engineering 4: Serving at Scale <- (no page)
        devops 1: Networking Basics <- 02-devops/networking.md by Title
        devops 2: Containers <- 02-devops/docker.md by Link
        devops 3: Cluster Operations <- 02-devops/kubernetes.md by Number
        data-science 1: Statistics <- 03-data-science/01-statistics.md by Link
        data-science 2: Modelling <- 03-data-science/02-modelling.md by Link"#]]
    .assert_eq(&rows.join("\n"));

    let mut out = Vec::new();
    cli::check_as(&docs(), &settings(), CheckFormat::Json, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let rules: Vec<String> = json["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("{} {} {}", m["track"], m["number"], m["rule"]))
        .collect();
    assert_eq!(rules[2], r#""mlops-engineering" 3 "number""#, "{rules:?}");
    assert_eq!(rules[3], r#""mlops-engineering" 4 null"#, "{rules:?}");
    let warnings: Vec<String> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "warning")
        .map(|d| d["message"].as_str().unwrap().to_string())
        .collect();
    expect![[r#"
        module 4 `Serving at Scale` has no page: its line links none, and no page of track `mlops-engineering` is titled like it or numbered 4
        page `Extra Labs` is numbered 4 but no module of track `devops` owns it
        track `ai-research` has no overview: no page lists its modules, pathways or plan"#]]
    .assert_eq(&warnings.join("\n"));
}

/// Fails when a module of the fixture has no page although a page of its track is named or
/// numbered like it and owned by no module (checked from the files, not through the loader's
/// own matching).
#[test]
fn no_module_is_left_without_a_matching_page() {
    let c = catalog().curriculum;
    let words = |s: &str| -> String {
        s.to_lowercase()
            .split(|ch: char| !ch.is_alphanumeric())
            .filter(|w| !w.is_empty() && *w != "and")
            .collect::<Vec<_>>()
            .join(" ")
    };
    let owned: Vec<usize> = c.modules.iter().filter_map(|m| m.page).collect();
    for m in c.modules.iter().filter(|m| m.page.is_none()) {
        let dir = docs().join(&c.tracks[m.track].dir);
        for f in std::fs::read_dir(&dir).unwrap() {
            let name = f.unwrap().file_name().to_string_lossy().into_owned();
            if !name.ends_with(".md") && !name.ends_with(".mdx") {
                continue;
            }
            let path = format!("{}/{name}", c.tracks[m.track].dir);
            let p = c.pages.iter().position(|p| p.path == path).unwrap();
            let text = std::fs::read_to_string(dir.join(&name)).unwrap();
            let heading = text
                .lines()
                .find_map(|l| l.strip_prefix("# "))
                .unwrap_or("");
            let matches = words(strip_number_prefix(stem(&name))) == words(&m.title)
                || words(heading) == words(&m.title)
                || number_prefix(stem(&name)) == Some(u64::from(m.number));
            assert!(
                owned.contains(&p) || !matches,
                "module {} `{}` has no page but `{path}` matches it",
                m.number,
                m.title
            );
        }
    }
    assert!(c.modules.iter().filter(|m| m.page.is_some()).count() >= 8);
}

/// A module without a page shows its overview line and links the overview; it never lists
/// another track's resources.
#[test]
fn a_module_without_a_page_borrows_nothing() {
    expect![[r#"

        ## Module 4: Serving at Scale
           https://multi.example.net/learn/mlops-engineering/overview
           Track: **MLOps Engineering**
           No page of its own yet; the overview says:
           > Module 4: Serving at Scale (ongoing) - Keep models fast under load
           Duration:
             ongoing
           Focus:
             Keep models fast under load
    "#]]
    .assert_eq(&ask(NONE, "/module 4 track:mlops-engineering"));
    expect![[r#"

        ## Module 3: Monitoring and Observability
           https://multi.example.net/learn/mlops-engineering/model-watch
           Track: **MLOps Engineering**
           Duration:
             6-8 weeks
           Focus:
             Drift, alerts and dashboards
           What it covers:
             • Drift Detection
             • CI/CD & Alerts
             • Community
           Resources:
             • [Drift in Practice](https://drift.example.com/practice)
             • [Alerting Handbook](https://alerts.example.com/handbook)
    "#]]
    .assert_eq(&ask(NONE, "/module 3 track:mlops-engineering"));
}

/// One URL listed in three tracks under three titles: each track sees its own listing (title,
/// description, place), the others under "also in".
#[test]
fn a_shared_resource_shows_the_asked_tracks_listing() {
    expect![[r#"
        Resources for “tracking runs” — 3 matches

        ## Tracking Runs in CI
           https://tracking.example.com/guide
           Record pipeline runs next to deployments
           *DevOps › Module 3 › Deployments › Rollouts* — also in: MLOps Engineering › Action Plan; MLOps Engineering › Module 1 › Tracking Runs; Data Science › Module 2 › Feature Engineering

        ## Official Documentation
           https://registry.example.com/docs
           The model registry's manual
           *MLOps Engineering › Module 1 › Tracking Runs › Metrics and parameters*
           — Also listed: Official Documentation (Deployments)

        ## AI Research Track
           https://research.example.org/track
           The track's own site
           *AI Research › Where to go*
    "#]].assert_eq(&ask(member("devops"), "/resource tracking runs"));
    expect![[r#"
        Resources for “tracking runs” — 3 matches

        ## Tracking Your Experiments
           https://tracking.example.com/guide
           Compare models side by side
           *Data Science › Module 2 › Feature Engineering › Features* — also in: MLOps Engineering › Action Plan; MLOps Engineering › Module 1 › Tracking Runs; DevOps › Module 3 › Deployments

        ## Official Documentation
           https://registry.example.com/docs
           The model registry's manual
           *MLOps Engineering › Module 1 › Tracking Runs › Metrics and parameters*
           — Also listed: Official Documentation (Deployments)

        ## AI Research Track
           https://research.example.org/track
           The track's own site
           *AI Research › Where to go*
    "#]].assert_eq(&ask(
        NONE,
        "/resource tracking runs track:data-science",
    ));
}

/// `track:` takes a unique prefix or a label; a track without modules or plan links its page
/// and is refused for reminders; `start_week` past the track is refused with its length.
#[test]
fn tracks_by_prefix_and_tracks_without_a_path() {
    expect![[r#"

        ## Data Science — Action Plan
           Weeks 1-4: Statistics First:
             • Work through one statistics course
           Weeks 5-12: First Models:
             • Fit three models to one dataset
    "#]]
    .assert_eq(&ask(NONE, "/plan track:data"));
    expect![[r#"
        [failed] (only you can see this)
        AI Research has no action plan. See its page: https://multi.example.net/learn/ai-research/
    "#]]
    .assert_eq(&ask(NONE, "/plan track:ai"));
    expect![[r#"
        (only you can see this)
        Your track is now **AI Research**. `/module`, `/path`, `/plan` and your DM reminders follow it. It has no modules or plan here; read its page: https://multi.example.net/learn/ai-research/
    "#]].assert_eq(&ask(NONE, "/track track:AI Research"));
    expect![[r#"
        [failed] (only you can see this)
        **AI Research** has no modules or plan here, so there is nothing to remind you of week by week. Read its page instead: https://multi.example.net/learn/ai-research/ Nothing was saved.
    "#]].assert_eq(&ask(NONE, "/remind subscribe track:ai-research"));
    expect![[r#"
        [failed] (only you can see this)
        `start_week` must be from 1 to 14: **DevOps** is 14 weeks long. Nothing was saved.
    "#]]
    .assert_eq(&ask(NONE, "/remind subscribe track:devops start_week:30"));
}

/// `/help` lists every registered command and subcommand (it is built from the registry).
#[test]
fn help_lists_every_command() {
    let help = ask(NONE, "/help");
    let defs = curriculum_bot::reply::registry::definitions(&catalog().curriculum);
    for (usage, _) in curriculum_bot::reply::registry::usage(&defs) {
        assert!(help.contains(&usage), "{usage} missing from:\n{help}");
    }
    for must in [
        "/roadmap",
        "/pin list",
        "/remind subscribe",
        "/remind preview",
    ] {
        assert!(help.contains(must), "{must}: {help}");
    }
}

/// A reminder links the module page and the section it names (with Docusaurus's anchor).
#[test]
fn reminders_link_the_module_page_and_section() {
    use curriculum_bot::reminders::content::{reminder, Audience};
    let c = catalog().curriculum;
    let r = reminder(
        &c,
        Some("mlops-engineering"),
        15,
        None,
        0,
        false,
        Audience::Learner,
    );
    let text = serde_json::to_string(&r.message).unwrap();
    assert!(
        text.contains("(https://multi.example.net/learn/mlops-engineering/model-watch)"),
        "{text}"
    );
    assert!(
        text.contains(
            "https://multi.example.net/learn/mlops-engineering/model-watch#drift-detection"
        ),
        "{text}"
    );
}

/// `check` on the site's root (the folder with docusaurus.config.js) reads its docs/ folder.
#[test]
fn check_on_the_site_root_reads_its_docs() {
    let run = |p: &std::path::Path| {
        let mut out = Vec::new();
        let code = cli::check_as(p, &settings(), CheckFormat::Text, &mut out).unwrap();
        (code, String::from_utf8(out).unwrap())
    };
    let (code, root) = run(docs().parent().unwrap());
    let (_, direct) = run(&docs());
    assert_eq!(code, 0, "{root}");
    assert!(root.contains("track mlops-engineering"), "{root}");
    assert!(!root.contains("track docs "), "{root}");
    assert_eq!(
        root.lines().filter(|l| l.starts_with("track ")).count(),
        direct.lines().filter(|l| l.starts_with("track ")).count()
    );
}

/// Notes ("a title names two URLs") only with `--verbose`, once per title, never as annotations.
#[test]
fn notes_only_when_verbose() {
    let run = |format, verbose| {
        let mut out = Vec::new();
        cli::check_verbose(&docs(), &settings(), format, verbose, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    };
    assert!(!run(CheckFormat::Text, false).contains("note:"));
    assert!(!run(CheckFormat::Github, true).contains("::notice"));
    let verbose = run(CheckFormat::Text, true);
    assert_eq!(
        verbose.matches("title `Official Documentation`").count(),
        1,
        "{verbose}"
    );
    // …with every place it names, each as file:line.
    let note = verbose
        .lines()
        .find(|l| l.contains("title `Official Documentation`"))
        .unwrap();
    let n: usize = note
        .split("names ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the note says how many");
    let places = note.split('(').nth(1).unwrap_or_default();
    assert_eq!(places.matches(".md:").count(), n.min(8), "{note}");
}

/// Issue 16: when no link fits, the module that does is the answer to `/resource`, from the
/// asked track, with its page.
#[test]
fn resource_falls_back_to_the_module_that_fits() {
    expect![[r#"
        No resource matches “kubernetes module”, but these modules do:
        • **Module 3: Cluster Operations** — <https://multi.example.net/learn/devops/kubernetes>
        • **Module 2: Containers** — <https://multi.example.net/learn/devops/docker>
    "#]]
    .assert_eq(&ask(NONE, "/resource kubernetes module track:devops"));
}
