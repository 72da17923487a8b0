//! In-memory unpacking of firmware images and archives: squashfs (backhand), cpio (newc
//! and odc), tar (ustar, GNU, pax), gzip/xz/zstd/bzip2 streams, legacy U-Boot uImage
//! headers, and images carved out of raw dumps at non-zero offsets ([`carve`]).
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
        ArtifactKind::FlashDump => match source {
            Source::Bytes(b) => carve_entries(b, &mut w, on_entry),
            Source::File(_) => {
                let mut b = Vec::with_capacity(input_len.min(1 << 30) as usize);
                let mut r = reader;
                match r.read_to_end(&mut b) {
                    Ok(_) => carve_entries(&b, &mut w, on_entry),
                    Err(e) => w.problem("unreadable-file", format!("cannot read dump: {e}")),
                }
            }
        },
        _ => {}
    }
    w.out
}

fn stream(r: Box<dyn Read + '_>, name: &str, w: &mut Walk<'_>, on_entry: &mut dyn FnMut(Entry)) {
    if !w.count() {
        return;
    }
    // A stream carved from a dump is followed by other data: what was decoded before
    // the decoder met it is kept.
    let mut tolerant = Tolerant {
        inner: r,
        failed: None,
    };
    let Some(data) = w.read_entry(&mut tolerant, 0, name) else {
        return;
    };
    if let Some(e) = tolerant.failed {
        if data.is_empty() {
            w.problem("malformed-image", format!("cannot read `{name}`: {e}"));
            return;
        }
        w.problem(
            "image-trailing-data",
            format!("`{name}`: decoding stopped at {e}; what was decoded before it is checked"),
        );
    }
    on_entry(Entry {
        path: name.to_string(),
        mode: 0o644,
        uid: 0,
        kind: EntryKind::File(data),
    });
}

/// A reader that turns an error into the end of the data, remembering it.
struct Tolerant<'a> {
    inner: Box<dyn Read + 'a>,
    failed: Option<std::io::Error>,
}

impl Read for Tolerant<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.failed.is_some() {
            return Ok(0);
        }
        match self.inner.read(buf) {
            Ok(n) => Ok(n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => Err(e),
            Err(e) => {
                self.failed = Some(e);
                Ok(0)
            }
        }
    }
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

/// One cpio header, newc (`070701`/`070702`, hexadecimal fields, 4-byte alignment) or
/// odc (`070707`, octal fields, no alignment).
struct CpioHeader {
    newc: bool,
    mode: u32,
    uid: u32,
    namesize: u64,
    filesize: u64,
}

const CPIO_NEWC_LEN: usize = 110;
const CPIO_ODC_LEN: usize = 76;

fn cpio_field(b: &[u8], radix: u32) -> Option<u64> {
    let s = std::str::from_utf8(b).ok()?;
    u64::from_str_radix(s, radix).ok()
}

/// Parses a header from its first bytes (`CPIO_NEWC_LEN` or `CPIO_ODC_LEN` of them).
fn cpio_header(h: &[u8]) -> Option<CpioHeader> {
    match h.get(..6)? {
        b"070701" | b"070702" => {
            let f = |i: usize| cpio_field(h.get(6 + i * 8..14 + i * 8)?, 16);
            Some(CpioHeader {
                newc: true,
                mode: f(1)? as u32,
                uid: f(2)? as u32,
                filesize: f(6)?,
                namesize: f(11)?,
            })
        }
        b"070707" => {
            let f = |a: usize, b: usize| cpio_field(h.get(a..b)?, 8);
            Some(CpioHeader {
                newc: false,
                mode: f(18, 24)? as u32,
                uid: f(24, 30)? as u32,
                namesize: f(59, 65)?,
                filesize: f(65, 76)?,
            })
        }
        _ => None,
    }
}

fn pad4(n: u64) -> u64 {
    (4 - n % 4) % 4
}

