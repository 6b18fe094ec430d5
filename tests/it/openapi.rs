//! The OpenAPI description (built from the handlers' annotations and types by
//! `src/http/openapi.rs`, served at `/api/v1/openapi.json`) against the router and against real
//! answers: every route is described and nothing else, every
//! route's security matches its handler (a bearer token where the handler takes a `Caller`),
//! and every answer has the status, media type, headers and shape the document gives. Every
//! object schema of the document is closed (`additionalProperties: false`), so an answer may
//! hold no member its schema does not list.

use std::collections::{BTreeMap, BTreeSet};

use blueprint_tracker::domain::{Role, Secret};
use blueprint_tracker::service::{NewAccount, Settings};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::TestApp;

/// Every (method, path) the router serves under `/api/v1`, and `/healthz` (`src/server/mod.rs`);
/// the web pages (`src/web`, merged beside the API) are not part of it.
const ROUTES: [(&str, &str); 72] = [
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/api/v1/frameworks"),
    ("get", "/api/v1/frameworks/{fw}"),
    ("get", "/api/v1/frameworks/{fw}/measures"),
    ("get", "/api/v1/frameworks/{fw}/measures/{code}/status"),
    ("get", "/api/v1/frameworks/{fw}/measures/{code}/history"),
    ("get", "/api/v1/frameworks/{fw}/participants"),
    ("get", "/api/v1/frameworks/{fw}/progress"),
    ("get", "/api/v1/frameworks/{fw}/compare"),
    ("get", "/api/v1/frameworks/{fw}/timeline"),
    ("get", "/api/v1/frameworks/{fw}/report"),
    ("post", "/api/v1/frameworks/{fw}/report"),
    ("get", "/api/v1/frameworks/{fw}/charts/{file}"),
    ("post", "/api/v1/frameworks/{fw}/status"),
    ("post", "/api/v1/frameworks/{fw}/status/import"),
    ("get", "/api/v1/frameworks/{fw}/status/template"),
    ("get", "/api/v1/frameworks/{fw}/status/export"),
    ("get", "/api/v1/frameworks/{fw}/locks"),
    ("post", "/api/v1/frameworks/{fw}/locks"),
    ("delete", "/api/v1/frameworks/{fw}/locks/{id}"),
    ("get", "/api/v1/frameworks/{fw}/reports"),
    ("post", "/api/v1/frameworks/{fw}/reports/{id}/validate"),
    ("post", "/api/v1/frameworks/{fw}/reports/{id}/return"),
    ("post", "/api/v1/frameworks/{fw}/reports/validate"),
    ("post", "/api/v1/frameworks/{fw}/reports/return"),
    ("get", "/api/v1/member-states"),
    ("get", "/api/v1/frameworks/{fw}/rounds"),
    ("post", "/api/v1/frameworks/{fw}/rounds"),
    ("post", "/api/v1/frameworks/{fw}/rounds/plan"),
    ("get", "/api/v1/frameworks/{fw}/rounds/{code}"),
    ("get", "/api/v1/frameworks/{fw}/rounds/{code}/submissions"),
    ("post", "/api/v1/frameworks/{fw}/rounds/{code}/submissions"),
    (
        "post",
        "/api/v1/frameworks/{fw}/rounds/{code}/submissions/{scope}/accept",
    ),
    (
        "post",
        "/api/v1/frameworks/{fw}/rounds/{code}/submissions/{scope}/return",
    ),
    ("get", "/api/v1/frameworks/{fw}/rounds-matrix"),
    ("get", "/api/v1/frameworks/{fw}/indicators"),
    ("post", "/api/v1/frameworks/{fw}/indicators"),
    ("get", "/api/v1/frameworks/{fw}/indicators/{code}"),
    ("post", "/api/v1/frameworks/{fw}/indicators/{code}/targets"),
    ("get", "/api/v1/frameworks/{fw}/indicators/{code}/progress"),
    ("get", "/api/v1/frameworks/{fw}/indicator-progress"),
    ("post", "/api/v1/frameworks/{fw}/observations"),
    ("get", "/api/v1/frameworks/{fw}/observations"),
    ("post", "/api/v1/frameworks/{fw}/observations/{id}/validate"),
    ("post", "/api/v1/frameworks/{fw}/observations/{id}/return"),
    ("post", "/api/v1/frameworks/{fw}/indicator-import"),
    ("post", "/api/v1/frameworks/{fw}/observations/import"),
    ("get", "/api/v1/frameworks/{fw}/observations/template"),
    ("get", "/api/v1/frameworks/{fw}/indicator-export"),
    ("get", "/api/v1/claims"),
    ("post", "/api/v1/claims"),
    ("get", "/api/v1/claims/{id}"),
    ("post", "/api/v1/claims/import"),
    ("get", "/api/v1/frameworks/{fw}/editions"),
    ("post", "/api/v1/frameworks/{fw}/editions"),
    ("get", "/api/v1/editions/{id}"),
    ("get", "/api/v1/editions/{id}/since"),
    ("get", "/api/v1/editions/{id}/report"),
    ("get", "/api/v1/me"),
    ("get", "/api/v1/users"),
    ("post", "/api/v1/users"),
    ("post", "/api/v1/users/{name}/disable"),
    ("post", "/api/v1/users/{name}/enable"),
    ("put", "/api/v1/users/{name}/password"),
    ("post", "/api/v1/users/{name}/totp"),
    ("delete", "/api/v1/users/{name}/totp"),
    ("get", "/api/v1/users/{name}/tokens"),
    ("post", "/api/v1/users/{name}/tokens"),
    ("delete", "/api/v1/users/{name}/tokens/{id}"),
    ("get", "/api/v1/audit"),
    ("get", "/api/v1/openapi.json"),
];

const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// The security of a read: anonymous (unless the server is private), a bearer token, or the
/// session cookie of a web login.
fn read_security() -> Value {
    json!([{}, {"bearerAuth": []}, {"sessionCookie": []}])
}

fn routes() -> BTreeSet<(String, String)> {
    ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect()
}

async fn document(app: &TestApp) -> Value {
    app.get_json("/api/v1/openapi.json").await
}

