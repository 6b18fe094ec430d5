//! Progress of results-framework indicators, exactly as DESIGN.md §2b defines it: for one
//! indicator and scope, as of a date and known at an instant, the target in force, the points,
//! the latest value, `current_status`, `expected`, `anticipated_value` (ESCAP's weighted fit),
//! `anticipated_progress` and the class; then rollups to nodes and across member states
//! ([`rollup`]). Pure: targets and observations come in as plain rows, the date and instant as
//! parameters. Undefined figures are `None` (JSON `null`), never NaN or infinity.
//!
//! Decisions where §2b is silent:
//! - `basis=reported` counts every observation except those the Secretariat returned (as for
//!   status reports, a returned one falls back to the one in force before it); with
//!   `basis=validated` only validated ones count. With a known-at instant `t`, the review counts
//!   only if it happened at or before `t`: an observation returned after `t` still counted at
//!   `t`, and one validated after `t` did not yet count as validated.
//! - Among the observations that count for a year, the one recorded last wins (then the greater
//!   id), whatever the order of their reviews.
//! - A target row in force that breaks the rules of §2b (`b < T`, `x* ≠ x0`, finite values) —
//!   only possible if the store holds bad data — is treated as no target, rather than dividing
//!   by zero. A non-finite observation value never counts (a gap).
//! - Observations for the baseline year or earlier are not points: the baseline is the value of
//!   year `b`.
//! - A target on the wrong side of its baseline for the direction (an `increase` target below
//!   its baseline) is not refused by §2b; `met` then holds from the baseline on, so its class is
//!   `achieved` (with a `null` current status while the baseline is the only point).

mod rollup;
#[cfg(test)]
mod scenarios;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use rollup::{
    ClassCounts, IndicatorRollup, IndicatorRollups, MeanStatus, NodeIndicators, mean_of,
    mean_of_states, rollup_by_node,
};

use super::index::At;
use super::rates::Rule;
use crate::domain::{
    Basis, Direction, Indicator, IndicatorClass, Observation, Scope, StateCode, Target,
    ValidationState,
};

/// The fewest points (the baseline counts as one) a trend is projected from.
pub const MIN_POINTS_FOR_TREND: usize = 3;
/// `on_track` from this anticipated progress on (UN SDG Progress Chart).
pub const ON_TRACK: f64 = 0.95;
/// `needs_acceleration` from this anticipated progress on, below [`ON_TRACK`].
pub const NEEDS_ACCELERATION: f64 = 0.10;
/// `stagnating` from this anticipated progress on, below [`NEEDS_ACCELERATION`]; below it,
/// `regressing`.
pub const STAGNATING: f64 = 0.0;

/// A value in a year: a baseline, a target, a point.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct YearValue {
    pub year: i32,
    pub value: f64,
}

/// What an indicator's figures are computed for: the as-of date and known-at instant, and the
/// basis (every observation, or validated ones only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorAt {
    pub at: At,
    pub basis: Basis,
}

/// One indicator's figures in one scope (DESIGN.md §2b, §3b).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScopeProgress {
    pub scope: Scope,
    /// `regional` for `ASEAN`, `scope` for a member state.
    pub rule: Rule,
    /// From the target in force; `null` without one.
    pub baseline: Option<YearValue>,
    pub target: Option<YearValue>,
    /// The point with the greatest year (the baseline when nothing has been observed since).
    pub latest: Option<YearValue>,
    /// The baseline, then the observation in force for every year after it up to the as-of
    /// year that has one (years without one are gaps).
    pub points: Vec<YearValue>,
    /// Whether the latest value meets the target.
    pub met: Option<bool>,
    /// `(xL − x0) / (x* − x0)`, capped at 1 when met; `null` when the only point is the
    /// baseline. Negative: worse than the baseline.
    pub current_status: Option<f64>,
    /// `(tL − b) / (T − b)` clamped to [0, 1]: where the straight path from baseline to target
    /// would be at the latest year.
    pub expected: Option<f64>,
    /// `current_status ≥ expected`.
    pub ahead: Option<bool>,
    /// The weighted least-squares line through the points (weights `year − b + 1`) at the
    /// target year; `null` with fewer than three points.
    pub anticipated_value: Option<f64>,
    /// `(anticipated_value − x0) / (x* − x0)`, not capped.
    pub anticipated_progress: Option<f64>,
    pub class: IndicatorClass,
}

