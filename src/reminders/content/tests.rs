//! Unit tests of `content`.

use super::*;
use crate::curriculum::{parse, ParseOptions, SourcePage};
use crate::reply::render;
use expect_test::{expect, Expect};

fn curriculum() -> Curriculum {
    let text = include_str!("../../../data/curriculum/mlops-engineering/getting-started.md");
    let pages = [SourcePage {
        path: "getting-started.md".into(),
        text: text.into(),
    }];
    parse(&pages, &ParseOptions::default()).curriculum
}

#[test]
fn every_reminder_carries_its_delivery_identity() {
    for week in [1, 49] {
        for audience in [Audience::Learner, Audience::Group { role: None }] {
            let r = reminder(
                &curriculum(),
                None,
                week,
                None,
                1_800_000_000,
                false,
                audience,
            );
            let ids: Vec<&str> = r.message.components[0]
                .components
                .iter()
                .filter_map(|b| b.custom_id.as_deref())
                .collect();
            assert!(!ids.is_empty(), "week {week}");
            assert!(
                ids.iter().all(|id| is_button_of(id, 1_800_000_000)),
                "{ids:?}"
            );
            assert!(!ids.iter().any(|id| is_button_of(id, 1_800_000_001)));
        }
    }
    assert!(!is_button_of("rem|done|7", 0), "the old form names no slot");
    assert!(
        !is_button_of("rem|done|7|0", 0),
        "a subscription id is no scope"
    );
    assert!(!is_button_of("res|done|dm|0", 0));
    assert!(!is_button_of("rem|done|dm|0|x", 0));
}

fn check(week: u32, pathway: Option<&str>, late: bool, audience: Audience, expect: Expect) {
    let r = reminder(
        &curriculum(),
        None,
        week,
        pathway,
        1_800_000_000,
        late,
        audience,
    );
    let mut s = render::text(&crate::reply::Response::Message(r.message.clone()));
    s.push_str(&format!(
        "complete={} mentions={:?}\n",
        r.complete, r.message.allowed_mentions
    ));
    expect.assert_eq(&s);
}

