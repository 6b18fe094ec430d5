//! Import and export as the people who use them would: a focal point downloads a template,
//! fills it, checks it with a dry run, fixes what is reported and imports it; the Secretariat
//! exports statuses, figures and histories to Excel and SDMX-CSV; an operator loads the
//! official list of a framework's measures. Properties: export then import gives the same
//! reports, and importing a file twice stores it once.

use std::collections::BTreeSet;
use std::io::Read;

use blueprint_tracker::domain::{AuditFilter, Role};
use blueprint_tracker::service::{
    ExportQuery, ExportWhat, FrameworkMetadata, ImportFile, ImportOptions, Quiet, ServiceError,
    Tracker,
};
use blueprint_tracker::transfer::FileFormat;
use calamine::{Data, Reader};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem};

const PLAN: &str = "ascc-strategic-plan";
const BLUEPRINT: &str = "ascc-blueprint-2025";
use crate::support::{STATUS_HEADER as HEADER, status_csv as csv};

/// The first sheet of a workbook (or the one named), as rows of cells.
fn xlsx_rows(bytes: &[u8], sheet: Option<&str>) -> Vec<Vec<Data>> {
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = sheet.map_or_else(|| workbook.sheet_names()[0].clone(), str::to_owned);
    let range = workbook.worksheet_range(&name).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

/// One part of a workbook's archive, as text.
fn xlsx_part(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive
        .by_name(part)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn text_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

async fn audit(app: &TestApp, action: &str) -> Vec<blueprint_tracker::domain::AuditEvent> {
    app.tracker
        .audit_trail(
            None,
            AuditFilter {
                action: Some(action.to_owned()),
                limit: 100,
                ..AuditFilter::default()
            },
        )
        .await
        .unwrap()
}

/// VNM's figures on the Strategic Plan as of a date: (completed, ongoing).
async fn vnm_counts(app: &TestApp, as_of: &str) -> (u64, u64) {
    let body = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/progress?as_of={as_of}&scope=VNM"
        ))
        .await;
    (
        body["overall"]["completed"].as_u64().unwrap(),
        body["overall"]["ongoing"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn a_template_lists_every_measure_for_the_scope_and_an_untouched_one_reports_nothing() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;

    let response = app
        .get(&format!(
            "/api/v1/frameworks/{PLAN}/status/template?scope=vnm"
        ))
        .await;

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"ascc-strategic-plan-template-VNM.csv\""
    );
    let bytes = response.bytes().await.unwrap();
    let rows = text_rows(&bytes);
    assert_eq!(rows[0].join(","), format!("{HEADER},measure_title"));
    assert_eq!(rows.len(), 1 + 112);
    assert_eq!(rows[1][..4], ["ascc-strategic-plan", "1.1.1", "VNM", ""]);
    let untouched = app.import(PLAN, "", Some(&t.vnm), "t.csv", &bytes).await;
    let problem = assert_problem(untouched, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "file");
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_filled_xlsx_template_is_checked_fixed_imported_and_the_figures_change() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let template = app
        .get_bytes(&format!(
            "/api/v1/frameworks/{PLAN}/status/template?scope=VNM&format=xlsx"
        ))
        .await;
    let sheet = xlsx_part(&template, "xl/worksheets/sheet1.xml");
    assert!(
        sheet.contains("state=\"frozen\""),
        "the header stays in view"
    );
    assert!(sheet.contains("<dataValidation"), "drop-downs and limits");
    let rows = xlsx_rows(&template, Some("status"));
    assert_eq!(rows.len(), 1 + 112);
    // Fill it as a spreadsheet would: real dates, numbers, a typo in one status and a
    // progress out of range.
    let fill = |typo: bool| {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let ws = workbook.add_worksheet();
        ws.set_name("status").unwrap();
        let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if let Data::String(s) = cell {
                    ws.write_string(r as u32, c as u16, s).unwrap();
                }
            }
        }
        let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        for r in 1..=4u32 {
            let status = match (r, typo) {
                (1, true) => "Done",
                (1 | 2, _) => "Completed",
                _ => "ongoing",
            };
            ws.write_string(r, 3, status).unwrap();
            ws.write_datetime_with_format(r, 5, day, &date).unwrap();
        }
        ws.write_number(3, 4, if typo { 140.0 } else { 40.0 })
            .unwrap();
        workbook.save_to_buffer().unwrap()
    };

    let checked = app
        .import(PLAN, "?dry_run=true", Some(&t.vnm), "vnm.xlsx", &fill(true))
        .await;

    let problem = assert_problem(checked, 422, "validation_failed").await;
    let errors: Vec<(u64, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [(2, "status".to_owned()), (4, "progress".to_owned())]
    );
    assert_eq!(problem["errors"][0]["field"], "line 2: status");

    let dry = app
        .import(
            PLAN,
            "?dry_run=true",
            Some(&t.vnm),
            "vnm.xlsx",
            &fill(false),
        )
        .await;
    assert_eq!(dry.status(), 200);
    let dry: Value = dry.json().await.unwrap();
    assert_eq!(
        (
            &dry["dry_run"],
            &dry["stored"],
            &dry["blank"],
            &dry["format"]
        ),
        (&json!(true), &json!(4), &json!(108), &json!("xlsx"))
    );
    assert_eq!(app.stored_reports().await, 0, "a dry run stores nothing");
    assert_eq!(vnm_counts(&app, "2026-06-30").await, (0, 0));

    let imported = app
        .import(PLAN, "", Some(&t.vnm), "vnm.xlsx", &fill(false))
        .await;

    assert_eq!(imported.status(), 201);
    let summary: Value = imported.json().await.unwrap();
    assert_eq!(summary["stored"], 4);
    assert_eq!(summary["by_scope"], json!({"VNM": 4}));
    assert_eq!(summary["validation"], "reported");
    assert_eq!(vnm_counts(&app, "2026-06-30").await, (2, 2));
    assert_eq!(vnm_counts(&app, "2026-06-29").await, (0, 0));
    let status = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/measures/1.1.3/status?as_of=2026-06-30"
        ))
        .await;
    let vnm = status["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "VNM")
        .unwrap();
    assert_eq!(
        (&vnm["status"], &vnm["progress"]),
        (&json!("ongoing"), &json!(40))
    );
    assert_eq!(vnm["report"]["recorded_by"], "vnm-focal");
}

