//! Must-show "a year of weekly reminders": a fake clock steps through 2024 in 15-minute steps
//! for zones across DST transitions and slots inside gaps and folds. The scheduler fires when
//! `now >= due` and recomputes `due` from the firing; an independent oracle fires when the
//! local wall clock crosses the slot's time on the slot's weekday (once per local date). Both
//! must agree, and each slot must fire exactly once a week (52 or 53 times).

use std::collections::BTreeSet;

use curriculum_bot::reminders::schedule::{
    latest_at_or_before, next_after, slots_between, weekday_name, WeeklySlot,
};
use expect_test::expect;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

const ZONES: [&str; 9] = [
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/New_York",
    "Europe/London",
    "UTC",
    "Pacific/Chatham",
    "America/Santiago",
    "America/Havana",
    "Africa/Casablanca",
];
/// Ordinary times plus times that fall in gaps or folds of the zones above.
const SLOTS: [(&str, &str); 8] = [
    ("mon", "09:00"),
    ("tue", "18:45"),
    ("sun", "00:15"),
    ("sun", "01:30"),
    ("sun", "02:15"),
    ("sun", "02:30"),
    ("sun", "03:00"),
    ("sat", "23:30"),
];
const STEP: SignedDuration = SignedDuration::from_mins(15);

fn at(s: &str) -> Timestamp {
    s.parse().expect("test instant")
}

/// What happened to one slot over the simulated year.
struct Year {
    fired: Vec<Timestamp>,
    /// Firings not at the exact wall time (their wall time was in a gap).
    after_gap: Vec<Timestamp>,
    /// Firings whose wall time happened twice that day (fired at the first).
    in_fold: Vec<Timestamp>,
}

fn simulate(slot: &WeeklySlot, start: Timestamp, end: Timestamp) -> Year {
    let tz = slot.time_zone();
    let want_on = |d: Date| d.at(slot.hour(), slot.minute(), 0, 0);
    let (mut fired, mut oracle) = (Vec::new(), Vec::new());
    let mut served: BTreeSet<Date> = BTreeSet::new();
    let mut due = next_after(slot, start);
    let mut now = start;
    let mut prev_local = tz.to_datetime(start);
    while now < end {
        now = now.checked_add(STEP).expect("range");
        // The scheduler under test.
        if now >= due {
            assert!(
                now.duration_since(due) < STEP,
                "{slot}: fired late at {now}"
            );
            assert_eq!(
                latest_at_or_before(slot, now),
                due,
                "{slot}: latest at {now}"
            );
            fired.push(due);
            due = next_after(slot, now);
        }
        // The oracle: the local clock reached the wall time on a not yet served slot weekday.
        let local = tz.to_datetime(now);
        for date in [prev_local.date(), local.date()] {
            let crossed = prev_local < want_on(date) && want_on(date) <= local;
            if date.weekday() == slot.weekday() && crossed && served.insert(date) {
                oracle.push(now);
            }
        }
        prev_local = local;
    }
    assert_eq!(
        fired, oracle,
        "{slot}: scheduler and wall-clock oracle disagree"
    );

    let mut year = Year {
        fired,
        after_gap: Vec::new(),
        in_fold: Vec::new(),
    };
    for pair in year.fired.windows(2) {
        let (a, b) = (
            tz.to_datetime(pair[0]).date(),
            tz.to_datetime(pair[1]).date(),
        );
        assert_eq!(
            b.duration_since(a),
            SignedDuration::from_hours(7 * 24),
            "{slot}: {a}..{b}"
        );
    }
    for &t in &year.fired {
        let local = tz.to_datetime(t);
        assert_eq!(local.weekday(), slot.weekday(), "{slot}: fired on {local}");
        let want = want_on(local.date());
        let amb = tz.to_ambiguous_timestamp(want);
        if local != want {
            // A gap: the wall time never happened; the firing is the first instant after it.
            let just_before =
                tz.to_datetime(t.checked_sub(SignedDuration::from_nanos(1)).expect("range"));
            assert!(
                amb.is_ambiguous() && just_before < want && want < local,
                "{slot} at {local}"
            );
            year.after_gap.push(t);
        } else if amb.is_ambiguous() {
            assert_eq!(amb.earlier().ok(), Some(t), "{slot}: not the first {want}");
            year.in_fold.push(t);
        }
    }
    year
}

