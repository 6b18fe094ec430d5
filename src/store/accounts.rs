//! Accounts and API tokens. Tokens are stored only as their SHA-256 hash.

use chrono::{DateTime, Utc};
use entity::{api_tokens, member_states, sessions, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
    QueryOrder, sea_query::Expr,
};

use super::catalog::state_code;
use super::{Store, StoreError, StoreResult};
use crate::domain::{Account, AuditEntry, Role, StateCode, TokenInfo, User};

/// A new account, with its first API token (hash only).
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub role: Role,
    pub state: Option<&'a StateCode>,
    pub disabled: bool,
    pub token: Option<NewToken<'a>>,
    /// Argon2id PHC string, for web logins.
    pub password_hash: Option<&'a str>,
    /// Where notifications are mailed.
    pub email: Option<&'a str>,
    /// The audit record of the creation (none for the demo's own account).
    pub audit: Option<AuditEntry>,
}

#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub name: &'a str,
    pub hash: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

impl Store {
    async fn user_from(&self, m: users::Model) -> StoreResult<User> {
        let role = m
            .role
            .parse::<Role>()
            .map_err(|e| StoreError::corrupt("users", e.0))?;
        let state = match m.member_state_id {
            None => None,
            Some(id) => {
                let state = member_states::Entity::find_by_id(id)
                    .one(self.conn())
                    .await?
                    .ok_or_else(|| StoreError::corrupt("users", "unknown member state id"))?;
                Some(state_code("users", &state.code)?)
            }
        };
        Ok(User {
            id: m.id,
            name: m.name,
            role,
            state,
            disabled: m.disabled,
        })
    }

    /// The account with this name, if any.
    ///
    /// # Errors
    /// The database fails.
    pub async fn user_by_name(&self, name: &str) -> StoreResult<Option<User>> {
        match users::Entity::find()
            .filter(users::Column::Name.eq(name))
            .one(self.conn())
            .await?
        {
            Some(m) => Ok(Some(self.user_from(m).await?)),
            None => Ok(None),
        }
    }

    /// The account that holds a live token with this hash: not revoked, not expired at `now`.
    ///
    /// # Errors
    /// The database fails.
    pub async fn user_by_token_hash(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<User>> {
        // One query: the account whose live token has this hash.
        let live = sea_orm::sea_query::Query::select()
            .column(api_tokens::Column::UserId)
            .from(api_tokens::Entity)
            .and_where(api_tokens::Column::TokenHash.eq(hash))
            .and_where(api_tokens::Column::RevokedAt.is_null())
            .cond_where(
                Condition::any()
                    .add(api_tokens::Column::ExpiresAt.is_null())
                    .add(api_tokens::Column::ExpiresAt.gt(now)),
            )
            .to_owned();
        match users::Entity::find()
            .filter(users::Column::Id.in_subquery(live))
            .one(self.conn())
            .await?
        {
            Some(m) => Ok(Some(self.user_from(m).await?)),
            None => Ok(None),
        }
    }

    /// Creates an account (and its first token) in one transaction.
    ///
    /// # Errors
    /// `Conflict` if the name is taken or the state is unknown; the database fails.
    pub async fn add_user(&self, new: NewUser<'_>, now: DateTime<Utc>) -> StoreResult<User> {
        let tx = self.begin_write().await?;
        let taken = users::Entity::find()
            .filter(users::Column::Name.eq(new.name))
            .one(&tx)
            .await?
            .is_some();
        if taken {
            return Err(StoreError::Conflict(format!(
                "an account named `{}` exists already",
                new.name
            )));
        }
        let state_id = match new.state {
            None => None,
            Some(code) => Some(
                member_states::Entity::find()
                    .filter(member_states::Column::Code.eq(code.as_str()))
                    .one(&tx)
                    .await?
                    .ok_or_else(|| {
                        StoreError::Conflict(format!("`{code}` is not an ASEAN member state"))
                    })?
                    .id,
            ),
        };
        let user = users::ActiveModel {
            name: Set(new.name.to_owned()),
            role: Set(new.role.as_str().to_owned()),
            member_state_id: Set(state_id),
            password_hash: Set(new.password_hash.map(str::to_owned)),
            disabled: Set(new.disabled),
            totp_secret: Set(None),
            created_at: Set(now),
            email: Set(new.email.map(str::to_owned)),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        if let Some(token) = new.token {
            api_tokens::ActiveModel {
                user_id: Set(user.id),
                name: Set(token.name.to_owned()),
                token_hash: Set(token.hash.to_owned()),
                created_at: Set(now),
                expires_at: Set(token.expires_at),
                revoked_at: Set(None),
                ..Default::default()
            }
            .insert(&tx)
            .await?;
        }
        if let Some(audit) = new.audit {
            let audit = audit
                .target(format!("user {}", user.name))
                .detail(serde_json::json!({
                    "user": user.name,
                    "role": new.role.as_str(),
                    "state": new.state.map(StateCode::as_str),
                    "password": new.password_hash.is_some(),
                    "email": new.email,
                }));
            super::governance::write_audit(&tx, &audit, now).await?;
        }
        tx.commit().await?;
        Ok(User {
            id: user.id,
            name: user.name,
            role: new.role,
            state: new.state.cloned(),
            disabled: user.disabled,
        })
    }
}

/// What a login checks: the account, its password hash and its second factor's secret.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: Option<String>,
    pub totp_secret: Option<crate::domain::Secret>,
}

fn token_info(m: api_tokens::Model) -> TokenInfo {
    TokenInfo {
        id: i64::from(m.id),
        name: m.name,
        created_at: m.created_at,
        expires_at: m.expires_at,
        revoked_at: m.revoked_at,
    }
}

impl Store {
    /// The account with this id.
    ///
    /// # Errors
    /// The database fails.
    pub async fn user_by_id(&self, id: i32) -> StoreResult<Option<User>> {
        match users::Entity::find_by_id(id).one(self.conn()).await? {
            Some(m) => Ok(Some(self.user_from(m).await?)),
            None => Ok(None),
        }
    }

