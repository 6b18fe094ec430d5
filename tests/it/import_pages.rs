//! Import and export in the pages (issue 16, item 2), over real HTTP with a logged-in
//! browser session: `/import` checks an uploaded CSV or XLSX file (a dry run that stores
//! nothing and lists every problem by line and column), then stores it on confirmation, all or
//! nothing, through the API's own use case; `/export` links the exports and the template,
//! pre-filled with the statuses in force by default. Also: dates as ISO text, date cells or
//! serial numbers; links without a scheme refused, never completed.

use blueprint_tracker::domain::Role;
use reqwest::Response;
use serde_json::{Value, json};

use crate::support::{TestApp, browser, csrf_field};

const PASSWORD: &str = "correct horse battery staple";
const PLAN: &str = "ascc-strategic-plan";
use crate::support::{STATUS_HEADER as HEADER, status_csv as csv};

async fn text(response: Response) -> String {
    response.text().await.expect("a body")
}

/// A `multipart/form-data` body as a browser sends the import form: its content type and bytes.
fn form_data(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----import-page-test-boundary-51c2";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The value of the hidden `token` input of a checked file.
fn token_field(html: &str) -> Option<String> {
    let marker = r#"name="token" value=""#;
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// The rows of the problems' table: (line, column, message).
fn problems(html: &str) -> Vec<(String, String, String)> {
    let mut found = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(r#"<tr id="problem-"#) {
        let row = &rest[start..];
        let end = row.find("</tr>").expect("the end of a problem row");
        let cells: Vec<String> = row[..end]
            .split(['<', '>'])
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(_, t)| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .collect();
        found.push((cells[0].clone(), cells[1].clone(), cells[2].clone()));
        rest = &row[end..];
    }
    found
}

/// A logged-in browser session: its cookie and anti-forgery token.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
    csrf: String,
}

impl<'a> Browser<'a> {
    async fn login(app: &'a TestApp, name: &str, role: Role, state: Option<&str>) -> Self {
        app.account_with_password(name, role, state, PASSWORD).await;
        let cookie = app.session(name, PASSWORD).await;
        let csrf = app.csrf(&cookie).await;
        Self { app, cookie, csrf }
    }

    async fn get(&self, path: &str) -> Response {
        self.app.get_with_session(path, &self.cookie).await
    }

    /// The import form sent with `file` (the dry run).
    async fn check(&self, file_name: &str, bytes: &[u8]) -> Response {
        self.check_with(
            &[("csrf", &self.csrf), ("framework", PLAN)],
            file_name,
            bytes,
        )
        .await
    }

    async fn check_with(&self, fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> Response {
        let (content_type, body) = form_data(fields, Some((file_name, bytes)));
        browser()
            .post(format!("{}/import", self.app.base))
            .header("cookie", format!("bt_session={}", self.cookie))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .expect("POST /import")
    }

    async fn confirm(&self, token: &str) -> Response {
        browser()
            .post(format!("{}/import/confirm", self.app.base))
            .header("cookie", format!("bt_session={}", self.cookie))
            .form(&[("csrf", self.csrf.as_str()), ("token", token)])
            .send()
            .await
            .expect("POST /import/confirm")
    }
}

/// The status in force of a measure in a scope, as the API answers it.
async fn in_force(app: &TestApp, measure: &str, scope: &str) -> Value {
    let status = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/measures/{measure}/status"
        ))
        .await;
    status["scopes"]
        .as_array()
        .expect("scopes")
        .iter()
        .find(|s| s["scope"] == scope)
        .cloned()
        .unwrap_or(Value::Null)
}

