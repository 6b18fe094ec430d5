//! The API's routes and its OpenAPI 3.1 description, from one list.
//!
//! Every route is mounted here with `utoipa_axum`'s `routes!`, which takes the handler's
//! `#[utoipa::path]` annotation (method, path, parameters, answers) along with the handler: a
//! route cannot be added without its description, and the description cannot name a route that
//! is not served. Schemas are derived from the types the handlers send (`ToSchema`); the shared
//! parameters, answers and request bodies are in [`super::doc`]. The document served at
//! `/api/v1/openapi.json` is built once, then tidied by [`tidy`]:
//! - each annotation's `x-problem-codes` (status → the problem `code`s the route can answer with
//!   it) becomes the `code` enumeration of that answer's schema;
//! - objects are closed (`additionalProperties: false`): an answer holds no member its schema
//!   does not list; the members of a flattened part (`#[serde(flatten)]`, which utoipa writes as
//!   `allOf`) are merged into the one object, as they are on the wire.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{admin, api, claims, doc, indicator_transfer, indicators, report, rounds, transfer};
use crate::edge::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "blueprint-tracker",
        description = include_str!("openapi_intro.md"),
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
    ),
    servers((url = "/")),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    tags(
        (name = "catalogue", description = "Frameworks, their measures, member states and participants."),
        (name = "status", description = "Recording and reading status reports."),
        (name = "figures", description = "Rates computed by the results-framework engine."),
        (name = "meta", description = "Health and this description."),
        (name = "accounts", description = "Accounts, passwords, second factors and API tokens."),
        (name = "indicators", description = "The Results Framework: indicators, their baselines and targets, observations, and progress (DESIGN §2b)."),
        (name = "review", description = "Review cut-offs (locks) and the Secretariat's validation of reports."),
        (name = "audit", description = "The append-only record of every write."),
        (name = "rounds", description = "Reporting rounds: who must report by when, submissions, completeness, timeliness and coverage."),
        (name = "claims", description = "Published figures (claims) checked against the data under every rule, and frozen review editions."),
    ),
    components(schemas(
        doc::Instant,
        doc::StateCodes,
        doc::EvidenceUrl,
        doc::ScopeQuery,
        doc::LevelName,
        doc::AuditAction,
        doc::Every,
        doc::ReportFormat,
        doc::TemplateFormat,
        doc::ExportWhat,
        doc::ExportFormat,
        doc::IndicatorExportWhat,
        rounds::MatrixFormat,
        claims::EditionFormat,
    ), responses(
        doc::Internal,
        doc::Unauthenticated,
        doc::PrivateRead,
        doc::TooManyWrites,
        doc::BodyTooLarge,
        doc::UnsupportedMediaType,
        doc::Unavailable,
        doc::NotReady,
    )),
    modifiers(&Security),
)]
struct ApiDoc;

/// The two ways to authenticate.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build();
        bearer.description = Some(
            "An API token (`bt_` + 64 hex characters), shown once: by `blueprint-tracker user add` or `token create`, or in the answer of `POST /api/v1/users` or `POST /api/v1/users/{name}/tokens`. Only its hash is stored.".to_owned(),
        );
        components.add_security_scheme("bearerAuth", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "sessionCookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::edge::COOKIE,
                "The session cookie of a web login (`/login`; `HttpOnly`, `SameSite=Strict`). It counts for reads only, which matters on a private server; it ends at logout, after 30 minutes idle or 12 hours in all (by default).",
            ))),
        );
    }
}

