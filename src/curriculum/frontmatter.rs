//! Docusaurus front matter: the `---` block at the top of a page, read as simple `key: value` lines.

/// What the front matter says about a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub slug: Option<String>,
    pub id: Option<String>,
    pub sidebar_position: Option<i64>,
    /// `draft: true`: not published, so not read.
    pub draft: bool,
    /// `unlisted: true`: published (it has a URL) but not listed or searchable.
    pub unlisted: bool,
    /// `parse_number_prefixes: false` keeps number prefixes in the route.
    pub keep_number_prefixes: bool,
}

/// Reads the front matter at the top of `text`. Returns it (empty when there is none) and, for a
/// block that is opened but never closed or has a malformed value, a message with its 1-based line.
pub fn read(text: &str) -> (FrontMatter, Vec<(u32, String)>) {
    let mut fm = FrontMatter::default();
    let mut problems = Vec::new();
    let mut lines = text.lines();
    if lines.next().map(str::trim_end) != Some("---") {
        return (fm, problems);
    }
    let mut closed = false;
    for (i, line) in lines.enumerate() {
        let lineno = i as u32 + 2;
        if line.trim_end() == "---" {
            closed = true;
            break;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = unquote(value.trim());
        match key.trim() {
            "title" if !value.is_empty() => fm.title = Some(value.to_string()),
            "slug" if !value.is_empty() => fm.slug = Some(value.to_string()),
            "id" if !value.is_empty() => fm.id = Some(value.to_string()),
            "sidebar_position" => match value.parse() {
                Ok(n) => fm.sidebar_position = Some(n),
                Err(_) => problems.push((
                    lineno,
                    format!("sidebar_position `{value}` is not a whole number"),
                )),
            },
            key @ ("draft" | "unlisted" | "parse_number_prefixes") => {
                let flag = match value.to_ascii_lowercase().as_str() {
                    "true" => true,
                    "false" => false,
                    _ => {
                        problems.push((lineno, format!("{key} `{value}` is not true or false")));
                        continue;
                    }
                };
                match key {
                    "draft" => fm.draft = flag,
                    "unlisted" => fm.unlisted = flag,
                    _ => fm.keep_number_prefixes = !flag,
                }
            }
            _ => {}
        }
    }
    if !closed {
        problems.push((
            1,
            "front matter opened with `---` is never closed".to_string(),
        ));
        return (FrontMatter::default(), problems);
    }
    (fm, problems)
}

/// `"x"` or `'x'` -> `x`.
pub(super) fn unquote(v: &str) -> &str {
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_keys_and_reports_problems() {
        let (fm, p) = read("---\nsidebar_position: 2\ntitle: \"Intro\"\nslug: /start\n---\n# x");
        assert_eq!(fm.sidebar_position, Some(2));
        assert_eq!(fm.title.as_deref(), Some("Intro"));
        assert_eq!(fm.slug.as_deref(), Some("/start"));
        assert!(p.is_empty());
        let (fm, p) = read("---\nsidebar_position: two\n---\n");
        assert_eq!(fm.sidebar_position, None);
        assert_eq!(
            p,
            vec![(2, "sidebar_position `two` is not a whole number".into())]
        );
        let (_, p) = read("---\ntitle: never closed\n");
        assert_eq!(p.len(), 1);
        assert_eq!(read("# no front matter").0, FrontMatter::default());
        let (fm, p) = read("---\ndraft: true\nunlisted: True\nparse_number_prefixes: false\n---\n");
        assert!(fm.draft && fm.unlisted && fm.keep_number_prefixes && p.is_empty());
        let (fm, p) = read("---\ndraft: maybe\n---\n");
        assert!(!fm.draft);
        assert_eq!(p, vec![(2, "draft `maybe` is not true or false".into())]);
    }
}
