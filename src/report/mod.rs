//! Review reports (DESIGN.md §4): the figures a review needs, gathered once by the service into
//! a [`ReviewData`], then rendered here as charts (plotters: SVG and PNG), a self-contained
//! HTML document, a PDF (krilla), and CSV/JSON. Rendering is pure: plain data in, bytes out;
//! no database, no clock (the generation time is part of the data), no file system (the font
//! and the templates are compiled in), so the same data always render the same bytes.

pub(crate) mod annex;
pub mod bundle;
pub mod charts;
pub mod claims;
pub mod csv;
pub mod docx;
pub mod html;
pub mod logo;
pub mod pdf;
#[cfg(test)]
pub(crate) mod sample;
pub mod summary;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    Basis, Direction, IndicatorClass, MeasureList, Metric, Scope, StateCode, Status,
    is_percent_unit,
};
use crate::engine::claims::{ClaimCheck, KnowledgeCheck};
use crate::engine::indicators::{IndicatorRollup, MeanStatus, ScopeProgress};
use crate::engine::{Comparison, MeanRate, NodeRate, Point, Rate};

/// The framework a report is about.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrameworkInfo {
    pub code: String,
    pub title: String,
    /// Level names from the top down (`goal/objective/measure`).
    pub levels: Vec<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub note: Option<String>,
}

/// A second-level node's regional figures, with its parent (a top-level node's code).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SubRow {
    pub parent: String,
    #[serde(flatten)]
    pub node: NodeRate,
}

/// One member state's completion rate under each top-level node (the heat map's row).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HeatRow {
    pub state: StateCode,
    /// In the order of [`ReviewData::top`]; `None` where nothing is applicable.
    pub completion: Vec<Option<f64>>,
}

/// A strategic measure listed in the report (not started, or without a recent report).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeasureLine {
    pub code: String,
    pub title: String,
    /// Its regional (`ASEAN`) status as of the date.
    pub regional: Status,
    /// The participants in which it is not started as of the date.
    pub states_not_started: Vec<StateCode>,
    /// The latest effective date of any of its reports (any scope) on or before the date.
    pub last_report: Option<NaiveDate>,
}

/// Everything a review report shows, for one framework as of one date.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewData {
    pub framework: FrameworkInfo,
    pub as_of: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
    /// When the report was generated (printed on the cover; a parameter, so examples are
    /// reproducible).
    pub generated_at: DateTime<Utc>,
    /// Where the figures come from, printed under every chart.
    pub source: String,
    /// Regional (`ASEAN`) figures for every measure.
    pub overall: Rate,
    /// Regional figures per top-level node (goal, characteristic), in tree order.
    pub top: Vec<NodeRate>,
    /// Regional figures per second-level node (objective, element), in tree order.
    pub second: Vec<SubRow>,
    /// Every participant side by side, with `all_states`, `mean_of_states`, `cells` and
    /// `regional`.
    pub comparison: Comparison,
    /// Member state × top-level node completion.
    pub heat: Vec<HeatRow>,
    /// Regional figures at every quarter end from the framework's start to the date.
    pub timeline: Vec<Point>,
    /// Measures not started regionally as of the date.
    pub not_started: Vec<MeasureLine>,
    /// Measures with no report in any scope effective in the 12 months up to the date, leaving
    /// out those completed or not applicable regionally (they need no new report).
    pub stale: Vec<MeasureLine>,
    /// The results-framework indicators: per top-level node and per indicator (empty when
    /// none is defined; the section then says so).
    #[serde(default)]
    pub indicators: IndicatorSection,
    /// The reporting rounds whose statuses are as of the date or earlier, in period order,
    /// each participant's standing as known at the report's instant (its `known_at`, else
    /// when it was generated); coverage for the latest only.
    #[serde(default)]
    pub rounds: Vec<RoundReport>,
    /// Which reports the figures count: every report in force, or the validated ones only.
    #[serde(default)]
    pub basis: Basis,
    /// The headline figures on the other basis, when they differ from these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_basis: Option<BasisFigures>,
    /// "Official figures checked": the framework's published figures (claims), oldest first,
    /// each checked as known on its publication day and as known at the report's instant.
    #[serde(default)]
    pub claims: Vec<CheckedClaim>,
    /// The organisation issuing the report, printed on the cover (configuration: the report
    /// command's `--org-name`); no line when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_by: Option<String>,
    /// The issuing organisation's logo (PNG), printed on the cover above its name; not in the
    /// JSON figures.
    #[serde(skip)]
    pub logo: Option<Logo>,
    /// The executive summary: a narrative in Markdown written by the report's authors
    /// (`report --summary FILE.md`, or `summary` through the API), printed first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executive_summary: Option<String>,
    /// Whether the figures include illustrative data (the demo scenario, or synthetic benchmark
    /// data): every page then carries the mark "Illustrative data — not official".
    #[serde(default)]
    pub illustrative: bool,
    /// The annexes: every measure in every scope, a profile per member state, the measures
    /// with their lead sectoral bodies.
    #[serde(default)]
    pub annexes: Annexes,
    /// Set when the report is a frozen review edition: printed on the cover. Absent from an
    /// ordinary report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<EditionStamp>,
}

