//! The claims register (issue 18): published figures recorded (API, CLI, CSV import, and the
//! claims shipped in `reference/data/claims.csv`), and each checked against the data under every
//! rule, as known on its publication day and as known now.
//!
//! Decisions where the issue is silent:
//! - claims are checked on the `reported` basis (every report in force, returned ones left
//!   out): a published figure is about what was reported, validated or not;
//! - "as known on the publication day" is the end of that day (UTC), or now when that is later;
//! - a member state's claim has one figure, the state's own (rule `scope`);
//! - the shipped claims carry a reference key (the SHA-256 of their CSV line), so loading them
//!   again at every start adds nothing; they are recorded by no account ("shipped");
//! - a review report lists the claims recorded by its instant, checked as known at that instant,
//!   so a frozen edition re-renders the same.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::accounts::entry;
use super::figures::read;
use super::{ServiceError, ServiceResult, Tracker, now};
use crate::domain::audit::actions;
use crate::domain::{
    Action, Actor, Basis, Claim, FieldIssue, Framework, MeasureList, Metric, NewClaim, Scope,
    claim_problems, participants_as_of,
};
use crate::engine::At;
use crate::engine::claims::{ClaimCheck, check_at, end_of_day, indicator_figures, status_figures};
use crate::engine::indicators::{IndicatorAt, indicator_progress};
use crate::store::ClaimRow;
use crate::transfer::{self, claims::ClaimFileRow};

/// The claims shipped with the tracker (a copy of `shared/data/claims.csv`).
const SHIPPED_CLAIMS: &str = include_str!("../reference/data/claims.csv");

/// A claim as the API and the CLI take it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimRequest {
    /// The framework's code.
    pub framework: String,
    /// `ASEAN` or a member state's code.
    #[schema(example = "ASEAN")]
    pub scope: String,
    #[schema(value_type = String, example = "implementation_rate")]
    pub metric: String,
    /// The indicator's code, for `mean_current_status` only.
    #[serde(default)]
    pub indicator: Option<String>,
    /// The claimed figure as a fraction (1.0 is 100%).
    pub value: f64,
    /// The stated precision as a fraction (0.01: to the percent).
    pub precision: f64,
    #[schema(value_type = String, format = Date)]
    pub as_of: chrono::NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub published_on: chrono::NaiveDate,
    pub statement: String,
    pub source_title: String,
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    /// The id of the claim this one corrects.
    #[serde(default)]
    pub supersedes: Option<i64>,
}

