//! Benchmarks of the baseline scenario: one quarter of the market step, one run, 10,000
//! runs end to end, aggregation and writing; and the floor a buyer-quarter decision cannot
//! beat (one logarithm and one exponential per option). `cargo bench`; figures and the
//! machine they came from are in docs/performance.md.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use exportsim::engine::{Layout, Record, Sink, Workspace, prepare, simulate, step};
use exportsim::model::Scenario;
use exportsim::stats::summary::{Cells, SketchPool, SummarySink};
use std::hint::black_box;

fn baseline() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
    exportsim::scenario::load(path.as_ref()).expect("baseline loads").0
}

fn engine(c: &mut Criterion) {
    let s = baseline();
    let layout = Layout::of(&s);
    let mut g = c.benchmark_group("baseline");
    g.bench_function("quarter_step", |b| {
        b.iter_batched_ref(
            || {
                let (mut ws, mut record) = (Workspace::new(&s), Record::new(layout));
                let mut rng = prepare(&s, s.seed, 7, &mut ws, &mut record);
                for t in 0..5 {
                    step(&s, t, &mut ws, &mut rng, &mut record);
                }
                (ws, record, rng)
            },
            |(ws, record, rng)| step(&s, 5, ws, rng, record),
            BatchSize::SmallInput,
        )
    });
    let (mut ws, mut record) = (Workspace::new(&s), Record::new(layout));
    let mut run = 0;
    g.bench_function("one_run", |b| {
        b.iter(|| {
            run += 1;
            simulate(&s, s.seed, run, &mut ws, &mut record);
            black_box(record.delivered[0]);
        })
    });
    g.bench_function("aggregate_one_run", |b| {
        let cells = Cells::of(&s);
        let pool = SketchPool::new(cells.len());
        simulate(&s, s.seed, 1, &mut ws, &mut record);
        let mut sink = SummarySink::new(&cells, &pool);
        b.iter(|| sink.add(0, black_box(&record)));
        sink.finish();
    });
    g.sample_size(10);
    g.bench_function("runs_10000", |b| b.iter(|| exportsim::simulate::summarize(&s, s.seed, 10_000, 0, &()).unwrap()));
    let summary = exportsim::simulate::summarize(&s, s.seed, 1000, 0, &()).unwrap();
    g.bench_function("write_outputs", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            exportsim::report::write_all(&summary, &s.resolved_toml, dir.path()).unwrap();
        })
    });
    g.finish();
}

/// The floor of one buyer-quarter decision: a logarithm (cost per effective H100e) and an
/// exponential (logit weight) per option, for as many options as the baseline has chips.
fn floor(c: &mut Criterion) {
    let s = baseline();
    let n = s.chips.len();
    let prices: Vec<f64> = (0..n).map(|i| 10_000.0 + 997.0 * i as f64).collect();
    let values: Vec<f64> = (0..n).map(|i| 0.2 + 0.05 * i as f64).collect();
    c.bench_function("floor/buyer_quarter_decision", |b| {
        b.iter(|| {
            let (p, v) = (black_box(&prices), black_box(&values));
            let mut total = 0.0;
            for i in 0..n {
                total += (-2.0 * (p[i] / v[i]).ln()).exp();
            }
            black_box(total)
        })
    });
}

criterion_group!(benches, engine, floor);
criterion_main!(benches);
