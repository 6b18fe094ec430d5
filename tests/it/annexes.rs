//! The review report's annexes (issue 19): every measure × scope, a profile per member state,
//! the measures with their lead bodies — the figures by hand, then the Strategic Plan's demo
//! report in HTML, PDF and DOCX holding all 112 measures and the 11 profiles.

use std::io::Read;

use serde_json::{Value, json};

use crate::support::{TestApp, text_of};

const BLUEPRINT: &str = "/api/v1/frameworks/ascc-blueprint-2025";

async fn record(app: &TestApp, token: &str, reports: Value) {
    let response = app
        .post(
            &format!("{BLUEPRINT}/status"),
            Some(token),
            &json!({ "reports": reports }),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

fn report(measure: &str, scope: &str, status: &str, effective: &str) -> Value {
    json!({"measure": measure, "scope": scope, "status": status,
           "progress": if status == "ongoing" { Some(50) } else { None },
           "effective_date": effective})
}

/// Viet Nam's standing in the Blueprint as of 31 December 2025, counted by hand: of its 9
/// measures, C.1.i completed (ongoing until its November report), C.1.iii reported not
/// started, C.2.i not applicable from October; 6 with no report of its own. The previous
/// period ends on 30 September 2025: two measures changed since.
#[tokio::test]
async fn a_state_profile_and_the_matrix_hold_the_hand_counted_standings() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    record(
        &app,
        &t.secretariat,
        json!([report("C.1.i", "ASEAN", "completed", "2025-06-30")]),
    )
    .await;
    record(
        &app,
        &t.vnm,
        json!([
            report("C.1.i", "VNM", "ongoing", "2025-06-30"),
            report("C.1.iii", "VNM", "not_started", "2025-06-30"),
            report("C.1.i", "VNM", "completed", "2025-11-30"),
            report("C.2.i", "VNM", "not_applicable", "2025-10-15"),
        ]),
    )
    .await;

    let data = app
        .get_json(&format!("{BLUEPRINT}/report?as_of=2025-12-31&format=json"))
        .await;
    let a = &data["annexes"];
    let states: Vec<&str> = a["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(
        states.len(),
        10,
        "Timor-Leste is no participant of the Blueprint"
    );
    assert!(!states.contains(&"TLS"));
    let vnm_column = 1 + states.iter().position(|s| *s == "VNM").unwrap();
    assert_eq!(a["previous"], "2025-09-30");
    let measures = a["measures"].as_array().unwrap();
    assert_eq!(measures.len(), 9);
    let cell = |code: &str, column: usize| {
        measures.iter().find(|m| m["code"] == code).unwrap()["cells"][column].clone()
    };
    assert_eq!(
        cell("C.1.i", 0),
        json!({"status": "completed", "effective": "2025-06-30"})
    );
    assert_eq!(
        cell("C.1.i", vnm_column),
        json!({"status": "completed", "effective": "2025-11-30"})
    );
    assert_eq!(
        cell("C.1.iii", vnm_column),
        json!({"status": "not_started", "effective": "2025-06-30"})
    );
    assert_eq!(
        cell("C.2.ii", vnm_column),
        json!({"status": null, "effective": null}),
        "no report is not a report of not started"
    );

    let vnm = &a["profiles"][vnm_column - 1];
    assert_eq!(vnm["state"], "VNM");
    assert_eq!(vnm["overall"]["measures"], 9);
    assert_eq!(vnm["overall"]["applicable"], 8);
    assert_eq!(vnm["overall"]["completed"], 1);
    assert_eq!(vnm["overall"]["unreported"], 6);
    assert_eq!(vnm["not_started"], json!(["C.1.iii"]));
    assert_eq!(
        vnm["no_report"],
        json!(["C.1.iv", "C.2.ii", "C.2.iii", "C.2.iv", "C.2.v", "C.2.vi"])
    );
    assert_eq!(
        vnm["changes"],
        json!([
            {"code": "C.1.i",
             "before": {"status": "ongoing", "effective": "2025-06-30"},
             "after": {"status": "completed", "effective": "2025-11-30"}},
            {"code": "C.2.i",
             "before": {"status": null, "effective": null},
             "after": {"status": "not_applicable", "effective": "2025-10-15"}},
        ])
    );
    let latest: Vec<(&str, &str)> = vnm["latest"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l[0].as_str().unwrap(), l[1]["effective"].as_str().unwrap()))
        .collect();
    assert_eq!(
        latest,
        [
            ("C.1.i", "2025-11-30"),
            ("C.2.i", "2025-10-15"),
            ("C.1.iii", "2025-06-30")
        ]
    );
    // Characteristic C's mean of the states: Viet Nam's 1 of 8 (12.5%) over the 10
    // participants, the 9 others at 0 of 9.
    let top: Vec<&str> = data["top"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    let c = top.iter().position(|code| *code == "C").unwrap();
    let mean = a["mean_by_top"][c]["completion_rate"].as_f64().unwrap();
    assert!((mean - 0.0125).abs() < 1e-12, "{mean}");

    let html = app
        .get(&format!("{BLUEPRINT}/report?as_of=2025-12-31"))
        .await
        .text()
        .await
        .unwrap();
    let text = text_of(&html);
    for expected in [
        "Annex A Strategic measures by member state",
        "Annex B Member state profiles",
        "Annex C Strategic measures and lead sectoral bodies",
        "Of the 9 strategic measures, 8 apply to Viet Nam. From its own statuses: completion \
         12.5% (1 of 8 applicable measures), implementation 12.5% (1 of 8 applicable measures).",
        "Its reports say that work has not started on 1 measure: C.1.iii.",
        "6 measures have no report of its own in force (counted as not started): C.1.iv, \
         C.2.ii, C.2.iii, C.2.iv, C.2.v, C.2.vi.",
        "2 measures changed status since 30 September 2025:",
        "None of its reports says that work on a measure has not started.",
        "No measure changed status since 30 September 2025.",
        "No lead sectoral body is recorded for any of them",
    ] {
        assert!(text.contains(expected), "missing {expected:?}");
    }
    // One matrix row per measure, ASEAN and the 10 participants in each.
    let matrix = html
        .split("<table class=\"matrix\">")
        .nth(1)
        .and_then(|rest| rest.split("</table>").next())
        .unwrap();
    assert_eq!(matrix.matches("<td class=\"st\">").count(), 9 * 11);
    assert_eq!(
        matrix.matches("<time datetime=").count(),
        4,
        "C.1.i in ASEAN, Viet Nam's 3 measures in force (its earlier C.1.i report replaced)"
    );
    assert_eq!(html.matches("<article class=\"profile").count(), 10);
}

/// The words of a DOCX's main part, its XML tags taken out.
fn docx_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in xml.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The whitespace-separated words of `text` between the first `from` and the next `to`.
fn words_between<'a>(text: &'a str, from: &str, to: &str) -> Vec<&'a str> {
    let start = text.find(from).expect("the text holds the start marker");
    let rest = &text[start..];
    let end = rest.find(to).unwrap_or(rest.len());
    rest[..end].split_whitespace().collect()
}

