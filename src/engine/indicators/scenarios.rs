//! Scenario tables with figures worked out by hand, and property tests, for indicator progress
//! (DESIGN.md §2b). Tests only. Each expected figure is a fraction worked by hand (checked with
//! exact rational arithmetic) and written beside the case.

use chrono::{DateTime, NaiveDate, Utc};
use proptest::prelude::*;

use super::{
    IndicatorAt, ScopeProgress, YearValue, anticipated_value, classify, indicator_progress,
    mean_of_states, rollup_by_node, scope_progress,
};
use crate::domain::{
    Basis, Direction, Indicator, IndicatorClass, Node, Observation, Participation, Scope,
    StateCode, Target, Validation, ValidationState, participants_as_of,
};
use crate::engine::{At, Outline, Rule};

// ---------------------------------------------------------------------------------------------
// Building scenarios

fn d(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().expect("an RFC 3339 instant")
}

fn scope(s: &str) -> Scope {
    s.parse().expect("a scope")
}

const CODE: &str = "KPI-1";

fn indicator(direction: Direction) -> Indicator {
    Indicator {
        id: 1,
        code: CODE.into(),
        title: "An indicator".into(),
        unit: "%".into(),
        direction,
        decimals: 1,
        node: "1.1.1".into(),
        source: None,
        note: None,
        retired: false,
    }
}

/// An indicator's rows, recorded in order (ids 1, 2, …).
#[derive(Default, Clone)]
struct Rows {
    targets: Vec<Target>,
    observations: Vec<Observation>,
    next_id: i64,
}

impl Rows {
    fn id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// A target row: baseline `(b, x0)`, target `(T, x*)`.
    fn target(&mut self, at: &str, (b, x0): (i32, f64), (big_t, xs): (i32, f64), recorded: &str) {
        let id = self.id();
        self.targets.push(Target {
            id,
            indicator: CODE.into(),
            scope: scope(at),
            baseline_year: b,
            baseline_value: x0,
            target_year: big_t,
            target_value: xs,
            note: None,
            recorded_by: None,
            recorded_at: t(recorded),
        });
    }

    /// An observation as reported (not yet reviewed).
    fn observe(&mut self, at: &str, year: i32, value: f64, recorded: &str) -> &mut Observation {
        let id = self.id();
        self.observations.push(Observation {
            id,
            indicator: CODE.into(),
            scope: scope(at),
            year,
            value,
            source: None,
            note: None,
            recorded_by: None,
            recorded_at: t(recorded),
            validation: Validation::REPORTED,
        });
        self.observations.last_mut().expect("just pushed")
    }

    /// Observations of `at`, each recorded on 1 March of the year after.
    fn yearly(&mut self, at: &str, values: &[(i32, f64)]) {
        for &(year, value) in values {
            self.observe(at, year, value, &format!("{}-03-01T00:00:00Z", year + 1));
        }
    }
}

fn reviewed(observation: &mut Observation, state: ValidationState, at: &str) {
    observation.validation = Validation {
        state,
        by: Some("secretariat".into()),
        at: Some(t(at)),
        reason: (state == ValidationState::Returned).then(|| "check the source".into()),
        evidence_checked: state == ValidationState::Validated,
    };
}

fn on(as_of: &str) -> IndicatorAt {
    IndicatorAt {
        at: At::on(d(as_of)),
        basis: Basis::Reported,
    }
}

fn known(as_of: &str, known_at: &str, basis: Basis) -> IndicatorAt {
    IndicatorAt {
        at: At {
            as_of: d(as_of),
            known_at: Some(t(known_at)),
        },
        basis,
    }
}

fn figures(direction: Direction, rows: &Rows, at: &str, when: IndicatorAt) -> ScopeProgress {
    scope_progress(
        &indicator(direction),
        &scope(at),
        &rows.targets,
        &rows.observations,
        when,
    )
}

const EPS: f64 = 1e-9;

fn close(got: Option<f64>, want: Option<f64>) -> bool {
    match (got, want) {
        (None, None) => true,
        (Some(g), Some(w)) => (g - w).abs() <= EPS,
        _ => false,
    }
}

/// The figures a case must give, each worked by hand.
#[derive(Debug, Clone, Copy)]
struct Hand {
    points: usize,
    latest: Option<(i32, f64)>,
    met: Option<bool>,
    current_status: Option<f64>,
    expected: Option<f64>,
    ahead: Option<bool>,
    anticipated_value: Option<f64>,
    anticipated_progress: Option<f64>,
    class: IndicatorClass,
}

fn assert_hand(got: &ScopeProgress, hand: Hand, case: &str) {
    assert_eq!(got.points.len(), hand.points, "{case}: points {got:?}");
    assert_eq!(
        got.latest.map(|p| (p.year, p.value)),
        hand.latest,
        "{case}: latest"
    );
    assert_eq!(got.met, hand.met, "{case}: met");
    for (name, g, w) in [
        ("current_status", got.current_status, hand.current_status),
        ("expected", got.expected, hand.expected),
        (
            "anticipated_value",
            got.anticipated_value,
            hand.anticipated_value,
        ),
        (
            "anticipated_progress",
            got.anticipated_progress,
            hand.anticipated_progress,
        ),
    ] {
        assert!(close(g, w), "{case}: {name} is {g:?}, by hand {w:?}");
    }
    assert_eq!(got.ahead, hand.ahead, "{case}: ahead");
    assert_eq!(got.class, hand.class, "{case}: class");
}

/// The same scenario with every value negated and the direction reversed: a mirror image.
fn mirrored(rows: &Rows) -> Rows {
    let mut mirror = rows.clone();
    for target in &mut mirror.targets {
        target.baseline_value = -target.baseline_value;
        target.target_value = -target.target_value;
    }
    for observation in &mut mirror.observations {
        observation.value = -observation.value;
    }
    mirror
}

fn neg(x: Option<f64>) -> Option<f64> {
    x.map(|x| -x)
}

// ---------------------------------------------------------------------------------------------
// One scope: the formulas and the classes

/// A scenario of one scope and the figures it must give, each worked by hand.
#[derive(Debug, Clone, Copy)]
struct Case {
    name: &'static str,
    direction: Direction,
    /// `(b, x0)`
    baseline: (i32, f64),
    /// `(T, x*)`
    target: (i32, f64),
    observed: &'static [(i32, f64)],
    as_of: &'static str,
    hand: Hand,
}

