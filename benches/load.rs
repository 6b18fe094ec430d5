//! Mixed load over HTTP (issue 12): `--connections` clients (50) for `--seconds` (60), each
//! sending 4 reads for every write (80% / 20%) as fast as it is answered, against the release
//! binary (`serve --demo --write-rate 0`) on a fresh SQLite file or, with `--pg`, a fresh
//! PostgreSQL database at 127.0.0.1:5432. Prints requests/s, p50/p99/max latency per kind, the
//! answers other than 2xx, the server's peak memory, and then checks that every report answered
//! 201 is stored with its own note (acknowledged-but-missing must be 0).
//!
//! ```text
//! cargo build --release && cargo bench --bench load -- [--pg] [--seconds 60] [--connections 50]
//! ```
//!
//! The reads are what a dashboard and its users ask: a state's progress per goal, the
//! comparison of every participant, a measure's status in every scope, the Blueprint's figures
//! at its end, the Strategic Plan's quarterly timeline.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark harness: a failure is a bug to see at once"
)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const FW: &str = "ascc-strategic-plan";
const READS: [&str; 5] = [
    "/api/v1/frameworks/ascc-strategic-plan/progress?scope=VNM&level=goal",
    "/api/v1/frameworks/ascc-strategic-plan/compare",
    "/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/status",
    "/api/v1/frameworks/ascc-blueprint-2025/progress?as_of=2025-12-31",
    "/api/v1/frameworks/ascc-strategic-plan/timeline?every=quarter",
];
const MEASURES: [&str; 8] = [
    "1.1.1", "1.1.3", "1.2.1", "2.1.1", "3.1.1", "4.1.1", "5.1.1", "6.1.1",
];
const SCOPES: [&str; 4] = ["ASEAN", "THA", "PHL", "TLS"];

struct Args {
    pg: bool,
    seconds: u64,
    connections: usize,
}

fn args() -> Args {
    let mut args = Args {
        pg: false,
        seconds: 60,
        connections: 50,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--pg" => args.pg = true,
            "--seconds" => args.seconds = it.next().unwrap().parse().unwrap(),
            "--connections" => args.connections = it.next().unwrap().parse().unwrap(),
            _ => {} // cargo bench passes `--bench`
        }
    }
    args
}

fn binary() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/blueprint-tracker");
    assert!(path.exists(), "run `cargo build --release` first");
    path
}

/// A fresh database: its URL, and what must live as long as it.
async fn fresh_database(pg: bool) -> (String, Option<tempfile::TempDir>) {
    if pg {
        use sea_orm::ConnectionTrait;
        let admin = sea_orm::Database::connect("postgres://postgres@127.0.0.1:5432/postgres")
            .await
            .expect("PostgreSQL at 127.0.0.1:5432");
        admin
            .execute_unprepared("DROP DATABASE IF EXISTS bt_bench_load WITH (FORCE)")
            .await
            .unwrap();
        admin
            .execute_unprepared("CREATE DATABASE bt_bench_load")
            .await
            .unwrap();
        admin.close().await.unwrap();
        (
            "postgres://postgres@127.0.0.1:5432/bt_bench_load".to_owned(),
            None,
        )
    } else {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("load.db").display());
        (url, Some(dir))
    }
}

fn token(url: &str) -> String {
    let out = Command::new(binary())
        .args(["user", "add", "asec", "--role", "secretariat"])
        .env("DATABASE_URL", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned()
}

fn serve(url: &str) -> (Child, String) {
    let mut child = Command::new(binary())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--write-rate",
            "0",
            "--demo",
        ])
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    (child, base)
}

/// The server's peak resident memory (Linux `VmHWM`), in MB.
fn peak_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

#[derive(Default)]
struct Kind {
    latencies: Vec<Duration>,
    /// Answers that were not 2xx, by status.
    other: BTreeMap<u16, usize>,
    /// Requests that got no answer at all.
    failed: usize,
}

#[derive(Default)]
struct Client {
    reads: Kind,
    writes: Kind,
    acknowledged: BTreeMap<i64, String>,
}

