//! How a diff reads: one line per change (`+ Module 4: …`, `~ Module 3 duration: … → …`) and
//! a short summary per track.

use super::{Change, SiteDiff};

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Change::TrackAdded { label, modules } => {
                write!(f, "+ track {label} ({modules} modules)")
            }
            Change::TrackRemoved { label } => write!(f, "− track {label}"),
            Change::ModuleAdded { number, title } => write!(f, "+ Module {number}: {title}"),
            Change::ModuleRemoved { number, title } => write!(f, "− Module {number}: {title}"),
            Change::ModuleChanged {
                number,
                field,
                old,
                new,
            } => {
                write!(f, "~ Module {number} {field}: {old} → {new}")
            }
            Change::ResourceAdded { url, title } => write!(f, "+ resource {title} <{url}>"),
            Change::ResourceRemoved { url, title } => write!(f, "− resource {title} <{url}>"),
            Change::PhaseAdded { heading } => write!(f, "+ phase {heading}"),
            Change::PhaseRemoved { heading } => write!(f, "− phase {heading}"),
            Change::PhaseChanged { heading, what } => write!(f, "~ phase {heading}: {what}"),
            Change::PathwayAdded { background } => write!(f, "+ pathway {background}"),
            Change::PathwayRemoved { background } => write!(f, "− pathway {background}"),
            Change::PathwayChanged {
                background,
                old,
                new,
            } => {
                write!(f, "~ pathway {background}: {old} → {new}")
            }
        }
    }
}

impl SiteDiff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Every change as `track: line`, in order.
    pub fn lines(&self) -> Vec<String> {
        self.changes
            .iter()
            .map(|c| format!("{}: {}", c.track, c.change))
            .collect()
    }

    /// One short line: "no changes", or per track its counts, e.g.
    /// `data-engineering: ~1 module, −1 resource; ml-ops: new track`.
    pub fn summary(&self) -> String {
        if self.is_empty() {
            return "no changes".to_string();
        }
        let mut tracks: Vec<(&str, [usize; 9])> = Vec::new();
        for c in &self.changes {
            let slot = match tracks.iter().position(|(t, _)| *t == c.track) {
                Some(i) => i,
                None => {
                    tracks.push((&c.track, [0; 9]));
                    tracks.len() - 1
                }
            };
            let counts = &mut tracks[slot].1;
            let k = match &c.change {
                Change::TrackAdded { .. } => 0,
                Change::TrackRemoved { .. } => 1,
                Change::ModuleAdded { .. } => 2,
                Change::ModuleRemoved { .. } => 3,
                Change::ModuleChanged { .. } => 4,
                Change::ResourceAdded { .. } => 5,
                Change::ResourceRemoved { .. } => 6,
                Change::PhaseAdded { .. }
                | Change::PhaseRemoved { .. }
                | Change::PhaseChanged { .. } => 7,
                Change::PathwayAdded { .. }
                | Change::PathwayRemoved { .. }
                | Change::PathwayChanged { .. } => 8,
            };
            // A changed module counts once however many of its fields changed.
            if let Change::ModuleChanged { number, .. } = &c.change {
                let seen = self.changes.iter().take_while(|x| !std::ptr::eq(*x, c)).any(|x| {
                    x.track == c.track
                        && matches!(&x.change, Change::ModuleChanged { number: n, .. } if n == number)
                });
                if seen {
                    continue;
                }
            }
            counts[k] += 1;
        }
        let names = [
            "new track",
            "removed track",
            "+{} module",
            "−{} module",
            "~{} module",
            "+{} resource",
            "−{} resource",
            "{} plan change",
            "{} pathway change",
        ];
        tracks
            .iter()
            .map(|(t, counts)| {
                let parts: Vec<String> = counts
                    .iter()
                    .zip(names)
                    .filter(|(n, _)| **n > 0)
                    .map(|(n, name)| {
                        let s = name.replace("{}", &n.to_string());
                        if *n > 1 {
                            format!("{s}s")
                        } else {
                            s
                        }
                    })
                    .collect();
                format!("{t}: {}", parts.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}
