//! Firmware: binaries (target `binary`), images unpacked in memory (target `image`), and
//! what their file systems hold: accounts, boot services, notable files, secrets and
//! software components.
//!
//! Images are never written to disk. Their files become [`Artifact`]s with virtual paths
//! (`fw/light.squashfs!/etc/ssl/key.pem`) that go back through discovery, so a
//! certificate or binary found inside an image is checked like a loose one.

pub mod binary;
pub mod components;
pub mod config;
pub mod filesystem;
pub mod image;

use crate::artifact::{Artifact, ArtifactKind, VirtualPath};
use crate::facts::{Fact, FactData, Target};
use crate::targets::Extracted;
use serde::Serialize;
use sha2::Digest;
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use vigie_reports::{ArtifactInfo, Location, Notification, NotificationLevel, Region};

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
    let uri = artifact.path.to_string();
    if artifact.bytes.len() > binary::MAX_BINARY_SIZE {
        let mut out = Extracted::default();
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
    binary_facts(uri, artifact.bytes.len() as u64, || {
        binary::parse(&artifact.bytes)
    })
}

/// Binary facts of an ELF file on disk, whose headers and tables are read piece by
/// piece (the file is never read whole, so no size limit applies).
pub fn extract_elf_file(uri: String, file: &binary::FileRanges) -> Extracted {
    use binary::Ranges;
    binary_facts(uri, file.size(), || binary::parse_elf(file))
}

/// Runs `parse` and turns its result into a binary fact or a notification.
fn binary_facts(
    uri: String,
    len: u64,
    parse: impl FnOnce() -> Result<binary::BinaryFact, String> + std::panic::UnwindSafe,
) -> Extracted {
    let mut out = Extracted::default();
    // goblin has had fuzz-found panics: one malformed binary must cost only itself.
    match std::panic::catch_unwind(parse) {
        Ok(Ok(fact)) => out.facts.push(Fact {
            target: Target::Binary,
            location: Location {
                uri,
                artifact: None,
                region: Some(Region::Binary {
                    byte_offset: 0,
                    byte_length: len,
                }),
                logical: None,
            },
            identity: "binary".into(),
            data: FactData::Binary(Box::new(fact)),
        }),
        // Not a program: nothing to report, nothing to check.
        Ok(Err(e)) if e == binary::DEBUG_ONLY => {}
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
    /// Certificate files (`.pem`, `.crt`, `.cer`, `.der`) under `etc/ssl/certs/`,
    /// `usr/share/ca-certificates/` or `etc/pki/`: CA certificates or pinned ones.
    pub ca_files: usize,
    /// TLS libraries of the image by file name (`libssl.so.1.1`, `libmbedtls.so.12`,
    /// `libwolfssl.so.24`, `libgnutls.so.30`, `libtls.so`, `libaxtls.so`,
    /// `libbearssl.so`, `libmatrixssl.so`, `libcyassl.so`), sorted.
    pub tls_libraries: Vec<String>,
    /// Scripts with a line that installs an update (see
    /// [`config::ConfigFact::installs_update`]), as paths inside the image, sorted.
    pub update_scripts: Vec<String>,
    /// Files with a line that checks a signature (see
    /// [`config::ConfigFact::verifies_signature`]), sorted.
    pub update_verification: Vec<String>,
    /// Sensing capabilities (ETSI EN 303 645 5.8-3) and the files that show them, by
    /// capability.
    pub sensing: Vec<SensingFact>,
    /// Machine-learning models, by path.
    pub ml_models: Vec<MlModelFact>,
}

/// A sensing capability of the device and its evidence.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SensingFact {
    /// `camera` (`dev/video*`, V4L2 and UVC drivers or libraries, RTSP/MJPEG streaming
    /// servers), `microphone` (`arecord`, USB audio and digital microphone drivers),
    /// `gnss` (`gpsd`, `libgps`, `gpspipe`, NMEA tools), `bluetooth` (`bluetoothd`,
    /// `hcitool`, `hcidump`, `btmon`) or `wifi-monitor` (`airodump-ng`, `kismet`,
    /// `horst`).
    pub capability: &'static str,
    /// Paths inside the image that show it (at most 10, sorted).
    pub evidence: Vec<String>,
}

