//! Unit tests of `message`.

use super::*;

#[test]
fn limits_and_escaping() {
    assert_eq!(truncate("abcdef", 4), "abc…");
    assert_eq!(truncate("ab", 4), "ab");
    assert_eq!(escape("@everyone *x*"), "@\u{200b}everyone \\*x\\*");
    let big = Embed {
        title: Some("t".repeat(300)),
        description: Some("d".repeat(5000)),
        fields: (0..30)
            .map(|i| EmbedField {
                name: format!("f{i}"),
                value: "v".repeat(2000),
                inline: false,
            })
            .collect(),
        ..Embed::default()
    };
    let m = Message {
        embeds: vec![big.clone(), big],
        ..Message::default()
    }
    .within_limits();
    let total: usize = m.embeds.iter().map(Embed::chars).sum();
    assert!(total <= EMBEDS_TOTAL_MAX, "{total}");
    let e = &m.embeds[0];
    assert!(e.title.as_ref().unwrap().ends_with('…'));
    assert!(e.fields.len() <= EMBED_FIELDS_MAX);
    assert!(e
        .fields
        .iter()
        .all(|f| f.value.chars().count() <= FIELD_VALUE_MAX));
    let c = Choice::new(&"x".repeat(150), "");
    assert_eq!(c.name.chars().count(), 100);
    assert_eq!(Response::Pong.to_json(), serde_json::json!({"type": 1}));
}

#[test]
fn select_descriptions_are_cut_at_a_word_boundary() {
    let long = "Ship and run machine learning systems in production with monitoring, \
                retraining, rollbacks and everything that comes after";
    let cut = super::truncate_words(long, 100);
    assert!(cut.chars().count() <= 100, "{cut}");
    assert!(
        cut.ends_with("rollbacks…") || cut.ends_with("and…"),
        "{cut}"
    );
    assert!(long.starts_with(cut.trim_end_matches('…')), "{cut}");
    // One long word: cut inside it rather than return nothing.
    assert_eq!(
        super::truncate_words(&"x".repeat(120), 10).chars().count(),
        10
    );
}
