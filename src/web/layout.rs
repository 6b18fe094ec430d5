//! What every page shares: the chrome around it (navigation, who is logged in, the stylesheet),
//! error pages, query and form parsing, and the wording of figures for people (percentages
//! with their counts, statuses, rules). Nothing here computes a figure.

use std::sync::OnceLock;

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::NaiveDate;

use crate::domain::{
    Basis, Framework, Role, Scope, StateCode, Status, StatusReport, ValidationState,
};
use crate::edge::Problem;
use crate::engine::{MeanRate, Rate, Rule, percent_of};
use crate::report::html::count;
use crate::service::{ServiceError, SessionUser};

/// The stylesheet, compiled in.
pub const CSS: &str = include_str!("assets/site.css");

/// The stylesheet's URL: its content's hash in the query, so that a cache may keep it for a
/// year and a new build is fetched at once.
pub fn css_href() -> &'static str {
    static HREF: OnceLock<String> = OnceLock::new();
    HREF.get_or_init(|| {
        use sha2::{Digest, Sha256};
        let hash = hex::encode(Sha256::digest(CSS.as_bytes()));
        format!("/assets/site.css?v={}", hash.get(..12).unwrap_or_default())
    })
}

/// The navigation sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    Browse,
    Compare,
    Reports,
    Claims,
    Editions,
    Record,
    Review,
    Me,
    Import,
    Export,
    Account,
}

/// The account shown in the header.
#[derive(Debug, Clone)]
pub struct ChromeUser {
    pub name: String,
    pub csrf: String,
    pub may_record: bool,
    pub may_review: bool,
    /// A focal point (an account of a member state): it has a task list (`/me`).
    pub has_tasks: bool,
}

/// The page chrome: the navigation, who is logged in, the stylesheet.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub section: Section,
    pub user: Option<ChromeUser>,
    pub css: &'static str,
    /// Notices about what the page shows (a date outside a framework's period, in the
    /// future), above its content.
    pub notices: Vec<String>,
}

impl Chrome {
    pub fn new(section: Section, session: Option<&SessionUser>) -> Self {
        Self {
            section,
            user: session.map(|s| ChromeUser {
                name: s.user.name.clone(),
                csrf: s.csrf.expose().to_owned(),
                may_record: s.user.role != Role::Viewer,
                may_review: matches!(s.user.role, Role::Admin | Role::Secretariat),
                has_tasks: s.user.state.is_some(),
            }),
            css: css_href(),
            notices: Vec::new(),
        }
    }

    /// Adds the notice about a framework's figures as of `as_of` (today being `today`), if
    /// the date calls for one.
    pub fn note_as_of(&mut self, framework: &Framework, as_of: NaiveDate, today: NaiveDate) {
        if let Some(remark) = framework.as_of_remark(as_of, today) {
            self.notices.push(sentence(&remark));
        }
    }

    /// `aria-current="page"` on the link of the page's own section.
    pub fn current(&self, section: &str) -> &'static str {
        let this = match self.section {
            Section::Dashboard => "dashboard",
            Section::Browse => "browse",
            Section::Compare => "compare",
            Section::Reports => "reports",
            Section::Claims => "claims",
            Section::Editions => "editions",
            Section::Record => "record",
            Section::Review => "review",
            Section::Me => "me",
            Section::Import => "import",
            Section::Export => "export",
            Section::Account => "account",
        };
        if this == section {
            r#" aria-current="page""#
        } else {
            ""
        }
    }
}

/// Renders a template as an HTML page (an error page if rendering fails).
/// A rendered file as a download (`attachment`), or `inline` to open in the browser.
pub fn file_response(file: crate::report::bundle::ReportFile, inline: bool) -> Response {
    let how = if inline { "inline" } else { "attachment" };
    let disposition = HeaderValue::from_str(&format!("{how}; filename=\"{}\"", file.name))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    let media = HeaderValue::from_str(file.media_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    (
        [
            (header::CONTENT_TYPE, media),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes,
    )
        .into_response()
}

pub fn render(template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            Problem::from(ServiceError::Render(e.to_string())).into_response()
        }
    }
}

