//! The layout: the report as pages of positioned drawing operations: lines of wrapped
//! text, headings, figures, and tables whose header repeats on every page they run over.

use super::*;

// ---------------------------------------------------------------------------------------------
// Layout: the report as pages of positioned drawing operations

#[derive(Debug, Clone)]
pub(super) enum Op {
    /// A line of text; `y` is its baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        face: Face,
        color: Rgb,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        color: Rgb,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        color: Rgb,
    },
    /// A link to `url` over this box (a PDF link annotation, nothing drawn).
    Link {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        url: String,
    },
    /// A chart (`figure` indexes [`Report::figures`]) scaled into this box.
    Chart {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        figure: usize,
    },
    /// The issuer's logo (a PNG, [`Report::logo`]) scaled into this box.
    Logo { x: f32, y: f32, w: f32, h: f32 },
}

/// A section's entry in the PDF outline (bookmarks).
#[derive(Debug, Clone)]
pub(super) struct Bookmark {
    pub(super) title: String,
    pub(super) page: usize,
    pub(super) y: f32,
}

/// The pages laid out so far, where the next line goes, and the outline.
pub(super) struct Layout<'a> {
    pub(super) metrics: &'a [Metrics; FACES],
    /// The charts, for their sizes (and, when drawing, the charts themselves).
    pub(super) charts: &'a Charts,
    pub(super) pages: Vec<Vec<Op>>,
    pub(super) y: f32,
    pub(super) bookmarks: Vec<Bookmark>,
    /// The width of the table being laid out.
    pub(super) table_width: f32,
    /// The logical structure of what is laid out (tagged PDF), and each operation's mark.
    pub(super) structure: Structure,
}

impl<'a> Layout<'a> {
    pub(super) fn new(metrics: &'a [Metrics; FACES], charts: &'a Charts) -> Self {
        Self {
            metrics,
            charts,
            pages: vec![Vec::new()],
            y: TOP,
            bookmarks: Vec::new(),
            table_width: WIDTH,
            structure: Structure::new(),
        }
    }

    pub(super) fn width(&self, face: Face, text: &str, size: f32) -> f32 {
        self.metrics[face.index()].width(text, size)
    }

