//! The annexes in the DOCX (worded in [`crate::report::annex`]), as in the PDF.

use super::Doc;
use super::body::{Cell, Column, Kind, Row, RowStyle};
use crate::report::annex::AnnexView;

impl Doc {
    pub(super) fn annexes(&mut self, a: &AnnexView) {
        self.body.page_break();
        self.body
            .heading(1, &format!("Annex A. {}", a.matrix_title));
        self.intro(&a.matrix_intro);
        self.body.text(None, &a.legend_line());
        let mut columns = vec![Column::new(&a.matrix_head[0], Kind::Left)];
        columns.extend(
            a.matrix_head
                .iter()
                .skip(1)
                .map(|h| Column::new(h, Kind::Center)),
        );
        let mut rows = Vec::new();
        for g in &a.matrix {
            rows.push(Row {
                style: RowStyle::Group,
                cells: vec![g.heading.clone().into()],
            });
            rows.extend(g.rows.iter().map(|m| {
                let mut cells: Vec<Cell> = vec![m.code.clone().into()];
                cells.extend(m.cells.iter().map(|c| Cell {
                    text: c.symbol.to_owned(),
                    sub: c.month.clone(),
                }));
                Row {
                    style: RowStyle::Normal,
                    cells,
                }
            }));
        }
        self.body.table(a.matrix_caption, &columns, &rows);

        self.body.page_break();
        self.body
            .heading(1, &format!("Annex B. {}", a.profiles_title));
        self.intro(&a.profiles_intro);
        for (i, p) in a.profiles.iter().enumerate() {
            if i > 0 {
                self.body.page_break();
            }
            self.body.heading(2, &p.heading);
            for text in &p.paragraphs {
                self.body.text(None, text);
            }
            self.plain_table(&p.rates);
            self.body.text(None, &p.changes_text);
            if let Some(t) = &p.changes {
                self.plain_table(t);
            }
            if let Some(t) = &p.latest {
                self.plain_table(t);
            }
        }

        self.body.page_break();
        self.body
            .heading(1, &format!("Annex C. {}", a.bodies_title));
        self.intro(&a.bodies_intro);
        let columns: Vec<Column> = a
            .bodies
            .head
            .iter()
            .enumerate()
            .map(|(i, h)| Column::new(h, if i == 1 { Kind::Flex } else { Kind::Left }))
            .collect();
        let rows: Vec<Row> = a
            .bodies
            .rows
            .iter()
            .map(|cells| Row {
                style: RowStyle::Normal,
                cells: cells.iter().map(|c| c.as_str().into()).collect(),
            })
            .collect();
        self.body.table(&a.bodies.caption, &columns, &rows);
        if let Some(t) = &a.body_names {
            self.plain_table(t);
        }
    }
}
