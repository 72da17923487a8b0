fn session() -> (u64, [u8; 16], u32) {
    let mut rng = SmallRng::seed_from_u64(42);
    // ruleid: SRC-006
    let token: u64 = rng.gen();
    // ruleid: SRC-006
    let session_key = fastrand::u128(..).to_le_bytes();
    // ruleid: SRC-006
    let nonce = StdRng::seed_from_u64(now()).next_u32();
    (token, session_key, nonce)
}
