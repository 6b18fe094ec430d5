//! The layers of DESIGN.md §5, checked by reading the sources: sea-orm only in `store` (and the
//! `entity`/`migration` crates), axum only at the HTTP edge (`server`, `http`, `web`, `edge`),
//! `http` and `web` never importing each other, pages never reaching past the service, and a
//! pure engine and domain.

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("read source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

/// Source files under `src/` that mention any of `needles`, outside the allowed top-level
/// modules.
fn offenders(needles: &[&str], allowed: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    rust_files(&src)
        .into_iter()
        .filter(|path| {
            let relative = path.strip_prefix(&src).expect("under src");
            let top = relative
                .components()
                .next()
                .and_then(|c| c.as_os_str().to_str())
                .unwrap_or_default()
                .trim_end_matches(".rs")
                .to_owned();
            !allowed.contains(&top.as_str())
        })
        .filter(|path| {
            let text = std::fs::read_to_string(path).expect("read source");
            needles.iter().any(|needle| text.contains(needle))
        })
        .map(|path| path.display().to_string())
        .collect()
}

#[test]
fn sea_orm_is_used_only_in_the_store() {
    assert_eq!(
        offenders(
            &["sea_orm", "sea_query", "sqlx", "entity::", "migration::"],
            &["store"]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn axum_is_used_only_at_the_http_edge() {
    assert_eq!(
        offenders(
            &["axum", "tower_http", "tower::", "hyper::", "hyper_util"],
            &["server", "http", "web", "edge"]
        ),
        Vec::<String>::new()
    );
}

/// The files under `src/{layer}` that mention any of `needles`.
fn mentions(layer: &str, needles: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(layer);
    rust_files(&src)
        .into_iter()
        .filter_map(|path| {
            let text = std::fs::read_to_string(&path).expect("read source");
            let found: Vec<&str> = needles
                .iter()
                .copied()
                .filter(|needle| text.contains(needle))
                .collect();
            (!found.is_empty()).then(|| format!("{} uses {}", path.display(), found.join(", ")))
        })
        .collect()
}

#[test]
fn the_api_and_the_pages_never_import_each_other_and_pages_go_through_the_service() {
    // `server` mounts both; what both need is in `edge`, below them.
    assert_eq!(
        mentions("http", &["crate::web", "crate::server"]),
        Vec::<String>::new()
    );
    assert_eq!(
        mentions("web", &["crate::http", "crate::server", "crate::store"]),
        Vec::<String>::new()
    );
    assert_eq!(
        mentions(
            "edge",
            &["crate::http", "crate::web", "crate::server", "crate::store"]
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        mentions(
            "service",
            &["crate::http", "crate::web", "crate::server", "crate::edge"]
        ),
        Vec::<String>::new()
    );
}

#[test]
fn the_engine_and_domain_are_pure() {
    let impure = [
        "sea_orm",
        "axum",
        "tokio",
        "std::fs",
        "std::net",
        "std::io",
        "Utc::now",
        "Local::now",
        "SystemTime",
        "Instant::now",
        "reqwest",
        "crate::store",
        "crate::service",
        "crate::http",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    for layer in ["engine", "domain"] {
        for path in rust_files(&src.join(layer)) {
            let text = std::fs::read_to_string(&path).expect("read source");
            for needle in impure {
                if text.contains(needle) {
                    found.push(format!("{} uses {needle}", path.display()));
                }
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn the_report_renders_without_io_or_the_clock() {
    // Rendering is plain data in, bytes out: the generation time is part of the data, the font
    // and templates are compiled in. Test modules (which write samples for people) are skipped.
    let impure = [
        "sea_orm",
        "axum",
        "tokio",
        "std::fs",
        "std::net",
        "Utc::now",
        "Local::now",
        "SystemTime",
        "Instant::now",
        "crate::store",
        "crate::service",
        "crate::http",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/report");
    let mut found = Vec::new();
    for path in rust_files(&src) {
        // A test module in a file of its own (`#[cfg(test)] mod tests;` beside it) is skipped.
        let is_test_file = path.file_name().is_some_and(|n| n == "tests.rs")
            && path.parent().is_some_and(|dir| {
                std::fs::read_to_string(dir.join("mod.rs"))
                    .is_ok_and(|m| m.contains("#[cfg(test)]\nmod tests;"))
            });
        if is_test_file {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read source");
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for needle in impure {
            if code.contains(needle) {
                found.push(format!("{} uses {needle}", path.display()));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn files_are_read_and_written_without_io_the_database_or_the_clock() {
    // `transfer` turns bytes into rows and rows into bytes (like `report`): the service reads
    // the clock, the store the database, the CLI and HTTP the files and uploads.
    let impure = [
        "sea_orm",
        "axum",
        "tokio",
        "std::fs",
        "std::net",
        "std::env",
        "Utc::now",
        "Local::now",
        "SystemTime",
        "Instant::now",
        "crate::store",
        "crate::service",
        "crate::http",
        "crate::cli",
    ];
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/transfer");
    let mut found = Vec::new();
    let files = rust_files(&src);
    assert!(files.len() >= 5, "src/transfer holds the file formats");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("read source");
        let code = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for needle in impure {
            if code.contains(needle) {
                found.push(format!("{} uses {needle}", path.display()));
            }
        }
    }
    assert_eq!(found, Vec::<String>::new());
}
