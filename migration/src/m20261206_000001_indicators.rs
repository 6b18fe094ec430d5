//! The Results Framework's indicators (DESIGN.md §1, §2b), beside the status reports; nothing
//! existing changes.
//!
//! - `indicators`: one per (framework, code); the node it measures (any node, usually a strategic
//!   measure), its unit, direction (`increase`/`decrease`) and decimals; retired, never deleted.
//! - `indicator_targets`: baseline and target per (indicator, scope), append-only: a revision is
//!   a newer row, so `known_at` reproduces the target in force at any instant.
//! - `indicator_observations`: one value per (indicator, scope, year), append-only like status
//!   reports (a correction is a newer row for the same year), with the lock in force when it was
//!   recorded and whether an admin recorded it inside the locked period.
//! - `observation_reviews`: the Secretariat's decision on an observation (validated or returned),
//!   at most one per observation, as `report_reviews` is for status reports.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Nodes {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Locks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Indicators {
    Table,
    Id,
    FrameworkId,
    Code,
    Title,
    Unit,
    Direction,
    Decimals,
    NodeId,
    Source,
    Note,
    Retired,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IndicatorTargets {
    Table,
    Id,
    IndicatorId,
    Scope,
    BaselineYear,
    BaselineValue,
    TargetYear,
    TargetValue,
    Note,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum IndicatorObservations {
    Table,
    Id,
    IndicatorId,
    FrameworkId,
    Scope,
    Year,
    Value,
    Source,
    Note,
    RecordedBy,
    RecordedAt,
    LockId,
    LockOverride,
}

#[derive(DeriveIden)]
enum ObservationReviews {
    Table,
    Id,
    ObservationId,
    FrameworkId,
    Decision,
    Reason,
    EvidenceChecked,
    ReviewedBy,
    ReviewedAt,
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
                    .table(Indicators::Table)
                    .col(pk_auto(Indicators::Id))
                    .col(integer(Indicators::FrameworkId))
                    .col(string_len(Indicators::Code, 64))
                    .col(text(Indicators::Title))
                    .col(string_len(Indicators::Unit, 64))
                    .col(string_len(Indicators::Direction, 16))
                    .col(small_integer(Indicators::Decimals).default(1))
                    .col(integer(Indicators::NodeId))
                    .col(text_null(Indicators::Source))
                    .col(text_null(Indicators::Note))
                    .col(boolean(Indicators::Retired).default(false))
                    .col(integer_null(Indicators::CreatedBy))
                    .col(timestamp_with_time_zone(Indicators::CreatedAt))
                    .foreign_key(&mut fk(
                        Indicators::Table,
                        Indicators::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        Indicators::Table,
                        Indicators::NodeId,
                        Nodes::Table,
                        Nodes::Id,
                    ))
                    .foreign_key(&mut fk(
                        Indicators::Table,
                        Indicators::CreatedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_indicators_framework_code")
                    .table(Indicators::Table)
                    .col(Indicators::FrameworkId)
                    .col(Indicators::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IndicatorTargets::Table)
                    .col(pk_auto(IndicatorTargets::Id))
                    .col(integer(IndicatorTargets::IndicatorId))
                    .col(string_len(IndicatorTargets::Scope, 8))
                    .col(integer(IndicatorTargets::BaselineYear))
                    .col(double(IndicatorTargets::BaselineValue))
                    .col(integer(IndicatorTargets::TargetYear))
                    .col(double(IndicatorTargets::TargetValue))
                    .col(text_null(IndicatorTargets::Note))
                    .col(integer_null(IndicatorTargets::RecordedBy))
                    .col(timestamp_with_time_zone(IndicatorTargets::RecordedAt))
                    .foreign_key(&mut fk(
                        IndicatorTargets::Table,
                        IndicatorTargets::IndicatorId,
                        Indicators::Table,
                        Indicators::Id,
                    ))
                    .foreign_key(&mut fk(
                        IndicatorTargets::Table,
                        IndicatorTargets::RecordedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_indicator_targets_indicator_scope")
                    .table(IndicatorTargets::Table)
                    .col(IndicatorTargets::IndicatorId)
                    .col(IndicatorTargets::Scope)
                    .col(IndicatorTargets::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IndicatorObservations::Table)
                    .col(pk_auto(IndicatorObservations::Id))
                    .col(integer(IndicatorObservations::IndicatorId))
                    .col(integer(IndicatorObservations::FrameworkId))
                    .col(string_len(IndicatorObservations::Scope, 8))
                    .col(integer(IndicatorObservations::Year))
                    .col(double(IndicatorObservations::Value))
                    .col(text_null(IndicatorObservations::Source))
                    .col(text_null(IndicatorObservations::Note))
                    .col(integer_null(IndicatorObservations::RecordedBy))
                    .col(timestamp_with_time_zone(IndicatorObservations::RecordedAt))
                    .col(integer_null(IndicatorObservations::LockId))
                    .col(boolean(IndicatorObservations::LockOverride).default(false))
                    .foreign_key(&mut fk(
                        IndicatorObservations::Table,
                        IndicatorObservations::IndicatorId,
                        Indicators::Table,
                        Indicators::Id,
                    ))
                    .foreign_key(&mut fk(
                        IndicatorObservations::Table,
                        IndicatorObservations::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        IndicatorObservations::Table,
                        IndicatorObservations::RecordedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .foreign_key(&mut fk(
                        IndicatorObservations::Table,
                        IndicatorObservations::LockId,
                        Locks::Table,
                        Locks::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_indicator_observations_series")
                    .table(IndicatorObservations::Table)
                    .col(IndicatorObservations::IndicatorId)
                    .col(IndicatorObservations::Scope)
                    .col(IndicatorObservations::Year)
                    .col(IndicatorObservations::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_indicator_observations_framework")
                    .table(IndicatorObservations::Table)
                    .col(IndicatorObservations::FrameworkId)
                    .col(IndicatorObservations::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ObservationReviews::Table)
                    .col(pk_auto(ObservationReviews::Id))
                    .col(integer_uniq(ObservationReviews::ObservationId))
                    .col(integer(ObservationReviews::FrameworkId))
                    .col(string_len(ObservationReviews::Decision, 16))
                    .col(text_null(ObservationReviews::Reason))
                    .col(boolean(ObservationReviews::EvidenceChecked).default(false))
                    .col(integer(ObservationReviews::ReviewedBy))
                    .col(timestamp_with_time_zone(ObservationReviews::ReviewedAt))
                    .foreign_key(&mut fk(
                        ObservationReviews::Table,
                        ObservationReviews::ObservationId,
                        IndicatorObservations::Table,
                        IndicatorObservations::Id,
                    ))
                    .foreign_key(&mut fk(
                        ObservationReviews::Table,
                        ObservationReviews::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        ObservationReviews::Table,
                        ObservationReviews::ReviewedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ObservationReviews::Table.into_iden(),
            IndicatorObservations::Table.into_iden(),
            IndicatorTargets::Table.into_iden(),
            Indicators::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
