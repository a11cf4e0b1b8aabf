//! `exportsim chips`: classification of each chip under the US rules in force at a quarter.

use super::term::say;
use super::{Failure, load};
use exportsim::model::{Chip, Origin, Policy, PolicyKind, Quarter, Scenario, UsEffect};
use std::path::Path;

pub fn chips(path: &Path, at: Option<&str>) -> Result<(), Failure> {
    let s = load(path)?.scenario;
    let q: Quarter = match at {
        Some(a) => a
            .parse()
            .map_err(|e| Failure::Input(format!("--at: {e}")))?,
        None => s.end,
    };
    let in_force = |p: &Policy| {
        matches!(p.kind, PolicyKind::UsExport { .. })
            && p.start <= q
            && p.end.is_none_or(|e| q <= e)
    };
    let rules: Vec<(usize, &Policy)> = (s.policies.iter().enumerate())
        .filter(|(_, p)| in_force(p))
        .collect();
    let mut out = format!(
        "US rules in force at {q} (by their scheduled start; uncertain starts and probabilities are not applied):\n"
    );
    for (k, (_, r)) in rules.iter().enumerate() {
        out += &format!(
            "  R{:<3} {:<24} from {}  {}\n",
            k + 1,
            r.id,
            r.start,
            r.label
        );
    }
    out += &header(rules.len());
    for c in 0..s.chips.len() {
        out += &row(&s, c, &rules);
    }
    out += "\nTPP = max(BF16 TFLOPS x 16, INT8 TOPS x 8); PD = TPP / die area (n/a: die area not public).\n";
    out += "Status: controlled (ban), licence, notified, taxed, or free; the rule with the latest start governs.\n";
    say(&out);
    Ok(())
}

fn header(rules: usize) -> String {
    let mut header = format!(
        "\n{:<16} {:<8} {:>8} {:>7} {:>9} {:>7}",
        "chip", "origin", "TPP", "PD", "I/O GB/s", "BW TB/s"
    );
    for k in 0..rules {
        header += &format!(" {:>12}", format!("R{}", k + 1));
    }
    header + &format!(" {:>12}\n", "governing")
}

/// Chip `c`'s specs, its status under each rule in `rules`, and the governing status.
fn row(s: &Scenario, c: usize, rules: &[(usize, &Policy)]) -> String {
    let chip = &s.chips[c];
    let mut line = specs(chip);
    for (_, r) in rules {
        let PolicyKind::UsExport { covers, effect, .. } = &r.kind else {
            continue;
        };
        let status = match (chip.origin, covers[c]) {
            (Origin::Domestic, _) => "-",
            (Origin::Us, true) => status_name(effect),
            (Origin::Us, false) => "free",
        };
        line += &format!(" {status:>12}");
    }
    let scheduled = rules.iter().map(|(p, policy)| (*p, policy.start));
    let governing = match chip.origin {
        Origin::Domestic => "-",
        Origin::Us => s
            .governing_us_rule(c, scheduled)
            .map_or("free", |rule| status_name(rule.effect)),
    };
    line + &format!(" {governing:>12}\n")
}

fn specs(chip: &Chip) -> String {
    let pd = chip
        .performance_density()
        .map_or_else(|| "n/a".into(), |x| format!("{x:.2}"));
    let io = chip
        .interconnect_gbs
        .map_or_else(|| "-".into(), |x| format!("{x:.0}"));
    format!(
        "{:<16} {:<8} {:>8.0} {:>7} {:>9} {:>7.2}",
        chip.id,
        chip.origin.as_str(),
        chip.tpp(),
        pd,
        io,
        chip.memory_bandwidth_tbs
    )
}

fn status_name(effect: &UsEffect) -> &'static str {
    match effect {
        UsEffect::Ban => "controlled",
        UsEffect::Licence { .. } => "licence",
        UsEffect::Notify => "notified",
        UsEffect::Tax => "taxed",
    }
}
