//! Review cut-offs (locks), the Secretariat's validation of reports, and the audit trail.
//!
//! - A lock at date D on a framework refuses every report with an effective date on or before
//!   D (409), checked in the write's own transaction. An admin may record inside it with
//!   `override_lock=true`; such reports are marked and the request is audited as
//!   `status.record_override`. Only an admin unlocks. Several locks may hold at once; the one
//!   reaching furthest counts, and reports record the lock in force when they were recorded.
//! - A focal point's report is `reported` until a Secretariat (or admin) account validates it
//!   (stating that the evidence was checked) or returns it with a reason, once; a correction is
//!   a newer report. Reports recorded by the Secretariat or an admin are validated on entry.

use chrono::NaiveDate;
use serde::Serialize;

use super::accounts::entry;
use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::{
    Action, Actor, AuditEntry, AuditEvent, AuditFilter, FieldIssue, Lock, NoticeDraft, Scope,
    StatusReport, ValidationState, audit::actions, notice,
};
use crate::store::NewReview;

/// The most audit records one request lists.
pub const MAX_AUDIT_PAGE: u64 = 1_000;

/// What the Secretariat decides about a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewDecision {
    /// Validated, with the evidence checked.
    Validate {
        evidence_checked: bool,
        note: Option<String>,
    },
    /// Returned to the focal point, with the reason it will read.
    Return { reason: String },
}

/// The most reports one request decides.
pub const MAX_DECIDED_AT_ONCE: usize = 1_000;

/// Reports decided together: all validated, or all returned with one reason.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecidedReports {
    pub framework: String,
    /// `validated` or `returned`.
    pub decision: ValidationState,
    pub count: usize,
    /// The reports, oldest first, with their new validation.
    pub reports: Vec<StatusReport>,
}

/// A decision checked and ready to store: its state, reason, evidence and audit action.
struct Review<'a> {
    state: ValidationState,
    reason: Option<&'a str>,
    evidence_checked: bool,
    action: &'static str,
}

impl<'a> Review<'a> {
    /// # Errors
    /// `Invalid`: a validation without checked evidence, a return without a reason.
    fn of(decision: &'a ReviewDecision) -> ServiceResult<Self> {
        Ok(match decision {
            ReviewDecision::Validate {
                evidence_checked,
                note,
            } => {
                if !evidence_checked {
                    return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                        "evidence_checked",
                        "validate a report only once its evidence is checked: send `\"evidence_checked\": true`",
                    )]));
                }
                Review {
                    state: ValidationState::Validated,
                    reason: note.as_deref().map(str::trim).filter(|n| !n.is_empty()),
                    evidence_checked: true,
                    action: actions::REPORT_VALIDATE,
                }
            }
            ReviewDecision::Return { reason } => Review {
                state: ValidationState::Returned,
                reason: Some(return_reason(reason, "report")?),
                evidence_checked: false,
                action: actions::REPORT_RETURN,
            },
        })
    }

    fn for_report(&self, report_id: i64, actor: &Actor) -> NewReview<'a> {
        NewReview {
            report_id,
            state: self.state,
            reason: self.reason,
            evidence_checked: self.evidence_checked,
            reviewer: actor.user.id,
        }
    }

    fn audit(&self, actor: &Actor, framework: &str, report_id: i64, scope: &Scope) -> AuditEntry {
        entry(Some(actor), self.action)
            .framework(framework.to_owned())
            .target(format!("report {report_id}"))
            .detail(serde_json::json!({
                "report": report_id, "scope": scope, "decision": self.state.as_str(),
                "reason": self.reason, "evidence_checked": self.evidence_checked,
            }))
    }
}

/// A framework's reports in one validation state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewQueue {
    pub framework: String,
    pub state: ValidationState,
    pub scope: Option<Scope>,
    pub count: usize,
    pub reports: Vec<StatusReport>,
}

impl Tracker {
    /// The notices of a return to the focal points of each report's state (none for a
    /// validation, nor for a regional report).
    async fn return_notices(
        &self,
        fw: &crate::domain::Framework,
        review: &Review<'_>,
        report_ids: &[i64],
    ) -> ServiceResult<Vec<NoticeDraft>> {
        let (ValidationState::Returned, Some(reason)) = (review.state, review.reason) else {
            return Ok(Vec::new());
        };
        Ok(self
            .store
            .reports_by_ids(fw, report_ids)
            .await?
            .iter()
            .filter_map(|r| match &r.scope {
                Scope::State(state) => Some(notice::report_returned(
                    &fw.code,
                    r.id,
                    &r.measure,
                    state,
                    r.effective_date,
                    reason,
                )),
                Scope::Asean => None,
            })
            .collect())
    }

