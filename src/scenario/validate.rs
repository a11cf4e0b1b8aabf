//! From raw serde types to a [`Scenario`]: defaults, ranges, references and windows, with
//! every problem collected before failing.

use super::diagnostic::{Diagnostic, DocPath, ScenarioError, Severity};
use super::load::Resolved;
use super::raw::{RawClause, RawDist, RawNum, RawPolicy};
use crate::model::*;

/// The range a numeric field's values must lie in.
#[derive(Clone, Copy)]
struct Range {
    min: f64,
    max: f64,
    what: &'static str,
}

const ANY: Range = Range { min: f64::NEG_INFINITY, max: f64::INFINITY, what: "a finite number" };
const NONNEG: Range = Range { min: 0.0, max: f64::INFINITY, what: "non-negative" };
const UNIT: Range = Range { min: 0.0, max: 1.0, what: "in [0, 1]" };
const GROWTH: Range = Range { min: -1.0, max: f64::INFINITY, what: "at least -1 (a fall of 100%)" };

/// Largest run count accepted from a file or the command line.
pub const MAX_RUNS: u64 = 100_000_000;
/// Longest horizon, in quarters.
pub const MAX_QUARTERS: i64 = 200;

struct Validator<'a> {
    resolved: &'a Resolved,
    problems: Vec<Diagnostic>,
    params: Vec<Param>,
    start: Quarter,
    end: Quarter,
    chip_ids: Vec<String>,
    buyer_ids: Vec<String>,
}

/// Validates a resolved document into a scenario, or returns every problem found.
pub fn validate(resolved: &Resolved) -> Result<(Scenario, Vec<Diagnostic>), ScenarioError> {
    let raw = &resolved.raw;
    let mut v = Validator {
        resolved,
        problems: Vec::new(),
        params: Vec::new(),
        start: Quarter::from_index(0),
        end: Quarter::from_index(0),
        chip_ids: raw.chip.iter().filter_map(|c| c.id.clone()).collect(),
        buyer_ids: raw.buyer.iter().filter_map(|b| b.id.clone()).collect(),
    };
    let header = raw.scenario.clone().unwrap_or_default();
    let hp = DocPath::default().key("scenario");
    let name = header.name.clone().unwrap_or_else(|| {
        v.error(&hp.clone().key("name"), "the scenario needs a `name`", None);
        String::new()
    });
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        if header.name.is_some() {
            v.error(&hp.clone().key("name"), "`name` must be non-empty letters, digits, `_` or `-` (it names the output directory)", None);
        }
    }
    let start = v.quarter(&hp.clone().key("start"), header.start.as_deref(), true, false);
    let end = v.quarter(&hp.clone().key("end"), header.end.as_deref(), true, false);
    if let (Some(s), Some(e)) = (start, end) {
        v.start = s;
        v.end = e;
        if e < s {
            v.error(&hp.clone().key("end"), format!("`end` ({e}) is before `start` ({s})"), None);
        } else if e.index() - s.index() + 1 > MAX_QUARTERS {
            v.error(&hp.clone().key("end"), format!("the horizon is longer than {MAX_QUARTERS} quarters"), None);
        }
    }
    let runs = header.runs.unwrap_or(1000);
    if runs == 0 || runs > MAX_RUNS {
        v.error(&hp.clone().key("runs"), format!("`runs` must be between 1 and {MAX_RUNS}"), None);
    }
    let settings = v.settings();
    let vendors = v.vendors();
    let chips = v.chips(&vendors);
    v.unique("chip", "id", &v.chip_ids.clone());
    v.unique("buyer", "id", &v.buyer_ids.clone());
    let buyers = v.buyers();
    let supply = v.supply(&chips);
    let policies = v.policies(&chips, &buyers);
    if v.problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(ScenarioError { diagnostics: v.problems });
    }
    let resolved_toml = toml::to_string(&resolved.table).unwrap_or_default();
    let hash = hash_text(&resolved_toml);
    let scenario = Scenario {
        name,
        description: header.description.unwrap_or_default(),
        start: v.start,
        end: v.end,
        runs,
        seed: header.seed.unwrap_or(1),
        settings,
        vendors,
        chips,
        buyers,
        supply,
        policies,
        params: v.params,
        resolved_toml,
        hash,
    };
    let warnings = super::warnings(&scenario).into_iter().map(|m| Diagnostic {
        severity: Severity::Warning,
        ..Diagnostic::error(&resolved.sources[0].path, m)
    });
    let mut problems = v.problems;
    problems.extend(warnings);
    Ok((scenario, problems))
}

