//! The handlers of `/healthz` and `/api/v1`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::answers::{
    FrameworkList, Health, MeasureList, MemberStateList, Ready, RecordedReports, Stored,
};
use super::doc;
use crate::domain::{Basis, Scope, StateCode};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, JsonBody, Params};
use crate::engine::Every;
use crate::report::bundle::Format;
use crate::report::charts::Chart;
use crate::service::{
    CompareView, FrameworkTree, MeasureHistory, MeasureStatus, Participants, ProgressView,
    TimelineView,
};
use crate::service::{FigureQuery, MeasureFilter, Recorded, Span, now, today};

type ApiResult = Result<Response, Problem>;

#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    tag = "meta",
    summary = "Liveness: the database answers",
    responses(
        (status = 200, description = "The service and its database answer.", body = Health),
    ),
    security(),
)]
pub async fn healthz(State(state): State<AppState>) -> ApiResult {
    state.tracker.health().await?;
    Ok(Json(Health { status: "ok" }).into_response())
}

/// Readiness: 200 while the store takes writes; 503 `not_ready` with the reason otherwise
/// (a load balancer stops sending requests; the process stays up).
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    tag = "meta",
    summary = "Readiness: the database takes writes now",
    description = "A real write committed within 2 s (on SQLite an immediate transaction), and no failed write of status reports in the last 10 s without a success since. Use it to take the server out of a load balancer while its database cannot store; `/healthz` says whether the process and its database answer at all.",
    responses(
        (status = 200, description = "Writes can be stored now.", body = Ready),
        (status = 503, response = doc::NotReady),
    ),
    security(),
)]
pub async fn readyz(State(state): State<AppState>) -> ApiResult {
    match state.tracker.ready().await {
        Ok(()) => Ok(Json(Ready { status: "ready" }).into_response()),
        Err(e) => {
            let reason = match e {
                crate::service::ServiceError::StoreUnavailable(reason) => reason,
                other => other.to_string(),
            };
            tracing::warn!(reason = %reason, "not ready");
            Err(Problem::not_ready(reason))
        }
    }
}

