//! Accounts and bearer tokens. A token is 32 random bytes shown once (`bt_` + hex); only its
//! SHA-256 is stored. SHA-256 rather than a slow password hash: the token has 256 bits of
//! entropy, so it cannot be guessed, and the lookup must stay cheap on every write.

use sha2::{Digest, Sha256};

use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::{Role, StateCode, User};
use crate::store::{NewToken, NewUser};

/// A new account: its name, role and (focal points only) member state.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub role: Role,
    pub state: Option<StateCode>,
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> ServiceResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Conflict(format!("no randomness available: {e}")))?;
    Ok(format!("bt_{}", hex::encode(bytes)))
}

impl Tracker {
    /// Creates an account with a first API token and returns the token (shown only now).
    ///
    /// # Errors
    /// `Invalid` for a focal point without a state or another role with one, `Conflict` for a
    /// taken name or unknown state, or the store fails.
    pub async fn add_account(&self, account: &NewAccount) -> ServiceResult<(User, String)> {
        let name = account.name.trim();
        let mut issues = Vec::new();
        if name.is_empty() || name.len() > 100 || name.chars().any(char::is_control) {
            issues.push(crate::domain::FieldIssue::invalid(
                "name",
                "a name of 1 to 100 printable characters",
            ));
        }
        match (account.role, &account.state) {
            (Role::FocalPoint, None) => issues.push(crate::domain::FieldIssue::invalid(
                "state",
                "a focal point is bound to one member state: give --state CODE",
            )),
            (Role::FocalPoint, Some(_)) | (_, None) => {}
            (role, Some(_)) => issues.push(crate::domain::FieldIssue::invalid(
                "state",
                format!("only focal points have a member state, not a {role}"),
            )),
        }
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let token = new_token()?;
        let hash = token_hash(&token);
        let user = self
            .store
            .add_user(
                NewUser {
                    name,
                    role: account.role,
                    state: account.state.as_ref(),
                    disabled: false,
                    token: Some(NewToken {
                        name: "default",
                        hash: &hash,
                        expires_at: None,
                    }),
                },
                now(),
            )
            .await?;
        Ok((user, token))
    }

    /// The account behind a bearer token.
    ///
    /// # Errors
    /// `InvalidToken` for an unknown, revoked or expired token or a disabled account; the store
    /// fails.
    pub async fn authenticate(&self, token: &str) -> ServiceResult<User> {
        let user = self
            .store
            .user_by_token_hash(&token_hash(token.trim()), now())
            .await?
            .ok_or(ServiceError::InvalidToken)?;
        if user.disabled {
            return Err(ServiceError::InvalidToken);
        }
        Ok(user)
    }
}
