//! Published figures in the pages (issue 18): `/claims` lists every claim (of one framework,
//! when asked) with its statement and source, and beside it the claim's metric under every
//! rule, as known on its publication day and as known now, each with its verdict written out
//! ("Matches", "Differs by 12.5 points", "Unverifiable" and why) — never by colour alone. The
//! dashboard shows each framework's claims in force in a short "Official figures checked" block.
//!
//! Nothing here computes: the checks are `Tracker::claim_checks`'s.

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::Response;

use super::Session;
use super::browse::visible;
use super::layout::{
    Choice, Chrome, Pairs, Section, long_date, render, scope_name, segment, service_error, when,
};
use crate::domain::{Claim, FrameworkSummary, MeasureList};
use crate::edge::AppState;
use crate::engine::claims::{ClaimCheck, RuleCheck, Verdict, rule_words};
use crate::engine::percent_of;
use crate::service::now;

/// A verdict as words with a symbol (read in greyscale and by a screen reader) and its class.
pub(super) fn verdict_words(verdict: Verdict) -> (String, &'static str) {
    let symbol = match verdict {
        Verdict::Matches => "✓",
        Verdict::Differs => "≠",
        Verdict::Unverifiable => "?",
    };
    (format!("{symbol} {}", verdict.label()), verdict.as_str())
}

/// A difference of two fractions in percentage points, unsigned ("12.5").
fn points(difference: f64) -> String {
    percent_of(Some(difference.abs()))
        .trim_end_matches('%')
        .to_owned()
}

