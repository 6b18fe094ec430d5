//! The demo's Results Framework indicators (`serve --demo`): two invented indicators per goal
//! of the ASCC Strategic Plan (24), both directions, in percent and in other units, each
//! measuring a strategic measure under its goal, with ASEAN and national baselines (2025),
//! targets (2030; for every fourth indicator a revision to 2035 recorded later) and yearly
//! values that improve, stall, reverse or have gaps. Every note starts with
//! [`DEMO_NOTE`](super::DEMO_NOTE) and every code with [`DEMO_CODE_PREFIX`].
//!
//! **Observation years and the demo cut-off.** The status reports of the demo never claim a
//! date after [`DEMO_CUTOFF`](super::DEMO_CUTOFF) (2026-09-30). The indicators cannot keep to
//! it and still show their classes: DESIGN §2b counts as points only the baseline and the
//! observations of the years *after* the baseline year, and a trend needs three points, so with
//! baselines in 2025 (the issue's) no class other than `achieved`, `insufficient_data` and
//! `no_target` can appear before two years after 2025 are observed. Observations of baseline-era
//! years (2021–2025) would not help: the engine ignores years up to the baseline's. So the demo
//! holds values for **2026–2030**, as the issue asks: an illustration of a full cycle up to the
//! Mid-Term Review, not a claim about the future (each value's note says `[DEMO]`). Read them
//! with `as_of` = 2030-12-31 or later (nothing changes after 2030, the last observed year); with
//! `as_of` in 2026, the cut-off's year, the figures hold the baseline and the 2026 value only
//! (`achieved` or `insufficient_data`, and `no_target`). No row is said to be recorded after the
//! load instant (as for status reports: a row "recorded in the future" would outrank a real one
//! recorded today), so loaded before 2031 the later values are recorded at the load instant;
//! the targets are recorded on fixed dates of 2026 (the 2035 revisions on 2026-09-15), capped
//! likewise.
//!
//! **Scopes.** Each indicator has an ASEAN target and values (the regional classes are set by
//! design, so that each class appears in the regional scope), and a target and values in each
//! participant, whose trends are drawn from the seeded generator. Timor-Leste, a member from
//! 2025-10-26, has its baselines in 2026, its first year as a member, and national targets for
//! half the indicators only (`no_target` for the others, whose values it reports all the same).
//! The national values of the last year (2030) are the demo focal points' own, waiting for the
//! Secretariat's validation (like the Strategic Plan's latest national status reports); the rest
//! is recorded (and validated) by the demo account.
//!
//! Pure and deterministic: the same inputs give the same rows.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};

use super::{DEMO_NOTE, Rng};
use crate::domain::{Direction, Scope, StateCode, is_percent_unit};

/// The framework the demo indicators belong to.
pub const INDICATOR_FRAMEWORK: &str = "ascc-strategic-plan";
/// Every demo indicator's code starts with it: `DEMO-SG4-1`.
pub const DEMO_CODE_PREFIX: &str = "DEMO-";
/// The year of every ASEAN (and most national) baselines.
pub const BASELINE_YEAR: i32 = 2025;
/// The year of the first targets.
pub const TARGET_YEAR: i32 = 2030;
/// The year of the revised targets.
pub const REVISED_TARGET_YEAR: i32 = 2035;
/// The years observed.
pub const FIRST_OBSERVED_YEAR: i32 = 2026;
pub const LAST_OBSERVED_YEAR: i32 = 2030;

/// One invented indicator definition.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoIndicator {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub direction: Direction,
    pub decimals: u8,
    /// The goal it belongs to.
    pub goal: String,
    /// The strategic measure (under the goal) it measures.
    pub measure: String,
    pub note: String,
    pub recorded_at: DateTime<Utc>,
}

/// One invented target row (a revision is a later row for the same indicator and scope).
#[derive(Debug, Clone, PartialEq)]
pub struct DemoTarget {
    pub indicator: String,
    pub scope: Scope,
    pub baseline_year: i32,
    pub baseline_value: f64,
    pub target_year: i32,
    pub target_value: f64,
    pub note: String,
    pub recorded_at: DateTime<Utc>,
}

