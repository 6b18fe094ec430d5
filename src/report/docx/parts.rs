//! The package around the body: content types, relationships, styles, settings, footer,
//! document properties, zipped with fixed timestamps (the same report, the same bytes).

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use super::body::{Body, escape};
use crate::report::bundle::RenderError;

const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" \
    xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" \
    xmlns:wp=\"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing\" \
    xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" \
    xmlns:pic=\"http://schemas.openxmlformats.org/drawingml/2006/picture\"";

const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The relationship ids the body starts after: styles (1), settings (2), footer (3), header
/// (4, only with the illustrative mark).
pub(super) const FIRST_BODY_REL: usize = 5;

/// The header part's override, in the content types when there is a header.
const HEADER_TYPE: &str = "<Override PartName=\"/word/header1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml\"/>";

const CONTENT_TYPES: &str = "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const ROOT_RELS: &str = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const SETTINGS: &str = "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:defaultTabStop w:val=\"720\"/><w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";

const APP: &str = "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>blueprint-tracker</Application></Properties>";

/// A paragraph style (its properties in the schema's order, which Word insists on): id, name (Word's own names for the built-in ones, so that a word
/// processor knows them as headings), what it is based on, and its properties.
struct Style {
    id: &'static str,
    name: &'static str,
    based_on: Option<&'static str>,
    /// `<w:pPr>` content.
    paragraph: &'static str,
    /// `<w:rPr>` content.
    run: &'static str,
    /// Shown in the style gallery.
    quick: bool,
}

const INK: &str = "222222";
const MUTED: &str = "555555";
const ACCENT: &str = "0072B2";

