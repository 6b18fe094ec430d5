//! Indicators through the service on a real database (issue 14): the Secretariat defines an
//! indicator and its ASEAN and Viet Nam targets, Viet Nam's focal point records yearly
//! observations (and is refused for Thailand), and the progress is DESIGN.md §2b's worked
//! example, figure for figure.

use blueprint_tracker::domain::{
    Actor, Basis, Direction, IndicatorClass, NewObservation, NewTarget, Role, Scope,
};
use blueprint_tracker::service::{
    FigureQuery, IndicatorDefinition, NewAccount, ServiceError, Tracker,
};
use chrono::NaiveDate;

use crate::support::TestDb;

async fn account(tracker: &Tracker, name: &str, role: Role, state: Option<&str>) -> Actor {
    let (user, _) = tracker
        .create_account(
            None,
            &NewAccount {
                name: name.into(),
                role,
                state: state.map(|s| s.parse().unwrap()),
                password: None,
                email: None,
            },
        )
        .await
        .unwrap();
    Actor::new(user, None)
}

fn observation(scope: &str, year: i32, value: f64) -> NewObservation {
    NewObservation {
        indicator: "KPI-1".into(),
        scope: scope.parse().unwrap(),
        year,
        value,
        source: None,
        note: None,
    }
}

fn target(scope: &str) -> NewTarget {
    NewTarget {
        scope: scope.parse().unwrap(),
        baseline_year: 2025,
        baseline_value: 50.0,
        target_year: 2030,
        target_value: 80.0,
        note: None,
    }
}

