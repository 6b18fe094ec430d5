//! Gathering a review report's figures (DESIGN.md §4) from the in-memory figures of a
//! framework; the rendering lives in [`crate::report`].

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::figures::read;
use super::{ServiceError, ServiceResult, Tracker};
use crate::demo;
use crate::domain::{Basis, Scope, Status, participants_as_of};
use crate::engine::indicators::{IndicatorAt, indicator_progress};
use crate::engine::{self, At, Every};
use crate::report::bundle::{self, Format, RenderError, ReportFile};
use crate::report::charts::{self, Chart};
use crate::report::{
    BasisFigures, CheckedClaim, CoverageLine, FrameworkInfo, Front, HeatRow, IndicatorSection,
    MeasureLine, MeasuredIndicator, ReviewData, RoundReport, SubRow,
};

/// A report is "stale" for a measure with no report effective in this many months up to the
/// date.
const STALE_AFTER_MONTHS: u32 = 12;

impl Tracker {
    /// Everything a review report of `framework` as of `as_of` shows (as known at `known_at`,
    /// if given), stamped with `generated_at`.
    ///
    /// Decisions where DESIGN.md is silent: the report's node tables, status distribution,
    /// timeline and measure lists are regional (`ASEAN`), the national picture being the
    /// comparison and the heat map; "measures not started" are those not started regionally,
    /// each with the participants where it is not started either; the timeline takes quarter
    /// ends from the framework's start to the date; the indicators section takes every
    /// indicator that is not retired, with the report's date, instant and basis.
    ///
    /// With `known_at` (a frozen edition), everything that records when it was recorded is
    /// cut at that instant: status reports, validations and returns, rounds and their
    /// submissions, indicators (`created_at`), targets, observations and their reviews,
    /// claims. What is read as it is now, and so can change an edition's bytes: the
    /// framework's tree, title and note (reference data loaded in place), the participations,
    /// an indicator's retirement (no `retired_at`), the member states' names, the sectoral
    /// bodies' names and which bodies lead which measures (annex C), the data source
    /// line (whether the demo is loaded), and data written with a recording time in the past
    /// (the demo scenario back-dates its history). A new version of the renderer changes the
    /// bytes too; the download then refuses rather than send a different document.
    ///
    /// # Errors
    /// `UnknownFramework`, or the store fails.
    pub async fn review(
        &self,
        framework: &str,
        as_of: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        basis: Basis,
        generated_at: DateTime<Utc>,
    ) -> ServiceResult<ReviewData> {
        let fw = self.framework(framework).await?;
        let (source, illustrative) = self.data_origin(&fw.code).await?;
        // The report's instant: the figures are as known then (an edition's `known_at`, else
        // the generation time, which a caller may set in the past for a reproducible example).
        let instant = known_at.unwrap_or(generated_at);
        // The rounds as of the date, read before the figures' lock is taken.
        let rounds: Vec<_> = self
            .store
            .rounds(fw.id, &fw.code)
            .await?
            .into_iter()
            // As known at the report's instant: a round created later is not in it.
            .filter(|r| r.period_end <= as_of && r.created_at <= instant)
            .collect();
        let mut logs = self.store.round_submissions(fw.id, &rounds).await?;
        let round_participations = self.store.participations(fw.id).await?;
        let indicator_data = self.indicator_data(&fw).await?;
        let bodies: Vec<(String, String)> = self
            .store
            .sectoral_bodies()
            .await?
            .into_iter()
            .map(|b| (b.code, b.name))
            .collect();
        // The published figures: an edition lists the claims recorded by its instant; an
        // ordinary report every claim recorded so far (the shipped ones are recorded when they
        // are loaded, which may come after an example's fixed generation time). Both check
        // them as known at the report's instant.
        let claims = self
            .claim_checks_recorded_by(
                Some(&fw.code),
                known_at.unwrap_or(DateTime::<Utc>::MAX_UTC),
                instant,
            )
            .await?
            .into_iter()
            .map(CheckedClaim::from)
            .collect();
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let index = s.index(basis);
        let at = At { as_of, known_at };
        let participants = participants_as_of(&s.participations, as_of);
        let regional = Scope::Asean;
        let select = |level: Option<&str>| {
            s.outline
                .select(None, None, level)
                .map_err(|_| super::ServiceError::InvalidQuery {
                    field: "level".into(),
                    message: format!("`{}` has no level {level:?}", fw.code),
                })
        };

        let top_selection = select(None)?;
        let top = engine::progress(&s.outline, &top_selection, index, &regional, at);
        // The second level, when it is not already the level of the measures.
        let second = match fw.levels.get(1) {
            Some(level) if fw.levels.len() > 2 => {
                engine::progress(&s.outline, &select(Some(level))?, index, &regional, at)
                    .nodes
                    .into_iter()
                    .map(|node| {
                        let parent = s
                            .outline
                            .find(&node.code)
                            .and_then(|i| s.outline.nodes[i].parent)
                            .map(|p| s.outline.nodes[p].code.clone())
                            .unwrap_or_default();
                        SubRow { parent, node }
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let comparison = engine::compare(&s.outline, &top_selection, index, &participants, at);
        // The other basis's headline figures, printed beside these where they differ.
        let other = match basis {
            Basis::Reported => Basis::Validated,
            Basis::Validated => Basis::Reported,
        };
        let other_basis = {
            let other_index = s.index(other);
            let overall =
                engine::progress(&s.outline, &top_selection, other_index, &regional, at).overall;
            let cells =
                engine::compare(&s.outline, &top_selection, other_index, &participants, at).cells;
            Some(BasisFigures {
                basis: other,
                overall,
                cells,
            })
            .filter(|o| o.overall != top.overall || o.cells != comparison.cells)
        };
        let heat = participants
            .iter()
            .map(|state| {
                let p = engine::progress(
                    &s.outline,
                    &top_selection,
                    index,
                    &Scope::State(state.clone()),
                    at,
                );
                HeatRow {
                    state: state.clone(),
                    completion: p.nodes.iter().map(|n| n.rate.completion_rate).collect(),
                }
            })
            .collect();
        let dates = if as_of < fw.start_date {
            Vec::new()
        } else {
            engine::period_ends(fw.start_date, as_of.min(fw.end_date), Every::Quarter, 1_000)
                .unwrap_or_default()
        };
        let timeline = engine::timeline(
            &s.outline,
            &top_selection,
            index,
            &regional,
            &dates,
            known_at,
        );

        let scopes: Vec<Scope> = std::iter::once(Scope::Asean)
            .chain(participants.iter().cloned().map(Scope::State))
            .collect();
        let goals: Vec<(String, String)> = top
            .nodes
            .iter()
            .map(|n| (n.code.clone(), n.title.clone()))
            .collect();
        let indicators = indicator_section(
            &s.outline,
            &goals,
            &participants,
            &indicator_data,
            IndicatorAt { at, basis },
        );
        let stale_since = as_of
            .checked_sub_months(Months::new(STALE_AFTER_MONTHS))
            .unwrap_or(NaiveDate::MIN);
        let mut not_started = Vec::new();
        let mut stale = Vec::new();
        for m in engine::measure_cells(&s.outline, &top_selection, index, &scopes, at) {
            let node = &s.outline.nodes[m.measure];
            let regional = m.cells.first().map_or(Status::NotStarted, |c| c.status);
            let line = MeasureLine {
                code: node.code.clone(),
                title: node.title.clone(),
                regional,
                states_not_started: participants
                    .iter()
                    .zip(m.cells.iter().skip(1))
                    .filter(|(_, c)| c.status == Status::NotStarted)
                    .map(|(state, _)| state.clone())
                    .collect(),
                last_report: m.latest,
            };
            // A measure completed or not applicable regionally needs no new report.
            let settled = matches!(regional, Status::Completed | Status::NotApplicable);
            if !settled && m.latest.is_none_or(|d| d <= stale_since) {
                stale.push(line.clone());
            }
            if regional == Status::NotStarted {
                not_started.push(line);
            }
        }

        let annexes = super::annexes::annexes(&super::annexes::AnnexInputs {
            outline: &s.outline,
            selection: &top_selection,
            index,
            at,
            participants: &participants,
            start: fw.start_date,
            bodies: &bodies,
        });

        // Standings as known at the report's instant, so that a report is reproducible.
        let latest_round = rounds.len().checked_sub(1);
        let round_reports = rounds
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let dates = super::rounds::dates(r);
                let log = logs.remove(&r.id).unwrap_or_default();
                let c = engine::rounds::completeness(dates, &round_participations, &log, instant);
                let coverage = if Some(i) == latest_round {
                    let states: Vec<Scope> = c
                        .states
                        .iter()
                        .map(|p| Scope::State(p.state.clone()))
                        .collect();
                    // Coverage is about reporting: every report in force, whatever the basis.
                    let cells = engine::measure_cells(
                        &s.outline,
                        &top_selection,
                        s.index(Basis::Reported),
                        &states,
                        At {
                            as_of: r.period_end,
                            known_at,
                        },
                    );
                    c.states
                        .iter()
                        .enumerate()
                        .map(|(k, p)| {
                            let v = engine::rounds::coverage(
                                p.state.clone(),
                                dates,
                                cells
                                    .iter()
                                    .filter_map(|m| m.cells.get(k))
                                    .map(super::rounds::pair_in_force),
                            );
                            CoverageLine {
                                state: v.state,
                                applicable: v.applicable,
                                reported_this_round: v.reported_this_round,
                                carried_forward: v.carried_forward,
                                never_reported: v.never_reported,
                            }
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                RoundReport {
                    code: r.code.clone(),
                    period_start: r.period_start,
                    period_end: r.period_end,
                    due_on: r.due_on,
                    past_due: c.counts.past_due,
                    participants: c.counts.participants,
                    submitted: c.counts.submitted,
                    on_time: c.counts.on_time,
                    late: c.counts.late,
                    missing: c.counts.missing,
                    open: c.counts.open,
                    returned: c.counts.returned,
                    standings: c
                        .states
                        .iter()
                        .map(|p| (p.state.clone(), p.standing.as_str().to_owned()))
                        .collect(),
                    coverage,
                }
            })
            .collect();

        Ok(ReviewData {
            framework: FrameworkInfo {
                code: fw.code.clone(),
                title: fw.title.clone(),
                levels: fw.levels.clone(),
                start_date: fw.start_date,
                end_date: fw.end_date,
                note: fw.note.clone(),
            },
            as_of,
            known_at,
            generated_at,
            source,
            overall: top.overall,
            top: top.nodes,
            second,
            comparison,
            heat,
            timeline,
            not_started,
            stale,
            indicators,
            rounds: round_reports,
            basis,
            other_basis,
            claims,
            illustrative,
            issued_by: None,
            logo: None,
            executive_summary: None,
            annexes,
            edition: None,
        })
    }

    /// Where a report's figures come from, saying so when the demo scenario is among them.
    async fn source_line(&self, framework: &str) -> ServiceResult<String> {
        Ok(self.data_origin(framework).await?.0)
    }

    /// Where a report's figures come from, and whether they include illustrative data (the
    /// demo scenario, or the synthetic benchmark framework).
    async fn data_origin(&self, framework: &str) -> ServiceResult<(String, bool)> {
        let demo_loaded = match self.store.user_by_name(demo::DEMO_USER).await? {
            Some(user) => self.store.count_reports_by(user.id).await? > 0,
            None => false,
        };
        Ok(if framework == demo::synthetic::SYNTHETIC_FRAMEWORK {
            (
                "blueprint-tracker, synthetic benchmark data (not ASEAN data)".to_owned(),
                true,
            )
        } else if demo_loaded {
            ("blueprint-tracker status reports, including the illustrative demo scenario (not official ASEAN data)".to_owned(), true)
        } else {
            (
                "status reports recorded in blueprint-tracker".to_owned(),
                false,
            )
        })
    }
}

/// The indicators section of `participants` (`ASEAN` first) under `goals` (the top-level
/// nodes, code and title, in tree order): every indicator that is not retired, as of `when`.
fn indicator_section(
    outline: &engine::Outline,
    goals: &[(String, String)],
    participants: &[crate::domain::StateCode],
    data: &super::indicator_cache::IndicatorData,
    when: IndicatorAt,
) -> IndicatorSection {
    let scopes: Vec<Scope> = std::iter::once(Scope::Asean)
        .chain(participants.iter().cloned().map(Scope::State))
        .collect();
    // The top-level node an indicator's node is under (itself when it is one).
    let goal_of = |node: &str| {
        let mut i = outline.find(node)?;
        while let Some(parent) = outline.nodes.get(i)?.parent {
            i = parent;
        }
        Some(outline.nodes.get(i)?.code.clone())
    };
    let measured = data
        .records
        .iter()
        .zip(&data.indicators)
        // As known at the report's instant: an indicator defined later is not in it.
        .filter(|(record, _)| {
            !record.retired && when.at.known_at.is_none_or(|t| record.created_at <= t)
        })
        .map(|(record, indicator)| MeasuredIndicator {
            indicator: indicator.clone(),
            goal: goal_of(&indicator.node).unwrap_or_default(),
            progress: indicator_progress(
                indicator,
                participants,
                data.targets_of(record.id),
                data.observations_of(record.id),
                when,
            ),
        })
        .collect();
    IndicatorSection::build(goals, scopes, when.at.as_of, measured)
}

impl Tracker {
    /// A framework's indicators section as of a date on a basis (what the review report's
    /// "Indicators" section holds), with the frame its charts print: the pages' goal snapshot
    /// and class matrix.
    ///
    /// # Errors
    /// `UnknownFramework`; the store fails.
    pub async fn indicator_section(
        &self,
        framework: &str,
        as_of: NaiveDate,
        basis: Basis,
    ) -> ServiceResult<(IndicatorSection, crate::report::charts::ChartFrame, String)> {
        let fw = self.framework(framework).await?;
        let source = self.source_line(&fw.code).await?;
        let data = self.indicator_data(&fw).await?;
        let state = self.figures_state(&fw).await?;
        let s = read(&state);
        let participants = participants_as_of(&s.participations, as_of);
        let goals: Vec<(String, String)> = s
            .outline
            .nodes
            .iter()
            .filter(|n| n.parent.is_none())
            .map(|n| (n.code.clone(), n.title.clone()))
            .collect();
        let at = At {
            as_of,
            known_at: None,
        };
        let section = indicator_section(
            &s.outline,
            &goals,
            &participants,
            &data,
            IndicatorAt { at, basis },
        );
        let frame = crate::report::charts::ChartFrame {
            framework: fw.title.clone(),
            as_of,
            known_at: None,
            source,
        };
        let level = fw.levels.first().cloned().unwrap_or_default();
        Ok((section, frame, level))
    }
}

/// Sets what the report's issuer gave ([`Front`]) on its data.
///
/// Decision (issue 19): a report of illustrative figures (the demo scenario, synthetic data:
/// [`ReviewData::illustrative`]) that was given no executive summary prints the demo's
/// illustrative one ([`crate::demo::EXECUTIVE_SUMMARY`]), so that the demo shows where a
/// review's narrative goes; a summary given always wins, and a report of real figures never
/// gets one it was not given. Review editions take no summary of their own and come through
/// here at freezing and at every re-render alike, so a download re-renders the frozen bytes.
pub(crate) fn apply_front(front: Front, data: &mut ReviewData) {
    front.apply(data);
    if data.illustrative && data.executive_summary.is_none() {
        data.executive_summary = Some(crate::demo::EXECUTIVE_SUMMARY.to_owned());
    }
}

impl Tracker {
    /// The review report in `formats`, rendered off the async threads.
    ///
    /// # Errors
    /// As [`Tracker::review`]; `Render` when rendering fails.
    #[expect(
        clippy::too_many_arguments,
        reason = "the report's parameters as the CLI and the API take them; a struct for them \
                  would be built once per caller and read once here"
    )]
    pub async fn report_files(
        &self,
        framework: &str,
        as_of: NaiveDate,
        known_at: Option<DateTime<Utc>>,
        basis: Basis,
        generated_at: DateTime<Utc>,
        formats: Vec<Format>,
        front: Front,
    ) -> ServiceResult<Vec<ReportFile>> {
        let mut data = self
            .review(framework, as_of, known_at, basis, generated_at)
            .await?;
        apply_front(front, &mut data);
        tokio::task::spawn_blocking(move || -> Result<Vec<ReportFile>, RenderError> {
            let svgs = if formats.iter().any(|f| bundle::needs_svgs(*f)) {
                bundle::chart_svgs(&data)?
            } else {
                Vec::new()
            };
            let mut files = Vec::new();
            for format in formats {
                files.extend(bundle::render(&data, format, &svgs)?);
            }
            Ok(files)
        })
        .await
        .map_err(|e| ServiceError::Render(e.to_string()))?
        .map_err(|e| ServiceError::Render(e.to_string()))
    }

    /// One chart of the review report, as SVG or PNG.
    ///
    /// # Errors
    /// As [`Tracker::review`]; `Render` when drawing fails.
    pub async fn chart(
        &self,
        framework: &str,
        chart: Chart,
        png: bool,
        as_of: NaiveDate,
        basis: Basis,
        generated_at: DateTime<Utc>,
    ) -> ServiceResult<Vec<u8>> {
        let data = self
            .review(framework, as_of, None, basis, generated_at)
            .await?;
        tokio::task::spawn_blocking(move || {
            if png {
                charts::png(chart, &data).map_err(|e| e.to_string())
            } else {
                charts::svg(chart, &data)
                    .map(String::into_bytes)
                    .map_err(|e| e.to_string())
            }
        })
        .await
        .map_err(|e| ServiceError::Render(e.to_string()))?
        .map_err(ServiceError::Render)
    }
}
