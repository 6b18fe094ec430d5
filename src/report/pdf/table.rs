//! Tables in the PDF: columns, cells and rows, their widths, and rows laid out across pages
//! with the header repeated on every page a table runs over.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
    /// Centred (a symbol in a matrix): its second line is centred too.
    Center,
}

impl Align {
    /// Where a line `lw` wide starts in a cell at `x`, `w` wide.
    fn start(self, x: f32, w: f32, lw: f32) -> f32 {
        match self {
            Align::Left => x + CELL_PAD_X,
            Align::Right => x + w - CELL_PAD_X - lw,
            Align::Center => x + (w - lw) / 2.0,
        }
    }
}

/// A table column: its header, and whether it takes the width left by the others (and wraps).
#[derive(Debug, Clone)]
pub(super) struct Column {
    pub(super) header: String,
    pub(super) align: Align,
    pub(super) flex: bool,
}

impl Column {
    pub(super) fn left(header: &str) -> Self {
        Self {
            header: header.to_owned(),
            align: Align::Left,
            flex: false,
        }
    }
    pub(super) fn flex(header: &str) -> Self {
        Self {
            flex: true,
            ..Self::left(header)
        }
    }
    pub(super) fn centred(header: &str) -> Self {
        Self {
            align: Align::Center,
            ..Self::left(header)
        }
    }
    pub(super) fn num(header: &str) -> Self {
        Self {
            align: Align::Right,
            ..Self::left(header)
        }
    }
}

/// A table cell: its text, and an optional second line in small muted type.
#[derive(Debug, Clone, Default)]
pub(super) struct Cell {
    pub(super) text: String,
    pub(super) sub: String,
}

impl From<&str> for Cell {
    fn from(text: &str) -> Self {
        Self {
            text: text.to_owned(),
            sub: String::new(),
        }
    }
}

