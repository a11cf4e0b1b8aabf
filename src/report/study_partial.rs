//! Partial results of a study shard (`sweep` or `sensitivity` with `--shard K/N`) and their
//! merge.
//!
//! A study's plan is cut into blocks that depend on the plan alone
//! ([`crate::study::driver::blocks`]). Shard K of N simulates a contiguous slice of them and
//! saves every run's outcome values exactly (JSON numbers that read back to the same `f64`;
//! the non-finite as strings), with the study's definition: what the command needs to lay
//! the plan out again from the resolved scenario saved beside it, and a hash of that plan.
//! The merge checks the shards belong together, puts the blocks back in order and hands the
//! values on; the command then rebuilds the plan, checks its hash, and computes and writes
//! the same statistics as one machine, from the same values: the files are byte-identical.

use super::partial::{self, Shard, check_shards};
use crate::study::Plan;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "exportsim-study-partial/1";

/// What a study command needs, beside the resolved scenario, to lay out its plan again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "study", rename_all = "snake_case")]
pub enum Definition {
    Sweep(SweepDefinition),
    Sensitivity(SensitivityDefinition),
}

/// A sweep: its axes with their values, outcomes, runs per point and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepDefinition {
    pub axes: Vec<AxisDefinition>,
    pub outcomes: Vec<String>,
    pub runs: u64,
    pub seed: u64,
}

/// One swept parameter (its path, as for `--param`) and its values in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AxisDefinition {
    pub path: String,
    pub values: Vec<f64>,
}

/// A sensitivity study: `method` (`tornado`, `morris`, `sobol`), the `--param` specs (empty:
/// every uncertain input), outcomes, samples (trajectories or base samples), runs and seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensitivityDefinition {
    pub method: String,
    pub params: Vec<String>,
    pub outcomes: Vec<String>,
    pub samples: usize,
    pub runs: u64,
    pub seed: u64,
}

/// What a study shard writes to `partial.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StudyPartial {
    pub format: String,
    pub exportsim_version: String,
    pub scenario: String,
    pub scenario_hash: String,
    pub definition: Definition,
    /// [`plan_hash`] of the plan the shard simulated.
    pub plan_hash: String,
    pub shard: Shard,
    /// Blocks of the whole plan, and the first of this shard's.
    pub total_blocks: u64,
    pub first_block: u64,
    pub outcomes: usize,
    /// This shard's blocks' values, each `[outcome][run]`.
    #[serde(with = "exact")]
    pub blocks: Vec<Vec<f64>>,
}

impl StudyPartial {
    /// The partial result of `shard` of `plan`, whose blocks (all `total_blocks` of them)
    /// gave `outcomes` outcomes each; `blocks` holds this shard's slice.
    pub fn new(
        (scenario, scenario_hash): (&str, &str),
        definition: Definition,
        plan: &Plan,
        outcomes: &[String],
        shard: Shard,
        total_blocks: u64,
        blocks: Vec<Vec<f64>>,
    ) -> StudyPartial {
        StudyPartial {
            format: FORMAT.into(),
            exportsim_version: env!("CARGO_PKG_VERSION").into(),
            scenario: scenario.into(),
            scenario_hash: scenario_hash.into(),
            definition,
            plan_hash: plan_hash(plan, outcomes),
            shard,
            total_blocks,
            first_block: shard.slice(total_blocks).start,
            outcomes: outcomes.len(),
            blocks,
        }
    }
}

