//! Discord's 3-second deadline, in one place. Both transports answer through [`respond`]: it runs
//! `App::handle` in a task of its own and waits for it at most [`Deadlines::ack`] from the
//! interaction's receipt. In time, the answer is the callback as before; late, the transport
//! acknowledges with a deferred response (callback type 5, ephemeral unless the command answers
//! publicly) and [`finish`] edits the original response once the answer is ready. All the work,
//! REST retries included, is bounded by [`Deadlines::work`]; past it the member reads that
//! Discord is slow instead of waiting on a spinner. At shutdown a transport stops taking
//! interactions and [`drain`]s the answers still in flight, so no member is left on "thinking…".

use super::rest::Rest;
use crate::app::App;
use crate::ports::RestError;
use crate::reply::interaction::{APPLICATION_COMMAND, AUTOCOMPLETE, PING};
use crate::reply::{self, Interaction, Message, Outcome};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;
use tokio::time::Instant;
pub use tokio_util::task::TaskTracker;

/// Commands whose answer is public; every other late answer is deferred as ephemeral, so a
/// private reply can never show in the channel.
const PUBLIC: [&str; 6] = ["resource", "search", "module", "path", "plan", "help"];

/// The reply the member gets when the work runs past [`Deadlines::work`].
pub const SLOW: &str = "Discord is slow to answer right now, so I stopped waiting. Try again in a \
                        minute.";

/// How long an answer may take, counted from the interaction's receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Past this, acknowledge with a deferred response. Discord gives 3 s from its own dispatch;
    /// 2 s leaves room for the gateway's delivery and the callback's own round trip.
    pub ack: Duration,
    /// All the work (effects and their REST retries); past it the answer is [`SLOW`].
    pub work: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            ack: Duration::from_secs(2),
            work: Duration::from_secs(15),
        }
    }
}

/// What to send now.
pub enum Answer {
    /// Ready in time: the callback, as always.
    Now(Outcome),
    /// Still working: acknowledge with [`Deferred::ack`], then [`finish`].
    Later(Deferred),
}

/// A deferred answer still being worked on.
pub struct Deferred {
    ephemeral: bool,
    application_id: String,
    token: String,
    task: JoinHandle<Outcome>,
}

impl Deferred {
    /// The deferred callback: type 5, "the bot is thinking…", ephemeral when the answer will be.
    pub fn ack(&self) -> Value {
        match self.ephemeral {
            true => json!({ "type": 5, "data": { "flags": reply::message::EPHEMERAL } }),
            false => json!({ "type": 5 }),
        }
    }
}

/// Answers `i`, received at `received`, within `d`: see the module's documentation.
pub async fn respond(app: Arc<App>, i: Interaction, received: Instant, d: Deadlines) -> Answer {
    let can_defer = !matches!(i.kind, PING | AUTOCOMPLETE);
    let ephemeral = !(i.kind == APPLICATION_COMMAND && PUBLIC.contains(&i.name()));
    let (application_id, token) = (i.application_id.clone(), i.token.clone());
    let work = received + d.work;
    let mut task = tokio::spawn(async move {
        match tokio::time::timeout_at(work, app.handle(&i)).await {
            Ok(out) => out,
            Err(_) => {
                tracing::warn!(
                    command = i.name(),
                    "gave up on an interaction: Discord is slow"
                );
                reply::handle::error(SLOW)
            }
        }
    });
    if !can_defer {
        return Answer::Now(task.await.unwrap_or_else(|e| crashed(&e)));
    }
    let ack = received + d.ack;
    if Instant::now() < ack {
        if let Ok(joined) = tokio::time::timeout_at(ack, &mut task).await {
            return Answer::Now(joined.unwrap_or_else(|e| crashed(&e)));
        }
    }
    Answer::Later(Deferred {
        ephemeral,
        application_id,
        token,
        task,
    })
}

/// After a transport stopped taking interactions: waits up to `within` for the answers it is
/// still finishing (`pending`); returns how many were cut off (logged).
pub async fn drain(pending: &TaskTracker, within: Duration) -> usize {
    pending.close();
    if pending.is_empty() {
        return 0;
    }
    tracing::info!(answers = pending.len(), "finishing the answers in flight");
    if tokio::time::timeout(within, pending.wait()).await.is_ok() {
        return 0;
    }
    let left = pending.len();
    tracing::warn!(
        answers = left,
        ?within,
        "answers still in flight at the shutdown deadline"
    );
    left
}

fn crashed(e: &tokio::task::JoinError) -> Outcome {
    tracing::error!(error = %e, "answering an interaction failed");
    reply::handle::error("Something went wrong answering that. Try again.")
}

/// Waits for the deferred answer and [`show`]s it.
pub async fn finish(rest: &Rest, deferred: Deferred) -> Result<(), RestError> {
    let out = deferred.task.await.unwrap_or_else(|e| crashed(&e));
    let Some(message) = out.response.message() else {
        return Ok(());
    };
    let (app, token) = (&deferred.application_id, &deferred.token);
    show(rest, app, token, deferred.ephemeral, message).await
}

/// Shows `message` in place of a deferred ("thinking…") response, acknowledged as ephemeral or
/// not (`ephemeral_ack`): an edit of the original response (multipart when it uploads a picture;
/// no flags, ephemerality was fixed by the deferral), or (when the answer is private but the
/// deferral was public) a private follow-up in its place.
pub async fn show(
    rest: &Rest,
    application_id: &str,
    token: &str,
    ephemeral_ack: bool,
    message: &Message,
) -> Result<(), RestError> {
    let hook = format!("/webhooks/{application_id}/{token}");
    if message.is_ephemeral() && !ephemeral_ack {
        let original = format!("{hook}/messages/@original");
        with_retry(|| rest.call(reqwest::Method::DELETE, &original, None, true)).await?;
        let body = serde_json::to_value(message).unwrap_or(Value::Null);
        return with_retry(|| rest.call(reqwest::Method::POST, &hook, Some(&body), true)).await;
    }
    with_retry(|| async {
        rest.edit_original(application_id, token, message)
            .await
            .map(|()| Value::Null)
    })
    .await
}

/// Over HTTP, Discord may not have taken our deferral in yet when a quick answer's edit arrives
/// (404): try a few times.
async fn with_retry<F, Fut>(call: F) -> Result<(), RestError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<Value, RestError>>,
{
    let mut tries = 0;
    loop {
        match call().await {
            Err(RestError::Discord { status: 404, .. }) if tries < 3 => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            other => return other.map(|_| ()),
        }
    }
}
