//! Failed web logins (and attempts under way), kept in the database so that the login throttle
//! counts per account and per (address, account) pair across restarts, across servers on one
//! database and across attempts at once. The rule itself (how many, how long) is the service's.

use chrono::{DateTime, Utc};
use entity::login_failures;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::{Store, StoreResult};
use crate::domain::AuditEntry;

/// An account's failed logins (and attempts under way) since some instant: when each
/// happened, and from where.
#[derive(Debug, Clone, Default)]
pub struct LoginFailures {
    /// Oldest first.
    pub at: Vec<(DateTime<Utc>, Option<String>)>,
}

impl Store {
    /// Counts a login attempt at `account` (lower-cased name) before its password is checked,
    /// and returns its row's id with the account's other attempts after `since` (failed, or
    /// under way), oldest first. The row is committed before the others are read, so of many
    /// attempts at once the k-th written sees at least k − 1 others, on SQLite and PostgreSQL
    /// alike: a burst cannot get more attempts past the throttle than its limit.
    ///
    /// # Errors
    /// The database fails.
    pub async fn begin_login_attempt(
        &self,
        account: &str,
        address: Option<&str>,
        at: DateTime<Utc>,
        since: DateTime<Utc>,
    ) -> StoreResult<(i32, LoginFailures)> {
        use login_failures::Column as C;
        let id = login_failures::Entity::insert(login_failures::ActiveModel {
            id: NotSet,
            account: Set(account.to_owned()),
            address: Set(address.map(str::to_owned)),
            failed_at: Set(at),
        })
        .exec(self.conn())
        .await?
        .last_insert_id;
        let rows = login_failures::Entity::find()
            .filter(C::Account.eq(account))
            .filter(C::FailedAt.gt(since))
            .filter(C::Id.ne(id))
            .order_by_asc(C::FailedAt)
            .order_by_asc(C::Id)
            .all(self.conn())
            .await?;
        let failures = LoginFailures {
            at: rows.into_iter().map(|r| (r.failed_at, r.address)).collect(),
        };
        Ok((id, failures))
    }

    /// Forgets one login attempt (refused by the throttle before anything was checked).
    ///
    /// # Errors
    /// The database fails.
    pub async fn forget_login_attempt(&self, id: i32) -> StoreResult<()> {
        login_failures::Entity::delete_by_id(id)
            .exec(self.conn())
            .await?;
        Ok(())
    }

    /// Records that a login attempt (already counted) failed: its audit record, in one
    /// transaction with forgetting the failures of every account older than `forget_before`.
    ///
    /// # Errors
    /// The database fails; the attempt still counts as a failure then.
    pub async fn record_login_failure(
        &self,
        audit: &AuditEntry,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        login_failures::Entity::delete_many()
            .filter(login_failures::Column::FailedAt.lte(forget_before))
            .exec(&tx)
            .await?;
        super::governance::write_audit(&tx, audit, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the login attempts of `account` (after it logged in), from every address.
    ///
    /// # Errors
    /// The database fails.
    pub async fn clear_login_failures(&self, account: &str) -> StoreResult<()> {
        login_failures::Entity::delete_many()
            .filter(login_failures::Column::Account.eq(account))
            .exec(self.conn())
            .await?;
        Ok(())
    }
}
