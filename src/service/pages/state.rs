//! A member state's page: its rates per goal beside the mean of states, and what is lagging.

use chrono::NaiveDate;

use super::super::figures::read;
use super::super::{ServiceError, ServiceResult, Tracker};
use super::{RECENT_REPORTS, top_of};
use crate::demo;
use crate::domain::{
    Basis, Framework, FrameworkSummary, MemberState, Scope, StateCode, Status, StatusReport,
    participants_as_of,
};
use crate::engine::{self, At, MeanRate, NodeRate, Rate, Rule, Tally};

/// A member state's page for one framework.
#[derive(Debug, Clone)]
pub struct StatePage {
    pub state: MemberState,
    pub framework: Framework,
    /// Every framework (to choose another).
    pub frameworks: Vec<FrameworkSummary>,
    pub as_of: NaiveDate,
    pub basis: Basis,
    /// Whether the state is counted by the framework on the date; when not, nothing else is
    /// filled in.
    pub participates: bool,
    pub participants: usize,
    pub overall: Rate,
    pub mean_of_states: MeanRate,
    /// Its rates under every top-level node, with the participants' mean beside them.
    pub goals: Vec<GoalLine>,
    /// Its measures not started, the most widely started elsewhere first.
    pub not_started: Vec<LaggingMeasure>,
    /// Its latest reports, the last recorded first.
    pub recent: Vec<StatusReport>,
    /// The framework's indicators with their figures in every scope (empty when the state
    /// does not participate on the date); the page shows the state's own.
    pub indicators: Vec<super::IndicatorLine>,
}

#[derive(Debug, Clone)]
pub struct GoalLine {
    pub node: NodeRate,
    pub mean_of_states: MeanRate,
}

impl GoalLine {
    /// Its implementation rate is below the participants' mean.
    pub fn lagging(&self) -> bool {
        matches!(
            (self.node.rate.implementation_rate, self.mean_of_states.implementation_rate),
            (Some(own), Some(mean)) if own + 1e-12 < mean
        )
    }
}

#[derive(Debug, Clone)]
pub struct LaggingMeasure {
    pub code: String,
    pub title: String,
    /// The top-level node it is under (code).
    pub top: String,
    /// How many other participants have it ongoing or completed.
    pub started_elsewhere: usize,
    /// How many other participants there are.
    pub others: usize,
    /// The state has a report saying it has not started (else: no report at all).
    pub reported: bool,
}

impl Tracker {
    /// A member state's progress in a framework as of `as_of`: per top-level node beside the
    /// participants' mean, and its measures not started.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`; the store fails.
    pub async fn state_page(
        &self,
        code: &StateCode,
        framework: &str,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<StatePage> {
        let states = self.store.member_states().await?;
        let Some(member) = states.into_iter().find(|s| &s.code == code) else {
            return Err(ServiceError::UnknownState(code.to_string()));
        };
        let fw = self.framework(framework).await?;
        let frameworks = self
            .store
            .frameworks()
            .await?
            .into_iter()
            .filter(|f| f.framework.code != demo::synthetic::SYNTHETIC_FRAMEWORK)
            .collect();
        let recent = self
            .latest_reports(&fw.code, Some(&Scope::State(code.clone())), RECENT_REPORTS)
            .await?;
        let board = self.indicator_board(&fw.code, as_of, basis).await?;
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let participants = participants_as_of(&s.participations, as_of);
        let empty = Tally::default();
        let mut page = StatePage {
            state: member,
            framework: fw.clone(),
            frameworks,
            as_of,
            basis,
            participates: participants.contains(code),
            participants: participants.len(),
            overall: empty.rate(Rule::Scope),
            mean_of_states: MeanRate::of([]),
            goals: Vec::new(),
            not_started: Vec::new(),
            recent,
            indicators: Vec::new(),
        };
        if !page.participates {
            return Ok(page);
        }
        page.indicators = board.lines;
        let at = At::on(as_of);
        let index = s.index(basis);
        let all = s
            .outline
            .select(None, None, None)
            .map_err(|_| ServiceError::Internal(format!("`{}` has no tree", fw.code)))?;
        let overall = engine::compare(&s.outline, &all, index, &participants, at);
        let position = participants.iter().position(|p| p == code).unwrap_or(0);
        if let Some(own) = overall.states.get(position) {
            page.overall = own.rate;
        }
        page.mean_of_states = overall.mean_of_states;
        for &row in &all.rows {
            let node = &s.outline.nodes[row];
            let Ok(selection) = s.outline.select(Some(&node.code), None, None) else {
                continue;
            };
            let comparison = engine::compare(&s.outline, &selection, index, &participants, at);
            let rate = comparison
                .states
                .get(position)
                .map_or_else(|| empty.rate(Rule::Scope), |r| r.rate);
            page.goals.push(GoalLine {
                node: NodeRate {
                    code: node.code.clone(),
                    title: node.title.clone(),
                    level: node.level.clone(),
                    rate,
                },
                mean_of_states: comparison.mean_of_states,
            });
        }
        // The state first, then the others.
        let scopes: Vec<Scope> = std::iter::once(Scope::State(code.clone()))
            .chain(
                participants
                    .iter()
                    .filter(|p| *p != code)
                    .cloned()
                    .map(Scope::State),
            )
            .collect();
        let others = scopes.len() - 1;
        for m in engine::measure_cells(&s.outline, &all, index, &scopes, at) {
            if m.cells.first().map(|c| c.status) != Some(Status::NotStarted) {
                continue;
            }
            let node = &s.outline.nodes[m.measure];
            let top = &s.outline.nodes[top_of(&s.outline, m.measure)];
            page.not_started.push(LaggingMeasure {
                code: node.code.clone(),
                title: node.title.clone(),
                top: top.code.clone(),
                started_elsewhere: m
                    .cells
                    .iter()
                    .skip(1)
                    .filter(|c| matches!(c.status, Status::Ongoing | Status::Completed))
                    .count(),
                others,
                reported: m.cells.first().is_some_and(engine::Cell::reported),
            });
        }
        page.not_started
            .sort_by_key(|m| std::cmp::Reverse(m.started_elsewhere));
        Ok(page)
    }
}
