//! Table-driven scenarios with figures worked out by hand, and property tests, for the engine
//! (DESIGN.md §2). Tests only: the hand computation of every expected figure sits beside it.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use proptest::prelude::*;

use super::{
    At, Cell, Every, Outline, Progress, Rate, Rule, SelectError, Selection, StatusIndex, Tally,
    compare, percent, percent_of, period_ends, progress, timeline,
};
use crate::domain::{
    Node, Participation, ReportFact, Scope, StateCode, Status, participants_as_of,
};

// ---------------------------------------------------------------------------------------------
// Building scenarios

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

fn code(s: &str) -> StateCode {
    s.parse().expect("a member state code")
}

fn scope(s: &str) -> Scope {
    s.parse().expect("a scope")
}

fn codes(states: &[&str]) -> Vec<StateCode> {
    states.iter().map(|s| code(s)).collect()
}

/// `"completed"`, `"ongoing"`, `"ongoing:40"`, `"not_started"`, `"not_applicable"` → the status
/// and its percent.
fn st(word: &str) -> (Status, Option<u8>) {
    match word.split_once(':') {
        Some((status, pct)) => (
            status.parse().expect("a status"),
            Some(pct.parse().expect("a percent")),
        ),
        None => (word.parse().expect("a status"), None),
    }
}

const BLUEPRINT_LEVELS: [&str; 3] = ["characteristic", "element", "measure"];
const PLAN_LEVELS: [&str; 3] = ["goal", "objective", "measure"];

/// An outline from rows `(code, parent code or "", lead bodies separated by spaces)`, parents
/// first: the depth follows the parent chain, the measures are the nodes at the last level, and
/// the ids are 1, 2, … in row order.
fn tree<S: AsRef<str>>(levels: &[&str], rows: &[(S, S, S)]) -> Outline {
    let last = u16::try_from(levels.len() - 1).expect("few levels");
    let mut depth_of: HashMap<&str, u16> = HashMap::new();
    let mut nodes = Vec::with_capacity(rows.len());
    for (i, (code, parent, bodies)) in rows.iter().enumerate() {
        let (code, parent) = (code.as_ref(), parent.as_ref());
        let depth = if parent.is_empty() {
            0
        } else {
            depth_of[parent] + 1
        };
        depth_of.insert(code, depth);
        nodes.push(Node {
            id: i32::try_from(i + 1).expect("few nodes"),
            code: code.to_owned(),
            parent: (!parent.is_empty()).then(|| parent.to_owned()),
            level: levels[usize::from(depth)].to_owned(),
            depth,
            title: format!("Node {code}"),
            note: None,
            is_measure: depth == last,
            lead_bodies: bodies
                .as_ref()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        });
    }
    Outline::new(levels.iter().map(|l| (*l).to_owned()).collect(), &nodes)
}

/// A small tree shaped like the Blueprint 2025 (characteristic / element / measure), with six
/// measures, an element without measures (B.2) and a characteristic without anything (C):
///
/// ```text
/// A ── A.1 ── A.1.1 (SOMHD), A.1.2 (SOMHD, SOMY)
///   └─ A.2 ── A.2.1 (SOMY)
/// B ── B.1 ── B.1.1 (ACW), B.1.2 (ACW), B.1.3 (SOMHD)
///   └─ B.2
/// C
/// ```
fn blueprint_like() -> Outline {
    tree(
        &BLUEPRINT_LEVELS,
        &[
            ("A", "", ""),
            ("A.1", "A", ""),
            ("A.1.1", "A.1", "SOMHD"),
            ("A.1.2", "A.1", "SOMHD SOMY"),
            ("A.2", "A", ""),
            ("A.2.1", "A.2", "SOMY"),
            ("B", "", ""),
            ("B.1", "B", ""),
            ("B.1.1", "B.1", "ACW"),
            ("B.1.2", "B.1", "ACW"),
            ("B.1.3", "B.1", "SOMHD"),
            ("B.2", "B", ""),
            ("C", "", ""),
        ],
    )
}

/// One characteristic, one element, five measures X.1.1 … X.1.5.
fn five_measures() -> Outline {
    tree(
        &BLUEPRINT_LEVELS,
        &[
            ("X", "", ""),
            ("X.1", "X", ""),
            ("X.1.1", "X.1", ""),
            ("X.1.2", "X.1", ""),
            ("X.1.3", "X.1", ""),
            ("X.1.4", "X.1", ""),
            ("X.1.5", "X.1", ""),
        ],
    )
}

/// A framework's tree with the reports recorded so far (ids 1, 2, … in recording order).
struct Book {
    outline: Outline,
    facts: Vec<ReportFact>,
}

impl Book {
    fn new(outline: Outline) -> Self {
        Self {
            outline,
            facts: Vec::new(),
        }
    }

    fn measure_id(&self, measure: &str) -> i32 {
        self.outline.nodes[self.outline.find(measure).expect("a node of the tree")].id
    }

    /// Records `status` (`"ongoing:40"`, …) for `measure` in `scope`, effective on `effective`,
    /// recorded at `recorded`, with the next id.
    fn record(
        &mut self,
        measure: &str,
        scope_code: &str,
        status: &str,
        effective: &str,
        recorded: &str,
    ) -> &mut Self {
        let (status, progress) = st(status);
        let fact = ReportFact {
            id: i64::try_from(self.facts.len() + 1).expect("few reports"),
            measure_id: self.measure_id(measure),
            scope: scope(scope_code),
            status,
            progress,
            effective_date: d(effective),
            recorded_at: t(recorded),
        };
        self.facts.push(fact);
        self
    }

    fn index(&self) -> StatusIndex {
        index_of(&self.facts)
    }

    fn select(&self, node: Option<&str>, body: Option<&str>, level: Option<&str>) -> Selection {
        self.outline
            .select(node, body, level)
            .expect("a known node and level")
    }

    /// `progress` over the whole tree rolled up at `level`, for `scope_code`.
    fn progress(&self, level: Option<&str>, scope_code: &str, at: At) -> Progress {
        progress(
            &self.outline,
            &self.select(None, None, level),
            &self.index(),
            &scope(scope_code),
            at,
        )
    }
}

/// An index holding `facts` in its settled tier (as the service leaves it after a load).
fn index_of<'a>(facts: impl IntoIterator<Item = &'a ReportFact>) -> StatusIndex {
    let mut index = recent_index_of(facts);
    index.merge();
    index
}

/// An index holding `facts` in its recent tier only (as after a few writes).
fn recent_index_of<'a>(facts: impl IntoIterator<Item = &'a ReportFact>) -> StatusIndex {
    let mut index = StatusIndex::default();
    index.extend(facts);
    index
}

fn on(as_of: &str) -> At {
    At::on(d(as_of))
}

fn known(as_of: &str, known_at: &str) -> At {
    At {
        as_of: d(as_of),
        known_at: Some(t(known_at)),
    }
}

// ---------------------------------------------------------------------------------------------
// Reading figures

/// A rate's counts and rates, in the order a reader checks them.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Figures {
    measures: u64,
    applicable: u64,
    completed: u64,
    ongoing: u64,
    not_started: u64,
    not_applicable: u64,
    points: u64,
    completion: Option<f64>,
    implementation: Option<f64>,
    progress_index: Option<f64>,
}

fn figures(r: &Rate) -> Figures {
    Figures {
        measures: r.measures,
        applicable: r.applicable,
        completed: r.completed,
        ongoing: r.ongoing,
        not_started: r.not_started,
        not_applicable: r.not_applicable,
        points: r.progress_points,
        completion: r.completion_rate,
        implementation: r.implementation_rate,
        progress_index: r.progress_index,
    }
}

/// Figures computed by hand: the counts `[completed, ongoing, not_started, not_applicable]`,
/// the progress points, and the rates `[completion, implementation, progress index]`.
fn hand(counts: [u64; 4], points: u64, rates: [Option<f64>; 3]) -> Figures {
    let [completed, ongoing, not_started, not_applicable] = counts;
    let [completion, implementation, progress_index] = rates;
    Figures {
        measures: completed + ongoing + not_started + not_applicable,
        applicable: completed + ongoing + not_started,
        completed,
        ongoing,
        not_started,
        not_applicable,
        points,
        completion,
        implementation,
        progress_index,
    }
}

/// The fraction `n / d`: one correctly rounded division, as exact as a float can be, so the
/// engine's figure must equal it bit for bit.
fn q(n: u64, d: u64) -> Option<f64> {
    // test counts are tiny, far below 2^53: the conversions are exact
    Some(n as f64 / d as f64)
}

/// The rates of a set with nothing applicable: no figure at all, never 0 and never NaN.
const NO_RATE: [Option<f64>; 3] = [None, None, None];