fn skip(r: &mut dyn Read, n: u64) -> std::io::Result<()> {
    let copied = std::io::copy(&mut r.take(n), &mut std::io::sink())?;
    if copied < n {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// Reads a cpio archive (newc or odc, detected per entry) as a stream.
fn cpio_entries(mut reader: Box<dyn ReadSeek>, w: &mut Walk<'_>, on_entry: &mut dyn FnMut(Entry)) {
    loop {
        if w.stop {
            return;
        }
        let mut h = [0u8; CPIO_NEWC_LEN];
        if reader.read_exact(&mut h[..6]).is_err() {
            w.problem(
                "malformed-image",
                "cpio: archive ends without a trailer".into(),
            );
            return;
        }
        let len = if &h[..6] == b"070707" {
            CPIO_ODC_LEN
        } else {
            CPIO_NEWC_LEN
        };
        let header = reader
            .read_exact(&mut h[6..len])
            .ok()
            .and_then(|()| cpio_header(&h[..len]));
        let Some(hd) = header.filter(|hd| hd.namesize > 0 && hd.namesize <= 4096) else {
            w.problem("malformed-image", "cpio: bad entry header".into());
            return;
        };
        let mut name = vec![0u8; hd.namesize as usize];
        let pad = if hd.newc {
            pad4(len as u64 + hd.namesize)
        } else {
            0
        };
        if reader.read_exact(&mut name).is_err() || skip(&mut reader, pad).is_err() {
            w.problem("malformed-image", "cpio: entry name cut short".into());
            return;
        }
        let raw =
            String::from_utf8_lossy(name.split(|c| *c == 0).next().unwrap_or(&[])).into_owned();
        if raw == "TRAILER!!!" {
            return;
        }
        if !w.count() {
            return;
        }
        let data_pad = if hd.newc { pad4(hd.filesize) } else { 0 };
        let path = w.path(&raw);
        let ftype = hd.mode & 0o170000;
        let kind = match ftype {
            0o100000 | 0o120000 => {
                let mut limited = (&mut reader).take(hd.filesize);
                let Some(d) = w.read_entry(&mut limited, hd.filesize, &raw) else {
                    return;
                };
                // Skipped (too large) or short: move past what is left of the data.
                let left = limited.limit();
                if skip(&mut reader, left).is_err() {
                    w.problem("malformed-image", format!("cpio: `{raw}` cut short"));
                    return;
                }
                if ftype == 0o120000 {
                    EntryKind::Symlink(String::from_utf8_lossy(&d).into_owned())
                } else {
                    EntryKind::File(d)
                }
            }
            other => {
                if skip(&mut reader, hd.filesize).is_err() {
                    w.problem("malformed-image", format!("cpio: `{raw}` cut short"));
                    return;
                }
                if other == 0o040000 {
                    EntryKind::Dir
                } else {
                    EntryKind::Other
                }
            }
        };
        if skip(&mut reader, data_pad).is_err() {
            w.problem("malformed-image", format!("cpio: `{raw}` cut short"));
            return;
        }
        if let Some(path) = path.filter(|p| !p.is_empty()) {
            on_entry(Entry {
                path,
                mode: hd.mode & 0o7777,
                uid: hd.uid,
                kind,
            });
        }
    }
}

/// Length of the cpio archive at the start of `b` (up to and including its trailer), by
/// walking its headers; `None` when it is cut short or malformed.
fn cpio_len(b: &[u8]) -> Option<usize> {
    let mut at = 0usize;
    for _ in 0..1_000_000 {
        let odc = b.get(at..at + 6)? == b"070707";
        let len = if odc { CPIO_ODC_LEN } else { CPIO_NEWC_LEN };
        let hd = cpio_header(b.get(at..at + len)?)?;
        let name_end = at + len + hd.namesize as usize;
        let name = b.get(at + len..name_end)?;
        let mut next = name_end
            + if hd.newc {
                pad4(name_end as u64 - at as u64) as usize
            } else {
                0
            };
        next = next.checked_add(hd.filesize as usize)?;
        if hd.newc {
            next += pad4(hd.filesize) as usize;
        }
        if name.starts_with(b"TRAILER!!!") {
            return Some(next.min(b.len()));
        }
        if next > b.len() {
            return None;
        }
        at = next;
    }
    None
}

/// An image found inside a raw dump: its format, where it starts and how long it is
/// (known from its header for squashfs, uImage and cpio; up to the next image or the end
/// of the dump for compressed streams, whose decoders stop at their own end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Carved {
    /// Format, as [`ArtifactKind::label`] names it (`image/squashfs`, ...).
    pub kind: ArtifactKind,
    /// Byte offset in the dump.
    pub offset: usize,
    /// Length in bytes.
    pub len: usize,
}

/// Recognises an image header at `b[0..]` and returns its kind and, when the header
/// tells, its length.
fn carve_at(b: &[u8]) -> Option<(ArtifactKind, Option<usize>)> {
    let u16le = |o: usize| b.get(o..o + 2).map(|x| u16::from_le_bytes([x[0], x[1]]));
    let u32le = |o: usize| {
        b.get(o..o + 4)
            .and_then(|x| <[u8; 4]>::try_from(x).ok())
            .map(u32::from_le_bytes)
    };
    let u64le = |o: usize| {
        b.get(o..o + 8)
            .and_then(|x| <[u8; 8]>::try_from(x).ok())
            .map(u64::from_le_bytes)
    };
    match b.get(..4)? {
        b"hsqs" => {
            // squashfs 4.0 superblock: block_size (12), version major (28), bytes_used (40).
            let bs = u32le(12)?;
            if u16le(28)? != 4 || !bs.is_power_of_two() || !(4096..=1 << 20).contains(&bs) {
                return None;
            }
            let used = usize::try_from(u64le(40)?).ok()?;
            (used > 96).then_some((ArtifactKind::Squashfs, Some(used)))
        }
        [0x27, 0x05, 0x19, 0x56] => {
            let h = b.get(..64)?;
            let mut zeroed = [0u8; 64];
            zeroed.copy_from_slice(h);
            zeroed[4..8].copy_from_slice(&[0; 4]);
            let hcrc = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
            let size = u32::from_be_bytes([h[12], h[13], h[14], h[15]]) as usize;
            (crc32fast::hash(&zeroed) == hcrc).then_some((ArtifactKind::UImage, Some(64 + size)))
        }
        [0x28, 0xb5, 0x2f, 0xfd] => {
            // Frame header descriptor: the reserved bit (3) is zero.
            (b.get(4)? & 0x08 == 0).then_some((ArtifactKind::Zstd, None))
        }
        [0x1f, 0x8b, 0x08, flags] => {
            // Reserved flag bits zero, extra flags 0/2/4, a known OS byte.
            let (xfl, os) = (*b.get(8)?, *b.get(9)?);
            (flags & 0xe0 == 0 && matches!(xfl, 0 | 2 | 4) && (os <= 13 || os == 255))
                .then_some((ArtifactKind::Gzip, None))
        }
        b"0707" => {
            let len = cpio_len(b)?;
            Some((ArtifactKind::Cpio, Some(len)))
        }
        _ => {
            if b.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
                // Stream flags: first byte zero, check type <= 0x0a.
                (b.get(6)? == &0 && b.get(7)? & 0xf0 == 0).then_some((ArtifactKind::Xz, None))
            } else if b.starts_with(b"BZh")
                && b.get(3).is_some_and(|c| (b'1'..=b'9').contains(c))
                && b.get(4..10)? == [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]
            {
                Some((ArtifactKind::Bzip2, None))
            } else {
                None
            }
        }
    }
}

