//! The direct reader of plain block YAML (declarations) against the event parser: on any
//! text, it either declines or reads the same document with the same positions.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vigie::targets::declaration::spans::compare_readers;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Err(e) = compare_readers(text)
    {
        panic!("the direct reader differs from the event parser on {text:?}\n{e}");
    }
});
