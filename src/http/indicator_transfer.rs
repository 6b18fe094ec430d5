//! The handlers of indicator files: `POST …/indicator-import` (definitions with their targets),
//! `POST …/observations/import` (the tracker's columns or SDMX-CSV), `GET …/observations/template`
//! and `GET …/indicator-export`. Uploads, attachments and refusals with `line` and `column` are
//! those of the status files ([`super::transfer`]). The paths are not under `…/indicators/` so
//! that no indicator code (`import`, `export`) is shadowed.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::doc;
use super::transfer::{attachment, format_param, problem, refusal, scope_param, uploaded};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, Params};
use crate::service::{
    ImportFile, ImportOptions, IndicatorExportQuery, IndicatorExportWhat, IndicatorImportSummary,
    ObservationImportSummary, ObservationLayout, today,
};
use crate::transfer::FileFormat;

type ApiResult = Result<Response, Response>;

fn options(params: &Params) -> Result<ImportOptions, Problem> {
    Ok(ImportOptions {
        dry_run: params.flag("dry_run")?,
        override_lock: params.flag("override_lock")?,
    })
}

fn stored_status(dry_run: bool) -> StatusCode {
    if dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    }
}

/// `POST /api/v1/frameworks/{fw}/indicator-import?dry_run=`
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/indicator-import",
    operation_id = "importIndicators",
    tag = "indicators",
    summary = "Import indicator definitions with their targets from a CSV or XLSX file",
    description = "One row per indicator and target under the header `code,title,unit,direction,node,decimals,source,note,scope,baseline_year,baseline_value,target_year,target_value` (the names of the JSON API; the target columns may be left out, and a row with only `code` and the target columns adds a target to an indicator defined above or already). All or nothing: defining needs an admin or Secretariat account, a target the right to its scope (a focal point its own state); every problem of every row is listed with its `line` and `column`. An indicator the framework has already, defined the same way, is left out (`unchanged`), as is a target equal to the one in force: importing a file twice stores it once. Up to 200,000 rows and 32 MiB. Audited like the API's writes.",
    params(doc::Fw, ("dry_run" = Option<bool>, Query, description = "Check everything and store nothing: 200 with what would be stored. `true`/`false` (also `1`/`0`).")),
    request_body(content = doc::IndicatorFile, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "A dry run: what would be stored; nothing was.", body = IndicatorImportSummary),
        (status = 201, description = "Stored: the counts.", body = IndicatorImportSummary),
        (status = 400, description = "The body is not multipart or has no field `file` (`unreadable_body`); a flag is malformed (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The account may not define indicators, or set a target of a scope in the file.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "An indicator of the file was defined meanwhile, differently.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "The upload exceeds 32 MiB (`body_too_large`), or the file has more than 200,000 rows (`too_many_reports`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `multipart/form-data`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The file cannot be read (`field` is `file`), its header is wrong (`header: COLUMN`), or rows are wrong (`line N: COLUMN`, with `line` and `column`): every problem is listed. Nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["unreadable_body", "invalid_query", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "409": ["conflict"], "413": ["body_too_large", "too_many_reports"], "415": ["unsupported_media_type"], "422": ["validation_failed"]}))),
)]
pub async fn import_indicators(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    Caller(caller): Caller,
    params: Params,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let options = options(&params).map_err(problem)?;
    let (name, bytes) = uploaded(&headers, body).await.map_err(problem)?;
    let summary = state
        .tracker
        .import_indicators(
            &caller,
            &fw,
            ImportFile {
                name: name.as_deref(),
                bytes: &bytes,
            },
            options,
        )
        .await
        .map_err(refusal)?;
    Ok((stored_status(summary.dry_run), Json(summary)).into_response())
}

/// `POST /api/v1/frameworks/{fw}/observations/import?dry_run=&override_lock=&sdmx=&indicator_column=`
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/observations/import",
    operation_id = "importObservations",
    tag = "indicators",
    summary = "Import observations from a CSV, XLSX or SDMX-CSV file",
    description = "Observations one per row: under the header `indicator,scope,year,value,source,note` (the names of the JSON API), or with `sdmx=true` an SDMX-CSV file as ASEANstats and the UN SDG database publish them — `REF_AREA` (a member state's alpha-3 or alpha-2 code, or `ASEAN`), `TIME_PERIOD` (a year, `2027` or `2027-A1`), `OBS_VALUE` (rows with none are skipped and counted), and the indicator's code in the column `indicator_column` (`INDICATOR` by default); other SDMX columns are ignored. All or nothing with the rules of `POST …/observations`: the caller's right to every row's scope first, then every value; every problem is listed with its `line` and `column`; locks apply (409, also in a dry run; an admin may send `override_lock=true`). Up to 200,000 rows and 32 MiB.",
    params(doc::Fw, ("dry_run" = Option<bool>, Query, description = "Check everything (rights, values, the lock) and store nothing: 200 with what would be stored."), ("override_lock" = Option<bool>, Query, description = "Record inside a locked period: admins only (403 for anyone else)."), ("sdmx" = Option<bool>, Query, description = "Read the file as SDMX-CSV."), ("indicator_column" = Option<String>, Query, min_length = 1, pattern = r"\S", description = "SDMX-CSV: the column holding the indicator's code; `INDICATOR` by default.", example = "SERIES")),
    request_body(content = doc::ObservationFile, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "A dry run: what would be stored; nothing was.", body = ObservationImportSummary),
        (status = 201, description = "Stored: the counts, per scope, and the ids.", body = ObservationImportSummary),
        (status = 400, description = "The body is not multipart or has no field `file` (`unreadable_body`); a flag is malformed (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The account may not record a scope of the file, or asks for `override_lock` without being an admin.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "A row's year ends on or before a lock's date; nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "The upload exceeds 32 MiB (`body_too_large`), or the file has more than 200,000 rows (`too_many_reports`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `multipart/form-data`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The file cannot be read (`field` is `file`), its header is wrong (`header: COLUMN`), it reports nothing, or rows are wrong (`line N: COLUMN`, with `line` and `column`): every problem is listed. Nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["unreadable_body", "invalid_query", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "409": ["locked_period"], "413": ["body_too_large", "too_many_reports"], "415": ["unsupported_media_type"], "422": ["validation_failed"]}))),
)]
pub async fn import_observations(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    Caller(caller): Caller,
    params: Params,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let options = options(&params).map_err(problem)?;
    let layout = if params.flag("sdmx").map_err(problem)? {
        ObservationLayout::Sdmx {
            indicator_column: params.text("indicator_column").map(str::to_owned),
        }
    } else {
        ObservationLayout::Tracker
    };
    let (name, bytes) = uploaded(&headers, body).await.map_err(problem)?;
    let summary = state
        .tracker
        .import_observations(
            &caller,
            &fw,
            ImportFile {
                name: name.as_deref(),
                bytes: &bytes,
            },
            &layout,
            options,
        )
        .await
        .map_err(refusal)?;
    Ok((stored_status(summary.dry_run), Json(summary)).into_response())
}

