//! The reporting rounds in the pages: `/rounds/{fw}` lists a framework's rounds with their
//! completeness and timeliness and the state × round matrix; `/rounds/{fw}/{code}` shows one
//! round — who has submitted, on time or late, who is missing, returned or not yet due — with
//! each state's coverage of the round's period. Standings are written in words (and a symbol)
//! so that they read in greyscale and to a screen reader, never by colour alone.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;

use super::Session;
use super::layout::{
    Chrome, Headline, Section, long_date, query_string, render, segment, service_error, state_name,
};
use crate::edge::AppState;
use crate::engine::rounds::{Completeness, RoundCounts, RoundStanding};
use crate::engine::{percent, percent_of};
use crate::service::RoundDetail;

/// A standing in words, with its CSS class and a symbol that survives greyscale.
pub fn standing_words(standing: Option<RoundStanding>) -> (&'static str, &'static str) {
    match standing {
        Some(RoundStanding::SubmittedOnTime) => ("✓ Submitted on time", "on_time"),
        Some(RoundStanding::SubmittedLate) => ("◔ Submitted late", "late"),
        Some(RoundStanding::Missing) => ("✗ Missing", "missing"),
        Some(RoundStanding::Open) => ("… Not yet due", "open"),
        Some(RoundStanding::Returned) => ("↩ Returned", "returned"),
        None => ("– Not expected", "not_expected"),
    }
}

/// The regional counts as headline figures.
pub fn round_headlines(c: &RoundCounts) -> Vec<Headline> {
    let dash = |p: Option<String>| p.unwrap_or_else(|| "–".to_owned());
    vec![
        Headline {
            label: "Completeness".into(),
            value: dash(percent(c.submitted, c.participants)),
            detail: format!(
                "{} of {} expected member states submitted",
                c.submitted, c.participants
            ),
        },
        Headline {
            label: "Timeliness".into(),
            value: dash(percent(c.on_time, c.participants)),
            detail: format!(
                "{} of {} submitted on time ({} late)",
                c.on_time, c.participants, c.late
            ),
        },
        Headline {
            label: if c.past_due {
                "Missing"
            } else {
                "Not yet submitted"
            }
            .into(),
            value: (c.missing + c.open).to_string(),
            detail: format!(
                "{} returned to the state and not submitted again",
                c.returned
            ),
        },
    ]
}

/// One state's line of a round.
pub struct StandingLine {
    pub code: String,
    pub name: String,
    pub href: String,
    pub standing: &'static str,
    pub class: &'static str,
    pub submitted: String,
    pub accepted: &'static str,
    pub reason: String,
    pub coverage: String,
    pub this_round: String,
    pub carried: String,
    pub never: String,
}

/// The states of a round with their standing (and coverage, when given).
pub fn standing_lines(detail: &RoundDetail, fw: &str) -> Vec<StandingLine> {
    let c: &Completeness = &detail.completeness;
    let mut lines: Vec<StandingLine> = c
        .states
        .iter()
        .map(|s| {
            let (standing, class) = standing_words(Some(s.standing));
            let cov = detail.coverage.iter().find(|v| v.state == s.state);
            StandingLine {
                code: s.state.to_string(),
                name: state_name(&s.state),
                href: format!(
                    "/states/{}{}",
                    segment(s.state.as_str()),
                    query_string(&[
                        ("framework", fw.to_owned()),
                        ("as_of", detail.round.period_end.to_string())
                    ])
                ),
                standing,
                class,
                submitted: s
                    .submitted_at
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default(),
                accepted: if s.accepted { "Accepted" } else { "" },
                reason: s.returned_reason.clone().unwrap_or_default(),
                coverage: cov.map_or_else(String::new, |v| percent_of(v.coverage)),
                this_round: cov.map_or_else(String::new, |v| {
                    format!("{} of {}", v.reported_this_round, v.applicable)
                }),
                carried: cov.map_or_else(String::new, |v| v.carried_forward.to_string()),
                never: cov.map_or_else(String::new, |v| v.never_reported.to_string()),
            }
        })
        .collect();
    // Listed by name, as people look for them.
    lines.sort_by(|a, b| a.name.cmp(&b.name));
    lines
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    code: String,
    period: String,
    period_end: String,
    opens: String,
    due: String,
    deadline: String,
    past_due: bool,
    headlines: Vec<Headline>,
    states: Vec<StandingLine>,
    not_expected: String,
    api_href: String,
}

