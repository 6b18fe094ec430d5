//! Accounts, sessions, the audit trail, review cut-offs (locks) and validation.
//!
//! - `users.totp_secret`: the optional second factor's shared secret (RFC 6238).
//! - `sessions`: web logins; only the SHA-256 of the cookie is stored.
//! - `audit_events`: append-only, one row per write, written in the write's own transaction.
//! - `locks`: a framework's review cut-offs; released (never deleted) by an unlock.
//! - `report_reviews`: the secretariat's decision on a report (validated or returned), at most
//!   one per report, so that `status_reports` itself stays append-only.
//! - `status_reports.lock_id` / `lock_override`: the lock in force when the report was recorded,
//!   and whether an admin recorded it inside the locked period.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    TotpSecret,
}

#[derive(DeriveIden)]
enum Frameworks {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum StatusReports {
    Table,
    Id,
    LockId,
    LockOverride,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    Address,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
    EndedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    At,
    ActorId,
    ActorName,
    ActorRole,
    Address,
    Action,
    Framework,
    Target,
    Detail,
}

#[derive(DeriveIden)]
enum Locks {
    Table,
    Id,
    FrameworkId,
    Until,
    Note,
    CreatedBy,
    CreatedAt,
    ReleasedBy,
    ReleasedAt,
}

#[derive(DeriveIden)]
enum ReportReviews {
    Table,
    Id,
    ReportId,
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
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .add_column(string_len_null(Users::TotpSecret, 64))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .col(pk_auto(Sessions::Id))
                    .col(string_len_uniq(Sessions::TokenHash, 64))
                    .col(integer(Sessions::UserId))
                    .col(string_len_null(Sessions::Address, 64))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .col(timestamp_with_time_zone_null(Sessions::EndedAt))
                    .foreign_key(&mut fk(
                        Sessions::Table,
                        Sessions::UserId,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditEvents::Table)
                    .col(big_pk_auto(AuditEvents::Id))
                    .col(timestamp_with_time_zone(AuditEvents::At))
                    .col(integer_null(AuditEvents::ActorId))
                    .col(string_len_null(AuditEvents::ActorName, 100))
                    .col(string_len_null(AuditEvents::ActorRole, 16))
                    .col(string_len_null(AuditEvents::Address, 64))
                    .col(string_len(AuditEvents::Action, 40))
                    .col(string_len_null(AuditEvents::Framework, 64))
                    .col(text_null(AuditEvents::Target))
                    .col(text(AuditEvents::Detail))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_audit_events_at")
                    .table(AuditEvents::Table)
                    .col(AuditEvents::At)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Locks::Table)
                    .col(pk_auto(Locks::Id))
                    .col(integer(Locks::FrameworkId))
                    .col(date(Locks::Until))
                    .col(text_null(Locks::Note))
                    .col(integer(Locks::CreatedBy))
                    .col(timestamp_with_time_zone(Locks::CreatedAt))
                    .col(integer_null(Locks::ReleasedBy))
                    .col(timestamp_with_time_zone_null(Locks::ReleasedAt))
                    .foreign_key(&mut fk(
                        Locks::Table,
                        Locks::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        Locks::Table,
                        Locks::CreatedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ReportReviews::Table)
                    .col(pk_auto(ReportReviews::Id))
                    .col(integer_uniq(ReportReviews::ReportId))
                    .col(integer(ReportReviews::FrameworkId))
                    .col(string_len(ReportReviews::Decision, 16))
                    .col(text_null(ReportReviews::Reason))
                    .col(boolean(ReportReviews::EvidenceChecked).default(false))
                    .col(integer(ReportReviews::ReviewedBy))
                    .col(timestamp_with_time_zone(ReportReviews::ReviewedAt))
                    .foreign_key(&mut fk(
                        ReportReviews::Table,
                        ReportReviews::ReportId,
                        StatusReports::Table,
                        StatusReports::Id,
                    ))
                    .foreign_key(&mut fk(
                        ReportReviews::Table,
                        ReportReviews::FrameworkId,
                        Frameworks::Table,
                        Frameworks::Id,
                    ))
                    .foreign_key(&mut fk(
                        ReportReviews::Table,
                        ReportReviews::ReviewedBy,
                        Users::Table,
                        Users::Id,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_report_reviews_framework")
                    .table(ReportReviews::Table)
                    .col(ReportReviews::FrameworkId)
                    .col(ReportReviews::Id)
                    .to_owned(),
            )
            .await?;

        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(StatusReports::Table)
                    .add_column(integer_null(StatusReports::LockId))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(StatusReports::Table)
                    .add_column(boolean(StatusReports::LockOverride).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [StatusReports::LockOverride, StatusReports::LockId] {
            manager
                .alter_table(
                    Table::alter()
                        .table(StatusReports::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for table in [
            ReportReviews::Table.into_iden(),
            Locks::Table.into_iden(),
            AuditEvents::Table.into_iden(),
            Sessions::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Users::Table)
                    .drop_column(Users::TotpSecret)
                    .to_owned(),
            )
            .await
    }
}
