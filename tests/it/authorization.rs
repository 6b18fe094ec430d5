//! Who may record what: the whole matrix of role × scope, and the answers without or with a bad
//! token. A refused write stores nothing.

use serde_json::json;

use crate::support::{TestApp, assert_problem};

fn report(scope: &str) -> serde_json::Value {
    json!({"measure":"1.1.2","scope":scope,"status":"ongoing","progress":40,
           "effective_date":"2026-03-31"})
}

#[tokio::test]
async fn each_role_may_record_exactly_the_scopes_it_is_responsible_for() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    // (who, token, [ASEAN, own state VNM, other state THA]) → expected status
    let matrix = [
        ("admin", &t.admin, [201, 201, 201]),
        ("secretariat", &t.secretariat, [201, 201, 201]),
        ("focal point of VNM", &t.vnm, [403, 201, 403]),
        ("viewer", &t.viewer, [403, 403, 403]),
    ];
    let mut expected_stored = 0;

    for (who, token, expected) in matrix {
        for (scope, want) in ["ASEAN", "VNM", "THA"].into_iter().zip(expected) {
            let response = app.record(token, &report(scope)).await;
            if want == 201 {
                assert_eq!(response.status(), 201, "{who} recording {scope}");
                let stored: serde_json::Value = response.json().await.unwrap();
                assert_eq!(stored["scope"], scope);
                expected_stored += 1;
            } else {
                let problem = assert_problem(response, want, "forbidden").await;
                assert!(
                    !problem["detail"].as_str().unwrap().is_empty(),
                    "{who} {scope}"
                );
            }
            assert_eq!(app.stored_reports().await, expected_stored, "{who} {scope}");
        }
    }
    assert_eq!(expected_stored, 7);
}

#[tokio::test]
async fn a_focal_point_cannot_slip_another_states_report_into_a_bulk() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    let response = app
        .record(
            &t.vnm,
            &json!({"reports": [report("VNM"), report("THA"), report("VNM")]}),
        )
        .await;

    let problem = assert_problem(response, 403, "forbidden").await;
    assert!(problem["detail"].as_str().unwrap().contains("reports[1]"));
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_write_without_a_token_is_answered_401_with_a_bearer_challenge() {
    let app = TestApp::spawn().await;

    let response = app
        .post(
            "/api/v1/frameworks/ascc-strategic-plan/status",
            None,
            &report("ASEAN"),
        )
        .await;

    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_problem(response, 401, "unauthenticated").await;
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_write_with_an_unknown_token_or_another_scheme_is_answered_401() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    let unknown = app.record("bt_0000", &report("ASEAN")).await;
    let basic = app
        .client
        .post(format!(
            "{}/api/v1/frameworks/ascc-strategic-plan/status",
            app.base
        ))
        .basic_auth("admin", Some(&t.admin))
        .json(&report("ASEAN"))
        .send()
        .await
        .unwrap();

    assert_problem(unknown, 401, "invalid_token").await;
    assert_problem(basic, 401, "unauthenticated").await;
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn reads_are_public() {
    let app = TestApp::spawn().await;

    for path in [
        "/healthz",
        "/api/v1/frameworks",
        "/api/v1/frameworks/ascc-strategic-plan",
        "/api/v1/frameworks/ascc-strategic-plan/measures",
        "/api/v1/frameworks/ascc-strategic-plan/participants",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status",
        "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history",
        "/api/v1/member-states",
    ] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    assert_eq!(app.get_json("/healthz").await, json!({"status":"ok"}));
}