pub async fn round(
    State(state): State<AppState>,
    Session(session): Session,
    Path((fw, code)): Path<(String, String)>,
) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    let framework = match state.tracker.framework(&fw).await {
        Ok(f) => f,
        Err(e) => return service_error(chrome, e),
    };
    let detail = match state.tracker.round(&fw, &code).await {
        Ok(d) => d,
        Err(e) => return service_error(chrome, e),
    };
    let r = &detail.round;
    let c = &detail.completeness;
    render(&RoundPage {
        fw_code: framework.code.clone(),
        fw_title: framework.title.clone(),
        code: r.code.clone(),
        period: format!(
            "{} to {}",
            long_date(r.period_start),
            long_date(r.period_end)
        ),
        period_end: long_date(r.period_end),
        opens: long_date(r.opens_on),
        due: long_date(r.due_on),
        deadline: c.counts.deadline.format("%Y-%m-%d %H:%M UTC").to_string(),
        past_due: c.counts.past_due,
        headlines: round_headlines(&c.counts),
        states: standing_lines(&detail, &framework.code),
        not_expected: c
            .not_expected
            .iter()
            .map(state_name)
            .collect::<Vec<_>>()
            .join(", "),
        api_href: format!(
            "/api/v1/frameworks/{}/rounds/{}",
            segment(&framework.code),
            segment(&r.code)
        ),
        chrome,
    })
}

/// One round as a column of the matrix and a line of the list.
struct RoundColumn {
    code: String,
    href: String,
    period_end: String,
    due: String,
    completeness: String,
    timeliness: String,
    submitted: String,
    missing: String,
}

struct MatrixLine {
    name: String,
    code: String,
    cells: Vec<(&'static str, &'static str)>,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    rounds: Vec<RoundColumn>,
    matrix: Vec<MatrixLine>,
    csv_href: String,
    xlsx_href: String,
}

pub async fn rounds(
    State(state): State<AppState>,
    Session(session): Session,
    Path(fw): Path<String>,
) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    let framework = match state.tracker.framework(&fw).await {
        Ok(f) => f,
        Err(e) => return service_error(chrome, e),
    };
    let matrix = match state.tracker.round_matrix(&fw).await {
        Ok(m) => m,
        Err(e) => return service_error(chrome, e),
    };
    let fw_segment = segment(&framework.code);
    let rounds = matrix
        .rounds
        .iter()
        .map(|col| {
            let c = &col.counts;
            RoundColumn {
                href: format!("/rounds/{fw_segment}/{}", segment(&col.code)),
                code: col.code.clone(),
                period_end: col.period_end.to_string(),
                due: col.due_on.to_string(),
                completeness: percent(c.submitted, c.participants)
                    .unwrap_or_else(|| "–".to_owned()),
                timeliness: percent(c.on_time, c.participants).unwrap_or_else(|| "–".to_owned()),
                submitted: format!("{} of {}", c.submitted, c.participants),
                missing: if c.past_due {
                    format!("{} missing, {} returned", c.missing, c.returned)
                } else {
                    format!("{} not yet, {} returned (not yet due)", c.open, c.returned)
                },
            }
        })
        .collect();
    let mut lines: Vec<MatrixLine> = matrix
        .states
        .iter()
        .map(|row| MatrixLine {
            name: state_name(&row.state),
            code: row.state.to_string(),
            cells: row.rounds.iter().map(|s| standing_words(*s)).collect(),
        })
        .collect();
    lines.sort_by(|a, b| a.name.cmp(&b.name));
    render(&RoundsPage {
        csv_href: format!("/api/v1/frameworks/{fw_segment}/rounds-matrix?format=csv"),
        xlsx_href: format!("/api/v1/frameworks/{fw_segment}/rounds-matrix?format=xlsx"),
        fw_code: framework.code.clone(),
        fw_title: framework.title.clone(),
        rounds,
        matrix: lines,
        chrome,
    })
}
