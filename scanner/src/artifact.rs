//! Artifacts: the bytes of one input and where they came from.

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// Path of an artifact, possibly nested inside other artifacts.
///
/// Displayed as `outer!/inner/path`: `fw/streetlight.squashfs!/etc/shadow` is the file
/// `/etc/shadow` inside the image `fw/streetlight.squashfs`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct VirtualPath {
    segments: Vec<String>,
}

impl VirtualPath {
    /// A path on the file system, as the user gave it (with `/` separators).
    pub fn file(path: &str) -> Self {
        let p = path.replace('\\', "/");
        let p = p.strip_prefix("./").unwrap_or(&p).to_string();
        VirtualPath { segments: vec![p] }
    }

    /// A path inside this artifact.
    pub fn join_inner(&self, inner: &str) -> Self {
        let mut segments = self.segments.clone();
        segments.push(inner.trim_start_matches('/').to_string());
        VirtualPath { segments }
    }

    /// The outermost file-system path.
    pub fn outer(&self) -> &str {
        self.segments.first().map(String::as_str).unwrap_or("")
    }

    /// Nesting depth: 0 for a file on disk.
    pub fn depth(&self) -> usize {
        self.segments.len().saturating_sub(1)
    }

    /// The file name of the innermost segment.
    pub fn file_name(&self) -> &str {
        let last = self.segments.last().map(String::as_str).unwrap_or("");
        last.rsplit('/').next().unwrap_or(last)
    }

    /// The directory of the innermost segment, as a virtual path string (for
    /// "next to" relations such as a key beside its certificate).
    pub fn parent_dir(&self) -> String {
        let s = self.to_string();
        match s.rfind('/') {
            Some(i) => s[..i].to_string(),
            None => String::new(),
        }
    }
}

impl fmt::Display for VirtualPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str("!/")?;
            }
            f.write_str(s)?;
        }
        Ok(())
    }
}

/// What discovery recognised in an artifact's content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// Text with PEM armour (`-----BEGIN ...-----`): certificates, PKCS#7, keys.
    Pem,
    /// A DER X.509 certificate.
    DerCertificate,
    /// A DER PKCS#7 / CMS SignedData (certificate bundle, `.p7b`).
    DerPkcs7,
    /// A DER PKCS#12 / PFX store.
    DerPkcs12,
    /// A DER PKCS#8 private key.
    DerPrivateKey,
    /// A DER structure that looks like one of the above but is cut short.
    DerTruncated,
    /// Rust source code (a `.rs` file).
    RustSource,
    /// A Cargo manifest (`Cargo.toml`).
    CargoManifest,
    /// A Cargo lock file (`Cargo.lock`).
    CargoLock,
}

impl ArtifactKind {
    /// Identifier shown in reports (`certificate/pem`, ...).
    pub fn label(self) -> &'static str {
        match self {
            ArtifactKind::Pem => "certificate/pem",
            ArtifactKind::DerCertificate => "certificate/der",
            ArtifactKind::DerPkcs7 => "certificate/pkcs7",
            ArtifactKind::DerPkcs12 => "certificate/pkcs12",
            ArtifactKind::DerPrivateKey => "key/pkcs8",
            ArtifactKind::DerTruncated => "certificate/der-truncated",
            ArtifactKind::RustSource => "source/rust",
            ArtifactKind::CargoManifest => "source/cargo-manifest",
            ArtifactKind::CargoLock => "source/cargo-lock",
        }
    }
}

/// One input: its path, content and recognised kind.
#[derive(Debug, Clone)]
pub struct Artifact {
    /// Where it comes from.
    pub path: VirtualPath,
    /// The content.
    pub bytes: Arc<[u8]>,
    /// What it is.
    pub kind: ArtifactKind,
}

impl Artifact {
    /// SHA-256 of the content, lowercase hex.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(&self.bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn virtual_paths() {
        let p = VirtualPath::file("./fw/light.squashfs");
        let inner = p.join_inner("/etc/ssl/cert.pem");
        assert_eq!(inner.to_string(), "fw/light.squashfs!/etc/ssl/cert.pem");
        assert_eq!(inner.depth(), 1);
        assert_eq!(inner.file_name(), "cert.pem");
        assert_eq!(inner.parent_dir(), "fw/light.squashfs!/etc/ssl");
        assert_eq!(inner.outer(), "fw/light.squashfs");
    }
}
