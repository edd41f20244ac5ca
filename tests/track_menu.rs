//! The `/track` menu on generated sites (issue 17): values unique in any case (two folders with
//! one slug), every custom_id and value within 100 characters (long folder names), more than 25
//! tracks paged so every track can be picked, and `/track … channel:` refusing ids that are not
//! this server's channels. Answered purely through `reply::answer`.

use curriculum_bot::curriculum::{parse, ParseOptions, SourcePage};
use curriculum_bot::reply::ask::{interaction, Asker};
use curriculum_bot::reply::interaction::Interaction;
use curriculum_bot::reply::{answer, command, registry, Catalog, TrackContext};
use curriculum_bot::search::Aliases;
use serde_json::Value;

fn site(dirs: &[String]) -> Catalog {
    let pages: Vec<SourcePage> = dirs
        .iter()
        .map(|d| SourcePage {
            path: format!("{d}/overview.md"),
            text: "# Overview\n\n## Learning Path\n- **Modules**\n  - Module 1: Basics (2 weeks) - First steps\n".into(),
        })
        .collect();
    Catalog::new(parse(&pages, &ParseOptions::default()), &Aliases::default())
}

fn ask(cat: &Catalog, line: &str, moderator: bool) -> (Interaction, Value) {
    let defs = registry::definitions(&cat.curriculum);
    let asker = Asker {
        moderator,
        ..Asker::default()
    };
    let i = interaction(line, &defs, &asker).unwrap();
    let out = run(cat, &i);
    (i, out)
}

fn run(cat: &Catalog, i: &Interaction) -> Value {
    let cmd = command::parse(i).unwrap();
    answer(cat, i, &cmd, &TrackContext::default())
        .response
        .to_json()
}

fn menu(reply: &Value) -> &Value {
    &reply["data"]["components"][0]["components"][0]
}

fn values(reply: &Value) -> Vec<String> {
    menu(reply)["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["value"].as_str().unwrap().to_string())
        .collect()
}

fn pick(cat: &Catalog, value: &str) -> Value {
    let (mut i, _) = ask(cat, "/help", false);
    i.kind = 3;
    i.data = Some(curriculum_bot::reply::interaction::InteractionData {
        custom_id: Some("trk|pick".into()),
        component_type: Some(3),
        values: Some(vec![value.into()]),
        ..Default::default()
    });
    run(cat, &i)
}

#[test]
fn two_folders_with_one_slug_get_distinct_values_and_both_can_be_picked() {
    let cat = site(&["mlops-engineering".into(), "12-MLOps-Engineering".into()]);
    let (_, r) = ask(&cat, "/track", false);
    let v = values(&r);
    assert_eq!(v.len(), 2);
    assert_ne!(v[0].to_lowercase(), v[1].to_lowercase(), "{v:?}");
    for (n, value) in v.iter().enumerate() {
        let r = pick(&cat, value);
        assert!(
            r["data"]["content"]
                .as_str()
                .unwrap()
                .contains("Your track is now"),
            "{n}: {r}"
        );
    }
}

#[test]
fn long_folder_names_keep_ids_and_values_within_100_characters() {
    let long: Vec<String> = (0..3)
        .map(|n| format!("{n:02}-{}", "x".repeat(120)))
        .collect();
    let cat = site(&long);
    let (_, r) = ask(&cat, "/track", false);
    let v = values(&r);
    assert!(v.iter().all(|x| x.chars().count() <= 100), "{v:?}");
    let mut d = v.clone();
    d.sort();
    d.dedup();
    assert_eq!(d.len(), 3, "{v:?}");
    // A module card's paging id stays short too, and leads back to the same track.
    let c = &cat.curriculum;
    let m = c.tracks[2].modules[0];
    let id = curriculum_bot::reply::modules::page_id(c, &c.modules[m], 1);
    assert!(id.chars().count() <= 100, "{id}");
    assert_eq!(
        curriculum_bot::reply::modules::parse_page_id(c, &id).map(|x| x.0),
        Some(m)
    );
}

#[test]
fn more_than_25_tracks_page_the_menu_and_every_track_can_be_picked() {
    let dirs: Vec<String> = (1..=60).map(|n| format!("{n:02}-track-{n}")).collect();
    let cat = site(&dirs);
    let (_, r) = ask(&cat, "/track", false);
    assert!(r.to_string().contains("60 learning tracks"), "{r}");
    let mut picked = Vec::new();
    let mut page = r;
    for _ in 0..10 {
        let v = values(&page);
        assert!(v.len() <= 25);
        picked.extend(v.iter().filter(|x| !x.starts_with("~page|")).cloned());
        let Some(more) = v.iter().rfind(|x| x.starts_with("~page|")) else {
            break;
        };
        if picked.len() >= 60 {
            break;
        }
        page = pick(&cat, more);
    }
    picked.sort();
    picked.dedup();
    assert_eq!(picked.len(), 60, "every track reachable: {picked:?}");
}

#[test]
fn a_channel_that_is_not_this_servers_is_refused() {
    let cat = site(&["a".into(), "b".into()]);
    for bad in ["-1", "5"] {
        let (_, r) = ask(&cat, &format!("/track track:b channel:{bad}"), true);
        assert!(
            r.to_string().contains("not a channel of this server"),
            "{bad}: {r}"
        );
    }
}
