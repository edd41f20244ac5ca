//! A folder's `_category_.json` or `_category_.yml`/`.yaml`: `label`, `position` (a number, or
//! a numeric string as Docusaurus accepts), `description` and `link.description`. JSON goes
//! through serde_json; the YAML form is read by hand for these few keys (`key: value` lines and
//! one nested `link:` block), the same way front matter is, so no YAML crate is needed. A file
//! that can't be read is one warning naming it, and the folder name is used: never an error.

use crate::curriculum::frontmatter::unquote;

/// What a category file says, as far as tracks need it.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct Category {
    pub label: Option<String>,
    pub position: Option<f64>,
    pub description: Option<String>,
}

/// The message for a category file that can't be used, ending with what is used instead.
pub fn unusable(file: &str, why: &str) -> String {
    format!("`{file}` {why}; the folder name is used instead")
}

/// Reads `text` from the category file named `file`. `Err` is the warning's message.
pub(super) fn read(file: &str, text: &str) -> Result<Category, String> {
    if file.ends_with(".json") {
        read_json(text).map_err(|e| unusable(file, &format!("is not valid JSON ({e})")))
    } else {
        Ok(read_yaml(text))
    }
}

fn read_json(text: &str) -> Result<Category, serde_json::Error> {
    let v: serde_json::Value = serde_json::from_str(text)?;
    let s = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_owned);
    let position = match v.get("position") {
        Some(serde_json::Value::Number(n)) => n.as_f64(),
        Some(serde_json::Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    };
    let link = v.get("link");
    Ok(Category {
        label: s(v.get("label")),
        position: position.filter(|p: &f64| p.is_finite()),
        description: s(v.get("description")).or_else(|| s(link.and_then(|l| l.get("description")))),
    })
}

fn read_yaml(text: &str) -> Category {
    let mut c = Category::default();
    let mut link_description = None;
    let mut in_link = false;
    for line in text.lines() {
        let body = line.split(" #").next().unwrap_or("").trim_end();
        let indented = body.starts_with([' ', '\t']);
        let Some((key, value)) = body.trim().split_once(':') else {
            continue;
        };
        let value = unquote(value.trim());
        if !indented {
            in_link = key == "link";
        }
        match (indented, key.trim()) {
            (false, "label") if !value.is_empty() => c.label = Some(value.to_string()),
            (false, "position") => c.position = value.parse().ok().filter(|p: &f64| p.is_finite()),
            (false, "description") if !value.is_empty() => c.description = Some(value.to_string()),
            (true, "description") if in_link && !value.is_empty() => {
                link_description = Some(value.to_string());
            }
            _ => {}
        }
    }
    c.description = c.description.or(link_description);
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_give_the_same_category() {
        let json = r#"{ "label": "Ops", "position": "5", "link": { "type": "generated-index", "description": "Run things" } }"#;
        let yaml = "label: 'Ops'\nposition: 5 # fifth\nlink:\n  type: generated-index\n  description: \"Run things\"\n";
        let want = Category {
            label: Some("Ops".into()),
            position: Some(5.0),
            description: Some("Run things".into()),
        };
        assert_eq!(read("_category_.json", json).unwrap(), want);
        assert_eq!(read("_category_.yml", yaml).unwrap(), want);
        let bad = read("_category_.json", "{ \"label\": oops }").unwrap_err();
        assert!(
            bad.contains("not valid JSON") && bad.contains("folder name"),
            "{bad}"
        );
        let odd = read("_category_.json", r#"{"label": 3, "position": "x"}"#).unwrap();
        assert_eq!(odd, Category::default());
    }
}