impl ScopeProgress {
    /// A scope without a (usable) target: every figure `null`, class `no_target`.
    fn without_target(scope: &Scope) -> Self {
        Self {
            scope: scope.clone(),
            rule: rule_of(scope),
            baseline: None,
            target: None,
            latest: None,
            points: Vec::new(),
            met: None,
            current_status: None,
            expected: None,
            ahead: None,
            anticipated_value: None,
            anticipated_progress: None,
            class: IndicatorClass::NoTarget,
        }
    }
}

/// One indicator in every scope, with the cross-state mean and the regional figures side by
/// side (DESIGN.md §3b's per-indicator progress).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorProgress {
    pub indicator: String,
    pub direction: Direction,
    pub as_of: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
    pub basis: Basis,
    /// `ASEAN` first, then each participant in the order given.
    pub scopes: Vec<ScopeProgress>,
    /// The unweighted mean of the participants' current statuses.
    pub mean_of_states: MeanStatus,
    /// Scope `ASEAN`'s own figures, never mixed into the mean.
    pub regional: ScopeProgress,
}

/// The rule of one scope's own figures.
fn rule_of(scope: &Scope) -> Rule {
    match scope {
        Scope::Asean => Rule::Regional,
        Scope::State(_) => Rule::Scope,
    }
}

/// `value` when it is a finite number (never NaN or infinity in a figure).
fn finite(value: f64) -> Option<f64> {
    value.is_finite().then_some(value)
}

/// The target in force for (`indicator`, `scope`): of the rows recorded at or before
/// `known_at` (all rows without one), the one recorded last, then the greater id. `targets` may
/// hold other indicators' and scopes' rows: they are skipped.
pub fn target_in_force<'a>(
    indicator: &str,
    scope: &Scope,
    targets: &'a [Target],
    known_at: Option<DateTime<Utc>>,
) -> Option<&'a Target> {
    targets
        .iter()
        .filter(|row| row.indicator == indicator && &row.scope == scope)
        .filter(|row| known_at.is_none_or(|t| row.recorded_at <= t))
        .max_by_key(|row| (row.recorded_at, row.id))
}

/// Whether an observation counts on `basis` at `known_at`: on `reported`, unless it was
/// returned (by then); on `validated`, once it was validated (by then).
pub fn counts_on(observation: &Observation, basis: Basis, known_at: Option<DateTime<Utc>>) -> bool {
    let validation = &observation.validation;
    // A review without its instant (not expected) is taken as made when the observation was.
    let reviewed_by_then =
        known_at.is_none_or(|t| validation.at.unwrap_or(observation.recorded_at) <= t);
    match (basis, validation.state) {
        (Basis::Reported, ValidationState::Returned) => !reviewed_by_then,
        (Basis::Reported, _) => true,
        (Basis::Validated, ValidationState::Validated) => reviewed_by_then,
        (Basis::Validated, _) => false,
    }
}

/// The points of (`indicator`, `scope`) for a baseline `(b, x0)`: the baseline, then for every
/// year `y` with `b < y ≤ year(as_of)` the observation in force (recorded last at or before
/// `known_at`, counting on the basis), in year order.
pub fn points(
    indicator: &str,
    scope: &Scope,
    baseline: YearValue,
    observations: &[Observation],
    when: IndicatorAt,
) -> Vec<YearValue> {
    let last_year = when.at.as_of.year();
    let known_at = when.at.known_at;
    let mut in_force: BTreeMap<i32, &Observation> = BTreeMap::new();
    for observation in observations
        .iter()
        .filter(|o| o.indicator == indicator && &o.scope == scope)
        .filter(|o| baseline.year < o.year && o.year <= last_year)
        .filter(|o| o.value.is_finite())
        .filter(|o| known_at.is_none_or(|t| o.recorded_at <= t))
        .filter(|o| counts_on(o, when.basis, known_at))
    {
        let order = |o: &Observation| (o.recorded_at, o.id);
        in_force
            .entry(observation.year)
            .and_modify(|held| {
                if order(observation) > order(held) {
                    *held = observation;
                }
            })
            .or_insert(observation);
    }
    std::iter::once(baseline)
        .chain(in_force.values().map(|o| YearValue {
            year: o.year,
            value: o.value,
        }))
        .collect()
}

