//! Which US rule governs a chip (docs/model.md, section 4). The engine asks it every quarter
//! with the rules in force in a run (drawn starts); `exportsim chips` asks it with the rules
//! scheduled at a quarter. Both get the same answer from the same code.

use super::{ParamId, PolicyKind, Scenario, UsEffect};

/// A `us_export` rule's terms, borrowed from its policy.
#[derive(Debug, Clone, Copy)]
pub struct UsRule<'a> {
    /// The rule's index in [`Scenario::policies`].
    pub policy: usize,
    pub effect: &'a UsEffect,
    pub revenue_share: Option<ParamId>,
    pub duty: Option<ParamId>,
}

impl Scenario {
    /// Policy `p`'s terms if it is a `us_export` rule covering chip `chip`.
    pub fn us_rule_covering(&self, p: usize, chip: usize) -> Option<UsRule<'_>> {
        match &self.policies[p].kind {
            PolicyKind::UsExport {
                covers,
                effect,
                revenue_share,
                duty,
            } if covers[chip] => Some(UsRule {
                policy: p,
                effect,
                revenue_share: *revenue_share,
                duty: *duty,
            }),
            _ => None,
        }
    }

    /// The US rule governing chip `chip`, given the policies in force as (index, start) in
    /// file order: among the `us_export` rules that cover the chip, the one with the latest
    /// start; on a tie, the one later in the file. An older rule is replaced, not combined.
    /// `None`: no rule in force covers the chip, which is then free.
    pub fn governing_us_rule<S: Ord>(
        &self,
        chip: usize,
        in_force: impl IntoIterator<Item = (usize, S)>,
    ) -> Option<UsRule<'_>> {
        let mut governing: Option<(S, UsRule)> = None;
        for (p, start) in in_force {
            let Some(rule) = self.us_rule_covering(p, chip) else {
                continue;
            };
            if governing
                .as_ref()
                .is_none_or(|(latest, _)| start >= *latest)
            {
                governing = Some((start, rule));
            }
        }
        governing.map(|(_, rule)| rule)
    }
}
