//! Notifications (issue 16, item 4). Events announce themselves in their own transaction (a
//! report returned: `governance`; a round's submission accepted or returned: `rounds`); the
//! time-based ones (a round opened, due within 7 days, overdue) are found by
//! [`Tracker::scan_notifications`], run by `serve`'s background task and by `notify`. The
//! sender ([`Tracker::deliver_notifications`]) hands pending messages to a [`Mailer`] and
//! records each attempt with its audit record; failures are tried again after 1, 2, 4 …
//! minutes (at most an hour), and given up after [`DeliveryPolicy::max_attempts`].
//!
//! Decisions: notices go to the enabled focal-point accounts of the state concerned (with an
//! address: mailed; without: shown on the account's page only). "Opened" is announced to a
//! state that has not submitted, while the round is open and before its deadline; "due soon"
//! from 7 days before the deadline; "overdue" once the deadline passed with nothing submitted
//! (or the latest submission returned), for rounds whose deadline is at most
//! [`OVERDUE_WINDOW_DAYS`] days past, so that a first start on an old database does not mail
//! about rounds long closed.

use chrono::{DateTime, Duration, FixedOffset, Utc};

use super::rounds::dates;
use super::sessions::SessionUser;
use super::{ServiceResult, Tracker};
use crate::domain::notice::{self, RoundFacts};
use crate::domain::{AuditEntry, Notice, NoticeDraft, NoticeKind, Outgoing, audit::actions};
use crate::engine::rounds::{RoundStanding, completeness, deadline};
use crate::store::Attempt;

/// "Due soon" is announced this many days before the deadline.
pub const DUE_SOON_DAYS: i64 = 7;
/// "Overdue" is announced for rounds whose deadline passed at most this many days ago.
pub const OVERDUE_WINDOW_DAYS: i64 = 30;
/// The most messages one delivery pass sends.
pub const DELIVERY_BATCH: u64 = 200;
/// The most notices listed for an account.
pub const MAX_NOTICES: u64 = 500;

/// Sends one message. The SMTP implementation is `crate::mail::SmtpMailer`; tests may use
/// their own.
pub trait Mailer {
    /// Sends `body` to `to`; an error says why it failed (kept on the outbox row).
    fn send(
        &self,
        to: &str,
        subject: &str,
        body: &str,
    ) -> impl std::future::Future<Output = Result<(), String>> + Send;
}

/// How the sender retries, and the address links are written under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryPolicy {
    /// The wait after the first failure; doubled after each further one.
    pub retry_base: Duration,
    /// The longest wait between attempts.
    pub retry_cap: Duration,
    /// Attempts before a message is given up (`failed`).
    pub max_attempts: u32,
    /// The server's public address (`https://tracker.example.org`): links in mails are made
    /// absolute with it; without, they are paths.
    pub public_url: Option<String>,
}

impl Default for DeliveryPolicy {
    fn default() -> Self {
        Self {
            retry_base: Duration::minutes(1),
            retry_cap: Duration::hours(1),
            max_attempts: 8,
            public_url: None,
        }
    }
}

/// What one delivery pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DeliveryOutcome {
    pub sent: usize,
    /// Failed, to be tried again.
    pub retrying: usize,
    /// Failed for the last time.
    pub failed: usize,
}

/// The date in the easternmost ASEAN time zone at `now` (as [`super::today`] at this instant).
fn today_at(now: DateTime<Utc>) -> chrono::NaiveDate {
    FixedOffset::east_opt(9 * 3600).map_or_else(
        || now.date_naive(),
        |tz| now.with_timezone(&tz).date_naive(),
    )
}