/// What the cover of a frozen review edition says about it: its title (the report's instant is
/// [`ReviewData::known_at`]).
///
/// Decision: the stamp carries no edition number. The number is the store's id, assigned when
/// the edition's row is inserted, after its fingerprints were taken from the rendered bytes;
/// stamping it would mean inserting first and updating the fingerprints in the same
/// transaction. The id is in the edition's address and file name (`edition-ID-…`) instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionStamp {
    pub title: String,
}

/// The report's annexes (issue 19): A, every strategic measure × ASEAN and every participant;
/// B, a profile of each participating member state; C, the measures with their lead sectoral
/// bodies.
///
/// Decisions where the issue is silent:
/// - "the previous period" is the quarter before the one holding the as-of date (as of
///   30 September 2026, the previous period ends on 30 June 2026; as of 15 November 2026, on
///   30 September 2026): the timeline's step. In the framework's first quarter, it is the day
///   before the framework starts (nothing was in force then, so every report is a change);
///   none for a date before the framework starts.
/// - A state's "latest reports" are its status reports in force as of the date with the
///   latest effective dates ([`LATEST_REPORTS`] at most).
/// - A goal's "mean of states" is the unweighted mean of the participants' own rates under it,
///   as the `mean_of_states` rule takes it for the whole framework.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Annexes {
    /// The participants as of the date: the columns after ASEAN.
    pub states: Vec<StateCode>,
    /// Every strategic measure, in tree order.
    pub measures: Vec<AnnexMeasure>,
    /// The end of the previous period (what "changed since" compares with).
    pub previous: Option<NaiveDate>,
    /// The mean of the participants' own rates per top-level node, in the order of
    /// [`ReviewData::top`].
    pub mean_by_top: Vec<MeanRate>,
    /// One per participant, in the order of `states`.
    pub profiles: Vec<StateProfile>,
    /// The sectoral bodies named as leads (code, name), by code.
    pub bodies: Vec<(String, String)>,
}

/// How many of a state's latest reports its profile lists.
pub const LATEST_REPORTS: usize = 8;

/// A strategic measure in the annexes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnnexMeasure {
    pub code: String,
    pub title: String,
    /// The code of its top-level node.
    pub top: String,
    /// The codes of its lead sectoral bodies (none recorded: empty).
    pub lead_bodies: Vec<String>,
    /// Its standing in each scope: ASEAN, then the participants in the order of
    /// [`Annexes::states`].
    pub cells: Vec<Standing>,
}

/// A measure's standing in one scope as of a date: the status of the report in force and its
/// effective date, or no report at all (`status` and `effective` both absent), which is not
/// the same as a report saying work has not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub status: Option<Status>,
    pub effective: Option<NaiveDate>,
}

