//! A 201 is a promise: the real binary serves many concurrent writers while its database
//! fails under it — SQLite on a file system that fills up, PostgreSQL with its backends
//! terminated — and afterwards every report answered 201 is found with its own content, every
//! failure was a 503 problem (never a 500), and the next write after the fault succeeds without
//! a restart.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use blueprint_tracker::domain::Role;
use serde_json::{Value, json};

use crate::durability::start_server;
use crate::support::TestDb;

const MEASURES: [&str; 4] = ["1.1.1", "1.1.2", "1.1.3", "2.1.1"];
const SCOPES: [&str; 4] = ["ASEAN", "VNM", "THA", "TLS"];

/// What the writers saw.
#[derive(Default, Debug)]
struct Tally {
    /// Report id → the note it was sent with (unique per write).
    acknowledged: BTreeMap<i64, String>,
    /// 503 answers, by problem code.
    unavailable: BTreeMap<String, usize>,
    /// Anything else: status and body.
    other: Vec<String>,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.acknowledged.extend(other.acknowledged);
        for (code, n) in other.unavailable {
            *self.unavailable.entry(code).or_default() += n;
        }
        self.other.extend(other.other);
    }

    fn failures(&self) -> usize {
        self.unavailable.values().sum()
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// One write; what it was answered goes into `tally`.
async fn write_one(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    note: String,
    i: usize,
    tally: &mut Tally,
) -> u16 {
    let body = json!({
        "measure": MEASURES[i % MEASURES.len()],
        "scope": SCOPES[(i / MEASURES.len()) % SCOPES.len()],
        "status": "ongoing",
        "progress": i % 101,
        "effective_date": "2026-06-30",
        "note": note,
    });
    let response = match client
        .post(format!(
            "{base}/api/v1/frameworks/ascc-strategic-plan/status"
        ))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
    {
        Ok(response) => response,
        Err(e) => {
            tally.other.push(format!("no answer: {e}"));
            return 0;
        }
    };
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").cloned();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    match status {
        201 => {
            let id = answer["id"].as_i64().expect("a stored report has an id");
            assert_eq!(
                answer["note"],
                json!(note),
                "the stored report is the one sent"
            );
            tally.acknowledged.insert(id, note);
        }
        503 if answer["code"] == "store_unavailable" => {
            assert!(
                retry_after.is_some(),
                "503 store_unavailable has Retry-After"
            );
            *tally
                .unavailable
                .entry("store_unavailable".to_owned())
                .or_default() += 1;
        }
        503 => {
            *tally
                .unavailable
                .entry(answer["code"].as_str().unwrap_or("?").to_owned())
                .or_default() += 1;
        }
        _ => tally.other.push(format!("{status}: {answer}")),
    }
    status
}

/// `clients` writers, each writing as fast as it is answered until `stop` is set.
fn start_writers(
    clients: usize,
    base: &str,
    token: &str,
    stop: &Arc<AtomicBool>,
) -> Vec<tokio::task::JoinHandle<Tally>> {
    (0..clients)
        .map(|c| {
            let (client, base, token, stop) = (
                client(),
                base.to_owned(),
                token.to_owned(),
                Arc::clone(stop),
            );
            tokio::spawn(async move {
                let mut tally = Tally::default();
                let mut i = c;
                while !stop.load(Ordering::Relaxed) {
                    let note = format!("fault test: client {c} write {i}");
                    if write_one(&client, &base, &token, note, i, &mut tally).await == 0 {
                        // The server stopped answering at all: that is a failure of its own.
                        break;
                    }
                    i += clients;
                }
                tally
            })
        })
        .collect()
}

async fn join(writers: Vec<tokio::task::JoinHandle<Tally>>) -> Tally {
    let mut tally = Tally::default();
    for writer in writers {
        tally.merge(writer.await.unwrap());
    }
    tally
}