#[tokio::test]
async fn one_bad_row_rejects_the_file_and_every_bad_row_is_listed_with_its_line_and_column() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,40,2026-03-31,,",
        "ascc-strategic-plan,9.9.9,VNM,ongoing,,2026-03-31,,",
        "",
        "ascc-strategic-plan,1.1.2,VNM,completed,100,2026-03-31,,",
        "ascc-strategic-plan,1.1.3,VNM,ongoing,,31/03/2026,,ftp://x",
        "ascc-blueprint-2025,1.1.4,VNM,ongoing,,2026-03-31,,",
        "ascc-strategic-plan,1.1.1,VNM,completed,,2026-03-31,,",
        "ascc-strategic-plan,SG1,XYZ,ongoing,,2027-01-01,,",
    ]);

    let response = app
        .import(PLAN, "", Some(&t.secretariat), "bad.csv", &file)
        .await;

    let problem = assert_problem(response, 422, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "line 3: measure",
            "line 5: progress",
            "line 6: effective_date",
            "line 6: evidence_url",
            "line 7: framework",
            "line 8: effective_date",
            "line 9: measure",
            "line 9: effective_date",
            "line 9: scope",
        ],
        "{problem:#}"
    );
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("9.9.9")
    );
    assert_eq!(problem["errors"][0]["line"], 3);
    assert_eq!(problem["errors"][0]["column"], "measure");
    assert!(
        problem["errors"][5]["message"]
            .as_str()
            .unwrap()
            .contains("line 2 already reports")
    );
    assert_eq!(app.stored_reports().await, 0);
    assert!(
        audit(&app, "import").await.is_empty(),
        "nothing was imported"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_status_file_is_refused_with_a_reason() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let cases: [(&str, &[u8], &str); 4] = [
        (
            "a.csv",
            b"measure;scope;colour\n1.1.1;VNM;red\n",
            "header: colour",
        ),
        (
            "a.csv",
            b"measure,scope,status,effective_date\n1.1.1,VNM,ongoing,caf\xe9\n",
            "file",
        ),
        ("a.xls", &[0xD0, 0xCF, 0x11, 0xE0, 0, 0], "file"),
        ("a.xlsx", b"PK\x03\x04 not really a workbook", "file"),
    ];
    for (name, bytes, field) in cases {
        let response = app.import(PLAN, "", Some(&t.admin), name, bytes).await;
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(problem["errors"][0]["field"], field, "{name}: {problem}");
    }
    let no_framework = app
        .tracker
        .import_status(
            None,
            None,
            ImportFile {
                name: None,
                bytes: b"measure,scope,status,effective_date\n1.1.1,VNM,ongoing,2026-03-31\n",
            },
            ImportOptions::default(),
            &Quiet,
        )
        .await;
    assert!(matches!(no_framework, Err(ServiceError::Invalid(_))));
    assert_eq!(app.stored_reports().await, 0);
}

#[tokio::test]
async fn a_focal_point_may_import_only_its_own_states_rows_and_a_viewer_none() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,,2026-03-31,,",
        "ascc-strategic-plan,1.1.2,THA,ongoing,,2026-03-31,,",
        "ascc-strategic-plan,1.1.3,ASEAN,done,,someday,,",
        "ascc-strategic-plan,1.1.4,THA,ongoing,,2026-03-31,,",
    ]);

    let response = app.import(PLAN, "", Some(&t.vnm), "mixed.csv", &file).await;

    let problem = assert_problem(response, 403, "forbidden").await;
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.contains("ASEAN (line 4)"), "{detail}");
    assert!(detail.contains("THA (lines 3, 5)"), "{detail}");
    assert!(problem.get("errors").is_none(), "no value was looked at");
    let denied = audit(&app, "access.denied").await;
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].actor.as_deref(), Some("vnm-focal"));
    assert_eq!(denied[0].framework.as_deref(), Some(PLAN));
    assert_eq!(
        denied[0].target.as_deref(),
        Some("status import for ASEAN (line 4), THA (lines 3, 5)")
    );
    let viewer = app
        .import(PLAN, "", Some(&t.viewer), "mixed.csv", &file)
        .await;
    assert_problem(viewer, 403, "forbidden").await;
    let anonymous = app.import(PLAN, "", None, "mixed.csv", &file).await;
    assert_problem(anonymous, 401, "unauthenticated").await;
    assert_eq!(app.stored_reports().await, 0);
    let own = csv(&["ascc-strategic-plan,1.1.1,VNM,ongoing,,2026-03-31,,"]);
    let response = app.import(PLAN, "", Some(&t.vnm), "own.csv", &own).await;
    assert_eq!(response.status(), 201);
}

