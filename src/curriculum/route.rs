//! Docusaurus routing, as the docs plugin does it: number prefixes stripped from file and folder
//! names (`02-ml-pipelines.md` -> `ml-pipelines`, but `2021-11-notes` kept), `slug` and `id` front
//! matter, category index pages (`index.md`, `README.md`, a page named after its folder), and
//! `trailingSlash`. Also a tolerant read of the literal values of a `docusaurus.config.{js,ts}`.

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

/// The route of a folder below the docs root: each segment's number prefix stripped.
pub fn dir_route(prefix: &str, dir: &str) -> String {
    let mut parts: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
    parts.extend(
        dir.split('/')
            .filter(|s| !s.is_empty() && *s != ".")
            .map(strip_number_prefix),
    );
    parts.join("/")
}

/// The route of the page at `path` (relative to the curriculum root, whose own route below the
/// docs root is `prefix`), given its `slug` and `id` front matter. No leading or trailing `/`.
pub fn page_route(prefix: &str, path: &str, slug: Option<&str>, id: Option<&str>) -> String {
    let (dir, file) = path.rsplit_once('/').unwrap_or(("", path));
    if let Some(abs) = slug.and_then(|s| s.strip_prefix('/')) {
        return normalise(abs);
    }
    let dir_r = dir_route(prefix, dir);
    let name = stem(file);
    let folder = dir.rsplit('/').next().unwrap_or("");
    let folder_name = if dir.is_empty() {
        prefix.rsplit('/').next().unwrap_or("")
    } else {
        strip_number_prefix(folder)
    };
    let lower = name.to_ascii_lowercase();
    let is_index = lower == "index"
        || lower == "readme"
        || (!folder_name.is_empty() && strip_number_prefix(name).eq_ignore_ascii_case(folder_name));
    let last = match slug {
        Some(s) => s.to_string(),
        None if is_index => return dir_r,
        None => id.map_or_else(|| strip_number_prefix(name).to_string(), str::to_owned),
    };
    normalise(&format!("{dir_r}/{last}"))
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
    /// Docusaurus `trailingSlash`: `Some(true)` adds a `/`, `Some(false)` and `None` add none.
    pub trailing_slash: Option<bool>,
}

impl Routing {
    /// The URL of `route` (plus `fragment`, e.g. `#setup`); `None` without a base URL.
    pub fn url(&self, route: &str, fragment: &str) -> Option<String> {
        let base = self.base_url.as_deref()?.trim_end_matches('/');
        let mut url = if route.is_empty() {
            base.to_string()
        } else {
            format!("{base}/{route}")
        };
        if self.trailing_slash == Some(true) && !url.ends_with('/') {
            url.push('/');
        }
        url.push_str(fragment);
        Some(url)
    }
}

/// What a `docusaurus.config.{js,ts,mjs}` says, read as literal values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteConfig {
    pub url: Option<String>,
    pub base_url: Option<String>,
    pub route_base_path: Option<String>,
    pub trailing_slash: Option<bool>,
}

impl SiteConfig {
    /// `url` + `baseUrl` + `routeBasePath` (default `docs`): the URL of the docs root.
    pub fn docs_url(&self) -> Option<String> {
        let url = self.url.as_deref()?.trim_end_matches('/');
        let base = self.base_url.as_deref().unwrap_or("/").trim_matches('/');
        let route = self.route_base_path.as_deref().unwrap_or("docs");
        let parts: Vec<&str> = [base, route.trim_matches('/')]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        Some(if parts.is_empty() {
            url.to_string()
        } else {
            format!("{url}/{}", parts.join("/"))
        })
    }
}

/// Reads `url`, `baseUrl`, `routeBasePath` and `trailingSlash` where they are written as literals.
/// Returns the values read and, for each key present but not a literal (or `url` missing), a note.
pub fn read_site_config(text: &str) -> (SiteConfig, Vec<String>) {
    let mut cfg = SiteConfig::default();
    let mut problems = Vec::new();
    let key = |name: &str, problems: &mut Vec<String>| -> Option<String> {
        let v = literal_after(text, name);
        match &v {
            Some(Err(raw)) => problems.push(format!(
                "`{name}` is not a literal value (`{raw}`); it was not read"
            )),
            None if name == "url" => problems.push("no `url` found".to_string()),
            _ => {}
        }
        v.and_then(Result::ok)
    };
    cfg.url = key("url", &mut problems);
    cfg.base_url = key("baseUrl", &mut problems);
    cfg.route_base_path = key("routeBasePath", &mut problems);
    cfg.trailing_slash = match key("trailingSlash", &mut problems).as_deref() {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    (cfg, problems)
}

/// The value of the first `name:` property: `Ok` for a quoted string or `true`/`false`/`undefined`
/// (as text), `Err(raw)` for anything else.
fn literal_after(text: &str, name: &str) -> Option<Result<String, String>> {
    let mut from = 0;
    while let Some(i) = text[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = &text[from..];
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
        let Some(rest) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let raw: String = rest
            .chars()
            .take_while(|&c| c != ',' && c != '\n' && c != '}')
            .collect();
        let raw = raw.trim().to_string();
        for q in ['"', '\'', '`'] {
            if let Some(inner) = raw.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
                if q == '`' && inner.contains("${") {
                    return Some(Err(raw.clone()));
                }
                return Some(Ok(inner.to_string()));
            }
        }
        return Some(match raw.as_str() {
            "true" | "false" => Ok(raw),
            "undefined" => Ok(String::new()),
            _ => Err(raw),
        });
    }
    None
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

    #[test]
    fn routes_pages() {
        let r = |path, slug, id| page_route("", path, slug, id);
        assert_eq!(r("01-ml/02-ml-pipelines.md", None, None), "ml/ml-pipelines");
        assert_eq!(r("ml/index.md", None, None), "ml");
        assert_eq!(r("ml/README.mdx", None, None), "ml");
        assert_eq!(r("02-ml/ml.md", None, None), "ml");
        assert_eq!(r("ml/a.md", Some("/start"), None), "start");
        assert_eq!(r("ml/a.md", Some("begin"), None), "ml/begin");
        assert_eq!(r("ml/a.md", None, Some("alpha")), "ml/alpha");
        assert_eq!(r("ml/2021-11-notes.md", None, None), "ml/2021-11-notes");
        assert_eq!(page_route("devops", "01-x.md", None, None), "devops/x");
        assert_eq!(page_route("devops", "devops.md", None, None), "devops");
    }

    #[test]
    fn reads_literal_config_values() {
        let (c, p) = read_site_config(
            "const config = {\n  url: 'https://learn.example.org',\n  baseUrl: '/academy/',\n  trailingSlash: true,\n  presets: [['classic', { docs: { routeBasePath: \"guides\" } }]],\n};",
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(
            c.docs_url().as_deref(),
            Some("https://learn.example.org/academy/guides")
        );
        assert_eq!(c.trailing_slash, Some(true));
        let (c, p) = read_site_config("export default { url: process.env.URL, baseUrl: '/' }");
        assert_eq!(c.url, None);
        assert_eq!(p.len(), 1, "{p:?}");
        let routing = Routing {
            base_url: Some("https://x.org/docs/".into()),
            trailing_slash: Some(true),
        };
        assert_eq!(
            routing.url("a/b", "#c").as_deref(),
            Some("https://x.org/docs/a/b/#c")
        );
    }
}
