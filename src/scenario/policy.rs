//! Validation of `[[policy]]` entries: the kind, the fields each kind takes, the chips and
//! buyers covered, the time window and the kind's own parameters.

use super::diagnostic::DocPath;
use super::limits::{ANY, MAX_MAGNITUDE, NONNEG, QUARTERS, UNIT};
use super::raw::{RawClause, RawPolicy};
use super::validate::Validator;
use crate::model::*;

const KINDS: [&str; 7] = [
    "us_export",
    "beijing_ban",
    "beijing_quota",
    "beijing_guidance",
    "beijing_review",
    "grey_market",
    "crackdown",
];
const EFFECTS: [&str; 4] = ["ban", "licence", "notify", "tax"];

/// The kind-specific fields each policy kind takes.
fn allowed(kind: &str) -> Option<&'static [&'static str]> {
    Some(match kind {
        "us_export" => &[
            "match",
            "chips",
            "except",
            "effect",
            "approval",
            "delay_quarters",
            "cap_units_per_buyer",
            "revenue_share",
            "duty",
        ],
        "beijing_ban" => &["classes", "buyers", "chips", "include_grey"],
        "beijing_quota" => &["classes", "buyers", "min_domestic_share"],
        "beijing_guidance" => &["classes", "buyers", "chips", "penalty"],
        "beijing_review" => &[
            "classes",
            "buyers",
            "chips",
            "approval",
            "cap_units_per_buyer",
        ],
        "grey_market" => &["chips", "markup", "cap_units_per_quarter", "seizure"],
        "crackdown" => &["cap_factor", "seizure"],
        _ => return None,
    })
}

