//! The results-framework engine: pure functions from plain data to figures. No I/O, no clock:
//! the dates it computes for are parameters.

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
}

/// The report in force on `as_of` for one (measure, scope) pair: the one with the greatest
/// effective date ≤ `as_of`; among equal effective dates, the one recorded last. With
/// `known_at` = `t`, only reports recorded at or before `t` count, so a figure published at `t`
/// can be reproduced exactly later. `None` means no report: the pair counts as `not_started`.
pub fn in_force<'a, R: Dated + 'a>(
    reports: impl IntoIterator<Item = &'a R>,
    as_of: NaiveDate,
    known_at: Option<DateTime<Utc>>,
) -> Option<&'a R> {
    reports
        .into_iter()
        .filter(|r| r.effective_date() <= as_of)
        .filter(|r| known_at.is_none_or(|t| r.recorded_at() <= t))
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
