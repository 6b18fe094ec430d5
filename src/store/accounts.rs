//! Accounts and API tokens. Tokens are stored only as their SHA-256 hash.

use chrono::{DateTime, Utc};
use entity::{api_tokens, member_states, users};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, QueryFilter,
};

use super::catalog::state_code;
use super::{Store, StoreError, StoreResult};
use crate::domain::{Role, StateCode, User};

/// A new account, with its first API token (hash only).
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub role: Role,
    pub state: Option<&'a StateCode>,
    pub disabled: bool,
    pub token: Option<NewToken<'a>>,
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
        let token = api_tokens::Entity::find()
            .filter(api_tokens::Column::TokenHash.eq(hash))
            .filter(api_tokens::Column::RevokedAt.is_null())
            .filter(
                Condition::any()
                    .add(api_tokens::Column::ExpiresAt.is_null())
                    .add(api_tokens::Column::ExpiresAt.gt(now)),
            )
            .one(self.conn())
            .await?;
        let Some(token) = token else {
            return Ok(None);
        };
        match users::Entity::find_by_id(token.user_id)
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
            password_hash: Set(None),
            disabled: Set(new.disabled),
            created_at: Set(now),
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
