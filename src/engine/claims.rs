//! Checking a published figure (a claim) against the data: the claim's metric under every rule,
//! as known at an instant, each with a verdict. Pure.
//!
//! - A rule **reproduces** the claim when its figure is within half a unit of the claim's
//!   stated precision: `|figure − value| ≤ precision / 2` (so 99.5% reproduces "100%" stated to
//!   the percent, as rounding half away from zero would print it).
//! - A rule's verdict is `unverifiable` when it has no figure (nothing applicable, no current
//!   status, or the rule is not defined for the metric), when no report was in force, or when the
//!   framework's measure list is incomplete; else `matches` or `differs` (by `difference`).
//! - A knowledge date's verdict: `unverifiable` when the list is incomplete or every rule is
//!   unverifiable; `matches` when some rule reproduces the claim; else `differs`.
//!
//! The answer never picks a rule: it lists every one, and which of them (if any) reproduce the
//! claim — also when the list is incomplete, where "reproduces" is said of the measures known.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::figures::{Outline, Selection, compare, progress};
use super::index::{At, StatusIndex};
use super::indicators::IndicatorProgress;
use super::rates::{Rate, Rule, percent_of};
use crate::domain::{Claim, MeasureList, Metric, Scope, StateCode};

/// How a figure compares with a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Matches,
    Differs,
    Unverifiable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Matches => "matches",
            Verdict::Differs => "differs",
            Verdict::Unverifiable => "unverifiable",
        }
    }

    /// The verdict in words.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Matches => "Matches",
            Verdict::Differs => "Differs",
            Verdict::Unverifiable => "Unverifiable",
        }
    }
}

/// What a count of a rule's figure counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// Applicable strategic measures.
    Measures,
    /// Applicable (member state, measure) cells.
    Cells,
    /// Member states with a figure of their own.
    States,
    /// Scopes with a current status of the indicator.
    Scopes,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Measures => "measures",
            Unit::Cells => "cells",
            Unit::States => "states",
            Unit::Scopes => "scopes",
        }
    }

    /// `n` of this unit in words ("1 measure", "9 measures").
    pub fn count(self, n: u64) -> String {
        let (one, many) = match self {
            Unit::Measures => ("measure", "measures"),
            Unit::Cells => ("state-measure cell", "state-measure cells"),
            Unit::States => ("member state", "member states"),
            Unit::Scopes => ("scope", "scopes"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// A claim's metric under one rule, before it is compared.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleFigure {
    pub rule: Rule,
    pub figure: Option<f64>,
    /// How many units the figure rests on.
    pub rests_on: u64,
    pub unit: Unit,
    /// Whether any report (or observation) was in force for it.
    pub reported: bool,
    /// Why the rule gives no figure for this metric at all.
    pub not_defined: Option<&'static str>,
}

/// One rule's figure beside the claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RuleCheck {
    pub rule: Rule,
    /// The computed figure, a fraction; null when there is none.
    pub figure: Option<f64>,
    /// How many measures (cells, states) the figure rests on.
    pub rests_on: u64,
    pub unit: Unit,
    /// `figure − value`; null without a figure.
    pub difference: Option<f64>,
    /// Whether the figure is within half a unit of the stated precision of the claim.
    pub reproduces: bool,
    pub verdict: Verdict,
    /// Why the verdict is `unverifiable` (or what a `differs` is about).
    pub reason: Option<String>,
}

/// Every rule's figure as known at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct KnowledgeCheck {
    /// The instant the data are as known at: the end of the publication day, or "now".
    pub known_at: DateTime<Utc>,
    pub rules: Vec<RuleCheck>,
    /// The rules whose figure reproduces the claim (on the measures known, when the list is
    /// incomplete).
    pub reproduced_by: Vec<Rule>,
    pub verdict: Verdict,
    /// The verdict in one sentence.
    pub summary: String,
}

/// A claim checked as known on its publication day and as known now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClaimCheck {
    pub claim: Claim,
    pub measure_list: MeasureList,
    pub at_publication: KnowledgeCheck,
    pub now: KnowledgeCheck,
}

