//! Published figures ("claims") and frozen review editions (issue 18): the words and the checks
//! of their input. Pure.
//!
//! A **claim** is a headline figure someone published: the framework, the scope, the metric,
//! the value (a fraction) with its stated precision, the date the figure is as of, the day it
//! was published, the statement and its source. Claims are append-only: a correction is a new
//! claim that names the one it supersedes.
//!
//! Decisions where the issue is silent:
//! - the value and the precision are fractions (`0.01` is "to the percent"); a precision must
//!   be in (0, 1];
//! - the publication day may not come before the figure's as-of date, nor after today;
//! - an indicator's `mean_current_status` claim names the indicator (`indicator`); the other
//!   metrics take none;
//! - a framework's measure list is **incomplete** when its note says so in words
//!   ("incomplete", "must be imported") or when it states a count ("112 strategic measures")
//!   that the stored list falls short of; that count is then the one it "should have".

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{FieldIssue, ParseError, Scope};

/// What a claim's figure measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    ImplementationRate,
    CompletionRate,
    ProgressIndex,
    /// One indicator's current status (progress from baseline towards target).
    MeanCurrentStatus,
}

impl Metric {
    pub const ALL: [Metric; 4] = [
        Metric::ImplementationRate,
        Metric::CompletionRate,
        Metric::ProgressIndex,
        Metric::MeanCurrentStatus,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::ImplementationRate => "implementation_rate",
            Metric::CompletionRate => "completion_rate",
            Metric::ProgressIndex => "progress_index",
            Metric::MeanCurrentStatus => "mean_current_status",
        }
    }

    /// The metric in words, for pages and reports.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ImplementationRate => "implementation rate",
            Metric::CompletionRate => "completion rate",
            Metric::ProgressIndex => "progress index",
            Metric::MeanCurrentStatus => "indicator's current status",
        }
    }

    /// Whether the metric is about one indicator (and so names it).
    pub fn of_indicator(self) -> bool {
        self == Metric::MeanCurrentStatus
    }
}

impl std::str::FromStr for Metric {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Metric::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| {
                ParseError(format!(
                    "`{s}` is not a metric: use implementation_rate, completion_rate, progress_index or mean_current_status"
                ))
            })
    }
}

/// A claim about to be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct NewClaim {
    pub scope: Scope,
    pub metric: Metric,
    pub indicator: Option<String>,
    pub value: f64,
    pub precision: f64,
    pub as_of: NaiveDate,
    pub published_on: NaiveDate,
    pub statement: String,
    pub source_title: String,
    pub source_url: Option<String>,
    pub note: Option<String>,
    /// The claim this one corrects.
    pub supersedes: Option<i64>,
}

/// A recorded claim.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Claim {
    pub id: i64,
    pub framework: String,
    #[schema(value_type = String, example = "ASEAN")]
    pub scope: Scope,
    pub metric: Metric,
    /// The indicator's code for `mean_current_status`; null otherwise.
    pub indicator: Option<String>,
    /// The claimed figure, a fraction (1.0 is 100%).
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub value: f64,
    /// The stated precision, a fraction (0.01: to the percent).
    pub precision: f64,
    pub as_of: NaiveDate,
    pub published_on: NaiveDate,
    pub statement: String,
    pub source_title: String,
    pub source_url: Option<String>,
    pub note: Option<String>,
    pub supersedes: Option<i64>,
    /// The claim that corrects this one, if any (as known at the time of the answer).
    pub superseded_by: Option<i64>,
    /// Who recorded it (null for the claims shipped with the tracker).
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
}

/// The most characters of a claim's statement.
pub const MAX_STATEMENT: usize = 2_000;
/// The most characters of a title or note.
pub const MAX_CLAIM_TEXT: usize = 500;

