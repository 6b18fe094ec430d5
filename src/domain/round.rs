//! Reporting rounds (issue 15) in the users' words: a [`Round`] of a framework (its code, the
//! period its statuses cover, when it opens and when it is due) and the append-only log of
//! [`Submission`]s (a participant submits; the Secretariat accepts or returns). The figures of a
//! round (who is on time, late, missing) are the engine's (`engine::rounds`).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::vocabulary::{ParseError, StateCode};

/// A framework's reporting round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Round {
    #[serde(skip)]
    pub id: i32,
    pub framework: String,
    /// Unique within the framework: 1 to 32 of `A-Z a-z 0-9 - _ .` (`2026-Q4`, `2026-H2`).
    #[schema(example = "2026-Q4")]
    pub code: String,
    /// The first day the round's reports cover (coverage counts reports effective from it).
    pub period_start: NaiveDate,
    /// The date the round's statuses are as of.
    pub period_end: NaiveDate,
    /// From this day on (in the easternmost ASEAN time zone) participants may submit.
    pub opens_on: NaiveDate,
    /// The last day of the round: a submission is on time before this day ends anywhere in
    /// ASEAN (before `due_on` 17:30 UTC).
    pub due_on: NaiveDate,
    /// The account that created it (`null`: the terminal or the demo).
    pub created_by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What happened to a participant's round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionAction {
    /// The participant declared its statuses as of the round's `period_end` complete.
    Submitted,
    /// The Secretariat accepted the submission.
    Accepted,
    /// The Secretariat returned the submission with a reason; the participant submits again.
    Returned,
}

impl SubmissionAction {
    pub const ALL: [SubmissionAction; 3] = [
        SubmissionAction::Submitted,
        SubmissionAction::Accepted,
        SubmissionAction::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionAction::Submitted => "submitted",
            SubmissionAction::Accepted => "accepted",
            SubmissionAction::Returned => "returned",
        }
    }
}

impl FromStr for SubmissionAction {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SubmissionAction::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| {
                ParseError(format!(
                    "`{s}` is not a submission action: use submitted, accepted or returned"
                ))
            })
    }
}

impl fmt::Display for SubmissionAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of a round's log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Submission {
    pub id: i64,
    pub round: String,
    pub scope: StateCode,
    pub action: SubmissionAction,
    /// Why it was returned (only with `returned`).
    pub reason: Option<String>,
    /// The account that acted (`null`: the demo).
    pub by: Option<String>,
    pub at: DateTime<Utc>,
}

/// Why `next` may not follow a state's latest action in a round (`None`: it may). A state
/// submits first or after a return; the Secretariat accepts or returns only a submission.
pub fn transition_problem(
    latest: Option<SubmissionAction>,
    next: SubmissionAction,
) -> Option<String> {
    use SubmissionAction::{Accepted, Returned, Submitted};
    match (latest, next) {
        (None | Some(Returned), Submitted) | (Some(Submitted), Accepted | Returned) => None,
        (Some(Submitted), Submitted) => Some(
            "the round was submitted already and waits for the Secretariat's decision".to_owned(),
        ),
        (Some(Accepted), _) => Some("the round's submission was accepted already".to_owned()),
        (None, _) => Some("there is no submission to decide on".to_owned()),
        (Some(Returned), _) => {
            Some("the submission was returned; the state has not submitted again yet".to_owned())
        }
    }
}

/// The most characters of a round's code.
pub const MAX_ROUND_CODE: usize = 32;

/// Why a round's code is refused, if it is: 1 to 32 of `A-Z a-z 0-9 - _ .`, and not `plan`
/// (the path `…/rounds/plan` plans rounds).
pub fn round_code_problem(code: &str) -> Option<String> {
    if code.is_empty() || code.chars().count() > MAX_ROUND_CODE {
        return Some(format!(
            "a round's code has 1 to {MAX_ROUND_CODE} characters"
        ));
    }
    if !code.starts_with(|c: char| c.is_ascii_alphanumeric())
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Some(format!(
            "`{code}`: a round's code starts with a letter or digit and takes letters, digits, `-`, `_` and `.` only (e.g. 2026-Q4)"
        ));
    }
    if code == "plan" {
        return Some("`plan` is reserved (`…/rounds/plan` plans rounds)".to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_codes_take_letters_digits_dashes_underscores_and_dots() {
        for good in ["2026-Q4", "2026-H2", "2026", "r_1.a", &"x".repeat(32)] {
            assert_eq!(round_code_problem(good), None, "{good}");
        }
        for bad in ["", "2026 Q4", "2026/Q4", "é", "plan", &"x".repeat(33)] {
            assert!(round_code_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn a_state_submits_first_or_after_a_return_and_only_a_submission_is_decided() {
        use SubmissionAction::{Accepted, Returned, Submitted};
        let allowed = |latest, next| transition_problem(latest, next).is_none();
        assert!(allowed(None, Submitted));
        assert!(allowed(Some(Returned), Submitted));
        assert!(allowed(Some(Submitted), Accepted));
        assert!(allowed(Some(Submitted), Returned));
        assert!(!allowed(Some(Submitted), Submitted));
        assert!(!allowed(Some(Accepted), Submitted));
        assert!(!allowed(Some(Accepted), Returned));
        assert!(!allowed(None, Accepted));
        assert!(!allowed(Some(Returned), Returned));
    }

    #[test]
    fn submission_actions_read_back_their_names() {
        for a in SubmissionAction::ALL {
            assert_eq!(a.as_str().parse::<SubmissionAction>(), Ok(a));
        }
        assert!("late".parse::<SubmissionAction>().is_err());
    }
}
