//! Property tests of the schedule across zones with odd offsets and DST rules, with `now` drawn
//! uniformly over 2000–2040 and densely around each zone's transitions.

use std::sync::OnceLock;

use jiff::civil::Weekday;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use super::*;

/// Half-hour DST, +05:45, US and EU rules, no DST, +12:45/+13:45, midnight gaps (Santiago,
/// Havana), -03:30, negative DST (Casablanca's Ramadan, Dublin's winter "DST").
const ZONES: [&str; 11] = [
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/New_York",
    "Europe/London",
    "UTC",
    "Pacific/Chatham",
    "America/Santiago",
    "America/Havana",
    "America/St_Johns",
    "Africa/Casablanca",
    "Europe/Dublin",
];
const START: i64 = 946_684_800; // 2000-01-01T00:00:00Z
const END: i64 = 2_208_988_800; // 2040-01-01T00:00:00Z
const NS: SignedDuration = SignedDuration::from_nanos(1);

fn ts(second: i64) -> Timestamp {
    Timestamp::from_second(second).expect("in range")
}

/// Every transition of each zone in [START, END).
fn transitions() -> &'static Vec<Vec<Timestamp>> {
    static T: OnceLock<Vec<Vec<Timestamp>>> = OnceLock::new();
    T.get_or_init(|| {
        ZONES
            .iter()
            .map(|z| {
                let tz = TimeZone::get(z).expect("zone");
                tz.following(ts(START))
                    .map(|t| t.timestamp())
                    .take_while(|t| *t < ts(END))
                    .collect()
            })
            .collect()
    })
}

/// A random case: (slot, now). Mode 0: uniform `now`; 1: `now` within 8 days of a transition;
/// 2: additionally the slot's wall time lies inside that transition's gap or fold.
fn case() -> impl Strategy<Value = (WeeklySlot, Timestamp)> {
    (
        0..ZONES.len(),
        0u8..3,
        (0i8..7, 0i8..24, 0i8..60),
        any::<u64>(),
        -8 * 86_400i64..8 * 86_400,
        0i32..1_000_000_000,
    )
        .prop_map(|(zi, mode, (wd, h, m), pick, off, nanos)| {
            let tz = TimeZone::get(ZONES[zi]).expect("zone");
            let weekday = Weekday::from_monday_zero_offset(wd).expect("0..7");
            let trans = &transitions()[zi];
            let range = (END - START) as u64;
            let uniform = Timestamp::new(START + (pick % range) as i64, nanos).expect("in range");
            let (slot_parts, now) = match (mode, trans.len()) {
                (0, _) | (_, 0) => ((weekday, h, m), uniform),
                (mode, len) => {
                    let t = trans[(pick % len as u64) as usize];
                    let now = t
                        .checked_add(SignedDuration::from_secs(off))
                        .expect("range");
                    let before = tz.to_offset(t.checked_sub(NS).expect("range"));
                    let after = tz.to_offset(t);
                    let low = tz.to_datetime(t).min(before.to_datetime(t));
                    let span = i64::from((after.seconds() - before.seconds()).abs() / 60).max(1);
                    let wall = low
                        .checked_add(SignedDuration::from_mins(i64::from(m) % span))
                        .expect("range");
                    if mode == 1 {
                        ((weekday, h, m), now)
                    } else {
                        ((wall.weekday(), wall.hour(), wall.minute()), now)
                    }
                }
            };
            let (wd, h, m) = slot_parts;
            (
                WeeklySlot::new(wd, h, m, ZONES[zi]).expect("valid slot"),
                now,
            )
        })
}

