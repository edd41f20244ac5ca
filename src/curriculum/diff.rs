//! PURE. What changed between two loaded curricula, per track: tracks matched by slug, modules
//! by number within a track (title, duration, focus, page), resources by URL (per track), plan
//! phases by heading and pathways by background. A [`SiteDiff`] has a short summary line for a
//! reply and the full list of lines for paging.

use super::model::{Curriculum, Module};
use std::collections::BTreeMap;

mod show;

/// One change, in the words a moderator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    TrackAdded {
        label: String,
        modules: usize,
    },
    TrackRemoved {
        label: String,
    },
    ModuleAdded {
        number: u32,
        title: String,
    },
    ModuleRemoved {
        number: u32,
        title: String,
    },
    ModuleChanged {
        number: u32,
        field: &'static str,
        old: String,
        new: String,
    },
    ResourceAdded {
        url: String,
        title: String,
    },
    ResourceRemoved {
        url: String,
        title: String,
    },
    PhaseAdded {
        heading: String,
    },
    PhaseRemoved {
        heading: String,
    },
    PhaseChanged {
        heading: String,
        what: String,
    },
    PathwayAdded {
        background: String,
    },
    PathwayRemoved {
        background: String,
    },
    PathwayChanged {
        background: String,
        old: String,
        new: String,
    },
}

/// A change in one track (its slug).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackChange {
    pub track: String,
    pub change: Change,
}

/// Everything that changed, tracks in the new site's order (removed tracks last).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteDiff {
    pub changes: Vec<TrackChange>,
}

/// Compares the loaded curriculum `old` with a freshly read `new`.
pub fn diff(old: &Curriculum, new: &Curriculum) -> SiteDiff {
    let mut out = SiteDiff::default();
    let mut push = |track: &str, change: Change| {
        out.changes.push(TrackChange {
            track: track.to_string(),
            change,
        })
    };
    let (old_res, new_res) = (resources_by_track(old), resources_by_track(new));
    for (ti, t) in new.tracks.iter().enumerate() {
        match old.tracks.iter().position(|o| o.slug == t.slug) {
            None => push(
                &t.slug,
                Change::TrackAdded {
                    label: t.label.clone(),
                    modules: t.modules.len(),
                },
            ),
            Some(oi) => {
                let res = (&old_res[oi], &new_res[ti]);
                for c in track_changes(old, oi, new, ti, res) {
                    push(&t.slug, c);
                }
            }
        }
    }
    for o in &old.tracks {
        if !new.tracks.iter().any(|t| t.slug == o.slug) {
            push(
                &o.slug,
                Change::TrackRemoved {
                    label: o.label.clone(),
                },
            );
        }
    }
    out
}

/// URL → title, per track.
type Urls = BTreeMap<String, String>;

