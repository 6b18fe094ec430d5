//! Notifications (issue 16, item 4) against a real SMTP server: aiosmtpd on 127.0.0.1, started
//! by the test as a child process writing a maildir (installed into `target/pydeps` with pip
//! when Python lacks it). A returned report is mailed to its state's focal point with the
//! reason and a link; an overdue round is announced once however often the scan runs; a
//! refused return writes no outbox row; with the SMTP server down the row waits with its
//! retry bookkeeping and goes out once the server is back; `notify --dry-run` lists the
//! messages; the background task delivers a round's returned submission.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use blueprint_tracker::domain::{NoticeKind, Role};
use blueprint_tracker::mail::SmtpMailer;
use blueprint_tracker::service::{DeliveryPolicy, now};
use chrono::Days;
use sea_orm::{Database, DatabaseConnection, EntityTrait};
use serde_json::json;

use crate::support::{TestApp, assert_problem};

const SP: &str = "/api/v1/frameworks/ascc-strategic-plan";
const THA_EMAIL: &str = "focal.tha@example.org";

/// The PYTHONPATH that makes `aiosmtpd` importable: none when Python has it, else a folder
/// under `target/` where pip installed it (once per test run).
fn python_path() -> Option<PathBuf> {
    static PATH: OnceLock<Option<PathBuf>> = OnceLock::new();
    PATH.get_or_init(|| {
        let has = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if has {
            return None;
        }
        let target = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/pydeps");
        if !target.join("aiosmtpd").exists() {
            let status = Command::new("python3")
                .args(["-m", "pip", "install", "--quiet", "--target"])
                .arg(&target)
                .arg("aiosmtpd")
                .status()
                .expect("run pip (python3 is needed for the SMTP tests)");
            assert!(status.success(), "pip install aiosmtpd failed");
        }
        Some(target)
    })
    .clone()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real SMTP server (aiosmtpd) on 127.0.0.1, storing what it receives in a maildir.
struct SmtpServer {
    port: u16,
    child: Child,
    maildir: PathBuf,
    _dir: tempfile::TempDir,
}

impl SmtpServer {
    async fn start() -> Self {
        Self::start_on(free_port()).await
    }

    async fn start_on(port: u16) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        let mut command = Command::new("python3");
        command
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if let Some(path) = python_path() {
            command.env("PYTHONPATH", path);
        }
        // Owned at once, so that it is killed and waited for on every path (Drop).
        let server = Self {
            port,
            child: command.spawn().expect("start aiosmtpd"),
            maildir,
            _dir: dir,
        };
        let mut listening = false;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                listening = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(listening, "aiosmtpd did not listen on {port}");
        server
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received, as text (quoted-printable decoded).
    fn messages(&self) -> Vec<String> {
        let Ok(entries) = std::fs::read_dir(self.maildir.join("new")) else {
            return Vec::new();
        };
        entries
            .map(|e| unquote(&std::fs::read_to_string(e.unwrap().path()).unwrap()))
            .collect()
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Quoted-printable decoded (soft line breaks joined, `=XX` bytes restored), CRs dropped.
fn unquote(text: &str) -> String {
    let text = text
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace('\r', "");
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn mailer(url: &str) -> SmtpMailer {
    SmtpMailer::new(url, "Tracker <tracker@example.org>").unwrap()
}

/// Thailand's focal point with an address; returns its token.
async fn tha_focal_point(app: &TestApp) -> String {
    let token = app.token("tha-focal", Role::FocalPoint, Some("THA")).await;
    app.tracker
        .set_email(None, "tha-focal", Some(THA_EMAIL))
        .await
        .unwrap();
    token
}

async fn db(app: &TestApp) -> DatabaseConnection {
    Database::connect(&app.database_url).await.unwrap()
}

async fn rows(app: &TestApp) -> Vec<entity::notifications::Model> {
    let conn = db(app).await;
    let rows = entity::notifications::Entity::find()
        .all(&conn)
        .await
        .unwrap();
    conn.close().await.ok();
    rows
}

async fn record(app: &TestApp, token: &str, measure: &str) -> i64 {
    let body = json!({"measure": measure, "scope": "THA", "status": "ongoing",
                      "progress": 30, "effective_date": "2026-06-30"});
    let response = app.record(token, &body).await;
    assert_eq!(response.status(), 201);
    let v: serde_json::Value = response.json().await.unwrap();
    v["id"].as_i64().unwrap()
}

#[tokio::test]
async fn notif_a_returned_report_is_mailed_to_the_focal_point_with_the_reason_and_a_link() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = tha_focal_point(&app).await;
    let id = record(&app, &tha, "1.1.2").await;
    assert!(rows(&app).await.is_empty(), "recording announces nothing");

    // A refused return (no reason) writes no row.
    let refused = app
        .post(
            &format!("{SP}/reports/{id}/return"),
            Some(&t.secretariat),
            &json!({"reason": "  "}),
        )
        .await;
    assert_problem(refused, 422, "validation_failed").await;
    assert!(rows(&app).await.is_empty(), "a refused return: no row");

    let reason = "The percentage does not match the evidence.";
    let returned = app
        .post(
            &format!("{SP}/reports/{id}/return"),
            Some(&t.secretariat),
            &json!({ "reason": reason }),
        )
        .await;
    assert_eq!(returned.status(), 200);
    // Returned twice: refused (409), and still one row.
    let again = app
        .post(
            &format!("{SP}/reports/{id}/return"),
            Some(&t.secretariat),
            &json!({ "reason": reason }),
        )
        .await;
    assert_eq!(again.status(), 409);
    let stored = rows(&app).await;
    assert_eq!(stored.len(), 1, "one row, for the one focal point of THA");
    assert_eq!(stored[0].kind, "report_returned");
    assert_eq!(stored[0].state, "pending");
    assert_eq!(stored[0].email.as_deref(), Some(THA_EMAIL));

    // The account sees it without any SMTP.
    let user = app.tracker.account("tha-focal").await.unwrap();
    let notices = app.tracker.store().notices_for(user.id, 10).await.unwrap();
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::ReportReturned);
    assert!(notices[0].text.contains(reason));

    let smtp = SmtpServer::start().await;
    let policy = DeliveryPolicy {
        public_url: Some("https://tracker.example.org".to_owned()),
        ..DeliveryPolicy::default()
    };
    let outcome = app
        .tracker
        .deliver_notifications(&mailer(&smtp.url()), &policy, now())
        .await
        .unwrap();
    assert_eq!((outcome.sent, outcome.retrying, outcome.failed), (1, 0, 0));
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert!(m.contains(&format!("To: {THA_EMAIL}")), "{m}");
    assert!(m.contains("was returned"), "{m}");
    assert!(m.contains(reason), "{m}");
    assert!(
        m.contains(
            "https://tracker.example.org/record?framework=ascc-strategic-plan&measure=1.1.2&scope=THA"
        ),
        "{m}"
    );
    // Sent once: a second pass sends nothing; the attempt is audited.
    let outcome = app
        .tracker
        .deliver_notifications(&mailer(&smtp.url()), &policy, now())
        .await
        .unwrap();
    assert_eq!(outcome.sent, 0);
    assert_eq!(smtp.messages().len(), 1);
    let stored = rows(&app).await;
    assert_eq!((stored[0].state.as_str(), stored[0].attempts), ("sent", 1));
    let audit = app
        .get_json_as(&t.admin, "/api/v1/audit?action=notification.sent")
        .await;
    assert_eq!(audit["count"], 1, "{audit}");
}

/// A round of the Strategic Plan due three days ago that THA has not submitted.
async fn overdue_round(app: &TestApp, secretariat: &str) -> String {
    let today = blueprint_tracker::service::today();
    let due = today.checked_sub_days(Days::new(3)).unwrap();
    let end = due.checked_sub_days(Days::new(31)).unwrap();
    let opens = end.checked_sub_days(Days::new(14)).unwrap();
    let body = json!({"code": "OVERDUE", "period_end": end, "opens_on": opens, "due_on": due});
    let response = app
        .post(&format!("{SP}/rounds"), Some(secretariat), &body)
        .await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    "OVERDUE".to_owned()
}

#[tokio::test]
async fn notif_an_overdue_round_is_announced_once_listed_by_dry_run_and_mailed() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let _tha = tha_focal_point(&app).await;
    let code = overdue_round(&app, &t.secretariat).await;
    let first = app.tracker.scan_notifications(now()).await.unwrap();
    // THA's focal point (mailed) and Viet Nam's (no address: shown on its page only).
    assert_eq!(first, 2, "{:?}", rows(&app).await);
    for _ in 0..3 {
        assert_eq!(app.tracker.scan_notifications(now()).await.unwrap(), 0);
    }
    let stored = rows(&app).await;
    assert_eq!(stored.len(), 2, "no duplicates after several scans");
    assert!(stored.iter().all(|r| r.kind == "round_overdue"));
    let states: Vec<(&str, Option<&str>)> = stored
        .iter()
        .map(|r| (r.state.as_str(), r.email.as_deref()))
        .collect();
    assert!(states.contains(&("pending", Some(THA_EMAIL))), "{states:?}");
    assert!(states.contains(&("no_address", None)), "{states:?}");

    // notify --dry-run lists it (recipient, kind, subject), sends and marks nothing.
    let output = Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["notify", "--dry-run"])
        .env("DATABASE_URL", &app.database_url)
        .env_remove("BLUEPRINT_SMTP_URL")
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "{THA_EMAIL}\tround_overdue\tRound {code} is overdue"
        )),
        "{text}"
    );
    assert!(text.contains("1 message(s) would be sent"), "{text}");
    assert!(rows(&app).await.iter().any(|r| r.state == "pending"));

    // `notify` sends it once over SMTP.
    let smtp = SmtpServer::start().await;
    let output = Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["notify", "--smtp-url", &smtp.url()])
        .env("DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 sent"));
    let messages = smtp.messages();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains(&format!("To: {THA_EMAIL}")));
    assert!(messages[0].contains(&format!("Subject: Round {code} is overdue")));
    assert!(messages[0].contains(&format!("/rounds/ascc-strategic-plan/{code}")));
}

