//! PURE. [`RoadmapInput`] -> SVG text. A fixed 1200-pixel-wide Gantt layout: a label column
//! for the modules, the timeline to its right with the plan phases in lanes above the module
//! bars, week ticks below and the subscriber's marker on top. Every label is truncated with "…"
//! by a conservative estimate of its width in the bundled font, and clipped to its box as well,
//! so nothing ever overflows.

use super::{Bar, RoadmapInput};
use std::fmt::Write;

pub const WIDTH: u32 = 1200;
const PAD: f64 = 24.0;
/// The module label column ends here; the timeline starts at [`TIMELINE_X0`].
const LABEL_END: f64 = 300.0;
pub const TIMELINE_X0: f64 = 320.0;
pub const TIMELINE_X1: f64 = WIDTH as f64 - PAD;
const TITLE_H: f64 = 56.0;
const LANE_H: f64 = 30.0;
const ROW_H: f64 = 34.0;
const AXIS_H: f64 = 40.0;
const GAP: f64 = 10.0;
/// The marker's colour (no other element uses it, so tests can look for its pixels).
pub const MARKER: &str = "#e5484d";
/// The colour of a checked-in week's cell (no other element uses it either).
pub const CHECKED: &str = "#16a34a";
const TEXT: &str = "#1f2933";
const MUTED: &str = "#6b7280";
const PHASE: &str = "#dbe7ff";
const COLOURS: [&str; 5] = ["#2563eb", "#0d9488", "#7c3aed", "#d97706", "#db2777"];
/// Average advance of a glyph in DejaVu Sans, in em, rounded up (its lowercase averages about
/// 0.55 em, capitals about 0.7): a label of n characters is taken to be n × this × size wide.
pub const GLYPH_EM: f64 = 0.64;

/// The picture's size in pixels: fixed width, height from the number of rows.
pub fn size(input: &RoadmapInput) -> (u32, u32) {
    (WIDTH, layout(input).height.ceil() as u32)
}

/// The x of the marker's centre line, when there is a marker.
pub fn marker_x(input: &RoadmapInput) -> Option<u32> {
    let weeks = span(input);
    input
        .marker_week
        .map(|w| ((x_at(weeks, w.max(1) - 1) + x_at(weeks, w.max(1))) / 2.0).round() as u32)
}

/// The y range `(top, bottom)` the marker line covers.
pub fn marker_span(input: &RoadmapInput) -> (u32, u32) {
    let l = layout(input);
    (l.phases_y as u32, l.axis_y as u32)
}

struct Layout {
    lanes: Vec<usize>,
    lane_count: usize,
    phases_y: f64,
    modules_y: f64,
    axis_y: f64,
    height: f64,
}

fn layout(input: &RoadmapInput) -> Layout {
    let (lanes, lane_count) = phase_lanes(&input.phases);
    let phases_y = TITLE_H;
    let modules_y = phases_y + lane_count as f64 * LANE_H + GAP;
    let axis_y = modules_y + input.modules.len().max(1) as f64 * ROW_H + GAP;
    Layout {
        lanes,
        lane_count,
        phases_y,
        modules_y,
        axis_y,
        height: axis_y + AXIS_H,
    }
}

/// Greedy lanes: each phase goes in the first lane whose last phase ended before it starts.
fn phase_lanes(phases: &[Bar]) -> (Vec<usize>, usize) {
    let mut ends: Vec<u32> = Vec::new();
    let lanes = phases
        .iter()
        .map(|p| {
            let end = p.end_week.unwrap_or(p.start_week);
            match ends.iter().position(|e| *e < p.start_week) {
                Some(i) => {
                    ends[i] = end;
                    i
                }
                None => {
                    ends.push(end);
                    ends.len() - 1
                }
            }
        })
        .collect();
    (lanes, ends.len())
}

/// The timeline's length: the input's, stretched to every bar and the marker.
fn span(input: &RoadmapInput) -> u32 {
    let bars = input.modules.iter().chain(&input.phases);
    bars.flat_map(|b| [b.start_week, b.end_week.unwrap_or(0)])
        .chain(input.marker_week)
        .chain([input.weeks, 1])
        .max()
        .unwrap_or(1)
}

/// x of the boundary after `weeks_before` weeks.
fn x_at(weeks: u32, weeks_before: u32) -> f64 {
    TIMELINE_X0 + (TIMELINE_X1 - TIMELINE_X0) * f64::from(weeks_before) / f64::from(weeks)
}

