fn read(ptr: *const u8, len: usize) -> &'static [u8] {
    // ruleid: SRC-009
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

// ruleid: SRC-009
unsafe fn raw_write(p: *mut u8) {
    *p = 0;
}

struct Handle(*mut c_void);
// ruleid: SRC-009
unsafe impl Send for Handle {}
