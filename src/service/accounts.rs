//! Accounts, passwords, second factors and API tokens.
//!
//! A token is 32 random bytes shown once (`bt_` + hex); only its SHA-256 is stored. SHA-256
//! rather than a slow password hash: the token has 256 bits of entropy, so it cannot be
//! guessed, and the lookup must stay cheap on every write. Passwords (for web logins) are
//! hashed with Argon2id.
//!
//! Every change is audited. `actor` is the account acting through the API; `None` means the
//! operator at the server's terminal (the CLI), recorded as `terminal` from `local`.

use chrono::{DateTime, Utc};

use super::sessions::{MIN_PASSWORD_CHARS, hash_password, second_factor_allowed, sha256_hex};
use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::{
    Account, Action, Actor, AuditEntry, FieldIssue, Role, Secret, StateCode, TokenInfo, User,
    audit::actions, email_problem,
};
use crate::store::{NewToken, NewUser};

/// A new account: its name, role, (focal points only) member state, and optional password.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub role: Role,
    pub state: Option<StateCode>,
    pub password: Option<Secret>,
    /// Where notifications are mailed.
    pub email: Option<String>,
}

impl NewAccount {
    pub fn new(name: impl Into<String>, role: Role, state: Option<StateCode>) -> Self {
        Self {
            name: name.into(),
            role,
            state,
            password: None,
            email: None,
        }
    }
}

/// A new API token: its name and optional expiry.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub name: String,
    pub expires_at: Option<DateTime<Utc>>,
}

fn token_hash(token: &str) -> String {
    sha256_hex(token)
}

fn new_token() -> ServiceResult<Secret> {
    Ok(Secret::new(format!(
        "bt_{}",
        super::sessions::random_hex(32)?
    )))
}

/// The audit record of `action` by `actor`, or by the operator at the terminal.
pub(super) fn entry(actor: Option<&Actor>, action: &'static str) -> AuditEntry {
    match actor {
        Some(actor) => AuditEntry::by(actor, action),
        None => AuditEntry {
            actor_id: None,
            actor_name: Some("terminal".to_owned()),
            actor_role: None,
            address: Some("local".to_owned()),
            action,
            framework: None,
            target: None,
            detail: serde_json::json!({}),
        },
    }
}

fn check_password(password: &Secret, issues: &mut Vec<FieldIssue>) {
    let chars = password.expose().chars().count();
    if !(MIN_PASSWORD_CHARS..=1024).contains(&chars) {
        issues.push(FieldIssue::invalid(
            "password",
            format!("a password of {MIN_PASSWORD_CHARS} to 1024 characters"),
        ));
    }
}

/// A name as sent: the limit counts its characters before the surrounding spaces are trimmed
/// (as the OpenAPI description's maxLength does).
fn check_name(name: &str, field: &str, issues: &mut Vec<FieldIssue>) {
    if name.trim().is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        issues.push(FieldIssue::invalid(
            field,
            "a name of 1 to 100 printable characters",
        ));
    }
}

/// Every problem with a new account's fields, all at once. `None` for a field that could not
/// be read at all (its problem is reported by whoever read it).
pub fn account_issues(
    name: Option<&str>,
    role: Option<Role>,
    state: Option<&StateCode>,
    password: Option<&Secret>,
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if let Some(name) = name {
        check_name(name, "name", &mut issues);
    }
    match (role, state) {
        (Some(Role::FocalPoint), None) => issues.push(FieldIssue::invalid(
            "state",
            "a focal point is bound to one member state: give its code (e.g. VNM)",
        )),
        (Some(Role::FocalPoint) | None, _) | (_, None) => {}
        (Some(role), Some(_)) => issues.push(FieldIssue::invalid(
            "state",
            format!("only focal points have a member state, not a {role}"),
        )),
    }
    if let Some(password) = password {
        check_password(password, &mut issues);
    }
    issues
}

/// Every problem with a new API token's fields, all at once (`name` as for
/// [`account_issues`]).
pub fn token_issues(
    name: Option<&str>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if let Some(name) = name {
        check_name(name, "name", &mut issues);
    }
    if expires_at.is_some_and(|e| e <= now) {
        issues.push(FieldIssue::invalid(
            "expires_at",
            "the expiry must be in the future",
        ));
    }
    issues
}

impl Tracker {
    /// Checks that an API actor may do `action` (the terminal may do everything).
    async fn allow(&self, actor: Option<&Actor>, action: Action<'_>) -> ServiceResult<()> {
        match actor {
            Some(actor) => self.permit(actor, action).await,
            None => Ok(()),
        }
    }