/// Images embedded in a raw dump (a flash read-out, a vendor update file with its own
/// header) at non-zero offsets, found by their magic numbers and checked by their
/// headers. Regions do not overlap: a magic inside an image of known length is part of
/// that image, not a new one.
pub fn carve(b: &[u8]) -> Vec<Carved> {
    const MAGICS: &[&[u8]] = &[
        b"hsqs",
        &[0x27, 0x05, 0x19, 0x56],
        &[0x28, 0xb5, 0x2f, 0xfd],
        &[0x1f, 0x8b, 0x08],
        b"07070",
        &[0xfd, b'7', b'z', b'X', b'Z', 0x00],
        b"BZh",
    ];
    let ac = match aho_corasick::AhoCorasick::new(MAGICS) {
        Ok(ac) => ac,
        Err(_) => return Vec::new(),
    };
    let mut found: Vec<(usize, ArtifactKind, Option<usize>)> = Vec::new();
    let mut covered = 0usize;
    for m in ac.find_overlapping_iter(b) {
        let off = m.start();
        if off < covered || found.last().is_some_and(|l| l.0 == off) {
            continue;
        }
        let Some((kind, len)) = carve_at(&b[off..]) else {
            continue;
        };
        if let Some(l) = len {
            covered = off.saturating_add(l);
        }
        found.push((off, kind, len));
    }
    let mut out = Vec::with_capacity(found.len());
    for (i, (off, kind, len)) in found.iter().enumerate() {
        let next = found.get(i + 1).map(|n| n.0).unwrap_or(b.len());
        // A stream of unknown length ends before the erased flash (0xff) that pads it.
        let len = len
            .unwrap_or_else(|| {
                let region = &b[*off..next.max(*off)];
                region.len() - region.iter().rev().take_while(|c| **c == 0xff).count()
            })
            .min(b.len() - off);
        out.push(Carved {
            kind: *kind,
            offset: *off,
            len,
        });
    }
    out
}