/// What is wrong with `claim` for a framework running from `start` to `end`, on `today`.
pub fn claim_problems(
    claim: &NewClaim,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    let mut problem = |field: &str, message: String| {
        issues.push(FieldIssue::invalid(field, message));
    };
    if !claim.value.is_finite() || !(0.0..=1.0).contains(&claim.value) {
        problem(
            "value",
            format!(
                "{} is not a fraction in [0, 1] (write 100% as 1.0)",
                claim.value
            ),
        );
    }
    if !claim.precision.is_finite() || claim.precision <= 0.0 || claim.precision > 1.0 {
        problem(
            "precision",
            format!(
                "{} is not a precision: give a fraction above 0 and at most 1 (0.01: to the percent)",
                claim.precision
            ),
        );
    }
    if claim.as_of < start || claim.as_of > end {
        problem(
            "as_of",
            format!(
                "{} is outside the framework's period ({start} to {end})",
                claim.as_of
            ),
        );
    }
    if claim.published_on < claim.as_of {
        problem(
            "published_on",
            format!(
                "{} comes before the figure's as-of date {}",
                claim.published_on, claim.as_of
            ),
        );
    } else if claim.published_on > today {
        problem(
            "published_on",
            format!("{} is in the future", claim.published_on),
        );
    }
    match (claim.metric.of_indicator(), &claim.indicator) {
        (true, None) => problem(
            "indicator",
            "mean_current_status needs the indicator's code".to_owned(),
        ),
        (false, Some(_)) => problem(
            "indicator",
            format!(
                "{} is not about an indicator: leave it out",
                claim.metric.as_str()
            ),
        ),
        _ => {}
    }
    if claim.statement.trim().is_empty() {
        problem(
            "statement",
            "quote or summarise the published statement".to_owned(),
        );
    } else if claim.statement.chars().count() > MAX_STATEMENT {
        problem("statement", format!("at most {MAX_STATEMENT} characters"));
    }
    if claim.source_title.trim().is_empty() {
        problem("source_title", "name the source".to_owned());
    } else if claim.source_title.chars().count() > MAX_CLAIM_TEXT {
        problem(
            "source_title",
            format!("at most {MAX_CLAIM_TEXT} characters"),
        );
    }
    if let Some(url) = &claim.source_url {
        let lower = url.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://"))
            || url.len() > 2_000
            || url.chars().any(char::is_whitespace)
        {
            problem("source_url", format!("`{url}` is not an http(s) link"));
        }
    }
    if claim
        .note
        .as_ref()
        .is_some_and(|n| n.chars().count() > MAX_STATEMENT)
    {
        problem("note", format!("at most {MAX_STATEMENT} characters"));
    }
    issues
}

/// How complete a framework's list of strategic measures is, read from its note.
///
/// Named `MeasureListCompleteness` in the OpenAPI description: `MeasureList` is the answer of
/// `GET …/measures` there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = MeasureListCompleteness)]
pub struct MeasureList {
    /// Measures stored for the framework.
    pub stored: u64,
    /// How many it should have, when its note says.
    pub expected: Option<u64>,
    /// Whether the list is known to be incomplete.
    pub incomplete: bool,
    /// The note's words that say so.
    pub note: Option<String>,
}

impl MeasureList {
    /// Reads a framework's `note` against the `stored` count of its measures.
    pub fn read(note: Option<&str>, stored: u64) -> Self {
        let text = note.unwrap_or_default();
        let lower = text.to_lowercase();
        let expected = stated_count(&lower);
        let says_so = ["incomplete", "must be imported", "not complete"]
            .iter()
            .any(|w| lower.contains(w));
        let incomplete = says_so || expected.is_some_and(|n| stored < n);
        Self {
            stored,
            expected,
            incomplete,
            note: (incomplete && !text.is_empty()).then(|| text.to_owned()),
        }
    }
}

/// `N` in "N strategic measures" (the words right after the number), when the note says it.
fn stated_count(lower: &str) -> Option<u64> {
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(3).find_map(|w| {
        (w[1] == "strategic" && w[2].starts_with("measure"))
            .then(|| w[0].parse::<u64>().ok())
            .flatten()
    })
}

/// A frozen review: a report's as-of date, basis and the instant it is as known at, with the
/// SHA-256 of its PDF and HTML as rendered when it was frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Edition {
    pub id: i64,
    pub framework: String,
    pub title: String,
    pub as_of: NaiveDate,
    #[schema(value_type = String, example = "reported")]
    pub basis: super::Basis,
    /// The figures are as known at this instant (the end of the second it was frozen in).
    pub known_at: DateTime<Utc>,
    /// Lower-case hex SHA-256 of the PDF.
    pub pdf_sha256: String,
    /// Lower-case hex SHA-256 of the HTML.
    pub html_sha256: String,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The most characters of an edition's title.
