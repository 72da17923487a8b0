//! Discovery: walk the inputs, sniff each file's content, yield [`Artifact`]s.
//!
//! Classification is by content, never by extension: PEM armour, or a DER SEQUENCE whose
//! first inner element has the shape of a certificate, PKCS#7, PKCS#12 or PKCS#8 key.
//! Only the first bytes are read to decide; the whole file is read only once it is known
//! to be of interest. The extension is used for one thing: an unrecognised file named like
//! a certificate (`.pem`, `.crt`, `.p12`, ...) gets a notification, because a certificate
//! the scan silently skipped would be a finding lost.
//!
//! Rust source is the one exception where the name decides: Rust has no magic bytes, so
//! `*.rs`, `Cargo.toml` and `Cargo.lock` are recognised by name. Source files that the
//! nearest `.gitignore` files exclude, or that sit under a `target/` directory, are build
//! output or vendored noise and are skipped (other kinds are always read: a certificate
//! left in an ignored directory still ships).

use crate::artifact::{Artifact, ArtifactKind, VirtualPath};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vigie_reports::{Location, Notification, NotificationLevel};

/// How many bytes are read to classify a file.
const SNIFF_LEN: usize = 64 * 1024;

/// Extensions that announce certificate material.
const CERT_EXTENSIONS: &[&str] = &[
    "pem", "crt", "cer", "der", "p7b", "p7c", "p12", "pfx", "key", "cert",
];

/// Limits of discovery.
#[derive(Debug, Clone, Copy)]
pub struct DiscoverOptions {
    /// Files above this size are not read whole (a notification says so).
    pub max_file_size: u64,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            max_file_size: 64 * 1024 * 1024,
        }
    }
}

/// A file found by the walk, not yet read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    /// Display path (as given by the user, `/`-separated).
    pub display: String,
    /// Real path.
    pub path: PathBuf,
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

fn note(level: NotificationLevel, code: &str, uri: &str, message: String) -> Notification {
    Notification {
        level,
        code: code.to_string(),
        message,
        location: Some(Location {
            uri: uri.to_string(),
            ..Location::default()
        }),
        rule_id: None,
    }
}

/// Walks the inputs and lists the regular files, sorted by path. Unreadable
/// directories and missing inputs become notifications.
pub fn walk(inputs: &[PathBuf], notes: &mut Vec<Notification>) -> Vec<Candidate> {
    let mut out = Vec::new();
    for input in inputs {
        if !input.exists() {
            notes.push(note(
                NotificationLevel::Error,
                "input-not-found",
                &display_path(input),
                "input path does not exist".to_string(),
            ));
            continue;
        }
        let walker = ignore::WalkBuilder::new(input)
            .standard_filters(false)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b))
            // Skip VCS metadata and cache directories tagged per the Cache Directory
            // Tagging Specification (cargo's `target/` carries a CACHEDIR.TAG).
            .filter_entry(|e| {
                e.file_name() != ".git"
                    && !(e.file_type().is_some_and(|t| t.is_dir())
                        && e.path().join("CACHEDIR.TAG").is_file())
            })
            .build();
        for entry in walker {
            match entry {
                Ok(e) => {
                    if e.file_type().is_some_and(|t| t.is_file()) {
                        out.push(Candidate {
                            display: display_path(e.path()),
                            path: e.path().to_path_buf(),
                        });
                    }
                }
                Err(err) => {
                    let path = walk_error_path(&err)
                        .map(|p| display_path(&p))
                        .unwrap_or_else(|| display_path(input));
                    notes.push(note(
                        NotificationLevel::Error,
                        "unreadable-path",
                        &path,
                        format!("cannot read: {}", walk_error_message(&err)),
                    ));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    drop_ignored_sources(inputs, &mut out);
    out
}

/// Kind decided by the file name: Rust source and Cargo files.
pub fn kind_by_name(display: &str) -> Option<ArtifactKind> {
    let name = display.rsplit('/').next().unwrap_or(display);
    if name == "Cargo.toml" {
        Some(ArtifactKind::CargoManifest)
    } else if name == "Cargo.lock" {
        Some(ArtifactKind::CargoLock)
    } else if name.ends_with(".rs") && name.len() > 3 {
        Some(ArtifactKind::RustSource)
    } else {
        None
    }
}

/// Removes Rust source files that `.gitignore` files exclude or that lie under a
/// `target/` directory below an input.
fn drop_ignored_sources(inputs: &[PathBuf], out: &mut Vec<Candidate>) {
    let is_source = |c: &Candidate| kind_by_name(&c.display) == Some(ArtifactKind::RustSource);
    if !out.iter().any(is_source) {
        return;
    }
    let mut kept: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
    for input in inputs.iter().filter(|i| i.is_dir()) {
        let walker = ignore::WalkBuilder::new(input)
            .standard_filters(false)
            .git_ignore(true)
            .require_git(false)
            .parents(true)
            .follow_links(false)
            .filter_entry(|e| {
                !(e.file_type().is_some_and(|t| t.is_dir())
                    && (e.file_name() == "target" || e.file_name() == ".git"))
            })
            .build();
        for e in walker.flatten() {
            if e.file_type().is_some_and(|t| t.is_file())
                && e.path().extension().is_some_and(|x| x == "rs")
            {
                kept.insert(e.path().to_path_buf());
            }
        }
    }
    out.retain(|c| !is_source(c) || kept.contains(&c.path) || inputs.contains(&c.path));
}

fn walk_error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            walk_error_path(err)
        }
        _ => None,
    }
}

