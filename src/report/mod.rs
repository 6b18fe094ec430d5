//! Review reports (DESIGN.md §4): the figures a review needs, gathered once by the service into
//! a [`ReviewData`], then rendered here as charts (plotters: SVG and PNG), a self-contained
//! HTML document, a PDF (krilla), and CSV/JSON. Rendering is pure: plain data in, bytes out;
//! no database, no clock (the generation time is part of the data), no file system (the font
//! and the templates are compiled in), so the same data always render the same bytes.

pub mod bundle;
pub mod charts;
pub mod csv;
pub mod html;
pub mod pdf;
#[cfg(test)]
pub(crate) mod sample;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{Basis, Scope, StateCode, Status};
use crate::engine::{Comparison, NodeRate, Point, Rate};

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
    /// Measures with no report in any scope effective in the 12 months up to the date.
    pub stale: Vec<MeasureLine>,
    /// How many results-framework indicators are recorded (none yet: the section says so).
    pub indicators: usize,
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

impl ReviewData {
    /// The scope of the regional figures.
    pub fn regional_scope() -> Scope {
        Scope::Asean
    }
}