pub const MAX_EDITION_TITLE: usize = 200;

/// What is wrong with an edition's `title` and `as_of` for a framework running from `start`
/// to `end`, on `today`.
pub fn edition_problems(
    title: &str,
    as_of: NaiveDate,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if title.trim().is_empty() {
        issues.push(FieldIssue::invalid("title", "give the edition a title"));
    } else if title.chars().count() > MAX_EDITION_TITLE || title.chars().any(char::is_control) {
        issues.push(FieldIssue::invalid(
            "title",
            format!("at most {MAX_EDITION_TITLE} characters on one line"),
        ));
    }
    if as_of < start || as_of > end {
        issues.push(FieldIssue::invalid(
            "as_of",
            format!("{as_of} is outside the framework's period ({start} to {end})"),
        ));
    } else if as_of > today {
        issues.push(FieldIssue::invalid(
            "as_of",
            format!("{as_of} is in the future: an edition freezes what is known"),
        ));
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn claim() -> NewClaim {
        NewClaim {
            scope: Scope::Asean,
            metric: Metric::ImplementationRate,
            indicator: None,
            value: 1.0,
            precision: 0.01,
            as_of: d("2025-10-08"),
            published_on: d("2025-10-08"),
            statement: "100% implemented".into(),
            source_title: "Council".into(),
            source_url: Some("https://example.org/x".into()),
            note: None,
            supersedes: None,
        }
    }

    fn fields(c: &NewClaim) -> Vec<String> {
        claim_problems(c, d("2016-01-01"), d("2025-12-31"), d("2026-12-06"))
            .into_iter()
            .map(|i| i.field)
            .collect()
    }

    #[test]
    fn a_sound_claim_passes_and_each_bad_field_is_named() {
        assert!(fields(&claim()).is_empty());
        for (change, field) in [
            (
                (|c: &mut NewClaim| c.value = 1.5) as fn(&mut NewClaim),
                "value",
            ),
            (|c| c.value = -0.1, "value"),
            (|c| c.value = f64::NAN, "value"),
            (|c| c.precision = 0.0, "precision"),
            (|c| c.precision = -0.01, "precision"),
            (
                |c| {
                    c.as_of = d("2026-01-01");
                    c.published_on = d("2026-01-02");
                },
                "as_of",
            ),
            (|c| c.as_of = d("2015-12-31"), "as_of"),
            (|c| c.published_on = d("2025-10-07"), "published_on"),
            (|c| c.published_on = d("2027-01-01"), "published_on"),
            (|c| c.metric = Metric::MeanCurrentStatus, "indicator"),
            (|c| c.indicator = Some("X".into()), "indicator"),
            (|c| c.statement = " ".into(), "statement"),
            (|c| c.source_title = String::new(), "source_title"),
            (
                |c| c.source_url = Some("www.asean.org".into()),
                "source_url",
            ),
            (
                |c| c.source_url = Some("javascript:alert(1)".into()),
                "source_url",
            ),
        ] {
            let mut c = claim();
            change(&mut c);
            assert_eq!(fields(&c), vec![field.to_owned()], "{c:?}");
        }
    }

    #[test]
    fn metrics_read_and_write() {
        for m in Metric::ALL {
            assert_eq!(m.as_str().parse::<Metric>().unwrap(), m);
        }
        assert!("rate".parse::<Metric>().is_err());
    }

    #[test]
    fn the_notes_say_whether_a_measure_list_is_complete() {
        let blueprint = "18 key result areas across 5 characteristics; the public sources reached here confirm only 9 numbered strategic measures and 11 of the element titles, so the full measure list must be imported from the official document";
        let list = MeasureList::read(Some(blueprint), 9);
        assert!(list.incomplete);
        assert_eq!(list.expected, None);
        assert_eq!(list.note.as_deref(), Some(blueprint));
        let plan = "12 strategic goals (11 and 12 cross-pillar), 16 objectives, 112 strategic measures; part of ASEAN 2045";
        let list = MeasureList::read(Some(plan), 112);
        assert!(!list.incomplete);
        assert_eq!(list.expected, Some(112));
        assert_eq!(list.note, None);
        let short = MeasureList::read(Some(plan), 100);
        assert!(short.incomplete);
        assert_eq!(short.expected, Some(112));
        assert!(!MeasureList::read(None, 3).incomplete);
    }
}
