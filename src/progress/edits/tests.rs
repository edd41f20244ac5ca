//! A burst of clicks on a study group's reminder gives a few edits, never one per click, and the
//! last edit shows every check-in.

use super::{EditRequest, GroupEdits};
use crate::ports::{Discord, PostedMessage, RestError};
use crate::reply::message::Message;
use crate::store::{NewCheckin, NewSubscription, Schedule, Store, Target};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Edits take as long as a paced REST call may; everything else is unused here.
#[derive(Default)]
struct SlowEdits {
    edits: Mutex<Vec<Message>>,
}

#[async_trait::async_trait]
impl Discord for SlowEdits {
    async fn create_message(
        &self,
        _: &str,
        _: &Message,
        _: Option<&str>,
    ) -> Result<String, RestError> {
        Err(RestError::Transport("unused".into()))
    }
    async fn pin(&self, _: &str, _: &str) -> Result<(), RestError> {
        Err(RestError::Transport("unused".into()))
    }
    async fn edit_message(&self, _: &str, _: &str, edit: &Message) -> Result<(), RestError> {
        // Latency of a real edit, not synchronisation: the test waits on the tasks' results.
        tokio::time::sleep(Duration::from_millis(40)).await;
        self.edits.lock().unwrap().push(edit.clone());
        Ok(())
    }
    async fn create_dm(&self, _: &str) -> Result<String, RestError> {
        Err(RestError::Transport("unused".into()))
    }
    async fn messages_after(
        &self,
        _: &str,
        _: u64,
        _: u8,
    ) -> Result<Vec<PostedMessage>, RestError> {
        Ok(Vec::new())
    }
    async fn own_user_id(&self) -> Result<String, RestError> {
        Ok("1".into())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_fifty_clicks_gives_a_few_edits_showing_all_fifty() {
    let store = crate::testkit::store().await;
    let discord = Arc::new(SlowEdits::default());
    let edits = GroupEdits::new(store.clone(), discord.clone());
    let group = NewSubscription {
        guild_id: Some(500),
        owner_user_id: 9,
        target: Target::Channel {
            channel_id: 600,
            role_id: Some(700),
        },
        schedule: Schedule {
            weekday: 0,
            hour: 9,
            minute: 0,
            tz: "UTC".into(),
        },
        pathway: None,
        track: None,
        week: 2,
        next_due_at: 1_800_000_000,
    };
    let s = store.subscribe(&group, 1_700_000_000).await.unwrap();
    let base = Message::text("<@&700> Your weekly check-in is here.");
    let clicks = (0..50i64).map(|user| {
        let (store, edits, s, base) = (store.clone(), edits.clone(), s.clone(), base.clone());
        tokio::spawn(async move {
            let c = NewCheckin {
                subscription: &s,
                user_id: 1000 + user,
                week: 1,
                module: None,
                at: 1_700_000_000 + user,
            };
            assert!(store.check_in(&c).await.unwrap());
            edits.request(EditRequest {
                channel: "600".into(),
                message: "42".into(),
                base,
                subscription: s.id,
                week: 1,
            })
        })
    });
    let mut started = Vec::new();
    for click in clicks.collect::<Vec<_>>() {
        started.extend(click.await.unwrap());
    }
    let mut total = 0;
    for task in started {
        total += task.await.unwrap();
    }
    let made = discord.edits.lock().unwrap().clone();
    assert_eq!(total as usize, made.len());
    assert!(
        (1..=6).contains(&made.len()),
        "{} edits for 50 clicks",
        made.len()
    );
    let last = made.last().unwrap().content.clone().unwrap_or_default();
    assert!(last.contains("✅ 50 checked in: <@1000>, "), "{last}");
    assert!(
        last.starts_with("<@&700> Your weekly check-in is here.\n✅"),
        "{last}"
    );
    assert!(made
        .iter()
        .all(|m| m.allowed_mentions.parse.is_empty() && m.allowed_mentions.roles.is_empty()));
}
