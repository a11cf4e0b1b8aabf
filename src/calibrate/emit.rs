//! Scenario files that extend another and set some parameters: the calibrated scenario
//! (`calibrated.toml`), and the prior scenario that puts `--param PATH=LOW:HIGH` ranges
//! through the ordinary validation. A parameter path (`buyer.bytedance.lock_in`,
//! `supply.ascend_910b.schedule.1.capacity`) becomes the table and key it came from.

use crate::model::{DistSpec, Scenario};
use toml::{Table, Value};

/// A new distribution for the parameter at `path`, with a comment written beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    pub path: String,
    pub spec: DistSpec,
    pub comment: String,
}

/// Where a parameter lives in a scenario file.
#[derive(Debug, Clone, PartialEq)]
enum Place {
    Model(String),
    /// `[[kind]]` with `key = id`, and the rest of the path inside it.
    Entity {
        kind: String,
        key: &'static str,
        id: String,
        rest: Vec<String>,
    },
}

/// The text of a scenario that extends `extends` (as written in the file), renames it
/// `name`, and sets every override. `header` is written first, as comments.
pub fn scenario_text(
    base: &Scenario,
    extends: &str,
    name: &str,
    header: &str,
    overrides: &[Override],
) -> String {
    let resolved: Table = base.resolved_toml.parse().unwrap_or_default();
    let mut out = String::new();
    for line in header.lines() {
        out.push_str(&format!("# {line}\n").replace("# \n", "#\n"));
    }
    out.push_str(&format!(
        "\n[scenario]\nextends = {}\nname = {}\n",
        quote(extends),
        quote(name)
    ));
    let placed: Vec<(Place, &Override)> = overrides
        .iter()
        .filter_map(|o| place(base, &o.path).map(|p| (p, o)))
        .collect();
    let model: Vec<_> = placed
        .iter()
        .filter(|(p, _)| matches!(p, Place::Model(_)))
        .collect();
    if !model.is_empty() {
        out.push_str("\n[model]\n");
        for (p, o) in model {
            if let Place::Model(field) = p {
                out.push_str(&format!("{field} = {}  # {}\n", value(&o.spec), o.comment));
            }
        }
    }
    let mut done: Vec<(String, String)> = Vec::new();
    for (p, _) in &placed {
        if let Place::Entity { kind, key, id, .. } = p {
            if done.contains(&(kind.clone(), id.clone())) {
                continue;
            }
            done.push((kind.clone(), id.clone()));
            out.push_str(&format!("\n[[{kind}]]\n{key} = {}\n", quote(id)));
            out.push_str(&entity_fields(&resolved, kind, key, id, &placed));
        }
    }
    out
}

/// The overridden fields of one entity; a capacity schedule is written whole, with its
/// overridden steps replaced.
fn entity_fields(
    resolved: &Table,
    kind: &str,
    key: &str,
    id: &str,
    placed: &[(Place, &Override)],
) -> String {
    let mut out = String::new();
    let mut schedule: Option<Value> = None;
    let mut notes = Vec::new();
    for (p, o) in placed {
        let Place::Entity {
            kind: k,
            id: i,
            rest,
            ..
        } = p
        else {
            continue;
        };
        if k != kind || i != id {
            continue;
        }
        match rest.as_slice() {
            [field] => out.push_str(&format!("{field} = {}  # {}\n", value(&o.spec), o.comment)),
            [s, step, field] if s == "schedule" => {
                let steps = schedule.get_or_insert_with(|| {
                    entity(resolved, kind, key, id)
                        .and_then(|e| e.get("schedule").cloned())
                        .unwrap_or(Value::Array(Vec::new()))
                });
                let slot = step
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| steps.get_mut(n))
                    .and_then(Value::as_table_mut);
                if let Some(t) = slot {
                    t.insert(field.clone(), value(&o.spec));
                    notes.push(format!("schedule[{step}].{field}: {}", o.comment));
                }
            }
            _ => {}
        }
    }
    if let Some(Value::Array(steps)) = schedule {
        for note in notes {
            out.push_str(&format!("# {note}\n"));
        }
        out.push_str("schedule = [\n");
        for step in steps {
            out.push_str(&format!("  {step},\n"));
        }
        out.push_str("]\n");
    }
    out
}

