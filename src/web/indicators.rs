//! The Results Framework's indicators on the pages (issue 17): a framework's indicators with
//! filters (`/frameworks/{fw}/indicators`), one indicator (`/frameworks/{fw}/indicators/{code}`),
//! and the wording the dashboard and the member-state page share (a class as text, a value
//! with the indicator's decimals and unit). Figures come from `service::pages::indicators`;
//! nothing here computes one.
//!
//! Decisions where the issue is silent:
//! - Every page reads `as_of` (today by default) and `basis` like the status pages; the list's
//!   scope is `ASEAN` by default, and a state must participate on the date (422 otherwise, as
//!   on the framework page).
//! - A class is always written out ("Needs acceleration"), with a symbol that reads in
//!   greyscale; its colour only repeats it.
//! - Values are rounded half away from zero to the indicator's `decimals` and followed by its
//!   unit (`%` directly after the number); current status, expected and anticipated progress
//!   are shown as percentages of the way from baseline to target, one decimal.
//! - Until the indicator trend chart exists, the indicator page lists the points the trend is
//!   drawn from (the baseline and the observation in force in each year) for the chosen scope;
//!   the chart goes above that table (`trend_chart`).

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::Session;
use super::browse::as_of_param;
use super::layout::{
    Choice, Chrome, Pairs, Section, basis_choices, basis_label, error_page, in_asean_order,
    long_date, query_string, render, scope_name, segment, service_error, state_name,
    validation_label, when,
};
use crate::domain::{
    Basis, Direction, IndicatorClass, Observation, Scope, StateCode, is_percent_unit,
};
use crate::edge::AppState;
use crate::edge::Problem;
use crate::engine::indicators::{ClassCounts, ScopeProgress};
use crate::service::{IndicatorChart, IndicatorCounts, IndicatorLine, today};

// ---------------------------------------------------------------------------------------------
// Wording shared with the dashboard and the member-state page

/// The classes in the order people read them: from the best to the worst, then those without
/// a trend.
pub(super) const CLASS_ORDER: [IndicatorClass; 7] = [
    IndicatorClass::Achieved,
    IndicatorClass::OnTrack,
    IndicatorClass::NeedsAcceleration,
    IndicatorClass::Stagnating,
    IndicatorClass::Regressing,
    IndicatorClass::InsufficientData,
    IndicatorClass::NoTarget,
];

/// A class for people, with a symbol that still reads without colour.
pub(super) fn class_label(class: IndicatorClass) -> &'static str {
    match class {
        IndicatorClass::Achieved => "✓ Achieved",
        IndicatorClass::OnTrack => "↗ On track",
        IndicatorClass::NeedsAcceleration => "→ Needs acceleration",
        IndicatorClass::Stagnating => "≈ Stagnating",
        IndicatorClass::Regressing => "↘ Regressing",
        IndicatorClass::InsufficientData => "… Insufficient data",
        IndicatorClass::NoTarget => "– No target",
    }
}

/// What a class means (DESIGN.md §2b), for the legend.
fn class_meaning(class: IndicatorClass) -> &'static str {
    match class {
        IndicatorClass::Achieved => "the latest value meets the target",
        IndicatorClass::OnTrack => "at the current pace, 95% or more of the way by the target year",
        IndicatorClass::NeedsAcceleration => "at the current pace, 10% to 95% of the way",
        IndicatorClass::Stagnating => "at the current pace, less than 10% of the way",
        IndicatorClass::Regressing => "moving away from the target",
        IndicatorClass::InsufficientData => "fewer than three points (the baseline counts as one)",
        IndicatorClass::NoTarget => "no baseline and target for this scope",
    }
}

/// A class as a badge: its text and CSS class.
#[derive(Debug, Clone)]
pub(super) struct ClassBadge {
    pub label: &'static str,
    pub key: &'static str,
}

impl ClassBadge {
    pub(super) fn of(class: IndicatorClass) -> Self {
        Self {
            label: class_label(class),
            key: class.as_str(),
        }
    }
}

