//! Governance over HTTP: the authorisation matrix of role × route × scope (from the table in
//! `domain::policy`), review cut-offs (locks) and their override, the Secretariat's validation
//! and return of reports, and the audit trail each write leaves. A refused write stores nothing.

use blueprint_tracker::domain::{AuditEvent, AuditFilter, Role, ValidationState};
use reqwest::{Method, Response};
use serde_json::{Value, json};

use crate::support::{TestApp, Tokens, assert_problem, error_fields, session_cookie};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";
const PASSWORD: &str = "correct horse battery staple";

/// A caller of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Who {
    Admin,
    Secretariat,
    /// Viet Nam's focal point.
    FocalVnm,
    Viewer,
    Anonymous,
    BadToken,
}

const EVERYONE: [Who; 6] = [
    Who::Admin,
    Who::Secretariat,
    Who::FocalVnm,
    Who::Viewer,
    Who::Anonymous,
    Who::BadToken,
];

impl Who {
    fn token(self, t: &Tokens) -> Option<&str> {
        match self {
            Who::Admin => Some(&t.admin),
            Who::Secretariat => Some(&t.secretariat),
            Who::FocalVnm => Some(&t.vnm),
            Who::Viewer => Some(&t.viewer),
            Who::Anonymous => None,
            Who::BadToken => Some("bt_00000000000000000000000000000000"),
        }
    }

    /// The account's name (as `TestApp::tokens` creates them).
    fn name(self) -> &'static str {
        match self {
            Who::Admin => "admin",
            Who::Secretariat => "asec",
            Who::FocalVnm => "vnm-focal",
            Who::Viewer => "reader",
            Who::Anonymous | Who::BadToken => "",
        }
    }

    /// The answer to a caller the table refuses: 401 without (good) credentials, else 403.
    pub(crate) fn refused(self) -> u16 {
        match self {
            Who::Anonymous | Who::BadToken => 401,
            _ => 403,
        }
    }
}

/// Checks an answer of the matrix and returns its JSON body: a 401 with `invalid_token` for a bad
/// token or `unauthenticated` for none, a 403 `forbidden` naming the account, or `want` itself.
async fn expect(response: Response, who: Who, want: u16, what: &str) -> Value {
    match want {
        401 => {
            let code = if who == Who::BadToken {
                "invalid_token"
            } else {
                "unauthenticated"
            };
            assert_eq!(response.status(), 401, "{who:?}: {what}");
            assert_problem(response, 401, code).await
        }
        403 => {
            assert_eq!(response.status(), 403, "{who:?}: {what}");
            let problem = assert_problem(response, 403, "forbidden").await;
            assert!(
                problem["detail"].as_str().unwrap().contains(who.name()),
                "{problem}"
            );
            problem
        }
        _ => {
            assert_eq!(response.status(), want, "{who:?}: {what}");
            response.json().await.unwrap_or(Value::Null)
        }
    }
}

/// Everything a write could change: reports, reviews, locks, accounts, tokens, audit records.
#[derive(Debug, PartialEq)]
struct Snapshot {
    reports: u64,
    validated: usize,
    returned: usize,
    locks: Value,
    /// Name, disabled, has a password, has a second factor.
    accounts: Vec<(String, bool, bool, bool)>,
    tokens: Vec<(String, i64, bool)>,
    audit: usize,
}

async fn snapshot(app: &TestApp) -> Snapshot {
    let queue = |state| async move {
        app.tracker
            .review_queue("ascc-strategic-plan", state, None, 1_000)
            .await
            .unwrap()
            .count
    };
    let accounts = app.tracker.accounts(None).await.unwrap();
    let mut tokens = Vec::new();
    for account in &accounts {
        for token in app.tracker.tokens(None, &account.user.name).await.unwrap() {
            tokens.push((
                account.user.name.clone(),
                token.id,
                token.revoked_at.is_some(),
            ));
        }
    }
    Snapshot {
        reports: app.stored_reports().await,
        validated: queue(ValidationState::Validated).await,
        returned: queue(ValidationState::Returned).await,
        locks: app.get_json(&format!("{SP}/locks")).await["locks"].clone(),
        accounts: accounts
            .iter()
            .map(|a| {
                (
                    a.user.name.clone(),
                    a.user.disabled,
                    a.has_password,
                    a.second_factor,
                )
            })
            .collect(),
        tokens,
        audit: app.audit_count().await,
    }
}

/// The newest audit record (read as the terminal does).
async fn newest_audit(app: &TestApp) -> AuditEvent {
    app.tracker
        .audit_trail(
            None,
            AuditFilter {
                limit: 1,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap()
        .pop()
        .expect("an audit record")
}

/// Sends a request of the matrix, checks the answer and, when refused, that nothing changed:
/// a 401 leaves no trace; a 403 (an account asking for what it may not do) leaves exactly one
/// `access.denied` audit record naming the account, and nothing else.
pub(crate) async fn attempt(
    app: &TestApp,
    t: &Tokens,
    who: Who,
    method: Method,
    path: &str,
    body: Option<&Value>,
    want: u16,
) -> Value {
    let before = snapshot(app).await;
    let what = format!("{method} {path}");
    let response = app.send(method, path, who.token(t), body).await;
    let answer = expect(response, who, want, &what).await;
    if !(200..300).contains(&want) {
        let mut expected = before;
        if want == 403 {
            expected.audit += 1;
        }
        assert_eq!(
            snapshot(app).await,
            expected,
            "{who:?}: {what} changed something, or a refusal was not audited"
        );
    }
    if want == 403 {
        let denied = newest_audit(app).await;
        assert_eq!(denied.action, "access.denied", "{who:?}: {what}");
        assert_eq!(denied.actor.as_deref(), Some(who.name()), "{what}");
        assert_eq!(denied.address.as_deref(), Some("127.0.0.1"), "{what}");
        assert!(
            denied.detail["action"].is_string(),
            "{what}: {:?}",
            denied.detail
        );
    }
    answer
}

fn report(scope: &str, effective_date: &str) -> Value {
    json!({"measure":"1.1.2","scope":scope,"status":"ongoing","progress":40,
           "effective_date":effective_date})
}

/// Records one report and returns what was stored.
async fn recorded(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app.record(token, body).await;
    assert_eq!(response.status(), 201, "recording {body}");
    response.json().await.unwrap()
}

async fn lock(app: &TestApp, token: &str, until: &str) -> Value {
    let response = app
        .post(
            &format!("{SP}/locks"),
            Some(token),
            &json!({"until": until}),
        )
        .await;
    assert_eq!(response.status(), 201, "lock until {until}");
    response.json().await.unwrap()
}

/// The audit records matching `query` (newest first), read by `token`'s account.
async fn audit(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let body = app
        .get_json_as(token, &format!("/api/v1/audit?{query}"))
        .await;
    let events = body["events"].as_array().unwrap().clone();
    assert_eq!(body["count"], events.len());
    events
}

// --- the authorisation matrix ---

#[tokio::test]
async fn matrix_recording_a_status_by_role_and_scope() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    // Scopes: ASEAN, own state VNM, other state THA.
    let matrix = [
        (Who::Admin, [201, 201, 201]),
        (Who::Secretariat, [201, 201, 201]),
        (Who::FocalVnm, [403, 201, 403]),
        (Who::Viewer, [403, 403, 403]),
        (Who::Anonymous, [401, 401, 401]),
        (Who::BadToken, [401, 401, 401]),
    ];
    for (who, expected) in matrix {
        for (scope, want) in ["ASEAN", "VNM", "THA"].into_iter().zip(expected) {
            let body = report(scope, "2026-03-31");
            let answer = attempt(
                &app,
                &t,
                who,
                Method::POST,
                &format!("{SP}/status"),
                Some(&body),
                want,
            )
            .await;
            if want == 201 {
                assert_eq!(answer["scope"], scope);
                assert_eq!(answer["recorded_by"], who.name());
            }
        }
    }
    assert_eq!(app.stored_reports().await, 7);
}

#[tokio::test]
async fn matrix_recording_inside_a_locked_period_with_override_lock() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let lock = lock(&app, &t.secretariat, "2026-06-30").await;
    let path = format!("{SP}/status?override_lock=true");

    for (who, want) in [
        (Who::Secretariat, 403),
        (Who::FocalVnm, 403),
        (Who::Viewer, 403),
        (Who::Anonymous, 401),
        (Who::BadToken, 401),
        (Who::Admin, 201),
    ] {
        let body = report("VNM", "2026-03-31");
        let answer = attempt(&app, &t, who, Method::POST, &path, Some(&body), want).await;
        if want == 201 {
            assert_eq!(answer["lock_override"], true);
            assert_eq!(answer["lock_id"], lock["id"]);
        } else if want == 403 {
            assert!(
                answer["detail"].as_str().unwrap().contains("locked"),
                "{answer}"
            );
        }
    }
    assert_eq!(app.stored_reports().await, 1);
}

