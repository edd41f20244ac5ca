//! Discord's OpenAPI description as the contract: route matching and JSON Schema 2020-12 checks.
//!
//! The spec is loaded once per process. A request is matched to an operation by method and
//! templated path (a literal segment beats a `{param}` one, so `/messages/@original` is not taken
//! for `/messages/{message_id}`), then its path parameters, query string and JSON body are checked
//! against the operation. Schemas are compiled lazily, one validator per JSON pointer, with the
//! spec's `components` carried along so that `#/components/schemas/...` references resolve.
//!
//! Errata: the spec types permission bitfields in requests (`default_member_permissions`,
//! `permissions`, `allow`, `deny`) as integers, while Discord documents and accepts decimal
//! strings, which is what serenity sends; those properties also accept a string of digits.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};

pub use super::spec_util::multipart_payload_json;
use super::spec_util::{apply_errata, explain, query_value};

/// Discord's OpenAPI description, pinned in the repository (source commit in its README).
pub const SPEC_PATH: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/discord-api-spec/openapi.json"
);

/// The loaded spec. A missing or unparsable file panics: every test that talks to the fake
/// fails then, none skips.
pub fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC_PATH)
            .unwrap_or_else(|e| panic!("Discord's OpenAPI spec: cannot read {SPEC_PATH}: {e}"));
        let doc: Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("Discord's OpenAPI spec: {SPEC_PATH} is not JSON: {e}"));
        assert!(
            doc["paths"].as_object().is_some_and(|p| !p.is_empty()),
            "Discord's OpenAPI spec: {SPEC_PATH} has no `paths`"
        );
        Spec::new(doc)
    })
}

/// A parsed OpenAPI document with a cache of compiled validators.
pub struct Spec {
    doc: Value,
    routes: Vec<Template>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

struct Template {
    text: String,
    segments: Vec<String>,
}

/// The operation a request was matched to.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The spec's path template, e.g. `/channels/{channel_id}/messages`.
    pub template: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// The spec's `operationId`, e.g. `create_message`.
    pub operation_id: String,
    /// Path parameters by name, as they appeared in the request.
    pub params: HashMap<String, String>,
}

/// Outcome of matching a request against the spec's paths.
#[derive(Debug)]
pub enum RouteMatch {
    Found(Operation),
    /// The path exists but not with this method.
    MethodNotAllowed(String),
    NotFound,
}

