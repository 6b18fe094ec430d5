//! Published figures and review editions where people see them (issue 18, item 4), over real
//! HTTP: `/claims` shows the shipped Blueprint 2025 "100%" claim under the four rules as known on
//! its publication day and now, says which rule reproduces it on the measures known and that
//! the Blueprint's measure list is incomplete; a correction supersedes it; the dashboard's
//! "Official figures checked" block; `/editions`: an edition frozen through the form (303) is
//! listed, a back-dated correction recorded afterwards appears under "Since this edition" while
//! the PDF still downloads with the SHA-256 frozen; bad forms are 422 with nothing stored;
//! viewers, focal points and forged forms are refused.

use blueprint_tracker::domain::Role;
use blueprint_tracker::service::ClaimRequest;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::support::{TestApp, browser, csrf_field, text_of};

const BLUEPRINT: &str = "ascc-blueprint-2025";
const PLAN: &str = "ascc-strategic-plan";
const PASSWORD: &str = "correct horse battery staple";

/// A page's text without tags, spaces collapsed and the escaped characters read back.
fn words(html: &str) -> String {
    text_of(html)
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
}

async fn page(app: &TestApp, path: &str) -> (String, String) {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    let html = response.text().await.unwrap();
    (words(&html), html)
}

/// The text of one section of a page, from `id="…"` to its `</section>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!(r#"id="{id}""#))
        .expect("the section in the page");
    let end = html[start..]
        .find("</section>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn the_claims_page_shows_the_blueprint_figure_under_every_rule_then_and_now() {
    let app = TestApp::spawn_with_demo().await;
    let (text, html) = page(&app, "/claims").await;

    let claim = words(section(&html, "claim-1"));
    // The statement quoted, its source as an outside link, the figure, its dates, its scope.
    assert!(
        claim.contains("“The ASCC Blueprint 2025 Final Review Interim Report, assessed at the 34th ASCC Council, found that 100% of strategic measures have been implemented.”"),
        "{claim}"
    );
    assert!(html.contains(r#"<a href="https://baochinhphu.vn/asean-thuc-day-hop-tac-van-hoa-xa-hoi-huong-toi-phat-trien-bao-trum-va-ben-vung-102251008165554818.htm" rel="external noopener noreferrer">Report of the 34th ASCC Council meeting"#));
    assert!(claim.contains(
        "Claimed 100.0%, stated to 1 percentage point: a figure within ±0.5 points reproduces it"
    ));
    assert!(claim.contains("The implementation rate of ASEAN (regional) in the ASEAN Socio-Cultural Community Blueprint 2025"));
    assert!(claim.contains("Figure as of 8 October 2025 Published 8 October 2025"));

    // The measure list is said to be incomplete, with the note's own words.
    assert!(
        claim.contains("Measure list incomplete. The list of strategic measures of the ASEAN Socio-Cultural Community Blueprint 2025 is incomplete: the tracker knows 9 measures (its note does not say how many it should have)"),
        "{claim}"
    );
    assert!(claim.contains("so the full measure list must be imported from the official document"));

    // Four rules, each with its words and code, as known on the publication day and now, each
    // verdict in words.
    assert!(claim.contains(
        "Rule As known on the publication day (8 October 2025, end of day UTC) As known now ("
    ));
    for (words, code) in [
        ("the regional statuses", "regional"),
        (
            "a measure counted only when every member state has reached it",
            "all_states",
        ),
        ("the mean of the member states' own rates", "mean_of_states"),
        ("every member state's measures pooled", "cells"),
    ] {
        assert!(
            claim.contains(&format!("{words} {code} ")),
            "{code}: {claim}"
        );
    }
    assert!(
        claim.contains("the regional statuses regional 100.0% on 9 measures ? Unverifiable The measure list is incomplete. On the measures known: within the stated precision of the claim."),
        "{claim}"
    );
    assert!(claim.contains("points lower than claimed."));
    assert_eq!(claim.matches("? Unverifiable").count(), 8 + 2, "{claim}");
    assert!(!claim.contains("Matches") && !claim.contains("≠ Differs"));

    // One sentence per knowledge date saying which rule reproduces it on the measures known.
    let summary = "Cannot be verified: the framework's list of strategic measures is incomplete (9 measures known; its note does not say how many it should have); on the measures known, 100.0% is reproduced by the regional statuses (regional).";
    assert_eq!(claim.matches(summary).count(), 2, "{claim}");
    assert!(claim.contains(&format!(
        "As known on the publication day (8 October 2025, end of day UTC): ? Unverifiable {summary}"
    )));

    // In the menu, and filtered by framework.
    assert!(html.contains(r#"<a href="/claims" aria-current="page">Claims</a>"#));
    assert!(text.contains("Framework Every framework"));
    let (plan, _) = page(&app, &format!("/claims?framework={PLAN}")).await;
    assert!(plan.contains(
        "No published figure of the ASEAN Socio-Cultural Community Strategic Plan is recorded yet."
    ));
    let (blueprint, _) = page(&app, &format!("/claims?framework={BLUEPRINT}")).await;
    assert!(blueprint.contains("claim 1"));
    assert_eq!(
        app.get("/claims?framework=no-such-plan").await.status(),
        404
    );

    // The dashboard: the Blueprint's block, the verdict now, a link to the claim.
    let (dashboard, dashboard_html) = page(&app, "/").await;
    let blueprint_panel = words(section(&dashboard_html, BLUEPRINT));
    assert!(
        blueprint_panel.contains("Official figures checked The ASCC Blueprint 2025 Final Review Interim Report, assessed at the 34th ASCC Council, found that 100% of strategic measures have been implemented. ? Unverifiable Cannot be verified"),
        "{blueprint_panel}"
    );
    assert!(dashboard_html.contains(r#"<a href="/claims#claim-1">How it was checked"#));
    assert!(!words(section(&dashboard_html, PLAN)).contains("Official figures checked"));
    assert_eq!(dashboard.matches("Official figures checked").count(), 1);

    // A correction supersedes the claim: marked with a link to it; the dashboard shows the new.
    let correction = ClaimRequest {
        framework: BLUEPRINT.into(),
        scope: "ASEAN".into(),
        metric: "implementation_rate".into(),
        indicator: None,
        value: 0.9,
        precision: 0.1,
        as_of: "2025-10-08".parse().unwrap(),
        published_on: "2025-10-09".parse().unwrap(),
        statement: "Nine in ten <strategic measures> & more".into(),
        source_title: "A correction".into(),
        source_url: None,
        note: None,
        supersedes: Some(1),
    };
    let stored = app.tracker.add_claim(None, &correction).await.unwrap();
    let (_, html) = page(&app, "/claims").await;
    let old = section(&html, "claim-1");
    assert!(old.contains(r##"<a href="#claim-2">see the correction (claim 2)</a>"##));
    assert!(words(old).contains("Superseded. This claim was corrected"));
    let new = section(&html, "claim-2");
    assert!(new.contains(r##"<a href="#claim-1">claim 1</a>"##));
    assert!(
        new.contains("Nine in ten &#60;strategic measures&#62; &#38; more"),
        "escaped"
    );
    assert!(
        words(new)
            .contains("stated to 10 percentage points: a figure within ±5 points reproduces it")
    );
    let (_, dashboard_html) = page(&app, "/").await;
    let block = section(&dashboard_html, BLUEPRINT);
    assert!(block.contains(&format!(r#"href="/claims#claim-{}""#, stored.id)));
    assert!(!block.contains(r#"href="/claims#claim-1""#));
}

/// An account of `role` logged in: its session cookie and anti-forgery token.
async fn logged_in(app: &TestApp, name: &str, role: Role, state: Option<&str>) -> (String, String) {
    app.account_with_password(name, role, state, PASSWORD).await;
    let cookie = app.session(name, PASSWORD).await;
    let csrf = app.csrf(&cookie).await;
    (cookie, csrf)
}

async fn post_form(
    app: &TestApp,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    browser()
        .post(format!("{}{path}", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .form(form)
        .send()
        .await
        .unwrap()
}

fn freeze_form<'a>(csrf: &'a str, title: &'a str, as_of: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("csrf", csrf),
        ("framework", PLAN),
        ("title", title),
        ("as_of", as_of),
        ("basis", "reported"),
    ]
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

#[tokio::test]
async fn an_edition_frozen_in_the_form_still_downloads_its_bytes_after_a_late_correction() {
    let app = TestApp::spawn_with_demo().await;
    let (cookie, csrf) = logged_in(&app, "officer", Role::Secretariat, None).await;
    let token = app.token("officer-api", Role::Secretariat, None).await;

    let form = app
        .get_with_session(&format!("/editions?framework={PLAN}"), &cookie)
        .await;
    assert_eq!(form.status(), 200);
    let form = form.text().await.unwrap();
    assert!(form.contains("Freeze an edition"));
    assert!(form.contains("No edition of this framework has been frozen yet."));
    assert_eq!(csrf_field(&form), csrf);

    let response = post_form(
        &app,
        "/editions",
        &cookie,
        &freeze_form(&csrf, "Q3 2026 review <draft>", "2026-09-30"),
    )
    .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let editions = app.tracker.editions(Some(PLAN)).await.unwrap();
    assert_eq!(editions.len(), 1);
    let edition = &editions[0];
    assert_eq!(location, format!("/editions/{}", edition.id));
    assert_eq!(edition.created_by.as_deref(), Some("officer"));

    // Listed, for everyone: title, as-of, basis, known at, by, the hash shortened and in full.
    let (list, list_html) = page(&app, "/editions").await;
    assert!(
        list_html.contains("Q3 2026 review &#60;draft&#62;"),
        "escaped"
    );
    assert!(
        list.contains(&format!(
            "As of 30 September 2026 Basis every report in force (reported) Known at {} Created by officer SHA-256 (PDF) {}…",
            edition.known_at.format("%Y-%m-%d %H:%M:%S UTC"),
            &edition.pdf_sha256[..12]
        )),
        "{list}"
    );
    assert!(list_html.contains(&format!(r#"<code title="{}">"#, edition.pdf_sha256)));
    for format in ["pdf", "html", "docx", "json"] {
        assert!(list_html.contains(&format!(
            r#"href="/editions/{}/download/{format}""#,
            edition.id
        )));
    }
    assert!(!list.contains("Freeze an edition"), "not for the public");

    // Nothing late yet.
    let (before, _) = page(&app, &location).await;
    assert!(
        before.contains("No report recorded since takes effect on or before 30 September 2026.")
    );

    // A back-dated correction, through the API, after the edition's instant.
    let response = app
        .record(
            &token,
            &json!({"measure":"1.1.2","scope":"VNM","status":"completed",
                    "effective_date":"2026-06-30","note":"late correction"}),
        )
        .await;
    assert_eq!(response.status(), 201);

    let (since, since_html) = page(&app, &location).await;
    assert!(
        since.contains("1 report recorded since the edition, in the order recorded"),
        "{since}"
    );
    assert!(
        since.contains("by officer-api 1.1.2 Viet Nam Completed 2026-06-30"),
        "{since}"
    );
    assert!(since.contains(&format!("SHA-256 (PDF) {}", edition.pdf_sha256)));
    assert!(since.contains(&format!("SHA-256 (HTML) {}", edition.html_sha256)));
    assert!(since.contains("Headline figures as of 30 September 2026, as frozen and as today"));
    assert!(since_html.contains("the mean of the member states&#39; own rates"));

    // The web download: re-rendered, the bytes frozen, an attachment.
    for _ in 0..2 {
        let response = app
            .get(&format!("/editions/{}/download/pdf", edition.id))
            .await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "application/pdf");
        assert_eq!(
            response.headers()["content-disposition"],
            format!(
                "attachment; filename=\"edition-{}-{PLAN}-2026-09-30.pdf\"",
                edition.id
            )
        );
        let bytes = response.bytes().await.unwrap();
        assert_eq!(sha256(&bytes), edition.pdf_sha256);
    }
    let html = app
        .get_bytes(&format!("/editions/{}/download/html", edition.id))
        .await;
    assert_eq!(sha256(&html), edition.html_sha256);
    let docx = app
        .get(&format!("/editions/{}/download/docx", edition.id))
        .await;
    assert_eq!(docx.status(), 200);
    assert_eq!(
        docx.headers()["content-disposition"],
        format!(
            "attachment; filename=\"edition-{}-{PLAN}-2026-09-30.docx\"",
            edition.id
        )
    );
    assert_eq!(
        app.get(&format!("/editions/{}/download/csv", edition.id))
            .await
            .status(),
        404
    );
    assert_eq!(app.get("/editions/999").await.status(), 404);
}

#[tokio::test]
async fn bad_editions_are_422_beside_their_field_and_others_are_refused_storing_nothing() {
    let app = TestApp::spawn_with_demo().await;
    let (cookie, csrf) = logged_in(&app, "officer", Role::Secretariat, None).await;

    // An empty title and an as-of date outside the period: each next to its field.
    let response = post_form(
        &app,
        "/editions",
        &cookie,
        &freeze_form(&csrf, "  ", "2040-01-01"),
    )
    .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"<title>Error: Review editions"#));
    assert!(html.contains(r#"<p class="error" id="title-error"><span class="visually-hidden">Error:</span> Give the edition a title.</p>"#), "{html}");
    assert!(html.contains(r#"id="as_of-error"><span class="visually-hidden">Error:</span> 2040-01-01 is outside the framework&#39;s period (2026-01-01 to 2035-12-31).</p>"#), "{html}");
    assert!(html.contains(r##"<a href="#as_of">"##));
    assert!(
        html.contains(r#"value="2040-01-01""#),
        "what was typed is kept"
    );

    // Before the period, and not a date.
    for as_of in ["2025-12-31", "30/09/2026", ""] {
        let response = post_form(
            &app,
            "/editions",
            &cookie,
            &freeze_form(&csrf, "A title", as_of),
        )
        .await;
        assert_eq!(response.status(), 422, "{as_of}");
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"id="as_of-error""#), "{as_of}");
        assert!(!html.contains(r#"id="title-error""#), "{as_of}");
    }
    assert!(app.tracker.editions(None).await.unwrap().is_empty());

    // A viewer and a focal point: no form, and 403.
    for (name, role, state) in [
        ("reader", Role::Viewer, None),
        ("hanoi", Role::FocalPoint, Some("VNM")),
    ] {
        let (other, other_csrf) = logged_in(&app, name, role, state).await;
        let list = app.get_with_session("/editions", &other).await;
        assert_eq!(list.status(), 200);
        assert!(!list.text().await.unwrap().contains("Freeze an edition"));
        let response = post_form(
            &app,
            "/editions",
            &other,
            &freeze_form(&other_csrf, "Mine", "2026-09-30"),
        )
        .await;
        assert_eq!(response.status(), 403, "{name}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Only the ASEAN Secretariat and administrators freeze review editions.")
        );
    }

    // A forged token, a form from another site, and no session.
    let response = post_form(
        &app,
        "/editions",
        &cookie,
        &freeze_form("forged", "Forged", "2026-09-30"),
    )
    .await;
    assert_eq!(response.status(), 403);
    let response = browser()
        .post(format!("{}/editions", app.base))
        .header("cookie", format!("bt_session={cookie}"))
        .header("origin", "https://evil.example")
        .form(&freeze_form(&csrf, "Cross-site", "2026-09-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let response = browser()
        .post(format!("{}/editions", app.base))
        .form(&freeze_form("", "Anonymous", "2026-09-30"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=%2Feditions");
    assert!(app.tracker.editions(None).await.unwrap().is_empty());
}