#[tokio::test]
async fn the_strategic_plan_report_has_all_112_measures_and_11_profiles_in_pdf_and_docx() {
    let app = TestApp::spawn_with_demo().await;
    let path = "/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-09-30";
    let data = app.get_json(&format!("{path}&format=json")).await;
    let codes: Vec<String> = data["annexes"]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 112);
    let names = [
        "Brunei Darussalam (BRN)",
        "Cambodia (KHM)",
        "Indonesia (IDN)",
        "Lao PDR (LAO)",
        "Malaysia (MYS)",
        "Myanmar (MMR)",
        "Philippines (PHL)",
        "Singapore (SGP)",
        "Thailand (THA)",
        "Timor-Leste (TLS)",
        "Viet Nam (VNM)",
    ];

    let pdf = app
        .get(&format!("{path}&format=pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let matrix = words_between(&text, "Status in force by measure and scope", "Annex B");
    for code in &codes {
        assert!(
            matrix.contains(&code.as_str()),
            "annex A of the PDF lacks {code}"
        );
    }
    let annex_c = words_between(&text, "Annex C", "\u{0}");
    for code in &codes {
        assert!(
            annex_c.contains(&code.as_str()),
            "annex C of the PDF lacks {code}"
        );
    }
    let profiles = &text[text.find("Annex B").unwrap()..];
    for name in names {
        assert!(profiles.contains(name), "the PDF has no profile of {name}");
    }

    let docx = app
        .get(&format!("{path}&format=docx"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = docx_text(&docx);
    let matrix = words_between(&text, "Status in force by measure and scope", "Annex B");
    for code in &codes {
        assert!(
            matrix.contains(&code.as_str()),
            "annex A of the DOCX lacks {code}"
        );
    }
    for name in names {
        assert!(text.contains(name), "the DOCX has no profile of {name}");
    }
}

/// In the framework's first quarter, the previous period is the day before it starts: every
/// report since is a change (nothing was in force then).
#[tokio::test]
async fn in_the_first_quarter_every_report_is_a_change_since_the_eve_of_the_framework() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let response = app
        .post(
            "/api/v1/frameworks/ascc-strategic-plan/status",
            Some(&t.vnm),
            &json!({"reports": [report("1.1.1", "VNM", "ongoing", "2026-02-15")]}),
        )
        .await;
    assert_eq!(response.status(), 201);

    let data = app
        .get_json("/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-03-31&format=json")
        .await;
    let a = &data["annexes"];
    assert_eq!(a["previous"], "2025-12-31");
    let vnm = a["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["state"] == "VNM")
        .unwrap();
    assert_eq!(
        vnm["changes"],
        json!([{"code": "1.1.1",
                "before": {"status": null, "effective": null},
                "after": {"status": "ongoing", "effective": "2026-02-15"}}])
    );
    let html = app
        .get("/api/v1/frameworks/ascc-strategic-plan/report?as_of=2026-03-31")
        .await
        .text()
        .await
        .unwrap();
    assert!(text_of(&html).contains("1 measure changed status since 31 December 2025:"));
}
