//! Tracks in every command, on the fixture site (tests/site: three tracks), data-driven like
//! tests/commands.rs: each case is the member's and the channel's stored tracks, an `ask` line,
//! and the reply rendered as text (`UPDATE_EXPECT=1 cargo test --test tracks` to update).
//! Choosing a track is in tracks_choose.rs; the shared helpers are in tracks_kit.

mod tracks_kit;

use curriculum_bot::reply::render;
use expect_test::expect;
use tracks_kit::{ask_line, check, run, Stored, NONE};

#[test]
fn track_lists_the_tracks_with_a_select_menu() {
    check(
        NONE,
        "/track",
        expect![[r#"

        ## Learning tracks
           Pick your track below; commands then answer from it.
           Cloud Security:
             Protect cloud systems and the people who use them.
             3 modules · 7-10 weeks + ongoing
             https://learn.example.org/academy/tracks/cloud-security
           Data Engineering:
             Move, clean and model data at scale.
             4 modules · 19-23 weeks + ongoing
             https://learn.example.org/academy/tracks/data-engineering/getting-started
           Community Projects:
             0 modules
             https://learn.example.org/academy/tracks/community/2021-11-meetup-notes

        <Choose your track: Cloud Security | Data Engineering | Community Projects>
    "#]],
    );
    let (r, _) = run(NONE, &ask_line("/track"));
    let json = r.to_json();
    let menu = &json["data"]["components"][0]["components"][0];
    assert_eq!(menu["type"], 3, "a string select menu: {menu}");
    assert_eq!(menu["options"].as_array().map(Vec::len), Some(3));
}

#[test]
fn module_without_a_track_prompts_never_guesses() {
    check(
        NONE,
        "/module",
        expect![[r#"
        (only you can see this)
        This server has 3 learning tracks. Pick yours below and I'll remember it; then run the command again (or add `track:` to it).

        <Choose your track: Cloud Security | Data Engineering | Community Projects>
    "#]],
    );
    check(
        NONE,
        "/module 2",
        expect![[r#"
        (only you can see this)
        This server has 3 learning tracks. Pick yours below and I'll remember it; then run the command again (or add `track:` to it).

        <Choose your track: Cloud Security | Data Engineering | Community Projects>
    "#]],
    );
}

#[test]
fn module_follows_the_option_then_the_member_then_the_channel() {
    check(
        NONE,
        "/module track:data-engineering",
        expect![[r#"

        ## Data Engineering — modules
           https://learn.example.org/academy/tracks/data-engineering/getting-started
           [Module 1: SQL Basics](https://learn.example.org/academy/tracks/data-engineering/sql-basics) · 4-6 weeks — Queries, joins and modelling
           [Module 2: Batch Pipelines](https://learn.example.org/academy/tracks/data-engineering/batch-pipelines) · 9 weeks — Scheduled jobs and transformations
           [Module 3: Streaming](https://learn.example.org/academy/tracks/data-engineering/streaming-systems) · 6-8 weeks — Events, queues and windows
           **Module 4: Career Growth** · ongoing — Keep building and sharing projects
           — Total: 19-23 weeks + ongoing
    "#]],
    );
    check(
        NONE,
        "/module 2 track:Cloud Security",
        expect![[r#"

            ## Module 2: Network Defense
               https://learn.example.org/academy/tracks/cloud-security/network
               Track: **Cloud Security**
               Duration:
                 4-6 weeks
               Focus:
                 Firewalls and segmentation
               What it covers:
                 • Segmentation
               Resources:
                 • [Network Defense Guide](https://net.example.com/guide)
        "#]],
    );
    let member = Stored {
        member: Some("data-engineering"),
        channel: Some("cloud-security"),
    };
    check(
        member,
        "/module 2",
        expect![[r#"

            ## Module 2: Batch Pipelines
               https://learn.example.org/academy/tracks/data-engineering/batch-pipelines
               Track: **Data Engineering**
               Duration:
                 9 weeks
               Focus:
                 Scheduled jobs and transformations
               What it covers:
                 • Scheduling
                 • Transformations
               Resources:
                 • [Cron Explained](https://cron.example.com/explained)
                 • [Dimensional Modelling Primer](https://modelling.example.com/primer)
        "#]],
    );
    let channel = Stored {
        member: None,
        channel: Some("cloud-security"),
    };
    check(
        channel,
        "/module 2",
        expect![[r#"

        ## Module 2: Network Defense
           https://learn.example.org/academy/tracks/cloud-security/network
           Track: **Cloud Security**
           Duration:
             4-6 weeks
           Focus:
             Firewalls and segmentation
           What it covers:
             • Segmentation
           Resources:
             • [Network Defense Guide](https://net.example.com/guide)
    "#]],
    );
    // The option wins over both.
    check(
        member,
        "/module 1 track:community",
        expect![[r#"
        [failed] (only you can see this)
        **Community Projects** has no modules. See its page: https://learn.example.org/academy/tracks/community/2021-11-meetup-notes
    "#]],
    );
    check(
        NONE,
        "/module track:community",
        expect![[r#"
        **Community Projects** has no modules. See its page: https://learn.example.org/academy/tracks/community/2021-11-meetup-notes
    "#]],
    );
    check(
        NONE,
        "/module track:astronomy",
        expect![[r#"
        [failed] (only you can see this)
        No track called “astronomy”. Tracks: Cloud Security, Data Engineering, Community Projects.
    "#]],
    );
}

#[test]
fn path_and_plan_are_the_tracks() {
    let de = Stored {
        member: Some("data-engineering"),
        channel: None,
    };
    check(
        de,
        "/path Analysts",
        expect![[r#"

            ## Data Engineering: pathway for Analysts
               **6-9 months**, focused on pipelines and modelling
               Modules, in order:
                 1. [SQL Basics](https://learn.example.org/academy/tracks/data-engineering/sql-basics) (4-6 weeks)
                 2. [Batch Pipelines](https://learn.example.org/academy/tracks/data-engineering/batch-pipelines) (9 weeks)
                 3. [Streaming](https://learn.example.org/academy/tracks/data-engineering/streaming-systems) (6-8 weeks)
                 4. [Career Growth](https://learn.example.org/academy/tracks/data-engineering/getting-started) (ongoing)
        "#]],
    );
    check(
        de,
        "/path Astronauts",
        expect![[r#"
        [failed] (only you can see this)
        No pathway called “Astronauts” in Data Engineering. Choose one of: Analysts, Software Engineers.
    "#]],
    );
    check(
        de,
        "/plan",
        expect![[r#"

        ## Data Engineering — Action Plan
           Week 1-2: Set Up Your Workbench:
             • Install a database and a notebook
             ↳ [Git Handbook](https://git.example.com/handbook)
           Weeks 3-4: First Queries:
             • Load a public dataset and answer five questions
           Months 2-3: First Pipeline:
             • Schedule a daily job that cleans the dataset
    "#]],
    );
    check(
        NONE,
        "/plan track:cloud-security",
        expect![[r#"

        ## Cloud Security — Action Plan
           Week 1: Accounts:
             • Create a sandbox account with billing alerts
           Month 2-3: Hardening:
             • Apply a benchmark to the sandbox
    "#]],
    );
    check(
        NONE,
        "/plan",
        expect![[r#"
        (only you can see this)
        This server has 3 learning tracks. Pick yours below and I'll remember it; then run the command again (or add `track:` to it).

        <Choose your track: Cloud Security | Data Engineering | Community Projects>
    "#]],
    );
}

#[test]
fn search_merges_duplicates_and_labels_tracks() {
    check(
        NONE,
        "/search learning how to learn",
        expect![[r#"

            ## Search: learning how to learn
               [Learning How to Learn](https://study.example.com/learning-how-to-learn) · resource · *How the tracks work › Choosing a track* — also in: Data Engineering › Module 1 › Querying; Community Projects › Where to go
               [Learning Path](https://learn.example.org/academy/tracks/data-engineering/getting-started#learning-path) · section · *Data Engineering › Getting Started with Data Engineering › Learning Path*
        "#]],
    );
    let cs = Stored {
        member: Some("cloud-security"),
        channel: None,
    };
    check(
        cs,
        "/search git handbook",
        expect![[r#"

            ## Search: git handbook
               [Git Handbook](https://git.example.com/handbook) · resource · *Cloud Security › Module 1 › Principles › Least privilege* — also in: How the tracks work; Data Engineering › Action Plan
        "#]],
    );
    check(
        cs,
        "/resource git handbook",
        expect![[r#"
            Resources for “git handbook” — 1 match

            ## Git Handbook
               https://git.example.com/handbook
               Version control for every track
               *Cloud Security › Module 1 › Principles › Least privilege* — also in: How the tracks work; Data Engineering › Action Plan
        "#]],
    );
}

#[test]
fn help_names_the_tracks() {
    let (r, _) = run(NONE, &ask_line("/help"));
    let text = render::text(&r);
    for label in ["Data Engineering", "Cloud Security", "Community"] {
        assert!(text.contains(label), "{label} in {text}");
    }
}

#[test]
fn search_ranks_the_members_track_first() {
    let first_hit = |member: &'static str| {
        let stored = Stored {
            member: Some(member),
            channel: None,
        };
        let (r, _) = run(stored, &ask_line("/search module 2"));
        let text = render::text(&r);
        let line = text
            .lines()
            .find(|l| l.contains("Module 2"))
            .unwrap_or_default()
            .to_string();
        (line, text)
    };
    let (line, text) = first_hit("cloud-security");
    assert!(line.contains("Network Defense"), "{text}");
    let (line, text) = first_hit("data-engineering");
    assert!(line.contains("Batch Pipelines"), "{text}");
    // `/track` marks the member's own track.
    let stored = Stored {
        member: Some("data-engineering"),
        channel: None,
    };
    let (r, _) = run(stored, &ask_line("/track"));
    assert!(render::text(&r).contains("Data Engineering (yours)"));
}