fn track_changes(
    old: &Curriculum,
    oi: usize,
    new: &Curriculum,
    ni: usize,
    (or, nr): (&Urls, &Urls),
) -> Vec<Change> {
    let mut out = Vec::new();
    let (ot, nt) = (&old.tracks[oi], &new.tracks[ni]);
    // Modules, by number.
    let om: BTreeMap<u32, &Module> = ot
        .modules
        .iter()
        .map(|&m| (old.modules[m].number, &old.modules[m]))
        .collect();
    let nm: BTreeMap<u32, &Module> = nt
        .modules
        .iter()
        .map(|&m| (new.modules[m].number, &new.modules[m]))
        .collect();
    for (n, m) in &nm {
        match om.get(n) {
            None => out.push(Change::ModuleAdded {
                number: *n,
                title: m.title.clone(),
            }),
            Some(o) => {
                let fields = [
                    ("title", o.title.clone(), m.title.clone()),
                    ("duration", duration(o), duration(m)),
                    ("focus", o.focus.clone(), m.focus.clone()),
                    ("page", page(o), page(m)),
                ];
                for (field, old, new) in fields {
                    if old != new {
                        out.push(Change::ModuleChanged {
                            number: *n,
                            field,
                            old,
                            new,
                        });
                    }
                }
            }
        }
    }
    for (n, o) in &om {
        if !nm.contains_key(n) {
            out.push(Change::ModuleRemoved {
                number: *n,
                title: o.title.clone(),
            });
        }
    }
    // Resources, by URL, listed anywhere in the track.
    for (url, title) in nr {
        if !or.contains_key(url) {
            out.push(Change::ResourceAdded {
                url: url.clone(),
                title: title.clone(),
            });
        }
    }
    for (url, title) in or {
        if !nr.contains_key(url) {
            out.push(Change::ResourceRemoved {
                url: url.clone(),
                title: title.clone(),
            });
        }
    }
    // Plan phases, by heading.
    let phase = |c: &Curriculum, p: usize| {
        let ph = &c.plan[p];
        (ph.heading.clone(), (ph.weeks, ph.tasks.clone()))
    };
    let op: BTreeMap<_, _> = ot.plan.iter().map(|&p| phase(old, p)).collect();
    let np: Vec<_> = nt.plan.iter().map(|&p| phase(new, p)).collect();
    for (heading, (weeks, tasks)) in &np {
        match op.get(heading) {
            None => out.push(Change::PhaseAdded {
                heading: heading.clone(),
            }),
            Some((ow, ot)) => {
                let mut what = Vec::new();
                if ow != weeks {
                    what.push(format!("weeks {ow} → {weeks}"));
                }
                if ot != tasks {
                    what.push(format!("tasks {} → {}", ot.len(), tasks.len()));
                }
                if !what.is_empty() {
                    out.push(Change::PhaseChanged {
                        heading: heading.clone(),
                        what: what.join(", "),
                    });
                }
            }
        }
    }
    for heading in op.keys() {
        if !np.iter().any(|(h, _)| h == heading) {
            out.push(Change::PhaseRemoved {
                heading: heading.clone(),
            });
        }
    }
    // Pathways, by background.
    let pathway = |c: &Curriculum, p: usize| {
        let pw = &c.pathways[p];
        (
            pw.background.clone(),
            format!("{} months, {}", pw.months, pw.emphasis),
        )
    };
    let ow: BTreeMap<_, _> = ot.pathways.iter().map(|&p| pathway(old, p)).collect();
    let nw: Vec<_> = nt.pathways.iter().map(|&p| pathway(new, p)).collect();
    for (bg, text) in &nw {
        match ow.get(bg) {
            None => out.push(Change::PathwayAdded {
                background: bg.clone(),
            }),
            Some(o) if o != text => out.push(Change::PathwayChanged {
                background: bg.clone(),
                old: o.clone(),
                new: text.clone(),
            }),
            Some(_) => {}
        }
    }
    for bg in ow.keys() {
        if !nw.iter().any(|(b, _)| b == bg) {
            out.push(Change::PathwayRemoved {
                background: bg.clone(),
            });
        }
    }
    out
}

fn duration(m: &Module) -> String {
    match (m.weeks, m.open_ended) {
        (_, true) => "ongoing".to_string(),
        (Some(w), false) => format!("{w} weeks"),
        (None, false) => "none".to_string(),
    }
}

fn page(m: &Module) -> String {
    m.page_path.clone().unwrap_or_else(|| "none".to_string())
}

/// For each track, URL → title of every resource listed in it (one pass over the resources).
fn resources_by_track(c: &Curriculum) -> Vec<Urls> {
    let mut out = vec![Urls::new(); c.tracks.len()];
    for r in 0..c.resources.len() {
        let res = &c.resources[r];
        for t in c.resource_tracks(r) {
            if let Some(urls) = out.get_mut(t) {
                urls.insert(res.link.display().to_string(), res.title.clone());
            }
        }
    }
    out
}
