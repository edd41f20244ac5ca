//! Parsing of the `day` and `time` options of `/remind subscribe` into a weekday and a wall time.

use jiff::civil::Weekday;

use super::SlotError;

/// Weekdays in Monday-first order with their English names.
pub(super) const WEEKDAYS: [(Weekday, &str); 7] = [
    (Weekday::Monday, "Monday"),
    (Weekday::Tuesday, "Tuesday"),
    (Weekday::Wednesday, "Wednesday"),
    (Weekday::Thursday, "Thursday"),
    (Weekday::Friday, "Friday"),
    (Weekday::Saturday, "Saturday"),
    (Weekday::Sunday, "Sunday"),
];

/// Longest echo of user input kept in an error.
const ECHO_MAX: usize = 40;

/// `input` trimmed and cut to [`ECHO_MAX`] characters, for error messages.
pub(super) fn echo(input: &str) -> String {
    let t = input.trim();
    if t.chars().count() <= ECHO_MAX {
        t.to_string()
    } else {
        let mut s: String = t.chars().take(ECHO_MAX).collect();
        s.push('…');
        s
    }
}

/// A weekday from any unambiguous prefix (at least 2 letters) of its English name, optionally
/// plural or with a trailing dot: `mon`, `Monday`, `tu`, `tues`, `weds`, `thurs.`, `sundays`.
pub(super) fn parse_day(input: &str) -> Result<Weekday, SlotError> {
    let lower = input.trim().to_lowercase();
    let lower = lower.trim_end_matches('.');
    if lower.is_empty() {
        return Err(SlotError::EmptyDay);
    }
    let forms = [Some(lower), lower.strip_suffix('s')];
    for form in forms.into_iter().flatten() {
        if form.chars().count() < 2 {
            continue;
        }
        let mut hits = WEEKDAYS
            .iter()
            .filter(|(_, name)| name.to_lowercase().starts_with(form));
        if let (Some((day, _)), None) = (hits.next(), hits.next()) {
            return Ok(*day);
        }
    }
    Err(SlotError::UnknownDay { input: echo(input) })
}

/// A wall time as (hour 0–23, minute 0–59). Accepts `HH:MM`/`H:MM` (also `.` or `h` as the
/// separator), `HHMM`, a bare hour `9`, and 12-hour forms `9am`, `9:30 pm`, `12 a.m.`.
pub(super) fn parse_time(input: &str) -> Result<(i8, i8), SlotError> {
    let lower = input.trim().to_ascii_lowercase();
    if lower.is_empty() {
        return Err(SlotError::EmptyTime);
    }
    let bad = || SlotError::BadTimeFormat { input: echo(input) };
    let (body, pm) = match strip_meridiem(&lower) {
        Some((body, pm)) => (body, Some(pm)),
        None => (lower.as_str(), None),
    };
    let (h, m) = match body.split_once([':', '.', 'h']) {
        Some((h, m)) => (h, m),
        None if body.len() == 4 && pm.is_none() => body.split_at_checked(2).ok_or_else(bad)?,
        None => (body, "00"),
    };
    let digits = |s: &str, lens: &[usize]| {
        (lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<i8>().ok())
            .flatten()
    };
    let (Some(hour), Some(minute)) = (digits(h, &[1, 2]), digits(m, &[2])) else {
        return Err(bad());
    };
    let hour = match pm {
        None if hour > 23 => {
            return Err(SlotError::HourOutOfRange {
                input: echo(input),
                range: "00–23",
                hint: if hour == 24 {
                    " (use 00:00 for midnight)"
                } else {
                    ""
                },
            })
        }
        None => hour,
        Some(_) if !(1..=12).contains(&hour) => {
            return Err(SlotError::HourOutOfRange {
                input: echo(input),
                range: "1–12 with am/pm",
                hint: "",
            })
        }
        Some(pm) => hour % 12 + if pm { 12 } else { 0 },
    };
    if minute > 59 {
        return Err(SlotError::MinuteOutOfRange { input: echo(input) });
    }
    Ok((hour, minute))
}

/// Splits `9:30 pm` into (`9:30`, true); `None` without an am/pm suffix.
fn strip_meridiem(lower: &str) -> Option<(&str, bool)> {
    [("am", false), ("a.m.", false), ("pm", true), ("p.m.", true)]
        .into_iter()
        .find_map(|(suffix, pm)| lower.strip_suffix(suffix).map(|b| (b.trim_end(), pm)))
}
