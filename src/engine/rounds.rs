//! Reporting rounds' figures (issue 15): who submitted on time, late, who is missing, whose
//! round is still open or was returned; the regional completeness and timeliness; each state's
//! coverage of the round's period; the state × round matrix. Pure: the instant the figures are
//! for (`now`) is a parameter.
//!
//! Decisions:
//! - **The deadline** is the end of the due date anywhere in ASEAN: midnight after `due_on` in
//!   the westernmost zone, UTC+06:30 (Myanmar), i.e. `due_on` 17:30:00 UTC. A submission at
//!   17:29:59.999999 UTC is on time; at 17:30:00 it is late.
//! - **The submission that counts** is the latest `submitted` one not followed by a return;
//!   `accepted` says whether the Secretariat accepted it.
//! - **Returned** (the latest action is a return) stays `returned` after the due date too, never
//!   `missing`: the state did submit and the Secretariat is waiting for a correction. It is not
//!   submitted, so it lowers completeness and timeliness exactly as `missing` does.
//! - **Expected participants** are the states participating on `period_end` whose participation
//!   began on or before `opens_on`; a state that joined after the round opened is listed in
//!   `not_expected` and counted nowhere.
//! - Log entries after `now` are ignored, so the figures at an earlier instant can be
//!   reproduced.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, TimeDelta, Utc};
use serde::Serialize;

use super::rates::ratio;
use crate::domain::{Participation, StateCode, Status, Submission, SubmissionAction};

/// The westernmost ASEAN time zone's offset from UTC (Myanmar, UTC+06:30), in minutes.
const WESTERNMOST_OFFSET_MINUTES: i64 = 6 * 60 + 30;

/// The first instant that is late for a round due on `due_on`: the day after it begins at
/// UTC+06:30, i.e. `due_on` 17:30 UTC.
pub fn deadline(due_on: NaiveDate) -> DateTime<Utc> {
    let next = due_on.checked_add_days(Days::new(1)).unwrap_or(due_on);
    next.and_time(NaiveTime::MIN).and_utc() - TimeDelta::minutes(WESTERNMOST_OFFSET_MINUTES)
}

/// Where a participant stands in a round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundStanding {
    /// Submitted before the deadline (and not returned since).
    SubmittedOnTime,
    /// Submitted at or after the deadline (and not returned since).
    SubmittedLate,
    /// Past the deadline with nothing submitted.
    Missing,
    /// Before the deadline, nothing submitted yet.
    Open,
    /// The latest submission was returned and not submitted again (before or after the
    /// deadline).
    Returned,
}

impl RoundStanding {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundStanding::SubmittedOnTime => "submitted_on_time",
            RoundStanding::SubmittedLate => "submitted_late",
            RoundStanding::Missing => "missing",
            RoundStanding::Open => "open",
            RoundStanding::Returned => "returned",
        }
    }
}

/// One expected participant's round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ParticipantRound {
    pub state: StateCode,
    pub standing: RoundStanding,
    /// Whether the Secretariat accepted the submission that counts.
    pub accepted: bool,
    /// The instant of the submission that counts (`null` when none counts).
    pub submitted_at: Option<DateTime<Utc>>,
    /// The latest action in the log and its instant (`null`: nothing yet).
    pub last_action: Option<SubmissionAction>,
    pub last_action_at: Option<DateTime<Utc>>,
    /// The reason of the latest return, while the state is `returned`.
    pub returned_reason: Option<String>,
}

/// A round's regional counts, with completeness and timeliness.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct RoundCounts {
    /// The first late instant (`due_on` 17:30 UTC).
    pub deadline: DateTime<Utc>,
    /// Whether the deadline has passed at the instant of the figures.
    pub past_due: bool,
    pub participants: u64,
    /// On time + late.
    pub submitted: u64,
    pub on_time: u64,
    pub late: u64,
    pub missing: u64,
    pub open: u64,
    pub returned: u64,
    pub accepted: u64,
    /// submitted / participants (`null` with no participant).
    pub completeness: Option<f64>,
    /// on_time / participants (`null` with no participant).
    pub timeliness: Option<f64>,
}

