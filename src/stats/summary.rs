//! From runs to a [`Summary`]: which outcome cells are tracked, how one run's [`Record`]
//! fills them, and the tidy tables every writer and chart reads.

use super::{Accumulator, Stats};
use crate::engine::{Layout, Record};
use crate::model::{Channel, Origin, Scenario};
use serde::{Deserialize, Serialize};

/// Metrics reported per vendor and period.
pub const VENDOR_METRICS: [&str; 6] = ["units", "compute_h100e", "revenue_usd", "units_share", "compute_share", "revenue_share"];
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
    domestic: Vec<bool>,
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
        let (q, b, c, p, v) = (layout.quarters, layout.buyers, layout.chips, layout.policies, s.vendors.len());
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
            domestic: s.chips.iter().map(|x| x.origin == Origin::Domestic).collect(),
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
        let lay = self.layout;
        out.fill(0.0);
        // Raw sums per quarter and per year: vendor units, compute, revenue; market totals.
        for q in 0..lay.quarters {
            let year = (self.first_quarter + q) / 4;
            let yp = self.year_period(year);
            for b in 0..lay.buyers {
                for c in 0..lay.chips {
                    let v = self.vendor_of_chip[c];
                    let base = lay.qbck(q, b, c, Channel::Legal);
                    let units: f64 = r.delivered[base..base + Channel::COUNT].iter().sum();
                    let spend: f64 = r.spend[base..base + Channel::COUNT].iter().sum();
                    for (k, ch) in Channel::ALL.iter().enumerate() {
                        out[self.delivered_at + base + k] = r.delivered[base + k];
                        if *ch == Channel::Grey {
                            for p in [q, yp] {
                                out[self.market_cell(p, 7)] += r.delivered[base + k];
                            }
                        }
                    }
                    for p in [q, yp] {
                        out[self.vendor_cell(p, v, 0)] += units;
                        out[self.vendor_cell(p, v, 1)] += units * self.h100e[c];
                        out[self.market_cell(p, 3)] += spend;
                    }
                    let i = lay.qbc(q, b, c);
                    out[self.ordered_at + i] = r.ordered[i];
                    out[self.backlog_at + i] = r.backlog[i];
                }
                let i = lay.qb(q, b);
                out[self.demand_at + i] = r.demand[i];
                out[self.unmet_at + i] = r.unmet[i];
                for p in [q, yp] {
                    out[self.market_cell(p, 5)] += r.demand[i];
                    out[self.market_cell(p, 6)] += r.unmet[i];
                }
            }
            for c in 0..lay.chips {
                let v = self.vendor_of_chip[c];
                let i = lay.qc(q, c);
                out[self.supply_at + i] = r.supply[i];
                out[self.seized_at + i] = r.seized[i];
                for p in [q, yp] {
                    out[self.vendor_cell(p, v, 2)] += r.revenue[i];
                    out[self.market_cell(p, 8)] += r.seized[i];
                }
            }
            for p in [q, yp] {
                out[self.market_cell(p, 4)] += r.us_government[q];
            }
            for p in 0..lay.policies {
                out[self.policy_at + q * lay.policies + p] = f64::from(u8::from(r.policy_active[q * lay.policies + p]));
            }
        }
        // Shares and market totals per period.
        for p in 0..self.periods {
            let mut totals = [0.0; 3];
            let mut domestic = [0.0; 3];
            for v in 0..self.vendors {
                for m in 0..3 {
                    totals[m] += out[self.vendor_cell(p, v, m)];
                }
            }
            for v in 0..self.vendors {
                let is_domestic = self.vendor_is_domestic(v);
                for m in 0..3 {
                    let x = out[self.vendor_cell(p, v, m)];
                    if is_domestic {
                        domestic[m] += x;
                    }
                    out[self.vendor_cell(p, v, 3 + m)] = if totals[m] > 0.0 { x / totals[m] } else { 0.0 };
                }
            }
            for m in 0..3 {
                out[self.market_cell(p, m)] = totals[m];
                out[self.market_cell(p, 9 + m)] = if totals[m] > 0.0 { domestic[m] / totals[m] } else { 0.0 };
            }
        }
    }

    fn vendor_is_domestic(&self, v: usize) -> bool {
        self.vendor_of_chip.iter().zip(&self.domestic).any(|(&x, &d)| x == v && d)
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
    /// Share of runs in which the policy was in force, per quarter.
    pub active_share: Vec<f64>,
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
                    vendor_rows.push(Row { period: (*period).clone(), key: vendor.id.clone(), metric: (*metric).into(), stats });
                }
            }
        }
        let mut market_rows = Vec::new();
        for (p, period) in periods.iter().enumerate() {
            for (m, metric) in MARKET_METRICS.iter().enumerate() {
                let stats = acc.stats(cells.market_cell(p, m));
                market_rows.push(Row { period: (*period).clone(), key: "market".into(), metric: (*metric).into(), stats });
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
                    for (metric, at) in [("ordered_units", cells.ordered_at), ("backlog_units", cells.backlog_at)] {
                        let cell = at + lay.qbc(q, b, c);
                        if acc.any_nonzero(cell) {
                            buyer_rows.push(row(&chip.id, "all", metric, cell));
                        }
                    }
                }
                buyer_rows.push(row("all", "all", "demand_h100e", cells.demand_at + lay.qb(q, b)));
                buyer_rows.push(row("all", "all", "unmet_h100e", cells.unmet_at + lay.qb(q, b)));
            }
            for (c, chip) in s.chips.iter().enumerate() {
                let sum_means = |at: usize, per_channel: bool| -> f64 {
                    (0..lay.buyers)
                        .map(|b| {
                            if per_channel {
                                Channel::ALL.iter().map(|&k| acc.mean(at + lay.qbck(q, b, c, k))).sum::<f64>()
                            } else {
                                acc.mean(at + lay.qbc(q, b, c))
                            }
                        })
                        .sum()
                };
                let mean_only = |x: f64| Stats { mean: x, ..Stats::default() };
                let mut push = |metric: &str, stats: Stats| {
                    chip_rows.push(Row { period: quarter.clone(), key: chip.id.clone(), metric: metric.into(), stats })
                };
                push("supply_units", acc.stats(cells.supply_at + lay.qc(q, c)));
                push("ordered_units", mean_only(sum_means(cells.ordered_at, false)));
                push("delivered_units", mean_only(sum_means(cells.delivered_at, true)));
                push("backlog_units", mean_only(sum_means(cells.backlog_at, false)));
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
                active_share: (0..lay.quarters).map(|q| acc.mean(cells.policy_at + q * lay.policies + p)).collect(),
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
            vendors: s.vendors.iter().map(|v| VendorInfo { id: v.id.clone(), origin: v.origin.as_str().into() }).collect(),
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
                })
                .collect(),
            buyers: s.buyers.iter().map(|b| BuyerInfo { id: b.id.clone(), name: b.name.clone(), class: b.class.clone() }).collect(),
            policies,
            vendor_rows,
            market_rows,
            buyer_rows,
            chip_rows,
        }
    }

    /// The row for (period, vendor, metric), if any.
    pub fn vendor(&self, period: &str, vendor: &str, metric: &str) -> Option<&Stats> {
        self.vendor_rows.iter().find(|r| r.period == period && r.key == vendor && r.metric == metric).map(|r| &r.stats)
    }

    /// The market row for (period, metric), if any.
    pub fn market(&self, period: &str, metric: &str) -> Option<&Stats> {
        self.market_rows.iter().find(|r| r.period == period && r.metric == metric).map(|r| &r.stats)
    }
}

/// The sink that feeds the summary: one accumulator per chunk plus a scratch row.
pub struct SummarySink<'a> {
    pub cells: &'a Cells,
    pub acc: Accumulator,
    row: Vec<f64>,
}

impl<'a> SummarySink<'a> {
    pub fn new(cells: &'a Cells) -> SummarySink<'a> {
        SummarySink { cells, acc: Accumulator::new(cells.len()), row: vec![0.0; cells.len()] }
    }
}

impl crate::engine::Sink for SummarySink<'_> {
    fn add(&mut self, _run: u64, record: &Record) {
        self.cells.extract(record, &mut self.row);
        self.acc.add(&self.row);
    }

    fn merge(&mut self, later: Self) {
        self.acc.merge(&later.acc);
    }
}