/// `render` with a status.
pub fn render_with(status: StatusCode, template: &impl Template) -> Response {
    let mut response = render(template);
    if response.status() == StatusCode::OK {
        *response.status_mut() = status;
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Chrome,
    status: u16,
    heading: &'a str,
    message: &'a str,
}

/// An error page for people: the status, a heading, the message, and ways on.
pub fn error_page(chrome: Chrome, status: StatusCode, heading: &str, message: &str) -> Response {
    render_with(
        status,
        &ErrorPage {
            chrome,
            status: status.as_u16(),
            heading,
            message,
        },
    )
}

/// A service error as an error page (internal details only in the log, as for the API).
pub fn service_error(chrome: Chrome, e: ServiceError) -> Response {
    let problem = Problem::from(e);
    let heading = match problem.status {
        StatusCode::NOT_FOUND if problem.code == "unknown_state" => "Unknown state",
        StatusCode::NOT_FOUND => "Not found",
        StatusCode::FORBIDDEN => "Not allowed",
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => "That cannot be shown",
        StatusCode::TOO_MANY_REQUESTS => "Too many requests",
        StatusCode::CONFLICT => "Conflict",
        _ => "Something went wrong",
    };
    let message = if problem.errors.is_empty() {
        sentence(&problem.detail)
    } else {
        problem
            .errors
            .iter()
            .map(|e| sentence(&e.message))
            .collect::<Vec<_>>()
            .join(" ")
    };
    error_page(chrome, problem.status, heading, &message)
}

/// The stylesheet, cached for a year (its URL changes with its content).
pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        CSS,
    )
        .into_response()
}

// ---------------------------------------------------------------------------------------------
// Query strings and form bodies

/// The pairs of a query string or a form body, in order; a name may repeat (`states=VNM&states=THA`).
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn parse(text: &str) -> Self {
        Self(
            url::form_urlencoded::parse(text.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first non-empty value of `name`, trimmed.
    pub fn one(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// The raw value of `name` (untrimmed, possibly empty).
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every non-empty value of `name`, trimmed.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A date (`YYYY-MM-DD`) parameter.
    ///
    /// # Errors
    /// A message for people when it is not a date.
    pub fn date(&self, name: &str) -> Result<Option<NaiveDate>, String> {
        self.one(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d")
                    .map_err(|_| format!("“{v}” is not a date: use the form YYYY-MM-DD"))
            })
            .transpose()
    }

    /// The figures' basis (`reported` by default).
    pub fn basis(&self) -> Basis {
        self.one("basis")
            .and_then(|b| b.parse().ok())
            .unwrap_or_default()
    }
}

/// `?a=b&c=d` for links, from pairs (empty values left out).
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.is_empty() {
            out.append_pair(k, v);
        }
    }
    let text = out.finish();
    if text.is_empty() {
        String::new()
    } else {
        format!("?{text}")
    }
}

/// A path segment, percent-encoded.
pub fn segment(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

// ---------------------------------------------------------------------------------------------
// Wording

/// A service message as a sentence for a page: a capital first letter, code quotes as quotes
/// (`ongoing` → “ongoing”, `not_started` → “not started”), a final full stop.
pub fn sentence(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 8);
    let mut open = false;
    for c in message.chars() {
        match c {
            '`' => {
                out.push(if open { '”' } else { '“' });
                open = !open;
            }
            '_' if open => out.push(' '),
            c => out.push(c),
        }
    }
    let mut chars = out.chars();
    let mut text = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>(),
        None => String::new(),
    };
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

pub fn status_label(status: Status) -> &'static str {
    crate::report::html::status_label(status)
}

/// A pair's status in force for a badge: its text and CSS class; "No report" (class
/// `no_report`) when nothing is in force — counted as not started, but shown apart from a report
/// that work has not started.
pub fn cell_badge(status: Status, progress: Option<u8>, reported: bool) -> (String, &'static str) {
    if reported {
        (status_text(status, progress), status.as_str())
    } else {
        ("No report".to_owned(), "no_report")
    }
}

/// A status with its percent: "Ongoing (40%)".
pub fn status_text(status: Status, progress: Option<u8>) -> String {
    match (status, progress) {
        (Status::Ongoing, Some(p)) => format!("Ongoing ({p}%)"),
        (s, _) => status_label(s).to_owned(),
    }
}

pub fn state_name(code: &StateCode) -> String {
    crate::report::html::state_name(code)
}

