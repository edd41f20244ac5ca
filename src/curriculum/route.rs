//! Docusaurus routing, as the docs plugin does it (checked against its `slug.ts`, `docs.ts` and
//! `numberPrefix.ts`): number prefixes stripped from file and folder names (`02-ml-pipelines.md`
//! -> `ml-pipelines`, but `2021-11-notes` kept) unless `parse_number_prefixes: false`; `slug`
//! and `id` front matter; a category index (`index.md`, `README.md`, or a file named exactly as
//! its folder, prefix included: `02-ml/02-ml.md`) gets its folder's route with a trailing `/`;
//! `trailingSlash`. `config.rs` reads the literal values of a `docusaurus.config.{js,ts}`.

mod config;
pub use config::{read_site_config, SiteConfig};

/// `02-ml-pipelines` -> `ml-pipelines`; `2021-11-notes`, `7.0-x` and `10` stay as they are.
pub fn strip_number_prefix(name: &str) -> &str {
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return name;
    }
    let rest = &name[digits..];
    // Date-like and version-like prefixes (`2021-11-…`, `7.0-…`) are not number prefixes.
    let mut r = rest.bytes();
    if matches!(r.next(), Some(b'-' | b'_' | b'.')) && r.next().is_some_and(|b| b.is_ascii_digit())
    {
        return name;
    }
    let after = rest.trim_start_matches(char::is_whitespace);
    let seps = after.len() - after.trim_start_matches(['-', '_', '.']).len();
    if seps == 0 {
        return name;
    }
    let suffix = after[seps..].trim_start_matches(char::is_whitespace);
    match suffix.chars().next() {
        Some(c) if !matches!(c, '-' | '_' | '.') => suffix,
        _ => name,
    }
}

/// The number prefix of a file or folder name, for sidebar order.
pub fn number_prefix(name: &str) -> Option<u64> {
    if strip_number_prefix(name).len() == name.len() {
        return None;
    }
    let digits = name.bytes().take_while(u8::is_ascii_digit).count();
    name[..digits].parse().ok()
}

/// A file name without `.md`/`.mdx`.
pub fn stem(file: &str) -> &str {
    file.strip_suffix(".mdx")
        .or_else(|| file.strip_suffix(".md"))
        .unwrap_or(file)
}

/// The route of a folder below the docs root: `docs_dir` (the curriculum root below the docs
/// folder, as written) and `dir` joined, each segment's number prefix stripped.
pub fn dir_route(docs_dir: &str, dir: &str) -> String {
    join_segments(docs_dir, dir)
        .into_iter()
        .map(strip_number_prefix)
        .collect::<Vec<_>>()
        .join("/")
}

fn join_segments<'a>(a: &'a str, b: &'a str) -> Vec<&'a str> {
    a.split('/')
        .chain(b.split('/'))
        .filter(|s| !s.is_empty() && *s != ".")
        .collect()
}

/// What a page's front matter says about its route.
#[derive(Debug, Clone, Copy)]
pub struct RouteMatter<'a> {
    pub slug: Option<&'a str>,
    pub id: Option<&'a str>,
    /// `parse_number_prefixes` (default `true`).
    pub numbers: bool,
}

impl Default for RouteMatter<'_> {
    fn default() -> Self {
        RouteMatter {
            slug: None,
            id: None,
            numbers: true,
        }
    }
}

/// Where a page is published below the docs root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRoute {
    /// No leading or trailing `/`: `ml/ml-pipelines`.
    pub route: String,
    /// Its slug ends in `/` (a category index, or a `slug` written so).
    pub slash: bool,
}

/// Whether `file` (a name without extension) is its folder's index page, as Docusaurus decides:
/// `index`, `readme`, or the folder's own name as written, ignoring case.
pub fn is_category_index(file: &str, folder: &str) -> bool {
    file.eq_ignore_ascii_case("index")
        || file.eq_ignore_ascii_case("readme")
        || (!folder.is_empty() && file.eq_ignore_ascii_case(folder))
}

