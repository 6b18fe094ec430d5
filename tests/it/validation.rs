//! Bad input: every kind named in DESIGN.md §3 gets its 4xx problem with a stable code, the
//! fields at fault are listed, and nothing is stored (a bulk with one bad report stores none).

use chrono::{Days, FixedOffset, Utc};
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem, error_fields};

const STATUS: &str = "/api/v1/frameworks/ascc-strategic-plan/status";
const BLUEPRINT_STATUS: &str = "/api/v1/frameworks/ascc-blueprint-2025/status";

fn good() -> Value {
    json!({"measure":"1.1.2","scope":"VNM","status":"ongoing","progress":40,
           "effective_date":"2026-03-31"})
}

fn with(field: &str, value: Value) -> Value {
    let mut report = good();
    report[field] = value;
    report
}

/// Sends `body` as the secretariat (who may write every scope) and checks the problem.
async fn refused(app: &TestApp, path: &str, body: &Value, status: u16, code: &str) -> Value {
    let token = secretariat(app).await;
    let response = app.post(path, Some(&token), body).await;
    let problem = assert_problem(response, status, code).await;
    assert_eq!(app.stored_reports().await, 0, "nothing stored for {body}");
    problem
}

/// A token of the Secretariat's account, created on first use.
async fn secretariat(app: &TestApp) -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let name = format!("asec-{}", N.fetch_add(1, Ordering::SeqCst));
    app.token(&name, blueprint_tracker::domain::Role::Secretariat, None)
        .await
}

#[tokio::test]
async fn an_unknown_framework_measure_or_state_is_answered_404() {
    let app = TestApp::spawn().await;

    let fw = refused(
        &app,
        "/api/v1/frameworks/ascc-blueprint-2045/status",
        &good(),
        404,
        "unknown_framework",
    )
    .await;
    let measure = refused(
        &app,
        STATUS,
        &with("measure", json!("9.9.9")),
        404,
        "unknown_measure",
    )
    .await;
    let state = refused(
        &app,
        STATUS,
        &with("scope", json!("FRA")),
        404,
        "unknown_state",
    )
    .await;

    assert!(
        fw["detail"]
            .as_str()
            .unwrap()
            .contains("ascc-blueprint-2045")
    );
    assert_eq!(error_fields(&measure), ["measure"]);
    assert_eq!(error_fields(&state), ["scope"]);
}

#[tokio::test]
async fn unknown_paths_in_reads_are_answered_404() {
    let app = TestApp::spawn().await;

    assert_problem(
        app.get("/api/v1/frameworks/nope").await,
        404,
        "unknown_framework",
    )
    .await;
    assert_problem(
        app.get("/api/v1/frameworks/ascc-strategic-plan/measures/9.9.9/status")
            .await,
        404,
        "unknown_measure",
    )
    .await;
    // A goal is a node, not a strategic measure.
    assert_problem(
        app.get("/api/v1/frameworks/ascc-strategic-plan/measures/SG1/history")
            .await,
        404,
        "unknown_measure",
    )
    .await;
    assert_problem(app.get("/api/v2/frameworks").await, 404, "not_found").await;
    assert_problem(
        app.get("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=XYZ")
            .await,
        404,
        "unknown_state",
    )
    .await;
    assert_problem(app.get("/api/v1/frameworks/%FF").await, 400, "invalid_path").await;
}

#[tokio::test]
async fn invalid_values_are_answered_422_naming_the_field() {
    let app = TestApp::spawn().await;
    let tomorrow_in_asean = Utc::now()
        .with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap())
        .date_naive()
        .checked_add_days(Days::new(1))
        .unwrap()
        .to_string();
    let cases: Vec<(&str, Value, &str)> = vec![
        ("unknown status", with("status", json!("done")), "status"),
        (
            "progress over 100",
            with("progress", json!(101)),
            "progress",
        ),
        ("negative progress", with("progress", json!(-1)), "progress"),
        (
            "fractional progress",
            with("progress", json!(40.5)),
            "progress",
        ),
        (
            "progress with completed",
            with("status", json!("completed")),
            "progress",
        ),
        (
            "before the framework's start",
            with("effective_date", json!("2025-12-31")),
            "effective_date",
        ),
        (
            "after the framework's end",
            with("effective_date", json!("2036-01-01")),
            "effective_date",
        ),
        (
            "in the future",
            with("effective_date", json!(tomorrow_in_asean)),
            "effective_date",
        ),
        (
            "not a date",
            with("effective_date", json!("31/03/2026")),
            "effective_date",
        ),
        (
            "a goal, not a measure",
            with("measure", json!("SG1")),
            "measure",
        ),
        ("a bad scope", with("scope", json!("asia")), "scope"),
        (
            "a typo in a field name",
            with("efective_date", json!("2026-03-31")),
            "efective_date",
        ),
        (
            "an evidence link that is not a web address",
            with("evidence_url", json!("javascript:alert(1)")),
            "evidence_url",
        ),
        ("a number as status", with("status", json!(3)), "status"),
    ];

    for (what, body, field) in cases {
        let problem = refused(&app, STATUS, &body, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), [field], "{what}: {problem}");
    }
    let missing = refused(&app, STATUS, &json!({}), 422, "validation_failed").await;
    assert_eq!(
        error_fields(&missing),
        ["effective_date", "measure", "scope", "status"]
    );
}

