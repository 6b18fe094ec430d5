//! Published figures (claims) and review editions (issue 18) through the API and the command
//! line, on a small framework whose every figure is computed by hand below.
//!
//! The framework `claims-fw` (2020–2030) has one goal and four measures (1.1–1.4); its
//! participants are Viet Nam and Thailand only. Reports are stored with the instant they were
//! recorded set by the test (the store's bulk append, as the synthetic loader does), so that
//! "as known on the publication day" (the end of 2025-06-10) and "now" see different data:
//!
//! | measure | ASEAN                         | VNM          | THA                          |
//! |---------|-------------------------------|--------------|------------------------------|
//! | 1.1     | completed                     | completed    | completed                    |
//! | 1.2     | ongoing 50%                   | completed    | ongoing 20%                  |
//! | 1.3     | not_started → *completed*     | ongoing 40%  | (none) → *ongoing 60%*       |
//! | 1.4     | (none) → *ongoing (50)*       | n/a          | (none) → *completed*         |
//!
//! Plain: effective 2025-03-31, recorded 2025-06-01 (before publication). *Italic*: effective
//! 2025-04-30, recorded 2025-07-01 (after publication: late reports). Also ASEAN 1.4
//! `completed` effective 2025-06-15 (after every claim's as-of date: never counted).
//!
//! As of 2025-05-31, as known at the end of 2025-06-10 / now:
//!
//! | rule           | completion       | implementation | progress index       |
//! |----------------|------------------|----------------|----------------------|
//! | regional       | 1/4 / 2/4        | 2/4 / 4/4      | 150/400 / 300/400    |
//! | all_states     | 1/4 / 2/4        | 2/4 / 4/4      | 120/400 / 260/400    |
//! | mean_of_states | 11/24 / 7/12     | 3/4 / 1        | 0.55 / 0.75          |
//! | cells          | 3/7 / 4/7        | 5/7 / 7/7      | 360/700 / 520/700    |
//!
//! (VNM: 3 applicable, 2 completed, 1 ongoing 40 → 2/3, 1, 0.8 throughout; THA: 1/4, 2/4, 0.3
//! then 2/4, 1, 0.7.)

use blueprint_tracker::domain::{AuditFilter, NewStatusReport, Scope, Status};
use blueprint_tracker::service::{FrameworkMetadata, ImportFile, Tracker};
use blueprint_tracker::store::ReportRow;
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::{TestApp, Tokens, assert_problem, error_fields, run_cli};

