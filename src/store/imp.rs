//! `impl_store!`: the one implementation of [`Store`] over the shared SQL, expanded per backend.
//!
//! The two backends differ only in their pools' types and in the row locking of
//! `claim_due_batch`; a macro keeps one copy of the code without sqlx's generic bounds.
//!
//! [`Store`]: super::Store

pub(in crate::store) mod inherent;

/// Names the expansion uses (glob-imported, so a backend's own imports take precedence).
pub(in crate::store) mod prelude {
    pub(in crate::store) use super::super::checkins;
    pub(in crate::store) use super::super::pins::{
        self, validate_hash, validate_pin, NewPin, Pin, PinRow,
    };
    pub(in crate::store) use super::super::sql;
    pub(in crate::store) use super::super::track_refs;
    pub(in crate::store) use super::super::types::{
        limit_i64, normalize_query, validate, validate_label, validate_track, week_i32,
        DeliveryRow, MissRow, SubRow,
    };
    pub(in crate::store) use super::super::{
        After, ChannelTrack, CurriculumVersion, Delivery, DeliveryKey, Lease, NewSubscription,
        SearchMiss, Slot, Store, Subscription, Target, MAX_MISSES_PER_GUILD, MAX_REPLICAS_KEPT,
        MISS_MAX_AGE_SECS,
    };
}

