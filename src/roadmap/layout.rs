//! PURE. Where everything of a roadmap goes: rows, phase lanes, week ticks, and each bar's label
//! inside its bar or, when it doesn't fit there, beside it (lanes leave room for it). Bounded
//! whatever the input: at most [`MAX_ROWS`] rows, [`MAX_LANES`] lanes of [`MAX_PHASES`] phases
//! and [`MAX_TICKS`] ticks, so the picture's size has a ceiling ([`MAX_HEIGHT`]); week
//! arithmetic never wraps.

use super::font::width;
use super::text::{fit_box, Fitted, Style};
use super::{Bar, RoadmapInput};

pub const WIDTH: u32 = 1200;
pub const PAD: f64 = 24.0;
/// The module label column ends here; the timeline starts at [`TIMELINE_X0`].
pub const LABEL_END: f64 = 300.0;
pub const TIMELINE_X0: f64 = 320.0;
pub const TIMELINE_X1: f64 = WIDTH as f64 - PAD;
pub const TITLE_H: f64 = 56.0;
pub const LANE_H: f64 = 30.0;
pub const ROW_H: f64 = 34.0;
pub const AXIS_H: f64 = 40.0;
pub const GAP: f64 = 10.0;
/// Module rows drawn, at most; past it the last row sums up the rest.
pub const MAX_ROWS: usize = 40;
/// Lanes of plan phases, at most; phases that find no room are counted, not drawn.
pub const MAX_LANES: usize = 6;
/// Plan phases looked at, at most; the rest are counted as not shown.
pub const MAX_PHASES: usize = 60;
/// Week ticks, at most.
pub const MAX_TICKS: u64 = 24;
/// The tallest picture there can be.
pub const MAX_HEIGHT: f64 =
    TITLE_H + MAX_LANES as f64 * LANE_H + GAP + MAX_ROWS as f64 * ROW_H + GAP + AXIS_H;
/// Space between a bar and a label beside it, and between neighbours in a lane.
const BESIDE: f64 = 5.0;

/// A label placed beside or in a bar: its box's x and width, and the fitted text.
#[derive(Debug, Clone)]
pub struct Placed {
    pub x: f64,
    pub w: f64,
    pub text: Fitted,
    /// Inside its bar (light on colour) rather than beside it.
    pub inside: bool,
}

/// A drawn phase: its index in the input, lane, bar's x range and label.
pub struct PhaseAt {
    pub index: usize,
    pub lane: usize,
    pub x: (f64, f64),
    pub label: Option<Placed>,
}

pub struct Layout {
    pub weeks: u32,
    pub phases: Vec<PhaseAt>,
    pub lane_count: usize,
    /// Phases not drawn for want of lanes.
    pub hidden_phases: usize,
    /// Module rows drawn (the last one sums up the rest when there are more than fit).
    pub rows: usize,
    pub phases_y: f64,
    pub modules_y: f64,
    pub axis_y: f64,
    pub height: f64,
}

pub fn layout(input: &RoadmapInput) -> Layout {
    let weeks = span(input);
    let (phases, lane_count, hidden_phases) = place_phases(&input.phases, weeks);
    let rows = input.modules.len().clamp(1, MAX_ROWS);
    let phases_y = TITLE_H;
    let modules_y = phases_y + lane_count as f64 * LANE_H + GAP;
    let axis_y = modules_y + rows as f64 * ROW_H + GAP;
    Layout {
        weeks,
        phases,
        lane_count,
        hidden_phases,
        rows,
        phases_y,
        modules_y,
        axis_y,
        height: axis_y + AXIS_H,
    }
}

/// The timeline's length: the input's, stretched to every bar and the marker.
pub fn span(input: &RoadmapInput) -> u32 {
    let bars = input.modules.iter().chain(&input.phases);
    bars.flat_map(|b| [b.start_week, b.end_week.unwrap_or(0)])
        .chain(input.marker_week)
        .chain([input.weeks, 1])
        .max()
        .unwrap_or(1)
}

/// x of the boundary after `weeks_before` weeks.
pub fn x_at(weeks: u32, weeks_before: u32) -> f64 {
    TIMELINE_X0 + (TIMELINE_X1 - TIMELINE_X0) * f64::from(weeks_before) / f64::from(weeks.max(1))
}

/// A bar's x range: from the start of its first week to the end of its last.
pub fn bar_x(weeks: u32, b: &Bar) -> (f64, f64) {
    let start = b.start_week.max(1);
    let x0 = x_at(weeks, start - 1);
    let x1 = match b.end_week {
        Some(e) => x_at(weeks, e.max(start)),
        None => TIMELINE_X1,
    };
    (x0, x1)
}

/// A phase's label inside its bar, and beside it.
const PHASE_STYLES: (Style<'static>, Style<'static>) = (
    Style {
        sizes: &[12.0, 11.0],
        max_lines: 2,
    },
    Style {
        sizes: &[12.0, 11.0, 10.0],
        max_lines: 2,
    },
);

