//! The indicators' API over a real server and database (issue 14, DESIGN.md §3b): the new
//! user's walk-through (a Secretariat account defines an indicator and its ASEAN and Viet Nam
//! targets, Viet Nam's focal point records three yearly observations and is refused for
//! Thailand, and the progress answer is DESIGN §2b's worked example figure for figure), the
//! authorisation matrix of every new write, and every bad input answered with a 4xx problem
//! that stores nothing. On PostgreSQL too when `TEST_DATABASE_URL` is set.

use reqwest::Method;
use serde_json::{Value, json};

use crate::governance::{Who, attempt};
use crate::support::{TestApp, Tokens, assert_problem, error_fields};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";

fn close(actual: &Value, expected: f64) {
    let actual = actual.as_f64().unwrap_or(f64::NAN);
    assert!(
        (actual - expected).abs() < 1e-9,
        "{actual} is not {expected}"
    );
}

fn kpi() -> Value {
    json!({"code": "KPI-1", "title": "Households with broadband access", "unit": "%",
           "direction": "increase", "node": "1.1.2", "decimals": 1, "source": "ASEANstats"})
}

fn target(scope: &str) -> Value {
    json!({"scope": scope, "baseline_year": 2025, "baseline_value": 50.0,
           "target_year": 2030, "target_value": 80.0})
}

fn observation(scope: &str, year: i32, value: f64) -> Value {
    json!({"indicator": "KPI-1", "scope": scope, "year": year, "value": value})
}

async fn post(app: &TestApp, token: &str, path: &str, body: &Value, want: u16) -> Value {
    let response = app
        .send(
            Method::POST,
            &format!("{SP}{path}"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), want, "POST {path} {body}");
    response.json().await.unwrap_or(Value::Null)
}

/// The indicator defined, with ASEAN's and Viet Nam's targets.
async fn defined(app: &TestApp, t: &Tokens) {
    post(app, &t.secretariat, "/indicators", &kpi(), 201).await;
    post(
        app,
        &t.secretariat,
        "/indicators/KPI-1/targets",
        &target("ASEAN"),
        201,
    )
    .await;
    post(
        app,
        &t.vnm,
        "/indicators/KPI-1/targets",
        &target("VNM"),
        201,
    )
    .await;
}

/// How many observations and target rows KPI-1 has.
async fn stored(app: &TestApp) -> (usize, usize) {
    let detail = app.get_json(&format!("{SP}/indicators/KPI-1")).await;
    (
        detail["observations"].as_array().map_or(0, Vec::len),
        detail["target_history"].as_array().map_or(0, Vec::len),
    )
}

