//! [`Inhibited`]: the test store wrapper; every call runs [`super::inhibited`] and is counted.

use super::inhibited;
use crate::store::{
    After, Backend, ChannelTrack, Delivery, DeliveryKey, Lease, NewPin, NewSubscription, Pin,
    Result, SearchMiss, Slot, Store, Subscription,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A store whose every call runs [`inhibited`], counting calls (a spinning loop shows up as a
/// huge count instead of a hang).
pub struct Inhibited {
    pub inner: Arc<dyn Store>,
    pub calls: AtomicU64,
}

impl Inhibited {
    fn count(&self) {
        let n = self.calls.fetch_add(1, Ordering::Relaxed);
        assert!(
            n < 200_000,
            "the store was called 200,000 times: a busy loop?"
        );
    }
}

macro_rules! through {
    ($( fn $name:ident(&self $(, $arg:ident : $ty:ty)*) -> $ret:ty; )*) => {
        #[async_trait::async_trait]
        impl Store for Inhibited {
            fn backend(&self) -> Backend {
                self.inner.backend()
            }
            async fn close(&self) {
                inhibited(self.inner.close()).await
            }
            $( async fn $name(&self $(, $arg: $ty)*) -> $ret {
                self.count();
                inhibited(self.inner.$name($($arg),*)).await
            } )*
        }
    };
}

through! {
    fn ping(&self) -> Result<()>;
    fn subscribe(&self, new: &NewSubscription, now: i64) -> Result<Subscription>;
    fn get(&self, id: i64) -> Result<Option<Subscription>>;
    fn get_dm(&self, user_id: i64) -> Result<Option<Subscription>>;
    fn get_group(&self, channel_id: i64) -> Result<Option<Subscription>>;
    fn paused_groups(&self, guild_id: i64) -> Result<Vec<Subscription>>;
    fn pause(&self, id: i64, reason: &str, now: i64) -> Result<bool>;
    fn resume(&self, id: i64, next_due_at: i64, now: i64) -> Result<bool>;
    fn unsubscribe(&self, id: i64) -> Result<bool>;
    fn set_week(&self, id: i64, week: u32, now: i64) -> Result<bool>;
    fn set_subscription_track(&self, id: i64, track: &str, now: i64) -> Result<bool>;
    fn skip(&self, id: i64, next_due_at: i64, now: i64) -> Result<bool>;
    fn take_notices(&self, user_id: i64) -> Result<Vec<String>>;
    fn due(&self, now: i64, limit: u32) -> Result<Vec<Subscription>>;
    fn claim(&self, sub_id: i64, slot: Slot, lease: &Lease<'_>) -> Result<Option<Delivery>>;
    fn claim_due_batch(
        &self,
        lease: &Lease<'_>,
        limit: u32,
        plan: &(dyn for<'s> Fn(&'s Subscription) -> Slot + Sync)
    ) -> Result<Vec<(Subscription, Delivery)>>;
    fn mark_sent(&self, key: DeliveryKey, message_id: i64, sent_at: i64, after: After) -> Result<bool>;
    fn mark_sent_many(&self, items: &[(DeliveryKey, i64, i64, After)]) -> Result<u64>;
    fn mark_failed_pause(&self, key: DeliveryKey, reason: &str, notice: &str, now: i64) -> Result<bool>;
    fn release(&self, key: DeliveryKey, retry_at: i64) -> Result<bool>;
    fn release_unknown(&self, key: DeliveryKey, retry_at: i64) -> Result<bool>;
    fn mark_attempted(&self, keys: &[DeliveryKey], now: i64) -> Result<u64>;
    fn unsent_claims(&self, worker: &str) -> Result<Vec<Delivery>>;
    fn delivery(&self, key: DeliveryKey) -> Result<Option<Delivery>>;
    fn prune_deliveries(&self, before: i64) -> Result<u64>;
    fn dm_channel(&self, user_id: i64) -> Result<Option<i64>>;
    fn dm_channels(&self, users: &[i64]) -> Result<HashMap<i64, i64>>;
    fn put_dm_channel(&self, user_id: i64, channel_id: i64) -> Result<()>;
    fn record_miss(&self, guild_id: Option<i64>, query: &str, now: i64) -> Result<()>;
    fn top_misses(&self, guild_id: Option<i64>, limit: u32) -> Result<Vec<SearchMiss>>;
    fn assign_untracked_subscriptions(&self, track: &str) -> Result<u64>;
    fn set_member_track(&self, guild_id: Option<i64>, user_id: i64, track: &str, now: i64) -> Result<()>;
    fn member_track(&self, guild_id: Option<i64>, user_id: i64) -> Result<Option<String>>;
    fn clear_member_track(&self, guild_id: Option<i64>, user_id: i64) -> Result<bool>;
    fn set_channel_track(&self, guild_id: i64, channel_id: i64, track: &str, now: i64) -> Result<()>;
    fn channel_track(&self, channel_id: i64) -> Result<Option<String>>;
    fn channel_tracks(&self, guild_id: i64) -> Result<Vec<ChannelTrack>>;
    fn clear_channel_track(&self, channel_id: i64) -> Result<bool>;
    fn record_curriculum_version(&self, replica: &str, hash: &str, loaded_at: i64) -> Result<()>;
    fn curriculum_versions(&self) -> Result<Vec<crate::store::CurriculumVersion>>;
    fn record_pin(&self, pin: &NewPin<'_>, now: i64) -> Result<Pin>;
    fn list_pins(&self, guild_id: i64) -> Result<Vec<Pin>>;
    fn pins_to_refresh(&self, after_id: i64, limit: u32, now: i64) -> Result<Vec<Pin>>;
    fn claim_pins(&self, ids: &[i64], lease: &Lease<'_>) -> Result<Vec<Pin>>;
    fn mark_pin_current(&self, id: i64, worker: &str, hash: &str, now: i64) -> Result<bool>;
    fn release_pin(&self, id: i64, worker: &str) -> Result<bool>;
    fn forget_pin(&self, id: i64) -> Result<bool>;
    fn check_in(&self, c: &crate::store::NewCheckin<'_>) -> Result<bool>;
    fn checkin_weeks(&self, subscription_id: i64, user_id: i64) -> Result<Vec<u32>>;
    fn week_checkins(&self, subscription_id: i64, week: u32) -> Result<Vec<i64>>;
    fn week_checkin_counts(&self, subscription_id: i64, first: u32, last: u32) -> Result<Vec<(u32, u64)>>;
    fn checkin_members(&self, subscription_id: i64) -> Result<u64>;
    fn forget_checkins(&self, user_id: i64) -> Result<u64>;
    fn last_sent_week(&self, subscription_id: i64) -> Result<Option<u32>>;
    fn record_unsubscribe(&self, s: &Subscription, now: i64) -> Result<()>;
    fn progress_rows(&self, guild: Option<i64>, now: i64) -> Result<crate::store::ProgressRows>;
    fn track_refs(&self) -> Result<Vec<crate::store::TrackRefs>>;
    fn pause_track(&self, track: &str, reason: &str, notice: &str, now: i64) -> Result<u64>;
    fn paused_for(&self, track: &str, reason: &str) -> Result<Vec<Subscription>>;
    fn resume_paused(&self, id: i64, reason: &str, next_due_at: i64, notice: &str, now: i64) -> Result<bool>;
    fn rename_track(&self, old: &str, new: &str, now: i64) -> Result<crate::store::TrackRefs>;
}
