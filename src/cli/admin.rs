//! `user`, `token`, `lock`, `unlock` and `audit`: the operator at the server's terminal. Account
//! and token commands act as the terminal itself (audited as `terminal` from `local`); `lock`
//! and `unlock` act on behalf of an account named with `--as`, whose role must allow it.

use std::io::{BufRead, Write};

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Subcommand};

use super::{RoleArg, explain, open};
use crate::domain::{Actor, AuditFilter, Secret, StateCode};
use crate::service::{NewAccount, NewApiToken, Tracker};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account and print its API token (the last line of the output; shown once).
    Add(UserAddArgs),
    /// List the accounts.
    List,
    /// Disable an account: its tokens stop working and its web sessions end.
    Disable(UserName),
    /// Enable a disabled account again.
    Enable(UserName),
    /// Set an account's web password, read from the first line of standard input.
    Password(UserName),
    /// Set an account's e-mail address, where its notifications are mailed (`--clear`
    /// removes it).
    Email(EmailArgs),
    /// Turn the second factor (TOTP) on for an admin or secretariat account and print its
    /// secret and otpauth:// URI (shown once); `--off` turns it off.
    Totp(TotpArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The account's name (unique).
    pub name: String,
    /// What the account may do.
    #[arg(long, value_enum, env = "BLUEPRINT_USER_ROLE")]
    pub role: RoleArg,
    /// The member state of a focal point (alpha-3 code, e.g. VNM).
    #[arg(long, env = "BLUEPRINT_USER_STATE")]
    pub state: Option<String>,
    /// Also set a web password, read from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
    /// Where the account's notifications are mailed.
    #[arg(long, env = "BLUEPRINT_USER_EMAIL")]
    pub email: Option<String>,
}

#[derive(Debug, Args)]
pub struct EmailArgs {
    pub name: String,
    /// The address (`focal.idn@example.org`).
    #[arg(required_unless_present = "clear")]
    pub address: Option<String>,
    /// Remove the address instead: notifications are then only shown in the pages.
    #[arg(long, conflicts_with = "address")]
    pub clear: bool,
}

#[derive(Debug, Args)]
pub struct UserName {
    pub name: String,
}

#[derive(Debug, Args)]
pub struct TotpArgs {
    pub name: String,
    /// Turn it off instead.
    #[arg(long)]
    pub off: bool,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for an account and print it (shown once).
    Create(TokenCreateArgs),
    /// List an account's tokens (never the tokens themselves).
    List(UserName),
    /// Revoke one of an account's tokens by its id (from `token list`).
    Revoke(TokenRevokeArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The account.
    pub user: String,
    /// A name that says where the token is used.
    #[arg(long, default_value = "cli")]
    pub name: String,
    /// When it stops working (RFC 3339, e.g. 2027-06-30T00:00:00Z).
    #[arg(long)]
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Args)]
pub struct TokenRevokeArgs {
    pub user: String,
    pub id: i64,
}

#[derive(Debug, Args)]
pub struct LockArgs {
    /// The framework's code.
    #[arg(long, short)]
    pub framework: String,
    /// The cut-off: reports effective on or before it are refused afterwards.
    #[arg(long)]
    pub until: Option<NaiveDate>,
    /// Why (e.g. "End-Term Review data cut-off").
    #[arg(long)]
    pub note: Option<String>,
    /// The account acting (admin or secretariat).
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: Option<String>,
    /// List the framework's locks instead.
    #[arg(long, conflicts_with_all = ["until", "note"])]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct UnlockArgs {
    #[arg(long, short)]
    pub framework: String,
    /// The lock's id (from `lock --list`).
    pub id: i64,
    /// The admin account acting.
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: String,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Only this account's records.
    #[arg(long)]
    pub actor: Option<String>,
    /// Only this action (`status.record`) or kind (`status`, `user`, `lock`, …).
    #[arg(long)]
    pub action: Option<String>,
    /// Only this framework's records.
    #[arg(long, short)]
    pub framework: Option<String>,
    /// From this date on (UTC).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// How many, newest first.
    #[arg(long, default_value_t = 50)]
    pub limit: u64,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

fn read_password() -> anyhow::Result<Secret> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(Secret::new(line.trim_end_matches(['\r', '\n'])))
}

