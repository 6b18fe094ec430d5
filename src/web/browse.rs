//! Browsing: the frameworks, a framework's tree with the rates of a scope at every node, a
//! measure (its status in every scope, its history with validation, its activities), a
//! member state (progress per goal, what is lagging), a sectoral body.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;

use super::Session;
use super::layout::{
    Choice, Chrome, Figures, Headline, Pairs, ReportLine, Section, basis_choices, basis_label,
    cell_badge, error_page, headlines, in_asean_order, long_date, query_string, render, scope_name,
    segment, service_error, state_name, status_label, status_text, validation_label,
};
use crate::domain::ActivityLine;
use crate::domain::{FrameworkSummary, Role, Scope, StateCode, Status};
use crate::edge::AppState;
use crate::service::{ActivityCount, today};

/// The framework a page shows when none is asked for: the one whose period holds the date
/// (the latest to start), else the latest started by then, else the first.
pub(super) fn default_framework(frameworks: &[FrameworkSummary], date: NaiveDate) -> String {
    frameworks
        .iter()
        .filter(|f| f.framework.covers(date))
        .max_by_key(|f| f.framework.start_date)
        .or_else(|| {
            frameworks
                .iter()
                .filter(|f| f.framework.start_date <= date)
                .max_by_key(|f| f.framework.start_date)
        })
        .or_else(|| frameworks.first())
        .map(|f| f.framework.code.clone())
        .unwrap_or_default()
}

/// The frameworks people browse (the synthetic benchmark framework is left out).
pub(super) fn visible(frameworks: Vec<FrameworkSummary>) -> Vec<FrameworkSummary> {
    frameworks
        .into_iter()
        .filter(|f| f.framework.code != crate::demo::synthetic::SYNTHETIC_FRAMEWORK)
        .collect()
}

/// The as-of date of a query (today by default), or an error page.
pub(super) fn as_of_param(params: &Pairs, chrome: &Chrome) -> Result<NaiveDate, Box<Response>> {
    params
        .date("as_of")
        .map(|d| d.unwrap_or_else(today))
        .map_err(|message| {
            Box::new(error_page(
                chrome.clone(),
                StatusCode::BAD_REQUEST,
                "Not a date",
                &message,
            ))
        })
}

// ---------------------------------------------------------------------------------------------
// The index

#[derive(Template)]
#[template(path = "browse.html")]
struct BrowsePage {
    chrome: Chrome,
    frameworks: Vec<Link>,
    states: Vec<Link>,
    bodies: Vec<Link>,
}

#[derive(Debug, Clone)]
struct Link {
    href: String,
    label: String,
    detail: String,
}

pub async fn index(State(state): State<AppState>, Session(session): Session) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    let t = &state.tracker;
    let (frameworks, states, bodies) = match (
        t.frameworks().await,
        t.member_states().await,
        t.store().sectoral_bodies().await,
    ) {
        (Ok(f), Ok(mut s), Ok(b)) => {
            in_asean_order(&mut s, |m| Some(&m.code));
            (f, s, b)
        }
        (Err(e), _, _) | (_, Err(e), _) => return service_error(chrome, e),
        (_, _, Err(e)) => return service_error(chrome, e.into()),
    };
    render(&BrowsePage {
        frameworks: visible(frameworks)
            .into_iter()
            .map(|f| Link {
                href: format!("/frameworks/{}", segment(&f.framework.code)),
                label: f.framework.title.clone(),
                detail: format!(
                    "{} to {} · {} strategic measures · levels: {}",
                    f.framework.start_date.format("%Y"),
                    f.framework.end_date.format("%Y"),
                    f.measure_count,
                    f.framework.levels.join(" › ")
                ),
            })
            .collect(),
        states: states
            .into_iter()
            .map(|s| Link {
                href: format!("/states/{}", segment(s.code.as_str())),
                label: s.name,
                detail: format!("{} · member since {}", s.code, long_date(s.joined_on)),
            })
            .collect(),
        bodies: bodies
            .into_iter()
            .map(|b| Link {
                href: format!("/bodies/{}", segment(&b.code)),
                label: b.name,
                detail: b.code,
            })
            .collect(),
        chrome,
    })
}

#[derive(Template)]
#[template(path = "list.html")]
struct ListPage {
    chrome: Chrome,
    heading: &'static str,
    lede: &'static str,
    items: Vec<Link>,
}

