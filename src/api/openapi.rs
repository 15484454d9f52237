//! The OpenAPI 3.1 document of `/api`, generated, never written: `build.rs` reads every server
//! function's signature and doc comment into its module's `openapi_endpoints()`, and
//! `schemars` describes the argument and answer types (inputs as they are read, answers as
//! they are written). Served at `/api/openapi.json`; `/api/docs` renders it (`docs_page`).
//!
//! How the document reads the functions: a GET function's arguments are query parameters (a
//! flattened struct gives one per field); a POST function's are the fields of a body, JSON or
//! form-encoded. A function that asks who is calling needs a bearer token or the session
//! cookie. Every error is the one error body, with its status.

use std::collections::HashMap;
use std::sync::OnceLock;

use schemars::generate::{Contract, SchemaSettings};
use schemars::{Schema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// One server function, as `build.rs` read it.
pub(crate) struct Endpoint {
    pub path: &'static str,
    /// The function's name, unique over the API: the operation id.
    pub operation: &'static str,
    /// The module: the group in the reference.
    pub tag: &'static str,
    pub get: bool,
    /// Answers CSV instead of JSON.
    pub csv: bool,
    /// Asks who is calling (else anyone may call it).
    pub signed_in: bool,
    pub doc: &'static str,
    pub args: Vec<Arg>,
    pub answer: fn(&mut SchemaGenerator) -> Schema,
}

/// One argument of a server function.
pub(crate) struct Arg {
    pub name: &'static str,
    /// `#[server(flatten)]`: its fields are the request's fields.
    pub flatten: bool,
    pub required: bool,
    pub schema: fn(&mut SchemaGenerator) -> Schema,
}

include!(concat!(env!("OUT_DIR"), "/openapi/all.rs"));

/// Where the schemas live in the document.
const SCHEMAS: &str = "#/components/schemas/";

/// The statuses any endpoint may answer with the error body, and what each means.
pub(crate) const ERRORS: &[(&str, &str)] = &[
    ("400", "Malformed request: unreadable arguments or body"),
    ("401", "No valid session or token, or wrong credentials"),
    ("403", "Signed in, but not allowed to do this"),
    ("404", "No such record in the caller's organization"),
    ("409", "Conflicts with the current state (e.g. a stale `version`)"),
    ("413", "Request body over the size limit"),
    ("422", "Invalid input: `details` names each field and its problems"),
    ("429", "Too many attempts; try again later"),
    ("503", "Temporarily unavailable"),
];

/// The document (built once).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(build)
}

fn generator(contract: Contract) -> SchemaGenerator {
    SchemaSettings::draft2020_12()
        .with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
            s.contract = contract;
        })
        .into_generator()
}

/// One endpoint's request fields: `(name, schema, required)`, flattened structs expanded.
fn fields(endpoint: &Endpoint, g: &mut SchemaGenerator) -> Vec<(String, Value, bool)> {
    let mut out = Vec::new();
    for arg in &endpoint.args {
        let schema = (arg.schema)(g).to_value();
        if !arg.flatten {
            out.push((arg.name.to_owned(), schema, arg.required));
            continue;
        }
        let required: Vec<&str> =
            schema["required"].as_array().map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        let Some(properties) = schema["properties"].as_object() else {
            panic!("{}: flattened argument {} is not a struct", endpoint.operation, arg.name)
        };
        for (name, schema) in properties {
            out.push((name.clone(), schema.clone(), required.contains(&name.as_str())));
        }
    }
    out
}

/// A query or form value is text: `null` is not sent, it is left out; an optional number may
/// also be sent empty (not given, as an HTML form sends an empty input).
fn as_text_field(mut schema: Value, required: bool) -> Value {
    if schema.get("default").is_some_and(Value::is_null) {
        if let Some(s) = schema.as_object_mut() {
            s.remove("default");
        }
    }
    if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            schema["type"] = types[0].clone();
        }
    }
    let only = schema.get_mut("anyOf").and_then(Value::as_array_mut).and_then(|any| {
        any.retain(|s| s.get("type").is_none_or(|t| t != "null"));
        (any.len() == 1).then(|| any[0].clone())
    });
    if let Some(only) = only {
        schema = with_description_of(&schema, only);
    }
    if !required && (schema["type"] == "integer" || schema["type"] == "number") {
        let mut number = schema.clone();
        if let Some(n) = number.as_object_mut() {
            n.remove("description");
        }
        schema = with_description_of(&schema, json!({"anyOf": [number, {"const": ""}]}));
    }
    schema
}

