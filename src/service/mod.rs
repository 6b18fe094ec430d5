//! Use cases: what the HTTP API and the CLI can ask of the tracker. Each function loads what it
//! needs from the store, applies the domain's rules and the engine, and writes through the store
//! in one transaction. The clock is read here (never in the engine).

mod accounts;
mod annexes;
pub mod backup;
mod catalog;
mod claims;
mod demo_indicators;
mod editions;
mod figures;
mod governance;
mod indicator_cache;
mod indicators;
mod notifications;
mod pages;
mod review;
mod rounds;
mod sessions;
mod status;
pub mod totp;
mod transfer;

use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};

use crate::domain::{FieldIssue, User};
use crate::reference::{ReferenceData, ReferenceError};
use crate::store::{LoadSummary, Store, StoreError};

pub use accounts::{NewAccount, NewApiToken, account_issues, token_issues};
pub use catalog::{
    FrameworkTree, MeasureFilter, MeasureView, ParticipantView, Participants, TreeNode,
};
pub use claims::ClaimRequest;
pub use demo_indicators::DemoIndicatorSummary;
pub use editions::{EditionRequest, EditionSince, Headline, HeadlineChange};
pub use figures::{
    CompareView, FigureQuery, MAX_TIMELINE_POINTS, ProgressView, Span, TimelineView,
};
pub use governance::{DecidedReports, MAX_DECIDED_AT_ONCE, ReviewDecision, ReviewQueue};
pub use indicators::{
    FrameworkIndicatorFigures, IndicatorDefinition, IndicatorDetail, IndicatorFigures,
    IndicatorList, IndicatorRollupView, ObservationDecision, ObservationQueue,
};
pub use notifications::{
    DUE_SOON_DAYS, DeliveryOutcome, DeliveryPolicy, MAX_NOTICES, Mailer, OVERDUE_WINDOW_DAYS,
};
pub use pages::{
    ActivityCount, BodyFramework, BodyPage, DESK_PAGE, Dashboard, DeskFilter, DeskRow,
    FocalFramework, FocalHome, FocalRound, FrameworkPanel, GoalLine, GridRow, GridView, HOME_LIST,
    IndicatorBoard, IndicatorChart, IndicatorCounts, IndicatorLine, IndicatorPage, LaggingMeasure,
    LevelComparison, LevelRow, MeasurePage, NodeRef, ObservationGrid, ObservationRow, ReviewDesk,
    StatePage, TreeRow, TreeView,
};
pub use rounds::{
    AwaitingSubmission, DEFAULT_DUE_DAYS, DEFAULT_OPEN_DAYS, MAX_PLAN_DAYS, MatrixColumn,
    PlanOutcome, PlanRequest, RoundDetail, RoundEvery, RoundLine, RoundList, RoundMatrix,
    RoundRequest, SubmissionLog, standing_label,
};
pub use sessions::{Login, SessionUser, Settings};
pub use status::{MeasureHistory, MeasureStatus, Recorded, ScopeStatus, SyntheticSummary};
pub use transfer::{
    ExportFile, ExportQuery, ExportWhat, FrameworkMetadata, ImportFile, ImportOptions,
    ImportProgress, ImportSummary, IndicatorExportQuery, IndicatorExportWhat,
    IndicatorImportSummary, LockInForce, MAX_LISTED_PROBLEMS, ObservationImportSummary,
    ObservationLayout, Quiet, TemplateOptions,
};

