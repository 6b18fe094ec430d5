//! The handlers of published figures and review editions (issue 18): the claims register
//! (list, read, record one, import a file), each claim answered with its check under every
//! rule as known on its publication day and now; a framework's editions (list, freeze one),
//! one edition, what changed since it, and its files re-rendered byte for byte. Who may write
//! is decided by the service (`Action::PublishFigures`: admin and secretariat).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::doc;
use super::fields::Fields;
use super::transfer::{problem, refusal, uploaded};
use crate::domain::{Claim, Edition, FieldIssue};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, Caller, JsonBody, Params};
use crate::engine::claims::ClaimCheck;
use crate::report::bundle::Format;
use crate::service::{ClaimRequest, EditionRequest, EditionSince, ServiceError, now};

type ApiResult = Result<Response, Problem>;

/// A claim named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ClaimId {
    /// A claim's id. Not a number: 400 `invalid_path`.
    #[param(example = 1)]
    pub id: i64,
}

/// An edition named in the path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct EditionId {
    /// An edition's id. Not a number: 400 `invalid_path`.
    #[param(example = 1)]
    pub id: i64,
}

/// A claims file to import (`multipart/form-data`).
#[derive(Deserialize, ToSchema)]
pub struct ClaimFile {
    /// CSV (UTF-8) or XLSX with the columns `framework, scope, metric, indicator, value,
    /// precision, as_of, published_on, statement, source_title, source_url, note, supersedes`
    /// (`indicator`, `source_url`, `note` and `supersedes` may be left out); at most 32 MiB
    /// (`curl -F file=@claims.csv`).
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

/// The format of an edition's file.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum EditionFormat {
    Pdf,
    Html,
    Docx,
    Json,
}

/// A 201 with `body` and its `Location`.
fn created<T: serde::Serialize>(location: &str, body: T) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// A service error of a claim's write, with the field it is about named in `errors` where the
/// service's own error does not name one (the framework, the claim superseded).
fn claim_refusal(e: ServiceError) -> Problem {
    let field = match &e {
        ServiceError::UnknownFramework(_) => Some("framework"),
        ServiceError::NotFound(_) | ServiceError::Conflict(_) => Some("supersedes"),
        _ => None,
    };
    let message = e.to_string();
    let problem = Problem::from(e);
    match field {
        Some(field) if problem.errors.is_empty() => {
            problem.with_errors(vec![FieldIssue::invalid(field, message)])
        }
        _ => problem,
    }
}

#[utoipa::path(
    get,
    path = "/claims",
    operation_id = "listClaims",
    tag = "claims",
    summary = "Published figures (claims), each checked against the data",
    description = "Every claim recorded (of one framework, with `framework`), oldest first, each with its metric computed as of the claim's `as_of` under every rule (`regional`, `all_states`, `mean_of_states`, `cells`; a member state's claim: `scope`) twice: as known at the end of its publication day (`at_publication`) and as known now (`now`). Each rule's verdict is `matches` (within half a unit of the stated precision), `differs` (by `difference`) or `unverifiable` (no report in force, no figure, or the framework's measure list is incomplete: `measure_list` says on how many measures the figure rests and, when known, how many it should have). `reproduced_by` lists the rules that reproduce the claim; none is picked silently. Checked on the `reported` basis.",
    params(("framework" = Option<String>, Query, min_length = 1, pattern = r"\S", description = "Only the claims of this framework (its code).", example = "ascc-blueprint-2025")),
    responses(
        (status = 200, description = "The claims with their checks.", body = Vec<ClaimCheck>),
        (status = 400, description = "An empty or repeated `framework` (`invalid_query`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query"], "404": ["unknown_framework"]}))),
)]
pub async fn list_claims(State(state): State<AppState>, params: Params) -> ApiResult {
    let framework = params.text("framework");
    Ok(Json(state.tracker.claim_checks(framework, now()).await?).into_response())
}

