//! From runs to a [`Summary`]: which outcome cells are tracked, how one run's [`Record`]
//! fills them, and the tidy tables every writer and chart reads.

use super::{Accumulator, Stats};
use crate::engine::{Layout, Record};
use crate::model::{Channel, Origin, Scenario};
use serde::{Deserialize, Serialize};

/// Metrics reported per vendor and period.
pub const VENDOR_METRICS: [&str; 6] = [
    "units",
    "compute_h100e",
    "revenue_usd",
    "units_share",
    "compute_share",
    "revenue_share",
];
/// Metrics reported for the whole market per period.
pub const MARKET_METRICS: [&str; 12] = [
    "units",
    "compute_h100e",
    "revenue_usd",
    "spend_usd",
    "us_government_usd",
    "demand_h100e",
    "unmet_h100e",
    "grey_units",
    "seized_units",
    "domestic_units_share",
    "domestic_compute_share",
    "domestic_revenue_share",
];

/// Where each group of cells starts in a run's value vector.
#[derive(Debug, Clone)]
pub struct Cells {
    layout: Layout,
    vendors: usize,
    periods: usize,
    years: Vec<i32>,
    /// 0 when the horizon starts in Q1, 3 when in Q4.
    first_quarter: usize,
    vendor_of_chip: Vec<usize>,
    domestic_vendor: Vec<bool>,
    h100e: Vec<f64>,
    vendor_at: usize,
    market_at: usize,
    delivered_at: usize,
    ordered_at: usize,
    backlog_at: usize,
    demand_at: usize,
    unmet_at: usize,
    supply_at: usize,
    seized_at: usize,
    policy_at: usize,
    total: usize,
}