#[tokio::test]
async fn a_state_that_does_not_participate_on_the_date_is_refused() {
    let app = TestApp::spawn().await;
    // Timor-Leste joined ASEAN on 2025-10-26: not a participant of the Blueprint 2025 (2016-2025).
    let body = json!({"measure":"C.1.i","scope":"TLS","status":"completed",
                      "effective_date":"2025-11-30"});

    let problem = refused(&app, BLUEPRINT_STATUS, &body, 422, "validation_failed").await;

    assert_eq!(error_fields(&problem), ["scope"]);
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("does not participate")
    );
}

#[tokio::test]
async fn a_bulk_with_one_bad_report_stores_none_and_lists_every_problem() {
    let app = TestApp::spawn().await;
    let body = json!({"reports": [
        good(),
        with("progress", json!(150)),
        good(),
        with("measure", json!("9.9.9")),
    ]});

    let problem = refused(&app, STATUS, &body, 422, "validation_failed").await;

    assert_eq!(
        error_fields(&problem),
        ["reports[1].progress", "reports[3].measure"]
    );
}

#[tokio::test]
async fn malformed_or_oversized_bodies_are_answered_4xx() {
    let app = TestApp::spawn().await;
    let token = secretariat(&app).await;
    let raw = |body: Vec<u8>, content_type: &'static str| {
        app.client
            .post(format!("{}{STATUS}", app.base))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };

    let malformed = raw(b"{\"measure\": \"1.1.2\",".to_vec(), "application/json")
        .await
        .unwrap();
    let not_json = raw(
        b"measure=1.1.2".to_vec(),
        "application/x-www-form-urlencoded",
    )
    .await
    .unwrap();
    let mut big = br#"{"measure":"1.1.2","scope":"VNM","status":"ongoing","effective_date":"2026-03-31","note":""#.to_vec();
    big.extend(std::iter::repeat_n(b'x', 1024 * 1024));
    big.extend(b"\"}");
    let too_large = raw(big, "application/json").await.unwrap();
    let not_an_object = raw(b"[1,2]".to_vec(), "application/json").await.unwrap();

    assert_problem(malformed, 400, "malformed_json").await;
    assert_problem(not_json, 415, "unsupported_media_type").await;
    assert_problem(too_large, 413, "body_too_large").await;
    assert_problem(not_an_object, 422, "validation_failed").await;
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_bulk_of_more_than_10000_reports_is_answered_413() {
    let app = TestApp::spawn().await;
    let report = json!({"measure":"1.1.1","scope":"VNM","status":"completed",
                        "effective_date":"2026-06-30"});
    let body = json!({ "reports": vec![report; 10_001] });

    let problem = refused(&app, STATUS, &body, 413, "too_many_reports").await;

    assert!(problem["detail"].as_str().unwrap().contains("10001"));
}

#[tokio::test]
async fn a_bad_query_parameter_is_answered_400() {
    let app = TestApp::spawn().await;

    let date = app
        .get("/api/v1/frameworks/ascc-strategic-plan/participants?as_of=2026-13-01")
        .await;
    let instant = app
        .get("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status?known_at=yesterday")
        .await;
    let scope = app
        .get("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=EUROPE")
        .await;

    assert_eq!(
        error_fields(&assert_problem(date, 400, "invalid_query").await),
        ["as_of"]
    );
    assert_eq!(
        error_fields(&assert_problem(instant, 400, "invalid_query").await),
        ["known_at"]
    );
    assert_eq!(
        error_fields(&assert_problem(scope, 400, "invalid_query").await),
        ["scope"]
    );
}
