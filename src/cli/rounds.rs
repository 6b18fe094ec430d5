//! `round create|plan|list|show|submit|accept|return`: reporting rounds at the terminal. Every
//! write acts for the account named with `--as` (as `lock` does), whose role must allow it;
//! reads need no account.

use std::io::Write;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::admin::acting;
use super::{Format, explain, open};
use crate::domain::{StateCode, SubmissionAction};
use crate::service::{PlanRequest, RoundEvery, RoundRequest, standing_label};

#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Create one round.
    Create(CreateArgs),
    /// Create a framework's rounds, one per quarter, half-year or year (existing ones are left
    /// alone: running it twice creates nothing more).
    Plan(PlanArgs),
    /// List a framework's rounds with their counts.
    List(FrameworkArg),
    /// Show a round: every participant's standing and coverage.
    Show(ShowArgs),
    /// Submit a member state's round.
    Submit(ActionArgs),
    /// Accept a member state's submission (secretariat, admin).
    Accept(ActionArgs),
    /// Return a member state's submission with a reason (secretariat, admin).
    Return(ReturnArgs),
}

#[derive(Debug, Args)]
pub struct FrameworkArg {
    /// The framework's code.
    #[arg(long, short)]
    pub framework: String,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long, short)]
    pub framework: String,
    /// The round's code (`2026-Q4`).
    #[arg(long)]
    pub code: String,
    /// The date the round's statuses are as of.
    #[arg(long)]
    pub period_end: NaiveDate,
    /// When participants may start submitting.
    #[arg(long = "opens")]
    pub opens_on: NaiveDate,
    /// The last day to submit on time.
    #[arg(long = "due")]
    pub due_on: NaiveDate,
    /// The first day the round covers (default: the day after the previous round's end).
    #[arg(long)]
    pub period_start: Option<NaiveDate>,
    /// The account acting (admin or secretariat).
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: String,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[arg(long, short)]
    pub framework: String,
    /// quarter, half-year or year.
    #[arg(long)]
    pub every: String,
    /// Plan periods ending on or after this date (default: the framework's start).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Plan periods ending on or before this date (default: the framework's end).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// Days each round opens before its period's end (default 14).
    #[arg(long)]
    pub open_days: Option<u32>,
    /// Days each round is due after its period's end (default 31).
    #[arg(long)]
    pub due_days: Option<u32>,
    /// The account acting (admin or secretariat).
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: String,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    #[arg(long, short)]
    pub framework: String,
    #[arg(long)]
    pub code: String,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ActionArgs {
    #[arg(long, short)]
    pub framework: String,
    #[arg(long)]
    pub code: String,
    /// The member state (alpha-3 code).
    #[arg(long)]
    pub scope: String,
    #[arg(long = "as", value_name = "ACCOUNT")]
    pub actor: String,
}

#[derive(Debug, Args)]
pub struct ReturnArgs {
    #[command(flatten)]
    pub action: ActionArgs,
    /// Why (the focal point reads it).
    #[arg(long)]
    pub reason: String,
}

fn fraction(f: Option<f64>) -> String {
    f.map_or_else(|| "–".to_owned(), |f| format!("{:.1}%", f * 100.0))
}