#[utoipa::path(
    post,
    path = "/claims",
    operation_id = "addClaim",
    tag = "claims",
    summary = "Record a published figure (secretariat, admin)",
    description = "Claims are append-only: a correction is a new claim that names the one it corrects in `supersedes` (of the same framework, not superseded already). `value` and `precision` are fractions (1.0 is 100%; 0.01 is to the percent). `as_of` must fall inside the framework's period; `published_on` on or after `as_of` and not after today. `mean_current_status` names the framework's `indicator`; the other metrics take none. Audited (`claim.add`).",
    request_body = ClaimRequest,
    responses(
        (status = 201, description = "Stored: the claim with its check.", body = ClaimCheck, headers(("Location" = String, description = "The claim's path."))),
        (status = 400, description = "The body is not JSON, or could not be read.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins record claims.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework, or the claim to supersede, is unknown (`errors` names `framework` or `supersedes`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "The claim to supersede is superseded already (`errors` names `supersedes`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, an unknown metric or scope, a value outside [0, 1], a precision of 0 or less or above 1, an `as_of` outside the framework's period, a `published_on` before `as_of` or in the future, an indicator missing, unknown or not wanted, an empty statement or source title, a link that is not http(s): every problem by field. Nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body"], "403": ["forbidden"], "404": ["unknown_framework", "not_found"], "409": ["conflict"], "422": ["validation_failed"]}))),
)]
pub async fn add_claim(
    State(state): State<AppState>,
    Caller(caller): Caller,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(
        &body,
        &[
            "framework",
            "scope",
            "metric",
            "indicator",
            "value",
            "precision",
            "as_of",
            "published_on",
            "statement",
            "source_title",
            "source_url",
            "note",
            "supersedes",
        ],
    )?;
    let framework = f.text("framework", true);
    let scope = f.text("scope", true);
    let metric = f.text("metric", true);
    let indicator = f.text("indicator", false);
    let value = f.number("value", true);
    let precision = f.number("precision", true);
    let as_of = f.date("as_of", true);
    let published_on = f.date("published_on", true);
    let statement = f.text("statement", true);
    let source_title = f.text("source_title", true);
    let source_url = f.text("source_url", false);
    let note = f.text("note", false);
    let supersedes = f.int("supersedes", false);
    f.done()?;
    let (
        Some(framework),
        Some(scope),
        Some(metric),
        Some(value),
        Some(precision),
        Some(as_of),
        Some(published_on),
        Some(statement),
        Some(source_title),
    ) = (
        framework,
        scope,
        metric,
        value,
        precision,
        as_of,
        published_on,
        statement,
        source_title,
    )
    else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let request = ClaimRequest {
        framework,
        scope,
        metric,
        indicator,
        value,
        precision,
        as_of,
        published_on,
        statement,
        source_title,
        source_url,
        note,
        supersedes: supersedes.map(i64::from),
    };
    let claim = state
        .tracker
        .add_claim(Some(&caller), &request)
        .await
        .map_err(claim_refusal)?;
    let check = state.tracker.claim_check(claim.id).await?;
    Ok(created(&format!("/api/v1/claims/{}", claim.id), check))
}

#[utoipa::path(
    get,
    path = "/claims/{id}",
    operation_id = "getClaim",
    tag = "claims",
    summary = "One claim, checked as known on its publication day and now",
    params(ClaimId),
    responses(
        (status = 200, description = "The claim with its check.", body = ClaimCheck),
        (status = 400, description = "The id is not a number (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no such claim.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["not_found"]}))),
)]
pub async fn get_claim(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    Ok(Json(state.tracker.claim_check(id).await?).into_response())
}

#[utoipa::path(
    post,
    path = "/claims/import",
    operation_id = "importClaims",
    tag = "claims",
    summary = "Import claims from a CSV or XLSX file (secretariat, admin)",
    description = "One claim per row under the header of `claims.csv` (`framework, scope, metric, value, precision, as_of, published_on, statement, source_title`, and optionally `indicator, source_url, note, supersedes`; names are matched without regard to case, spaces or hyphens). `value` and `precision` are fractions, or percentages with a trailing `%`. All or nothing with the rules of `POST /claims`: one bad row refuses the file, and the answer lists every problem with its `line` and `column`. Each claim is audited (`claim.add`).",
    request_body(content = ClaimFile, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored: the claims, in the order of the file.", body = Vec<Claim>),
        (status = 400, description = "The body is not multipart or has no field `file` (`unreadable_body`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins record claims.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "A claim to supersede is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 409, description = "A claim to supersede is superseded already (also by an earlier row).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "The upload exceeds 32 MiB.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 415, description = "The body is not `multipart/form-data`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "The file cannot be read (`field` is `file`), its header is wrong (`header: COLUMN`), or rows are wrong (`line N: COLUMN`, with `line` and `column`). Nothing was stored.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["unreadable_body"], "403": ["forbidden"], "404": ["not_found"], "409": ["conflict"], "413": ["body_too_large"], "415": ["unsupported_media_type"], "422": ["validation_failed"]}))),
)]
pub async fn import_claims(
    State(state): State<AppState>,
    Caller(caller): Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Response> {
    let (name, bytes) = uploaded(&headers, body).await.map_err(problem)?;
    let claims = state
        .tracker
        .import_claims(Some(&caller), &bytes, name.as_deref())
        .await
        .map_err(refusal)?;
    Ok((StatusCode::CREATED, Json(claims)).into_response())
}

#[utoipa::path(
    get,
    path = "/frameworks/{fw}/editions",
    operation_id = "listEditions",
    tag = "claims",
    summary = "A framework's review editions, newest first",
    params(doc::Fw),
    responses(
        (status = 200, description = "The editions.", body = Vec<Edition>),
        (status = 400, description = "A path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["unknown_framework"]}))),
)]
pub async fn list_editions(State(state): State<AppState>, Path(fw): Path<String>) -> ApiResult {
    Ok(Json(state.tracker.editions(Some(&fw)).await?).into_response())
}

#[utoipa::path(
    post,
    path = "/frameworks/{fw}/editions",
    operation_id = "createEdition",
    tag = "claims",
    summary = "Freeze a review edition (secretariat, admin)",
    description = "Freezes the review of the framework as of `as_of` on `basis` (`reported` by default, or `validated`) as known at the end of the current second (`known_at`, which the tracker waits for: the answer takes about a second), and stores the SHA-256 of its PDF and HTML. Reading or downloading the edition later re-renders it from `as_of`, `basis` and `known_at`: the same bytes, whatever was recorded since. `as_of` must fall inside the framework's period and not after today. Audited (`edition.create`).",
    params(doc::Fw),
    request_body = EditionRequest,
    responses(
        (status = 201, description = "Frozen: the edition.", body = Edition, headers(("Location" = String, description = "The edition's path."))),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 403, description = "Only the Secretariat and admins freeze editions.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "The framework is unknown.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "A missing or unknown field, an empty or over-long title, an `as_of` outside the framework's period or in the future, an unknown `basis`.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security(("bearerAuth" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "403": ["forbidden"], "404": ["unknown_framework"], "422": ["validation_failed"]}))),
)]
pub async fn create_edition(
    State(state): State<AppState>,
    Caller(caller): Caller,
    Path(fw): Path<String>,
    JsonBody(body): JsonBody,
) -> ApiResult {
    let mut f = Fields::of(&body, &["title", "as_of", "basis"])?;
    let title = f.text("title", true);
    let as_of = f.date("as_of", true);
    let basis = f.text("basis", false);
    f.done()?;
    let (Some(title), Some(as_of)) = (title, as_of) else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let edition = state
        .tracker
        .create_edition(
            Some(&caller),
            &fw,
            &EditionRequest {
                title,
                as_of,
                basis,
            },
        )
        .await?;
    Ok(created(
        &format!("/api/v1/editions/{}", edition.id),
        edition,
    ))
}

