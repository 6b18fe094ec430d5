//! The observation grid (`/record/{fw}/observations`, issue 17) and the observations on the
//! Secretariat's review desk, over a real server and database, through the pages as a browser
//! uses them: a focal point enters a year of values all or nothing (a bad row is refused on
//! its row and nothing is stored; fixed, every value is stored exactly), is refused another
//! state's grid and a locked year; a viewer is refused; the Secretariat validates and returns
//! the waiting observations from `/review`.

use blueprint_tracker::domain::Role;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, Tokens, csrf_field};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";
const GRID: &str = "/record/ascc-strategic-plan/observations";
const PASSWORD: &str = "a long grid passphrase";

async fn api_post(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    let response = app
        .send(
            Method::POST,
            &format!("{SP}{path}"),
            Some(token),
            Some(body),
        )
        .await;
    assert_eq!(response.status(), 201, "POST {path} {body}");
    response.json().await.unwrap()
}

/// Two indicators of the Strategic Plan (a percentage with Viet Nam's target, and a count of
/// years without one).
async fn defined(app: &TestApp, t: &Tokens) {
    api_post(
        app,
        &t.secretariat,
        "/indicators",
        &json!({"code": "KPI-1", "title": "Households with broadband access", "unit": "%",
                "direction": "increase", "node": "1.1.2"}),
    )
    .await;
    api_post(
        app,
        &t.secretariat,
        "/indicators",
        &json!({"code": "KPI-2", "title": "Healthy life expectancy", "unit": "years",
                "direction": "increase", "node": "1.1.2"}),
    )
    .await;
    api_post(
        app,
        &t.secretariat,
        "/indicators/KPI-1/targets",
        &json!({"scope": "VNM", "baseline_year": 2025, "baseline_value": 50.0,
                "target_year": 2030, "target_value": 80.0}),
    )
    .await;
}

/// The observations of an indicator, as the API reads them.
async fn observations(app: &TestApp, code: &str) -> Vec<Value> {
    app.get_json(&format!("{SP}/indicators/{code}")).await["observations"]
        .as_array()
        .unwrap()
        .clone()
}

async fn post_to(
    app: &TestApp,
    path: &str,
    cookie: &str,
    form: &[(&str, String)],
) -> reqwest::Response {
    crate::support::browser()
        .post(format!("{}{path}", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .form(form)
        .send()
        .await
        .unwrap()
}

/// A logged-in account of `role`: its session cookie and the grid's anti-forgery token.
async fn logged_in(app: &TestApp, name: &str, role: Role, state: Option<&str>) -> (String, String) {
    app.account_with_password(name, role, state, PASSWORD).await;
    let cookie = app.session(name, PASSWORD).await;
    let csrf = app.csrf(&cookie).await;
    (cookie, csrf)
}

fn grid_form<'a>(csrf: &str, scope: &str, rows: &[(&'a str, &str)]) -> Vec<(&'a str, String)> {
    let mut form = vec![
        ("csrf", csrf.to_owned()),
        ("scope", scope.to_owned()),
        ("year", "2026".to_owned()),
    ];
    form.extend(
        rows.iter()
            .map(|(name, value)| (*name, (*value).to_owned())),
    );
    form
}

