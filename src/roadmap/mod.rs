//! PURE. A track's roadmap picture: modules as bars over weeks (open-ended ones fade out), the
//! plan phases above them, week ticks and, for a subscriber, a marker at their current week.
//! [`svg`] builds the SVG text from a small [`RoadmapInput`] (decoupled from the curriculum
//! model), placed by [`layout`] (bounded rows, lanes and ticks) with labels fitted by [`text`]
//! and measured by [`font`] (the bundled font's cmap and advances); [`from_track`] is the one
//! adapter from a track of the site; [`png`] rasterises the SVG with resvg and the bundled font
//! (CPU only, no I/O).

pub mod font;
pub mod layout;
pub mod png;
pub mod svg;
pub mod text;

use crate::curriculum::Curriculum;

/// A bar on the timeline: a module, or a plan phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    /// 1-based first week.
    pub start_week: u32,
    /// Inclusive last week; `None` for an open-ended bar, drawn fading out to the end.
    pub end_week: Option<u32>,
}

/// Everything the picture shows; plain data so that any model can feed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadmapInput {
    pub title: String,
    /// The timeline's length in weeks (stretched to fit every bar and the marker).
    pub weeks: u32,
    pub modules: Vec<Bar>,
    pub phases: Vec<Bar>,
    /// The member's current plan week, when they have a reminder subscription.
    pub marker_week: Option<u32>,
    /// Plan weeks the member checked in for (`/progress me`), drawn filled along the axis.
    pub checked_weeks: Vec<u32>,
}

/// Weeks an open-ended module gets after the last closed one, at least.
const OPEN_TAIL_MIN: u32 = 4;

/// Today's `Curriculum` -> the picture's input. Modules run back to back by their upper
/// duration, as `Curriculum::module_at_week` counts them; a module without a duration is open
/// ended (it starts where the others end and fades out).
pub fn from_track(
    c: &Curriculum,
    track: usize,
    title: &str,
    marker_week: Option<u32>,
) -> RoadmapInput {
    let t = &c.tracks[track];
    let mut end = 0u32;
    let mut modules = Vec::with_capacity(t.modules.len());
    let mut open = false;
    for m in t.modules.iter().map(|&m| &c.modules[m]) {
        let start = end.saturating_add(1);
        let end_week = m.weeks.map(|w| {
            end = end.saturating_add(w.max.max(1));
            end
        });
        open |= end_week.is_none();
        modules.push(Bar {
            label: format!("{}. {}", m.number, m.title),
            start_week: start,
            end_week,
        });
    }
    let phases: Vec<Bar> = t
        .plan
        .iter()
        .map(|&p| &c.plan[p])
        .map(|p| Bar {
            label: p.title.clone(),
            start_week: p.weeks.min.max(1),
            end_week: Some(p.weeks.max.max(p.weeks.min.max(1))),
        })
        .collect();
    let plan_end = phases.iter().filter_map(|p| p.end_week).max().unwrap_or(0);
    let tail = if open { OPEN_TAIL_MIN.max(end / 6) } else { 0 };
    RoadmapInput {
        title: title.to_string(),
        weeks: end.saturating_add(tail).max(plan_end).max(1),
        modules,
        phases,
        marker_week,
        checked_weeks: Vec::new(),
    }
}
