//! A literal read of `docusaurus.config.{js,ts,mjs}`: comments skipped, then only the config
//! object's own `url`, `baseUrl` and `trailingSlash`, and the docs plugin's `routeBasePath` and
//! `path` (the classic preset's `docs: {…}`, else a default `@docusaurus/plugin-content-docs`).
//! Nested values with the same names (`customFields: { url }`, a blog's `routeBasePath`) are not
//! read. A value that is not a plain literal is a warning naming the key and the fallback used;
//! the docs URL must pass [`check_http_url`]. Linear in the file, no recursion.

use super::check_http_url;

/// What the config says, read as literal values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteConfig {
    pub url: Option<String>,
    pub base_url: Option<String>,
    /// The docs plugin's `routeBasePath` (default `docs`).
    pub route_base_path: Option<String>,
    /// The docs plugin's `path`, the docs folder relative to the site (default `docs`).
    pub docs_path: Option<String>,
    pub trailing_slash: Option<bool>,
}

impl SiteConfig {
    /// `url` + `baseUrl` + `routeBasePath`: the URL of the docs root, checked by
    /// [`check_http_url`]. `Ok(None)` without a `url`.
    pub fn docs_url(&self) -> Result<Option<String>, String> {
        let Some(url) = self.url.as_deref() else {
            return Ok(None);
        };
        let url = url.trim_end_matches('/');
        let base = self.base_url.as_deref().unwrap_or("/").trim_matches('/');
        let route = self.route_base_path.as_deref().unwrap_or("docs");
        let parts: Vec<&str> = [base, route.trim_matches('/')]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        let full = if parts.is_empty() {
            url.to_string()
        } else {
            format!("{url}/{}", parts.join("/"))
        };
        match check_http_url(&full) {
            Ok(()) => Ok(Some(full)),
            Err(e) => {
                let shown: String = full.chars().take(100).collect();
                Err(format!("`{shown}` {e}"))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    /// A plain string literal (quotes or a backtick without `${`).
    Str,
    Ident,
    Open(u8),
    Close(u8),
    Colon,
    Comma,
    Other,
}

struct Lexed<'a> {
    text: &'a str,
    toks: Vec<(Tok, usize, usize)>,
    /// For an `Open` token, the index of its `Close` (or the end).
    close: Vec<usize>,
}

fn lex(text: &str) -> Lexed<'_> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let start = i;
        let tok = match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'"' | b'\'' | b'`' => {
                let mut j = i + 1;
                let mut plain = true;
                while j < b.len() && b[j] != c {
                    if b[j] == b'\\' {
                        j += 1;
                    } else if c == b'`' && b[j] == b'$' && b.get(j + 1) == Some(&b'{') {
                        plain = false;
                    }
                    j += 1;
                }
                i = (j + 1).min(b.len());
                if plain {
                    Tok::Str
                } else {
                    Tok::Other
                }
            }
            b'{' | b'[' | b'(' => {
                i += 1;
                Tok::Open(c)
            }
            b'}' | b']' | b')' => {
                i += 1;
                Tok::Close(c)
            }
            b':' => {
                i += 1;
                Tok::Colon
            }
            b',' => {
                i += 1;
                Tok::Comma
            }
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
                Tok::Ident
            }
            _ => {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                Tok::Other
            }
        };
        toks.push((tok, start, i));
    }
    let mut close = vec![toks.len(); toks.len()];
    let mut stack: Vec<(u8, usize)> = Vec::new();
    for (n, &(t, _, _)) in toks.iter().enumerate() {
        match t {
            Tok::Open(c) => stack.push((c, n)),
            Tok::Close(c) => {
                let want = match c {
                    b'}' => b'{',
                    b']' => b'[',
                    _ => b'(',
                };
                if let Some(k) = stack.iter().rposition(|&(o, _)| o == want) {
                    for (_, open) in stack.drain(k..) {
                        close[open] = n;
                    }
                }
            }
            _ => {}
        }
    }
    Lexed { text, toks, close }
}

