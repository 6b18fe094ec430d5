//! Recording, after login: a form for one status, and a grid to update many measures of one
//! scope at once (one bulk, all or nothing). Both go through `Tracker::record`, the API's own
//! use case, so the same checks apply; a refusal re-renders the form with each message next to
//! its field (and a summary at the top) and stores nothing. Every POST must come from this
//! site and carry the session's anti-forgery token; success answers 303 (post/redirect/get).
//!
//! Decisions: a focal point is offered its own state only (a forged form naming another is
//! refused by the service, 403, shown next to the scope); admins and the Secretariat choose
//! `ASEAN` or any participant as of today. The grid takes one effective date for all its rows.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::browse::{default_framework, visible};
use super::layout::{
    Choice, Chrome, Pairs, Section, cell_badge, error_page, in_asean_order, long_date,
    query_string, render_with, scope_name, segment, sentence, service_error, state_name,
    status_label,
};
use super::{Peer, Session, cross_site, same_origin};
use crate::domain::{Actor, FieldIssue, Role, Scope, Status};
use crate::edge::AppState;
use crate::service::{Recorded, ServiceError, SessionUser, Tracker, today};

/// Where a visitor without a session is sent: the login, and back here after it.
pub(super) fn to_login(uri: &Uri) -> Response {
    let next = uri
        .path_and_query()
        .map_or("/record", |p| p.as_str())
        .to_owned();
    Redirect::to(&format!("/login{}", query_string(&[("next", next)]))).into_response()
}

/// The account of a POST that came from this site with its session's token; otherwise the
/// answer to give (403 `cross_site_request`, or the login for a session that ended).
pub(super) fn posted_session(
    headers: &HeaderMap,
    session: Option<SessionUser>,
    form: &Pairs,
    back: &str,
) -> Result<SessionUser, Box<Response>> {
    if !same_origin(headers) {
        return Err(Box::new(cross_site().into_response()));
    }
    let Some(session) = session else {
        let login = format!("/login{}", query_string(&[("next", back.to_owned())]));
        return Err(Box::new(Redirect::to(&login).into_response()));
    };
    if form.raw("csrf") != Some(session.csrf.expose()) {
        return Err(Box::new(cross_site().into_response()));
    }
    Ok(session)
}

pub(super) fn viewer_page(chrome: Chrome) -> Response {
    error_page(
        chrome,
        StatusCode::FORBIDDEN,
        "Not allowed",
        "Viewer accounts read the figures but cannot record status. Ask an administrator for a focal point or Secretariat account.",
    )
}

/// The scopes an account may record, as of today: its own state for a focal point; `ASEAN`
/// and every participant for admins and the Secretariat.
pub(super) async fn scopes_for(
    tracker: &Tracker,
    user: &crate::domain::User,
    framework: &str,
) -> Result<Vec<Scope>, ServiceError> {
    let participants = tracker.participants(framework, today()).await?;
    Ok(match user.role {
        Role::FocalPoint => user
            .state
            .iter()
            .map(|own| Scope::State(own.clone()))
            .collect(),
        Role::Viewer => Vec::new(),
        Role::Admin | Role::Secretariat => std::iter::once(Scope::Asean)
            .chain(
                participants
                    .participants
                    .into_iter()
                    .map(|p| Scope::State(p.code)),
            )
            .collect(),
    })
}

pub(super) fn scope_choices(scopes: &[Scope], chosen: &str) -> Vec<Choice> {
    let mut in_order: Vec<&Scope> = scopes.iter().collect();
    in_asean_order(&mut in_order, |s| s.state());
    in_order
        .into_iter()
        .map(|s| {
            let label = match s {
                Scope::Asean => "ASEAN (regional)".to_owned(),
                Scope::State(code) => format!("{} ({code})", state_name(code)),
            };
            Choice::new(s.to_string(), label, s.as_str() == chosen)
        })
        .collect()
}

/// A required field left empty, in words for the form.
fn friendlier(field: &str, message: &str) -> String {
    if message == "this field is required" {
        match field {
            "measure" => "Choose a measure.".to_owned(),
            "scope" => "Choose where this status holds.".to_owned(),
            "status" => "Choose a status.".to_owned(),
            "effective_date" => "Enter the date from which this status holds.".to_owned(),
            _ => "This is required.".to_owned(),
        }
    } else {
        sentence(message)
    }
}

/// A form's errors: per field, in the order they were found.
#[derive(Debug, Default, Clone)]
struct Errors(BTreeMap<String, Vec<String>>);

