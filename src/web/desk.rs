//! The Secretariat's review desk (`/review`, admins and the Secretariat): the reports awaiting
//! validation, filtered and paged, each with its evidence and the report it replaces; tick
//! several and validate them (evidence checked) or return them with one reason, in one POST,
//! all or nothing, through `Tracker::decide_reports` (the API's own use case, so the same
//! checks and audit apply). A refusal re-renders the desk with the message next to its field.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::browse::{default_framework, visible};
use super::layout::{
    Choice, Chrome, Pairs, ReportLine, Section, error_page, framework_choices, query_string,
    render_with, scope_name, service_error, state_name, when,
};
use super::record::posted_session;
use super::{Peer, Session};
use crate::domain::{
    Actor, Observation, Role, Scope, StateCode, SubmissionAction, ValidationState,
};
use crate::edge::AppState;
use crate::service::{
    AwaitingSubmission, DeskFilter, ObservationDecision, ReviewDecision, ServiceError, SessionUser,
    Tracker, today,
};

/// A row of the desk: the waiting report and the one it replaces.
struct Row {
    report: ReportLine,
    replaces: Option<ReportLine>,
    in_force: bool,
    checked: bool,
}

/// An observation awaiting validation, worded.
struct ObservationRow {
    id: i64,
    indicator: String,
    scope_name: String,
    year: i32,
    value: String,
    source: String,
    note: String,
    recorded: String,
    recorded_by: String,
    checked: bool,
}

impl ObservationRow {
    fn of(o: &Observation, posted: &Posted) -> Self {
        Self {
            id: o.id,
            indicator: o.indicator.clone(),
            scope_name: scope_name(&o.scope),
            year: o.year,
            value: format!("{}", o.value),
            source: o.source.clone().unwrap_or_default(),
            note: o.note.clone().unwrap_or_default(),
            recorded: when(o.recorded_at),
            recorded_by: o.recorded_by.clone().unwrap_or_default(),
            checked: posted.observation_ids.contains(&o.id),
        }
    }
}

/// How many observations awaiting validation the desk lists (newest first).
const OBSERVATIONS_LISTED: usize = 200;

/// A round submission awaiting a decision, worded.
struct SubmissionRow {
    round: String,
    state: String,
    state_name: String,
    submitted: String,
    timeliness: &'static str,
    coverage: String,
    /// The id of its reason field.
    field: String,
    reason: String,
}