/// A value rounded half away from zero to `decimals`, with its unit: "62.3%", "2.50 USD".
pub(super) fn value_text(value: f64, decimals: u8, unit: &str) -> String {
    let decimals = decimals.min(6);
    let scale = 10_f64.powi(i32::from(decimals));
    let rounded = (value * scale).round() / scale;
    // No "-0.0": a value that rounds to zero is shown as zero.
    let rounded = if rounded == 0.0 { 0.0 } else { rounded };
    let places = usize::from(decimals);
    let number = format!("{rounded:.places$}");
    if is_percent_unit(unit) {
        format!("{number}%")
    } else {
        format!("{number} {}", unit.trim())
    }
}

/// A share of the way from baseline to target as a percentage, one decimal, half away from
/// zero; "–" when undefined.
pub(super) fn share_text(share: Option<f64>) -> String {
    match share {
        None => "–".to_owned(),
        Some(s) => {
            let tenths = (s * 1000.0).round();
            let tenths = if tenths == 0.0 { 0.0 } else { tenths };
            format!("{:.1}%", tenths / 10.0)
        }
    }
}

/// One scope's figures worded.
#[derive(Debug, Clone)]
pub(super) struct FiguresText {
    pub baseline: String,
    pub target: String,
    pub latest: String,
    pub latest_year: String,
    pub current: String,
    pub expected: String,
    pub anticipated: String,
    pub anticipated_value: String,
    pub class: ClassBadge,
}

impl FiguresText {
    pub(super) fn of(f: &ScopeProgress, decimals: u8, unit: &str) -> Self {
        let year_value = |yv: Option<crate::engine::indicators::YearValue>| {
            yv.map_or_else(
                || "–".to_owned(),
                |p| format!("{} ({})", value_text(p.value, decimals, unit), p.year),
            )
        };
        Self {
            baseline: year_value(f.baseline),
            target: year_value(f.target),
            latest: f
                .latest
                .map_or_else(|| "–".to_owned(), |p| value_text(p.value, decimals, unit)),
            latest_year: f.latest.map(|p| p.year.to_string()).unwrap_or_default(),
            current: share_text(f.current_status),
            expected: share_text(f.expected),
            anticipated: share_text(f.anticipated_progress),
            anticipated_value: f
                .anticipated_value
                .map_or_else(|| "–".to_owned(), |v| value_text(v, decimals, unit)),
            class: ClassBadge::of(f.class),
        }
    }
}

/// A link to a framework's indicators list.
pub(super) fn list_href(framework: &str, pairs: &[(&str, String)]) -> String {
    format!(
        "/frameworks/{}/indicators{}",
        segment(framework),
        query_string(pairs)
    )
}

/// A link to an indicator's page.
pub(super) fn indicator_href(framework: &str, code: &str, pairs: &[(&str, String)]) -> String {
    format!(
        "/frameworks/{}/indicators/{}{}",
        segment(framework),
        segment(code),
        query_string(pairs)
    )
}

/// A chart's place on a page: filled in once the chart is drawn (issue 17's charts).
#[derive(Debug, Clone)]
pub(super) struct ChartSlot {
    pub src: String,
    pub alt: String,
    pub caption: String,
}

/// One class's line of the dashboard's counts.
#[derive(Debug, Clone)]
pub(super) struct ClassCountLine {
    pub badge: ClassBadge,
    pub meaning: &'static str,
    pub regional: u64,
    pub states: u64,
    pub href: String,
}

/// The dashboard's indicator section of a framework.
#[derive(Debug, Clone)]
pub(super) struct DashboardIndicators {
    pub indicators: usize,
    pub participants: usize,
    pub pairs: u64,
    pub lines: Vec<ClassCountLine>,
    pub list_href: String,
    /// The goal snapshot chart: mean current status per goal against the expected line.
    pub snapshot: Option<ChartSlot>,
}

