//! The comparison of the participants at one level of a framework, and its chart.

use chrono::{DateTime, NaiveDate, Utc};

use super::super::figures::read;
use super::super::{ServiceError, ServiceResult, Tracker};
use crate::domain::{Basis, Framework, StateCode};
use crate::engine::{self, At, Comparison, NodeRate};
use crate::report::charts::{self, Chart};
use crate::report::{FrameworkInfo, HeatRow, ReviewData};

/// The member states compared at a level: one row per node (or one for the whole framework).
#[derive(Debug, Clone)]
pub struct LevelComparison {
    pub framework: Framework,
    pub as_of: NaiveDate,
    pub basis: Basis,
    /// `None`: the whole framework.
    pub level: Option<String>,
    pub states: Vec<StateCode>,
    pub overall: Comparison,
    pub rows: Vec<LevelRow>,
}

#[derive(Debug, Clone)]
pub struct LevelRow {
    pub code: String,
    pub title: String,
    pub comparison: Comparison,
}

impl Tracker {
    /// The states compared as of a date, for the whole framework and per node of `level`
    /// (none: the whole framework only). `states`: the participants when `None`.
    ///
    /// # Errors
    /// `UnknownFramework`; `InvalidQuery` for an unknown level; `Invalid` for a state that does
    /// not participate on the date; the store fails.
    pub async fn compare_at_level(
        &self,
        framework: &str,
        states: Option<&[StateCode]>,
        level: Option<&str>,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<LevelComparison> {
        let query = super::super::FigureQuery {
            as_of: Some(as_of),
            basis,
            ..super::super::FigureQuery::default()
        };
        let view = self.compare(framework, states, &query, as_of).await?;
        let fw = self.framework(framework).await?;
        let compared: Vec<StateCode> = view
            .comparison
            .states
            .iter()
            .map(|s| s.state.clone())
            .collect();
        let mut rows = Vec::new();
        if let Some(level) = level {
            let state = self.figures_state(&fw).await?;
            let s = read(&state);
            let selection = s.outline.select(None, None, Some(level)).map_err(|_| {
                ServiceError::InvalidQuery {
                    field: "level".into(),
                    message: format!(
                        "`{level}` is not a level of `{}`: use one of {}",
                        fw.code,
                        fw.levels.join(", ")
                    ),
                }
            })?;
            for &row in &selection.rows {
                let node = &s.outline.nodes[row];
                let Ok(within) = s.outline.select(Some(&node.code), None, None) else {
                    continue;
                };
                rows.push(LevelRow {
                    code: node.code.clone(),
                    title: node.title.clone(),
                    comparison: engine::compare(
                        &s.outline,
                        &within,
                        s.index(basis),
                        &compared,
                        At::on(as_of),
                    ),
                });
            }
        }
        Ok(LevelComparison {
            framework: fw,
            as_of,
            basis,
            level: level.map(str::to_owned),
            states: compared,
            overall: view.comparison,
            rows,
        })
    }

    /// The chart of a comparison: completion and implementation per state (the whole
    /// framework), or completion per state and node (a level), drawn as the review report's
    /// charts are.
    ///
    /// # Errors
    /// `Render` when drawing fails.
    pub async fn comparison_chart(
        &self,
        comparison: LevelComparison,
        generated_at: DateTime<Utc>,
    ) -> ServiceResult<String> {
        let source = if self.demo_loaded().await? {
            "blueprint-tracker status reports, including the illustrative demo scenario (not official ASEAN data)"
        } else {
            "status reports recorded in blueprint-tracker"
        }
        .to_owned();
        let fw = &comparison.framework;
        let mut levels = fw.levels.clone();
        if let Some(level) = &comparison.level
            && let Some(at) = levels.iter().position(|l| l == level)
        {
            levels.rotate_left(at);
        }
        let (chart, heat, top) = match comparison.level {
            None => (Chart::Comparison, Vec::new(), Vec::new()),
            Some(_) => {
                let heat = comparison
                    .states
                    .iter()
                    .enumerate()
                    .map(|(i, state)| HeatRow {
                        state: state.clone(),
                        completion: comparison
                            .rows
                            .iter()
                            .map(|r| {
                                r.comparison
                                    .states
                                    .get(i)
                                    .and_then(|s| s.rate.completion_rate)
                            })
                            .collect(),
                    })
                    .collect();
                let top = comparison
                    .rows
                    .iter()
                    .map(|r| NodeRate {
                        code: r.code.clone(),
                        title: r.title.clone(),
                        level: String::new(),
                        rate: r.comparison.regional,
                    })
                    .collect();
                (Chart::Heatmap, heat, top)
            }
        };
        let data = ReviewData {
            framework: FrameworkInfo {
                code: fw.code.clone(),
                title: fw.title.clone(),
                levels,
                start_date: fw.start_date,
                end_date: fw.end_date,
                note: fw.note.clone(),
            },
            as_of: comparison.as_of,
            known_at: None,
            generated_at,
            source,
            overall: comparison.overall.regional,
            top,
            second: Vec::new(),
            comparison: comparison.overall,
            heat,
            timeline: Vec::new(),
            not_started: Vec::new(),
            stale: Vec::new(),
            indicators: Default::default(),
            rounds: Vec::new(),
            basis: comparison.basis,
            other_basis: None,
            claims: Vec::new(),
            illustrative: false,
            issued_by: None,
            logo: None,
            executive_summary: None,
            annexes: Default::default(),
            edition: None,
        };
        tokio::task::spawn_blocking(move || charts::svg(chart, &data).map_err(|e| e.to_string()))
            .await
            .map_err(|e| ServiceError::Render(e.to_string()))?
            .map_err(ServiceError::Render)
    }
}