impl Cells {
    pub fn of(s: &Scenario) -> Cells {
        let layout = Layout::of(s);
        let years: Vec<i32> = (s.start.year()..=s.end.year()).collect();
        let periods = layout.quarters + years.len();
        let (q, b, c, p, v) = (
            layout.quarters,
            layout.buyers,
            layout.chips,
            layout.policies,
            s.vendors.len(),
        );
        let vendor_at = 0;
        let market_at = vendor_at + periods * v * VENDOR_METRICS.len();
        let delivered_at = market_at + periods * MARKET_METRICS.len();
        let ordered_at = delivered_at + q * b * c * Channel::COUNT;
        let backlog_at = ordered_at + q * b * c;
        let demand_at = backlog_at + q * b * c;
        let unmet_at = demand_at + q * b;
        let supply_at = unmet_at + q * b;
        let seized_at = supply_at + q * c;
        let policy_at = seized_at + q * c;
        let total = policy_at + q * p;
        Cells {
            layout,
            vendors: v,
            periods,
            years,
            first_quarter: usize::from(s.start.quarter() - 1),
            vendor_of_chip: s.chips.iter().map(|x| x.vendor).collect(),
            domestic_vendor: s
                .vendors
                .iter()
                .map(|v| v.origin == Origin::Domestic)
                .collect(),
            h100e: s.chips.iter().map(|x| x.h100e()).collect(),
            vendor_at,
            market_at,
            delivered_at,
            ordered_at,
            backlog_at,
            demand_at,
            unmet_at,
            supply_at,
            seized_at,
            policy_at,
            total,
        }
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Period index of quarter `q`'s year.
    fn year_period(&self, year_index: usize) -> usize {
        self.layout.quarters + year_index
    }

    fn vendor_cell(&self, period: usize, vendor: usize, metric: usize) -> usize {
        self.vendor_at + (period * self.vendors + vendor) * VENDOR_METRICS.len() + metric
    }

    fn market_cell(&self, period: usize, metric: usize) -> usize {
        self.market_at + period * MARKET_METRICS.len() + metric
    }

    /// Fills `out` (length [`Cells::len`]) from one run's record.
    pub fn extract(&self, r: &Record, out: &mut [f64]) {
        // The per-run arrays are copied as they are: the cells mirror the record's layout.
        out[self.delivered_at..self.ordered_at].copy_from_slice(&r.delivered);
        out[self.ordered_at..self.backlog_at].copy_from_slice(&r.ordered);
        out[self.backlog_at..self.demand_at].copy_from_slice(&r.backlog);
        out[self.demand_at..self.unmet_at].copy_from_slice(&r.demand);
        out[self.unmet_at..self.supply_at].copy_from_slice(&r.unmet);
        out[self.supply_at..self.seized_at].copy_from_slice(&r.supply);
        out[self.seized_at..self.policy_at].copy_from_slice(&r.seized);
        for (o, a) in out[self.policy_at..self.total]
            .iter_mut()
            .zip(&r.policy_active)
        {
            *o = f64::from(u8::from(*a));
        }
        out[..self.delivered_at].fill(0.0);
        self.sum_quarters(r, out);
        self.sum_years(out);
        for p in 0..self.periods {
            self.shares(p, out);
        }
    }

    /// Vendor units, compute and revenue, and the market's raw totals, per quarter.
    fn sum_quarters(&self, r: &Record, out: &mut [f64]) {
        let lay = self.layout;
        for q in 0..lay.quarters {
            for b in 0..lay.buyers {
                for c in 0..lay.chips {
                    let base = lay.qbck(q, b, c, Channel::Legal);
                    let d = &r.delivered[base..base + Channel::COUNT];
                    let units = d[0] + d[1] + d[2];
                    if units == 0.0 {
                        continue;
                    }
                    let v = self.vendor_of_chip[c];
                    out[self.vendor_cell(q, v, 0)] += units;
                    out[self.vendor_cell(q, v, 1)] += units * self.h100e[c];
                    out[self.market_cell(q, 3)] +=
                        r.spend[base..base + Channel::COUNT].iter().sum::<f64>();
                    out[self.market_cell(q, 7)] += d[Channel::Grey.index()];
                }
                let i = lay.qb(q, b);
                out[self.market_cell(q, 5)] += r.demand[i];
                out[self.market_cell(q, 6)] += r.unmet[i];
            }
            for c in 0..lay.chips {
                let i = lay.qc(q, c);
                out[self.vendor_cell(q, self.vendor_of_chip[c], 2)] += r.revenue[i];
                out[self.market_cell(q, 8)] += r.seized[i];
            }
            out[self.market_cell(q, 4)] += r.us_government[q];
        }
    }

    /// Yearly totals: the sums of each year's quarters (shares are recomputed, not summed).
    fn sum_years(&self, out: &mut [f64]) {
        for q in 0..self.layout.quarters {
            let yp = self.year_period((self.first_quarter + q) / 4);
            for v in 0..self.vendors {
                for m in 0..3 {
                    out[self.vendor_cell(yp, v, m)] += out[self.vendor_cell(q, v, m)];
                }
            }
            for m in 3..9 {
                out[self.market_cell(yp, m)] += out[self.market_cell(q, m)];
            }
        }
    }

    /// Vendor shares, market totals and the domestic share for one period.
    fn shares(&self, p: usize, out: &mut [f64]) {
        let mut totals = [0.0; 3];
        let mut domestic = [0.0; 3];
        for v in 0..self.vendors {
            for m in 0..3 {
                let x = out[self.vendor_cell(p, v, m)];
                totals[m] += x;
                if self.domestic_vendor[v] {
                    domestic[m] += x;
                }
            }
        }
        for v in 0..self.vendors {
            for m in 0..3 {
                let x = out[self.vendor_cell(p, v, m)];
                out[self.vendor_cell(p, v, 3 + m)] =
                    if totals[m] > 0.0 { x / totals[m] } else { 0.0 };
            }
        }
        for m in 0..3 {
            out[self.market_cell(p, m)] = totals[m];
            out[self.market_cell(p, 9 + m)] = if totals[m] > 0.0 {
                domestic[m] / totals[m]
            } else {
                0.0
            };
        }
    }
}

/// Metadata recorded with every output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metadata {
    pub scenario: String,
    pub description: String,
    pub seed: u64,
    pub runs: u64,
    pub exportsim_version: String,
    /// SHA-256 of `scenario.resolved.toml`.
    pub scenario_hash: String,
    pub start: String,
    pub end: String,
    /// How quantiles were computed and their error bound.
    pub quantiles: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VendorInfo {
    pub id: String,
    pub origin: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChipInfo {
    pub id: String,
    pub name: String,
    pub vendor: String,
    pub origin: String,
    /// True when the chip has a [[supply]] limit.
    pub capacity_bound: bool,
    /// H100-equivalents per unit (dense BF16 TFLOPS / 989), to turn units into compute.
    #[serde(default)]
    pub h100e: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuyerInfo {
    pub id: String,
    pub name: String,
    pub class: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyInfo {
    pub id: String,
    pub kind: String,
    pub label: String,
    /// The quarter the policy starts, as written in the scenario (before any drawn delay).
    #[serde(default)]
    pub start: String,
    /// The last quarter in force, if the scenario gives one.
    #[serde(default)]
    pub end: Option<String>,
    /// Probability that the policy happens in a run: a number or a distribution.
    #[serde(default)]
    pub probability: String,
    /// Share of runs in which the policy was in force, per quarter.
    pub active_share: Vec<f64>,
}

/// One uncertain input of the scenario: its path and the distribution it is drawn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UncertainInput {
    pub path: String,
    pub distribution: String,
}

/// One row of a tidy table: a period (`2024Q3` or `2024`), a key, a metric and its stats.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Row {
    pub period: String,
    pub key: String,
    pub metric: String,
    #[serde(flatten)]
    pub stats: Stats,
}

/// One row of the buyers table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuyerRow {
    pub quarter: String,
    pub buyer: String,
    /// Chip id, or `all` for per-buyer metrics.
    pub chip: String,
    /// `legal`, `licensed`, `grey`, or `all`.
    pub channel: String,
    pub metric: String,
    #[serde(flatten)]
    pub stats: Stats,
}

/// Everything a run produces, in tidy tables; the one input of writers and charts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub metadata: Metadata,
    pub quarters: Vec<String>,
    pub years: Vec<String>,
    pub vendors: Vec<VendorInfo>,
    pub chips: Vec<ChipInfo>,
    pub buyers: Vec<BuyerInfo>,
    pub policies: Vec<PolicyInfo>,
    /// Every input drawn from a distribution (fixed inputs are left out), for reports.
    #[serde(default)]
    pub uncertain: Vec<UncertainInput>,
    /// Per (period, vendor, metric); periods are quarters then years.
    pub vendor_rows: Vec<Row>,
    /// Per (period, `market`, metric).
    pub market_rows: Vec<Row>,
    /// Per (quarter, buyer, chip, channel, metric); rows that are zero in every run are left out.
    pub buyer_rows: Vec<BuyerRow>,
    /// Per (quarter, chip, metric): `supply_units`, `ordered_units`, `delivered_units`,
    /// `backlog_units`, `seized_units` (means over runs; quantiles for supply and seized).
    pub chip_rows: Vec<Row>,
}

