//! The Word writer's tests: the package's parts, its bytes fixed, and the document read back
//! by a real reader (python-docx).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use super::*;
use crate::report::sample::sample;

pub(super) fn parts(docx: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut file = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            file.read_to_end(&mut bytes).unwrap();
            (file.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

pub(super) fn part(parts: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = parts
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no part {name}"));
    String::from_utf8(bytes.clone()).unwrap()
}

fn docx() -> &'static [u8] {
    static DOCX: OnceLock<Vec<u8>> = OnceLock::new();
    DOCX.get_or_init(|| render(&sample()).unwrap())
}

#[test]
fn the_document_has_the_headings_tables_and_a_measure_code() {
    let data = sample();
    let parts = parts(docx());
    let document = part(&parts, "word/document.xml");
    for heading in [
        "1. Summary",
        "Member states compared",
        "Methods and definitions",
        "Official figures checked",
    ] {
        assert!(
            document.contains(heading),
            "the document has no heading `{heading}`"
        );
    }
    assert!(document.contains("<w:pStyle w:val=\"Heading1\"/>"));
    assert!(document.contains("<w:pStyle w:val=\"Heading2\"/>"));
    // The header rows repeat; the contents is a TOC field.
    assert!(document.contains("<w:tblHeader/>"));
    assert!(document.contains(" TOC \\o \"1-2\""));
    // A measure code of the data (a measure not started or without a recent report).
    let code = data
        .not_started
        .iter()
        .chain(&data.stale)
        .map(|m| m.code.clone())
        .next()
        .expect("the sample has a measure in a table");
    assert!(document.contains(&format!(">{code}<")), "no measure {code}");
    assert!(document.contains(&data.framework.title));
    let styles = part(&parts, "word/styles.xml");
    assert!(styles.contains("<w:name w:val=\"heading 1\"/>"));
    assert!(styles.contains("<w:outlineLvl w:val=\"0\"/>"));
    // The creation date is the report's generation time, never the clock's.
    let core = part(&parts, "docProps/core.xml");
    let generated = data
        .generated_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert!(core.contains(&format!(">{generated}</dcterms:created>")));
}

#[test]
fn the_package_holds_every_figure_as_png() {
    let data = sample();
    let placeholders: Vec<(Chart, String)> = Chart::ALL
        .into_iter()
        .map(|chart| (chart, String::new()))
        .collect();
    let figures = Report::new(&data, &placeholders)
        .with_trends(&data)
        .unwrap()
        .figures
        .len();
    assert!(figures >= Chart::ALL.len());
    let parts = parts(docx());
    let images: Vec<_> = parts
        .iter()
        .filter(|(name, _)| name.starts_with("word/media/"))
        .collect();
    assert_eq!(images.len(), figures);
    for (name, bytes) in &images {
        assert!(name.ends_with(".png"));
        assert!(body::png_size(bytes).is_some(), "{name} is not a PNG");
    }
    let rels = part(&parts, "word/_rels/document.xml.rels");
    assert_eq!(rels.matches("/relationships/image\"").count(), figures);
    let document = part(&parts, "word/document.xml");
    assert_eq!(document.matches("<wp:inline ").count(), figures);
    assert!(document.contains("Figure 1. "));
    let types = part(&parts, "[Content_Types].xml");
    assert!(types.contains("Extension=\"png\""));
}

#[test]
fn the_same_data_give_the_same_bytes() {
    let again = render(&sample()).unwrap();
    assert!(again == docx(), "the DOCX differs between two renderings");
    // Fixed timestamps: every entry is dated the ZIP epoch.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(&again)).unwrap();
    for i in 0..archive.len() {
        let file = archive.by_index(i).unwrap();
        assert_eq!(file.last_modified(), Some(zip::DateTime::default()));
    }
}

#[test]
fn text_is_escaped_for_xml() {
    assert_eq!(
        body::escape("A & B <c> \"d\" 'e'\u{1}"),
        "A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos;"
    );
}

/// The PYTHONPATH that makes `docx` (python-docx) importable: none when Python has it, else
/// `target/pydeps`, where pip installs it (once per test run; PyPI must be reachable).
fn python_path() -> Option<PathBuf> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        let has = Command::new("python3")
            .args(["-c", "import docx"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if has {
            return None;
        }
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pydeps");
        if !target.join("docx").exists() {
            let status = Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "--target"])
                .arg(&target)
                .arg("python-docx")
                .status()
                .expect("run pip (python3 is needed to read the DOCX back)");
            assert!(status.success(), "pip install python-docx failed");
        }
        Some(target)
    })
    .clone()
}

