//! Reads a curriculum from disk and hands the text to the pure parser: one page, a folder of
//! pages (one track), or a docs folder whose subfolders are tracks, with their `_category_.json`
//! (or `.yml`) and the `docusaurus.config.{js,ts,mjs}` of the site (`load/site.rs`). Folders
//! starting with `_` are skipped whole, as Docusaurus does. Only regular files inside the
//! folder are read (symlinks are resolved and must stay inside; FIFOs and devices are refused),
//! and the size limit is enforced while reading. A bad page becomes a diagnostic, never a failure.

use crate::config::Settings;
use crate::curriculum::{
    self, Diagnostic, ParseOptions, Parsed, Severity, SourceCategory, SourcePage,
};
use crate::reply::Catalog;
use crate::search::Aliases;
use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

mod site;

/// The largest page read; larger files are reported and skipped.
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;
/// The largest `_category_.json`/`.yml` or `docusaurus.config.*` read.
pub const MAX_SMALL_FILE: u64 = 256 * 1024;
/// Diagnostics written to the log at start-up, at most (then "and N more").
pub const MAX_LOGGED: usize = 50;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("curriculum path `{0}` does not exist or cannot be read: {1}")]
    Missing(String, std::io::Error),
    #[error("curriculum folder `{0}` cannot be read: {1}")]
    Unreadable(String, std::io::Error),
    #[error("curriculum folder `{0}` holds no .md pages")]
    Empty(String),
    #[error("curriculum `{0}` has no usable page: {1}")]
    Unusable(String, String),
}

/// What the walk found.
#[derive(Default)]
struct Found {
    pages: Vec<(String, PathBuf)>,
    categories: Vec<SourceCategory>,
    diagnostics: Vec<Diagnostic>,
}

/// The category files Docusaurus reads, in the order one is picked when a folder has several.
const CATEGORY_FILES: [&str; 3] = ["_category_.json", "_category_.yaml", "_category_.yml"];

/// Loads `path` (a page or a folder, read recursively). `base_url` is `CURRICULUM_BASE_URL`;
/// without it the docs URL comes from a `docusaurus.config.*` beside the docs folder, if any.
/// Diagnostics name files relative to the curriculum folder (a page's own folder for one page).
pub fn load(path: &Path, base_url: Option<&str>) -> Result<Parsed, LoadError> {
    let shown = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| LoadError::Missing(shown.clone(), e))?;
    let canon = std::fs::canonicalize(path).map_err(|e| LoadError::Missing(shown.clone(), e))?;
    let mut found = Found::default();
    let root_canon = if meta.is_dir() {
        std::fs::read_dir(path).map_err(|e| LoadError::Unreadable(shown.clone(), e))?;
        let mut visited = HashSet::new();
        walk(path, &canon, "", &mut visited, &mut found);
        if found.pages.is_empty() && found.diagnostics.is_empty() {
            return Err(LoadError::Empty(shown));
        }
        canon
    } else {
        let root_canon = canon.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        found.pages.push((name.unwrap_or_default(), canon.clone()));
        for file in CATEGORY_FILES {
            read_category(&root_canon.join(file), "", file, &mut found);
        }
        root_canon
    };
    let mut pages = Vec::new();
    let mut diagnostics = std::mem::take(&mut found.diagnostics);
    for (rel, file) in found.pages {
        match read_text(&file, MAX_PAGE_BYTES, "page") {
            Ok(text) => pages.push(SourcePage { path: rel, text }),
            Err(msg) => diagnostics.push(Diagnostic::error(&rel, 1, msg)),
        }
    }
    let mut opts = ParseOptions {
        base_url: base_url.map(str::to_owned),
        root_name: root_canon
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        categories: found.categories,
        ..ParseOptions::default()
    };
    site::apply_config(&root_canon, &mut opts, &mut diagnostics);
    let mut parsed = curriculum::parse(&pages, &opts);
    diagnostics.append(&mut parsed.diagnostics);
    parsed.diagnostics = diagnostics;
    Ok(parsed)
}