/// Every route of the API (`/healthz`, `/readyz` and `/api/v1/…`) with its description.
pub fn routes() -> OpenApiRouter<AppState> {
    let v1 = OpenApiRouter::new()
        .routes(routes!(api::frameworks))
        .routes(routes!(api::framework))
        .routes(routes!(api::measures))
        .routes(routes!(api::measure_status))
        .routes(routes!(api::measure_history))
        .routes(routes!(api::participants))
        .routes(routes!(api::progress))
        .routes(routes!(api::compare))
        .routes(routes!(api::timeline))
        .routes(routes!(api::report, report::report_with_summary))
        .routes(routes!(api::chart))
        .routes(routes!(api::record_status))
        .routes(routes!(transfer::import_status))
        .routes(routes!(transfer::template))
        .routes(routes!(transfer::export))
        .routes(routes!(admin::locks, admin::create_lock))
        .routes(routes!(admin::release_lock))
        .routes(routes!(admin::review_queue))
        .routes(routes!(admin::validate_report))
        .routes(routes!(admin::return_report))
        .routes(routes!(admin::validate_reports))
        .routes(routes!(admin::return_reports))
        .routes(routes!(
            indicators::list_indicators,
            indicators::define_indicator
        ))
        .routes(routes!(indicators::get_indicator))
        .routes(routes!(indicators::set_target))
        .routes(routes!(indicators::indicator_progress))
        .routes(routes!(indicators::indicator_rollup))
        .routes(routes!(
            indicators::observation_queue,
            indicators::record_observations
        ))
        .routes(routes!(indicators::validate_observation))
        .routes(routes!(indicators::return_observation))
        .routes(routes!(indicator_transfer::import_indicators))
        .routes(routes!(indicator_transfer::import_observations))
        .routes(routes!(indicator_transfer::observation_template))
        .routes(routes!(indicator_transfer::indicator_export))
        .routes(routes!(rounds::list_rounds, rounds::create_round))
        .routes(routes!(rounds::plan_rounds))
        .routes(routes!(rounds::get_round))
        .routes(routes!(rounds::round_submissions, rounds::submit_round))
        .routes(routes!(rounds::accept_round_submission))
        .routes(routes!(rounds::return_round_submission))
        .routes(routes!(rounds::rounds_matrix))
        .routes(routes!(claims::list_claims, claims::add_claim))
        .routes(routes!(claims::import_claims))
        .routes(routes!(claims::get_claim))
        .routes(routes!(claims::list_editions, claims::create_edition))
        .routes(routes!(claims::get_edition))
        .routes(routes!(claims::edition_since))
        .routes(routes!(claims::edition_report))
        .routes(routes!(api::member_states))
        .routes(routes!(admin::me))
        .routes(routes!(admin::users, admin::create_user))
        .routes(routes!(admin::disable_user))
        .routes(routes!(admin::enable_user))
        .routes(routes!(admin::set_password))
        .routes(routes!(admin::enable_totp, admin::disable_totp))
        .routes(routes!(admin::tokens, admin::create_token))
        .routes(routes!(admin::revoke_token))
        .routes(routes!(admin::audit))
        .routes(routes!(api::openapi));
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(api::healthz))
        .routes(routes!(api::readyz))
        .nest("/api/v1", v1)
}

/// The description as served (built once).
pub fn document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, openapi) = routes().split_for_parts();
        let mut value = serde_json::to_value(&openapi).unwrap_or(Value::Null);
        tidy(&mut value);
        serde_json::to_string_pretty(&value).unwrap_or_default()
    })
}

/// See the module's documentation.
fn tidy(document: &mut Value) {
    if let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) {
        for operation in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, op) in operation.iter_mut() {
                if let Some(op) = op.as_object_mut() {
                    problem_codes(op);
                    shared_answers(method, op);
                }
            }
        }
    }
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    let mut tidied = Map::new();
    for (name, schema) in &schemas {
        let mut schema = close(&merge_parts(schema, &schemas));
        require_members(&mut schema, doc::REQUEST_SCHEMAS.contains(&name.as_str()));
        for (_, member) in doc::OMITTED_MEMBERS.iter().filter(|(s, _)| s == name) {
            if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
                required.retain(|r| r != member);
            }
        }
        tidied.insert(name.clone(), schema);
    }
    if let Some(slot) = document.pointer_mut("/components/schemas") {
        *slot = Value::Object(tidied);
    }
}

/// Adds the answers the server's middleware and extractors give on every route of a kind (the
/// annotations list only a route's own): 500 and 503 everywhere; a read open to anyone 401 on a
/// private server; a route that needs a bearer token 401 without one, and 429 when it writes
/// too often; a JSON body 413 over 1 MiB and 415 when declared as something else.
fn shared_answers(method: &str, op: &mut Map<String, Value>) {
    let security = op.get("security").cloned().unwrap_or(Value::Null);
    let json_body = op
        .get("requestBody")
        .and_then(|b| b.pointer("/content/application~1json"))
        .is_some();
    let responses = op.entry("responses").or_insert_with(|| json!({}));
    let Some(responses) = responses.as_object_mut() else {
        return;
    };
    let mut add = |status: &str, component: &str| {
        responses
            .entry(status)
            .or_insert_with(|| json!({"$ref": format!("#/components/responses/{component}")}));
    };
    add("500", "Internal");
    add("503", "Unavailable");
    let tokens_only = security == json!([{"bearerAuth": []}]);
    let open_read = security
        .as_array()
        .is_some_and(|s| s.contains(&json!({})) && s.len() > 1);
    if tokens_only {
        add("401", "Unauthenticated");
        if method != "get" {
            add("429", "TooManyWrites");
        }
    } else if open_read {
        add("401", "PrivateRead");
    }
    if json_body {
        add("413", "BodyTooLarge");
        add("415", "UnsupportedMediaType");
    }
}

