//! PURE. Query aliases that moderators edit in `data/aliases.txt`: one `alias = expansion` per
//! line (`k8s = Kubernetes`), `#` starts a comment line. A query containing an alias is also
//! searched with the alias replaced by its expansion; a doc scores by the better of the two.

use super::text::tokens;
use crate::curriculum::{Diagnostic, Origin, Severity};
use std::collections::HashMap;

/// Longest alias, in words (`ci cd`, `machine learning ops`…).
const MAX_ALIAS_WORDS: usize = 4;

/// The alias file shipped with the bot, compiled in as the fallback.
pub const BUILTIN: &str = include_str!("../../data/aliases.txt");

/// Normalized alias → expansion. `Default` is the empty set; [`Aliases::builtin`] is the
/// shipped file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Aliases {
    map: HashMap<Vec<String>, Vec<String>>,
    longest: usize,
}

impl Aliases {
    /// Reads an alias file. Bad lines are skipped and reported as `file:line`; never panics.
    pub fn parse(file: &str, text: &str) -> (Aliases, Vec<Diagnostic>) {
        let mut out = Aliases::default();
        let mut diags = Vec::new();
        let mut first_line: HashMap<Vec<String>, usize> = HashMap::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let mut report = |severity, message: String| {
                diags.push(Diagnostic {
                    origin: Origin {
                        file: file.to_owned(),
                        line: u32::try_from(line).unwrap_or(u32::MAX),
                    },
                    severity,
                    message,
                })
            };
            let trimmed = raw.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let Some((alias, expansion)) = trimmed.split_once('=') else {
                report(
                    Severity::Error,
                    format!("expected `alias = expansion`, found `{}`", clip(trimmed)),
                );
                continue;
            };
            let key = tokens(alias);
            let value = tokens(expansion);
            if key.is_empty() {
                report(Severity::Error, "the alias before `=` has no words".into());
                continue;
            }
            if value.is_empty() {
                report(
                    Severity::Error,
                    format!("alias `{}` has no expansion after `=`", key.join(" ")),
                );
                continue;
            }
            if key.len() > MAX_ALIAS_WORDS {
                report(
                    Severity::Error,
                    format!(
                        "alias `{}` is longer than {MAX_ALIAS_WORDS} words",
                        clip(alias)
                    ),
                );
                continue;
            }
            if key == value {
                report(
                    Severity::Warning,
                    format!("alias `{}` expands to itself; ignored", key.join(" ")),
                );
                continue;
            }
            if let Some(first) = first_line.get(&key) {
                report(
                    Severity::Warning,
                    format!(
                        "alias `{}` is already defined on line {first}; this one is ignored",
                        key.join(" ")
                    ),
                );
                continue;
            }
            first_line.insert(key.clone(), line);
            out.longest = out.longest.max(key.len());
            out.map.insert(key, value);
        }
        (out, diags)
    }

    /// Adds `key = value` unless `key` is already an alias (the first definition wins) or both
    /// read the same. For aliases found on the site (`search::abbrev`), which may be longer.
    pub fn insert(&mut self, key: Vec<String>, value: Vec<String>) {
        if key.is_empty() || value.is_empty() || key == value || self.map.contains_key(&key) {
            return;
        }
        self.longest = self.longest.max(key.len());
        self.map.insert(key, value);
    }

    /// The aliases shipped in `data/aliases.txt`, compiled in.
    pub fn builtin() -> Aliases {
        Aliases::parse("data/aliases.txt", BUILTIN).0
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The expansion of one alias, given in any case or spacing.
    pub fn get(&self, alias: &str) -> Option<String> {
        self.map.get(&tokens(alias)).map(|v| v.join(" "))
    }

    /// `words` with every alias replaced by its expansion (longest alias first, left to right),
    /// or `None` when no alias occurs.
    pub fn expand(&self, words: &[String]) -> Option<Vec<String>> {
        if self.map.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(words.len());
        let mut changed = false;
        let mut i = 0;
        'outer: while i < words.len() {
            let most = self.longest.min(words.len() - i);
            for n in (1..=most).rev() {
                if let Some(v) = self.map.get(&words[i..i + n]) {
                    out.extend(v.iter().cloned());
                    changed = true;
                    i += n;
                    continue 'outer;
                }
            }
            out.push(words[i].clone());
            i += 1;
        }
        changed.then_some(out)
    }
}

/// At most 60 chars of a bad line, for a readable message.
fn clip(s: &str) -> String {
    let mut c: String = s.trim().chars().take(60).collect();
    if c.len() < s.trim().len() {
        c.push('…');
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(text: &str, query: &str, expect: Expect) {
        let (a, diags) = Aliases::parse("aliases.txt", text);
        let mut out = String::new();
        for d in &diags {
            out.push_str(&format!("{d}\n"));
        }
        let q = tokens(query);
        out.push_str(&format!(
            "{} aliases; {query:?} -> {:?}",
            a.len(),
            a.expand(&q)
        ));
        expect.assert_eq(&out);
    }

    #[test]
    fn parses_and_expands() {
        check(
            "# comment\nk8s = Kubernetes\n\nGCP=Google Cloud\nci cd = continuous integration\n",
            "K8s on gcp, CI/CD",
            expect![[
                r#"3 aliases; "K8s on gcp, CI/CD" -> Some(["kubernetes", "on", "google", "cloud", "continuous", "integration"])"#
            ]],
        );
        check(
            "k8s = Kubernetes",
            "docker",
            expect![[r#"1 aliases; "docker" -> None"#]],
        );
    }

    #[test]
    fn reports_bad_lines() {
        check(
            "k8s Kubernetes\n = nothing\nml =\n🚀 = rocket\nk8s = Kubernetes\nK8S = kube\nx = x\na b c d e = f\n",
            "k8s",
            expect![[r#"
                aliases.txt:1: error: expected `alias = expansion`, found `k8s Kubernetes`
                aliases.txt:2: error: the alias before `=` has no words
                aliases.txt:3: error: alias `ml` has no expansion after `=`
                aliases.txt:4: error: the alias before `=` has no words
                aliases.txt:6: warning: alias `k8s` is already defined on line 5; this one is ignored
                aliases.txt:7: warning: alias `x` expands to itself; ignored
                aliases.txt:8: error: alias `a b c d e` is longer than 4 words
                1 aliases; "k8s" -> Some(["kubernetes"])"#]],
        );
    }

    #[test]
    fn builtin_file_is_clean() {
        let (a, diags) = Aliases::parse("data/aliases.txt", BUILTIN);
        assert!(diags.is_empty(), "{diags:?}");
        for (alias, want) in [
            ("k8s", "kubernetes"),
            ("gcp", "google cloud"),
            ("iac", "infrastructure as code"),
        ] {
            assert_eq!(a.get(alias).as_deref(), Some(want));
        }
    }
}
