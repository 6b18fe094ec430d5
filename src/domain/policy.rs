//! Who may do what: the one place that decides. Every use case asks [`decide`] before it reads
//! or writes, with the caller (or `None` for an anonymous request) and the action; the service
//! logs every denial.
//!
//! | action | admin | secretariat | focal point | viewer | anonymous |
//! |---|---|---|---|---|---|
//! | read figures, trees, reports | yes | yes | yes | yes | yes, unless the server is private |
//! | record a status for `ASEAN` | yes | yes | no | no | no |
//! | record a status for a member state | yes | yes | its own state only | no | no |
//! | record inside a locked period | with `override_lock`, audited | no | no | no | no |
//! | validate or return a report | yes | yes | no | no | no |
//! | lock a framework | yes | yes | no | no | no |
//! | unlock a framework | yes | no | no | no | no |
//! | read the audit trail | yes | yes | no | no | no |
//! | manage accounts (create, list, disable) | yes | no | no | no | no |
//! | manage API tokens | any account's | own | own | own | no |
//! | import a file of reports | yes | yes | its own state's rows only | no | no |
//! | define an indicator | yes | yes | no | no | no |
//! | set an indicator's target for `ASEAN` | yes | yes | no | no | no |
//! | set an indicator's target for a member state | yes | yes | its own state only | no | no |
//! | record an indicator observation | yes | yes | its own state only | no | no |
//! | create or plan reporting rounds | yes | yes | no | no | no |
//! | submit a member state's round | yes | yes | its own state only | no | no |
//! | accept or return a round's submission | yes | yes | no | no | no |

use super::model::User;
use super::vocabulary::{Role, Scope};

