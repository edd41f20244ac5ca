//! Classifiers for single lines of text: module lines, pathway lines, plan-phase headings and the
//! description part of a resource line. Pure string work on already-parsed Markdown text.

use super::model::Span;

/// The longest a module may last: ten years. Anything longer is a typo, and an error.
pub const MAX_MODULE_WEEKS: u32 = 520;
/// The longest a track's modules together, or its plan, may run: twenty years.
pub const MAX_TRACK_WEEKS: u32 = 1040;

/// A module line, `Module 2: ML Pipelines (8-10 weeks) - Automated training…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleLine {
    pub number: u32,
    pub title: String,
    /// `Ok(None)`: no duration given; `Err`: a duration that can't be read.
    pub weeks: Result<Option<Span>, String>,
    /// `(Ongoing)`, `(self-paced)`: no fixed length.
    pub open_ended: bool,
    pub focus: String,
}

/// `12-16`, `12–16`, `6 - 8` or `3` -> a span. `None` for anything else or min > max.
pub fn parse_span(s: &str) -> Option<Span> {
    let s = s.trim();
    let (a, b) = match s.split_once(['-', '–', '—']) {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s, s),
    };
    let min: u32 = a.parse().ok()?;
    let max: u32 = b.parse().ok()?;
    (min <= max && max > 0).then_some(Span { min, max })
}

/// Splits `Module N<sep> rest` into `(N, rest)`, where sep is `:` `-` `–` or `.`.
fn module_prefix(text: &str) -> Option<(u32, &str)> {
    let rest = strip_prefix_ci(text.trim_start(), "module")?;
    let rest = rest.trim_start();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let number = rest[..digits].parse().ok()?;
    let rest = rest[digits..].trim_start();
    let rest = rest
        .strip_prefix([':', '-', '–', '—', '.'])
        .unwrap_or(rest)
        .trim_start();
    Some((number, rest))
}

/// The module number a title such as `Module 2: ML Pipelines` names.
pub fn module_number(title: &str) -> Option<u32> {
    module_prefix(title).map(|(n, _)| n)
}

/// Reads a module line. `None` when the text is not a module line at all.
pub fn parse_module_line(text: &str) -> Option<ModuleLine> {
    let (number, rest) = module_prefix(text)?;
    if rest.is_empty() {
        return None;
    }
    let (title, weeks, focus) = match rest.find('(') {
        Some(open) => {
            let title = rest[..open].trim();
            let after = &rest[open + 1..];
            let (inside, tail) = match after.find(')') {
                Some(close) => (&after[..close], &after[close + 1..]),
                None => (after, ""),
            };
            (title, parse_weeks(inside), strip_separator(tail))
        }
        None => match split_dash(rest) {
            Some((t, f)) => (t, Ok(None), f),
            None => (rest.trim(), Ok(None), ""),
        },
    };
    let open_ended = matches!(weeks, Err(ref e) if e.is_empty());
    let weeks = if open_ended { Ok(None) } else { weeks };
    Some(ModuleLine {
        number,
        title: title.to_string(),
        weeks,
        open_ended,
        focus: focus.to_string(),
    })
}

/// Durations with no fixed length.
const OPEN_ENDED: &[&str] = &[
    "ongoing",
    "self-paced",
    "self paced",
    "continuous",
    "lifelong",
    "open-ended",
];

/// `8-10 weeks`, `6 weeks`, `1 week`, `2 months`, `1-2 months` -> span (months as weeks);
/// `Ongoing`/`self-paced` -> `Err("")` (open-ended); anything else is an error message.
fn parse_weeks(inside: &str) -> Result<Option<Span>, String> {
    let t = inside.trim();
    let lower = t.to_lowercase();
    if OPEN_ENDED.contains(&lower.as_str()) {
        return Err(String::new());
    }
    let bad = || {
        format!("module duration `({t})` must read like `(6-8 weeks)`, `(2 months)` or `(Ongoing)`")
    };
    if let Some(num) = lower
        .strip_suffix("months")
        .or_else(|| lower.strip_suffix("month"))
    {
        let m = parse_span(num).ok_or_else(bad)?;
        let weeks = |n: u32| month_end_week(n).max(1);
        return bounded(
            t,
            Span {
                min: weeks(m.min),
                max: weeks(m.max),
            },
        );
    }
    let num = lower
        .strip_suffix("weeks")
        .or_else(|| lower.strip_suffix("week"))
        .or_else(|| lower.strip_suffix("wks"))
        .ok_or_else(bad)?;
    bounded(t, parse_span(num).ok_or_else(bad)?)
}

