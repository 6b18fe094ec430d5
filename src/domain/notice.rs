//! Notifications to accounts (issue 16, item 4): what is announced, to whom, in what words.
//! Pure: the service decides when, the store writes the outbox row in the event's own
//! transaction, the sender delivers it.
//!
//! Every notice is addressed to the focal-point accounts of one member state (enabled ones);
//! one outbox row per account, its dedupe key the event's key and the account's id, so that
//! writing the same event twice (a rescan) adds nothing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::vocabulary::{ParseError, StateCode};

/// What a notice announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// The Secretariat returned a status report, with a reason.
    ReportReturned,
    /// The Secretariat accepted a round's submission.
    SubmissionAccepted,
    /// The Secretariat returned a round's submission, with a reason.
    SubmissionReturned,
    /// A round the state takes part in opened.
    RoundOpened,
    /// A round is due within seven days and the state has not submitted.
    RoundDueSoon,
    /// A round's deadline passed and the state has not submitted.
    RoundOverdue,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::ReportReturned,
        NoticeKind::SubmissionAccepted,
        NoticeKind::SubmissionReturned,
        NoticeKind::RoundOpened,
        NoticeKind::RoundDueSoon,
        NoticeKind::RoundOverdue,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ReportReturned => "report_returned",
            NoticeKind::SubmissionAccepted => "submission_accepted",
            NoticeKind::SubmissionReturned => "submission_returned",
            NoticeKind::RoundOpened => "round_opened",
            NoticeKind::RoundDueSoon => "round_due_soon",
            NoticeKind::RoundOverdue => "round_overdue",
        }
    }
}

impl std::str::FromStr for NoticeKind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NoticeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseError(format!("`{s}` is not a notice kind")))
    }
}

/// Where a notice's mail stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Waiting to be sent (or to be tried again after a failure); also where it stays while
    /// the server runs without SMTP.
    Pending,
    Sent,
    /// Given up after the last attempt.
    Failed,
    /// The account has no e-mail address: shown in the pages only.
    NoAddress,
}

impl Delivery {
    pub const ALL: [Delivery; 4] = [
        Delivery::Pending,
        Delivery::Sent,
        Delivery::Failed,
        Delivery::NoAddress,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
            Delivery::NoAddress => "no_address",
        }
    }
}

impl std::str::FromStr for Delivery {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Delivery::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| ParseError(format!("`{s}` is not a delivery state")))
    }
}

/// A notice about to be written: addressed to the focal points of `state`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeDraft {
    pub kind: NoticeKind,
    pub state: StateCode,
    /// The event's key (`report:12:returned`, `round:3:THA:overdue`); the outbox row's dedupe
    /// key adds the account's id.
    pub key: String,
    pub subject: String,
    pub body: String,
    /// A path of the web pages (`/record?…`, `/rounds/…`).
    pub link: String,
}

/// A notice as an account sees it (newest first on its page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Notice {
    pub id: i64,
    pub kind: NoticeKind,
    pub subject: String,
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub delivery: Delivery,
    /// The address it was (or will be) sent to.
    pub email: Option<String>,
    pub attempts: u32,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A message waiting in the outbox, as the sender and `notify --dry-run` see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub account: String,
    pub email: String,
    pub kind: NoticeKind,
    pub subject: String,
    pub body: String,
    pub link: String,
    pub attempts: u32,
}

/// What is wrong with an e-mail address, if anything (a plain `local@domain.tld` check: the
/// SMTP server has the last word).
pub fn email_problem(address: &str) -> Option<String> {
    let bad = |why: &str| Some(format!("`{address}` is not an e-mail address: {why}"));
    if address.chars().count() > 254 {
        return bad("at most 254 characters");
    }
    if address
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"()[]".contains(c))
    {
        return bad("no spaces, brackets, commas or quotes");
    }
    let Some((local, domain)) = address.split_once('@') else {
        return bad("it has no `@`");
    };
    if local.is_empty() || domain.contains('@') {
        return bad("one `@` after the name");
    }
    if !domain.contains('.') || domain.starts_with('.') || domain.ends_with('.') {
        return bad("the domain after `@` needs a dot (example.org)");
    }
    None
}

/// The link of a notice as written in a mail: the path under `base` (the server's public
/// address) when one is known.
pub fn full_link(base: Option<&str>, path: &str) -> String {
    match base {
        Some(base) if !base.is_empty() => format!("{}{path}", base.trim_end_matches('/')),
        _ => path.to_owned(),
    }
}

/// Where a notice's text ends and its signature starts.
const SIGNATURE_MARK: &str = "\n\n-- \n";

const SIGNATURE: &str =
    "\n\n-- \nblueprint-tracker: this message was sent because your account is a focal point of ";

/// The text of a mail: the notice's text, then its link, then the signature.
pub fn mail_body(text: &str, link: &str) -> String {
    match text.split_once(SIGNATURE_MARK) {
        Some((main, signature)) => format!("{main}\n\n{link}{SIGNATURE_MARK}{signature}\n"),
        None => format!("{text}\n\n{link}\n"),
    }
}

fn signed(text: String, state: &StateCode) -> String {
    format!("{text}{SIGNATURE}{state}.")
}

