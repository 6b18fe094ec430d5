//! The dashboard (`/`): per framework the headline regional rates with their counts, the
//! member-state comparison (chart and table, every cross-state rule named), and the latest
//! reports, and the framework's published figures checked ("Official figures checked"); an
//! as-of date and a basis chosen with a plain GET form.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::Session;
use super::layout::{
    Choice, Chrome, Figures, Headline, Pairs, ReportLine, Section, basis_choices, basis_label,
    error_page, headlines, in_asean_order, long_date, query_string, render, segment, service_error,
    state_name,
};
use crate::edge::AppState;
use crate::service::{FrameworkPanel, now, today};

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    as_of: String,
    as_of_long: String,
    basis_text: &'static str,
    bases: Vec<Choice>,
    demo: bool,
    panels: Vec<Panel>,
}

struct Panel {
    code: String,
    title: String,
    period: String,
    measure_count: usize,
    note: String,
    /// Why there are no national figures (before the start, or no participant).
    no_states: Option<String>,
    headlines: Vec<Headline>,
    states: Vec<StateLine>,
    rules: Vec<RuleLine>,
    chart_src: String,
    chart_alt: String,
    recent: Vec<ReportLine>,
    awaiting: usize,
    browse_href: String,
    compare_href: String,
    report_href: String,
    round: Option<RoundPanel>,
    rounds_href: String,
    /// The indicators' class counts, for the framework in force only.
    indicators: Option<super::indicators::DashboardIndicators>,
    /// The framework's published figures in force, checked as known now.
    claims: Vec<super::claims::DashboardClaim>,
}

/// The framework's current reporting round: the latest one open on the date.
struct RoundPanel {
    code: String,
    href: String,
    due: String,
    period_end: String,
    past_due: bool,
    headlines: Vec<Headline>,
    states: Vec<super::rounds::StandingLine>,
}

struct StateLine {
    code: String,
    name: String,
    href: String,
    f: Figures,
}

struct RuleLine {
    label: &'static str,
    f: Figures,
}

fn panel(p: FrameworkPanel, date: chrono::NaiveDate, basis: crate::domain::Basis) -> Panel {
    let as_of = date.to_string();
    let as_of = as_of.as_str();
    let fw = &p.framework;
    let c = &p.comparison;
    let query = query_string(&[
        ("as_of", as_of.to_owned()),
        ("basis", basis.as_str().to_owned()),
    ]);
    let mut in_order: Vec<_> = c.states.iter().collect();
    in_asean_order(&mut in_order, |s| Some(&s.state));
    let states = in_order
        .into_iter()
        .map(|s| StateLine {
            code: s.state.to_string(),
            name: state_name(&s.state),
            href: format!(
                "/states/{}{}",
                segment(s.state.as_str()),
                query_string(&[
                    ("framework", fw.code.clone()),
                    ("as_of", as_of.to_owned()),
                    ("basis", basis.as_str().to_owned()),
                ])
            ),
            f: Figures::of(&s.rate),
        })
        .collect::<Vec<_>>();
    let rules = if states.is_empty() {
        Vec::new()
    } else {
        vec![
            RuleLine {
                label: "All states",
                f: Figures::of(&c.all_states),
            },
            RuleLine {
                label: "Mean of states",
                f: Figures::of_mean(&c.mean_of_states),
            },
            RuleLine {
                label: "Every state × measure",
                f: Figures::of(&c.cells),
            },
            RuleLine {
                label: "ASEAN (regional)",
                f: Figures::of(&c.regional),
            },
        ]
    };
    let no_states = states.is_empty().then(|| {
        if date < fw.start_date {
            format!(
                "{} starts on {}: there are no national figures before then.",
                fw.title,
                long_date(fw.start_date)
            )
        } else {
            "No member state takes part in this framework on this date.".to_owned()
        }
    });
    let mean = Figures::of_mean(&c.mean_of_states);
    Panel {
        chart_src: format!(
            "/api/v1/frameworks/{}/charts/comparison.svg{query}",
            segment(&fw.code)
        ),
        chart_alt: format!(
            "Bar chart: completion and implementation rate of each member state in {} as of {as_of}, with the regional rate and the mean of states as reference lines. The table beside it gives every figure. Mean implementation {}, mean completion {}.",
            fw.title, mean.implementation, mean.completion
        ),
        browse_href: format!("/frameworks/{}{query}", segment(&fw.code)),
        compare_href: format!(
            "/compare{}",
            query_string(&[
                ("framework", fw.code.clone()),
                ("as_of", as_of.to_owned()),
                ("basis", basis.as_str().to_owned()),
            ])
        ),
        report_href: format!(
            "/reports{}",
            query_string(&[
                ("framework", fw.code.clone()),
                ("as_of", as_of.to_owned()),
                ("basis", basis.as_str().to_owned()),
            ])
        ),
        code: fw.code.clone(),
        title: fw.title.clone(),
        period: format!("{} to {}", long_date(fw.start_date), long_date(fw.end_date)),
        measure_count: p.measure_count,
        note: fw.note.clone().unwrap_or_default(),
        no_states,
        headlines: headlines(&p.regional, "measures"),
        states,
        rules,
        recent: p.recent.iter().map(ReportLine::of).collect(),
        awaiting: p.awaiting_validation,
        rounds_href: format!("/rounds/{}", segment(&fw.code)),
        round: None,
        claims: Vec::new(),
        indicators: p.indicators.as_ref().map(|counts| {
            super::indicators::DashboardIndicators::of(&fw.code, counts, as_of, basis)
        }),
    }
}