#[tokio::test]
async fn matrix_locking_a_framework() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let path = format!("{SP}/locks");
    let body = json!({"until": "2026-06-30"});

    for who in EVERYONE {
        let want = match who {
            Who::Admin | Who::Secretariat => 201,
            other => other.refused(),
        };
        let answer = attempt(&app, &t, who, Method::POST, &path, Some(&body), want).await;
        if want == 201 {
            assert_eq!(answer["created_by"], who.name());
        }
    }
    let locks = app.get_json(&path).await;
    assert_eq!(locks["locks"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn matrix_unlocking_a_framework() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let lock = lock(&app, &t.secretariat, "2026-06-30").await;
    let path = format!("{SP}/locks/{}", lock["id"]);

    // The refused first (the lock stays), the admin last.
    for (who, want) in [
        (Who::Secretariat, 403),
        (Who::FocalVnm, 403),
        (Who::Viewer, 403),
        (Who::Anonymous, 401),
        (Who::BadToken, 401),
        (Who::Admin, 200),
    ] {
        let answer = attempt(&app, &t, who, Method::DELETE, &path, None, want).await;
        if want == 200 {
            assert_eq!(answer["released_by"], "admin");
        }
    }
}

#[tokio::test]
async fn matrix_validating_and_returning_by_role_and_scope() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = app.token("tha-focal", Role::FocalPoint, Some("THA")).await;

    for scope in ["VNM", "THA", "ASEAN"] {
        // A focal point's report waits for review; the Secretariat's own is validated on entry,
        // so an ASEAN report (only the Secretariat or an admin records one) cannot be decided
        // again: 409, where a refused caller still gets 403.
        let recorder = match scope {
            "VNM" => &t.vnm,
            "THA" => &tha,
            _ => &t.secretariat,
        };
        let allowed = if scope == "ASEAN" { 409 } else { 200 };
        for (decision, body) in [
            ("validate", json!({"evidence_checked": true})),
            ("return", json!({"reason": "attach the decree"})),
        ] {
            // On one report the refused callers, then the Secretariat; on another the admin.
            let refused_then_secretariat: &[Who] = &[
                Who::FocalVnm,
                Who::Viewer,
                Who::Anonymous,
                Who::BadToken,
                Who::Secretariat,
            ];
            for deciders in [refused_then_secretariat, &[Who::Admin]] {
                let stored = recorded(&app, recorder, &report(scope, "2026-03-31")).await;
                let path = format!("{SP}/reports/{}/{decision}", stored["id"]);
                for &who in deciders {
                    let want = match who {
                        Who::Admin | Who::Secretariat => allowed,
                        other => other.refused(),
                    };
                    let what = format!("{who:?}: {decision} a report for {scope}");
                    if want == 409 {
                        let response = app
                            .send(Method::POST, &path, who.token(&t), Some(&body))
                            .await;
                        assert_problem(response, 409, "conflict").await;
                        continue;
                    }
                    let answer =
                        attempt(&app, &t, who, Method::POST, &path, Some(&body), want).await;
                    if want == 200 {
                        let state = if decision == "validate" {
                            "validated"
                        } else {
                            "returned"
                        };
                        assert_eq!(answer["validation"]["state"], state, "{what}");
                        assert_eq!(answer["validation"]["by"], who.name(), "{what}");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn matrix_reading_the_audit_trail() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    for who in EVERYONE {
        let want = match who {
            Who::Admin | Who::Secretariat => 200,
            other => other.refused(),
        };
        let answer = attempt(&app, &t, who, Method::GET, "/api/v1/audit", None, want).await;
        if want == 200 {
            // The four accounts the terminal created.
            assert_eq!(answer["count"], 4, "{who:?}");
        }
    }
}

#[tokio::test]
async fn matrix_managing_accounts() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    app.token("temp", Role::Viewer, None).await;

    for who in EVERYONE {
        let (list, create, disable) = match who {
            Who::Admin => (200, 201, 200),
            other => (other.refused(), other.refused(), other.refused()),
        };
        let answer = attempt(&app, &t, who, Method::GET, "/api/v1/users", None, list).await;
        if list == 200 {
            assert_eq!(answer["count"], 5);
        }
        let body = json!({"name": format!("new-{who:?}"), "role": "focal_point", "state": "THA",
                          "password": PASSWORD});
        let answer = attempt(
            &app,
            &t,
            who,
            Method::POST,
            "/api/v1/users",
            Some(&body),
            create,
        )
        .await;
        if create == 201 {
            assert_eq!(answer["user"]["name"], "new-Admin");
            assert_eq!(answer["user"]["state"], "THA");
            assert!(answer["token"].as_str().unwrap().starts_with("bt_"));
        }
        let answer = attempt(
            &app,
            &t,
            who,
            Method::POST,
            "/api/v1/users/temp/disable",
            None,
            disable,
        )
        .await;
        if disable == 200 {
            assert_eq!(answer["user"]["disabled"], true);
        }
    }
    // Enabling again: the admin only (the refused first, while `temp` is disabled).
    for (who, want) in [
        (Who::Secretariat, 403),
        (Who::FocalVnm, 403),
        (Who::Viewer, 403),
        (Who::Anonymous, 401),
        (Who::BadToken, 401),
        (Who::Admin, 200),
    ] {
        let answer = attempt(
            &app,
            &t,
            who,
            Method::POST,
            "/api/v1/users/temp/enable",
            None,
            want,
        )
        .await;
        if want == 200 {
            assert_eq!(answer["user"]["disabled"], false);
        }
    }
    // An admin cannot disable itself.
    let response = app
        .send(
            Method::POST,
            "/api/v1/users/admin/disable",
            Some(&t.admin),
            None,
        )
        .await;
    assert_problem(response, 409, "conflict").await;
    let accounts = app.tracker.accounts(None).await.unwrap();
    let names: Vec<&str> = accounts.iter().map(|a| a.user.name.as_str()).collect();
    assert_eq!(names.len(), 6, "{names:?}");
    assert!(names.contains(&"new-Admin"));
}

#[tokio::test]
async fn matrix_managing_api_tokens_own_and_others() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    for who in EVERYONE {
        // Whose tokens: the caller's own, and another account's.
        let own = match who {
            Who::Anonymous | Who::BadToken => "reader",
            other => other.name(),
        };
        let other = if who == Who::FocalVnm {
            "asec"
        } else {
            "vnm-focal"
        };
        for (owner, mine) in [(own, true), (other, false)] {
            let allowed = who == Who::Admin || (mine && who.refused() == 403);
            let want = |ok: u16| if allowed { ok } else { who.refused() };
            let base = format!("/api/v1/users/{owner}/tokens");
            let what = format!("{who:?} on {owner}'s tokens");

            let listed = attempt(&app, &t, who, Method::GET, &base, None, want(200)).await;
            if allowed {
                assert_eq!(listed["user"], owner, "{what}");
                assert!(!listed["tokens"].as_array().unwrap().is_empty(), "{what}");
                assert!(!listed.to_string().contains("bt_"), "{what}: {listed}");
            }

            let body = json!({"name": "laptop"});
            let created = attempt(&app, &t, who, Method::POST, &base, Some(&body), want(201)).await;
            // A token of the owner's to revoke: the one just created, or one the terminal makes.
            let (id, secret) = if allowed {
                let secret = created["token"].as_str().unwrap().to_owned();
                assert_eq!(created["info"]["name"], "laptop", "{what}");
                let me = app.get_json_as(&secret, "/api/v1/me").await;
                assert_eq!(me["user"]["name"], owner, "{what}");
                (created["info"]["id"].as_i64().unwrap(), secret)
            } else {
                let (info, secret) = app
                    .tracker
                    .create_token(
                        None,
                        owner,
                        &blueprint_tracker::service::NewApiToken {
                            name: "spare".to_owned(),
                            expires_at: None,
                        },
                    )
                    .await
                    .unwrap();
                (info.id, secret.expose().to_owned())
            };

            let path = format!("{base}/{id}");
            let revoked = attempt(&app, &t, who, Method::DELETE, &path, None, want(200)).await;
            let me = app
                .send(Method::GET, "/api/v1/me", Some(&secret), None)
                .await;
            if allowed {
                assert!(revoked["info"]["revoked_at"].is_string(), "{what}");
                assert_problem(me, 401, "invalid_token").await;
            } else {
                assert_eq!(
                    me.status(),
                    200,
                    "{what}: a refused revocation leaves the token"
                );
            }
        }
    }
}

#[tokio::test]
async fn matrix_setting_passwords_and_second_factors_own_and_others() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    for who in EVERYONE {
        let own = match who {
            Who::Anonymous | Who::BadToken => "reader",
            other => other.name(),
        };
        // Another account that may have a second factor.
        let other = if who == Who::Secretariat {
            "admin"
        } else {
            "asec"
        };
        for (owner, mine) in [(own, true), (other, false)] {
            let allowed = who == Who::Admin || (mine && who.refused() == 403);
            let want = |ok: u16| if allowed { ok } else { who.refused() };
            let path = format!("/api/v1/users/{owner}/password");
            let body = json!({"password": format!("{PASSWORD} of {owner}")});
            attempt(&app, &t, who, Method::PUT, &path, Some(&body), want(204)).await;
            if allowed {
                let login = app
                    .login(owner, &format!("{PASSWORD} of {owner}"), None)
                    .await;
                assert_eq!(login.status(), 303, "{who:?} set {owner}'s password");
            }

            // The second factor: only admin and Secretariat accounts may have one.
            let path = format!("/api/v1/users/{owner}/totp");
            let may_have = matches!(owner, "admin" | "asec");
            if allowed && !may_have {
                let response = app.send(Method::POST, &path, who.token(&t), None).await;
                assert_problem(response, 422, "validation_failed").await;
                continue;
            }
            let enabled = attempt(&app, &t, who, Method::POST, &path, None, want(201)).await;
            if allowed {
                assert_eq!(enabled["user"], owner);
                assert_eq!(enabled["secret"].as_str().unwrap().len(), 32);
                assert!(
                    enabled["otpauth_uri"]
                        .as_str()
                        .unwrap()
                        .starts_with("otpauth://totp/")
                );
            }
            attempt(&app, &t, who, Method::DELETE, &path, None, want(204)).await;
        }
    }
}

#[tokio::test]
async fn an_api_token_with_an_expiry_stops_working_then() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let base = "/api/v1/users/vnm-focal/tokens";

    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let response = app
        .post(
            base,
            Some(&t.vnm),
            &json!({"name": "old", "expires_at": past}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["expires_at"]);
    let response = app
        .post(
            base,
            Some(&t.vnm),
            &json!({"name": "old", "expires_at": "tomorrow"}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["expires_at"]);
    let response = app.post(base, Some(&t.vnm), &json!({"name": " "})).await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["name"]);

    let soon = (chrono::Utc::now() + chrono::Duration::seconds(1)).to_rfc3339();
    let response = app
        .post(
            base,
            Some(&t.vnm),
            &json!({"name": "short", "expires_at": soon}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    let token = created["token"].as_str().unwrap();
    assert!(created["info"]["expires_at"].is_string());
    assert_eq!(
        app.get_json_as(token, "/api/v1/me").await["user"]["name"],
        "vnm-focal"
    );

    tokio::time::sleep(std::time::Duration::from_millis(1_500)).await;

    let response = app.send(Method::GET, "/api/v1/me", Some(token), None).await;
    assert_problem(response, 401, "invalid_token").await;
    let response = app.record(token, &report("VNM", "2026-03-31")).await;
    assert_problem(response, 401, "invalid_token").await;
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_token_is_revoked_once_only_through_its_owner_and_account_names_are_unique() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let admins = app
        .get_json_as(&t.admin, "/api/v1/users/admin/tokens")
        .await;
    let admin_token_id = admins["tokens"][0]["id"].as_i64().unwrap();

    // The admin's token, through the focal point's own path: not found there, and still valid.
    let response = app
        .send(
            Method::DELETE,
            &format!("/api/v1/users/vnm-focal/tokens/{admin_token_id}"),
            Some(&t.vnm),
            None,
        )
        .await;
    assert_problem(response, 404, "not_found").await;
    app.get_json_as(&t.admin, "/api/v1/me").await;

    let response = app
        .post(
            "/api/v1/users/vnm-focal/tokens",
            Some(&t.vnm),
            &json!({"name": "spare"}),
        )
        .await;
    let id = response.json::<Value>().await.unwrap()["info"]["id"].clone();
    let path = format!("/api/v1/users/vnm-focal/tokens/{id}");
    let response = app.send(Method::DELETE, &path, Some(&t.vnm), None).await;
    assert_eq!(response.status(), 200);
    let response = app.send(Method::DELETE, &path, Some(&t.vnm), None).await;
    assert_problem(response, 409, "conflict").await;
    let response = app
        .send(
            Method::GET,
            "/api/v1/users/nobody/tokens",
            Some(&t.admin),
            None,
        )
        .await;
    assert_problem(response, 404, "not_found").await;

    // Names are unique; a focal point needs a state, and only a focal point has one.
    let before = app.audit_count().await;
    for (body, status, code) in [
        (json!({"name":"asec","role":"viewer"}), 409, "conflict"),
        (
            json!({"name":"x","role":"focal_point"}),
            422,
            "validation_failed",
        ),
        (
            json!({"name":"y","role":"viewer","state":"VNM"}),
            422,
            "validation_failed",
        ),
    ] {
        let response = app.post("/api/v1/users", Some(&t.admin), &body).await;
        assert_problem(response, status, code).await;
    }
    assert_eq!(app.tracker.accounts(None).await.unwrap().len(), 4);
    assert_eq!(app.audit_count().await, before);
}

#[tokio::test]
async fn an_invalid_account_or_token_request_names_every_bad_field_at_once() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    // As a status report does: every problem in one answer, not the first layer's only.
    let response = app
        .post(
            "/api/v1/users/vnm-focal/tokens",
            Some(&t.vnm),
            &json!({"name": "", "expires_at": "tomorrow"}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["expires_at", "name"]);

    let response = app
        .post(
            "/api/v1/users",
            Some(&t.admin),
            &json!({"name": "", "role": "boss", "password": "short"}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["name", "password", "role"]);
    assert_eq!(app.tracker.accounts(None).await.unwrap().len(), 4);
}

#[tokio::test]
async fn writes_beyond_an_accounts_rate_are_refused_with_429_and_store_nothing() {
    let app = TestApp::spawn_with_settings(blueprint_tracker::service::Settings {
        write_rate: 1,
        ..blueprint_tracker::service::Settings::default()
    })
    .await;
    let t = app.tokens().await;

    // A burst of twice the rate, then refused.
    for _ in 0..2 {
        recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    }
    let response = app.record(&t.vnm, &report("VNM", "2026-03-31")).await;
    assert_eq!(response.headers()["retry-after"], "1");
    assert_problem(response, 429, "too_many_writes").await;
    assert_eq!(app.stored_reports().await, 2);
    // Per account: another account still writes; reads are not counted.
    recorded(&app, &t.secretariat, &report("VNM", "2026-03-31")).await;
    app.get_json_as(&t.vnm, "/api/v1/me").await;

    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    assert_eq!(app.stored_reports().await, 4);
}

// --- locks ---

#[tokio::test]
async fn a_lock_refuses_back_dated_reports_with_409_and_marks_later_ones() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    let response = app
        .post(
            &format!("{SP}/locks"),
            Some(&t.secretariat),
            &json!({"until": "2026-06-30", "note": "Mid-term data cut-off"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let lock: Value = response.json().await.unwrap();
    assert_eq!(lock["framework"], "ascc-strategic-plan");
    assert_eq!(lock["until"], "2026-06-30");
    assert_eq!(lock["note"], "Mid-term data cut-off");
    assert_eq!(lock["created_by"], "asec");
    assert!(lock["released_at"].is_null());
    let listed = app.get_json(&format!("{SP}/locks")).await;
    assert_eq!(listed["locks"], json!([lock.clone()]));

    // On or before the date: refused, for everyone without the override, stored nothing.
    for (who, token, date) in [
        ("focal point", &t.vnm, "2026-03-31"),
        ("secretariat", &t.secretariat, "2026-03-31"),
        ("secretariat", &t.secretariat, "2026-06-30"),
        ("admin without the override", &t.admin, "2026-01-01"),
    ] {
        let response = app.record(token, &report("VNM", date)).await;
        let problem = assert_problem(response, 409, "locked_period").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains("2026-06-30"), "{who} {date}: {detail}");
        assert!(
            detail.contains(&format!("lock {}", lock["id"])),
            "{who}: {detail}"
        );
        assert_eq!(app.stored_reports().await, 0, "{who} {date}");
    }
    // A bulk with one report in the locked period stores none of them.
    let bulk = json!({"reports": [report("VNM", "2026-07-01"), report("VNM", "2026-06-01")]});
    let response = app.record(&t.vnm, &bulk).await;
    let problem = assert_problem(response, 409, "locked_period").await;
    assert!(problem["detail"].as_str().unwrap().contains("1 report"));
    assert_eq!(app.stored_reports().await, 0);

    // After the date: accepted, and the report names the lock it was published under.
    for token in [&t.vnm, &t.secretariat] {
        let stored = recorded(&app, token, &report("VNM", "2026-07-01")).await;
        assert_eq!(stored["lock_id"], lock["id"]);
        assert_eq!(stored["lock_override"], false);
    }
    let history = app.get_json(&format!("{SP}/measures/1.1.2/history")).await;
    let reports = history["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r["lock_id"] == lock["id"]));
    assert_eq!(app.stored_reports().await, 2);
}

#[tokio::test]
async fn an_admin_may_record_inside_a_lock_with_override_lock_and_it_is_marked_and_audited() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let lock = lock(&app, &t.secretariat, "2026-06-30").await;
    let path = format!("{SP}/status?override_lock=true");

    let response = app
        .post(&path, Some(&t.admin), &report("VNM", "2026-03-31"))
        .await;
    assert_eq!(response.status(), 201);
    let stored: Value = response.json().await.unwrap();
    assert_eq!(stored["lock_override"], true);
    assert_eq!(stored["lock_id"], lock["id"]);
    assert_eq!(stored["recorded_by"], "admin");
    assert_eq!(stored["effective_date"], "2026-03-31");

    let overrides = audit(&app, &t.admin, "action=status.record_override").await;
    assert_eq!(overrides.len(), 1);
    let event = &overrides[0];
    assert_eq!(event["actor"], "admin");
    assert_eq!(event["actor_role"], "admin");
    assert_eq!(event["address"], "127.0.0.1");
    assert_eq!(event["framework"], "ascc-strategic-plan");
    assert_eq!(event["target"], format!("report {}", stored["id"]));
    assert_eq!(event["detail"]["in_locked_period"], 1);
    assert_eq!(event["detail"]["lock"]["id"], lock["id"]);
    assert_eq!(event["detail"]["reports"][0]["id"], stored["id"]);

    // The override outside the locked period: an ordinary record.
    let later = recorded(&app, &t.admin, &report("VNM", "2026-07-01")).await;
    let response = app
        .post(&path, Some(&t.admin), &report("VNM", "2026-07-02"))
        .await;
    assert_eq!(response.status(), 201);
    let outside: Value = response.json().await.unwrap();
    assert_eq!(outside["lock_override"], false);
    assert_eq!(later["lock_override"], false);
    assert_eq!(
        audit(&app, &t.admin, "action=status.record_override")
            .await
            .len(),
        1
    );
    assert_eq!(audit(&app, &t.admin, "action=status.record").await.len(), 2);

    // Nobody else may override, whatever the date.
    for token in [&t.secretariat, &t.vnm] {
        let response = app
            .post(&path, Some(token), &report("VNM", "2026-03-31"))
            .await;
        assert_problem(response, 403, "forbidden").await;
        let response = app
            .post(&path, Some(token), &report("VNM", "2026-08-01"))
            .await;
        assert_problem(response, 403, "forbidden").await;
    }
    let response = app
        .post(
            &format!("{SP}/status?override_lock=perhaps"),
            Some(&t.admin),
            &report("VNM", "2026-03-31"),
        )
        .await;
    assert_problem(response, 400, "invalid_query").await;
    assert_eq!(app.stored_reports().await, 3);
}

#[tokio::test]
async fn only_an_admin_releases_a_lock_and_back_dated_reports_are_accepted_after_it() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let lock = lock(&app, &t.secretariat, "2026-06-30").await;
    let path = format!("{SP}/locks/{}", lock["id"]);

    let response = app
        .send(Method::DELETE, &path, Some(&t.secretariat), None)
        .await;
    let problem = assert_problem(response, 403, "forbidden").await;
    assert!(problem["detail"].as_str().unwrap().contains("unlock"));
    let response = app.record(&t.vnm, &report("VNM", "2026-03-31")).await;
    assert_problem(response, 409, "locked_period").await;

    let response = app.send(Method::DELETE, &path, Some(&t.admin), None).await;
    assert_eq!(response.status(), 200);
    let released: Value = response.json().await.unwrap();
    assert_eq!(released["id"], lock["id"]);
    assert_eq!(released["released_by"], "admin");
    assert!(released["released_at"].is_string());
    assert_eq!(released["created_by"], "asec");

    let stored = recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    assert!(stored["lock_id"].is_null());
    assert_eq!(stored["lock_override"], false);

    // Released already; no such lock; no such framework.
    let response = app.send(Method::DELETE, &path, Some(&t.admin), None).await;
    assert_problem(response, 409, "conflict").await;
    let response = app
        .send(
            Method::DELETE,
            &format!("{SP}/locks/999999"),
            Some(&t.admin),
            None,
        )
        .await;
    assert_problem(response, 404, "not_found").await;
    let response = app
        .send(
            Method::DELETE,
            &format!(
                "/api/v1/frameworks/ascc-blueprint-2025/locks/{}",
                lock["id"]
            ),
            Some(&t.admin),
            None,
        )
        .await;
    assert_problem(response, 404, "not_found").await;
    let response = app
        .post(
            "/api/v1/frameworks/nope/locks",
            Some(&t.admin),
            &json!({"until": "2026-06-30"}),
        )
        .await;
    assert_problem(response, 404, "unknown_framework").await;

    let releases = audit(&app, &t.admin, "action=lock.release").await;
    assert_eq!(releases.len(), 1);
    assert_eq!(releases[0]["actor"], "admin");
    assert_eq!(releases[0]["framework"], "ascc-strategic-plan");
    assert_eq!(releases[0]["target"], format!("lock {}", lock["id"]));
}

#[tokio::test]
async fn a_lock_date_outside_the_framework_period_or_not_a_date_is_refused_with_422() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let path = format!("{SP}/locks");

    for body in [
        json!({"until": "2025-12-31"}),
        json!({"until": "2036-01-01"}),
        json!({"until": "30/06/2026"}),
        json!({"until": 20260630}),
        json!({}),
        json!({"until": null}),
    ] {
        let response = app.post(&path, Some(&t.secretariat), &body).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["until"], "{body}");
    }
    let response = app
        .post(
            &path,
            Some(&t.secretariat),
            &json!({"until": "2026-06-30", "when": "now"}),
        )
        .await;
    let problem = assert_problem(response, 422, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["when"]);
    assert_eq!(app.get_json(&path).await["locks"], json!([]));
    assert!(audit(&app, &t.admin, "action=lock").await.is_empty());

    // The period's first and last days are in it.
    for until in ["2026-01-01", "2035-12-31"] {
        lock(&app, &t.secretariat, until).await;
    }
}

#[tokio::test]
async fn the_lock_reaching_furthest_holds_and_each_framework_has_its_own() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let early = lock(&app, &t.secretariat, "2026-03-31").await;
    let late = lock(&app, &t.secretariat, "2026-06-30").await;

    let response = app.record(&t.vnm, &report("VNM", "2026-05-01")).await;
    let problem = assert_problem(response, 409, "locked_period").await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("lock {}", late["id"]))
    );

    let response = app
        .send(
            Method::DELETE,
            &format!("{SP}/locks/{}", late["id"]),
            Some(&t.admin),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let stored = recorded(&app, &t.vnm, &report("VNM", "2026-05-01")).await;
    assert_eq!(stored["lock_id"], early["id"]);
    let response = app.record(&t.vnm, &report("VNM", "2026-03-31")).await;
    assert_problem(response, 409, "locked_period").await;

    // A lock on the Blueprint 2025 does not touch the Strategic Plan, and the other way round.
    let response = app
        .post(
            "/api/v1/frameworks/ascc-blueprint-2025/locks",
            Some(&t.secretariat),
            &json!({"until": "2025-12-31"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let blueprint = app
        .post(
            "/api/v1/frameworks/ascc-blueprint-2025/status",
            Some(&t.vnm),
            &json!({"measure":"C.1.i","scope":"VNM","status":"completed",
                    "effective_date":"2025-06-30"}),
        )
        .await;
    assert_problem(blueprint, 409, "locked_period").await;
    let stored = recorded(&app, &t.vnm, &report("VNM", "2026-06-30")).await;
    assert_eq!(stored["lock_id"], early["id"]);
    assert_eq!(app.stored_reports().await, 2);
}

// --- validation ---

#[tokio::test]
async fn a_focal_points_report_is_reported_and_the_secretariats_is_validated_on_entry() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    let focal = recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    assert_eq!(
        focal["validation"],
        json!({"state":"reported","by":null,"at":null,"reason":null,"evidence_checked":false})
    );
    for (token, name) in [(&t.secretariat, "asec"), (&t.admin, "admin")] {
        let stored = recorded(&app, token, &report("THA", "2026-03-31")).await;
        assert_eq!(stored["validation"]["state"], "validated");
        assert_eq!(stored["validation"]["by"], name);
        assert_eq!(stored["validation"]["at"], stored["recorded_at"]);
        assert!(stored["validation"]["reason"].is_null());
    }

    // The review queue: what waits (the default), what is validated.
    let waiting = app.get_json(&format!("{SP}/reports")).await;
    assert_eq!(waiting["state"], "reported");
    assert_eq!(waiting["count"], 1);
    assert_eq!(waiting["reports"][0]["id"], focal["id"]);
    let validated = app
        .get_json(&format!("{SP}/reports?validation=validated"))
        .await;
    assert_eq!(validated["count"], 2);
    let response = app.get(&format!("{SP}/reports?validation=approved")).await;
    assert_problem(response, 400, "invalid_query").await;
}

#[tokio::test]
async fn validating_a_report_needs_its_evidence_checked_and_happens_once() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let stored = recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    let path = format!("{SP}/reports/{}/validate", stored["id"]);

    for body in [
        json!({}),
        json!({"evidence_checked": false}),
        json!({"evidence_checked": "yes"}),
    ] {
        let response = app.post(&path, Some(&t.secretariat), &body).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["evidence_checked"], "{body}");
    }
    // Viet Nam's own focal point may not validate its report.
    let response = app
        .post(&path, Some(&t.vnm), &json!({"evidence_checked": true}))
        .await;
    assert_problem(response, 403, "forbidden").await;
    assert_eq!(app.get_json(&format!("{SP}/reports")).await["count"], 1);

    let response = app
        .post(
            &path,
            Some(&t.secretariat),
            &json!({"evidence_checked": true, "note": "decree no. 12 checked"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let validated: Value = response.json().await.unwrap();
    assert_eq!(validated["id"], stored["id"]);
    assert_eq!(validated["validation"]["state"], "validated");
    assert_eq!(validated["validation"]["by"], "asec");
    assert_eq!(validated["validation"]["evidence_checked"], true);
    assert!(validated["validation"]["at"].is_string());
    // The report itself is unchanged.
    for field in [
        "measure",
        "scope",
        "status",
        "progress",
        "effective_date",
        "recorded_at",
    ] {
        assert_eq!(validated[field], stored[field], "{field}");
    }

    // Once: neither a second validation nor a return.
    let response = app
        .post(&path, Some(&t.admin), &json!({"evidence_checked": true}))
        .await;
    assert_problem(response, 409, "conflict").await;
    let response = app
        .post(
            &format!("{SP}/reports/{}/return", stored["id"]),
            Some(&t.secretariat),
            &json!({"reason": "too late"}),
        )
        .await;
    assert_problem(response, 409, "conflict").await;

    // No such report, in this framework or at all.
    let response = app
        .post(
            &format!("{SP}/reports/999999/validate"),
            Some(&t.secretariat),
            &json!({"evidence_checked": true}),
        )
        .await;
    assert_problem(response, 404, "not_found").await;
    let response = app
        .post(
            &format!(
                "/api/v1/frameworks/ascc-blueprint-2025/reports/{}/validate",
                stored["id"]
            ),
            Some(&t.secretariat),
            &json!({"evidence_checked": true}),
        )
        .await;
    assert_problem(response, 404, "not_found").await;

    assert_eq!(app.get_json(&format!("{SP}/reports")).await["count"], 0);
    let events = audit(&app, &t.admin, "action=report.validate").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["actor"], "asec");
    assert_eq!(events[0]["address"], "127.0.0.1");
    assert_eq!(events[0]["framework"], "ascc-strategic-plan");
    assert_eq!(events[0]["target"], format!("report {}", stored["id"]));
    assert_eq!(events[0]["detail"]["evidence_checked"], true);
    assert_eq!(events[0]["detail"]["scope"], "VNM");
}

#[tokio::test]
async fn a_returned_report_carries_its_reason_back_to_the_focal_point() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let stored = recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    let path = format!("{SP}/reports/{}/return", stored["id"]);
    let reason = "The evidence link is broken: attach the ministry's decree.";

    for body in [json!({}), json!({"reason": ""}), json!({"reason": "   "})] {
        let response = app.post(&path, Some(&t.secretariat), &body).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["reason"], "{body}");
    }
    let response = app
        .post(&path, Some(&t.vnm), &json!({"reason": reason}))
        .await;
    assert_problem(response, 403, "forbidden").await;

    let response = app
        .post(&path, Some(&t.secretariat), &json!({"reason": reason}))
        .await;
    assert_eq!(response.status(), 200);
    let returned: Value = response.json().await.unwrap();
    assert_eq!(returned["validation"]["state"], "returned");
    assert_eq!(returned["validation"]["reason"], reason);
    assert_eq!(returned["validation"]["by"], "asec");
    assert_eq!(returned["validation"]["evidence_checked"], false);

    // What the focal point reads: the measure's history and its returned reports.
    let history = app
        .get_json_as(&t.vnm, &format!("{SP}/measures/1.1.2/history"))
        .await;
    let reports = history["reports"].as_array().unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["validation"], returned["validation"]);
    let queue = app
        .get_json_as(
            &t.vnm,
            &format!("{SP}/reports?validation=returned&scope=VNM"),
        )
        .await;
    assert_eq!(queue["state"], "returned");
    assert_eq!(queue["scope"], "VNM");
    assert_eq!(queue["count"], 1);
    assert_eq!(queue["reports"][0]["id"], stored["id"]);
    assert_eq!(queue["reports"][0]["validation"]["reason"], reason);
    let other = app
        .get_json(&format!("{SP}/reports?validation=returned&scope=THA"))
        .await;
    assert_eq!(other["count"], 0);

    // Decided once; a correction is a newer report, which waits for review again.
    let response = app
        .post(&path, Some(&t.secretariat), &json!({"reason": "again"}))
        .await;
    assert_problem(response, 409, "conflict").await;
    let correction = recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    assert_eq!(correction["validation"]["state"], "reported");

    let events = audit(&app, &t.admin, "action=report.return").await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["actor"], "asec");
    assert_eq!(events[0]["detail"]["reason"], reason);
}