pub async fn round(database_url: &str, command: RoundCommand) -> anyhow::Result<()> {
    let (tracker, _) = open(database_url).await?;
    let mut out = std::io::stdout().lock();
    match command {
        RoundCommand::Create(a) => {
            let actor = acting(&tracker, &a.actor).await?;
            let request = RoundRequest {
                code: a.code,
                period_start: a.period_start,
                period_end: a.period_end,
                opens_on: a.opens_on,
                due_on: a.due_on,
            };
            let r = tracker
                .create_round(&actor, &a.framework, &request)
                .await
                .map_err(explain)?;
            writeln!(
                out,
                "round {} of {}: {} to {}, opens {}, due {}",
                r.code, r.framework, r.period_start, r.period_end, r.opens_on, r.due_on
            )?;
        }
        RoundCommand::Plan(a) => {
            let actor = acting(&tracker, &a.actor).await?;
            let every = a
                .every
                .parse::<RoundEvery>()
                .map_err(|e| anyhow::anyhow!(e))?;
            let plan = PlanRequest {
                every,
                from: a.from,
                to: a.to,
                open_days: a.open_days,
                due_days: a.due_days,
            };
            let outcome = tracker
                .plan_rounds(Some(&actor), &a.framework, &plan)
                .await
                .map_err(explain)?;
            for r in &outcome.created {
                writeln!(
                    out,
                    "created {}: {} to {}, opens {}, due {}",
                    r.code, r.period_start, r.period_end, r.opens_on, r.due_on
                )?;
            }
            writeln!(
                out,
                "{} round(s) created, {} existed already",
                outcome.created.len(),
                outcome.existing.len()
            )?;
        }
        RoundCommand::List(a) => {
            let list = tracker.rounds(&a.framework).await.map_err(explain)?;
            writeln!(
                out,
                "{:<10} {:<10} {:<10} {:<10} {:>5} {:>7} {:>5} {:>7} {:>5} {:>8} {:>12} {:>10}",
                "code",
                "period end",
                "opens",
                "due",
                "part.",
                "on time",
                "late",
                "missing",
                "open",
                "returned",
                "completeness",
                "timeliness"
            )?;
            for line in list.rounds {
                let (r, c) = (line.round, line.counts);
                writeln!(
                    out,
                    "{:<10} {:<10} {:<10} {:<10} {:>5} {:>7} {:>5} {:>7} {:>5} {:>8} {:>12} {:>10}",
                    r.code,
                    r.period_end,
                    r.opens_on,
                    r.due_on,
                    c.participants,
                    c.on_time,
                    c.late,
                    c.missing,
                    c.open,
                    c.returned,
                    fraction(c.completeness),
                    fraction(c.timeliness)
                )?;
            }
        }
        RoundCommand::Show(a) => {
            let detail = tracker
                .round(&a.framework, &a.code)
                .await
                .map_err(explain)?;
            match a.format {
                Format::Json => {
                    serde_json::to_writer_pretty(&mut out, &detail)?;
                    writeln!(out)?;
                }
                Format::Csv | Format::Table => {
                    let csv = a.format == Format::Csv;
                    let c = &detail.completeness;
                    if !csv {
                        writeln!(
                            out,
                            "{} — round {} ({} to {}), due {} (late from {})",
                            detail.round.framework,
                            detail.round.code,
                            detail.round.period_start,
                            detail.round.period_end,
                            detail.round.due_on,
                            c.deadline.format("%Y-%m-%d %H:%M UTC")
                        )?;
                        writeln!(
                            out,
                            "completeness {} ({} of {}), timeliness {} ({} of {})\n",
                            fraction(c.completeness),
                            c.submitted,
                            c.participants,
                            fraction(c.timeliness),
                            c.on_time,
                            c.participants
                        )?;
                    }
                    let header = [
                        "state",
                        "standing",
                        "accepted",
                        "submitted_at",
                        "coverage",
                        "reported_this_round",
                        "carried_forward",
                        "never_reported",
                        "applicable",
                    ];
                    if csv {
                        writeln!(out, "{}", header.join(","))?;
                    } else {
                        writeln!(
                            out,
                            "{:<5} {:<17} {:<8} {:<20} {:>8} {:>10} {:>8} {:>6} {:>10}",
                            "state",
                            "standing",
                            "accepted",
                            "submitted at",
                            "coverage",
                            "this round",
                            "carried",
                            "never",
                            "applicable"
                        )?;
                    }
                    for s in &c.states {
                        let cov = detail.coverage.iter().find(|v| v.state == s.state);
                        let submitted = s
                            .submitted_at
                            .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
                            .unwrap_or_default();
                        let n = |f: fn(&crate::engine::rounds::Coverage) -> u64| {
                            cov.map_or(String::new(), |v| f(v).to_string())
                        };
                        let share = if csv {
                            cov.and_then(|v| v.coverage)
                                .map_or(String::new(), |f| f.to_string())
                        } else {
                            fraction(cov.and_then(|v| v.coverage))
                        };
                        let cells = [
                            s.state.to_string(),
                            standing_label(Some(s.standing)).to_owned(),
                            s.accepted.to_string(),
                            submitted,
                            share,
                            n(|v| v.reported_this_round),
                            n(|v| v.carried_forward),
                            n(|v| v.never_reported),
                            n(|v| v.applicable),
                        ];
                        if csv {
                            writeln!(out, "{}", cells.join(","))?;
                        } else {
                            writeln!(
                                out,
                                "{:<5} {:<17} {:<8} {:<20} {:>8} {:>10} {:>8} {:>6} {:>10}",
                                cells[0],
                                cells[1],
                                cells[2],
                                cells[3],
                                cells[4],
                                cells[5],
                                cells[6],
                                cells[7],
                                cells[8]
                            )?;
                        }
                    }
                    if !csv && !c.not_expected.is_empty() {
                        let names: Vec<String> =
                            c.not_expected.iter().map(ToString::to_string).collect();
                        writeln!(
                            out,
                            "\nnot expected (joined after the round opened): {}",
                            names.join(", ")
                        )?;
                    }
                }
            }
        }
        RoundCommand::Submit(a) => {
            decide(&tracker, &mut out, a, SubmissionAction::Submitted, None).await?
        }
        RoundCommand::Accept(a) => {
            decide(&tracker, &mut out, a, SubmissionAction::Accepted, None).await?
        }
        RoundCommand::Return(a) => {
            decide(
                &tracker,
                &mut out,
                a.action,
                SubmissionAction::Returned,
                Some(&a.reason),
            )
            .await?;
        }
    }
    Ok(())
}

async fn decide(
    tracker: &crate::service::Tracker,
    out: &mut impl Write,
    a: ActionArgs,
    action: SubmissionAction,
    reason: Option<&str>,
) -> anyhow::Result<()> {
    let actor = acting(tracker, &a.actor).await?;
    let scope = a
        .scope
        .to_uppercase()
        .parse::<StateCode>()
        .map_err(|e| anyhow::anyhow!(e.0))?;
    let entry = tracker
        .round_action(&actor, &a.framework, &a.code, &scope, action, reason)
        .await
        .map_err(explain)?;
    writeln!(
        out,
        "round {} of {}: {} {} at {}",
        entry.round,
        a.framework,
        entry.scope,
        entry.action,
        entry.at.format("%Y-%m-%d %H:%M:%S UTC")
    )?;
    Ok(())
}
