//! The one handler: `Interaction` in, response out. The gateway, the HTTP interactions endpoint
//! and `curriculum-bot ask` all call [`App::handle`]; there is no second copy of command logic.
//! `App` holds the shared state and routes: curriculum commands to `reply` (carrying out their
//! effects), `/remind` to `reminders::commands` with a narrow [`RemindCtx`], `/report` and
//! `/curriculum` to `moderation`.

use crate::metrics::Metrics;
use crate::ports::Discord;
use crate::reminders::commands::RemindCtx;
use crate::reply::{
    self, handle::Effect, Catalog, Command, Interaction, Outcome, Response, TrackContext,
};
use crate::store::Store;
use std::sync::{Arc, RwLock};

/// Shared state of a running bot.
pub struct App {
    catalog: RwLock<Arc<Catalog>>,
    pub discord: Arc<dyn Discord>,
    pub store: Arc<dyn Store>,
    pub metrics: Metrics,
    /// Poked when subscriptions change, so the delivery loop recomputes its next wake-up.
    pub delivery: Arc<tokio::sync::Notify>,
    /// Where `/curriculum reload` reads from; `None` when reloading isn't possible.
    pub source: Option<(std::path::PathBuf, crate::config::Settings)>,
    /// Reloads one at a time, the last diff (paged by `cur|page|N`) and the version served.
    pub reload: crate::reload::ReloadState,
    /// Coalesced edits of study groups' reminders (their live check-in line).
    pub group_edits: crate::progress::edits::GroupEdits,
    /// Dropped with the app, after the store (e.g. `ask`'s scratch folder). Declared last.
    keep: Vec<Box<dyn std::any::Any + Send + Sync>>,
}

impl App {
    /// Moves a learner's DM subscription to `track`. A week past the new track's end starts it
    /// from week 1 rather than ending the subscription as finished.
    async fn move_dm(
        &self,
        sub: &crate::store::Subscription,
        track: &str,
    ) -> Result<(), crate::store::StoreError> {
        let now = unix_now();
        self.store
            .set_subscription_track(sub.id, track, now)
            .await?;
        let cat = self.catalog();
        let c = &cat.curriculum;
        let t = c.tracks.iter().position(|t| t.slug == track);
        if t.is_some() && sub.week > crate::reminders::content::last_week_of(c, t) {
            self.store.set_week(sub.id, 1, now).await?;
        }
        Ok(())
    }

    pub fn new(catalog: Catalog, discord: Arc<dyn Discord>, store: Arc<dyn Store>) -> App {
        let reload = crate::reload::ReloadState::new(&catalog, unix_now());
        let metrics = Metrics::default();
        metrics.curriculum_version(&reload.version().hash);
        App {
            group_edits: crate::progress::edits::GroupEdits::new(store.clone(), discord.clone()),
            reload,
            catalog: RwLock::new(Arc::new(catalog)),
            discord,
            store,
            metrics,
            delivery: Arc::new(tokio::sync::Notify::new()),
            source: None,
            keep: Vec::new(),
        }
    }

    /// Keeps `guard` alive as long as the app; it is dropped after the store.
    pub fn keeping(mut self, guard: impl std::any::Any + Send + Sync) -> App {
        self.keep.push(Box::new(guard));
        self
    }