impl From<String> for Cell {
    fn from(text: String) -> Self {
        Self {
            text,
            sub: String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RowStyle {
    Normal,
    /// A heading row spanning the whole table (the first cell's text).
    Group,
    /// A cross-state rule row, tinted.
    Rule,
    /// The total under a table, bold.
    Total,
}

#[derive(Debug, Clone)]
pub(super) struct Row {
    pub(super) style: RowStyle,
    pub(super) cells: Vec<Cell>,
}

/// A cell's lines: its text, then its muted second line, wrapped.
pub(super) type CellLines = (Vec<String>, Vec<String>);
/// A row's height and its cells' lines.
pub(super) type LaidRow = (f32, Vec<CellLines>);

impl<'a> Layout<'a> {
    /// A table: a bold caption, a header repeated on every page it runs over, wrapped cells.
    /// Tagged as a `Table` with its `Caption`, a `THead` row of `TH` and a `TBody` of rows of
    /// `TD` (a group row's heading a `TH` of the row); the header and the "(continued)" line
    /// repeated on a continuation page are artifacts.
    pub(super) fn table(&mut self, caption: &str, columns: &[Column], rows: &[Row]) {
        let widths = self.column_widths(columns, rows);
        self.table_width = widths.iter().sum::<f32>().min(WIDTH);
        let header_lines: Vec<Vec<String>> = columns
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(&c.header, Face::Narrow, HEADER, w - 2.0 * CELL_PAD_X))
            .collect();
        let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * HEADER_LEADING
            + 2.0 * CELL_PAD_Y
            + 1.0;

        let laid: Vec<LaidRow> = rows
            .iter()
            .map(|row| self.lay_row(row, columns, &widths))
            .collect();
        let first_h = laid.first().map_or(0.0, |(h, _)| *h);
        let caption_size = 8.8;
        let caption_leading = caption_size * 1.3;
        // A long caption wraps at the text width rather than running off the page.
        let caption_lines = self.wrap(caption, Face::Bold, caption_size, WIDTH);
        let caption_h = caption_lines.len().max(1) as f32 * caption_leading;
        self.room(caption_h + 6.0 + header_h + first_h);
        let table = self.open(Role::Table);
        let node = self.open(Role::Caption);
        for (i, line) in caption_lines.iter().enumerate() {
            self.text(
                LEFT,
                self.y + caption_size + i as f32 * caption_leading,
                caption_size,
                Face::Bold,
                INK,
                line,
            );
        }
        self.close(node);
        self.y += caption_h - (caption_leading - caption_size) + 6.0;
        let head = self.open(Role::THead);
        self.table_header(columns, &widths, &header_lines, header_h);
        self.close(head);

        let body = self.open(Role::TBody);
        for (row, (h, cells)) in rows.iter().zip(&laid) {
            if self.y + h > BOTTOM {
                self.new_page();
                self.artifact(Mark::Pagination, |this| {
                    let continued = format!("{caption} (continued)");
                    let lines = this.wrap(&continued, Face::Narrow, TABLE, WIDTH);
                    for (i, line) in lines.iter().enumerate() {
                        this.text(
                            LEFT,
                            this.y + TABLE + i as f32 * TABLE * 1.3,
                            TABLE,
                            Face::Narrow,
                            MUTED,
                            line,
                        );
                    }
                    this.y += TABLE + lines.len().saturating_sub(1) as f32 * TABLE * 1.3 + 6.0;
                    this.table_header(columns, &widths, &header_lines, header_h);
                });
            }
            self.table_row(row, columns, &widths, *h, cells);
        }
        self.close(body);
        self.close(table);
        self.table_width = WIDTH;
        self.y += 14.0;
    }

    /// Each column as wide as its widest cell and its header on one line; where that leaves
    /// the flexible column less than [`MIN_FLEX`], headers wrap at their words instead.
    pub(super) fn column_widths(&self, columns: &[Column], rows: &[Row]) -> Vec<f32> {
        let natural = |one_line_headers: bool| -> Vec<f32> {
            columns
                .iter()
                .enumerate()
                .map(|(i, column)| {
                    if column.flex {
                        return 0.0;
                    }
                    let header = if one_line_headers {
                        self.width(Face::Narrow, &column.header, HEADER)
                    } else {
                        column
                            .header
                            .split_whitespace()
                            .map(|w| self.width(Face::Narrow, w, HEADER))
                            .fold(0.0, f32::max)
                    };
                    let cells = rows
                        .iter()
                        .filter(|r| r.style != RowStyle::Group)
                        .filter_map(|r| r.cells.get(i))
                        .map(|c| {
                            self.width(Face::NarrowBold, &c.text, TABLE).max(self.width(
                                Face::Narrow,
                                &c.sub,
                                TABLE * 0.88,
                            ))
                        })
                        .fold(0.0, f32::max);
                    header.max(cells) + 2.0 * CELL_PAD_X
                })
                .collect()
        };
        let flex = columns.iter().filter(|c| c.flex).count();
        let mut widths = natural(true);
        if widths.iter().sum::<f32>() + MIN_FLEX * flex as f32 > WIDTH {
            widths = natural(false);
        }
        // A table without a flexible column keeps its natural width.
        let spare = (WIDTH - widths.iter().sum::<f32>()).max(0.0);
        if flex > 0 {
            for (w, c) in widths.iter_mut().zip(columns) {
                if c.flex {
                    *w = spare / flex as f32;
                }
            }
        }
        widths
    }

    /// A row's height and each cell's lines (text lines, sub lines).
    pub(super) fn lay_row(&self, row: &Row, columns: &[Column], widths: &[f32]) -> LaidRow {
        if row.style == RowStyle::Group {
            let text = row.cells.first().map(|c| c.text.as_str()).unwrap_or("");
            let lines = self.wrap(text, Face::NarrowBold, TABLE, WIDTH - 2.0 * CELL_PAD_X);
            let h = lines.len() as f32 * TABLE_LEADING + 2.0 * CELL_PAD_Y + 2.0;
            return (h, vec![(lines, Vec::new())]);
        }
        let face = if row.style == RowStyle::Total {
            Face::NarrowBold
        } else {
            Face::Narrow
        };
        let cells: Vec<CellLines> = row
            .cells
            .iter()
            .zip(columns.iter().zip(widths))
            .map(|(cell, (column, w))| {
                let inner = w - 2.0 * CELL_PAD_X;
                let text = if column.flex {
                    self.wrap(&cell.text, face, TABLE, inner)
                } else {
                    vec![cell.text.clone()]
                };
                let sub = if cell.sub.is_empty() {
                    Vec::new()
                } else {
                    self.wrap(&cell.sub, Face::Narrow, TABLE * 0.88, inner)
                };
                (text, sub)
            })
            .collect();
        let lines = cells
            .iter()
            .map(|(t, s)| t.len() as f32 * TABLE_LEADING + s.len() as f32 * TABLE_LEADING * 0.9)
            .fold(TABLE_LEADING, f32::max);
        (lines + 2.0 * CELL_PAD_Y, cells)
    }

    pub(super) fn table_header(
        &mut self,
        columns: &[Column],
        widths: &[f32],
        lines: &[Vec<String>],
        height: f32,
    ) {
        let rows = lines.iter().map(Vec::len).max().unwrap_or(1);
        let mut x = LEFT;
        let tr = self.open(Role::TR);
        for ((column, w), lines) in columns.iter().zip(widths).zip(lines) {
            let th = self.open(Role::TH { row: false });
            // Bottom-aligned, like a printed table's header.
            let first = self.y + CELL_PAD_Y + (rows - lines.len()) as f32 * HEADER_LEADING;
            for (i, line) in lines.iter().enumerate() {
                let lw = self.width(Face::Narrow, line, HEADER);
                let lx = column.align.start(x, *w, lw);
                let baseline = first + i as f32 * HEADER_LEADING + HEADER;
                self.text(lx, baseline, HEADER, Face::Narrow, MUTED, line);
            }
            self.close(th);
            x += w;
        }
        self.close(tr);
        self.y += height;
        self.rule(self.y, 0.9, INK);
        self.y += 0.5;
    }

    pub(super) fn table_row(
        &mut self,
        row: &Row,
        columns: &[Column],
        widths: &[f32],
        height: f32,
        cells: &[CellLines],
    ) {
        let top = self.y;
        let tr = self.open(Role::TR);
        match row.style {
            RowStyle::Group => {
                self.push(Op::Rect {
                    x: LEFT,
                    y: top,
                    w: self.table_width,
                    h: height,
                    color: FAINT,
                });
            }
            RowStyle::Rule => {
                self.push(Op::Rect {
                    x: LEFT,
                    y: top,
                    w: self.table_width,
                    h: height,
                    color: TINT,
                });
            }
            RowStyle::Total => self.rule(top, 0.9, INK),
            RowStyle::Normal => {}
        }
        if row.style == RowStyle::Group {
            let th = self.open(Role::TH { row: true });
            if let Some((lines, _)) = cells.first() {
                for (i, line) in lines.iter().enumerate() {
                    let baseline = top + CELL_PAD_Y + 1.0 + i as f32 * TABLE_LEADING + TABLE;
                    self.text(
                        LEFT + CELL_PAD_X,
                        baseline,
                        TABLE,
                        Face::NarrowBold,
                        INK,
                        line,
                    );
                }
            }
            self.close(th);
        } else {
            let mut x = LEFT;
            for (i, ((column, w), (lines, sub))) in
                columns.iter().zip(widths).zip(cells).enumerate()
            {
                let td = self.open(Role::TD);
                // The first column (a code) and the total row are bold.
                let face = if i == 0 || row.style == RowStyle::Total {
                    Face::NarrowBold
                } else {
                    Face::Narrow
                };
                let mut baseline = top + CELL_PAD_Y + TABLE;
                for line in lines {
                    let lw = self.width(face, line, TABLE);
                    let lx = column.align.start(x, *w, lw);
                    self.text(lx, baseline, TABLE, face, INK, line);
                    baseline += TABLE_LEADING;
                }
                for line in sub {
                    let size = TABLE * 0.88;
                    baseline -= TABLE_LEADING * 0.1;
                    let lx = match column.align {
                        Align::Center => {
                            column
                                .align
                                .start(x, *w, self.width(Face::Narrow, line, size))
                        }
                        Align::Left | Align::Right => x + CELL_PAD_X,
                    };
                    self.text(lx, baseline, size, Face::Narrow, MUTED, line);
                    baseline += TABLE_LEADING * 0.9;
                }
                self.close(td);
                x += w;
            }
        }
        self.close(tr);
        self.y = top + height;
        if row.style != RowStyle::Group {
            self.rule(self.y, 0.4, RULE);
        }
    }
}