/// Moves an operation's `x-problem-codes` into the schemas of its problem answers. An operation
/// with query parameters can also answer 400 `invalid_query`: the extractor of query parameters
/// refuses an empty or repeated parameter on every route.
fn problem_codes(op: &mut Map<String, Value>) {
    let mut codes = match op.remove("x-problem-codes") {
        Some(Value::Object(codes)) => codes,
        _ => Map::new(),
    };
    let has_query = op
        .get("parameters")
        .and_then(Value::as_array)
        .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
    if has_query {
        let bad_request = codes.entry("400").or_insert_with(|| json!([]));
        if let Some(list) = bad_request.as_array_mut()
            && !list.contains(&json!("invalid_query"))
        {
            list.push(json!("invalid_query"));
        }
        let responses = op.entry("responses").or_insert_with(|| json!({}));
        if responses.get("400").is_none() {
            responses["400"] = json!({
                "description": "A query parameter is malformed, empty or given more than once; `detail` names it.",
                "content": {"application/problem+json": {"schema": {}}}
            });
        }
    }
    for (status, codes) in codes {
        let Some(slot) = op
            .get_mut("responses")
            .and_then(|r| r.get_mut(&status))
            .and_then(|r| r.get_mut("content"))
            .and_then(|c| c.get_mut("application/problem+json"))
        else {
            continue;
        };
        slot["schema"] = json!({
            "allOf": [
                {"$ref": "#/components/schemas/Problem"},
                {"type": "object", "properties": {"code": {"type": "string", "enum": codes}}}
            ]
        });
    }
}

/// A schema whose `allOf` parts are all objects, as one object (the flattened members of
/// `#[serde(flatten)]`), following `$ref`s into `schemas`.
fn merge_parts(schema: &Value, schemas: &Map<String, Value>) -> Value {
    let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    for part in parts {
        let part = match part.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                match schemas.get(name) {
                    Some(target) => merge_parts(target, schemas),
                    None => return schema.clone(),
                }
            }
            None => merge_parts(part, schemas),
        };
        let Some(members) = part.get("properties").and_then(Value::as_object) else {
            return schema.clone();
        };
        properties.extend(members.clone());
        if let Some(names) = part.get("required").and_then(Value::as_array) {
            required.extend(names.iter().cloned());
        }
    }
    let mut merged = Map::new();
    merged.insert("type".into(), json!("object"));
    for key in ["description", "title"] {
        if let Some(value) = schema.get(key) {
            merged.insert(key.into(), value.clone());
        }
    }
    merged.insert("required".into(), Value::Array(required));
    merged.insert("properties".into(), Value::Object(properties));
    Value::Object(merged)
}

/// Lists every member of an answer's object schema as required (utoipa leaves an `Option` out,
/// but the answers send `null`), except those marked `x-omitted-when-null` (the marks are
/// removed). A request's optional members stay optional.
fn require_members(schema: &mut Value, request: bool) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    let Some(properties) = object.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    let mut names = Vec::new();
    for (name, property) in properties.iter_mut() {
        let omitted = property
            .as_object_mut()
            .and_then(|p| p.remove("x-omitted-when-null"))
            .is_some();
        if !omitted && !request {
            names.push(Value::String(name.clone()));
        }
    }
    let required = object.entry("required").or_insert_with(|| json!([]));
    if let Some(list) = required.as_array_mut() {
        for name in names {
            if !list.contains(&name) {
                list.push(name);
            }
        }
    }
}

/// An object schema with `additionalProperties: false` unless it says otherwise.
fn close(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(object) = schema.as_object_mut()
        && object.get("type") == Some(&json!("object"))
        && object.contains_key("properties")
        && !object.contains_key("additionalProperties")
    {
        object.insert("additionalProperties".into(), json!(false));
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_is_openapi_3_1_with_every_problem_code_in_its_schema() {
        let document: Value = serde_json::from_str(document()).unwrap();
        assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(!super::document().contains("x-problem-codes"));
        assert!(!super::document().contains("x-omitted-when-null"));
        let report = &document["components"]["schemas"]["StatusReport"];
        assert!(
            report["required"]
                .as_array()
                .unwrap()
                .contains(&json!("note"))
        );
        let problem = &document["components"]["schemas"]["Problem"];
        assert!(
            !problem["required"]
                .as_array()
                .unwrap()
                .contains(&json!("errors"))
        );
        let tree_node = &document["components"]["schemas"]["TreeNode"];
        assert!(
            !tree_node["required"]
                .as_array()
                .unwrap()
                .contains(&json!("note"))
        );
        let progress = &document["paths"]["/api/v1/frameworks/{fw}/progress"]["get"];
        assert_eq!(
            progress["responses"]["404"]["content"]["application/problem+json"]["schema"]["allOf"]
                [1]["properties"]["code"]["enum"],
            json!([
                "unknown_framework",
                "unknown_node",
                "unknown_body",
                "unknown_state"
            ])
        );
    }
}
