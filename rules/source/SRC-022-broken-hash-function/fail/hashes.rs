fn fingerprints(data: &[u8]) {
    // ruleid: SRC-022
    let a = md5::compute(data);
    // ruleid: SRC-022
    let mut h = Sha1::new();
    // ruleid: SRC-022
    let c = Md5::digest(data);
    // ruleid: SRC-022
    let d = openssl::hash::hash(MessageDigest::md5(), data);
    // ruleid: SRC-022
    let e = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, data);
}

fn algorithms(name: &str) -> Option<&'static Algorithm> {
    match name {
        // ruleid: SRC-022
        "SHA1" => Some(&digest::SHA1_FOR_LEGACY_USE_ONLY),
        _ => None,
    }
}