    /// Locks `framework` up to `until`.
    ///
    /// # Errors
    /// `Forbidden` unless admin or Secretariat; `UnknownFramework`; `Invalid` for a date
    /// outside the framework's period; the store fails.
    pub async fn lock(
        &self,
        actor: &Actor,
        framework: &str,
        until: NaiveDate,
        note: Option<&str>,
    ) -> ServiceResult<Lock> {
        self.permit(actor, Action::Lock).await?;
        let fw = self.framework(framework).await?;
        let mut issues = Vec::new();
        if !fw.covers(until) {
            issues.push(FieldIssue::invalid(
                "until",
                format!(
                    "{until} is outside the framework's period ({} to {})",
                    fw.start_date, fw.end_date
                ),
            ));
        }
        // The limit counts what was sent (as the OpenAPI description's maxLength does).
        if note.is_some_and(|n| n.chars().count() > 2_000) {
            issues.push(FieldIssue::invalid("note", "at most 2,000 characters"));
        }
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let audit = entry(Some(actor), actions::LOCK_CREATE).framework(fw.code.clone());
        Ok(self
            .store
            .create_lock(fw.id, &fw.code, until, note, actor.user.id, audit, now())
            .await?)
    }

    /// Releases a lock (admins only).
    ///
    /// # Errors
    /// `Forbidden`, `UnknownFramework`, `NotFound`, `Conflict` when released already; the
    /// store fails.
    pub async fn unlock(
        &self,
        actor: &Actor,
        framework: &str,
        lock_id: i64,
    ) -> ServiceResult<Lock> {
        self.permit(actor, Action::Unlock).await?;
        let fw = self.framework(framework).await?;
        let audit = entry(Some(actor), actions::LOCK_RELEASE).framework(fw.code.clone());
        Ok(self
            .store
            .release_lock(fw.id, &fw.code, lock_id, actor.user.id, audit, now())
            .await?)
    }

