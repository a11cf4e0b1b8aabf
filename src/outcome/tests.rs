//! Outcomes checked against hand-filled records of the history scenario.

use super::*;
use crate::engine::{Layout, Record};
use crate::model::Channel;

fn history() -> Scenario {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/history.toml");
    crate::scenario::load(&path)
        .expect("history.toml loads")
        .scenario
}

fn chip(s: &Scenario, id: &str) -> usize {
    s.chips.iter().position(|c| c.id == id).unwrap()
}

fn buyer(s: &Scenario, id: &str) -> usize {
    s.buyers.iter().position(|b| b.id == id).unwrap()
}

/// Quarter index of `q` in the record.
fn at(s: &Scenario, q: &str) -> usize {
    (q.parse::<crate::model::Quarter>().unwrap().index() - s.start.index()) as usize
}

fn eval(s: &Scenario, text: &str, r: &Record) -> f64 {
    Outcome::parse(text, s)
        .unwrap_or_else(|e| panic!("{e}"))
        .evaluate(r)
}

/// A record where ByteDance gets 10 H20 (legal) in 2024Q1 and 5 more in 2024Q3 (grey), and
/// Alibaba 30 Ascend 910B in 2024Q2.
fn filled(s: &Scenario) -> Record {
    let mut r = Record::new(Layout::of(s));
    let lay = r.layout;
    let (h20, ascend) = (chip(s, "h20"), chip(s, "ascend_910b"));
    let (bytedance, alibaba) = (buyer(s, "bytedance"), buyer(s, "alibaba"));
    r.delivered[lay.qbck(at(s, "2024Q1"), bytedance, h20, Channel::Legal)] = 10.0;
    r.delivered[lay.qbck(at(s, "2024Q3"), bytedance, h20, Channel::Grey)] = 5.0;
    r.delivered[lay.qbck(at(s, "2024Q2"), alibaba, ascend, Channel::Legal)] = 30.0;
    r.revenue[lay.qc(at(s, "2024Q1"), h20)] = 100.0;
    r.revenue[lay.qc(at(s, "2024Q2"), ascend)] = 300.0;
    r.demand[lay.qb(at(s, "2024Q1"), bytedance)] = 8.0;
    r.unmet[lay.qb(at(s, "2024Q1"), bytedance)] = 2.0;
    r.backlog[lay.qbc(at(s, "2024Q3"), alibaba, ascend)] = 7.0;
    r.backlog[lay.qbc(at(s, "2024Q4"), alibaba, ascend)] = 4.0;
    let np = lay.policies;
    let guidance = s
        .policies
        .iter()
        .position(|p| p.id == "bj_h20_guidance_2024")
        .unwrap();
    r.policy_active[at(s, "2024Q3") * np + guidance] = true;
    r
}

#[test]
fn sums_follow_filters_and_periods() {
    let s = history();
    let r = filled(&s);
    assert_eq!(eval(&s, "units@2024", &r), 45.0);
    assert_eq!(eval(&s, "units[chip=h20]@2024", &r), 15.0);
    assert_eq!(eval(&s, "units[chip=h20, channel=grey]@2024", &r), 5.0);
    assert_eq!(
        eval(&s, "units[buyer=bytedance,chip=ascend_910b]@..2024Q2", &r),
        0.0
    );
    assert_eq!(
        eval(&s, "units[buyer=alibaba,chip=ascend_910b]@..2024Q2", &r),
        30.0
    );
    assert_eq!(
        eval(&s, "units[buyer=alibaba,chip=ascend_910b]@..2024Q1", &r),
        0.0
    );
    assert_eq!(eval(&s, "units[origin=domestic]@2024Q2..", &r), 30.0);
    assert_eq!(
        eval(
            &s,
            "units[vendor=nvidia|huawei, class=hyperscaler]@2024",
            &r
        ),
        45.0
    );
    assert_eq!(eval(&s, "revenue_usd[vendor=nvidia]@2024", &r), 100.0);
    assert_eq!(eval(&s, "unmet_h100e[buyer=bytedance]@2024Q1", &r), 2.0);
    assert_eq!(eval(&s, "unmet_share[buyer=bytedance]@2024", &r), 0.25);
    let h20 = s.chips[chip(&s, "h20")].h100e();
    assert!((eval(&s, "compute_h100e[chip=h20]@2024", &r) - 15.0 * h20).abs() < 1e-9);
}

