//! PURE weekly reminder schedule: a [`WeeklySlot`] (weekday, wall time, IANA zone) and the
//! DST-exact instants at which it fires. `now` is always a parameter; nothing here reads a clock.
//!
//! Rules, all computed from the *local calendar date* (never by adding 7×24 h):
//! - each local week has exactly one firing, on the slot's weekday;
//! - an ordinary wall time fires at that wall time (09:00 stays 09:00 across DST);
//! - a wall time inside a spring-forward gap fires at the end of the gap, the first valid
//!   instant after it (02:30 in New York's gap fires at 03:00 EDT);
//! - an ambiguous fall-back wall time fires once, at its first (earlier) occurrence.
//!
//! Note: jiff's `Disambiguation::Compatible` is *not* "right after the gap": it shifts a gap
//! time forward by the gap's length (02:30 → 03:30 EDT), so gaps are resolved here with the
//! zone's transition instant instead.

mod parse;
mod zones;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::fmt;

use jiff::civil::{Date, Weekday};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{SignedDuration, Timestamp};

pub use zones::{suggest_zones, tz_autocomplete, AUTOCOMPLETE_MAX};

/// Why a `/remind subscribe` day, time or zone was rejected. Messages are user-facing.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlotError {
    /// The day option was given but blank.
    #[error("the day is empty: give a weekday such as `monday` or `mon`")]
    EmptyDay,
    /// The day is not a weekday name or abbreviation.
    #[error("{input:?} is not a weekday: use a name such as `monday` or `mon`")]
    UnknownDay { input: String },
    /// The time option was given but blank.
    #[error("the time is empty: give a time such as `09:00`, `18:30` or `9am`")]
    EmptyTime,
    /// The time is not `HH:MM`, `H`, `9am` or `9:30pm`.
    #[error(
        "{input:?} is not a time: use `HH:MM` (24-hour, e.g. `09:00`, `18:30`) or `9am`/`9:30pm`"
    )]
    BadTimeFormat { input: String },
    /// The hour is out of range (0–23, or 1–12 with am/pm).
    #[error("{input:?} is not a valid time: the hour must be {range}{hint}")]
    HourOutOfRange {
        input: String,
        range: &'static str,
        hint: &'static str,
    },
    /// The minute is out of range (0–59).
    #[error("{input:?} is not a valid time: the minute must be 00–59")]
    MinuteOutOfRange { input: String },
    /// The time zone option was given but blank.
    #[error("the time zone is empty: give an IANA name such as `Europe/London` or `UTC`")]
    EmptyZone,
    /// The zone is not an IANA name known to the bundled database.
    #[error("{}", zones::unknown_zone_message(input, suggestions))]
    UnknownZone {
        input: String,
        /// Up to 3 nearest IANA names, best first (possibly empty).
        suggestions: Vec<String>,
    },
}

/// A weekly reminder slot: a weekday and a wall time in an IANA time zone.
///
/// Invariants: `hour` is 0–23, `minute` 0–59, `tz_name` is the canonical spelling of an IANA
/// name in jiff's bundled database and `tz` is that zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeeklySlot {
    weekday: Weekday,
    hour: i8,
    minute: i8,
    tz: TimeZone,
    tz_name: String,
}

impl Default for WeeklySlot {
    /// Monday 09:00 UTC.
    fn default() -> Self {
        WeeklySlot {
            weekday: Weekday::Monday,
            hour: 9,
            minute: 0,
            tz: TimeZone::UTC,
            tz_name: "UTC".to_string(),
        }
    }
}

impl WeeklySlot {
    /// Builds a slot from stored parts (e.g. a database row). `tz_name` is matched
    /// case-insensitively against the IANA names; errors as in [`WeeklySlot::parse`].
    pub fn new(weekday: Weekday, hour: i8, minute: i8, tz_name: &str) -> Result<Self, SlotError> {
        let shown = format!("{hour}:{minute:02}");
        if !(0..=23).contains(&hour) {
            return Err(SlotError::HourOutOfRange {
                input: shown,
                range: "00–23",
                hint: "",
            });
        }
        if !(0..=59).contains(&minute) {
            return Err(SlotError::MinuteOutOfRange { input: shown });
        }
        let (tz, tz_name) = zones::lookup(tz_name)?;
        Ok(WeeklySlot {
            weekday,
            hour,
            minute,
            tz,
            tz_name,
        })
    }

