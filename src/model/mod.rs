//! Domain types of a validated scenario: chips, buyers, supply and policies.
//!
//! Everything here has passed validation (`crate::scenario`); nothing re-checks values.
//! Every number an analyst might vary is a [`Param`] held in [`Scenario::params`] and referred
//! to by [`ParamId`], so sweeps and sensitivity studies can address it by its path.

pub mod dist;
pub mod quarter;
pub mod rules;

pub use dist::{DistSpec, Distribution};
pub use quarter::Quarter;
pub use rules::UsRule;

/// Dense BF16 TFLOPS of an H100: one H100-equivalent (H100e).
pub const H100_BF16_TFLOPS: f64 = 989.0;
/// Memory bandwidth of an H100 (TB/s), the reference for inference value.
pub const H100_MEMORY_BANDWIDTH_TBS: f64 = 3.35;

/// Index of a numeric input in [`Scenario::params`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamId(pub usize);

/// One numeric input: a fixed value or a distribution, addressable by `path`
/// (e.g. `chip.h20.price_usd`, `policy.h200_review.approval`).
#[derive(Debug, Clone)]
pub struct Param {
    pub path: String,
    pub dist: Distribution,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Us,
    Domestic,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Us => "us",
            Origin::Domestic => "domestic",
        }
    }
}

/// How a buyer obtains a chip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// No licence needed (free, notified, or taxed).
    Legal,
    /// Under a US licence granted to this buyer.
    Licensed,
    /// Smuggled, at a markup, subject to caps and seizures.
    Grey,
}

impl Channel {
    pub const ALL: [Channel; 3] = [Channel::Legal, Channel::Licensed, Channel::Grey];
    pub const COUNT: usize = 3;

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Legal => "legal",
            Channel::Licensed => "licensed",
            Channel::Grey => "grey",
        }
    }
}

/// What happens to orders that supply cannot fill in their quarter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unfilled {
    /// Wait in a backlog served first next quarter, for at most `backlog_max_quarters`.
    Backlog,
    /// Offered once to the buyer's other options with spare supply, the rest to the backlog.
    Reroute,
}

#[derive(Debug, Clone)]
pub struct Settings {
    /// Standard deviation of per-run taste noise per buyer and chip (logit units).
    pub taste_sd: ParamId,
    /// Weight of memory bandwidth (versus FLOPs) in a chip's inference value, 0..1.
    pub inference_bandwidth_weight: ParamId,
    pub unfilled: Unfilled,
    pub backlog_max_quarters: u32,
}

#[derive(Debug, Clone)]
pub struct Vendor {
    pub id: String,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct Chip {
    pub id: String,
    pub name: String,
    pub vendor: usize,
    pub origin: Origin,
    pub bf16_tflops: f64,
    pub int8_tops: f64,
    pub memory_gb: f64,
    pub memory_bandwidth_tbs: f64,
    pub interconnect_gbs: Option<f64>,
    pub die_area_mm2: Option<f64>,
    pub price_usd: ParamId,
    pub available_from: Quarter,
    pub available_until: Option<Quarter>,
    pub training_efficiency: ParamId,
    pub inference_efficiency: ParamId,
}

impl Chip {
    /// Total processing performance: dense TOPS x bit length, the larger of BF16 and INT8/FP8.
    pub fn tpp(&self) -> f64 {
        (self.bf16_tflops * 16.0).max(self.int8_tops * 8.0)
    }

    /// Performance density: TPP per mm^2 of die, when the die area is known.
    pub fn performance_density(&self) -> Option<f64> {
        self.die_area_mm2.map(|a| self.tpp() / a)
    }

    /// Nominal H100-equivalents per unit: dense BF16 TFLOPS / 989.
    pub fn h100e(&self) -> f64 {
        self.bf16_tflops / H100_BF16_TFLOPS
    }

    pub fn available_in(&self, q: Quarter) -> bool {
        q >= self.available_from && self.available_until.is_none_or(|u| q <= u)
    }
}

#[derive(Debug, Clone)]
pub struct Buyer {
    pub id: String,
    pub name: String,
    pub class: String,
    /// Compute wanted per quarter at the scenario's start, in H100e.
    pub demand_h100e: ParamId,
    /// Growth of demand per year (0.5 = +50%/year), compounded quarterly.
    pub demand_growth: ParamId,
    /// Share of the workload that is training (the rest is inference), 0..1.
    pub training_share: ParamId,
    /// Logit weight on ln(cost per effective H100e).
    pub price_sensitivity: ParamId,
    /// Logit bonus for US (CUDA) chips.
    pub lock_in: ParamId,
    /// 0..1: weight on grey-market options (0 = never buys smuggled chips).
    pub grey_appetite: ParamId,
    /// Most the buyer spends per quarter, in USD.
    pub budget_usd: Option<ParamId>,
}

#[derive(Debug, Clone)]
pub enum Allocation {
    ProRata,
    /// Buyers listed first are served in full first; the rest share pro rata.
    Priority(Vec<usize>),
}

#[derive(Debug, Clone)]
pub struct Supply {
    pub chip: usize,
    /// Units per quarter from the scenario's start (or from the last schedule step).
    pub capacity: ParamId,
    /// Growth of capacity per quarter, compounded, restarting at each schedule step.
    pub growth: ParamId,
    /// Units in stock at the start of the horizon.
    pub stock: ParamId,
    pub schedule: Vec<(Quarter, ParamId)>,
    pub allocation: Allocation,
    pub lead_time_quarters: u32,
}

/// A conjunction of thresholds on chip specs; a missing bound always holds. A PD bound never
/// holds for a chip whose die area is unknown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Clause {
    pub tpp_min: Option<f64>,
    pub tpp_max: Option<f64>,
    pub pd_min: Option<f64>,
    pub pd_max: Option<f64>,
    pub interconnect_min_gbs: Option<f64>,
    pub memory_bandwidth_min_tbs: Option<f64>,
}

