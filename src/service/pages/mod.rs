//! What the web pages show (src/web), gathered here from the figures, the catalogue and the
//! store: the dashboard, a framework's tree with rates at every node, a measure, a member
//! state, a sectoral body, the comparison at a level, the recording grid. Plain data only:
//! display (percentages, labels, HTML) is the web layer's.
//!
//! Decisions where DESIGN.md is silent:
//! - "What is lagging" in a member state: the top-level nodes where its implementation rate is
//!   below the unweighted mean of the participants' own (rule `mean_of_states`), and its
//!   measures not started, ordered by how many other participants have started them.
//! - A measure's activities are those linked to it, and, as context, those linked to the nodes
//!   above it (the 2017 milestones are linked to the Blueprint's elements).
//! - A node's activity counts include the activities linked to the nodes below it.

mod body;
mod compare;
mod dashboard;
mod desk;
mod framework;
mod grid;
mod indicators;
mod me;
mod measure;
mod observations;
mod state;

use std::collections::{HashMap, HashSet};

use super::{ServiceResult, Tracker};
use crate::demo;
use crate::domain::ActivityLine;
use crate::domain::{Scope, Status, StatusReport};
use crate::engine::{Outline, Rule};

pub use body::{BodyFramework, BodyPage};
pub use compare::{LevelComparison, LevelRow};
pub use dashboard::{Dashboard, FrameworkPanel};
pub use desk::{DESK_PAGE, DeskFilter, DeskRow, ReviewDesk};
pub use framework::{TreeRow, TreeView};
pub use grid::{GridRow, GridView};
pub use indicators::{
    IndicatorBoard, IndicatorChart, IndicatorCounts, IndicatorLine, IndicatorPage, NodeRef,
};
pub use me::{FocalFramework, FocalHome, FocalRound, HOME_LIST};
pub use measure::MeasurePage;
pub use observations::{ObservationGrid, ObservationRow};
pub use state::{GoalLine, LaggingMeasure, StatePage};

/// How many of a framework's latest reports the dashboard lists.
pub const RECENT_REPORTS: u64 = 8;

/// Activities under a node: linked to it or to a node below it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActivityCount {
    pub total: u64,
    pub completed: u64,
    pub ongoing: u64,
}

impl ActivityCount {
    fn add(&mut self, activity: &ActivityLine) {
        self.total += 1;
        match activity.status.as_ref().map(|s| s.status) {
            Some(Status::Completed) => self.completed += 1,
            Some(Status::Ongoing) => self.ongoing += 1,
            _ => {}
        }
    }
}

fn rule_for(scope: &Scope) -> Rule {
    if scope == &Scope::Asean {
        Rule::Regional
    } else {
        Rule::Scope
    }
}

/// The top-level ancestor of an outline node (itself at the top).
fn top_of(outline: &Outline, node: usize) -> usize {
    outline.ancestor_at(node, 0).unwrap_or(node)
}

impl Tracker {
    /// Whether the illustrative demo scenario is among the reports.
    ///
    /// # Errors
    /// The store fails.
    pub async fn demo_loaded(&self) -> ServiceResult<bool> {
        Ok(match self.store.user_by_name(demo::DEMO_USER).await? {
            Some(user) => self.store.count_reports_by(user.id).await? > 0,
            None => false,
        })
    }

    /// A framework's latest reports (of one scope, if given), the last recorded first: among the
    /// last written, by recording instant.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn latest_reports(
        &self,
        framework: &str,
        scope: Option<&Scope>,
        limit: u64,
    ) -> ServiceResult<Vec<StatusReport>> {
        let fw = self.framework(framework).await?;
        // The last written (highest ids: the store allocates them in commit order), ordered by
        // their recording instant: an import may carry earlier instants than its ids suggest.
        let ids = self
            .store
            .latest_report_ids(fw.id, scope, limit.saturating_mul(25).max(200))
            .await?;
        let mut reports = self.store.reports_by_ids(&fw, &ids).await?;
        reports.sort_by_key(|r| std::cmp::Reverse((r.recorded_at, r.id)));
        reports.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
        Ok(reports)
    }

    /// Activity counts per node of a framework: each activity counted at the nodes it is
    /// linked to and at every node above them (once per node).
    fn activity_counts(outline: &Outline, activities: &[ActivityLine]) -> Vec<ActivityCount> {
        let mut counts = vec![ActivityCount::default(); outline.nodes.len()];
        let position: HashMap<&str, usize> = outline
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.code.as_str(), i))
            .collect();
        for activity in activities {
            let mut reached = HashSet::new();
            for code in &activity.nodes {
                let mut current = position.get(code.as_str()).copied();
                while let Some(node) = current {
                    if !reached.insert(node) {
                        break;
                    }
                    current = outline.nodes.get(node).and_then(|n| n.parent);
                }
            }
            for node in reached {
                if let Some(count) = counts.get_mut(node) {
                    count.add(activity);
                }
            }
        }
        counts
    }
}