#[tokio::test]
async fn the_worked_example_of_design_2b_through_the_service() {
    let (_db, url) = TestDb::fresh().await;
    let (tracker, _) = Tracker::open(&url).await.unwrap();
    let secretariat = account(&tracker, "officer", Role::Secretariat, None).await;
    let hanoi = account(&tracker, "hanoi", Role::FocalPoint, Some("VNM")).await;
    let fw = "ascc-strategic-plan";

    let definition = IndicatorDefinition {
        code: "KPI-1".into(),
        title: "Households with broadband access".into(),
        unit: "%".into(),
        direction: Direction::Increase,
        node: "1.1.2".into(),
        decimals: Some(1),
        source: Some("ASEANstats".into()),
        note: None,
    };
    let refused = tracker.define_indicator(&hanoi, fw, &definition).await;
    assert!(
        matches!(refused, Err(ServiceError::Forbidden(_))),
        "{refused:?}"
    );
    let defined = tracker
        .define_indicator(&secretariat, fw, &definition)
        .await
        .unwrap();
    assert_eq!(
        (defined.code.as_str(), defined.node.as_str()),
        ("KPI-1", "1.1.2")
    );

    tracker
        .set_target(&secretariat, fw, "KPI-1", &target("ASEAN"))
        .await
        .unwrap();
    tracker
        .set_target(&hanoi, fw, "KPI-1", &target("VNM"))
        .await
        .unwrap();
    let other = tracker
        .set_target(&hanoi, fw, "KPI-1", &target("THA"))
        .await;
    assert!(
        matches!(other, Err(ServiceError::Forbidden(_))),
        "{other:?}"
    );
    let equal = NewTarget {
        target_value: 50.0,
        ..target("VNM")
    };
    match tracker.set_target(&secretariat, fw, "KPI-1", &equal).await {
        Err(ServiceError::Invalid(issues)) => assert_eq!(issues[0].field, "target_value"),
        other => unreachable!("{other:?}"),
    }

    let thailand = tracker
        .record_observations(&hanoi, fw, &[observation("THA", 2026, 1.0)], false)
        .await;
    assert!(
        matches!(thailand, Err(ServiceError::Forbidden(_))),
        "{thailand:?}"
    );
    match tracker
        .record_observations(
            &hanoi,
            fw,
            &[
                observation("VNM", 2026, 53.0),
                observation("VNM", 2027, 140.0),
            ],
            false,
        )
        .await
    {
        Err(ServiceError::Invalid(issues)) => {
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].field, "observations[1].value");
        }
        other => unreachable!("{other:?}"),
    }
    let stored = tracker
        .record_observations(
            &hanoi,
            fw,
            &[
                observation("VNM", 2026, 53.0),
                observation("VNM", 2027, 55.0),
            ],
            false,
        )
        .await
        .unwrap();
    assert_eq!(stored.len(), 2, "nothing of the refused request was stored");

    let as_of = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    let progress = tracker
        .indicator_progress(fw, "KPI-1", as_of, None, Basis::Reported)
        .await
        .unwrap();
    let vnm = progress
        .scopes
        .iter()
        .find(|s| s.scope == "VNM".parse::<Scope>().unwrap())
        .unwrap();
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
    assert!(close(vnm.current_status, 5.0 / 30.0), "{vnm:?}");
    assert!(close(vnm.expected, 0.4));
    assert!(close(vnm.anticipated_value, 62.3));
    assert!(close(vnm.anticipated_progress, 0.41));
    assert_eq!(vnm.class, IndicatorClass::NeedsAcceleration);
    // Viet Nam's focal point's observations await validation: on the validated basis, only
    // the baseline counts.
    let validated = tracker
        .indicator_progress(fw, "KPI-1", as_of, None, Basis::Validated)
        .await
        .unwrap();
    let vnm = validated
        .scopes
        .iter()
        .find(|s| s.scope == "VNM".parse::<Scope>().unwrap())
        .unwrap();
    assert_eq!(vnm.current_status, None);
    assert_eq!(vnm.class, IndicatorClass::InsufficientData);

    // Rolled up per goal in Viet Nam: the indicator measures 1.1.2, under goal SG1.
    let query = FigureQuery {
        as_of: Some(as_of),
        level: Some("goal".into()),
        ..FigureQuery::default()
    };
    let vietnam: Scope = "VNM".parse().unwrap();
    let rollup = tracker
        .indicator_rollup(fw, &vietnam, &query, as_of)
        .await
        .unwrap();
    assert_eq!(rollup.nodes.len(), 12, "a row per goal");
    let sg1 = rollup.nodes.iter().find(|n| n.code == "SG1").unwrap();
    assert_eq!((sg1.rollup.indicators, sg1.rollup.with_status), (1, 1));
    assert!(close(sg1.rollup.mean_current_status, 5.0 / 30.0));
    assert_eq!(sg1.rollup.classes.get(IndicatorClass::NeedsAcceleration), 1);
    let sg2 = rollup.nodes.iter().find(|n| n.code == "SG2").unwrap();
    assert_eq!(
        (sg2.rollup.indicators, sg2.rollup.mean_current_status),
        (0, None)
    );
    assert_eq!(rollup.overall.indicators, 1);

    // The same figures from the command line: Viet Nam's row, and the regional row with the
    // mean of the states beside it (Viet Nam's the only current status: 5/30).
    let vietnam_table = cli_indicators(&url, &["--as-of", "2027-12-31", "--scope", "VNM"]);
    assert!(
        vietnam_table.starts_with("1 indicator of ascc-strategic-plan as of 2027-12-31 in VNM"),
        "{vietnam_table}"
    );
    let line = vietnam_table
        .lines()
        .find(|l| l.starts_with("KPI-1"))
        .unwrap();
    let cells: Vec<&str> = line.split("  ").filter(|c| !c.is_empty()).collect();
    assert_eq!(
        cells.iter().map(|c| c.trim()).collect::<Vec<_>>(),
        [
            "KPI-1",
            "50.0% (2025)",
            "80.0% (2030)",
            "55.0% (2027)",
            "16.7%",
            "40.0%",
            "41.0%",
            "needs_acceleration"
        ]
    );
    let csv = cli_indicators(&url, &["--as-of", "2027-12-31", "--format", "csv"]);
    let mut rows = csv.lines();
    assert!(rows.next().unwrap().ends_with("class,mean_of_states"));
    let asean: Vec<&str> = rows.next().unwrap().split(',').collect();
    assert_eq!(asean[3..5], ["ASEAN", "KPI-1"]);
    // ASEAN has a target and no observation: the baseline is its only point.
    assert_eq!(asean[18], "insufficient_data");
    assert!((asean[19].parse::<f64>().unwrap() - 5.0 / 30.0).abs() < 1e-12);
    assert_eq!(rows.next(), None);
    let json: serde_json::Value = serde_json::from_str(&cli_indicators(
        &url,
        &["--as-of", "2027-12-31", "--format", "json"],
    ))
    .unwrap();
    assert_eq!(json["count"], 1);
    assert_eq!(json["indicators"][0]["mean_of_states"]["states"], 1);
}

/// Runs `blueprint-tracker indicators --framework ascc-strategic-plan …`; returns stdout.
fn cli_indicators(database_url: &str, args: &[&str]) -> String {
    let mut all = vec!["indicators", "--framework", "ascc-strategic-plan"];
    all.extend_from_slice(args);
    crate::support::run_cli(database_url, &all)
}
