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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use super::figures::read;
use super::{ServiceError, ServiceResult, Tracker};
use crate::demo;
use crate::domain::ActivityLine;
use crate::domain::{
    Basis, Framework, FrameworkSummary, MemberState, Scope, SectoralBody, StateCode, Status,
    StatusReport, participants_as_of,
};
use crate::engine::{self, At, Comparison, MeanRate, NodeRate, Outline, Rate, Rule, Tally};
use crate::report::charts::{self, Chart};
use crate::report::{FrameworkInfo, HeatRow, ReviewData};

/// How many of a framework's latest reports the dashboard lists.
pub const RECENT_REPORTS: u64 = 8;

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
}

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
    /// A measure's own status and percent.
    pub status: Option<(Status, Option<u8>)>,
    pub activities: ActivityCount,
}

/// A strategic measure's page.
#[derive(Debug, Clone)]
pub struct MeasurePage {
    pub framework: Framework,
    pub code: String,
    pub title: String,
    pub level: String,
    pub note: Option<String>,
    pub lead_bodies: Vec<String>,
    /// The nodes above it (code, level, title), from the top down.
    pub path: Vec<(String, String, String)>,
    pub status: super::MeasureStatus,
    /// Every report, the last recorded first.
    pub history: Vec<StatusReport>,
    /// Activities linked to the measure itself.
    pub activities: Vec<ActivityLine>,
    /// Activities linked to the nodes above it.
    pub context_activities: Vec<ActivityLine>,
}

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
}

/// A sectoral body's page.
#[derive(Debug, Clone)]
pub struct BodyPage {
    pub body: SectoralBody,
    /// Per framework: the measures it leads, and its activities.
    pub frameworks: Vec<BodyFramework>,
}

