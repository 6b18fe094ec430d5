//! A small, fixed [`ReviewData`] for the renderers' tests (no database needed).

use chrono::{Days, NaiveDate};

use super::{
    CoverageLine, FrameworkInfo, HeatRow, IndicatorSection, MeasureLine, MeasuredIndicator,
    ReviewData, RoundReport, SubRow,
};
use crate::domain::{
    Basis, Direction, Indicator, Observation, Scope, StateCode, Status, Target, Validation,
};
use crate::engine::At;
use crate::engine::indicators::{IndicatorAt, indicator_progress};
use crate::engine::{Comparison, MeanRate, NodeRate, Point, Rule, StateRate, Tally};

fn tally(completed: u64, ongoing: u64, not_started: u64, not_applicable: u64) -> Tally {
    Tally {
        not_started,
        ongoing,
        completed,
        not_applicable,
        progress_points: completed * 100 + ongoing * 40,
        // Half of the measures not started have no report at all.
        unreported: not_started / 2,
    }
}

fn node(code: &str, title: &str, level: &str, t: Tally) -> NodeRate {
    NodeRate {
        code: code.into(),
        title: title.into(),
        level: level.into(),
        rate: t.rate(Rule::Regional),
    }
}

fn state(code: &str) -> StateCode {
    code.parse().unwrap_or_else(|_| unreachable!("fixed codes"))
}

/// Three goals, five objectives, four member states, eight quarters.
pub fn sample() -> ReviewData {
    let d = |s: &str| s.parse::<NaiveDate>().unwrap_or(NaiveDate::MIN);
    let states = ["IDN", "THA", "TLS", "VNM"];
    let state_tallies = [
        tally(4, 6, 2, 0),
        tally(6, 4, 2, 0),
        tally(1, 3, 7, 1),
        tally(5, 5, 1, 1),
    ];
    let mut cells = Tally::default();
    for t in &state_tallies {
        cells.merge(t);
    }
    let start = d("2026-01-01");
    ReviewData {
        framework: FrameworkInfo {
            code: "ascc-strategic-plan".into(),
            title: "ASEAN Socio-Cultural Community Strategic Plan".into(),
            levels: vec!["goal".into(), "objective".into(), "measure".into()],
            start_date: start,
            end_date: d("2035-12-31"),
            note: Some("12 strategic goals, 16 objectives, 112 strategic measures".into()),
        },
        as_of: d("2027-12-31"),
        known_at: None,
        generated_at: "2028-01-15T09:00:00Z".parse().unwrap_or_default(),
        source: "blueprint-tracker status reports (sample data for tests)".into(),
        overall: tally(5, 5, 2, 0).rate(Rule::Regional),
        top: vec![
            node("SG1", "People-centred community", "goal", tally(2, 3, 1, 0)),
            node("SG2", "Caring community", "goal", tally(3, 1, 0, 0)),
            node("SG3", "Demographic bonus", "goal", tally(0, 1, 1, 0)),
        ],
        second: vec![
            SubRow {
                parent: "SG1".into(),
                node: node("1.1", "Digital society", "objective", tally(1, 2, 1, 0)),
            },
            SubRow {
                parent: "SG1".into(),
                node: node(
                    "1.2",
                    "Participative community",
                    "objective",
                    tally(1, 1, 0, 0),
                ),
            },
            SubRow {
                parent: "SG2".into(),
                node: node("2.1", "Quality of life", "objective", tally(3, 1, 0, 0)),
            },
            SubRow {
                parent: "SG3".into(),
                node: node("3.1", "Inclusive education", "objective", tally(0, 1, 1, 0)),
            },
            SubRow {
                parent: "SG3".into(),
                node: node("3.2", "Decent jobs", "objective", tally(0, 0, 0, 0)),
            },
        ],
        comparison: Comparison {
            states: states
                .iter()
                .zip(&state_tallies)
                .map(|(s, t)| StateRate {
                    state: state(s),
                    rate: t.rate(Rule::Scope),
                })
                .collect(),
            all_states: tally(1, 7, 4, 0).rate(Rule::AllStates),
            mean_of_states: MeanRate::of(&state_tallies),
            cells: cells.rate(Rule::Cells),
            regional: tally(5, 5, 2, 0).rate(Rule::Regional),
        },
        heat: states
            .iter()
            .enumerate()
            .map(|(i, s)| HeatRow {
                state: state(s),
                completion: vec![
                    Some(0.1 * (i as f64 + 1.0)),
                    Some(0.9 - 0.2 * i as f64),
                    if i == 2 { None } else { Some(0.5) },
                ],
            })
            .collect(),
        timeline: (0..8_u64)
            .map(|q| Point {
                date: start
                    .checked_add_days(Days::new(90 * (q + 1)))
                    .unwrap_or(start),
                rate: tally(
                    q.saturating_sub(2),
                    2 + q / 2,
                    12 - q.saturating_sub(2) - 2 - q / 2,
                    0,
                )
                .rate(Rule::Regional),
            })
            .collect(),
        not_started: vec![
            MeasureLine {
                code: "1.1.3".into(),
                title: "Digital literacy for older persons".into(),
                regional: Status::NotStarted,
                states_not_started: vec![state("TLS"), state("VNM")],
                last_report: None,
            },
            MeasureLine {
                code: "3.1.2".into(),
                title: "Regional qualifications framework for TVET".into(),
                regional: Status::NotStarted,
                states_not_started: vec![state("TLS")],
                last_report: Some(d("2026-06-30")),
            },
        ],
        stale: vec![MeasureLine {
            code: "3.1.2".into(),
            title: "Regional qualifications framework for TVET".into(),
            regional: Status::NotStarted,
            states_not_started: vec![state("TLS")],
            last_report: Some(d("2026-06-30")),
        }],
        indicators: indicators(&states, d("2027-12-31")),
        rounds: vec![
            RoundReport {
                code: "2027-Q3".into(),
                period_start: d("2027-07-01"),
                period_end: d("2027-09-30"),
                due_on: d("2027-10-31"),
                past_due: true,
                participants: 4,
                submitted: 3,
                on_time: 2,
                late: 1,
                missing: 1,
                open: 0,
                returned: 0,
                standings: vec![
                    (state("IDN"), "submitted_on_time".into()),
                    (state("THA"), "submitted_late".into()),
                    (state("TLS"), "missing".into()),
                    (state("VNM"), "submitted_on_time".into()),
                ],
                coverage: Vec::new(),
            },
            RoundReport {
                code: "2027-Q4".into(),
                period_start: d("2027-10-01"),
                period_end: d("2027-12-31"),
                due_on: d("2028-01-31"),
                past_due: false,
                participants: 4,
                submitted: 1,
                on_time: 1,
                late: 0,
                missing: 0,
                open: 2,
                returned: 1,
                standings: vec![
                    (state("IDN"), "submitted_on_time".into()),
                    (state("THA"), "returned".into()),
                    (state("TLS"), "open".into()),
                    (state("VNM"), "open".into()),
                ],
                coverage: vec![
                    CoverageLine {
                        state: state("IDN"),
                        applicable: 12,
                        reported_this_round: 9,
                        carried_forward: 2,
                        never_reported: 1,
                    },
                    CoverageLine {
                        state: state("THA"),
                        applicable: 12,
                        reported_this_round: 4,
                        carried_forward: 5,
                        never_reported: 3,
                    },
                    CoverageLine {
                        state: state("TLS"),
                        applicable: 11,
                        reported_this_round: 0,
                        carried_forward: 3,
                        never_reported: 8,
                    },
                    CoverageLine {
                        state: state("VNM"),
                        applicable: 12,
                        reported_this_round: 6,
                        carried_forward: 6,
                        never_reported: 0,
                    },
                ],
            },
        ],
        basis: crate::domain::Basis::Reported,
        other_basis: None,
        claims: claims(),
        illustrative: false,
        issued_by: None,
        logo: None,
        executive_summary: None,
        annexes: Default::default(),
        edition: None,
    }
}