    /// The account `name` whose tokens, password or second factor `actor` asks to manage:
    /// permission is checked before the name is looked up, so that an account that may not
    /// manage others cannot learn which names exist.
    ///
    /// # Errors
    /// `Forbidden` (audited), `NotFound`; the store fails.
    pub async fn owned_account(&self, actor: Option<&Actor>, name: &str) -> ServiceResult<User> {
        if let Some(actor) = actor
            && actor.user.role != Role::Admin
            && actor.user.name != name.trim()
        {
            // No account has id -1: the policy refuses (and the refusal is audited).
            self.allow(Some(actor), Action::ManageTokens { owner: -1 })
                .await?;
        }
        let user = self.account(name).await?;
        self.allow(actor, Action::ManageTokens { owner: user.id })
            .await?;
        Ok(user)
    }

    /// The account with this name.
    ///
    /// # Errors
    /// `NotFound`; the store fails.
    pub async fn account(&self, name: &str) -> ServiceResult<User> {
        self.store
            .user_by_name(name.trim())
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no account `{}`", name.trim())))
    }

    /// Creates an account with a first API token and returns the token (shown only now).
    ///
    /// # Errors
    /// `Forbidden` unless an admin (or the terminal); `Invalid` for a focal point without a
    /// state, another role with one, or a short password; `Conflict` for a taken name or
    /// unknown state; the store fails.
    pub async fn create_account(
        &self,
        actor: Option<&Actor>,
        account: &NewAccount,
    ) -> ServiceResult<(User, Secret)> {
        self.allow(actor, Action::ManageAccounts).await?;
        let name = account.name.trim();
        let mut issues = account_issues(
            Some(name),
            Some(account.role),
            account.state.as_ref(),
            account.password.as_ref(),
        );
        let email = account.email.as_deref().map(str::trim);
        if let Some(problem) = email.and_then(email_problem) {
            issues.push(FieldIssue::invalid("email", problem));
        }
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        if let Some(state) = &account.state {
            self.ensure_member_state(state).await?;
        }
        let password_hash = match &account.password {
            Some(p) => Some(hash_password(p).await?),
            None => None,
        };
        let token = new_token()?;
        let hash = token_hash(token.expose());
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
                    password_hash: password_hash.as_deref(),
                    email,
                    audit: Some(entry(actor, actions::USER_CREATE)),
                },
                now(),
            )
            .await?;
        Ok((user, token))
    }

    /// Creates an account as the operator at the terminal (what `user add` does).
    ///
    /// # Errors
    /// As [`Tracker::create_account`].
    pub async fn add_account(&self, account: &NewAccount) -> ServiceResult<(User, String)> {
        let (user, token) = self.create_account(None, account).await?;
        Ok((user, token.expose().to_owned()))
    }

    /// Sets an account's e-mail address (`None`: removes it), where its notifications are
    /// mailed (an admin, the account itself, or the terminal). Audited as `user.email`.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Invalid` for an address that is not one; the store fails.
    pub async fn set_email(
        &self,
        actor: Option<&Actor>,
        name: &str,
        email: Option<&str>,
    ) -> ServiceResult<User> {
        let user = self.owned_account(actor, name).await?;
        let email = email.map(str::trim).filter(|e| !e.is_empty());
        if let Some(problem) = email.and_then(email_problem) {
            return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                "email", problem,
            )]));
        }
        let audit = entry(actor, actions::USER_EMAIL)
            .target(format!("user {}", user.name))
            .detail(serde_json::json!({ "user": user.name, "email": email }));
        self.store.set_email(user.id, email, &audit, now()).await?;
        Ok(user)
    }

    /// Every account (admins only).
    ///
    /// # Errors
    /// `Forbidden`; the store fails.
    pub async fn accounts(&self, actor: Option<&Actor>) -> ServiceResult<Vec<Account>> {
        self.allow(actor, Action::ManageAccounts).await?;
        Ok(self.store.accounts().await?)
    }

    /// Disables (or enables again) an account: its tokens stop working and its sessions end.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Conflict` for an admin disabling itself; the store fails.
    pub async fn set_account_disabled(
        &self,
        actor: Option<&Actor>,
        name: &str,
        disabled: bool,
    ) -> ServiceResult<User> {
        self.allow(actor, Action::ManageAccounts).await?;
        let user = self.account(name).await?;
        if disabled && actor.is_some_and(|a| a.user.id == user.id) {
            return Err(ServiceError::Conflict(
                "an admin cannot disable its own account".to_owned(),
            ));
        }
        let action = if disabled {
            actions::USER_DISABLE
        } else {
            actions::USER_ENABLE
        };
        let audit = entry(actor, action)
            .target(format!("user {}", user.name))
            .detail(serde_json::json!({ "user": user.name, "disabled": disabled }));
        self.store
            .set_disabled(user.id, disabled, &audit, now())
            .await?;
        Ok(User { disabled, ..user })
    }

    /// Sets an account's password (an admin, the account itself, or the terminal); its web
    /// sessions end.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Invalid` for a short password; the store fails.
    pub async fn set_password(
        &self,
        actor: Option<&Actor>,
        name: &str,
        password: &Secret,
    ) -> ServiceResult<()> {
        let user = self.owned_account(actor, name).await?;
        let mut issues = Vec::new();
        check_password(password, &mut issues);
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let hash = hash_password(password).await?;
        let audit = entry(actor, actions::USER_PASSWORD)
            .target(format!("user {}", user.name))
            .detail(serde_json::json!({ "user": user.name }));
        Ok(self
            .store
            .set_password_hash(user.id, &hash, &audit, now())
            .await?)
    }

    /// Turns the second factor on (returning the new secret, shown once) or off, for an admin
    /// or Secretariat account (by itself, an admin, or the terminal).
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Invalid` for another role; the store fails.
    pub async fn set_second_factor(
        &self,
        actor: Option<&Actor>,
        name: &str,
        enable: bool,
    ) -> ServiceResult<Option<Secret>> {
        let user = self.owned_account(actor, name).await?;
        if enable && !second_factor_allowed(user.role) {
            return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                "user",
                format!(
                    "the second factor is for admin and secretariat accounts; `{}` is a {}",
                    user.name, user.role
                ),
            )]));
        }
        let secret = if enable {
            let mut bytes = [0u8; 20];
            getrandom::fill(&mut bytes)
                .map_err(|e| ServiceError::Internal(format!("no randomness available: {e}")))?;
            Some(Secret::new(super::totp::base32_encode(&bytes)))
        } else {
            None
        };
        let audit = entry(actor, actions::USER_TOTP)
            .target(format!("user {}", user.name))
            .detail(serde_json::json!({ "user": user.name, "enabled": enable }));
        self.store
            .set_totp_secret(user.id, secret.as_ref(), &audit, now())
            .await?;
        Ok(secret)
    }

    /// Creates an API token for `owner` (by itself, an admin, or the terminal); the token is
    /// returned once.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Invalid` for a bad name or an expiry in the past; the store
    /// fails.
    pub async fn create_token(
        &self,
        actor: Option<&Actor>,
        owner: &str,
        token: &NewApiToken,
    ) -> ServiceResult<(TokenInfo, Secret)> {
        let user = self.owned_account(actor, owner).await?;
        let name = token.name.trim();
        let at = now();
        let issues = token_issues(Some(name), token.expires_at, at);
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let secret = new_token()?;
        let hash = token_hash(secret.expose());
        let audit = entry(actor, actions::TOKEN_CREATE).target(format!("user {}", user.name));
        let info = self
            .store
            .create_token(
                user.id,
                NewToken {
                    name,
                    hash: &hash,
                    expires_at: token.expires_at,
                },
                audit,
                at,
            )
            .await?;
        Ok((info, secret))
    }

    /// An account's tokens (never the tokens themselves).
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`; the store fails.
    pub async fn tokens(
        &self,
        actor: Option<&Actor>,
        owner: &str,
    ) -> ServiceResult<Vec<TokenInfo>> {
        let user = self.owned_account(actor, owner).await?;
        Ok(self.store.tokens_of(user.id).await?)
    }

    /// Revokes one of an account's tokens.
    ///
    /// # Errors
    /// `Forbidden`, `NotFound`, `Conflict` when revoked already; the store fails.
    pub async fn revoke_token(
        &self,
        actor: Option<&Actor>,
        owner: &str,
        token_id: i64,
    ) -> ServiceResult<TokenInfo> {
        let user = self.owned_account(actor, owner).await?;
        let audit = entry(actor, actions::TOKEN_REVOKE).target(format!("user {}", user.name));
        Ok(self
            .store
            .revoke_token(user.id, token_id, audit, now())
            .await?)
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
