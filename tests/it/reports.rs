//! Review reports over HTTP and from the CLI: the formats, their content, and bad parameters.

use reqwest::Method;
use serde_json::{Value, json};

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
    assert_eq!(
        html.matches("<svg").count(),
        11,
        "seven charts and the trends of the four indicators furthest behind"
    );
    assert_eq!(
        html.matches(": trend in ASEAN&#39;s own figures").count(),
        4
    );
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
    for name in [
        "rates",
        "comparison",
        "distribution",
        "timeline",
        "heatmap",
        "indicator-snapshot",
        "indicator-classes",
    ] {
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
            "--org-name",
            "ASEAN Secretariat",
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
            format!("{stem}-indicator-classes.png"),
            format!("{stem}-indicator-snapshot.png"),
            format!("{stem}-rates.png"),
            format!("{stem}-timeline.png"),
            format!("{stem}.html"),
            format!("{stem}.pdf"),
        ]
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 9, "one line per file written");
    let html = std::fs::read_to_string(out.path().join(format!("{stem}.html"))).unwrap();
    assert!(html.contains("<dt>Issued by</dt><dd>ASEAN Secretariat</dd>"));
}

#[tokio::test]
async fn the_charts_command_draws_the_indicator_charts_and_trends_from_a_reports_json() {
    let app = TestApp::spawn_with_demo().await;
    let out = tempfile::tempdir().unwrap();
    let json = app
        .get(&format!("{REPORT}?as_of=2030-12-31&format=json"))
        .await
        .bytes()
        .await
        .unwrap();
    let data = out.path().join("review.json");
    std::fs::write(&data, &json).unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args([
            "charts",
            "--format",
            "svg",
            "--indicator",
            "DEMO-SG1-1",
            "--data",
        ])
        .arg(&data)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stem = "review-ascc-strategic-plan-2030-12-31";
    let trend =
        std::fs::read_to_string(out.path().join(format!("{stem}-trend-DEMO-SG1-1.svg"))).unwrap();
    assert!(trend.contains("DEMO-SG1-1") && trend.contains("Class: "));
    let matrix =
        std::fs::read_to_string(out.path().join(format!("{stem}-indicator-classes.svg"))).unwrap();
    assert!(matrix.contains("<title>Indicators: progress class by scope: 24 indicators"));
    assert!(
        out.path()
            .join(format!("{stem}-indicator-snapshot.svg"))
            .exists()
    );

    let unknown = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["charts", "--indicator", "NOPE", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no indicator `NOPE`"));
}

/// The snapshot test of the reports: the examples in `reports/examples/` (HTML with its inline
/// SVG charts, PDF, DOCX, CSV, JSON, PNG) are exactly what the code renders from the demo data.
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
            .args(["--format", "html,pdf,docx,csv,json,png"])
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

fn close(actual: &Value, expected: f64) {
    let actual = actual.as_f64().unwrap_or(f64::NAN);
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} is not {expected}"
    );
}

