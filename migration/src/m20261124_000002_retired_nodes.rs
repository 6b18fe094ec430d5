//! Frameworks loaded from files (issue "Import and export"):
//!
//! - `nodes.retired_at`: when a node left its framework's tree. A framework file that no longer
//!   lists a node retires it instead of deleting it, so the status reports recorded on a
//!   retired measure keep pointing at a row and stay readable; the figures count current
//!   measures only. A file that lists the code again brings it back (`NULL`).
//! - `frameworks.imported_at`: when an operator last loaded the framework from a file. The
//!   shipped reference data, loaded again at every start, then leaves that framework alone, so
//!   an imported tree (the official Blueprint 2025 measures) is never reverted to the shipped
//!   one.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Nodes {
    Table,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    ImportedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Nodes::Table)
                    .add_column(timestamp_with_time_zone_null(Nodes::RetiredAt))
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Frameworks::Table)
                    .add_column(timestamp_with_time_zone_null(Frameworks::ImportedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Frameworks::Table)
                    .drop_column(Frameworks::ImportedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Nodes::Table)
                    .drop_column(Nodes::RetiredAt)
                    .to_owned(),
            )
            .await
    }
}
