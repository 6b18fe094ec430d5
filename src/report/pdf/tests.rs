//! The PDF writer's tests.

use super::*;
use crate::report::annex::ANNEXES;
use crate::report::charts;
use crate::report::sample::sample;

fn all_charts(data: &ReviewData) -> Vec<(Chart, String)> {
    Chart::ALL
        .into_iter()
        .map(|c| (c, charts::svg(c, data).unwrap()))
        .collect()
}

#[test]
fn metrics_measure_dejavu_like_the_font_says() {
    let m = metrics().unwrap();
    let regular = &m[Face::Regular.index()];
    assert_eq!(regular.units_per_em, 2048.0);
    // DejaVu Sans: every digit is 1303 units wide, the space 651.
    assert_eq!(regular.glyph('0').1, 1303.0);
    assert_eq!(regular.glyph(' ').1, 651.0);
    assert!((regular.width("00", 10.0) - 2.0 * 1303.0 * 10.0 / 2048.0).abs() < 1e-3);
    assert_ne!(regular.glyph('é').0, 0);
    assert!(m[Face::Narrow.index()].width("Completion", 10.0) < regular.width("Completion", 10.0));
}

#[test]
fn the_pdf_has_real_text_with_the_title_date_and_figures() {
    let data = sample();
    let svgs = all_charts(&data);
    let pdf = render(&data, &svgs).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    // Words wrapped onto the next line come out without a space between them.
    let flat: String = text.split_whitespace().collect();
    for expected in [
        "ASEAN Socio-Cultural Community Strategic Plan",
        "Review report as of 31 December 2027",
        "2027-12-31",
        "41.7% (5 of 12 applicable measures)",
        "83.3% (10 of 12 applicable measures)",
        "58.3% (700 of 1,200 progress points)",
        "34.8% (16 of 46 applicable cells)",
        "completion_rate = completed / applicable.",
        "3 results-framework indicators are measured",
        "Indicator classes by goal",
        "Indicators: regional (ASEAN) figures",
        "50.0 (2025)",
        "55.0 (2027)",
        "Needs acceleration",
        "10.00 (2025)",
        "weight w = year − b + 1",
    ] {
        let expected: String = expected.split_whitespace().collect();
        assert!(
            flat.contains(&expected),
            "{expected:?} not in the PDF's text:\n{text}"
        );
    }
    for code in [
        "SG1", "SG2", "SG3", "1.1", "3.2", "IDN", "THA", "TLS", "VNM",
    ] {
        assert!(flat.contains(code), "{code} not in the PDF");
    }
}

#[test]
fn the_same_data_give_the_same_pdf_bytes() {
    let data = sample();
    let svgs = all_charts(&data);
    assert_eq!(render(&data, &svgs).unwrap(), render(&data, &svgs).unwrap());
}

#[test]
fn a_report_with_nothing_in_it_still_renders() {
    use crate::engine::{MeanRate, Rule, Tally};
    let mut data = sample();
    let nothing = Tally::default();
    data.overall = nothing.rate(Rule::Regional);
    data.top.clear();
    data.second.clear();
    data.comparison.states.clear();
    data.comparison.all_states = nothing.rate(Rule::AllStates);
    data.comparison.mean_of_states = MeanRate::of([]);
    data.comparison.cells = nothing.rate(Rule::Cells);
    data.comparison.regional = nothing.rate(Rule::Regional);
    data.heat.clear();
    data.timeline.clear();
    data.not_started.clear();
    data.stale.clear();
    data.known_at = Some("2027-12-31T23:59:59Z".parse().unwrap());

    let pdf = render(&data, &all_charts(&data)).unwrap();
    let text: String = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(
        text.contains(
            "Nomeasureisapplicable,socompletion,implementationandtheprogressindexarenotdefined."
        ),
        "{text}"
    );
    assert!(text.contains("2027-12-3123:59:59UTC"), "{text}");
    let html = crate::report::html::render(&data, &[]).unwrap();
    assert!(html.contains("Only reports recorded at or before 2027-12-31 23:59:59 UTC count"));
    assert!(!html.contains("id=\"second\""));
}

