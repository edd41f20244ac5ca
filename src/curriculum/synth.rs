//! PURE. A deterministic synthetic Docusaurus site for benchmarks: `site(tracks, pages_per_track)`
//! makes a docs folder of tracks, each a `_category_.json`, an overview page (modules, pathways,
//! plan) and number-prefixed module pages with sections, topics and resources. Some links repeat
//! across tracks, as real sites share their best resources.

use super::{ParseOptions, SourceCategory, SourcePage};
use std::fmt::Write;

const TOPICS: &[&str] = &[
    "Containers",
    "Pipelines",
    "Monitoring",
    "Feature Stores",
    "Serving",
    "Testing",
    "Security",
    "Networking",
    "Storage",
    "Orchestration",
    "Streaming",
    "Experiment Tracking",
];

/// The pages and categories of a site of `tracks` tracks with `pages` pages each (an overview
/// plus `pages - 1` module pages), and the options to parse it as the docs root.
pub fn site(tracks: usize, pages: usize) -> (Vec<SourcePage>, ParseOptions) {
    let mut out = Vec::with_capacity(tracks * pages);
    let mut categories = Vec::with_capacity(tracks);
    let modules = pages.saturating_sub(1).max(1);
    for t in 0..tracks {
        let dir = format!("{:03}-track-{t}", t + 1);
        categories.push(SourceCategory {
            file: "_category_.json".into(),
            dir: dir.clone(),
            text: format!(
                "{{\"label\": \"Track {t}\", \"position\": {}, \"description\": \"Learning track {t}\"}}",
                t + 1
            ),
        });
        let mut o = format!("---\nsidebar_position: 1\n---\n\n# Getting Started with Track {t}\n\n## Learning Path\n- **Modules**\n");
        for m in 1..=modules {
            let dur = if m == modules {
                "Ongoing".to_string()
            } else {
                format!("{}-{} weeks", 4 + m % 3, 6 + m % 3)
            };
            let _ = writeln!(
                o,
                "  - Module {m}: [{} {t}](./{m:02}-module-{m}.md) ({dur}) - Practice {}",
                TOPICS[(t + m) % TOPICS.len()],
                TOPICS[m % TOPICS.len()].to_lowercase()
            );
        }
        o.push_str("- **Pathways**\n  - Developers: 6-9 months focused on operations\n  - Analysts: 9-12 months emphasizing engineering\n\n## Action Plan\n- **Week 1-2: Setup**\n  - Install the tools\n- **Months 2-3: Projects**\n  - Build a project\n");
        out.push(SourcePage {
            path: format!("{dir}/00-getting-started.md"),
            text: o,
        });
        for m in 1..=modules.min(pages.saturating_sub(1)) {
            let mut p = format!("# Module {m}: {} {t}\n", TOPICS[(t + m) % TOPICS.len()]);
            for s in 0..3 {
                let topic = TOPICS[(t * 7 + m * 3 + s) % TOPICS.len()];
                let _ = write!(
                    p,
                    "\n## {topic} part {s}\n- **{topic} basics**\n  - Learn {topic} step {s}\n  - **Resources:**\n"
                );
                for r in 0..4 {
                    // Every fourth link is shared by many tracks.
                    let url = if r == 0 {
                        format!("https://shared.example.org/{}", (m + s) % 16)
                    } else {
                        format!("https://docs.example.org/t{t}/m{m}/s{s}/r{r}")
                    };
                    let _ = writeln!(
                        p,
                        "    - [{topic} guide {r}]({url}) - About {topic} in depth"
                    );
                }
            }
            out.push(SourcePage {
                path: format!("{dir}/{m:02}-module-{m}.md"),
                text: p,
            });
        }
    }
    let opts = ParseOptions {
        base_url: Some("https://learn.example.org/docs".into()),
        categories,
        ..ParseOptions::default()
    };
    (out, opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_site_loads_as_tracks() {
        let (pages, opts) = site(200, 7);
        assert_eq!(pages.len(), 1400);
        let parsed = crate::curriculum::parse(&pages, &opts);
        let c = &parsed.curriculum;
        assert_eq!(c.tracks.len(), 200);
        assert_eq!(c.tracks[0].slug, "track-0");
        assert!(c
            .tracks
            .iter()
            .all(|t| t.modules.len() == 6 && t.overview.is_some()));
        assert!(
            c.modules.iter().all(|m| m.page.is_some()),
            "module pages joined"
        );
        let shared = c
            .resources
            .iter()
            .filter(|r| r.link.url().is_some_and(|u| u.contains("shared.")))
            .count();
        let distinct: std::collections::HashSet<usize> = (1..=6)
            .flat_map(|m| (0..3).map(move |s| (m + s) % 16))
            .collect();
        assert_eq!(shared, distinct.len(), "shared links are one resource each");
        let r = c
            .resources
            .iter()
            .find(|r| r.link.url() == Some("https://shared.example.org/1"))
            .expect("shared link");
        assert!(r.places.len() > 1, "a shared link knows its places");
        let diags = parsed.check();
        assert!(!crate::curriculum::Parsed::has_errors(&diags), "{diags:?}");
        let (min, max): (u32, u32) = (1..=5u32)
            .map(|m| (4 + m % 3, 6 + m % 3))
            .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        assert_eq!(
            c.tracks[3].total(c).map(|t| t.to_string()),
            Some(format!("{min}-{max} weeks + ongoing"))
        );
    }
}
