//! `impl_inherent!`: the helper methods `impl_store!` builds on, expanded per backend.

/// The inherent helpers of `$ty` (pools `read` and `write` of database `$db`).
macro_rules! impl_inherent {
    ($ty:ty, $db:ty) => {
        impl $ty {
            /// Counts a miss, then ages and caps the table (see `Store::record_miss`) in the same
            /// transaction, so the cap holds whenever it commits.
            async fn record_miss_capped(&self, guild: i64, query: String, now: i64) -> R<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query(sql::AGE_MISSES)
                    .bind(now.saturating_sub(MISS_MAX_AGE_SECS))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(sql::RECORD_MISS)
                    .bind(guild)
                    .bind(query)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(sql::CAP_MISSES)
                    .bind(guild)
                    .bind(limit_i64(MAX_MISSES_PER_GUILD))
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            /// Upserts a replica's version and keeps the latest `MAX_REPLICAS_KEPT`, in one
            /// transaction.
            async fn record_version_capped(&self, replica: &str, hash: &str, at: i64) -> R<()> {
                let mut tx = self.write.begin().await?;
                let q = sqlx::query(sql::RECORD_VERSION)
                    .bind(replica)
                    .bind(hash)
                    .bind(at);
                q.execute(&mut *tx).await?;
                let cap = sqlx::query(sql::CAP_VERSIONS).bind(MAX_REPLICAS_KEPT);
                cap.execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn claim_on(
                conn: &mut <$db as sqlx::Database>::Connection,
                sub_id: i64,
                slot: Slot,
                lease: &Lease<'_>,
            ) -> R<Option<Delivery>> {
                let row = sqlx::query_as::<_, DeliveryRow>(sql::CLAIM)
                    .bind(sub_id)
                    .bind(slot.due_at)
                    .bind(week_i32(slot.week)?)
                    .bind(lease.worker)
                    .bind(lease.until)
                    .bind(slot.late)
                    .bind(lease.now)
                    .fetch_optional(&mut *conn)
                    .await;
                match row {
                    Ok(row) => row.map(Delivery::try_from).transpose(),
                    Err(e) if sql::is_fk_violation(&e) => Ok(None),
                    Err(e) => Err(e.into()),
                }
            }

            async fn subs(&self, stmt: &'static str, id: i64) -> R<Vec<Subscription>> {
                let rows = sqlx::query_as::<_, SubRow>(stmt)
                    .bind(id)
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map(Subscription::try_from).collect()
            }

            async fn sub(&self, stmt: &'static str, id: i64) -> R<Option<Subscription>> {
                Ok(self.subs(stmt, id).await?.into_iter().next())
            }

            /// Runs a write; `true` when it changed a row.
            async fn update<'q>(
                &self,
                q: sqlx::query::Query<'q, $db, <$db as sqlx::Database>::Arguments<'q>>,
            ) -> R<bool> {
                Ok(q.execute(&self.write).await?.rows_affected() > 0)
            }
        }
    };
}

pub(crate) use impl_inherent;