#[test]
fn weeks_map_to_phases_modules_and_completion() {
    check(
        1,
        Some("devops engineers"),
        false,
        Audience::Learner,
        expect![[r#"
        Your weekly check-in is here.

        ## Week 1 of your learning plan
           The timeline puts you in **Module 1: MLOps Fundamentals** — Core concepts and lifecycle.
           Pathway: **DevOps Engineers** (8-12 months, learning ML lifecycle and model deployment).
           Week 1: Environment Setup and Exploration:
             • Set up development environment with ML and DevOps tools
             • Create accounts on cloud platforms and MLOps services
             • Complete first end-to-end ML pipeline tutorial
             ↳ [MLOps Environment Setup](https://github.com/DataTalksClub/mlops-zoomcamp/blob/main/01-intro/README.md)
             ↳ [Google Colab](https://colab.research.google.com/)
             ↳ [MLflow Quickstart](https://mlflow.org/docs/latest/quickstart.html)

        [Done this week] [Pause] [Unsubscribe]
        complete=false mentions=AllowedMentions { parse: [], roles: [] }
    "#]],
    );
    check(
        3,
        None,
        true,
        Audience::Group { role: Some(42) },
        expect![[r#"
        <@&42> Your weekly check-in is here.

        ## Week 3 of your learning plan
           The timeline puts you in **Module 1: MLOps Fundamentals** — Core concepts and lifecycle.
           This reminder was due <t:1800000000:F>.
           Weeks 2-4: Core Skills Development:
             • Build automated ML training pipelines
             • Practice model deployment and containerization
             • Implement basic monitoring and logging
             ↳ [MLOps Tutorial](https://github.com/GokuMohandas/Made-With-ML)
             ↳ [Docker ML Tutorial](https://docs.docker.com/language/python/)
             ↳ [Kubernetes ML Example](https://github.com/kubeflow/examples)
           — Sent late: the bot was offline when this was due.

        [Done this week] [Pause] [Unsubscribe]
        complete=false mentions=AllowedMentions { parse: [], roles: ["42"] }
    "#]],
    );
    check(
        9,
        None,
        false,
        Audience::Learner,
        expect![[r#"
        Your weekly check-in is here.

        ## Week 9 of your learning plan
           The timeline puts you in **Module 2: ML Pipelines** — Automated training and data pipelines.
           Month 2-3: Advanced Implementation:
             • Build production-grade ML systems with monitoring
             • Implement Infrastructure as Code for ML infrastructure
             • Practice with real-world MLOps scenarios and case studies
             ↳ [Production ML Systems](https://github.com/eugeneyan/applied-ml)
             ↳ [Terraform ML Infrastructure](https://github.com/hashicorp/terraform-provider-aws/tree/main/examples)
             ↳ [MLOps Case Studies](https://ml-ops.org/content/case-studies)

        [Done this week] [Pause] [Unsubscribe]
        complete=false mentions=AllowedMentions { parse: [], roles: [] }
    "#]],
    );
    check(
        20,
        None,
        false,
        Audience::Learner,
        expect![[r#"
        Your weekly check-in is here.

        ## Week 20 of your learning plan
           The timeline puts you in **Module 3: Model Deployment** — Production deployment strategies.
           No action-plan phase covers this week: work through your module's material.

        [Done this week] [Pause] [Unsubscribe]
        complete=false mentions=AllowedMentions { parse: [], roles: [] }
    "#]],
    );
    check(
        49,
        None,
        false,
        Audience::Group { role: None },
        expect![[r#"
            Congratulations on finishing the path!

            ## You've reached the end of the learning path 🎉
               Week 49: every module is behind you. This was the last weekly reminder; subscribe again any time with `/remind subscribe`.

            (Path complete)
            complete=true mentions=AllowedMentions { parse: [], roles: [] }
        "#]],
    );
    assert_eq!(last_week(&curriculum()), 48);
}

#[test]
fn a_module_pages_sections_spread_over_its_weeks() {
    let overview = "# Track\n\n## Learning Path\n- Module 1: [Six Parts](./01-six.md) (8-10 weeks) - Many sections\n- Module 2: [Next](./02-next.md) (2 weeks) - After\n";
    let mut six = String::from("# Module 1: Six Parts\n");
    for i in 1..=6 {
        six.push_str(&format!(
            "\n## Part {i}\n- **Topic {i}**\n  - Work on part {i}\n"
        ));
    }
    let pages = [
        SourcePage {
            path: "overview.md".into(),
            text: overview.into(),
        },
        SourcePage {
            path: "01-six.md".into(),
            text: six,
        },
        SourcePage {
            path: "02-next.md".into(),
            text: "# Module 2: Next\n\n## Only\n- **One**\n  - Done\n".into(),
        },
    ];
    let c = parse(&pages, &ParseOptions::default()).curriculum;
    assert_eq!(c.tracks.len(), 1);
    let m = c.tracks[0].module(&c, 1).expect("module 1");
    let part = |week| section_at_week(&c, 0, m, week).map(|s| c.sections[s].title.clone());
    // 9 weeks on average over 6 sections: a new section every 1.5 weeks.
    let got: Vec<String> = (1..=10).map(|w| part(w).unwrap()).collect();
    assert_eq!(
        got,
        [
            "Part 1", "Part 1", "Part 2", "Part 3", "Part 3", "Part 4", "Part 5", "Part 5",
            "Part 6", "Part 6"
        ]
    );
    // Week 11 starts module 2, whose page has one section.
    let m2 = c.tracks[0].module(&c, 2).expect("module 2");
    assert_eq!(c.tracks[0].module_at_week(&c, 11), Some(m2));
    let s = section_at_week(&c, 0, m2, 11).unwrap();
    assert_eq!(c.sections[s].title, "Only");
    let r = reminder(&c, None, 4, None, 0, false, Audience::Learner);
    let text = render::text(&crate::reply::Response::Message(r.message));
    assert!(
        text.contains("This week in Module 1:\n     **Part 3**"),
        "{text}"
    );
}
