//! Autocomplete, "did you mean", the synthetic query set and arbitrary input, through the same
//! snapshot helpers as the ranking tests.

use super::{check_complete, fixture};
use crate::search::{Aliases, Kind, SearchIndex};
use expect_test::expect;

#[test]
fn autocomplete() {
    check_complete(
        "",
        &[Kind::Resource],
        3,
        expect![[r#"
        0.000 resource Docker Compose Handbook
        0.000 resource Docker
        0.000 resource Kubeflow Pipelines Guide
    "#]],
    );
    check_complete(
        "ku",
        &[],
        4,
        expect![[r#"
        2.845 resource Kubeflow Community
        2.840 resource Kubernetes Basics
        2.828 resource Kubeflow Pipelines Guide
    "#]],
    );
    check_complete(
        "kubeflow c",
        &[],
        2,
        expect![[r#"
            3.003 resource Kubeflow Community
            0.564 resource Kubeflow Pipelines Guide
        "#]],
    );
    check_complete(
        "mod",
        &[],
        3,
        expect![[r#"
            2.880 section Model Deployment
            2.850 module Module 3: Model Monitoring and Drift
            0.853 resource Monitoring ML Models
        "#]],
    );
    check_complete(
        "feat",
        &[Kind::Resource],
        3,
        expect![[r#"
        0.570 resource Feast Documentation
    "#]],
    );
    check_complete(
        "kubrnetes",
        &[],
        2,
        expect![[r#"
        0.570 resource Kubernetes Basics
        0.320 resource Kubeflow Pipelines Guide
    "#]],
    );
    check_complete(
        "comm",
        &[],
        3,
        expect![[r#"
            0.864 resource Kubeflow Community
            0.453 resource Docker Compose Handbook
        "#]],
    );
    check_complete(
        "dokc",
        &[],
        2,
        expect![[r#"
        0.520 resource Docker
        0.453 resource Docker Compose Handbook
    "#]],
    );
    check_complete(
        "clo",
        &[],
        3,
        expect![[r#"
        2.843 item Cloud cost basics
        2.841 resource CloudFormation Templates
        0.855 resource Google Cloud Vertex AI
    "#]],
    );
    check_complete(
        "m",
        &[],
        3,
        expect![[r#"
        2.920 section Model Deployment
        2.920 resource Made With ML
        2.903 plan_phase Month 3: Capstone
    "#]],
    );
}

#[test]
fn did_you_mean() {
    let idx = fixture();
    let got: Vec<Option<String>> = [
        "kubernets",
        "dckr",
        "docker",
        "feast dokumentation",
        "qqqqqq",
        "🚀",
    ]
    .iter()
    .map(|q| idx.did_you_mean(q))
    .collect();
    expect![[
        r#"[Some("kubernetes"), Some("Docker"), None, Some("Feast Documentation"), None, None]"#
    ]]
    .assert_eq(&format!("{got:?}"));
}

#[test]
fn synthetic_queries_find_their_answer() {
    use crate::search::synth::{generate, queries, QueryKind};
    let idx = SearchIndex::new(generate(5_000, 7), &Aliases::default());
    let mut misses = Vec::new();
    for q in queries(20, 7) {
        let hits = match q.kind {
            QueryKind::Prefix => idx.complete(&q.text, &[], 3),
            _ => idx.query(&q.text, None, 3),
        };
        // A link under a heading that names the concept answers for it too.
        let ok = hits.iter().any(|h| {
            let d = &idx.docs()[h.doc];
            d.title.to_lowercase().contains(&q.expect)
                || (q.kind == QueryKind::MultiWord && d.heading.to_lowercase().contains(&q.expect))
        });
        if !ok {
            misses.push(q.text);
        }
    }
    assert!(misses.is_empty(), "{misses:?}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(200))]

    /// Whatever is typed, nothing panics and limits hold.
    #[test]
    fn any_input_is_safe(q in "\\PC{0,80}", limit in 0usize..30) {
        let idx = fixture();
        proptest::prop_assert!(idx.query(&q, None, limit).len() <= limit);
        proptest::prop_assert!(idx.complete(&q, &[Kind::Resource], limit).len() <= limit);
        let _ = idx.did_you_mean(&q);
        let (_, diags) = Aliases::parse("a.txt", &q);
        for d in diags {
            proptest::prop_assert_eq!(d.origin.file.as_str(), "a.txt");
        }
    }
}