/// A machine-learning model shipped in the image.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct MlModelFact {
    /// Path inside the image.
    pub path: String,
    /// `tflite`, `onnx`, `rknn`, `openvino` (IR `.xml` starting with `<net`), `caffe`,
    /// `kmodel`, `mnn`, `pytorch` (`.pt`, `.pth`, `.torchscript`) or `opencv-haar`
    /// (`haarcascade_*.xml`).
    pub format: &'static str,
    /// What the file name suggests it recognises: `face`, `licence-plate`,
    /// `person-reid` (re-identification), `person`, or empty.
    pub purpose: &'static str,
}

const TLS_LIBS: &[&str] = &[
    "libssl.so",
    "libmbedtls.so",
    "libwolfssl.so",
    "libgnutls.so",
    "libtls.so",
    "libaxtls.so",
    "libbearssl.so",
    "libmatrixssl.so",
    "libcyassl.so",
];

fn strip_module_ext(name: &str) -> &str {
    let n = [".xz", ".gz", ".zst"]
        .iter()
        .find_map(|e| name.strip_suffix(e))
        .unwrap_or(name);
    n.strip_suffix(".ko").unwrap_or(n)
}

/// The sensing capability a path shows, if any.
pub fn sensing_of(path: &str) -> Option<&'static str> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let module = strip_module_ext(&name);
    let starts = |ps: &[&str]| ps.iter().any(|p| name.starts_with(p));
    if (path.starts_with("dev/video") && name.starts_with("video"))
        || matches!(
            module,
            "uvcvideo" | "videodev" | "v4l2-common" | "videobuf2-core"
        )
        || starts(&[
            "libv4l2.so",
            "libv4l1.so",
            "libv4lconvert.so",
            "v4l2-ctl",
            "live555",
            "mjpg_streamer",
            "mediamtx",
            "rtsp-simple-server",
            "libgstrtspserver",
            "libcamera.so",
        ])
        || matches!(
            name.as_str(),
            "rtspd" | "rtsp_server" | "rtsp-server" | "v4l2rtspserver"
        )
    {
        return Some("camera");
    }
    if matches!(name.as_str(), "arecord" | "parecord")
        || matches!(
            module,
            "snd-usb-audio" | "snd_usb_audio" | "snd-soc-dmic" | "snd_soc_dmic"
        )
    {
        return Some("microphone");
    }
    if matches!(
        name.as_str(),
        "gpsd" | "gpspipe" | "gpsmon" | "cgps" | "ubxtool" | "gpsctl"
    ) || starts(&["libgps.so", "libnmea"])
    {
        return Some("gnss");
    }
    if matches!(
        name.as_str(),
        "bluetoothd" | "hcitool" | "hcidump" | "btmon" | "bluetoothctl"
    ) {
        return Some("bluetooth");
    }
    if matches!(
        name.as_str(),
        "airodump-ng" | "kismet" | "kismet_server" | "horst"
    ) {
        return Some("wifi-monitor");
    }
    None
}

/// The model format and suggested purpose of a file, if it is a model. `head` is the
/// start of its content.
pub fn ml_model(path: &str, head: &[u8]) -> Option<(&'static str, &'static str)> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or("");
    // Content checks where a short extension is shared with other files (Python's
    // `.pth` path files): TFLite's `TFL3` identifier, ONNX's leading `ir_version`
    // field, PyTorch's zip or pickle container.
    let format = match ext {
        "tflite" if head.get(4..8) == Some(b"TFL3") => "tflite",
        "onnx" if head.first() == Some(&0x08) => "onnx",
        "rknn" => "rknn",
        "caffemodel" => "caffe",
        "kmodel" => "kmodel",
        "mnn" => "mnn",
        "pt" | "pth" | "torchscript"
            if head.starts_with(b"PK\x03\x04") || head.first() == Some(&0x80) =>
        {
            "pytorch"
        }
        "xml" if name.starts_with("haarcascade") => "opencv-haar",
        "xml" if memchr::memmem::find(&head[..head.len().min(1024)], b"<net ").is_some() => {
            "openvino"
        }
        _ => return None,
    };
    let purpose = if name.contains("face") {
        "face"
    } else if ["plate", "lpr", "anpr", "alpr"]
        .iter()
        .any(|w| name.contains(w))
    {
        "licence-plate"
    } else if name.contains("reid") || name.contains("re-id") || name.contains("re_id") {
        "person-reid"
    } else if name.contains("person") || name.contains("pedestrian") {
        "person"
    } else {
        ""
    };
    Some((format, purpose))
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
        for (line, c) in config::config_lines(path, &text) {
            facts.push(Fact {
                target: Target::Config,
                location: text_location(uri_of(path), line),
                identity: format!("config:{}:{}", c.directive, c.value),
                data: FactData::Config(Box::new(c)),
            });
        }
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