/// The id of the reason field of a round's submission by a state.
fn reason_field(round: &str, state: &str) -> String {
    let safe: String = format!("{round}-{state}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("sub-reason-{safe}")
}

impl SubmissionRow {
    fn of(s: &AwaitingSubmission, posted: &Posted) -> Self {
        let field = reason_field(&s.round, s.state.as_str());
        let coverage = match &s.coverage {
            Some(c) => match c.coverage {
                Some(share) => format!(
                    "{:.0}% ({} of {} applicable measures reported this round)",
                    share * 100.0,
                    c.reported_this_round,
                    c.applicable
                ),
                None => "no applicable measure".to_owned(),
            },
            None => "not available".to_owned(),
        };
        let reason = match &posted.submission_reason {
            Some((f, text)) if *f == field => text.clone(),
            _ => String::new(),
        };
        Self {
            round: s.round.clone(),
            state: s.state.to_string(),
            state_name: state_name(&s.state),
            submitted: when(s.submitted_at),
            timeliness: if s.late { "late" } else { "on time" },
            coverage,
            field,
            reason,
        }
    }
}

/// An error summary line linking to its field.
pub(super) struct SummaryLine {
    pub(super) href: String,
    pub(super) message: String,
}

/// A form's messages, each next to its field (by the field's id), and the summary at the top.
pub(super) fn summary_of(errors: &[(String, String)]) -> Vec<SummaryLine> {
    errors
        .iter()
        .map(|(field, message)| SummaryLine {
            href: format!("#{field}"),
            message: message.clone(),
        })
        .collect()
}

/// The messages of one field, joined.
pub(super) fn field_error(errors: &[(String, String)], field: &str) -> String {
    errors
        .iter()
        .filter(|(f, _)| f == field)
        .map(|(_, m)| m.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Template)]
#[template(path = "desk.html")]
struct DeskPage {
    chrome: Chrome,
    csrf: String,
    fw_code: String,
    fw_title: String,
    frameworks: Vec<Choice>,
    states: Vec<Choice>,
    bodies: Vec<Choice>,
    rounds: Vec<Choice>,
    all: bool,
    total: usize,
    replaced: usize,
    page: usize,
    pages: usize,
    previous_href: String,
    next_href: String,
    rows: Vec<Row>,
    submissions: Vec<SubmissionRow>,
    observations: Vec<ObservationRow>,
    /// How many observations await validation (all of them, beyond those listed).
    observations_total: usize,
    observation_reason: String,
    observation_evidence_checked: bool,
    scope_filter: String,
    reason: String,
    evidence_checked: bool,
    done: String,
    summary: Vec<SummaryLine>,
    errors: Vec<(String, String)>,
}

impl DeskPage {
    fn error(&self, field: &str) -> String {
        field_error(&self.errors, field)
    }
}

/// The desk's filters, read from a query string or from the hidden fields of its form.
struct Filters {
    framework: Option<String>,
    state: String,
    body: String,
    round: String,
    all: bool,
    page: usize,
}

impl Filters {
    fn of(pairs: &Pairs) -> Self {
        Self {
            framework: pairs.one("framework").map(str::to_owned),
            state: pairs.one("state").unwrap_or_default().to_owned(),
            body: pairs.one("body").unwrap_or_default().to_owned(),
            round: pairs.one("round").unwrap_or_default().to_owned(),
            all: pairs.one("all").is_some_and(|v| v == "1" || v == "on"),
            page: pairs.one("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        }
    }

    fn query(&self, fw: &str, page: usize) -> String {
        let mut pairs = vec![("framework", fw.to_owned())];
        if !self.state.is_empty() {
            pairs.push(("state", self.state.clone()));
        }
        if !self.body.is_empty() {
            pairs.push(("body", self.body.clone()));
        }
        if !self.round.is_empty() {
            pairs.push(("round", self.round.clone()));
        }
        if self.all {
            pairs.push(("all", "1".to_owned()));
        }
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        format!("/review{}", query_string(&pairs))
    }
}

/// A desk form's poster: a same-origin POST with the session's token (else its refusal), by a
/// reviewer (else the page saying so), with the desk's chrome.
fn posted_reviewer(
    headers: &HeaderMap,
    session: Option<SessionUser>,
    form: &Pairs,
) -> Result<(SessionUser, Chrome), Box<Response>> {
    let session = posted_session(headers, session, form, "/review")?;
    let chrome = Chrome::new(Section::Review, Some(&session));
    let session = reviewer(Some(session), &chrome, "/review")?;
    Ok((session, chrome))
}

/// The account of an admin or Secretariat officer; otherwise the login (back to `back`) or a
/// 403 page.
pub(super) fn reviewer(
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
            "Only the ASEAN Secretariat and administrators review reports and lock frameworks.",
        )));
    }
    Ok(session)
}

/// What the POST sent besides the filters, kept when the desk is shown again.
#[derive(Default)]
struct Posted {
    ids: Vec<i64>,
    reason: String,
    evidence_checked: bool,
    /// A round submission's reason field and what was typed in it.
    submission_reason: Option<(String, String)>,
    /// The observations ticked, the reason typed and the evidence box, for observations.
    observation_ids: Vec<i64>,
    observation_reason: String,
    observation_evidence_checked: bool,
}

