//! GDPR Art. 30 processing records in YAML (spans, model, derived facts, masking).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use vigie::artifact::{Artifact, ArtifactKind, VirtualPath};
use vigie::targets::content_facts;
use vigie::targets::declaration::{DeclOptions, extract};

fuzz_target!(|data: &[u8]| {
    let artifact = Artifact {
        path: VirtualPath::file("fuzz.yaml"),
        bytes: Arc::from(data),
        kind: ArtifactKind::Declaration,
    };
    let as_of = time::Date::from_calendar_date(2026, time::Month::November, 28);
    if let Ok(as_of) = as_of {
        // The record's secrets, which its fact masks, as the engine passes them.
        let content = content_facts(&artifact);
        let _ = extract(&artifact, &DeclOptions { as_of }, &content);
    }
});