#[utoipa::path(
    get,
    path = "/frameworks",
    operation_id = "listFrameworks",
    tag = "catalogue",
    summary = "Every framework",
    responses(
        (status = 200, description = "The frameworks, with their measure counts.", body = FrameworkList),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
)]
pub async fn frameworks(State(state): State<AppState>) -> ApiResult {
    let frameworks = state.tracker.frameworks().await?;
    Ok(Json(FrameworkList { frameworks }).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}",
    operation_id = "getFramework",
    tag = "catalogue",
    summary = "A framework with its tree",
    description = "The framework with its nodes nested under their parents (`nodes`, each with `children`).",
    params(doc::Fw),
    responses(
        (status = 200, description = "The framework and its tree.", body = FrameworkTree),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"404": ["unknown_framework"], "400": ["invalid_path"]}))),
)]
pub async fn framework(State(state): State<AppState>, Path(fw): Path<String>) -> ApiResult {
    Ok(Json(state.tracker.framework_tree(&fw).await?).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/measures",
    operation_id = "listMeasures",
    tag = "catalogue",
    summary = "Strategic measures, filtered",
    description = "The strategic measures (leaves) of a framework, in tree order; the filters combine with AND.",
    params(doc::Fw, doc::Node, doc::Body, ("q" = Option<String>, Query, min_length = 1, pattern = r"\S", description = "Case-insensitive text in the code or title.", example = "women")),
    responses(
        (status = 200, description = "The measures that match.", body = MeasureList),
        (status = 404, description = "An unknown framework, node or sectoral body.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"404": ["unknown_framework", "unknown_node", "unknown_body"], "400": ["invalid_path"]}))),
)]
pub async fn measures(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let filter = MeasureFilter {
        node: params.text("node").map(str::to_owned),
        body: params.text("body").map(str::to_owned),
        q: params.text("q").map(str::to_owned),
    };
    let measures = state.tracker.measures(&fw, &filter).await?;
    Ok(Json(MeasureList {
        framework: fw,
        count: measures.len(),
        measures,
    })
    .into_response())
}

#[utoipa::path(
    get,
    path = "/member-states",
    operation_id = "listMemberStates",
    tag = "catalogue",
    summary = "The ASEAN member states",
    responses(
        (status = 200, description = "The member states, in code order.", body = MemberStateList),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
)]
pub async fn member_states(State(state): State<AppState>) -> ApiResult {
    let states = state.tracker.member_states().await?;
    Ok(Json(MemberStateList {
        member_states: states,
    })
    .into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/participants",
    operation_id = "listParticipants",
    tag = "catalogue",
    summary = "The member states a framework counts on a date",
    params(doc::Fw, doc::AsOf),
    responses(
        (status = 200, description = "The participants, in code order (none before the framework's start).", body = Participants),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a scope…); `errors` names it. A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework"]}))),
)]
pub async fn participants(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let as_of = params.date("as_of")?.unwrap_or_else(today);
    Ok(Json(state.tracker.participants(&fw, as_of).await?).into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/status",
    operation_id = "recordStatus",
    tag = "status",
    summary = "Record status reports",
    description = "Records one report, or a bulk `{\"reports\": [...]}` of up to 10,000, all or nothing. `admin` and `secretariat` accounts may record any scope including `ASEAN`, a `focal_point` only its own member state, a `viewer` nothing. The caller's right to every scope is checked before the values. A rejected request stores nothing. Reports of a focal point are `reported` until the Secretariat reviews them; those of the Secretariat or an admin are `validated` on entry. While the framework is locked up to a date, a report effective on or before it is refused (409 `locked_period`, and nothing of the request is stored), unless an admin sends `override_lock=true` (such reports are marked `lock_override` and the write is audited as `status.record_override`).",
    params(doc::Fw, ("override_lock" = Option<bool>, Query, description = "Record inside a locked period: admins only (403 for anyone else, even with no lock in the way). `true`/`false` (also `1`/`0`); `false` by default.")),
    request_body(content = doc::StatusBody, example = json!({"measure": "1.1.2", "scope": "VNM", "status": "ongoing", "progress": 40, "effective_date": "2026-03-31", "note": "Draft guidelines adopted", "evidence_url": "https://asean.org/evidence/1"})),
    responses(
        (status = 201, description = "Stored: the report as stored (one report sent), or `{count, reports}` (a bulk sent).", body = Stored),
        (status = 400, description = "The body is not JSON, or could not be read; `override_lock` is not a flag (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The account may not record a scope of the request (a focal point writing another country's status, a viewer), or asks for `override_lock` without being an admin.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "Unknown codes are the only problems: an unknown framework, measure or member state (`errors` lists each; `unknown_reference` when both measures and states are unknown).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB, or a bulk over 10,000 reports.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "A body declared as something other than JSON.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, listed in `errors` (all of them, with any unknown codes): a missing or unknown field, an unknown status, progress outside 0–100 or with another status than `ongoing`, an effective date outside the framework's period or in the future, a node that is not a measure, a state that does not participate on the date, a bad evidence link.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The framework is locked up to a date on or after the effective date of some report (the `detail` names the lock and its date); nothing was stored. Only an admin may record there, with `override_lock=true`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_query", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework", "unknown_measure", "unknown_state", "unknown_reference"], "413": ["body_too_large", "too_many_reports"], "415": ["unsupported_media_type"], "422": ["validation_failed"], "409": ["locked_period"]}))),
)]
pub async fn record_status(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    Caller(caller): Caller,
    params: Params,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let override_lock = params.flag("override_lock")?;
    Ok(
        match state
            .tracker
            .record(&caller, &fw, body, override_lock)
            .await?
        {
            Recorded::One(report) => {
                (StatusCode::CREATED, Json(Stored::One(report))).into_response()
            }
            Recorded::Many(reports) => (
                StatusCode::CREATED,
                Json(Stored::Many(RecordedReports {
                    count: reports.len(),
                    reports,
                })),
            )
                .into_response(),
        },
    )
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/measures/{code}/status",
    operation_id = "getMeasureStatus",
    tag = "status",
    summary = "A measure's status in every scope",
    description = "The status as of `as_of` (the report with the greatest effective date on or before it; among equal dates the one recorded last) in `ASEAN` and in every participant on that date. On `basis=validated` only the reports the Secretariat validated count, each known from its validation (as in the figures): `known_at` before a validation does not see that report.",
    params(doc::Fw, doc::Code, doc::AsOf, doc::KnownAt, doc::BasisParam),
    responses(
        (status = 200, description = "The status in `ASEAN` and in every participant.", body = MeasureStatus),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a basis…); `errors` names it. A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or measure.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_measure"]}))),
)]
pub async fn measure_status(
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
            .measure_status(&fw, &code, as_of, known_at, basis)
            .await?,
    )
    .into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/measures/{code}/history",
    operation_id = "getMeasureHistory",
    tag = "status",
    summary = "Every report of a measure",
    description = "Every report of the measure, first recorded first (corrections included: nothing is ever updated or deleted).",
    params(doc::Fw, doc::Code, ("scope" = Option<doc::ScopeQuery>, Query, description = "Only the reports of this scope (`ASEAN` or a member state's code); every scope by default.", example = "VNM")),
    responses(
        (status = 200, description = "The reports.", body = MeasureHistory),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a scope…); `errors` names it. A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or measure, or an unknown member state in `scope`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_measure", "unknown_state"]}))),
)]
pub async fn measure_history(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let scope = params
        .text("scope")
        .map(|s| {
            s.parse::<Scope>()
                .map_err(|e| Problem::bad_query("scope", e.0))
        })
        .transpose()?;
    Ok(Json(
        state
            .tracker
            .measure_history(&fw, &code, scope.as_ref())
            .await?,
    )
    .into_response())
}