#[test]
fn chart_text_is_real_text_in_dejavu_drawn_by_usvg() {
    let data = sample();
    let svgs = all_charts(&data);
    let pdf = render(&data, &svgs).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    // The charts' own labels (axis titles, legends) come out of the PDF as text.
    for chart in &svgs {
        let labels: Vec<&str> = chart
            .1
            .split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').map(|(_, rest)| rest))
            .filter_map(|rest| rest.split_once("</text>").map(|(label, _)| label))
            .filter(|label| label.chars().any(char::is_alphabetic) && !label.contains('&'))
            .collect();
        assert!(!labels.is_empty(), "{:?} has labels", chart.0);
        for label in labels {
            let words: String = label.split_whitespace().collect();
            let found: String = text.split_whitespace().collect();
            assert!(
                found.contains(&words),
                "{:?}: `{label}` is in the PDF's text",
                chart.0
            );
        }
    }
}

#[test]
fn long_tables_run_over_pages_with_their_header_repeated() {
    let mut data = sample();
    let line = data.not_started[0].clone();
    data.not_started = (0..150)
        .map(|i| super::super::MeasureLine {
            code: format!("9.9.{i}"),
            ..line.clone()
        })
        .collect();
    let report = Report::new(&data, &[]);
    let m = metrics().unwrap();
    let charts = Charts::parse(&report).unwrap();
    let mut layout = Layout::new(m, &charts);
    layout.report(&report).unwrap();
    let pages_with_header = layout
        .pages
        .iter()
        .filter(|ops| {
            ops.iter().any(|op| {
                matches!(op, Op::Text { text, .. } if text.starts_with("Measures not started regionally"))
            })
        })
        .count();
    assert!(pages_with_header >= 3, "{pages_with_header}");
    for ops in &layout.pages {
        for op in ops {
            if let Op::Text { y, .. } = op {
                assert!(
                    *y <= BOTTOM + 1.0 || *y > PAGE_H - 40.0,
                    "text below the margin: {y}"
                );
            }
        }
    }
}

#[test]
#[ignore = "writes files for a person to look at"]
fn write_samples() {
    let mut data = sample();
    data.claims
        .insert(0, crate::report::sample::blueprint_claim());
    let svgs = all_charts(&data);
    let dir = std::path::Path::new("/tmp/report-sample");
    std::fs::create_dir_all(dir).unwrap();
    let html = crate::report::html::render(&data, &svgs).unwrap();
    std::fs::write(dir.join("review-sample.html"), html).unwrap();
    std::fs::write(dir.join("review-sample.pdf"), render(&data, &svgs).unwrap()).unwrap();
    let csv = crate::report::csv::figures(&data).unwrap();
    std::fs::write(dir.join("review-sample.csv"), csv).unwrap();
}