/// Two published figures of the sample's framework (complete measure list, 12 measures):
/// claim 1, "90%" implemented, superseded by claim 2, "83.3%", which the regional figure
/// (10 of 12) reproduces; before any report the publication day has no figure to compare.
fn claims() -> Vec<super::CheckedClaim> {
    use crate::domain::{Claim, MeasureList, Metric};
    use crate::engine::claims::{RuleFigure, Unit, check_at, end_of_day};
    let d = |s: &str| s.parse::<NaiveDate>().unwrap_or(NaiveDate::MIN);
    let claim = |id: i64, value: f64, precision: f64| Claim {
        id,
        framework: "ascc-strategic-plan".into(),
        scope: Scope::Asean,
        metric: Metric::ImplementationRate,
        indicator: None,
        value,
        precision,
        as_of: d("2027-06-30"),
        published_on: d("2027-07-15"),
        statement: format!("{} of the strategic measures are being implemented.", {
            if id == 1 { "Nine in ten" } else { "83.3%" }
        }),
        source_title: "Mid-term review of the Strategic Plan".into(),
        source_url: (id == 2).then(|| "https://example.org/mid-term-review".into()),
        note: None,
        supersedes: (id == 2).then_some(1),
        superseded_by: (id == 1).then_some(2),
        recorded_by: None,
        recorded_at: end_of_day(d("2027-07-16")),
    };
    let list = MeasureList::read(None, 12);
    let figure = |rule, figure: Option<f64>, rests_on, unit, reported| RuleFigure {
        rule,
        figure,
        rests_on,
        unit,
        reported,
        not_defined: None,
    };
    // As known at the report's instant: regional 10/12, all_states 6/12, mean 0.72, cells
    // 34/46.
    let now = || {
        vec![
            figure(Rule::Regional, Some(10.0 / 12.0), 12, Unit::Measures, true),
            figure(Rule::AllStates, Some(0.5), 12, Unit::Measures, true),
            figure(Rule::MeanOfStates, Some(0.72), 4, Unit::States, true),
            figure(Rule::Cells, Some(34.0 / 46.0), 46, Unit::Cells, true),
        ]
    };
    // On the publication day no report was in force yet.
    let then = || {
        vec![
            figure(Rule::Regional, Some(0.0), 12, Unit::Measures, false),
            figure(Rule::AllStates, Some(0.0), 12, Unit::Measures, false),
            figure(Rule::MeanOfStates, None, 0, Unit::States, false),
            figure(Rule::Cells, Some(0.0), 46, Unit::Cells, false),
        ]
    };
    let instant = "2028-01-15T09:00:00Z"
        .parse()
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    [claim(1, 0.9, 0.01), claim(2, 0.833, 0.001)]
        .into_iter()
        .map(|c| super::CheckedClaim {
            at_publication: check_at(&c, &list, end_of_day(c.published_on), then()),
            at_report: check_at(&c, &list, instant, now()),
            measure_list: list.clone(),
            id: c.id,
            scope: c.scope,
            metric: c.metric,
            indicator: c.indicator,
            value: c.value,
            precision: c.precision,
            as_of: c.as_of,
            published_on: c.published_on,
            statement: c.statement,
            source_title: c.source_title,
            source_url: c.source_url,
            note: c.note,
            supersedes: c.supersedes,
            superseded_by: c.superseded_by,
        })
        .collect()
}