/// Bytes of files waiting for [`file_contents`] on other threads while an image is read.
const CONTENT_BYTES_IN_FLIGHT: usize = 32 * 1024 * 1024;

/// What a file of an image that is not an artifact of its own gives.
struct FileResults {
    /// Its entry in the report's artifacts, when anything was found in it.
    info: Option<ArtifactInfo>,
    /// Its secrets, endpoints and components, then its file fact.
    facts: Vec<Fact>,
}

/// Secrets, endpoints and components of a file of an image that discovery does not
/// check on its own (a configuration file, a script, unknown data), with its
/// notable-file fact.
fn file_contents(
    path: &VirtualPath,
    uri: String,
    kind: Option<ArtifactKind>,
    notable: Option<filesystem::FileFact>,
    data: &[u8],
) -> FileResults {
    let mut facts = crate::targets::secret::scan_with_components(path, data, Default::default());
    let info = (notable.is_some() || kind.is_some() || !facts.is_empty()).then(|| ArtifactInfo {
        uri: uri.clone(),
        parent: None,
        length: data.len() as u64,
        sha256: hex::encode(sha2::Sha256::digest(data)),
        kind: kind.map(|k| k.label()).unwrap_or("file").to_string(),
    });
    if let Some(f) = notable {
        facts.push(file_fact(uri, data.len(), f));
    }
    FileResults { info, facts }
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
    let mut inner: Vec<ArtifactInfo> = Vec::new();
    let mut ca_files = 0usize;
    let mut tls_libraries: BTreeSet<String> = BTreeSet::new();
    let mut sensing: std::collections::BTreeMap<&'static str, BTreeSet<String>> =
        Default::default();
    let mut ml_models: Vec<MlModelFact> = Vec::new();
    // Relative symbolic links that climb above the image root: counted, first one kept.
    let mut escaping: (usize, Option<(String, String)>) = (0, None);
    // Files that are not artifacts of their own (configuration files, scripts, other
    // data) are read for secrets, endpoints and components on the other threads while
    // the image is read on; their results are put back in the order of the image.
    let done: Mutex<Vec<(usize, FileResults)>> = Mutex::new(Vec::new());
    let in_flight = AtomicUsize::new(0);
    let mut ready: Vec<(usize, FileResults)> = Vec::new();
    let mut seq = 0usize;
    let unpacked = rayon::in_place_scope(|scope| {
        let (done, in_flight) = (&done, &in_flight);
        image::unpack(
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
                if let Some(cap) = sensing_of(&e.path) {
                    sensing.entry(cap).or_default().insert(e.path.clone());
                }
                let name = e.path.rsplit('/').next().unwrap_or("");
                if TLS_LIBS.iter().any(|l| name.starts_with(l)) {
                    tls_libraries.insert(name.to_string());
                }
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
                has_sbom |= SBOM_PATHS.contains(&e.path.as_str())
                    || name.ends_with(".cdx.json")
                    || name.contains(".spdx")
                    || name == "bom.json";
                has_ca_bundle |= CA_BUNDLES.contains(&e.path.as_str());
                if ["etc/ssl/certs/", "usr/share/ca-certificates/", "etc/pki/"]
                    .iter()
                    .any(|d| e.path.starts_with(d))
                    && [".pem", ".crt", ".cer", ".der"]
                        .iter()
                        .any(|x| name.ends_with(x))
                {
                    ca_files += 1;
                }
                if let Some((format, purpose)) = ml_model(&e.path, &data) {
                    ml_models.push(MlModelFact {
                        path: e.path.clone(),
                        format,
                        purpose,
                    });
                }
                // An image carved from a dump at an offset is named `dump.bin@0x40000`.
                let child_path = if e.path.starts_with('@') {
                    path.with_suffix(&e.path)
                } else {
                    path.join_inner(&e.path)
                };
                let child_uri = child_path.to_string();
                let sample = &data[..data.len().min(64 * 1024)];
                let kind = crate::discover::sniff(sample, data.len() as u64);
                let kind = kind.or_else(|| crate::discover::sniff_path(&e.path, sample));
                let own_artifact = !matches!(kind, None | Some(ArtifactKind::SystemFile));
                let notable = filesystem::notable_file(&child_uri, e.mode, e.uid, Some(&data));
                let idx = seq;
                seq += 1;
                if !own_artifact {
                    if kind == Some(ArtifactKind::SystemFile) {
                        system.push((e.path, Arc::from(data.as_slice())));
                    }
                    // Bounded memory: past this many bytes waiting, this thread helps.
                    while in_flight.load(Ordering::Acquire) >= CONTENT_BYTES_IN_FLIGHT {
                        if rayon::yield_now() != Some(rayon::Yield::Executed) {
                            std::thread::yield_now();
                        }
                    }
                    let len = data.len();
                    in_flight.fetch_add(len, Ordering::AcqRel);
                    scope.spawn(move |_| {
                        let r = file_contents(&child_path, child_uri, kind, notable, &data);
                        drop(data);
                        if let Ok(mut d) = done.lock() {
                            d.push((idx, r));
                        }
                        in_flight.fetch_sub(len, Ordering::AcqRel);
                    });
                    return;
                }
                if let Some(f) = notable {
                    ready.push((
                        idx,
                        FileResults {
                            info: None,
                            facts: vec![file_fact(child_uri, data.len(), f)],
                        },
                    ));
                }
                match kind {
                    Some(ArtifactKind::SystemFile) => {}
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
        )
    });
    if !batch.is_empty() {
        sink(batch);
    }
    let mut results = done.into_inner().unwrap_or_default();
    results.append(&mut ready);
    results.sort_by_key(|(i, _)| *i);
    for (_, r) in results {
        inner.extend(r.info);
        files.extend(r.facts);
    }
    let outer = path.outer().to_string();
    let sys = system_facts(&system, &|p: &str| path.join_inner(p).to_string(), &outer);
    let prefix = format!("{uri}!/");
    let (mut update_scripts, mut update_verification) = (BTreeSet::new(), BTreeSet::new());
    for f in &sys {
        if let FactData::Config(c) = &f.data {
            let inside = f
                .location
                .uri
                .strip_prefix(&prefix)
                .unwrap_or(&f.location.uri)
                .to_string();
            if c.installs_update {
                update_scripts.insert(inside.clone());
            }
            if c.verifies_signature {
                update_verification.insert(inside);
            }
        }
    }
    out.facts.extend(sys);
    out.facts.extend(files);
    out.files = inner;
    ml_models.sort_by(|a, b| a.path.cmp(&b.path));
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
            ca_files,
            tls_libraries: tls_libraries.into_iter().collect(),
            update_scripts: update_scripts.into_iter().collect(),
            update_verification: update_verification.into_iter().collect(),
            sensing: sensing
                .into_iter()
                .map(|(capability, ev)| SensingFact {
                    capability,
                    evidence: ev.into_iter().take(10).collect(),
                })
                .collect(),
            ml_models,
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

/// The image a virtual path belongs to, for fleet checks: its outermost file, without
/// the `@0x...` offset of a carved image (two partitions of one dump are one device).
pub fn image_of(uri: &str) -> Option<&str> {
    let (outer, _) = uri.split_once("!/")?;
    Some(strip_offset(outer))
}

/// `flash.bin@0x40000` without its carving offset.
fn strip_offset(outer: &str) -> &str {
    match outer.rfind("@0x") {
        Some(i) if outer[i + 3..].chars().all(|c| c.is_ascii_hexdigit()) => &outer[..i],
        _ => outer,
    }
}

/// Fleet checks across images: the same salted password hash in two different images
/// (a universal password, ETSI EN 303 645 5.1-1), and the same
/// private key (by its public key) in two different images (ETSI EN 303 645 5.4-4).
pub fn correlate(facts: &mut [Fact]) {
    let mut by_key: HashMap<String, BTreeSet<String>> = HashMap::new();
    for f in facts.iter() {
        if let FactData::PrivateKey(k) = &f.data
            && !k.key_id.is_empty()
            && let Some(img) = image_of(&f.location.uri)
        {
            by_key
                .entry(k.key_id.clone())
                .or_default()
                .insert(img.to_string());
        }
    }
    for f in facts.iter_mut() {
        let img = image_of(&f.location.uri).map(str::to_string);
        if let FactData::PrivateKey(k) = &mut f.data
            && let (Some(img), Some(images)) = (img, by_key.get(&k.key_id))
        {
            k.reused_in_images = images.iter().filter(|i| **i != img).cloned().collect();
        }
    }
    // The same salt and hash is the same password whatever the account's name.
    let mut by_hash: HashMap<String, BTreeSet<String>> = HashMap::new();
    for f in facts.iter() {
        if let FactData::Account(a) = &f.data
            && !a.hash_id.is_empty()
            && !a.image.is_empty()
        {
            by_hash
                .entry(a.hash_id.clone())
                .or_default()
                .insert(strip_offset(&a.image).to_string());
        }
    }
    for f in facts.iter_mut() {
        if let FactData::Account(a) = &mut f.data
            && let Some(images) = by_hash.get(&a.hash_id)
        {
            let own = strip_offset(&a.image);
            a.reused_in = images.iter().filter(|i| *i != own).cloned().collect();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(uri: &str, user: &str, hash_id: &str) -> Fact {
        let (_, (_, mut a)) = filesystem::accounts(None, Some("root:!:1::::::\n"), "")
            .pop()
            .unwrap_or_else(|| unreachable!());
        a.user = user.into();
        a.hash_id = hash_id.into();
        a.image = uri.split("!/").next().unwrap_or("").into();
        Fact {
            target: Target::Account,
            location: text_location(uri.into(), 1),
            identity: String::new(),
            data: FactData::Account(Box::new(a)),
        }
    }

    #[test]
    fn ml_models_need_their_container() {
        assert_eq!(
            ml_model("m/face_det.tflite", b"\x1c\0\0\0TFL3\0\0"),
            Some(("tflite", "face"))
        );
        assert_eq!(
            ml_model("m/plate.pth", b"PK\x03\x04rest"),
            Some(("pytorch", "licence-plate"))
        );
        assert_eq!(
            ml_model("lib/python3/dist-packages/x.pth", b"import os\n"),
            None
        );
        assert_eq!(
            ml_model("share/haarcascade_frontalface_default.xml", b"<?xml"),
            Some(("opencv-haar", "face"))
        );
        assert_eq!(
            ml_model("model/reid.xml", b"<?xml?>\n<net name=\"reid\">"),
            Some(("openvino", "person-reid"))
        );
    }

    #[test]
    fn password_reuse_ignores_user_names_and_dump_partitions() {
        let mut f = vec![
            account("north.img!/etc/shadow", "root", "h1"),
            account("south.img!/etc/shadow", "admin", "h1"),
            account("dump.bin@0x40000!/etc/shadow", "root", "h2"),
            account("dump.bin@0x20000!/payload!/etc/shadow", "root", "h2"),
        ];
        correlate(&mut f);
        let reused: Vec<Vec<String>> = f
            .iter()
            .map(|x| match &x.data {
                FactData::Account(a) => a.reused_in.clone(),
                _ => Vec::new(),
            })
            .collect();
        assert_eq!(reused[0], ["south.img"]);
        assert_eq!(reused[1], ["north.img"]);
        assert!(reused[2].is_empty() && reused[3].is_empty(), "{reused:?}");
        assert_eq!(image_of("dump.bin@0x40000!/etc/x"), Some("dump.bin"));
        assert_eq!(image_of("loose/etc/shadow"), None);
    }

    #[test]
    fn links_climbing_above_the_root_escape() {
        assert!(!link_escapes("usr/share/link", "../bin/true"));
        assert!(!link_escapes("bin/sh", "busybox"));
        assert!(!link_escapes("etc/resolv.conf", "/tmp/resolv.conf"));
        assert!(link_escapes("etc/passwd", "../../../etc/passwd"));
        assert!(link_escapes("x", ".."));
    }
}
