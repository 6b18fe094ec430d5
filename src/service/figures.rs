//! Progress, comparison and timeline figures, computed by the engine from a per-framework
//! in-memory [`StatusIndex`].
//!
//! Why in memory: the as-of rule over a million reports takes the best SQL hundreds of
//! milliseconds (every (measure, scope) pair needs its latest report), while a sorted index in
//! memory answers a whole framework in about a millisecond.
//!
//! Why it is never stale: every write that changes a framework's figures bumps the framework's
//! `revision` in its own transaction, and a write to its tree or participants also its
//! `tree_revision` (see the store). Each read first reads them (one primary-key lookup); if they
//! differ from those the state was built at, the reports recorded since (ids above the index's
//! last id: the store allocates them in commit order) are read and taken in, and the tree and
//! participants reloaded if the tree revision moved. So a write is visible to the next read in
//! this process and in any other process on the same database, and a restart rebuilds the index
//! from the database on first use.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{ServiceError, ServiceResult, Tracker};
use crate::domain::{
    Basis, FieldIssue, Framework, Participation, Scope, StateCode, participants_as_of,
};
use crate::engine::{
    self, At, Comparison, Every, Outline, Point, Progress, SelectError, Selection, StatusIndex,
};
use crate::store::Revision;

/// How many reports are read from the database at a time when the figures are built (5,000
/// rather than 20,000 lowers the peak memory of building 1M reports by a few MB).
const REPORT_PAGE: u64 = 5_000;

/// The most points a timeline may have.
pub const MAX_TIMELINE_POINTS: usize = 1_000;

/// One framework's figures state, as of a revision.
#[derive(Debug)]
pub(super) struct FrameworkState {
    revision: Revision,
    pub(super) outline: Outline,
    pub(super) participations: Vec<Participation>,
    /// Every report (the `reported` basis).
    pub(super) index: StatusIndex,
    /// The validated reports only (the `validated` basis); its fact ids are the validations'.
    pub(super) validated: StatusIndex,
}

impl FrameworkState {
    /// The index of a basis.
    pub(super) fn index(&self, basis: Basis) -> &StatusIndex {
        match basis {
            Basis::Reported => &self.index,
            Basis::Validated => &self.validated,
        }
    }
}

/// The per-framework states; cheap to clone (shared).
#[derive(Debug, Default, Clone)]
pub(super) struct FigureCache {
    states: Arc<RwLock<HashMap<i32, Arc<RwLock<FrameworkState>>>>>,
    /// One lock per framework: serialises its refreshes so that concurrent first reads load
    /// the reports once, without holding up the other frameworks' refreshes.
    refresh: Arc<std::sync::Mutex<HashMap<i32, Arc<tokio::sync::Mutex<()>>>>>,
}

