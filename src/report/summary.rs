//! The executive summary: the authors' Markdown turned into the few kinds of block every format
//! can print (sub-headings, paragraphs, bullet and numbered lists of styled runs). Pure: text
//! in, blocks out; how each format draws the blocks belongs to that format.
//!
//! Only what a narrative needs survives, and nothing that could act in a reader's browser: raw
//! HTML is kept as the text it is (the renderers escape it), an image becomes its alt text,
//! code blocks and tables become plain paragraphs (a table one paragraph a row), a link keeps
//! its address only when it is `http`, `https` or `mailto` (else it is its text alone), and a
//! list nested in a list is flattened into it.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The longest executive summary taken, in characters (a file of at most 64 KiB): a few pages
/// of narrative, far from anything that would slow the rendering.
pub const MAX_CHARS: usize = 65_536;

/// A piece of text with its style, inside a block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inline {
    pub text: String,
    pub emphasis: bool,
    pub strong: bool,
    pub code: bool,
    /// The address this text links to.
    pub link: Option<String>,
}

impl Inline {
    /// The address to print after run `i` of `runs`: its link's, once, after the link's last
    /// run (a link's text may be several runs of different styles), unless the link's whole
    /// text already is the address (an autolink).
    #[must_use]
    pub fn address_after_run(runs: &[Inline], i: usize) -> Option<&str> {
        let run = runs.get(i)?;
        let url = run.link.as_deref()?;
        if runs.get(i + 1).is_some_and(|next| next.link == run.link) {
            return None;
        }
        let first = runs[..i]
            .iter()
            .rposition(|r| r.link != run.link)
            .map_or(0, |k| k + 1);
        let text: String = runs[first..=i].iter().map(|r| r.text.as_str()).collect();
        (url.trim_start_matches("mailto:") != text).then_some(url)
    }

    fn same_style(&self, other: &Inline) -> bool {
        self.emphasis == other.emphasis
            && self.strong == other.strong
            && self.code == other.code
            && self.link == other.link
    }
}

/// One block of the executive summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A sub-heading of the section (every Markdown heading level is one).
    Heading(Vec<Inline>),
    Paragraph(Vec<Inline>),
    /// A list: numbered from `start` when `Some`, else bulleted; one run list an item.
    List {
        start: Option<u64>,
        items: Vec<Vec<Inline>>,
    },
}

/// The executive summary's blocks; none for an empty (or whitespace-only) text.
#[must_use]
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut reader = Reader::default();
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        reader.event(event);
    }
    reader.finish();
    reader.blocks
}

/// The runs' text without styles, a link's address after its text ("the plan
/// (https://asean.org/…)") unless the text already is the address: for formats that print a
/// paragraph in one face.
#[must_use]
pub fn plain_text(runs: &[Inline]) -> String {
    let mut out = String::new();
    for (i, run) in runs.iter().enumerate() {
        out.push_str(&run.text);
        if let Some(url) = Inline::address_after_run(runs, i) {
            out.push_str(&format!(" ({url})"));
        }
    }
    out
}

/// The marker before a list's item `index` (from 0): "•", or "3." in a numbered list.
#[must_use]
pub fn list_marker(start: Option<u64>, index: usize) -> String {
    match start {
        Some(first) => format!("{}.", first.saturating_add(index as u64)),
        None => "\u{2022}".to_owned(),
    }
}

/// Addresses a link may keep: nothing that runs code (`javascript:`) or points into the
/// reader's machine.
fn safe_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// The state of the walk over the parser's events.
#[derive(Default)]
struct Reader {
    blocks: Vec<Block>,
    /// The runs of the block being read.
    runs: Vec<Inline>,
    emphasis: usize,
    strong: usize,
    link: Option<String>,
    /// The list being read (nested lists are flattened into it), and how deep we are.
    list: Option<(Option<u64>, Vec<Vec<Inline>>)>,
    depth: usize,
}

