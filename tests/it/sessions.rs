//! Web logins over HTTP: the session cookie and its timeouts, logout, forgery protection, the
//! login throttle, the second factor, and reads on a private server.

use std::time::Duration;

use blueprint_tracker::domain::Role;
use blueprint_tracker::service::totp::{base32_decode, code_at};
use blueprint_tracker::service::{ServiceError, Settings};
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem, browser, session_cookie};

const PASSWORD: &str = "correct horse battery staple";

/// The audit records of `action` (newest first), read by an admin over the API.
async fn audit_of(app: &TestApp, admin: &str, action: &str) -> Vec<Value> {
    let body = app
        .get_json_as(admin, &format!("/api/v1/audit?action={action}"))
        .await;
    body["events"].as_array().unwrap().clone()
}

/// `POST /logout` from a browser with these extra headers and form fields.
async fn logout(
    app: &TestApp,
    cookie: &str,
    headers: &[(&str, &str)],
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = browser()
        .post(format!("{}/logout", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .form(form);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn a_private_server_answers_reads_only_to_a_token_or_a_session() {
    let app = TestApp::spawn_with_settings(Settings {
        private: true,
        ..Settings::default()
    })
    .await;
    let t = app.tokens().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let cookie = app.session("lan", PASSWORD).await;

    for path in [
        "/api/v1/frameworks",
        "/api/v1/frameworks/ascc-strategic-plan/progress",
        "/api/v1/member-states",
    ] {
        let anonymous = app.get(path).await;
        assert_eq!(anonymous.headers()["www-authenticate"], "Bearer", "{path}");
        assert_problem(anonymous, 401, "unauthenticated").await;

        let with_token = app
            .send(reqwest::Method::GET, path, Some(&t.viewer), None)
            .await;
        assert_eq!(with_token.status(), 200, "{path} with a token");

        let with_session = app.get_with_session(path, &cookie).await;
        assert_eq!(with_session.status(), 200, "{path} with a session");

        let bad_token = app
            .send(reqwest::Method::GET, path, Some("bt_0000"), None)
            .await;
        assert_problem(bad_token, 401, "invalid_token").await;

        let stale_cookie = app.get_with_session(path, &"0".repeat(64)).await;
        assert_problem(stale_cookie, 401, "unauthenticated").await;
    }
    let frameworks: Value = app
        .get_with_session("/api/v1/frameworks", &cookie)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(frameworks["frameworks"].as_array().map(Vec::len), Some(2));

    // Still open: the health check and the login page.
    assert_eq!(app.get_json("/healthz").await, json!({"status":"ok"}));
    let login_page = app.get("/login").await;
    assert_eq!(login_page.status(), 200);
    assert!(
        login_page
            .text()
            .await
            .unwrap()
            .contains(r#"action="/login""#)
    );
}

#[tokio::test]
async fn a_login_sets_a_strict_http_only_cookie_and_logout_ends_the_session() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;

    let response = app.login("lan", PASSWORD, None).await;

    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/account");
    let set_cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let cookie = session_cookie(&response).unwrap();
    assert_eq!(cookie.len(), 64, "{set_cookie}");
    assert!(
        cookie.bytes().all(|b| b.is_ascii_hexdigit()),
        "{set_cookie}"
    );
    assert_eq!(
        set_cookie,
        format!("bt_session={cookie}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200")
    );

    let page = app.get_with_session("/account", &cookie).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("<dd>lan</dd>"), "{html}");
    assert!(html.contains("<dd>focal_point</dd>"), "{html}");
    assert!(html.contains("<dd>VNM</dd>"), "{html}");
    let csrf = crate::support::csrf_field(&html);
    assert_eq!(csrf.len(), 64);

    // The browser's same-origin POST, with the page's token.
    let origin = app.base.clone();
    let out = logout(&app, &cookie, &[("origin", &origin)], &[("csrf", &csrf)]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/login");
    assert_eq!(session_cookie(&out).as_deref(), Some(""));
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );

    assert!(!app.session_works(&cookie).await);
    // A second logout with the dead cookie changes nothing.
    let again = logout(&app, &cookie, &[], &[("csrf", &csrf)]).await;
    assert_eq!(again.status(), 303);
    assert_eq!(again.headers()["location"], "/login");

    let logins = audit_of(&app, &t.admin, "session.login").await;
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0]["actor"], "lan");
    assert_eq!(logins[0]["actor_role"], "focal_point");
    assert_eq!(logins[0]["address"], "127.0.0.1");
    assert_eq!(logins[0]["target"], "user lan");
    let logouts = audit_of(&app, &t.admin, "session.logout").await;
    assert_eq!(logouts.len(), 1);
    assert_eq!(logouts[0]["actor"], "lan");
    assert_eq!(logouts[0]["address"], "127.0.0.1");
}