/// What a figure is asked for: the date, the known-at instant, and the measures (a node's
/// subtree, a sectoral body's measures) with the level of the rollup.
#[derive(Debug, Clone, Default)]
pub struct FigureQuery {
    pub as_of: Option<NaiveDate>,
    pub known_at: Option<DateTime<Utc>>,
    pub node: Option<String>,
    pub body: Option<String>,
    pub level: Option<String>,
    /// Every report in force (default), or only the validated ones.
    pub basis: Basis,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProgressView {
    pub framework: String,
    pub as_of: NaiveDate,
    pub basis: Basis,
    pub known_at: Option<DateTime<Utc>>,
    pub scope: Scope,
    pub level: String,
    pub node: Option<String>,
    pub body: Option<String>,
    #[serde(flatten)]
    pub progress: Progress,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompareView {
    pub framework: String,
    pub as_of: NaiveDate,
    pub basis: Basis,
    pub known_at: Option<DateTime<Utc>>,
    pub node: Option<String>,
    pub body: Option<String>,
    #[serde(flatten)]
    pub comparison: Comparison,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TimelineView {
    pub framework: String,
    pub scope: Scope,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub every: &'static str,
    pub basis: Basis,
    pub known_at: Option<DateTime<Utc>>,
    pub node: Option<String>,
    pub body: Option<String>,
    pub points: Vec<Point>,
}

/// A timeline's span and step.
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub every: Option<Every>,
}

fn every_name(every: Every) -> &'static str {
    match every {
        Every::Month => "month",
        Every::Quarter => "quarter",
        Every::Year => "year",
    }
}

impl Tracker {
    /// The framework's figures state, brought up to the database's current revision.
    pub(super) async fn figures_state(
        &self,
        fw: &Framework,
    ) -> ServiceResult<Arc<RwLock<FrameworkState>>> {
        let revision = self.store.framework_revision(fw.id).await?;
        if let Some(state) = self.current_state(fw.id, revision) {
            return Ok(state);
        }
        let lock = Arc::clone(
            self.figures
                .refresh
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(fw.id)
                .or_default(),
        );
        let _refreshing = lock.lock().await;
        if let Some(state) = self.current_state(fw.id, revision) {
            return Ok(state); // another request refreshed it meanwhile
        }
        // Read the revision again under the refresh lock: what is read below is at least as
        // new as it, so the state can be marked with it.
        let revision = self.store.framework_revision(fw.id).await?;
        let existing = self
            .figures
            .states
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&fw.id)
            .cloned();
        let Some(state) = existing else {
            let outline = self.outline(fw).await?;
            let participations = self.store.participations(fw.id).await?;
            let mut index = StatusIndex::default();
            // One merge at the end: merging while building (tried every 200,000 reports) left
            // the allocator holding more memory at the peak (167 MB against 114 MB for 1M).
            self.take_in_reports(fw.id, 0, |facts| index.extend(facts))
                .await?;
            for r in self.returns_after(fw.id, 0).await? {
                index.mark_returned(r.id, r.report_id, r.measure_id, &r.scope, r.at);
            }
            index.merge();
            let mut validated = StatusIndex::default();
            self.take_in_validated(fw.id, 0, |facts| validated.extend(facts))
                .await?;
            validated.merge();
            let state = Arc::new(RwLock::new(FrameworkState {
                revision,
                outline,
                participations,
                index,
                validated,
            }));
            self.figures
                .states
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .insert(fw.id, Arc::clone(&state));
            return Ok(state);
        };
        let (last_id, last_validated, last_return, tree_revision) = {
            let s = read(&state);
            (
                s.index.last_id(),
                s.validated.last_id(),
                s.index.last_return_id(),
                s.revision.tree,
            )
        };
        // The tree and participants are reloaded only when they changed: reports alone are the
        // common case, and a tree of 2,000 measures takes longer to read than the new reports.
        let tree = if revision.tree > tree_revision {
            Some((
                self.outline(fw).await?,
                self.store.participations(fw.id).await?,
            ))
        } else {
            None
        };
        // Read everything new first, then take it in under one write lock: a reader never sees
        // part of a bulk that was stored all or nothing.
        let mut new_facts = Vec::new();
        self.take_in_reports(fw.id, last_id, |facts| {
            new_facts.extend_from_slice(facts);
        })
        .await?;
        let mut new_validated = Vec::new();
        self.take_in_validated(fw.id, last_validated, |facts| {
            new_validated.extend_from_slice(facts);
        })
        .await?;
        // Read after the reports: a return read here whose report was recorded after the read
        // above is kept by the index until the report comes.
        let new_returns = self.returns_after(fw.id, last_return).await?;
        {
            let mut s = state.write().unwrap_or_else(PoisonError::into_inner);
            s.index.extend(&new_facts);
            for r in &new_returns {
                s.index
                    .mark_returned(r.id, r.report_id, r.measure_id, &r.scope, r.at);
            }
            s.index.settle();
            s.validated.extend(&new_validated);
            s.validated.settle();
            if let Some((outline, participations)) = tree {
                s.outline = outline;
                s.participations = participations;
            }
            s.revision = Revision {
                figures: s.revision.figures.max(revision.figures),
                tree: s.revision.tree.max(revision.tree),
            };
        }
        Ok(state)
    }

