fn pseudonymise(key: &[u8], plate: &str, payload: &[u8]) -> Vec<u8> {
    // A keyed HMAC is the fix.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    // ok: SRC-005
    mac.update(plate.as_bytes());
    // Hashing a firmware payload is not about people.
    // ok: SRC-005
    let digest = Sha256::digest(payload);
    mac.finalize().into_bytes().to_vec()
}