#[tokio::test]
async fn a_new_user_defines_an_indicator_records_three_years_and_reads_design_2bs_worked_example() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    let indicator = post(&app, &t.secretariat, "/indicators", &kpi(), 201).await;
    assert_eq!(
        (
            &indicator["code"],
            &indicator["node"],
            &indicator["direction"]
        ),
        (&json!("KPI-1"), &json!("1.1.2"), &json!("increase"))
    );
    let asean = post(
        &app,
        &t.secretariat,
        "/indicators/KPI-1/targets",
        &target("ASEAN"),
        201,
    )
    .await;
    assert_eq!(
        (&asean["scope"], &asean["recorded_by"]),
        (&json!("ASEAN"), &json!("asec"))
    );
    post(
        &app,
        &t.vnm,
        "/indicators/KPI-1/targets",
        &target("VNM"),
        201,
    )
    .await;

    // Three yearly observations by Viet Nam's focal point, one of them in a bulk of two.
    let first = post(
        &app,
        &t.vnm,
        "/observations",
        &observation("VNM", 2026, 53.0),
        201,
    )
    .await;
    assert_eq!(
        (
            &first["scope"],
            &first["year"],
            &first["validation"]["state"]
        ),
        (&json!("VNM"), &json!(2026), &json!("reported"))
    );
    let bulk =
        json!({"observations": [observation("VNM", 2027, 55.0), observation("VNM", 2028, 58.0)]});
    let many = post(&app, &t.vnm, "/observations", &bulk, 201).await;
    assert_eq!(many["count"], 2);
    // Thailand is not Viet Nam's to report: refused, and nothing of it stored.
    let refused = app
        .send(
            Method::POST,
            &format!("{SP}/observations"),
            Some(&t.vnm),
            Some(&observation("THA", 2026, 60.0)),
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    assert_eq!(stored(&app).await, (3, 2));

    // As of the end of 2027: DESIGN §2b's worked example.
    let progress = app
        .get_json(&format!("{SP}/indicators/KPI-1/progress?as_of=2027-12-31"))
        .await;
    assert_eq!(progress["indicator"], "KPI-1");
    let vnm = progress["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "VNM")
        .unwrap()
        .clone();
    assert_eq!(
        vnm["points"],
        json!([{"year": 2025, "value": 50.0}, {"year": 2026, "value": 53.0}, {"year": 2027, "value": 55.0}])
    );
    assert_eq!(vnm["latest"], json!({"year": 2027, "value": 55.0}));
    assert_eq!(vnm["baseline"], json!({"year": 2025, "value": 50.0}));
    assert_eq!(vnm["target"], json!({"year": 2030, "value": 80.0}));
    close(&vnm["current_status"], 5.0 / 30.0);
    close(&vnm["expected"], 0.4);
    assert_eq!(vnm["ahead"], false);
    close(&vnm["anticipated_value"], 62.3);
    close(&vnm["anticipated_progress"], 12.3 / 30.0);
    assert_eq!(vnm["class"], "needs_acceleration");
    assert_eq!(vnm["rule"], "scope");
    // ASEAN has a target but no observation: only the baseline.
    let regional = &progress["regional"];
    assert_eq!(
        (&regional["rule"], &regional["class"]),
        (&json!("regional"), &json!("insufficient_data"))
    );
    assert_eq!(regional["current_status"], Value::Null);
    // The mean of states counts Viet Nam only (the only state with a status); never NaN.
    close(&progress["mean_of_states"]["current_status"], 5.0 / 30.0);
    assert_eq!(progress["mean_of_states"]["states"], 1);
    let thailand = progress["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "THA")
        .unwrap();
    assert_eq!(
        (&thailand["class"], &thailand["current_status"]),
        (&json!("no_target"), &Value::Null)
    );

    // As of the end of 2028, by hand: weights 1..4, ȳ = 2027, x̄ = 55.3, slope = 26/10 = 2.6,
    // anticipated 55.3 + 2.6 × 3 = 63.1, progress 13.1/30; status 8/30, expected 3/5.
    let progress = app
        .get_json(&format!("{SP}/indicators/KPI-1/progress?as_of=2028-12-31"))
        .await;
    let vnm = progress["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "VNM")
        .unwrap()
        .clone();
    close(&vnm["current_status"], 8.0 / 30.0);
    close(&vnm["expected"], 0.6);
    close(&vnm["anticipated_value"], 63.1);
    close(&vnm["anticipated_progress"], 13.1 / 30.0);
    assert_eq!(vnm["class"], "needs_acceleration");

    // On the validated basis nothing of Viet Nam's counts until the Secretariat validates it;
    // a returned observation counts on neither basis.
    let validated = app
        .get_json(&format!(
            "{SP}/indicators/KPI-1/progress?as_of=2027-12-31&basis=validated"
        ))
        .await;
    let vnm = validated["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "VNM")
        .unwrap()
        .clone();
    assert_eq!(
        (&vnm["points"], &vnm["class"]),
        (
            &json!([{"year": 2025, "value": 50.0}]),
            &json!("insufficient_data")
        )
    );
    let checked = json!({"evidence_checked": true});
    let answer = post(
        &app,
        &t.secretariat,
        &format!("/observations/{}/validate", first["id"]),
        &checked,
        200,
    )
    .await;
    assert_eq!(
        (&answer["validation"]["state"], &answer["validation"]["by"]),
        (&json!("validated"), &json!("asec"))
    );
    let reason = json!({"reason": "The 2027 survey is not published yet"});
    let returned_id = &many["observations"][0]["id"];
    post(
        &app,
        &t.secretariat,
        &format!("/observations/{returned_id}/return"),
        &reason,
        200,
    )
    .await;
    let again = app
        .send(
            Method::POST,
            &format!("{SP}/observations/{returned_id}/validate"),
            Some(&t.secretariat),
            Some(&checked),
        )
        .await;
    assert_problem(again, 409, "conflict").await;
    for basis in ["reported", "validated"] {
        let progress = app
            .get_json(&format!(
                "{SP}/indicators/KPI-1/progress?as_of=2027-12-31&basis={basis}"
            ))
            .await;
        let vnm = progress["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["scope"] == "VNM")
            .unwrap()
            .clone();
        assert_eq!(
            vnm["points"],
            json!([{"year": 2025, "value": 50.0}, {"year": 2026, "value": 53.0}]),
            "{basis}: the returned 2027 value is left out"
        );
        close(&vnm["current_status"], 0.1);
    }

    // The indicator as read: targets in force per scope (ASEAN first), every observation.
    let detail = app.get_json(&format!("{SP}/indicators/KPI-1")).await;
    let scopes: Vec<&Value> = detail["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["scope"])
        .collect();
    assert_eq!(scopes, [&json!("ASEAN"), &json!("VNM")]);
    let states: Vec<&Value> = detail["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["validation"]["state"])
        .collect();
    assert_eq!(
        states,
        [&json!("validated"), &json!("returned"), &json!("reported")]
    );
    // The list, and the rollup under goal SG1 in Viet Nam.
    let list = app.get_json(&format!("{SP}/indicators?node=SG1")).await;
    assert_eq!(list["count"], 1);
    let list = app.get_json(&format!("{SP}/indicators?node=SG2")).await;
    assert_eq!(list["count"], 0);
    let rollup = app
        .get_json(&format!(
            "{SP}/indicator-progress?as_of=2027-12-31&scope=VNM&level=goal"
        ))
        .await;
    assert_eq!(
        (&rollup["scope"], &rollup["level"]),
        (&json!("VNM"), &json!("goal"))
    );
    let sg1 = rollup["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == "SG1")
        .unwrap();
    assert_eq!(
        (&sg1["indicators"], &sg1["with_status"]),
        (&json!(1), &json!(1))
    );
    close(&sg1["mean_current_status"], 0.1);
    assert_eq!(sg1["classes"]["insufficient_data"], 1);
    assert_eq!(rollup["overall"]["indicators"], 1);
}

#[tokio::test]
async fn matrix_defining_indicators_setting_targets_and_recording_observations() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    // Defining: admins and the Secretariat only.
    for (i, (who, want)) in [
        (Who::Admin, 201),
        (Who::Secretariat, 201),
        (Who::FocalVnm, 403),
        (Who::Viewer, 403),
        (Who::Anonymous, 401),
        (Who::BadToken, 401),
    ]
    .into_iter()
    .enumerate()
    {
        let mut body = kpi();
        body["code"] = json!(format!("KPI-{}", i + 1));
        attempt(
            &app,
            &t,
            who,
            Method::POST,
            &format!("{SP}/indicators"),
            Some(&body),
            want,
        )
        .await;
    }
    // Targets and observations: ASEAN, own state VNM, other state THA.
    for (who, expected) in [
        (Who::Admin, [201, 201, 201]),
        (Who::Secretariat, [201, 201, 201]),
        (Who::FocalVnm, [403, 201, 403]),
        (Who::Viewer, [403, 403, 403]),
        (Who::Anonymous, [401, 401, 401]),
        (Who::BadToken, [401, 401, 401]),
    ] {
        for (scope, want) in ["ASEAN", "VNM", "THA"].into_iter().zip(expected) {
            let path = format!("{SP}/indicators/KPI-1/targets");
            attempt(
                &app,
                &t,
                who,
                Method::POST,
                &path,
                Some(&target(scope)),
                want,
            )
            .await;
            let path = format!("{SP}/observations");
            let answer = attempt(
                &app,
                &t,
                who,
                Method::POST,
                &path,
                Some(&observation(scope, 2026, 51.0)),
                want,
            )
            .await;
            if want == 201 {
                let state = if who == Who::FocalVnm {
                    "reported"
                } else {
                    "validated"
                };
                assert_eq!(answer["validation"]["state"], state, "{who:?} {scope}");
            }
        }
    }
    // A refusal is audited with the scope asked for.
    let denied = app
        .get_json_as(&t.admin, "/api/v1/audit?action=access.denied&limit=1")
        .await;
    assert_eq!(
        (
            &denied["events"][0]["detail"]["action"],
            &denied["events"][0]["detail"]["scope"]
        ),
        (&json!("record an indicator observation"), &json!("THA")),
        "{denied}"
    );
    // … and names the framework and what was asked for.
    assert!(denied["events"][0]["framework"].is_string(), "{denied}");
    assert_eq!(
        denied["events"][0]["target"], "observations in THA",
        "{denied}"
    );
    // A bulk with one scope the caller may not write stores nothing.
    let bulk =
        json!({"observations": [observation("VNM", 2027, 52.0), observation("THA", 2027, 52.0)]});
    attempt(
        &app,
        &t,
        Who::FocalVnm,
        Method::POST,
        &format!("{SP}/observations"),
        Some(&bulk),
        403,
    )
    .await;
    assert_eq!(
        stored(&app).await,
        (7, 7),
        "7 observations and 7 target rows"
    );
    // Reviewing: admins and the Secretariat only.
    let detail = app.get_json(&format!("{SP}/indicators/KPI-1")).await;
    let reported = detail["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["validation"]["state"] == "reported")
        .unwrap()["id"]
        .clone();
    for who in [Who::FocalVnm, Who::Viewer, Who::Anonymous, Who::BadToken] {
        let path = format!("{SP}/observations/{reported}/validate");
        attempt(
            &app,
            &t,
            who,
            Method::POST,
            &path,
            Some(&json!({"evidence_checked": true})),
            who.refused(),
        )
        .await;
        let path = format!("{SP}/observations/{reported}/return");
        attempt(
            &app,
            &t,
            who,
            Method::POST,
            &path,
            Some(&json!({"reason": "why"})),
            who.refused(),
        )
        .await;
    }
    let path = format!("{SP}/observations/{reported}/return");
    attempt(
        &app,
        &t,
        Who::Secretariat,
        Method::POST,
        &path,
        Some(&json!({"reason": "Source missing"})),
        200,
    )
    .await;
}

#[tokio::test]
async fn every_bad_input_is_a_4xx_problem_naming_its_field_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    let before = stored(&app).await;
    let s = &t.secretariat;
    let problem =
        |path: &'static str,
         body: Value,
         status: u16,
         code: &'static str,
         fields: &'static [&'static str]| { (path, body, status, code, fields) };
    let cases = [
        // Observations.
        problem(
            "/observations",
            json!({"indicator": "NOPE", "scope": "VNM", "year": 2026, "value": 1.0}),
            422,
            "validation_failed",
            &["indicator"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "XYZ", "year": 2026, "value": 1.0}),
            422,
            "validation_failed",
            &["scope"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "VNM", "year": 2046, "value": 1.0}),
            422,
            "validation_failed",
            &["year"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "VNM", "year": 2015, "value": 1.0}),
            422,
            "validation_failed",
            &["year"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "VNM", "year": 2026, "value": 100.5}),
            422,
            "validation_failed",
            &["value"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "VNM", "year": 2026, "value": -0.1}),
            422,
            "validation_failed",
            &["value"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "VNM", "year": 2026, "value": "NaN"}),
            422,
            "validation_failed",
            &["value"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "VNM", "year": 2026.5, "value": 1.0}),
            422,
            "validation_failed",
            &["year"],
        ),
        problem(
            "/observations",
            json!({"indicator": "KPI-1", "scope": "VNM", "year": 2026, "value": 1.0, "unit": "%"}),
            422,
            "validation_failed",
            &["unit"],
        ),
        problem(
            "/observations",
            json!({"scope": "VNM"}),
            422,
            "validation_failed",
            &["indicator", "value", "year"],
        ),
        problem(
            "/observations",
            json!({"observations": []}),
            422,
            "validation_failed",
            &["observations"],
        ),
        problem(
            "/observations",
            json!({"observations": [
            {"indicator": "KPI-1", "scope": "VNM", "year": 2026, "value": 54.0},
            {"indicator": "KPI-1", "scope": "VNM", "year": 2026, "value": 101.0},
            {"indicator": "KPI-2", "scope": "VNM", "year": 2026, "value": 1.0}]}),
            422,
            "validation_failed",
            &["observations[1].value", "observations[2].indicator"],
        ),
        // Targets.
        problem(
            "/indicators/KPI-1/targets",
            json!({"scope": "VNM", "baseline_year": 2025, "baseline_value": 50.0, "target_year": 2030, "target_value": 50.0}),
            422,
            "validation_failed",
            &["target_value"],
        ),
        problem(
            "/indicators/KPI-1/targets",
            json!({"scope": "VNM", "baseline_year": 2030, "baseline_value": 50.0, "target_year": 2030, "target_value": 60.0}),
            422,
            "validation_failed",
            &["baseline_year"],
        ),
        problem(
            "/indicators/KPI-1/targets",
            json!({"scope": "VNM", "baseline_year": 2025, "baseline_value": 50.0, "target_year": 2030, "target_value": 180.0}),
            422,
            "validation_failed",
            &["target_value"],
        ),
        problem(
            "/indicators/KPI-1/targets",
            json!({"scope": "VNM", "baseline_year": 2025, "baseline_value": 50.0, "target_year": 2050, "target_value": 60.0}),
            422,
            "validation_failed",
            &["target_year"],
        ),
        problem(
            "/indicators/KPI-1/targets",
            json!({"scope": "VNM"}),
            422,
            "validation_failed",
            &[
                "baseline_value",
                "baseline_year",
                "target_value",
                "target_year",
            ],
        ),
        problem(
            "/indicators/NOPE/targets",
            target("VNM"),
            404,
            "not_found",
            &[],
        ),
        // Definitions.
        problem(
            "/indicators",
            json!({"code": "KPI-1", "title": "again", "unit": "%", "direction": "increase", "node": "1.1.2"}),
            409,
            "conflict",
            &[],
        ),
        problem(
            "/indicators",
            json!({"code": "KPI 2", "title": " ", "unit": "%", "direction": "up", "node": "1.1.2", "decimals": 9}),
            422,
            "validation_failed",
            &["decimals", "direction"],
        ),
        problem(
            "/indicators",
            json!({"code": "KPI-2", "title": "t", "unit": "%", "direction": "increase", "node": "9.9.9"}),
            404,
            "unknown_node",
            &[],
        ),
    ];
    for (path, body, status, code, fields) in cases {
        let response = app
            .send(Method::POST, &format!("{SP}{path}"), Some(s), Some(&body))
            .await;
        let problem = assert_problem(response, status, code).await;
        let found = error_fields(&problem);
        for field in fields {
            assert!(
                found.contains(&(*field).to_owned()),
                "{path} {body}: {found:?} lacks {field}"
            );
        }
    }
    // `KPI 2` and an empty title are named too once the direction reads.
    let body = json!({"code": "KPI 2", "title": " ", "unit": "%", "direction": "increase", "node": "1.1.2"});
    let response = app
        .send(
            Method::POST,
            &format!("{SP}/indicators"),
            Some(s),
            Some(&body),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["code", "title"]);
    assert_eq!(stored(&app).await, before, "nothing was stored");
    let list = app.get_json(&format!("{SP}/indicators")).await;
    assert_eq!(list["count"], 1);

    // Reads: unknown framework, indicator, node; malformed queries.
    for (path, status, code) in [
        (
            "/api/v1/frameworks/nope/indicators",
            404,
            "unknown_framework",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicators/NOPE",
            404,
            "not_found",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicators/NOPE/progress",
            404,
            "not_found",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicators?node=9.9",
            404,
            "unknown_node",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicators/KPI-1/progress?as_of=soon",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicators/KPI-1/progress?basis=all",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicator-progress?scope=X1",
            400,
            "invalid_query",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicator-progress?scope=XYZ",
            404,
            "unknown_state",
        ),
        (
            "/api/v1/frameworks/ascc-blueprint-2025/indicator-progress?scope=TLS",
            422,
            "validation_failed",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicator-progress?body=NOPE",
            404,
            "unknown_body",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicator-progress?level=characteristic",
            422,
            "validation_failed",
        ),
        (
            "/api/v1/frameworks/ascc-strategic-plan/indicators/KPI-1?known_at=yesterday",
            400,
            "invalid_query",
        ),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), status, "GET {path}");
        assert_problem(response, status, code).await;
    }
}

