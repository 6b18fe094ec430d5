//! Comparing member states: choose the framework, the states (all participants when none is
//! ticked), a level (the whole framework, or per goal/objective…), a date and a basis; the
//! table and the chart side by side, and the same figures as CSV. The chart is drawn by the
//! server (the review report's comparison chart for the whole framework, its heat map of
//! completion per state and node for a level) and shown as an `<img>` of an SVG route: no
//! JavaScript.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use super::Session;
use super::browse::{default_framework, visible};
use super::layout::{
    Choice, Chrome, Figures, Pairs, Section, basis_choices, basis_label, error_page,
    in_asean_order, long_date, query_string, render_with, sentence, service_error, state_name,
};
use crate::domain::{Basis, StateCode};
use crate::edge::{AppState, Problem};
use crate::engine::{Comparison, Rate};
use crate::service::{LevelComparison, ServiceError, now, today};

/// What a comparison is asked for.
struct Ask {
    framework: String,
    states: Option<Vec<StateCode>>,
    level: Option<String>,
    as_of: NaiveDate,
    basis: Basis,
}

impl Ask {
    fn query(&self) -> String {
        let mut pairs = vec![("framework", self.framework.clone())];
        for s in self.states.iter().flatten() {
            pairs.push(("states", s.to_string()));
        }
        pairs.push(("level", self.level.clone().unwrap_or_default()));
        pairs.push(("as_of", self.as_of.to_string()));
        pairs.push(("basis", self.basis.as_str().to_owned()));
        query_string(&pairs)
    }
}

/// Reads the query; `Err` names the field and says what is wrong.
async fn ask(state: &AppState, params: &Pairs) -> Result<Ask, (String, String)> {
    let as_of = params
        .date("as_of")
        .map_err(|m| ("as_of".to_owned(), m))?
        .unwrap_or_else(today);
    let framework = match params.one("framework") {
        Some(f) => f.to_owned(),
        None => {
            let frameworks = state
                .tracker
                .frameworks()
                .await
                .map(visible)
                .unwrap_or_default();
            default_framework(&frameworks, as_of)
        }
    };
    let mut states = Vec::new();
    for text in params.all("states") {
        for one in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let code = one
                .parse::<StateCode>()
                .map_err(|e| ("states".to_owned(), sentence(&e.0)))?;
            if !states.contains(&code) {
                states.push(code);
            }
        }
    }
    Ok(Ask {
        framework,
        states: (!states.is_empty()).then_some(states),
        level: params.one("level").map(str::to_owned),
        as_of,
        basis: params.basis(),
    })
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    chrome: Chrome,
    frameworks: Vec<Choice>,
    states: Vec<Choice>,
    levels: Vec<Choice>,
    bases: Vec<Choice>,
    as_of: String,
    as_of_long: String,
    basis_text: &'static str,
    fw_title: String,
    level_name: String,
    error_field: String,
    error: String,
    result: Option<CompareResult>,
}

