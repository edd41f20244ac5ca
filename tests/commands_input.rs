//! Odd and hostile input to the slash commands through the one handler: empty, over-long,
//! control characters, wrong types and mass mentions in options, autocomplete within Discord's
//! limits, hand-made paging buttons, and unknown subcommands.

mod commands_kit;

use commands_kit::{ask_line, run};
use curriculum_bot::reply::interaction::{CommandOption, Interaction, InteractionData};
use curriculum_bot::reply::{render, Response};
use serde_json::json;

fn with_option(name: &str, option: &str, value: serde_json::Value) -> Interaction {
    let mut i = ask_line("/help", false);
    i.data = Some(InteractionData {
        name: Some(name.into()),
        options: vec![CommandOption {
            name: option.into(),
            kind: 3,
            value: Some(value),
            options: vec![],
            focused: None,
        }],
        ..Default::default()
    });
    i
}

#[test]
fn bad_input_gets_a_clear_ephemeral_answer() {
    let long = "x".repeat(6000);
    let cases: Vec<(&str, &str, serde_json::Value, &str)> = vec![
        ("resource", "query", json!(""), "empty"),
        ("resource", "query", json!("   \u{0}\u{7}  "), "empty"),
        ("resource", "query", json!(long), "6000 characters"),
        ("search", "topic", json!("مرحبا بالعالم"), "Nothing close"),
        ("search", "topic", json!("🚀🔥🚀"), "Nothing close"),
        ("search", "topic", json!("@everyone"), "Nothing close"),
        (
            "module",
            "module",
            json!("Underwater Basket Weaving"),
            "No module",
        ),
        ("resource", "query", json!(true), "must be text"),
        ("resource", "query", json!({"x": 1}), "must be text"),
        ("frobnicate", "x", json!("y"), "don't know the command"),
    ];
    for (cmd, opt, value, expect) in cases {
        let (r, failed) = run(&with_option(cmd, opt, value.clone()));
        let m = r
            .message()
            .unwrap_or_else(|| panic!("{cmd} {value}: {r:?}"));
        let text = m.content.clone().unwrap_or_default();
        assert!(failed, "{cmd} {value}");
        assert!(m.is_ephemeral(), "{cmd} {value}");
        assert!(text.contains(expect), "{cmd} {value}: {text}");
        assert!(!text.contains("@everyone"), "mass mention escaped: {text}");
        assert!(m.allowed_mentions.parse.is_empty() && m.allowed_mentions.roles.is_empty());
        assert!(text.chars().count() <= 2000);
    }
}

#[test]
fn control_characters_are_cleaned_before_searching() {
    let (r, failed) = run(&with_option(
        "resource",
        "query",
        json!("\u{7}mlflow\u{0}\n\t"),
    ));
    // Control characters and stray whitespace are dropped, so this still finds MLflow.
    assert!(!failed, "{}", render::text(&r));
    assert!(render::text(&r).contains("MLflow"));
}

#[test]
fn autocomplete_answers_within_limits() {
    for (cmd, typed) in [
        ("resource", ""),
        ("resource", "d"),
        ("resource", "kub"),
        ("module", "mon"),
        ("search", "x".repeat(300).as_str()),
    ] {
        let mut i = with_option(
            cmd,
            if cmd == "resource" { "query" } else { "module" },
            json!(typed),
        );
        i.kind = 4;
        if let Some(d) = i.data.as_mut() {
            d.options[0].focused = Some(true);
        }
        let (r, _) = run(&i);
        let Response::Autocomplete { choices } = r else {
            panic!("{r:?}")
        };
        assert!(choices.len() <= 25);
        // Never two identical choices (issue 15).
        let names: std::collections::HashSet<String> =
            choices.iter().map(|c| c.name.to_lowercase()).collect();
        assert_eq!(names.len(), choices.len(), "{choices:?}");
        for c in &choices {
            assert!(
                (1..=100).contains(&c.name.chars().count())
                    && (1..=100).contains(&c.value.chars().count())
            );
        }
        if typed == "kub" {
            assert!(
                choices.iter().any(|c| c.name.contains("Kubeflow")),
                "{choices:?}"
            );
        }
        if typed.is_empty() {
            assert_eq!(choices.len(), 25);
        }
    }
}

fn click(custom_id: &str) -> Interaction {
    Interaction {
        kind: 3,
        data: Some(InteractionData {
            custom_id: Some(custom_id.into()),
            component_type: Some(2),
            ..Default::default()
        }),
        ..ask_line("/help", false)
    }
}

fn custom_ids(r: &Response) -> Vec<String> {
    r.message()
        .map(|m| &m.components)
        .into_iter()
        .flatten()
        .flat_map(|row| &row.components)
        .filter_map(|b| b.custom_id.clone())
        .collect()
}

#[test]
fn paging_button_queries_are_cleaned_and_capped_like_typed_ones() {
    // NUL and a right-to-left override in a (hand-made) button: they don't reach new buttons.
    let (r, failed) = run(&click("res|0|ml\u{0}\u{202E}"));
    assert!(!failed, "{}", render::text(&r));
    let ids = custom_ids(&r);
    assert_eq!(ids.len(), 2, "{r:?}");
    for id in &ids {
        assert!(
            !id.chars()
                .any(|c| c.is_control() || ('\u{202A}'..='\u{202E}').contains(&c)),
            "{id:?}"
        );
    }
    assert_eq!(ids[1], "res|1|-|ml");
    // Longer than a typed query may be: refused like an expired button, nothing searched.
    let (r, failed) = run(&click(&format!("res|0|{}", "ml ".repeat(100))));
    assert!(failed && render::text(&r).contains("expired"), "{r:?}");
    // A long query still yields ids within Discord's 100 characters.
    let c = &commands_kit::catalog().curriculum;
    let id = curriculum_bot::reply::handle::page_id(c, None, 12, &"é".repeat(200));
    assert_eq!(id.chars().count(), 100, "{id}");
    let (r, _) = run(&click(&format!("res|1|{}", "ml ".repeat(40))));
    let ids = custom_ids(&r);
    assert!(!ids.is_empty() && ids.iter().all(|id| id.chars().count() <= 100));
}

#[test]
fn unknown_curriculum_subcommands_are_escaped() {
    let (r, failed) = run(&with_option(
        "curriculum",
        "[x](https://evil.example)@everyone",
        json!("y"),
    ));
    let text = render::text(&r);
    assert!(failed, "{text}");
    assert!(text.contains("\\[x\\]\\(https://evil.example\\)"), "{text}");
    assert!(!text.contains("@everyone"), "{text}");
}
