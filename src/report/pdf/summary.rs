//! The executive summary in the PDF: its sub-headings (tagged `H2`), paragraphs and list
//! items (each a `P`, its marker hanging in the margin) in the body face. The layout has no
//! styles inside a line, so emphasis, strong text and code are printed plain and a link as
//! its text with its address after it.

use super::*;
use crate::report::summary::{self, Block};

/// How far a list item's text stands in from its marker.
const ITEM_INDENT: f32 = 14.0;

impl Layout<'_> {
    pub(super) fn executive_summary(&mut self, r: &Report) {
        for block in &r.executive_summary {
            match block {
                Block::Heading(runs) => self.subheading(&summary::plain_text(runs)),
                Block::Paragraph(runs) => {
                    self.paragraph(&summary::plain_text(runs), Face::Regular, BODY, INK, 0.0);
                }
                Block::List { start, items } => {
                    for (i, runs) in items.iter().enumerate() {
                        let marker = summary::list_marker(*start, i);
                        self.list_item(&marker, &summary::plain_text(runs));
                    }
                    self.y += BODY * 0.5;
                }
            }
        }
    }

    /// One list item: a paragraph standing in from the margin, its marker on its first line.
    fn list_item(&mut self, marker: &str, text: &str) {
        let p = self.open(Role::P);
        for (i, line) in self
            .wrap(text, Face::Regular, BODY, WIDTH - ITEM_INDENT)
            .into_iter()
            .enumerate()
        {
            self.room(BODY_LEADING);
            if i == 0 {
                self.text(LEFT, self.y + BODY, BODY, Face::Regular, INK, marker);
            }
            self.text(
                LEFT + ITEM_INDENT,
                self.y + BODY,
                BODY,
                Face::Regular,
                INK,
                &line,
            );
            self.y += BODY_LEADING;
        }
        self.close(p);
        self.y += BODY * 0.2;
    }
}

#[cfg(test)]
mod tests {
    use crate::report::charts::Chart;
    use crate::report::pdf::render;
    use crate::report::sample::sample;

    #[test]
    fn the_pdf_opens_with_the_executive_summary_as_text() {
        let mut data = sample();
        data.executive_summary = Some(crate::report::summary::EXAMPLE.into());
        let svgs: Vec<(Chart, String)> = Chart::ALL
            .into_iter()
            .map(|c| (c, crate::report::charts::svg(c, &data).unwrap()))
            .collect();
        let pdf = render(&data, &svgs).unwrap();
        let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
        let flat: String = text.split_whitespace().collect();
        for expected in [
            "1 Executive summary",
            "Where the plan stands",
            "The mid-term review finds the plan broadly on course, see the plan \
             (https://asean.org/).",
            "• Reporting improved in every pillar",
            "2. Report again in June",
            "<script>alert(1)</script>",
            "2 Summary",
        ] {
            let expected: String = expected.split_whitespace().collect();
            assert!(flat.contains(&expected), "{expected:?} not in:\n{text}");
        }
    }
}
