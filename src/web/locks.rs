//! Review cut-offs in the pages (`/review/locks`, admins and the Secretariat): the framework's
//! locks, a form to lock it up to a date, and (admins only) a button to release a lock, through
//! the API's own use cases (`Tracker::lock`, `unlock`, `locks`), so the same checks and audit
//! apply. A refusal is shown next to its field; nothing is stored.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use super::browse::{default_framework, visible};
use super::desk::{SummaryLine, field_error, reviewer, summary_of};
use super::layout::{
    Choice, Chrome, Pairs, Section, framework_choices, query_string, render_with, sentence,
    service_error, when,
};
use super::record::posted_session;
use super::{Peer, Session};
use crate::domain::{Actor, Lock, Role};
use crate::edge::AppState;
use crate::service::{ServiceError, SessionUser, Tracker, today};

/// A lock as a line for people.
struct LockLine {
    id: i64,
    until: String,
    note: String,
    created: String,
    released: String,
}

impl LockLine {
    fn of(lock: &Lock) -> Self {
        let by = |who: &Option<String>| who.clone().unwrap_or_else(|| "(unknown)".to_owned());
        Self {
            id: lock.id,
            until: lock.until.to_string(),
            note: lock.note.clone().unwrap_or_default(),
            created: format!("{} by {}", when(lock.created_at), by(&lock.created_by)),
            released: lock
                .released_at
                .map(|at| format!("{} by {}", when(at), by(&lock.released_by)))
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "locks.html")]
struct LocksPage {
    chrome: Chrome,
    csrf: String,
    fw_code: String,
    frameworks: Vec<Choice>,
    locks: Vec<LockLine>,
    may_release: bool,
    until: String,
    note: String,
    done: String,
    summary: Vec<SummaryLine>,
    errors: Vec<(String, String)>,
}

impl LocksPage {
    fn error(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, each used once"
)]
async fn locks_page(
    tracker: &Tracker,
    chrome: Chrome,
    session: &SessionUser,
    framework: Option<String>,
    values: (String, String),
    errors: Vec<(String, String)>,
    status: StatusCode,
    done: String,
) -> Response {
    let frameworks = match tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = framework.unwrap_or_else(|| default_framework(&frameworks, today()));
    let locks = match tracker.locks(&fw).await {
        Ok(l) => l,
        Err(e) => return service_error(chrome, e),
    };
    let summary = summary_of(&errors);
    render_with(
        status,
        &LocksPage {
            csrf: session.csrf.expose().to_owned(),
            frameworks: framework_choices(&frameworks, &fw),
            fw_code: fw,
            locks: locks.iter().map(LockLine::of).collect(),
            may_release: session.user.role == Role::Admin,
            until: values.0,
            note: values.1,
            done,
            summary,
            errors,
            chrome,
        },
    )
}

/// `GET /review/locks?framework=`.
pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Review, session.as_ref());
    let session = match reviewer(session, &chrome, "/review/locks") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let done = match params.one("done") {
        Some("locked") => "The framework is locked.".to_owned(),
        Some("released") => "The lock is released.".to_owned(),
        _ => String::new(),
    };
    locks_page(
        &state.tracker,
        chrome,
        &session,
        params.one("framework").map(str::to_owned),
        Default::default(),
        Vec::new(),
        StatusCode::OK,
        done,
    )
    .await
}

fn back(fw: &str, done: &str) -> Response {
    Redirect::to(&format!(
        "/review/locks{}",
        query_string(&[("framework", fw.to_owned()), ("done", done.to_owned())])
    ))
    .into_response()
}

/// `POST /review/locks/{fw}`: `until`, `note`.
pub async fn create(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    Path(fw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let session = match posted_session(&headers, session, &form, "/review/locks") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let chrome = Chrome::new(Section::Review, Some(&session));
    let session = match reviewer(Some(session), &chrome, "/review/locks") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let until_text = form.one("until").unwrap_or_default().trim().to_owned();
    let note = form.one("note").unwrap_or_default().to_owned();
    let (status, errors) = match NaiveDate::parse_from_str(&until_text, "%Y-%m-%d") {
        Err(_) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![(
                "until".to_owned(),
                "Enter the last date the lock covers, as YYYY-MM-DD.".to_owned(),
            )],
        ),
        Ok(until) => {
            let result = match state.tracker.admit_write(&session.user) {
                Ok(()) => {
                    let actor = Actor::new(session.user.clone(), address);
                    state
                        .tracker
                        .lock(&actor, &fw, until, Some(note.as_str()))
                        .await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(lock) => return back(&lock.framework, "locked"),
                Err(ServiceError::Invalid(issues)) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    issues
                        .into_iter()
                        .map(|i| {
                            let field = if i.field == "note" { "note" } else { "until" };
                            (field.to_owned(), sentence(&i.message))
                        })
                        .collect(),
                ),
                Err(other) => return service_error(chrome, other),
            }
        }
    };
    locks_page(
        &state.tracker,
        chrome,
        &session,
        Some(fw),
        (until_text, note),
        errors,
        status,
        String::new(),
    )
    .await
}

/// `POST /review/locks/{fw}/{id}/release` (admins; the service refuses the Secretariat).
pub async fn release(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    Path((fw, id)): Path<(String, i64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let session = match posted_session(&headers, session, &form, "/review/locks") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let chrome = Chrome::new(Section::Review, Some(&session));
    let result = match state.tracker.admit_write(&session.user) {
        Ok(()) => {
            let actor = Actor::new(session.user.clone(), address);
            state.tracker.unlock(&actor, &fw, id).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(lock) => back(&lock.framework, "released"),
        Err(e) => service_error(chrome, e),
    }
}