    /// What a login by this name checks.
    ///
    /// # Errors
    /// The database fails.
    pub async fn credentials(&self, name: &str) -> StoreResult<Option<Credentials>> {
        let Some(m) = users::Entity::find()
            .filter(users::Column::Name.eq(name))
            .one(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let password_hash = m.password_hash.clone();
        let totp_secret = m.totp_secret.clone().map(crate::domain::Secret::from);
        Ok(Some(Credentials {
            user: self.user_from(m).await?,
            password_hash,
            totp_secret,
        }))
    }

    /// Every account, by name.
    ///
    /// # Errors
    /// The database fails.
    pub async fn accounts(&self) -> StoreResult<Vec<Account>> {
        let rows = users::Entity::find()
            .order_by_asc(users::Column::Name)
            .all(self.conn())
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for m in rows {
            let (has_password, second_factor, created_at, email) = (
                m.password_hash.is_some(),
                m.totp_secret.is_some(),
                m.created_at,
                m.email.clone(),
            );
            out.push(Account {
                user: self.user_from(m).await?,
                has_password,
                second_factor,
                created_at,
                email,
            });
        }
        Ok(out)
    }

    /// Changes one account's row and audits it, in one transaction.
    async fn change_user(
        &self,
        id: i32,
        change: impl FnOnce(&mut users::ActiveModel),
        audit: &AuditEntry,
        now: DateTime<Utc>,
        end_sessions: bool,
    ) -> StoreResult<()> {
        let tx = self.begin_write().await?;
        let Some(m) = users::Entity::find_by_id(id).one(&tx).await? else {
            return Err(StoreError::NotFound(format!("there is no account {id}")));
        };
        let mut active: users::ActiveModel = m.into();
        change(&mut active);
        active.update(&tx).await?;
        if end_sessions {
            sessions::Entity::update_many()
                .col_expr(sessions::Column::EndedAt, Expr::value(now))
                .filter(sessions::Column::UserId.eq(id))
                .filter(sessions::Column::EndedAt.is_null())
                .exec(&tx)
                .await?;
        }
        super::governance::write_audit(&tx, audit, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets (or, with `None`, removes) an account's e-mail address. Audited.
    ///
    /// # Errors
    /// `NotFound`; the database fails.
    pub async fn set_email(
        &self,
        id: i32,
        email: Option<&str>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let email = email.map(str::to_owned);
        self.change_user(id, |u| u.email = Set(email), audit, now, false)
            .await
    }

    /// Disables (or enables) an account; disabling also ends its web sessions. Audited.
    ///
    /// # Errors
    /// `NotFound`; the database fails.
    pub async fn set_disabled(
        &self,
        id: i32,
        disabled: bool,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.change_user(id, |u| u.disabled = Set(disabled), audit, now, disabled)
            .await
    }

    /// Sets an account's password hash (Argon2id, PHC string) and ends its sessions. Audited.
    ///
    /// # Errors
    /// `NotFound`; the database fails.
    pub async fn set_password_hash(
        &self,
        id: i32,
        hash: &str,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let hash = hash.to_owned();
        self.change_user(id, |u| u.password_hash = Set(Some(hash)), audit, now, true)
            .await
    }

    /// Sets or clears an account's second-factor secret. Audited.
    ///
    /// # Errors
    /// `NotFound`; the database fails.
    pub async fn set_totp_secret(
        &self,
        id: i32,
        secret: Option<&crate::domain::Secret>,
        audit: &AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let secret = secret.map(|s| s.expose().to_owned());
        self.change_user(id, |u| u.totp_secret = Set(secret), audit, now, false)
            .await
    }

    /// Adds an API token (its hash) to an account. Audited.
    ///
    /// # Errors
    /// The database fails.
    pub async fn create_token(
        &self,
        user_id: i32,
        token: NewToken<'_>,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<TokenInfo> {
        let tx = self.begin_write().await?;
        let m = api_tokens::ActiveModel {
            user_id: Set(user_id),
            name: Set(token.name.to_owned()),
            token_hash: Set(token.hash.to_owned()),
            created_at: Set(now),
            expires_at: Set(token.expires_at),
            revoked_at: Set(None),
            ..Default::default()
        }
        .insert(&tx)
        .await?;
        let audit = audit.detail(serde_json::json!({
            "token": m.id, "name": m.name, "expires_at": m.expires_at,
        }));
        super::governance::write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        Ok(token_info(m))
    }

    /// An account's API tokens, oldest first.
    ///
    /// # Errors
    /// The database fails.
    pub async fn tokens_of(&self, user_id: i32) -> StoreResult<Vec<TokenInfo>> {
        Ok(api_tokens::Entity::find()
            .filter(api_tokens::Column::UserId.eq(user_id))
            .order_by_asc(api_tokens::Column::Id)
            .all(self.conn())
            .await?
            .into_iter()
            .map(token_info)
            .collect())
    }

    /// Revokes one of an account's tokens. Audited.
    ///
    /// # Errors
    /// `NotFound` when the account has no such token, `Conflict` when it is revoked already;
    /// the database fails.
    pub async fn revoke_token(
        &self,
        user_id: i32,
        token_id: i64,
        audit: AuditEntry,
        now: DateTime<Utc>,
    ) -> StoreResult<TokenInfo> {
        let tx = self.begin_write().await?;
        let found = match i32::try_from(token_id) {
            Ok(id) => {
                api_tokens::Entity::find_by_id(id)
                    .filter(api_tokens::Column::UserId.eq(user_id))
                    .one(&tx)
                    .await?
            }
            Err(_) => None,
        };
        let Some(m) = found else {
            return Err(StoreError::NotFound(format!(
                "the account has no token {token_id}"
            )));
        };
        if m.revoked_at.is_some() {
            return Err(StoreError::Conflict(format!(
                "token {token_id} was revoked already"
            )));
        }
        let mut active: api_tokens::ActiveModel = m.into();
        active.revoked_at = Set(Some(now));
        let m = active.update(&tx).await?;
        let audit = audit.detail(serde_json::json!({ "token": m.id, "name": m.name }));
        super::governance::write_audit(&tx, &audit, now).await?;
        tx.commit().await?;
        Ok(token_info(m))
    }
}