impl DashboardIndicators {
    pub(super) fn of(framework: &str, counts: &IndicatorCounts, as_of: &str, basis: Basis) -> Self {
        let get = |c: &ClassCounts, class| c.get(class);
        let lines = CLASS_ORDER
            .into_iter()
            .map(|class| ClassCountLine {
                badge: ClassBadge::of(class),
                meaning: class_meaning(class),
                regional: get(&counts.regional, class),
                states: get(&counts.states, class),
                href: list_href(
                    framework,
                    &[
                        ("class", class.as_str().to_owned()),
                        ("as_of", as_of.to_owned()),
                        ("basis", basis_param(basis)),
                    ],
                ),
            })
            .collect();
        Self {
            indicators: counts.indicators,
            participants: counts.participants,
            pairs: counts.states.total(),
            lines,
            list_href: list_href(
                framework,
                &[("as_of", as_of.to_owned()), ("basis", basis_param(basis))],
            ),
            snapshot: Some(ChartSlot {
                src: format!(
                    "/frameworks/{}/indicator-snapshot.svg{}",
                    segment(framework),
                    query_string(&[("as_of", as_of.to_owned()), ("basis", basis_param(basis))])
                ),
                alt: "Bar chart: for each goal, the mean current status of its indicators — \
                      regional (ASEAN) and the mean of the member states — as a share of the way \
                      from baseline to target, against the share expected by the as-of year. The \
                      list of indicators gives every figure."
                    .to_owned(),
                caption: format!("Indicators: current status against expected, as of {as_of}."),
            }),
        }
    }
}

/// The basis as a link parameter: left out when it is the default.
fn basis_param(basis: Basis) -> String {
    if basis == Basis::default() {
        String::new()
    } else {
        basis.as_str().to_owned()
    }
}

/// One of a member state's indicators (its page).
#[derive(Debug, Clone)]
pub(super) struct StateIndicatorLine {
    pub code: String,
    pub href: String,
    pub title: String,
    pub goal: String,
    pub f: FiguresText,
    pub regressing: bool,
}

/// A member state's indicators, worded for its page.
pub(super) fn state_indicator_lines(
    framework: &str,
    state: &StateCode,
    lines: &[IndicatorLine],
    as_of: &str,
) -> Vec<StateIndicatorLine> {
    let scope = Scope::State(state.clone());
    lines
        .iter()
        .filter_map(|line| {
            let f = line.in_scope(&scope)?;
            let i = &line.indicator;
            Some(StateIndicatorLine {
                code: i.code.clone(),
                href: indicator_href(
                    framework,
                    &i.code,
                    &[("as_of", as_of.to_owned()), ("trend", state.to_string())],
                ),
                title: i.title.clone(),
                goal: line
                    .goal
                    .as_ref()
                    .map(|g| g.code.clone())
                    .unwrap_or_default(),
                f: FiguresText::of(f, i.decimals, &i.unit),
                regressing: f.class == IndicatorClass::Regressing,
            })
        })
        .collect()
}

fn direction_text(direction: Direction) -> &'static str {
    match direction {
        Direction::Increase => "increase (higher is better)",
        Direction::Decrease => "decrease (lower is better)",
    }
}

// ---------------------------------------------------------------------------------------------
// The list

