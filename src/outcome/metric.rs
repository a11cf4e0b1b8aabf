//! The metrics an outcome can name: which array of a run's [`Record`] each reads, the
//! filters it accepts, and how it adds up over a period.

use crate::engine::Record;

/// An array of a run's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `[q][b][c][channel]`
    Delivered,
    /// `[q][b][c][channel]`
    Spend,
    /// `[q][b][c]`
    Ordered,
    /// `[q][b][c]`
    Backlog,
    /// `[q][b]`
    Demand,
    /// `[q][b]`
    Unmet,
    /// `[q][c]`
    Revenue,
    /// `[q][c]`
    Supply,
    /// `[q][c]`
    Seized,
    /// `[q]`
    UsGovernment,
    /// `[q][p]`
    PolicyActive,
}

/// A dimension an outcome can be filtered on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Vendor,
    Chip,
    Origin,
    Buyer,
    Class,
    Channel,
    Policy,
}

impl Key {
    pub const ALL: [Key; 7] = [
        Key::Vendor,
        Key::Chip,
        Key::Origin,
        Key::Buyer,
        Key::Class,
        Key::Channel,
        Key::Policy,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Key::Vendor => "vendor",
            Key::Chip => "chip",
            Key::Origin => "origin",
            Key::Buyer => "buyer",
            Key::Class => "class",
            Key::Channel => "channel",
            Key::Policy => "policy",
        }
    }

    /// Filters on what was bought (dropped from a share's denominator) rather than who bought.
    pub fn is_what(self) -> bool {
        matches!(self, Key::Vendor | Key::Chip | Key::Origin | Key::Channel)
    }
}

impl Source {
    /// The filters this array can be cut by.
    pub fn keys(self) -> &'static [Key] {
        use Key::*;
        match self {
            Source::Delivered | Source::Spend => &[Vendor, Chip, Origin, Buyer, Class, Channel],
            Source::Ordered | Source::Backlog => &[Vendor, Chip, Origin, Buyer, Class],
            Source::Demand | Source::Unmet => &[Buyer, Class],
            Source::Revenue | Source::Supply | Source::Seized => &[Vendor, Chip, Origin],
            Source::UsGovernment => &[],
            Source::PolicyActive => &[Policy],
        }
    }

    /// What one quarter of the array is indexed by, in order.
    pub fn what(self) -> &'static str {
        match self {
            Source::Delivered | Source::Spend => "per buyer, chip and channel",
            Source::Ordered | Source::Backlog => "per buyer and chip",
            Source::Demand | Source::Unmet => "per buyer",
            Source::Revenue | Source::Supply | Source::Seized => "per chip",
            Source::UsGovernment => "for the whole market only",
            Source::PolicyActive => "per policy",
        }
    }

    /// Reads element `i` of the array as a number (policy flags are 0 or 1).
    pub fn read(self, r: &Record, i: usize) -> f64 {
        match self {
            Source::Delivered => r.delivered[i],
            Source::Spend => r.spend[i],
            Source::Ordered => r.ordered[i],
            Source::Backlog => r.backlog[i],
            Source::Demand => r.demand[i],
            Source::Unmet => r.unmet[i],
            Source::Revenue => r.revenue[i],
            Source::Supply => r.supply[i],
            Source::Seized => r.seized[i],
            Source::UsGovernment => r.us_government[i],
            Source::PolicyActive => f64::from(u8::from(r.policy_active[i])),
        }
    }
}

/// How a metric's cells add up within a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Summed over the period's quarters.
    Flow,
    /// Read at the period's last quarter.
    Stock,
    /// Averaged over the period's quarters.
    Average,
    /// The filtered flow over the same flow with only the buyer filters kept.
    Share,
    /// Unmet over demand, both with the same (buyer) filters.
    UnmetShare,
}

/// One metric of the outcome language.
#[derive(Debug, Clone, Copy)]
pub struct Metric {
    pub name: &'static str,
    pub source: Source,
    /// Multiply units by each chip's H100e.
    pub h100e: bool,
    pub kind: Kind,
    pub doc: &'static str,
}

const fn m(
    name: &'static str,
    source: Source,
    h100e: bool,
    kind: Kind,
    doc: &'static str,
) -> Metric {
    Metric {
        name,
        source,
        h100e,
        kind,
        doc,
    }
}

/// Every metric, in the order `docs/outcomes.md` lists them.
pub const METRICS: [Metric; 17] = [
    m(
        "units",
        Source::Delivered,
        false,
        Kind::Flow,
        "chips delivered",
    ),
    m(
        "compute_h100e",
        Source::Delivered,
        true,
        Kind::Flow,
        "compute delivered, in H100-equivalents",
    ),
    m(
        "spend_usd",
        Source::Spend,
        false,
        Kind::Flow,
        "what buyers paid, duties and smugglers' markups included",
    ),
    m(
        "revenue_usd",
        Source::Revenue,
        false,
        Kind::Flow,
        "vendor revenue after US revenue shares",
    ),
    m(
        "ordered_units",
        Source::Ordered,
        false,
        Kind::Flow,
        "chips ordered",
    ),
    m(
        "backlog_units",
        Source::Backlog,
        false,
        Kind::Stock,
        "chips ordered and not yet delivered, at the period's end",
    ),
    m(
        "demand_h100e",
        Source::Demand,
        false,
        Kind::Flow,
        "compute wanted",
    ),
    m(
        "unmet_h100e",
        Source::Unmet,
        false,
        Kind::Flow,
        "compute wanted and not delivered, for good",
    ),
    m(
        "supply_units",
        Source::Supply,
        false,
        Kind::Flow,
        "chips available to ship (capacity plus stock) of capacity-bound chips",
    ),
    m(
        "seized_units",
        Source::Seized,
        false,
        Kind::Flow,
        "smuggled chips seized",
    ),
    m(
        "us_government_usd",
        Source::UsGovernment,
        false,
        Kind::Flow,
        "revenue shares and duties paid to the US government",
    ),
    m(
        "units_share",
        Source::Delivered,
        false,
        Kind::Share,
        "share of the chips delivered (to the filtered buyers)",
    ),
    m(
        "compute_share",
        Source::Delivered,
        true,
        Kind::Share,
        "share of the compute delivered (to the filtered buyers)",
    ),
    m(
        "spend_share",
        Source::Spend,
        false,
        Kind::Share,
        "share of what buyers paid (the filtered buyers)",
    ),
    m(
        "revenue_share",
        Source::Revenue,
        false,
        Kind::Share,
        "share of vendor revenue",
    ),
    m(
        "unmet_share",
        Source::Unmet,
        false,
        Kind::UnmetShare,
        "unmet compute over compute wanted",
    ),
    m(
        "policy_active",
        Source::PolicyActive,
        false,
        Kind::Average,
        "share of the period's quarters a policy was in force",
    ),
];

pub fn find(name: &str) -> Option<&'static Metric> {
    METRICS.iter().find(|m| m.name == name)
}

pub fn names() -> impl Iterator<Item = &'static str> {
    METRICS.iter().map(|m| m.name)
}
