fn legacy(key: &[u8], data: &[u8]) {
    // ruleid: SRC-023
    let c = Cipher::des_ede3_cbc();
    // ruleid: SRC-023
    let e = encrypt(Cipher::aes_128_ecb(), key, None, data);
    // ruleid: SRC-023
    let mut rc4 = Rc4::new(key.into());
    // ruleid: SRC-023
    let enc = ecb::Encryptor::<Aes128>::new(key.into());
    // ruleid: SRC-023
    let des = Des::new_from_slice(key).unwrap();
}