#[tokio::test]
async fn a_lock_refuses_the_whole_file_and_an_admin_may_override_it() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let lock: Value = app
        .post(
            &format!("/api/v1/frameworks/{PLAN}/locks"),
            Some(&t.secretariat),
            &json!({"until": "2026-06-30"}),
        )
        .await
        .json()
        .await
        .unwrap();
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,ASEAN,ongoing,,2026-09-30,,",
        "ascc-strategic-plan,1.1.2,ASEAN,completed,,2026-06-30,,",
    ]);

    let dry = app
        .import(PLAN, "?dry_run=true", Some(&t.secretariat), "f.csv", &file)
        .await;
    assert_problem(dry, 409, "locked_period").await;
    let refused = app
        .import(PLAN, "", Some(&t.secretariat), "f.csv", &file)
        .await;
    let problem = assert_problem(refused, 409, "locked_period").await;
    assert!(problem["detail"].as_str().unwrap().contains("1 report(s)"));
    assert_eq!(app.stored_reports().await, 0);
    let refusals = audit(&app, "status.refused_locked").await;
    assert_eq!(refusals.len(), 1, "not the dry run");
    assert_eq!(refusals[0].framework.as_deref(), Some(PLAN));
    assert_eq!(
        refusals[0].target.as_deref(),
        Some("status import of 2 report(s) from f.csv")
    );
    let not_admin = app
        .import(
            PLAN,
            "?override_lock=true",
            Some(&t.secretariat),
            "f.csv",
            &file,
        )
        .await;
    assert_problem(not_admin, 403, "forbidden").await;

    let overridden = app
        .import(PLAN, "?override_lock=true", Some(&t.admin), "f.csv", &file)
        .await;

    assert_eq!(overridden.status(), 201);
    let summary: Value = overridden.json().await.unwrap();
    assert_eq!(
        (
            &summary["stored"],
            &summary["in_locked_period"],
            &summary["lock"]["id"]
        ),
        (&json!(2), &json!(1), &lock["id"])
    );
    let history = app
        .get_json(&format!("/api/v1/frameworks/{PLAN}/measures/1.1.2/history"))
        .await;
    let report = &history["reports"][0];
    assert_eq!(
        (&report["lock_override"], &report["lock_id"]),
        (&json!(true), &lock["id"])
    );
    assert_eq!(report["validation"]["state"], "validated");
    let record = &audit(&app, "import").await[0];
    assert_eq!(record.detail["in_locked_period"], 1);
    assert_eq!(record.detail["override_lock"], true);
}

#[tokio::test]
async fn importing_the_same_file_twice_stores_its_reports_once_and_a_changed_row_is_a_correction() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,40,2026-03-31,First,",
        "ascc-strategic-plan,1.1.2,VNM,completed,,2026-03-31,,https://asean.org/x",
    ]);
    let first = app.import(PLAN, "", Some(&t.vnm), "f.csv", &file).await;
    assert_eq!(first.status(), 201);

    let again: Value = app
        .import(PLAN, "", Some(&t.vnm), "f.csv", &file)
        .await
        .json()
        .await
        .unwrap();

    assert_eq!(
        (&again["stored"], &again["unchanged"]),
        (&json!(0), &json!(2))
    );
    assert_eq!(app.stored_reports().await, 2);
    let corrected = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,60,2026-03-31,First,",
        "ascc-strategic-plan,1.1.2,VNM,completed,,2026-03-31,,https://asean.org/x",
    ]);
    let correction: Value = app
        .import(PLAN, "", Some(&t.vnm), "f.csv", &corrected)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&correction["stored"], &correction["unchanged"]),
        (&json!(1), &json!(1))
    );
    let status = app
        .get_json(&format!(
            "/api/v1/frameworks/{PLAN}/measures/1.1.1/status?as_of=2026-03-31"
        ))
        .await;
    let vnm = status["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["scope"] == "VNM")
        .unwrap();
    assert_eq!(vnm["progress"], 60);
    // The first file again re-asserts 40: it differs from the report in force.
    let back: Value = app
        .import(PLAN, "", Some(&t.vnm), "f.csv", &file)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["stored"], 1);
}

