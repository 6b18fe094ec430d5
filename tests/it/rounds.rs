//! Reporting rounds over HTTP (issue 15): a hand-computed round (on time at the due date's
//! last instant, late one microsecond after, missing, returned, returned then resubmitted, a
//! state that joined after the round opened), coverage with carried-forward and never-reported
//! pairs, who may call each route, bad input refused with nothing stored, `round plan` run
//! twice, and the demo's three rounds.

use blueprint_tracker::domain::{StateCode, SubmissionAction};
use chrono::{DateTime, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

const FW: &str = "/api/v1/frameworks/ascc-strategic-plan";

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Timor-Leste takes part from 2026-09-20 only: after the 2026-Q3 round opened (2026-09-16).
async fn timor_leste_joins_late(app: &TestApp) {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(app.database_url.as_str())
        .await
        .unwrap();
    db.execute_unprepared(
        "UPDATE participations SET from_date = '2026-09-20' \
         WHERE member_state_id IN (SELECT id FROM member_states WHERE code = 'TLS')",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
}

async fn create(app: &TestApp, token: &str, body: &Value) -> reqwest::Response {
    app.post(&format!("{FW}/rounds"), Some(token), body).await
}

/// Appends to a round's log at an explicit instant (what the HTTP API stamps with the clock).
async fn log_at(app: &TestApp, code: &str, state: &str, action: SubmissionAction, at: &str) {
    let fw = app.tracker.framework("ascc-strategic-plan").await.unwrap();
    let round = app
        .tracker
        .store()
        .rounds(fw.id, &fw.code)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.code == code)
        .unwrap();
    let reason = (action == SubmissionAction::Returned).then_some("evidence missing");
    app.tracker
        .store()
        .append_submission(
            fw.id,
            &round,
            &state.parse::<StateCode>().unwrap(),
            action,
            reason,
            None,
            None,
            |_| None,
            t(at),
        )
        .await
        .unwrap();
}

fn counts(round: &Value) -> (u64, u64, u64, u64, u64, u64, u64) {
    let c = |k: &str| round[k].as_u64().unwrap();
    (
        c("participants"),
        c("submitted"),
        c("on_time"),
        c("late"),
        c("missing"),
        c("open"),
        c("returned"),
    )
}

fn standings(detail: &Value) -> Vec<(String, String)> {
    detail["completeness"]["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["state"].as_str().unwrap().to_owned(),
                s["standing"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_round_counts_on_time_late_missing_returned_and_not_expected_states_exactly() {
    let app = TestApp::spawn().await;
    let t_ = app.tokens().await;
    timor_leste_joins_late(&app).await;
    // Q2 first, so that Q3's period starts the day after Q2's end by default.
    let q2 = json!({"code":"2026-Q2","period_end":"2026-06-30","opens_on":"2026-06-16","due_on":"2026-07-31"});
    let response = create(&app, &t_.secretariat, &q2).await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        response.headers()["location"],
        "/api/v1/frameworks/ascc-strategic-plan/rounds/2026-Q2"
    );
    let created: Value = response.json().await.unwrap();
    assert_eq!(
        created["period_start"], "2026-01-01",
        "the framework's start"
    );
    let q3 = json!({"code":"2026-Q3","period_end":"2026-09-30","opens_on":"2026-09-16","due_on":"2026-10-31"});
    let created: Value = create(&app, &t_.secretariat, &q3)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        created["period_start"], "2026-07-01",
        "the day after Q2's end"
    );
    assert_eq!(created["created_by"], "asec");

    use SubmissionAction::{Accepted, Returned, Submitted};
    log_at(
        &app,
        "2026-Q3",
        "BRN",
        Submitted,
        "2026-10-31T17:29:59.999999Z",
    )
    .await;
    log_at(&app, "2026-Q3", "IDN", Submitted, "2026-10-31T17:30:00Z").await;
    log_at(&app, "2026-Q3", "LAO", Submitted, "2026-10-01T00:00:00Z").await;
    log_at(&app, "2026-Q3", "LAO", Returned, "2026-10-05T00:00:00Z").await;
    log_at(&app, "2026-Q3", "MMR", Submitted, "2026-10-01T00:00:00Z").await;
    log_at(&app, "2026-Q3", "MMR", Returned, "2026-10-05T00:00:00Z").await;
    log_at(&app, "2026-Q3", "MMR", Submitted, "2026-10-20T00:00:00Z").await;
    log_at(&app, "2026-Q3", "MMR", Accepted, "2026-10-25T00:00:00Z").await;
    log_at(&app, "2026-Q3", "MYS", Submitted, "2026-10-01T00:00:00Z").await;
    log_at(&app, "2026-Q3", "MYS", Returned, "2026-10-05T00:00:00Z").await;
    log_at(&app, "2026-Q3", "MYS", Submitted, "2026-11-02T00:00:00Z").await;
    for state in ["PHL", "SGP", "THA"] {
        log_at(&app, "2026-Q3", state, Submitted, "2026-10-10T00:00:00Z").await;
    }
    // Viet Nam's focal point submits now, over HTTP: after the deadline, so late.
    let path = format!("{FW}/rounds/2026-Q3/submissions");
    let response = app
        .post(&path, Some(&t_.vnm), &json!({"scope":"VNM"}))
        .await;
    assert_eq!(response.status(), 201);
    let entry: Value = response.json().await.unwrap();
    assert_eq!(
        (&entry["scope"], &entry["action"], &entry["by"]),
        (&json!("VNM"), &json!("submitted"), &json!("vnm-focal"))
    );

    let detail = app.get_json(&format!("{FW}/rounds/2026-Q3")).await;
    let c = &detail["completeness"];
    // 11 participants on 2026-09-30, Timor-Leste joined after the round opened: 10 expected.
    assert_eq!(counts(c), (10, 8, 5, 3, 1, 0, 1));
    assert_eq!(c["accepted"], 1);
    assert_eq!(c["completeness"], 0.8);
    assert_eq!(c["timeliness"], 0.5);
    assert_eq!(c["deadline"], "2026-10-31T17:30:00Z");
    assert_eq!(c["past_due"], true);
    assert_eq!(c["not_expected"], json!(["TLS"]));
    let expected: Vec<(String, String)> = [
        ("BRN", "submitted_on_time"),
        ("IDN", "submitted_late"),
        ("KHM", "missing"),
        ("LAO", "returned"),
        ("MMR", "submitted_on_time"),
        ("MYS", "submitted_late"),
        ("PHL", "submitted_on_time"),
        ("SGP", "submitted_on_time"),
        ("THA", "submitted_on_time"),
        ("VNM", "submitted_late"),
    ]
    .iter()
    .map(|(s, st)| ((*s).to_owned(), (*st).to_owned()))
    .collect();
    assert_eq!(standings(&detail), expected);
    let mmr = &c["states"][4];
    assert_eq!(mmr["accepted"], true);
    assert_eq!(mmr["submitted_at"], "2026-10-20T00:00:00Z");
    assert_eq!(c["states"][3]["returned_reason"], "evidence missing");

    // The Secretariat returns Viet Nam's; then it is `returned`, and a second decision is 409.
    let ret = format!("{FW}/rounds/2026-Q3/submissions/VNM/return");
    let response = app
        .post(
            &ret,
            Some(&t_.secretariat),
            &json!({"reason":"1.1.2 lacks evidence"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_problem(
        app.post(&ret, Some(&t_.secretariat), &json!({"reason":"again"}))
            .await,
        409,
        "conflict",
    )
    .await;
    let list = app.get_json(&format!("{FW}/rounds")).await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["rounds"][1]["round"]["code"], "2026-Q3");
    assert_eq!(counts(&list["rounds"][1]["counts"]), (10, 7, 5, 2, 1, 0, 2));
    // It resubmits (late again) and the Secretariat accepts.
    let response = app
        .post(&path, Some(&t_.vnm), &json!({"scope":"VNM"}))
        .await;
    assert_eq!(response.status(), 201);
    let accept = format!("{FW}/rounds/2026-Q3/submissions/VNM/accept");
    let response = app
        .send(Method::POST, &accept, Some(&t_.secretariat), None)
        .await;
    assert_eq!(response.status(), 201);
    let log = app
        .get_json(&format!("{FW}/rounds/2026-Q3/submissions"))
        .await;
    assert_eq!(log["count"], 18);
    let vnm: Vec<&str> = log["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["scope"] == "VNM")
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(vnm, ["submitted", "returned", "submitted", "accepted"]);

    // The audit trail has each write.
    let trail = app
        .get_json_as(&t_.admin, "/api/v1/audit?action=round&limit=100")
        .await;
    let actions: Vec<&str> = trail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "round.accept",
            "round.submit",
            "round.return",
            "round.submit",
            "round.create",
            "round.create"
        ]
    );

    // The matrix: a row per expected state, a column per round; CSV as a download.
    let matrix = app.get_json(&format!("{FW}/rounds-matrix")).await;
    assert_eq!(matrix["rounds"].as_array().unwrap().len(), 2);
    let vnm_row = matrix["states"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["state"] == "VNM")
        .unwrap();
    assert_eq!(vnm_row["rounds"], json!(["missing", "submitted_late"]));
    let response = app.get(&format!("{FW}/rounds-matrix?format=csv")).await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("ascc-strategic-plan-rounds.csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "state,2026-Q2,2026-Q3");
    assert!(lines.contains(&"KHM,missing,missing"), "{csv}");
    assert!(lines.contains(&"completeness,0,0.8"), "{csv}");
    let response = app.get(&format!("{FW}/rounds-matrix?format=xlsx")).await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn coverage_counts_this_rounds_reports_carried_forward_and_never_reported_pairs() {
    let app = TestApp::spawn().await;
    let t_ = app.tokens().await;
    let q3 = json!({"code":"2026-Q3","period_start":"2026-07-01","period_end":"2026-09-30","opens_on":"2026-09-16","due_on":"2026-10-31"});
    assert_eq!(create(&app, &t_.secretariat, &q3).await.status(), 201);
    let reports = json!({"reports":[
        {"measure":"1.1.1","scope":"VNM","status":"ongoing","effective_date":"2026-08-31"},
        {"measure":"1.1.2","scope":"VNM","status":"completed","effective_date":"2026-03-31"},
        {"measure":"1.1.3","scope":"VNM","status":"not_applicable","effective_date":"2026-09-01"},
        {"measure":"1.1.4","scope":"VNM","status":"ongoing","effective_date":"2026-10-15"},
        {"measure":"1.1.5","scope":"VNM","status":"ongoing","effective_date":"2026-07-01"},
        {"measure":"1.1.5","scope":"VNM","status":"completed","effective_date":"2026-09-30"},
        {"measure":"1.1.1","scope":"THA","status":"not_started","effective_date":"2026-06-30"}]});
    assert_eq!(app.record(&t_.secretariat, &reports).await.status(), 201);
    let detail = app.get_json(&format!("{FW}/rounds/2026-Q3")).await;
    let coverage = |state: &str| -> Value {
        detail["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["state"] == state)
            .unwrap()
            .clone()
    };
    // VNM, of 112 measures: 1.1.3 not applicable (111 applicable); 1.1.1 and 1.1.5 reported
    // within the period; 1.1.2 carried forward; 1.1.4 (effective after the period's end) and
    // the 107 others never reported.
    let vnm = coverage("VNM");
    let n = |c: &Value, k: &str| c[k].as_u64().unwrap();
    assert_eq!(
        (
            n(&vnm, "applicable"),
            n(&vnm, "reported_this_round"),
            n(&vnm, "carried_forward"),
            n(&vnm, "never_reported")
        ),
        (111, 2, 1, 108)
    );
    // serde_json reads floats to within an ulp: compare the fraction that closely.
    assert!((vnm["coverage"].as_f64().unwrap() - 2.0 / 111.0).abs() < 1e-15);
    let tha = coverage("THA");
    assert_eq!(
        (
            n(&tha, "applicable"),
            n(&tha, "reported_this_round"),
            n(&tha, "carried_forward"),
            n(&tha, "never_reported")
        ),
        (112, 0, 1, 111)
    );
    assert_eq!(tha["coverage"], 0.0);
    assert_eq!(detail["coverage"].as_array().unwrap().len(), 11);
}

#[tokio::test]
async fn every_round_route_is_authorised_as_the_policy_says() {
    let app = TestApp::spawn().await;
    let t_ = app.tokens().await;
    let tha_focal = app
        .token(
            "tha-focal",
            blueprint_tracker::domain::Role::FocalPoint,
            Some("THA"),
        )
        .await;
    let round = json!({"code":"2026-Q3","period_end":"2026-09-30","opens_on":"2026-09-16","due_on":"2026-10-31"});
    let plan = json!({"every":"year","from":"2026-01-01","to":"2027-12-31"});
    let submit = json!({"scope":"VNM"});
    let reason = json!({"reason":"no evidence"});
    let rounds = format!("{FW}/rounds");
    let plan_path = format!("{FW}/rounds/plan");
    let submissions = format!("{FW}/rounds/2026-Q3/submissions");
    let accept = format!("{FW}/rounds/2026-Q3/submissions/VNM/accept");
    let ret = format!("{FW}/rounds/2026-Q3/submissions/VNM/return");

    // Creating and planning: the Secretariat and admins.
    for (path, body) in [(&rounds, &round), (&plan_path, &plan)] {
        assert_problem(app.post(path, None, body).await, 401, "unauthenticated").await;
        assert_problem(
            app.post(path, Some(&t_.viewer), body).await,
            403,
            "forbidden",
        )
        .await;
        assert_problem(app.post(path, Some(&t_.vnm), body).await, 403, "forbidden").await;
    }
    assert_eq!(
        app.post(&rounds, Some(&t_.secretariat), &round)
            .await
            .status(),
        201
    );
    assert_eq!(
        app.post(&plan_path, Some(&t_.admin), &plan).await.status(),
        200
    );

    // Submitting: the state's own focal point, the Secretariat and admins.
    assert_problem(
        app.post(&submissions, None, &submit).await,
        401,
        "unauthenticated",
    )
    .await;
    assert_problem(
        app.post(&submissions, Some(&t_.viewer), &submit).await,
        403,
        "forbidden",
    )
    .await;
    assert_problem(
        app.post(&submissions, Some(&tha_focal), &submit).await,
        403,
        "forbidden",
    )
    .await;
    assert_eq!(
        app.post(&submissions, Some(&t_.vnm), &submit)
            .await
            .status(),
        201
    );
    let tha = json!({"scope":"THA"});
    assert_eq!(
        app.post(&submissions, Some(&t_.secretariat), &tha)
            .await
            .status(),
        201
    );

    // Deciding: the Secretariat and admins; a focal point not even for its own state.
    for (path, body) in [(&accept, None), (&ret, Some(&reason))] {
        let send = |token: Option<String>| {
            let app = &app;
            async move { app.send(Method::POST, path, token.as_deref(), body).await }
        };
        assert_problem(send(None).await, 401, "unauthenticated").await;
        assert_problem(send(Some(t_.viewer.clone())).await, 403, "forbidden").await;
        assert_problem(send(Some(t_.vnm.clone())).await, 403, "forbidden").await;
        assert_problem(send(Some(tha_focal.clone())).await, 403, "forbidden").await;
    }
    let response = app
        .send(Method::POST, &ret, Some(&t_.secretariat), Some(&reason))
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(
        app.post(&submissions, Some(&t_.vnm), &submit)
            .await
            .status(),
        201
    );
    let response = app.send(Method::POST, &accept, Some(&t_.admin), None).await;
    assert_eq!(response.status(), 201);

    // Reads are open to anyone, as other reads are.
    for path in [
        rounds.clone(),
        format!("{FW}/rounds/2026-Q3"),
        submissions.clone(),
        format!("{FW}/rounds-matrix"),
    ] {
        assert_eq!(app.get(&path).await.status(), 200, "{path}");
    }
    // A refusal of a signed-in account is audited with its scope.
    let denied = app
        .get_json_as(&t_.admin, "/api/v1/audit?action=access.denied&limit=100")
        .await;
    assert!(
        denied["events"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["actor"] == "tha-focal"
                && e["detail"]["scope"] == "VNM"
                && e["framework"] == "ascc-strategic-plan"
                && e["target"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("round ") && t.ends_with(" of VNM"))),
        "{denied}"
    );
}

#[tokio::test]
async fn bad_input_is_refused_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t_ = app.tokens().await;
    let ok = json!({"code":"2026-Q3","period_end":"2026-09-30","opens_on":"2026-09-16","due_on":"2026-10-31"});
    assert_eq!(create(&app, &t_.secretariat, &ok).await.status(), 201);
    let audits = app.audit_count().await;
    let bad = [
        json!({"code":"2026 Q4","period_end":"2026-12-31","opens_on":"2026-12-01","due_on":"2027-01-31"}),
        json!({"code":"plan","period_end":"2026-12-31","opens_on":"2026-12-01","due_on":"2027-01-31"}),
        // unreachable in a path once normalised
        json!({"code":"..","period_end":"2026-12-31","opens_on":"2026-12-01","due_on":"2027-01-31"}),
        json!({"code":".","period_end":"2026-12-31","opens_on":"2026-12-01","due_on":"2027-01-31"}),
        json!({"code":"-Q4","period_end":"2026-12-31","opens_on":"2026-12-01","due_on":"2027-01-31"}),
        json!({"code":"2026-Q4","period_start":"2027-01-01","period_end":"2026-12-31","opens_on":"2026-12-01","due_on":"2027-01-31"}),
        json!({"code":"2026-Q4","period_end":"2026-12-31","opens_on":"2027-02-01","due_on":"2027-01-31"}),
        json!({"code":"2040-Q4","period_end":"2040-12-31","opens_on":"2040-12-01","due_on":"2041-01-31"}),
        json!({"code":"2026-Q4","period_end":"2026-12-31","opens_on":"2026-12-01"}),
        json!({"code":"2026-Q4","period_end":"31/12/2026","opens_on":"2026-12-01","due_on":"2027-01-31"}),
        json!({"code":"2026-Q4","period_end":"2026-12-31","opens_on":"2026-12-01","due_on":"2027-01-31","color":"red"}),
    ];
    for body in &bad {
        assert_problem(
            create(&app, &t_.secretariat, body).await,
            422,
            "validation_failed",
        )
        .await;
    }
    assert_problem(create(&app, &t_.secretariat, &ok).await, 409, "conflict").await;
    let response = app
        .post("/api/v1/frameworks/nope/rounds", Some(&t_.secretariat), &ok)
        .await;
    assert_problem(response, 404, "unknown_framework").await;
    for plan in [
        json!({"every":"month"}),
        json!({"every":"year","from":"2030-01-01","to":"2029-01-01"}),
        json!({"every":"year","to":"2040-12-31"}),
        json!({"every":"quarter","due_days":-1}),
        json!({"every":"quarter","open_days":400}),
    ] {
        let response = app
            .post(&format!("{FW}/rounds/plan"), Some(&t_.secretariat), &plan)
            .await;
        assert_problem(response, 422, "validation_failed").await;
    }
    // Submissions: an unknown round or state, a malformed scope, a round not open yet, a
    // return without a reason, a decision with nothing submitted.
    let later = json!({"code":"2035-Q4","period_end":"2035-12-31","opens_on":"2035-12-17","due_on":"2036-01-31"});
    assert_eq!(create(&app, &t_.secretariat, &later).await.status(), 201);
    let audits_after_later = app.audit_count().await;
    assert_eq!(audits_after_later, audits + 1);
    let post = |path: String, body: Value| {
        let app = &app;
        let token = t_.secretariat.clone();
        async move {
            app.post(&format!("{FW}/rounds/{path}"), Some(&token), &body)
                .await
        }
    };
    let before_submitting = [
        ("nope/submissions", json!({"scope":"VNM"}), 404, "not_found"),
        (
            "2026-Q3/submissions",
            json!({"scope":"XXX"}),
            404,
            "unknown_state",
        ),
        (
            "2026-Q3/submissions",
            json!({"scope":"vietnam"}),
            422,
            "validation_failed",
        ),
        ("2026-Q3/submissions", json!({}), 422, "validation_failed"),
        (
            "2026-Q3/submissions",
            json!({"scope":" VNM"}),
            422,
            "validation_failed",
        ),
        (
            "2035-Q4/submissions",
            json!({"scope":"VNM"}),
            409,
            "conflict",
        ),
        ("2026-Q3/submissions/VNM/accept", json!({}), 409, "conflict"),
        (
            "2026-Q3/submissions/XXX/accept",
            json!({}),
            404,
            "unknown_state",
        ),
    ];
    for (path, body, status, code) in before_submitting {
        assert_problem(post(path.to_owned(), body).await, status, code).await;
    }
    let submit = json!({"scope":"VNM"});
    let response = post("2026-Q3/submissions".to_owned(), submit.clone()).await;
    assert_eq!(response.status(), 201);
    let after_submitting = [
        ("2026-Q3/submissions", submit, 409, "conflict"),
        (
            "2026-Q3/submissions/VNM/return",
            json!({"reason":"  "}),
            422,
            "validation_failed",
        ),
        (
            "2026-Q3/submissions/VNM/return",
            json!({}),
            422,
            "validation_failed",
        ),
    ];
    for (path, body, status, code) in after_submitting {
        assert_problem(post(path.to_owned(), body).await, status, code).await;
    }
    assert_eq!(
        app.audit_count().await,
        audits_after_later + 1,
        "only the one submission"
    );
    let log = app
        .get_json(&format!("{FW}/rounds/2026-Q3/submissions"))
        .await;
    assert_eq!(log["count"], 1);
    assert_eq!(app.get_json(&format!("{FW}/rounds")).await["count"], 2);
    assert_problem(
        app.get(&format!("{FW}/rounds/nope")).await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/frameworks/nope/rounds-matrix").await,
        404,
        "unknown_framework",
    )
    .await;
    assert_problem(
        app.get(&format!("{FW}/rounds-matrix?format=pdf")).await,
        400,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn round_plan_on_the_command_line_is_idempotent() {
    let app = TestApp::spawn().await;
    let _ = app.tokens().await;
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let plan = [
        "round",
        "plan",
        "--framework",
        "ascc-strategic-plan",
        "--every",
        "year",
        "--as",
        "asec",
    ];
    let first = run(&plan);
    let text = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(
        first.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        text.contains("10 round(s) created, 0 existed already"),
        "{text}"
    );
    assert!(
        text.contains("created 2026: 2026-01-01 to 2026-12-31, opens 2026-12-17, due 2027-01-31"),
        "{text}"
    );
    let second = run(&plan);
    let text = String::from_utf8_lossy(&second.stdout).into_owned();
    assert!(second.status.success());
    assert!(
        text.contains("0 round(s) created, 10 existed already"),
        "{text}"
    );
    let list = app.get_json(&format!("{FW}/rounds")).await;
    assert_eq!(list["count"], 10);
    // A viewer may not plan; nothing more is stored.
    let _ = app
        .token("reader2", blueprint_tracker::domain::Role::Viewer, None)
        .await;
    let refused = run(&[
        "round",
        "plan",
        "-f",
        "ascc-strategic-plan",
        "--every",
        "quarter",
        "--as",
        "reader2",
    ]);
    assert!(!refused.status.success());
    assert_eq!(app.get_json(&format!("{FW}/rounds")).await["count"], 10);
    let listed = run(&["round", "list", "-f", "ascc-strategic-plan"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("2035"));
}

#[tokio::test]
async fn the_demo_has_two_past_rounds_and_an_open_one() {
    let app = TestApp::spawn_with_demo().await;
    assert_eq!(
        app.tracker.load_demo_rounds().await.unwrap(),
        0,
        "loaded once"
    );
    let list = app.get_json(&format!("{FW}/rounds")).await;
    let codes: Vec<&str> = list["rounds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["round"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["2026-Q2", "2026-Q3", "2026-Q4"]);
    // 11 participants: 9 on time (one of them returned, then resubmitted), 1 late, 1 missing.
    for (i, late, missing) in [(0, "LAO", "KHM"), (1, "KHM", "MMR")] {
        let c = &list["rounds"][i]["counts"];
        assert_eq!(counts(c), (11, 10, 9, 1, 1, 0, 0), "{c}");
        assert_eq!(c["accepted"], 10);
        let code = codes[i];
        let detail = app.get_json(&format!("{FW}/rounds/{code}")).await;
        let st = standings(&detail);
        assert!(
            st.contains(&(late.to_owned(), "submitted_late".to_owned())),
            "{st:?}"
        );
        assert!(
            st.contains(&(missing.to_owned(), "missing".to_owned())),
            "{st:?}"
        );
    }
    let q4 = &list["rounds"][2]["counts"];
    assert_eq!(counts(q4), (11, 3, 3, 0, 0, 8, 0));
    assert_eq!(q4["past_due"], false);
    let log = app
        .get_json(&format!("{FW}/rounds/2026-Q2/submissions"))
        .await;
    let phl: Vec<&str> = log["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["scope"] == "PHL")
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(phl, ["submitted", "returned", "submitted", "accepted"]);
}

/// Sends every (path, body) POST at once, each from its own task; the statuses in order.
async fn all_at_once(app: &TestApp, token: &str, requests: Vec<(String, Value)>) -> Vec<u16> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(path, body)| {
            let request = app
                .client
                .post(format!("{}{path}", app.base))
                .bearer_auth(token)
                .json(&body);
            tokio::spawn(async move { request.send().await.unwrap().status().as_u16() })
        })
        .collect();
    let mut out = Vec::new();
    for task in tasks {
        out.push(task.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_decisions_on_one_submission_and_concurrent_creates_leave_one_winner() {
    let app = TestApp::spawn().await;
    let t_ = app.tokens().await;
    let round = json!({"code":"2026-Q3","period_end":"2026-09-30","opens_on":"2026-09-16","due_on":"2026-10-31"});
    // Ten creates of the same code at once: one 201, the others 409 (never a 5xx).
    let creates = (0..10)
        .map(|_| (format!("{FW}/rounds"), round.clone()))
        .collect();
    let mut statuses = all_at_once(&app, &t_.secretariat, creates).await;
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);

    let submissions = format!("{FW}/rounds/2026-Q3/submissions");
    let response = app
        .post(&submissions, Some(&t_.vnm), &json!({"scope":"VNM"}))
        .await;
    assert_eq!(response.status(), 201);
    // Accept and return sent together, five times each: exactly one decision is taken.
    let decisions = (0..10)
        .map(|i| {
            if i % 2 == 0 {
                (format!("{submissions}/VNM/accept"), json!({}))
            } else {
                (
                    format!("{submissions}/VNM/return"),
                    json!({"reason":"attach the evidence"}),
                )
            }
        })
        .collect();
    let decisions = all_at_once(&app, &t_.secretariat, decisions).await;
    assert_eq!(
        decisions.iter().filter(|s| **s == 201).count(),
        1,
        "{decisions:?}"
    );
    assert!(
        decisions.iter().all(|s| *s == 201 || *s == 409),
        "{decisions:?}"
    );
    let log = app.get_json(&submissions).await;
    assert_eq!(log["count"], 2, "{log}");
}
