//! The OpenAPI description (`src/http/openapi.json`, served at `/api/v1/openapi.json`) against
//! the router and against real answers: every route is described and nothing else, and every
//! answer has the shape its schema gives. Every object schema of the document is closed
//! (`additionalProperties: false`), so an answer may hold no member its schema does not list.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::support::TestApp;

/// Every (method, path) the router serves (`src/http/mod.rs`).
const ROUTES: [(&str, &str); 15] = [
    ("get", "/healthz"),
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
    ("get", "/api/v1/frameworks/{fw}/charts/{file}"),
    ("post", "/api/v1/frameworks/{fw}/status"),
    ("get", "/api/v1/member-states"),
    ("get", "/api/v1/openapi.json"),
];

const METHODS: [&str; 8] = [
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

fn routes() -> BTreeSet<(String, String)> {
    ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect()
}

async fn document(app: &TestApp) -> Value {
    app.get_json("/api/v1/openapi.json").await
}

/// The (method, path) pairs of `src/http/mod.rs`, read from its `router` function: the routes
/// of the first `Router::new()` nested under the prefix of `.nest("…", api)`, then the others.
fn routes_in_the_source() -> BTreeSet<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/mod.rs");
    let source = std::fs::read_to_string(path).unwrap();
    let router = source.split("pub fn router(").nth(1).unwrap();
    let router = router.split("\n}\n").next().unwrap();
    let prefix = router.split(".nest(\"").nth(1).unwrap().split('"').next();
    let mut found = BTreeSet::new();
    for (n, part) in router.split("Router::new()").skip(1).enumerate() {
        for route in part.split(".route(").skip(1) {
            let template = route.split('"').nth(1).unwrap();
            let path = format!("{}{template}", if n == 0 { prefix.unwrap() } else { "" });
            for method in METHODS
                .iter()
                .filter(|m| route.contains(&format!("{m}(api::")))
            {
                found.insert(((*method).to_owned(), path.clone()));
            }
        }
    }
    found
}

