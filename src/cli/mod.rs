//! The command line: `serve`, `migrate`, `user add`, `progress`, `demo`, `import`, `template`,
//! `export`, `framework`, `claim`, `edition`. Every option can also come from an environment variable (shown in
//! `--help`). Output for people goes to stdout, diagnostics to
//! stderr; a command that fails exits non-zero with one line saying why.

mod admin;
mod backup;
mod claims;
mod figures;
mod indicators;
mod notify;
mod rounds;
mod transfer;

use std::io::Write;
use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::domain::{Role, Scope};
use crate::service::{FigureQuery, ServiceError, Tracker, today};

pub use figures::Format;

/// The default database: a SQLite file in the working directory, created on first run.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://blueprint-tracker.db?mode=rwc";

#[derive(Debug, Parser)]
#[command(
    name = "blueprint-tracker",
    version,
    about = "Tracks the implementation of the ASEAN Socio-Cultural Community's strategic measures",
    propagate_version = true
)]
pub struct Cli {
    /// Database URL: `sqlite://FILE?mode=rwc` (default, created if missing) or `postgres://…`.
    #[arg(long, env = "DATABASE_URL", global = true, default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API: creates the database, migrates it and loads the reference data first.
    Serve(ServeArgs),
    /// Create or upgrade the schema and load the reference data, then exit.
    Migrate,
    /// Manage accounts: add, list, disable, enable, password, totp.
    #[command(subcommand)]
    User(admin::UserCommand),
    /// Manage API tokens: create, list, revoke.
    #[command(subcommand)]
    Token(admin::TokenCommand),
    /// Lock a framework up to a review cut-off date (or list its locks).
    Lock(admin::LockArgs),
    /// Release a lock (admins).
    Unlock(admin::UnlockArgs),
    /// Reporting rounds: create, plan, list, show, submit, accept, return.
    #[command(subcommand)]
    Round(rounds::RoundCommand),
    /// Published figures (claims): add, import, list (each checked against the data under
    /// every rule, as known on its publication day and now).
    #[command(subcommand)]
    Claim(claims::ClaimCommand),
    /// Review editions: create (freeze a review as known now), list, download (byte for
    /// byte as frozen).
    #[command(subcommand)]
    Edition(claims::EditionCommand),
    /// Notifications: scan for the notices due and send the pending ones once over
    /// `--smtp-url`, or (`--dry-run`) list what would be sent.
    Notify(notify::NotifyArgs),
    /// Show the audit trail, newest first.
    Audit(admin::AuditArgs),
    /// Print a framework's rates in one scope, overall and per node (as `GET …/progress`).
    Progress(ProgressArgs),
    /// Print every indicator's progress in one scope as of a date: baseline, target, latest
    /// value, current status, expected, anticipated progress and class (DESIGN.md §2b).
    Indicators(IndicatorsArgs),
    /// Render the review report of a framework as of a date into a folder.
    Report(ReportArgs),
    /// Draw the report's charts from a report's JSON figures (`report --format json`), without
    /// a database.
    Charts(ChartsArgs),
    /// Load the illustrative demo scenario, or (`--synthetic`) a synthetic framework of any
    /// size for benchmarks.
    Demo(DemoArgs),
    /// Import status reports, indicator definitions with targets, or indicator observations
    /// (CSV, XLSX; observations also SDMX-CSV).
    #[command(subcommand)]
    Import(transfer::ImportCommand),
    /// Write a status or observations template (CSV or XLSX) of a framework for one scope, to
    /// fill and import.
    Template(transfer::TemplateArgs),
    /// Export statuses as of a date, progress figures, reports' history, indicator
    /// definitions, observations or indicator progress (CSV, XLSX, SDMX-CSV).
    Export(transfer::ExportArgs),
    /// Load or update a framework from a file.
    #[command(subcommand)]
    Framework(transfer::FrameworkCommand),
    /// Write a consistent copy of the database while the server runs (SQLite: VACUUM INTO;
    /// PostgreSQL: pg_dump), then check it.
    Backup(backup::BackupArgs),
    /// Check a backup: integrity, counts, every report with its audit record.
    Verify(backup::VerifyArgs),
    /// Put a backup in place of the database (stop the server first).
    Restore(backup::RestoreArgs),
}

