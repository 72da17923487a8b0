//! ELF, PE and Mach-O hardening facts (goblin), without the extractor's panic guard.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = vigie::targets::firmware::binary::parse(data);
});
