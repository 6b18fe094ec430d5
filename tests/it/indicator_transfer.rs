//! Indicator files through the service on a real database (issue 14, item 4): definitions
//! with targets imported all or nothing, Viet Nam's observations from SDMX-CSV with a dry run
//! first, every problem of a bad file by line and column with nothing stored, a focal point
//! refused for another state's rows, and exports that import again as they are.

use blueprint_tracker::domain::{Actor, Basis, IndicatorClass, Role, Scope};
use blueprint_tracker::service::{
    ExportFile, ImportFile, ImportOptions, IndicatorExportQuery, IndicatorExportWhat, NewAccount,
    ObservationLayout, ServiceError, Tracker,
};
use blueprint_tracker::transfer::indicators::{asean_states, observation_rows};
use blueprint_tracker::transfer::{FileFormat, read_table};
use chrono::NaiveDate;

use crate::support::TestDb;

const FW: &str = "ascc-strategic-plan";

const DEFINITIONS: &str = "code,title,unit,direction,node,decimals,source,note,scope,baseline_year,baseline_value,target_year,target_value\n\
KPI-1,Households with broadband access,%,increase,1.1.2,1,ASEANstats,,ASEAN,2025,50,2030,80\n\
KPI-1,Households with broadband access,%,increase,1.1.2,1,ASEANstats,,VNM,2025,50,2030,80\n\
KPI-2,Maternal mortality ratio,per 100000 live births,decrease,1.1.3,0,,,,,,,\n\
KPI-2,,,,,,,,VN,2025,120,2035,70\n";

const SDMX: &str = "STRUCTURE,STRUCTURE_ID,ACTION,INDICATOR,REF_AREA,TIME_PERIOD,OBS_VALUE,UNIT_MEASURE,OBS_STATUS\n\
dataflow,ASEAN:DF_X(1.0),I,KPI-1,VN,2026,53,PT,A\n\
dataflow,ASEAN:DF_X(1.0),I,KPI-1,VNM,2027,55,PT,A\n\
dataflow,ASEAN:DF_X(1.0),I,KPI-1,VN,2028,,PT,M\n\
dataflow,ASEAN:DF_X(1.0),I,KPI-2,VN,2026,110.5,,A\n";

async fn account(tracker: &Tracker, name: &str, role: Role, state: Option<&str>) -> Actor {
    let (user, _) = tracker
        .create_account(
            None,
            &NewAccount {
                name: name.into(),
                role,
                state: state.map(|s| s.parse().unwrap()),
                password: None,
                email: None,
            },
        )
        .await
        .unwrap();
    Actor::new(user, None)
}

fn file<'a>(name: &'a str, text: &'a str) -> ImportFile<'a> {
    ImportFile {
        name: Some(name),
        bytes: text.as_bytes(),
    }
}

fn dry() -> ImportOptions {
    ImportOptions {
        dry_run: true,
        override_lock: false,
    }
}

fn sdmx() -> ObservationLayout {
    ObservationLayout::Sdmx {
        indicator_column: None,
    }
}

/// A fresh database with the Secretariat's definitions and targets imported.
async fn defined() -> (TestDb, Tracker, Actor, Actor) {
    let (db, url) = TestDb::fresh().await;
    let (tracker, _) = Tracker::open(&url).await.unwrap();
    let secretariat = account(&tracker, "officer", Role::Secretariat, None).await;
    let hanoi = account(&tracker, "hanoi", Role::FocalPoint, Some("VNM")).await;
    tracker
        .import_indicators(
            &secretariat,
            FW,
            file("definitions.csv", DEFINITIONS),
            ImportOptions::default(),
        )
        .await
        .unwrap();
    (db, tracker, secretariat, hanoi)
}