#[derive(Debug, Args)]
pub struct ProgressArgs {
    /// The framework's code (`ascc-strategic-plan`, `ascc-blueprint-2025`).
    #[arg(long, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: String,
    /// The date the figures hold on (YYYY-MM-DD; default: today in UTC+9).
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Count only reports recorded by this instant (RFC 3339), to reproduce a publication.
    #[arg(long)]
    pub known_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `ASEAN` (regional, the default) or a participating member state (alpha-3 code).
    #[arg(long, default_value = "ASEAN")]
    pub scope: String,
    /// The level of the rows (a level name such as goal, objective, measure; default: the top).
    #[arg(long)]
    pub level: Option<String>,
    /// Only the measures under this node.
    #[arg(long)]
    pub node: Option<String>,
    /// Only the measures led by this sectoral body.
    #[arg(long)]
    pub body: Option<String>,
    /// `reported` (every report in force, the default) or `validated` (only reports the
    /// Secretariat validated).
    #[arg(long, default_value = "reported")]
    pub basis: String,
    /// How to print.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct IndicatorsArgs {
    /// The framework's code (`ascc-strategic-plan`).
    #[arg(long, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: String,
    /// The date the figures hold on (YYYY-MM-DD; default: today in UTC+9).
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Count only what was recorded by this instant (RFC 3339), to reproduce a publication.
    #[arg(long)]
    pub known_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `ASEAN` (regional, with the mean of the member states beside it; the default) or a
    /// participating member state (alpha-3 code).
    #[arg(long, default_value = "ASEAN")]
    pub scope: String,
    /// `reported` (every observation not returned, the default) or `validated`.
    #[arg(long, default_value = "reported")]
    pub basis: String,
    /// How to print.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The framework's code (`ascc-strategic-plan`, `ascc-blueprint-2025`).
    #[arg(long, env = "BLUEPRINT_FRAMEWORK")]
    pub framework: String,
    /// The date the figures hold on (YYYY-MM-DD; default: today in UTC+9).
    #[arg(long)]
    pub as_of: Option<chrono::NaiveDate>,
    /// Count only reports recorded by this instant (RFC 3339), to reproduce a publication.
    #[arg(long)]
    pub known_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Formats, comma-separated: html, pdf, docx (Word), csv, json, png (every chart), svg
    /// (every chart).
    #[arg(long, value_delimiter = ',', default_value = "html,pdf")]
    pub format: Vec<String>,
    /// The folder to write into (created if missing).
    #[arg(long, default_value = ".")]
    pub out: std::path::PathBuf,
    /// The generation time printed on the cover (default: now); fixed for reproducible examples.
    #[arg(long, env = "BLUEPRINT_GENERATED_AT")]
    pub generated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// `reported` (every report in force, the default) or `validated` (only reports the
    /// Secretariat validated); the other basis is printed beside where it differs.
    #[arg(long, default_value = "reported")]
    pub basis: String,
    /// The organisation issuing the report, printed on its cover ("ASEAN Secretariat");
    /// without it, the cover names no issuer.
    #[arg(long, env = "BLUEPRINT_ORG_NAME")]
    pub org_name: Option<String>,
    /// The issuing organisation's logo, a PNG file of at most 1 MiB, printed on the cover above
    /// its name (at most 20 mm tall).
    #[arg(long, env = "BLUEPRINT_LOGO")]
    pub logo: Option<std::path::PathBuf>,
    /// An executive summary in Markdown (UTF-8, at most 64 KiB), printed first.
    #[arg(long, value_name = "FILE.md")]
    pub summary: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct ChartsArgs {
    /// A report's figures as JSON (`report --format json`).
    #[arg(long)]
    pub data: std::path::PathBuf,
    /// png, svg, or both (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "png")]
    pub format: Vec<String>,
    /// Also draw the regional trend chart of these indicators (codes, comma-separated; `all`
    /// for every indicator in the report).
    #[arg(long, value_delimiter = ',')]
    pub indicator: Vec<String>,
    /// The folder to write into (created if missing).
    #[arg(long, default_value = ".")]
    pub out: std::path::PathBuf,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Load the synthetic benchmark framework (`synthetic`) instead of the demo scenario.
    #[arg(long)]
    pub synthetic: bool,
    /// Synthetic: how many strategic measures.
    #[arg(long, default_value_t = 2000, requires = "synthetic")]
    pub measures: usize,
    /// Synthetic: how many reports per (measure, scope) pair (12 scopes).
    #[arg(long, default_value_t = 40, requires = "synthetic")]
    pub reports_per_pair: usize,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port, printed on start).
    #[arg(long, env = "BLUEPRINT_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Also load the illustrative demo scenario (invented status reports, clearly labelled).
    #[arg(long, env = "BLUEPRINT_DEMO")]
    pub demo: bool,
    /// Require a login or an API token for every read too (only /healthz and /login stay open).
    #[arg(long, env = "BLUEPRINT_PRIVATE")]
    pub private: bool,
    /// Browsers reach the server over HTTPS (a proxy in front): session cookies are `Secure`
    /// and `Strict-Transport-Security` is sent.
    #[arg(long, env = "BLUEPRINT_BEHIND_TLS")]
    pub behind_tls: bool,
    /// A web session ends after this many minutes without a request.
    #[arg(long, env = "BLUEPRINT_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: u32,
    /// A web session ends this many hours after login in any case.
    #[arg(long, env = "BLUEPRINT_SESSION_HOURS", default_value_t = 12)]
    pub session_hours: u32,
    /// Failed web logins allowed for one account within the login window; further attempts
    /// at that account are refused (429) until failures leave the window.
    #[arg(long, env = "BLUEPRINT_LOGIN_FAILURES", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_failures: u32,
    /// Failed web logins allowed for one account from one client address within the window
    /// (worth setting below `--login-failures` only).
    #[arg(long, env = "BLUEPRINT_LOGIN_FAILURES_PER_ADDRESS", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_failures_per_address: u32,
    /// The login throttle's window, in minutes.
    #[arg(long, env = "BLUEPRINT_LOGIN_WINDOW_MINUTES", default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..))]
    pub login_window_minutes: u32,
    /// Writes per second allowed per account (bursts of twice that); 0 for no limit.
    #[arg(long, env = "BLUEPRINT_WRITE_RATE", default_value_t = 200)]
    pub write_rate: u32,
    /// Connections served at once; more wait in the system's queue until one closes.
    #[arg(long, env = "BLUEPRINT_MAX_CONNECTIONS", default_value_t = 512, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,
    /// Seconds a connection may stay silent (after it opened, or after a response) before it
    /// is closed.
    #[arg(long, env = "BLUEPRINT_IDLE_TIMEOUT", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..))]
    pub idle_timeout: u64,
    /// Seconds a client has to send a request's whole head (headers), counted from when the
    /// server starts waiting for it.
    #[arg(long, env = "BLUEPRINT_HEADER_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub header_timeout: u64,
    /// A reverse proxy in front (an address or a CIDR range, repeatable) whose
    /// `X-Forwarded-For` names the client; without one the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "BLUEPRINT_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<String>,
    /// Seconds given to requests in flight after SIGTERM or Ctrl-C; then the server exits.
    #[arg(long, env = "BLUEPRINT_SHUTDOWN_TIMEOUT", default_value_t = 10)]
    pub shutdown_timeout: u64,
    /// The organisation issuing the reports the service renders (the API's report, review
    /// editions), printed on their covers ("ASEAN Secretariat").
    #[arg(long, env = "BLUEPRINT_ORG_NAME")]
    pub org_name: Option<String>,
    /// The issuing organisation's logo, a PNG file of at most 1 MiB, printed on the covers
    /// above its name; checked at start (a bad file stops `serve`).
    #[arg(long, env = "BLUEPRINT_LOGO")]
    pub logo: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub smtp: notify::SmtpArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Admin,
    Secretariat,
    #[value(name = "focal_point", alias = "focal-point")]
    FocalPoint,
    Viewer,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Role::Admin,
            RoleArg::Secretariat => Role::Secretariat,
            RoleArg::FocalPoint => Role::FocalPoint,
            RoleArg::Viewer => Role::Viewer,
        }
    }
}