/// What python-docx reads (after lxml has parsed every XML part): the headings (style and text), each table's first row, and the
/// number of inline pictures.
const READ_BACK: &str = r#"
import json, sys, zipfile
import docx
from lxml import etree
# Every XML part is well-formed.
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.endswith((".xml", ".rels")):
            etree.fromstring(z.read(name))
d = docx.Document(sys.argv[1])
# An officer's edit: a sentence added, a table cell rewritten; saved and opened again.
import io
e = docx.Document(sys.argv[1])
e.add_paragraph("Noted by the Senior Officials Committee.")
e.tables[0].rows[0].cells[0].text = "Edited"
out = io.BytesIO()
e.save(out)
out.seek(0)
again = docx.Document(out)
edited = (again.paragraphs[-1].text == "Noted by the Senior Officials Committee."
          and again.tables[0].rows[0].cells[0].text == "Edited")
print(json.dumps({
    "edited": edited,
    "headings": [[p.style.name, p.text] for p in d.paragraphs if p.style.name.startswith("Heading")],
    "first_rows": [[c.text for c in t.rows[0].cells] for t in d.tables],
    "images": len(d.inline_shapes),
    "title": d.core_properties.title,
}))
"#;

#[test]
fn python_docx_reads_the_headings_tables_and_pictures_and_saves_an_edit() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("review.docx");
    std::fs::write(&file, docx()).unwrap();
    let mut command = Command::new("python3");
    command.args(["-c", READ_BACK]).arg(&file);
    if let Some(path) = python_path() {
        command.env("PYTHONPATH", path);
    }
    let output = command.output().expect("run python3");
    assert!(
        output.status.success(),
        "python-docx could not read the document: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        read["edited"], true,
        "an edit saved by python-docx reads back"
    );

    let data = sample();
    let placeholders: Vec<(Chart, String)> = Chart::ALL
        .into_iter()
        .map(|chart| (chart, String::new()))
        .collect();
    let report = Report::new(&data, &placeholders)
        .with_trends(&data)
        .unwrap();

    let headings: Vec<(String, String)> = read["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h[0].as_str().unwrap().into(), h[1].as_str().unwrap().into()))
        .collect();
    // Every section is a Heading 1, in the report's order.
    let level1: Vec<&str> = headings
        .iter()
        .filter(|(style, _)| style == "Heading 1")
        .map(|(_, text)| text.as_str())
        .collect();
    let mut expected: Vec<String> = report
        .sections
        .iter()
        .map(|s| format!("{}. {}", s.number, s.title))
        .collect();
    expected.extend(report.annex.contents());
    assert_eq!(level1, expected);
    assert!(headings.iter().any(|(style, _)| style == "Heading 2"));

    let first_rows = read["first_rows"].as_array().unwrap();
    let row = |cells: &[&str]| serde_json::json!(cells);
    assert!(first_rows.contains(&row(&[
        "Completion rate",
        "Implementation rate",
        "Progress index"
    ])));
    assert!(first_rows.contains(&row(&["Status", "Measures", "Share of all measures"])));
    assert!(
        first_rows
            .iter()
            .any(|r| r[0] == "Member state or rule" && r[1] == "Measures")
    );
    assert_eq!(read["images"], serde_json::json!(report.figures.len()));
    assert!(read["title"].as_str().unwrap().starts_with(&report.title));
}

