//! The engine alone, in memory (no database, no HTTP): builds the synthetic framework of 2,000
//! measures × 12 scopes × 40 reports (the data of `demo --synthetic`), then times the member-state
//! comparison, a one-scope progress with rollups, and a monthly timeline. Prints medians.
//!
//! `cargo bench --bench engine`

#![expect(
    clippy::unwrap_used,
    reason = "a benchmark on fixed, generated data: a failure is a bug to see at once"
)]

use std::time::{Duration, Instant};

use blueprint_tracker::demo::synthetic;
use blueprint_tracker::domain::{Node, ReportFact, Scope, StateCode};
use blueprint_tracker::engine::{self, At, Every, Outline, StatusIndex};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time(runs: usize, mut f: impl FnMut()) -> Duration {
    f(); // warm
    median(
        (0..runs)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let spec = synthetic::framework(2000, &["AMCA".to_owned()]);
    let levels: Vec<String> = spec.level_names().iter().map(|l| (*l).to_owned()).collect();
    let nodes: Vec<Node> = spec
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| Node {
            id: i32::try_from(i).unwrap() + 1,
            code: n.code.clone(),
            parent: n.parent_code.clone(),
            level: n.level.clone(),
            depth: u16::try_from(spec.depth_of(&n.level).unwrap()).unwrap(),
            title: n.title.clone(),
            note: None,
            is_measure: n.level == "measure",
            lead_bodies: n.lead_bodies.iter().cloned().collect(),
        })
        .collect();
    let states: Vec<StateCode> = [
        "BRN", "IDN", "KHM", "LAO", "MMR", "MYS", "PHL", "SGP", "THA", "TLS", "VNM",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect();
    let scopes: Vec<Scope> = std::iter::once(Scope::Asean)
        .chain(states.iter().cloned().map(Scope::State))
        .collect();
    let cutoff = "2026-09-30".parse().unwrap();
    let mut facts = Vec::new();
    for node in nodes.iter().filter(|n| n.is_measure) {
        for scope in &scopes {
            for r in synthetic::pair_reports(&node.code, scope, 40, cutoff) {
                facts.push(ReportFact {
                    id: i64::try_from(facts.len()).unwrap() + 1,
                    measure_id: node.id,
                    scope: r.report.scope,
                    status: r.report.status,
                    progress: r.report.progress,
                    effective_date: r.report.effective_date,
                    recorded_at: r.recorded_at,
                });
            }
        }
    }
    let outline = Outline::new(levels, &nodes);
    let build = Instant::now();
    let mut index = StatusIndex::default();
    index.extend(&facts);
    index.merge();
    let built = build.elapsed();
    drop(facts);
    let selection = outline.select(None, None, Some("objective")).unwrap();
    println!(
        "engine: {} reports indexed in {:.0} ms",
        index.len(),
        built.as_secs_f64() * 1000.0
    );
    for as_of in ["2026-03-31", "2026-06-30", "2026-09-30"] {
        let at = At::on(as_of.parse().unwrap());
        let compare = time(51, || {
            std::hint::black_box(engine::compare(&outline, &selection, &index, &states, at));
        });
        let progress = time(51, || {
            std::hint::black_box(engine::progress(
                &outline,
                &selection,
                &index,
                &Scope::Asean,
                at,
            ));
        });
        println!(
            "as of {as_of}: compare (11 states + regional, 2,000 measures) median {:.3} ms; progress ASEAN with 100 objective rows median {:.3} ms",
            compare.as_secs_f64() * 1000.0,
            progress.as_secs_f64() * 1000.0
        );
    }
    let dates =
        engine::period_ends("2026-01-01".parse().unwrap(), cutoff, Every::Month, 1000).unwrap();
    let timeline = time(21, || {
        std::hint::black_box(engine::timeline(
            &outline,
            &selection,
            &index,
            &Scope::Asean,
            &dates,
            None,
        ));
    });
    println!(
        "timeline, {} monthly points: median {:.3} ms",
        dates.len(),
        timeline.as_secs_f64() * 1000.0
    );
}
