//! The issuer of a review edition (issue 19): `editions.issued_by` (the organisation printed on
//! its cover) and `editions.logo_png` (its logo, a checked PNG), both as configured when the
//! edition was frozen. An edition is re-rendered from these, never from the service's
//! configuration of the day, so that its bytes stay the frozen ones. Null for the editions
//! frozen before (they named no issuer).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Editions {
    Table,
    IssuedBy,
    LogoPng,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one column at a time.
        for column in [text_null(Editions::IssuedBy), blob_null(Editions::LogoPng)] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Editions::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [Editions::LogoPng, Editions::IssuedBy] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Editions::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
