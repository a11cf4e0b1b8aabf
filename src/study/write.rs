//! Study results as CSV. Writers take `impl Write` so tests can read their bytes; numbers
//! are written in Rust's shortest round-trip form.

use super::morris::Screening;
use super::sobol::Indices;
use super::sweep::SweepResult;
use super::tornado::Tornado;
use std::io::Write;

fn num(x: f64) -> String {
    format!("{x}")
}

/// `sweep.csv`: one column per parameter, then outcome, mean, sd, p05, p25, p50, p75, p95;
/// one row per point and outcome, points in grid order.
pub fn sweep_csv(r: &SweepResult, w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    let stats = ["mean", "sd", "p05", "p25", "p50", "p75", "p95"];
    out.write_record(
        r.params
            .iter()
            .map(String::as_str)
            .chain(["outcome"])
            .chain(stats),
    )?;
    for row in &r.rows {
        let s = &row.stats;
        let mut rec: Vec<String> = row.at.iter().map(|x| num(*x)).collect();
        rec.push(r.outcomes[row.outcome].clone());
        rec.extend([s.mean, s.sd, s.p05, s.p25, s.p50, s.p75, s.p95].map(num));
        out.write_record(&rec)?;
    }
    out.flush()?;
    Ok(())
}

/// `tornado.csv`: per outcome, its inputs widest swing first.
pub fn tornado_csv(ts: &[Tornado], w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "outcome",
        "input",
        "input_p10",
        "input_p90",
        "outcome_at_p10",
        "outcome_at_p90",
        "swing",
        "base",
    ])?;
    for t in ts {
        for b in &t.bars {
            let nums = [b.low_input, b.high_input, b.low, b.high, b.swing(), t.base].map(num);
            out.write_record(
                [t.outcome.as_str(), &b.path]
                    .into_iter()
                    .chain(nums.iter().map(String::as_str)),
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `morris.csv`: per outcome, its inputs by decreasing mu*.
pub fn morris_csv(ss: &[Screening], w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["outcome", "input", "mu_star", "mu_star_conf", "mu", "sigma"])?;
    for s in ss {
        let mut effects: Vec<_> = s.effects.iter().collect();
        effects.sort_by(|a, b| b.mu_star.total_cmp(&a.mu_star));
        for e in effects {
            let nums = [e.mu_star, e.mu_star_conf, e.mu, e.sigma].map(num);
            out.write_record(
                [s.outcome.as_str(), &e.path]
                    .into_iter()
                    .chain(nums.iter().map(String::as_str)),
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `sobol.csv`: per outcome, its inputs by decreasing total index.
pub fn sobol_csv(all: &[Indices], w: impl Write) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["outcome", "input", "S1", "S1_conf", "ST", "ST_conf"])?;
    for ix in all {
        let mut rows: Vec<_> = ix.indices.iter().collect();
        rows.sort_by(|a, b| b.total.total_cmp(&a.total));
        for i in rows {
            let nums = [i.first, i.first_conf, i.total, i.total_conf].map(num);
            out.write_record(
                [ix.outcome.as_str(), &i.path]
                    .into_iter()
                    .chain(nums.iter().map(String::as_str)),
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `samples.csv`: one row per design point with the inputs' values, then each outcome's
/// mean over runs. Rows are in the design's order (for Sobol, SALib's).
pub fn samples_csv(
    inputs: &[String],
    outcomes: &[String],
    points: &[Vec<f64>],
    means: &[Vec<f64>],
    w: impl Write,
) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(inputs.iter().chain(outcomes))?;
    for (x, y) in points.iter().zip(means) {
        out.write_record(x.iter().chain(y).map(|v| num(*v)))?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Stats;
    use crate::study::sweep::SweepRow;

    #[test]
    fn sweep_csv_has_one_column_per_parameter() {
        let stats = Stats {
            mean: 0.5,
            sd: 0.1,
            p05: 0.3,
            p25: 0.4,
            p50: 0.5,
            p75: 0.6,
            p95: 0.7,
        };
        let r = SweepResult {
            params: vec!["policy.x.approval".into(), "buyer.b.lock_in".into()],
            axes: vec![vec![0.0], vec![1.0]],
            outcomes: vec!["compute_share[vendor=nvidia]@2027".into()],
            runs: 10,
            seed: 1,
            rows: vec![SweepRow {
                at: vec![0.0, 1.0],
                outcome: 0,
                stats,
            }],
        };
        let mut buf = Vec::new();
        sweep_csv(&r, &mut buf).unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "policy.x.approval,buyer.b.lock_in,outcome,mean,sd,p05,p25,p50,p75,p95\n0,1,compute_share[vendor=nvidia]@2027,0.5,0.1,0.3,0.4,0.5,0.6,0.7\n"
        );
    }

    #[test]
    fn samples_csv_quotes_outcomes_with_commas() {
        let mut buf = Vec::new();
        let outcomes = vec!["units[buyer=a,chip=b]@2024".to_string()];
        samples_csv(
            &["x".into()],
            &outcomes,
            &[vec![0.25]],
            &[vec![3.0]],
            &mut buf,
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "x,\"units[buyer=a,chip=b]@2024\"\n0.25,3\n"
        );
    }
}