impl Reader {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(&text, false),
            Event::Code(text) => self.text(&text, true),
            // Raw HTML is text like any other: escaped where it is printed, never markup.
            Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text)
            | Event::FootnoteReference(text) => self.text(&text, false),
            Event::SoftBreak | Event::HardBreak => self.text(" ", false),
            Event::Rule => self.flush(),
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }, false),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Link { dest_url, .. } if safe_link(&dest_url) => {
                self.link = Some(dest_url.trim().to_owned());
            }
            // A second paragraph of a list item continues the item.
            Tag::Paragraph if self.depth > 0 => self.text(" ", false),
            Tag::List(start) => {
                if self.depth == 0 {
                    self.flush();
                    self.list = Some((start, Vec::new()));
                } else {
                    // The parent item's own text is an item before the nested ones.
                    self.flush();
                }
                self.depth += 1;
            }
            Tag::TableCell if !self.runs.is_empty() => self.text(" \u{00b7} ", false),
            Tag::Heading { .. } | Tag::CodeBlock(_) | Tag::HtmlBlock => self.flush(),
            _ => {}
        }
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::Link => self.link = None,
            TagEnd::Heading(_) if self.depth == 0 => {
                let runs = tidy(std::mem::take(&mut self.runs));
                if !runs.is_empty() {
                    self.blocks.push(Block::Heading(runs));
                }
            }
            TagEnd::Paragraph if self.depth > 0 => {}
            TagEnd::Paragraph
            | TagEnd::Heading(_)
            | TagEnd::Item
            | TagEnd::CodeBlock
            | TagEnd::HtmlBlock
            | TagEnd::TableHead
            | TagEnd::TableRow => self.flush(),
            TagEnd::List(_) => {
                self.flush();
                self.depth = self.depth.saturating_sub(1);
                if self.depth == 0
                    && let Some((start, items)) = self.list.take()
                    && !items.is_empty()
                {
                    self.blocks.push(Block::List { start, items });
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str, code: bool) {
        self.runs.push(Inline {
            text: text.to_owned(),
            emphasis: self.emphasis > 0,
            strong: self.strong > 0,
            code,
            link: self.link.clone(),
        });
    }

    /// Ends the block being read: a list's item inside a list, else a paragraph.
    fn flush(&mut self) {
        let runs = tidy(std::mem::take(&mut self.runs));
        if runs.is_empty() {
            return;
        }
        match &mut self.list {
            Some((_, items)) if self.depth > 0 => items.push(runs),
            _ => self.blocks.push(Block::Paragraph(runs)),
        }
    }

    fn finish(&mut self) {
        self.flush();
        if let Some((start, items)) = self.list.take()
            && !items.is_empty()
        {
            self.blocks.push(Block::List { start, items });
        }
    }
}

/// The runs with white space collapsed (line breaks of code blocks too), trimmed at both ends,
/// and neighbours of one style merged.
fn tidy(runs: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut after_space = true;
    for mut run in runs {
        let mut text = String::with_capacity(run.text.len());
        for c in run.text.chars() {
            if c.is_whitespace() {
                if !after_space {
                    text.push(' ');
                }
                after_space = true;
            } else {
                text.push(c);
                after_space = false;
            }
        }
        if text.is_empty() {
            continue;
        }
        run.text = text;
        match out.last_mut() {
            Some(last) if last.same_style(&run) => last.text.push_str(&run.text),
            _ => out.push(run),
        }
    }
    if let Some(last) = out.last_mut() {
        let trimmed = last.text.trim_end().len();
        last.text.truncate(trimmed);
        if last.text.is_empty() {
            out.pop();
        }
    }
    out
}