/// The expected rows of a rollup: (node code, figures), in tree order.
type Rows<'a> = &'a [(&'a str, Figures)];

/// Asserts the rows of a rollup: their codes in tree order, and their figures.
fn assert_rows(progress: &Progress, expected: Rows<'_>, case: &str) {
    let codes: Vec<&str> = progress.nodes.iter().map(|n| n.code.as_str()).collect();
    let expected_codes: Vec<&str> = expected.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, expected_codes, "{case}: rows");
    for (row, (code, want)) in progress.nodes.iter().zip(expected) {
        assert_eq!(figures(&row.rate), *want, "{case}: row {code}");
    }
}

// ---------------------------------------------------------------------------------------------
// The as-of rule: ties, corrections, known_at

#[test]
fn a_tie_on_the_effective_date_goes_to_the_report_recorded_last_then_to_the_greater_id() {
    // (case, reports on A.1.1 for VNM as (id, status, effective date, recorded at), as of,
    // the status in force)
    type Report = (i64, &'static str, &'static str, &'static str);
    let cases: &[(&str, &[Report], &str, &str)] = &[
        (
            "recorded last wins although its id is smaller",
            &[
                (1, "ongoing", "2026-03-31", "2026-04-02T09:00:00Z"),
                (2, "completed", "2026-03-31", "2026-04-01T09:00:00Z"),
            ],
            "2026-03-31",
            "ongoing",
        ),
        (
            "recorded in the same instant: the greater id wins",
            &[
                (1, "ongoing:40", "2026-03-31", "2026-04-01T09:00:00Z"),
                (2, "completed", "2026-03-31", "2026-04-01T09:00:00Z"),
            ],
            "2026-03-31",
            "completed",
        ),
        (
            "same instant, the greater id given first: it still wins",
            &[
                (7, "not_started", "2026-03-31", "2026-04-01T09:00:00Z"),
                (3, "ongoing:40", "2026-03-31", "2026-04-01T09:00:00Z"),
            ],
            "2026-06-30",
            "not_started",
        ),
        (
            "four on one date: the last instant (12:00: ids 2 and 3), then the greater id (3)",
            &[
                (1, "completed", "2026-03-31", "2026-04-01T10:00:00Z"),
                (2, "ongoing:10", "2026-03-31", "2026-04-01T12:00:00Z"),
                (3, "ongoing:90", "2026-03-31", "2026-04-01T12:00:00Z"),
                (4, "not_started", "2026-03-31", "2026-04-01T11:00:00Z"),
            ],
            "2026-03-31",
            "ongoing:90",
        ),
        (
            "a later effective date beats a later recording",
            &[
                (1, "completed", "2026-06-30", "2026-07-01T00:00:00Z"),
                (2, "ongoing", "2026-03-31", "2026-08-01T00:00:00Z"),
            ],
            "2026-06-30",
            "completed",
        ),
        (
            "the back-dated report holds from its date until the next effective date",
            &[
                (1, "completed", "2026-06-30", "2026-07-01T00:00:00Z"),
                (2, "ongoing", "2026-03-31", "2026-08-01T00:00:00Z"),
            ],
            "2026-05-31",
            "ongoing",
        ),
        (
            "nothing is in force the day before the first effective date",
            &[(1, "completed", "2026-03-31", "2026-04-01T00:00:00Z")],
            "2026-03-30",
            "not_started",
        ),
    ];
    let outline = blueprint_like();
    let measure = outline.nodes[outline.find("A.1.1").expect("A.1.1")].id;
    let selection = outline.select(Some("A.1.1"), None, None).expect("A.1.1");
    for &(case, reports, as_of, expected) in cases {
        let facts: Vec<ReportFact> = reports
            .iter()
            .map(|&(id, status, effective, recorded)| {
                let (status, progress) = st(status);
                ReportFact {
                    id,
                    measure_id: measure,
                    scope: scope("VNM"),
                    status,
                    progress,
                    effective_date: d(effective),
                    recorded_at: t(recorded),
                }
            })
            .collect();
        let (status, pct) = st(expected);
        // The expected figure of the one-measure set: that one status counted.
        let mut one = Tally::default();
        one.add(status, pct);
        // Fed in the order given and in the reverse order: the same answer.
        for facts in [facts.clone(), facts.iter().rev().cloned().collect()] {
            let index = index_of(&facts);

            let cell = index.cell(
                index.measure_row(measure),
                index.scope_slot(&scope("VNM")),
                on(as_of),
            );
            let figure = progress(&outline, &selection, &index, &scope("VNM"), on(as_of));

            assert_eq!((cell.status, cell.progress), (status, pct), "{case}");
            assert_eq!(
                figures(&figure.overall),
                figures(&one.rate(Rule::Scope)),
                "{case}"
            );
        }
    }
}

/// Viet Nam's reports on the blueprint-like tree. Three reports for 31 March recorded on
/// 5 April (published on 15 April); a correction of A.1.2 for 31 March recorded on 10 June;
/// A.1.1 completed on 30 June, recorded on 2 July.
fn corrected_book() -> Book {
    let mut book = Book::new(blueprint_like());
    book.record(
        "A.1.1",
        "VNM",
        "ongoing",
        "2026-03-31",
        "2026-04-05T08:00:00Z",
    )
    .record(
        "A.1.2",
        "VNM",
        "completed",
        "2026-03-31",
        "2026-04-05T08:00:00Z",
    )
    .record(
        "A.2.1",
        "VNM",
        "ongoing:40",
        "2026-03-31",
        "2026-04-05T08:00:00Z",
    )
    // the correction: A.1.2 was not complete on 31 March after all
    .record(
        "A.1.2",
        "VNM",
        "ongoing:60",
        "2026-03-31",
        "2026-06-10T08:00:00Z",
    )
    .record(
        "A.1.1",
        "VNM",
        "completed",
        "2026-06-30",
        "2026-07-02T08:00:00Z",
    );
    book
}

#[test]
fn a_correction_recorded_later_replaces_the_earlier_status() {
    let book = corrected_book();
    // (as of, overall, row A.1 of the element rollup)
    let cases = [
        (
            // A.1.1 ongoing (50) + A.1.2 ongoing 60 (the correction, not the completed report)
            // + A.2.1 ongoing 40; B.1.1–B.1.3 not_started: 150 points over 6 measures.
            "2026-03-31",
            hand([0, 3, 3, 0], 150, [q(0, 6), q(3, 6), q(150, 600)]),
            // A.1: 50 + 60 = 110 over 2
            hand([0, 2, 0, 0], 110, [q(0, 2), q(2, 2), q(110, 200)]),
        ),
        (
            // nothing new effective in April: the same as on 31 March
            "2026-04-30",
            hand([0, 3, 3, 0], 150, [q(0, 6), q(3, 6), q(150, 600)]),
            hand([0, 2, 0, 0], 110, [q(0, 2), q(2, 2), q(110, 200)]),
        ),
        (
            // A.1.1 completed (100) + A.1.2 ongoing 60 + A.2.1 ongoing 40 = 200 over 6
            "2026-06-30",
            hand([1, 2, 3, 0], 200, [q(1, 6), q(3, 6), q(200, 600)]),
            // A.1: 100 + 60 = 160 over 2
            hand([1, 1, 0, 0], 160, [q(1, 2), q(2, 2), q(160, 200)]),
        ),
    ];
    for (as_of, overall, row) in cases {
        let p = book.progress(Some("element"), "VNM", on(as_of));

        assert_eq!(figures(&p.overall), overall, "as of {as_of}");
        assert_eq!(p.nodes[0].code, "A.1");
        assert_eq!(figures(&p.nodes[0].rate), row, "A.1 as of {as_of}");
    }
}

#[test]
fn known_at_reproduces_the_figures_published_before_a_correction() {
    let book = corrected_book();
    let published = hand([1, 2, 3, 0], 190, [q(1, 6), q(3, 6), q(190, 600)]);
    let corrected = hand([0, 3, 3, 0], 150, [q(0, 6), q(3, 6), q(150, 600)]);
    // (as of, known at, overall for VNM)
    let cases = [
        // a microsecond before the first recording: nothing known, all 6 not_started
        (
            "2026-03-31",
            "2026-04-05T07:59:59.999999Z",
            hand([0, 0, 6, 0], 0, [q(0, 6), q(0, 6), q(0, 600)]),
        ),
        // recorded exactly at known_at counts ("at or before"): A.1.1 ongoing 50, A.1.2
        // completed 100, A.2.1 ongoing 40 = 190 over 6
        ("2026-03-31", "2026-04-05T08:00:00Z", published),
        // the publication of 15 April
        ("2026-03-31", "2026-04-15T00:00:00Z", published),
        // a second before the correction was recorded
        ("2026-03-31", "2026-06-10T07:59:59Z", published),
        // the correction is known: A.1.2 ongoing 60 → 50 + 60 + 40 = 150
        ("2026-03-31", "2026-06-10T08:00:00Z", corrected),
        // as of 30 June but before A.1.1's completion was recorded (2 July): still 150
        ("2026-06-30", "2026-06-30T23:59:59Z", corrected),
        // once recorded: 100 + 60 + 40 = 200
        (
            "2026-06-30",
            "2026-07-02T08:00:00Z",
            hand([1, 2, 3, 0], 200, [q(1, 6), q(3, 6), q(200, 600)]),
        ),
    ];
    for (as_of, known_at, expected) in cases {
        let p = book.progress(None, "VNM", known(as_of, known_at));

        assert_eq!(
            figures(&p.overall),
            expected,
            "as of {as_of}, known at {known_at}"
        );
    }

    // Exactly the publication: what the index held on 15 April (reports 1–3), computed then,
    // equals what the full index gives today with known_at = 15 April, row for row.
    let outline = &book.outline;
    let selection = book.select(None, None, Some("element"));
    let then = index_of(&book.facts[..3]);
    let today = book.index();
    let vnm = scope("VNM");
    let at_publication = known("2026-03-31", "2026-04-15T00:00:00Z");

    let original = progress(outline, &selection, &then, &vnm, on("2026-03-31"));
    let reproduced = progress(outline, &selection, &today, &vnm, at_publication);
    let original_comparison = compare(
        outline,
        &selection,
        &then,
        &codes(&["VNM"]),
        on("2026-03-31"),
    );
    let reproduced_comparison = compare(
        outline,
        &selection,
        &today,
        &codes(&["VNM"]),
        at_publication,
    );
    let points = timeline(
        outline,
        &selection,
        &today,
        &vnm,
        &[d("2026-03-31"), d("2026-06-30")],
        at_publication.known_at,
    );

    assert_eq!(figures(&reproduced.overall), published);
    assert_eq!(figures(&original.overall), figures(&reproduced.overall));
    assert_eq!(original.nodes.len(), reproduced.nodes.len());
    for (a, b) in original.nodes.iter().zip(&reproduced.nodes) {
        assert_eq!((&a.code, figures(&a.rate)), (&b.code, figures(&b.rate)));
    }
    assert_eq!(
        serde_json::to_value(&original_comparison).expect("json"),
        serde_json::to_value(&reproduced_comparison).expect("json")
    );
    // Nothing recorded by 15 April was effective after 31 March: 190 at both dates.
    assert_eq!(figures(&points[0].rate), published);
    assert_eq!(figures(&points[1].rate), published);
}

// ---------------------------------------------------------------------------------------------
// not_applicable, empty sets, states without reports

#[test]
fn not_applicable_measures_leave_the_denominator() {
    let mut book = Book::new(blueprint_like());
    let (eff, rec) = ("2026-03-31", "2026-04-01T00:00:00Z");
    book.record("A.1.1", "VNM", "completed", eff, rec)
        .record("A.1.2", "VNM", "not_applicable", eff, rec)
        .record("A.2.1", "VNM", "not_applicable", eff, rec)
        .record("B.1.1", "VNM", "ongoing", eff, rec)
        .record("B.1.2", "VNM", "not_started", eff, rec);
    // B.1.3 has no report: not_started.

    let p = book.progress(Some("characteristic"), "VNM", on("2026-12-31"));

    // 6 measures, 2 not applicable → 4 applicable: A.1.1 completed (100), B.1.1 ongoing (50),
    // B.1.2 and B.1.3 not_started: 1/4, 2/4, 150/400.
    assert_eq!(
        figures(&p.overall),
        hand([1, 1, 2, 2], 150, [Some(0.25), Some(0.5), Some(0.375)])
    );
    assert_eq!(p.overall.completion_percent().as_deref(), Some("25.0%"));
    assert_eq!(p.overall.implementation_percent().as_deref(), Some("50.0%"));
    assert_eq!(p.overall.progress_percent().as_deref(), Some("37.5%"));
    assert_rows(
        &p,
        &[
            // A: 3 measures, 2 not applicable, the one left completed: 1/1 everywhere
            (
                "A",
                hand([1, 0, 0, 2], 100, [q(1, 1), q(1, 1), q(100, 100)]),
            ),
            // B: ongoing (50), not_started, not_started: 0/3, 1/3, 50/300
            ("B", hand([0, 1, 2, 0], 50, [q(0, 3), q(1, 3), q(50, 300)])),
            // C: no measures at all
            ("C", hand([0, 0, 0, 0], 0, NO_RATE)),
        ],
        "not applicable",
    );
}

#[test]
fn a_set_with_nothing_applicable_has_no_rate_rather_than_zero() {
    let mut book = Book::new(blueprint_like());
    let (eff, rec) = ("2026-03-31", "2026-04-01T00:00:00Z");
    book.record("A.2.1", "VNM", "not_applicable", eff, rec)
        .record("A.2.1", "THA", "not_applicable", eff, rec)
        .record("A.2.1", "ASEAN", "not_applicable", eff, rec);
    let index = book.index();
    let a2 = book.select(Some("A.2"), None, None);
    let at = on("2026-12-31");

    let vnm = progress(&book.outline, &a2, &index, &scope("VNM"), at);
    let both = compare(&book.outline, &a2, &index, &codes(&["THA", "VNM"]), at);
    let everything = book.select(None, None, None);
    let nobody = compare(&book.outline, &everything, &index, &[], at);

    // A.2 holds A.2.1 alone, not applicable: 1 measure, 0 applicable, no rate.
    assert_eq!(figures(&vnm.overall), hand([0, 0, 0, 1], 0, NO_RATE));
    assert_eq!(vnm.overall.completion_percent(), None);
    assert_eq!(percent_of(vnm.overall.completion_rate), "–");
    let json = serde_json::to_value(vnm.overall).expect("json");
    assert!(json["completion_rate"].is_null());
    assert!(json["implementation_rate"].is_null());
    assert!(json["progress_index"].is_null());
    // Across THA and VNM: not applicable in both, so not applicable under all_states; 2 cells,
    // none applicable; no state has an applicable measure, so the mean is over 0 states.
    for state in &both.states {
        assert_eq!(figures(&state.rate), hand([0, 0, 0, 1], 0, NO_RATE));
    }
    assert_eq!(figures(&both.all_states), hand([0, 0, 0, 1], 0, NO_RATE));
    assert_eq!(figures(&both.cells), hand([0, 0, 0, 2], 0, NO_RATE));
    assert_eq!(figures(&both.regional), hand([0, 0, 0, 1], 0, NO_RATE));
    assert_eq!(both.mean_of_states.states, 0);
    assert_eq!(
        [
            both.mean_of_states.completion_rate,
            both.mean_of_states.implementation_rate,
            both.mean_of_states.progress_index
        ],
        NO_RATE
    );
    // With no participant at all (a framework before its start): no measure is applicable to
    // anyone, so all_states counts all 6 as not applicable; no cell; no state in the mean.
    assert!(nobody.states.is_empty());
    assert_eq!(figures(&nobody.all_states), hand([0, 0, 0, 6], 0, NO_RATE));
    assert_eq!(figures(&nobody.cells), hand([0, 0, 0, 0], 0, NO_RATE));
    assert_eq!(nobody.mean_of_states.states, 0);
    assert_eq!(nobody.mean_of_states.completion_rate, None);
}

#[test]
fn a_state_with_no_reports_counts_every_measure_as_not_started() {
    let mut book = Book::new(blueprint_like());
    book.record(
        "A.1.1",
        "VNM",
        "completed",
        "2026-03-31",
        "2026-04-01T00:00:00Z",
    );
    let index = book.index();
    let all = book.select(None, None, None);
    let at = on("2026-12-31");

    let c = compare(&book.outline, &all, &index, &codes(&["THA", "VNM"]), at);
    let tha = book.progress(None, "THA", at);
    let empty = progress(
        &book.outline,
        &all,
        &StatusIndex::default(),
        &scope("ASEAN"),
        at,
    );

    // THA: no report at all → 6 not_started, 6 applicable: rates are 0, not null.
    let nothing_done = hand([0, 0, 6, 0], 0, [Some(0.0), Some(0.0), Some(0.0)]);
    assert_eq!(c.states[0].state, code("THA"));
    assert_eq!(figures(&c.states[0].rate), nothing_done);
    assert_eq!(figures(&tha.overall), nothing_done);
    assert_eq!(figures(&empty.overall), nothing_done);
    // VNM: A.1.1 completed, the 5 others never reported: 1/6, 1/6, 100/600.
    assert_eq!(
        figures(&c.states[1].rate),
        hand([1, 0, 5, 0], 100, [q(1, 6), q(1, 6), q(100, 600)])
    );
    // all_states: THA has not started anything, so no measure is completed everywhere.
    assert_eq!(figures(&c.all_states), nothing_done);
    // cells: 12 cells, 1 completed: 1/12, 1/12, 100/1200.
    assert_eq!(
        figures(&c.cells),
        hand([1, 0, 11, 0], 100, [q(1, 12), q(1, 12), q(100, 1200)])
    );
    // mean: (0 + 1/6) / 2 over both states.
    assert_eq!(c.mean_of_states.states, 2);
    assert_eq!(
        c.mean_of_states.completion_rate,
        Some((0.0 + 1.0 / 6.0) / 2.0)
    );
}

#[test]
fn a_node_without_measures_keeps_its_row_with_no_rates() {
    let book = corrected_book();
    let at = on("2026-06-30");
    // As of 30 June (VNM): A.1.1 completed, A.1.2 ongoing 60, A.2.1 ongoing 40, B.* none.

    let by_characteristic = book.progress(Some("characteristic"), "VNM", at);
    let by_element = book.progress(Some("element"), "VNM", at);
    let index = book.index();
    let only_c = progress(
        &book.outline,
        &book.select(Some("C"), None, None),
        &index,
        &scope("VNM"),
        at,
    );
    let b2_by_element = book.select(Some("B.2"), None, Some("element"));
    let b2_by_measure = book.select(Some("B.2"), None, Some("measure"));

    let none = hand([0, 0, 0, 0], 0, NO_RATE);
    let zero3 = hand([0, 0, 3, 0], 0, [Some(0.0), Some(0.0), Some(0.0)]);
    assert_rows(
        &by_characteristic,
        &[
            // A: 100 + 60 + 40 = 200 over 3
            (
                "A",
                hand([1, 2, 0, 0], 200, [q(1, 3), q(3, 3), q(200, 300)]),
            ),
            ("B", zero3),
            ("C", none),
        ],
        "by characteristic",
    );
    assert_rows(
        &by_element,
        &[
            (
                "A.1",
                hand([1, 1, 0, 0], 160, [q(1, 2), q(2, 2), q(160, 200)]),
            ),
            (
                "A.2",
                hand([0, 1, 0, 0], 40, [q(0, 1), q(1, 1), q(40, 100)]),
            ),
            ("B.1", zero3),
            ("B.2", none),
        ],
        "by element",
    );
    assert_eq!(by_characteristic.nodes[2].rate.measures, 0);
    assert_eq!(figures(&only_c.overall), none);
    assert_rows(&only_c, &[("C", none)], "node C");
    // B.2 at its own level is one (empty) row; at the measure level there is no row at all.
    assert!(b2_by_element.measures.is_empty());
    assert_eq!(b2_by_element.rows.len(), 1);
    assert!(b2_by_measure.rows.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Member states: participation and the cross-state rules

const BLUEPRINT_STATES: [&str; 10] = [
    "BRN", "KHM", "IDN", "LAO", "MYS", "MMR", "PHL", "SGP", "THA", "VNM",
];

fn participations(states: &[&str], from: &str) -> Vec<Participation> {
    states
        .iter()
        .map(|s| Participation {
            state: code(s),
            from_date: d(from),
            until_date: None,
        })
        .collect()
}

#[test]
fn a_state_joining_mid_framework_counts_only_in_the_plan_it_participates_in() {
    // Like the shipped data: the Blueprint 2025 covers the 10 members of 2016 from its start;
    // the Strategic Plan covers 11, Timor-Leste (member since 2025-10-26) included, from 2026.
    let blueprint_participants = participations(&BLUEPRINT_STATES, "2016-01-01");
    let plan_participants = {
        let mut all = participations(&BLUEPRINT_STATES, "2026-01-01");
        all.extend(participations(&["TLS"], "2026-01-01"));
        all
    };
    let sorted_ten = [
        "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "VNM",
    ];
    let sorted_eleven = [
        "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM",
    ];
    assert_eq!(
        participants_as_of(&blueprint_participants, d("2025-12-31")),
        codes(&sorted_ten)
    );
    assert_eq!(
        participants_as_of(&plan_participants, d("2025-12-31")),
        Vec::<StateCode>::new()
    );
    assert_eq!(
        participants_as_of(&plan_participants, d("2026-06-30")),
        codes(&sorted_eleven)
    );

    // Blueprint (A.1.1, A.1.2): all ten completed A.1.1; BRN, IDN, KHM, LAO and MMR are
    // ongoing on A.1.2, the five others completed it. TLS (not a participant) reports
    // not_started on both: counted, it would pull all_states down to 0.
    let blueprint_tree = || {
        tree(
            &BLUEPRINT_LEVELS,
            &[
                ("A", "", ""),
                ("A.1", "A", ""),
                ("A.1.1", "A.1", ""),
                ("A.1.2", "A.1", ""),
            ],
        )
    };
    let (eff, rec) = ("2025-06-30", "2025-07-01T00:00:00Z");
    let mut without_tls = Book::new(blueprint_tree());
    for (i, s) in sorted_ten.iter().enumerate() {
        let a12 = if i < 5 { "ongoing" } else { "completed" };
        without_tls
            .record("A.1.1", s, "completed", eff, rec)
            .record("A.1.2", s, a12, eff, rec);
    }
    let mut with_tls = Book::new(blueprint_tree());
    with_tls.facts.clone_from(&without_tls.facts);
    with_tls
        .record("A.1.1", "TLS", "not_started", eff, rec)
        .record("A.1.2", "TLS", "not_started", eff, rec);
    let as_of = on("2025-12-31");
    let states = participants_as_of(&blueprint_participants, as_of.as_of);
    let all = with_tls.select(None, None, None);

    let blueprint = compare(&with_tls.outline, &all, &with_tls.index(), &states, as_of);
    let blueprint_no_tls = compare(
        &without_tls.outline,
        &all,
        &without_tls.index(),
        &states,
        as_of,
    );
    let wrongly_with_tls = compare(
        &with_tls.outline,
        &all,
        &with_tls.index(),
        &codes(&sorted_eleven),
        as_of,
    );

    assert_eq!(blueprint.states.len(), 10);
    assert!(blueprint.states.iter().all(|s| s.state != code("TLS")));
    // BRN: completed + ongoing (50) → 1/2, 2/2, 150/200; VNM: both completed.
    assert_eq!(
        figures(&blueprint.states[0].rate),
        hand([1, 1, 0, 0], 150, [Some(0.5), Some(1.0), Some(0.75)])
    );
    assert_eq!(
        figures(&blueprint.states[9].rate),
        hand([2, 0, 0, 0], 200, [Some(1.0), Some(1.0), Some(1.0)])
    );
    // all_states: A.1.1 completed by all ten; A.1.2 at best ongoing (50) → 1/2, 2/2, 150/200.
    assert_eq!(
        figures(&blueprint.all_states),
        hand([1, 1, 0, 0], 150, [Some(0.5), Some(1.0), Some(0.75)])
    );
    // mean: completion (5 × 1/2 + 5 × 1) / 10 = 0.75; implementation 1; progress
    // (5 × 0.75 + 5 × 1) / 10 = 0.875 (all dyadic: exact).
    assert_eq!(blueprint.mean_of_states.states, 10);
    assert_eq!(blueprint.mean_of_states.completion_rate, Some(0.75));
    assert_eq!(blueprint.mean_of_states.implementation_rate, Some(1.0));
    assert_eq!(blueprint.mean_of_states.progress_index, Some(0.875));
    // cells: 20 cells, 15 completed, 5 ongoing: 15/20, 20/20, (1500 + 250)/2000.
    assert_eq!(
        figures(&blueprint.cells),
        hand([15, 5, 0, 0], 1750, [q(15, 20), q(20, 20), q(1750, 2000)])
    );
    // TLS's reports change nothing in the Blueprint comparison…
    assert_eq!(
        serde_json::to_value(&blueprint).expect("json"),
        serde_json::to_value(&blueprint_no_tls).expect("json")
    );
    // …which they would if TLS were (wrongly) counted: nothing completed everywhere.
    assert_eq!(
        figures(&wrongly_with_tls.all_states),
        hand([0, 0, 2, 0], 0, [Some(0.0), Some(0.0), Some(0.0)])
    );

    // Strategic Plan (1.1.1, 1.1.2) as of 2026-06-30: the ten completed 1.1.1 and have no
    // report on 1.1.2; TLS is ongoing 25% on 1.1.1 and completed 1.1.2.
    let plan_tree = tree(
        &PLAN_LEVELS,
        &[
            ("SG1", "", ""),
            ("1.1", "SG1", ""),
            ("1.1.1", "1.1", ""),
            ("1.1.2", "1.1", ""),
        ],
    );
    let (eff, rec) = ("2026-03-31", "2026-04-01T00:00:00Z");
    let mut plan = Book::new(plan_tree);
    for s in sorted_ten {
        plan.record("1.1.1", s, "completed", eff, rec);
    }
    plan.record("1.1.1", "TLS", "ongoing:25", eff, rec).record(
        "1.1.2",
        "TLS",
        "completed",
        eff,
        rec,
    );
    let as_of = on("2026-06-30");
    let eleven = participants_as_of(&plan_participants, as_of.as_of);
    let all = plan.select(None, None, None);
    let index = plan.index();

    let with = compare(&plan.outline, &all, &index, &eleven, as_of);
    let ten_only = compare(&plan.outline, &all, &index, &codes(&sorted_ten), as_of);
    let before_start = compare(
        &plan.outline,
        &all,
        &index,
        &participants_as_of(&plan_participants, d("2025-12-31")),
        on("2025-12-31"),
    );

    assert_eq!(with.states.len(), 11);
    // TLS (10th in code order): ongoing 25 + completed → 1/2, 2/2, 125/200.
    assert_eq!(with.states[9].state, code("TLS"));
    assert_eq!(
        figures(&with.states[9].rate),
        hand([1, 1, 0, 0], 125, [Some(0.5), Some(1.0), Some(0.625)])
    );
    // BRN: completed + not_started → 1/2, 1/2, 100/200.
    assert_eq!(
        figures(&with.states[0].rate),
        hand([1, 0, 1, 0], 100, [Some(0.5), Some(0.5), Some(0.5)])
    );
    // all_states: 1.1.1's weakest is TLS ongoing 25; 1.1.2's is not_started (the ten):
    // 0/2, 1/2, 25/200.
    assert_eq!(
        figures(&with.all_states),
        hand([0, 1, 1, 0], 25, [Some(0.0), Some(0.5), Some(0.125)])
    );
    // Without TLS it would read 1.1.1 completed: TLS counts in the plan.
    assert_eq!(
        figures(&ten_only.all_states),
        hand([1, 0, 1, 0], 100, [Some(0.5), Some(0.5), Some(0.5)])
    );
    // mean over 11: completion 11 × 1/2 / 11 = 0.5; implementation (10 × 1/2 + 1) / 11 = 6/11;
    // progress (10 × 0.5 + 0.625) / 11 = 5.625/11 (sums of dyadic numbers: exact).
    assert_eq!(with.mean_of_states.states, 11);
    assert_eq!(with.mean_of_states.completion_rate, Some(0.5));
    assert_eq!(with.mean_of_states.implementation_rate, q(6, 11));
    assert_eq!(with.mean_of_states.progress_index, Some(5.625 / 11.0));
    // cells: 22 cells: 11 completed (10 on 1.1.1, TLS on 1.1.2), 1 ongoing (25), 10 not
    // started: 11/22, 12/22, (1100 + 25)/2200.
    assert_eq!(
        figures(&with.cells),
        hand([11, 1, 10, 0], 1125, [q(11, 22), q(12, 22), q(1125, 2200)])
    );
    // Before the plan starts it has no participant.
    assert!(before_start.states.is_empty());
    assert_eq!(
        figures(&before_start.all_states),
        hand([0, 0, 0, 2], 0, NO_RATE)
    );
}

#[test]
fn the_three_cross_state_rules_give_different_figures_and_the_regional_status_stays_beside_them() {
    // Five measures, three states, and the regional status:
    //
    //          X.1.1      X.1.2      X.1.3        X.1.4        X.1.5
    //   BRN    completed  completed  not_started  ongoing 70   n/a
    //   KHM    completed  ongoing    ongoing 40   ongoing 20   n/a
    //   LAO    completed  n/a        completed    completed    n/a
    //   ASEAN  completed  completed  completed    ongoing      (none)
    let grid: [(&str, [&str; 5]); 4] = [
        (
            "BRN",
            [
                "completed",
                "completed",
                "not_started",
                "ongoing:70",
                "not_applicable",
            ],
        ),
        (
            "KHM",
            [
                "completed",
                "ongoing",
                "ongoing:40",
                "ongoing:20",
                "not_applicable",
            ],
        ),
        (
            "LAO",
            [
                "completed",
                "not_applicable",
                "completed",
                "completed",
                "not_applicable",
            ],
        ),
        (
            "ASEAN",
            ["completed", "completed", "completed", "ongoing", ""],
        ),
    ];
    let mut book = Book::new(five_measures());
    let mut national_only = Book::new(five_measures());
    for (scope_code, statuses) in grid {
        for (k, status) in statuses.iter().enumerate() {
            if status.is_empty() {
                continue;
            }
            let measure = format!("X.1.{}", k + 1);
            let (eff, rec) = ("2026-03-31", "2026-04-01T00:00:00Z");
            book.record(&measure, scope_code, status, eff, rec);
            if scope_code != "ASEAN" {
                national_only.record(&measure, scope_code, status, eff, rec);
            }
        }
    }
    let all = book.select(None, None, None);
    let states = codes(&["BRN", "KHM", "LAO"]);
    let at = on("2026-12-31");

    let c = compare(&book.outline, &all, &book.index(), &states, at);
    let without_regional = compare(&book.outline, &all, &national_only.index(), &states, at);

    // BRN: 4 applicable; completed 2, ongoing 70, not_started: 2/4, 3/4, 270/400.
    assert_eq!(
        figures(&c.states[0].rate),
        hand([2, 1, 1, 1], 270, [q(2, 4), q(3, 4), q(270, 400)])
    );
    // KHM: 4 applicable; completed, ongoing 50 + 40 + 20: 1/4, 4/4, 210/400.
    assert_eq!(
        figures(&c.states[1].rate),
        hand([1, 3, 0, 1], 210, [q(1, 4), q(4, 4), q(210, 400)])
    );
    // LAO: 3 applicable, all completed: 1, 1, 1.
    assert_eq!(
        figures(&c.states[2].rate),
        hand([3, 0, 0, 2], 300, [q(3, 3), q(3, 3), q(300, 300)])
    );
    // all_states, measure by measure (the weakest applicable status):
    //   X.1.1 completed everywhere → completed (100)
    //   X.1.2 BRN completed, KHM ongoing (50), LAO n/a → ongoing 50
    //   X.1.3 BRN not_started → not_started (although LAO and the region completed it)
    //   X.1.4 BRN ongoing 70, KHM ongoing 20, LAO completed → ongoing 20 (the lower percent)
    //   X.1.5 n/a everywhere → not_applicable
    // → 4 applicable, 1 completed, 2 ongoing: 1/4, 3/4, (100 + 50 + 20)/400.
    assert_eq!(
        figures(&c.all_states),
        hand([1, 2, 1, 1], 170, [q(1, 4), q(3, 4), q(170, 400)])
    );
    // mean_of_states: completion (1/2 + 1/4 + 1)/3 = 1.75/3; implementation (3/4 + 1 + 1)/3 =
    // 2.75/3; progress (0.675 + 0.525 + 1)/3 = 2.2/3, summed in state order as the engine does.
    assert_eq!(c.mean_of_states.states, 3);
    assert_eq!(c.mean_of_states.completion_rate, Some(1.75 / 3.0));
    assert_eq!(c.mean_of_states.implementation_rate, Some(2.75 / 3.0));
    assert_eq!(
        c.mean_of_states.progress_index,
        Some((270.0 / 400.0 + 210.0 / 400.0 + 1.0) / 3.0)
    );
    let mean_progress = c.mean_of_states.progress_index.expect("a mean");
    assert!((mean_progress - 2.2 / 3.0).abs() < 1e-15);
    // cells: 15 cells, 4 n/a → 11 applicable; completed 2 + 1 + 3 = 6, ongoing 1 + 3 = 4,
    // not_started 1; points 270 + 210 + 300: 6/11, 10/11, 780/1100.
    assert_eq!(
        figures(&c.cells),
        hand([6, 4, 1, 4], 780, [q(6, 11), q(10, 11), q(780, 1100)])
    );
    // regional: completed ×3, ongoing (50), no report (not_started): 3/5, 4/5, 350/500.
    assert_eq!(
        figures(&c.regional),
        hand([3, 1, 1, 0], 350, [q(3, 5), q(4, 5), q(350, 500)])
    );
    // Four figures for "completion" from the same data, each naming its rule.
    assert_eq!(c.all_states.completion_percent().as_deref(), Some("25.0%"));
    assert_eq!(percent_of(c.mean_of_states.completion_rate), "58.3%");
    assert_eq!(c.cells.completion_percent().as_deref(), Some("54.5%"));
    assert_eq!(c.regional.completion_percent().as_deref(), Some("60.0%"));
    assert_eq!(c.all_states.rule, Rule::AllStates);
    assert_eq!(c.mean_of_states.rule, Rule::MeanOfStates);
    assert_eq!(c.cells.rule, Rule::Cells);
    assert_eq!(c.regional.rule, Rule::Regional);
    assert!(c.states.iter().all(|s| s.rate.rule == Rule::Scope));
    // The regional reports are beside, never mixed in: without them every national figure is
    // the same, and only the regional figure changes (to 5 not_started).
    assert_eq!(
        serde_json::to_value(&c.states).expect("json"),
        serde_json::to_value(&without_regional.states).expect("json")
    );
    assert_eq!(
        figures(&c.all_states),
        figures(&without_regional.all_states)
    );
    assert_eq!(figures(&c.cells), figures(&without_regional.cells));
    assert_eq!(c.mean_of_states, without_regional.mean_of_states);
    assert_eq!(
        figures(&without_regional.regional),
        hand([0, 0, 5, 0], 0, [Some(0.0), Some(0.0), Some(0.0)])
    );
}

// ---------------------------------------------------------------------------------------------
// The progress index

#[test]
fn ongoing_counts_its_percent_in_the_progress_index_or_half_without_one() {
    // One measure (X.1.1) with one regional status: (status, counts, points, rates).
    let cases = [
        (
            "ongoing",
            hand([0, 1, 0, 0], 50, [Some(0.0), Some(1.0), Some(0.5)]),
        ),
        (
            "ongoing:0",
            hand([0, 1, 0, 0], 0, [Some(0.0), Some(1.0), Some(0.0)]),
        ),
        (
            "ongoing:30",
            hand([0, 1, 0, 0], 30, [Some(0.0), Some(1.0), Some(0.3)]),
        ),
        // 100% but still ongoing: implemented, not completed
        (
            "ongoing:100",
            hand([0, 1, 0, 0], 100, [Some(0.0), Some(1.0), Some(1.0)]),
        ),
        (
            "completed",
            hand([1, 0, 0, 0], 100, [Some(1.0), Some(1.0), Some(1.0)]),
        ),
        (
            "not_started",
            hand([0, 0, 1, 0], 0, [Some(0.0), Some(0.0), Some(0.0)]),
        ),
        ("not_applicable", hand([0, 0, 0, 1], 0, NO_RATE)),
    ];
    for (status, expected) in cases {
        let mut book = Book::new(five_measures());
        book.record(
            "X.1.1",
            "ASEAN",
            status,
            "2026-03-31",
            "2026-04-01T00:00:00Z",
        );
        let one = book.select(Some("X.1.1"), None, None);

        let p = progress(
            &book.outline,
            &one,
            &book.index(),
            &Scope::Asean,
            on("2026-03-31"),
        );

        assert_eq!(figures(&p.overall), expected, "{status}");
        assert_eq!(p.overall.rule, Rule::Regional);
    }

    let mut book = Book::new(five_measures());
    let (eff, rec) = ("2026-03-31", "2026-04-01T00:00:00Z");
    book.record("X.1.1", "ASEAN", "ongoing", eff, rec)
        .record("X.1.2", "ASEAN", "ongoing:30", eff, rec)
        .record("X.1.3", "ASEAN", "ongoing:0", eff, rec)
        .record("X.1.4", "ASEAN", "completed", eff, rec);

    let p = book.progress(None, "ASEAN", on("2026-03-31"));

    // 50 + 30 + 0 + 100 + 0 (X.1.5, no report) = 180 over 5: 1/5, 4/5, 0.36.
    assert_eq!(
        figures(&p.overall),
        hand([1, 3, 1, 0], 180, [q(1, 5), q(4, 5), q(180, 500)])
    );
    assert_eq!(p.overall.progress_percent().as_deref(), Some("36.0%"));
}

// ---------------------------------------------------------------------------------------------
// Rollups, node and body filters, level names

/// Regional statuses on the blueprint-like tree: A.1.1 completed, A.1.2 ongoing 20, A.2.1
/// not_started, B.1.1 completed, B.1.2 not_applicable, B.1.3 ongoing (no percent).
fn regional_book() -> Book {
    let mut book = Book::new(blueprint_like());
    let (eff, rec) = ("2026-03-31", "2026-04-01T00:00:00Z");
    book.record("A.1.1", "ASEAN", "completed", eff, rec)
        .record("A.1.2", "ASEAN", "ongoing:20", eff, rec)
        .record("A.2.1", "ASEAN", "not_started", eff, rec)
        .record("B.1.1", "ASEAN", "completed", eff, rec)
        .record("B.1.2", "ASEAN", "not_applicable", eff, rec)
        .record("B.1.3", "ASEAN", "ongoing", eff, rec);
    book
}

#[test]
fn rollups_pool_the_measures_under_each_node_at_every_level() {
    let book = regional_book();
    let at = on("2026-06-30");
    let none = hand([0, 0, 0, 0], 0, NO_RATE);
    // overall: 6 measures, 1 n/a; completed 2, ongoing 2 (20, 50), not_started 1:
    // 2/5, 4/5, (100 + 20 + 0 + 100 + 50)/500.
    let overall = hand([2, 2, 1, 1], 270, [q(2, 5), q(4, 5), q(270, 500)]);
    let by_characteristic: Rows<'_> = &[
        // A.1.1 completed, A.1.2 ongoing 20, A.2.1 not_started: 1/3, 2/3, 120/300
        (
            "A",
            hand([1, 1, 1, 0], 120, [q(1, 3), q(2, 3), q(120, 300)]),
        ),
        // B.1.1 completed, B.1.2 n/a, B.1.3 ongoing 50: 1/2, 2/2, 150/200
        (
            "B",
            hand([1, 1, 0, 1], 150, [q(1, 2), q(2, 2), q(150, 200)]),
        ),
        ("C", none),
    ];
    let by_element: Rows<'_> = &[
        (
            "A.1",
            hand([1, 1, 0, 0], 120, [q(1, 2), q(2, 2), q(120, 200)]),
        ),
        ("A.2", hand([0, 0, 1, 0], 0, [q(0, 1), q(0, 1), q(0, 100)])),
        (
            "B.1",
            hand([1, 1, 0, 1], 150, [q(1, 2), q(2, 2), q(150, 200)]),
        ),
        ("B.2", none),
    ];
    let by_measure: Rows<'_> = &[
        (
            "A.1.1",
            hand([1, 0, 0, 0], 100, [q(1, 1), q(1, 1), q(100, 100)]),
        ),
        (
            "A.1.2",
            hand([0, 1, 0, 0], 20, [q(0, 1), q(1, 1), q(20, 100)]),
        ),
        (
            "A.2.1",
            hand([0, 0, 1, 0], 0, [q(0, 1), q(0, 1), q(0, 100)]),
        ),
        (
            "B.1.1",
            hand([1, 0, 0, 0], 100, [q(1, 1), q(1, 1), q(100, 100)]),
        ),
        ("B.1.2", hand([0, 0, 0, 1], 0, NO_RATE)),
        (
            "B.1.3",
            hand([0, 1, 0, 0], 50, [q(0, 1), q(1, 1), q(50, 100)]),
        ),
    ];
    // (level asked for, rows); no level means the top level.
    let cases = [
        (None, by_characteristic),
        (Some("characteristic"), by_characteristic),
        (Some("element"), by_element),
        (Some("measure"), by_measure),
    ];
    for (level, rows) in cases {
        let p = book.progress(level, "ASEAN", at);

        let case = format!("level {level:?}");
        assert_eq!(figures(&p.overall), overall, "{case}");
        assert_eq!(p.overall.rule, Rule::Regional);
        assert_rows(&p, rows, &case);
        let level_name = level.unwrap_or("characteristic");
        assert!(p.nodes.iter().all(|n| n.level == level_name), "{case}");
    }
    let p = book.progress(Some("element"), "ASEAN", at);
    assert_eq!(p.nodes[0].title, "Node A.1");
}

#[test]
fn a_level_is_named_in_any_case_and_an_unknown_level_or_node_is_refused() {
    let outline = blueprint_like();
    let element = outline
        .select(None, None, Some("element"))
        .expect("element");

    for name in ["Element", " ELEMENT ", "element"] {
        let selection = outline
            .select(None, None, Some(name))
            .expect("a level name");
        assert_eq!(selection.depth, 1, "{name:?}");
        assert_eq!(selection.rows, element.rows, "{name:?}");
        assert_eq!(selection.measures, element.measures, "{name:?}");
    }
    assert_eq!(
        outline.select(None, None, Some("goal")).map(|s| s.depth),
        Err(SelectError::UnknownLevel("goal".to_owned()))
    );
    assert_eq!(
        outline.select(Some("Z.9"), None, None).map(|s| s.depth),
        Err(SelectError::UnknownNode("Z.9".to_owned()))
    );
}

#[test]
fn a_node_filter_counts_only_the_measures_under_that_node() {
    let book = regional_book();
    let index = book.index();
    let at = on("2026-06-30");
    let run = |node: &str, level: Option<&str>| {
        progress(
            &book.outline,
            &book.select(Some(node), None, level),
            &index,
            &Scope::Asean,
            at,
        )
    };
    let b = hand([1, 1, 0, 1], 150, [q(1, 2), q(2, 2), q(150, 200)]);
    let a1 = hand([1, 1, 0, 0], 120, [q(1, 2), q(2, 2), q(120, 200)]);
    let a12 = hand([0, 1, 0, 0], 20, [q(0, 1), q(1, 1), q(20, 100)]);
    let none = hand([0, 0, 0, 0], 0, NO_RATE);
    // (node, level, overall, rows)
    let cases: [(&str, Option<&str>, Figures, Rows<'_>); 5] = [
        // B by element: B.1 holds all of B's measures, B.2 none.
        ("B", Some("element"), b, &[("B.1", b), ("B.2", none)]),
        // a level above the node: the row is the node itself, counting its measures only
        // (A.1's two, not A.2.1), not its ancestor A, whose label would claim all of A
        ("A.1", Some("characteristic"), a1, &[("A.1", a1)]),
        // a measure with no level given: the measure itself, alone
        ("A.1.2", None, a12, &[("A.1.2", a12)]),
        (
            "A",
            Some("measure"),
            hand([1, 1, 1, 0], 120, [q(1, 3), q(2, 3), q(120, 300)]),
            &[
                (
                    "A.1.1",
                    hand([1, 0, 0, 0], 100, [q(1, 1), q(1, 1), q(100, 100)]),
                ),
                ("A.1.2", a12),
                (
                    "A.2.1",
                    hand([0, 0, 1, 0], 0, [q(0, 1), q(0, 1), q(0, 100)]),
                ),
            ],
        ),
        ("C", Some("characteristic"), none, &[("C", none)]),
    ];
    for (node, level, overall, rows) in cases {
        let p = run(node, level);

        let case = format!("node {node}, level {level:?}");
        assert_eq!(figures(&p.overall), overall, "{case}");
        assert_rows(&p, rows, &case);
    }
}

#[test]
fn a_body_filter_counts_only_the_measures_that_body_leads() {
    let book = regional_book();
    let index = book.index();
    let at = on("2026-06-30");
    let run = |node: Option<&str>, body: &str, level: Option<&str>| {
        progress(
            &book.outline,
            &book.select(node, Some(body), level),
            &index,
            &Scope::Asean,
            at,
        )
    };
    let none = hand([0, 0, 0, 0], 0, NO_RATE);
    let a12 = hand([0, 1, 0, 0], 20, [q(0, 1), q(1, 1), q(20, 100)]);
    // SOMHD leads A.1.1 (completed), A.1.2 (ongoing 20) and B.1.3 (ongoing, 50).
    let somhd_overall = hand([1, 2, 0, 0], 170, [q(1, 3), q(3, 3), q(170, 300)]);
    let somhd_rows: Rows<'_> = &[
        (
            "A",
            hand([1, 1, 0, 0], 120, [q(1, 2), q(2, 2), q(120, 200)]),
        ),
        ("B", hand([0, 1, 0, 0], 50, [q(0, 1), q(1, 1), q(50, 100)])),
        ("C", none),
    ];
    // (node, body, level, overall, rows)
    type Case<'a> = (Option<&'a str>, &'a str, Option<&'a str>, Figures, Rows<'a>);
    let cases: [Case<'_>; 6] = [
        (None, "SOMHD", None, somhd_overall, somhd_rows),
        // body codes match in any case
        (None, "somhd", None, somhd_overall, somhd_rows),
        // SOMY leads A.1.2 (ongoing 20) and A.2.1 (not_started): 0/2, 1/2, 20/200
        (
            None,
            "SOMY",
            None,
            hand([0, 1, 1, 0], 20, [q(0, 2), q(1, 2), q(20, 200)]),
            &[
                ("A", hand([0, 1, 1, 0], 20, [q(0, 2), q(1, 2), q(20, 200)])),
                ("B", none),
                ("C", none),
            ],
        ),
        // ACW leads B.1.1 (completed) and B.1.2 (n/a): 1/1
        (
            None,
            "ACW",
            Some("element"),
            hand([1, 0, 0, 1], 100, [q(1, 1), q(1, 1), q(100, 100)]),
            &[
                ("A.1", none),
                ("A.2", none),
                (
                    "B.1",
                    hand([1, 0, 0, 1], 100, [q(1, 1), q(1, 1), q(100, 100)]),
                ),
                ("B.2", none),
            ],
        ),
        // node and body together: SOMY's measures under A.1 → A.1.2 alone
        (Some("A.1"), "SOMY", Some("element"), a12, &[("A.1", a12)]),
        // a body that leads nothing: an empty set, every row there with no rate
        (
            None,
            "XYZ",
            None,
            none,
            &[("A", none), ("B", none), ("C", none)],
        ),
    ];
    for (node, body, level, overall, rows) in cases {
        let p = run(node, body, level);

        let case = format!("node {node:?}, body {body}, level {level:?}");
        assert_eq!(figures(&p.overall), overall, "{case}");
        assert_rows(&p, rows, &case);
    }
}

#[test]
fn a_timeline_gives_the_figures_in_force_at_each_period_end() {
    let book = corrected_book();
    let all = book.select(None, None, None);
    let dates = period_ends(d("2026-01-01"), d("2026-08-15"), Every::Quarter, 100).expect("3");

    let points = timeline(
        &book.outline,
        &all,
        &book.index(),
        &scope("VNM"),
        &dates,
        None,
    );

    assert_eq!(dates, [d("2026-03-31"), d("2026-06-30"), d("2026-08-15")]);
    let got: Vec<(NaiveDate, Figures)> =
        points.iter().map(|p| (p.date, figures(&p.rate))).collect();
    assert_eq!(
        got,
        [
            // the corrected 31 March: 50 + 60 + 40
            (
                d("2026-03-31"),
                hand([0, 3, 3, 0], 150, [q(0, 6), q(3, 6), q(150, 600)])
            ),
            // A.1.1 completed from 30 June: 100 + 60 + 40
            (
                d("2026-06-30"),
                hand([1, 2, 3, 0], 200, [q(1, 6), q(3, 6), q(200, 600)])
            ),
            (
                d("2026-08-15"),
                hand([1, 2, 3, 0], 200, [q(1, 6), q(3, 6), q(200, 600)])
            ),
        ]
    );
    assert!(points.iter().all(|p| p.rate.rule == Rule::Scope));
}

// ---------------------------------------------------------------------------------------------
// Properties over random small worlds

const SCOPES: [&str; 5] = ["ASEAN", "BRN", "KHM", "LAO", "TLS"];
const STATES: [&str; 4] = ["BRN", "KHM", "LAO", "TLS"];
const BODIES: [&str; 3] = ["ACW", "SOMHD", "SOMY"];

/// A random small framework and its reports.
#[derive(Debug, Clone)]
struct World {
    outline: Outline,
    /// In id order (ids 1, 2, …), which is unrelated to their dates.
    facts: Vec<ReportFact>,
}

/// Random worlds: 1–3 characteristics of 0–3 elements of 0–3 measures, each measure led by a
/// random subset of three bodies; up to 48 reports on any node (those on a characteristic or an
/// element must be ignored by the figures) in any of five scopes, with four effective dates
/// and four recording instants so that ties are common.
fn world() -> impl Strategy<Value = World> {
    let shape = prop::collection::vec(
        prop::collection::vec(prop::collection::vec(0_u8..8, 0..4), 0..4),
        1..4,
    );
    let status = prop_oneof![
        Just((Status::NotStarted, None)),
        Just((Status::Ongoing, None)),
        (0_u8..=100).prop_map(|p| (Status::Ongoing, Some(p))),
        Just((Status::Completed, None)),
        Just((Status::NotApplicable, None)),
    ];
    let report = (
        any::<prop::sample::Index>(),
        0..SCOPES.len(),
        status,
        0_i64..4,
        0_i64..4,
    );
    (shape, prop::collection::vec(report, 0..48)).prop_map(|(shape, reports)| {
        let mut rows: Vec<(String, String, String)> = Vec::new();
        for (i, elements) in shape.iter().enumerate() {
            let characteristic = format!("C{i}");
            rows.push((characteristic.clone(), String::new(), String::new()));
            for (j, measures) in elements.iter().enumerate() {
                let element = format!("{characteristic}.{j}");
                rows.push((element.clone(), characteristic.clone(), String::new()));
                for (k, mask) in measures.iter().enumerate() {
                    let bodies: Vec<&str> = BODIES
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| mask & (1 << b) != 0)
                        .map(|(_, body)| *body)
                        .collect();
                    rows.push((format!("{element}.{k}"), element.clone(), bodies.join(" ")));
                }
            }
        }
        let outline = tree(&BLUEPRINT_LEVELS, &rows);
        let facts = reports
            .into_iter()
            .enumerate()
            .map(
                |(i, (node, scope_index, (status, progress), eff, rec))| ReportFact {
                    id: i64::try_from(i + 1).expect("few reports"),
                    measure_id: outline.nodes[node.index(outline.nodes.len())].id,
                    scope: scope(SCOPES[scope_index]),
                    status,
                    progress,
                    effective_date: d("2026-01-31") + Duration::days(30 * eff),
                    recorded_at: t("2026-02-01T00:00:00Z") + Duration::hours(rec),
                },
            )
            .collect();
        World { outline, facts }
    })
}

