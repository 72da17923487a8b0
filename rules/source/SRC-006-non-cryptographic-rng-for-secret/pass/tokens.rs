fn session() -> (u64, u64) {
    let mut rng = SmallRng::seed_from_u64(42);
    // Jitter for retries is not a secret.
    // ok: SRC-006
    let jitter: u64 = rng.gen();
    // OsRng is the operating system's generator.
    // ok: SRC-006
    let token: u64 = OsRng.next_u64();
    // ok: SRC-006
    let keyboard_layout = fastrand::u8(..);
    (jitter, token)
}