#[tokio::test]
async fn an_import_is_audited_once_with_its_counts() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,VNM,ongoing,,2026-03-31,,",
        "ascc-strategic-plan,1.1.2,VNM,,,,,",
        "ascc-strategic-plan,1.1.3,VNM,completed,,2026-03-31,,",
    ]);

    app.import(PLAN, "", Some(&t.vnm), "hanoi.csv", &file).await;
    app.import(PLAN, "?dry_run=true", Some(&t.vnm), "hanoi.csv", &file)
        .await;

    let records = audit(&app, "import").await;
    assert_eq!(records.len(), 1, "one record per file; none for a dry run");
    let record = &records[0];
    assert_eq!(record.actor.as_deref(), Some("vnm-focal"));
    assert_eq!(record.framework.as_deref(), Some(PLAN));
    assert_eq!(record.target.as_deref(), Some("2 reports"));
    for (member, value) in [
        ("kind", json!("status")),
        ("file", json!("hanoi.csv")),
        ("format", json!("csv")),
        ("rows", json!(3)),
        ("blank", json!(1)),
        ("stored", json!(2)),
        ("unchanged", json!(0)),
    ] {
        assert_eq!(record.detail[member], value, "{member}");
    }
    assert!(audit(&app, "status.record").await.is_empty());
}

/// A server with reports on the Strategic Plan: VNM and ASEAN, with a correction.
async fn app_with_reports() -> (TestApp, crate::support::Tokens) {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let file = csv(&[
        "ascc-strategic-plan,1.1.1,ASEAN,completed,,2026-03-31,\"Adopted, at last\",https://asean.org/a",
        "ascc-strategic-plan,1.1.2,VNM,ongoing,40,2026-03-31,=HYPERLINK(\"http://evil\"),",
        "ascc-strategic-plan,1.1.2,VNM,ongoing,70,2026-06-30,-5 days late,",
        "ascc-strategic-plan,1.1.3,THA,not_applicable,,2026-01-31,@risk,",
    ]);
    let response = app
        .import(PLAN, "", Some(&t.admin), "seed.csv", &file)
        .await;
    assert_eq!(response.status(), 201);
    (app, t)
}

#[tokio::test]
async fn a_status_export_holds_every_measure_and_scope_in_csv_xlsx_and_sdmx_csv() {
    let (app, _) = app_with_reports().await;
    let path = format!("/api/v1/frameworks/{PLAN}/status/export?as_of=2026-06-30");

    let csv_rows = text_rows(&app.get_bytes(&path).await);
    let xlsx = app.get_bytes(&format!("{path}&format=xlsx")).await;
    let sdmx = app.get(&format!("{path}&format=sdmx-csv")).await;

    assert_eq!(
        csv_rows.len(),
        1 + 112 * 12,
        "every measure × ASEAN and 11 states"
    );
    assert_eq!(&csv_rows[0][..8], HEADER.split(',').collect::<Vec<_>>());
    let vnm_112: Vec<&Vec<String>> = csv_rows
        .iter()
        .filter(|r| r[1] == "1.1.2" && r[2] == "VNM")
        .collect();
    assert_eq!(vnm_112[0][3..6], ["ongoing", "70", "2026-06-30"]);
    let unreported = csv_rows
        .iter()
        .find(|r| r[1] == "1.1.4" && r[2] == "LAO")
        .unwrap();
    assert_eq!(unreported[3..6], ["not_started", "", ""]);

    let rows = xlsx_rows(&xlsx, None);
    assert_eq!(rows.len(), 1 + 112 * 12);
    let header: Vec<String> = rows[0].iter().map(ToString::to_string).collect();
    assert_eq!(header[..8], HEADER.split(',').collect::<Vec<_>>()[..]);
    let asean = rows
        .iter()
        .find(|r| r[1] == Data::String("1.1.1".into()) && r[2] == Data::String("ASEAN".into()))
        .unwrap();
    assert!(
        matches!(asean[5], Data::DateTime(d) if d.is_datetime()),
        "a real date: {:?}",
        asean[5]
    );
    let sheet = xlsx_part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(sheet.contains(
        "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
    ));
    assert!(
        sheet.contains("<col ") && sheet.contains("customWidth=\"1\""),
        "column widths"
    );
    assert!(sheet.contains("<autoFilter"));

    assert_eq!(sdmx.status(), 200);
    assert_eq!(
        sdmx.headers()["content-type"],
        "application/vnd.sdmx.data+csv; version=2.0.0; charset=utf-8"
    );
    let sdmx = text_rows(&sdmx.bytes().await.unwrap());
    assert_eq!(
        sdmx[0].join(","),
        "STRUCTURE,STRUCTURE_ID,ACTION,FRAMEWORK,MEASURE,SCOPE,TIME_PERIOD,OBS_VALUE,PROGRESS,EFFECTIVE_DATE,RECORDED_AT,VALIDATION,NOTE,EVIDENCE_URL,REPORT_ID"
    );
    assert_eq!(sdmx.len(), 1 + 112 * 12);
    let line = sdmx
        .iter()
        .find(|r| r[4] == "1.1.2" && r[5] == "VNM")
        .unwrap();
    assert_eq!(
        line[..10],
        [
            "dataflow",
            "ASEAN:DF_ASCC_STATUS(1.0)",
            "I",
            PLAN,
            "1.1.2",
            "VNM",
            "2026-06-30",
            "ongoing",
            "70",
            "2026-06-30"
        ]
    );
}

