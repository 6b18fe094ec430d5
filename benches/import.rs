//! Importing 100,000 status reports (issue "Import and export": at most 2 s from CSV). Each
//! run starts from a fresh SQLite file holding the synthetic framework (2,000 measures × 12
//! scopes, no report yet) and imports the same 100,000 rows (5 dates per pair, a note on every
//! tenth row), through the service as the CLI and the API do; the file is already in memory.
//! Beside it, for comparison: the same rows as XLSX, the CSV as the terminal (no validation on
//! entry), a dry run (read and check only), the JSON API's bulks of 10,000 (`POST …/status`
//! through the same service, ten of them), and the whole `blueprint-tracker import status`
//! process (release binary: start, open the database, import). Prints medians.
//!
//! `cargo bench --bench import` (add `-- --runs 3` for fewer runs)

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark on fixed, generated data: a failure is a bug to see at once"
)]

use std::time::{Duration, Instant};

use blueprint_tracker::demo::synthetic;
use blueprint_tracker::domain::{Actor, Role};
use blueprint_tracker::service::{ImportFile, ImportOptions, NewAccount, Quiet, Tracker};
use blueprint_tracker::transfer::{Cell, Sheet, csv_bytes, xlsx_bytes};
use chrono::NaiveDate;

const REPORTS: usize = 100_000;
const MEASURES: usize = 2_000;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// The 100,000 rows: every measure × scope at five month ends, a note on every tenth.
fn sheet() -> Sheet {
    let scopes: Vec<&str> = [
        "ASEAN", "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM",
    ]
    .to_vec();
    let dates: Vec<NaiveDate> = [(1, 31), (3, 31), (5, 31), (7, 31), (9, 30)]
        .iter()
        .map(|&(m, d)| NaiveDate::from_ymd_opt(2026, m, d).unwrap())
        .collect();
    let mut rows = Vec::with_capacity(REPORTS);
    'all: for (k, date) in dates.iter().enumerate() {
        for i in 0..MEASURES {
            for (s, scope) in scopes.iter().enumerate() {
                if rows.len() == REPORTS {
                    break 'all;
                }
                let n = rows.len();
                let (status, progress) = match (i + s + k) % 4 {
                    0 => ("completed", Cell::Empty),
                    1 => ("ongoing", Cell::Int(((i * 7 + k * 13) % 101) as i64)),
                    2 => ("ongoing", Cell::Empty),
                    _ => ("not_started", Cell::Empty),
                };
                rows.push(vec![
                    Cell::text(synthetic::SYNTHETIC_FRAMEWORK),
                    Cell::text(synthetic::measure_code(i)),
                    Cell::text(*scope),
                    Cell::text(status),
                    progress,
                    Cell::Date(*date),
                    if n % 10 == 0 {
                        Cell::text(format!("Reported at the {date} review, row {n}"))
                    } else {
                        Cell::Empty
                    },
                    Cell::Empty,
                ]);
            }
        }
    }
    Sheet {
        name: "status".into(),
        columns: blueprint_tracker::transfer::status::COLUMNS
            .iter()
            .map(|c| (*c).to_owned())
            .collect(),
        rows,
        ..Sheet::default()
    }
}

/// A fresh database with the synthetic framework and no report; the tracker and the folder.
async fn fresh() -> (Tracker, tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("b.db").display());
    let (tracker, _) = Tracker::open(&url).await.unwrap();
    tracker.load_synthetic(MEASURES, 0).await.unwrap();
    (tracker, dir, url)
}

async fn secretariat(tracker: &Tracker) -> Actor {
    let (user, _) = tracker
        .add_account(&NewAccount {
            name: "bench".into(),
            role: Role::Secretariat,
            state: None,
            password: None,
            email: None,
        })
        .await
        .unwrap();
    Actor::new(user, None)
}

#[derive(Clone, Copy, PartialEq)]
enum Way {
    CsvSecretariat,
    CsvTerminal,
    XlsxSecretariat,
    DryRun,
    JsonBulks,
}

