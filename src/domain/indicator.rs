//! Results-framework indicators as plain data (DESIGN.md §1, §2b, §3b): the definition, the
//! targets per scope and the yearly observations, with the checks a new target or observation
//! must pass. The figures computed from them live in `engine::indicators`, not here.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::input::FieldIssue;
use super::model::{Framework, Validation};
use super::vocabulary::{ParseError, Scope};

/// Which way is better for an indicator's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Higher is better (e.g. a completion rate).
    Increase,
    /// Lower is better (e.g. a mortality ratio).
    Decrease,
}

impl Direction {
    pub const ALL: [Direction; 2] = [Direction::Increase, Direction::Decrease];

    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increase => "increase",
            Direction::Decrease => "decrease",
        }
    }

    /// Whether `value` has reached `target` in this direction (`≥` for `increase`, `≤` for
    /// `decrease`): the indicator's target is met.
    pub fn reaches(self, value: f64, target: f64) -> bool {
        match self {
            Direction::Increase => value >= target,
            Direction::Decrease => value <= target,
        }
    }

    /// The other direction.
    pub fn reversed(self) -> Self {
        match self {
            Direction::Increase => Direction::Decrease,
            Direction::Decrease => Direction::Increase,
        }
    }
}

impl FromStr for Direction {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Direction::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                ParseError(format!(
                    "`{s}` is not a direction: use increase (higher is better) or decrease (lower is better)"
                ))
            })
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an indicator stands against its target in one scope (DESIGN.md §2b: the first that
/// holds, in this order; `no_target` when the scope has none). The thresholds are the UN SDG
/// Progress Chart's.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorClass {
    /// The latest value meets the target.
    Achieved,
    /// Fewer than three points (the baseline counts as one): no trend to project.
    InsufficientData,
    /// Anticipated progress ≥ 0.95.
    OnTrack,
    /// Anticipated progress ≥ 0.10.
    NeedsAcceleration,
    /// Anticipated progress ≥ 0.
    Stagnating,
    /// Anticipated progress < 0: moving away from the target.
    Regressing,
    /// No target for the scope: nothing to measure progress against.
    NoTarget,
}

impl IndicatorClass {
    pub const ALL: [IndicatorClass; 7] = [
        IndicatorClass::Achieved,
        IndicatorClass::InsufficientData,
        IndicatorClass::OnTrack,
        IndicatorClass::NeedsAcceleration,
        IndicatorClass::Stagnating,
        IndicatorClass::Regressing,
        IndicatorClass::NoTarget,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            IndicatorClass::Achieved => "achieved",
            IndicatorClass::InsufficientData => "insufficient_data",
            IndicatorClass::OnTrack => "on_track",
            IndicatorClass::NeedsAcceleration => "needs_acceleration",
            IndicatorClass::Stagnating => "stagnating",
            IndicatorClass::Regressing => "regressing",
            IndicatorClass::NoTarget => "no_target",
        }
    }
}

impl FromStr for IndicatorClass {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IndicatorClass::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                ParseError(format!(
                    "`{s}` is not a progress class: use achieved, insufficient_data, on_track, \
                     needs_acceleration, stagnating, regressing or no_target"
                ))
            })
    }
}

impl fmt::Display for IndicatorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A results-framework indicator of one framework: what is measured, in which unit, which way
/// is better, and the node (usually a strategic measure) it measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    #[serde(skip)]
    pub id: i32,
    /// Unique within its framework.
    pub code: String,
    pub title: String,
    /// `%` (or `percent`) makes values percentages, checked to lie in 0–100.
    pub unit: String,
    pub direction: Direction,
    /// How many decimals values are shown with (display only: figures keep every digit).
    pub decimals: u8,
    /// The code of the node it measures.
    pub node: String,
    pub source: Option<String>,
    pub note: Option<String>,
    /// No longer collected: kept for its history, left out of new figures by the caller.
    pub retired: bool,
}

impl Indicator {
    /// Whether the indicator's values are percentages (0–100).
    pub fn is_percent(&self) -> bool {
        is_percent_unit(&self.unit)
    }
}

