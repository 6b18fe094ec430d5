//! The indicator tables through the store, on a real database (SQLite, or PostgreSQL with
//! `TEST_DATABASE_URL`): definitions unique per framework, append-only targets and
//! observations, validation on entry, locks refusing an observation whose year ends on or
//! before the locked date (all or nothing), an admin's override, reviews once, and an audit
//! record for every write.

use blueprint_tracker::domain::audit::actions;
use blueprint_tracker::domain::{Actor, AuditEntry, Role, Scope, ValidationState};
use blueprint_tracker::service::{NewAccount, Tracker, now};
use blueprint_tracker::store::{
    NewIndicator, NewObservation, NewTarget, ObservationOptions, ObservationReview, Store,
    StoreError,
};
use chrono::NaiveDate;

use crate::support::TestDb;

async fn setup() -> (TestDb, Store, i32, i32, Actor) {
    let (db, url) = TestDb::fresh().await;
    let (tracker, _) = Tracker::open(&url).await.unwrap();
    let (user, _) = tracker
        .create_account(
            None,
            &NewAccount {
                name: "officer".into(),
                role: Role::Secretariat,
                state: None,
                password: None,
                email: None,
            },
        )
        .await
        .unwrap();
    let store = Store::connect(&url).await.unwrap();
    let framework = store
        .framework("ascc-strategic-plan")
        .await
        .unwrap()
        .unwrap();
    let nodes = store.nodes(framework.id).await.unwrap();
    let measure = nodes.iter().find(|n| n.code == "1.1.2").unwrap().id;
    let actor = Actor::new(user, Some("test".into()));
    (db, store, framework.id, measure, actor)
}

fn new_indicator(code: &str, node_id: i32) -> NewIndicator<'_> {
    NewIndicator {
        code,
        title: "Households with broadband access",
        unit: "%",
        direction: "increase",
        decimals: 1,
        node_id,
        source: Some("ASEANstats"),
        note: None,
    }
}

#[tokio::test]
async fn indicators_targets_and_observations_are_stored_append_only_and_audited() {
    let (_db, store, fw, measure, actor) = setup().await;
    let by = actor.user.id;
    let audit =
        || AuditEntry::by(&actor, actions::INDICATOR_CREATE).framework("ascc-strategic-plan");

    let indicator = store
        .create_indicator(fw, &new_indicator("KPI-1", measure), by, audit(), now())
        .await
        .unwrap();
    assert_eq!(
        (indicator.code.as_str(), indicator.node.as_str()),
        ("KPI-1", "1.1.2")
    );
    let again = store
        .create_indicator(fw, &new_indicator("KPI-1", measure), by, audit(), now())
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");

    let vnm: Scope = "VNM".parse().unwrap();
    for (target_value, note) in [(80.0, "first"), (85.0, "revised")] {
        store
            .add_target(
                fw,
                &NewTarget {
                    indicator_id: indicator.id,
                    scope: &vnm,
                    baseline_year: 2025,
                    baseline_value: 50.0,
                    target_year: 2030,
                    target_value,
                    note: Some(note),
                },
                by,
                audit(),
                now(),
            )
            .await
            .unwrap();
    }
    let targets = store.targets(fw).await.unwrap();
    assert_eq!(
        targets.iter().map(|t| t.target_value).collect::<Vec<_>>(),
        [80.0, 85.0],
        "a revision is a newer row; the first stays"
    );
    assert_eq!(targets[1].recorded_by.as_deref(), Some("officer"));

    let rows = [(2026, 53.0), (2027, 55.0), (2027, 55.5)].map(|(year, value)| NewObservation {
        indicator_id: indicator.id,
        scope: &vnm,
        year,
        value,
        source: None,
        note: None,
    });
    let options = ObservationOptions {
        by,
        validated_on_entry: false,
        override_lock: false,
    };
    let stored = store
        .record_observations(fw, &rows, options, audit(), now())
        .await
        .unwrap();
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|o| o.state == ValidationState::Reported));
    let all = store.observations(fw).await.unwrap();
    assert_eq!(
        all.iter().map(|o| (o.year, o.value)).collect::<Vec<_>>(),
        [(2026, 53.0), (2027, 55.0), (2027, 55.5)],
        "a correction for 2027 is a newer row beside the first"
    );

    store
        .review_observation(
            fw,
            ObservationReview {
                observation_id: all[1].id,
                decision: ValidationState::Returned,
                reason: Some("source?"),
            },
            by,
            audit(),
            now(),
        )
        .await
        .unwrap();
    let twice = store
        .review_observation(
            fw,
            ObservationReview {
                observation_id: all[1].id,
                decision: ValidationState::Validated,
                reason: None,
            },
            by,
            audit(),
            now(),
        )
        .await;
    assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
    let all = store.observations(fw).await.unwrap();
    assert_eq!(all[1].state, ValidationState::Returned);
    assert_eq!(all[1].reason.as_deref(), Some("source?"));

    let validated = store
        .record_observations(
            fw,
            &rows[..1],
            ObservationOptions {
                validated_on_entry: true,
                ..options
            },
            audit(),
            now(),
        )
        .await
        .unwrap();
    assert_eq!(validated[0].state, ValidationState::Validated);
    assert_eq!(
        store.observations(fw).await.unwrap()[3].state,
        ValidationState::Validated,
        "validated on entry, as read back"
    );
}

#[tokio::test]
async fn a_lock_refuses_the_whole_request_when_one_year_ends_inside_it_unless_overridden() {
    let (_db, store, fw, measure, actor) = setup().await;
    let by = actor.user.id;
    let audit =
        || AuditEntry::by(&actor, actions::INDICATOR_CREATE).framework("ascc-strategic-plan");
    let indicator = store
        .create_indicator(fw, &new_indicator("KPI-2", measure), by, audit(), now())
        .await
        .unwrap();
    let until = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    store
        .create_lock(fw, "ascc-strategic-plan", until, None, by, audit(), now())
        .await
        .unwrap();
    let asean = Scope::Asean;
    let rows = [2027, 2028].map(|year| NewObservation {
        indicator_id: indicator.id,
        scope: &asean,
        year,
        value: 1.0,
        source: None,
        note: None,
    });
    let options = ObservationOptions {
        by,
        validated_on_entry: true,
        override_lock: false,
    };

    let refused = store
        .record_observations(fw, &rows, options, audit(), now())
        .await;
    match refused {
        Err(StoreError::Locked {
            until: u, count, ..
        }) => assert_eq!((u, count), (until, 1)),
        other => unreachable!("expected Locked, got {other:?}"),
    }
    assert!(
        store.observations(fw).await.unwrap().is_empty(),
        "nothing stored"
    );

    let after = store
        .record_observations(fw, &rows[1..], options, audit(), now())
        .await
        .unwrap();
    assert!(!after[0].lock_override, "2028 ends after the lock");

    let overridden = store
        .record_observations(
            fw,
            &rows[..1],
            ObservationOptions {
                override_lock: true,
                ..options
            },
            audit(),
            now(),
        )
        .await
        .unwrap();
    assert!(overridden[0].lock_override);
    assert!(overridden[0].lock_id.is_some());
}