/// The weighted least-squares line through `points` (weight `year − baseline_year + 1`, so
/// later years weigh more) evaluated at `target_year`:
/// `ȳ = Σw·year/Σw`, `x̄ = Σw·x/Σw`, `slope = Σw(year − ȳ)(x − x̄) / Σw(year − ȳ)²`,
/// value `x̄ + slope·(T − ȳ)`. `None` with fewer than three points, or when the line is
/// undefined (all points in one year). The points are those of [`points`]: one per year, none
/// before the baseline year (whose weight would not be positive).
pub fn anticipated_value(
    points: &[YearValue],
    baseline_year: i32,
    target_year: i32,
) -> Option<f64> {
    if points.len() < MIN_POINTS_FOR_TREND {
        return None;
    }
    // Years are taken relative to the baseline year: small integers, so ȳ loses nothing to
    // the magnitude of 2025.
    let offset = |year: i32| f64::from(year) - f64::from(baseline_year);
    let weighted: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|p| (offset(p.year) + 1.0, offset(p.year), p.value))
        .collect();
    let total: f64 = weighted.iter().map(|(w, _, _)| w).sum();
    let mean_year = weighted.iter().map(|(w, u, _)| w * u).sum::<f64>() / total;
    let mean_value = weighted.iter().map(|(w, _, x)| w * x).sum::<f64>() / total;
    let (covariance, variance) = weighted.iter().fold((0.0, 0.0), |(c, v), (w, u, x)| {
        let du = u - mean_year;
        (c + w * du * (x - mean_value), v + w * du * du)
    });
    if variance <= 0.0 {
        return None;
    }
    let slope = covariance / variance;
    finite(mean_value + slope * (offset(target_year) - mean_year))
}

/// Where the straight path from a baseline in `baseline_year` to a target in `target_year` is
/// in `year`, as a share of the way: `(year − b) / (T − b)` clamped to [0, 1] (DESIGN.md §2b's
/// `expected`, which takes the latest year; the goal snapshot takes the as-of year). `None`
/// when `T ≤ b`.
pub fn expected_in(baseline_year: i32, target_year: i32, year: i32) -> Option<f64> {
    let span = f64::from(target_year) - f64::from(baseline_year);
    (span > 0.0).then(|| ((f64::from(year) - f64::from(baseline_year)) / span).clamp(0.0, 1.0))
}

/// The weighted fit of [`anticipated_value`] at any `year` (the trend chart draws it from the
/// baseline year to the target year): the same line, evaluated elsewhere. `None` as for
/// [`anticipated_value`].
pub fn fitted_value(points: &[YearValue], baseline_year: i32, year: i32) -> Option<f64> {
    anticipated_value(points, baseline_year, year)
}

/// The class of DESIGN.md §2b for a scope with a target: the first that holds of `achieved`
/// (met), `insufficient_data` (fewer than three points), `on_track` (anticipated progress
/// ≥ 0.95), `needs_acceleration` (≥ 0.10), `stagnating` (≥ 0), `regressing` (< 0).
pub fn classify(met: bool, points: usize, anticipated_progress: Option<f64>) -> IndicatorClass {
    if met {
        return IndicatorClass::Achieved;
    }
    match anticipated_progress {
        _ if points < MIN_POINTS_FOR_TREND => IndicatorClass::InsufficientData,
        // Only a degenerate fit (no finite line) leaves three points without a projection.
        None => IndicatorClass::InsufficientData,
        Some(p) if p >= ON_TRACK => IndicatorClass::OnTrack,
        Some(p) if p >= NEEDS_ACCELERATION => IndicatorClass::NeedsAcceleration,
        Some(p) if p >= STAGNATING => IndicatorClass::Stagnating,
        Some(_) => IndicatorClass::Regressing,
    }
}