/// One participating member state's profile (annex B).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StateProfile {
    pub state: StateCode,
    /// Its own rates over every measure.
    pub overall: Rate,
    /// Its own rates per top-level node, in the order of [`ReviewData::top`].
    pub by_top: Vec<Rate>,
    /// The measures its reports say are not started.
    pub not_started: Vec<String>,
    /// The applicable measures with no report of its own in force.
    pub no_report: Vec<String>,
    /// The measures whose standing changed since the end of the previous period.
    pub changes: Vec<Change>,
    /// Its reports in force with the latest effective dates, latest first (code, standing).
    pub latest: Vec<(String, Standing)>,
}

/// A measure whose standing in a scope changed between two dates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub code: String,
    pub before: Standing,
    pub after: Standing,
}

/// A logo: PNG bytes, checked when it is given (its pixel size is read from the header) by
/// [`Logo::from_png`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub png: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// What the report's issuer adds to the figures, given by whoever asks for the report (the
/// CLI's options, the API's parameters, the service's configuration): never computed.
#[derive(Debug, Clone, Default)]
pub struct Front {
    /// The issuing organisation ("ASEAN Secretariat").
    pub issued_by: Option<String>,
    pub logo: Option<Logo>,
    /// The executive summary, in Markdown.
    pub summary: Option<String>,
}

impl Front {
    /// Sets these on the report's data (an empty name or summary counts as none).
    pub fn apply(self, data: &mut ReviewData) {
        data.issued_by = self.issued_by.filter(|s| !s.trim().is_empty());
        data.logo = self.logo;
        data.executive_summary = self.summary.filter(|s| !s.trim().is_empty());
    }
}

/// A published figure (a claim) as the report prints it: what was claimed and where, and
/// its checks. The claim's recording instant and recorder are left out: they are the
/// register's business, and an ordinary report's bytes would otherwise change whenever the
/// shipped claims are loaded into a new database.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedClaim {
    pub id: i64,
    pub scope: Scope,
    pub metric: Metric,
    /// The indicator's code for `mean_current_status`.
    pub indicator: Option<String>,
    /// The claimed figure, a fraction (1.0 is 100%).
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
    /// The claim correcting this one, as known at the report's instant.
    pub superseded_by: Option<i64>,
    /// How complete the framework's measure list is (an incomplete one makes the status
    /// figures unverifiable).
    pub measure_list: MeasureList,
    /// Every rule's figure as known at the end of the publication day.
    pub at_publication: KnowledgeCheck,
    /// Every rule's figure as known at the report's instant.
    pub at_report: KnowledgeCheck,
}

impl From<ClaimCheck> for CheckedClaim {
    fn from(check: ClaimCheck) -> Self {
        let c = check.claim;
        Self {
            id: c.id,
            scope: c.scope,
            metric: c.metric,
            indicator: c.indicator,
            value: c.value,
            precision: c.precision,
            as_of: c.as_of,
            published_on: c.published_on,
            statement: c.statement,
            source_title: c.source_title,
            source_url: c.source_url,
            note: c.note,
            supersedes: c.supersedes,
            superseded_by: c.superseded_by,
            measure_list: check.measure_list,
            at_publication: check.at_publication,
            at_report: check.now,
        }
    }
}

/// One reporting round in the report ("Reporting completeness").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundReport {
    pub code: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub due_on: NaiveDate,
    /// Whether the due date had passed at the report's instant.
    pub past_due: bool,
    pub participants: u64,
    pub submitted: u64,
    pub on_time: u64,
    pub late: u64,
    pub missing: u64,
    pub open: u64,
    pub returned: u64,
    /// Each expected participant's standing (`submitted_on_time`, `submitted_late`, `missing`,
    /// `open`, `returned`), in code order.
    pub standings: Vec<(StateCode, String)>,
    /// Each expected participant's coverage of the round's period (the latest round only).
    #[serde(default)]
    pub coverage: Vec<CoverageLine>,
}

/// A participant's coverage of a round's period: applicable measures with a report effective
/// within it, carried forward from before it, or never reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageLine {
    pub state: StateCode,
    pub applicable: u64,
    pub reported_this_round: u64,
    pub carried_forward: u64,
    pub never_reported: u64,
}

/// The headline figures on one basis: regional, and pooled over the states' cells.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BasisFigures {
    pub basis: Basis,
    pub overall: Rate,
    pub cells: Rate,
}

