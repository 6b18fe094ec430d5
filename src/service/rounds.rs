//! Reporting rounds (issue 15): the Secretariat creates a framework's rounds (one, or a plan
//! over its period), each participant submits its round, the Secretariat accepts or returns the
//! submission; every write is appended and audited. Rounds change no figure of the status
//! reports: they say who declared their statuses as of the round's end complete, and when.
//!
//! Decisions (the issue and DESIGN.md are silent):
//! - A round's `period_start` defaults to the day after the `period_end` of the round before it
//!   (the greatest `period_end` before this one's), or to the framework's start.
//! - `round plan --every quarter|half-year|year` makes one round per calendar quarter, half or
//!   year whose end falls within `from`–`to` (the framework's period by default), coded
//!   `2026-Q1`, `2026-H1`, `2026`; each covers its calendar period, opens 14 days before its
//!   end (`open_days`) and is due 31 days after it (`due_days`). Rounds that exist are left
//!   alone, so a plan run twice creates nothing the second time.
//! - A round is open from `opens_on` in the easternmost ASEAN time zone (the service's
//!   `today`); a submission before that is refused (409). A late submission is accepted and
//!   counted late (`engine::rounds` has the deadline rule). Only a state participating in the
//!   framework on the round's `period_end` submits (422 otherwise).
//! - Coverage is computed on the `reported` basis at `period_end`, over the framework's
//!   current measures, for every expected participant.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use super::accounts::entry;
use super::figures::read;
use super::governance::return_reason;
use super::{ServiceError, ServiceResult, Tracker, now, today};
use crate::domain::{
    Action, Actor, Basis, FieldIssue, Framework, Round, Scope, StateCode, Submission,
    SubmissionAction, audit::actions, notice, participants_as_of, round_code_problem,
};
use crate::engine::rounds::{
    Completeness, Coverage, MatrixRow, PairInForce, RoundCounts, RoundDates, RoundStanding,
};
use crate::engine::{self, At};
use crate::store::{DemoRoundLoad, NewRound};
use crate::transfer::{Cell as SheetCell, FileFormat, Sheet};

use super::ExportFile;

/// Default days a planned round opens before its period's end.
pub const DEFAULT_OPEN_DAYS: u32 = 14;
/// Default days a planned round is due after its period's end.
pub const DEFAULT_DUE_DAYS: u32 = 31;
/// The most days `open_days` and `due_days` may take.
pub const MAX_PLAN_DAYS: u32 = 366;

/// A round to create, as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundRequest {
    pub code: String,
    pub period_start: Option<NaiveDate>,
    pub period_end: NaiveDate,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// How often planned rounds come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RoundEvery {
    Quarter,
    HalfYear,
    Year,
}

impl std::str::FromStr for RoundEvery {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "quarter" => Ok(RoundEvery::Quarter),
            "half-year" => Ok(RoundEvery::HalfYear),
            "year" => Ok(RoundEvery::Year),
            other => Err(format!(
                "`{other}` is not a round frequency: use quarter, half-year or year"
            )),
        }
    }
}

impl RoundEvery {
    fn months(self) -> u32 {
        match self {
            RoundEvery::Quarter => 3,
            RoundEvery::HalfYear => 6,
            RoundEvery::Year => 12,
        }
    }
}

/// A plan of rounds, as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRequest {
    pub every: RoundEvery,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub open_days: Option<u32>,
    pub due_days: Option<u32>,
}

/// What a plan created and left alone.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanOutcome {
    pub framework: String,
    /// The rounds created now.
    pub created: Vec<Round>,
    /// The codes of the planned rounds that existed already (left unchanged).
    pub existing: Vec<String>,
}

/// One round with its counts, as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundLine {
    pub round: Round,
    pub counts: RoundCounts,
}

/// A framework's rounds.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundList {
    pub framework: String,
    pub count: usize,
    pub rounds: Vec<RoundLine>,
}

