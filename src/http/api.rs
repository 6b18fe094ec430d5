//! The handlers of `/healthz` and `/api/v1`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::domain::{Basis, Scope, StateCode};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, JsonBody, Params};
use crate::engine::Every;
use crate::report::bundle::Format;
use crate::report::charts::Chart;
use crate::service::{FigureQuery, MeasureFilter, Recorded, Span, now, today};

type ApiResult = Result<Response, Problem>;

pub async fn healthz(State(state): State<AppState>) -> ApiResult {
    state.tracker.health().await?;
    Ok(Json(json!({"status": "ok"})).into_response())
}

/// Readiness: 200 while the store takes writes; 503 `not_ready` with the reason otherwise
/// (a load balancer stops sending requests; the process stays up).
pub async fn readyz(State(state): State<AppState>) -> ApiResult {
    match state.tracker.ready().await {
        Ok(()) => Ok(Json(json!({"status": "ready"})).into_response()),
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

pub async fn frameworks(State(state): State<AppState>) -> ApiResult {
    let frameworks = state.tracker.frameworks().await?;
    Ok(Json(json!({ "frameworks": frameworks })).into_response())
}

pub async fn framework(State(state): State<AppState>, Path(fw): Path<String>) -> ApiResult {
    Ok(Json(state.tracker.framework_tree(&fw).await?).into_response())
}

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
    Ok(
        Json(json!({ "framework": fw, "count": measures.len(), "measures": measures }))
            .into_response(),
    )
}

pub async fn member_states(State(state): State<AppState>) -> ApiResult {
    let states = state.tracker.member_states().await?;
    Ok(Json(json!({ "member_states": states })).into_response())
}

pub async fn participants(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let as_of = params.date("as_of")?.unwrap_or_else(today);
    Ok(Json(state.tracker.participants(&fw, as_of).await?).into_response())
}

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
            Recorded::One(report) => (StatusCode::CREATED, Json(report)).into_response(),
            Recorded::Many(reports) => (
                StatusCode::CREATED,
                Json(json!({ "count": reports.len(), "reports": reports })),
            )
                .into_response(),
        },
    )
}

pub async fn measure_status(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
    params: Params,
) -> ApiResult {
    let as_of = params.date("as_of")?.unwrap_or_else(today);
    let known_at = params.instant("known_at")?;
    Ok(Json(
        state
            .tracker
            .measure_status(&fw, &code, as_of, known_at)
            .await?,
    )
    .into_response())
}

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
fn figure_query(params: &Params) -> Result<FigureQuery, Problem> {
    Ok(FigureQuery {
        as_of: params.date("as_of")?,
        known_at: params.instant("known_at")?,
        node: params.text("node").map(str::to_owned),
        body: params.text("body").map(str::to_owned),
        level: params.text("level").map(str::to_owned),
        basis: basis_param(params)?,
    })
}

/// `basis`: `reported` (the default: every report in force) or `validated`.
fn basis_param(params: &Params) -> Result<Basis, Problem> {
    params.text("basis").map_or(Ok(Basis::Reported), |b| {
        b.parse::<Basis>()
            .map_err(|e| Problem::bad_query("basis", e.0))
    })
}

/// `scope`: `ASEAN` (the default) or a member state's code.
fn scope_param(params: &Params) -> Result<Scope, Problem> {
    params.text("scope").map_or(Ok(Scope::Asean), |s| {
        s.parse::<Scope>()
            .map_err(|e| Problem::bad_query("scope", e.0))
    })
}

pub async fn progress(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let query = figure_query(&params)?;
    let scope = scope_param(&params)?;
    Ok(Json(state.tracker.progress(&fw, &scope, &query, today()).await?).into_response())
}

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

/// `GET …/report?as_of=&known_at=&format=html|pdf|csv|json`: the review report as one
/// document (HTML by default).
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
            Ok(format @ (Format::Html | Format::Pdf | Format::Csv | Format::Json)) => format,
            _ => {
                return Err(Problem::bad_query(
                    "format",
                    format!(
                        "`{f}` is not a report format here: use html, pdf, csv or json (charts: …/charts/NAME.svg|png)"
                    ),
                ));
            }
        },
    };
    let mut files = state
        .tracker
        .report_files(
            &fw,
            as_of,
            known_at,
            basis_param(&params)?,
            now(),
            vec![format],
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

/// The OpenAPI 3.1 description of the API, written by hand beside the routes and checked
/// against them by the tests (`tests/it/openapi.rs`).
const OPENAPI: &str = include_str!("openapi.json");

pub async fn openapi() -> Response {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
        .into_response()
}

pub async fn not_found() -> Problem {
    Problem::not_found_route()
}

pub async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed()
}
