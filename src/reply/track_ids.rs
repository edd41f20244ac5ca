//! PURE. A track as it travels in a `custom_id` or a select-menu value: its slug when short and
//! unique (in any case), else a hash of its folder, so every id and value stays unique and within
//! Discord's 100 characters, whatever the folder names.

use crate::curriculum::Curriculum;

/// Slugs longer than this travel as a hash.
const SLUG_MAX: usize = 40;

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// Track `t`'s token: its slug, or `~` and a hash of its folder when the slug is long, holds a
/// `|`, or an earlier track has the same slug in some case.
pub fn token(c: &Curriculum, t: usize) -> String {
    let slug = &c.tracks[t].slug;
    let clash = c.tracks[..t]
        .iter()
        .any(|o| o.slug.eq_ignore_ascii_case(slug));
    let plain = slug.chars().count() <= SLUG_MAX
        && !slug.is_empty()
        && !slug.starts_with('~')
        && slug
            .chars()
            .all(|ch| ch.is_alphanumeric() || "-_.".contains(ch));
    if plain && !clash {
        slug.clone()
    } else {
        format!("~{:016x}", fnv(&c.tracks[t].dir) ^ fnv(slug))
    }
}

/// The track a token names (a slug or label also works, for ids made before tokens).
pub fn by_token(c: &Curriculum, tok: &str) -> Option<usize> {
    (0..c.tracks.len())
        .find(|&t| token(c, t) == tok)
        .or_else(|| c.track_by_name(tok))
}

/// The token of an optional track (`-` for none).
pub fn token_or_none(c: &Curriculum, t: Option<usize>) -> String {
    t.map_or_else(|| "-".to_string(), |t| token(c, t))
}

/// The optional track of a token made by [`token_or_none`]; `None` when it names no track.
pub fn from_token_or_none(c: &Curriculum, tok: &str) -> Option<Option<usize>> {
    match tok {
        "-" => Some(None),
        tok => by_token(c, tok).map(Some),
    }
}