/// `new`, with the description of `old` if it has one.
fn with_description_of(old: &Value, mut new: Value) -> Value {
    if let Some(d) = old.get("description") {
        new["description"] = d.clone();
    }
    new
}

/// A text field in a JSON body: a JSON number or boolean is read as its text (`"value": 99.5`).
fn json_scalar(schema: &Value) -> Value {
    let mut schema = schema.clone();
    let text = match &schema["type"] {
        Value::String(t) => t == "string",
        Value::Array(ts) => ts.iter().any(|t| t == "string"),
        _ => false,
    };
    if text && schema.get("enum").is_none() && schema.get("format").is_none() {
        let nullable = schema["type"].as_array().is_some_and(|ts| ts.iter().any(|t| t == "null"));
        schema["type"] = if nullable {
            json!(["string", "number", "boolean", "null"])
        } else {
            json!(["string", "number", "boolean"])
        };
    }
    schema
}

/// Whether a body schema has only scalar fields (then it may also be sent form-encoded).
fn is_flat(fields: &[(String, Value, bool)]) -> bool {
    fields.iter().all(|(_, s, _)| {
        let text = s.to_string();
        !text.contains("\"array\"") && !text.contains("\"object\"")
    })
}

/// The first sentence of a doc comment (a period, a space and a capital end it).
fn summary(doc: &str) -> String {
    let doc = doc.replace('\n', " ");
    let end = doc
        .match_indices(". ")
        .map(|(i, _)| i)
        .find(|&i| doc[i + 2..].starts_with(|c: char| c.is_uppercase()))
        .map_or(doc.len(), |i| i + 1);
    doc[..end].to_owned()
}

/// The operation of one endpoint; `error` is the schema of the error body.
fn operation(endpoint: &Endpoint, input: &mut SchemaGenerator, output: &mut SchemaGenerator, error: &Value) -> Value {
    let fields = fields(endpoint, input);
    let takes_next = fields.iter().any(|(name, _, _)| name == "next");
    let summary = summary(endpoint.doc);
    let mut op = json!({
        "operationId": endpoint.operation,
        "tags": [endpoint.tag],
        "summary": summary,
        "description": endpoint.doc.replace('\n', " "),
    });
    if endpoint.get {
        let parameters: Vec<Value> = fields
            .into_iter()
            .map(|(name, schema, required)| {
                let mut schema = as_text_field(schema, required);
                let description = schema.as_object_mut().and_then(|s| s.remove("description"));
                let mut p = json!({"name": name, "in": "query", "required": required, "schema": schema});
                if let Some(d) = description {
                    p["description"] = d;
                }
                p
            })
            .collect();
        if !parameters.is_empty() {
            op["parameters"] = Value::Array(parameters);
        }
    } else if !fields.is_empty() {
        let flat = is_flat(&fields);
        let required: Vec<&str> = fields.iter().filter(|f| f.2).map(|f| f.0.as_str()).collect();
        let body = |schema_of: &dyn Fn(&Value, bool) -> Value| {
            let properties: Map<String, Value> = fields.iter().map(|(n, s, r)| (n.clone(), schema_of(s, *r))).collect();
            json!({"type": "object", "properties": properties, "required": required})
        };
        let mut content = json!({"application/json": {"schema": body(&|s, _| json_scalar(s))}});
        if flat {
            content["application/x-www-form-urlencoded"] = json!({"schema": body(&|s, r| as_text_field(s.clone(), r))});
        }
        op["requestBody"] = json!({"required": !required.is_empty(), "content": content});
    }
    let answer = (endpoint.answer)(output).to_value();
    let ok = if endpoint.csv {
        json!({"description": "The records as CSV (a header row, then one row per record)",
               "content": {"text/csv": {"schema": {"type": "string"}}}})
    } else {
        json!({"description": "OK", "content": {"application/json": {"schema": answer.clone()}}})
    };
    let mut responses = json!({"200": ok});
    if takes_next {
        responses["302"] = json!({
            "description": "With `next` (a path on this site) and `Accept: text/html` (a browser's form): \
                            a redirect there, with the answer or the error as the body",
            "headers": {"Location": {"schema": {"type": "string"}}},
            "content": {"application/json": {"schema": {"anyOf": [answer, error]}}},
        });
    }
    for (status, _) in ERRORS {
        responses[*status] = json!({"$ref": format!("#/components/responses/{status}")});
    }
    op["responses"] = responses;
    if !endpoint.signed_in {
        op["security"] = json!([]);
    }
    op
}

