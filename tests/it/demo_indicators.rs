//! The demo's Results Framework indicators on a real database (issue 14, item 5): loaded with
//! the demo, once, labelled, recorded by the demo accounts, and every class of DESIGN §2b seen
//! in the regional scope and across the member states as of 2030-12-31 (the demo's values run
//! from 2026 to 2030: see `demo::indicators`). Without the demo no indicator exists.

use std::collections::{BTreeMap, BTreeSet};

use blueprint_tracker::demo::DEMO_NOTE;
use blueprint_tracker::domain::{Basis, IndicatorClass, Scope, ValidationState};
use blueprint_tracker::service::{DemoIndicatorSummary, FigureQuery};
use chrono::NaiveDate;

use crate::support::TestApp;

const FW: &str = "ascc-strategic-plan";

#[tokio::test]
async fn the_demo_indicators_show_every_class_regionally_and_across_states() {
    let app = TestApp::spawn_with_demo().await;
    let tracker = &app.tracker;
    let indicators = tracker.indicators(FW).await.unwrap();
    assert_eq!(indicators.len(), 24);
    for indicator in &indicators {
        assert!(indicator.code.starts_with("DEMO-"), "{}", indicator.code);
        assert!(indicator.note.as_deref().unwrap().starts_with(DEMO_NOTE));
    }

    let as_of = NaiveDate::from_ymd_opt(2030, 12, 31).unwrap();
    let mut regional: BTreeMap<IndicatorClass, usize> = BTreeMap::new();
    let mut national: BTreeMap<IndicatorClass, usize> = BTreeMap::new();
    for indicator in &indicators {
        let progress = tracker
            .indicator_progress(FW, &indicator.code, as_of, None, Basis::Reported)
            .await
            .unwrap();
        assert_eq!(progress.scopes.len(), 12, "ASEAN and 11 participants");
        for scope in &progress.scopes {
            let counts = if scope.scope == Scope::Asean {
                &mut regional
            } else {
                &mut national
            };
            *counts.entry(scope.class).or_default() += 1;
        }
    }
    eprintln!("regional classes: {regional:?}");
    eprintln!("national classes: {national:?}");
    let all: BTreeSet<IndicatorClass> = IndicatorClass::ALL.into_iter().collect();
    assert_eq!(regional.keys().copied().collect::<BTreeSet<_>>(), all);
    assert_eq!(national.keys().copied().collect::<BTreeSet<_>>(), all);

    // The regional rollup per goal: two indicators under each goal, every class overall.
    let query = FigureQuery {
        as_of: Some(as_of),
        level: Some("goal".into()),
        ..FigureQuery::default()
    };
    let rollup = tracker
        .indicator_rollup(FW, &Scope::Asean, &query, as_of)
        .await
        .unwrap();
    assert_eq!(rollup.nodes.len(), 12);
    assert!(rollup.nodes.iter().all(|n| n.rollup.indicators == 2));
    assert_eq!(rollup.overall.indicators, 24);
    for class in IndicatorClass::ALL {
        assert!(rollup.overall.classes.get(class) > 0, "{class}");
    }

    // On the validated basis the focal points' 2030 values do not count yet: some national
    // figures differ.
    let first = &indicators[0].code;
    let reported = tracker
        .indicator_progress(FW, first, as_of, None, Basis::Reported)
        .await
        .unwrap();
    let validated = tracker
        .indicator_progress(FW, first, as_of, None, Basis::Validated)
        .await
        .unwrap();
    assert_eq!(reported.regional, validated.regional);
    assert_ne!(reported.scopes, validated.scopes);
}

#[tokio::test]
async fn the_demo_indicators_are_labelled_recorded_by_the_demo_accounts_and_loaded_once() {
    let app = TestApp::spawn_with_demo().await;
    let store = app.tracker.store();
    let fw = store.framework(FW).await.unwrap().unwrap();
    let targets = store.targets(fw.id).await.unwrap();
    let observations = store.observations(fw.id).await.unwrap();
    assert!(!targets.is_empty() && !observations.is_empty());
    let now = chrono::Utc::now();

    for t in &targets {
        assert!(t.note.as_deref().unwrap().starts_with(DEMO_NOTE));
        assert_eq!(t.recorded_by.as_deref(), Some("demo"));
        assert!(t.recorded_at <= now);
    }
    // Revisions to 2035, recorded after the 2030 target of the same scope.
    let revisions: Vec<_> = targets.iter().filter(|t| t.target_year == 2035).collect();
    assert!(!revisions.is_empty());
    for r in revisions {
        let first = targets
            .iter()
            .find(|t| t.indicator_id == r.indicator_id && t.scope == r.scope)
            .unwrap();
        assert_eq!(first.target_year, 2030);
        assert!(first.id < r.id && first.recorded_at <= r.recorded_at);
    }
    let mut awaiting = 0;
    for o in &observations {
        assert!(o.note.as_deref().unwrap().starts_with(DEMO_NOTE));
        assert!((2026..=2030).contains(&o.year));
        assert!(o.recorded_at <= now);
        let by = o.recorded_by.as_deref().unwrap();
        if o.state == ValidationState::Reported {
            awaiting += 1;
            assert!(by.starts_with("demo-"), "{by}");
            assert_eq!(o.year, 2030);
        } else {
            assert_eq!(o.state, ValidationState::Validated);
            assert_eq!(by, "demo");
        }
    }
    assert!(awaiting > 0);

    let again = app.tracker.load_demo_indicators().await.unwrap();
    assert_eq!(again, DemoIndicatorSummary::default());
    assert_eq!(app.tracker.load_demo().await.unwrap(), 0);
    assert_eq!(app.tracker.indicators(FW).await.unwrap().len(), 24);
    assert_eq!(store.targets(fw.id).await.unwrap().len(), targets.len());
    assert_eq!(
        store.observations(fw.id).await.unwrap().len(),
        observations.len()
    );
}

#[tokio::test]
async fn without_demo_no_indicator_is_invented() {
    let app = TestApp::spawn().await;
    for fw in ["ascc-strategic-plan", "ascc-blueprint-2025"] {
        assert!(app.tracker.indicators(fw).await.unwrap().is_empty(), "{fw}");
    }
}
