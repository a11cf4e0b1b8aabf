//! From runs to a [`Summary`]: the tidy tables every writer and chart reads, built from
//! the accumulated [`Cells`] of all runs.

use super::metric::{BuyerMetric, ChipMetric, MarketMetric, VendorMetric};
use super::{Accumulator, Stats};
use crate::model::{Channel, Scenario};
use serde::{Deserialize, Serialize};

// The paths callers used before cells, metrics and the sink had files of their own.
use super::cells::Cells;

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
        let quarters: Vec<String> = s.quarters().map(|q| q.to_string()).collect();
        let years: Vec<String> = cells.years().iter().map(|y| y.to_string()).collect();
        let periods: Vec<&String> = quarters.iter().chain(&years).collect();
        let t = Tables { s, cells, acc };
        Summary {
            metadata: metadata(s, acc),
            vendors: vendor_infos(s),
            chips: chip_infos(s),
            buyers: buyer_infos(s),
            policies: t.policy_infos(),
            uncertain: uncertain_inputs(s),
            vendor_rows: t.vendor_rows(&periods),
            market_rows: t.market_rows(&periods),
            buyer_rows: t.buyer_rows(&quarters),
            chip_rows: t.chip_rows(&quarters),
            quarters,
            years,
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

fn metadata(s: &Scenario, acc: &Accumulator) -> Metadata {
    Metadata {
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
    }
}

fn vendor_infos(s: &Scenario) -> Vec<VendorInfo> {
    s.vendors
        .iter()
        .map(|v| VendorInfo {
            id: v.id.clone(),
            origin: v.origin.as_str().into(),
        })
        .collect()
}

fn chip_infos(s: &Scenario) -> Vec<ChipInfo> {
    s.chips
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
        .collect()
}

fn buyer_infos(s: &Scenario) -> Vec<BuyerInfo> {
    s.buyers
        .iter()
        .map(|b| BuyerInfo {
            id: b.id.clone(),
            name: b.name.clone(),
            class: b.class.clone(),
        })
        .collect()
}

fn uncertain_inputs(s: &Scenario) -> Vec<UncertainInput> {
    s.params
        .iter()
        .filter(|p| !p.dist.is_fixed())
        .map(|p| UncertainInput {
            path: p.path.clone(),
            distribution: p.dist.to_string(),
        })
        .collect()
}

/// What the tables are read from: the scenario, where its cells are, and their statistics.
struct Tables<'a> {
    s: &'a Scenario,
    cells: &'a Cells,
    acc: &'a Accumulator,
}