fn paragraph_styles() -> Vec<Style> {
    vec![
        Style {
            id: "Normal",
            name: "Normal",
            based_on: None,
            paragraph: "<w:spacing w:after=\"120\" w:line=\"264\" w:lineRule=\"auto\"/>",
            run: "",
            quick: true,
        },
        Style {
            id: "Title",
            name: "Title",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:before=\"240\" w:after=\"120\"/>",
            run: "<w:b/><w:sz w:val=\"48\"/>",
            quick: true,
        },
        Style {
            id: "Subtitle",
            name: "Subtitle",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:after=\"480\"/>",
            run: "<w:color w:val=\"555555\"/><w:sz w:val=\"30\"/>",
            quick: true,
        },
        Style {
            id: "Kicker",
            name: "Kicker",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:before=\"2400\" w:after=\"0\"/>",
            run: "<w:b/><w:caps/><w:color w:val=\"0072B2\"/><w:sz w:val=\"18\"/>",
            quick: false,
        },
        Style {
            id: "Heading1",
            name: "heading 1",
            based_on: Some("Normal"),
            paragraph: "<w:keepNext/><w:keepLines/>\
                <w:pBdr><w:top w:val=\"single\" w:sz=\"18\" w:space=\"6\" w:color=\"0072B2\"/></w:pBdr>\
                <w:spacing w:before=\"360\" w:after=\"160\"/><w:outlineLvl w:val=\"0\"/>",
            run: "<w:b/><w:sz w:val=\"32\"/>",
            quick: true,
        },
        Style {
            id: "Heading2",
            name: "heading 2",
            based_on: Some("Normal"),
            paragraph: "<w:keepNext/><w:keepLines/><w:spacing w:before=\"240\" w:after=\"100\"/>\
                <w:outlineLvl w:val=\"1\"/>",
            run: "<w:b/><w:sz w:val=\"24\"/>",
            quick: true,
        },
        Style {
            id: "Intro",
            name: "Intro",
            based_on: Some("Normal"),
            paragraph: "",
            run: "<w:color w:val=\"555555\"/>",
            quick: true,
        },
        Style {
            id: "Quote",
            name: "Quote",
            based_on: Some("Normal"),
            paragraph: "<w:pBdr><w:left w:val=\"single\" w:sz=\"18\" w:space=\"8\" w:color=\"0072B2\"/></w:pBdr>\
                <w:ind w:left=\"240\"/>",
            run: "<w:i/>",
            quick: true,
        },
        Style {
            id: "Caption",
            name: "caption",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:before=\"120\" w:after=\"80\"/>",
            run: "<w:b/><w:sz w:val=\"18\"/>",
            quick: true,
        },
        Style {
            id: "Figure",
            name: "Figure",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:before=\"120\" w:after=\"0\"/><w:jc w:val=\"center\"/>",
            run: "",
            quick: false,
        },
        Style {
            id: "TableHead",
            name: "Table Heading",
            based_on: Some("Normal"),
            paragraph: "<w:keepNext/><w:spacing w:before=\"20\" w:after=\"20\" w:line=\"240\" w:lineRule=\"auto\"/>",
            run: "<w:color w:val=\"555555\"/><w:sz w:val=\"14\"/>",
            quick: false,
        },
        Style {
            id: "TableText",
            name: "Table Text",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:before=\"20\" w:after=\"20\" w:line=\"240\" w:lineRule=\"auto\"/>",
            run: "<w:sz w:val=\"16\"/>",
            quick: false,
        },
        Style {
            id: "TableGroup",
            name: "Table Group",
            based_on: Some("TableText"),
            paragraph: "<w:keepNext/>",
            run: "",
            quick: false,
        },
        Style {
            id: "TableNote",
            name: "Table Note",
            based_on: Some("TableText"),
            paragraph: "",
            run: "<w:color w:val=\"555555\"/><w:sz w:val=\"13\"/>",
            quick: false,
        },
        Style {
            id: "AfterTable",
            name: "After Table",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:after=\"0\" w:line=\"120\" w:lineRule=\"exact\"/>",
            run: "<w:sz w:val=\"8\"/>",
            quick: false,
        },
        Style {
            id: "Fact",
            name: "Cover Fact",
            based_on: Some("Normal"),
            paragraph: "<w:tabs><w:tab w:val=\"left\" w:pos=\"2000\"/></w:tabs>\
                <w:spacing w:after=\"60\"/><w:ind w:left=\"2000\" w:hanging=\"2000\"/>",
            run: "",
            quick: false,
        },
        Style {
            id: "Term",
            name: "Term",
            based_on: Some("Normal"),
            paragraph: "<w:keepNext/><w:spacing w:after=\"0\"/>",
            run: "<w:b/>",
            quick: false,
        },
        Style {
            id: "Definition",
            name: "Definition",
            based_on: Some("Normal"),
            paragraph: "<w:ind w:left=\"360\"/>",
            run: "",
            quick: false,
        },
        Style {
            id: "TOCHeading",
            name: "TOC Heading",
            based_on: Some("Normal"),
            paragraph: "<w:keepNext/><w:spacing w:before=\"480\" w:after=\"120\"/>",
            run: "<w:b/><w:caps/><w:color w:val=\"555555\"/><w:sz w:val=\"17\"/>",
            quick: false,
        },
        Style {
            id: "TOC1",
            name: "toc 1",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:after=\"60\"/>",
            run: "",
            quick: false,
        },
        Style {
            id: "TOC2",
            name: "toc 2",
            based_on: Some("Normal"),
            paragraph: "<w:spacing w:after=\"60\"/><w:ind w:left=\"240\"/>",
            run: "",
            quick: false,
        },
        Style {
            id: "Header",
            name: "header",
            based_on: Some("Normal"),
            paragraph: "<w:pBdr><w:top w:val=\"single\" w:sz=\"8\" w:space=\"1\" w:color=\"222222\"/>\
                <w:bottom w:val=\"single\" w:sz=\"8\" w:space=\"1\" w:color=\"222222\"/></w:pBdr>\
                <w:spacing w:after=\"0\"/><w:jc w:val=\"center\"/>",
            run: "<w:b/><w:caps/><w:sz w:val=\"15\"/>",
            quick: false,
        },
        Style {
            id: "Footer",
            name: "footer",
            based_on: Some("Normal"),
            paragraph: "<w:tabs><w:tab w:val=\"right\" w:pos=\"9638\"/></w:tabs><w:spacing w:after=\"0\"/>",
            run: "<w:color w:val=\"555555\"/><w:sz w:val=\"15\"/>",
            quick: false,
        },
    ]
}

