//! Recording status reports and reading a measure's status and history.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;

use super::{ServiceError, ServiceResult, Tracker, now, today};
use crate::demo;
use crate::domain::{
    Action, Actor, AuditEntry, Basis, BodyShapeError, Framework, IssueKind, MAX_BULK_REPORTS, Node,
    RecordContext, Role, Scope, StateCode, Status, StatusReport, User, ValidationState,
    audit::actions, parse_record_body, participants_as_of, validate_report,
};
use crate::engine;
use crate::store::{NewUser, RecordOptions, ReportRow};

/// What a status request stored: one report, or a bulk.
#[derive(Debug, Clone)]
pub enum Recorded {
    One(Box<StatusReport>),
    Many(Vec<StatusReport>),
}

/// A measure's status in one scope as of a date (`report` is `None` when nothing was reported:
/// the status is then `not_started`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScopeStatus {
    pub scope: Scope,
    pub status: Status,
    pub progress: Option<u8>,
    pub effective_date: Option<NaiveDate>,
    pub report: Option<StatusReport>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureStatus {
    pub framework: String,
    pub measure: String,
    pub title: String,
    pub as_of: NaiveDate,
    pub known_at: Option<DateTime<Utc>>,
    /// `reported`: every report counts from its recording; `validated`: only validated
    /// reports, each from its validation (as the figures count them).
    pub basis: Basis,
    /// `ASEAN` first, then every participant as of the date.
    pub scopes: Vec<ScopeStatus>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasureHistory {
    pub framework: String,
    pub measure: String,
    pub title: String,
    /// Every report, oldest (first recorded) first.
    pub reports: Vec<StatusReport>,
}

/// What checking a report needs of its framework: the current tree, the retired measures,
/// the participants and the member states, as of a tree revision. Kept per framework so that a
/// write reads one revision number instead of the whole tree; rebuilt when the tree revision
/// moves (a framework import, new participants, reference data loaded).
#[derive(Debug)]
pub(super) struct TreeSnapshot {
    tree_revision: i64,
    nodes: Vec<Node>,
    retired: HashMap<String, DateTime<Utc>>,
    participations: Vec<crate::domain::Participation>,
    states: HashSet<StateCode>,
}

/// The snapshots, per framework id; cheap to clone (shared).
#[derive(Debug, Default, Clone)]
pub(super) struct TreeCache(
    std::sync::Arc<std::sync::Mutex<HashMap<i32, std::sync::Arc<TreeSnapshot>>>>,
);

impl Tracker {
    /// The framework's tree snapshot at tree revision `revision` (read with the framework),
    /// rebuilt if the one kept is older.
    async fn tree_snapshot(
        &self,
        fw: &Framework,
        revision: i64,
    ) -> ServiceResult<std::sync::Arc<TreeSnapshot>> {
        let cached = self
            .trees
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&fw.id)
            .cloned();
        if let Some(snapshot) = cached
            && snapshot.tree_revision == revision
        {
            return Ok(snapshot);
        }
        let snapshot = std::sync::Arc::new(TreeSnapshot {
            tree_revision: revision,
            nodes: self.store.current_nodes(fw.id).await?,
            retired: self
                .store
                .retired_nodes(fw.id)
                .await?
                .into_iter()
                .filter(|n| n.is_measure)
                .map(|n| (n.code, n.retired_at))
                .collect(),
            participations: self.store.participations(fw.id).await?,
            states: self
                .store
                .member_states()
                .await?
                .into_iter()
                .map(|s| s.code)
                .collect(),
        });
        self.trees
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(fw.id, std::sync::Arc::clone(&snapshot));
        Ok(snapshot)
    }

    async fn measure_node(&self, fw: &Framework, code: &str) -> ServiceResult<Node> {
        self.store
            .nodes(fw.id)
            .await?
            .into_iter()
            .find(|n| n.code == code && n.is_measure)
            .ok_or_else(|| ServiceError::UnknownMeasure {
                framework: fw.code.clone(),
                code: code.to_owned(),
            })
    }

    /// Records one report or a bulk (`{"reports":[…]}`) for `caller`: all or nothing.
    ///
    /// Checks, in order: the body's shape, the caller's right to write each scope (403), then
    /// every field of every report (404 when only references are unknown, else 422).
    ///
    /// # Errors
    /// `UnknownFramework`, `TooManyReports`, `Invalid`, `Forbidden`, `UnknownReferences`, or the
    /// store fails (nothing is stored then).
    pub async fn record(
        &self,
        actor: &Actor,
        framework: &str,
        body: Value,
        override_lock: bool,
    ) -> ServiceResult<Recorded> {
        let caller = &actor.user;
        if override_lock {
            self.permit_on(
                actor,
                Action::OverrideLock,
                framework,
                "status override of a lock",
            )
            .await?;
        }
        let (fw, revision) = self
            .store
            .framework_and_revision(framework)
            .await?
            .ok_or_else(|| ServiceError::UnknownFramework(framework.to_owned()))?;
        let bulk = body.get("reports").is_some();
        let items = parse_record_body(body).map_err(|e| match e {
            BodyShapeError::TooMany(count) => ServiceError::TooManyReports {
                count,
                max: MAX_BULK_REPORTS,
            },
            BodyShapeError::NotAnObject => {
                ServiceError::Invalid(vec![crate::domain::FieldIssue::invalid(
                    "body",
                    "the body is a status report object, or {\"reports\": [...]}",
                )])
            }
            BodyShapeError::Invalid(issue) => ServiceError::Invalid(vec![issue]),
        })?;

        // Authorisation first: a caller learns nothing about values it may not write.
        if caller.role == Role::Viewer {
            let target = items
                .first()
                .map_or_else(|| "status".to_owned(), |(p, i)| requested(p, i));
            self.permit_on(actor, Action::Record(&Scope::Asean), &fw.code, &target)
                .await?;
        }
        for (prefix, item) in &items {
            let scope = item
                .get("scope")
                .and_then(Value::as_str)
                .and_then(|s| s.parse::<Scope>().ok());
            if let Some(scope) = scope {
                self.permit_on(
                    actor,
                    Action::Record(&scope),
                    &fw.code,
                    &requested(prefix, item),
                )
                .await
                .map_err(|e| match e {
                    ServiceError::Forbidden(_) => {
                        ServiceError::Forbidden(forbidden_message(caller, &scope, prefix))
                    }
                    other => other,
                })?;
            }
        }

        // A measure retired from the tree keeps its history but takes no new report.
        let tree = self.tree_snapshot(&fw, revision.tree).await?;
        let retired = &tree.retired;
        if !retired.is_empty() {
            let issues: Vec<crate::domain::FieldIssue> = items
                .iter()
                .filter_map(|(prefix, item)| {
                    let code = item.get("measure").and_then(Value::as_str)?;
                    let at = retired.get(code)?;
                    Some(crate::domain::FieldIssue::invalid(
                        format!("{prefix}measure"),
                        format!(
                            "`{code}` was retired from `{}` on {}: its history stays readable, but it takes no new report",
                            fw.code,
                            at.date_naive()
                        ),
                    ))
                })
                .collect();
            if !issues.is_empty() {
                return Err(ServiceError::Invalid(issues));
            }
        }
        let by_code: HashMap<&str, &Node> =
            tree.nodes.iter().map(|n| (n.code.as_str(), n)).collect();
        let known_states = &tree.states;
        let participations = &tree.participations;
        let ctx = RecordContext {
            framework: &fw,
            nodes: &by_code,
            known_states,
            participations,
            today: today(),
        };
        let mut issues = Vec::new();
        let mut valid = Vec::with_capacity(items.len());
        for (prefix, item) in &items {
            match validate_report(item, prefix, &ctx) {
                Ok(report) => valid.push(report),
                Err(mut found) => issues.append(&mut found),
            }
        }
        if !issues.is_empty() {
            return Err(if issues.iter().all(|i| i.kind != IssueKind::Invalid) {
                ServiceError::UnknownReferences(issues)
            } else {
                ServiceError::Invalid(issues)
            });
        }

        let recorded_at = now();
        let mut measure_codes = HashMap::new();
        let mut rows = Vec::with_capacity(valid.len());
        for report in valid {
            let Some(node) = by_code.get(report.measure.as_str()) else {
                continue; // validated above
            };
            measure_codes.insert(node.id, node.code.clone());
            rows.push(ReportRow {
                measure_id: node.id,
                report,
                recorded_at,
            });
        }
        let count = rows.len();
        let result = self
            .store
            .record_reports(
                &fw,
                &measure_codes,
                rows,
                RecordOptions {
                    recorded_by: Some((caller.id, caller.name.clone())),
                    override_lock,
                    validated: matches!(caller.role, Role::Admin | Role::Secretariat),
                    audit: Some(AuditEntry::by(actor, actions::STATUS_RECORD)),
                },
            )
            .await;
        let mut stored = match result {
            Err(crate::store::StoreError::Locked {
                lock_id,
                until,
                count: locked,
            }) => {
                // The target is what was refused (the lock is in the detail).
                let target = match items.as_slice() {
                    [(prefix, item)] => requested(prefix, item),
                    many => format!("{} reports", many.len()),
                };
                let entry = AuditEntry::by(actor, actions::STATUS_REFUSED_LOCKED)
                    .framework(fw.code.clone())
                    .target(target)
                    .detail(serde_json::json!({
                        "lock": {"id": lock_id, "until": until}, "count": count,
                        "in_locked_period": locked,
                    }));
                self.store.audit(&entry, now()).await?;
                return Err(ServiceError::Locked {
                    lock_id,
                    until,
                    count: locked,
                });
            }
            other => other?,
        };
        Ok(if bulk {
            Recorded::Many(stored)
        } else {
            match stored.pop() {
                Some(one) => Recorded::One(Box::new(one)),
                None => Recorded::Many(Vec::new()),
            }
        })
    }

    /// A measure's status in `ASEAN` and in every participant as of `as_of` (and as known at
    /// `known_at`, if given), on `basis`: on `validated`, only validated reports count, each
    /// known from its validation, as in the figures (`validated_facts`).
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownMeasure`, or the store fails.
    pub async fn measure_status(
        &self,
        framework: &str,
        measure: &str,
        as_of: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        basis: Basis,
    ) -> ServiceResult<MeasureStatus> {
        let fw = self.framework(framework).await?;
        let node = self.measure_node(&fw, measure).await?;
        let reports = self.store.measure_reports(&fw, &node).await?;
        let participations = self.store.participations(fw.id).await?;
        let scopes = std::iter::once(Scope::Asean)
            .chain(
                participants_as_of(&participations, as_of)
                    .into_iter()
                    .map(Scope::State),
            )
            .map(|scope| {
                let of_scope = reports.iter().filter(|r| r.scope == scope);
                let in_force = match basis {
                    Basis::Reported => engine::in_force(of_scope, as_of, known_at),
                    Basis::Validated => {
                        let validated: Vec<ByValidation<'_>> =
                            of_scope.filter_map(ByValidation::of).collect();
                        engine::in_force(&validated, as_of, known_at).map(|v| v.report)
                    }
                };
                ScopeStatus {
                    status: in_force.map_or(Status::NotStarted, |r| r.status),
                    progress: in_force.and_then(|r| r.progress),
                    effective_date: in_force.map(|r| r.effective_date),
                    report: in_force.cloned(),
                    scope,
                }
            })
            .collect();
        Ok(MeasureStatus {
            framework: fw.code,
            measure: node.code,
            title: node.title,
            as_of,
            known_at,
            basis,
            scopes,
        })
    }

    /// Every report of a measure, oldest first; optionally of one scope only.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownMeasure`, or the store fails.
    pub async fn measure_history(
        &self,
        framework: &str,
        measure: &str,
        scope: Option<&Scope>,
    ) -> ServiceResult<MeasureHistory> {
        let fw = self.framework(framework).await?;
        let node = self.measure_node(&fw, measure).await?;
        let mut reports = self.store.measure_reports(&fw, &node).await?;
        if let Some(Scope::State(code)) = scope {
            self.ensure_member_state(code).await?;
        }
        if let Some(scope) = scope {
            reports.retain(|r| &r.scope == scope);
        }
        Ok(MeasureHistory {
            framework: fw.code,
            measure: node.code,
            title: node.title,
            reports,
        })
    }

    /// Adds the illustrative demo scenario (see [`crate::demo`]) once; returns how many reports
    /// were stored (0 when it is there already).
    ///
    /// # Errors
    /// The store fails.
    pub async fn load_demo(&self) -> ServiceResult<usize> {
        let user = match self.store.user_by_name(demo::DEMO_USER).await? {
            Some(user) => {
                if self.store.count_reports_by(user.id).await? > 0 {
                    return Ok(0);
                }
                user
            }
            None => {
                self.store
                    .add_user(
                        NewUser {
                            name: demo::DEMO_USER,
                            role: Role::Secretariat,
                            state: None,
                            disabled: true,
                            token: None,
                            password_hash: None,
                            email: Some(demo::DEMO_SECRETARIAT_EMAIL),
                            audit: None,
                        },
                        now(),
                    )
                    .await?
            }
        };
        let mut stored = 0;
        for summary in self.store.frameworks().await? {
            let fw = summary.framework;
            if fw.code == demo::synthetic::SYNTHETIC_FRAMEWORK {
                continue; // benchmark data, not a plan to illustrate
            }
            let nodes = self.store.nodes(fw.id).await?;
            let measures: Vec<&str> = nodes
                .iter()
                .filter(|n| n.is_measure)
                .map(|n| n.code.as_str())
                .collect();
            let ids: HashMap<&str, i32> = nodes.iter().map(|n| (n.code.as_str(), n.id)).collect();
            let participants =
                participants_as_of(&self.store.participations(fw.id).await?, fw.start_date);
            let rows: Vec<ReportRow> = demo::scenario(
                &fw.code,
                fw.start_date,
                fw.end_date,
                &measures,
                &participants,
                now(),
            )
            .into_iter()
            .filter_map(|d| {
                ids.get(d.report.measure.as_str()).map(|id| ReportRow {
                    measure_id: *id,
                    report: d.report,
                    recorded_at: d.recorded_at,
                })
            })
            .collect();
            let codes: HashMap<i32, String> =
                nodes.iter().map(|n| (n.id, n.code.clone())).collect();
            // The Strategic Plan's latest national reports are the focal points' own, still
            // waiting for the Secretariat's validation; everything else is the Secretariat's.
            let (pending, validated): (Vec<ReportRow>, Vec<ReportRow>) =
                rows.into_iter().partition(|r| {
                    fw.code == demo::AWAITING_VALIDATION_FRAMEWORK
                        && r.report.scope != Scope::Asean
                        && r.report.effective_date >= demo::awaiting_validation_from()
                });
            stored += self
                .store
                .record_reports(
                    &fw,
                    &codes,
                    validated,
                    RecordOptions {
                        recorded_by: Some((user.id, user.name.clone())),
                        validated: true,
                        ..RecordOptions::default()
                    },
                )
                .await?
                .len();
            let mut by_state: std::collections::BTreeMap<StateCode, Vec<ReportRow>> =
                std::collections::BTreeMap::new();
            for row in pending {
                if let Scope::State(code) = &row.report.scope {
                    by_state.entry(code.clone()).or_default().push(row);
                }
            }
            for (state, rows) in by_state {
                let focal = self.demo_focal_point(&state).await?;
                stored += self
                    .store
                    .record_reports(
                        &fw,
                        &codes,
                        rows,
                        RecordOptions {
                            recorded_by: Some((focal.id, focal.name.clone())),
                            ..RecordOptions::default()
                        },
                    )
                    .await?
                    .len();
            }
        }
        Ok(stored)
    }

    /// The demo's (disabled) focal point of a member state, created on first use.
    pub(super) async fn demo_focal_point(&self, state: &StateCode) -> ServiceResult<User> {
        let name = demo::focal_point_name(state);
        if let Some(user) = self.store.user_by_name(&name).await? {
            return Ok(user);
        }
        Ok(self
            .store
            .add_user(
                NewUser {
                    name: &name,
                    role: Role::FocalPoint,
                    state: Some(state),
                    disabled: true,
                    token: None,
                    password_hash: None,
                    email: Some(&demo::focal_point_email(state)),
                    audit: None,
                },
                now(),
            )
            .await?)
    }
}