/// The schema of the answer `status` of `method` `template`, and its media type.
fn response_schema<'a>(
    doc: &'a Value,
    method: &str,
    template: &str,
    status: u16,
) -> (&'a Value, String) {
    let responses = &doc["paths"][template][method]["responses"];
    let response = resolve(doc, &responses[status.to_string()]);
    let content = response["content"].as_object().unwrap();
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

/// Checks each answer's status, media type and body against the document; returns the routes
/// answered.
async fn check_answers(
    doc: &Value,
    answers: Vec<(&str, &str, u16, reqwest::Response)>,
) -> BTreeSet<(String, String)> {
    let mut routes = BTreeSet::new();
    for (method, path, status, response) in answers {
        let template = template_of(method, path);
        assert_eq!(response.status(), status, "{method} {path}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        let essence = content_type.split(';').next().unwrap().trim().to_owned();
        if !essence.ends_with("json") || template.ends_with("/report") {
            // A document or an image (the report, a chart): its media type is listed, and
            // the body is not empty.
            let content =
                &doc["paths"][template][method]["responses"][status.to_string()]["content"];
            assert!(
                content.get(&essence).is_some(),
                "{method} {path}: {essence} is described"
            );
            assert!(!response.bytes().await.unwrap().is_empty(), "{path}");
            routes.insert((method.to_owned(), template.to_owned()));
            continue;
        }
        let (schema, media) = response_schema(doc, method, template, status);
        assert_eq!(content_type, media.as_str(), "{path}");
        let body: Value = response.json().await.unwrap();
        let checked = check(doc, schema, &body, "$");
        assert!(checked.is_ok(), "{method} {path}: {}", checked.unwrap_err());
        routes.insert((method.to_owned(), template.to_owned()));
    }
    routes
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
    let bearer = &doc["components"]["securitySchemes"]["bearerAuth"];
    assert_eq!(
        (&bearer["type"], &bearer["scheme"]),
        (&json!("http"), &json!("bearer"))
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

    assert_eq!(
        routes_in_the_source(),
        routes(),
        "ROUTES is the router's list"
    );
    assert_eq!(described, routes());
    for (method, path) in routes() {
        let operation = &doc["paths"][&path][&method];
        let secured = operation.get("security").is_some();
        assert_eq!(
            secured,
            method == "post",
            "{method} {path}: writes need a token"
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
        "/api/v1/frameworks",
        "/api/v1/frameworks/ascc-strategic-plan",
        "/api/v1/frameworks/ascc-blueprint-2025",
        "/api/v1/frameworks/ascc-strategic-plan/measures",
        "/api/v1/frameworks/ascc-blueprint-2025/measures?node=C&q=cities",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-09-30",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-09-30&known_at=2026-10-01T00:00:00Z",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=VNM",
        "/api/v1/frameworks/ascc-blueprint-2025/participants?as_of=2025-06-30",
        "/api/v1/frameworks/ascc-strategic-plan/progress?as_of=2026-09-30&scope=VNM&level=objective",
        "/api/v1/frameworks/ascc-strategic-plan/progress?as_of=2026-09-30&node=SG1&level=measure",
        // Characteristic A has no known measure: its rates are null.
        "/api/v1/frameworks/ascc-blueprint-2025/progress?as_of=2025-12-31&known_at=2026-11-01",
        "/api/v1/frameworks/ascc-strategic-plan/compare?as_of=2026-09-30",
        "/api/v1/frameworks/ascc-blueprint-2025/compare?as_of=2025-12-31&states=VNM,tha&node=C.2",
        "/api/v1/frameworks/ascc-strategic-plan/timeline?from=2026-01-01&to=2026-09-30&every=month&scope=VNM",
        "/api/v1/frameworks/ascc-blueprint-2025/timeline?every=year",
        "/api/v1/member-states",
        "/api/v1/openapi.json",
        "/api/v1/frameworks/ascc-blueprint-2025/report?as_of=2025-12-31",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=pdf",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=csv",
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&format=json",
        "/api/v1/frameworks/ascc-strategic-plan/charts/comparison.svg?as_of=2026-09-30",
        "/api/v1/frameworks/ascc-blueprint-2025/charts/timeline.png?as_of=2025-12-31",
    ];
    let one = json!({"measure":"1.1.2","scope":"VNM","status":"ongoing","progress":40,
        "effective_date":"2026-03-31","note":"Draft guidelines adopted",
        "evidence_url":"https://asean.org/evidence/1"});
    let bulk = json!({"reports":[
        {"measure":"1.1.1","scope":"ASEAN","status":"completed","effective_date":"2026-06-30"},
        {"measure":"1.1.2","scope":"THA","status":"not_applicable","effective_date":"2026-06-30"}]});
    let status = "/api/v1/frameworks/ascc-strategic-plan/status";

    let mut answers = Vec::new();
    for path in gets {
        answers.push(("get", path, 200, app.get(path).await));
    }
    answers.push((
        "post",
        status,
        201,
        app.post(status, Some(&t.vnm), &one).await,
    ));
    answers.push((
        "post",
        status,
        201,
        app.post(status, Some(&t.secretariat), &bulk).await,
    ));

    let exercised = check_answers(&doc, answers).await;
    assert_eq!(exercised, routes(), "every route is exercised");
}

#[tokio::test]
async fn problem_answers_match_the_problem_schema_with_the_codes_listed_for_their_route() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let doc = document(&app).await;
    let gets = [
        ("/api/v1/frameworks/nope", 404),
        (
            "/api/v1/frameworks/ascc-strategic-plan/measures?node=ZZ",
            404,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/measures/9.9.9/status",
            404,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=A1",
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/participants?as_of=soon",
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/progress?level=chapter",
            400,
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/compare?states=XYZ",
            404,
        ),
        (
            "/api/v1/frameworks/ascc-blueprint-2025/timeline?scope=TLS",
            422,
        ),
    ];
    let report = json!({"measure":"1.1.2","scope":"VNM","status":"ongoing",
        "effective_date":"2026-03-31"});
    let typo = json!({"measure":"1.1.2","scope":"VNM","status":"done",
        "effective_date":"2026-03-31"});
    let unknown = json!({"measure":"9.9.9","scope":"VNM","status":"ongoing",
        "effective_date":"2026-03-31"});
    let too_many = json!({ "reports": vec![json!({}); 10_001] });
    let posts = [
        (None, &report, 401),
        (Some("bt_unknown"), &report, 401),
        (Some(t.viewer.as_str()), &report, 403),
        (Some(t.vnm.as_str()), &typo, 422),
        (Some(t.vnm.as_str()), &unknown, 404),
        (Some(t.secretariat.as_str()), &too_many, 413),
    ];
    let status = "/api/v1/frameworks/ascc-strategic-plan/status";

    let mut answers = Vec::new();
    for (path, code) in gets {
        answers.push(("get", path, code, app.get(path).await));
    }
    for (token, body, code) in posts {
        answers.push(("post", status, code, app.post(status, token, body).await));
    }
    let text = app
        .client
        .post(format!("{}{status}", app.base))
        .bearer_auth(&t.vnm)
        .header("content-type", "text/plain")
        .body("ongoing");
    answers.push(("post", status, 415, text.send().await.unwrap()));

    check_answers(&doc, answers).await;
    assert_eq!(app.stored_reports().await, 0);
}