/// Runs a parsed command line.
///
/// # Errors
/// Whatever the command failed on, with context for the user.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve(&cli.database_url, args).await,
        Command::Backup(args) => backup::run_backup(&cli.database_url, args).await,
        Command::Verify(args) => backup::run_verify(args).await,
        Command::Restore(args) => backup::run_restore(&cli.database_url, args).await,
        Command::Migrate => {
            let (_, loaded) = open(&cli.database_url).await?;
            println!(
                "database ready: {} frameworks, {} nodes, {} member states, {} sectoral bodies, {} activities added",
                loaded.frameworks,
                loaded.nodes,
                loaded.member_states,
                loaded.sectoral_bodies,
                loaded.activities
            );
            Ok(())
        }
        Command::User(command) => admin::user(&cli.database_url, command).await,
        Command::Token(command) => admin::token(&cli.database_url, command).await,
        Command::Lock(args) => admin::lock(&cli.database_url, args).await,
        Command::Unlock(args) => admin::unlock(&cli.database_url, args).await,
        Command::Round(command) => rounds::round(&cli.database_url, command).await,
        Command::Claim(command) => claims::claim(&cli.database_url, command).await,
        Command::Edition(command) => claims::edition(&cli.database_url, command).await,
        Command::Audit(args) => admin::audit(&cli.database_url, args).await,
        Command::Notify(args) => notify::notify(&cli.database_url, args).await,
        Command::Progress(args) => {
            let (tracker, _) = open(&cli.database_url).await?;
            let scope: Scope = args
                .scope
                .parse()
                .map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
            let query = FigureQuery {
                as_of: args.as_of,
                known_at: args.known_at,
                node: args.node,
                body: args.body,
                level: args.level,
                basis: args
                    .basis
                    .parse()
                    .map_err(|e: crate::domain::ParseError| anyhow::anyhow!("--basis: {}", e.0))?,
            };
            let view = tracker
                .progress(&args.framework, &scope, &query, today())
                .await
                .map_err(explain)?;
            let mut out = std::io::stdout().lock();
            figures::write_progress(&mut out, &view, args.format)?;
            out.flush()?;
            Ok(())
        }
        Command::Indicators(args) => {
            let (tracker, _) = open(&cli.database_url).await?;
            let scope: Scope = args
                .scope
                .parse()
                .map_err(|e| anyhow::anyhow!("--scope: {e}"))?;
            let basis = args
                .basis
                .parse()
                .map_err(|e: crate::domain::ParseError| anyhow::anyhow!("--basis: {}", e.0))?;
            let figures = tracker
                .framework_indicator_figures(
                    &args.framework,
                    args.as_of.unwrap_or_else(today),
                    args.known_at,
                    basis,
                )
                .await
                .map_err(explain)?;
            let mut out = std::io::stdout().lock();
            indicators::write_indicators(&mut out, &figures, &scope, args.format)?;
            out.flush()?;
            Ok(())
        }
        Command::Report(args) => report(&cli.database_url, args).await,
        Command::Import(command) => transfer::import(&cli.database_url, command).await,
        Command::Template(args) => transfer::template(&cli.database_url, args).await,
        Command::Export(args) => transfer::export(&cli.database_url, args).await,
        Command::Framework(command) => transfer::framework(&cli.database_url, command).await,
        Command::Charts(args) => charts(&args),
        Command::Demo(args) => {
            let (tracker, _) = open(&cli.database_url).await?;
            if args.synthetic {
                let started = std::time::Instant::now();
                let summary = tracker
                    .load_synthetic(args.measures, args.reports_per_pair)
                    .await
                    .map_err(explain)?;
                println!(
                    "synthetic framework `{}`: {} measures × {} scopes; {} reports added in {:.1} s",
                    crate::demo::synthetic::SYNTHETIC_FRAMEWORK,
                    summary.measures,
                    summary.scopes,
                    summary.reports,
                    started.elapsed().as_secs_f64()
                );
            } else {
                let added = tracker.load_demo().await.map_err(explain)?;
                println!("demo scenario: {added} reports added (illustrative, not official data)");
                let rounds = tracker.load_demo_rounds().await.map_err(explain)?;
                println!("demo rounds: {rounds} reporting rounds added (illustrative)");
                let indicators = tracker.load_demo_indicators().await.map_err(explain)?;
                println!(
                    "demo indicators: {} indicators, {} targets, {} observations added \
                     (illustrative, not official data; see them as of 2030-12-31)",
                    indicators.indicators, indicators.targets, indicators.observations
                );
            }
            Ok(())
        }
    }
}

