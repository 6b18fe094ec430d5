//! Web logins: passwords (Argon2id), the optional second factor, sessions with idle and
//! absolute timeouts, and the guards against guessing and flooding.
//!
//! - A session is a random 256-bit cookie value; only its SHA-256 is stored. It ends at logout,
//!   after `session_idle` without a request, after `session_max` in all, or when its account is
//!   disabled or its password changed.
//! - Failed logins are counted per account name, and per (client address, account name) pair —
//!   never per address across accounts: behind a reverse proxy every user may share one
//!   address, and one client must not lock everyone out. After `login_failures` failures for an
//!   account, or `login_failures_per_address` for that account from one address, within
//!   `login_window`, further attempts at that account are refused (429 with `Retry-After`)
//!   until enough failures leave the window; other accounts, from the same address too, are
//!   not affected. The failures are kept in the database (`login_failures`), so a restart does
//!   not forget them and several servers on one database count together. An attempt counts
//!   from before its password is checked, so attempts sent at once cannot all pass a check
//!   made before any of them failed; it is forgotten when refused unchecked (hammering does
//!   not extend the refusal). A successful login forgets the account's failures, from every
//!   address. With the defaults (5 and 5) the account count decides; the pair count lets an
//!   operator raise the account's limit (`serve --login-failures`, making a targeted lock-out
//!   slower to provoke) while one address still gets only its own few tries
//!   (`--login-failures-per-address`). The client address is the peer's, or the one forwarded
//!   by a trusted proxy (`serve --trusted-proxy`).
//! - Writes are limited per account (`write_rate` per second, bursts of twice that); 0 turns
//!   the limit off (benchmarks).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::{AuditEntry, Role, Secret, User, audit::actions};
use crate::store::LoginFailures;

/// What an operator can tune (`serve` flags).
#[derive(Debug, Clone)]
pub struct Settings {
    /// Reads need a login or token too (`serve --private`).
    pub private: bool,
    pub session_idle: Duration,
    pub session_max: Duration,
    /// Failed logins allowed per account within `login_window` (`serve --login-failures`).
    pub login_failures: usize,
    /// Failed logins allowed per (address, account) pair within `login_window`
    /// (`serve --login-failures-per-address`).
    pub login_failures_per_address: usize,
    /// `serve --login-window-minutes`.
    pub login_window: Duration,
    /// Writes per second per account; 0: no limit.
    pub write_rate: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            private: false,
            session_idle: Duration::minutes(30),
            session_max: Duration::hours(12),
            login_failures: 5,
            login_failures_per_address: 5,
            login_window: Duration::minutes(15),
            write_rate: 200,
        }
    }
}

/// A write bucket: tokens left, and when it was last filled.
type Bucket = (f64, DateTime<Utc>);

/// In-memory guards: write buckets per account. (Failed logins are counted in the database.)
#[derive(Debug, Default, Clone)]
pub(super) struct Guards {
    buckets: Arc<Mutex<HashMap<i32, Bucket>>>,
}

/// A successful login: the account and the cookie value to set (shown to the browser only).
#[derive(Debug)]
pub struct Login {
    pub user: User,
    pub cookie: Secret,
}

/// The account behind a live session, and the session's anti-forgery token for its forms.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: User,
    pub session_id: i32,
    pub csrf: Secret,
}

pub(super) fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// The anti-forgery token of a session: derived from its cookie, so nothing more is stored,
/// and useless without it.
pub fn csrf_token(cookie: &Secret) -> Secret {
    Secret::new(sha256_hex(&format!("csrf:{}", cookie.expose())))
}

pub(super) fn random_hex(bytes: usize) -> ServiceResult<String> {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .map_err(|e| ServiceError::Internal(format!("no randomness available: {e}")))?;
    Ok(hex::encode(buffer))
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Hashes a password with Argon2id (the crate's defaults: 19 MiB, 2 passes), off the async
/// threads.
pub(super) async fn hash_password(password: &Secret) -> ServiceResult<String> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt)
            .map_err(|e| ServiceError::Internal(format!("no randomness available: {e}")))?;
        let salt = SaltString::encode_b64(&salt)
            .map_err(|e| ServiceError::Internal(format!("password salt: {e}")))?;
        argon2::Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ServiceError::Internal(format!("password hashing: {e}")))
    })
    .await
    .map_err(|e| ServiceError::Internal(format!("password hashing: {e}")))?
}