impl Case {
    fn new(
        name: &'static str,
        direction: Direction,
        baseline: (i32, f64),
        target: (i32, f64),
    ) -> Self {
        Self {
            name,
            direction,
            baseline,
            target,
            observed: &[],
            as_of: "2027-12-31",
            hand: Hand {
                points: 0,
                latest: None,
                met: None,
                current_status: None,
                expected: None,
                ahead: None,
                anticipated_value: None,
                anticipated_progress: None,
                class: IndicatorClass::NoTarget,
            },
        }
    }

    fn observed(self, observed: &'static [(i32, f64)]) -> Self {
        Self { observed, ..self }
    }

    fn as_of(self, as_of: &'static str) -> Self {
        Self { as_of, ..self }
    }

    /// How many points, the latest, and whether it meets the target.
    fn latest(mut self, points: usize, latest: (i32, f64), met: bool) -> Self {
        self.hand.points = points;
        self.hand.latest = Some(latest);
        self.hand.met = Some(met);
        self
    }

    fn status(mut self, current_status: Option<f64>, expected: f64, ahead: Option<bool>) -> Self {
        self.hand.current_status = current_status;
        self.hand.expected = Some(expected);
        self.hand.ahead = ahead;
        self
    }

    /// The anticipated value and progress (none without this: fewer than three points).
    fn fit(mut self, value: f64, progress: f64) -> Self {
        self.hand.anticipated_value = Some(value);
        self.hand.anticipated_progress = Some(progress);
        self
    }

    fn class(mut self, class: IndicatorClass) -> Self {
        self.hand.class = class;
        self
    }

    fn rows(&self) -> Rows {
        let mut rows = Rows::default();
        rows.target("VNM", self.baseline, self.target, "2026-01-10T00:00:00Z");
        rows.yearly("VNM", self.observed);
        rows
    }
}

/// Baseline (2025, 50) and target (2030, 80) for `increase`, (2025, 20) and (2030, 10) for
/// `decrease`; as of 2027-12-31 unless said otherwise.
fn cases() -> Vec<Case> {
    use Direction::{Decrease, Increase};
    use IndicatorClass::*;
    let up = |name| Case::new(name, Increase, (2025, 50.0), (2030, 80.0));
    let down = |name| Case::new(name, Decrease, (2025, 20.0), (2030, 10.0));
    vec![
        // DESIGN.md §2b's worked example: 5/30, 2/5; weights 1, 2, 3: ȳ = b + 4/3,
        // x̄ = 321/6 = 53.5, slope = 8 / (10/3) = 2.4, 53.5 + 2.4 × 11/3 = 62.3, 12.3/30 = 0.41.
        up("the worked example")
            .observed(&[(2026, 53.0), (2027, 55.0)])
            .latest(3, (2027, 55.0), false)
            .status(Some(1.0 / 6.0), 0.4, Some(false))
            .fit(62.3, 0.41)
            .class(NeedsAcceleration),
        // (18.5 − 20)/(10 − 20) = 0.15; x̄ = 227/12, slope = (−7/3)/(10/3) = −0.7,
        // 227/12 − 0.7 × 11/3 = 16.35, (16.35 − 20)/(−10) = 0.365.
        down("a decrease")
            .observed(&[(2026, 19.0), (2027, 18.5)])
            .latest(3, (2027, 18.5), false)
            .status(Some(0.15), 0.4, Some(false))
            .fit(16.35, 0.365)
            .class(NeedsAcceleration),
        // 85 ≥ 80: met; 35/30 capped at 1; x̄ = 425/6, slope = 19, 425/6 + 19 × 11/3 = 140.5,
        // 90.5/30 = 181/60 (anticipated progress is not capped).
        up("a target already met")
            .observed(&[(2026, 60.0), (2027, 85.0)])
            .latest(3, (2027, 85.0), true)
            .status(Some(1.0), 0.4, Some(true))
            .fit(140.5, 181.0 / 60.0)
            .class(Achieved),
        // 9 ≤ 10: met; 11/10 capped at 1; x̄ = 77/6, slope = −5.6, −7.7, 27.7/10 = 2.77.
        down("a decrease target already met")
            .observed(&[(2026, 15.0), (2027, 9.0)])
            .latest(3, (2027, 9.0), true)
            .status(Some(1.0), 0.4, Some(true))
            .fit(-7.7, 2.77)
            .class(Achieved),
        // met comes before insufficient_data: 30/30 = 1, 1/5.
        up("met with two points")
            .observed(&[(2026, 80.0)])
            .latest(2, (2026, 80.0), true)
            .status(Some(1.0), 0.2, Some(true))
            .class(Achieved),
        // 3/30 = 0.1 behind 1/5 = 0.2; two points, no fit.
        up("fewer than three points")
            .observed(&[(2026, 53.0)])
            .latest(2, (2026, 53.0), false)
            .status(Some(0.1), 0.2, Some(false))
            .class(InsufficientData),
        // The latest point is the baseline: no current status; expected 0/5.
        up("only the baseline")
            .latest(1, (2025, 50.0), false)
            .status(None, 0.0, None)
            .class(InsufficientData),
        // 2027 missing: weights 1, 2, 4: ȳ = b + 2, x̄ = 392/7 = 56, slope = 3, 56 + 3 × 3 = 65,
        // 15/30 = 0.5; 9/30 = 0.3 against 3/5.
        up("a gap")
            .observed(&[(2026, 53.0), (2028, 59.0)])
            .as_of("2028-12-31")
            .latest(3, (2028, 59.0), false)
            .status(Some(0.3), 0.6, Some(false))
            .fit(65.0, 0.5)
            .class(NeedsAcceleration),
        // 2028 is after the as-of year, 2024 and 2025 are not after the baseline year: the
        // worked example again.
        up("years outside (b, year(d)] are not points")
            .observed(&[
                (2024, 10.0),
                (2025, 99.0),
                (2026, 53.0),
                (2027, 55.0),
                (2028, 79.0),
            ])
            .as_of("2027-06-30")
            .latest(3, (2027, 55.0), false)
            .status(Some(1.0 / 6.0), 0.4, Some(false))
            .fit(62.3, 0.41)
            .class(NeedsAcceleration),
        // −5/30; x̄ = 281/6, slope = −2.6, 37.3, −12.7/30 = −127/300.
        up("regressing")
            .observed(&[(2026, 48.0), (2027, 45.0)])
            .latest(3, (2027, 45.0), false)
            .status(Some(-1.0 / 6.0), 0.4, Some(false))
            .fit(37.3, -127.0 / 300.0)
            .class(Regressing),
        // 2/(−10) = −0.2; x̄ = 64/3, slope = 1, 25, −5/10.
        down("a decrease regressing")
            .observed(&[(2026, 21.0), (2027, 22.0)])
            .latest(3, (2027, 22.0), false)
            .status(Some(-0.2), 0.4, Some(false))
            .fit(25.0, -0.5)
            .class(Regressing),
        // 1/30; x̄ = 50.5, slope = 0.6, 52.7, 2.7/30 = 0.09.
        up("stagnating")
            .observed(&[(2026, 50.0), (2027, 51.0)])
            .latest(3, (2027, 51.0), false)
            .status(Some(1.0 / 30.0), 0.4, Some(false))
            .fit(52.7, 0.09)
            .class(Stagnating),
        // 12/30 = 0.4 = expected: ahead; x̄ = 58, slope = 6, 80, 30/30 = 1.
        up("on track")
            .observed(&[(2026, 56.0), (2027, 62.0)])
            .latest(3, (2027, 62.0), false)
            .status(Some(0.4), 0.4, Some(true))
            .fit(80.0, 1.0)
            .class(OnTrack),
        // As of a date in the baseline year: only the baseline.
        up("as of the baseline year")
            .observed(&[(2026, 53.0)])
            .as_of("2025-12-31")
            .latest(1, (2025, 50.0), false)
            .status(None, 0.0, None)
            .class(InsufficientData),
        // Past the target year, expected is clamped: (2032 − 2025)/5 → 1; 6/30 = 0.2.
        up("past the target year")
            .observed(&[(2032, 56.0)])
            .as_of("2032-12-31")
            .latest(2, (2032, 56.0), false)
            .status(Some(0.2), 1.0, Some(false))
            .class(InsufficientData),
    ]
}

