//! PURE. [`RoadmapInput`] -> SVG text. A fixed 1200-pixel-wide Gantt layout ([`super::layout`]):
//! a label column for the modules, the timeline to its right with the plan phases in lanes above
//! the module bars, week ticks below and the subscriber's marker on top. Labels are measured
//! with the bundled font: they shrink, then wrap, and only when nothing else fits are cut with
//! "…"; a bar's label that doesn't fit inside it goes beside it. Each is clipped to its box, so
//! nothing ever overflows.

use super::layout::{
    bar_x, layout, place, span, ticks, x_at, Layout, Placed, GAP, LABEL_END, LANE_H, PAD, ROW_H,
};
use super::text::{cut, fit_box, Fitted, Style, LEADING};
use super::{Bar, RoadmapInput};
use std::fmt::Write;

pub use super::layout::{MAX_HEIGHT, MAX_LANES, MAX_ROWS, TIMELINE_X0, TIMELINE_X1, WIDTH};

/// The marker's colour (no other element uses it, so tests can look for its pixels).
pub const MARKER: &str = "#e5484d";
/// The colour of a checked-in week's cell (no other element uses it either).
pub const CHECKED: &str = "#16a34a";
const TEXT: &str = "#1f2933";
const MUTED: &str = "#6b7280";
const PHASE: &str = "#dbe7ff";
const COLOURS: [&str; 5] = ["#2563eb", "#0d9488", "#7c3aed", "#d97706", "#db2777"];

const TITLE: Style<'static> = Style {
    sizes: &[22.0, 20.0, 18.0, 16.0],
    max_lines: 1,
};
const MODULE: Style<'static> = Style {
    sizes: &[14.0, 13.0, 12.0, 11.0],
    max_lines: 2,
};
const NOTE_INSIDE: Style<'static> = Style {
    sizes: &[12.0, 11.0, 10.0],
    max_lines: 1,
};
const NOTE_BESIDE: Style<'static> = Style {
    sizes: &[12.0, 11.0],
    max_lines: 1,
};
const SMALL: Style<'static> = Style {
    sizes: &[14.0, 13.0, 12.0],
    max_lines: 1,
};

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

