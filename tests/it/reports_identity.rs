//! The report's identity (issue 19): the issuing organisation and its logo on the cover, from
//! the CLI's options and from the service's configuration (`serve --org-name --logo`), kept
//! with a review edition when it is frozen.

use std::io::Read as _;

use blueprint_tracker::report::Front;
use blueprint_tracker::report::bundle::Format;
use blueprint_tracker::service::EditionRequest;

use crate::support::{TestApp, issuer, logo_png};

const FW: &str = "ascc-strategic-plan";

fn report_cli(database_url: &str, args: &[&str], out: &std::path::Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["report", "--framework", FW, "--as-of", "2026-06-30"])
        .args(args)
        .arg("--out")
        .arg(out)
        .env("DATABASE_URL", database_url)
        .env("RUST_LOG", "warn")
        .env_remove("BLUEPRINT_ORG_NAME")
        .env_remove("BLUEPRINT_LOGO")
        .output()
        .unwrap()
}

fn docx_part(docx: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let mut file = archive.by_name(name).ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).unwrap();
    Some(bytes)
}

#[tokio::test]
async fn the_report_command_prints_the_logo_above_the_issuer_on_every_cover() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("asean.png");
    std::fs::write(&logo, logo_png(40, 20)).unwrap();
    let out = dir.path().join("out");

    let output = report_cli(
        &app.database_url,
        &[
            "--format",
            "html,docx",
            "--org-name",
            "ASEAN Secretariat",
            "--logo",
            logo.to_str().unwrap(),
        ],
        &out,
    );

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stem = format!("review-{FW}-2026-06-30");
    let html = std::fs::read_to_string(out.join(format!("{stem}.html"))).unwrap();
    let img = html
        .find("<img src=\"data:image/png;base64,")
        .expect("the logo inline");
    assert!(html[img..].starts_with("<img src=\"data:image/png;base64,iVBORw0KGgo"));
    assert!(html.contains("alt=\"ASEAN Secretariat\" style=\"width: 40.0mm; height: 20.0mm\">"));
    assert!(
        img < html
            .find("<dt>Issued by</dt><dd>ASEAN Secretariat</dd>")
            .unwrap()
    );
    let docx = std::fs::read(out.join(format!("{stem}.docx"))).unwrap();
    assert_eq!(
        docx_part(&docx, "word/media/logo.png").unwrap(),
        logo_png(40, 20)
    );
}

#[tokio::test]
async fn a_bad_logo_stops_the_report_command_naming_the_file_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let not_png = dir.path().join("logo.jpg");
    std::fs::write(&not_png, b"\xff\xd8\xff\xe0 not a png").unwrap();
    let truncated = dir.path().join("cut.png");
    let png = logo_png(40, 20);
    std::fs::write(&truncated, &png[..png.len() - 16]).unwrap();
    let missing = dir.path().join("missing.png");
    let out = dir.path().join("out");

    for (file, says) in [
        (&not_png, "it is not a PNG image"),
        (&truncated, "the PNG cannot be read"),
        (&missing, "reading"),
    ] {
        let output = report_cli(
            &app.database_url,
            &["--format", "html", "--logo", file.to_str().unwrap()],
            &out,
        );

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{}", file.display());
        assert!(stderr.contains(&*file.to_string_lossy()), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
        assert!(!out.exists(), "nothing written");
    }
}

#[tokio::test]
async fn serve_refuses_to_start_with_a_bad_logo() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.png");
    let mut bytes = logo_png(4, 4);
    bytes.resize(1024 * 1024 + 1, 0);
    std::fs::write(&big, bytes).unwrap();

    let output = std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
        .args(["serve", "--bind", "127.0.0.1:0", "--logo"])
        .arg(&big)
        .env("DATABASE_URL", &app.database_url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("big.png"), "{stderr}");
    assert!(stderr.contains("at most 1048576"), "{stderr}");
    assert!(output.stdout.is_empty(), "it never listened");
}