#[expect(
    clippy::too_many_arguments,
    reason = "the desk's parts, each used once"
)]
async fn desk_page(
    tracker: &Tracker,
    chrome: Chrome,
    session: &SessionUser,
    address: Option<String>,
    filters: &Filters,
    posted: Posted,
    errors: Vec<(String, String)>,
    status: StatusCode,
    done: String,
) -> Response {
    let frameworks = match tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = filters
        .framework
        .clone()
        .unwrap_or_else(|| default_framework(&frameworks, today()));
    let scope = if filters.state.is_empty() {
        None
    } else {
        match filters.state.parse::<Scope>() {
            Ok(s) => Some(s),
            Err(e) => {
                return error_page(
                    chrome,
                    StatusCode::BAD_REQUEST,
                    "That cannot be shown",
                    &e.0,
                );
            }
        }
    };
    let actor = Actor::new(session.user.clone(), address);
    let filter = DeskFilter {
        framework: fw.clone(),
        scope,
        body: (!filters.body.is_empty()).then(|| filters.body.clone()),
        round: (!filters.round.is_empty()).then(|| filters.round.clone()),
        in_force_only: !filters.all,
        page: filters.page,
    };
    let desk = match tracker.review_desk(&actor, &filter).await {
        Ok(d) => d,
        Err(e) => return service_error(chrome, e),
    };
    let awaiting = match tracker
        .submissions_awaiting(&actor, &desk.framework, filter.scope.as_ref())
        .await
    {
        Ok(a) => a,
        Err(e) => return service_error(chrome, e),
    };
    // Every waiting observation is read to count them; the newest are listed.
    let queue = match tracker
        .observation_queue(
            &desk.framework,
            ValidationState::Reported,
            filter.scope.clone(),
            u64::MAX >> 1,
        )
        .await
    {
        Ok(q) => q,
        Err(e) => return service_error(chrome, e),
    };
    let observations_total = queue.count;
    let states = match tracker.participants(&desk.framework, today()).await {
        Ok(p) => p.participants,
        Err(e) => return service_error(chrome, e),
    };
    let mut state_choices = vec![Choice::new("", "Every scope", filters.state.is_empty())];
    state_choices.push(Choice::new(
        "ASEAN",
        "ASEAN (regional)",
        filters.state == "ASEAN",
    ));
    state_choices.extend(states.iter().map(|p| {
        Choice::new(
            p.code.to_string(),
            format!("{} ({})", state_name(&p.code), p.code),
            filters.state == p.code.as_str(),
        )
    }));
    let mut bodies = vec![Choice::new(
        "",
        "Every sectoral body",
        filters.body.is_empty(),
    )];
    bodies.extend(
        desk.bodies
            .iter()
            .map(|(code, name)| Choice::new(code.clone(), name.clone(), *code == filters.body)),
    );
    let mut rounds = vec![Choice::new("", "Every round", filters.round.is_empty())];
    rounds.extend(desk.rounds.iter().map(|(code, period)| {
        Choice::new(
            code.clone(),
            format!("{code} ({period})"),
            *code == filters.round,
        )
    }));
    let summary = summary_of(&errors);
    let rows = desk
        .rows
        .iter()
        .map(|r| Row {
            report: ReportLine::of(&r.report),
            replaces: r.replaces.as_ref().map(ReportLine::of),
            in_force: r.in_force,
            checked: posted.ids.contains(&r.report.id),
        })
        .collect();
    let previous_href = if desk.page > 1 {
        filters.query(&desk.framework, desk.page - 1)
    } else {
        String::new()
    };
    let next_href = if desk.page < desk.pages {
        filters.query(&desk.framework, desk.page + 1)
    } else {
        String::new()
    };
    render_with(
        status,
        &DeskPage {
            csrf: session.csrf.expose().to_owned(),
            frameworks: framework_choices(&frameworks, &desk.framework),
            fw_code: desk.framework,
            fw_title: desk.framework_title,
            states: state_choices,
            bodies,
            rounds,
            all: filters.all,
            total: desk.total,
            replaced: desk.replaced,
            page: desk.page,
            pages: desk.pages,
            previous_href,
            next_href,
            rows,
            submissions: awaiting
                .iter()
                .map(|s| SubmissionRow::of(s, &posted))
                .collect(),
            observations: queue
                .observations
                .iter()
                .take(OBSERVATIONS_LISTED)
                .map(|o| ObservationRow::of(o, &posted))
                .collect(),
            observations_total,
            observation_reason: posted.observation_reason.clone(),
            observation_evidence_checked: posted.observation_evidence_checked,
            scope_filter: filters.state.clone(),
            reason: posted.reason,
            evidence_checked: posted.evidence_checked,
            done,
            summary,
            errors,
            chrome,
        },
    )
}