#[tokio::test]
async fn cells_a_spreadsheet_would_run_as_formulas_are_neutralised_and_import_back_unchanged() {
    let (app, t) = app_with_reports().await;
    let path = format!("/api/v1/frameworks/{PLAN}/status/export?what=history");

    let csv_bytes = app.get_bytes(&path).await;
    let xlsx = app.get_bytes(&format!("{path}&format=xlsx")).await;

    let text = String::from_utf8(csv_bytes.clone()).unwrap();
    assert!(
        text.contains("\"'=HYPERLINK(\"\"http://evil\"\")\""),
        "{text}"
    );
    assert!(text.contains(",'-5 days late,") && text.contains(",'@risk,"));
    assert!(!text.contains(",=") && !text.contains(",@") && !text.contains(",-5"));
    let styles = xlsx_part(&xlsx, "xl/styles.xml");
    assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
    let notes: BTreeSet<String> = xlsx_rows(&xlsx, None)
        .iter()
        .skip(1)
        .map(|r| r[6].to_string())
        .collect();
    assert!(
        notes.contains("=HYPERLINK(\"http://evil\")"),
        "XLSX keeps the value"
    );
    let sheet = xlsx_part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(!sheet.contains("<f>"), "no formula anywhere");
    for (name, bytes) in [("h.csv", csv_bytes), ("h.xlsx", xlsx)] {
        let again: Value = app
            .import(PLAN, "", Some(&t.admin), name, &bytes)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(
            (&again["stored"], &again["unchanged"]),
            (&json!(0), &json!(4)),
            "{name}"
        );
    }
}

#[tokio::test]
async fn progress_and_history_exports_give_the_apis_figures_and_reports() {
    let (app, _) = app_with_reports().await;
    let fw = format!("/api/v1/frameworks/{PLAN}");
    let api = app
        .get_json(&format!("{fw}/progress?as_of=2026-06-30&scope=VNM"))
        .await;

    let progress = text_rows(
        &app.get_bytes(&format!(
            "{fw}/status/export?what=progress&as_of=2026-06-30"
        ))
        .await,
    );
    let sdmx = text_rows(
        &app.get_bytes(&format!(
            "{fw}/status/export?what=progress&as_of=2026-06-30&scope=VNM&format=sdmx-csv"
        ))
        .await,
    );
    let history = text_rows(
        &app.get_bytes(&format!(
            "{fw}/status/export?what=history&measure=1.1.2&scope=VNM"
        ))
        .await,
    );

    let columns = &progress[0];
    let at = |name: &str| columns.iter().position(|c| c == name).unwrap();
    let overall = progress
        .iter()
        .find(|r| r[at("scope")] == "VNM" && r[at("node")] == "overall")
        .unwrap();
    for name in [
        "measures",
        "applicable",
        "completed",
        "ongoing",
        "progress_points",
    ] {
        assert_eq!(
            overall[at(name)],
            api["overall"][name].to_string(),
            "{name}"
        );
    }
    assert_eq!(overall[at("rule")], "scope");
    assert_eq!(
        progress.len(),
        1 + 12 * (1 + 12),
        "12 scopes × (overall + 12 goals)"
    );
    let completion = sdmx
        .iter()
        .find(|r| r[4] == "_T" && r[6] == "IMPLEMENTATION_RATE")
        .unwrap();
    assert_eq!(
        completion[8],
        api["overall"]["implementation_rate"].to_string()
    );
    assert_eq!(completion[10..12], ["1".to_owned(), "112".to_owned()]);
    assert_eq!(history.len(), 3);
    assert_eq!(history[1][4..6], ["40", "2026-03-31"]);
    assert_eq!(history[2][4..6], ["70", "2026-06-30"]);
    let unknown = app
        .get(&format!("{fw}/status/export?what=history&measure=9.9.9"))
        .await;
    assert_problem(unknown, 404, "unknown_measure").await;
}