/// The Strategic Plan's real tree (long titles) with made-up statuses for 11 states and
/// 40 quarters: what a real report's tables and page breaks look like.
fn full_sample() -> ReviewData {
    use crate::domain::{StateCode, Status};
    use crate::engine::{Comparison, MeanRate, NodeRate, Point, Rule, StateRate, Tally};
    use crate::report::{HeatRow, MeasureLine, SubRow};

    let reference = crate::reference::ReferenceData::shipped().unwrap();
    let plan = reference
        .frameworks
        .iter()
        .find(|f| f.framework.code == "ascc-strategic-plan")
        .unwrap();
    let states: Vec<StateCode> = reference
        .member_states
        .iter()
        .map(|s| s.code.parse().unwrap())
        .collect();
    let status = |measure: usize, scope: usize| match (measure * 7 + scope * 3) % 10 {
        0..=2 => Status::Completed,
        3..=6 => Status::Ongoing,
        7 | 8 => Status::NotStarted,
        _ => Status::NotApplicable,
    };
    let measures: Vec<(usize, &crate::reference::NodeRow)> = plan
        .nodes
        .iter()
        .filter(|n| n.level == "measure")
        .enumerate()
        .collect();
    let objective_of = |m: &crate::reference::NodeRow| m.parent_code.clone().unwrap();
    let goal_of = |objective: &str| {
        plan.nodes
            .iter()
            .find(|n| n.code == objective)
            .and_then(|n| n.parent_code.clone())
            .unwrap()
    };
    let tally_where = |scope: usize, keep: &dyn Fn(&crate::reference::NodeRow) -> bool| {
        let mut t = Tally::default();
        for (i, m) in &measures {
            if keep(m) {
                t.add(status(*i, scope), Some(40));
            }
        }
        t
    };
    let node = |n: &crate::reference::NodeRow, t: Tally| NodeRate {
        code: n.code.clone(),
        title: n.title.clone(),
        level: n.level.clone(),
        rate: t.rate(Rule::Regional),
    };
    let mut data = sample();
    data.framework.note = Some("12 strategic goals, 16 objectives, 112 strategic measures".into());
    data.overall = tally_where(0, &|_| true).rate(Rule::Regional);
    data.top = plan
        .nodes
        .iter()
        .filter(|n| n.level == "goal")
        .map(|g| node(g, tally_where(0, &|m| goal_of(&objective_of(m)) == g.code)))
        .collect();
    data.second = plan
        .nodes
        .iter()
        .filter(|n| n.level == "objective")
        .map(|o| SubRow {
            parent: o.parent_code.clone().unwrap(),
            node: node(o, tally_where(0, &|m| objective_of(m) == o.code)),
        })
        .collect();
    let tallies: Vec<Tally> = (1..=states.len())
        .map(|s| tally_where(s, &|_| true))
        .collect();
    let mut cells = Tally::default();
    for t in &tallies {
        cells.merge(t);
    }
    data.comparison = Comparison {
        states: states
            .iter()
            .zip(&tallies)
            .map(|(s, t)| StateRate {
                state: s.clone(),
                rate: t.rate(Rule::Scope),
            })
            .collect(),
        all_states: tally_where(5, &|_| true).rate(Rule::AllStates),
        mean_of_states: MeanRate::of(&tallies),
        cells: cells.rate(Rule::Cells),
        regional: data.overall,
    };
    data.heat = states
        .iter()
        .enumerate()
        .map(|(s, state)| HeatRow {
            state: state.clone(),
            completion: data
                .top
                .iter()
                .map(|g| {
                    tally_where(s + 1, &|m| goal_of(&objective_of(m)) == g.code).completion_rate()
                })
                .collect(),
        })
        .collect();
    let start = data.framework.start_date;
    data.timeline = (0..40_u32)
        .map(|q| Point {
            date: start + chrono::Months::new(3 * (q + 1)) - chrono::Days::new(1),
            rate: tally_where(0, &|_| true).rate(Rule::Regional),
        })
        .collect();
    data.not_started = measures
        .iter()
        .filter(|(i, _)| status(*i, 0) == Status::NotStarted)
        .map(|(i, m)| MeasureLine {
            code: m.code.clone(),
            title: m.title.clone(),
            regional: Status::NotStarted,
            states_not_started: states
                .iter()
                .enumerate()
                .filter(|(s, _)| status(*i, s + 1) == Status::NotStarted)
                .map(|(_, st)| st.clone())
                .collect(),
            last_report: None,
        })
        .collect();
    data.stale = data.not_started.iter().take(15).cloned().collect();
    data
}

#[test]
#[ignore = "writes files for a person to look at"]
fn write_full_sample() {
    let data = full_sample();
    let svgs = all_charts(&data);
    let dir = std::path::Path::new("/tmp/report-sample");
    std::fs::create_dir_all(dir).unwrap();
    let html = crate::report::html::render(&data, &svgs).unwrap();
    std::fs::write(dir.join("review-full.html"), html).unwrap();
    let started = std::time::Instant::now();
    let pdf = render(&data, &svgs).unwrap();
    eprintln!("PDF in {:?}", started.elapsed());
    std::fs::write(dir.join("review-full.pdf"), pdf).unwrap();
}