/// `GET /review?framework=&state=&body=&all=1&page=`.
pub async fn page(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Review, session.as_ref());
    let session = match reviewer(session, &chrome, "/review") {
        Ok(s) => s,
        Err(response) => return *response,
    };
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let done = match (params.one("done"), params.one("count")) {
        (Some("validated"), Some(n)) => format!("{n} validated."),
        (Some("returned"), Some(n)) => format!("{n} returned to their focal points."),
        (Some("observations-validated"), Some(n)) => {
            format!(
                "{n} observation{} validated.",
                if n == "1" { "" } else { "s" }
            )
        }
        (Some("observations-returned"), Some(n)) => format!(
            "{n} observation{} returned to their focal points.",
            if n == "1" { "" } else { "s" }
        ),
        (Some(done @ ("round-accepted" | "round-returned")), _) => {
            let code = params.one("code").unwrap_or_default();
            let of = params
                .one("of")
                .and_then(|s| s.parse::<StateCode>().ok())
                .map(|s| state_name(&s))
                .unwrap_or_default();
            if done == "round-accepted" {
                format!("Round {code} of {of} accepted.")
            } else {
                format!("Round {code} of {of} returned to its focal point.")
            }
        }
        _ => String::new(),
    };
    desk_page(
        &state.tracker,
        chrome,
        &session,
        address,
        &Filters::of(&params),
        Posted::default(),
        Vec::new(),
        StatusCode::OK,
        done,
    )
    .await
}

