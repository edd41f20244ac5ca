//! What the watcher looks at (issue 17): only curriculum files (`.md`, `.mdx`, `_category_.json`
//! / `.yml`, `docusaurus.config.*`) and folders under `CURRICULUM_PATH`, or that one page; the
//! path itself as seen from its parent (a folder replaced, a release symlink swapped); and
//! whether the files have settled (sizes and modification times unchanged between two looks).

use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The watched curriculum: a folder (recursively) or one page.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `CURRICULUM_PATH` as given (a symlink stays one, so a swap is seen).
    pub root: PathBuf,
    /// One page rather than a folder.
    pub page: bool,
}

/// Whether `name` is a file the curriculum is read from.
pub fn is_curriculum_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".md")
        || lower.ends_with(".mdx")
        || matches!(
            lower.as_str(),
            "_category_.json" | "_category_.yml" | "_category_.yaml"
        )
        || lower.starts_with("docusaurus.config.")
}

impl Scope {
    /// The scope of `root`, made absolute (symlinks kept) so events match it.
    pub fn new(root: &Path) -> Scope {
        let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        Scope {
            page: root.is_file(),
            root,
        }
    }

    /// The folder watched (not recursively) to see the root replaced: its parent.
    pub fn parent(&self) -> PathBuf {
        let parent = self.root.parent().filter(|p| !p.as_os_str().is_empty());
        parent.unwrap_or(Path::new(".")).to_path_buf()
    }

    /// Whether a change at `path` can change the curriculum.
    pub fn concerns(&self, path: &Path) -> bool {
        if path == self.root {
            return true;
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        let Some(name) = name else { return false };
        if self.page {
            // A page: only it (its folder is watched for it).
            return path.file_name() == self.root.file_name();
        }
        match path.strip_prefix(&self.root) {
            Ok(inside) => {
                let hidden = inside
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
                // No extension: a folder (a track renamed, moved or removed).
                !hidden && (is_curriculum_file(&name) || Path::new(&name).extension().is_none())
            }
            // Beside the docs folder: its site's `docusaurus.config.*`.
            Err(_) => {
                path.parent() == Some(self.parent().as_path())
                    && name.to_ascii_lowercase().starts_with("docusaurus.config.")
            }
        }
    }

    /// Sizes and modification times of the curriculum files (sorted), to tell settled files.
    pub fn snapshot(&self) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
        let mut out = Vec::new();
        if self.page {
            stamp(&self.root, &mut out);
        } else {
            walk(&self.root, 0, &mut out);
        }
        out.sort();
        out
    }
}

fn stamp(path: &Path, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    if let Ok(m) = std::fs::metadata(path) {
        out.push((path.to_path_buf(), m.len(), m.modified().ok()));
    }
}

/// Deep enough for any docs tree; bounded against symlink loops.
const MAX_DEPTH: usize = 16;

fn walk(dir: &Path, depth: usize, out: &mut Vec<(PathBuf, u64, Option<SystemTime>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let path = e.path();
        match e.file_type() {
            Ok(t) if t.is_dir() && depth < MAX_DEPTH => walk(&path, depth + 1, out),
            Ok(_) if is_curriculum_file(&name) => stamp(&path, out),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_curriculum_files_and_folders_count() {
        let docs = Scope {
            root: PathBuf::from("/srv/site/docs"),
            page: false,
        };
        let yes = [
            "/srv/site/docs",
            "/srv/site/docs/mlops/01-intro.md",
            "/srv/site/docs/mlops/page.MDX",
            "/srv/site/docs/mlops/_category_.json",
            "/srv/site/docs/mlops/_category_.yml",
            "/srv/site/docs/renamed-track",
            "/srv/site/docusaurus.config.ts",
        ];
        let no = [
            "/srv/site/docs/.git/index",
            "/srv/site/docs/mlops/.page.md.swp",
            "/srv/site/docs/mlops/picture.png",
            "/srv/site/bot.db",
            "/srv/site/bot.db-wal",
            "/srv/site/other",
            "/srv/elsewhere/docusaurus.config.js",
        ];
        for p in yes {
            assert!(docs.concerns(Path::new(p)), "{p}");
        }
        for p in no {
            assert!(!docs.concerns(Path::new(p)), "{p}");
        }
        // Single-page mode beside the default SQLite database: only the page.
        let page = Scope {
            root: PathBuf::from("data/page.md"),
            page: true,
        };
        assert!(page.concerns(Path::new("data/page.md")));
        for p in [
            "data/curriculum-bot.db",
            "data/curriculum-bot.db-journal",
            "data/curriculum-bot.db-wal",
            "data/other.md",
        ] {
            assert!(!page.concerns(Path::new(p)), "{p}");
        }
    }
}
