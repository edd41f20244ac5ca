//! Helpers of the spec checks: the spec's known errata, readable lines for schema errors, query
//! values typed by their schema, and the JSON part of multipart bodies.

use serde_json::{json, Value};

/// Permission bitfields a request may send as a decimal string, as Discord documents them and
/// as serenity sends them, although the spec types them as integers in requests.
const STRING_BITFIELDS: [&str; 4] = ["default_member_permissions", "permissions", "allow", "deny"];

/// Known errata of the spec, where Discord accepts more than it describes: each listed bitfield
/// property typed `integer` is widened to also take a string of digits.
pub fn apply_errata(schemas: &mut Value) {
    let Some(schemas) = schemas.as_object_mut() else {
        return;
    };
    for schema in schemas.values_mut() {
        let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
            continue;
        };
        for name in STRING_BITFIELDS {
            let Some(prop) = props.get_mut(name) else {
                continue;
            };
            let integer = match &prop["type"] {
                Value::String(t) => t == "integer",
                Value::Array(ts) => ts.iter().any(|t| t == "integer"),
                _ => false,
            };
            if integer {
                let digits = json!({"type": "string", "pattern": "^[0-9]{1,20}$"});
                *prop = json!({"anyOf": [prop.clone(), digits]});
            }
        }
    }
}

/// One line per error. A failed `anyOf`/`oneOf` is explained by its closest branch: the one
/// that fails fewest times without failing on the value's own type or enum. Long values are
/// masked so that lines stay readable.
pub fn explain(e: &jsonschema::ValidationError<'_>, what: &str, out: &mut Vec<String>) {
    use jsonschema::error::ValidationErrorKind as K;
    let here = e.instance_path().as_str();
    if let K::AnyOf { context } | K::OneOfNotValid { context } = e.kind() {
        let misfit = |branch: &Vec<jsonschema::ValidationError<'static>>| {
            branch.iter().any(|b| {
                b.instance_path().as_str() == here
                    && matches!(
                        b.kind(),
                        K::Type { .. } | K::Enum { .. } | K::Constant { .. }
                    )
            })
        };
        let best = context
            .iter()
            .filter(|b| !b.is_empty() && !misfit(b))
            .min_by_key(|b| b.iter().map(weight).sum::<usize>());
        if let Some(branch) = best {
            for inner in branch.iter().take(4) {
                explain(inner, what, out);
            }
            return;
        }
    }
    let line = match e.instance().to_string().len() <= 60 {
        true => format!("{what} at `{here}`: {e}"),
        false => format!("{what} at `{here}`: {}", e.masked()),
    };
    out.push(line);
}

/// How many lines `explain` would give for an error.
fn weight(e: &jsonschema::ValidationError<'_>) -> usize {
    let mut lines = Vec::new();
    explain(e, "", &mut lines);
    lines.len()
}

/// Interprets a raw query value by the declared schema type (booleans, integers), so that the
/// string `true` is checked as the boolean it stands for.
pub fn query_value(schema: Option<&Value>, raw: &str) -> Value {
    let kind = schema.and_then(|s| s["type"].as_str()).unwrap_or("string");
    match kind {
        "boolean" => match raw {
            "true" | "True" | "1" => Value::Bool(true),
            "false" | "False" | "0" => Value::Bool(false),
            _ => Value::String(raw.to_owned()),
        },
        "integer" => raw
            .parse::<i64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::String(raw.to_owned())),
        _ => Value::String(raw.to_owned()),
    }
}

/// Extracts the `payload_json` part of a multipart/form-data body, if any.
pub fn multipart_payload_json(content_type: &str, body: &[u8]) -> Option<String> {
    let boundary = content_type.split("boundary=").nth(1)?.trim_matches('"');
    let text = String::from_utf8_lossy(body);
    let delimiter = format!("--{boundary}");
    text.split(delimiter.as_str())
        .filter(|part| part.contains("name=\"payload_json\""))
        .find_map(|part| {
            let (_, content) = part.split_once("\r\n\r\n")?;
            Some(content.trim_end_matches("\r\n").to_owned())
        })
}