/// `POST /review`: `id` (repeated), `decision` (`validate` or `return`), `evidence_checked`,
/// `reason`, and the filters to come back to.
pub async fn decide(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let filters = Filters::of(&form);
    let (session, chrome) = match posted_reviewer(&headers, session, &form) {
        Ok(pair) => pair,
        Err(response) => return *response,
    };
    let mut errors: Vec<(String, String)> = Vec::new();
    let ids: Vec<i64> = form
        .all("id")
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let posted = Posted {
        ids: ids.clone(),
        reason: form.one("reason").unwrap_or_default().to_owned(),
        evidence_checked: form.one("evidence_checked").is_some(),
        ..Posted::default()
    };
    if ids.is_empty() {
        errors.push(("reports".to_owned(), "Tick at least one report.".to_owned()));
    }
    let decision = match form.one("decision") {
        Some("validate") => {
            if !posted.evidence_checked {
                errors.push((
                    "evidence_checked".to_owned(),
                    "Confirm that the evidence of every ticked report was checked.".to_owned(),
                ));
            }
            Some(ReviewDecision::Validate {
                evidence_checked: posted.evidence_checked,
                note: None,
            })
        }
        Some("return") => {
            if posted.reason.trim().is_empty() {
                errors.push((
                    "reason".to_owned(),
                    "Say why the reports are returned: their focal points read it.".to_owned(),
                ));
            }
            Some(ReviewDecision::Return {
                reason: posted.reason.clone(),
            })
        }
        _ => {
            errors.push((
                "decision".to_owned(),
                "Choose validate or return.".to_owned(),
            ));
            None
        }
    };
    let fw = filters.framework.clone().unwrap_or_default();
    let (status, errors) = match (decision, errors.is_empty()) {
        (Some(decision), true) => {
            let result = match state.tracker.admit_write(&session.user) {
                Ok(()) => {
                    let actor = Actor::new(session.user.clone(), address.clone());
                    state
                        .tracker
                        .decide_reports(&actor, &fw, &ids, decision)
                        .await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(decided) => {
                    let back = filters.query(&decided.framework, 1);
                    let sep = if back.contains('?') { '&' } else { '?' };
                    return Redirect::to(&format!(
                        "{back}{sep}done={}&count={}",
                        decided.decision.as_str(),
                        decided.count
                    ))
                    .into_response();
                }
                Err(e) => match refusal(e) {
                    Ok(found) => found,
                    Err(other) => return service_error(chrome, other),
                },
            }
        }
        (_, _) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
    };
    desk_page(
        &state.tracker,
        chrome,
        &session,
        address,
        &filters,
        posted,
        errors,
        status,
        String::new(),
    )
    .await
}

/// A refusal of `decide_reports` as messages next to the desk's fields.
fn refusal(e: ServiceError) -> Result<(StatusCode, Vec<(String, String)>), ServiceError> {
    refused(e, "reports", |field| match field {
        "reason" | "evidence_checked" => field.to_owned(),
        _ => "reports".to_owned(),
    })
}

/// A refusal as messages: each invalid field's next to the field `field_of` names, the rest
/// next to `general`.
fn refused(
    e: ServiceError,
    general: &str,
    field_of: impl Fn(&str) -> String,
) -> Result<(StatusCode, Vec<(String, String)>), ServiceError> {
    match e {
        ServiceError::Invalid(issues) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            issues
                .into_iter()
                .map(|issue| {
                    (
                        field_of(&issue.field),
                        super::layout::sentence(&issue.message),
                    )
                })
                .collect(),
        )),
        e @ (ServiceError::NotFound(_) | ServiceError::Conflict(_)) => {
            let status = if matches!(e, ServiceError::NotFound(_)) {
                StatusCode::NOT_FOUND
            } else {
                StatusCode::CONFLICT
            };
            Ok((
                status,
                vec![(
                    general.to_owned(),
                    format!(
                        "{} Nothing was decided; the list below is as it stands now.",
                        super::layout::sentence(&e.to_string())
                    ),
                )],
            ))
        }
        e @ ServiceError::TooManyWrites { .. } => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            vec![(general.to_owned(), e.to_string())],
        )),
        other => Err(other),
    }
}

/// `POST /review/submissions`: `framework`, `round`, `state`, `decision` (`accept` or
/// `return`), `reason` (to return), and `scope` (the desk's scope filter to come back to);
/// through `Tracker::round_action`, the API's own use case.
pub async fn decide_submission(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let (session, chrome) = match posted_reviewer(&headers, session, &form) {
        Ok(pair) => pair,
        Err(response) => return *response,
    };
    let fw = form.one("framework").unwrap_or_default().to_owned();
    let round = form.one("round").unwrap_or_default().to_owned();
    let state_code = form.one("state").unwrap_or_default().to_owned();
    let reason = form.one("reason").unwrap_or_default().to_owned();
    let field = reason_field(&round, &state_code);
    let filters = Filters {
        framework: (!fw.is_empty()).then(|| fw.clone()),
        state: form.one("scope").unwrap_or_default().to_owned(),
        body: String::new(),
        round: String::new(),
        all: false,
        page: 1,
    };
    let posted = Posted {
        submission_reason: Some((field.clone(), reason.clone())),
        ..Posted::default()
    };
    let mut errors: Vec<(String, String)> = Vec::new();
    let action = match form.one("decision") {
        Some("accept") => Some(SubmissionAction::Accepted),
        Some("return") => {
            if reason.trim().is_empty() {
                errors.push((
                    field.clone(),
                    "Say why the submission is returned: its focal point reads it.".to_owned(),
                ));
            }
            Some(SubmissionAction::Returned)
        }
        _ => {
            errors.push((
                "submissions".to_owned(),
                "Choose accept or return.".to_owned(),
            ));
            None
        }
    };
    let code = match state_code.parse::<StateCode>() {
        Ok(c) => Some(c),
        Err(e) => {
            errors.push(("submissions".to_owned(), super::layout::sentence(&e.0)));
            None
        }
    };
    let (status, errors) = match (action, code, errors.is_empty()) {
        (Some(action), Some(code), true) => {
            let result = match state.tracker.admit_write(&session.user) {
                Ok(()) => {
                    let actor = Actor::new(session.user.clone(), address.clone());
                    let reason = (action == SubmissionAction::Returned).then_some(reason.as_str());
                    state
                        .tracker
                        .round_action(&actor, &fw, &round, &code, action, reason)
                        .await
                }
                Err(e) => Err(e),
            };
            match result {
                Ok(_) => {
                    let back = filters.query(&fw, 1);
                    let sep = if back.contains('?') { '&' } else { '?' };
                    let done = if action == SubmissionAction::Accepted {
                        "round-accepted"
                    } else {
                        "round-returned"
                    };
                    let more = query_string(&[
                        ("done", done.to_owned()),
                        ("code", round.clone()),
                        ("of", code.to_string()),
                    ]);
                    let more = more.trim_start_matches('?');
                    return Redirect::to(&format!("{back}{sep}{more}")).into_response();
                }
                Err(e) => match submission_refusal(e, &field) {
                    Ok(found) => found,
                    Err(other) => return service_error(chrome, other),
                },
            }
        }
        _ => (StatusCode::UNPROCESSABLE_ENTITY, errors),
    };
    desk_page(
        &state.tracker,
        chrome,
        &session,
        address,
        &filters,
        posted,
        errors,
        status,
        String::new(),
    )
    .await
}

