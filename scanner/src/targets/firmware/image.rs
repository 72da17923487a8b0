//! In-memory unpacking of firmware images and archives: squashfs (backhand), cpio (newc),
//! tar (ustar, GNU, pax), gzip/xz/zstd/bzip2 streams and legacy U-Boot uImage headers.
//!
//! Nothing is written to disk and no link is ever followed: entries are handed to a
//! callback with a sanitised path (no `..`, no leading `/`), symlinks as their target
//! text only. Every limit of [`Limits`] is checked as bytes come out of a decoder;
//! reaching one stops the image with a notification, never a crash.

use crate::artifact::ArtifactKind;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Cursor, Read, Seek};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Limits on unpacking (`[limits]` in `vigie.toml`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Limits {
    /// Deepest nesting of images inside images (`a.img!/b.cpio.gz!/b.cpio!/...`).
    pub max_depth: usize,
    /// Bytes extracted from all images of one scan, together.
    pub max_total_bytes: u64,
    /// Largest single entry (file) read from an image.
    pub max_entry_size: u64,
    /// Largest ratio of bytes extracted to bytes of the compressed input.
    pub max_ratio: u64,
    /// Most entries read from one image.
    pub max_entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_depth: 6,
            max_total_bytes: 8 * 1024 * 1024 * 1024,
            max_entry_size: 256 * 1024 * 1024,
            max_ratio: 200,
            max_entries: 500_000,
        }
    }
}

/// Where an image's bytes are.
#[derive(Debug, Clone)]
pub enum Source {
    /// Already in memory (an image found inside another one).
    Bytes(Arc<[u8]>),
    /// A file on disk, read as a stream (large images are never read whole).
    File(PathBuf),
}

trait ReadSeek: BufRead + Seek + Send {}
impl<T: BufRead + Seek + Send> ReadSeek for T {}

impl Source {
    fn open(&self) -> std::io::Result<(Box<dyn ReadSeek>, u64)> {
        match self {
            Source::Bytes(b) => Ok((Box::new(Cursor::new(b.clone())), b.len() as u64)),
            Source::File(p) => {
                let f = std::fs::File::open(p)?;
                let len = f.metadata()?.len();
                Ok((Box::new(BufReader::with_capacity(256 * 1024, f)), len))
            }
        }
    }
}

/// What an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// A regular file, with its content.
    File(Vec<u8>),
    /// A directory.
    Dir,
    /// A symbolic link and its target, as text (never followed).
    Symlink(String),
    /// A device, FIFO, socket or hard link.
    Other,
}

/// One entry of an image.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Sanitised path, relative, `/`-separated, without `.` or `..` components.
    pub path: String,
    /// Unix permission bits (including setuid/setgid/sticky, without the file type).
    pub mode: u32,
    /// Owner.
    pub uid: u32,
    /// What it is.
    pub kind: EntryKind,
}

/// Why unpacking stopped early, or what was skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Notification code (`image-limit-entries`, `malformed-image`, ...).
    pub code: &'static str,
    /// Message.
    pub message: String,
}

/// Summary of an unpacked image.
#[derive(Debug, Clone, Default)]
pub struct Unpacked {
    /// Entries seen.
    pub entries: usize,
    /// Bytes of file content extracted.
    pub bytes: u64,
    /// Problems met (limits reached, malformed data, unsafe names).
    pub problems: Vec<Problem>,
    /// uImage header fields, for uImages.
    pub uimage: Option<UImageHeader>,
}

/// Fields of a legacy U-Boot image header (64 bytes, big-endian).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct UImageHeader {
    /// `ih_name`, e.g. `Linux-4.9.37`.
    pub name: String,
    /// `ih_os` (5 = Linux).
    pub os: u8,
    /// `ih_arch` (2 = ARM, 5 = MIPS, 22 = ARM64).
    pub arch: u8,
    /// `ih_type` (2 = kernel, 3 = ramdisk, 4 = multi, 5 = firmware, 7 = filesystem).
    pub image_type: u8,
    /// `ih_comp` (0 none, 1 gzip, 2 bzip2, 3 lzma, 4 lzo, 5 lz4, 6 zstd).
    pub compression: u8,
    /// CRC-32 of the header (with `ih_hcrc` zeroed) matches `ih_hcrc`.
    pub header_crc_ok: bool,
    /// CRC-32 of the payload matches `ih_dcrc`.
    pub data_crc_ok: bool,
}