#[tokio::test]
async fn notif_with_the_smtp_server_down_the_row_waits_then_goes_out_when_it_is_back() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = tha_focal_point(&app).await;
    let id = record(&app, &tha, "1.1.2").await;
    let returned = app
        .post(
            &format!("{SP}/reports/{id}/return"),
            Some(&t.secretariat),
            &json!({"reason": "No evidence."}),
        )
        .await;
    assert_eq!(returned.status(), 200);

    let port = free_port(); // nothing listens there yet
    let url = format!("smtp://127.0.0.1:{port}");
    let policy = DeliveryPolicy::default();
    let before = now();
    let outcome = app
        .tracker
        .deliver_notifications(&mailer(&url), &policy, before)
        .await
        .unwrap();
    assert_eq!((outcome.sent, outcome.retrying), (0, 1));
    let row = rows(&app).await.remove(0);
    assert_eq!((row.state.as_str(), row.attempts), ("pending", 1));
    assert!(row.next_attempt_at >= before + chrono::Duration::seconds(59));
    assert!(row.last_error.is_some());
    // Not due again yet: a pass now sends nothing and counts no attempt.
    let outcome = app
        .tracker
        .deliver_notifications(&mailer(&url), &policy, now())
        .await
        .unwrap();
    assert_eq!(outcome, Default::default());
    // A second failure, a minute later: the wait doubles.
    let later = now() + chrono::Duration::minutes(2);
    app.tracker
        .deliver_notifications(&mailer(&url), &policy, later)
        .await
        .unwrap();
    let row = rows(&app).await.remove(0);
    assert_eq!(row.attempts, 2);
    assert!(row.next_attempt_at >= now() + chrono::Duration::seconds(119));
    let failed = app
        .get_json_as(&t.admin, "/api/v1/audit?action=notification.failed")
        .await;
    assert_eq!(failed["count"], 2, "{failed}");

    // The server comes back on that port: the message goes out when due.
    let smtp = SmtpServer::start_on(port).await;
    let outcome = app
        .tracker
        .deliver_notifications(&mailer(&url), &policy, now() + chrono::Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(outcome.sent, 1);
    assert_eq!(smtp.messages().len(), 1);
    let row = rows(&app).await.remove(0);
    assert_eq!((row.state.as_str(), row.attempts), ("sent", 3));
    assert!(row.sent_at.is_some());
}