impl Errors {
    fn add(&mut self, field: &str, message: String) {
        let list = self.0.entry(field.to_owned()).or_default();
        if !list.contains(&message) {
            list.push(message);
        }
    }
    fn get(&self, field: &str) -> String {
        self.0.get(field).map(|m| m.join(" ")).unwrap_or_default()
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An error summary line linking to its field.
#[derive(Debug, Clone)]
struct SummaryLine {
    href: String,
    message: String,
}

/// Why a lock refused the form, for the person who filled it in (the API's message speaks of
/// lock ids and `override_lock=true`).
fn locked_message(until: NaiveDate, count: usize) -> String {
    let which = if count > 1 {
        format!("{count} of these statuses take effect on or before that date, so ")
    } else {
        String::new()
    };
    format!(
        "Statuses effective on or before {} are locked for the Secretariat's review: {which}nothing was recorded. Choose a later effective date, or ask an administrator to record it.",
        long_date(until)
    )
}

/// The lock in force on a framework, as the record form and the grid show it before anyone
/// submits: `None` without one (or when the locks cannot be read: the submission still
/// checks).
async fn lock_notice(tracker: &Tracker, framework: &str) -> Option<String> {
    let locks = tracker.locks(framework).await.ok()?;
    let until = locks
        .iter()
        .filter(|l| l.released_at.is_none())
        .map(|l| l.until)
        .max()?;
    Some(format!(
        "Statuses effective on or before {} are locked for the Secretariat's review: choose a later effective date (an administrator may record inside the locked period).",
        long_date(until)
    ))
}

/// A refusal of `record` as field errors, with the status to answer.
fn refusal(e: ServiceError) -> Result<(StatusCode, Vec<FieldIssue>), ServiceError> {
    match e {
        ServiceError::Invalid(issues) | ServiceError::UnknownReferences(issues) => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, issues))
        }
        ServiceError::Forbidden(message) => Ok((
            StatusCode::FORBIDDEN,
            vec![FieldIssue::invalid("scope", message)],
        )),
        ServiceError::Locked { until, count, .. } => Ok((
            StatusCode::CONFLICT,
            vec![FieldIssue::invalid(
                "effective_date",
                locked_message(until, count),
            )],
        )),
        e @ ServiceError::TooManyWrites { .. } => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            vec![FieldIssue::invalid("form", e.to_string())],
        )),
        other => Err(other),
    }
}

// ---------------------------------------------------------------------------------------------
// One status

#[derive(Template)]
#[template(path = "record.html")]
struct RecordPage {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    frameworks: Vec<Choice>,
    csrf: String,
    groups: Vec<MeasureGroup>,
    scopes: Vec<Choice>,
    statuses: Vec<Choice>,
    progress: String,
    effective_date: String,
    today: String,
    /// The lock in force, in words (empty without one).
    lock: String,
    note: String,
    evidence_url: String,
    is_admin: bool,
    override_lock: bool,
    focal_state: String,
    summary: Vec<SummaryLine>,
    errors: Errors,
    grid_href: String,
    observations_href: String,
}

impl RecordPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field)
    }
}

struct MeasureGroup {
    label: String,
    options: Vec<Choice>,
}

/// What a form holds (for the page, again after a refusal).
#[derive(Debug, Default)]
struct Values {
    measure: String,
    scope: String,
    status: String,
    progress: String,
    effective_date: String,
    note: String,
    evidence_url: String,
    override_lock: bool,
}

impl Values {
    fn of(p: &Pairs) -> Self {
        let text = |name: &str| p.one(name).unwrap_or_default().to_owned();
        Self {
            measure: text("measure"),
            scope: text("scope"),
            status: text("status"),
            progress: text("progress"),
            effective_date: text("effective_date"),
            note: text("note"),
            evidence_url: text("evidence_url"),
            override_lock: p.one("override_lock").is_some(),
        }
    }
}

/// The JSON report of a form's values (as the API takes it).
/// The percent as sent, except 100 with "completed": a completed measure counts 100% anyway,
/// so the form accepts the percent a user often leaves there and records none (any other
/// percent with "completed" is still refused, as it says two different things).
fn without_full_percent<'a>(status: &str, progress: &'a str) -> &'a str {
    if status == "completed" && progress.trim() == "100" {
        ""
    } else {
        progress
    }
}