#[utoipa::path(
    get,
    path = "/editions/{id}",
    operation_id = "getEdition",
    tag = "claims",
    summary = "One review edition",
    params(EditionId),
    responses(
        (status = 200, description = "The edition.", body = Edition),
        (status = 400, description = "The id is not a number (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no such edition.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["not_found"]}))),
)]
pub async fn get_edition(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    Ok(Json(state.tracker.edition(id).await?).into_response())
}

#[utoipa::path(
    get,
    path = "/editions/{id}/since",
    operation_id = "editionSince",
    tag = "claims",
    summary = "What changed since an edition: late reports, corrections, headline figures",
    description = "The status reports recorded after the edition's `known_at` that take effect on or before its `as_of` (late reports and corrections), in the order recorded; and each headline figure (completion rate, implementation rate, progress index under each rule) as in the edition and as it would be today, with the difference.",
    params(EditionId),
    responses(
        (status = 200, description = "The changes.", body = EditionSince),
        (status = 400, description = "The id is not a number (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no such edition.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_path"], "404": ["not_found"]}))),
)]
pub async fn edition_since(State(state): State<AppState>, Path(id): Path<i64>) -> ApiResult {
    Ok(Json(state.tracker.edition_since(id).await?).into_response())
}

#[utoipa::path(
    get,
    path = "/editions/{id}/report",
    operation_id = "editionReport",
    tag = "claims",
    summary = "An edition's PDF, HTML or JSON, byte for byte as frozen, or its Word copy",
    description = "Re-rendered from the edition's `as_of`, `basis` and `known_at`, and sent only when its SHA-256 is the one stored (`pdf_sha256`, `html_sha256`; the JSON is compared with the figures stored): otherwise 500 and nothing is sent. The Word copy (`docx`, for editing) has no hash of its own: it is sent when the edition's figures re-render to those frozen. Named `edition-ID-FW-DATE.EXT`.",
    params(EditionId, ("format" = Option<EditionFormat>, Query, description = "pdf (default), html, docx or json.")),
    responses(
        (status = 200, description = "The file (PDF and DOCX as attachments, HTML and JSON inline).", content(("application/pdf"), ("text/html"), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("application/json")), headers(("Content-Disposition" = String, description = "`attachment; filename=\"edition-1-FW-DATE.pdf\"`"))),
        (status = 400, description = "An unknown `format` (`invalid_query`); the id is not a number (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "There is no such edition.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["invalid_query", "invalid_path"], "404": ["not_found"]}))),
)]
pub async fn edition_report(
    State(state): State<AppState>,
    Path(id): Path<i64>,
    params: Params,
) -> ApiResult {
    let format = match params.text("format") {
        None => Format::Pdf,
        Some(f) => match f.parse::<Format>() {
            Ok(format @ (Format::Pdf | Format::Html | Format::Docx | Format::Json)) => format,
            _ => {
                return Err(Problem::bad_query(
                    "format",
                    format!("`{f}` is not an edition's format: use pdf, html, docx or json"),
                ));
            }
        },
    };
    let file = state.tracker.edition_file(id, format).await?;
    let disposition = if matches!(format, Format::Pdf | Format::Docx) {
        format!("attachment; filename=\"{}\"", file.name.replace('"', ""))
    } else {
        format!("inline; filename=\"{}\"", file.name.replace('"', ""))
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
