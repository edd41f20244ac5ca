//! Test kit for the reminder modules: an in-memory Discord (nonce dedupe that expires like
//! Discord's, closed DMs, deleted channels, scripted failures and lost responses, reading a
//! channel back, every send stamped with the loop's clock) and a SQLite store
//! wrapped so that tokio's paused clock never jumps while SQLite works on its own thread.

use crate::app::App;
use crate::delivery::Clock;
use crate::ports::{Discord, PostedMessage, RestError};
use crate::reply::{Catalog, Message};
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The seed curriculum.
pub fn catalog() -> Catalog {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = crate::config::Settings::from_vars(|k| match k {
        "ALIASES_PATH" => Some(root.join("data/aliases.txt").display().to_string()),
        _ => None,
    })
    .expect("settings");
    crate::load::load_catalog(&root.join("data/curriculum"), &settings)
        .expect("the seed loads")
        .0
}

/// A fresh SQLite store in a temporary directory, wrapped in [`Inhibited`].
pub async fn store() -> Arc<Inhibited> {
    static N: AtomicU64 = AtomicU64::new(0);
    let dir = std::env::temp_dir().join(format!(
        "cb-reminders-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos())
    ));
    let url = format!("sqlite://{}/bot.db?mode=rwc", dir.display());
    let inner = inhibited(crate::store::open(&url, &Default::default()))
        .await
        .expect("store opens");
    Arc::new(Inhibited {
        inner,
        calls: AtomicU64::new(0),
    })
}

pub fn app(discord: Arc<MemDiscord>, store: Arc<Inhibited>) -> Arc<App> {
    Arc::new(App::new(catalog(), discord, store))
}

/// One message the fake accepted.
#[derive(Debug, Clone)]
pub struct Sent {
    pub channel: String,
    pub id: String,
    pub message: Message,
    pub nonce: Option<String>,
    /// The clock's unix seconds when it was sent.
    pub at: i64,
}

/// The bot's user id in the in-memory Discord.
pub const BOT_USER: &str = "4000";
const DISCORD_EPOCH_MS: i64 = 1_420_070_400_000;

#[derive(Default)]
struct MemState {
    sent: Vec<Sent>,
    /// (channel, nonce) → (message id, unix seconds it was created).
    nonces: HashMap<(String, String), (String, i64)>,
    /// How long a nonce is remembered (`None`: for ever).
    nonce_window: Option<i64>,
    /// Channel id → errors for the next sends there that are answered only after the message
    /// was created (a lost response).
    lost: HashMap<String, VecDeque<RestError>>,
    /// Channel id → errors for the next reads of it.
    failed_reads: HashMap<String, VecDeque<RestError>>,
    /// "create_dm <user>" / "create_message <channel>", in order.
    requests: Vec<String>,
    closed_dms: HashSet<String>,
    /// Channel id → the error every send there gets (deleted channel, lost access).
    broken: HashMap<String, RestError>,
    /// Channel id → errors for the next sends there, in order (transient failures).
    scripted: HashMap<String, VecDeque<RestError>>,
    next_id: u64,
    /// Others' messages and the bot's deleted ones, its permissions, slow sends (`channels`).
    more: channels::More,
}

/// An in-memory Discord behind the [`Discord`] trait.
pub struct MemDiscord {
    clock: Clock,
    state: Mutex<MemState>,
    count: tokio::sync::watch::Sender<usize>,
}

/// The DM channel the fake opens for `user`.
pub fn dm_channel_of(user: i64) -> String {
    (user + 5_000_000_000).to_string()
}