/// The query parameters every figure takes: `as_of`, `known_at`, `node`, `body`, `level`.
pub(super) fn figure_query(params: &Params) -> Result<FigureQuery, Problem> {
    Ok(FigureQuery {
        as_of: params.date("as_of")?,
        known_at: params.instant("known_at")?,
        node: params.text("node").map(str::to_owned),
        body: params.text("body").map(str::to_owned),
        level: doc::level(params)?,
        basis: basis_param(params)?,
    })
}

/// `basis`: `reported` (the default: every report in force) or `validated`.
pub(super) fn basis_param(params: &Params) -> Result<Basis, Problem> {
    params.text("basis").map_or(Ok(Basis::Reported), |b| {
        b.parse::<Basis>()
            .map_err(|e| Problem::bad_query("basis", e.0))
    })
}

/// `scope`: `ASEAN` (the default) or a member state's code.
pub(super) fn scope_param(params: &Params) -> Result<Scope, Problem> {
    params.text("scope").map_or(Ok(Scope::Asean), |s| {
        s.parse::<Scope>()
            .map_err(|e| Problem::bad_query("scope", e.0))
    })
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/progress",
    operation_id = "getProgress",
    tag = "figures",
    summary = "Rates in one scope, overall and per node",
    description = "Completion, implementation and progress rates of the selected measures in one scope (`ASEAN` by default, rule `regional`; a participant, rule `scope`) as of a date, overall and per node of `level`. When `level` is above `node`, the node itself is the one row.",
    params(doc::Fw, doc::AsOf, doc::KnownAt, doc::ScopeParam, doc::Level, doc::Node, doc::Body, doc::BasisParam),
    responses(
        (status = 200, description = "The figures.", body = ProgressView),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a scope, a basis…); `errors` names it. Also a `level` that no framework has. A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework, node, sectoral body or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A member state that does not participate in the framework on the date(s) asked for: national figures count participants only. Also a `level` this framework does not have.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_node", "unknown_body", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn progress(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let query = figure_query(&params)?;
    let scope = scope_param(&params)?;
    Ok(Json(state.tracker.progress(&fw, &scope, &query, today()).await?).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/compare",
    operation_id = "compareStates",
    tag = "figures",
    summary = "Member states side by side",
    description = "Every participant's rates (or those of `states`), with `all_states`, `mean_of_states` and `cells` computed over the compared states, and the `regional` figures beside them.",
    params(doc::Fw, doc::AsOf, doc::KnownAt, ("states" = Option<doc::StateCodes>, Query, style = Form, explode = false, description = "Compare only these participants (comma-separated alpha-3 codes); every participant by default.", example = json!(["VNM", "THA"])), doc::Level, doc::Node, doc::Body, doc::BasisParam),
    responses(
        (status = 200, description = "The comparison.", body = CompareView),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a scope, a basis…); `errors` names it. Also an empty `states` list, or a `level` that no framework has. A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework, node, sectoral body or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A member state that does not participate in the framework on the date(s) asked for: national figures count participants only. Also a `level` this framework does not have.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_node", "unknown_body", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn compare(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let query = figure_query(&params)?;
    let states = params
        .text("states")
        .map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<StateCode>()
                        .map_err(|e| Problem::bad_query("states", e.0))
                })
                .collect::<Result<Vec<_>, _>>()
                .and_then(|states| {
                    if states.is_empty() {
                        Err(Problem::bad_query(
                            "states",
                            "name at least one member state (states=VNM,THA), or leave `states` out to compare every participant",
                        ))
                    } else {
                        Ok(states)
                    }
                })
        })
        .transpose()?;
    Ok(Json(
        state
            .tracker
            .compare(&fw, states.as_deref(), &query, today())
            .await?,
    )
    .into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/timeline",
    operation_id = "getTimeline",
    tag = "figures",
    summary = "Rates over time",
    description = "The overall rates in one scope at the last day of every month, quarter or year from `from` to `to`, plus `to` itself; at most 1,000 points. A member state must participate on every date.",
    params(doc::Fw, ("from" = Option<NaiveDate>, Query, description = "The first date; the framework's start by default.", example = "2026-01-01"), ("to" = Option<NaiveDate>, Query, description = "The last date; today (UTC+9) or the framework's end, whichever is earlier, by default.", example = "2026-09-30"), ("every" = Option<doc::Every>, Query, description = "The period (also accepted: `monthly`, `quarterly`, `yearly`, `annual`); `quarter` by default."), doc::ScopeParam, doc::KnownAt, doc::Level, doc::Node, doc::Body, doc::BasisParam),
    responses(
        (status = 200, description = "The points.", body = TimelineView),
        (status = 400, description = "A query parameter is malformed (not a date, an instant, a scope, a basis…); `errors` names it. Also an unknown `every`, or a `level` that no framework has. A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework, node, sectoral body or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "`from` after `to`, more than 1,000 points, or a member state that does not participate in the framework on every date asked for (national figures count participants only), or a `level` this framework does not have.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_node", "unknown_body", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn timeline(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let query = figure_query(&params)?;
    let scope = scope_param(&params)?;
    let span = Span {
        from: params.date("from")?,
        to: params.date("to")?,
        every: params
            .text("every")
            .map(|e| {
                e.parse::<Every>()
                    .map_err(|m| Problem::bad_query("every", m))
            })
            .transpose()?,
    };
    Ok(Json(
        state
            .tracker
            .timeline(&fw, &scope, span, &query, today())
            .await?,
    )
    .into_response())
}

/// `GET …/report?as_of=&known_at=&format=html|pdf|docx|csv|json`: the review report as one
/// document (HTML by default).
#[utoipa::path(
    get,
    path = "/frameworks/{fw}/report",
    operation_id = "report",
    tag = "figures",
    summary = "The review report of a framework as of a date",
    description = "Cover, summary figures with their counts, tables per node at two levels, the member-state comparison, the seven charts, measures not started and measures with no report in the last 12 months, indicators, a methods section (DESIGN.md §4), and the annexes: every measure × ASEAN and each participant, a profile per member state, the list of measures. An executive summary comes with `POST …/report`. HTML is self-contained (charts inline) and printable; PDF has real text; DOCX is an editable Word document (headings, tables, the charts as pictures); CSV and JSON give the figures. The figures are on the `basis` asked for; where the other basis gives different headline figures, the report shows them too.",
    params(doc::Fw, doc::AsOf, doc::KnownAt, ("format" = Option<doc::ReportFormat>, Query, description = "html (default), pdf, docx, csv or json."), doc::BasisParam),
    responses(
        (status = 200, description = "The report.", content(("text/html"), ("application/pdf"), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("text/csv"), ("application/json"))),
        (status = 400, description = "A malformed date, instant, format or basis, or a path segment that cannot be read.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework"]}))),
)]
pub async fn report(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let as_of = params.date("as_of")?.unwrap_or_else(today);
    let known_at = params.instant("known_at")?;
    let format = match params.text("format") {
        None => Format::Html,
        Some(f) => match f.parse::<Format>() {
            Ok(
                format @ (Format::Html | Format::Pdf | Format::Docx | Format::Csv | Format::Json),
            ) => format,
            _ => {
                return Err(Problem::bad_query(
                    "format",
                    format!(
                        "`{f}` is not a report format here: use html, pdf, docx, csv or json (charts: …/charts/NAME.svg|png)"
                    ),
                ));
            }
        },
    };
    let ask = ReportAsk {
        as_of,
        known_at,
        basis: basis_param(&params)?,
        format,
        front: crate::report::Front::default(),
    };
    report_file(&state, &fw, ask).await
}

