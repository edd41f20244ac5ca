//! Issue 17, the curriculum's input side, each case on a small site written by the test (hostile
//! parts generated): inline JSX in `.mdx`, two folders with one slug and two pages with one route,
//! `docusaurus.config.*` read right (comments, nesting, non-literals, `javascript:`, bad bytes,
//! size), category files (`"position": "5"`, `.yml`, bad bytes), paths relative to the curriculum
//! folder, and Docusaurus routing (index pages, `_` folders, trailing `/`, draft, unlisted,
//! `parse_number_prefixes`).

use curriculum_bot::curriculum::{Curriculum, Diagnostic, Parsed, Severity};
use curriculum_bot::load::{load, MAX_SMALL_FILE};
use std::path::PathBuf;

const GOOD: &str = "## Tools\n- **Containers**\n  - Docker basics\n  - **Resources:**\n    - [Docker Docs](https://docs.example.com/docker) - Containers\n";

struct Site(PathBuf);

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Site {
    fn new(name: &str, files: &[(&str, &[u8])]) -> Site {
        let d = std::env::temp_dir().join(format!("cb-site-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        for (f, bytes) in files {
            let p = d.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, bytes).unwrap();
        }
        Site(d)
    }

    fn load(&self, sub: &str) -> Parsed {
        load(&self.0.join(sub), None).unwrap()
    }
}

fn of(p: &Parsed, sev: Severity) -> Vec<Diagnostic> {
    p.check()
        .into_iter()
        .filter(|d| d.severity == sev)
        .collect()
}

fn url_of(c: &Curriculum, path: &str) -> Option<String> {
    let p = c.pages.iter().find(|p| p.path == path).expect(path);
    p.url.clone()
}

fn config(body: &str) -> String {
    format!("import type {{Config}} from '@docusaurus/types';\n{body}\nexport default config;\n")
}

/// Item 4: Docusaurus's own inline example hides nothing: the sentence and every later line stay.
#[test]
fn inline_jsx_keeps_the_rest_of_the_page() {
    let mut page = String::from("# Colours\n\n## Favourites\n<Highlight color=\"#25c2a0\">green</Highlight> and <Highlight color=\"#1877F2\">blue</Highlight> are my favorite colors.\n\n");
    // Generated: 300 lines mixing inline tags, multi-line tags and list items.
    for i in 0..300 {
        match i % 3 {
            0 => page.push_str(&format!("- **Topic {i}** <Badge n={{{i}}} />\n")),
            1 => page.push_str(&format!("  - item {i} with <Kbd>Ctrl</Kbd> inside\n")),
            _ => page.push_str(&format!("\n<Card\n  title=\"t{i} > x\"\n/>\n\n")),
        }
    }
    let site = Site::new("jsx", &[("colours.mdx", page.as_bytes())]);
    let c = site.load("").curriculum;
    let items: Vec<&str> = c.items.iter().map(|i| i.text.as_str()).collect();
    for i in (1..300).step_by(3) {
        let want = format!("item {i} with Ctrl inside");
        assert!(items.contains(&want.as_str()), "{want}: {items:?}");
    }
    let topics = c
        .topics
        .iter()
        .filter(|t| t.title.starts_with("Topic"))
        .count();
    assert_eq!(topics, 100);
    assert!(items
        .iter()
        .all(|t| !t.contains('<') && !t.contains("title=")));
}

/// Item 5: two folders with one slug and two pages with one route are errors naming both.
#[test]
fn one_slug_for_two_folders_and_one_route_for_two_pages_are_errors() {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for dir in [
        "mlops-engineering",
        "12-mlops-engineering",
        "03-MLOps-Engineering",
        "ops",
    ] {
        files.push((format!("{dir}/start.md"), GOOD.into()));
    }
    files.push((
        "ops/a.md".into(),
        b"---\nslug: /ops/same\n---\n# A\n".to_vec(),
    ));
    files.push(("ops/same.md".into(), b"# Same\n".to_vec()));
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(a, b)| (a.as_str(), &b[..])).collect();
    let site = Site::new("dupes", &refs);
    let p = site.load("");
    let errors: Vec<String> = of(&p, Severity::Error)
        .iter()
        .map(|d| d.to_string())
        .collect();
    let slug_errors: Vec<&String> = errors
        .iter()
        .filter(|e| e.contains("track folders"))
        .collect();
    assert_eq!(slug_errors.len(), 2, "{errors:?}");
    for dup in [
        "12-mlops-engineering/:1: error",
        "mlops-engineering/:1: error",
    ] {
        assert!(
            slug_errors
                .iter()
                .any(|e| e.starts_with(dup) && e.contains("`03-MLOps-Engineering`")),
            "{dup}: {errors:?}"
        );
    }
    // Their pages claim one route too, and that is said once per extra page.
    assert!(
        errors
            .iter()
            .any(|e| e.contains("route `/mlops-engineering/start`")),
        "{errors:?}"
    );
    let route = errors
        .iter()
        .find(|e| e.contains("route `/ops/same`"))
        .expect("route error");
    assert!(
        route.starts_with("ops/same.md:1: error") && route.contains("`ops/a.md`"),
        "{route}"
    );
}