/// DESIGN.md §2b's worked example as ASEAN's figures (baseline 2025 50, target 2030 80, 53 in
/// 2026, 55 in 2027), and Viet Nam at 56 then 62 towards the same target.
#[tokio::test]
async fn the_report_has_the_indicators_section_with_the_worked_example_figures() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let sp = "/api/v1/frameworks/ascc-strategic-plan";
    let post = |token: String, path: &'static str, body: Value| {
        let app = &app;
        async move {
            let response = app
                .send(
                    Method::POST,
                    &format!("{sp}{path}"),
                    Some(&token),
                    Some(&body),
                )
                .await;
            assert_eq!(response.status(), 201, "POST {path} {body}");
        }
    };
    post(
        t.secretariat.clone(),
        "/indicators",
        json!({"code": "KPI-1", "title": "Households with broadband access", "unit": "%",
               "direction": "increase", "node": "1.1.2", "decimals": 1}),
    )
    .await;
    for (token, scope) in [(&t.secretariat, "ASEAN"), (&t.vnm, "VNM")] {
        post(
            token.clone(),
            "/indicators/KPI-1/targets",
            json!({"scope": scope, "baseline_year": 2025, "baseline_value": 50.0,
                   "target_year": 2030, "target_value": 80.0}),
        )
        .await;
    }
    let observe = |scope: &str, year: i32, value: f64| json!({"indicator": "KPI-1", "scope": scope, "year": year, "value": value});
    post(
        t.secretariat.clone(),
        "/observations",
        json!({"observations": [observe("ASEAN", 2026, 53.0), observe("ASEAN", 2027, 55.0)]}),
    )
    .await;
    post(
        t.vnm.clone(),
        "/observations",
        json!({"observations": [observe("VNM", 2026, 56.0), observe("VNM", 2027, 62.0)]}),
    )
    .await;

    let data: Value = app
        .get_json(&format!("{REPORT}?as_of=2027-12-31&format=json"))
        .await;
    let html = app
        .get(&format!("{REPORT}?as_of=2027-12-31"))
        .await
        .text()
        .await
        .unwrap();

    let section = &data["indicators"];
    assert_eq!(section["scopes"][0], "ASEAN");
    let line = &section["indicators"][0];
    assert_eq!(section["indicators"].as_array().unwrap().len(), 1);
    assert_eq!(
        (&line["code"], &line["node"]),
        (&json!("KPI-1"), &json!("1.1.2"))
    );
    let r = &line["regional"];
    assert_eq!(r["baseline"], json!({"year": 2025, "value": 50.0}));
    assert_eq!(r["target"], json!({"year": 2030, "value": 80.0}));
    assert_eq!(r["latest"], json!({"year": 2027, "value": 55.0}));
    close(&r["current_status"], 5.0 / 30.0);
    close(&r["expected"], 0.4);
    close(&r["anticipated_value"], 62.3);
    close(&r["anticipated_progress"], 12.3 / 30.0);
    assert_eq!(r["class"], "needs_acceleration");
    // Viet Nam: (62 − 50) / 30 = 0.4, the only state with a current status.
    close(&line["mean_of_states"]["current_status"], 0.4);
    assert_eq!(line["mean_of_states"]["states"], 1);
    let scopes = section["scopes"].as_array().unwrap();
    let vnm = scopes.iter().position(|s| s == "VNM").unwrap();
    // VNM's fit: weights 1, 2, 3 over 50, 56, 62 — a straight line, 6 a year: 80 by 2030.
    assert_eq!(line["classes"][vnm], "on_track");
    assert_eq!(line["classes"][0], "needs_acceleration");
    let goal = section["goals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["regional"]["indicators"] == 1)
        .unwrap();
    assert_eq!(line["goal"], goal["code"]);
    close(&goal["regional"]["mean_current_status"], 5.0 / 30.0);
    close(&goal["mean_of_states"], 0.4);
    close(&goal["expected"], 0.4);
    assert_eq!(goal["regional"]["classes"]["needs_acceleration"], 1);

    for expected in [
        "1 results-framework indicator is measured",
        "KPI-1 Households with broadband access (%)",
        "<td class=\"num\">50.0 (2025)</td><td class=\"num\">80.0 (2030)</td>\
         <td class=\"num\">55.0 (2027)</td><td class=\"num\">16.7%</td>\
         <td class=\"num\">40.0%</td><td class=\"num\">41.0%</td>\
         <td>Needs acceleration</td><td class=\"num\">40.0% (1 of ",
        "Indicators: current status against expected",
        "Indicators: progress class by scope",
    ] {
        let row = html
            .find("<th scope=\"row\">KPI-1")
            .map_or("", |i| &html[i..]);
        assert!(
            html.contains(expected),
            "the HTML has {expected}; its row: {}",
            row.chars().take(600).collect::<String>()
        );
    }
}