/// SHA-256 (hex) of a plan's points (parameter ids and the bits of their values), runs,
/// seed and outcomes: equal hashes mean the same simulations.
pub fn plan_hash(plan: &Plan, outcomes: &[String]) -> String {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    h.update(plan.runs.to_le_bytes());
    h.update(plan.seed.to_le_bytes());
    for point in &plan.points {
        h.update((point.0.len() as u64).to_le_bytes());
        for (id, v) in &point.0 {
            h.update((id.0 as u64).to_le_bytes());
            h.update(v.to_bits().to_le_bytes());
        }
    }
    for o in outcomes {
        h.update((o.len() as u64).to_le_bytes());
        h.update(o.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

pub fn write(p: &StudyPartial, dir: &Path) -> Result<()> {
    let path = dir.join(partial::FILE);
    let file = std::fs::File::create(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    serde_json::to_writer(std::io::BufWriter::new(file), p)?;
    Ok(())
}

pub fn read(dir: &Path) -> Result<StudyPartial> {
    let p: StudyPartial = partial::read_file(dir)?;
    let path = dir.join(partial::FILE);
    if p.format != FORMAT {
        bail!(
            "{} has format `{}`, expected `{FORMAT}`",
            path.display(),
            p.format
        );
    }
    let Shard { index, count } = p.shard;
    let fits = index >= 1
        && index <= count
        && p.shard.slice(p.total_blocks) == (p.first_block..p.first_block + p.blocks.len() as u64);
    if !fits {
        bail!(
            "{} is damaged (its shard and blocks do not match); re-run that shard",
            path.display()
        );
    }
    Ok(p)
}

/// Checks that `partials` are shards 1..N of one study, each once, and takes their blocks'
/// values out, in block order: every block of the plan.
pub fn merge(partials: &mut [(PathBuf, StudyPartial)]) -> Result<Vec<Vec<f64>>> {
    let identity = |p: &StudyPartial| {
        let (study, plan) = (&p.definition, &p.plan_hash);
        (
            p.scenario_hash.clone(),
            study.clone(),
            plan.clone(),
            p.total_blocks,
            p.outcomes,
            p.exportsim_version.clone(),
        )
    };
    check_shards(
        partials,
        |p| p.shard,
        identity,
        "scenario hash, study, plan, shard count or exportsim version",
    )?;
    partials.sort_by_key(|(_, p)| p.shard.index);
    let blocks: Vec<Vec<f64>> = partials
        .iter_mut()
        .flat_map(|(_, p)| std::mem::take(&mut p.blocks))
        .collect();
    if blocks.len() as u64 != partials[0].1.total_blocks {
        bail!(
            "the shards hold {} blocks in all, expected {}",
            blocks.len(),
            partials[0].1.total_blocks
        );
    }
    Ok(blocks)
}

/// Blocks of values with every `f64` exact: finite values as JSON numbers (serde_json's
/// `float_roundtrip` reads them back bit for bit), the others as "NaN", "inf", "-inf".
mod exact {
    use serde::de::{self, Visitor};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer>(blocks: &[Vec<f64>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(blocks.iter().map(|b| Block(b)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<f64>>, D::Error> {
        let raw: Vec<Vec<Number>> = Vec::deserialize(d)?;
        Ok(raw
            .into_iter()
            .map(|b| b.into_iter().map(|n| n.0).collect())
            .collect())
    }

    struct Block<'a>(&'a [f64]);

    impl Serialize for Block<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.iter().map(|&v| Number(v)))
        }
    }

    struct Number(f64);

    impl Serialize for Number {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self.0 {
                v if v.is_finite() => s.serialize_f64(v),
                v if v.is_nan() => s.serialize_str("NaN"),
                v if v > 0.0 => s.serialize_str("inf"),
                _ => s.serialize_str("-inf"),
            }
        }
    }

    impl<'de> Deserialize<'de> for Number {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Number, D::Error> {
            d.deserialize_any(NumberVisitor)
        }
    }

    struct NumberVisitor;

    impl Visitor<'_> for NumberVisitor {
        type Value = Number;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a number, \"NaN\", \"inf\" or \"-inf\"")
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Number, E> {
            Ok(Number(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Number, E> {
            Ok(Number(v as f64))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Number, E> {
            Ok(Number(v as f64))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Number, E> {
            match v {
                "NaN" => Ok(Number(f64::NAN)),
                "inf" => Ok(Number(f64::INFINITY)),
                "-inf" => Ok(Number(f64::NEG_INFINITY)),
                other => Err(E::invalid_value(de::Unexpected::Str(other), &self)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ParamId;

    fn plan(v: f64) -> Plan {
        Plan::from_rows("sweep", &[ParamId(2)], &[vec![0.25], vec![v]], 100, 7)
    }

    fn partial(index: u64, blocks: Vec<Vec<f64>>) -> (PathBuf, StudyPartial) {
        let definition = Definition::Sweep(SweepDefinition {
            axes: vec![AxisDefinition {
                path: "a.b".into(),
                values: vec![0.25, 0.5],
            }],
            outcomes: vec!["units@2025".into()],
            runs: 100,
            seed: 7,
        });
        let shard = Shard { index, count: 2 };
        let p = StudyPartial::new(
            ("s", "h"),
            definition,
            &plan(0.5),
            &["units@2025".into()],
            shard,
            4,
            blocks,
        );
        (PathBuf::from(format!("shard-{index}")), p)
    }

    #[test]
    fn values_round_trip_bit_for_bit() {
        let odd = vec![
            0.1 + 0.2,
            1.0 / 3.0,
            -0.0,
            f64::MIN_POSITIVE / 3.0,
            f64::MAX,
            1e-300,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        let (_, p) = partial(1, vec![odd.clone(), vec![2.0]]);
        let back: StudyPartial = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back.blocks[0]), bits(&odd));
        assert_eq!(back.definition, p.definition);
    }

    #[test]
    fn plan_hash_sees_every_bit_of_a_point() {
        let outcomes = ["units@2025".to_string()];
        let a = plan_hash(&plan(0.5), &outcomes);
        assert_eq!(a, plan_hash(&plan(0.5), &outcomes));
        assert_ne!(
            a,
            plan_hash(&plan(f64::from_bits(0.5f64.to_bits() + 1)), &outcomes)
        );
        assert_ne!(a, plan_hash(&plan(0.5), &["units@2024".to_string()]));
    }

    #[test]
    fn merge_orders_blocks_and_names_missing_shards() {
        let first = partial(1, vec![vec![1.0], vec![2.0]]);
        let second = partial(2, vec![vec![3.0], vec![4.0]]);
        let mut both = vec![second.clone(), first.clone()];
        assert_eq!(
            merge(&mut both).unwrap(),
            vec![vec![1.0], vec![2.0], vec![3.0], vec![4.0]]
        );
        let err = merge(&mut [second.clone()]).unwrap_err().to_string();
        assert_eq!(err, "missing shard: 1/2");
        let mut other = first.clone();
        other.1.plan_hash = "x".into();
        let err = merge(&mut [second, other]).unwrap_err().to_string();
        assert!(err.contains("shard-1 is from another simulation"), "{err}");
    }
}