impl Tables<'_> {
    fn policy_infos(&self) -> Vec<PolicyInfo> {
        let s = self.s;
        s.policies
            .iter()
            .enumerate()
            .map(|(p, policy)| PolicyInfo {
                id: policy.id.clone(),
                kind: policy.kind.name().into(),
                label: policy.label.clone(),
                start: policy.start.to_string(),
                end: policy.end.map(|q| q.to_string()),
                probability: s.param(policy.probability).dist.to_string(),
                active_share: (0..self.cells.layout().quarters)
                    .map(|q| self.acc.mean(self.cells.policy_active(q, p)))
                    .collect(),
            })
            .collect()
    }

    /// Per (period, vendor, metric).
    fn vendor_rows(&self, periods: &[&String]) -> Vec<Row> {
        let mut rows = Vec::new();
        for (p, period) in periods.iter().enumerate() {
            for (v, vendor) in self.s.vendors.iter().enumerate() {
                for metric in VendorMetric::ALL {
                    rows.push(Row {
                        period: (*period).clone(),
                        key: vendor.id.clone(),
                        metric: metric.name().into(),
                        stats: self.acc.stats(self.cells.vendor_cell(p, v, metric)),
                    });
                }
            }
        }
        rows
    }

    /// Per (period, `market`, metric).
    fn market_rows(&self, periods: &[&String]) -> Vec<Row> {
        let mut rows = Vec::new();
        for (p, period) in periods.iter().enumerate() {
            for metric in MarketMetric::ALL {
                rows.push(Row {
                    period: (*period).clone(),
                    key: "market".into(),
                    metric: metric.name().into(),
                    stats: self.acc.stats(self.cells.market_cell(p, metric)),
                });
            }
        }
        rows
    }

    /// Per (quarter, buyer, chip, channel, metric), leaving out cells zero in every run
    /// (demand and unmet demand are always written).
    fn buyer_rows(&self, quarters: &[String]) -> Vec<BuyerRow> {
        let mut rows = Vec::new();
        for (q, quarter) in quarters.iter().enumerate() {
            for (b, buyer) in self.s.buyers.iter().enumerate() {
                let mut push = |chip: &str, channel: &str, metric: BuyerMetric, cell: usize| {
                    rows.push(BuyerRow {
                        quarter: quarter.clone(),
                        buyer: buyer.id.clone(),
                        chip: chip.into(),
                        channel: channel.into(),
                        metric: metric.name().into(),
                        stats: self.acc.stats(cell),
                    })
                };
                self.buyer_chip_rows(q, b, &mut push);
                push(
                    "all",
                    "all",
                    BuyerMetric::DemandH100e,
                    self.cells.demand(q, b),
                );
                push(
                    "all",
                    "all",
                    BuyerMetric::UnmetH100e,
                    self.cells.unmet(q, b),
                );
            }
        }
        rows
    }

    /// Buyer `b`'s non-zero rows per chip in quarter `q`: deliveries per channel, then orders
    /// and backlog.
    fn buyer_chip_rows(
        &self,
        q: usize,
        b: usize,
        push: &mut impl FnMut(&str, &str, BuyerMetric, usize),
    ) {
        let cells = self.cells;
        for (c, chip) in self.s.chips.iter().enumerate() {
            for ch in Channel::ALL {
                let cell = cells.delivered(q, b, c, ch);
                if self.acc.any_nonzero(cell) {
                    push(&chip.id, ch.as_str(), BuyerMetric::DeliveredUnits, cell);
                }
            }
            for (metric, cell) in [
                (BuyerMetric::OrderedUnits, cells.ordered(q, b, c)),
                (BuyerMetric::BacklogUnits, cells.backlog(q, b, c)),
            ] {
                if self.acc.any_nonzero(cell) {
                    push(&chip.id, "all", metric, cell);
                }
            }
        }
    }

    /// Per (quarter, chip, metric).
    fn chip_rows(&self, quarters: &[String]) -> Vec<Row> {
        let mut rows = Vec::new();
        for (q, quarter) in quarters.iter().enumerate() {
            for (c, chip) in self.s.chips.iter().enumerate() {
                for metric in ChipMetric::ALL {
                    rows.push(Row {
                        period: quarter.clone(),
                        key: chip.id.clone(),
                        metric: metric.name().into(),
                        stats: self.chip_stats(q, c, metric),
                    });
                }
            }
        }
        rows
    }

    /// Supply and seizures are cells of their own; orders, deliveries and backlog are the
    /// sums of the buyers' means (so only the mean is reported).
    fn chip_stats(&self, q: usize, c: usize, metric: ChipMetric) -> Stats {
        let (acc, cells) = (self.acc, self.cells);
        let buyers = 0..cells.layout().buyers;
        let mean = match metric {
            ChipMetric::SupplyUnits => return acc.stats(cells.supply(q, c)),
            ChipMetric::SeizedUnits => return acc.stats(cells.seized(q, c)),
            ChipMetric::OrderedUnits => buyers.map(|b| acc.mean(cells.ordered(q, b, c))).sum(),
            ChipMetric::BacklogUnits => buyers.map(|b| acc.mean(cells.backlog(q, b, c))).sum(),
            ChipMetric::DeliveredUnits => buyers
                .map(|b| {
                    Channel::ALL
                        .iter()
                        .map(|&k| acc.mean(cells.delivered(q, b, c, k)))
                        .sum::<f64>()
                })
                .sum(),
        };
        Stats {
            mean,
            ..Stats::default()
        }
    }
}