#[tokio::test]
async fn a_lock_refuses_observations_of_a_year_ending_inside_it_and_an_admin_may_override() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    post(
        &app,
        &t.secretariat,
        "/locks",
        &json!({"until": "2026-12-31", "note": "cut-off"}),
        201,
    )
    .await;
    let response = app
        .send(
            Method::POST,
            &format!("{SP}/observations"),
            Some(&t.vnm),
            Some(&observation("VNM", 2026, 53.0)),
        )
        .await;
    assert_problem(response, 409, "locked_period").await;
    // 2027 ends after the lock.
    post(
        &app,
        &t.vnm,
        "/observations",
        &observation("VNM", 2027, 55.0),
        201,
    )
    .await;
    let path = format!("{SP}/observations?override_lock=true");
    let response = app
        .send(
            Method::POST,
            &path,
            Some(&t.secretariat),
            Some(&observation("VNM", 2026, 53.0)),
        )
        .await;
    assert_problem(response, 403, "forbidden").await;
    let response = app
        .send(
            Method::POST,
            &path,
            Some(&t.admin),
            Some(&observation("VNM", 2026, 53.0)),
        )
        .await;
    assert_eq!(response.status(), 201);
    assert_eq!(stored(&app).await.0, 2);
}

#[tokio::test]
async fn an_sdmx_csv_file_of_observations_imports_over_http_after_a_dry_run_and_refuses_other_states_rows()
 {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    let path = |query: &str| format!("{SP}/observations/import{query}");
    let file = b"DATAFLOW,REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE\n\
        ASEAN:DF_BB(1.0),VN,KPI-1,2026,53,PT\n\
        ASEAN:DF_BB(1.0),VNM,KPI-1,2027,55,PT\n\
        ASEAN:DF_BB(1.0),VNM,KPI-1,2028,,PT\n";
    let dry = app
        .upload(&path("?sdmx=true&dry_run=1"), Some(&t.vnm), "vn.csv", file)
        .await;
    assert_eq!(dry.status(), 200);
    let dry: Value = dry.json().await.unwrap();
    assert_eq!(
        (&dry["dry_run"], &dry["stored"], &dry["blank"], &dry["rows"]),
        (&json!(true), &json!(2), &json!(1), &json!(3))
    );
    assert_eq!(stored(&app).await.0, 0, "a dry run stores nothing");
    let real = app
        .upload(&path("?sdmx=true"), Some(&t.vnm), "vn.csv", file)
        .await;
    assert_eq!(real.status(), 201);
    assert_eq!(stored(&app).await.0, 2);
    let progress = app
        .get_json(&format!("{SP}/indicators/KPI-1/progress?as_of=2027-12-31"))
        .await;
    let vnm = progress["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "VNM")
        .unwrap()
        .clone();
    close(&vnm["anticipated_value"], 62.3);
    // Thailand's row in Viet Nam's file: 403, nothing stored; a bad value: 422 by line and column.
    let thai = b"REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nVN,KPI-1,2029,60\nTH,KPI-1,2029,60\n";
    let refused = app
        .upload(&path("?sdmx=true"), Some(&t.vnm), "th.csv", thai)
        .await;
    assert_problem(refused, 403, "forbidden").await;
    let bad = b"REF_AREA,INDICATOR,TIME_PERIOD,OBS_VALUE\nVN,KPI-1,2029,160\nVN,NOPE,2029,1\n";
    let refused = app
        .upload(&path("?sdmx=true"), Some(&t.vnm), "bad.csv", bad)
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    let lines: Vec<&Value> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["line"])
        .collect();
    assert_eq!(lines, [&json!(2), &json!(3)], "{problem}");
    assert_eq!(stored(&app).await.0, 2);
    // A viewer defines nothing, even by file.
    let definitions = b"code,title,unit,direction,node\nKPI-9,T,%,increase,1.1.2\n";
    let refused = app
        .upload(
            &format!("{SP}/indicator-import"),
            Some(&t.viewer),
            "d.csv",
            definitions,
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
}

/// The point (year, value) list of Viet Nam in an indicator progress answer.
async fn vnm_points(app: &TestApp, query: &str) -> Value {
    let progress = app
        .get_json(&format!("{SP}/indicators/KPI-1/progress?{query}"))
        .await;
    progress["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "VNM")
        .unwrap()["points"]
        .clone()
}

#[tokio::test]
async fn a_second_server_sees_every_observation_correction_and_review_made_through_the_first() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    let other = TestApp::spawn_on(&app.database_url).await;
    let q = "as_of=2027-12-31";
    // Read first on the other server, so that it holds the indicators in memory.
    assert_eq!(
        vnm_points(&other, q).await,
        json!([{"year": 2025, "value": 50.0}])
    );
    let first = post(
        &app,
        &t.vnm,
        "/observations",
        &observation("VNM", 2026, 53.0),
        201,
    )
    .await;
    post(
        &app,
        &t.vnm,
        "/observations",
        &observation("VNM", 2027, 55.0),
        201,
    )
    .await;
    let both = json!([{"year": 2025, "value": 50.0}, {"year": 2026, "value": 53.0}, {"year": 2027, "value": 55.0}]);
    assert_eq!(vnm_points(&other, q).await, both);
    // A review made on the first server: validated on the other's validated basis at once.
    let checked = json!({"evidence_checked": true});
    post(
        &app,
        &t.secretariat,
        &format!("/observations/{}/validate", first["id"]),
        &checked,
        200,
    )
    .await;
    assert_eq!(
        vnm_points(&other, &format!("{q}&basis=validated")).await,
        json!([{"year": 2025, "value": 50.0}, {"year": 2026, "value": 53.0}])
    );
    // A correction of 2027, then its return: the other server follows each step.
    let correction = post(
        &app,
        &t.vnm,
        "/observations",
        &observation("VNM", 2027, 56.0),
        201,
    )
    .await;
    assert_eq!(vnm_points(&other, q).await[2]["value"], 56.0);
    let reason = json!({"reason": "56 is a typo"});
    post(
        &app,
        &t.secretariat,
        &format!("/observations/{}/return", correction["id"]),
        &reason,
        200,
    )
    .await;
    assert_eq!(
        vnm_points(&other, q).await,
        both,
        "the returned correction falls back to 55"
    );
    // A target revision too.
    let revised = json!({"scope": "VNM", "baseline_year": 2025, "baseline_value": 50.0,
                         "target_year": 2035, "target_value": 90.0});
    post(
        &app,
        &t.secretariat,
        "/indicators/KPI-1/targets",
        &revised,
        201,
    )
    .await;
    let detail = other.get_json(&format!("{SP}/indicators/KPI-1")).await;
    let vnm = detail["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["scope"] == "VNM")
        .unwrap();
    assert_eq!(
        (&vnm["target_year"], &vnm["target_value"]),
        (&json!(2035), &json!(90.0))
    );
    let states: Vec<&Value> = detail["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["validation"]["state"])
        .collect();
    assert_eq!(
        states,
        [&json!("validated"), &json!("reported"), &json!("returned")]
    );
}