fn blank_to_none(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

impl ClaimRequest {
    /// The claim, or what does not read (scope, metric).
    fn parse(&self) -> Result<NewClaim, Vec<FieldIssue>> {
        let mut issues = Vec::new();
        let scope = if self.scope.trim().eq_ignore_ascii_case("asean") {
            Some(Scope::Asean)
        } else {
            self.scope
                .trim()
                .parse::<Scope>()
                .map_err(|e| issues.push(FieldIssue::invalid("scope", e.0)))
                .ok()
        };
        let metric = self
            .metric
            .trim()
            .parse::<Metric>()
            .map_err(|e| issues.push(FieldIssue::invalid("metric", e.0)))
            .ok();
        match (scope, metric) {
            (Some(scope), Some(metric)) if issues.is_empty() => Ok(NewClaim {
                scope,
                metric,
                indicator: blank_to_none(&self.indicator),
                value: self.value,
                precision: self.precision,
                as_of: self.as_of,
                published_on: self.published_on,
                statement: self.statement.trim().to_owned(),
                source_title: self.source_title.trim().to_owned(),
                source_url: blank_to_none(&self.source_url),
                note: blank_to_none(&self.note),
                supersedes: self.supersedes,
            }),
            _ => Err(issues),
        }
    }
}

impl Tracker {
    /// Checks `claim` against framework `fw`: its values (domain rules), its scope (a member
    /// state), its indicator (one of the framework's). Problems are named by `prefix` + field.
    async fn claim_issues(
        &self,
        fw: &Framework,
        claim: &NewClaim,
        prefix: &str,
    ) -> ServiceResult<Vec<FieldIssue>> {
        let mut issues = claim_problems(claim, fw.start_date, fw.end_date, now().date_naive());
        if let Scope::State(state) = &claim.scope
            && !self
                .store
                .member_states()
                .await?
                .iter()
                .any(|m| &m.code == state)
        {
            issues.push(FieldIssue::invalid(
                "scope",
                format!("`{state}` is not an ASEAN member state"),
            ));
        }
        if let Some(code) = &claim.indicator
            && claim.metric.of_indicator()
            && self.indicator_data(fw).await?.find(code).is_none()
        {
            issues.push(FieldIssue::invalid(
                "indicator",
                format!("`{}` has no indicator `{code}`", fw.code),
            ));
        }
        for issue in &mut issues {
            issue.field = format!("{prefix}{}", issue.field);
        }
        Ok(issues)
    }

    /// Records one claim (admin, secretariat; `None`: the operator at the terminal). A
    /// correction names the claim it supersedes.
    ///
    /// # Errors
    /// `UnknownFramework`, `Forbidden`, `Invalid` (every problem by field), `NotFound` (the
    /// claim to supersede), `Conflict` (it is superseded already); the store fails.
    pub async fn add_claim(
        &self,
        actor: Option<&Actor>,
        request: &ClaimRequest,
    ) -> ServiceResult<Claim> {
        let fw = self.framework(request.framework.trim()).await?;
        if let Some(actor) = actor {
            self.permit(actor, Action::PublishFigures).await?;
        }
        let claim = request.parse().map_err(ServiceError::Invalid)?;
        let issues = self.claim_issues(&fw, &claim, "").await?;
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let audit = entry(actor, actions::CLAIM_ADD).framework(fw.code.clone());
        let row = ClaimRow {
            framework_id: fw.id,
            claim,
            reference_key: None,
        };
        self.store
            .add_claims(&[row], actor.map(|a| a.user.id), Some(&audit), now())
            .await?
            .pop()
            .ok_or_else(|| ServiceError::Internal("the claim was not stored".to_owned()))
    }

    /// Records every claim of a CSV or XLSX file, all or nothing (admin, secretariat; `None`:
    /// the terminal's operator).
    ///
    /// # Errors
    /// `Forbidden`; `Invalid` with every problem as `line N: column`; `NotFound`/`Conflict` as
    /// [`Tracker::add_claim`]; the store fails. Nothing is stored then.
    pub async fn import_claims(
        &self,
        actor: Option<&Actor>,
        bytes: &[u8],
        name: Option<&str>,
    ) -> ServiceResult<Vec<Claim>> {
        if let Some(actor) = actor {
            self.permit(actor, Action::PublishFigures).await?;
        }
        let rows = claim_file_rows(bytes, name)?;
        let mut issues = Vec::new();
        let mut stored = Vec::new();
        for row in rows {
            let Ok(fw) = self.framework(&row.framework).await else {
                issues.push(FieldIssue::invalid(
                    format!("line {}: framework", row.line),
                    format!("there is no framework `{}`", row.framework),
                ));
                continue;
            };
            issues.extend(
                self.claim_issues(&fw, &row.claim, &format!("line {}: ", row.line))
                    .await?,
            );
            stored.push(ClaimRow {
                framework_id: fw.id,
                claim: row.claim,
                reference_key: None,
            });
        }
        if !issues.is_empty() {
            return Err(ServiceError::Invalid(issues));
        }
        let audit = entry(actor, actions::CLAIM_ADD);
        Ok(self
            .store
            .add_claims(&stored, actor.map(|a| a.user.id), Some(&audit), now())
            .await?)
    }

    /// Loads the claims shipped with the tracker; those loaded before are skipped. Returns how
    /// many were added.
    ///
    /// # Errors
    /// The shipped file is bad (a test would have said), or the store fails.
    pub async fn load_shipped_claims(&self) -> ServiceResult<usize> {
        let rows = claim_file_rows(SHIPPED_CLAIMS.as_bytes(), Some("claims.csv"))?;
        let lines: Vec<&str> = SHIPPED_CLAIMS.lines().collect();
        let mut stored = Vec::new();
        for row in rows {
            let Ok(fw) = self.framework(&row.framework).await else {
                continue; // a framework not loaded here
            };
            let line = usize::try_from(row.line)
                .ok()
                .and_then(|l| lines.get(l.saturating_sub(1)))
                .copied()
                .unwrap_or_default();
            let key = hex::encode(Sha256::digest(
                format!("claims.csv\n{}\n{line}", row.framework).as_bytes(),
            ));
            stored.push(ClaimRow {
                framework_id: fw.id,
                claim: row.claim,
                reference_key: Some(key),
            });
        }
        Ok(self
            .store
            .add_claims(&stored, None, None, now())
            .await?
            .len())
    }

    /// Every claim (of one framework, when given), oldest first.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn claims(&self, framework: Option<&str>) -> ServiceResult<Vec<Claim>> {
        let id = match framework {
            Some(code) => Some(self.framework(code).await?.id),
            None => None,
        };
        Ok(self.store.claims(id).await?)
    }

    /// One claim checked as known on its publication day and now.
    ///
    /// # Errors
    /// `NotFound`; the store fails.
    pub async fn claim_check(&self, id: i64) -> ServiceResult<ClaimCheck> {
        let claim = self
            .store
            .claim(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no claim {id}")))?;
        self.check_claim(claim, now()).await
    }

    /// The claims (of one framework, when given) recorded by `instant`, each checked as known
    /// on its publication day and as known at `instant` ("now" for the pages, the report's
    /// instant for a report); `superseded_by` names only corrections recorded by then.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn claim_checks(
        &self,
        framework: Option<&str>,
        instant: DateTime<Utc>,
    ) -> ServiceResult<Vec<ClaimCheck>> {
        self.claim_checks_recorded_by(framework, instant, instant)
            .await
    }

    /// The claims (of one framework, when given) recorded by `recorded_by`, each checked as
    /// known on its publication day and as known at `instant`; `superseded_by` names only
    /// corrections recorded by `recorded_by`. (An ordinary review report stamped with a past
    /// generation time lists every claim recorded so far, checked as known at that time.)
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn claim_checks_recorded_by(
        &self,
        framework: Option<&str>,
        recorded_by: DateTime<Utc>,
        instant: DateTime<Utc>,
    ) -> ServiceResult<Vec<ClaimCheck>> {
        let claims = self.claims(framework).await?;
        let known: Vec<Claim> = claims
            .iter()
            .filter(|c| c.recorded_at <= recorded_by)
            .cloned()
            .map(|mut c| {
                c.superseded_by = c.superseded_by.filter(|next| {
                    claims
                        .iter()
                        .any(|n| n.id == *next && n.recorded_at <= recorded_by)
                });
                c
            })
            .collect();
        let mut out = Vec::with_capacity(known.len());
        for claim in known {
            out.push(self.check_claim(claim, instant).await?);
        }
        Ok(out)
    }

    /// `claim` checked as known at the end of its publication day (or `now`, if earlier) and
    /// as known at `now`.
    async fn check_claim(&self, claim: Claim, now: DateTime<Utc>) -> ServiceResult<ClaimCheck> {
        let fw = self.framework(&claim.framework).await?;
        let indicator_data = if claim.metric.of_indicator() {
            Some(self.indicator_data(&fw).await?)
        } else {
            None
        };
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let selection = s
            .outline
            .select(None, None, None)
            .map_err(|e| ServiceError::Internal(format!("{e:?}")))?;
        let list = MeasureList::read(fw.note.as_deref(), selection.measures.len() as u64);
        let participants = participants_as_of(&s.participations, claim.as_of);
        let index = s.index(Basis::Reported);
        let figures_at = |known_at: DateTime<Utc>| {
            let at = At {
                as_of: claim.as_of,
                known_at: Some(known_at),
            };
            match (&indicator_data, &claim.indicator) {
                (Some(data), Some(code)) => match data.find(code) {
                    Some((record, indicator)) => {
                        let progress = indicator_progress(
                            indicator,
                            &participants,
                            data.targets_of(record.id),
                            data.observations_of(record.id),
                            IndicatorAt {
                                at,
                                basis: Basis::Reported,
                            },
                        );
                        indicator_figures(&progress, &claim.scope)
                    }
                    None => Vec::new(),
                },
                _ => status_figures(
                    &s.outline,
                    &selection,
                    index,
                    &claim.scope,
                    &participants,
                    claim.metric,
                    at,
                ),
            }
        };
        let published = end_of_day(claim.published_on).min(now);
        let at_publication = check_at(&claim, &list, published, figures_at(published));
        let today = check_at(&claim, &list, now, figures_at(now));
        drop(s);
        Ok(ClaimCheck {
            claim,
            measure_list: list,
            at_publication,
            now: today,
        })
    }
}

/// The claims of a CSV or XLSX file, or every problem as `line N: column`.
fn claim_file_rows(bytes: &[u8], name: Option<&str>) -> ServiceResult<Vec<ClaimFileRow>> {
    let invalid =
        |message: String| ServiceError::Invalid(vec![FieldIssue::invalid("file", message)]);
    let format = transfer::detect_format(bytes, name).map_err(|e| invalid(e.to_string()))?;
    let table = transfer::read_table(bytes, format).map_err(|e| invalid(e.to_string()))?;
    transfer::claims::claim_rows(&table).map_err(|issues| {
        ServiceError::Invalid(
            issues
                .into_iter()
                .map(|i| {
                    let field = match (i.line, i.column) {
                        (Some(line), Some(column)) => format!("line {line}: {column}"),
                        (Some(line), None) => format!("line {line}"),
                        (None, Some(column)) => format!("header: {column}"),
                        (None, None) => "file".to_owned(),
                    };
                    FieldIssue::invalid(field, i.message)
                })
                .collect(),
        )
    })
}
