//! Tracks in every command, on the fixture site (tests/site: three tracks), data-driven like
//! tests/commands.rs: each case is the member's and the channel's stored tracks, an `ask` line,
//! and the reply rendered as text (`UPDATE_EXPECT=1 cargo test --test tracks` to update).

use curriculum_bot::cli::offline_app;
use curriculum_bot::config::Settings;
use curriculum_bot::load::load_catalog;
use curriculum_bot::reply::ask::{interaction, Asker};
use curriculum_bot::reply::interaction::{Interaction, InteractionData, MESSAGE_COMPONENT};
use curriculum_bot::reply::{registry, render, Catalog, Response};
use expect_test::{expect, Expect};

const GUILD: i64 = 100000000000000002;
const USER: i64 = 100000000000000001;
const CHANNEL: i64 = 100000000000000003;

fn catalog() -> Catalog {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .unwrap();
    load_catalog(&root.join("tests/site/docs"), &settings)
        .unwrap()
        .0
}

/// Who asks: the member's stored track and the channel's stored track, if any.
#[derive(Default, Clone, Copy)]
struct Stored {
    member: Option<&'static str>,
    channel: Option<&'static str>,
}

fn run(stored: Stored, i: &Interaction) -> (Response, bool) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = offline_app(catalog()).await.unwrap();
        if let Some(t) = stored.member {
            app.store
                .set_member_track(Some(GUILD), USER, t, 1)
                .await
                .unwrap();
        }
        if let Some(t) = stored.channel {
            app.store
                .set_channel_track(GUILD, CHANNEL, t, 1)
                .await
                .unwrap();
        }
        let out = app.handle(i).await;
        (out.response, out.failed)
    })
}

fn ask_line(line: &str) -> Interaction {
    let defs = registry::definitions(&catalog().curriculum);
    interaction(line, &defs, &Asker::default()).unwrap()
}

fn shown(r: &Response, failed: bool) -> String {
    let mut s = render::text(r);
    if failed {
        s.insert_str(0, "[failed] ");
    }
    s
}

fn check(stored: Stored, line: &str, expect: Expect) {
    let (r, failed) = run(stored, &ask_line(line));
    expect.assert_eq(&shown(&r, failed));
}

