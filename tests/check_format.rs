//! `check --format github|json` on a small folder with one error (a page that is not UTF-8) and
//! one warning (a module without a duration), in a folder whose name needs escaping (`,`, `:`,
//! `%`). Exit codes are the same in every format.

use curriculum_bot::cli::{self, CheckFormat};
use curriculum_bot::config::Settings;
use std::path::PathBuf;

struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn settings() -> Settings {
    Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some("/nonexistent/aliases.txt".into()),
        _ => None,
    })
    .expect("settings")
}

fn folder(name: &str, broken: bool) -> Scratch {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("overview.md"),
        "# Overview\n\n## Modules\n- Module 1: Basics (2 weeks) - First steps\n\
         - Module 2: Next Steps - No duration here\n",
    )
    .unwrap();
    if broken {
        std::fs::write(dir.join("bad.md"), b"# Bad \xff page\n").unwrap();
    }
    Scratch(dir)
}

fn run(dir: &Scratch, format: CheckFormat) -> (u8, String) {
    let mut out = Vec::new();
    let code = cli::check_as(&dir.0, &settings(), format, &mut out).unwrap();
    (code, String::from_utf8(out).unwrap())
}

#[test]
fn github_annotations_are_escaped_and_exit_codes_unchanged() {
    let dir = folder("lint,50%:gh", true);
    let (code, out) = run(&dir, CheckFormat::Github);
    assert_eq!(code, cli::EXIT_ERRORS, "{out}");
    let shown = dir.0.display().to_string();
    let escaped = shown
        .replace('%', "%25")
        .replace(':', "%3A")
        .replace(',', "%2C");
    let error = out.lines().find(|l| l.starts_with("::error ")).expect(&out);
    assert!(
        error.starts_with(&format!("::error file={escaped}/bad.md,line=1::")),
        "{error}"
    );
    let warning = out
        .lines()
        .find(|l| l.starts_with("::warning "))
        .expect(&out);
    assert!(warning.contains("overview.md,line="), "{warning}");
    assert!(warning.contains("module 2 `Next Steps`"), "{warning}");
    // No raw separators sneak into a property.
    let props = error.split("::").nth(1).unwrap();
    assert_eq!(props.matches(',').count(), 1, "{props}");
    assert!(!props.contains(':'), "{props}");
    assert!(out.lines().last().unwrap().starts_with("FAILED: "), "{out}");

    let (text_code, text) = run(&dir, CheckFormat::Text);
    assert_eq!(text_code, code);
    // Text names files relative to the curriculum folder (issue 17), never the server's path.
    assert!(
        text.lines().any(|l| l.starts_with("bad.md:1: error: ")),
        "{text}"
    );
    assert!(!text.contains(&shown), "{text}");
}

#[test]
fn json_lists_every_diagnostic() {
    let dir = folder("lint-json", true);
    let (code, out) = run(&dir, CheckFormat::Json);
    assert_eq!(code, cli::EXIT_ERRORS);
    let v: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(v["ok"], false);
    assert_eq!(v["errors"], 1);
    let diags = v["diagnostics"].as_array().unwrap();
    let err = diags.iter().find(|d| d["severity"] == "error").unwrap();
    assert_eq!(err["file"], "bad.md");
    assert_eq!(err["line"], 1);
    assert!(
        diags
            .iter()
            .any(|d| d["severity"] == "warning"
                && d["message"].as_str().unwrap().contains("module 2"))
    );
    assert_eq!(
        v["warnings"].as_u64().unwrap() as usize,
        diags.iter().filter(|d| d["severity"] == "warning").count()
    );

    let healthy = folder("lint-json-ok", false);
    std::fs::write(
        healthy.0.join("overview.md"),
        "# Overview\n\n## Modules\n- Module 1: Basics (2 weeks) - First steps\n",
    )
    .unwrap();
    let (code, out) = run(&healthy, CheckFormat::Json);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["errors"], 0);
}

#[test]
fn a_missing_path_is_one_annotation() {
    let dir = Scratch(std::env::temp_dir().join("no-such-curriculum-folder-x"));
    let (code, out) = run(&dir, CheckFormat::Github);
    assert_eq!(code, cli::EXIT_ERRORS);
    assert!(out.starts_with("::error::curriculum path "), "{out}");
    assert_eq!(out.lines().count(), 1);
}
