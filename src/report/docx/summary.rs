//! The executive summary in the Word document: sub-headings in the style Heading 2,
//! paragraphs and list items in Normal, emphasis italic and strong text bold, a link's text in
//! the Hyperlink style with its address after it, list markers ("•", "2.") hanging before the
//! item's text.

use super::Doc;
use super::body::Run;
use crate::report::html::Report;
use crate::report::summary::{self, Block, Inline};

/// A list item's indent, its marker hanging in it (twentieths of a point).
const ITEM_INDENT: &str = "<w:ind w:left=\"360\" w:hanging=\"360\"/>";

impl Doc {
    pub(super) fn executive_summary(&mut self, r: &Report) {
        for block in &r.executive_summary {
            match block {
                Block::Heading(runs) => self.body.heading(2, &summary::plain_text(runs)),
                Block::Paragraph(runs) => self.body.paragraph(None, &word_runs(runs)),
                Block::List { start, items } => {
                    for (i, runs) in items.iter().enumerate() {
                        let mut word = vec![Run::plain(&format!(
                            "{}\t",
                            summary::list_marker(*start, i)
                        ))];
                        word.extend(word_runs(runs));
                        self.body.paragraph_with(None, ITEM_INDENT, &word);
                    }
                }
            }
        }
    }
}

/// The summary's runs as Word runs.
fn word_runs(runs: &[Inline]) -> Vec<Run> {
    let mut out = Vec::with_capacity(runs.len());
    for (i, run) in runs.iter().enumerate() {
        let mut word = Run::plain(&run.text);
        word.bold = run.strong;
        word.italic = run.emphasis;
        if run.link.is_some() {
            word.style = Some("Hyperlink");
        }
        out.push(word);
        if let Some(url) = Inline::address_after_run(runs, i) {
            out.push(Run::plain(&format!(" ({url})")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::report::docx::render;
    use crate::report::docx::tests::{part, parts};
    use crate::report::sample::sample;

    #[test]
    fn the_document_opens_with_the_executive_summary_in_word_styles() {
        let mut data = sample();
        data.executive_summary = Some(crate::report::summary::EXAMPLE.into());
        let document = part(&parts(&render(&data).unwrap()), "word/document.xml");
        for expected in [
            "<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">1. Executive summary</w:t>",
            "<w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Where the plan stands</w:t>",
            "<w:r><w:rPr><w:i/></w:rPr><w:t xml:space=\"preserve\">mid-term</w:t></w:r>",
            "<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">broadly on course</w:t></w:r>",
            "<w:t xml:space=\"preserve\">•</w:t><w:tab/></w:r><w:r><w:t xml:space=\"preserve\">Reporting improved in every pillar</w:t>",
            "<w:t xml:space=\"preserve\">2.</w:t><w:tab/>",
            "&lt;script&gt;alert(1)&lt;/script&gt;",
            "2. Summary",
        ] {
            assert!(
                document.contains(expected),
                "{expected} not in the document"
            );
        }
    }
}
