//! Review editions in the pages (issue 18): `/editions` lists a framework's frozen reviews,
//! newest first, with their fingerprints and downloads, and (admins and the Secretariat) a form
//! to freeze one; `/editions/{id}` shows one edition and what has changed since it — the reports
//! recorded after its instant that take effect on or before its as-of date, and each headline
//! figure as frozen and as it would be today; `/editions/{id}/download/{format}` sends the PDF,
//! HTML or JSON, re-rendered and checked against the stored SHA-256 by the service
//! (`Tracker::edition_file`), so a download is the frozen bytes or an error, never a different
//! document.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::browse::{default_framework, visible};
use super::desk::{SummaryLine, field_error, summary_of};
use super::layout::{
    Choice, Chrome, Pairs, ReportLine, Section, basis_choices, basis_label, error_page,
    file_response, framework_choices, long_date, query_string, render, render_with, sentence,
    service_error,
};
use super::record::posted_session;
use super::{Peer, Session};
use crate::domain::{Actor, Basis, Edition, Role};
use crate::edge::AppState;
use crate::engine::claims::rule_words;
use crate::engine::percent_of;
use crate::report::bundle::Format;
use crate::service::{EditionRequest, ServiceError, SessionUser, Tracker, today};

/// The formats an edition is kept in, with their labels.
const FILES: [(Format, &str); 4] = [
    (Format::Pdf, "PDF"),
    (Format::Html, "HTML"),
    (Format::Docx, "Word (an editable copy)"),
    (Format::Json, "JSON"),
];

/// An instant to the second, UTC.
fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// The first characters of a hash, for a line; the full hash goes in a title and a `<code>`.
fn short_hash(hash: &str) -> String {
    format!("{}…", hash.get(..12).unwrap_or(hash))
}

