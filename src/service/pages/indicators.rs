//! What the indicator pages show (issue 17): every indicator of a framework with its figures
//! in `ASEAN` and in each participant as of a date (the list, the dashboard's class counts, a
//! member state's indicators), and one indicator with its targets and every observation.
//! Plain data from `engine::indicators`; wording, rounding and links are the web layer's.
//!
//! Decisions where the issue is silent:
//! - A retired indicator is left out of the lists and the class counts, as the rollups leave it
//!   out (`Tracker::indicator_rollup`); its own page still opens, and the list names it.
//! - An indicator's *goal* is the top-level node above the node it measures (the node itself
//!   when it is at the top).
//! - Across member states, the dashboard counts every (participant, indicator) pair in its
//!   class, as the status figures pool every (state, measure) cell: no class is invented for
//!   the mean of states.

use crate::domain::natural_order;
use chrono::NaiveDate;

use super::super::figures::read;
use super::super::{ServiceResult, Tracker};
use super::top_of;
use crate::domain::{
    Basis, Framework, Indicator, IndicatorClass, Scope, StateCode, participants_as_of,
};
use crate::engine::At;
use crate::engine::Outline;
use crate::engine::indicators::{
    ClassCounts, IndicatorAt, IndicatorProgress, ScopeProgress, indicator_progress,
};

/// A node of the framework named on an indicator page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeRef {
    pub code: String,
    pub title: String,
    pub level: String,
    pub is_measure: bool,
}

impl NodeRef {
    fn of(outline: &Outline, index: usize) -> Option<Self> {
        outline.nodes.get(index).map(|n| Self {
            code: n.code.clone(),
            title: n.title.clone(),
            level: n.level.clone(),
            is_measure: n.is_measure,
        })
    }
}

/// One indicator with its figures in every scope.
#[derive(Debug, Clone)]
pub struct IndicatorLine {
    pub indicator: Indicator,
    /// The node it measures (`None` only if the tree no longer has it).
    pub node: Option<NodeRef>,
    /// The top-level node above it.
    pub goal: Option<NodeRef>,
    /// `ASEAN` first, then each participant as of the date.
    pub progress: IndicatorProgress,
}

impl IndicatorLine {
    /// Its figures in `scope` (`None` for a scope that is not counted on the date).
    pub fn in_scope(&self, scope: &Scope) -> Option<&ScopeProgress> {
        self.progress.scopes.iter().find(|s| &s.scope == scope)
    }
}

/// A framework's indicators as of a date, each in every scope.
#[derive(Debug, Clone)]
pub struct IndicatorBoard {
    pub framework: Framework,
    pub as_of: NaiveDate,
    pub basis: Basis,
    /// The participants as of the date, in code order.
    pub participants: Vec<StateCode>,
    /// The top-level nodes (the goals one may filter by), in tree order.
    pub goals: Vec<NodeRef>,
    /// The indicators in use, in the tree's order of their goals, then by code (numbers in a
    /// code compared as numbers: `SG1-2` before `SG1-10`).
    pub lines: Vec<IndicatorLine>,
    /// The retired ones (no figures), in code order.
    pub retired: Vec<Indicator>,
}

/// The class counts of a framework's indicators as of a date (the dashboard's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorCounts {
    /// Indicators in use (retired ones left out).
    pub indicators: usize,
    /// Participants as of the date.
    pub participants: usize,
    /// Each indicator's class in `ASEAN`.
    pub regional: ClassCounts,
    /// Every (participant, indicator) pair's class.
    pub states: ClassCounts,
}

impl IndicatorBoard {
    /// The dashboard's counts.
    pub fn class_counts(&self) -> IndicatorCounts {
        IndicatorCounts {
            indicators: self.lines.len(),
            participants: self.participants.len(),
            regional: self.counts_in(&Scope::Asean),
            states: self.state_pair_counts(),
        }
    }

    /// How many indicators are in each class in `scope`.
    pub fn counts_in(&self, scope: &Scope) -> ClassCounts {
        let mut counts = ClassCounts::default();
        for figures in self.lines.iter().filter_map(|l| l.in_scope(scope)) {
            counts.add(figures.class);
        }
        counts
    }

