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

// --- the /review page ---

const OFFICER_PASSWORD: &str = "a long desk passphrase";

/// Logs a new Secretariat officer in; returns its session cookie and anti-forgery token.
async fn officer(app: &TestApp) -> (String, String) {
    app.account_with_password(
        "officer",
        blueprint_tracker::domain::Role::Secretariat,
        None,
        OFFICER_PASSWORD,
    )
    .await;
    let cookie = app.session("officer", OFFICER_PASSWORD).await;
    let csrf = app.csrf(&cookie).await;
    (cookie, csrf)
}

async fn desk(app: &TestApp, cookie: &str, query: &str) -> String {
    let response = app
        .get_with_session(
            &format!("/review?framework=ascc-strategic-plan{query}"),
            cookie,
        )
        .await;
    assert_eq!(response.status(), 200, "/review{query}");
    response.text().await.unwrap()
}

/// The ids of the reports the desk lists (its checkboxes).
fn listed(html: &str) -> Vec<i64> {
    html.match_indices(r#"name="id" value=""#)
        .filter_map(|(at, m)| {
            let rest = &html[at + m.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect()
}

async fn post_desk(app: &TestApp, cookie: &str, form: &[(&str, String)]) -> reqwest::Response {
    post_to(app, "/review", cookie, form).await
}

#[tokio::test]
async fn the_desk_lists_the_reports_in_force_awaiting_validation_with_the_report_each_replaces() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = app
        .token(
            "tha-focal",
            blueprint_tracker::domain::Role::FocalPoint,
            Some("THA"),
        )
        .await;
    // Viet Nam: 1.1.2 twice (the first replaced); 1.1.3 by the Secretariat, then by the focal
    // point. Thailand: 1.1.2 once.
    let replaced = recorded(&app, &t.vnm, &report("VNM", "2026-01-31")).await;
    let later = recorded(&app, &t.vnm, &report("VNM", "2026-02-28")).await;
    let by_secretariat = recorded(
        &app,
        &t.secretariat,
        &json!({"measure":"1.1.3","scope":"VNM","status":"not_started","effective_date":"2026-01-01"}),
    )
    .await;
    let over_it = recorded(
        &app,
        &t.vnm,
        &json!({"measure":"1.1.3","scope":"VNM","status":"ongoing","effective_date":"2026-03-31",
                "evidence_url":"https://example.org/decree-12"}),
    )
    .await;
    let thai = recorded(&app, &tha, &report("THA", "2026-01-31")).await;
    let (cookie, _) = officer(&app).await;

    // In force only, by default: oldest first.
    let html = desk(&app, &cookie, "").await;
    assert_eq!(listed(&html), [later, over_it, thai]);
    assert!(
        html.contains("3 reports awaiting validation and in force (1 more a later report replaced")
    );
    assert!(
        html.contains(&format!("(report {by_secretariat}, Validated)")),
        "{html}"
    );
    assert!(html.contains(r#"href="https://example.org/decree-12""#));
    assert!(html.contains(&format!("(report {replaced}, Awaiting validation)")));
    assert!(html.contains(r#"href="/review" aria-current="page">Review</a>"#));

    // Every waiting report, the replaced one marked.
    let html = desk(&app, &cookie, "&all=1").await;
    assert_eq!(listed(&html), [replaced, later, over_it, thai]);
    assert!(html.contains("Replaced by a later report"));

    // One scope; one sectoral body (the one leading 1.1.2, and one leading nothing).
    assert_eq!(listed(&desk(&app, &cookie, "&state=THA").await), [thai]);
    assert_eq!(
        listed(&desk(&app, &cookie, "&state=VNM&all=1").await),
        [replaced, later, over_it]
    );
    let measures = app.get_json(&format!("{SP}/measures?q=1.1.2")).await;
    let body = measures
        .as_array()
        .or_else(|| measures["measures"].as_array())
        .and_then(|m| m.iter().find(|m| m["code"] == "1.1.2"))
        .and_then(|m| m["lead_bodies"][0].as_str())
        .map(str::to_owned);
    if let Some(body) = body {
        let html = desk(&app, &cookie, &format!("&body={body}")).await;
        assert!(listed(&html).contains(&later));
        assert!(listed(&html).contains(&thai));
    }
    assert!(listed(&desk(&app, &cookie, "&body=NO-SUCH-BODY").await).is_empty());

    // One reporting round: the reports effective within its period.
    let round = json!({"code":"2026-02","period_start":"2026-02-01","period_end":"2026-02-28",
                       "opens_on":"2026-02-20","due_on":"2026-03-15"});
    let response = app
        .post(&format!("{SP}/rounds"), Some(&t.secretariat), &round)
        .await;
    assert_eq!(response.status(), 201);
    let html = desk(&app, &cookie, "&round=2026-02&all=1").await;
    assert_eq!(listed(&html), [later]);
    assert!(html.contains(
        r#"<option value="2026-02" selected>2026-02 (2026-02-01 to 2026-02-28)</option>"#
    ));
    let response = app
        .get_with_session("/review?framework=ascc-strategic-plan&round=nope", &cookie)
        .await;
    assert_eq!(response.status(), 404);

    // Only the Secretariat and admins; a visitor is sent to log in.
    for (name, role, state) in [
        (
            "hanoi",
            blueprint_tracker::domain::Role::FocalPoint,
            Some("VNM"),
        ),
        ("watcher", blueprint_tracker::domain::Role::Viewer, None),
    ] {
        app.account_with_password(name, role, state, OFFICER_PASSWORD)
            .await;
        let other = app.session(name, OFFICER_PASSWORD).await;
        let response = app.get_with_session("/review", &other).await;
        assert_eq!(response.status(), 403, "{name}");
        let html = response.text().await.unwrap();
        assert!(
            !html.contains(r#"href="/review""#),
            "no Review link for {name}"
        );
    }
    let response = crate::support::browser()
        .get(format!("{}/review", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=%2Freview");
}

#[tokio::test]
async fn the_desk_pages_by_fifty() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let reports: Vec<Value> = (1..=55)
        .map(|day| {
            let date =
                chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(day);
            report("VNM", &date.to_string())
        })
        .collect();
    let response = app.record(&t.vnm, &json!({"reports": reports})).await;
    assert_eq!(response.status(), 201);
    let (cookie, _) = officer(&app).await;

    let html = desk(&app, &cookie, "&all=1").await;
    assert_eq!(listed(&html).len(), 50);
    assert!(html.contains("55 reports awaiting validation, 54 of them replaced"));
    assert!(html.contains("Page 1 of 2."));
    assert!(
        html.contains(
            r#"href="/review?framework=ascc-strategic-plan&#38;all=1&#38;page=2" rel="next""#
        ),
        "{html}"
    );
    let html = desk(&app, &cookie, "&all=1&page=2").await;
    assert_eq!(listed(&html).len(), 5);
    assert!(html.contains("Page 2 of 2."));
    // In force only: the last one.
    assert_eq!(listed(&desk(&app, &cookie, "").await).len(), 1);
}

#[tokio::test]
async fn an_officer_validates_several_and_returns_one_from_the_desk() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = app
        .token(
            "tha-focal",
            blueprint_tracker::domain::Role::FocalPoint,
            Some("THA"),
        )
        .await;
    let mut ids = Vec::new();
    for (scope, token, measure) in [
        ("VNM", &t.vnm, "1.1.2"),
        ("VNM", &t.vnm, "1.1.3"),
        ("THA", &tha, "1.1.2"),
        ("THA", &tha, "1.1.3"),
    ] {
        let body = json!({"measure":measure,"scope":scope,"status":"ongoing","effective_date":"2026-03-31"});
        ids.push(recorded(&app, token, &body).await);
    }
    let (cookie, csrf) = officer(&app).await;
    let base = |decision: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("framework", "ascc-strategic-plan".to_owned()),
            ("decision", decision.to_owned()),
        ]
    };
    let audited = app.audit_count().await;

    // Refusals, each next to its field, nothing stored.
    let mut no_evidence = base("validate");
    no_evidence.extend([("id", ids[0].to_string()), ("id", ids[1].to_string())]);
    let mut no_reason = base("return");
    no_reason.extend([("id", ids[3].to_string()), ("reason", "  ".to_owned())]);
    let mut none_ticked = base("validate");
    none_ticked.push(("evidence_checked", "1".to_owned()));
    for (form, field) in [
        (&no_evidence, "evidence_checked-error"),
        (&no_reason, "reason-error"),
        (&none_ticked, "reports-error"),
    ] {
        let response = post_desk(&app, &cookie, form).await;
        assert_eq!(response.status(), 422, "{field}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!(r#"id="{field}""#)),
            "{field}: {html}"
        );
        assert!(html.contains("error-summary"));
    }
    // The ticks are kept when the desk is shown again.
    let html = post_desk(&app, &cookie, &no_evidence)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!(r#"value="{}" checked"#, ids[0])));
    // A forged form (no token, or another's) is refused.
    let mut forged = no_evidence.clone();
    forged[0].1 = "not-the-token".to_owned();
    forged.push(("evidence_checked", "1".to_owned()));
    assert_eq!(post_desk(&app, &cookie, &forged).await.status(), 403);
    assert_eq!(app.audit_count().await, audited);

    // Validate three at once.
    let mut three = base("validate");
    three.push(("evidence_checked", "1".to_owned()));
    for id in &ids[..3] {
        three.push(("id", id.to_string()));
    }
    let response = post_desk(&app, &cookie, &three).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/review?framework=ascc-strategic-plan&done=validated&count=3"
    );
    let html = desk(&app, &cookie, "&done=validated&count=3").await;
    assert!(html.contains("3 validated."));
    assert_eq!(listed(&html), [ids[3]]);

    // Again with one already validated: all refused, shown as a conflict.
    let mut again = base("return");
    again.extend([
        ("id", ids[0].to_string()),
        ("id", ids[3].to_string()),
        ("reason", "missing link".to_owned()),
    ]);
    let response = post_desk(&app, &cookie, &again).await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.unwrap();
    assert!(html.contains("Nothing was decided"));
    assert_eq!(states(&app, &ids[3..]).await, ["reported"]);

    // Return the last one with its reason.
    let mut one = base("return");
    one.extend([
        ("id", ids[3].to_string()),
        ("reason", "The evidence link is missing".to_owned()),
    ]);
    let response = post_desk(&app, &cookie, &one).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        states(&app, &ids).await,
        ["validated", "validated", "validated", "returned"]
    );
    let returns = audit_of(&app, &t.admin, "report.return").await;
    assert_eq!(returns.len(), 1);
    assert_eq!(returns[0]["actor"], "officer");
    assert_eq!(
        returns[0]["detail"]["reason"],
        "The evidence link is missing"
    );
    assert_eq!(audit_of(&app, &t.admin, "report.validate").await.len(), 3);
}

#[tokio::test]
async fn the_secretariat_locks_from_the_pages_and_only_an_admin_releases() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let (cookie, csrf) = officer(&app).await;
    let create = "/review/locks/ascc-strategic-plan";
    let audited = app.audit_count().await;

    // Refusals next to the date; nothing stored.
    for until in ["", "31/12/2026", "1999-12-31"] {
        let form = [("csrf", csrf.clone()), ("until", until.to_owned())];
        let response = post_to(&app, create, &cookie, &form).await;
        assert_eq!(response.status(), 422, "{until}");
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"id="until-error""#), "{until}: {html}");
    }
    let forged = [
        ("csrf", "forged".to_owned()),
        ("until", "2026-06-30".to_owned()),
    ];
    assert_eq!(post_to(&app, create, &cookie, &forged).await.status(), 403);
    assert_eq!(app.audit_count().await, audited);

    let form = [
        ("csrf", csrf.clone()),
        ("until", "2026-06-30".to_owned()),
        ("note", "Mid-term review cut-off".to_owned()),
    ];
    let response = post_to(&app, create, &cookie, &form).await;
    assert_eq!(response.status(), 303);
    let page = "/review/locks?framework=ascc-strategic-plan";
    let html = app
        .get_with_session(page, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<th scope=\"row\">2026-06-30</th><td>Mid-term review cut-off</td>"));
    assert!(html.contains("by officer"));
    assert!(
        !html.contains(">Release<"),
        "the Secretariat is offered no release"
    );
    let locks = app.get_json(&format!("{SP}/locks")).await;
    let lock_id = locks["locks"][0]["id"].as_i64().unwrap();
    // A report inside the lock is now refused.
    let response = app.record(&t.vnm, &report("VNM", "2026-03-31")).await;
    assert_eq!(response.status(), 409);

    // The Secretariat cannot release it, even by forging the form; an admin can.
    let release = format!("/review/locks/ascc-strategic-plan/{lock_id}/release");
    let response = post_to(&app, &release, &cookie, &[("csrf", csrf.clone())]).await;
    assert_eq!(response.status(), 403);
    assert!(app.get_json(&format!("{SP}/locks")).await["locks"][0]["released_at"].is_null());
    app.account_with_password(
        "chief",
        blueprint_tracker::domain::Role::Admin,
        None,
        OFFICER_PASSWORD,
    )
    .await;
    let admin = app.session("chief", OFFICER_PASSWORD).await;
    let admin_csrf = app.csrf(&admin).await;
    let html = app
        .get_with_session(page, &admin)
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains(&format!("action=\"{release}\"")));
    let response = post_to(&app, &release, &admin, &[("csrf", admin_csrf)]).await;
    assert_eq!(response.status(), 303);
    let locks = app.get_json(&format!("{SP}/locks")).await;
    assert_eq!(locks["locks"][0]["released_by"], "chief");
    assert_eq!(
        app.record(&t.vnm, &report("VNM", "2026-03-31"))
            .await
            .status(),
        201
    );
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

// --- round submissions on the desk ---

/// The part of the desk listing the round submissions awaiting a decision.
fn submissions_section(html: &str) -> &str {
    let start = html
        .find("Round submissions awaiting a decision")
        .expect("the section");
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap_or(rest.len())]
}

/// The state of `state` in the demo's round 2026-Q4: its last action and whether accepted.
async fn q4_of(app: &TestApp, state: &str) -> (Value, Value) {
    let round = app.get_json(&format!("{SP}/rounds/2026-Q4")).await;
    let row = round["completeness"]["states"]
        .as_array()
        .or_else(|| round["states"].as_array())
        .unwrap()
        .iter()
        .find(|s| s["state"] == state)
        .unwrap()
        .clone();
    (row["last_action"].clone(), row["accepted"].clone())
}

fn decision(csrf: &str, state: &str, decision: &str, reason: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_owned()),
        ("framework", "ascc-strategic-plan".to_owned()),
        ("round", "2026-Q4".to_owned()),
        ("state", state.to_owned()),
        ("decision", decision.to_owned()),
        ("reason", reason.to_owned()),
    ]
}