/// `s` cut to what fits in `width` pixels at `size`, ending in "…" when cut; `None` when not
/// even one character and the ellipsis fit.
pub fn fit(s: &str, width: f64, size: f64) -> Option<String> {
    let max = (width / (size * GLYPH_EM)).floor().max(0.0) as usize;
    let n = s.chars().count();
    if n <= max {
        return Some(s.to_string());
    }
    if max < 2 {
        return None;
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.truncate(out.trim_end().len());
    out.push('…');
    Some(out)
}

/// Escapes text for an SVG text node or attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A text label clipped to its box `(x, y, w, h)`, baseline a third from the bottom.
fn label(out: &mut String, id: usize, bx: (f64, f64, f64, f64), size: f64, fill: &str, t: &str) {
    let (x, y, w, h) = bx;
    let Some(t) = fit(t, w, size) else { return };
    let _ = write!(
        out,
        r##"<clipPath id="c{id}"><rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}"/></clipPath><text x="{x:.1}" y="{:.1}" font-size="{size}" fill="{fill}" clip-path="url(#c{id})">{}</text>"##,
        y + h / 2.0 + size * 0.35,
        escape(&t)
    );
    out.push('\n');
}

/// The whole picture as SVG text.
pub fn build(input: &RoadmapInput) -> String {
    let weeks = span(input);
    let l = layout(input);
    let (w, h) = (WIDTH, l.height.ceil() as u32);
    let mut s = String::with_capacity(8 * 1024);
    let _ = writeln!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans">"##
    );
    s.push_str("<defs>");
    for (i, c) in COLOURS.iter().enumerate() {
        let _ = write!(
            s,
            r##"<linearGradient id="fade{i}"><stop offset="0" stop-color="{c}"/><stop offset="1" stop-color="{c}" stop-opacity="0"/></linearGradient>"##
        );
    }
    s.push_str("</defs>\n");
    let _ = writeln!(s, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    let mut ids = 0..;
    let mut next = || ids.next().unwrap_or(0);
    label(
        &mut s,
        next(),
        (PAD, 8.0, TIMELINE_X1 - PAD - 200.0, 40.0),
        22.0,
        TEXT,
        &input.title,
    );
    let step = tick_step(weeks);
    let mut week = 1;
    while week <= weeks {
        let x = x_at(weeks, week - 1);
        let _ = writeln!(
            s,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#e5e7eb" stroke-width="1"/><text x="{x:.1}" y="{:.1}" font-size="12" fill="{MUTED}" text-anchor="middle">{week}</text>"##,
            l.phases_y,
            l.axis_y + 4.0,
            l.axis_y + 20.0
        );
        week += step;
    }
    label(
        &mut s,
        next(),
        (PAD, l.axis_y + 4.0, LABEL_END - PAD, 20.0),
        12.0,
        MUTED,
        "week",
    );
    if l.lane_count > 0 {
        label(
            &mut s,
            next(),
            (PAD, l.phases_y, LABEL_END - PAD, LANE_H - 6.0),
            13.0,
            MUTED,
            "Action plan",
        );
    }
    for (p, lane) in input.phases.iter().zip(&l.lanes) {
        let x0 = x_at(weeks, p.start_week.max(1) - 1);
        let x1 = x_at(weeks, p.end_week.unwrap_or(weeks).max(p.start_week));
        let y = l.phases_y + *lane as f64 * LANE_H;
        let _ = writeln!(
            s,
            r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="4" fill="{PHASE}"/>"##,
            x0 + 1.0,
            (x1 - x0 - 2.0).max(1.0),
            LANE_H - 6.0
        );
        label(
            &mut s,
            next(),
            (x0 + 5.0, y, x1 - x0 - 10.0, LANE_H - 6.0),
            12.0,
            TEXT,
            &p.label,
        );
    }
    for (i, m) in input.modules.iter().enumerate() {
        let y = l.modules_y + i as f64 * ROW_H;
        let colour = i % COLOURS.len();
        label(
            &mut s,
            next(),
            (PAD, y, LABEL_END - PAD, ROW_H - 8.0),
            14.0,
            TEXT,
            &m.label,
        );
        let x0 = x_at(weeks, m.start_week.max(1) - 1);
        let (x1, fill, note) = match m.end_week {
            Some(e) => {
                let e = e.max(m.start_week);
                let note = match e == m.start_week {
                    true => format!("week {e}"),
                    false => format!("weeks {}–{e}", m.start_week),
                };
                (x_at(weeks, e), COLOURS[colour].to_string(), note)
            }
            None => (
                TIMELINE_X1,
                format!("url(#fade{colour})"),
                format!("week {}, ongoing", m.start_week),
            ),
        };
        let _ = writeln!(
            s,
            r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="5" fill="{fill}"/>"##,
            x0 + 1.0,
            (x1 - x0 - 2.0).max(1.0),
            ROW_H - 8.0
        );
        label(
            &mut s,
            next(),
            (x0 + 6.0, y, x1 - x0 - 12.0, ROW_H - 8.0),
            12.0,
            "#ffffff",
            &note,
        );
    }
    checked_cells(&mut s, input, &l);
    if let (Some(x), Some(week)) = (marker_x(input), input.marker_week) {
        let _ = writeln!(
            s,
            r##"<line x1="{x}" y1="{:.1}" x2="{x}" y2="{:.1}" stroke="{MARKER}" stroke-width="4"/><circle cx="{x}" cy="{:.1}" r="6" fill="{MARKER}"/>"##,
            l.phases_y, l.axis_y, l.phases_y
        );
        let text = format!("● You are in week {week}");
        label(
            &mut s,
            next(),
            (TIMELINE_X1 - 200.0, 8.0, 200.0, 40.0),
            14.0,
            MARKER,
            &text,
        );
    }
    s.push_str("</svg>\n");
    s
}

/// The checked-in weeks: a filled cell per week on the axis line, under the module bars.
fn checked_cells(s: &mut String, input: &RoadmapInput, l: &Layout) {
    let weeks = span(input);
    for &w in input
        .checked_weeks
        .iter()
        .filter(|w| (1..=weeks).contains(*w))
    {
        let (x0, x1) = (x_at(weeks, w - 1), x_at(weeks, w));
        let _ = writeln!(
            s,
            r##"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="8" fill="{CHECKED}"/>"##,
            x0 + 0.5,
            l.axis_y - GAP + 1.0,
            (x1 - x0 - 1.0).max(1.0)
        );
    }
}

/// Weeks between ticks: at most about 24 ticks.
fn tick_step(weeks: u32) -> u32 {
    [1, 2, 4, 5, 10, 13, 26, 52, 104, 260]
        .into_iter()
        .find(|s| weeks.div_ceil(*s) <= 24)
        .unwrap_or(weeks.div_ceil(24).max(1))
}