#[tokio::test]
async fn the_apis_report_prints_the_configured_issuer_and_logo() {
    let app = TestApp::spawn_with_front(issuer("ASEAN Secretariat")).await;
    let path = format!("/api/v1/frameworks/{FW}/report?as_of=2026-06-30");

    let html = app
        .get(&format!("{path}&format=html"))
        .await
        .text()
        .await
        .unwrap();
    let docx = app.get_bytes(&format!("{path}&format=docx")).await;

    assert!(html.contains("<dt>Issued by</dt><dd>ASEAN Secretariat</dd>"));
    assert!(html.contains("alt=\"ASEAN Secretariat\""));
    assert_eq!(
        docx_part(&docx, "word/media/logo.png").unwrap(),
        logo_png(40, 20)
    );
    // Without the configuration, no issuer.
    let plain = TestApp::spawn().await;
    let html = plain
        .get(&format!("{path}&format=html"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!html.contains("Issued by"));
}

#[tokio::test]
async fn an_edition_keeps_the_issuer_it_was_frozen_with_after_the_configuration_changed() {
    let app = TestApp::spawn_with_front(issuer("ASEAN Secretariat")).await;
    let edition = app
        .tracker
        .create_edition(
            None,
            FW,
            &EditionRequest {
                title: "Mid-term review".into(),
                as_of: "2026-06-30".parse().unwrap(),
                basis: None,
            },
        )
        .await
        .unwrap();
    let download = async |app: &TestApp, format: &str| {
        app.get_bytes(&format!(
            "/api/v1/editions/{}/report?format={format}",
            edition.id
        ))
        .await
    };
    let pdf = download(&app, "pdf").await;
    let html = download(&app, "html").await;
    let json = download(&app, "json").await;

    // Another service on the same database, configured for another organisation, no logo.
    let other = TestApp::spawn_on_with_front(
        &app.database_url,
        Front {
            issued_by: Some("Another Organisation".into()),
            ..Front::default()
        },
    )
    .await;

    assert_eq!(download(&other, "pdf").await, pdf);
    assert_eq!(download(&other, "html").await, html);
    assert_eq!(download(&other, "json").await, json);
    let text = String::from_utf8(html).unwrap();
    assert!(text.contains("<dt>Issued by</dt><dd>ASEAN Secretariat</dd>"));
    assert!(text.contains("alt=\"ASEAN Secretariat\""));
    // Today's reports on the other service print today's configuration.
    let today = other
        .tracker
        .report_files(
            FW,
            "2026-06-30".parse().unwrap(),
            None,
            Default::default(),
            chrono::Utc::now(),
            vec![Format::Html],
            other.tracker.front().clone(),
        )
        .await
        .unwrap();
    let today = String::from_utf8(today[0].bytes.clone()).unwrap();
    assert!(today.contains("<dt>Issued by</dt><dd>Another Organisation</dd>"));
}

#[tokio::test]
async fn the_edition_command_freezes_with_the_issuer_and_logo_it_is_given() {
    let app = TestApp::spawn().await;
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, logo_png(40, 20)).unwrap();
    let edition = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_blueprint-tracker"))
            .arg("edition")
            .args(args)
            .env("DATABASE_URL", &app.database_url)
            .env("RUST_LOG", "warn")
            .env_remove("BLUEPRINT_ORG_NAME")
            .env_remove("BLUEPRINT_LOGO")
            .output()
            .unwrap()
    };

    let created = edition(&[
        "create",
        "--framework",
        FW,
        "--title",
        "Mid-year review 2026",
        "--as-of",
        "2026-06-30",
        "--org-name",
        "ASEAN Secretariat",
        "--logo",
        logo.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(stdout.contains("issued by ASEAN Secretariat"), "{stdout}");
    let id = stdout
        .strip_prefix("edition ")
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap()
        .to_owned();

    // Downloaded without any configuration, the edition still carries both.
    let html = dir.path().join("edition.html");
    let downloaded = edition(&[
        "download",
        &id,
        "--format",
        "html",
        "--out",
        html.to_str().unwrap(),
    ]);
    assert!(
        downloaded.status.success(),
        "{}",
        String::from_utf8_lossy(&downloaded.stderr)
    );
    let html = std::fs::read_to_string(html).unwrap();
    assert!(html.contains("<dt>Issued by</dt><dd>ASEAN Secretariat</dd>"));
    assert!(html.contains("alt=\"ASEAN Secretariat\""));

    // A bad logo stops the command before anything is frozen.
    let bad = dir.path().join("bad.png");
    std::fs::write(&bad, b"not a png").unwrap();
    let refused = edition(&[
        "create",
        "--framework",
        FW,
        "--title",
        "Another",
        "--as-of",
        "2026-06-30",
        "--logo",
        bad.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("bad.png"));
    let listed = edition(&["list"]);
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout)
            .matches("Another")
            .count(),
        0
    );
}
