//! Recording status reports and reading them back: what a focal point or the Secretariat does.

use serde_json::{Value, json};

use crate::support::TestApp;

#[tokio::test]
async fn a_recorded_report_is_answered_201_with_what_was_stored() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let body = json!({"measure":"1.1.2","scope":"VNM","status":"ongoing","progress":40,
        "effective_date":"2026-03-31","note":"Draft guidelines adopted",
        "evidence_url":"https://asean.org/evidence/1"});

    let response = app.record(&t.vnm, &body).await;

    assert_eq!(response.status(), 201);
    let stored: Value = response.json().await.unwrap();
    for field in [
        "measure",
        "scope",
        "status",
        "progress",
        "effective_date",
        "note",
        "evidence_url",
    ] {
        assert_eq!(stored[field], body[field], "{field}");
    }
    assert_eq!(stored["framework"], "ascc-strategic-plan");
    assert_eq!(stored["recorded_by"], "vnm-focal");
    assert!(stored["id"].as_i64().unwrap() > 0);
    assert!(stored["recorded_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(app.stored_reports().await, 1);
}

#[tokio::test]
async fn a_recorded_report_is_shown_as_the_status_as_of_its_effective_date() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let stored: Value = app
        .record(
            &t.vnm,
            &json!({"measure":"1.1.2","scope":"vnm","status":"ongoing",
            "progress":40,"effective_date":"2026-03-31"}),
        )
        .await
        .json()
        .await
        .unwrap();

    let before = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-03-30")
        .await;
    let after = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-03-31")
        .await;

    let vnm = |body: &Value| -> Value {
        body["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["scope"] == "VNM")
            .unwrap()
            .clone()
    };
    assert_eq!(
        before["scopes"].as_array().unwrap().len(),
        12,
        "ASEAN + 11 participants"
    );
    assert_eq!(before["scopes"][0]["scope"], "ASEAN");
    assert_eq!(vnm(&before)["status"], "not_started");
    assert_eq!(vnm(&before)["report"], Value::Null);
    assert_eq!(vnm(&after)["status"], "ongoing");
    assert_eq!(vnm(&after)["progress"], 40);
    assert_eq!(vnm(&after)["report"], stored);
}

#[tokio::test]
async fn a_bulk_is_stored_whole_and_answered_with_every_report() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let reports: Vec<Value> = ["1.1.1", "1.1.2", "1.1.3"]
        .iter()
        .flat_map(|m| {
            ["ASEAN", "THA", "TLS"].map(|s| {
                json!({"measure":m,"scope":s,"status":"completed","effective_date":"2026-06-30"})
            })
        })
        .collect();

    let response = app
        .record(&t.secretariat, &json!({ "reports": reports }))
        .await;

    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["count"], 9);
    let ids: Vec<i64> = body["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "ids in order: {ids:?}");
    assert_eq!(app.stored_reports().await, 9);
}

#[tokio::test]
async fn history_lists_every_report_oldest_first_and_filters_by_scope() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    for (scope, date, status) in [
        ("ASEAN", "2026-03-31", "ongoing"),
        ("VNM", "2026-02-28", "ongoing"),
        ("ASEAN", "2026-01-31", "not_started"), // back-dated, recorded last
    ] {
        let r = app
            .record(
                &t.admin,
                &json!({"measure":"1.1.2","scope":scope,"status":status,
                "effective_date":date}),
            )
            .await;
        assert_eq!(r.status(), 201);
    }

    let all = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history")
        .await;
    let regional = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=ASEAN")
        .await;

    let dates = |body: &Value| -> Vec<String> {
        body["reports"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["effective_date"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(dates(&all), ["2026-03-31", "2026-02-28", "2026-01-31"]);
    assert_eq!(dates(&regional), ["2026-03-31", "2026-01-31"]);
    assert!(!all["title"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn the_cli_token_records_a_report_that_the_status_then_shows() {
    // The newcomer's path: `user add` prints a token as its last line, the API accepts it.
    let app = TestApp::spawn().await;
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args([
            "user",
            "add",
            "manila",
            "--role",
            "focal_point",
            "--state",
            "PHL",
        ])
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    let token = stdout.lines().last().unwrap().trim().to_owned();
    assert!(token.starts_with("bt_") && token.len() == 67, "{stdout}");

    let response = app
        .record(
            &token,
            &json!({"measure":"3.1.1","scope":"PHL","status":"completed",
            "effective_date":"2026-05-15"}),
        )
        .await;
    let status = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures/3.1.1/status?as_of=2026-06-01")
        .await;

    assert_eq!(response.status(), 201);
    let phl = status["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "PHL")
        .unwrap();
    assert_eq!(phl["status"], "completed");
    assert_eq!(phl["report"]["recorded_by"], "manila");
}