/// The shipped Blueprint tree, as the file an operator would edit.
fn blueprint_tree() -> String {
    std::fs::read_to_string(format!(
        "{}/src/reference/data/ascc-blueprint-2025.csv",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

async fn load_framework(
    tracker: &Tracker,
    code: &str,
    tree: &str,
    metadata: FrameworkMetadata,
) -> Result<blueprint_tracker::store::FrameworkOutcome, ServiceError> {
    tracker
        .import_framework(
            code,
            ImportFile {
                name: Some("tree.csv"),
                bytes: tree.as_bytes(),
            },
            None,
            metadata,
            false,
        )
        .await
}

#[tokio::test]
async fn a_framework_update_retires_a_removed_measure_and_keeps_its_history() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let fw = format!("/api/v1/frameworks/{BLUEPRINT}");
    let recorded = app
        .post(
            &format!("{fw}/status"),
            Some(&t.secretariat),
            &json!({"measure":"C.2.vi","scope":"ASEAN","status":"completed","effective_date":"2025-06-30"}),
        )
        .await;
    assert_eq!(recorded.status(), 201);
    assert_eq!(
        app.get_json(&format!("{fw}/progress?as_of=2025-12-31"))
            .await["overall"]["completed"],
        1
    );
    // The official list: C.2.vi gone, two measures added under C.1.
    let tree = blueprint_tree()
        .lines()
        .filter(|l| !l.starts_with("measure,C.2.vi,"))
        .chain([
            "measure,C.1.ii,C.1,Sustainable management of forests,",
            "measure,C.1.v,C.1,Transboundary haze pollution,",
        ])
        .collect::<Vec<_>>()
        .join("\n");

    let outcome = load_framework(&app.tracker, BLUEPRINT, &tree, FrameworkMetadata::default())
        .await
        .unwrap();

    assert!(!outcome.created);
    assert_eq!(outcome.added, ["C.1.ii", "C.1.v"]);
    assert_eq!(outcome.retired, ["C.2.vi"]);
    let tree = app.get_json(&fw).await;
    assert_eq!(tree["measure_count"], 9 - 1 + 2);
    assert_eq!(tree["retired"][0]["code"], "C.2.vi");
    assert_eq!(tree["retired"][0]["is_measure"], true);
    let measures = app.get_json(&format!("{fw}/measures")).await;
    assert!(!measures.to_string().contains("C.2.vi"));
    let progress = app
        .get_json(&format!("{fw}/progress?as_of=2025-12-31"))
        .await;
    assert_eq!(
        (
            &progress["overall"]["measures"],
            &progress["overall"]["completed"]
        ),
        (&json!(10), &json!(0)),
        "the figures stop counting it"
    );
    let history = app.get_json(&format!("{fw}/measures/C.2.vi/history")).await;
    assert_eq!(
        history["reports"][0]["status"], "completed",
        "its history stays"
    );
    assert_eq!(app.stored_reports().await, 1);
    // Nor does the API take a new report on it.
    let refused = app
        .post(
            &format!("{fw}/status"),
            Some(&t.secretariat),
            &json!({"measure":"C.2.vi","scope":"ASEAN","status":"ongoing","effective_date":"2025-07-31"}),
        )
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "measure");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("retired")
    );
    assert_eq!(app.stored_reports().await, 1);
    let row = "ascc-blueprint-2025,C.2.vi,ASEAN,ongoing,,2025-07-31,,";
    let refused = app
        .import(BLUEPRINT, "", Some(&t.admin), "f.csv", &csv(&[row]))
        .await;
    let problem = assert_problem(refused, 422, "validation_failed").await;
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("retired")
    );
    let audited = audit(&app, "import").await;
    assert_eq!(audited[0].actor.as_deref(), Some("terminal"));
    assert_eq!(audited[0].detail["retired"], json!(["C.2.vi"]));

    // A restart loads the shipped data again: the imported tree is left as it is.
    let (restarted, _) = Tracker::open(&app.database_url).await.unwrap();
    assert_eq!(
        restarted
            .framework_tree(BLUEPRINT)
            .await
            .unwrap()
            .measure_count,
        10
    );
    // Listing the measure again brings it back, with its report.
    let outcome = load_framework(
        &app.tracker,
        BLUEPRINT,
        &blueprint_tree(),
        FrameworkMetadata::default(),
    )
    .await
    .unwrap();
    assert_eq!(outcome.restored, ["C.2.vi"]);
    assert_eq!(
        outcome.retired,
        ["C.1.ii", "C.1.v"],
        "those the file no longer lists"
    );
    let progress = app
        .get_json(&format!("{fw}/progress?as_of=2025-12-31"))
        .await;
    assert_eq!(progress["overall"]["completed"], 1);
}

#[tokio::test]
async fn a_broken_framework_file_is_refused_with_every_error_listed_and_nothing_written() {
    let app = TestApp::spawn().await;
    let tree = "level,code,parent_code,title\n\
                characteristic,A,,Engages\n\
                element,A.1,Z,Unknown parent\n\
                element,A,A,Duplicate\n\
                measure,A.2.i,A,Wrong level order\n\
                measure,C.1.i,C.1,\n";

    let refused = load_framework(&app.tracker, BLUEPRINT, tree, FrameworkMetadata::default()).await;

    let Err(ServiceError::Invalid(issues)) = refused else {
        panic!("refused: {refused:?}");
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "line 3: parent_code",
            "line 4: code",
            "line 4: parent_code",
            "line 5: level",
            "line 6: title",
            "line 6: parent_code",
        ]
    );
    let tree = app.tracker.framework_tree(BLUEPRINT).await.unwrap();
    assert_eq!(tree.measure_count, 9, "nothing changed");
    assert!(tree.retired.is_empty());
    // A measure holding reports cannot stop being a measure.
    let t = app.tokens().await;
    app.post(
        &format!("/api/v1/frameworks/{BLUEPRINT}/status"),
        Some(&t.admin),
        &json!({"measure":"C.2.i","scope":"ASEAN","status":"ongoing","effective_date":"2025-06-30"}),
    )
    .await;
    let demoted = blueprint_tree().replace("measure,C.2.i,C.2,", "element,C.2.i,C,");
    let refused = load_framework(
        &app.tracker,
        BLUEPRINT,
        &demoted,
        FrameworkMetadata::default(),
    )
    .await;
    let Err(ServiceError::Invalid(issues)) = refused else {
        panic!("refused: {refused:?}");
    };
    assert_eq!(issues[0].field, "line 15: level");
    assert!(issues[0].message.contains("1 status report(s)"));
}

