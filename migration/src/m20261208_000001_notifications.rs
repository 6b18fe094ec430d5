//! Notifications (issue 16): an optional `email` on `users`, and `notifications`, the outbox of
//! messages to accounts. A row is written in the same transaction as the event it announces (a
//! report or a round's submission returned, a submission accepted) or by the periodic scan of
//! the rounds (opened, due soon, overdue); `dedupe_key` is unique, so a rescan adds nothing.
//! The sender updates `state`, `attempts`, `next_attempt_at`, `sent_at` and `last_error`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
}

#[derive(DeriveIden)]
enum Notifications {
    Table,
    Id,
    UserId,
    Email,
    Kind,
    Subject,
    Body,
    Link,
    DedupeKey,
    CreatedAt,
    State,
    Attempts,
    NextAttemptAt,
    SentAt,
    LastError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::Email, 254))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Notifications::Table)
                    .if_not_exists()
                    .col(pk_auto(Notifications::Id))
                    .col(integer(Notifications::UserId))
                    .col(string_len_null(Notifications::Email, 254))
                    .col(string_len(Notifications::Kind, 32))
                    .col(string_len(Notifications::Subject, 200))
                    .col(text(Notifications::Body))
                    .col(string_len(Notifications::Link, 500))
                    .col(string_len_uniq(Notifications::DedupeKey, 200))
                    .col(timestamp_with_time_zone(Notifications::CreatedAt))
                    .col(string_len(Notifications::State, 16))
                    .col(integer(Notifications::Attempts))
                    .col(timestamp_with_time_zone(Notifications::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(Notifications::SentAt))
                    .col(text_null(Notifications::LastError))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Notifications::Table, Notifications::UserId)
                            .to(Users::Table, Users::Id)
                            .on_delete(ForeignKeyAction::Restrict)
                            .on_update(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_notifications_user")
                    .table(Notifications::Table)
                    .col(Notifications::UserId)
                    .col(Notifications::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_notifications_due")
                    .table(Notifications::Table)
                    .col(Notifications::State)
                    .col(Notifications::NextAttemptAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Notifications::Table).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::Email)
                    .to_owned(),
            )
            .await
    }
}
