//! MDX and Docusaurus syntax that is not content: `import`/`export` lines, JSX tags on lines of
//! their own (`<Tabs>`, `<TabItem value="a">`, `</Tabs>`, multi-line `<Card … />`), `{/* … */}`
//! comments and `:::tip` admonition fences. They are blanked (line numbers kept), so they never
//! leak into items or sections; the Markdown between JSX tags stays content.

use std::borrow::Cow;

/// The page with non-content lines replaced by empty lines. Linear; borrows when nothing changes.
pub fn strip(text: &str) -> Cow<'_, str> {
    let suspicious = text.contains(":::")
        || text.contains("import ")
        || text.contains("export ")
        || text.contains('<')
        || text.contains("{/*");
    if !suspicious {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    let mut in_fence: Option<&str> = None;
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let t = body.trim_start();
        if let Some(f) = in_fence {
            if t.starts_with(f) {
                in_fence = None;
            }
            out.push_str(line);
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = Some(&t[..3]);
            out.push_str(line);
            continue;
        }
        let drop = if in_tag {
            if t.ends_with('>') {
                in_tag = false;
            }
            true
        } else if is_jsx_line(t) {
            in_tag = !t.ends_with('>');
            true
        } else {
            t.starts_with(":::")
                || (body == t && (t.starts_with("import ") || t.starts_with("export ")))
                || (t.starts_with("{/*") && t.ends_with("*/}"))
        };
        if drop {
            changed = true;
            out.push_str(&line[body.len()..]);
        } else {
            out.push_str(line);
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    }
}

/// `<Tabs>`, `</TabItem>`, `<Card title="x"`, `<>`: a JSX element (capitalised) or fragment.
fn is_jsx_line(t: &str) -> bool {
    let Some(rest) = t.strip_prefix('<') else {
        return false;
    };
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    rest.starts_with('>') || rest.starts_with(|c: char| c.is_ascii_uppercase())
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
}
