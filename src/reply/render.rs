//! A response as readable plain text, for `curriculum-bot ask` without `--json`.

use super::message::{Message, Response};
use std::fmt::Write;

pub fn text(r: &Response) -> String {
    let mut s = String::new();
    match r {
        Response::Pong => s.push_str("PONG\n"),
        Response::Message(m) | Response::Update(m) => message(&mut s, m),
        Response::Autocomplete { choices } => {
            for c in choices {
                let _ = writeln!(s, "- {} ({})", c.name, c.value);
            }
        }
    }
    s
}

fn message(s: &mut String, m: &Message) {
    if m.is_ephemeral() {
        s.push_str("(only you can see this)\n");
    }
    if let Some(c) = &m.content {
        let _ = writeln!(s, "{c}");
    }
    for e in &m.embeds {
        s.push('\n');
        match (&e.title, &e.url) {
            (Some(t), Some(u)) => {
                let _ = writeln!(s, "## {t}\n   {u}");
            }
            (Some(t), None) => {
                let _ = writeln!(s, "## {t}");
            }
            _ => {}
        }
        if let Some(d) = &e.description {
            for line in d.lines() {
                let _ = writeln!(s, "   {line}");
            }
            // Blank lines carry no indent, so snapshots have no trailing spaces.
            *s = s.replace("   \n", "\n");
        }
        for f in &e.fields {
            let _ = writeln!(s, "   {}:", f.name);
            for line in f.value.lines() {
                let _ = writeln!(s, "     {line}");
            }
        }
        if let Some(f) = &e.footer {
            let _ = writeln!(s, "   — {}", f.text);
        }
        if let Some(i) = &e.image {
            let _ = writeln!(s, "   [image: {}]", i.url);
        }
    }
    for f in &m.files {
        let _ = writeln!(s, "   (attached: {})", f.name);
    }
    let buttons: Vec<String> = m
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .map(|b| {
            if b.kind == 3 {
                let opts: Vec<&str> = b.options.iter().map(|o| o.label.as_str()).collect();
                return format!(
                    "<{}: {}>",
                    b.placeholder.as_deref().unwrap_or("select"),
                    opts.join(" | ")
                );
            }
            let label = b.label.clone().unwrap_or_default();
            if b.disabled == Some(true) {
                format!("({label})")
            } else {
                format!("[{label}]")
            }
        })
        .collect();
    if !buttons.is_empty() {
        let _ = writeln!(s, "\n{}", buttons.join(" "));
    }
}
