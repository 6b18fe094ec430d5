//! Progress, comparison and timeline over HTTP (DESIGN.md §2 and §3): the figures of the demo
//! data against a count made here by hand from what `/measures/{code}/status` lists, exact
//! figures on small scenarios recorded through the API, participants, freshness across two
//! servers on one database, timeline dates, and bad queries.

use std::collections::BTreeMap;

use chrono::{Datelike, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::support::{TestApp, assert_problem, error_fields};

const PLAN: &str = "ascc-strategic-plan";
const BLUEPRINT: &str = "ascc-blueprint-2025";

/// The members of a rate object, as DESIGN.md §3 lists them (with the rule's name).
const RATE_FIELDS: [&str; 11] = [
    "rule",
    "measures",
    "applicable",
    "completed",
    "ongoing",
    "not_started",
    "not_applicable",
    "progress_points",
    "completion_rate",
    "implementation_rate",
    "progress_index",
];

fn path(fw: &str, what: &str, query: &str) -> String {
    format!("/api/v1/frameworks/{fw}/{what}?{query}")
}

/// A value as it arrives after a trip through JSON text, so that a fraction computed here
/// compares exactly with the one the server computed from the same counts.
fn as_sent(value: &Value) -> Value {
    serde_json::from_str(&value.to_string()).unwrap()
}

/// The rate members of an object of an answer (`overall`, a node row, a state, a point…).
fn rate_in(object: &Value) -> Value {
    Value::Object(
        RATE_FIELDS
            .iter()
            .map(|&field| (field.to_owned(), object[field].clone()))
            .collect(),
    )
}

/// The rows of a progress answer: (node code, its rate members).
fn rows_in(progress: &Value) -> Vec<(String, Value)> {
    progress["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["code"].as_str().unwrap().to_owned(), rate_in(row)))
        .collect()
}

/// `n / d` as JSON: `null` when `d` is 0.
fn fraction(n: u64, d: u64) -> Value {
    if d == 0 {
        Value::Null
    } else {
        json!(n as f64 / d as f64)
    }
}

/// The rate object expected for exact counts: (measures, applicable, completed, ongoing,
/// not_started, not_applicable, progress_points). The checks that the counts add up catch a
/// typo in a test's expectation.
fn rate(rule: &str, counts: (u64, u64, u64, u64, u64, u64, u64)) -> Value {
    let (measures, applicable, completed, ongoing, not_started, not_applicable, points) = counts;
    assert_eq!(applicable, completed + ongoing + not_started, "{counts:?}");
    assert_eq!(measures, applicable + not_applicable, "{counts:?}");
    as_sent(&json!({
        "rule": rule,
        "measures": measures,
        "applicable": applicable,
        "completed": completed,
        "ongoing": ongoing,
        "not_started": not_started,
        "not_applicable": not_applicable,
        "progress_points": points,
        "completion_rate": fraction(completed, applicable),
        "implementation_rate": fraction(completed + ongoing, applicable),
        "progress_index": fraction(points, applicable * 100),
    }))
}

/// Today in UTC+9, the day the server takes as today.
fn today_in_asean() -> NaiveDate {
    Utc::now()
        .with_timezone(&FixedOffset::east_opt(9 * 3600).unwrap())
        .date_naive()
}

fn date(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// The last day of every calendar quarter from `from` to `to`, then `to` when it is not one.
fn quarter_ends(from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut dates: Vec<NaiveDate> = from
        .iter_days()
        .take_while(|d| *d <= to)
        .filter(|d| {
            let next = d.succ_opt().unwrap();
            next.day() == 1 && next.month0() % 3 == 0
        })
        .collect();
    if dates.last() != Some(&to) {
        dates.push(to);
    }
    dates.iter().map(ToString::to_string).collect()
}

async fn record_ok(app: &TestApp, token: &str, body: Value) -> Value {
    let response = app.record(token, &body).await;
    assert_eq!(response.status(), 201, "record {body}");
    response.json().await.unwrap()
}

/// Reports in the Strategic Plan, all recorded in one bulk: (measure, scope, status, progress,
/// effective date).
async fn record_all(app: &TestApp, token: &str, reports: &[(&str, &str, &str, Option<u8>, &str)]) {
    let reports: Vec<Value> = reports
        .iter()
        .map(|(measure, scope, status, progress, effective_date)| {
            json!({"measure": measure, "scope": scope, "status": status,
                   "progress": progress, "effective_date": effective_date})
        })
        .collect();
    record_ok(app, token, json!({ "reports": reports })).await;
}

// ---------------------------------------------------------------------------------------------
// The hand count: statuses as `/measures/{code}/status` lists them, counted here.

/// A status, in the order of how advanced it is (`not_applicable` is never compared).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    NotStarted,
    Ongoing,
    Completed,
    NotApplicable,
}

/// A measure's status in one scope.
#[derive(Debug, Clone, Copy)]
struct Cell {
    status: Status,
    progress: Option<u64>,
}

impl Cell {
    /// DESIGN.md §2, in hundredths: not_started 0, ongoing its percent (50 without), completed 100.
    fn points(&self) -> u64 {
        match self.status {
            Status::Ongoing => self.progress.unwrap_or(50),
            Status::Completed => 100,
            Status::NotStarted | Status::NotApplicable => 0,
        }
    }
}

/// Measures counted by status.
#[derive(Debug, Clone, Copy, Default)]
struct Count {
    not_started: u64,
    ongoing: u64,
    completed: u64,
    not_applicable: u64,
    points: u64,
}

impl Count {
    fn add(&mut self, cell: &Cell) {
        match cell.status {
            Status::NotStarted => self.not_started += 1,
            Status::Ongoing => self.ongoing += 1,
            Status::Completed => self.completed += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
        self.points += cell.points();
    }

    fn applicable(&self) -> u64 {
        self.not_started + self.ongoing + self.completed
    }

    fn rate(&self, rule: &str) -> Value {
        rate(
            rule,
            (
                self.applicable() + self.not_applicable,
                self.applicable(),
                self.completed,
                self.ongoing,
                self.not_started,
                self.not_applicable,
                self.points,
            ),
        )
    }

    fn completion(&self) -> Option<f64> {
        (self.applicable() > 0).then(|| self.completed as f64 / self.applicable() as f64)
    }

    fn implementation(&self) -> Option<f64> {
        (self.applicable() > 0)
            .then(|| (self.completed + self.ongoing) as f64 / self.applicable() as f64)
    }

    fn progress(&self) -> Option<f64> {
        (self.applicable() > 0).then(|| self.points as f64 / (self.applicable() * 100) as f64)
    }
}

struct ListedMeasure {
    /// The ancestors' codes from the top level down, then the measure's own code: the node it
    /// is rolled up under at depth `d` is `path[d]`.
    path: Vec<String>,
    /// Status by scope (`ASEAN` and every participant).
    cells: BTreeMap<String, Cell>,
}

impl ListedMeasure {
    fn is_under(&self, node: &str) -> bool {
        self.path.iter().any(|code| code == node)
    }
}

/// Every measure of a framework with its status in `ASEAN` and in every participant as of a
/// date, read one measure at a time from `/measures/{code}/status`.
struct Listed {
    /// The participants, as listed after `ASEAN`.
    states: Vec<String>,
    measures: Vec<ListedMeasure>,
}

async fn listed(app: &TestApp, fw: &str, as_of: &str) -> Listed {
    let catalogue = app
        .get_json(&format!("/api/v1/frameworks/{fw}/measures"))
        .await;
    let mut states = None;
    let mut measures = Vec::new();
    for measure in catalogue["measures"].as_array().unwrap() {
        let code = measure["code"].as_str().unwrap();
        let status = app
            .get_json(&path(
                fw,
                &format!("measures/{code}/status"),
                &format!("as_of={as_of}"),
            ))
            .await;
        let scopes = status["scopes"].as_array().unwrap();
        let listed_states: Vec<String> = scopes
            .iter()
            .skip(1)
            .map(|s| s["scope"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(scopes[0]["scope"], "ASEAN");
        assert_eq!(
            states.get_or_insert_with(|| listed_states.clone()),
            &listed_states
        );
        let mut path: Vec<String> = measure["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_owned())
            .collect();
        path.push(code.to_owned());
        let cells = scopes
            .iter()
            .map(|s| {
                let cell = Cell {
                    status: serde_json::from_value(s["status"].clone()).unwrap(),
                    progress: s["progress"].as_u64(),
                };
                (s["scope"].as_str().unwrap().to_owned(), cell)
            })
            .collect();
        measures.push(ListedMeasure { path, cells });
    }
    Listed {
        states: states.unwrap(),
        measures,
    }
}

impl Listed {
    fn under<'a>(&'a self, node: Option<&'a str>) -> impl Iterator<Item = &'a ListedMeasure> {
        self.measures
            .iter()
            .filter(move |m| node.is_none_or(|n| m.is_under(n)))
    }

    /// One scope's statuses over the measures under `node` (all when `None`).
    fn count(&self, scope: &str, node: Option<&str>) -> Count {
        let mut count = Count::default();
        for measure in self.under(node) {
            count.add(&measure.cells[scope]);
        }
        count
    }

    /// Per measure, the least advanced status among the participants for which it is
    /// applicable (`not_applicable` when it is applicable to none).
    fn weakest_link(&self, node: Option<&str>) -> Count {
        let mut count = Count::default();
        for measure in self.under(node) {
            let weakest = self
                .states
                .iter()
                .map(|s| &measure.cells[s])
                .filter(|c| c.status != Status::NotApplicable)
                .min_by_key(|c| (c.status, c.points()))
                .copied()
                .unwrap_or(Cell {
                    status: Status::NotApplicable,
                    progress: None,
                });
            count.add(&weakest);
        }
        count
    }

    /// Every (participant, measure) cell pooled.
    fn cells(&self, node: Option<&str>) -> Count {
        let mut count = Count::default();
        for measure in self.under(node) {
            for state in &self.states {
                count.add(&measure.cells[state]);
            }
        }
        count
    }

    /// The unweighted mean of the participants' rates, leaving out those with nothing applicable.
    fn mean_of_states(&self, node: Option<&str>) -> Value {
        let counts: Vec<Count> = self
            .states
            .iter()
            .map(|s| self.count(s, node))
            .filter(|c| c.applicable() > 0)
            .collect();
        let n = counts.len();
        let mean = |rate: fn(&Count) -> Option<f64>| -> Value {
            if n == 0 {
                return Value::Null;
            }
            let sum = counts.iter().fold(0.0, |sum, c| sum + rate(c).unwrap());
            json!(sum / n as f64)
        };
        as_sent(&json!({
            "rule": "mean_of_states",
            "completion_rate": mean(Count::completion),
            "implementation_rate": mean(Count::implementation),
            "progress_index": mean(Count::progress),
            "states": n,
        }))
    }

    /// The expected rows: each node of `rows` with the measures under it (and under `node`).
    fn rows(
        &self,
        scope: &str,
        rule: &str,
        rows: &[String],
        node: Option<&str>,
    ) -> Vec<(String, Value)> {
        rows.iter()
            .map(|row| {
                let mut count = Count::default();
                for measure in self.under(node).filter(|m| m.is_under(row)) {
                    count.add(&measure.cells[scope]);
                }
                (row.clone(), count.rate(rule))
            })
            .collect()
    }
}

/// The codes of the nodes at `depth` of a framework's tree (under `node` if given), in tree
/// order.
fn codes_at(tree: &Value, depth: usize, node: Option<&str>) -> Vec<String> {
    fn walk(nodes: &Value, depth: usize, inside: bool, node: Option<&str>, out: &mut Vec<String>) {
        for n in nodes.as_array().unwrap() {
            let code = n["code"].as_str().unwrap();
            let inside = inside || node.is_none_or(|wanted| wanted == code);
            if depth == 0 {
                if inside {
                    out.push(code.to_owned());
                }
            } else {
                walk(&n["children"], depth - 1, inside, node, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&tree["nodes"], depth, false, node, &mut out);
    out
}

/// Checks `/progress` and `/compare` as of `as_of` against the hand count: `ASEAN` and `state`
/// at the top and second levels, the subtree of `node`, and every rule of the comparison.
async fn check_against_hand_count(app: &TestApp, fw: &str, as_of: &str, state: &str, node: &str) {
    let tree = app.get_json(&format!("/api/v1/frameworks/{fw}")).await;
    let levels: Vec<&str> = tree["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    let participants = app
        .get_json(&path(fw, "participants", &format!("as_of={as_of}")))
        .await;
    let hand = listed(app, fw, as_of).await;

    let participant_codes: Vec<String> = participants["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(hand.states, participant_codes);
    for (scope, rule) in [("ASEAN", "regional"), (state, "scope")] {
        for (depth, level) in levels.iter().take(2).enumerate() {
            let query = format!("as_of={as_of}&scope={scope}&level={level}");
            let progress = app.get_json(&path(fw, "progress", &query)).await;

            let what = format!("{fw} as of {as_of} in {scope} by {level}");
            assert_eq!(progress["scope"], scope, "{what}");
            assert_eq!(progress["level"], *level, "{what}");
            assert_eq!(
                rate_in(&progress["overall"]),
                hand.count(scope, None).rate(rule),
                "{what}"
            );
            assert_eq!(
                rows_in(&progress),
                hand.rows(scope, rule, &codes_at(&tree, depth, None), None),
                "{what}"
            );
            if depth > 0 {
                let within = app
                    .get_json(&path(fw, "progress", &format!("{query}&node={node}")))
                    .await;
                assert_eq!(
                    rate_in(&within["overall"]),
                    hand.count(scope, Some(node)).rate(rule),
                    "{what} under {node}"
                );
                assert_eq!(
                    rows_in(&within),
                    hand.rows(scope, rule, &codes_at(&tree, depth, Some(node)), Some(node)),
                    "{what} under {node}"
                );
            }
        }
    }
    let top = app
        .get_json(&path(fw, "progress", &format!("as_of={as_of}")))
        .await;
    assert_eq!(top["scope"], "ASEAN", "ASEAN by default");
    assert_eq!(top["level"], levels[0], "the top level by default");
    assert_eq!(
        rows_in(&top),
        hand.rows("ASEAN", "regional", &codes_at(&tree, 0, None), None)
    );

    for node in [None, Some(node)] {
        let query = node.map_or(format!("as_of={as_of}"), |n| {
            format!("as_of={as_of}&node={n}")
        });
        let compare = app.get_json(&path(fw, "compare", &query)).await;

        let what = format!("{fw} compared as of {as_of} under {node:?}");
        let states: Vec<(String, Value)> = compare["states"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["state"].as_str().unwrap().to_owned(), rate_in(s)))
            .collect();
        let expected: Vec<(String, Value)> = hand
            .states
            .iter()
            .map(|s| (s.clone(), hand.count(s, node).rate("scope")))
            .collect();
        assert_eq!(states, expected, "{what}");
        assert_eq!(
            rate_in(&compare["all_states"]),
            hand.weakest_link(node).rate("all_states"),
            "{what}"
        );
        assert_eq!(
            compare["mean_of_states"],
            hand.mean_of_states(node),
            "{what}"
        );
        assert_eq!(
            rate_in(&compare["cells"]),
            hand.cells(node).rate("cells"),
            "{what}"
        );
        assert_eq!(
            rate_in(&compare["regional"]),
            hand.count("ASEAN", node).rate("regional"),
            "{what}"
        );
    }
}

#[tokio::test]
async fn the_plans_figures_on_the_demo_data_match_a_hand_count_of_every_measures_status() {
    let app = TestApp::spawn_with_demo().await;

    for as_of in ["2026-03-31", "2026-08-15"] {
        check_against_hand_count(&app, PLAN, as_of, "VNM", "SG4").await;
    }

    // The demo data make the check meaningful: statuses of every kind but `completed` occur
    // (the demo completes nothing in the Plan's first three quarters; the Blueprint has some).
    let hand = listed(&app, PLAN, "2026-08-15").await.cells(None);
    assert!(hand.ongoing > 0 && hand.not_started > 0, "{hand:?}");
    assert!(hand.not_applicable > 0, "{hand:?}");
}

#[tokio::test]
async fn the_blueprints_figures_on_the_demo_data_match_a_hand_count_of_every_measures_status() {
    let app = TestApp::spawn_with_demo().await;

    for as_of in ["2020-12-31", "2025-08-15"] {
        check_against_hand_count(&app, BLUEPRINT, as_of, "IDN", "C").await;
    }

    // Characteristic A holds none of the 9 measures known: its rates are null, never 0.
    let progress = app
        .get_json(&path(BLUEPRINT, "progress", "as_of=2025-08-15"))
        .await;
    assert_eq!(
        rows_in(&progress)[0],
        ("A".to_owned(), rate("regional", (0, 0, 0, 0, 0, 0, 0)))
    );
    let hand = listed(&app, BLUEPRINT, "2020-12-31").await.cells(None);
    assert!(
        hand.completed > 0 && hand.ongoing > 0 && hand.not_started > 0,
        "{hand:?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Exact figures on small scenarios recorded through the API.

/// A few regional reports under SG1 (1.1: 12 measures, 1.2: 6 measures).
async fn record_sg1_scenario(app: &TestApp, token: &str) {
    record_all(
        app,
        token,
        &[
            ("1.1.1", "ASEAN", "completed", None, "2026-03-31"),
            ("1.1.2", "ASEAN", "ongoing", Some(40), "2026-03-31"),
            ("1.1.3", "ASEAN", "ongoing", None, "2026-03-31"),
            ("1.1.4", "ASEAN", "not_applicable", None, "2026-03-31"),
            ("1.2.1", "ASEAN", "completed", None, "2026-05-31"),
            ("1.2.2", "ASEAN", "not_started", None, "2026-03-31"),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_few_reports_under_sg1_give_exact_completion_implementation_and_progress() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    record_sg1_scenario(&app, &t.secretariat).await;

    let sg1 = app
        .get_json(&path(PLAN, "progress", "as_of=2026-06-30&node=SG1"))
        .await;
    let before_1_2_1 = app
        .get_json(&path(PLAN, "progress", "as_of=2026-04-30&node=SG1"))
        .await;
    let whole = app
        .get_json(&path(PLAN, "progress", "as_of=2026-06-30"))
        .await;

    // 18 measures, 1.1.4 not applicable; 1.1.1 and 1.2.1 completed; 1.1.2 at 40%, 1.1.3 at the
    // default 50%; progress points 100 + 40 + 50 + 100.
    let expected = rate("regional", (18, 17, 2, 2, 13, 1, 290));
    assert_eq!(rate_in(&sg1["overall"]), expected);
    assert_eq!(expected["completion_rate"], as_sent(&json!(2.0 / 17.0)));
    assert_eq!(expected["implementation_rate"], as_sent(&json!(4.0 / 17.0)));
    assert_eq!(expected["progress_index"], as_sent(&json!(290.0 / 1700.0)));
    assert_eq!(sg1["framework"], PLAN);
    assert_eq!(sg1["as_of"], "2026-06-30");
    assert_eq!(sg1["scope"], "ASEAN");
    assert_eq!(sg1["level"], "goal");
    assert_eq!(sg1["node"], "SG1");
    assert_eq!(rows_in(&sg1), [("SG1".to_owned(), expected)]);
    assert_eq!(
        rate_in(&before_1_2_1["overall"]),
        rate("regional", (18, 17, 1, 2, 14, 1, 190)),
        "1.2.1 is effective from 2026-05-31"
    );
    assert_eq!(
        rate_in(&whole["overall"]),
        rate("regional", (112, 111, 2, 2, 107, 1, 290))
    );
    let goals = rows_in(&whole);
    assert_eq!(goals.len(), 12);
    assert_eq!(
        goals[0],
        (
            "SG1".to_owned(),
            rate("regional", (18, 17, 2, 2, 13, 1, 290))
        )
    );
    for (code, row) in &goals[1..] {
        // Nothing reported: every measure applicable and not started, 0 and never null.
        assert_eq!(row["completed"], 0, "{code}");
        assert_eq!(row["applicable"], row["measures"], "{code}");
        assert_eq!(row["completion_rate"], 0.0, "{code}");
        assert_eq!(row["implementation_rate"], 0.0, "{code}");
        assert_eq!(row["progress_index"], 0.0, "{code}");
    }
}

#[tokio::test]
async fn level_objective_gives_a_row_per_objective_and_node_keeps_only_its_subtree() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    record_sg1_scenario(&app, &t.secretariat).await;

    let objectives = app
        .get_json(&path(
            PLAN,
            "progress",
            "as_of=2026-06-30&node=SG1&level=objective",
        ))
        .await;
    let objective_1_1 = app
        .get_json(&path(
            PLAN,
            "progress",
            "as_of=2026-06-30&node=1.1&level=objective",
        ))
        .await;
    let measures_1_1 = app
        .get_json(&path(
            PLAN,
            "progress",
            "as_of=2026-06-30&node=1.1&level=measure",
        ))
        .await;
    let all_objectives = app
        .get_json(&path(PLAN, "progress", "as_of=2026-06-30&level=OBJECTIVE"))
        .await;

    let row_1_1 = rate("regional", (12, 11, 1, 2, 8, 1, 190));
    let row_1_2 = rate("regional", (6, 6, 1, 0, 5, 0, 100));
    assert_eq!(objectives["level"], "objective");
    assert_eq!(
        rows_in(&objectives),
        [
            ("1.1".to_owned(), row_1_1.clone()),
            ("1.2".to_owned(), row_1_2.clone())
        ]
    );
    assert_eq!(rate_in(&objective_1_1["overall"]), row_1_1);
    assert_eq!(rows_in(&objective_1_1), [("1.1".to_owned(), row_1_1)]);
    let by_measure = rows_in(&measures_1_1);
    let codes: Vec<&str> = by_measure.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        codes,
        [
            "1.1.1", "1.1.2", "1.1.3", "1.1.4", "1.1.5", "1.1.6", "1.1.7", "1.1.8", "1.1.9",
            "1.1.10", "1.1.11", "1.1.12"
        ]
    );
    assert_eq!(by_measure[0].1, rate("regional", (1, 1, 1, 0, 0, 0, 100)));
    assert_eq!(by_measure[1].1, rate("regional", (1, 1, 0, 1, 0, 0, 40)));
    assert_eq!(by_measure[1].1["progress_index"], 0.4);
    assert_eq!(
        by_measure[2].1["progress_index"], 0.5,
        "ongoing without a percent"
    );
    assert_eq!(by_measure[4].1, rate("regional", (1, 1, 0, 0, 1, 0, 0)));
    assert_eq!(measures_1_1["nodes"][1]["level"], "measure");
    assert_eq!(
        all_objectives["level"], "objective",
        "level names in any case"
    );
    assert_eq!(rows_in(&all_objectives).len(), 16);
    assert_eq!(rows_in(&all_objectives)[1], ("1.2".to_owned(), row_1_2));
}

#[tokio::test]
async fn not_applicable_leaves_the_denominator_and_nothing_applicable_gives_null_rates() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    record_all(
        &app,
        &t.secretariat,
        &[
            ("1.1.1", "ASEAN", "completed", None, "2026-03-31"),
            ("1.1.4", "ASEAN", "not_applicable", None, "2026-03-31"),
        ],
    )
    .await;
    let before = app
        .get_json(&path(PLAN, "progress", "as_of=2026-03-31&node=1.1"))
        .await;
    record_ok(
        &app,
        &t.secretariat,
        json!({"measure":"1.1.5","scope":"ASEAN","status":"not_applicable",
               "effective_date":"2026-03-31"}),
    )
    .await;

    let after = app
        .get_json(&path(PLAN, "progress", "as_of=2026-03-31&node=1.1"))
        .await;
    let lone = app
        .get_json(&path(PLAN, "progress", "as_of=2026-03-31&node=1.1.4"))
        .await;
    // A sectoral body that leads no measure (no lead bodies are shipped): an empty set.
    let body = app
        .get_json(&path(PLAN, "progress", "as_of=2026-03-31&body=AMCA"))
        .await;

    assert_eq!(
        rate_in(&before["overall"]),
        rate("regional", (12, 11, 1, 0, 10, 1, 100))
    );
    assert_eq!(
        rate_in(&after["overall"]),
        rate("regional", (12, 10, 1, 0, 9, 2, 100))
    );
    assert_eq!(
        after["overall"]["completion_rate"], 0.1,
        "1 of 10, not 1 of 12"
    );
    let null_rates = rate("regional", (1, 0, 0, 0, 0, 1, 0));
    assert_eq!(rate_in(&lone["overall"]), null_rates);
    assert!(null_rates["completion_rate"].is_null());
    assert!(null_rates["implementation_rate"].is_null() && null_rates["progress_index"].is_null());
    assert_eq!(body["body"], "AMCA");
    assert_eq!(
        rate_in(&body["overall"]),
        rate("regional", (0, 0, 0, 0, 0, 0, 0))
    );
}

#[tokio::test]
async fn known_at_reproduces_the_figures_published_before_a_correction() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    record_all(
        &app,
        &t.secretariat,
        &[
            ("1.1.1", "ASEAN", "completed", None, "2026-03-31"),
            ("1.1.2", "ASEAN", "ongoing", Some(40), "2026-03-31"),
        ],
    )
    .await;
    let published = app
        .get_json(&path(
            PLAN,
            "progress",
            "as_of=2026-06-30&node=1.1&level=measure",
        ))
        .await;
    let known_at = Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true);
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    record_all(
        &app,
        &t.secretariat,
        &[
            // a correction for the same effective date, and a back-dated report
            ("1.1.2", "ASEAN", "completed", None, "2026-03-31"),
            ("1.1.3", "ASEAN", "ongoing", Some(20), "2026-02-28"),
        ],
    )
    .await;

    let query = "as_of=2026-06-30&node=1.1&level=measure";
    let now = app.get_json(&path(PLAN, "progress", query)).await;
    let reproduced = app
        .get_json(&path(
            PLAN,
            "progress",
            &format!("{query}&known_at={known_at}"),
        ))
        .await;
    let compared = app
        .get_json(&path(
            PLAN,
            "compare",
            &format!("as_of=2026-06-30&node=1.1&known_at={known_at}"),
        ))
        .await;
    let timeline = app
        .get_json(&path(
            PLAN,
            "timeline",
            &format!("from=2026-01-01&to=2026-06-30&node=1.1&known_at={known_at}"),
        ))
        .await;
    let before_anything = app
        .get_json(&path(
            PLAN,
            "progress",
            &format!("{query}&known_at=2026-01-01"),
        ))
        .await;

    let then = rate("regional", (12, 12, 1, 1, 10, 0, 140));
    assert_eq!(rate_in(&published["overall"]), then);
    assert_eq!(
        rate_in(&now["overall"]),
        rate("regional", (12, 12, 2, 1, 9, 0, 220))
    );
    assert_eq!(rate_in(&reproduced["overall"]), then);
    assert_eq!(reproduced["nodes"], published["nodes"], "row by row");
    assert_eq!(reproduced["known_at"], known_at.as_str());
    assert_eq!(rate_in(&compared["regional"]), then);
    let points: Vec<(String, Value)> = timeline["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["date"].as_str().unwrap().to_owned(), rate_in(p)))
        .collect();
    assert_eq!(
        points,
        [
            ("2026-03-31".to_owned(), then.clone()),
            ("2026-06-30".to_owned(), then.clone())
        ],
        "the back-dated 1.1.3 was not known then"
    );
    assert_eq!(
        rate_in(&before_anything["overall"]),
        rate("regional", (12, 12, 0, 0, 12, 0, 0))
    );
}

#[tokio::test]
async fn each_rule_of_the_comparison_gives_its_own_exact_figures_for_the_states_named() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    // Objective 1.2 holds 1.2.1 to 1.2.6.
    record_all(
        &app,
        &t.secretariat,
        &[
            ("1.2.1", "VNM", "completed", None, "2026-03-31"),
            ("1.2.2", "VNM", "completed", None, "2026-03-31"),
            ("1.2.3", "VNM", "ongoing", Some(40), "2026-03-31"),
            ("1.2.4", "VNM", "not_applicable", None, "2026-03-31"),
            ("1.2.1", "THA", "completed", None, "2026-03-31"),
            ("1.2.2", "THA", "ongoing", None, "2026-03-31"),
            ("1.2.3", "THA", "not_applicable", None, "2026-03-31"),
            ("1.2.4", "THA", "not_applicable", None, "2026-03-31"),
            ("1.2.5", "THA", "completed", None, "2026-03-31"),
            ("1.2.1", "ASEAN", "completed", None, "2026-03-31"),
        ],
    )
    .await;

    let two = app
        .get_json(&path(
            PLAN,
            "compare",
            "as_of=2026-06-30&node=1.2&states=VNM,THA",
        ))
        .await;
    let all = app
        .get_json(&path(PLAN, "compare", "as_of=2026-06-30&node=1.2"))
        .await;
    let vnm = app
        .get_json(&path(
            PLAN,
            "progress",
            "as_of=2026-06-30&node=1.2&scope=VNM",
        ))
        .await;

    // THA: 1.2.1, 1.2.5 completed; 1.2.2 ongoing (50); 1.2.6 not started; two not applicable.
    // VNM: 1.2.1, 1.2.2 completed; 1.2.3 ongoing 40%; 1.2.5, 1.2.6 not started; one n/a.
    let states: Vec<(String, Value)> = two["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["state"].as_str().unwrap().to_owned(), rate_in(s)))
        .collect();
    assert_eq!(
        states,
        [
            ("THA".to_owned(), rate("scope", (6, 4, 2, 1, 1, 2, 250))),
            ("VNM".to_owned(), rate("scope", (6, 5, 2, 1, 2, 1, 240))),
        ]
    );
    // Weakest link: 1.2.1 completed; 1.2.2 ongoing 50 (THA); 1.2.3 ongoing 40 (VNM, n/a in
    // THA); 1.2.4 n/a in both; 1.2.5 not started (VNM); 1.2.6 not started.
    assert_eq!(
        rate_in(&two["all_states"]),
        rate("all_states", (6, 5, 1, 2, 2, 1, 190))
    );
    assert_eq!(
        two["mean_of_states"],
        as_sent(&json!({"rule": "mean_of_states", "states": 2,
            "completion_rate": (2.0 / 4.0 + 2.0 / 5.0) / 2.0,
            "implementation_rate": (3.0 / 4.0 + 3.0 / 5.0) / 2.0,
            "progress_index": (250.0 / 400.0 + 240.0 / 500.0) / 2.0}))
    );
    assert_eq!(two["mean_of_states"]["completion_rate"], 0.45);
    assert_eq!(
        rate_in(&two["cells"]),
        rate("cells", (12, 9, 4, 2, 3, 3, 490))
    );
    assert_eq!(
        rate_in(&two["regional"]),
        rate("regional", (6, 6, 1, 0, 5, 0, 100))
    );
    assert_eq!(
        rate_in(&vnm["overall"]),
        rate("scope", (6, 5, 2, 1, 2, 1, 240))
    );

    // Over all 11 participants, the nine that reported nothing hold every measure back.
    assert_eq!(all["states"].as_array().unwrap().len(), 11);
    assert_eq!(
        rate_in(&all["all_states"]),
        rate("all_states", (6, 6, 0, 0, 6, 0, 0))
    );
    assert_eq!(
        rate_in(&all["cells"]),
        rate("cells", (66, 63, 4, 2, 57, 3, 490))
    );
    assert_eq!(all["mean_of_states"]["states"], 11);
    assert_eq!(
        all["mean_of_states"]["completion_rate"],
        as_sent(&json!((0.5 + 0.4) / 11.0)),
        "THA 2/4 and VNM 2/5 among nine zeros"
    );
}

// ---------------------------------------------------------------------------------------------
// Participants.

fn state_codes(compare: &Value) -> Vec<String> {
    compare["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_blueprint_compares_ten_states_without_timor_leste_and_the_plan_eleven_with_it() {
    let app = TestApp::spawn().await;

    let blueprint = app
        .get_json(&path(BLUEPRINT, "compare", "as_of=2025-06-30"))
        .await;
    let blueprint_today = app.get_json(&path(BLUEPRINT, "compare", "")).await;
    let plan = app
        .get_json(&path(PLAN, "compare", "as_of=2026-06-30"))
        .await;

    let ten = [
        "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM",
    ];
    assert_eq!(state_codes(&blueprint), ten);
    assert_eq!(state_codes(&blueprint_today), ten, "after its end too");
    let mut eleven = ten.map(str::to_owned).to_vec();
    eleven.push("TLS".to_owned());
    eleven.sort();
    assert_eq!(state_codes(&plan), eleven);
    assert_eq!(
        rate_in(&blueprint["cells"]),
        rate("cells", (90, 90, 0, 0, 90, 0, 0))
    );
    assert_eq!(
        rate_in(&plan["cells"]),
        rate("cells", (1232, 1232, 0, 0, 1232, 0, 0))
    );
}

#[tokio::test]
async fn timor_leste_is_not_a_scope_of_the_blueprint() {
    let app = TestApp::spawn().await;

    let progress = app
        .get(&path(BLUEPRINT, "progress", "as_of=2025-12-31&scope=TLS"))
        .await;
    let timeline = app.get(&path(BLUEPRINT, "timeline", "scope=TLS")).await;
    let compare = app
        .get(&path(
            BLUEPRINT,
            "compare",
            "as_of=2025-12-31&states=VNM,TLS",
        ))
        .await;
    let in_the_plan = app
        .get_json(&path(PLAN, "progress", "as_of=2026-06-30&scope=TLS"))
        .await;

    for response in [progress, timeline, compare] {
        let problem = assert_problem(response, 422, "validation_failed").await;
        assert_eq!(error_fields(&problem), ["scope"], "{problem}");
    }
    assert_eq!(in_the_plan["scope"], "TLS");
    assert_eq!(
        rate_in(&in_the_plan["overall"]),
        rate("scope", (112, 112, 0, 0, 112, 0, 0))
    );
}

#[tokio::test]
async fn states_restricts_the_comparison_to_the_states_named() {
    let app = TestApp::spawn_with_demo().await;

    let two = app
        .get_json(&path(PLAN, "compare", "as_of=2026-08-15&states=VNM,THA"))
        .await;
    let vnm = app
        .get_json(&path(PLAN, "progress", "as_of=2026-08-15&scope=VNM"))
        .await;
    let tha = app
        .get_json(&path(PLAN, "progress", "as_of=2026-08-15&scope=THA"))
        .await;

    assert_eq!(state_codes(&two), ["THA", "VNM"]);
    assert_eq!(rate_in(&two["states"][0]), rate_in(&tha["overall"]));
    assert_eq!(rate_in(&two["states"][1]), rate_in(&vnm["overall"]));
    let pooled = |field: &str| {
        tha["overall"][field].as_u64().unwrap() + vnm["overall"][field].as_u64().unwrap()
    };
    assert_eq!(two["cells"]["measures"], 224);
    for field in [
        "applicable",
        "completed",
        "ongoing",
        "not_started",
        "progress_points",
    ] {
        assert_eq!(two["cells"][field], pooled(field), "{field}");
    }
    assert_eq!(two["mean_of_states"]["states"], 2);
}

// ---------------------------------------------------------------------------------------------
// Freshness: a write is seen by the next read, on this server and on another one.

#[tokio::test]
async fn a_write_is_visible_in_the_next_read() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let query = "as_of=2026-06-30&node=1.1";
    let empty = app.get_json(&path(PLAN, "progress", query)).await;

    record_ok(
        &app,
        &t.vnm,
        json!({"measure":"1.1.1","scope":"VNM","status":"completed","effective_date":"2026-03-31"}),
    )
    .await;
    let vnm = app
        .get_json(&path(PLAN, "progress", &format!("{query}&scope=VNM")))
        .await;
    record_ok(
        &app,
        &t.secretariat,
        json!({"measure":"1.1.1","scope":"ASEAN","status":"ongoing","progress":30,
               "effective_date":"2026-03-31"}),
    )
    .await;
    let regional = app.get_json(&path(PLAN, "progress", query)).await;
    let compare = app.get_json(&path(PLAN, "compare", query)).await;

    assert_eq!(
        rate_in(&empty["overall"]),
        rate("regional", (12, 12, 0, 0, 12, 0, 0))
    );
    assert_eq!(
        rate_in(&vnm["overall"]),
        rate("scope", (12, 12, 1, 0, 11, 0, 100))
    );
    assert_eq!(
        rate_in(&regional["overall"]),
        rate("regional", (12, 12, 0, 1, 11, 0, 30))
    );
    assert_eq!(
        rate_in(&compare["cells"]),
        rate("cells", (132, 132, 1, 0, 131, 0, 100))
    );
    assert_eq!(rate_in(&compare["regional"]), rate_in(&regional["overall"]));
}

#[tokio::test]
async fn a_second_server_on_the_same_database_never_serves_stale_figures() {
    let a = TestApp::spawn_with_demo().await;
    let b = TestApp::spawn_on(&a.database_url).await;
    let t = a.tokens().await;
    // After the demo's last date, so that no demo report shares the effective date.
    let query = "as_of=2026-10-31&node=1.1.1";
    let whole = "as_of=2026-10-31";
    let timeline = "from=2026-07-01&to=2026-10-31&node=1.1.1";
    // Warm server B's figures.
    b.get_json(&path(PLAN, "progress", query)).await;
    b.get_json(&path(PLAN, "compare", query)).await;
    b.get_json(&path(PLAN, "timeline", timeline)).await;

    let writes = [
        (
            &a,
            json!({"status":"ongoing","progress":10}),
            rate("regional", (1, 1, 0, 1, 0, 0, 10)),
        ),
        (
            &a,
            json!({"status":"ongoing","progress":20}),
            rate("regional", (1, 1, 0, 1, 0, 0, 20)),
        ),
        (
            &b,
            json!({"status":"not_applicable"}),
            rate("regional", (1, 0, 0, 0, 0, 1, 0)),
        ),
        (
            &a,
            json!({"status":"completed"}),
            rate("regional", (1, 1, 1, 0, 0, 0, 100)),
        ),
    ];
    for (round, (writer, status, expected)) in writes.into_iter().enumerate() {
        let reader = if std::ptr::eq(writer, &a) { &b } else { &a };
        let mut body = json!({"measure":"1.1.1","scope":"ASEAN","effective_date":"2026-10-31"});
        body.as_object_mut()
            .unwrap()
            .extend(status.as_object().unwrap().clone());
        let whole_before = reader.get_json(&path(PLAN, "progress", whole)).await;

        record_ok(writer, &t.secretariat, body).await;
        let progress = reader.get_json(&path(PLAN, "progress", query)).await;
        let compare = reader.get_json(&path(PLAN, "compare", query)).await;
        let points = reader.get_json(&path(PLAN, "timeline", timeline)).await;
        let whole_after = reader.get_json(&path(PLAN, "progress", whole)).await;
        let whole_at_writer = writer.get_json(&path(PLAN, "progress", whole)).await;

        assert_eq!(rate_in(&progress["overall"]), expected, "round {round}");
        assert_eq!(rate_in(&compare["regional"]), expected, "round {round}");
        assert_eq!(rate_in(&points["points"][1]), expected, "round {round}");
        assert_eq!(points["points"][1]["date"], "2026-10-31");
        assert_ne!(
            whole_after["overall"], whole_before["overall"],
            "round {round}"
        );
        assert_eq!(whole_after, whole_at_writer, "round {round}");
    }
}

// ---------------------------------------------------------------------------------------------
// Timelines.

fn point_dates(timeline: &Value) -> Vec<String> {
    timeline["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["date"].as_str().unwrap().to_owned())
        .collect()
}

/// Every point of a timeline equals `/progress` at its date with the same `extra` parameters.
async fn assert_points_equal_progress(app: &TestApp, fw: &str, timeline: &Value, extra: &str) {
    for point in timeline["points"].as_array().unwrap() {
        let at = point["date"].as_str().unwrap();
        let progress = app
            .get_json(&path(fw, "progress", &format!("as_of={at}{extra}")))
            .await;
        assert_eq!(
            rate_in(point),
            rate_in(&progress["overall"]),
            "{fw} at {at}{extra}"
        );
    }
}

#[tokio::test]
async fn a_timeline_takes_quarter_ends_from_the_framework_start_by_default() {
    let app = TestApp::spawn_with_demo().await;
    let today_before = today_in_asean();

    let plan = app.get_json(&path(PLAN, "timeline", "")).await;
    let today_after = today_in_asean();

    assert_eq!(plan["framework"], PLAN);
    assert_eq!(plan["every"], "quarter");
    assert_eq!(plan["from"], "2026-01-01");
    assert_eq!(plan["scope"], "ASEAN");
    let today = [today_before, today_after]
        .into_iter()
        .find(|d| plan["to"] == d.to_string())
        .unwrap_or_else(|| panic!("`to` is today: {}", plan["to"]));
    assert_eq!(point_dates(&plan), quarter_ends(date("2026-01-01"), today));
    assert_points_equal_progress(&app, PLAN, &plan, "").await;
}

#[tokio::test]
async fn timeline_points_are_the_period_ends_and_to_and_equal_progress_at_each_date() {
    let app = TestApp::spawn_with_demo().await;

    let vnm = app
        .get_json(&path(
            BLUEPRINT,
            "timeline",
            "scope=VNM&node=C&to=2020-08-15",
        ))
        .await;
    let yearly = app
        .get_json(&path(BLUEPRINT, "timeline", "every=year"))
        .await;
    let monthly = app
        .get_json(&path(
            PLAN,
            "timeline",
            "every=month&from=2026-01-15&to=2026-03-31&scope=THA",
        ))
        .await;
    let to_a_quarter_end = app
        .get_json(&path(PLAN, "timeline", "to=2026-06-30&level=objective"))
        .await;

    let dates = point_dates(&vnm);
    assert_eq!(
        dates.len(),
        19,
        "18 quarter ends from 2016 to June 2020, and `to`"
    );
    assert_eq!(dates, quarter_ends(date("2016-01-01"), date("2020-08-15")));
    assert_eq!(dates[0], "2016-03-31");
    assert_eq!(dates[17], "2020-06-30");
    assert_eq!(dates[18], "2020-08-15");
    assert_eq!(vnm["scope"], "VNM");
    assert_eq!(vnm["points"][0]["rule"], "scope");
    assert_points_equal_progress(&app, BLUEPRINT, &vnm, "&scope=VNM&node=C").await;

    assert_eq!(yearly["every"], "year");
    assert_eq!(
        yearly["to"], "2025-12-31",
        "the framework's end when today is later"
    );
    let years: Vec<String> = (2016..=2025).map(|y| format!("{y}-12-31")).collect();
    assert_eq!(point_dates(&yearly), years);
    assert_points_equal_progress(&app, BLUEPRINT, &yearly, "").await;

    assert_eq!(
        point_dates(&monthly),
        ["2026-01-31", "2026-02-28", "2026-03-31"]
    );
    assert_points_equal_progress(&app, PLAN, &monthly, "&scope=THA").await;

    assert_eq!(point_dates(&to_a_quarter_end), ["2026-03-31", "2026-06-30"]);
}

// ---------------------------------------------------------------------------------------------
// Bad queries.

/// (framework, figure, query, status, problem code, fields named in `errors`).
type BadQuery = (
    &'static str,
    &'static str,
    &'static str,
    u16,
    &'static str,
    &'static [&'static str],
);

#[tokio::test]
async fn bad_figure_queries_are_answered_with_4xx_problems_naming_the_parameter() {
    let app = TestApp::spawn().await;
    let cases: Vec<BadQuery> = vec![
        (
            PLAN,
            "progress",
            "as_of=2026-02-30",
            400,
            "invalid_query",
            &["as_of"],
        ),
        (
            PLAN,
            "compare",
            "as_of=30/06/2026",
            400,
            "invalid_query",
            &["as_of"],
        ),
        (
            PLAN,
            "progress",
            "known_at=yesterday",
            400,
            "invalid_query",
            &["known_at"],
        ),
        (
            PLAN,
            "timeline",
            "from=2026-1-1x",
            400,
            "invalid_query",
            &["from"],
        ),
        (PLAN, "timeline", "to=soon", 400, "invalid_query", &["to"]),
        (
            PLAN,
            "progress",
            "scope=asia",
            400,
            "invalid_query",
            &["scope"],
        ),
        (
            PLAN,
            "timeline",
            "scope=EUROPE",
            400,
            "invalid_query",
            &["scope"],
        ),
        (
            PLAN,
            "compare",
            "states=VNM,V1",
            400,
            "invalid_query",
            &["states"],
        ),
        (
            PLAN,
            "compare",
            "states=,",
            400,
            "invalid_query",
            &["states"],
        ),
        // Only `to` given, before the start: the problem names `to`, not the default `from`.
        // Well-formed dates that make no span are 422 (the description's formats hold).
        (
            PLAN,
            "timeline",
            "to=2025-06-30",
            422,
            "validation_failed",
            &["to"],
        ),
        // An empty or repeated parameter is refused, never read as absent.
        (PLAN, "progress", "as_of=", 400, "invalid_query", &["as_of"]),
        (
            PLAN,
            "compare",
            "known_at=%20",
            400,
            "invalid_query",
            &["known_at"],
        ),
        (
            PLAN,
            "timeline",
            "to=2026-06-30&to=2026-09-30",
            400,
            "invalid_query",
            &["to"],
        ),
        // A level of another framework: 422; no framework's level: 400.
        (
            PLAN,
            "progress",
            "level=characteristic",
            422,
            "validation_failed",
            &["level"],
        ),
        (PLAN, "progress", "scope=FRA", 404, "unknown_state", &[]),
        (PLAN, "timeline", "scope=FRA", 404, "unknown_state", &[]),
        (PLAN, "compare", "states=VNM,FRA", 404, "unknown_state", &[]),
        (
            "ascc-blueprint-2045",
            "progress",
            "",
            404,
            "unknown_framework",
            &[],
        ),
        (
            "ascc-blueprint-2045",
            "compare",
            "",
            404,
            "unknown_framework",
            &[],
        ),
        (
            "ascc-blueprint-2045",
            "timeline",
            "",
            404,
            "unknown_framework",
            &[],
        ),
        (PLAN, "progress", "node=SG99", 404, "unknown_node", &[]),
        (PLAN, "compare", "node=C.2", 404, "unknown_node", &[]),
        (PLAN, "timeline", "body=NOPE", 404, "unknown_body", &[]),
        (
            PLAN,
            "progress",
            "level=chapter",
            400,
            "invalid_query",
            &["level"],
        ),
        (
            PLAN,
            "timeline",
            "from=2026-06-30&to=2026-03-31",
            422,
            "validation_failed",
            &["from"],
        ),
        (
            PLAN,
            "timeline",
            "from=1900-01-01&to=2035-12-31&every=month",
            422,
            "validation_failed",
            &["every"],
        ),
        (
            PLAN,
            "timeline",
            "every=fortnight",
            400,
            "invalid_query",
            &["every"],
        ),
        (
            BLUEPRINT,
            "compare",
            "level=goal",
            422,
            "validation_failed",
            &["level"],
        ),
    ];

    for (fw, what, query, status, code, fields) in cases {
        let response = app.get(&path(fw, what, query)).await;
        assert_eq!(response.status(), status, "{what}?{query}");
        let problem = assert_problem(response, status, code).await;
        if !fields.is_empty() {
            assert_eq!(error_fields(&problem), fields, "{what}?{query}: {problem}");
        }
    }
}

#[tokio::test]
async fn a_timeline_of_exactly_1000_points_is_answered() {
    let app = TestApp::spawn().await;
    // 1,000 month ends: January 1943 to April 2026 (no participant then: ASEAN scope only).
    let most = app
        .get_json(&path(
            PLAN,
            "timeline",
            "from=1943-01-01&to=2026-04-30&every=month",
        ))
        .await;
    let one_more = app
        .get(&path(
            PLAN,
            "timeline",
            "from=1942-12-01&to=2026-04-30&every=month",
        ))
        .await;

    assert_eq!(most["points"].as_array().unwrap().len(), 1000);
    assert_problem(one_more, 422, "validation_failed").await;
}

/// Runs `blueprint-tracker progress …` on the app's database; returns stdout.
fn cli_progress(app: &TestApp, args: &[&str]) -> String {
    let mut all = vec!["progress"];
    all.extend_from_slice(args);
    crate::support::run_cli(&app.database_url, &all)
}

#[tokio::test]
async fn the_cli_prints_the_same_figures_as_the_api() {
    let app = TestApp::spawn_with_demo().await;
    let args = [
        "--framework",
        "ascc-blueprint-2025",
        "--as-of",
        "2020-12-31",
        "--scope",
        "IDN",
        "--level",
        "element",
    ];
    let api = app
        .get_json(
            "/api/v1/frameworks/ascc-blueprint-2025/progress?as_of=2020-12-31&scope=IDN&level=element",
        )
        .await;

    let json: Value = serde_json::from_str(&cli_progress(
        &app,
        &[&args[..], &["--format", "json"]].concat(),
    ))
    .unwrap();
    let table = cli_progress(&app, &args);
    let csv = cli_progress(&app, &[&args[..], &["--format", "csv"]].concat());

    assert_eq!(json, api);
    let overall = &api["overall"];
    let count = |k: &str| overall[k].as_u64().unwrap();
    let percent = |n: u64, d: u64| blueprint_tracker::engine::percent(n, d).unwrap();
    let overall_line = table
        .lines()
        .find(|l| l.starts_with("overall"))
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let expected = format!(
        "overall all measures selected {} {} {} {} {} {} {} {} {} {}",
        count("measures"),
        count("applicable"),
        count("completed"),
        count("ongoing"),
        count("not_started"),
        count("unreported"),
        count("not_applicable"),
        percent(count("completed"), count("applicable")),
        percent(count("completed") + count("ongoing"), count("applicable")),
        percent(count("progress_points"), count("applicable") * 100),
    );
    assert_eq!(overall_line, expected);
    assert!(table.starts_with("ascc-blueprint-2025 — IDN as of 2020-12-31 (rule: scope)"));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 2 + api["nodes"].as_array().unwrap().len());
    assert!(rows[1].starts_with("ascc-blueprint-2025,2020-12-31,IDN,scope,overall,,"));
}
