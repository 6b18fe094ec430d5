//! The executive summary in the PDF: its sub-headings (tagged `H2`), paragraphs and list
//! items (each a `P`, its marker hanging in the margin) in the body face, with strong text in
//! bold, emphasis in oblique and code in DejaVu Sans Mono; a link's text in the accent colour
//! and live, its address printed after it (the paper reader cannot click).

use super::*;
use crate::report::summary::{self, Block, Inline};

/// How far a list item's text stands in from its marker.
const ITEM_INDENT: f32 = 14.0;

/// Text in one face, and the address it links to.
#[derive(Debug, Clone, PartialEq)]
struct Piece {
    face: Face,
    text: String,
    link: Option<String>,
}

/// A word (no space inside it): its pieces, several when its style changes inside it
/// ("**key**,").
type Word = Vec<Piece>;

/// Adds `text` to the word being built, ending it at each space (a finished word goes to
/// `out`).
fn push_text(word: &mut Word, out: &mut Vec<Word>, text: &str, face: Face, link: Option<&str>) {
    for (i, part) in text.split(char::is_whitespace).enumerate() {
        if i > 0 && !word.is_empty() {
            out.push(std::mem::take(word));
        }
        if part.is_empty() {
            continue;
        }
        match word.last_mut() {
            Some(last) if last.face == face && last.link.as_deref() == link => {
                last.text.push_str(part);
            }
            _ => word.push(Piece {
                face,
                text: part.to_owned(),
                link: link.map(str::to_owned),
            }),
        }
    }
}