    /// How many (participant, indicator) pairs are in each class.
    pub fn state_pair_counts(&self) -> ClassCounts {
        let mut counts = ClassCounts::default();
        for line in &self.lines {
            for figures in line
                .progress
                .scopes
                .iter()
                .filter(|s| s.scope.state().is_some())
            {
                counts.add(figures.class);
            }
        }
        counts
    }

    /// The indicators under `goal` (a top-level node's code) whose class in `scope` is
    /// `class`; every one when a filter is `None`.
    pub fn filtered<'a>(
        &'a self,
        goal: Option<&'a str>,
        class: Option<IndicatorClass>,
        scope: &'a Scope,
    ) -> impl Iterator<Item = &'a IndicatorLine> + 'a {
        self.lines.iter().filter(move |line| {
            goal.is_none_or(|g| line.goal.as_ref().is_some_and(|n| n.code == g))
                && class.is_none_or(|c| line.in_scope(scope).is_some_and(|f| f.class == c))
        })
    }
}

/// One indicator's page: its line (figures in every scope) and its stored rows.
#[derive(Debug, Clone)]
pub struct IndicatorPage {
    pub line: IndicatorLine,
    pub framework: Framework,
    pub participants: Vec<StateCode>,
    /// The targets in force per scope, every revision and every observation with its review.
    pub detail: super::super::IndicatorDetail,
}

impl Tracker {
    /// Every indicator of a framework in `ASEAN` and in each participant as of `as_of`, on
    /// `basis` (known now).
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn indicator_board(
        &self,
        framework: &str,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<IndicatorBoard> {
        let fw = self.framework(framework).await?;
        let data = self.indicator_data(&fw).await?;
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let participants = participants_as_of(&s.participations, as_of);
        let when = IndicatorAt {
            at: At::on(as_of),
            basis,
        };
        let goals = s
            .outline
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.parent.is_none())
            .filter_map(|(i, _)| NodeRef::of(&s.outline, i))
            .collect();
        let mut lines = Vec::new();
        let mut retired = Vec::new();
        for (record, indicator) in data.records.iter().zip(&data.indicators) {
            if record.retired {
                retired.push(indicator.clone());
                continue;
            }
            let progress = indicator_progress(
                indicator,
                &participants,
                data.targets_of(record.id),
                data.observations_of(record.id),
                when,
            );
            lines.push(line_of(&s.outline, indicator, progress));
        }
        // In the tree's order of their goals (SG2 before SG10), then by code.
        let goal_position = |line: &IndicatorLine| {
            line.goal
                .as_ref()
                .and_then(|g| s.outline.find(&g.code))
                .unwrap_or(usize::MAX)
        };
        lines.sort_by(|a, b| {
            goal_position(a)
                .cmp(&goal_position(b))
                .then_with(|| natural_order(&a.indicator.code, &b.indicator.code))
        });
        retired.sort_by(|a, b| natural_order(&a.code, &b.code));
        Ok(IndicatorBoard {
            framework: fw.clone(),
            as_of,
            basis,
            participants,
            goals,
            lines,
            retired,
        })
    }

    /// One indicator's page as of `as_of` on `basis`: its figures in every scope, its targets
    /// and every observation.
    ///
    /// # Errors
    /// `UnknownFramework`; `NotFound` for an unknown indicator; the store fails.
    pub async fn indicator_page(
        &self,
        framework: &str,
        code: &str,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<IndicatorPage> {
        let detail = self.indicator_detail(framework, code, None).await?;
        let progress = self
            .indicator_progress(framework, code, as_of, None, basis)
            .await?;
        let fw = self.framework(framework).await?;
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let participants = participants_as_of(&s.participations, as_of);
        let line = line_of(&s.outline, &detail.indicator, progress);
        Ok(IndicatorPage {
            line,
            framework: fw.clone(),
            participants,
            detail,
        })
    }
}

fn line_of(outline: &Outline, indicator: &Indicator, progress: IndicatorProgress) -> IndicatorLine {
    let node = outline.find(&indicator.node);
    IndicatorLine {
        indicator: indicator.clone(),
        node: node.and_then(|i| NodeRef::of(outline, i)),
        goal: node.and_then(|i| NodeRef::of(outline, top_of(outline, i))),
        progress,
    }
}

/// Which of a framework's indicator charts a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndicatorChart {
    /// Per goal, the mean current status against the expected line.
    Snapshot,
    /// Indicators × scopes, the class in each cell.
    Classes,
}

