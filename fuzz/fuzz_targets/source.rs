//! Rust source (syn), Cargo.toml and Cargo.lock. The kind is picked from the input's
//! length so that every parser sees every input shape.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use vigie::artifact::{Artifact, ArtifactKind, VirtualPath};

const KINDS: [(ArtifactKind, &str); 3] = [
    (ArtifactKind::RustSource, "src/lib.rs"),
    (ArtifactKind::CargoManifest, "Cargo.toml"),
    (ArtifactKind::CargoLock, "Cargo.lock"),
];

fuzz_target!(|data: &[u8]| {
    // Rust source gets two thirds of the inputs: it is the largest parser.
    let (kind, name) = KINDS[(data.len() % 6).saturating_sub(3).min(2)];
    let artifact = Artifact {
        path: VirtualPath::file(name),
        bytes: Arc::from(data),
        kind,
    };
    let mut x = vigie::targets::source::extract(&artifact);
    let _ = vigie::targets::source::correlate(&mut x.facts);
});