/// Every (id, note) of the framework's reports, read through a fresh server on the database.
pub(crate) async fn stored_notes(base: &str) -> BTreeMap<i64, String> {
    let client = client();
    let mut found = BTreeMap::new();
    for measure in MEASURES {
        let history: Value = client
            .get(format!(
                "{base}/api/v1/frameworks/ascc-strategic-plan/measures/{measure}/history"
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

/// Prints the run's counts and asserts what a fault must never do: answer other than 201 or
/// 503, or lose a report it acknowledged (found again with its own note).
fn assert_nothing_lost(run: &str, tally: &Tally, found: &BTreeMap<i64, String>, at_least: usize) {
    eprintln!(
        "{run}: {} acknowledged, {} answered 503 {:?}, {} other; {} reports stored",
        tally.acknowledged.len(),
        tally.failures(),
        tally.unavailable,
        tally.other.len(),
        found.len()
    );
    assert!(tally.other.is_empty(), "only 201 or 503: {:?}", tally.other);
    assert!(tally.acknowledged.len() > at_least, "the load was real");
    let lost: Vec<i64> = tally
        .acknowledged
        .iter()
        .filter(|(id, note)| found.get(id) != Some(note))
        .map(|(id, _)| *id)
        .collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged reports lost: {lost:?}",
        lost.len(),
        tally.acknowledged.len()
    );
}

/// A Secretariat account's API token, created before the server starts.
pub(crate) async fn secretariat_token(database_url: &str) -> String {
    account_token(database_url, "asec", Role::Secretariat, None).await
}

/// A new account's API token, created before the server starts.
async fn account_token(database_url: &str, name: &str, role: Role, state: Option<&str>) -> String {
    let (tracker, _) = blueprint_tracker::service::Tracker::open(database_url)
        .await
        .unwrap();
    let account = blueprint_tracker::service::NewAccount {
        name: name.into(),
        role,
        state: state.map(|s| s.parse().unwrap()),
        password: None,
        email: None,
    };
    let token = tracker.add_account(&account).await.unwrap().1;
    tracker.store().clone().close().await.unwrap();
    token
}

/// A POST's status and problem code (if any).
async fn post(base: &str, path: &str, token: &str, body: &Value) -> (u16, Value) {
    let response = client()
        .post(format!(
            "{base}/api/v1/frameworks/ascc-strategic-plan/{path}"
        ))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Readiness asked until it answers 200, for at most 10 s: on a loaded machine (CI runs the
/// whole suite on 2 cores) the test write can wait past the 2 s readiness timeout behind 16
/// writers at full speed, and a momentary 503 then says nothing about the fault under test.
async fn ready_within_10s(base: &str) -> (u16, Value) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let answer = readiness(base).await;
        if answer.0 == 200 || tokio::time::Instant::now() >= deadline {
            return answer;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn stop_server(mut server: Child) {
    server.kill().ok();
    server.wait().ok();
}

async fn readiness(base: &str) -> (u16, Value) {
    let response = client().get(format!("{base}/readyz")).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A small tmpfs mounted for the test; unmounted when dropped.
struct SmallDisk {
    mount: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` when this machine does not let the test mount a file system (not root).
    fn mount(megabytes: u32) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let mount = dir.path().join("disk");
        std::fs::create_dir(&mount).unwrap();
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&mount)
            .status()
            .is_ok_and(|s| s.success());
        mounted.then_some(Self { mount, _dir: dir })
    }

    /// Writes a file until the file system is full.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.mount.join("filler");
        let mut file = std::fs::File::create(&path).unwrap();
        let chunk = vec![0u8; 4096];
        while file
            .write_all(&chunk)
            .and_then(|()| file.sync_all())
            .is_ok()
        {}
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("tracker.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_under_sqlite_loses_no_acknowledged_report_and_writes_resume_without_a_restart()
{
    let Some(disk) = SmallDisk::mount(12) else {
        eprintln!(
            "SKIPPED: mounting a small tmpfs needs root (CAP_SYS_ADMIN); CI runs this test as root"
        );
        return;
    };
    let database_url = sqlite_url(&disk.mount);
    let token = secretariat_token(&database_url).await;
    let vnm = account_token(&database_url, "vnm", Role::FocalPoint, Some("VNM")).await;
    let (server, base) = start_server(&database_url);
    // A focal point's report that waits for the Secretariat's review.
    let to_review = |note: &str| {
        json!({"measure": "1.1.2", "scope": "VNM", "status": "ongoing",
               "effective_date": "2026-06-30", "note": note})
    };
    let (status, waiting) = post(&base, "status", &vnm, &to_review("to validate")).await;
    assert_eq!(status, 201);
    let validate = format!("reports/{}/validate", waiting["id"]);
    let checked = json!({"evidence_checked": true});
    let lock = json!({"until": "2026-01-31", "note": "cut-off"});

    // Arrange: 16 writers at full speed on a healthy disk.
    let stop = Arc::new(AtomicBool::new(false));
    let writers = start_writers(16, &base, &token, &stop);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let (ready, problem) = ready_within_10s(&base).await;
    assert_eq!(ready, 200, "ready before the fault: {problem}");

    // Act: the disk fills up under them, and stays full for a while.
    let filler = disk.fill();
    let client = client();
    let mut during = Tally::default();
    let mut not_ready = None;
    for i in 0..200 {
        let status = write_one(
            &client,
            &base,
            &token,
            format!("fault test: probe {i}"),
            i,
            &mut during,
        )
        .await;
        // Right after a write failed, readiness says so (a small write may still slip into
        // space SQLite already holds, so ask again after the next failure if it did).
        if status == 503 {
            let (ready, problem) = readiness(&base).await;
            if ready == 503 {
                not_ready = Some((ready, problem));
                break;
            }
        }
    }
    // The other write paths under the same fault.
    let validated_during = post(&base, &validate, &token, &checked).await;
    let locked_during = post(&base, "locks", &token, &lock).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut tally = join(writers).await;
    tally.merge(during);

    // The fault ends: space comes back. The next write succeeds, with no restart.
    std::fs::remove_file(&filler).unwrap();
    let mut after = Tally::default();
    let status = write_one(
        &client,
        &base,
        &token,
        "fault test: first write after the disk has room again".to_owned(),
        1,
        &mut after,
    )
    .await;
    assert_eq!(status, 201, "the first write after the fault: {after:?}");
    let (ready, problem) = ready_within_10s(&base).await;
    assert_eq!(ready, 200, "ready again after the fault: {problem}");
    tally.merge(after);
    // What failed under the fault is done again; what succeeded is not.
    let validated_after = if validated_during.0 == 503 {
        Some(post(&base, &validate, &token, &checked).await)
    } else {
        None
    };
    let locked_after = if locked_during.0 == 503 {
        Some(post(&base, "locks", &token, &lock).await)
    } else {
        None
    };
    stop_server(server);

    // Assert: every acknowledged report is stored with its own content; failures were 503s.
    let (restarted, base) = start_server(&database_url);
    let found = stored_notes(&base).await;
    let locks: Value = client
        .get(format!(
            "{base}/api/v1/frameworks/ascc-strategic-plan/locks"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let history: Value = client
        .get(format!(
            "{base}/api/v1/frameworks/ascc-strategic-plan/measures/1.1.2/history?scope=VNM"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    stop_server(restarted);
    assert_nothing_lost("full disk (SQLite)", &tally, &found, 20);
    assert!(tally.failures() > 0, "the disk really filled up");
    let (ready, problem) = not_ready.expect("readiness said 503 while writes failed");
    assert_eq!(ready, 503, "not ready while writes fail: {problem}");
    assert_eq!(problem["code"], "not_ready");
    // The other write paths under the fault: stored and acknowledged, or 503 and not stored —
    // a small write may still fit in space SQLite already holds. Never a 500, never a lie.
    for (what, (status, problem), ok) in [
        ("a validation", &validated_during, 200),
        ("a lock", &locked_during, 201),
    ] {
        assert!(
            *status == ok || (*status == 503 && problem["code"] == "store_unavailable"),
            "{what} while the disk is full: {status} {problem}"
        );
    }
    for (what, after, ok) in [
        ("validated", &validated_after, 200),
        ("locked", &locked_after, 201),
    ] {
        if let Some((status, answer)) = after {
            assert_eq!(*status, ok, "{what} after the fault: {answer}");
        }
    }
    // Exactly what was acknowledged is stored: one lock, the report validated.
    assert_eq!(locks["locks"].as_array().unwrap().len(), 1, "{locks}");
    let waiting = history["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == waiting["id"])
        .expect("the report to validate");
    assert_eq!(waiting["validation"]["state"], "validated", "{waiting}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn terminated_postgresql_backends_lose_no_acknowledged_report_and_writes_resume_without_a_restart()
 {
    let (db, database_url) = TestDb::fresh().await;
    let TestDb::Postgres { admin_url, name } = &db else {
        eprintln!("SKIPPED on SQLite: this test needs TEST_DATABASE_URL=postgres://… (CI runs it)");
        return;
    };
    let token = secretariat_token(&database_url).await;
    let (server, base) = start_server(&database_url);
    let admin = sea_orm::Database::connect(admin_url.as_str())
        .await
        .unwrap();

    // Arrange: 50 writers at full speed.
    let stop = Arc::new(AtomicBool::new(false));
    let writers = start_writers(50, &base, &token, &stop);
    tokio::time::sleep(Duration::from_millis(700)).await;

    // Act: terminate every backend of the server's database, again and again, for 4 s.
    let mut terminated = 0;
    for _ in 0..16 {
        use sea_orm::ConnectionTrait;
        let rows = admin
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Postgres,
                format!(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                     WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                ),
            ))
            .await
            .unwrap();
        terminated += rows.len();
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    let mut tally = join(writers).await;

    // The fault ends: the next write succeeds, with no restart.
    let mut after = Tally::default();
    let status = write_one(
        &client(),
        &base,
        &token,
        "fault test: first write after the terminations".to_owned(),
        1,
        &mut after,
    )
    .await;
    assert_eq!(status, 201, "the first write after the fault: {after:?}");
    let (ready, problem) = ready_within_10s(&base).await;
    assert_eq!(ready, 200, "ready after the fault: {problem}");
    tally.merge(after);
    stop_server(server);

    // Assert
    let (restarted, base) = start_server(&database_url);
    let found = stored_notes(&base).await;
    stop_server(restarted);
    admin.close().await.ok();
    assert!(terminated > 0, "backends were terminated");
    assert_nothing_lost(
        &format!("terminated backends (PostgreSQL, {terminated} terminations)"),
        &tally,
        &found,
        50,
    );
}
