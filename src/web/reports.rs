//! Reports: choose a framework, a date, a basis and a format, and download the review report
//! (the API's report route does the work: this page only builds its address). The charts of
//! the report are linked one by one too.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::Session;
use super::browse::{default_framework, visible};
use super::layout::{
    Choice, Chrome, Pairs, Section, basis_choices, error_page, long_date, query_string, render,
    segment, service_error,
};
use crate::edge::AppState;
use crate::report::charts::Chart;
use crate::service::today;

/// The formats offered, with what each is for.
const FORMATS: [(&str, &str); 5] = [
    (
        "pdf",
        "PDF: the printable report, with charts and a methods note",
    ),
    (
        "docx",
        "Word: the same report as an editable document (headings, tables, charts)",
    ),
    (
        "html",
        "HTML: the same report as one web page, opened in the browser",
    ),
    ("csv", "CSV: the figures, for a spreadsheet"),
    ("json", "JSON: the figures, for software"),
];

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    chrome: Chrome,
    frameworks: Vec<Choice>,
    formats: Vec<Choice>,
    bases: Vec<Choice>,
    as_of: String,
    fw_title: String,
    as_of_long: String,
    links: Vec<(String, String)>,
    charts: Vec<(String, String)>,
}

/// The API address of a report or chart.
fn report_href(fw: &str, what: &str, params: &[(&str, String)]) -> String {
    format!(
        "/api/v1/frameworks/{}/{what}{}",
        segment(fw),
        query_string(params)
    )
}

pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Reports, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let as_of = match params.date("as_of") {
        Ok(d) => d.unwrap_or_else(today),
        Err(message) => return error_page(chrome, StatusCode::BAD_REQUEST, "Not a date", &message),
    };
    let basis = params.basis();
    let frameworks = match state.tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let fw = params
        .one("framework")
        .map_or_else(|| default_framework(&frameworks, as_of), str::to_owned);
    let Some(chosen) = frameworks.iter().find(|f| f.framework.code == fw) else {
        return service_error(chrome, crate::service::ServiceError::UnknownFramework(fw));
    };
    let format = params.one("format").unwrap_or("pdf");
    let common = [
        ("as_of", as_of.to_string()),
        ("basis", basis.as_str().to_owned()),
    ];
    let with_format = |f: &str| {
        let mut p = common.to_vec();
        p.push(("format", f.to_owned()));
        p
    };
    render(&ReportsPage {
        frameworks: frameworks
            .iter()
            .map(|f| {
                Choice::new(
                    f.framework.code.clone(),
                    f.framework.title.clone(),
                    f.framework.code == fw,
                )
            })
            .collect(),
        formats: FORMATS
            .iter()
            .map(|(value, label)| Choice::new(*value, *label, *value == format))
            .collect(),
        bases: basis_choices(basis),
        as_of: as_of.to_string(),
        fw_title: chosen.framework.title.clone(),
        as_of_long: long_date(as_of),
        links: FORMATS
            .iter()
            .map(|(f, label)| {
                (
                    report_href(&fw, "report", &with_format(f)),
                    (*label).split(':').next().unwrap_or_default().to_owned(),
                )
            })
            .collect(),
        charts: Chart::ALL
            .iter()
            .map(|c| {
                (
                    report_href(&fw, &format!("charts/{}.svg", c.name()), &common),
                    c.title().to_owned(),
                )
            })
            .collect(),
        chrome,
    })
}

/// `GET /reports/download?framework=&as_of=&basis=&format=`: to the API's report route.
pub async fn download(Session(session): Session, RawQuery(query): RawQuery) -> Response {
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let Some(fw) = params.one("framework") else {
        return error_page(
            Chrome::new(Section::Reports, session.as_ref()),
            StatusCode::BAD_REQUEST,
            "Choose a framework",
            "Choose the framework of the report.",
        );
    };
    let mut pairs = Vec::new();
    for name in ["as_of", "basis", "format"] {
        if let Some(v) = params.one(name) {
            pairs.push((name, v.to_owned()));
        }
    }
    Redirect::to(&report_href(fw, "report", &pairs)).into_response()
}
