//! `notify`: the notifications' outbox from the terminal. `notify --dry-run` scans for the
//! notices due now and lists, one line each, the messages a delivery would send (recipient,
//! kind, subject) without sending or marking anything; `notify` sends them once over
//! `--smtp-url` and exits. The same SMTP options start `serve`'s background sender.

use std::io::Write;
use std::time::Duration;

use clap::Args;

use super::{explain, open};
use crate::mail::SmtpMailer;
use crate::service::{DeliveryPolicy, Tracker, now};

/// SMTP and delivery options, shared by `serve` and `notify`.
#[derive(Debug, Clone, Args)]
pub struct SmtpArgs {
    /// The SMTP server notifications are sent through: `smtp://host:25` (plain),
    /// `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host:465`.
    /// Without it nothing is mailed; notices are still queued and shown to their accounts.
    #[arg(long, env = "BLUEPRINT_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of notifications.
    #[arg(
        long,
        env = "BLUEPRINT_SMTP_FROM",
        default_value = "blueprint-tracker <noreply@localhost>"
    )]
    pub smtp_from: String,
    /// The server's public address (`https://tracker.example.org`): links in mails are made
    /// absolute with it (paths otherwise).
    #[arg(long, env = "BLUEPRINT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Seconds between two passes of the background sender (scan, then send).
    #[arg(long, env = "BLUEPRINT_NOTIFY_INTERVAL", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    pub notify_interval: u64,
    /// Seconds before a failed message is tried again; doubled after each failure, at most an
    /// hour; given up after 8 attempts.
    #[arg(long, env = "BLUEPRINT_NOTIFY_RETRY_SECONDS", default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..))]
    pub notify_retry_seconds: u64,
}

impl SmtpArgs {
    pub fn policy(&self) -> DeliveryPolicy {
        DeliveryPolicy {
            retry_base: chrono::Duration::seconds(
                i64::try_from(self.notify_retry_seconds).unwrap_or(60),
            ),
            public_url: self.public_url.clone(),
            ..DeliveryPolicy::default()
        }
    }

    /// The mailer, when `--smtp-url` is given.
    ///
    /// # Errors
    /// The URL or the sender cannot be read.
    pub fn mailer(&self) -> anyhow::Result<Option<SmtpMailer>> {
        self.smtp_url
            .as_deref()
            .map(|url| SmtpMailer::new(url, &self.smtp_from).map_err(anyhow::Error::msg))
            .transpose()
    }

    pub fn interval(&self) -> Duration {
        Duration::from_secs(self.notify_interval)
    }
}

#[derive(Debug, Args)]
pub struct NotifyArgs {
    /// List what would be sent now (after a scan), without sending or marking anything.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub smtp: SmtpArgs,
}

pub async fn notify(database_url: &str, args: NotifyArgs) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let at = now();
    let queued = tracker.scan_notifications(at).await.map_err(explain)?;
    let mut out = std::io::stdout().lock();
    if args.dry_run {
        let pending = tracker.pending_notifications(at).await.map_err(explain)?;
        for m in &pending {
            writeln!(out, "{}\t{}\t{}", m.email, m.kind.as_str(), m.subject)?;
        }
        writeln!(
            out,
            "{} message(s) would be sent ({queued} newly queued by this scan); nothing was sent",
            pending.len()
        )?;
        return Ok(());
    }
    let Some(mailer) = args.smtp.mailer()? else {
        anyhow::bail!("--smtp-url (or BLUEPRINT_SMTP_URL) is needed to send; --dry-run lists");
    };
    let outcome = deliver(&tracker, &mailer, &args.smtp, at).await?;
    writeln!(
        out,
        "{} sent, {} to be tried again, {} given up ({queued} newly queued by this scan)",
        outcome.sent, outcome.retrying, outcome.failed
    )?;
    Ok(())
}

async fn deliver(
    tracker: &Tracker,
    mailer: &SmtpMailer,
    smtp: &SmtpArgs,
    at: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<crate::service::DeliveryOutcome> {
    tracker
        .deliver_notifications(mailer, &smtp.policy(), at)
        .await
        .map_err(explain)
}
