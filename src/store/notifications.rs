//! The outbox of notifications (`notifications`): rows written inside the transaction of the
//! event they announce ([`enqueue`]), or by the periodic scan; read by the sender and by an
//! account's page; updated by the sender after each attempt, with its audit record in the same
//! transaction.

use chrono::{DateTime, Utc};
use entity::{member_states, notifications, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::governance::write_audit;
use super::{Store, StoreError, StoreResult};
use crate::domain::{AuditEntry, Delivery, Notice, NoticeDraft, NoticeKind, Outgoing, Role};

/// Writes the notices inside `tx`: one row per enabled focal-point account of each notice's
/// state, pending when the account has an e-mail address (`no_address` otherwise). A row whose
/// dedupe key exists already is left alone. Returns how many rows were added.
pub(super) async fn enqueue(
    tx: &impl ConnectionTrait,
    drafts: &[NoticeDraft],
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let mut added = 0;
    for draft in drafts {
        let Some(state) = member_states::Entity::find()
            .filter(member_states::Column::Code.eq(draft.state.as_str()))
            .one(tx)
            .await?
        else {
            continue;
        };
        let recipients = users::Entity::find()
            .filter(users::Column::MemberStateId.eq(state.id))
            .filter(users::Column::Role.eq(Role::FocalPoint.as_str()))
            .filter(users::Column::Disabled.eq(false))
            .order_by_asc(users::Column::Id)
            .all(tx)
            .await?;
        for user in recipients {
            let email = user.email.filter(|e| !e.trim().is_empty());
            let delivery = if email.is_some() {
                Delivery::Pending
            } else {
                Delivery::NoAddress
            };
            let row = notifications::ActiveModel {
                user_id: Set(user.id),
                email: Set(email),
                kind: Set(draft.kind.as_str().to_owned()),
                subject: Set(draft.subject.clone()),
                body: Set(draft.body.clone()),
                link: Set(draft.link.clone()),
                dedupe_key: Set(format!("{}:user:{}", draft.key, user.id)),
                created_at: Set(now),
                state: Set(delivery.as_str().to_owned()),
                attempts: Set(0),
                next_attempt_at: Set(now),
                sent_at: Set(None),
                last_error: Set(None),
                ..Default::default()
            };
            let inserted = notifications::Entity::insert(row)
                .on_conflict_do_nothing_on([notifications::Column::DedupeKey])
                .exec(tx)
                .await?;
            if matches!(inserted, sea_orm::TryInsertResult::Inserted(_)) {
                added += 1;
            }
        }
    }
    Ok(added)
}

fn notice_from(m: notifications::Model) -> StoreResult<Notice> {
    let corrupt = |e: crate::domain::ParseError| StoreError::corrupt("notifications", e.0);
    Ok(Notice {
        id: i64::from(m.id),
        kind: m.kind.parse::<NoticeKind>().map_err(corrupt)?,
        subject: m.subject,
        text: m.body,
        link: m.link,
        created_at: m.created_at,
        delivery: m.state.parse::<Delivery>().map_err(corrupt)?,
        email: m.email,
        attempts: u32::try_from(m.attempts).unwrap_or(0),
        sent_at: m.sent_at,
    })
}

/// What the sender learnt from one attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    Sent,
    /// Failed; tried again from `retry_at`, or given up (`None`).
    Failed {
        error: String,
        retry_at: Option<DateTime<Utc>>,
    },
}

impl Store {
    /// Writes notices (the periodic scan's) in a transaction of their own; returns how many
    /// rows were added (none for a notice written before).
    ///
    /// # Errors
    /// The database fails.
    pub async fn enqueue_notices(
        &self,
        drafts: &[NoticeDraft],
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        if drafts.is_empty() {
            return Ok(0);
        }
        let tx = self.begin_write().await?;
        let added = enqueue(&tx, drafts, now).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// An account's notices, newest first.
    ///
    /// # Errors
    /// The database fails or holds a bad kind or state.
    pub async fn notices_for(&self, user_id: i32, limit: u64) -> StoreResult<Vec<Notice>> {
        notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(user_id))
            .order_by_desc(notifications::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?
            .into_iter()
            .map(notice_from)
            .collect()
    }

    /// The pending messages with an address whose next attempt is due at `now`, oldest first.
    ///
    /// # Errors
    /// The database fails or holds a bad kind.
    pub async fn due_notifications(
        &self,
        now: DateTime<Utc>,
        limit: u64,
    ) -> StoreResult<Vec<Outgoing>> {
        let names = self.names().await?;
        let rows = notifications::Entity::find()
            .filter(notifications::Column::State.eq(Delivery::Pending.as_str()))
            .filter(notifications::Column::Email.is_not_null())
            .filter(notifications::Column::NextAttemptAt.lte(now))
            .order_by_asc(notifications::Column::Id)
            .limit(limit)
            .all(self.conn())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            let Some(email) = m.email else { continue };
            out.push(Outgoing {
                id: i64::from(m.id),
                account: names.get(&m.user_id).cloned().unwrap_or_default(),
                email,
                kind: m
                    .kind
                    .parse::<NoticeKind>()
                    .map_err(|e| StoreError::corrupt("notifications", e.0))?,
                subject: m.subject,
                body: m.body,
                link: m.link,
                attempts: u32::try_from(m.attempts).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// Records one delivery attempt of a message and its audit record, in one transaction.
    ///
    /// # Errors
    /// `NotFound`; the database fails.
    pub async fn record_attempt(
        &self,
        id: i64,
        attempt: &Attempt,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let missing = || StoreError::NotFound(format!("there is no notification {id}"));
        let key = i32::try_from(id).map_err(|_| missing())?;
        let tx = self.begin_write().await?;
        let m = notifications::Entity::find_by_id(key)
            .one(&tx)
            .await?
            .ok_or_else(missing)?;
        let attempts = m.attempts.saturating_add(1);
        let mut row: notifications::ActiveModel = m.into();
        row.attempts = Set(attempts);
        match attempt {
            Attempt::Sent => {
                row.state = Set(Delivery::Sent.as_str().to_owned());
                row.sent_at = Set(Some(now));
                row.last_error = Set(None);
            }
            Attempt::Failed { error, retry_at } => {
                row.last_error = Set(Some(error.clone()));
                match retry_at {
                    Some(at) => row.next_attempt_at = Set(*at),
                    None => row.state = Set(Delivery::Failed.as_str().to_owned()),
                }
            }
        }
        row.update(&tx).await?;
        write_audit(&tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }
}
