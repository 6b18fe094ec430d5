//! The Secretariat's review desk: the reports awaiting validation, filtered and paged, each
//! with the report it would replace (the one in force before it for the same measure and
//! scope). Plain data; the page words it.
//!
//! Decisions: a round's reports are those effective within its period (`period_start` to
//! `period_end`, as its coverage counts them). "In force only" (the default) leaves out a waiting report that a later report of
//! the same measure and scope has replaced (later: a later effective date, or the same date
//! recorded later), since deciding it changes no figure; returned reports never replace
//! anything. The queue is oldest first, as the reports arrived.

use std::collections::{HashMap, HashSet};

use crate::domain::{Action, Actor, Scope, StatusReport, ValidationState};
use crate::service::{ServiceError, ServiceResult, Tracker};

/// Where a report stands among its pair's: effective date, recording instant, id.
type Order = (chrono::NaiveDate, chrono::DateTime<chrono::Utc>, i64);

/// How many reports one page of the desk lists.
pub const DESK_PAGE: usize = 50;

/// What the desk is asked to list.
#[derive(Debug, Clone, Default)]
pub struct DeskFilter {
    pub framework: String,
    /// Only this scope's reports.
    pub scope: Option<Scope>,
    /// Only the reports of measures this sectoral body leads.
    pub body: Option<String>,
    /// Only the reports effective within this reporting round's period.
    pub round: Option<String>,
    /// Leave out reports replaced by a later report of the same measure and scope.
    pub in_force_only: bool,
    /// 1-based.
    pub page: usize,
}

/// A waiting report and the report it replaces.
#[derive(Debug, Clone)]
pub struct DeskRow {
    pub report: StatusReport,
    /// The report in force before it for the same measure and scope, if any.
    pub replaces: Option<StatusReport>,
    /// Whether no later report of the pair replaced it.
    pub in_force: bool,
}

/// One page of the desk.
#[derive(Debug, Clone)]
pub struct ReviewDesk {
    pub framework: String,
    pub framework_title: String,
    /// How many reports match the filter (every page).
    pub total: usize,
    /// How many of those a later report replaced (counted even when left out).
    pub replaced: usize,
    pub page: usize,
    pub pages: usize,
    pub rows: Vec<DeskRow>,
    /// The sectoral bodies leading measures of the framework: (code, name).
    pub bodies: Vec<(String, String)>,
    /// The framework's reporting rounds: (code, the period they cover).
    pub rounds: Vec<(String, String)>,
}