const FW: &str = "claims-fw";
const PARTIAL: &str = "claims-partial";
const PARTIAL_NOTE: &str = "The plan lists 10 strategic measures; 4 are loaded here.";
const TREE: &str = "level,code,parent_code,title,note\n\
goal,G1,,Goal one,\n\
measure,1.1,G1,Measure one,\n\
measure,1.2,G1,Measure two,\n\
measure,1.3,G1,Measure three,\n\
measure,1.4,G1,Measure four,\n";

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// Loads a four-measure framework whose participants are Viet Nam and Thailand only.
async fn small_framework(app: &TestApp, code: &str, note: Option<&str>) {
    app.tracker
        .import_framework(
            code,
            ImportFile {
                name: Some("tree.csv"),
                bytes: TREE.as_bytes(),
            },
            None,
            FrameworkMetadata {
                title: Some(format!("Test plan {code}")),
                start_date: Some(d("2020-01-01")),
                end_date: Some(d("2030-12-31")),
                levels: Some("goal/measure".into()),
                note: note.map(str::to_owned),
                ..FrameworkMetadata::default()
            },
            false,
        )
        .await
        .unwrap();
    // Before any figure is read (the figures are built on first use).
    let db = Database::connect(&app.database_url).await.unwrap();
    db.execute_unprepared(&format!(
        "DELETE FROM participations WHERE framework_id = (SELECT id FROM frameworks WHERE code = '{code}') \
         AND member_state_id NOT IN (SELECT id FROM member_states WHERE code IN ('VNM', 'THA'))"
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
    let participants = app
        .get_json(&format!(
            "/api/v1/frameworks/{code}/participants?as_of=2025-05-31"
        ))
        .await;
    assert_eq!(participants["count"], 2, "{participants}");
}

type Report<'a> = (&'a str, &'a str, Status, Option<u8>, &'a str, &'a str);

/// Stores reports (measure, scope, status, progress, effective date, recorded at).
async fn backdated(tracker: &Tracker, code: &str, reports: &[Report<'_>]) {
    let store = tracker.store();
    let fw = store.framework(code).await.unwrap().unwrap();
    let nodes = store.current_nodes(fw.id).await.unwrap();
    let rows = reports
        .iter()
        .map(
            |&(measure, scope, status, progress, effective, recorded)| ReportRow {
                measure_id: nodes.iter().find(|n| n.code == measure).unwrap().id,
                report: NewStatusReport {
                    measure: measure.to_owned(),
                    scope: scope.parse::<Scope>().unwrap(),
                    status,
                    progress,
                    effective_date: d(effective),
                    note: None,
                    evidence_url: None,
                },
                recorded_at: at(recorded),
            },
        )
        .collect();
    store.append_reports(&fw, rows, None).await.unwrap();
}

const EARLY: &str = "2025-06-01T00:00:00Z";
const LATE: &str = "2025-07-01T00:00:00Z";

/// The scenario of the module's table.
async fn scenario(app: &TestApp) {
    use Status::{Completed, NotApplicable, NotStarted, Ongoing};
    small_framework(app, FW, None).await;
    backdated(
        &app.tracker,
        FW,
        &[
            ("1.1", "ASEAN", Completed, None, "2025-03-31", EARLY),
            ("1.2", "ASEAN", Ongoing, Some(50), "2025-03-31", EARLY),
            ("1.3", "ASEAN", NotStarted, None, "2025-03-31", EARLY),
            ("1.1", "VNM", Completed, None, "2025-03-31", EARLY),
            ("1.2", "VNM", Completed, None, "2025-03-31", EARLY),
            ("1.3", "VNM", Ongoing, Some(40), "2025-03-31", EARLY),
            ("1.4", "VNM", NotApplicable, None, "2025-03-31", EARLY),
            ("1.1", "THA", Completed, None, "2025-03-31", EARLY),
            ("1.2", "THA", Ongoing, Some(20), "2025-03-31", EARLY),
            (
                "1.4",
                "ASEAN",
                Completed,
                None,
                "2025-06-15",
                "2025-06-20T00:00:00Z",
            ),
            ("1.3", "ASEAN", Completed, None, "2025-04-30", LATE),
            ("1.4", "ASEAN", Ongoing, None, "2025-04-30", LATE),
            ("1.3", "THA", Ongoing, Some(60), "2025-04-30", LATE),
            ("1.4", "THA", Completed, None, "2025-04-30", LATE),
        ],
    )
    .await;
}

fn claim_body(scope: &str, metric: &str, value: f64, as_of: &str, published_on: &str) -> Value {
    json!({
        "framework": FW, "scope": scope, "metric": metric, "value": value, "precision": 0.01,
        "as_of": as_of, "published_on": published_on,
        "statement": format!("{metric} was {value}"),
        "source_title": "Test review", "source_url": "https://example.org/review",
    })
}

async fn add(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app.post("/api/v1/claims", Some(token), body).await;
    assert_eq!(response.status(), 201, "POST /claims {body}");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let check: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/claims/{}", check["claim"]["id"]));
    check
}

/// `(rule, figure, verdict)`.
type Expected = (&'static str, Option<f64>, &'static str);

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

/// Asserts one knowledge date's check: every rule's figure, difference and verdict, the rules
/// that reproduce the claim, and the verdict.
fn assert_known(
    check: &Value,
    which: &str,
    verdict: &str,
    reproduced: &[&str],
    rules: &[Expected],
    label: &str,
) {
    let value = check["claim"]["value"].as_f64().unwrap();
    let k = &check[which];
    let got = k["rules"].as_array().unwrap();
    assert_eq!(got.len(), rules.len(), "{label} {which}: {k}");
    for (rule, (name, figure, v)) in got.iter().zip(rules) {
        let context = format!("{label} {which} {name}: {rule}");
        assert_eq!(rule["rule"], *name, "{context}");
        match figure {
            Some(f) => {
                assert!(close(rule["figure"].as_f64().unwrap(), *f), "{context}");
                assert!(
                    close(rule["difference"].as_f64().unwrap(), f - value),
                    "{context}"
                );
            }
            None => assert!(rule["figure"].is_null(), "{context}"),
        }
        assert_eq!(rule["verdict"], *v, "{context}");
        assert_eq!(rule["reproduces"], reproduced.contains(name), "{context}");
    }
    assert_eq!(k["verdict"], verdict, "{label} {which}: {k}");
    assert_eq!(k["reproduced_by"], json!(reproduced), "{label} {which}");
}

const RULES: [&str; 4] = ["regional", "all_states", "mean_of_states", "cells"];

fn four(figures: [f64; 4], verdicts: [&'static str; 4]) -> Vec<Expected> {
    RULES
        .iter()
        .zip(figures.iter().zip(verdicts))
        .map(|(r, (f, v))| (*r, Some(*f), v))
        .collect()
}

const M: &str = "matches";
const D: &str = "differs";
const U: &str = "unverifiable";

#[tokio::test]
async fn claims_are_checked_under_every_rule_as_known_on_publication_day_and_now() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    scenario(&app).await;

    // (claim, at publication: figures, verdicts, verdict, reproduced; now: the same)
    struct Case {
        label: &'static str,
        body: Value,
        publication: ([f64; 4], [&'static str; 4], &'static str, Vec<&'static str>),
        now: ([f64; 4], [&'static str; 4], &'static str, Vec<&'static str>),
    }
    let p = "2025-06-10";
    let a = "2025-05-31";
    let cases = [
        Case {
            label: "implementation 50%",
            body: claim_body("ASEAN", "implementation_rate", 0.5, a, p),
            publication: (
                [0.5, 0.5, 0.75, 5.0 / 7.0],
                [M, M, D, D],
                M,
                vec!["regional", "all_states"],
            ),
            now: ([1.0; 4], [D; 4], D, vec![]),
        },
        Case {
            label: "implementation 100%",
            body: claim_body("ASEAN", "implementation_rate", 1.0, a, p),
            publication: ([0.5, 0.5, 0.75, 5.0 / 7.0], [D; 4], D, vec![]),
            now: ([1.0; 4], [M; 4], M, RULES.to_vec()),
        },
        Case {
            label: "progress index 75%",
            body: claim_body("ASEAN", "progress_index", 0.75, a, p),
            publication: ([0.375, 0.3, 0.55, 360.0 / 700.0], [D; 4], D, vec![]),
            now: (
                [0.75, 0.65, 0.75, 520.0 / 700.0],
                [M, D, M, D],
                M,
                vec!["regional", "mean_of_states"],
            ),
        },
        Case {
            label: "completion 46%",
            body: claim_body("ASEAN", "completion_rate", 0.46, a, p),
            publication: (
                [0.25, 0.25, 11.0 / 24.0, 3.0 / 7.0],
                [D, D, M, D],
                M,
                vec!["mean_of_states"],
            ),
            now: ([0.5, 0.5, 7.0 / 12.0, 4.0 / 7.0], [D; 4], D, vec![]),
        },
        Case {
            label: "completion 43%",
            body: claim_body("ASEAN", "completion_rate", 0.43, a, p),
            publication: (
                [0.25, 0.25, 11.0 / 24.0, 3.0 / 7.0],
                [D, D, D, M],
                M,
                vec!["cells"],
            ),
            now: ([0.5, 0.5, 7.0 / 12.0, 4.0 / 7.0], [D; 4], D, vec![]),
        },
        Case {
            label: "before any report",
            body: claim_body("ASEAN", "implementation_rate", 1.0, "2025-02-28", p),
            publication: ([0.0; 4], [U; 4], U, vec![]),
            now: ([0.0; 4], [U; 4], U, vec![]),
        },
        Case {
            label: "published before the reports were recorded",
            body: claim_body(
                "ASEAN",
                "implementation_rate",
                1.0,
                "2025-04-30",
                "2025-05-15",
            ),
            publication: ([0.0; 4], [U; 4], U, vec![]),
            now: ([1.0; 4], [M; 4], M, RULES.to_vec()),
        },
    ];
    for case in &cases {
        let check = add(&app, &t.secretariat, &case.body).await;
        for (which, (figures, verdicts, verdict, reproduced)) in
            [("at_publication", &case.publication), ("now", &case.now)]
        {
            assert_known(
                &check,
                which,
                verdict,
                reproduced,
                &four(*figures, *verdicts),
                case.label,
            );
        }
        assert_eq!(check["measure_list"]["incomplete"], false);
        assert_eq!(check["measure_list"]["stored"], 4);
        // The same check read back.
        let id = check["claim"]["id"].as_i64().unwrap();
        let again = app.get_json(&format!("/api/v1/claims/{id}")).await;
        assert_eq!(again["at_publication"], check["at_publication"]);
        assert_eq!(again["claim"], check["claim"]);
    }

    // The words, and the instants the data are as known at.
    let listed = app
        .get_json(&format!("/api/v1/claims?framework={FW}"))
        .await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), cases.len());
    let first = &listed[0];
    assert_eq!(
        first["at_publication"]["known_at"],
        "2025-06-10T23:59:59.999999Z"
    );
    assert_eq!(
        first["at_publication"]["summary"],
        "50.0% is reproduced by the regional statuses (regional) and a measure counted only when every member state has reached it (all_states)."
    );
    assert_eq!(
        first["now"]["summary"],
        "No rule reproduces 50.0%: the closest is the regional statuses (regional) at 100.0%, 50.0 percentage points higher."
    );
    assert_eq!(
        listed[1]["at_publication"]["summary"],
        "No rule reproduces 100.0%: the closest is the mean of the member states' own rates (mean_of_states) at 75.0%, 25.0 percentage points lower."
    );
    assert_eq!(
        listed[5]["now"]["rules"][0]["reason"],
        "no report was in force on 2025-02-28 as known then"
    );
    assert_eq!(
        listed[5]["now"]["summary"],
        "Cannot be verified: no report was in force on 2025-02-28 as known then."
    );
    assert_eq!(
        listed[6]["at_publication"]["known_at"],
        "2025-05-15T23:59:59.999999Z"
    );
    // What each figure rests on.
    let now = &first["now"]["rules"];
    assert_eq!(
        [
            &now[0]["rests_on"],
            &now[1]["rests_on"],
            &now[2]["rests_on"],
            &now[3]["rests_on"]
        ],
        [&json!(4), &json!(4), &json!(2), &json!(7)]
    );
    assert_eq!(
        [&now[0]["unit"], &now[2]["unit"], &now[3]["unit"]],
        [&json!("measures"), &json!("states"), &json!("cells")]
    );
    // Every framework's claims: also the one shipped with the tracker.
    let all = app.get_json("/api/v1/claims").await;
    assert_eq!(all.as_array().unwrap().len(), cases.len() + 1);
}

#[tokio::test]
async fn a_member_states_claim_has_its_own_figure() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    scenario(&app).await;
    let vnm = add(
        &app,
        &t.admin,
        &claim_body(
            "VNM",
            "implementation_rate",
            1.0,
            "2025-05-31",
            "2025-06-10",
        ),
    )
    .await;
    for which in ["at_publication", "now"] {
        assert_known(
            &vnm,
            which,
            M,
            &["scope"],
            &[("scope", Some(1.0), M)],
            "VNM",
        );
    }
    assert_eq!(vnm["now"]["rules"][0]["rests_on"], 3);
    let tha = add(
        &app,
        &t.secretariat,
        &claim_body("tha", "completion_rate", 0.25, "2025-05-31", "2025-06-10"),
    )
    .await;
    assert_eq!(tha["claim"]["scope"], "THA");
    assert_known(
        &tha,
        "at_publication",
        M,
        &["scope"],
        &[("scope", Some(0.25), M)],
        "THA",
    );
    assert_known(&tha, "now", D, &[], &[("scope", Some(0.5), D)], "THA");
    assert!(close(
        tha["now"]["rules"][0]["difference"].as_f64().unwrap(),
        0.25
    ));
}

#[tokio::test]
async fn an_indicators_current_status_is_checked_regionally_and_as_the_mean_of_the_states() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    scenario(&app).await;
    let post = |path: String, body: Value| {
        let app = &app;
        let token = t.secretariat.clone();
        async move {
            let response = app.post(&path, Some(&token), &body).await;
            assert_eq!(response.status(), 201, "POST {path} {body}");
        }
    };
    let fw = format!("/api/v1/frameworks/{FW}");
    post(
        format!("{fw}/indicators"),
        json!({"code": "IND-1", "title": "Coverage", "unit": "%", "direction": "increase", "node": "1.1"}),
    )
    .await;
    for (scope, baseline, target) in [("ASEAN", 40.0, 80.0), ("VNM", 10.0, 60.0)] {
        post(
            format!("{fw}/indicators/IND-1/targets"),
            json!({"scope": scope, "baseline_year": 2020, "baseline_value": baseline,
                   "target_year": 2030, "target_value": target}),
        )
        .await;
    }
    // (60 − 40) / (80 − 40) = 0.5 regionally; (35 − 10) / (60 − 10) = 0.5 in Viet Nam; no
    // target in Thailand, so the mean is over one state.
    for (scope, value) in [("ASEAN", 60.0), ("VNM", 35.0)] {
        post(
            format!("{fw}/observations"),
            json!({"indicator": "IND-1", "scope": scope, "year": 2024, "value": value}),
        )
        .await;
    }
    let today = Utc::now().date_naive().to_string();
    let mut body = claim_body("ASEAN", "mean_current_status", 0.5, "2025-05-31", &today);
    body["indicator"] = json!("IND-1");
    let check = add(&app, &t.secretariat, &body).await;
    let rules = [
        ("regional", Some(0.5), M),
        ("all_states", None, U),
        ("mean_of_states", Some(0.5), M),
        ("cells", None, U),
    ];
    for which in ["at_publication", "now"] {
        assert_known(
            &check,
            which,
            M,
            &["regional", "mean_of_states"],
            &rules,
            "indicator",
        );
    }
    assert_eq!(check["now"]["rules"][2]["rests_on"], 1);
    assert_eq!(
        check["now"]["rules"][1]["reason"],
        "this rule counts strategic measures; an indicator has none"
    );
    // An unknown indicator is named and nothing is stored.
    body["indicator"] = json!("NOPE");
    let refused = app
        .post("/api/v1/claims", Some(&t.secretariat), &body)
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["indicator"]);
    assert_eq!(app.tracker.claims(Some(FW)).await.unwrap().len(), 1);
}

#[tokio::test]
async fn an_incomplete_measure_list_makes_a_claim_unverifiable_and_says_on_how_many_it_rests() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    small_framework(&app, PARTIAL, Some(PARTIAL_NOTE)).await;
    backdated(
        &app.tracker,
        PARTIAL,
        &["1.1", "1.2", "1.3", "1.4"]
            .map(|m| (m, "ASEAN", Status::Completed, None, "2025-03-31", EARLY)),
    )
    .await;
    let mut body = claim_body("ASEAN", "completion_rate", 1.0, "2025-05-31", "2025-06-10");
    body["framework"] = json!(PARTIAL);
    let check = add(&app, &t.secretariat, &body).await;
    assert_eq!(
        check["measure_list"],
        json!({"stored": 4, "expected": 10, "incomplete": true, "note": PARTIAL_NOTE})
    );
    for which in ["at_publication", "now"] {
        // The states have no report: their rules have nothing in force.
        assert_known(
            &check,
            which,
            U,
            &["regional"],
            &four([1.0, 0.0, 0.0, 0.0], [U; 4]),
            "incomplete",
        );
        assert_eq!(
            check[which]["summary"],
            "Cannot be verified: the framework's list of strategic measures is incomplete (4 measures known; it should have 10); on the measures known, 100.0% is reproduced by the regional statuses (regional)."
        );
        assert_eq!(
            check[which]["rules"][0]["reason"],
            "the framework's list of measures is incomplete: this figure rests on the 4 measures of the 10 it should have"
        );
    }
}

#[tokio::test]
async fn the_shipped_claim_is_loaded_once_and_checked_against_the_demo() {
    let app = TestApp::spawn_with_demo().await;
    // A second start on the same database loads the reference data again.
    let (again, _) = Tracker::open(&app.database_url).await.unwrap();
    drop(again);
    let (third, _) = Tracker::open(&app.database_url).await.unwrap();
    assert_eq!(third.claims(None).await.unwrap().len(), 1);
    let listed = app
        .get_json("/api/v1/claims?framework=ascc-blueprint-2025")
        .await;
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 1);
    let check = &listed[0];
    let claim = &check["claim"];
    assert_eq!(claim["metric"], "implementation_rate");
    assert_eq!(claim["value"], 1.0);
    assert_eq!(claim["as_of"], "2025-10-08");
    assert!(claim["recorded_by"].is_null());
    assert_eq!(check["measure_list"]["stored"], 9);
    assert_eq!(check["measure_list"]["incomplete"], true);
    assert!(check["measure_list"]["expected"].is_null());
    let compare = app
        .get_json(
            "/api/v1/frameworks/ascc-blueprint-2025/compare?as_of=2025-10-08&known_at=2025-10-08",
        )
        .await;
    for which in ["at_publication", "now"] {
        let k = &check[which];
        assert_eq!(k["verdict"], U, "{which}");
        assert!(
            k["summary"]
                .as_str()
                .unwrap()
                .starts_with("Cannot be verified: the framework's list of strategic measures is incomplete (9 measures known; its note does not say how many it should have)"),
            "{k}"
        );
        let rules = k["rules"].as_array().unwrap();
        assert_eq!(
            rules.iter().map(|r| r["rule"].clone()).collect::<Vec<_>>(),
            RULES.map(|r| json!(r))
        );
        // Reproduced by exactly the rules whose figure on the known measures is 100% (to the
        // percent) and rests on reports.
        let expected: Vec<Value> = rules
            .iter()
            .filter(|r| {
                r["figure"]
                    .as_f64()
                    .is_some_and(|f| (f - 1.0).abs() <= 0.005)
                    && r["reason"]
                        .as_str()
                        .is_some_and(|s| s.contains("incomplete"))
            })
            .map(|r| r["rule"].clone())
            .collect();
        assert_eq!(k["reproduced_by"], json!(expected), "{which}");
        assert!(rules.iter().all(|r| r["verdict"] == U));
    }
    // The figures as known on the publication day are those of the comparison as known then.
    let published = &check["at_publication"]["rules"];
    for (i, key) in ["regional", "all_states", "mean_of_states", "cells"]
        .iter()
        .enumerate()
    {
        assert_eq!(
            published[i]["figure"], compare[key]["implementation_rate"],
            "{key}: {compare}"
        );
    }
}

