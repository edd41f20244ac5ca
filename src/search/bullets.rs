//! PURE. Which bullets of a topic describe which of its links. A bullet that names one link of
//! the topic (shares a word with that link's title and with no other link's title there, as in
//! "Kubeflow for ML workflows on Kubernetes" beside [Kubeflow Documentation]) describes that
//! link only; a bullet that names none describes them all.

use super::text::{is_function_word, tokens};
use crate::curriculum::Curriculum;
use std::collections::HashMap;

/// Bullets read per topic, at most.
const MAX_PER_TOPIC: usize = 8;

pub struct Bullets {
    /// Per topic: each bullet's text and the distinctive title words it names.
    by_topic: Vec<Vec<(usize, Vec<String>)>>,
}

impl Bullets {
    pub fn new(c: &Curriculum) -> Bullets {
        let mut titles: Vec<HashMap<String, u32>> = vec![HashMap::new(); c.topics.len()];
        for r in 0..c.resources.len() {
            for p in c.resource_places(r) {
                if let Some(t) = p.topic {
                    let mut ws = words(&p.title);
                    ws.sort();
                    ws.dedup();
                    for w in ws {
                        *titles[t].entry(w).or_default() += 1;
                    }
                }
            }
        }
        let mut by_topic: Vec<Vec<(usize, Vec<String>)>> = vec![Vec::new(); c.topics.len()];
        for (i, it) in c.items.iter().enumerate() {
            let Some(t) = it.topic else { continue };
            if by_topic[t].len() >= MAX_PER_TOPIC {
                continue;
            }
            let names: Vec<String> = words(&it.text)
                .into_iter()
                .filter(|w| titles[t].get(w) == Some(&1))
                .collect();
            by_topic[t].push((i, names));
        }
        Bullets { by_topic }
    }

    /// The bullets of `topic` that describe the link titled `title` there.
    pub fn of_link<'a>(&'a self, topic: usize, title: &str) -> impl Iterator<Item = usize> + 'a {
        let own = words(title);
        self.by_topic[topic]
            .iter()
            .filter(move |(_, names)| names.is_empty() || names.iter().any(|w| own.contains(w)))
            .map(|(i, _)| *i)
    }

    /// Every bullet of `topic` (read for the topic itself).
    pub fn of_topic(&self, topic: usize) -> impl Iterator<Item = usize> + '_ {
        self.by_topic[topic].iter().map(|(i, _)| *i)
    }
}

fn words(s: &str) -> Vec<String> {
    tokens(s)
        .into_iter()
        .filter(|w| w.chars().count() >= 3 && !is_function_word(w))
        .collect()
}