/// `word/styles.xml`: DejaVu Sans (the PDF's face) falling back to what the word processor
/// has, 9.5 pt ink text, the paragraph styles, Hyperlink, and the tables' grid style.
fn styles() -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<w:styles {NS}><w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"DejaVu Sans\" w:hAnsi=\"DejaVu Sans\" w:eastAsia=\"DejaVu Sans\" w:cs=\"DejaVu Sans\"/>\
         <w:color w:val=\"{INK}\"/><w:sz w:val=\"19\"/><w:szCs w:val=\"19\"/><w:lang w:val=\"en-GB\"/>\
         </w:rPr></w:rPrDefault><w:pPrDefault><w:pPr/></w:pPrDefault></w:docDefaults>"
    );
    for s in paragraph_styles() {
        let default = if s.id == "Normal" {
            " w:default=\"1\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<w:style w:type=\"paragraph\"{default} w:styleId=\"{}\"><w:name w:val=\"{}\"/>",
            s.id, s.name
        );
        if let Some(base) = s.based_on {
            let _ = write!(out, "<w:basedOn w:val=\"{base}\"/>");
        }
        if s.id.starts_with("Heading") {
            out.push_str("<w:next w:val=\"Normal\"/>");
        }
        if s.quick {
            out.push_str("<w:qFormat/>");
        }
        let _ = write!(
            out,
            "<w:pPr>{}</w:pPr><w:rPr>{}</w:rPr></w:style>",
            s.paragraph, s.run
        );
    }
    let _ = write!(
        out,
        "<w:style w:type=\"character\" w:styleId=\"Hyperlink\"><w:name w:val=\"Hyperlink\"/>\
         <w:rPr><w:color w:val=\"{ACCENT}\"/><w:u w:val=\"single\"/></w:rPr></w:style>\
         <w:style w:type=\"character\" w:styleId=\"Muted\"><w:name w:val=\"Muted\"/>\
         <w:rPr><w:color w:val=\"{MUTED}\"/></w:rPr></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/>\
         <w:left w:w=\"108\" w:type=\"dxa\"/><w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>\
         </w:tblCellMar></w:tblPr></w:style>\
         <w:style w:type=\"table\" w:styleId=\"ReportTable\"><w:name w:val=\"Report Table\"/>\
         <w:basedOn w:val=\"TableNormal\"/><w:qFormat/><w:tblPr>\
         <w:tblBorders><w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"{MUTED}\"/>\
         <w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"{MUTED}\"/>\
         <w:insideH w:val=\"single\" w:sz=\"2\" w:space=\"0\" w:color=\"DDDDDD\"/></w:tblBorders>\
         <w:tblCellMar><w:left w:w=\"60\" w:type=\"dxa\"/><w:right w:w=\"60\" w:type=\"dxa\"/></w:tblCellMar>\
         </w:tblPr></w:style></w:styles>"
    );
    out
}

/// `word/footer1.xml`: the report's colophon, then "Page n of N" at the right margin.
fn footer(colophon: &str) -> String {
    format!(
        "<w:ftr {NS}><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>\
         <w:r><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:tab/><w:t xml:space=\"preserve\">Page </w:t></w:r>\
         <w:fldSimple w:instr=\" PAGE \"><w:r><w:t>1</w:t></w:r></w:fldSimple>\
         <w:r><w:t xml:space=\"preserve\"> of </w:t></w:r>\
         <w:fldSimple w:instr=\" NUMPAGES \"><w:r><w:t>1</w:t></w:r></w:fldSimple></w:p></w:ftr>",
        escape(colophon)
    )
}

/// `word/header1.xml`: the illustrative-data mark, centred between two rules.
fn header(mark: &str) -> String {
    format!(
        "<w:hdr {NS}><w:p><w:pPr><w:pStyle w:val=\"Header\"/></w:pPr>\
         <w:r><w:t xml:space=\"preserve\">{}</w:t></w:r></w:p></w:hdr>",
        escape(mark)
    )
}

/// `word/document.xml`: the body, then the section: A4 portrait, 2 cm margins, the footer on
/// every page but the first (the cover), the header (the illustrative mark, when there is
/// one) on every page, the cover included.
fn document(body: &Body, marked: bool) -> String {
    let header = if marked {
        "<w:headerReference w:type=\"default\" r:id=\"rId4\"/>\
         <w:headerReference w:type=\"first\" r:id=\"rId4\"/>"
    } else {
        ""
    };
    format!(
        "<w:document {NS}><w:body>{}<w:sectPr>{header}\
         <w:footerReference w:type=\"default\" r:id=\"rId3\"/>\
         <w:pgSz w:w=\"11906\" w:h=\"16838\"/>\
         <w:pgMar w:top=\"1134\" w:right=\"1134\" w:bottom=\"1134\" w:left=\"1134\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
         <w:titlePg/></w:sectPr></w:body></w:document>",
        body.xml
    )
}