/// Puts member states in the order ASEAN lists them: by name (Brunei Darussalam, Cambodia,
/// Indonesia, Lao PDR, …, Viet Nam), not by code (which puts Indonesia before Cambodia).
/// `ASEAN` itself, where a list holds it, comes first.
pub fn in_asean_order<T>(items: &mut [T], scope: impl Fn(&T) -> Option<&StateCode>) {
    items.sort_by_cached_key(|item| scope(item).map(state_name));
}

/// A scope for people: "ASEAN (regional)" or "Viet Nam".
pub fn scope_name(scope: &Scope) -> String {
    match scope {
        Scope::Asean => "ASEAN (regional)".to_owned(),
        Scope::State(code) => state_name(code),
    }
}

pub fn rule_label(rule: Rule) -> &'static str {
    match rule {
        Rule::Scope => "one member state's own statuses",
        Rule::Regional => "the regional status recorded for ASEAN",
        Rule::AllStates => "all states: done only when every participant has done it",
        Rule::MeanOfStates => "the unweighted mean of the states' rates",
        Rule::Cells => "pooled over every member state × measure",
    }
}

pub fn basis_label(basis: Basis) -> &'static str {
    match basis {
        Basis::Reported => "every report in force (reported)",
        Basis::Validated => "only reports validated by the ASEAN Secretariat (validated)",
    }
}

pub fn validation_label(state: ValidationState) -> &'static str {
    match state {
        ValidationState::Reported => "Awaiting validation",
        ValidationState::Validated => "Validated",
        ValidationState::Returned => "Returned",
    }
}

/// "23 Nov 2026 20:35 UTC".
pub fn when(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%-d %b %Y %H:%M UTC").to_string()
}

/// "31 March 2026".
pub fn long_date(d: NaiveDate) -> String {
    crate::report::html::long_date(d)
}

/// A rate's figures worded for a table or a card.
#[derive(Debug, Clone)]
pub struct Figures {
    pub rule: &'static str,
    pub rule_text: &'static str,
    pub completion: String,
    pub implementation: String,
    pub progress: String,
    /// "3 of 8"
    pub completed_of: String,
    pub implemented_of: String,
    pub applicable: String,
    pub measures: String,
    pub completed: String,
    pub ongoing: String,
    pub not_started: String,
    pub not_applicable: String,
    /// Bar widths in percent (0 when undefined).
    pub completion_width: String,
    pub implementation_width: String,
    /// Nothing applicable: the rates are not defined.
    pub undefined: bool,
}

fn width(rate: Option<f64>) -> String {
    format!("{:.1}", rate.unwrap_or(0.0).clamp(0.0, 1.0) * 100.0)
}

impl Figures {
    pub fn of(rate: &Rate) -> Self {
        let dash = |p: Option<String>| p.unwrap_or_else(|| "–".to_owned());
        Self {
            rule: rate.rule.as_str(),
            rule_text: rule_label(rate.rule),
            completion: dash(rate.completion_percent()),
            implementation: dash(rate.implementation_percent()),
            progress: dash(rate.progress_percent()),
            completed_of: format!("{} of {}", count(rate.completed), count(rate.applicable)),
            implemented_of: format!(
                "{} of {}",
                count(rate.completed + rate.ongoing),
                count(rate.applicable)
            ),
            applicable: count(rate.applicable),
            measures: count(rate.measures),
            completed: count(rate.completed),
            ongoing: count(rate.ongoing),
            not_started: count(rate.not_started),
            not_applicable: count(rate.not_applicable),
            completion_width: width(rate.completion_rate),
            implementation_width: width(rate.implementation_rate),
            undefined: rate.applicable == 0,
        }
    }

    /// A mean of states: rates only (no counts).
    pub fn of_mean(mean: &MeanRate) -> Self {
        Self {
            rule: mean.rule.as_str(),
            rule_text: rule_label(mean.rule),
            completion: percent_of(mean.completion_rate),
            implementation: percent_of(mean.implementation_rate),
            progress: percent_of(mean.progress_index),
            completed_of: format!("mean of {} states", count(mean.states)),
            implemented_of: format!("mean of {} states", count(mean.states)),
            applicable: String::new(),
            measures: String::new(),
            completed: String::new(),
            ongoing: String::new(),
            not_started: String::new(),
            not_applicable: String::new(),
            completion_width: width(mean.completion_rate),
            implementation_width: width(mean.implementation_rate),
            undefined: mean.states == 0,
        }
    }
}

