//! Schema migrations, written with sea-query's schema DSL only (no backend-specific SQL), so the
//! same migrations build the schema on SQLite and on PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261122_000001_initial;
mod m20261123_000001_framework_revision;
mod m20261124_000001_governance;
mod m20261124_000002_retired_nodes;
mod m20261205_000001_store_probe;
mod m20261205_000002_login_failures;
mod m20261206_000001_indicators;
mod m20261207_000001_report_corrections;
mod m20261207_000002_rounds;
mod m20261208_000001_notifications;
mod m20261209_000001_claims_editions;
mod m20261210_000001_edition_issuer;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial::Migration),
            Box::new(m20261123_000001_framework_revision::Migration),
            Box::new(m20261124_000001_governance::Migration),
            Box::new(m20261124_000002_retired_nodes::Migration),
            Box::new(m20261205_000001_store_probe::Migration),
            Box::new(m20261205_000002_login_failures::Migration),
            Box::new(m20261206_000001_indicators::Migration),
            Box::new(m20261207_000001_report_corrections::Migration),
            Box::new(m20261207_000002_rounds::Migration),
            Box::new(m20261208_000001_notifications::Migration),
            Box::new(m20261209_000001_claims_editions::Migration),
            Box::new(m20261210_000001_edition_issuer::Migration),
        ]
    }
}