/// The end of `day` (its last microsecond, UTC): "as known on that day".
pub fn end_of_day(day: NaiveDate) -> DateTime<Utc> {
    day.succ_opt()
        .and_then(|next| next.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc() - chrono::Duration::microseconds(1))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

fn of_rate(
    metric: Metric,
    completion: Option<f64>,
    implementation: Option<f64>,
    index: Option<f64>,
) -> Option<f64> {
    match metric {
        Metric::CompletionRate => completion,
        Metric::ImplementationRate => implementation,
        Metric::ProgressIndex => index,
        Metric::MeanCurrentStatus => None,
    }
}

fn rate_figure(rule: Rule, metric: Metric, rate: &Rate, unit: Unit, reported: bool) -> RuleFigure {
    RuleFigure {
        rule,
        figure: of_rate(
            metric,
            rate.completion_rate,
            rate.implementation_rate,
            rate.progress_index,
        ),
        rests_on: rate.applicable,
        unit,
        reported,
        not_defined: None,
    }
}

/// A status metric (`metric` is not an indicator's) of the measures of `selection` in `scope`
/// as of `at`: for `ASEAN`, under the four rules (`regional`, `all_states`, `mean_of_states`,
/// `cells`) over `participants`; for a member state, its own figure (rule `scope`).
pub fn status_figures(
    outline: &Outline,
    selection: &Selection,
    index: &StatusIndex,
    scope: &Scope,
    participants: &[StateCode],
    metric: Metric,
    at: At,
) -> Vec<RuleFigure> {
    match scope {
        Scope::State(_) => {
            let own = progress(outline, selection, index, scope, at).overall;
            let reported = own.unreported < own.measures;
            vec![rate_figure(
                Rule::Scope,
                metric,
                &own,
                Unit::Measures,
                reported,
            )]
        }
        Scope::Asean => {
            let regional = progress(outline, selection, index, scope, at).overall;
            let c = compare(outline, selection, index, participants, at);
            let national = c.cells.unreported < c.cells.measures;
            vec![
                rate_figure(
                    Rule::Regional,
                    metric,
                    &regional,
                    Unit::Measures,
                    regional.unreported < regional.measures,
                ),
                rate_figure(
                    Rule::AllStates,
                    metric,
                    &c.all_states,
                    Unit::Measures,
                    national,
                ),
                RuleFigure {
                    rule: Rule::MeanOfStates,
                    figure: of_rate(
                        metric,
                        c.mean_of_states.completion_rate,
                        c.mean_of_states.implementation_rate,
                        c.mean_of_states.progress_index,
                    ),
                    rests_on: c.mean_of_states.states,
                    unit: Unit::States,
                    reported: national,
                    not_defined: None,
                },
                rate_figure(Rule::Cells, metric, &c.cells, Unit::Cells, national),
            ]
        }
    }
}

/// An indicator's current status in `scope`: for `ASEAN`, the regional figure and the mean of
/// the states (`all_states` and `cells` are not defined for an indicator); for a member state,
/// its own.
pub fn indicator_figures(progress: &IndicatorProgress, scope: &Scope) -> Vec<RuleFigure> {
    const NOT_FOR_INDICATORS: &str = "this rule counts strategic measures; an indicator has none";
    match scope {
        Scope::State(_) => {
            let own = progress
                .scopes
                .iter()
                .find(|s| &s.scope == scope)
                .and_then(|s| s.current_status);
            vec![RuleFigure {
                rule: Rule::Scope,
                figure: own,
                rests_on: u64::from(own.is_some()),
                unit: Unit::Scopes,
                reported: own.is_some(),
                not_defined: None,
            }]
        }
        Scope::Asean => {
            let regional = progress.regional.current_status;
            let mean = &progress.mean_of_states;
            let undefined = |rule| RuleFigure {
                rule,
                figure: None,
                rests_on: 0,
                unit: Unit::Scopes,
                reported: false,
                not_defined: Some(NOT_FOR_INDICATORS),
            };
            vec![
                RuleFigure {
                    rule: Rule::Regional,
                    figure: regional,
                    rests_on: u64::from(regional.is_some()),
                    unit: Unit::Scopes,
                    reported: regional.is_some(),
                    not_defined: None,
                },
                undefined(Rule::AllStates),
                RuleFigure {
                    rule: Rule::MeanOfStates,
                    figure: mean.current_status,
                    rests_on: mean.states,
                    unit: Unit::States,
                    reported: mean.current_status.is_some(),
                    not_defined: None,
                },
                undefined(Rule::Cells),
            ]
        }
    }
}

/// Whether `figure` reproduces a claim of `value` stated to `precision`.
pub fn reproduces(value: f64, precision: f64, figure: f64) -> bool {
    // A small allowance for binary fractions (0.995 is not exactly representable).
    (figure - value).abs() <= precision / 2.0 + 1e-9
}

/// The rule in words, with its code for those who look it up in the methods note.
pub fn rule_words(rule: Rule) -> &'static str {
    match rule {
        Rule::Scope => "the state's own statuses",
        Rule::Regional => "the regional statuses",
        Rule::AllStates => "a measure counted only when every member state has reached it",
        Rule::MeanOfStates => "the mean of the member states' own rates",
        Rule::Cells => "every member state's measures pooled",
    }
}

