//! Rule YAML files: schema, texts, references and the CEL condition and templates.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = vigie::rules::load::parse_rule("fuzz/CERT-999-fuzz.yaml", "CERT-999-fuzz", text, 0);
    }
});
