//! `CURRICULUM_WATCH=true`: reloads the curriculum by itself when files under `CURRICULUM_PATH`
//! change. `notify` reports changes into a channel; one task `select!`s over the debounce sleep,
//! that channel and shutdown (like the delivery loop), so a `git pull` of 60 files is one reload:
//! it waits for [`Debounce::quiet`] without a change, at most [`Debounce::max`] after the first.
//! Only curriculum files count ([`scope`]: not the SQLite database beside a page). Before each
//! reload the folder is watched afresh (a folder replaced by `rm -rf` + copy, or a release
//! symlink swapped with `ln -sfn`, is seen through its parent, which is watched too) and the
//! files are left to settle (sizes and modification times unchanged between two looks).

pub mod scope;

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};
use scope::Scope;
use std::future::Future;
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How long to wait for changes to settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Debounce {
    /// Reload once no change came for this long.
    pub quiet: Duration,
    /// …but no later than this after the first change, however busy the folder is.
    pub max: Duration,
}

impl Default for Debounce {
    fn default() -> Self {
        Debounce {
            quiet: Duration::from_millis(500),
            max: Duration::from_secs(5),
        }
    }
}

/// The debounce loop: waits for a change, lets changes settle, calls `reload` once, repeats.
/// Changes during a reload start the next round. Returns on `shutdown` or when `changes` closes.
pub async fn debounce<F, Fut>(
    mut changes: mpsc::Receiver<()>,
    d: Debounce,
    shutdown: impl Future<Output = ()>,
    mut reload: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => return,
            change = changes.recv() => if change.is_none() { return },
        }
        let first = Instant::now();
        let last_call = first + d.max;
        let mut deadline = (first + d.quiet).min(last_call);
        let mut open = true;
        while open {
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep_until(deadline) => break,
                change = changes.recv() => match change {
                    Some(()) => deadline = (Instant::now() + d.quiet).min(last_call),
                    None => open = false,
                },
            }
        }
        reload().await;
        if !open {
            return;
        }
    }
}

/// Whether a file event is a change worth a reload: content written, created, removed or
/// renamed, of a curriculum file, folder or the watched path itself.
fn is_change(ev: &notify::Event, scope: &Scope) -> bool {
    let kind = matches!(
        ev.kind,
        EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Remove(_)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    );
    kind && ev.paths.iter().any(|p| scope.concerns(p))
}

/// How often files are looked at while they settle.
const SETTLE_LOOK: Duration = Duration::from_millis(250);

/// Waits until two looks [`SETTLE_LOOK`] apart see the same curriculum files with the same sizes
/// and modification times (a save written in chunks is done), at most `max`.
pub async fn settle(scope: &Scope, max: Duration) {
    let start = Instant::now();
    let look = |s: Scope| async move {
        tokio::task::spawn_blocking(move || s.snapshot())
            .await
            .unwrap_or_default()
    };
    let mut before = look(scope.clone()).await;
    while start.elapsed() < max {
        tokio::time::sleep(SETTLE_LOOK).await;
        let now = look(scope.clone()).await;
        if now == before {
            return;
        }
        tracing::debug!("curriculum files still changing; waiting for them to settle");
        before = now;
    }
    tracing::warn!("curriculum files still changing after {max:?}; reloading anyway");
}

/// The watches: the folder recursively (or a page's folder) and the folder's parent, to see the
/// folder itself replaced. Arming again after a replacement watches the new folder; a folder
/// that can't be watched (gone for now) is logged loudly and retried at the next change.
struct Watches {
    watcher: notify::RecommendedWatcher,
    scope: Scope,
    armed: bool,
}

impl Watches {
    fn arm(&mut self) {
        if self.scope.page {
            return;
        }
        if self.armed {
            let _ = self.watcher.unwatch(&self.scope.root);
        }
        self.armed = match self
            .watcher
            .watch(&self.scope.root, RecursiveMode::Recursive)
        {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(path = %self.scope.root.display(), error = %e,
                    "the curriculum folder can't be watched right now (replaced or removed?): \
                     changes inside it are not seen until it is back; its parent is still \
                     watched and the watch is set up again at its next change");
                false
            }
        };
    }
}

/// Watches `path` (a folder recursively, and its parent; a page through its folder) and runs
/// [`debounce`] in a task until `shutdown`; each reload first re-arms the watch and lets the
/// files settle. The watcher lives as long as the task.
pub fn spawn<F, Fut>(
    path: &Path,
    d: Debounce,
    shutdown: impl Future<Output = ()> + Send + 'static,
    mut reload: F,
) -> Result<tokio::task::JoinHandle<()>, notify::Error>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    // One pending signal is enough: the loop only needs to know that something changed.
    let (tx, rx) = mpsc::channel(1);
    let scope = Scope::new(path);
    let seen = scope.clone();
    let watcher =
        notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(ev) if is_change(&ev, &seen) => {
                let _ = tx.try_send(());
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "curriculum watcher"),
        })?;
    let mut w = Watches {
        watcher,
        scope: scope.clone(),
        armed: false,
    };
    w.watcher
        .watch(&scope.parent(), RecursiveMode::NonRecursive)?;
    if !scope.page {
        w.watcher.watch(&scope.root, RecursiveMode::Recursive)?;
        w.armed = true;
    }
    tracing::info!(path = %scope.root.display(), "watching the curriculum for changes");
    Ok(tokio::spawn(async move {
        debounce(rx, d, shutdown, move || {
            w.arm();
            let (scope, reload) = (w.scope.clone(), reload());
            async move {
                settle(&scope, d.max).await;
                reload.await;
            }
        })
        .await;
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Runs the loop over `events` (sent `gap` apart) in paused time and counts reloads.
    async fn reloads(events: usize, gap: Duration) -> (usize, Vec<Duration>) {
        let (tx, rx) = mpsc::channel(1);
        let count = Arc::new(AtomicUsize::new(0));
        let at = Arc::new(std::sync::Mutex::new(Vec::new()));
        let start = Instant::now();
        let (c, a) = (count.clone(), at.clone());
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(debounce(
            rx,
            Debounce::default(),
            async move {
                let _ = stop_rx.await;
            },
            move || {
                c.fetch_add(1, Ordering::SeqCst);
                a.lock().unwrap().push(start.elapsed());
                async {}
            },
        ));
        for _ in 0..events {
            // Like the watcher: a signal already pending makes this one redundant.
            let _ = tx.try_send(());
            tokio::time::sleep(gap).await;
        }
        tokio::time::sleep(Duration::from_secs(10)).await;
        let _ = stop_tx.send(());
        task.await.unwrap();
        let at = at.lock().unwrap().clone();
        (count.load(Ordering::SeqCst), at)
    }

    #[tokio::test(start_paused = true)]
    async fn a_burst_of_60_changes_is_one_reload_after_the_quiet() {
        let (n, at) = reloads(60, Duration::from_millis(5)).await;
        assert_eq!(n, 1);
        // The last change came at 295 ms; the reload 500 ms of quiet later.
        assert!(at[0] >= Duration::from_millis(795), "{at:?}");
        assert!(at[0] < Duration::from_millis(850), "{at:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_folder_that_never_settles_still_reloads_every_max() {
        // A change every 100 ms for 12 s: never 500 ms of quiet.
        let (n, at) = reloads(120, Duration::from_millis(100)).await;
        assert_eq!(n, 3, "{at:?}");
        assert!(
            at[0] >= Duration::from_secs(5) && at[0] < Duration::from_millis(5_200),
            "{at:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_changed_nothing_reloaded() {
        assert_eq!(reloads(0, Duration::ZERO).await.0, 0);
    }
}