/// The runs as words, a link's address after the link's text (as
/// [`summary::plain_text`] does).
fn words(runs: &[Inline]) -> Vec<Word> {
    let mut out: Vec<Word> = Vec::new();
    let mut word: Word = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let face = Face::of_run(run.strong, run.emphasis, run.code);
        push_text(&mut word, &mut out, &run.text, face, run.link.as_deref());
        if let Some(url) = Inline::address_after_run(runs, i) {
            push_text(&mut word, &mut out, " (", Face::Regular, None);
            push_text(&mut word, &mut out, url, Face::Regular, Some(url));
            push_text(&mut word, &mut out, ")", Face::Regular, None);
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

impl Layout<'_> {
    pub(super) fn executive_summary(&mut self, r: &Report) {
        for block in &r.executive_summary {
            match block {
                Block::Heading(runs) => self.subheading(&summary::plain_text(runs)),
                Block::Paragraph(runs) => {
                    let p = self.open(Role::P);
                    self.rich_lines(runs, None);
                    self.close(p);
                    self.y += BODY * 0.5;
                }
                Block::List { start, items } => {
                    for (i, runs) in items.iter().enumerate() {
                        let marker = summary::list_marker(*start, i);
                        let p = self.open(Role::P);
                        self.rich_lines(runs, Some(&marker));
                        self.close(p);
                        self.y += BODY * 0.2;
                    }
                    self.y += BODY * 0.5;
                }
            }
        }
    }

    /// The width of a word.
    fn word_width(&self, word: &[Piece]) -> f32 {
        word.iter().map(|p| self.width(p.face, &p.text, BODY)).sum()
    }

    /// A word wider than `width` cut into words that fit (a long address), at characters.
    fn fit_word(&self, word: Word, width: f32) -> Vec<Word> {
        if self.word_width(&word) <= width + 0.01 {
            return vec![word];
        }
        let mut out: Vec<Word> = Vec::new();
        let mut line: Word = Vec::new();
        let mut used = 0.0;
        for piece in word {
            for c in piece.text.chars() {
                let w = self.width(piece.face, c.encode_utf8(&mut [0; 4]), BODY);
                if used + w > width + 0.01 && !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                    used = 0.0;
                }
                match line.last_mut() {
                    Some(last) if last.face == piece.face && last.link == piece.link => {
                        last.text.push(c);
                    }
                    _ => line.push(Piece {
                        face: piece.face,
                        text: c.to_string(),
                        link: piece.link.clone(),
                    }),
                }
                used += w;
            }
        }
        if !line.is_empty() {
            out.push(line);
        }
        out
    }

    /// The runs broken into lines no wider than `width`: each line its pieces, a space
    /// between words kept with the piece before it (with the one after when the one before
    /// is a link, so that a link's box covers its text only).
    fn rich_wrap(&self, runs: &[Inline], width: f32) -> Vec<Vec<Piece>> {
        let mut lines: Vec<Vec<Piece>> = Vec::new();
        let mut line: Vec<Piece> = Vec::new();
        let mut used = 0.0;
        for word in words(runs)
            .into_iter()
            .flat_map(|w| self.fit_word(w, width))
        {
            let w = self.word_width(&word);
            if line.is_empty() {
                used = w;
                line = word;
                continue;
            }
            // The space goes with the piece before it, unless that is a link the next word
            // does not continue.
            let with_before = line
                .last()
                .is_some_and(|last| last.link.is_none() || last.link == word[0].link);
            let space_face = match line.last() {
                Some(last) if with_before => last.face,
                _ => word[0].face,
            };
            let space = self.width(space_face, " ", BODY);
            if used + space + w > width + 0.01 {
                lines.push(std::mem::take(&mut line));
                used = w;
                line = word;
                continue;
            }
            used += space + w;
            let mut word = word.into_iter();
            if with_before {
                if let Some(last) = line.last_mut() {
                    last.text.push(' ');
                }
            } else if let Some(mut first) = word.next() {
                first.text.insert(0, ' ');
                line.push(first);
            }
            for piece in word {
                match line.last_mut() {
                    Some(last) if last.face == piece.face && last.link == piece.link => {
                        last.text.push_str(&piece.text);
                    }
                    _ => line.push(piece),
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
        lines
    }

    /// The runs as lines at the left margin, or standing in from a list item's `marker`.
    fn rich_lines(&mut self, runs: &[Inline], marker: Option<&str>) {
        let indent = if marker.is_some() { ITEM_INDENT } else { 0.0 };
        for (i, line) in self.rich_wrap(runs, WIDTH - indent).into_iter().enumerate() {
            self.room(BODY_LEADING);
            let baseline = self.y + BODY;
            if let (0, Some(marker)) = (i, marker) {
                self.text(LEFT, baseline, BODY, Face::Regular, INK, marker);
            }
            let mut x = LEFT + indent;
            for piece in line {
                let w = self.width(piece.face, &piece.text, BODY);
                let color = if piece.link.is_some() { ACCENT } else { INK };
                self.text(x, baseline, BODY, piece.face, color, &piece.text);
                if let Some(url) = piece.link {
                    // The box covers the text, not a space before it.
                    let lead = if piece.text.starts_with(' ') {
                        self.width(piece.face, " ", BODY)
                    } else {
                        0.0
                    };
                    self.push(Op::Link {
                        x: x + lead,
                        y: self.y,
                        w: w - lead,
                        h: BODY_LEADING,
                        url,
                    });
                }
                x += w;
            }
            self.y += BODY_LEADING;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::report::charts::Chart;
    use crate::report::pdf::render;
    use crate::report::sample::sample;

    #[test]
    fn strong_emphasis_and_links_keep_their_style_on_paper() {
        use crate::report::html::Report;
        use crate::report::pdf::{Charts, Face, LEFT, Layout, Op, WIDTH, metrics};
        let mut data = sample();
        data.executive_summary = Some(
            "The *mid-term* review finds the plan **broadly on course**, see \
             [the plan](https://asean.org/) and `SG1`. "
                .repeat(4),
        );
        let report = Report::new(&data, &[]);
        let m = metrics().unwrap();
        let charts = Charts::parse(&report).unwrap();
        let mut layout = Layout::new(m, &charts);
        layout.report(&report).unwrap();
        let ops: Vec<&Op> = layout.pages.iter().flatten().collect();
        // The text set in the body size (the summary's, among others).
        let texts: Vec<(Face, &str, f32)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Text {
                    face,
                    text,
                    x,
                    size,
                    ..
                } if *size == super::super::BODY => Some((*face, text.as_str(), *x)),
                _ => None,
            })
            .collect();
        let has =
            |face: Face, want: &str| texts.iter().any(|(f, t, _)| *f == face && t.trim() == want);
        assert!(has(Face::Bold, "broadly on course"), "{texts:?}");
        assert!(has(Face::Italic, "mid-term"));
        assert!(has(Face::Mono, "SG1"));
        assert!(has(Face::Regular, "https://asean.org/"));
        // The link's text and its address are live, their boxes over their own text.
        let links: Vec<(f32, f32)> = ops
            .iter()
            .filter_map(|op| match op {
                Op::Link { url, x, w, .. } if url == "https://asean.org/" => Some((*x, *w)),
                _ => None,
            })
            .collect();
        assert_eq!(links.len(), 8, "{links:?}");
        let width = |face: Face, text: &str| m[face.index()].width(text, super::super::BODY);
        assert!(
            links
                .iter()
                .any(|(_, w)| (w - width(Face::Regular, "the plan")).abs() < 0.01)
        );
        // Every line within the text width: the pieces of a line follow each other.
        for (face, text, x) in &texts {
            assert!(
                x + width(*face, text) <= LEFT + WIDTH + 0.01,
                "{text:?} runs past the margin"
            );
        }
    }

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
