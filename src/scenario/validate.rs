//! From raw serde types to a [`Scenario`]: defaults, ranges, references and windows, with
//! every problem collected before failing. Numbers are checked in `numbers`, policies in
//! `policy`; warnings about a valid scenario come from `warn`.

use super::diagnostic::{Diagnostic, DocPath, SHOWN_DIAGNOSTICS, ScenarioError, Severity};
use super::limits::{ANY, GROWTH, MAX_ID_CHARS, MAX_QUARTERS, MAX_RUNS, NONNEG, UNIT};
use super::load::Resolved;
use super::raw::{RawBuyer, RawChip};
use crate::display::nearest;
use crate::model::*;

pub(super) struct Validator<'a> {
    pub resolved: &'a Resolved,
    pub problems: Vec<Diagnostic>,
    pub params: Vec<Param>,
    pub start: Quarter,
    pub end: Quarter,
    /// False when `start` or `end` is missing or bad: quarters are then not checked against it.
    pub horizon_ok: bool,
    pub chip_ids: Vec<String>,
    pub buyer_ids: Vec<String>,
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
        horizon_ok: false,
        chip_ids: raw.chip.iter().filter_map(|c| c.id.clone()).collect(),
        buyer_ids: raw.buyer.iter().filter_map(|b| b.id.clone()).collect(),
    };
    let header = raw.scenario.clone().unwrap_or_default();
    let (name, runs) = v.header();
    let settings = v.settings();
    let vendors = v.vendors();
    let chips = v.chips(&vendors);
    v.unique("chip", "id", &v.chip_ids.clone());
    v.unique("buyer", "id", &v.buyer_ids.clone());
    let buyers = v.buyers();
    let supply = v.supply(&chips);
    let policies = v.policies(&chips, &buyers);
    if v.problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(ScenarioError {
            diagnostics: v.problems,
        });
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
    let mut problems = v.problems;
    for (path, message) in super::warn::warnings(&scenario) {
        let d = resolved.diagnostic(&path, message);
        problems.push(Diagnostic {
            severity: Severity::Warning,
            ..d
        });
    }
    Ok((scenario, problems))
}

