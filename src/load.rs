//! Reads a curriculum from disk (one page or a folder of `.md`/`.mdx` pages) and hands the text
//! to the pure parser. An unreadable or binary page becomes a diagnostic, never a failure.

use crate::config::Settings;
use crate::curriculum::{self, Diagnostic, ParseOptions, Parsed, SourcePage};
use crate::reply::Catalog;
use crate::search::Aliases;
use std::path::{Path, PathBuf};

/// The largest page read; larger files are reported and skipped.
pub const MAX_PAGE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("curriculum path `{0}` does not exist or cannot be read: {1}")]
    Missing(String, std::io::Error),
    #[error("curriculum folder `{0}` holds no .md pages")]
    Empty(String),
}

/// Loads `path` (a page or a folder, read whole and recursively).
pub fn load(path: &Path, base_url: Option<&str>) -> Result<Parsed, LoadError> {
    let meta =
        std::fs::metadata(path).map_err(|e| LoadError::Missing(path.display().to_string(), e))?;
    let (root, files) = if meta.is_dir() {
        let mut files = Vec::new();
        walk(path, &mut files);
        files.sort();
        if files.is_empty() {
            return Err(LoadError::Empty(path.display().to_string()));
        }
        (path.to_path_buf(), files)
    } else {
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        (root, vec![path.to_path_buf()])
    };
    let mut pages = Vec::new();
    let mut diagnostics = Vec::new();
    let prefix = if root.as_os_str().is_empty() {
        String::new()
    } else {
        format!("{}/", root.display())
    };
    for file in files {
        let rel = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .to_string_lossy()
            .replace('\\', "/");
        match read_page(&file) {
            Ok(text) => pages.push(SourcePage { path: rel, text }),
            Err(msg) => diagnostics.push(Diagnostic::error(&format!("{prefix}{rel}"), 1, msg)),
        }
    }
    let opts = ParseOptions {
        base_url: base_url.map(str::to_owned),
        origin_prefix: prefix,
    };
    let mut parsed = curriculum::parse(&pages, &opts);
    diagnostics.append(&mut parsed.diagnostics);
    parsed.diagnostics = diagnostics;
    Ok(parsed)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        match e.file_type() {
            Ok(t) if t.is_dir() => walk(&p, out),
            Ok(_) if matches!(p.extension().and_then(|x| x.to_str()), Some("md" | "mdx")) => {
                out.push(p)
            }
            _ => {}
        }
    }
}

fn read_page(file: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read page: {e}"))?;
    if meta.len() > MAX_PAGE_BYTES {
        return Err(format!(
            "page is {} bytes, more than the {MAX_PAGE_BYTES} bytes a page may have",
            meta.len()
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read page: {e}"))?;
    if bytes.contains(&0) {
        return Err("page is binary, not Markdown text".to_string());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "page is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Loads the curriculum and aliases named by the settings.
pub fn load_catalog(
    path: &Path,
    settings: &Settings,
) -> Result<(Catalog, Vec<Diagnostic>), LoadError> {
    let parsed = load(path, settings.curriculum_base_url.as_deref())?;
    let (aliases, mut alias_diags) = load_aliases(&settings.aliases_path);
    let mut diags = parsed.check();
    diags.append(&mut alias_diags);
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