    /// Places `op` on the current page, marked as part of the innermost open structure node
    /// (text drawn outside any block becomes a paragraph of its own; rules and tints are
    /// artifacts).
    pub(super) fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            self.structure.record(&op);
            page.push(op);
        }
    }

    pub(super) fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.structure.new_page();
        self.y = TOP;
    }

    /// Opens a node of the structure tree inside the innermost open one: what is drawn until
    /// [`Layout::close`] belongs to it.
    pub(super) fn open(&mut self, role: Role) -> usize {
        self.structure.open(role)
    }

    /// Closes node `id` (and anything still open inside it).
    pub(super) fn close(&mut self, id: usize) {
        self.structure.close(id);
    }

    /// Runs `draw` with everything it draws marked as an artifact of kind `mark` (and no
    /// structure opened).
    pub(super) fn artifact(&mut self, mark: Mark, draw: impl FnOnce(&mut Self)) {
        let before = self.structure.artifact.replace(mark);
        draw(self);
        self.structure.artifact = before;
    }

    /// Starts a new page unless `height` more fits on this one.
    pub(super) fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    pub(super) fn text(&mut self, x: f32, y: f32, size: f32, face: Face, color: Rgb, text: &str) {
        if !text.is_empty() {
            self.push(Op::Text {
                x,
                y,
                size,
                face,
                color,
                text: text.to_owned(),
            });
        }
    }

    /// `text` broken into lines no wider than `width` (at spaces; inside a word only when the
    /// word alone is too wide).
    pub(super) fn wrap(&self, text: &str, face: Face, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut line = String::new();
            for word in paragraph.split_whitespace() {
                let candidate = if line.is_empty() {
                    word.to_owned()
                } else {
                    format!("{line} {word}")
                };
                // A hair of tolerance: a column is exactly as wide as its widest word.
                if self.width(face, &candidate, size) <= width + 0.01 || line.is_empty() {
                    line = candidate;
                } else {
                    lines.push(std::mem::take(&mut line));
                    line = word.to_owned();
                }
                // A single word wider than the line: break it where it overflows.
                while self.width(face, &line, size) > width + 0.01 && line.chars().count() > 1 {
                    let mut head = String::new();
                    for c in line.chars() {
                        head.push(c);
                        if self.width(face, &head, size) > width + 0.01 {
                            head.pop();
                            break;
                        }
                    }
                    if head.is_empty() {
                        break;
                    }
                    let rest = line[head.len()..].to_owned();
                    lines.push(head);
                    line = rest;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// A wrapped paragraph at the left margin (indented by `indent`), half a line below it.
    pub(super) fn paragraph(&mut self, text: &str, face: Face, size: f32, color: Rgb, indent: f32) {
        let leading = size * BODY_LEADING / BODY;
        let p = self.open(Role::P);
        for line in self.wrap(text, face, size, WIDTH - indent) {
            self.room(leading);
            self.text(LEFT + indent, self.y + size, size, face, color, &line);
            self.y += leading;
        }
        self.close(p);
        self.y += size * 0.5;
    }

    /// A horizontal rule across the text width, or across the current table.
    pub(super) fn rule(&mut self, y: f32, width: f32, color: Rgb) {
        self.push(Op::Line {
            x1: LEFT,
            y1: y,
            x2: LEFT + self.table_width,
            y2: y,
            width,
            color,
        });
    }

    /// A section heading ("3  Member states compared"), on a new page when `new_page`, else
    /// kept with at least 120 points of what follows. In the structure tree it starts a
    /// section (`Sect`, holding everything up to the next heading) with the heading as `H1`.
    pub(super) fn heading(&mut self, number: usize, title: &str, new_page: bool) {
        self.labelled_heading(&number.to_string(), title, new_page);
    }

    /// A heading with its label ("3", "Annex A") before the title; see [`Layout::heading`].
    pub(super) fn labelled_heading(&mut self, label: &str, title: &str, new_page: bool) {
        self.structure.close_all();
        if new_page {
            if self.y > TOP {
                self.new_page();
            }
        } else {
            self.y += 14.0;
            self.room(150.0);
        }
        self.bookmarks.push(Bookmark {
            title: format!("{label}  {title}"),
            page: self.pages.len() - 1,
            y: self.y,
        });
        self.push(Op::Rect {
            x: LEFT,
            y: self.y,
            w: WIDTH,
            h: 2.2,
            color: ACCENT,
        });
        self.open(Role::Section);
        let h1 = self.open(Role::Heading {
            level: 1,
            title: format!("{label} {title}"),
        });
        let size = 15.0;
        let baseline = self.y + 8.0 + size;
        let n = label;
        self.text(LEFT, baseline, size, Face::Regular, MUTED, n);
        let x = LEFT + self.width(Face::Regular, n, size) + 9.0;
        self.text(x, baseline, size, Face::Bold, ACCENT, title);
        self.close(h1);
        self.y = baseline + 12.0;
    }

    /// A smaller heading inside a section.
    pub(super) fn subheading(&mut self, title: &str) {
        self.y += 6.0;
        self.room(120.0);
        let size = 11.0;
        let h2 = self.open(Role::Heading {
            level: 2,
            title: title.to_owned(),
        });
        self.text(LEFT, self.y + size, size, Face::Bold, INK, title);
        self.close(h2);
        self.y += size + 8.0;
    }

    /// A chart scaled to the text width (at most `max_h` high), with its caption below.
    pub(super) fn figure(&mut self, index: usize, figure: &Figure) -> Result<(), ReportError> {
        let (width, height) = self
            .charts
            .size(index)
            .filter(|(w, h)| *w > 0.0 && *h > 0.0)
            .ok_or_else(|| ReportError::Chart {
                chart: figure.name.clone(),
                message: "the SVG has no usable width and height".into(),
            })?;
        let max_h = 330.0;
        let mut w = WIDTH;
        let mut h = w * height / width;
        if h > max_h {
            h = max_h;
            w = h * width / height;
        }
        let caption = self.wrap(&figure.caption, Face::Regular, 7.8, WIDTH);
        let caption_h = caption.len() as f32 * 10.5 + 8.0;
        self.room(h + caption_h + 10.0);
        self.y += 4.0;
        // The chart as a figure, its caption (the chart's title and what it shows) as its text
        // alternative and, below it, as its caption.
        let alt = if figure.caption.is_empty() {
            figure.title.clone()
        } else {
            figure.caption.clone()
        };
        let node = self.open(Role::Figure { alt });
        self.push(Op::Chart {
            x: LEFT + (WIDTH - w) / 2.0,
            y: self.y,
            w,
            h,
            figure: index,
        });
        self.close(node);
        self.y += h + 5.0;
        self.push(Op::Line {
            x1: LEFT,
            y1: self.y,
            x2: RIGHT,
            y2: self.y,
            width: 0.5,
            color: FAINT,
        });
        self.y += 3.0;
        let node = self.open(Role::Caption);
        for line in &caption {
            self.text(LEFT, self.y + 7.8, 7.8, Face::Regular, MUTED, line);
            self.y += 10.5;
        }
        self.close(node);
        self.y += 12.0;
        Ok(())
    }

    /// The issuer's logo at `x`, its top a little above the current line's baseline, as a
    /// figure whose text alternative is the organisation's name; the line moves below it.
    pub(super) fn logo(&mut self, logo: &CoverLogo, x: f32) {
        const POINTS_PER_MM: f64 = 72.0 / 25.4;
        let w = (logo.width_mm * POINTS_PER_MM) as f32;
        let h = (logo.height_mm * POINTS_PER_MM) as f32;
        let top = self.y - BODY;
        let node = self.open(Role::Figure {
            alt: logo.alt.clone(),
        });
        self.push(Op::Logo { x, y: top, w, h });
        self.close(node);
        self.y = top + h + BODY + 6.0;
    }
}
