//! The `locks` table: review cut-offs.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "locks")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub framework_id: i32,
    pub until: Date,
    pub note: Option<String>,
    pub created_by: i32,
    pub created_at: DateTimeUtc,
    pub released_by: Option<i32>,
    pub released_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
