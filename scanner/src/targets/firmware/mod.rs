//! Firmware: binaries (target `binary`), images unpacked in memory (target `image`), and
//! what their file systems hold: accounts, boot services, notable files, secrets and
//! software components.
//!
//! Images are never written to disk. Their files become [`Artifact`]s with virtual paths
//! (`fw/light.squashfs!/etc/ssl/key.pem`) that go back through discovery, so a
//! certificate or binary found inside an image is checked like a loose one.

pub mod binary;
pub mod filesystem;
pub mod image;

use crate::artifact::{Artifact, ArtifactKind, VirtualPath};
use crate::facts::{Fact, FactData, Target};
use crate::targets::Extracted;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use vigie_reports::{Location, Notification, NotificationLevel, Region};

/// A notification about `uri`.
pub(crate) fn note(
    level: NotificationLevel,
    code: &str,
    uri: &str,
    message: String,
) -> Notification {
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

/// Binary facts of an ELF, PE or Mach-O artifact.
pub fn extract_binary(artifact: &Artifact) -> Extracted {
    let mut out = Extracted::default();
    let uri = artifact.path.to_string();
    if artifact.bytes.len() > binary::MAX_BINARY_SIZE {
        out.notifications.push(note(
            NotificationLevel::Warning,
            "binary-too-large",
            &uri,
            format!(
                "binary of {} bytes exceeds the parse limit of {} bytes",
                artifact.bytes.len(),
                binary::MAX_BINARY_SIZE
            ),
        ));
        return out;
    }
    // goblin has had fuzz-found panics: one malformed binary must cost only itself.
    let parsed = std::panic::catch_unwind(|| binary::parse(&artifact.bytes));
    match parsed {
        Ok(Ok(fact)) => out.facts.push(Fact {
            target: Target::Binary,
            location: Location {
                uri,
                artifact: None,
                region: Some(Region::Binary {
                    byte_offset: 0,
                    byte_length: artifact.bytes.len() as u64,
                }),
                logical: None,
            },
            identity: "binary".into(),
            data: FactData::Binary(Box::new(fact)),
        }),
        Ok(Err(e)) => out.notifications.push(note(
            NotificationLevel::Warning,
            "malformed-binary",
            &uri,
            format!("cannot parse binary: {e}"),
        )),
        Err(_) => out.notifications.push(note(
            NotificationLevel::Error,
            "extractor-panic",
            &uri,
            "the binary parser failed on this file (internal error); the scan went on".into(),
        )),
    }
    out
}

/// Settings of firmware extraction, shared by every image of a scan.
#[derive(Debug, Clone, Default)]
pub struct FirmwareOptions {
    /// Unpacking limits.
    pub limits: image::Limits,
    /// Bytes extracted from images so far in this scan (checked against
    /// [`image::Limits::max_total_bytes`]).
    pub budget: Arc<AtomicU64>,
}

/// Facts of one image or archive.
#[derive(Debug, Clone, Serialize)]
pub struct ImageFact {
    /// `squashfs`, `cpio`, `tar`, `gzip`, `xz`, `zstd`, `bzip2` or `uimage` (from the
    /// magic number at offset 0).
    pub format: String,
    /// Size of the image in bytes.
    pub size: u64,
    /// Entries read (files, directories, links).
    pub entries: usize,
    /// Bytes of file content extracted.
    pub extracted_bytes: u64,
    /// Nesting depth (0 for a file on disk).
    pub depth: usize,
    /// Unpacking stopped early (a limit was reached or the data is malformed).
    pub incomplete: bool,
    /// An SBOM (`*.cdx.json`, `*.spdx*`, `bom.json`) or a package database
    /// (`usr/lib/opkg/status`, `var/lib/dpkg/status`, `lib/apk/db/installed`) is in the image.
    pub has_sbom: bool,
    /// A CA bundle (`etc/ssl/certs/ca-certificates.crt`, `etc/ssl/cert.pem`,
    /// `etc/pki/tls/certs/ca-bundle.crt`) is in the image.
    pub has_ca_bundle: bool,
    /// The image holds a root file system (`etc/` and `bin/` or `sbin/`).
    pub rootfs: bool,
    /// uImage header fields, for uImages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uimage: Option<image::UImageHeader>,
}

const SBOM_PATHS: &[&str] = &[
    "usr/lib/opkg/status",
    "var/lib/opkg/status",
    "var/lib/dpkg/status",
    "lib/apk/db/installed",
];
const CA_BUNDLES: &[&str] = &[
    "etc/ssl/certs/ca-certificates.crt",
    "etc/ssl/cert.pem",
    "etc/pki/tls/certs/ca-bundle.crt",
];

fn text_location(uri: String, line: u32) -> Location {
    Location {
        uri,
        artifact: None,
        region: Some(Region::Text {
            start_line: line,
            start_column: Some(1),
            end_line: None,
        }),
        logical: None,
    }
}

/// Facts of system files read together (one image, or one loose file): accounts and
/// boot services. `files` holds (path inside the image, content); `uri_of` gives the
/// virtual path of a file.
pub fn system_facts(
    files: &[(String, Arc<[u8]>)],
    uri_of: &dyn Fn(&str) -> String,
    image: &str,
) -> Vec<Fact> {
    let mut facts = Vec::new();
    let find = |suffix: &str| {
        files
            .iter()
            .find(|(p, _)| p == suffix || p.ends_with(&format!("/{suffix}")))
    };
    let passwd = find("etc/passwd");
    let shadow = find("etc/shadow");
    if passwd.is_some() || shadow.is_some() {
        let ptext = passwd.map(|(_, b)| String::from_utf8_lossy(b).into_owned());
        let stext = shadow.map(|(_, b)| String::from_utf8_lossy(b).into_owned());
        for (in_shadow, (line, acc)) in
            filesystem::accounts(ptext.as_deref(), stext.as_deref(), image)
        {
            let file = if in_shadow { shadow } else { passwd };
            let Some((path, _)) = file else { continue };
            facts.push(Fact {
                target: Target::Account,
                location: text_location(uri_of(path), line),
                identity: format!("account:{}", acc.user),
                data: FactData::Account(Box::new(acc)),
            });
        }
    }
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(bytes);
        for (line, s) in filesystem::boot_services(path, &text) {
            facts.push(Fact {
                target: Target::BootService,
                location: text_location(uri_of(path), line),
                identity: format!("boot:{}:{}", s.program, s.command),
                data: FactData::BootService(Box::new(s)),
            });
        }
    }
    facts
}