/// A round's completeness and timeliness: the regional counts and every expected
/// participant's standing.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Completeness {
    #[serde(flatten)]
    pub counts: RoundCounts,
    pub states: Vec<ParticipantRound>,
    /// States participating on `period_end` that joined after the round opened: not counted.
    pub not_expected: Vec<StateCode>,
}

/// The dates of a round the figures need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundDates {
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// The expected participants of a round and those not expected (joined after it opened), each
/// in code order.
pub fn expected_participants(
    round: RoundDates,
    participations: &[Participation],
) -> (Vec<StateCode>, Vec<StateCode>) {
    let mut expected: Vec<StateCode> = Vec::new();
    let mut late_joiners: Vec<StateCode> = Vec::new();
    for p in participations
        .iter()
        .filter(|p| p.active_on(round.period_end))
    {
        if p.from_date <= round.opens_on {
            expected.push(p.state.clone());
        } else {
            late_joiners.push(p.state.clone());
        }
    }
    expected.sort();
    expected.dedup();
    late_joiners.sort();
    late_joiners.dedup();
    late_joiners.retain(|s| !expected.contains(s));
    (expected, late_joiners)
}

/// A round's completeness at `now` from its log (any order; entries of other rounds must not
/// be in it).
pub fn completeness(
    round: RoundDates,
    participations: &[Participation],
    log: &[Submission],
    now: DateTime<Utc>,
) -> Completeness {
    let due = deadline(round.due_on);
    let past_due = now >= due;
    let (expected, not_expected) = expected_participants(round, participations);
    let mut states = Vec::with_capacity(expected.len());
    for state in expected {
        let mut entries: Vec<&Submission> = log
            .iter()
            .filter(|s| s.scope == state && s.at <= now)
            .collect();
        // In the order written (ids): a write's instant is stamped before it waits for the lock.
        entries.sort_by_key(|s| s.id);
        states.push(standing_of(state, &entries, due, past_due));
    }
    let count =
        |standing: RoundStanding| states.iter().filter(|s| s.standing == standing).count() as u64;
    let participants = states.len() as u64;
    let on_time = count(RoundStanding::SubmittedOnTime);
    let late = count(RoundStanding::SubmittedLate);
    let submitted = on_time + late;
    Completeness {
        counts: RoundCounts {
            deadline: due,
            past_due,
            participants,
            submitted,
            on_time,
            late,
            missing: count(RoundStanding::Missing),
            open: count(RoundStanding::Open),
            returned: count(RoundStanding::Returned),
            accepted: states.iter().filter(|s| s.accepted).count() as u64,
            completeness: ratio(submitted, participants),
            timeliness: ratio(on_time, participants),
        },
        states,
        not_expected,
    }
}

/// One state's standing from its log entries in order.
fn standing_of(
    state: StateCode,
    entries: &[&Submission],
    due: DateTime<Utc>,
    past_due: bool,
) -> ParticipantRound {
    let last = entries.last();
    let mut out = ParticipantRound {
        state,
        standing: if past_due {
            RoundStanding::Missing
        } else {
            RoundStanding::Open
        },
        accepted: false,
        submitted_at: None,
        last_action: last.map(|s| s.action),
        last_action_at: last.map(|s| s.at),
        returned_reason: None,
    };
    match last.map(|s| s.action) {
        None => {}
        Some(SubmissionAction::Returned) => {
            out.standing = RoundStanding::Returned;
            out.returned_reason = last.and_then(|s| s.reason.clone());
        }
        Some(action) => {
            let counted = entries
                .iter()
                .rev()
                .find(|s| s.action == SubmissionAction::Submitted);
            if let Some(counted) = counted {
                out.submitted_at = Some(counted.at);
                out.standing = if counted.at < due {
                    RoundStanding::SubmittedOnTime
                } else {
                    RoundStanding::SubmittedLate
                };
                out.accepted = action == SubmissionAction::Accepted;
            }
        }
    }
    out
}

