//! The shipped reference data as a new user sees it through the API, and loading it twice.

use blueprint_tracker::service::Tracker;
use serde_json::Value;

use crate::support::TestApp;

fn count_levels(nodes: &Value, level: &str) -> usize {
    nodes
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .map(|n| usize::from(n["level"] == level) + count_levels(&n["children"], level))
                .sum()
        })
        .unwrap_or(0)
}

#[tokio::test]
async fn both_frameworks_are_listed_with_their_measure_counts() {
    let app = TestApp::spawn().await;

    let body = app.get_json("/api/v1/frameworks").await;

    let frameworks = body["frameworks"].as_array().unwrap();
    let summary: Vec<(&str, u64, &str, &str)> = frameworks
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap(),
                f["measure_count"].as_u64().unwrap(),
                f["start_date"].as_str().unwrap(),
                f["end_date"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("ascc-blueprint-2025", 9, "2016-01-01", "2025-12-31"),
            ("ascc-strategic-plan", 112, "2026-01-01", "2035-12-31"),
        ]
    );
    assert_eq!(
        frameworks[1]["levels"],
        serde_json::json!(["goal", "objective", "measure"])
    );
    assert!(
        frameworks[0]["note"]
            .as_str()
            .unwrap()
            .contains("must be imported")
    );
}

#[tokio::test]
async fn the_strategic_plan_tree_has_12_goals_16_objectives_and_112_measures() {
    let app = TestApp::spawn().await;

    let plan = app.get_json("/api/v1/frameworks/ascc-strategic-plan").await;

    assert_eq!(plan["nodes"].as_array().unwrap().len(), 12);
    assert_eq!(count_levels(&plan["nodes"], "goal"), 12);
    assert_eq!(count_levels(&plan["nodes"], "objective"), 16);
    assert_eq!(count_levels(&plan["nodes"], "measure"), 112);
    assert_eq!(plan["nodes"][0]["code"], "SG1");
    assert_eq!(plan["nodes"][0]["children"][0]["code"], "1.1");
    assert_eq!(
        plan["nodes"][0]["children"][0]["children"][1]["code"],
        "1.1.2"
    );
}

#[tokio::test]
async fn the_blueprint_tree_has_5_characteristics_17_elements_and_9_known_measures() {
    let app = TestApp::spawn().await;

    let blueprint = app.get_json("/api/v1/frameworks/ascc-blueprint-2025").await;

    assert_eq!(count_levels(&blueprint["nodes"], "characteristic"), 5);
    assert_eq!(count_levels(&blueprint["nodes"], "element"), 17);
    assert_eq!(count_levels(&blueprint["nodes"], "measure"), 9);
}