/// Parses `--format` values.
fn formats(values: &[String]) -> anyhow::Result<Vec<crate::report::bundle::Format>> {
    values
        .iter()
        .map(|f| f.parse().map_err(|e| anyhow::anyhow!("--format: {e}")))
        .collect()
}

/// Writes rendered files into `out`; returns their paths.
fn write_files(
    out: &std::path::Path,
    files: Vec<crate::report::bundle::ReportFile>,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    files
        .into_iter()
        .map(|file| {
            let path = out.join(&file.name);
            std::fs::write(&path, &file.bytes)
                .with_context(|| format!("writing {}", path.display()))?;
            Ok(path)
        })
        .collect()
}

/// `report`: gathers the figures, renders each format with a progress bar on the terminal
/// (stderr; hidden when stderr is not a terminal), and writes the files.
async fn report(database_url: &str, args: ReportArgs) -> anyhow::Result<()> {
    let formats = formats(&args.format)?;
    let bar = indicatif::ProgressBar::new(formats.len() as u64 + 1);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let issuer = front(args.org_name.clone(), args.logo.as_deref())?;
    bar.set_message("gathering the figures");
    let summary = args.summary.as_deref().map(read_summary).transpose()?;
    let (tracker, _) = open(database_url).await?;
    let as_of = args.as_of.unwrap_or_else(today);
    let generated_at = args.generated_at.unwrap_or_else(crate::service::now);
    let basis: crate::domain::Basis = args
        .basis
        .parse()
        .map_err(|e: crate::domain::ParseError| anyhow::anyhow!("--basis: {}", e.0))?;
    bar.inc(1);
    let mut written = Vec::new();
    for format in formats {
        bar.set_message(format!("rendering {}", format.name()));
        let files = tracker
            .report_files(
                &args.framework,
                as_of,
                args.known_at,
                basis,
                generated_at,
                vec![format],
                crate::report::Front {
                    summary: summary.clone(),
                    ..issuer.clone()
                },
            )
            .await
            .map_err(explain)?;
        written.extend(write_files(&args.out, files)?);
        bar.inc(1);
    }
    bar.finish_and_clear();
    let mut out = std::io::stdout().lock();
    for path in written {
        writeln!(out, "{}", path.display())?;
    }
    Ok(())
}