/// SHA-256 of the resolved scenario text, hex.
pub fn hash_text(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Validator<'_> {
    fn error(&mut self, path: &DocPath, message: impl Into<String>, help: Option<String>) {
        let d = self.resolved.diagnostic(path, format!("{}: {}", path, message.into())).with_help(help);
        self.problems.push(d);
    }

    fn unique(&mut self, table: &str, key: &'static str, ids: &[String]) {
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                let path = DocPath::default().key(table).item(key, id);
                self.error(&path, format!("{key} `{id}` is used twice"), Some("ids must be unique".into()));
            }
        }
    }

    fn quarter(&mut self, path: &DocPath, raw: Option<&str>, required: bool, in_horizon: bool) -> Option<Quarter> {
        let Some(raw) = raw else {
            if required {
                self.error(path, "missing: a quarter like \"2024Q3\" is required", None);
            }
            return None;
        };
        match raw.parse::<Quarter>() {
            Ok(q) if in_horizon && (q < self.start || q > self.end) => {
                self.error(path, format!("{q} is outside the scenario's horizon {}..{}", self.start, self.end), None);
                None
            }
            Ok(q) => Some(q),
            Err(e) => {
                self.error(path, e.to_string(), None);
                None
            }
        }
    }

    /// Registers a numeric input (value or distribution) and checks its range.
    fn num(&mut self, path: &DocPath, raw: Option<&RawNum>, default: Option<f64>, range: Range) -> ParamId {
        let id = ParamId(self.params.len());
        let param_path = param_path(path);
        let dist = match raw {
            None => match default {
                Some(d) => Distribution::fixed(d),
                None => {
                    self.error(path, "missing: this field is required", None);
                    Distribution::fixed(0.0)
                }
            },
            Some(raw) => match self.dist(path, raw, range) {
                Some(d) => d,
                None => Distribution::fixed(0.0),
            },
        };
        self.params.push(Param { path: param_path, dist });
        id
    }

    fn opt_num(&mut self, path: &DocPath, raw: Option<&RawNum>, range: Range) -> Option<ParamId> {
        raw.map(|r| self.num(path, Some(r), None, range))
    }

    fn dist(&mut self, path: &DocPath, raw: &RawNum, range: Range) -> Option<Distribution> {
        let spec = match raw {
            RawNum::Value(v) => DistSpec::Fixed(*v),
            RawNum::Dist(d) => self.dist_spec(path, d, range)?,
        };
        match Distribution::new(spec) {
            Ok(d) => {
                let (lo, hi) = d.support();
                if lo < range.min || hi > range.max {
                    let what = if d.is_fixed() { format!("{d}") } else { format!("draws of {d} can be {}", if lo < range.min { lo } else { hi }) };
                    self.error(path, format!("must be {} (got {what})", range.what), None);
                    return None;
                }
                Some(d)
            }
            Err(e) => {
                self.error(path, e.to_string(), None);
                None
            }
        }
    }

    fn dist_spec(&mut self, path: &DocPath, d: &RawDist, range: Range) -> Option<DistSpec> {
        let kind = d.dist.as_deref().unwrap_or("");
        let fields: [(&str, Option<f64>); 11] = [
            ("value", d.value), ("min", d.min), ("max", d.max), ("mode", d.mode), ("mean", d.mean),
            ("sd", d.sd), ("median", d.median), ("sigma", d.sigma), ("alpha", d.alpha), ("beta", d.beta), ("p", d.p),
        ];
        let (needed, optional): (&[&str], &[&str]) = match kind {
            "fixed" => (&["value"], &[]),
            "uniform" => (&["min", "max"], &[]),
            "normal" => (&["mean", "sd"], &["min", "max"]),
            "lognormal" => (&["median", "sigma"], &[]),
            "triangular" | "pert" => (&["min", "mode", "max"], &[]),
            "beta" => (&["alpha", "beta"], &["min", "max"]),
            "bernoulli" => (&["p"], &[]),
            _ => {
                let msg = if kind.is_empty() { "a distribution table needs `dist`".to_string() } else { format!("unknown distribution `{kind}`") };
                self.error(&path.clone().key("dist"), msg, Some("use one of: fixed, uniform, normal, lognormal, triangular, pert, beta, bernoulli".into()));
                return None;
            }
        };
        let mut ok = true;
        for (name, value) in fields {
            if value.is_some() && !needed.contains(&name) && !optional.contains(&name) {
                self.error(&path.clone().key(name), format!("`{name}` is not a parameter of `{kind}`"), Some(format!("`{kind}` takes {}", needed.iter().chain(optional).copied().collect::<Vec<_>>().join(", "))));
                ok = false;
            }
            if value.is_none() && needed.contains(&name) {
                self.error(path, format!("`{kind}` needs `{name}`"), None);
                ok = false;
            }
        }
        if !ok {
            return None;
        }
        let g = |v: Option<f64>| v.unwrap_or(0.0);
        Some(match kind {
            "fixed" => DistSpec::Fixed(g(d.value)),
            "uniform" => DistSpec::Uniform { min: g(d.min), max: g(d.max) },
            "normal" => DistSpec::Normal {
                mean: g(d.mean),
                sd: g(d.sd),
                min: d.min.unwrap_or(range.min),
                max: d.max.unwrap_or(range.max),
            },
            "lognormal" => DistSpec::LogNormal { median: g(d.median), sigma: g(d.sigma) },
            "triangular" => DistSpec::Triangular { min: g(d.min), mode: g(d.mode), max: g(d.max) },
            "pert" => DistSpec::Pert { min: g(d.min), mode: g(d.mode), max: g(d.max) },
            "beta" => DistSpec::Beta { alpha: g(d.alpha), beta: g(d.beta), min: d.min.unwrap_or(0.0), max: d.max.unwrap_or(1.0) },
            _ => DistSpec::Bernoulli { p: g(d.p) },
        })
    }

    fn spec(&mut self, path: &DocPath, value: Option<f64>, required: bool) -> Option<f64> {
        match value {
            Some(v) if v.is_finite() && v >= 0.0 => Some(v),
            Some(v) => {
                self.error(path, format!("must be a non-negative finite number (got {v})"), None);
                None
            }
            None if required => {
                self.error(path, "missing: this field is required", None);
                None
            }
            None => None,
        }
    }

    fn settings(&mut self) -> Settings {
        let m = self.resolved.raw.model.clone().unwrap_or_default();
        let p = DocPath::default().key("model");
        let unfilled = match m.unfilled.as_deref() {
            None | Some("backlog") => Unfilled::Backlog,
            Some("reroute") => Unfilled::Reroute,
            Some(other) => {
                self.error(&p.clone().key("unfilled"), format!("unknown value `{other}`"), Some("use \"backlog\" or \"reroute\"".into()));
                Unfilled::Backlog
            }
        };
        Settings {
            taste_sd: self.num(&p.clone().key("taste_sd"), m.taste_sd.as_ref(), Some(0.3), NONNEG),
            inference_bandwidth_weight: self.num(&p.clone().key("inference_bandwidth_weight"), m.inference_bandwidth_weight.as_ref(), Some(0.5), UNIT),
            unfilled,
            backlog_max_quarters: m.backlog_max_quarters.unwrap_or(4),
        }
    }

    fn vendors(&mut self) -> Vec<Vendor> {
        let mut vendors: Vec<Vendor> = Vec::new();
        for c in self.resolved.raw.chip.clone() {
            let (Some(id), Some(vendor)) = (c.id.as_deref(), c.vendor.as_deref()) else { continue };
            let Some(origin) = parse_origin(c.origin.as_deref()) else { continue };
            match vendors.iter().find(|v| v.id == vendor) {
                Some(v) if v.origin != origin => {
                    let path = DocPath::default().key("chip").item("id", id).key("origin");
                    self.error(&path, format!("vendor `{vendor}` has chips of two origins"), Some("a vendor's chips share one origin".into()));
                }
                Some(_) => {}
                None => vendors.push(Vendor { id: vendor.to_string(), origin }),
            }
        }
        vendors
    }

    fn chips(&mut self, vendors: &[Vendor]) -> Vec<Chip> {
        let mut chips = Vec::new();
        for (i, c) in self.resolved.raw.chip.clone().into_iter().enumerate() {
            let Some(id) = c.id.clone() else {
                self.error(&DocPath::default().key("chip").index(i), "a [[chip]] needs an `id`", None);
                continue;
            };
            let p = DocPath::default().key("chip").item("id", &id);
            let origin = match parse_origin(c.origin.as_deref()) {
                Some(o) => o,
                None => {
                    self.error(&p.clone().key("origin"), "`origin` must be \"us\" or \"domestic\"", None);
                    Origin::Domestic
                }
            };
            let vendor = match c.vendor.as_deref() {
                Some(v) => vendors.iter().position(|x| x.id == v).unwrap_or(0),
                None => {
                    self.error(&p.clone().key("vendor"), "missing: each chip needs a `vendor`", None);
                    0
                }
            };
            let bf16 = self.spec(&p.clone().key("bf16_tflops"), c.bf16_tflops, true).unwrap_or(0.0);
            if c.bf16_tflops == Some(0.0) {
                self.error(&p.clone().key("bf16_tflops"), "must be above 0 (a chip must deliver some compute)", None);
            }
            let chip = Chip {
                name: c.name.clone().unwrap_or_else(|| id.clone()),
                vendor,
                origin,
                bf16_tflops: bf16,
                int8_tops: self.spec(&p.clone().key("int8_tops"), c.int8_tops, false).unwrap_or(bf16 * 2.0),
                memory_gb: self.spec(&p.clone().key("memory_gb"), c.memory_gb, false).unwrap_or(0.0),
                memory_bandwidth_tbs: self.spec(&p.clone().key("memory_bandwidth_tbs"), c.memory_bandwidth_tbs, true).unwrap_or(0.0),
                interconnect_gbs: self.spec(&p.clone().key("interconnect_gbs"), c.interconnect_gbs, false),
                die_area_mm2: self.spec(&p.clone().key("die_area_mm2"), c.die_area_mm2, false).filter(|a| *a > 0.0),
                price_usd: self.num(&p.clone().key("price_usd"), c.price_usd.as_ref(), None, NONNEG),
                available_from: self.quarter(&p.clone().key("available_from"), c.available_from.as_deref(), false, false).unwrap_or(Quarter::from_index(0)),
                available_until: self.quarter(&p.clone().key("available_until"), c.available_until.as_deref(), false, false),
                training_efficiency: self.num(&p.clone().key("training_efficiency"), c.training_efficiency.as_ref(), Some(1.0), UNIT),
                inference_efficiency: self.num(&p.clone().key("inference_efficiency"), c.inference_efficiency.as_ref(), Some(1.0), UNIT),
                id,
            };
            chips.push(chip);
        }
        chips
    }

    fn buyers(&mut self) -> Vec<Buyer> {
        let mut buyers = Vec::new();
        for (i, b) in self.resolved.raw.buyer.clone().into_iter().enumerate() {
            let Some(id) = b.id.clone() else {
                self.error(&DocPath::default().key("buyer").index(i), "a [[buyer]] needs an `id`", None);
                continue;
            };
            let p = DocPath::default().key("buyer").item("id", &id);
            let buyer = Buyer {
                name: b.name.clone().unwrap_or_else(|| id.clone()),
                class: b.class.clone().unwrap_or_else(|| "other".into()),
                demand_h100e: self.num(&p.clone().key("demand_h100e"), b.demand_h100e.as_ref(), None, NONNEG),
                demand_growth: self.num(&p.clone().key("demand_growth"), b.demand_growth.as_ref(), Some(0.0), GROWTH),
                training_share: self.num(&p.clone().key("training_share"), b.training_share.as_ref(), Some(0.5), UNIT),
                price_sensitivity: self.num(&p.clone().key("price_sensitivity"), b.price_sensitivity.as_ref(), Some(1.5), NONNEG),
                lock_in: self.num(&p.clone().key("lock_in"), b.lock_in.as_ref(), Some(0.0), ANY),
                grey_appetite: self.num(&p.clone().key("grey_appetite"), b.grey_appetite.as_ref(), Some(0.0), UNIT),
                budget_usd: self.opt_num(&p.clone().key("budget_usd"), b.budget_usd.as_ref(), NONNEG),
                id,
            };
            buyers.push(buyer);
        }
        buyers
    }

    fn chip_ref(&mut self, path: &DocPath, id: &str) -> Option<usize> {
        let found = self.chip_ids.iter().position(|c| c == id);
        if found.is_none() {
            let help = match super::diagnostic::nearest(id, self.chip_ids.iter().map(String::as_str)) {
                Some(n) => format!("did you mean `{n}`? valid chip ids: {}", self.chip_ids.join(", ")),
                None => format!("valid chip ids: {}", self.chip_ids.join(", ")),
            };
            self.error(path, format!("unknown chip `{id}`"), Some(help));
        }
        found
    }

    fn buyer_ref(&mut self, path: &DocPath, id: &str) -> Option<usize> {
        let found = self.buyer_ids.iter().position(|c| c == id);
        if found.is_none() {
            let help = format!("valid buyer ids: {}", self.buyer_ids.join(", "));
            self.error(path, format!("unknown buyer `{id}`"), Some(help));
        }
        found
    }

    fn supply(&mut self, chips: &[Chip]) -> Vec<Option<Supply>> {
        let mut out: Vec<Option<Supply>> = vec![None; chips.len()];
        for (i, s) in self.resolved.raw.supply.clone().into_iter().enumerate() {
            let Some(chip_id) = s.chip.clone() else {
                self.error(&DocPath::default().key("supply").index(i), "a [[supply]] needs `chip`", None);
                continue;
            };
            let p = DocPath::default().key("supply").item("chip", &chip_id);
            let Some(chip) = self.chip_ref(&p.clone().key("chip"), &chip_id) else { continue };
            if out[chip].is_some() {
                self.error(&p, format!("chip `{chip_id}` has two [[supply]] entries"), None);
                continue;
            }
            let mut schedule = Vec::new();
            for (k, step) in s.schedule.clone().unwrap_or_default().iter().enumerate() {
                let sp = p.clone().key("schedule").index(k);
                let from = self.quarter(&sp.clone().key("from"), step.from.as_deref(), true, true);
                let cap = self.num(&sp.clone().key("capacity"), step.capacity.as_ref(), None, NONNEG);
                if let Some(from) = from {
                    if schedule.last().is_some_and(|(q, _)| *q >= from) {
                        self.error(&sp.clone().key("from"), "schedule steps must be in time order", None);
                    }
                    schedule.push((from, cap));
                }
            }
            let allocation = match s.allocation.as_deref() {
                None | Some("pro_rata") => {
                    if s.priority.is_some() {
                        self.error(&p.clone().key("priority"), "`priority` needs `allocation = \"priority\"`", None);
                    }
                    Allocation::ProRata
                }
                Some("priority") => {
                    let ids = s.priority.clone().unwrap_or_default();
                    if ids.is_empty() {
                        self.error(&p.clone().key("allocation"), "`allocation = \"priority\"` needs a non-empty `priority` list of buyer ids", None);
                    }
                    Allocation::Priority(ids.iter().filter_map(|b| self.buyer_ref(&p.clone().key("priority"), b)).collect())
                }
                Some(other) => {
                    self.error(&p.clone().key("allocation"), format!("unknown allocation `{other}`"), Some("use \"pro_rata\" or \"priority\"".into()));
                    Allocation::ProRata
                }
            };
            out[chip] = Some(Supply {
                chip,
                capacity: self.num(&p.clone().key("capacity"), s.capacity.as_ref(), None, NONNEG),
                growth: self.num(&p.clone().key("growth"), s.growth.as_ref(), Some(0.0), GROWTH),
                stock: self.num(&p.clone().key("stock"), s.stock.as_ref(), Some(0.0), NONNEG),
                schedule,
                allocation,
                lead_time_quarters: s.lead_time_quarters.unwrap_or(0),
            });
        }
        out
    }

    fn chip_set(&mut self, path: &DocPath, ids: Option<&Vec<String>>, chips: &[Chip], default_foreign: bool) -> Vec<bool> {
        match ids {
            Some(ids) => {
                let mut set = vec![false; chips.len()];
                for id in ids {
                    if let Some(i) = self.chip_ref(path, id) {
                        set[i] = true;
                    }
                }
                set
            }
            None if default_foreign => chips.iter().map(|c| c.origin == Origin::Us).collect(),
            None => {
                self.error(path, "missing: list the chips this policy covers", None);
                vec![false; chips.len()]
            }
        }
    }

    fn policies(&mut self, chips: &[Chip], buyers: &[Buyer]) -> Vec<Policy> {
        let mut out = Vec::new();
        let raws = self.resolved.raw.policy.clone();
        let ids: Vec<String> = raws.iter().filter_map(|p| p.id.clone()).collect();
        self.unique("policy", "id", &ids);
        for (i, r) in raws.iter().enumerate() {
            let Some(id) = r.id.clone() else {
                self.error(&DocPath::default().key("policy").index(i), "a [[policy]] needs an `id`", None);
                continue;
            };
            if r.enabled == Some(false) {
                continue;
            }
            let p = DocPath::default().key("policy").item("id", &id);
            if let Some(policy) = self.policy(&p, id, r, chips, buyers) {
                out.push(policy);
            }
        }
        out
    }

    fn policy(&mut self, p: &DocPath, id: String, r: &RawPolicy, chips: &[Chip], buyers: &[Buyer]) -> Option<Policy> {
        let kind_name = r.kind.clone().unwrap_or_default();
        let allowed: &[&str] = match kind_name.as_str() {
            "us_export" => &["match", "chips", "except", "effect", "approval", "delay_quarters", "cap_units_per_buyer", "revenue_share", "duty"],
            "beijing_ban" => &["classes", "buyers", "chips", "include_grey"],
            "beijing_quota" => &["classes", "buyers", "min_domestic_share"],
            "beijing_guidance" => &["classes", "buyers", "chips", "penalty"],
            "beijing_review" => &["classes", "buyers", "chips", "approval", "cap_units_per_buyer"],
            "grey_market" => &["chips", "markup", "cap_units_per_quarter", "seizure"],
            "crackdown" => &["cap_factor", "seizure"],
            other => {
                let msg = if other.is_empty() { "missing: each policy needs a `kind`".to_string() } else { format!("unknown policy kind `{other}`") };
                self.error(&p.clone().key("kind"), msg, Some("use one of: us_export, beijing_ban, beijing_quota, beijing_guidance, beijing_review, grey_market, crackdown".into()));
                return None;
            }
        };
        for field in kind_fields(r) {
            if !allowed.contains(&field) {
                self.error(&p.clone().key(field), format!("`{field}` does not apply to a `{kind_name}` policy"), Some(format!("a `{kind_name}` policy takes: {}", allowed.join(", "))));
            }
        }
        let start = self.quarter(&p.clone().key("start"), r.start.as_deref(), true, false);
        let end = self.quarter(&p.clone().key("end"), r.end.as_deref(), false, false);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                self.error(&p.clone().key("end"), format!("`end` ({e}) is before `start` ({s})"), None);
            }
        }
        if let Some(e) = end {
            if e < self.start {
                self.error(&p.clone().key("end"), format!("the policy ends ({e}) before the horizon starts ({})", self.start), Some("remove it, or set `enabled = false`".into()));
            }
        }
        if let Some(s) = start {
            if s > self.end {
                self.error(&p.clone().key("start"), format!("{s} is after the horizon ends ({})", self.end), None);
            }
        }
        let probability = self.num(&p.clone().key("probability"), r.probability.as_ref(), Some(1.0), UNIT);
        let start_delay_quarters = self.opt_num(&p.clone().key("start_delay_quarters"), r.start_delay_quarters.as_ref(), NONNEG);
        let mut covered = vec![r.classes.is_none() && r.buyers.is_none(); buyers.len()];
        for class in r.classes.iter().flatten() {
            if !buyers.iter().any(|b| &b.class == class) {
                let classes: Vec<&str> = buyers.iter().map(|b| b.class.as_str()).collect();
                self.error(&p.clone().key("classes"), format!("no buyer has class `{class}`"), Some(format!("classes in this scenario: {}", dedup(classes).join(", "))));
            }
            for (i, b) in buyers.iter().enumerate() {
                covered[i] |= &b.class == class;
            }
        }
        for b in r.buyers.iter().flatten() {
            if let Some(i) = self.buyer_ref(&p.clone().key("buyers"), b) {
                covered[i] = true;
            }
        }
        let chips_path = p.clone().key("chips");
        let kind = match kind_name.as_str() {
            "us_export" => self.us_export(p, r, chips),
            "beijing_ban" => PolicyKind::BeijingBan {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, true),
                include_grey: r.include_grey.unwrap_or(false),
            },
            "beijing_quota" => PolicyKind::BeijingQuota {
                min_domestic_share: self.num(&p.clone().key("min_domestic_share"), r.min_domestic_share.as_ref(), None, UNIT),
            },
            "beijing_guidance" => PolicyKind::BeijingGuidance {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, false),
                penalty: self.num(&p.clone().key("penalty"), r.penalty.as_ref(), None, ANY),
            },
            "beijing_review" => PolicyKind::BeijingReview {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, true),
                approval: self.num(&p.clone().key("approval"), r.approval.as_ref(), None, UNIT),
                cap_units_per_buyer: self.opt_num(&p.clone().key("cap_units_per_buyer"), r.cap_units_per_buyer.as_ref(), NONNEG),
            },
            "grey_market" => PolicyKind::GreyMarket {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, true),
                markup: self.num(&p.clone().key("markup"), r.markup.as_ref(), None, NONNEG),
                cap_units_per_quarter: self.num(&p.clone().key("cap_units_per_quarter"), r.cap_units_per_quarter.as_ref(), None, NONNEG),
                seizure: self.num(&p.clone().key("seizure"), r.seizure.as_ref(), Some(0.0), UNIT),
            },
            _ => PolicyKind::Crackdown {
                cap_factor: self.num(&p.clone().key("cap_factor"), r.cap_factor.as_ref(), None, NONNEG),
                seizure: self.opt_num(&p.clone().key("seizure"), r.seizure.as_ref(), UNIT),
            },
        };
        Some(Policy {
            label: r.label.clone().unwrap_or_else(|| id.clone()),
            id,
            kind,
            start: start?,
            end,
            probability,
            start_delay_quarters,
            buyers: covered,
        })
    }

    fn us_export(&mut self, p: &DocPath, r: &RawPolicy, chips: &[Chip]) -> PolicyKind {
        let clauses: Vec<Clause> = r.match_.iter().flatten().map(clause).collect();
        if clauses.iter().any(|c| *c == Clause::default()) {
            self.error(&p.clone().key("match"), "an empty clause `{}` would match every chip", Some("give at least one threshold, e.g. { tpp_min = 4800 }".into()));
        }
        if r.match_.is_none() && r.chips.is_none() {
            self.error(p, "a `us_export` rule needs `match` thresholds or named `chips`", None);
        }
        let named = self.chip_set(&p.clone().key("chips"), r.chips.as_ref().or(Some(&Vec::new())), chips, false);
        let except = self.chip_set(&p.clone().key("except"), r.except.as_ref().or(Some(&Vec::new())), chips, false);
        let covers = chips
            .iter()
            .enumerate()
            .map(|(i, c)| c.origin == Origin::Us && !except[i] && (named[i] || clauses.iter().any(|k| k.holds(c))))
            .collect();
        let effect = match r.effect.as_deref() {
            Some("ban") => UsEffect::Ban,
            Some("notify") => UsEffect::Notify,
            Some("tax") => UsEffect::Tax,
            Some("licence") | Some("license") => UsEffect::Licence {
                approval: self.num(&p.clone().key("approval"), r.approval.as_ref(), None, UNIT),
                delay_quarters: r.delay_quarters.unwrap_or(0),
                cap_units_per_buyer: self.opt_num(&p.clone().key("cap_units_per_buyer"), r.cap_units_per_buyer.as_ref(), NONNEG),
            },
            other => {
                let msg = match other {
                    Some(o) => format!("unknown effect `{o}`"),
                    None => "missing: a `us_export` rule needs an `effect`".into(),
                };
                self.error(&p.clone().key("effect"), msg, Some("use one of: ban, licence, notify, tax".into()));
                UsEffect::Ban
            }
        };
        if !matches!(effect, UsEffect::Licence { .. }) {
            for (field, set) in [("approval", r.approval.is_some()), ("delay_quarters", r.delay_quarters.is_some()), ("cap_units_per_buyer", r.cap_units_per_buyer.is_some())] {
                if set {
                    self.error(&p.clone().key(field), format!("`{field}` applies only to `effect = \"licence\"`"), None);
                }
            }
        }
        PolicyKind::UsExport {
            covers,
            effect,
            revenue_share: self.opt_num(&p.clone().key("revenue_share"), r.revenue_share.as_ref(), UNIT),
            duty: self.opt_num(&p.clone().key("duty"), r.duty.as_ref(), NONNEG),
        }
    }
}

