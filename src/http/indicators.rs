//! The handlers of the Results Framework's indicators (DESIGN.md §3b): define indicators, set
//! targets, record observations (one or a bulk, all or nothing), validate or return them, and
//! read an indicator, its progress in every scope, and the rollups per node. Who may do what is
//! the service's (`domain::policy`); the caller's right to the scope is checked before the
//! values, so a caller learns nothing about values it may not write.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::answers::{RecordedObservations, StoredObservations};
use super::api::{basis_param, figure_query, scope_param};
use super::doc;
use super::fields::Fields;
use crate::domain::{
    Action, Actor, Direction, FieldIssue, Indicator, MAX_BULK_REPORTS, NewObservation, NewTarget,
    Observation, Role, Scope, Target, ValidationState,
};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, JsonBody, Params};
use crate::engine::indicators::IndicatorProgress;
use crate::service::{
    IndicatorDefinition, IndicatorDetail, IndicatorList, IndicatorRollupView, ObservationDecision,
    ObservationQueue, ServiceError, today,
};

type ApiResult = Result<Response, Problem>;

const INDICATOR_FIELDS: [&str; 8] = [
    "code",
    "title",
    "unit",
    "direction",
    "node",
    "decimals",
    "source",
    "note",
];
const TARGET_FIELDS: [&str; 6] = [
    "scope",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "note",
];
const OBSERVATION_FIELDS: [&str; 6] = ["indicator", "scope", "year", "value", "source", "note"];