/// A state's coverage of a round's period: of its applicable measures, how many have a report
/// in force at `period_end` effective within the period, how many carry an earlier report
/// forward, and how many were never reported.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub state: StateCode,
    /// Measures whose status in force at `period_end` is not `not_applicable` (no report counts
    /// as applicable).
    pub applicable: u64,
    /// Applicable measures with a report in force effective within [period_start, period_end].
    pub reported_this_round: u64,
    /// Applicable measures whose report in force is effective before `period_start`.
    pub carried_forward: u64,
    /// Applicable measures with no report in force.
    pub never_reported: u64,
    /// reported_this_round / applicable (`null` when nothing is applicable).
    pub coverage: Option<f64>,
}

/// One (measure, state) pair at `period_end`: the status in force and its effective date
/// (`None`, `None`: no report in force).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairInForce {
    pub status: Option<Status>,
    pub effective: Option<NaiveDate>,
}

/// A state's coverage of a round from its pairs in force at `period_end`.
pub fn coverage(
    state: StateCode,
    round: RoundDates,
    pairs: impl IntoIterator<Item = PairInForce>,
) -> Coverage {
    let mut out = Coverage {
        state,
        applicable: 0,
        reported_this_round: 0,
        carried_forward: 0,
        never_reported: 0,
        coverage: None,
    };
    for pair in pairs {
        if pair.status == Some(Status::NotApplicable) {
            continue;
        }
        out.applicable += 1;
        match pair.effective {
            Some(d) if round.period_start <= d && d <= round.period_end => {
                out.reported_this_round += 1;
            }
            Some(d) if d < round.period_start => out.carried_forward += 1,
            // A report effective after the period's end is not in force at its end.
            _ => out.never_reported += 1,
        }
    }
    out.coverage = ratio(out.reported_this_round, out.applicable);
    out
}

/// One row of the state × round matrix: a state's standing in every round (`null` where it was
/// not expected).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MatrixRow {
    pub state: StateCode,
    pub rounds: Vec<Option<RoundStanding>>,
}

