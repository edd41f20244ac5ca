//! Slash commands through the one handler, data-driven: each case is an `ask` line and the reply
//! rendered as text (`UPDATE_EXPECT=1 cargo test --test commands` to update the snapshots).
//! Odd and hostile input is in commands_input.rs; the shared helpers are in commands_kit.

mod commands_kit;

use commands_kit::{app, ask_line, catalog, run};
use curriculum_bot::reply::interaction::{Interaction, InteractionData};
use curriculum_bot::reply::{render, Response};
use expect_test::{expect, Expect};

fn check(line: &str, expect: Expect) {
    let (r, failed) = run(&ask_line(line, false));
    let mut s = render::text(&r);
    if failed {
        s.insert_str(0, "[failed] ");
    }
    expect.assert_eq(&s);
}

#[test]
fn module_without_option_lists_all_with_total() {
    check(
        "/module",
        expect![[r#"

            ## Learning path modules
               https://chasingcloudcareers.com/docs/mlops-engineering/getting-started
               [Module 1: MLOps Fundamentals](https://chasingcloudcareers.com/docs/mlops-engineering/mlops-fundamentals) · 6-8 weeks — Core concepts and lifecycle
               [Module 2: ML Pipelines](https://chasingcloudcareers.com/docs/mlops-engineering/ml-pipelines) · 8-10 weeks — Automated training and data pipelines
               [Module 3: Model Deployment](https://chasingcloudcareers.com/docs/mlops-engineering/model-deployment) · 8-10 weeks — Production deployment strategies
               **Module 4: Monitoring and Observability** · 6-8 weeks — ML system monitoring
               **Module 5: Infrastructure Automation** · 10-12 weeks — Scalable ML infrastructure
               — Total: 38-48 weeks
        "#]],
    );
}

#[test]
fn lookups() {
    check(
        "/resource mlflow",
        expect![[r#"
        Resources for “mlflow” — 2 matches

        ## MLflow Documentation
           https://mlflow.org/docs/latest/index.html
           ML lifecycle management
           *Professional Development Resources › MLOps Tools and Platforms*

        ## MLflow Quickstart
           https://mlflow.org/docs/latest/quickstart.html
           First MLOps project
           *Getting Started Action Plan › Week 1: Environment Setup and Exploration*
    "#]],
    );
    check(
        "/resource k8s",
        expect![[r#"
            Resources for “k8s” — 5 matches

            ## Kubernetes for ML Workloads
               https://kubernetes.io/docs/concepts/workloads/
               K8s ML applications
               *Essential Tools and Technologies › Container and Orchestration Platforms*

            ## Kubernetes ML Example
               https://github.com/kubeflow/examples
               ML on Kubernetes
               *Getting Started Action Plan › Weeks 2-4: Core Skills Development*

            ## Helm Documentation
               https://helm.sh/docs/
               Kubernetes package manager
               *Essential Tools and Technologies › Container and Orchestration Platforms*

            ## Kubeflow Documentation
               https://www.kubeflow.org/docs/
               ML workflows on Kubernetes
               *Professional Development Resources › MLOps Tools and Platforms*

            ## Kubeflow Community
               https://www.kubeflow.org/docs/about/community/
               K8s ML community
               *Community and Professional Networks › MLOps Communities and Events*
        "#]],
    );
    check(
        "/resource production ml systems",
        expect![[r#"
            Resources for “production ml systems” — 4 matches

            ## Production ML Systems
               https://github.com/eugeneyan/applied-ml
               Real-world ML applications
               *Getting Started Action Plan › Month 2-3: Advanced Implementation*
               — Also listed: Production ML Systems (Success Metrics and Career Progression)

            ## Production ML Systems
               https://developers.google.com/machine-learning/guides/rules-of-ml
               Google's ML engineering rules
               *Success Metrics and Career Progression › Technical Competency Milestones*
               — Also listed: Production ML Systems (Getting Started Action Plan)

            ## Full Stack Deep Learning
               https://fullstackdeeplearning.com/
               Production ML systems
               *Learning Path Structure › Personalized Learning Pathways*

            ## ML at Scale - Uber
               https://eng.uber.com/michelangelo-machine-learning-platform/
               Production ML platform
               *Industry Applications and Use Cases › MLOps in Different Industries*
        "#]],
    );
    check(
        "/search kubeflw",
        expect![[r#"

            ## Search: kubeflw
               [Kubeflow Documentation](https://www.kubeflow.org/docs/) · resource · *Professional Development Resources › MLOps Tools and Platforms*
               [Kubeflow Community](https://www.kubeflow.org/docs/about/community/) · resource · *Community and Professional Networks › MLOps Communities and Events*
               [Kubeflow for ML workflows on Kubernetes](https://chasingcloudcareers.com/docs/mlops-engineering/getting-started#professional-development-resources) · item · *Getting Started with MLOps Engineering › Professional Development Resources › MLOps Tools and Platforms*
        "#]],
    );
    check(
        "/search dokcer",
        expect![[r#"

            ## Search: dokcer
               [Docker for ML](https://docs.docker.com/get-started/) · resource · *Essential Tools and Technologies › Container and Orchestration Platforms*
               [Docker ML Tutorial](https://docs.docker.com/language/python/) · resource · *Getting Started Action Plan › Weeks 2-4: Core Skills Development*
               [Docker for ML model containerization](https://chasingcloudcareers.com/docs/mlops-engineering/getting-started#essential-tools-and-technologies) · item · *Getting Started with MLOps Engineering › Essential Tools and Technologies › Container and Orchestration Platforms*
        "#]],
    );
    check(
        "/search zzqqxv",
        expect![[r#"
        [failed] (only you can see this)
        Nothing close to “zzqqxv” in the curriculum.
    "#]],
    );
    check(
        "/module 2",
        expect![[r#"

            ## Module 2: ML Pipelines
               https://chasingcloudcareers.com/docs/mlops-engineering/ml-pipelines
               Duration:
                 8-10 weeks
               Focus:
                 Automated training and data pipelines
               Resources:
                 • [Module 2: ML Pipelines](https://chasingcloudcareers.com/docs/mlops-engineering/ml-pipelines)
                 • [Building Machine Learning Pipelines](https://www.oreilly.com/library/view/building-machine-learning/9781492053187/)
        "#]],
    );
    check(
        "/module monitoring",
        expect![[r#"

            ## Module 4: Monitoring and Observability
               https://chasingcloudcareers.com/docs/mlops-engineering/getting-started
               No page of its own yet; the overview says:
               > Module 4: Monitoring and Observability (6-8 weeks) - ML system monitoring
               Duration:
                 6-8 weeks
               Focus:
                 ML system monitoring
        "#]],
    );
    check(
        "/module 99",
        expect![[r#"
            [failed] (only you can see this)
            No module “99” in MLOps Engineering. Modules: 1 (MLOps Fundamentals), 2 (ML Pipelines), 3 (Model Deployment), 4 (Monitoring and Observability), 5 (Infrastructure Automation).
        "#]],
    );
    check(
        "/path DevOps Engineers",
        expect![[r#"

            ## Pathway for DevOps Engineers
               **8-12 months**, learning ML lifecycle and model deployment
               Modules, in order:
                 1. [MLOps Fundamentals](https://chasingcloudcareers.com/docs/mlops-engineering/mlops-fundamentals) (6-8 weeks)
                 2. [ML Pipelines](https://chasingcloudcareers.com/docs/mlops-engineering/ml-pipelines) (8-10 weeks)
                 3. [Model Deployment](https://chasingcloudcareers.com/docs/mlops-engineering/model-deployment) (8-10 weeks)
                 4. [Monitoring and Observability](https://chasingcloudcareers.com/docs/mlops-engineering/getting-started) (6-8 weeks)
                 5. [Infrastructure Automation](https://chasingcloudcareers.com/docs/mlops-engineering/getting-started) (10-12 weeks)
        "#]],
    );
    check(
        "/path Astronauts",
        expect![[r#"
            [failed] (only you can see this)
            No pathway called “Astronauts” in MLOps Engineering. Choose one of: Software Engineers, Data Scientists, DevOps Engineers.
        "#]],
    );
    check(
        "/plan",
        expect![[r#"

        ## Getting Started Action Plan
           Week 1: Environment Setup and Exploration:
             • Set up development environment with ML and DevOps tools
             • Create accounts on cloud platforms and MLOps services
             • Complete first end-to-end ML pipeline tutorial
             ↳ [MLOps Environment Setup](https://github.com/DataTalksClub/mlops-zoomcamp/blob/main/01-intro/README.md)
             ↳ [Google Colab](https://colab.research.google.com/)
             ↳ [MLflow Quickstart](https://mlflow.org/docs/latest/quickstart.html)
           Weeks 2-4: Core Skills Development:
             • Build automated ML training pipelines
             • Practice model deployment and containerization
             • Implement basic monitoring and logging
             ↳ [MLOps Tutorial](https://github.com/GokuMohandas/Made-With-ML)
             ↳ [Docker ML Tutorial](https://docs.docker.com/language/python/)
             ↳ [Kubernetes ML Example](https://github.com/kubeflow/examples)
           Month 2-3: Advanced Implementation:
             • Build production-grade ML systems with monitoring
             • Implement Infrastructure as Code for ML infrastructure
             • Practice with real-world MLOps scenarios and case studies
             ↳ [Production ML Systems](https://github.com/eugeneyan/applied-ml)
             ↳ [Terraform ML Infrastructure](https://github.com/hashicorp/terraform-provider-aws/tree/main/examples)
             ↳ [MLOps Case Studies](https://ml-ops.org/content/case-studies)
    "#]],
    );
    check(
        "/help",
        expect![[r#"

            ## Getting Started with MLOps Engineering — commands
               `/resource query` — Find a learning resource
               `/search topic` — Fuzzy search over the whole curriculum
               `/module [module]` — A module card, or all modules
               `/path background` — The learning pathway for your background
               `/plan` — The getting-started action plan
               `/track [channel]` — The learning tracks: pick yours (moderators: tie a channel to one)
               `/help` — What this bot can do
               `/roadmap` — The track's timeline as a picture, with your week marked
               `/remind subscribe [day] [time] [timezone] [pathway] [start_week] [channel] [role]` — Get a weekly reminder of where you are in the plan
               `/remind status [channel]` — Show your reminder subscription
               `/remind pause [channel]` — Pause your reminders
               `/remind resume [channel]` — Resume your reminders
               `/remind unsubscribe [channel]` — Stop your reminders
               `/remind skip [channel]` — Skip the next week's reminder
               `/remind week number [channel]` — Set the plan week you are in
               `/remind preview [channel]` — Show this week's reminder now
               `/progress me` — Your weeks checked in, streak and roadmap
               `/progress group [channel]` — A study group's check-ins per week
               `/progress done` — Check in for this week without a reminder
               `/progress forget` — Delete all your check-ins
               `/pin module module` — Post and pin a module card
               `/pin list` — This server's pinned cards and whether each is current
               `/report` — Searches that found nothing (moderators)
               `/curriculum reload [force] [rename]` — Reload the curriculum from disk
               `/curriculum validate` — Check the curriculum for problems

               Tracks: MLOps Engineering
               Add `track:` to a command to use another track.

               Loaded: 1 pages, 9 sections, 17 topics, 51 resources, 5 modules, 3 pathways, 3 plan phases
        "#]],
    );
    check(
        "/pin module 1",
        expect![[r#"
        [failed] (only you can see this)
        Only moderators with **Manage Messages** can pin module cards.
    "#]],
    );
}

#[test]
fn paging_buttons_carry_their_state() {
    let (r, _) = run(&ask_line("/resource ml", false));
    let m = r.message().unwrap();
    assert_eq!(m.embeds.len(), 5);
    let next = m.components[0].components[1].custom_id.clone().unwrap();
    // The page and the track the command answered from travel with the query.
    let slug = &catalog().curriculum.tracks[0].slug;
    assert_eq!(next, format!("res|1|{slug}|ml"));
    let click = Interaction {
        kind: 3,
        data: Some(InteractionData {
            custom_id: Some(next),
            component_type: Some(2),
            ..Default::default()
        }),
        ..ask_line("/help", false)
    };
    let (r2, _) = run(&click);
    let Response::Update(m2) = r2 else {
        panic!("a click edits the message: {r2:?}")
    };
    assert!(
        m2.content.as_deref().unwrap().contains("page 2 of"),
        "{:?}",
        m2.content
    );
    assert_ne!(m2.embeds[0].title, m.embeds[0].title);
    assert_eq!(
        m2.components[0].components[0].disabled, None,
        "Previous is enabled on page 2"
    );
}

#[test]
fn moderators_pin_members_do_not() {
    let (r, failed) = run(&ask_line("/pin module 1", true));
    assert!(!failed);
    assert!(render::text(&r).contains("Pinned Module 1"));
    let (r, failed) = run(&ask_line("/pin module 1", false));
    assert!(failed && r.message().unwrap().is_ephemeral());
    let mut no_perm = ask_line("/pin module 1", true);
    no_perm.app_permissions = Some((2048 | 16384).to_string());
    let (r, failed) = run(&no_perm);
    assert!(
        failed && render::text(&r).contains("I can't pin here"),
        "{}",
        render::text(&r)
    );
}

#[test]
fn zero_result_searches_are_counted_per_guild_for_the_report() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let app = app().await;
        for q in ["quantum basket", "Quantum  Basket", "zzqqxv", "mlflow"] {
            app.handle(&ask_line(&format!("/search {q}"), false)).await;
        }
        let member = app.handle(&ask_line("/report", false)).await;
        assert!(member.failed, "members can't see the report");
        let report = app.handle(&ask_line("/report", true)).await;
        let text = render::text(&report.response);
        assert!(text.contains("“quantum basket” — 2×"), "{text}");
        assert!(text.contains("“zzqqxv” — 1×"), "{text}");
        assert!(
            !text.contains("mlflow"),
            "found searches are not misses: {text}"
        );
        let mut other_guild = ask_line("/report", true);
        other_guild.guild_id = Some("999".into());
        let text = render::text(&app.handle(&other_guild).await.response);
        assert!(text.contains("Nothing to report"), "per guild: {text}");
    });
}
