fn modern(key: &[u8], data: &[u8]) {
    // ok: SRC-023
    let c = Cipher::aes_256_gcm();
    // ok: SRC-023
    let aead = Aes256Gcm::new_from_slice(key).unwrap();
    // ok: SRC-023
    let cc = ChaCha20Poly1305::new(key.into());
    // ok: SRC-023
    let description = describe(data);
}

// Found in the benchmark (pwhash): bcrypt's expensive key schedule is built on Blowfish
// on purpose; bcrypt is an accepted password hash.
fn bcrypt_setup(cost: u32, salt: &[u8], pw: &[u8]) {
    // ok: SRC-023
    let mut state = Blowfish::bc_init_state();
}
