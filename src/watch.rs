//! `CURRICULUM_WATCH=true`: reloads the curriculum by itself when files under `CURRICULUM_PATH`
//! change. `notify` reports changes into a channel; one task `select!`s over the debounce sleep,
//! that channel and shutdown (like the delivery loop), so a `git pull` of 60 files is one reload:
//! it waits for [`Debounce::quiet`] without a change, at most [`Debounce::max`] after the first.

use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};
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
/// renamed, and not a hidden file (editor swap files, `.git`).
fn is_change(ev: &notify::Event) -> bool {
    let kind = matches!(
        ev.kind,
        EventKind::Create(_)
            | EventKind::Modify(_)
            | EventKind::Remove(_)
            | EventKind::Access(AccessKind::Close(AccessMode::Write))
    );
    let visible = |p: &std::path::PathBuf| {
        !p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
    };
    kind && (ev.paths.is_empty() || ev.paths.iter().any(visible))
}

/// Watches `path` (a folder recursively; a page through its folder) and runs [`debounce`] in a
/// task until `shutdown`. The watcher lives as long as the task.
pub fn spawn<F, Fut>(
    path: &Path,
    d: Debounce,
    shutdown: impl Future<Output = ()> + Send + 'static,
    reload: F,
) -> Result<tokio::task::JoinHandle<()>, notify::Error>
where
    F: FnMut() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send,
{
    // One pending signal is enough: the loop only needs to know that something changed.
    let (tx, rx) = mpsc::channel(1);
    let mut watcher =
        notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(ev) if is_change(&ev) => {
                let _ = tx.try_send(());
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "curriculum watcher"),
        })?;
    let (target, mode) = if path.is_dir() {
        (path.to_path_buf(), RecursiveMode::Recursive)
    } else {
        let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
        (
            parent.unwrap_or(Path::new(".")).to_path_buf(),
            RecursiveMode::NonRecursive,
        )
    };
    watcher.watch(&target, mode)?;
    tracing::info!(path = %target.display(), "watching the curriculum for changes");
    Ok(tokio::spawn(async move {
        let _watcher = watcher;
        debounce(rx, d, shutdown, reload).await;
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