    /// Lets moderators reload the curriculum from `path`.
    pub fn with_source(
        mut self,
        path: std::path::PathBuf,
        settings: crate::config::Settings,
    ) -> App {
        self.source = Some((path, settings));
        self
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

    /// Swaps in a reloaded curriculum and refreshes the living pins in the background (cards
    /// whose module changed are edited in place; see `pins`).
    pub fn swap_catalog(&self, catalog: Catalog) {
        self.replace_catalog(catalog);
        self.refresh_pins();
    }

    /// Refreshes the living pins against the catalog served now, in the background: one refresh
    /// at a time, the newest catalog winning (see `pins::Refresher`).
    pub fn refresh_pins(&self) -> tokio::task::JoinHandle<Option<crate::pins::RefreshReport>> {
        let (store, discord) = (self.store.clone(), self.discord.clone());
        self.reload.pins.spawn(store, discord, self.catalog())
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
        match &cmd {
            Command::Report => {
                return crate::moderation::report(&*self.store, &self.catalog(), i, unix_now())
                    .await
            }
            Command::Curriculum {
                reload,
                force,
                rename,
            } => {
                let ctx = self.reload_ctx();
                let swap = |cat| self.swap_catalog(cat);
                let opts = crate::moderation::Options {
                    force: *force,
                    rename: rename.clone(),
                };
                let current = || self.catalog();
                return crate::moderation::curriculum(&ctx, i, *reload, &opts, current, swap).await;
            }
            Command::Button { custom_id } if custom_id.starts_with("cur|") => {
                return crate::moderation::diff_button(&self.reload, i, custom_id)
            }
            Command::PinList => {
                return crate::pins::list::list(&*self.store, &self.catalog(), i).await
            }
            Command::Button { custom_id } if custom_id.starts_with("pin|list|") => {
                let cat = self.catalog();
                return crate::pins::list::button(&*self.store, &cat, i, custom_id).await;
            }
            Command::Remind { .. } => {
                let out = self.remind(i, &cmd).await;
                return self.with_notices(i, out).await;
            }
            Command::Complete { command, .. } if command == "remind" => {
                return self.remind(i, &cmd).await
            }
            Command::Progress { .. } => {
                let out = self.progress(i, &cmd).await;
                return self.with_notices(i, out).await;
            }
            Command::Button { custom_id }
                if crate::progress::commands::is_progress_button(custom_id) =>
            {
                return self.progress(i, &cmd).await
            }
            Command::Button { custom_id } if custom_id.starts_with("rem|") => {
                return self.remind(i, &cmd).await
            }
            _ => {}
        }
        let cmd = match cmd {
            Command::Roadmap { track, .. } => Command::Roadmap {
                track,
                marker_week: self.subscriber_week(i).await,
            },
            other => other,
        };
        let cat = self.catalog();
        let ctx = self.track_context(i).await;
        let mut out = match cmd {
            // The picture is drawn off the async threads, within a time budget.
            Command::Roadmap { .. } => {
                let (c, i) = (cat.clone(), i.clone());
                let drawn = crate::drawing::off_runtime(move || reply::answer(&c, &i, &cmd, &ctx));
                drawn.await.unwrap_or_else(|e| {
                    reply::handle::error(format!("I couldn't draw the roadmap: {e}. Try again."))
                })
            }
            cmd => reply::answer(&cat, i, &cmd, &ctx),
        };
        for effect in std::mem::take(&mut out.effects) {
            if let Some(failure) = self.apply(effect).await {
                return failure;
            }
        }
        self.with_notices(i, out).await
    }

    /// The member's and the channel's stored tracks, looked up before the pure answer. A store
    /// error counts as "none stored" (the command then prompts rather than guesses).
    pub async fn track_context(&self, i: &Interaction) -> TrackContext {
        let guild = i.guild_id.as_deref().and_then(|g| g.parse::<i64>().ok());
        let member = match i.user_id().and_then(|u| u.parse::<i64>().ok()) {
            Some(u) => self.store.member_track(guild, u).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not read a member's track");
                None
            }),
            None => None,
        };
        let channel = match i.channel_id.as_deref().and_then(|c| c.parse::<i64>().ok()) {
            Some(ch) => self.store.channel_track(ch).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "could not read a channel's track");
                None
            }),
            None => None,
        };
        TrackContext { member, channel }
    }

    /// `/remind …`, its autocomplete and the reminder buttons, with only what they need.
    async fn remind(&self, i: &Interaction, cmd: &Command) -> Outcome {
        let catalog = self.catalog();
        let tracks = self.track_context(i).await;
        let ctx = RemindCtx {
            store: &*self.store,
            discord: &*self.discord,
            catalog: &catalog,
            delivery: &self.delivery,
            tracks: &tracks,
        };
        crate::reminders::commands::handle(&ctx, i, cmd, now()).await
    }

    /// `/progress …`, **Done this week** and forgetting check-ins.
    async fn progress(&self, i: &Interaction, cmd: &Command) -> Outcome {
        let catalog = self.catalog();
        let ctx = crate::progress::commands::ProgressCtx {
            store: &*self.store,
            catalog: &catalog,
            edits: &self.group_edits,
        };
        crate::progress::commands::handle(&ctx, i, cmd, unix_now()).await
    }

    /// Tells a member about reminders the bot had to pause (DMs closed, channel gone) the next
    /// time they use a command.
    async fn with_notices(&self, i: &Interaction, mut out: Outcome) -> Outcome {
        if i.kind != reply::interaction::APPLICATION_COMMAND {
            return out;
        }
        let Some(user) = i.user_id().and_then(|u| u.parse::<i64>().ok()) else {
            return out;
        };
        let notices = match self.store.take_notices(user).await {
            Ok(n) if !n.is_empty() => n,
            _ => return out,
        };
        if let Response::Message(m) = &mut out.response {
            let note = notices
                .iter()
                .map(|n| format!("⚠️ {n}"))
                .collect::<Vec<_>>()
                .join("\n");
            let content = m.content.take().unwrap_or_default();
            m.content = Some(format!("{note}\n{content}").trim().to_string());
            *m = std::mem::take(m).within_limits();
        }
        out
    }

    /// The plan week of the member's own (DM) reminder subscription, for `/roadmap`'s marker.
    async fn subscriber_week(&self, i: &Interaction) -> Option<u32> {
        let user = i.user_id()?.parse::<i64>().ok()?;
        match self.store.get_dm(user).await {
            Ok(s) => s.map(|s| s.week),
            Err(e) => {
                tracing::warn!(error = %e, "could not read the member's subscription");
                None
            }
        }
    }

    /// Moves subscriptions made before tracks to the track they were made under: the only track
    /// (or the first one). Called at start-up; returns how many moved.
    pub async fn assign_untracked(&self) -> Result<u64, crate::store::StoreError> {
        let Some(slug) = self
            .catalog()
            .curriculum
            .tracks
            .first()
            .map(|t| t.slug.clone())
        else {
            return Ok(0);
        };
        self.store.assign_untracked_subscriptions(&slug).await
    }

    /// What a curriculum reload needs (moderators' and the watcher's).
    pub fn reload_ctx(&self) -> crate::reload::ReloadCtx<'_> {
        crate::reload::ReloadCtx {
            source: self.source.as_ref(),
            store: &*self.store,
            state: &self.reload,
            metrics: &self.metrics,
        }
    }

    /// Wakes the delivery loop (a subscription changed).
    pub fn wake_delivery(&self) {
        self.delivery.notify_one();
    }

    /// Carries out an effect; `Some` replaces the reply when it failed in a way the member
    /// should hear about.
    async fn apply(&self, effect: Effect) -> Option<Outcome> {
        match effect {
            Effect::RecordMiss { guild, query } => {
                self.metrics.search_misses.inc();
                let guild = guild.and_then(|g| g.parse::<i64>().ok());
                if let Err(e) = self.store.record_miss(guild, &query, unix_now()).await {
                    tracing::warn!(error = %e, "could not record a search miss");
                }
                None
            }
            Effect::SetMemberTrack { guild, user, track } => {
                let guild = guild.and_then(|g| g.parse::<i64>().ok());
                let Ok(user) = user.parse::<i64>() else {
                    return Some(reply::handle::error("I can't tell who you are."));
                };
                let saved = self
                    .store
                    .set_member_track(guild, user, &track, unix_now())
                    .await;
                if let Err(e) = saved {
                    return Some(store_failed(&e));
                }
                // The member's DM reminders follow their track.
                let moved = match self.store.get_dm(user).await {
                    Ok(Some(sub)) if sub.track.as_deref() != Some(track.as_str()) => {
                        self.move_dm(&sub, &track).await
                    }
                    Ok(_) => Ok(()),
                    Err(e) => Err(e),
                };
                moved.err().map(|e| store_failed(&e))
            }
            Effect::SetChannelTrack {
                guild,
                channel,
                track,
            } => {
                let (Ok(guild), Ok(channel)) = (guild.parse::<i64>(), channel.parse::<i64>())
                else {
                    return Some(reply::handle::error("That isn't a channel of this server."));
                };
                let saved = self
                    .store
                    .set_channel_track(guild, channel, &track, unix_now())
                    .await;
                saved.err().map(|e| store_failed(&e))
            }
            Effect::PostAndPin {
                channel,
                card,
                pinned,
            } => {
                let (discord, store) = (&*self.discord, &*self.store);
                let cat = self.catalog();
                let result =
                    crate::pins::post(store, discord, &cat, &channel, &card, &pinned).await;
                match result {
                    Ok(crate::pins::Posted::Card) => None,
                    Ok(crate::pins::Posted::PictureRefused) => {
                        let note = format!(
                            "Pinned Module {}: {}, without the roadmap picture: I need **Attach \
                             Files** in this channel for it.",
                            pinned.module, pinned.title
                        );
                        Some(reply::Response::Message(reply::Message::text(note).ephemeral()).into())
                    }
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

/// The reply when saving a choice failed: nothing was saved, and the member may try again.
fn store_failed(e: &crate::store::StoreError) -> Outcome {
    tracing::warn!(error = %e, "could not save a track choice");
    reply::handle::error(
        "I couldn't save that just now; nothing was changed. Try again in a moment.",
    )
}

/// A bounded label for metrics: known command names only.
fn metric_name(i: &Interaction) -> &'static str {
    let known = [
        "resource",
        "search",
        "module",
        "path",
        "plan",
        "track",
        "help",
        "pin",
        "roadmap",
        "report",
        "curriculum",
        "remind",
        "progress",
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

/// The wall clock, for the adapters; the pure core takes `now` as a parameter.
fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

/// The wall clock in unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