/// `word/_rels/document.xml.rels`: styles, settings, footer, the header (when `marked`), then
/// the body's images and links.
fn document_rels(body: &Body, marked: bool) -> String {
    let mut out = format!(
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{REL}/settings\" Target=\"settings.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL}/footer\" Target=\"footer1.xml\"/>"
    );
    if marked {
        let _ = write!(
            out,
            "<Relationship Id=\"rId4\" Type=\"{REL}/header\" Target=\"header1.xml\"/>"
        );
    }
    for image in &body.images {
        let _ = write!(
            out,
            "<Relationship Id=\"{}\" Type=\"{REL}/image\" Target=\"media/{}\"/>",
            image.rel_id, image.file
        );
    }
    for link in &body.links {
        let _ = write!(
            out,
            "<Relationship Id=\"{}\" Type=\"{REL}/hyperlink\" Target=\"{}\" TargetMode=\"External\"/>",
            link.rel_id,
            escape(&link.url)
        );
    }
    out.push_str("</Relationships>");
    out
}

/// `docProps/core.xml`: the title, the subject, and the report's generation time as the
/// creation and modification dates (never the clock's).
fn core(title: &str, subject: &str, generated: &str) -> String {
    format!(
        "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:creator>blueprint-tracker</dc:creator>\
         <dcterms:created xsi:type=\"dcterms:W3CDTF\">{generated}</dcterms:created>\
         <dcterms:modified xsi:type=\"dcterms:W3CDTF\">{generated}</dcterms:modified>\
         </cp:coreProperties>",
        escape(title),
        escape(subject)
    )
}

/// What the package says about the document besides its body.
pub(super) struct Meta<'a> {
    pub title: &'a str,
    pub subject: &'a str,
    /// RFC 3339, to the second (`2026-10-01T00:00:00Z`).
    pub generated: &'a str,
    pub colophon: &'a str,
    /// The illustrative-data mark, printed in every page's header.
    pub mark: Option<&'a str>,
}

/// The `.docx` package: every part deflated, stamped 1980-01-01 00:00 (the ZIP epoch), in a
/// fixed order, so that the same body gives the same bytes.
pub(super) fn package(body: &Body, meta: &Meta) -> Result<Vec<u8>, RenderError> {
    use zip::write::SimpleFileOptions;
    let fail = |e: &dyn std::fmt::Display| RenderError::Docx(e.to_string());
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let stored = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let marked = meta.mark.is_some();
    let content_types = if marked {
        CONTENT_TYPES.replace("</Types>", &format!("{HEADER_TYPE}</Types>"))
    } else {
        CONTENT_TYPES.to_owned()
    };
    let mut parts: Vec<(String, Vec<u8>, bool)> = vec![
        ("[Content_Types].xml".into(), xml(&content_types), true),
        ("_rels/.rels".into(), xml(ROOT_RELS), true),
        (
            "word/document.xml".into(),
            xml(&document(body, marked)),
            true,
        ),
        (
            "word/_rels/document.xml.rels".into(),
            xml(&document_rels(body, marked)),
            true,
        ),
        ("word/styles.xml".into(), xml(&styles()), true),
        ("word/settings.xml".into(), xml(SETTINGS), true),
        ("word/footer1.xml".into(), xml(&footer(meta.colophon)), true),
        (
            "docProps/core.xml".into(),
            xml(&core(meta.title, meta.subject, meta.generated)),
            true,
        ),
        ("docProps/app.xml".into(), xml(APP), true),
    ];
    if let Some(mark) = meta.mark {
        parts.push(("word/header1.xml".into(), xml(&header(mark)), true));
    }
    // PNGs are compressed already.
    for image in &body.images {
        parts.push((
            format!("word/media/{}", image.file),
            image.bytes.clone(),
            false,
        ));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes, deflate) in parts {
        zip.start_file(name, if deflate { options } else { stored })
            .map_err(|e| fail(&e))?;
        zip.write_all(&bytes).map_err(|e| fail(&e))?;
    }
    Ok(zip.finish().map_err(|e| fail(&e))?.into_inner())
}

fn xml(part: &str) -> Vec<u8> {
    let mut out = String::with_capacity(XML_DECL.len() + part.len());
    out.push_str(XML_DECL);
    out.push_str(part);
    out.into_bytes()
}