/// The state × round matrix from each round's completeness (in round order): one row per state
/// expected in any round, in code order.
pub fn matrix(rounds: &[Completeness]) -> Vec<MatrixRow> {
    let mut states: Vec<StateCode> = rounds
        .iter()
        .flat_map(|c| c.states.iter().map(|s| s.state.clone()))
        .collect();
    states.sort();
    states.dedup();
    states
        .into_iter()
        .map(|state| MatrixRow {
            rounds: rounds
                .iter()
                .map(|c| {
                    c.states
                        .iter()
                        .find(|s| s.state == state)
                        .map(|s| s.standing)
                })
                .collect(),
            state,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// participants, submitted, on time, late, missing, open, returned.
    fn tally(c: &RoundCounts) -> (u64, u64, u64, u64, u64, u64, u64) {
        (
            c.participants,
            c.submitted,
            c.on_time,
            c.late,
            c.missing,
            c.open,
            c.returned,
        )
    }

    fn code(s: &str) -> StateCode {
        s.parse().unwrap()
    }

    fn part(state: &str, from: &str) -> Participation {
        Participation {
            state: code(state),
            from_date: d(from),
            until_date: None,
        }
    }

    fn entry(id: i64, state: &str, action: SubmissionAction, at: &str) -> Submission {
        Submission {
            id,
            round: "2026-Q3".to_owned(),
            scope: code(state),
            action,
            reason: (action == SubmissionAction::Returned).then(|| "fix 1.1.2".to_owned()),
            by: None,
            at: t(at),
        }
    }

    const Q3: RoundDates = RoundDates {
        period_start: match NaiveDate::from_ymd_opt(2026, 7, 1) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
        period_end: match NaiveDate::from_ymd_opt(2026, 9, 30) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
        opens_on: match NaiveDate::from_ymd_opt(2026, 9, 16) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
        due_on: match NaiveDate::from_ymd_opt(2026, 10, 31) {
            Some(d) => d,
            None => NaiveDate::MIN,
        },
    };

    #[test]
    fn the_deadline_is_the_end_of_the_due_date_in_myanmar() {
        assert_eq!(deadline(d("2026-10-31")), t("2026-10-31T17:30:00Z"));
        assert_eq!(deadline(d("2026-12-31")), t("2026-12-31T17:30:00Z"));
    }

    /// The hand-computed table: seven participants on 2026-09-30, one joined after opening.
    ///
    /// | state | log | at 2026-11-15 |
    /// |---|---|---|
    /// | BRN | submitted 10-31 17:29:59.999999 | on time |
    /// | IDN | submitted 10-31 17:30:00 | late |
    /// | KHM | nothing | missing |
    /// | LAO | submitted 10-01, returned 10-05 | returned |
    /// | MMR | submitted 10-01, returned 10-05, submitted 10-20, accepted 10-25 | on time, accepted |
    /// | MYS | submitted 10-01, returned 10-05, submitted 11-02 | late |
    /// | PHL | submitted 11-20 (after `now`) | missing |
    /// | TLS | joined 2026-09-20: not expected |
    #[test]
    fn a_round_after_its_deadline_counts_on_time_late_missing_and_returned() {
        use SubmissionAction::{Accepted, Returned, Submitted};
        let participations = [
            part("BRN", "2026-01-01"),
            part("IDN", "2026-01-01"),
            part("KHM", "2026-01-01"),
            part("LAO", "2026-01-01"),
            part("MMR", "2026-01-01"),
            part("MYS", "2026-01-01"),
            part("PHL", "2026-01-01"),
            part("TLS", "2026-09-20"),
        ];
        let log = [
            entry(1, "BRN", Submitted, "2026-10-31T17:29:59.999999Z"),
            entry(2, "IDN", Submitted, "2026-10-31T17:30:00Z"),
            entry(3, "LAO", Submitted, "2026-10-01T00:00:00Z"),
            entry(4, "LAO", Returned, "2026-10-05T00:00:00Z"),
            entry(5, "MMR", Submitted, "2026-10-01T00:00:00Z"),
            entry(6, "MMR", Returned, "2026-10-05T00:00:00Z"),
            entry(7, "MMR", Submitted, "2026-10-20T00:00:00Z"),
            entry(8, "MMR", Accepted, "2026-10-25T00:00:00Z"),
            entry(9, "MYS", Submitted, "2026-10-01T00:00:00Z"),
            entry(10, "MYS", Returned, "2026-10-05T00:00:00Z"),
            entry(11, "MYS", Submitted, "2026-11-02T00:00:00Z"),
            entry(12, "PHL", Submitted, "2026-11-20T00:00:00Z"),
            entry(13, "TLS", Submitted, "2026-10-01T00:00:00Z"),
        ];
        let c = completeness(Q3, &participations, &log, t("2026-11-15T00:00:00Z"));
        let standings: Vec<(&str, RoundStanding, bool)> = c
            .states
            .iter()
            .map(|s| (s.state.as_str(), s.standing, s.accepted))
            .collect();
        use RoundStanding as S;
        assert_eq!(
            standings,
            [
                ("BRN", S::SubmittedOnTime, false),
                ("IDN", S::SubmittedLate, false),
                ("KHM", S::Missing, false),
                ("LAO", S::Returned, false),
                ("MMR", S::SubmittedOnTime, true),
                ("MYS", S::SubmittedLate, false),
                ("PHL", S::Missing, false),
            ]
        );
        assert_eq!(c.not_expected, [code("TLS")]);
        assert_eq!(tally(&c.counts), (7, 4, 2, 2, 2, 0, 1));
        assert_eq!(c.counts.accepted, 1);
        assert_eq!(c.counts.completeness, Some(4.0 / 7.0));
        assert_eq!(c.counts.timeliness, Some(2.0 / 7.0));
        assert!(c.counts.past_due);
        let mmr = &c.states[4];
        assert_eq!(mmr.submitted_at, Some(t("2026-10-20T00:00:00Z")));
        assert_eq!(mmr.last_action, Some(Accepted));
        assert_eq!(c.states[3].returned_reason.as_deref(), Some("fix 1.1.2"));
    }

    #[test]
    fn before_the_deadline_nothing_is_missing_and_a_return_waits() {
        use SubmissionAction::{Returned, Submitted};
        let participations = [
            part("BRN", "2026-01-01"),
            part("IDN", "2026-01-01"),
            part("KHM", "2026-01-01"),
        ];
        let log = [
            entry(1, "BRN", Submitted, "2026-10-01T00:00:00Z"),
            entry(2, "IDN", Submitted, "2026-10-01T00:00:00Z"),
            entry(3, "IDN", Returned, "2026-10-02T00:00:00Z"),
        ];
        let c = completeness(Q3, &participations, &log, t("2026-10-31T17:29:59Z"));
        assert!(!c.counts.past_due);
        assert_eq!(tally(&c.counts), (3, 1, 1, 0, 0, 1, 1));
        assert_eq!(c.counts.completeness, Some(1.0 / 3.0));
    }

    #[test]
    fn no_participant_gives_null_fractions() {
        let c = completeness(Q3, &[], &[], t("2026-11-15T00:00:00Z"));
        assert_eq!(
            (
                c.counts.participants,
                c.counts.completeness,
                c.counts.timeliness
            ),
            (0, None, None)
        );
    }

    #[test]
    fn a_state_that_left_before_the_period_end_is_not_expected_at_all() {
        let left = Participation {
            state: code("BRN"),
            from_date: d("2016-01-01"),
            until_date: Some(d("2026-08-31")),
        };
        let (expected, not_expected) = expected_participants(Q3, &[left]);
        assert!(expected.is_empty() && not_expected.is_empty());
    }

    /// | measure | status in force at 09-30 | effective | counts as |
    /// |---|---|---|---|
    /// | 1 | ongoing | 2026-07-01 | this round |
    /// | 2 | completed | 2026-09-30 | this round |
    /// | 3 | ongoing | 2026-06-30 | carried forward |
    /// | 4 | (none) | – | never reported |
    /// | 5 | not_applicable | 2026-08-01 | left out |
    /// | 6 | not_started | 2026-01-31 | carried forward |
    #[test]
    fn coverage_counts_this_rounds_reports_over_the_applicable_measures() {
        let pair = |status: Option<Status>, effective: Option<&str>| PairInForce {
            status,
            effective: effective.map(d),
        };
        let pairs = [
            pair(Some(Status::Ongoing), Some("2026-07-01")),
            pair(Some(Status::Completed), Some("2026-09-30")),
            pair(Some(Status::Ongoing), Some("2026-06-30")),
            pair(None, None),
            pair(Some(Status::NotApplicable), Some("2026-08-01")),
            pair(Some(Status::NotStarted), Some("2026-01-31")),
        ];
        let c = coverage(code("VNM"), Q3, pairs);
        assert_eq!(
            (
                c.applicable,
                c.reported_this_round,
                c.carried_forward,
                c.never_reported
            ),
            (5, 2, 2, 1)
        );
        assert_eq!(c.coverage, Some(2.0 / 5.0));
        let none = coverage(
            code("VNM"),
            Q3,
            [pair(Some(Status::NotApplicable), Some("2026-08-01"))],
        );
        assert_eq!((none.applicable, none.coverage), (0, None));
    }

    #[test]
    fn the_matrix_has_a_row_per_state_and_null_where_not_expected() {
        use SubmissionAction::Submitted;
        let q2 = RoundDates {
            period_start: d("2026-04-01"),
            period_end: d("2026-06-30"),
            opens_on: d("2026-06-16"),
            due_on: d("2026-07-31"),
        };
        let participations = [part("BRN", "2026-01-01"), part("TLS", "2026-08-01")];
        let now = t("2026-11-15T00:00:00Z");
        let first = completeness(
            q2,
            &participations,
            &[entry(1, "BRN", Submitted, "2026-07-01T00:00:00Z")],
            now,
        );
        let second = completeness(
            Q3,
            &[part("BRN", "2026-01-01"), part("TLS", "2026-09-01")],
            &[],
            now,
        );
        let rows = matrix(&[first, second]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].state.as_str(), "BRN");
        assert_eq!(
            rows[0].rounds,
            [
                Some(RoundStanding::SubmittedOnTime),
                Some(RoundStanding::Missing)
            ]
        );
        assert_eq!(rows[1].rounds, [None, Some(RoundStanding::Missing)]);
    }
}