pub async fn states(State(state): State<AppState>, Session(session): Session) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    match state.tracker.member_states().await {
        Ok(mut states) => render(&ListPage {
            heading: "Member states",
            lede: "Each member state's progress in the frameworks it takes part in, and what is lagging there.",
            items: {
                in_asean_order(&mut states, |m| Some(&m.code));
                states
            }
            .into_iter()
            .map(|s| Link {
                href: format!("/states/{}", segment(s.code.as_str())),
                label: s.name,
                detail: format!("{} · member since {}", s.code, long_date(s.joined_on)),
            })
            .collect(),
            chrome,
        }),
        Err(e) => service_error(chrome, e),
    }
}

pub async fn bodies(State(state): State<AppState>, Session(session): Session) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    match state.tracker.store().sectoral_bodies().await {
        Ok(bodies) => render(&ListPage {
            heading: "Sectoral bodies",
            lede: "The ASEAN ministerial bodies that lead work under the plans: the measures they lead and their activities.",
            items: bodies
                .into_iter()
                .map(|b| Link {
                    href: format!("/bodies/{}", segment(&b.code)),
                    label: b.name,
                    detail: [Some(b.code), b.sector]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" · "),
                })
                .collect(),
            chrome,
        }),
        Err(e) => service_error(chrome, e.into()),
    }
}

// ---------------------------------------------------------------------------------------------
// A framework's tree

#[derive(Template)]
#[template(path = "framework.html")]
struct FrameworkPage {
    chrome: Chrome,
    code: String,
    title: String,
    period: String,
    note: String,
    levels: String,
    as_of: String,
    scope_text: String,
    basis_text: &'static str,
    scopes: Vec<Choice>,
    bases: Vec<Choice>,
    headlines: Vec<Headline>,
    rule: &'static str,
    rows: Vec<TreeLine>,
    activities: String,
    indicators_href: String,
}

struct TreeLine {
    code: String,
    title: String,
    level: String,
    depth: usize,
    href: String,
    is_measure: bool,
    top: bool,
    f: Figures,
    status: String,
    status_class: &'static str,
    activities: String,
}

fn activities_text(a: ActivityCount) -> String {
    if a.total == 0 {
        String::new()
    } else {
        let mut parts = vec![format!("{} completed", a.completed)];
        if a.ongoing > 0 {
            parts.push(format!("{} ongoing", a.ongoing));
        }
        format!(
            "{} activit{} ({})",
            a.total,
            if a.total == 1 { "y" } else { "ies" },
            parts.join(", ")
        )
    }
}