/// An executive summary with one of each block, for the formats' tests.
#[cfg(test)]
pub(crate) const EXAMPLE: &str = "## Where the plan stands\n\n\
    The *mid-term* review finds the plan **broadly on course**, see \
    [the plan](https://asean.org/).\n\n\
    - Reporting improved in every pillar\n\
    - Two measures need attention\n\n\
    1. Agree the next steps\n\
    2. Report again in June\n\n\
    <script>alert(1)</script>\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample::sample;

    #[test]
    fn the_html_report_opens_with_the_executive_summary_escaped_and_styled() {
        let mut data = sample();
        data.executive_summary = Some(EXAMPLE.into());
        let html = crate::report::html::render(&data, &[]).unwrap();
        for expected in [
            "<h2 id=\"executive-summary-title\"><span class=\"number\">1</span>Executive summary</h2>",
            "<h2 id=\"summary-title\"><span class=\"number\">2</span>Summary</h2>",
            "<h3>Where the plan stands</h3>",
            "<p>The <em>mid-term</em> review finds the plan <strong>broadly on course</strong>, \
             see <a href=\"https://asean.org/\">the plan</a>.</p>",
            "<li>Reporting improved in every pillar</li>",
            "<ol start=\"1\">",
            "<li>Report again in June</li>",
            "<p>&#60;script&#62;alert(1)&#60;/script&#62;</p>",
        ] {
            assert!(html.contains(expected), "{expected} not in the HTML");
        }
        assert!(!html.contains("<script>alert"));
        assert!(html.find("Executive summary") < html.find("Member states compared"));
    }

    #[test]
    fn a_report_without_a_summary_has_no_such_section() {
        let html = crate::report::html::render(&sample(), &[]).unwrap();
        assert!(!html.contains("executive-summary"));
        assert!(html.contains("<span class=\"number\">1</span>Summary</h2>"));
    }

    fn plain(text: &str) -> Inline {
        Inline {
            text: text.to_owned(),
            ..Inline::default()
        }
    }

    #[test]
    fn an_empty_or_blank_summary_has_no_blocks() {
        assert!(blocks("").is_empty());
        assert!(blocks("  \n\t\n ").is_empty());
        assert!(blocks("---").is_empty());
    }

    #[test]
    fn headings_of_any_level_become_sub_headings_and_paragraphs_join_their_lines() {
        let got = blocks("# Overview\n\nThe plan\nmoves on.\n\n### Next steps\n");
        assert_eq!(
            got,
            vec![
                Block::Heading(vec![plain("Overview")]),
                Block::Paragraph(vec![plain("The plan moves on.")]),
                Block::Heading(vec![plain("Next steps")]),
            ]
        );
    }

    #[test]
    fn bullet_and_numbered_lists_keep_their_items_and_numbering() {
        let got = blocks("- one\n- two\n\n3. three\n4. four\n");
        assert_eq!(
            got,
            vec![
                Block::List {
                    start: None,
                    items: vec![vec![plain("one")], vec![plain("two")]],
                },
                Block::List {
                    start: Some(3),
                    items: vec![vec![plain("three")], vec![plain("four")]],
                },
            ]
        );
        assert_eq!(list_marker(Some(3), 1), "4.");
        assert_eq!(list_marker(None, 0), "\u{2022}");
    }

    #[test]
    fn a_loose_list_and_a_nested_list_are_one_flat_list() {
        let got = blocks("- first\n\n  more of it\n- second\n  - inner\n");
        assert_eq!(
            got,
            vec![Block::List {
                start: None,
                items: vec![
                    vec![plain("first more of it")],
                    vec![plain("second")],
                    vec![plain("inner")],
                ],
            }]
        );
    }

    #[test]
    fn emphasis_strong_code_and_a_link_are_styled_runs() {
        let got = blocks("Read *this*, **that**, `code` and [the plan](https://asean.org/).");
        let Some(Block::Paragraph(runs)) = got.first() else {
            panic!("not a paragraph: {got:?}");
        };
        assert_eq!(
            runs,
            &vec![
                plain("Read "),
                Inline {
                    text: "this".into(),
                    emphasis: true,
                    ..Inline::default()
                },
                plain(", "),
                Inline {
                    text: "that".into(),
                    strong: true,
                    ..Inline::default()
                },
                plain(", "),
                Inline {
                    text: "code".into(),
                    code: true,
                    ..Inline::default()
                },
                plain(" and "),
                Inline {
                    text: "the plan".into(),
                    link: Some("https://asean.org/".into()),
                    ..Inline::default()
                },
                plain("."),
            ]
        );
        assert_eq!(
            plain_text(runs),
            "Read this, that, code and the plan (https://asean.org/)."
        );
    }

    #[test]
    fn raw_html_is_text_and_a_script_link_loses_its_address() {
        let got = blocks(
            "<script>alert(1)</script>\n\nA <b>bold</b> claim and [x](javascript:alert(1)).",
        );
        assert_eq!(
            got,
            vec![
                Block::Paragraph(vec![plain("<script>alert(1)</script>")]),
                Block::Paragraph(vec![plain("A <b>bold</b> claim and x.")]),
            ]
        );
    }

    #[test]
    fn images_become_their_alt_text_and_code_blocks_and_tables_paragraphs() {
        let got = blocks(
            "![A chart of progress](chart.png)\n\n```\nlet x = 1;\nlet y = 2;\n```\n\n\
             | Goal | Note |\n|---|---|\n| A | fine |\n",
        );
        assert_eq!(
            got,
            vec![
                Block::Paragraph(vec![plain("A chart of progress")]),
                Block::Paragraph(vec![plain("let x = 1; let y = 2;")]),
                Block::Paragraph(vec![plain("Goal \u{00b7} Note")]),
                Block::Paragraph(vec![plain("A \u{00b7} fine")]),
            ]
        );
    }

    #[test]
    fn a_link_of_several_styles_prints_its_address_once() {
        let b = blocks("See [**the** plan](https://asean.org/plan) and <https://asean.org>.");
        let Some(Block::Paragraph(runs)) = b.first() else {
            panic!("a paragraph: {b:?}");
        };
        assert_eq!(
            plain_text(runs),
            "See the plan (https://asean.org/plan) and https://asean.org."
        );
    }
}