/// A fraction as a short number of percentage points ("1", "0.5", "0.05").
fn short_points(fraction: f64) -> String {
    let text = format!("{:.4}", fraction * 100.0);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// One rule's figure at one knowledge date, worded.
pub(super) struct Cell {
    /// The knowledge date, for a phone's screen where the columns are stacked.
    pub label: String,
    pub figure: String,
    pub rests_on: String,
    pub verdict: String,
    pub class: &'static str,
    /// Why it is unverifiable, or how it compares on the measures known.
    pub detail: String,
}

impl Cell {
    fn of(r: &RuleCheck, label: &str) -> Self {
        let figure = match r.figure {
            Some(_) => percent_of(r.figure),
            None => "no figure".to_owned(),
        };
        let rests_on = if r.figure.is_some() {
            format!("on {}", r.unit.count(r.rests_on))
        } else {
            String::new()
        };
        let (mut verdict, class) = verdict_words(r.verdict);
        let compared = |d: f64| {
            if r.reproduces {
                "within the stated precision of the claim".to_owned()
            } else {
                format!(
                    "{} points {} than claimed",
                    points(d),
                    if d < 0.0 { "lower" } else { "higher" }
                )
            }
        };
        let detail = match r.verdict {
            Verdict::Matches => String::new(),
            Verdict::Differs => {
                if let Some(d) = r.difference {
                    verdict = format!(
                        "{verdict} by {} points ({})",
                        points(d),
                        if d < 0.0 { "lower" } else { "higher" }
                    );
                }
                String::new()
            }
            Verdict::Unverifiable => {
                // The incomplete list is said once above the table; each cell says what its
                // figure gives on the measures known.
                let incomplete = r
                    .reason
                    .as_deref()
                    .is_some_and(|s| s.contains("list of measures is incomplete"));
                match (incomplete, r.difference) {
                    (true, Some(d)) => format!(
                        "The measure list is incomplete. On the measures known: {}.",
                        compared(d)
                    ),
                    (true, None) => "The measure list is incomplete.".to_owned(),
                    (false, _) => r.reason.as_deref().map(sentence_of).unwrap_or_default(),
                }
            }
        };
        Self {
            label: label.to_owned(),
            figure,
            rests_on,
            verdict,
            class,
            detail,
        }
    }
}

/// A capital first letter and a full stop.
fn sentence_of(text: &str) -> String {
    super::layout::sentence(text)
}

/// One rule's line of a claim's table.
pub(super) struct RuleRow {
    pub words: &'static str,
    pub code: &'static str,
    /// As known on the publication day, then now.
    pub cells: Vec<Cell>,
}

/// A claim as a card of `/claims`.
pub(super) struct ClaimView {
    pub id: i64,
    pub anchor: String,
    pub framework_title: String,
    pub framework_href: String,
    pub statement: String,
    pub source_title: String,
    pub source_url: String,
    pub claimed: String,
    pub precision: String,
    pub as_of: String,
    pub published: String,
    pub scope: String,
    pub metric: String,
    pub note: String,
    pub recorded: String,
    pub superseded_by: Option<i64>,
    pub supersedes: Option<i64>,
    /// The sentence saying the framework's measure list is incomplete, and the note's words.
    pub incomplete: Option<(String, String)>,
    pub then_label: String,
    pub now_label: String,
    pub rows: Vec<RuleRow>,
    pub then_verdict: (String, &'static str),
    pub now_verdict: (String, &'static str),
    pub then_summary: String,
    pub now_summary: String,
}

/// The sentence about an incomplete measure list.
fn incomplete_sentence(list: &MeasureList, framework: &str) -> Option<(String, String)> {
    if !list.incomplete {
        return None;
    }
    let should = match list.expected {
        Some(n) => format!("it should have {n}"),
        None => "its note does not say how many it should have".to_owned(),
    };
    Some((
        format!(
            "The list of strategic measures of the {framework} is incomplete: the tracker knows {} ({should}), so no figure computed here can confirm or refute a claim about all of them.",
            crate::engine::claims::Unit::Measures.count(list.stored)
        ),
        list.note.clone().unwrap_or_default(),
    ))
}

fn title_of(frameworks: &[FrameworkSummary], code: &str) -> String {
    frameworks
        .iter()
        .find(|f| f.framework.code == code)
        .map_or_else(|| code.to_owned(), |f| f.framework.title.clone())
}

impl ClaimView {
    pub(super) fn of(check: &ClaimCheck, frameworks: &[FrameworkSummary]) -> Self {
        let c: &Claim = &check.claim;
        let fw_title = title_of(frameworks, &c.framework);
        let of_indicator = c.metric.of_indicator();
        let metric = match &c.indicator {
            Some(code) => format!("{} of indicator {code}", c.metric.label()),
            None => c.metric.label().to_owned(),
        };
        let then_label = format!(
            "As known on the publication day ({}, end of day UTC)",
            long_date(c.published_on)
        );
        let now_label = format!("As known now ({})", when(check.now.known_at));
        let rows = check
            .at_publication
            .rules
            .iter()
            .zip(&check.now.rules)
            .map(|(then, now)| RuleRow {
                words: rule_words(then.rule),
                code: then.rule.as_str(),
                cells: vec![Cell::of(then, &then_label), Cell::of(now, &now_label)],
            })
            .collect();
        let list = &check.measure_list;
        Self {
            id: c.id,
            anchor: format!("claim-{}", c.id),
            framework_href: format!("/frameworks/{}", segment(&c.framework)),
            statement: c.statement.clone(),
            source_title: c.source_title.clone(),
            source_url: c.source_url.clone().unwrap_or_default(),
            claimed: percent_of(Some(c.value)),
            precision: format!(
                "stated to {} percentage point{}: a figure within ±{} points reproduces it",
                short_points(c.precision),
                if (c.precision - 0.01).abs() < 1e-12 {
                    ""
                } else {
                    "s"
                },
                short_points(c.precision / 2.0)
            ),
            as_of: long_date(c.as_of),
            published: long_date(c.published_on),
            scope: scope_name(&c.scope),
            metric,
            note: c.note.clone().unwrap_or_default(),
            recorded: format!(
                "{} by {}",
                when(c.recorded_at),
                c.recorded_by
                    .clone()
                    .unwrap_or_else(|| "the tracker (shipped with it)".to_owned())
            ),
            superseded_by: c.superseded_by,
            supersedes: c.supersedes,
            incomplete: if of_indicator {
                None
            } else {
                incomplete_sentence(list, &fw_title)
            },
            then_label,
            now_label,
            rows,
            then_verdict: verdict_words(check.at_publication.verdict),
            now_verdict: verdict_words(check.now.verdict),
            then_summary: check.at_publication.summary.clone(),
            now_summary: check.now.summary.clone(),
            framework_title: fw_title,
        }
    }
}

#[derive(Template)]
#[template(path = "claims.html")]
struct ClaimsPage {
    chrome: Chrome,
    frameworks: Vec<Choice>,
    fw_title: String,
    claims: Vec<ClaimView>,
}

/// `GET /claims?framework=`.
pub async fn page(
    State(state): State<AppState>,
    Session(session): Session,
    RawQuery(query): RawQuery,
) -> Response {
    let chrome = Chrome::new(Section::Claims, session.as_ref());
    let params = Pairs::parse(query.as_deref().unwrap_or_default());
    let frameworks = match state.tracker.frameworks().await {
        Ok(f) => visible(f),
        Err(e) => return service_error(chrome, e),
    };
    let chosen = params.one("framework").map(str::to_owned);
    let checks = match state.tracker.claim_checks(chosen.as_deref(), now()).await {
        Ok(c) => c,
        Err(e) => return service_error(chrome, e),
    };
    let mut choices = vec![Choice::new("", "Every framework", chosen.is_none())];
    choices.extend(frameworks.iter().map(|f| {
        Choice::new(
            f.framework.code.clone(),
            f.framework.title.clone(),
            chosen.as_deref() == Some(f.framework.code.as_str()),
        )
    }));
    render(&ClaimsPage {
        fw_title: chosen
            .as_deref()
            .map(|c| title_of(&frameworks, c))
            .unwrap_or_default(),
        claims: checks
            .iter()
            .map(|c| ClaimView::of(c, &frameworks))
            .collect(),
        frameworks: choices,
        chrome,
    })
}

/// A claim in force on the dashboard: its statement shortened, the verdict now, a link.
#[derive(Debug, Clone)]
pub(super) struct DashboardClaim {
    pub id: i64,
    pub statement: String,
    pub verdict: String,
    pub class: &'static str,
    pub summary: String,
    pub href: String,
}

/// At most `limit` characters of `text`, cut at a word, with an ellipsis when cut.
fn shortened(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let cut: String = text.chars().take(limit).collect();
    let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// The claims of a framework not superseded, for its dashboard panel.
pub(super) fn dashboard_claims(checks: &[ClaimCheck]) -> Vec<DashboardClaim> {
    checks
        .iter()
        .filter(|c| c.claim.superseded_by.is_none())
        .map(|c| {
            let (verdict, class) = verdict_words(c.now.verdict);
            DashboardClaim {
                id: c.claim.id,
                statement: shortened(&c.claim.statement, 160),
                verdict,
                class,
                summary: c.now.summary.clone(),
                href: format!("/claims#claim-{}", c.claim.id),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_shortened_at_a_word() {
        assert_eq!(shortened("short", 10), "short");
        assert_eq!(
            shortened("The ASCC Blueprint found, that 100%", 26),
            "The ASCC Blueprint found…"
        );
    }

    #[test]
    fn precisions_and_points_read_as_numbers() {
        assert_eq!(short_points(0.01), "1");
        assert_eq!(short_points(0.005), "0.5");
        assert_eq!(short_points(0.001), "0.1");
        assert_eq!(points(-0.125), "12.5");
    }
}
