//! An acknowledged write survives a crash: the real binary serves, clients write concurrently,
//! the server is killed with SIGKILL mid-load, restarted on the same database, and every report
//! that was answered 201 is there.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::TestDb;

const CLIENTS: usize = 16;
const MEASURES: [&str; 4] = ["1.1.1", "1.1.2", "1.1.3", "2.1.1"];
const SCOPES: [&str; 4] = ["ASEAN", "VNM", "THA", "TLS"];

/// Starts `blueprint-tracker serve` on a free port; returns the process and its base URL.
pub(crate) fn start_server(database_url: &str) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["serve", "--bind", "127.0.0.1:0", "--write-rate", "0"])
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start the server");
    let stdout = child.stdout.take().expect("server stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("server announces its address");
    let base = line
        .trim()
        .rsplit(' ')
        .next()
        .expect("an address")
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{line}");
    (child, base)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_report_survives_a_sigkill() {
    let (_db, database_url) = TestDb::fresh().await;
    let token = crate::faults::secretariat_token(&database_url).await;
    let (mut server, base) = start_server(&database_url);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();

    // Arrange: 16 clients write single reports as fast as they are acknowledged.
    let deadline = Instant::now() + Duration::from_millis(1500);
    let writers: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (client, base, token) = (client.clone(), base.clone(), token.clone());
            tokio::spawn(async move {
                let mut acknowledged = Vec::new();
                let mut i = c;
                loop {
                    let body = json!({
                        "measure": MEASURES[i % MEASURES.len()],
                        "scope": SCOPES[(i / MEASURES.len()) % SCOPES.len()],
                        "status": "ongoing",
                        "progress": i % 101,
                        "effective_date": "2026-06-30",
                        "note": format!("client {c} write {i}"),
                    });
                    let sent = client
                        .post(format!(
                            "{base}/api/v1/frameworks/ascc-strategic-plan/status"
                        ))
                        .bearer_auth(&token)
                        .json(&body)
                        .send()
                        .await;
                    // After the kill, requests fail: stop at the first failure.
                    let Ok(response) = sent else { break };
                    if response.status() != 201 {
                        break;
                    }
                    let Ok(stored) = response.json::<Value>().await else {
                        break;
                    };
                    acknowledged.push(stored["id"].as_i64().expect("an id"));
                    i += CLIENTS;
                }
                acknowledged
            })
        })
        .collect();

    // Act: kill the server with SIGKILL while the clients are writing.
    tokio::time::sleep_until(deadline.into()).await;
    server.kill().expect("SIGKILL the server");
    server.wait().expect("reap the server");
    let mut acknowledged = BTreeSet::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    let (mut restarted, base) = start_server(&database_url);
    // Every report of the measures written, by id.
    let found: BTreeSet<i64> = crate::faults::stored_notes(&base)
        .await
        .into_keys()
        .collect();
    restarted.kill().ok();
    restarted.wait().ok();

    eprintln!(
        "durability: {} acknowledged, {} found after restart",
        acknowledged.len(),
        found.len()
    );
    // Assert: nothing acknowledged was lost (a write in flight at the kill may also be there).
    assert!(
        acknowledged.len() > 50,
        "the load was real: {} writes acknowledged",
        acknowledged.len()
    );
    let lost: Vec<_> = acknowledged.difference(&found).collect();
    assert!(
        lost.is_empty(),
        "{} of {} acknowledged reports lost: {lost:?}",
        lost.len(),
        acknowledged.len()
    );
    assert!(found.len() <= acknowledged.len() + CLIENTS);
}