/// A round with every participant's standing and coverage.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundDetail {
    pub round: Round,
    pub completeness: Completeness,
    /// Per expected participant, in code order.
    pub coverage: Vec<Coverage>,
}

/// A round's log.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubmissionLog {
    pub framework: String,
    pub round: String,
    pub count: usize,
    /// First written first.
    pub submissions: Vec<Submission>,
}

/// One column of the matrix: a round and its regional counts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MatrixColumn {
    pub code: String,
    pub period_end: NaiveDate,
    pub due_on: NaiveDate,
    pub counts: RoundCounts,
}

/// The state × round matrix of a framework.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundMatrix {
    pub framework: String,
    /// In period order.
    pub rounds: Vec<MatrixColumn>,
    /// One row per state expected in any round; `rounds[i]` is its standing in the i-th round
    /// (`null`: not expected in it).
    pub states: Vec<MatrixRow>,
}

pub(super) fn dates(round: &Round) -> RoundDates {
    RoundDates {
        period_start: round.period_start,
        period_end: round.period_end,
        opens_on: round.opens_on,
        due_on: round.due_on,
    }
}

/// The last day of the month `month` (1–12) of `year`.
fn month_end(year: i32, month: u32) -> Option<NaiveDate> {
    let (y, m) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)?.pred_opt()
}

