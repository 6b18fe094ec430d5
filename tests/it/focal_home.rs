//! The focal point's home (`/me`, issue "review desk", item 3): where a login lands; the round
//! open today with what is due and a button to submit it, the returned reports with their
//! reasons and a link that opens the record form pre-filled to correct them, the reports
//! awaiting validation — on the demo (round 2026-Q4 open, Cambodia not submitted yet).

use blueprint_tracker::domain::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, browser, text_of};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";
const PASSWORD: &str = "a long focal passphrase";

async fn me(app: &TestApp, cookie: &str) -> (String, String) {
    let response = app.get_with_session("/me", cookie).await;
    assert_eq!(response.status(), 200, "GET /me");
    let html = response.text().await.unwrap();
    (text_of(&html), html)
}

/// The number in "`heading` (N)".
fn count_after(text: &str, heading: &str) -> u64 {
    let at = text.find(heading).expect("the heading") + heading.len();
    text[at..]
        .trim_start()
        .trim_start_matches('(')
        .split(')')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn submit(app: &TestApp, cookie: &str, csrf: &str) -> reqwest::Response {
    browser()
        .post(format!("{}/me/submit", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .form(&[
            ("csrf", csrf),
            ("framework", "ascc-strategic-plan"),
            ("round", "2026-Q4"),
        ])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_focal_point_sees_its_round_corrects_a_returned_report_and_submits() {
    let app = TestApp::spawn_with_demo().await;
    let t = app.tokens().await;
    let khm = app
        .account_with_password("phnompenh", Role::FocalPoint, Some("KHM"), PASSWORD)
        .await;

    // A login without a destination lands on /me.
    let response = browser()
        .post(format!("{}/login", app.base))
        .form(&[("name", "phnompenh"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/me");
    let cookie = crate::support::session_cookie(&response).unwrap();

    let (page, html) = me(&app, &cookie).await;
    assert!(page.contains("My tasks: Cambodia"), "{page}");
    assert!(
        page.contains(
            "Reporting round 2026-Q4 Statuses as of 31 December 2026, due 31 January 2027 \
             (on time until 17:30 UTC on 31 January 2027). Your round: … Not submitted yet"
        ),
        "{page}"
    );
    assert!(page.contains("submit the round by 31 January 2027"));
    assert!(page.contains("Submit round 2026-Q4 for Cambodia"));
    assert!(page.contains("Returned to you (0)"));
    assert!(
        html.contains(r#"href="/me" aria-current="page""#),
        "My tasks in the menu"
    );
    let awaiting = count_after(&page, "Awaiting validation");

    // A report of Cambodia's, returned by the Secretariat.
    let response = app
        .record(
            &khm,
            &json!({"measure":"1.1.2","scope":"KHM","status":"ongoing","progress":40,
                    "effective_date":"2026-11-30","evidence_url":"https://example.org/khm/decree",
                    "note":"Decree drafted"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let id = response.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let (page, _) = me(&app, &cookie).await;
    assert_eq!(count_after(&page, "Awaiting validation"), awaiting + 1);
    let response = app
        .post(
            &format!("{SP}/reports/return"),
            Some(&t.secretariat),
            &json!({"ids": [id], "reason": "The decree is not yet signed"}),
        )
        .await;
    assert_eq!(response.status(), 200);

    let (page, html) = me(&app, &cookie).await;
    assert_eq!(count_after(&page, "Returned to you"), 1);
    assert_eq!(count_after(&page, "Awaiting validation"), awaiting);
    assert!(
        page.contains("1.1.2 Ongoing (40%) 2026-11-30"),
        "the returned report: {page}"
    );
    assert!(page.contains("by asec The decree is not yet signed Correct"));
    // The notice of the return, kept for the account although it has no address to mail.
    assert!(
        page.contains(&format!(
            "Messages Report {id} on measure 1.1.2 was returned"
        )),
        "{page}"
    );
    assert!(page.contains("not e-mailed: your account has no e-mail address"));
    // The link opens the form pre-filled with the report's values and effective date.
    let start = html.find(r#"href="/record?"#).expect("a correct link") + 6;
    let href = html[start..start + html[start..].find('"').unwrap()].replace("&#38;", "&");
    for part in [
        "framework=ascc-strategic-plan",
        "measure=1.1.2",
        "scope=KHM",
        "status=ongoing",
        "progress=40",
        "effective_date=2026-11-30",
        "note=Decree+drafted",
    ] {
        assert!(href.contains(part), "{part} in {href}");
    }
    let form = app.get_with_session(&href, &cookie).await;
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(
        form.contains(r#"name="effective_date" value="2026-11-30""#),
        "pre-filled date"
    );
    assert!(
        form.contains(
            r#"name="progress" min="0" max="100" step="1" inputmode="numeric" value="40""#
        )
    );
    assert!(form.contains(r#"value="https://example.org/khm/decree""#));
    assert!(form.contains(">Decree drafted</textarea>"));
    assert!(form.contains(r#"value="1.1.2" selected"#), "measure chosen");

    // Corrected (as the form would post it): the return is settled and leaves the list.
    let response = app
        .record(
            &khm,
            &json!({"measure":"1.1.2","scope":"KHM","status":"ongoing","progress":35,
                    "effective_date":"2026-11-30","evidence_url":"https://example.org/khm/decree"}),
        )
        .await;
    assert_eq!(response.status(), 201);
    let (page, _) = me(&app, &cookie).await;
    assert_eq!(count_after(&page, "Returned to you"), 0);
    assert_eq!(count_after(&page, "Awaiting validation"), awaiting + 1);

    // Submitting the round: refused without the session's token, then done, then refused again.
    let csrf = app.csrf(&cookie).await;
    assert_eq!(submit(&app, &cookie, "forged").await.status(), 403);
    let response = submit(&app, &cookie, &csrf).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/me?submitted=2026-Q4");
    let done = app.get_with_session("/me?submitted=2026-Q4", &cookie).await;
    let done = text_of(&done.text().await.unwrap());
    assert!(
        done.contains("Done. Round 2026-Q4 submitted: it is now on the Secretariat"),
        "{done}"
    );
    assert!(done.contains("Your round: ✓ Submitted on time"));
    assert!(done.contains("Submitted: it awaits the Secretariat"));
    assert!(!done.contains("Submit round 2026-Q4 for Cambodia"));
    let round = app.get_json(&format!("{SP}/rounds/2026-Q4")).await;
    let cambodia = round["completeness"]["states"]
        .as_array()
        .or_else(|| round["states"].as_array())
        .unwrap()
        .iter()
        .find(|s| s["state"] == "KHM")
        .unwrap()
        .clone();
    assert_eq!(cambodia["standing"], "submitted_on_time");
    let again = submit(&app, &cookie, &csrf).await;
    assert_eq!(again.status(), 409);
    let again = text_of(&again.text().await.unwrap());
    assert!(
        again.contains("Round 2026-Q4 was not submitted: the round was submitted already"),
        "{again}"
    );
}

#[tokio::test]
async fn accounts_without_a_member_state_are_sent_where_they_work() {
    let app = TestApp::spawn_with_demo().await;
    let anonymous = browser()
        .get(format!("{}/me", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/login?next=/me");
    app.account_with_password("desk", Role::Secretariat, None, PASSWORD)
        .await;
    app.account_with_password("reader", Role::Viewer, None, PASSWORD)
        .await;
    let desk = app.session("desk", PASSWORD).await;
    let response = app.get_with_session("/me", &desk).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/review");
    let reader = app.session("reader", PASSWORD).await;
    let response = app.get_with_session("/me", &reader).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/account");
    let account = app
        .get_with_session("/account", &desk)
        .await
        .text()
        .await
        .unwrap();
    assert!(
        !account.contains(r#"href="/me""#),
        "no task list in the menu"
    );
}
