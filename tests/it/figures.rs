//! Progress, comparison and timeline over HTTP (being written).
