//! The one handler: `Interaction` in, response out. The gateway, the HTTP interactions endpoint
//! and `curriculum-bot ask` all call [`App::handle`]; there is no second copy of command logic.

use crate::discord::rest::RestError;
use crate::metrics::Metrics;
use crate::reply::{self, handle::Effect, Catalog, Command, Interaction, Outcome, Response};
use std::sync::{Arc, RwLock};

/// What effects need from Discord's REST API; the real one is `discord::rest::Rest`.
#[async_trait::async_trait]
pub trait Discord: Send + Sync {
    /// Posts `message` in `channel`, returning the new message's id.
    async fn create_message(
        &self,
        channel: &str,
        message: &reply::Message,
        nonce: Option<&str>,
    ) -> Result<String, RestError>;
    async fn pin(&self, channel: &str, message: &str) -> Result<(), RestError>;
    /// Opens (or finds) the DM channel with `user`, returning its id.
    async fn create_dm(&self, user: &str) -> Result<String, RestError>;
}

/// Shared state of a running bot.
pub struct App {
    catalog: RwLock<Arc<Catalog>>,
    pub discord: Arc<dyn Discord>,
    pub metrics: Metrics,
}

impl App {
    pub fn new(catalog: Catalog, discord: Arc<dyn Discord>) -> App {
        App {
            catalog: RwLock::new(Arc::new(catalog)),
            discord,
            metrics: Metrics::default(),
        }
    }

    /// The curriculum as loaded now.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(g) => g.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Swaps in a newly loaded curriculum (moderators' reload).
    pub fn replace_catalog(&self, catalog: Catalog) {
        let mut g = match self.catalog.write() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        *g = Arc::new(catalog);
    }

    /// Answers one interaction, carrying out its effects, and counts it.
    pub async fn handle(&self, i: &Interaction) -> Outcome {
        let start = std::time::Instant::now();
        let out = self.answer(i).await;
        self.metrics
            .interaction(metric_name(i), out.failed, start.elapsed().as_secs_f64());
        out
    }

    async fn answer(&self, i: &Interaction) -> Outcome {
        let cmd = match reply::command::parse(i) {
            Ok(c) => c,
            Err(e) => return reply::handle::command_error(&e),
        };
        let cat = self.catalog();
        let mut out = reply::answer(&cat, i, &cmd);
        for effect in std::mem::take(&mut out.effects) {
            if let Some(failure) = self.apply(effect).await {
                return failure;
            }
        }
        if matches!(cmd, Command::Ping) {
            out.response = Response::Pong;
        }
        out
    }

    /// Carries out an effect; `Some` replaces the reply when it failed in a way the member
    /// should hear about.
    async fn apply(&self, effect: Effect) -> Option<Outcome> {
        match effect {
            Effect::RecordMiss { guild, query } => {
                self.metrics.search_misses.inc();
                tracing::info!(guild = guild.as_deref().unwrap_or("dm"), %query, "search with no result");
                None
            }
            Effect::PostAndPin { channel, message } => {
                let posted = self.discord.create_message(&channel, &message, None).await;
                let result = match posted {
                    Ok(id) => self.discord.pin(&channel, &id).await,
                    Err(e) => Err(e),
                };
                match result {
                    Ok(()) => None,
                    Err(e) if e.is_missing_access() => Some(reply::handle::error(
                        "I can't pin in this channel: I need **Send Messages**, **Embed Links** and \
                         **Pin Messages** here. Ask an admin to grant them to my role.",
                    )),
                    Err(e) => Some(reply::handle::error(format!(
                        "I couldn't post the card: {e}. Try again in a moment."
                    ))),
                }
            }
        }
    }
}

/// A bounded label for metrics: known command names only.
fn metric_name(i: &Interaction) -> &'static str {
    let known = [
        "resource",
        "search",
        "module",
        "path",
        "plan",
        "help",
        "pin",
        "report",
        "curriculum",
        "remind",
    ];
    match i.kind {
        reply::interaction::PING => "ping",
        reply::interaction::MESSAGE_COMPONENT => "button",
        reply::interaction::AUTOCOMPLETE => "autocomplete",
        _ => known
            .iter()
            .find(|k| **k == i.name())
            .copied()
            .unwrap_or("unknown"),
    }
}