/// The route of the page at `path` (relative to the curriculum root, which is `docs_dir` below
/// the docs folder, as written), given its front matter.
pub fn page_route(docs_dir: &str, path: &str, fm: RouteMatter<'_>) -> PageRoute {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    let source_dir = join_segments(docs_dir, dir);
    let strip = |s: &'_ str| -> String {
        if fm.numbers {
            strip_number_prefix(s).to_string()
        } else {
            s.to_string()
        }
    };
    if let Some(abs) = fm.slug.filter(|s| s.starts_with('/')) {
        return PageRoute {
            route: normalise(abs),
            slash: abs.ends_with('/'),
        };
    }
    let dir_r: Vec<String> = source_dir.iter().map(|s| strip(s)).collect();
    let dir_r = dir_r.join("/");
    let name = stem(file);
    let folder = source_dir.last().copied().unwrap_or("");
    if fm.slug.is_none() && is_category_index(name, folder) {
        return PageRoute {
            route: dir_r,
            slash: true,
        };
    }
    let base = match (fm.slug, fm.id) {
        (Some(s), _) => s.to_string(),
        (None, Some(id)) => id.to_string(),
        (None, None) => strip(name),
    };
    PageRoute {
        route: normalise(&format!("{dir_r}/{base}")),
        slash: base.ends_with('/'),
    }
}

/// The route relative links on a page resolve from: the page's own route when its URL ends in
/// `/` (as a browser does), else its parent.
pub fn link_base(route: &str, url_slash: bool) -> &str {
    if url_slash {
        route
    } else {
        route.rsplit_once('/').map_or("", |(d, _)| d)
    }
}

/// `http://` or `https://`, a host, and nothing a Discord link or a browser would refuse
/// (spaces, quotes, angle brackets, control characters, user info): the check for
/// `CURRICULUM_BASE_URL` and for a URL read from `docusaurus.config.*`.
pub fn check_http_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("must start with http:// or https://")?;
    if let Some(c) = url
        .chars()
        .find(|&c| c.is_whitespace() || c.is_control() || "\"'<>\\^`{|}".contains(c))
    {
        return Err(format!("must not contain {c:?}"));
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.contains('@') {
        return Err("must not contain user info (`user@`)".into());
    }
    let (name, port) = match host.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || h.starts_with('[') => (h, Some(p)),
        _ => (host, None),
    };
    let name_ok = !name.is_empty()
        && (name.starts_with('[') && name.ends_with(']')
            || name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    let port_ok =
        port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    if !name_ok || !port_ok {
        return Err(format!("has no valid host (`{host}`)"));
    }
    Ok(())
}

/// Resolves `.` and `..` segments and drops empty ones.
fn normalise(route: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in route.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// Where the site is published and how its URLs end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routing {
    /// URL of the docs root, e.g. `https://example.org/docs`. `None`: links stay routes.
    pub base_url: Option<String>,
    /// Docusaurus `trailingSlash`: `Some(true)` adds a `/`, `Some(false)` removes it, `None`
    /// leaves the slug as it is (a category index ends in `/`).
    pub trailing_slash: Option<bool>,
}

impl Routing {
    /// Whether the URL of a page whose slug ends in `/` iff `slash` ends in `/`.
    pub fn ends_in_slash(&self, slash: bool) -> bool {
        self.trailing_slash.unwrap_or(slash)
    }

