//! Choosing a track, on the fixture site (tests/site: three tracks): picking one from the
//! `/track` menu or tying a channel to one, autocomplete on tracks and their pathways, the `ask`
//! CLI's `track:` option, and start-up moving untracked subscriptions to the first track.

mod tracks_kit;

use curriculum_bot::cli::offline_app;
use curriculum_bot::reply::interaction::{Interaction, InteractionData, MESSAGE_COMPONENT};
use expect_test::expect;
use tracks_kit::{ask_line, catalog, check, run, shown, Stored, CHANNEL, NONE, USER};

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
        Your track is now **Cloud Security**. `/module`, `/path`, `/plan` and your DM reminders follow it.
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
            Your track is now **Community Projects**. `/module`, `/path`, `/plan` and your DM reminders follow it. It has no modules or plan here; read its page: https://learn.example.org/academy/tracks/community/2021-11-meetup-notes
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