/// `span` when a module may last that long, else the error naming the duration `(t)`.
fn bounded(t: &str, span: Span) -> Result<Option<Span>, String> {
    match span.max > MAX_MODULE_WEEKS {
        true => Err(format!(
            "module duration `({t})` is over {MAX_MODULE_WEEKS} weeks (ten years): a typo?"
        )),
        false => Ok(Some(span)),
    }
}

/// The error for a plan phase running past week [`MAX_TRACK_WEEKS`], named by its heading.
pub fn phase_error(weeks: Span, heading: &str) -> Option<String> {
    (weeks.max > MAX_TRACK_WEEKS).then(|| {
        format!(
            "plan phase `{heading}` runs to week {}, past week {MAX_TRACK_WEEKS} (twenty years): \
             a typo?",
            weeks.max
        )
    })
}

/// A pathway line: `Software Engineers: 12-16 months focused on …`.
pub fn parse_pathway_line(text: &str) -> Option<(String, Span, String)> {
    let (background, rest) = text.split_once(':')?;
    let background = background.trim();
    if background.is_empty() || background.len() > 80 {
        return None;
    }
    let rest = rest.trim_start();
    let num_len = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | '–' | '—' | ' ')))
        .unwrap_or(rest.len());
    let span = parse_span(&rest[..num_len])?;
    let after = rest[num_len..].trim_start();
    let lower = after.to_lowercase();
    let unit_len = ["months", "month"]
        .iter()
        .find(|u| lower.starts_with(*u))?
        .len();
    let emphasis = strip_separator(&after[unit_len..]);
    Some((background.to_string(), span, emphasis.to_string()))
}

/// A plan-phase heading: `Week 1: …`, `Weeks 2-4: …`, `Month 2-3: …` -> (weeks, title).
/// Months convert to weeks at 52/12 weeks a month, so `Month 2-3` is weeks 5-13.
pub fn parse_phase_heading(text: &str) -> Option<(Span, String)> {
    let t = text.trim();
    let (unit_weeks, rest) = if let Some(r) = strip_prefix_ci(t, "weeks") {
        (false, r)
    } else if let Some(r) = strip_prefix_ci(t, "week") {
        (false, r)
    } else if let Some(r) = strip_prefix_ci(t, "months") {
        (true, r)
    } else if let Some(r) = strip_prefix_ci(t, "month") {
        (true, r)
    } else {
        return None;
    };
    if !rest.starts_with([' ', '\u{a0}']) {
        return None;
    }
    let rest = rest.trim_start();
    let end = rest.find([':', '(']).unwrap_or(rest.len());
    let (num, title) = (&rest[..end], &rest[end..]);
    let span = parse_span(num)?;
    let title = title.trim_start_matches([':', ' ']).trim();
    let weeks = if unit_weeks {
        Span {
            min: month_end_week(span.min.saturating_sub(1)) + 1,
            max: month_end_week(span.max),
        }
    } else {
        span
    };
    Some((weeks, title.to_string()))
}

/// The last week of month `m` (1-based), rounding 52/12 weeks a month to the nearest week.
fn month_end_week(m: u32) -> u32 {
    (m.min(100_000) * 26 + 3) / 6
}

/// Removes a leading ` - `, `–`, `—` or `:` separator and surrounding space.
pub fn strip_separator(s: &str) -> &str {
    s.trim_start()
        .trim_start_matches(['-', '–', '—', ':'])
        .trim()
}

