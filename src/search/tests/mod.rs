//! Ranking tests: small hand-written doc sets, every query through one `check` helper that prints
//! the top hits as a snapshot.

use super::{Aliases, Doc, Kind, SearchIndex};
use expect_test::{expect, Expect};

fn doc(kind: Kind, title: &str, body: &str) -> Doc {
    Doc {
        kind,
        title: title.into(),
        body: body.into(),
        section: String::new(),
        url: None,
        target: 0,
        tracks: Vec::new(),
        alt_titles: Vec::new(),
        heading: String::new(),
        context: String::new(),
    }
}

fn fixture() -> SearchIndex {
    use Kind::*;
    let docs = vec![
        doc(
            Resource,
            "Docker Compose Handbook",
            "Multi-container apps docs.docker.com",
        ),
        doc(Resource, "Docker", "The container runtime docker.com"),
        doc(Item, "Use Docker for reproducible training images", ""),
        doc(
            Resource,
            "Kubeflow Pipelines Guide",
            "ML workflows on Kubernetes www.kubeflow.org",
        ),
        doc(
            Resource,
            "Kubeflow Community",
            "Meetings and Slack www.kubeflow.org",
        ),
        doc(Topic, "Container Orchestration", ""),
        doc(
            Resource,
            "Kubernetes Basics",
            "Pods, deployments and services kubernetes.io",
        ),
        doc(
            Resource,
            "K8s Patterns",
            "Reusable elements for cloud-native apps",
        ),
        doc(
            Resource,
            "Google Cloud Vertex AI",
            "GCP managed ML platform cloud.google.com",
        ),
        doc(Item, "Get certified on AWS, Azure or GCP", ""),
        doc(Topic, "Infrastructure as Code Tools", ""),
        doc(
            Resource,
            "Pulumi Tutorial",
            "IaC in general-purpose languages pulumi.com",
        ),
        doc(
            Resource,
            "Terraform Up and Running",
            "Infrastructure as code book",
        ),
        doc(
            Module,
            "Module 3: Model Monitoring and Drift",
            "Watching models in production",
        ),
        doc(
            Pathway,
            "Data Engineers",
            "Stream processing, warehouses and orchestration",
        ),
        doc(
            Pathway,
            "DevOps Engineers",
            "ML lifecycle and model serving",
        ),
        doc(Item, "Software engineering and DevOps basics", ""),
        doc(
            PlanPhase,
            "Weeks 5-8: Feature Stores",
            "Build a feature store with Feast",
        ),
        doc(PlanPhase, "Month 3: Capstone", "Ship one model end to end"),
        doc(
            Resource,
            "Feast Documentation",
            "Open-source feature store feast.dev",
        ),
        doc(
            Resource,
            "Monitoring ML Models",
            "Drift, data quality and alerting evidentlyai.com",
        ),
        doc(Section, "Model Deployment", "Serving"),
        doc(Item, "Deploy models behind a REST API with FastAPI", ""),
        doc(
            Resource,
            "Made With ML",
            "Lessons on ML in production madewithml.com",
        ),
        doc(
            Resource,
            "CloudFormation Templates",
            "AWS infrastructure as code",
        ),
        doc(Item, "Cloud cost basics", ""),
        doc(
            Resource,
            "ML Pipelines in Practice",
            "From notebooks to scheduled jobs",
        ),
        doc(Item, "Build a training pipeline with Airflow", ""),
    ];
    let (aliases, diags) = Aliases::parse(
        "aliases.txt",
        "k8s = Kubernetes\ngcp = Google Cloud\niac = Infrastructure as Code\n",
    );
    assert!(diags.is_empty());
    SearchIndex::new(docs, &aliases)
}

/// Prints the top `k` hits of `q` as `score kind title`.
fn check(q: &str, k: usize, expect: Expect) {
    let idx = fixture();
    expect.assert_eq(&render(&idx, &idx.query(q, None, k)));
}

fn check_complete(prefix: &str, kinds: &[Kind], k: usize, expect: Expect) {
    let idx = fixture();
    expect.assert_eq(&render(&idx, &idx.complete(prefix, kinds, k)));
}

fn render(idx: &SearchIndex, hits: &[super::Hit]) -> String {
    let mut out = String::new();
    for h in hits {
        let d = &idx.docs()[h.doc];
        out.push_str(&format!("{:.3} {} {}\n", h.score, d.kind.as_str(), d.title));
    }
    out
}

