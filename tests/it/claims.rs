//! The claims register and review editions (issue 18) through the service.

use crate::support::TestApp;

#[tokio::test]
async fn smoke_the_shipped_claim_on_the_demo() {
    let app = TestApp::spawn_with_demo().await;
    let checks = app
        .tracker
        .claim_checks(None, chrono::Utc::now())
        .await
        .unwrap();
    println!("{}", serde_json::to_string_pretty(&checks).unwrap());
    assert_eq!(checks.len(), 1);
}