fn report_json(
    measure: &str,
    scope: &str,
    status: &str,
    progress: &str,
    effective_date: &str,
    note: &str,
    evidence_url: &str,
) -> Value {
    let mut report = Map::new();
    // An empty field is left out: the validation then says it is required.
    for (name, value) in [
        ("measure", measure),
        ("scope", scope),
        ("status", status),
        ("effective_date", effective_date),
    ] {
        if !value.is_empty() {
            report.insert(name.into(), json!(value));
        }
    }
    if !progress.is_empty() {
        // A number when it reads as one; otherwise the text, which the validation refuses
        // with its own message.
        let value = progress
            .parse::<u64>()
            .map_or_else(|_| json!(progress), |n| json!(n));
        report.insert("progress".into(), value);
    }
    if !note.is_empty() {
        report.insert("note".into(), json!(note));
    }
    if !evidence_url.is_empty() {
        report.insert("evidence_url".into(), json!(evidence_url));
    }
    Value::Object(report)
}

const FIELD_ORDER: [&str; 8] = [
    "form",
    "measure",
    "scope",
    "status",
    "progress",
    "effective_date",
    "note",
    "evidence_url",
];

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one page, gathered from one request"
)]
async fn record_page(
    tracker: &Tracker,
    chrome: Chrome,
    session: &SessionUser,
    fw: &str,
    values: Values,
    errors: Errors,
    status: StatusCode,
    frameworks: Vec<crate::domain::FrameworkSummary>,
) -> Response {
    let framework = match tracker.framework(fw).await {
        Ok(f) => f,
        Err(e) => return service_error(chrome, e),
    };
    let (tree, scopes) = match (
        tracker.framework_tree(fw).await,
        scopes_for(tracker, &session.user, fw).await,
    ) {
        (Ok(t), Ok(s)) => (t, s),
        (Err(e), _) | (_, Err(e)) => return service_error(chrome, e),
    };
    fn collect(node: &crate::service::TreeNode, chosen: &str, out: &mut Vec<Choice>) {
        if node.is_measure {
            out.push(Choice::new(
                node.code.clone(),
                format!("{} · {}", node.code, node.title),
                node.code == chosen,
            ));
        }
        for child in &node.children {
            collect(child, chosen, out);
        }
    }
    let groups = tree
        .nodes
        .iter()
        .map(|top| {
            let mut options = Vec::new();
            collect(top, &values.measure, &mut options);
            MeasureGroup {
                label: format!("{} · {}", top.code, top.title),
                options,
            }
        })
        .filter(|g| !g.options.is_empty())
        .collect();
    let summary = FIELD_ORDER
        .iter()
        .filter(|f| !errors.get(f).is_empty())
        .map(|f| SummaryLine {
            href: format!("#{}", if *f == "form" { "measure" } else { f }),
            message: errors.get(f),
        })
        .collect();
    let chosen_scope = if values.scope.is_empty() {
        scopes.first().map(ToString::to_string).unwrap_or_default()
    } else {
        values.scope.clone()
    };
    let page = RecordPage {
        fw_code: framework.code.clone(),
        fw_title: framework.title.clone(),
        frameworks: frameworks
            .iter()
            .map(|f| {
                Choice::new(
                    f.framework.code.clone(),
                    f.framework.title.clone(),
                    f.framework.code == framework.code,
                )
            })
            .collect(),
        csrf: session.csrf.expose().to_owned(),
        groups,
        scopes: scope_choices(&scopes, &chosen_scope),
        statuses: Status::ALL
            .iter()
            .map(|s| Choice::new(s.as_str(), status_label(*s), s.as_str() == values.status))
            .collect(),
        progress: values.progress,
        effective_date: values.effective_date,
        today: today().to_string(),
        lock: lock_notice(tracker, &framework.code)
            .await
            .unwrap_or_default(),
        note: values.note,
        evidence_url: values.evidence_url,
        is_admin: session.user.role == Role::Admin,
        override_lock: values.override_lock,
        focal_state: match (&session.user.role, &session.user.state) {
            (Role::FocalPoint, Some(code)) => state_name(code),
            _ => String::new(),
        },
        summary,
        errors,
        grid_href: format!(
            "/record/{}/grid{}",
            segment(&framework.code),
            query_string(&[("scope", chosen_scope.clone())])
        ),
        observations_href: format!(
            "/record/{}/observations{}",
            segment(&framework.code),
            query_string(&[("scope", chosen_scope)])
        ),
        chrome,
    };
    render_with(status, &page)
}