/// The executive summary's Markdown from `path`: UTF-8 text of at most 64 KiB.
fn read_summary(path: &std::path::Path) -> anyhow::Result<String> {
    use std::io::Read as _;
    let limit = crate::report::summary::MAX_CHARS;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(limit as u64 + 1).read_to_end(&mut bytes))
        .with_context(|| format!("--summary: reading {}", path.display()))?;
    if bytes.len() > limit {
        anyhow::bail!(
            "--summary: {} is longer than 64 KiB; an executive summary is a few pages at most",
            path.display()
        );
    }
    String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("--summary: {} is not UTF-8 text", path.display()))
}

/// `charts`: the report's charts from its JSON figures, with no database.
fn charts(args: &ChartsArgs) -> anyhow::Result<()> {
    use crate::report::bundle::{self, Format};
    let text =
        std::fs::read(&args.data).with_context(|| format!("reading {}", args.data.display()))?;
    let data: crate::report::ReviewData = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a report's JSON figures", args.data.display()))?;
    let formats = formats(&args.format)?;
    let svgs = if formats.contains(&Format::Svg) {
        bundle::chart_svgs(&data)?
    } else {
        Vec::new()
    };
    let mut files = Vec::new();
    for format in formats {
        if !matches!(format, Format::Png | Format::Svg) {
            anyhow::bail!("--format: charts are png or svg");
        }
        files.extend(bundle::render(&data, format, &svgs)?);
        if !args.indicator.is_empty() {
            files.extend(bundle::trend_files(&data, &args.indicator, format)?);
        }
    }
    let mut out = std::io::stdout().lock();
    for path in write_files(&args.out, files)? {
        writeln!(out, "{}", path.display())?;
    }
    Ok(())
}

/// The issuer printed on the covers: `--org-name`, and the PNG at `--logo` read and checked.
///
/// # Errors
/// The logo cannot be read or is not a usable PNG (the message names the file).
fn front(
    org_name: Option<String>,
    logo: Option<&std::path::Path>,
) -> anyhow::Result<crate::report::Front> {
    let logo = match logo {
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("--logo: reading {}", path.display()))?;
            let logo = crate::report::Logo::from_png(bytes)
                .map_err(|e| anyhow::anyhow!("--logo {}: {e}", path.display()))?;
            Some(logo)
        }
        None => None,
    };
    Ok(crate::report::Front {
        issued_by: org_name.filter(|name| !name.trim().is_empty()),
        logo,
        summary: None,
    })
}

async fn open(database_url: &str) -> anyhow::Result<(Tracker, crate::store::LoadSummary)> {
    Tracker::open(database_url)
        .await
        .with_context(|| format!("opening the database at {}", redact(database_url)))
}

