//! The things the service tracks, as plain data: frameworks and their nodes, member states,
//! sectoral bodies, participation, status reports and accounts.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::vocabulary::{Role, Scope, StateCode, Status};

/// A plan (the Blueprint 2025, the Strategic Plan) with its period and level names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Framework {
    #[serde(skip)]
    pub id: i32,
    pub code: String,
    pub title: String,
    pub adopted_on: Option<NaiveDate>,
    pub adopted_at: Option<String>,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Level names from the root down; the last is the level of the strategic measures.
    pub levels: Vec<String>,
    pub reviews: Vec<String>,
    pub note: Option<String>,
}

impl Framework {
    /// Whether `date` falls inside the framework's period (both ends included).
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.start_date <= date && date <= self.end_date
    }

    /// What a reader must know about this framework's figures as of `as_of` when it is
    /// `today`: the date is in the future, before the framework began or after it ended.
    /// `None` for a date inside its period, today or earlier.
    pub fn as_of_remark(&self, as_of: NaiveDate, today: NaiveDate) -> Option<String> {
        if as_of > today {
            Some(format!(
                "{as_of} is in the future (today is {today}): the figures of the {} are the statuses recorded so far that hold on that date, not a forecast.",
                self.title
            ))
        } else if as_of < self.start_date {
            Some(format!(
                "{as_of} is before the {} began on {}: no status can be in force yet, so every measure shows as having no report.",
                self.title, self.start_date
            ))
        } else if as_of > self.end_date {
            Some(format!(
                "{as_of} is after the {} ended on {}: its figures are those in force at its end, and do not change after it.",
                self.title, self.end_date
            ))
        } else {
            None
        }
    }
}

/// A framework with the number of its strategic measures, as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FrameworkSummary {
    #[serde(flatten)]
    pub framework: Framework,
    pub measure_count: usize,
}

/// One entry of a framework's tree. Leaves at the last level are strategic measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Node {
    #[serde(skip)]
    pub id: i32,
    pub code: String,
    pub parent: Option<String>,
    pub level: String,
    pub depth: u16,
    pub title: String,
    pub note: Option<String>,
    pub is_measure: bool,
    /// Codes of the sectoral bodies that lead work under this node.
    pub lead_bodies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MemberState {
    #[serde(skip)]
    pub id: i32,
    pub code: StateCode,
    pub iso2: String,
    pub numeric_code: String,
    pub name: String,
    pub official_name: String,
    pub joined_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectoralBody {
    #[serde(skip)]
    pub id: i32,
    pub code: String,
    pub name: String,
    pub senior_officials_body: Option<String>,
    pub sector: Option<String>,
}

/// A member state counted by a framework from `from_date` (until `until_date`, if set).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Participation {
    pub state: StateCode,
    pub from_date: NaiveDate,
    pub until_date: Option<NaiveDate>,
}

impl Participation {
    pub fn active_on(&self, date: NaiveDate) -> bool {
        self.from_date <= date && self.until_date.is_none_or(|until| date <= until)
    }
}

/// The member states a framework counts on `date`, each once, in code order.
pub fn participants_as_of(participations: &[Participation], date: NaiveDate) -> Vec<StateCode> {
    let mut states: Vec<StateCode> = participations
        .iter()
        .filter(|p| p.active_on(date))
        .map(|p| p.state.clone())
        .collect();
    states.sort();
    states.dedup();
    states
}

/// A validated report about to be recorded (the server adds who and when).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStatusReport {
    pub measure: String,
    pub scope: Scope,
    pub status: Status,
    pub progress: Option<u8>,
    pub effective_date: NaiveDate,
    pub note: Option<String>,
    pub evidence_url: Option<String>,
}

/// An append-only fact: from `effective_date` on, `measure` had `status` in `scope`, as recorded
/// by `recorded_by` at `recorded_at` (server clock). A correction is a newer report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StatusReport {
    pub id: i64,
    pub framework: String,
    pub measure: String,
    pub scope: Scope,
    pub status: Status,
    pub progress: Option<u8>,
    pub effective_date: NaiveDate,
    pub note: Option<String>,
    pub evidence_url: Option<String>,
    pub recorded_by: Option<String>,
    pub recorded_at: DateTime<Utc>,
    /// The lock in force on the framework when it was recorded, if any.
    pub lock_id: Option<i64>,
    /// Recorded by an admin inside a locked period.
    pub lock_override: bool,
    /// The returned report this one corrects (same measure, scope and effective date), when it
    /// was recorded as a correction after a return.
    pub corrects: Option<i64>,
    pub validation: Validation,
}

/// Where a report stands in the Secretariat's review.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ValidationState {
    /// Entered by a focal point, not yet reviewed.
    Reported,
    /// Checked (with its evidence) by the Secretariat, or recorded by it.
    Validated,
    /// Sent back to the focal point with a reason; a correction is a newer report.
    Returned,
}