/// What `demo --synthetic` stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyntheticSummary {
    pub measures: usize,
    pub scopes: usize,
    pub reports: usize,
}

impl Tracker {
    /// Adds the synthetic benchmark framework (see [`demo::synthetic`]) with `measures`
    /// measures and `per_pair` reports per (measure, scope) pair, in transactions of about
    /// 50,000 reports. Once: if the framework already holds reports, nothing is added.
    ///
    /// # Errors
    /// The store fails.
    pub async fn load_synthetic(
        &self,
        measures: usize,
        per_pair: usize,
    ) -> ServiceResult<SyntheticSummary> {
        use crate::reference::ReferenceData;
        let shipped = ReferenceData::shipped()?;
        let bodies: Vec<String> = shipped
            .sectoral_bodies
            .iter()
            .map(|b| b.code.clone())
            .collect();
        let data = ReferenceData {
            frameworks: vec![demo::synthetic::framework(measures, &bodies)],
            milestones: Vec::new(),
            ..shipped
        };
        self.store.load_reference(&data, now()).await?;
        let fw = self.framework(demo::synthetic::SYNTHETIC_FRAMEWORK).await?;
        let nodes = self.store.nodes(fw.id).await?;
        let measure_nodes: Vec<&Node> = nodes.iter().filter(|n| n.is_measure).collect();
        let scopes: Vec<Scope> = std::iter::once(Scope::Asean)
            .chain(
                participants_as_of(&self.store.participations(fw.id).await?, fw.start_date)
                    .into_iter()
                    .map(Scope::State),
            )
            .collect();
        let mut summary = SyntheticSummary {
            measures: measure_nodes.len(),
            scopes: scopes.len(),
            reports: 0,
        };
        if self.store.count_framework_reports(fw.id).await? > 0 {
            return Ok(summary);
        }
        let cutoff = demo::DEMO_CUTOFF.parse().unwrap_or(fw.start_date);
        let mut batch = Vec::new();
        for (i, node) in measure_nodes.iter().enumerate() {
            for scope in &scopes {
                batch.extend(
                    demo::synthetic::pair_reports(&node.code, scope, per_pair, cutoff)
                        .into_iter()
                        .map(|d| ReportRow {
                            measure_id: node.id,
                            report: d.report,
                            recorded_at: d.recorded_at,
                        }),
                );
            }
            if batch.len() >= 50_000 || i + 1 == measure_nodes.len() {
                summary.reports += self
                    .store
                    .append_reports(&fw, std::mem::take(&mut batch), None)
                    .await?;
            }
        }
        Ok(summary)
    }
}