/// A service error as one readable message (validation issues listed).
fn explain(e: ServiceError) -> anyhow::Error {
    match e {
        ServiceError::Invalid(issues) => anyhow::anyhow!(
            "{}",
            issues
                .iter()
                .map(|i| format!("{}: {}", i.field, i.message))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::Error::new(other),
    }
}

/// A database URL with its password hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

async fn serve(database_url: &str, args: ServeArgs) -> anyhow::Result<()> {
    let trusted_proxies = crate::server::TrustedProxies::parse(&args.trusted_proxies)
        .map_err(|e| anyhow::anyhow!("--trusted-proxy: {e}"))?;
    let issuer = front(args.org_name.clone(), args.logo.as_deref())?;
    let (tracker, loaded) = open(database_url).await?;
    let tracker = tracker
        .with_front(issuer)
        .with_settings(crate::service::Settings {
            private: args.private,
            session_idle: chrono::Duration::minutes(i64::from(args.session_idle_minutes.max(1))),
            session_max: chrono::Duration::hours(i64::from(args.session_hours.max(1))),
            login_failures: usize::try_from(args.login_failures).unwrap_or(usize::MAX),
            login_failures_per_address: usize::try_from(args.login_failures_per_address)
                .unwrap_or(usize::MAX),
            login_window: chrono::Duration::minutes(i64::from(args.login_window_minutes)),
            write_rate: args.write_rate,
        });
    tracing::info!(
        database = %redact(database_url),
        backend = tracker.store().backend(),
        frameworks_added = loaded.frameworks,
        nodes_added = loaded.nodes,
        "database ready"
    );
    if args.demo {
        let added = tracker.load_demo().await.map_err(explain)?;
        tracing::info!(
            reports_added = added,
            "demo scenario loaded (illustrative, not official data)"
        );
        let rounds = tracker.load_demo_rounds().await.map_err(explain)?;
        tracing::info!(
            rounds_added = rounds,
            "demo reporting rounds loaded (illustrative)"
        );
        let indicators = tracker.load_demo_indicators().await.map_err(explain)?;
        tracing::info!(
            indicators_added = indicators.indicators,
            targets_added = indicators.targets,
            observations_added = indicators.observations,
            "demo indicators loaded (illustrative, not official data; values 2026-2030: read them as of 2030-12-31)"
        );
    }
    let mailer = args.smtp.mailer()?;
    let indexed = tracker.warm_figures().await.map_err(explain)?;
    tracing::info!(reports = indexed, "figures ready");
    let listener = tokio::net::TcpListener::bind(args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let addr = listener.local_addr()?;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "blueprint-tracker listening on http://{addr}")?;
        out.flush()?;
    }
    // The notifier: scans every pass; sends only with --smtp-url.
    if mailer.is_none() {
        tracing::info!("no --smtp-url: notifications are queued and shown, not mailed");
    }
    let (stop_notifier, stopped) = tokio::sync::watch::channel(false);
    let mut notifier = tokio::spawn(crate::mail::run_notifier(
        tracker.clone(),
        mailer,
        args.smtp.policy(),
        args.smtp.interval(),
        stopped,
    ));
    let served = crate::server::serve_with(
        tracker.clone(),
        crate::server::HttpOptions {
            behind_tls: args.behind_tls,
            trusted_proxies,
            limits: crate::server::ConnectionLimits {
                max_connections: usize::try_from(args.max_connections).unwrap_or(usize::MAX),
                idle_timeout: Duration::from_secs(args.idle_timeout),
                header_timeout: Duration::from_secs(args.header_timeout),
                shutdown_timeout: Duration::from_secs(args.shutdown_timeout),
            },
        },
        listener,
        shutdown_signal(),
    )
    .await;
    let _ = stop_notifier.send(true);
    if tokio::time::timeout(NOTIFIER_STOP_TIMEOUT, &mut notifier)
        .await
        .is_err()
    {
        tracing::warn!("the notifier did not stop in time; abandoned");
        notifier.abort();
    }
    served?;
    // The pool waits for its connections to come back: bounded, so a stuck one cannot keep
    // the process from exiting.
    match tokio::time::timeout(STORE_CLOSE_TIMEOUT, tracker.store().clone().close()).await {
        Ok(closed) => closed?,
        Err(_) => tracing::warn!("closing the database timed out; exiting anyway"),
    }
    tracing::info!("stopped");
    Ok(())
}

/// How long `serve` waits for the notifier's pass in progress at shutdown.
const NOTIFIER_STOP_TIMEOUT: Duration = Duration::from_secs(5);

/// How long `serve` waits for the database's connections to close at shutdown.
const STORE_CLOSE_TIMEOUT: Duration = Duration::from_secs(5);

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
