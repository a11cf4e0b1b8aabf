//! Words and numbers as exportsim shows them, in one place for tables, charts, reports and
//! messages alike: display names of ids, labels of metrics, number formats, and the "did
//! you mean" of a mistyped name. Nothing here knows about files, charts or the engine.

/// The id under which all domestic vendors are shown together.
pub const DOMESTIC: &str = "domestic";

/// A vendor id as a reader would write it: `nvidia` -> `Nvidia`, `domestic` -> `All domestic`.
pub fn display_name(id: &str) -> String {
    if id == DOMESTIC {
        return "All domestic".into();
    }
    let mut c = id.chars();
    match c.next() {
        Some(first) => first
            .to_uppercase()
            .chain(c)
            .collect::<String>()
            .replace('_', " "),
        None => String::new(),
    }
}

/// What a metric measures, for axis labels.
pub fn metric_label(metric: &str) -> &'static str {
    match metric {
        "compute_share" => "share of compute delivered (H100e)",
        "units_share" => "share of units delivered",
        "revenue_share" => "share of revenue",
        "units" => "units delivered per quarter",
        "compute_h100e" => "compute delivered per quarter (H100e)",
        "revenue_usd" => "revenue per quarter (USD)",
        _ => "value",
    }
}

/// A short number for axes and labels: 1.2M, 350k, 12.
pub fn short_number(x: f64) -> String {
    let a = x.abs();
    let (v, unit) = match a {
        _ if a >= 1e9 => (x / 1e9, "B"),
        _ if a >= 1e6 => (x / 1e6, "M"),
        _ if a >= 1e3 => (x / 1e3, "k"),
        _ => (x, ""),
    };
    let digits = if v.abs() >= 100.0 || v.fract().abs() < 1e-9 {
        0
    } else {
        1
    };
    format!("{v:.digits$}{unit}")
}

/// A share as a percentage label: 0.25 -> 25%, 0.025 -> 2.5%.
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 1e-6 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// True when the outcome is a single share metric, shown in percent.
pub fn is_share(outcome: &str) -> bool {
    let head = outcome.trim().split(['[', '@']).next().unwrap_or("");
    head.ends_with("_share")
        && !outcome.contains(['+', '*', '/'])
        && !outcome.trim().starts_with('-')
}

/// A value for labels: percent with one decimal for shares, short forms for large
/// numbers, three significant digits otherwise (without trailing zeros).
pub fn value_label(x: f64, share: bool) -> String {
    if share {
        return format!("{:.1}%", x * 100.0);
    }
    if x.abs() >= 1000.0 {
        return short_number(x);
    }
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{x:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The closest of `candidates` to `word`, if it is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.len() > 64 {
        return None; // a long string is not a typo of a short name
    }
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (c.len().max(word.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Optimal string alignment distance: edits, with a swap of two neighbours counting as one.
fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(thousands(12), "12");
        assert_eq!(value_label(0.0561, true), "5.6%");
        assert_eq!(value_label(1500.0, false), "1.5k");
        assert_eq!(value_label(0.12345, false), "0.123");
        assert_eq!(percent(0.25), "25%");
        assert_eq!(display_name("moore_threads"), "Moore threads");
        assert_eq!(nearest("nvdia", ["nvidia", "huawei"]), Some("nvidia"));
        assert_eq!(nearest("xyz", ["nvidia", "huawei"]), None);
        assert!(is_share("compute_share[vendor=nvidia]@2027"));
        assert!(!is_share("units[chip=h200]@2027"));
    }

    #[test]
    fn suggests_near_names() {
        assert_eq!(
            nearest("capacty", ["capacity", "growth", "stock"]),
            Some("capacity")
        );
        assert_eq!(nearest("zzz", ["capacity", "growth"]), None);
        assert_eq!(nearest("nmae", ["name", "end", "runs"]), Some("name"));
        assert_eq!(nearest("mxa", ["min", "max", "mode"]), Some("max"));
    }
}
