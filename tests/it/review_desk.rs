//! The Secretariat's review desk: deciding several reports in one request (the API's
//! `…/reports/validate` and `…/reports/return` with a list of ids), all or nothing, each
//! decision audited as one report's is; the `/review` page and its locks.

use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem, error_fields};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";

fn report(scope: &str, effective_date: &str) -> Value {
    json!({"measure":"1.1.2","scope":scope,"status":"ongoing","progress":40,
           "effective_date":effective_date})
}

/// Records one report as `token` and returns its id.
async fn recorded(app: &TestApp, token: &str, body: &Value) -> i64 {
    let response = app.record(token, body).await;
    assert_eq!(response.status(), 201, "recording {body}");
    let stored: Value = response.json().await.unwrap();
    stored["id"].as_i64().unwrap()
}

/// Viet Nam's focal point's reports of 1.1.2 effective at the end of January to April 2026.
async fn four_waiting(app: &TestApp, vnm: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for date in ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"] {
        ids.push(recorded(app, vnm, &report("VNM", date)).await);
    }
    ids
}

/// The validation state of each of `ids`, read from the framework's queues.
async fn states(app: &TestApp, ids: &[i64]) -> Vec<String> {
    let mut states = Vec::new();
    for id in ids {
        let mut found = None;
        for state in ["reported", "validated", "returned"] {
            let queue = app
                .get_json(&format!("{SP}/reports?validation={state}&limit=1000"))
                .await;
            if queue["reports"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["id"] == *id)
            {
                found = Some(state.to_owned());
            }
        }
        states.push(found.unwrap_or_default());
    }
    states
}

async fn audit_of(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let body = app
        .get_json_as(admin, &format!("/api/v1/audit?action={action}"))
        .await;
    body["events"].as_array().unwrap().clone()
}

