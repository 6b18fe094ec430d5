//! `store_probe`: one row rewritten by the readiness check (`/readyz`), so that it proves a
//! real committed write, not only a connection. Holds nothing else.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StoreProbe {
    Table,
    Id,
    CheckedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(StoreProbe::Table)
                    .if_not_exists()
                    .col(pk_auto(StoreProbe::Id))
                    .col(timestamp_with_time_zone(StoreProbe::CheckedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(StoreProbe::Table).to_owned())
            .await
    }
}
