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
