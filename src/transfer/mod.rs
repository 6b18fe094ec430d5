//! Files in and out (issue "Import and export"): status reports and framework trees read from
//! CSV and XLSX; templates, statuses, histories and progress figures written as CSV, XLSX and
//! SDMX-CSV. Pure, like `report`: bytes in, rows out and rows in, bytes out; no database,
//! HTTP, file system or clock (dates are parameters). Who may import, the checks against a
//! framework and the storing are the service's (`service::transfer`).

pub mod claims;
pub mod export;
pub mod framework;
pub mod indicators;
pub mod read;
pub mod status;
pub mod write;

pub use read::{CellValue, FileFormat, ReadError, Row, Table, detect_format, read_table};
pub use status::{FileIssue, StatusRow, status_rows};
pub use write::{Cell, Sheet, WriteError, csv_bytes, xlsx_bytes};