/// A headline figure: its name, value, what it counts, and the rule.
#[derive(Debug, Clone)]
pub struct Headline {
    pub label: String,
    pub value: String,
    pub detail: String,
}

/// The three headline figures of a rate, with the unit counted ("measures", "cells").
pub fn headlines(rate: &Rate, unit: &str) -> Vec<Headline> {
    let f = Figures::of(rate);
    vec![
        Headline {
            label: "Implementation rate".into(),
            value: f.implementation.clone(),
            detail: format!("{} applicable {unit} under way or done", f.implemented_of),
        },
        Headline {
            label: "Completion rate".into(),
            value: f.completion.clone(),
            detail: format!("{} applicable {unit} completed", f.completed_of),
        },
        Headline {
            label: "Progress index".into(),
            value: f.progress,
            detail: format!(
                "{} of {} progress points (ongoing counts its percent)",
                count(rate.progress_points),
                count(rate.applicable * 100)
            ),
        },
        Headline {
            label: "No report".into(),
            value: count(rate.unreported),
            detail: format!(
                "of {} applicable {unit} without any report; they count as not started",
                count(rate.applicable)
            ),
        },
    ]
}

/// A status report as a line for people.
#[derive(Debug, Clone)]
pub struct ReportLine {
    pub id: i64,
    pub measure: String,
    pub measure_href: String,
    pub scope: String,
    pub scope_name: String,
    pub status: String,
    pub status_class: &'static str,
    pub effective: String,
    pub recorded: String,
    pub recorded_by: String,
    pub validation: &'static str,
    pub validation_class: &'static str,
    /// Who validated or returned it, and the reason given for a return.
    pub validation_detail: String,
    pub note: String,
    pub evidence_url: String,
    pub lock_override: bool,
}

impl ReportLine {
    pub fn of(report: &StatusReport) -> Self {
        let v = &report.validation;
        let mut detail = Vec::new();
        if let Some(by) = &v.by {
            detail.push(format!("by {by}"));
        }
        if let Some(at) = v.at {
            detail.push(format!("on {}", at.format("%-d %b %Y")));
        }
        if v.evidence_checked {
            detail.push("evidence checked".to_owned());
        }
        if let Some(reason) = &v.reason {
            detail.push(format!("reason: {reason}"));
        }
        Self {
            id: report.id,
            measure: report.measure.clone(),
            measure_href: format!(
                "/frameworks/{}/measures/{}",
                segment(&report.framework),
                segment(&report.measure)
            ),
            scope: report.scope.to_string(),
            scope_name: scope_name(&report.scope),
            status: status_text(report.status, report.progress),
            status_class: report.status.as_str(),
            effective: report.effective_date.to_string(),
            recorded: when(report.recorded_at),
            recorded_by: report
                .recorded_by
                .clone()
                .unwrap_or_else(|| "(unknown)".to_owned()),
            validation: validation_label(v.state),
            validation_class: v.state.as_str(),
            validation_detail: detail.join(", "),
            note: report.note.clone().unwrap_or_default(),
            evidence_url: report.evidence_url.clone().unwrap_or_default(),
            lock_override: report.lock_override,
        }
    }
}

/// An option of a `<select>` or a radio group.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// The frameworks as the options of a `<select>`, `chosen` selected.
pub fn framework_choices(
    frameworks: &[crate::domain::FrameworkSummary],
    chosen: &str,
) -> Vec<Choice> {
    frameworks
        .iter()
        .map(|f| {
            Choice::new(
                f.framework.code.clone(),
                f.framework.title.clone(),
                f.framework.code == chosen,
            )
        })
        .collect()
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, selected: bool) -> Self {
        Self {
            value: value.into(),
            label: label.into(),
            selected,
        }
    }
}

/// The two bases as choices.
pub fn basis_choices(basis: Basis) -> Vec<Choice> {
    [Basis::Reported, Basis::Validated]
        .into_iter()
        .map(|b| {
            Choice::new(
                b.as_str(),
                match b {
                    Basis::Reported => "Reported (every report)",
                    Basis::Validated => "Validated only",
                },
                b == basis,
            )
        })
        .collect()
}