/// What a caller asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action<'a> {
    /// Any read: frameworks, figures, statuses, histories, reports, charts.
    Read,
    /// Record a status report for a scope.
    Record(&'a Scope),
    /// Record a report with an effective date inside a locked period.
    OverrideLock,
    /// Validate or return a report recorded for a scope.
    Review(&'a Scope),
    /// Lock a framework up to a date.
    Lock,
    /// Release a lock.
    Unlock,
    /// Read the audit trail.
    ReadAudit,
    /// Create, list or disable accounts.
    ManageAccounts,
    /// Create, list or revoke the API tokens of the account with this id.
    ManageTokens { owner: i32 },
    /// Define an indicator of the Results Framework.
    DefineIndicator,
    /// Set an indicator's baseline and target for a scope (a focal point: its national one).
    SetTarget(&'a Scope),
    /// Record an indicator observation for a scope.
    Observe(&'a Scope),
    /// Create or plan a framework's reporting rounds.
    PlanRounds,
    /// Submit a member state's round (declare its statuses as of the round's end complete).
    SubmitRound(&'a Scope),
    /// Accept or return a member state's round submission.
    ReviewRound(&'a Scope),
    /// Record a published figure (claim) or freeze a review edition.
    PublishFigures,
}

impl<'a> Action<'a> {
    /// A short name for logs and messages.
    /// The scope the action is on, when it is on one (logged and audited with a refusal).
    pub fn scope(&self) -> Option<&'a Scope> {
        match *self {
            Action::Record(s)
            | Action::Review(s)
            | Action::SetTarget(s)
            | Action::Observe(s)
            | Action::SubmitRound(s)
            | Action::ReviewRound(s) => Some(s),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::Record(_) => "record a status",
            Action::OverrideLock => "record inside a locked period",
            Action::Review(_) => "validate or return a report",
            Action::Lock => "lock a framework",
            Action::Unlock => "unlock a framework",
            Action::ReadAudit => "read the audit trail",
            Action::ManageAccounts => "manage accounts",
            Action::ManageTokens { .. } => "manage API tokens",
            Action::DefineIndicator => "define an indicator",
            Action::SetTarget(_) => "set an indicator's target",
            Action::Observe(_) => "record an indicator observation",
            Action::PlanRounds => "create or plan reporting rounds",
            Action::SubmitRound(_) => "submit a round",
            Action::ReviewRound(_) => "accept or return a round's submission",
            Action::PublishFigures => "record published figures or freeze review editions",
        }
    }
}

/// Why a request is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denial {
    /// No credentials (401): the action needs an account.
    Unauthenticated,
    /// Credentials, but not enough rights (403), with a message for the caller.
    Forbidden(String),
}

/// Whether `caller` (`None`: anonymous) may do `action`. `private`: the operator turned public
/// reads off (`serve --private`).
///
/// # Errors
/// The denial, with the reason.
pub fn decide(caller: Option<&User>, action: Action<'_>, private: bool) -> Result<(), Denial> {
    let Some(user) = caller else {
        return match action {
            Action::Read if !private => Ok(()),
            _ => Err(Denial::Unauthenticated),
        };
    };
    let allowed = match action {
        Action::Read => true,
        Action::Record(scope)
        | Action::SetTarget(scope)
        | Action::Observe(scope)
        | Action::SubmitRound(scope) => user.role.may_record(user.state.as_ref(), scope),
        Action::OverrideLock | Action::Unlock | Action::ManageAccounts => user.role == Role::Admin,
        Action::Review(_)
        | Action::Lock
        | Action::ReadAudit
        | Action::DefineIndicator
        | Action::PlanRounds
        | Action::PublishFigures
        | Action::ReviewRound(_) => {
            matches!(user.role, Role::Admin | Role::Secretariat)
        }
        Action::ManageTokens { owner } => user.role == Role::Admin || user.id == owner,
    };
    if allowed {
        return Ok(());
    }
    Err(Denial::Forbidden(match (action, user.role, &user.state) {
        (Action::Record(scope), Role::FocalPoint, Some(own)) => format!(
            "`{}` is the focal point of {own} and cannot record status for {scope}",
            user.name
        ),
        (Action::SubmitRound(scope), Role::FocalPoint, Some(own)) => format!(
            "`{}` is the focal point of {own} and cannot submit the round of {scope}",
            user.name
        ),
        (Action::Record(_), Role::Viewer, _) => format!(
            "`{}` is a viewer account: viewers cannot record status",
            user.name
        ),
        (Action::OverrideLock, _, _) => format!(
            "the period is locked; only an admin may record in it (with `override_lock`), and `{}` is a {}",
            user.name, user.role
        ),
        (action, role, _) => format!(
            "`{}` is a {role} account and may not {}",
            user.name,
            action.name()
        ),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::StateCode;

    fn user(id: i32, role: Role, state: Option<&str>) -> User {
        User {
            id,
            name: format!("u{id}"),
            role,
            state: state.map(|s| s.parse::<StateCode>().unwrap()),
            disabled: false,
        }
    }

    #[test]
    fn the_matrix_of_roles_and_actions() {
        let vnm: Scope = "VNM".parse().unwrap();
        let tha: Scope = "THA".parse().unwrap();
        let asean = Scope::Asean;
        let admin = user(1, Role::Admin, None);
        let sec = user(2, Role::Secretariat, None);
        let focal = user(3, Role::FocalPoint, Some("VNM"));
        let viewer = user(4, Role::Viewer, None);
        let actions = [
            Action::Read,
            Action::Record(&vnm),
            Action::Record(&tha),
            Action::Record(&asean),
            Action::OverrideLock,
            Action::Review(&vnm),
            Action::Lock,
            Action::Unlock,
            Action::ReadAudit,
            Action::ManageAccounts,
            Action::ManageTokens { owner: 3 },
            Action::DefineIndicator,
            Action::SetTarget(&vnm),
            Action::SetTarget(&asean),
            Action::Observe(&vnm),
            Action::Observe(&tha),
            Action::PlanRounds,
            Action::PublishFigures,
            Action::SubmitRound(&vnm),
            Action::SubmitRound(&tha),
            Action::ReviewRound(&vnm),
        ];
        // Expected, in the order of `actions`: admin, secretariat, focal point, viewer.
        let expected: [[bool; 21]; 4] = [
            [
                true, true, true, true, true, true, true, true, true, true, true, true, true, true,
                true, true, true, true, true, true, true,
            ],
            [
                true, true, true, true, false, true, true, false, true, false, false, true, true,
                true, true, true, true, true, true, true, true,
            ],
            [
                true, true, false, false, false, false, false, false, false, false, true, false,
                true, false, true, false, false, false, true, false, false,
            ],
            [
                true, false, false, false, false, false, false, false, false, false, false, false,
                false, false, false, false, false, false, false, false, false,
            ],
        ];
        for (who, row) in [&admin, &sec, &focal, &viewer].iter().zip(expected) {
            for (action, allowed) in actions.iter().zip(row) {
                assert_eq!(
                    decide(Some(who), *action, false).is_ok(),
                    allowed,
                    "{} {:?}",
                    who.role,
                    action
                );
            }
        }
        assert_eq!(decide(None, Action::Read, false), Ok(()));
        assert_eq!(
            decide(None, Action::Read, true),
            Err(Denial::Unauthenticated)
        );
        assert_eq!(
            decide(None, Action::Record(&vnm), false),
            Err(Denial::Unauthenticated)
        );
    }
}
