//! The review report's figures as CSV, one row per figure, for spreadsheets and for checking
//! the report by hand. Rates are fractions in [0, 1] with every digit (as in the API), empty
//! where not defined; counts are exact. Formatting for people lives in [`super::html`].

use super::ReviewData;
use super::html::{ReportError, state_name};
use crate::engine::{MeanRate, Rate};

/// The header row.
pub const COLUMNS: [&str; 16] = [
    "section",
    "code",
    "title",
    "level",
    "rule",
    "measures",
    "applicable",
    "completed",
    "ongoing",
    "not_started",
    "unreported",
    "not_applicable",
    "progress_points",
    "completion_rate",
    "implementation_rate",
    "progress_index",
];

/// Every figure of the report, one row each, in the report's order:
/// - `overall`: the framework (code and title of the framework), regional;
/// - `top`, `second`: each top-level and second-level node, regional;
/// - `comparison`: each participating member state (rule `scope`), then `all_states`,
///   `mean_of_states` (no counts: the mean of rates; `measures` is empty and the title says
///   over how many states), `cells` and `regional`;
/// - `timeline`: each date (in `code`), regional.
///
/// # Errors
/// Writing the CSV fails (a bug: it is written to memory).
pub fn figures(data: &ReviewData) -> Result<String, ReportError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let csv = |e: csv::Error| ReportError::Csv(e.to_string());
    out.write_record(COLUMNS).map_err(csv)?;

    let fw = &data.framework;
    let mut rows: Vec<[String; 16]> = Vec::new();
    rows.push(rate_record(
        "overall",
        &fw.code,
        &fw.title,
        "",
        &data.overall,
    ));
    for node in &data.top {
        rows.push(rate_record(
            "top",
            &node.code,
            &node.title,
            &node.level,
            &node.rate,
        ));
    }
    for sub in &data.second {
        let node = &sub.node;
        rows.push(rate_record(
            "second",
            &node.code,
            &node.title,
            &node.level,
            &node.rate,
        ));
    }
    let c = &data.comparison;
    for state in &c.states {
        rows.push(rate_record(
            "comparison",
            state.state.as_str(),
            &state_name(&state.state),
            "",
            &state.rate,
        ));
    }
    rows.push(rate_record(
        "comparison",
        "all_states",
        "All participants (weakest link)",
        "",
        &c.all_states,
    ));
    rows.push(mean_record(&c.mean_of_states));
    rows.push(rate_record(
        "comparison",
        "cells",
        "Every (member state, measure) cell pooled",
        "",
        &c.cells,
    ));
    rows.push(rate_record(
        "comparison",
        "regional",
        "Regional status (ASEAN)",
        "",
        &c.regional,
    ));
    for point in &data.timeline {
        rows.push(rate_record(
            "timeline",
            &point.date.to_string(),
            "",
            "",
            &point.rate,
        ));
    }
    for row in rows {
        out.write_record(row).map_err(csv)?;
    }
    let bytes = out
        .into_inner()
        .map_err(|e| ReportError::Csv(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| ReportError::Csv(e.to_string()))
}

fn rate_record(section: &str, code: &str, title: &str, level: &str, r: &Rate) -> [String; 16] {
    let [a, b, c, d, e, u, f, g, h, i, j] = r.csv_fields();
    [
        section.to_owned(),
        code.to_owned(),
        title.to_owned(),
        level.to_owned(),
        r.rule.as_str().to_owned(),
        a,
        b,
        c,
        d,
        e,
        u,
        f,
        g,
        h,
        i,
        j,
    ]
}

fn mean_record(m: &MeanRate) -> [String; 16] {
    [
        "comparison".to_owned(),
        m.rule.as_str().to_owned(),
        format!(
            "Unweighted mean of the rates of {} member state{}",
            m.states,
            if m.states == 1 { "" } else { "s" }
        ),
        String::new(),
        m.rule.as_str().to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        fraction(m.completion_rate),
        fraction(m.implementation_rate),
        fraction(m.progress_index),
    ]
}

/// A rate with every digit (Rust's shortest round-trip form, as in the JSON), or empty.
fn fraction(rate: Option<f64>) -> String {
    rate.map(|r| r.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample;

    fn table() -> Vec<Vec<String>> {
        let text = figures(&sample()).unwrap();
        csv::Reader::from_reader(text.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn the_csv_has_the_header_and_one_row_per_figure() {
        let text = figures(&sample()).unwrap();
        let header = text.lines().next().unwrap();
        assert_eq!(header, COLUMNS.join(","));

        let rows = table();
        // overall + 3 goals + 5 objectives + 4 states + 4 cross-state rows + 8 quarters
        assert_eq!(rows.len(), 1 + 3 + 5 + 4 + 4 + 8);
        let sections: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(sections.iter().filter(|s| **s == "top").count(), 3);
        assert_eq!(sections.iter().filter(|s| **s == "second").count(), 5);
        assert_eq!(sections.iter().filter(|s| **s == "comparison").count(), 8);
        assert_eq!(sections.iter().filter(|s| **s == "timeline").count(), 8);
        assert!(rows.iter().all(|r| r.len() == COLUMNS.len()));
    }

    #[test]
    fn the_csv_rows_carry_the_exact_counts_and_rates() {
        let rows = table();
        let row = |section: &str, code: &str| {
            rows.iter()
                .find(|r| r[0] == section && r[1] == code)
                .unwrap()
                .clone()
        };

        assert_eq!(
            row("overall", "ascc-strategic-plan"),
            [
                "overall",
                "ascc-strategic-plan",
                "ASEAN Socio-Cultural Community Strategic Plan",
                "",
                "regional",
                "12",
                "12",
                "5",
                "5",
                "2",
                "1",
                "0",
                "700",
                &(5.0_f64 / 12.0).to_string(),
                &(10.0_f64 / 12.0).to_string(),
                &(700.0_f64 / 1200.0).to_string(),
            ]
        );
        let sg2 = row("top", "SG2");
        assert_eq!(
            &sg2[2..13],
            [
                "Caring community",
                "goal",
                "regional",
                "4",
                "4",
                "3",
                "1",
                "0",
                "0",
                "0",
                "340"
            ]
        );
        assert_eq!(&sg2[13..], ["0.75", "1", "0.85"]);
        // Nothing applicable: the rates are empty, never 0.
        let empty = row("second", "3.2");
        assert_eq!(
            &empty[5..],
            ["0", "0", "0", "0", "0", "0", "0", "0", "", "", ""]
        );
        let tls = row("comparison", "TLS");
        assert_eq!(tls[2], "Timor-Leste");
        assert_eq!(
            &tls[4..13],
            ["scope", "12", "11", "1", "3", "7", "3", "1", "220"]
        );
        let cells = row("comparison", "cells");
        assert_eq!(
            &cells[4..13],
            ["cells", "48", "46", "16", "18", "12", "5", "2", "2320"]
        );
        assert_eq!(cells[13], (16.0_f64 / 46.0).to_string());
        let mean = row("comparison", "mean_of_states");
        assert_eq!(mean[4], "mean_of_states");
        assert!(mean[5..13].iter().all(String::is_empty));
        let expected = (4.0 / 12.0 + 6.0 / 12.0 + 1.0 / 11.0 + 5.0 / 11.0) / 4.0_f64;
        assert_eq!(mean[13], expected.to_string());
        let last = row("timeline", "2027-12-22");
        assert_eq!(&last[5..13], ["12", "12", "5", "5", "2", "1", "0", "700"]);
    }
}