fn show(slot: &WeeklySlot, ts: &[Timestamp]) -> String {
    let tz = slot.time_zone().clone();
    ts.iter()
        .map(|t| {
            t.to_zoned_datetime(tz.clone())
                .strftime("%m-%d %H:%M%:z")
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_year_of_weekly_reminders() {
    let (start, end) = (at("2024-01-01T06:00:00Z"), at("2025-01-01T06:00:00Z"));
    let mut report = String::new();
    for zone in ZONES {
        report += &format!("{zone}\n");
        for (day, time) in SLOTS {
            let slot = WeeklySlot::parse(Some(day), Some(time), Some(zone)).expect("slot");
            let year = simulate(&slot, start, end);
            let n = year.fired.len();
            assert!((52..=53).contains(&n), "{slot}: {n} firings");
            assert_eq!(slots_between(&slot, start, end), n as u64, "{slot}");
            let mut line = format!("  {} {time}: {n}", &weekday_name(slot.weekday())[..3]);
            if !year.after_gap.is_empty() {
                line += &format!(", after gap {}", show(&slot, &year.after_gap));
            }
            if !year.in_fold.is_empty() {
                line += &format!(", first of fold {}", show(&slot, &year.in_fold));
            }
            report += &line;
            report.push('\n');
        }
    }
    expect![[r#"
        Australia/Lord_Howe
          Mon 09:00: 52
          Tue 18:45: 53
          Sun 00:15: 52
          Sun 01:30: 52, first of fold 04-07 01:30+11:00
          Sun 02:15: 52, after gap 10-06 02:30+11:00
          Sun 02:30: 52
          Sun 03:00: 52
          Sat 23:30: 52
        Asia/Kathmandu
          Mon 09:00: 52
          Tue 18:45: 53
          Sun 00:15: 52
          Sun 01:30: 52
          Sun 02:15: 52
          Sun 02:30: 52
          Sun 03:00: 52
          Sat 23:30: 52
        America/New_York
          Mon 09:00: 53
          Tue 18:45: 53
          Sun 00:15: 52
          Sun 01:30: 52, first of fold 11-03 01:30-04:00
          Sun 02:15: 52, after gap 03-10 03:00-04:00
          Sun 02:30: 52, after gap 03-10 03:00-04:00
          Sun 03:00: 52
          Sat 23:30: 52
        Europe/London
          Mon 09:00: 53
          Tue 18:45: 53
          Sun 00:15: 52
          Sun 01:30: 52, after gap 03-31 02:00+01:00, first of fold 10-27 01:30+01:00
          Sun 02:15: 52
          Sun 02:30: 52
          Sun 03:00: 52
          Sat 23:30: 52
        UTC
          Mon 09:00: 53
          Tue 18:45: 53
          Sun 00:15: 52
          Sun 01:30: 52
          Sun 02:15: 52
          Sun 02:30: 52
          Sun 03:00: 52
          Sat 23:30: 52
        Pacific/Chatham
          Mon 09:00: 52
          Tue 18:45: 53
          Sun 00:15: 52
          Sun 01:30: 52
          Sun 02:15: 52
          Sun 02:30: 52
          Sun 03:00: 52, after gap 09-29 03:45+13:45, first of fold 04-07 03:00+13:45
          Sat 23:30: 52
        America/Santiago
          Mon 09:00: 53
          Tue 18:45: 53
          Sun 00:15: 52, after gap 09-08 01:00-03:00
          Sun 01:30: 52
          Sun 02:15: 52
          Sun 02:30: 52
          Sun 03:00: 52
          Sat 23:30: 52, first of fold 04-06 23:30-03:00
        America/Havana
          Mon 09:00: 53
          Tue 18:45: 53
          Sun 00:15: 52, after gap 03-10 01:00-04:00, first of fold 11-03 00:15-04:00
          Sun 01:30: 52
          Sun 02:15: 52
          Sun 02:30: 52
          Sun 03:00: 52
          Sat 23:30: 52
        Africa/Casablanca
          Mon 09:00: 53
          Tue 18:45: 53
          Sun 00:15: 52
          Sun 01:30: 52
          Sun 02:15: 52, after gap 04-14 03:00+01:00, first of fold 03-10 02:15+01:00
          Sun 02:30: 52, after gap 04-14 03:00+01:00, first of fold 03-10 02:30+01:00
          Sun 03:00: 52
          Sat 23:30: 52
    "#]]
    .assert_eq(&report);
}

/// After downtime the scheduler sends one late reminder for the current week, never a burst,
/// and advances the plan week by the number of slots that passed.
#[test]
fn downtime_gives_one_late_reminder_and_the_right_week() {
    let slot =
        WeeklySlot::parse(Some("sun"), Some("02:30"), Some("America/New_York")).expect("slot");
    let mut last_sent = at("2024-02-25T07:30:00Z"); // week 1 sent on time
    let mut week = 1;
    let mut log = Vec::new();
    // The bot restarts at these instants after being down since its last send.
    for restart in [
        "2024-03-06T12:00:00Z",
        "2024-03-10T07:00:00Z",
        "2024-04-01T00:00:00Z",
        "2024-04-02T00:00:00Z",
    ] {
        let now = at(restart);
        let due = latest_at_or_before(&slot, now);
        let passed = slots_between(&slot, last_sent, now);
        if due > last_sent {
            week += passed;
            log.push(format!(
                "{restart}: late reminder for week {week}, due {due}, {passed} slot(s) passed"
            ));
            last_sent = due;
        } else {
            log.push(format!(
                "{restart}: nothing due, next {}",
                next_after(&slot, now)
            ));
        }
    }
    expect![[r#"
        2024-03-06T12:00:00Z: late reminder for week 2, due 2024-03-03T07:30:00Z, 1 slot(s) passed
        2024-03-10T07:00:00Z: late reminder for week 3, due 2024-03-10T07:00:00Z, 1 slot(s) passed
        2024-04-01T00:00:00Z: late reminder for week 6, due 2024-03-31T06:30:00Z, 3 slot(s) passed
        2024-04-02T00:00:00Z: nothing due, next 2024-04-07T06:30:00Z"#]]
    .assert_eq(&log.join("\n"));
}
