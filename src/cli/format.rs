//! How `check` prints its diagnostics: human text (the default), GitHub Actions workflow
//! annotations (`::error file=…,line=…::…`, escaped by GitHub's rules) or JSON.

use crate::curriculum::{Diagnostic, Severity};

/// `check --format`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    #[default]
    Text,
    Github,
    Json,
}

/// The message part of a workflow command: `%`, CR and LF escaped.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value of a workflow command: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// One diagnostic as a GitHub Actions annotation (a note becomes `::notice`).
pub fn annotation(d: &Diagnostic) -> String {
    let level = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    format!(
        "::{level} file={},line={}::{}",
        escape_property(&d.origin.file),
        d.origin.line,
        escape_data(&d.message)
    )
}

/// The whole report as one JSON document.
pub fn json_report(
    diags: &[Diagnostic],
    tracks: &[String],
    summary: &str,
    ok: bool,
) -> serde_json::Value {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    serde_json::json!({
        "ok": ok,
        "errors": count(Severity::Error),
        "warnings": count(Severity::Warning),
        "summary": summary,
        "tracks": tracks,
        "diagnostics": diags.iter().map(|d| serde_json::json!({
            "file": d.origin.file,
            "line": d.origin.line,
            "severity": d.severity,
            "message": d.message,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_githubs_rules() {
        assert_eq!(
            escape_data("50% done\r\nnext: a,b"),
            "50%25 done%0D%0Anext: a,b"
        );
        assert_eq!(escape_property("C:/a,b%\n"), "C%3A/a%2Cb%25%0A");
        let d = Diagnostic::error("docs/a,b:c.md", 7, "bad 100%\nline");
        assert_eq!(
            annotation(&d),
            "::error file=docs/a%2Cb%3Ac.md,line=7::bad 100%25%0Aline"
        );
    }
}