/// Whether `unit` names a percentage: `%` or `percent` (any case, surrounding spaces ignored).
pub fn is_percent_unit(unit: &str) -> bool {
    let unit = unit.trim();
    unit == "%" || unit.eq_ignore_ascii_case("percent")
}

/// A baseline and target for (indicator, scope), as recorded. Append-only: a revision is a
/// newer row, and the one recorded last (at or before the known-at instant) is in force.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Target {
    /// The recording sequence (the store's id): breaks ties between rows recorded in the same
    /// instant.
    pub id: i64,
    /// The indicator's code.
    pub indicator: String,
    pub scope: Scope,
    pub baseline_year: i32,
    pub baseline_value: f64,
    pub target_year: i32,
    pub target_value: f64,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

impl Target {
    /// What is wrong with the row's values (nothing for a row the checks let in; the engine
    /// treats a row with problems as no target rather than divide by zero).
    pub fn issues(&self, unit: &str) -> Vec<IndicatorIssue> {
        target_issues(
            unit,
            self.baseline_year,
            self.baseline_value,
            self.target_year,
            self.target_value,
        )
    }
}

/// A value of (indicator, scope) for one year, as recorded. Append-only like status reports: a
/// correction is a newer observation for the same year. It goes through the same review as a
/// status report (`reported` → `validated` or `returned`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Observation {
    /// The recording sequence (the store's id): breaks ties between observations recorded in
    /// the same instant.
    pub id: i64,
    /// The indicator's code.
    pub indicator: String,
    pub scope: Scope,
    pub year: i32,
    pub value: f64,
    pub source: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
    pub validation: Validation,
}

/// A target about to be recorded (the server adds who and when).
#[derive(Debug, Clone, PartialEq)]
pub struct NewTarget {
    pub scope: Scope,
    pub baseline_year: i32,
    pub baseline_value: f64,
    pub target_year: i32,
    pub target_value: f64,
    pub note: Option<String>,
}

impl NewTarget {
    /// Checks the values for an indicator measured in `unit`, in `framework`.
    ///
    /// # Errors
    /// Every problem found: a non-finite value, a percentage outside 0–100, a target equal to
    /// its baseline, a baseline year not before the target year, a year outside the
    /// framework's period ± [`YEAR_MARGIN`] years.
    pub fn check(&self, unit: &str, framework: &Framework) -> Result<(), Vec<IndicatorIssue>> {
        let mut issues = target_issues(
            unit,
            self.baseline_year,
            self.baseline_value,
            self.target_year,
            self.target_value,
        );
        for (field, year) in [
            ("baseline_year", self.baseline_year),
            ("target_year", self.target_year),
        ] {
            if let Err(issue) = check_year(field, year, framework) {
                issues.push(issue);
            }
        }
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }
}

/// An observation about to be recorded (the server adds who and when).
#[derive(Debug, Clone, PartialEq)]
pub struct NewObservation {
    /// The indicator's code.
    pub indicator: String,
    pub scope: Scope,
    pub year: i32,
    pub value: f64,
    pub source: Option<String>,
    pub note: Option<String>,
}

impl NewObservation {
    /// Checks the value and year for an indicator measured in `unit`, in `framework`.
    ///
    /// # Errors
    /// Every problem found: a non-finite value, a percentage outside 0–100, a year outside the
    /// framework's period ± [`YEAR_MARGIN`] years.
    pub fn check(&self, unit: &str, framework: &Framework) -> Result<(), Vec<IndicatorIssue>> {
        let issues: Vec<IndicatorIssue> = [
            check_value(unit, "value", self.value).err(),
            check_year("year", self.year, framework).err(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if issues.is_empty() {
            Ok(())
        } else {
            Err(issues)
        }
    }
}

/// How many years before a framework's start and after its end a baseline, target or
/// observation year may lie (a baseline usually precedes the plan; data arrive late).
pub const YEAR_MARGIN: i32 = 10;

/// What is wrong with an indicator value or year. Each names its field, so the API can answer
/// with `errors: [{"field","message"}]`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndicatorIssue {
    #[error("the value must be a finite number")]
    NotFinite { field: &'static str },
    #[error("{value} is not a percentage: the indicator is measured in percent, from 0 to 100")]
    OutsidePercent { field: &'static str, value: f64 },
    #[error(
        "the target value equals the baseline value ({value}): progress towards it cannot be measured"
    )]
    TargetEqualsBaseline { value: f64 },
    #[error("the baseline year ({baseline_year}) must be before the target year ({target_year})")]
    BaselineNotBeforeTarget {
        baseline_year: i32,
        target_year: i32,
    },
    #[error(
        "{year} is outside the years {first} to {last} (the framework's period ± {} years)",
        YEAR_MARGIN
    )]
    YearOutsidePeriod {
        field: &'static str,
        year: i32,
        first: i32,
        last: i32,
    },
}