/// An instant to compute for: an as-of date spanning the effective dates (before the first,
/// on them, between them, after the last), and maybe a known_at spanning the recording
/// instants (which are on the hour, from 00:00 to 03:00).
fn instant() -> impl Strategy<Value = At> {
    (0_i64..130, prop::option::of(-30_i64..240)).prop_map(|(days, minutes)| At {
        as_of: d("2026-01-15") + Duration::days(days),
        known_at: minutes.map(|m| t("2026-02-01T00:00:00Z") + Duration::minutes(m)),
    })
}

/// The as-of rule written out plainly (DESIGN.md §2), as the reference: among the reports on
/// (measure, scope) effective on or before the date and, with known_at, recorded at or before
/// it, the one with the greatest (effective date, recorded at, id).
fn in_force_by_hand(facts: &[ReportFact], measure_id: i32, scope: &Scope, at: At) -> Cell {
    facts
        .iter()
        .filter(|f| f.measure_id == measure_id && &f.scope == scope)
        .filter(|f| f.effective_date <= at.as_of)
        .filter(|f| at.known_at.is_none_or(|known| f.recorded_at <= known))
        .max_by_key(|f| (f.effective_date, f.recorded_at, f.id))
        .map_or(Cell::NO_REPORT, |f| Cell {
            status: f.status,
            progress: f.progress,
            effective: Some(f.effective_date),
        })
}

