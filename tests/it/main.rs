//! The one integration-test binary. Every test starts the real router on a real socket
//! (port 0) against its own fresh database: a SQLite file in a temporary folder, or, when
//! `TEST_DATABASE_URL` names a PostgreSQL server, a database of its own on that server.

mod architecture;
mod as_of;
mod authorization;
mod durability;
mod recording;
mod reference_data;
mod support;
mod validation;
