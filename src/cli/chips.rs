//! `exportsim chips`: classification of each chip under the US rules in force at a quarter.

use super::{Failure, load};
use crate::model::{Origin, Policy, PolicyKind, Quarter, UsEffect};
use std::path::Path;

pub fn chips(path: &Path, at: Option<&str>) -> Result<(), Failure> {
    let s = load(path)?;
    let q: Quarter = match at {
        Some(a) => a
            .parse()
            .map_err(|e| Failure::Input(format!("error: --at: {e}")))?,
        None => s.end,
    };
    let in_force = |p: &Policy| {
        matches!(p.kind, PolicyKind::UsExport { .. })
            && p.start <= q
            && p.end.is_none_or(|e| q <= e)
    };
    let rules: Vec<_> = s.policies.iter().filter(|p| in_force(p)).collect();
    println!(
        "US rules in force at {q} (by their scheduled start; uncertain starts and probabilities are not applied):"
    );
    for (k, r) in rules.iter().enumerate() {
        println!("  R{:<3} {:<24} from {}  {}", k + 1, r.id, r.start, r.label);
    }
    let mut header = format!(
        "\n{:<16} {:<8} {:>8} {:>7} {:>9} {:>7}",
        "chip", "origin", "TPP", "PD", "I/O GB/s", "BW TB/s"
    );
    for k in 0..rules.len() {
        header += &format!(" {:>12}", format!("R{}", k + 1));
    }
    header += &format!(" {:>12}", "governing");
    println!("{header}");
    for (c, chip) in s.chips.iter().enumerate() {
        let pd = chip
            .performance_density()
            .map(|x| format!("{x:.2}"))
            .unwrap_or_else(|| "n/a".into());
        let io = chip
            .interconnect_gbs
            .map(|x| format!("{x:.0}"))
            .unwrap_or_else(|| "-".into());
        let mut line = format!(
            "{:<16} {:<8} {:>8.0} {:>7} {:>9} {:>7.2}",
            chip.id,
            chip.origin.as_str(),
            chip.tpp(),
            pd,
            io,
            chip.memory_bandwidth_tbs
        );
        for r in &rules {
            let PolicyKind::UsExport { covers, effect, .. } = &r.kind else {
                continue;
            };
            let status = if chip.origin == Origin::Domestic {
                "-"
            } else if covers[c] {
                status_name(effect)
            } else {
                "free"
            };
            line += &format!(" {status:>12}");
        }
        let scheduled = (s.policies.iter().enumerate())
            .filter(|(_, p)| in_force(p))
            .map(|(p, policy)| (p, policy.start));
        let governing = match chip.origin {
            Origin::Domestic => "-",
            Origin::Us => s
                .governing_us_rule(c, scheduled)
                .map_or("free", |rule| status_name(rule.effect)),
        };
        line += &format!(" {governing:>12}");
        println!("{line}");
    }
    println!(
        "\nTPP = max(BF16 TFLOPS x 16, INT8 TOPS x 8); PD = TPP / die area (n/a: die area not public)."
    );
    println!(
        "Status: controlled (ban), licence, notified, taxed, or free; the rule with the latest start governs."
    );
    Ok(())
}

fn status_name(effect: &UsEffect) -> &'static str {
    match effect {
        UsEffect::Ban => "controlled",
        UsEffect::Licence { .. } => "licence",
        UsEffect::Notify => "notified",
        UsEffect::Tax => "taxed",
    }
}