/// Three indicators, computed by the engine as of `as_of` (points up to 2027):
/// - `SP-1` (SG1, %, increase): ASEAN is DESIGN.md §2b's worked example (baseline 2025 50,
///   target 2030 80, 53 in 2026, 55 in 2027: current status 0.1667, expected 0.4, anticipated
///   value 62.3, anticipated progress 0.41, `needs_acceleration`); IDN rises fast, THA has met
///   its target, TLS falls, VNM has no target;
/// - `SP-2` (SG2, days, 2 decimals, decrease): ASEAN improves slowly; IDN has one point only,
///   VNM worsens;
/// - `SP-3` (SG2, programmes, 0 decimals, increase): ASEAN only, ahead of its path.
///
/// SG3 has none.
fn indicators(states: &[&str], as_of: NaiveDate) -> IndicatorSection {
    let at: chrono::DateTime<chrono::Utc> = "2027-12-31T00:00:00Z".parse().unwrap_or_default();
    let indicator =
        |code: &str, title: &str, unit: &str, direction, decimals, node: &str| Indicator {
            id: 0,
            code: code.into(),
            title: title.into(),
            unit: unit.into(),
            direction,
            decimals,
            node: node.into(),
            source: None,
            note: None,
            retired: false,
        };
    let scope = |s: &str| {
        if s == "ASEAN" {
            Scope::Asean
        } else {
            Scope::State(state(s))
        }
    };
    let mut targets = Vec::new();
    let mut observations = Vec::new();
    let mut target = |code: &str, s: &str, b: (i32, f64), t: (i32, f64)| {
        targets.push(Target {
            id: targets.len() as i64,
            indicator: code.into(),
            scope: scope(s),
            baseline_year: b.0,
            baseline_value: b.1,
            target_year: t.0,
            target_value: t.1,
            note: None,
            recorded_by: None,
            recorded_at: at,
        });
    };
    target("SP-1", "ASEAN", (2025, 50.0), (2030, 80.0));
    target("SP-1", "IDN", (2025, 40.0), (2030, 60.0));
    target("SP-1", "THA", (2025, 70.0), (2030, 75.0));
    target("SP-1", "TLS", (2025, 20.0), (2030, 40.0));
    target("SP-2", "ASEAN", (2025, 10.0), (2030, 6.0));
    target("SP-2", "IDN", (2025, 12.0), (2030, 8.0));
    target("SP-2", "VNM", (2025, 9.0), (2030, 5.0));
    target("SP-3", "ASEAN", (2025, 2.0), (2028, 10.0));
    let mut observe = |code: &str, s: &str, year: i32, value: f64| {
        observations.push(Observation {
            id: observations.len() as i64,
            indicator: code.into(),
            scope: scope(s),
            year,
            value,
            source: None,
            note: None,
            recorded_by: None,
            recorded_at: at,
            validation: Validation::REPORTED,
        });
    };
    for (code, s, year, value) in [
        ("SP-1", "ASEAN", 2026, 53.0),
        ("SP-1", "ASEAN", 2027, 55.0),
        ("SP-1", "IDN", 2026, 48.0),
        ("SP-1", "IDN", 2027, 55.0),
        ("SP-1", "THA", 2026, 76.0),
        ("SP-1", "TLS", 2026, 19.0),
        ("SP-1", "TLS", 2027, 18.0),
        ("SP-2", "ASEAN", 2026, 9.5),
        ("SP-2", "ASEAN", 2027, 9.25),
        ("SP-2", "IDN", 2027, 11.5),
        ("SP-2", "VNM", 2026, 9.1),
        ("SP-2", "VNM", 2027, 9.3),
        ("SP-3", "ASEAN", 2026, 4.0),
        ("SP-3", "ASEAN", 2027, 7.0),
    ] {
        observe(code, s, year, value);
    }
    let participants: Vec<StateCode> = states.iter().map(|s| state(s)).collect();
    let when = IndicatorAt {
        at: At {
            as_of,
            known_at: None,
        },
        basis: Basis::Reported,
    };
    let measured = [
        indicator(
            "SP-1",
            "Households with broadband access",
            "%",
            Direction::Increase,
            1,
            "1.1",
        ),
        indicator(
            "SP-2",
            "Days to register a birth",
            "days",
            Direction::Decrease,
            2,
            "2.1",
        ),
        indicator(
            "SP-3",
            "Regional social protection programmes",
            "programmes",
            Direction::Increase,
            0,
            "SG2",
        ),
    ]
    .into_iter()
    .map(|i| MeasuredIndicator {
        goal: if i.code == "SP-1" { "SG1" } else { "SG2" }.into(),
        progress: indicator_progress(&i, &participants, &targets, &observations, when),
        indicator: i,
    })
    .collect();
    let goals: Vec<(String, String)> = [
        ("SG1", "People-centred community"),
        ("SG2", "Caring community"),
        ("SG3", "Demographic bonus"),
    ]
    .map(|(c, t)| (c.to_owned(), t.to_owned()))
    .to_vec();
    let scopes = std::iter::once(Scope::Asean)
        .chain(participants.into_iter().map(Scope::State))
        .collect();
    IndicatorSection::build(&goals, scopes, as_of, measured)
}

