//! Validation of `[[supply]]` entries: the chip supplied, capacity, growth and stock, the
//! schedule of capacity steps, and how short supply is allocated among buyers.

use super::diagnostic::DocPath;
use super::limits::{GROWTH, NONNEG};
use super::raw::RawStep;
use super::validate::Validator;
use crate::model::*;

impl Validator<'_> {
    pub(super) fn supply(&mut self, chips: &[Chip]) -> Vec<Option<Supply>> {
        let mut out: Vec<Option<Supply>> = vec![None; chips.len()];
        for (i, s) in self.resolved.raw.supply.clone().into_iter().enumerate() {
            let Some(chip_id) = s.chip.clone() else {
                self.error(
                    &DocPath::default().key("supply").index(i),
                    "a [[supply]] needs `chip`",
                    None,
                );
                continue;
            };
            let p = DocPath::default().key("supply").item("chip", &chip_id);
            let Some(chip) = self.chip_ref(&p.clone().key("chip"), &chip_id) else {
                continue;
            };
            if out[chip].is_some() {
                self.error(
                    &p,
                    format!("chip `{chip_id}` has two [[supply]] entries"),
                    Some(
                        "give each chip one [[supply]]; use `schedule` for changes over time"
                            .into(),
                    ),
                );
                continue;
            }
            let schedule = self.schedule(&p, &s.schedule.clone().unwrap_or_default());
            let allocation = self.allocation(&p, s.allocation.as_deref(), s.priority.as_deref());
            out[chip] = Some(Supply {
                chip,
                capacity: self.num(
                    &p.clone().key("capacity"),
                    s.capacity.as_ref(),
                    None,
                    NONNEG,
                ),
                growth: self.num(
                    &p.clone().key("growth"),
                    s.growth.as_ref(),
                    Some(0.0),
                    GROWTH,
                ),
                stock: self.num(&p.clone().key("stock"), s.stock.as_ref(), Some(0.0), NONNEG),
                schedule,
                allocation,
                lead_time_quarters: self.quarters_count(
                    &p.clone().key("lead_time_quarters"),
                    s.lead_time_quarters,
                    0,
                ),
            });
        }
        out
    }

    fn schedule(&mut self, p: &DocPath, steps: &[RawStep]) -> Vec<(Quarter, ParamId)> {
        let mut schedule: Vec<(Quarter, ParamId)> = Vec::new();
        for (k, step) in steps.iter().enumerate() {
            let sp = p.clone().key("schedule").index(k);
            let from = self.quarter(&sp.clone().key("from"), step.from.as_deref(), true, true);
            let cap = self.num(
                &sp.clone().key("capacity"),
                step.capacity.as_ref(),
                None,
                NONNEG,
            );
            if let Some(from) = from {
                if let Some((last, _)) = schedule.last().filter(|(q, _)| *q >= from) {
                    let msg =
                        format!("schedule steps must be in time order ({from} comes after {last})");
                    self.error(&sp.clone().key("from"), msg, None);
                }
                schedule.push((from, cap));
            }
        }
        schedule
    }

    fn allocation(
        &mut self,
        p: &DocPath,
        raw: Option<&str>,
        priority: Option<&[String]>,
    ) -> Allocation {
        match raw {
            None | Some("pro_rata") => {
                if priority.is_some() {
                    self.error(
                        &p.clone().key("priority"),
                        "`priority` needs `allocation = \"priority\"`",
                        None,
                    );
                }
                Allocation::ProRata
            }
            Some("priority") => {
                let ids = priority.unwrap_or_default();
                if ids.is_empty() {
                    self.error(&p.clone().key("allocation"), "`allocation = \"priority\"` needs a non-empty `priority` list of buyer ids", None);
                }
                self.no_repeats(&p.clone().key("priority"), ids);
                let path = p.clone().key("priority");
                Allocation::Priority(
                    ids.iter()
                        .enumerate()
                        .filter_map(|(k, b)| self.buyer_ref(&path.clone().index(k), b))
                        .collect(),
                )
            }
            Some(other) => {
                let help = self.one_of(other, &["pro_rata", "priority"]);
                self.error(
                    &p.clone().key("allocation"),
                    format!("unknown allocation `{other}`"),
                    Some(help),
                );
                Allocation::ProRata
            }
        }
    }
}
