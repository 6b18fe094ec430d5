//! The demo's reporting rounds of the Strategic Plan (issue 15): two past rounds, `2026-Q2` and
//! `2026-Q3`, where most states submitted on time and were accepted, one submitted late, one
//! never submitted, and one was returned then submitted again; and `2026-Q4`, open, with a few
//! states submitted. Every entry has an explicit past instant, so the figures are the same
//! whatever day the demo is loaded (after 2026-12-02).

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};

use crate::domain::{StateCode, SubmissionAction};

/// The framework the demo rounds belong to.
pub const DEMO_ROUNDS_FRAMEWORK: &str = "ascc-strategic-plan";

/// One entry of a demo round's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoEntry {
    pub scope: StateCode,
    pub action: SubmissionAction,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

/// One demo round with its log, in the order written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRound {
    pub code: &'static str,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
    pub log: Vec<DemoEntry>,
}

/// What happens to one state in a past round.
enum Path {
    /// Submitted on time, accepted.
    OnTime,
    /// Submitted after the deadline, accepted.
    Late,
    /// Never submitted.
    Missing,
    /// Submitted, returned, submitted again on time, accepted.
    ReturnedThenResubmitted,
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// `day` at `hour`:00 UTC.
fn at(day: NaiveDate, hour: i64) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc() + TimeDelta::hours(hour)
}

fn entry(scope: &StateCode, action: SubmissionAction, instant: DateTime<Utc>) -> DemoEntry {
    DemoEntry {
        scope: scope.clone(),
        action,
        reason: (action == SubmissionAction::Returned).then(|| {
            "[DEMO] Measures 1.1.2 and 3.2.1 have no evidence link; add them and submit again."
                .to_owned()
        }),
        at: instant,
    }
}

/// A past round's log: each participant (in code order, the i-th submitting on the i-th day
/// after the round opened) follows its path; `late`, `missing` and `returned` name the
/// exceptions.
fn past_log(
    participants: &[StateCode],
    opens_on: NaiveDate,
    due_on: NaiveDate,
    late: &str,
    missing: &str,
    returned: &str,
) -> Vec<DemoEntry> {
    use SubmissionAction::{Accepted, Returned, Submitted};
    let mut log = Vec::new();
    for (i, state) in participants.iter().enumerate() {
        let path = match state.as_str() {
            s if s == late => Path::Late,
            s if s == missing => Path::Missing,
            s if s == returned => Path::ReturnedThenResubmitted,
            _ => Path::OnTime,
        };
        let offset = i64::try_from(i).unwrap_or(0);
        let first = at(opens_on, 2 + offset * 24 * 2);
        match path {
            Path::OnTime => {
                log.push(entry(state, Submitted, first));
                log.push(entry(state, Accepted, first + TimeDelta::days(3)));
            }
            Path::Late => {
                let submitted = at(due_on, 24 * 5 + 3);
                log.push(entry(state, Submitted, submitted));
                log.push(entry(state, Accepted, submitted + TimeDelta::days(2)));
            }
            Path::Missing => {}
            Path::ReturnedThenResubmitted => {
                log.push(entry(state, Submitted, first));
                log.push(entry(state, Returned, first + TimeDelta::days(2)));
                log.push(entry(state, Submitted, first + TimeDelta::days(9)));
                log.push(entry(state, Accepted, first + TimeDelta::days(12)));
            }
        }
    }
    log.sort_by_key(|e| e.at);
    log
}

/// The demo rounds for these participants (code order).
pub fn rounds(participants: &[StateCode]) -> Vec<DemoRound> {
    let q2 = (date(2026, 6, 16), date(2026, 7, 31));
    let q3 = (date(2026, 9, 16), date(2026, 10, 31));
    let q4_log = participants
        .iter()
        .filter(|s| matches!(s.as_str(), "IDN" | "SGP" | "VNM"))
        .enumerate()
        .map(|(i, s)| {
            let hour = 3 + i64::try_from(i).unwrap_or(0) * 9;
            entry(s, SubmissionAction::Submitted, at(date(2026, 12, 1), hour))
        })
        .collect();
    vec![
        DemoRound {
            code: "2026-Q2",
            period_start: date(2026, 4, 1),
            period_end: date(2026, 6, 30),
            opens_on: q2.0,
            due_on: q2.1,
            log: past_log(participants, q2.0, q2.1, "LAO", "KHM", "PHL"),
        },
        DemoRound {
            code: "2026-Q3",
            period_start: date(2026, 7, 1),
            period_end: date(2026, 9, 30),
            opens_on: q3.0,
            due_on: q3.1,
            log: past_log(participants, q3.0, q3.1, "KHM", "MMR", "THA"),
        },
        DemoRound {
            code: "2026-Q4",
            period_start: date(2026, 10, 1),
            period_end: date(2026, 12, 31),
            opens_on: date(2026, 12, 1),
            due_on: date(2027, 1, 31),
            log: q4_log,
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_past_round_has_one_late_one_missing_and_one_returned_then_resubmitted() {
        let states: Vec<StateCode> = [
            "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM",
        ]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
        let rounds = rounds(&states);
        assert_eq!(rounds.len(), 3);
        let q2 = &rounds[0];
        let of = |state: &str| -> Vec<SubmissionAction> {
            q2.log
                .iter()
                .filter(|e| e.scope.as_str() == state)
                .map(|e| e.action)
                .collect()
        };
        use SubmissionAction::{Accepted, Returned, Submitted};
        assert_eq!(of("KHM"), []);
        assert_eq!(of("PHL"), [Submitted, Returned, Submitted, Accepted]);
        assert_eq!(of("VNM"), [Submitted, Accepted]);
        let lao = q2.log.iter().find(|e| e.scope.as_str() == "LAO").unwrap();
        assert_eq!(
            lao.at,
            "2026-08-05T03:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        // The last on-time state submits 20 days after opening: before the due date.
        assert!(
            q2.log
                .iter()
                .all(|e| e.scope.as_str() == "LAO" || e.at.date_naive() < q2.due_on)
        );
        assert_eq!(rounds[2].log.len(), 3);
        assert!(
            rounds[2]
                .log
                .iter()
                .all(|e| e.at < "2026-12-02T00:00:00Z".parse::<DateTime<Utc>>().unwrap())
        );
    }
}
