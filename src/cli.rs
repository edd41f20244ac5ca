//! The subcommands behind the binary: `check`, `search`, `ask`, and loading the catalog they and
//! the bot share. Output goes to the writers given, so tests can read it.

use crate::app::App;
use crate::config::Settings;
use crate::curriculum::{escape_control, Curriculum, Severity};
use crate::ports::Discord;
use crate::ports::RestError;
use crate::reply::{self, ask, Catalog};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

mod format;
pub use format::CheckFormat;

/// Exit codes: 0 fine, 1 curriculum errors, 2 bad command or option.
pub const EXIT_ERRORS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Diagnostics `check` prints, at most (then "… and N more").
pub const MAX_PRINTED: usize = 200;

/// `check [PATH]` as human text; see [`check_as`].
pub fn check(path: &Path, settings: &Settings, out: &mut dyn Write) -> std::io::Result<u8> {
    check_as(path, settings, CheckFormat::Text, out)
}

/// `check [PATH] --format F`: prints diagnostics (text: control characters escaped, at most
/// [`MAX_PRINTED`]; `github`: workflow annotations, as many; `json`: all of them in one
/// document), a summary per track and a total; exit 1 on errors, whatever the format.
pub fn check_as(
    path: &Path,
    settings: &Settings,
    format: CheckFormat,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    check_verbose(path, settings, format, false, out)
}

/// [`check_as`]; notes (a title naming several URLs…) only when `verbose`, and never as GitHub
/// annotations.
pub fn check_verbose(
    path: &Path,
    settings: &Settings,
    format: CheckFormat,
    verbose: bool,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let docs = site_docs(path);
    let path = docs.as_deref().unwrap_or(path);
    let parsed = match crate::load::load(path, settings.curriculum_base_url.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            let e = e.to_string();
            match format {
                CheckFormat::Text => writeln!(out, "error: {}", escape_control(&e))?,
                CheckFormat::Github => writeln!(out, "::error::{}", format::escape_data(&e))?,
                CheckFormat::Json => {
                    writeln!(out, "{}", serde_json::json!({ "ok": false, "error": e }))?
                }
            }
            return Ok(EXIT_ERRORS);
        }
    };
    let mut diags = parsed.check();
    let github = format == CheckFormat::Github;
    diags.retain(|d| d.severity != Severity::Note || (verbose && !github));
    let c = &parsed.curriculum;
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let (n_err, n_warn) = (count(Severity::Error), count(Severity::Warning));
    let errors = n_err > 0 || c.pages.is_empty();
    let code = if errors { EXIT_ERRORS } else { 0 };
    let tracks = track_summaries(c);
    let summary = crate::curriculum::summary(c);
    if format == CheckFormat::Json {
        let mut report = format::json_report(&diags, &tracks, &summary, !errors);
        report["modules"] = crate::curriculum::site::owners::report(c);
        writeln!(out, "{report}")?;
        return Ok(code);
    }
    // Diagnostics name files relative to the curriculum folder; an annotation needs the path
    // from where the workflow runs, so it gets the folder as given on the command line.
    let folder = if path.is_dir() {
        path
    } else {
        path.parent().unwrap_or(path)
    };
    for d in diags.iter().take(MAX_PRINTED) {
        match format {
            CheckFormat::Github => {
                let mut d = d.clone();
                d.origin.file = folder.join(&d.origin.file).display().to_string();
                writeln!(out, "{}", format::annotation(&d))?
            }
            _ => writeln!(out, "{d}")?,
        }
    }
    if diags.len() > MAX_PRINTED {
        writeln!(out, "… and {} more", diags.len() - MAX_PRINTED)?;
    }
    for line in tracks {
        writeln!(out, "{}", escape_control(&line))?;
    }
    writeln!(
        out,
        "{}: {} ({} errors, {} warnings)",
        if errors { "FAILED" } else { "ok" },
        summary,
        n_err,
        n_warn
    )?;
    Ok(code)
}

