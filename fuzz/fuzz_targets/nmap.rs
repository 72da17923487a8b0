//! nmap XML: the streaming splitter and the per-host parser.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vigie::targets::service::{ServiceContext, extract};

fuzz_target!(|data: &[u8]| {
    let _ = extract(data, "fuzz.xml", &ServiceContext::default());
});