/// A validated report as the `validated` basis counts it: known from its validation (the
/// figures read the same from `validated_facts`), never returned.
struct ByValidation<'a> {
    report: &'a StatusReport,
    validated_at: DateTime<Utc>,
}

impl<'a> ByValidation<'a> {
    fn of(report: &'a StatusReport) -> Option<Self> {
        (report.validation.state == ValidationState::Validated).then_some(())?;
        Some(Self {
            report,
            validated_at: report.validation.at?,
        })
    }
}

impl engine::Dated for ByValidation<'_> {
    fn effective_date(&self) -> NaiveDate {
        self.report.effective_date
    }
    fn recorded_at(&self) -> DateTime<Utc> {
        self.validated_at
    }
    fn sequence(&self) -> i64 {
        self.report.id
    }
}

/// What one report of a request asks for, in words, for the audit trail of a refusal:
/// `measure 1.1.2 in THA` (`reports[3]: …` in a bulk).
fn requested(prefix: &str, item: &Value) -> String {
    let text = |name: &str| item.get(name).and_then(Value::as_str).unwrap_or("?");
    let what = format!("measure {} in {}", text("measure"), text("scope"));
    if prefix.is_empty() {
        what
    } else {
        format!("{}: {what}", prefix.trim_end_matches('.'))
    }
}

fn forbidden_message(caller: &User, scope: &Scope, prefix: &str) -> String {
    let at = if prefix.is_empty() {
        String::new()
    } else {
        format!(" ({})", prefix.trim_end_matches('.'))
    };
    match (caller.role, &caller.state) {
        (Role::FocalPoint, Some(own)) => format!(
            "`{}` is the focal point of {own} and cannot record status for {scope}{at}",
            caller.name
        ),
        (Role::Viewer, _) => format!(
            "`{}` is a viewer account: viewers cannot record status",
            caller.name
        ),
        _ => format!("`{}` cannot record status for {scope}{at}", caller.name),
    }
}
