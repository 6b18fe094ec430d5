//! The indicator pages over real HTTP on a fresh SQLite database (issue 17): a Secretariat
//! account defines two indicators, Viet Nam's focal point records its values, and the pages
//! show DESIGN §2b's worked example figure for figure — in the list (every filter), on the
//! indicator's page (the class in every scope, every observation with who recorded it and its
//! validation, a returned one with its reason), on the dashboard's class counts and on Viet
//! Nam's page (what is regressing). Unknown things are 404 pages; bad filters are 400.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{TestApp, Tokens};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";
const PAGES: &str = "/frameworks/ascc-strategic-plan/indicators";
/// Late enough for the 2026 and 2027 values, before the mistaken 2028 one.
const AS_OF: &str = "2027-12-31";

async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    let response = app
        .send(
            Method::POST,
            &format!("{SP}{path}"),
            Some(token),
            Some(body),
        )
        .await;
    assert!(
        response.status().is_success(),
        "POST {path} {body}: {}",
        response.status()
    );
    response.json().await.unwrap_or(Value::Null)
}

fn target(scope: &str) -> Value {
    json!({"scope": scope, "baseline_year": 2025, "baseline_value": 50.0,
           "target_year": 2030, "target_value": 80.0})
}

fn observation(code: &str, scope: &str, year: i32, value: f64) -> Value {
    json!({"indicator": code, "scope": scope, "year": year, "value": value})
}

/// KPI-1 (goal SG1): ASEAN met its target in 2026; Viet Nam is DESIGN §2b's worked example.
/// KPI-2 (goal SG2): no ASEAN target; Viet Nam moves away from its target. A mistaken 2028
/// value of Viet Nam's for KPI-1 was returned by the Secretariat.
async fn seeded() -> (TestApp, Tokens) {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    post(
        &app,
        &t.secretariat,
        "/indicators",
        &json!({"code": "KPI-1", "title": "Households with broadband access", "unit": "%",
                "direction": "increase", "node": "1.1.2", "decimals": 1, "source": "ASEANstats"}),
    )
    .await;
    post(
        &app,
        &t.secretariat,
        "/indicators",
        &json!({"code": "KPI-2", "title": "Social protection coverage", "unit": "%",
                "direction": "increase", "node": "2.1.1", "decimals": 1}),
    )
    .await;
    post(
        &app,
        &t.secretariat,
        "/indicators/KPI-1/targets",
        &target("ASEAN"),
    )
    .await;
    post(&app, &t.vnm, "/indicators/KPI-1/targets", &target("VNM")).await;
    post(&app, &t.vnm, "/indicators/KPI-2/targets", &target("VNM")).await;
    post(
        &app,
        &t.secretariat,
        "/observations",
        &observation("KPI-1", "ASEAN", 2026, 81.0),
    )
    .await;
    post(
        &app,
        &t.vnm,
        "/observations",
        &json!({"observations": [
            observation("KPI-1", "VNM", 2026, 53.0),
            observation("KPI-1", "VNM", 2027, 55.0),
            observation("KPI-2", "VNM", 2026, 48.0),
            observation("KPI-2", "VNM", 2027, 45.0),
        ]}),
    )
    .await;
    let mistaken = post(
        &app,
        &t.vnm,
        "/observations",
        &observation("KPI-1", "VNM", 2028, 99.0),
    )
    .await;
    let id = mistaken["id"].as_i64().expect("the observation's id");
    post(
        &app,
        &t.secretariat,
        &format!("/observations/{id}/return"),
        &json!({"reason": "The 2028 survey is not published yet"}),
    )
    .await;
    (app, t)
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    let html = response.text().await.expect("a body");
    assert!(html.contains("Skip to main content"), "{path}: the chrome");
    assert!(!html.contains("<script"), "{path}: no script");
    html
}

/// The text of each cell of the table row `id`, tags left out and spaces collapsed.
fn row(html: &str, id: &str) -> Vec<String> {
    let start = html.find(&format!("<tr id=\"{id}\""));
    assert!(start.is_some(), "no row {id}");
    let start = start.unwrap_or_default();
    let rest = &html[start..];
    let end = rest.find("</tr>").expect("the end of the row");
    let row = &rest[..end];
    row.split("</t")
        .filter_map(|cell| {
            let open = cell.rfind("<th").max(cell.rfind("<td"))?;
            let cell = &cell[open..];
            let mut text = String::new();
            let mut in_tag = false;
            for c in cell.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => in_tag = false,
                    c if !in_tag => text.push(c),
                    _ => {}
                }
            }
            Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
        })
        .collect()
}

