//! Small scenarios for the property tests, generated as values and written as scenario TOML
//! (so every generated case is a file a user could write). Chip 0 is always US-made and chip 1
//! domestic; policies are switched on and off independently.

use exportsim::model::Quarter;
use proptest::prelude::*;
use std::fmt::Write as _;

#[derive(Debug, Clone)]
pub(super) struct SupplySpec {
    pub(super) capacity: f64,
    pub(super) stock: f64,
    pub(super) growth: f64,
    pub(super) lead: u32,
    pub(super) priority: bool,
}

#[derive(Debug, Clone)]
pub(super) struct ChipSpec {
    pub(super) tflops: f64,
    pub(super) bandwidth: f64,
    pub(super) price: f64,
    pub(super) training_efficiency: f64,
    pub(super) inference_efficiency: f64,
    pub(super) from: i64,
    pub(super) supply: Option<SupplySpec>,
}

#[derive(Debug, Clone)]
pub(super) struct BuyerSpec {
    pub(super) demand: f64,
    pub(super) growth: f64,
    pub(super) training_share: f64,
    pub(super) beta: f64,
    pub(super) lock_in: f64,
    pub(super) appetite: f64,
    pub(super) budget: Option<f64>,
}

#[derive(Debug, Clone)]
pub(super) enum UsSpec {
    Ban,
    Licence {
        approval: f64,
        delay: u32,
        cap: Option<f64>,
    },
    Notify,
    Tax {
        revenue_share: f64,
        duty: f64,
    },
}

/// Optional policies; each is `(start offset, probability, parameters)`.
#[derive(Debug, Clone, Default)]
pub(super) struct Policies {
    pub(super) us_named: Option<(i64, f64, UsSpec)>,
    pub(super) us_threshold: Option<(i64, f64, f64)>,
    pub(super) quota: Option<(i64, f64, f64)>,
    pub(super) guidance: Option<(i64, f64, f64)>,
    pub(super) review: Option<(i64, f64, (f64, Option<f64>))>,
    pub(super) ban: Option<(i64, f64, bool)>,
    pub(super) grey: Option<(i64, f64, (f64, f64, f64))>,
    pub(super) crackdown: Option<(i64, f64, (f64, Option<f64>))>,
}

#[derive(Debug, Clone)]
pub(super) struct Case {
    pub(super) quarters: i64,
    pub(super) reroute: bool,
    pub(super) backlog_max_quarters: u32,
    pub(super) taste_sd: f64,
    pub(super) seed: u64,
    /// Chip 0 is US-made, chip 1 domestic; the rest either.
    pub(super) chips: Vec<(bool, ChipSpec)>,
    pub(super) buyers: Vec<BuyerSpec>,
    pub(super) policies: Policies,
}

fn supply_spec() -> impl Strategy<Value = SupplySpec> {
    (
        0.0..60_000.0f64,
        0.0..20_000.0f64,
        -0.3..0.5f64,
        0u32..3,
        any::<bool>(),
    )
        .prop_map(|(capacity, stock, growth, lead, priority)| SupplySpec {
            capacity,
            stock,
            growth,
            lead,
            priority,
        })
}

fn chip_spec(quarters: i64) -> impl Strategy<Value = ChipSpec> {
    (
        20.0..2000.0f64,
        0.2..8.0f64,
        500.0..50_000.0f64,
        0.1..1.0f64,
        0.1..1.0f64,
        -1..quarters,
        prop::option::of(supply_spec()),
    )
        .prop_map(
            |(
                tflops,
                bandwidth,
                price,
                training_efficiency,
                inference_efficiency,
                from,
                supply,
            )| ChipSpec {
                tflops,
                bandwidth,
                price,
                training_efficiency,
                inference_efficiency,
                from,
                supply,
            },
        )
}

fn buyer_spec() -> impl Strategy<Value = BuyerSpec> {
    let demand = prop_oneof![1 => Just(0.0), 6 => 1.0..80_000.0f64];
    let appetite = prop_oneof![Just(0.0), 0.01..1.0f64];
    let budget = prop::option::of(0.0..2e9f64);
    (
        demand,
        -0.9..1.5f64,
        0.0..1.0f64,
        0.0..4.0f64,
        -1.0..2.5f64,
        appetite,
        budget,
    )
        .prop_map(
            |(demand, growth, training_share, beta, lock_in, appetite, budget)| BuyerSpec {
                demand,
                growth,
                training_share,
                beta,
                lock_in,
                appetite,
                budget,
            },
        )
}

