//! The web pages over real HTTP (issue 6): every page answers with its key content, unknown
//! things are HTML 404 pages, recording needs a login, a form's errors appear next to their
//! fields and store nothing, a cross-site POST is refused, a focal point cannot record for
//! another state, the grid stores all or nothing, the comparison's CSV and the report download.

use blueprint_tracker::domain::Role;
use reqwest::Response;

use crate::support::{TestApp, assert_problem, browser, csrf_field};

const PASSWORD: &str = "correct horse battery staple";
const PLAN: &str = "ascc-strategic-plan";

/// A measure of the Strategic Plan, and another.
const MEASURE: &str = "1.1.1";
const OTHER_MEASURE: &str = "1.1.2";

async fn text(response: Response) -> String {
    response.text().await.expect("a body")
}

fn content_type(response: &Response) -> String {
    response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

impl TestApp {
    /// A logged-in account's session cookie and anti-forgery token.
    async fn web_login(&self, name: &str, role: Role, state: Option<&str>) -> (String, String) {
        self.account_with_password(name, role, state, PASSWORD)
            .await;
        let cookie = self.session(name, PASSWORD).await;
        let csrf = self.csrf(&cookie).await;
        (cookie, csrf)
    }

    /// `POST path` as a browser's form with a session cookie (no redirect followed).
    async fn post_form(&self, path: &str, cookie: &str, form: &[(&str, &str)]) -> Response {
        browser()
            .post(format!("{}{path}", self.base))
            .header("cookie", format!("bt_session={cookie}"))
            .form(form)
            .send()
            .await
            .expect("POST a form")
    }
}

/// The text of the element with this id (up to its first closing tag).
fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[start..];
    let open_end = rest.find('>')? + 1;
    let close = rest[open_end..].find("</p>")?;
    Some(rest[open_end..open_end + close].to_owned())
}

#[tokio::test]
async fn every_page_answers_with_its_figures_counts_and_rules() {
    let app = TestApp::spawn_with_demo().await;
    let pages: [(&str, &[&str]); 12] = [
        (
            "/?as_of=2026-09-30",
            &[
                "ASCC implementation dashboard",
                "Illustrative demo data",
                "ASEAN Socio-Cultural Community Strategic Plan",
                "ASEAN Socio-Cultural Community Blueprint 2025",
                "of 112 applicable measures under way or done",
                "rule: regional",
                "all_states",
                "mean_of_states",
                "Recently recorded",
                "/api/v1/frameworks/ascc-strategic-plan/charts/comparison.svg?as_of=2026-09-30",
            ],
        ),
        (
            "/frameworks",
            &["Frameworks", "Member states", "Viet Nam", "AMCA"],
        ),
        (
            "/frameworks/ascc-strategic-plan?scope=VNM&as_of=2026-09-30",
            &[
                "Viet Nam as of 2026-09-30",
                "rule: scope",
                "SG1 · ",
                "id=\"node-1.1.1\"",
            ],
        ),
        (
            "/frameworks/ascc-strategic-plan/measures/1.1.1?as_of=2026-09-30",
            &[
                "Status in every scope",
                "ASEAN (regional)",
                "Timor-Leste",
                "History",
                "Awaiting validation",
            ],
        ),
        (
            "/frameworks/ascc-blueprint-2025/measures/C.1.i",
            &["Activities under the nodes above it", "milestone"],
        ),
        ("/states", &["Member states", "Timor-Leste"]),
        (
            "/states/VNM?framework=ascc-strategic-plan&as_of=2026-09-30",
            &[
                "Viet Nam",
                "Progress per goal",
                "What is lagging",
                "mean of the 11 participating member states",
            ],
        ),
        ("/bodies", &["Sectoral bodies", "AMCA"]),
        (
            "/bodies/AMCA",
            &["ASEAN-Republic of Korea (ROK) Cultural Exchange Year 2017"],
        ),
        (
            "/compare?framework=ascc-strategic-plan&states=VNM&states=THA&as_of=2026-09-30",
            &[
                "Member states compared",
                "Thailand",
                "Viet Nam",
                "/compare/chart.svg?",
                "Download these figures (CSV)",
            ],
        ),
        (
            "/compare?framework=ascc-strategic-plan&states=VNM,THA&level=goal&as_of=2026-09-30",
            &["Implementation per goal", "SG12"],
        ),
        (
            "/reports",
            &[
                "Review reports",
                "Download the report",
                "format=pdf",
                "format=docx",
            ],
        ),
    ];
    for (path, needles) in pages {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(content_type(&response).starts_with("text/html"), "{path}");
        let html = text(response).await;
        for needle in needles {
            assert!(html.contains(needle), "{path} lacks {needle:?}");
        }
        assert!(html.contains("Skip to main content"), "{path}: a skip link");
        assert!(!html.contains("<script"), "{path}: no script");
    }

    let css = app.get("/assets/site.css").await;
    assert_eq!(css.status(), 200);
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(content_type(&css).starts_with("text/css"));
    assert!(text(css).await.contains("@media print"));

    let chart = app
        .get("/compare/chart.svg?framework=ascc-strategic-plan&states=VNM&level=goal")
        .await;
    assert_eq!(chart.status(), 200);
    assert_eq!(content_type(&chart), "image/svg+xml");
    assert!(text(chart).await.contains("Completion by member state"));
}