/// A status report returned by the Secretariat.
pub fn report_returned(
    framework: &str,
    report_id: i64,
    measure: &str,
    state: &StateCode,
    effective: NaiveDate,
    reason: &str,
) -> NoticeDraft {
    NoticeDraft {
        kind: NoticeKind::ReportReturned,
        state: state.clone(),
        key: format!("report:{report_id}:returned"),
        subject: format!("Report {report_id} on measure {measure} was returned"),
        body: signed(
            format!(
                "The ASEAN Secretariat returned report {report_id} ({framework}, measure {measure}, \
                 {state}, effective {effective}).\n\nReason:\n{reason}\n\nCorrect it by recording \
                 a new report for the same measure and date."
            ),
            state,
        ),
        link: format!(
            "/record?framework={framework}&measure={measure}&scope={state}&effective_date={effective}"
        ),
    }
}

/// A round's submission accepted or returned by the Secretariat (`reason`: a return's).
pub fn submission_decided(
    framework: &str,
    round: &str,
    submission_id: i64,
    state: &StateCode,
    reason: Option<&str>,
) -> NoticeDraft {
    let (kind, verb) = match reason {
        Some(_) => (NoticeKind::SubmissionReturned, "returned"),
        None => (NoticeKind::SubmissionAccepted, "accepted"),
    };
    let mut text = format!(
        "The ASEAN Secretariat {verb} the submission of {state} for round {round} of {framework}."
    );
    if let Some(reason) = reason {
        text.push_str(&format!(
            "\n\nReason:\n{reason}\n\nCorrect the reports concerned and submit the round again."
        ));
    }
    NoticeDraft {
        kind,
        state: state.clone(),
        key: format!("submission:{submission_id}:{verb}"),
        subject: format!("Round {round}: your submission was {verb}"),
        body: signed(text, state),
        link: format!("/rounds/{framework}/{round}"),
    }
}

/// The facts of a round a scan needs to word its notices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundFacts<'a> {
    pub framework: &'a str,
    pub round_id: i32,
    pub code: &'a str,
    pub period_end: NaiveDate,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// A time-based notice about a round for one state.
pub fn round_notice(kind: NoticeKind, round: &RoundFacts<'_>, state: &StateCode) -> NoticeDraft {
    let RoundFacts {
        framework,
        round_id,
        code,
        period_end,
        opens_on,
        due_on,
    } = *round;
    let (tag, subject, text) = match kind {
        NoticeKind::RoundDueSoon => (
            "due",
            format!("Round {code} is due on {due_on}"),
            format!(
                "Round {code} of {framework} (statuses as of {period_end}) is due on {due_on} and \
                 {state} has not submitted it yet."
            ),
        ),
        NoticeKind::RoundOverdue => (
            "overdue",
            format!("Round {code} is overdue"),
            format!(
                "Round {code} of {framework} (statuses as of {period_end}) was due on {due_on}; \
                 {state} has not submitted it. A late submission is still accepted (and counted \
                 late)."
            ),
        ),
        _ => (
            "opened",
            format!("Round {code} is open"),
            format!(
                "Round {code} of {framework} opened on {opens_on}: record the statuses of {state} \
                 as of {period_end} and submit the round by {due_on}."
            ),
        ),
    };
    NoticeDraft {
        kind,
        state: state.clone(),
        key: format!("round:{round_id}:{state}:{tag}"),
        subject,
        body: signed(text, state),
        link: format!("/rounds/{framework}/{code}"),
    }
}

/// The wait before attempt `attempts + 1` after `attempts` failed ones: `base`, doubled after
/// every failure, at most `cap`.
pub fn retry_delay(
    base: chrono::Duration,
    attempts: u32,
    cap: chrono::Duration,
) -> chrono::Duration {
    let factor = 1_i32 << attempts.saturating_sub(1).min(20);
    (base * factor).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_states_read_back() {
        for k in NoticeKind::ALL {
            assert_eq!(k.as_str().parse::<NoticeKind>().unwrap(), k);
        }
        for d in Delivery::ALL {
            assert_eq!(d.as_str().parse::<Delivery>().unwrap(), d);
        }
    }

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let m = chrono::Duration::minutes;
        let delays: Vec<i64> = (1..=8)
            .map(|a| retry_delay(m(1), a, m(60)).num_minutes())
            .collect();
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60]);
    }

    #[test]
    fn addresses_are_checked_plainly() {
        assert_eq!(email_problem("focal.idn@example.org"), None);
        for bad in [
            "",
            "x",
            "a@b",
            "@example.org",
            "a b@example.org",
            "a@@example.org",
            "a@example.",
        ] {
            assert!(email_problem(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn the_link_comes_before_the_signature() {
        let d = submission_decided("fw", "R1", 4, &"THA".parse().unwrap(), Some("Missing."));
        let body = mail_body(&d.body, "/rounds/fw/R1");
        let link = body.find("/rounds/fw/R1").unwrap();
        assert!(link < body.find("\n-- \n").unwrap(), "{body}");
        assert!(body.contains("Missing."));
    }

    #[test]
    fn links_are_under_the_public_address_when_known() {
        assert_eq!(full_link(None, "/rounds/x/y"), "/rounds/x/y");
        assert_eq!(
            full_link(Some("https://t.example.org/"), "/rounds/x/y"),
            "https://t.example.org/rounds/x/y"
        );
    }
}