/// A value: a token range `[from, to)` in the lexed file.
#[derive(Clone, Copy)]
struct Val(usize, usize);

impl Lexed<'_> {
    /// The entries (or elements) directly inside the group opened at token `open`, split at
    /// commas: `(key, value)` for `key: value` in an object, `(None, value)` otherwise.
    fn items(&self, open: usize) -> Vec<(Option<String>, Val)> {
        let end = self.close[open];
        let mut out = Vec::new();
        let mut from = open + 1;
        let mut i = from;
        while i <= end {
            let t = self.toks.get(i).map(|t| t.0);
            if i == end || t == Some(Tok::Comma) {
                if from < i {
                    out.push(self.entry(from, i));
                }
                from = i + 1;
                i += 1;
            } else if matches!(t, Some(Tok::Open(_))) {
                i = self.close[i] + 1;
            } else {
                i += 1;
            }
        }
        out
    }

    fn entry(&self, from: usize, to: usize) -> (Option<String>, Val) {
        let key = match self.toks[from].0 {
            Tok::Ident => Some(self.raw(from, from + 1).to_string()),
            Tok::Str => Some(self.string(from)),
            _ => None,
        };
        match key {
            Some(k) if self.toks.get(from + 1).map(|t| t.0) == Some(Tok::Colon) => {
                (Some(k), Val(from + 2, to))
            }
            _ => (None, Val(from, to)),
        }
    }

    fn raw(&self, from: usize, to: usize) -> &str {
        if from >= to {
            return "";
        }
        &self.text[self.toks[from].1..self.toks[to - 1].2]
    }

    fn string(&self, n: usize) -> String {
        let (_, s, e) = self.toks[n];
        let inner = &self.text[s + 1..e.saturating_sub(1).max(s + 1)];
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(o) => out.push(o),
                    None => {}
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    /// The object opened by the value, if the value is exactly one `{…}`.
    fn object(&self, v: Val) -> Option<usize> {
        (v.0 < v.1 && self.toks[v.0].0 == Tok::Open(b'{') && self.close[v.0] + 1 == v.1)
            .then_some(v.0)
    }

    fn array(&self, v: Val) -> Option<usize> {
        (v.0 < v.1 && self.toks[v.0].0 == Tok::Open(b'[') && self.close[v.0] + 1 == v.1)
            .then_some(v.0)
    }

    /// A plain literal: `Ok(Some(text))` for a string or `true`/`false`, `Ok(None)` for
    /// `undefined`, `Err(raw)` for anything else.
    fn literal(&self, v: Val) -> Result<Option<String>, String> {
        if v.1 == v.0 + 1 {
            match self.toks[v.0].0 {
                Tok::Str => return Ok(Some(self.string(v.0))),
                Tok::Ident => match self.raw(v.0, v.1) {
                    "undefined" => return Ok(None),
                    b @ ("true" | "false") => return Ok(Some(b.to_string())),
                    _ => {}
                },
                _ => {}
            }
        }
        let raw: String = self.raw(v.0, v.1).chars().take(60).collect();
        Err(raw)
    }
}

/// Keys only a Docusaurus config object has directly.
const CONFIG_KEYS: [&str; 6] = [
    "url",
    "baseUrl",
    "presets",
    "title",
    "themeConfig",
    "plugins",
];