#[tokio::test]
async fn the_list_shows_the_worked_example_in_each_scope_and_every_filter_works() {
    let (app, _) = seeded().await;

    let regional = page(&app, &format!("{PAGES}?as_of={AS_OF}")).await;
    assert_eq!(
        row(&regional, "indicator-KPI-1"),
        [
            "KPI-1 Households with broadband access",
            "%",
            "SG1 · People-centred, people-oriented, interconnected community; seamless movement of people, goods, services; shared ASEAN ownership and identity",
            "50.0% (2025)",
            "80.0% (2030)",
            "81.0% (2026)",
            "100.0%",
            "20.0%",
            "✓ Achieved",
        ]
    );
    assert_eq!(row(&regional, "indicator-KPI-2")[8], "– No target");
    assert!(regional.contains("2 of 2 indicators in ASEAN (regional)"));

    let viet_nam = page(&app, &format!("{PAGES}?scope=VNM&as_of={AS_OF}")).await;
    let kpi1 = row(&viet_nam, "indicator-KPI-1");
    assert_eq!(
        kpi1[3..],
        [
            "50.0% (2025)",
            "80.0% (2030)",
            "55.0% (2027)",
            "16.7%",
            "40.0%",
            "→ Needs acceleration",
        ]
    );
    assert_eq!(row(&viet_nam, "indicator-KPI-2")[8], "↘ Regressing");

    // Class, goal and scope together, and each alone.
    let regressing = page(
        &app,
        &format!("{PAGES}?scope=VNM&class=regressing&as_of={AS_OF}"),
    )
    .await;
    assert!(regressing.contains("id=\"indicator-KPI-2\""));
    assert!(!regressing.contains("id=\"indicator-KPI-1\""));
    assert!(regressing.contains("1 of 2 indicators in Viet Nam"));
    let sg1 = page(&app, &format!("{PAGES}?goal=SG1&as_of={AS_OF}")).await;
    assert!(sg1.contains("id=\"indicator-KPI-1\""));
    assert!(!sg1.contains("id=\"indicator-KPI-2\""));
    let none = page(
        &app,
        &format!("{PAGES}?goal=SG1&class=regressing&as_of={AS_OF}"),
    )
    .await;
    assert!(none.contains("No indicator matches these filters"));
    // The chosen values stay chosen in the form.
    assert!(regressing.contains("<option value=\"regressing\" selected>"));
    assert!(regressing.contains("<option value=\"VNM\" selected>"));

    // Validated only: Viet Nam's values still await the Secretariat, so only the baseline
    // counts; ASEAN's were validated on entry.
    let validated = page(
        &app,
        &format!("{PAGES}?scope=VNM&basis=validated&as_of={AS_OF}"),
    )
    .await;
    assert_eq!(
        row(&validated, "indicator-KPI-1")[5..],
        ["50.0% (2025)", "–", "0.0%", "… Insufficient data"]
    );
    let validated_regional = page(&app, &format!("{PAGES}?basis=validated&as_of={AS_OF}")).await;
    assert_eq!(row(&validated_regional, "indicator-KPI-1")[8], "✓ Achieved");

    // In 2026 Viet Nam has the baseline and one value: too few points for a trend.
    let early = page(&app, &format!("{PAGES}?scope=VNM&as_of=2026-12-31")).await;
    assert_eq!(
        row(&early, "indicator-KPI-1")[5..],
        ["53.0% (2026)", "10.0%", "20.0%", "… Insufficient data"]
    );
}

#[tokio::test]
async fn the_indicator_page_shows_the_class_in_every_scope_and_every_observation() {
    let (app, _) = seeded().await;
    let html = page(&app, &format!("{PAGES}/KPI-1?as_of={AS_OF}&trend=VNM")).await;
    assert!(html.contains("<h1>KPI-1 · Households with broadband access</h1>"));
    assert!(html.contains("increase (higher is better)"));
    assert!(html.contains("ASEANstats"));
    assert!(html.contains("/frameworks/ascc-strategic-plan/measures/1.1.2?as_of=2027-12-31"));
    assert_eq!(
        row(&html, "class-VNM"),
        [
            "Viet Nam VNM",
            "50.0% (2025)",
            "80.0% (2030)",
            "55.0% (2027)",
            "16.7%",
            "40.0%",
            "41.0%",
            "→ Needs acceleration",
        ]
    );
    assert_eq!(row(&html, "class-ASEAN")[7], "✓ Achieved");
    assert_eq!(row(&html, "class-THA")[7], "– No target");
    // The trend's points and the fitted value (DESIGN §2b: 62.3 in 2030).
    assert!(html.contains("Trend in Viet Nam"));
    assert!(html.contains("the value in 2030 would be 62.3%"), "{html}");
    // Every observation with who recorded it and its validation; the returned one with its
    // reason.
    assert!(html.contains("by vnm-focal"));
    assert!(html.contains("Awaiting validation"));
    assert!(html.contains("by asec"));
    assert!(html.contains(">Validated<"));
    assert!(html.contains(">Returned<"));
    assert!(html.contains("reason: The 2028 survey is not published yet"));
    assert!(html.contains("99.0%"));
    assert!(html.contains("Observations for Viet Nam"));
    assert!(html.contains("Baseline 50.0% in 2025, target 80.0% in 2030"));
}

