//! PURE. The one handler's core: an [`Interaction`] is parsed into a [`Command`], answered from a
//! [`Catalog`] and rendered as a Discord payload within Discord's limits. The gateway, the HTTP
//! endpoint and `curriculum-bot ask` all go through `crate::app::App::handle`, which calls this.

pub mod ask;
pub mod cards;
pub mod command;
pub mod handle;
pub mod interaction;
mod lookup;
pub mod message;
pub mod modules;
pub mod pincard;
pub mod registry;
pub mod render;
pub mod roadmap;
pub mod track_ids;
pub mod tracks;

pub use command::{Command, CommandError};
pub use handle::{answer, Effect, Outcome};
pub use interaction::Interaction;
pub use message::{Message, Response};
pub use tracks::TrackContext;

use crate::curriculum::{Curriculum, Parsed, Severity};
use crate::search::{docs_from, Aliases, SearchIndex};

/// The loaded curriculum and its search index: everything a curriculum command reads.
pub struct Catalog {
    pub curriculum: Curriculum,
    pub index: SearchIndex,
    pub errors: usize,
    pub warnings: usize,
    /// Roadmap pictures drawn for pinned cards (a memo, see [`pincard`]).
    pub pictures: pincard::Pictures,
}

impl Catalog {
    pub fn new(parsed: Parsed, aliases: &Aliases) -> Catalog {
        let diags = parsed.check();
        let errors = diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let index = SearchIndex::new(docs_from(&parsed.curriculum), aliases);
        Catalog {
            curriculum: parsed.curriculum,
            index,
            errors,
            warnings: diags
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count(),
            pictures: pincard::Pictures::default(),
        }
    }
}
