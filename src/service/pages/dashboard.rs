//! The dashboard's data: every framework's headline figures as of a date.

use chrono::NaiveDate;

use super::super::figures::read;
use super::super::{ServiceError, ServiceResult, Tracker};
use super::RECENT_REPORTS;
use crate::demo;
use crate::domain::{Basis, Framework, Scope, StatusReport, participants_as_of};
use crate::engine::{self, At, Comparison, Rate};

/// The dashboard: every framework's headline figures as of a date.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub as_of: NaiveDate,
    pub basis: Basis,
    pub frameworks: Vec<FrameworkPanel>,
    /// The illustrative demo scenario is among the reports.
    pub demo: bool,
}

/// One framework on the dashboard.
#[derive(Debug, Clone)]
pub struct FrameworkPanel {
    pub framework: Framework,
    pub measure_count: usize,
    /// What was recorded for `ASEAN` (rule `regional`).
    pub regional: Rate,
    /// The participants as of the date side by side, with the cross-state rules.
    pub comparison: Comparison,
    /// The latest reports recorded, the last first.
    pub recent: Vec<StatusReport>,
    /// Reports waiting for the Secretariat's validation (up to 1,000 counted).
    pub awaiting_validation: usize,
    /// The indicators' class counts, for the framework in force on the date only.
    pub indicators: Option<super::IndicatorCounts>,
}

impl Tracker {
    /// The dashboard as of `as_of` on `basis`: every framework but the synthetic benchmark
    /// one, the one in force on the date first.
    ///
    /// # Errors
    /// The store fails.
    pub async fn dashboard(&self, as_of: NaiveDate, basis: Basis) -> ServiceResult<Dashboard> {
        let mut frameworks = Vec::new();
        for summary in self.store.frameworks().await? {
            let fw = summary.framework;
            if fw.code == demo::synthetic::SYNTHETIC_FRAMEWORK {
                continue;
            }
            let (regional, comparison) = {
                let state = self.figures_state(&fw).await?;
                let s = read(&state);
                let selection = s.outline.select(None, None, None).map_err(|_| {
                    ServiceError::Internal(format!("`{}` has no tree to count", fw.code))
                })?;
                let at = At::on(as_of);
                let participants = participants_as_of(&s.participations, as_of);
                let index = s.index(basis);
                let regional =
                    engine::progress(&s.outline, &selection, index, &Scope::Asean, at).overall;
                let comparison = engine::compare(&s.outline, &selection, index, &participants, at);
                (regional, comparison)
            };
            let recent = self.latest_reports(&fw.code, None, RECENT_REPORTS).await?;
            let awaiting = self
                .store
                .report_ids_in_state(fw.id, crate::domain::ValidationState::Reported, None, 1_000)
                .await?
                .len();
            let indicators = if fw.covers(as_of) {
                Some(
                    self.indicator_board(&fw.code, as_of, basis)
                        .await?
                        .class_counts(),
                )
            } else {
                None
            };
            frameworks.push(FrameworkPanel {
                indicators,
                framework: fw,
                measure_count: summary.measure_count,
                regional,
                comparison,
                recent,
                awaiting_validation: awaiting,
            });
        }
        // The plan in force on the date first, then the others, the latest to start first.
        frameworks.sort_by_key(|p| {
            (
                !p.framework.covers(as_of),
                std::cmp::Reverse(p.framework.start_date),
            )
        });
        Ok(Dashboard {
            as_of,
            basis,
            frameworks,
            demo: self.demo_loaded().await?,
        })
    }
}
