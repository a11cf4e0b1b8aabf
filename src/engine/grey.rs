//! Step 7 (docs/model.md, section 10): grey-market orders share each market's quarterly cap
//! (cut by crackdowns); a fraction is seized. Unfilled and seized orders are unmet; there is
//! no grey backlog.

use super::record::Record;
use super::terms::Terms;
use crate::model::*;

/// This quarter's requests to the grey markets, in units, `[b][c]`.
pub struct Grey {
    request: Vec<f64>,
}

impl Grey {
    pub fn new(s: &Scenario) -> Grey {
        Grey {
            request: vec![0.0; s.buyers.len() * s.chips.len()],
        }
    }

    /// A request of `units` for the pair `i` = (b, c).
    pub fn request(&mut self, i: usize, units: f64) {
        self.request[i] += units;
    }

    /// Fills this quarter's requests market by market, then clears them.
    pub fn smuggle(&mut self, m: &Terms, record: &mut Record) {
        let (factor, seizure_override) = crackdown(m);
        for (g, policy) in m.s.policies.iter().enumerate() {
            let PolicyKind::GreyMarket {
                cap_units_per_quarter,
                seizure,
                ..
            } = &policy.kind
            else {
                continue;
            };
            let total = self.total(m, g);
            if total <= 0.0 {
                continue;
            }
            let cap = m.inputs.value(*cap_units_per_quarter) * factor;
            let fill = (cap / total).min(1.0);
            let seized = seizure_override.unwrap_or(m.inputs.value(*seizure));
            self.fill(m, g, fill, seized, record);
        }
    }

    /// Units requested from market `g`.
    fn total(&self, m: &Terms, g: usize) -> f64 {
        let nc = m.s.chips.len();
        let mut total = 0.0;
        for b in 0..m.s.buyers.len() {
            for c in 0..nc {
                if m.rules.grey_source[c] == Some(g) {
                    total += self.request[b * nc + c];
                }
            }
        }
        total
    }

    /// Each request to market `g` gets the fraction `fill`, of which `seized` is seized.
    fn fill(&mut self, m: &Terms, g: usize, fill: f64, seized: f64, record: &mut Record) {
        let (nc, lay, t) = (m.s.chips.len(), record.layout, m.t);
        for b in 0..m.s.buyers.len() {
            for c in 0..nc {
                let i = b * nc + c;
                if m.rules.grey_source[c] != Some(g) || self.request[i] <= 0.0 {
                    continue;
                }
                let req = self.request[i];
                let got = req * fill;
                m.deliver(b, c, Channel::Grey, got * (1.0 - seized), record);
                record.seized[lay.qc(t, c)] += got * seized;
                record.unmet[lay.qb(t, b)] += (req - got * (1.0 - seized)) * m.s.chips[c].h100e();
                self.request[i] = 0.0;
            }
        }
    }
}

/// Active crackdowns: the product of their cap factors, and the seizure rate of the last one
/// (in file order) that sets it, which replaces every market's.
fn crackdown(m: &Terms) -> (f64, Option<f64>) {
    let (mut factor, mut seizure_override) = (1.0, None);
    for (p, policy) in m.s.policies.iter().enumerate() {
        let PolicyKind::Crackdown {
            cap_factor,
            seizure,
        } = &policy.kind
        else {
            continue;
        };
        if m.rules.now[p] {
            factor *= m.inputs.value(*cap_factor);
            if let Some(x) = seizure {
                seizure_override = Some(m.inputs.value(*x));
            }
        }
    }
    (factor, seizure_override)
}