impl Tracker {
    /// A framework's goal snapshot or class matrix as SVG, as of `as_of` on `basis` (the
    /// review report's charts, for the pages).
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails; drawing fails (`Internal`).
    pub async fn indicator_chart_svg(
        &self,
        framework: &str,
        chart: IndicatorChart,
        scope: &crate::domain::Scope,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<String> {
        use crate::report::charts::{
            ClassMatrix, SnapshotChart, class_matrix_svg, goal_snapshot_svg,
        };
        let (section, frame, level) = self.indicator_section(framework, as_of, basis).await?;
        let frame = indicator_frame(frame);
        match chart {
            IndicatorChart::Snapshot => {
                let mut snapshot = SnapshotChart::of_section(frame, &level, &section);
                if let crate::domain::Scope::State(state) = scope {
                    let figures = self
                        .framework_indicator_figures(framework, as_of, None, basis)
                        .await?;
                    if !figures.participants.contains(state) {
                        return Err(super::super::ServiceError::NotFound(format!(
                            "{state} does not take part in `{framework}` on {as_of}"
                        )));
                    }
                    state_snapshot(&mut snapshot, &section, &figures, scope);
                }
                goal_snapshot_svg(&snapshot)
            }
            IndicatorChart::Classes => class_matrix_svg(&ClassMatrix::of_section(frame, &section)),
        }
        .map_err(|e| super::super::ServiceError::Internal(format!("indicator chart: {e}")))
    }

    /// One indicator's trend in `scope` as SVG, as of `as_of` on `basis`.
    ///
    /// # Errors
    /// `UnknownFramework`; `NotFound` for an unknown indicator or a scope without figures (not
    /// a participant on the date); the store fails; drawing fails (`Internal`).
    pub async fn indicator_trend_svg(
        &self,
        framework: &str,
        code: &str,
        scope: &crate::domain::Scope,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<String> {
        use crate::report::charts::{TrendChart, indicator_trend_svg};
        let page = self.indicator_page(framework, code, as_of, basis).await?;
        let Some(figures) = page.line.in_scope(scope).cloned() else {
            return Err(super::super::ServiceError::NotFound(format!(
                "{scope} has no figures for `{code}` in `{framework}` on {as_of}: it does not take part then"
            )));
        };
        let (_, frame, _) = self.indicator_section(framework, as_of, basis).await?;
        let chart = TrendChart::new(indicator_frame(frame), &page.line.indicator, figures);
        indicator_trend_svg(&chart)
            .map_err(|e| super::super::ServiceError::Internal(format!("indicator chart: {e}")))
    }
}

/// The snapshot of one member state beside the mean of the states: each goal's first bar
/// becomes the mean of the state's own current statuses, and its expected mark the mean of
/// where the state's own straight paths are in the as-of year (its targets, not ASEAN's).
fn state_snapshot(
    snapshot: &mut crate::report::charts::SnapshotChart,
    section: &crate::report::IndicatorSection,
    figures: &super::super::FrameworkIndicatorFigures,
    scope: &crate::domain::Scope,
) {
    use crate::engine::indicators::{expected_in, mean_of};
    use chrono::Datelike;
    let year = figures.as_of.year();
    let in_scope: Vec<(&str, &ScopeProgress)> = figures
        .indicators
        .iter()
        .filter_map(|f| {
            let goal = section
                .indicators
                .iter()
                .find(|line| line.code == f.indicator.code)?;
            let own = f.progress.scopes.iter().find(|s| &s.scope == scope)?;
            Some((goal.goal.as_str(), own))
        })
        .collect();
    for bar in &mut snapshot.bars {
        let under = || {
            in_scope
                .iter()
                .filter(|(goal, _)| *goal == bar.code)
                .map(|(_, s)| *s)
        };
        bar.values[0] = mean_of(under().filter_map(|s| s.current_status)).0;
        bar.expected =
            mean_of(under().filter_map(|s| expected_in(s.baseline?.year, s.target?.year, year))).0;
    }
    if let crate::domain::Scope::State(state) = scope {
        snapshot.series[0] = crate::report::html::state_name(state);
    }
}

/// The frame of an indicator chart: its source names indicator values, not status reports.
fn indicator_frame(
    mut frame: crate::report::charts::ChartFrame,
) -> crate::report::charts::ChartFrame {
    frame.source = frame.source.replace("status reports", "indicator values");
    frame
}
