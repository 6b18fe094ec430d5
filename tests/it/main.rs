//! The one integration-test binary. Every test starts the real router on a real socket
//! (port 0) against its own fresh database: a SQLite file in a temporary folder, or, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, a database of its own on that server.

#![expect(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "set-up helpers outside #[test] functions: a failure to set up is a failed test"
)]

mod annexes;
mod architecture;
mod as_of;
mod authorization;
mod backup;
mod basis;
mod claim_pages;
mod claims;
mod connections;
mod demo_indicators;
mod durability;
mod executive_summary;
mod faults;
mod figures;
mod focal_home;
mod governance;
mod hardening;
mod import_pages;
mod indicator_api;
mod indicator_pages;
mod indicator_store;
mod indicator_transfer;
mod indicators;
mod notifications;
mod observation_grid;
mod openapi;
mod recording;
mod reference_data;
mod reports;
mod reports_identity;
mod returns;
mod review_desk;
mod round_pages;
mod rounds;
mod sessions;
mod support;
mod transfer;
mod validation;
mod web;