/// The calendar periods of `every` whose end falls within `from`–`to`: (code, start, end).
fn planned_periods(
    every: RoundEvery,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(String, NaiveDate, NaiveDate)> {
    let step = every.months();
    let mut out = Vec::new();
    for year in from.year()..=to.year() {
        for first in (1..=12).step_by(step as usize) {
            let last = first + step - 1;
            let (Some(start), Some(end)) = (
                NaiveDate::from_ymd_opt(year, first, 1),
                month_end(year, last),
            ) else {
                continue;
            };
            if end < from || end > to {
                continue;
            }
            let code = match every {
                RoundEvery::Quarter => format!("{year}-Q{}", first / 3 + 1),
                RoundEvery::HalfYear => format!("{year}-H{}", first / 6 + 1),
                RoundEvery::Year => format!("{year}"),
            };
            out.push((code, start, end));
        }
    }
    out
}

/// The checks of a round's dates against each other and the framework.
fn date_issues(fw: &Framework, r: &NewRound) -> Vec<FieldIssue> {
    let mut issues = Vec::new();
    if r.period_start > r.period_end {
        issues.push(FieldIssue::invalid(
            "period_start",
            format!("{} is after period_end {}", r.period_start, r.period_end),
        ));
    }
    if r.opens_on > r.due_on {
        issues.push(FieldIssue::invalid(
            "opens_on",
            format!("{} is after due_on {}", r.opens_on, r.due_on),
        ));
    }
    if !fw.covers(r.period_end) {
        issues.push(FieldIssue::invalid(
            "period_end",
            format!(
                "{} is outside the framework's period ({} to {})",
                r.period_end, fw.start_date, fw.end_date
            ),
        ));
    }
    issues
}

impl Tracker {
    async fn round_of(&self, fw: &Framework, code: &str) -> ServiceResult<Round> {
        self.store
            .rounds(fw.id, &fw.code)
            .await?
            .into_iter()
            .find(|r| r.code == code)
            .ok_or_else(|| {
                ServiceError::NotFound(format!("framework `{}` has no round `{code}`", fw.code))
            })
    }

    /// Creates one round (secretariat, admin).
    ///
    /// # Errors
    /// `UnknownFramework`, `Forbidden`, `Invalid` (code, dates), `Conflict` (a code taken);
    /// the store fails.
    pub async fn create_round(
        &self,
        actor: &Actor,
        framework: &str,
        request: &RoundRequest,
    ) -> ServiceResult<Round> {
        let fw = self.framework(framework).await?;
        self.permit(actor, Action::PlanRounds).await?;
        let mut issues = Vec::new();
        if let Some(problem) = round_code_problem(&request.code) {
            issues.push(FieldIssue::invalid("code", problem));
        }
        let period_start = match request.period_start {
            Some(d) => d,
            None => self
                .store
                .rounds(fw.id, &fw.code)
                .await?
                .iter()
                .filter(|r| r.period_end < request.period_end)
                .map(|r| r.period_end)
                .max()
                .and_then(|d| d.checked_add_days(Days::new(1)))
                .unwrap_or(fw.start_date),
        };
        let new = NewRound {
            code: request.code.clone(),
            period_start,
            period_end: request.period_end,
            opens_on: request.opens_on,
            due_on: request.due_on,
        };
        issues.extend(date_issues(&fw, &new));
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let audit = entry(Some(actor), actions::ROUND_CREATE).framework(fw.code.clone());
        self.store
            .create_rounds(
                fw.id,
                &fw.code,
                &[new],
                false,
                Some(actor.user.id),
                Some(&audit),
                now(),
            )
            .await?
            .pop()
            .ok_or_else(|| ServiceError::Internal("the round was not created".to_owned()))
    }

    /// Plans a framework's rounds (secretariat, admin; `None`: the demo loader): one per
    /// calendar period of `every` ending within `from`–`to`, leaving existing codes alone.
    ///
    /// # Errors
    /// `UnknownFramework`, `Forbidden`, `Invalid` (dates outside the framework's period,
    /// `from` after `to`, days out of range); the store fails.
    pub async fn plan_rounds(
        &self,
        actor: Option<&Actor>,
        framework: &str,
        plan: &PlanRequest,
    ) -> ServiceResult<PlanOutcome> {
        let fw = self.framework(framework).await?;
        if let Some(actor) = actor {
            self.permit(actor, Action::PlanRounds).await?;
        }
        let from = plan.from.unwrap_or(fw.start_date);
        let to = plan.to.unwrap_or(fw.end_date);
        let mut issues = Vec::new();
        for (name, date) in [("from", from), ("to", to)] {
            if !fw.covers(date) {
                issues.push(FieldIssue::invalid(
                    name,
                    format!(
                        "{date} is outside the framework's period ({} to {})",
                        fw.start_date, fw.end_date
                    ),
                ));
            }
        }
        if from > to {
            issues.push(FieldIssue::invalid(
                "from",
                format!("{from} is after to {to}"),
            ));
        }
        let open_days = plan.open_days.unwrap_or(DEFAULT_OPEN_DAYS);
        let due_days = plan.due_days.unwrap_or(DEFAULT_DUE_DAYS);
        for (name, days) in [("open_days", open_days), ("due_days", due_days)] {
            if days > MAX_PLAN_DAYS {
                issues.push(FieldIssue::invalid(
                    name,
                    format!("0 to {MAX_PLAN_DAYS} days"),
                ));
            }
        }
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let planned: Vec<NewRound> = planned_periods(plan.every, from, to)
            .into_iter()
            .map(|(code, start, end)| NewRound {
                code,
                period_start: start,
                period_end: end,
                opens_on: end
                    .checked_sub_days(Days::new(u64::from(open_days)))
                    .unwrap_or(end),
                due_on: end
                    .checked_add_days(Days::new(u64::from(due_days)))
                    .unwrap_or(end),
            })
            .collect();
        let existing: Vec<String> = self
            .store
            .rounds(fw.id, &fw.code)
            .await?
            .into_iter()
            .map(|r| r.code)
            .filter(|c| planned.iter().any(|p| &p.code == c))
            .collect();
        let audit = entry(actor, actions::ROUND_CREATE).framework(fw.code.clone());
        let created = self
            .store
            .create_rounds(
                fw.id,
                &fw.code,
                &planned,
                true,
                actor.map(|a| a.user.id),
                Some(&audit),
                now(),
            )
            .await?;
        Ok(PlanOutcome {
            framework: fw.code,
            created,
            existing,
        })
    }

    /// A framework's rounds with their counts now.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn rounds(&self, framework: &str) -> ServiceResult<RoundList> {
        let fw = self.framework(framework).await?;
        let (rounds, figures) = self.round_figures(&fw).await?;
        let rounds: Vec<RoundLine> = rounds
            .into_iter()
            .zip(&figures)
            .map(|(round, c)| RoundLine {
                round,
                counts: c.counts.clone(),
            })
            .collect();
        Ok(RoundList {
            framework: fw.code,
            count: rounds.len(),
            rounds,
        })
    }

    /// Every round of a framework and its completeness now, in period order.
    async fn round_figures(
        &self,
        fw: &Framework,
    ) -> ServiceResult<(Vec<Round>, Vec<Completeness>)> {
        let rounds = self.store.rounds(fw.id, &fw.code).await?;
        let participations = self.store.participations(fw.id).await?;
        let mut logs = self.store.round_submissions(fw.id, &rounds).await?;
        let at = now();
        let figures = rounds
            .iter()
            .map(|r| {
                let log = logs.remove(&r.id).unwrap_or_default();
                engine::rounds::completeness(dates(r), &participations, &log, at)
            })
            .collect();
        Ok((rounds, figures))
    }

    /// The round of a framework current on `on` (the latest opened on or before it, by
    /// period end), with every participant's standing now and its coverage; `None` when no
    /// round has opened by then. The dashboard and a focal point's home show this one.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn current_round(
        &self,
        framework: &str,
        on: NaiveDate,
    ) -> ServiceResult<Option<RoundDetail>> {
        let list = self.rounds(framework).await?;
        let Some(line) = list
            .rounds
            .iter()
            .filter(|l| l.round.opens_on <= on)
            .max_by_key(|l| (l.round.period_end, l.round.opens_on))
        else {
            return Ok(None);
        };
        Ok(Some(self.round(framework, &line.round.code).await?))
    }

    /// A round with every participant's standing now and its coverage.
    ///
    /// # Errors
    /// `UnknownFramework`, `NotFound` (round); the store fails.
    pub async fn round(&self, framework: &str, code: &str) -> ServiceResult<RoundDetail> {
        let fw = self.framework(framework).await?;
        let round = self.round_of(&fw, code).await?;
        let participations = self.store.participations(fw.id).await?;
        let log = self
            .store
            .round_submissions(fw.id, std::slice::from_ref(&round))
            .await?
            .remove(&round.id)
            .unwrap_or_default();
        let completeness =
            engine::rounds::completeness(dates(&round), &participations, &log, now());
        let states: Vec<StateCode> = completeness
            .states
            .iter()
            .map(|s| s.state.clone())
            .collect();
        let coverage = self.coverage(&fw, &round, &states).await?;
        Ok(RoundDetail {
            round,
            completeness,
            coverage,
        })
    }

    /// Each state's coverage of a round on the `reported` basis.
    async fn coverage(
        &self,
        fw: &Framework,
        round: &Round,
        states: &[StateCode],
    ) -> ServiceResult<Vec<Coverage>> {
        let state = self.figures_state(fw).await?;
        let s = read(&state);
        let selection = s
            .outline
            .select(None, None, None)
            .map_err(|_| ServiceError::Internal(format!("`{}` has no tree", fw.code)))?;
        let scopes: Vec<Scope> = states.iter().cloned().map(Scope::State).collect();
        let rows = engine::measure_cells(
            &s.outline,
            &selection,
            s.index(Basis::Reported),
            &scopes,
            At::on(round.period_end),
        );
        Ok(states
            .iter()
            .enumerate()
            .map(|(i, code)| {
                engine::rounds::coverage(
                    code.clone(),
                    dates(round),
                    rows.iter()
                        .filter_map(|m| m.cells.get(i))
                        .map(pair_in_force),
                )
            })
            .collect())
    }

    /// A round's log, first written first.
    ///
    /// # Errors
    /// `UnknownFramework`, `NotFound` (round); the store fails.
    pub async fn round_submissions(
        &self,
        framework: &str,
        code: &str,
    ) -> ServiceResult<SubmissionLog> {
        let fw = self.framework(framework).await?;
        let round = self.round_of(&fw, code).await?;
        let submissions = self
            .store
            .round_submissions(fw.id, std::slice::from_ref(&round))
            .await?
            .remove(&round.id)
            .unwrap_or_default();
        Ok(SubmissionLog {
            framework: fw.code,
            round: round.code,
            count: submissions.len(),
            submissions,
        })
    }

    /// Appends a state's submission, or the Secretariat's acceptance or return (with a
    /// reason), to a round's log, now.
    ///
    /// # Errors
    /// `UnknownFramework`, `UnknownState`, `Forbidden`, `NotFound` (round), `Invalid` (a state
    /// that does not participate on the round's end, a return without a reason), `Conflict`
    /// (not open yet; not what may follow the state's latest action); the store fails.
    pub async fn round_action(
        &self,
        actor: &Actor,
        framework: &str,
        code: &str,
        state: &StateCode,
        action: SubmissionAction,
        reason: Option<&str>,
    ) -> ServiceResult<Submission> {
        let fw = self.framework(framework).await?;
        self.ensure_member_state(state).await?;
        let scope = Scope::State(state.clone());
        let (permission, audit_action) = match action {
            SubmissionAction::Submitted => (Action::SubmitRound(&scope), actions::ROUND_SUBMIT),
            SubmissionAction::Accepted => (Action::ReviewRound(&scope), actions::ROUND_ACCEPT),
            SubmissionAction::Returned => (Action::ReviewRound(&scope), actions::ROUND_RETURN),
        };
        self.permit_on(
            actor,
            permission,
            &fw.code,
            &format!("round {code} of {state}"),
        )
        .await?;
        let round = self.round_of(&fw, code).await?;
        let reason = match action {
            SubmissionAction::Returned => Some(return_reason(reason.unwrap_or_default(), "round")?),
            _ => None,
        };
        if action == SubmissionAction::Submitted {
            let participations = self.store.participations(fw.id).await?;
            if !participations
                .iter()
                .any(|p| &p.state == state && p.active_on(round.period_end))
            {
                return Err(ServiceError::Invalid(vec![FieldIssue::invalid(
                    "scope",
                    format!(
                        "{state} does not take part in `{}` on {}, the round's end",
                        fw.code, round.period_end
                    ),
                )]));
            }
            if today() < round.opens_on {
                return Err(ServiceError::Conflict(format!(
                    "round `{}` opens on {}; it cannot be submitted before",
                    round.code, round.opens_on
                )));
            }
        }
        let audit = entry(Some(actor), audit_action).framework(fw.code.clone());
        let notice = |submission: i64| {
            (action != SubmissionAction::Submitted).then(|| {
                notice::submission_decided(&fw.code, &round.code, submission, state, reason)
            })
        };
        Ok(self
            .store
            .append_submission(
                fw.id,
                &round,
                state,
                action,
                reason,
                Some(actor.user.id),
                Some(audit),
                notice,
                now(),
            )
            .await?)
    }

    /// Loads the demo's rounds of the Strategic Plan (`serve --demo`, `demo`): idempotent, one
    /// transaction, recorded by no account (see `demo::rounds`). Returns the rounds added.
    ///
    /// # Errors
    /// The store fails.
    pub async fn load_demo_rounds(&self) -> ServiceResult<usize> {
        let Some(fw) = self
            .store
            .framework(crate::demo::rounds::DEMO_ROUNDS_FRAMEWORK)
            .await?
        else {
            return Ok(0);
        };
        let participants =
            participants_as_of(&self.store.participations(fw.id).await?, fw.start_date);
        let loads: Vec<DemoRoundLoad> = crate::demo::rounds::rounds(&participants)
            .into_iter()
            .map(|r| DemoRoundLoad {
                round: NewRound {
                    code: r.code.to_owned(),
                    period_start: r.period_start,
                    period_end: r.period_end,
                    opens_on: r.opens_on,
                    due_on: r.due_on,
                },
                log: r
                    .log
                    .into_iter()
                    .map(|e| (e.scope, e.action, e.reason, e.at))
                    .collect(),
            })
            .collect();
        Ok(self
            .store
            .load_demo_rounds(fw.id, &loads, None, now())
            .await?)
    }

    /// The state × round matrix as a file (CSV or XLSX): one row per state, one column per
    /// round (its standing, `-` where not expected), then the rows `completeness` and
    /// `timeliness` (fractions; empty with no participant).
    ///
    /// # Errors
    /// `UnknownFramework`; writing the file or the store fails.
    pub async fn round_matrix_file(
        &self,
        framework: &str,
        format: FileFormat,
    ) -> ServiceResult<ExportFile> {
        let matrix = self.round_matrix(framework).await?;
        let mut columns = vec!["state".to_owned()];
        columns.extend(matrix.rounds.iter().map(|r| r.code.clone()));
        let mut rows: Vec<Vec<SheetCell>> = matrix
            .states
            .iter()
            .map(|row| {
                std::iter::once(SheetCell::text(row.state.as_str()))
                    .chain(
                        row.rounds
                            .iter()
                            .map(|s| SheetCell::text(standing_label(*s))),
                    )
                    .collect()
            })
            .collect();
        for (name, pick) in [
            (
                "completeness",
                (|c: &RoundCounts| c.completeness) as fn(&RoundCounts) -> Option<f64>,
            ),
            ("timeliness", |c: &RoundCounts| c.timeliness),
        ] {
            rows.push(
                std::iter::once(SheetCell::text(name))
                    .chain(
                        matrix
                            .rounds
                            .iter()
                            .map(|r| pick(&r.counts).map_or(SheetCell::Empty, SheetCell::Fraction)),
                    )
                    .collect(),
            );
        }
        let sheet = Sheet {
            name: "rounds".to_owned(),
            columns,
            rows,
            rules: Vec::new(),
            about: vec![
                format!("Reporting rounds of {}: each member state's standing per round.", matrix.framework),
                "submitted_on_time, submitted_late, missing (past due, nothing submitted), open (not yet due), returned (the Secretariat returned it; not submitted again); - : not expected in the round (joined after it opened).".to_owned(),
                "completeness = submitted / participants; timeliness = submitted on time / participants. On time: before the due date's end anywhere in ASEAN (due date 17:30 UTC).".to_owned(),
            ],
        };
        let format = if format == FileFormat::SdmxCsv {
            FileFormat::Csv
        } else {
            format
        };
        Ok(ExportFile {
            name: format!("{}-rounds.{}", matrix.framework, format.extension()),
            format,
            bytes: super::transfer::write_sheet(sheet, format)?,
        })
    }

    /// The state × round matrix of a framework now.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn round_matrix(&self, framework: &str) -> ServiceResult<RoundMatrix> {
        let fw = self.framework(framework).await?;
        let (rounds, figures) = self.round_figures(&fw).await?;
        let states = engine::rounds::matrix(&figures);
        Ok(RoundMatrix {
            framework: fw.code,
            rounds: rounds
                .iter()
                .zip(&figures)
                .map(|(r, c)| MatrixColumn {
                    code: r.code.clone(),
                    period_end: r.period_end,
                    due_on: r.due_on,
                    counts: c.counts.clone(),
                })
                .collect(),
            states,
        })
    }
}

