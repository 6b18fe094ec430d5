//! `login_failures`: one row per failed web login, by account name and client address, so that
//! the login throttle counts per account and per (address, account) pair, and survives a
//! restart. Rows older than the throttle's window are deleted as new ones come.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    Account,
    Address,
    FailedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .if_not_exists()
                    .col(pk_auto(LoginFailures::Id))
                    // The account name as typed, lower-cased (it may name no account).
                    .col(string(LoginFailures::Account))
                    .col(string_null(LoginFailures::Address))
                    .col(timestamp_with_time_zone(LoginFailures::FailedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_login_failures_account")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::Account)
                    .col(LoginFailures::FailedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("idx_login_failures_failed_at")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::FailedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }
}
