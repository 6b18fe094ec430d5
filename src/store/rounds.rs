//! Reporting rounds and their submissions' log: append-only, every write audited in its own
//! transaction. The rules of what may follow what are the domain's
//! ([`crate::domain::transition_problem`]), checked here inside the write's transaction so two
//! concurrent submissions cannot both pass.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use entity::{round_submissions, rounds};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

use super::governance::write_audit;
use super::{Store, StoreError, StoreResult};
use crate::domain::{
    AuditEntry, Round, StateCode, Submission, SubmissionAction, transition_problem,
};

/// A round about to be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRound {
    pub code: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
}

fn round_from(m: rounds::Model, framework: &str, names: &HashMap<i32, String>) -> Round {
    Round {
        id: m.id,
        framework: framework.to_owned(),
        code: m.code,
        period_start: m.period_start,
        period_end: m.period_end,
        opens_on: m.opens_on,
        due_on: m.due_on,
        created_by: m.created_by.and_then(|id| names.get(&id).cloned()),
        created_at: m.created_at,
    }
}

fn submission_from(
    m: round_submissions::Model,
    round: &str,
    names: &HashMap<i32, String>,
) -> StoreResult<Submission> {
    let corrupt = |message: String| StoreError::corrupt("round_submissions", message);
    Ok(Submission {
        id: i64::from(m.id),
        round: round.to_owned(),
        scope: m.scope.parse::<StateCode>().map_err(|e| corrupt(e.0))?,
        action: m
            .action
            .parse::<SubmissionAction>()
            .map_err(|e| corrupt(e.0))?,
        reason: m.reason,
        by: m.by.and_then(|id| names.get(&id).cloned()),
        at: m.at,
    })
}

/// The codes of a framework's rounds, read inside `tx`.
async fn round_codes(tx: &impl ConnectionTrait, framework_id: i32) -> StoreResult<Vec<String>> {
    Ok(rounds::Entity::find()
        .filter(rounds::Column::FrameworkId.eq(framework_id))
        .all(tx)
        .await?
        .into_iter()
        .map(|m| m.code)
        .collect())
}

/// Locks a row for the rest of `tx` with a no-op update, so that the writes that check then
/// append (a round's log, a framework's round codes) run one at a time on PostgreSQL too
/// (SQLite's immediate transactions serialise every write already).
async fn lock_row<E: EntityTrait>(
    tx: &impl ConnectionTrait,
    id_column: E::Column,
    id: i32,
) -> StoreResult<()> {
    use sea_orm::sea_query::Expr;
    E::update_many()
        .col_expr(id_column, Expr::col(id_column))
        .filter(id_column.eq(id))
        .exec(tx)
        .await?;
    Ok(())
}