    /// Parses the `/remind subscribe` options. Missing options default to Monday, 09:00, UTC.
    ///
    /// - `day`: `monday`, `Mon`, `mo`, `tues`, `thurs`, `weds`, `sundays`… (case-insensitive);
    /// - `time`: `HH:MM` or `H:MM` 24-hour, a bare hour `9`/`21`, or `9am`, `9:30 pm`, `12am`;
    /// - `tz`: an IANA name, case-insensitive, spaces accepted for underscores
    ///   (`america/new york`). Unknown names return up to 3 suggestions.
    pub fn parse(
        day: Option<&str>,
        time: Option<&str>,
        tz: Option<&str>,
    ) -> Result<Self, SlotError> {
        let weekday = match day {
            None => Weekday::Monday,
            Some(d) => parse::parse_day(d)?,
        };
        let (hour, minute) = match time {
            None => (9, 0),
            Some(t) => parse::parse_time(t)?,
        };
        WeeklySlot::new(weekday, hour, minute, tz.unwrap_or("UTC"))
    }

    pub fn weekday(&self) -> Weekday {
        self.weekday
    }
    pub fn hour(&self) -> i8 {
        self.hour
    }
    pub fn minute(&self) -> i8 {
        self.minute
    }
    pub fn time_zone(&self) -> &TimeZone {
        &self.tz
    }
    /// The canonical IANA name, e.g. `America/New_York`.
    pub fn tz_name(&self) -> &str {
        &self.tz_name
    }

    /// The instant this slot fires for the local calendar date `date` (whatever its weekday).
    /// `None` only at the edges of jiff's supported range.
    pub fn firing_on(&self, date: Date) -> Option<Timestamp> {
        let dt = date.at(self.hour, self.minute, 0, 0);
        match self.tz.to_ambiguous_timestamp(dt).offset() {
            AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(dt).ok(),
            // Fall-back: the first occurrence.
            AmbiguousOffset::Fold { before, .. } => before.to_timestamp(dt).ok(),
            // Spring-forward: the transition instant, i.e. the first valid instant after the
            // gap. `dt` read with the later offset is an instant just before that transition.
            AmbiguousOffset::Gap { before, after } => {
                let just_before = after.to_timestamp(dt).ok()?;
                let shifted = before.to_timestamp(dt).ok()?;
                match self.tz.following(just_before).next() {
                    Some(t) if t.timestamp() <= shifted => Some(t.timestamp()),
                    _ => Some(shifted),
                }
            }
        }
    }

    /// Local date of the slot's weekday on or after `date`.
    fn weekday_on_or_after(&self, date: Date) -> Option<Date> {
        let ahead = date.weekday().until(self.weekday);
        date.checked_add(SignedDuration::from_hours(24 * i64::from(ahead)))
            .ok()
    }

    /// The first (date, instant) strictly after `after`.
    fn next_occurrence(&self, after: Timestamp) -> Option<(Date, Timestamp)> {
        let local = self.tz.to_datetime(after).date();
        // Two days of slack: a firing may land on the day after its date (a gap across
        // midnight), so start the search before `after`'s local date.
        let mut date = self.weekday_on_or_after(local.checked_sub(DAYS_2).ok()?)?;
        for _ in 0..4 {
            let at = self.firing_on(date)?;
            if at > after {
                return Some((date, at));
            }
            date = date.checked_add(WEEK).ok()?;
        }
        None
    }