#[tokio::test]
async fn figures_on_the_validated_basis_count_only_validated_reports() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let first = recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    let mut second = report("VNM", "2026-03-31");
    second["measure"] = json!("1.1.3");
    recorded(&app, &t.vnm, &second).await;
    let response = app
        .post(
            &format!("{SP}/reports/{}/validate", first["id"]),
            Some(&t.secretariat),
            &json!({"evidence_checked": true}),
        )
        .await;
    assert_eq!(response.status(), 200);

    let progress = |basis: &'static str| {
        let app = &app;
        async move {
            app.get_json(&format!(
                "{SP}/progress?scope=VNM&as_of=2026-06-30&basis={basis}"
            ))
            .await["overall"]
                .clone()
        }
    };
    let reported = progress("reported").await;
    let validated = progress("validated").await;
    assert_eq!(reported["ongoing"], 2);
    assert_eq!(validated["ongoing"], 1);
    assert_eq!(reported["measures"], validated["measures"]);
}

// --- the audit trail ---

#[tokio::test]
async fn every_kind_of_write_leaves_an_audit_record_of_who_from_where_and_when() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let start = chrono::Utc::now();

    // Accounts and tokens, through the API.
    let response = app
        .post(
            "/api/v1/users",
            Some(&t.admin),
            &json!({"name":"somchai","role":"focal_point","state":"THA","password":PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .send(
            Method::PUT,
            "/api/v1/users/asec/password",
            Some(&t.secretariat),
            Some(&json!({"password": PASSWORD})),
        )
        .await;
    assert_eq!(response.status(), 204);
    let response = app
        .send(
            Method::POST,
            "/api/v1/users/asec/totp",
            Some(&t.admin),
            None,
        )
        .await;
    assert_eq!(response.status(), 201);
    let created = app
        .post(
            "/api/v1/users/vnm-focal/tokens",
            Some(&t.vnm),
            &json!({"name":"laptop"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let response = app
        .send(
            Method::DELETE,
            &format!("/api/v1/users/vnm-focal/tokens/{}", created["info"]["id"]),
            Some(&t.vnm),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);

    // Sessions.
    assert_eq!(
        app.login("somchai", "wrong password!", None).await.status(),
        401
    );
    let cookie = app.session("somchai", PASSWORD).await;
    let csrf = app.csrf(&cookie).await;
    let out = crate::support::browser()
        .post(format!("{}/logout", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    let response = app
        .send(
            Method::POST,
            "/api/v1/users/somchai/disable",
            Some(&t.admin),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);

    // Status, locks, reviews.
    let first = recorded(&app, &t.vnm, &report("VNM", "2026-03-31")).await;
    let second = recorded(&app, &t.vnm, &report("VNM", "2026-04-30")).await;
    let lock = lock(&app, &t.secretariat, "2026-06-30").await;
    // Refusals: a back-dated report, another state's report.
    let response = app.record(&t.vnm, &report("VNM", "2026-01-31")).await;
    assert_problem(response, 409, "locked_period").await;
    let response = app.record(&t.vnm, &report("THA", "2026-07-31")).await;
    assert_problem(response, 403, "forbidden").await;
    let response = app
        .post(
            &format!("{SP}/status?override_lock=true"),
            Some(&t.admin),
            &report("ASEAN", "2026-05-31"),
        )
        .await;
    assert_eq!(response.status(), 201);
    let response = app
        .post(
            &format!("{SP}/reports/{}/validate", first["id"]),
            Some(&t.secretariat),
            &json!({"evidence_checked": true}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .post(
            &format!("{SP}/reports/{}/return", second["id"]),
            Some(&t.secretariat),
            &json!({"reason": "no evidence"}),
        )
        .await;
    assert_eq!(response.status(), 200);
    let response = app
        .send(
            Method::DELETE,
            &format!("{SP}/locks/{}", lock["id"]),
            Some(&t.admin),
            None,
        )
        .await;
    assert_eq!(response.status(), 200);
    let end = chrono::Utc::now();

    let fw = "ascc-strategic-plan";
    // (action, actor, role, framework, target)
    let expected: [(&str, &str, &str, Option<&str>, String); 17] = [
        (
            "user.create",
            "admin",
            "admin",
            None,
            "user somchai".to_owned(),
        ),
        (
            "user.password",
            "asec",
            "secretariat",
            None,
            "user asec".to_owned(),
        ),
        ("user.totp", "admin", "admin", None, "user asec".to_owned()),
        (
            "token.create",
            "vnm-focal",
            "focal_point",
            None,
            "user vnm-focal".to_owned(),
        ),
        (
            "token.revoke",
            "vnm-focal",
            "focal_point",
            None,
            "user vnm-focal".to_owned(),
        ),
        ("session.login_failed", "somchai", "", None, String::new()),
        (
            "session.login",
            "somchai",
            "focal_point",
            None,
            "user somchai".to_owned(),
        ),
        (
            "session.logout",
            "somchai",
            "focal_point",
            None,
            "user somchai".to_owned(),
        ),
        (
            "user.disable",
            "admin",
            "admin",
            None,
            "user somchai".to_owned(),
        ),
        (
            "status.record",
            "vnm-focal",
            "focal_point",
            Some(fw),
            format!("report {}", second["id"]),
        ),
        (
            "lock.create",
            "asec",
            "secretariat",
            Some(fw),
            format!("lock {}", lock["id"]),
        ),
        // A refusal names the framework and what was asked for (issue 16).
        (
            "status.refused_locked",
            "vnm-focal",
            "focal_point",
            Some(fw),
            "measure 1.1.2 in VNM".to_owned(),
        ),
        (
            "access.denied",
            "vnm-focal",
            "focal_point",
            Some(fw),
            "measure 1.1.2 in THA".to_owned(),
        ),
        (
            "status.record_override",
            "admin",
            "admin",
            Some(fw),
            String::new(),
        ),
        (
            "report.validate",
            "asec",
            "secretariat",
            Some(fw),
            format!("report {}", first["id"]),
        ),
        (
            "report.return",
            "asec",
            "secretariat",
            Some(fw),
            format!("report {}", second["id"]),
        ),
        (
            "lock.release",
            "admin",
            "admin",
            Some(fw),
            format!("lock {}", lock["id"]),
        ),
    ];
    for (action, actor, role, framework, target) in &expected {
        let events = audit(&app, &t.admin, &format!("action={action}")).await;
        assert!(!events.is_empty(), "{action}");
        let event = &events[0];
        assert_eq!(event["action"], *action);
        assert_eq!(event["actor"], *actor, "{action}");
        if role.is_empty() {
            assert!(event["actor_role"].is_null(), "{action}");
        } else {
            assert_eq!(event["actor_role"], *role, "{action}");
        }
        assert_eq!(event["address"], "127.0.0.1", "{action}");
        assert_eq!(event["framework"].as_str(), *framework, "{action}");
        if !target.is_empty() {
            assert_eq!(event["target"], target.as_str(), "{action}");
        }
        let at: chrono::DateTime<chrono::Utc> = event["at"].as_str().unwrap().parse().unwrap();
        assert!(start <= at && at <= end, "{action} at {at}");
    }
    // The whole trail since the start, oldest first, is exactly these writes in order.
    let everything = audit(&app, &t.admin, "limit=1000").await;
    let since: Vec<&str> = everything
        .iter()
        .rev()
        .skip(4) // the four accounts the terminal created
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    let mut actions: Vec<&str> = expected.iter().map(|e| e.0).collect();
    actions.insert(9, "status.record"); // two reports were recorded
    assert_eq!(since, actions);
    // The terminal's accounts: by `terminal` from `local`.
    let first_four: Vec<&Value> = everything.iter().rev().take(4).collect();
    assert!(first_four.iter().all(|e| e["action"] == "user.create"
        && e["actor"] == "terminal"
        && e["address"] == "local"));
    // Details say what changed, never a secret.
    let text = serde_json::to_string(&everything).unwrap();
    assert!(!text.contains(PASSWORD));
    assert!(!text.contains(created["token"].as_str().unwrap()));
    assert!(!text.contains(&t.admin));
}

#[tokio::test]
async fn the_audit_trail_filters_by_actor_action_prefix_framework_time_and_pages() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    for date in ["2026-01-31", "2026-02-28", "2026-03-31"] {
        recorded(&app, &t.vnm, &report("VNM", date)).await;
    }
    recorded(&app, &t.secretariat, &report("ASEAN", "2026-03-31")).await;
    lock(&app, &t.secretariat, "2026-03-31").await;
    let response = app
        .post(
            &format!("{SP}/status?override_lock=true"),
            Some(&t.admin),
            &report("THA", "2026-02-28"),
        )
        .await;
    assert_eq!(response.status(), 201);

    let actions = |events: &[Value]| -> Vec<String> {
        events
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    // `action=status` is a prefix: every `status.*`; `status.record` is that action only.
    let status = audit(&app, &t.secretariat, "action=status").await;
    assert_eq!(
        actions(&status),
        [
            "status.record_override",
            "status.record",
            "status.record",
            "status.record",
            "status.record"
        ]
    );
    assert_eq!(audit(&app, &t.admin, "action=status.record").await.len(), 4);
    // Neither an action nor a family of them: refused, not an empty page.
    let response = app
        .send(
            reqwest::Method::GET,
            "/api/v1/audit?action=stat",
            Some(&t.admin),
            None,
        )
        .await;
    crate::support::assert_problem(response, 400, "invalid_query").await;

    let by_focal = audit(&app, &t.admin, "actor=vnm-focal").await;
    assert_eq!(by_focal.len(), 3);
    assert!(by_focal.iter().all(|e| e["actor"] == "vnm-focal"));
    let by_secretariat = audit(&app, &t.admin, "actor=asec&action=lock").await;
    assert_eq!(actions(&by_secretariat), ["lock.create"]);
    assert_eq!(
        audit(&app, &t.admin, "framework=ascc-strategic-plan")
            .await
            .len(),
        6
    );
    assert_eq!(
        audit(&app, &t.admin, "framework=ascc-blueprint-2025")
            .await
            .len(),
        0
    );

    // Newest first, a page at a time.
    let page = app
        .get_json_as(&t.admin, "/api/v1/audit?actor=vnm-focal&limit=2")
        .await;
    assert_eq!(page["count"], 2);
    let ids: Vec<i64> = page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids[0] > ids[1]);
    assert_eq!(page["next_before"], ids[1]);
    let rest = audit(
        &app,
        &t.admin,
        &format!("actor=vnm-focal&before={}", ids[1]),
    )
    .await;
    assert_eq!(rest.len(), 1);
    assert!(rest[0]["id"].as_i64().unwrap() < ids[1]);
    assert_eq!(by_focal[2]["id"], rest[0]["id"]);

    // Time.
    assert_eq!(audit(&app, &t.admin, "from=2999-01-01").await.len(), 0);
    assert_eq!(audit(&app, &t.admin, "to=2000-01-01").await.len(), 0);
    assert_eq!(
        audit(&app, &t.admin, "from=2000-01-01&limit=1000")
            .await
            .len(),
        10
    );

    for query in [
        "limit=0",
        "limit=1001",
        "limit=many",
        "before=x",
        "from=yesterday",
    ] {
        let response = app
            .send(
                Method::GET,
                &format!("/api/v1/audit?{query}"),
                Some(&t.admin),
                None,
            )
            .await;
        assert_problem(response, 400, "invalid_query").await;
    }
    let response = app
        .send(Method::GET, "/api/v1/audit", Some(&t.viewer), None)
        .await;
    assert_problem(response, 403, "forbidden").await;
}

// --- the "Done when", end to end ---

#[tokio::test]
async fn a_new_focal_point_for_viet_nam_logs_in_records_its_own_state_and_is_held_to_the_lock() {
    let app = TestApp::spawn().await;
    let admin = app.token("admin", Role::Admin, None).await;
    let secretariat = app.token("asec", Role::Secretariat, None).await;

    // An admin creates a focal point for Viet Nam, with a password.
    let response = app
        .post(
            "/api/v1/users",
            Some(&admin),
            &json!({"name":"nguyen.lan","role":"focal_point","state":"VNM","password":PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["user"]["name"], "nguyen.lan");
    assert_eq!(created["user"]["role"], "focal_point");
    assert_eq!(created["user"]["state"], "VNM");
    assert_eq!(created["user"]["disabled"], false);
    let first_token = created["token"].as_str().unwrap().to_owned();
    assert!(
        first_token.starts_with("bt_") && first_token.len() == 67,
        "{first_token}"
    );

    // The focal point logs in on the web page.
    let response = app.login("nguyen.lan", PASSWORD, None).await;
    assert_eq!(response.status(), 303);
    let cookie = session_cookie(&response).unwrap();
    let page = app.get_with_session("/account", &cookie).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("<dd>nguyen.lan</dd>") && html.contains("<dd>VNM</dd>"),
        "{html}"
    );

    // … gets a token of its own for its API client …
    let response = app
        .post(
            "/api/v1/users/nguyen.lan/tokens",
            Some(&first_token),
            &json!({"name":"ministry laptop"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let token = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(token, first_token);

    // … records Viet Nam's status, and is refused Thailand's.
    let stored = recorded(&app, &token, &report("VNM", "2026-03-31")).await;
    assert_eq!(stored["recorded_by"], "nguyen.lan");
    assert_eq!(stored["validation"]["state"], "reported");
    let response = app.record(&token, &report("THA", "2026-03-31")).await;
    let problem = assert_problem(response, 403, "forbidden").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        detail.contains("nguyen.lan") && detail.contains("VNM") && detail.contains("THA"),
        "{detail}"
    );

    // The Secretariat locks at a date; a back-dated report is refused.
    let lock = lock(&app, &secretariat, "2026-06-30").await;
    let response = app.record(&token, &report("VNM", "2026-05-31")).await;
    assert_problem(response, 409, "locked_period").await;
    assert_eq!(app.stored_reports().await, 1);

    // The audit shows each of these actions, with who and when, in order.
    let trail = audit(&app, &admin, "limit=1000").await;
    let since: Vec<(String, String, String)> = trail
        .iter()
        .rev()
        .skip(2) // the terminal's two accounts
        .map(|e| {
            (
                e["action"].as_str().unwrap().to_owned(),
                e["actor"].as_str().unwrap().to_owned(),
                e["target"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("user.create", "admin", "user nguyen.lan".to_owned()),
        ("session.login", "nguyen.lan", "user nguyen.lan".to_owned()),
        ("token.create", "nguyen.lan", "user nguyen.lan".to_owned()),
        (
            "status.record",
            "nguyen.lan",
            format!("report {}", stored["id"]),
        ),
        (
            "access.denied",
            "nguyen.lan",
            "measure 1.1.2 in THA".to_owned(),
        ),
        ("lock.create", "asec", format!("lock {}", lock["id"])),
        (
            "status.refused_locked",
            "nguyen.lan",
            "measure 1.1.2 in VNM".to_owned(),
        ),
    ]
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c));
    assert_eq!(since, expected);
    let mut previous = None;
    for event in trail.iter().rev().skip(2) {
        assert_eq!(event["address"], "127.0.0.1");
        let at: chrono::DateTime<chrono::Utc> = event["at"].as_str().unwrap().parse().unwrap();
        assert!(previous.is_none_or(|p| p <= at), "{event}");
        previous = Some(at);
    }
    // The refusals say what was asked.
    let denied = &trail[2];
    assert_eq!(denied["action"], "access.denied");
    assert_eq!(denied["detail"]["scope"], "THA");
    assert_eq!(denied["framework"], "ascc-strategic-plan");
    let refused = &trail[0];
    assert_eq!(refused["framework"], "ascc-strategic-plan");
    assert_eq!(
        refused["detail"]["lock"],
        json!({"id": lock["id"], "until": "2026-06-30"})
    );
    assert_eq!(refused["detail"]["in_locked_period"], 1);
}