#[tokio::test]
async fn notif_the_background_task_mails_a_returned_round_submission() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = tha_focal_point(&app).await;
    let code = overdue_round(&app, &t.secretariat).await;
    let submissions = format!("{SP}/rounds/{code}/submissions");
    let path = format!("{submissions}/THA");
    let submitted = app
        .post(&submissions, Some(&tha), &json!({"scope": "THA"}))
        .await;
    assert_eq!(submitted.status(), 201, "{:?}", submitted.text().await);
    let returned = app
        .post(
            &format!("{path}/return"),
            Some(&t.secretariat),
            &json!({"reason": "Two measures lack evidence."}),
        )
        .await;
    assert!(
        returned.status().is_success(),
        "{:?}",
        returned.text().await
    );

    let smtp = SmtpServer::start().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(blueprint_tracker::mail::run_notifier(
        app.tracker.clone(),
        Some(mailer(&smtp.url())),
        DeliveryPolicy::default(),
        Duration::from_millis(100),
        stopped,
    ));
    let mut messages = Vec::new();
    for _ in 0..100 {
        messages = smtp.messages();
        if messages.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("the notifier stops when told")
        .unwrap();
    // The returned submission, and (the round being past due, returned) the overdue notice.
    let subjects: Vec<&str> = messages
        .iter()
        .filter_map(|m| m.lines().find(|l| l.starts_with("Subject: ")))
        .collect();
    assert!(
        subjects.contains(&format!("Subject: Round {code}: your submission was returned").as_str()),
        "{subjects:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("Two measures lack evidence."))
    );
    let stored = rows(&app).await;
    assert!(
        stored
            .iter()
            .all(|r| r.state == "sent" || (r.state == "no_address" && r.email.is_none())),
        "{stored:?}"
    );
    let mut keys: Vec<&str> = stored.iter().map(|r| r.dedupe_key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), stored.len());
}