fn split_dash(s: &str) -> Option<(&str, &str)> {
    for sep in [" - ", " – ", " — "] {
        if let Some((a, b)) = s.split_once(sep) {
            return Some((a.trim(), b.trim()));
        }
    }
    None
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(input: &str, expect: Expect) {
        let out = if let Some(m) = parse_module_line(input) {
            format!("{m:?}")
        } else if let Some(p) = parse_phase_heading(input) {
            format!("phase {p:?}")
        } else if let Some(p) = parse_pathway_line(input) {
            format!("pathway {p:?}")
        } else {
            "none".to_string()
        };
        expect.assert_eq(&out);
    }

    #[test]
    fn classifies_lines() {
        check(
            "Module 2: ML Pipelines (8-10 weeks) - Automated training and data pipelines",
            expect![[
                r#"ModuleLine { number: 2, title: "ML Pipelines", weeks: Ok(Some(Span { min: 8, max: 10 })), open_ended: false, focus: "Automated training and data pipelines" }"#
            ]],
        );
        check(
            "Module 7: Capstone (a few weeks) - Build it",
            expect![[
                r#"ModuleLine { number: 7, title: "Capstone", weeks: Err("module duration `(a few weeks)` must read like `(6-8 weeks)`, `(2 months)` or `(Ongoing)`"), open_ended: false, focus: "Build it" }"#
            ]],
        );
        check(
            "Module 3 – Streaming – Kafka and friends",
            expect![[
                r#"ModuleLine { number: 3, title: "Streaming", weeks: Ok(None), open_ended: false, focus: "Kafka and friends" }"#
            ]],
        );
        check(
            "Month 2-3: Advanced Implementation",
            expect![[r#"phase (Span { min: 5, max: 13 }, "Advanced Implementation")"#]],
        );
        check(
            "Week 1: Environment Setup",
            expect![[r#"phase (Span { min: 1, max: 1 }, "Environment Setup")"#]],
        );
        check(
            "Weeks 2-4: Core Skills",
            expect![[r#"phase (Span { min: 2, max: 4 }, "Core Skills")"#]],
        );
        check(
            "Month 1: Basics",
            expect![[r#"phase (Span { min: 1, max: 4 }, "Basics")"#]],
        );
        check(
            "Software Engineers: 12-16 months focused on ML concepts",
            expect![[
                r#"pathway ("Software Engineers", Span { min: 12, max: 16 }, "focused on ML concepts")"#
            ]],
        );
        check(
            "Module 5: Career Development (Ongoing) - Keep learning",
            expect![[
                r#"ModuleLine { number: 5, title: "Career Development", weeks: Ok(None), open_ended: true, focus: "Keep learning" }"#
            ]],
        );
        check(
            "Module 6: Reading (self-paced)",
            expect![[
                r#"ModuleLine { number: 6, title: "Reading", weeks: Ok(None), open_ended: true, focus: "" }"#
            ]],
        );
        check(
            "Module 2: Data (2 months) - Pipelines",
            expect![[
                r#"ModuleLine { number: 2, title: "Data", weeks: Ok(Some(Span { min: 9, max: 9 })), open_ended: false, focus: "Pipelines" }"#
            ]],
        );
        check(
            "Module 3: Cloud (4-6 weeks) - Platforms",
            expect![[
                r#"ModuleLine { number: 3, title: "Cloud", weeks: Ok(Some(Span { min: 4, max: 6 })), open_ended: false, focus: "Platforms" }"#
            ]],
        );
        check(
            "Week 1-2: Foundations",
            expect![[r#"phase (Span { min: 1, max: 2 }, "Foundations")"#]],
        );
        check(
            "Months 4-6: Specialise",
            expect![[r#"phase (Span { min: 14, max: 26 }, "Specialise")"#]],
        );
        check("Weekly standups are useful", expect!["none"]);
        check("Modules: 4-2 months", expect!["none"]);
        check("Module 99999999999: overflow", expect!["none"]);
        check(
            "Module 1: Forever (4294967295 weeks)",
            expect![[
                r#"ModuleLine { number: 1, title: "Forever", weeks: Err("module duration `(4294967295 weeks)` is over 520 weeks (ten years): a typo?"), open_ended: false, focus: "" }"#
            ]],
        );
        check(
            "Module 2: Long (121 months)",
            expect![[
                r#"ModuleLine { number: 2, title: "Long", weeks: Err("module duration `(121 months)` is over 520 weeks (ten years): a typo?"), open_ended: false, focus: "" }"#
            ]],
        );
        check(
            "Module 3: Ten years (520 weeks)",
            expect![[
                r#"ModuleLine { number: 3, title: "Ten years", weeks: Ok(Some(Span { min: 520, max: 520 })), open_ended: false, focus: "" }"#
            ]],
        );
        let (weeks, _) = parse_phase_heading("Weeks 1-4294967295: Forever").unwrap();
        expect![[r#"
            Some(
                "plan phase `Weeks 1-4294967295: Forever` runs to week 4294967295, past week 1040 (twenty years): a typo?",
            )
        "#]]
            .assert_debug_eq(&phase_error(weeks, "Weeks 1-4294967295: Forever"));
        let (weeks, _) = parse_phase_heading("Month 99999: Forever").unwrap();
        assert!(phase_error(weeks, "").is_some());
        check(
            "Month 0-3: From the start",
            expect![[r#"phase (Span { min: 1, max: 13 }, "From the start")"#]],
        );
        let (weeks, _) = parse_phase_heading("Weeks 1-1040: Long").unwrap();
        assert_eq!(phase_error(weeks, ""), None);
    }
}