async fn once(way: Way, csv: &[u8], xlsx: &[u8], bulks: &[serde_json::Value]) -> Duration {
    let (tracker, _dir, _) = fresh().await;
    let actor = secretariat(&tracker).await;
    let started = Instant::now();
    let stored = match way {
        Way::JsonBulks => {
            let mut stored = 0;
            for bulk in bulks {
                match tracker
                    .record(&actor, synthetic::SYNTHETIC_FRAMEWORK, bulk.clone(), false)
                    .await
                    .unwrap()
                {
                    blueprint_tracker::service::Recorded::Many(r) => stored += r.len(),
                    blueprint_tracker::service::Recorded::One(_) => stored += 1,
                }
            }
            stored
        }
        _ => {
            let (bytes, name) = if way == Way::XlsxSecretariat {
                (xlsx, "b.xlsx")
            } else {
                (csv, "b.csv")
            };
            let who = (way != Way::CsvTerminal).then_some(&actor);
            tracker
                .import_status(
                    who,
                    None,
                    ImportFile {
                        name: Some(name),
                        bytes,
                    },
                    ImportOptions {
                        dry_run: way == Way::DryRun,
                        override_lock: false,
                    },
                    &Quiet,
                )
                .await
                .unwrap()
                .stored
        }
    };
    let elapsed = started.elapsed();
    assert_eq!(stored, REPORTS);
    if way != Way::DryRun {
        assert_eq!(
            tracker.store().count_status_reports().await.unwrap(),
            REPORTS as u64
        );
    }
    elapsed
}

/// The whole command: `blueprint-tracker import status FILE` on a prepared database.
async fn command(file: &std::path::Path) -> Duration {
    let (tracker, _dir, url) = fresh().await;
    tracker.store().clone().close().await.unwrap();
    let started = Instant::now();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["import", "status"])
        .arg(file)
        .env("DATABASE_URL", &url)
        .output()
        .expect("run the binary");
    let elapsed = started.elapsed();
    assert!(output.status.success(), "{output:?}");
    elapsed
}

fn main() {
    let runs = std::env::args()
        .skip_while(|a| a != "--runs")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5usize);
    let sheet = sheet();
    let csv = csv_bytes(&sheet).unwrap();
    let xlsx = xlsx_bytes(std::slice::from_ref(&sheet)).unwrap();
    let bulks: Vec<serde_json::Value> = csv::Reader::from_reader(csv.as_slice())
        .records()
        .map(|r| {
            let r = r.unwrap();
            let mut report = serde_json::json!({
                "measure": &r[1], "scope": &r[2], "status": &r[3], "effective_date": &r[5],
            });
            if !r[4].is_empty() {
                report["progress"] = serde_json::json!(r[4].parse::<u8>().unwrap());
            }
            if !r[6].is_empty() {
                report["note"] = serde_json::json!(&r[6]);
            }
            report
        })
        .collect::<Vec<_>>()
        .chunks(10_000)
        .map(|c| serde_json::json!({ "reports": c }))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("reports.csv");
    std::fs::write(&file, &csv).unwrap();
    println!(
        "{REPORTS} reports: CSV {:.1} MB, XLSX {:.1} MB; {runs} runs each, fresh SQLite file per run",
        csv.len() as f64 / 1e6,
        xlsx.len() as f64 / 1e6
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let ways = [
        (
            Way::CsvSecretariat,
            "CSV import, as the Secretariat (validated on entry)",
        ),
        (
            Way::CsvTerminal,
            "CSV import, as the terminal (no validation record)",
        ),
        (Way::XlsxSecretariat, "XLSX import, as the Secretariat"),
        (
            Way::DryRun,
            "CSV dry run (read, check, lock and unchanged rows; no write)",
        ),
        (
            Way::JsonBulks,
            "JSON bulks, 10 × 10,000 (POST …/status's service call)",
        ),
    ];
    println!("| how | median | min | max | reports/s (median) |");
    println!("|---|---|---|---|---|");
    for (way, label) in ways {
        let samples: Vec<Duration> = (0..runs)
            .map(|_| rt.block_on(once(way, &csv, &xlsx, &bulks)))
            .collect();
        let (min, max) = (
            *samples.iter().min().unwrap(),
            *samples.iter().max().unwrap(),
        );
        let median = median(samples);
        println!(
            "| {label} | {} | {} | {} | {:.0}k |",
            ms(median),
            ms(min),
            ms(max),
            REPORTS as f64 / median.as_secs_f64() / 1000.0
        );
    }
    let samples: Vec<Duration> = (0..runs).map(|_| rt.block_on(command(&file))).collect();
    println!(
        "| `blueprint-tracker import status` (whole process, CSV) | {} | | | |",
        ms(median(samples))
    );
}