#[test]
fn the_pdf_checks_each_published_figure_with_its_source_linked() {
    let mut data = sample();
    data.claims
        .insert(0, crate::report::sample::blueprint_claim());
    let pdf = render(&data, &[]).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let flat: String = text.split_whitespace().collect();
    for expected in [
        "11Official figures checked",
        "Claim 1 · ASEAN implementation rate as of 8 October 2025",
        "“100% of strategic measures have been implemented.”",
        "Source: Report of the 34th ASCC Council meeting",
        "https://example.org/ascc-34",
        "100% (implementation rate of ASEAN, to the nearest 1 percentage point)",
        "The framework's list of strategic measures is incomplete: 9 measures are known",
        "As known on the publication day (end of 8 October 2025 UTC) · verdict: Unverifiable",
        "rule: mean_of_states",
        "100.0%",
        "Unverifiable",
        "Matches",
        "Differs",
        "−6.7 pp",
        "Superseded by claim 2: a correction was recorded.",
        "On the publication day: Cannot be verified",
    ] {
        let squeezed: String = expected.split_whitespace().collect();
        assert!(flat.contains(&squeezed), "the PDF says {expected}");
    }
    // The sources' links are live: a link annotation over each printed address.
    let report = Report::new(&data, &[]);
    let fonts = Fonts::load().unwrap();
    let charts = Charts::parse(&report).unwrap();
    let mut layout = Layout::new(fonts.metrics, &charts);
    layout.report(&report).unwrap();
    let links: Vec<&str> = layout
        .pages
        .iter()
        .flatten()
        .filter_map(|op| match op {
            Op::Link { url, w, h, .. } if *w > 0.0 && *h > 0.0 => Some(url.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        links,
        [
            "https://example.org/ascc-34",
            "https://example.org/mid-term-review"
        ]
    );
}

#[test]
fn an_edition_pdf_says_so_on_its_cover() {
    let mut data = sample();
    data.known_at = Some("2028-01-15T08:59:59.999999Z".parse().unwrap());
    data.edition = Some(crate::report::EditionStamp {
        title: "Mid-term review".into(),
    });
    let pdf = render(&data, &[]).unwrap();
    let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
    let flat: String = text.split_whitespace().collect();
    for expected in [
        "REVIEW EDITION",
        "Review edition as of 31 December 2027",
        "Mid-term review, frozen as known at 2028-01-15 08:59:59 UTC",
    ] {
        let squeezed: String = expected.split_whitespace().collect();
        assert!(flat.contains(&squeezed), "the PDF says {expected}");
    }
}

// ---------------------------------------------------------------------------------------------
// PDF/A-2b and tags, read back from the bytes

/// The sample with a published figure checked (its source links are annotations).
fn archival_sample() -> (ReviewData, Vec<u8>) {
    let mut data = sample();
    data.claims
        .insert(0, crate::report::sample::blueprint_claim());
    let pdf = render(&data, &all_charts(&data)).unwrap();
    (data, pdf)
}

fn resolve<'a>(
    doc: &'a pdf_extract::Document,
    object: &'a pdf_extract::Object,
) -> &'a pdf_extract::Object {
    match object {
        pdf_extract::Object::Reference(id) => doc.get_object(*id).unwrap(),
        other => other,
    }
}

/// Every structure element under `object` (depth first, in reading order): its role and its
/// dictionary.
fn struct_elements<'a>(
    doc: &'a pdf_extract::Document,
    object: &'a pdf_extract::Object,
    out: &mut Vec<(String, &'a pdf_extract::Dictionary)>,
) {
    match resolve(doc, object) {
        pdf_extract::Object::Array(items) => {
            for item in items {
                struct_elements(doc, item, out);
            }
        }
        pdf_extract::Object::Dictionary(dict) => {
            // Marked-content and object references are leaves, not elements.
            if let Ok(role) = dict.get(b"S").and_then(|s| s.as_name()) {
                out.push((String::from_utf8_lossy(role).into_owned(), dict));
            }
            if let Ok(kids) = dict.get(b"K") {
                struct_elements(doc, kids, out);
            }
        }
        _ => {}
    }
}

#[test]
fn the_pdf_is_pdf_a_2b_with_its_metadata_from_the_report() {
    let (data, pdf) = archival_sample();
    assert!(pdf.starts_with(b"%PDF-1.7"), "PDF/A-2 is PDF 1.7");
    let doc = pdf_extract::Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let metadata = resolve(&doc, catalog.get(b"Metadata").unwrap())
        .as_stream()
        .unwrap();
    let xmp = String::from_utf8(
        metadata
            .decompressed_content()
            .unwrap_or(metadata.content.clone()),
    )
    .unwrap();
    let squeezed: String = xmp.split_whitespace().collect::<Vec<_>>().join(" ");
    for (part, expected) in [("part", "2"), ("conformance", "B")] {
        assert!(
            squeezed.contains(&format!("<pdfaid:{part}>{expected}</pdfaid:{part}>"))
                || squeezed.contains(&format!("pdfaid:{part}=\"{expected}\"")),
            "pdfaid:{part} {expected} in the XMP:\n{xmp}"
        );
    }
    assert!(
        xmp.contains("ASEAN Socio-Cultural Community Strategic Plan"),
        "{xmp}"
    );
    assert!(xmp.contains("blueprint-tracker"), "the creator tool: {xmp}");
    // The dates are the report's generation time, not the clock's.
    assert_eq!(data.generated_at.to_rfc3339(), "2028-01-15T09:00:00+00:00");
    assert!(xmp.contains("2028-01-15T09:00:00"), "{xmp}");
    assert!(!xmp.contains(&chrono::Utc::now().format("%Y-%m-%dT%H").to_string()));
    assert_eq!(
        resolve(&doc, catalog.get(b"Lang").unwrap())
            .as_str()
            .unwrap(),
        b"en"
    );
    // An sRGB output intent, as PDF/A asks.
    assert!(catalog.get(b"OutputIntents").is_ok());
}