/// Facts of a loose system file (`etc/inittab` on disk, a rule fixture...).
pub fn extract_system_file(artifact: &Artifact) -> Extracted {
    let uri = artifact.path.to_string();
    let files = vec![(uri.clone(), artifact.bytes.clone())];
    let mut out = Extracted {
        facts: system_facts(&files, &|p: &str| p.to_string(), ""),
        ..Extracted::default()
    };
    if let Some(f) = filesystem::notable_file(&uri, 0o644, 0, Some(&artifact.bytes)) {
        out.facts.push(file_fact(uri, artifact.bytes.len(), f));
    }
    out
}

fn file_fact(uri: String, len: usize, f: filesystem::FileFact) -> Fact {
    Fact {
        target: Target::File,
        location: Location {
            uri,
            artifact: None,
            region: Some(Region::Binary {
                byte_offset: 0,
                byte_length: len as u64,
            }),
            logical: None,
        },
        identity: "file".into(),
        data: FactData::File(Box::new(f)),
    }
}

/// Children are handed to the engine in batches of about this many bytes, so memory
/// stays bounded while they are checked in parallel.
const BATCH_BYTES: usize = 32 * 1024 * 1024;

/// Unpacks an image in memory. Files whose content discovery recognises (binaries,
/// certificates and keys, nested images) are passed to `sink` in batches as child
/// artifacts; system files are read here for accounts and boot services.
pub fn extract_image(
    path: &VirtualPath,
    kind: ArtifactKind,
    source: &image::Source,
    size: u64,
    opts: &FirmwareOptions,
    sink: &mut dyn FnMut(Vec<Artifact>),
) -> Extracted {
    let mut out = Extracted::default();
    let uri = path.to_string();
    if path.depth() >= opts.limits.max_depth {
        out.notifications.push(note(
            NotificationLevel::Warning,
            "image-limit-depth",
            &uri,
            format!(
                "image nested {} levels deep; the limit is {}, so it was not unpacked",
                path.depth(),
                opts.limits.max_depth
            ),
        ));
        return out;
    }
    let stream_name = {
        let n = path.file_name();
        let stem = [".gz", ".tgz", ".xz", ".txz", ".zst", ".bz2", ".lzma"]
            .iter()
            .find_map(|e| n.strip_suffix(e))
            .unwrap_or("");
        if stem.is_empty() {
            "decompressed".to_string()
        } else if n.ends_with(".tgz") || n.ends_with(".txz") {
            format!("{stem}.tar")
        } else {
            stem.to_string()
        }
    };
    let mut system: Vec<(String, Arc<[u8]>)> = Vec::new();
    let mut batch: Vec<Artifact> = Vec::new();
    let mut batch_bytes = 0usize;
    let mut has_sbom = false;
    let mut has_ca_bundle = false;
    let (mut has_etc, mut has_bin) = (false, false);
    let mut files: Vec<Fact> = Vec::new();
    // Relative symbolic links that climb above the image root: counted, first one kept.
    let mut escaping: (usize, Option<(String, String)>) = (0, None);
    let unpacked = image::unpack(
        kind,
        source,
        &stream_name,
        opts.limits,
        &opts.budget,
        &mut |e: image::Entry| {
            has_etc |= e.path == "etc" || e.path.starts_with("etc/");
            has_bin |= e.path == "bin"
                || e.path.starts_with("bin/")
                || e.path == "sbin"
                || e.path.starts_with("sbin/");
            if let image::EntryKind::Symlink(target) = &e.kind
                && link_escapes(&e.path, target)
            {
                escaping.0 += 1;
                escaping
                    .1
                    .get_or_insert_with(|| (e.path.clone(), target.clone()));
            }
            let image::EntryKind::File(data) = e.kind else {
                return;
            };
            let name = e.path.rsplit('/').next().unwrap_or("");
            has_sbom |= SBOM_PATHS.contains(&e.path.as_str())
                || name.ends_with(".cdx.json")
                || name.contains(".spdx")
                || name == "bom.json";
            has_ca_bundle |= CA_BUNDLES.contains(&e.path.as_str());
            let child_path = path.join_inner(&e.path);
            let child_uri = child_path.to_string();
            if let Some(f) = filesystem::notable_file(&child_uri, e.mode, e.uid, Some(&data)) {
                files.push(file_fact(child_uri, data.len(), f));
            }
            let sample = &data[..data.len().min(64 * 1024)];
            let kind = crate::discover::sniff(sample, data.len() as u64);
            let kind = kind.or_else(|| crate::discover::sniff_path(&e.path, sample));
            match kind {
                Some(ArtifactKind::SystemFile) => {
                    system.push((e.path, Arc::from(data.into_boxed_slice())));
                }
                Some(kind) => {
                    batch_bytes += data.len();
                    batch.push(Artifact {
                        path: child_path,
                        bytes: Arc::from(data.into_boxed_slice()),
                        kind,
                    });
                    if batch_bytes >= BATCH_BYTES || batch.len() >= 4096 {
                        sink(std::mem::take(&mut batch));
                        batch_bytes = 0;
                    }
                }
                None => {}
            }
        },
    );
    if !batch.is_empty() {
        sink(batch);
    }
    let outer = path.outer().to_string();
    out.facts.extend(system_facts(
        &system,
        &|p: &str| path.join_inner(p).to_string(),
        &outer,
    ));
    out.facts.extend(files);
    if let (n, Some((link, target))) = escaping {
        out.notifications.push(note(
            NotificationLevel::Note,
            "image-symlink-outside",
            &uri,
            format!(
                "{n} symbolic link{} climb{} above the image root (first: `{link}` -> `{target}`); links are never followed",
                if n == 1 { "" } else { "s" },
                if n == 1 { "s" } else { "" },
            ),
        ));
    }
    let incomplete = !unpacked.problems.is_empty();
    for p in unpacked.problems {
        let level = if p.code.starts_with("image-limit") || p.code == "image-unsafe-path" {
            NotificationLevel::Warning
        } else {
            NotificationLevel::Error
        };
        out.notifications.push(note(level, p.code, &uri, p.message));
    }
    out.facts.push(Fact {
        target: Target::Image,
        location: Location {
            uri,
            artifact: None,
            region: Some(Region::Binary {
                byte_offset: 0,
                byte_length: size,
            }),
            logical: None,
        },
        identity: "image".into(),
        data: FactData::Image(Box::new(ImageFact {
            format: kind.label().trim_start_matches("image/").to_string(),
            size,
            entries: unpacked.entries,
            extracted_bytes: unpacked.bytes,
            depth: path.depth(),
            incomplete,
            has_sbom,
            has_ca_bundle,
            rootfs: has_etc && has_bin,
            uimage: unpacked.uimage,
        })),
    });
    out
}