    /// The last (date, instant) at or before `now`.
    fn latest_occurrence(&self, now: Timestamp) -> Option<(Date, Timestamp)> {
        let local = self.tz.to_datetime(now).date();
        let end = local.checked_add(DAYS_2).ok()?;
        let back = self.weekday.until(end.weekday());
        let mut date = end
            .checked_sub(SignedDuration::from_hours(24 * i64::from(back)))
            .ok()?;
        for _ in 0..4 {
            let at = self.firing_on(date)?;
            if at <= now {
                return Some((date, at));
            }
            date = date.checked_sub(WEEK).ok()?;
        }
        None
    }
}

const WEEK: SignedDuration = SignedDuration::from_hours(7 * 24);
const DAYS_2: SignedDuration = SignedDuration::from_hours(2 * 24);

impl fmt::Display for WeeklySlot {
    /// `Monday 09:00 (UTC)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {:02}:{:02} ({})",
            weekday_name(self.weekday),
            self.hour,
            self.minute,
            self.tz_name
        )
    }
}

/// English name of a weekday: `Monday`…`Sunday`.
pub fn weekday_name(weekday: Weekday) -> &'static str {
    parse::WEEKDAYS[weekday.to_monday_zero_offset() as usize].1
}

/// The first firing instant strictly after `after`. Saturates at `Timestamp::MAX` only at the
/// very end of jiff's supported range (year 9999).
pub fn next_after(slot: &WeeklySlot, after: Timestamp) -> Timestamp {
    slot.next_occurrence(after)
        .map_or(Timestamp::MAX, |(_, at)| at)
}

/// The next `n` firing instants strictly after `now`, in order.
pub fn upcoming(slot: &WeeklySlot, now: Timestamp, n: usize) -> Vec<Timestamp> {
    let mut out = Vec::with_capacity(n.min(64));
    let mut cursor = now;
    while out.len() < n {
        match slot.next_occurrence(cursor) {
            Some((_, at)) => {
                out.push(at);
                cursor = at;
            }
            None => break,
        }
    }
    out
}

/// The most recent firing instant at or before `now` (the slot of the current week once it
/// has passed). Saturates at `Timestamp::MIN` only at the start of jiff's range.
pub fn latest_at_or_before(slot: &WeeklySlot, now: Timestamp) -> Timestamp {
    slot.latest_occurrence(now)
        .map_or(Timestamp::MIN, |(_, at)| at)
}

/// How many firings fall in `(from, to]` (0 when `to <= from`). Computed from local dates, so
/// it is O(1) however long the interval.
pub fn slots_between(slot: &WeeklySlot, from: Timestamp, to: Timestamp) -> u64 {
    if to <= from {
        return 0;
    }
    let (Some((first, first_at)), Some((last, last_at))) =
        (slot.next_occurrence(from), slot.latest_occurrence(to))
    else {
        return 0;
    };
    if last_at < first_at {
        return 0;
    }
    let days = last.duration_since(first).as_secs() / 86_400;
    u64::try_from(days / 7).map_or(0, |weeks| weeks + 1)
}

/// Discord's timestamp markdown styles (`<t:SECONDS:STYLE>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimestampStyle {
    /// `t`: 16:20
    ShortTime,
    /// `T`: 16:20:30
    LongTime,
    /// `d`: 20/04/2021
    ShortDate,
    /// `D`: 20 April 2021
    LongDate,
    /// `f`: 20 April 2021 16:20
    ShortDateTime,
    /// `F`: Tuesday, 20 April 2021 16:20
    LongDateTime,
    /// `R`: 2 months ago
    Relative,
}

impl TimestampStyle {
    pub fn code(self) -> char {
        match self {
            TimestampStyle::ShortTime => 't',
            TimestampStyle::LongTime => 'T',
            TimestampStyle::ShortDate => 'd',
            TimestampStyle::LongDate => 'D',
            TimestampStyle::ShortDateTime => 'f',
            TimestampStyle::LongDateTime => 'F',
            TimestampStyle::Relative => 'R',
        }
    }
}

/// `<t:1700000000:F>`: rendered by each Discord client in the reader's own zone.
pub fn discord_timestamp(ts: Timestamp, style: TimestampStyle) -> String {
    format!("<t:{}:{}>", ts.as_second(), style.code())
}