/// Item 6: comments, nested `url`s and a blog's `routeBasePath` are not read.
#[test]
fn the_config_reads_only_the_top_level_and_the_docs_plugin() {
    let cfg = config(
        "// url: 'https://staging.example.org',\n/* url: 'https://old.example.org', */\nconst config: Config = {\n  customFields: { url: 'https://custom.example.org', routeBasePath: 'x' },\n  title: 'T', // url: 'https://inline.example.org'\n  url: 'https://learn.example.org', /* baseUrl: '/wrong/' */\n  baseUrl: '/academy/',\n  presets: [['classic', {\n    blog: { routeBasePath: 'news', path: 'blog' },\n    docs: { path: 'content', routeBasePath: 'tracks' },\n  }]],\n  themeConfig: { navbar: { title: 'x', url: 'https://nav.example.org' } },\n};",
    );
    let site = Site::new(
        "cfg",
        &[
            ("docusaurus.config.ts", cfg.as_bytes()),
            ("content/01-ops/index.md", GOOD.as_bytes()),
            ("content/01-ops/02-run.md", GOOD.as_bytes()),
        ],
    );
    let p = site.load("content/01-ops");
    // Nothing about the config (the fixture's pages are no concern here).
    let about_config: Vec<_> = of(&p, Severity::Warning)
        .into_iter()
        .filter(|d| d.origin.file.contains("docusaurus.config"))
        .collect();
    assert!(about_config.is_empty(), "{:?}", p.check());
    let c = &p.curriculum;
    assert_eq!(
        url_of(c, "02-run.md").as_deref(),
        Some("https://learn.example.org/academy/tracks/ops/run")
    );
    // trailingSlash unset: the index page's URL ends in `/`, as Docusaurus serves it.
    assert_eq!(
        url_of(c, "index.md").as_deref(),
        Some("https://learn.example.org/academy/tracks/ops/")
    );
}

/// Item 6: a value that is not a plain literal is a warning naming the key and the fallback; a
/// `javascript:` URL is refused; nothing of either reaches a link.
#[test]
fn non_literal_and_unsafe_config_values_are_warnings() {
    for (body, key, fallback, url) in [
        (
            "const projectName = 'p';\nconst config = { url: 'https://x.example.org', baseUrl: '/' + projectName + '/' };",
            "`baseUrl`",
            "`/` is used instead",
            Some("https://x.example.org/docs/a"),
        ),
        (
            "const config = { url: 'javascript:alert(1)//', baseUrl: '/' };",
            "javascript",
            "links stay relative",
            None,
        ),
        (
            "const config = { url: process.env.SITE_URL ?? 'https://x.example.org', baseUrl: '/' };",
            "`url`",
            "no docs URL is used",
            None,
        ),
        (
            "const config = { url: 'https://x.example.org', baseUrl: `/${name}/`, presets: [['classic', { docs: { routeBasePath: dir } }]] };",
            "`routeBasePath`",
            "`docs` is used instead",
            Some("https://x.example.org/docs/a"),
        ),
        (
            "const config = { url: 'https://x.example.org', baseUrl: '/my docs/' };",
            "not contain ' '",
            "links stay relative",
            None,
        ),
    ] {
        let cfg = config(body);
        let site = Site::new(
            "cfg-bad",
            &[("docusaurus.config.js", cfg.as_bytes()), ("docs/a.md", GOOD.as_bytes())],
        );
        let p = site.load("docs");
        let warnings: Vec<String> = of(&p, Severity::Warning).iter().map(|d| d.to_string()).collect();
        assert!(
            warnings.iter().any(|w| w.starts_with("../docusaurus.config.js:1: warning")
                && w.contains(key)
                && w.contains(fallback)),
            "{body}: {warnings:?}"
        );
        assert!(of(&p, Severity::Error).is_empty(), "{body}");
        assert_eq!(url_of(&p.curriculum, "a.md").as_deref(), url, "{body}");
    }
}