/// A cell of the index as the coverage rule reads it: no report in force is no status.
pub(super) fn pair_in_force(cell: &engine::Cell) -> PairInForce {
    PairInForce {
        status: cell.reported().then_some(cell.status),
        effective: cell.effective,
    }
}

/// A matrix cell's words (`-`: not expected), for CSV and XLSX.
pub fn standing_label(standing: Option<RoundStanding>) -> &'static str {
    standing.map_or("-", RoundStanding::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn plans_cover_calendar_periods_ending_within_the_dates() {
        let q = planned_periods(RoundEvery::Quarter, d("2026-01-01"), d("2026-12-31"));
        let codes: Vec<&str> = q.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(codes, ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]);
        assert_eq!((q[1].1, q[1].2), (d("2026-04-01"), d("2026-06-30")));
        let h = planned_periods(RoundEvery::HalfYear, d("2026-05-01"), d("2027-12-31"));
        let codes: Vec<&str> = h.iter().map(|(c, _, _)| c.as_str()).collect();
        assert_eq!(codes, ["2026-H1", "2026-H2", "2027-H1", "2027-H2"]);
        let y = planned_periods(RoundEvery::Year, d("2026-01-01"), d("2035-12-31"));
        assert_eq!(y.len(), 10);
        assert_eq!(y[9], ("2035".to_owned(), d("2035-01-01"), d("2035-12-31")));
        assert!(planned_periods(RoundEvery::Year, d("2026-01-01"), d("2026-12-30")).is_empty());
    }
}