    async fn outline(&self, fw: &Framework) -> ServiceResult<Outline> {
        // The current tree only: a measure retired from the framework keeps its reports, but
        // the figures no longer count it.
        Ok(Outline::new(
            fw.levels.clone(),
            &self.store.current_nodes(fw.id).await?,
        ))
    }

    /// Reads the framework's reports after `after_id` page by page, handing each page to
    /// `take`.
    pub(super) async fn take_in_reports(
        &self,
        framework_id: i32,
        after_id: i64,
        take: impl FnMut(&[crate::domain::ReportFact]),
    ) -> ServiceResult<()> {
        self.take_in_pages(framework_id, after_id, Basis::Reported, take)
            .await
    }

    /// The framework's returns of reports after return `after_id` (few: read at once, in
    /// pages of [`REPORT_PAGE`]).
    pub(super) async fn returns_after(
        &self,
        framework_id: i32,
        after_id: i64,
    ) -> ServiceResult<Vec<crate::domain::ReturnFact>> {
        let mut out = Vec::new();
        let mut after = after_id;
        loop {
            let page = self
                .store
                .returned_facts(framework_id, after, REPORT_PAGE)
                .await?;
            let Some(last) = page.last() else {
                return Ok(out);
            };
            after = last.id;
            let full = (page.len() as u64) >= REPORT_PAGE;
            out.extend(page);
            if !full {
                return Ok(out);
            }
        }
    }

    /// Reads the framework's validated reports after validation `after_id`, page by page.
    async fn take_in_validated(
        &self,
        framework_id: i32,
        after_id: i64,
        take: impl FnMut(&[crate::domain::ReportFact]),
    ) -> ServiceResult<()> {
        self.take_in_pages(framework_id, after_id, Basis::Validated, take)
            .await
    }

    /// The facts of one basis after `after_id`, page by page: reports in id order, or
    /// validated reports in validation order.
    async fn take_in_pages(
        &self,
        framework_id: i32,
        after_id: i64,
        basis: Basis,
        mut take: impl FnMut(&[crate::domain::ReportFact]),
    ) -> ServiceResult<()> {
        let mut after = after_id;
        loop {
            let page = match basis {
                Basis::Reported => {
                    self.store
                        .report_facts(framework_id, after, REPORT_PAGE)
                        .await?
                }
                Basis::Validated => {
                    self.store
                        .validated_facts(framework_id, after, REPORT_PAGE)
                        .await?
                }
            };
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = last.id;
            take(&page);
            if (page.len() as u64) < REPORT_PAGE {
                return Ok(());
            }
        }
    }

    fn current_state(
        &self,
        framework_id: i32,
        revision: Revision,
    ) -> Option<Arc<RwLock<FrameworkState>>> {
        let states = self
            .figures
            .states
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let state = states.get(&framework_id)?;
        let known = read(state).revision;
        let fresh = known.figures >= revision.figures && known.tree >= revision.tree;
        fresh.then(|| Arc::clone(state))
    }

    /// Builds the in-memory figures of every framework (what `serve` does at start, so that
    /// the first request is fast).
    ///
    /// # Errors
    /// The store fails.
    pub async fn warm_figures(&self) -> ServiceResult<usize> {
        let mut reports = 0;
        for summary in self.store.frameworks().await? {
            let state = self.figures_state(&summary.framework).await?;
            reports += state
                .read()
                .unwrap_or_else(PoisonError::into_inner)
                .index
                .len();
        }
        Ok(reports)
    }

