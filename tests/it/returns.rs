//! Returned reports stop counting, and "no report" apart from "not started" (issue "Reporting
//! rounds", items 3 and 4): a report the Secretariat returned counts on neither basis from the
//! instant of its return, the pair falls back to the report in force before it (or to no
//! report), `known_at` before the return still sees it; its focal point may correct it with the
//! same measure, scope and effective date inside a locked period, nobody else and nothing else.

use blueprint_tracker::domain::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";

fn report(measure: &str, scope: &str, status: &str, progress: Option<u8>, date: &str) -> Value {
    let mut body = json!({"measure": measure, "scope": scope, "status": status,
                          "effective_date": date});
    if let Some(p) = progress {
        body["progress"] = json!(p);
    }
    body
}

async fn recorded(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app.record(token, body).await;
    assert_eq!(response.status(), 201, "recording {body}");
    response.json().await.unwrap()
}

async fn give_back(app: &TestApp, token: &str, id: &Value) -> Value {
    let response = app
        .post(
            &format!("{SP}/reports/{id}/return"),
            Some(token),
            &json!({"reason": "The percentage does not match the evidence."}),
        )
        .await;
    assert_eq!(response.status(), 200, "returning {id}");
    response.json().await.unwrap()
}

/// The figures of one measure row of `progress?level=measure&node=1.1` in a scope.
async fn measure_rate(app: &TestApp, scope: &str, measure: &str, extra: &str) -> Value {
    let body = app
        .get_json(&format!(
            "{SP}/progress?scope={scope}&as_of=2026-12-31&level=measure&node=1.1{extra}"
        ))
        .await;
    let found = body["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["code"] == measure)
        .cloned();
    assert!(found.is_some(), "{measure} in {body}");
    found.unwrap()
}

fn counts(rate: &Value) -> (u64, u64, u64, u64, u64) {
    let n = |k: &str| rate[k].as_u64().unwrap();
    (
        n("completed"),
        n("ongoing"),
        n("not_started"),
        n("unreported"),
        n("progress_points"),
    )
}

#[tokio::test]
async fn a_returned_report_stops_counting_on_both_bases_and_the_pair_falls_back() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    // March, by the Secretariat (validated on entry); June, by the focal point.
    let march = recorded(
        &app,
        &t.secretariat,
        &report("1.1.2", "VNM", "ongoing", Some(40), "2026-03-31"),
    )
    .await;
    let june = recorded(
        &app,
        &t.vnm,
        &report("1.1.2", "VNM", "completed", None, "2026-06-30"),
    )
    .await;
    // 1.1.3: one report only, by the focal point.
    let only = recorded(
        &app,
        &t.vnm,
        &report("1.1.3", "VNM", "ongoing", Some(30), "2026-06-30"),
    )
    .await;

    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.2", "").await),
        (1, 0, 0, 0, 100)
    );
    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.3", "").await),
        (0, 1, 0, 0, 30)
    );
    let before_overall = app
        .get_json(&format!("{SP}/progress?scope=VNM&as_of=2026-12-31"))
        .await["overall"]
        .clone();

    let returned = give_back(&app, &t.secretariat, &june["id"]).await;
    let returned_at: chrono::DateTime<chrono::Utc> = returned["validation"]["at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    give_back(&app, &t.secretariat, &only["id"]).await;

    // At once: 1.1.2 falls back to March, 1.1.3 to no report (not started, unreported).
    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.2", "").await),
        (0, 1, 0, 0, 40)
    );
    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.3", "").await),
        (0, 0, 1, 1, 0)
    );
    let after_overall = app
        .get_json(&format!("{SP}/progress?scope=VNM&as_of=2026-12-31"))
        .await["overall"]
        .clone();
    let n = |r: &Value, k: &str| r[k].as_u64().unwrap();
    assert_eq!(
        n(&after_overall, "completed"),
        n(&before_overall, "completed") - 1
    );
    assert_eq!(
        n(&after_overall, "unreported"),
        n(&before_overall, "unreported") + 1
    );
    assert_eq!(
        n(&after_overall, "progress_points"),
        n(&before_overall, "progress_points") - 60 - 30
    );
    // The validated basis never counted June: March holds there.
    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.2", "&basis=validated").await),
        (0, 1, 0, 0, 40)
    );
    // As known just before the return, June counted; as known at the return, no more.
    let just_before = (returned_at - chrono::Duration::microseconds(1)).to_rfc3339();
    let known = |t: &str| format!("&known_at={}", t.replace('+', "%2B"));
    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.2", &known(&just_before)).await),
        (1, 0, 0, 0, 100)
    );
    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.2", &known(&returned_at.to_rfc3339())).await),
        (0, 1, 0, 0, 40)
    );

    // The measure's status says the same: the March report for 1.1.2, none for 1.1.3.
    let status = app
        .get_json(&format!("{SP}/measures/1.1.2/status?as_of=2026-12-31"))
        .await;
    let vnm = |s: &Value| {
        s["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["scope"] == "VNM")
            .unwrap()
            .clone()
    };
    assert_eq!(vnm(&status)["report"]["id"], march["id"]);
    let status = app
        .get_json(&format!("{SP}/measures/1.1.3/status?as_of=2026-12-31"))
        .await;
    assert!(vnm(&status)["report"].is_null());
    assert_eq!(vnm(&status)["status"], "not_started");

    // The status export (CSV, XLSX and SDMX share its reading) falls back the same way.
    let csv = app
        .get_bytes(&format!("{SP}/status/export?as_of=2026-12-31&scope=VNM"))
        .await;
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv.as_slice())
        .records()
        .map(Result::unwrap)
        .collect();
    let row = |measure: &str| {
        let found = rows.iter().find(|r| &r[1] == measure && &r[2] == "VNM");
        assert!(found.is_some(), "{measure} in the export");
        let r = found.unwrap();
        [r[3].to_owned(), r[4].to_owned(), r[5].to_owned()]
    };
    assert_eq!(row("1.1.2"), ["ongoing", "40", "2026-03-31"]);
    assert_eq!(row("1.1.3"), ["not_started", "", ""]);

    // A second server on the same database (a fresh index) agrees.
    let other = TestApp::spawn_on(&app.database_url).await;
    assert_eq!(
        counts(&measure_rate(&other, "VNM", "1.1.2", "").await),
        (0, 1, 0, 0, 40)
    );
    assert_eq!(
        counts(&measure_rate(&other, "VNM", "1.1.2", &known(&just_before)).await),
        (1, 0, 0, 0, 100)
    );
}

