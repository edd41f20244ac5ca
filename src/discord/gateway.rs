//! Gateway mode: a serenity client receives INTERACTION_CREATE, [`App::handle`] answers (within
//! Discord's deadline, through [`super::deadline`]), and our paced REST client sends the
//! callback. Commands are registered on READY. SIGINT and SIGTERM shut the shards down, then the
//! answers in flight are finished (at most the work deadline plus [`FINISH_MARGIN`]) before
//! `run` returns.

use super::deadline::{self, Answer, Deadlines, TaskTracker};
use super::rest::Rest;
use crate::app::App;
use crate::reply::{self, Interaction};
use serenity::all::{
    Client, ClientBuilder, Context, EventHandler, GatewayIntents, HttpBuilder, Ready, ResumedEvent,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Time past the work deadline for a deferred answer's edit (its own retries) at shutdown.
pub const FINISH_MARGIN: std::time::Duration = std::time::Duration::from_secs(5);

#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    #[error("DISCORD_TOKEN is not set: put it in .env (see .env.example)")]
    NoToken,
    #[error("the Discord client failed: {0}")]
    Client(#[from] serenity::Error),
}

/// How to connect.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    pub token: String,
    pub api_url: String,
    pub guild_id: Option<String>,
    pub shards: Option<(u32, u32, u32)>,
    pub deadlines: Deadlines,
}

struct Handler {
    app: Arc<App>,
    rest: Arc<Rest>,
    deadlines: Deadlines,
    guild_id: Option<String>,
    registered: AtomicBool,
    /// Interactions being answered: shutdown waits for them.
    pending: TaskTracker,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, shard = ?ready.shard, "connected to the gateway");
        if self.registered.swap(true, Ordering::SeqCst) {
            return;
        }
        let defs = reply::registry::definitions(&self.app.catalog().curriculum);
        let app_id = ready.application.id.to_string();
        match self
            .rest
            .register_commands(&app_id, self.guild_id.as_deref(), &defs)
            .await
        {
            Ok(n) => tracing::info!(commands = n, guild = ?self.guild_id, "registered commands"),
            Err(e) => {
                self.registered.store(false, Ordering::SeqCst);
                tracing::error!(error = %e, "could not register commands")
            }
        }
    }

    async fn resume(&self, _ctx: Context, _: ResumedEvent) {
        tracing::info!("gateway session resumed");
    }

    async fn interaction_create(&self, _ctx: Context, interaction: serenity::all::Interaction) {
        let received = tokio::time::Instant::now();
        self.pending
            .track_future(self.answer(interaction, received))
            .await;
    }
}

impl Handler {
    /// Answers one interaction: the callback in time, or a deferral and then the edit.
    async fn answer(
        &self,
        interaction: serenity::all::Interaction,
        received: tokio::time::Instant,
    ) {
        let parsed = to_interaction(&interaction);
        let i = match parsed {
            Ok(i) => i,
            Err(e) => {
                tracing::error!(error = %e, "could not read an interaction");
                return;
            }
        };
        let (id, token, name) = (i.id.clone(), i.token.clone(), i.name().to_string());
        let result = match deadline::respond(self.app.clone(), i, received, self.deadlines).await {
            Answer::Now(out) => {
                self.rest
                    .interaction_callback(&id, &token, &out.response)
                    .await
            }
            Answer::Later(deferred) => {
                let path = format!("/interactions/{id}/{token}/callback");
                let acked = self
                    .rest
                    .call(reqwest::Method::POST, &path, Some(&deferred.ack()), true)
                    .await;
                match acked {
                    Ok(_) => deadline::finish(&self.rest, deferred).await,
                    Err(e) => Err(e),
                }
            }
        };
        if let Err(e) = result {
            tracing::error!(error = %e, command = name, "could not answer an interaction");
        }
    }
}

/// serenity's model -> our transport-neutral Interaction. serenity serializes the variant's body
/// without the `type` tag, so it is put back from the variant.
pub fn to_interaction(i: &serenity::all::Interaction) -> Result<Interaction, serde_json::Error> {
    use serenity::all::Interaction as I;
    let kind = match i {
        I::Ping(_) => 1,
        I::Command(_) => 2,
        I::Component(_) => 3,
        I::Autocomplete(_) => 4,
        I::Modal(_) => 5,
        _ => 0,
    };
    let mut v = serde_json::to_value(i)?;
    if let Some(o) = v.as_object_mut() {
        o.insert("type".into(), serde_json::Value::from(kind));
    }
    serde_json::from_value(v)
}

/// Builds the serenity client: REST goes to `api_url` (serenity honours the proxy only with its
/// limiter off; our `Rest` does the pacing), and no intents are needed for interactions.
pub async fn client(
    cfg: &GatewayConfig,
    app: Arc<App>,
    rest: Arc<Rest>,
    pending: TaskTracker,
) -> Result<Client, GatewayError> {
    let http = HttpBuilder::new(&cfg.token)
        .proxy(cfg.api_url.clone())
        .ratelimiter_disabled(true)
        .build();
    let handler = Handler {
        app,
        rest,
        deadlines: cfg.deadlines,
        guild_id: cfg.guild_id.clone(),
        registered: AtomicBool::new(false),
        pending,
    };
    Ok(ClientBuilder::new_with_http(http, GatewayIntents::empty())
        .event_handler(handler)
        .await?)
}

/// Runs until the shards stop or `shutdown` resolves, then closes the shards cleanly.
pub async fn run(
    cfg: GatewayConfig,
    app: Arc<App>,
    rest: Arc<Rest>,
    shutdown: impl std::future::Future<Output = ()>,
) -> Result<(), GatewayError> {
    if cfg.token.is_empty() {
        return Err(GatewayError::NoToken);
    }
    let pending = TaskTracker::new();
    let mut client = client(&cfg, app, rest, pending.clone()).await?;
    let manager = client.shard_manager.clone();
    let start = async {
        match cfg.shards {
            // serenity's range includes its end: pass `first..last` for shards first..=last.
            Some((first, last, total)) => client.start_shard_range(first..last, total).await,
            None => client.start().await,
        }
    };
    let result = tokio::select! {
        r = start => r,
        _ = shutdown => {
            tracing::info!("shutting down the gateway");
            manager.shutdown_all().await;
            Ok(())
        }
    };
    // Stopped or failed: either way, finish what members are waiting on. A deferred answer ends
    // within the work deadline; its edit's retries take a few seconds more at most.
    deadline::drain(&pending, cfg.deadlines.work + FINISH_MARGIN).await;
    Ok(result?)
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