/// A part of a framework by its code and title.
pub type NamedPart = (String, String);

impl ReviewData {
    /// The scope of the regional figures.
    pub fn regional_scope() -> Scope {
        Scope::Asean
    }

    /// How complete the framework's measure list is: its note read against the measures the
    /// report counts.
    pub fn measure_list(&self) -> MeasureList {
        MeasureList::read(self.framework.note.as_deref(), self.overall.measures)
    }

    /// The parts of the framework with no strategic measure under them: the top-level nodes
    /// (code, title), then the second-level nodes whose parent has measures, in tree order (a
    /// top-level node without measures has none under any of its parts, which are not listed
    /// again).
    pub fn parts_without_measures(&self) -> (Vec<NamedPart>, Vec<NamedPart>) {
        let empty_top: Vec<NamedPart> = self
            .top
            .iter()
            .filter(|n| n.rate.measures == 0)
            .map(|n| (n.code.clone(), n.title.clone()))
            .collect();
        let empty_second = self
            .second
            .iter()
            .filter(|s| s.node.rate.measures == 0)
            .filter(|s| !empty_top.iter().any(|(code, _)| code == &s.parent))
            .map(|s| (s.node.code.clone(), s.node.title.clone()))
            .collect();
        (empty_top, empty_second)
    }
}

/// The review report's "Indicators" section (DESIGN.md §2b, §4): the figures of every
/// indicator of the framework that is not retired, as of the report's date and on its basis.
///
/// Decisions where the issue is silent:
/// - a goal's `mean_of_states` is the unweighted mean, over the goal's indicators that have
///   one, of each indicator's `mean_of_states` current status (a mean of means: every
///   indicator weighs the same, as every state does within one);
/// - a goal's `expected` is the unweighted mean, over its indicators with a regional target,
///   of where the straight path from baseline to target is in the as-of year
///   ([`crate::engine::indicators::expected_in`]) — the line the snapshot's bars are read
///   against; an indicator's own `expected` (in its row) is at its latest year instead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSection {
    /// The class matrix's columns: `ASEAN`, then the participants as of the date.
    pub scopes: Vec<Scope>,
    /// Per top-level node, in tree order (including those without an indicator).
    pub goals: Vec<GoalIndicators>,
    /// Every indicator, by goal, then in the natural order of the codes.
    pub indicators: Vec<IndicatorLine>,
}

impl IndicatorSection {
    /// Whether the framework has no indicator to report.
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }

    /// The section from each indicator's progress (computed by the engine for `scopes`: `ASEAN`
    /// first, then the participants) and the top-level node it is under. `goals` are the
    /// top-level nodes (code, title) in tree order; `as_of` gives the year of the goals'
    /// `expected`. Indicators come out by goal (in tree order), then in the natural order of
    /// their codes (`SG1-2` before `SG1-10`).
    pub fn build(
        goals: &[(String, String)],
        scopes: Vec<Scope>,
        as_of: NaiveDate,
        measured: Vec<MeasuredIndicator>,
    ) -> Self {
        use chrono::Datelike;
        let mut indicators: Vec<IndicatorLine> = measured
            .into_iter()
            .map(|m| IndicatorLine {
                classes: scopes
                    .iter()
                    .map(|scope| {
                        m.progress
                            .scopes
                            .iter()
                            .find(|s| &s.scope == scope)
                            .map_or(IndicatorClass::NoTarget, |s| s.class)
                    })
                    .collect(),
                code: m.indicator.code,
                title: m.indicator.title,
                unit: m.indicator.unit,
                decimals: m.indicator.decimals,
                direction: m.indicator.direction,
                node: m.indicator.node,
                goal: m.goal,
                regional: m.progress.regional,
                mean_of_states: m.progress.mean_of_states,
            })
            .collect();
        let goal_position = |goal: &str| goals.iter().position(|(code, _)| code == goal);
        indicators.sort_by(|a, b| {
            goal_position(&a.goal)
                .cmp(&goal_position(&b.goal))
                .then_with(|| crate::domain::natural_order(&a.code, &b.code))
        });
        let year = as_of.year();
        let goals = goals
            .iter()
            .map(|(code, title)| {
                let under: Vec<&IndicatorLine> =
                    indicators.iter().filter(|i| &i.goal == code).collect();
                let (mean_of_states, with_mean_of_states) = crate::engine::indicators::mean_of(
                    under.iter().filter_map(|i| i.mean_of_states.current_status),
                );
                let (expected, _) =
                    crate::engine::indicators::mean_of(under.iter().filter_map(|i| {
                        let (b, t) = (i.regional.baseline?, i.regional.target?);
                        crate::engine::indicators::expected_in(b.year, t.year, year)
                    }));
                GoalIndicators {
                    code: code.clone(),
                    title: title.clone(),
                    regional: IndicatorRollup::of(
                        crate::engine::Rule::Regional,
                        under.iter().map(|i| &i.regional),
                    ),
                    mean_of_states,
                    with_mean_of_states,
                    expected,
                }
            })
            .collect();
        Self {
            scopes,
            goals,
            indicators,
        }
    }
}