    /// Checks the body filter against the known sectoral bodies.
    pub(super) async fn check_body(&self, body: Option<&str>) -> ServiceResult<()> {
        if let Some(body) = body {
            let bodies = self.store.sectoral_bodies().await?;
            if !bodies.iter().any(|b| b.code.eq_ignore_ascii_case(body)) {
                return Err(ServiceError::UnknownBody(body.to_owned()));
            }
        }
        Ok(())
    }

    /// Checks that `scope` is `ASEAN` or a participant of the framework on every date given.
    pub(super) async fn check_scope(
        &self,
        fw: &Framework,
        participations: &[Participation],
        scope: &Scope,
        dates: &[NaiveDate],
    ) -> ServiceResult<()> {
        let Scope::State(code) = scope else {
            return Ok(());
        };
        self.ensure_member_state(code).await?;
        if let Some(date) = dates.iter().find(|d| {
            !participations
                .iter()
                .any(|p| &p.state == code && p.active_on(**d))
        }) {
            return Err(ServiceError::Invalid(vec![
                crate::domain::FieldIssue::invalid(
                    "scope",
                    format!(
                        "{code} does not participate in `{}` on {date}: national figures count participants only",
                        fw.code
                    ),
                ),
            ]));
        }
        Ok(())
    }

    pub(super) fn selection(
        fw: &Framework,
        outline: &Outline,
        query: &FigureQuery,
    ) -> ServiceResult<Selection> {
        outline
            .select(
                query.node.as_deref(),
                query.body.as_deref(),
                query.level.as_deref(),
            )
            .map_err(|e| match e {
                SelectError::UnknownNode(code) => ServiceError::UnknownNode {
                    framework: fw.code.clone(),
                    code,
                },
                // A level name of another framework: well-formed, not this framework's (422).
                SelectError::UnknownLevel(level) => {
                    ServiceError::Invalid(vec![FieldIssue::invalid(
                        "level",
                        format!(
                            "`{level}` is not a level of `{}`: use one of {}",
                            fw.code,
                            fw.levels.join(", ")
                        ),
                    )])
                }
            })
    }