/// A refusal of `round_action` as messages next to the submission's reason field or above the
/// submissions.
fn submission_refusal(
    e: ServiceError,
    field: &str,
) -> Result<(StatusCode, Vec<(String, String)>), ServiceError> {
    refused(e, "submissions", |name| {
        if name == "reason" {
            field.to_owned()
        } else {
            "submissions".to_owned()
        }
    })
}

/// `POST /review/observations`: `framework`, `obs` (repeated observation ids), `decision`
/// (`validate` or `return`), `obs_evidence_checked`, `obs_reason`, and `state` (the desk's
/// scope filter to come back to); each through `Tracker::decide_observation`, the API's own
/// use case (same checks and audit).
///
/// Decisions: one observation is decided by ticking only it; several are decided in turn.
/// Before deciding any, every ticked observation must still await validation (else 409 and
/// nothing is decided), so that a stale desk does not half-apply a bulk; an observation
/// decided by someone else between that check and its turn (a race of milliseconds) stops the
/// bulk there, and the page says how many were decided before it.
pub async fn decide_observations(
    State(state): State<AppState>,
    Peer(address): Peer,
    Session(session): Session,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let (session, chrome) = match posted_reviewer(&headers, session, &form) {
        Ok(pair) => pair,
        Err(response) => return *response,
    };
    let fw = form.one("framework").unwrap_or_default().to_owned();
    let filters = Filters {
        framework: (!fw.is_empty()).then(|| fw.clone()),
        state: form.one("state").unwrap_or_default().to_owned(),
        body: String::new(),
        round: String::new(),
        all: false,
        page: 1,
    };
    let ids: Vec<i64> = form
        .all("obs")
        .iter()
        .filter_map(|id| id.parse().ok())
        .collect();
    let posted = Posted {
        observation_ids: ids.clone(),
        observation_reason: form.one("obs_reason").unwrap_or_default().to_owned(),
        observation_evidence_checked: form.one("obs_evidence_checked").is_some(),
        ..Posted::default()
    };
    let mut errors: Vec<(String, String)> = Vec::new();
    if ids.is_empty() {
        errors.push((
            "observations".to_owned(),
            "Tick at least one observation.".to_owned(),
        ));
    }
    let decision = match form.one("decision") {
        Some("validate") => {
            if !posted.observation_evidence_checked {
                errors.push((
                    "obs_evidence_checked".to_owned(),
                    "Confirm that the source of every ticked observation was checked.".to_owned(),
                ));
            }
            Some(ObservationDecision::Validate {
                evidence_checked: posted.observation_evidence_checked,
            })
        }
        Some("return") => {
            if posted.observation_reason.trim().is_empty() {
                errors.push((
                    "obs_reason".to_owned(),
                    "Say why the observations are returned: their focal points read it.".to_owned(),
                ));
            }
            Some(ObservationDecision::Return {
                reason: posted.observation_reason.clone(),
            })
        }
        _ => {
            errors.push((
                "observations".to_owned(),
                "Choose validate or return.".to_owned(),
            ));
            None
        }
    };
    let (status, errors) = match (decision, errors.is_empty()) {
        (Some(decision), true) => {
            match decide_each(
                &state.tracker,
                &session,
                address.clone(),
                &fw,
                &ids,
                decision,
            )
            .await
            {
                Ok(done) => {
                    let back = filters.query(&fw, 1);
                    let sep = if back.contains('?') { '&' } else { '?' };
                    return Redirect::to(&format!("{back}{sep}done={done}&count={}", ids.len()))
                        .into_response();
                }
                Err(Ok(found)) => found,
                Err(Err(other)) => return service_error(chrome, other),
            }
        }
        (_, _) => (StatusCode::UNPROCESSABLE_ENTITY, errors),
    };
    desk_page(
        &state.tracker,
        chrome,
        &session,
        address,
        &filters,
        posted,
        errors,
        status,
        String::new(),
    )
    .await
}

