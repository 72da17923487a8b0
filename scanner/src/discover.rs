//! Discovery: walk the inputs, sniff each file's content, yield [`Artifact`]s.
//!
//! Classification is by content, never by extension: a YAML processing record (a
//! top-level `kind: processing_record` line), PEM armour, or a DER SEQUENCE whose
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
    /// Files above this size are not read whole (a notification says so). Images on
    /// disk are streamed and not subject to it.
    pub max_file_size: u64,
    /// Limits on unpacking images.
    pub image_limits: crate::targets::firmware::image::Limits,
    /// Compute the SHA-256 of every artifact (reports list them with it). `vigie facts`
    /// turns it off: its output has no artifact list, and hashing is most of the cost
    /// of reading large binaries.
    pub hash_artifacts: bool,
}

impl Default for DiscoverOptions {
    fn default() -> Self {
        DiscoverOptions {
            max_file_size: 64 * 1024 * 1024,
            image_limits: crate::targets::firmware::image::Limits::default(),
            hash_artifacts: true,
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
                    } else if e.path_is_symlink() && e.depth() > 0 {
                        // Never followed: a link may loop or lead out of what was asked.
                        let target = std::fs::read_link(e.path())
                            .map(|t| t.display().to_string())
                            .unwrap_or_default();
                        notes.push(note(
                            NotificationLevel::Note,
                            "symlink-not-followed",
                            &display_path(e.path()),
                            format!(
                                "symbolic link to `{target}` not followed; scan its target directly if it belongs to the deployment"
                            ),
                        ));
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

/// Recognises binaries and images by their magic number at offset 0.
pub fn sniff_magic(sample: &[u8]) -> Option<ArtifactKind> {
    let at = |o: usize, m: &[u8]| sample.get(o..o + m.len()) == Some(m);
    if at(0, b"\x7fELF") {
        return Some(ArtifactKind::Elf);
    }
    if at(0, b"MZ") {
        let lfanew = sample
            .get(0x3c..0x40)
            .and_then(|b| <[u8; 4]>::try_from(b).ok())
            .map(|b| u32::from_le_bytes(b) as usize)?;
        if lfanew < sample.len().saturating_sub(4) && at(lfanew, b"PE\0\0") {
            return Some(ArtifactKind::Pe);
        }
        return None;
    }
    for m in [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xcf, 0xfa, 0xed, 0xfe],
    ] {
        if at(0, &m) {
            return Some(ArtifactKind::MachO);
        }
    }
    // Universal Mach-O shares 0xcafebabe with Java class files; a universal binary has a
    // handful of architectures where a class file has its version (>= 45) there.
    if at(0, &[0xca, 0xfe, 0xba, 0xbe]) {
        let n = sample.get(4..8).and_then(|b| <[u8; 4]>::try_from(b).ok())?;
        return (u32::from_be_bytes(n).wrapping_sub(1) < 20).then_some(ArtifactKind::MachO);
    }
    if at(0, b"hsqs") || at(0, b"sqsh") {
        return Some(ArtifactKind::Squashfs);
    }
    if at(0, b"070701") || at(0, b"070702") || at(0, b"070707") {
        return Some(ArtifactKind::Cpio);
    }
    if at(0, &[0x1f, 0x8b]) {
        return Some(ArtifactKind::Gzip);
    }
    if at(0, &[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
        return Some(ArtifactKind::Xz);
    }
    if at(0, &[0x28, 0xb5, 0x2f, 0xfd]) {
        return Some(ArtifactKind::Zstd);
    }
    if at(0, b"BZh") && sample.get(3).is_some_and(|c| (b'1'..=b'9').contains(c)) {
        return Some(ArtifactKind::Bzip2);
    }
    if at(0, &[0x27, 0x05, 0x19, 0x56]) && sample.len() >= 64 {
        return Some(ArtifactKind::UImage);
    }
    if at(257, b"ustar") || old_tar_header(sample) {
        return Some(ArtifactKind::Tar);
    }
    None
}

/// A pre-POSIX tar header: a NUL-terminated name and a correct header checksum.
fn old_tar_header(sample: &[u8]) -> bool {
    let Some(h) = sample.get(..512) else {
        return false;
    };
    if h[0] == 0 {
        return false;
    }
    let field = &h[148..156];
    let digits: String = field
        .iter()
        .take_while(|c| **c != 0 && **c != b' ')
        .map(|c| char::from(*c))
        .collect();
    let Ok(want) = u32::from_str_radix(digits.trim(), 8) else {
        return false;
    };
    let sum: u32 = h
        .iter()
        .enumerate()
        .map(|(i, b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(*b)
            }
        })
        .sum();
    sum == want
}

/// System files recognised by their path, not their content (an `inittab` has no magic):
/// `etc/passwd`, `etc/shadow`, `etc/group`, `etc/inittab`, `etc/rc.local`, files under
/// `etc/init.d/` and `etc/rc*.d/`, systemd `*.service`/`*.socket` units, `inetd.conf`,
/// `sshd_config`, `authorized_keys`, `snmpd.conf`. Only text content qualifies.
pub fn sniff_path(path: &str, sample: &[u8]) -> Option<ArtifactKind> {
    let p = path.replace('\\', "/");
    let name = p.rsplit('/').next().unwrap_or(&p);
    let dir_has = |d: &str| p.contains(&format!("/{d}/")) || p.starts_with(&format!("{d}/"));
    let in_dir = |ds: &[&str]| ds.iter().any(|d| dir_has(d));
    let shell_script = sample.starts_with(b"#!")
        && sample.split(|c| *c == b'\n').next().is_some_and(|l| {
            l.ends_with(b"sh") || l.ends_with(b"sh ") || l.windows(3).any(|w| w == b"sh ")
        });
    // Scripts and configuration files read for update, TLS, SSH, SNMP and UPnP settings.
    let config = matches!(name, "miniupnpd.conf" | "sshd_config" | "snmpd.conf")
        || (dir_has("etc")
            && (name.ends_with(".conf")
                || name.ends_with(".cfg")
                || name.ends_with(".ini")
                || name.ends_with(".sh")
                || dir_has("etc/config")))
        || ((shell_script || name.ends_with(".sh"))
            && in_dir(&[
                "etc",
                "bin",
                "sbin",
                "usr/bin",
                "usr/sbin",
                "usr/libexec",
                "lib/upgrade",
                "www",
                "cgi-bin",
            ]));
    let known = config
        || matches!(
            name,
            "passwd"
                | "shadow"
                | "inittab"
                | "rc.local"
                | "rcS"
                | "inetd.conf"
                | "sshd_config"
                | "authorized_keys"
                | "authorized_keys2"
                | "snmpd.conf"
        ) && (dir_has("etc") || name.starts_with("authorized_keys") || name == "sshd_config")
        || dir_has("etc/init.d")
        || dir_has("etc/rc.d")
        || (dir_has("etc") && p.contains("/rc") && p.contains(".d/"))
        || ((name.ends_with(".service") || name.ends_with(".socket")) && dir_has("systemd"));
    let text = !sample.contains(&0);
    (known && text).then_some(ArtifactKind::SystemFile)
}

/// Classifies content. `total_len` is the size of the whole file (the sample may be shorter).
pub fn sniff(sample: &[u8], total_len: u64) -> Option<ArtifactKind> {
    if let Some(k) = sniff_magic(sample) {
        return Some(k);
    }
    // Before PEM: nmap's `ssl-cert` output carries PEM certificates.
    if is_nmap_xml(sample) {
        return Some(ArtifactKind::NmapXml);
    }
    if crate::targets::declaration::sniff(sample) {
        return Some(ArtifactKind::Declaration);
    }
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

/// An nmap XML document: `<nmaprun` within the first 4 KiB (after the XML declaration,
/// DOCTYPE and stylesheet instruction).
pub fn is_nmap_xml(sample: &[u8]) -> bool {
    let head = &sample[..sample.len().min(4096)];
    head.windows(8).any(|w| w == b"<nmaprun")
}

/// How the engine reads a candidate, told by its first bytes: nmap XML scans and images
/// are streamed instead of loaded whole.
pub enum Peeked {
    /// An nmap XML report, streamed block by block.
    Nmap,
    /// An image or archive, streamed: its kind and size.
    Image(ArtifactKind, u64),
    /// Anything else, loaded whole.
    Other,
}

/// Reads the first bytes of a candidate to tell how to read it.
pub fn peek(c: &Candidate) -> Peeked {
    let mut head = Vec::with_capacity(4096);
    let Ok(f) = File::open(&c.path) else {
        return Peeked::Other;
    };
    let len = f.metadata().map(|m| m.len());
    if f.take(4096).read_to_end(&mut head).is_err() {
        return Peeked::Other;
    }
    if is_nmap_xml(&head) {
        return Peeked::Nmap;
    }
    match (sniff_magic(&head).filter(|k| k.is_image()), len) {
        (Some(k), Ok(len)) => Peeked::Image(k, len),
        _ => Peeked::Other,
    }
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
    let kind = kind_by_name(&c.display)
        .or_else(|| sniff(&sample, total))
        .or_else(|| sniff_path(&c.display, &sample))
        .or_else(|| dump_name(&c.display).then_some(ArtifactKind::FlashDump));
    let Some(kind) = kind else {
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
    // A file named like a dump is one only if an image is embedded in it.
    if kind == ArtifactKind::FlashDump && crate::targets::firmware::image::carve(&bytes).is_empty()
    {
        return None;
    }
    Some(Artifact {
        path: VirtualPath::file(&c.display),
        bytes: Arc::from(bytes.into_boxed_slice()),
        kind,
    })
}

/// A file name under which raw firmware dumps are usually kept (`flash.bin`,
/// `nand.img`, `fw.rom`, `update.fw`, `mtd3.dump`).
pub fn dump_name(display: &str) -> bool {
    let name = display
        .rsplit('/')
        .next()
        .unwrap_or(display)
        .to_ascii_lowercase();
    [".bin", ".img", ".rom", ".fw", ".dump", ".mtd", ".flash"]
        .iter()
        .any(|e| name.ends_with(e) && name.len() > e.len())
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
    fn sniff_nmap_before_pem() {
        let s = b"<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\">\n-----BEGIN CERTIFICATE-----\n";
        assert_eq!(sniff(s, s.len() as u64), Some(ArtifactKind::NmapXml));
        assert_eq!(sniff(b"<nmap>", 6), None);
    }

    #[test]
    fn sniff_processing_record() {
        let s = b"# registre\nschema_version: \"1.0\"\nkind: processing_record\nid: x\n";
        assert_eq!(sniff(s, s.len() as u64), Some(ArtifactKind::Declaration));
        let s = b"kind: something_else\n  kind: processing_record\n";
        assert_eq!(sniff(s, s.len() as u64), None);
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