/// The scope a caller's right is checked on when the request names none that reads: its own
/// state for a focal point, `ASEAN` for anyone else (a viewer is refused either way).
fn own_scope(caller: &Actor) -> Scope {
    match (&caller.user.role, &caller.user.state) {
        (Role::FocalPoint, Some(state)) => Scope::State(state.clone()),
        _ => Scope::Asean,
    }
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/indicators",
    operation_id = "listIndicators",
    tag = "indicators",
    summary = "A framework's indicators",
    description = "The Results Framework's indicators of the framework, in code order, each with the node it measures; retired ones are listed with `retired: true`.",
    params(doc::Fw, doc::IndicatorNode),
    responses(
        (status = 200, description = "The indicators.", body = IndicatorList),
        (status = 400, description = "A query parameter is malformed (empty or repeated); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or node.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_node"]}))),
)]
pub async fn list_indicators(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let node = params.text("node").map(str::trim);
    Ok(Json(state.tracker.indicator_list(&fw, node).await?).into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/indicators",
    operation_id = "defineIndicator",
    tag = "indicators",
    summary = "Define an indicator (admin, secretariat)",
    description = "Adds an indicator to the framework's Results Framework: what is measured, its unit, which way is better, and the node it measures. Audited (`indicator.create`).",
    params(doc::Fw),
    request_body(content = doc::NewIndicator, example = json!({"code": "SG1-1", "title": "Share of the population covered by at least one social protection benefit", "unit": "%", "direction": "increase", "node": "1.1.2", "decimals": 1, "source": "ILO World Social Protection Database"})),
    responses(
        (status = 201, description = "Stored: the indicator.", body = Indicator),
        (status = 400, description = "The body is not JSON, or could not be read; a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only admins and the Secretariat define indicators.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework, or a `node` the framework does not have.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The framework has an indicator of that code already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, listed in `errors`: a missing or unknown field, a code with spaces or over 64 characters, an empty title or unit, a direction other than `increase` or `decrease`, `decimals` outside 0–6, a text too long.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "unknown_node"], "409": ["conflict"], "413": ["body_too_large"], "422": ["validation_failed"]}))),
)]
pub async fn define_indicator(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody,
) -> ApiResult {
    state
        .tracker
        .permit_on(
            &caller,
            Action::DefineIndicator,
            &fw,
            "indicator definition",
        )
        .await?;
    let mut f = Fields::of(&body, &INDICATOR_FIELDS)?;
    let code = f.text("code", true);
    let title = f.text("title", true);
    let unit = f.text("unit", true);
    let direction = f.parsed::<Direction>("direction", true);
    let node = f.text("node", true);
    let decimals = f
        .int("decimals", false)
        .and_then(|d| match u8::try_from(d) {
            Ok(d) if d <= 6 => Some(d),
            _ => {
                f.issues
                    .push(FieldIssue::invalid("decimals", "from 0 to 6"));
                None
            }
        });
    let source = bounded_item(&mut f, "", "source");
    let note = bounded_item(&mut f, "", "note");
    let (Some(code), Some(title), Some(unit), Some(direction), Some(node)) =
        (code, title, unit, direction, node)
    else {
        return Err(ServiceError::Invalid(f.into_issues()).into());
    };
    f.done()?;
    let definition = IndicatorDefinition {
        code,
        title,
        unit,
        direction,
        node,
        decimals,
        source,
        note,
    };
    let indicator = state
        .tracker
        .define_indicator(&caller, &fw, &definition)
        .await?;
    Ok((StatusCode::CREATED, Json(indicator)).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/indicators/{code}",
    operation_id = "getIndicator",
    tag = "indicators",
    summary = "An indicator with its targets and observations",
    description = "The definition, the target in force in each scope, every target revision and every observation (with its validation). With `known_at`, as known at that instant: rows recorded later, and reviews made later, are left out.",
    params(doc::Fw, doc::IndicatorCode, doc::KnownAt),
    responses(
        (status = 200, description = "The indicator.", body = IndicatorDetail),
        (status = 400, description = "A query parameter is malformed (not an instant; empty or repeated); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or indicator.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "not_found"]}))),
)]
pub async fn get_indicator(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let known_at = params.instant("known_at")?;
    Ok(Json(state.tracker.indicator_detail(&fw, &code, known_at).await?).into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/indicators/{code}/targets",
    operation_id = "setIndicatorTarget",
    tag = "indicators",
    summary = "Set a baseline and target for one scope",
    description = "Records a new revision of the indicator's baseline and target in one scope; the latest recorded is in force, and `known_at` reproduces an earlier one. Admins and the Secretariat set any scope, a focal point its own state's national target, a viewer none. Audited (`indicator.target`).",
    params(doc::Fw, doc::IndicatorCode),
    request_body(content = doc::NewIndicatorTarget, example = json!({"scope": "VNM", "baseline_year": 2025, "baseline_value": 40.0, "target_year": 2030, "target_value": 70.0})),
    responses(
        (status = 201, description = "Stored: the target row.", body = Target),
        (status = 400, description = "The body is not JSON, or could not be read; a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The account may not set this scope's target (a focal point for another country, a viewer).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or indicator.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, listed in `errors`: a missing or unknown field, an unknown scope or one that does not participate, a value that is not a number or (percent indicator) outside 0–100, a target equal to its baseline, a baseline year not before the target year, a year outside the framework's period ± 10 years.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "413": ["body_too_large"], "422": ["validation_failed"]}))),
)]
pub async fn set_target(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let named = Fields::peek_scope(&body, "scope").unwrap_or_else(|| own_scope(&caller));
    state
        .tracker
        .permit_on(
            &caller,
            Action::SetTarget(&named),
            &fw,
            &format!("target of indicator {code} in {named}"),
        )
        .await?;
    let mut f = Fields::of(&body, &TARGET_FIELDS)?;
    let scope = f.scope("scope", true);
    let baseline_year = f.int("baseline_year", true);
    let baseline_value = f.number("baseline_value", true);
    let target_year = f.int("target_year", true);
    let target_value = f.number("target_value", true);
    let note = bounded_item(&mut f, "", "note");
    let (
        Some(scope),
        Some(baseline_year),
        Some(baseline_value),
        Some(target_year),
        Some(target_value),
    ) = (
        scope,
        baseline_year,
        baseline_value,
        target_year,
        target_value,
    )
    else {
        return Err(ServiceError::Invalid(f.into_issues()).into());
    };
    f.done()?;
    let target = NewTarget {
        scope,
        baseline_year,
        baseline_value,
        target_year,
        target_value,
        note,
    };
    let stored = state
        .tracker
        .set_target(&caller, &fw, &code, &target)
        .await?;
    Ok((StatusCode::CREATED, Json(stored)).into_response())
}

/// One observation of a body, or its problems.
fn observation(item: &Value, prefix: &str) -> Result<NewObservation, Vec<FieldIssue>> {
    let mut f = Fields::item(item, &OBSERVATION_FIELDS, prefix).map_err(|issue| vec![issue])?;
    let indicator = f.text("indicator", true);
    let scope = f.scope("scope", true);
    let year = f.int("year", true);
    let value = f.number("value", true);
    let source = bounded_item(&mut f, prefix, "source");
    let note = bounded_item(&mut f, prefix, "note");
    match (indicator, scope, year, value) {
        (Some(indicator), Some(scope), Some(year), Some(value)) if f.issues.is_empty() => {
            Ok(NewObservation {
                indicator: indicator.trim().to_owned(),
                scope,
                year,
                value,
                source,
                note,
            })
        }
        _ => Err(f.into_issues()),
    }
}

/// A text of at most 4,000 characters in an item of a bulk.
fn bounded_item(f: &mut Fields<'_>, prefix: &str, name: &str) -> Option<String> {
    let text = f.text(name, false)?;
    if text.chars().count() > 4_000 {
        f.issues.push(FieldIssue::invalid(
            format!("{prefix}{name}"),
            "at most 4000 characters",
        ));
        return None;
    }
    let text = text.trim().to_owned();
    (!text.is_empty()).then_some(text)
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/observations",
    operation_id = "recordObservations",
    tag = "indicators",
    summary = "Record observations",
    description = "Records one observation (an indicator's value in one scope for one year), or a bulk `{\"observations\": [...]}` of up to 10,000, all or nothing. A correction is a newer observation for the same year. Admins and the Secretariat record any scope (validated on entry), a focal point its own state (awaiting review), a viewer nothing; the caller's right to every scope is checked before the values. While the framework is locked up to a date, an observation whose year ends on or before it is refused (409 `locked_period`) unless an admin sends `override_lock=true`. Audited (`observation.record`, `observation.record_override`).",
    params(doc::Fw, ("override_lock" = Option<bool>, Query, description = "Record inside a locked period: admins only (403 for anyone else). `true`/`false` (also `1`/`0`); `false` by default.")),
    request_body(content = doc::ObservationBody, example = json!({"indicator": "SG1-1", "scope": "VNM", "year": 2026, "value": 52.5, "source": "National statistics office"})),
    responses(
        (status = 201, description = "Stored: the observation (one sent), or `{count, observations}` (a bulk sent).", body = StoredObservations),
        (status = 400, description = "The body is not JSON, or could not be read; `override_lock` is not a flag (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The account may not record a scope of the request (a focal point for another country, a viewer), or asks for `override_lock` without being an admin.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The framework is locked up to a date on or after the end of some observation's year; nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB, or a bulk over 10,000 observations.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, listed in `errors` (all of them, each named `observations[i].field` in a bulk): a missing or unknown field, an unknown or retired indicator, an unknown scope or one that does not participate, a value that is not a number or (percent indicator) outside 0–100, a year outside the framework's period ± 10 years.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_query", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "409": ["locked_period"], "413": ["body_too_large", "too_many_reports"], "422": ["validation_failed"]}))),
)]
pub async fn record_observations(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    Caller(caller): Caller,
    params: Params,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let override_lock = params.flag("override_lock")?;
    let (items, bulk): (Vec<(String, &Value)>, bool) = match body.get("observations") {
        Some(Value::Array(items)) => {
            let mut f = Fields::of(&body, &["observations"])?;
            if items.is_empty() {
                f.issues.push(FieldIssue::invalid(
                    "observations",
                    "a bulk needs at least one observation",
                ));
            }
            f.done()?;
            if items.len() > MAX_BULK_REPORTS {
                return Err(ServiceError::TooManyReports {
                    count: items.len(),
                    max: MAX_BULK_REPORTS,
                }
                .into());
            }
            (
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| (format!("observations[{i}]."), item))
                    .collect(),
                true,
            )
        }
        Some(_) => {
            return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                "observations",
                "`observations` must be an array of observations",
            )])
            .into());
        }
        None => (vec![(String::new(), &body)], false),
    };
    // Rights first, on every scope that reads as one.
    let mut named: Vec<Scope> = items
        .iter()
        .filter_map(|(_, item)| Fields::peek_scope(item, "scope"))
        .collect();
    if named.is_empty() {
        named.push(own_scope(&caller));
    }
    for scope in &named {
        state
            .tracker
            .permit_on(
                &caller,
                Action::Observe(scope),
                &fw,
                &format!("observations in {scope}"),
            )
            .await?;
    }
    let mut issues = Vec::new();
    let mut observations = Vec::with_capacity(items.len());
    for (prefix, item) in &items {
        match observation(item, prefix) {
            Ok(o) => observations.push(o),
            Err(mut found) => issues.append(&mut found),
        }
    }
    if !issues.is_empty() {
        return Err(ServiceError::Invalid(issues).into());
    }
    let mut stored = state
        .tracker
        .record_observations(&caller, &fw, &observations, override_lock)
        .await?;
    let answer = if bulk {
        StoredObservations::Many(RecordedObservations {
            count: stored.len(),
            observations: stored,
        })
    } else {
        match stored.pop() {
            Some(one) => StoredObservations::One(Box::new(one)),
            None => {
                return Err(ServiceError::Internal("no observation was stored".into()).into());
            }
        }
    };
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/observations",
    operation_id = "observationQueue",
    tag = "indicators",
    summary = "Observations in a validation state (the review queue)",
    description = "The framework's observations in one validation state — `reported` (the default: waiting for the Secretariat's review), `validated` or `returned` (with the reason) —, optionally of one scope, newest first.",
    params(doc::Fw, ("validation" = Option<ValidationState>, Query, description = "The validation state; `reported` by default."), ("scope" = Option<doc::ScopeQuery>, Query, description = "Only this scope's observations.", example = "VNM"), ("limit" = Option<i64>, Query, minimum = 1, maximum = 1000, description = "At most this many (1 to 1,000); 100 by default.")),
    responses(
        (status = 200, description = "The observations.", body = ObservationQueue),
        (status = 400, description = "A query parameter is malformed (empty or repeated, not a state, a scope or a count in range); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_state"]}))),
)]
pub async fn observation_queue(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let (validation, scope, limit) = super::admin::queue_params(&params)?;
    Ok(Json(
        state
            .tracker
            .observation_queue(&fw, validation, scope, limit)
            .await?,
    )
    .into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/observations/{id}/validate",
    operation_id = "validateObservation",
    tag = "indicators",
    summary = "Validate an observation (secretariat, admin)",
    description = "States that the observation's source was checked; it then counts on the `validated` basis. Once per observation. Audited (`observation.validate`).",
    params(doc::Fw, doc::ObservationId),
    request_body = doc::ValidateObservation,
    responses(
        (status = 200, description = "The observation, validated.", body = Observation),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins review observations.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown, or has no observation of that id.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The observation was validated or returned already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "An unknown field, or `evidence_checked` missing or not `true`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"], "413": ["body_too_large"], "422": ["validation_failed"]}))),
)]
pub async fn validate_observation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["evidence_checked"])?;
    let evidence_checked = f.flag("evidence_checked");
    f.done()?;
    let observation = state
        .tracker
        .decide_observation(
            &caller,
            &fw,
            id,
            ObservationDecision::Validate { evidence_checked },
        )
        .await?;
    Ok(Json(observation).into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/observations/{id}/return",
    operation_id = "returnObservation",
    tag = "indicators",
    summary = "Return an observation to its focal point (secretariat, admin)",
    description = "Sends the observation back with a reason, which the focal point reads; it then counts on neither basis, and a correction is a newer observation for the same year. Once per observation. Audited (`observation.return`).",
    params(doc::Fw, doc::ObservationId),
    request_body = doc::ReturnObservation,
    responses(
        (status = 200, description = "The observation, returned.", body = Observation),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins review observations.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown, or has no observation of that id.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The observation was validated or returned already.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "An unknown field, or a `reason` missing, empty or over 2,000 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"], "413": ["body_too_large"], "422": ["validation_failed"]}))),
)]
pub async fn return_observation(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path((fw, id)): Path<(String, i64)>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["reason"])?;
    let reason = f.text("reason", false).unwrap_or_default();
    f.done()?;
    let observation = state
        .tracker
        .decide_observation(&caller, &fw, id, ObservationDecision::Return { reason })
        .await?;
    Ok(Json(observation).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/indicators/{code}/progress",
    operation_id = "getIndicatorProgress",
    tag = "indicators",
    summary = "An indicator's progress in every scope",
    description = "DESIGN §2b's figures for the indicator in `ASEAN` (rule `regional`) and in every participant on `as_of` (rule `scope`): the points, latest value, current status, expected status, the weighted fit's anticipated value and progress, and the class; with `mean_of_states` (the unweighted mean of the participants' current statuses) beside `regional`, never mixed. `null`, never NaN.",
    params(doc::Fw, doc::IndicatorCode, doc::AsOf, doc::KnownAt, doc::BasisParam),
    responses(
        (status = 200, description = "The figures.", body = IndicatorProgress),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a basis; empty or repeated); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or indicator.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "not_found"]}))),
)]
pub async fn indicator_progress(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let as_of = params.date("as_of")?.unwrap_or_else(today);
    let known_at = params.instant("known_at")?;
    let basis = basis_param(&params)?;
    Ok(Json(
        state
            .tracker
            .indicator_progress(&fw, &code, as_of, known_at, basis)
            .await?,
    )
    .into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/indicator-progress",
    operation_id = "getIndicatorRollup",
    tag = "indicators",
    summary = "Indicators rolled up per node, in one scope",
    description = "For each node of `level` (the top level by default), the indicators measuring it or a node under it in one scope (`ASEAN` by default): how many, the mean current status of those with one (`with_status`), and the count of each class; `overall` for all of them. Retired indicators are left out. `node` and `body` select as for the status figures.",
    params(doc::Fw, doc::AsOf, doc::KnownAt, doc::ScopeParam, doc::Level, doc::Node, doc::Body, doc::BasisParam),
    responses(
        (status = 200, description = "The rollups.", body = IndicatorRollupView),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a scope, a basis, a level; empty or repeated); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework, node, sectoral body or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A `level` this framework does not have, or a member state that does not participate on `as_of`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_node", "unknown_body", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn indicator_rollup(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let query = figure_query(&params)?;
    let scope = scope_param(&params)?;
    Ok(Json(
        state
            .tracker
            .indicator_rollup_view(&fw, &scope, &query, today())
            .await?,
    )
    .into_response())
}