/// One invented observation.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoObservation {
    pub indicator: String,
    pub scope: Scope,
    pub year: i32,
    pub value: f64,
    pub note: String,
    /// Recorded by the state's demo focal point and waiting for validation (otherwise by the
    /// demo account, validated on entry).
    pub awaiting_validation: bool,
    pub recorded_at: DateTime<Utc>,
}

/// The whole set, in recording order within each list.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DemoIndicators {
    pub indicators: Vec<DemoIndicator>,
    pub targets: Vec<DemoTarget>,
    pub observations: Vec<DemoObservation>,
}

/// The trend a scope's values are drawn along: each gives the class of DESIGN §2b named after
/// it as of 2030-12-31 (checked by the tests against the engine).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trend {
    /// Improving fast: the target is reached.
    Achieved,
    /// Improving at the pace the target needs.
    OnTrack,
    /// Improving at about half the pace.
    NeedsAcceleration,
    /// Stalling near the baseline.
    Stagnating,
    /// Improving at first, then reversing below the baseline.
    Reversing,
    /// Steadily worse.
    Regressing,
    /// One value only, for the last year: too few points for a trend.
    Sparse,
    /// No target for the scope.
    NoTarget,
}

/// The ASEAN trend of indicator `i`: a cycle through the classes, and one indicator each
/// without enough regional data and without a regional target.
fn regional_trend(i: usize) -> Trend {
    match i {
        10 => Trend::Sparse,
        21 => Trend::NoTarget,
        _ => [
            Trend::Achieved,
            Trend::OnTrack,
            Trend::NeedsAcceleration,
            Trend::Stagnating,
            Trend::Regressing,
            Trend::Reversing,
            Trend::NeedsAcceleration,
        ][i % 7],
    }
}

/// A national trend drawn from the generator.
fn national_trend(rng: &mut Rng) -> Trend {
    match rng.below(100) {
        0..15 => Trend::Achieved,
        15..30 => Trend::OnTrack,
        30..58 => Trend::NeedsAcceleration,
        58..73 => Trend::Stagnating,
        73..83 => Trend::Reversing,
        83..95 => Trend::Regressing,
        _ => Trend::Sparse,
    }
}

/// The share of the way from baseline to (final) target at `years` after the baseline, for a
/// target `span` years after it, without noise.
fn share(trend: Trend, years: i32, span: i32) -> f64 {
    let (u, span) = (f64::from(years), f64::from(span));
    match trend {
        Trend::Achieved => 0.24 * u,
        // On the straight path to the target (met only in the target year, which is not
        // observed: see `scope_years`).
        Trend::OnTrack => u / span,
        Trend::NeedsAcceleration => 0.5 * u / span,
        Trend::Stagnating => {
            [0.0, 0.03, 0.04, 0.03, 0.04, 0.04][usize::try_from(years.clamp(0, 5)).unwrap_or(0)]
        }
        Trend::Reversing => {
            [0.0, 0.12, 0.18, 0.08, -0.06, -0.16][usize::try_from(years.clamp(0, 5)).unwrap_or(0)]
        }
        Trend::Regressing => -0.05 * u,
        Trend::Sparse => 0.1 * u / span,
        Trend::NoTarget => 0.4 * u / span,
    }
}

/// How much noise (a share of the way) a trend's values may carry.
fn noise(trend: Trend) -> f64 {
    match trend {
        Trend::Achieved | Trend::Regressing | Trend::Reversing | Trend::NoTarget => 0.02,
        Trend::NeedsAcceleration | Trend::Sparse => 0.03,
        Trend::OnTrack | Trend::Stagnating => 0.004,
    }
}

/// One indicator's template: title, unit, direction, decimals, ASEAN baseline, ASEAN target.
struct Template {
    title: &'static str,
    unit: &'static str,
    direction: Direction,
    decimals: u8,
    baseline: f64,
    target: f64,
}

const fn t(
    title: &'static str,
    unit: &'static str,
    direction: Direction,
    decimals: u8,
    baseline: f64,
    target: f64,
) -> Template {
    Template {
        title,
        unit,
        direction,
        decimals,
        baseline,
        target,
    }
}

