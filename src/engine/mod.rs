//! The results-framework engine: pure functions from plain data to figures. No I/O, no clock:
//! the dates it computes for are parameters.

pub mod claims;
mod figures;
mod index;
pub mod indicators;
mod rates;
pub mod rounds;
#[cfg(test)]
mod scenarios;

pub use figures::{
    Comparison, Every, MeasureCells, NodeRate, Outline, OutlineNode, Point, Progress, SelectError,
    Selection, StateRate, compare, measure_cells, period_ends, progress, timeline,
};
pub use index::{At, Cell, ScopeSlot, StatusIndex};
pub use rates::{MeanRate, Rate, Rule, Tally, percent, percent_of, progress_points, ratio};

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::StatusReport;

/// What the as-of rule needs to know of a report.
pub trait Dated {
    fn effective_date(&self) -> NaiveDate;
    fn recorded_at(&self) -> DateTime<Utc>;
    /// The recording sequence (the store's id): breaks ties between reports recorded in the
    /// same instant.
    fn sequence(&self) -> i64;
    /// When the Secretariat returned the report, if it did: from then on it counts no more.
    fn returned_at(&self) -> Option<DateTime<Utc>> {
        None
    }
}

impl Dated for StatusReport {
    fn effective_date(&self) -> NaiveDate {
        self.effective_date
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.recorded_at
    }
    fn sequence(&self) -> i64 {
        self.id
    }
    fn returned_at(&self) -> Option<DateTime<Utc>> {
        match self.validation.state {
            crate::domain::ValidationState::Returned => self.validation.at,
            _ => None,
        }
    }
}

/// The report in force on `as_of` for one (measure, scope) pair: the one with the greatest
/// effective date ≤ `as_of`; among equal effective dates, the one recorded last. With
/// `known_at` = `t`, only reports recorded at or before `t` count, so a figure published at `t`
/// can be reproduced exactly later. A returned report counts no more from the instant it was
/// returned (before it, as known then, it did). `None` means no report: the pair counts as
/// `not_started` (and `unreported`).
pub fn in_force<'a, R: Dated + 'a>(
    reports: impl IntoIterator<Item = &'a R>,
    as_of: NaiveDate,
    known_at: Option<DateTime<Utc>>,
) -> Option<&'a R> {
    reports
        .into_iter()
        .filter(|r| r.effective_date() <= as_of)
        .filter(|r| known_at.is_none_or(|t| r.recorded_at() <= t))
        .filter(|r| {
            r.returned_at()
                .is_none_or(|returned| known_at.is_some_and(|t| t < returned))
        })
        .max_by_key(|r| (r.effective_date(), r.recorded_at(), r.sequence()))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct R(&'static str, &'static str, i64);
    impl Dated for R {
        fn effective_date(&self) -> NaiveDate {
            self.0.parse().unwrap()
        }
        fn recorded_at(&self) -> DateTime<Utc> {
            self.1.parse().unwrap()
        }
        fn sequence(&self) -> i64 {
            self.2
        }
    }

    fn pick(reports: &[R], as_of: &str, known_at: Option<&str>) -> Option<i64> {
        in_force(
            reports,
            as_of.parse().unwrap(),
            known_at.map(|t| t.parse().unwrap()),
        )
        .map(|r| r.2)
    }

    #[test]
    fn the_latest_effective_report_on_or_before_the_date_holds() {
        let reports = [
            R("2026-01-31", "2026-02-01T00:00:00Z", 1),
            R("2026-03-31", "2026-04-01T00:00:00Z", 2),
            // recorded later but effective earlier: a back-dated report
            R("2026-02-28", "2026-05-01T00:00:00Z", 3),
        ];
        assert_eq!(pick(&reports, "2026-01-30", None), None);
        assert_eq!(pick(&reports, "2026-01-31", None), Some(1));
        assert_eq!(pick(&reports, "2026-03-01", None), Some(3));
        assert_eq!(pick(&reports, "2026-12-31", None), Some(2));
    }

    #[test]
    fn a_tie_on_the_effective_date_goes_to_the_report_recorded_last() {
        let reports = [
            R("2026-03-31", "2026-04-02T00:00:00Z", 2),
            R("2026-03-31", "2026-04-01T00:00:00Z", 1),
            R("2026-03-31", "2026-04-02T00:00:00Z", 3),
        ];
        assert_eq!(pick(&reports, "2026-03-31", None), Some(3));
    }

    #[test]
    fn a_returned_report_counts_no_more_from_the_instant_it_was_returned() {
        use crate::domain::{Scope, Status, Validation, ValidationState};
        let report = |id: i64, effective: &str, returned: Option<&str>| StatusReport {
            id,
            framework: "f".into(),
            measure: "1.1".into(),
            scope: Scope::Asean,
            status: Status::Ongoing,
            progress: None,
            effective_date: effective.parse().unwrap(),
            note: None,
            evidence_url: None,
            recorded_by: None,
            recorded_at: "2026-04-01T00:00:00Z".parse().unwrap(),
            lock_id: None,
            lock_override: false,
            corrects: None,
            validation: Validation {
                state: if returned.is_some() {
                    ValidationState::Returned
                } else {
                    ValidationState::Reported
                },
                at: returned.map(|t| t.parse().unwrap()),
                ..Validation::REPORTED
            },
        };
        let reports = [
            report(1, "2026-01-31", None),
            report(2, "2026-03-31", Some("2026-05-01T00:00:00Z")),
        ];
        let as_of = "2026-12-31".parse().unwrap();
        let id = |known: Option<&str>| {
            in_force(&reports, as_of, known.map(|t| t.parse().unwrap())).map(|r| r.id)
        };
        assert_eq!(id(None), Some(1));
        assert_eq!(id(Some("2026-04-30T23:59:59Z")), Some(2));
        assert_eq!(id(Some("2026-05-01T00:00:00Z")), Some(1));
    }

    #[test]
    fn known_at_reproduces_an_earlier_publication() {
        let reports = [
            R("2026-03-31", "2026-04-01T00:00:00Z", 1),
            // a correction recorded after publication on 2026-04-15
            R("2026-03-31", "2026-06-01T00:00:00Z", 2),
        ];
        assert_eq!(
            pick(&reports, "2026-03-31", Some("2026-04-15T00:00:00Z")),
            Some(1)
        );
        assert_eq!(pick(&reports, "2026-03-31", None), Some(2));
        assert_eq!(
            pick(&reports, "2026-03-31", Some("2026-03-01T00:00:00Z")),
            None
        );
    }
}