fn source(file: &str) -> String {
    std::fs::read_to_string(format!("{}/{file}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

/// The text of a call's arguments: `text` starts just after the opening parenthesis.
fn arguments(text: &str) -> &str {
    let mut depth = 1;
    let end = text
        .char_indices()
        .find_map(|(i, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(i)
        })
        .expect("balanced parentheses");
    &text[..end]
}

/// What the API routes, read from `src/http/openapi.rs`: every `routes!(handler, …)` of its
/// `routes` function (those of the router bound to `v1` nested under `/api/v1`), each handler's
/// (method, path) read from its `#[utoipa::path]` annotation. The second part is the paths the
/// server routes itself, beside the API and the pages (none).
fn routes_in_the_source() -> (BTreeMap<(String, String), String>, BTreeSet<String>) {
    let list = source("src/http/openapi.rs");
    let function = list.split("pub fn routes()").nth(1).unwrap();
    let function = function.split("\n}\n").next().unwrap();
    let (v1, root) = function.split_once("OpenApiRouter::with_openapi").unwrap();
    assert!(root.contains(".nest(\"/api/v1\", v1)"));
    let mut api = BTreeMap::new();
    for (part, prefix) in [(v1, "/api/v1"), (root, "")] {
        for call in part.split("routes!(").skip(1) {
            for handler in arguments(call)
                .split(',')
                .map(str::trim)
                .filter(|h| !h.is_empty())
            {
                let (module, name) = handler.split_once("::").unwrap();
                let file = source_of(module);
                let at = file.find(&format!("pub async fn {name}("));
                assert!(at.is_some(), "`{handler}` is in src/http/{module}.rs");
                let at = at.unwrap_or_default();
                let annotation = file[..at].rsplit("#[utoipa::path(").next().unwrap();
                let annotation = arguments(annotation);
                let method = annotation.trim().split(',').next().unwrap().trim();
                assert!(METHODS.contains(&method), "`{method}` of {handler}");
                let path = annotation
                    .split("path = \"")
                    .nth(1)
                    .and_then(|p| p.split('"').next())
                    .unwrap();
                api.insert(
                    (method.to_owned(), format!("{prefix}{path}")),
                    handler.to_owned(),
                );
            }
        }
    }
    let server = source("src/server/mod.rs");
    let router = server.split("pub fn router_with(").nth(1).unwrap();
    let router = router.split("\n}\n").next().unwrap();
    let own: BTreeSet<String> = router
        .split(".route(\"")
        .skip(1)
        .filter_map(|r| r.split('"').next())
        .map(str::to_owned)
        .collect();
    (api, own)
}

fn source_of(module: &str) -> String {
    source(&format!("src/http/{module}.rs"))
}

/// Whether a handler (`api::record_status`) takes the `Caller` extractor, that is, needs a
/// bearer token.
/// Reads sent as a `POST` because they carry a body (the report with its executive summary):
/// public like every read, and the handler itself refuses an anonymous reader on a private
/// server (the server's check sees only `GET`s).
const READS_BY_POST: [&str; 1] = ["/api/v1/frameworks/{fw}/report"];

/// Whether `handler` takes the reader and asks the tracker whether it may read.
fn reads_as_the_server_allows(handler: &str) -> bool {
    let (module, name) = handler.split_once("::").unwrap();
    let source = source(&format!("src/http/{module}.rs"));
    let body = source
        .split(&format!("pub async fn {name}("))
        .nth(1)
        .unwrap();
    body.contains("Reader(reader): Reader") && body.contains("Action::Read")
}

fn takes_a_token(handler: &str) -> bool {
    let (module, name) = handler.split_once("::").unwrap();
    let source = source(&format!("src/http/{module}.rs"));
    let start = format!("pub async fn {name}(");
    assert!(
        source.contains(&start),
        "`{handler}` is in src/http/{module}.rs"
    );
    let signature = source.split(&start).nth(1).unwrap();
    let signature = signature.split("->").next().unwrap();
    signature.contains("Caller(")
}

/// The answer `status` of `method` `template`, its `$ref` resolved.
fn response<'a>(doc: &'a Value, method: &str, template: &str, status: u16) -> &'a Value {
    let responses = &doc["paths"][template][method]["responses"];
    let described = &responses[status.to_string()];
    assert!(
        !described.is_null(),
        "{method} {template}: {status} is described"
    );
    resolve(doc, described)
}

/// The schema of the answer `status` of `method` `template`, and its media type.
fn response_schema<'a>(
    doc: &'a Value,
    method: &str,
    template: &str,
    status: u16,
) -> (&'a Value, String) {
    let response = response(doc, method, template, status);
    let content = response["content"].as_object().unwrap();
    // A JSON answer that may also be a file (`rounds-matrix?format=csv`) has the JSON schema
    // beside the files' media types; otherwise a JSON answer has one media type.
    if content.len() > 1
        && let Some(body) = content.get("application/json")
    {
        return (&body["schema"], "application/json".to_owned());
    }
    assert_eq!(
        content.len(),
        1,
        "{method} {template} {status}: one media type"
    );
    let (media, body) = content.iter().next().unwrap();
    (&body["schema"], media.clone())
}

/// `value`, or what its `$ref` points to in `doc`.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(target) => doc
            .pointer(target.trim_start_matches('#'))
            .expect("every $ref resolves"),
        None => value,
    }
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