const NONE: Stored = Stored {
    member: None,
    channel: None,
};

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
             1. SQL Basics (4-6 weeks)
             2. Batch Pipelines (9 weeks)
             3. Streaming (6-8 weeks)
             4. Career Growth (ongoing)
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
           **Learning Path** · section · *Data Engineering › Learning Path*
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
           [Git Handbook](https://git.example.com/handbook) · resource · *How the tracks work › Choosing a track* — also in: Cloud Security › Module 1 › Principles; Data Engineering › Action Plan
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
           *How the tracks work › Choosing a track* — also in: Cloud Security › Module 1 › Principles; Data Engineering › Action Plan
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

/// A choice in the select menu: the interaction Discord sends for it.
fn pick(values: &[&str]) -> Interaction {
    let mut i = ask_line("/help");
    i.kind = MESSAGE_COMPONENT;
    i.data = Some(InteractionData {
        custom_id: Some("trk|pick".into()),
        component_type: Some(3),
        values: Some(values.iter().map(|v| (*v).to_owned()).collect()),
        ..InteractionData::default()
    });
    i
}

#[test]
fn picking_and_tying_tracks() {
    let (r, failed) = run(NONE, &pick(&["cloud-security"]));
    expect![[r#"
        (only you can see this)
        Your track is now **Cloud Security**. `/module`, `/path`, `/plan` and reminders follow it.
    "#]]
    .assert_eq(&shown(&r, failed));
    let (r, failed) = run(NONE, &pick(&["nope"]));
    expect![[r#"
        [failed] (only you can see this)
        No track called “nope”. Tracks: Cloud Security, Data Engineering, Community Projects.
    "#]]
    .assert_eq(&shown(&r, failed));
    check(
        NONE,
        "/track track:community",
        expect![[r#"
        (only you can see this)
        Your track is now **Community Projects**. `/module`, `/path`, `/plan` and reminders follow it.
    "#]],
    );
    // Members may not tie a channel; ask plays a member without Manage Channels.
    check(
        NONE,
        &format!("/track track:community channel:{CHANNEL}"),
        expect![[r#"
            [failed] (only you can see this)
            Only moderators with **Manage Channels** can tie a channel to a track.
        "#]],
    );
}

#[test]
fn autocomplete_offers_tracks_and_the_tracks_pathways() {
    let complete = |stored: Stored, command: &str, option: &str, typed: &str| {
        let mut i = ask_line(&format!("/{command}"));
        i.kind = curriculum_bot::reply::interaction::AUTOCOMPLETE;
        let d = i.data.as_mut().unwrap();
        d.options = vec![curriculum_bot::reply::interaction::CommandOption {
            name: option.into(),
            kind: 3,
            value: Some(typed.into()),
            options: Vec::new(),
            focused: Some(true),
        }];
        shown(&run(stored, &i).0, false)
    };
    expect![[r#"
        - Cloud Security (cloud-security)
    "#]]
    .assert_eq(&complete(NONE, "module", "track", "sec"));
    let de = Stored {
        member: Some("data-engineering"),
        channel: None,
    };
    expect![[r#"
        - Analysts (Analysts)
        - Software Engineers (Software Engineers)
    "#]]
    .assert_eq(&complete(de, "path", "background", ""));
    expect![[r#"
        - Analysts (Analysts)
        - Software Engineers (Software Engineers)
    "#]]
    .assert_eq(&complete(NONE, "path", "background", ""));
}

/// `curriculum-bot ask` on `CURRICULUM_PATH` (the shipped data when `None`).
fn ask_cli(path: Option<&str>, line: &str) -> (Option<i32>, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_curriculum-bot"));
    cmd.args(["ask", line])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("CURRICULUM_BASE_URL");
    if let Some(p) = path {
        cmd.env("CURRICULUM_PATH", p);
    }
    let o = cmd.output().expect("the binary runs");
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
    )
}

#[test]
fn ask_takes_a_track_option() {
    let (code, out) = ask_cli(None, "/module 2 track:mlops-engineering");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("## Module 2: ML Pipelines"), "{out}");
    let (code, out) = ask_cli(Some("tests/site/docs"), "/module 2 track:cloud-security");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("## Module 2: Network Defense"), "{out}");
    let (code, out) = ask_cli(Some("tests/site/docs"), "/module 2 track:Data Engineering");
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("## Module 2: Batch Pipelines"), "{out}");
    // Without a track on a site of three: the prompt, not a guess.
    let (_, out) = ask_cli(Some("tests/site/docs"), "/module 2");
    assert!(out.contains("Choose your track"), "{out}");
    assert!(!out.contains("## Module 2"), "{out}");
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

#[test]
fn start_up_moves_untracked_subscriptions_to_the_first_track() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = offline_app(catalog()).await.unwrap();
        let new = curriculum_bot::store::NewSubscription {
            guild_id: None,
            owner_user_id: USER,
            target: curriculum_bot::store::Target::Dm,
            schedule: curriculum_bot::store::Schedule {
                weekday: 0,
                hour: 9,
                minute: 0,
                tz: "UTC".into(),
            },
            pathway: None,
            track: None,
            week: 1,
            next_due_at: 10,
        };
        app.store.subscribe(&new, 1).await.unwrap();
        assert_eq!(app.assign_untracked().await.unwrap(), 1);
        let s = app.store.get_dm(USER).await.unwrap().unwrap();
        let first = app.catalog().curriculum.tracks[0].slug.clone();
        assert_eq!(s.track, Some(first));
        assert_eq!(
            app.assign_untracked().await.unwrap(),
            0,
            "nothing left to move"
        );
    });
}