impl Spec {
    fn new(mut doc: Value) -> Spec {
        if let Some(schemas) = doc.pointer_mut("/components/schemas") {
            apply_errata(schemas);
        }
        let routes = doc["paths"]
            .as_object()
            .map(|paths| {
                paths
                    .keys()
                    .map(|text| Template {
                        text: text.clone(),
                        segments: split(text).map(str::to_owned).collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        Spec {
            doc,
            routes,
            validators: Mutex::new(HashMap::new()),
        }
    }

    /// Matches `method` and a path relative to `/api/v10` (e.g. `/channels/1/messages`).
    pub fn match_route(&self, method: &str, path: &str) -> RouteMatch {
        let segments: Vec<&str> = split(path).collect();
        let best = self
            .routes
            .iter()
            .filter(|t| t.segments.len() == segments.len())
            .filter(|t| {
                t.segments
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| is_param(t) || t == s)
            })
            // Literal segments win, position by position from the left.
            .max_by_key(|t| t.segments.iter().map(|s| !is_param(s)).collect::<Vec<_>>());
        let Some(template) = best else {
            return RouteMatch::NotFound;
        };
        let method = method.to_ascii_lowercase();
        let Some(op) = self.doc["paths"][&template.text].get(&method) else {
            return RouteMatch::MethodNotAllowed(template.text.clone());
        };
        let params = template
            .segments
            .iter()
            .zip(&segments)
            .filter(|(t, _)| is_param(t))
            .map(|(t, s)| (t[1..t.len() - 1].to_owned(), (*s).to_owned()))
            .collect();
        RouteMatch::Found(Operation {
            template: template.text.clone(),
            method,
            operation_id: op["operationId"].as_str().unwrap_or("?").to_owned(),
            params,
        })
    }

    fn op_pointer(op: &Operation) -> String {
        format!("/paths/{}/{}", escape(&op.template), op.method)
    }

    /// Checks path parameters, query parameters and the body of a request. Returns the
    /// problems found, each as one line.
    pub fn check_request(
        &self,
        op: &Operation,
        query: &str,
        content_type: &str,
        body: &[u8],
    ) -> Vec<String> {
        let mut problems = Vec::new();
        let declared = self.parameters(op);
        for (name, value) in &op.params {
            if let Some(ptr) = declared.get(&("path", name.clone())) {
                let v = Value::String(value.clone());
                problems.extend(self.check(&format!("{ptr}/schema"), &v, &format!("path {name}")));
            }
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(ptr) = declared.get(&("query", name.to_owned())) else {
                problems.push(format!(
                    "query parameter `{name}` is not declared by the operation"
                ));
                continue;
            };
            let v = query_value(self.resolve(&format!("{ptr}/schema")), value);
            problems.extend(self.check(&format!("{ptr}/schema"), &v, &format!("query {name}")));
        }
        problems.extend(self.check_body(op, content_type, body));
        problems
    }

    fn check_body(&self, op: &Operation, content_type: &str, body: &[u8]) -> Vec<String> {
        let ptr = format!("{}/requestBody", Self::op_pointer(op));
        let declared = self.resolve(&ptr);
        let required = declared.is_some_and(|b| b["required"] == json!(true));
        if body.is_empty() {
            return match required {
                true => vec!["the operation requires a request body, none was sent".into()],
                false => Vec::new(),
            };
        }
        if declared.is_none() {
            return vec![format!(
                "the operation takes no request body, got {} bytes",
                body.len()
            )];
        }
        let json_text = if content_type.starts_with("multipart/form-data") {
            match multipart_payload_json(content_type, body) {
                Some(text) => text,
                None => return Vec::new(), // files only: nothing JSON to check
            }
        } else if content_type.starts_with("application/json") {
            String::from_utf8_lossy(body).into_owned()
        } else {
            return vec![format!("unexpected content-type `{content_type}`")];
        };
        let value: Value = match serde_json::from_str(&json_text) {
            Ok(v) => v,
            Err(e) => return vec![format!("body is not JSON: {e}")],
        };
        let schema_ptr = format!("{ptr}/content/application~1json/schema");
        let schema_ptr = self.narrow_union(&schema_ptr, &value);
        self.check(&schema_ptr, &value, "body")
    }

    /// Checks a response body the fake produces against the operation's response schema.
    pub fn check_response(&self, op: &Operation, status: u16, body: &Value) -> Vec<String> {
        let responses = format!("{}/responses", Self::op_pointer(op));
        let class = format!("{}XX", status / 100);
        let key = [status.to_string(), class]
            .into_iter()
            .find(|k| self.resolve(&format!("{responses}/{k}")).is_some());
        let Some(key) = key else {
            return vec![format!("status {status} is not a documented response")];
        };
        let mut ptr = format!("{responses}/{key}");
        if let Some(target) = self.resolve(&ptr).and_then(|r| r["$ref"].as_str()) {
            ptr = target.trim_start_matches('#').to_owned();
        }
        let schema_ptr = format!("{ptr}/content/application~1json/schema");
        if self.resolve(&schema_ptr).is_none() {
            return match body.is_null() {
                true => Vec::new(),
                false => vec![format!("status {status} has no body in the spec")],
            };
        }
        self.check(&schema_ptr, body, &format!("response {status}"))
    }

    /// Validates `value` against the schema at JSON pointer `ptr` (e.g.
    /// `/components/schemas/MessageResponse`). Returns one line per error.
    pub fn check(&self, ptr: &str, value: &Value, what: &str) -> Vec<String> {
        let validator = match self.validator(ptr) {
            Ok(v) => v,
            Err(e) => return vec![format!("{what}: cannot compile schema {ptr}: {e}")],
        };
        let mut out = Vec::new();
        for e in validator.iter_errors(value).take(8) {
            explain(&e, what, &mut out);
        }
        out
    }

    fn validator(&self, ptr: &str) -> Result<Arc<jsonschema::Validator>, String> {
        let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(v) = cache.get(ptr) {
            return Ok(Arc::clone(v));
        }
        let schema = self
            .resolve(ptr)
            .ok_or_else(|| format!("no schema at {ptr}"))?;
        let wrapper = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
            "components": { "schemas": self.doc["components"]["schemas"] },
        });
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(true)
            .build(&wrapper)
            .map_err(|e| e.to_string())?;
        let validator = Arc::new(validator);
        cache.insert(ptr.to_owned(), Arc::clone(&validator));
        Ok(validator)
    }

    fn resolve(&self, ptr: &str) -> Option<&Value> {
        self.doc.pointer(ptr)
    }

    /// Path- and operation-level parameters, keyed by (location, name), as JSON pointers.
    fn parameters(&self, op: &Operation) -> HashMap<(&'static str, String), String> {
        let path_ptr = format!("/paths/{}", escape(&op.template));
        let mut out = HashMap::new();
        for base in [
            format!("{path_ptr}/parameters"),
            format!("{}/parameters", Self::op_pointer(op)),
        ] {
            let Some(list) = self.resolve(&base).and_then(Value::as_array) else {
                continue;
            };
            for (i, p) in list.iter().enumerate() {
                let place = match p["in"].as_str() {
                    Some("path") => "path",
                    Some("query") => "query",
                    _ => continue,
                };
                if let Some(name) = p["name"].as_str() {
                    out.insert((place, name.to_owned()), format!("{base}/{i}"));
                }
            }
        }
        out
    }

    /// When a body schema is a union of `$ref`s told apart by an enum-valued `type` property
    /// (interaction callbacks), picks the branch for the body's `type`, so errors are precise.
    fn narrow_union(&self, ptr: &str, body: &Value) -> String {
        let Some(schema) = self.resolve(ptr) else {
            return ptr.to_owned();
        };
        let branches = schema["anyOf"].as_array().or(schema["oneOf"].as_array());
        let (Some(branches), Some(kind)) = (branches, body.get("type")) else {
            return ptr.to_owned();
        };
        for branch in branches {
            let Some(target) = branch["$ref"].as_str() else {
                return ptr.to_owned();
            };
            let target = target.trim_start_matches('#');
            let enumerated = self
                .resolve(&format!("{target}/properties/type/enum"))
                .and_then(Value::as_array);
            match enumerated {
                Some(values) if values.contains(kind) => return target.to_owned(),
                Some(_) => continue,
                None => return ptr.to_owned(),
            }
        }
        ptr.to_owned()
    }
}

fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

fn is_param(segment: &str) -> bool {
    segment.starts_with('{') && segment.ends_with('}')
}

/// JSON-pointer escaping of one reference token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
