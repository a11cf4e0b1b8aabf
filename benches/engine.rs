//! Benchmarks of the baseline scenario: one quarter of the market step, one run, 10,000
//! runs end to end, aggregation and writing; and the floor a buyer-quarter decision cannot
//! beat (one logarithm and one exponential per option). `cargo bench`; figures and the
//! machine they came from are in docs/performance.md.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use exportsim::engine::{Layout, Record, Sink, Workspace, prepare, simulate, step};
use exportsim::model::Scenario;
use exportsim::stats::cells::Cells;
use exportsim::stats::sink::{SketchPool, SummarySink};
use std::hint::black_box;

fn baseline() -> Scenario {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/baseline.toml");
    exportsim::scenario::load(path.as_ref())
        .expect("baseline loads")
        .scenario
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
    g.bench_function("runs_10000", |b| {
        b.iter(|| exportsim::simulate::summarize(&s, s.seed, 10_000, &()))
    });
    let summary = exportsim::simulate::summarize(&s, s.seed, 1000, &());
    g.bench_function("write_outputs", |b| {
        b.iter(|| {
            let dir = tempfile::tempdir().unwrap();
            exportsim::report::write_tables(dir.path(), &summary, &s).unwrap();
        })
    });
    g.finish();
}

/// The floor of one buyer-quarter decision: what it cannot do without, one exponential
/// (logit weight) per option for as many options as the baseline has chips, and one
/// uniform draw (the buyer's purchase review). Logarithms are not in it: the engine takes
/// them once per run (values) and once per quarter (prices), not per decision.
fn floor(c: &mut Criterion) {
    use rand::Rng;
    let s = baseline();
    let n = s.chips.len();
    let utilities: Vec<f64> = (0..n).map(|i| -3.0 + 0.17 * i as f64).collect();
    let mut rng = exportsim::engine::rng::run_stream(1, 2);
    c.bench_function("floor/buyer_quarter_decision", |b| {
        b.iter(|| {
            let u = black_box(&utilities);
            let mut total = (rng.next_u64() >> 11) as f64;
            for x in u {
                total += x.exp();
            }
            black_box(total)
        })
    });
}

criterion_group!(benches, engine, floor);
criterion_main!(benches);
