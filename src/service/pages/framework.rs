//! A framework's page: its tree with the rates and activity counts at every node.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::super::figures::read;
use super::super::{ServiceError, ServiceResult, Tracker};
use super::{ActivityCount, rule_for};
use crate::domain::{Basis, Framework, Scope, StateCode, Status, participants_as_of};
use crate::engine::{self, At, Rate, Tally};

/// A framework's tree with the rates of one scope at every node.
#[derive(Debug, Clone)]
pub struct TreeView {
    pub framework: Framework,
    pub scope: Scope,
    pub as_of: NaiveDate,
    pub basis: Basis,
    /// The participants as of the date (the scopes one may choose besides `ASEAN`).
    pub participants: Vec<StateCode>,
    pub overall: Rate,
    /// Every node in tree order.
    pub rows: Vec<TreeRow>,
    pub activities: ActivityCount,
}

#[derive(Debug, Clone)]
pub struct TreeRow {
    pub code: String,
    pub title: String,
    pub level: String,
    pub depth: usize,
    pub is_measure: bool,
    /// Pooled over the measures under the node (for a measure: itself).
    pub rate: Rate,
    /// A measure's own status and percent, and whether a report is in force (else it counts
    /// as not started, shown as "no report").
    pub status: Option<(Status, Option<u8>, bool)>,
    pub activities: ActivityCount,
}

impl Tracker {
    /// A framework's tree with the rates of `scope` at every node as of `as_of`.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState` (a code that names no member state); `Invalid` when the state does not participate on
    /// the date; the store fails.
    pub async fn framework_overview(
        &self,
        framework: &str,
        scope: &Scope,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<TreeView> {
        let fw = self.framework(framework).await?;
        // A code that names no member state is unknown, not a state that does not participate.
        if let Scope::State(code) = scope {
            self.ensure_member_state(code).await?;
        }
        let activities = self.store.activities(fw.id).await?;
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let participants = participants_as_of(&s.participations, as_of);
        if let Scope::State(code) = scope
            && !participants.contains(code)
        {
            return Err(ServiceError::Invalid(vec![
                crate::domain::FieldIssue::invalid(
                    "scope",
                    format!(
                        "{code} does not participate in `{}` on {as_of}: national figures count participants only",
                        fw.code
                    ),
                ),
            ]));
        }
        let selection = s
            .outline
            .select(None, None, None)
            .map_err(|_| ServiceError::Internal(format!("`{}` has no tree", fw.code)))?;
        let cells = engine::measure_cells(
            &s.outline,
            &selection,
            s.index(basis),
            std::slice::from_ref(scope),
            At::on(as_of),
        );
        let rule = rule_for(scope);
        let mut tallies = vec![Tally::default(); s.outline.nodes.len()];
        let mut own = HashMap::new();
        let mut overall = Tally::default();
        for m in &cells {
            let cell = m.cells.first().copied().unwrap_or(engine::Cell::NO_REPORT);
            overall.add_cell(&cell);
            own.insert(m.measure, (cell.status, cell.progress, cell.reported()));
            let mut current = Some(m.measure);
            for _ in 0..=s.outline.nodes.len() {
                let Some(node) = current else { break };
                if let Some(t) = tallies.get_mut(node) {
                    t.add_cell(&cell);
                }
                current = s.outline.nodes.get(node).and_then(|n| n.parent);
            }
        }
        let counts = Self::activity_counts(&s.outline, &activities);
        let mut total = ActivityCount::default();
        for a in &activities {
            total.add(a);
        }
        let rows = s
            .outline
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| TreeRow {
                code: n.code.clone(),
                title: n.title.clone(),
                level: n.level.clone(),
                depth: n.depth,
                is_measure: n.is_measure,
                rate: tallies.get(i).copied().unwrap_or_default().rate(rule),
                status: own.get(&i).copied(),
                activities: counts.get(i).copied().unwrap_or_default(),
            })
            .collect();
        Ok(TreeView {
            scope: scope.clone(),
            as_of,
            basis,
            participants,
            overall: overall.rate(rule),
            rows,
            activities: total,
            framework: fw,
        })
    }
}