fn walk(dir: &Path, root_canon: &Path, rel: &str, visited: &mut HashSet<PathBuf>, out: &mut Found) {
    let here = |name: &str| {
        if rel.is_empty() {
            name.to_string()
        } else {
            format!("{rel}/{name}")
        }
    };
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            let shown = if rel.is_empty() { "." } else { rel };
            out.diagnostics.push(Diagnostic::error(
                shown,
                1,
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    if let Ok(c) = std::fs::canonicalize(dir) {
        if !visited.insert(c) {
            return;
        }
    }
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let is_page = name.ends_with(".md") || name.ends_with(".mdx");
        let category = CATEGORY_FILES.contains(&name.as_str());
        let interesting = is_page || category;
        // Resolve symlinks and refuse what escapes the folder.
        let target = match std::fs::canonicalize(&p) {
            Ok(t) => t,
            Err(err) => {
                if interesting {
                    out.diagnostics.push(Diagnostic::error(
                        &here(&name),
                        1,
                        format!("cannot read: {err}"),
                    ));
                }
                continue;
            }
        };
        if !target.starts_with(root_canon) {
            if interesting || target.is_dir() {
                out.diagnostics.push(Diagnostic::error(
                    &here(&name),
                    1,
                    "is a link to something outside the curriculum folder; not read",
                ));
            }
            continue;
        }
        let Ok(meta) = std::fs::metadata(&target) else {
            continue;
        };
        if meta.is_dir() {
            // Docusaurus excludes `**/_*/**`: a folder starting with `_` is never published.
            if !name.starts_with('_') {
                walk(&p, root_canon, &here(&name), visited, out);
            }
        } else if category {
            read_category(&target, rel, &name, out);
        } else if is_page && name.starts_with('_') {
            // A partial: Docusaurus does not publish it.
        } else if is_page && !meta.is_file() {
            out.diagnostics.push(Diagnostic::error(
                &here(&name),
                1,
                "is not a regular file (a FIFO, socket or device); not read",
            ));
        } else if is_page {
            out.pages.push((here(&name), target));
        }
    }
}

/// Reads one category file of folder `rel`; a file that can't be read is a warning (the folder
/// name is used), like one that isn't valid JSON, so it never holds a reload.
fn read_category(file: &Path, rel: &str, name: &str, out: &mut Found) {
    if !std::fs::metadata(file).is_ok_and(|m| m.is_file()) {
        return;
    }
    match read_text(file, MAX_SMALL_FILE, "file") {
        Ok(text) => out.categories.push(SourceCategory {
            dir: rel.to_string(),
            file: name.to_string(),
            text,
        }),
        Err(msg) => {
            let shown = if rel.is_empty() {
                name.to_string()
            } else {
                format!("{rel}/{name}")
            };
            out.diagnostics.push(Diagnostic {
                origin: curriculum::Origin {
                    file: shown,
                    line: 1,
                },
                severity: Severity::Warning,
                message: curriculum::site::unusable_category(name, &msg),
            });
        }
    }
}

/// Reads a regular file as UTF-8 text (`what` names it in messages: "page", "file"), refusing
/// more than `limit` bytes while reading: the metadata's size is never trusted (a file may grow
/// while it is read, and `/proc`-like files say 0).
pub fn read_text(file: &Path, limit: u64, what: &str) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read {what}: {e}"))?;
    if !meta.is_file() {
        return Err("is not a regular file; not read".to_string());
    }
    let f = std::fs::File::open(file).map_err(|e| format!("cannot read {what}: {e}"))?;
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Err("is not a regular file; not read".to_string());
    }
    let bytes = read_bounded(f, limit)
        .map_err(|e| format!("cannot read {what}: {e}"))?
        .ok_or_else(|| {
            format!("{what} is more than the {limit} bytes a {what} may have; not read")
        })?;
    if bytes.contains(&0) {
        return Err(format!("{what} is binary, not Markdown text"));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "{what} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// At most `limit` bytes from `r`: `None` when there are more (never reads past `limit + 1`).
fn read_bounded(r: impl Read, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    r.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// Loads the curriculum and aliases named by the settings, for every mode (`run`, `serve`,
/// `deliver`, `ask`, `search`). Logs its diagnostics (capped), and fails when no page is usable.
pub fn load_catalog(
    path: &Path,
    settings: &Settings,
) -> Result<(Catalog, Vec<Diagnostic>), LoadError> {
    let parsed = load(path, settings.curriculum_base_url.as_deref())?;
    let (aliases, mut alias_diags) = load_aliases(&settings.aliases_path);
    let mut diags = parsed.check();
    diags.append(&mut alias_diags);
    for d in diags.iter().take(MAX_LOGGED) {
        match d.severity {
            Severity::Note => tracing::info!("{d}"),
            _ => tracing::warn!("{d}"),
        }
    }
    if diags.len() > MAX_LOGGED {
        tracing::warn!(
            "… and {} more curriculum diagnostics",
            diags.len() - MAX_LOGGED
        );
    }
    if parsed.curriculum.pages.is_empty() {
        let reasons: Vec<String> = diags.iter().take(3).map(ToString::to_string).collect();
        return Err(LoadError::Unusable(
            path.display().to_string(),
            reasons.join("; "),
        ));
    }
    Ok((Catalog::new(parsed, &aliases), diags))
}

fn load_aliases(path: &Path) -> (Aliases, Vec<Diagnostic>) {
    match std::fs::read_to_string(path) {
        Ok(text) => Aliases::parse(&path.display().to_string(), &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (Aliases::default(), Vec::new()),
        Err(e) => (
            Aliases::default(),
            vec![Diagnostic::error(
                &path.display().to_string(),
                1,
                format!("cannot read aliases: {e}"),
            )],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file that keeps growing while it is read: it serves `total` bytes, counting them.
    struct Growing {
        served: u64,
        total: u64,
    }

    impl Read for Growing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = (buf.len() as u64).min(self.total - self.served) as usize;
            buf[..n].fill(b'a');
            self.served += n as u64;
            Ok(n)
        }
    }

    /// Issue 18: the limit holds while reading, whatever the file's size was when it was opened;
    /// no more than `limit + 1` bytes are ever pulled from it.
    #[test]
    fn the_size_limit_holds_for_a_file_that_grows_while_read() {
        let limit = 4096;
        let mut f = Growing {
            served: 0,
            total: 1000 * limit,
        };
        assert!(read_bounded(&mut f, limit).unwrap().is_none());
        assert_eq!(f.served, limit + 1, "read past the limit");
        let mut small = Growing {
            served: 0,
            total: limit,
        };
        assert_eq!(
            read_bounded(&mut small, limit).unwrap().unwrap().len() as u64,
            limit
        );
    }

    /// `/proc` files report a size of 0 whatever they hold: the limit is enforced on the bytes.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_whose_metadata_says_zero_is_still_limited() {
        let maps = Path::new("/proc/self/maps");
        assert_eq!(std::fs::metadata(maps).unwrap().len(), 0);
        let e = read_text(maps, 64, "page").unwrap_err();
        assert!(e.contains("more than the 64 bytes"), "{e}");
        assert!(read_text(maps, MAX_SMALL_FILE, "page").is_ok());
    }
}