async fn run_client(c: usize, base: String, token: String, stop: Arc<AtomicBool>) -> Client {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(1)
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let mut out = Client::default();
    let mut n = c;
    while !stop.load(Ordering::Relaxed) {
        n += 1;
        let write = n.is_multiple_of(5);
        let started = Instant::now();
        if write {
            let note = format!("load: client {c} request {n}");
            let body = json!({
                "measure": MEASURES[n / 5 % MEASURES.len()],
                "scope": SCOPES[n / 40 % SCOPES.len()],
                "status": "ongoing",
                "progress": n % 101,
                "effective_date": "2026-09-30",
                "note": note,
            });
            let sent = http
                .post(format!("{base}/api/v1/frameworks/{FW}/status"))
                .bearer_auth(&token)
                .json(&body)
                .send()
                .await;
            match sent {
                Ok(response) if response.status() == 201 => {
                    let stored: Value = response.json().await.unwrap();
                    out.writes.latencies.push(started.elapsed());
                    out.acknowledged
                        .insert(stored["id"].as_i64().unwrap(), note);
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let _ = response.bytes().await;
                    out.writes.latencies.push(started.elapsed());
                    *out.writes.other.entry(status).or_default() += 1;
                }
                Err(_) => out.writes.failed += 1,
            }
        } else {
            let path = READS[n % READS.len()];
            match http.get(format!("{base}{path}")).send().await {
                Ok(response) => {
                    let status = response.status();
                    let _ = response.bytes().await;
                    out.reads.latencies.push(started.elapsed());
                    if !status.is_success() {
                        *out.reads.other.entry(status.as_u16()).or_default() += 1;
                    }
                }
                Err(_) => out.reads.failed += 1,
            }
        }
    }
    out
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn row(name: &str, kind: &mut Kind, seconds: f64) {
    kind.latencies.sort();
    let l = &kind.latencies;
    let server_errors: usize = kind
        .other
        .iter()
        .filter(|(s, _)| **s >= 500)
        .map(|(_, n)| n)
        .sum();
    println!(
        "| {name} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {server_errors} | {:?} | {} |",
        l.len(),
        l.len() as f64 / seconds,
        percentile(l, 0.5),
        percentile(l, 0.99),
        percentile(l, 1.0),
        kind.other,
        kind.failed,
    );
}

/// Every (id, note) stored for the measures written.
async fn stored(base: &str) -> BTreeMap<i64, String> {
    let http = reqwest::Client::new();
    let mut found = BTreeMap::new();
    for measure in MEASURES {
        let history: Value = http
            .get(format!(
                "{base}/api/v1/frameworks/{FW}/measures/{measure}/history"
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for r in history["reports"].as_array().unwrap() {
            found.insert(
                r["id"].as_i64().unwrap(),
                r["note"].as_str().unwrap_or_default().to_owned(),
            );
        }
    }
    found
}

#[tokio::main]
async fn main() {
    let args = args();
    let (url, _dir) = fresh_database(args.pg).await;
    let token = token(&url);
    let (mut server, base) = serve(&url);
    let backend = if args.pg { "PostgreSQL" } else { "SQLite" };
    eprintln!(
        "load: {backend}, {} connections, {} s, 80% reads / 20% writes, server at {base}",
        args.connections, args.seconds
    );
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let clients: Vec<_> = (0..args.connections)
        .map(|c| {
            tokio::spawn(run_client(
                c,
                base.clone(),
                token.clone(),
                Arc::clone(&stop),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_secs(args.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let mut reads = Kind::default();
    let mut writes = Kind::default();
    let mut acknowledged = BTreeMap::new();
    for client in clients {
        let c = client.await.unwrap();
        reads.latencies.extend(c.reads.latencies);
        writes.latencies.extend(c.writes.latencies);
        for (s, n) in c.reads.other {
            *reads.other.entry(s).or_default() += n;
        }
        for (s, n) in c.writes.other {
            *writes.other.entry(s).or_default() += n;
        }
        reads.failed += c.reads.failed;
        writes.failed += c.writes.failed;
        acknowledged.extend(c.acknowledged);
    }
    let seconds = started.elapsed().as_secs_f64();
    let peak = peak_mb(server.id());
    let found = stored(&base).await;
    server.kill().ok();
    server.wait().ok();
    let missing = acknowledged
        .iter()
        .filter(|(id, note)| found.get(id) != Some(note))
        .count();
    println!(
        "\n{backend}: {} connections, {seconds:.1} s\n",
        args.connections
    );
    println!(
        "| kind | requests | per second | p50 ms | p99 ms | max ms | 5xx | not 2xx | no answer |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---|---:|");
    let total = reads.latencies.len() + writes.latencies.len();
    row("read", &mut reads, seconds);
    row("write", &mut writes, seconds);
    println!(
        "\nall: {total} requests, {:.0}/s; acknowledged writes {}, acknowledged but missing {missing}; server peak memory {} MB",
        total as f64 / seconds,
        acknowledged.len(),
        peak.map_or("?".to_owned(), |mb| format!("{mb:.0}")),
    );
    assert_eq!(missing, 0, "acknowledged reports are missing");
}
