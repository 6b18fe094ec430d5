//! The `indicator_observations` table: an indicator's value in one scope and year, append-only
//! (a correction is a newer row for the same year).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "indicator_observations")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub indicator_id: i32,
    pub framework_id: i32,
    /// `ASEAN` or a member state's alpha-3 code.
    pub scope: String,
    pub year: i32,
    pub value: f64,
    pub source: Option<String>,
    pub note: Option<String>,
    pub recorded_by: Option<i32>,
    pub recorded_at: DateTimeUtc,
    /// The lock in force on the framework when it was recorded, if any.
    pub lock_id: Option<i32>,
    /// Recorded by an admin inside a locked period.
    pub lock_override: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