/// Checks `value` against `schema` with a small part of JSON Schema: `$ref` (and its sibling
/// keywords), `type`, `enum`, `anyOf`, `oneOf`, `required`, `properties`,
/// `additionalProperties: false` and `items`. The error names the first mismatch by its path.
fn check(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if schema.get("$ref").is_some() {
        check(doc, resolve(doc, schema), value, at)?;
    }
    let types = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !types.is_empty() && !types.iter().any(|t| is_type(value, t)) {
        return Err(format!("{at}: {value} is not {types:?}"));
    }
    if let Some(allowed) = schema["enum"].as_array()
        && !allowed.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {allowed:?}"));
    }
    for (keyword, fits) in [("anyOf", 1..usize::MAX), ("oneOf", 1..2)] {
        if let Some(branches) = schema[keyword].as_array() {
            let matching = branches
                .iter()
                .filter(|branch| check(doc, branch, value, at).is_ok())
                .count();
            if !fits.contains(&matching) {
                return Err(format!(
                    "{at}: {matching} branches of {keyword} match {value}"
                ));
            }
        }
    }
    if let Value::Object(members) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            let name = name.as_str().unwrap_or_default();
            if !members.contains_key(name) {
                return Err(format!("{at}: the required `{name}` is missing"));
            }
        }
        for (name, member) in members {
            match schema["properties"].get(name) {
                Some(property) => check(doc, property, member, &format!("{at}.{name}"))?,
                None if schema["additionalProperties"] == false => {
                    return Err(format!("{at}: `{name}` is not in the schema"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Value::Array(values)) = (schema.get("items"), value) {
        for (i, item) in values.iter().enumerate() {
            check(doc, items, item, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

/// Every `$ref` in `value`.
fn references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::Object(members) => {
            if let Some(Value::String(target)) = members.get("$ref") {
                found.push(target.clone());
            }
            members.values().for_each(|v| references(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, found)),
        _ => {}
    }
}

/// The template of `ROUTES` that `path` (with or without a query) is an instance of.
fn template_of(method: &str, path: &str) -> &'static str {
    let segments: Vec<&str> = path.split('?').next().unwrap().split('/').collect();
    let matching: Vec<&str> = ROUTES
        .iter()
        .filter(|(m, _)| *m == method)
        .map(|(_, template)| *template)
        .filter(|template| {
            let parts: Vec<&str> = template.split('/').collect();
            parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(p, s)| p == s || (p.starts_with('{') && !s.is_empty()))
        })
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "{method} {path} is one route: {matching:?}"
    );
    matching[0]
}

/// An answer as received: its status, headers and body.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    async fn of(response: reqwest::Response) -> Self {
        Self {
            status: response.status().as_u16(),
            headers: response.headers().clone(),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }

    /// The body as JSON (`null` when it is not JSON).
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// The requests of a test and their answers, with the status each should have.
#[derive(Default)]
struct Exchanges {
    client: reqwest::Client,
    kept: Vec<(&'static str, String, u16, Answer)>,
}

impl Exchanges {
    /// Sends `method path` to the server at `base` (as `token`, with `body`) and keeps the
    /// answer, expected to be `status`; returns the answer's JSON body (`null` when it has
    /// none).
    async fn send(
        &mut self,
        base: &str,
        method: &'static str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        status: u16,
    ) -> Value {
        let mut request = self.client.request(
            Method::from_bytes(method.to_uppercase().as_bytes()).unwrap(),
            format!("{base}{path}"),
        );
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        self.keep(method, path, status, response).await
    }

    /// Keeps an answer received otherwise; returns its JSON body.
    async fn keep(
        &mut self,
        method: &'static str,
        path: &str,
        status: u16,
        response: reqwest::Response,
    ) -> Value {
        let answer = Answer::of(response).await;
        let json = answer.json();
        self.kept.push((method, path.to_owned(), status, answer));
        json
    }
}

/// Checks each answer's status, media type, headers and body against the document; returns
/// the routes answered.
fn check_answers(doc: &Value, exchanges: &Exchanges) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (method, path, status, answer) in &exchanges.kept {
        let (method, status) = (*method, *status);
        let template = template_of(method, path);
        routes.insert((method.to_owned(), template.to_owned()));
        assert_eq!(
            answer.status,
            status,
            "{method} {path}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        let described = response(doc, method, template, status);
        for name in described["headers"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            assert!(
                answer.headers.contains_key(name.as_str()),
                "{method} {path} {status}: the header {name} is sent"
            );
        }
        let Some(content_type) = answer.headers.get("content-type") else {
            // No content: the document describes none.
            assert!(
                described.get("content").is_none() && answer.body.is_empty(),
                "{method} {path} {status}: no content"
            );
            continue;
        };
        let content_type = content_type.to_str().unwrap().to_owned();
        let essence = content_type.split(';').next().unwrap().trim().to_owned();
        if !essence.ends_with("json") || template.ends_with("/report") {
            // A document or an image (the report, a chart): its media type is listed, and
            // the body is not empty.
            assert!(
                described["content"].get(&essence).is_some(),
                "{method} {path}: {essence} is described"
            );
            assert!(!answer.body.is_empty(), "{path}");
            continue;
        }
        let (schema, media) = response_schema(doc, method, template, status);
        assert_eq!(content_type, media.as_str(), "{path}");
        let body: Value = serde_json::from_slice(&answer.body).unwrap();
        let checked = check(doc, schema, &body, "$");
        assert!(checked.is_ok(), "{method} {path}: {}", checked.unwrap_err());
    }
    routes
}

/// Another server on `app`'s database with these settings; returns its base URL (the server
/// stops with the test's runtime).
async fn serve_with(app: &TestApp, settings: Settings) -> String {
    let tracker = app.tracker.clone().with_settings(settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = blueprint_tracker::server::serve(tracker, listener, std::future::pending()).await;
    });
    base
}

#[tokio::test]
async fn the_description_is_served_as_openapi_3_1_json() {
    let app = TestApp::spawn().await;

    let response = app.get("/api/v1/openapi.json").await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["servers"], json!([{"url": "/"}]));
    let schemes = &doc["components"]["securitySchemes"];
    let bearer = &schemes["bearerAuth"];
    assert_eq!(
        (&bearer["type"], &bearer["scheme"]),
        (&json!("http"), &json!("bearer"))
    );
    let cookie = &schemes["sessionCookie"];
    assert_eq!(
        (&cookie["type"], &cookie["in"], &cookie["name"]),
        (
            &json!("apiKey"),
            &json!("cookie"),
            &json!(blueprint_tracker::web::COOKIE)
        )
    );
    assert_eq!(
        doc["security"],
        read_security(),
        "reads are public by default"
    );
}

#[tokio::test]
async fn every_route_of_the_router_is_described_and_nothing_else() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;

    let described: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().unwrap().keys();
            methods
                .filter(|m| METHODS.contains(&m.as_str()))
                .map(|m| (m.clone(), path.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    let (handlers, pages) = routes_in_the_source();

    assert_eq!(
        handlers.keys().cloned().collect::<BTreeSet<_>>(),
        routes(),
        "ROUTES is the router's list"
    );
    assert!(
        pages.is_empty(),
        "the server routes nothing of its own (the API is in src/http, the pages in src/web): {pages:?}"
    );
    assert!(
        source("src/server/mod.rs").contains("crate::http::openapi::routes()"),
        "the API's routes and their description come from one list"
    );
    assert!(
        source("src/server/mod.rs").contains(".merge(crate::web::routes())"),
        "the web pages (src/web) are merged beside the API"
    );
    assert_eq!(described, routes());
    for ((method, path), handler) in &handlers {
        let operation = &doc["paths"][path][method];
        let responses = &operation["responses"];
        let security = &operation["security"];
        if takes_a_token(handler) {
            assert_eq!(
                security,
                &json!([{"bearerAuth": []}]),
                "{method} {path}: {handler} needs a bearer token"
            );
            assert_eq!(
                responses["401"]["$ref"], "#/components/responses/Unauthenticated",
                "{method} {path}"
            );
            if method != "get" {
                assert_eq!(
                    responses["429"]["$ref"], "#/components/responses/TooManyWrites",
                    "{method} {path}: writes are limited"
                );
            }
        } else if method == "post" && READS_BY_POST.contains(&path.as_str()) {
            assert_eq!(security, &read_security(), "{method} {path}: a read");
            assert_eq!(
                responses["401"]["$ref"], "#/components/responses/PrivateRead",
                "{method} {path}: 401 on a private server"
            );
            assert!(
                reads_as_the_server_allows(handler),
                "{method} {path}: {handler} checks the private server's rule itself"
            );
        } else {
            assert_eq!(method, "get", "{path}: every write needs a token");
            if path == "/healthz" || path == "/readyz" {
                assert_eq!(security, &json!([]), "{path} is always open");
            } else {
                assert_eq!(security, &read_security(), "{method} {path}: a read");
                assert_eq!(
                    responses["401"]["$ref"], "#/components/responses/PrivateRead",
                    "{method} {path}: 401 on a private server"
                );
            }
        }
        let unavailable = if path == "/readyz" {
            "#/components/responses/NotReady"
        } else {
            "#/components/responses/Unavailable"
        };
        assert_eq!(
            responses["503"]["$ref"], unavailable,
            "{method} {path}: every request has a time limit, and the store may be unavailable"
        );
        let declared: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| resolve(&doc, p))
            .filter(|p| p["in"] == "path")
            .filter_map(|p| p["name"].as_str())
            .collect();
        let in_template: BTreeSet<&str> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        assert_eq!(declared, in_template, "{method} {path}: path parameters");
    }
}

#[tokio::test]
async fn every_reference_resolves_and_every_object_schema_is_closed() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;

    let mut targets = Vec::new();
    references(&doc, &mut targets);

    assert!(targets.len() > 50);
    for target in targets {
        assert!(
            doc.pointer(target.trim_start_matches('#')).is_some(),
            "`{target}` resolves"
        );
    }
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if schema["type"] == "object" {
            assert_eq!(schema["additionalProperties"], false, "{name} is closed");
            for required in schema["required"].as_array().unwrap() {
                let required = required.as_str().unwrap();
                assert!(
                    schema["properties"].get(required).is_some(),
                    "{name}.{required}"
                );
            }
        }
    }
}

