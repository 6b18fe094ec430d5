//! The handlers of import and export: `POST …/status/import` (a multipart upload, field
//! `file`), `GET …/status/template` and `GET …/status/export`. Files are answered as
//! attachments with their media type; a refused import as a problem whose `errors` also carry
//! the `line` and `column` of each problem.
//!
//! The upload is read with multer under its own size limit ([`MAX_IMPORT_BYTES`]), not the
//! router's 1 MiB: a file of 100,000 reports is several megabytes.

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::doc;
use crate::domain::{Basis, Scope};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, Params};
use crate::service::{
    ExportFile, ExportQuery, ExportWhat, ImportFile, ImportOptions, ImportSummary, Quiet,
    ServiceError, TemplateOptions, today,
};
use crate::transfer::FileFormat;

pub use crate::edge::MAX_IMPORT_BYTES;

type ApiResult = Result<Response, Response>;

/// The uploaded file: the multipart field named `file` (or the first field carrying a file
/// name), with its name.
pub(super) async fn uploaded(
    headers: &HeaderMap,
    body: Body,
) -> Result<(Option<String>, Bytes), Problem> {
    let declared = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(declared).map_err(|_| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send the file as multipart/form-data in a field named `file` (curl -F file=@status.csv)",
        )
    })?;
    let limits = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(MAX_IMPORT_BYTES)
            .per_field(MAX_IMPORT_BYTES),
    );
    let mut multipart =
        multer::Multipart::with_constraints(body.into_data_stream(), boundary, limits);
    let unreadable = |e: multer::Error| match e {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "the upload exceeds {} MiB; nothing was stored",
                    MAX_IMPORT_BYTES / (1024 * 1024)
                ),
            )
        }
        other => Problem::new(
            StatusCode::BAD_REQUEST,
            "unreadable_body",
            format!("the multipart body cannot be read: {other}"),
        ),
    };
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let wanted = field.name() == Some("file") || field.file_name().is_some();
        if !wanted {
            continue;
        }
        let name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(unreadable)?;
        return Ok((name, bytes));
    }
    Err(Problem::new(
        StatusCode::BAD_REQUEST,
        "unreadable_body",
        "the multipart body has no field `file`",
    ))
}