/// The demo's Blueprint report carries the shipped claim ("100%" implemented), checked under
/// every rule on its publication day and at the report's instant, unverifiable because the
/// Blueprint's measure list is incomplete.
#[tokio::test]
async fn a_demo_reports_json_has_the_blueprint_claim_with_its_checks() {
    let app = TestApp::spawn_with_demo().await;

    let data = app
        .get_json("/api/v1/frameworks/ascc-blueprint-2025/report?as_of=2025-12-31&format=json")
        .await;

    let claims = data["claims"].as_array().unwrap();
    assert_eq!(claims.len(), 1);
    let claim = &claims[0];
    assert_eq!(claim["metric"], "implementation_rate");
    assert_eq!(claim["scope"], "ASEAN");
    assert_eq!(claim["value"], 1.0);
    assert_eq!(claim["published_on"], "2025-10-08");
    assert_eq!(claim["measure_list"]["incomplete"], true);
    assert!(
        claim.get("recorded_at").is_none(),
        "the register's business"
    );
    for knowledge in ["at_publication", "at_report"] {
        let check = &claim[knowledge];
        let rules: Vec<&str> = check["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["regional", "all_states", "mean_of_states", "cells"]);
        assert_eq!(check["verdict"], "unverifiable");
        assert!(
            check["summary"].as_str().unwrap().starts_with(
                "Cannot be verified: the framework's list of strategic measures is incomplete"
            ),
            "{}",
            check["summary"]
        );
    }
    assert_eq!(
        claim["at_publication"]["known_at"],
        "2025-10-08T23:59:59.999999Z"
    );

    // The Strategic Plan has none: its section says so.
    let html = app
        .get("/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("No published figure is recorded for this framework."));
}

/// An edition re-renders to its frozen bytes after what it must not see: a back-dated report
/// recorded after its instant, an indicator defined after it (with a target and an
/// observation), and a claim recorded after it; an ordinary report sees them all.
#[tokio::test]
async fn an_edition_re_renders_the_same_bytes_after_later_reports_indicators_and_claims() {
    use blueprint_tracker::report::bundle::Format;
    use blueprint_tracker::service::{ClaimRequest, EditionRequest};
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let report = |effective: &str, status: &str| {
        json!({"measure": "1.1.2", "scope": "ASEAN", "status": status,
               "effective_date": effective})
    };
    assert_eq!(
        app.record(&t.secretariat, &report("2026-03-31", "ongoing"))
            .await
            .status(),
        201
    );
    let edition = app
        .tracker
        .create_edition(
            None,
            "ascc-strategic-plan",
            &EditionRequest {
                title: "First review".into(),
                as_of: "2026-06-30".parse().unwrap(),
                basis: None,
            },
        )
        .await
        .unwrap();
    let frozen = |format| app.tracker.edition_file(edition.id, format);
    let pdf = frozen(Format::Pdf).await.unwrap().bytes;
    let html = frozen(Format::Html).await.unwrap().bytes;
    let html_text = String::from_utf8(html.clone()).unwrap();
    assert!(html_text.contains("<p class=\"kicker\">Review edition</p>"));
    assert!(html_text.contains("<strong>First review</strong>, frozen as known at "));

    // After the edition: a back-dated completion, an indicator with a target and a value, a
    // claim.
    assert_eq!(
        app.record(&t.secretariat, &report("2026-05-31", "completed"))
            .await
            .status(),
        201
    );
    let sp = "/api/v1/frameworks/ascc-strategic-plan";
    for (path, body) in [
        (
            "/indicators",
            json!({"code": "KPI-9", "title": "Defined after the edition", "unit": "%",
                   "direction": "increase", "node": "1.1.2", "decimals": 1}),
        ),
        (
            "/indicators/KPI-9/targets",
            json!({"scope": "ASEAN", "baseline_year": 2025, "baseline_value": 50.0,
                   "target_year": 2030, "target_value": 80.0}),
        ),
        (
            "/observations",
            json!({"indicator": "KPI-9", "scope": "ASEAN", "year": 2025, "value": 50.0}),
        ),
    ] {
        let response = app
            .send(
                Method::POST,
                &format!("{sp}{path}"),
                Some(&t.secretariat),
                Some(&body),
            )
            .await;
        assert_eq!(response.status(), 201, "{path}");
    }
    app.tracker
        .add_claim(
            None,
            &ClaimRequest {
                framework: "ascc-strategic-plan".into(),
                scope: "ASEAN".into(),
                metric: "implementation_rate".into(),
                indicator: None,
                value: 0.01,
                precision: 0.01,
                as_of: "2026-06-30".parse().unwrap(),
                published_on: "2026-07-01".parse().unwrap(),
                statement: "1% implemented".into(),
                source_title: "A later review".into(),
                source_url: None,
                note: None,
                supersedes: None,
            },
        )
        .await
        .unwrap();

    // The edition downloads (its fingerprints checked) with the very same bytes.
    assert_eq!(frozen(Format::Pdf).await.unwrap().bytes, pdf);
    assert_eq!(frozen(Format::Html).await.unwrap().bytes, html);
    let json: Value = serde_json::from_slice(&frozen(Format::Json).await.unwrap().bytes).unwrap();
    assert!(
        json["indicators"]["indicators"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(json["claims"].as_array().unwrap().is_empty());
    assert_eq!(json["edition"]["title"], "First review");
    // The "since" list has the back-dated report; an ordinary report sees everything.
    let since = app.tracker.edition_since(edition.id).await.unwrap();
    assert_eq!(since.reports.len(), 1);
    let now = app
        .get_json(&format!("{sp}/report?as_of=2026-06-30&format=json"))
        .await;
    assert_eq!(now["indicators"]["indicators"][0]["code"], "KPI-9");
    assert_eq!(now["claims"][0]["statement"], "1% implemented");
    assert!(now.get("edition").is_none());
}

#[tokio::test]
async fn measures_completed_or_not_applicable_are_not_listed_as_without_a_recent_report() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let reports: Vec<Value> = [
        ("C.2.i", "completed", None),
        ("C.2.ii", "not_applicable", None),
        ("C.2.iii", "ongoing", Some(40)),
    ]
    .into_iter()
    .map(|(measure, status, progress)| {
        json!({"measure": measure, "scope": "ASEAN", "status": status,
               "progress": progress, "effective_date": "2024-01-31"})
    })
    .collect();
    let response = app
        .post(
            "/api/v1/frameworks/ascc-blueprint-2025/status",
            Some(&t.secretariat),
            &json!({ "reports": reports }),
        )
        .await;
    assert_eq!(response.status(), 201);

    let data = app
        .get_json("/api/v1/frameworks/ascc-blueprint-2025/report?as_of=2025-12-31&format=json")
        .await;

    let stale: Vec<&str> = data["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap())
        .collect();
    assert!(
        stale.contains(&"C.2.iii"),
        "ongoing, last reported in January 2024"
    );
    assert!(stale.contains(&"C.2.iv"), "never reported");
    assert!(!stale.contains(&"C.2.i"), "completed: needs no new report");
    assert!(
        !stale.contains(&"C.2.ii"),
        "not applicable: needs no new report"
    );
}

#[tokio::test]
async fn the_blueprint_report_says_plainly_that_its_measure_list_is_incomplete() {
    let app = TestApp::spawn().await;

    let html = app
        .get("/api/v1/frameworks/ascc-blueprint-2025/report?as_of=2025-12-31")
        .await
        .text()
        .await
        .unwrap();

    let text = crate::support::text_of(&html);
    assert!(
        text.contains(
            "The list of strategic measures of this framework is incomplete: the tracker knows \
             9 measures"
        ),
        "{text}"
    );
    assert!(text.contains(
        "No measure is recorded under 4 of its 5 characteristics (A Engages and Benefits the \
         People, B Inclusive, D Resilient and E Dynamic)."
    ));
    assert!(text.contains("Nor under 2 elements of the others: C.3 Sustainable Climate and C.4"));
    assert!(text.contains("(known measures only: the list is incomplete)"));
}