/// The observations in force as (indicator, scope, year, value), read from a CSV export.
async fn exported(tracker: &Tracker) -> (ExportFile, Vec<(String, String, i32, f64)>) {
    let export = tracker
        .export_indicators(
            FW,
            &IndicatorExportQuery {
                what: IndicatorExportWhat::Observations,
                ..IndicatorExportQuery::default()
            },
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        )
        .await
        .unwrap();
    let table = read_table(&export.bytes, FileFormat::Csv).unwrap();
    let rows = observation_rows(&table, &asean_states()).unwrap();
    let values = rows
        .rows
        .into_iter()
        .map(|r| {
            let o = r.observation;
            (o.indicator, o.scope.to_string(), o.year, o.value)
        })
        .collect();
    (export, values)
}

#[tokio::test]
async fn a_definitions_file_creates_indicators_and_targets_and_again_changes_nothing() {
    let (db, url) = TestDb::fresh().await;
    let (tracker, _) = Tracker::open(&url).await.unwrap();
    let secretariat = account(&tracker, "officer", Role::Secretariat, None).await;
    let hanoi = account(&tracker, "hanoi", Role::FocalPoint, Some("VNM")).await;

    let refused = tracker
        .import_indicators(&hanoi, FW, file("d.csv", DEFINITIONS), dry())
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Forbidden(_))),
        "{refused:?}"
    );

    let summary = tracker
        .import_indicators(
            &secretariat,
            FW,
            file("d.csv", DEFINITIONS),
            ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        (summary.rows, summary.created, summary.unchanged),
        (4, 2, 0)
    );
    assert_eq!((summary.targets, summary.targets_unchanged), (3, 0));
    assert_eq!(
        summary.by_scope.into_iter().collect::<Vec<_>>(),
        [("ASEAN".to_owned(), 1), ("VNM".to_owned(), 2)]
    );
    let indicators = tracker.indicators(FW).await.unwrap();
    let codes: Vec<(&str, &str, &str)> = indicators
        .iter()
        .map(|i| (i.code.as_str(), i.unit.as_str(), i.node.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            ("KPI-1", "%", "1.1.2"),
            ("KPI-2", "per 100000 live births", "1.1.3")
        ]
    );
    let as_of = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let kpi2 = tracker
        .indicator_progress(FW, "KPI-2", as_of, None, Basis::Reported)
        .await
        .unwrap();
    let vnm = kpi2
        .scopes
        .iter()
        .find(|s| s.scope.as_str() == "VNM")
        .unwrap();
    let target = vnm.target.unwrap();
    assert_eq!((target.year, target.value), (2035, 70.0));
    assert_eq!(vnm.baseline.unwrap().value, 120.0);

    // The same file again: nothing new.
    let again = tracker
        .import_indicators(
            &secretariat,
            FW,
            file("d.csv", DEFINITIONS),
            ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            again.created,
            again.unchanged,
            again.targets,
            again.targets_unchanged
        ),
        (0, 2, 0, 3)
    );
    // A file that changes a definition is refused, naming the line.
    let changed = "code,title,unit,direction,node\nKPI-1,Other title,%,increase,1.1.2\n";
    match tracker
        .import_indicators(&secretariat, FW, file("c.csv", changed), dry())
        .await
    {
        Err(ServiceError::Invalid(issues)) => {
            assert_eq!(issues.len(), 1);
            assert_eq!(issues[0].field, "line 2: code");
        }
        other => unreachable!("{other:?}"),
    }
    drop(db);
}

