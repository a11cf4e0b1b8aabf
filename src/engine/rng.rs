//! Random streams. One master seed; each run draws from its own stream keyed by
//! (seed, run index), and each uncertain input from its own sub-stream keyed by
//! (seed, run index, input slot). The generator is Xoshiro256++ (named, stable across
//! versions), seeded through SplitMix64 mixing of the key. Run i therefore draws the same
//! numbers whatever the thread count, whatever other runs do, and at every point of a sweep
//! (common random numbers).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

pub type StreamRng = Xoshiro256PlusPlus;

/// SplitMix64's finaliser: a bijective mix of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The stream for a run's own draws (taste noise, approvals, policy occurrence).
pub fn run_stream(seed: u64, run: u64) -> StreamRng {
    StreamRng::seed_from_u64(mix(mix(seed) ^ run))
}

/// The stream for one uncertain input of one run.
pub fn param_stream(seed: u64, run: u64, slot: usize) -> StreamRng {
    StreamRng::seed_from_u64(mix(
        mix(mix(seed) ^ run) ^ (slot as u64).wrapping_add(0xA5A5_0000_0000)
    ))
}