/// A hash of a random password, checked when the account does not exist, so that a login for
/// an unknown name takes as long as one with a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$2Fuw3vYjEAPO/R9J8H0yDqmmtbT3mKJBrSmDUWgxYbA";

async fn verify_password(password: &Secret, hash: Option<String>) -> bool {
    let password = password.clone();
    tokio::task::spawn_blocking(move || {
        let stored = hash.as_deref().unwrap_or(DECOY_HASH);
        let Ok(parsed) = PasswordHash::new(stored) else {
            return false;
        };
        let ok = argon2::Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok();
        ok && hash.is_some()
    })
    .await
    .unwrap_or(false)
}

impl Tracker {
    /// How long until a login for the account may be tried again, if it is throttled now:
    /// `failures` are the account's other attempts within the window (failed, or under way),
    /// oldest first.
    fn throttled(
        &self,
        failures: &LoginFailures,
        address: Option<&str>,
        at: DateTime<Utc>,
    ) -> Option<u64> {
        let window = self.settings.login_window;
        // Throttled until enough failures leave the window to go under `limit`.
        let wait = |times: Vec<DateTime<Utc>>, limit: usize| {
            let freeing = times.len().checked_sub(limit.max(1))?;
            let seconds = (times[freeing] + window - at).num_seconds().max(1);
            u64::try_from(seconds).ok()
        };
        let account = wait(
            failures.at.iter().map(|(t, _)| *t).collect(),
            self.settings.login_failures,
        );
        let pair = wait(
            failures
                .at
                .iter()
                .filter(|(_, from)| from.as_deref() == address)
                .map(|(t, _)| *t)
                .collect(),
            self.settings.login_failures_per_address,
        );
        account.max(pair)
    }

    /// Logs in with a name, a password and (when the account has one) a second-factor code;
    /// opens a session. Failed attempts are audited and counted.
    ///
    /// # Errors
    /// `TooManyAttempts` (before checking anything) when the account or the address failed too
    /// often lately; `LoginFailed` for any wrong part (which one is not said); the store fails.
    pub async fn login(
        &self,
        name: &str,
        password: &Secret,
        code: Option<&str>,
        address: Option<&str>,
    ) -> ServiceResult<Login> {
        let at = now();
        let name = name.trim();
        let account: String = name.to_lowercase().chars().take(100).collect();
        let window_start = at - self.settings.login_window;
        // The attempt counts as a failure from now until it succeeds: attempts sent at once
        // all count, instead of all passing a check made before any of them failed.
        let (attempt, failures) = self
            .store
            .begin_login_attempt(&account, address, at, window_start)
            .await?;
        if let Some(retry_after_secs) = self.throttled(&failures, address, at) {
            // Refused unchecked: not a failure (hammering does not extend the refusal).
            self.store.forget_login_attempt(attempt).await?;
            tracing::warn!(target: "authz", user = name, address, "login throttled");
            return Err(ServiceError::TooManyAttempts { retry_after_secs });
        }
        let credentials = self.store.credentials(name).await?;
        let (user, hash, totp) = match credentials {
            Some(c) => (Some(c.user), c.password_hash, c.totp_secret),
            None => (None, None, None),
        };
        let mut ok = verify_password(password, hash).await;
        if let Some(secret) = &totp {
            ok =
                ok && code.is_some_and(|c| super::totp::verify(secret.expose(), c, at.timestamp()));
        }
        let user = match user {
            Some(user) if ok && !user.disabled => user,
            _ => {
                tracing::warn!(target: "authz", user = name, address, "login failed");
                let entry = AuditEntry {
                    actor_id: None,
                    actor_name: Some(name.chars().take(100).collect()),
                    actor_role: None,
                    address: address.map(str::to_owned),
                    action: actions::SESSION_LOGIN_FAILED,
                    framework: None,
                    target: None,
                    detail: serde_json::json!({}),
                };
                self.store
                    .record_login_failure(&entry, at, window_start)
                    .await?;
                return Err(ServiceError::LoginFailed);
            }
        };
        self.store.clear_login_failures(&account).await?;
        let cookie = Secret::new(random_hex(32)?);
        let entry = AuditEntry {
            actor_id: Some(user.id),
            actor_name: Some(user.name.clone()),
            actor_role: Some(user.role.as_str().to_owned()),
            address: address.map(str::to_owned),
            action: actions::SESSION_LOGIN,
            framework: None,
            target: Some(format!("user {}", user.name)),
            detail: serde_json::json!({ "second_factor": totp.is_some() }),
        };
        self.store
            .create_session(
                user.id,
                &sha256_hex(cookie.expose()),
                address,
                at + self.settings.session_max,
                entry,
                at,
            )
            .await?;
        Ok(Login { user, cookie })
    }

