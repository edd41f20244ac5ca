//! Snapshot tests of the schedule: firings across DST gaps and folds, parsing, zone lookup.

use expect_test::{expect, Expect};
use jiff::Timestamp;

use super::*;

fn local(slot: &WeeklySlot, ts: Timestamp) -> String {
    let z = ts.to_zoned_datetime(slot.time_zone().clone());
    format!("{}  {ts}", z.strftime("%Y-%m-%d %a %H:%M %:z %Z"))
}

/// Parses the options, then lists the next 3 firings after `now` (local, then UTC), the latest
/// firing at or before `now`, and `next_after` of the first firing (never its fold twin).
fn check(day: Option<&str>, time: Option<&str>, tz: Option<&str>, now: &str, expect: Expect) {
    let now: Timestamp = now.parse().expect("test instant");
    let out = match WeeklySlot::parse(day, time, tz) {
        Err(e) => format!("error: {e}\n"),
        Ok(slot) => {
            let mut out = format!("slot:   {slot}\nnow:    {}\n", local(&slot, now));
            let next = upcoming(&slot, now, 3);
            for at in &next {
                out += &format!("next:   {}\n", local(&slot, *at));
            }
            out += &format!(
                "latest: {}\n",
                local(&slot, latest_at_or_before(&slot, now))
            );
            if let Some(first) = next.first() {
                let again = next_after(&slot, *first);
                out += &format!("after first: {}\n", local(&slot, again));
            }
            out
        }
    };
    expect.assert_eq(&out);
}