fn us_spec() -> impl Strategy<Value = UsSpec> {
    let approval = prop_oneof![Just(1.0), 0.0..=1.0f64];
    prop_oneof![
        1 => Just(UsSpec::Ban),
        3 => (approval, 0u32..3, prop::option::of(0.0..30_000.0f64)).prop_map(|(approval, delay, cap)| UsSpec::Licence { approval, delay, cap }),
        1 => Just(UsSpec::Notify),
        1 => (0.0..=1.0f64, 0.0..1.0f64).prop_map(|(revenue_share, duty)| UsSpec::Tax { revenue_share, duty }),
    ]
}

/// A policy slot: absent, or (start offset within the horizon, probability, parameters).
fn slot<T: std::fmt::Debug + Clone>(
    quarters: i64,
    params: impl Strategy<Value = T>,
) -> impl Strategy<Value = Option<(i64, f64, T)>> {
    prop::option::of((0..quarters, prop_oneof![Just(1.0), 0.0..=1.0f64], params))
}

fn policies(quarters: i64) -> impl Strategy<Value = Policies> {
    let us = (
        slot(quarters, us_spec()),
        slot(quarters, 1000.0..40_000.0f64),
    );
    let beijing = (
        slot(quarters, 0.0..=1.0f64),
        slot(quarters, -1.0..3.0f64),
        slot(quarters, (0.0..=1.0f64, prop::option::of(0.0..30_000.0f64))),
        slot(quarters, any::<bool>()),
    );
    let grey = (
        slot(quarters, (1.0..3.0f64, 0.0..40_000.0f64, 0.0..=1.0f64)),
        slot(quarters, (0.0..1.5f64, prop::option::of(0.0..=1.0f64))),
    );
    (us, beijing, grey).prop_map(
        |((us_named, us_threshold), (quota, guidance, review, ban), (grey, crackdown))| Policies {
            us_named,
            us_threshold,
            quota,
            guidance,
            review,
            ban,
            grey,
            crackdown,
        },
    )
}

pub(super) fn case() -> impl Strategy<Value = Case> {
    (1i64..7).prop_flat_map(|quarters| {
        let chips =
            prop::collection::vec((any::<bool>(), chip_spec(quarters)), 2..5).prop_map(|mut v| {
                v[0].0 = false;
                v[1].0 = true;
                v
            });
        let settings = (any::<bool>(), 0u32..4, 0.0..1.5f64, 0u64..1 << 62);
        (
            Just(quarters),
            settings,
            chips,
            prop::collection::vec(buyer_spec(), 1..4),
            policies(quarters),
        )
            .prop_map(
                |(
                    quarters,
                    (reroute, backlog_max_quarters, taste_sd, seed),
                    chips,
                    buyers,
                    policies,
                )| Case {
                    quarters,
                    reroute,
                    backlog_max_quarters,
                    taste_sd,
                    seed,
                    chips,
                    buyers,
                    policies,
                },
            )
    })
}

/// The quarter `offset` quarters after 2024Q1.
fn quarter(offset: i64) -> String {
    Quarter::new(2024, 1).unwrap().offset(offset).to_string()
}

fn render_chips(case: &Case, out: &mut String) {
    for (i, (domestic, c)) in case.chips.iter().enumerate() {
        let (origin, vendor) = if *domestic {
            ("domestic", "cn")
        } else {
            ("us", "us")
        };
        let _ = write!(
            out,
            "[[chip]]\nid = \"c{i}\"\nvendor = \"{vendor}{i}\"\norigin = \"{origin}\"\nbf16_tflops = {:?}\nmemory_bandwidth_tbs = {:?}\n\
             price_usd = {{ dist = \"uniform\", min = {:?}, max = {:?} }}\navailable_from = \"{}\"\n\
             training_efficiency = {:?}\ninference_efficiency = {{ dist = \"uniform\", min = 0.0, max = {:?} }}\n\n",
            c.tflops,
            c.bandwidth,
            c.price * 0.8,
            c.price,
            quarter(c.from),
            c.training_efficiency,
            c.inference_efficiency,
        );
        if let Some(s) = &c.supply {
            let _ = write!(
                out,
                "[[supply]]\nchip = \"c{i}\"\ncapacity = {:?}\nstock = {:?}\ngrowth = {:?}\nlead_time_quarters = {}\n",
                s.capacity, s.stock, s.growth, s.lead
            );
            out.push_str(if s.priority {
                "allocation = \"priority\"\npriority = [\"b0\"]\n\n"
            } else {
                "\n"
            });
        }
    }
}

