fn store(password: &str, firmware: &[u8]) -> String {
    // ok: SRC-027
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt).unwrap();
    // ok: SRC-027
    let digest = Sha256::digest(firmware);
    hash.to_string()
}