pub(super) async fn acting(tracker: &Tracker, name: &str) -> anyhow::Result<Actor> {
    let user = tracker.account(name).await.map_err(explain)?;
    if user.disabled {
        anyhow::bail!("the account `{name}` is disabled");
    }
    Ok(Actor::new(user, Some("local".to_owned())))
}

pub async fn user(database_url: &str, command: UserCommand) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let mut out = std::io::stdout().lock();
    match command {
        UserCommand::Add(args) => {
            let state = args
                .state
                .as_deref()
                .map(str::parse::<StateCode>)
                .transpose()
                .map_err(|e| anyhow::anyhow!("--state: {e}"))?;
            let password = if args.password_stdin {
                Some(read_password()?)
            } else {
                None
            };
            let account = NewAccount {
                name: args.name,
                role: args.role.into(),
                state,
                password,
                email: args.email,
            };
            let (user, token) = tracker
                .create_account(None, &account)
                .await
                .map_err(explain)?;
            writeln!(out, "created account `{}` (role {})", user.name, user.role)?;
            if let Some(state) = &user.state {
                writeln!(out, "member state: {state}")?;
            }
            writeln!(
                out,
                "API token (shown once; send it as `Authorization: Bearer <token>`):"
            )?;
            writeln!(out, "{}", token.expose())?;
        }
        UserCommand::Email(args) => {
            let address = if args.clear {
                None
            } else {
                args.address.as_deref()
            };
            let user = tracker
                .set_email(None, &args.name, address)
                .await
                .map_err(explain)?;
            match address {
                Some(a) => writeln!(out, "account `{}`: notifications go to {a}", user.name)?,
                None => writeln!(
                    out,
                    "account `{}`: no e-mail address; notifications are shown in the pages only",
                    user.name
                )?,
            }
        }
        UserCommand::List => {
            let accounts = tracker.accounts(None).await.map_err(explain)?;
            writeln!(
                out,
                "{:<24} {:<12} {:<6} {:<9} {:<8} {:<10} email",
                "name", "role", "state", "password", "status", "created"
            )?;
            for a in accounts {
                writeln!(
                    out,
                    "{:<24} {:<12} {:<6} {:<9} {:<8} {:<10} {}",
                    a.user.name,
                    a.user.role.as_str(),
                    a.user.state.as_ref().map_or("-", StateCode::as_str),
                    match (a.has_password, a.second_factor) {
                        (true, true) => "yes+totp",
                        (true, false) => "yes",
                        _ => "no",
                    },
                    if a.user.disabled {
                        "disabled"
                    } else {
                        "active"
                    },
                    a.created_at.format("%Y-%m-%d").to_string(),
                    a.email.as_deref().unwrap_or("-")
                )?;
            }
        }
        UserCommand::Disable(UserName { name }) => {
            tracker
                .set_account_disabled(None, &name, true)
                .await
                .map_err(explain)?;
            writeln!(
                out,
                "account `{name}` disabled: its tokens and sessions no longer work"
            )?;
        }
        UserCommand::Enable(UserName { name }) => {
            tracker
                .set_account_disabled(None, &name, false)
                .await
                .map_err(explain)?;
            writeln!(out, "account `{name}` enabled")?;
        }
        UserCommand::Password(UserName { name }) => {
            let password = read_password()?;
            tracker
                .set_password(None, &name, &password)
                .await
                .map_err(explain)?;
            writeln!(out, "password of `{name}` set; its web sessions ended")?;
        }
        UserCommand::Totp(args) => {
            let secret = tracker
                .set_second_factor(None, &args.name, !args.off)
                .await
                .map_err(explain)?;
            match secret {
                Some(secret) => {
                    writeln!(
                        out,
                        "second factor on for `{}`; add it to an authenticator app (shown once):",
                        args.name
                    )?;
                    writeln!(out, "secret: {}", secret.expose())?;
                    writeln!(
                        out,
                        "{}",
                        crate::service::totp::otpauth_uri(&args.name, secret.expose())
                    )?;
                }
                None => writeln!(out, "second factor off for `{}`", args.name)?,
            }
        }
    }
    Ok(())
}

