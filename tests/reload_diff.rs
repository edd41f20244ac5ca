//! Reload diffs on a copy of the fixture site in `tests/site`: a module's duration changed, a
//! resource removed, a track added, each compared with a snapshot (`UPDATE_EXPECT=1 cargo test
//! --test reload_diff` to update).

use curriculum_bot::curriculum::diff::diff;
use curriculum_bot::curriculum::version::content_hash;
use curriculum_bot::curriculum::Curriculum;
use curriculum_bot::load::load;
use expect_test::{expect, Expect};
use std::path::{Path, PathBuf};

/// A throwaway copy of tests/site, removed on drop.
struct Copy(PathBuf);

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn site_copy(name: &str) -> Copy {
    let dir = std::env::temp_dir().join(format!("reload-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/site"),
        &dir,
    );
    Copy(dir)
}

fn read(site: &Copy) -> Curriculum {
    load(&site.0.join("docs"), None).expect("loads").curriculum
}

fn edit(site: &Copy, file: &str, from: &str, to: &str) {
    let path = site.0.join("docs").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} holds {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Loads the copy, applies `change`, loads it again and compares the diff with `expect`.
fn check(name: &str, change: impl FnOnce(&Copy), expect: Expect) {
    let site = site_copy(name);
    let old = read(&site);
    change(&site);
    let new = read(&site);
    let d = diff(&old, &new);
    let shown = format!("summary: {}\n{}\n", d.summary(), d.lines().join("\n"));
    expect.assert_eq(&shown);
    // The content hash follows the content: equal when nothing changed, else different.
    assert_eq!(d.is_empty(), content_hash(&old) == content_hash(&new));
}

#[test]
fn nothing_changed() {
    check(
        "same",
        |_| {},
        expect![[r#"
        summary: no changes

    "#]],
    );
}

#[test]
fn a_modules_duration_changed() {
    check(
        "duration",
        |s| {
            edit(
                s,
                "01-data-engineering/getting-started.md",
                "(6-8 weeks)",
                "(5 weeks)",
            );
        },
        expect![[r#"
            summary: data-engineering: ~1 module
            data-engineering: ~ Module 3 duration: 6-8 weeks → 5 weeks
        "#]],
    );
}

#[test]
fn a_resource_removed() {
    check(
        "resource",
        |s| {
            edit(
                s,
                "01-data-engineering/03-streaming.md",
                "    - [Event Streaming Basics](https://stream.example.com/basics) - Topics, partitions, offsets\n",
                "",
            );
        },
        expect![[r#"
            summary: data-engineering: −1 resource
            data-engineering: − resource Event Streaming Basics <https://stream.example.com/basics>
        "#]],
    );
}

#[test]
fn a_track_added() {
    check(
        "track",
        |s| {
            let dir = s.0.join("docs/04-platform-ops");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(
                dir.join("_category_.json"),
                r#"{"label": "Platform Ops", "position": 4}"#,
            )
            .unwrap();
            std::fs::write(
                dir.join("overview.md"),
                "# Platform Ops\n\n## Modules\n\
                 - Module 1: Runbooks (2 weeks) - Write down what you do at 3 am\n\
                 - Module 2: Paging (1-2 weeks) - Alerts that mean something\n\n\
                 ## Resources\n- **Reading**\n  - **Resources:**\n    \
                 - [On-call Field Notes](https://oncall.example.com/notes) - A week of pages\n",
            )
            .unwrap();
        },
        expect![[r#"
            summary: platform-ops: new track
            platform-ops: + track Platform Ops (2 modules)
        "#]],
    );
}

#[test]
fn module_title_focus_page_plan_and_pathway_changes() {
    check(
        "many",
        |s| {
            let f = "01-data-engineering/getting-started.md";
            edit(
                s,
                f,
                "- Queries, joins and modelling",
                "- Queries and joins",
            );
            edit(
                s,
                f,
                "  - Module 4: Career Growth (Ongoing) - Keep building and sharing projects\n",
                "",
            );
            edit(s, f, "Analysts: 6-9 months", "Analysts: 7-9 months");
            edit(
                s,
                f,
                "  - Load a public dataset and answer five questions\n",
                "",
            );
            edit(
                s,
                "02-cloud-security/index.md",
                "- **Week 1: Accounts**",
                "- **Week 1: Sandbox**",
            );
        },
        expect![[r#"
            summary: cloud-security: 2 plan changes; data-engineering: −1 module, ~1 module, 1 plan change, 1 pathway change
            cloud-security: + phase Week 1: Sandbox
            cloud-security: − phase Week 1: Accounts
            data-engineering: ~ Module 1 focus: Queries, joins and modelling → Queries and joins
            data-engineering: − Module 4: Career Growth
            data-engineering: ~ phase Weeks 3-4: First Queries: tasks 1 → 0
            data-engineering: ~ pathway Analysts: 6-9 months, focused on pipelines and modelling → 7-9 months, focused on pipelines and modelling
        "#]],
    );
}
