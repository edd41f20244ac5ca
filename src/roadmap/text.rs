//! PURE. Fitting a label into a box, measured with the bundled font ([`super::font`]): one line
//! at the largest size that fits, else wrapped over up to `max_lines` lines (largest size first),
//! and only when nothing fits cut with "…". A label that fits is never cut.

use super::font::{printable, width};

/// A fitted label: its size in pixels and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    pub size: f64,
    pub lines: Vec<String>,
    /// Whether the text had to be cut.
    pub cut: bool,
}

impl Fitted {
    /// The widest line's width.
    pub fn width(&self) -> f64 {
        self.lines
            .iter()
            .map(|l| width(l, self.size))
            .fold(0.0, f64::max)
    }
}

/// Line height as a multiple of the font size.
pub const LEADING: f64 = 1.1;

/// How to fit a label: the sizes to try, largest first (at least one), and how many lines it may
/// wrap over in a box of `height` pixels.
#[derive(Debug, Clone, Copy)]
pub struct Style<'a> {
    pub sizes: &'a [f64],
    pub max_lines: usize,
}

/// `s` fitted into `w` × `h` pixels; `None` when even "x…" at the smallest size doesn't fit or
/// the text is empty once characters the font lacks are dropped.
pub fn fit_box(s: &str, w: f64, h: f64, style: Style<'_>) -> Option<Fitted> {
    let s = printable(bounded(s));
    if s.is_empty() || style.sizes.is_empty() {
        return None;
    }
    for &size in style.sizes {
        if width(&s, size) <= w {
            return Some(Fitted {
                size,
                lines: vec![s],
                cut: false,
            });
        }
    }
    for &size in style.sizes {
        let lines = ((h / (size * LEADING)).floor() as usize).min(style.max_lines);
        if lines < 2 {
            continue;
        }
        if let Some(wrapped) = wrap(&s, w, size, lines) {
            return Some(Fitted {
                size,
                lines: wrapped,
                cut: false,
            });
        }
    }
    let size = *style.sizes.last()?;
    let lines = ((h / (size * LEADING)).floor() as usize).clamp(1, style.max_lines.max(1));
    let mut out = Vec::with_capacity(lines);
    let mut rest = s.as_str();
    while out.len() + 1 < lines {
        match take_line(rest, w, size) {
            Some((line, after)) if !after.is_empty() => {
                out.push(line.to_string());
                rest = after;
            }
            _ => break,
        }
    }
    out.push(cut(rest, w, size)?);
    Some(Fitted {
        size,
        lines: out,
        cut: true,
    })
}

/// Characters looked at, at most: no box holds more (1,200 pixels of the narrowest glyph).
const MAX_CHARS: usize = 400;

/// The first [`MAX_CHARS`] characters of `s`.
fn bounded(s: &str) -> &str {
    s.char_indices().nth(MAX_CHARS).map_or(s, |(i, _)| &s[..i])
}

/// `s` cut to what fits in `w` pixels at `size`, ending in "…" when cut; `None` when not even
/// one character and the ellipsis fit.
pub fn cut(s: &str, w: f64, size: f64) -> Option<String> {
    if width(s, size) <= w {
        return Some(s.to_string());
    }
    let budget = w - width("…", size);
    let mut used = 0.0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let cw = width(c.encode_utf8(&mut [0; 4]), size);
        if used + cw > budget {
            break;
        }
        used += cw;
        end = i + c.len_utf8();
    }
    let kept = s[..end].trim_end();
    if kept.is_empty() {
        return None;
    }
    Some(format!("{kept}…"))
}

/// Greedy word wrap of `s` into at most `lines` lines of `w` pixels; `None` when it needs more
/// lines or a single word is wider than `w`.
fn wrap(s: &str, w: f64, size: f64, lines: usize) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        if out.len() == lines {
            return None;
        }
        let (line, after) = take_line(rest, w, size)?;
        out.push(line.to_string());
        rest = after;
    }
    Some(out)
}

/// The longest run of whole words of `s` that fits in `w`, and the rest; `None` when the first
/// word alone is too wide.
fn take_line(s: &str, w: f64, size: f64) -> Option<(&str, &str)> {
    let mut used = 0.0;
    let mut end = None;
    for (i, c) in s.char_indices() {
        if c == ' ' {
            end = Some(i);
        }
        used += width(c.encode_utf8(&mut [0; 4]), size);
        if used > w {
            let end = end.filter(|&e| e > 0)?;
            return Some((&s[..end], s[end..].trim_start()));
        }
    }
    Some((s, ""))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STYLE: Style<'static> = Style {
        sizes: &[14.0, 12.0],
        max_lines: 2,
    };

    #[test]
    fn fits_shrinks_wraps_then_cuts() {
        let one = fit_box("MLOps", 200.0, 26.0, STYLE).unwrap();
        assert_eq!((one.size, one.lines.len(), one.cut), (14.0, 1, false));
        let text = "Monitoring and Observability";
        let w = width(text, 13.0);
        let shrunk = fit_box(text, w, 26.0, STYLE).unwrap();
        assert_eq!(
            (shrunk.size, shrunk.lines.len(), shrunk.cut),
            (12.0, 1, false)
        );
        let wrapped = fit_box(text, w * 0.7, 32.0, STYLE).unwrap();
        assert_eq!(wrapped.lines, ["Monitoring and", "Observability"]);
        assert!(!wrapped.cut && wrapped.width() <= w * 0.7);
        let long = "word ".repeat(40);
        assert_eq!(fit_box(text, w * 0.7, 26.0, STYLE).unwrap().lines.len(), 1);
        let cut = fit_box(&long, 100.0, 32.0, STYLE).unwrap();
        assert!(cut.cut && cut.lines.len() == 2 && cut.lines[1].ends_with('…'));
        assert!(cut.width() <= 100.0);
        assert_eq!(fit_box("anything", 3.0, 26.0, STYLE), None);
        assert_eq!(fit_box("🚀", 300.0, 26.0, STYLE), None);
    }

    #[test]
    fn a_word_wider_than_the_box_is_cut_not_wrapped_forever() {
        let f = fit_box(&"W".repeat(500), 120.0, 26.0, STYLE).unwrap();
        assert!(f.cut && f.width() <= 120.0, "{f:?}");
    }
}
