// ruleid: SRC-026
#![allow(unsafe_code, dead_code)]

mod ffi {
    // ruleid: SRC-026
    #[allow(unsafe_code)]
    pub fn call() {}
}
