//! Gathering the review report's annexes ([`Annexes`]): every measure's standing in every
//! scope, a profile of each participating member state, the lead sectoral bodies. Read from
//! the same in-memory figures, at the same instant and on the same basis, as the rest of the
//! report.

use chrono::{Datelike, NaiveDate};

use crate::domain::{Scope, StateCode};
use crate::engine::{self, At, Cell, Outline, Selection, StatusIndex};
use crate::report::{AnnexMeasure, Annexes, Change, LATEST_REPORTS, Standing, StateProfile};

/// What the annexes are computed from: the report's tree, its selection of every measure
/// (rows at the top level), the status index on its basis, its instant, its participants.
pub(super) struct AnnexInputs<'a> {
    pub outline: &'a Outline,
    pub selection: &'a Selection,
    pub index: &'a StatusIndex,
    pub at: At,
    pub participants: &'a [StateCode],
    /// The framework's first day: no previous period before it.
    pub start: NaiveDate,
    /// The sectoral bodies known (code, name).
    pub bodies: &'a [(String, String)],
}

/// The end of the quarter before the one holding `date`: 30 June for any date from 1 July to
/// 30 September.
pub(super) fn previous_period_end(date: NaiveDate) -> Option<NaiveDate> {
    let first_month = (date.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(date.year(), first_month, 1)?.pred_opt()
}

fn standing(cell: &Cell) -> Standing {
    Standing {
        status: cell.reported().then_some(cell.status),
        effective: cell.effective,
    }
}

/// The code of the top-level node above node `i`.
fn top_code(outline: &Outline, mut i: usize) -> String {
    while let Some(p) = outline.nodes[i].parent {
        i = p;
    }
    outline.nodes[i].code.clone()
}

pub(super) fn annexes(input: &AnnexInputs<'_>) -> Annexes {
    let o = input.outline;
    let scopes: Vec<Scope> = std::iter::once(Scope::Asean)
        .chain(input.participants.iter().cloned().map(Scope::State))
        .collect();
    let now = engine::measure_cells(o, input.selection, input.index, &scopes, input.at);
    // In the framework's first quarter, the previous period is the day before it starts (when
    // nothing was in force): every measure reported since counts as a change.
    let previous = previous_period_end(input.at.as_of)
        .map(|d| input.start.pred_opt().map_or(d, |eve| d.max(eve)))
        .filter(|d| *d < input.at.as_of);
    let before = previous.map(|as_of| {
        engine::measure_cells(
            o,
            input.selection,
            input.index,
            &scopes,
            At {
                as_of,
                known_at: input.at.known_at,
            },
        )
    });

    let measures: Vec<AnnexMeasure> = now
        .iter()
        .map(|m| {
            let node = &o.nodes[m.measure];
            AnnexMeasure {
                code: node.code.clone(),
                title: node.title.clone(),
                top: top_code(o, m.measure),
                lead_bodies: node.lead_bodies.clone(),
                cells: m.cells.iter().map(standing).collect(),
            }
        })
        .collect();

    // Each top-level node's figures, state by state, with the mean of the states.
    let tops: Vec<engine::Comparison> = input
        .selection
        .rows
        .iter()
        .filter_map(|&row| o.select(Some(&o.nodes[row].code), None, None).ok())
        .map(|sel| engine::compare(o, &sel, input.index, input.participants, input.at))
        .collect();
    let overall = engine::compare(
        o,
        input.selection,
        input.index,
        input.participants,
        input.at,
    );

    // `compare` answers for every state asked for, in order.
    let profiles = overall
        .states
        .iter()
        .enumerate()
        .map(|(k, own)| {
            let column = k + 1;
            let mut not_started = Vec::new();
            let mut no_report = Vec::new();
            let mut latest: Vec<(String, Standing)> = Vec::new();
            for m in &measures {
                let Some(cell) = m.cells.get(column) else {
                    continue;
                };
                match cell.status {
                    None => no_report.push(m.code.clone()),
                    Some(crate::domain::Status::NotStarted) => not_started.push(m.code.clone()),
                    Some(_) => {}
                }
                if cell.effective.is_some() {
                    latest.push((m.code.clone(), *cell));
                }
            }
            // Latest first; measures in tree order within a date.
            latest.sort_by_key(|(_, s)| std::cmp::Reverse(s.effective));
            latest.truncate(LATEST_REPORTS);
            let changes = before
                .as_ref()
                .map(|before| {
                    before
                        .iter()
                        .zip(&measures)
                        .filter_map(|(b, m)| {
                            let was = standing(b.cells.get(column)?);
                            let is = *m.cells.get(column)?;
                            (was.status != is.status).then(|| Change {
                                code: m.code.clone(),
                                before: was,
                                after: is,
                            })
                        })
                        .collect()
                })
                .unwrap_or_default();
            StateProfile {
                state: own.state.clone(),
                overall: own.rate,
                by_top: tops
                    .iter()
                    .filter_map(|c| c.states.get(k).map(|s| s.rate))
                    .collect(),
                not_started,
                no_report,
                changes,
                latest,
            }
        })
        .collect();

    let mut named: Vec<String> = measures
        .iter()
        .flat_map(|m| m.lead_bodies.iter().cloned())
        .collect();
    named.sort();
    named.dedup();
    let bodies = named
        .into_iter()
        .map(|code| {
            let name = input
                .bodies
                .iter()
                .find(|(c, _)| *c == code)
                .map_or_else(|| code.clone(), |(_, n)| n.clone());
            (code, name)
        })
        .collect();
    Annexes {
        states: input.participants.to_vec(),
        measures,
        previous,
        mean_by_top: tops.iter().map(|c| c.mean_of_states).collect(),
        profiles,
        bodies,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_previous_period_is_the_quarter_before() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(previous_period_end(d(2026, 9, 30).unwrap()), d(2026, 6, 30));
        assert_eq!(
            previous_period_end(d(2026, 11, 15).unwrap()),
            d(2026, 9, 30)
        );
        assert_eq!(previous_period_end(d(2026, 1, 1).unwrap()), d(2025, 12, 31));
        assert_eq!(
            previous_period_end(d(2026, 12, 31).unwrap()),
            d(2026, 9, 30)
        );
    }
}
