//! Bad pages never panic and never take good pages down: each gives a `file:line` diagnostic and
//! the rest of the folder still loads.

use curriculum_bot::curriculum::{parse, ParseOptions, Parsed, Severity, SourcePage};
use curriculum_bot::load::load;
use std::path::PathBuf;
use std::time::Instant;

const GOOD: &str = "## Tools\n- **Containers**\n  - Docker basics\n  - **Resources:**\n    - [Docker Docs](https://docs.docker.com) - Containers\n";

fn folder(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cb-bad-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    for (f, bytes) in files {
        std::fs::write(d.join(f), bytes).unwrap();
    }
    d
}

fn errors(p: &Parsed) -> Vec<String> {
    p.check()
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.to_string())
        .collect()
}

fn one(text: &str) -> Parsed {
    parse(
        &[SourcePage {
            path: "p.md".into(),
            text: text.into(),
        }],
        &ParseOptions::default(),
    )
}

#[test]
fn binary_and_non_utf8_pages_are_reported_and_the_good_page_survives() {
    let d = folder(
        "binary",
        &[
            ("a-good.md", GOOD.as_bytes()),
            ("b-bin.md", b"\x00\x01\x02PNG"),
            ("c-latin1.md", b"caf\xe9 ## x"),
        ],
    );
    let p = load(&d, None).unwrap();
    assert_eq!(p.curriculum.resources.len(), 1, "the good page still loads");
    let errs = errors(&p);
    assert!(
        errs.iter()
            .any(|e| e.contains("b-bin.md:1") && e.contains("binary")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("c-latin1.md:1") && e.contains("UTF-8")),
        "{errs:?}"
    );
}

#[test]
fn empty_and_front_matter_only_pages_load_as_empty() {
    let d = folder(
        "empty",
        &[
            ("empty.md", b""),
            ("fm.md", b"---\nsidebar_position: 1\ntitle: Only\n---\n"),
        ],
    );
    let p = load(&d, None).unwrap();
    assert!(errors(&p).is_empty(), "{:?}", errors(&p));
    assert_eq!(p.curriculum.pages.len(), 2);
    assert_eq!(
        p.curriculum.pages[0].title, "Only",
        "ordered by sidebar_position, titled by front matter"
    );
    assert!(p.curriculum.resources.is_empty());
}

#[test]
fn an_empty_folder_and_a_missing_path_are_clear_errors() {
    let d = folder("none", &[]);
    assert!(load(&d, None)
        .unwrap_err()
        .to_string()
        .contains("holds no .md pages"));
    let e = load(&d.join("missing.md"), None).unwrap_err().to_string();
    assert!(e.contains("does not exist"), "{e}");
}

#[test]
fn a_five_megabyte_page_parses_quickly() {
    let mut text = String::from("## Big\n");
    let mut n = 0;
    while text.len() < 5 * 1024 * 1024 {
        text.push_str(&format!("- **Topic {n}**\n  - item {n} about kubernetes\n  - **Resources:**\n    - [Res {n}](https://example.org/{n}) - desc {n}\n"));
        n += 1;
    }
    let start = Instant::now();
    let p = one(&text);
    assert_eq!(p.curriculum.resources.len(), n);
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
}

#[test]
fn deeply_nested_lists_do_not_overflow_the_stack() {
    let mut text = String::from("## Deep\n");
    for depth in 0..3000 {
        text.push_str(&"  ".repeat(depth));
        text.push_str("- **level**\n");
    }
    text.push_str(&"  ".repeat(3000));
    text.push_str("- [Bottom](https://example.org) - found\n");
    let handle = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(move || one(&text))
        .unwrap();
    let p = handle.join().expect("no stack overflow");
    assert!(p.curriculum.sections.len() == 1);
}

