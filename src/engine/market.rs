//! One run of the market: sample the inputs, then step quarter by quarter through the rules
//! in force, the channels open, buyers' choices, supply and delivery, and the grey market.
//! The equations are in `docs/model.md`; each step has its own file, named in its section,
//! and owns the part of the [`Workspace`] it writes.

use super::caps::Caps;
use super::channels::Options;
use super::choice::Choice;
use super::delivery::Book;
use super::grey::Grey;
use super::inputs::Inputs;
use super::record::{Layout, Record};
use super::reroute::Reroute;
use super::rng::{StreamRng, run_stream};
use super::rules::Rules;
use super::terms::Terms;
use crate::model::{ParamId, Scenario, Unfilled};

/// Scratch space for runs, allocated once per worker and reused: one part per step.
pub struct Workspace {
    layout: Layout,
    /// Step 0: the run's sampled inputs.
    inputs: Inputs,
    /// Step 1: the rules in force this quarter, Beijing's measures included.
    rules: Rules,
    /// Per-buyer caps of licences and reviews, debited by orders (steps 4 and 5b).
    caps: Caps,
    /// Step 2: prices and the options open to each buyer.
    options: Options,
    /// Steps 3-4: one buyer's orders.
    choice: Choice,
    /// Steps 5-6: the book of orders for capacity-bound chips, and stock.
    book: Book,
    /// Step 5b.
    reroute: Reroute,
    /// Step 7: requests to the grey markets.
    grey: Grey,
}

impl Workspace {
    pub fn new(s: &Scenario) -> Workspace {
        let layout = Layout::of(s);
        Workspace {
            layout,
            inputs: Inputs::new(s),
            rules: Rules::new(s),
            caps: Caps::new(layout.policies, layout.buyers, layout.chips),
            options: Options::new(s),
            choice: Choice::new(s),
            book: Book::new(s),
            reroute: Reroute::new(layout.chips),
            grey: Grey::new(s),
        }
    }

    /// The sampled value of an input in the current run.
    pub fn value(&self, id: ParamId) -> f64 {
        self.inputs.value(id)
    }
}

/// Simulates run `run` of `scenario` with master seed `seed` into `record`.
pub fn simulate(s: &Scenario, seed: u64, run: u64, ws: &mut Workspace, record: &mut Record) {
    let mut rng = prepare(s, seed, run, ws, record);
    for t in 0..ws.layout.quarters {
        step(s, t, ws, &mut rng, record);
    }
}

/// Starts run `run`: clears `record`, draws the run's inputs (step 0), and returns the run's
/// stream for [`step`]. [`simulate`] is `prepare` then `step` for every quarter in order.
pub fn prepare(
    s: &Scenario,
    seed: u64,
    run: u64,
    ws: &mut Workspace,
    record: &mut Record,
) -> StreamRng {
    record.clear();
    let mut rng = run_stream(seed, run);
    ws.inputs.sample(s, seed, run, &mut rng);
    ws.caps.reset(&ws.inputs);
    ws.book.reset(s, &ws.inputs);
    ws.options.reset();
    rng
}

/// Simulates quarter `t` (0-based) of a run started by [`prepare`]; quarters must be
/// stepped in order.
pub fn step(s: &Scenario, t: usize, ws: &mut Workspace, rng: &mut StreamRng, record: &mut Record) {
    let Workspace {
        inputs,
        rules,
        caps,
        options,
        choice,
        book,
        reroute,
        grey,
        ..
    } = ws;
    rules.update(s, t, inputs, caps, rng, record);
    options.price(s, inputs, rules);
    for b in 0..s.buyers.len() {
        options.offer(s, t, b, inputs, rules, caps);
        book.cancel_closed(s, t, b, &options.held, record);
        let m = Terms {
            s,
            t,
            inputs,
            rules,
            options,
        };
        choice.choose(b, &m, caps, record);
        choice.place(b, &m, book, grey, record);
    }
    let m = Terms {
        s,
        t,
        inputs,
        rules,
        options,
    };
    book.serve(&m, record);
    if s.settings.unfilled == Unfilled::Reroute {
        reroute.run(&m, book, caps, record);
    }
    book.age(s, t, record);
    grey.smuggle(&m, record);
}