/// `at` is a correct firing: on the slot's weekday, at the wall time (its first occurrence),
/// or, when the wall time falls in a gap, at the first instant after the gap.
fn assert_firing(slot: &WeeklySlot, at: Timestamp) -> Result<(), TestCaseError> {
    let tz = slot.time_zone();
    let local = tz.to_datetime(at);
    prop_assert_eq!(
        local.weekday(),
        slot.weekday(),
        "{} fired at {}",
        slot,
        local
    );
    let want = local.date().at(slot.hour(), slot.minute(), 0, 0);
    if local == want {
        let first = tz.to_ambiguous_timestamp(want).earlier().expect("range");
        prop_assert_eq!(
            at,
            first,
            "{} fired at the 2nd occurrence of {}",
            slot,
            want
        );
    } else {
        let just_before = tz.to_datetime(at.checked_sub(NS).expect("range"));
        prop_assert!(
            just_before < want && want < local,
            "{slot} fired at {local}, but {want} is not in a gap ending there"
        );
    }
    Ok(())
}

fn check_case(slot: &WeeklySlot, now: Timestamp) -> Result<(), TestCaseError> {
    let tz = slot.time_zone();
    let next = next_after(slot, now);
    prop_assert!(next > now);
    assert_firing(slot, next)?;
    let next2 = next_after(slot, next);
    assert_firing(slot, next2)?;
    let gap = next2.duration_since(next);
    prop_assert!(
        gap >= SignedDuration::from_hours(6 * 24) && gap <= SignedDuration::from_hours(8 * 24)
    );
    let days = tz
        .to_datetime(next)
        .date()
        .duration_since(tz.to_datetime(next2).date());
    prop_assert_eq!(
        days,
        SignedDuration::from_hours(-7 * 24),
        "one firing per local week"
    );

    let latest = latest_at_or_before(slot, now);
    prop_assert!(latest <= now);
    assert_firing(slot, latest)?;
    prop_assert_eq!(
        next_after(slot, latest),
        next,
        "nothing between latest and next"
    );
    let before_latest = latest.checked_sub(NS).expect("range");
    prop_assert_eq!(next_after(slot, before_latest), latest);

    prop_assert_eq!(upcoming(slot, now, 2), vec![next, next2]);
    prop_assert_eq!(slots_between(slot, now, next), 1);
    prop_assert_eq!(slots_between(slot, before_latest, now), 1);
    prop_assert_eq!(slots_between(slot, latest, next2), 2);
    prop_assert_eq!(slots_between(slot, now, now), 0);
    Ok(())
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn firings_are_weekly_at_local_wall_time() {
    let result = runner(6000).run(&case(), |(slot, now)| check_case(&slot, now));
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn slots_between_matches_stepping() {
    let strategy = (case(), 0i64..3 * 366 * 86_400);
    let result = runner(300).run(&strategy, |((slot, from), len)| {
        let to = from
            .checked_add(SignedDuration::from_secs(len))
            .expect("range");
        let mut stepped = 0;
        let mut at = next_after(&slot, from);
        while at <= to {
            stepped += 1;
            at = next_after(&slot, at);
        }
        prop_assert_eq!(slots_between(&slot, from, to), stepped);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn parsing_never_panics_and_times_round_trip() {
    let strategy = (
        any::<String>(),
        any::<String>(),
        any::<String>(),
        0i8..24,
        0i8..60,
    );
    let result = runner(500).run(&strategy, |(d, t, z, h, m)| {
        let _ = WeeklySlot::parse(Some(&d), Some(&t), Some(&z));
        let suggestions = tz_autocomplete(&z, 30);
        prop_assert!(suggestions.len() <= AUTOCOMPLETE_MAX);
        prop_assert!(suggestions.iter().all(|s| s.len() <= 100));
        let twelve = format!(
            "{}:{m:02} {}",
            (h + 11) % 12 + 1,
            if h < 12 { "AM" } else { "pm" }
        );
        for text in [format!("{h:02}:{m:02}"), format!("{h}:{m:02}"), twelve] {
            let slot = WeeklySlot::parse(None, Some(&text), None)
                .map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
            prop_assert_eq!((slot.hour(), slot.minute()), (h, m), "{}", text);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
