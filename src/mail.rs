//! Mail over SMTP with lettre (async, tokio): the [`Mailer`] `serve` and `notify` use.
//!
//! `--smtp-url` takes lettre's URL form: `smtp://host:25` (plain, for a relay on the same
//! machine or network), `smtp://user:pass@host:587?tls=required` (STARTTLS) or
//! `smtps://user:pass@host:465` (TLS from the start); TLS is rustls with the web PKI roots.

use std::time::Duration;

use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::service::Mailer;

/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(20);

/// A mailer that hands each message to one SMTP server.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// A mailer for the server at `url`, sending as `from` (`Tracker <tracker@example.org>`).
    ///
    /// # Errors
    /// The URL or the sender's address cannot be read.
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| format!("--smtp-from `{from}`: {e}"))?;
        Ok(Self { transport, from })
    }
}

impl Mailer for SmtpMailer {
    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to = to
            .parse::<Mailbox>()
            .map_err(|e| format!("the address `{to}`: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| format!("building the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The background task of `serve`: every `interval`, scans for the notices due (rounds
/// opened, due soon, overdue) and, with a mailer, sends the pending messages. Failures are
/// logged and tried again on the next pass; it never touches request handling. Returns when
/// `stop` turns true (or its sender is dropped), after the pass in progress.
pub async fn run_notifier(
    tracker: crate::service::Tracker,
    mailer: Option<SmtpMailer>,
    policy: crate::service::DeliveryPolicy,
    interval: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        if *stop.borrow() {
            break;
        }
        let now = crate::service::now();
        match tracker.scan_notifications(now).await {
            Ok(0) => {}
            Ok(added) => tracing::info!(added, "notifications queued"),
            Err(e) => tracing::warn!(error = %e, "scanning for notifications failed"),
        }
        if let Some(mailer) = &mailer {
            match tracker.deliver_notifications(mailer, &policy, now).await {
                Ok(o) if o.sent + o.retrying + o.failed == 0 => {}
                Ok(o) => tracing::info!(
                    sent = o.sent,
                    retrying = o.retrying,
                    failed = o.failed,
                    "notifications delivered"
                ),
                Err(e) => tracing::warn!(error = %e, "delivering notifications failed"),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            changed = stop.changed() => {
                if changed.is_err() {
                    break;
                }
            }
        }
    }
    tracing::info!("notifier stopped");
}