#[tokio::test]
async fn several_reports_are_validated_or_returned_in_one_request_each_audited() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let ids = four_waiting(&app, &t.vnm).await;

    let response = app
        .post(
            &format!("{SP}/reports/validate"),
            Some(&t.secretariat),
            &json!({"ids": [ids[2], ids[0], ids[1]], "evidence_checked": true, "note": "decrees seen"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["framework"], "ascc-strategic-plan");
    assert_eq!(decided["decision"], "validated");
    assert_eq!(decided["count"], 3);
    let answered: Vec<i64> = decided["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(answered, ids[..3]);
    for r in decided["reports"].as_array().unwrap() {
        assert_eq!(r["validation"]["state"], "validated");
        assert_eq!(r["validation"]["by"], "asec");
        assert_eq!(r["validation"]["evidence_checked"], true);
    }

    let response = app
        .post(
            &format!("{SP}/reports/return"),
            Some(&t.admin),
            &json!({"ids": [ids[3]], "reason": "  The evidence link is broken  "}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let returned: Value = response.json().await.unwrap();
    assert_eq!(returned["decision"], "returned");
    assert_eq!(
        returned["reports"][0]["validation"]["reason"],
        "The evidence link is broken"
    );
    assert_eq!(
        states(&app, &ids).await,
        ["validated", "validated", "validated", "returned"]
    );

    // Each decision is audited as the single-report routes audit it.
    let validations = audit_of(&app, &t.admin, "report.validate").await;
    let mut targets: Vec<String> = validations
        .iter()
        .map(|e| e["target"].as_str().unwrap().to_owned())
        .collect();
    targets.sort();
    let mut want: Vec<String> = ids[..3].iter().map(|id| format!("report {id}")).collect();
    want.sort();
    assert_eq!(targets, want);
    for e in &validations {
        assert_eq!(e["actor"], "asec");
        assert_eq!(e["framework"], "ascc-strategic-plan");
        assert_eq!(e["detail"]["scope"], "VNM");
        assert_eq!(e["detail"]["evidence_checked"], true);
    }
    let returns = audit_of(&app, &t.admin, "report.return").await;
    assert_eq!(returns.len(), 1);
    assert_eq!(returns[0]["target"], format!("report {}", ids[3]));
    assert_eq!(
        returns[0]["detail"]["reason"],
        "The evidence link is broken"
    );
}

#[tokio::test]
async fn one_unknown_or_decided_report_refuses_them_all_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let ids = four_waiting(&app, &t.vnm).await;
    let validate = format!("{SP}/reports/validate");
    let give_back = format!("{SP}/reports/return");
    // The first is decided on its own.
    let response = app
        .post(
            &format!("{SP}/reports/{}/validate", ids[0]),
            Some(&t.secretariat),
            &json!({"evidence_checked": true}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let audited = app.audit_count().await;

    // Decided already: 409, whichever comes first in the list.
    for list in [json!([ids[1], ids[0]]), json!([ids[0], ids[2]])] {
        let response = app
            .post(
                &validate,
                Some(&t.secretariat),
                &json!({"ids": list, "evidence_checked": true}),
            )
            .await;
        assert_problem(response, 409, "conflict").await;
        let response = app
            .post(
                &give_back,
                Some(&t.secretariat),
                &json!({"ids": list, "reason": "no"}),
            )
            .await;
        assert_problem(response, 409, "conflict").await;
    }
    // Unknown, or another framework's: 404.
    for list in [
        json!([ids[1], 999_999]),
        json!([999_999_999_999_i64, ids[2]]),
        json!([ids[1], -1]),
    ] {
        let response = app
            .post(
                &validate,
                Some(&t.secretariat),
                &json!({"ids": list, "evidence_checked": true}),
            )
            .await;
        assert_problem(response, 404, "not_found").await;
    }
    let response = app
        .post(
            "/api/v1/frameworks/ascc-blueprint-2025/reports/return",
            Some(&t.secretariat),
            &json!({"ids": [ids[1]], "reason": "wrong framework"}),
        )
        .await;
    assert_problem(response, 404, "not_found").await;
    let response = app
        .post(
            "/api/v1/frameworks/nope/reports/return",
            Some(&t.secretariat),
            &json!({"ids": [ids[1]], "reason": "no such framework"}),
        )
        .await;
    assert_problem(response, 404, "unknown_framework").await;

    // Bad bodies: 422, each problem named.
    for (path, body, fields) in [
        (
            &validate,
            json!({"ids": [], "evidence_checked": true}),
            vec!["ids"],
        ),
        (&validate, json!({"evidence_checked": true}), vec!["ids"]),
        (
            &validate,
            json!({"ids": [ids[1], ids[1]], "evidence_checked": true}),
            vec!["ids"],
        ),
        (
            &validate,
            json!({"ids": ["one"], "evidence_checked": true}),
            vec!["ids"],
        ),
        (
            &validate,
            json!({"ids": ids[1], "evidence_checked": true}),
            vec!["ids"],
        ),
        (
            &validate,
            json!({"ids": [ids[1]]}),
            vec!["evidence_checked"],
        ),
        (
            &validate,
            json!({"ids": [ids[1]], "evidence_checked": true, "extra": 1}),
            vec!["extra"],
        ),
        (&give_back, json!({"ids": [ids[1]]}), vec!["reason"]),
        (
            &give_back,
            json!({"ids": [ids[1]], "reason": "   "}),
            vec!["reason"],
        ),
        (&give_back, json!({"ids": [], "reason": "why"}), vec!["ids"]),
    ] {
        let response = app.post(path, Some(&t.secretariat), &body).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), fields, "{body}");
    }
    let too_many: Vec<i64> = (1..=1_001).collect();
    let response = app
        .post(
            &validate,
            Some(&t.secretariat),
            &json!({"ids": too_many, "evidence_checked": true}),
        )
        .await;
    assert_problem(response, 422, "validation_failed").await;

    // Nothing was stored, nothing audited.
    assert_eq!(
        states(&app, &ids).await,
        ["validated", "reported", "reported", "reported"]
    );
    assert_eq!(app.audit_count().await, audited);
}

#[tokio::test]
async fn only_the_secretariat_and_admins_decide_several_reports() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let ids = four_waiting(&app, &t.vnm).await;
    let validate = format!("{SP}/reports/validate");
    let give_back = format!("{SP}/reports/return");
    let evidence = json!({"ids": [ids[0], ids[1]], "evidence_checked": true});
    let reason = json!({"ids": [ids[2]], "reason": "missing link"});

    // Viet Nam's focal point may not decide its own reports; a viewer none; nobody anonymous.
    for token in [&t.vnm, &t.viewer] {
        for (path, body) in [(&validate, &evidence), (&give_back, &reason)] {
            let response = app.post(path, Some(token), body).await;
            assert_problem(response, 403, "forbidden").await;
        }
    }
    // Even with ids that do not exist, the focal point learns only that it may not.
    let response = app
        .post(
            &validate,
            Some(&t.vnm),
            &json!({"ids": [999_999], "evidence_checked": true}),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
    for (path, body) in [(&validate, &evidence), (&give_back, &reason)] {
        let response = app.post(path, None, body).await;
        assert_problem(response, 401, "unauthenticated").await;
    }
    assert_eq!(
        states(&app, &ids).await,
        ["reported", "reported", "reported", "reported"]
    );

    let response = app.post(&validate, Some(&t.secretariat), &evidence).await;
    assert_eq!(response.status(), 200);
    let response = app.post(&give_back, Some(&t.admin), &reason).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        states(&app, &ids).await,
        ["validated", "validated", "returned", "reported"]
    );
}
