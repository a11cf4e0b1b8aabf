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

use super::{FILE, Shard, check_shards, read_file, resolved_scenario};
use crate::engine::Progress;
use crate::model::Scenario;
use crate::study::Plan;
use crate::study::driver::{self, Values};
use crate::study::kind::{Study, texts};
use crate::study::spec::Definition;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::ops::Range;
use std::path::{Path, PathBuf};

pub const FORMAT: &str = "exportsim-study-partial/1";

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

/// Shard `k`'s blocks of `plan` (indices into [`driver::blocks`]) and how many there are in all.
pub fn slice(plan: &Plan, k: Shard) -> (Range<usize>, u64) {
    let total = driver::blocks(plan).len() as u64;
    let part = k.slice(total);
    (part.start as usize..part.end as usize, total)
}

/// How many simulations shard `k` of `plan` runs.
pub fn simulations(plan: &Plan, k: Shard) -> u64 {
    let (part, _) = slice(plan, k);
    let blocks = driver::blocks(plan);
    blocks[part].iter().map(|(_, r)| r.end - r.start).sum()
}

/// Simulates shard `k` of `study` (of scenario `s`) and returns its partial result.
pub fn simulate(
    s: &Scenario,
    study: &dyn Study,
    k: Shard,
    progress: &dyn Progress,
) -> StudyPartial {
    let plan = study.plan();
    let (part, total) = slice(plan, k);
    let values = driver::simulate_blocks(s, plan, study.outcomes(), part, progress);
    let names = texts(study.outcomes());
    let scenario = (s.name.as_str(), s.hash.as_str());
    StudyPartial::new(scenario, study.definition(), plan, &names, k, total, values)
}

/// Every shard of one study, read and put in order: the scenario they simulated, the
/// study's definition and the blocks' values, waiting for the study to be laid out again.
pub struct Merged {
    pub scenario: Scenario,
    pub definition: Definition,
    pub shards: usize,
    dir: PathBuf,
    plan_hash: String,
    blocks: Vec<Vec<f64>>,
}

/// Reads the study partials in `dirs` (every shard of one study, in any order) and checks
/// they belong together and to the scenario saved beside them.
pub fn merge_dirs(dirs: &[PathBuf]) -> Result<Merged> {
    let mut partials = Vec::with_capacity(dirs.len());
    for dir in dirs {
        partials.push((dir.clone(), read(dir).map_err(crate::error::input)?));
    }
    let blocks = merge(&mut partials).map_err(crate::error::input)?;
    let (dir, first) = &partials[0];
    let scenario = resolved_scenario(dir, &first.exportsim_version, &first.scenario_hash)?;
    Ok(Merged {
        scenario,
        definition: first.definition.clone(),
        shards: partials.len(),
        dir: dir.clone(),
        plan_hash: first.plan_hash.clone(),
        blocks,
    })
}

impl Merged {
    /// The shards' values as one machine's, once `study` (laid out again from
    /// [`Merged::definition`]) is checked to be the plan the shards simulated.
    pub fn values(self, study: &dyn Study) -> Result<Values> {
        let plan = study.plan();
        let names = texts(study.outcomes());
        if plan_hash(plan, &names) != self.plan_hash {
            return Err(crate::error::input(anyhow::anyhow!(
                "the study laid out again from {} differs from the plan its shards simulated; re-run the shards",
                self.dir.display()
            )));
        }
        Values::from_blocks(plan, names.len(), self.blocks).ok_or_else(|| {
            crate::error::input(anyhow::anyhow!(
                "the shards' values do not fit the study's plan; re-run the shards"
            ))
        })
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
    super::write_file(dir, p)
}

pub fn read(dir: &Path) -> Result<StudyPartial> {
    let p: StudyPartial = read_file(dir)?;
    let path = dir.join(FILE);
    super::check_format(dir, &p.format, FORMAT)?;
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
    use crate::study::spec::{AxisDefinition, SweepDefinition};

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
