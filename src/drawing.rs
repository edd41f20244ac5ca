//! Pictures are drawn off the async threads: [`off_runtime`] runs CPU-bound drawing (`/roadmap`,
//! pinned cards' pictures) on tokio's blocking pool, at most [`AT_ONCE`] at a time, and waits for
//! it at most [`BUDGET`] (queueing included), so a slow or huge picture never stalls other
//! commands. Drawing is bounded on its own (see `roadmap::layout`); the budget is the backstop.

use std::time::Duration;
use tokio::sync::Semaphore;

/// How long a caller waits for a picture, queueing included.
pub const BUDGET: Duration = Duration::from_secs(5);
/// Pictures drawn at the same time, at most (the rest queue, within their budget).
pub const AT_ONCE: usize = 2;

static SLOTS: Semaphore = Semaphore::const_new(AT_ONCE);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("drawing took longer than {} s", .0.as_secs_f32())]
    TooSlow(Duration),
    #[error("the drawing task failed")]
    Failed,
}

/// `draw()` on the blocking pool within [`BUDGET`].
pub async fn off_runtime<T, F>(draw: F) -> Result<T, DrawError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    within(BUDGET, draw).await
}

/// `draw()` on the blocking pool, waiting at most `budget`. Past it the drawing still finishes
/// in the background (it is bounded) and keeps its slot until then.
pub async fn within<T, F>(budget: Duration, draw: F) -> Result<T, DrawError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let work = async move {
        let slot = SLOTS.acquire().await.map_err(|_| DrawError::Failed)?;
        let task = tokio::task::spawn_blocking(move || {
            let _slot = slot;
            draw()
        });
        task.await.map_err(|_| DrawError::Failed)
    };
    tokio::time::timeout(budget, work)
        .await
        .unwrap_or(Err(DrawError::TooSlow(budget)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[tokio::test(flavor = "current_thread")]
    async fn draws_on_another_thread_and_gives_up_past_its_budget() {
        let here = std::thread::current().id();
        let there = off_runtime(move || std::thread::current().id()).await;
        assert_ne!(there, Ok(here), "not on the runtime's thread");

        // A drawing that can't finish until the test lets it: the caller is answered at the
        // budget, and the runtime (one thread) keeps running meanwhile.
        let (release, wait) = mpsc::channel::<()>();
        let (done_tx, done) = mpsc::channel::<()>();
        let slow = within(Duration::from_millis(50), move || {
            let _ = wait.recv();
            let _ = done_tx.send(());
        });
        let other = async { 1 + 1 };
        let (slow, other) = tokio::join!(slow, other);
        assert_eq!(slow, Err(DrawError::TooSlow(Duration::from_millis(50))));
        assert_eq!(other, 2);
        release.send(()).unwrap();
        done.recv_timeout(Duration::from_secs(10))
            .expect("it finishes in the background");
        // Its slot is free again.
        assert_eq!(off_runtime(|| 7).await, Ok(7));
    }
}
