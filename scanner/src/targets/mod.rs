//! One module per target kind; each turns an [`Artifact`] into typed [`Fact`]s.
//!
//! Adding a target kind: a module here with an `extract` function, an
//! [`ArtifactKind`] variant recognised by [`crate::discover::sniff`], a
//! [`Target`](crate::facts::Target) and [`FactData`](crate::facts::FactData) variant, and
//! one arm in [`extract`] (plus [`correlate`] when facts depend on other artifacts).

pub mod certificate;
pub mod pem;
pub mod source;

use crate::artifact::{Artifact, ArtifactKind};
use crate::facts::Fact;
use vigie_reports::Notification;

/// What an extractor produced for one artifact.
#[derive(Debug, Default)]
pub struct Extracted {
    /// Facts.
    pub facts: Vec<Fact>,
    /// Problems met (malformed input, limits reached...).
    pub notifications: Vec<Notification>,
    /// Artifacts found inside this one (files of an image or archive), to be fed back
    /// through discovery.
    pub children: Vec<Artifact>,
}

/// Settings every extractor may need.
#[derive(Debug, Clone)]
pub struct ExtractContext {
    /// Certificate extractor options ("today", PKCS#12 passwords).
    pub cert: certificate::CertOptions,
}

/// Runs the extractor of the artifact's kind.
pub fn extract(artifact: &Artifact, ctx: &ExtractContext) -> Extracted {
    match artifact.kind {
        ArtifactKind::Pem
        | ArtifactKind::DerCertificate
        | ArtifactKind::DerPkcs7
        | ArtifactKind::DerPkcs12
        | ArtifactKind::DerPrivateKey
        | ArtifactKind::DerTruncated => certificate::extract(artifact, &ctx.cert),
        ArtifactKind::RustSource | ArtifactKind::CargoManifest | ArtifactKind::CargoLock => {
            source::extract(artifact)
        }
    }
}

/// Computes facts that depend on several artifacts (chains, key pairs, reuse), once every
/// artifact has been extracted; returns the new facts this creates (per-crate source
/// facts), which the caller appends.
pub fn correlate(facts: &mut [Fact]) -> Vec<Fact> {
    certificate::correlate(facts);
    source::correlate(facts)
}
