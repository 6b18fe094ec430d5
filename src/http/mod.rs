//! The JSON API's handlers (`/api/v1`): thin — parse, authorise, call one service function, map
//! the result. They are mounted by the `server` module; what they share with the pages (the state,
//! the problem type, the extractors) is in `edge`. Nothing here imports the pages.

pub mod admin;
pub mod answers;
pub mod api;
pub mod claims;
pub mod doc;
pub mod fields;
pub mod indicator_transfer;
pub mod indicators;
pub mod openapi;
pub mod report;
pub mod rounds;
pub mod transfer;
