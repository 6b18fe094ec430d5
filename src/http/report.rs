//! `POST …/report`: the review report asked for with a JSON body, for what does not fit a
//! query string (the executive summary, in Markdown); answered like `GET …/report`
//! ([`super::api::report_file`]). A read like the GET, though sent as a `POST`: public, or for
//! a login on a private server (the server's check of private reads sees only `GET`s, so the
//! handler asks for it itself); it stores nothing.

use axum::extract::State;
use axum::response::Response;

use super::api::{ReportAsk, report_file};
use super::doc;
use super::fields::Fields;
use crate::domain::{Action, Basis, FieldIssue};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::edge::extract::{ApiPath as Path, JsonBody, Reader};
use crate::report::bundle::Format;
use crate::report::summary::MAX_CHARS;
use crate::service::{ServiceError, today};

/// The formats of the report, as the body names them (exactly, as the schema's enum does).
const FORMATS: [(&str, Format); 5] = [
    ("html", Format::Html),
    ("pdf", Format::Pdf),
    ("docx", Format::Docx),
    ("csv", Format::Csv),
    ("json", Format::Json),
];

/// `POST …/report` with `{format, as_of?, known_at?, basis?, summary?}`.
#[utoipa::path(
    post,
    path = "/frameworks/{fw}/report",
    operation_id = "reportWithSummary",
    tag = "figures",
    summary = "The review report of a framework, with an executive summary",
    description = "The report of `GET …/report`, asked for with a JSON body so that it can carry an executive summary in Markdown (at most 65,536 characters), printed first as section 1 in every format (HTML, PDF, DOCX; CSV and JSON give the figures only). Raw HTML in the summary is printed as text; links keep only http, https and mailto addresses. A read like the GET: public, or for a token or session on a private server. Nothing is stored.",
    params(doc::Fw),
    request_body = doc::ReportRequest,
    responses(
        (status = 200, description = "The report.", content(("text/html"), ("application/pdf"), ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("text/csv"), ("application/json"))),
        (status = 400, description = "The body is not JSON, or could not be read; or a path segment cannot be read (`invalid_path`).", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 404, description = "An unknown framework.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 413, description = "A body over 1 MiB.", body = doc::ProblemDoc, content_type = "application/problem+json"),
        (status = 422, description = "Invalid values, listed in `errors`: a missing or unknown field, a format other than html, pdf, docx, csv or json, an `as_of` that is not a date, a `known_at` that is not an RFC 3339 instant, an unknown basis, a summary of more than 65,536 characters.", body = doc::ProblemDoc, content_type = "application/problem+json"),
    ),
    security((), ("bearerAuth" = []), ("sessionCookie" = [])),
    extensions(("x-problem-codes" = json!({"400": ["malformed_json", "unreadable_body", "invalid_path"], "404": ["unknown_framework"], "413": ["body_too_large"], "422": ["validation_failed"]}))),
)]
pub async fn report_with_summary(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    Reader(reader): Reader,
    body: Result<JsonBody, Problem>,
) -> Result<Response, Problem> {
    // Who may read first, as the GET answers: a private server answers 401 to an anonymous
    // request whatever its body.
    state.tracker.authorize(reader.as_ref(), Action::Read)?;
    let JsonBody(body) = body?;
    let mut f = Fields::of(&body, &["format", "as_of", "known_at", "basis", "summary"])?;
    let format = f.text("format", true).and_then(|name| {
        let found = FORMATS.iter().find(|(n, _)| *n == name).map(|(_, f)| *f);
        if found.is_none() {
            f.issues.push(FieldIssue::invalid(
                "format",
                format!("`{name}` is not a report format: use html, pdf, docx, csv or json"),
            ));
        }
        found
    });
    let as_of = f.date("as_of", false);
    let known_at = f.instant("known_at");
    let basis = f.parsed::<Basis>("basis", false);
    let summary = f.text("summary", false);
    if let Some(text) = &summary
        && text.chars().count() > MAX_CHARS
    {
        f.issues.push(FieldIssue::invalid(
            "summary",
            format!("at most {MAX_CHARS} characters; an executive summary is a few pages at most"),
        ));
    }
    f.done()?;
    let Some(format) = format else {
        return Err(Problem::from(ServiceError::Invalid(Vec::new())));
    };
    let ask = ReportAsk {
        as_of: as_of.unwrap_or_else(today),
        known_at,
        basis: basis.unwrap_or(Basis::Reported),
        format,
        front: crate::report::Front {
            summary,
            ..Default::default()
        },
    };
    report_file(&state, &fw, ask).await
}
