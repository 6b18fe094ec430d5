//! The report's executive summary (issue 19): given through the API's `POST …/report` or the
//! CLI's `report --summary FILE.md`, printed first in every format; the demo's illustrative
//! one on reports of illustrative figures that were given none; bad bodies refused.

use std::io::Read as _;

use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem, error_fields};

const REPORT: &str = "/api/v1/frameworks/ascc-strategic-plan/report";
const SUMMARY: &str = "## Our reading\n\nThe plan is **broadly on course**.\n\n\
                       - Follow up the late reports\n\n<script>alert(1)</script>\n";
/// The demo's illustrative summary opens with this.
const ILLUSTRATIVE: &str = "<strong>Illustrative executive summary.</strong>";

async fn post_report(app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
    app.post(path, None, body).await
}

#[tokio::test]
async fn a_report_asked_for_with_a_summary_prints_it_first_and_escapes_raw_html() {
    let app = TestApp::spawn().await;
    let before = app.stored_reports().await;

    let response = post_report(
        &app,
        REPORT,
        &json!({"format": "html", "as_of": "2026-09-30", "basis": "reported", "summary": SUMMARY}),
    )
    .await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains(
        "<h2 id=\"executive-summary-title\"><span class=\"number\">1</span>Executive summary</h2>"
    ));
    assert!(html.contains("<h3>Our reading</h3>"));
    assert!(html.contains("<p>The plan is <strong>broadly on course</strong>.</p>"));
    assert!(html.contains("<li>Follow up the late reports</li>"));
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("<span class=\"number\">2</span>Summary</h2>"));
    assert_eq!(app.stored_reports().await, before, "nothing is stored");

    // The GET of the same report, given no summary, has no such section.
    let plain = app.get(&format!("{REPORT}?as_of=2026-09-30")).await;
    assert!(!plain.text().await.unwrap().contains("Executive summary"));
}

#[tokio::test]
async fn a_pdf_asked_for_with_a_summary_holds_its_text() {
    let app = TestApp::spawn().await;

    let response = post_report(&app, REPORT, &json!({"format": "pdf", "summary": SUMMARY})).await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let pdf = response.bytes().await.unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    // Compared without spaces: pdf-extract puts one where the face changes (bold text is
    // drawn in a face of its own); poppler's pdftotext reads "is broadly on course.".
    let flat: String = text.split_whitespace().collect();
    for expected in [
        "Executive summary",
        "Our reading",
        "The plan is broadly on course.",
        "• Follow up the late reports",
    ] {
        let want: String = expected.split_whitespace().collect();
        assert!(flat.contains(&want), "{expected} not in the PDF: {text}");
    }
}

#[tokio::test]
async fn bad_report_bodies_are_refused_with_problems() {
    let app = TestApp::spawn().await;
    let too_long = "a".repeat(65_537);

    let long = post_report(
        &app,
        REPORT,
        &json!({"format": "html", "summary": too_long}),
    )
    .await;
    let format = post_report(&app, REPORT, &json!({"format": "xlsx"})).await;
    let missing = post_report(&app, REPORT, &json!({"summary": "Hello"})).await;
    let unknown = post_report(&app, REPORT, &json!({"format": "html", "colour": "blue"})).await;
    let date = post_report(
        &app,
        REPORT,
        &json!({"format": "html", "as_of": "2026-02-30"}),
    )
    .await;
    let basis = post_report(&app, REPORT, &json!({"format": "html", "basis": "guessed"})).await;
    let framework = post_report(
        &app,
        "/api/v1/frameworks/nope/report",
        &json!({"format": "html"}),
    )
    .await;
    let malformed = reqwest::Client::new()
        .post(format!("{}{REPORT}", app.base))
        .header("content-type", "application/json")
        .body("{\"format\": ")
        .send()
        .await
        .unwrap();

    let long = assert_problem(long, 422, "validation_failed").await;
    assert_eq!(error_fields(&long), ["summary"]);
    let format = assert_problem(format, 422, "validation_failed").await;
    assert_eq!(error_fields(&format), ["format"]);
    let missing = assert_problem(missing, 422, "validation_failed").await;
    assert_eq!(error_fields(&missing), ["format"]);
    let unknown = assert_problem(unknown, 422, "validation_failed").await;
    assert_eq!(error_fields(&unknown), ["colour"]);
    let date = assert_problem(date, 422, "validation_failed").await;
    assert_eq!(error_fields(&date), ["as_of"]);
    let basis = assert_problem(basis, 422, "validation_failed").await;
    assert_eq!(error_fields(&basis), ["basis"]);
    assert_problem(framework, 404, "unknown_framework").await;
    assert_problem(malformed, 400, "malformed_json").await;
}

