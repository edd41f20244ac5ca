//! PURE. Text normalization shared by the index, the aliases and the queries: lowercase word
//! tokens, a character-set mask for cheap typo filtering, and the typo budget per word length.

/// Longest token kept, in chars. Longer runs (a 6000-char paste) are cut, so work stays bounded.
pub const MAX_TOKEN_CHARS: usize = 48;

/// Splits `text` into lowercase word tokens: runs of alphanumeric chars, keeping a trailing `+`
/// or `#` run (`C++`, `C#`). Everything else separates words. Never fails, whatever the input.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_chars = 0usize;
    let mut in_suffix = false;
    for c in text.chars() {
        if c.is_alphanumeric() && !in_suffix {
            if cur_chars < MAX_TOKEN_CHARS {
                cur.extend(c.to_lowercase());
                cur_chars += 1;
            }
        } else if (c == '+' || c == '#') && !cur.is_empty() {
            if cur_chars < MAX_TOKEN_CHARS {
                cur.push(c);
                cur_chars += 1;
            }
            in_suffix = true;
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            cur_chars = 0;
            in_suffix = false;
            if c.is_alphanumeric() {
                cur.extend(c.to_lowercase());
                cur_chars = 1;
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A 64-bit set of the chars in `word`: a-z and 0-9 get their own bit, anything else shares the
/// rest by code point. One edit changes at most two bits, so words within edit distance `k`
/// differ in at most `2k` bits: a filter that never drops a true match.
pub fn char_mask(word: &str) -> u64 {
    word.chars().fold(0u64, |m, c| {
        let bit = match c {
            'a'..='z' => c as u32 - 'a' as u32,
            '0'..='9' => 26 + c as u32 - '0' as u32,
            _ => 36 + (c as u32) % 28,
        };
        m | (1u64 << bit)
    })
}

/// How many edits a query word of `len` chars may carry and still match: none up to 3 chars
/// (`ml`, `aws`, `2`), one up to 6 (`dockr`, `dokcer`), two from 7 (`kubeflw`, `sagemkr`).
pub fn typo_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=6 => 1,
        _ => 2,
    }
}

/// Words that carry little meaning in a query or a title; they count for less in the ranking.
pub fn is_stop_word(word: &str) -> bool {
    matches!(
        word,
        "a" | "an"
            | "and"
            | "as"
            | "at"
            | "by"
            | "for"
            | "from"
            | "how"
            | "in"
            | "into"
            | "is"
            | "it"
            | "of"
            | "on"
            | "or"
            | "the"
            | "to"
            | "what"
            | "with"
            | "your"
            | "www"
            | "com"
            | "org"
            | "io"
            | "html"
            | "http"
            | "https"
    )
}

/// Function words of a question (`how do i monitor my cluster`): the ranking leaves them out when
/// the query has other words, so the specific word decides. A superset of [`is_stop_word`].
pub fn is_function_word(word: &str) -> bool {
    is_stop_word(word)
        || matches!(
            word,
            "about"
                | "am"
                | "any"
                | "are"
                | "be"
                | "best"
                | "can"
                | "could"
                | "did"
                | "do"
                | "does"
                | "get"
                | "good"
                | "i"
                | "im"
                | "me"
                | "my"
                | "need"
                | "our"
                | "should"
                | "so"
                | "some"
                | "that"
                | "their"
                | "there"
                | "this"
                | "up"
                | "want"
                | "was"
                | "we"
                | "when"
                | "where"
                | "which"
                | "who"
                | "why"
                | "will"
                | "would"
                | "you"
        )
}

/// The English (Snowball) stem of a lowercase word: `monitoring` and `monitors` -> `monitor`,
/// `models` -> `model`. Words with digits or symbols (`c++`, `az`, `104`) and words of three
/// letters or fewer are kept whole: stemming them only merges unrelated names.
pub fn stem(word: &str) -> std::borrow::Cow<'_, str> {
    if word.len() < 4 || !word.bytes().all(|b| b.is_ascii_lowercase()) {
        return std::borrow::Cow::Borrowed(word);
    }
    rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English).stem(word)
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::{expect, Expect};

    fn check(input: &str, expect: Expect) {
        expect.assert_eq(&format!("{:?}", tokens(input)));
    }

    #[test]
    fn tokenizes() {
        check(
            "MLflow Documentation",
            expect![[r#"["mlflow", "documentation"]"#]],
        );
        check(
            "Month 2-3: Advanced",
            expect![[r#"["month", "2", "3", "advanced"]"#]],
        );
        check(
            "C++ & C# (r/MachineLearning)",
            expect![[r#"["c++", "c#", "r", "machinelearning"]"#]],
        );
        check(
            "🚀 Déploiement — ÜBER",
            expect![[r#"["déploiement", "über"]"#]],
        );
        check("a+b", expect![[r#"["a+", "b"]"#]]);
        check("++ ## !!", expect!["[]"]);
    }

    #[test]
    fn stems() {
        let st: Vec<String> = ["monitoring", "models", "engineers", "az", "c++", "docs"]
            .iter()
            .map(|w| stem(w).into_owned())
            .collect();
        expect![[r#"["monitor", "model", "engin", "az", "c++", "doc"]"#]]
            .assert_eq(&format!("{st:?}"));
    }

    #[test]
    fn long_runs_are_cut() {
        let t = tokens(&"x".repeat(6000));
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].chars().count(), MAX_TOKEN_CHARS);
    }

    #[test]
    fn mask_bounds_edit_distance() {
        let d = (char_mask("docker") ^ char_mask("dokcer")).count_ones();
        assert_eq!(d, 0);
        let d = (char_mask("docker") ^ char_mask("dockr")).count_ones();
        assert!(d <= 2, "{d}");
        let d = (char_mask("kubeflow") ^ char_mask("terraform")).count_ones();
        assert!(d > 4, "{d}");
    }
}