impl Clause {
    pub fn holds(&self, chip: &Chip) -> bool {
        let tpp = chip.tpp();
        let pd = chip.performance_density();
        let ge = |v: Option<f64>, min: Option<f64>| min.is_none_or(|m| v.is_some_and(|v| v >= m));
        let lt = |v: Option<f64>, max: Option<f64>| max.is_none_or(|m| v.is_some_and(|v| v < m));
        ge(Some(tpp), self.tpp_min)
            && lt(Some(tpp), self.tpp_max)
            && ge(pd, self.pd_min)
            && lt(pd, self.pd_max)
            && ge(chip.interconnect_gbs, self.interconnect_min_gbs)
            && ge(
                Some(chip.memory_bandwidth_tbs),
                self.memory_bandwidth_min_tbs,
            )
    }
}

#[derive(Debug, Clone)]
pub enum UsEffect {
    Ban,
    /// Shipments need a licence; each buyer's licence is granted with probability `approval`
    /// once per run, usable from `delay_quarters` after the rule takes effect.
    Licence {
        approval: ParamId,
        delay_quarters: u32,
        cap_units_per_buyer: Option<ParamId>,
    },
    /// Controlled but only notified: sales go ahead.
    Notify,
    /// Sales go ahead, taxed by `revenue_share` and/or `duty`.
    Tax,
}

#[derive(Debug, Clone)]
pub enum PolicyKind {
    UsExport {
        /// Which chips the rule covers (US chips only), resolved at validation.
        covers: Vec<bool>,
        effect: UsEffect,
        revenue_share: Option<ParamId>,
        duty: Option<ParamId>,
    },
    BeijingBan {
        chips: Vec<bool>,
        include_grey: bool,
    },
    BeijingQuota {
        min_domestic_share: ParamId,
    },
    BeijingGuidance {
        chips: Vec<bool>,
        penalty: ParamId,
    },
    BeijingReview {
        chips: Vec<bool>,
        approval: ParamId,
        cap_units_per_buyer: Option<ParamId>,
    },
    GreyMarket {
        chips: Vec<bool>,
        markup: ParamId,
        cap_units_per_quarter: ParamId,
        seizure: ParamId,
    },
    Crackdown {
        cap_factor: ParamId,
        seizure: Option<ParamId>,
    },
}

impl PolicyKind {
    pub fn name(&self) -> &'static str {
        match self {
            PolicyKind::UsExport { .. } => "us_export",
            PolicyKind::BeijingBan { .. } => "beijing_ban",
            PolicyKind::BeijingQuota { .. } => "beijing_quota",
            PolicyKind::BeijingGuidance { .. } => "beijing_guidance",
            PolicyKind::BeijingReview { .. } => "beijing_review",
            PolicyKind::GreyMarket { .. } => "grey_market",
            PolicyKind::Crackdown { .. } => "crackdown",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Policy {
    pub id: String,
    pub label: String,
    pub kind: PolicyKind,
    pub start: Quarter,
    pub end: Option<Quarter>,
    /// Probability that the policy happens at all in a run.
    pub probability: ParamId,
    /// Whole quarters added to `start` in a run (drawn, rounded down).
    pub start_delay_quarters: Option<ParamId>,
    /// Buyers the policy applies to (Beijing measures; all buyers for the others).
    pub buyers: Vec<bool>,
}

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub start: Quarter,
    pub end: Quarter,
    pub runs: u64,
    pub seed: u64,
    pub settings: Settings,
    pub vendors: Vec<Vendor>,
    pub chips: Vec<Chip>,
    pub buyers: Vec<Buyer>,
    /// Supply limits by chip index; `None` means supply meets any order.
    pub supply: Vec<Option<Supply>>,
    pub policies: Vec<Policy>,
    pub params: Vec<Param>,
    /// The scenario after `extends`, as TOML; its hash identifies the run's inputs.
    pub resolved_toml: String,
    pub hash: String,
}

impl Scenario {
    pub fn quarters(&self) -> impl Iterator<Item = Quarter> + '_ {
        (self.start.index()..=self.end.index()).map(Quarter::from_index)
    }

    pub fn quarter_count(&self) -> usize {
        (self.end.index() - self.start.index() + 1) as usize
    }

    pub fn param(&self, id: ParamId) -> &Param {
        &self.params[id.0]
    }

    pub fn param_by_path(&self, path: &str) -> Option<ParamId> {
        self.params.iter().position(|p| p.path == path).map(ParamId)
    }
}