#[test]
fn default_slot_is_monday_0900_utc() {
    // `now` exactly on a firing: next is a week later, latest is `now` itself.
    check(
        None,
        None,
        None,
        "2024-01-01T09:00:00Z",
        expect![[r#"
        slot:   Monday 09:00 (UTC)
        now:    2024-01-01 Mon 09:00 +00:00 UTC  2024-01-01T09:00:00Z
        next:   2024-01-08 Mon 09:00 +00:00 UTC  2024-01-08T09:00:00Z
        next:   2024-01-15 Mon 09:00 +00:00 UTC  2024-01-15T09:00:00Z
        next:   2024-01-22 Mon 09:00 +00:00 UTC  2024-01-22T09:00:00Z
        latest: 2024-01-01 Mon 09:00 +00:00 UTC  2024-01-01T09:00:00Z
        after first: 2024-01-15 Mon 09:00 +00:00 UTC  2024-01-15T09:00:00Z
    "#]],
    );
}

#[test]
fn new_york_spring_forward_gap_fires_at_end_of_gap() {
    // 2024-03-10 02:00 EST jumps to 03:00 EDT: 02:30 does not exist and fires at 03:00 EDT.
    check(
        Some("sun"),
        Some("02:30"),
        Some("America/New_York"),
        "2024-03-05T12:00:00Z",
        expect![[r#"
            slot:   Sunday 02:30 (America/New_York)
            now:    2024-03-05 Tue 07:00 -05:00 EST  2024-03-05T12:00:00Z
            next:   2024-03-10 Sun 03:00 -04:00 EDT  2024-03-10T07:00:00Z
            next:   2024-03-17 Sun 02:30 -04:00 EDT  2024-03-17T06:30:00Z
            next:   2024-03-24 Sun 02:30 -04:00 EDT  2024-03-24T06:30:00Z
            latest: 2024-03-03 Sun 02:30 -05:00 EST  2024-03-03T07:30:00Z
            after first: 2024-03-17 Sun 02:30 -04:00 EDT  2024-03-17T06:30:00Z
        "#]],
    );
}

#[test]
fn new_york_fall_back_fold_fires_once_at_first_occurrence() {
    // 2024-11-03 02:00 EDT falls back to 01:00 EST: 01:30 happens twice; only the EDT one fires.
    check(
        Some("Sunday"),
        Some("1:30am"),
        Some("america/new_york"),
        "2024-10-29T12:00:00Z",
        expect![[r#"
            slot:   Sunday 01:30 (America/New_York)
            now:    2024-10-29 Tue 08:00 -04:00 EDT  2024-10-29T12:00:00Z
            next:   2024-11-03 Sun 01:30 -04:00 EDT  2024-11-03T05:30:00Z
            next:   2024-11-10 Sun 01:30 -05:00 EST  2024-11-10T06:30:00Z
            next:   2024-11-17 Sun 01:30 -05:00 EST  2024-11-17T06:30:00Z
            latest: 2024-10-27 Sun 01:30 -04:00 EDT  2024-10-27T05:30:00Z
            after first: 2024-11-10 Sun 01:30 -05:00 EST  2024-11-10T06:30:00Z
        "#]],
    );
    // Between the two 01:30s the next firing is the following week, not the EST twin.
    check(
        Some("sun"),
        Some("01:30"),
        Some("America/New_York"),
        "2024-11-03T05:45:00Z",
        expect![[r#"
            slot:   Sunday 01:30 (America/New_York)
            now:    2024-11-03 Sun 01:45 -04:00 EDT  2024-11-03T05:45:00Z
            next:   2024-11-10 Sun 01:30 -05:00 EST  2024-11-10T06:30:00Z
            next:   2024-11-17 Sun 01:30 -05:00 EST  2024-11-17T06:30:00Z
            next:   2024-11-24 Sun 01:30 -05:00 EST  2024-11-24T06:30:00Z
            latest: 2024-11-03 Sun 01:30 -04:00 EDT  2024-11-03T05:30:00Z
            after first: 2024-11-17 Sun 01:30 -05:00 EST  2024-11-17T06:30:00Z
        "#]],
    );
}

#[test]
fn london_gap_and_fold() {
    // 2024-03-31 01:00 GMT -> 02:00 BST; 2024-10-27 02:00 BST -> 01:00 GMT.
    check(
        Some("sun"),
        Some("01:30"),
        Some("Europe/London"),
        "2024-03-25T00:00:00Z",
        expect![[r#"
            slot:   Sunday 01:30 (Europe/London)
            now:    2024-03-25 Mon 00:00 +00:00 GMT  2024-03-25T00:00:00Z
            next:   2024-03-31 Sun 02:00 +01:00 BST  2024-03-31T01:00:00Z
            next:   2024-04-07 Sun 01:30 +01:00 BST  2024-04-07T00:30:00Z
            next:   2024-04-14 Sun 01:30 +01:00 BST  2024-04-14T00:30:00Z
            latest: 2024-03-24 Sun 01:30 +00:00 GMT  2024-03-24T01:30:00Z
            after first: 2024-04-07 Sun 01:30 +01:00 BST  2024-04-07T00:30:00Z
        "#]],
    );
    check(
        Some("sun"),
        Some("01:30"),
        Some("Europe/London"),
        "2024-10-21T00:00:00Z",
        expect![[r#"
            slot:   Sunday 01:30 (Europe/London)
            now:    2024-10-21 Mon 01:00 +01:00 BST  2024-10-21T00:00:00Z
            next:   2024-10-27 Sun 01:30 +01:00 BST  2024-10-27T00:30:00Z
            next:   2024-11-03 Sun 01:30 +00:00 GMT  2024-11-03T01:30:00Z
            next:   2024-11-10 Sun 01:30 +00:00 GMT  2024-11-10T01:30:00Z
            latest: 2024-10-20 Sun 01:30 +01:00 BST  2024-10-20T00:30:00Z
            after first: 2024-11-03 Sun 01:30 +00:00 GMT  2024-11-03T01:30:00Z
        "#]],
    );
    check(
        Some("wed"),
        Some("9am"),
        Some("Europe/London"),
        "2024-03-25T00:00:00Z",
        expect![[r#"
            slot:   Wednesday 09:00 (Europe/London)
            now:    2024-03-25 Mon 00:00 +00:00 GMT  2024-03-25T00:00:00Z
            next:   2024-03-27 Wed 09:00 +00:00 GMT  2024-03-27T09:00:00Z
            next:   2024-04-03 Wed 09:00 +01:00 BST  2024-04-03T08:00:00Z
            next:   2024-04-10 Wed 09:00 +01:00 BST  2024-04-10T08:00:00Z
            latest: 2024-03-20 Wed 09:00 +00:00 GMT  2024-03-20T09:00:00Z
            after first: 2024-04-03 Wed 09:00 +01:00 BST  2024-04-03T08:00:00Z
        "#]],
    );
}

#[test]
fn lord_howe_half_hour_dst() {
    // 2024-10-06 02:00 +10:30 -> 02:30 +11: 02:15 fires at 02:30.
    check(
        Some("sun"),
        Some("02:15"),
        Some("Australia/Lord_Howe"),
        "2024-10-01T00:00:00Z",
        expect![[r#"
            slot:   Sunday 02:15 (Australia/Lord_Howe)
            now:    2024-10-01 Tue 10:30 +10:30 +1030  2024-10-01T00:00:00Z
            next:   2024-10-06 Sun 02:30 +11:00 +11  2024-10-05T15:30:00Z
            next:   2024-10-13 Sun 02:15 +11:00 +11  2024-10-12T15:15:00Z
            next:   2024-10-20 Sun 02:15 +11:00 +11  2024-10-19T15:15:00Z
            latest: 2024-09-29 Sun 02:15 +10:30 +1030  2024-09-28T15:45:00Z
            after first: 2024-10-13 Sun 02:15 +11:00 +11  2024-10-12T15:15:00Z
        "#]],
    );
    // 2024-04-07 02:00 +11 -> 01:30 +10:30: 01:45 fires once, at +11.
    check(
        Some("sun"),
        Some("01:45"),
        Some("Australia/Lord_Howe"),
        "2024-04-01T00:00:00Z",
        expect![[r#"
            slot:   Sunday 01:45 (Australia/Lord_Howe)
            now:    2024-04-01 Mon 11:00 +11:00 +11  2024-04-01T00:00:00Z
            next:   2024-04-07 Sun 01:45 +11:00 +11  2024-04-06T14:45:00Z
            next:   2024-04-14 Sun 01:45 +10:30 +1030  2024-04-13T15:15:00Z
            next:   2024-04-21 Sun 01:45 +10:30 +1030  2024-04-20T15:15:00Z
            latest: 2024-03-31 Sun 01:45 +11:00 +11  2024-03-30T14:45:00Z
            after first: 2024-04-14 Sun 01:45 +10:30 +1030  2024-04-13T15:15:00Z
        "#]],
    );
}

#[test]
fn kathmandu_quarter_hour_offset() {
    check(
        None,
        None,
        Some("Asia/Kathmandu"),
        "2024-06-01T00:00:00Z",
        expect![[r#"
            slot:   Monday 09:00 (Asia/Kathmandu)
            now:    2024-06-01 Sat 05:45 +05:45 +0545  2024-06-01T00:00:00Z
            next:   2024-06-03 Mon 09:00 +05:45 +0545  2024-06-03T03:15:00Z
            next:   2024-06-10 Mon 09:00 +05:45 +0545  2024-06-10T03:15:00Z
            next:   2024-06-17 Mon 09:00 +05:45 +0545  2024-06-17T03:15:00Z
            latest: 2024-05-27 Mon 09:00 +05:45 +0545  2024-05-27T03:15:00Z
            after first: 2024-06-10 Mon 09:00 +05:45 +0545  2024-06-10T03:15:00Z
        "#]],
    );
}

/// One line per input: the parsed slot or the error message.
fn check_parse(cases: &[(Option<&str>, Option<&str>, Option<&str>)], expect: Expect) {
    let mut out = String::new();
    for (day, time, tz) in cases {
        let shown = match WeeklySlot::parse(*day, *time, *tz) {
            Ok(slot) => slot.to_string(),
            Err(e) => format!("error: {e}"),
        };
        out += &format!("{day:?} {time:?} {tz:?} => {shown}\n");
    }
    expect.assert_eq(&out);
}

#[test]
fn parse_days_and_times() {
    check_parse(
        &[
            (Some("mon"), Some("9:00"), None),
            (Some("TUESDAY"), Some("21:45"), None),
            (Some("tues"), Some("9pm"), None),
            (Some("weds"), Some("9:30 PM"), None),
            (Some("Thurs."), Some("12am"), None),
            (Some("fr"), Some("12pm"), None),
            (Some("saturdays"), Some("0730"), None),
            (Some(" su "), Some("7"), None),
            (None, Some("23:59"), Some("UTC")),
            (None, Some("00:00"), Some("etc/utc")),
        ],
        expect![[r#"
            Some("mon") Some("9:00") None => Monday 09:00 (UTC)
            Some("TUESDAY") Some("21:45") None => Tuesday 21:45 (UTC)
            Some("tues") Some("9pm") None => Tuesday 21:00 (UTC)
            Some("weds") Some("9:30 PM") None => Wednesday 21:30 (UTC)
            Some("Thurs.") Some("12am") None => Thursday 00:00 (UTC)
            Some("fr") Some("12pm") None => Friday 12:00 (UTC)
            Some("saturdays") Some("0730") None => Saturday 07:30 (UTC)
            Some(" su ") Some("7") None => Sunday 07:00 (UTC)
            None Some("23:59") Some("UTC") => Monday 23:59 (UTC)
            None Some("00:00") Some("etc/utc") => Monday 00:00 (Etc/UTC)
        "#]],
    );
}

#[test]
fn parse_errors() {
    check_parse(
        &[
            (None, Some("25:99"), None),
            (None, Some("24:00"), None),
            (None, Some("12:60"), None),
            (None, Some("13pm"), None),
            (None, Some("0am"), None),
            (None, Some(""), None),
            (None, Some("   "), None),
            (None, Some("noon"), None),
            (None, Some("9:5"), None),
            (None, Some("-1:00"), None),
            (None, Some("٩:٣٠"), None),
            (None, Some("99999999999:00"), None),
            (Some(""), None, None),
            (Some("t"), None, None),
            (Some("someday"), None, None),
            (None, None, Some("")),
            (None, None, Some("new york")),
            (None, None, Some("Europe/Londn")),
            (None, None, Some("kathmandu")),
            (None, None, Some("Mars/Olympus_Mons_Base")),
            (None, None, Some("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq")),
        ],
        expect![[r#"
            None Some("25:99") None => error: "25:99" is not a valid time: the hour must be 00–23
            None Some("24:00") None => error: "24:00" is not a valid time: the hour must be 00–23 (use 00:00 for midnight)
            None Some("12:60") None => error: "12:60" is not a valid time: the minute must be 00–59
            None Some("13pm") None => error: "13pm" is not a valid time: the hour must be 1–12 with am/pm
            None Some("0am") None => error: "0am" is not a valid time: the hour must be 1–12 with am/pm
            None Some("") None => error: the time is empty: give a time such as `09:00`, `18:30` or `9am`
            None Some("   ") None => error: the time is empty: give a time such as `09:00`, `18:30` or `9am`
            None Some("noon") None => error: "noon" is not a time: use `HH:MM` (24-hour, e.g. `09:00`, `18:30`) or `9am`/`9:30pm`
            None Some("9:5") None => error: "9:5" is not a time: use `HH:MM` (24-hour, e.g. `09:00`, `18:30`) or `9am`/`9:30pm`
            None Some("-1:00") None => error: "-1:00" is not a time: use `HH:MM` (24-hour, e.g. `09:00`, `18:30`) or `9am`/`9:30pm`
            None Some("٩:٣٠") None => error: "٩:٣٠" is not a time: use `HH:MM` (24-hour, e.g. `09:00`, `18:30`) or `9am`/`9:30pm`
            None Some("99999999999:00") None => error: "99999999999:00" is not a time: use `HH:MM` (24-hour, e.g. `09:00`, `18:30`) or `9am`/`9:30pm`
            Some("") None None => error: the day is empty: give a weekday such as `monday` or `mon`
            Some("t") None None => error: "t" is not a weekday: use a name such as `monday` or `mon`
            Some("someday") None None => error: "someday" is not a weekday: use a name such as `monday` or `mon`
            None None Some("") => error: the time zone is empty: give an IANA name such as `Europe/London` or `UTC`
            None None Some("new york") => error: "new york" is not a known time zone. Did you mean `America/New_York`?
            None None Some("Europe/Londn") => error: "Europe/Londn" is not a known time zone. Did you mean `Europe/London`?
            None None Some("kathmandu") => error: "kathmandu" is not a known time zone. Did you mean `Asia/Kathmandu` or `Asia/Katmandu`?
            None None Some("Mars/Olympus_Mons_Base") => error: "Mars/Olympus_Mons_Base" is not a known time zone: use an IANA name such as `Europe/London`, `America/New_York` or `UTC` (the autocomplete lists them)
            None None Some("qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq") => error: "qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq…" is not a known time zone: use an IANA name such as `Europe/London`, `America/New_York` or `UTC` (the autocomplete lists them)
        "#]],
    );
}

#[test]
fn zone_spelling_is_normalized() {
    check_parse(
        &[
            (None, None, Some("america/new york")),
            (None, None, Some("  EUROPE/LONDON ")),
            (None, None, Some("Asia/Katmandu")),
        ],
        expect![[r#"
            None None Some("america/new york") => Monday 09:00 (America/New_York)
            None None Some("  EUROPE/LONDON ") => Monday 09:00 (Europe/London)
            None None Some("Asia/Katmandu") => Monday 09:00 (Asia/Katmandu)
        "#]],
    );
}

#[test]
fn autocomplete() {
    let mut out = String::new();
    for q in [
        "",
        "new",
        "lond",
        "kathmandu",
        "Europe/Londn",
        "york",
        "zzzzzz",
        "tokoy",
        "sidney",
        "sao paolo",
        "Amrica/Chicgo",
    ] {
        out += &format!("{q:?} => {}\n", tz_autocomplete(q, 6).join(", "));
    }
    let all = tz_autocomplete("a", 1000);
    out += &format!("\"a\" with limit 1000 => {} names\n", all.len());
    expect![[r#"
        "" => UTC, Europe/London, Europe/Paris, Europe/Berlin, America/New_York, America/Chicago
        "new" => America/New_York, America/North_Dakota/New_Salem, Canada/Newfoundland, Australia/NSW
        "lond" => Europe/London
        "kathmandu" => Asia/Kathmandu, Asia/Katmandu
        "Europe/Londn" => Europe/London
        "york" => America/New_York
        "zzzzzz" => 
        "tokoy" => Asia/Tokyo
        "sidney" => Australia/Sydney
        "sao paolo" => America/Sao_Paulo
        "Amrica/Chicgo" => America/Chicago
        "a" with limit 1000 => 25 names
    "#]].assert_eq(&out);
}

#[test]
fn discord_timestamps() {
    let ts: Timestamp = "2023-11-14T22:13:20Z".parse().expect("test instant");
    let out: Vec<String> = [
        TimestampStyle::LongDateTime,
        TimestampStyle::Relative,
        TimestampStyle::ShortTime,
    ]
    .into_iter()
    .map(|s| discord_timestamp(ts, s))
    .collect();
    expect!["<t:1700000000:F> <t:1700000000:R> <t:1700000000:t>"].assert_eq(&out.join(" "));
}

#[test]
fn slots_between_counts_weeks() {
    let slot =
        WeeklySlot::parse(Some("sun"), Some("02:30"), Some("America/New_York")).expect("slot");
    let t = |s: &str| s.parse::<Timestamp>().expect("test instant");
    let out = [
        ("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
        ("2024-03-10T07:00:00Z", "2024-03-17T06:30:00Z"),
        ("2024-03-10T06:59:00Z", "2024-03-10T07:00:00Z"),
        ("2024-03-10T07:00:00Z", "2024-03-10T07:00:00Z"),
        ("2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
    ]
    .map(|(a, b)| format!("({a}, {b}] => {}", slots_between(&slot, t(a), t(b))));
    expect![[r#"
        (2024-01-01T00:00:00Z, 2025-01-01T00:00:00Z] => 52
        (2024-03-10T07:00:00Z, 2024-03-17T06:30:00Z] => 1
        (2024-03-10T06:59:00Z, 2024-03-10T07:00:00Z] => 1
        (2024-03-10T07:00:00Z, 2024-03-10T07:00:00Z] => 0
        (2025-01-01T00:00:00Z, 2024-01-01T00:00:00Z] => 0"#]]
    .assert_eq(&out.join("\n"));
}
