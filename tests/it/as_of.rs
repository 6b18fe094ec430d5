//! The as-of rule through the API: the latest effective report on or before the date holds;
//! ties go to the report recorded last; `known_at` reproduces what was known at an instant.

use serde_json::{Value, json};

use crate::support::TestApp;

async fn asean_status(app: &TestApp, query: &str) -> Value {
    let body = app
        .get_json(&format!(
            "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?{query}"
        ))
        .await;
    body["scopes"][0].clone()
}

async fn record(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.record(token, &body).await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_latest_effective_report_on_or_before_the_date_holds() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    for (date, status, progress) in [
        ("2026-01-31", "ongoing", Some(10)),
        ("2026-04-30", "completed", None),
        ("2026-02-28", "ongoing", Some(30)), // back-dated, recorded after the completion
    ] {
        record(
            &app,
            &t.secretariat,
            json!({"measure":"1.1.2","scope":"ASEAN",
            "status":status,"progress":progress,"effective_date":date}),
        )
        .await;
    }

    let cases = [
        ("2026-01-30", "not_started", Value::Null),
        ("2026-01-31", "ongoing", json!(10)),
        ("2026-03-15", "ongoing", json!(30)),
        ("2026-04-29", "ongoing", json!(30)),
        ("2026-04-30", "completed", Value::Null),
        ("2026-12-31", "completed", Value::Null),
    ];
    for (as_of, status, progress) in cases {
        let got = asean_status(&app, &format!("as_of={as_of}")).await;
        assert_eq!(got["status"], status, "as of {as_of}");
        assert_eq!(got["progress"], progress, "as of {as_of}");
    }
}

#[tokio::test]
async fn a_correction_with_the_same_effective_date_replaces_the_earlier_report() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let first = record(
        &app,
        &t.secretariat,
        json!({"measure":"1.1.2","scope":"ASEAN",
        "status":"ongoing","progress":60,"effective_date":"2026-03-31"}),
    )
    .await;
    let correction = record(
        &app,
        &t.secretariat,
        json!({"measure":"1.1.2","scope":"ASEAN",
        "status":"ongoing","progress":45,"effective_date":"2026-03-31",
        "note":"corrected after verification"}),
    )
    .await;

    let now = asean_status(&app, "as_of=2026-03-31").await;
    let published = asean_status(
        &app,
        &format!(
            "as_of=2026-03-31&known_at={}",
            first["recorded_at"].as_str().unwrap()
        ),
    )
    .await;
    let before_anything = asean_status(&app, "as_of=2026-03-31&known_at=2026-01-01").await;

    assert_eq!(now["progress"], 45);
    assert_eq!(now["report"]["id"], correction["id"]);
    assert_eq!(
        published["progress"], 60,
        "known_at reproduces the earlier publication"
    );
    assert_eq!(published["report"]["id"], first["id"]);
    assert_eq!(before_anything["status"], "not_started");
}

#[tokio::test]
async fn participants_and_scopes_follow_the_as_of_date() {
    let app = TestApp::spawn().await;

    let blueprint = app
        .get_json("/api/v1/frameworks/ascc-blueprint-2025/measures/C.2.i/status?as_of=2025-12-31")
        .await;
    let plan = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?as_of=2026-06-30")
        .await;

    let scopes = |body: &Value| -> Vec<String> {
        body["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["scope"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(scopes(&blueprint).len(), 11);
    assert!(
        !scopes(&blueprint).contains(&"TLS".to_owned()),
        "Timor-Leste is not counted in the Blueprint 2025"
    );
    assert!(scopes(&plan).contains(&"TLS".to_owned()));
    assert_eq!(scopes(&plan).len(), 12);
}