#[tokio::test]
async fn the_demo_report_has_the_illustrative_summary_unless_given_its_own() {
    let app = TestApp::spawn_with_demo().await;

    let demo = app
        .get(&format!("{REPORT}?as_of=2026-09-30"))
        .await
        .text()
        .await
        .unwrap();
    let own = post_report(
        &app,
        REPORT,
        &json!({"format": "html", "as_of": "2026-09-30", "summary": SUMMARY}),
    )
    .await
    .text()
    .await
    .unwrap();

    assert!(demo.contains("<span class=\"number\">1</span>Executive summary</h2>"));
    assert!(demo.contains(ILLUSTRATIVE));
    assert!(demo.contains("<h3>Suggested next steps</h3>"));
    assert!(own.contains("<h3>Our reading</h3>"));
    assert!(!own.contains(ILLUSTRATIVE));
}

#[tokio::test]
async fn a_demo_edition_prints_the_illustrative_summary_and_re_renders_to_its_bytes() {
    use blueprint_tracker::report::bundle::Format;
    use blueprint_tracker::service::EditionRequest;
    let app = TestApp::spawn_with_demo().await;

    let edition = app
        .tracker
        .create_edition(
            None,
            "ascc-strategic-plan",
            &EditionRequest {
                title: "Demo review".into(),
                as_of: "2026-06-30".parse().unwrap(),
                basis: None,
            },
        )
        .await
        .unwrap();
    // A download re-renders the edition and answers only when the bytes are the frozen ones.
    let html = app
        .tracker
        .edition_file(edition.id, Format::Html)
        .await
        .unwrap();
    let pdf = app.tracker.edition_file(edition.id, Format::Pdf).await;

    let html = String::from_utf8(html.bytes).unwrap();
    assert!(html.contains(ILLUSTRATIVE));
    assert!(pdf.is_ok());
}

#[tokio::test]
async fn the_report_command_prints_the_summary_file_in_every_format() {
    let app = TestApp::spawn().await;
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("summary.md");
    std::fs::write(&file, SUMMARY).unwrap();

    crate::support::run_cli(
        &app.database_url,
        &[
            "report",
            "--framework",
            "ascc-strategic-plan",
            "--as-of",
            "2026-09-30",
            "--format",
            "html,pdf,docx",
            "--summary",
            file.to_str().unwrap(),
            "--out",
            out.path().to_str().unwrap(),
        ],
    );

    let stem = out.path().join("review-ascc-strategic-plan-2026-09-30");
    let html = std::fs::read_to_string(stem.with_extension("html")).unwrap();
    assert!(html.contains("<p>The plan is <strong>broadly on course</strong>.</p>"));
    let pdf = std::fs::read(stem.with_extension("pdf")).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let flat: String = text.split_whitespace().collect();
    assert!(flat.contains("Theplanisbroadlyoncourse."), "{text}");
    let docx = std::fs::read(stem.with_extension("docx")).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut document = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut document)
        .unwrap();
    assert!(document.contains("1. Executive summary"));
    assert!(document.contains(
        "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">broadly on course</w:t></w:r>"
    ));
}

#[tokio::test]
async fn the_report_command_refuses_a_summary_too_long_or_not_utf8_naming_the_file() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let long = dir.path().join("long.md");
    std::fs::write(&long, "a".repeat(64 * 1024 + 1)).unwrap();
    let latin1 = dir.path().join("latin1.md");
    std::fs::write(&latin1, b"Caf\xe9").unwrap();

    for (file, why) in [(&long, "longer than 64 KiB"), (&latin1, "not UTF-8")] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
            .args(["report", "--framework", "ascc-strategic-plan", "--summary"])
            .arg(file)
            .arg("--out")
            .arg(dir.path())
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();

        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains(&file.display().to_string()) && stderr.contains(why),
            "{stderr}"
        );
    }
    let written = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(written, 2, "no report written beside the two summaries");
}