#[test]
fn the_pdf_is_tagged_with_a_heading_per_section_figures_and_tables() {
    let (data, pdf) = archival_sample();
    let report = Report::new(&data, &all_charts(&data))
        .with_trends(&data)
        .unwrap();
    let doc = pdf_extract::Document::load_mem(&pdf).unwrap();
    let catalog = doc.catalog().unwrap();
    let mark_info = resolve(&doc, catalog.get(b"MarkInfo").unwrap())
        .as_dict()
        .unwrap();
    assert!(mark_info.get(b"Marked").unwrap().as_bool().unwrap());
    let root = resolve(&doc, catalog.get(b"StructTreeRoot").unwrap());
    let mut elements = Vec::new();
    struct_elements(&doc, root, &mut elements);
    let count = |role: &str| elements.iter().filter(|(r, _)| r == role).count();
    let sections = report.sections.len() + ANNEXES;
    assert_eq!(count("H1"), sections, "an H1 per section and annex");
    assert_eq!(count("Sect"), sections);
    // Every H1 carries its section's number and title, in order.
    let titles: Vec<String> = elements
        .iter()
        .filter(|(r, _)| r == "H1")
        .map(|(_, d)| {
            String::from_utf8_lossy(resolve(&doc, d.get(b"T").unwrap()).as_str().unwrap())
                .into_owned()
        })
        .collect();
    let mut expected: Vec<String> = report
        .sections
        .iter()
        .map(|s| format!("{} {}", s.number, s.title))
        .collect();
    expected.extend(report.annex.contents().map(|a| a.replacen(". ", " ", 1)));
    assert_eq!(titles, expected);
    assert!(count("H2") >= 1);
    assert!(count("P") > 20, "{}", count("P"));
    // A figure per chart placed, each with its caption as alternate text.
    let figures: Vec<_> = elements.iter().filter(|(r, _)| r == "Figure").collect();
    assert_eq!(figures.len(), report.figures.len());
    for (_, figure) in &figures {
        let alt = resolve(&doc, figure.get(b"Alt").unwrap()).as_str().unwrap();
        assert!(
            alt.starts_with(b"Figure "),
            "{}",
            String::from_utf8_lossy(alt)
        );
    }
    assert!(count("Caption") >= figures.len());
    // Tables down to their cells: a header row of TH, rows of TD.
    assert!(count("Table") >= 8, "{}", count("Table"));
    assert!(count("THead") == count("Table") && count("TBody") == count("Table"));
    assert!(count("TH") > 50 && count("TD") > 200 && count("TR") > 50);
    // The sources' links are link annotations inside the structure.
    assert!(count("Link") == 0, "links sit in their paragraph");
}

#[test]
fn every_piece_of_content_is_in_the_structure_or_an_artifact() {
    let data = sample();
    let svgs = all_charts(&data);
    let report = Report::new(&data, &svgs).with_trends(&data).unwrap();
    let fonts = Fonts::load().unwrap();
    let charts = Charts::parse(&report).unwrap();
    let mut layout = Layout::new(fonts.metrics, &charts);
    layout.report(&report).unwrap();
    // Nothing is open at the end but the last section.
    let outline = layout.structure.outline();
    let sections: Vec<_> = outline
        .iter()
        .filter(|(_, r)| *r == Role::Section)
        .collect();
    assert_eq!(sections.len(), report.sections.len() + ANNEXES);
    assert!(sections.iter().all(|(depth, _)| *depth == 0));
    // Headings sit first in their section; cells in rows in tables.
    for (i, (depth, role)) in outline.iter().enumerate() {
        match role {
            Role::Heading { level: 1, .. } => {
                assert_eq!(outline[i - 1], (depth - 1, Role::Section));
            }
            Role::TD | Role::TH { .. } => {
                let parent = outline[..i].iter().rev().find(|(d, _)| d < depth).unwrap();
                assert_eq!(parent.1, Role::TR);
            }
            _ => {}
        }
    }
    // Every text and chart is content; rules and tints are decoration.
    for (p, ops) in layout.pages.iter().enumerate() {
        for (i, op) in ops.iter().enumerate() {
            let mark = layout.structure.mark(p, i);
            match op {
                Op::Text { .. } | Op::Chart { .. } | Op::Logo { .. } => assert!(
                    matches!(mark, Mark::Run(_) | Mark::Pagination),
                    "{op:?} is {mark:?}"
                ),
                Op::Rect { .. } | Op::Line { .. } => {
                    assert!(matches!(mark, Mark::Decoration | Mark::Pagination))
                }
                Op::Link { .. } => assert!(matches!(mark, Mark::Run(_))),
            }
        }
    }
}

