//! Files in and out, in the pages: `/import` (after login: admins, the Secretariat and focal
//! points) and `/export` (anyone who may read the figures).
//!
//! Import in two steps, both through `Tracker::import_status`, the API's own use case (so the
//! same rights, checks, locks, validation and audit apply): the uploaded file (CSV or XLSX,
//! multipart, up to 32 MiB) is first checked as a dry run, which stores nothing and shows every
//! problem by line and column in a table (or what would be stored: how many reports, per
//! scope, how many rows unchanged or blank); then the person confirms, and the same bytes are
//! checked again and stored, all or nothing.
//!
//! Between the two steps the bytes wait on the server (`edge::staging`), under a random token
//! bound to the account that uploaded them, for 30 minutes at most; the confirmation form
//! carries only the token. **A restart of the server forgets the uploads waiting**: the person
//! is asked to upload the file again (nothing was stored). The browser is never asked to send
//! the file twice, and what is stored is exactly what was checked.
//!
//! Export: plain GET forms and links to the API's export and template routes (this module only
//! builds their addresses): statuses, progress and history as CSV, XLSX and SDMX-CSV, and the
//! status template, pre-filled with the scope's statuses in force by default.

use askama::Template;
use axum::body::Bytes;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::browse::{default_framework, visible};
use super::desk::{SummaryLine, summary_of};
use super::layout::{
    Choice, Chrome, Pairs, Section, error_page, framework_choices, in_asean_order, long_date,
    query_string, render_with, scope_name, segment, sentence, service_error, state_name,
};
use super::record::posted_session;
use super::{Peer, Session};
use crate::domain::{Actor, FieldIssue, Role, Scope};
use crate::edge::{AppState, MAX_IMPORT_BYTES, Problem};
use crate::service::{
    ImportFile, ImportOptions, ImportSummary, Quiet, ServiceError, SessionUser, Tracker, today,
};

/// The most problems listed one by one in the error summary (all are in the table below it).
const SUMMARY_PROBLEMS: usize = 10;

/// One problem of a file, as a row of the problems' table.
struct ProblemRow {
    /// The row's id, for the error summary's link.
    id: String,
    /// "7", "header" or "—".
    line: String,
    /// The column's name, or "—".
    column: String,
    message: String,
}

/// A checked file that would store reports, waiting for its confirmation.
struct Checked {
    token: String,
    file: String,
    rows: usize,
    blank: usize,
    unchanged: usize,
    stored: usize,
    /// (scope in words, reports).
    by_scope: Vec<(String, usize)>,
    validated: bool,
    lock: String,
}

/// A checked file that stores nothing new.
struct Nothing {
    file: String,
    rows: usize,
    blank: usize,
    unchanged: usize,
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    chrome: Chrome,
    csrf: String,
    fw_code: String,
    fw_title: String,
    frameworks: Vec<Choice>,
    /// The scopes whose template the account may fill.
    scopes: Vec<Choice>,
    focal_state: String,
    file_name: String,
    summary: Vec<SummaryLine>,
    problems: Vec<ProblemRow>,
    checked: Option<Checked>,
    nothing: Option<Nothing>,
    done: String,
    max_mib: u64,
}

/// What the page shows besides its forms.
#[derive(Default)]
struct Outcome {
    file_name: String,
    problems: Vec<ProblemRow>,
    summary: Vec<SummaryLine>,
    checked: Option<Checked>,
    nothing: Option<Nothing>,
    done: String,
}

impl Outcome {
    /// A problem of the whole file (or of the form).
    fn file_problem(file_name: String, message: &str) -> Self {
        Self::refused(file_name, &[FieldIssue::invalid("file", message)])
    }

