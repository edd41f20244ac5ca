//! PURE. `/roadmap [track]`: an embed showing the track's timeline picture, uploaded with the
//! reply as `roadmap.png` (multipart). The picture is built by [`crate::roadmap`].

use super::cards::quoted;
use super::handle::{error, Outcome};
use super::message::{Embed, EmbedImage, Message, Response};
use super::Catalog;
use crate::curriculum::Curriculum;
use crate::roadmap::{self, RoadmapInput};

/// The uploaded file's name, as the embed refers to it.
pub const FILE_NAME: &str = "roadmap.png";

/// The track's name: the overview page's title (today's curriculum is one track).
fn track_title(c: &Curriculum) -> String {
    let page = c.modules.first().map(|m| c.sections[m.section].page);
    page.or((!c.pages.is_empty()).then_some(0))
        .and_then(|p| c.pages.get(p))
        .map_or_else(|| "Learning roadmap".to_string(), |p| p.title.clone())
}

/// Whether `wanted` names the (only) track: its title, slug or file stem, any case.
fn names_track(c: &Curriculum, wanted: &str) -> bool {
    let wanted = wanted.trim().to_lowercase();
    let title = track_title(c).to_lowercase();
    let page = c
        .modules
        .first()
        .and_then(|m| c.pages.get(c.sections[m.section].page));
    let stem = page.map(|p| {
        let file = p.path.rsplit('/').next().unwrap_or(&p.path);
        file.trim_end_matches(".md")
            .trim_end_matches(".mdx")
            .to_lowercase()
    });
    let slug = page
        .and_then(|p| p.slug.as_deref())
        .map(|s| s.trim_matches('/').to_lowercase());
    wanted == title || Some(&wanted) == stem.as_ref() || Some(&wanted) == slug.as_ref()
}

/// The picture's input for this catalog (the adapter the tracks model will re-point).
pub fn input(cat: &Catalog, marker_week: Option<u32>) -> RoadmapInput {
    let c = &cat.curriculum;
    roadmap::from_curriculum(c, &format!("{} — roadmap", track_title(c)), marker_week)
}

/// The reply: an embed with the picture attached, or an error when it can't be drawn.
pub fn answer(cat: &Catalog, track: Option<&str>, marker_week: Option<u32>) -> Outcome {
    let c = &cat.curriculum;
    if let Some(t) = track.filter(|t| !names_track(c, t)) {
        return error(format!(
            "No track called {}. This curriculum has one track: {}.",
            quoted(t),
            quoted(&track_title(c))
        ));
    }
    if c.modules.is_empty() && c.plan.is_empty() {
        return error("This curriculum has no modules or plan to draw.");
    }
    let input = input(cat, marker_week);
    let png = match roadmap::png::roadmap_png(&input) {
        Ok(png) => png,
        Err(e) => return error(format!("I couldn't draw the roadmap: {e}")),
    };
    let description = match marker_week {
        Some(w) => format!("Your reminders are at plan week **{w}** (the red line)."),
        None => "Subscribe with `/remind subscribe` to see your week marked.".to_string(),
    };
    let embed = Embed {
        title: Some(input.title.clone()),
        description: Some(description),
        image: Some(EmbedImage {
            url: format!("attachment://{FILE_NAME}"),
        }),
        ..Embed::default()
    };
    Response::Message(
        Message::embed(embed)
            .within_limits()
            .with_file(FILE_NAME, png),
    )
    .into()
}
