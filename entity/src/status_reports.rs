//! The `status_reports` table.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "status_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub framework_id: i32,
    pub measure_id: i32,
    /// `ASEAN` or a member state alpha-3 code.
    pub scope: String,
    pub status: String,
    pub progress: Option<i16>,
    pub effective_date: Date,
    pub note: Option<String>,
    pub evidence_url: Option<String>,
    pub recorded_by: Option<i32>,
    pub recorded_at: DateTimeUtc,
    /// The lock in force on the framework when the report was recorded.
    pub lock_id: Option<i32>,
    /// Recorded by an admin inside a locked period.
    pub lock_override: bool,
    /// The returned report this one corrects (a correction after a return).
    pub corrects_report_id: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