/// The docs folder of a Docusaurus site's root (a folder holding `docusaurus.config.*` and
/// `docs/`), so `check` on the root reads the docs rather than one track named "docs".
pub fn site_docs(path: &Path) -> Option<std::path::PathBuf> {
    let config = ["js", "ts", "mjs", "cjs", "mts"]
        .iter()
        .any(|e| path.join(format!("docusaurus.config.{e}")).is_file());
    let docs = path.join("docs");
    (config && docs.is_dir()).then_some(docs)
}

/// One line per track (and one for the site's root pages): what `check` found in it.
pub fn track_summaries(c: &Curriculum) -> Vec<String> {
    let mut lines = Vec::new();
    if !c.site_pages.is_empty() {
        lines.push(format!("site: {} root pages", c.site_pages.len()));
    }
    for t in &c.tracks {
        let total = t.total(c).map(|t| format!(" ({t})")).unwrap_or_default();
        let overview = t.overview.map_or("no overview".to_string(), |p| {
            format!("overview {}", c.pages[p].path)
        });
        lines.push(format!(
            "track {} \"{}\": {} pages, {} modules{total}, {} pathways, {} plan phases, {overview}{}",
            t.slug,
            t.label,
            t.pages.len(),
            t.modules.len(),
            t.pathways.len(),
            t.plan.len(),
            t.url.as_deref().map(|u| format!(", {u}")).unwrap_or_default()
        ));
    }
    lines
}

/// `search QUERY [--json] [--limit N] [--track SLUG]`. A JSON hit carries `track` (slug) and,
/// for a resource listed in several tracks, `tracks`.
pub fn search(
    cat: &Catalog,
    query: &str,
    json: bool,
    limit: usize,
    track: Option<&str>,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let c = &cat.curriculum;
    let only = match track {
        Some(name) => match c.track_by_name(name) {
            Some(t) => Some(t),
            None => {
                let known: Vec<&str> = c.tracks.iter().map(|t| t.slug.as_str()).collect();
                writeln!(
                    out,
                    "error: no track `{}`; the tracks are: {}",
                    escape_control(name),
                    known.join(", ")
                )?;
                return Ok(EXIT_USAGE);
            }
        },
        None => None,
    };
    let hits = match only {
        Some(t) => cat
            .index
            .query_where(query, None, limit, |d| d.tracks.contains(&t)),
        None => cat.index.query(query, None, limit),
    };
    let slug = |t: usize| c.tracks.get(t).map(|t| t.slug.clone());
    if json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                let d = &cat.index.docs()[h.doc];
                let mut row = serde_json::json!({
                    "kind": d.kind, "title": d.title, "url": d.url,
                    "section": d.section, "score": h.score,
                    "track": d.track().and_then(slug),
                });
                if d.tracks.len() > 1 {
                    row["tracks"] = d.tracks.iter().filter_map(|&t| slug(t)).collect();
                }
                row
            })
            .collect();
        writeln!(out, "{}", serde_json::Value::from(rows))?;
    } else if hits.is_empty() {
        let hint = cat
            .index
            .did_you_mean(query)
            .map(|s| format!(" Did you mean `{s}`?"))
            .unwrap_or_default();
        writeln!(out, "no matches for `{query}`.{hint}")?;
    } else {
        for (n, h) in hits.iter().enumerate() {
            let d = &cat.index.docs()[h.doc];
            let url = d
                .url
                .as_deref()
                .map(|u| format!(" <{u}>"))
                .unwrap_or_default();
            let tracks = if c.tracks.len() > 1 && !d.tracks.is_empty() {
                let names: Vec<String> = d.tracks.iter().filter_map(|&t| slug(t)).collect();
                format!(" [{}]", names.join(", "))
            } else {
                String::new()
            };
            writeln!(
                out,
                "{:>2}. [{}] {}{url} — {}{tracks} ({:.2})",
                n + 1,
                d.kind.as_str(),
                d.title,
                d.section,
                h.score
            )?;
        }
    }
    Ok(0)
}

/// Effects in `ask` touch no Discord: they are reported on stderr and succeed.
pub struct DryRun;

