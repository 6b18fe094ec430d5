//! A focal point's home (`/me`): per framework its state takes part in, the round open today
//! (what is due, by when, whether it was submitted, and whether it may be submitted now), its
//! returned reports still to correct (with the reasons), and its reports awaiting validation.
//! Plain data; the page words it.
//!
//! Decisions:
//! - The round of a framework shown is the one the dashboard shows: the latest opened on or
//!   before today.
//! - A returned report is "to correct" until a later report of the same measure and state is
//!   recorded (a correction, or any newer report of the pair): once one is, the return is
//!   settled and leaves the list.
//! - Frameworks the state no longer takes part in today, and frameworks with nothing to show
//!   (no round, nothing returned, nothing waiting), are left out.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::domain::{Round, Scope, StateCode, StatusReport, ValidationState};
use crate::engine::rounds::ParticipantRound;
use crate::service::{ServiceResult, Tracker, today};

/// How many returned or waiting reports the home lists per framework (the counts are whole).
pub const HOME_LIST: usize = 20;

/// A focal point's home.
#[derive(Debug, Clone)]
pub struct FocalHome {
    pub state: StateCode,
    pub frameworks: Vec<FocalFramework>,
}

/// One framework on a focal point's home.
#[derive(Debug, Clone)]
pub struct FocalFramework {
    pub code: String,
    pub title: String,
    pub round: Option<FocalRound>,
    /// Returned reports of the state not corrected yet, newest return first.
    pub returned: Vec<StatusReport>,
    pub returned_total: usize,
    /// The state's reports awaiting validation, oldest first.
    pub awaiting: Vec<StatusReport>,
    pub awaiting_total: usize,
}

/// The state's place in the round open today.
#[derive(Debug, Clone)]
pub struct FocalRound {
    pub round: Round,
    /// The first late instant.
    pub deadline: DateTime<Utc>,
    pub past_due: bool,
    /// `None` when the state is not expected in the round (it joined after it opened).
    pub standing: Option<ParticipantRound>,
    /// Whether a submission may follow the state's latest action now.
    pub may_submit: bool,
}

impl Tracker {
    /// The home of a focal point of `state`.
    ///
    /// # Errors
    /// `UnknownState`; the store fails.
    pub async fn focal_home(&self, state: &StateCode) -> ServiceResult<FocalHome> {
        self.ensure_member_state(state).await?;
        let scope = Scope::State(state.clone());
        let on = today();
        let mut frameworks = Vec::new();
        for summary in self.store.frameworks().await? {
            let code = summary.framework.code.clone();
            if code == crate::demo::synthetic::SYNTHETIC_FRAMEWORK {
                continue;
            }
            let fw = self.framework(&code).await?;
            let participations = self.store.participations(fw.id).await?;
            if !participations
                .iter()
                .any(|p| &p.state == state && p.active_on(on))
            {
                continue;
            }
            let round = self.focal_round(&fw.code, state).await?;
            let (returned, returned_total) = self.to_correct(&fw, &scope).await?;
            let mut waiting = self
                .store
                .report_ids_in_state(
                    fw.id,
                    ValidationState::Reported,
                    Some(&scope),
                    u64::MAX >> 1,
                )
                .await?;
            waiting.sort_unstable();
            let awaiting_total = waiting.len();
            waiting.truncate(HOME_LIST);
            let mut awaiting = self.store.reports_by_ids(&fw, &waiting).await?;
            awaiting.sort_by_key(|r| (r.recorded_at, r.id));
            if round.is_none() && returned_total == 0 && awaiting_total == 0 {
                continue;
            }
            frameworks.push(FocalFramework {
                code: fw.code,
                title: fw.title,
                round,
                returned,
                returned_total,
                awaiting,
                awaiting_total,
            });
        }
        Ok(FocalHome {
            state: state.clone(),
            frameworks,
        })
    }

    /// The round of a framework open today and the state's place in it.
    async fn focal_round(
        &self,
        framework: &str,
        state: &StateCode,
    ) -> ServiceResult<Option<FocalRound>> {
        let Some(detail) = self.current_round(framework, today()).await? else {
            return Ok(None);
        };
        let standing = detail
            .completeness
            .states
            .iter()
            .find(|s| &s.state == state)
            .cloned();
        let may_submit = standing.as_ref().is_some_and(|s| {
            crate::domain::transition_problem(
                s.last_action,
                crate::domain::SubmissionAction::Submitted,
            )
            .is_none()
        });
        Ok(Some(FocalRound {
            deadline: detail.completeness.counts.deadline,
            past_due: detail.completeness.counts.past_due,
            round: detail.round,
            standing,
            may_submit,
        }))
    }

    /// The scope's returned reports that no later report of the same measure replaced, newest
    /// return first (at most [`HOME_LIST`]), and how many there are.
    async fn to_correct(
        &self,
        fw: &crate::domain::Framework,
        scope: &Scope,
    ) -> ServiceResult<(Vec<StatusReport>, usize)> {
        let returned = self
            .store
            .report_ids_in_state(fw.id, ValidationState::Returned, Some(scope), u64::MAX >> 1)
            .await?;
        if returned.is_empty() {
            return Ok((Vec::new(), 0));
        }
        // The latest report (recording order) of each of the scope's measures.
        let mut latest: HashMap<i32, (DateTime<Utc>, i64)> = HashMap::new();
        let mut measure_of: HashMap<i64, i32> = HashMap::new();
        self.take_in_reports(fw.id, 0, |page| {
            for f in page.iter().filter(|f| &f.scope == scope) {
                measure_of.insert(f.id, f.measure_id);
                let entry = latest.entry(f.measure_id).or_insert((f.recorded_at, f.id));
                if (f.recorded_at, f.id) > *entry {
                    *entry = (f.recorded_at, f.id);
                }
            }
        })
        .await?;
        let open: Vec<i64> = returned
            .into_iter()
            .filter(|id| {
                measure_of
                    .get(id)
                    .and_then(|m| latest.get(m))
                    .is_some_and(|(_, last)| last == id)
            })
            .collect();
        let total = open.len();
        let mut reports = self.store.reports_by_ids(fw, &open).await?;
        reports.sort_by_key(|r| std::cmp::Reverse((r.validation.at, r.id)));
        reports.truncate(HOME_LIST);
        Ok((reports, total))
    }
}