use Direction::{Decrease as DOWN, Increase as UP};

/// Two per goal, in goal order (SG1 … SG12). Values are invented; spans are at least 100
/// steps of the shown decimals, so that rounding never changes a class.
const TEMPLATES: [Template; 24] = [
    t("Individuals using the Internet", "%", UP, 1, 72.0, 85.0),
    t("Price of 1 GB of mobile data", "USD", DOWN, 2, 2.5, 1.5),
    t(
        "Population covered by at least one social protection benefit",
        "%",
        UP,
        1,
        45.0,
        60.0,
    ),
    t(
        "Population below the national poverty line",
        "%",
        DOWN,
        1,
        12.0,
        8.0,
    ),
    t(
        "Youth not in education, employment or training",
        "%",
        DOWN,
        1,
        18.0,
        13.0,
    ),
    t("Expected years of schooling", "years", UP, 2, 12.6, 13.6),
    t("Life expectancy at birth", "years", UP, 2, 73.0, 75.0),
    t(
        "Maternal mortality ratio",
        "per 100,000 live births",
        DOWN,
        1,
        120.0,
        80.0,
    ),
    t(
        "Deaths and missing persons attributed to disasters",
        "per 100,000",
        DOWN,
        3,
        1.2,
        0.6,
    ),
    t(
        "Companies publishing sustainability reports",
        "%",
        UP,
        1,
        30.0,
        50.0,
    ),
    t("People aware of ASEAN", "%", UP, 1, 75.0, 88.0),
    t("Intra-ASEAN tourist arrivals", "million", UP, 2, 50.0, 70.0),
    t(
        "Seats held by women in national parliaments",
        "%",
        UP,
        1,
        22.0,
        30.0,
    ),
    t("Gender pay gap", "%", DOWN, 1, 18.0, 12.0),
    t(
        "ASEAN Youth Development Index",
        "index (0–1)",
        UP,
        3,
        0.65,
        0.75,
    ),
    t("Youth unemployment rate", "%", DOWN, 2, 10.0, 7.0),
    t(
        "Employment in cultural and creative industries",
        "% of employment",
        UP,
        2,
        3.5,
        4.5,
    ),
    t(
        "Public spending on cultural and natural heritage per person",
        "USD",
        UP,
        2,
        8.0,
        12.0,
    ),
    t(
        "Adults insufficiently physically active",
        "%",
        DOWN,
        1,
        25.0,
        20.0,
    ),
    t("Public sports facilities", "per 100,000", UP, 2, 15.0, 20.0),
    t(
        "Households with access to electricity",
        "%",
        UP,
        2,
        93.0,
        98.0,
    ),
    t(
        "Gini index of household income",
        "Gini points (0–100)",
        DOWN,
        2,
        38.0,
        35.0,
    ),
    t(
        "Renewable share of final energy consumption",
        "%",
        UP,
        2,
        16.0,
        23.0,
    ),
    t(
        "Carbon intensity of GDP",
        "kg CO2e per USD",
        DOWN,
        3,
        0.40,
        0.30,
    ),
];

/// A goal with its strategic measures, in the framework's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalMeasures {
    pub goal: String,
    pub measures: Vec<String>,
}

/// A participant with the date it joined ASEAN (Timor-Leste: 2025-10-26).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoParticipant {
    pub state: StateCode,
    pub joined_on: NaiveDate,
}

fn at(date: Option<NaiveDate>, now: DateTime<Utc>) -> DateTime<Utc> {
    date.map_or(now, |d| {
        d.and_time(NaiveTime::from_hms_opt(3, 0, 0).unwrap_or(NaiveTime::MIN))
            .and_utc()
            .min(now)
    })
}

fn round(value: f64, decimals: u8) -> f64 {
    let scale = 10f64.powi(i32::from(decimals));
    (value * scale).round() / scale
}

/// Whether indicator `i`'s targets are revised to 2035.
fn revised(i: usize) -> bool {
    i % 4 == 3
}