fn walk_error_message(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => walk_error_message(err),
        other => other.to_string(),
    }
}

/// Reads a DER length at `data[1..]`; returns (header length, content length).
fn der_len(data: &[u8]) -> Option<(usize, usize)> {
    let first = *data.get(1)?;
    if first < 0x80 {
        return Some((2, usize::from(first)));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 4 {
        return None;
    }
    let mut len = 0usize;
    for i in 0..n {
        len = (len << 8) | usize::from(*data.get(2 + i)?);
    }
    Some((2 + n, len))
}

/// Classifies content. `total_len` is the size of the whole file (the sample may be shorter).
pub fn sniff(sample: &[u8], total_len: u64) -> Option<ArtifactKind> {
    if contains_pem(sample) {
        return Some(ArtifactKind::Pem);
    }
    if sample.first() != Some(&0x30) || sample.len() < 8 {
        return None;
    }
    let (hdr, len) = der_len(sample)?;
    // Real structures of interest are at least a few dozen bytes and use the long form.
    if len < 32 || hdr < 3 {
        return None;
    }
    let inner = sample.get(hdr..)?;
    let kind = match *inner.first()? {
        // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE {...}, ... }
        0x30 => {
            let (ihdr, _) = der_len(inner)?;
            // tbsCertificate starts with [0] version or INTEGER serial.
            match inner.get(ihdr) {
                Some(0xa0) | Some(0x02) => ArtifactKind::DerCertificate,
                _ => return None,
            }
        }
        // ContentInfo ::= SEQUENCE { contentType OID pkcs7-signedData, ... }
        0x06 => {
            let oid = inner.get(2..2 + usize::from(*inner.get(1)?))?;
            if oid == [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02] {
                ArtifactKind::DerPkcs7
            } else {
                return None;
            }
        }
        // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo, ... }
        // PrivateKeyInfo ::= SEQUENCE { version INTEGER (0|1), algorithm SEQUENCE, ... }
        0x02 => match inner.get(1..4)? {
            [0x01, 0x03, 0x30] => ArtifactKind::DerPkcs12,
            [0x01, 0x00 | 0x01, 0x30] => ArtifactKind::DerPrivateKey,
            _ => return None,
        },
        _ => return None,
    };
    if (hdr + len) as u64 > total_len {
        return Some(ArtifactKind::DerTruncated);
    }
    Some(kind)
}

fn contains_pem(sample: &[u8]) -> bool {
    sample.windows(11).any(|w| w == b"-----BEGIN ")
}

fn has_cert_extension(path: &str) -> bool {
    Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| CERT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Reads a candidate: returns the artifact when its content is recognised.
pub fn load(
    c: &Candidate,
    opts: DiscoverOptions,
    notes: &mut Vec<Notification>,
) -> Option<Artifact> {
    let mut file = match File::open(&c.path) {
        Ok(f) => f,
        Err(e) => {
            notes.push(note(
                NotificationLevel::Error,
                "unreadable-file",
                &c.display,
                format!("cannot open file: {e}"),
            ));
            return None;
        }
    };
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut sample = Vec::with_capacity(SNIFF_LEN.min(total as usize));
    if let Err(e) = (&mut file).take(SNIFF_LEN as u64).read_to_end(&mut sample) {
        notes.push(note(
            NotificationLevel::Error,
            "unreadable-file",
            &c.display,
            format!("cannot read file: {e}"),
        ));
        return None;
    }
    let Some(kind) = kind_by_name(&c.display).or_else(|| sniff(&sample, total)) else {
        if has_cert_extension(&c.display) {
            let why = if total == 0 {
                "file is empty".to_string()
            } else {
                "content is neither PEM nor a DER certificate, PKCS#7, PKCS#12 or PKCS#8 key"
                    .to_string()
            };
            notes.push(note(
                NotificationLevel::Warning,
                "unrecognised-certificate-file",
                &c.display,
                format!("named like certificate material but not recognised: {why}"),
            ));
        }
        return None;
    };
    if total > opts.max_file_size {
        notes.push(note(
            NotificationLevel::Warning,
            "file-too-large",
            &c.display,
            format!(
                "file of {total} bytes exceeds the limit of {} bytes and was not read",
                opts.max_file_size
            ),
        ));
        return None;
    }
    let mut bytes = sample;
    if let Err(e) = file.read_to_end(&mut bytes) {
        notes.push(note(
            NotificationLevel::Error,
            "unreadable-file",
            &c.display,
            format!("cannot read file: {e}"),
        ));
        return None;
    }
    Some(Artifact {
        path: VirtualPath::file(&c.display),
        bytes: Arc::from(bytes.into_boxed_slice()),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_rejects_text_starting_with_zero() {
        assert_eq!(sniff(b"0123456789 this is text, not DER", 33), None);
        assert_eq!(sniff(b"", 0), None);
    }

    #[test]
    fn sniff_pem_anywhere_in_sample() {
        let s = b"# bundle\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert_eq!(sniff(s, s.len() as u64), Some(ArtifactKind::Pem));
    }

    #[test]
    fn sniff_truncated_der() {
        // SEQUENCE of 0x0400 bytes holding a SEQUENCE then INTEGER: certificate shape.
        let mut d = vec![0x30, 0x82, 0x04, 0x00, 0x30, 0x82, 0x03, 0x00, 0xa0, 0x03];
        d.resize(100, 0);
        assert_eq!(sniff(&d, 100), Some(ArtifactKind::DerTruncated));
        d.resize(0x404, 0);
        assert_eq!(sniff(&d, 0x404), Some(ArtifactKind::DerCertificate));
    }
}