#[tokio::test]
async fn its_focal_point_corrects_a_returned_report_inside_a_lock_and_nothing_else_gets_in() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = app.token("tha-focal", Role::FocalPoint, Some("THA")).await;
    let first = recorded(
        &app,
        &t.vnm,
        &report("1.1.8", "VNM", "ongoing", Some(30), "2026-06-30"),
    )
    .await;
    let thai = recorded(
        &app,
        &tha,
        &report("1.1.8", "THA", "ongoing", Some(30), "2026-06-30"),
    )
    .await;
    give_back(&app, &t.secretariat, &first["id"]).await;
    let response = app
        .post(
            &format!("{SP}/locks"),
            Some(&t.secretariat),
            &json!({"until": "2026-06-30"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let stored_before = app.stored_reports().await;

    // Another state's focal point may not write Viet Nam's report at all.
    let correction = report("1.1.8", "VNM", "ongoing", Some(20), "2026-06-30");
    let response = app.record(&tha, &correction).await;
    assert_problem(response, 403, "forbidden").await;
    // A new back-dated report (no return to answer) is still refused, for both states.
    for (token, body) in [
        (
            &t.vnm,
            report("1.1.9", "VNM", "ongoing", None, "2026-06-30"),
        ),
        (
            &t.vnm,
            report("1.1.8", "VNM", "ongoing", None, "2026-05-31"),
        ),
        (
            &tha,
            report("1.1.8", "THA", "ongoing", Some(20), "2026-06-30"),
        ),
    ] {
        let response = app.record(token, &body).await;
        assert_problem(response, 409, "locked_period").await;
    }
    assert_eq!(app.stored_reports().await, stored_before);

    // Its own focal point: accepted, linked to the returned report, audited as such.
    let fixed = recorded(&app, &t.vnm, &correction).await;
    assert_eq!(fixed["corrects"], first["id"]);
    assert_eq!(fixed["lock_override"], false);
    let audit = app
        .get_json_as(
            &t.admin,
            "/api/v1/audit?action=status.correction_after_return",
        )
        .await;
    let events = audit["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{audit}");
    assert_eq!(events[0]["actor"], "vnm-focal");
    assert_eq!(events[0]["detail"]["reports"][0]["corrects"], first["id"]);
    assert_eq!(
        counts(&measure_rate(&app, "VNM", "1.1.8", "").await),
        (0, 1, 0, 0, 20)
    );

    // One correction per return: a second one is a new back-dated report.
    let response = app
        .record(
            &t.vnm,
            &report("1.1.8", "VNM", "ongoing", Some(25), "2026-06-30"),
        )
        .await;
    assert_problem(response, 409, "locked_period").await;
    // The correction returned in turn can be corrected again.
    give_back(&app, &t.secretariat, &fixed["id"]).await;
    let again = recorded(
        &app,
        &t.vnm,
        &report("1.1.8", "VNM", "ongoing", Some(25), "2026-06-30"),
    )
    .await;
    assert_eq!(again["corrects"], fixed["id"]);
    // Thailand's report, never returned, is untouched and still counts.
    assert_eq!(
        counts(&measure_rate(&app, "THA", "1.1.8", "").await),
        (0, 1, 0, 0, 30)
    );
    assert!(thai["corrects"].is_null());
}

#[tokio::test]
async fn no_report_is_counted_apart_from_a_report_of_not_started_under_every_rule() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    recorded(
        &app,
        &t.secretariat,
        &json!({"reports": [
            report("1.1.2", "VNM", "not_started", None, "2026-03-31"),
            report("1.1.3", "VNM", "completed", None, "2026-03-31"),
            report("1.1.2", "ASEAN", "not_started", None, "2026-03-31"),
        ]}),
    )
    .await;
    let vnm = measure_rate(&app, "VNM", "1.1.2", "").await;
    assert_eq!(counts(&vnm), (0, 0, 1, 0, 0));
    let nobody = measure_rate(&app, "VNM", "1.1.4", "").await;
    assert_eq!(counts(&nobody), (0, 0, 1, 1, 0));
    let overall = app
        .get_json(&format!("{SP}/progress?scope=VNM&as_of=2026-12-31"))
        .await["overall"]
        .clone();
    let n = |r: &Value, k: &str| r[k].as_u64().unwrap();
    // Every applicable measure but the two reported has no report.
    assert_eq!(n(&overall, "unreported"), n(&overall, "applicable") - 2);
    assert_eq!(n(&overall, "not_started"), n(&overall, "applicable") - 1);

    let cmp = app
        .get_json(&format!("{SP}/compare?as_of=2026-12-31&node=1.1"))
        .await;
    let states = cmp["states"].as_array().unwrap();
    let measures = n(&cmp["all_states"], "measures");
    // all_states: every measure has a participant without a report.
    assert_eq!(n(&cmp["all_states"], "unreported"), measures);
    // cells: every cell but VNM's two.
    assert_eq!(
        n(&cmp["cells"], "unreported"),
        measures * states.len() as u64 - 2
    );
    // regional: 1.1.2 reported not started, the rest without a report.
    assert_eq!(n(&cmp["regional"], "not_started"), measures);
    assert_eq!(n(&cmp["regional"], "unreported"), measures - 1);
}