#[async_trait::async_trait]
impl Discord for DryRun {
    async fn create_message(
        &self,
        channel: &str,
        _: &reply::Message,
        _: Option<&str>,
    ) -> Result<String, RestError> {
        eprintln!("(ask: would post the card in channel {channel})");
        Ok("100000000000000099".into())
    }
    async fn pin(&self, channel: &str, message: &str) -> Result<(), RestError> {
        eprintln!("(ask: would pin message {message} in channel {channel})");
        Ok(())
    }
    async fn edit_message(
        &self,
        channel: &str,
        message: &str,
        _: &reply::Message,
    ) -> Result<(), RestError> {
        eprintln!("(ask: would edit message {message} in channel {channel})");
        Ok(())
    }
    async fn create_dm(&self, user: &str) -> Result<String, RestError> {
        eprintln!("(ask: would open a DM with user {user})");
        Ok("100000000000000098".into())
    }
    async fn messages_after(
        &self,
        _: &str,
        _: u64,
        _: u8,
    ) -> Result<Vec<crate::ports::PostedMessage>, RestError> {
        Ok(Vec::new())
    }
    async fn own_user_id(&self) -> Result<String, RestError> {
        Ok("100000000000000097".into())
    }
}

/// `ask "/command …" [--json]`: the same handler as the bot; exit 2 on a bad command or option.
pub async fn ask(
    app: &App,
    line: &str,
    json: bool,
    who: &ask::Asker,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    ask_with_png(app, line, json, who, None, out).await
}

/// [`ask`], also writing the reply's first attached file (`/roadmap`'s picture) to `png`.
pub async fn ask_with_png(
    app: &App,
    line: &str,
    json: bool,
    who: &ask::Asker,
    png: Option<&std::path::Path>,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let defs = reply::registry::definitions(&app.catalog().curriculum);
    let interaction = match ask::interaction(line, &defs, who) {
        Ok(i) => i,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            return Ok(EXIT_USAGE);
        }
    };
    let outcome = app.handle(&interaction).await;
    if json {
        let body = outcome.response.to_json();
        let data = body.get("data").cloned().unwrap_or(body);
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(&data).unwrap_or_default()
        )?;
    } else {
        write!(out, "{}", reply::render::text(&outcome.response))?;
    }
    if let Some(path) = png {
        let Some(file) = outcome.response.files().first() else {
            writeln!(out, "error: this reply has no picture to write")?;
            return Ok(EXIT_USAGE);
        };
        std::fs::write(path, &file.bytes)?;
        writeln!(out, "wrote {} ({} bytes)", path.display(), file.bytes.len())?;
    }
    Ok(if outcome.failed { EXIT_USAGE } else { 0 })
}

/// An `App` for offline use (`ask`, tests): effects are dry-run and the store is a throwaway
/// SQLite file in its own temporary folder, so `ask` never competes with a running bot for its
/// database. The folder is removed when the `App` is dropped.
pub async fn offline_app(cat: Catalog) -> Result<Arc<App>, crate::store::StoreError> {
    offline_app_from(cat, None).await
}

/// [`offline_app`] that can `/curriculum reload|validate` from `source` (folder, settings).
pub async fn offline_app_from(
    cat: Catalog,
    source: Option<(std::path::PathBuf, crate::config::Settings)>,
) -> Result<Arc<App>, crate::store::StoreError> {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let scratch = ScratchDir(std::env::temp_dir().join(format!(
        "curriculum-bot-ask-{}-{n}-{nanos}",
        std::process::id()
    )));
    let url = format!("sqlite://{}/ask.db?mode=rwc", scratch.0.display());
    let store = crate::store::open(&url, &crate::store::OpenOptions::default()).await?;
    let app = App::new(cat, Arc::new(DryRun), store).keeping(scratch);
    Ok(Arc::new(match source {
        Some((path, settings)) => app.with_source(path, settings),
        None => app,
    }))
}

/// A temporary folder, removed (with what is in it) when dropped.
struct ScratchDir(std::path::PathBuf);

impl Drop for ScratchDir {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_dir_all(&self.0) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(path = %self.0.display(), error = %e, "could not remove a scratch folder");
            }
        }
    }
}
