fn keep(key: SecretKey, cache: &mut Cache) {
    // ok: SRC-021
    let k = std::mem::ManuallyDrop::new(key);
    // A method named forget is something else.
    // ok: SRC-021
    cache.forget("entry");
    // ok: SRC-021
    drop(k);
}