impl Summary {
    /// Builds the summary from the accumulated cells.
    pub fn build(s: &Scenario, cells: &Cells, acc: &Accumulator) -> Summary {
        let lay = cells.layout;
        let quarters: Vec<String> = s.quarters().map(|q| q.to_string()).collect();
        let years: Vec<String> = cells.years.iter().map(|y| y.to_string()).collect();
        let periods: Vec<&String> = quarters.iter().chain(&years).collect();
        let mut vendor_rows = Vec::new();
        for (p, period) in periods.iter().enumerate() {
            for (v, vendor) in s.vendors.iter().enumerate() {
                for (m, metric) in VENDOR_METRICS.iter().enumerate() {
                    let stats = acc.stats(cells.vendor_cell(p, v, m));
                    vendor_rows.push(Row {
                        period: (*period).clone(),
                        key: vendor.id.clone(),
                        metric: (*metric).into(),
                        stats,
                    });
                }
            }
        }
        let mut market_rows = Vec::new();
        for (p, period) in periods.iter().enumerate() {
            for (m, metric) in MARKET_METRICS.iter().enumerate() {
                let stats = acc.stats(cells.market_cell(p, m));
                market_rows.push(Row {
                    period: (*period).clone(),
                    key: "market".into(),
                    metric: (*metric).into(),
                    stats,
                });
            }
        }
        let mut buyer_rows = Vec::new();
        let mut chip_rows = Vec::new();
        for (q, quarter) in quarters.iter().enumerate() {
            for (b, buyer) in s.buyers.iter().enumerate() {
                let row = |chip: &str, channel: &str, metric: &str, cell: usize| BuyerRow {
                    quarter: quarter.clone(),
                    buyer: buyer.id.clone(),
                    chip: chip.into(),
                    channel: channel.into(),
                    metric: metric.into(),
                    stats: acc.stats(cell),
                };
                for (c, chip) in s.chips.iter().enumerate() {
                    for ch in Channel::ALL {
                        let cell = cells.delivered_at + lay.qbck(q, b, c, ch);
                        if acc.any_nonzero(cell) {
                            buyer_rows.push(row(&chip.id, ch.as_str(), "delivered_units", cell));
                        }
                    }
                    for (metric, at) in [
                        ("ordered_units", cells.ordered_at),
                        ("backlog_units", cells.backlog_at),
                    ] {
                        let cell = at + lay.qbc(q, b, c);
                        if acc.any_nonzero(cell) {
                            buyer_rows.push(row(&chip.id, "all", metric, cell));
                        }
                    }
                }
                buyer_rows.push(row(
                    "all",
                    "all",
                    "demand_h100e",
                    cells.demand_at + lay.qb(q, b),
                ));
                buyer_rows.push(row(
                    "all",
                    "all",
                    "unmet_h100e",
                    cells.unmet_at + lay.qb(q, b),
                ));
            }
            for (c, chip) in s.chips.iter().enumerate() {
                let sum_means = |at: usize, per_channel: bool| -> f64 {
                    (0..lay.buyers)
                        .map(|b| {
                            if per_channel {
                                Channel::ALL
                                    .iter()
                                    .map(|&k| acc.mean(at + lay.qbck(q, b, c, k)))
                                    .sum::<f64>()
                            } else {
                                acc.mean(at + lay.qbc(q, b, c))
                            }
                        })
                        .sum()
                };
                let mean_only = |x: f64| Stats {
                    mean: x,
                    ..Stats::default()
                };
                let mut push = |metric: &str, stats: Stats| {
                    chip_rows.push(Row {
                        period: quarter.clone(),
                        key: chip.id.clone(),
                        metric: metric.into(),
                        stats,
                    })
                };
                push("supply_units", acc.stats(cells.supply_at + lay.qc(q, c)));
                push(
                    "ordered_units",
                    mean_only(sum_means(cells.ordered_at, false)),
                );
                push(
                    "delivered_units",
                    mean_only(sum_means(cells.delivered_at, true)),
                );
                push(
                    "backlog_units",
                    mean_only(sum_means(cells.backlog_at, false)),
                );
                push("seized_units", acc.stats(cells.seized_at + lay.qc(q, c)));
            }
        }
        let policies = s
            .policies
            .iter()
            .enumerate()
            .map(|(p, policy)| PolicyInfo {
                id: policy.id.clone(),
                kind: policy.kind.name().into(),
                label: policy.label.clone(),
                start: policy.start.to_string(),
                end: policy.end.map(|q| q.to_string()),
                probability: s.param(policy.probability).dist.to_string(),
                active_share: (0..lay.quarters)
                    .map(|q| acc.mean(cells.policy_at + q * lay.policies + p))
                    .collect(),
            })
            .collect();
        Summary {
            metadata: Metadata {
                scenario: s.name.clone(),
                description: s.description.clone(),
                seed: s.seed,
                runs: acc.runs(),
                exportsim_version: env!("CARGO_PKG_VERSION").into(),
                scenario_hash: s.hash.clone(),
                start: s.start.to_string(),
                end: s.end.to_string(),
                quantiles: format!(
                    "log-bucket sketch: each quantile is within {:.2}% (relative) of the exact order statistic at rank floor(p*(runs-1))",
                    super::sketch::RELATIVE_ERROR * 100.0
                ),
            },
            quarters,
            years,
            vendors: s
                .vendors
                .iter()
                .map(|v| VendorInfo {
                    id: v.id.clone(),
                    origin: v.origin.as_str().into(),
                })
                .collect(),
            chips: s
                .chips
                .iter()
                .enumerate()
                .map(|(c, x)| ChipInfo {
                    id: x.id.clone(),
                    name: x.name.clone(),
                    vendor: s.vendors[x.vendor].id.clone(),
                    origin: x.origin.as_str().into(),
                    capacity_bound: s.supply[c].is_some(),
                    h100e: x.h100e(),
                })
                .collect(),
            buyers: s
                .buyers
                .iter()
                .map(|b| BuyerInfo {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    class: b.class.clone(),
                })
                .collect(),
            policies,
            uncertain: s
                .params
                .iter()
                .filter(|p| !p.dist.is_fixed())
                .map(|p| UncertainInput {
                    path: p.path.clone(),
                    distribution: p.dist.to_string(),
                })
                .collect(),
            vendor_rows,
            market_rows,
            buyer_rows,
            chip_rows,
        }
    }