impl Validator<'_> {
    pub(super) fn policies(&mut self, chips: &[Chip], buyers: &[Buyer]) -> Vec<Policy> {
        let mut out = Vec::new();
        let raws = self.resolved.raw.policy.clone();
        let ids: Vec<String> = raws.iter().filter_map(|p| p.id.clone()).collect();
        self.unique("policy", "id", &ids);
        for (i, r) in raws.iter().enumerate() {
            let Some(id) = r.id.clone() else {
                self.error(
                    &DocPath::default().key("policy").index(i),
                    "a [[policy]] needs an `id`",
                    None,
                );
                continue;
            };
            let p = DocPath::default().key("policy").item("id", &id);
            self.id_text(&p.clone().key("id"), &id);
            if r.enabled == Some(false) {
                continue;
            }
            if let Some(policy) = self.policy(&p, id, r, chips, buyers) {
                out.push(policy);
            }
        }
        out
    }

    fn policy(
        &mut self,
        p: &DocPath,
        id: String,
        r: &RawPolicy,
        chips: &[Chip],
        buyers: &[Buyer],
    ) -> Option<Policy> {
        let kind_name = r.kind.clone().unwrap_or_default();
        let Some(allowed) = allowed(&kind_name) else {
            let (msg, help) = match kind_name.as_str() {
                "" => (
                    "missing: each policy needs a `kind`".to_string(),
                    format!("valid values: {}", KINDS.join(", ")),
                ),
                other => (
                    format!("unknown policy kind `{other}`"),
                    self.one_of(other, &KINDS),
                ),
            };
            self.error(&p.clone().key("kind"), msg, Some(help));
            return None;
        };
        for field in kind_fields(r) {
            if !allowed.contains(&field) {
                let help = format!("a `{kind_name}` policy takes: {}", allowed.join(", "));
                self.error(
                    &p.clone().key(field),
                    format!("`{field}` does not apply to a `{kind_name}` policy"),
                    Some(help),
                );
            }
        }
        let (start, end) = self.window(p, r);
        let probability = self.num(
            &p.clone().key("probability"),
            r.probability.as_ref(),
            Some(1.0),
            UNIT,
        );
        let start_delay_quarters = self.opt_num(
            &p.clone().key("start_delay_quarters"),
            r.start_delay_quarters.as_ref(),
            QUARTERS,
        );
        let covered = self.covered(p, r, buyers);
        let kind = self.kind(p, &kind_name, r, chips);
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

    /// `start` (required) and `end`: in order, and overlapping the horizon.
    fn window(&mut self, p: &DocPath, r: &RawPolicy) -> (Option<Quarter>, Option<Quarter>) {
        let start = self.quarter(&p.clone().key("start"), r.start.as_deref(), true, false);
        let end = self.quarter(&p.clone().key("end"), r.end.as_deref(), false, false);
        if let (Some(s), Some(e)) = (start, end) {
            if e < s {
                self.error(
                    &p.clone().key("end"),
                    format!("`end` ({e}) is before `start` ({s})"),
                    None,
                );
            }
        }
        if let Some(e) = end.filter(|e| self.horizon_ok && *e < self.start) {
            let help = "remove it, or set `enabled = false`";
            self.error(
                &p.clone().key("end"),
                format!(
                    "the policy ends ({e}) before the horizon starts ({})",
                    self.start
                ),
                Some(help.into()),
            );
        }
        if let Some(s) = start.filter(|s| self.horizon_ok && *s > self.end) {
            self.error(
                &p.clone().key("start"),
                format!("{s} is after the horizon ends ({})", self.end),
                Some("remove it, or set `enabled = false`".into()),
            );
        }
        (start, end)
    }

    /// The buyers a policy covers: everyone unless `classes` or `buyers` say otherwise.
    fn covered(&mut self, p: &DocPath, r: &RawPolicy, buyers: &[Buyer]) -> Vec<bool> {
        let mut covered = vec![r.classes.is_none() && r.buyers.is_none(); buyers.len()];
        let classes: Vec<&str> = dedup(buyers.iter().map(|b| b.class.as_str()).collect());
        let path = p.clone().key("classes");
        self.no_repeats(&path, r.classes.as_deref().unwrap_or_default());
        for (k, class) in r.classes.iter().flatten().enumerate() {
            if !classes.contains(&class.as_str()) {
                let help = self
                    .one_of(class, &classes)
                    .replace("valid values", "classes in this scenario");
                self.error(
                    &path.clone().index(k),
                    format!("no buyer has class `{class}`"),
                    Some(help),
                );
            }
            for (i, b) in buyers.iter().enumerate() {
                covered[i] |= &b.class == class;
            }
        }
        let path = p.clone().key("buyers");
        self.no_repeats(&path, r.buyers.as_deref().unwrap_or_default());
        for (k, b) in r.buyers.iter().flatten().enumerate() {
            if let Some(i) = self.buyer_ref(&path.clone().index(k), b) {
                covered[i] = true;
            }
        }
        covered
    }

    fn kind(&mut self, p: &DocPath, kind_name: &str, r: &RawPolicy, chips: &[Chip]) -> PolicyKind {
        let chips_path = p.clone().key("chips");
        let key = |k: &str| p.clone().key(k);
        match kind_name {
            "us_export" => self.us_export(p, r, chips),
            "beijing_ban" => PolicyKind::BeijingBan {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, true),
                include_grey: r.include_grey.unwrap_or(false),
            },
            "beijing_quota" => PolicyKind::BeijingQuota {
                min_domestic_share: self.num(
                    &key("min_domestic_share"),
                    r.min_domestic_share.as_ref(),
                    None,
                    UNIT,
                ),
            },
            "beijing_guidance" => PolicyKind::BeijingGuidance {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, false),
                penalty: self.num(&key("penalty"), r.penalty.as_ref(), None, ANY),
            },
            "beijing_review" => PolicyKind::BeijingReview {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, true),
                approval: self.num(&key("approval"), r.approval.as_ref(), None, UNIT),
                cap_units_per_buyer: self.opt_num(
                    &key("cap_units_per_buyer"),
                    r.cap_units_per_buyer.as_ref(),
                    NONNEG,
                ),
            },
            "grey_market" => PolicyKind::GreyMarket {
                chips: self.chip_set(&chips_path, r.chips.as_ref(), chips, true),
                markup: self.num(&key("markup"), r.markup.as_ref(), None, NONNEG),
                cap_units_per_quarter: self.num(
                    &key("cap_units_per_quarter"),
                    r.cap_units_per_quarter.as_ref(),
                    None,
                    NONNEG,
                ),
                seizure: self.num(&key("seizure"), r.seizure.as_ref(), Some(0.0), UNIT),
            },
            _ => PolicyKind::Crackdown {
                cap_factor: self.num(&key("cap_factor"), r.cap_factor.as_ref(), None, NONNEG),
                seizure: self.opt_num(&key("seizure"), r.seizure.as_ref(), UNIT),
            },
        }
    }

    /// The chips a policy names; without a list, the US chips (or an error if a list is needed).
    fn chip_set(
        &mut self,
        path: &DocPath,
        ids: Option<&Vec<String>>,
        chips: &[Chip],
        default_foreign: bool,
    ) -> Vec<bool> {
        match ids {
            Some(ids) => {
                self.no_repeats(path, ids);
                let mut set = vec![false; chips.len()];
                for (k, id) in ids.iter().enumerate() {
                    if let Some(i) = self.chip_ref(&path.clone().index(k), id) {
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

    fn us_export(&mut self, p: &DocPath, r: &RawPolicy, chips: &[Chip]) -> PolicyKind {
        let clauses: Vec<Clause> = r
            .match_
            .iter()
            .flatten()
            .enumerate()
            .map(|(k, c)| self.clause(&p.clone().key("match").index(k), c))
            .collect();
        if r.match_.is_none() && r.chips.is_none() {
            self.error(
                p,
                "a `us_export` rule needs `match` thresholds or named `chips`",
                None,
            );
        }
        let named = self.chip_set(
            &p.clone().key("chips"),
            r.chips.as_ref().or(Some(&Vec::new())),
            chips,
            false,
        );
        let except = self.chip_set(
            &p.clone().key("except"),
            r.except.as_ref().or(Some(&Vec::new())),
            chips,
            false,
        );
        for (field, ids) in [("chips", &r.chips), ("except", &r.except)] {
            for (k, id) in ids.iter().flatten().enumerate() {
                if chips.iter().any(|c| &c.id == id && c.origin != Origin::Us) {
                    let help = "US rules cover US chips only; a Beijing measure (`beijing_ban`, ...) covers domestic ones";
                    self.error(
                        &p.clone().key(field).index(k),
                        format!("`{id}` is a domestic chip"),
                        Some(help.into()),
                    );
                }
            }
        }
        let covers = chips
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.origin == Origin::Us
                    && !except[i]
                    && (named[i] || clauses.iter().any(|k| k.holds(c)))
            })
            .collect();
        let effect = self.effect(p, r);
        PolicyKind::UsExport {
            covers,
            effect,
            revenue_share: self.opt_num(
                &p.clone().key("revenue_share"),
                r.revenue_share.as_ref(),
                UNIT,
            ),
            duty: self.opt_num(&p.clone().key("duty"), r.duty.as_ref(), NONNEG),
        }
    }

    fn effect(&mut self, p: &DocPath, r: &RawPolicy) -> UsEffect {
        let effect = match r.effect.as_deref() {
            Some("ban") => UsEffect::Ban,
            Some("notify") => UsEffect::Notify,
            Some("tax") => UsEffect::Tax,
            Some("licence") | Some("license") => UsEffect::Licence {
                approval: self.num(&p.clone().key("approval"), r.approval.as_ref(), None, UNIT),
                delay_quarters: self.quarters_count(
                    &p.clone().key("delay_quarters"),
                    r.delay_quarters,
                    0,
                ),
                cap_units_per_buyer: self.opt_num(
                    &p.clone().key("cap_units_per_buyer"),
                    r.cap_units_per_buyer.as_ref(),
                    NONNEG,
                ),
            },
            other => {
                let (msg, help) = match other {
                    Some(o) => (format!("unknown effect `{o}`"), self.one_of(o, &EFFECTS)),
                    None => (
                        "missing: a `us_export` rule needs an `effect`".into(),
                        format!("valid values: {}", EFFECTS.join(", ")),
                    ),
                };
                self.error(&p.clone().key("effect"), msg, Some(help));
                UsEffect::Ban
            }
        };
        let known = r
            .effect
            .as_deref()
            .is_some_and(|e| EFFECTS.contains(&e) || e == "license");
        if known && !matches!(effect, UsEffect::Licence { .. }) {
            for (field, set) in [
                ("approval", r.approval.is_some()),
                ("delay_quarters", r.delay_quarters.is_some()),
                ("cap_units_per_buyer", r.cap_units_per_buyer.is_some()),
            ] {
                if set {
                    self.error(
                        &p.clone().key(field),
                        format!("`{field}` applies only to `effect = \"licence\"`"),
                        None,
                    );
                }
            }
        }
        effect
    }

    /// A `match` clause: finite, non-negative thresholds, each range non-empty, and at least one.
    fn clause(&mut self, path: &DocPath, c: &RawClause) -> Clause {
        let clause = Clause {
            tpp_min: self.threshold(&path.clone().key("tpp_min"), c.tpp_min),
            tpp_max: self.threshold(&path.clone().key("tpp_max"), c.tpp_max),
            pd_min: self.threshold(&path.clone().key("pd_min"), c.pd_min),
            pd_max: self.threshold(&path.clone().key("pd_max"), c.pd_max),
            interconnect_min_gbs: self.threshold(
                &path.clone().key("interconnect_min_gbs"),
                c.interconnect_min_gbs,
            ),
            memory_bandwidth_min_tbs: self.threshold(
                &path.clone().key("memory_bandwidth_min_tbs"),
                c.memory_bandwidth_min_tbs,
            ),
        };
        if *c == RawClause::default() {
            self.error(
                path,
                "an empty clause `{}` would match every chip",
                Some("give at least one threshold, e.g. { tpp_min = 4800 }".into()),
            );
        }
        for (name, min, max) in [
            ("tpp", clause.tpp_min, clause.tpp_max),
            ("pd", clause.pd_min, clause.pd_max),
        ] {
            if let (Some(lo), Some(hi)) = (min, max) {
                if lo < hi {
                    continue;
                }
                let help = "min bounds are inclusive and max bounds exclusive, so this clause matches no chip";
                self.error(
                    &path.clone().key(&format!("{name}_max")),
                    format!("`{name}_max` ({hi}) is not above `{name}_min` ({lo})"),
                    Some(help.into()),
                );
            }
        }
        clause
    }

    fn threshold(&mut self, path: &DocPath, value: Option<f64>) -> Option<f64> {
        let v = value?;
        if !v.is_finite() || !(0.0..=MAX_MAGNITUDE).contains(&v) {
            let help = "thresholds are plain numbers such as 4800; TOML's `nan` and `inf` are not accepted";
            let got = super::numbers::show(v);
            self.error(
                path,
                format!("must be a finite number between 0 and {MAX_MAGNITUDE:e} (got {got})"),
                Some(help.into()),
            );
            return None;
        }
        Some(v)
    }
}

fn dedup(mut v: Vec<&str>) -> Vec<&str> {
    v.sort_unstable();
    v.dedup();
    v
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
