//! Building the site: [`layout`] groups pages into tracks (reading `_category_.json`) and puts
//! them in sidebar order before parsing; [`finish`] gives pages their routes and URLs, tracks
//! their lists and overview, modules their pages, and relative links the URLs the site serves.

use super::category::{self, Category};
use super::Track;
use crate::curriculum::lines::module_number;
use crate::curriculum::links::join_path;
use crate::curriculum::model::*;
use crate::curriculum::route::{
    self, link_base, number_prefix, page_route, stem, strip_number_prefix, RouteMatter, Routing,
};
use crate::curriculum::{frontmatter, Diagnostic, ParseOptions, Severity, SourcePage};
use std::collections::HashMap;

/// How pages are grouped and ordered before they are parsed.
pub(in crate::curriculum) struct Layout {
    /// Indices into the source pages, in the order they become `Curriculum::pages`.
    pub order: Vec<usize>,
    /// The track of each page in `order` (`None`: a site page).
    pub track_of: Vec<Option<usize>>,
    pub tracks: Vec<Track>,
    pub front: Vec<frontmatter::FrontMatter>,
}

/// Groups pages into tracks: the root's subfolders when there are any (and the root has no
/// `_category_.json` of its own), else one track of the whole folder.
pub(in crate::curriculum) fn layout(
    pages: &[SourcePage],
    opts: &ParseOptions,
    diags: &mut Vec<Diagnostic>,
) -> Layout {
    let front: Vec<_> = pages.iter().map(|p| frontmatter::read(&p.text).0).collect();
    // `draft: true` pages are not published: not read, and no track of their own.
    for (p, _) in pages.iter().zip(&front).filter(|(_, fm)| fm.draft) {
        diags.push(Diagnostic {
            origin: Origin {
                file: format!("{}{}", opts.origin_prefix, p.path),
                line: 1,
            },
            severity: Severity::Note,
            message: "`draft: true`: not published, so not read".to_string(),
        });
    }
    let published = |i: usize| !front[i].draft;
    let root_is_track = opts.categories.iter().any(|c| c.dir.is_empty());
    let multi = !root_is_track && pages.iter().any(|p| p.path.contains('/'));
    let track_dir = |p: &SourcePage| -> Option<String> {
        if !multi {
            return Some(String::new());
        }
        p.path.split_once('/').map(|(d, _)| d.to_string())
    };
    let mut dirs: Vec<String> = (0..pages.len())
        .filter(|&i| published(i))
        .filter_map(|i| track_dir(&pages[i]))
        .collect();
    dirs.sort();
    dirs.dedup();
    let mut tracks: Vec<(Option<f64>, Track)> = dirs
        .iter()
        .map(|dir| make_track(dir, opts, diags))
        .collect();
    tracks.sort_by(|(pa, a), (pb, b)| {
        let ka = (
            pa.is_none(),
            number_prefix(&a.dir).is_none(),
            number_prefix(&a.dir),
        );
        let kb = (
            pb.is_none(),
            number_prefix(&b.dir).is_none(),
            number_prefix(&b.dir),
        );
        ka.0.cmp(&kb.0)
            .then(pa.unwrap_or(0.0).total_cmp(&pb.unwrap_or(0.0)))
            .then((ka.1, ka.2).cmp(&(kb.1, kb.2)))
            .then(a.slug.cmp(&b.slug))
    });
    let tracks: Vec<Track> = tracks.into_iter().map(|(_, t)| t).collect();
    let index: HashMap<&str, usize> = tracks
        .iter()
        .enumerate()
        .map(|(i, t)| (t.dir.as_str(), i))
        .collect();
    let mut keyed: Vec<(usize, Option<usize>)> = pages
        .iter()
        .enumerate()
        .filter(|&(i, _)| published(i))
        .map(|(i, p)| (i, track_dir(p).and_then(|d| index.get(d.as_str()).copied())))
        .collect();
    keyed.sort_by(|&(a, ta), &(b, tb)| {
        let file = |i: usize| pages[i].path.rsplit('/').next().unwrap_or("");
        // A category's index page first, then sidebar_position, number prefix and name.
        let key = |i: usize| {
            let sp = front[i].sidebar_position;
            let np = number_prefix(stem(file(i)));
            let index = matches!(
                stem(file(i)).to_ascii_lowercase().as_str(),
                "index" | "readme"
            );
            (!index, sp.is_none(), sp, np.is_none(), np)
        };
        (ta.is_some(), ta)
            .cmp(&(tb.is_some(), tb))
            .then(key(a).cmp(&key(b)))
            .then(strip_number_prefix(file(a)).cmp(strip_number_prefix(file(b))))
            .then(pages[a].path.cmp(&pages[b].path))
    });
    Layout {
        order: keyed.iter().map(|k| k.0).collect(),
        track_of: keyed.iter().map(|k| k.1).collect(),
        tracks,
        front,
    }
}