/// Whether the relative link `target` of the entry at `path` resolves above the image
/// root (`usr/lib/x` -> `../../../etc`). Absolute targets are resolved inside the image
/// on the device, so they do not escape.
fn link_escapes(path: &str, target: &str) -> bool {
    if target.starts_with('/') {
        return false;
    }
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    image::sanitise(&format!("{dir}/{target}")).is_none()
}

/// Fleet checks across images: the same password hash for the same account in two
/// different images (a universal password, ETSI EN 303 645 5.1-1).
pub fn correlate(facts: &mut [Fact]) {
    let mut by_hash: HashMap<(String, String), BTreeSet<String>> = HashMap::new();
    for f in facts.iter() {
        if let FactData::Account(a) = &f.data
            && !a.hash_id.is_empty()
            && !a.image.is_empty()
        {
            by_hash
                .entry((a.user.clone(), a.hash_id.clone()))
                .or_default()
                .insert(a.image.clone());
        }
    }
    for f in facts.iter_mut() {
        if let FactData::Account(a) = &mut f.data
            && let Some(images) = by_hash.get(&(a.user.clone(), a.hash_id.clone()))
        {
            a.reused_in = images.iter().filter(|i| **i != a.image).cloned().collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::link_escapes;

    #[test]
    fn links_climbing_above_the_root_escape() {
        assert!(!link_escapes("usr/share/link", "../bin/true"));
        assert!(!link_escapes("bin/sh", "busybox"));
        assert!(!link_escapes("etc/resolv.conf", "/tmp/resolv.conf"));
        assert!(link_escapes("etc/passwd", "../../../etc/passwd"));
        assert!(link_escapes("x", ".."));
    }
}