/// One indicator's figures in one scope, as of `when` (DESIGN.md §2b). `targets` and
/// `observations` are the indicator's rows, every revision; rows of other scopes (or other
/// indicators) are skipped. The rows are scanned once per scope: pass one indicator's rows,
/// not a whole framework's.
pub fn scope_progress(
    indicator: &Indicator,
    scope: &Scope,
    targets: &[Target],
    observations: &[Observation],
    when: IndicatorAt,
) -> ScopeProgress {
    let in_force = target_in_force(&indicator.code, scope, targets, when.at.known_at)
        // the percent range is the recording checks' business, not a reason to stop counting
        .filter(|row| row.issues("").is_empty());
    let Some(target) = in_force else {
        return ScopeProgress::without_target(scope);
    };
    let (b, x0) = (target.baseline_year, target.baseline_value);
    let (big_t, x_star) = (target.target_year, target.target_value);
    let baseline = YearValue { year: b, value: x0 };
    let points = points(&indicator.code, scope, baseline, observations, when);
    let latest = points.last().copied().unwrap_or(baseline);
    let met = indicator.direction.reaches(latest.value, x_star);
    let share_of_the_way = |x: f64| finite((x - x0) / (x_star - x0));

    let current_status = if points.len() > 1 {
        share_of_the_way(latest.value).map(|s| if met { s.min(1.0) } else { s })
    } else {
        None
    };
    // In f64: a difference of two arbitrary i32 years could overflow.
    let years_since_baseline = |year: i32| f64::from(year) - f64::from(b);
    let expected = finite(years_since_baseline(latest.year) / years_since_baseline(big_t))
        .map(|e| e.clamp(0.0, 1.0));
    let ahead = current_status
        .zip(expected)
        .map(|(status, expected)| status >= expected);
    let anticipated_value = anticipated_value(&points, b, big_t);
    let anticipated_progress = anticipated_value.and_then(share_of_the_way);
    ScopeProgress {
        scope: scope.clone(),
        rule: rule_of(scope),
        baseline: Some(baseline),
        target: Some(YearValue {
            year: big_t,
            value: x_star,
        }),
        latest: Some(latest),
        class: classify(met, points.len(), anticipated_progress),
        points,
        met: Some(met),
        current_status,
        expected,
        ahead,
        anticipated_value,
        anticipated_progress,
    }
}

/// One indicator in `ASEAN` and in each of `participants` (the framework's participants as of
/// the date: the caller's to give, as for status figures), with `mean_of_states` over the
/// participants and `regional` (scope `ASEAN`) beside it.
pub fn indicator_progress(
    indicator: &Indicator,
    participants: &[StateCode],
    targets: &[Target],
    observations: &[Observation],
    when: IndicatorAt,
) -> IndicatorProgress {
    let regional = scope_progress(indicator, &Scope::Asean, targets, observations, when);
    let scopes: Vec<ScopeProgress> = std::iter::once(regional.clone())
        .chain(participants.iter().map(|state| {
            let scope = Scope::State(state.clone());
            scope_progress(indicator, &scope, targets, observations, when)
        }))
        .collect();
    IndicatorProgress {
        indicator: indicator.code.clone(),
        direction: indicator.direction,
        as_of: when.at.as_of,
        known_at: when.at.known_at,
        basis: when.basis,
        mean_of_states: mean_of_states(&scopes, participants),
        scopes,
        regional,
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn the_fit_at_the_target_year_is_the_anticipated_value_of_the_worked_example() {
        let points = [(2025, 50.0), (2026, 53.0), (2027, 55.0)]
            .map(|(year, value)| YearValue { year, value });
        let at_target = fitted_value(&points, 2025, 2030).unwrap();
        assert!((at_target - 62.3).abs() < 1e-9);
        assert_eq!(anticipated_value(&points, 2025, 2030), Some(at_target));
        // The line at ȳ is x̄: 53.5 at 2026.333…, so 52.7 at 2026 (slope 2.4).
        assert!((fitted_value(&points, 2025, 2026).unwrap() - 52.7).abs() < 1e-9);
    }

    #[test]
    fn expected_in_a_year_is_the_share_of_the_way_clamped() {
        assert_eq!(expected_in(2025, 2030, 2027), Some(0.4));
        assert_eq!(expected_in(2025, 2030, 2024), Some(0.0));
        assert_eq!(expected_in(2025, 2030, 2035), Some(1.0));
        assert_eq!(expected_in(2030, 2030, 2030), None);
    }
}