/// The class boundaries through the whole computation, with exact binary fractions: baseline
/// (2020, 0), target (2030, 100), points in 2022 and 2023 on the line `k·(year − 2020)`.
/// Weights 1, 3, 4 (Σ = 8): ȳ = b + 2.25, and the fit reproduces the line exactly, so the
/// anticipated value is `10k` and the anticipated progress `k/10`, with no rounding.
fn boundary_cases() -> Vec<(f64, f64, IndicatorClass)> {
    use IndicatorClass::*;
    vec![
        (9.5, 0.95, OnTrack),
        (9.375, 0.9375, NeedsAcceleration),
        (1.0, 0.10, NeedsAcceleration),
        (0.9375, 0.09375, Stagnating),
        (0.0, 0.0, Stagnating),
        (-0.125, -0.0125, Regressing),
    ]
}

#[test]
fn every_formula_matches_the_figures_worked_by_hand() {
    for case in cases() {
        let got = figures(case.direction, &case.rows(), "VNM", on(case.as_of));
        assert_hand(&got, case.hand, case.name);
        assert_eq!(got.rule, Rule::Scope, "{}", case.name);
        let (year, value) = case.baseline;
        assert_eq!(got.baseline, Some(YearValue { year, value }));
        assert_eq!(got.points.first(), got.baseline.as_ref(), "{}", case.name);
        let (year, value) = case.target;
        assert_eq!(got.target, Some(YearValue { year, value }));
    }
}