    /// The account behind a session cookie, if the session is live; ends it when it has been
    /// idle too long, and marks it seen.
    ///
    /// # Errors
    /// The store fails.
    pub async fn session_user(&self, cookie: &Secret) -> ServiceResult<Option<SessionUser>> {
        let at = now();
        let Some(session) = self.store.session(&sha256_hex(cookie.expose()), at).await? else {
            return Ok(None);
        };
        if session.last_seen_at + self.settings.session_idle <= at {
            self.store.end_session(session.id, None, at).await?;
            return Ok(None);
        }
        let Some(user) = self.store.user_by_id(session.user_id).await? else {
            return Ok(None);
        };
        if user.disabled {
            return Ok(None);
        }
        // Mark it seen, but not on every request: a write per page would cost more than the
        // page. A quarter of the idle time (at most a minute) keeps the timeout accurate.
        let resolution = (self.settings.session_idle / 4).min(Duration::minutes(1));
        if session.last_seen_at + resolution <= at {
            self.store.touch_session(session.id, at).await?;
        }
        Ok(Some(SessionUser {
            user,
            session_id: session.id,
            csrf: csrf_token(cookie),
        }))
    }

    /// Ends a session (audited).
    ///
    /// # Errors
    /// The store fails.
    pub async fn logout(&self, session: &SessionUser, address: Option<&str>) -> ServiceResult<()> {
        let at = now();
        let entry = AuditEntry {
            actor_id: Some(session.user.id),
            actor_name: Some(session.user.name.clone()),
            actor_role: Some(session.user.role.as_str().to_owned()),
            address: address.map(str::to_owned),
            action: actions::SESSION_LOGOUT,
            framework: None,
            target: Some(format!("user {}", session.user.name)),
            detail: serde_json::json!({}),
        };
        Ok(self
            .store
            .end_session(session.session_id, Some(entry), at)
            .await?)
    }

    /// Admits one write by `user`, or says how long to wait (a token bucket per account).
    ///
    /// # Errors
    /// `TooManyWrites`.
    pub fn admit_write(&self, user: &User) -> ServiceResult<()> {
        let rate = f64::from(self.settings.write_rate);
        if rate <= 0.0 {
            return Ok(());
        }
        let at = now();
        let burst = rate * 2.0;
        let mut buckets = self
            .guards
            .buckets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (tokens, last) = buckets.entry(user.id).or_insert((burst, at));
        #[expect(clippy::cast_precision_loss, reason = "milliseconds fit in f64")]
        let elapsed = (at - *last).num_milliseconds().max(0) as f64 / 1000.0;
        *tokens = (*tokens + elapsed * rate).min(burst);
        *last = at;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            return Ok(());
        }
        Err(ServiceError::TooManyWrites {
            retry_after_secs: 1,
        })
    }
}

/// Whether a role may have a second factor.
pub fn second_factor_allowed(role: Role) -> bool {
    matches!(role, Role::Admin | Role::Secretariat)
}