#[tokio::test]
async fn notif_a_bulk_return_announces_each_report_and_a_message_is_given_up_after_the_last_attempt()
 {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let tha = tha_focal_point(&app).await;
    let a = record(&app, &tha, "1.1.2").await;
    let b = record(&app, &tha, "1.1.3").await;
    // A bulk naming an unknown report is refused whole: no row.
    let refused = app
        .post(
            &format!("{SP}/reports/return"),
            Some(&t.secretariat),
            &json!({"ids": [a, b, 999_999], "reason": "Dates are wrong."}),
        )
        .await;
    assert_eq!(refused.status(), 404);
    assert!(rows(&app).await.is_empty());
    let returned = app
        .post(
            &format!("{SP}/reports/return"),
            Some(&t.secretariat),
            &json!({"ids": [a, b], "reason": "Dates are wrong."}),
        )
        .await;
    assert_eq!(returned.status(), 200);
    let stored = rows(&app).await;
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|r| r.kind == "report_returned"));

    // Two attempts at most: both fail, both rows are given up.
    let url = format!("smtp://127.0.0.1:{}", free_port());
    let policy = DeliveryPolicy {
        max_attempts: 2,
        ..DeliveryPolicy::default()
    };
    let first = app
        .tracker
        .deliver_notifications(&mailer(&url), &policy, now())
        .await
        .unwrap();
    assert_eq!((first.retrying, first.failed), (2, 0));
    let second = app
        .tracker
        .deliver_notifications(&mailer(&url), &policy, now() + chrono::Duration::hours(1))
        .await
        .unwrap();
    assert_eq!((second.retrying, second.failed), (0, 2));
    let stored = rows(&app).await;
    assert!(
        stored
            .iter()
            .all(|r| r.state == "failed" && r.attempts == 2),
        "{stored:?}"
    );
    let user = app.tracker.account("tha-focal").await.unwrap();
    let notices = app.tracker.store().notices_for(user.id, 10).await.unwrap();
    assert_eq!(notices.len(), 2, "still shown to the account");
    assert!(notices[0].id > notices[1].id, "newest first");
}

