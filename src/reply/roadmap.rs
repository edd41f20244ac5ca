//! PURE. `/roadmap [track]`: an embed showing the track's timeline picture, uploaded with the
//! reply as `roadmap.png` (multipart). The picture is built by [`crate::roadmap`].

use super::cards::quoted;
use super::handle::{error, Outcome};
use super::message::{Embed, EmbedImage, Message, Response};
use super::Catalog;
use crate::roadmap::{self, RoadmapInput};

/// The uploaded file's name, as the embed refers to it.
pub const FILE_NAME: &str = "roadmap.png";

/// The picture's input for track `t` of this catalog.
pub fn input(cat: &Catalog, t: usize, marker_week: Option<u32>) -> RoadmapInput {
    let c = &cat.curriculum;
    let title = format!("{} — roadmap", c.tracks[t].label);
    roadmap::from_track(c, t, &title, marker_week)
}

/// The reply for track `t`: an embed with the picture attached, or an error when it can't be
/// drawn.
pub fn answer(cat: &Catalog, t: usize, marker_week: Option<u32>) -> Outcome {
    let c = &cat.curriculum;
    let track = &c.tracks[t];
    if track.modules.is_empty() && track.plan.is_empty() {
        return error(format!(
            "The {} track has no modules or plan to draw.",
            quoted(&track.label)
        ));
    }
    let input = input(cat, t, marker_week);
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