    /// The refusal of a file: every problem in the table, the first ones in the summary.
    fn refused(file_name: String, issues: &[FieldIssue]) -> Self {
        let problems: Vec<ProblemRow> = issues
            .iter()
            .enumerate()
            .map(|(i, issue)| {
                let (line, column) = issue.file_position();
                let line = match (line, column) {
                    (Some(line), _) => line.to_string(),
                    (None, Some(_)) => "header".to_owned(),
                    (None, None) => "—".to_owned(),
                };
                ProblemRow {
                    id: format!("problem-{}", i + 1),
                    line,
                    column: column.unwrap_or("—").to_owned(),
                    message: sentence(&issue.message),
                }
            })
            .collect();
        let summary = if problems.len() <= SUMMARY_PROBLEMS {
            problems
                .iter()
                .map(|p| {
                    let at = match (p.line.as_str(), p.column.as_str()) {
                        ("—", "—") => String::new(),
                        ("header", column) => format!("Header, column {column}: "),
                        (line, "—") => format!("Line {line}: "),
                        (line, column) => format!("Line {line}, column {column}: "),
                    };
                    // A problem of the whole file points at the file's field.
                    let href = if at.is_empty() {
                        "#file".to_owned()
                    } else {
                        format!("#{}", p.id)
                    };
                    SummaryLine {
                        href,
                        message: format!("{at}{}", p.message),
                    }
                })
                .collect()
        } else {
            summary_of(&[(
                "problems".to_owned(),
                format!(
                    "The file has {} problems, each listed with its line and column in the table below.",
                    problems.len()
                ),
            )])
        };
        Self {
            file_name,
            problems,
            summary,
            ..Self::default()
        }
    }
}

/// The account of a person who may import (admins, the Secretariat, focal points); otherwise
/// the login (back to `/import`) or a 403 page.
fn importer(session: Option<SessionUser>, chrome: &Chrome) -> Result<SessionUser, Box<Response>> {
    let Some(session) = session else {
        let login = format!("/login{}", query_string(&[("next", "/import".to_owned())]));
        return Err(Box::new(Redirect::to(&login).into_response()));
    };
    if session.user.role == Role::Viewer {
        return Err(Box::new(error_page(
            chrome.clone(),
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Viewer accounts read and export the figures but cannot import status. Ask an administrator for a focal point or Secretariat account.",
        )));
    }
    Ok(session)
}

/// The importer of a form POST that came from this site with its session's token, and the
/// page's chrome; otherwise the answer to give.
fn posted_importer(
    headers: &HeaderMap,
    session: Option<SessionUser>,
    form: &Pairs,
) -> Result<(SessionUser, Chrome), Box<Response>> {
    let session = posted_session(headers, session, form, "/import")?;
    let chrome = Chrome::new(Section::Import, Some(&session));
    let session = importer(Some(session), &chrome)?;
    Ok((session, chrome))
}

/// The scopes whose template an account fills: its own state for a focal point; `ASEAN` and
/// every participant today for admins and the Secretariat; every one of them for a visitor of
/// the export page (`None`).
async fn template_scopes(
    tracker: &Tracker,
    user: Option<&crate::domain::User>,
    framework: &str,
    chosen: &str,
) -> Result<Vec<Choice>, ServiceError> {
    if let Some(user) = user
        && user.role == Role::FocalPoint
    {
        return Ok(user
            .state
            .iter()
            .map(|s| Choice::new(s.to_string(), format!("{} ({s})", state_name(s)), true))
            .collect());
    }
    let mut participants = tracker.participants(framework, today()).await?.participants;
    in_asean_order(&mut participants, |p| Some(&p.code));
    let mut choices = vec![Choice::new(
        "ASEAN",
        "ASEAN (regional)",
        chosen.is_empty() || chosen == "ASEAN",
    )];
    choices.extend(participants.iter().map(|p| {
        Choice::new(
            p.code.to_string(),
            format!("{} ({})", state_name(&p.code), p.code),
            chosen == p.code.as_str(),
        )
    }));
    Ok(choices)
}

async fn import_page(
    tracker: &Tracker,
    chrome: Chrome,
    session: &SessionUser,
    framework: Option<&str>,
    status: StatusCode,
    outcome: Outcome,
) -> Response {
    let frameworks = match tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = framework.map_or_else(|| default_framework(&frameworks, today()), str::to_owned);
    let Some(chosen) = frameworks.iter().find(|f| f.framework.code == fw) else {
        return service_error(chrome, ServiceError::UnknownFramework(fw));
    };
    let scopes = match template_scopes(tracker, Some(&session.user), &fw, "").await {
        Ok(s) => s,
        Err(e) => return service_error(chrome, e),
    };
    render_with(
        status,
        &ImportPage {
            csrf: session.csrf.expose().to_owned(),
            fw_title: chosen.framework.title.clone(),
            frameworks: framework_choices(&frameworks, &fw),
            fw_code: fw,
            scopes,
            focal_state: session
                .user
                .state
                .as_ref()
                .filter(|_| session.user.role == Role::FocalPoint)
                .map(state_name)
                .unwrap_or_default(),
            file_name: outcome.file_name,
            summary: outcome.summary,
            problems: outcome.problems,
            checked: outcome.checked,
            nothing: outcome.nothing,
            done: outcome.done,
            max_mib: MAX_IMPORT_BYTES / (1024 * 1024),
            chrome,
        },
    )
}

