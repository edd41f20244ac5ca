//! How a reload (or a validation) went: the headline said once, the errors to fix, the first
//! warnings ("and N more"), and what points at missing tracks.

use super::tracks;
use crate::curriculum::diff::SiteDiff;
use crate::curriculum::Diagnostic;

/// How a reload (or a validation) went.
#[derive(Debug)]
pub enum Report {
    /// Swapped in: what changed and the new version.
    Reloaded {
        diff: SiteDiff,
        hash: String,
        warnings: Vec<Diagnostic>,
        /// What points at missing tracks (paused), and what resumed.
        tracks: tracks::Followed,
        /// `rename:old=new`: how many rows moved.
        renamed: Option<crate::store::TrackRefs>,
    },
    /// Read and compared, not swapped: a validation, or a reload refused for its `errors`.
    Kept {
        diff: SiteDiff,
        errors: Vec<Diagnostic>,
        warnings: Vec<Diagnostic>,
        refused: bool,
        /// What would point at a missing track with this curriculum.
        tracks: tracks::Followed,
    },
    /// Not swapped: it would lose what `losses` says (a half-written save?) and wasn't forced.
    Held { diff: SiteDiff, losses: Vec<String> },
    /// Nothing could be read (no source, a missing folder, a bad rename): the old curriculum stays.
    Failed(String),
}

impl Report {
    /// One line for the log or a channel: the verb and the diff's summary.
    pub fn headline(&self) -> String {
        match self {
            Report::Reloaded {
                diff,
                hash,
                warnings,
                ..
            } => format!(
                "Reloaded (version {hash}, {}): {}",
                count(warnings.len(), "warning"),
                diff.summary()
            ),
            Report::Kept {
                errors,
                refused: true,
                ..
            } => format!(
                "Not reloaded: {} to fix first; still serving the old curriculum",
                count(errors.len(), "error")
            ),
            Report::Kept { diff, warnings, .. } => format!(
                "Checked ({}): {}",
                count(warnings.len(), "warning"),
                diff.summary()
            ),
            Report::Held { losses, .. } => format!(
                "Held: {}; `/curriculum reload force:true` applies it. Still serving the old \
                 curriculum",
                losses.join("; ")
            ),
            Report::Failed(e) => format!("Not reloaded: {e}; still serving the old curriculum"),
        }
    }

    /// `file:line: message` of each error, at most `max`.
    pub fn errors(&self, max: usize) -> Vec<String> {
        match self {
            Report::Kept { errors, .. } => errors.iter().take(max).map(|d| d.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    /// The first `max` warnings, then "and N more".
    pub fn warnings(&self, max: usize) -> Vec<String> {
        let all = match self {
            Report::Reloaded { warnings, .. } | Report::Kept { warnings, .. } => warnings,
            _ => return Vec::new(),
        };
        let mut out: Vec<String> = all.iter().take(max).map(|d| d.to_string()).collect();
        if all.len() > max {
            out.push(format!("and {} more", all.len() - max));
        }
        out
    }

    /// What points at missing tracks, what paused, resumed or was renamed; `None` when nothing.
    pub fn tracks_line(&self) -> Option<String> {
        let (followed, renamed) = match self {
            Report::Reloaded {
                tracks, renamed, ..
            } => (tracks, renamed.as_ref()),
            Report::Kept { tracks, .. } => (tracks, None),
            _ => return None,
        };
        let renamed = renamed.map(|r| {
            format!(
                "Now following `{}`: {}, {}, {}, {}.",
                r.track,
                count(r.subscriptions as usize, "subscription"),
                count(r.members as usize, "member"),
                count(r.channels as usize, "channel"),
                count(r.pins as usize, "pin")
            )
        });
        let lines: Vec<String> = renamed.into_iter().chain(followed.line()).collect();
        (!lines.is_empty()).then(|| lines.join(" "))
    }

    /// Whether nothing changed (a reload or validation with an empty diff and nothing to say).
    pub fn unchanged(&self) -> bool {
        match self {
            Report::Reloaded { diff, .. } | Report::Kept { diff, .. } => {
                diff.is_empty() && self.tracks_line().is_none() && self.errors(1).is_empty()
            }
            _ => false,
        }
    }

    pub(super) fn diff(&self) -> Option<&SiteDiff> {
        match self {
            Report::Reloaded { diff, .. }
            | Report::Kept { diff, .. }
            | Report::Held { diff, .. } => Some(diff),
            Report::Failed(_) => None,
        }
    }

    pub(super) fn outcome(&self) -> &'static str {
        match self {
            Report::Reloaded { .. } => "reloaded",
            Report::Kept { refused: true, .. } => "refused",
            Report::Kept { .. } => "validated",
            Report::Held { .. } => "held",
            Report::Failed(_) => "failed",
        }
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::curriculum::{Origin, Severity};

    #[test]
    fn the_first_warnings_are_named_then_counted() {
        let warning = |n: u32| Diagnostic {
            origin: Origin {
                file: "docs/a.md".into(),
                line: n,
            },
            severity: Severity::Warning,
            message: format!("warning number {n}"),
        };
        let report = Report::Kept {
            diff: SiteDiff::default(),
            errors: Vec::new(),
            warnings: (1..=7).map(warning).collect(),
            refused: false,
            tracks: Default::default(),
        };
        let shown = report.warnings(5);
        assert_eq!(shown.len(), 6);
        assert!(shown[0].contains("docs/a.md:1") && shown[0].contains("warning number 1"));
        assert!(shown[4].contains("warning number 5"));
        assert_eq!(shown[5], "and 2 more");
        assert_eq!(report.headline(), "Checked (7 warnings): no changes");
        // Warnings alone are no change: the watcher doesn't post such a reload.
        assert!(report.unchanged());
    }
}