impl IndicatorIssue {
    /// The field of the request the problem is in.
    pub fn field(&self) -> &'static str {
        match self {
            IndicatorIssue::NotFinite { field }
            | IndicatorIssue::OutsidePercent { field, .. }
            | IndicatorIssue::YearOutsidePeriod { field, .. } => field,
            IndicatorIssue::TargetEqualsBaseline { .. } => "target_value",
            IndicatorIssue::BaselineNotBeforeTarget { .. } => "baseline_year",
        }
    }

    /// The problem as a 422 field issue, its field prefixed (`observations[3].`).
    pub fn to_field_issue(&self, prefix: &str) -> FieldIssue {
        FieldIssue::invalid(format!("{prefix}{}", self.field()), self.to_string())
    }
}

/// Checks one value of an indicator measured in `unit`: finite, and from 0 to 100 for a
/// percentage.
///
/// # Errors
/// [`IndicatorIssue::NotFinite`] or [`IndicatorIssue::OutsidePercent`], naming `field`.
pub fn check_value(unit: &str, field: &'static str, value: f64) -> Result<(), IndicatorIssue> {
    if !value.is_finite() {
        Err(IndicatorIssue::NotFinite { field })
    } else if is_percent_unit(unit) && !(0.0..=100.0).contains(&value) {
        Err(IndicatorIssue::OutsidePercent { field, value })
    } else {
        Ok(())
    }
}

/// Checks that `year` lies within the framework's period ± [`YEAR_MARGIN`] years.
///
/// # Errors
/// [`IndicatorIssue::YearOutsidePeriod`], naming `field`.
pub fn check_year(
    field: &'static str,
    year: i32,
    framework: &Framework,
) -> Result<(), IndicatorIssue> {
    let first = framework.start_date.year() - YEAR_MARGIN;
    let last = framework.end_date.year() + YEAR_MARGIN;
    if (first..=last).contains(&year) {
        Ok(())
    } else {
        Err(IndicatorIssue::YearOutsidePeriod {
            field,
            year,
            first,
            last,
        })
    }
}