#[tokio::test]
async fn an_sdmx_file_of_viet_nams_observations_imports_after_a_dry_run() {
    let (_db, tracker, _, hanoi) = defined().await;
    let as_of = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();

    let summary = tracker
        .import_observations(&hanoi, FW, file("vnm.csv", SDMX), &sdmx(), dry())
        .await
        .unwrap();
    assert!(summary.dry_run && summary.sdmx);
    assert_eq!((summary.rows, summary.blank, summary.stored), (4, 1, 3));
    assert_eq!(
        summary.by_scope.clone().into_iter().collect::<Vec<_>>(),
        [("VNM".to_owned(), 3)]
    );
    assert_eq!(summary.validation, "reported");
    let (_, stored) = exported(&tracker).await;
    assert!(stored.is_empty(), "a dry run stores nothing: {stored:?}");

    let summary = tracker
        .import_observations(
            &hanoi,
            FW,
            file("vnm.csv", SDMX),
            &sdmx(),
            ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!((summary.stored, summary.blank), (3, 1));
    assert!(summary.first_id.is_some() && summary.last_id.is_some());
    let progress = tracker
        .indicator_progress(FW, "KPI-1", as_of, None, Basis::Reported)
        .await
        .unwrap();
    let vnm = progress
        .scopes
        .iter()
        .find(|s| s.scope.as_str() == "VNM")
        .unwrap();
    let points: Vec<(i32, f64)> = vnm.points.iter().map(|p| (p.year, p.value)).collect();
    assert_eq!(points, [(2025, 50.0), (2026, 53.0), (2027, 55.0)]);
    let close = |a: Option<f64>, b: f64| (a.unwrap() - b).abs() < 1e-9;
    assert!(close(vnm.current_status, 5.0 / 30.0));
    assert!(close(vnm.anticipated_value, 62.3));
    assert_eq!(vnm.class, IndicatorClass::NeedsAcceleration);
    let (_, stored) = exported(&tracker).await;
    assert_eq!(
        stored,
        [
            ("KPI-1".to_owned(), "VNM".to_owned(), 2026, 53.0),
            ("KPI-1".to_owned(), "VNM".to_owned(), 2027, 55.0),
            ("KPI-2".to_owned(), "VNM".to_owned(), 2026, 110.5),
        ]
    );
}

#[tokio::test]
async fn a_bad_file_lists_every_problem_with_its_line_and_column_and_stores_nothing() {
    let (_db, tracker, secretariat, _) = defined().await;
    let bad = "REF_AREA,SERIES,TIME_PERIOD,OBS_VALUE\n\
               VN,KPI-1,2026,140\n\
               XX,KPI-1,2026,1\n\
               VN,KPI-9,2026,1\n\
               VN,KPI-1,2027-Q4,1\n\
               VN,KPI-1,2050,1\n";
    let layout = ObservationLayout::Sdmx {
        indicator_column: Some("series".into()),
    };
    for options in [dry(), ImportOptions::default()] {
        match tracker
            .import_observations(&secretariat, FW, file("bad.csv", bad), &layout, options)
            .await
        {
            // The reader's problems (the scope, the period) come first, alone.
            Err(ServiceError::Invalid(issues)) => {
                let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
                assert_eq!(fields, ["line 3: REF_AREA", "line 5: TIME_PERIOD"]);
            }
            other => unreachable!("{other:?}"),
        }
    }
    let values = bad
        .lines()
        .filter(|l| !l.starts_with("XX") && !l.contains("Q4"))
        .collect::<Vec<_>>()
        .join("\n");
    match tracker
        .import_observations(
            &secretariat,
            FW,
            file("bad.csv", &values),
            &layout,
            ImportOptions::default(),
        )
        .await
    {
        Err(ServiceError::Invalid(issues)) => {
            let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
            assert_eq!(
                fields,
                ["line 2: OBS_VALUE", "line 3: SERIES", "line 4: TIME_PERIOD"]
            );
            assert_eq!(
                issues[0].message,
                "140 is not a percentage: the indicator is measured in percent, from 0 to 100"
            );
        }
        other => unreachable!("{other:?}"),
    }
    let (_, stored) = exported(&tracker).await;
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn a_focal_point_importing_another_states_rows_is_refused_and_nothing_is_stored() {
    let (_db, tracker, _, hanoi) = defined().await;
    let mixed =
        "indicator,scope,year,value\nKPI-1,VNM,2026,53\nKPI-1,THA,2026,61\nKPI-1,TH,2027,62\n";
    for options in [dry(), ImportOptions::default()] {
        match tracker
            .import_observations(
                &hanoi,
                FW,
                file("mixed.csv", mixed),
                &ObservationLayout::Tracker,
                options,
            )
            .await
        {
            Err(ServiceError::Forbidden(message)) => {
                assert!(message.contains("THA (lines 3, 4)"), "{message}");
            }
            other => unreachable!("{other:?}"),
        }
    }
    let (_, stored) = exported(&tracker).await;
    assert!(stored.is_empty(), "{stored:?}");
}

#[tokio::test]
async fn exported_observations_import_into_a_fresh_database_as_they_were() {
    let (_db, tracker, secretariat, _) = defined().await;
    let file_text = "indicator,scope,year,value,source,note\n\
                     KPI-1,ASEAN,2026,52.25,ASEANstats,first\n\
                     KPI-1,VNM,2026,53,,\n\
                     KPI-2,VNM,2027,101.125,,\"=1+1\"\n";
    tracker
        .import_observations(
            &secretariat,
            FW,
            file("o.csv", file_text),
            &ObservationLayout::Tracker,
            ImportOptions::default(),
        )
        .await
        .unwrap();
    // A correction: recorded last, it is the one in force and the one exported.
    tracker
        .import_observations(
            &secretariat,
            FW,
            file(
                "o2.csv",
                "indicator,scope,year,value\nKPI-1,VNM,2026,54.5\n",
            ),
            &ObservationLayout::Tracker,
            ImportOptions::default(),
        )
        .await
        .unwrap();
    let (export, before) = exported(&tracker).await;
    assert_eq!(
        before,
        [
            ("KPI-1".to_owned(), "ASEAN".to_owned(), 2026, 52.25),
            ("KPI-1".to_owned(), "VNM".to_owned(), 2026, 54.5),
            ("KPI-2".to_owned(), "VNM".to_owned(), 2027, 101.125),
        ]
    );
    let definitions = tracker
        .export_indicators(
            FW,
            &IndicatorExportQuery::default(),
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        )
        .await
        .unwrap();

    let (_fresh_db, url) = TestDb::fresh().await;
    let (fresh, _) = Tracker::open(&url).await.unwrap();
    let officer = account(&fresh, "officer", Role::Secretariat, None).await;
    let summary = fresh
        .import_indicators(
            &officer,
            FW,
            ImportFile {
                name: Some(&definitions.name),
                bytes: &definitions.bytes,
            },
            ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!((summary.created, summary.targets), (2, 3));
    let summary = fresh
        .import_observations(
            &officer,
            FW,
            ImportFile {
                name: Some(&export.name),
                bytes: &export.bytes,
            },
            &ObservationLayout::Tracker,
            ImportOptions::default(),
        )
        .await
        .unwrap();
    assert_eq!(summary.stored, 3);
    let (_, after) = exported(&fresh).await;
    assert_eq!(after, before);
    // The definitions as XLSX read back as what is recorded: nothing to store.
    let workbook = fresh
        .export_indicators(
            FW,
            &IndicatorExportQuery {
                format: Some(FileFormat::Xlsx),
                ..IndicatorExportQuery::default()
            },
            NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
        )
        .await
        .unwrap();
    let again = fresh
        .import_indicators(
            &officer,
            FW,
            ImportFile {
                name: Some(&workbook.name),
                bytes: &workbook.bytes,
            },
            dry(),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            again.created,
            again.unchanged,
            again.targets,
            again.targets_unchanged
        ),
        (0, 2, 0, 3)
    );
    let notes = String::from_utf8(export.bytes).unwrap();
    assert!(notes.contains("'=1+1"), "a formula-like note is guarded");

    // The same again through SDMX-CSV and XLSX.
    for (format, layout) in [
        (FileFormat::SdmxCsv, sdmx()),
        (FileFormat::Xlsx, ObservationLayout::Tracker),
    ] {
        let export = tracker
            .export_indicators(
                FW,
                &IndicatorExportQuery {
                    what: IndicatorExportWhat::Observations,
                    format: Some(format),
                    ..IndicatorExportQuery::default()
                },
                NaiveDate::from_ymd_opt(2027, 12, 31).unwrap(),
            )
            .await
            .unwrap();
        let summary = fresh
            .import_observations(
                &officer,
                FW,
                ImportFile {
                    name: Some(&export.name),
                    bytes: &export.bytes,
                },
                &layout,
                dry(),
            )
            .await
            .unwrap();
        assert_eq!((summary.stored, summary.blank), (3, 0), "{format}");
    }
}

#[tokio::test]
async fn progress_and_templates_are_written_for_every_indicator() {
    let (_db, tracker, _, hanoi) = defined().await;
    tracker
        .import_observations(
            &hanoi,
            FW,
            file("vnm.csv", SDMX),
            &sdmx(),
            ImportOptions::default(),
        )
        .await
        .unwrap();
    let today = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
    let progress = tracker
        .export_indicators(
            FW,
            &IndicatorExportQuery {
                what: IndicatorExportWhat::Progress,
                as_of: Some(today),
                ..IndicatorExportQuery::default()
            },
            today,
        )
        .await
        .unwrap();
    let table = read_table(&progress.bytes, FileFormat::Csv).unwrap();
    let vnm_kpi1 = table
        .rows
        .iter()
        .find(|r| r.cell(3).text() == "KPI-1" && r.cell(4).text() == "VNM")
        .unwrap();
    assert_eq!(vnm_kpi1.cell(18).text(), "needs_acceleration");
    assert_eq!(vnm_kpi1.cell(11).text(), "55");
    let template = tracker
        .observation_template(FW, &"VNM".parse::<Scope>().unwrap(), FileFormat::Csv)
        .await
        .unwrap();
    let text = String::from_utf8(template.bytes).unwrap();
    assert_eq!(
        text.lines().take(3).collect::<Vec<_>>(),
        [
            "framework,indicator,scope,year,value,source,note,indicator_title,unit,direction",
            "ascc-strategic-plan,KPI-1,VNM,,,,,Households with broadband access,%,increase",
            "ascc-strategic-plan,KPI-2,VNM,,,,,Maternal mortality ratio,per 100000 live births,decrease",
        ]
    );
}

#[tokio::test]
async fn a_locked_year_refuses_the_file_even_in_a_dry_run_unless_an_admin_overrides() {
    let (_db, tracker, secretariat, hanoi) = defined().await;
    let admin = account(&tracker, "root", Role::Admin, None).await;
    tracker
        .lock(
            &secretariat,
            FW,
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
            Some("mid-term review"),
        )
        .await
        .unwrap();
    for options in [dry(), ImportOptions::default()] {
        match tracker
            .import_observations(&hanoi, FW, file("vnm.csv", SDMX), &sdmx(), options)
            .await
        {
            Err(ServiceError::Locked { count, .. }) => assert_eq!(count, 2, "the 2026 rows"),
            other => unreachable!("{other:?}"),
        }
    }
    let override_lock = ImportOptions {
        dry_run: false,
        override_lock: true,
    };
    let refused = tracker
        .import_observations(&hanoi, FW, file("vnm.csv", SDMX), &sdmx(), override_lock)
        .await;
    assert!(
        matches!(refused, Err(ServiceError::Forbidden(_))),
        "{refused:?}"
    );
    let (_, stored) = exported(&tracker).await;
    assert!(stored.is_empty(), "{stored:?}");
    let summary = tracker
        .import_observations(&admin, FW, file("vnm.csv", SDMX), &sdmx(), override_lock)
        .await
        .unwrap();
    assert_eq!((summary.stored, summary.in_locked_period), (3, 2));
    assert_eq!(summary.validation, "validated");
}