/// Item 6: a config that is not UTF-8 or is too large says so; generated junk never panics.
#[test]
fn unreadable_and_hostile_configs_say_so() {
    let big = format!(
        "const config = {{ url: 'https://x.example.org', title: '{}' }};",
        "a".repeat(MAX_SMALL_FILE as usize)
    );
    for (bytes, what) in [
        (
            b"const config = { url: 'https://x.example.org\xff' };".to_vec(),
            "not UTF-8",
        ),
        (big.into_bytes(), "more than"),
    ] {
        let site = Site::new(
            "cfg-unread",
            &[
                ("docusaurus.config.ts", &bytes),
                ("docs/a.md", GOOD.as_bytes()),
            ],
        );
        let p = site.load("docs");
        let w = of(&p, Severity::Warning);
        assert!(
            w.iter()
                .any(|d| d.origin.file == "../docusaurus.config.ts" && d.message.contains(what)),
            "{what}: {w:?}"
        );
        assert_eq!(url_of(&p.curriculum, "a.md"), None);
    }
    // Deep nesting, unclosed strings and comments, stray closers: no panic, no URL invented.
    let mut junk = String::from("const config = {");
    for i in 0..20_000 {
        junk.push_str(["{[(", "url: ", "'x", "/*", "}])", "`${", "\"", ","][i % 8]);
    }
    let (cfg, _) = curriculum_bot::curriculum::route::read_site_config(&junk);
    assert!(cfg.docs_url().map_or(true, |u| u.is_none()));
}