#[tokio::test]
async fn real_answers_on_the_demo_data_match_their_response_schemas() {
    let app = TestApp::spawn_with_demo().await;
    let t = app.tokens().await;
    let doc = document(&app).await;
    let gets = [
        "/healthz",
        "/readyz",
        "/api/v1/frameworks",
        "/api/v1/frameworks/ascc-strategic-plan",
        "/api/v1/frameworks/ascc-blueprint-2025",
        "/api/v1/frameworks/ascc-strategic-plan/measures",
        "/api/v1/frameworks/ascc-blueprint-2025/measures?node=C&q=cities",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-09-30",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-09-30&known_at=2026-10-01T00:00:00Z",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-09-30&basis=validated",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=VNM",
        "/api/v1/frameworks/ascc-blueprint-2025/participants?as_of=2025-06-30",
        "/api/v1/frameworks/ascc-strategic-plan/progress?as_of=2026-09-30&scope=VNM&level=objective",
        "/api/v1/frameworks/ascc-strategic-plan/progress?as_of=2026-09-30&node=SG1&level=measure",
        "/api/v1/frameworks/ascc-strategic-plan/progress?as_of=2026-09-30&scope=VNM&basis=validated",
        // Characteristic A has no known measure: its rates are null.
        "/api/v1/frameworks/ascc-blueprint-2025/progress?as_of=2025-12-31&known_at=2026-11-01",
        "/api/v1/frameworks/ascc-strategic-plan/compare?as_of=2026-09-30",
        "/api/v1/frameworks/ascc-strategic-plan/compare?as_of=2026-09-30&basis=validated",
        "/api/v1/frameworks/ascc-blueprint-2025/compare?as_of=2025-12-31&states=VNM,tha&node=C.2",
        "/api/v1/frameworks/ascc-strategic-plan/timeline?from=2026-01-01&to=2026-09-30&every=month&scope=VNM",
        "/api/v1/frameworks/ascc-strategic-plan/timeline?from=2026-01-01&to=2026-09-30&basis=validated",
        "/api/v1/frameworks/ascc-blueprint-2025/timeline?every=year",
        "/api/v1/member-states",
        "/api/v1/openapi.json",
        "/api/v1/frameworks/ascc-blueprint-2025/report?as_of=2025-12-31",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=pdf",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=docx",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=csv",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=json",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=json&basis=validated",
        "/api/v1/frameworks/ascc-strategic-plan/charts/comparison.svg?as_of=2026-09-30",
        "/api/v1/frameworks/ascc-strategic-plan/charts/rates.svg?as_of=2026-09-30&basis=validated",
        "/api/v1/frameworks/ascc-blueprint-2025/charts/timeline.png?as_of=2025-12-31",
        "/api/v1/frameworks/ascc-strategic-plan/reports",
        "/api/v1/frameworks/ascc-strategic-plan/reports?validation=validated&scope=ASEAN&limit=3",
        "/api/v1/frameworks/ascc-strategic-plan/locks",
    ];
    let one = json!({"measure":"1.1.2","scope":"VNM","status":"ongoing","progress":40,
        "effective_date":"2026-03-31","note":"Draft guidelines adopted",
        "evidence_url":"https://asean.org/evidence/1"});
    let bulk = json!({"reports":[
        {"measure":"1.1.1","scope":"ASEAN","status":"completed","effective_date":"2026-06-30"},
        {"measure":"1.1.2","scope":"THA","status":"not_applicable","effective_date":"2026-06-30"}]});
    let second = json!({"measure":"1.1.3","scope":"VNM","status":"completed",
        "effective_date":"2026-04-30"});
    let late = json!({"measure":"1.1.2","scope":"ASEAN","status":"completed",
        "effective_date":"2026-05-31"});
    let fw = "/api/v1/frameworks/ascc-strategic-plan";
    let status = format!("{fw}/status");
    let base = app.base.as_str();
    let mut x = Exchanges::default();
    for path in gets {
        x.send(base, "get", path, None, None, 200).await;
    }
    // The report with an executive summary: a read with a body, public like the GET.
    let summary = json!({"format": "html", "as_of": "2026-09-30", "basis": "validated",
        "known_at": "2026-10-01T00:00:00Z", "summary": "## Reading\n\nThe plan is on course."});
    x.send(
        base,
        "post",
        &format!("{fw}/report"),
        None,
        Some(&summary),
        200,
    )
    .await;

    // Accounts and tokens.
    let me = x
        .send(base, "get", "/api/v1/me", Some(&t.vnm), None, 200)
        .await;
    assert_eq!(
        (&me["user"]["name"], &me["user"]["state"]),
        (&json!("vnm-focal"), &json!("VNM"))
    );
    x.send(base, "get", "/api/v1/users", Some(&t.admin), None, 200)
        .await;
    let tha = json!({"name":"tha-focal","role":"focal_point","state":"tha",
        "password":"a long enough passphrase"});
    let created = x
        .send(
            base,
            "post",
            "/api/v1/users",
            Some(&t.admin),
            Some(&tha),
            201,
        )
        .await;
    let tha_token = created["token"].as_str().unwrap().to_owned();
    for action in ["disable", "enable"] {
        let path = format!("/api/v1/users/tha-focal/{action}");
        x.send(base, "post", &path, Some(&t.admin), None, 200).await;
    }
    let password = json!({"password": "another long passphrase"});
    let path = "/api/v1/users/tha-focal/password";
    x.send(base, "put", path, Some(&tha_token), Some(&password), 204)
        .await;
    let path = "/api/v1/users/asec/totp";
    x.send(base, "post", path, Some(&t.secretariat), None, 201)
        .await;
    x.send(base, "delete", path, Some(&t.admin), None, 204)
        .await;
    let laptop = json!({"name":"laptop","expires_at":"2099-01-01T00:00:00Z"});
    let path = "/api/v1/users/vnm-focal/tokens";
    let token = x
        .send(base, "post", path, Some(&t.vnm), Some(&laptop), 201)
        .await;
    x.send(base, "get", path, Some(&t.vnm), None, 200).await;
    let path = format!("{path}/{}", token["info"]["id"]);
    x.send(base, "delete", &path, Some(&t.admin), None, 200)
        .await;

    // Reports, their review, and a lock with an admin's override.
    let reported = x
        .send(base, "post", &status, Some(&t.vnm), Some(&one), 201)
        .await;
    assert_eq!(reported["validation"]["state"], "reported");
    x.send(
        base,
        "post",
        &status,
        Some(&t.secretariat),
        Some(&bulk),
        201,
    )
    .await;
    let returned = x
        .send(base, "post", &status, Some(&t.vnm), Some(&second), 201)
        .await;
    let evidence = json!({"evidence_checked": true, "note": "Guidelines seen"});
    let path = format!("{fw}/reports/{}/validate", reported["id"]);
    let validated = x
        .send(
            base,
            "post",
            &path,
            Some(&t.secretariat),
            Some(&evidence),
            200,
        )
        .await;
    assert_eq!(
        (
            &validated["validation"]["state"],
            &validated["validation"]["by"]
        ),
        (&json!("validated"), &json!("asec"))
    );
    let reason = json!({"reason": "The evidence link is missing"});
    let path = format!("{fw}/reports/{}/return", returned["id"]);
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&reason),
        200,
    )
    .await;
    let path = format!("{fw}/reports?validation=returned&scope=vnm");
    let queue = x.send(base, "get", &path, None, None, 200).await;
    assert_eq!(queue["reports"][0]["id"], returned["id"]);
    // Indicators: a definition, targets, observations (one, a bulk), their review, and reads.
    let indicator = json!({"code":"SG1-1","title":"Social protection coverage","unit":"%",
        "direction":"increase","node":"1.1.2","source":"ILO"});
    let path = format!("{fw}/indicators");
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&indicator),
        201,
    )
    .await;
    x.send(base, "get", &path, None, None, 200).await;
    x.send(base, "get", &format!("{path}?node=SG1"), None, None, 200)
        .await;
    let target = json!({"scope":"VNM","baseline_year":2025,"baseline_value":40.0,
        "target_year":2030,"target_value":70.0});
    let path = format!("{fw}/indicators/SG1-1/targets");
    x.send(base, "post", &path, Some(&t.vnm), Some(&target), 201)
        .await;
    let path = format!("{fw}/observations");
    let observed = x
        .send(
            base,
            "post",
            &path,
            Some(&t.vnm),
            Some(&json!({"indicator":"SG1-1","scope":"VNM","year":2026,"value":45.0})),
            201,
        )
        .await;
    let bulk = json!({"observations":[
        {"indicator":"SG1-1","scope":"VNM","year":2027,"value":47.5},
        {"indicator":"SG1-1","scope":"VNM","year":2028,"value":50.0,"note":"provisional"}]});
    let many = x
        .send(base, "post", &path, Some(&t.vnm), Some(&bulk), 201)
        .await;
    assert_eq!(many["count"], 2);
    let path = format!("{fw}/observations/{}/validate", observed["id"]);
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&json!({"evidence_checked": true})),
        200,
    )
    .await;
    let path = format!("{fw}/observations/{}/return", many["observations"][1]["id"]);
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&json!({"reason": "Not yet published"})),
        200,
    )
    .await;
    let path = format!("{fw}/observations?scope=VNM");
    let queue = x.send(base, "get", &path, None, None, 200).await;
    let waiting: Vec<&Value> = queue["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["id"])
        .collect();
    assert!(
        waiting.contains(&&many["observations"][0]["id"]),
        "the 2027 value awaits review"
    );
    let path = format!("{fw}/observations?validation=returned&limit=5");
    let queue = x.send(base, "get", &path, None, None, 200).await;
    assert_eq!(
        queue["observations"][0]["validation"]["reason"],
        "Not yet published"
    );
    let path = format!("{fw}/indicators/SG1-1");
    let detail = x.send(base, "get", &path, None, None, 200).await;
    assert_eq!(detail["observations"].as_array().unwrap().len(), 3);
    let path = format!("{fw}/indicators/SG1-1/progress?as_of=2028-12-31&basis=validated");
    x.send(base, "get", &path, None, None, 200).await;
    let path = format!("{fw}/indicator-progress?as_of=2028-12-31&scope=VNM");
    x.send(base, "get", &path, None, None, 200).await;

    let cut_off = json!({"until": "2026-06-30", "note": "Review cut-off"});
    let path = format!("{fw}/locks");
    let lock = x
        .send(
            base,
            "post",
            &path,
            Some(&t.secretariat),
            Some(&cut_off),
            201,
        )
        .await;
    // Refusals, which the audit trail records too: a back-dated report inside the lock, a
    // viewer's write.
    let refused = x
        .send(base, "post", &status, Some(&t.vnm), Some(&one), 409)
        .await;
    assert_eq!(refused["code"], "locked_period");
    x.send(base, "post", &status, Some(&t.viewer), Some(&one), 403)
        .await;
    let path = format!("{status}?override_lock=true");
    let overridden = x
        .send(base, "post", &path, Some(&t.admin), Some(&late), 201)
        .await;
    assert_eq!(
        (&overridden["lock_id"], &overridden["lock_override"]),
        (&lock["id"], &json!(true))
    );
    let path = format!("{fw}/locks/{}", lock["id"]);
    x.send(base, "delete", &path, Some(&t.admin), None, 200)
        .await;

    // Files: templates, exports in every format, and an import (a dry run, then for real).
    for path in [
        format!("{fw}/status/template?scope=VNM"),
        format!("{fw}/status/template?scope=ASEAN&format=xlsx"),
        format!("{fw}/status/export?as_of=2026-09-30"),
        format!("{fw}/status/export?as_of=2026-09-30&format=xlsx&scope=VNM"),
        format!("{fw}/status/export?as_of=2026-09-30&format=sdmx-csv"),
        format!("{fw}/status/export?what=history&measure=1.1.2&format=xlsx"),
        format!("{fw}/status/export?what=progress&as_of=2026-09-30&level=goal&format=sdmx-csv"),
    ] {
        x.send(base, "get", &path, None, None, 200).await;
    }
    let file = b"framework,measure,scope,status,progress,effective_date,note,evidence_url\n\
        ascc-strategic-plan,1.2.1,VNM,ongoing,30,2026-09-30,Imported,\n\
        ascc-strategic-plan,1.2.2,VNM,,,,,\n";
    for (query, code) in [("?dry_run=true", 200), ("", 201)] {
        let response = app
            .import("ascc-strategic-plan", query, Some(&t.vnm), "vnm.csv", file)
            .await;
        let path = format!("{fw}/status/import{query}");
        let summary = x.keep("post", &path, code, response).await;
        assert_eq!(
            (&summary["stored"], &summary["blank"]),
            (&json!(1), &json!(1))
        );
    }

    // Indicator files: a definitions file, Viet Nam's SDMX-CSV (a dry run, then for real), a
    // template and the exports.
    let definitions = b"code,title,unit,direction,node,scope,baseline_year,baseline_value,target_year,target_value\n\
        SG2-1,Forest cover,%,increase,2.1.1,VNM,2025,40,2030,45\n";
    let response = app
        .upload(
            &format!("{fw}/indicator-import"),
            Some(&t.secretariat),
            "indicators.csv",
            definitions,
        )
        .await;
    let summary = x
        .keep("post", &format!("{fw}/indicator-import"), 201, response)
        .await;
    assert_eq!(
        (&summary["created"], &summary["targets"]),
        (&json!(1), &json!(1))
    );
    let sdmx = b"DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\n\
        ASEAN:DF(1.0),VN,SG2-1,2026,41.5\nASEAN:DF(1.0),VNM,SG2-1,2027,\n";
    for (query, code) in [("?sdmx=true&dry_run=true", 200), ("?sdmx=true", 201)] {
        let path = format!("{fw}/observations/import{query}");
        let response = app.upload(&path, Some(&t.vnm), "vnm.csv", sdmx).await;
        let summary = x.keep("post", &path, code, response).await;
        assert_eq!(
            (&summary["stored"], &summary["blank"]),
            (&json!(1), &json!(1))
        );
    }
    for path in [
        format!("{fw}/observations/template?scope=VNM"),
        format!("{fw}/observations/template?scope=ASEAN&format=xlsx"),
        format!("{fw}/indicator-export"),
        format!("{fw}/indicator-export?what=observations&format=sdmx-csv"),
        format!("{fw}/indicator-export?what=indicator-progress&as_of=2028-12-31&format=xlsx"),
    ] {
        x.send(base, "get", &path, None, None, 200).await;
    }

    // Reporting rounds: the demo's, a new one, a plan, submissions and decisions, the matrix.
    for path in [
        format!("{fw}/rounds"),
        format!("{fw}/rounds/2026-Q3"),
        format!("{fw}/rounds/2026-Q4"),
        format!("{fw}/rounds/2026-Q2/submissions"),
        format!("{fw}/rounds-matrix"),
        format!("{fw}/rounds-matrix?format=csv"),
        format!("{fw}/rounds-matrix?format=xlsx"),
    ] {
        x.send(base, "get", &path, None, None, 200).await;
    }
    let round = json!({"code":"2026-S","period_start":"2026-10-01","period_end":"2026-11-30",
        "opens_on":"2026-11-16","due_on":"2026-12-31"});
    let path = format!("{fw}/rounds");
    x.send(base, "post", &path, Some(&t.secretariat), Some(&round), 201)
        .await;
    let plan = json!({"every":"half-year","from":"2026-01-01","to":"2027-12-31","due_days":30});
    let path = format!("{fw}/rounds/plan");
    let planned = x
        .send(base, "post", &path, Some(&t.secretariat), Some(&plan), 200)
        .await;
    assert_eq!(planned["created"].as_array().unwrap().len(), 4);
    let path = format!("{fw}/rounds/2026-S/submissions");
    x.send(
        base,
        "post",
        &path,
        Some(&t.vnm),
        Some(&json!({"scope":"VNM"})),
        201,
    )
    .await;
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&json!({"scope":"THA"})),
        201,
    )
    .await;
    let path = format!("{fw}/rounds/2026-S/submissions/VNM/return");
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&json!({"reason":"no evidence"})),
        201,
    )
    .await;
    // Several at once, from the review desk.
    let first = x
        .send(base, "post", &status, Some(&t.vnm), Some(&one), 201)
        .await;
    let next = x
        .send(base, "post", &status, Some(&t.vnm), Some(&second), 201)
        .await;
    let several = json!({"ids": [first["id"]], "evidence_checked": true});
    let path = format!("{fw}/reports/validate");
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&several),
        200,
    )
    .await;
    let several = json!({"ids": [next["id"]], "reason": "The evidence link is missing"});
    let path = format!("{fw}/reports/return");
    x.send(base, "post", &path, Some(&t.admin), Some(&several), 200)
        .await;
    let path = format!("{fw}/rounds/2026-S/submissions/THA/accept");
    x.send(base, "post", &path, Some(&t.admin), None, 201).await;
    x.send(base, "get", &format!("{fw}/rounds/2026-S"), None, None, 200)
        .await;

    // Published figures: the shipped claim, a new one (a member state's, and an indicator's
    // whose undefined rules have no figure), an import; a review edition and its files.
    let listed = x.send(base, "get", "/api/v1/claims", None, None, 200).await;
    let shipped = listed[0]["claim"]["id"].as_i64().unwrap();
    let path = "/api/v1/claims?framework=ascc-blueprint-2025";
    x.send(base, "get", path, None, None, 200).await;
    let path = format!("/api/v1/claims/{shipped}");
    x.send(base, "get", &path, None, None, 200).await;
    let claim = json!({"framework":"ascc-strategic-plan","scope":"VNM",
        "metric":"implementation_rate","value":0.5,"precision":0.01,"as_of":"2026-09-30",
        "published_on":"2026-10-15","statement":"Half under way","source_title":"A review",
        "source_url":"https://example.org/review","note":null});
    x.send(
        base,
        "post",
        "/api/v1/claims",
        Some(&t.secretariat),
        Some(&claim),
        201,
    )
    .await;
    let file = "framework,scope,metric,value,precision,as_of,published_on,statement,source_title\n\
        ascc-strategic-plan,ASEAN,completion_rate,10%,1%,2026-09-30,2026-10-15,A tenth done,A review\n";
    let response = app
        .upload(
            "/api/v1/claims/import",
            Some(&t.admin),
            "claims.csv",
            file.as_bytes(),
        )
        .await;
    x.keep("post", "/api/v1/claims/import", 201, response).await;
    let edition = json!({"title":"Q3 2026 review","as_of":"2026-09-30"});
    let path = format!("{fw}/editions");
    let frozen = x
        .send(
            base,
            "post",
            &path,
            Some(&t.secretariat),
            Some(&edition),
            201,
        )
        .await;
    x.send(base, "get", &path, None, None, 200).await;
    let id = frozen["id"].as_i64().unwrap();
    for path in [
        format!("/api/v1/editions/{id}"),
        format!("/api/v1/editions/{id}/since"),
        format!("/api/v1/editions/{id}/report"),
        format!("/api/v1/editions/{id}/report?format=html"),
        format!("/api/v1/editions/{id}/report?format=json"),
    ] {
        x.send(base, "get", &path, None, None, 200).await;
    }

    // The audit trail of all that.
    let trail = x
        .send(base, "get", "/api/v1/audit", Some(&t.admin), None, 200)
        .await;
    let actions: BTreeSet<&str> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for action in [
        "user.create",
        "user.disable",
        "user.password",
        "user.totp",
        "token.create",
        "token.revoke",
        "status.record",
        "status.record_override",
        "report.validate",
        "report.return",
        "lock.create",
        "lock.release",
        "import",
        "round.create",
        "round.submit",
        "round.accept",
        "round.return",
        "claim.add",
        "edition.create",
    ] {
        assert!(actions.contains(action), "{action} in {actions:?}");
    }
    let path =
        "/api/v1/audit?action=lock.create&framework=ascc-strategic-plan&from=2026-01-01&limit=5";
    x.send(base, "get", path, Some(&t.secretariat), None, 200)
        .await;

    let exercised = check_answers(&doc, &x);
    assert_eq!(exercised, routes(), "every route is exercised");
}