#[test]
fn a_long_tables_repeated_header_is_an_artifact() {
    let mut data = sample();
    let line = data.not_started[0].clone();
    data.not_started = (0..150)
        .map(|i| super::super::MeasureLine {
            code: format!("9.9.{i}"),
            ..line.clone()
        })
        .collect();
    let report = Report::new(&data, &[]);
    let fonts = Fonts::load().unwrap();
    let charts = Charts::parse(&report).unwrap();
    let mut layout = Layout::new(fonts.metrics, &charts);
    layout.report(&report).unwrap();
    let mut continued = 0;
    for (p, ops) in layout.pages.iter().enumerate() {
        for (i, op) in ops.iter().enumerate() {
            if let Op::Text { text, .. } = op
                && text.ends_with("(continued)")
            {
                continued += 1;
                assert_eq!(layout.structure.mark(p, i), Mark::Pagination);
            }
        }
    }
    assert!(continued >= 2);
    // One header row of TH in the table's THead, however many pages it runs over.
    let outline = layout.structure.outline();
    let heads = outline.iter().filter(|(_, r)| *r == Role::THead).count();
    let tables = outline.iter().filter(|(_, r)| *r == Role::Table).count();
    assert_eq!(heads, tables);
    let rows = outline.iter().filter(|(_, r)| *r == Role::TR).count();
    let header_cells = outline
        .iter()
        .filter(|(_, r)| *r == Role::TH { row: false })
        .count();
    assert!(
        rows > 150 && header_cells < 150,
        "{rows} rows, {header_cells} header cells"
    );
}

#[test]
fn a_character_the_fonts_lack_still_gives_a_tagged_pdf_without_the_pdf_a_claim() {
    let mut data = sample();
    // Chinese: not in DejaVu Sans.
    data.framework.title = "Plan \u{4e2d} test".into();
    let pdf = render(&data, &[]).unwrap();
    let m = metrics().unwrap();
    assert_ne!(m[Face::Regular.index()].glyph('\u{4e2d}').0, 0);
    let text: String = pdf_extract::extract_text_from_mem(&pdf)
        .unwrap()
        .split_whitespace()
        .collect();
    assert!(text.contains("Plan\u{4e2d}test"), "{text}");
    // krilla refuses it as PDF/A (it counts it as a missing glyph): the report is written
    // all the same, tagged, and does not claim conformance.
    let raw = String::from_utf8_lossy(&pdf);
    assert!(!raw.contains("pdfaid:part"));
    assert!(raw.contains("/StructTreeRoot"));
}

