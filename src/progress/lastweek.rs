//! The reminder of week N says how week N-1 went: "Last week: ✅ checked in." or "No check-in
//! last week." by DM, "Last week: 5 of 8 checked in." for a study group (8: the members who
//! ever checked in on it). Read from the store just before the reminder is sent.

use super::text;
use crate::reply::message::Message;
use crate::store::{Store, StoreError, Subscription, Target};

/// Adds the line to `reminder` (its first embed); nothing for week 1 or when the store can't
/// say (the reminder goes out without it).
pub async fn annotate(store: &dyn Store, s: &Subscription, week: u32, reminder: &mut Message) {
    if week <= 1 {
        return;
    }
    let line = match line(store, s, week - 1).await {
        Ok(line) => line,
        Err(e) => {
            tracing::warn!(error = %e, subscription = s.id, "could not read last week's check-ins");
            return;
        }
    };
    if let Some(e) = reminder.embeds.first_mut() {
        let d = e.description.take().unwrap_or_default();
        e.description = Some(format!("{d}\n{line}").trim().to_string());
    }
    *reminder = std::mem::take(reminder).within_limits();
}

async fn line(store: &dyn Store, s: &Subscription, last: u32) -> Result<String, StoreError> {
    Ok(match s.target {
        Target::Dm => {
            let weeks = store.checkin_weeks(s.id, s.owner_user_id).await?;
            text::last_week_dm(weeks.contains(&last)).to_string()
        }
        Target::Channel { .. } => {
            let members = store.checkin_members(s.id).await?;
            match members {
                0 => text::last_week_dm(false).to_string(),
                n => {
                    let done = store.week_checkins(s.id, last).await?.len() as u64;
                    text::last_week_group(done, n)
                }
            }
        }
    })
}