    /// The row for (period, vendor, metric), if any.
    pub fn vendor(&self, period: &str, vendor: &str, metric: &str) -> Option<&Stats> {
        self.vendor_rows
            .iter()
            .find(|r| r.period == period && r.key == vendor && r.metric == metric)
            .map(|r| &r.stats)
    }

    /// The market row for (period, metric), if any.
    pub fn market(&self, period: &str, metric: &str) -> Option<&Stats> {
        self.market_rows
            .iter()
            .find(|r| r.period == period && r.metric == metric)
            .map(|r| &r.stats)
    }
}

/// Sketch sets shared by the chunks of a simulation: a chunk borrows one, fills it and
/// gives it back, so there are about as many as threads, whatever the run count.
pub struct SketchPool {
    cells: usize,
    free: std::sync::Mutex<Vec<Accumulator>>,
}

impl SketchPool {
    pub fn new(cells: usize) -> SketchPool {
        SketchPool {
            cells,
            free: std::sync::Mutex::new(Vec::new()),
        }
    }

    fn take(&self) -> Accumulator {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        free.pop()
            .unwrap_or_else(|| Accumulator::new(self.cells).take_sketches())
    }

    fn give(&self, sketches: Accumulator) {
        self.free
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(sketches);
    }

    /// All sketches merged (exact, so the order they are merged in does not matter).
    pub fn merged(self) -> Accumulator {
        let mut all = Accumulator::new(self.cells).take_sketches();
        for s in self.free.into_inner().unwrap_or_else(|e| e.into_inner()) {
            all.merge_sketches(&s);
        }
        all
    }
}