/// The PYTHONPATH that makes `pikepdf` importable: none when Python has it, else a folder
/// under `target/` where pip installed it (once).
fn pikepdf_path() -> Option<std::path::PathBuf> {
    use std::process::{Command, Stdio};
    let has = Command::new("python3")
        .args(["-c", "import pikepdf"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if has {
        return None;
    }
    let target = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pydeps");
    if !target.join("pikepdf").exists() {
        let status = Command::new("python3")
            .args(["-m", "pip", "install", "--quiet", "--target"])
            .arg(&target)
            .arg("pikepdf")
            .status()
            .expect("run pip (python3 is needed for the PDF/A test)");
        assert!(status.success(), "pip install pikepdf failed");
    }
    Some(target)
}

/// Read back by a real PDF library: pikepdf (qpdf underneath) checks the file's syntax and
/// streams, and reads the XMP claim and the structure tree's roles; `qpdf --check` too when
/// qpdf is installed.
#[test]
fn pikepdf_and_qpdf_find_the_pdf_sound_archival_and_tagged() {
    use std::process::Command;
    let (data, pdf) = archival_sample();
    let report = Report::new(&data, &all_charts(&data))
        .with_trends(&data)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("review.pdf");
    std::fs::write(&path, &pdf).unwrap();

    let script = r#"
import sys, collections, pikepdf
pdf = pikepdf.open(sys.argv[1])
problems = pdf.check_pdf_syntax()
assert not problems, problems
meta = pdf.open_metadata()
print("part", meta.get("pdfaid:part"))
print("conformance", meta.get("pdfaid:conformance"))
print("title", meta.get("dc:title"))
print("marked", bool(pdf.Root.MarkInfo.Marked))
roles = collections.Counter()
def walk(node):
    if isinstance(node, pikepdf.Array):
        for kid in node:
            walk(kid)
    elif isinstance(node, pikepdf.Dictionary):
        if "/S" in node:
            roles[str(node.S)[1:]] += 1
        if "/K" in node:
            walk(node.K)
walk(pdf.Root.StructTreeRoot.K)
for role, n in sorted(roles.items()):
    print("role", role, n)
"#;
    let mut command = Command::new("python3");
    command.arg("-c").arg(script).arg(&path);
    if let Some(path) = pikepdf_path() {
        command.env("PYTHONPATH", path);
    }
    let out = command.output().expect("run python3");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "pikepdf: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("part 2\n"), "{stdout}");
    assert!(stdout.contains("conformance B\n"), "{stdout}");
    assert!(stdout.contains("marked True\n"), "{stdout}");
    assert!(
        stdout.contains(&format!("role H1 {}\n", report.sections.len() + ANNEXES)),
        "{stdout}"
    );
    for role in [
        "Sect", "H2", "P", "Figure", "Caption", "Table", "TR", "TH", "TD",
    ] {
        assert!(
            stdout.contains(&format!("role {role} ")),
            "{role}: {stdout}"
        );
    }

    let qpdf = Command::new("qpdf").arg("--version").output();
    if qpdf.is_ok_and(|o| o.status.success()) {
        let out = Command::new("qpdf")
            .arg("--check")
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "qpdf --check: {}",
            String::from_utf8_lossy(&out.stdout)
        );
    } else {
        eprintln!("qpdf is not installed: skipped `qpdf --check` (pikepdf ran qpdf's checks)");
    }
}

#[test]
fn the_issuers_logo_is_an_image_on_the_cover_tagged_as_a_figure_named_for_the_issuer() {
    let mut data = sample();
    data.issued_by = Some("ASEAN Secretariat".into());
    data.logo =
        Some(crate::report::Logo::from_png(crate::report::logo::tests::png(40, 20)).unwrap());

    let pdf = render(&data, &[]).unwrap();

    let doc = pdf_extract::Document::load_mem(&pdf).unwrap();
    let images: Vec<_> = doc
        .objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").and_then(|t| t.as_name()).ok() == Some(b"Image"))
        .filter(|s| s.dict.get(b"Width").and_then(|w| w.as_i64()).ok() == Some(40))
        // The picture (its alpha channel is a second image, its soft mask).
        .filter(|s| s.dict.get(b"SMask").is_ok())
        .collect();
    assert_eq!(images.len(), 1, "one image XObject, 40 pixels wide");
    assert_eq!(images[0].dict.get(b"Height").unwrap().as_i64().unwrap(), 20);
    // On the cover (the first page).
    let first = doc.get_pages()[&1];
    let content = String::from_utf8_lossy(&doc.get_page_content(first).unwrap()).into_owned();
    assert!(content.contains(" Do"), "the cover draws an XObject");
    // Tagged as a figure, the issuer's name its alternate text; still PDF/A-2b.
    let catalog = doc.catalog().unwrap();
    let root = resolve(&doc, catalog.get(b"StructTreeRoot").unwrap());
    let mut elements = Vec::new();
    struct_elements(&doc, root, &mut elements);
    assert!(elements.iter().any(|(role, d)| {
        role == "Figure"
            && d.get(b"Alt")
                .map(|alt| resolve(&doc, alt).as_str().unwrap() == b"ASEAN Secretariat")
                .unwrap_or(false)
    }));
    assert!(String::from_utf8_lossy(&pdf).contains("pdfaid:part"));
}