/// Virtual-path segment suffix of an image carved at `offset`: `@0x40000`.
pub fn offset_suffix(offset: usize) -> String {
    format!("@{offset:#x}")
}

fn carve_entries(b: &[u8], w: &mut Walk<'_>, on_entry: &mut dyn FnMut(Entry)) {
    let regions = carve(b);
    if regions.is_empty() {
        w.problem(
            "malformed-image",
            "no embedded image found in the dump".into(),
        );
    }
    for c in regions {
        if w.stop || !w.count() {
            return;
        }
        let name = offset_suffix(c.offset);
        let slice = &b[c.offset..c.offset + c.len];
        let Some(data) = w.read_entry(&mut &slice[..], c.len as u64, &name) else {
            return;
        };
        if data.is_empty() {
            continue;
        }
        on_entry(Entry {
            path: name,
            mode: 0o644,
            uid: 0,
            kind: EntryKind::File(data),
        });
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
    fn cpio_odc_entries() {
        let img = include_bytes!("../../../../fixtures/firmware/carving/initramfs-odc.cpio");
        assert_eq!(cpio_len(img), Some(img.len()));
        let (v, u) = collect(ArtifactKind::Cpio, img.to_vec(), Limits::default());
        assert!(u.problems.is_empty(), "{u:?}");
        let shadow = v.iter().find(|e| e.path == "etc/shadow").unwrap();
        assert_eq!(shadow.mode, 0o600);
        assert!(matches!(&shadow.kind, EntryKind::File(d) if d.starts_with(b"root::")));
        assert!(
            v.iter()
                .any(|e| e.path == "bin/sh" && e.kind == EntryKind::Symlink("busybox".into()))
        );
        assert!(
            v.iter()
                .any(|e| e.path == "etc" && e.kind == EntryKind::Dir)
        );
    }

    #[test]
    fn carving_finds_images_at_their_offsets() {
        let dump = include_bytes!("../../../../fixtures/firmware/carving/lumiere-flash.bin");
        let c = carve(dump);
        let got: Vec<(ArtifactKind, usize)> = c.iter().map(|c| (c.kind, c.offset)).collect();
        assert_eq!(
            got,
            vec![
                (ArtifactKind::UImage, 0x20000),
                (ArtifactKind::Squashfs, 0x40000),
                (ArtifactKind::Gzip, 0xc0000)
            ]
        );
        assert!(
            c[2].len < 0x1000,
            "erased flash after the stream is not part of it"
        );
        let (v, u) = collect(ArtifactKind::FlashDump, dump.to_vec(), Limits::default());
        assert!(u.problems.is_empty(), "{u:?}");
        let names: Vec<&str> = v.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(names, ["@0x20000", "@0x40000", "@0xc0000"]);
        // A magic inside a region of known length is not a new image; noise is none.
        assert!(carve(&[0xffu8; 4096]).is_empty());
        let mut fake = vec![0u8; 256];
        fake[100..104].copy_from_slice(b"hsqs");
        assert!(carve(&fake).is_empty());
    }

    #[test]
    fn carved_entries_respect_the_entry_limit() {
        let dump = include_bytes!("../../../../fixtures/firmware/carving/lumiere-flash.bin");
        let limits = Limits {
            max_entry_size: 4096,
            ..Limits::default()
        };
        let (v, u) = collect(ArtifactKind::FlashDump, dump.to_vec(), limits);
        assert!(
            u.problems
                .iter()
                .any(|p| p.code == "image-limit-entry-size")
        );
        assert!(v.iter().all(|e| e.path != "@0x40000"));
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
            ArtifactKind::FlashDump,
        ] {
            let _ = collect(k, b"hsqs\x01\x02070701garbage".to_vec(), Limits::default());
            let _ = collect(k, b"x070707000000".to_vec(), Limits::default());
        }
    }
}