/// `GET /api/v1/frameworks/{fw}/observations/template?scope=&format=csv|xlsx`
#[utoipa::path(
    get,
    path = "/frameworks/{fw}/observations/template",
    operation_id = "observationTemplate",
    tag = "indicators",
    summary = "An observations template to fill in a spreadsheet",
    description = "One row per indicator in use for the scope, under the import's header, the year and value empty, ready to fill and import with `POST …/observations/import`.",
    params(doc::Fw, ("scope" = doc::ScopeQuery, Query, description = "`ASEAN` or a member state that participates in the framework (alpha-3 code, any case).", example = "VNM"), ("format" = Option<doc::TemplateFormat>, Query, description = "csv (default) or xlsx.")),
    responses(
        (status = 200, description = "The template, as an attachment.", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")), headers(("Content-Disposition" = String, description = "`attachment; filename=\"FW-observations-template-SCOPE.csv\"`"))),
        (status = 400, description = "No or a malformed `scope`, an unknown `format` (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The state never participates in the framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn observation_template(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let scope = scope_param(&params).map_err(problem)?.ok_or_else(|| {
        problem(Problem::bad_query(
            "scope",
            "say whose template it is: ASEAN or a member state's code (scope=VNM)",
        ))
    })?;
    let format = format_param(&params)
        .map_err(problem)?
        .unwrap_or(FileFormat::Csv);
    let file = state
        .tracker
        .observation_template(&fw, &scope, format)
        .await
        .map_err(refusal)?;
    Ok(attachment(file))
}

fn export_query(params: &Params) -> Result<IndicatorExportQuery, Problem> {
    let what = params
        .text("what")
        .map(|w| {
            w.parse::<IndicatorExportWhat>()
                .map_err(|e| Problem::bad_query("what", e))
        })
        .transpose()?
        .unwrap_or_default();
    let basis = super::api::basis_param(params)?;
    Ok(IndicatorExportQuery {
        what,
        format: format_param(params)?,
        as_of: params.date("as_of")?,
        known_at: params.instant("known_at")?,
        basis,
        scope: scope_param(params)?,
    })
}

/// `GET /api/v1/frameworks/{fw}/indicator-export?what=&format=&as_of=&known_at=&basis=&scope=`
#[utoipa::path(
    get,
    path = "/frameworks/{fw}/indicator-export",
    operation_id = "indicatorExport",
    tag = "indicators",
    summary = "Indicator definitions, observations or progress as CSV, XLSX or SDMX-CSV",
    description = "`what=indicators` (default): the definitions with the target in force per scope (CSV or XLSX), importable with `POST …/indicator-import`. `what=observations`: the observation in force per indicator, scope and year (CSV, XLSX, or SDMX-CSV with `REF_AREA`, `TIME_PERIOD`, `OBS_VALUE`), importable as it is. `what=indicator-progress`: every indicator's figures (DESIGN §2b) in `ASEAN` and every participant as of the date. Cells a spreadsheet would run as a formula are neutralised as in the status exports.",
    params(doc::Fw, ("what" = Option<doc::IndicatorExportWhat>, Query, description = "indicators (default), observations or indicator-progress."), ("format" = Option<doc::ExportFormat>, Query, description = "csv (default), xlsx or sdmx-csv (observations, progress)."), doc::AsOf, doc::KnownAt, doc::BasisParam, ("scope" = Option<doc::ScopeQuery>, Query, description = "Observations: one scope only.", example = "VNM")),
    responses(
        (status = 200, description = "The file, as an attachment.", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.sdmx.data+csv")), headers(("Content-Disposition" = String, description = "`attachment; filename=\"FW-indicators.csv\"`"))),
        (status = 400, description = "A malformed `what`, `format`, date, instant, scope or basis (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Definitions asked for as SDMX-CSV (which holds observations and progress only).", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn indicator_export(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let query = export_query(&params).map_err(problem)?;
    let file = state
        .tracker
        .export_indicators(&fw, &query, today())
        .await
        .map_err(refusal)?;
    Ok(attachment(file))
}