/// `s` cut to what fits in `width` pixels at `size` (measured with the bundled font), ending in
/// "…" when cut; `None` when not even one character and the ellipsis fit.
pub fn fit(s: &str, width: f64, size: f64) -> Option<String> {
    cut(&super::font::printable(s), width, size)
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

/// Writes SVG elements with numbered clip paths.
struct Canvas {
    s: String,
    ids: usize,
}

impl Canvas {
    /// Fitted text in the box `(x, y, w, h)`, its lines centred vertically, clipped to the box
    /// (a little taller, for descenders).
    fn text(&mut self, bx: (f64, f64, f64, f64), t: &Fitted, fill: &str) {
        let (x, y, w, h) = bx;
        let id = self.ids;
        self.ids += 1;
        let lh = t.size * LEADING;
        let first = y + (h - lh * t.lines.len() as f64) / 2.0 + lh / 2.0 + t.size * 0.35;
        let size = t.size;
        let _ = write!(
            self.s,
            r##"<clipPath id="c{id}"><rect x="{x:.1}" y="{:.1}" width="{w:.1}" height="{:.1}"/></clipPath><text x="{x:.1}" y="{first:.1}" font-size="{size}" fill="{fill}" clip-path="url(#c{id})">"##,
            y - 2.0,
            h + 4.0,
        );
        match t.lines.as_slice() {
            [one] => self.s.push_str(&escape(one)),
            lines => {
                for (i, l) in lines.iter().enumerate() {
                    let ly = first + lh * i as f64;
                    let _ = write!(
                        self.s,
                        r##"<tspan x="{x:.1}" y="{ly:.1}">{}</tspan>"##,
                        escape(l)
                    );
                }
            }
        }
        self.s.push_str("</text>\n");
    }

    /// `label` fitted into the box by `style`, when anything of it fits.
    fn label(&mut self, bx: (f64, f64, f64, f64), style: Style, fill: &str, label: &str) {
        if let Some(t) = fit_box(label, bx.2, bx.3, style) {
            self.text(bx, &t, fill);
        }
    }

    /// A bar over `x` (a pixel of space each side), from `y`, `h` high.
    fn bar(&mut self, x: (f64, f64), y: f64, h: f64, rx: u32, fill: &str) {
        let _ = writeln!(
            self.s,
            r##"<rect x="{:.1}" y="{y:.1}" width="{:.1}" height="{h:.1}" rx="{rx}" fill="{fill}"/>"##,
            x.0 + 1.0,
            (x.1 - x.0 - 2.0).max(1.0),
        );
    }

    /// A bar's placed label in the band from `y`, `h` high.
    fn placed(&mut self, p: &Placed, y: f64, h: f64, inside: &str, beside: &str) {
        let fill = if p.inside { inside } else { beside };
        self.text((p.x, y, p.w, h), &p.text, fill);
    }
}

/// The whole picture as SVG text.
pub fn build(input: &RoadmapInput) -> String {
    let l = layout(input);
    let (w, h) = (WIDTH, l.height.ceil() as u32);
    let mut c = Canvas {
        s: String::with_capacity(8 * 1024),
        ids: 0,
    };
    let _ = writeln!(
        c.s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="DejaVu Sans">"##
    );
    c.s.push_str("<defs>");
    for (i, col) in COLOURS.iter().enumerate() {
        let _ = write!(
            c.s,
            r##"<linearGradient id="fade{i}"><stop offset="0" stop-color="{col}"/><stop offset="1" stop-color="{col}" stop-opacity="0"/></linearGradient>"##
        );
    }
    c.s.push_str("</defs>\n");
    let _ = writeln!(c.s, r##"<rect width="{w}" height="{h}" fill="#ffffff"/>"##);
    let title_box = (PAD, 8.0, TIMELINE_X1 - PAD - 200.0, 40.0);
    c.label(title_box, TITLE, TEXT, &input.title);
    for week in ticks(l.weeks) {
        let x = x_at(l.weeks, week - 1);
        let _ = writeln!(
            c.s,
            r##"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="#e5e7eb" stroke-width="1"/><text x="{x:.1}" y="{:.1}" font-size="12" fill="{MUTED}" text-anchor="middle">{week}</text>"##,
            l.phases_y,
            l.axis_y + 4.0,
            l.axis_y + 20.0
        );
    }
    c.label(
        (PAD, l.axis_y + 4.0, LABEL_END - PAD, 20.0),
        SMALL,
        MUTED,
        "week",
    );
    phases(&mut c, &l);
    modules(&mut c, input, &l);
    checked_cells(&mut c.s, input, &l);
    if let (Some(x), Some(week)) = (marker_x(input), input.marker_week) {
        let _ = writeln!(
            c.s,
            r##"<line x1="{x}" y1="{:.1}" x2="{x}" y2="{:.1}" stroke="{MARKER}" stroke-width="4"/><circle cx="{x}" cy="{:.1}" r="6" fill="{MARKER}"/>"##,
            l.phases_y, l.axis_y, l.phases_y
        );
        let text = format!("● You are in week {week}");
        c.label(
            (TIMELINE_X1 - 200.0, 8.0, 200.0, 40.0),
            SMALL,
            MARKER,
            &text,
        );
    }
    c.s.push_str("</svg>\n");
    c.s
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

fn phases(c: &mut Canvas, l: &Layout) {
    if l.lane_count == 0 {
        return;
    }
    let head = match l.hidden_phases {
        0 => "Action plan".to_string(),
        n => format!("Action plan (+{n} not shown)"),
    };
    c.label(
        (PAD, l.phases_y, LABEL_END - PAD, LANE_H - 6.0),
        SMALL,
        MUTED,
        &head,
    );
    for p in &l.phases {
        let (x0, x1) = p.x;
        let y = l.phases_y + p.lane as f64 * LANE_H;
        c.bar((x0, x1), y, LANE_H - 6.0, 4, PHASE);
        if let Some(label) = &p.label {
            c.placed(label, y - 1.0, LANE_H - 4.0, TEXT, TEXT);
        }
    }
}

fn modules(c: &mut Canvas, input: &RoadmapInput, l: &Layout) {
    let n = input.modules.len();
    let shown = if n > l.rows { l.rows - 1 } else { n };
    for (i, m) in input.modules.iter().take(shown).enumerate() {
        let y = l.modules_y + i as f64 * ROW_H;
        c.label(
            (PAD, y - 3.0, LABEL_END - PAD, ROW_H - 2.0),
            MODULE,
            TEXT,
            &m.label,
        );
        row(c, l.weeks, m, y, i % COLOURS.len());
    }
    if shown < n {
        // The rest, summed up in one muted row over the weeks they cover.
        let rest = &input.modules[shown..];
        let y = l.modules_y + shown as f64 * ROW_H;
        let label = format!("+ {} more modules", n - shown);
        c.label(
            (PAD, y - 3.0, LABEL_END - PAD, ROW_H - 2.0),
            MODULE,
            MUTED,
            &label,
        );
        let start = rest.iter().map(|m| m.start_week).min().unwrap_or(1);
        let end = match rest.iter().all(|m| m.end_week.is_some()) {
            true => rest.iter().filter_map(|m| m.end_week).max(),
            false => None,
        };
        let bar = Bar {
            label,
            start_week: start,
            end_week: end,
        };
        row(c, l.weeks, &bar, y, usize::MAX);
    }
}

/// A module's bar in the row from `y`, coloured by `colour` (`usize::MAX`: muted), and its weeks.
fn row(c: &mut Canvas, weeks: u32, m: &Bar, y: f64, colour: usize) {
    let (x0, x1) = bar_x(weeks, m);
    let base = COLOURS.get(colour).copied().unwrap_or(MUTED);
    let (fill, note) = match m.end_week {
        Some(e) => {
            let e = e.max(m.start_week);
            let note = match e == m.start_week {
                true => format!("week {e}"),
                false => format!("weeks {}–{e}", m.start_week),
            };
            (base.to_string(), note)
        }
        None if colour < COLOURS.len() => (
            format!("url(#fade{colour})"),
            format!("week {}, ongoing", m.start_week),
        ),
        None => (base.to_string(), format!("from week {}", m.start_week)),
    };
    c.bar((x0, x1), y, ROW_H - 8.0, 5, &fill);
    let (styles, room) = ((NOTE_INSIDE, NOTE_BESIDE), (TIMELINE_X0, TIMELINE_X1));
    if let Some(p) = place(&note, (x0, x1), ROW_H - 8.0, styles, room) {
        c.placed(&p, y, ROW_H - 8.0, "#ffffff", MUTED);
    }
}