/// What a report request asks for, from the query (`GET`) or the body (`POST`).
pub(super) struct ReportAsk {
    pub as_of: chrono::NaiveDate,
    pub known_at: Option<chrono::DateTime<chrono::Utc>>,
    pub basis: Basis,
    pub format: Format,
    pub front: crate::report::Front,
}

/// The report asked for, as the answer: HTML and JSON inline, the other formats as a
/// download, named after the framework and date.
pub(super) async fn report_file(state: &AppState, fw: &str, ask: ReportAsk) -> ApiResult {
    let format = ask.format;
    let mut files = state
        .tracker
        .report_files(
            fw,
            ask.as_of,
            ask.known_at,
            ask.basis,
            now(),
            vec![format],
            // The service's issuer (`serve --org-name --logo`), the request's summary.
            crate::report::Front {
                summary: ask.front.summary,
                ..state.tracker.front().clone()
            },
        )
        .await?;
    let Some(file) = files.pop() else {
        return Err(Problem::from(crate::service::ServiceError::Render(
            "no file rendered".into(),
        )));
    };
    let disposition = if format == Format::Html || format == Format::Json {
        format!("inline; filename=\"{}\"", file.name)
    } else {
        format!("attachment; filename=\"{}\"", file.name)
    };
    Ok((
        [
            (header::CONTENT_TYPE, file.media_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes,
    )
        .into_response())
}

/// `GET …/charts/{name}.svg|png?as_of=`: one chart of the review report.
#[utoipa::path(
    get,
    path = "/frameworks/{fw}/charts/{file}",
    operation_id = "chart",
    tag = "figures",
    summary = "One chart of the review report, as SVG or PNG",
    params(doc::Fw, ("file" = String, Path, pattern = r"^(rates|comparison|distribution|timeline|heatmap)\.(svg|png)$", description = "rates, comparison, distribution, timeline or heatmap, with .svg or .png."), doc::AsOf, doc::BasisParam),
    responses(
        (status = 200, description = "The chart.", content(("image/svg+xml"), ("image/png"))),
        (status = 400, description = "A malformed date or basis, or a path segment that cannot be read.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or chart.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_chart"]}))),
)]
pub async fn chart(
    State(state): State<AppState>,
    Path((fw, file)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let as_of = params.date("as_of")?.unwrap_or_else(today);
    let (name, extension) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let png = match extension.to_ascii_lowercase().as_str() {
        "png" => true,
        "svg" => false,
        _ => {
            return Err(Problem::new(
                StatusCode::NOT_FOUND,
                "unknown_chart",
                format!("`{file}`: a chart is NAME.svg or NAME.png"),
            ));
        }
    };
    let Some(chart) = Chart::from_name(name) else {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "unknown_chart",
            format!(
                "there is no chart `{name}`: the charts are {}",
                Chart::ALL.map(Chart::name).join(", ")
            ),
        ));
    };
    let basis = basis_param(&params)?;
    let bytes = state
        .tracker
        .chart(&fw, chart, png, as_of, basis, now())
        .await?;
    let media_type = if png { "image/png" } else { "image/svg+xml" };
    Ok(([(header::CONTENT_TYPE, media_type)], bytes).into_response())
}

/// The OpenAPI 3.1 description of the API, built from the routes and their annotations
/// (`super::openapi`).
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "getOpenApi",
    tag = "meta",
    summary = "This document",
    responses(
        (status = 200, description = "The OpenAPI 3.1 description of the API.", body = Object),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
)]
pub async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        super::openapi::document(),
    )
        .into_response()
}

pub async fn not_found() -> Problem {
    Problem::not_found_route()
}

pub async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed()
}