#[tokio::test]
async fn a_wrong_password_or_an_unknown_account_gets_no_session() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;

    for (name, password) in [("lan", "wrong password!!"), ("nobody", PASSWORD)] {
        let response = app.login(name, password, None).await;
        assert_eq!(response.status(), 401, "{name}");
        assert_eq!(session_cookie(&response), None, "{name}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("wrong account name, password or second-factor code"),
            "{html}"
        );
    }
    // An account without a password (token only) cannot log in either.
    let response = app.login("reader", "", None).await;
    assert_eq!(response.status(), 401);

    let failed = audit_of(&app, &t.admin, "session.login_failed").await;
    let names: Vec<&str> = failed.iter().filter_map(|e| e["actor"].as_str()).collect();
    assert_eq!(names, ["reader", "nobody", "lan"]);
    assert!(failed.iter().all(|e| e["address"] == "127.0.0.1"));
    assert!(audit_of(&app, &t.admin, "session.login").await.is_empty());
}

#[tokio::test]
async fn a_session_ends_after_its_idle_timeout() {
    let app = TestApp::spawn_with_settings(Settings {
        session_idle: chrono::Duration::seconds(1),
        ..Settings::default()
    })
    .await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let cookie = app.session("lan", PASSWORD).await;
    assert!(app.session_works(&cookie).await, "right after the login");

    tokio::time::sleep(Duration::from_millis(1_500)).await;

    assert!(!app.session_works(&cookie).await, "after 1.5 s idle");
    // A new login opens a new session.
    let fresh = app.session("lan", PASSWORD).await;
    assert_ne!(fresh, cookie);
    assert!(app.session_works(&fresh).await);
}