/// Reads the config; returns the values read and a note per key that could not be read.
pub fn read_site_config(text: &str) -> (SiteConfig, Vec<String>) {
    let lx = lex(text);
    let mut problems = Vec::new();
    let mut cfg = SiteConfig::default();
    // The config object: the outermost `{…}` with a key only a config has.
    let mut depth = 0usize;
    let mut best: Option<(usize, usize)> = None;
    let mut depth_at = vec![0usize; lx.toks.len()];
    for (n, &(t, _, _)) in lx.toks.iter().enumerate() {
        depth_at[n] = depth;
        match t {
            Tok::Open(_) => depth += 1,
            Tok::Close(_) => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    for (n, &(t, _, _)) in lx.toks.iter().enumerate() {
        if t != Tok::Open(b'{') || best.is_some_and(|(d, _)| d <= depth_at[n]) {
            continue;
        }
        let keys = lx.items(n);
        if keys
            .iter()
            .any(|(k, _)| k.as_deref().is_some_and(|k| CONFIG_KEYS.contains(&k)))
        {
            best = Some((depth_at[n], n));
        }
    }
    let Some((_, root)) = best else {
        problems.push("no config object with a `url` found; links stay relative".to_string());
        return (cfg, problems);
    };
    let entries = lx.items(root);
    let get = |key: &str| entries.iter().find(|(k, _)| k.as_deref() == Some(key));
    let mut read = |key: &str, fallback: &str, v: Option<Val>| -> Option<String> {
        match lx.literal(v?) {
            Ok(s) => s,
            Err(raw) => {
                problems.push(format!(
                    "`{key}` is not a plain string literal (`{raw}`); {fallback}"
                ));
                None
            }
        }
    };
    cfg.url = read(
        "url",
        "no docs URL is used (links stay relative)",
        get("url").map(|e| e.1),
    );
    cfg.base_url = read(
        "baseUrl",
        "`/` is used instead",
        get("baseUrl").map(|e| e.1),
    );
    cfg.trailing_slash = match read(
        "trailingSlash",
        "it is left unset",
        get("trailingSlash").map(|e| e.1),
    )
    .as_deref()
    {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    if let Some(docs) = docs_options(
        &lx,
        get("presets").map(|e| e.1),
        get("plugins").map(|e| e.1),
    ) {
        let opts = lx.items(docs);
        let opt = |key: &str| {
            opts.iter()
                .find(|(k, _)| k.as_deref() == Some(key))
                .map(|e| e.1)
        };
        cfg.route_base_path = read(
            "routeBasePath",
            "`docs` is used instead",
            opt("routeBasePath"),
        );
        cfg.docs_path = read("path", "`docs` is used instead", opt("path"));
    }
    if cfg.url.is_none() && get("url").is_none() {
        problems.push("the config has no top-level `url`; links stay relative".to_string());
    }
    (cfg, problems)
}

/// The docs plugin's options object: the classic preset's `docs: {…}`, else the options of a
/// `@docusaurus/plugin-content-docs` without an `id` (or with `id: 'default'`).
fn docs_options(lx: &Lexed<'_>, presets: Option<Val>, plugins: Option<Val>) -> Option<usize> {
    // `[name, {options}]` pairs in an array value.
    let pairs = |v: Option<Val>| -> Vec<(String, usize)> {
        let Some(arr) = v.and_then(|v| lx.array(v)) else {
            return Vec::new();
        };
        lx.items(arr)
            .into_iter()
            .filter_map(|(_, el)| {
                let pair = lx.items(lx.array(el)?);
                let name = lx.literal(pair.first()?.1).ok()??;
                Some((name, lx.object(pair.get(1)?.1)?))
            })
            .collect()
    };
    for (name, opts) in pairs(presets) {
        if name.contains("classic") {
            let items = lx.items(opts);
            if let Some((_, v)) = items.iter().find(|(k, _)| k.as_deref() == Some("docs")) {
                if let Some(docs) = lx.object(*v) {
                    return Some(docs);
                }
            }
        }
    }
    pairs(plugins).into_iter().find_map(|(name, opts)| {
        let items = lx.items(opts);
        let id = items
            .iter()
            .find(|(k, _)| k.as_deref() == Some("id"))
            .map(|(_, v)| lx.literal(*v));
        let default = matches!(id, None | Some(Ok(None))) || id == Some(Ok(Some("default".into())));
        (name.contains("plugin-content-docs") && default).then_some(opts)
    })
}