pub async fn token(database_url: &str, command: TokenCommand) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let mut out = std::io::stdout().lock();
    match command {
        TokenCommand::Create(args) => {
            let (info, token) = tracker
                .create_token(
                    None,
                    &args.user,
                    &NewApiToken {
                        name: args.name,
                        expires_at: args.expires_at,
                    },
                )
                .await
                .map_err(explain)?;
            writeln!(
                out,
                "token {} `{}` for `{}`{} (shown once):",
                info.id,
                info.name,
                args.user,
                info.expires_at
                    .map(|e| format!(", expires {}", e.to_rfc3339()))
                    .unwrap_or_default()
            )?;
            writeln!(out, "{}", token.expose())?;
        }
        TokenCommand::List(UserName { name }) => {
            let tokens = tracker.tokens(None, &name).await.map_err(explain)?;
            writeln!(
                out,
                "{:>5} {:<20} {:<20} {:<20} status",
                "id", "name", "created", "expires"
            )?;
            for t in tokens {
                let status = match (t.revoked_at, t.expires_at) {
                    (Some(_), _) => "revoked",
                    (None, Some(e)) if e <= crate::service::now() => "expired",
                    _ => "live",
                };
                writeln!(
                    out,
                    "{:>5} {:<20} {:<20} {:<20} {status}",
                    t.id,
                    t.name,
                    t.created_at.format("%Y-%m-%d %H:%M"),
                    t.expires_at.map_or_else(
                        || "-".to_owned(),
                        |e| e.format("%Y-%m-%d %H:%M").to_string()
                    ),
                )?;
            }
        }
        TokenCommand::Revoke(args) => {
            let info = tracker
                .revoke_token(None, &args.user, args.id)
                .await
                .map_err(explain)?;
            writeln!(
                out,
                "token {} `{}` of `{}` revoked",
                info.id, info.name, args.user
            )?;
        }
    }
    Ok(())
}

pub async fn lock(database_url: &str, args: LockArgs) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let mut out = std::io::stdout().lock();
    if args.list {
        let locks = tracker.locks(&args.framework).await.map_err(explain)?;
        writeln!(
            out,
            "{:>4} {:<10} {:<8} {:<16} {:<16} note",
            "id", "until", "state", "by", "created"
        )?;
        for l in locks {
            writeln!(
                out,
                "{:>4} {:<10} {:<8} {:<16} {:<16} {}",
                l.id,
                l.until,
                if l.released_at.is_some() {
                    "released"
                } else {
                    "holds"
                },
                l.created_by.as_deref().unwrap_or("-"),
                l.created_at.format("%Y-%m-%d %H:%M"),
                l.note.as_deref().unwrap_or("")
            )?;
        }
        return Ok(());
    }
    let (Some(until), Some(actor)) = (args.until, args.actor.as_deref()) else {
        anyhow::bail!(
            "give --until YYYY-MM-DD and --as ACCOUNT (an admin or secretariat account), or --list"
        );
    };
    let actor = acting(&tracker, actor).await?;
    let lock = tracker
        .lock(&actor, &args.framework, until, args.note.as_deref())
        .await
        .map_err(explain)?;
    writeln!(
        out,
        "lock {} on {}: reports effective on or before {} are refused from now on",
        lock.id, lock.framework, lock.until
    )?;
    Ok(())
}

pub async fn unlock(database_url: &str, args: UnlockArgs) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let actor = acting(&tracker, &args.actor).await?;
    let lock = tracker
        .unlock(&actor, &args.framework, args.id)
        .await
        .map_err(explain)?;
    println!(
        "lock {} on {} (until {}) released",
        lock.id, lock.framework, lock.until
    );
    Ok(())
}

pub async fn audit(database_url: &str, args: AuditArgs) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let filter = AuditFilter {
        actor: args.actor,
        action: args.action,
        framework: args.framework,
        from: args
            .from
            .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc()),
        to: None,
        before: None,
        limit: args.limit,
    };
    let events = tracker.audit_trail(None, filter).await.map_err(explain)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        for e in events {
            writeln!(out, "{}", serde_json::to_string(&e)?)?;
        }
        return Ok(());
    }
    writeln!(
        out,
        "{:>6} {:<20} {:<16} {:<15} {:<24} {:<22} target",
        "id", "at (UTC)", "who", "from", "action", "framework"
    )?;
    for e in events {
        writeln!(
            out,
            "{:>6} {:<20} {:<16} {:<15} {:<24} {:<22} {}",
            e.id,
            e.at.format("%Y-%m-%d %H:%M:%S"),
            e.actor.as_deref().unwrap_or("-"),
            e.address.as_deref().unwrap_or("-"),
            e.action,
            e.framework.as_deref().unwrap_or("-"),
            e.target.as_deref().unwrap_or("")
        )?;
    }
    Ok(())
}
