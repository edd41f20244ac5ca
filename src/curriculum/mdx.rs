//! MDX and Docusaurus syntax that is not content: `import`/`export` lines (multi-line ones too),
//! JSX tags wherever they are (`<Tabs>`, `<TabItem value="a">`, `</Tabs>`, a multi-line
//! `<Card … />`, or `<Highlight color="#25c2a0">green</Highlight>` inside a sentence),
//! `{/* … */}` comments and `:::tip` admonition fences. Only the syntax is removed: the text
//! between and after tags stays content, and line breaks are kept so line numbers hold. Code
//! (fenced blocks and `` `inline` `` spans) is left alone. Linear: a tag that never closes is
//! text, and the look-ahead spent on such tags is bounded by the page's length.

use std::borrow::Cow;

/// The longest JSX tag (attributes included) looked for; a longer one is left as text.
const MAX_TAG: usize = 16 * 1024;

/// The page with non-content syntax removed (line breaks kept). Borrows when nothing changes.
pub fn strip(text: &str) -> Cow<'_, str> {
    let suspicious = text.contains(":::")
        || text.contains("import ")
        || text.contains("export ")
        || text.contains('<')
        || text.contains("{/*");
    if !suspicious {
        return Cow::Borrowed(text);
    }
    let mut s = Stripper {
        text,
        out: String::with_capacity(text.len()),
        budget: text.len().saturating_mul(4) + MAX_TAG,
        comments: true,
        changed: false,
    };
    s.run();
    if s.changed {
        Cow::Owned(s.out)
    } else {
        Cow::Borrowed(text)
    }
}

struct Stripper<'a> {
    text: &'a str,
    out: String,
    /// Bytes the tag look-ahead may still scan (keeps hostile input linear).
    budget: usize,
    /// Whether a `*/}` may still close a `{/*` comment.
    comments: bool,
    changed: bool,
}

/// One past the end of the line holding `at` (its `\n` included).
fn line_end(text: &str, at: usize) -> usize {
    text[at..].find('\n').map_or(text.len(), |i| at + i + 1)
}

impl Stripper<'_> {
    fn run(&mut self) {
        let text = self.text;
        let mut fence: Option<(u8, usize)> = None;
        let mut in_import = false;
        let mut at = 0;
        while at < text.len() {
            let end = line_end(text, at);
            let line = &text[at..end];
            let body = line.trim_end_matches(['\n', '\r']);
            let t = body.trim_start();
            if let Some((c, n)) = fence {
                if t.bytes().take_while(|&b| b == c).count() >= n
                    && t.trim_start_matches(c as char).trim().is_empty()
                {
                    fence = None;
                }
                self.out.push_str(line);
                at = end;
                continue;
            }
            if let Some(c) = t.bytes().next().filter(|&b| b == b'`' || b == b'~') {
                let n = t.bytes().take_while(|&b| b == c).count();
                if n >= 3 {
                    fence = Some((c, n));
                    self.out.push_str(line);
                    at = end;
                    continue;
                }
            }
            let top = body.len() == t.len();
            if in_import {
                in_import = !(t.contains('}') || t.ends_with(';'));
                self.blank(line, body);
            } else if top && (t.starts_with("import ") || t.starts_with("export ")) {
                // `import {\n  A,\n  B,\n} from 'x';` spans lines until its `}`.
                in_import = t.contains('{') && !t.contains('}');
                self.blank(line, body);
            } else if t.starts_with(":::") {
                self.blank(line, body);
            } else {
                at = self.inline(at, end);
                continue;
            }
            at = end;
        }
    }

    /// Drops a whole line's text, keeping its line break.
    fn blank(&mut self, line: &str, body: &str) {
        self.changed = true;
        self.out.push_str(&line[body.len()..]);
    }

    /// Copies text from `at` to the end of its line, removing JSX tags and `{/* */}` comments
    /// (which may run over later lines). Returns where the next line starts.
    fn inline(&mut self, mut at: usize, mut end: usize) -> usize {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut copied = at;
        while at < end {
            match bytes[at] {
                b'`' => {
                    // A code span: copied as it is when it closes on this line.
                    let n = bytes[at..end].iter().take_while(|&&b| b == b'`').count();
                    let run = &text[at..at + n];
                    let after = at + n;
                    at = match text[after..end].find(run) {
                        Some(i) => after + i + n,
                        None => after,
                    };
                }
                b'<' => match self.tag_end(at) {
                    Some(close) => {
                        self.out.push_str(&text[copied..at]);
                        self.removed(at, close);
                        (at, copied) = (close, close);
                        end = end.max(line_end(text, at));
                    }
                    None => at += 1,
                },
                b'{' if self.comments && text[at..].starts_with("{/*") => {
                    match text[at..].find("*/}") {
                        Some(i) => {
                            let close = at + i + 3;
                            self.out.push_str(&text[copied..at]);
                            self.removed(at, close);
                            (at, copied) = (close, close);
                            end = end.max(line_end(text, at));
                        }
                        None => {
                            // No comment closes after here, so none after any later `{/*`.
                            self.comments = false;
                            at += 1;
                        }
                    }
                }
                _ => at += 1,
            }
        }
        self.out.push_str(&text[copied..end]);
        end
    }

    /// Records that `from..to` was removed: only its line breaks are kept.
    fn removed(&mut self, from: usize, to: usize) {
        self.changed = true;
        for _ in self.text[from..to].matches('\n') {
            self.out.push('\n');
        }
    }

    /// Where the JSX tag starting at `at` (a `<`) ends, one past its `>`: `<Name …>`, `</Name>`,
    /// `<Name … />`, `<>` or `</>`. `None` when it is not a tag (`a < b`, `<https://x>`, an
    /// HTML tag, or a tag that does not close before a blank line, the end or [`MAX_TAG`]).
    fn tag_end(&mut self, at: usize) -> Option<usize> {
        let b = self.text.as_bytes();
        let mut i = at + 1;
        if b.get(i) == Some(&b'/') {
            i += 1;
        }
        match b.get(i) {
            Some(b'>') => return Some(i + 1),
            Some(c) if c.is_ascii_uppercase() => {}
            _ => return None,
        }
        if self.budget == 0 {
            return None;
        }
        let limit = b.len().min(at + MAX_TAG).min(i + self.budget);
        let found = scan_tag(b, i, limit);
        self.budget = self.budget.saturating_sub(found.unwrap_or(limit) - i);
        found
    }
}

