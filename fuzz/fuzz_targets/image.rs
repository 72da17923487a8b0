//! Firmware images and archives: squashfs, cpio, tar, gzip/xz/zstd/bzip2 streams and
//! uImage headers, unpacked in memory with the system files read for accounts and boot
//! services. The kind is the one discovery gives the bytes, else picked from the
//! input's length.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vigie::artifact::{ArtifactKind, VirtualPath};
use vigie::targets::firmware::{FirmwareOptions, extract_image, image};

const KINDS: [ArtifactKind; 8] = [
    ArtifactKind::Squashfs,
    ArtifactKind::Cpio,
    ArtifactKind::Tar,
    ArtifactKind::Gzip,
    ArtifactKind::Xz,
    ArtifactKind::Zstd,
    ArtifactKind::Bzip2,
    ArtifactKind::UImage,
];

fuzz_target!(|data: &[u8]| {
    let kind = vigie::discover::sniff_magic(data)
        .filter(|k| k.is_image())
        .unwrap_or(KINDS[data.len() % KINDS.len()]);
    // Small limits keep each run short; the limits themselves are what is exercised.
    let opts = FirmwareOptions {
        limits: image::Limits {
            max_depth: 3,
            max_total_bytes: 64 * 1024 * 1024,
            max_entry_size: 16 * 1024 * 1024,
            max_ratio: 200,
            max_entries: 10_000,
        },
        budget: Default::default(),
    };
    let _ = extract_image(
        &VirtualPath::file("fuzz.img"),
        kind,
        &image::Source::Bytes(data.into()),
        data.len() as u64,
        &opts,
        &mut |_children| {},
    );
});