#[tokio::test]
async fn activity_keeps_a_session_alive_past_its_idle_timeout() {
    let app = TestApp::spawn_with_settings(Settings {
        session_idle: chrono::Duration::seconds(2),
        ..Settings::default()
    })
    .await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let cookie = app.session("lan", PASSWORD).await;

    // Five requests 0.8 s apart: 4 s in all, never 2 s idle.
    for i in 0..5 {
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(app.session_works(&cookie).await, "request {i}");
    }
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_timeout_even_when_in_use() {
    let app = TestApp::spawn_with_settings(Settings {
        session_max: chrono::Duration::seconds(2),
        ..Settings::default()
    })
    .await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let started = std::time::Instant::now();
    let response = app.login("lan", PASSWORD, None).await;
    assert_eq!(response.status(), 303);
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=2")
    );
    let cookie = session_cookie(&response).unwrap();

    // In use every 0.4 s (never idle), yet over once 2 s have passed since the login.
    while started.elapsed() < Duration::from_millis(2_300) {
        let works = app.session_works(&cookie).await;
        if started.elapsed() < Duration::from_millis(1_600) {
            assert!(works, "{:?} after the login", started.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(400)).await;
    }
    assert!(
        !app.session_works(&cookie).await,
        "over 2 s after the login"
    );
}

#[tokio::test]
async fn a_login_sends_the_browser_back_only_to_a_page_of_this_site() {
    let app = TestApp::spawn().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    for (next, location) in [
        ("/api/v1/frameworks", "/api/v1/frameworks"),
        ("//evil.example/", "/me"),
        ("https://evil.example/", "/me"),
        ("/\\evil.example", "/me"),
        ("", "/me"),
    ] {
        let response = browser()
            .post(format!("{}/login", app.base))
            .form(&[("name", "lan"), ("password", PASSWORD), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303, "{next}");
        assert_eq!(response.headers()["location"], location, "{next}");
    }
}

#[tokio::test]
async fn disabling_an_account_or_changing_its_password_ends_its_sessions() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let lan_token = app
        .account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    app.account_with_password("minh", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let lan = app.session("lan", PASSWORD).await;
    let minh = app.session("minh", PASSWORD).await;

    let disabled = app
        .send(
            reqwest::Method::POST,
            "/api/v1/users/lan/disable",
            Some(&t.admin),
            None,
        )
        .await;
    assert_eq!(disabled.status(), 200);
    assert!(!app.session_works(&lan).await, "disabled");
    let response = app
        .send(reqwest::Method::GET, "/api/v1/me", Some(&lan_token), None)
        .await;
    assert_problem(response, 401, "invalid_token").await;
    assert_eq!(app.login("lan", PASSWORD, None).await.status(), 401);

    let changed = app
        .send(
            reqwest::Method::PUT,
            "/api/v1/users/minh/password",
            Some(&t.admin),
            Some(&json!({"password": "another long passphrase"})),
        )
        .await;
    assert_eq!(changed.status(), 204);
    assert!(!app.session_works(&minh).await, "password changed");
    assert_eq!(app.login("minh", PASSWORD, None).await.status(), 401);
    assert_eq!(
        app.login("minh", "another long passphrase", None)
            .await
            .status(),
        303
    );
}

#[tokio::test]
async fn a_cross_site_logout_is_refused_and_the_session_survives() {
    let app = TestApp::spawn().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let cookie = app.session("lan", PASSWORD).await;
    let csrf = app.csrf(&cookie).await;

    for headers in [
        [("origin", "https://evil.example")],
        [("sec-fetch-site", "cross-site")],
        [("referer", "https://evil.example/page")],
        [("origin", "null")],
    ] {
        // Even with the right token: the request does not come from this site.
        let response = logout(&app, &cookie, &headers, &[("csrf", &csrf)]).await;
        let problem = assert_problem(response, 403, "cross_site_request").await;
        assert!(
            problem["detail"].as_str().unwrap().contains("nothing"),
            "{headers:?}"
        );
        assert!(app.session_works(&cookie).await, "{headers:?}");
    }
}

#[tokio::test]
async fn a_logout_without_the_sessions_anti_forgery_token_is_refused() {
    let app = TestApp::spawn().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    app.account_with_password("minh", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let cookie = app.session("lan", PASSWORD).await;
    let other = app.session("minh", PASSWORD).await;
    let others_csrf = app.csrf(&other).await;
    let origin = app.base.clone();

    for form in [
        vec![],
        vec![("csrf", "")],
        vec![("csrf", others_csrf.as_str())],
    ] {
        let response = logout(&app, &cookie, &[("origin", &origin)], &form).await;
        assert_problem(response, 403, "cross_site_request").await;
        assert!(app.session_works(&cookie).await, "{form:?}");
    }
    assert!(app.session_works(&other).await);
}

#[tokio::test]
async fn a_cross_site_login_is_refused() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;

    for (header, value) in [
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "https://evil.example"),
    ] {
        let response = browser()
            .post(format!("{}/login", app.base))
            .header(header, value)
            .form(&[("name", "lan"), ("password", PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(session_cookie(&response), None, "{header}: {value}");
        assert_problem(response, 403, "cross_site_request").await;
    }
    assert!(audit_of(&app, &t.admin, "session").await.is_empty());

    // From this site (what a browser sends), the login goes through.
    let response = browser()
        .post(format!("{}/login", app.base))
        .header("sec-fetch-site", "same-origin")
        .form(&[("name", "lan"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

#[tokio::test]
async fn five_failed_logins_for_an_account_refuse_the_sixth_with_429_and_retry_after() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;

    for i in 0..5 {
        let response = app.login("lan", &format!("wrong password {i}"), None).await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }
    // The sixth, even with the right password.
    let response = app.login("lan", PASSWORD, None).await;

    assert_eq!(response.status(), 429);
    assert_eq!(session_cookie(&response), None);
    let retry_after: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("too many failed attempts")
    );
    // Throttled attempts are refused before checking anything: the five failures are audited.
    assert_eq!(
        audit_of(&app, &t.admin, "session.login_failed").await.len(),
        5
    );
    assert!(audit_of(&app, &t.admin, "session.login").await.is_empty());

    // The account key on its own: the same account from another address is refused too…
    let other_address = app
        .tracker
        .login(
            "LAN",
            &blueprint_tracker::domain::Secret::new(PASSWORD),
            None,
            Some("10.0.0.2"),
        )
        .await;
    assert!(
        matches!(other_address, Err(ServiceError::TooManyAttempts { .. })),
        "{other_address:?}"
    );
}

#[tokio::test]
async fn failed_logins_for_one_account_never_throttle_another_account_from_the_same_address() {
    let app = TestApp::spawn().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    app.account_with_password("somchai", Role::FocalPoint, Some("THA"), PASSWORD)
        .await;

    // Behind a proxy every user comes from one address; here every request is 127.0.0.1.
    for i in 0..5 {
        let response = app.login("lan", &format!("wrong password {i}"), None).await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }
    assert_eq!(app.login("lan", PASSWORD, None).await.status(), 429);

    // Another account from the same address logs in, and may still make mistakes.
    assert_eq!(
        app.login("somchai", "wrong password!", None).await.status(),
        401
    );
    assert_eq!(app.login("somchai", PASSWORD, None).await.status(), 303);
}

#[tokio::test]
async fn the_login_throttle_survives_a_restart() {
    let app = TestApp::spawn().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    for i in 0..5 {
        let response = app.login("lan", &format!("wrong password {i}"), None).await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }

    // A new server process on the same database (nothing shared in memory).
    let restarted = TestApp::spawn_on(&app.database_url).await;
    let response = restarted.login("lan", PASSWORD, None).await;

    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn one_address_gets_its_own_smaller_limit_for_an_account() {
    let app = TestApp::spawn_with_settings(Settings {
        login_failures: 20,
        login_failures_per_address: 3,
        ..Settings::default()
    })
    .await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    let login = |password: &'static str, address: &'static str| {
        let tracker = app.tracker.clone();
        async move {
            tracker
                .login(
                    "lan",
                    &blueprint_tracker::domain::Secret::new(password),
                    None,
                    Some(address),
                )
                .await
        }
    };
    for _ in 0..3 {
        assert!(matches!(
            login("wrong password!", "203.0.113.7").await,
            Err(ServiceError::LoginFailed)
        ));
    }

    // That address is throttled for that account, even with the right password…
    let throttled = login(PASSWORD, "203.0.113.7").await;
    assert!(
        matches!(throttled, Err(ServiceError::TooManyAttempts { .. })),
        "{throttled:?}"
    );
    // …another address is not (the account's own limit, 20, is far).
    let elsewhere = login(PASSWORD, "198.51.100.2").await;
    assert!(elsewhere.is_ok(), "{elsewhere:?}");
}

#[tokio::test]
async fn the_throttle_lifts_once_the_failures_leave_the_window() {
    let app = TestApp::spawn_with_settings(Settings {
        login_window: chrono::Duration::seconds(2),
        ..Settings::default()
    })
    .await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    for _ in 0..5 {
        assert_eq!(
            app.login("lan", "wrong password!", None).await.status(),
            401
        );
    }
    let refused = app.login("lan", PASSWORD, None).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");

    tokio::time::sleep(Duration::from_millis(2_100)).await;

    assert_eq!(app.login("lan", PASSWORD, None).await.status(), 303);
}

#[tokio::test]
async fn a_second_factor_once_enabled_is_required_to_log_in() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    app.account_with_password("mai", Role::Secretariat, None, PASSWORD)
        .await;
    let secret = app
        .tracker
        .set_second_factor(None, "mai", true)
        .await
        .unwrap()
        .unwrap();
    let key = base32_decode(secret.expose()).unwrap();
    assert_eq!(key.len(), 20);
    let now = || chrono::Utc::now().timestamp();

    let without = app.login("mai", PASSWORD, None).await;
    assert_eq!(without.status(), 401);
    assert_eq!(session_cookie(&without), None);
    let right = code_at(&key, now()).unwrap();
    let wrong = format!("{:06}", (right + 500_000) % 1_000_000);
    assert_eq!(app.login("mai", PASSWORD, Some(&wrong)).await.status(), 401);
    // The right code with a wrong password fails too.
    let code = format!("{:06}", code_at(&key, now()).unwrap());
    assert_eq!(
        app.login("mai", "wrong password!", Some(&code))
            .await
            .status(),
        401
    );

    let code = format!("{:06}", code_at(&key, now()).unwrap());
    let with = app.login("mai", PASSWORD, Some(&code)).await;
    assert_eq!(with.status(), 303);
    let cookie = session_cookie(&with).unwrap();
    assert!(app.session_works(&cookie).await);

    let logins = audit_of(&app, &t.admin, "session.login").await;
    assert_eq!(logins.len(), 1);
    assert_eq!(logins[0]["detail"]["second_factor"], true);

    // Only admin and Secretariat accounts may have one.
    let response = app
        .send(
            reqwest::Method::POST,
            "/api/v1/users/vnm-focal/totp",
            Some(&t.admin),
            None,
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(crate::support::error_fields(&problem), ["user"]);
}

/// A login from a browser through a proxy that says the client is `forwarded_for`.
async fn login_via_proxy(app: &TestApp, name: &str, password: &str, forwarded_for: &str) -> u16 {
    browser()
        .post(format!("{}/login", app.base))
        .header("x-forwarded-for", forwarded_for)
        .form(&[("name", name), ("password", password), ("next", "/account")])
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    let settings = Settings {
        login_failures: 4,
        login_failures_per_address: 2,
        ..Settings::default()
    };
    // No trusted proxy: the header is ignored; the audit trail shows the peer.
    let direct = TestApp::spawn_with_settings(settings.clone()).await;
    let t = direct.tokens().await;
    direct
        .account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    assert_eq!(
        login_via_proxy(&direct, "lan", "wrong password!", "203.0.113.7").await,
        401
    );
    assert_eq!(
        audit_of(&direct, &t.admin, "session.login_failed").await[0]["address"],
        "127.0.0.1"
    );
    // Nor does a new value in the header make a new client: both failures count for
    // (127.0.0.1, lan), whose limit (2) is reached; the right password is refused.
    assert_eq!(
        login_via_proxy(&direct, "lan", "wrong password!", "198.51.100.99").await,
        401
    );
    assert_eq!(
        login_via_proxy(&direct, "lan", PASSWORD, "192.0.2.55").await,
        429
    );

    // Behind a trusted proxy (here 127.0.0.1): the forwarded address is the client's.
    let proxied = TestApp::spawn_with(
        settings,
        blueprint_tracker::server::HttpOptions {
            trusted_proxies: blueprint_tracker::server::TrustedProxies::parse(&["127.0.0.1"])
                .unwrap(),
            ..Default::default()
        },
    )
    .await;
    let t = proxied.tokens().await;
    proxied
        .account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;
    for _ in 0..2 {
        assert_eq!(
            login_via_proxy(&proxied, "lan", "wrong password!", "203.0.113.7").await,
            401
        );
    }
    let failed = audit_of(&proxied, &t.admin, "session.login_failed").await;
    assert!(
        failed.iter().all(|e| e["address"] == "203.0.113.7"),
        "{failed:?}"
    );
    // That client is throttled for that account; another client of the same proxy is not:
    // its own mistakes are answered 401, not 429.
    assert_eq!(
        login_via_proxy(&proxied, "lan", PASSWORD, "203.0.113.7").await,
        429
    );
    for _ in 0..2 {
        assert_eq!(
            login_via_proxy(&proxied, "lan", "wrong password!", "198.51.100.2").await,
            401
        );
    }
    // The account's own count takes in every client: 4 failures in all refuse a third
    // client, which never failed itself.
    assert_eq!(
        login_via_proxy(&proxied, "lan", PASSWORD, "192.0.2.33").await,
        429
    );
    let failed = audit_of(&proxied, &t.admin, "session.login_failed").await;
    let addresses: Vec<&str> = failed
        .iter()
        .filter_map(|e| e["address"].as_str())
        .collect();
    assert_eq!(
        addresses,
        ["198.51.100.2", "198.51.100.2", "203.0.113.7", "203.0.113.7"]
    );
}

#[tokio::test]
async fn failed_logins_sent_at_once_are_held_to_the_limit_too() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    app.account_with_password("lan", Role::FocalPoint, Some("VNM"), PASSWORD)
        .await;

    // 20 wrong passwords at once, each over its own connection: a check made before any of
    // them failed would let every one be tried.
    let mut attempts = tokio::task::JoinSet::new();
    for i in 0..20 {
        let url = format!("{}/login", app.base);
        attempts.spawn(async move {
            let password = format!("wrong password {i}");
            browser()
                .post(url)
                .form(&[("name", "lan"), ("password", password.as_str())])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        });
    }
    let statuses = attempts.join_all().await;

    let tried = statuses.iter().filter(|s| **s == 401).count();
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(tried + refused, 20, "{statuses:?}");
    assert!(tried <= 5, "{tried} passwords were tried: {statuses:?}");
    assert_eq!(
        audit_of(&app, &t.admin, "session.login_failed").await.len(),
        tried
    );
}