/// SHA-256 of the resolved scenario text, hex.
pub fn hash_text(text: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Validator<'_> {
    pub(super) fn error(
        &mut self,
        path: &DocPath,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let message = format!("{}: {}", path, message.into());
        // Problems past those shown are only counted, so they are not placed (which costs a
        // search of the document each).
        let d = if self.problems.len() < SHOWN_DIAGNOSTICS {
            self.resolved.diagnostic(path, message)
        } else {
            Diagnostic::error(&self.resolved.sources[0].path, message)
        };
        self.problems.push(d.with_help(help));
    }

    /// "did you mean `x`?" when `got` is near one of `valid`, and the valid values either way.
    pub(super) fn one_of(&self, got: &str, valid: &[&str]) -> String {
        match nearest(got, valid.iter().copied()) {
            Some(n) => format!("did you mean `{n}`? valid values: {}", valid.join(", ")),
            None => format!("valid values: {}", valid.join(", ")),
        }
    }

    /// An id or name: non-empty and at most [`MAX_ID_CHARS`] characters.
    pub(super) fn id_text(&mut self, path: &DocPath, id: &str) {
        if id.trim().is_empty() {
            self.error(path, "must not be empty", None);
        } else if id.chars().count() > MAX_ID_CHARS {
            self.error(
                path,
                format!(
                    "is {} characters long; at most {MAX_ID_CHARS}",
                    id.chars().count()
                ),
                None,
            );
        }
    }

    fn header(&mut self) -> (String, u64) {
        let header = self.resolved.raw.scenario.clone().unwrap_or_default();
        let hp = DocPath::default().key("scenario");
        self.name(&hp.clone().key("name"), header.name.as_deref());
        self.horizon(&hp, header.start.as_deref(), header.end.as_deref());
        let runs = header.runs.unwrap_or(1000);
        if runs == 0 || runs > MAX_RUNS {
            self.error(
                &hp.clone().key("runs"),
                format!("must be between 1 and {MAX_RUNS} (got {runs})"),
                None,
            );
        }
        for (table, empty) in [
            ("chip", self.resolved.raw.chip.is_empty()),
            ("buyer", self.resolved.raw.buyer.is_empty()),
        ] {
            if empty {
                self.error(
                    &DocPath::default().key(table),
                    format!("the scenario has no [[{table}]]: at least one is needed"),
                    None,
                );
            }
        }
        (header.name.unwrap_or_default(), runs)
    }

    /// The scenario's name: it names the output directory.
    fn name(&mut self, path: &DocPath, name: Option<&str>) {
        match name {
            None => self.error(path, "missing: the scenario needs a `name`", None),
            Some(n)
                if n.is_empty()
                    || !n
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                let help = "it names the output directory, e.g. `baseline` or `h200-open`";
                self.error(
                    path,
                    "must be non-empty letters, digits, `_` or `-`",
                    Some(help.into()),
                );
            }
            Some(n) => self.id_text(path, n),
        }
    }

    /// `start` and `end`: both valid, in order, at most [`MAX_QUARTERS`] apart.
    fn horizon(&mut self, hp: &DocPath, start: Option<&str>, end: Option<&str>) {
        let start = self.quarter(&hp.clone().key("start"), start, true, false);
        let end = self.quarter(&hp.clone().key("end"), end, true, false);
        let (Some(s), Some(e)) = (start, end) else {
            return;
        };
        (self.start, self.end, self.horizon_ok) = (s, e, e >= s);
        let quarters = e.index() - s.index() + 1;
        if e < s {
            self.error(
                &hp.clone().key("end"),
                format!("`end` ({e}) is before `start` ({s})"),
                None,
            );
        } else if quarters > MAX_QUARTERS {
            self.error(
                &hp.clone().key("end"),
                format!("the horizon {s}..{e} is {quarters} quarters; at most {MAX_QUARTERS}"),
                None,
            );
        }
    }

    pub(super) fn unique(&mut self, table: &str, key: &'static str, ids: &[String]) {
        let mut seen = std::collections::HashSet::new();
        for id in ids {
            if !seen.insert(id) {
                let path = DocPath::default().key(table).item(key, id);
                self.error(
                    &path,
                    format!("{key} `{id}` is used twice"),
                    Some("ids must be unique".into()),
                );
            }
        }
    }

    pub(super) fn quarter(
        &mut self,
        path: &DocPath,
        raw: Option<&str>,
        required: bool,
        in_horizon: bool,
    ) -> Option<Quarter> {
        let Some(raw) = raw else {
            if required {
                self.error(path, "missing: a quarter like \"2024Q3\" is required", None);
            }
            return None;
        };
        match raw.parse::<Quarter>() {
            Ok(q) if in_horizon && self.horizon_ok && (q < self.start || q > self.end) => {
                self.error(
                    path,
                    format!(
                        "{q} is outside the scenario's horizon {}..{}",
                        self.start, self.end
                    ),
                    None,
                );
                None
            }
            Ok(q) => Some(q),
            Err(e) => {
                self.error(path, e.to_string(), None);
                None
            }
        }
    }

    fn settings(&mut self) -> Settings {
        let m = self.resolved.raw.model.clone().unwrap_or_default();
        let p = DocPath::default().key("model");
        let unfilled = match m.unfilled.as_deref() {
            None | Some("backlog") => Unfilled::Backlog,
            Some("reroute") => Unfilled::Reroute,
            Some(other) => {
                let help = self.one_of(other, &["backlog", "reroute"]);
                self.error(
                    &p.clone().key("unfilled"),
                    format!("unknown value `{other}`"),
                    Some(help),
                );
                Unfilled::Backlog
            }
        };
        Settings {
            taste_sd: self.num(
                &p.clone().key("taste_sd"),
                m.taste_sd.as_ref(),
                Some(0.3),
                NONNEG,
            ),
            inference_bandwidth_weight: self.num(
                &p.clone().key("inference_bandwidth_weight"),
                m.inference_bandwidth_weight.as_ref(),
                Some(0.5),
                UNIT,
            ),
            unfilled,
            backlog_max_quarters: self.quarters_count(
                &p.clone().key("backlog_max_quarters"),
                m.backlog_max_quarters,
                4,
            ),
        }
    }

    fn vendors(&mut self) -> Vec<Vendor> {
        let mut vendors: Vec<Vendor> = Vec::new();
        for c in self.resolved.raw.chip.clone() {
            let (Some(id), Some(vendor)) = (c.id.as_deref(), c.vendor.as_deref()) else {
                continue;
            };
            let Some(origin) = parse_origin(c.origin.as_deref()) else {
                continue;
            };
            match vendors.iter().find(|v| v.id == vendor) {
                Some(v) if v.origin != origin => {
                    let path = DocPath::default().key("chip").item("id", id).key("origin");
                    let help = format!(
                        "a vendor's chips share one origin; other `{vendor}` chips are `{}`",
                        v.origin.as_str()
                    );
                    self.error(
                        &path,
                        format!("vendor `{vendor}` has chips of two origins"),
                        Some(help),
                    );
                }
                Some(_) => {}
                None => vendors.push(Vendor {
                    id: vendor.to_string(),
                    origin,
                }),
            }
        }
        vendors
    }

    fn chips(&mut self, vendors: &[Vendor]) -> Vec<Chip> {
        let mut chips = Vec::new();
        for (i, c) in self.resolved.raw.chip.clone().iter().enumerate() {
            match c.id.clone() {
                Some(id) => chips.push(self.chip(id, c, vendors)),
                None => self.error(
                    &DocPath::default().key("chip").index(i),
                    "a [[chip]] needs an `id`",
                    None,
                ),
            }
        }
        chips
    }

    fn chip(&mut self, id: String, c: &RawChip, vendors: &[Vendor]) -> Chip {
        let p = DocPath::default().key("chip").item("id", &id);
        let key = |k: &str| p.clone().key(k);
        self.id_text(&key("id"), &id);
        let origin = self.origin(&p, c.origin.as_deref());
        let vendor = self.vendor(&p, c.vendor.as_deref(), vendors);
        let bf16 = self
            .spec(&key("bf16_tflops"), c.bf16_tflops, true)
            .unwrap_or(0.0);
        if c.bf16_tflops == Some(0.0) {
            self.error(
                &key("bf16_tflops"),
                "must be above 0 (a chip must deliver some compute)",
                None,
            );
        }
        let die = self.spec(&key("die_area_mm2"), c.die_area_mm2, false);
        if die == Some(0.0) {
            self.error(
                &key("die_area_mm2"),
                "must be above 0",
                Some("omit `die_area_mm2` if the die area is not public".into()),
            );
        }
        let (available_from, available_until) = self.availability(&p, c);
        Chip {
            name: c.name.clone().unwrap_or_else(|| id.clone()),
            vendor,
            origin,
            bf16_tflops: bf16,
            int8_tops: self
                .spec(&key("int8_tops"), c.int8_tops, false)
                .unwrap_or(bf16 * 2.0),
            memory_gb: self
                .spec(&key("memory_gb"), c.memory_gb, false)
                .unwrap_or(0.0),
            memory_bandwidth_tbs: self
                .spec(&key("memory_bandwidth_tbs"), c.memory_bandwidth_tbs, true)
                .unwrap_or(0.0),
            interconnect_gbs: self.spec(&key("interconnect_gbs"), c.interconnect_gbs, false),
            die_area_mm2: die.filter(|a| *a > 0.0),
            price_usd: self.num(&key("price_usd"), c.price_usd.as_ref(), None, NONNEG),
            available_from,
            available_until,
            training_efficiency: self.num(
                &key("training_efficiency"),
                c.training_efficiency.as_ref(),
                Some(1.0),
                UNIT,
            ),
            inference_efficiency: self.num(
                &key("inference_efficiency"),
                c.inference_efficiency.as_ref(),
                Some(1.0),
                UNIT,
            ),
            id,
        }
    }

    fn vendor(&mut self, p: &DocPath, raw: Option<&str>, vendors: &[Vendor]) -> usize {
        let Some(v) = raw else {
            self.error(
                &p.clone().key("vendor"),
                "missing: each chip needs a `vendor`",
                None,
            );
            return 0;
        };
        self.id_text(&p.clone().key("vendor"), v);
        vendors.iter().position(|x| x.id == v).unwrap_or(0)
    }

    /// `available_from` (default: always) and `available_until` (default: never ends), in order.
    fn availability(&mut self, p: &DocPath, c: &RawChip) -> (Quarter, Option<Quarter>) {
        let from = self.quarter(
            &p.clone().key("available_from"),
            c.available_from.as_deref(),
            false,
            false,
        );
        let until = self.quarter(
            &p.clone().key("available_until"),
            c.available_until.as_deref(),
            false,
            false,
        );
        if let (Some(f), Some(u)) = (from, until) {
            if u < f {
                let msg = format!("`available_until` ({u}) is before `available_from` ({f})");
                self.error(&p.clone().key("available_until"), msg, None);
            }
        }
        (from.unwrap_or(Quarter::from_index(0)), until)
    }

    fn origin(&mut self, p: &DocPath, raw: Option<&str>) -> Origin {
        parse_origin(raw).unwrap_or_else(|| {
            let (msg, help) = match raw {
                Some(o) => (
                    format!("unknown origin `{o}`"),
                    self.one_of(o, &["us", "domestic"]),
                ),
                None => (
                    "missing: each chip needs an `origin`".into(),
                    "valid values: us, domestic".into(),
                ),
            };
            self.error(&p.clone().key("origin"), msg, Some(help));
            Origin::Domestic
        })
    }

    fn buyers(&mut self) -> Vec<Buyer> {
        let mut buyers = Vec::new();
        for (i, b) in self.resolved.raw.buyer.clone().iter().enumerate() {
            match b.id.clone() {
                Some(id) => buyers.push(self.buyer(id, b)),
                None => self.error(
                    &DocPath::default().key("buyer").index(i),
                    "a [[buyer]] needs an `id`",
                    None,
                ),
            }
        }
        buyers
    }

    fn buyer(&mut self, id: String, b: &RawBuyer) -> Buyer {
        let p = DocPath::default().key("buyer").item("id", &id);
        let key = |k: &str| p.clone().key(k);
        self.id_text(&key("id"), &id);
        if let Some(class) = &b.class {
            self.id_text(&key("class"), class);
        }
        Buyer {
            name: b.name.clone().unwrap_or_else(|| id.clone()),
            class: b.class.clone().unwrap_or_else(|| "other".into()),
            demand_h100e: self.num(&key("demand_h100e"), b.demand_h100e.as_ref(), None, NONNEG),
            demand_growth: self.num(
                &key("demand_growth"),
                b.demand_growth.as_ref(),
                Some(0.0),
                GROWTH,
            ),
            training_share: self.num(
                &key("training_share"),
                b.training_share.as_ref(),
                Some(0.5),
                UNIT,
            ),
            price_sensitivity: self.num(
                &key("price_sensitivity"),
                b.price_sensitivity.as_ref(),
                Some(1.5),
                NONNEG,
            ),
            lock_in: self.num(&key("lock_in"), b.lock_in.as_ref(), Some(0.0), ANY),
            grey_appetite: self.num(
                &key("grey_appetite"),
                b.grey_appetite.as_ref(),
                Some(0.0),
                UNIT,
            ),
            budget_usd: self.opt_num(&key("budget_usd"), b.budget_usd.as_ref(), NONNEG),
            id,
        }
    }

    pub(super) fn chip_ref(&mut self, path: &DocPath, id: &str) -> Option<usize> {
        let found = self.chip_ids.iter().position(|c| c == id);
        if found.is_none() {
            let ids: Vec<&str> = self.chip_ids.iter().map(String::as_str).collect();
            let help = self
                .one_of(id, &ids)
                .replace("valid values", "valid chip ids");
            self.error(path, format!("unknown chip `{id}`"), Some(help));
        }
        found
    }

    pub(super) fn buyer_ref(&mut self, path: &DocPath, id: &str) -> Option<usize> {
        let found = self.buyer_ids.iter().position(|c| c == id);
        if found.is_none() {
            let ids: Vec<&str> = self.buyer_ids.iter().map(String::as_str).collect();
            let help = self
                .one_of(id, &ids)
                .replace("valid values", "valid buyer ids");
            self.error(path, format!("unknown buyer `{id}`"), Some(help));
        }
        found
    }

    /// Each listed id once: a repeat is most likely a typo for another id.
    pub(super) fn no_repeats(&mut self, path: &DocPath, ids: &[String]) {
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                self.error(
                    &path.clone().index(i),
                    format!("`{id}` is listed twice"),
                    None,
                );
            }
        }
    }
}

fn parse_origin(s: Option<&str>) -> Option<Origin> {
    match s {
        Some("us") => Some(Origin::Us),
        Some("domestic") => Some(Origin::Domestic),
        _ => None,
    }
}
