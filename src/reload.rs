//! Reloading the curriculum from disk, for `/curriculum reload|validate` and the watcher: read it
//! again off the async threads, diff it against what is served, and swap it in only when it has
//! no errors (one `Arc` swap: nothing half-loaded is ever served) and loses no track's modules or
//! most of its resources unless forced ([`hold`]). Reloads run one at a time. Stored track slugs
//! never change on a reload: [`tracks`] pauses what points at a missing track and resumes it
//! when it returns (or maps it with `rename:old=new`). The state remembers each moderator's last
//! diff (for paging buttons) and the version served (content hash), and records that version in
//! the store so every replica shows which one it serves.

pub mod hold;
mod report;
pub mod tracks;

pub use report::Report;

use crate::config::Settings;
use crate::curriculum::diff::{diff, SiteDiff};
use crate::curriculum::version::content_hash;
use crate::curriculum::{Diagnostic, Severity};
use crate::metrics::Metrics;
use crate::reply::Catalog;
use crate::store::Store;
use std::collections::VecDeque;
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
    /// The last diff per moderator (user id), newest last, at most [`DIFFS_KEPT`].
    last: Mutex<VecDeque<(String, Vec<String>)>>,
    version: Mutex<Version>,
    /// One refresh of the living pins at a time, the newest catalog winning.
    pub pins: crate::pins::Refresher,
}

/// Moderators whose last diff is kept for paging.
const DIFFS_KEPT: usize = 64;

impl ReloadState {
    /// The state for a bot that starts serving `catalog` at `now`.
    pub fn new(catalog: &Catalog, now: i64) -> ReloadState {
        ReloadState {
            replica: replica_id(),
            serial: tokio::sync::Mutex::new(()),
            last: Mutex::new(VecDeque::new()),
            pins: Default::default(),
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

    /// The last diff of a reload or validation `user` ran, one change a line.
    pub fn last_diff(&self, user: &str) -> Vec<String> {
        let last = lock(&self.last);
        let mine = last.iter().rev().find(|(u, _)| u == user);
        mine.map(|(_, d)| d.clone()).unwrap_or_default()
    }

    fn keep_diff(&self, user: &str, diff: Vec<String>) {
        let mut last = lock(&self.last);
        last.retain(|(u, _)| u != user);
        if last.len() >= DIFFS_KEPT {
            last.pop_front();
        }
        last.push_back((user.to_string(), diff));
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

/// What was asked.
#[derive(Debug, Clone, Default)]
pub struct Request {
    /// Swap the curriculum in (a reload), or only compare (a validation).
    pub swap_in: bool,
    /// Swap it in even when it would lose a track's modules or most of its resources.
    pub force: bool,
    /// Map the stored slug `old` to the new track `new` (with the reload).
    pub rename: Option<(String, String)>,
    /// Whose diff this is (kept for their paging buttons); `None` for the watcher.
    pub user: Option<String>,
}

/// Reads the curriculum again and compares it with `current()`; with `req.swap_in`, hands it to
/// `swap` when it has no errors and isn't held. One reload at a time; the diff is kept for the
/// user's paging buttons.
pub async fn run(
    ctx: &ReloadCtx<'_>,
    req: &Request,
    current: impl Fn() -> Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Report {
    let _one = ctx.state.serial.lock().await;
    let report = read_and_compare(ctx, req, &current, swap).await;
    if let (Some(diff), Some(user)) = (report.diff(), &req.user) {
        ctx.state.keep_diff(user, diff.lines());
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
    req: &Request,
    current: &impl Fn() -> Arc<Catalog>,
    swap: impl FnOnce(Catalog),
) -> Report {
    let Some((path, settings)) = ctx.source.cloned() else {
        return Report::Failed("this instance has no curriculum folder to reload from".into());
    };
    let served = current();
    let work = move || {
        let (cat, diags) = crate::load::load_catalog(&path, &settings)?;
        let d = diff(&served.curriculum, &cat.curriculum);
        let losses = hold::losses(&served.curriculum, &cat.curriculum);
        let hash = content_hash(&cat.curriculum);
        Ok::<_, crate::load::LoadError>((cat, diags, d, losses, hash))
    };
    let (cat, diags, diff, losses, hash) = match tokio::task::spawn_blocking(work).await {
        Ok(Ok(x)) => x,
        Ok(Err(e)) => return Report::Failed(e.to_string()),
        Err(e) => return Report::Failed(format!("the reload task failed: {e}")),
    };
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = diags
        .into_iter()
        .filter(|d| matches!(d.severity, Severity::Error | Severity::Warning))
        .partition(|d| d.severity == Severity::Error);
    if !(req.swap_in && errors.is_empty() && cat.errors == 0) {
        let tracks = match tracks::missing(ctx.store, &cat.curriculum).await {
            Ok(missing) => tracks::Followed {
                missing,
                ..Default::default()
            },
            Err(e) => {
                tracing::warn!(error = %e, "could not count what points at missing tracks");
                Default::default()
            }
        };
        return Report::Kept {
            diff,
            refused: req.swap_in,
            errors,
            warnings,
            tracks,
        };
    }
    if !losses.is_empty() && !req.force {
        return Report::Held { diff, losses };
    }
    let now = unix_now();
    // Mapped before the swap, so the pins' refresh the swap starts sees the new slug.
    let renamed = match &req.rename {
        Some((old, new)) => match tracks::rename(ctx.store, &cat.curriculum, old, new, now).await {
            Ok(moved) => Some(moved),
            Err(e) => return Report::Failed(e),
        },
        None => None,
    };
    swap(cat);
    let tracks = match tracks::follow(ctx.store, &current().curriculum, now).await {
        Ok(f) => f,
        Err(e) => {
            tracing::warn!(error = %e, "could not pause or resume subscriptions of missing tracks");
            Default::default()
        }
    };
    Report::Reloaded {
        diff,
        hash,
        warnings,
        tracks,
        renamed,
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