#[derive(Template)]
#[template(path = "indicators.html")]
struct ListPage {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    fw_href: String,
    goal_level: String,
    as_of: String,
    as_of_long: String,
    basis_text: &'static str,
    bases: Vec<Choice>,
    scopes: Vec<Choice>,
    goals: Vec<Choice>,
    classes: Vec<Choice>,
    scope_text: String,
    /// Indicators in use in the framework (before the filters).
    total: usize,
    filtered: bool,
    clear_href: String,
    rows: Vec<ListRow>,
    retired: Vec<(String, String, String)>,
    legend: Vec<(ClassBadge, &'static str)>,
    /// The class matrix: every indicator in ASEAN and in each participant.
    matrix: Option<ChartSlot>,
}

struct ListRow {
    code: String,
    href: String,
    title: String,
    unit: String,
    goal: String,
    goal_title: String,
    f: FiguresText,
}

fn bad_request(chrome: Chrome, heading: &str, message: &str) -> Response {
    error_page(chrome, StatusCode::BAD_REQUEST, heading, message)
}

pub async fn list(
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
    let scope = match scope_param(&params, "scope") {
        Ok(s) => s,
        Err(e) => return bad_request(chrome, "Unknown scope", &super::layout::sentence(&e)),
    };
    let class = match params
        .one("class")
        .map(str::parse::<IndicatorClass>)
        .transpose()
    {
        Ok(c) => c,
        Err(e) => {
            return bad_request(chrome, "Unknown class", &super::layout::sentence(&e.0));
        }
    };
    let board = match state.tracker.indicator_board(&fw, as_of, basis).await {
        Ok(b) => b,
        Err(e) => return service_error(chrome, e),
    };
    let f = &board.framework;
    let goal = params.one("goal");
    if let Some(g) = goal
        && !board.goals.iter().any(|n| n.code == g)
    {
        let level = f.levels.first().cloned().unwrap_or_default();
        return error_page(
            chrome,
            StatusCode::NOT_FOUND,
            "Not found",
            &format!("“{g}” is not a {level} of the {}.", f.title),
        );
    }
    if let Scope::State(code) = &scope {
        if let Err(e) = state.tracker.ensure_member_state(code).await {
            return service_error(chrome, e);
        }
        if !board.participants.contains(code) {
            return error_page(
                chrome,
                StatusCode::UNPROCESSABLE_ENTITY,
                "That cannot be shown",
                &format!(
                    "{} does not take part in the {} on {}: national figures count participants only.",
                    state_name(code),
                    f.title,
                    long_date(as_of)
                ),
            );
        }
    }
    let mut chrome = chrome;
    chrome.note_as_of(f, as_of, today());
    let as_of_text = as_of.to_string();
    let scope_code = scope.to_string();
    let rows = board
        .filtered(goal, class, &scope)
        .filter_map(|line| {
            let i = &line.indicator;
            let figures = line.in_scope(&scope)?;
            Some(ListRow {
                href: indicator_href(
                    &f.code,
                    &i.code,
                    &[
                        ("as_of", as_of_text.clone()),
                        ("basis", basis_param(basis)),
                        (
                            "trend",
                            if scope == Scope::Asean {
                                String::new()
                            } else {
                                scope_code.clone()
                            },
                        ),
                    ],
                ),
                code: i.code.clone(),
                title: i.title.clone(),
                unit: i.unit.clone(),
                goal: line
                    .goal
                    .as_ref()
                    .map(|g| g.code.clone())
                    .unwrap_or_default(),
                goal_title: line
                    .goal
                    .as_ref()
                    .map(|g| g.title.clone())
                    .unwrap_or_default(),
                f: FiguresText::of(figures, i.decimals, &i.unit),
            })
        })
        .collect();
    let scopes = scope_choices(&board.participants, &scope);
    let goals = std::iter::once(Choice::new(
        "",
        format!("Every {}", f.levels.first().map_or("goal", String::as_str)),
        goal.is_none(),
    ))
    .chain(board.goals.iter().map(|g| {
        Choice::new(
            g.code.clone(),
            format!("{} · {}", g.code, shortened(&g.title, 48)),
            goal == Some(g.code.as_str()),
        )
    }))
    .collect();
    let classes = std::iter::once(Choice::new("", "Every class", class.is_none()))
        .chain(
            CLASS_ORDER
                .into_iter()
                .map(|c| Choice::new(c.as_str(), class_label(c).to_owned(), class == Some(c))),
        )
        .collect();
    render(&ListPage {
        fw_href: format!(
            "/frameworks/{}{}",
            segment(&f.code),
            query_string(&[("as_of", as_of_text.clone())])
        ),
        clear_href: list_href(&f.code, &[("as_of", as_of_text.clone())]),
        fw_code: f.code.clone(),
        fw_title: f.title.clone(),
        goal_level: f.levels.first().cloned().unwrap_or_default(),
        as_of_long: long_date(as_of),
        basis_text: basis_label(basis),
        bases: basis_choices(basis),
        scopes,
        goals,
        classes,
        scope_text: scope_name(&scope),
        total: board.lines.len(),
        filtered: goal.is_some() || class.is_some(),
        rows,
        retired: board
            .retired
            .iter()
            .map(|i| {
                (
                    indicator_href(&f.code, &i.code, &[("as_of", as_of_text.clone())]),
                    i.code.clone(),
                    i.title.clone(),
                )
            })
            .collect(),
        legend: CLASS_ORDER
            .into_iter()
            .map(|c| (ClassBadge::of(c), class_meaning(c)))
            .collect(),
        matrix: (!board.lines.is_empty()).then(|| ChartSlot {
            src: format!(
                "/frameworks/{}/indicator-classes.svg{}",
                segment(&f.code),
                query_string(&[("as_of", as_of_text.clone()), ("basis", basis_param(basis))])
            ),
            alt: "A grid of every indicator (rows) in ASEAN and each participating member state \
                  (columns), each cell the indicator's progress class as a colour and a \
                  three-letter code (ACH achieved, ON on track, ACC needs acceleration, STG \
                  stagnating, REG regressing, INS insufficient data, NT no target). The list \
                  above, with “Figures for” set to a state, gives the same classes as text."
                .to_owned(),
            caption: format!(
                "Class of every indicator in ASEAN and in each member state, as of {as_of_text}."
            ),
        }),
        as_of: as_of_text,
        chrome,
    })
}

/// `text` cut to `most` characters (with "…") for a `<select>`'s option, which would
/// otherwise be as wide as a goal's long title.
fn shortened(text: &str, most: usize) -> String {
    if text.chars().count() <= most {
        text.to_owned()
    } else {
        let cut: String = text.chars().take(most.saturating_sub(1)).collect();
        format!("{}…", cut.trim_end())
    }
}

/// `ASEAN`, then the participants in ASEAN's order, `chosen` selected.
fn scope_choices(participants: &[StateCode], chosen: &Scope) -> Vec<Choice> {
    let mut states: Vec<&StateCode> = participants.iter().collect();
    in_asean_order(&mut states, |code| Some(*code));
    std::iter::once(Choice::new(
        "ASEAN",
        "ASEAN (regional)",
        chosen == &Scope::Asean,
    ))
    .chain(states.into_iter().map(|code| {
        Choice::new(
            code.as_str(),
            state_name(code),
            chosen.state() == Some(code),
        )
    }))
    .collect()
}

// ---------------------------------------------------------------------------------------------
// One indicator

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorView {
    chrome: Chrome,
    fw_code: String,
    fw_title: String,
    fw_href: String,
    list_href: String,
    code: String,
    title: String,
    unit: String,
    direction: &'static str,
    decimals: u8,
    node_href: String,
    node_label: String,
    goal_label: String,
    source: String,
    note: String,
    retired: bool,
    as_of: String,
    as_of_long: String,
    basis_text: &'static str,
    bases: Vec<Choice>,
    trend_scopes: Vec<Choice>,
    trend_name: String,
    trend_points: Vec<(String, String, &'static str)>,
    trend_summary: String,
    /// The indicator trend chart of the chosen scope (issue 17's charts).
    trend_chart: Option<ChartSlot>,
    classes: Vec<ClassLine>,
    mean_text: String,
    scope_tables: Vec<ScopeTable>,
    legend: Vec<(ClassBadge, &'static str)>,
}

struct ClassLine {
    name: String,
    code: String,
    href: String,
    f: FiguresText,
}

struct ScopeTable {
    id: String,
    name: String,
    code: String,
    target: String,
    target_detail: String,
    revisions: usize,
    observations: Vec<ObservationLine>,
}

struct ObservationLine {
    year: i32,
    value: String,
    recorded_by: String,
    recorded: String,
    validation: &'static str,
    validation_class: &'static str,
    validation_detail: String,
    note: String,
}

fn observation_line(o: &Observation, decimals: u8, unit: &str) -> ObservationLine {
    let v = &o.validation;
    let mut detail = Vec::new();
    if let Some(by) = &v.by {
        detail.push(format!("by {by}"));
    }
    if let Some(at) = v.at {
        detail.push(format!("on {}", at.format("%-d %b %Y")));
    }
    if let Some(reason) = &v.reason {
        detail.push(format!("reason: {reason}"));
    }
    ObservationLine {
        year: o.year,
        value: value_text(o.value, decimals, unit),
        recorded_by: o
            .recorded_by
            .clone()
            .unwrap_or_else(|| "(unknown)".to_owned()),
        recorded: when(o.recorded_at),
        validation: validation_label(v.state),
        validation_class: v.state.as_str(),
        validation_detail: detail.join(", "),
        note: [o.source.as_deref(), o.note.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · "),
    }
}

pub async fn detail(
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
    let basis = params.basis();
    let trend = match scope_param(&params, "trend") {
        Ok(s) => s,
        Err(e) => return bad_request(chrome, "Unknown scope", &super::layout::sentence(&e)),
    };
    let page = match state.tracker.indicator_page(&fw, &code, as_of, basis).await {
        Ok(p) => p,
        Err(e) => return service_error(chrome, e),
    };
    let f = &page.framework;
    let line = &page.line;
    let i = &line.indicator;
    let (decimals, unit) = (i.decimals, i.unit.as_str());
    let mut chrome = chrome;
    chrome.note_as_of(f, as_of, today());
    let as_of_text = as_of.to_string();

    // The class in every scope: ASEAN first, then the states in ASEAN's order.
    let mut scopes: Vec<&ScopeProgress> = line.progress.scopes.iter().collect();
    in_asean_order(&mut scopes, |s| s.scope.state());
    let classes = scopes
        .iter()
        .map(|s| ClassLine {
            name: scope_name(&s.scope),
            code: s.scope.to_string(),
            href: match &s.scope {
                Scope::Asean => String::new(),
                Scope::State(state) => format!(
                    "/states/{}{}",
                    segment(state.as_str()),
                    query_string(&[("framework", f.code.clone()), ("as_of", as_of_text.clone())])
                ),
            },
            f: FiguresText::of(s, decimals, unit),
        })
        .collect();
    let mean = &line.progress.mean_of_states;
    let mean_text = if mean.participants == 0 {
        "No member state takes part on this date.".to_owned()
    } else {
        format!(
            "Mean of states (rule: mean_of_states): current status {}, the unweighted mean over the {} of {} participating member states that have one. The regional figures (ASEAN) are recorded for the region and never mixed into it.",
            share_text(mean.current_status),
            mean.states,
            mean.participants
        )
    };

    // The trend's scope: ASEAN or a participant on the date.
    let trend_figures = line.in_scope(&trend);
    let trend_name = scope_name(&trend);
    let (trend_points, trend_summary) = match trend_figures {
        None => (
            Vec::new(),
            format!(
                "{trend_name} does not take part in the {} on {}: choose another scope.",
                f.title,
                long_date(as_of)
            ),
        ),
        Some(s) if s.target.is_none() => (
            Vec::new(),
            format!(
                "{trend_name} has no baseline and target for this indicator: there is no trend to measure."
            ),
        ),
        Some(s) => {
            let points = s
                .points
                .iter()
                .enumerate()
                .map(|(n, p)| {
                    (
                        p.year.to_string(),
                        value_text(p.value, decimals, unit),
                        if n == 0 { "Baseline" } else { "Observation" },
                    )
                })
                .collect();
            let t = FiguresText::of(s, decimals, unit);
            let summary = match s.anticipated_value {
                Some(_) => format!(
                    "{} points up to {}. At the current pace (the weighted fit through the points) the value in {} would be {}, an anticipated progress of {} of the way from the baseline to the target. Class: {}.",
                    s.points.len(),
                    as_of.format("%Y"),
                    s.target.map(|p| p.year).unwrap_or_default(),
                    t.anticipated_value,
                    t.anticipated,
                    t.class.label
                ),
                None => format!(
                    "{} point{} up to {}: a trend needs three. Class: {}.",
                    s.points.len(),
                    if s.points.len() == 1 { "" } else { "s" },
                    as_of.format("%Y"),
                    t.class.label
                ),
            };
            (points, summary)
        }
    };

    // A table per scope: ASEAN, the participants, then any other scope with rows.
    let detail = &page.detail;
    let mut table_scopes: Vec<Scope> = std::iter::once(Scope::Asean)
        .chain(page.participants.iter().cloned().map(Scope::State))
        .collect();
    for s in detail
        .target_history
        .iter()
        .map(|t| &t.scope)
        .chain(detail.observations.iter().map(|o| &o.scope))
    {
        if !table_scopes.contains(s) {
            table_scopes.push(s.clone());
        }
    }
    in_asean_order(&mut table_scopes, Scope::state);
    let scope_tables = table_scopes
        .iter()
        .map(|scope| {
            let target = detail.targets.iter().find(|t| &t.scope == scope);
            let revisions = detail
                .target_history
                .iter()
                .filter(|t| &t.scope == scope)
                .count();
            let mut observations: Vec<&Observation> = detail
                .observations
                .iter()
                .filter(|o| &o.scope == scope)
                .collect();
            observations.sort_by_key(|o| (o.year, o.recorded_at, o.id));
            ScopeTable {
                id: format!("scope-{scope}"),
                name: scope_name(scope),
                code: scope.to_string(),
                target: target.map_or_else(
                    || "No baseline and target".to_owned(),
                    |t| {
                        format!(
                            "Baseline {} in {}, target {} in {}",
                            value_text(t.baseline_value, decimals, unit),
                            t.baseline_year,
                            value_text(t.target_value, decimals, unit),
                            t.target_year
                        )
                    },
                ),
                target_detail: target
                    .map(|t| {
                        [
                            Some(format!(
                                "Set by {} on {}.",
                                t.recorded_by.as_deref().unwrap_or("(unknown)"),
                                t.recorded_at.format("%-d %b %Y")
                            )),
                            t.note.clone(),
                        ]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(" ")
                    })
                    .unwrap_or_default(),
                revisions,
                observations: observations
                    .into_iter()
                    .map(|o| observation_line(o, decimals, unit))
                    .collect(),
            }
        })
        .collect();

    let trend_chart = trend_figures
        .filter(|s| s.target.is_some())
        .map(|_| ChartSlot {
            src: format!(
                "/frameworks/{}/indicators/{}/trend.svg{}",
                segment(&f.code),
                segment(&i.code),
                query_string(&[
                    ("scope", trend.to_string()),
                    ("as_of", as_of_text.clone()),
                    ("basis", basis_param(basis)),
                ])
            ),
            alt: format!(
                "Line chart of {} in {trend_name}: the baseline, each year's value, the target, \
                     the straight path from baseline to target and the trend of the values \
                     extended to the target year. The table below lists the points.",
                i.code
            ),
            caption: format!("{} in {trend_name}, as of {as_of_text}.", i.code),
        });
    let node = line.node.as_ref();
    render(&IndicatorView {
        fw_href: format!(
            "/frameworks/{}{}",
            segment(&f.code),
            query_string(&[("as_of", as_of_text.clone())])
        ),
        list_href: list_href(&f.code, &[("as_of", as_of_text.clone())]),
        code: i.code.clone(),
        title: i.title.clone(),
        unit: i.unit.clone(),
        direction: direction_text(i.direction),
        decimals,
        node_href: node.map_or_else(String::new, |n| {
            if n.is_measure {
                format!(
                    "/frameworks/{}/measures/{}{}",
                    segment(&f.code),
                    segment(&n.code),
                    query_string(&[("as_of", as_of_text.clone())])
                )
            } else {
                format!("/frameworks/{}#node-{}", segment(&f.code), segment(&n.code))
            }
        }),
        node_label: node.map_or_else(
            || i.node.clone(),
            |n| format!("{} {} · {}", n.level, n.code, n.title),
        ),
        goal_label: line
            .goal
            .as_ref()
            .filter(|g| node.is_none_or(|n| n.code != g.code))
            .map(|g| format!("{} · {}", g.code, g.title))
            .unwrap_or_default(),
        source: i.source.clone().unwrap_or_default(),
        note: i.note.clone().unwrap_or_default(),
        retired: i.retired,
        as_of_long: long_date(as_of),
        basis_text: basis_label(basis),
        bases: basis_choices(basis),
        trend_scopes: scope_choices(&page.participants, &trend),
        trend_name,
        trend_points,
        trend_summary,
        trend_chart,
        classes,
        mean_text,
        scope_tables,
        legend: CLASS_ORDER
            .into_iter()
            .map(|c| (ClassBadge::of(c), class_meaning(c)))
            .collect(),
        fw_code: f.code.clone(),
        fw_title: f.title.clone(),
        as_of: as_of_text,
        chrome,
    })
}

// ---------------------------------------------------------------------------------------------
// The charts (SVG), drawn by the review report's chart code

/// The scope named by the parameter `name`: `ASEAN` when absent; why not when it is no scope.
fn scope_param(params: &Pairs, name: &str) -> Result<Scope, String> {
    params
        .one(name)
        .map(str::parse::<Scope>)
        .transpose()
        .map(|s| s.unwrap_or(Scope::Asean))
        .map_err(|e| e.0)
}

/// The `as_of` (today by default) and `basis` of a chart's address, or a 400 problem.
fn chart_params(
    params: &Pairs,
) -> Result<(chrono::NaiveDate, crate::domain::Basis), Box<Response>> {
    let as_of = params
        .date("as_of")
        .map(|d| d.unwrap_or_else(today))
        .map_err(|message| Box::new(Problem::bad_query("as_of", message).into_response()))?;
    Ok((as_of, params.basis()))
}

fn svg_response(result: Result<String, crate::service::ServiceError>) -> Response {
    match result {
        Ok(svg) => ([(axum::http::header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

/// One of a framework's indicator charts as of `as_of` on `basis`.
async fn framework_chart(
    state: &AppState,
    fw: &str,
    query: Option<&str>,
    chart: IndicatorChart,
) -> Response {
    let params = Pairs::parse(query.unwrap_or_default());
    let (as_of, basis) = match chart_params(&params) {
        Ok(p) => p,
        Err(response) => return *response,
    };
    let scope = match scope_param(&params, "scope") {
        Ok(s) => s,
        Err(e) => return Problem::bad_query("scope", e).into_response(),
    };
    svg_response(
        state
            .tracker
            .indicator_chart_svg(fw, chart, &scope, as_of, basis)
            .await,
    )
}

/// `GET /frameworks/{fw}/indicator-snapshot.svg?as_of=&basis=&scope=`: per goal, the
/// indicators' mean current status (regional, or with `scope=` a member state's own, beside
/// the mean of states) against where they should be by now.
pub async fn snapshot_svg(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    framework_chart(&state, &fw, query.as_deref(), IndicatorChart::Snapshot).await
}

/// `GET /frameworks/{fw}/indicator-classes.svg?as_of=&basis=`: the class matrix, indicators ×
/// ASEAN and the participants.
pub async fn classes_svg(
    State(state): State<AppState>,
    Path(fw): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    framework_chart(&state, &fw, query.as_deref(), IndicatorChart::Classes).await
}

/// `GET /frameworks/{fw}/indicators/{code}/trend.svg?scope=&as_of=&basis=`: one indicator's
/// trend in one scope (`ASEAN` by default).
pub async fn trend_svg(
    State(state): State<AppState>,
    Path((fw, code)): Path<(String, String)>,
    RawQuery(query): RawQuery,
) -> Response {
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let (as_of, basis) = match chart_params(&params) {
        Ok(p) => p,
        Err(response) => return *response,
    };
    let scope = match scope_param(&params, "scope") {
        Ok(s) => s,
        Err(e) => return Problem::bad_query("scope", e).into_response(),
    };
    svg_response(
        state
            .tracker
            .indicator_trend_svg(&fw, &code, &scope, as_of, basis)
            .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_half_away_from_zero_with_their_unit() {
        assert_eq!(value_text(62.25, 1, "%"), "62.3%");
        assert_eq!(value_text(2.5, 2, "USD"), "2.50 USD");
        assert_eq!(value_text(-0.04, 1, "years"), "0.0 years");
        assert_eq!(value_text(13.0, 0, "percent"), "13%");
        assert_eq!(share_text(Some(5.0 / 30.0)), "16.7%");
        assert_eq!(share_text(Some(-0.0001)), "0.0%");
        assert_eq!(share_text(None), "–");
    }
}