/// `GET /import?framework=`: the upload form (and, after a confirmed import, what was stored).
pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Import, session.as_ref());
    let session = match importer(session, &chrome) {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let done = match params.one("stored").and_then(|n| n.parse::<usize>().ok()) {
        Some(stored) => {
            let unchanged = params
                .one("unchanged")
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            let file = params
                .one("file")
                .map_or(String::new(), |f| format!(" {f}"));
            let review = if matches!(session.user.role, Role::Admin | Role::Secretariat) {
                "validated on entry"
            } else {
                "awaiting the Secretariat's validation"
            };
            format!(
                "Imported{file}: {} stored ({review}){}.",
                reports(stored),
                if unchanged > 0 {
                    format!(
                        "; {unchanged} unchanged row{} left out",
                        if unchanged == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                }
            )
        }
        None => String::new(),
    };
    import_page(
        &state.tracker,
        chrome,
        &session,
        params.one("framework"),
        StatusCode::OK,
        Outcome {
            done,
            ..Outcome::default()
        },
    )
    .await
}

fn reports(n: usize) -> String {
    format!("{n} report{}", if n == 1 { "" } else { "s" })
}

/// The fields of the upload form.
#[derive(Default)]
struct Upload {
    csrf: String,
    framework: String,
    name: Option<String>,
    bytes: Bytes,
}

/// Reads the upload form: the fields read, and, when the body could not be read to its end,
/// the status and a message for people (the fields before the failure are kept: the
/// anti-forgery token comes first).
async fn read_upload(multipart: &mut Multipart) -> (Upload, Result<(), (StatusCode, String)>) {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        let status = e.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            (
                status,
                format!(
                    "The file is larger than {} MiB: nothing was stored. Split it, or import it with the command line.",
                    MAX_IMPORT_BYTES / (1024 * 1024)
                ),
            )
        } else {
            (
                StatusCode::BAD_REQUEST,
                format!("The upload could not be read ({e}): nothing was stored. Try again."),
            )
        }
    };
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (upload, Ok(())),
            Err(e) => return (upload, Err(unreadable(e))),
        };
        let read = match field.name().unwrap_or_default() {
            "file" => {
                upload.name = field
                    .file_name()
                    .map(str::to_owned)
                    .filter(|n| !n.trim().is_empty());
                field.bytes().await.map(|b| upload.bytes = b)
            }
            "csrf" => field.text().await.map(|t| upload.csrf = t),
            "framework" => field.text().await.map(|t| upload.framework = t),
            _ => Ok(()),
        };
        if let Err(e) = read {
            return (upload, Err(unreadable(e)));
        }
    }
}

/// A refusal of the import as a status and the problems to list; anything else is an error
/// page.
fn refusal(e: ServiceError) -> Result<(StatusCode, Vec<FieldIssue>), ServiceError> {
    match e {
        ServiceError::Invalid(issues) | ServiceError::UnknownReferences(issues) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, issues))
        }
        ServiceError::Locked { until, count, .. } => Ok((
            StatusCode::CONFLICT,
            vec![FieldIssue::invalid(
                "file",
                format!(
                    "statuses effective on or before {} are locked for the Secretariat's review, and {} of the file take{} effect then: nothing was stored. Give {} a later effective date, or ask an administrator to import the file",
                    long_date(until),
                    reports(count),
                    if count == 1 { "s" } else { "" },
                    if count == 1 { "it" } else { "them" },
                ),
            )],
        )),
        e @ (ServiceError::Forbidden(_)
        | ServiceError::TooManyReports { .. }
        | ServiceError::TooManyWrites { .. }
        | ServiceError::UnknownFramework(_)) => {
            let problem = Problem::from(e);
            Ok((
                problem.status,
                vec![FieldIssue::invalid("file", problem.detail)],
            ))
        }
        other => Err(other),
    }
}