    /// A framework's locks, newest first.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn locks(&self, framework: &str) -> ServiceResult<Vec<Lock>> {
        let fw = self.framework(framework).await?;
        Ok(self.store.locks(fw.id, &fw.code).await?)
    }

    /// Validates or returns a report.
    ///
    /// # Errors
    /// `UnknownFramework`, `NotFound` for no such report, `Forbidden` unless admin or
    /// Secretariat, `Invalid` (validation without checked evidence, a return without a reason),
    /// `Conflict` when it was reviewed already; the store fails.
    pub async fn decide_report(
        &self,
        actor: &Actor,
        framework: &str,
        report_id: i64,
        decision: ReviewDecision,
    ) -> ServiceResult<StatusReport> {
        let fw = self.framework(framework).await?;
        let report = self
            .store
            .report_ref(fw.id, report_id)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!("framework `{}` has no report {report_id}", fw.code))
            })?;
        self.permit(actor, Action::Review(&report.scope)).await?;
        let review = Review::of(&decision)?;
        let audit = review.audit(actor, &fw.code, report_id, &report.scope);
        let notices = self.return_notices(&fw, &review, &[report_id]).await?;
        self.store
            .review_report(
                fw.id,
                review.for_report(report_id, actor),
                audit,
                &notices,
                now(),
            )
            .await?;
        self.store
            .reports_by_ids(&fw, &[report_id])
            .await?
            .pop()
            .ok_or_else(|| ServiceError::NotFound(format!("there is no report {report_id}")))
    }

    /// Validates or returns several reports with one decision, all or none, in one
    /// transaction; each decision is audited as [`Tracker::decide_report`] audits it.
    ///
    /// # Errors
    /// `UnknownFramework`; `Invalid` for no ids, more than [`MAX_DECIDED_AT_ONCE`], an id given
    /// twice, or a decision `decide_report` refuses; `Forbidden` unless admin or Secretariat;
    /// `NotFound` when one of the reports is not the framework's; `Conflict` when one was
    /// reviewed already; the store fails. Nothing is stored then.
    pub async fn decide_reports(
        &self,
        actor: &Actor,
        framework: &str,
        report_ids: &[i64],
        decision: ReviewDecision,
    ) -> ServiceResult<DecidedReports> {
        let fw = self.framework(framework).await?;
        let mut issues = Vec::new();
        if report_ids.is_empty() {
            issues.push(FieldIssue::invalid("ids", "name at least one report"));
        } else if report_ids.len() > MAX_DECIDED_AT_ONCE {
            issues.push(FieldIssue::invalid(
                "ids",
                format!("at most {MAX_DECIDED_AT_ONCE} reports at once"),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = report_ids.iter().find(|id| !seen.insert(**id)) {
            issues.push(FieldIssue::invalid(
                "ids",
                format!("report {twice} is named twice"),
            ));
        }
        let review = match Review::of(&decision) {
            Ok(review) => Some(review),
            Err(ServiceError::Invalid(more)) => {
                issues.extend(more);
                None
            }
            Err(other) => return Err(other),
        };
        let refs = self.store.report_refs(fw.id, report_ids).await?;
        // Authorisation before existence, so that a caller who may not review learns nothing
        // of which reports exist.
        let mut scopes: Vec<&Scope> = refs.values().map(|r| &r.scope).collect();
        scopes.sort();
        scopes.dedup();
        match scopes.first() {
            None => self.permit(actor, Action::Review(&Scope::Asean)).await?,
            Some(_) => {
                for scope in scopes {
                    self.permit(actor, Action::Review(scope)).await?;
                }
            }
        }
        let (Some(review), true) = (review, issues.is_empty()) else {
            return Err(ServiceError::Invalid(issues));
        };
        if let Some(missing) = report_ids.iter().find(|id| !refs.contains_key(id)) {
            return Err(ServiceError::NotFound(format!(
                "framework `{}` has no report {missing}; nothing was stored",
                fw.code
            )));
        }
        let mut decisions = Vec::with_capacity(report_ids.len());
        for (id, report) in report_ids
            .iter()
            .filter_map(|id| Some((*id, refs.get(id)?)))
        {
            let audit = review.audit(actor, &fw.code, id, &report.scope);
            decisions.push((review.for_report(id, actor), audit));
        }
        let notices = self.return_notices(&fw, &review, report_ids).await?;
        self.store
            .review_reports(fw.id, decisions, &notices, now())
            .await?;
        let reports = self.store.reports_by_ids(&fw, report_ids).await?;
        Ok(DecidedReports {
            framework: fw.code,
            decision: review.state,
            count: reports.len(),
            reports,
        })
    }

    /// A framework's reports in one validation state (`reported`: waiting for review),
    /// optionally of one scope, newest first.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`; the store fails.
    pub async fn review_queue(
        &self,
        framework: &str,
        state: ValidationState,
        scope: Option<Scope>,
        limit: u64,
    ) -> ServiceResult<ReviewQueue> {
        let fw = self.framework(framework).await?;
        if let Some(Scope::State(code)) = &scope {
            self.ensure_member_state(code).await?;
        }
        let ids = self
            .store
            .report_ids_in_state(fw.id, state, scope.as_ref(), limit.min(MAX_AUDIT_PAGE))
            .await?;
        let mut reports = self.store.reports_by_ids(&fw, &ids).await?;
        reports.reverse();
        Ok(ReviewQueue {
            framework: fw.code,
            state,
            scope,
            count: reports.len(),
            reports,
        })
    }

    /// Audit records, newest first (admins and the Secretariat; `None`: the terminal).
    ///
    /// # Errors
    /// `Forbidden`; the store fails.
    pub async fn audit_trail(
        &self,
        caller: Option<&Actor>,
        mut filter: AuditFilter,
    ) -> ServiceResult<Vec<AuditEvent>> {
        if let Some(caller) = caller {
            self.permit(caller, Action::ReadAudit).await?;
        }
        filter.limit = if filter.limit == 0 {
            100
        } else {
            filter.limit.min(MAX_AUDIT_PAGE)
        };
        Ok(self.store.audit_events(&filter).await?)
    }
}

/// The reason of a return, trimmed: 1 to 2,000 characters (the limit counts what was sent, as
/// the OpenAPI description's `maxLength` does).
///
/// # Errors
/// `Invalid` naming `reason`.
pub(super) fn return_reason<'a>(reason: &'a str, what: &str) -> ServiceResult<&'a str> {
    let too_long = reason.chars().count() > 2_000;
    let reason = reason.trim();
    if reason.is_empty() || too_long {
        return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
            "reason",
            format!(
                "say why the {what} is returned (1 to 2,000 characters): the focal point reads it"
            ),
        )]));
    }
    Ok(reason)
}