fn clause(c: &RawClause) -> Clause {
    Clause {
        tpp_min: c.tpp_min,
        tpp_max: c.tpp_max,
        pd_min: c.pd_min,
        pd_max: c.pd_max,
        interconnect_min_gbs: c.interconnect_min_gbs,
        memory_bandwidth_min_tbs: c.memory_bandwidth_min_tbs,
    }
}

fn parse_origin(s: Option<&str>) -> Option<Origin> {
    match s {
        Some("us") => Some(Origin::Us),
        Some("domestic") => Some(Origin::Domestic),
        _ => None,
    }
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v.dedup();
    v
}

/// `chip.h20.price_usd` from `chip[h20].price_usd`.
fn param_path(path: &DocPath) -> String {
    use super::diagnostic::Seg;
    let parts: Vec<String> = path
        .0
        .iter()
        .map(|s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Item { value, .. } => value.clone(),
            Seg::Index(i) => i.to_string(),
        })
        .collect();
    parts.join(".")
}

/// The kind-specific fields a raw policy sets.
fn kind_fields(r: &RawPolicy) -> Vec<&'static str> {
    let set = [
        ("classes", r.classes.is_some()),
        ("buyers", r.buyers.is_some()),
        ("chips", r.chips.is_some()),
        ("except", r.except.is_some()),
        ("match", r.match_.is_some()),
        ("effect", r.effect.is_some()),
        ("approval", r.approval.is_some()),
        ("delay_quarters", r.delay_quarters.is_some()),
        ("cap_units_per_buyer", r.cap_units_per_buyer.is_some()),
        ("revenue_share", r.revenue_share.is_some()),
        ("duty", r.duty.is_some()),
        ("include_grey", r.include_grey.is_some()),
        ("min_domestic_share", r.min_domestic_share.is_some()),
        ("penalty", r.penalty.is_some()),
        ("markup", r.markup.is_some()),
        ("cap_units_per_quarter", r.cap_units_per_quarter.is_some()),
        ("seizure", r.seizure.is_some()),
        ("cap_factor", r.cap_factor.is_some()),
    ];
    set.iter().filter(|(_, s)| *s).map(|(n, _)| *n).collect()
}