/// A refusal as a problem; a validation problem's `errors` get `line` and `column` members
/// parsed from their `field` (`line 7: status`, `header: status`, `file`).
pub(super) fn refusal(e: ServiceError) -> Response {
    let ServiceError::Invalid(issues) = e else {
        return Problem::from(e).into_response();
    };
    let errors: Vec<Value> = issues
        .iter()
        .map(|issue| {
            let mut entry = json!({"field": issue.field, "message": issue.message});
            let (line, column) = issue.file_position();
            if let Some(line) = line {
                entry["line"] = json!(line);
            }
            if let Some(column) = column {
                entry["column"] = json!(column);
            }
            entry
        })
        .collect();
    let problem = Problem::from(ServiceError::Invalid(issues));
    let body = json!({
        "type": format!("urn:blueprint-tracker:problem:{}", problem.code),
        "title": problem.status.canonical_reason().unwrap_or("Error"),
        "status": problem.status.as_u16(),
        "detail": problem.detail,
        "code": problem.code,
        "errors": errors,
    });
    let mut response = (problem.status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

pub(super) fn problem(p: Problem) -> Response {
    p.into_response()
}

pub(super) fn attachment(file: ExportFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.name.replace('"', ""));
    let mut response = (StatusCode::OK, file.bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.format.media_type()),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

pub(super) fn format_param(params: &Params) -> Result<Option<FileFormat>, Problem> {
    params
        .text("format")
        .map(|f| {
            f.parse::<FileFormat>()
                .map_err(|e| Problem::bad_query("format", e))
        })
        .transpose()
}

pub(super) fn scope_param(params: &Params) -> Result<Option<Scope>, Problem> {
    params
        .text("scope")
        .map(|s| {
            s.parse::<Scope>()
                .map_err(|e| Problem::bad_query("scope", e.0))
        })
        .transpose()
}

/// `POST /api/v1/frameworks/{fw}/status/import?dry_run=&override_lock=`
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/status/import",
    operation_id = "importStatus",
    tag = "status",
    summary = "Import status reports from a CSV or XLSX file",
    description = "A file of status reports, one per row under the header `framework,measure,scope,status,progress,effective_date,note,evidence_url` (the names of the JSON API; `framework`, `progress`, `note` and `evidence_url` may be left out; names are matched without regard to case, spaces or hyphens; the informational columns the tracker writes in templates and exports are ignored; any other column is refused). CSV in UTF-8 (with or without a byte-order mark; comma, semicolon or tab separated) or an XLSX workbook (the sheet `status`, else the first; dates may be real dates). All or nothing, with the rules of `POST …/status`: the caller's right to every row's scope first (403: a focal point imports its own state's rows only), then every value of every row; one bad row refuses the file, and the answer lists every problem with its `line` and `column` (`field` is `line 7: status`). A row that reports nothing (status empty, or `not_started` with no date, progress, note or link) is skipped. Idempotent: a row that says what the report recorded last for its measure, scope and effective date says is left out (`unchanged`), so importing a file twice stores its reports once; two rows of one file with the same measure, scope and effective date are refused. Locks apply to the rows stored (409 `locked_period`, nothing stored; an admin may send `override_lock=true`). One audit record (`import`) per file. Up to 200,000 rows and 32 MiB.",
    params(doc::Fw, ("dry_run" = Option<bool>, Query, description = "Check everything (rights, values, the lock) and store nothing: 200 with what would be stored. `true`/`false` (also `1`/`0`)."), ("override_lock" = Option<bool>, Query, description = "Record inside a locked period: admins only (403 for anyone else).")),
    request_body(content = doc::StatusFile, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "A dry run: what would be stored; nothing was.", body = ImportSummary),
        (status = 201, description = "Stored: the counts, per scope, and the ids of the reports.", body = ImportSummary),
        (status = 400, description = "The body is not multipart or has no field `file` (`unreadable_body`); a flag is malformed (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "The account may not write a scope of the file (the message names the scopes and their lines), or asks for `override_lock` without being an admin.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "A row to store takes effect on or before a lock's date; nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "The upload exceeds 32 MiB (`body_too_large`), or the file has more than 200,000 rows (`too_many_reports`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `multipart/form-data`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The file cannot be read (not UTF-8, an Excel 97-2003 workbook, a damaged workbook: `field` is `file`), its header is wrong (`header: COLUMN`), or rows are wrong (`line N: COLUMN`, with `line` and `column`): every problem is listed (up to 10,000). Nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["unreadable_body", "invalid_query", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "409": ["locked_period"], "413": ["body_too_large", "too_many_reports"], "415": ["unsupported_media_type"], "422": ["validation_failed"]}))),
)]
pub async fn import_status(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    Caller(caller): Caller,
    params: Params,
    headers: HeaderMap,
    body: Body,
) -> ApiResult {
    let options = ImportOptions {
        dry_run: params.flag("dry_run").map_err(problem)?,
        override_lock: params.flag("override_lock").map_err(problem)?,
    };
    let (name, bytes) = uploaded(&headers, body).await.map_err(problem)?;
    let summary = state
        .tracker
        .import_status(
            Some(&caller),
            Some(&fw),
            ImportFile {
                name: name.as_deref(),
                bytes: &bytes,
            },
            options,
            &Quiet,
        )
        .await
        .map_err(refusal)?;
    let status = if summary.dry_run {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(summary)).into_response())
}

