//! Published figures and review editions (issue 18).
//! - `claims`: append-only published figures; `supersedes` names the claim a correction
//!   replaces; `reference_key` (unique) marks the claims shipped with the tracker, so loading
//!   them again adds nothing.
//! - `editions`: frozen reviews: the as-of date, basis and `known_at` instant to re-render them
//!   from, the figures as JSON, and the SHA-256 of the PDF and HTML rendered when frozen.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Claims {
    Table,
    Id,
    FrameworkId,
    Scope,
    Metric,
    Indicator,
    Value,
    Precision,
    AsOf,
    PublishedOn,
    Statement,
    SourceTitle,
    SourceUrl,
    Note,
    Supersedes,
    ReferenceKey,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Editions {
    Table,
    Id,
    FrameworkId,
    Title,
    AsOf,
    Basis,
    KnownAt,
    Figures,
    Headline,
    PdfSha256,
    HtmlSha256,
    CreatedBy,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Claims::Table)
                    .if_not_exists()
                    .col(pk_auto(Claims::Id))
                    .col(integer(Claims::FrameworkId))
                    .col(string_len(Claims::Scope, 8))
                    .col(string_len(Claims::Metric, 32))
                    .col(string_len_null(Claims::Indicator, 64))
                    .col(double(Claims::Value))
                    .col(double(Claims::Precision))
                    .col(date(Claims::AsOf))
                    .col(date(Claims::PublishedOn))
                    .col(text(Claims::Statement))
                    .col(string_len(Claims::SourceTitle, 500))
                    .col(text_null(Claims::SourceUrl))
                    .col(text_null(Claims::Note))
                    .col(integer_null(Claims::Supersedes))
                    .col(string_len_null(Claims::ReferenceKey, 64).unique_key())
                    .col(integer_null(Claims::RecordedBy))
                    .col(timestamp_with_time_zone(Claims::RecordedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Claims::Table, Claims::FrameworkId)
                            .to(Frameworks::Table, Frameworks::Id)
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
                    .name("ix_claims_framework")
                    .table(Claims::Table)
                    .col(Claims::FrameworkId)
                    .col(Claims::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Editions::Table)
                    .if_not_exists()
                    .col(pk_auto(Editions::Id))
                    .col(integer(Editions::FrameworkId))
                    .col(string_len(Editions::Title, 200))
                    .col(date(Editions::AsOf))
                    .col(string_len(Editions::Basis, 16))
                    .col(timestamp_with_time_zone(Editions::KnownAt))
                    .col(text(Editions::Figures))
                    .col(text(Editions::Headline))
                    .col(string_len(Editions::PdfSha256, 64))
                    .col(string_len(Editions::HtmlSha256, 64))
                    .col(integer_null(Editions::CreatedBy))
                    .col(timestamp_with_time_zone(Editions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Editions::Table, Editions::FrameworkId)
                            .to(Frameworks::Table, Frameworks::Id)
                            .on_delete(ForeignKeyAction::Restrict)
                            .on_update(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Editions::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Claims::Table).to_owned())
            .await
    }
}
