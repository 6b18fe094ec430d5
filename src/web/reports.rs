//! Reports: choose a framework, a date, a basis and a format, and download the review report
//! (the API's report route does the work: this page only builds its address). The charts of
//! the report are linked one by one too.
//!
//! The form is posted, so that it can carry an executive summary (Markdown, as the API's
//! `POST …/report` takes it): without one the browser is sent on to the API's address; with
//! one this handler renders the report itself, for whoever may read (a private server's
//! anonymous visitor goes to the login first). It stores nothing, so it asks for no
//! anti-forgery token: a forged post only hands a report to the browser that sent it. A summary
//! over the limit brings the form back with the text kept and the problem beside it.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::Session;
use super::browse::{default_framework, visible};
use super::layout::{
    Choice, Chrome, Pairs, Section, basis_choices, error_page, file_response, long_date,
    query_string, render, segment, service_error,
};
use crate::domain::Action;
use crate::edge::AppState;
use crate::report::bundle::Format;
use crate::report::charts::Chart;
use crate::report::summary::MAX_CHARS;
use crate::service::{now, today};

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
    /// The executive summary typed in (kept when the form comes back).
    summary: String,
    /// What is wrong with the summary, if anything.
    summary_error: String,
    /// The summary's limit, written out ("65,536").
    max_chars: String,
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
    reports_page(&state, chrome, &params, String::new(), String::new()).await
}

/// The page for the choices in `params`, with `summary` in its box and `summary_error` beside
/// it (422 when there is one).
async fn reports_page(
    state: &AppState,
    chrome: Chrome,
    params: &Pairs,
    summary: String,
    summary_error: String,
) -> Response {
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
    let invalid = !summary_error.is_empty();
    let page = render(&ReportsPage {
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
        summary,
        summary_error,
        max_chars: crate::report::html::count(MAX_CHARS as u64),
        chrome,
    });
    if invalid {
        (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
    } else {
        page
    }
}

/// `GET /reports/download?framework=&as_of=&basis=&format=`: to the API's report route.
pub async fn download(Session(session): Session, RawQuery(query): RawQuery) -> Response {
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    to_the_api(&params, Chrome::new(Section::Reports, session.as_ref()))
}

/// A redirect to the API's report route for the choices in `params`.
fn to_the_api(params: &Pairs, chrome: Chrome) -> Response {
    let Some(fw) = params.one("framework") else {
        return error_page(
            chrome,
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

/// `POST /reports/download` (a form: framework, as_of, basis, format, summary): without a
/// summary, on to the API's address as the `GET` goes; with one, the report rendered here
/// with the summary as its section 1.
pub async fn download_with_summary(
    State(state): State<AppState>,
    Session(session): Session,
    body: Bytes,
) -> Response {
    let form = Pairs::parse(&String::from_utf8_lossy(&body));
    let chrome = Chrome::new(Section::Reports, session.as_ref());
    // Who may read, as a private server's pages ask (the check of private reads sees only
    // GETs): an anonymous visitor logs in first, and comes back to the form.
    let reader = session.as_ref().map(|s| s.user.clone());
    if let Err(e) = state.tracker.authorize(reader.as_ref(), Action::Read) {
        if reader.is_none() {
            return Redirect::to("/login?next=%2Freports").into_response();
        }
        return service_error(chrome, e);
    }
    let summary = form
        .raw("summary")
        .unwrap_or_default()
        .replace("\r\n", "\n");
    if summary.trim().is_empty() {
        return to_the_api(&form, chrome);
    }
    let chars = summary.chars().count();
    if chars > MAX_CHARS {
        let message = format!(
            "The summary has {} characters; it may have at most {} (a few pages). Shorten it, \
             or add the rest to the Word document.",
            crate::report::html::count(chars as u64),
            crate::report::html::count(MAX_CHARS as u64),
        );
        return reports_page(&state, chrome, &form, summary, message).await;
    }
    let Some(fw) = form.one("framework") else {
        return error_page(
            chrome,
            StatusCode::BAD_REQUEST,
            "Choose a framework",
            "Choose the framework of the report.",
        );
    };
    let as_of = match form.date("as_of") {
        Ok(d) => d.unwrap_or_else(today),
        Err(message) => return error_page(chrome, StatusCode::BAD_REQUEST, "Not a date", &message),
    };
    // One of the page's formats (a chart's PNG or SVG is linked on its own).
    let name = form.one("format").unwrap_or("pdf");
    let Some(format) = FORMATS
        .iter()
        .find(|(f, _)| *f == name)
        .and_then(|(f, _)| f.parse::<Format>().ok())
    else {
        return error_page(
            chrome,
            StatusCode::BAD_REQUEST,
            "Not a report format",
            &format!("“{name}” is not a report format: choose PDF, Word, HTML, CSV or JSON."),
        );
    };
    let front = crate::report::Front {
        summary: Some(summary),
        ..state.tracker.front().clone()
    };
    let files = state
        .tracker
        .report_files(fw, as_of, None, form.basis(), now(), vec![format], front)
        .await;
    let file = match files.map(|mut f| f.pop()) {
        Ok(Some(file)) => file,
        Ok(None) => {
            return service_error(
                chrome,
                crate::service::ServiceError::Render("no file rendered".into()),
            );
        }
        Err(e) => return service_error(chrome, e),
    };
    // HTML and JSON open in the browser, as the API's route gives them.
    file_response(file, matches!(format, Format::Html | Format::Json))
}
