//! Revision counters per framework. `revision` is bumped in the same transaction as every write
//! that changes the framework's figures (status reports, its tree, its participants);
//! `tree_revision` only by writes to its tree or participants. Readers that keep figures in
//! memory compare them with the revisions they computed from, so a server never serves figures
//! older than what another process on the same database has committed, and reloads the tree
//! only when it changed. The bump also serialises a framework's writers on PostgreSQL, so
//! report ids grow in commit order.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Revision,
    TreeRevision,
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
            .await?;
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Frameworks::Table)
                    .add_column(big_integer(Frameworks::TreeRevision).default(0))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Frameworks::Table)
                    .drop_column(Frameworks::TreeRevision)
                    .to_owned(),
            )
            .await?;
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