#[test]
fn exact_title_beats_prefix_beats_word() {
    check(
        "docker",
        4,
        expect![[r#"
            1.121 resource Docker
            0.767 resource Docker Compose Handbook
            0.519 item Use Docker for reproducible training images
        "#]],
    );
}

#[test]
fn title_beats_body() {
    check(
        "kubernetes",
        4,
        expect![[r#"
            0.791 resource Kubernetes Basics
            0.344 resource Kubeflow Pipelines Guide
        "#]],
    );
}

#[test]
fn typos() {
    check(
        "dokcer",
        2,
        expect![[r#"
            0.762 resource Docker
            0.697 resource Docker Compose Handbook
        "#]],
    );
    check(
        "dockr",
        2,
        expect![[r#"
            0.762 resource Docker
            0.697 resource Docker Compose Handbook
        "#]],
    );
    check(
        "kubeflw",
        2,
        expect![[r#"
            0.726 resource Kubeflow Community
            0.693 resource Kubeflow Pipelines Guide
        "#]],
    );
    check(
        "terrafrom",
        1,
        expect![[r#"
            0.620 resource Terraform Up and Running
        "#]],
    );
    check(
        "MONITORNG",
        2,
        expect![[r#"
            0.653 resource Monitoring ML Models
            0.563 module Module 3: Model Monitoring and Drift
        "#]],
    );
}

#[test]
fn multi_word_prefers_more_words() {
    check(
        "devops engineer",
        3,
        expect![[r#"
            0.643 pathway DevOps Engineers
            0.534 item Software engineering and DevOps basics
            0.255 pathway Data Engineers
        "#]],
    );
    check(
        "model monitoring drift",
        3,
        expect![[r#"
            0.669 module Module 3: Model Monitoring and Drift
            0.587 resource Monitoring ML Models
            0.131 section Model Deployment
        "#]],
    );
    check(
        "feature store feast",
        3,
        expect![[r#"
            0.515 plan_phase Weeks 5-8: Feature Stores
            0.513 resource Feast Documentation
        "#]],
    );
}

#[test]
fn aliases_expand() {
    check(
        "k8s",
        3,
        expect![[r#"
            0.791 resource Kubernetes Basics
            0.761 resource K8s Patterns
            0.344 resource Kubeflow Pipelines Guide
        "#]],
    );
    check(
        "gcp",
        2,
        expect![[r#"
            0.741 resource Google Cloud Vertex AI
            0.500 item Get certified on AWS, Azure or GCP
        "#]],
    );
    check(
        "iac",
        3,
        expect![[r#"
            0.595 topic Infrastructure as Code Tools
            0.451 resource Terraform Up and Running
            0.451 resource CloudFormation Templates
        "#]],
    );
}

#[test]
fn numbers_and_short_words() {
    check(
        "month 3",
        2,
        expect![[r#"
            0.620 plan_phase Month 3: Capstone
            0.235 module Module 3: Model Monitoring and Drift
        "#]],
    );
    check(
        "weeks 5",
        1,
        expect![[r#"
            0.572 plan_phase Weeks 5-8: Feature Stores
        "#]],
    );
    check(
        "ml",
        3,
        expect![[r#"
            0.763 resource Made With ML
            0.729 resource Monitoring ML Models
            0.700 resource ML Pipelines in Practice
        "#]],
    );
}

#[test]
fn stop_words_plurals_and_word_boundaries() {
    check(
        "made with ml",
        2,
        expect![[r#"
            1.056 resource Made With ML
            0.196 resource Monitoring ML Models
        "#]],
    );
    check(
        "cloud",
        3,
        expect![[r#"
            0.741 resource Google Cloud Vertex AI
            0.583 item Cloud cost basics
            0.374 resource K8s Patterns
        "#]],
    );
    check(
        "pipelines",
        2,
        expect![[r#"
            0.729 resource Kubeflow Pipelines Guide
            0.700 resource ML Pipelines in Practice
        "#]],
    );
    check(
        "pipeline",
        2,
        expect![[r#"
            0.719 resource Kubeflow Pipelines Guide
            0.689 resource ML Pipelines in Practice
        "#]],
    );
}

#[test]
fn nothing_and_garbage() {
    check("", 3, expect![[r#""#]]);
    check("🚀🔥 ?!", 3, expect![[r#""#]]);
    check("zzzzqqq", 3, expect![[r#""#]]);
    let idx = fixture();
    let long = "docker ".repeat(900) + &"é".repeat(3000);
    let t = std::time::Instant::now();
    let hits = idx.query(&long, None, 5);
    assert!(!hits.is_empty());
    assert!(t.elapsed().as_millis() < 200);
    assert!(idx.query("docker", None, 0).is_empty());
    assert!(idx.complete(&long, &[], 5).len() <= 5);
}

#[test]
fn kinds_filter() {
    let idx = fixture();
    let hits = idx.query("docker", Some(&[Kind::Item]), 5);
    expect![[r#"
        0.519 item Use Docker for reproducible training images
    "#]]
    .assert_eq(&render(&idx, &hits));
}

mod complete;