#[tokio::test]
async fn notif_serve_with_smtp_mails_an_overdue_round_and_stops_cleanly_on_sigterm() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let _tha = tha_focal_point(&app).await;
    let code = overdue_round(&app, &t.secretariat).await;
    let smtp = SmtpServer::start().await;
    let mut child = Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["serve", "--bind", "127.0.0.1:0", "--smtp-url", &smtp.url()])
        .args(["--notify-interval", "1"])
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Serving (and so listening for SIGTERM) once it says where.
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let base = line.trim().rsplit(' ').next().unwrap().to_owned();
    let health = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(health.status(), 200);
    let mut messages = Vec::new();
    for _ in 0..150 {
        messages = smtp.messages();
        if !messages.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let mut status = None;
    for _ in 0..100 {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    assert!(status.is_some_and(|s| s.success()), "exits 0: {status:?}");
    assert_eq!(messages.len(), 1, "the overdue notice, once");
    assert!(messages[0].contains(&format!("Subject: Round {code} is overdue")));
}

#[tokio::test]
async fn notif_addresses_are_set_by_the_admin_api_and_the_terminal_and_checked() {
    let app = TestApp::spawn().await;
    let t = app.tokens().await;
    let bad = app
        .post(
            "/api/v1/users",
            Some(&t.admin),
            &json!({"name": "idn-focal", "role": "focal_point", "state": "IDN", "email": "not an address"}),
        )
        .await;
    let problem = assert_problem(bad, 422, "validation_failed").await;
    assert_eq!(crate::support::error_fields(&problem), ["email"]);
    let created = app
        .post(
            "/api/v1/users",
            Some(&t.admin),
            &json!({"name": "idn-focal", "role": "focal_point", "state": "IDN",
                    "email": "focal.idn@example.org"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let accounts = app.get_json_as(&t.admin, "/api/v1/users").await;
    let listed = accounts
        .as_array()
        .or_else(|| accounts["users"].as_array())
        .unwrap()
        .iter()
        .find(|a| a["name"] == "idn-focal")
        .cloned()
        .unwrap();
    assert_eq!(listed["email"], "focal.idn@example.org");

    // The terminal changes it, then removes it (audited as user.email).
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .output()
            .unwrap()
    };
    let set = run(&["user", "email", "idn-focal", "idn@example.org"]);
    assert!(set.status.success(), "{set:?}");
    let list = String::from_utf8(run(&["user", "list"]).stdout).unwrap();
    assert!(list.contains("idn@example.org"), "{list}");
    let cleared = run(&["user", "email", "idn-focal", "--clear"]);
    assert!(cleared.status.success(), "{cleared:?}");
    let refused = run(&["user", "email", "idn-focal", "nope"]);
    assert!(!refused.status.success());
    let audit = app
        .get_json_as(&t.admin, "/api/v1/audit?action=user.email")
        .await;
    assert_eq!(audit["count"], 2, "{audit}");
}
