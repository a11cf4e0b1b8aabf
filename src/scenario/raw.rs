//! Serde types that mirror a scenario file one to one.
//!
//! Every field is optional here and unknown keys are refused; meaning and defaults are given
//! in `validate`, which turns these into [`crate::model::Scenario`]. The file format is
//! documented field by field in `docs/scenario-format.md`.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawFile {
    pub scenario: Option<RawHeader>,
    pub model: Option<RawModel>,
    #[serde(default)]
    pub chip: Vec<RawChip>,
    #[serde(default)]
    pub supply: Vec<RawSupply>,
    #[serde(default)]
    pub buyer: Vec<RawBuyer>,
    #[serde(default)]
    pub policy: Vec<RawPolicy>,
    /// Sweeps declared with the scenario; read by `exportsim sweep` (`crate::study`).
    #[serde(default)]
    pub sweep: Vec<RawSweep>,
    /// Targets from the record; checked by `crate::check::target` (`exportsim check`).
    #[serde(default)]
    pub target: Vec<RawTarget>,
}

/// A `[[target]]` table: something the record says, as an outcome expression, a comparison
/// and its source. Checked once the scenario is valid, since the outcome names its ids.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    pub id: Option<String>,
    pub outcome: Option<String>,
    pub below: Option<f64>,
    pub above: Option<f64>,
    pub between: Option<Vec<f64>>,
    pub near: Option<f64>,
    pub tolerance: Option<f64>,
    pub source: Option<String>,
    pub fit: Option<bool>,
}

/// A `[[sweep]]` table: the arguments of `exportsim sweep`, so a study can be committed.
/// Checked when the sweep is run, not when the scenario loads.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    pub name: Option<String>,
    /// `PATH=START:END:COUNT` or `PATH=V1,V2,...`, one or two.
    pub param: Option<Vec<String>>,
    pub outcome: Option<Vec<String>>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawHeader {
    pub name: Option<String>,
    pub description: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub extends: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawModel {
    pub taste_sd: Option<RawNum>,
    pub inference_bandwidth_weight: Option<RawNum>,
    pub unfilled: Option<String>,
    pub backlog_max_quarters: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawChip {
    pub id: Option<String>,
    pub name: Option<String>,
    pub vendor: Option<String>,
    pub origin: Option<String>,
    pub bf16_tflops: Option<f64>,
    pub int8_tops: Option<f64>,
    pub memory_gb: Option<f64>,
    pub memory_bandwidth_tbs: Option<f64>,
    pub interconnect_gbs: Option<f64>,
    pub die_area_mm2: Option<f64>,
    pub price_usd: Option<RawNum>,
    pub available_from: Option<String>,
    pub available_until: Option<String>,
    pub training_efficiency: Option<RawNum>,
    pub inference_efficiency: Option<RawNum>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupply {
    pub chip: Option<String>,
    pub capacity: Option<RawNum>,
    pub growth: Option<RawNum>,
    pub stock: Option<RawNum>,
    pub schedule: Option<Vec<RawStep>>,
    pub allocation: Option<String>,
    pub priority: Option<Vec<String>>,
    pub lead_time_quarters: Option<u32>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub from: Option<String>,
    pub capacity: Option<RawNum>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawBuyer {
    pub id: Option<String>,
    pub name: Option<String>,
    pub class: Option<String>,
    pub demand_h100e: Option<RawNum>,
    pub demand_growth: Option<RawNum>,
    pub training_share: Option<RawNum>,
    pub price_sensitivity: Option<RawNum>,
    pub lock_in: Option<RawNum>,
    pub grey_appetite: Option<RawNum>,
    pub budget_usd: Option<RawNum>,
}

/// One policy; which fields apply depends on `kind` (checked in validation).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawPolicy {
    pub id: Option<String>,
    pub kind: Option<String>,
    pub label: Option<String>,
    pub enabled: Option<bool>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub probability: Option<RawNum>,
    pub start_delay_quarters: Option<RawNum>,
    // whom a Beijing measure covers
    pub classes: Option<Vec<String>>,
    pub buyers: Option<Vec<String>>,
    // which chips
    pub chips: Option<Vec<String>>,
    pub except: Option<Vec<String>>,
    #[serde(rename = "match")]
    pub match_: Option<Vec<RawClause>>,
    // US effects
    pub effect: Option<String>,
    pub approval: Option<RawNum>,
    pub delay_quarters: Option<u32>,
    pub cap_units_per_buyer: Option<RawNum>,
    pub revenue_share: Option<RawNum>,
    pub duty: Option<RawNum>,
    // Beijing effects
    pub include_grey: Option<bool>,
    pub min_domestic_share: Option<RawNum>,
    pub penalty: Option<RawNum>,
    // grey market
    pub markup: Option<RawNum>,
    pub cap_units_per_quarter: Option<RawNum>,
    pub seizure: Option<RawNum>,
    pub cap_factor: Option<RawNum>,
}

/// A conjunction of spec thresholds: min bounds inclusive, max bounds exclusive.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RawClause {
    pub tpp_min: Option<f64>,
    pub tpp_max: Option<f64>,
    pub pd_min: Option<f64>,
    pub pd_max: Option<f64>,
    pub interconnect_min_gbs: Option<f64>,
    pub memory_bandwidth_min_tbs: Option<f64>,
}

/// A number, or a distribution table such as `{ dist = "uniform", min = 1, max = 2 }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RawNum {
    Value(f64),
    Dist(RawDist),
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RawDist {
    pub dist: Option<String>,
    pub value: Option<f64>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    pub mode: Option<f64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub median: Option<f64>,
    pub sigma: Option<f64>,
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub p: Option<f64>,
}

impl<'de> Deserialize<'de> for RawNum {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumVisitor;
        impl<'de> Visitor<'de> for NumVisitor {
            type Value = RawNum;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number or a distribution table such as { dist = \"uniform\", min = 1, max = 2 }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawNum, E> {
                Ok(RawNum::Value(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawNum, E> {
                Ok(RawNum::Value(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawNum, E> {
                Ok(RawNum::Value(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawNum, A::Error> {
                RawDist::deserialize(de::value::MapAccessDeserializer::new(map)).map(RawNum::Dist)
            }
        }
        deserializer.deserialize_any(NumVisitor)
    }
}