pub async fn form(
    State(state): State<AppState>,
    Session(session): Session,
    uri: Uri,
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
    let frameworks = match state.tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = params
        .one("framework")
        .map_or_else(|| default_framework(&frameworks, today()), str::to_owned);
    // A link may pre-fill the form (the focal point's "Correct" link on /me); the date
    // defaults to today.
    let mut values = Values::of(&params);
    if values.effective_date.is_empty() {
        values.effective_date = today().to_string();
    }
    record_page(
        &state.tracker,
        chrome,
        &session,
        &fw,
        values,
        Errors::default(),
        StatusCode::OK,
        frameworks,
    )
    .await
}

pub async fn submit(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    Path(fw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let back = format!("/record{}", query_string(&[("framework", fw.clone())]));
    let session = match posted_session(&headers, session, &form, &back) {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let chrome = Chrome::new(Section::Record, Some(&session));
    if session.user.role == Role::Viewer {
        return viewer_page(chrome);
    }
    let values = Values::of(&form);
    let report = report_json(
        &values.measure,
        &values.scope,
        &values.status,
        without_full_percent(&values.status, &values.progress),
        &values.effective_date,
        &values.note,
        &values.evidence_url,
    );
    let tracker = &state.tracker;
    let result = match tracker.admit_write(&session.user) {
        Ok(()) => {
            let actor = Actor::new(session.user.clone(), address);
            tracker
                .record(&actor, &fw, report, values.override_lock)
                .await
        }
        Err(e) => Err(e),
    };
    let (status, issues) = match result {
        Ok(Recorded::One(report)) => {
            return Redirect::to(&format!(
                "/frameworks/{}/measures/{}?recorded={}",
                segment(&report.framework),
                segment(&report.measure),
                report.id
            ))
            .into_response();
        }
        Ok(Recorded::Many(_)) => return Redirect::to(&back).into_response(),
        Err(e) => match refusal(e) {
            Ok(found) => found,
            Err(other) => return service_error(chrome, other),
        },
    };
    let mut errors = Errors::default();
    for issue in issues {
        let field = if FIELD_ORDER.contains(&issue.field.as_str()) {
            issue.field.as_str()
        } else {
            "form"
        };
        errors.add(field, friendlier(field, &issue.message));
    }
    let frameworks = match tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    record_page(
        tracker, chrome, &session, &fw, values, errors, status, frameworks,
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Many measures of one scope

#[derive(Template)]
#[template(path = "grid.html")]
struct GridPage {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    csrf: String,
    scope: String,
    scope_name: String,
    scopes: Vec<Choice>,
    effective_date: String,
    today: String,
    /// The lock in force, in words (empty without one).
    lock: String,
    as_of: String,
    is_admin: bool,
    override_lock: bool,
    groups: Vec<GridGroup>,
    summary: Vec<SummaryLine>,
    errors: Errors,
    /// "Recorded 3 reports."
    saved: Option<String>,
    statuses: Vec<Choice>,
}

impl GridPage {
    fn error(&self, field: &str) -> String {
        self.errors.get(field)
    }
}

struct GridGroup {
    code: String,
    title: String,
    rows: Vec<GridLine>,
}

struct GridLine {
    code: String,
    key: String,
    title: String,
    current: String,
    current_class: &'static str,
    status: String,
    progress: String,
    note: String,
    evidence: String,
    error: String,
    bad_status: bool,
    bad_progress: bool,
    bad_note: bool,
    bad_evidence: bool,
}

/// An HTML id fragment for a measure code (`1.1.2` → `1-1-2`).
pub(super) fn key(code: &str) -> String {
    code.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

#[expect(
    clippy::too_many_arguments,
    reason = "the parts of one page, gathered from one request"
)]
async fn grid_page(
    tracker: &Tracker,
    chrome: Chrome,
    session: &SessionUser,
    fw: &str,
    scope: Scope,
    form: &Pairs,
    row_errors: &BTreeMap<String, Errors>,
    errors: Errors,
    status: StatusCode,
    saved: Option<usize>,
) -> Response {
    let scopes = match scopes_for(tracker, &session.user, fw).await {
        Ok(s) => s,
        Err(e) => return service_error(chrome, e),
    };
    if !scopes.contains(&scope) {
        let message = match (&session.user.role, &session.user.state) {
            (Role::FocalPoint, Some(own)) => format!(
                "You are the focal point of {}: you can record status for {} only.",
                state_name(own),
                state_name(own)
            ),
            _ => format!(
                "{} does not take part in this framework today: status is recorded for participants only.",
                scope_name(&scope)
            ),
        };
        return error_page(chrome, StatusCode::FORBIDDEN, "Not allowed", &message);
    }
    let view = match tracker.record_grid(fw, &scope, today()).await {
        Ok(v) => v,
        Err(e) => return service_error(chrome, e),
    };
    let mut groups: Vec<GridGroup> = Vec::new();
    for row in &view.rows {
        let k = key(&row.code);
        let field = |name: &str| {
            form.one(&format!("{name}.{}", row.code))
                .unwrap_or_default()
                .to_owned()
        };
        let empty = Errors::default();
        let e = row_errors.get(&row.code).unwrap_or(&empty);
        let line = GridLine {
            current: cell_badge(row.status, row.progress, row.reported).0,
            current_class: cell_badge(row.status, row.progress, row.reported).1,
            status: field("status"),
            progress: field("progress"),
            note: field("note"),
            evidence: field("evidence"),
            error: ["status", "progress", "note", "evidence_url", "measure"]
                .iter()
                .map(|f| e.get(f))
                .filter(|m| !m.is_empty())
                .collect::<Vec<_>>()
                .join(" "),
            bad_status: !e.get("status").is_empty() || !e.get("measure").is_empty(),
            bad_progress: !e.get("progress").is_empty(),
            bad_note: !e.get("note").is_empty(),
            bad_evidence: !e.get("evidence_url").is_empty(),
            key: k,
            code: row.code.clone(),
            title: row.title.clone(),
        };
        match groups.last_mut() {
            Some(g) if g.code == row.top.0 => g.rows.push(line),
            _ => groups.push(GridGroup {
                code: row.top.0.clone(),
                title: row.top.1.clone(),
                rows: vec![line],
            }),
        }
    }
    let mut summary: Vec<SummaryLine> = ["form", "scope", "effective_date"]
        .iter()
        .filter(|f| !errors.get(f).is_empty())
        .map(|f| SummaryLine {
            href: format!(
                "#{}",
                match *f {
                    "form" => "effective_date",
                    other => other,
                }
            ),
            message: errors.get(f),
        })
        .collect();
    for g in &groups {
        for r in g.rows.iter().filter(|r| !r.error.is_empty()) {
            summary.push(SummaryLine {
                href: format!("#status-{}", r.key),
                message: format!("{}: {}", r.code, r.error),
            });
        }
    }
    let page = GridPage {
        fw_code: view.framework.code.clone(),
        fw_title: view.framework.title.clone(),
        csrf: session.csrf.expose().to_owned(),
        scope: scope.to_string(),
        scope_name: scope_name(&scope),
        scopes: scope_choices(&scopes, scope.as_str()),
        effective_date: form
            .one("effective_date")
            .map_or_else(|| today().to_string(), str::to_owned),
        today: today().to_string(),
        lock: lock_notice(tracker, &view.framework.code)
            .await
            .unwrap_or_default(),
        as_of: view.as_of.to_string(),
        is_admin: session.user.role == Role::Admin,
        override_lock: form.one("override_lock").is_some(),
        groups,
        summary,
        errors,
        saved: saved.map(|n| format!("Recorded {n} report{}.", if n == 1 { "" } else { "s" })),
        statuses: std::iter::once(Choice::new("", "No change", false))
            .chain(
                Status::ALL
                    .iter()
                    .map(|s| Choice::new(s.as_str(), status_label(*s), false)),
            )
            .collect(),
        chrome,
    };
    render_with(status, &page)
}

/// The scope a grid is for: the one asked, else a focal point's own state, else `ASEAN`.
pub(super) fn grid_scope(asked: Option<&str>, session: &SessionUser) -> Result<Scope, String> {
    match asked {
        Some(text) => text.parse::<Scope>().map_err(|e| sentence(&e.0)),
        None => Ok(session
            .user
            .state
            .clone()
            .map_or(Scope::Asean, Scope::State)),
    }
}

pub async fn grid(
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
    let scope = match grid_scope(params.one("scope"), &session) {
        Ok(s) => s,
        Err(message) => {
            return error_page(chrome, StatusCode::BAD_REQUEST, "Unknown scope", &message);
        }
    };
    let saved = params.one("saved").and_then(|n| n.parse().ok());
    grid_page(
        &state.tracker,
        chrome,
        &session,
        &fw,
        scope,
        &Pairs::default(),
        &BTreeMap::new(),
        Errors::default(),
        StatusCode::OK,
        saved,
    )
    .await
}

pub async fn submit_grid(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    Path(fw): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let back = format!("/record/{}/grid", segment(&fw));
    let session = match posted_session(&headers, session, &form, &back) {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let chrome = Chrome::new(Section::Record, Some(&session));
    if session.user.role == Role::Viewer {
        return viewer_page(chrome);
    }
    let tracker = &state.tracker;
    let scope = match grid_scope(form.one("scope"), &session) {
        Ok(s) => s,
        Err(message) => {
            return error_page(chrome, StatusCode::BAD_REQUEST, "Unknown scope", &message);
        }
    };
    let view = match tracker.record_grid(&fw, &scope, today()).await {
        Ok(v) => v,
        Err(e) => return service_error(chrome, e),
    };
    let effective_date = form.one("effective_date").unwrap_or_default();
    let mut errors = Errors::default();
    let mut row_errors: BTreeMap<String, Errors> = BTreeMap::new();
    let mut reports = Vec::new();
    let mut codes = Vec::new();
    // Rows with a percent, a note or a link but no new status.
    let mut unchosen = std::collections::BTreeSet::new();
    for row in &view.rows {
        let field = |name: &str| {
            form.one(&format!("{name}.{}", row.code))
                .unwrap_or_default()
                .to_owned()
        };
        let (status, progress, note, evidence) = (
            field("status"),
            field("progress"),
            field("note"),
            field("evidence"),
        );
        if status.is_empty() {
            if !(progress.is_empty() && note.is_empty() && evidence.is_empty()) {
                // Sent without its status (and nothing else of its own), so that the
                // validation reports it together with every other bad row in one round: the
                // service refuses it, and nothing is stored.
                reports.push(report_json(
                    &row.code,
                    scope.as_str(),
                    "",
                    "",
                    effective_date,
                    "",
                    "",
                ));
                codes.push(row.code.clone());
                unchosen.insert(row.code.clone());
            }
            continue;
        }
        reports.push(report_json(
            &row.code,
            scope.as_str(),
            &status,
            without_full_percent(&status, &progress),
            effective_date,
            &note,
            &evidence,
        ));
        codes.push(row.code.clone());
    }
    if reports.is_empty() {
        errors.add(
            "form",
            "Choose a new status for at least one measure; nothing was recorded.".to_owned(),
        );
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() && row_errors.is_empty() {
        let count = reports.len();
        let result = match tracker.admit_write(&session.user) {
            Ok(()) => {
                let actor = Actor::new(session.user.clone(), address);
                tracker
                    .record(
                        &actor,
                        &fw,
                        json!({ "reports": reports }),
                        form.one("override_lock").is_some(),
                    )
                    .await
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(_) => {
                return Redirect::to(&format!(
                    "/record/{}/grid{}",
                    segment(&fw),
                    query_string(&[("scope", scope.to_string()), ("saved", count.to_string())])
                ))
                .into_response();
            }
            Err(e) => match refusal(e) {
                Ok((code, issues)) => {
                    status = code;
                    for issue in issues {
                        // `reports[3].progress`: row 3 of those sent, field `progress`.
                        let located = issue
                            .field
                            .strip_prefix("reports[")
                            .and_then(|rest| rest.split_once("]."))
                            .and_then(|(i, f)| i.parse::<usize>().ok().map(|i| (i, f)));
                        match located {
                            Some((_, f @ ("effective_date" | "scope"))) => {
                                errors.add(f, friendlier(f, &issue.message));
                            }
                            Some((i, f)) => match codes.get(i) {
                                Some(code) if unchosen.contains(code) => {
                                    if f == "status" {
                                        row_errors.entry(code.clone()).or_default().add(
                                            f,
                                            "Choose a new status for this measure, or clear its other fields."
                                                .to_owned(),
                                        );
                                    }
                                }
                                Some(code) => row_errors
                                    .entry(code.clone())
                                    .or_default()
                                    .add(f, friendlier(f, &issue.message)),
                                None => errors.add("form", sentence(&issue.message)),
                            },
                            None => {
                                let f = match issue.field.as_str() {
                                    f @ ("effective_date" | "scope") => f,
                                    _ => "form",
                                };
                                errors.add(f, sentence(&issue.message));
                            }
                        }
                    }
                }
                Err(other) => return service_error(chrome, other),
            },
        }
    }
    grid_page(
        tracker,
        chrome,
        &session,
        &fw,
        scope,
        &form,
        &row_errors,
        errors,
        status,
        None,
    )
    .await
}
