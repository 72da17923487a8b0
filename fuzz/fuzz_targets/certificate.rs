//! PEM armour, DER certificates, PKCS#7 bundles, PKCS#12 stores and PKCS#8 keys. The
//! kind is the one discovery gives the bytes, else picked from the input's length, so
//! every decoder sees every input shape.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;
use vigie::artifact::{Artifact, ArtifactKind, VirtualPath};
use vigie::targets::certificate::{CertOptions, extract};

const KINDS: [ArtifactKind; 6] = [
    ArtifactKind::Pem,
    ArtifactKind::DerCertificate,
    ArtifactKind::DerPkcs7,
    ArtifactKind::DerPkcs12,
    ArtifactKind::DerPrivateKey,
    ArtifactKind::DerTruncated,
];

fuzz_target!(|data: &[u8]| {
    let _ = vigie::targets::pem::blocks(data);
    let kind = vigie::discover::sniff(data, data.len() as u64)
        .filter(|k| KINDS.contains(k))
        .unwrap_or(KINDS[data.len() % KINDS.len()]);
    let artifact = Artifact {
        path: VirtualPath::file("fuzz.crt"),
        bytes: Arc::from(data),
        kind,
    };
    let opts = CertOptions {
        now: 1_795_910_399,
        p12_passwords: vec!["changeit".into()],
    };
    let mut x = extract(&artifact, &opts);
    vigie::targets::certificate::correlate(&mut x.facts);
});