/// The indicators for `goals` (the first 12 are used, two indicators each; a goal without
/// measures gets none) in `participants`, recorded no later than `now`.
pub fn scenario(
    goals: &[GoalMeasures],
    participants: &[DemoParticipant],
    now: DateTime<Utc>,
) -> DemoIndicators {
    let defined_on = at(NaiveDate::from_ymd_opt(2026, 1, 15), now);
    let targets_on = at(NaiveDate::from_ymd_opt(2026, 2, 16), now);
    let revised_on = at(NaiveDate::from_ymd_opt(2026, 9, 15), now);
    let mut out = DemoIndicators::default();
    for (g, goal) in goals.iter().take(12).enumerate() {
        if goal.measures.is_empty() {
            continue;
        }
        let mut rng = Rng::seeded(&["indicators", &goal.goal]);
        let n = goal.measures.len() as u64;
        let first = usize::try_from(rng.below(n)).unwrap_or(0);
        let second = usize::try_from((first as u64 + 1 + rng.below(n.max(2) - 1)) % n).unwrap_or(0);
        for (k, measure_index) in [first, second].into_iter().enumerate() {
            let i = 2 * g + k;
            let Some(template) = TEMPLATES.get(i) else {
                continue;
            };
            let code = format!("{DEMO_CODE_PREFIX}{}-{}", goal.goal, k + 1);
            let measure = goal
                .measures
                .get(measure_index)
                .cloned()
                .unwrap_or_default();
            out.indicators.push(DemoIndicator {
                code: code.clone(),
                title: template.title.to_owned(),
                unit: template.unit.to_owned(),
                direction: template.direction,
                decimals: template.decimals,
                goal: goal.goal.clone(),
                measure: measure.clone(),
                note: format!(
                    "{DEMO_NOTE} Invented indicator of goal {} measuring strategic measure {measure}.",
                    goal.goal
                ),
                recorded_at: defined_on,
            });
            let scopes = std::iter::once((Scope::Asean, BASELINE_YEAR)).chain(
                participants.iter().map(|p| {
                    let first_full_year = p.joined_on.year() + 1;
                    (
                        Scope::State(p.state.clone()),
                        first_full_year.max(BASELINE_YEAR),
                    )
                }),
            );
            for (scope, baseline_year) in scopes {
                let mut rng = Rng::seeded(&["indicators", &code, scope.as_str()]);
                let trend = match &scope {
                    Scope::Asean => regional_trend(i),
                    // A member that joined late sets national targets for half the indicators.
                    Scope::State(_) if baseline_year > BASELINE_YEAR && k == 1 => Trend::NoTarget,
                    Scope::State(_) => national_trend(&mut rng),
                };
                scope_rows(
                    &mut out,
                    &mut rng,
                    ScopeRows {
                        index: i,
                        code: &code,
                        template,
                        scope: &scope,
                        baseline_year,
                        trend,
                        targets_on,
                        revised_on,
                        now,
                    },
                );
            }
        }
    }
    out.targets.sort_by_key(|t| t.recorded_at);
    out
}

struct ScopeRows<'a> {
    index: usize,
    code: &'a str,
    template: &'a Template,
    scope: &'a Scope,
    baseline_year: i32,
    trend: Trend,
    targets_on: DateTime<Utc>,
    revised_on: DateTime<Utc>,
    now: DateTime<Utc>,
}