#[test]
fn the_bundle_names_the_docx_after_the_framework_and_date() {
    use crate::report::bundle::{self, Format};
    assert_eq!("DOCX".parse::<Format>(), Ok(Format::Docx));
    let data = sample();
    let files = bundle::render(&data, Format::Docx, &[]).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(
        files[0].name,
        format!("review-{}-{}.docx", data.framework.code, data.as_of)
    );
    assert_eq!(
        files[0].media_type,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(files[0].bytes == docx());
    assert!(!bundle::needs_svgs(Format::Docx));
}

#[test]
fn columns_fill_the_text_width_and_titles_get_the_room() {
    use body::{Column, Kind, Row, RowStyle, TEXT_TWIPS};
    let columns = super::node_columns("Goal");
    let rows = vec![Row {
        style: RowStyle::Normal,
        cells: vec!["SG1".into(), "A long title".into(), "112".into()],
    }];
    let widths = body::widths(&columns, &rows);
    assert_eq!(widths.iter().sum::<u32>(), TEXT_TWIPS);
    assert!(widths[1] >= 2600, "{widths:?}");
    assert!(widths[1] > widths[2]);
    // Without a flexible column the width is shared out in proportion.
    let two = [
        Column::new("Status", Kind::Left),
        Column::new("N", Kind::Num),
    ];
    let widths = body::widths(&two, &[]);
    assert_eq!(widths.iter().sum::<u32>(), TEXT_TWIPS);
    assert!(widths[0] > widths[1]);
}

#[test]
fn long_header_words_break_at_their_hyphenation_points() {
    use body::{Row, RowStyle, SOFT_HYPHEN};
    assert_eq!(
        body::hyphenated("Implementation"),
        format!("Imple{SOFT_HYPHEN}men{SOFT_HYPHEN}ta{SOFT_HYPHEN}tion")
    );
    assert_eq!(
        body::hyphenated("Not started"),
        format!("Not start{SOFT_HYPHEN}ed")
    );
    assert_eq!(body::hyphenated("N/A"), "N/A");
    assert_eq!(
        body::hyphenated("Naïve measures"),
        format!("Naïve mea{SOFT_HYPHEN}sures")
    );
    // The comparison table, its widest cells (the pooled cells' counts): each header's
    // widest piece ("Imple-", "pleted") fits its column, so no word breaks where it has no
    // hyphenation point.
    let columns = super::comparison_columns();
    let cells = [
        "cells", "1,232", "1,182", "74", "947", "161", "50", "6.3%", "86.4%", "32.6%",
    ];
    let rows = vec![Row {
        style: RowStyle::Normal,
        cells: cells.map(Into::into).to_vec(),
    }];
    let widths = body::widths(&columns, &rows);
    for (column, width) in columns.iter().zip(&widths).skip(1) {
        // A piece before a soft hyphen is printed with its hyphen.
        let widest = column
            .head
            .split(' ')
            .flat_map(|word| {
                let pieces: Vec<&str> = word.split(SOFT_HYPHEN).collect();
                let n = pieces.len();
                pieces
                    .into_iter()
                    .enumerate()
                    .map(move |(k, p)| p.chars().count() as u32 + u32::from(k + 1 < n))
            })
            .max()
            .unwrap();
        assert!(*width >= widest * 92 + 200, "{:?}: {width}", column.head);
    }
    assert!(widths[0] >= 2600, "{widths:?}");
    // In the document, Word's optional hyphen.
    let xml = part(&parts(docx()), "word/document.xml");
    assert!(
        xml.contains("Imple</w:t><w:softHyphen/>"),
        "no optional hyphen in a header"
    );
}

/// The rule codes as they would show in running text (as the HTML's and the PDF's tests).
use crate::report::html::tests::RULE_CODES;

/// The text of each paragraph of `xml` outside the tables, in order.
fn running_paragraphs(xml: &str) -> Vec<String> {
    let mut text = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:tbl>") {
        text.push_str(&rest[..start]);
        let end = rest[start..].find("</w:tbl>").unwrap() + start + "</w:tbl>".len();
        rest = &rest[end..];
    }
    text.push_str(rest);
    let text = text
        .replace("<w:tab/>", "<w:t>\t</w:t>")
        .replace("<w:t xml:space=\"preserve\">", "<w:t>");
    text.split("</w:p>")
        .map(|p| {
            p.split("<w:t>")
                .skip(1)
                .map(|t| t.split("</w:t>").next().unwrap_or(""))
                .collect::<String>()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

#[test]
fn the_running_text_and_captions_name_rules_in_words_not_codes() {
    let document = part(&parts(docx()), "word/document.xml");
    let paragraphs = running_paragraphs(&document);
    // Up to the methods note (which defines the codes).
    let methods = paragraphs
        .iter()
        .rposition(|p| p.ends_with(". Methods and definitions"))
        .unwrap();

    for p in &paragraphs[..methods] {
        for code in RULE_CODES {
            assert!(!p.contains(code), "`{code}` in: {p}");
        }
    }
    assert!(paragraphs.iter().any(|p| p == "Strategic measures by goal"));
    // The codes stay as tags in the tables.
    assert!(document.contains("rule: all_states"));
}

#[test]
fn the_cover_is_the_pdfs_without_the_frameworks_code() {
    let data = sample();
    let document = part(&parts(docx()), "word/document.xml");
    let cover = &document[..document.find("<w:pStyle w:val=\"Heading1\"/>").unwrap()];
    let paragraphs = running_paragraphs(cover);

    assert!(!cover.contains(&data.framework.code), "{cover}");
    assert!(paragraphs.contains(&data.framework.title));
    assert!(paragraphs.contains(&"Review report as of 31 December 2027".to_owned()));
    assert!(paragraphs.contains(&"Basis\tevery status report, validated or not".to_owned()));
    assert!(paragraphs.contains(&"Period\t1 January 2026 to 31 December 2035".to_owned()));
    assert!(!cover.contains(">Issued by<"));
}

#[test]
fn the_issuer_and_its_logo_are_on_the_cover() {
    let mut data = sample();
    data.issued_by = Some("ASEAN Secretariat".into());
    let png = crate::report::logo::tests::png(40, 20);
    data.logo = Some(crate::report::Logo::from_png(png.clone()).unwrap());

    let parts = parts(&render(&data).unwrap());

    let document = part(&parts, "word/document.xml");
    let logo = document.find("descr=\"ASEAN Secretariat\"").unwrap();
    let issuer = document.find(">Issued by<").unwrap();
    assert!(logo < issuer, "the logo is above the issuer's name");
    // 20 mm tall, twice as wide: 1,440,000 × 720,000 EMU.
    assert!(document.contains("<wp:extent cx=\"1440000\" cy=\"720000\"/>"));
    let (_, media) = parts
        .iter()
        .find(|(n, _)| n == "word/media/logo.png")
        .unwrap();
    assert_eq!(media, &png);
    let rels = part(&parts, "word/_rels/document.xml.rels");
    assert!(rels.contains("Target=\"media/logo.png\""));
}

#[test]
fn illustrative_data_are_marked_in_every_pages_header() {
    let mut data = sample();
    let plain = parts(docx());
    data.illustrative = true;

    let parts = parts(&render(&data).unwrap());

    let header = part(&parts, "word/header1.xml");
    assert!(header.contains(">Illustrative data — not official<"));
    let document = part(&parts, "word/document.xml");
    // The cover (the first page) too.
    assert!(document.contains("<w:headerReference w:type=\"first\" r:id=\"rId4\"/>"));
    assert!(document.contains("<w:headerReference w:type=\"default\" r:id=\"rId4\"/>"));
    assert!(part(&parts, "[Content_Types].xml").contains("/word/header1.xml"));
    assert!(!plain.iter().any(|(n, _)| n == "word/header1.xml"));
}
