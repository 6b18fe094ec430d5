//! Failed web logins, kept in the database so that the login throttle counts per account and
//! per (address, account) pair across restarts and across servers on one database. The rule
//! itself (how many, how long) is the service's.

use chrono::{DateTime, Utc};
use entity::login_failures;
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
};

use super::{Store, StoreResult};
use crate::domain::AuditEntry;

/// An account's failed logins since some instant: when each happened, and from where.
#[derive(Debug, Clone, Default)]
pub struct LoginFailures {
    /// Oldest first.
    pub at: Vec<(DateTime<Utc>, Option<String>)>,
}

impl Store {
    /// The failed logins of `account` (lower-cased name) after `since`, oldest first.
    ///
    /// # Errors
    /// The database fails.
    pub async fn login_failures(
        &self,
        account: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<LoginFailures> {
        use login_failures::Column as C;
        let rows = login_failures::Entity::find()
            .filter(C::Account.eq(account))
            .filter(C::FailedAt.gt(since))
            .order_by_asc(C::FailedAt)
            .all(self.conn())
            .await?;
        Ok(LoginFailures {
            at: rows.into_iter().map(|r| (r.failed_at, r.address)).collect(),
        })
    }

    /// Records a failed login and its audit record in one transaction, and forgets the
    /// failures of every account older than `forget_before`.
    ///
    /// # Errors
    /// The database fails; nothing is recorded then.
    pub async fn record_login_failure(
        &self,
        account: &str,
        address: Option<&str>,
        audit: &AuditEntry,
        at: DateTime<Utc>,
        forget_before: DateTime<Utc>,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        login_failures::Entity::delete_many()
            .filter(login_failures::Column::FailedAt.lte(forget_before))
            .exec(&tx)
            .await?;
        login_failures::Entity::insert(login_failures::ActiveModel {
            id: NotSet,
            account: Set(account.to_owned()),
            address: Set(address.map(str::to_owned)),
            failed_at: Set(at),
        })
        .exec_without_returning(&tx)
        .await?;
        super::governance::write_audit(&tx, audit, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets the failed logins of `account` (after it logged in).
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
