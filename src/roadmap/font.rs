//! PURE. The bundled DejaVu Sans (`assets/fonts/`): its bytes, which characters it can draw (its
//! cmap) and how wide a text is at a size (its advance widths), both read with skrifa, so labels
//! are fitted by the font that draws them and characters it lacks (emoji) are never drawn as
//! empty boxes.

use skrifa::charmap::Charmap;
use skrifa::metrics::GlyphMetrics;
use skrifa::prelude::{FontRef, LocationRef, Size};
use skrifa::MetadataProvider;
use std::sync::OnceLock;

/// DejaVu Sans (Bitstream Vera licence, `assets/fonts/LICENSE-DejaVu.txt`).
pub static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Advance of a character when the font can't be read (never, for the bundled font), in em.
const FALLBACK_EM: f32 = 0.7;

/// Room left for shaping (kerning, rounding): measured widths are taken this much wider.
const SLACK: f64 = 1.03;

struct Face {
    charmap: Charmap<'static>,
    /// Advances at 1 pixel per em.
    metrics: GlyphMetrics<'static>,
}

fn face() -> Option<&'static Face> {
    static FACE: OnceLock<Option<Face>> = OnceLock::new();
    FACE.get_or_init(|| {
        let font = FontRef::new(FONT).ok()?;
        Some(Face {
            charmap: font.charmap(),
            metrics: font.glyph_metrics(Size::new(1.0), LocationRef::default()),
        })
    })
    .as_ref()
}

/// Whether the bundled font has a glyph for `c`.
pub fn covers(c: char) -> bool {
    face().is_some_and(|f| f.charmap.map(c).is_some())
}

/// `s` as the font can draw it: characters it lacks (emoji, their variation selectors and
/// joiners) and control characters dropped, runs of space made one, trimmed.
pub fn printable(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = if c.is_whitespace() || c.is_control() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        } else if covers(c) && !invisible(c) {
            out.push(c);
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Variation selectors, zero-width joiners and the like: they only steer emoji.
fn invisible(c: char) -> bool {
    matches!(c, '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}')
}

/// The width of `s` in pixels at `size`, by the font's advances (a little generous).
pub fn width(s: &str, size: f64) -> f64 {
    let em: f32 = match face() {
        Some(f) => s
            .chars()
            .map(|c| {
                f.charmap
                    .map(c)
                    .and_then(|g| f.metrics.advance_width(g))
                    .unwrap_or(FALLBACK_EM)
            })
            .sum(),
        None => s.chars().count() as f32 * FALLBACK_EM,
    };
    f64::from(em) * size * SLACK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cmap_knows_letters_but_not_emoji() {
        assert!(covers('A') && covers('é') && covers('–') && covers('…') && covers('●'));
        assert!(!covers('🚀') && !covers('🤖'));
        assert_eq!(
            printable("🚀 Launch  🤖 Robots\u{fe0f}\t!"),
            "Launch Robots !"
        );
        assert_eq!(printable("🚀"), "");
    }

    #[test]
    fn widths_follow_the_glyphs() {
        assert!(width("WWWW", 12.0) > width("iiii", 12.0) * 2.0);
        assert!((width("ab", 24.0) - 2.0 * width("ab", 12.0)).abs() < 1e-9);
        assert_eq!(width("", 12.0), 0.0);
    }
}