/// Joins words as a reader would: "a", "a and b", "a, b and c".
fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The claim's `figures` as known at `known_at`, compared with `claim`, knowing how complete
/// the framework's measure `list` is.
pub fn check_at(
    claim: &Claim,
    list: &MeasureList,
    known_at: DateTime<Utc>,
    figures: Vec<RuleFigure>,
) -> KnowledgeCheck {
    let incomplete_reason = {
        let should = match list.expected {
            Some(n) => format!("of the {n} it should have"),
            None => {
                "known, and the framework's note does not say how many it should have".to_owned()
            }
        };
        format!(
            "the framework's list of measures is incomplete: this figure rests on the {} {should}",
            Unit::Measures.count(list.stored)
        )
    };
    let mut reproduced_by = Vec::new();
    let rules: Vec<RuleCheck> = figures
        .into_iter()
        .map(|f| {
            let difference = f.figure.map(|x| x - claim.value);
            let reproduces = f
                .figure
                .is_some_and(|x| reproduces(claim.value, claim.precision, x));
            let (verdict, reason) = if let Some(why) = f.not_defined {
                (Verdict::Unverifiable, Some(why.to_owned()))
            } else if f.figure.is_none() {
                (
                    Verdict::Unverifiable,
                    Some(if claim.metric.of_indicator() {
                        "no current status: no target, or no value since the baseline".to_owned()
                    } else {
                        "no measure is applicable".to_owned()
                    }),
                )
            } else if !f.reported {
                (
                    Verdict::Unverifiable,
                    Some(format!(
                        "no report was in force on {} as known then",
                        claim.as_of
                    )),
                )
            } else {
                // A figure resting on reports: it reproduces the claim or not, on the
                // measures known when the list is incomplete.
                if reproduces {
                    reproduced_by.push(f.rule);
                }
                if list.incomplete && !claim.metric.of_indicator() {
                    (Verdict::Unverifiable, Some(incomplete_reason.clone()))
                } else if reproduces {
                    (Verdict::Matches, None)
                } else {
                    (Verdict::Differs, None)
                }
            };
            RuleCheck {
                rule: f.rule,
                figure: f.figure,
                rests_on: f.rests_on,
                unit: f.unit,
                difference,
                reproduces,
                verdict,
                reason,
            }
        })
        .collect();
    let verdict = if list.incomplete && !claim.metric.of_indicator() {
        Verdict::Unverifiable
    } else if rules.iter().any(|r| r.verdict == Verdict::Matches) {
        Verdict::Matches
    } else if rules.iter().all(|r| r.verdict == Verdict::Unverifiable) {
        Verdict::Unverifiable
    } else {
        Verdict::Differs
    };
    let summary = summary(claim, list, verdict, &rules, &reproduced_by);
    KnowledgeCheck {
        known_at,
        rules,
        reproduced_by,
        verdict,
        summary,
    }
}