async fn claims_count(app: &TestApp) -> usize {
    app.tracker.claims(Some(FW)).await.unwrap().len()
}

#[tokio::test]
async fn bad_claims_are_refused_field_by_field_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    small_framework(&app, FW, None).await;
    let good = claim_body(
        "ASEAN",
        "implementation_rate",
        0.5,
        "2025-05-31",
        "2025-06-10",
    );
    let with = |field: &str, value: Value| {
        let mut body = good.clone();
        if value.is_null() {
            body.as_object_mut().unwrap().remove(field);
        } else {
            body[field] = value;
        }
        body
    };
    let cases: Vec<(Value, u16, &str, &str)> = vec![
        (
            with("metric", json!("rate")),
            422,
            "validation_failed",
            "metric",
        ),
        (with("value", json!(1.5)), 422, "validation_failed", "value"),
        (
            with("value", json!(-0.1)),
            422,
            "validation_failed",
            "value",
        ),
        (
            with("value", json!("100%")),
            422,
            "validation_failed",
            "value",
        ),
        (
            with("precision", json!(0)),
            422,
            "validation_failed",
            "precision",
        ),
        (
            with("precision", json!(-0.01)),
            422,
            "validation_failed",
            "precision",
        ),
        (
            with("as_of", json!("2019-12-31")),
            422,
            "validation_failed",
            "as_of",
        ),
        (
            with("as_of", json!("2025-02-30")),
            422,
            "validation_failed",
            "as_of",
        ),
        (
            with("published_on", json!("2025-05-30")),
            422,
            "validation_failed",
            "published_on",
        ),
        (
            with("published_on", json!("2099-01-01")),
            422,
            "validation_failed",
            "published_on",
        ),
        (
            with("scope", json!("XYZ")),
            422,
            "validation_failed",
            "scope",
        ),
        (
            with("scope", json!("Asia")),
            422,
            "validation_failed",
            "scope",
        ),
        (
            with("indicator", json!("IND-1")),
            422,
            "validation_failed",
            "indicator",
        ),
        (
            with("statement", Value::Null),
            422,
            "validation_failed",
            "statement",
        ),
        (
            with("statement", json!("  ")),
            422,
            "validation_failed",
            "statement",
        ),
        (
            with("source_url", json!("www.example.org")),
            422,
            "validation_failed",
            "source_url",
        ),
        (
            with("colour", json!("red")),
            422,
            "validation_failed",
            "colour",
        ),
        (
            with("framework", json!("no-such-plan")),
            404,
            "unknown_framework",
            "framework",
        ),
        (
            with("supersedes", json!(999)),
            404,
            "not_found",
            "supersedes",
        ),
        (json!([1, 2]), 422, "validation_failed", "body"),
    ];
    for (body, status, code, field) in cases {
        let response = app
            .post("/api/v1/claims", Some(&t.secretariat), &body)
            .await;
        let problem = assert_problem(response, status, code).await;
        assert_eq!(error_fields(&problem), [field], "{body}: {problem}");
        assert_eq!(claims_count(&app).await, 0, "{body}");
    }
    let malformed = app
        .client
        .post(format!("{}/api/v1/claims", app.base))
        .bearer_auth(&t.secretariat)
        .header("content-type", "application/json")
        .body("{\"framework\":")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, 400, "malformed_json").await;
    let unknown = app.get("/api/v1/claims?framework=no-such-plan").await;
    assert_problem(unknown, 404, "unknown_framework").await;
    assert_problem(app.get("/api/v1/claims/999").await, 404, "not_found").await;
    assert_problem(app.get("/api/v1/claims/abc").await, 400, "invalid_path").await;
    assert_eq!(claims_count(&app).await, 0);
}

