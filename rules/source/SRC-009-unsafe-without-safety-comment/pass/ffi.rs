fn read(ptr: *const u8, len: usize) -> &'static [u8] {
    // SAFETY: the driver guarantees `ptr` points to `len` readable bytes that live
    // for the whole program.
    // ok: SRC-009
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// Writes a zero.
///
/// # Safety
/// `p` must be valid for writes.
// ok: SRC-009
unsafe fn raw_write(p: *mut u8) {
    // SAFETY: guaranteed by the caller (see `# Safety`).
    unsafe { *p = 0 };
}

#[cfg(test)]
mod tests {
    #[test]
    fn t() {
        // ok: SRC-009
        let x = unsafe { core::mem::zeroed::<u8>() };
    }
}
