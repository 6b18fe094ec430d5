//! Figures on two bases (issue 5, item 6): `reported` counts every report in force,
//! `validated` only those the Secretariat validated, each from the moment it was validated.
//! Exact counts on a small scenario recorded through the API, the report printing the other
//! basis where it differs, and the demo's review queue.

use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

const PLAN: &str = "ascc-strategic-plan";

async fn progress(app: &TestApp, query: &str) -> Value {
    app.get_json(&format!("/api/v1/frameworks/{PLAN}/progress?{query}"))
        .await
}

fn counts(rate: &Value) -> (u64, u64, u64) {
    (
        rate["completed"].as_u64().unwrap(),
        rate["ongoing"].as_u64().unwrap(),
        rate["not_started"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn a_focal_points_report_counts_on_the_validated_basis_only_once_validated() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    // Viet Nam: 1.1.2 completed (focal point), 1.1.1 ongoing (secretariat: validated on entry).
    let focal: Value = app
        .record(
            &t.vnm,
            &json!({"measure":"1.1.2","scope":"VNM","status":"completed","effective_date":"2026-03-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(focal["validation"]["state"], "reported");
    let own: Value = app
        .record(
            &t.secretariat,
            &json!({"measure":"1.1.1","scope":"VNM","status":"ongoing","progress":50,"effective_date":"2026-03-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["validation"]["state"], "validated");
    assert_eq!(own["validation"]["by"], "asec");

    let q = "scope=VNM&as_of=2026-06-30";
    let reported = progress(&app, q).await;
    let validated = progress(&app, &format!("{q}&basis=validated")).await;
    assert_eq!(reported["basis"], "reported");
    assert_eq!(validated["basis"], "validated");
    assert_eq!(counts(&reported["overall"]), (1, 1, 110));
    assert_eq!(counts(&validated["overall"]), (0, 1, 111));

    // Validate it: now both bases agree.
    let before_validation = blueprint_tracker::service::now();
    let id = focal["id"].as_i64().unwrap();
    let answer = app
        .client
        .post(format!(
            "{}/api/v1/frameworks/{PLAN}/reports/{id}/validate",
            app.base
        ))
        .bearer_auth(&t.secretariat)
        .json(&json!({"evidence_checked": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let validated = progress(&app, &format!("{q}&basis=validated")).await;
    assert_eq!(counts(&validated["overall"]), (1, 1, 110));

    // As known before the validation, the validated basis did not count it yet.
    let known_at = before_validation.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let earlier = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/progress?{q}&basis=validated&known_at={}",
            known_at.replace('+', "%2B")
        ))
        .await;
    assert_eq!(counts(&earlier["overall"]), (0, 1, 111));

    // Compare and timeline take the basis too.
    let compare = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/compare?as_of=2026-06-30&basis=validated&states=VNM"
        ))
        .await;
    assert_eq!(compare["basis"], "validated");
    assert_eq!(compare["states"][0]["completed"], 1);
    let timeline = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/timeline?scope=VNM&from=2026-01-01&to=2026-06-30&every=quarter&basis=validated"
        ))
        .await;
    assert_eq!(timeline["basis"], "validated");
    let last = timeline["points"].as_array().unwrap().last().unwrap();
    assert_eq!(last["completed"], 1);
}

#[tokio::test]
async fn a_returned_report_never_counts_on_the_validated_basis_and_a_bad_basis_is_a_400() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let focal: Value = app
        .record(
            &t.vnm,
            &json!({"measure":"1.1.2","scope":"VNM","status":"completed","effective_date":"2026-03-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = focal["id"].as_i64().unwrap();
    let answer = app
        .client
        .post(format!(
            "{}/api/v1/frameworks/{PLAN}/reports/{id}/return",
            app.base
        ))
        .bearer_auth(&t.secretariat)
        .json(&json!({"reason": "the evidence link is broken"}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let q = "scope=VNM&as_of=2026-06-30";
    // Returned: it counts on neither basis (issue "Reporting rounds").
    assert_eq!(counts(&progress(&app, q).await["overall"]), (0, 0, 112));
    assert_eq!(
        counts(&progress(&app, &format!("{q}&basis=validated")).await["overall"]),
        (0, 0, 112)
    );
    let bad = app
        .get(&format!(
            "/api/v1/frameworks/{PLAN}/progress?basis=approved"
        ))
        .await;
    assert_problem(bad, 400, "invalid_query").await;
}

#[tokio::test]
async fn the_demo_report_prints_the_validated_basis_beside_the_reported_one() {
    let app = TestApp::spawn_with_demo().await;
    // The demo's national Strategic Plan reports effective from 2026-07-01 wait for validation.
    let queue = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/reports?validation=reported&scope=VNM&limit=1000"
        ))
        .await;
    let pending = queue["reports"].as_array().unwrap();
    assert!(!pending.is_empty());
    for r in pending {
        assert_eq!(r["scope"], "VNM");
        assert_eq!(r["recorded_by"], "demo-vnm");
        assert_eq!(r["validation"]["state"], "reported");
        assert!(r["effective_date"].as_str().unwrap() >= "2026-07-01");
    }
    let json: Value = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/report?as_of=2026-09-30&format=json"
        ))
        .await;
    assert_eq!(json["basis"], "reported");
    let other = &json["other_basis"];
    assert_eq!(other["basis"], "validated");
    // Regional reports are the Secretariat's: the regional figures agree on both bases.
    assert_eq!(other["overall"], json["overall"]);
    assert!(
        other["cells"]["completed"].as_u64().unwrap()
            < json["comparison"]["cells"]["completed"].as_u64().unwrap()
    );
    let html = app
        .get(&format!(
            "/api/v1/frameworks/{PLAN}/report?as_of=2026-09-30&format=html"
        ))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("On the validated basis"));
    // On the validated basis, the report says so and gives the reported figures beside.
    let json: Value = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/report?as_of=2026-09-30&format=json&basis=validated"
        ))
        .await;
    assert_eq!(json["basis"], "validated");
    assert_eq!(json["other_basis"]["basis"], "reported");
}

#[tokio::test]
async fn a_measures_status_on_the_validated_basis_counts_validated_reports_from_their_validation() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let status_of = |query: String| {
        let app = &app;
        async move {
            let answer = app
                .get_json(&format!(
                    "/api/v1/frameworks/{PLAN}/measures/1.1.2/status?as_of=2026-06-30{query}"
                ))
                .await;
            let vnm = answer["scopes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|s| s["scope"] == "VNM")
                .cloned()
                .unwrap();
            (
                answer["basis"].clone(),
                vnm["status"].clone(),
                vnm["report"]["id"].clone(),
            )
        }
    };
    // Validated: ongoing (March). Then completed (April), not yet validated.
    let march: Value = app
        .record(
            &t.vnm,
            &json!({"measure":"1.1.2","scope":"VNM","status":"ongoing","progress":40,"effective_date":"2026-03-31"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let before_validation = chrono::Utc::now().to_rfc3339();
    let response = app
        .post(
            &format!("/api/v1/frameworks/{PLAN}/reports/{}/validate", march["id"]),
            Some(&t.secretariat),
            &json!({"evidence_checked": true}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let april: Value = app
        .record(
            &t.vnm,
            &json!({"measure":"1.1.2","scope":"VNM","status":"completed","effective_date":"2026-04-30"}),
        )
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        status_of(String::new()).await,
        (json!("reported"), json!("completed"), april["id"].clone())
    );
    assert_eq!(
        status_of("&basis=validated".to_owned()).await,
        (json!("validated"), json!("ongoing"), march["id"].clone())
    );
    // Known before its validation, the March report does not count on the validated basis.
    let known_at = format!("&known_at={}", before_validation.replace('+', "%2B"));
    assert_eq!(
        status_of(format!("&basis=validated{known_at}")).await,
        (json!("validated"), json!("not_started"), Value::Null)
    );
    assert_eq!(
        status_of(known_at).await,
        (json!("reported"), json!("ongoing"), march["id"].clone())
    );
    let bad = app
        .get(&format!(
            "/api/v1/frameworks/{PLAN}/measures/1.1.2/status?basis=approved"
        ))
        .await;
    assert_problem(bad, 400, "invalid_query").await;
}
