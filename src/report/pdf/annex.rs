//! The annexes in the PDF (worded in [`crate::report::annex`]): the measure × scope matrix,
//! one profile per member state, the measures with their lead bodies.

use super::*;
use crate::report::annex::AnnexView;

impl Layout<'_> {
    pub(super) fn annexes(&mut self, a: &AnnexView) {
        self.labelled_heading("Annex A", &a.matrix_title, true);
        self.intro(&a.matrix_intro);
        self.paragraph(&a.legend_line(), Face::Regular, BODY, INK, 0.0);
        let mut columns = vec![Column::left(&a.matrix_head[0])];
        columns.extend(a.matrix_head.iter().skip(1).map(|h| Column::centred(h)));
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
        self.table(a.matrix_caption, &columns, &rows);

        self.labelled_heading("Annex B", &a.profiles_title, true);
        self.intro(&a.profiles_intro);
        for (i, p) in a.profiles.iter().enumerate() {
            if i > 0 {
                self.new_page();
            }
            self.subheading(&p.heading);
            for text in &p.paragraphs {
                self.paragraph(text, Face::Regular, BODY, INK, 0.0);
            }
            self.plain_table(&p.rates);
            self.paragraph(&p.changes_text, Face::Regular, BODY, INK, 0.0);
            if let Some(t) = &p.changes {
                self.plain_table(t);
            }
            if let Some(t) = &p.latest {
                self.plain_table(t);
            }
        }

        self.labelled_heading("Annex C", &a.bodies_title, true);
        self.intro(&a.bodies_intro);
        let rows: Vec<Row> = a
            .bodies
            .rows
            .iter()
            .map(|cells| Row {
                style: RowStyle::Normal,
                cells: cells.iter().map(|c| c.as_str().into()).collect(),
            })
            .collect();
        let columns: Vec<Column> = a
            .bodies
            .head
            .iter()
            .enumerate()
            .map(|(i, h)| {
                if i == 1 {
                    Column::flex(h)
                } else {
                    Column::left(h)
                }
            })
            .collect();
        self.table(&a.bodies.caption, &columns, &rows);
        if let Some(t) = &a.body_names {
            self.plain_table(t);
        }
    }
}