/// The links that let a client (or a tester) follow a record from its `create` to its `get`,
/// `update` and `delete`, by the `id` of the answer.
fn links(endpoints: &[Endpoint]) -> HashMap<&'static str, Value> {
    let by_path: HashMap<&str, &Endpoint> = endpoints.iter().map(|e| (e.path, e)).collect();
    let mut out = HashMap::new();
    for e in endpoints.iter().filter(|e| e.path.ends_with("/create")) {
        let base = e.path.trim_end_matches("create");
        let mut links = Map::new();
        for verb in ["get", "update", "delete"] {
            let Some(target) = by_path.get(format!("{base}{verb}").as_str()) else { continue };
            if !target.args.iter().any(|a| a.name == "id") {
                continue;
            }
            let link = if target.get {
                json!({"operationId": target.operation, "parameters": {"id": "$response.body#/id"}})
            } else {
                json!({"operationId": target.operation, "requestBody": {"id": "$response.body#/id"}})
            };
            links.insert(verb.to_owned(), link);
        }
        if !links.is_empty() {
            out.insert(e.path, Value::Object(links));
        }
    }
    out
}

/// Rewrites every `$ref` by `renames` (old reference -> new one).
fn rename_refs(value: &mut Value, renames: &HashMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &*v) {
                    ("$ref", Value::String(r)) => {
                        if let Some(new) = renames.get(r) {
                            *v = Value::String(new.clone());
                        }
                    }
                    _ => rename_refs(v, renames),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rename_refs(v, renames)),
        _ => {}
    }
}

/// A schema name as OpenAPI allows it (`Page<Vendor>` -> `Page_Vendor`).
fn component_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
    cleaned.trim_matches('_').split('_').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("_")
}

fn build() -> Value {
    let endpoints = all_endpoints();
    let mut input = generator(Contract::Deserialize);
    let mut output = generator(Contract::Serialize);
    let error = output.subschema_for::<crate::error::ErrorBody>().to_value();
    let links = links(&endpoints);
    let mut paths = Map::new();
    for e in &endpoints {
        let mut op = operation(e, &mut input, &mut output, &error);
        if let Some(links) = links.get(e.path) {
            op["responses"]["200"]["links"] = links.clone();
        }
        paths.insert(e.path.to_owned(), json!({ if e.get { "get" } else { "post" }: op }));
    }
    let input_defs = input.take_definitions(true);
    let output_defs = output.take_definitions(true);
    // One name, one schema: where reading and writing a type differ, the input one is `<name>Input`.
    let output_renames: HashMap<String, String> =
        output_defs.keys().map(|n| (format!("{SCHEMAS}{n}"), format!("{SCHEMAS}{}", component_name(n)))).collect();
    let input_renames: HashMap<String, String> = input_defs
        .iter()
        .map(|(n, schema)| {
            let differs = output_defs.get(n).is_some_and(|s| s != schema);
            (format!("{SCHEMAS}{n}"), format!("{SCHEMAS}{}{}", component_name(n), if differs { "Input" } else { "" }))
        })
        .collect();
    let mut schemas = Map::new();
    for (defs, renames) in [(input_defs, &input_renames), (output_defs, &output_renames)] {
        for (name, mut schema) in defs {
            rename_refs(&mut schema, renames);
            schemas.insert(renames[&format!("{SCHEMAS}{name}")].trim_start_matches(SCHEMAS).to_owned(), schema);
        }
    }
    // Requests use the input names, answers the output names.
    for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|m| m.values_mut()) {
        for key in ["parameters", "requestBody"] {
            if let Some(v) = op.get_mut(key) {
                rename_refs(v, &input_renames);
            }
        }
        if let Some(v) = op.get_mut("responses") {
            rename_refs(v, &output_renames);
        }
    }
    let mut error = error;
    rename_refs(&mut error, &output_renames);
    let responses: Map<String, Value> = ERRORS
        .iter()
        .map(|(status, what)| {
            ((*status).to_owned(), json!({"description": what, "content": {"application/json": {"schema": error}}}))
        })
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Too Good CRM API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Every operation of the app. Reads are GET with query parameters; changes are POST with \
                            a JSON or form-encoded body. Sign in with a bearer token (`/api/tokens/create`, or \
                            the `token` of `/api/auth/login`) or the session cookie. Every error answers \
                            `{\"error\", \"code\", \"details\"}` with its status; `details` names the fields of a 422.",
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token or the `token` of a sign-in"},
                "session": {"type": "apiKey", "in": "cookie", "name": crate::server::auth::token::SESSION_COOKIE},
            },
        },
        "security": [{"bearer": []}, {"session": []}],
    })
}