#[tokio::test]
async fn the_dashboard_counts_the_classes_and_viet_nams_page_shows_what_is_regressing() {
    let (app, _) = seeded().await;
    let dashboard = page(&app, &format!("/?as_of={AS_OF}")).await;
    assert!(dashboard.contains("The 2 indicators by progress class"));
    let achieved = row(&dashboard, "ascc-strategic-plan-class-achieved");
    assert_eq!(achieved[1..], ["1", "0"]);
    // 11 participants × 2 indicators: Viet Nam's two classes, the rest without a target.
    assert_eq!(
        row(&dashboard, "ascc-strategic-plan-class-regressing")[1..],
        ["0", "1"]
    );
    assert_eq!(
        row(&dashboard, "ascc-strategic-plan-class-needs_acceleration")[1..],
        ["0", "1"]
    );
    assert_eq!(
        row(&dashboard, "ascc-strategic-plan-class-no_target")[1..],
        ["1", "20"]
    );
    // A class's name links to the list filtered by it (`&` escaped in the attribute).
    assert!(
        dashboard.replace("&#38;", "&").contains(
            "/frameworks/ascc-strategic-plan/indicators?class=regressing&as_of=2027-12-31"
        )
    );

    let state = page(
        &app,
        &format!("/states/VNM?framework=ascc-strategic-plan&as_of={AS_OF}"),
    )
    .await;
    let regressing = state
        .split("<h3>Regressing</h3>")
        .nth(1)
        .and_then(|rest| rest.split("</ul>").next())
        .expect("a Regressing list");
    assert!(regressing.contains("KPI-2"), "{regressing}");
    assert!(!regressing.contains("KPI-1"), "{regressing}");
    assert_eq!(
        row(&state, "indicator-KPI-1")[2..],
        ["55.0% (2027)", "16.7%", "40.0%", "→ Needs acceleration"]
    );
    // Another state: nothing regressing there.
    let thailand = page(
        &app,
        &format!("/states/THA?framework=ascc-strategic-plan&as_of={AS_OF}"),
    )
    .await;
    assert!(thailand.contains("No indicator is regressing"));

    // The framework page links to its indicators.
    let framework = page(&app, "/frameworks/ascc-strategic-plan").await;
    assert!(framework.contains("href=\"/frameworks/ascc-strategic-plan/indicators"));
}

#[tokio::test]
async fn unknown_indicators_are_404_pages_and_bad_filters_are_said_so() {
    let (app, _) = seeded().await;
    for path in [
        format!("{PAGES}/NOPE"),
        "/frameworks/nope/indicators".to_owned(),
        format!("{PAGES}?goal=SG99"),
    ] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response
                .text()
                .await
                .expect("a body")
                .contains("<h1>Not found</h1>"),
            "{path}"
        );
    }
    for (path, status) in [
        (format!("{PAGES}?class=great"), 400),
        (format!("{PAGES}?scope=nowhere"), 400),
        (format!("{PAGES}?as_of=soon"), 400),
        // Timor-Leste was not a member in 2024.
        (format!("{PAGES}?scope=TLS&as_of=2024-12-31"), 422),
    ] {
        assert_eq!(app.get(&path).await.status(), status, "{path}");
    }
    // A framework without indicators says so.
    let blueprint = page(&app, "/frameworks/ascc-blueprint-2025/indicators").await;
    assert!(blueprint.contains("No indicator is recorded for the"));
}

#[tokio::test]
async fn the_demo_shows_every_class_in_2030_and_only_the_early_ones_in_2026() {
    let app = TestApp::spawn_with_demo().await;
    let late = page(&app, &format!("{PAGES}?as_of=2030-12-31")).await;
    for class in [
        "✓ Achieved",
        "↗ On track",
        "→ Needs acceleration",
        "≈ Stagnating",
        "↘ Regressing",
    ] {
        assert!(
            late.contains(&format!("\">{class}</span></td>")),
            "2030 lacks {class}"
        );
    }
    assert!(late.contains("24 of 24 indicators"));
    let early = page(&app, &format!("{PAGES}?as_of=2026-12-31")).await;
    assert!(!early.contains("\">↘ Regressing</span></td>"));
    let indicator = page(&app, &format!("{PAGES}/DEMO-SG1-1?as_of=2030-12-31")).await;
    assert!(indicator.contains("id=\"class-TLS\""));
    let dashboard = page(&app, "/?as_of=2030-12-31").await;
    assert!(dashboard.contains("The 24 indicators by progress class"));
}

