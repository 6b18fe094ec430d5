//! The observation grid: a scope's indicators for one year, each with its baseline and target
//! in force and the value already recorded for that year, to enter the year's values from.
//! Plain data; the web layer words it, and records through `Tracker::record_observations`.
//!
//! Decisions where DESIGN.md and issue 17 are silent:
//! - The years offered are those of the framework's period up to the current year (data are
//!   entered for years that have begun); a year outside them may still be asked for in the
//!   query string, within the checks of `domain::check_year` (it is then offered too).
//! - The default year is the last year that has ended (the current year − 1), because a year's
//!   figures are known once it is over; when that year is outside the offered ones (a
//!   framework that starts this year), the nearest offered year.
//! - "The value in force" for a year is the observation of (indicator, scope, year) recorded
//!   last that the Secretariat has not returned (a returned one counts on no basis, DESIGN
//!   §1); when a later one was returned, it is shown too, with its reason, so that the focal
//!   point can correct it.
//! - Retired indicators are left out: they take no new observation.

use chrono::Datelike;

use super::super::{ServiceResult, Tracker};
use crate::domain::{Framework, Observation, Scope, Target, ValidationState, check_year};
use crate::engine::indicators::target_in_force;

/// One scope's indicators for one year.
#[derive(Debug, Clone)]
pub struct ObservationGrid {
    pub framework: Framework,
    pub scope: Scope,
    pub year: i32,
    /// The years the page offers, oldest first.
    pub years: Vec<i32>,
    pub rows: Vec<ObservationRow>,
}

/// An indicator in the grid.
#[derive(Debug, Clone)]
pub struct ObservationRow {
    pub code: String,
    pub title: String,
    pub unit: String,
    pub decimals: u8,
    /// The baseline and target in force for the scope, if any.
    pub target: Option<Target>,
    /// The value in force for the year: recorded last and not returned.
    pub current: Option<Observation>,
    /// A value recorded after `current` that the Secretariat returned (with its reason).
    pub returned: Option<Observation>,
}

/// The years of a framework the grid offers (its period up to `this_year`), oldest first.
pub fn grid_years(framework: &Framework, this_year: i32) -> Vec<i32> {
    let first = framework.start_date.year();
    let last = framework.end_date.year().min(this_year);
    (first..=last).collect()
}

/// The year the grid opens on: the last year that has ended, or the nearest offered year.
pub fn default_grid_year(years: &[i32], this_year: i32) -> i32 {
    let wanted = this_year - 1;
    match (years.first(), years.last()) {
        (Some(first), Some(last)) => wanted.clamp(*first, *last),
        _ => wanted,
    }
}

impl Tracker {
    /// The non-retired indicators of a framework in `scope` for `year` (the default year when
    /// `None`), with their target in force and the value recorded for that year.
    ///
    /// # Errors
    /// `UnknownFramework`; `Invalid` for a year outside the framework's period ± 10 years; the
    /// store fails.
    pub async fn observation_grid(
        &self,
        framework: &str,
        scope: &Scope,
        year: Option<i32>,
        this_year: i32,
    ) -> ServiceResult<ObservationGrid> {
        let fw = self.framework(framework).await?;
        let mut years = grid_years(&fw, this_year);
        let year = year.unwrap_or_else(|| default_grid_year(&years, this_year));
        check_year("year", year, &fw)
            .map_err(|issue| super::super::ServiceError::Invalid(vec![issue.to_field_issue("")]))?;
        if !years.contains(&year) {
            years.push(year);
            years.sort_unstable();
        }
        let data = self.indicator_data(&fw).await?;
        let mut rows: Vec<ObservationRow> = data
            .records
            .iter()
            .zip(&data.indicators)
            .filter(|(record, _)| !record.retired)
            .map(|(record, indicator)| {
                let mut of_year: Vec<&Observation> = data
                    .observations_of(record.id)
                    .iter()
                    .filter(|o| &o.scope == scope && o.year == year)
                    .collect();
                of_year.sort_by_key(|o| (o.recorded_at, o.id));
                let current = of_year
                    .iter()
                    .rev()
                    .find(|o| o.validation.state != ValidationState::Returned)
                    .map(|o| (*o).clone());
                let returned = of_year
                    .last()
                    .filter(|o| o.validation.state == ValidationState::Returned)
                    .map(|o| (*o).clone());
                ObservationRow {
                    code: indicator.code.clone(),
                    title: indicator.title.clone(),
                    unit: indicator.unit.clone(),
                    decimals: indicator.decimals,
                    target: target_in_force(
                        &indicator.code,
                        scope,
                        data.targets_of(record.id),
                        None,
                    )
                    .cloned(),
                    current,
                    returned,
                }
            })
            .collect();
        rows.sort_by(|a, b| crate::domain::natural_order(&a.code, &b.code));
        Ok(ObservationGrid {
            framework: fw,
            scope: scope.clone(),
            year,
            years,
            rows,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn framework(start: i32, end: i32) -> Framework {
        Framework {
            id: 1,
            code: "fw".to_owned(),
            title: "A framework".to_owned(),
            adopted_on: None,
            adopted_at: None,
            start_date: chrono::NaiveDate::from_ymd_opt(start, 1, 1).unwrap(),
            end_date: chrono::NaiveDate::from_ymd_opt(end, 12, 31).unwrap(),
            levels: vec!["goal".to_owned(), "measure".to_owned()],
            reviews: Vec::new(),
            note: None,
        }
    }

    #[test]
    fn the_grid_offers_the_framework_years_up_to_this_year_and_opens_on_the_last_ended() {
        let years = grid_years(&framework(2016, 2025), 2026);
        assert_eq!(years.first(), Some(&2016));
        assert_eq!(years.last(), Some(&2025));
        assert_eq!(default_grid_year(&years, 2026), 2025);
        let starting = grid_years(&framework(2026, 2035), 2026);
        assert_eq!(starting, vec![2026]);
        assert_eq!(default_grid_year(&starting, 2026), 2026);
    }
}