/// Phases in lanes: each goes in the first lane where it and its label (inside, else beside
/// its bar) clear the lane's previous phase. When that takes more than [`MAX_LANES`] lanes, the
/// room kept for a label beside its bar shrinks ([`BESIDE_ROOM`]) and each label gets the room
/// its lane leaves it (cut only then).
fn place_phases(phases: &[Bar], weeks: u32) -> (Vec<PhaseAt>, usize, usize) {
    let whole = lanes(phases, weeks, f64::INFINITY);
    if whole.2 == 0 {
        return whole;
    }
    let mut tries = BESIDE_ROOM.iter().map(|&cap| lanes(phases, weeks, cap));
    let (mut out, count, hidden) = match tries.find(|t| t.2 == 0) {
        Some(fits) => fits,
        None => lanes(phases, weeks, 0.0),
    };
    // Each phase's neighbours in its lane (a lane's phases come in order of their start).
    let mut left = vec![TIMELINE_X0; out.len()];
    let mut right = vec![TIMELINE_X1; out.len()];
    let mut last: Vec<Option<usize>> = vec![None; count];
    for i in 0..out.len() {
        if let Some(j) = last[out[i].lane].replace(i) {
            left[i] = out[j].x.1;
            right[j] = out[i].x.0;
        }
    }
    for (i, p) in out.iter_mut().enumerate() {
        let label = &phases[p.index].label;
        p.label = place(label, p.x, LANE_H - 4.0, PHASE_STYLES, (left[i], right[i]));
    }
    (out, count, hidden)
}

/// The room kept beside a bar for its label when whole labels take too many lanes, in turn.
const BESIDE_ROOM: [f64; 4] = [160.0, 100.0, 60.0, 0.0];

/// Greedy lanes for the first [`MAX_PHASES`] phases, by their bars and their labels, of which
/// at most `cap` pixels beside the bar count; returns the phases placed, the lanes used and how
/// many phases found no room.
fn lanes(phases: &[Bar], weeks: u32, cap: f64) -> (Vec<PhaseAt>, usize, usize) {
    let mut ends: Vec<f64> = Vec::new();
    let mut out = Vec::new();
    let mut hidden = phases.len().saturating_sub(MAX_PHASES);
    for (index, p) in phases.iter().enumerate().take(MAX_PHASES) {
        let x = bar_x(weeks, p);
        let room = (TIMELINE_X0, TIMELINE_X1);
        let label = place(&p.label, x, LANE_H - 4.0, PHASE_STYLES, room);
        let (from, to) = label.as_ref().map_or(x, |l| {
            let (l0, l1) = (l.x - 1.0, l.x + l.text.width() + 1.0);
            (x.0.min(l0.max(x.0 - cap)), x.1.max(l1.min(x.1 + cap)))
        });
        let lane = match ends.iter().position(|e| *e + BESIDE <= from) {
            Some(i) => i,
            None if ends.len() < MAX_LANES => {
                ends.push(f64::NEG_INFINITY);
                ends.len() - 1
            }
            None => {
                hidden += 1;
                continue;
            }
        };
        ends[lane] = to;
        out.push(PhaseAt {
            index,
            lane,
            x,
            label,
        });
    }
    (out, ends.len(), hidden)
}

/// Where the label of the bar `x` goes (boxes `h` high, centred on the bar; `styles` inside and
/// beside): inside when it fits there whole, else beside it on the right, else on the left,
/// within `room` (the timeline, or the gap between the bar's neighbours); when it fits nowhere
/// whole, cut in the widest of those places.
pub fn place(
    label: &str,
    x: (f64, f64),
    h: f64,
    styles: (Style, Style),
    room: (f64, f64),
) -> Option<Placed> {
    let ((x0, x1), (inside, beside)) = (x, styles);
    // A gap before a neighbour; none at the timeline's ends.
    let gap = |edge: f64, end: f64| if edge == end { 0.0 } else { BESIDE };
    let (room0, room1) = (
        room.0 + gap(room.0, TIMELINE_X0),
        room.1 - gap(room.1, TIMELINE_X1),
    );
    let inner = (x0 + BESIDE, (x1 - x0 - 2.0 * BESIDE).max(0.0));
    let right = (x1 + BESIDE, (room1 - x1 - BESIDE).max(0.0));
    let left_w = (x0 - BESIDE - room0).max(0.0);
    let whole = |bx: (f64, f64), style| fit_box(label, bx.1, h, style).filter(|f| !f.cut);
    if let Some(text) = whole(inner, inside) {
        return Some(placed(inner, text, true));
    }
    if let Some(text) = whole(right, beside) {
        return Some(placed(right, text, false));
    }
    if let Some(text) = whole((room0, left_w), beside) {
        let w = text.width();
        return Some(placed((x0 - BESIDE - w, w), text, false));
    }
    let (bx, style, is_inside) = match inner.1 >= right.1.max(left_w) {
        true => (inner, inside, true),
        false if right.1 >= left_w => (right, beside, false),
        false => ((room0, left_w), beside, false),
    };
    fit_box(label, bx.1, h, style).map(|text| placed(bx, text, is_inside))
}

fn placed(bx: (f64, f64), text: Fitted, inside: bool) -> Placed {
    Placed {
        x: bx.0,
        w: bx.1,
        text,
        inside,
    }
}

/// The weeks that get a tick: 1, then every `step` weeks, with `step` a round number such that
/// the labels don't overlap and there are at most [`MAX_TICKS`].
pub fn ticks(weeks: u32) -> impl Iterator<Item = u32> {
    let weeks = u64::from(weeks.max(1));
    let label = width(&weeks.to_string(), 12.0) + 8.0;
    let room = ((TIMELINE_X1 - TIMELINE_X0) / label).floor() as u64;
    let most = room.clamp(1, MAX_TICKS);
    let step = [1u64, 2, 4, 5, 10, 13, 26, 52, 104, 260, 520]
        .into_iter()
        .find(|s| weeks.div_ceil(*s) <= most)
        .unwrap_or_else(|| weeks.div_ceil(most).max(1));
    (0..weeks.div_ceil(step).min(most))
        .map(move |k| 1 + k * step)
        .filter(move |w| *w <= weeks)
        .map(|w| u32::try_from(w).unwrap_or(u32::MAX))
}