#[test]
fn shares_stocks_and_arithmetic() {
    let s = history();
    let r = filled(&s);
    assert_eq!(eval(&s, "units_share[vendor=nvidia]@2024", &r), 15.0 / 45.0);
    // The buyer filter stays in the denominator: all of ByteDance's chips were Nvidia's.
    assert_eq!(
        eval(&s, "units_share[vendor=nvidia,buyer=bytedance]@2024", &r),
        1.0
    );
    assert_eq!(eval(&s, "revenue_share[origin=domestic]@2024", &r), 0.75);
    // A share of nothing is 0, not NaN.
    assert_eq!(eval(&s, "units_share[vendor=nvidia]@2023", &r), 0.0);
    assert_eq!(eval(&s, "backlog_units[chip=ascend_910b]@2024", &r), 4.0);
    assert_eq!(eval(&s, "backlog_units@..2024Q3", &r), 7.0);
    assert_eq!(
        eval(&s, "policy_active[policy=bj_h20_guidance_2024]@2024", &r),
        0.25
    );
    assert_eq!(
        eval(&s, "units[chip=h20]@2024 / units@2024 * 100 - 1", &r),
        15.0 / 45.0 * 100.0 - 1.0
    );
    assert_eq!(eval(&s, "-(units@2024Q1 + 2)", &r), -12.0);
    assert_eq!(eval(&s, "units@2024 / units@2023", &r), 0.0);
}

fn error(s: &Scenario, text: &str) -> OutcomeError {
    Outcome::parse(text, s).expect_err(text)
}

#[test]
fn typos_get_a_suggestion_and_the_valid_names() {
    let s = history();
    let e = error(&s, "compute_shar[vendor=nvidia]@2025");
    assert_eq!(&e.text[e.span.clone()], "compute_shar");
    let help = e.help.unwrap();
    assert!(
        help.contains("did you mean `compute_share`?") && help.contains("revenue_usd"),
        "{help}"
    );
    let e = error(&s, "compute_share[vendor=nvidai]@2025");
    assert_eq!(&e.text[e.span.clone()], "nvidai");
    assert!(e.message.contains("no vendor `nvidai`"));
    assert!(e.help.unwrap().contains("did you mean `nvidia`?"));
    let e = error(&s, "units[vendr=nvidia]@2025");
    assert!(e.help.unwrap().contains("did you mean `vendor`?"));
    let e = error(&s, "units[chip=h2O]@2025");
    assert!(e.help.unwrap().contains("did you mean `h20`?"));
    let rendered = error(&s, "units[buyer=bytedanse]@2025").to_string();
    assert!(
        rendered.contains("  | units[buyer=bytedanse]@2025\n  |             ^^^^^^^^^\n"),
        "{rendered}"
    );
}

#[test]
fn misuse_is_explained() {
    let s = history();
    assert!(
        error(&s, "revenue_usd[buyer=bytedance]@2025")
            .message
            .contains("recorded per chip")
    );
    assert!(
        error(&s, "us_government_usd[chip=h20]@2025")
            .help
            .unwrap()
            .contains("no filters")
    );
    assert!(
        error(&s, "units[chip=h20, chip=h200]@2025")
            .message
            .contains("given twice")
    );
    assert!(
        error(&s, "units@2030")
            .message
            .contains("outside the scenario's horizon")
    );
    assert!(error(&s, "units@2025..2024").message.contains("empty"));
    assert!(
        error(&s, "policy_active@2025")
            .message
            .contains("needs one policy")
    );
    assert!(
        error(&s, "units[vendor=nvidia, origin=domestic]@2025")
            .message
            .contains("select no chip")
    );
    // A year partly inside the horizon covers its quarters inside it.
    assert!(Outcome::parse("units@2022", &s).is_ok());
}