/// `schema` made whole: with the component schemas it refers to (directly or not), so that it
/// can be checked on its own.
pub fn standalone(schema: &Value) -> Value {
    let all = &document()["components"]["schemas"];
    let mut found = Map::new();
    let mut todo = vec![schema.clone()];
    while let Some(value) = todo.pop() {
        let text = value.to_string();
        for name in text.split(&format!("\"$ref\":\"{SCHEMAS}")).skip(1).filter_map(|s| s.split('"').next()) {
            if !found.contains_key(name) {
                found.insert(name.to_owned(), all[name].clone());
                todo.push(all[name].clone());
            }
        }
    }
    let mut whole = schema.clone();
    whole["components"] = json!({"schemas": found});
    whole
}

/// Checks a JSON request body against the operation's documented body: a value the document
/// does not allow (an object for a text field, text for a number) is a 422 naming the field,
/// before anything reads it.
pub fn check_json_body(path: &str, body: &Value) -> Result<(), crate::error::AppError> {
    static CHECKS: OnceLock<HashMap<String, jsonschema::Validator>> = OnceLock::new();
    let checks = CHECKS.get_or_init(|| {
        let paths = document()["paths"].as_object().expect("paths");
        paths
            .iter()
            .filter_map(|(path, item)| {
                let schema = item["post"]["requestBody"]["content"]["application/json"].get("schema")?;
                let validator = jsonschema::validator_for(&standalone(schema))
                    .unwrap_or_else(|e| panic!("{path}: the documented body is not a valid schema: {e}"));
                Some((path.clone(), validator))
            })
            .collect()
    });
    let Some(validator) = checks.get(path) else { return Ok(()) };
    let mut problems = crate::error::FieldErrors::new();
    for error in validator.iter_errors(body) {
        let field = match (error.instance_path().iter().next(), error.kind()) {
            (Some(segment), _) => segment.to_string(),
            (None, jsonschema::error::ValidationErrorKind::Required { property }) => {
                property.as_str().unwrap_or("body").to_owned()
            }
            (None, _) => "body".to_owned(),
        };
        let problem = match error.kind() {
            jsonschema::error::ValidationErrorKind::Required { .. } => "is required".to_owned(),
            _ => format!("does not match the documented schema: {error}"),
        };
        problems.entry(field).or_default().push(problem);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(crate::error::AppError::Validation(problems))
    }
}