/// What a dry run found, worded for the page; a file that would store reports is staged.
fn checked_outcome(
    state: &AppState,
    session: &SessionUser,
    upload: &Upload,
    summary: ImportSummary,
) -> Result<Outcome, String> {
    let file = upload.name.clone().unwrap_or_else(|| "the file".to_owned());
    if summary.stored == 0 {
        return Ok(Outcome {
            file_name: file.clone(),
            nothing: Some(Nothing {
                file,
                rows: summary.rows,
                blank: summary.blank,
                unchanged: summary.unchanged,
            }),
            ..Outcome::default()
        });
    }
    let token = state
        .uploads
        .stage(
            session.user.id,
            &summary.framework,
            upload.name.as_deref(),
            upload.bytes.clone(),
        )
        .ok_or_else(|| "The file could not be kept for the confirmation: try again.".to_owned())?;
    let mut by_scope: Vec<(Scope, usize)> = summary
        .by_scope
        .iter()
        .filter_map(|(scope, n)| scope.parse::<Scope>().ok().map(|s| (s, *n)))
        .collect();
    in_asean_order(&mut by_scope, |(s, _)| s.state());
    Ok(Outcome {
        file_name: file.clone(),
        checked: Some(Checked {
            token,
            file,
            rows: summary.rows,
            blank: summary.blank,
            unchanged: summary.unchanged,
            stored: summary.stored,
            by_scope: by_scope
                .into_iter()
                .map(|(s, n)| (scope_name(&s), n))
                .collect(),
            validated: summary.validation == "validated",
            lock: summary.lock.map_or(String::new(), |l| {
                format!(
                    "Statuses effective on or before {} are locked; none of these rows is.",
                    long_date(l.until)
                )
            }),
        }),
        ..Outcome::default()
    })
}

/// `POST /import` (multipart: `csrf`, `framework`, `file`): the dry run. Stores nothing.
pub async fn check(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let (upload, read) = match multipart {
        Ok(mut multipart) => read_upload(&mut multipart).await,
        Err(rejection) => (
            Upload::default(),
            Err((
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "The form was not sent as a file upload ({rejection}): nothing was stored."
                ),
            )),
        ),
    };
    let form = Pairs(vec![("csrf".to_owned(), upload.csrf.clone())]);
    let (session, chrome) = match posted_importer(&headers, session, &form) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let tracker = &state.tracker;
    if let Err((status, message)) = read {
        let outcome = Outcome::file_problem(String::new(), &message);
        return import_page(tracker, chrome, &session, None, status, outcome).await;
    }
    let framework = Some(upload.framework.trim()).filter(|f| !f.is_empty());
    if upload.bytes.is_empty() {
        let message = if upload.name.is_none() {
            "Choose a file to check: a CSV or Excel (.xlsx) file."
        } else {
            "The file is empty: it needs a header row and at least one row under it."
        };
        let outcome = Outcome::file_problem(upload.name.clone().unwrap_or_default(), message);
        return import_page(
            tracker,
            chrome,
            &session,
            framework,
            StatusCode::UNPROCESSABLE_ENTITY,
            outcome,
        )
        .await;
    }
    let Some(fw) = framework else {
        let outcome = Outcome::file_problem(
            upload.name.clone().unwrap_or_default(),
            "Choose the framework of the file.",
        );
        return import_page(
            tracker,
            chrome,
            &session,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            outcome,
        )
        .await;
    };
    let result = match tracker.admit_write(&session.user) {
        Ok(()) => {
            let actor = Actor::new(session.user.clone(), address);
            tracker
                .import_status(
                    Some(&actor),
                    Some(fw),
                    ImportFile {
                        name: upload.name.as_deref(),
                        bytes: &upload.bytes,
                    },
                    ImportOptions {
                        dry_run: true,
                        override_lock: false,
                    },
                    &Quiet,
                )
                .await
        }
        Err(e) => Err(e),
    };
    let file_name = upload.name.clone().unwrap_or_default();
    let (status, outcome) = match result {
        Ok(summary) => match checked_outcome(&state, &session, &upload, summary) {
            Ok(outcome) => (StatusCode::OK, outcome),
            Err(message) => (
                StatusCode::SERVICE_UNAVAILABLE,
                Outcome::file_problem(file_name, &message),
            ),
        },
        Err(e) => match refusal(e) {
            Ok((status, issues)) => (status, Outcome::refused(file_name, &issues)),
            Err(other) => return service_error(chrome, other),
        },
    };
    import_page(tracker, chrome, &session, Some(fw), status, outcome).await
}

