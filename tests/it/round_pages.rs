//! Reporting rounds where people see them (issue "Reporting rounds", item 5): the rounds page
//! and its state × round matrix, one round's page, the dashboard's current round, the state
//! page's rounds, the measure page's "No report", and the review report's "Reporting
//! completeness" section — on the demo, whose rounds are fixed (2026-Q2 and 2026-Q3 past, with
//! a late and a missing state each; 2026-Q4 open).

use blueprint_tracker::domain::Basis;

use crate::support::TestApp;

const PLAN: &str = "ascc-strategic-plan";

/// A page's text without its tags, spaces collapsed.
async fn page_text(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    crate::support::text_of(&response.text().await.unwrap())
}

#[tokio::test]
async fn the_rounds_pages_say_who_submitted_on_time_late_or_not_at_all() {
    let app = TestApp::spawn_with_demo().await;

    let rounds = page_text(&app, &format!("/rounds/{PLAN}")).await;
    assert!(
        rounds.contains("2026-Q2 2026-06-30 2026-07-31 90.9% 81.8% 10 of 11 1 missing, 0 returned"),
        "{rounds}"
    );
    assert!(rounds.contains("2026-Q3 2026-09-30 2026-10-31 90.9% 81.8% 10 of 11"));
    // By name, in words and symbols.
    assert!(rounds.contains("Cambodia KHM ✗ Missing ◔ Submitted late"));
    assert!(rounds.contains("Lao PDR LAO ◔ Submitted late ✓ Submitted on time"));
    assert!(rounds.contains("Myanmar MMR ✓ Submitted on time ✗ Missing"));
    let cambodia = rounds.find("Cambodia").unwrap();
    let brunei = rounds.find("Brunei Darussalam").unwrap();
    let indonesia = rounds.find("Indonesia IDN").unwrap();
    assert!(brunei < cambodia && cambodia < indonesia, "listed by name");

    let round = page_text(&app, &format!("/rounds/{PLAN}/2026-Q3")).await;
    assert!(round.contains("The due date has passed"));
    assert!(round.contains("Completeness 90.9% 10 of 11 expected member states submitted"));
    assert!(round.contains("Timeliness 81.8% 9 of 11 submitted on time (1 late)"));
    assert!(round.contains("Cambodia KHM ◔ Submitted late"));
    assert!(round.contains("Myanmar MMR ✗ Missing"));
    assert!(round.contains("(2026-10-31 17:30 UTC)"));

    let unknown = app.get(&format!("/rounds/{PLAN}/2031-Q9")).await;
    assert_eq!(unknown.status(), 404);
    let unknown = app.get("/rounds/no-such-plan").await;
    assert_eq!(unknown.status(), 404);

    // The dashboard: the framework's current round and each state's standing.
    let dashboard = page_text(&app, "/").await;
    assert!(
        dashboard.contains("Round 2026-Q4 : statuses as of 31 December 2026, due 31 January 2027"),
        "{dashboard}"
    );
    assert!(dashboard.contains("Completeness 27.3% 3 of 11 expected member states submitted"));
    assert!(dashboard.contains("Viet Nam ✓ Submitted on time"));
    // The Blueprint has no round.
    assert!(dashboard.contains("No reporting round is open for this framework on this date."));

    // The state page: its standing in every round.
    let state = page_text(&app, &format!("/states/KHM?framework={PLAN}")).await;
    assert!(
        state.contains("2026-Q2 2026-06-30 2026-07-31 ✗ Missing"),
        "{state}"
    );
    assert!(state.contains("2026-Q3 2026-09-30 2026-10-31 ◔ Submitted late"));

    // A measure nobody in three states reported: "No report", not "Not started".
    let measure = page_text(&app, &format!("/frameworks/{PLAN}/measures/1.1.2")).await;
    for state in ["Brunei Darussalam BRN", "Myanmar MMR", "Singapore SGP"] {
        assert!(measure.contains(&format!("{state} No report")), "{state}");
    }
}

#[tokio::test]
async fn the_review_report_has_the_reporting_completeness_as_known_at_its_instant() {
    let app = TestApp::spawn_with_demo().await;
    let generated_at = "2026-10-01T00:00:00Z".parse().unwrap();
    let data = app
        .tracker
        .review(
            PLAN,
            "2026-09-30".parse().unwrap(),
            None,
            Basis::Reported,
            generated_at,
        )
        .await
        .unwrap();
    let codes: Vec<&str> = data.rounds.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["2026-Q2", "2026-Q3"], "rounds as of the date only");
    let q2 = &data.rounds[0];
    assert_eq!(
        (
            q2.participants,
            q2.submitted,
            q2.on_time,
            q2.late,
            q2.missing,
            q2.open
        ),
        (11, 10, 9, 1, 1, 0)
    );
    assert!(q2.past_due);
    assert!(q2.coverage.is_empty(), "coverage for the latest round only");
    // On 1 October 2026 round Q3 was not yet due, and only what was submitted by then counts.
    let q3 = &data.rounds[1];
    assert!(!q3.past_due);
    assert_eq!((q3.submitted, q3.open, q3.missing), (6, 5, 0));
    assert_eq!(q3.coverage.len(), 11);
    for c in &q3.coverage {
        assert_eq!(
            c.applicable,
            c.reported_this_round + c.carried_forward + c.never_reported,
            "{c:?}"
        );
    }
    // A round created later (now) is not in a report as known before it was created.
    let t = app.tokens().await;
    let response = app
        .post(
            &format!("/api/v1/frameworks/{PLAN}/rounds"),
            Some(&t.secretariat),
            &serde_json::json!({"code":"2026-M8","period_start":"2026-08-01",
                "period_end":"2026-08-31","opens_on":"2026-08-20","due_on":"2026-09-15"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let as_known = |generated_at| {
        app.tracker.review(
            PLAN,
            "2026-09-30".parse().unwrap(),
            None,
            Basis::Reported,
            generated_at,
        )
    };
    let then = as_known(generated_at).await.unwrap();
    assert_eq!(then.rounds.len(), 2);
    let now = as_known(chrono::Utc::now()).await.unwrap();
    let codes: Vec<&str> = now.rounds.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["2026-Q2", "2026-M8", "2026-Q3"]);

    // The rendered report says so.
    let html = blueprint_tracker::report::html::render(&data, &[]).unwrap();
    assert!(html.contains("Reporting completeness"));
    assert!(html.contains("54.5% (6 of 11)"));
    assert!(html.contains("Coverage of round 2026-Q3 (2026-07-01 to 2026-09-30)"));
}