/// From just after `<Name`'s first letter: the tag's name, attributes (`a`, `a="x"`, `a='x'`,
/// `a={…}` with nested braces and strings, `{...spread}`) and its closing `>` or `/>`.
fn scan_tag(b: &[u8], mut i: usize, limit: usize) -> Option<usize> {
    let name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'-');
    while i < limit && name(b[i]) {
        i += 1;
    }
    let mut newline = false;
    while i < limit {
        let c = b[i];
        match c {
            b'>' => return Some(i + 1),
            b'/' if b.get(i + 1) == Some(&b'>') => return Some(i + 2),
            b'\n' if newline => return None,
            b'\n' => {
                newline = true;
                i += 1;
                continue;
            }
            b'"' | b'\'' => i = skip_string(b, i, limit)?,
            b'{' => i = skip_braces(b, i, limit)?,
            b'=' => i += 1,
            c if c.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            c if name(c) => {
                while i < limit && name(b[i]) {
                    i += 1;
                }
            }
            _ => return None,
        }
        newline = false;
    }
    None
}

/// Past the string opened at `i`; strings do not cross a blank line.
fn skip_string(b: &[u8], i: usize, limit: usize) -> Option<usize> {
    let q = b[i];
    let mut j = i + 1;
    while j < limit {
        match b[j] {
            c if c == q => return Some(j + 1),
            b'\\' => j += 2,
            b'\n' if b.get(j + 1) == Some(&b'\n') => return None,
            _ => j += 1,
        }
    }
    None
}

/// Past the `{…}` expression opened at `i` (nested braces and strings skipped).
fn skip_braces(b: &[u8], i: usize, limit: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut j = i;
    while j < limit {
        match b[j] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(j + 1);
                }
            }
            b'"' | b'\'' | b'`' => {
                j = skip_string(b, j, limit)?;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_mdx_syntax_and_keeps_lines() {
        let page = "import Tabs from '@theme/Tabs';\n\n# T\n\n<Tabs>\n<TabItem value=\"a\">\n\n- kept\n\n</TabItem>\n</Tabs>\n\n:::tip Remember\n- tip item\n:::\n<Card\n  title=\"x\"\n/>\n```\n<Code>\n```\n";
        let out = strip(page);
        assert_eq!(out.lines().count(), page.lines().count());
        assert!(!out.contains("import") && !out.contains(":::") && !out.contains("<Tabs"));
        assert!(!out.contains("title=") && out.contains("- kept") && out.contains("- tip item"));
        assert!(out.contains("<Code>"), "code blocks are left alone");
        assert!(matches!(strip("# plain\n- a < b\n"), Cow::Borrowed(_)));
    }

    /// Issue 17 item 4: inline JSX keeps the text between and after its tags, and every later line.
    #[test]
    fn inline_jsx_keeps_the_text_around_it() {
        let page = "<Highlight color=\"#25c2a0\">green</Highlight> and <Highlight color=\"#1877F2\">blue</Highlight> are my favorite colors.\n\n- **Next**\n  - still here\n";
        let out = strip(page);
        assert_eq!(
            out,
            "green and blue are my favorite colors.\n\n- **Next**\n  - still here\n"
        );
        let tricky =
            "a `<Code>` span, <Badge text={\"x > y\"} n={{a: 1}} /> and {/* gone */} text\n";
        assert_eq!(strip(tricky), "a `<Code>` span,  and  text\n");
        let multi = "<Card\n  title=\"x > y\"\n  body={`\nmulti`}\n/>after\nnext\n";
        assert_eq!(strip(multi), "\n\n\n\nafter\nnext\n");
        let imports = "import {\n  A,\n  B,\n} from 'x';\n- item\n";
        assert_eq!(strip(imports), "\n\n\n\n- item\n");
        // Not tags: comparisons, autolinks, HTML, a tag that never closes.
        for keep in [
            "a < b and c > d\n",
            "<https://x.org>\n",
            "<div>x</div>\n",
            "<Open\n\nrest\n",
        ] {
            assert_eq!(strip(keep), keep);
        }
    }

    /// Hostile input: thousands of unclosed tags and braces stay linear and lose no text.
    #[test]
    fn unclosed_tags_are_text_and_linear() {
        for unit in ["<A {", "<A x=\"", "<A ", "{/*", "<A b={'}'"] {
            let page = format!("{}\nlast line\n", unit.repeat(50_000));
            let out = strip(&page);
            assert!(out.ends_with("last line\n"), "{unit}");
            assert_eq!(out.lines().count(), page.lines().count(), "{unit}");
        }
        let many = "<B>x</B> ".repeat(20_000);
        assert_eq!(strip(&many).trim(), "x ".repeat(20_000).trim());
    }
}
