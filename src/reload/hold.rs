//! PURE. Which reloads are held until a moderator forces them (issue 17): one that would remove
//! a track with modules, drop all of a track's modules, or more than half of a track's resources
//! (a half-written save, a folder caught mid-copy). Held reloads change nothing.

use crate::curriculum::Curriculum;
use std::collections::BTreeSet;

/// Each loss that holds the reload back, in words ("mlops-engineering would lose 5 modules");
/// empty when the reload may go ahead.
pub fn losses(old: &Curriculum, new: &Curriculum) -> Vec<String> {
    let (old_urls, new_urls) = (urls_by_track(old), urls_by_track(new));
    let mut out = Vec::new();
    for (oi, ot) in old.tracks.iter().enumerate() {
        let modules = ot.modules.len();
        let Some(ni) = new.tracks.iter().position(|t| t.slug == ot.slug) else {
            if modules > 0 {
                out.push(format!(
                    "{} would be removed with its {}",
                    ot.slug,
                    count(modules, "module")
                ));
            }
            continue;
        };
        if modules > 0 && new.tracks[ni].modules.is_empty() {
            out.push(format!(
                "{} would lose {}",
                ot.slug,
                count(modules, "module")
            ));
        }
        let before = &old_urls[oi];
        let lost = before.difference(&new_urls[ni]).count();
        if lost * 2 > before.len() && lost > 1 {
            out.push(format!(
                "{} would lose {lost} of its {} resources",
                ot.slug,
                before.len()
            ));
        }
    }
    out
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// The resources' URLs, per track.
fn urls_by_track(c: &Curriculum) -> Vec<BTreeSet<String>> {
    let mut out = vec![BTreeSet::new(); c.tracks.len()];
    for (r, res) in c.resources.iter().enumerate() {
        for t in c.resource_tracks(r) {
            if let Some(urls) = out.get_mut(t) {
                urls.insert(res.link.display().to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::losses;
    use crate::curriculum::{parse, synth, Curriculum, SourcePage};

    /// A synthetic one-track site of 5 modules, its pages changed by `edit` first.
    fn site(edit: impl Fn(&mut Vec<SourcePage>)) -> Curriculum {
        let (mut pages, opts) = synth::site(1, 6);
        edit(&mut pages);
        parse(&pages, &opts).curriculum
    }

    #[test]
    fn a_track_losing_its_modules_or_most_resources_is_held() {
        let full = site(|_| {});
        let slug = full.tracks[0].slug.clone();
        assert_eq!(full.tracks[0].modules.len(), 5);
        assert!(losses(&full, &full).is_empty());
        // A half-written save: the overview cut off before its module list.
        let cut = site(|p| {
            let at = p[0].text.find("## Learning Path").expect("the module list");
            p[0].text.truncate(at);
        });
        assert_eq!(
            losses(&full, &cut),
            [format!("{slug} would lose 5 modules")]
        );
        // Every module page gone: most resources are.
        let bare = site(|p| p.truncate(1));
        let lost = losses(&full, &bare);
        assert_eq!(lost.len(), 1, "{lost:?}");
        assert!(
            lost[0].starts_with(&format!("{slug} would lose ")),
            "{lost:?}"
        );
        assert!(lost[0].ends_with(" resources"), "{lost:?}");
        // One module page gone: fine.
        assert!(losses(&full, &site(|p| drop(p.pop()))).is_empty());
        // A removed track is held; gaining one is never.
        let other = site(|p| {
            for page in p.iter_mut() {
                page.path = page.path.replace("001-track-0", "001-renamed");
            }
        });
        assert_eq!(
            losses(&full, &other),
            [format!("{slug} would be removed with its 5 modules")]
        );
        assert!(losses(&cut, &full).is_empty());
    }
}