struct CompareResult {
    chart_src: String,
    chart_alt: String,
    csv_href: String,
    /// The whole framework: one row per state, then the rules.
    states: Vec<(String, String, Figures)>,
    rules: Vec<(&'static str, Figures)>,
    /// At a level: the state columns, then one row per node.
    columns: Vec<(String, String)>,
    rows: Vec<LevelLine>,
}

struct LevelLine {
    code: String,
    title: String,
    cells: Vec<Figures>,
    mean: Figures,
}

fn rule_rows(c: &Comparison) -> Vec<(&'static str, Figures)> {
    vec![
        ("All states", Figures::of(&c.all_states)),
        ("Mean of states", Figures::of_mean(&c.mean_of_states)),
        ("Every state × measure", Figures::of(&c.cells)),
        ("ASEAN (regional)", Figures::of(&c.regional)),
    ]
}

pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Compare, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let tracker = &state.tracker;
    let asked = match ask(&state, &params).await {
        Ok(a) => a,
        Err((_, message)) => {
            return error_page(chrome, StatusCode::BAD_REQUEST, "Cannot compare", &message);
        }
    };
    let frameworks = match tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let Some(fw) = frameworks
        .iter()
        .find(|f| f.framework.code == asked.framework)
        .map(|f| f.framework.clone())
    else {
        return service_error(chrome, ServiceError::UnknownFramework(asked.framework));
    };
    let mut participants = match tracker.participants(&fw.code, asked.as_of).await {
        Ok(p) => p.participants,
        Err(e) => return service_error(chrome, e),
    };
    in_asean_order(&mut participants, |p| Some(&p.code));
    let chosen = asked.states.clone().unwrap_or_default();
    let levels = std::iter::once(Choice::new("", "Whole framework", asked.level.is_none()))
        .chain(
            fw.levels
                .iter()
                .take(fw.levels.len().saturating_sub(1))
                .map(|l| {
                    Choice::new(
                        l.clone(),
                        format!("Per {l}"),
                        asked.level.as_deref() == Some(l.as_str()),
                    )
                }),
        )
        .collect();
    let mut chrome = chrome;
    chrome.note_as_of(&fw, asked.as_of, crate::service::today());
    let mut page = ComparePage {
        frameworks: frameworks
            .iter()
            .map(|f| {
                Choice::new(
                    f.framework.code.clone(),
                    f.framework.title.clone(),
                    f.framework.code == fw.code,
                )
            })
            .collect(),
        states: participants
            .iter()
            .map(|p| {
                Choice::new(
                    p.code.to_string(),
                    format!("{} ({})", p.name, p.code),
                    chosen.contains(&p.code),
                )
            })
            .collect(),
        levels,
        bases: basis_choices(asked.basis),
        as_of: asked.as_of.to_string(),
        as_of_long: long_date(asked.as_of),
        basis_text: basis_label(asked.basis),
        fw_title: fw.title.clone(),
        level_name: asked.level.clone().unwrap_or_default(),
        error_field: String::new(),
        error: String::new(),
        result: None,
        chrome,
    };
    let comparison = match tracker
        .compare_at_level(
            &fw.code,
            asked.states.as_deref(),
            asked.level.as_deref(),
            asked.as_of,
            asked.basis,
        )
        .await
    {
        Ok(c) => c,
        Err(e) => {
            let problem = Problem::from(e);
            if problem.status.is_server_error() {
                return error_page(
                    page.chrome,
                    problem.status,
                    "Something went wrong",
                    &sentence(&problem.detail),
                );
            }
            page.error_field = problem
                .errors
                .first()
                .map_or_else(|| "states".to_owned(), |e| e.field.clone());
            page.error = if problem.errors.is_empty() {
                sentence(&problem.detail)
            } else {
                problem
                    .errors
                    .iter()
                    .map(|e| sentence(&e.message))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            if page.error_field == "scope" {
                page.error_field = "states".to_owned();
            }
            return render_with(StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let mut comparison = comparison;
    // Every list of states in ASEAN's order (the columns and each row's cells alike).
    in_asean_order(&mut comparison.states, |s| Some(s));
    in_asean_order(&mut comparison.overall.states, |s| Some(&s.state));
    for row in &mut comparison.rows {
        in_asean_order(&mut row.comparison.states, |s| Some(&s.state));
    }
    let query = asked.query();
    let compared: Vec<String> = comparison.states.iter().map(state_name).collect();
    page.result = Some(CompareResult {
        chart_src: format!("/compare/chart.svg{query}"),
        chart_alt: match &comparison.level {
            None => format!(
                "Bar chart of the completion and implementation rates of {} as of {}, with the regional rate and the mean of states as reference lines; the table gives every figure.",
                compared.join(", "),
                asked.as_of
            ),
            Some(level) => format!(
                "Heat map of the completion rate of {} per {level} as of {}; the table gives every figure.",
                compared.join(", "),
                asked.as_of
            ),
        },
        csv_href: format!("/compare/figures.csv{query}"),
        states: comparison
            .overall
            .states
            .iter()
            .map(|s| {
                (
                    state_name(&s.state),
                    s.state.to_string(),
                    Figures::of(&s.rate),
                )
            })
            .collect(),
        rules: rule_rows(&comparison.overall),
        columns: comparison
            .states
            .iter()
            .map(|s| (s.to_string(), state_name(s)))
            .collect(),
        rows: comparison
            .rows
            .iter()
            .map(|r| LevelLine {
                code: r.code.clone(),
                title: r.title.clone(),
                cells: r
                    .comparison
                    .states
                    .iter()
                    .map(|s| Figures::of(&s.rate))
                    .collect(),
                mean: Figures::of_mean(&r.comparison.mean_of_states),
            })
            .collect(),
    });
    render_with(StatusCode::OK, &page)
}

async fn comparison(state: &AppState, params: &Pairs) -> Result<LevelComparison, Box<Response>> {
    let asked = ask(state, params).await.map_err(|(field, message)| {
        Box::new(Problem::bad_query(&field, message).into_response())
    })?;
    state
        .tracker
        .compare_at_level(
            &asked.framework,
            asked.states.as_deref(),
            asked.level.as_deref(),
            asked.as_of,
            asked.basis,
        )
        .await
        .map_err(|e| Box::new(Problem::from(e).into_response()))
}

/// `GET /compare/chart.svg?…`: the comparison's chart.
pub async fn chart(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let comparison = match comparison(&state, &params).await {
        Ok(c) => c,
        Err(response) => return *response,
    };
    match state.tracker.comparison_chart(comparison, now()).await {
        Ok(svg) => ([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

/// `GET /compare/figures.csv?…`: the comparison's figures, one row per state and rule (and
/// node, at a level), rates as fractions with every digit.
pub async fn csv(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let c = match comparison(&state, &params).await {
        Ok(c) => c,
        Err(response) => return *response,
    };
    let mut out = csv::Writer::from_writer(Vec::new());
    let mut header_row = vec![
        "framework",
        "as_of",
        "basis",
        "level",
        "node",
        "node_title",
        "row",
        "rule",
    ];
    header_row.extend(Rate::CSV_COLUMNS);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut push = |node: &str, title: &str, level: &str, comparison: &Comparison| {
        let base = |row: &str, rule: &str| {
            vec![
                c.framework.code.clone(),
                c.as_of.to_string(),
                c.basis.as_str().to_owned(),
                level.to_owned(),
                node.to_owned(),
                title.to_owned(),
                row.to_owned(),
                rule.to_owned(),
            ]
        };
        for s in &comparison.states {
            let mut row = base(s.state.as_str(), s.rate.rule.as_str());
            row.extend(s.rate.csv_fields());
            rows.push(row);
        }
        for rate in [
            &comparison.all_states,
            &comparison.cells,
            &comparison.regional,
        ] {
            let mut row = base(rate.rule.as_str(), rate.rule.as_str());
            row.extend(rate.csv_fields());
            rows.push(row);
        }
        let mean = &comparison.mean_of_states;
        let fraction = |r: Option<f64>| r.map(|r| r.to_string()).unwrap_or_default();
        let mut row = base("mean_of_states", mean.rule.as_str());
        row.extend(std::iter::repeat_n(String::new(), 8));
        row.extend([
            fraction(mean.completion_rate),
            fraction(mean.implementation_rate),
            fraction(mean.progress_index),
        ]);
        rows.push(row);
    };
    push("", "all measures", "", &c.overall);
    for r in &c.rows {
        push(
            &r.code,
            &r.title,
            c.level.as_deref().unwrap_or_default(),
            &r.comparison,
        );
    }
    let written = out
        .write_record(&header_row)
        .and_then(|()| rows.iter().try_for_each(|r| out.write_record(r)));
    let bytes = match written
        .map_err(|e| e.to_string())
        .and_then(|()| out.into_inner().map_err(|e| e.to_string()))
    {
        Ok(b) => b,
        Err(e) => return Problem::from(ServiceError::Render(e)).into_response(),
    };
    let name = format!(
        "compare-{}-{}{}.csv",
        c.framework.code,
        c.as_of,
        c.level
            .as_deref()
            .map(|l| format!("-per-{l}"))
            .unwrap_or_default()
    );
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/csv; charset=utf-8"),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}
