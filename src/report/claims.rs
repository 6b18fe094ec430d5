//! The wording of the review report's "Official figures checked" section, shared by the HTML
//! and the PDF: each published figure (claim) quoted with its source, then every rule's figure
//! beside it as known on its publication day and as known at the report's instant. Nothing
//! here checks anything (the engine did, [`crate::engine::claims`]); this only formats.
//!
//! Decisions where the issue is silent:
//! - the section is always in the report, saying in one sentence when no figure is recorded
//!   for the framework, so that the sections keep their numbers from one report to the next;
//! - superseded claims stay in, marked "Superseded by claim N", beside the claim correcting
//!   them: a reader can see what was published first and why it was corrected;
//! - a rule's own reason for "Unverifiable" is printed under its verdict, except the
//!   incomplete measure list, which is said once for the claim (it applies to every rule).

use super::CheckedClaim;
use super::html::{instant, long_date, state_name};
use crate::domain::{Metric, Scope};
use crate::engine::claims::{KnowledgeCheck, RuleCheck, Verdict, end_of_day, rule_words};
use crate::engine::percent_of;

/// The sentence said instead of the claims when there are none.
pub const NO_CLAIM: &str = "No published figure is recorded for this framework.";

/// The section's introduction.
pub const INTRO: &str = "Headline figures published about this framework (claims), each set \
     beside the figure the tracker computes for the same metric, scope and date under every \
     rule, as known on the day it was published and as known at this report's instant. A rule \
     reproduces a claim when its figure is within half a unit of the claim's stated precision; \
     the report never picks one rule silently.";

/// One claim, worded for the report.
#[derive(Debug, Clone)]
pub(crate) struct ClaimBlock {
    /// "Claim 1 · ASEAN implementation rate as of 8 October 2025".
    pub heading: String,
    pub statement: String,
    pub source_title: String,
    pub source_url: Option<String>,
    /// Label and value lines: the claimed figure, the dates, the claim's note.
    pub facts: Vec<(String, String)>,
    /// "Superseded by claim 2." / "Corrects claim 1."
    pub supersession: Option<String>,
    /// What the framework's incomplete measure list means for the figures, when it is.
    pub measure_list: Option<String>,
    /// Its caption, then the two knowledge dates.
    pub caption: String,
    pub checks: Vec<CheckGroup>,
}

/// Every rule's figure as known at one instant.
#[derive(Debug, Clone)]
pub(crate) struct CheckGroup {
    /// "As known on the publication day (2025-10-08 23:59 UTC) · verdict: Unverifiable".
    pub title: String,
    /// "On the publication day" / "At this report's instant": before the summary sentence.
    pub lead: &'static str,
    pub rows: Vec<CheckRow>,
    /// The verdict in one sentence (the engine's).
    pub summary: String,
}

/// One rule's figure beside the claim.
#[derive(Debug, Clone)]
pub(crate) struct CheckRow {
    /// The rule in words.
    pub rule: &'static str,
    /// Its code (`mean_of_states`), printed as a small tag.
    pub code: &'static str,
    /// "100.0%", or "–".
    pub figure: String,
    /// "9 measures", or "–".
    pub rests_on: String,
    /// "+2.5 pp", "−12.5 pp", "0.0 pp", or "–".
    pub difference: String,
    pub verdict: &'static str,
    /// Why it is unverifiable, when that is particular to the rule.
    pub reason: String,
}

/// The column headers of a check table in the PDF (the HTML puts what a figure rests on
/// under it, so that the table fits a phone).
pub(crate) const HEAD: [&str; 5] = [
    "Rule",
    "Computed figure",
    "Rests on",
    "Difference",
    "Verdict",
];

/// The claims of `claims` worded for the report.
pub(crate) fn blocks(claims: &[CheckedClaim]) -> Vec<ClaimBlock> {
    claims.iter().map(block).collect()
}

fn scope_words(scope: &Scope) -> String {
    match scope {
        Scope::Asean => "ASEAN".to_owned(),
        Scope::State(state) => state_name(state),
    }
}

/// A claimed fraction as a percentage with the decimals its precision implies: `100%` to
/// the percent, `83.3%` to a tenth of a point.
pub(crate) fn claimed_percent(value: f64, precision: f64) -> String {
    let points = precision * 100.0;
    let decimals = if points >= 1.0 - 1e-9 {
        0
    } else {
        // 0.1 → 1, 0.05 → 2; at most 4.
        ((-points.log10()) - 1e-9).ceil().clamp(0.0, 4.0) as usize
    };
    format!("{:.decimals$}%", value * 100.0)
}

/// A precision in percentage points, shortest: `1`, `0.1`, `0.5`.
fn precision_points(precision: f64) -> String {
    let points = (precision * 100.0 * 1e6).round() / 1e6;
    format!("{points}")
}

/// A difference (a fraction) in percentage points with its sign: `+2.5 pp`, `−12.5 pp`,
/// `0.0 pp` (what rounds to zero has no sign).
pub(crate) fn points_difference(difference: Option<f64>) -> String {
    match difference {
        None => "–".to_owned(),
        Some(d) => {
            let tenths = (d * 1000.0).round();
            if tenths == 0.0 {
                "0.0 pp".to_owned()
            } else {
                let sign = if tenths < 0.0 { '\u{2212}' } else { '+' };
                format!("{sign}{:.1} pp", tenths.abs() / 10.0)
            }
        }
    }
}