pub async fn framework(
    State(state): State<AppState>,
    Session(session): Session,
    Path(fw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let as_of = match as_of_param(&params, &chrome) {
        Ok(d) => d,
        Err(page) => return *page,
    };
    let basis = params.basis();
    let scope = match params.one("scope").map(str::parse::<Scope>).transpose() {
        Ok(s) => s.unwrap_or(Scope::Asean),
        Err(e) => return error_page(chrome, StatusCode::BAD_REQUEST, "Unknown scope", &e.0),
    };
    let view = match state
        .tracker
        .framework_overview(&fw, &scope, as_of, basis)
        .await
    {
        Ok(v) => v,
        Err(e) => return service_error(chrome, e),
    };
    let f = &view.framework;
    let mut chrome = chrome;
    chrome.note_as_of(f, as_of, today());
    let as_of_text = as_of.to_string();
    let measure_query = query_string(&[("as_of", as_of_text.clone())]);
    let scopes = std::iter::once(Choice::new(
        "ASEAN",
        "ASEAN (regional)",
        scope == Scope::Asean,
    ))
    .chain({
        let mut participants: Vec<&StateCode> = view.participants.iter().collect();
        in_asean_order(&mut participants, |code| Some(*code));
        participants
            .into_iter()
            .map(|code| Choice::new(code.as_str(), state_name(code), scope.state() == Some(code)))
    })
    .collect();
    let rows = view
        .rows
        .iter()
        .map(|r| {
            let (status, status_class) = match r.status {
                Some((s, p, reported)) => cell_badge(s, p, reported),
                None => (String::new(), ""),
            };
            TreeLine {
                href: if r.is_measure {
                    format!(
                        "/frameworks/{}/measures/{}{measure_query}",
                        segment(&f.code),
                        segment(&r.code)
                    )
                } else {
                    String::new()
                },
                code: r.code.clone(),
                title: r.title.clone(),
                level: r.level.clone(),
                depth: r.depth.min(3),
                is_measure: r.is_measure,
                top: r.depth == 0,
                f: Figures::of(&r.rate),
                status,
                status_class,
                activities: activities_text(r.activities),
            }
        })
        .collect();
    render(&FrameworkPage {
        code: f.code.clone(),
        title: f.title.clone(),
        period: format!("{} to {}", long_date(f.start_date), long_date(f.end_date)),
        note: f.note.clone().unwrap_or_default(),
        levels: f.levels.join(" › "),
        scope_text: scope_name(&scope),
        basis_text: basis_label(basis),
        scopes,
        bases: basis_choices(basis),
        headlines: headlines(&view.overall, "measures"),
        rule: view.overall.rule.as_str(),
        rows,
        activities: activities_text(view.activities),
        indicators_href: super::indicators::list_href(
            &f.code,
            &[
                ("as_of", as_of_text.clone()),
                (
                    "scope",
                    if scope == Scope::Asean {
                        String::new()
                    } else {
                        scope.to_string()
                    },
                ),
            ],
        ),
        as_of: as_of_text,
        chrome,
    })
}

// ---------------------------------------------------------------------------------------------
// A measure

#[derive(Template)]
#[template(path = "measure.html")]
struct MeasurePageView {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    fw_href: String,
    code: String,
    title: String,
    level: String,
    note: String,
    lead_bodies: Vec<Link>,
    path: Vec<Link>,
    as_of: String,
    as_of_long: String,
    summary: String,
    scopes: Vec<ScopeLine>,
    history: Vec<ReportLine>,
    activities: Vec<ActivityView>,
    context_activities: Vec<ActivityView>,
    recorded: Option<ReportLine>,
    record_href: Option<String>,
}

struct ScopeLine {
    name: String,
    code: String,
    href: String,
    status: String,
    status_class: &'static str,
    effective: String,
    validation: String,
    validation_class: &'static str,
    evidence_url: String,
    note: String,
}

#[derive(Debug, Clone)]
pub(super) struct ActivityView {
    title: String,
    kind: String,
    year: String,
    body: String,
    body_href: String,
    nodes: String,
    status: String,
    status_class: &'static str,
    detail: String,
    evidence_url: String,
}

pub(super) fn activity_view(a: &ActivityLine) -> ActivityView {
    let (status, status_class, detail, evidence_url) = match &a.status {
        Some(s) => (
            status_text(s.status, s.progress),
            s.status.as_str(),
            [
                Some(format!("effective {}", s.effective_date)),
                s.note.clone(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
            s.evidence_url.clone().unwrap_or_default(),
        ),
        None => (
            "No status reported".to_owned(),
            "not_started",
            String::new(),
            String::new(),
        ),
    };
    let mut detail = vec![detail];
    if let Some(note) = &a.note {
        detail.push(format!("link to the plan: {note}"));
    }
    if let Some(source) = &a.source {
        detail.push(format!("source: {source}"));
    }
    ActivityView {
        title: a.title.clone(),
        kind: a.kind.clone(),
        year: a.year.map(|y| y.to_string()).unwrap_or_default(),
        body: a
            .body
            .as_ref()
            .map(|(code, name)| format!("{name} ({code})"))
            .unwrap_or_default(),
        body_href: a
            .body
            .as_ref()
            .map(|(code, _)| format!("/bodies/{}", segment(code)))
            .unwrap_or_default(),
        nodes: a.nodes.join(", "),
        status,
        status_class,
        detail: detail
            .into_iter()
            .filter(|d| !d.is_empty())
            .collect::<Vec<_>>()
            .join(" · "),
        evidence_url,
    }
}

/// Whether an account may record for some scope (not a viewer).
fn may_record(session: Option<&crate::service::SessionUser>) -> bool {
    session.is_some_and(|s| s.user.role != Role::Viewer)
}

pub async fn measure(
    State(state): State<AppState>,
    Session(session): Session,
    Path((fw, code)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let as_of = match as_of_param(&params, &chrome) {
        Ok(d) => d,
        Err(page) => return *page,
    };
    let page = match state.tracker.measure_page(&fw, &code, as_of).await {
        Ok(p) => p,
        Err(e) => return service_error(chrome, e),
    };
    let recorded = params
        .one("recorded")
        .and_then(|id| id.parse::<i64>().ok())
        .and_then(|id| page.history.iter().find(|r| r.id == id))
        .map(ReportLine::of);
    let f = &page.framework;
    let mut chrome = chrome;
    chrome.note_as_of(f, as_of, today());
    let as_of_text = as_of.to_string();
    let mut counts = [0_usize; 4];
    let states = page
        .status
        .scopes
        .iter()
        .filter(|s| s.scope != Scope::Asean);
    let mut participants = 0;
    let mut unreported = 0_usize;
    for s in states {
        participants += 1;
        if s.report.is_none() {
            unreported += 1; // "no report", apart from a report of not started
            continue;
        }
        let i = Status::ALL.iter().position(|x| *x == s.status).unwrap_or(0);
        counts[i] += 1;
    }
    let summary = if participants == 0 {
        "No member state takes part on this date.".to_owned()
    } else {
        let mut parts: Vec<String> = Status::ALL
            .iter()
            .zip(counts)
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{} in {n}", status_label(*s).to_lowercase()))
            .collect();
        if unreported > 0 {
            parts.push(format!(
                "no report in {unreported} (counted as not started)"
            ));
        }
        format!(
            "Across the {participants} participating member states: {}.",
            parts.join(", ")
        )
    };
    let mut in_order: Vec<_> = page.status.scopes.iter().collect();
    in_asean_order(&mut in_order, |s| s.scope.state());
    let scopes = in_order
        .into_iter()
        .map(|s| {
            let report = s.report.as_ref();
            ScopeLine {
                name: scope_name(&s.scope),
                code: s.scope.to_string(),
                href: match &s.scope {
                    Scope::Asean => String::new(),
                    Scope::State(code) => format!(
                        "/states/{}{}",
                        segment(code.as_str()),
                        query_string(&[
                            ("framework", f.code.clone()),
                            ("as_of", as_of_text.clone())
                        ])
                    ),
                },
                status: cell_badge(s.status, s.progress, report.is_some()).0,
                status_class: cell_badge(s.status, s.progress, report.is_some()).1,
                effective: s
                    .effective_date
                    .map_or_else(|| "–".to_owned(), |d| d.to_string()),
                validation: report
                    .map(|r| validation_label(r.validation.state).to_owned())
                    .unwrap_or_default(),
                validation_class: report.map_or("", |r| r.validation.state.as_str()),
                evidence_url: report
                    .and_then(|r| r.evidence_url.clone())
                    .unwrap_or_default(),
                note: report.and_then(|r| r.note.clone()).unwrap_or_default(),
            }
        })
        .collect();
    render(&MeasurePageView {
        fw_code: f.code.clone(),
        fw_title: f.title.clone(),
        fw_href: format!(
            "/frameworks/{}{}",
            segment(&f.code),
            query_string(&[("as_of", as_of_text.clone())])
        ),
        lead_bodies: page
            .lead_bodies
            .iter()
            .map(|b| Link {
                href: format!("/bodies/{}", segment(b)),
                label: b.clone(),
                detail: String::new(),
            })
            .collect(),
        path: page
            .path
            .iter()
            .map(|(code, level, title)| Link {
                href: format!("/frameworks/{}#node-{}", segment(&f.code), segment(code)),
                label: format!("{code} · {title}"),
                detail: level.clone(),
            })
            .collect(),
        record_href: may_record(session.as_ref()).then(|| {
            format!(
                "/record{}",
                query_string(&[
                    ("framework", f.code.clone()),
                    ("measure", page.code.clone())
                ])
            )
        }),
        code: page.code.clone(),
        title: page.title.clone(),
        level: page.level.clone(),
        note: page.note.clone().unwrap_or_default(),
        as_of_long: long_date(as_of),
        as_of: as_of_text,
        summary,
        scopes,
        history: page.history.iter().map(ReportLine::of).collect(),
        activities: page.activities.iter().map(activity_view).collect(),
        context_activities: page.context_activities.iter().map(activity_view).collect(),
        recorded,
        chrome,
    })
}

// ---------------------------------------------------------------------------------------------
// A member state

#[derive(Template)]
#[template(path = "state.html")]
struct StatePageView {
    chrome: Chrome,
    code: String,
    name: String,
    official_name: String,
    joined: String,
    fw_title: String,
    frameworks: Vec<Choice>,
    bases: Vec<Choice>,
    basis_text: &'static str,
    as_of: String,
    as_of_long: String,
    participates: bool,
    participants: usize,
    headlines: Vec<Headline>,
    mean: Figures,
    level: String,
    goals: Vec<GoalView>,
    lagging: Vec<GoalView>,
    not_started: Vec<LaggingView>,
    rounds: Vec<StateRoundView>,
    rounds_href: String,
    recent: Vec<ReportLine>,
    compare_href: String,
    record_href: Option<String>,
    grid_href: Option<String>,
    indicators: Vec<super::indicators::StateIndicatorLine>,
    regressing: Vec<super::indicators::StateIndicatorLine>,
    indicators_href: String,
    /// The goal snapshot of the state's own indicators beside the mean of the states.
    snapshot: Option<super::indicators::ChartSlot>,
}

#[derive(Clone)]
struct GoalView {
    code: String,
    title: String,
    f: Figures,
    mean: Figures,
    lagging: bool,
}

/// The state's standing in one reporting round.
struct StateRoundView {
    code: String,
    href: String,
    period_end: String,
    due: String,
    standing: &'static str,
    class: &'static str,
}

struct LaggingView {
    code: String,
    title: String,
    href: String,
    top: String,
    elsewhere: String,
    status: String,
    status_class: &'static str,
}

pub async fn state(
    State(state): State<AppState>,
    Session(session): Session,
    Path(code): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let as_of = match as_of_param(&params, &chrome) {
        Ok(d) => d,
        Err(page) => return *page,
    };
    let basis = params.basis();
    let Ok(code) = code.parse::<StateCode>() else {
        return error_page(
            chrome,
            StatusCode::NOT_FOUND,
            "Not found",
            &format!("“{code}” is not a member state's code (for example VNM)."),
        );
    };
    let frameworks = match state.tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = params
        .one("framework")
        .map_or_else(|| default_framework(&frameworks, as_of), str::to_owned);
    let page = match state.tracker.state_page(&code, &fw, as_of, basis).await {
        Ok(p) => p,
        Err(e) => return service_error(chrome, e),
    };
    let f = &page.framework;
    let mut chrome = chrome;
    chrome.note_as_of(f, as_of, today());
    let as_of_text = as_of.to_string();
    let matrix = match state.tracker.round_matrix(&f.code).await {
        Ok(m) => m,
        Err(e) => return service_error(chrome, e),
    };
    let own_rounds: Vec<StateRoundView> = matrix
        .states
        .iter()
        .find(|row| row.state == code)
        .map(|row| {
            matrix
                .rounds
                .iter()
                .zip(&row.rounds)
                .map(|(col, standing)| {
                    let (text, class) = super::rounds::standing_words(*standing);
                    StateRoundView {
                        code: col.code.clone(),
                        href: format!("/rounds/{}/{}", segment(&f.code), segment(&col.code)),
                        period_end: col.period_end.to_string(),
                        due: col.due_on.to_string(),
                        standing: text,
                        class,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let goals: Vec<GoalView> = page
        .goals
        .iter()
        .map(|g| GoalView {
            code: g.node.code.clone(),
            title: g.node.title.clone(),
            f: Figures::of(&g.node.rate),
            mean: Figures::of_mean(&g.mean_of_states),
            lagging: g.lagging(),
        })
        .collect();
    let lagging = goals.iter().filter(|g| g.lagging).cloned().collect();
    let indicators =
        super::indicators::state_indicator_lines(&f.code, &code, &page.indicators, &as_of_text);
    let regressing = indicators
        .iter()
        .filter(|i| i.regressing)
        .cloned()
        .collect();
    let own_scope = session.as_ref().is_some_and(|s| {
        matches!(s.user.role, Role::Admin | Role::Secretariat)
            || s.user.state.as_ref() == Some(&code)
    });
    render(&StatePageView {
        code: page.state.code.to_string(),
        name: page.state.name.clone(),
        official_name: page.state.official_name.clone(),
        joined: long_date(page.state.joined_on),
        fw_title: f.title.clone(),
        frameworks: page
            .frameworks
            .iter()
            .map(|x| {
                Choice::new(
                    x.framework.code.clone(),
                    x.framework.title.clone(),
                    x.framework.code == f.code,
                )
            })
            .collect(),
        bases: basis_choices(basis),
        basis_text: basis_label(basis),
        as_of_long: long_date(as_of),
        participates: page.participates,
        participants: page.participants,
        headlines: headlines(&page.overall, "measures"),
        mean: Figures::of_mean(&page.mean_of_states),
        level: f.levels.first().cloned().unwrap_or_default(),
        goals,
        lagging,
        rounds: own_rounds,
        rounds_href: format!("/rounds/{}", segment(&f.code)),
        not_started: page
            .not_started
            .iter()
            .map(|m| LaggingView {
                href: format!(
                    "/frameworks/{}/measures/{}{}",
                    segment(&f.code),
                    segment(&m.code),
                    query_string(&[("as_of", as_of_text.clone())])
                ),
                code: m.code.clone(),
                title: m.title.clone(),
                top: m.top.clone(),
                status: cell_badge(Status::NotStarted, None, m.reported).0,
                status_class: cell_badge(Status::NotStarted, None, m.reported).1,
                elsewhere: if m.others == 0 {
                    "no other participant".to_owned()
                } else {
                    format!(
                        "{} of {} other member states",
                        m.started_elsewhere, m.others
                    )
                },
            })
            .collect(),
        recent: page.recent.iter().map(ReportLine::of).collect(),
        snapshot: (!indicators.is_empty()).then(|| super::indicators::ChartSlot {
            src: format!(
                "/frameworks/{}/indicator-snapshot.svg{}",
                segment(&f.code),
                query_string(&[
                    ("scope", code.to_string()),
                    ("as_of", as_of_text.clone()),
                    ("basis", basis.as_str().to_owned()),
                ])
            ),
            alt: format!(
                "Bar chart: for each goal, the mean current status of {}'s indicators beside \
                 the mean of the member states, as a share of the way from baseline to target, \
                 against the share {}'s own targets expect by the as-of year. The table below \
                 gives every indicator's figures.",
                state_name(&code),
                state_name(&code)
            ),
            caption: format!(
                "{}'s indicators per goal against expected, as of {as_of_text}.",
                state_name(&code)
            ),
        }),
        indicators,
        regressing,
        indicators_href: super::indicators::list_href(
            &f.code,
            &[("scope", code.to_string()), ("as_of", as_of_text.clone())],
        ),
        compare_href: format!(
            "/compare{}",
            query_string(&[
                ("framework", f.code.clone()),
                ("states", page.state.code.to_string()),
                ("as_of", as_of_text.clone()),
                ("basis", basis.as_str().to_owned()),
            ])
        ),
        record_href: (own_scope && may_record(session.as_ref())).then(|| {
            format!(
                "/record{}",
                query_string(&[("framework", f.code.clone()), ("scope", code.to_string())])
            )
        }),
        grid_href: (own_scope && may_record(session.as_ref())).then(|| {
            format!(
                "/record/{}/grid{}",
                segment(&f.code),
                query_string(&[("scope", code.to_string())])
            )
        }),
        as_of: as_of_text,
        chrome,
    })
}

// ---------------------------------------------------------------------------------------------
// A sectoral body

#[derive(Template)]
#[template(path = "body.html")]
struct BodyPageView {
    chrome: Chrome,
    code: String,
    name: String,
    senior: String,
    sector: String,
    frameworks: Vec<BodyFrameworkView>,
}

struct BodyFrameworkView {
    code: String,
    title: String,
    measures: Vec<Link>,
    regional: Option<Figures>,
    activities: Vec<ActivityView>,
}

pub async fn body(
    State(state): State<AppState>,
    Session(session): Session,
    Path(code): Path<String>,
) -> Response {
    let chrome = Chrome::new(Section::Browse, session.as_ref());
    let page = match state.tracker.body_page(&code, today()).await {
        Ok(p) => p,
        Err(e) => return service_error(chrome, e),
    };
    render(&BodyPageView {
        code: page.body.code.clone(),
        name: page.body.name.clone(),
        senior: page.body.senior_officials_body.clone().unwrap_or_default(),
        sector: page.body.sector.clone().unwrap_or_default(),
        frameworks: page
            .frameworks
            .iter()
            .map(|b| BodyFrameworkView {
                code: b.framework.code.clone(),
                title: b.framework.title.clone(),
                measures: b
                    .measures
                    .iter()
                    .map(|m| Link {
                        href: format!(
                            "/frameworks/{}/measures/{}",
                            segment(&b.framework.code),
                            segment(&m.code)
                        ),
                        label: format!("{} · {}", m.code, m.title),
                        detail: String::new(),
                    })
                    .collect(),
                regional: b.regional.as_ref().map(Figures::of),
                activities: b
                    .activities
                    .iter()
                    .map(|a| {
                        let mut view = activity_view(a);
                        view.nodes = a
                            .nodes
                            .iter()
                            .map(|n| match b.node_titles.get(n) {
                                Some(title) => format!("{n} · {title}"),
                                None => n.clone(),
                            })
                            .collect::<Vec<_>>()
                            .join("; ");
                        view
                    })
                    .collect(),
            })
            .collect(),
        chrome,
    })
}
