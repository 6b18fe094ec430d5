//! `TestApp`: a running server on its own database, and helpers to call it.

use std::sync::atomic::{AtomicUsize, Ordering};

use blueprint_tracker::domain::{AuditFilter, Role, Secret, StateCode};
use blueprint_tracker::report::Front;
use blueprint_tracker::service::{NewAccount, Settings, Tracker};
use reqwest::{Client, Response};
use sea_orm::{ConnectionTrait, Database};
use serde_json::Value;
use tempfile::TempDir;

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Where a test's database lives; dropping it removes the database.
pub enum TestDb {
    Sqlite { _dir: TempDir },
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh, empty database and its URL.
    pub async fn fresh() -> (Self, String) {
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) if admin_url.starts_with("postgres") => {
                let name = format!(
                    "bt_test_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to PostgreSQL");
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
                    .await
                    .expect("drop old test database");
                admin
                    .execute_unprepared(&format!("CREATE DATABASE {name}"))
                    .await
                    .expect("create test database");
                // Commits need not wait for the WAL to reach the disk: a test database lives
                // for one test and no test crashes the PostgreSQL server (the fault tests kill
                // backends and the application, whose acknowledged commits are in the server's
                // WAL buffers either way). Makes the suite several times faster on a machine
                // whose disk flushes slowly.
                admin
                    .execute_unprepared(&format!(
                        "ALTER DATABASE {name} SET synchronous_commit TO off"
                    ))
                    .await
                    .expect("configure test database");
                admin.close().await.ok();
                let mut url = url::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
                url.set_path(&format!("/{name}"));
                (TestDb::Postgres { admin_url, name }, url.to_string())
            }
            _ => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
                (TestDb::Sqlite { _dir: dir }, url)
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { admin_url, name } = self {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // The test's runtime is ending; drop the database from a runtime of our own.
            let _ = std::thread::spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                rt.block_on(async {
                    if let Ok(admin) = Database::connect(&admin_url).await {
                        let _ = admin
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                        let _ = admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub tracker: Tracker,
    pub database_url: String,
    server: tokio::task::JoinHandle<()>,
    _db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    /// A server on a fresh database holding the reference data only.
    pub async fn spawn() -> Self {
        Self::spawn_with_settings(Settings::default()).await
    }

    /// A server on a fresh database holding the reference data only, with these settings
    /// (private reads, session timeouts, login throttle, write limit).
    pub async fn spawn_with_settings(settings: Settings) -> Self {
        Self::spawn_with(settings, blueprint_tracker::server::HttpOptions::default()).await
    }

    /// A server on a fresh database holding the reference data only, with these settings and
    /// HTTP options (trusted proxies, connection limits).
    pub async fn spawn_with(
        settings: Settings,
        options: blueprint_tracker::server::HttpOptions,
    ) -> Self {
        Self::spawn_configured(settings, options, Front::default()).await
    }

    /// A server on a fresh database holding the reference data only, printing `front`'s issuer
    /// and logo on its reports (`serve --org-name --logo`).
    pub async fn spawn_with_front(front: Front) -> Self {
        Self::spawn_configured(
            Settings::default(),
            blueprint_tracker::server::HttpOptions::default(),
            front,
        )
        .await
    }

    async fn spawn_configured(
        settings: Settings,
        options: blueprint_tracker::server::HttpOptions,
        front: Front,
    ) -> Self {
        let (db, database_url) = TestDb::fresh().await;
        let (tracker, _) = Tracker::open(&database_url)
            .await
            .expect("open the tracker");
        let tracker = tracker.with_settings(settings).with_front(front);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let server = tokio::spawn({
            let tracker = tracker.clone();
            async move {
                let _ = blueprint_tracker::server::serve_with(
                    tracker,
                    options,
                    listener,
                    std::future::pending(),
                )
                .await;
            }
        });
        Self {
            base,
            client: Client::new(),
            tracker,
            database_url,
            server,
            _db: db,
        }
    }

    /// A server whose database also holds the demo scenario.
    pub async fn spawn_with_demo() -> Self {
        let app = Self::spawn().await;
        app.tracker.load_demo().await.expect("load the demo");
        app.tracker
            .load_demo_indicators()
            .await
            .expect("load the demo indicators");
        app.tracker
            .load_demo_rounds()
            .await
            .expect("load the demo rounds");
        app
    }

    /// Another server on the database at `database_url` (another app's), as a second process
    /// would run: its own connections and its own figures in memory. It owns no database:
    /// dropping it leaves the database to the app that created it.
    pub async fn spawn_on(database_url: &str) -> Self {
        Self::spawn_on_with_front(database_url, Front::default()).await
    }

    /// As [`TestApp::spawn_on`], printing `front`'s issuer and logo on its reports.
    pub async fn spawn_on_with_front(database_url: &str, front: Front) -> Self {
        let (tracker, _) = Tracker::open(database_url)
            .await
            .expect("open the tracker on the shared database");
        let tracker = tracker.with_front(front);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a free port");
        let base = format!("http://{}", listener.local_addr().expect("local address"));
        let server = tokio::spawn({
            let tracker = tracker.clone();
            async move {
                let _ = blueprint_tracker::server::serve(tracker, listener, std::future::pending())
                    .await;
            }
        });
        Self {
            base,
            client: Client::new(),
            tracker,
            database_url: database_url.to_owned(),
            server,
            // An empty folder of its own: what a dropped `TestDb::Sqlite` removes.
            _db: TestDb::Sqlite {
                _dir: tempfile::tempdir().expect("temporary folder"),
            },
        }
    }

    /// A new account's API token.
    pub async fn token(&self, name: &str, role: Role, state: Option<&str>) -> String {
        let account = NewAccount {
            name: name.to_owned(),
            role,
            state: state.map(|s| s.parse::<StateCode>().expect("state code")),
            password: None,
            email: None,
        };
        self.tracker
            .add_account(&account)
            .await
            .expect("add account")
            .1
    }

    /// An account of each role: (admin, secretariat, Viet Nam's focal point, viewer).
    pub async fn tokens(&self) -> Tokens {
        Tokens {
            admin: self.token("admin", Role::Admin, None).await,
            secretariat: self.token("asec", Role::Secretariat, None).await,
            vnm: self.token("vnm-focal", Role::FocalPoint, Some("VNM")).await,
            viewer: self.token("reader", Role::Viewer, None).await,
        }
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("GET")
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> Response {
        let mut request = self.client.post(format!("{}{path}", self.base)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("POST")
    }

    /// Records status in the Strategic Plan.
    pub async fn record(&self, token: &str, body: &Value) -> Response {
        self.post(
            "/api/v1/frameworks/ascc-strategic-plan/status",
            Some(token),
            body,
        )
        .await
    }

    pub async fn stored_reports(&self) -> u64 {
        self.tracker
            .store()
            .count_status_reports()
            .await
            .expect("count reports")
    }
}

/// A browser-like client for the web pages: redirects are answered, not followed, and cookies
/// are passed by hand (`Cookie: bt_session=…`), so a test sees every `Set-Cookie`.
pub fn browser() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// The value of the `bt_session` cookie a response sets, if any (empty when it clears it).
pub fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("bt_session="))
        .map(|v| v.split(';').next().unwrap_or_default().to_owned())
}

/// The value of the hidden `csrf` input of a page.
pub fn csrf_field(html: &str) -> String {
    let start = html
        .find(r#"name="csrf" value=""#)
        .expect("a csrf field on the page")
        + r#"name="csrf" value=""#.len();
    let end = html[start..].find('"').expect("the end of the csrf value");
    html[start..start + end].to_owned()
}

impl TestApp {
    /// A new account with a password; returns its first API token.
    pub async fn account_with_password(
        &self,
        name: &str,
        role: Role,
        state: Option<&str>,
        password: &str,
    ) -> String {
        let account = NewAccount {
            name: name.to_owned(),
            role,
            state: state.map(|s| s.parse::<StateCode>().expect("state code")),
            password: Some(Secret::new(password)),
            email: None,
        };
        self.tracker
            .create_account(None, &account)
            .await
            .expect("create account")
            .1
            .expose()
            .to_owned()
    }

    /// `method path`, with an optional bearer token and an optional JSON body.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Response {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("request")
    }

    /// `GET path` with a bearer token; asserts 200 and returns the JSON body.
    pub async fn get_json_as(&self, token: &str, path: &str) -> Value {
        let response = self
            .send(reqwest::Method::GET, path, Some(token), None)
            .await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// How many audit records there are (read as the terminal does).
    pub async fn audit_count(&self) -> usize {
        self.tracker
            .audit_trail(
                None,
                AuditFilter {
                    limit: 1_000,
                    ..AuditFilter::default()
                },
            )
            .await
            .expect("read the audit trail")
            .len()
    }

    /// `POST /login` as a browser's form (no redirect followed).
    pub async fn login(&self, name: &str, password: &str, code: Option<&str>) -> Response {
        browser()
            .post(format!("{}/login", self.base))
            .form(&[
                ("name", name),
                ("password", password),
                ("code", code.unwrap_or_default()),
                ("next", "/account"),
            ])
            .send()
            .await
            .expect("POST /login")
    }

    /// Logs in and returns the session cookie's value; asserts the 303.
    pub async fn session(&self, name: &str, password: &str) -> String {
        let response = self.login(name, password, None).await;
        assert_eq!(response.status(), 303, "login of {name}");
        session_cookie(&response).expect("a session cookie")
    }

    /// `GET path` with a session cookie, no redirect followed.
    pub async fn get_with_session(&self, path: &str, cookie: &str) -> Response {
        browser()
            .get(format!("{}{path}", self.base))
            .header("cookie", format!("bt_session={cookie}"))
            .send()
            .await
            .expect("GET with a session")
    }

    /// Whether a session cookie still opens the account page (200, not a redirect to login).
    pub async fn session_works(&self, cookie: &str) -> bool {
        let response = self.get_with_session("/account", cookie).await;
        let status = response.status().as_u16();
        assert!(
            status == 200 || status == 303,
            "GET /account answered {status}"
        );
        if status == 303 {
            assert_eq!(response.headers()["location"], "/login?next=/account");
        }
        status == 200
    }

    /// The anti-forgery token of a live session, read from its account page.
    pub async fn csrf(&self, cookie: &str) -> String {
        let response = self.get_with_session("/account", cookie).await;
        assert_eq!(response.status(), 200, "the account page");
        csrf_field(&response.text().await.expect("the account page"))
    }
}

pub struct Tokens {
    pub admin: String,
    pub secretariat: String,
    pub vnm: String,
    pub viewer: String,
}

/// Asserts a problem answer: status, content type and stable code; returns the body.
pub async fn assert_problem(response: Response, status: u16, code: &str) -> Value {
    assert_eq!(response.status(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.expect("problem body");
    assert_eq!(body["code"], code, "problem {body}");
    assert_eq!(body["status"], status);
    assert!(body["title"].is_string() && body["detail"].is_string() && body["type"].is_string());
    body
}

/// The `field` members of a problem's `errors`, sorted.
pub fn error_fields(problem: &Value) -> Vec<String> {
    let mut fields: Vec<String> = problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    fields.sort();
    fields
}

/// The header of a status file.
pub const STATUS_HEADER: &str =
    "framework,measure,scope,status,progress,effective_date,note,evidence_url";

/// A status file (CSV): the header, then `rows`.
pub fn status_csv(rows: &[&str]) -> Vec<u8> {
    let mut text = format!("{STATUS_HEADER}\n");
    for row in rows {
        text.push_str(row);
        text.push('\n');
    }
    text.into_bytes()
}

/// A `multipart/form-data` body with one file in the field `file`: its content type and bytes.
pub fn multipart_file(file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "blueprint-tracker-test-boundary-7f3a";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    /// `POST {path}` (a path under the base, with its query) with `bytes` as the multipart
    /// file `file_name`, as `token`.
    pub async fn upload(
        &self,
        path: &str,
        token: Option<&str>,
        file_name: &str,
        bytes: &[u8],
    ) -> Response {
        let (content_type, body) = multipart_file(file_name, bytes);
        let mut request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("POST a file")
    }

    /// `POST /api/v1/frameworks/{framework}/status/import{query}` with `bytes` as the file
    /// `file_name`, as `token`.
    pub async fn import(
        &self,
        framework: &str,
        query: &str,
        token: Option<&str>,
        file_name: &str,
        bytes: &[u8],
    ) -> Response {
        let (content_type, body) = multipart_file(file_name, bytes);
        let mut request = self
            .client
            .post(format!(
                "{}/api/v1/frameworks/{framework}/status/import{query}",
                self.base
            ))
            .header("content-type", content_type)
            .body(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.expect("POST …/status/import")
    }

    /// `GET path`; asserts 200 and returns the body's bytes.
    pub async fn get_bytes(&self, path: &str) -> Vec<u8> {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.bytes().await.expect("body").to_vec()
    }
}

/// A page's text without its tags, spaces collapsed (entities left as written).
pub fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Runs the `blueprint-tracker` binary with `args` on `database_url`; asserts that it succeeds
/// and returns its stdout.
pub fn run_cli(database_url: &str, args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A `width` × `height` PNG (opaque blue), for a logo.
pub fn logo_png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().unwrap();
        let pixels: Vec<u8> = (0..width * height).flat_map(|_| [0, 114, 178]).collect();
        writer.write_image_data(&pixels).unwrap();
    }
    out
}

/// The issuer `name` with a 40 × 20 logo, as `serve --org-name NAME --logo FILE` configures.
pub fn issuer(name: &str) -> Front {
    Front {
        issued_by: Some(name.to_owned()),
        logo: Some(blueprint_tracker::report::Logo::from_png(logo_png(40, 20)).unwrap()),
        summary: None,
    }
}
