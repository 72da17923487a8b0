fn fingerprints(data: &[u8]) {
    // ok: SRC-022
    let a = Sha256::digest(data);
    // ok: SRC-022
    let b = openssl::hash::hash(MessageDigest::sha256(), data);
    // ok: SRC-022
    let c = ring::digest::digest(&ring::digest::SHA256, data);
    // ok: SRC-022
    let d = blake3::hash(data);
}

#[cfg(test)]
mod tests {
    // Found in the benchmark (sha1, ring): test vectors of the algorithm itself.
    #[test]
    fn vectors() {
        // ok: SRC-022
        let mut h = Sha1::new();
    }
}