/// Rows buffered before they are folded into the accumulators: enough to make the
/// cell-by-cell pass cache-friendly, few enough to stay in cache.
const FLUSH_ROWS: usize = 32;

/// The sink that feeds the summary. Each chunk buffers its runs' rows and folds them in
/// cell by cell when the chunk ends: moments into its own accumulator (merged in run
/// order), sketches into a set borrowed from the pool.
pub struct SummarySink<'a> {
    pub cells: &'a Cells,
    pub acc: Accumulator,
    pool: &'a SketchPool,
    rows: Vec<f64>,
    count: usize,
}

impl<'a> SummarySink<'a> {
    pub fn new(cells: &'a Cells, pool: &'a SketchPool) -> SummarySink<'a> {
        SummarySink {
            cells,
            acc: Accumulator::new(cells.len()).without_sketches(),
            pool,
            rows: Vec::new(),
            count: 0,
        }
    }

    /// Folds the buffered rows in, cell by cell.
    fn flush(&mut self) {
        if self.count == 0 {
            return;
        }
        let n = self.cells.len();
        let mut sketches = self.pool.take();
        self.acc.add_rows(
            &self.rows[..self.count * n],
            self.count,
            sketches.sketches_mut(),
        );
        self.pool.give(sketches);
        self.count = 0;
    }

    /// The moments gathered so far (without sketches: those are in the pool).
    pub fn into_accumulator(self) -> Accumulator {
        self.acc
    }
}

impl crate::engine::Sink for SummarySink<'_> {
    fn add(&mut self, _run: u64, record: &Record) {
        let n = self.cells.len();
        self.rows.resize((self.count + 1) * n, 0.0);
        self.cells.extract(record, &mut self.rows[self.count * n..]);
        self.count += 1;
        if self.count == FLUSH_ROWS {
            self.flush();
        }
    }

    fn finish(&mut self) {
        self.flush();
        self.rows = Vec::new();
    }

    fn merge(&mut self, later: Self) {
        self.acc.merge(&later.acc);
    }
}
