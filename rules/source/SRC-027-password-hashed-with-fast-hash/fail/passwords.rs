fn store(password: &str, user: &User) -> String {
    // ruleid: SRC-027
    let h = format!("{:x}", md5::compute(password.as_bytes()));
    let mut s = Sha256::new();
    // ruleid: SRC-027
    s.update(user.passwd.as_bytes());
    // ruleid: SRC-027
    let k = Sha512::digest(pwd);
    h
}
