//! The recording grid: a scope's statuses in force, measure by measure, to record from.

use chrono::NaiveDate;

use super::super::figures::read;
use super::super::{ServiceError, ServiceResult, Tracker};
use super::top_of;
use crate::domain::{Basis, Framework, Scope, Status};
use crate::engine::{self, At};

/// One state's (or `ASEAN`'s) measures with their status as of a date, for the recording
/// grid.
#[derive(Debug, Clone)]
pub struct GridView {
    pub framework: Framework,
    pub scope: Scope,
    pub as_of: NaiveDate,
    pub rows: Vec<GridRow>,
}

#[derive(Debug, Clone)]
pub struct GridRow {
    pub code: String,
    pub title: String,
    /// The top-level node (code, title) it is under.
    pub top: (String, String),
    pub status: Status,
    pub progress: Option<u8>,
    /// A report is in force (else "no report", counted as not started).
    pub reported: bool,
}

impl Tracker {
    /// The measures of a framework with their status in `scope` as of `as_of`, for the
    /// recording grid.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn record_grid(
        &self,
        framework: &str,
        scope: &Scope,
        as_of: NaiveDate,
    ) -> ServiceResult<GridView> {
        let fw = self.framework(framework).await?;
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let selection = s
            .outline
            .select(None, None, None)
            .map_err(|_| ServiceError::Internal(format!("`{}` has no tree", fw.code)))?;
        let rows = engine::measure_cells(
            &s.outline,
            &selection,
            s.index(Basis::Reported),
            std::slice::from_ref(scope),
            At::on(as_of),
        )
        .into_iter()
        .map(|m| {
            let node = &s.outline.nodes[m.measure];
            let top = &s.outline.nodes[top_of(&s.outline, m.measure)];
            let cell = m.cells.first().copied().unwrap_or(engine::Cell::NO_REPORT);
            GridRow {
                code: node.code.clone(),
                title: node.title.clone(),
                top: (top.code.clone(), top.title.clone()),
                status: cell.status,
                progress: cell.progress,
                reported: cell.reported(),
            }
        })
        .collect();
        Ok(GridView {
            scope: scope.clone(),
            as_of,
            rows,
            framework: fw,
        })
    }
}
