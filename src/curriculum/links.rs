//! Paths inside the curriculum (`join_path`), stable resource keys and same-title duplicates.
//! Relative links become URLs in `site.rs`.

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

/// Stable keys, and same-title resources (different URLs) marked as duplicates of each other,
/// each remembering at most [`MAX_DUPLICATES_KEPT`] others. Linear in the number of resources.
pub fn finish(c: &mut Curriculum) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in c.resources.iter_mut().enumerate() {
        let base = slugify(&r.title);
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        r.key = if *n == 1 { base } else { format!("{base}-{n}") };
        let group = by_title.entry(r.title.to_lowercase()).or_default();
        if group.len() <= MAX_DUPLICATES_KEPT {
            group.push(i);
        }
    }
    for group in by_title.values().filter(|g| g.len() > 1) {
        for &i in group {
            c.resources[i].duplicates = group
                .iter()
                .copied()
                .filter(|&j| j != i)
                .take(MAX_DUPLICATES_KEPT)
                .collect();
        }
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
    }
}
