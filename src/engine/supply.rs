//! Sharing a short supply among buyers' requests.

use crate::model::Allocation;

/// Shares `available` units among `request`s into `served`: everything when there is
/// enough; otherwise buyers on a priority list are served in full, in order, and the rest
/// pro rata to what they asked for. Never serves more than asked or than available.
pub fn allocate(request: &[f64], available: f64, rule: &Allocation, served: &mut [f64]) {
    let total: f64 = request.iter().sum();
    let available = available.max(0.0);
    if total <= available {
        served.copy_from_slice(request);
        return;
    }
    served.fill(0.0);
    let mut left = available;
    if let Allocation::Priority(order) = rule {
        for &b in order {
            let take = request[b].min(left) - served[b];
            if take > 0.0 {
                served[b] += take;
                left -= take;
            }
        }
    }
    let rest: f64 = request.iter().zip(served.iter()).map(|(r, s)| r - s).sum();
    if rest > 0.0 && left > 0.0 {
        let f = (left / rest).min(1.0);
        for (s, r) in served.iter_mut().zip(request) {
            *s += (r - *s) * f;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn pro_rata_and_priority() {
        let mut out = [0.0; 3];
        allocate(&[10.0, 30.0, 60.0], 50.0, &Allocation::ProRata, &mut out);
        assert_eq!(out, [5.0, 15.0, 30.0]);
        allocate(
            &[10.0, 30.0, 60.0],
            50.0,
            &Allocation::Priority(vec![2]),
            &mut out,
        );
        assert_eq!(out, [0.0, 0.0, 50.0]);
        allocate(
            &[10.0, 30.0, 20.0],
            40.0,
            &Allocation::Priority(vec![2]),
            &mut out,
        );
        assert_eq!(out, [5.0, 15.0, 20.0]);
    }

    proptest! {
        #[test]
        fn never_more_than_asked_or_available(req in prop::collection::vec(0.0f64..1e6, 1..8), avail in 0.0f64..2e6, prio in prop::collection::vec(0usize..8, 0..3)) {
            let prio: Vec<usize> = prio.into_iter().filter(|&b| b < req.len()).collect();
            let rule = if prio.is_empty() { Allocation::ProRata } else { Allocation::Priority(prio) };
            let mut out = vec![0.0; req.len()];
            allocate(&req, avail, &rule, &mut out);
            let total: f64 = out.iter().sum();
            prop_assert!(total <= avail * (1.0 + 1e-12) + 1e-9);
            for (s, r) in out.iter().zip(&req) {
                prop_assert!(*s >= 0.0 && *s <= r * (1.0 + 1e-12) + 1e-9);
            }
            let asked: f64 = req.iter().sum();
            prop_assert!((total - asked.min(avail)).abs() <= 1e-6 * asked.max(1.0));
        }
    }
}