impl ValidationState {
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationState::Reported => "reported",
            ValidationState::Validated => "validated",
            ValidationState::Returned => "returned",
        }
    }
}

impl std::str::FromStr for ValidationState {
    type Err = super::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "reported" => Ok(ValidationState::Reported),
            "validated" => Ok(ValidationState::Validated),
            "returned" => Ok(ValidationState::Returned),
            _ => Err(super::ParseError(format!(
                "`{s}` is not a validation state: use reported, validated or returned"
            ))),
        }
    }
}

/// A report's review: its state, and (once reviewed) by whom, when and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Validation {
    pub state: ValidationState,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
    pub reason: Option<String>,
    pub evidence_checked: bool,
}

impl Validation {
    pub const REPORTED: Validation = Validation {
        state: ValidationState::Reported,
        by: None,
        at: None,
        reason: None,
        evidence_checked: false,
    };
}

/// The basis of a figure: every report in force (`reported`), or only those the Secretariat
/// validated (`validated`).
#[derive(
    Debug,
    Clone,
    Copy,
    Default,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    #[default]
    Reported,
    Validated,
}

impl Basis {
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Reported => "reported",
            Basis::Validated => "validated",
        }
    }
}

impl std::str::FromStr for Basis {
    type Err = super::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "reported" => Ok(Basis::Reported),
            "validated" => Ok(Basis::Validated),
            _ => Err(super::ParseError(format!(
                "`{s}` is not a basis: use reported or validated"
            ))),
        }
    }
}

/// A review cut-off: no report with an effective date on or before `until` is accepted while
/// the lock holds (an admin may override, audited).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Lock {
    pub id: i64,
    pub framework: String,
    pub until: NaiveDate,
    pub note: Option<String>,
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub released_by: Option<String>,
    pub released_at: Option<DateTime<Utc>>,
}

/// An API token as listed (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A status report reduced to what the figures need: which measure (the store's node id), where,
/// what, from when, and when it was recorded. `id` is the recording sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFact {
    pub id: i64,
    pub measure_id: i32,
    pub scope: Scope,
    pub status: Status,
    pub progress: Option<u8>,
    pub effective_date: NaiveDate,
    pub recorded_at: DateTime<Utc>,
}

/// The Secretariat's return of a report, as the figures take it in: `id` is the review's
/// (returns are taken in in review order), `at` the instant from which the report counts no more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnFact {
    pub id: i64,
    pub report_id: i64,
    pub measure_id: i32,
    pub scope: Scope,
    pub at: DateTime<Utc>,
}

/// An account that can record status (with its role and, for a focal point, its state).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct User {
    pub id: i32,
    pub name: String,
    pub role: Role,
    pub state: Option<StateCode>,
    pub disabled: bool,
}

/// An account as listed to admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Account {
    #[serde(flatten)]
    pub user: User,
    pub has_password: bool,
    pub second_factor: bool,
    pub created_at: DateTime<Utc>,
    /// Where its notifications are mailed (`null`: shown in the pages only).
    pub email: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn participants_are_those_active_on_the_date() {
        let p = |code: &str, from: &str, until: Option<&str>| Participation {
            state: code.parse().unwrap(),
            from_date: d(from),
            until_date: until.map(d),
        };
        let all = [
            p("VNM", "2016-01-01", None),
            p("TLS", "2026-01-01", None),
            p("MMR", "2016-01-01", Some("2020-12-31")),
        ];
        let codes = |date| {
            participants_as_of(&all, d(date))
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(codes("2015-12-31"), Vec::<String>::new());
        assert_eq!(codes("2020-12-31"), ["MMR", "VNM"]);
        assert_eq!(codes("2021-01-01"), ["VNM"]);
        assert_eq!(codes("2026-06-30"), ["TLS", "VNM"]);
    }
}

/// An activity of a sectoral body, with the codes of the nodes it serves and its status as
/// last reported (activities are evidence for measures: they never change a measure's status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityLine {
    pub id: i32,
    /// `milestone`, `project`, `activity`, …
    pub kind: String,
    pub title: String,
    pub year: Option<i32>,
    pub area: Option<String>,
    /// The sectoral body's code and name, if any.
    pub body: Option<(String, String)>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// Codes of the nodes it is linked to.
    pub nodes: Vec<String>,
    /// Its latest status report (greatest effective date, then recorded last), if any.
    pub status: Option<ActivityStatus>,
}

/// An activity's status report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityStatus {
    pub status: Status,
    pub progress: Option<u8>,
    pub effective_date: NaiveDate,
    pub note: Option<String>,
    pub evidence_url: Option<String>,
    pub recorded_at: DateTime<Utc>,
}
