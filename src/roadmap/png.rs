//! SVG -> PNG with resvg and the bundled DejaVu Sans (`assets/fonts/`), loaded from the binary so
//! the picture is the same on every machine, with or without system fonts. CPU only, no I/O.

use resvg::{tiny_skia, usvg};
use std::sync::{Arc, OnceLock};

pub use super::font::FONT;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the roadmap SVG is invalid: {0}")]
    Svg(String),
    #[error("a {0}×{1} picture is too large to draw")]
    Size(u32, u32),
    #[error("PNG encoding failed: {0}")]
    Encode(String),
    #[error("the picture would be {0} bytes, over Discord's upload limit of {MAX_PNG_BYTES}")]
    TooLarge(usize),
}

/// Discord's upload limit for a file (10 MiB): no PNG this module makes is larger.
pub const MAX_PNG_BYTES: usize = 10 * 1024 * 1024;

/// The most pixels a picture may have (a roadmap has at most 1200 × [`super::svg::MAX_HEIGHT`]).
pub const MAX_PIXELS: u64 = 4_000_000;

/// The font database, built once: only the bundled font, as every family.
fn fonts() -> Arc<usvg::fontdb::Database> {
    static DB: OnceLock<Arc<usvg::fontdb::Database>> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = usvg::fontdb::Database::new();
        db.load_font_data(FONT.to_vec());
        db.set_sans_serif_family("DejaVu Sans");
        db.set_serif_family("DejaVu Sans");
        db.set_monospace_family("DejaVu Sans");
        Arc::new(db)
    })
    .clone()
}

/// Rasterises `svg` at its own size.
pub fn render(svg: &str) -> Result<tiny_skia::Pixmap, RenderError> {
    let opts = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: fonts(),
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_str(svg, &opts).map_err(|e| RenderError::Svg(e.to_string()))?;
    let size = tree.size().to_int_size();
    let (w, h) = (size.width(), size.height());
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(RenderError::Size(w, h));
    }
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(RenderError::Size(w, h))?;
    resvg::render(&tree, tiny_skia::Transform::default(), &mut pixmap.as_mut());
    Ok(pixmap)
}

/// Rasterises `svg` and encodes it as PNG, never larger than [`MAX_PNG_BYTES`].
pub fn png(svg: &str) -> Result<Vec<u8>, RenderError> {
    let png = render(svg)?
        .encode_png()
        .map_err(|e| RenderError::Encode(e.to_string()))?;
    match png.len() > MAX_PNG_BYTES {
        true => Err(RenderError::TooLarge(png.len())),
        false => Ok(png),
    }
}

/// The roadmap of `input` as PNG bytes.
pub fn roadmap_png(input: &super::RoadmapInput) -> Result<Vec<u8>, RenderError> {
    png(&super::svg::build(input))
}