#[tokio::test]
async fn a_focal_point_enters_a_year_of_values_all_or_nothing_with_errors_on_their_rows() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    let (cookie, csrf) = logged_in(&app, "vnm-grid", Role::FocalPoint, Some("VNM")).await;

    // Linked from the record form and from the focal point's home.
    for page in ["/record?framework=ascc-strategic-plan", "/me"] {
        let html = app
            .get_with_session(page, &cookie)
            .await
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("href=\"{GRID}?scope=VNM\"")),
            "{page}: {html}"
        );
    }

    // The grid: Viet Nam's indicators for 2026, with KPI-1's target in force.
    let response = app
        .get_with_session(&format!("{GRID}?year=2026"), &cookie)
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("Indicator values for 2026: Viet Nam"),
        "{html}"
    );
    assert!(html.contains("50 in 2025 → 80 in 2030"));
    assert!(html.contains(r#"name="value.KPI-1""#));
    assert!(html.contains(r#"name="value.KPI-2""#));
    assert_eq!(csrf_field(&html), csrf);

    // 140 is not a percentage: 422, the error on KPI-1's row, the values typed kept, nothing
    // stored (not even KPI-2's good value).
    let bad = grid_form(
        &csrf,
        "VNM",
        &[
            ("value.KPI-1", "140"),
            ("value.KPI-2", "71.5"),
            ("source.KPI-2", "National statistics office"),
        ],
    );
    let response = post_to(&app, GRID, &cookie, &bad).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r##"<a href="#value-KPI-1">KPI-1: 140 is not a percentage"##),
        "{html}"
    );
    assert!(html.contains(r#"id="error-KPI-1""#));
    assert!(html.contains(
        r#"id="value-KPI-1" name="value.KPI-1" inputmode="decimal" size="8" value="140" aria-describedby="unit-KPI-1 error-KPI-1" aria-invalid="true""#
    ), "{html}");
    assert!(html.contains(r#"value="71.5""#));
    assert!(html.contains(r#"value="National statistics office""#));
    assert!(!html.contains(r#"id="error-KPI-2""#));
    assert!(observations(&app, "KPI-1").await.is_empty());
    assert!(observations(&app, "KPI-2").await.is_empty());

    // A note without a value, or a number with a comma, is refused on its row too.
    let unclear = grid_form(
        &csrf,
        "VNM",
        &[("value.KPI-1", "53,5"), ("note.KPI-2", "to come")],
    );
    let response = post_to(&app, GRID, &cookie, &unclear).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("with a point for decimals"));
    assert!(html.contains("Enter a value, or clear the source and the note."));
    assert!(observations(&app, "KPI-2").await.is_empty());

    // Nothing entered at all.
    let response = post_to(&app, GRID, &cookie, &grid_form(&csrf, "VNM", &[])).await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Enter a value for at least one indicator")
    );

    // Fixed: 303 back to the grid, both values stored exactly, awaiting validation.
    let good = grid_form(
        &csrf,
        "VNM",
        &[
            ("value.KPI-1", "53.5"),
            ("value.KPI-2", "71.5"),
            ("source.KPI-2", "National statistics office"),
            ("note.KPI-2", "provisional"),
        ],
    );
    let response = post_to(&app, GRID, &cookie, &good).await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("{GRID}?scope=VNM&year=2026&saved=2&empty=0")
    );
    let kpi1 = observations(&app, "KPI-1").await;
    assert_eq!(kpi1.len(), 1);
    assert_eq!(kpi1[0]["scope"], "VNM");
    assert_eq!(kpi1[0]["year"], 2026);
    assert_eq!(kpi1[0]["value"], 53.5);
    assert_eq!(kpi1[0]["recorded_by"], "vnm-grid");
    assert_eq!(kpi1[0]["validation"]["state"], "reported");
    let kpi2 = observations(&app, "KPI-2").await;
    assert_eq!(kpi2.len(), 1);
    assert_eq!(kpi2[0]["value"], 71.5);
    assert_eq!(kpi2[0]["source"], "National statistics office");
    assert_eq!(kpi2[0]["note"], "provisional");

    // The grid says so and shows the values in force.
    let html = app
        .get_with_session(&location, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Recorded 2 values for 2026."), "{html}");
    assert!(html.contains("53.5 <span class=\"status ongoing\">Awaiting validation</span>"));

    // One row filled, one left empty.
    let one = grid_form(&csrf, "VNM", &[("value.KPI-1", "55")]);
    let response = post_to(&app, GRID, &cookie, &one).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("{GRID}?scope=VNM&year=2026&saved=1&empty=1").as_str()
    );
    let html = app
        .get_with_session(
            &format!("{GRID}?scope=VNM&year=2026&saved=1&empty=1"),
            &cookie,
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Recorded 1 value for 2026; 1 row was left empty."));
    assert_eq!(observations(&app, "KPI-1").await.len(), 2);
}

#[tokio::test]
async fn another_states_grid_a_viewer_and_a_forged_form_are_refused_and_store_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    let (cookie, csrf) = logged_in(&app, "vnm-grid", Role::FocalPoint, Some("VNM")).await;

    // Without a session: the login, then back here.
    let response = crate::support::browser()
        .get(format!("{}{GRID}", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/login?next=%2Frecord%2Fascc-strategic-plan%2Fobservations"
    );

    let response = app
        .get_with_session(&format!("{GRID}?scope=THA&year=2026"), &cookie)
        .await;
    assert_eq!(response.status(), 403);
    assert!(response.text().await.unwrap().contains("Viet Nam only"));
    let forged_scope = grid_form(&csrf, "THA", &[("value.KPI-1", "60")]);
    let response = post_to(&app, GRID, &cookie, &forged_scope).await;
    assert_eq!(response.status(), 403);
    let forged_token = grid_form("not-the-token", "VNM", &[("value.KPI-1", "60")]);
    let response = post_to(&app, GRID, &cookie, &forged_token).await;
    assert_eq!(response.status(), 403);

    let (viewer, viewer_csrf) = logged_in(&app, "reader-grid", Role::Viewer, None).await;
    let response = app.get_with_session(GRID, &viewer).await;
    assert_eq!(response.status(), 403);
    let response = post_to(
        &app,
        GRID,
        &viewer,
        &grid_form(&viewer_csrf, "ASEAN", &[("value.KPI-1", "60")]),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert!(observations(&app, "KPI-1").await.is_empty());

    // The Secretariat chooses the scope: ASEAN here, validated on entry.
    let (officer, officer_csrf) = logged_in(&app, "officer-grid", Role::Secretariat, None).await;
    let html = app
        .get_with_session(&format!("{GRID}?scope=ASEAN&year=2026"), &officer)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"<option value="ASEAN" selected>"#),
        "{html}"
    );
    let response = post_to(
        &app,
        GRID,
        &officer,
        &grid_form(&officer_csrf, "ASEAN", &[("value.KPI-1", "61.25")]),
    )
    .await;
    assert_eq!(response.status(), 303);
    let stored = observations(&app, "KPI-1").await;
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["scope"], "ASEAN");
    assert_eq!(stored[0]["value"], 61.25);
    assert_eq!(stored[0]["validation"]["state"], "validated");
}

#[tokio::test]
async fn a_locked_year_is_refused_with_409_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    api_post(
        &app,
        &t.secretariat,
        "/locks",
        &json!({"until": "2026-12-31", "note": "mid-term cut-off"}),
    )
    .await;
    let (cookie, csrf) = logged_in(&app, "vnm-grid", Role::FocalPoint, Some("VNM")).await;
    let form = grid_form(
        &csrf,
        "VNM",
        &[("value.KPI-1", "53"), ("value.KPI-2", "70")],
    );
    let response = post_to(&app, GRID, &cookie, &form).await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("are locked for the Secretariat&#39;s review, so the values for 2026 cannot be entered now: nothing was recorded"),
        "{html}"
    );
    assert!(html.contains(r#"value="70""#));
    assert!(observations(&app, "KPI-1").await.is_empty());
    assert!(observations(&app, "KPI-2").await.is_empty());
}

/// The ids of the framework's observations in a validation state.
async fn in_state(app: &TestApp, state: &str) -> Vec<i64> {
    app.get_json(&format!("{SP}/observations?validation={state}"))
        .await["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_desk_lists_waiting_observations_and_validates_or_returns_them() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    defined(&app, &t).await;
    let stored = api_post(
        &app,
        &t.vnm,
        "/observations",
        &json!({"observations": [
            {"indicator": "KPI-1", "scope": "VNM", "year": 2026, "value": 53.0, "source": "NSO survey"},
            {"indicator": "KPI-2", "scope": "VNM", "year": 2026, "value": 70.0},
            {"indicator": "KPI-2", "scope": "VNM", "year": 2025, "value": 69.5},
        ]}),
    )
    .await;
    let ids: Vec<i64> = stored["observations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    let (cookie, csrf) = logged_in(&app, "officer", Role::Secretariat, None).await;
    let desk = "/review?framework=ascc-strategic-plan";
    let html = app
        .get_with_session(desk, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Indicator observations awaiting validation"));
    assert!(html.contains("3 observations await validation"), "{html}");
    assert!(html.contains(&format!(r#"name="obs" value="{}""#, ids[0])));
    assert!(html.contains("NSO survey"));
    assert!(html.contains("by vnm-focal"));

    let decide = |decision: &str, ticked: &[i64], extra: &[(&'static str, &str)]| {
        let mut form = vec![
            ("csrf", csrf.clone()),
            ("framework", "ascc-strategic-plan".to_owned()),
            ("decision", decision.to_owned()),
        ];
        form.extend(ticked.iter().map(|id| ("obs", id.to_string())));
        form.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        form
    };
    let path = "/review/observations";

    // Returning without a reason: 422 next to the box, nothing decided.
    let response = post_to(&app, path, &cookie, &decide("return", &ids[1..2], &[])).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"id="obs_reason-error""#), "{html}");
    assert!(html.contains(r##"<a href="#obs_reason">"##));
    // Validating without the source checked: 422.
    let response = post_to(&app, path, &cookie, &decide("validate", &ids[..1], &[])).await;
    assert_eq!(response.status(), 422);
    // A forged token: 403.
    let mut forged = decide("validate", &ids[..1], &[("obs_evidence_checked", "1")]);
    forged[0].1 = "forged".to_owned();
    assert_eq!(post_to(&app, path, &cookie, &forged).await.status(), 403);
    assert_eq!(in_state(&app, "reported").await.len(), 3);

    // Validate two in bulk, return one with its reason.
    let response = post_to(
        &app,
        path,
        &cookie,
        &decide(
            "validate",
            &[ids[0], ids[2]],
            &[("obs_evidence_checked", "1")],
        ),
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.contains("done=observations-validated&count=2"),
        "{location}"
    );
    let html = app
        .get_with_session(&location, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("2 observations validated."));
    let response = post_to(
        &app,
        path,
        &cookie,
        &decide(
            "return",
            &ids[1..2],
            &[("obs_reason", "The source is missing")],
        ),
    )
    .await;
    assert_eq!(response.status(), 303);
    let mut validated = in_state(&app, "validated").await;
    validated.sort_unstable();
    assert_eq!(validated, vec![ids[0], ids[2]]);
    assert_eq!(in_state(&app, "returned").await, vec![ids[1]]);
    assert!(in_state(&app, "reported").await.is_empty());
    let kpi2 = observations(&app, "KPI-2").await;
    let returned = kpi2.iter().find(|o| o["id"] == ids[1]).unwrap();
    assert_eq!(returned["validation"]["reason"], "The source is missing");
    assert_eq!(returned["validation"]["by"], "officer");

    // Deciding again: 409, nothing changes.
    let response = post_to(
        &app,
        path,
        &cookie,
        &decide("return", &[ids[0]], &[("obs_reason", "again")]),
    )
    .await;
    assert_eq!(response.status(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("no longer awaits validation")
    );
    assert_eq!(in_state(&app, "returned").await, vec![ids[1]]);

    // The focal point's grid shows the returned value with its reason.
    let (focal, _) = logged_in(&app, "vnm-grid", Role::FocalPoint, Some("VNM")).await;
    let html = app
        .get_with_session(&format!("{GRID}?year=2026"), &focal)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("70 was returned: The source is missing"),
        "{html}"
    );
}
