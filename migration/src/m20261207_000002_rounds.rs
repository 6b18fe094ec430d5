//! Reporting rounds (issue 15): `rounds`, a framework's rounds (code unique per framework, the
//! period the round's statuses cover, when it opens and when it is due), and
//! `round_submissions`, the append-only log of what each participant did in a round
//! (`submitted`, `accepted`, `returned` with a reason). Nothing is updated or deleted.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Rounds {
    Table,
    Id,
    FrameworkId,
    Code,
    PeriodStart,
    PeriodEnd,
    OpensOn,
    DueOn,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum RoundSubmissions {
    Table,
    Id,
    RoundId,
    FrameworkId,
    Scope,
    Action,
    Reason,
    By,
    At,
}

fn fk(
    from_table: impl IntoIden,
    from_col: impl IntoIden,
    to_table: impl IntoIden,
    to_col: impl IntoIden,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from_table, from_col)
        .to(to_table, to_col)
        .on_delete(ForeignKeyAction::Restrict)
        .on_update(ForeignKeyAction::Restrict)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Rounds::Table)
                    .if_not_exists()
                    .col(pk_auto(Rounds::Id))
                    .col(integer(Rounds::FrameworkId))
                    .col(string_len(Rounds::Code, 32))
                    .col(date(Rounds::PeriodStart))
                    .col(date(Rounds::PeriodEnd))
                    .col(date(Rounds::OpensOn))
                    .col(date(Rounds::DueOn))
                    // No account for the demo's and the terminal's rounds.
                    .col(integer_null(Rounds::CreatedBy))
                    .col(timestamp_with_time_zone(Rounds::CreatedAt))
                    .foreign_key(&mut fk(
                        Rounds::Table,
                        Rounds::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        Rounds::Table,
                        Rounds::CreatedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ux_rounds_framework_code")
                    .table(Rounds::Table)
                    .col(Rounds::FrameworkId)
                    .col(Rounds::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RoundSubmissions::Table)
                    .if_not_exists()
                    .col(pk_auto(RoundSubmissions::Id))
                    .col(integer(RoundSubmissions::RoundId))
                    .col(integer(RoundSubmissions::FrameworkId))
                    .col(string_len(RoundSubmissions::Scope, 8))
                    .col(string_len(RoundSubmissions::Action, 16))
                    .col(text_null(RoundSubmissions::Reason))
                    .col(integer_null(RoundSubmissions::By))
                    .col(timestamp_with_time_zone(RoundSubmissions::At))
                    .foreign_key(&mut fk(
                        RoundSubmissions::Table,
                        RoundSubmissions::RoundId,
                        Rounds::Table,
                        Rounds::Id,
                    ))
                    .foreign_key(&mut fk(
                        RoundSubmissions::Table,
                        RoundSubmissions::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        RoundSubmissions::Table,
                        RoundSubmissions::By,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .if_not_exists()
                    .name("ix_round_submissions_round")
                    .table(RoundSubmissions::Table)
                    .col(RoundSubmissions::RoundId)
                    .col(RoundSubmissions::Scope)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RoundSubmissions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Rounds::Table).to_owned())
            .await
    }
}