/// `/api/docs`: the document as a page, rendered here (no script, no CDN), with a curl example
/// per operation. `stylesheet` is the app's CSS.
pub fn docs_page(stylesheet: &str) -> String {
    let doc = document();
    let mut out = String::new();
    let esc = escape;
    out.push_str(&format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>API reference · Too Good CRM</title>\
         <link rel=\"stylesheet\" href=\"{}\"></head><body class=\"api-docs\"><main>\
         <h1>Too Good CRM API</h1><p>{}</p><p>The machine-readable document: \
         <a href=\"/api/openapi.json\">/api/openapi.json</a> (OpenAPI 3.1). The examples read the \
         server's address from <code>$CRM</code> and a token from <code>$TOKEN</code>:</p>\
         <pre>CRM=http://127.0.0.1:3000\nTOKEN=$(curl -s \"$CRM/api/auth/login\" -d email=demo@example.com \
         -d password=demo-password | sed 's/.*\"token\":\"\\([^\"]*\\)\".*/\\1/')</pre><nav><h2>Contents</h2><ul>",
        esc(stylesheet),
        prose(doc["info"]["description"].as_str().unwrap_or_default()),
    ));
    let paths = doc["paths"].as_object().expect("paths");
    let mut tags: Vec<&str> = paths.values().filter_map(|item| first_op(item).1["tags"][0].as_str()).collect();
    tags.sort_unstable();
    tags.dedup();
    for tag in &tags {
        out.push_str(&format!("<li><a href=\"#{0}\">{0}</a></li>", esc(tag)));
    }
    out.push_str("<li><a href=\"#schemas\">Schemas</a></li><li><a href=\"#errors\">Errors</a></li></ul></nav>");
    for tag in &tags {
        out.push_str(&format!("<section id=\"{0}\"><h2>{0}</h2>", esc(tag)));
        for (path, item) in paths.iter().filter(|(_, item)| first_op(item).1["tags"][0] == *tag) {
            let (method, op) = first_op(item);
            out.push_str(&format!(
                "<article class=\"api-op\" id=\"{id}\"><h3><span class=\"api-method\">{m}</span> <code>{path}</code></h3>\
                 <p>{desc}</p><p class=\"muted\">{auth}</p>",
                id = esc(op["operationId"].as_str().unwrap_or_default()),
                m = method.to_uppercase(),
                path = esc(path),
                desc = prose(op["description"].as_str().unwrap_or_default()),
                auth = if op["security"] == json!([]) { "No sign-in needed." } else { "Signed in: bearer token or session cookie." },
            ));
            let fields = request_fields(op);
            if !fields.is_empty() {
                out.push_str(&format!(
                    "<table><thead><tr><th>{}</th><th>Type</th><th>Required</th><th>About</th></tr></thead><tbody>",
                    if method == "get" { "Query parameter" } else { "Body field" }
                ));
                for (name, schema, required) in &fields {
                    out.push_str(&format!(
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(name),
                        type_html(schema),
                        if *required { "yes" } else { "" },
                        prose(schema["description"].as_str().unwrap_or_default()),
                    ));
                }
                out.push_str("</tbody></table>");
            }
            let answer = &op["responses"]["200"]["content"];
            let answer = match answer.get("application/json") {
                Some(json) => format!("Answers JSON: {}.", type_html(&json["schema"])),
                None => "Answers a CSV file.".to_owned(),
            };
            out.push_str(&format!("<p>{answer}</p><pre>{}</pre></article>", esc(&curl(path, method, &fields))));
        }
        out.push_str("</section>");
    }
    out.push_str("<section id=\"schemas\"><h2>Schemas</h2>");
    for (name, schema) in doc["components"]["schemas"].as_object().into_iter().flatten() {
        out.push_str(&format!("<article class=\"api-op\" id=\"schema-{0}\"><h3>{0}</h3>", esc(name)));
        if let Some(d) = schema["description"].as_str() {
            out.push_str(&format!("<p>{}</p>", prose(d)));
        }
        match schema["properties"].as_object() {
            Some(properties) => {
                out.push_str("<table><thead><tr><th>Field</th><th>Type</th><th>About</th></tr></thead><tbody>");
                for (field, s) in properties {
                    out.push_str(&format!(
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                        esc(field),
                        type_html(s),
                        prose(s["description"].as_str().unwrap_or_default())
                    ));
                }
                out.push_str("</tbody></table>");
            }
            None => out.push_str(&format!("<p>{}</p>", type_html(schema))),
        }
        out.push_str("</article>");
    }
    out.push_str(
        "</section><section id=\"errors\"><h2>Errors</h2><p>Every error answers \
                  <code>{\"error\": \"…\", \"code\": \"…\", \"details\": {\"field\": [\"problem\"]}}</code> \
                  with its status:</p><ul>",
    );
    for (status, what) in ERRORS {
        out.push_str(&format!("<li><strong>{status}</strong> {}</li>", esc(what)));
    }
    out.push_str("</ul></section></main></body></html>");
    out
}

/// The one method of a path item and its operation.
fn first_op(item: &Value) -> (&str, &Value) {
    item.as_object().and_then(|m| m.iter().next()).map_or(("get", &Value::Null), |(m, op)| (m.as_str(), op))
}

