//! The outcome cells a run fills: where each group starts in a run's value vector, and how
//! one run's [`Record`] fills them (per-run arrays copied, vendor and market metrics summed
//! per quarter, then per year, then turned into shares).

use super::metric::{MarketMetric, VendorMetric};
use crate::engine::{Layout, Record};
use crate::model::{Channel, Origin, Scenario};

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

/// Hands out consecutive groups of cells.
struct Cursor(usize);

impl Cursor {
    /// The start of the next `len` cells.
    fn take(&mut self, len: usize) -> usize {
        let at = self.0;
        self.0 += len;
        at
    }
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
        let mut next = Cursor(0);
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
            vendor_at: next.take(periods * v * VendorMetric::COUNT),
            market_at: next.take(periods * MarketMetric::COUNT),
            delivered_at: next.take(q * b * c * Channel::COUNT),
            ordered_at: next.take(q * b * c),
            backlog_at: next.take(q * b * c),
            demand_at: next.take(q * b),
            unmet_at: next.take(q * b),
            supply_at: next.take(q * c),
            seized_at: next.take(q * c),
            policy_at: next.take(q * p),
            total: next.0,
        }
    }

    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    pub(super) fn layout(&self) -> Layout {
        self.layout
    }

    /// The calendar years of the horizon; year periods follow the quarters.
    pub(super) fn years(&self) -> &[i32] {
        &self.years
    }

    /// Period index of the `year_index`-th year.
    fn year_period(&self, year_index: usize) -> usize {
        self.layout.quarters + year_index
    }

    pub(super) fn vendor_cell(&self, period: usize, vendor: usize, metric: VendorMetric) -> usize {
        self.vendor_at + (period * self.vendors + vendor) * VendorMetric::COUNT + metric.index()
    }

    pub(super) fn market_cell(&self, period: usize, metric: MarketMetric) -> usize {
        self.market_at + period * MarketMetric::COUNT + metric.index()
    }

    pub(super) fn delivered(&self, q: usize, b: usize, c: usize, ch: Channel) -> usize {
        self.delivered_at + self.layout.qbck(q, b, c, ch)
    }

    pub(super) fn ordered(&self, q: usize, b: usize, c: usize) -> usize {
        self.ordered_at + self.layout.qbc(q, b, c)
    }

    pub(super) fn backlog(&self, q: usize, b: usize, c: usize) -> usize {
        self.backlog_at + self.layout.qbc(q, b, c)
    }

    pub(super) fn demand(&self, q: usize, b: usize) -> usize {
        self.demand_at + self.layout.qb(q, b)
    }

    pub(super) fn unmet(&self, q: usize, b: usize) -> usize {
        self.unmet_at + self.layout.qb(q, b)
    }

    pub(super) fn supply(&self, q: usize, c: usize) -> usize {
        self.supply_at + self.layout.qc(q, c)
    }

    pub(super) fn seized(&self, q: usize, c: usize) -> usize {
        self.seized_at + self.layout.qc(q, c)
    }

    /// The cell saying whether policy `p` was in force in quarter `q` (1 or 0).
    pub(super) fn policy_active(&self, q: usize, p: usize) -> usize {
        self.policy_at + q * self.layout.policies + p
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
                self.sum_deliveries(r, q, b, out);
                let i = lay.qb(q, b);
                out[self.market_cell(q, MarketMetric::DemandH100e)] += r.demand[i];
                out[self.market_cell(q, MarketMetric::UnmetH100e)] += r.unmet[i];
            }
            for c in 0..lay.chips {
                let i = lay.qc(q, c);
                let v = self.vendor_of_chip[c];
                out[self.vendor_cell(q, v, VendorMetric::RevenueUsd)] += r.revenue[i];
                out[self.market_cell(q, MarketMetric::SeizedUnits)] += r.seized[i];
            }
            out[self.market_cell(q, MarketMetric::UsGovernmentUsd)] += r.us_government[q];
        }
    }

    /// Buyer `b`'s deliveries in quarter `q`: vendor units and compute, market spend and
    /// grey units.
    #[inline]
    fn sum_deliveries(&self, r: &Record, q: usize, b: usize, out: &mut [f64]) {
        for c in 0..self.layout.chips {
            let base = self.layout.qbck(q, b, c, Channel::Legal);
            let d = &r.delivered[base..base + Channel::COUNT];
            let units = d[0] + d[1] + d[2];
            if units == 0.0 {
                continue;
            }
            let v = self.vendor_of_chip[c];
            out[self.vendor_cell(q, v, VendorMetric::Units)] += units;
            out[self.vendor_cell(q, v, VendorMetric::ComputeH100e)] += units * self.h100e[c];
            out[self.market_cell(q, MarketMetric::SpendUsd)] +=
                r.spend[base..base + Channel::COUNT].iter().sum::<f64>();
            out[self.market_cell(q, MarketMetric::GreyUnits)] += d[Channel::Grey.index()];
        }
    }

    /// Yearly totals: the sums of each year's quarters (shares are recomputed, not summed).
    fn sum_years(&self, out: &mut [f64]) {
        for q in 0..self.layout.quarters {
            let yp = self.year_period((self.first_quarter + q) / 4);
            for v in 0..self.vendors {
                for m in VendorMetric::TOTALS {
                    out[self.vendor_cell(yp, v, m)] += out[self.vendor_cell(q, v, m)];
                }
            }
            for m in MarketMetric::SUMMED {
                out[self.market_cell(yp, m)] += out[self.market_cell(q, m)];
            }
        }
    }

    /// Vendor shares, market totals and the domestic share for one period.
    fn shares(&self, p: usize, out: &mut [f64]) {
        let mut totals = [0.0; 3];
        let mut domestic = [0.0; 3];
        for v in 0..self.vendors {
            for (i, m) in VendorMetric::TOTALS.into_iter().enumerate() {
                let x = out[self.vendor_cell(p, v, m)];
                totals[i] += x;
                if self.domestic_vendor[v] {
                    domestic[i] += x;
                }
            }
        }
        for v in 0..self.vendors {
            for (i, m) in VendorMetric::TOTALS.into_iter().enumerate() {
                let x = out[self.vendor_cell(p, v, m)];
                out[self.vendor_cell(p, v, m.share())] =
                    if totals[i] > 0.0 { x / totals[i] } else { 0.0 };
            }
        }
        for (i, m) in VendorMetric::TOTALS.into_iter().enumerate() {
            out[self.market_cell(p, MarketMetric::total_of(m))] = totals[i];
            out[self.market_cell(p, MarketMetric::domestic_share_of(m))] = if totals[i] > 0.0 {
                domestic[i] / totals[i]
            } else {
                0.0
            };
        }
    }
}
