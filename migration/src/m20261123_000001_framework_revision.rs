//! A revision counter per framework, bumped in the same transaction as every write that changes
//! the framework's figures (status reports, its tree, its participants). Readers that keep
//! figures in memory compare it with the revision they computed from, so a server never serves
//! figures older than what another process on the same database has committed; the bump also
//! serialises a framework's writers on PostgreSQL, so report ids grow in commit order.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Revision,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Frameworks::Table)
                    .add_column(big_integer(Frameworks::Revision).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Frameworks::Table)
                    .drop_column(Frameworks::Revision)
                    .to_owned(),
            )
            .await
    }
}