/// The raw answer of a chart's address: its status, media type and body.
async fn chart(app: &TestApp, path: &str) -> (u16, String, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    let media = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, media, response.text().await.expect("a body"))
}

#[tokio::test]
async fn the_pages_show_the_snapshot_the_class_matrix_and_the_trend_drawn_from_the_figures() {
    let (app, _) = seeded().await;
    let fw = "/frameworks/ascc-strategic-plan";

    // The dashboard's goal snapshot.
    let dashboard = page(&app, &format!("/?as_of={AS_OF}")).await;
    let snapshot = format!("{fw}/indicator-snapshot.svg?as_of={AS_OF}");
    assert!(
        dashboard.contains(&format!("src=\"{snapshot}\"")),
        "{dashboard}"
    );
    let (status, media, svg) = chart(&app, &snapshot).await;
    assert_eq!((status, media.as_str()), (200, "image/svg+xml"));
    for text in [
        "Indicators: current status against expected",
        "Expected by 2027",
        "SG1",
        "SG12",
        "Mean of member states",
    ] {
        assert!(svg.contains(text), "snapshot: {text}");
    }

    // The list's class matrix: ASEAN met KPI-1's target; Viet Nam needs to accelerate on it
    // and regresses on KPI-2, which has no regional target.
    let list = page(&app, &format!("{PAGES}?as_of={AS_OF}")).await;
    let matrix = format!("{fw}/indicator-classes.svg?as_of={AS_OF}");
    assert!(list.contains(&format!("src=\"{matrix}\"")));
    let (status, media, svg) = chart(&app, &matrix).await;
    assert_eq!((status, media.as_str()), (200, "image/svg+xml"));
    for text in ["KPI-1", "KPI-2", "ASEAN", "VNM", "ACH", "ACC", "NT"] {
        assert!(svg.contains(&format!(">\n{text}\n<")), "matrix: {text}");
    }

    // Viet Nam's trend of KPI-1 on the indicator page.
    let detail = page(&app, &format!("{PAGES}/KPI-1?as_of={AS_OF}&trend=VNM")).await;
    let trend = format!("{PAGES}/KPI-1/trend.svg?scope=VNM&as_of={AS_OF}");
    // (the `&` of the address is escaped in the page's attribute)
    assert!(
        detail.contains(&format!("src=\"{}\"", trend.replace('&', "&#38;"))),
        "{detail}"
    );
    let (status, media, svg) = chart(&app, &trend).await;
    assert_eq!((status, media.as_str()), (200, "image/svg+xml"));
    for text in [
        "KPI-1 Households with broadband access",
        "Viet Nam",
        "Baseline 2025: 50.0%",
        "Target 2030: 80.0%",
        "Needs acceleration",
    ] {
        assert!(svg.contains(text), "trend: {text}");
    }
    // Without a regional target there is no trend to draw, and no chart on the page.
    let no_target = page(&app, &format!("{PAGES}/KPI-2?as_of={AS_OF}")).await;
    assert!(!no_target.contains("trend.svg"));

    // Bad addresses are problems, not pictures.
    let (status, media, _) = chart(
        &app,
        &format!("{fw}/indicator-snapshot.svg?as_of=31/12/2027"),
    )
    .await;
    assert_eq!((status, media.as_str()), (400, "application/problem+json"));
    let (status, _, _) = chart(&app, &format!("{PAGES}/NOPE/trend.svg")).await;
    assert_eq!(status, 404);
    // Viet Nam's page: its own snapshot beside the mean of the states.
    let vietnam = page(
        &app,
        &format!("/states/VNM?framework=ascc-strategic-plan&as_of={AS_OF}"),
    )
    .await;
    let own = format!("{fw}/indicator-snapshot.svg?scope=VNM&as_of={AS_OF}&basis=reported");
    assert!(
        vietnam.contains(&format!("src=\"{}\"", own.replace('&', "&#38;"))),
        "{vietnam}"
    );
    let (status, media, svg) = chart(&app, &own).await;
    assert_eq!((status, media.as_str()), (200, "image/svg+xml"));
    assert!(svg.contains("Viet Nam") && svg.contains("Mean of member states"));
    let (status, _, _) = chart(&app, &format!("{fw}/indicator-snapshot.svg?scope=XYZ")).await;
    assert_eq!(status, 404, "not a participant");

    let (status, _, _) = chart(&app, &format!("{PAGES}/KPI-1/trend.svg?scope=XYZ")).await;
    assert_eq!(status, 404, "no such participant");
    let (status, _, _) = chart(&app, &format!("{PAGES}/KPI-1/trend.svg?scope=asean-ish")).await;
    assert_eq!(status, 400);
}
