//! The bodies of the API's answers that wrap what the service returns (lists with their
//! counts, an account with its new token…). The handlers send these types, and the OpenAPI
//! description is derived from the same types, so the two cannot drift apart.

use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::{
    Account, AuditEvent, FrameworkSummary, Lock, MemberState, StatusReport, TokenInfo, User,
};
use crate::service::MeasureView;

/// `{"status":"ok"}` once the database answers.
#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(value_type = String, pattern = "^ok$")]
    pub status: &'static str,
}

/// `{"status":"ready"}` while the store takes writes.
#[derive(Serialize, ToSchema)]
pub struct Ready {
    #[schema(value_type = String, pattern = "^ready$")]
    pub status: &'static str,
}

/// The frameworks, in code order.
#[derive(Serialize, ToSchema)]
pub struct FrameworkList {
    pub frameworks: Vec<FrameworkSummary>,
}

/// A framework's measures matching the filters.
#[derive(Serialize, ToSchema)]
pub struct MeasureList {
    pub framework: String,
    pub count: usize,
    pub measures: Vec<MeasureView>,
}

/// The member states.
#[derive(Serialize, ToSchema)]
pub struct MemberStateList {
    pub member_states: Vec<MemberState>,
}

/// The reports of a bulk, as stored.
#[derive(Serialize, ToSchema)]
pub struct RecordedReports {
    pub count: usize,
    pub reports: Vec<StatusReport>,
}

/// What was stored: the report (one report sent), or `{count, reports}` (a bulk sent).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum Stored {
    One(Box<StatusReport>),
    Many(RecordedReports),
}

/// One account.
#[derive(Serialize, ToSchema)]
pub struct UserReply {
    pub user: User,
}

/// The accounts an admin sees.
#[derive(Serialize, ToSchema)]
pub struct AccountList {
    pub count: usize,
    pub users: Vec<Account>,
}

/// A new account with its first API token, shown only here.
#[derive(Serialize, ToSchema)]
pub struct CreatedAccount {
    pub user: User,
    /// An API token (`bt_` + 64 hex characters), shown only in this answer: keep it; only its
    /// hash is stored.
    #[schema(pattern = "^bt_[0-9a-f]{64}$")]
    pub token: String,
}

/// A new second factor: web logins of the account now ask for a TOTP code.
#[derive(Serialize, ToSchema)]
pub struct SecondFactor {
    /// The account's name, as given in the path.
    pub user: String,
    /// The TOTP secret (RFC 4648 base32), shown once.
    #[schema(pattern = "^[A-Z2-7]+$")]
    pub secret: String,
    /// The `otpauth://totp/…` URI for an authenticator app (SHA1, 6 digits, 30 s), shown once.
    #[schema(format = "uri")]
    pub otpauth_uri: String,
}

/// An account's API tokens (never the tokens themselves).
#[derive(Serialize, ToSchema)]
pub struct TokenList {
    pub user: String,
    pub tokens: Vec<TokenInfo>,
}

/// A new API token, shown only here.
#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    /// The token (`bt_` + 64 hex characters); only its hash is stored.
    #[schema(pattern = "^bt_[0-9a-f]{64}$")]
    pub token: String,
    pub info: TokenInfo,
}

/// A revoked token.
#[derive(Serialize, ToSchema)]
pub struct RevokedToken {
    pub info: TokenInfo,
}

/// A framework's locks, the released ones too.
#[derive(Serialize, ToSchema)]
pub struct LockList {
    pub framework: String,
    pub locks: Vec<Lock>,
}

/// A page of the audit trail, newest first.
#[derive(Serialize, ToSchema)]
pub struct AuditList {
    pub count: usize,
    pub events: Vec<AuditEvent>,
    /// Pass as `before` for the next page; null when this page is the last.
    pub next_before: Option<i64>,
}

/// The observations of a bulk, as stored.
#[derive(Serialize, ToSchema)]
pub struct RecordedObservations {
    pub count: usize,
    pub observations: Vec<crate::domain::Observation>,
}

/// What was stored: the observation (one sent), or `{count, observations}` (a bulk sent).
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub enum StoredObservations {
    One(Box<crate::domain::Observation>),
    Many(RecordedObservations),
}
