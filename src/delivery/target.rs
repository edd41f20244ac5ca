//! Where a reminder goes (a group's channel, or the learner's DM channel, opened once and
//! cached) and what to tell its owner when that target is gone for good.

use crate::app::App;
use crate::ports::{RestError, CANNOT_DM, UNKNOWN_CHANNEL};
use crate::store::{Subscription, Target};

/// Where a reminder goes; `known` is its DM channel from the cache, looked up with its batch.
pub(super) async fn channel_for(
    app: &App,
    sub: &Subscription,
    known: Option<i64>,
) -> Result<String, RestError> {
    match sub.target {
        Target::Channel { channel_id, .. } => Ok(channel_id.to_string()),
        Target::Dm => {
            if let Some(c) = known {
                return Ok(c.to_string());
            }
            let c = app
                .discord
                .create_dm(&sub.owner_user_id.to_string())
                .await?;
            if let Ok(id) = c.parse::<i64>() {
                if let Err(e) = app.store.put_dm_channel(sub.owner_user_id, id).await {
                    tracing::warn!(error = %e, "could not cache a DM channel");
                }
            }
            Ok(c)
        }
    }
}

/// Why a target is gone, for the subscription (`reason`) and for its owner (`notice`).
pub(super) fn gone(e: &RestError) -> (String, String) {
    match e.code() {
        Some(CANNOT_DM) => (
            "DMs are closed".into(),
            "Your weekly reminders are paused: I can't DM you. Allow direct messages from this \
             server (server menu → Privacy Settings), then run `/remind resume`."
                .into(),
        ),
        Some(UNKNOWN_CHANNEL) => (
            "the channel no longer exists".into(),
            "A study-group reminder you set up is paused: its channel no longer exists. \
             Subscribe again in another channel."
                .into(),
        ),
        _ => (
            format!("access lost ({e})"),
            "Your reminders are paused: I lost access to where they are posted. Fix my \
             permissions there, then run `/remind resume`."
                .into(),
        ),
    }
}
