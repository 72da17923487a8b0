//! Helpers shared by unit tests.

/// A small seeded generator (xorshift): the same numbers on every run, so that a failing
/// case can be found again. `next(n)` gives a number below `n` (0 when `n` is 0).
pub fn seeded(seed: u64) -> impl FnMut(usize) -> usize {
    let mut state = seed.max(1);
    move |n| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        (state.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}