#[test]
fn the_worked_example_holds_to_the_ninth_decimal() {
    let mut rows = Rows::default();
    rows.target("ASEAN", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    rows.yearly("ASEAN", &[(2026, 53.0), (2027, 55.0)]);
    let got = figures(Direction::Increase, &rows, "ASEAN", on("2027-12-31"));
    let points: Vec<(i32, f64)> = got.points.iter().map(|p| (p.year, p.value)).collect();
    assert_eq!(points, [(2025, 50.0), (2026, 53.0), (2027, 55.0)]);
    assert!((got.current_status.unwrap() - 5.0 / 30.0).abs() < 1e-9);
    assert!((got.expected.unwrap() - 0.4).abs() < 1e-9);
    assert!((got.anticipated_value.unwrap() - 62.3).abs() < 1e-9);
    assert!((got.anticipated_progress.unwrap() - 0.41).abs() < 1e-9);
    assert_eq!(got.class, IndicatorClass::NeedsAcceleration);
    assert_eq!(got.ahead, Some(false));
    assert_eq!(got.rule, Rule::Regional);
}

#[test]
fn mirroring_values_and_direction_gives_the_same_figures_in_every_case() {
    for case in cases() {
        let rows = case.rows();
        let a = figures(case.direction, &rows, "VNM", on(case.as_of));
        let b = figures(
            case.direction.reversed(),
            &mirrored(&rows),
            "VNM",
            on(case.as_of),
        );
        let name = case.name;
        assert_eq!(a.current_status, b.current_status, "{name}");
        assert_eq!(a.expected, b.expected, "{name}");
        assert_eq!(a.anticipated_progress, b.anticipated_progress, "{name}");
        assert_eq!(a.anticipated_value, neg(b.anticipated_value), "{name}");
        assert_eq!(
            (a.class, a.met, a.ahead),
            (b.class, b.met, b.ahead),
            "{name}"
        );
    }
}

#[test]
fn each_class_threshold_holds_exactly_at_its_value_and_not_just_below() {
    for (k, progress, class) in boundary_cases() {
        for direction in Direction::ALL {
            // a decrease runs the same line downwards: 0 → −100
            let sign = if direction == Direction::Increase {
                1.0
            } else {
                -1.0
            };
            let mut rows = Rows::default();
            rows.target(
                "VNM",
                (2020, 0.0),
                (2030, sign * 100.0),
                "2021-01-10T00:00:00Z",
            );
            rows.yearly("VNM", &[(2022, sign * 2.0 * k), (2023, sign * 3.0 * k)]);
            let got = figures(direction, &rows, "VNM", on("2023-12-31"));
            assert_eq!(got.anticipated_value, Some(sign * 10.0 * k), "k = {k}");
            assert_eq!(got.anticipated_progress, Some(progress), "k = {k}");
            assert_eq!(got.class, class, "k = {k}, {direction}");
            assert_eq!(got.expected, Some(0.3));
        }
    }
    // and on the classification itself, one representable step below each threshold
    use IndicatorClass::*;
    let below = |x: f64| x.next_down();
    for (at, class, under) in [
        (0.95, OnTrack, NeedsAcceleration),
        (0.10, NeedsAcceleration, Stagnating),
        (0.0, Stagnating, Regressing),
    ] {
        assert_eq!(classify(false, 3, Some(at)), class, "{at}");
        assert_eq!(classify(false, 3, Some(below(at))), under, "below {at}");
    }
    assert_eq!(classify(false, 3, Some(-0.0)), Stagnating);
    assert_eq!(classify(true, 1, None), Achieved);
    assert_eq!(classify(false, 2, Some(2.0)), InsufficientData);
    assert_eq!(classify(false, 3, None), InsufficientData);
}

#[test]
fn a_scope_without_a_target_has_only_nulls() {
    let mut rows = Rows::default();
    rows.target("ASEAN", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    rows.yearly("VNM", &[(2026, 53.0), (2027, 55.0)]);
    let got = figures(Direction::Increase, &rows, "VNM", on("2027-12-31"));
    assert_eq!(got.class, IndicatorClass::NoTarget);
    assert!(got.points.is_empty());
    assert_eq!(
        (got.baseline, got.target, got.latest, got.met, got.ahead),
        (None, None, None, None, None)
    );
    for figure in [
        got.current_status,
        got.expected,
        got.anticipated_value,
        got.anticipated_progress,
    ] {
        assert_eq!(figure, None);
    }
    let json = serde_json::to_value(&got).unwrap();
    assert_eq!(json["current_status"], serde_json::Value::Null);
    assert_eq!(json["class"], "no_target");
}

#[test]
fn a_target_row_that_breaks_the_rules_counts_as_no_target() {
    // Only bad stored data could hold these; the figures must not divide by zero.
    for (baseline, target) in [
        ((2025, 50.0), (2030, 50.0)),
        ((2030, 50.0), (2030, 80.0)),
        ((2025, f64::NAN), (2030, 80.0)),
    ] {
        let mut rows = Rows::default();
        rows.target("VNM", baseline, target, "2026-01-10T00:00:00Z");
        rows.yearly("VNM", &[(2026, 53.0), (2027, 55.0)]);
        let got = figures(Direction::Increase, &rows, "VNM", on("2030-12-31"));
        assert_eq!(
            got.class,
            IndicatorClass::NoTarget,
            "{baseline:?} {target:?}"
        );
    }
}

#[test]
fn a_target_on_the_wrong_side_of_its_baseline_is_met_from_the_start() {
    // an increase whose target is below its baseline: §2b's `met` holds at the baseline
    let mut rows = Rows::default();
    rows.target("VNM", (2025, 50.0), (2030, 40.0), "2026-01-10T00:00:00Z");
    let got = figures(Direction::Increase, &rows, "VNM", on("2027-12-31"));
    assert_eq!(got.met, Some(true));
    assert_eq!(got.current_status, None);
    assert_eq!(got.class, IndicatorClass::Achieved);
}

#[test]
fn rows_of_other_indicators_never_count() {
    let mut rows = Rows::default();
    rows.target("VNM", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    rows.yearly("VNM", &[(2026, 53.0), (2027, 55.0)]);
    let mut other = rows.clone();
    for target in &mut other.targets {
        target.indicator = "KPI-2".into();
        target.target_value = 60.0;
    }
    for observation in &mut other.observations {
        observation.indicator = "KPI-2".into();
        observation.value = 0.0;
    }
    rows.observations.extend(other.observations);
    // KPI-2's target is recorded later: it would be in force if it counted
    let mut later = other.targets;
    later[0].recorded_at = t("2027-01-01T00:00:00Z");
    rows.targets.extend(later);
    let got = figures(Direction::Increase, &rows, "VNM", on("2027-12-31"));
    assert!(close(got.current_status, Some(1.0 / 6.0)));
    assert_eq!(got.class, IndicatorClass::NeedsAcceleration);
}

// ---------------------------------------------------------------------------------------------
// Revisions: known_at, corrections and the review

#[test]
fn a_target_revision_is_seen_only_once_it_is_known() {
    let mut rows = Rows::default();
    rows.target("VNM", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    rows.observe("VNM", 2026, 53.0, "2027-01-15T00:00:00Z");
    rows.observe("VNM", 2027, 55.0, "2028-01-15T00:00:00Z");
    // the target lowered to 70
    rows.target("VNM", (2025, 50.0), (2030, 70.0), "2028-02-01T00:00:00Z");
    let before = known("2027-12-31", "2028-01-31T00:00:00Z", Basis::Reported);
    let got = figures(Direction::Increase, &rows, "VNM", before);
    assert_eq!(got.target.map(|t| t.value), Some(80.0));
    assert!(close(got.current_status, Some(1.0 / 6.0)));
    assert!(close(got.anticipated_progress, Some(0.41)));

    // 5/20 = 0.25; the same fit, 62.3: 12.3/20 = 0.615
    let got = figures(Direction::Increase, &rows, "VNM", on("2027-12-31"));
    assert_eq!(got.target.map(|t| t.value), Some(70.0));
    assert!(close(got.current_status, Some(0.25)));
    assert!(close(got.anticipated_value, Some(62.3)));
    assert!(close(got.anticipated_progress, Some(0.615)));
    assert_eq!(got.class, IndicatorClass::NeedsAcceleration);

    // before the first target was recorded: none
    let early = known("2027-12-31", "2026-01-01T00:00:00Z", Basis::Reported);
    let got = figures(Direction::Increase, &rows, "VNM", early);
    assert_eq!(got.class, IndicatorClass::NoTarget);

    // mid-2027: the first target, and only the 2026 observation is known (3/30)
    let mid = known("2027-12-31", "2027-06-30T00:00:00Z", Basis::Reported);
    let got = figures(Direction::Increase, &rows, "VNM", mid);
    assert_eq!(got.points.len(), 2);
    assert!(close(got.current_status, Some(0.1)));
    assert_eq!(got.class, IndicatorClass::InsufficientData);
}

#[test]
fn targets_recorded_in_the_same_instant_go_to_the_greater_id() {
    let mut rows = Rows::default();
    rows.target("VNM", (2025, 50.0), (2030, 90.0), "2026-01-10T00:00:00Z");
    rows.target("VNM", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    rows.targets.swap(0, 1);
    let got = figures(Direction::Increase, &rows, "VNM", on("2027-12-31"));
    assert_eq!(got.target.map(|t| t.value), Some(80.0));
}

#[test]
fn a_correction_replaces_its_year_once_it_is_recorded() {
    let mut rows = Rows::default();
    rows.target("VNM", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    rows.observe("VNM", 2026, 53.0, "2027-01-15T00:00:00Z");
    rows.observe("VNM", 2027, 55.0, "2028-01-15T00:00:00Z");
    rows.observe("VNM", 2027, 56.0, "2028-02-01T00:00:00Z");
    // before the correction: the worked example
    let before = known("2027-12-31", "2028-01-20T00:00:00Z", Basis::Reported);
    let got = figures(Direction::Increase, &rows, "VNM", before);
    assert_eq!(got.latest.map(|p| p.value), Some(55.0));
    assert!(close(got.anticipated_value, Some(62.3)));
    // after it: 6/30 = 0.2; x̄ = 54, slope = 3, 54 + 3 × 11/3 = 65, 15/30 = 0.5
    let got = figures(Direction::Increase, &rows, "VNM", on("2027-12-31"));
    assert_eq!(got.latest.map(|p| p.value), Some(56.0));
    assert_eq!(got.points.len(), 3, "one point per year");
    assert!(close(got.current_status, Some(0.2)));
    assert!(close(got.anticipated_value, Some(65.0)));
    assert!(close(got.anticipated_progress, Some(0.5)));
    // before either 2027 value was recorded: two points
    let early = known("2027-12-31", "2028-01-10T00:00:00Z", Basis::Reported);
    assert_eq!(
        figures(Direction::Increase, &rows, "VNM", early)
            .points
            .len(),
        2
    );
    // two values of a year recorded in the same instant: the greater id
    let mut tie = Rows::default();
    tie.target("VNM", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    tie.observe("VNM", 2026, 59.0, "2027-01-15T00:00:00Z");
    tie.observe("VNM", 2026, 53.0, "2027-01-15T00:00:00Z");
    tie.observations.reverse();
    let got = figures(Direction::Increase, &tie, "VNM", on("2027-12-31"));
    assert_eq!(got.latest.map(|p| p.value), Some(53.0));
}

#[test]
fn basis_validated_counts_only_validated_observations_once_validated() {
    let mut rows = Rows::default();
    rows.target("VNM", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    let a = rows.observe("VNM", 2026, 53.0, "2027-01-15T00:00:00Z");
    reviewed(a, ValidationState::Validated, "2027-02-01T00:00:00Z");
    let b = rows.observe("VNM", 2027, 54.0, "2028-01-10T00:00:00Z");
    reviewed(b, ValidationState::Validated, "2028-01-20T00:00:00Z");
    // a correction still waiting for review
    rows.observe("VNM", 2027, 56.0, "2028-02-01T00:00:00Z");

    // reported: 53, 56 → 0.2, fit 65, 0.5 (as in the correction above)
    let got = figures(Direction::Increase, &rows, "VNM", on("2027-12-31"));
    assert_eq!(got.latest.map(|p| p.value), Some(56.0));
    assert!(close(got.anticipated_progress, Some(0.5)));

    // validated: 53, 54 → 4/30; x̄ = 53, slope = 6/(10/3) = 1.8, 53 + 1.8 × 11/3 = 59.6,
    // 9.6/30 = 0.32
    let validated = IndicatorAt {
        basis: Basis::Validated,
        ..on("2027-12-31")
    };
    let got = figures(Direction::Increase, &rows, "VNM", validated);
    assert_eq!(got.latest.map(|p| p.value), Some(54.0));
    assert!(close(got.current_status, Some(4.0 / 30.0)));
    assert!(close(got.anticipated_value, Some(59.6)));
    assert!(close(got.anticipated_progress, Some(0.32)));
    assert_eq!(got.class, IndicatorClass::NeedsAcceleration);

    // known before the 2027 value was validated: 2026 only
    let early = known("2027-12-31", "2028-01-15T00:00:00Z", Basis::Validated);
    let got = figures(Direction::Increase, &rows, "VNM", early);
    assert_eq!(got.points.len(), 2);
    assert!(close(got.current_status, Some(0.1)));
    assert_eq!(got.class, IndicatorClass::InsufficientData);
}

#[test]
fn a_returned_observation_counts_on_neither_basis_and_its_year_falls_back() {
    let mut rows = Rows::default();
    rows.target("VNM", (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    let a = rows.observe("VNM", 2026, 53.0, "2027-01-15T00:00:00Z");
    reviewed(a, ValidationState::Validated, "2027-02-01T00:00:00Z");
    let b = rows.observe("VNM", 2027, 55.0, "2028-01-15T00:00:00Z");
    reviewed(b, ValidationState::Validated, "2028-01-20T00:00:00Z");
    let c = rows.observe("VNM", 2027, 64.0, "2028-02-01T00:00:00Z");
    reviewed(c, ValidationState::Returned, "2028-02-10T00:00:00Z");

    for basis in [Basis::Reported, Basis::Validated] {
        let got = figures(
            Direction::Increase,
            &rows,
            "VNM",
            IndicatorAt {
                basis,
                ..on("2027-12-31")
            },
        );
        assert_eq!(got.latest.map(|p| p.value), Some(55.0), "{basis:?}");
        assert!(close(got.anticipated_progress, Some(0.41)), "{basis:?}");
    }
    // known before it was returned, it counted as reported: 14/30; x̄ = 58, slope = 7.8,
    // 58 + 7.8 × 11/3 = 86.6, 36.6/30 = 1.22
    let then = known("2027-12-31", "2028-02-05T00:00:00Z", Basis::Reported);
    let got = figures(Direction::Increase, &rows, "VNM", then);
    assert_eq!(got.latest.map(|p| p.value), Some(64.0));
    assert!(close(got.current_status, Some(14.0 / 30.0)));
    assert_eq!(got.ahead, Some(true));
    assert!(close(got.anticipated_value, Some(86.6)));
    assert!(close(got.anticipated_progress, Some(1.22)));
    assert_eq!(got.class, IndicatorClass::OnTrack);
    // … but never as validated
    let then = known("2027-12-31", "2028-02-05T00:00:00Z", Basis::Validated);
    let got = figures(Direction::Increase, &rows, "VNM", then);
    assert_eq!(got.latest.map(|p| p.value), Some(55.0));
}

// ---------------------------------------------------------------------------------------------
// Across member states, and per node

/// The Strategic Plan's participants in this scenario: IDN, THA, VNM from the start, TLS from
/// 2027 (a state that joined later).
fn participations() -> Vec<Participation> {
    let from = |state: &str, date: &str| Participation {
        state: state.parse().expect("a state"),
        from_date: d(date),
        until_date: None,
    };
    vec![
        from("IDN", "2026-01-01"),
        from("THA", "2026-01-01"),
        from("VNM", "2026-01-01"),
        from("TLS", "2027-01-01"),
    ]
}

/// Baseline (2025, 50), target (2030, 80) everywhere; current statuses by hand:
/// VNM 3/30 = 0.1 in 2026, 5/30 in 2027; THA 6/30 = 0.2, then 15/30 = 0.5; IDN no
/// observation (null); TLS 12/30 = 0.4, then 80: met, 1; ASEAN 9/30 = 0.3, then 18/30 = 0.6.
fn five_scopes() -> Rows {
    let mut rows = Rows::default();
    for s in ["ASEAN", "IDN", "THA", "TLS", "VNM"] {
        rows.target(s, (2025, 50.0), (2030, 80.0), "2026-01-10T00:00:00Z");
    }
    rows.yearly("VNM", &[(2026, 53.0), (2027, 55.0)]);
    rows.yearly("THA", &[(2026, 56.0), (2027, 65.0)]);
    rows.yearly("TLS", &[(2026, 62.0), (2027, 80.0)]);
    rows.yearly("ASEAN", &[(2026, 59.0), (2027, 68.0)]);
    rows
}

#[test]
fn mean_of_states_is_over_the_participants_only_and_regional_stays_beside_it() {
    let rows = five_scopes();
    let ind = indicator(Direction::Increase);
    let progress_on = |as_of: &str| {
        let participants = participants_as_of(&participations(), d(as_of));
        indicator_progress(
            &ind,
            &participants,
            &rows.targets,
            &rows.observations,
            on(as_of),
        )
    };

    // 2026: TLS is not yet a participant; IDN has no status. (0.2 + 0.1)/2 = 0.15
    let p = progress_on("2026-12-31");
    let scopes: Vec<&str> = p.scopes.iter().map(|s| s.scope.as_str()).collect();
    assert_eq!(scopes, ["ASEAN", "IDN", "THA", "VNM"]);
    assert!(close(p.mean_of_states.current_status, Some(0.15)));
    assert_eq!(p.mean_of_states.states, 2);
    assert_eq!(p.mean_of_states.participants, 3);
    let counted: Vec<&str> = p
        .mean_of_states
        .counted
        .iter()
        .map(StateCode::as_str)
        .collect();
    assert_eq!(counted, ["THA", "VNM"]);
    assert_eq!(p.mean_of_states.rule, Rule::MeanOfStates);
    assert!(close(p.regional.current_status, Some(0.3)));
    assert_eq!(p.regional.rule, Rule::Regional);

    // 2027: TLS counts. (1 + 0.5 + 1/6)/3 = 5/9; regional 0.6, not in the mean
    let p = progress_on("2027-12-31");
    assert!(close(p.mean_of_states.current_status, Some(5.0 / 9.0)));
    assert_eq!(p.mean_of_states.states, 3);
    assert_eq!(p.mean_of_states.participants, 4);
    let counted: Vec<&str> = p
        .mean_of_states
        .counted
        .iter()
        .map(StateCode::as_str)
        .collect();
    assert_eq!(counted, ["THA", "TLS", "VNM"]);
    assert!(close(p.regional.current_status, Some(0.6)));
    let tls = p.scopes.iter().find(|s| s.scope.as_str() == "TLS").unwrap();
    assert_eq!(tls.class, IndicatorClass::Achieved);

    // nobody with a status: null, not 0
    let none = mean_of_states(&p.scopes, &["IDN".parse().unwrap()]);
    assert_eq!((none.current_status, none.states), (None, 0));
    // ASEAN is never a state of the mean, and a state named twice counts once
    let twice: Vec<StateCode> = ["VNM", "VNM"].iter().map(|s| s.parse().unwrap()).collect();
    let once = mean_of_states(&p.scopes, &twice);
    assert!(close(once.current_status, Some(1.0 / 6.0)));
    assert_eq!((once.states, once.participants), (1, 1));
}

#[test]
fn the_per_indicator_answer_has_the_api_shape() {
    let rows = five_scopes();
    let participants = participants_as_of(&participations(), d("2027-12-31"));
    let p = indicator_progress(
        &indicator(Direction::Increase),
        &participants,
        &rows.targets,
        &rows.observations,
        on("2027-12-31"),
    );
    let json = serde_json::to_value(&p).unwrap();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(
        keys(&json),
        [
            "as_of",
            "basis",
            "direction",
            "indicator",
            "known_at",
            "mean_of_states",
            "regional",
            "scopes"
        ]
    );
    assert_eq!(json["indicator"], CODE);
    assert_eq!(json["as_of"], "2027-12-31");
    assert_eq!(json["basis"], "reported");
    let vnm = &json["scopes"][4];
    assert_eq!(
        keys(vnm),
        [
            "ahead",
            "anticipated_progress",
            "anticipated_value",
            "baseline",
            "class",
            "current_status",
            "expected",
            "latest",
            "met",
            "points",
            "rule",
            "scope",
            "target"
        ]
    );
    assert_eq!(vnm["scope"], "VNM");
    assert_eq!(
        vnm["baseline"],
        serde_json::json!({"year": 2025, "value": 50.0})
    );
    assert_eq!(
        vnm["latest"],
        serde_json::json!({"year": 2027, "value": 55.0})
    );
    assert_eq!(
        vnm["points"][1],
        serde_json::json!({"year": 2026, "value": 53.0})
    );
    assert_eq!(vnm["class"], "needs_acceleration");
    // IDN: only the baseline
    assert_eq!(json["scopes"][1]["current_status"], serde_json::Value::Null);
    assert_eq!(
        json["scopes"][1]["anticipated_value"],
        serde_json::Value::Null
    );
    assert_eq!(json["mean_of_states"]["rule"], "mean_of_states");
    assert_eq!(json["mean_of_states"]["states"], 3);
    assert_eq!(json["regional"]["scope"], "ASEAN");
    assert_eq!(json["regional"]["rule"], "regional");
}

/// A Strategic Plan-like tree:
///
/// ```text
/// G1 ── G1.1 ── G1.1.1, G1.1.2
///   └── G1.2 ── G1.2.1
/// G2 ── G2.1 ── G2.1.1
/// ```
fn plan_outline() -> Outline {
    let rows = [
        ("G1", None, 0),
        ("G1.1", Some("G1"), 1),
        ("G1.1.1", Some("G1.1"), 2),
        ("G1.1.2", Some("G1.1"), 2),
        ("G1.2", Some("G1"), 1),
        ("G1.2.1", Some("G1.2"), 2),
        ("G2", None, 0),
        ("G2.1", Some("G2"), 1),
        ("G2.1.1", Some("G2.1"), 2),
    ];
    let levels = ["goal", "objective", "measure"];
    let nodes: Vec<Node> = rows
        .iter()
        .zip(1..)
        .map(|(&(code, parent, depth), id)| Node {
            id,
            code: code.into(),
            parent: parent.map(Into::into),
            level: levels[usize::from(depth)].into(),
            depth,
            title: format!("Node {code}"),
            note: None,
            is_measure: depth == 2,
            lead_bodies: vec![],
        })
        .collect();
    Outline::new(levels.iter().map(|l| (*l).to_owned()).collect(), &nodes)
}

/// Figures with only what a rollup reads: the scope, the current status and the class.
fn summary(at: &str, current_status: Option<f64>, class: IndicatorClass) -> ScopeProgress {
    ScopeProgress {
        current_status,
        class,
        ..ScopeProgress::without_target(&scope(at))
    }
}

#[test]
fn node_rollups_average_the_current_statuses_and_count_the_classes() {
    use IndicatorClass::*;
    let outline = plan_outline();
    let node = |code: &str| outline.find(code).unwrap();
    let figures = [
        (
            node("G1.1.1"),
            summary("ASEAN", Some(1.0 / 6.0), NeedsAcceleration),
        ),
        (node("G1.1.2"), summary("ASEAN", Some(1.0), Achieved)),
        (node("G1.2.1"), summary("ASEAN", None, InsufficientData)),
        // an indicator of the goal itself
        (node("G1"), summary("ASEAN", Some(0.1), InsufficientData)),
        (node("G2.1.1"), summary("ASEAN", None, NoTarget)),
        // another scope: never mixed in
        (node("G1.1.1"), summary("VNM", Some(0.9), OnTrack)),
    ];
    let measured: Vec<(usize, &ScopeProgress)> = figures.iter().map(|(n, f)| (*n, f)).collect();

    let goals = outline.select(None, None, Some("goal")).unwrap();
    let r = rollup_by_node(&outline, &goals.rows, &Scope::Asean, &measured);
    // overall: 5 indicators, statuses 1/6, 1, 0.1 → (1/6 + 1 + 0.1)/3 = 19/45
    assert_eq!(r.overall.indicators, 5);
    assert_eq!(r.overall.with_status, 3);
    assert!(close(r.overall.mean_current_status, Some(19.0 / 45.0)));
    assert_eq!(r.overall.rule, Rule::Regional);
    assert_eq!(r.overall.classes.on_track, 0);
    assert_eq!(r.overall.classes.total(), 5);
    let row = |code: &str| r.nodes.iter().find(|n| n.code == code).unwrap().rollup;
    let g1 = row("G1");
    assert_eq!((g1.indicators, g1.with_status), (4, 3));
    assert!(close(g1.mean_current_status, Some(19.0 / 45.0)));
    assert_eq!(
        (
            g1.classes.achieved,
            g1.classes.needs_acceleration,
            g1.classes.insufficient_data
        ),
        (1, 1, 2)
    );
    let g2 = row("G2");
    assert_eq!((g2.indicators, g2.with_status), (1, 0));
    assert_eq!(g2.mean_current_status, None);
    assert_eq!(g2.classes.get(NoTarget), 1);

    // objectives: the goal's own indicator is in `overall` only. G1.1: (1/6 + 1)/2 = 7/12
    let objectives = outline.select(None, None, Some("objective")).unwrap();
    let r = rollup_by_node(&outline, &objectives.rows, &Scope::Asean, &measured);
    let codes: Vec<&str> = r.nodes.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, ["G1.1", "G1.2", "G2.1"]);
    let counts: Vec<(u64, u64)> = r
        .nodes
        .iter()
        .map(|n| (n.rollup.indicators, n.rollup.with_status))
        .collect();
    assert_eq!(counts, [(2, 2), (1, 0), (1, 0)]);
    assert!(close(
        r.nodes[0].rollup.mean_current_status,
        Some(7.0 / 12.0)
    ));
    assert_eq!(r.overall.indicators, 5);

    // in VNM: the one VNM figure, rule `scope`
    let vnm = rollup_by_node(&outline, &goals.rows, &scope("VNM"), &measured);
    assert_eq!((vnm.overall.indicators, vnm.overall.rule), (1, Rule::Scope));
    assert!(close(vnm.overall.mean_current_status, Some(0.9)));

    // the API shape of a row
    let json = serde_json::to_value(&r.nodes[0]).unwrap();
    assert_eq!(json["code"], "G1.1");
    assert_eq!(json["indicators"], 2);
    assert_eq!(json["with_status"], 2);
    assert_eq!(json["classes"]["achieved"], 1);
    assert_eq!(json["classes"]["needs_acceleration"], 1);
    assert_eq!(json["classes"]["no_target"], 0);
}

#[test]
fn a_node_without_indicators_has_no_mean_rather_than_zero() {
    let outline = plan_outline();
    let goals = outline.select(None, None, Some("goal")).unwrap();
    let r = rollup_by_node(&outline, &goals.rows, &Scope::Asean, &[]);
    assert_eq!(r.overall.indicators, 0);
    assert_eq!(r.overall.mean_current_status, None);
    assert_eq!(r.nodes.len(), 2);
    let json = serde_json::to_value(r.overall).unwrap();
    assert_eq!(json["mean_current_status"], serde_json::Value::Null);
}

// ---------------------------------------------------------------------------------------------
// Properties

/// A scenario: a target and observations (years relative to the baseline year, some repeated
/// as corrections, some missing as gaps), and an as-of year.
#[derive(Debug, Clone)]
struct Scenario {
    direction: Direction,
    baseline: (i32, f64),
    target: (i32, f64),
    observed: Vec<(i32, f64)>,
    as_of_year: i32,
}

impl Scenario {
    fn rows(&self) -> Rows {
        let mut rows = Rows::default();
        rows.target("VNM", self.baseline, self.target, "2000-01-01T00:00:00Z");
        for (i, &(year, value)) in self.observed.iter().enumerate() {
            // recorded one after the other: later rows correct earlier ones of the same year
            let recorded = format!("2001-01-01T00:00:{:02}Z", i % 60);
            rows.observe("VNM", year, value, &recorded);
        }
        rows
    }

    fn as_of(&self) -> String {
        format!("{}-12-31", self.as_of_year)
    }
}

fn value() -> impl Strategy<Value = f64> {
    // whole hundredths, as data are published
    (-100_000_i64..100_000).prop_map(|v| v as f64 / 100.0)
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::sample::select(Direction::ALL.to_vec()),
        2010_i32..2030,
        value(),
        1_i32..15,
        value(),
        prop::collection::vec((1_i32..20, value()), 0..12),
        0_i32..20,
    )
        .prop_filter("a target differs from its baseline", |s| s.2 != s.4)
        .prop_map(|(direction, b, x0, span, xs, observed, after)| Scenario {
            direction,
            baseline: (b, x0),
            target: (b + span, xs),
            observed: observed.into_iter().map(|(u, x)| (b + u, x)).collect(),
            as_of_year: b + after,
        })
}

fn finite_or_none(x: Option<f64>) -> bool {
    x.is_none_or(f64::is_finite)
}

proptest! {
    #[test]
    fn mirroring_values_and_direction_gives_the_same_figures(s in scenario()) {
        let rows = s.rows();
        let as_of = s.as_of();
        let a = figures(s.direction, &rows, "VNM", on(&as_of));
        let b = figures(s.direction.reversed(), &mirrored(&rows), "VNM", on(&as_of));
        prop_assert_eq!(a.current_status, b.current_status);
        prop_assert_eq!(a.expected, b.expected);
        prop_assert_eq!(a.anticipated_progress, b.anticipated_progress);
        prop_assert_eq!(a.anticipated_value, neg(b.anticipated_value));
        prop_assert_eq!(a.class, b.class);
        prop_assert_eq!(a.ahead, b.ahead);
    }

    #[test]
    fn a_later_observation_equal_to_the_target_is_achieved(s in scenario(), later in 1_i32..10) {
        let mut rows = s.rows();
        let last = s.observed.iter().map(|o| o.0).max().unwrap_or(s.baseline.0).max(s.baseline.0);
        let year = last + later;
        rows.observe("VNM", year, s.target.1, "2002-01-01T00:00:00Z");
        let got = figures(s.direction, &rows, "VNM", on(&format!("{year}-12-31")));
        prop_assert_eq!(got.class, IndicatorClass::Achieved);
        prop_assert_eq!(got.met, Some(true));
        prop_assert_eq!(got.current_status, Some(1.0));
        prop_assert_eq!(got.latest, Some(YearValue { year, value: s.target.1 }));
    }

    #[test]
    fn the_weighted_fit_of_points_on_a_line_reproduces_the_line(
        b in 2000_i32..2030,
        x0 in value(),
        slope in value(),
        years in prop::collection::btree_set(1_i32..25, 2..10),
        span in 1_i32..30,
    ) {
        let line = |year: i32| x0 + slope * f64::from(year - b);
        let points: Vec<YearValue> = std::iter::once(b)
            .chain(years.iter().map(|u| b + u))
            .map(|year| YearValue { year, value: line(year) })
            .collect();
        let target_year = b + span;
        let want = line(target_year);
        // rounding error grows with the size of the values involved
        let near = |got: Option<f64>| {
            let scale = 1.0 + x0.abs() + slope.abs() * 30.0;
            got.is_some_and(|g| (g - want).abs() <= 1e-9 * scale)
        };
        let got = anticipated_value(&points, b, target_year);
        prop_assert!(near(got), "{:?} against {}", got, want);
        // and through the whole computation, with the points as observations
        let mut rows = Rows::default();
        rows.target("VNM", (b, x0), (target_year, x0 + 1000.5), "2000-01-01T00:00:00Z");
        for p in &points[1..] {
            rows.observe("VNM", p.year, p.value, "2001-01-01T00:00:00Z");
        }
        let last = points.last().map_or(b, |p| p.year);
        let got = figures(Direction::Increase, &rows, "VNM", on(&format!("{last}-12-31")));
        prop_assert!(near(got.anticipated_value), "{:?} against {}", got, want);
    }

    /// Whatever the rows, even ones the checks would refuse, every figure is null or a finite
    /// number, `expected` lies in [0, 1], and a met target's status is at most 1.
    #[test]
    fn every_figure_is_null_or_finite(
        s in scenario(),
        odd in prop::sample::select(vec![None, Some(f64::NAN), Some(f64::INFINITY), Some(0.0)]),
        equal in any::<bool>(),
    ) {
        let mut rows = s.rows();
        if let Some(x) = odd {
            rows.observe("VNM", s.baseline.0 + 1, x, "2003-01-01T00:00:00Z");
        }
        if equal {
            rows.target("VNM", s.baseline, (s.target.0, s.baseline.1), "2000-06-01T00:00:00Z");
        }
        let got = figures(s.direction, &rows, "VNM", on(&s.as_of()));
        for x in [got.current_status, got.expected, got.anticipated_value, got.anticipated_progress] {
            prop_assert!(finite_or_none(x), "{:?}", got);
        }
        prop_assert!(got.points.iter().all(|p| p.value.is_finite()));
        prop_assert!(got.expected.is_none_or(|e| (0.0..=1.0).contains(&e)));
        if got.met == Some(true) {
            prop_assert!(got.current_status.is_none_or(|c| c <= 1.0));
        }
        prop_assert_eq!(got.class == IndicatorClass::NoTarget, equal);
        let json = serde_json::to_string(&got).unwrap();
        prop_assert!(!json.contains("NaN") && !json.contains("inf"), "{}", json);
    }
}
