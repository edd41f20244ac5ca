//! Reloading the curriculum from disk, for `/curriculum reload|validate` and the watcher: read it
//! again off the async threads, diff it against what is served, and swap it in only when it has
//! no errors (one `Arc` swap: nothing half-loaded is ever served). Reloads run one at a time. The
//! state remembers the last diff (for paging buttons) and the version served (content hash), and
//! records that version in the store so every replica shows which one it serves.

use crate::config::Settings;
use crate::curriculum::diff::{diff, SiteDiff};
use crate::curriculum::version::content_hash;
use crate::curriculum::{Diagnostic, Severity};
use crate::metrics::Metrics;
use crate::reply::Catalog;
use crate::store::Store;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The version a replica serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub hash: String,
    pub loaded_at: i64,
}

/// Shared by every reload of one running bot.
pub struct ReloadState {
    /// This process: `hostname-pid-random`, fixed at start.
    pub replica: String,
    serial: tokio::sync::Mutex<()>,
    last: Mutex<Vec<String>>,
    version: Mutex<Version>,
}

impl ReloadState {
    /// The state for a bot that starts serving `catalog` at `now`.
    pub fn new(catalog: &Catalog, now: i64) -> ReloadState {
        ReloadState {
            replica: replica_id(),
            serial: tokio::sync::Mutex::new(()),
            last: Mutex::new(Vec::new()),
            version: Mutex::new(Version {
                hash: content_hash(&catalog.curriculum),
                loaded_at: now,
            }),
        }
    }

    /// The version served now.
    pub fn version(&self) -> Version {
        lock(&self.version).clone()
    }

    /// The last reload's or validation's diff, one change a line.
    pub fn last_diff(&self) -> Vec<String> {
        lock(&self.last).clone()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// `hostname-pid-nonce`: distinct for every process, even two on one host.
fn replica_id() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| {
            h.trim()
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(64)
                .collect::<String>()
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{host}-{}-{nanos:x}", std::process::id())
}

/// What a reload needs, without the whole app.
pub struct ReloadCtx<'a> {
    pub source: Option<&'a (PathBuf, Settings)>,
    pub store: &'a dyn Store,
    pub state: &'a ReloadState,
    pub metrics: &'a Metrics,
}

/// How a reload (or a validation) went.
#[derive(Debug)]
pub enum Report {
    /// Swapped in: what changed and the new version.
    Reloaded {
        diff: SiteDiff,
        hash: String,
        warnings: usize,
    },
    /// Read and compared, not swapped: a validation, or a reload refused for its `errors`.
    Kept {
        diff: SiteDiff,
        errors: Vec<Diagnostic>,
        refused: bool,
    },
    /// Nothing could be read (no source, a missing folder): the old curriculum stays.
    Failed(String),
}

impl Report {
    /// One line for the log or a channel: the verb and the diff's summary.
    pub fn headline(&self) -> String {
        match self {
            Report::Reloaded {
                diff,
                hash,
                warnings,
            } => format!(
                "Reloaded (version {hash}, {warnings} warnings): {}",
                diff.summary()
            ),
            Report::Kept {
                errors,
                refused: true,
                ..
            } => format!(
                "Not reloaded: {} errors to fix first; still serving the old curriculum",
                errors.len()
            ),
            Report::Kept { diff, .. } => format!("Checked: {}", diff.summary()),
            Report::Failed(e) => format!("Not reloaded: {e}; still serving the old curriculum"),
        }
    }

    /// `file:line: message` of each error, at most `max`.
    pub fn errors(&self, max: usize) -> Vec<String> {
        match self {
            Report::Kept { errors, .. } => errors.iter().take(max).map(|d| d.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    fn outcome(&self) -> &'static str {
        match self {
            Report::Reloaded { .. } => "reloaded",
            Report::Kept { refused: true, .. } => "refused",
            Report::Kept { .. } => "validated",
            Report::Failed(_) => "failed",
        }
    }
}

/// Reads the curriculum again and compares it with `current()`; with `swap_in`, hands it to
/// `swap` when it has no errors. One reload at a time; the diff is kept for paging.
pub async fn run(
    ctx: &ReloadCtx<'_>,
    swap_in: bool,
    current: impl Fn() -> Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Report {
    let _one = ctx.state.serial.lock().await;
    let report = read_and_compare(ctx, swap_in, current(), swap).await;
    if let Report::Reloaded { .. } | Report::Kept { .. } = &report {
        let diff = match &report {
            Report::Reloaded { diff, .. } | Report::Kept { diff, .. } => diff.lines(),
            Report::Failed(_) => Vec::new(),
        };
        *lock(&ctx.state.last) = diff;
    }
    ctx.metrics.curriculum_reload(report.outcome());
    if let Report::Reloaded { hash, .. } = &report {
        let now = unix_now();
        *lock(&ctx.state.version) = Version {
            hash: hash.clone(),
            loaded_at: now,
        };
        ctx.metrics.curriculum_version(hash);
        record_version(ctx.store, ctx.state).await;
    }
    report
}

async fn read_and_compare(
    ctx: &ReloadCtx<'_>,
    swap_in: bool,
    current: Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Report {
    let Some((path, settings)) = ctx.source.cloned() else {
        return Report::Failed("this instance has no curriculum folder to reload from".into());
    };
    let work = move || {
        let (cat, diags) = crate::load::load_catalog(&path, &settings)?;
        let d = diff(&current.curriculum, &cat.curriculum);
        let hash = content_hash(&cat.curriculum);
        Ok::<_, crate::load::LoadError>((cat, diags, d, hash))
    };
    let (cat, diags, diff, hash) = match tokio::task::spawn_blocking(work).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return Report::Failed(e.to_string()),
        Err(e) => return Report::Failed(format!("the reload task failed: {e}")),
    };
    let errors: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if swap_in && errors.is_empty() && cat.errors == 0 {
        let warnings = cat.warnings;
        swap(cat);
        Report::Reloaded {
            diff,
            hash,
            warnings,
        }
    } else {
        Report::Kept {
            diff,
            refused: swap_in,
            errors,
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Records in the store that this replica serves the current version (logged on failure: a
/// store hiccup never blocks serving).
pub async fn record_version(store: &dyn Store, state: &ReloadState) {
    let v = state.version();
    if let Err(e) = store
        .record_curriculum_version(&state.replica, &v.hash, v.loaded_at)
        .await
    {
        tracing::warn!(error = %e, "could not record the curriculum version");
    }
}

/// What [`rebuild`] returns: the new catalog, its diff against the old one and its version.
pub struct Rebuilt {
    pub catalog: Catalog,
    pub diff: SiteDiff,
    pub hash: String,
}

/// The in-memory part of a reload, for benchmarks: parse `pages`, build the catalog (search
/// index included), diff it against `current` and hash it. `/curriculum reload` adds only the
/// disk reads and the `Arc` swap.
pub fn rebuild(
    pages: &[crate::curriculum::SourcePage],
    opts: &crate::curriculum::ParseOptions,
    current: &Catalog,
) -> Rebuilt {
    let parsed = crate::curriculum::parse(pages, opts);
    let catalog = Catalog::new(parsed, &crate::search::Aliases::default());
    let diff = diff(&current.curriculum, &catalog.curriculum);
    let hash = content_hash(&catalog.curriculum);
    Rebuilt {
        catalog,
        diff,
        hash,
    }
}