/// What can go wrong in a use case; mapped once to HTTP problems or CLI messages.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("there is no framework `{0}`")]
    UnknownFramework(String),
    #[error("framework `{framework}` has no node `{code}`")]
    UnknownNode { framework: String, code: String },
    #[error("framework `{framework}` has no strategic measure `{code}`")]
    UnknownMeasure { framework: String, code: String },
    #[error("there is no sectoral body `{0}`")]
    UnknownBody(String),
    #[error("`{0}` is not an ASEAN member state")]
    UnknownState(String),
    #[error("some references in the request are unknown")]
    UnknownReferences(Vec<FieldIssue>),
    #[error("the request has invalid values")]
    Invalid(Vec<FieldIssue>),
    #[error("query parameter `{field}`: {message}")]
    InvalidQuery { field: String, message: String },
    #[error("a bulk may hold at most {max} reports; this one holds {count}")]
    TooManyReports { count: usize, max: usize },
    #[error("this request needs `Authorization: Bearer <token>`")]
    Unauthenticated,
    #[error("the token is unknown, revoked or expired, or its account is disabled")]
    InvalidToken,
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    NotFound(String),
    #[error(
        "the framework is locked up to {until} (lock {lock_id}): {count} report(s) take effect on or before that date; nothing was stored. Only an admin may record in a locked period, with `override_lock=true`"
    )]
    Locked {
        lock_id: i64,
        until: NaiveDate,
        count: usize,
    },
    #[error("wrong account name, password or second-factor code")]
    LoginFailed,
    #[error("too many failed attempts; try again in {retry_after_secs} s")]
    TooManyAttempts { retry_after_secs: u64 },
    #[error("too many writes from this account; try again in {retry_after_secs} s")]
    TooManyWrites { retry_after_secs: u64 },
    /// The database cannot store or answer now; nothing was acknowledged, and trying again
    /// later may succeed.
    #[error("{0}")]
    StoreUnavailable(String),
    #[error("internal failure: {0}")]
    Internal(String),
    #[error("rendering the report failed: {0}")]
    Render(String),
    #[error("reference data: {0}")]
    Reference(#[from] ReferenceError),
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ServiceError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict(message) => ServiceError::Conflict(message),
            StoreError::NotFound(message) => ServiceError::NotFound(message),
            StoreError::Locked {
                lock_id,
                until,
                count,
            } => ServiceError::Locked {
                lock_id,
                until,
                count,
            },
            other if other.is_unavailable() => ServiceError::StoreUnavailable(other.to_string()),
            other => ServiceError::Store(other),
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// The tracker: every use case hangs off it. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Tracker {
    store: Store,
    figures: figures::FigureCache,
    settings: std::sync::Arc<Settings>,
    guards: sessions::Guards,
    trees: status::TreeCache,
    indicator_cache: indicator_cache::IndicatorCache,
    /// The issuer (and logo) printed on the reports the service renders: its configuration
    /// (`serve --org-name --logo`).
    front: std::sync::Arc<crate::report::Front>,
}

/// How long the readiness check's test write may take.
pub const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// How long a failed write of reports keeps the tracker "not ready" unless a write succeeds.
pub const READY_FAILURE_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);

/// The easternmost ASEAN time zone (UTC+9: eastern Indonesia and Timor-Leste). "Today" is taken
/// there, so a focal point anywhere in the region can record a status effective on their own
/// today; a date after that is in the future everywhere in ASEAN.
const EASTERNMOST_OFFSET_SECONDS: i32 = 9 * 3600;

/// The current instant, at the precision every backend keeps (microseconds), so what is
/// answered after a write is exactly what a later read returns.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today's date in the easternmost ASEAN time zone.
pub fn today() -> NaiveDate {
    FixedOffset::east_opt(EASTERNMOST_OFFSET_SECONDS).map_or_else(
        || Utc::now().date_naive(),
        |tz| Utc::now().with_timezone(&tz).date_naive(),
    )
}