/// The counts of a rate as a tally (to add rates up).
fn tally_of(r: &Rate) -> Tally {
    Tally {
        not_started: r.not_started,
        unreported: r.unreported,
        ongoing: r.ongoing,
        completed: r.completed,
        not_applicable: r.not_applicable,
        progress_points: r.progress_points,
    }
}

/// What holds of every rate: the counts add up (measures = applicable + n/a, applicable =
/// completed + ongoing + not_started), 100 × completed ≤ points ≤ 100 × (completed + ongoing)
/// (so completion ≤ progress index ≤ implementation), and each rate is `None` exactly when
/// nothing is applicable, otherwise a fraction in [0, 1].
fn check_rate(r: &Rate, what: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(r.measures, r.applicable + r.not_applicable, "{}", what);
    prop_assert_eq!(
        r.applicable,
        r.completed + r.ongoing + r.not_started,
        "{}",
        what
    );
    prop_assert!(100 * r.completed <= r.progress_points, "{}", what);
    prop_assert!(
        r.progress_points <= 100 * (r.completed + r.ongoing),
        "{}",
        what
    );
    for rate in [r.completion_rate, r.implementation_rate, r.progress_index] {
        match rate {
            None => prop_assert_eq!(r.applicable, 0, "{}", what),
            Some(x) => {
                prop_assert!(r.applicable > 0, "{}", what);
                prop_assert!((0.0..=1.0).contains(&x), "{}: {}", what, x);
            }
        }
    }
    Ok(())
}

