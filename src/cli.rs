//! The subcommands behind the binary: `check`, `search`, `ask`, and loading the catalog they and
//! the bot share. Output goes to the writers given, so tests can read it.

use crate::app::App;
use crate::config::Settings;
use crate::curriculum::Parsed;
use crate::ports::Discord;
use crate::ports::RestError;
use crate::reply::{self, ask, Catalog};
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

/// Exit codes: 0 fine, 1 curriculum errors, 2 bad command or option.
pub const EXIT_ERRORS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// `check [PATH]`: prints diagnostics and a summary; exit 1 on errors.
pub fn check(path: &Path, settings: &Settings, out: &mut dyn Write) -> std::io::Result<u8> {
    let parsed = match crate::load::load(path, settings.curriculum_base_url.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            writeln!(out, "error: {e}")?;
            return Ok(EXIT_ERRORS);
        }
    };
    let diags = parsed.check();
    for d in &diags {
        writeln!(out, "{d}")?;
    }
    let errors = Parsed::has_errors(&diags);
    let n_err = diags
        .iter()
        .filter(|d| d.severity == crate::curriculum::Severity::Error)
        .count();
    writeln!(
        out,
        "{}: {} ({} errors, {} warnings)",
        if errors { "FAILED" } else { "ok" },
        crate::curriculum::summary(&parsed.curriculum),
        n_err,
        diags.len() - n_err
    )?;
    Ok(if errors { EXIT_ERRORS } else { 0 })
}

/// `search QUERY [--json] [--limit N]`.
pub fn search(
    cat: &Catalog,
    query: &str,
    json: bool,
    limit: usize,
    out: &mut dyn Write,
) -> std::io::Result<u8> {
    let hits = cat.index.query(query, None, limit);
    if json {
        let rows: Vec<serde_json::Value> = hits
            .iter()
            .map(|h| {
                let d = &cat.index.docs()[h.doc];
                serde_json::json!({
                    "kind": d.kind, "title": d.title, "url": d.url,
                    "section": d.section, "score": h.score,
                })
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
            writeln!(
                out,
                "{:>2}. [{}] {}{url} — {} ({:.2})",
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
    Ok(if outcome.failed { EXIT_USAGE } else { 0 })
}

/// An `App` for offline use (`ask`, tests): effects are dry-run and the store is a throwaway
/// SQLite file, so `ask` never competes with a running bot for its database.
pub async fn offline_app(cat: Catalog) -> Result<Arc<App>, crate::store::StoreError> {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let dir = std::env::temp_dir().join(format!(
        "curriculum-bot-ask-{}-{n}-{nanos}",
        std::process::id()
    ));
    let url = format!("sqlite://{}/ask.db?mode=rwc", dir.display());
    let store = crate::store::open(&url, &crate::store::OpenOptions::default()).await?;
    Ok(Arc::new(App::new(cat, Arc::new(DryRun), store)))
}