/// Every problem with a baseline and target: values that are not finite or not percentages,
/// a target equal to its baseline, a baseline year not before the target year.
fn target_issues(
    unit: &str,
    baseline_year: i32,
    baseline_value: f64,
    target_year: i32,
    target_value: f64,
) -> Vec<IndicatorIssue> {
    let mut issues: Vec<IndicatorIssue> = [
        check_value(unit, "baseline_value", baseline_value).err(),
        check_value(unit, "target_value", target_value).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Equal values only matter once both are numbers (NaN never equals anything anyway).
    if issues.is_empty() && target_value == baseline_value {
        issues.push(IndicatorIssue::TargetEqualsBaseline {
            value: target_value,
        });
    }
    if baseline_year >= target_year {
        issues.push(IndicatorIssue::BaselineNotBeforeTarget {
            baseline_year,
            target_year,
        });
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> Framework {
        Framework {
            id: 1,
            code: "ascc-strategic-plan".into(),
            title: "Plan".into(),
            adopted_on: None,
            adopted_at: None,
            start_date: "2026-01-01".parse().unwrap(),
            end_date: "2035-12-31".parse().unwrap(),
            levels: vec!["goal".into(), "objective".into(), "measure".into()],
            reviews: vec![],
            note: None,
        }
    }

    fn target(b: i32, x0: f64, t: i32, xs: f64) -> NewTarget {
        NewTarget {
            scope: Scope::Asean,
            baseline_year: b,
            baseline_value: x0,
            target_year: t,
            target_value: xs,
            note: None,
        }
    }

    fn observation(year: i32, value: f64) -> NewObservation {
        NewObservation {
            indicator: "KPI-1".into(),
            scope: "VNM".parse().unwrap(),
            year,
            value,
            source: None,
            note: None,
        }
    }

    fn fields(issues: &[IndicatorIssue]) -> Vec<&'static str> {
        issues.iter().map(IndicatorIssue::field).collect()
    }

    #[test]
    fn directions_and_classes_use_the_api_words() {
        assert_eq!(
            serde_json::to_value(Direction::Decrease).unwrap(),
            "decrease"
        );
        assert_eq!("increase".parse::<Direction>(), Ok(Direction::Increase));
        assert!("up".parse::<Direction>().is_err());
        for class in IndicatorClass::ALL {
            assert_eq!(serde_json::to_value(class).unwrap(), class.as_str());
            assert_eq!(class.as_str().parse::<IndicatorClass>(), Ok(class));
        }
        assert_eq!(
            serde_json::to_value(IndicatorClass::NeedsAcceleration).unwrap(),
            "needs_acceleration"
        );
    }

    #[test]
    fn reaching_a_target_depends_on_the_direction() {
        assert!(Direction::Increase.reaches(80.0, 80.0));
        assert!(Direction::Increase.reaches(81.0, 80.0));
        assert!(!Direction::Increase.reaches(79.9, 80.0));
        assert!(Direction::Decrease.reaches(10.0, 10.0));
        assert!(Direction::Decrease.reaches(9.0, 10.0));
        assert!(!Direction::Decrease.reaches(10.1, 10.0));
        assert_eq!(Direction::Increase.reversed(), Direction::Decrease);
    }

    #[test]
    fn percent_units_are_recognised() {
        for unit in ["%", " % ", "percent", "Percent"] {
            assert!(is_percent_unit(unit), "{unit}");
        }
        for unit in ["per 1,000 live births", "USD", "percentage points", ""] {
            assert!(!is_percent_unit(unit), "{unit}");
        }
    }

    #[test]
    fn a_sound_target_passes() {
        assert_eq!(target(2025, 50.0, 2030, 80.0).check("%", &plan()), Ok(()));
        // a decrease target, in another unit
        assert_eq!(
            target(2025, 120.0, 2035, 70.0).check("per 100,000 live births", &plan()),
            Ok(())
        );
    }

    #[test]
    fn a_target_equal_to_its_baseline_is_refused() {
        let issues = target(2025, 50.0, 2030, 50.0)
            .check("%", &plan())
            .unwrap_err();
        assert_eq!(
            issues,
            [IndicatorIssue::TargetEqualsBaseline { value: 50.0 }]
        );
        assert_eq!(fields(&issues), ["target_value"]);
    }

    #[test]
    fn a_baseline_year_not_before_the_target_year_is_refused() {
        for (b, t) in [(2030, 2030), (2031, 2030)] {
            let issues = target(b, 50.0, t, 80.0).check("%", &plan()).unwrap_err();
            assert_eq!(
                issues,
                [IndicatorIssue::BaselineNotBeforeTarget {
                    baseline_year: b,
                    target_year: t
                }]
            );
            assert_eq!(fields(&issues), ["baseline_year"]);
        }
    }

    #[test]
    fn non_finite_values_are_refused_and_each_problem_is_listed() {
        let issues = target(2025, f64::NAN, 2020, f64::INFINITY)
            .check("USD", &plan())
            .unwrap_err();
        assert_eq!(
            fields(&issues),
            ["baseline_value", "target_value", "baseline_year"]
        );
        let issue = observation(2027, f64::NEG_INFINITY)
            .check("USD", &plan())
            .unwrap_err();
        assert_eq!(issue, [IndicatorIssue::NotFinite { field: "value" }]);
        assert_eq!(
            issue[0].to_field_issue("observations[2].").field,
            "observations[2].value"
        );
    }

    #[test]
    fn a_percentage_outside_0_to_100_is_refused() {
        assert_eq!(observation(2027, 0.0).check("%", &plan()), Ok(()));
        assert_eq!(observation(2027, 100.0).check("percent", &plan()), Ok(()));
        assert_eq!(
            observation(2027, 100.5).check("%", &plan()),
            Err(vec![IndicatorIssue::OutsidePercent {
                field: "value",
                value: 100.5
            }])
        );
        assert!(observation(2027, -0.1).check("%", &plan()).is_err());
        // the same value in another unit is fine
        assert_eq!(observation(2027, 140.0).check("index", &plan()), Ok(()));
        let issues = target(2025, -1.0, 2030, 101.0)
            .check("%", &plan())
            .unwrap_err();
        assert_eq!(fields(&issues), ["baseline_value", "target_value"]);
    }

    #[test]
    fn years_far_outside_the_period_are_refused() {
        // the Strategic Plan runs 2026–2035: 2016 to 2045 are accepted
        assert_eq!(observation(2016, 1.0).check("USD", &plan()), Ok(()));
        assert_eq!(observation(2045, 1.0).check("USD", &plan()), Ok(()));
        let issue = observation(2015, 1.0).check("USD", &plan()).unwrap_err();
        assert_eq!(
            issue,
            [IndicatorIssue::YearOutsidePeriod {
                field: "year",
                year: 2015,
                first: 2016,
                last: 2045
            }]
        );
        assert_eq!(
            issue[0].to_string(),
            "2015 is outside the years 2016 to 2045 (the framework's period ± 10 years)"
        );
        let issues = target(2015, 1.0, 2046, 2.0)
            .check("USD", &plan())
            .unwrap_err();
        assert_eq!(fields(&issues), ["baseline_year", "target_year"]);
    }

    #[test]
    fn messages_say_what_to_fix() {
        let issue = IndicatorIssue::TargetEqualsBaseline { value: 50.0 };
        assert_eq!(
            issue.to_field_issue("").message,
            "the target value equals the baseline value (50): progress towards it cannot be measured"
        );
        assert_eq!(
            IndicatorIssue::OutsidePercent {
                field: "value",
                value: 120.0
            }
            .to_string(),
            "120 is not a percentage: the indicator is measured in percent, from 0 to 100"
        );
    }
}

/// Orders codes as people read them: runs of digits by their value, so `SG2-1` comes before
/// `SG10-1` (plain string order would put it after).
pub fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn chunks(code: &str) -> Vec<(bool, &str)> {
        let mut out = Vec::new();
        let mut start = 0;
        let bytes = code.as_bytes();
        for i in 1..=bytes.len() {
            let boundary =
                i == bytes.len() || bytes[i].is_ascii_digit() != bytes[i - 1].is_ascii_digit();
            if boundary {
                out.push((bytes[start].is_ascii_digit(), &code[start..i]));
                start = i;
            }
        }
        out
    }
    let key = |(digits, text): (bool, &str)| {
        if digits {
            let trimmed = text.trim_start_matches('0');
            (trimmed.len(), trimmed.to_owned())
        } else {
            (0, text.to_owned())
        }
    };
    let (left, right) = (chunks(a), chunks(b));
    for (l, r) in left.iter().zip(&right) {
        let order = match (l.0, r.0) {
            (true, true) => key(*l).cmp(&key(*r)),
            _ => l.1.cmp(r.1),
        };
        if order.is_ne() {
            return order;
        }
    }
    left.len().cmp(&right.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod natural_order_tests {
    use super::natural_order;

    #[test]
    fn digits_compare_by_value() {
        let mut codes = vec!["SG10-1", "SG2-2", "SG2-10", "SG1-1", "SG2-1", "A", "SG02-3"];
        codes.sort_by(|a, b| natural_order(a, b));
        assert_eq!(
            codes,
            ["A", "SG1-1", "SG2-1", "SG2-2", "SG02-3", "SG2-10", "SG10-1"]
        );
    }
}