/// One indicator with its progress in every scope and the top-level node it is under: what
/// [`IndicatorSection::build`] is made from.
#[derive(Debug, Clone)]
pub struct MeasuredIndicator {
    pub indicator: crate::domain::Indicator,
    /// The code of the top-level node its node is under.
    pub goal: String,
    pub progress: crate::engine::indicators::IndicatorProgress,
}

/// The indicators under one top-level node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoalIndicators {
    pub code: String,
    pub title: String,
    /// Regional (`ASEAN`) figures: how many indicators, their mean current status and the
    /// count of each class.
    pub regional: IndicatorRollup,
    /// The mean over the node's indicators of their `mean_of_states` current status.
    pub mean_of_states: Option<f64>,
    /// How many indicators that mean is taken over.
    pub with_mean_of_states: u64,
    /// Where the straight paths from baseline to target are in the as-of year (mean over the
    /// indicators with a regional target), clamped to [0, 1].
    pub expected: Option<f64>,
}

/// One indicator's row: what it measures and its figures, regional and across states.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorLine {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub decimals: u8,
    pub direction: Direction,
    /// The node it measures, and the top-level node that node is under.
    pub node: String,
    pub goal: String,
    /// Scope `ASEAN`'s own figures (its points included, for the trend chart).
    pub regional: ScopeProgress,
    /// The unweighted mean of the participants' current statuses.
    pub mean_of_states: MeanStatus,
    /// The class in each scope of [`IndicatorSection::scopes`], in that order.
    pub classes: Vec<IndicatorClass>,
}

impl IndicatorLine {
    /// `value` with the indicator's decimals and unit: `53.0%`, `12.50 years`.
    pub fn value(&self, value: f64) -> String {
        indicator_value(value, self.decimals, &self.unit)
    }

    /// `value` with the indicator's decimals, without the unit (tables name the unit once,
    /// beside the indicator's title).
    pub fn number(&self, value: f64) -> String {
        format!("{value:.prec$}", prec = usize::from(self.decimals))
    }
}

/// An indicator's value with `decimals` decimals and its unit: `53.0%` for a percentage,
/// `12.50 years` otherwise (a unit after a space).
pub fn indicator_value(value: f64, decimals: u8, unit: &str) -> String {
    let number = format!("{value:.prec$}", prec = usize::from(decimals));
    let unit = unit.trim();
    if is_percent_unit(unit) {
        format!("{number}%")
    } else if unit.is_empty() {
        number
    } else {
        format!("{number} {unit}")
    }
}

/// A class in words for people: `Needs acceleration`.
pub fn class_label(class: IndicatorClass) -> &'static str {
    match class {
        IndicatorClass::Achieved => "Achieved",
        IndicatorClass::InsufficientData => "Insufficient data",
        IndicatorClass::OnTrack => "On track",
        IndicatorClass::NeedsAcceleration => "Needs acceleration",
        IndicatorClass::Stagnating => "Stagnating",
        IndicatorClass::Regressing => "Regressing",
        IndicatorClass::NoTarget => "No target",
    }
}
