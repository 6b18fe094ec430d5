//! Small value types parsed once at the edge ("parse, don't validate"): member-state codes,
//! scopes, statuses and roles.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a word could not be parsed into one of the vocabulary types.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

/// An ISO 3166-1 alpha-3 code as used for ASEAN member states (`VNM`). Always upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct StateCode(String);

impl StateCode {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for StateCode {
    type Err = ParseError;
    /// Accepts three ASCII letters in any case (`vnm` → `VNM`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(s.to_ascii_uppercase()))
        } else {
            Err(ParseError(format!(
                "`{s}` is not an ISO 3166-1 alpha-3 member state code (e.g. VNM)"
            )))
        }
    }
}

impl TryFrom<String> for StateCode {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<StateCode> for String {
    fn from(c: StateCode) -> Self {
        c.0
    }
}

impl fmt::Display for StateCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a status holds: regionally (`ASEAN`) or in one member state.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Scope {
    Asean,
    State(StateCode),
}

impl Scope {
    pub const ASEAN: &'static str = "ASEAN";

    pub fn as_str(&self) -> &str {
        match self {
            Scope::Asean => Self::ASEAN,
            Scope::State(code) => code.as_str(),
        }
    }

    pub fn state(&self) -> Option<&StateCode> {
        match self {
            Scope::Asean => None,
            Scope::State(code) => Some(code),
        }
    }
}

impl FromStr for Scope {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().eq_ignore_ascii_case(Self::ASEAN) {
            return Ok(Scope::Asean);
        }
        s.parse::<StateCode>().map(Scope::State).map_err(|_| {
            ParseError(format!(
                "`{}` is not a scope: use `ASEAN` or a member state's alpha-3 code (e.g. VNM)",
                s.trim()
            ))
        })
    }
}

impl TryFrom<String> for Scope {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Scope> for String {
    fn from(s: Scope) -> Self {
        s.as_str().to_owned()
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string schema for the OpenAPI description (utoipa): the codes are written as plain strings.
fn string_schema(
    pattern: &str,
    description: &str,
    examples: &[&str],
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .pattern(Some(pattern))
        .description(Some(description))
        .examples(examples.iter().copied())
        .into()
}

impl utoipa::PartialSchema for StateCode {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        string_schema(
            "^[A-Z]{3}$",
            "A member state's ISO 3166-1 alpha-3 code.",
            &["VNM"],
        )
    }
}

impl utoipa::ToSchema for StateCode {}

impl utoipa::PartialSchema for Scope {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        string_schema(
            "^(ASEAN|[A-Z]{3})$",
            "Where a status holds: `ASEAN` (regional) or a member state's ISO 3166-1 alpha-3 code. Answered in upper case; accepted in any case.",
            &["ASEAN", "VNM"],
        )
    }
}

impl utoipa::ToSchema for Scope {}

/// The implementation status of a strategic measure (or an activity) in one scope.
/// A (measure, scope) pair with no report counts as `NotStarted`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    NotStarted,
    Ongoing,
    Completed,
    NotApplicable,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::NotStarted,
        Status::Ongoing,
        Status::Completed,
        Status::NotApplicable,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::NotStarted => "not_started",
            Status::Ongoing => "ongoing",
            Status::Completed => "completed",
            Status::NotApplicable => "not_applicable",
        }
    }
}

impl FromStr for Status {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| {
                ParseError(format!(
                    "`{s}` is not a status: use not_started, ongoing, completed or not_applicable"
                ))
            })
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an account may do. A `FocalPoint` is bound to one member state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Secretariat,
    FocalPoint,
    Viewer,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Admin,
        Role::Secretariat,
        Role::FocalPoint,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Secretariat => "secretariat",
            Role::FocalPoint => "focal_point",
            Role::Viewer => "viewer",
        }
    }

    /// Whether an account of this role, bound to `own_state` (focal points only), may record a
    /// status for `scope`: admins and the Secretariat anywhere including `ASEAN`, a focal point
    /// only its own state, a viewer nowhere.
    pub fn may_record(self, own_state: Option<&StateCode>, scope: &Scope) -> bool {
        match self {
            Role::Admin | Role::Secretariat => true,
            Role::FocalPoint => {
                matches!((own_state, scope.state()), (Some(own), Some(s)) if own == s)
            }
            Role::Viewer => false,
        }
    }
}

impl FromStr for Role {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| {
                ParseError(format!(
                    "`{s}` is not a role: use admin, secretariat, focal_point or viewer"
                ))
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_case_insensitively_and_print_canonically() {
        assert_eq!("asean".parse::<Scope>(), Ok(Scope::Asean));
        assert_eq!(
            "vnm".parse::<Scope>().map(|s| s.to_string()),
            Ok("VNM".to_owned())
        );
        assert!("VN".parse::<Scope>().is_err());
        assert!("V1M".parse::<Scope>().is_err());
    }

    #[test]
    fn a_focal_point_may_record_only_its_own_state() {
        let vnm: StateCode = "VNM".parse().unwrap();
        let tha: Scope = "THA".parse().unwrap();
        assert!(Role::FocalPoint.may_record(Some(&vnm), &Scope::State(vnm.clone())));
        assert!(!Role::FocalPoint.may_record(Some(&vnm), &tha));
        assert!(!Role::FocalPoint.may_record(Some(&vnm), &Scope::Asean));
        assert!(!Role::FocalPoint.may_record(None, &tha));
        assert!(Role::Secretariat.may_record(None, &Scope::Asean));
        assert!(Role::Admin.may_record(None, &tha));
        assert!(!Role::Viewer.may_record(None, &tha));
    }
}