impl Tracker {
    /// Finds the time-based notices due at `now` (rounds opened, due soon, overdue) in every
    /// framework and writes them to the outbox; a notice written before is not written again.
    /// Returns how many outbox rows were added.
    ///
    /// # Errors
    /// The store fails.
    pub async fn scan_notifications(&self, now: DateTime<Utc>) -> ServiceResult<usize> {
        let today = today_at(now);
        let mut drafts: Vec<NoticeDraft> = Vec::new();
        for summary in self.store.frameworks().await? {
            let fw = summary.framework;
            let rounds = self.store.rounds(fw.id, &fw.code).await?;
            if rounds.is_empty() {
                continue;
            }
            let participations = self.store.participations(fw.id).await?;
            let mut logs = self.store.round_submissions(fw.id, &rounds).await?;
            for round in &rounds {
                let due = deadline(round.due_on);
                if today < round.opens_on || now >= due + Duration::days(OVERDUE_WINDOW_DAYS) {
                    continue;
                }
                let log = logs.remove(&round.id).unwrap_or_default();
                let figures = completeness(dates(round), &participations, &log, now);
                let facts = RoundFacts {
                    framework: &fw.code,
                    round_id: round.id,
                    code: &round.code,
                    period_end: round.period_end,
                    opens_on: round.opens_on,
                    due_on: round.due_on,
                };
                for p in &figures.states {
                    let mut kinds = Vec::new();
                    match p.standing {
                        RoundStanding::Open => {
                            kinds.push(NoticeKind::RoundOpened);
                            if now >= due - Duration::days(DUE_SOON_DAYS) {
                                kinds.push(NoticeKind::RoundDueSoon);
                            }
                        }
                        RoundStanding::Returned if now < due => {
                            if now >= due - Duration::days(DUE_SOON_DAYS) {
                                kinds.push(NoticeKind::RoundDueSoon);
                            }
                        }
                        RoundStanding::Missing | RoundStanding::Returned => {
                            kinds.push(NoticeKind::RoundOverdue);
                        }
                        RoundStanding::SubmittedOnTime | RoundStanding::SubmittedLate => {}
                    }
                    drafts.extend(
                        kinds
                            .into_iter()
                            .map(|k| notice::round_notice(k, &facts, &p.state)),
                    );
                }
            }
        }
        Ok(self.store.enqueue_notices(&drafts, now).await?)
    }

    /// The notices addressed to the signed-in account, newest first (at most `limit`, capped
    /// at [`MAX_NOTICES`]), whatever their delivery: what its page shows.
    ///
    /// # Errors
    /// The store fails.
    pub async fn notices_for(
        &self,
        session: &SessionUser,
        limit: u64,
    ) -> ServiceResult<Vec<Notice>> {
        Ok(self
            .store
            .notices_for(session.user.id, limit.min(MAX_NOTICES))
            .await?)
    }

    /// The messages a delivery pass at `now` would send (pending, with an address, due),
    /// oldest first; nothing is changed.
    ///
    /// # Errors
    /// The store fails.
    pub async fn pending_notifications(&self, now: DateTime<Utc>) -> ServiceResult<Vec<Outgoing>> {
        Ok(self.store.due_notifications(now, DELIVERY_BATCH).await?)
    }

    /// Sends the messages due at `now` through `mailer`, one at a time, recording each
    /// attempt (sent, retried later, or given up) with its audit record
    /// (`notification.sent`, `notification.failed`).
    ///
    /// # Errors
    /// The store fails (a failed send is not an error: it is recorded).
    pub async fn deliver_notifications(
        &self,
        mailer: &impl Mailer,
        policy: &DeliveryPolicy,
        now: DateTime<Utc>,
    ) -> ServiceResult<DeliveryOutcome> {
        let mut outcome = DeliveryOutcome::default();
        for message in self.store.due_notifications(now, DELIVERY_BATCH).await? {
            let link = notice::full_link(policy.public_url.as_deref(), &message.link);
            let body = notice::mail_body(&message.body, &link);
            let result = mailer.send(&message.email, &message.subject, &body).await;
            let at = super::now();
            let attempts = message.attempts.saturating_add(1);
            let (attempt, action) = match result {
                Ok(()) => {
                    outcome.sent += 1;
                    (Attempt::Sent, actions::NOTIFICATION_SENT)
                }
                Err(error) => {
                    let retry_at = (attempts < policy.max_attempts).then(|| {
                        at + notice::retry_delay(policy.retry_base, attempts, policy.retry_cap)
                    });
                    if retry_at.is_some() {
                        outcome.retrying += 1;
                    } else {
                        outcome.failed += 1;
                    }
                    tracing::warn!(
                        notification = message.id,
                        attempts,
                        error = %error,
                        "sending a notification failed"
                    );
                    (
                        Attempt::Failed { error, retry_at },
                        actions::NOTIFICATION_FAILED,
                    )
                }
            };
            let detail = match &attempt {
                Attempt::Sent => serde_json::json!({
                    "notification": message.id, "kind": message.kind.as_str(),
                    "to": message.email, "attempt": attempts,
                }),
                Attempt::Failed { error, retry_at } => serde_json::json!({
                    "notification": message.id, "kind": message.kind.as_str(),
                    "to": message.email, "attempt": attempts, "error": error,
                    "retry_at": retry_at, "given_up": retry_at.is_none(),
                }),
            };
            let audit = AuditEntry {
                actor_id: None,
                actor_name: Some("notifier".to_owned()),
                actor_role: None,
                address: None,
                action,
                framework: None,
                target: Some(format!("notification {}", message.id)),
                detail,
            };
            self.store
                .record_attempt(message.id, &attempt, &audit, at)
                .await?;
        }
        Ok(outcome)
    }
}
