//! The observation grid (`/record/{fw}/observations?scope=&year=`, after login): a scope's
//! indicators for one year, each row with its baseline and target in force and the value
//! already recorded for the year, to enter the year's values in one POST, all or nothing,
//! through `Tracker::record_observations` (the API's own use case: the same unit checks,
//! rights, locks and audit). A refusal re-renders the grid with the values typed, a summary at
//! the top linking to the fields and each message on its row; nothing is stored.
//!
//! Decisions where issue 17 is silent:
//! - Who: a focal point enters its own state's values (the scope is fixed); admins and the
//!   Secretariat choose `ASEAN` or a participant as of today; viewers get a 403 page. A forged
//!   form naming another scope gets the same 403 page, before any value is read.
//! - A row whose value is empty is skipped; a source or a note without a value is an error on
//!   its row (it would otherwise be lost silently). After success the grid says how many values
//!   were recorded and how many rows were left empty (303 to the grid, post/redirect/get).
//! - Values are written with a point for decimals and no thousands separators: a comma is
//!   refused rather than guessed (`1,5` could be 1.5 or 15, and a wrong guess would be stored).
//! - The years offered and the default year: see `service::pages::observations`.
//! - Status codes: 422 for invalid values, 409 for a locked year, 403 for a scope the account
//!   may not record, 429 when the account writes too fast; the page is the grid every time.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;

use super::desk::SummaryLine;
use super::layout::{
    Choice, Chrome, Pairs, Section, error_page, long_date, query_string, render_with, scope_name,
    segment, sentence, service_error, state_name, validation_label, when,
};
use super::record::{
    grid_scope, key, posted_session, scope_choices, scopes_for, to_login, viewer_page,
};
use super::{Peer, Session};
use crate::domain::{
    Actor, NewObservation, Observation, Role, Scope, ValidationState, check_value,
};
use crate::edge::AppState;
use crate::service::{ObservationGrid, ServiceError, SessionUser, Tracker, today};

/// The longest source or note the grid takes (as the API).
const MAX_TEXT: usize = 4_000;

#[derive(Template)]
#[template(path = "observations.html")]
struct ObservationsPage {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    csrf: String,
    scope: String,
    scope_name: String,
    scopes: Vec<Choice>,
    year: i32,
    years: Vec<Choice>,
    is_admin: bool,
    override_lock: bool,
    rows: Vec<Line>,
    summary: Vec<SummaryLine>,
    /// A message about the whole form (no value, a lock, a refusal).
    form_error: String,
    /// "Recorded 3 values for 2025; 9 rows were left empty."
    saved: String,
}

/// A row of the grid, worded.
struct Line {
    code: String,
    key: String,
    title: String,
    unit: String,
    /// "50 in 2025 → 80 in 2030", or empty without a target.
    target: String,
    /// The value in force for the year ("52.5"), or empty.
    current: String,
    current_state: &'static str,
    current_class: &'static str,
    current_by: String,
    /// "Returned: reason" for a later value the Secretariat returned, or empty.
    returned: String,
    value: String,
    source: String,
    note: String,
    error: String,
    bad_value: bool,
    bad_source: bool,
    bad_note: bool,
    percent: bool,
}

/// Per indicator code: per field (`value`, `source`, `note`), the messages.
type RowErrors = BTreeMap<String, Vec<(&'static str, String)>>;

fn add(errors: &mut RowErrors, code: &str, field: &'static str, message: String) {
    let list = errors.entry(code.to_owned()).or_default();
    if !list.iter().any(|(f, m)| *f == field && *m == message) {
        list.push((field, message));
    }
}

/// A value as stored, shortest exact form (`52.5`, `80`).
fn number(value: f64) -> String {
    format!("{value}")
}

fn badge(state: ValidationState) -> &'static str {
    match state {
        ValidationState::Reported => "ongoing",
        ValidationState::Validated => "completed",
        ValidationState::Returned => "not_started",
    }
}

fn by(o: &Observation) -> String {
    match &o.recorded_by {
        Some(name) => format!("by {name}, {}", when(o.recorded_at)),
        None => when(o.recorded_at),
    }
}