fn scope_rows(out: &mut DemoIndicators, rng: &mut Rng, s: ScopeRows<'_>) {
    let template = s.template;
    let decimals = template.decimals;
    let percent = is_percent_unit(template.unit);
    let mut unit_draw = |spread: u64| {
        // A factor in [1 − spread/100, 1 + spread/100].
        1.0 + (rng.below(2 * spread + 1) as f64 - spread as f64) / 100.0
    };
    let (baseline, first_target) = if *s.scope == Scope::Asean {
        (template.baseline, template.target)
    } else {
        let mut baseline = template.baseline * unit_draw(15);
        if percent {
            baseline = baseline.clamp(1.0, 95.0);
        }
        (
            baseline,
            baseline + (template.target - template.baseline) * unit_draw(20),
        )
    };
    let revised = revised(s.index);
    let mut final_target = if revised {
        baseline + 2.0 * (first_target - baseline)
    } else {
        first_target
    };
    if percent {
        final_target = final_target.clamp(1.0, 99.0);
    }
    let baseline = round(baseline, decimals);
    let final_target = round(final_target, decimals);
    let first_target = if revised {
        round(baseline + (final_target - baseline) / 2.0, decimals)
    } else {
        final_target
    };
    let span_years = if revised {
        REVISED_TARGET_YEAR
    } else {
        TARGET_YEAR
    } - s.baseline_year;
    let note = |what: &str| format!("{DEMO_NOTE} {what}");
    if s.trend != Trend::NoTarget && (first_target - baseline).abs() > 0.0 {
        out.targets.push(DemoTarget {
            indicator: s.code.to_owned(),
            scope: s.scope.clone(),
            baseline_year: s.baseline_year,
            baseline_value: baseline,
            target_year: TARGET_YEAR,
            target_value: first_target,
            note: note("Target for 2030 set with the Results Framework."),
            recorded_at: s.targets_on,
        });
        if revised {
            out.targets.push(DemoTarget {
                indicator: s.code.to_owned(),
                scope: s.scope.clone(),
                baseline_year: s.baseline_year,
                baseline_value: baseline,
                target_year: REVISED_TARGET_YEAR,
                target_value: final_target,
                note: note("Target revised: extended to 2035 with the same yearly ambition."),
                recorded_at: s.revised_on,
            });
        }
    }
    let first_year = FIRST_OBSERVED_YEAR.max(s.baseline_year + 1);
    // A gap now and then in the middle years; the on-track trend's last year is not in yet
    // (its value would meet the target); a sparse scope has its last year only.
    let gap =
        (rng.below(5) == 0).then(|| first_year + 1 + i32::try_from(rng.below(2)).unwrap_or(0));
    for year in first_year..=LAST_OBSERVED_YEAR {
        let skipped = match s.trend {
            Trend::Sparse => year != LAST_OBSERVED_YEAR,
            Trend::OnTrack => year == LAST_OBSERVED_YEAR || Some(year) == gap,
            _ => Some(year) == gap,
        };
        let spread = noise(s.trend);
        let jitter = (rng.below(201) as f64 - 100.0) / 100.0 * spread;
        if skipped {
            continue;
        }
        let way = share(s.trend, year - s.baseline_year, span_years) + jitter;
        let mut value = baseline + way * (final_target - baseline);
        if percent {
            value = value.clamp(0.0, 100.0);
        }
        let awaiting_validation = *s.scope != Scope::Asean && year == LAST_OBSERVED_YEAR;
        out.observations.push(DemoObservation {
            indicator: s.code.to_owned(),
            scope: s.scope.clone(),
            year,
            value: round(value, decimals),
            note: note(if awaiting_validation {
                "Reported by the national focal point."
            } else {
                "Compiled by the Secretariat."
            }),
            awaiting_validation,
            // Published at the end of March after the year, not after the load instant.
            recorded_at: at(NaiveDate::from_ymd_opt(year + 1, 3, 31), s.now),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;
    use crate::domain::{
        Basis, Indicator, IndicatorClass, Observation, Target, Validation, ValidationState,
    };
    use crate::engine::At;
    use crate::engine::indicators::{IndicatorAt, scope_progress};

    fn goals() -> Vec<GoalMeasures> {
        (1..=12)
            .map(|g| GoalMeasures {
                goal: format!("SG{g}"),
                measures: (1..=4).map(|m| format!("{g}.1.{m}")).collect(),
            })
            .collect()
    }

    fn participants() -> Vec<DemoParticipant> {
        [
            ("BRN", "1984-01-07"),
            ("KHM", "1999-04-30"),
            ("IDN", "1967-08-08"),
            ("LAO", "1997-07-23"),
            ("MYS", "1967-08-08"),
            ("MMR", "1997-07-23"),
            ("PHL", "1967-08-08"),
            ("SGP", "1967-08-08"),
            ("THA", "1967-08-08"),
            ("VNM", "1995-07-28"),
            ("TLS", "2025-10-26"),
        ]
        .into_iter()
        .map(|(s, d)| DemoParticipant {
            state: s.parse().unwrap(),
            joined_on: d.parse().unwrap(),
        })
        .collect()
    }

    fn now() -> DateTime<Utc> {
        "2026-12-05T12:00:00Z".parse().unwrap()
    }

    /// The class of every (indicator, scope) as of `as_of`, computed by the engine.
    fn classes(
        demo: &DemoIndicators,
        as_of: &str,
        known_at: Option<DateTime<Utc>>,
    ) -> BTreeMap<(String, String), IndicatorClass> {
        let targets: Vec<Target> = demo
            .targets
            .iter()
            .enumerate()
            .map(|(id, t)| Target {
                id: id as i64,
                indicator: t.indicator.clone(),
                scope: t.scope.clone(),
                baseline_year: t.baseline_year,
                baseline_value: t.baseline_value,
                target_year: t.target_year,
                target_value: t.target_value,
                note: Some(t.note.clone()),
                recorded_by: None,
                recorded_at: t.recorded_at,
            })
            .collect();
        let observations: Vec<Observation> = demo
            .observations
            .iter()
            .enumerate()
            .map(|(id, o)| Observation {
                id: id as i64,
                indicator: o.indicator.clone(),
                scope: o.scope.clone(),
                year: o.year,
                value: o.value,
                source: None,
                note: Some(o.note.clone()),
                recorded_by: None,
                recorded_at: o.recorded_at,
                validation: Validation {
                    state: ValidationState::Reported,
                    by: None,
                    at: None,
                    reason: None,
                    evidence_checked: false,
                },
            })
            .collect();
        let when = IndicatorAt {
            at: At {
                as_of: as_of.parse().unwrap(),
                known_at,
            },
            basis: Basis::Reported,
        };
        let scopes: Vec<Scope> = std::iter::once(Scope::Asean)
            .chain(participants().into_iter().map(|p| Scope::State(p.state)))
            .collect();
        let mut out = BTreeMap::new();
        for d in &demo.indicators {
            let indicator = Indicator {
                id: 0,
                code: d.code.clone(),
                title: d.title.clone(),
                unit: d.unit.clone(),
                direction: d.direction,
                decimals: d.decimals,
                node: d.measure.clone(),
                source: None,
                note: Some(d.note.clone()),
                retired: false,
            };
            for scope in &scopes {
                let p = scope_progress(&indicator, scope, &targets, &observations, when);
                out.insert((d.code.clone(), scope.to_string()), p.class);
            }
        }
        out
    }

    #[test]
    fn two_indicators_per_goal_both_directions_and_units() {
        let demo = scenario(&goals(), &participants(), now());
        assert_eq!(demo.indicators.len(), 24);
        for g in 1..=12 {
            let of_goal: Vec<&DemoIndicator> = demo
                .indicators
                .iter()
                .filter(|i| i.goal == format!("SG{g}"))
                .collect();
            assert_eq!(of_goal.len(), 2, "SG{g}");
            assert_ne!(of_goal[0].measure, of_goal[1].measure);
            for i in of_goal {
                assert!(i.measure.starts_with(&format!("{g}.1.")), "{}", i.measure);
            }
        }
        let codes: BTreeSet<&str> = demo.indicators.iter().map(|i| i.code.as_str()).collect();
        assert_eq!(codes.len(), 24);
        assert!(codes.iter().all(|c| c.starts_with(DEMO_CODE_PREFIX)));
        for direction in Direction::ALL {
            assert!(demo.indicators.iter().any(|i| i.direction == direction));
        }
        assert!(demo.indicators.iter().any(|i| is_percent_unit(&i.unit)));
        assert!(demo.indicators.iter().any(|i| !is_percent_unit(&i.unit)));
    }

    #[test]
    fn the_set_is_deterministic_labelled_and_never_recorded_after_the_load() {
        let a = scenario(&goals(), &participants(), now());
        let b = scenario(&goals(), &participants(), now());
        assert_eq!(a, b);
        assert!(a.indicators.iter().all(|i| i.note.starts_with(DEMO_NOTE)));
        assert!(a.targets.iter().all(|t| t.note.starts_with(DEMO_NOTE)));
        assert!(a.observations.iter().all(|o| o.note.starts_with(DEMO_NOTE)));
        assert!(a.targets.iter().all(|t| t.recorded_at <= now()));
        assert!(a.observations.iter().all(|o| o.recorded_at <= now()));
        assert!(
            a.targets
                .windows(2)
                .all(|w| w[0].recorded_at <= w[1].recorded_at)
        );
        for o in &a.observations {
            assert!((FIRST_OBSERVED_YEAR..=LAST_OBSERVED_YEAR).contains(&o.year));
            assert!(o.value.is_finite());
            let unit = &a
                .indicators
                .iter()
                .find(|i| i.code == o.indicator)
                .unwrap()
                .unit;
            if is_percent_unit(unit) {
                assert!((0.0..=100.0).contains(&o.value), "{o:?}");
            }
            assert_eq!(
                o.awaiting_validation,
                o.scope != Scope::Asean && o.year == 2030
            );
        }
        for t in &a.targets {
            assert_ne!(t.baseline_value, t.target_value, "{t:?}");
            assert!(t.baseline_year < t.target_year);
        }
        // Timor-Leste: baselines from 2026, its first year as a member.
        assert!(
            a.targets
                .iter()
                .filter(|t| t.scope.as_str() == "TLS")
                .all(|t| t.baseline_year == 2026)
        );
        // Revisions to 2035, recorded after the 2030 targets.
        let revisions: Vec<&DemoTarget> =
            a.targets.iter().filter(|t| t.target_year == 2035).collect();
        assert!(!revisions.is_empty());
        // Loaded before the revision date, everything is recorded at the load instant.
        let early: DateTime<Utc> = "2026-03-01T00:00:00Z".parse().unwrap();
        let c = scenario(&goals(), &participants(), early);
        assert!(c.targets.iter().all(|t| t.recorded_at <= early));
    }

    #[test]
    fn every_class_appears_regionally_and_across_states_as_of_2030() {
        let demo = scenario(&goals(), &participants(), now());
        let classes = classes(&demo, "2030-12-31", None);
        let regional: BTreeSet<IndicatorClass> = classes
            .iter()
            .filter(|((_, scope), _)| scope == "ASEAN")
            .map(|(_, c)| *c)
            .collect();
        let national: BTreeSet<IndicatorClass> = classes
            .iter()
            .filter(|((_, scope), _)| scope != "ASEAN")
            .map(|(_, c)| *c)
            .collect();
        let all: BTreeSet<IndicatorClass> = IndicatorClass::ALL.into_iter().collect();
        assert_eq!(regional, all);
        assert_eq!(national, all);
        // Nothing changes after the last observed year.
        assert_eq!(classes, super::tests::classes(&demo, "2035-12-31", None));
    }

    #[test]
    fn every_regional_trend_gives_its_class() {
        let demo = scenario(&goals(), &participants(), now());
        let classes = classes(&demo, "2030-12-31", None);
        for (i, d) in demo.indicators.iter().enumerate() {
            let expected = match regional_trend(i) {
                Trend::Achieved => IndicatorClass::Achieved,
                Trend::OnTrack => IndicatorClass::OnTrack,
                Trend::NeedsAcceleration => IndicatorClass::NeedsAcceleration,
                Trend::Stagnating => IndicatorClass::Stagnating,
                Trend::Reversing | Trend::Regressing => IndicatorClass::Regressing,
                Trend::Sparse => IndicatorClass::InsufficientData,
                Trend::NoTarget => IndicatorClass::NoTarget,
            };
            assert_eq!(
                classes[&(d.code.clone(), "ASEAN".to_owned())],
                expected,
                "{}",
                d.code
            );
        }
    }

    #[test]
    fn as_of_the_cutoff_year_only_short_series_are_seen() {
        let demo = scenario(&goals(), &participants(), now());
        let seen: BTreeSet<IndicatorClass> =
            classes(&demo, "2026-12-31", None).into_values().collect();
        assert!(seen.iter().all(|c| matches!(
            c,
            IndicatorClass::Achieved | IndicatorClass::InsufficientData | IndicatorClass::NoTarget
        )));
    }
}
