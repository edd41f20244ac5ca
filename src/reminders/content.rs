//! PURE. What a weekly reminder says: week N's plan phase (tasks and resources), the module the
//! learning-path timeline puts the learner in, the pathway, and buttons; or the completion message
//! after the last module. Everything comes from the curriculum; nothing is specific to the seed.

use crate::curriculum::Curriculum;
use crate::reply::cards::{self, COLOR};
use crate::reply::message::{AllowedMentions, Component, Embed, EmbedField, Footer, Message};

/// Who receives the reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// A learner, by DM.
    Learner,
    /// A study group's channel, mentioning `role` (and only it) when set.
    Group { role: Option<i64> },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub message: Message,
    /// The completion message: the subscription ends after it.
    pub complete: bool,
}

/// The last week of the learning path: the modules' upper durations back to back, or the end of
/// the action plan when modules give no durations.
pub fn last_week(c: &Curriculum) -> u32 {
    let modules = c.total_weeks().map_or(0, |t| t.max);
    let plan = c.plan.iter().map(|p| p.weeks.max).max().unwrap_or(0);
    modules.max(plan).max(1)
}

/// The custom_id of a reminder button: `rem|<action>|<dm or group>|<slot>`. It never names the
/// subscription (the click's channel and user say whose it is; see
/// `reminders::commands::access`). The slot (the unix second the reminder was due) is the
/// delivery's identity within its channel (a user has one DM subscription, a channel one group
/// subscription): a message read back from the channel can be recognized as that delivery's.
pub fn button_id(action: &str, group: bool, due: i64) -> String {
    format!("rem|{action}|{}|{due}", if group { "group" } else { "dm" })
}

/// Whether `custom_id` is a reminder button of the delivery due at `due` (in its channel).
pub fn is_button_of(custom_id: &str, due: i64) -> bool {
    let mut parts = custom_id.split('|');
    let (Some("rem"), Some(_), Some("dm" | "group"), Some(d), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    d.parse() == Ok(due)
}

/// The reminder for plan week `week` of a subscription, due at `due` (unix seconds); `late`
/// reminders say when they were due.
pub fn reminder(
    c: &Curriculum,
    week: u32,
    pathway: Option<&str>,
    due: i64,
    late: bool,
    audience: Audience,
) -> Reminder {
    let group = matches!(audience, Audience::Group { .. });
    let (role_mention, allowed) = match audience {
        Audience::Group { role: Some(r) } => (
            format!("<@&{r}> "),
            AllowedMentions {
                parse: Vec::new(),
                roles: vec![r.to_string()],
            },
        ),
        _ => (String::new(), AllowedMentions::default()),
    };
    let late_note = late.then(|| Footer {
        text: "Sent late: the bot was offline when this was due.".into(),
    });
    let due_line = if late {
        format!(" This reminder was due <t:{due}:F>.")
    } else {
        String::new()
    };
    if week > last_week(c) {
        let embed = Embed {
            title: Some("You've reached the end of the learning path 🎉".into()),
            description: Some(format!(
                "Week {week}: every module is behind you. This was the last weekly reminder; \
                 subscribe again any time with `/remind subscribe`.{due_line}"
            )),
            color: Some(COLOR),
            footer: late_note,
            ..Embed::default()
        };
        let message = Message {
            content: Some(format!(
                "{role_mention}Congratulations on finishing the path!"
            )),
            embeds: vec![embed],
            // Disabled: it only carries the delivery's identity for reconciliation.
            components: vec![Component::row(vec![Component::button(
                2,
                "Path complete",
                &button_id("end", group, due),
                true,
            )])],
            allowed_mentions: allowed,
            ..Message::default()
        };
        return Reminder {
            message: message.within_limits(),
            complete: true,
        };
    }
    let mut lines = Vec::new();
    match c.module_at_week(week) {
        Some(m) => lines.push(format!(
            "The timeline puts you in **Module {}: {}**{}.",
            m.number,
            m.title,
            if m.focus.is_empty() {
                String::new()
            } else {
                format!(" — {}", m.focus)
            }
        )),
        None if c.modules.is_empty() => {}
        None => lines.push("You're past the modules with a duration; keep going!".into()),
    }
    if let Some(p) = pathway.and_then(|p| {
        c.pathways
            .iter()
            .find(|x| x.background.eq_ignore_ascii_case(p))
    }) {
        lines.push(format!(
            "Pathway: **{}** ({} months, {}).",
            p.background, p.months, p.emphasis
        ));
    }
    let mut fields: Vec<EmbedField> = Vec::new();
    match c
        .plan
        .iter()
        .position(|p| p.weeks.min <= week && week <= p.weeks.max)
    {
        Some(i) => fields.push(cards::phase_field(c, i)),
        None => lines.push(
            "No action-plan phase covers this week: work through your module's material.".into(),
        ),
    }
    lines.push(due_line.trim().to_string());
    let embed = Embed {
        title: Some(format!("Week {week} of your learning plan")),
        description: Some(lines.join("\n").trim().to_string()),
        fields,
        footer: late_note,
        color: Some(COLOR),
        ..Embed::default()
    };
    let message = Message {
        content: Some(format!("{role_mention}Your weekly check-in is here.")),
        embeds: vec![embed],
        components: vec![Component::row(vec![
            Component::button(3, "Done this week", &button_id("done", group, due), false),
            Component::button(2, "Pause", &button_id("pause", group, due), false),
            Component::button(4, "Unsubscribe", &button_id("unsub", group, due), false),
        ])],
        allowed_mentions: allowed,
        ..Message::default()
    };
    Reminder {
        message: message.within_limits(),
        complete: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::{parse, ParseOptions, SourcePage};
    use crate::reply::render;
    use expect_test::{expect, Expect};

    fn curriculum() -> Curriculum {
        let text = include_str!("../../data/curriculum/mlops-engineering/getting-started.md");
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
                let r = reminder(&curriculum(), week, None, 1_800_000_000, false, audience);
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
        let r = reminder(&curriculum(), week, pathway, 1_800_000_000, late, audience);
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
}