#[derive(Debug, Clone)]
pub struct BodyFramework {
    pub framework: Framework,
    pub measures: Vec<super::MeasureView>,
    /// Regional figures over the measures it leads (none when it leads none).
    pub regional: Option<Rate>,
    pub activities: Vec<ActivityLine>,
    /// Titles of the nodes its activities serve, by code.
    pub node_titles: HashMap<String, String>,
}

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
            frameworks.push(FrameworkPanel {
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

    /// A framework's tree with the rates of `scope` at every node as of `as_of`.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`; `Invalid` when the state does not participate on
    /// the date; the store fails.
    pub async fn framework_overview(
        &self,
        framework: &str,
        scope: &Scope,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<TreeView> {
        let fw = self.framework(framework).await?;
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
            let cell = m
                .cells
                .first()
                .copied()
                .unwrap_or(engine::Cell::NOT_STARTED);
            overall.add(cell.status, cell.progress);
            own.insert(m.measure, (cell.status, cell.progress));
            let mut current = Some(m.measure);
            for _ in 0..=s.outline.nodes.len() {
                let Some(node) = current else { break };
                if let Some(t) = tallies.get_mut(node) {
                    t.add(cell.status, cell.progress);
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

    /// A strategic measure: its status in every scope as of `as_of`, its history, its
    /// activities.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownMeasure`; the store fails.
    pub async fn measure_page(
        &self,
        framework: &str,
        code: &str,
        as_of: NaiveDate,
    ) -> ServiceResult<MeasurePage> {
        let status = self.measure_status(framework, code, as_of, None).await?;
        let mut history = self.measure_history(framework, code, None).await?.reports;
        history.reverse();
        let fw = self.framework(framework).await?;
        let nodes = self.store.nodes(fw.id).await?;
        let by_code: HashMap<&str, &crate::domain::Node> =
            nodes.iter().map(|n| (n.code.as_str(), n)).collect();
        let Some(node) = by_code.get(code).copied() else {
            return Err(ServiceError::UnknownMeasure {
                framework: fw.code,
                code: code.to_owned(),
            });
        };
        let path: Vec<(String, String, String)> = super::catalog::ancestors(&by_code, code)
            .into_iter()
            .filter_map(|c| {
                by_code
                    .get(c.as_str())
                    .map(|n| (n.code.clone(), n.level.clone(), n.title.clone()))
            })
            .collect();
        let above: HashSet<&str> = path.iter().map(|(c, _, _)| c.as_str()).collect();
        let (mut activities, mut context_activities) = (Vec::new(), Vec::new());
        for activity in self.store.activities(fw.id).await? {
            if activity.nodes.iter().any(|n| n == code) {
                activities.push(activity);
            } else if activity.nodes.iter().any(|n| above.contains(n.as_str())) {
                context_activities.push(activity);
            }
        }
        Ok(MeasurePage {
            code: node.code.clone(),
            title: node.title.clone(),
            level: node.level.clone(),
            note: node.note.clone(),
            lead_bodies: node.lead_bodies.clone(),
            path,
            status,
            history,
            activities,
            context_activities,
            framework: fw,
        })
    }

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
        };
        if !page.participates {
            return Ok(page);
        }
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
            });
        }
        page.not_started
            .sort_by_key(|m| std::cmp::Reverse(m.started_elsewhere));
        Ok(page)
    }

    /// A sectoral body: the measures it leads and its activities, per framework.
    ///
    /// # Errors
    /// `UnknownBody`; the store fails.
    pub async fn body_page(&self, code: &str, as_of: NaiveDate) -> ServiceResult<BodyPage> {
        let Some(body) = self
            .store
            .sectoral_bodies()
            .await?
            .into_iter()
            .find(|b| b.code.eq_ignore_ascii_case(code))
        else {
            return Err(ServiceError::UnknownBody(code.to_owned()));
        };
        let mut frameworks = Vec::new();
        for summary in self.store.frameworks().await? {
            let fw = summary.framework;
            if fw.code == demo::synthetic::SYNTHETIC_FRAMEWORK {
                continue;
            }
            let measures = self
                .measures(
                    &fw.code,
                    &super::MeasureFilter {
                        body: Some(body.code.clone()),
                        ..super::MeasureFilter::default()
                    },
                )
                .await?;
            let regional = if measures.is_empty() {
                None
            } else {
                let query = super::FigureQuery {
                    as_of: Some(as_of),
                    body: Some(body.code.clone()),
                    ..super::FigureQuery::default()
                };
                Some(
                    self.progress(&fw.code, &Scope::Asean, &query, as_of)
                        .await?
                        .progress
                        .overall,
                )
            };
            let activities: Vec<ActivityLine> = self
                .store
                .activities(fw.id)
                .await?
                .into_iter()
                .filter(|a| a.body.as_ref().is_some_and(|(c, _)| c == &body.code))
                .collect();
            if measures.is_empty() && activities.is_empty() {
                continue;
            }
            let node_titles = self
                .store
                .nodes(fw.id)
                .await?
                .into_iter()
                .map(|n| (n.code, n.title))
                .collect();
            frameworks.push(BodyFramework {
                framework: fw,
                measures,
                regional,
                activities,
                node_titles,
            });
        }
        Ok(BodyPage { body, frameworks })
    }

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
        let query = super::FigureQuery {
            as_of: Some(as_of),
            basis,
            ..super::FigureQuery::default()
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
            indicators: 0,
            basis: comparison.basis,
            other_basis: None,
        };
        tokio::task::spawn_blocking(move || charts::svg(chart, &data).map_err(|e| e.to_string()))
            .await
            .map_err(|e| ServiceError::Render(e.to_string()))?
            .map_err(ServiceError::Render)
    }

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
            let cell = m
                .cells
                .first()
                .copied()
                .unwrap_or(engine::Cell::NOT_STARTED);
            GridRow {
                code: node.code.clone(),
                title: node.title.clone(),
                top: (top.code.clone(), top.title.clone()),
                status: cell.status,
                progress: cell.progress,
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
