//! Hardening (issue 5, item 7): security headers on every answer (API, pages, problems), HSTS
//! only behind TLS, and error bodies that say nothing internal. (The write limit per account is
//! tested in `governance.rs`.)

use blueprint_tracker::server::{HttpOptions, serve_with};
use blueprint_tracker::service::{Settings, Tracker};

use crate::support::{TestApp, TestDb};

/// A server with these settings and options on a fresh database: (base URL, tracker, db).
async fn server(settings: Settings, options: HttpOptions) -> (String, Tracker, TestDb) {
    let (db, url) = TestDb::fresh().await;
    let (tracker, _) = Tracker::open(&url).await.unwrap();
    let tracker = tracker.with_settings(settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn({
        let tracker = tracker.clone();
        async move {
            let _ = serve_with(tracker, options, listener, std::future::pending()).await;
        }
    });
    (base, tracker, db)
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_hsts_only_behind_tls() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/frameworks",
        "/login",
        "/api/v1/frameworks/nope",
        "/healthz",
    ] {
        let r = app.get(path).await;
        let csp = header(&r, "content-security-policy").unwrap();
        assert!(csp.contains("default-src 'none'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert_eq!(header(&r, "x-content-type-options"), Some("nosniff"));
        assert_eq!(header(&r, "referrer-policy"), Some("same-origin"));
        assert_eq!(header(&r, "x-frame-options"), Some("DENY"));
        assert_eq!(header(&r, "strict-transport-security"), None, "{path}");
    }
    let (base, _tracker, _db) = server(
        Settings::default(),
        HttpOptions {
            behind_tls: true,
            ..HttpOptions::default()
        },
    )
    .await;
    let r = reqwest::get(format!("{base}/api/v1/frameworks"))
        .await
        .unwrap();
    assert!(
        header(&r, "strict-transport-security")
            .unwrap()
            .starts_with("max-age=")
    );
}

#[tokio::test]
async fn problems_never_show_internal_details() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    // Malformed JSON, an unknown route, a bad token: each answer is a problem without SQL,
    // file paths or a backtrace.
    let answers = [
        app.client
            .post(format!(
                "{}/api/v1/frameworks/ascc-strategic-plan/status",
                app.base
            ))
            .bearer_auth(&t.admin)
            .header("content-type", "application/json")
            .body("{not json")
            .send()
            .await
            .unwrap(),
        app.get("/api/v1/nothing/here").await,
        app.client
            .get(format!("{}/api/v1/audit", app.base))
            .bearer_auth("bt_wrong")
            .send()
            .await
            .unwrap(),
    ];
    for answer in answers {
        let text = answer.text().await.unwrap();
        for needle in ["SELECT", "sqlx", "src/", ".rs:", "panicked", "backtrace"] {
            assert!(!text.contains(needle), "{needle} in {text}");
        }
    }
}