fn make_track(dir: &str, opts: &ParseOptions, diags: &mut Vec<Diagnostic>) -> (Option<f64>, Track) {
    let route = route::dir_route(&opts.docs_dir, dir);
    let slug = if !dir.is_empty() {
        strip_number_prefix(dir).to_string()
    } else if let Some(last) = route.rsplit('/').next().filter(|s| !s.is_empty()) {
        last.to_string()
    } else if !opts.root_name.is_empty() {
        strip_number_prefix(&opts.root_name).to_string()
    } else {
        "curriculum".to_string()
    };
    let mut cat = Category::default();
    if let Some(src) = opts.categories.iter().find(|c| c.dir == dir) {
        match category::read(&src.file, &src.text) {
            Ok(c) => cat = c,
            Err(message) => {
                let file = if dir.is_empty() {
                    format!("{}{}", opts.origin_prefix, src.file)
                } else {
                    format!("{}{dir}/{}", opts.origin_prefix, src.file)
                };
                diags.push(Diagnostic {
                    origin: Origin { file, line: 1 },
                    severity: Severity::Warning,
                    message,
                });
            }
        }
    }
    let label = cat
        .label
        .filter(|l| !l.trim().is_empty())
        .unwrap_or_else(|| title_case(&slug));
    let description = cat.description.filter(|d| !d.trim().is_empty());
    let position = cat.position;
    let track = Track {
        position: position
            .map(|p| p.round() as i64)
            .or_else(|| number_prefix(dir).and_then(|n| i64::try_from(n).ok())),
        slug,
        label,
        description,
        dir: dir.to_string(),
        route,
        ..Track::default()
    };
    (position, track)
}