#[tokio::test]
async fn only_the_secretariat_and_admins_record_claims_and_corrections_link_both_ways() {
    let app = TestApp::spawn().await;
    let t: Tokens = app.tokens().await;
    small_framework(&app, FW, None).await;
    let body = claim_body(
        "ASEAN",
        "implementation_rate",
        0.5,
        "2025-05-31",
        "2025-06-10",
    );
    for token in [&t.viewer, &t.vnm] {
        let refused = app.post("/api/v1/claims", Some(token), &body).await;
        assert_problem(refused, 403, "forbidden").await;
    }
    let anonymous = app.post("/api/v1/claims", None, &body).await;
    assert_eq!(
        anonymous.headers()["www-authenticate"].to_str().unwrap(),
        "Bearer"
    );
    assert_problem(anonymous, 401, "unauthenticated").await;
    let bad_token = app.post("/api/v1/claims", Some("bt_nope"), &body).await;
    assert_problem(bad_token, 401, "invalid_token").await;
    assert_eq!(claims_count(&app).await, 0);
    let first = add(&app, &t.admin, &body).await;
    assert_eq!(first["claim"]["recorded_by"], "admin");
    let id = first["claim"]["id"].as_i64().unwrap();

    // A correction supersedes the claim; the claim then names it.
    let mut correction = body.clone();
    correction["value"] = json!(0.6);
    correction["supersedes"] = json!(id);
    let second = add(&app, &t.secretariat, &correction).await;
    assert_eq!(second["claim"]["supersedes"], id);
    assert_eq!(second["claim"]["recorded_by"], "asec");
    let second_id = second["claim"]["id"].as_i64().unwrap();
    let old = app.get_json(&format!("/api/v1/claims/{id}")).await;
    assert_eq!(old["claim"]["superseded_by"], second_id);
    // Superseding it again is refused: correct the correction.
    let again = app
        .post("/api/v1/claims", Some(&t.secretariat), &correction)
        .await;
    let problem = assert_problem(again, 409, "conflict").await;
    assert_eq!(error_fields(&problem), ["supersedes"]);
    correction["supersedes"] = json!(second_id + 100);
    let unknown = app
        .post("/api/v1/claims", Some(&t.secretariat), &correction)
        .await;
    assert_problem(unknown, 404, "not_found").await;
    assert_eq!(claims_count(&app).await, 2);

    // Reads are public (the server is not private).
    let listed = app
        .get_json(&format!("/api/v1/claims?framework={FW}"))
        .await;
    assert_eq!(listed[0]["claim"]["superseded_by"], second_id);

    // Each claim is audited.
    let audit = app
        .tracker
        .audit_trail(
            None,
            AuditFilter {
                action: Some("claim.add".into()),
                limit: 10,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    let actors: Vec<_> = audit.iter().map(|e| e.actor.clone().unwrap()).collect();
    assert_eq!(actors, ["asec", "admin"]);
    assert_eq!(audit[1].framework.as_deref(), Some(FW));
    assert_eq!(audit[1].target, Some(format!("claim {id}")));
}

const CLAIMS_HEADER: &str = "framework,scope,metric,value,precision,as_of,published_on,statement,source_title,source_url,note";

#[tokio::test]
async fn a_claims_file_is_imported_all_or_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    small_framework(&app, FW, None).await;
    let good = format!(
        "{CLAIMS_HEADER}\n\
         {FW},ASEAN,implementation_rate,50%,1%,2025-05-31,2025-06-10,Half under way,Review,https://example.org/a,\n\
         {FW},VNM,completion_rate,0.6667,0.0001,2025-05-31,2025-06-10,Two thirds done,Review,,a note\n"
    );
    // A cell that does not read is named with its line and column…
    let unreadable = format!(
        "{CLAIMS_HEADER}\n\
         {FW},ASEAN,rate,0.5,0.01,2025-05-31,2025-06-10,x,Review,,\n"
    );
    // …and so is every value that reads but is wrong for its framework.
    let bad = format!(
        "{CLAIMS_HEADER}\n\
         {FW},ASEAN,implementation_rate,0.5,0.01,2025-05-31,2025-06-10,ok,Review,,\n\
         {FW},ASEAN,implementation_rate,1.5,0.01,2019-05-31,2025-06-10,too much,Review,,\n\
         nowhere,ASEAN,implementation_rate,0.5,0.01,2025-05-31,2025-06-10,x,Review,,\n"
    );
    let refused = app
        .upload(
            "/api/v1/claims/import",
            Some(&t.viewer),
            "claims.csv",
            good.as_bytes(),
        )
        .await;
    assert_problem(refused, 403, "forbidden").await;
    let refused = app
        .upload("/api/v1/claims/import", None, "claims.csv", good.as_bytes())
        .await;
    assert_problem(refused, 401, "unauthenticated").await;
    let refused = app
        .upload(
            "/api/v1/claims/import",
            Some(&t.secretariat),
            "claims.csv",
            unreadable.as_bytes(),
        )
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["line 2: metric"]);
    assert_eq!(problem["errors"][0]["line"], 2);
    assert_eq!(problem["errors"][0]["column"], "metric");
    let refused = app
        .upload(
            "/api/v1/claims/import",
            Some(&t.secretariat),
            "claims.csv",
            bad.as_bytes(),
        )
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        ["line 3: as_of", "line 3: value", "line 4: framework"]
    );
    assert_eq!(claims_count(&app).await, 0);
    let not_multipart = app
        .post("/api/v1/claims/import", Some(&t.secretariat), &json!({}))
        .await;
    assert_problem(not_multipart, 415, "unsupported_media_type").await;

    let stored = app
        .upload(
            "/api/v1/claims/import",
            Some(&t.secretariat),
            "claims.csv",
            good.as_bytes(),
        )
        .await;
    assert_eq!(stored.status(), 201);
    let stored: Value = stored.json().await.unwrap();
    let stored = stored.as_array().unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0]["value"], 0.5);
    assert_eq!(stored[0]["precision"], 0.01);
    assert_eq!(stored[1]["scope"], "VNM");
    assert_eq!(stored[1]["note"], "a note");
    assert!(stored[1]["source_url"].is_null());
    assert_eq!(claims_count(&app).await, 2);
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

