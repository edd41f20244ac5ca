//! After parsing: relative links resolved against `CURRICULUM_BASE_URL`, module pages joined to
//! their modules, stable resource keys, and duplicates marked (never merged).

use super::lines::module_number;
use super::model::*;
use std::collections::HashMap;

/// Joins `dest` (relative to the page at `from`) into a normalised path inside the curriculum.
/// `None` when it climbs out of the root.
pub fn join_path(from: &str, dest: &str) -> Option<String> {
    let dest = dest.split(['#', '?']).next().unwrap_or("");
    let mut parts: Vec<&str> = if dest.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = from.split('/').collect();
        p.pop();
        p
    };
    for seg in dest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// The public URL of a page: its `slug` when the page is known and has one, else its path
/// without the `.md`/`.mdx` extension, under `base`.
fn page_url(base: &str, path: &str, pages: &[Page]) -> String {
    let base = base.trim_end_matches('/');
    if let Some(slug) = pages
        .iter()
        .find(|p| p.path == path)
        .and_then(|p| p.slug.as_deref())
    {
        return format!("{base}/{}", slug.trim_start_matches('/'));
    }
    let stem = path
        .strip_suffix(".mdx")
        .or_else(|| path.strip_suffix(".md"))
        .unwrap_or(path);
    format!("{base}/{stem}")
}

/// Resolves every relative resource link; with no base URL they stay plain text.
pub fn resolve(c: &mut Curriculum, base_url: Option<&str>) {
    let Some(base) = base_url else { return };
    for r in &mut c.resources {
        let page_path = &c.pages[c.sections[r.section].page].path;
        if let Link::Relative { path, resolved } = &mut r.link {
            let fragment = path.find('#').map(|i| &path[i..]).unwrap_or("");
            *resolved = join_path(page_path, path)
                .map(|p| format!("{}{fragment}", page_url(base, &p, &c.pages)));
        }
    }
}

/// Lower-case ASCII words joined by `-`: `Docker for ML` -> `docker-for-ml`.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    if out.is_empty() {
        out.push_str("resource");
    }
    out
}

/// Keys, duplicate marks and module links.
pub fn finish(c: &mut Curriculum) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_url: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in c.resources.iter_mut().enumerate() {
        let base = slugify(&r.title);
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        r.key = if *n == 1 { base } else { format!("{base}-{n}") };
        by_title.entry(r.title.to_lowercase()).or_default().push(i);
        by_url
            .entry(r.link.display().to_string())
            .or_default()
            .push(i);
    }
    for group in by_title.values().chain(by_url.values()) {
        if group.len() < 2 {
            continue;
        }
        for &i in group {
            for &j in group {
                if i != j && !c.resources[i].duplicates.contains(&j) {
                    c.resources[i].duplicates.push(j);
                }
            }
        }
    }
    for r in &mut c.resources {
        r.duplicates.sort_unstable();
    }
    for m in &mut c.modules {
        m.link = c
            .resources
            .iter()
            .position(|r| module_number(&r.title) == Some(m.number));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_and_slugs() {
        assert_eq!(
            join_path("docs/a.md", "./b.md").as_deref(),
            Some("docs/b.md")
        );
        assert_eq!(
            join_path("docs/x/a.md", "../b.md#top").as_deref(),
            Some("docs/b.md")
        );
        assert_eq!(join_path("a.md", "../../b.md"), None);
        assert_eq!(slugify("What is MLOps? - Google"), "what-is-mlops-google");
        assert_eq!(slugify("!!!"), "resource");
        let pages = vec![Page {
            path: "b.md".into(),
            title: "B".into(),
            slug: Some("/bee".into()),
            sidebar_position: None,
        }];
        assert_eq!(
            page_url("https://x.org/docs/", "b.md", &pages),
            "https://x.org/docs/bee"
        );
        assert_eq!(
            page_url("https://x.org/docs", "c.md", &pages),
            "https://x.org/docs/c"
        );
    }
}