fn states() -> Vec<StateCode> {
    codes(&STATES)
}

proptest! {
    #[test]
    fn every_rate_is_none_or_a_fraction_between_zero_and_one(w in world(), at in instant()) {
        let index = index_of(&w.facts);
        for level in [None, Some("element"), Some("measure")] {
            let selection = w.outline.select(None, None, level).expect("a level");
            for s in SCOPES {
                let p = progress(&w.outline, &selection, &index, &scope(s), at);
                check_rate(&p.overall, s)?;
                for row in &p.nodes {
                    check_rate(&row.rate, &row.code)?;
                }
            }
            let c = compare(&w.outline, &selection, &index, &states(), at);
            for s in &c.states {
                check_rate(&s.rate, s.state.as_str())?;
            }
            check_rate(&c.all_states, "all_states")?;
            check_rate(&c.cells, "cells")?;
            check_rate(&c.regional, "regional")?;
            let mean = c.mean_of_states;
            for rate in [mean.completion_rate, mean.implementation_rate, mean.progress_index] {
                match rate {
                    None => prop_assert_eq!(mean.states, 0),
                    Some(x) => prop_assert!(mean.states > 0 && (0.0..=1.0).contains(&x)),
                }
            }
        }
    }

    /// The index must give, for every (measure, scope), the report the as-of rule picks
    /// whatever the order in which the facts come: sorted by id in one batch, shuffled in one
    /// batch, one at a time in id order (extend skips ids at or below the last one taken, so
    /// single batches must ascend), or offered twice. The reference reads the shuffled copy.
    #[test]
    fn the_status_in_force_does_not_depend_on_the_order_of_the_facts(
        (w, shuffled) in world().prop_flat_map(|w| {
            let facts = w.facts.clone();
            (Just(w), Just(facts).prop_shuffle())
        }),
        at in instant(),
    ) {
        let sorted = index_of(&w.facts);
        let mixed = recent_index_of(&shuffled);
        // one at a time, merged now and then: reports of one pair end up in both tiers
        let mut one_by_one = StatusIndex::default();
        for (i, fact) in w.facts.iter().enumerate() {
            one_by_one.extend(std::iter::once(fact));
            if i % 3 == 2 {
                one_by_one.merge();
            }
        }
        let mut twice = index_of(&shuffled);
        twice.extend(&shuffled);

        prop_assert_eq!(twice.len(), w.facts.len());
        prop_assert_eq!(sorted.len(), w.facts.len());
        let node_count = i32::try_from(w.outline.nodes.len()).expect("few nodes");
        // every node id, and one no report names
        for measure_id in 1..=node_count + 1 {
            for s in SCOPES.iter().chain(&["VNM"]) {
                let s = scope(s);
                let expected = in_force_by_hand(&shuffled, measure_id, &s, at);
                for index in [&sorted, &mixed, &one_by_one, &twice] {
                    let cell = index.cell(index.measure_row(measure_id), index.scope_slot(&s), at);
                    prop_assert_eq!(cell, expected, "measure {} in {}", measure_id, s);
                }
            }
        }
        let selection = w.outline.select(None, None, Some("element")).expect("element");
        for s in SCOPES {
            let a = progress(&w.outline, &selection, &sorted, &scope(s), at);
            let b = progress(&w.outline, &selection, &mixed, &scope(s), at);
            prop_assert_eq!(figures(&a.overall), figures(&b.overall));
        }
    }

    /// Every measure sits at the last level, so it has exactly one ancestor at each level, and
    /// the rows of a rollup are all the nodes of that level: the rows' pooled counts add up to
    /// the overall counts, at every level, with or without a body filter.
    #[test]
    fn pooled_rollups_add_up_to_the_whole_at_every_level(
        w in world(),
        at in instant(),
        body in prop::option::of(prop::sample::select(BODIES.to_vec())),
        s in prop::sample::select(SCOPES.to_vec()),
    ) {
        let index = index_of(&w.facts);
        for level in BLUEPRINT_LEVELS {
            let selection = w.outline.select(None, body, Some(level)).expect("a level");
            let p = progress(&w.outline, &selection, &index, &scope(s), at);

            let mut sum = Tally::default();
            for row in &p.nodes {
                sum.merge(&tally_of(&row.rate));
            }
            prop_assert_eq!(sum, tally_of(&p.overall), "level {}", level);
            prop_assert_eq!(
                p.nodes.len(),
                w.outline.nodes.iter().filter(|n| n.level == level).count()
            );
        }
    }

    /// A comparison is made of the states' own figures: each state's row is its progress in
    /// its own scope, cells are the sum of the states' tallies, and the regional figure is the
    /// progress in scope ASEAN, whatever the states.
    #[test]
    fn a_comparison_is_made_of_each_states_own_figures(
        w in world(),
        at in instant(),
        chosen in prop::sample::subsequence(STATES.to_vec(), 0..=4),
    ) {
        let index = index_of(&w.facts);
        let selection = w.outline.select(None, None, None).expect("the whole tree");
        let states = codes(&chosen);

        let c = compare(&w.outline, &selection, &index, &states, at);

        let mut sum = Tally::default();
        prop_assert_eq!(c.states.len(), states.len());
        for (row, state) in c.states.iter().zip(&states) {
            let own = progress(&w.outline, &selection, &index, &Scope::State(state.clone()), at);
            prop_assert_eq!(&row.state, state);
            prop_assert_eq!(row.rate, own.overall);
            sum.merge(&tally_of(&row.rate));
        }
        prop_assert_eq!(tally_of(&c.cells), sum);
        let measures = u64::try_from(selection.measures.len()).expect("few measures");
        prop_assert_eq!(c.cells.measures, measures * u64::try_from(states.len()).expect("few"));
        prop_assert_eq!(c.all_states.measures, measures);
        let regional = progress(&w.outline, &selection, &index, &Scope::Asean, at);
        prop_assert_eq!(figures(&c.regional), figures(&regional.overall));
        prop_assert_eq!(c.regional.rule, Rule::Regional);
    }

    /// all_states, measure by measure: not_applicable when no state finds it applicable;
    /// otherwise completed when every state for which it is applicable completed it, ongoing
    /// (with the lowest percent among the ongoing states) when every such state is at least
    /// ongoing, else not_started. Consequences checked as well: a measure completed (or n/a)
    /// under all_states is completed or n/a in every state, so all_states.completed +
    /// all_states.n/a ≤ completed + n/a of each state, and the same for implemented; and with a
    /// single state, all_states is that state's own tally.
    #[test]
    fn all_states_takes_the_weakest_applicable_status_of_each_measure(
        w in world(),
        at in instant(),
        chosen in prop::sample::subsequence(STATES.to_vec(), 1..=4),
    ) {
        let index = index_of(&w.facts);
        let selection = w.outline.select(None, None, None).expect("the whole tree");
        let states = codes(&chosen);

        let c = compare(&w.outline, &selection, &index, &states, at);

        let mut expected = Tally::default();
        for &m in &selection.measures {
            let id = w.outline.nodes[m].id;
            let applicable: Vec<Cell> = states
                .iter()
                .map(|s| in_force_by_hand(&w.facts, id, &Scope::State(s.clone()), at))
                .filter(|cell| cell.status != Status::NotApplicable)
                .collect();
            if applicable.is_empty() {
                expected.add(Status::NotApplicable, None);
            } else if applicable.iter().all(|cell| cell.status == Status::Completed) {
                expected.add(Status::Completed, None);
            } else if applicable.iter().all(|cell| cell.status != Status::NotStarted) {
                let weakest = applicable
                    .iter()
                    .filter(|cell| cell.status == Status::Ongoing)
                    .min_by_key(|cell| super::progress_points(cell.status, cell.progress))
                    .expect("one ongoing at least");
                expected.add(Status::Ongoing, weakest.progress);
            } else {
                expected.add(Status::NotStarted, None);
                // a participant without a report makes the measure `unreported`
                if applicable.iter().any(|cell| !cell.reported()) {
                    expected.unreported += 1;
                }
            }
        }
        prop_assert_eq!(tally_of(&c.all_states), expected);
        for s in &c.states {
            prop_assert!(
                c.all_states.completed + c.all_states.not_applicable
                    <= s.rate.completed + s.rate.not_applicable
            );
            prop_assert!(
                c.all_states.completed + c.all_states.ongoing + c.all_states.not_applicable
                    <= s.rate.completed + s.rate.ongoing + s.rate.not_applicable
            );
            prop_assert!(c.all_states.not_applicable <= s.rate.not_applicable);
        }
        if let [only] = c.states.as_slice() {
            prop_assert_eq!(tally_of(&c.all_states), tally_of(&only.rate));
        }
    }

    /// mean_of_states is taken over the states with something applicable, and each mean lies
    /// between the lowest and the highest of those states' rates.
    #[test]
    fn the_mean_of_states_lies_between_the_weakest_and_the_strongest_state(
        w in world(),
        at in instant(),
    ) {
        let index = index_of(&w.facts);
        let selection = w.outline.select(None, None, None).expect("the whole tree");

        let c = compare(&w.outline, &selection, &index, &states(), at);

        let counted: Vec<&Rate> = c.states.iter().map(|s| &s.rate).filter(|r| r.applicable > 0).collect();
        prop_assert_eq!(c.mean_of_states.states, u64::try_from(counted.len()).expect("few"));
        let pairs = [
            (c.mean_of_states.completion_rate, counted.iter().map(|r| r.completion_rate).collect::<Vec<_>>()),
            (c.mean_of_states.implementation_rate, counted.iter().map(|r| r.implementation_rate).collect()),
            (c.mean_of_states.progress_index, counted.iter().map(|r| r.progress_index).collect()),
        ];
        for (mean, rates) in pairs {
            let rates: Vec<f64> = rates.into_iter().flatten().collect();
            match mean {
                None => prop_assert!(rates.is_empty()),
                Some(mean) => {
                    let low = rates.iter().copied().fold(f64::INFINITY, f64::min);
                    let high = rates.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    // a float sum divided by n may land one rounding away from equal rates
                    prop_assert!(low - 1e-12 <= mean && mean <= high + 1e-12, "{} not in [{}, {}]", mean, low, high);
                }
            }
        }
    }

    /// A timeline point is the progress on its date, and a known_at after every recording
    /// changes nothing.
    #[test]
    fn a_timeline_point_is_the_progress_on_its_date(
        w in world(),
        s in prop::sample::select(SCOPES.to_vec()),
    ) {
        let index = index_of(&w.facts);
        let selection = w.outline.select(None, None, None).expect("the whole tree");
        let dates = period_ends(d("2026-01-01"), d("2026-06-15"), Every::Month, 100).expect("6");
        let late = t("2030-01-01T00:00:00Z");

        let points = timeline(&w.outline, &selection, &index, &scope(s), &dates, None);
        let known = timeline(&w.outline, &selection, &index, &scope(s), &dates, Some(late));

        prop_assert_eq!(points.len(), dates.len());
        for ((point, known), &date) in points.iter().zip(&known).zip(&dates) {
            let p = progress(&w.outline, &selection, &index, &scope(s), At::on(date));
            prop_assert_eq!(point.date, date);
            prop_assert_eq!(point.rate, p.overall);
            prop_assert_eq!(known.rate, p.overall);
        }
    }

    /// A timeline's dates ascend within [from, to], end on `to`, and are calendar period ends
    /// before it; the limit refuses exactly the series longer than `max`, with their length.
    /// (`from` ≤ `to` here: the service refuses the other order before asking.)
    #[test]
    fn period_ends_ascend_to_the_last_date_and_are_refused_with_their_exact_count(
        from_days in 0_i64..1200,
        span in 0_i64..800,
        every in prop::sample::select(vec![Every::Month, Every::Quarter, Every::Year]),
        max in 0_usize..40,
    ) {
        let from = d("2024-01-01") + Duration::days(from_days);
        let to = from + Duration::days(span);
        let all = period_ends(from, to, every, 100_000).expect("a short series");

        prop_assert_eq!(all.last(), Some(&to));
        prop_assert!(all.windows(2).all(|w| w[0] < w[1]));
        prop_assert!(all.iter().all(|&date| from <= date && date <= to));
        let step = match every { Every::Month => 1, Every::Quarter => 3, Every::Year => 12 };
        for date in &all[..all.len() - 1] {
            let next = date.succ_opt().expect("a next day");
            prop_assert!(next.day() == 1 && next.month0() % step == 0, "{}", date);
        }
        let limited = period_ends(from, to, every, max);
        if all.len() <= max {
            prop_assert_eq!(limited, Ok(all));
        } else {
            prop_assert_eq!(limited, Err(all.len()));
        }
    }

    /// Display rounds half away from zero to one decimal: the shown value is within 0.05 of
    /// the exact percentage, and an exact half of a tenth is rounded up.
    #[test]
    fn a_percent_is_the_exact_fraction_rounded_half_up_to_a_tenth(n in 0_u64..5000, extra in 0_u64..5000) {
        let den = n + extra + 1;
        let shown = percent(n, den).expect("a denominator");
        let value: f64 = shown.trim_end_matches('%').parse().expect("a number");
        // 1000 n / den tenths, exactly: shown×10 = floor(1000 n / den + 1/2)
        let tenths = (value * 10.0).round();
        let exact_times_2 = 2000.0 * n as f64 / den as f64;
        prop_assert!(2.0 * tenths <= exact_times_2 + 1.0 + 1e-9, "{}/{} shown {}", n, den, shown);
        prop_assert!(2.0 * tenths > exact_times_2 - 1.0, "{}/{} shown {}", n, den, shown);
    }
}