    /// The URL of `route` (plus `fragment`, e.g. `#setup`); `None` without a base URL.
    pub fn url(&self, route: &str, slash: bool, fragment: &str) -> Option<String> {
        let base = self.base_url.as_deref()?.trim_end_matches('/');
        let mut url = if route.is_empty() {
            base.to_string()
        } else {
            format!("{base}/{route}")
        };
        if self.ends_in_slash(slash) && !url.ends_with('/') {
            url.push('/');
        }
        url.push_str(fragment);
        Some(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_number_prefixes_like_docusaurus() {
        for (input, want) in [
            ("02-ml-pipelines", "ml-pipelines"),
            ("003 - my doc", "my doc"),
            ("1_intro", "intro"),
            ("2021-11-notes", "2021-11-notes"),
            ("7.0-release", "7.0-release"),
            ("10", "10"),
            ("01-", "01-"),
            ("intro", "intro"),
        ] {
            assert_eq!(strip_number_prefix(input), want, "{input}");
        }
        assert_eq!(number_prefix("02-x"), Some(2));
        assert_eq!(number_prefix("2021-11-x"), None);
    }

    /// Issue 17: index pages only by the folder's name as written; `parse_number_prefixes`.
    #[test]
    fn routes_pages() {
        let r = |path, slug, id| {
            let fm = RouteMatter {
                slug,
                id,
                ..RouteMatter::default()
            };
            let p = page_route("", path, fm);
            format!("{}{}", p.route, if p.slash { "/" } else { "" })
        };
        assert_eq!(r("01-ml/02-ml-pipelines.md", None, None), "ml/ml-pipelines");
        assert_eq!(r("ml/index.md", None, None), "ml/");
        assert_eq!(r("ml/README.mdx", None, None), "ml/");
        assert_eq!(r("02-ml/02-ml.md", None, None), "ml/");
        assert_eq!(r("02-ml/ml.md", None, None), "ml/ml");
        assert_eq!(r("index.md", None, None), "/");
        assert_eq!(r("ml/a.md", Some("/start"), None), "start");
        assert_eq!(r("ml/a.md", Some("begin"), None), "ml/begin");
        assert_eq!(r("ml/a.md", Some("../up/"), None), "up/");
        assert_eq!(r("ml/index.md", Some("x"), None), "ml/x");
        assert_eq!(r("ml/a.md", None, Some("alpha")), "ml/alpha");
        assert_eq!(r("ml/2021-11-notes.md", None, None), "ml/2021-11-notes");
        let keep = RouteMatter {
            numbers: false,
            ..RouteMatter::default()
        };
        assert_eq!(page_route("", "01-ml/02-a.md", keep).route, "01-ml/02-a");
        let plain = RouteMatter::default();
        assert_eq!(page_route("12-devops", "01-x.md", plain).route, "devops/x");
        assert!(page_route("12-devops", "12-devops.md", plain).slash);
        assert_eq!(
            page_route("12-devops", "devops.md", plain).route,
            "devops/devops"
        );
        assert_eq!(link_base("ml/a", false), "ml");
        assert_eq!(link_base("ml", true), "ml");
    }

    #[test]
    fn trailing_slash_follows_the_slug_unless_set() {
        let mut routing = Routing {
            base_url: Some("https://x.org/docs/".into()),
            trailing_slash: None,
        };
        assert_eq!(
            routing.url("a", true, "").as_deref(),
            Some("https://x.org/docs/a/")
        );
        assert_eq!(
            routing.url("a/b", false, "#c").as_deref(),
            Some("https://x.org/docs/a/b#c")
        );
        routing.trailing_slash = Some(true);
        assert_eq!(
            routing.url("a/b", false, "#c").as_deref(),
            Some("https://x.org/docs/a/b/#c")
        );
        routing.trailing_slash = Some(false);
        assert_eq!(
            routing.url("a", true, "").as_deref(),
            Some("https://x.org/docs/a")
        );
    }

    #[test]
    fn http_urls_are_checked() {
        for ok in [
            "https://x.org",
            "http://localhost:3000/docs/",
            "https://[::1]:8/a?b#c",
        ] {
            assert_eq!(check_http_url(ok), Ok(()), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "https://",
            "https://x.org/' + projectName + '/",
            "https://x.org/a b",
            "https://user@x.org",
            "https://x.org:99999999",
            "ftp://x.org",
            "https://x.org/<script>",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
    }
}
