// ok: SRC-026
#![forbid(unsafe_code)]

// ok: SRC-026
#[allow(dead_code)]
fn unused() {}
