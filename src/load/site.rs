//! The Docusaurus site a curriculum folder belongs to: its `docusaurus.config.{ts,js,mjs}` (in
//! a folder above), read for the docs URL, `trailingSlash` and the docs folder (`path`), which
//! places the curriculum's pages below the docs root. Every problem is a warning naming the
//! config file (relative to the curriculum folder) and what is used instead.

use super::{read_text, MAX_SMALL_FILE};
use crate::curriculum::{route, Diagnostic, Origin, ParseOptions, Severity};
use std::path::{Path, PathBuf};

/// Fills `opts.docs_dir`, `trailing_slash` and (when `CURRICULUM_BASE_URL` is unset) `base_url`
/// from the site `root` belongs to; without a config, a root with its own category file is a
/// track folder of its own name.
pub(super) fn apply_config(root: &Path, opts: &mut ParseOptions, diags: &mut Vec<Diagnostic>) {
    let Some((config, below)) = find_site(root) else {
        if opts.categories.iter().any(|c| c.dir.is_empty()) {
            opts.docs_dir = opts.root_name.clone();
        }
        return;
    };
    let shown = format!(
        "{}{}",
        "../".repeat(below.len()),
        config.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut warn = |message: String| {
        diags.push(Diagnostic {
            origin: Origin {
                file: shown.clone(),
                line: 1,
            },
            severity: Severity::Warning,
            message,
        })
    };
    // Until the config says otherwise, the folder beside it is the docs folder.
    opts.docs_dir = below[1..].join("/");
    let text = match read_text(&config, MAX_SMALL_FILE, "file") {
        Ok(t) => t,
        Err(e) => {
            warn(format!(
                "{e}; its settings are not used (set CURRICULUM_BASE_URL for the docs URL)"
            ));
            return;
        }
    };
    let (cfg, problems) = route::read_site_config(&text);
    for p in problems {
        warn(p);
    }
    opts.trailing_slash = cfg.trailing_slash;
    let docs_path = cfg.docs_path.as_deref().unwrap_or("docs");
    let want: Vec<&str> = docs_path
        .split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .collect();
    if below.len() >= want.len() && below.iter().zip(&want).all(|(a, b)| a == b) {
        opts.docs_dir = below[want.len()..].join("/");
    } else {
        warn(format!(
            "the curriculum folder is not inside the docs plugin's `path` (`{docs_path}`); `{}` is taken as the docs folder",
            below[0]
        ));
    }
    if opts.base_url.is_none() {
        match cfg.docs_url() {
            Ok(url) => opts.base_url = url,
            Err(e) => warn(format!(
                "the docs URL {e}; links stay relative (set CURRICULUM_BASE_URL)"
            )),
        }
    }
}

/// The `docusaurus.config.*` in a folder above `root`, and the folders from there down to
/// `root`, as written: `("…/docusaurus.config.ts", ["docs", "12-mlops-engineering"])`.
fn find_site(root: &Path) -> Option<(PathBuf, Vec<String>)> {
    let mut dir = root;
    let mut below: Vec<String> = Vec::new();
    for _ in 0..8 {
        below.push(dir.file_name()?.to_string_lossy().into_owned());
        let parent = dir.parent()?;
        for ext in ["ts", "js", "mjs"] {
            let cfg = parent.join(format!("docusaurus.config.{ext}"));
            if cfg.is_file() {
                below.reverse();
                return Some((cfg, below));
            }
        }
        dir = parent;
    }
    None
}
