//! The domain: the users' words as types (scopes, statuses, roles, frameworks, status reports) and
//! the validation of incoming reports. Pure: std, chrono, serde only; no I/O, no clock.

mod input;
mod model;
mod vocabulary;

pub use input::{
    BodyShapeError, FieldIssue, IssueKind, MAX_BULK_REPORTS, RecordContext, parse_record_body,
    validate_report,
};
pub use model::{
    Framework, FrameworkSummary, MemberState, NewStatusReport, Node, Participation, ReportFact,
    SectoralBody, StatusReport, User, participants_as_of,
};
pub use vocabulary::{ParseError, Role, Scope, StateCode, Status};