fn render_buyers(case: &Case, out: &mut String) {
    for (j, b) in case.buyers.iter().enumerate() {
        let _ = write!(
            out,
            "[[buyer]]\nid = \"b{j}\"\nclass = \"{}\"\ndemand_h100e = {{ dist = \"uniform\", min = {:?}, max = {:?} }}\n\
             demand_growth = {:?}\ntraining_share = {:?}\nprice_sensitivity = {:?}\nlock_in = {:?}\ngrey_appetite = {:?}\n",
            if j == 0 { "state" } else { "firm" },
            b.demand * 0.5,
            b.demand,
            b.growth,
            b.training_share,
            b.beta,
            b.lock_in,
            b.appetite,
        );
        if let Some(budget) = b.budget {
            let _ = writeln!(out, "budget_usd = {budget:?}");
        }
        out.push('\n');
    }
}

fn policy(out: &mut String, id: &str, kind: &str, slot: (i64, f64), body: &str) {
    let _ = write!(
        out,
        "[[policy]]\nid = \"{id}\"\nkind = \"{kind}\"\nstart = \"{}\"\nprobability = {:?}\n{body}\n",
        quarter(slot.0),
        slot.1
    );
}

fn render_policies(p: &Policies, out: &mut String) {
    if let Some((start, prob, us)) = &p.us_named {
        let body = match us {
            UsSpec::Ban => "effect = \"ban\"\n".to_string(),
            UsSpec::Notify => "effect = \"notify\"\n".to_string(),
            UsSpec::Licence {
                approval,
                delay,
                cap,
            } => {
                let cap = cap
                    .map(|c| format!("cap_units_per_buyer = {c:?}\n"))
                    .unwrap_or_default();
                format!(
                    "effect = \"licence\"\napproval = {approval:?}\ndelay_quarters = {delay}\n{cap}"
                )
            }
            UsSpec::Tax {
                revenue_share,
                duty,
            } => format!("effect = \"tax\"\nrevenue_share = {revenue_share:?}\nduty = {duty:?}\n"),
        };
        policy(
            out,
            "us_named",
            "us_export",
            (*start, *prob),
            &format!("chips = [\"c0\"]\n{body}"),
        );
    }
    if let Some((start, prob, tpp)) = p.us_threshold {
        policy(
            out,
            "us_threshold",
            "us_export",
            (start, prob),
            &format!("match = [ {{ tpp_min = {tpp:?} }} ]\neffect = \"ban\"\n"),
        );
    }
    if let Some((start, prob, share)) = p.quota {
        policy(
            out,
            "quota",
            "beijing_quota",
            (start, prob),
            &format!("min_domestic_share = {share:?}\n"),
        );
    }
    if let Some((start, prob, penalty)) = p.guidance {
        policy(
            out,
            "guidance",
            "beijing_guidance",
            (start, prob),
            &format!("chips = [\"c0\"]\npenalty = {penalty:?}\n"),
        );
    }
    if let Some((start, prob, (approval, cap))) = p.review {
        let cap = cap
            .map(|c| format!("cap_units_per_buyer = {c:?}\n"))
            .unwrap_or_default();
        policy(
            out,
            "review",
            "beijing_review",
            (start, prob),
            &format!("approval = {approval:?}\n{cap}"),
        );
    }
    if let Some((start, prob, include_grey)) = p.ban {
        policy(
            out,
            "ban",
            "beijing_ban",
            (start, prob),
            &format!("classes = [\"state\"]\nchips = [\"c0\"]\ninclude_grey = {include_grey}\n"),
        );
    }
    if let Some((start, prob, (markup, cap, seizure))) = p.grey {
        policy(
            out,
            "grey",
            "grey_market",
            (start, prob),
            &format!(
                "markup = {markup:?}\ncap_units_per_quarter = {cap:?}\nseizure = {seizure:?}\n"
            ),
        );
    }
    if let Some((start, prob, (factor, seizure))) = p.crackdown {
        let seizure = seizure
            .map(|s| format!("seizure = {s:?}\n"))
            .unwrap_or_default();
        policy(
            out,
            "crackdown",
            "crackdown",
            (start, prob),
            &format!("cap_factor = {factor:?}\n{seizure}"),
        );
    }
}

pub(super) fn render(case: &Case) -> String {
    let mut out = format!(
        "[scenario]\nname = \"prop\"\nstart = \"2024Q1\"\nend = \"{}\"\nseed = {}\n\n[model]\ntaste_sd = {:?}\nunfilled = \"{}\"\nbacklog_max_quarters = {}\n\n",
        quarter(case.quarters - 1),
        case.seed,
        case.taste_sd,
        if case.reroute { "reroute" } else { "backlog" },
        case.backlog_max_quarters
    );
    render_chips(case, &mut out);
    render_buyers(case, &mut out);
    render_policies(&case.policies, &mut out);
    out
}
