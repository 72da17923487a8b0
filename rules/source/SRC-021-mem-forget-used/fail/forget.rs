fn leak(key: SecretKey, guard: MutexGuard<'_, u8>) {
    // ruleid: SRC-021
    std::mem::forget(key);
    // ruleid: SRC-021
    mem::forget(guard);
}