/// The current round of a framework on `date` (the latest opened on or before it), if any.
async fn current_round(
    state: &AppState,
    framework: &str,
    date: chrono::NaiveDate,
) -> Result<Option<RoundPanel>, crate::service::ServiceError> {
    let Some(detail) = state.tracker.current_round(framework, date).await? else {
        return Ok(None);
    };
    let c = &detail.completeness;
    Ok(Some(RoundPanel {
        code: detail.round.code.clone(),
        href: format!(
            "/rounds/{}/{}",
            segment(framework),
            segment(&detail.round.code)
        ),
        due: long_date(detail.round.due_on),
        period_end: long_date(detail.round.period_end),
        past_due: c.counts.past_due,
        headlines: super::rounds::round_headlines(&c.counts),
        states: super::rounds::standing_lines(&detail, framework),
    }))
}

pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Dashboard, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let as_of = match params.date("as_of") {
        Ok(d) => d.unwrap_or_else(today),
        Err(message) => {
            return error_page(chrome, StatusCode::BAD_REQUEST, "Not a date", &message);
        }
    };
    let basis = params.basis();
    let dashboard = match state.tracker.dashboard(as_of, basis).await {
        Ok(d) => d,
        Err(e) => return service_error(chrome, e),
    };
    let as_of_text = as_of.to_string();
    let mut chrome = chrome;
    for p in &dashboard.frameworks {
        chrome.note_as_of(&p.framework, as_of, today());
    }
    let mut panels: Vec<Panel> = dashboard
        .frameworks
        .into_iter()
        .map(|p| panel(p, as_of, basis))
        .collect();
    for p in &mut panels {
        // The round open today: its standings are those of now, whatever date the figures.
        match current_round(&state, &p.code, today()).await {
            Ok(round) => p.round = round,
            Err(e) => return service_error(chrome, e),
        }
        // The published figures, checked as known now (whatever date the figures).
        match state.tracker.claim_checks(Some(&p.code), now()).await {
            Ok(checks) => p.claims = super::claims::dashboard_claims(&checks),
            Err(e) => return service_error(chrome, e),
        }
    }
    render(&DashboardPage {
        as_of_long: long_date(as_of),
        basis_text: basis_label(basis),
        bases: basis_choices(basis),
        demo: dashboard.demo,
        panels,
        as_of: as_of_text,
        chrome,
    })
}
