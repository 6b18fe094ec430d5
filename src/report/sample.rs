//! A small, fixed [`ReviewData`] for the renderers' tests (no database needed).

use chrono::{Days, NaiveDate};

use super::{CoverageLine, FrameworkInfo, HeatRow, MeasureLine, ReviewData, RoundReport, SubRow};
use crate::domain::{StateCode, Status};
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
        indicators: 0,
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
    }
}