#[tokio::test]
async fn a_file_with_a_bad_row_is_refused_with_its_line_and_column_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let hanoi = Browser::login(&app, "hanoi", Role::FocalPoint, Some("VNM")).await;
    let audited = app.audit_count().await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,40,2026-03-31,,",
        "ascc-strategic-plan,1.1.2,VNM,Done,,2026-03-31,,",
        "ascc-strategic-plan,1.1.3,VNM,ongoing,140,2026-03-31,,https://asean.org/x",
    ]);

    let response = hanoi.check("vnm.csv", &file).await;

    assert_eq!(response.status(), 422);
    let html = text(response).await;
    assert!(html.contains("<title>Error: Import status"), "{html}");
    assert!(html.contains(r#"class="error-summary""#));
    let found = problems(&html);
    assert_eq!(
        found
            .iter()
            .map(|(l, c, _)| (l.as_str(), c.as_str()))
            .collect::<Vec<_>>(),
        [("3", "status"), ("4", "progress")],
        "{found:?}"
    );
    assert!(
        found[0].2.contains("“done” is not a status"),
        "{}",
        found[0].2
    );
    assert!(html.contains(r##"href="#problem-1">Line 3, column status:"##));
    assert!(token_field(&html).is_none(), "nothing to confirm");
    assert_eq!(app.stored_reports().await, 0);
    assert_eq!(app.audit_count().await, audited, "a dry run is not audited");
}

#[tokio::test]
async fn a_good_file_is_checked_then_stored_on_confirmation_by_its_own_account_only() {
    let app = TestApp::spawn().await;
    let hanoi = Browser::login(&app, "hanoi", Role::FocalPoint, Some("VNM")).await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,40,2026-03-31,First,https://asean.org/a",
        "ascc-strategic-plan,1.1.2,VNM,completed,,2026-03-31,,",
        ",1.1.3,VNM,,,,,",
    ]);

    let response = hanoi.check("vnm.csv", &file).await;

    assert_eq!(response.status(), 200);
    let html = text(response).await;
    assert!(html.contains("vnm.csv is ready to import"), "{html}");
    assert!(html.contains("<strong>2 reports</strong>, awaiting the Secretariat"));
    assert!(html.contains(r#"<th scope="row">Viet Nam</th><td class="num">2</td>"#));
    assert!(html.contains("<dt>Empty</dt><dd>1 (nothing reported: skipped)</dd>"));
    assert!(html.contains("Import 2 reports"));
    assert_eq!(app.stored_reports().await, 0, "the dry run stores nothing");
    let token = token_field(&html).expect("a token to confirm");

    // Another account cannot confirm it, nor a form without the session's token.
    let officer = Browser::login(&app, "officer", Role::Secretariat, None).await;
    assert_eq!(officer.confirm(&token).await.status(), 410);
    let forged = browser()
        .post(format!("{}/import/confirm", app.base))
        .header("cookie", format!("bt_session={}", hanoi.cookie))
        .form(&[("csrf", "wrong"), ("token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.stored_reports().await, 0);

    let response = hanoi.confirm(&token).await;

    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/import?framework=ascc-strategic-plan&stored=2&unchanged=0"));
    let done = text(hanoi.get(&location).await).await;
    assert!(
        done.contains("Imported vnm.csv: 2 reports stored (awaiting the Secretariat"),
        "{done}"
    );
    assert_eq!(app.stored_reports().await, 2);
    let first = in_force(&app, "1.1.1", "VNM").await;
    assert_eq!(
        (
            &first["status"],
            &first["progress"],
            &first["effective_date"]
        ),
        (&json!("ongoing"), &json!(40), &json!("2026-03-31"))
    );
    assert_eq!(first["report"]["evidence_url"], "https://asean.org/a");
    assert_eq!(in_force(&app, "1.1.2", "VNM").await["status"], "completed");
    let progress = app
        .get_json(&format!("/api/v1/frameworks/{PLAN}/progress?scope=VNM"))
        .await;
    assert_eq!(progress["overall"]["completed"], 1, "{progress}");
    assert_eq!(progress["overall"]["ongoing"], 1);

    // Confirmed once: the same token stores nothing more.
    assert_eq!(hanoi.confirm(&token).await.status(), 410);
    assert_eq!(app.stored_reports().await, 2);
    // The same file again: nothing new, said so, nothing to confirm.
    let again = text(hanoi.check("vnm.csv", &file).await).await;
    assert!(again.contains("Nothing to import"), "{again}");
    assert!(again.contains("2 unchanged"));
    assert!(token_field(&again).is_none());
}

#[tokio::test]
async fn an_xlsx_file_with_a_date_cell_and_a_serial_number_is_imported() {
    let app = TestApp::spawn().await;
    let officer = Browser::login(&app, "officer", Role::Secretariat, None).await;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let ws = workbook.add_worksheet();
    ws.set_name("status").unwrap();
    for (c, name) in HEADER.split(',').enumerate() {
        ws.write_string(0, c as u16, name).unwrap();
    }
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
    for (r, measure) in [(1u32, "1.1.1"), (2, "1.1.2"), (3, "1.1.3")] {
        ws.write_string(r, 0, PLAN).unwrap();
        ws.write_string(r, 1, measure).unwrap();
        ws.write_string(r, 2, "VNM").unwrap();
        ws.write_string(r, 3, "Ongoing").unwrap();
        ws.write_number(r, 4, 25.0).unwrap();
    }
    // A real date cell, a date whose format was lost (46112: 31 March 2026), ISO text.
    ws.write_datetime_with_format(1, 5, day, &date).unwrap();
    ws.write_number(2, 5, 46112.0).unwrap();
    ws.write_string(3, 5, "2026-01-31").unwrap();
    let bytes = workbook.save_to_buffer().unwrap();

    let response = officer.check("vnm.xlsx", &bytes).await;

    assert_eq!(response.status(), 200);
    let html = text(response).await;
    assert!(
        html.contains("<strong>3 reports</strong>, validated on entry"),
        "{html}"
    );
    let token = token_field(&html).expect("a token");
    assert_eq!(officer.confirm(&token).await.status(), 303);
    let mut dates = Vec::new();
    for measure in ["1.1.1", "1.1.2", "1.1.3"] {
        dates.push(in_force(&app, measure, "VNM").await["effective_date"].clone());
    }
    assert_eq!(
        dates,
        [
            json!("2026-06-30"),
            json!("2026-03-31"),
            json!("2026-01-31")
        ]
    );
}

#[tokio::test]
async fn the_prefilled_template_holds_the_statuses_in_force_and_imports_as_unchanged() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    for body in [
        json!({"measure":"1.1.1","scope":"VNM","status":"ongoing","progress":20,"effective_date":"2026-01-31"}),
        json!({"measure":"1.1.1","scope":"VNM","status":"ongoing","progress":40,"effective_date":"2026-03-31",
               "note":"=Decree 12, first phase","evidence_url":"https://asean.org/vnm/decree-12"}),
        json!({"measure":"1.1.2","scope":"VNM","status":"completed","effective_date":"2026-02-28"}),
        json!({"measure":"1.1.2","scope":"THA","status":"ongoing","effective_date":"2026-02-28"}),
    ] {
        assert_eq!(app.record(&t.admin, &body).await.status(), 201, "{body}");
    }
    let stored = app.stored_reports().await;
    let path = format!("/api/v1/frameworks/{PLAN}/status/template?scope=VNM&prefilled=true");

    let response = app.get(&path).await;

    assert_eq!(response.status(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.contains(&format!("{PLAN}-template-VNM-20")),
        "{disposition}"
    );
    let template = response.bytes().await.unwrap().to_vec();
    let rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .from_reader(template.as_slice())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    assert_eq!(rows.len(), 112, "one row per measure");
    let row = |m: &str| rows.iter().find(|r| r[1] == m).unwrap()[..8].to_vec();
    assert_eq!(
        row("1.1.1"),
        [
            PLAN,
            "1.1.1",
            "VNM",
            "ongoing",
            "40",
            "2026-03-31",
            "'=Decree 12, first phase",
            "https://asean.org/vnm/decree-12"
        ]
    );
    assert_eq!(
        row("1.1.2"),
        [PLAN, "1.1.2", "VNM", "completed", "", "2026-02-28", "", ""]
    );
    assert_eq!(row("1.1.3"), [PLAN, "1.1.3", "VNM", "", "", "", "", ""]);
    // Without `prefilled`, the template stays empty.
    let empty = app
        .get_bytes(&format!(
            "/api/v1/frameworks/{PLAN}/status/template?scope=VNM"
        ))
        .await;
    assert!(!String::from_utf8(empty).unwrap().contains("2026-03-31"));

    // Imported back untouched, as CSV or as the workbook: nothing new.
    let hanoi = Browser::login(&app, "hanoi", Role::FocalPoint, Some("VNM")).await;
    let html = text(hanoi.check("vnm.csv", &template).await).await;
    assert!(html.contains("Nothing to import"), "{html}");
    assert!(
        html.contains("112 rows read, 2 unchanged, 110 empty"),
        "{html}"
    );
    let workbook = app.get_bytes(&format!("{path}&format=xlsx")).await;
    let html = text(hanoi.check("vnm.xlsx", &workbook).await).await;
    assert!(html.contains("2 unchanged"), "{html}");
    let api: Value = app
        .import(PLAN, "", Some(&t.vnm), "vnm.xlsx", &workbook)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&api["stored"], &api["unchanged"]),
        (&json!(0), &json!(2)),
        "{api}"
    );
    assert_eq!(app.stored_reports().await, stored, "no duplicate report");

    // Changing one row stores that row only.
    let text_file = String::from_utf8(template).unwrap().replace(
        "1.1.2,VNM,completed,,2026-02-28",
        "1.1.2,VNM,completed,,2026-04-30",
    );
    let html = text(hanoi.check("vnm.csv", text_file.as_bytes()).await).await;
    assert!(html.contains("<strong>1 report</strong>"), "{html}");

    // The pages offer it pre-filled by default.
    let page = text(hanoi.get(&format!("/import?framework={PLAN}")).await).await;
    assert!(page.contains(r#"name="prefilled" value="1" checked"#));
    let export = text(app.get(&format!("/export?framework={PLAN}")).await).await;
    assert!(export.contains(r#"name="prefilled" value="1" checked"#));
    let response = browser()
        .get(format!(
            "{}/export/template?framework={PLAN}&scope=VNM&format=xlsx&prefilled=1",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/api/v1/frameworks/{PLAN}/status/template?scope=VNM&format=xlsx&prefilled=true")
    );
}

#[tokio::test]
async fn a_focal_point_cannot_import_another_states_rows() {
    let app = TestApp::spawn().await;
    let hanoi = Browser::login(&app, "hanoi", Role::FocalPoint, Some("VNM")).await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,40,2026-03-31,,",
        "ascc-strategic-plan,1.1.2,THA,completed,,2026-03-31,,",
    ]);

    let response = hanoi.check("mixed.csv", &file).await;

    assert_eq!(response.status(), 403);
    let html = text(response).await;
    assert!(html.contains("THA (line 3)"), "{html}");
    assert!(html.contains("nothing was stored"));
    assert!(token_field(&html).is_none());
    assert_eq!(app.stored_reports().await, 0);
    // The template offered is its own state's only.
    let page = text(hanoi.get("/import").await).await;
    assert!(page.contains(r#"<option value="VNM" selected>Viet Nam (VNM)</option>"#));
    assert!(!page.contains(r#"<option value="THA""#));
}

#[tokio::test]
async fn a_link_without_a_scheme_is_refused_with_its_line_and_column_never_completed() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let hanoi = Browser::login(&app, "hanoi", Role::FocalPoint, Some("VNM")).await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,40,2026-03-31,,www.asean.org/x",
        "ascc-strategic-plan,1.1.2,VNM,completed,,2026-03-31,,ftp://asean.org/y",
        "ascc-strategic-plan,1.1.3,VNM,completed,,2026-03-31,,https://asean.org/z",
    ]);

    let response = hanoi.check("links.csv", &file).await;

    assert_eq!(response.status(), 422);
    let found = problems(&text(response).await);
    let at: Vec<(&str, &str)> = found
        .iter()
        .map(|(l, c, _)| (l.as_str(), c.as_str()))
        .collect();
    assert_eq!(at, [("2", "evidence_url"), ("3", "evidence_url")]);
    assert!(found[0].2.contains("www.asean.org/x"), "{}", found[0].2);
    assert!(found[0].2.contains("has no scheme"), "{}", found[0].2);
    assert!(found[1].2.contains("“ftp” address"), "{}", found[1].2);
    // The API says the same, by line and column.
    let problem: Value = app
        .import(PLAN, "?dry_run=true", Some(&t.vnm), "links.csv", &file)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(problem["errors"][0]["line"], 2);
    assert_eq!(problem["errors"][0]["column"], "evidence_url");
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn the_pages_need_a_login_a_recording_role_and_a_form_from_this_site() {
    let app = TestApp::spawn().await;
    let response = browser()
        .get(format!("{}/import", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/login?next=%2Fimport");
    let reader = Browser::login(&app, "reader", Role::Viewer, None).await;
    let response = reader.get("/import").await;
    assert_eq!(response.status(), 403);
    let html = text(response).await;
    assert!(
        !html.contains(r#"href="/import""#),
        "no Import link for a viewer"
    );
    assert!(html.contains(r#"href="/export""#));
    let file = csv(&["ascc-strategic-plan,1.1.1,VNM,ongoing,40,2026-03-31,,"]);
    assert_eq!(reader.check("v.csv", &file).await.status(), 403);

    let hanoi = Browser::login(&app, "hanoi", Role::FocalPoint, Some("VNM")).await;
    let page = text(hanoi.get("/import").await).await;
    assert!(page.contains(r#"<a href="/import" aria-current="page">Import</a>"#));
    assert!(page.contains(r#"enctype="multipart/form-data""#));
    assert_eq!(csrf_field(&page), hanoi.csrf);
    // Without the session's token, or from another site: refused, nothing checked or stored.
    let forged = hanoi
        .check_with(&[("csrf", "forged"), ("framework", PLAN)], "v.csv", &file)
        .await;
    assert_eq!(forged.status(), 403);
    let (content_type, body) = form_data(
        &[("csrf", &hanoi.csrf), ("framework", PLAN)],
        Some(("v.csv", &file)),
    );
    let cross = browser()
        .post(format!("{}/import", app.base))
        .header("cookie", format!("bt_session={}", hanoi.cookie))
        .header("content-type", content_type)
        .header("origin", "https://evil.example")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    // No file chosen: said next to the field.
    let response = hanoi
        .check_with(&[("csrf", &hanoi.csrf), ("framework", PLAN)], "", b"")
        .await;
    assert_eq!(response.status(), 422);
    assert!(text(response).await.contains("Choose a file to check"));
    // A file over the limit is refused before it is read whole.
    let big = vec![b'a'; 33 * 1024 * 1024];
    let response = hanoi.check("big.csv", &big).await;
    assert_eq!(response.status(), 413);
    assert!(text(response).await.contains("larger than 32 MiB"));
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn the_export_page_links_every_export_in_every_format() {
    let app = TestApp::spawn().await;
    let response = app
        .get(&format!("/export?framework={PLAN}&as_of=2026-09-30"))
        .await;
    assert_eq!(response.status(), 200);
    // The links' `&`, as the page escapes them, read back.
    let html = text(response).await.replace("&#38;", "&");
    for what in ["status", "progress"] {
        for format in ["csv", "xlsx", "sdmx-csv"] {
            let href = format!(
                "/api/v1/frameworks/{PLAN}/status/export?what={what}&as_of=2026-09-30&format={format}"
            );
            assert!(html.contains(&href), "{href}");
        }
    }
    assert!(html.contains(&format!(
        "/api/v1/frameworks/{PLAN}/status/export?what=history&format=sdmx-csv"
    )));
    assert!(
        !html.contains(r#"href="/import""#),
        "no Import link for a visitor"
    );
    for (query, location) in [
        (
            "what=progress&format=xlsx&scope=&as_of=2026-09-30&level=goal&basis=validated&measure=",
            "what=progress&format=xlsx&as_of=2026-09-30&basis=validated&level=goal",
        ),
        (
            "what=history&format=csv&scope=VNM&as_of=2026-09-30&level=goal&measure=1.1.2",
            "what=history&format=csv&scope=VNM&measure=1.1.2",
        ),
    ] {
        let response = browser()
            .get(format!(
                "{}/export/download?framework={PLAN}&{query}",
                app.base
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
        let location = format!("/api/v1/frameworks/{PLAN}/status/export?{location}");
        assert_eq!(response.headers()["location"], location.as_str());
        assert_eq!(app.get(&location).await.status(), 200, "{location}");
    }
}