fn summary(
    claim: &Claim,
    list: &MeasureList,
    verdict: Verdict,
    rules: &[RuleCheck],
    reproduced_by: &[Rule],
) -> String {
    let claimed = percent_of(Some(claim.value));
    let named = |rs: &[Rule]| {
        join_words(
            &rs.iter()
                .map(|r| format!("{} ({})", rule_words(*r), r.as_str()))
                .collect::<Vec<_>>(),
        )
    };
    let closest = rules
        .iter()
        .filter(|r| r.figure.is_some() && r.verdict != Verdict::Unverifiable)
        .min_by(|a, b| {
            let da = a.difference.unwrap_or(f64::INFINITY).abs();
            let db = b.difference.unwrap_or(f64::INFINITY).abs();
            da.total_cmp(&db)
        });
    match verdict {
        Verdict::Matches => format!("{claimed} is reproduced by {}.", named(reproduced_by)),
        Verdict::Differs => match closest {
            Some(c) => format!(
                "No rule reproduces {claimed}: the closest is {} ({}) at {}, {} percentage points {}.",
                rule_words(c.rule),
                c.rule.as_str(),
                percent_of(c.figure),
                percent_of(c.difference.map(f64::abs)).trim_end_matches('%'),
                if c.difference.unwrap_or(0.0) < 0.0 {
                    "lower"
                } else {
                    "higher"
                }
            ),
            None => format!("No rule reproduces {claimed}."),
        },
        Verdict::Unverifiable if list.incomplete && !claim.metric.of_indicator() => {
            let known = list.stored;
            let should = match list.expected {
                Some(n) => format!("it should have {n}"),
                None => "its note does not say how many it should have".to_owned(),
            };
            let on_known = if reproduced_by.is_empty() {
                format!("on the measures known, no rule gives {claimed}")
            } else {
                format!(
                    "on the measures known, {claimed} is reproduced by {}",
                    named(reproduced_by)
                )
            };
            format!(
                "Cannot be verified: the framework's list of strategic measures is incomplete ({} known; {should}); {on_known}.",
                Unit::Measures.count(known)
            )
        }
        Verdict::Unverifiable => {
            let why = rules
                .iter()
                .find_map(|r| r.reason.clone())
                .unwrap_or_else(|| "there is no figure to compare".to_owned());
            format!("Cannot be verified: {why}.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(value: f64, precision: f64) -> Claim {
        Claim {
            id: 1,
            framework: "fw".into(),
            scope: Scope::Asean,
            metric: Metric::ImplementationRate,
            indicator: None,
            value,
            precision,
            as_of: "2025-10-08".parse().unwrap(),
            published_on: "2025-10-08".parse().unwrap(),
            statement: "s".into(),
            source_title: "t".into(),
            source_url: None,
            note: None,
            supersedes: None,
            superseded_by: None,
            recorded_by: None,
            recorded_at: end_of_day("2025-10-08".parse().unwrap()),
        }
    }

    fn fig(rule: Rule, figure: Option<f64>, reported: bool) -> RuleFigure {
        RuleFigure {
            rule,
            figure,
            rests_on: 8,
            unit: Unit::Measures,
            reported,
            not_defined: None,
        }
    }

    fn complete() -> MeasureList {
        MeasureList::read(None, 8)
    }

    #[test]
    fn the_end_of_a_day_is_its_last_microsecond() {
        let t = end_of_day("2025-10-08".parse().unwrap());
        assert_eq!(t.to_rfc3339(), "2025-10-08T23:59:59.999999+00:00");
    }

    #[test]
    fn half_a_unit_of_the_precision_reproduces_and_more_does_not() {
        assert!(reproduces(1.0, 0.01, 0.995));
        assert!(!reproduces(1.0, 0.01, 0.9949));
        assert!(reproduces(0.625, 0.001, 0.6254));
        assert!(!reproduces(0.625, 0.001, 0.626));
        assert!(reproduces(0.4, 0.1, 0.35));
    }

    #[test]
    fn each_rule_gets_its_verdict_and_the_date_the_best_one() {
        let c = claim(0.625, 0.001);
        let k = check_at(
            &c,
            &complete(),
            end_of_day(c.published_on),
            vec![
                fig(Rule::Regional, Some(0.5), true),
                fig(Rule::AllStates, Some(0.4), true),
                fig(Rule::MeanOfStates, Some(0.625), true),
                fig(Rule::Cells, Some(0.69), true),
            ],
        );
        let verdicts: Vec<_> = k.rules.iter().map(|r| r.verdict).collect();
        assert_eq!(
            verdicts,
            [
                Verdict::Differs,
                Verdict::Differs,
                Verdict::Matches,
                Verdict::Differs
            ]
        );
        assert_eq!(k.reproduced_by, [Rule::MeanOfStates]);
        assert_eq!(k.verdict, Verdict::Matches);
        assert!((k.rules[0].difference.unwrap() + 0.125).abs() < 1e-12);
        assert_eq!(
            k.summary,
            "62.5% is reproduced by the mean of the member states' own rates (mean_of_states)."
        );
    }

    #[test]
    fn no_rule_reproducing_says_the_closest() {
        let c = claim(1.0, 0.01);
        let k = check_at(
            &c,
            &complete(),
            end_of_day(c.published_on),
            vec![
                fig(Rule::Regional, Some(0.9), true),
                fig(Rule::Cells, Some(0.5), true),
            ],
        );
        assert_eq!(k.verdict, Verdict::Differs);
        assert!(k.reproduced_by.is_empty());
        assert_eq!(
            k.summary,
            "No rule reproduces 100.0%: the closest is the regional statuses (regional) at 90.0%, 10.0 percentage points lower."
        );
    }

    #[test]
    fn no_report_or_no_figure_is_unverifiable() {
        let c = claim(1.0, 0.01);
        let k = check_at(
            &c,
            &complete(),
            end_of_day(c.published_on),
            vec![
                fig(Rule::Regional, Some(0.0), false),
                fig(Rule::Cells, None, false),
            ],
        );
        assert_eq!(k.verdict, Verdict::Unverifiable);
        assert_eq!(
            k.rules[0].reason.as_deref(),
            Some("no report was in force on 2025-10-08 as known then")
        );
        assert_eq!(
            k.rules[1].reason.as_deref(),
            Some("no measure is applicable")
        );
        assert!(k.reproduced_by.is_empty());
    }

    #[test]
    fn an_incomplete_list_is_unverifiable_but_says_what_the_known_measures_give() {
        let c = claim(1.0, 0.01);
        let list = MeasureList::read(Some("the full measure list must be imported"), 9);
        let mut regional = fig(Rule::Regional, Some(1.0), true);
        regional.rests_on = 9;
        let k = check_at(
            &c,
            &list,
            end_of_day(c.published_on),
            vec![regional, fig(Rule::AllStates, Some(0.3), true)],
        );
        assert_eq!(k.verdict, Verdict::Unverifiable);
        assert!(k.rules.iter().all(|r| r.verdict == Verdict::Unverifiable));
        assert_eq!(k.reproduced_by, [Rule::Regional]);
        assert_eq!(
            k.rules[0].reason.as_deref(),
            Some(
                "the framework's list of measures is incomplete: this figure rests on the 9 measures known, and the framework's note does not say how many it should have"
            )
        );
        assert_eq!(
            k.summary,
            "Cannot be verified: the framework's list of strategic measures is incomplete (9 measures known; its note does not say how many it should have); on the measures known, 100.0% is reproduced by the regional statuses (regional)."
        );
    }
}
