//! Indicator figures gathered (DESIGN.md §2b): per node, in one scope, the unweighted mean of
//! the current statuses and the count of each class; across member states, the unweighted mean
//! of the participants' current statuses (`mean_of_states`, ESCAP's simple average), which the
//! regional figures stand beside and never enter.

use serde::{Deserialize, Serialize};

use super::ScopeProgress;
use crate::domain::{IndicatorClass, Scope, StateCode};
use crate::engine::{Outline, Rule};

/// How many indicators are in each class.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ClassCounts {
    pub achieved: u64,
    pub insufficient_data: u64,
    pub on_track: u64,
    pub needs_acceleration: u64,
    pub stagnating: u64,
    pub regressing: u64,
    pub no_target: u64,
}

impl ClassCounts {
    /// Counts one indicator.
    pub fn add(&mut self, class: IndicatorClass) {
        *self.slot(class) += 1;
    }

    /// How many indicators are in `class`.
    pub fn get(&self, class: IndicatorClass) -> u64 {
        let mut copy = *self;
        *copy.slot(class)
    }

    /// Every indicator counted.
    pub fn total(&self) -> u64 {
        IndicatorClass::ALL.into_iter().map(|c| self.get(c)).sum()
    }

    fn slot(&mut self, class: IndicatorClass) -> &mut u64 {
        match class {
            IndicatorClass::Achieved => &mut self.achieved,
            IndicatorClass::InsufficientData => &mut self.insufficient_data,
            IndicatorClass::OnTrack => &mut self.on_track,
            IndicatorClass::NeedsAcceleration => &mut self.needs_acceleration,
            IndicatorClass::Stagnating => &mut self.stagnating,
            IndicatorClass::Regressing => &mut self.regressing,
            IndicatorClass::NoTarget => &mut self.no_target,
        }
    }
}

/// The indicators of a set in one scope: how many, the mean of their current statuses over
/// those that have one, and how many are in each class.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IndicatorRollup {
    /// `regional` for `ASEAN`, `scope` for a member state.
    pub rule: Rule,
    pub indicators: u64,
    /// The unweighted mean of the non-null current statuses; `null` when none has one.
    pub mean_current_status: Option<f64>,
    /// How many current statuses the mean is taken over.
    pub with_status: u64,
    pub classes: ClassCounts,
}

impl IndicatorRollup {
    /// The rollup of `figures` (all of one scope) under `rule`.
    pub fn of<'a>(rule: Rule, figures: impl IntoIterator<Item = &'a ScopeProgress>) -> Self {
        let mut indicators = 0;
        let mut classes = ClassCounts::default();
        let mut statuses = Vec::new();
        for figure in figures {
            indicators += 1;
            classes.add(figure.class);
            statuses.extend(figure.current_status);
        }
        let (mean_current_status, with_status) = mean(&statuses);
        Self {
            rule,
            indicators,
            mean_current_status,
            with_status,
            classes,
        }
    }
}

/// One row of a rollup: the indicators measuring the node or a node under it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct NodeIndicators {
    pub code: String,
    pub title: String,
    pub level: String,
    #[serde(flatten)]
    pub rollup: IndicatorRollup,
}

/// Indicators in one scope: all of those given, and per row node.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct IndicatorRollups {
    pub overall: IndicatorRollup,
    pub nodes: Vec<NodeIndicators>,
}

/// Rolls up indicator figures in `scope` per node of `rows` (indices into the outline's nodes,
/// e.g. a [`crate::engine::Selection`]'s rows). `measured` pairs each indicator's figures with
/// the index of the node it measures; an indicator counts in every row that is that node or
/// one of its ancestors, and in `overall` (so one measuring a node above the rows' level counts
/// in `overall` only). Figures of another scope are left out: scopes are never mixed.
pub fn rollup_by_node(
    outline: &Outline,
    rows: &[usize],
    scope: &Scope,
    measured: &[(usize, &ScopeProgress)],
) -> IndicatorRollups {
    let rule = super::rule_of(scope);
    let in_scope: Vec<(usize, &ScopeProgress)> = measured
        .iter()
        .filter(|(_, figures)| &figures.scope == scope)
        .copied()
        .collect();
    let overall = IndicatorRollup::of(rule, in_scope.iter().map(|(_, figures)| *figures));
    let nodes = rows
        .iter()
        .filter_map(|&row| {
            let node = outline.nodes.get(row)?;
            let under = in_scope
                .iter()
                .filter(|(measures, _)| outline.is_within(*measures, row))
                .map(|(_, figures)| *figures);
            Some(NodeIndicators {
                code: node.code.clone(),
                title: node.title.clone(),
                level: node.level.clone(),
                rollup: IndicatorRollup::of(rule, under),
            })
        })
        .collect();
    IndicatorRollups { overall, nodes }
}

/// The unweighted mean of the participants' current statuses (`mean_of_states`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeanStatus {
    pub rule: Rule,
    /// `null` when no participant has a current status.
    pub current_status: Option<f64>,
    /// How many states the mean is taken over.
    pub states: u64,
    /// Those states, in the order of the participants.
    pub counted: Vec<StateCode>,
    /// How many participants there were (those without a current status are left out).
    pub participants: u64,
}

/// The unweighted mean of the current statuses of the `participants` among `scopes` (ESCAP's
/// simple average: no state weighs more than another). Scope `ASEAN` and states that are not
/// participants (e.g. not yet members on the date) never enter it.
pub fn mean_of_states(scopes: &[ScopeProgress], participants: &[StateCode]) -> MeanStatus {
    let mut counted: Vec<StateCode> = Vec::new();
    let mut statuses = Vec::new();
    let mut seen: Vec<&StateCode> = Vec::new();
    for state in participants {
        if seen.contains(&state) {
            continue;
        }
        seen.push(state);
        let status = scopes
            .iter()
            .find(|s| s.scope.state() == Some(state))
            .and_then(|s| s.current_status);
        if let Some(status) = status {
            counted.push(state.clone());
            statuses.push(status);
        }
    }
    let (current_status, states) = mean(&statuses);
    MeanStatus {
        rule: Rule::MeanOfStates,
        current_status,
        states,
        counted,
        participants: seen.len() as u64,
    }
}

/// The mean of `values` and how many there are; `None` for none.
fn mean(values: &[f64]) -> (Option<f64>, u64) {
    let count = values.len() as u64;
    let mean = (count > 0).then(|| values.iter().sum::<f64>() / values.len() as f64);
    (mean.filter(|m| m.is_finite()), count)
}

/// The unweighted mean of `values` and how many there are; `None` for none (and never NaN or
/// infinity). For means over indicators, e.g. a goal's mean of their `mean_of_states`.
pub fn mean_of(values: impl IntoIterator<Item = f64>) -> (Option<f64>, u64) {
    mean(&values.into_iter().collect::<Vec<_>>())
}
