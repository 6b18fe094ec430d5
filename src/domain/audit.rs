//! The audit trail's vocabulary: who acts (an [`Actor`]: an account and the address it came
//! from), and what each write leaves behind (an [`AuditEntry`], stored append-only in the same
//! transaction as the write it describes).

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::model::User;

/// An account acting, and the address its request came from (`cli` for the terminal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user: User,
    pub address: Option<String>,
}

impl Actor {
    pub fn new(user: User, address: Option<String>) -> Self {
        Self { user, address }
    }
}

/// The kinds of audited writes (the `action` of an audit record).
pub mod actions {
    pub const STATUS_RECORD: &str = "status.record";
    pub const STATUS_RECORD_OVERRIDE: &str = "status.record_override";
    /// A focal point's correction of a returned report inside a locked period.
    pub const STATUS_CORRECTION_AFTER_RETURN: &str = "status.correction_after_return";
    pub const REPORT_VALIDATE: &str = "report.validate";
    pub const REPORT_RETURN: &str = "report.return";
    pub const USER_CREATE: &str = "user.create";
    pub const USER_DISABLE: &str = "user.disable";
    pub const USER_ENABLE: &str = "user.enable";
    pub const USER_PASSWORD: &str = "user.password";
    pub const USER_TOTP: &str = "user.totp";
    /// An account's e-mail address set or removed.
    pub const USER_EMAIL: &str = "user.email";
    pub const TOKEN_CREATE: &str = "token.create";
    pub const TOKEN_REVOKE: &str = "token.revoke";
    pub const LOCK_CREATE: &str = "lock.create";
    pub const LOCK_RELEASE: &str = "lock.release";
    pub const SESSION_LOGIN: &str = "session.login";
    pub const SESSION_LOGIN_FAILED: &str = "session.login_failed";
    pub const SESSION_LOGOUT: &str = "session.logout";
    pub const IMPORT: &str = "import";
    /// A signed-in account was refused an action (403).
    pub const ACCESS_DENIED: &str = "access.denied";
    /// Reports refused because they fall inside a locked period (409).
    pub const STATUS_REFUSED_LOCKED: &str = "status.refused_locked";
    /// An indicator of the Results Framework defined.
    pub const INDICATOR_CREATE: &str = "indicator.create";
    /// A baseline and target set (a revision appended) for an indicator in one scope.
    pub const INDICATOR_TARGET: &str = "indicator.target";
    /// Indicator observations recorded (one record per request).
    pub const OBSERVATION_RECORD: &str = "observation.record";
    /// Observations recorded by an admin inside a locked period.
    pub const OBSERVATION_RECORD_OVERRIDE: &str = "observation.record_override";
    pub const OBSERVATION_VALIDATE: &str = "observation.validate";
    pub const OBSERVATION_RETURN: &str = "observation.return";
    /// A reporting round created (one record per round, also per round of a plan).
    pub const ROUND_CREATE: &str = "round.create";
    /// A member state's round submitted.
    pub const ROUND_SUBMIT: &str = "round.submit";
    /// A round's submission accepted by the Secretariat.
    pub const ROUND_ACCEPT: &str = "round.accept";
    /// A round's submission returned by the Secretariat, with a reason.
    pub const ROUND_RETURN: &str = "round.return";
    /// A notification delivered to the SMTP server.
    pub const NOTIFICATION_SENT: &str = "notification.sent";
    /// A notification's delivery attempt failed (tried again later, or given up).
    pub const NOTIFICATION_FAILED: &str = "notification.failed";

    /// A published figure (claim) recorded.
    pub const CLAIM_ADD: &str = "claim.add";
    /// A review edition frozen.
    pub const EDITION_CREATE: &str = "edition.create";

    /// Every action, for filters and documentation.
    pub const ALL: [&str; 35] = [
        STATUS_RECORD,
        STATUS_RECORD_OVERRIDE,
        STATUS_CORRECTION_AFTER_RETURN,
        REPORT_VALIDATE,
        REPORT_RETURN,
        USER_CREATE,
        USER_DISABLE,
        USER_ENABLE,
        USER_PASSWORD,
        USER_TOTP,
        USER_EMAIL,
        TOKEN_CREATE,
        TOKEN_REVOKE,
        LOCK_CREATE,
        LOCK_RELEASE,
        SESSION_LOGIN,
        SESSION_LOGIN_FAILED,
        SESSION_LOGOUT,
        IMPORT,
        ACCESS_DENIED,
        STATUS_REFUSED_LOCKED,
        INDICATOR_CREATE,
        INDICATOR_TARGET,
        OBSERVATION_RECORD,
        OBSERVATION_RECORD_OVERRIDE,
        OBSERVATION_VALIDATE,
        OBSERVATION_RETURN,
        ROUND_CREATE,
        ROUND_SUBMIT,
        ROUND_ACCEPT,
        ROUND_RETURN,
        NOTIFICATION_SENT,
        NOTIFICATION_FAILED,
        CLAIM_ADD,
        EDITION_CREATE,
    ];
}

/// One audit record about to be written.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub actor_id: Option<i32>,
    pub actor_name: Option<String>,
    pub actor_role: Option<String>,
    pub address: Option<String>,
    pub action: &'static str,
    pub framework: Option<String>,
    pub target: Option<String>,
    /// What changed, as a JSON object.
    pub detail: Value,
}

impl AuditEntry {
    /// A record of `action` by `actor`.
    pub fn by(actor: &Actor, action: &'static str) -> Self {
        Self {
            actor_id: Some(actor.user.id),
            actor_name: Some(actor.user.name.clone()),
            actor_role: Some(actor.user.role.as_str().to_owned()),
            address: actor.address.clone(),
            action,
            framework: None,
            target: None,
            detail: Value::Object(serde_json::Map::new()),
        }
    }

    #[must_use]
    pub fn framework(mut self, code: impl Into<String>) -> Self {
        self.framework = Some(code.into());
        self
    }

    #[must_use]
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    #[must_use]
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

/// A stored audit record, as listed.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuditEvent {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub actor_role: Option<String>,
    pub address: Option<String>,
    pub action: String,
    pub framework: Option<String>,
    pub target: Option<String>,
    pub detail: Value,
}

/// Filters of the audit trail; every one optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub framework: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// Only records with an id below this (paging back from the newest).
    pub before: Option<i64>,
    pub limit: u64,
}