/// An operation's query parameters or JSON body fields: `(name, schema, required)`.
fn request_fields(op: &Value) -> Vec<(String, Value, bool)> {
    if let Some(params) = op["parameters"].as_array() {
        return params
            .iter()
            .map(|p| {
                let mut schema = p["schema"].clone();
                if let Some(d) = p.get("description") {
                    schema["description"] = d.clone();
                }
                (p["name"].as_str().unwrap_or_default().to_owned(), schema, p["required"] == true)
            })
            .collect();
    }
    // The form's schema where there is one: the fields as text, without JSON's alternatives.
    let content = &op["requestBody"]["content"];
    let body = match content.get("application/x-www-form-urlencoded") {
        Some(form) => &form["schema"],
        None => &content["application/json"]["schema"],
    };
    let required: Vec<&Value> = body["required"].as_array().map(|r| r.iter().collect()).unwrap_or_default();
    body["properties"]
        .as_object()
        .map(|props| {
            props.iter().map(|(n, s)| (n.clone(), s.clone(), required.contains(&&Value::String(n.clone())))).collect()
        })
        .unwrap_or_default()
}

/// A schema's type in a few words, schemas linked.
fn type_html(schema: &Value) -> String {
    if let Some(r) = schema["$ref"].as_str() {
        let name = escape(r.trim_start_matches(SCHEMAS));
        return format!("<a href=\"#schema-{name}\">{name}</a>");
    }
    for key in ["anyOf", "oneOf"] {
        if let Some(options) = schema[key].as_array() {
            return options.iter().map(type_html).collect::<Vec<_>>().join(" or ");
        }
    }
    if let Some(values) = schema["enum"].as_array() {
        return values
            .iter()
            .map(|v| format!("<code>{}</code>", escape(&v.to_string())))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let mut words: Vec<String> = types
        .iter()
        .map(|t| match *t {
            "array" => format!("array of {}", type_html(&schema["items"])),
            "string" => "text".to_owned(),
            other => other.to_owned(),
        })
        .collect();
    if let Some(format) = schema["format"].as_str() {
        words.push(format!("({})", escape(format)));
    }
    if words.is_empty() {
        "any".to_owned()
    } else {
        words.join(" or ")
    }
}

/// A curl command calling the operation with its required fields.
fn curl(path: &str, method: &str, fields: &[(String, Value, bool)]) -> String {
    let example = |schema: &Value| -> Value {
        let types = schema["type"].to_string();
        if types.contains("integer") {
            json!(1)
        } else if types.contains("boolean") {
            json!(true)
        } else if let Some(first) = schema["enum"].as_array().and_then(|v| v.first()) {
            first.clone()
        } else {
            json!("text")
        }
    };
    let required = fields.iter().filter(|f| f.2);
    if method == "get" {
        let query: Vec<String> =
            required.map(|(n, s, _)| format!("{n}={}", example(s).to_string().trim_matches('"'))).collect();
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
        format!("curl -H \"Authorization: Bearer $TOKEN\" \"$CRM{path}{query}\"")
    } else {
        let body: Map<String, Value> = required.map(|(n, s, _)| (n.clone(), example(s))).collect();
        format!(
            "curl -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\\n     -d '{}' \"$CRM{path}\"",
            Value::Object(body)
        )
    }
}

/// A doc comment as HTML: escaped, its `code` spans as `<code>`.
fn prose(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { format!("<code>{part}</code>") } else { part.to_owned() })
        .collect()
}

/// Text for HTML element content and quoted attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_registered_server_function_is_in_the_document() {
        let doc = document();
        let mut missing = Vec::new();
        for (path, method) in leptos::server_fn::axum::server_fn_paths() {
            let method = method.as_str().to_ascii_lowercase();
            if doc["paths"][path][&method].is_null() {
                missing.push(format!("{method} {path}"));
            }
        }
        assert!(missing.is_empty(), "not in the OpenAPI document: {missing:?}");
        let documented = doc["paths"].as_object().unwrap().len();
        assert_eq!(documented, leptos::server_fn::axum::server_fn_paths().count());
    }

    #[test]
    fn every_reference_resolves() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for r in text.split("\"$ref\":\"").skip(1).map(|s| &s[..s.find('"').unwrap()]) {
            let name = r.strip_prefix(SCHEMAS).or_else(|| r.strip_prefix("#/components/responses/"));
            let found = match r.strip_prefix(SCHEMAS) {
                Some(n) => schemas.contains_key(n),
                None => name.is_some_and(|n| !doc["components"]["responses"][n].is_null()),
            };
            assert!(found, "dangling reference {r}");
        }
    }
}