/// The shipped Blueprint claim ("100%" implemented, to the percent) as the demo checks it:
/// the framework's note says its list of measures is incomplete (9 known), and the regional
/// figure on those 9 is 100%.
pub fn blueprint_claim() -> super::CheckedClaim {
    use crate::domain::{MeasureList, Metric};
    use crate::engine::claims::{RuleFigure, Unit, check_at, end_of_day};
    let d = |s: &str| s.parse::<NaiveDate>().unwrap_or(NaiveDate::MIN);
    let note = "the public sources reached here confirm only 9 numbered strategic measures, so \
                the full measure list must be imported from the official document";
    let list = MeasureList::read(Some(note), 9);
    let claim = crate::domain::Claim {
        id: 1,
        framework: "ascc-blueprint-2025".into(),
        scope: Scope::Asean,
        metric: Metric::ImplementationRate,
        indicator: None,
        value: 1.0,
        precision: 0.01,
        as_of: d("2025-10-08"),
        published_on: d("2025-10-08"),
        statement: "100% of strategic measures have been implemented.".into(),
        source_title: "Report of the 34th ASCC Council meeting".into(),
        source_url: Some("https://example.org/ascc-34".into()),
        note: None,
        supersedes: None,
        superseded_by: None,
        recorded_by: None,
        recorded_at: end_of_day(d("2025-10-08")),
    };
    let figures = || {
        [
            (Rule::Regional, Some(1.0), 9, Unit::Measures),
            (Rule::AllStates, Some(0.4), 9, Unit::Measures),
            (Rule::MeanOfStates, Some(0.8), 10, Unit::States),
            (Rule::Cells, Some(0.8), 90, Unit::Cells),
        ]
        .into_iter()
        .map(|(rule, figure, rests_on, unit)| RuleFigure {
            rule,
            figure,
            rests_on,
            unit,
            reported: true,
            not_defined: None,
        })
        .collect()
    };
    let instant = "2026-10-01T00:00:00Z"
        .parse()
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC);
    let at_publication = check_at(&claim, &list, end_of_day(claim.published_on), figures());
    let at_report = check_at(&claim, &list, instant, figures());
    super::CheckedClaim {
        id: claim.id,
        scope: claim.scope,
        metric: claim.metric,
        indicator: claim.indicator,
        value: claim.value,
        precision: claim.precision,
        as_of: claim.as_of,
        published_on: claim.published_on,
        statement: claim.statement,
        source_title: claim.source_title,
        source_url: claim.source_url,
        note: claim.note,
        supersedes: None,
        superseded_by: None,
        measure_list: list,
        at_publication,
        at_report,
    }
}