fn entity<'a>(resolved: &'a Table, kind: &str, key: &str, id: &str) -> Option<&'a Table> {
    let items = resolved.get(kind)?.as_array()?;
    items
        .iter()
        .filter_map(Value::as_table)
        .find(|t| t.get(key).and_then(Value::as_str) == Some(id))
}

/// The table and key behind a parameter path, matching the longest id of the scenario.
fn place(s: &Scenario, path: &str) -> Option<Place> {
    let (head, tail) = path.split_once('.')?;
    let (key, ids): (&'static str, Vec<&str>) = match head {
        "model" => return Some(Place::Model(tail.to_string())),
        "chip" => ("id", s.chips.iter().map(|c| c.id.as_str()).collect()),
        "buyer" => ("id", s.buyers.iter().map(|b| b.id.as_str()).collect()),
        "policy" => ("id", s.policies.iter().map(|p| p.id.as_str()).collect()),
        "supply" => ("chip", s.chips.iter().map(|c| c.id.as_str()).collect()),
        _ => return None,
    };
    let id = ids
        .into_iter()
        .filter(|id| {
            tail.len() > id.len() && tail.starts_with(id) && tail.as_bytes()[id.len()] == b'.'
        })
        .max_by_key(|id| id.len())?;
    let rest = tail[id.len() + 1..]
        .split('.')
        .map(str::to_string)
        .collect();
    Some(Place::Entity {
        kind: head.to_string(),
        key,
        id: id.to_string(),
        rest,
    })
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// `x` to 4 significant digits.
pub fn round(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.3e}").parse().unwrap_or(x)
}

/// A distribution as the inline TOML value a scenario file takes.
fn value(spec: &DistSpec) -> Value {
    let mut t = Table::new();
    let mut set = |k: &str, x: f64| {
        if x.is_finite() {
            t.insert(k.to_string(), Value::Float(round(x)));
        }
    };
    let dist = match *spec {
        DistSpec::Fixed(v) => return Value::Float(round(v)),
        DistSpec::Uniform { min, max } => {
            set("min", min);
            set("max", max);
            "uniform"
        }
        DistSpec::Normal { mean, sd, min, max } => {
            set("mean", mean);
            set("sd", sd);
            set("min", min);
            set("max", max);
            "normal"
        }
        DistSpec::LogNormal { median, sigma } => {
            set("median", median);
            set("sigma", sigma);
            "lognormal"
        }
        DistSpec::Triangular { min, mode, max } | DistSpec::Pert { min, mode, max } => {
            set("min", min);
            set("mode", mode);
            set("max", max);
            if matches!(spec, DistSpec::Pert { .. }) {
                "pert"
            } else {
                "triangular"
            }
        }
        DistSpec::Beta {
            alpha,
            beta,
            min,
            max,
        } => {
            set("alpha", alpha);
            set("beta", beta);
            set("min", min);
            set("max", max);
            "beta"
        }
        DistSpec::Bernoulli { p } => {
            set("p", p);
            "bernoulli"
        }
    };
    let mut inline = Table::new();
    inline.insert("dist".into(), Value::String(dist.into()));
    inline.extend(t);
    Value::Table(inline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distributions_are_written_inline_and_rounded() {
        let v = value(&DistSpec::Normal {
            mean: 0.412345,
            sd: 0.05,
            min: 0.25,
            max: f64::INFINITY,
        });
        assert_eq!(
            v.to_string(),
            "{ dist = \"normal\", mean = 0.4123, sd = 0.05, min = 0.25 }"
        );
        assert_eq!(value(&DistSpec::Fixed(2.0)).to_string(), "2.0");
        assert_eq!(round(123_456.0), 123_500.0);
    }
}