#[test]
fn broken_links_and_resource_lines_name_file_and_line() {
    let p = one("## S\n- **T**\n  - **Resources:**\n    - [No url]() - x\n    - [Script](javascript:alert(1)) - x\n    - just text\n    - [Fine](./missing.md) - page\n");
    let all: Vec<String> = p.check().iter().map(|d| d.to_string()).collect();
    assert!(
        all.iter()
            .any(|d| d.starts_with("p.md:4: error") && d.contains("no URL")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|d| d.starts_with("p.md:5: error") && d.contains("unsupported scheme")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|d| d.starts_with("p.md:6: error") && d.contains("no link")),
        "{all:?}"
    );
    assert!(
        all.iter()
            .any(|d| d.starts_with("p.md:7: warning") && d.contains("missing.md")),
        "{all:?}"
    );
    assert_eq!(p.curriculum.resources.len(), 1, "the good line is kept");
    assert_eq!(
        p.curriculum.items.len(),
        1,
        "the link-less line is kept as an item"
    );
}

#[test]
fn arbitrary_bytes_never_panic() {
    let mut seed = 0x2545F4914F6CDD1Du64;
    for _ in 0..300 {
        let len = (seed % 400) as usize;
        let mut s = String::new();
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let pick = b"-*[]()#: \n\t1234567890abcMWeksonth`>!_|-";
            s.push(pick[(seed % pick.len() as u64) as usize] as char);
        }
        let _ = one(&s).check();
    }
}

/// Issue 11 item 1: a resource line repeated 5,000 times is one resource with no warnings.
#[test]
fn five_thousand_identical_resource_lines_are_one_resource() {
    let mut text = String::from("## Tools\n- **Containers**\n  - **Resources:**\n");
    for _ in 0..5000 {
        text.push_str("    - [Docker Docs](https://docs.docker.com) - Containers\n");
    }
    let p = one(&text);
    assert_eq!(p.curriculum.resources.len(), 1);
    assert!(p.check().is_empty(), "{:?}", p.check());
}

/// Issue 11 item 1: one diagnostic per group of same-title resources, with its count.
#[test]
fn five_thousand_same_titles_give_one_note_with_a_count() {
    let mut text = String::from("## Tools\n- **Containers**\n  - **Resources:**\n");
    for i in 0..5000 {
        text.push_str(&format!(
            "    - [Docker Docs](https://docs.docker.com/{i}) - Containers\n"
        ));
    }
    let p = one(&text);
    assert_eq!(p.curriculum.resources.len(), 5000);
    let diags = p.check();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].message.contains("names 5000 resources"),
        "{}",
        diags[0]
    );
    assert!(p
        .curriculum
        .resources
        .iter()
        .all(|r| r.duplicates.len() <= 8));
}

/// Issue 11 item 1: a page of a million links is read up to a bound and reported once.
#[test]
fn a_million_links_are_bounded_and_reported_once() {
    use curriculum_bot::curriculum::Severity;
    let mut text = String::from("## Links\n");
    for i in 0..1_000_000 {
        text.push_str(&format!("- [a](https://x.org/{i})\n"));
    }
    let p = one(&text);
    let n = p.curriculum.resources.len();
    assert!(n < 1_000_000 && n > 100_000, "{n} resources kept");
    let errs: Vec<_> = p
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert!(
        errs[0].message.contains("the rest of it is not read"),
        "{}",
        errs[0]
    );
}

/// Issue 11 item 1: broken links to one page are one diagnostic with a count.
#[test]
fn many_links_to_one_missing_page_are_one_warning() {
    let mut text = String::from("## Links\n");
    for _ in 0..3000 {
        text.push_str("See [there](./missing.md) for more.\n\n");
    }
    let diags = one(&text).check();
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0].message.contains("3000 links to it"),
        "{}",
        diags[0]
    );
}

