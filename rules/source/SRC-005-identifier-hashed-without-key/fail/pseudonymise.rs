fn pseudonymise(plate: &str, mac_addr: &[u8]) -> (String, Vec<u8>) {
    // ruleid: SRC-005
    let p = format!("{:x}", md5::compute(plate.as_bytes()));
    let mut h = Sha256::new();
    // ruleid: SRC-005
    h.update(mac_addr);
    // ruleid: SRC-005
    let e = Sha256::digest(event.email.as_bytes());
    (p, h.finalize().to_vec())
}