#[tokio::test]
async fn unknown_things_are_html_pages_that_say_so() {
    let app = TestApp::spawn().await;
    for path in [
        "/frameworks/nope",
        "/frameworks/ascc-strategic-plan/measures/9.9.9",
        "/bodies/NOPE",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(content_type(&response).starts_with("text/html"), "{path}");
        assert!(
            text(response).await.contains("<h1>Not found</h1>"),
            "{path}"
        );
    }
    let bad_date = app.get("/?as_of=yesterday").await;
    assert_eq!(bad_date.status(), 400);
    assert!(text(bad_date).await.contains("is not a date"));
    // A state that does not take part: said next to the states, not a crash.
    let response = app
        .get("/compare?framework=ascc-blueprint-2025&states=TLS&as_of=2025-06-30")
        .await;
    assert_eq!(response.status(), 422);
    let html = text(response).await;
    assert!(
        element_text(&html, "states-error").is_some_and(|e| e.contains("TLS does not participate")),
        "{html}"
    );
}

#[tokio::test]
async fn recording_needs_a_login_and_viewers_are_refused() {
    let app = TestApp::spawn().await;
    let response = browser()
        .get(format!("{}/record?framework={PLAN}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/login?next=%2Frecord%3Fframework%3Dascc-strategic-plan"
    );
    let (cookie, _) = app.web_login("reader", Role::Viewer, None).await;
    let page = app.get_with_session("/record", &cookie).await;
    assert_eq!(page.status(), 403);
    assert!(
        text(page)
            .await
            .contains("Viewer accounts read the figures")
    );
}

#[tokio::test]
async fn a_focal_point_is_offered_only_its_own_state() {
    let app = TestApp::spawn().await;
    let (cookie, _) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;

    let html = text(app.get_with_session("/record", &cookie).await).await;

    let scope = html
        .split("<select id=\"scope\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap();
    assert_eq!(scope.matches("<option").count(), 1, "{scope}");
    assert!(scope.contains(r#"value="VNM""#), "{scope}");
    assert!(html.contains(r#"<a href="/record" aria-current="page">Record</a>"#));
    let grid = app
        .get_with_session(&format!("/record/{PLAN}/grid?scope=THA"), &cookie)
        .await;
    assert_eq!(grid.status(), 403);
}

#[tokio::test]
async fn a_form_with_errors_shows_each_message_next_to_its_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (cookie, csrf) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;
    let before = app.stored_reports().await;

    let response = app
        .post_form(
            &format!("/record/{PLAN}"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("measure", ""),
                ("scope", "VNM"),
                ("status", "completed"),
                ("progress", "140"),
                ("effective_date", "2099-01-01"),
                ("evidence_url", "ftp://example.org/x"),
            ],
        )
        .await;

    assert_eq!(response.status(), 422);
    let html = text(response).await;
    assert!(html.contains("Nothing was recorded"), "{html}");
    let error = |id: &str| element_text(&html, id).unwrap_or_default();
    assert!(
        error("measure-error").contains("Choose a measure."),
        "{html}"
    );
    assert!(
        error("progress-error").contains("whole number of percent from 0 to 100"),
        "{html}"
    );
    assert!(
        error("effective_date-error").contains("2099-01-01"),
        "{html}"
    );
    assert!(
        error("evidence_url-error").contains("http:// or https://"),
        "{html}"
    );
    assert!(
        html.contains(r#"aria-describedby="progress-hint progress-error" aria-invalid="true""#)
    );
    // What was typed stays in the form.
    assert!(html.contains(r#"value="140""#));
    assert_eq!(app.stored_reports().await, before);
}

#[tokio::test]
async fn a_valid_form_records_and_shows_the_report_after_a_redirect() {
    let app = TestApp::spawn().await;
    let (cookie, csrf) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;
    let before = app.stored_reports().await;

    let response = app
        .post_form(
            &format!("/record/{PLAN}"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("measure", MEASURE),
                ("scope", "VNM"),
                ("status", "ongoing"),
                ("progress", "40"),
                ("effective_date", "2026-03-31"),
                ("note", "Decree drafted"),
                ("evidence_url", "https://example.org/decree.pdf"),
            ],
        )
        .await;

    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("/frameworks/{PLAN}/measures/{MEASURE}?recorded=")),
        "{location}"
    );
    assert_eq!(app.stored_reports().await, before + 1);
    let html = text(app.get_with_session(&location, &cookie).await).await;
    assert!(
        html.contains("<strong>Recorded.</strong> Viet Nam: Ongoing (40%), effective 2026-03-31"),
        "{html}"
    );
    assert!(html.contains("Decree drafted") && html.contains("https://example.org/decree.pdf"));
    // The dashboard shows it among the latest reports.
    let dashboard = text(app.get("/").await).await;
    assert!(dashboard.contains("by hanoi"), "{dashboard}");
}

#[tokio::test]
async fn a_cross_site_post_or_one_without_the_token_is_refused_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let (cookie, csrf) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;
    let form = [
        ("csrf", csrf.as_str()),
        ("measure", MEASURE),
        ("scope", "VNM"),
        ("status", "completed"),
        ("effective_date", "2026-03-31"),
    ];

    let cross_site = browser()
        .post(format!("{}/record/{PLAN}", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_problem(cross_site, 403, "cross_site_request").await;

    let other_origin = browser()
        .post(format!("{}/record/{PLAN}/grid", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .header("origin", "https://evil.example")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_problem(other_origin, 403, "cross_site_request").await;

    let no_token = app
        .post_form(&format!("/record/{PLAN}"), &cookie, &form[1..])
        .await;
    assert_problem(no_token, 403, "cross_site_request").await;

    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_focal_point_cannot_pick_another_state() {
    let app = TestApp::spawn().await;
    let (cookie, csrf) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;

    let response = app
        .post_form(
            &format!("/record/{PLAN}"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("measure", MEASURE),
                ("scope", "THA"),
                ("status", "completed"),
                ("effective_date", "2026-03-31"),
            ],
        )
        .await;

    assert_eq!(response.status(), 403);
    let html = text(response).await;
    assert!(
        element_text(&html, "scope-error")
            .is_some_and(|e| e.contains("focal point of VNM and cannot record status for THA")),
        "{html}"
    );
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn the_grid_stores_all_or_nothing_with_each_error_on_its_row() {
    let app = TestApp::spawn().await;
    let (cookie, csrf) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;
    let page = app
        .get_with_session(&format!("/record/{PLAN}/grid"), &cookie)
        .await;
    assert_eq!(page.status(), 200);
    let html = text(page).await;
    assert_eq!(csrf_field(&html), csrf);
    assert!(html.contains(r#"name="status.1.1.1""#));

    let status_1 = format!("status.{MEASURE}");
    let status_2 = format!("status.{OTHER_MEASURE}");
    let progress_2 = format!("progress.{OTHER_MEASURE}");
    let bad = app
        .post_form(
            &format!("/record/{PLAN}/grid"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("scope", "VNM"),
                ("effective_date", "2026-06-30"),
                (&status_1, "completed"),
                (&status_2, "ongoing"),
                (&progress_2, "140"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = text(bad).await;
    let row_error = element_text(&html, "error-1-1-2").unwrap_or_default();
    assert!(row_error.contains("whole number of percent"), "{html}");
    assert!(
        element_text(&html, "error-1-1-1").is_none(),
        "the good row has no error"
    );
    assert_eq!(
        app.stored_reports().await,
        0,
        "nothing of the bulk is stored"
    );

    let progress_ok = format!("progress.{OTHER_MEASURE}");
    let good = app
        .post_form(
            &format!("/record/{PLAN}/grid"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("scope", "VNM"),
                ("effective_date", "2026-06-30"),
                (&status_1, "completed"),
                (&status_2, "ongoing"),
                (&progress_ok, "60"),
            ],
        )
        .await;
    assert_eq!(good.status(), 303);
    let location = good.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(location, format!("/record/{PLAN}/grid?scope=VNM&saved=2"));
    assert_eq!(app.stored_reports().await, 2);
    let html = text(app.get_with_session(&location, &cookie).await).await;
    assert!(html.contains("Recorded 2 reports."));
    assert!(html.contains("Ongoing (60%)"));

    let empty = app
        .post_form(
            &format!("/record/{PLAN}/grid"),
            &cookie,
            &[
                ("csrf", &csrf),
                ("scope", "VNM"),
                ("effective_date", "2026-06-30"),
            ],
        )
        .await;
    assert_eq!(empty.status(), 422);
    assert!(
        text(empty)
            .await
            .contains("Choose a new status for at least one measure")
    );
    assert_eq!(app.stored_reports().await, 2);
}

#[tokio::test]
async fn the_comparison_downloads_as_csv_with_a_row_per_state_and_rule() {
    let app = TestApp::spawn_with_demo().await;
    let response = app
        .get("/compare/figures.csv?framework=ascc-strategic-plan&states=VNM&states=THA&as_of=2026-09-30")
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"compare-ascc-strategic-plan-2026-09-30.csv\""
    );
    let csv = text(response).await;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].starts_with(
            "framework,as_of,basis,level,node,node_title,row,rule,measures,applicable"
        )
    );
    let rows: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split(',').nth(6).unwrap_or_default())
        .collect();
    assert_eq!(
        rows,
        [
            "THA",
            "VNM",
            "all_states",
            "cells",
            "regional",
            "mean_of_states"
        ]
    );
    // The figures are the API's.
    let api = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/compare?states=VNM,THA&as_of=2026-09-30")
        .await;
    let vnm = lines[2].split(',').collect::<Vec<_>>();
    assert_eq!(vnm[9], api["states"][1]["applicable"].to_string());
    assert_eq!(vnm[10], api["states"][1]["completed"].to_string());
}

#[tokio::test]
async fn the_report_download_goes_to_the_api_report() {
    let app = TestApp::spawn().await;
    let response = browser()
        .get(format!(
            "{}/reports/download?framework={PLAN}&as_of=2026-09-30&basis=validated&format=pdf",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&basis=validated&format=pdf"
    );
}

/// The reports page's form, as a browser posts it (its lines end in CR LF).
fn report_form<'a>(format: &'a str, summary: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("framework", PLAN),
        ("as_of", "2026-09-30"),
        ("basis", "reported"),
        ("format", format),
        ("summary", summary),
    ]
}

const WEB_SUMMARY: &str = "## Our reading\r\n\r\nThe plan is **broadly on course**.\r\n";

#[tokio::test]
async fn the_reports_form_carries_an_executive_summary_into_the_report() {
    let app = TestApp::spawn_with_demo().await;
    let page = text(app.get("/reports?framework=ascc-strategic-plan").await).await;
    assert!(page.contains("<form class=\"card\" method=\"post\" action=\"/reports/download\">"));
    assert!(page.contains("<textarea id=\"summary\" name=\"summary\""));

    // Without a summary: on to the API's address, as the GET goes.
    let plain = app
        .post_form("/reports/download", "", &report_form("pdf", " \r\n"))
        .await;
    assert_eq!(plain.status(), 303);
    assert_eq!(
        plain.headers()["location"],
        "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30&basis=reported&format=pdf"
    );

    // With one: the report itself, the summary as its section 1.
    let html = app
        .post_form("/reports/download", "", &report_form("html", WEB_SUMMARY))
        .await;
    assert_eq!(html.status(), 200);
    assert!(content_type(&html).starts_with("text/html"));
    assert_eq!(
        html.headers()["content-disposition"],
        "inline; filename=\"review-ascc-strategic-plan-2026-09-30.html\""
    );
    let html = text(html).await;
    assert!(html.contains("<h3>Our reading</h3>"));
    assert!(html.contains("<p>The plan is <strong>broadly on course</strong>.</p>"));
    // The demo's illustrative summary gives way to the one typed in.
    assert!(!html.contains("Illustrative executive summary."));

    let docx = app
        .post_form("/reports/download", "", &report_form("docx", WEB_SUMMARY))
        .await;
    assert_eq!(docx.status(), 200);
    assert_eq!(
        docx.headers()["content-disposition"],
        "attachment; filename=\"review-ascc-strategic-plan-2026-09-30.docx\""
    );
    let bytes = docx.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("word/document.xml").unwrap(),
        &mut document,
    )
    .unwrap();
    assert!(document.contains("broadly on course"));

    // Too long: the form again, the text kept, the problem beside it, nothing rendered.
    let long = format!("Too long. {}", "a".repeat(65_536));
    let refused = app
        .post_form("/reports/download", "", &report_form("pdf", &long))
        .await;
    assert_eq!(refused.status(), 422);
    let page = text(refused).await;
    assert!(page.contains("aria-invalid=\"true\">Too long. aaaa"));
    assert!(page.contains("No report was made: please correct this"));
    assert_eq!(
        element_text(&page, "summary-error").as_deref(),
        Some(
            "<span class=\"visually-hidden\">Error:</span> The summary has 65,546 characters; \
             it may have at most 65,536 (a few pages). Shorten it, or add the rest to the Word \
             document."
        )
    );
}

#[tokio::test]
async fn a_private_servers_reports_form_asks_for_a_login_first() {
    let app = TestApp::spawn_with_settings(blueprint_tracker::service::Settings {
        private: true,
        ..blueprint_tracker::service::Settings::default()
    })
    .await;
    let anonymous = app
        .post_form("/reports/download", "", &report_form("html", WEB_SUMMARY))
        .await;
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/login?next=%2Freports");

    let (cookie, _) = app.web_login("reader", Role::Viewer, None).await;
    let read = app
        .post_form(
            "/reports/download",
            &cookie,
            &report_form("html", WEB_SUMMARY),
        )
        .await;
    assert_eq!(read.status(), 200);
    assert!(text(read).await.contains("broadly on course"));
}

#[tokio::test]
async fn a_private_server_sends_a_browser_to_the_login_and_still_styles_it() {
    let app = TestApp::spawn_with_settings(blueprint_tracker::service::Settings {
        private: true,
        ..blueprint_tracker::service::Settings::default()
    })
    .await;
    let page = browser()
        .get(format!("{}/states/VNM?as_of=2026-09-30", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 303);
    assert_eq!(
        page.headers()["location"],
        "/login?next=%2Fstates%2FVNM%3Fas_of%3D2026-09-30"
    );
    assert_eq!(app.get("/assets/site.css").await.status(), 200);
    assert_problem(app.get("/api/v1/frameworks").await, 401, "unauthenticated").await;
    let (cookie, _) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;
    assert_eq!(
        app.get_with_session("/states/VNM", &cookie).await.status(),
        200
    );
}

#[tokio::test]
async fn the_grid_reports_every_bad_row_in_one_round_and_takes_completed_at_100_percent() {
    let app = TestApp::spawn().await;
    let (cookie, csrf) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;
    let grid = format!("/record/{PLAN}/grid");
    let bad = app
        .post_form(
            &grid,
            &cookie,
            &[
                ("csrf", &csrf),
                ("scope", "VNM"),
                ("effective_date", "2026-06-30"),
                // a percent but no status
                ("progress.1.1.1", "30"),
                // a percent out of range
                ("status.1.1.2", "ongoing"),
                ("progress.1.1.2", "140"),
                // completed at 100%: accepted
                ("status.1.1.3", "completed"),
                ("progress.1.1.3", "100"),
                // completed at 40%: contradictory
                ("status.1.1.4", "completed"),
                ("progress.1.1.4", "40"),
            ],
        )
        .await;
    assert_eq!(bad.status(), 422);
    let html = text(bad).await;
    let error = |id: &str| element_text(&html, id).unwrap_or_default();
    assert!(
        error("error-1-1-1").contains("Choose a new status"),
        "{html}"
    );
    assert!(
        error("error-1-1-2").contains("whole number of percent"),
        "{html}"
    );
    assert!(!error("error-1-1-4").is_empty(), "{html}");
    assert!(
        element_text(&html, "error-1-1-3").is_none(),
        "completed at 100% is no error: {html}"
    );
    assert_eq!(app.stored_reports().await, 0, "nothing is stored");

    let good = app
        .post_form(
            &grid,
            &cookie,
            &[
                ("csrf", &csrf),
                ("scope", "VNM"),
                ("effective_date", "2026-06-30"),
                ("status.1.1.3", "completed"),
                ("progress.1.1.3", "100"),
            ],
        )
        .await;
    assert_eq!(good.status(), 303);
    assert_eq!(app.stored_reports().await, 1);
    let history = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/measures/1.1.3/history?scope=VNM"
        ))
        .await;
    let report = &history["reports"][0];
    assert_eq!(report["status"], "completed", "{history}");
    assert!(
        report["progress"].is_null(),
        "no percent is stored: {history}"
    );
}

#[tokio::test]
async fn an_unknown_state_code_on_a_page_says_unknown_state() {
    let app = TestApp::spawn().await;
    for path in [
        format!("/frameworks/{PLAN}?scope=XXX"),
        "/states/XXX".to_owned(),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 404, "{path}");
        let html = text(response).await;
        assert!(html.contains("Unknown state"), "{path}: {html}");
        assert!(!html.contains("does not participate"), "{path}: {html}");
    }
    // A member state that does not participate on the date still says so.
    let html = text(
        app.get(&format!("/frameworks/{PLAN}?scope=TLS&as_of=2025-01-01"))
            .await,
    )
    .await;
    assert!(html.contains("does not participate"), "{html}");
}

/// The member states in the order ASEAN lists them.
const ASEAN_ORDER: [&str; 11] = [
    "BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "TLS", "VNM",
];

/// The state codes that follow `prefix` in `html`, in order, cut into lists where a code
/// comes again.
fn state_lists(html: &str, prefix: &str) -> Vec<Vec<String>> {
    let mut lists: Vec<Vec<String>> = vec![Vec::new()];
    for (at, _) in html.match_indices(prefix) {
        let code = &html[at + prefix.len()..];
        let Some(code) = code.get(..3) else { continue };
        if !ASEAN_ORDER.contains(&code) {
            continue;
        }
        let current = lists.last_mut().unwrap();
        if current.iter().any(|c| c == code) {
            lists.push(vec![code.to_owned()]);
        } else {
            current.push(code.to_owned());
        }
    }
    lists.retain(|l| l.len() >= 3);
    lists
}

fn assert_in_asean_order(path: &str, html: &str, prefix: &str) {
    let lists = state_lists(html, prefix);
    assert!(
        !lists.is_empty(),
        "{path}: no list of states after {prefix}"
    );
    for list in lists {
        let mut expected = list.clone();
        expected.sort_by_key(|c| ASEAN_ORDER.iter().position(|a| a == c));
        assert_eq!(list, expected, "{path}: states listed after {prefix}");
    }
}

#[tokio::test]
async fn member_states_are_listed_by_name_in_aseans_order_on_every_page() {
    let app = TestApp::spawn_with_demo().await;
    let (cookie, _) = app.web_login("asec", Role::Secretariat, None).await;
    let pages = [
        ("/?as_of=2026-09-30", "href=\"/states/"),
        ("/frameworks", "href=\"/states/"),
        ("/states", "href=\"/states/"),
        (
            "/frameworks/ascc-strategic-plan?as_of=2026-09-30",
            "option value=\"",
        ),
        (
            "/frameworks/ascc-strategic-plan/measures/1.1.1?as_of=2026-09-30",
            "href=\"/states/",
        ),
        (
            "/compare?framework=ascc-strategic-plan&as_of=2026-09-30",
            "value=\"",
        ),
        (
            "/compare?framework=ascc-strategic-plan&as_of=2026-09-30",
            "<span class=\"count\">",
        ),
        (
            "/compare?framework=ascc-strategic-plan&level=goal&as_of=2026-09-30",
            "id=\"col-",
        ),
        ("/record", "option value=\""),
        ("/record/ascc-strategic-plan/grid", "option value=\""),
    ];
    for (path, prefix) in pages {
        let response = app.get_with_session(path, &cookie).await;
        assert_eq!(response.status(), 200, "{path}");
        let html = text(response).await;
        assert_in_asean_order(path, &html, prefix);
    }
    // By name, not by code: the level table's columns are headed by the states' names.
    let html = text(
        app.get("/compare?framework=ascc-strategic-plan&level=goal&as_of=2026-09-30")
            .await,
    )
    .await;
    assert!(html.contains(">Brunei Darussalam</th>"), "{html}");
}

#[tokio::test]
async fn an_as_of_date_outside_the_period_or_in_the_future_is_said_so_on_the_page() {
    let app = TestApp::spawn_with_demo().await;
    let notice = "About this date:";
    let future = (chrono::Utc::now().date_naive() + chrono::Days::new(400)).to_string();
    let cases = [
        (
            format!("/frameworks/{PLAN}?as_of={future}"),
            "is in the future",
        ),
        (
            format!("/frameworks/{PLAN}?as_of=2025-06-30"),
            "before the ASEAN Socio-Cultural Community Strategic Plan began on 2026-01-01",
        ),
        (
            "/frameworks/ascc-blueprint-2025?as_of=2026-09-30".to_owned(),
            "after the ASEAN Socio-Cultural Community Blueprint 2025 ended on 2025-12-31",
        ),
        (
            format!("/frameworks/{PLAN}/measures/1.1.1?as_of={future}"),
            "is in the future",
        ),
        (
            format!("/states/VNM?framework={PLAN}&as_of=2025-06-30"),
            "before the",
        ),
        (
            format!("/compare?framework={PLAN}&as_of={future}"),
            "is in the future",
        ),
        (format!("/?as_of={future}"), "is in the future"),
    ];
    for (path, says) in &cases {
        let response = app.get(path).await;
        assert_eq!(
            response.status(),
            200,
            "a notice, not an error page: {path}"
        );
        let html = text(response).await;
        assert!(html.contains(notice), "{path}: {html}");
        assert!(html.contains(says), "{path}: {says}");
    }
    // Inside the period, today or earlier: no notice.
    let html = text(
        app.get(&format!("/frameworks/{PLAN}?as_of=2026-09-30"))
            .await,
    )
    .await;
    assert!(!html.contains(notice), "{html}");
}

#[tokio::test]
async fn the_record_form_shows_the_lock_in_force_and_a_refusal_written_for_a_person() {
    let app = TestApp::spawn().await;
    let secretariat = app.token("asec", Role::Secretariat, None).await;
    let (cookie, csrf) = app.web_login("hanoi", Role::FocalPoint, Some("VNM")).await;
    let form = format!("/record/{PLAN}");
    let page = format!("/record?framework={PLAN}");
    let html = text(app.get_with_session(&page, &cookie).await).await;
    assert!(html.contains("id=\"effective_date\""), "{html}");
    assert!(
        element_text(&html, "effective_date-lock").is_none(),
        "no lock yet"
    );

    let response = app
        .post(
            &format!("/api/v1/frameworks/{PLAN}/locks"),
            Some(&secretariat),
            &serde_json::json!({"until": "2026-06-30"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    for path in [page, format!("/record/{PLAN}/grid")] {
        let html = text(app.get_with_session(&path, &cookie).await).await;
        let lock = element_text(&html, "effective_date-lock").unwrap_or_default();
        assert!(
            lock.starts_with("Statuses effective on or before 30 June 2026 are locked"),
            "{path}: {html}"
        );
    }

    let refused = app
        .post_form(
            &form,
            &cookie,
            &[
                ("csrf", &csrf),
                ("measure", MEASURE),
                ("scope", "VNM"),
                ("status", "ongoing"),
                ("progress", "40"),
                ("effective_date", "2026-03-31"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 409);
    let html = text(refused).await;
    let error = element_text(&html, "effective_date-error").unwrap_or_default();
    assert!(
        error.contains("Statuses effective on or before 30 June 2026 are locked")
            && error.contains("Choose a later effective date"),
        "{html}"
    );
    for jargon in ["override_lock", "lock 1", "(lock "] {
        assert!(!error.contains(jargon), "{jargon}: {error}");
    }
    assert_eq!(app.stored_reports().await, 0);
}