#[tokio::test]
async fn problem_answers_match_the_problem_schema_with_the_codes_listed_for_their_route() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let doc = document(&app).await;
    let fw = "/api/v1/frameworks/ascc-strategic-plan";
    let gets = [
        ("/api/v1/frameworks/nope", None, 404),
        (
            "/api/v1/frameworks/ascc-strategic-plan/measures?node=ZZ",
            None,
            404,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/measures/9.9.9/status",
            None,
            404,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=A1",
            None,
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/participants?as_of=soon",
            None,
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/progress?level=chapter",
            None,
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/progress?basis=approved",
            None,
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?basis=approved",
            None,
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/compare?states=XYZ",
            None,
            404,
        ),
        (
            "/api/v1/frameworks/ascc-blueprint-2025/timeline?scope=TLS",
            None,
            422,
        ),
        ("/api/v1/frameworks/nope/locks", None, 404),
        (
            "/api/v1/frameworks/ascc-strategic-plan/reports?validation=maybe",
            None,
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/reports?scope=XYZ",
            None,
            404,
        ),
        ("/api/v1/me", None, 401),
        ("/api/v1/me", Some("bt_unknown"), 401),
        ("/api/v1/users", Some(t.secretariat.as_str()), 403),
        ("/api/v1/users/admin/tokens", Some(t.vnm.as_str()), 403),
        ("/api/v1/users/nobody/tokens", Some(t.admin.as_str()), 404),
        ("/api/v1/audit", Some(t.vnm.as_str()), 403),
        ("/api/v1/audit?before=last", Some(t.admin.as_str()), 400),
    ];
    let report = json!({"measure":"1.1.2","scope":"VNM","status":"ongoing",
        "effective_date":"2026-03-31"});
    let typo = json!({"measure":"1.1.2","scope":"VNM","status":"done",
        "effective_date":"2026-03-31"});
    let unknown = json!({"measure":"9.9.9","scope":"VNM","status":"ongoing",
        "effective_date":"2026-03-31"});
    let too_many = json!({ "reports": vec![json!({}); 10_001] });
    let status = format!("{fw}/status");
    let override_lock = format!("{status}?override_lock=true");
    let posts = [
        (status.as_str(), None, &report, 401),
        (status.as_str(), Some("bt_unknown"), &report, 401),
        (status.as_str(), Some(t.viewer.as_str()), &report, 403),
        (status.as_str(), Some(t.vnm.as_str()), &typo, 422),
        (status.as_str(), Some(t.vnm.as_str()), &unknown, 404),
        (
            status.as_str(),
            Some(t.secretariat.as_str()),
            &too_many,
            413,
        ),
        (
            override_lock.as_str(),
            Some(t.secretariat.as_str()),
            &report,
            403,
        ),
    ];
    let base = app.base.as_str();
    let mut x = Exchanges::default();
    for (path, token, code) in gets {
        x.send(base, "get", path, token, None, code).await;
    }
    for (path, token, body, code) in posts {
        x.send(base, "post", path, token, Some(body), code).await;
    }
    let path = format!("{status}?override_lock=maybe");
    x.send(base, "post", &path, Some(&t.admin), Some(&report), 400)
        .await;
    // Published figures and editions.
    let bad_claim = json!({"framework":"ascc-strategic-plan","scope":"ASEAN","metric":"rate",
        "value":1.5,"precision":0,"as_of":"2026-09-30","published_on":"2026-10-15",
        "statement":"s","source_title":"t"});
    let mut unknown_framework = bad_claim.clone();
    unknown_framework["framework"] = json!("nope");
    for (body, token, code) in [
        (&bad_claim, Some(t.secretariat.as_str()), 422),
        (&bad_claim, Some(t.viewer.as_str()), 403),
        (&bad_claim, None, 401),
        (&unknown_framework, Some(t.admin.as_str()), 404),
    ] {
        x.send(base, "post", "/api/v1/claims", token, Some(body), code)
            .await;
    }
    let edition = json!({"title":"x","as_of":"2099-01-01"});
    let path = format!("{fw}/editions");
    x.send(base, "post", &path, Some(&t.admin), Some(&edition), 422)
        .await;
    x.send(base, "post", &path, Some(&t.vnm), Some(&edition), 403)
        .await;
    let path = "/api/v1/frameworks/nope/editions";
    x.send(base, "post", path, Some(&t.admin), Some(&edition), 404)
        .await;
    for (path, code) in [
        ("/api/v1/claims?framework=nope", 404),
        ("/api/v1/claims/abc", 400),
        ("/api/v1/claims/999", 404),
        ("/api/v1/frameworks/nope/editions", 404),
        ("/api/v1/editions/999", 404),
        ("/api/v1/editions/999/since", 404),
        ("/api/v1/editions/999/report?format=csv", 400),
        ("/api/v1/editions/999/report", 404),
    ] {
        x.send(base, "get", path, None, None, code).await;
    }
    let text = app
        .client
        .post(format!("{}{status}", app.base))
        .bearer_auth(&t.vnm)
        .header("content-type", "text/plain")
        .body("ongoing");
    x.keep("post", &status, 415, text.send().await.unwrap())
        .await;

    // Imports, templates and exports refused.
    let good = b"measure,scope,status,effective_date\n1.1.2,VNM,ongoing,2026-03-31\n";
    let bad = b"measure,scope,status,effective_date\n1.1.2,VNM,done,2026-03-31\n";
    let other = b"measure,scope,status,effective_date\n1.1.2,THA,ongoing,2026-03-31\n";
    let import = format!("{status}/import");
    for (framework, query, token, file, code) in [
        ("ascc-strategic-plan", "", None, &good[..], 401),
        (
            "ascc-strategic-plan",
            "",
            Some(t.vnm.as_str()),
            &bad[..],
            422,
        ),
        (
            "ascc-strategic-plan",
            "",
            Some(t.vnm.as_str()),
            &other[..],
            403,
        ),
        (
            "ascc-strategic-plan",
            "?dry_run=maybe",
            Some(t.vnm.as_str()),
            &good[..],
            400,
        ),
        ("nope", "", Some(t.admin.as_str()), &good[..], 404),
    ] {
        let response = app.import(framework, query, token, "f.csv", file).await;
        let path = format!("/api/v1/frameworks/{framework}/status/import{query}");
        x.keep("post", &path, code, response).await;
    }
    let plain = app
        .client
        .post(format!("{}{import}", app.base))
        .bearer_auth(&t.vnm)
        .header("content-type", "text/csv")
        .body(good.to_vec());
    x.keep("post", &import, 415, plain.send().await.unwrap())
        .await;
    for (path, code) in [
        (format!("{fw}/status/template"), 400),
        (format!("{fw}/status/template?scope=XYZ"), 404),
        (
            "/api/v1/frameworks/ascc-blueprint-2025/status/template?scope=TLS".to_owned(),
            422,
        ),
        (format!("{fw}/status/export?what=everything"), 400),
        (format!("{fw}/status/export?format=pdf"), 400),
        (
            format!("{fw}/status/export?what=history&measure=9.9.9"),
            404,
        ),
        (
            "/api/v1/frameworks/ascc-blueprint-2025/status/export?scope=TLS".to_owned(),
            422,
        ),
    ] {
        x.send(base, "get", &path, None, None, code).await;
    }

    // A lock refuses back-dated reports.
    let locks = format!("{fw}/locks");
    let cut_off = json!({"until": "2026-06-30"});
    let outside = json!({"until": "2040-01-01", "colour": "red"});
    x.send(base, "post", &locks, Some(&t.vnm), Some(&cut_off), 403)
        .await;
    x.send(
        base,
        "post",
        &locks,
        Some(&t.secretariat),
        Some(&outside),
        422,
    )
    .await;
    let lock = x
        .send(
            base,
            "post",
            &locks,
            Some(&t.secretariat),
            Some(&cut_off),
            201,
        )
        .await;
    let refused = x
        .send(base, "post", &status, Some(&t.vnm), Some(&report), 409)
        .await;
    assert_eq!(refused["code"], "locked_period");
    assert_eq!(app.stored_reports().await, 0);
    let release = format!("{locks}/{}", lock["id"]);
    x.send(base, "delete", &release, Some(&t.secretariat), None, 403)
        .await;
    x.send(base, "delete", &release, Some(&t.admin), None, 200)
        .await;
    x.send(base, "delete", &release, Some(&t.admin), None, 409)
        .await;
    for (path, code) in [(format!("{locks}/999"), 404), (format!("{locks}/one"), 400)] {
        x.send(base, "delete", &path, Some(&t.admin), None, code)
            .await;
    }

    // Reviews of reports that are not there.
    let evidence = json!({"evidence_checked": true});
    let path = format!("{fw}/reports/999/validate");
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&evidence),
        404,
    )
    .await;
    let path = format!("{fw}/reports/validate");
    for (body, code) in [
        (json!({"ids": [999], "evidence_checked": true}), 404),
        (json!({"ids": [], "evidence_checked": true}), 422),
    ] {
        x.send(base, "post", &path, Some(&t.secretariat), Some(&body), code)
            .await;
    }
    let path = format!("{fw}/reports/return");
    x.send(
        base,
        "post",
        &path,
        Some(&t.viewer),
        Some(&json!({"ids": [1], "reason": "no"})),
        403,
    )
    .await;
    let path = format!("{fw}/reports/one/return");
    let reason = json!({"reason": "no"});
    x.send(
        base,
        "post",
        &path,
        Some(&t.secretariat),
        Some(&reason),
        400,
    )
    .await;

    // Accounts.
    let users = "/api/v1/users";
    let chief = json!({"name": "chief", "role": "chief"});
    let taken = json!({"name": "asec", "role": "viewer"});
    x.send(base, "post", users, Some(&t.admin), Some(&chief), 422)
        .await;
    x.send(base, "post", users, Some(&t.admin), Some(&taken), 409)
        .await;
    x.send(base, "post", users, Some(&t.vnm), Some(&taken), 403)
        .await;
    let path = "/api/v1/users/nobody/disable";
    x.send(base, "post", path, Some(&t.admin), None, 404).await;
    let path = "/api/v1/users/admin/disable";
    x.send(base, "post", path, Some(&t.admin), None, 409).await;
    let short = json!({"password": "short"});
    let path = "/api/v1/users/admin/password";
    x.send(base, "put", path, Some(&t.vnm), Some(&short), 403)
        .await;
    let path = "/api/v1/users/vnm-focal/password";
    x.send(base, "put", path, Some(&t.vnm), Some(&short), 422)
        .await;
    let path = "/api/v1/users/reader/totp";
    x.send(base, "post", path, Some(&t.admin), None, 422).await;
    let path = "/api/v1/users/vnm-focal/tokens";
    let expired = json!({"name": "old", "expires_at": "2020-01-01T00:00:00Z"});
    x.send(base, "post", path, Some(&t.vnm), Some(&expired), 422)
        .await;
    for (path, code) in [
        ("/api/v1/users/vnm-focal/tokens/999", 404),
        ("/api/v1/users/vnm-focal/tokens/first", 400),
    ] {
        x.send(base, "delete", path, Some(&t.vnm), None, code).await;
    }

    // Too many writes, on a server that admits one write a second (bursts of two).
    let limited = serve_with(
        &app,
        Settings {
            write_rate: 1,
            ..Settings::default()
        },
    )
    .await;
    let mut throttled = None;
    for _ in 0..10 {
        let response = app
            .client
            .post(format!("{limited}{status}"))
            .bearer_auth(&t.viewer)
            .json(&report)
            .send()
            .await
            .unwrap();
        if response.status() == 429 {
            throttled = Some(response);
            break;
        }
    }
    x.keep(
        "post",
        &status,
        429,
        throttled.expect("a 429 within 10 writes"),
    )
    .await;

    // A private server's reads: 401 without a token or a session.
    let private = serve_with(
        &app,
        Settings {
            private: true,
            ..Settings::default()
        },
    )
    .await;
    for path in [
        "/api/v1/frameworks",
        &format!("{fw}/locks"),
        "/api/v1/openapi.json",
    ] {
        x.send(&private, "get", path, None, None, 401).await;
    }
    x.send(
        &private,
        "get",
        &format!("{fw}/reports"),
        Some("bt_unknown"),
        None,
        401,
    )
    .await;

    check_answers(&doc, &x);
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_private_server_answers_reads_to_a_token_or_the_session_cookie() {
    let app = TestApp::spawn_with_demo().await;
    let t = app.tokens().await;
    let doc = document(&app).await;
    let password = "correct horse battery staple";
    let account = NewAccount {
        password: Some(Secret::new(password)),
        ..NewAccount::new("lan", Role::FocalPoint, Some("VNM".parse().unwrap()))
    };
    app.tracker.create_account(None, &account).await.unwrap();
    let login = app
        .tracker
        .login("lan", &Secret::new(password), None, None)
        .await
        .unwrap();
    let cookie = format!(
        "{}={}",
        blueprint_tracker::web::COOKIE,
        login.cookie.expose()
    );
    let private = serve_with(
        &app,
        Settings {
            private: true,
            ..Settings::default()
        },
    )
    .await;
    let path = "/api/v1/frameworks/ascc-strategic-plan/progress?as_of=2026-09-30";

    let mut x = Exchanges::default();
    x.send(&private, "get", path, None, None, 401).await;
    x.send(&private, "get", path, Some(&t.viewer), None, 200)
        .await;
    let with_cookie = x
        .client
        .get(format!("{private}{path}"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    x.keep("get", path, 200, with_cookie).await;
    // The account routes need a token: a session cookie is not enough.
    let me = x
        .client
        .get(format!("{private}/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    x.keep("get", "/api/v1/me", 401, me).await;
    x.send(&private, "get", "/healthz", None, None, 200).await;
    x.send(&private, "get", "/readyz", None, None, 200).await;
    // A read sent as a POST (the report with an executive summary) too.
    let report = "/api/v1/frameworks/ascc-strategic-plan/report";
    let body = json!({"format": "json", "as_of": "2026-09-30", "summary": "Hello"});
    x.send(&private, "post", report, None, Some(&body), 401)
        .await;
    // Whatever the body: who may read is asked first.
    x.send(&private, "post", report, None, None, 401).await;
    x.send(&private, "post", report, Some(&t.viewer), Some(&body), 200)
        .await;

    check_answers(&doc, &x);
}