/// Implements `Store` for `$ty`, a struct with `read` and `write` pools of database `$db`.
/// `$due_batch` is the due-subscriptions query of `claim_due_batch`.
macro_rules! impl_store {
    ($ty:ty, $db:ty, $backend:expr, $due_batch:expr) => {
        use $crate::store::imp::prelude::*;
        type R<T> = $crate::store::Result<T>;

        $crate::store::imp::inherent::impl_inherent!($ty, $db);
        $crate::store::pins::impl_pins!($ty);
        $crate::store::checkins::impl_checkins!($ty);
        $crate::store::track_refs::impl_track_refs!($ty);

        #[async_trait::async_trait]
        impl Store for $ty {
            fn backend(&self) -> $crate::store::Backend {
                $backend
            }
            async fn check_in(&self, c: &checkins::NewCheckin<'_>) -> R<bool> {
                self.check_in_in(c).await
            }
            async fn checkin_weeks(&self, sub: i64, user: i64) -> R<Vec<u32>> {
                self.member_weeks_in(sub, user).await
            }
            async fn week_checkins(&self, sub: i64, week: u32) -> R<Vec<i64>> {
                self.week_members_in(sub, week).await
            }
            async fn week_checkin_counts(&self, sub: i64, a: u32, b: u32) -> R<Vec<(u32, u64)>> {
                self.week_counts_in(sub, a, b).await
            }
            async fn checkin_members(&self, sub: i64) -> R<u64> {
                self.group_members_in(sub).await
            }
            async fn forget_checkins(&self, user: i64) -> R<u64> {
                self.forget_checkins_in(user).await
            }
            async fn last_sent_week(&self, sub: i64) -> R<Option<u32>> {
                self.last_sent_week_in(sub).await
            }
            async fn record_unsubscribe(&self, s: &Subscription, now: i64) -> R<()> {
                self.record_unsubscribe_in(s, now).await
            }
            async fn progress_rows(&self, g: Option<i64>, now: i64) -> R<checkins::ProgressRows> {
                self.progress_rows_in(g, now).await
            }
            async fn ping(&self) -> R<()> {
                sqlx::query("SELECT 1").execute(&self.read).await?;
                Ok(())
            }
            async fn close(&self) {
                self.write.close().await;
                self.read.close().await;
            }

            async fn subscribe(&self, new: &NewSubscription, now: i64) -> R<Subscription> {
                validate(new)?;
                let (stmt, kind, channel, role) = match new.target {
                    Target::Dm => (sql::UPSERT_DM, "dm", None, None),
                    Target::Channel {
                        channel_id,
                        role_id,
                    } => (sql::UPSERT_GROUP, "channel", Some(channel_id), role_id),
                };
                let s = &new.schedule;
                let row = sqlx::query_as::<_, SubRow>(stmt)
                    .bind(new.guild_id)
                    .bind(new.owner_user_id)
                    .bind(kind)
                    .bind(channel)
                    .bind(role)
                    .bind(i32::from(s.weekday))
                    .bind(i32::from(s.hour))
                    .bind(i32::from(s.minute))
                    .bind(s.tz.as_str())
                    .bind(new.pathway.as_deref())
                    .bind(week_i32(new.week)?)
                    .bind(new.next_due_at)
                    .bind(now)
                    .bind(new.track.as_deref())
                    .fetch_one(&self.write)
                    .await?;
                row.try_into()
            }
            async fn get(&self, id: i64) -> R<Option<Subscription>> {
                self.sub(sql::GET, id).await
            }
            async fn get_dm(&self, user_id: i64) -> R<Option<Subscription>> {
                self.sub(sql::GET_DM, user_id).await
            }
            async fn get_group(&self, channel_id: i64) -> R<Option<Subscription>> {
                self.sub(sql::GET_GROUP, channel_id).await
            }
            async fn paused_groups(&self, guild_id: i64) -> R<Vec<Subscription>> {
                self.subs(sql::PAUSED_GROUPS, guild_id).await
            }
            async fn pause(&self, id: i64, reason: &str, now: i64) -> R<bool> {
                self.update(sqlx::query(sql::PAUSE).bind(id).bind(reason).bind(now))
                    .await
            }
            async fn resume(&self, id: i64, next_due_at: i64, now: i64) -> R<bool> {
                self.update(
                    sqlx::query(sql::RESUME)
                        .bind(id)
                        .bind(next_due_at)
                        .bind(now),
                )
                .await
            }
            async fn unsubscribe(&self, id: i64) -> R<bool> {
                self.update(sqlx::query(sql::UNSUBSCRIBE).bind(id)).await
            }
            async fn set_week(&self, id: i64, week: u32, now: i64) -> R<bool> {
                let week = week_i32(week)?;
                self.update(sqlx::query(sql::SET_WEEK).bind(id).bind(week).bind(now))
                    .await
            }
            async fn set_subscription_track(&self, id: i64, track: &str, now: i64) -> R<bool> {
                let track = validate_track(track)?;
                self.update(
                    sqlx::query(sql::SET_SUBSCRIPTION_TRACK)
                        .bind(id)
                        .bind(track)
                        .bind(now),
                )
                .await
            }
            async fn skip(&self, id: i64, next_due_at: i64, now: i64) -> R<bool> {
                self.update(sqlx::query(sql::SKIP).bind(id).bind(next_due_at).bind(now))
                    .await
            }
            async fn take_notices(&self, user_id: i64) -> R<Vec<String>> {
                let pending: Vec<(i64, String)> = sqlx::query_as(sql::PENDING_NOTICES)
                    .bind(user_id)
                    .fetch_all(&self.read)
                    .await?;
                let mut taken = Vec::with_capacity(pending.len());
                for (id, notice) in pending {
                    let clear = sqlx::query(sql::CLEAR_NOTICE)
                        .bind(id)
                        .bind(notice.as_str());
                    if self.update(clear).await? {
                        taken.push(notice);
                    }
                }
                Ok(taken)
            }

            async fn due(&self, now: i64, limit: u32) -> R<Vec<Subscription>> {
                let rows = sqlx::query_as::<_, SubRow>(sql::DUE)
                    .bind(now)
                    .bind(limit_i64(limit))
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map(Subscription::try_from).collect()
            }
            async fn claim(
                &self,
                sub_id: i64,
                slot: Slot,
                lease: &Lease<'_>,
            ) -> R<Option<Delivery>> {
                let mut conn = self.write.acquire().await?;
                Self::claim_on(&mut *conn, sub_id, slot, lease).await
            }
            async fn claim_due_batch(
                &self,
                lease: &Lease<'_>,
                limit: u32,
                plan: &(dyn for<'s> Fn(&'s Subscription) -> Slot + Sync),
            ) -> R<Vec<(Subscription, Delivery)>> {
                let mut tx = self.write.begin().await?;
                let rows = sqlx::query_as::<_, SubRow>($due_batch)
                    .bind(lease.now)
                    .bind(limit_i64(limit))
                    .fetch_all(&mut *tx)
                    .await?;
                let mut claimed = Vec::with_capacity(rows.len());
                for row in rows {
                    let sub = Subscription::try_from(row)?;
                    // An expired claim is resumed with its own slot (and so its nonce).
                    let open = sqlx::query_as::<_, DeliveryRow>(sql::OPEN_CLAIM)
                        .bind(sub.id)
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(Delivery::try_from)
                        .transpose()?;
                    let slot = match open {
                        Some(d) => Slot {
                            due_at: d.key.due_at,
                            week: d.week,
                            late: d.late,
                        },
                        None => plan(&sub),
                    };
                    if let Some(d) = Self::claim_on(&mut *tx, sub.id, slot, lease).await? {
                        claimed.push((sub, d));
                    }
                }
                tx.commit().await?;
                Ok(claimed)
            }
            async fn mark_sent(
                &self,
                key: DeliveryKey,
                message_id: i64,
                sent_at: i64,
                after: After,
            ) -> R<bool> {
                Ok(self
                    .mark_sent_many(&[(key, message_id, sent_at, after)])
                    .await?
                    > 0)
            }
            async fn mark_sent_many(&self, items: &[(DeliveryKey, i64, i64, After)]) -> R<u64> {
                // One transaction (one fsync) for the whole group.
                let mut tx = self.write.begin().await?;
                let mut n = 0;
                for &(key, message_id, sent_at, after) in items {
                    // The subscription first, then the delivery: see the lock order in `sql`.
                    let done = match after {
                        After::Advance { next_due_at, week } => {
                            sqlx::query(sql::ADVANCE)
                                .bind(key.subscription_id)
                                .bind(next_due_at)
                                .bind(week_i32(week)?)
                                .bind(sent_at)
                                .bind(key.due_at)
                                .execute(&mut *tx)
                                .await?;
                            sqlx::query(sql::DELIVERY_SENT)
                                .bind(key.subscription_id)
                                .bind(key.due_at)
                                .bind(message_id)
                                .bind(sent_at)
                                .execute(&mut *tx)
                                .await?
                        }
                        After::End => {
                            sqlx::query(sql::END)
                                .bind(key.subscription_id)
                                .bind(key.due_at)
                                .execute(&mut *tx)
                                .await?
                        }
                    };
                    n += done.rows_affected().min(1);
                }
                tx.commit().await?;
                Ok(n)
            }
            async fn mark_failed_pause(
                &self,
                key: DeliveryKey,
                reason: &str,
                notice: &str,
                now: i64,
            ) -> R<bool> {
                let mut tx = self.write.begin().await?;
                sqlx::query(sql::SYSTEM_PAUSE)
                    .bind(key.subscription_id)
                    .bind(reason)
                    .bind(notice)
                    .bind(now)
                    .bind(key.due_at)
                    .execute(&mut *tx)
                    .await?;
                let failed = sqlx::query(sql::DELIVERY_FAILED)
                    .bind(key.subscription_id)
                    .bind(key.due_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(failed.rows_affected() > 0)
            }
            async fn release(&self, key: DeliveryKey, retry_at: i64) -> R<bool> {
                let q = sqlx::query(sql::RELEASE)
                    .bind(key.subscription_id)
                    .bind(key.due_at)
                    .bind(retry_at);
                self.update(q).await
            }
            async fn mark_attempted(&self, keys: &[DeliveryKey], now: i64) -> R<u64> {
                let mut tx = self.write.begin().await?;
                let mut n = 0;
                for key in keys {
                    n += sqlx::query(sql::MARK_ATTEMPTED)
                        .bind(key.subscription_id)
                        .bind(key.due_at)
                        .bind(now)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                }
                tx.commit().await?;
                Ok(n)
            }
            async fn release_unknown(&self, key: DeliveryKey, retry_at: i64) -> R<bool> {
                let q = sqlx::query(sql::RELEASE_UNKNOWN)
                    .bind(key.subscription_id)
                    .bind(key.due_at)
                    .bind(retry_at);
                self.update(q).await
            }
            async fn unsent_claims(&self, worker: &str) -> R<Vec<Delivery>> {
                let rows = sqlx::query_as::<_, DeliveryRow>(sql::UNSENT_CLAIMS)
                    .bind(worker)
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map(Delivery::try_from).collect()
            }
            async fn delivery(&self, key: DeliveryKey) -> R<Option<Delivery>> {
                sqlx::query_as::<_, DeliveryRow>(sql::DELIVERY)
                    .bind(key.subscription_id)
                    .bind(key.due_at)
                    .fetch_optional(&self.read)
                    .await?
                    .map(Delivery::try_from)
                    .transpose()
            }
            async fn prune_deliveries(&self, before: i64) -> R<u64> {
                let done = sqlx::query(sql::PRUNE)
                    .bind(before)
                    .execute(&self.write)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn dm_channel(&self, user_id: i64) -> R<Option<i64>> {
                let q = sqlx::query_scalar(sql::DM_CHANNEL).bind(user_id);
                Ok(q.fetch_optional(&self.read).await?)
            }
            async fn dm_channels(&self, users: &[i64]) -> R<std::collections::HashMap<i64, i64>> {
                let mut out = std::collections::HashMap::new();
                for chunk in users.chunks(500) {
                    let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
                    let text = format!(
                        "SELECT user_id, channel_id FROM dm_channels WHERE user_id IN ({})",
                        marks.join(", ")
                    );
                    let mut q = sqlx::query_as::<_, (i64, i64)>(&text);
                    for u in chunk {
                        q = q.bind(*u);
                    }
                    out.extend(q.fetch_all(&self.read).await?);
                }
                Ok(out)
            }
            async fn put_dm_channel(&self, user_id: i64, channel_id: i64) -> R<()> {
                self.update(
                    sqlx::query(sql::PUT_DM_CHANNEL)
                        .bind(user_id)
                        .bind(channel_id),
                )
                .await?;
                Ok(())
            }
            async fn record_miss(&self, guild_id: Option<i64>, query: &str, now: i64) -> R<()> {
                match normalize_query(query) {
                    Some(query) => {
                        self.record_miss_capped(sql::guild_key(guild_id), query, now)
                            .await
                    }
                    None => Ok(()),
                }
            }
            async fn top_misses(&self, guild_id: Option<i64>, limit: u32) -> R<Vec<SearchMiss>> {
                let rows = sqlx::query_as::<_, MissRow>(sql::TOP_MISSES)
                    .bind(sql::guild_key(guild_id))
                    .bind(limit_i64(limit))
                    .fetch_all(&self.read)
                    .await?;
                Ok(rows.into_iter().map(SearchMiss::from).collect())
            }

            async fn assign_untracked_subscriptions(&self, track: &str) -> R<u64> {
                let q = sqlx::query(sql::ASSIGN_UNTRACKED).bind(validate_track(track)?);
                Ok(q.execute(&self.write).await?.rows_affected())
            }
            async fn set_member_track(
                &self,
                guild_id: Option<i64>,
                user_id: i64,
                track: &str,
                now: i64,
            ) -> R<()> {
                let q = sqlx::query(sql::SET_MEMBER_TRACK)
                    .bind(sql::guild_key(guild_id))
                    .bind(user_id)
                    .bind(validate_track(track)?)
                    .bind(now);
                self.update(q).await.map(drop)
            }
            async fn member_track(&self, guild_id: Option<i64>, user_id: i64) -> R<Option<String>> {
                let q = sqlx::query_scalar(sql::MEMBER_TRACK)
                    .bind(sql::guild_key(guild_id))
                    .bind(user_id);
                Ok(q.fetch_optional(&self.read).await?)
            }
            async fn clear_member_track(&self, guild_id: Option<i64>, user_id: i64) -> R<bool> {
                let q = sqlx::query(sql::CLEAR_MEMBER_TRACK)
                    .bind(sql::guild_key(guild_id))
                    .bind(user_id);
                self.update(q).await
            }
            async fn set_channel_track(
                &self,
                guild_id: i64,
                channel_id: i64,
                track: &str,
                now: i64,
            ) -> R<()> {
                let q = sqlx::query(sql::SET_CHANNEL_TRACK)
                    .bind(channel_id)
                    .bind(guild_id)
                    .bind(validate_track(track)?)
                    .bind(now);
                self.update(q).await.map(drop)
            }
            async fn channel_track(&self, channel_id: i64) -> R<Option<String>> {
                let q = sqlx::query_scalar(sql::CHANNEL_TRACK).bind(channel_id);
                Ok(q.fetch_optional(&self.read).await?)
            }
            async fn channel_tracks(&self, guild_id: i64) -> R<Vec<ChannelTrack>> {
                let rows: Vec<(i64, String)> = sqlx::query_as(sql::CHANNEL_TRACKS)
                    .bind(guild_id)
                    .fetch_all(&self.read)
                    .await?;
                let tied = rows
                    .into_iter()
                    .map(|(channel_id, track)| ChannelTrack { channel_id, track });
                Ok(tied.collect())
            }
            async fn clear_channel_track(&self, channel_id: i64) -> R<bool> {
                self.update(sqlx::query(sql::CLEAR_CHANNEL_TRACK).bind(channel_id))
                    .await
            }
            async fn record_curriculum_version(&self, replica: &str, hash: &str, at: i64) -> R<()> {
                let (replica, hash) = (
                    validate_label("replica id", replica)?,
                    validate_label("content hash", hash)?,
                );
                self.record_version_capped(replica, hash, at).await
            }
            async fn curriculum_versions(&self) -> R<Vec<CurriculumVersion>> {
                let rows: Vec<(String, String, i64)> =
                    sqlx::query_as(sql::VERSIONS).fetch_all(&self.read).await?;
                let v = rows
                    .into_iter()
                    .map(|(replica, hash, loaded_at)| CurriculumVersion {
                        replica,
                        hash,
                        loaded_at,
                    });
                Ok(v.collect())
            }

            async fn record_pin(&self, pin: &NewPin<'_>, now: i64) -> R<Pin> {
                self.record_pin_in(pin, now).await
            }
            async fn list_pins(&self, guild_id: i64) -> R<Vec<Pin>> {
                let q = sqlx::query_as::<_, PinRow>(pins::LIST_PINS).bind(guild_id);
                q.fetch_all(&self.read)
                    .await?
                    .into_iter()
                    .map(Pin::try_from)
                    .collect()
            }
            async fn pins_to_refresh(&self, after_id: i64, limit: u32, now: i64) -> R<Vec<Pin>> {
                let limit = limit_i64(limit);
                self.pins_where(pins::PINS_TO_REFRESH, after_id, limit, now)
                    .await
            }
            async fn claim_pins(&self, ids: &[i64], lease: &Lease<'_>) -> R<Vec<Pin>> {
                self.claim_pins_in(ids, lease).await
            }
            async fn mark_pin_current(
                &self,
                id: i64,
                worker: &str,
                hash: &str,
                now: i64,
            ) -> R<bool> {
                let hash = validate_hash(hash)?;
                let q = sqlx::query(pins::MARK_PIN_CURRENT)
                    .bind(id)
                    .bind(worker)
                    .bind(hash);
                self.update(q.bind(now)).await
            }
            async fn release_pin(&self, id: i64, worker: &str) -> R<bool> {
                self.update(sqlx::query(pins::RELEASE_PIN).bind(id).bind(worker))
                    .await
            }
            async fn forget_pin(&self, id: i64) -> R<bool> {
                self.update(sqlx::query(pins::FORGET_PIN).bind(id)).await
            }

            async fn track_refs(&self) -> R<Vec<track_refs::TrackRefs>> {
                self.track_refs_in().await
            }
            async fn pause_track(
                &self,
                track: &str,
                reason: &str,
                notice: &str,
                now: i64,
            ) -> R<u64> {
                self.pause_track_in(track, reason, notice, now).await
            }
            async fn paused_for(&self, track: &str, reason: &str) -> R<Vec<Subscription>> {
                self.paused_for_in(track, reason).await
            }
            async fn resume_paused(
                &self,
                id: i64,
                reason: &str,
                next_due_at: i64,
                notice: &str,
                now: i64,
            ) -> R<bool> {
                self.resume_paused_in(id, reason, next_due_at, notice, now)
                    .await
            }
            async fn rename_track(
                &self,
                old: &str,
                new: &str,
                now: i64,
            ) -> R<track_refs::TrackRefs> {
                self.rename_track_in(old, new, now).await
            }
        }
    };
}

pub(crate) use impl_store;
