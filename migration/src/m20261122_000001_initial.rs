//! The initial schema: reference data (frameworks and their node trees, member states, sectoral
//! bodies, participation), the append-only status reports, activities and accounts.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Id,
    Code,
    Title,
    AdoptedOn,
    AdoptedAt,
    StartDate,
    EndDate,
    Levels,
    Reviews,
    Note,
}

#[derive(DeriveIden)]
enum Nodes {
    Table,
    Id,
    FrameworkId,
    ParentId,
    Code,
    Level,
    Depth,
    Position,
    Title,
    Note,
    IsMeasure,
}

#[derive(DeriveIden)]
enum SectoralBodies {
    Table,
    Id,
    Code,
    Name,
    SeniorOfficialsBody,
    Sector,
}

#[derive(DeriveIden)]
enum NodeBodies {
    Table,
    NodeId,
    SectoralBodyId,
}

#[derive(DeriveIden)]
enum MemberStates {
    Table,
    Id,
    Code,
    Iso2,
    NumericCode,
    ShortName,
    OfficialName,
    JoinedOn,
}

#[derive(DeriveIden)]
enum Participations {
    Table,
    Id,
    FrameworkId,
    MemberStateId,
    FromDate,
    UntilDate,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Name,
    Role,
    MemberStateId,
    PasswordHash,
    Disabled,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    UserId,
    Name,
    TokenHash,
    CreatedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum StatusReports {
    Table,
    Id,
    FrameworkId,
    MeasureId,
    Scope,
    Status,
    Progress,
    EffectiveDate,
    Note,
    EvidenceUrl,
    RecordedBy,
    RecordedAt,
}

#[derive(DeriveIden)]
enum Activities {
    Table,
    Id,
    FrameworkId,
    SectoralBodyId,
    Kind,
    Title,
    Year,
    Area,
    Source,
    Note,
}

#[derive(DeriveIden)]
enum ActivityNodes {
    Table,
    ActivityId,
    NodeId,
}

#[derive(DeriveIden)]
enum ActivityStatusReports {
    Table,
    Id,
    ActivityId,
    Status,
    Progress,
    EffectiveDate,
    Note,
    EvidenceUrl,
    RecordedBy,
    RecordedAt,
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
                    .table(Frameworks::Table)
                    .col(pk_auto(Frameworks::Id))
                    .col(string_uniq(Frameworks::Code))
                    .col(string(Frameworks::Title))
                    .col(date_null(Frameworks::AdoptedOn))
                    .col(string_null(Frameworks::AdoptedAt))
                    .col(date(Frameworks::StartDate))
                    .col(date(Frameworks::EndDate))
                    .col(string(Frameworks::Levels))
                    .col(string(Frameworks::Reviews))
                    .col(text_null(Frameworks::Note))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Nodes::Table)
                    .col(pk_auto(Nodes::Id))
                    .col(integer(Nodes::FrameworkId))
                    .col(integer_null(Nodes::ParentId))
                    .col(string(Nodes::Code))
                    .col(string(Nodes::Level))
                    .col(small_integer(Nodes::Depth))
                    .col(integer(Nodes::Position))
                    .col(text(Nodes::Title))
                    .col(text_null(Nodes::Note))
                    .col(boolean(Nodes::IsMeasure))
                    .foreign_key(&mut fk(
                        Nodes::Table,
                        Nodes::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        Nodes::Table,
                        Nodes::ParentId,
                        Nodes::Table,
                        Nodes::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_nodes_framework_code")
                    .table(Nodes::Table)
                    .col(Nodes::FrameworkId)
                    .col(Nodes::Code)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(SectoralBodies::Table)
                    .col(pk_auto(SectoralBodies::Id))
                    .col(string_uniq(SectoralBodies::Code))
                    .col(string(SectoralBodies::Name))
                    .col(string_null(SectoralBodies::SeniorOfficialsBody))
                    .col(string_null(SectoralBodies::Sector))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(NodeBodies::Table)
                    .col(integer(NodeBodies::NodeId))
                    .col(integer(NodeBodies::SectoralBodyId))
                    .primary_key(
                        Index::create()
                            .col(NodeBodies::NodeId)
                            .col(NodeBodies::SectoralBodyId),
                    )
                    .foreign_key(&mut fk(
                        NodeBodies::Table,
                        NodeBodies::NodeId,
                        Nodes::Table,
                        Nodes::Id,
                    ))
                    .foreign_key(&mut fk(
                        NodeBodies::Table,
                        NodeBodies::SectoralBodyId,
                        SectoralBodies::Table,
                        SectoralBodies::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(MemberStates::Table)
                    .col(pk_auto(MemberStates::Id))
                    .col(string_len_uniq(MemberStates::Code, 3))
                    .col(string_len(MemberStates::Iso2, 2))
                    .col(string_len(MemberStates::NumericCode, 3))
                    .col(string(MemberStates::ShortName))
                    .col(string(MemberStates::OfficialName))
                    .col(date(MemberStates::JoinedOn))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Participations::Table)
                    .col(pk_auto(Participations::Id))
                    .col(integer(Participations::FrameworkId))
                    .col(integer(Participations::MemberStateId))
                    .col(date(Participations::FromDate))
                    .col(date_null(Participations::UntilDate))
                    .foreign_key(&mut fk(
                        Participations::Table,
                        Participations::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        Participations::Table,
                        Participations::MemberStateId,
                        MemberStates::Table,
                        MemberStates::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_participations_framework_state_from")
                    .table(Participations::Table)
                    .col(Participations::FrameworkId)
                    .col(Participations::MemberStateId)
                    .col(Participations::FromDate)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Users::Table)
                    .col(pk_auto(Users::Id))
                    .col(string_uniq(Users::Name))
                    .col(string_len(Users::Role, 16))
                    .col(integer_null(Users::MemberStateId))
                    .col(string_null(Users::PasswordHash))
                    .col(boolean(Users::Disabled).default(false))
                    .col(timestamp_with_time_zone(Users::CreatedAt))
                    .foreign_key(&mut fk(
                        Users::Table,
                        Users::MemberStateId,
                        MemberStates::Table,
                        MemberStates::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .col(pk_auto(ApiTokens::Id))
                    .col(integer(ApiTokens::UserId))
                    .col(string(ApiTokens::Name))
                    .col(string_len_uniq(ApiTokens::TokenHash, 64))
                    .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
                    .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
                    .foreign_key(&mut fk(
                        ApiTokens::Table,
                        ApiTokens::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StatusReports::Table)
                    .col(pk_auto(StatusReports::Id))
                    .col(integer(StatusReports::FrameworkId))
                    .col(integer(StatusReports::MeasureId))
                    .col(string_len(StatusReports::Scope, 8))
                    .col(string_len(StatusReports::Status, 16))
                    .col(small_integer_null(StatusReports::Progress))
                    .col(date(StatusReports::EffectiveDate))
                    .col(text_null(StatusReports::Note))
                    .col(text_null(StatusReports::EvidenceUrl))
                    .col(integer_null(StatusReports::RecordedBy))
                    .col(timestamp_with_time_zone(StatusReports::RecordedAt))
                    .foreign_key(&mut fk(
                        StatusReports::Table,
                        StatusReports::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        StatusReports::Table,
                        StatusReports::MeasureId,
                        Nodes::Table,
                        Nodes::Id,
                    ))
                    .foreign_key(&mut fk(
                        StatusReports::Table,
                        StatusReports::RecordedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        // The as-of lookup walks one (measure, scope) pair by effective date, then recording order.
        manager
            .create_index(
                Index::create()
                    .name("ix_status_reports_measure_scope_effective")
                    .table(StatusReports::Table)
                    .col(StatusReports::MeasureId)
                    .col(StatusReports::Scope)
                    .col(StatusReports::EffectiveDate)
                    .col(StatusReports::RecordedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_status_reports_framework")
                    .table(StatusReports::Table)
                    .col(StatusReports::FrameworkId)
                    .col(StatusReports::Id)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Activities::Table)
                    .col(pk_auto(Activities::Id))
                    .col(integer(Activities::FrameworkId))
                    .col(integer_null(Activities::SectoralBodyId))
                    .col(string_len(Activities::Kind, 16))
                    .col(text(Activities::Title))
                    .col(integer_null(Activities::Year))
                    .col(string_null(Activities::Area))
                    .col(string_null(Activities::Source))
                    .col(text_null(Activities::Note))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        Activities::Table,
                        Activities::SectoralBodyId,
                        SectoralBodies::Table,
                        SectoralBodies::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActivityNodes::Table)
                    .col(integer(ActivityNodes::ActivityId))
                    .col(integer(ActivityNodes::NodeId))
                    .primary_key(
                        Index::create()
                            .col(ActivityNodes::ActivityId)
                            .col(ActivityNodes::NodeId),
                    )
                    .foreign_key(&mut fk(
                        ActivityNodes::Table,
                        ActivityNodes::ActivityId,
                        Activities::Table,
                        Activities::Id,
                    ))
                    .foreign_key(&mut fk(
                        ActivityNodes::Table,
                        ActivityNodes::NodeId,
                        Nodes::Table,
                        Nodes::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ActivityStatusReports::Table)
                    .col(pk_auto(ActivityStatusReports::Id))
                    .col(integer(ActivityStatusReports::ActivityId))
                    .col(string_len(ActivityStatusReports::Status, 16))
                    .col(small_integer_null(ActivityStatusReports::Progress))
                    .col(date(ActivityStatusReports::EffectiveDate))
                    .col(text_null(ActivityStatusReports::Note))
                    .col(text_null(ActivityStatusReports::EvidenceUrl))
                    .col(integer_null(ActivityStatusReports::RecordedBy))
                    .col(timestamp_with_time_zone(ActivityStatusReports::RecordedAt))
                    .foreign_key(&mut fk(
                        ActivityStatusReports::Table,
                        ActivityStatusReports::ActivityId,
                        Activities::Table,
                        Activities::Id,
                    ))
                    .foreign_key(&mut fk(
                        ActivityStatusReports::Table,
                        ActivityStatusReports::RecordedBy,
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
            ActivityStatusReports::Table.into_iden(),
            ActivityNodes::Table.into_iden(),
            Activities::Table.into_iden(),
            StatusReports::Table.into_iden(),
            ApiTokens::Table.into_iden(),
            Users::Table.into_iden(),
            Participations::Table.into_iden(),
            MemberStates::Table.into_iden(),
            NodeBodies::Table.into_iden(),
            SectoralBodies::Table.into_iden(),
            Nodes::Table.into_iden(),
            Frameworks::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