#[tokio::test]
async fn the_desk_lists_the_round_submissions_awaiting_a_decision_and_decides_them() {
    let app = TestApp::spawn_with_demo().await;
    let (cookie, csrf) = officer(&app).await;
    let html = desk(&app, &cookie, "").await;
    let section = submissions_section(&html);
    for name in ["Indonesia", "Singapore", "Viet Nam"] {
        assert!(
            section.contains(&format!("Round 2026-Q4</a> of {name}")),
            "{name}: {section}"
        );
    }
    assert!(section.contains("href=\"/rounds/ascc-strategic-plan/2026-Q4\""));
    assert!(section.contains("on time"));
    assert!(section.contains("Coverage of the round"));
    assert!(section.contains("for=\"sub-reason-2026-Q4-IDN\""));
    assert!(section.contains("id=\"sub-reason-2026-Q4-IDN\""));
    // Q3 was decided for every state: none of it waits.
    assert!(!section.contains("Round 2026-Q3"));
    // The scope filter keeps one state's.
    let one = desk(&app, &cookie, "&state=SGP").await;
    let one = submissions_section(&one);
    assert!(one.contains("of Singapore"));
    assert!(!one.contains("of Indonesia"));

    // Accept Indonesia's.
    let response = post_to(
        &app,
        "/review/submissions",
        &cookie,
        &decision(&csrf, "IDN", "accept", ""),
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("/review?framework=ascc-strategic-plan"),
        "{location}"
    );
    let done = app.get_with_session(&location, &cookie).await;
    assert_eq!(done.status(), 200);
    let done = done.text().await.unwrap();
    assert!(
        done.contains("Round 2026-Q4 of Indonesia accepted."),
        "{done}"
    );
    assert!(!submissions_section(&done).contains("of Indonesia"));
    assert_eq!(
        q4_of(&app, "IDN").await,
        (Value::from("accepted"), Value::from(true))
    );
    // Accepting it again is a conflict, shown on the desk.
    let again = post_to(
        &app,
        "/review/submissions",
        &cookie,
        &decision(&csrf, "IDN", "accept", ""),
    )
    .await;
    assert_eq!(again.status(), 409);

    // Returning Singapore's without a reason: refused next to its field, nothing stored.
    let response = post_to(
        &app,
        "/review/submissions",
        &cookie,
        &decision(&csrf, "SGP", "return", "  "),
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("id=\"sub-reason-2026-Q4-SGP-error\""),
        "{html}"
    );
    assert!(html.contains("href=\"#sub-reason-2026-Q4-SGP\""));
    assert_eq!(q4_of(&app, "SGP").await.0, Value::from("submitted"));

    // With a reason: returned, and the audit and outbox follow the API's use case.
    let response = post_to(
        &app,
        "/review/submissions",
        &cookie,
        &decision(&csrf, "SGP", "return", "Add the evidence of 1.1.2."),
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let done = app
        .get_with_session(&location, &cookie)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        done.contains("Round 2026-Q4 of Singapore returned to its focal point."),
        "{done}"
    );
    assert!(!submissions_section(&done).contains("of Singapore"));
    assert!(submissions_section(&done).contains("of Viet Nam"));
    assert_eq!(q4_of(&app, "SGP").await.0, Value::from("returned"));
}

#[tokio::test]
async fn only_a_reviewer_with_its_token_decides_a_round_submission() {
    let app = TestApp::spawn_with_demo().await;
    let (cookie, _csrf) = officer(&app).await;
    let response = post_to(
        &app,
        "/review/submissions",
        &cookie,
        &decision("forged", "VNM", "accept", ""),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_eq!(q4_of(&app, "VNM").await.0, Value::from("submitted"));

    app.account_with_password(
        "vnm-desk",
        blueprint_tracker::domain::Role::FocalPoint,
        Some("VNM"),
        OFFICER_PASSWORD,
    )
    .await;
    let focal = app.session("vnm-desk", OFFICER_PASSWORD).await;
    let focal_csrf = app.csrf(&focal).await;
    let response = post_to(
        &app,
        "/review/submissions",
        &focal,
        &decision(&focal_csrf, "VNM", "accept", ""),
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_eq!(q4_of(&app, "VNM").await.0, Value::from("submitted"));
}