/// `POST /import/confirm` (`csrf`, `token`): stores the file checked under `token`, all or
/// nothing, then answers 303 to `/import` saying what was stored.
pub async fn confirm(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let (session, chrome) = match posted_importer(&headers, session, &form) {
        Ok(found) => found,
        Err(response) => return *response,
    };
    let tracker = &state.tracker;
    let token = form.one("token").unwrap_or_default();
    let Some(staged) = state.uploads.get(token, session.user.id) else {
        let outcome = Outcome::file_problem(
            String::new(),
            "This checked file is no longer waiting: a checked file waits 30 minutes, and a restart of the server forgets it. Nothing was stored: choose the file and check it again.",
        );
        return import_page(tracker, chrome, &session, None, StatusCode::GONE, outcome).await;
    };
    let result = match tracker.admit_write(&session.user) {
        Ok(()) => {
            let actor = Actor::new(session.user.clone(), address);
            tracker
                .import_status(
                    Some(&actor),
                    Some(&staged.framework),
                    ImportFile {
                        name: staged.name.as_deref(),
                        bytes: &staged.bytes,
                    },
                    ImportOptions {
                        dry_run: false,
                        override_lock: false,
                    },
                    &Quiet,
                )
                .await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(summary) => {
            state.uploads.remove(token);
            let mut pairs = vec![
                ("framework", summary.framework.clone()),
                ("stored", summary.stored.to_string()),
                ("unchanged", summary.unchanged.to_string()),
            ];
            if let Some(name) = &staged.name {
                pairs.push(("file", name.clone()));
            }
            Redirect::to(&format!("/import{}", query_string(&pairs))).into_response()
        }
        Err(e) => match refusal(e) {
            Ok((status, issues)) => {
                // Something changed since the dry run (a lock, a report): the file must be
                // checked again (unless the account was only told to slow down).
                if status != StatusCode::TOO_MANY_REQUESTS {
                    state.uploads.remove(token);
                }
                let outcome = Outcome::refused(staged.name.clone().unwrap_or_default(), &issues);
                import_page(
                    tracker,
                    chrome,
                    &session,
                    Some(staged.framework.as_str()),
                    status,
                    outcome,
                )
                .await
            }
            Err(other) => service_error(chrome, other),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Export

/// The formats of the exports, with their names for people.
const EXPORT_FORMATS: [(&str, &str); 3] = [
    ("csv", "CSV"),
    ("xlsx", "Excel (.xlsx)"),
    ("sdmx-csv", "SDMX-CSV 2.0"),
];

/// What can be exported, with its description.
const EXPORTS: [(&str, &str, &str); 3] = [
    (
        "status",
        "Statuses",
        "every strategic measure in ASEAN and every participant, as of the date (importable as it is)",
    ),
    (
        "progress",
        "Progress",
        "the completion and implementation rates and the progress index, with their counts",
    ),
    (
        "history",
        "History",
        "every report ever recorded, first recorded first (importable as it is)",
    ),
];

/// A row of the quick links: what, and its link in each format.
struct ExportRow {
    label: &'static str,
    description: &'static str,
    links: Vec<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    frameworks: Vec<Choice>,
    whats: Vec<Choice>,
    formats: Vec<Choice>,
    export_scopes: Vec<Choice>,
    scopes: Vec<Choice>,
    levels: Vec<Choice>,
    bases: Vec<Choice>,
    as_of: String,
    as_of_long: String,
    rows: Vec<ExportRow>,
    may_import: bool,
}

/// The API address of a framework's file.
fn api_href(fw: &str, what: &str, params: &[(&str, String)]) -> String {
    format!(
        "/api/v1/frameworks/{}/status/{what}{}",
        segment(fw),
        query_string(params)
    )
}

/// `GET /export?framework=&as_of=`: the exports of a framework, and its template.
pub async fn export_page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Export, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let as_of = match params.date("as_of") {
        Ok(d) => d.unwrap_or_else(today),
        Err(message) => return error_page(chrome, StatusCode::BAD_REQUEST, "Not a date", &message),
    };
    let tracker = &state.tracker;
    let frameworks = match tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = params
        .one("framework")
        .map_or_else(|| default_framework(&frameworks, today()), str::to_owned);
    let Some(chosen) = frameworks.iter().find(|f| f.framework.code == fw) else {
        return service_error(chrome, ServiceError::UnknownFramework(fw));
    };
    let user = session.as_ref().map(|s| &s.user);
    let own = user
        .filter(|u| u.role == Role::FocalPoint)
        .and_then(|u| u.state.as_ref())
        .map(ToString::to_string)
        .unwrap_or_default();
    let scopes = match template_scopes(tracker, None, &fw, &own).await {
        Ok(s) => s,
        Err(e) => return service_error(chrome, e),
    };
    let mut export_scopes = vec![Choice::new(
        "",
        "ASEAN and every participant",
        own.is_empty(),
    )];
    export_scopes.extend(
        scopes
            .iter()
            .map(|s| Choice::new(s.value.clone(), s.label.clone(), s.value == own)),
    );
    let mut levels = vec![Choice::new("", "The top level", true)];
    levels.extend(
        chosen
            .framework
            .levels
            .iter()
            .map(|l| Choice::new(l.clone(), l.clone(), false)),
    );
    let day = as_of.to_string();
    let rows = EXPORTS
        .iter()
        .map(|(what, label, description)| ExportRow {
            label,
            description,
            links: EXPORT_FORMATS
                .iter()
                .map(|(format, name)| {
                    let mut pairs = vec![("what", (*what).to_owned())];
                    if *what != "history" {
                        pairs.push(("as_of", day.clone()));
                    }
                    pairs.push(("format", (*format).to_owned()));
                    (api_href(&fw, "export", &pairs), *name)
                })
                .collect(),
        })
        .collect();
    render_with(
        StatusCode::OK,
        &ExportPage {
            fw_title: chosen.framework.title.clone(),
            frameworks: framework_choices(&frameworks, &fw),
            fw_code: fw,
            whats: EXPORTS
                .iter()
                .map(|(what, label, _)| Choice::new(*what, *label, *what == "status"))
                .collect(),
            formats: EXPORT_FORMATS
                .iter()
                .map(|(format, name)| Choice::new(*format, *name, *format == "xlsx"))
                .collect(),
            export_scopes,
            scopes,
            levels,
            bases: super::layout::basis_choices(params.basis()),
            as_of: day,
            as_of_long: long_date(as_of),
            rows,
            may_import: user.is_some_and(|u| u.role != Role::Viewer),
            chrome,
        },
    )
}

/// The framework of a download form, or the page that asks for it.
fn chosen_framework<'a>(
    params: &'a Pairs,
    session: Option<&SessionUser>,
) -> Result<&'a str, Box<Response>> {
    params.one("framework").ok_or_else(|| {
        Box::new(error_page(
            Chrome::new(Section::Export, session),
            StatusCode::BAD_REQUEST,
            "Choose a framework",
            "Choose the framework of the file.",
        ))
    })
}

/// `GET /export/download?framework=&what=&format=&scope=&as_of=&basis=&level=&measure=`: to
/// the API's export route.
pub async fn download(Session(session): Session, RawQuery(query): RawQuery) -> Response {
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let fw = match chosen_framework(&params, session.as_ref()) {
        Ok(fw) => fw,
        Err(response) => return *response,
    };
    let what = params.one("what").unwrap_or("status");
    let mut pairs = vec![("what", what.to_owned())];
    for name in ["format", "scope", "as_of", "basis", "level", "measure"] {
        let wanted = match name {
            "as_of" => what != "history",
            "basis" | "level" => what == "progress",
            "measure" => what != "progress",
            _ => true,
        };
        if wanted && let Some(v) = params.one(name) {
            pairs.push((name, v.to_owned()));
        }
    }
    Redirect::to(&api_href(fw, "export", &pairs)).into_response()
}

/// `GET /export/template?framework=&scope=&format=&prefilled=1`: to the API's template route.
pub async fn template(Session(session): Session, RawQuery(query): RawQuery) -> Response {
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let fw = match chosen_framework(&params, session.as_ref()) {
        Ok(fw) => fw,
        Err(response) => return *response,
    };
    let mut pairs = Vec::new();
    for name in ["scope", "format"] {
        if let Some(v) = params.one(name) {
            pairs.push((name, v.to_owned()));
        }
    }
    if params
        .one("prefilled")
        .is_some_and(|v| v != "0" && v != "false")
    {
        pairs.push(("prefilled", "true".to_owned()));
    }
    Redirect::to(&api_href(fw, "template", &pairs)).into_response()
}
