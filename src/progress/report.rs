//! PURE. `/report`'s progress section, one embed per track: learners and groups subscribed,
//! how many are in each module now, the check-in rate per week over the last
//! [`REPORT_WEEKS`] weeks, paused and unsubscribed counts, and where learners stop.
//!
//! The rate's denominator is the track's learners: its DM subscriptions plus the distinct
//! study-group members who checked in during those weeks (the bot can't list a role's members
//! without a privileged intent).

use super::math::percent;
use super::rows::{ProgressRows, REPORT_WEEKS};
use crate::curriculum::Curriculum;
use crate::reminders::content::track_of;
use crate::reply::cards::COLOR;
use crate::reply::message::Embed;
use std::collections::BTreeMap;

/// Tracks shown (an embed each; a message holds 10 embeds, one is the search report).
pub const MAX_TRACKS: usize = 9;

#[derive(Default)]
struct Tally {
    learners: u64,
    groups: u64,
    paused: u64,
    /// Subscriptions (DM and group) per plan week.
    weeks: BTreeMap<u32, u64>,
    checkins: [u64; REPORT_WEEKS as usize],
    group_learners: u64,
    unsubscribed: u64,
    stops: BTreeMap<u32, u64>,
}

/// The embeds of the progress section (none when nothing is subscribed or recorded).
pub fn embeds(c: &Curriculum, rows: &ProgressRows) -> Vec<Embed> {
    let mut by: BTreeMap<Option<&str>, Tally> = BTreeMap::new();
    for s in &rows.subscriptions {
        let t = by.entry(s.track.as_deref()).or_default();
        match s.group {
            true => t.groups += s.count,
            false => t.learners += s.count,
        }
        if s.paused {
            t.paused += s.count;
        }
        *t.weeks.entry(s.week).or_default() += s.count;
    }
    for k in &rows.checkins {
        if let Some(n) = by
            .entry(k.track.as_deref())
            .or_default()
            .checkins
            .get_mut(k.weeks_ago as usize)
        {
            *n += k.count;
        }
    }
    for (track, n) in &rows.group_learners {
        by.entry(track.as_deref()).or_default().group_learners += n;
    }
    for u in &rows.unsubscribes {
        let t = by.entry(u.track.as_deref()).or_default();
        t.unsubscribed += u.count;
        *t.stops.entry(u.week).or_default() += u.count;
    }
    by.iter()
        .take(MAX_TRACKS)
        .map(|(track, t)| embed(c, *track, t))
        .collect()
}

fn embed(c: &Curriculum, track: Option<&str>, t: &Tally) -> Embed {
    let ti = track_of(c, track);
    let label = match (track, ti) {
        (Some(slug), Some(i)) if c.tracks[i].slug == slug => c.tracks[i].label.clone(),
        (Some(slug), _) => format!("{slug} (not in the curriculum now)"),
        (None, _) => "No track".into(),
    };
    let learners = t.learners + t.group_learners;
    let mut lines = vec![format!(
        "Subscribed: **{}** learner{} by DM, **{}** study group{} · paused {} · unsubscribed {}",
        t.learners,
        plural(t.learners),
        t.groups,
        plural(t.groups),
        t.paused,
        t.unsubscribed
    )];
    lines.push(format!("Now in: {}", modules_now(c, ti, &t.weeks)));
    let rates: Vec<String> = t
        .checkins
        .iter()
        .map(|&n| match percent(n, learners) {
            Some(p) => format!("{n} ({p}%)"),
            None => n.to_string(),
        })
        .collect();
    lines.push(format!(
        "Check-ins per week, this week first, of {learners} learner{} (DM subscribers and group \
         members who checked in): {}",
        plural(learners),
        rates.join(" · ")
    ));
    // The week most unsubscribes happen at (the earliest among equals).
    let stop = t
        .stops
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
    lines.push(match stop {
        Some((week, n)) => format!(
            "Where learners stop: plan week {week} ({n} of {} unsubscribes)",
            t.unsubscribed
        ),
        None => "Where learners stop: nobody unsubscribed".into(),
    });
    Embed {
        title: Some(crate::reply::message::truncate(
            &format!("Progress: {label}"),
            256,
        )),
        description: Some(lines.join("\n")),
        color: Some(COLOR),
        ..Embed::default()
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// `Module 1: 3 · Module 2: 1 · past the modules: 1`, from subscriptions per plan week.
fn modules_now(c: &Curriculum, track: Option<usize>, weeks: &BTreeMap<u32, u64>) -> String {
    if weeks.is_empty() {
        return "nobody subscribed".into();
    }
    let modules: Vec<usize> = track
        .map(|t| c.tracks[t].modules.clone())
        .unwrap_or_default();
    let mut per: BTreeMap<Option<u32>, u64> = BTreeMap::new();
    for (&week, &n) in weeks {
        let m = c
            .module_at_week_in(&modules, week)
            .map(|m| c.modules[m].number);
        *per.entry(m).or_default() += n;
    }
    let mut parts: Vec<String> = per
        .iter()
        .filter_map(|(m, n)| m.map(|m| format!("Module {m}: {n}")))
        .collect();
    if let Some(n) = per.get(&None) {
        parts.push(format!("past the modules: {n}"));
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::rows::{CheckinCount, SubscriptionCount, UnsubscribeCount};

    #[test]
    fn a_track_section_counts_modules_rates_and_where_learners_stop() {
        let c = crate::testkit::catalog().curriculum;
        let slug = c.tracks[0].slug.clone();
        let t = Some(slug.clone());
        let sub = |group, week, paused, count| SubscriptionCount {
            track: t.clone(),
            group,
            week,
            paused,
            count,
        };
        let rows = ProgressRows {
            subscriptions: vec![
                sub(false, 1, false, 3),
                sub(false, 2, true, 1),
                sub(true, 1, false, 1),
            ],
            checkins: vec![
                CheckinCount {
                    track: t.clone(),
                    weeks_ago: 0,
                    count: 3,
                },
                CheckinCount {
                    track: t.clone(),
                    weeks_ago: 2,
                    count: 6,
                },
                CheckinCount {
                    track: t.clone(),
                    weeks_ago: 9,
                    count: 99,
                },
            ],
            group_learners: vec![(t.clone(), 2)],
            unsubscribes: vec![
                UnsubscribeCount {
                    track: t.clone(),
                    group: false,
                    week: 3,
                    count: 1,
                },
                UnsubscribeCount {
                    track: t.clone(),
                    group: false,
                    week: 5,
                    count: 2,
                },
            ],
        };
        let e = embeds(&c, &rows);
        assert_eq!(e.len(), 1);
        let d = e[0].description.as_deref().unwrap();
        let first = c.modules[c.tracks[0].modules[0]].number;
        assert!(
            d.contains("**4** learners by DM, **1** study group · paused 1 · unsubscribed 3"),
            "{d}"
        );
        assert!(d.contains(&format!("Now in: Module {first}: 5")), "{d}");
        // 4 DM learners + 2 group members: 3 of 6 is 50 %, 6 of 6 is 100 %.
        assert!(d.contains("of 6 learners"), "{d}");
        assert!(d.contains(": 3 (50%) · 0 (0%) · 6 (100%) · 0 (0%)"), "{d}");
        assert!(!d.contains("99"), "older than 8 weeks: {d}");
        assert!(d.contains("plan week 5 (2 of 3 unsubscribes)"), "{d}");
        assert!(embeds(&c, &ProgressRows::default()).is_empty());
    }
}