/// Removes `.`, `..` and empty components and any leading `/`. Returns `None` when a `..`
/// would climb above the image root (the entry is refused).
pub fn sanitise(name: &str) -> Option<String> {
    let name = name.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    for c in name.split('/') {
        match c {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// State shared by one image's walk: limits, counters and the scan-wide byte budget.
struct Walk<'a> {
    limits: Limits,
    budget: &'a AtomicU64,
    input_len: u64,
    out: Unpacked,
    stop: bool,
}

impl Walk<'_> {
    fn problem(&mut self, code: &'static str, message: String) {
        self.out.problems.push(Problem { code, message });
    }

    /// Reads at most the per-entry limit from `r`, charging the budgets. `None` when a
    /// limit stopped the image.
    fn read_entry(&mut self, r: &mut dyn Read, declared: u64, name: &str) -> Option<Vec<u8>> {
        if declared > self.limits.max_entry_size {
            self.problem(
                "image-limit-entry-size",
                format!(
                    "`{name}` ({declared} bytes) exceeds the per-entry limit of {} bytes and was skipped",
                    self.limits.max_entry_size
                ),
            );
            return Some(Vec::new());
        }
        let mut data = Vec::with_capacity(declared.min(16 * 1024 * 1024) as usize);
        if let Err(e) = r
            .take(self.limits.max_entry_size + 1)
            .read_to_end(&mut data)
        {
            self.problem("malformed-image", format!("cannot read `{name}`: {e}"));
            self.stop = true;
            return None;
        }
        if data.len() as u64 > self.limits.max_entry_size {
            self.problem(
                "image-limit-entry-size",
                format!(
                    "`{name}` exceeds the per-entry limit of {} bytes and was skipped",
                    self.limits.max_entry_size
                ),
            );
            return Some(Vec::new());
        }
        if !self.charge(data.len() as u64) {
            return None;
        }
        Some(data)
    }

    /// Counts extracted bytes against the ratio and scan-wide limits.
    fn charge(&mut self, n: u64) -> bool {
        self.out.bytes += n;
        let total = self.budget.fetch_add(n, Ordering::Relaxed) + n;
        if total > self.limits.max_total_bytes {
            self.problem(
                "image-limit-total-bytes",
                format!(
                    "the scan extracted more than {} bytes from images; the rest of this image was skipped",
                    self.limits.max_total_bytes
                ),
            );
            self.stop = true;
            return false;
        }
        if self.out.bytes > self.input_len.max(1).saturating_mul(self.limits.max_ratio)
            && self.out.bytes > 1024 * 1024
        {
            self.problem(
                "image-limit-ratio",
                format!(
                    "more than {} times the size of the input was extracted (possible decompression bomb); the rest was skipped",
                    self.limits.max_ratio
                ),
            );
            self.stop = true;
            return false;
        }
        true
    }

    /// Counts one entry; false when the entry limit is reached.
    fn count(&mut self) -> bool {
        self.out.entries += 1;
        if self.out.entries > self.limits.max_entries {
            self.problem(
                "image-limit-entries",
                format!(
                    "more than {} entries; the rest of the image was skipped",
                    self.limits.max_entries
                ),
            );
            self.stop = true;
            return false;
        }
        true
    }

    fn path(&mut self, raw: &str) -> Option<String> {
        let p = sanitise(raw);
        if p.is_none() {
            self.problem(
                "image-unsafe-path",
                format!("entry `{raw}` climbs out of the image with `..` and was skipped"),
            );
        }
        p
    }
}

/// Unpacks `source` of kind `kind`, calling `on_entry` for every entry in archive order.
/// `stream_name` names the single entry of a compressed stream (e.g. `rootfs.cpio` for
/// `rootfs.cpio.gz`).
pub fn unpack(
    kind: ArtifactKind,
    source: &Source,
    stream_name: &str,
    limits: Limits,
    budget: &AtomicU64,
    on_entry: &mut dyn FnMut(Entry),
) -> Unpacked {
    let (reader, input_len) = match source.open() {
        Ok(x) => x,
        Err(e) => {
            return Unpacked {
                problems: vec![Problem {
                    code: "unreadable-file",
                    message: format!("cannot read image: {e}"),
                }],
                ..Unpacked::default()
            };
        }
    };
    let mut w = Walk {
        limits,
        budget,
        input_len,
        out: Unpacked::default(),
        stop: false,
    };
    match kind {
        ArtifactKind::Squashfs => squashfs(reader, &mut w, on_entry),
        ArtifactKind::Tar => tar_entries(reader, &mut w, on_entry),
        ArtifactKind::Cpio => cpio_entries(reader, &mut w, on_entry),
        ArtifactKind::Gzip => {
            let d = flate2::read::MultiGzDecoder::new(reader);
            stream(Box::new(d), stream_name, &mut w, on_entry)
        }
        ArtifactKind::Xz => {
            let d = liblzma::read::XzDecoder::new_multi_decoder(reader);
            stream(Box::new(d), stream_name, &mut w, on_entry)
        }
        ArtifactKind::Zstd => match zstd::stream::read::Decoder::with_buffer(reader) {
            Ok(d) => stream(Box::new(d), stream_name, &mut w, on_entry),
            Err(e) => w.problem("malformed-image", format!("zstd: {e}")),
        },
        ArtifactKind::Bzip2 => {
            let d = bzip2::read::MultiBzDecoder::new(reader);
            stream(Box::new(d), stream_name, &mut w, on_entry)
        }
        ArtifactKind::UImage => uimage(reader, &mut w, on_entry),
        _ => {}
    }
    w.out
}

fn stream(
    mut r: Box<dyn Read + '_>,
    name: &str,
    w: &mut Walk<'_>,
    on_entry: &mut dyn FnMut(Entry),
) {
    if !w.count() {
        return;
    }
    let Some(data) = w.read_entry(&mut r, 0, name) else {
        return;
    };
    on_entry(Entry {
        path: name.to_string(),
        mode: 0o644,
        uid: 0,
        kind: EntryKind::File(data),
    });
}

fn squashfs(reader: Box<dyn ReadSeek>, w: &mut Walk<'_>, on_entry: &mut dyn FnMut(Entry)) {
    let fs = match backhand::FilesystemReader::from_reader(reader) {
        Ok(fs) => fs,
        Err(e) => {
            w.problem("malformed-image", format!("squashfs: {e}"));
            return;
        }
    };
    for node in fs.files() {
        if w.stop || !w.count() {
            return;
        }
        let raw = node.fullpath.to_string_lossy();
        let Some(path) = w.path(&raw) else { continue };
        let mode = u32::from(node.header.permissions) & 0o7777;
        let uid = node.header.uid;
        let kind = match &node.inner {
            backhand::InnerNode::File(f) => {
                let file = fs.file(f);
                let mut r = match file.reader_checked() {
                    Ok(r) => r,
                    Err(e) => {
                        w.problem("malformed-image", format!("squashfs `{path}`: {e}"));
                        continue;
                    }
                };
                match w.read_entry(&mut r, f.file_len() as u64, &path) {
                    Some(d) => EntryKind::File(d),
                    None => return,
                }
            }
            backhand::InnerNode::Dir(_) => EntryKind::Dir,
            backhand::InnerNode::Symlink(s) => {
                EntryKind::Symlink(s.link.to_string_lossy().into_owned())
            }
            _ => EntryKind::Other,
        };
        if path.is_empty() && kind == EntryKind::Dir {
            continue;
        }
        on_entry(Entry {
            path,
            mode,
            uid,
            kind,
        });
    }
}

fn tar_entries(reader: Box<dyn ReadSeek>, w: &mut Walk<'_>, on_entry: &mut dyn FnMut(Entry)) {
    let mut ar = tar::Archive::new(reader);
    let entries = match ar.entries() {
        Ok(e) => e,
        Err(e) => {
            w.problem("malformed-image", format!("tar: {e}"));
            return;
        }
    };
    // Never `unpack`: each entry is read into memory, its name sanitised.
    for entry in entries {
        if w.stop || !w.count() {
            return;
        }
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                w.problem("malformed-image", format!("tar: {e}"));
                return;
            }
        };
        let raw = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some(path) = w.path(&raw) else { continue };
        let header = entry.header();
        let mode = header.mode().unwrap_or(0) & 0o7777;
        let uid = header.uid().unwrap_or(0) as u32;
        let et = header.entry_type();
        let kind = if et.is_file() {
            let size = entry.size();
            match w.read_entry(&mut entry, size, &path) {
                Some(d) => EntryKind::File(d),
                None => return,
            }
        } else if et.is_dir() {
            EntryKind::Dir
        } else if et.is_symlink() {
            EntryKind::Symlink(
                entry
                    .link_name()
                    .ok()
                    .flatten()
                    .map(|l| l.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
        } else {
            EntryKind::Other
        };
        if path.is_empty() {
            continue;
        }
        on_entry(Entry {
            path,
            mode,
            uid,
            kind,
        });
    }
}

fn cpio_entries(mut reader: Box<dyn ReadSeek>, w: &mut Walk<'_>, on_entry: &mut dyn FnMut(Entry)) {
    loop {
        if w.stop || !w.count() {
            return;
        }
        let mut r = match cpio::NewcReader::new(reader) {
            Ok(r) => r,
            Err(e) => {
                w.problem("malformed-image", format!("cpio: {e}"));
                return;
            }
        };
        let e = r.entry();
        if e.is_trailer() {
            return;
        }
        let raw = e.name().to_string();
        let mode_full = e.mode();
        let uid = e.uid();
        let size = u64::from(e.file_size());
        let ftype = mode_full & 0o170000;
        let path = w.path(&raw);
        let kind = match ftype {
            0o100000 => match w.read_entry(&mut r, size, &raw) {
                Some(d) => EntryKind::File(d),
                None => return,
            },
            0o040000 => EntryKind::Dir,
            0o120000 => match w.read_entry(&mut r, size, &raw) {
                Some(d) => EntryKind::Symlink(String::from_utf8_lossy(&d).into_owned()),
                None => return,
            },
            _ => EntryKind::Other,
        };
        reader = match r.finish() {
            Ok(inner) => inner,
            Err(e) => {
                w.problem("malformed-image", format!("cpio: {e}"));
                return;
            }
        };
        if let Some(path) = path.filter(|p| !p.is_empty()) {
            on_entry(Entry {
                path,
                mode: mode_full & 0o7777,
                uid,
                kind,
            });
        }
    }
}

fn uimage(mut reader: Box<dyn ReadSeek>, w: &mut Walk<'_>, on_entry: &mut dyn FnMut(Entry)) {
    let mut h = [0u8; 64];
    if reader.read_exact(&mut h).is_err() {
        w.problem("malformed-image", "uImage header cut short".into());
        return;
    }
    let be = |o: usize| u32::from_be_bytes([h[o], h[o + 1], h[o + 2], h[o + 3]]);
    let hcrc = be(4);
    let size = u64::from(be(12));
    let dcrc = be(24);
    let mut zeroed = h;
    zeroed[4..8].copy_from_slice(&[0; 4]);
    let name_end = h[32..64].iter().position(|c| *c == 0).unwrap_or(32);
    let mut header = UImageHeader {
        name: String::from_utf8_lossy(&h[32..32 + name_end]).into_owned(),
        os: h[28],
        arch: h[29],
        image_type: h[30],
        compression: h[31],
        header_crc_ok: crc32fast::hash(&zeroed) == hcrc,
        data_crc_ok: false,
    };
    if !w.count() {
        return;
    }
    let mut payload = match w.read_entry(&mut reader, size, "payload") {
        Some(d) => d,
        None => return,
    };
    payload.truncate(size as usize);
    header.data_crc_ok = payload.len() as u64 == size && crc32fast::hash(&payload) == dcrc;
    w.out.uimage = Some(header);
    on_entry(Entry {
        path: "payload".into(),
        mode: 0o644,
        uid: 0,
        kind: EntryKind::File(payload),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn sanitise_refuses_escapes() {
        assert_eq!(sanitise("/etc/shadow").as_deref(), Some("etc/shadow"));
        assert_eq!(sanitise("./a/../b").as_deref(), Some("b"));
        assert_eq!(sanitise("../../etc/passwd"), None);
        assert_eq!(sanitise("a/../../x"), None);
    }

    fn collect(kind: ArtifactKind, bytes: Vec<u8>, limits: Limits) -> (Vec<Entry>, Unpacked) {
        let budget = AtomicU64::new(0);
        let mut v = Vec::new();
        let u = unpack(
            kind,
            &Source::Bytes(Arc::from(bytes.into_boxed_slice())),
            "inner",
            limits,
            &budget,
            &mut |e| v.push(e),
        );
        (v, u)
    }

    fn tar_with(names: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (n, d) in names {
            let mut h = tar::Header::new_gnu();
            h.set_size(d.len() as u64);
            h.set_mode(0o4755);
            h.set_entry_type(tar::EntryType::Regular);
            // `append_data` refuses `..`; write the raw name to test our own check.
            let raw = &mut h.as_old_mut().name;
            raw[..n.len()].copy_from_slice(n.as_bytes());
            h.set_cksum();
            b.append(&h, *d).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn tar_entries_and_unsafe_names() {
        let t = tar_with(&[
            ("etc/passwd", b"root:x:0:0::/root:/bin/sh\n"),
            ("../evil", b"x"),
        ]);
        let (v, u) = collect(ArtifactKind::Tar, t, Limits::default());
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].path, "etc/passwd");
        assert_eq!(v[0].mode, 0o4755);
        assert!(u.problems.iter().any(|p| p.code == "image-unsafe-path"));
    }

    #[test]
    fn gzip_bomb_stops_on_ratio() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![0u8; 8 * 1024 * 1024]).unwrap();
        let bytes = gz.finish().unwrap();
        let (v, u) = collect(ArtifactKind::Gzip, bytes, Limits::default());
        assert!(v.is_empty());
        assert!(
            u.problems.iter().any(|p| p.code == "image-limit-ratio"),
            "{u:?}"
        );
    }

    #[test]
    fn entry_count_limit() {
        let t = tar_with(&[("a", b"1"), ("b", b"2"), ("c", b"3")]);
        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        let (v, u) = collect(ArtifactKind::Tar, t, limits);
        assert_eq!(v.len(), 2);
        assert!(u.problems.iter().any(|p| p.code == "image-limit-entries"));
    }

    #[test]
    fn squashfs_reads_file_contents_on_a_one_thread_pool() {
        // backhand's `parallel` reader prefetched 0 blocks on one thread and returned
        // empty files (`vigie scan --jobs 1`); the feature is off for that reason.
        let img = include_bytes!(
            "../../../../fixtures/demo-territory/firmware/lumiere-ctrl-v2.3.squashfs"
        );
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let (v, u) =
            pool.install(|| collect(ArtifactKind::Squashfs, img.to_vec(), Limits::default()));
        assert!(u.bytes > 0 && u.problems.is_empty(), "{u:?}");
        let shadow = v.iter().find(|e| e.path == "etc/shadow").unwrap();
        assert!(matches!(&shadow.kind, EntryKind::File(d) if d.starts_with(b"root:$1$")));
        assert!(
            v.iter()
                .any(|e| e.path == "bin/sh" && matches!(e.kind, EntryKind::Symlink(_)))
        );
    }

    #[test]
    fn truncated_inputs_do_not_panic() {
        for k in [
            ArtifactKind::Squashfs,
            ArtifactKind::Cpio,
            ArtifactKind::Tar,
            ArtifactKind::Gzip,
            ArtifactKind::Xz,
            ArtifactKind::Zstd,
            ArtifactKind::Bzip2,
            ArtifactKind::UImage,
        ] {
            let _ = collect(k, b"hsqs\x01\x02070701garbage".to_vec(), Limits::default());
        }
    }
}