/// Minor: a string `position` keeps the label; `_category_.yml` is read; a non-UTF-8 or invalid
/// category file is a warning (the folder name is used), never an error that holds a reload.
#[test]
fn category_files_are_read_alike_and_problems_are_warnings() {
    let site = Site::new(
        "cats",
        &[
            ("a/_category_.json", br#"{"label": "Alpha Track", "position": "5"}"#),
            ("a/x.md", GOOD.as_bytes()),
            ("b/_category_.yml", b"label: 'Beta Track'\nposition: 1\nlink:\n  type: generated-index\n  description: Beta things\n"),
            ("b/x.md", GOOD.as_bytes()),
            ("c/_category_.json", b"{\"label\": \"C\xff\"}"),
            ("c/x.md", GOOD.as_bytes()),
            ("d/_category_.json", b"{ label: oops"),
            ("d/x.md", GOOD.as_bytes()),
        ],
    );
    let p = site.load("");
    let c = &p.curriculum;
    let tracks: Vec<(&str, &str, Option<i64>)> = c
        .tracks
        .iter()
        .map(|t| (t.slug.as_str(), t.label.as_str(), t.position))
        .collect();
    assert_eq!(
        tracks,
        [
            ("b", "Beta Track", Some(1)),
            ("a", "Alpha Track", Some(5)),
            ("c", "C", None),
            ("d", "D", None)
        ]
    );
    assert_eq!(c.tracks[0].description.as_deref(), Some("Beta things"));
    assert!(of(&p, Severity::Error).is_empty(), "{:?}", p.check());
    let w = of(&p, Severity::Warning);
    for (file, what) in [
        ("c/_category_.json", "UTF-8"),
        ("d/_category_.json", "not valid JSON"),
    ] {
        assert!(
            w.iter().any(|d| d.origin.file == file
                && d.message.contains(what)
                && d.message.contains("folder name is used instead")),
            "{file}: {w:?}"
        );
    }
}

/// Minor: diagnostics name files relative to the curriculum folder, never the server's path.
#[test]
fn diagnostics_name_files_relative_to_the_curriculum_folder() {
    let site = Site::new(
        "rel",
        &[
            ("t/bad.md", b"# Bad \xff\n"),
            ("t/ok.md", b"# Ok\n- [x](missing.md)\n"),
        ],
    );
    let shown: Vec<String> = site
        .load("")
        .check()
        .iter()
        .map(|d| d.to_string())
        .collect();
    let abs = site.0.display().to_string();
    assert!(shown.iter().all(|d| !d.contains(&abs)), "{shown:?}");
    assert!(
        shown.iter().any(|d| d.starts_with("t/bad.md:1: error")),
        "{shown:?}"
    );
}

/// Minor: Docusaurus routing as its source has it.
#[test]
fn routing_follows_docusaurus() {
    let site = Site::new(
        "routes",
        &[
            ("02-ml/02-ml.md", b"# ML\n## Links\n- [Setup](setup) - here\n- [Up](../other/) - there\n"),
            ("02-ml/ml.md", b"# Not the index\n"),
            ("02-ml/setup.md", b"# Setup\n"),
            ("02-ml/2021-11-notes.md", b"# Notes\n"),
            ("02-ml/03-keep.md", b"---\nparse_number_prefixes: false\n---\n# Keep\n"),
            ("02-ml/draft.md", b"---\ndraft: true\n---\n# Draft\n## Links\n- [Hidden](https://hidden.example.org) - no\n"),
            ("02-ml/secret.md", b"---\nunlisted: true\n---\n# Secret\n## Links\n- [Quiet](https://quiet.example.org) - no\n"),
            ("02-ml/_partials/x.md", b"# Partial\n"),
            ("_drafts/y.md", b"# Draft folder\n"),
        ],
    );
    let p = load(&site.0, Some("https://d.example.org/docs")).unwrap();
    let c = &p.curriculum;
    let urls: Vec<(&str, &str)> = c
        .pages
        .iter()
        .map(|p| (p.path.as_str(), p.url.as_deref().unwrap_or("")))
        .collect();
    let want = [
        ("02-ml/02-ml.md", "https://d.example.org/docs/ml/"),
        (
            "02-ml/03-keep.md",
            "https://d.example.org/docs/02-ml/03-keep",
        ),
        (
            "02-ml/2021-11-notes.md",
            "https://d.example.org/docs/ml/2021-11-notes",
        ),
        ("02-ml/ml.md", "https://d.example.org/docs/ml/ml"),
        ("02-ml/secret.md", "https://d.example.org/docs/ml/secret"),
        ("02-ml/setup.md", "https://d.example.org/docs/ml/setup"),
    ];
    let mut got = urls.clone();
    got.sort();
    assert_eq!(got, want);
    // From the index page (URL ending in `/`), relative links resolve inside its folder.
    let links: Vec<String> = c
        .resources
        .iter()
        .map(|r| r.link.display().to_string())
        .collect();
    assert!(
        links.contains(&"https://d.example.org/docs/ml/setup".to_string()),
        "{links:?}"
    );
    assert!(
        links.contains(&"https://d.example.org/docs/other/".to_string()),
        "{links:?}"
    );
    // Draft: not read at all; unlisted: a URL, but nothing on it listed or searchable.
    assert!(
        links
            .iter()
            .all(|l| !l.contains("hidden") && !l.contains("quiet")),
        "{links:?}"
    );
    let secret = c
        .pages
        .iter()
        .position(|p| p.path.ends_with("secret.md"))
        .unwrap();
    assert!(c.tracks.iter().all(|t| !t.pages.contains(&secret)));
    assert!(of(&p, Severity::Error).is_empty(), "{:?}", p.check());
}

/// Item 6: `CURRICULUM_BASE_URL` gets the same check as a URL read from the config.
#[test]
fn the_base_url_setting_is_checked_the_same_way() {
    let try_url = |u: &str| {
        let u = u.to_string();
        curriculum_bot::config::Settings::from_vars(move |k| match k {
            "CURRICULUM_BASE_URL" => Some(u.clone()),
            _ => None,
        })
    };
    for bad in [
        "javascript:alert(1)",
        "https://x.example.org/my docs",
        "https://",
    ] {
        let Err(e) = try_url(bad) else {
            panic!("{bad} accepted")
        };
        assert_eq!(e.key, "CURRICULUM_BASE_URL", "{bad}");
    }
    assert!(try_url("https://x.example.org/docs/").is_ok());
}