/// Issue 11 item 6: a symlink to /dev/zero, a FIFO named x.md and a symlink out of the folder
/// are refused with a diagnostic; the good page still loads.
#[cfg(unix)]
#[test]
fn the_loader_reads_only_regular_files_inside_the_folder() {
    let outside = folder(
        "outside",
        &[("secret.md", b"## Secret\n- **S**\n  - leaked item\n")],
    );
    let d = folder("fs", &[("good.md", GOOD.as_bytes())]);
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.md")).unwrap();
    std::os::unix::fs::symlink(outside.join("secret.md"), d.join("escape.md")).unwrap();
    std::os::unix::fs::symlink(&outside, d.join("escaped-dir")).unwrap();
    let fifo = d.join("x.md");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let p = load(&d, None).unwrap();
    assert_eq!(
        p.curriculum.pages.len(),
        1,
        "only good.md: {:?}",
        p.curriculum.pages
    );
    let msgs: Vec<String> = p.diagnostics.iter().map(|d| d.to_string()).collect();
    let about = |name: &str, what: &str| {
        assert!(
            msgs.iter().any(|m| m.contains(name) && m.contains(what)),
            "{name}: {msgs:?}"
        )
    };
    about("zero.md", "outside the curriculum folder");
    about("escape.md", "outside the curriculum folder");
    about("escaped-dir", "outside the curriculum folder");
    about("x.md", "not a regular file");
    assert!(p.curriculum.items.iter().all(|i| i.text != "leaked item"));
}

/// Issue 11 item 6: the size limit holds while reading, whatever the metadata says.
#[test]
fn an_oversized_page_is_refused() {
    let big = vec![b'a'; (curriculum_bot::load::MAX_PAGE_BYTES + 10) as usize];
    let d = folder("big", &[("good.md", GOOD.as_bytes()), ("big.md", &big)]);
    let p = load(&d, None).unwrap();
    assert_eq!(p.curriculum.pages.len(), 1);
    assert!(p
        .diagnostics
        .iter()
        .any(|d| d.message.contains("more than the")));
}

/// Issue 11 item 7: a file name with a newline can't forge a line of `check`'s output.
#[test]
fn control_characters_in_file_names_are_escaped() {
    let d = folder("ctl", &[("evil\nok: 999 pages.md", b"\x00binary")]);
    let p = load(&d, None).unwrap();
    let shown: Vec<String> = p.check().iter().map(|d| d.to_string()).collect();
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        !shown[0].contains('\n') && shown[0].contains("evil\\nok: 999 pages.md"),
        "{}",
        shown[0]
    );
}

/// Issue 11 item 7: every mode refuses to start on a curriculum with no usable page.
#[test]
fn an_unusable_curriculum_fails_to_load_with_the_reason() {
    let d = folder("unusable", &[("only.md", b"\x00\x01binary")]);
    let settings = curriculum_bot::config::Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some("/nonexistent/aliases.txt".into()),
        _ => None,
    })
    .unwrap();
    let e = curriculum_bot::load::load_catalog(&d, &settings)
        .err()
        .expect("refused")
        .to_string();
    assert!(e.contains("no usable page") && e.contains("binary"), "{e}");
}

/// A `_category_.json` that isn't JSON is a warning naming the file; the track still loads.
#[test]
fn a_bad_category_file_is_reported_and_the_track_loads() {
    let d = folder("cat", &[]);
    std::fs::create_dir_all(d.join("02-ops")).unwrap();
    std::fs::write(d.join("02-ops/_category_.json"), "{ \"label\": oops }").unwrap();
    std::fs::write(d.join("02-ops/01-start.md"), GOOD).unwrap();
    std::fs::create_dir_all(d.join("01-dev")).unwrap();
    std::fs::write(d.join("01-dev/start.md"), GOOD).unwrap();
    let p = load(&d, None).unwrap();
    let c = &p.curriculum;
    let slugs: Vec<&str> = c.tracks.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(slugs, ["dev", "ops"]);
    assert_eq!(c.tracks[1].label, "Ops");
    let d = p
        .diagnostics
        .iter()
        .find(|d| d.origin.file.ends_with("02-ops/_category_.json"))
        .expect("reported");
    assert!(d.message.contains("not valid JSON"), "{d}");
}