/// A round submission awaiting the Secretariat's decision: the latest action of its state in
/// the round's log is `submitted`.
#[derive(Debug, Clone)]
pub struct AwaitingSubmission {
    pub round: String,
    pub state: StateCode,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    /// Whether it came at or after the round's deadline.
    pub late: bool,
    /// The state's coverage of the round (`reported` basis at its end).
    pub coverage: Option<Coverage>,
}

impl Tracker {
    /// The round submissions of a framework awaiting a decision (for the review desk), in
    /// period order then state code order; only `scope`'s when it names a state (none for
    /// `ASEAN`).
    ///
    /// # Errors
    /// `Forbidden`; `UnknownFramework`; the store fails.
    pub async fn submissions_awaiting(
        &self,
        actor: &Actor,
        framework: &str,
        scope: Option<&Scope>,
    ) -> ServiceResult<Vec<AwaitingSubmission>> {
        self.permit(actor, Action::Review(&Scope::Asean)).await?;
        let fw = self.framework(framework).await?;
        if matches!(scope, Some(Scope::Asean)) {
            return Ok(Vec::new());
        }
        let (rounds, figures) = self.round_figures(&fw).await?;
        let mut out = Vec::new();
        for (round, completeness) in rounds.iter().zip(&figures) {
            let waiting: Vec<(StateCode, chrono::DateTime<chrono::Utc>, bool)> = completeness
                .states
                .iter()
                .filter(|p| p.last_action == Some(SubmissionAction::Submitted))
                .filter(|p| match scope {
                    Some(Scope::State(code)) => &p.state == code,
                    _ => true,
                })
                .filter_map(|p| {
                    let at = p.last_action_at?;
                    Some((
                        p.state.clone(),
                        at,
                        p.standing == RoundStanding::SubmittedLate,
                    ))
                })
                .collect();
            if waiting.is_empty() {
                continue;
            }
            let states: Vec<StateCode> = waiting.iter().map(|(s, _, _)| s.clone()).collect();
            let coverage = self.coverage(&fw, round, &states).await?;
            for (state, submitted_at, late) in waiting {
                let coverage = coverage.iter().find(|c| c.state == state).cloned();
                out.push(AwaitingSubmission {
                    round: round.code.clone(),
                    state,
                    submitted_at,
                    late,
                    coverage,
                });
            }
        }
        Ok(out)
    }
}