impl Tracker {
    /// The review desk (admins and the Secretariat).
    ///
    /// # Errors
    /// `Forbidden`; `UnknownFramework`, `UnknownState`, `NotFound` for an unknown round; the
    /// store fails.
    pub async fn review_desk(
        &self,
        actor: &Actor,
        filter: &DeskFilter,
    ) -> ServiceResult<ReviewDesk> {
        self.permit(actor, Action::Review(&Scope::Asean)).await?;
        let fw = self.framework(&filter.framework).await?;
        if let Some(Scope::State(code)) = &filter.scope {
            self.ensure_member_state(code).await?;
        }
        let all_rounds = self.store.rounds(fw.id, &fw.code).await?;
        let period = match &filter.round {
            None => None,
            Some(code) => Some(
                all_rounds
                    .iter()
                    .find(|r| &r.code == code)
                    .map(|r| (r.period_start, r.period_end))
                    .ok_or_else(|| {
                        ServiceError::NotFound(format!(
                            "framework `{}` has no round `{code}`",
                            fw.code
                        ))
                    })?,
            ),
        };
        let rounds = all_rounds
            .iter()
            .map(|r| {
                (
                    r.code.clone(),
                    format!("{} to {}", r.period_start, r.period_end),
                )
            })
            .collect();
        let nodes = self.store.nodes(fw.id).await?;
        let led: Option<HashSet<i32>> = filter.body.as_ref().map(|body| {
            nodes
                .iter()
                .filter(|n| n.is_measure && n.lead_bodies.iter().any(|b| b == body))
                .map(|n| n.id)
                .collect()
        });
        let mut body_codes: Vec<&String> = nodes
            .iter()
            .filter(|n| n.is_measure)
            .flat_map(|n| n.lead_bodies.iter())
            .collect();
        body_codes.sort();
        body_codes.dedup();
        let names: HashMap<String, String> = self
            .store
            .sectoral_bodies()
            .await?
            .into_iter()
            .map(|b| (b.code, b.name))
            .collect();
        let bodies = body_codes
            .into_iter()
            .map(|c| {
                (
                    c.clone(),
                    names.get(c).cloned().unwrap_or_else(|| c.clone()),
                )
            })
            .collect();

        let returned: HashSet<i64> = self
            .returns_after(fw.id, 0)
            .await?
            .into_iter()
            .map(|r| r.report_id)
            .collect();
        // Every report of the framework, by pair, in the order "later" means.
        let mut pairs: HashMap<(i32, Scope), Vec<Order>> = HashMap::new();
        let mut measure_of: HashMap<i64, (i32, chrono::NaiveDate)> = HashMap::new();
        self.take_in_reports(fw.id, 0, |page| {
            for f in page {
                measure_of.insert(f.id, (f.measure_id, f.effective_date));
                if !returned.contains(&f.id) {
                    pairs
                        .entry((f.measure_id, f.scope.clone()))
                        .or_default()
                        .push((f.effective_date, f.recorded_at, f.id));
                }
            }
        })
        .await?;
        for list in pairs.values_mut() {
            list.sort();
        }
        let mut waiting = self
            .store
            .report_ids_in_state(
                fw.id,
                ValidationState::Reported,
                filter.scope.as_ref(),
                u64::MAX >> 1,
            )
            .await?;
        waiting.sort_unstable();
        let scopes: HashMap<i64, Scope> = self
            .store
            .report_refs(fw.id, &waiting)
            .await?
            .into_iter()
            .map(|(id, r)| (id, r.scope))
            .collect();
        let mut matching = Vec::new();
        let mut replaced = 0;
        for id in waiting {
            let (Some((measure, effective)), Some(scope)) = (measure_of.get(&id), scopes.get(&id))
            else {
                continue;
            };
            if period.is_some_and(|(start, end)| *effective < start || *effective > end) {
                continue;
            }
            if led.as_ref().is_some_and(|l| !l.contains(measure)) {
                continue;
            }
            let list = pairs
                .get(&(*measure, scope.clone()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let at = list.iter().position(|e| e.2 == id);
            let in_force = at.is_some_and(|i| i + 1 == list.len());
            if !in_force {
                replaced += 1;
                if filter.in_force_only {
                    continue;
                }
            }
            let before = at
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| list.get(i))
                .map(|e| e.2);
            matching.push((id, before, in_force));
        }
        let total = matching.len();
        let pages = total.div_ceil(DESK_PAGE).max(1);
        let page = filter.page.clamp(1, pages);
        let shown: Vec<(i64, Option<i64>, bool)> = matching
            .into_iter()
            .skip((page - 1) * DESK_PAGE)
            .take(DESK_PAGE)
            .collect();
        let ids: Vec<i64> = shown
            .iter()
            .flat_map(|(id, before, _)| std::iter::once(*id).chain(*before))
            .collect();
        let mut reports: HashMap<i64, StatusReport> = self
            .store
            .reports_by_ids(&fw, &ids)
            .await?
            .into_iter()
            .map(|r| (r.id, r))
            .collect();
        let rows = shown
            .into_iter()
            .filter_map(|(id, before, in_force)| {
                let replaces = before.and_then(|b| reports.get(&b).cloned());
                Some(DeskRow {
                    report: reports.remove(&id)?,
                    replaces,
                    in_force,
                })
            })
            .collect();
        Ok(ReviewDesk {
            framework: fw.code,
            framework_title: fw.title,
            total,
            replaced,
            page,
            pages,
            rows,
            bodies,
            rounds,
        })
    }
}