#[tokio::test]
async fn the_blueprint_measure_c_1_iv_has_its_clean_title() {
    let app = TestApp::spawn().await;

    let c1 = app
        .get_json("/api/v1/frameworks/ascc-blueprint-2025/measures?node=C.1")
        .await;

    let c1iv = c1["measures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["code"] == "C.1.iv")
        .unwrap();
    assert_eq!(
        c1iv["title"],
        "Adopt good management practices (title incomplete)"
    );
}

#[tokio::test]
async fn measures_can_be_filtered_by_node_and_text() {
    let app = TestApp::spawn().await;
    let codes = |body: Value| -> Vec<String> {
        body["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["code"].as_str().unwrap().to_owned())
            .collect()
    };

    let all = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures")
        .await;
    let under_1_1 = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures?node=1.1")
        .await;
    let c2 = app
        .get_json("/api/v1/frameworks/ascc-blueprint-2025/measures?node=C.2")
        .await;
    let digital = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures?q=DIGITAL&node=SG1")
        .await;

    assert_eq!(all["count"], 112);
    assert_eq!(
        under_1_1["measures"][0]["path"],
        serde_json::json!(["SG1", "1.1"])
    );
    assert!(codes(under_1_1).iter().all(|c| c.starts_with("1.1.")));
    assert_eq!(
        codes(c2),
        ["C.2.i", "C.2.ii", "C.2.iii", "C.2.iv", "C.2.v", "C.2.vi"]
    );
    let digital = codes(digital);
    assert!(digital.contains(&"1.1.1".to_owned()) && digital.contains(&"1.1.2".to_owned()));
    assert!(digital.iter().all(|c| c.starts_with("1.")));
}

#[tokio::test]
async fn the_11_member_states_are_listed_with_their_joining_dates() {
    let app = TestApp::spawn().await;

    let body = app.get_json("/api/v1/member-states").await;

    let states = body["member_states"].as_array().unwrap();
    assert_eq!(states.len(), 11);
    let tls = states.iter().find(|s| s["code"] == "TLS").unwrap();
    assert_eq!(tls["joined_on"], "2025-10-26");
    assert_eq!(tls["iso2"], "TL");
    let vnm = states.iter().find(|s| s["code"] == "VNM").unwrap();
    assert_eq!(vnm["name"], "Viet Nam");
}

#[tokio::test]
async fn the_blueprint_counts_10_participants_and_the_strategic_plan_11() {
    let app = TestApp::spawn().await;

    let blueprint = app
        .get_json("/api/v1/frameworks/ascc-blueprint-2025/participants?as_of=2025-06-30")
        .await;
    let plan = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/participants?as_of=2026-06-30")
        .await;
    let before_start = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/participants?as_of=2025-12-31")
        .await;

    assert_eq!(blueprint["count"], 10);
    let codes: Vec<&str> = blueprint["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        [
            "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM"
        ]
    );
    assert_eq!(plan["count"], 11);
    assert_eq!(plan["participants"][9]["code"], "TLS");
    assert_eq!(plan["participants"][9]["from_date"], "2026-01-01");
    assert_eq!(before_start["count"], 0);
}

#[tokio::test]
async fn the_2017_milestones_are_completed_activities_linked_to_blueprint_elements() {
    let app = TestApp::spawn().await;

    let (activities, links, reports) = app.tracker.store().count_activities().await.unwrap();

    assert_eq!((activities, links, reports), (48, 48, 48));
}

#[tokio::test]
async fn loading_the_reference_data_again_adds_nothing() {
    let app = TestApp::spawn().await;
    let before = app.get_json("/api/v1/frameworks/ascc-strategic-plan").await;

    let (reopened, summary) = Tracker::open(&app.database_url).await.unwrap();
    let again = reopened.load_reference().await.unwrap();

    assert_eq!(summary, Default::default());
    assert_eq!(again, Default::default());
    assert_eq!(
        app.get_json("/api/v1/frameworks/ascc-strategic-plan").await,
        before
    );
    assert_eq!(
        app.get_json("/api/v1/member-states").await["member_states"]
            .as_array()
            .unwrap()
            .len(),
        11
    );
    assert_eq!(
        app.get_json("/api/v1/frameworks/ascc-blueprint-2025/participants?as_of=2025-06-30")
            .await["count"],
        10
    );
    assert_eq!(
        app.tracker.store().count_activities().await.unwrap(),
        (48, 48, 48)
    );
}

#[tokio::test]
async fn the_demo_scenario_is_loaded_once_and_labelled() {
    let app = TestApp::spawn_with_demo().await;
    let stored = app.stored_reports().await;

    let again = app.tracker.load_demo().await.unwrap();
    let history = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/measures/1.1.1/history")
        .await;

    assert!(stored > 1_000, "the demo has {stored} reports");
    assert_eq!(again, 0);
    assert_eq!(app.stored_reports().await, stored);
    for report in history["reports"].as_array().unwrap() {
        assert!(report["note"].as_str().unwrap().starts_with("[DEMO]"));
        // The Secretariat's demo account, or a demo focal point (`demo-vnm`) for the national
        // reports still waiting for validation.
        let by = report["recorded_by"].as_str().unwrap();
        assert!(by == "demo" || by.starts_with("demo-"), "{by}");
    }
}

#[tokio::test]
async fn without_demo_no_status_is_stored() {
    let app = TestApp::spawn().await;

    assert_eq!(app.stored_reports().await, 0);
}
