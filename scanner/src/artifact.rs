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

    /// The same path with `suffix` appended to its innermost segment: an image carved
    /// at offset 0x40000 of `fw/dump.bin` is `fw/dump.bin@0x40000`, and its files
    /// `fw/dump.bin@0x40000!/etc/shadow`.
    pub fn with_suffix(&self, suffix: &str) -> Self {
        let mut segments = self.segments.clone();
        if let Some(last) = segments.last_mut() {
            last.push_str(suffix);
        }
        VirtualPath { segments }
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
    /// An nmap XML scan (`nmap -oX`, or the `.xml` of `-oA`).
    NmapXml,
    /// A YAML processing record (`kind: processing_record`).
    Declaration,
    /// An ELF executable, library or object (`\x7fELF`).
    Elf,
    /// A PE executable or DLL (`MZ` with a `PE\0\0` header at `e_lfanew`).
    Pe,
    /// A Mach-O binary (thin or universal).
    MachO,
    /// A squashfs file system (`hsqs` / `sqsh`).
    Squashfs,
    /// A cpio archive (newc `070701`/`070702`, odc `070707`).
    Cpio,
    /// A tar archive (`ustar` at offset 257, or an old-style header with a valid checksum).
    Tar,
    /// A gzip stream (`1f 8b`).
    Gzip,
    /// An xz stream (`fd 37 7a 58 5a 00`).
    Xz,
    /// A zstd frame (`28 b5 2f fd`).
    Zstd,
    /// A bzip2 stream (`BZh1`..`BZh9`).
    Bzip2,
    /// A legacy U-Boot image (big-endian magic `27 05 19 56`).
    UImage,
    /// A raw dump (flash read-out, vendor update file) named like firmware (`.bin`,
    /// `.img`, `.rom`, `.fw`, `.dump`, `.mtd`, `.flash`) with images embedded at non-zero
    /// offsets; each is carved out as `dump.bin@0x40000`.
    FlashDump,
    /// A system file known by its path (`etc/shadow`, `etc/inittab`, init scripts,
    /// systemd units, `sshd_config`, `authorized_keys`...): read for accounts and boot
    /// services.
    SystemFile,
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
            ArtifactKind::NmapXml => "service/nmap-xml",
            ArtifactKind::Declaration => "declaration/yaml",
            ArtifactKind::Elf => "binary/elf",
            ArtifactKind::Pe => "binary/pe",
            ArtifactKind::MachO => "binary/macho",
            ArtifactKind::Squashfs => "image/squashfs",
            ArtifactKind::Cpio => "image/cpio",
            ArtifactKind::Tar => "image/tar",
            ArtifactKind::Gzip => "image/gzip",
            ArtifactKind::Xz => "image/xz",
            ArtifactKind::Zstd => "image/zstd",
            ArtifactKind::Bzip2 => "image/bzip2",
            ArtifactKind::UImage => "image/uimage",
            ArtifactKind::FlashDump => "image/dump",
            ArtifactKind::SystemFile => "file/system",
            ArtifactKind::RustSource => "source/rust",
            ArtifactKind::CargoManifest => "source/cargo-manifest",
            ArtifactKind::CargoLock => "source/cargo-lock",
        }
    }

    /// An image or archive whose content is unpacked in memory.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            ArtifactKind::Squashfs
                | ArtifactKind::Cpio
                | ArtifactKind::Tar
                | ArtifactKind::Gzip
                | ArtifactKind::Xz
                | ArtifactKind::Zstd
                | ArtifactKind::Bzip2
                | ArtifactKind::UImage
                | ArtifactKind::FlashDump
        )
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
        let carved = VirtualPath::file("fw/dump.bin").with_suffix("@0x40000");
        assert_eq!(
            carved.join_inner("etc/shadow").to_string(),
            "fw/dump.bin@0x40000!/etc/shadow"
        );
        assert_eq!(carved.depth(), 0);
    }
}