type Refusal = Result<(StatusCode, Vec<(String, String)>), ServiceError>;

/// Decides every ticked observation in turn, once each is known to await validation; the
/// `done` word for the desk's message.
async fn decide_each(
    tracker: &Tracker,
    session: &SessionUser,
    address: Option<String>,
    fw: &str,
    ids: &[i64],
    decision: ObservationDecision,
) -> Result<&'static str, Refusal> {
    tracker
        .admit_write(&session.user)
        .map_err(observation_refusal)?;
    let waiting = tracker
        .observation_queue(fw, ValidationState::Reported, None, u64::MAX >> 1)
        .await
        .map_err(observation_refusal)?;
    let stale: Vec<String> = ids
        .iter()
        .filter(|id| !waiting.observations.iter().any(|o| o.id == **id))
        .map(ToString::to_string)
        .collect();
    if !stale.is_empty() {
        return Err(Ok((
            StatusCode::CONFLICT,
            vec![(
                "observations".to_owned(),
                format!(
                    "Observation{} {} no longer await{} validation (decided already, or unknown). Nothing was decided; the list below is as it stands now.",
                    if stale.len() == 1 { "" } else { "s" },
                    stale.join(", "),
                    if stale.len() == 1 { "s" } else { "" }
                ),
            )],
        )));
    }
    let actor = Actor::new(session.user.clone(), address);
    let done = match decision {
        ObservationDecision::Validate { .. } => "observations-validated",
        ObservationDecision::Return { .. } => "observations-returned",
    };
    for (decided, id) in ids.iter().enumerate() {
        if let Err(e) = tracker
            .decide_observation(&actor, fw, *id, decision.clone())
            .await
        {
            return Err(observation_refusal(e).map(|(status, mut messages)| {
                if decided > 0 {
                    for (_, m) in &mut messages {
                        m.push_str(&format!(
                            " The {decided} observation{} ticked before it were decided.",
                            if decided == 1 { "" } else { "s" }
                        ));
                    }
                }
                (status, messages)
            }));
        }
    }
    Ok(done)
}

/// A refusal of `decide_observation` as messages next to the observations' fields.
fn observation_refusal(e: ServiceError) -> Refusal {
    refused(e, "observations", |field| match field {
        "reason" => "obs_reason".to_owned(),
        "evidence_checked" => "obs_evidence_checked".to_owned(),
        _ => "observations".to_owned(),
    })
}