/// `mlops-engineering` -> `Mlops Engineering`.
fn title_case(slug: &str) -> String {
    slug.split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// After parsing: routes and URLs of pages, each track's lists and overview, modules joined to
/// their pages, and relative resource links resolved to the URLs the site serves.
pub(in crate::curriculum) fn finish(c: &mut Curriculum, opts: &ParseOptions) {
    let routing = Routing {
        base_url: opts.base_url.clone(),
        trailing_slash: opts.trailing_slash,
    };
    for p in &mut c.pages {
        p.slash = routing.ends_in_slash(p.slash);
        p.url = routing.url(&p.route, p.slash, "");
    }
    let page_track = |c: &Curriculum, s: usize| c.pages[c.sections[s].page].track;
    for i in 0..c.modules.len() {
        let t = page_track(c, c.modules[i].section).unwrap_or(0);
        c.modules[i].track = t;
        if let Some(tr) = c.tracks.get_mut(t) {
            tr.modules.push(i);
        }
    }
    for i in 0..c.pathways.len() {
        if let Some(t) = page_track(c, c.pathways[i].section) {
            c.tracks[t].pathways.push(i);
        }
    }
    for i in 0..c.plan.len() {
        if let Some(t) = page_track(c, c.topics[c.plan[i].topic].section) {
            c.tracks[t].plan.push(i);
        }
    }
    let mut has_overview = vec![false; c.pages.len()];
    for m in &c.modules {
        has_overview[c.sections[m.section].page] = true;
    }
    for p in &c.pathways {
        has_overview[c.sections[p.section].page] = true;
    }
    for p in &c.plan {
        has_overview[c.sections[c.topics[p.topic].section].page] = true;
    }
    for t in &mut c.tracks {
        t.overview = t.pages.iter().copied().find(|&p| has_overview[p]);
        let index = t
            .pages
            .iter()
            .copied()
            .find(|&p| c.pages[p].route == t.route);
        t.url = (index.or(t.overview).or(t.pages.first().copied()))
            .and_then(|p| c.pages[p].url.clone());
        if t.description.is_none() {
            t.description = t.overview.map(|p| c.pages[p].title.clone());
        }
    }
    join_module_pages(c);
    resolve_links(c, &opts.docs_dir, &routing);
}

/// Each module's page: from a relative link on its own line, else from a resource titled
/// `Module N: …` in the same track, else by title or number (`owners.rs`).
fn join_module_pages(c: &mut Curriculum) {
    let mut by_number: HashMap<(usize, u32), usize> = HashMap::new();
    for (i, r) in c.resources.iter().enumerate() {
        let Some(n) = module_number(&r.title) else {
            continue;
        };
        let t = c.pages[c.sections[r.section].page]
            .track
            .unwrap_or(usize::MAX);
        by_number.entry((t, n)).or_insert(i);
    }
    let by_path: HashMap<&str, usize> = c
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.as_str(), i))
        .collect();
    for m in c.modules.iter_mut() {
        m.link = by_number.get(&(m.track, m.number)).copied();
        if m.page_path.is_none() {
            if let Some(r) = m.link.map(|r| &c.resources[r]) {
                if let Link::Relative { path, .. } = &r.link {
                    m.page_path = join_path(&c.pages[c.sections[r.section].page].path, path);
                }
            }
        }
        m.page = m.page_path.as_deref().and_then(|p| by_path.get(p).copied());
        m.page_rule = m.page.map(|_| PageRule::Link);
    }
    super::owners::assign(c);
    let pages: Vec<Option<usize>> = c.modules.iter().map(|m| m.page).collect();
    let mut sections_of: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, s) in c.sections.iter().enumerate() {
        sections_of.entry(s.page).or_default().push(i);
    }
    for (i, p) in pages.into_iter().enumerate() {
        if let Some(p) = p {
            c.pages[p].module.get_or_insert(i);
            c.modules[i].sections = sections_of.get(&p).cloned().unwrap_or_default();
        }
    }
}

/// Relative links: to a known page, its URL; to another `.md` path, the route Docusaurus would
/// give it; anything else, relative to the linking page's route.
fn resolve_links(c: &mut Curriculum, prefix: &str, routing: &Routing) {
    let by_path: HashMap<String, usize> = c
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.path.clone(), i))
        .collect();
    for r in &mut c.resources {
        let from = &c.pages[c.sections[r.section].page];
        if let Link::Relative { path, resolved } = &mut r.link {
            let fragment = path.find('#').map_or("", |i| &path[i..]);
            let target = path.split(['#', '?']).next().unwrap_or("");
            let route = if target.is_empty() {
                Some((from.route.clone(), from.slash))
            } else if target.ends_with(".md") || target.ends_with(".mdx") {
                join_path(&from.path, target).map(|p| match by_path.get(&p) {
                    Some(&i) => (c.pages[i].route.clone(), c.pages[i].slash),
                    None => {
                        let r = page_route(prefix, &p, RouteMatter::default());
                        (r.route, r.slash)
                    }
                })
            } else {
                let dir = link_base(&from.route, from.slash);
                let from_file = if dir.is_empty() {
                    "x".to_string()
                } else {
                    format!("{dir}/x")
                };
                // A link ending in `/` names a folder's page: its URL keeps the `/`.
                join_path(&from_file, target).map(|r| (r, target.ends_with('/')))
            };
            *resolved = route.and_then(|(r, slash)| routing.url(&r, slash, fragment));
        }
    }
}
