//! The domain: the users' words as types (scopes, statuses, roles, frameworks, status reports) and
//! the validation of incoming reports. Pure: std, chrono, serde only (and utoipa's derive, which
//! only describes the JSON shapes for the OpenAPI document); no I/O, no clock.

pub mod audit;
mod claim;
mod indicator;
mod input;
mod model;
pub mod notice;
pub mod policy;
mod round;
mod secret;
mod vocabulary;

pub use audit::{Actor, AuditEntry, AuditEvent, AuditFilter};
pub use claim::{
    Claim, Edition, MAX_CLAIM_TEXT, MAX_EDITION_TITLE, MAX_STATEMENT, MeasureList, Metric,
    NewClaim, claim_problems, edition_problems,
};
pub use indicator::{
    Direction, Indicator, IndicatorClass, IndicatorIssue, NewObservation, NewTarget, Observation,
    Target, YEAR_MARGIN, check_value, check_year, is_percent_unit, natural_order,
};
pub use input::{
    BodyShapeError, FieldIssue, IssueKind, MAX_BULK_REPORTS, RecordContext, parse_record_body,
    validate_report,
};
pub use model::{
    Account, ActivityLine, ActivityStatus, Basis, Framework, FrameworkSummary, Lock, MemberState,
    NewStatusReport, Node, Participation, ReportFact, ReturnFact, SectoralBody, StatusReport,
    TokenInfo, User, Validation, ValidationState, participants_as_of,
};
pub use notice::{Delivery, Notice, NoticeDraft, NoticeKind, Outgoing, email_problem};
pub use policy::{Action, Denial, decide};
pub use round::{
    MAX_ROUND_CODE, Round, Submission, SubmissionAction, round_code_problem, transition_problem,
};
pub use secret::Secret;
pub use vocabulary::{ParseError, Role, Scope, StateCode, Status};