fn metric_words(c: &CheckedClaim) -> String {
    match (c.metric, &c.indicator) {
        (Metric::MeanCurrentStatus, Some(code)) => format!("indicator {code}'s current status"),
        (metric, _) => metric.label().to_owned(),
    }
}

/// The sentence about an incomplete measure list.
pub(crate) fn measure_list_sentence(c: &CheckedClaim) -> Option<String> {
    let list = &c.measure_list;
    if !list.incomplete || c.metric.of_indicator() {
        return None;
    }
    let known = crate::engine::claims::Unit::Measures.count(list.stored);
    let verb = if list.stored == 1 { "is" } else { "are" };
    let should = match list.expected {
        Some(n) => format!(", of the {n} it should have"),
        None => ", and its note does not say how many it should have".to_owned(),
    };
    let note = match &list.note {
        Some(note) => format!(" Its note says: \u{201c}{}\u{201d}", note.trim()),
        None => String::new(),
    };
    let mut sentence = format!(
        "The framework's list of strategic measures is incomplete: {known} {verb} known{should}. \
         Every rule's figure rests on those alone, so none can verify the claim.{note}"
    );
    if !sentence.ends_with('.') {
        sentence.push('.');
    }
    Some(sentence)
}

fn block(c: &CheckedClaim) -> ClaimBlock {
    let scope = scope_words(&c.scope);
    let metric = metric_words(c);
    let mut facts = vec![
        (
            "Claimed".to_owned(),
            format!(
                "{} ({} of {scope}, to the nearest {} percentage point)",
                claimed_percent(c.value, c.precision),
                metric,
                precision_points(c.precision)
            ),
        ),
        ("Figure as of".to_owned(), long_date(c.as_of)),
        ("Published".to_owned(), long_date(c.published_on)),
    ];
    if let Some(note) = &c.note {
        facts.push(("Note".to_owned(), note.clone()));
    }
    let supersession = match (c.superseded_by, c.supersedes) {
        (Some(next), _) => Some(format!(
            "Superseded by claim {next}: a correction was recorded."
        )),
        (None, Some(previous)) => Some(format!("Corrects claim {previous}.")),
        (None, None) => None,
    };
    let list = measure_list_sentence(c);
    let checks = vec![
        group(
            &c.at_publication,
            "As known on the publication day",
            "On the publication day",
            list.is_some(),
        ),
        group(
            &c.at_report,
            "As known at this report's instant",
            "At this report's instant",
            list.is_some(),
        ),
    ];
    ClaimBlock {
        heading: format!(
            "Claim {} \u{b7} {scope} {metric} as of {}",
            c.id,
            long_date(c.as_of)
        ),
        statement: c.statement.clone(),
        source_title: c.source_title.clone(),
        source_url: c.source_url.clone(),
        facts,
        supersession,
        measure_list: list,
        caption: format!(
            "Claim {}: {} under every rule, beside the claimed {}",
            c.id,
            metric,
            claimed_percent(c.value, c.precision)
        ),
        checks,
    }
}

fn group(k: &KnowledgeCheck, title: &str, lead: &'static str, list_incomplete: bool) -> CheckGroup {
    let day = k.known_at.date_naive();
    let when = if k.known_at == end_of_day(day) {
        format!("end of {} UTC", long_date(day))
    } else {
        instant(k.known_at)
    };
    CheckGroup {
        title: format!("{title} ({when}) \u{b7} verdict: {}", k.verdict.label()),
        lead,
        rows: k.rules.iter().map(|r| row(r, list_incomplete)).collect(),
        summary: without_rule_codes(&k.summary),
    }
}

/// The verdict's sentence without the rule codes it puts after each rule's words ("the
/// regional statuses (regional)"): running text names rules in words; the codes stay as the
/// tags of the table above it.
fn without_rule_codes(sentence: &str) -> String {
    use crate::engine::Rule;
    [
        Rule::Scope,
        Rule::Regional,
        Rule::AllStates,
        Rule::MeanOfStates,
        Rule::Cells,
    ]
    .iter()
    .fold(sentence.to_owned(), |s, rule| {
        s.replace(&format!(" ({})", rule.as_str()), "")
    })
}

fn row(r: &RuleCheck, list_incomplete: bool) -> CheckRow {
    let figure = r.figure.is_some();
    CheckRow {
        rule: rule_words(r.rule),
        code: r.rule.as_str(),
        figure: percent_of(r.figure),
        rests_on: if figure {
            r.unit.count(r.rests_on)
        } else {
            "–".to_owned()
        },
        difference: points_difference(r.difference),
        verdict: r.verdict.label(),
        reason: match (&r.reason, r.verdict) {
            // The incomplete list is said once, above the table.
            (Some(reason), Verdict::Unverifiable) if !(list_incomplete && figure) => reason.clone(),
            _ => String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claimed_figures_take_the_decimals_of_their_precision() {
        assert_eq!(claimed_percent(1.0, 0.01), "100%");
        assert_eq!(claimed_percent(0.833, 0.001), "83.3%");
        assert_eq!(claimed_percent(0.8, 0.1), "80%");
        assert_eq!(claimed_percent(0.8125, 0.0005), "81.25%");
        assert_eq!(precision_points(0.01), "1");
        assert_eq!(precision_points(0.001), "0.1");
    }

    #[test]
    fn differences_are_signed_percentage_points() {
        assert_eq!(points_difference(Some(-0.125)), "\u{2212}12.5 pp");
        assert_eq!(points_difference(Some(0.025)), "+2.5 pp");
        assert_eq!(points_difference(Some(-0.0000001)), "0.0 pp");
        assert_eq!(points_difference(None), "–");
    }
}