#[tokio::test]
async fn a_new_framework_needs_its_metadata_and_gets_its_participants() {
    let app = TestApp::spawn().await;
    let tree = "level,code,parent_code,title\n\
                goal,G1,,Health for all\n\
                measure,G1.1,G1,Universal coverage\n\
                measure,G1.2,G1,Health workforce\n";

    let missing = load_framework(
        &app.tracker,
        "health-plan",
        tree,
        FrameworkMetadata::default(),
    )
    .await;

    let Err(ServiceError::Invalid(issues)) = missing else {
        panic!("refused: {missing:?}");
    };
    let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(fields, ["title", "start", "end", "levels"]);
    let metadata = FrameworkMetadata {
        title: Some("ASEAN Health Plan".into()),
        start_date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
        end_date: chrono::NaiveDate::from_ymd_opt(2030, 12, 31),
        levels: Some("goal/measure".into()),
        ..FrameworkMetadata::default()
    };
    let outcome = load_framework(&app.tracker, "health-plan", tree, metadata)
        .await
        .unwrap();
    assert!(outcome.created);
    assert_eq!(
        (outcome.nodes, outcome.measures, outcome.participants_added),
        (3, 2, 11)
    );
    let listed = app.get_json("/api/v1/frameworks").await;
    assert!(listed.to_string().contains("\"health-plan\""));
    let participants = app
        .get_json("/api/v1/frameworks/health-plan/participants?as_of=2026-06-30")
        .await;
    assert_eq!(participants["count"], 11);
}