impl MemDiscord {
    pub fn new(clock: Clock) -> Arc<MemDiscord> {
        Arc::new(MemDiscord {
            clock,
            state: Mutex::new(MemState::default()),
            count: tokio::sync::watch::channel(0).0,
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, MemState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn sent(&self) -> Vec<Sent> {
        self.state().sent.clone()
    }

    pub fn sent_to(&self, channel: &str) -> Vec<Sent> {
        self.sent()
            .into_iter()
            .filter(|s| s.channel == channel)
            .collect()
    }

    pub fn requests(&self) -> Vec<String> {
        self.state().requests.clone()
    }

    pub fn close_dms(&self, user: i64) {
        self.state().closed_dms.insert(user.to_string());
    }

    pub fn break_channel(&self, channel: &str, e: RestError) {
        self.state().broken.insert(channel.to_string(), e);
    }

    /// The next sends to `channel` fail with these errors, one each.
    pub fn fail_next(&self, channel: &str, errors: Vec<RestError>) {
        self.state()
            .scripted
            .entry(channel.to_string())
            .or_default()
            .extend(errors);
    }

    /// The next sends to `channel` create their message but answer with these errors.
    pub fn lose_next(&self, channel: &str, errors: Vec<RestError>) {
        self.state()
            .lost
            .entry(channel.to_string())
            .or_default()
            .extend(errors);
    }

    /// The next reads of `channel` fail with these errors.
    pub fn fail_next_reads(&self, channel: &str, errors: Vec<RestError>) {
        self.state()
            .failed_reads
            .entry(channel.to_string())
            .or_default()
            .extend(errors);
    }

    /// Nonces are forgotten `secs` after their message was created, as Discord forgets them
    /// after "a few minutes".
    pub fn set_nonce_window(&self, secs: i64) {
        self.state().nonce_window = Some(secs);
    }

    /// Waits (without a timer) until `n` messages were sent in all.
    pub async fn wait_sent(&self, n: usize) {
        let mut rx = self.count.subscribe();
        let _ = rx.wait_for(|c| *c >= n).await;
    }
}

pub fn discord_error(status: u16, code: u64) -> RestError {
    RestError::Discord {
        status,
        code,
        message: "fake".into(),
    }
}

#[async_trait::async_trait]
impl Discord for MemDiscord {
    async fn create_message(
        &self,
        channel: &str,
        message: &Message,
        nonce: Option<&str>,
    ) -> std::result::Result<String, RestError> {
        let mut s = self.state();
        s.requests.push(format!("create_message {channel}"));
        if let Some(e) = s.scripted.get_mut(channel).and_then(VecDeque::pop_front) {
            return Err(e);
        }
        if let Some(e) = s.broken.get(channel) {
            return Err(match e {
                RestError::Discord { status, code, .. } => discord_error(*status, *code),
                other => RestError::Transport(other.to_string()),
            });
        }
        let user = channel
            .parse::<i64>()
            .map(|c| (c - 5_000_000_000).to_string());
        if user.is_ok_and(|u| s.closed_dms.contains(&u)) {
            return Err(discord_error(403, crate::ports::CANNOT_DM));
        }
        let now = self.clock.now();
        let window = s.nonce_window.unwrap_or(i64::MAX);
        if let Some(n) = nonce {
            if let Some((id, at)) = s.nonces.get(&(channel.to_string(), n.to_string())) {
                if now.saturating_sub(*at) < window {
                    return Ok(id.clone());
                }
            }
        }
        let id = self.snowflake(&mut s);
        if let Some(n) = nonce {
            s.nonces
                .insert((channel.to_string(), n.to_string()), (id.clone(), now));
        }
        s.sent.push(Sent {
            channel: channel.to_string(),
            id: id.clone(),
            message: message.clone(),
            nonce: nonce.map(str::to_string),
            at: now,
        });
        let n = s.sent.len();
        let lost = s.lost.get_mut(channel).and_then(VecDeque::pop_front);
        drop(s);
        self.count.send_replace(n);
        match lost {
            Some(e) => Err(e),
            None => Ok(id),
        }
    }

    async fn pin(&self, _: &str, _: &str) -> std::result::Result<(), RestError> {
        Ok(())
    }

    /// Replaces the sent message in place; 10008 when the fake never sent it there.
    async fn edit_message(
        &self,
        channel: &str,
        message: &str,
        edit: &Message,
    ) -> std::result::Result<(), RestError> {
        let mut s = self.state();
        s.requests.push(format!("edit_message {channel} {message}"));
        if let Some(e) = s.broken.get(channel) {
            return Err(discord_error(403, e.code().unwrap_or(50001)));
        }
        match s
            .sent
            .iter_mut()
            .find(|m| m.channel == channel && m.id == message)
        {
            Some(m) => {
                m.message = edit.clone();
                Ok(())
            }
            None => Err(discord_error(404, crate::ports::UNKNOWN_MESSAGE)),
        }
    }

    async fn create_dm(&self, user: &str) -> std::result::Result<String, RestError> {
        let mut s = self.state();
        s.requests.push(format!("create_dm {user}"));
        let scripted = format!("dm {user}");
        if let Some(e) = s.scripted.get_mut(&scripted).and_then(VecDeque::pop_front) {
            return Err(e);
        }
        drop(s);
        let id = user.parse::<i64>().map_err(|_| discord_error(400, 50035))?;
        Ok(dm_channel_of(id))
    }

    async fn messages_after(
        &self,
        channel: &str,
        after: u64,
        limit: u8,
    ) -> std::result::Result<Vec<PostedMessage>, RestError> {
        let mut s = self.state();
        s.requests.push(format!("messages_after {channel}"));
        if let Some(e) = s
            .failed_reads
            .get_mut(channel)
            .and_then(VecDeque::pop_front)
        {
            return Err(e);
        }
        Ok(channels::list(&s, channel, after, limit))
    }

    async fn create_message_before(
        &self,
        channel: &str,
        message: &Message,
        nonce: Option<&str>,
        start_by: tokio::time::Instant,
    ) -> std::result::Result<String, RestError> {
        self.create_before(channel, message, nonce, start_by).await
    }

    async fn own_permissions(
        &self,
        _guild: &str,
        channel: &str,
    ) -> std::result::Result<Option<u64>, RestError> {
        // Not recorded among the requests: command snapshots list only what Discord is asked
        // to do.
        Ok(self.state().more.permissions.get(channel).copied())
    }

    async fn own_user_id(&self) -> std::result::Result<String, RestError> {
        Ok(BOT_USER.into())
    }
}

/// Runs `f` while a blocking task is pending: tokio's paused clock does not auto-advance then,
/// so no timer fires "early" while SQLite answers from its own thread.
async fn inhibited<T>(f: impl Future<Output = T>) -> T {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let guard = tokio::task::spawn_blocking(move || {
        let _ = rx.recv();
    });
    let out = f.await;
    drop(tx);
    let _ = guard.await;
    out
}

mod channels;
mod inhibited;
pub use inhibited::Inhibited;
