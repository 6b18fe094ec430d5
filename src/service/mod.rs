//! Use cases: what the HTTP API and the CLI can ask of the tracker. Each function loads what it
//! needs from the store, applies the domain's rules and the engine, and writes through the store
//! in one transaction. The clock is read here (never in the engine).

mod accounts;
mod catalog;
mod figures;
mod review;
mod status;

use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};

use crate::domain::FieldIssue;
use crate::reference::{ReferenceData, ReferenceError};
use crate::store::{LoadSummary, Store, StoreError};

pub use accounts::NewAccount;
pub use catalog::{
    FrameworkTree, MeasureFilter, MeasureView, ParticipantView, Participants, TreeNode,
};
pub use figures::{
    CompareView, FigureQuery, MAX_TIMELINE_POINTS, ProgressView, Span, TimelineView,
};
pub use status::{MeasureHistory, MeasureStatus, Recorded, ScopeStatus, SyntheticSummary};

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
}

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
        }
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
        Ok(self.store.load_reference(&data, now()).await?)
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
}