#[tokio::test]
async fn the_command_line_writes_a_template_imports_it_exports_and_loads_a_framework() {
    let app = TestApp::spawn().await;
    app.token("hanoi", Role::FocalPoint, Some("VNM")).await;
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };

    let template = run(&["template", "-f", PLAN, "--scope", "VNM", "--format", "csv"]);
    assert!(template.status.success(), "{template:?}");
    let path = dir.path().join("ascc-strategic-plan-template-VNM.csv");
    let filled = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("1.1.1,VNM,,,,,,", "1.1.1,VNM,completed,,2026-03-31,,,", 1)
        .replacen("1.1.2,VNM,,,,,,", "1.1.2,VNM,ongoing,,2026-13-31,,,", 1);
    std::fs::write(&path, &filled).unwrap();
    let checked = run(&[
        "import",
        "status",
        path.to_str().unwrap(),
        "--dry-run",
        "--as",
        "hanoi",
    ]);
    assert!(!checked.status.success());
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(stderr.contains("line 3: effective_date"), "{stderr}");
    std::fs::write(&path, filled.replace("2026-13-31", "2026-03-31")).unwrap();
    let imported = run(&["import", "status", path.to_str().unwrap(), "--as", "hanoi"]);
    assert!(imported.status.success(), "{imported:?}");
    let stdout = String::from_utf8_lossy(&imported.stdout);
    assert!(
        stdout.contains("stored 2 report(s)") && stdout.contains("VNM: 2"),
        "{stdout}"
    );
    assert_eq!(app.stored_reports().await, 2);

    let export = run(&[
        "export",
        "-f",
        PLAN,
        "--what",
        "status",
        "--as-of",
        "2026-03-31",
        "--scope",
        "VNM",
        "--format",
        "sdmx-csv",
        "--out",
        "-",
    ]);
    assert!(export.status.success());
    let sdmx = String::from_utf8_lossy(&export.stdout);
    assert!(sdmx.starts_with(
        "STRUCTURE,STRUCTURE_ID,ACTION,FRAMEWORK,MEASURE,SCOPE,TIME_PERIOD,OBS_VALUE"
    ));
    assert!(sdmx.contains(
        "dataflow,ASEAN:DF_ASCC_STATUS(1.0),I,ascc-strategic-plan,1.1.1,VNM,2026-03-31,completed"
    ));

    let tree = dir.path().join("ascc-blueprint-2025.csv");
    std::fs::write(&tree, blueprint_tree() + "measure,C.1.ii,C.1,Forests,\n").unwrap();
    let loaded = run(&["framework", "import", tree.to_str().unwrap()]);
    assert!(loaded.status.success(), "{loaded:?}");
    assert!(String::from_utf8_lossy(&loaded.stdout).contains("1 added"));
    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, "level,code,parent_code,title\nmeasure,X,Y,Z\n").unwrap();
    let refused = run(&[
        "framework",
        "import",
        broken.to_str().unwrap(),
        "--title",
        "T",
        "--start",
        "2026-01-01",
        "--end",
        "2030-12-31",
        "--levels",
        "goal/measure",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 2: parent_code"));
}

// Properties. Each case runs on a fresh database, through the service (no HTTP).

/// A report as the properties compare them: what it says, not when it was recorded.
type Said = (
    String,
    String,
    String,
    Option<u8>,
    String,
    Option<String>,
    Option<String>,
);

fn said(history: &blueprint_tracker::service::ExportFile) -> Vec<Said> {
    let rows = text_rows(&history.bytes);
    rows.iter()
        .skip(1)
        .map(|r| {
            let opt = |s: &String| (!s.is_empty()).then(|| s.clone());
            (
                r[1].clone(),
                r[2].clone(),
                r[3].clone(),
                r[4].parse().ok(),
                r[5].clone(),
                opt(&r[6]).map(|n| blueprint_tracker::transfer::write::unguard(&n).to_owned()),
                opt(&r[7]),
            )
        })
        .collect()
}

/// Reports with distinct (measure, scope, effective date), in a random order.
fn reports() -> impl Strategy<Value = Vec<String>> {
    let measure = prop::sample::select(vec!["1.1.1", "1.1.2", "2.1.1", "12.1.3"]);
    let scope = prop::sample::select(vec!["ASEAN", "VNM", "THA", "TLS"]);
    let status = prop_oneof![
        Just((String::from("completed"), String::new())),
        Just((String::from("not_applicable"), String::new())),
        Just((String::from("not_started"), String::new())),
        (0u8..=100).prop_map(|p| (String::from("ongoing"), p.to_string())),
        Just((String::from("ongoing"), String::new())),
    ];
    let day = 0u32..300;
    let note = prop_oneof![
        Just(String::new()),
        "[ -~]{1,20}",
        "[=+@\\-'\"\t,;\n é漢]{1,12}",
        "\\PC{1,16}",
    ];
    let link = prop_oneof![
        Just(String::new()),
        Just("https://asean.org/e?a=1,2".to_owned())
    ];
    prop::collection::vec((measure, scope, status, day, note, link), 1..12).prop_map(|items| {
        let mut seen = BTreeSet::new();
        let mut rows = Vec::new();
        for (measure, scope, (status, progress), day, note, link) in items {
            let date = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                + chrono::Days::new(u64::from(day));
            if seen.insert((measure, scope, date)) {
                let mut writer = csv::Writer::from_writer(Vec::new());
                writer
                    .write_record([
                        PLAN,
                        measure,
                        scope,
                        &status,
                        &progress,
                        &date.to_string(),
                        &blueprint_tracker::transfer::write::guard(&note),
                        &link,
                    ])
                    .unwrap();
                rows.push(String::from_utf8(writer.into_inner().unwrap()).unwrap());
            }
        }
        rows
    })
}

fn file_of(rows: &[String]) -> Vec<u8> {
    let mut bytes = format!("{HEADER}\n").into_bytes();
    for row in rows {
        bytes.extend_from_slice(row.as_bytes());
    }
    bytes
}

async fn import_file(tracker: &Tracker, name: &str, bytes: &[u8]) -> Result<usize, ServiceError> {
    tracker
        .import_status(
            None,
            Some(PLAN),
            ImportFile {
                name: Some(name),
                bytes,
            },
            ImportOptions::default(),
            &Quiet,
        )
        .await
        .map(|s| s.stored)
}

async fn history(tracker: &Tracker, format: FileFormat) -> blueprint_tracker::service::ExportFile {
    let query = ExportQuery {
        what: ExportWhat::History,
        format: Some(format),
        ..ExportQuery::default()
    };
    tracker
        .export(PLAN, &query, blueprint_tracker::service::today())
        .await
        .unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// What is exported (as CSV and as XLSX) and imported into another database is what the
    /// first one holds: the same reports, in the same order.
    #[test]
    fn export_then_import_gives_the_same_reports(rows in reports()) {
        runtime().block_on(async {
            let first = TestApp::spawn().await;
            let stored = import_file(&first.tracker, "seed.csv", &file_of(&rows)).await.unwrap();
            assert_eq!(stored, rows.len());
            let exported = history(&first.tracker, FileFormat::Csv).await;
            let expected = said(&exported);
            assert_eq!(expected.len(), rows.len());
            for format in [FileFormat::Csv, FileFormat::Xlsx] {
                let file = history(&first.tracker, format).await;
                let second = TestApp::spawn().await;
                let stored = import_file(&second.tracker, &file.name, &file.bytes).await.unwrap();
                assert_eq!(stored, rows.len(), "{format}");
                assert_eq!(said(&history(&second.tracker, FileFormat::Csv).await), expected, "{format}");
            }
        });
    }

    /// Importing a file a second time stores nothing and leaves every report as it was.
    #[test]
    fn an_import_is_idempotent(rows in reports()) {
        runtime().block_on(async {
            let app = TestApp::spawn().await;
            let file = file_of(&rows);
            let stored = import_file(&app.tracker, "f.csv", &file).await.unwrap();
            let before = said(&history(&app.tracker, FileFormat::Csv).await);
            let again = import_file(&app.tracker, "f.csv", &file).await.unwrap();
            assert_eq!((stored, again), (rows.len(), 0));
            assert_eq!(said(&history(&app.tracker, FileFormat::Csv).await), before);
            assert_eq!(app.stored_reports().await, rows.len() as u64);
        });
    }
}