/// What the form holds, to show again after a refusal.
fn typed(form: &Pairs, name: &str, code: &str) -> String {
    form.one(&format!("{name}.{code}"))
        .unwrap_or_default()
        .to_owned()
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one page, gathered from one request"
)]
fn page_of(
    chrome: Chrome,
    session: &SessionUser,
    grid: &ObservationGrid,
    scopes: &[Scope],
    form: &Pairs,
    row_errors: &RowErrors,
    form_error: String,
    saved: String,
) -> ObservationsPage {
    let rows: Vec<Line> = grid
        .rows
        .iter()
        .map(|row| {
            let errors = row_errors.get(&row.code);
            let bad = |field: &str| errors.is_some_and(|l| l.iter().any(|(f, _)| *f == field));
            let (current, current_state, current_class, current_by) = match &row.current {
                Some(o) => (
                    number(o.value),
                    validation_label(o.validation.state),
                    badge(o.validation.state),
                    by(o),
                ),
                None => (String::new(), "", "", String::new()),
            };
            Line {
                key: key(&row.code),
                code: row.code.clone(),
                title: row.title.clone(),
                unit: row.unit.clone(),
                target: row
                    .target
                    .as_ref()
                    .map(|t| {
                        format!(
                            "{} in {} → {} in {}",
                            number(t.baseline_value),
                            t.baseline_year,
                            number(t.target_value),
                            t.target_year
                        )
                    })
                    .unwrap_or_default(),
                current,
                current_state,
                current_class,
                current_by,
                returned: row
                    .returned
                    .as_ref()
                    .map(|o| {
                        format!(
                            "{} was returned{}",
                            number(o.value),
                            o.validation
                                .reason
                                .as_ref()
                                .map(|r| format!(": {r}"))
                                .unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
                value: typed(form, "value", &row.code),
                source: typed(form, "source", &row.code),
                note: typed(form, "note", &row.code),
                error: errors
                    .map(|l| {
                        l.iter()
                            .map(|(_, m)| m.as_str())
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .unwrap_or_default(),
                bad_value: bad("value"),
                bad_source: bad("source"),
                bad_note: bad("note"),
                percent: crate::domain::is_percent_unit(&row.unit),
            }
        })
        .collect();
    let mut summary = Vec::new();
    if !form_error.is_empty() {
        summary.push(SummaryLine {
            href: "#form-error".to_owned(),
            message: form_error.clone(),
        });
    }
    for r in rows.iter().filter(|r| !r.error.is_empty()) {
        let field = if r.bad_value || !(r.bad_source || r.bad_note) {
            "value"
        } else if r.bad_source {
            "source"
        } else {
            "note"
        };
        summary.push(SummaryLine {
            href: format!("#{field}-{}", r.key),
            message: format!("{}: {}", r.code, r.error),
        });
    }
    ObservationsPage {
        fw_code: grid.framework.code.clone(),
        fw_title: grid.framework.title.clone(),
        csrf: session.csrf.expose().to_owned(),
        scope: grid.scope.to_string(),
        scope_name: scope_name(&grid.scope),
        scopes: scope_choices(scopes, grid.scope.as_str()),
        year: grid.year,
        years: grid
            .years
            .iter()
            .rev()
            .map(|y| Choice::new(y.to_string(), y.to_string(), *y == grid.year))
            .collect(),
        is_admin: session.user.role == Role::Admin,
        override_lock: form.one("override_lock").is_some(),
        rows,
        summary,
        form_error,
        saved,
        chrome,
    }
}

/// The scope asked for, if the account may record it; otherwise the page to answer.
async fn allowed_scope(
    tracker: &Tracker,
    chrome: &Chrome,
    session: &SessionUser,
    fw: &str,
    asked: Option<&str>,
) -> Result<(Scope, Vec<Scope>), Box<Response>> {
    let scope = grid_scope(asked, session).map_err(|message| {
        Box::new(error_page(
            chrome.clone(),
            StatusCode::BAD_REQUEST,
            "Unknown scope",
            &message,
        ))
    })?;
    let scopes = scopes_for(tracker, &session.user, fw)
        .await
        .map_err(|e| Box::new(service_error(chrome.clone(), e)))?;
    if !scopes.contains(&scope) {
        let message = match (&session.user.role, &session.user.state) {
            (Role::FocalPoint, Some(own)) => format!(
                "You are the focal point of {}: you can enter indicator values for {} only.",
                state_name(own),
                state_name(own)
            ),
            _ => format!(
                "{} does not take part in this framework today: indicator values are entered for participants only.",
                scope_name(&scope)
            ),
        };
        return Err(Box::new(error_page(
            chrome.clone(),
            StatusCode::FORBIDDEN,
            "Not allowed",
            &message,
        )));
    }
    Ok((scope, scopes))
}

/// The year asked for (`None`: the default), or the page to answer.
fn asked_year(chrome: &Chrome, text: Option<&str>) -> Result<Option<i32>, Box<Response>> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<i32>().map(Some).map_err(|_| {
            Box::new(error_page(
                chrome.clone(),
                StatusCode::BAD_REQUEST,
                "Unknown year",
                &format!("“{t}” is not a year: choose one from the list."),
            ))
        }),
    }
}

fn saved_sentence(year: &str, saved: usize, empty: usize) -> String {
    let values = if saved == 1 { "value" } else { "values" };
    let rows = match empty {
        0 => String::new(),
        1 => "; 1 row was left empty".to_owned(),
        n => format!("; {n} rows were left empty"),
    };
    format!("Recorded {saved} {values} for {year}{rows}.")
}

/// `GET /record/{fw}/observations?scope=&year=`.
pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    uri: Uri,
    Path(fw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Record, session.as_ref());
    let Some(session) = session else {
        return to_login(&uri);
    };
    if session.user.role == Role::Viewer {
        return viewer_page(chrome);
    }
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let tracker = &state.tracker;
    let (scope, scopes) =
        match allowed_scope(tracker, &chrome, &session, &fw, params.one("scope")).await {
            Ok(found) => found,
            Err(response) => return *response,
        };
    let year = match asked_year(&chrome, params.one("year")) {
        Ok(y) => y,
        Err(response) => return *response,
    };
    let grid = match tracker
        .observation_grid(&fw, &scope, year, today().year())
        .await
    {
        Ok(g) => g,
        Err(e) => return service_error(chrome, e),
    };
    let saved = match params.one("saved").and_then(|n| n.parse::<usize>().ok()) {
        Some(n) => saved_sentence(
            &grid.year.to_string(),
            n,
            params
                .one("empty")
                .and_then(|n| n.parse().ok())
                .unwrap_or(0),
        ),
        None => String::new(),
    };
    let page = page_of(
        chrome,
        &session,
        &grid,
        &scopes,
        &Pairs::default(),
        &RowErrors::new(),
        String::new(),
        saved,
    );
    render_with(StatusCode::OK, &page)
}

/// Why a lock refused the grid, in words for the person who filled it in.
fn locked_message(until: chrono::NaiveDate, year: i32) -> String {
    format!(
        "Values for years that end on or before {} are locked for the Secretariat's review, so the values for {year} cannot be entered now: nothing was recorded. Ask the Secretariat, or an administrator, to record them.",
        long_date(until)
    )
}

/// `POST /record/{fw}/observations`: `scope`, `year`, and per indicator `value.CODE`,
/// `source.CODE`, `note.CODE`; `override_lock` (admins).
pub async fn submit(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    Path(fw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let back = format!("/record/{}/observations", segment(&fw));
    let session = match posted_session(&headers, session, &form, &back) {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let chrome = Chrome::new(Section::Record, Some(&session));
    if session.user.role == Role::Viewer {
        return viewer_page(chrome);
    }
    let tracker = &state.tracker;
    let (scope, scopes) =
        match allowed_scope(tracker, &chrome, &session, &fw, form.one("scope")).await {
            Ok(found) => found,
            Err(response) => return *response,
        };
    let year = match asked_year(&chrome, form.one("year")) {
        Ok(y) => y,
        Err(response) => return *response,
    };
    let grid = match tracker
        .observation_grid(&fw, &scope, year, today().year())
        .await
    {
        Ok(g) => g,
        Err(e) => return service_error(chrome, e),
    };
    let mut row_errors = RowErrors::new();
    let mut observations = Vec::new();
    let mut codes: Vec<&str> = Vec::new();
    let mut empty = 0;
    for row in &grid.rows {
        let value = typed(&form, "value", &row.code);
        let source = typed(&form, "source", &row.code);
        let note = typed(&form, "note", &row.code);
        let (value, source, note) = (value.trim(), source.trim(), note.trim());
        for (field, text) in [("source", source), ("note", note)] {
            if text.chars().count() > MAX_TEXT {
                add(
                    &mut row_errors,
                    &row.code,
                    field,
                    format!("Keep the {field} to 4,000 characters at most."),
                );
            }
        }
        if value.is_empty() {
            if source.is_empty() && note.is_empty() {
                empty += 1;
            } else {
                add(
                    &mut row_errors,
                    &row.code,
                    "value",
                    "Enter a value, or clear the source and the note.".to_owned(),
                );
            }
            continue;
        }
        let parsed = if value.contains(',') {
            Err("Write the value with a point for decimals and no thousands separator (for example 1234.5).".to_owned())
        } else {
            value
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("Enter a number (“{value}” is not one)."))
        };
        let value = match parsed {
            Ok(v) => v,
            Err(message) => {
                add(&mut row_errors, &row.code, "value", message);
                continue;
            }
        };
        // Checked here too so that a row the form refuses and a row the unit refuses are
        // shown together, in one round.
        if let Err(issue) = check_value(&row.unit, "value", value) {
            add(
                &mut row_errors,
                &row.code,
                "value",
                sentence(&issue.to_string()),
            );
            continue;
        }
        observations.push(NewObservation {
            indicator: row.code.clone(),
            scope: scope.clone(),
            year: grid.year,
            value,
            source: (!source.is_empty()).then(|| source.to_owned()),
            note: (!note.is_empty()).then(|| note.to_owned()),
        });
        codes.push(&row.code);
    }
    let mut form_error = String::new();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if observations.is_empty() && row_errors.is_empty() {
        form_error = format!(
            "Enter a value for at least one indicator; nothing was recorded for {}.",
            grid.year
        );
    }
    if form_error.is_empty() && row_errors.is_empty() {
        let count = observations.len();
        let result = match tracker.admit_write(&session.user) {
            Ok(()) => {
                let actor = Actor::new(session.user.clone(), address);
                tracker
                    .record_observations(
                        &actor,
                        &fw,
                        &observations,
                        form.one("override_lock").is_some(),
                    )
                    .await
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(_) => {
                return Redirect::to(&format!(
                    "{back}{}",
                    query_string(&[
                        ("scope", scope.to_string()),
                        ("year", grid.year.to_string()),
                        ("saved", count.to_string()),
                        ("empty", empty.to_string()),
                    ])
                ))
                .into_response();
            }
            Err(ServiceError::Invalid(issues)) => {
                for issue in issues {
                    // `observations[3].value` (several sent) or `value` (one sent).
                    let (index, field) = match issue
                        .field
                        .strip_prefix("observations[")
                        .and_then(|rest| rest.split_once("]."))
                        .and_then(|(i, f)| i.parse::<usize>().ok().map(|i| (i, f)))
                    {
                        Some((i, f)) => (Some(i), f),
                        None => ((count == 1).then_some(0), issue.field.as_str()),
                    };
                    let field = match field {
                        "source" => "source",
                        "note" => "note",
                        _ => "value",
                    };
                    match index.and_then(|i| codes.get(i)) {
                        Some(code) if issue.field != "year" && !issue.field.ends_with(".year") => {
                            add(&mut row_errors, code, field, sentence(&issue.message));
                        }
                        _ => {
                            if !form_error.is_empty() {
                                form_error.push(' ');
                            }
                            form_error.push_str(&sentence(&issue.message));
                        }
                    }
                }
            }
            Err(ServiceError::Locked { until, .. }) => {
                status = StatusCode::CONFLICT;
                form_error = locked_message(until, grid.year);
            }
            Err(ServiceError::Forbidden(message)) => {
                status = StatusCode::FORBIDDEN;
                form_error = format!("{} Nothing was recorded.", sentence(&message));
            }
            Err(e @ ServiceError::TooManyWrites { .. }) => {
                status = StatusCode::TOO_MANY_REQUESTS;
                form_error = sentence(&e.to_string());
            }
            Err(other) => return service_error(chrome, other),
        }
    }
    let page = page_of(
        chrome,
        &session,
        &grid,
        &scopes,
        &form,
        &row_errors,
        form_error,
        String::new(),
    );
    render_with(status, &page)
}
