//! IANA time-zone lookup over jiff's bundled database: exact (case-insensitive) lookup, "did
//! you mean" suggestions and Discord autocomplete.

use std::sync::OnceLock;

use jiff::tz::TimeZone;

use super::{parse::echo, SlotError};

/// Discord allows at most 25 autocomplete choices.
pub const AUTOCOMPLETE_MAX: usize = 25;
/// Discord's limit on a choice's name and value.
const NAME_MAX: usize = 100;
/// Longest query compared against names (longer input is cut).
const QUERY_MAX: usize = 64;
/// A fuzzy match may be this many edits away per 4 query characters (at least 1 edit).
const CHARS_PER_EDIT: usize = 4;
/// Suggested when the autocomplete query is empty.
const POPULAR: [&str; 16] = [
    "UTC",
    "Europe/London",
    "Europe/Paris",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
];
/// Areas of current canonical names; other names (`US/Eastern`, `GB`…) are legacy aliases.
const AREAS: [&str; 10] = [
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
];

struct Zone {
    name: String,
    lower: String,
    /// Lowercased last path component (`new_york`).
    last: String,
    /// Canonical-looking name, ranked before legacy aliases.
    preferred: bool,
}

fn zones() -> &'static [Zone] {
    static ZONES: OnceLock<Vec<Zone>> = OnceLock::new();
    ZONES.get_or_init(|| {
        let mut names: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.as_str().to_string())
            .filter(|n| n.len() <= NAME_MAX && !matches!(n.as_str(), "Factory" | "Etc/Unknown"))
            .collect();
        names.sort();
        names.dedup();
        names
            .into_iter()
            .map(|name| {
                let lower = name.to_lowercase();
                let last = lower.rsplit('/').next().unwrap_or_default().to_string();
                let preferred = name == "UTC" || AREAS.iter().any(|a| name.starts_with(a));
                Zone {
                    name,
                    lower,
                    last,
                    preferred,
                }
            })
            .collect()
    })
}

/// Lowercase, whitespace runs as `_`, cut to [`QUERY_MAX`] characters.
fn normalize(query: &str) -> String {
    let joined = query.split_whitespace().collect::<Vec<_>>().join("_");
    joined
        .chars()
        .take(QUERY_MAX)
        .collect::<String>()
        .to_lowercase()
}

/// The zone and its canonical IANA name, or an error with suggestions.
pub(super) fn lookup(input: &str) -> Result<(TimeZone, String), SlotError> {
    let q = normalize(input);
    if q.is_empty() {
        return Err(SlotError::EmptyZone);
    }
    let unknown = || SlotError::UnknownZone {
        input: echo(input),
        suggestions: suggest_zones(input, 3),
    };
    let zone = zones().iter().find(|z| z.lower == q).ok_or_else(unknown)?;
    let tz = TimeZone::get(&zone.name).map_err(|_| unknown())?;
    Ok((tz, zone.name.clone()))
}

/// Sort key of a match, smaller is better: exact, word prefix, substring (canonical names
/// first, then shorter), then fuzzy (fewer edits first); `None` when too far.
fn rank_key(q: &str, q_len: usize, z: &Zone) -> Option<(u8, usize, usize)> {
    let alias = usize::from(!z.preferred);
    let word_start = z
        .lower
        .match_indices(q)
        .any(|(i, _)| i == 0 || matches!(z.lower.as_bytes().get(i - 1), Some(b'/' | b'_' | b'-')));
    let tier = if z.lower == q || z.last == q {
        0
    } else if word_start {
        1
    } else if z.lower.contains(q) {
        2
    } else {
        // Optimal-string-alignment distance (typos incl. swaps) to the whole name or its last
        // component; names whose length alone rules them out are skipped.
        let cap = (q_len / CHARS_PER_EDIT).max(1);
        let edits = [&z.lower, &z.last]
            .into_iter()
            .filter(|name| name.len().abs_diff(q_len) <= cap)
            .map(|name| strsim::osa_distance(q, name))
            .min()
            .filter(|&e| e <= cap)?;
        return Some((3, edits, alias));
    };
    Some((tier, alias, z.name.len()))
}

/// Names matching `query`, best first (see [`rank_key`]).
fn ranked(query: &str) -> Vec<&'static str> {
    let q = normalize(query);
    if q.is_empty() {
        return Vec::new();
    }
    let q_len = q.chars().count();
    let mut hits: Vec<((u8, usize, usize), &str)> = zones()
        .iter()
        .filter_map(|z| rank_key(&q, q_len, z).map(|k| (k, z.name.as_str())))
        .collect();
    hits.sort_unstable();
    hits.into_iter().map(|(_, name)| name).collect()
}

/// Up to `n` IANA names nearest to a mistyped `input` (case-insensitive; also compares the
/// last path component, so `new york` suggests `America/New_York`).
pub fn suggest_zones(input: &str, n: usize) -> Vec<String> {
    ranked(input)
        .into_iter()
        .take(n)
        .map(str::to_string)
        .collect()
}

/// IANA names for Discord autocomplete: at most `limit` (capped at 25), each ≤ 100 characters;
/// prefix and substring matches first, then fuzzy ones; common zones for an empty prefix.
pub fn tz_autocomplete(prefix: &str, limit: usize) -> Vec<String> {
    let limit = limit.min(AUTOCOMPLETE_MAX);
    if normalize(prefix).is_empty() {
        return POPULAR
            .iter()
            .filter(|p| zones().iter().any(|z| z.name == **p))
            .take(limit)
            .map(|p| p.to_string())
            .collect();
    }
    suggest_zones(prefix, limit)
}

/// The user-facing message of [`SlotError::UnknownZone`].
pub(super) fn unknown_zone_message(input: &str, suggestions: &[String]) -> String {
    match suggestions {
        [] => format!(
            "{input:?} is not a known time zone: use an IANA name such as `Europe/London`, \
             `America/New_York` or `UTC` (the autocomplete lists them)"
        ),
        [one] => format!("{input:?} is not a known time zone. Did you mean `{one}`?"),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("`{s}`")).collect();
            format!(
                "{input:?} is not a known time zone. Did you mean {} or `{last}`?",
                init.join(", ")
            )
        }
    }
}