/// An edition as people read it.
struct EditionLine {
    href: String,
    title: String,
    as_of: String,
    basis: &'static str,
    known_at: String,
    created_by: String,
    created_at: String,
    pdf_sha256: String,
    pdf_short: String,
    html_sha256: String,
    downloads: Vec<(String, &'static str)>,
}

impl EditionLine {
    fn of(e: &Edition) -> Self {
        Self {
            href: format!("/editions/{}", e.id),
            title: e.title.clone(),
            as_of: long_date(e.as_of),
            basis: basis_label(e.basis),
            known_at: instant(e.known_at),
            created_by: e
                .created_by
                .clone()
                .unwrap_or_else(|| "the operator (command line)".to_owned()),
            created_at: instant(e.created_at),
            pdf_short: short_hash(&e.pdf_sha256),
            pdf_sha256: e.pdf_sha256.clone(),
            html_sha256: e.html_sha256.clone(),
            downloads: FILES
                .iter()
                .map(|(f, label)| (format!("/editions/{}/download/{}", e.id, f.name()), *label))
                .collect(),
        }
    }
}

/// The account of an admin or Secretariat officer; otherwise the login or a 403 page.
fn publisher(
    session: Option<SessionUser>,
    chrome: &Chrome,
    back: &str,
) -> Result<SessionUser, Box<Response>> {
    let Some(session) = session else {
        let login = format!("/login{}", query_string(&[("next", back.to_owned())]));
        return Err(Box::new(Redirect::to(&login).into_response()));
    };
    if !matches!(session.user.role, Role::Admin | Role::Secretariat) {
        return Err(Box::new(error_page(
            chrome.clone(),
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Only the ASEAN Secretariat and administrators freeze review editions. Everyone may read and download them.",
        )));
    }
    Ok(session)
}

/// What the freezing form holds.
#[derive(Default)]
struct FreezeForm {
    title: String,
    as_of: String,
    basis: Basis,
}

#[derive(Template)]
#[template(path = "editions.html")]
struct EditionsPage {
    chrome: Chrome,
    frameworks: Vec<Choice>,
    fw_code: String,
    fw_title: String,
    fw_period: String,
    editions: Vec<EditionLine>,
    /// The freezing form, for admins and the Secretariat.
    may_freeze: bool,
    csrf: String,
    title: String,
    as_of: String,
    bases: Vec<Choice>,
    summary: Vec<SummaryLine>,
    errors: Vec<(String, String)>,
}

impl EditionsPage {
    fn error(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

async fn editions_page(
    tracker: &Tracker,
    chrome: Chrome,
    session: Option<&SessionUser>,
    framework: Option<String>,
    form: FreezeForm,
    errors: Vec<(String, String)>,
    status: StatusCode,
) -> Response {
    let frameworks = match tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = framework.unwrap_or_else(|| default_framework(&frameworks, today()));
    let Some(chosen) = frameworks.iter().find(|f| f.framework.code == fw) else {
        return service_error(chrome, ServiceError::UnknownFramework(fw));
    };
    let editions = match tracker.editions(Some(&fw)).await {
        Ok(e) => e,
        Err(e) => return service_error(chrome, e),
    };
    let f = &chosen.framework;
    let as_of = if form.as_of.is_empty() {
        today().clamp(f.start_date, f.end_date).to_string()
    } else {
        form.as_of
    };
    render_with(
        status,
        &EditionsPage {
            frameworks: framework_choices(&frameworks, &fw),
            fw_title: f.title.clone(),
            fw_period: format!("{} to {}", long_date(f.start_date), long_date(f.end_date)),
            fw_code: fw.clone(),
            editions: editions.iter().map(EditionLine::of).collect(),
            may_freeze: session
                .is_some_and(|s| matches!(s.user.role, Role::Admin | Role::Secretariat)),
            csrf: session
                .map(|s| s.csrf.expose().to_owned())
                .unwrap_or_default(),
            title: form.title,
            as_of,
            bases: basis_choices(form.basis),
            summary: summary_of(&errors),
            errors,
            chrome,
        },
    )
}

/// `GET /editions?framework=`.
pub async fn list(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Editions, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    editions_page(
        &state.tracker,
        chrome,
        session.as_ref(),
        params.one("framework").map(str::to_owned),
        FreezeForm::default(),
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /editions`: `csrf`, `framework`, `title`, `as_of`, `basis`. A good form freezes the
/// edition (about a second) and goes to its page (303); a bad one is shown again (422) with
/// each problem next to its field, and nothing is stored.
pub async fn freeze(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let session = match posted_session(&headers, session, &form, "/editions") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let chrome = Chrome::new(Section::Editions, Some(&session));
    let session = match publisher(Some(session), &chrome, "/editions") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let fw = form.one("framework").unwrap_or_default().to_owned();
    let title = form.raw("title").unwrap_or_default().to_owned();
    let as_of_text = form.one("as_of").unwrap_or_default().to_owned();
    let basis_text = form.one("basis").unwrap_or("reported").to_owned();
    let kept = FreezeForm {
        title: title.clone(),
        as_of: as_of_text.clone(),
        basis: basis_text.parse().unwrap_or_default(),
    };
    let errors = match NaiveDate::parse_from_str(&as_of_text, "%Y-%m-%d") {
        Err(_) => {
            let mut errors = Vec::new();
            if title.trim().is_empty() {
                errors.push(("title".to_owned(), "Give the edition a title.".to_owned()));
            }
            errors.push((
                "as_of".to_owned(),
                "Enter the date the review's figures hold on, as YYYY-MM-DD.".to_owned(),
            ));
            errors
        }
        Ok(as_of) => {
            let result = match state.tracker.admit_write(&session.user) {
                Ok(()) => {
                    let actor = Actor::new(session.user.clone(), address);
                    let request = EditionRequest {
                        title,
                        as_of,
                        basis: Some(basis_text),
                    };
                    state
                        .tracker
                        .create_edition(Some(&actor), &fw, &request)
                        .await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(edition) => {
                    return Redirect::to(&format!("/editions/{}", edition.id)).into_response();
                }
                Err(ServiceError::Invalid(issues)) => issues
                    .into_iter()
                    .map(|i| {
                        let field = match i.field.as_str() {
                            "as_of" => "as_of",
                            "basis" => "basis",
                            _ => "title",
                        };
                        (field.to_owned(), sentence(&i.message))
                    })
                    .collect(),
                Err(other) => return service_error(chrome, other),
            }
        }
    };
    editions_page(
        &state.tracker,
        chrome,
        Some(&session),
        Some(fw).filter(|f| !f.is_empty()),
        kept,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A headline figure as frozen and today.
struct ChangeLine {
    rule: &'static str,
    code: &'static str,
    metric: &'static str,
    edition: String,
    today: String,
    difference: String,
    changed: bool,
}

#[derive(Template)]
#[template(path = "edition.html")]
struct EditionPage {
    chrome: Chrome,
    e: EditionLine,
    fw_title: String,
    list_href: String,
    reports: Vec<ReportLine>,
    reports_caption: String,
    changes: Vec<ChangeLine>,
    changed: usize,
}

/// `GET /editions/{id}`.
pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    Path(id): Path<i64>,
) -> Response {
    let chrome = Chrome::new(Section::Editions, session.as_ref());
    let since = match state.tracker.edition_since(id).await {
        Ok(s) => s,
        Err(e) => return service_error(chrome, e),
    };
    let fw_title = match state.tracker.framework(&since.edition.framework).await {
        Ok(f) => f.title,
        Err(e) => return service_error(chrome, e),
    };
    let changes: Vec<ChangeLine> = since
        .changes
        .iter()
        .map(|c| {
            let changed = c.difference.is_some_and(|d| d.abs() >= 0.0005)
                || c.edition.is_some() != c.today.is_some();
            ChangeLine {
                rule: rule_words(c.rule),
                code: c.rule.as_str(),
                metric: c.metric.label(),
                edition: percent_of(c.edition),
                today: percent_of(c.today),
                difference: match c.difference {
                    None if changed => "now defined differently".to_owned(),
                    None => "–".to_owned(),
                    Some(_) if !changed => "no change".to_owned(),
                    Some(d) => format!(
                        "{}{} points",
                        if d < 0.0 { "−" } else { "+" },
                        percent_of(Some(d.abs())).trim_end_matches('%')
                    ),
                },
                changed,
            }
        })
        .collect();
    let fw = since.edition.framework.clone();
    render(&EditionPage {
        e: EditionLine::of(&since.edition),
        fw_title,
        list_href: format!("/editions{}", query_string(&[("framework", fw)])),
        reports_caption: format!(
            "{} recorded since the edition, in the order recorded",
            match since.reports.len() {
                1 => "1 report".to_owned(),
                n => format!("{n} reports"),
            }
        ),
        reports: since.reports.iter().map(ReportLine::of).collect(),
        changed: changes.iter().filter(|c| c.changed).count(),
        changes,
        chrome,
    })
}

/// `GET /editions/{id}/download/{format}`: the frozen PDF, HTML or JSON, or the Word copy, as an
/// attachment.
pub async fn download(
    State(state): State<AppState>,
    Session(session): Session,
    Path((id, format)): Path<(i64, String)>,
) -> Response {
    let chrome = Chrome::new(Section::Editions, session.as_ref());
    let Some((format, _)) = FILES.iter().find(|(f, _)| f.name() == format) else {
        return error_page(
            chrome,
            StatusCode::NOT_FOUND,
            "Not found",
            "An edition is kept as PDF, HTML or JSON, with a Word copy.",
        );
    };
    match state.tracker.edition_file(id, *format).await {
        Ok(file) => file_response(file, false),
        Err(e) => service_error(chrome, e),
    }
}
