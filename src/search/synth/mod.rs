//! PURE. A deterministic synthetic curriculum for benchmarks: `generate(n, seed)` makes `n` docs of
//! every kind with realistic MLOps titles and bodies (real tools, concepts and link domains, plus a
//! long tail of made-up product names so the vocabulary grows like a real one), and `queries`
//! makes queries of the kinds members type, each with the title word a good answer contains.

mod words;

use words::{ADJS, ROLES, SUFFIXES, SYLLABLES, TLDS, VERBS};
pub use words::{CONCEPTS, TOOLS};

use super::{Doc, Kind};

/// SplitMix64: tiny, fast, good enough for test data, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

/// A made-up product name from the long tail (up to 64,000 distinct ones).
fn product(rng: &mut Rng) -> String {
    let n = 2 + rng.below(2);
    let mut s = String::new();
    for i in 0..n {
        let syl = rng.pick(SYLLABLES);
        if i == 0 {
            let mut c = syl.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(syl);
        }
    }
    s
}

/// A tool name: a real one most of the time, else a long-tail product.
fn tool(rng: &mut Rng) -> String {
    if rng.below(10) < 7 {
        rng.pick(TOOLS).to_owned()
    } else {
        product(rng)
    }
}

fn domain(name: &str) -> String {
    let slug: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    slug
}

/// `n` docs, the same for the same `seed`.
pub fn generate(n: usize, seed: u64) -> Vec<Doc> {
    let mut rng = Rng::new(seed);
    let mut docs = Vec::with_capacity(n);
    let sections: Vec<String> = (0..64)
        .map(|i| {
            format!(
                "{} {}",
                CONCEPTS[i % CONCEPTS.len()],
                ["Basics", "in Practice", "at Scale"][i % 3]
            )
        })
        .collect();
    for i in 0..n {
        let r = rng.below(100);
        let t = tool(&mut rng);
        let t2 = tool(&mut rng);
        let c = rng.pick(CONCEPTS);
        let c2 = rng.pick(CONCEPTS).to_lowercase();
        let adj = rng.pick(ADJS);
        let section = sections[rng.below(sections.len())].clone();
        let (kind, title, body, url) = match r {
            0..=49 => {
                let title = match rng.below(4) {
                    0 => format!("{t} {}", rng.pick(SUFFIXES)),
                    1 => format!("{c} with {t}"),
                    2 => format!("{t} vs {t2}"),
                    _ => format!("{} {c} on {t}", rng.pick(VERBS)),
                };
                let host = format!("docs.{}.{}", domain(&t), rng.pick(TLDS));
                let body = format!("{adj} {c2} with {t} and {t2} {host}");
                (
                    Kind::Resource,
                    title,
                    body,
                    Some(format!("https://{host}/{i}")),
                )
            }
            50..=79 => {
                let title = format!("{} {c2} using {t} for {adj} {}", rng.pick(VERBS), t2);
                (Kind::Item, title, String::new(), None)
            }
            80..=87 => (
                Kind::Topic,
                format!("{c} and {t} Tools"),
                String::new(),
                None,
            ),
            88..=91 => (
                Kind::Section,
                section.clone(),
                format!("{c} with {t}"),
                None,
            ),
            92..=94 => {
                let lo = 2 + rng.below(8);
                let title = format!("Module {}: {c}", 1 + rng.below(12));
                let body = format!("{adj} {c2} ({lo}-{} weeks) with {t}", lo + 2);
                (Kind::Module, title, body, None)
            }
            95..=96 => {
                let title = rng.pick(ROLES).to_owned();
                let body = format!(
                    "{}-{} months focused on {c2} and {t}",
                    6 + rng.below(6),
                    12 + rng.below(6)
                );
                (Kind::Pathway, title, body, None)
            }
            _ => {
                let w = 1 + rng.below(20);
                let title = format!("Weeks {w}-{}: {c}", w + 2);
                let body = format!(
                    "{} {c2} with {t}; {} {t2}",
                    rng.pick(VERBS),
                    rng.pick(VERBS).to_lowercase()
                );
                (Kind::PlanPhase, title, body, None)
            }
        };
        // Every doc sits somewhere: its section's words are its heading and place, as on a site.
        docs.push(Doc {
            kind,
            title,
            body,
            heading: section.clone(),
            context: format!("Module {}", 1 + i % 12),
            section,
            url,
            target: i,
            tracks: Vec::new(),
            alt_titles: Vec::new(),
        });
    }
    docs
}

/// What a benchmark query stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// A tool's or concept's name as written.
    Exact,
    /// Two or three words: a concept with a tool.
    MultiWord,
    /// A name with one typo (dropped, doubled, swapped or replaced char).
    Typo,
    /// The first 1–5 chars of a name, as typed into autocomplete.
    Prefix,
}

#[derive(Debug, Clone)]
pub struct SynthQuery {
    pub kind: QueryKind,
    pub text: String,
    /// Lowercase word a title in a good answer's top hits contains.
    pub expect: String,
}

/// `per_kind` queries of each [`QueryKind`], the same for the same `seed`.
pub fn queries(per_kind: usize, seed: u64) -> Vec<SynthQuery> {
    let mut rng = Rng::new(seed ^ 0x5EED);
    let mut out = Vec::new();
    let single: Vec<&str> = TOOLS
        .iter()
        .copied()
        .filter(|t| t.len() >= 5 && t.chars().all(char::is_alphanumeric))
        .collect();
    for _ in 0..per_kind {
        let t = rng.pick(&single);
        out.push(SynthQuery {
            kind: QueryKind::Exact,
            text: t.to_owned(),
            expect: t.to_lowercase(),
        });
    }
    for _ in 0..per_kind {
        let t = rng.pick(&single);
        let c = rng.pick(CONCEPTS);
        let first = c.split(' ').next().unwrap_or(c).to_lowercase();
        out.push(SynthQuery {
            kind: QueryKind::MultiWord,
            text: format!("{c} {t}").to_lowercase(),
            expect: first,
        });
    }
    for _ in 0..per_kind {
        let t = rng.pick(&single).to_lowercase();
        out.push(SynthQuery {
            kind: QueryKind::Typo,
            text: typo(&mut rng, &t),
            expect: t,
        });
    }
    for _ in 0..per_kind {
        let t = rng.pick(&single).to_lowercase();
        let n = 1 + rng.below(5);
        let p: String = t.chars().take(n).collect();
        out.push(SynthQuery {
            kind: QueryKind::Prefix,
            text: p.clone(),
            expect: p,
        });
    }
    out
}

/// `word` with one typo that keeps it within one edit (transposition counting as one).
pub fn typo(rng: &mut Rng, word: &str) -> String {
    let mut cs: Vec<char> = word.chars().collect();
    if cs.len() < 3 {
        return word.to_owned();
    }
    let i = 1 + rng.below(cs.len() - 2);
    match rng.below(4) {
        0 => {
            cs.remove(i);
        }
        1 => cs.insert(i, cs[i]),
        2 => cs.swap(i, i + 1),
        _ => cs[i] = if cs[i] == 'x' { 'q' } else { 'x' },
    }
    cs.into_iter().collect()
}