    /// Rates in one scope (`ASEAN` or a participant) as of a date, overall and per node of the
    /// level asked for (the top level by default).
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownNode`, `UnknownBody`, `UnknownState`, `InvalidQuery` (level),
    /// `Invalid` (a state that does not participate on the date), or the store fails.
    pub async fn progress(
        &self,
        framework: &str,
        scope: &Scope,
        query: &FigureQuery,
        today: NaiveDate,
    ) -> ServiceResult<ProgressView> {
        let fw = self.framework(framework).await?;
        self.check_body(query.body.as_deref()).await?;
        let as_of = query.as_of.unwrap_or(today);
        let state = self.figures_state(&fw).await?;
        let participations = read(&state).participations.clone();
        self.check_scope(&fw, &participations, scope, &[as_of])
            .await?;
        let s = read(&state);
        let selection = Self::selection(&fw, &s.outline, query)?;
        let at = At {
            as_of,
            known_at: query.known_at,
        };
        let progress = engine::progress(&s.outline, &selection, s.index(query.basis), scope, at);
        Ok(ProgressView {
            level: fw.levels.get(selection.depth).cloned().unwrap_or_default(),
            framework: fw.code,
            as_of,
            basis: query.basis,
            known_at: query.known_at,
            scope: scope.clone(),
            node: query.node.clone(),
            body: query.body.clone(),
            progress,
        })
    }

    /// Every participant's rates as of a date, side by side, with `all_states`,
    /// `mean_of_states` and `cells` over the states compared and the regional figures beside
    /// them. `states` narrows the comparison to some participants (all by default).
    ///
    /// # Errors
    /// As [`Tracker::progress`]; `Invalid` when a state named does not participate.
    pub async fn compare(
        &self,
        framework: &str,
        states: Option<&[StateCode]>,
        query: &FigureQuery,
        today: NaiveDate,
    ) -> ServiceResult<CompareView> {
        let fw = self.framework(framework).await?;
        self.check_body(query.body.as_deref()).await?;
        let as_of = query.as_of.unwrap_or(today);
        let state = self.figures_state(&fw).await?;
        let participations = read(&state).participations.clone();
        let compared = match states {
            None => participants_as_of(&participations, as_of),
            Some(chosen) => {
                for code in chosen {
                    self.check_scope(&fw, &participations, &Scope::State(code.clone()), &[as_of])
                        .await?;
                }
                let mut chosen = chosen.to_vec();
                chosen.sort();
                chosen.dedup();
                chosen
            }
        };
        let s = read(&state);
        let selection = Self::selection(&fw, &s.outline, query)?;
        let at = At {
            as_of,
            known_at: query.known_at,
        };
        let comparison =
            engine::compare(&s.outline, &selection, s.index(query.basis), &compared, at);
        Ok(CompareView {
            framework: fw.code,
            as_of,
            basis: query.basis,
            known_at: query.known_at,
            node: query.node.clone(),
            body: query.body.clone(),
            comparison,
        })
    }

    /// The overall rates in one scope at the end of every month, quarter (default) or year from
    /// `from` (default: the framework's start) to `to` (default: today, or the framework's end
    /// if earlier), and at `to`.
    ///
    /// # Errors
    /// As [`Tracker::progress`]; `InvalidQuery` when `from` is after `to` or there would be
    /// more than [`MAX_TIMELINE_POINTS`] points.
    pub async fn timeline(
        &self,
        framework: &str,
        scope: &Scope,
        span: Span,
        query: &FigureQuery,
        today: NaiveDate,
    ) -> ServiceResult<TimelineView> {
        let fw = self.framework(framework).await?;
        self.check_body(query.body.as_deref()).await?;
        let from = span.from.unwrap_or(fw.start_date);
        // Before the framework starts, the default timeline is its first day.
        let to = span.to.unwrap_or_else(|| today.min(fw.end_date).max(from));
        let every = span.every.unwrap_or(Every::Quarter);
        if from > to {
            // Name the parameter the caller gave: the other one is a default.
            let (field, message) = match (span.from, span.to) {
                (None, Some(_)) => (
                    "to",
                    format!(
                        "`to` ({to}) is before the framework's start ({from}), the default `from`"
                    ),
                ),
                (Some(_), None) => (
                    "from",
                    format!(
                        "`from` ({from}) is after the default `to` ({to}: today or the framework's end)"
                    ),
                ),
                _ => ("from", format!("`from` ({from}) is after `to` ({to})")),
            };
            // Well-formed dates that do not make a span: 422, like other values out of range.
            return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                field, message,
            )]));
        }
        let dates = engine::period_ends(from, to, every, MAX_TIMELINE_POINTS).map_err(|count| {
            ServiceError::Invalid(vec![FieldIssue::invalid(
                "every",
                format!(
                    "{count} points from {from} to {to} by {}: a timeline has at most {MAX_TIMELINE_POINTS}",
                    every_name(every)
                ),
            )])
        })?;
        let state = self.figures_state(&fw).await?;
        let participations = read(&state).participations.clone();
        self.check_scope(&fw, &participations, scope, &dates)
            .await?;
        let s = read(&state);
        let selection = Self::selection(&fw, &s.outline, query)?;
        let points = engine::timeline(
            &s.outline,
            &selection,
            s.index(query.basis),
            scope,
            &dates,
            query.known_at,
        );
        Ok(TimelineView {
            framework: fw.code,
            scope: scope.clone(),
            from,
            to,
            every: every_name(every),
            basis: query.basis,
            known_at: query.known_at,
            node: query.node.clone(),
            body: query.body.clone(),
            points,
        })
    }
}

pub(super) fn read(
    state: &RwLock<FrameworkState>,
) -> std::sync::RwLockReadGuard<'_, FrameworkState> {
    state.read().unwrap_or_else(PoisonError::into_inner)
}