/// Inserts a round inside `tx`.
async fn insert_round(
    tx: &impl ConnectionTrait,
    framework_id: i32,
    round: &NewRound,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> StoreResult<rounds::Model> {
    Ok(rounds::ActiveModel {
        framework_id: Set(framework_id),
        code: Set(round.code.clone()),
        period_start: Set(round.period_start),
        period_end: Set(round.period_end),
        opens_on: Set(round.opens_on),
        due_on: Set(round.due_on),
        created_by: Set(by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(tx)
    .await?)
}

/// One entry of a round's log about to be appended.
struct NewEntry<'a> {
    round_id: i32,
    framework_id: i32,
    scope: &'a StateCode,
    action: SubmissionAction,
    reason: Option<&'a str>,
    by: Option<i32>,
    at: DateTime<Utc>,
}

/// Appends an entry to a round's log inside `tx`.
async fn insert_entry(
    tx: &impl ConnectionTrait,
    e: NewEntry<'_>,
) -> StoreResult<round_submissions::Model> {
    Ok(round_submissions::ActiveModel {
        round_id: Set(e.round_id),
        framework_id: Set(e.framework_id),
        scope: Set(e.scope.as_str().to_owned()),
        action: Set(e.action.as_str().to_owned()),
        reason: Set(e.reason.map(str::to_owned)),
        by: Set(e.by),
        at: Set(e.at),
        ..Default::default()
    }
    .insert(tx)
    .await?)
}

impl Store {
    /// A framework's rounds, by period end then code.
    ///
    /// # Errors
    /// The database fails.
    pub async fn rounds(&self, framework_id: i32, framework: &str) -> StoreResult<Vec<Round>> {
        let names = self.names().await?;
        Ok(rounds::Entity::find()
            .filter(rounds::Column::FrameworkId.eq(framework_id))
            .order_by_asc(rounds::Column::PeriodEnd)
            .order_by_asc(rounds::Column::Code)
            .all(self.conn())
            .await?
            .into_iter()
            .map(|m| round_from(m, framework, &names))
            .collect())
    }

    /// Creates rounds (each audited with `audit`, its target and detail set per round) in one
    /// transaction. With `skip_existing`, a code the framework has already is left out (a
    /// plan run again creates nothing); without, it is a `Conflict` and nothing is stored.
    /// Returns the rounds created.
    ///
    /// # Errors
    /// `Conflict`; the database fails.
    #[expect(clippy::too_many_arguments, reason = "one plain value per column")]
    pub async fn create_rounds(
        &self,
        framework_id: i32,
        framework: &str,
        new: &[NewRound],
        skip_existing: bool,
        by: Option<i32>,
        audit: Option<&AuditEntry>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<Round>> {
        let tx = self.begin_write().await?;
        lock_row::<entity::frameworks::Entity>(&tx, entity::frameworks::Column::Id, framework_id)
            .await?;
        let existing = round_codes(&tx, framework_id).await?;
        let mut created = Vec::new();
        for round in new {
            if existing.contains(&round.code)
                || created.iter().any(|m: &rounds::Model| m.code == round.code)
            {
                if skip_existing {
                    continue;
                }
                return Err(StoreError::Conflict(format!(
                    "framework `{framework}` has a round `{}` already",
                    round.code
                )));
            }
            let m = insert_round(&tx, framework_id, round, by, now).await?;
            if let Some(audit) = audit {
                let entry =
                    audit
                        .clone()
                        .target(format!("round {}", m.code))
                        .detail(serde_json::json!({
                            "round": m.code, "period_start": m.period_start,
                            "period_end": m.period_end, "opens_on": m.opens_on, "due_on": m.due_on,
                        }));
                write_audit(&tx, &entry, now).await?;
            }
            created.push(m);
        }
        tx.commit().await?;
        let names = self.names().await?;
        Ok(created
            .into_iter()
            .map(|m| round_from(m, framework, &names))
            .collect())
    }

    /// The log of a framework's rounds, by round id, each in the order written.
    ///
    /// # Errors
    /// The database fails or holds a bad scope or action.
    pub async fn round_submissions(
        &self,
        framework_id: i32,
        rounds: &[Round],
    ) -> StoreResult<HashMap<i32, Vec<Submission>>> {
        let names = self.names().await?;
        let codes: HashMap<i32, &str> = rounds.iter().map(|r| (r.id, r.code.as_str())).collect();
        let mut out: HashMap<i32, Vec<Submission>> = HashMap::new();
        for m in round_submissions::Entity::find()
            .filter(round_submissions::Column::FrameworkId.eq(framework_id))
            .order_by_asc(round_submissions::Column::Id)
            .all(self.conn())
            .await?
        {
            let Some(code) = codes.get(&m.round_id) else {
                continue;
            };
            let round_id = m.round_id;
            out.entry(round_id)
                .or_default()
                .push(submission_from(m, code, &names)?);
        }
        Ok(out)
    }

    /// Appends `action` for `scope` to a round's log (audited), after checking in the same
    /// transaction that it may follow the state's latest action. The notice `notice` makes of
    /// the entry (its id known only now) is written to the outbox in the same transaction.
    ///
    /// # Errors
    /// `Conflict` when it may not; the database fails.
    #[expect(clippy::too_many_arguments, reason = "one plain value per column")]
    pub async fn append_submission(
        &self,
        framework_id: i32,
        round: &Round,
        scope: &StateCode,
        action: SubmissionAction,
        reason: Option<&str>,
        by: Option<i32>,
        audit: Option<AuditEntry>,
        notice: impl FnOnce(i64) -> Option<crate::domain::NoticeDraft>,
        at: DateTime<Utc>,
    ) -> StoreResult<Submission> {
        let tx = self.begin_write().await?;
        lock_row::<rounds::Entity>(&tx, rounds::Column::Id, round.id).await?;
        // The log's order is the order of its writes (ids), whatever the instants stamped.
        let latest = round_submissions::Entity::find()
            .filter(round_submissions::Column::RoundId.eq(round.id))
            .filter(round_submissions::Column::Scope.eq(scope.as_str()))
            .order_by_desc(round_submissions::Column::Id)
            .one(&tx)
            .await?
            .map(|m| {
                m.action
                    .parse::<SubmissionAction>()
                    .map_err(|e| StoreError::corrupt("round_submissions", e.0))
            })
            .transpose()?;
        if let Some(problem) = transition_problem(latest, action) {
            return Err(StoreError::Conflict(format!(
                "round `{}` of {scope}: {problem}",
                round.code
            )));
        }
        let m = insert_entry(
            &tx,
            NewEntry {
                round_id: round.id,
                framework_id,
                scope,
                action,
                reason,
                by,
                at,
            },
        )
        .await?;
        if let Some(audit) = audit {
            let entry = audit
                .target(format!("round {} {scope}", round.code))
                .detail(serde_json::json!({
                    "round": round.code, "scope": scope, "action": action.as_str(),
                    "reason": reason, "submission": m.id,
                }));
            write_audit(&tx, &entry, at).await?;
        }
        if let Some(draft) = notice(i64::from(m.id)) {
            super::notifications::enqueue(&tx, std::slice::from_ref(&draft), at).await?;
        }
        tx.commit().await?;
        let names = self.names().await?;
        submission_from(m, &round.code, &names)
    }
}

/// A demo round to load with its log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRoundLoad {
    pub round: NewRound,
    /// (scope, action, reason, at), in the order written.
    pub log: Vec<(StateCode, SubmissionAction, Option<String>, DateTime<Utc>)>,
}

impl Store {
    /// Loads the demo's rounds with their logs in one transaction, unaudited (illustrative
    /// data, like the demo's reports): a round whose code exists is left alone, so loading
    /// twice adds nothing. Returns how many rounds were added.
    ///
    /// # Errors
    /// The database fails.
    pub async fn load_demo_rounds(
        &self,
        framework_id: i32,
        rounds: &[DemoRoundLoad],
        by: Option<i32>,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let tx = self.begin_write().await?;
        let existing = round_codes(&tx, framework_id).await?;
        let mut added = 0;
        for load in rounds.iter().filter(|r| !existing.contains(&r.round.code)) {
            // Illustrative history: created two weeks before it opened (never in the future),
            // so a review report as known at an earlier instant shows the demo's rounds.
            let created = load
                .round
                .opens_on
                .checked_sub_days(chrono::Days::new(14))
                .map_or(now, |d| d.and_time(chrono::NaiveTime::MIN).and_utc())
                .min(now);
            let m = insert_round(&tx, framework_id, &load.round, by, created).await?;
            for (scope, action, reason, at) in &load.log {
                let entry = NewEntry {
                    round_id: m.id,
                    framework_id,
                    scope,
                    action: *action,
                    reason: reason.as_deref(),
                    by,
                    at: *at,
                };
                insert_entry(&tx, entry).await?;
            }
            added += 1;
        }
        tx.commit().await?;
        Ok(added)
    }
}