async fn download(app: &TestApp, id: i64, format: &str) -> (String, String, Vec<u8>) {
    let response = app
        .get(&format!("/api/v1/editions/{id}/report?format={format}"))
        .await;
    assert_eq!(response.status(), 200, "{format}");
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    (kind, disposition, response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn an_edition_downloads_the_same_bytes_after_a_correction_and_a_restart() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    scenario(&app).await;
    let path = format!("/api/v1/frameworks/{FW}/editions");
    let body = json!({"title": "Mid-2025 review", "as_of": "2025-05-31"});
    for token in [&t.viewer, &t.vnm] {
        assert_problem(app.post(&path, Some(token), &body).await, 403, "forbidden").await;
    }
    assert_problem(app.post(&path, None, &body).await, 401, "unauthenticated").await;
    for (bad, status, code, field) in [
        (
            json!({"title": "x", "as_of": "2019-12-31"}),
            422,
            "validation_failed",
            "as_of",
        ),
        (
            json!({"title": "x", "as_of": "2099-01-01"}),
            422,
            "validation_failed",
            "as_of",
        ),
        (
            json!({"title": " ", "as_of": "2025-05-31"}),
            422,
            "validation_failed",
            "title",
        ),
        (
            json!({"title": "x", "as_of": "2025-05-31", "basis": "hearsay"}),
            422,
            "validation_failed",
            "basis",
        ),
        (
            json!({"as_of": "2025-05-31"}),
            422,
            "validation_failed",
            "title",
        ),
        (
            json!({"title": "x", "as_of": "2025-05-31", "colour": 1}),
            422,
            "validation_failed",
            "colour",
        ),
    ] {
        let problem =
            assert_problem(app.post(&path, Some(&t.admin), &bad).await, status, code).await;
        assert_eq!(error_fields(&problem), [field], "{bad}");
    }
    assert_problem(
        app.post("/api/v1/frameworks/nope/editions", Some(&t.admin), &body)
            .await,
        404,
        "unknown_framework",
    )
    .await;
    assert!(app.tracker.editions(None).await.unwrap().is_empty());

    let created = app.post(&path, Some(&t.secretariat), &body).await;
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let edition: Value = created.json().await.unwrap();
    let id = edition["id"].as_i64().unwrap();
    assert_eq!(location, format!("/api/v1/editions/{id}"));
    assert_eq!(edition["basis"], "reported");
    assert_eq!(edition["created_by"], "asec");
    assert_eq!(app.get_json(&location).await, edition);
    assert_eq!(app.get_json(&path).await, json!([edition.clone()]));

    let (kind, disposition, pdf) = download(&app, id, "pdf").await;
    assert_eq!(kind, "application/pdf");
    assert_eq!(
        disposition,
        format!("attachment; filename=\"edition-{id}-{FW}-2025-05-31.pdf\"")
    );
    assert_eq!(sha256(&pdf), edition["pdf_sha256"]);
    let (kind, disposition, html) = download(&app, id, "html").await;
    assert!(kind.starts_with("text/html"), "{kind}");
    assert_eq!(
        disposition,
        format!("inline; filename=\"edition-{id}-{FW}-2025-05-31.html\"")
    );
    assert_eq!(sha256(&html), edition["html_sha256"]);
    let (_, _, json_file) = download(&app, id, "json").await;
    // The Word copy, for editing: from the edition's figures, the edition's title on it.
    let (kind, disposition, docx) = download(&app, id, "docx").await;
    assert_eq!(
        kind,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert_eq!(
        disposition,
        format!("attachment; filename=\"edition-{id}-{FW}-2025-05-31.docx\"")
    );
    let mut document = String::new();
    std::io::Read::read_to_string(
        &mut zip::ZipArchive::new(std::io::Cursor::new(docx.clone()))
            .unwrap()
            .by_name("word/document.xml")
            .unwrap(),
        &mut document,
    )
    .unwrap();
    assert!(document.contains("Mid-2025 review"), "the edition's title");

    // A back-dated correction, recorded after the edition.
    let correction = app
        .post(
            &format!("/api/v1/frameworks/{FW}/status"),
            Some(&t.secretariat),
            &json!({"measure": "1.2", "scope": "ASEAN", "status": "completed", "effective_date": "2025-04-30"}),
        )
        .await;
    assert_eq!(correction.status(), 201);
    let correction: Value = correction.json().await.unwrap();
    for (format, before) in [
        ("pdf", &pdf),
        ("html", &html),
        ("json", &json_file),
        ("docx", &docx),
    ] {
        assert_eq!(&download(&app, id, format).await.2, before, "{format}");
    }
    let since = app.get_json(&format!("/api/v1/editions/{id}/since")).await;
    assert_eq!(since["edition"], edition);
    assert_eq!(since["reports"].as_array().unwrap().len(), 1);
    assert_eq!(since["reports"][0]["id"], correction["id"]);
    let change = |rule: &str, metric: &str| {
        since["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule"] == rule && c["metric"] == metric)
            .cloned()
            .unwrap()
    };
    // Regional completion: 2/4 then 3/4; the states' rules do not move.
    assert_eq!(
        change("regional", "completion_rate"),
        json!({"rule": "regional", "metric": "completion_rate", "edition": 0.5, "today": 0.75, "difference": 0.25})
    );
    assert_eq!(change("regional", "implementation_rate")["difference"], 0.0);
    assert_eq!(change("cells", "completion_rate")["difference"], 0.0);
    assert_eq!(since["changes"].as_array().unwrap().len(), 12);

    // A new server on the same database: cold caches, the same bytes.
    let restarted = TestApp::spawn_on(&app.database_url).await;
    for (format, before) in [("pdf", &pdf), ("html", &html), ("json", &json_file)] {
        assert_eq!(
            &download(&restarted, id, format).await.2,
            before,
            "{format}"
        );
    }
    assert_eq!(restarted.get_json(&location).await, edition);

    assert_problem(
        app.get(&format!("/api/v1/editions/{id}/report?format=csv"))
            .await,
        400,
        "invalid_query",
    )
    .await;

    // Figures tampered with in the database: no file at all, the Word copy included.
    let db = Database::connect(&app.database_url).await.unwrap();
    db.execute_unprepared(&format!(
        "UPDATE editions SET figures = replace(figures, '\"completed\"', '\"Completed\"') WHERE id = {id}"
    ))
    .await
    .unwrap();
    db.close().await.unwrap();
    for format in ["json", "docx"] {
        let refused = app
            .get(&format!("/api/v1/editions/{id}/report?format={format}"))
            .await;
        assert_eq!(refused.status(), 500, "{format}");
    }
    assert_problem(app.get("/api/v1/editions/999").await, 404, "not_found").await;
    assert_problem(
        app.get("/api/v1/editions/999/report?format=pdf").await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/v1/editions/999/since").await,
        404,
        "not_found",
    )
    .await;
    assert_problem(app.get("/api/v1/editions/x").await, 400, "invalid_path").await;

    let audit = app
        .tracker
        .audit_trail(
            None,
            AuditFilter {
                action: Some("edition.create".into()),
                limit: 10,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor.as_deref(), Some("asec"));
    assert_eq!(audit[0].framework.as_deref(), Some(FW));
}

#[tokio::test]
async fn the_command_line_adds_imports_and_lists_claims_and_freezes_and_downloads_editions() {
    let app = TestApp::spawn().await;
    scenario(&app).await;
    let url = app.database_url.clone();
    let added = run_cli(
        &url,
        &[
            "claim",
            "add",
            "--framework",
            FW,
            "--scope",
            "ASEAN",
            "--metric",
            "implementation_rate",
            "--value",
            "50%",
            "--precision",
            "0.01",
            "--as-of",
            "2025-05-31",
            "--published-on",
            "2025-06-10",
            "--statement",
            "Half of the measures are under way",
            "--source-title",
            "Mid-term review",
            "--source-url",
            "https://example.org/mtr",
        ],
    );
    // Claim 1 is the one shipped with the tracker.
    assert!(added.starts_with("claim 2 recorded"), "{added}");
    assert!(
        added.contains("as known on 2025-06-10: matches — 50.0% is reproduced by"),
        "{added}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("claims.csv");
    std::fs::write(
        &file,
        format!(
            "{CLAIMS_HEADER},supersedes\n\
             {FW},ASEAN,implementation_rate,1.0,0.01,2025-05-31,2025-06-10,All under way,Corrected review,,,2\n"
        ),
    )
    .unwrap();
    let imported = run_cli(&url, &["claim", "import", file.to_str().unwrap()]);
    assert!(imported.contains("1 claim(s) recorded"), "{imported}");
    let listed: Value = serde_json::from_str(&run_cli(
        &url,
        &["claim", "list", "--framework", FW, "--format", "json"],
    ))
    .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert_eq!(listed[0]["claim"]["superseded_by"], 3);
    assert_eq!(listed[1]["now"]["reproduced_by"], json!(RULES));
    let table = run_cli(&url, &["claim", "list", "--framework", FW]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].contains("reproduced (now)"), "{table}");
    let row = lines[1].split_whitespace().collect::<Vec<_>>();
    assert_eq!(
        row,
        [
            "2",
            FW,
            "ASEAN",
            "implementation_rate",
            "50.0%",
            "matches",
            "differs",
            "regional,all_states",
            "–"
        ]
    );
    let audit = app
        .tracker
        .audit_trail(
            None,
            AuditFilter {
                action: Some("claim.add".into()),
                limit: 10,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|e| e.actor.as_deref() == Some("terminal")));

    let created = run_cli(
        &url,
        &[
            "edition",
            "create",
            "--framework",
            FW,
            "--title",
            "Terminal review",
            "--as-of",
            "2025-05-31",
        ],
    );
    assert!(
        created.starts_with(&format!("edition 1 of {FW}")),
        "{created}"
    );
    let list = run_cli(&url, &["edition", "list", "--framework", FW]);
    assert!(list.contains("Terminal review"), "{list}");
    let edition = app.tracker.edition(1).await.unwrap();
    assert_eq!(edition.created_by, None);
    for (format, hash) in [("pdf", &edition.pdf_sha256), ("html", &edition.html_sha256)] {
        let out = dir.path().join(format!("edition.{format}"));
        let wrote = run_cli(
            &url,
            &[
                "edition",
                "download",
                "1",
                "--format",
                format,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        assert!(wrote.starts_with("wrote"), "{wrote}");
        assert_eq!(&sha256(&std::fs::read(&out).unwrap()), hash, "{format}");
    }
    let from_api = download(&app, 1, "pdf").await.2;
    assert_eq!(sha256(&from_api), edition.pdf_sha256);
}