/// `GET /api/v1/frameworks/{fw}/status/template?scope=&format=csv|xlsx&prefilled=`
#[utoipa::path(
    get,
    path = "/frameworks/{fw}/status/template",
    operation_id = "statusTemplate",
    tag = "status",
    summary = "A status template to fill in a spreadsheet",
    description = "One row per strategic measure of the framework for the scope, under the import's header (the report's columns empty, the measure's title beside them in `measure_title`), ready to fill and import. With `prefilled=true`, each row carries the scope's report in force today (status, progress, effective date, note, link; empty where none is in force): change only the rows whose status changed, and an untouched row imports as `unchanged` (re-importing the file as it is stores nothing). XLSX adds a drop-down of statuses, progress limited to 0–100, dates limited to the framework's period, a frozen header row, and an `about` sheet that says how to fill it.",
    params(doc::Fw, ("scope" = doc::ScopeQuery, Query, description = "`ASEAN` or a member state that participates in the framework (alpha-3 code, any case).", example = "VNM"), ("format" = Option<doc::TemplateFormat>, Query, description = "csv (default) or xlsx."), ("prefilled" = Option<bool>, Query, description = "Pre-filled with the scope's statuses in force today (the file is then named `FW-template-SCOPE-DATE`). `true`/`false` (also `1`/`0`); default false.")),
    responses(
        (status = 200, description = "The template, as an attachment.", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")), headers(("Content-Disposition" = String, description = "`attachment; filename=\"FW-template-SCOPE.csv\"`"))),
        (status = 400, description = "No or a malformed `scope`, an unknown `format`, a malformed `prefilled` (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The state never participates in the framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn template(
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
    let options = TemplateOptions {
        prefilled: params.flag("prefilled").map_err(problem)?,
    };
    let file = state
        .tracker
        .template(&fw, &scope, format, options, today())
        .await
        .map_err(refusal)?;
    Ok(attachment(file))
}

fn export_query(params: &Params) -> Result<ExportQuery, Problem> {
    let what = params
        .text("what")
        .map(|w| {
            w.parse::<ExportWhat>()
                .map_err(|e| Problem::bad_query("what", e))
        })
        .transpose()?
        .unwrap_or_default();
    let basis = params
        .text("basis")
        .map(|b| {
            b.parse::<Basis>()
                .map_err(|e| Problem::bad_query("basis", e.0))
        })
        .transpose()?
        .unwrap_or_default();
    Ok(ExportQuery {
        what,
        format: format_param(params)?,
        as_of: params.date("as_of")?,
        known_at: params.instant("known_at")?,
        measure: params.text("measure").map(str::to_owned),
        scope: scope_param(params)?,
        level: doc::level(params)?,
        basis,
    })
}

/// `GET /api/v1/frameworks/{fw}/status/export?what=&as_of=&known_at=&format=&measure=&scope=&level=&basis=`
#[utoipa::path(
    get,
    path = "/frameworks/{fw}/status/export",
    operation_id = "statusExport",
    tag = "status",
    summary = "Statuses as of a date, progress figures or a history, as CSV, XLSX or SDMX-CSV",
    description = "`what=status` (default): every current strategic measure × `ASEAN` and every participant as of the date (`not_started` where nothing was reported), with who recorded it, when, and its review; importable as it is (edit and import back: unchanged rows are left out). `what=progress`: the rates of `ASEAN` and every participant (or the `scope` asked for), overall and per node of `level`, with the exact counts. `what=history`: every report of `measure` (a retired measure's too), or of the framework, first recorded first; importable as it is. CSV and XLSX have a header row; XLSX freezes it, sizes the columns, writes dates and instants as real dates and rates as percentages. SDMX-CSV 2.0: `STRUCTURE,STRUCTURE_ID,ACTION` (`dataflow`, `ASEAN:DF_ASCC_STATUS(1.0)` or `ASEAN:DF_ASCC_PROGRESS(1.0)`, `I`), then the dimensions (`FRAMEWORK,MEASURE,SCOPE,TIME_PERIOD`; progress: `FRAMEWORK,NODE,SCOPE,INDICATOR,TIME_PERIOD`), `OBS_VALUE` (the status; progress: the fraction), then the attributes; in a history, per key the report recorded last. Every cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is neutralised: in CSV with a leading apostrophe (an import takes it off again), in XLSX as a text cell with Excel's quote-prefix style (the value unchanged).",
    params(doc::Fw, ("what" = Option<doc::ExportWhat>, Query, description = "status (default), progress or history."), ("format" = Option<doc::ExportFormat>, Query, description = "csv (default), xlsx or sdmx-csv."), doc::AsOf, doc::KnownAt, ("measure" = Option<String>, Query, min_length = 1, pattern = r"\S", description = "status, history: one measure only.", example = "1.1.2"), ("scope" = Option<doc::ScopeQuery>, Query, description = "One scope only (`ASEAN` or a member state); by default `ASEAN` and every participant (status, progress) or every scope (history).", example = "VNM"), doc::Level, doc::BasisParam),
    responses(
        (status = 200, description = "The file, as an attachment.", content(("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"), ("application/vnd.sdmx.data+csv")), headers(("Content-Disposition" = String, description = "`attachment; filename=\"FW-status-DATE.csv\"`"))),
        (status = 400, description = "A malformed `what`, `format`, date, instant, scope, level or basis (`invalid_query`); a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework, measure or member state.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The state does not participate in the framework on the date.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["unknown_framework", "unknown_measure", "unknown_state"], "422": ["validation_failed"]}))),
)]
pub async fn export(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    params: Params,
) -> ApiResult {
    let query = export_query(&params).map_err(problem)?;
    let file = state
        .tracker
        .export(&fw, &query, today())
        .await
        .map_err(refusal)?;
    Ok(attachment(file))
}
