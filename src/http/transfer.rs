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

use crate::domain::{Basis, Scope};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, Params};
use crate::service::{
    ExportFile, ExportQuery, ExportWhat, ImportFile, ImportOptions, Quiet, ServiceError, today,
};
use crate::transfer::FileFormat;

/// The largest file an import accepts (32 MiB).
pub const MAX_IMPORT_BYTES: u64 = 32 * 1024 * 1024;

type ApiResult = Result<Response, Response>;

/// The uploaded file: the multipart field named `file` (or the first field carrying a file
/// name), with its name.
async fn uploaded(headers: &HeaderMap, body: Body) -> Result<(Option<String>, Bytes), Problem> {
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
fn refusal(e: ServiceError) -> Response {
    let ServiceError::Invalid(issues) = e else {
        return Problem::from(e).into_response();
    };
    let errors: Vec<Value> = issues
        .iter()
        .map(|issue| {
            let mut entry = json!({"field": issue.field, "message": issue.message});
            let (line, column) = match issue.field.split_once(": ") {
                Some((at, column)) => (
                    at.strip_prefix("line ").and_then(|n| n.parse::<u64>().ok()),
                    Some(column),
                ),
                None => (
                    issue
                        .field
                        .strip_prefix("line ")
                        .and_then(|n| n.parse::<u64>().ok()),
                    None,
                ),
            };
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

fn problem(p: Problem) -> Response {
    p.into_response()
}

fn attachment(file: ExportFile) -> Response {
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

fn format_param(params: &Params) -> Result<Option<FileFormat>, Problem> {
    params
        .text("format")
        .map(|f| {
            f.parse::<FileFormat>()
                .map_err(|e| Problem::bad_query("format", e))
        })
        .transpose()
}

fn scope_param(params: &Params) -> Result<Option<Scope>, Problem> {
    params
        .text("scope")
        .map(|s| {
            s.parse::<Scope>()
                .map_err(|e| Problem::bad_query("scope", e.0))
        })
        .transpose()
}

/// `POST /api/v1/frameworks/{fw}/status/import?dry_run=&override_lock=`
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

/// `GET /api/v1/frameworks/{fw}/status/template?scope=&format=csv|xlsx`
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
    let file = state
        .tracker
        .template(&fw, &scope, format, today())
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
        level: params.text("level").map(str::to_owned),
        basis,
    })
}

/// `GET /api/v1/frameworks/{fw}/status/export?what=&as_of=&known_at=&format=&measure=&scope=&level=&basis=`
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
