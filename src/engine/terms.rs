//! The terms of trade in a quarter, as steps 0-2 set them, and delivery accounting
//! (docs/model.md, section 11).

use super::channels::Options;
use super::inputs::Inputs;
use super::record::Record;
use super::rules::Rules;
use crate::model::{Channel, Scenario};

/// What the later steps read of quarter `t`: the run's inputs, the rules in force and the
/// options open to buyers.
#[derive(Clone, Copy)]
pub struct Terms<'a> {
    pub s: &'a Scenario,
    pub t: usize,
    pub inputs: &'a Inputs,
    pub rules: &'a Rules,
    pub options: &'a Options,
}

impl Terms<'_> {
    /// Records a delivery of `units` of chip `c` to buyer `b`: units, the buyer's spend, the
    /// vendor's revenue and the US share. Legal and licensed units pay list price plus duty;
    /// grey units pay the smuggler's markup and the vendor keeps list price (it sold the chip
    /// elsewhere).
    pub fn deliver(&self, b: usize, c: usize, channel: Channel, units: f64, record: &mut Record) {
        let (t, lay) = (self.t, record.layout);
        let i = lay.qbck(t, b, c, channel);
        let price = self.inputs.price[c];
        let (paid, share, duty) = match channel {
            Channel::Grey => (self.options.paid[b * self.s.chips.len() + c], 0.0, 0.0),
            _ => {
                let duty = self.rules.duty[c];
                (price * (1.0 + duty), self.rules.revenue_share[c], duty)
            }
        };
        record.delivered[i] += units;
        record.spend[i] += units * paid;
        record.revenue[lay.qc(t, c)] += units * price * (1.0 - share);
        record.us_government[t] += units * price * (share + duty);
    }
}
