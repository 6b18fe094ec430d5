//! Corrections after a return (issue "Reporting rounds"):
//!
//! - `status_reports.corrects_report_id`: the returned report this one corrects. A focal point
//!   may correct a report the Secretariat returned with the same measure, scope and effective
//!   date even inside a locked period; the link says which return it answers (and is audited as
//!   `status.correction_after_return`).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StatusReports {
    Table,
    CorrectsReportId,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StatusReports::Table)
                    .add_column(integer_null(StatusReports::CorrectsReportId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(StatusReports::Table)
                    .drop_column(StatusReports::CorrectsReportId)
                    .to_owned(),
            )
            .await
    }
}
