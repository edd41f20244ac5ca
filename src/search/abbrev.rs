//! PURE. Abbreviations the site defines itself, mined when the index is built: a name followed
//! by its initials in parentheses ("Certified Kubernetes Administrator (CKA)", "Infrastructure
//! as Code (IaC)", "Large Language Models (LLMs)"), an exam code after its name ("Microsoft
//! Azure Administrator (AZ-104)"), and the initials of a two-part camel-case name
//! (TypeScript -> ts). Each becomes an alias both ways, so `cka` finds a page that only says
//! "Certified Kubernetes Administrator" and the other way round.

use super::text::{is_function_word, is_stop_word, tokens};
use super::Aliases;

/// Longest name an abbreviation may stand for, in words.
const MAX_NAME_WORDS: usize = 7;
/// Texts read, at most: mining stays bounded on a hostile site.
const MAX_PAIRS: usize = 20_000;

/// The abbreviations of `texts`, as aliases both ways.
pub fn mine<'a>(texts: impl Iterator<Item = &'a str>) -> Aliases {
    let mut out = Aliases::default();
    let mut n = 0;
    for text in texts {
        for (short, long) in pairs(text) {
            out.insert(short.clone(), long.clone());
            out.insert(long, short);
            n += 1;
        }
        if n >= MAX_PAIRS {
            break;
        }
    }
    out
}

/// `(abbreviation, name)` pairs of one text.
fn pairs(text: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut before_end = 0usize;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else {
            break;
        };
        let abs_open = text.len() - rest.len() + open;
        let before = tokens(&text[before_end..abs_open]);
        for part in rest[open + 1..close].split([',', ';', '/']) {
            if let Some(p) = pair(part.trim(), &before) {
                out.push(p);
            }
        }
        before_end = text.len() - rest.len() + close + 1;
        rest = &rest[close + 1..];
    }
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if let Some(p) = camel_initials(word) {
            out.push(p);
        }
    }
    out
}

fn pair(part: &str, before: &[String]) -> Option<(Vec<String>, Vec<String>)> {
    if part.is_empty() || part.chars().count() > 12 || before.is_empty() {
        return None;
    }
    let short = tokens(part);
    let has_digit = part.chars().any(|c| c.is_ascii_digit());
    let starts_alpha = part.chars().next().is_some_and(char::is_alphabetic);
    if has_digit {
        // An exam or standard code: the name is the words before it.
        if !starts_alpha || short.is_empty() || part.contains(' ') && short.len() > 3 {
            return None;
        }
        let from = before.len().saturating_sub(MAX_NAME_WORDS);
        let name: Vec<String> = before[from..]
            .iter()
            .skip_while(|w| is_function_word(w))
            .cloned()
            .collect();
        return (!name.is_empty()).then_some((short, name));
    }
    if part.contains(' ') {
        return None;
    }
    let letters: String = part
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if letters.chars().count() < 2 {
        return None;
    }
    let plural = letters.strip_suffix('s').filter(|l| l.chars().count() >= 2);
    for want in std::iter::once(letters.as_str()).chain(plural) {
        let n = want.chars().count();
        for k in 1..=before.len().min(n + 3) {
            let window = &before[before.len() - k..];
            if is_stop_word(&window[0]) {
                continue;
            }
            let all: String = window.iter().filter_map(|w| w.chars().next()).collect();
            let content: String = window
                .iter()
                .filter(|w| !is_stop_word(w))
                .filter_map(|w| w.chars().next())
                .collect();
            if all == want || content == want {
                return Some((short, window.to_vec()));
            }
        }
    }
    None
}

/// `TypeScript` -> (ts, typescript): a word of exactly two capitalised parts of three or more
/// letters each, when the initials are no function word (`DevOps` would give `do`).
fn camel_initials(word: &str) -> Option<(Vec<String>, Vec<String>)> {
    let cs: Vec<char> = word.chars().collect();
    let caps: Vec<usize> = (0..cs.len()).filter(|&i| cs[i].is_uppercase()).collect();
    if caps.len() != 2 || caps[0] != 0 || caps[1] < 3 || cs.len() - caps[1] < 3 {
        return None;
    }
    if !cs.iter().all(|c| c.is_alphabetic()) {
        return None;
    }
    let short: String = [cs[0], cs[caps[1]]]
        .iter()
        .flat_map(|c| c.to_lowercase())
        .collect();
    if is_function_word(&short) {
        return None;
    }
    Some((vec![short], vec![word.to_lowercase()]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    #[test]
    fn mines_names_codes_and_initials() {
        let got: Vec<String> = [
            "Certified Kubernetes Administrator (CKA)",
            "Infrastructure as Code (IaC)",
            "Governance, Risk and Compliance (GRC)",
            "Large Language Models (LLMs)",
            "Microsoft Azure Administrator (AZ-104)",
            "Weights & Biases (W&B)",
            "Service Mesh (Istio, Linkerd)",
            "kind (Kubernetes in Docker)",
            "Learn TypeScript and DevOps (Ongoing)",
        ]
        .iter()
        .flat_map(|t| pairs(t))
        .map(|(a, b)| format!("{} = {}", a.join(" "), b.join(" ")))
        .collect();
        expect![[r#"
            cka = certified kubernetes administrator
            iac = infrastructure as code
            grc = governance risk and compliance
            llms = large language models
            az 104 = microsoft azure administrator
            w b = weights biases
            ts = typescript"#]]
        .assert_eq(&got.join("\n"));
    }
}
