//! Review reports over HTTP and from the CLI: the formats, their content, and bad parameters.

use serde_json::Value;

use crate::support::{TestApp, assert_problem};

const REPORT: &str = "/api/v1/frameworks/ascc-strategic-plan/report";

#[tokio::test]
async fn the_report_is_served_in_each_format_with_its_media_type() {
    let app = TestApp::spawn_with_demo().await;

    let html = app.get(&format!("{REPORT}?as_of=2026-09-30")).await;
    let pdf = app
        .get(&format!("{REPORT}?as_of=2026-09-30&format=pdf"))
        .await;
    let json = app
        .get(&format!("{REPORT}?as_of=2026-09-30&format=json"))
        .await;
    let csv = app
        .get(&format!("{REPORT}?as_of=2026-09-30&format=csv"))
        .await;

    assert_eq!(html.headers()["content-type"], "text/html; charset=utf-8");
    let html = html.text().await.unwrap();
    assert!(html.contains("ASEAN Socio-Cultural Community Strategic Plan"));
    assert_eq!(html.matches("<svg").count(), 5, "five inline charts");
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(
        pdf.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("review-ascc-strategic-plan-2026-09-30.pdf")
    );
    let pdf = pdf.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let data: Value = json.json().await.unwrap();
    assert_eq!(data["as_of"], "2026-09-30");
    assert_eq!(data["overall"]["measures"], 112);
    assert_eq!(data["comparison"]["states"].as_array().unwrap().len(), 11);
    assert!(csv.text().await.unwrap().starts_with("section,"));
}

#[tokio::test]
async fn the_pdf_states_the_summary_figures_as_text() {
    let app = TestApp::spawn_with_demo().await;
    let data: Value = app
        .get_json(&format!("{REPORT}?as_of=2026-09-30&format=json"))
        .await;

    let pdf = app
        .get(&format!("{REPORT}?as_of=2026-09-30&format=pdf"))
        .await
        .bytes()
        .await
        .unwrap();

    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let o = &data["overall"];
    let count = |k: &str| o[k].as_u64().unwrap();
    let completion =
        blueprint_tracker::engine::percent(count("completed"), count("applicable")).unwrap();
    let implementation = blueprint_tracker::engine::percent(
        count("completed") + count("ongoing"),
        count("applicable"),
    )
    .unwrap();
    for expected in [
        "ASEAN Socio-Cultural Community Strategic Plan",
        "30 September 2026",
        completion.as_str(),
        implementation.as_str(),
    ] {
        assert!(text.contains(expected), "the PDF says {expected}");
    }
}

#[tokio::test]
async fn every_chart_is_served_as_svg_and_png() {
    let app = TestApp::spawn_with_demo().await;
    for name in ["rates", "comparison", "distribution", "timeline", "heatmap"] {
        let base = format!("/api/v1/frameworks/ascc-blueprint-2025/charts/{name}");

        let svg = app.get(&format!("{base}.svg?as_of=2025-12-31")).await;
        let png = app.get(&format!("{base}.png?as_of=2025-12-31")).await;

        assert_eq!(svg.headers()["content-type"], "image/svg+xml");
        let svg = svg.text().await.unwrap();
        assert!(
            svg.starts_with("<svg") && svg.contains("2025-12-31"),
            "{name}"
        );
        assert_eq!(png.headers()["content-type"], "image/png");
        assert!(png.bytes().await.unwrap().starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}

#[tokio::test]
async fn bad_report_parameters_are_answered_4xx() {
    let app = TestApp::spawn().await;

    let format = app.get(&format!("{REPORT}?format=xlsx")).await;
    let date = app.get(&format!("{REPORT}?as_of=2026-02-30")).await;
    let framework = app.get("/api/v1/frameworks/nope/report").await;
    let chart = app
        .get("/api/v1/frameworks/ascc-strategic-plan/charts/pie.svg")
        .await;
    let extension = app
        .get("/api/v1/frameworks/ascc-strategic-plan/charts/rates.gif")
        .await;

    assert_problem(format, 400, "invalid_query").await;
    assert_problem(date, 400, "invalid_query").await;
    assert_problem(framework, 404, "unknown_framework").await;
    assert_problem(chart, 404, "unknown_chart").await;
    assert_problem(extension, 404, "unknown_chart").await;
}

#[tokio::test]
async fn the_report_command_writes_the_files_asked_for() {
    let app = TestApp::spawn_with_demo().await;
    let out = tempfile::tempdir().unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args([
            "report",
            "--framework",
            "ascc-blueprint-2025",
            "--as-of",
            "2025-12-31",
            "--format",
            "html,pdf,png",
            "--out",
        ])
        .arg(out.path())
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let stem = "review-ascc-blueprint-2025-2025-12-31";
    assert_eq!(
        names,
        [
            format!("{stem}-comparison.png"),
            format!("{stem}-distribution.png"),
            format!("{stem}-heatmap.png"),
            format!("{stem}-rates.png"),
            format!("{stem}-timeline.png"),
            format!("{stem}.html"),
            format!("{stem}.pdf"),
        ]
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 7, "one line per file written");
}

/// The snapshot test of the reports: the examples in `reports/examples/` (HTML with its inline
/// SVG charts, PDF, CSV, JSON, PNG) are exactly what the code renders from the demo data.
#[tokio::test]
async fn the_committed_examples_are_what_the_code_renders() {
    let app = TestApp::spawn_with_demo().await;
    let out = tempfile::tempdir().unwrap();
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reports/examples");

    for (framework, as_of) in [
        ("ascc-blueprint-2025", "2025-12-31"),
        ("ascc-strategic-plan", "2026-09-30"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
            .args(["report", "--framework", framework, "--as-of", as_of])
            .args(["--format", "html,pdf,csv,json,png"])
            .args(["--generated-at", "2026-10-01T00:00:00Z", "--out"])
            .arg(out.path())
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap();
        assert!(output.status.success());
    }

    let mut rendered: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    rendered.sort();
    let mut committed: Vec<_> = std::fs::read_dir(&examples)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    committed.sort();
    assert_eq!(rendered, committed, "the same files");
    for name in rendered {
        let new = std::fs::read(out.path().join(&name)).unwrap();
        let old = std::fs::read(examples.join(&name)).unwrap();
        assert!(
            new == old,
            "{} drifted from what the code renders: run reports/regenerate.sh and commit",
            name.to_string_lossy()
        );
    }
}
