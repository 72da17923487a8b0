//! One module per target kind; each turns an [`Artifact`] into typed [`Fact`]s.
//!
//! Adding a target kind: a module here with an `extract` function, an
//! [`ArtifactKind`] variant recognised by [`crate::discover::sniff`], a
//! [`Target`](crate::facts::Target) and [`FactData`](crate::facts::FactData) variant, and
//! one arm in [`extract`] (plus [`correlate`] when facts depend on other artifacts).

pub mod certificate;
pub mod declaration;
pub mod deployment;
pub mod firmware;
pub mod owners;
pub mod pem;
pub mod secret;
pub mod service;
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
    /// Files read inside an image that are not artifacts of their own (system files,
    /// notable files), so that reports can name them and their image; the engine sets
    /// their parent.
    pub files: Vec<vigie_reports::ArtifactInfo>,
}

/// Settings every extractor may need.
#[derive(Debug, Clone)]
pub struct ExtractContext {
    /// Certificate extractor options ("today", PKCS#12 passwords).
    pub cert: certificate::CertOptions,
    /// The scan to compare nmap scans with (`--previous-scan`), when given.
    pub previous_scan: Option<std::sync::Arc<service::PreviousScan>>,
    /// Declaration extractor options ("today").
    pub decl: declaration::DeclOptions,
    /// Image unpacking limits and the scan's extracted-bytes budget.
    pub firmware: firmware::FirmwareOptions,
    /// Hosts and open ports the deployment join may still keep in this scan (see
    /// [`deployment::MAX_NET_EVIDENCE`]); `None` when the scan holds no processing record
    /// to join them with, so none are kept.
    pub net_budget: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
    /// Compute artifacts' SHA-256 (see [`crate::discover::DiscoverOptions::hash_artifacts`]).
    pub hash_artifacts: bool,
    /// Look for secrets, endpoints and components in contents (see
    /// [`crate::discover::DiscoverOptions::scan_contents`]).
    pub scan_contents: bool,
}

impl ExtractContext {
    /// Settings of the service extractor.
    pub fn service(&self) -> service::ServiceContext {
        service::ServiceContext {
            cert: Some(self.cert.clone()),
            previous: self.previous_scan.clone(),
        }
    }
}

/// Runs the extractor of the artifact's kind.
pub fn extract(artifact: &Artifact, ctx: &ExtractContext) -> Extracted {
    // A record's secrets are masked in its fact: the same scan serves both, so records
    // are always scanned.
    let declaration = artifact.kind == ArtifactKind::Declaration;
    let content = if ctx.scan_contents || declaration {
        content_facts(artifact)
    } else {
        Vec::new()
    };
    let mut x = match artifact.kind {
        ArtifactKind::Declaration => declaration::extract(artifact, &ctx.decl, &content),
        _ => extract_kind(artifact, ctx),
    };
    if ctx.scan_contents {
        x.facts.extend(content);
    }
    x
}

/// Secrets, endpoints and components in an artifact's bytes, for the kinds that can
/// hold them (text and binaries; not images, whose files are scanned one by one, nor
/// Rust source, whose literals the source extractor classifies with the same patterns).
pub fn content_facts(artifact: &Artifact) -> Vec<Fact> {
    let skip = secret::Skip {
        private_keys: matches!(artifact.kind, ArtifactKind::Pem),
        endpoints: matches!(artifact.kind, ArtifactKind::Declaration),
    };
    match artifact.kind {
        ArtifactKind::Pem | ArtifactKind::SystemFile | ArtifactKind::Declaration => {
            secret::scan(&artifact.path, &artifact.bytes, skip)
        }
        ArtifactKind::Elf | ArtifactKind::Pe | ArtifactKind::MachO => {
            secret::scan_with_components(&artifact.path, &artifact.bytes, skip)
        }
        _ => Vec::new(),
    }
}

fn extract_kind(artifact: &Artifact, ctx: &ExtractContext) -> Extracted {
    match artifact.kind {
        ArtifactKind::Pem
        | ArtifactKind::DerCertificate
        | ArtifactKind::DerPkcs7
        | ArtifactKind::DerPkcs12
        | ArtifactKind::DerPrivateKey
        | ArtifactKind::DerTruncated => certificate::extract(artifact, &ctx.cert),
        // Files on disk are streamed by the engine (`service::stream`); this arm serves
        // nmap documents already in memory (found inside an archive or image).
        ArtifactKind::NmapXml => {
            service::extract(&artifact.bytes, &artifact.path.to_string(), &ctx.service())
        }
        ArtifactKind::Declaration => {
            declaration::extract(artifact, &ctx.decl, &content_facts(artifact))
        }
        ArtifactKind::Elf | ArtifactKind::Pe | ArtifactKind::MachO => {
            firmware::extract_binary(artifact)
        }
        // Images are unpacked by the engine through `firmware::image::unpack`, which
        // streams their files; this arm is reached only without the engine.
        ArtifactKind::SystemFile => firmware::extract_system_file(artifact),
        ArtifactKind::Squashfs
        | ArtifactKind::Cpio
        | ArtifactKind::Tar
        | ArtifactKind::Gzip
        | ArtifactKind::Xz
        | ArtifactKind::Zstd
        | ArtifactKind::Bzip2
        | ArtifactKind::UImage
        | ArtifactKind::FlashDump => {
            let mut children = Vec::new();
            let mut x = firmware::extract_image(
                &artifact.path,
                artifact.kind,
                &firmware::image::Source::Bytes(artifact.bytes.clone()),
                artifact.bytes.len() as u64,
                &ctx.firmware,
                &mut |batch| children.extend(batch),
            );
            x.children = children;
            x
        }
        ArtifactKind::RustSource | ArtifactKind::CargoManifest | ArtifactKind::CargoLock => {
            source::extract(artifact)
        }
    }
}

/// Computes facts that depend on several artifacts (chains, key pairs, reuse), once every
/// artifact has been extracted. Returns new facts built from several others: per-crate
/// source facts and the `deployment` facts joining each declared device with its
/// evidence (`join`: what the join needs beyond the kept facts); the caller appends them.
pub fn correlate(facts: &mut [Fact], join: deployment::JoinInput) -> Vec<Fact> {
    certificate::correlate(facts);
    firmware::correlate(facts);
    let mut new = source::correlate(facts);
    let deployments = deployment::join(facts, join, &new);
    new.extend(deployments);
    new
}