impl Tracker {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            figures: figures::FigureCache::default(),
            settings: std::sync::Arc::new(Settings::default()),
            guards: sessions::Guards::default(),
            trees: status::TreeCache::default(),
            indicator_cache: indicator_cache::IndicatorCache::default(),
            front: std::sync::Arc::default(),
        }
    }

    /// The same tracker printing `front`'s issuer and logo on the reports it renders (the
    /// API's report, review editions frozen from now on).
    #[must_use]
    pub fn with_front(mut self, front: crate::report::Front) -> Self {
        self.front = std::sync::Arc::new(front);
        self
    }

    /// The issuer and logo configured for the service's reports.
    pub fn front(&self) -> &crate::report::Front {
        &self.front
    }

    /// The same tracker with these settings (private reads, session timeouts, limits).
    #[must_use]
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = std::sync::Arc::new(settings);
        self
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// As [`Tracker::authorize`] for an account acting; a refusal (403) is also written to the
    /// audit trail as `access.denied`, with the action and the scope asked for.
    ///
    /// # Errors
    /// `Forbidden`; the store fails.
    pub async fn permit(
        &self,
        actor: &crate::domain::Actor,
        action: crate::domain::Action<'_>,
    ) -> ServiceResult<()> {
        self.permit_audited(actor, action, None).await
    }

    /// As [`Tracker::permit`] for a request on `framework` about `target` (what was asked
    /// for, in words: `measure 1.1.2 in THA`, `round R1 of THA`): a refusal's audit record
    /// names both, so that the trail says what was refused, not only that something was.
    ///
    /// # Errors
    /// `Forbidden`; the store fails.
    pub async fn permit_on(
        &self,
        actor: &crate::domain::Actor,
        action: crate::domain::Action<'_>,
        framework: &str,
        target: &str,
    ) -> ServiceResult<()> {
        self.permit_audited(actor, action, Some((framework, target)))
            .await
    }

    async fn permit_audited(
        &self,
        actor: &crate::domain::Actor,
        action: crate::domain::Action<'_>,
        on: Option<(&str, &str)>,
    ) -> ServiceResult<()> {
        let denied = match self.authorize(Some(&actor.user), action) {
            Err(ServiceError::Forbidden(message)) => message,
            other => return other,
        };
        let scope = action.scope().map(ToString::to_string);
        let mut entry =
            crate::domain::AuditEntry::by(actor, crate::domain::audit::actions::ACCESS_DENIED)
                .detail(serde_json::json!({
                    "action": action.name(), "scope": scope, "reason": denied,
                }));
        if let Some((framework, target)) = on {
            entry = entry.framework(framework).target(target);
        }
        self.store.audit(&entry, now()).await?;
        Err(ServiceError::Forbidden(denied))
    }

    /// Whether `caller` (`None`: anonymous) may do `action`, as [`crate::domain::decide`]
    /// says; every denial is logged (target `authz`) with who, what and why.
    ///
    /// # Errors
    /// `Unauthenticated` or `Forbidden`.
    pub fn authorize(
        &self,
        caller: Option<&User>,
        action: crate::domain::Action<'_>,
    ) -> ServiceResult<()> {
        crate::domain::decide(caller, action, self.settings.private).map_err(|denial| {
            tracing::warn!(
                target: "authz",
                user = caller.map_or("(anonymous)", |u| u.name.as_str()),
                role = caller.map_or("-", |u| u.role.as_str()),
                action = action.name(),
                scope = ?action.scope().map(ToString::to_string),
                "denied"
            );
            match denial {
                crate::domain::Denial::Unauthenticated => ServiceError::Unauthenticated,
                crate::domain::Denial::Forbidden(message) => ServiceError::Forbidden(message),
            }
        })
    }

    /// Connects, migrates and loads the shipped reference data (idempotent): what `serve` does
    /// on every start.
    ///
    /// # Errors
    /// The database cannot be reached or migrated, or the reference data fails to load.
    pub async fn open(database_url: &str) -> ServiceResult<(Self, LoadSummary)> {
        let store = Store::connect(database_url).await?;
        store.migrate().await?;
        let tracker = Self::new(store);
        let summary = tracker.load_reference().await?;
        Ok((tracker, summary))
    }

    /// Loads the reference data shipped in the binary.
    ///
    /// # Errors
    /// As [`Store::load_reference`].
    pub async fn load_reference(&self) -> ServiceResult<LoadSummary> {
        let data = ReferenceData::shipped()?;
        let mut summary = self.store.load_reference(&data, now()).await?;
        summary.claims = self.load_shipped_claims().await?;
        Ok(summary)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Whether the database answers.
    ///
    /// # Errors
    /// It does not.
    pub async fn health(&self) -> ServiceResult<()> {
        Ok(self.store.ping().await?)
    }

    /// Whether the tracker can take writes now (readiness): a test write commits within
    /// [`READY_TIMEOUT`], and recording reports has not failed at the database level in the
    /// last [`READY_FAILURE_WINDOW`] without succeeding since.
    ///
    /// # Errors
    /// `StoreUnavailable` with the reason.
    pub async fn ready(&self) -> ServiceResult<()> {
        self.store
            .check_writable(READY_TIMEOUT, READY_FAILURE_WINDOW)
            .await
            .map_err(|e| ServiceError::StoreUnavailable(e.to_string()))
    }
}
