//! Seeded mutation of every fixture kind: each mutant is scanned in memory as a file of
//! a scan would be. No mutant may crash an extractor, take a second, or fail silently:
//! a recognised file gives facts, files found inside it, or a notification.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::root;
use std::io::Write;
use std::time::{Duration, Instant};
use vigie::engine::{self, ScanOptions};

/// Mutants per fixture kind.
const MUTANTS: usize = 1_000;
/// The longest a mutant may take, even in a debug build on a loaded machine (the
/// slowest seen there is about 150 ms).
const SLOWEST: Duration = Duration::from_secs(1);

/// xorshift64*: small, seeded, the same sequence on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Values that break length fields: zero, one, sign bits, all ones, just past a size.
const LENGTHS: [u64; 9] = [
    0,
    1,
    0x7f,
    0x80,
    0xff,
    0x8000,
    0x7fff_ffff,
    0xffff_ffff,
    u64::MAX,
];

/// One mutation of `input`: bit flips, truncation, duplication of a slice, or a length
/// field (1, 2, 4 or 8 bytes, either byte order; in text, a digit run) overwritten with
/// a boundary value.
fn mutate(input: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut m = input.to_vec();
    match rng.below(4) {
        0 => {
            for _ in 0..1 + rng.below(8) {
                let i = rng.below(m.len());
                m[i] ^= 1 << rng.below(8);
            }
        }
        1 => m.truncate(rng.below(m.len())),
        2 => {
            let a = rng.below(m.len());
            let b = (a + 1 + rng.below(256)).min(m.len());
            let slice = m[a..b].to_vec();
            let at = rng.below(m.len());
            for _ in 0..1 + rng.below(4) {
                m.splice(at..at, slice.iter().copied());
            }
        }
        _ => {
            let v = LENGTHS[rng.below(LENGTHS.len())];
            let digits = m.iter().filter(|b| b.is_ascii_digit()).count();
            if digits > 0 && m.iter().take(512).all(|b| b.is_ascii()) && rng.below(2) == 0 {
                // Text: replace the n-th digit run by a boundary number.
                let mut nth = rng.below(digits);
                let start = m
                    .iter()
                    .position(|b| {
                        let hit = b.is_ascii_digit() && nth == 0;
                        if b.is_ascii_digit() {
                            nth = nth.saturating_sub(1);
                        }
                        hit
                    })
                    .unwrap_or(0);
                let end = m[start..]
                    .iter()
                    .position(|b| !b.is_ascii_digit())
                    .map_or(m.len(), |e| start + e);
                let text = if rng.below(2) == 0 {
                    v.to_string()
                } else {
                    format!("-{v}")
                };
                m.splice(start..end, text.into_bytes());
            } else {
                let width = [1, 2, 4, 8][rng.below(4)];
                let bytes = if rng.below(2) == 0 {
                    v.to_be_bytes()
                } else {
                    v.to_le_bytes()
                };
                let bytes = if rng.below(2) == 0 {
                    &bytes[8 - width..]
                } else {
                    &bytes[..width]
                };
                let at = rng.below(m.len().saturating_sub(width) + 1);
                for (k, b) in bytes.iter().enumerate() {
                    if let Some(slot) = m.get_mut(at + k) {
                        *slot = *b;
                    }
                }
            }
        }
    }
    m
}

fn options() -> ScanOptions {
    ScanOptions {
        inputs: vec![],
        as_of: engine::parse_date("2026-11-28").unwrap(),
        p12_passwords: vec![],
        jobs: 1,
        discover: Default::default(),
        no_suppressions: false,
        previous_scan: None,
    }
}

/// The same stack as the scan's worker threads.
fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .stack_size(8 * 1024 * 1024)
        .build()
        .unwrap()
}

struct Outcome {
    recognised: usize,
    with_facts: usize,
    notified: usize,
    slowest: Duration,
}

/// Scans `MUTANTS` mutants of the fixtures (each named `name`), asserting the contract.
/// `may_be_empty`: a valid document of this kind may hold nothing to check (Rust source
/// reduced to comments), so a mutant without facts or notification is not a failure.
fn mutate_and_scan(
    kind: &str,
    seed: u64,
    fixtures: &[(&str, Vec<u8>)],
    may_be_empty: bool,
) -> Outcome {
    let opts = options();
    let pool = pool();
    let mut rng = Rng(seed);
    let mut out = Outcome {
        recognised: 0,
        with_facts: 0,
        notified: 0,
        slowest: Duration::ZERO,
    };
    for n in 0..MUTANTS {
        let (name, original) = &fixtures[n % fixtures.len()];
        let mutant = mutate(original, &mut rng);
        let started = Instant::now();
        let x = pool.install(|| engine::extract_bytes(name, &mutant, &opts));
        let took = started.elapsed();
        out.slowest = out.slowest.max(took);
        let keep = || {
            let p = std::env::temp_dir().join(format!("vigie-mutant-{kind}-{n}"));
            std::fs::File::create(&p)
                .and_then(|mut f| f.write_all(&mutant))
                .unwrap();
            p.display().to_string()
        };
        assert!(
            took < SLOWEST,
            "{kind} mutant {n} of {name} took {took:?} (kept as {})",
            keep()
        );
        let Some(x) = x else { continue };
        out.recognised += 1;
        let panics: Vec<_> = x
            .notifications
            .iter()
            .filter(|n| n.code == "extractor-panic")
            .collect();
        assert!(
            panics.is_empty(),
            "{kind} mutant {n} of {name} crashed an extractor: {panics:?} (kept as {})",
            keep()
        );
        if !x.facts.is_empty() {
            out.with_facts += 1;
        }
        if !x.notifications.is_empty() {
            out.notified += 1;
        }
        assert!(
            may_be_empty
                || !x.facts.is_empty()
                || !x.notifications.is_empty()
                || x.artifacts.len() > 1,
            "{kind} mutant {n} of {name} was recognised but gave neither facts nor a notification (kept as {})",
            keep()
        );
    }
    eprintln!(
        "{kind}: {MUTANTS} mutants, {} recognised, {} with facts, {} with notifications, slowest {:?}",
        out.recognised, out.with_facts, out.notified, out.slowest
    );
    assert!(
        out.recognised > MUTANTS / 2,
        "{kind}: most mutants should still be recognised"
    );
    out
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn fixture(rel: &str) -> (&'static str, Vec<u8>) {
    let name: &'static str =
        Box::leak(rel.rsplit('/').next().unwrap().to_string().into_boxed_str());
    (name, read(rel))
}

#[test]
fn mutated_certificates() {
    mutate_and_scan(
        "certificate",
        1,
        &[
            fixture("fixtures/demo-territory/certificates/cameras/cam-parvis-mairie.pem"),
            fixture("fixtures/demo-territory/certificates/gateway/fullchain.pem"),
            fixture(
                "rules/certificate/CERT-006-weak-signature-hash/fail/sha1-self-signed-leaf.der",
            ),
            fixture("rules/certificate/CERT-007-deprecated-key-algorithm/fail/dsa-leaf.der"),
        ],
        false,
    );
}

#[test]
fn mutated_keys() {
    mutate_and_scan(
        "key",
        2,
        &[
            fixture("fixtures/demo-territory/certificates/gateway/lorawan-gw.key"),
            fixture("fixtures/demo-territory/certificates/mqtt-broker/broker.key"),
        ],
        false,
    );
}

#[test]
fn mutated_pkcs12_and_pkcs7() {
    let p7b: Vec<_> = walk("rules/certificate", "p7b");
    let mut fixtures = vec![fixture(
        "fixtures/demo-territory/certificates/parking/horodateur-12.p12",
    )];
    fixtures.extend(p7b.iter().take(1).map(|p| fixture(p)));
    mutate_and_scan("pkcs12", 3, &fixtures, false);
}

#[test]
fn mutated_nmap_xml() {
    mutate_and_scan(
        "nmap",
        4,
        &[
            fixture("rules/service/NET-005-mqtt-anonymous-access/fail/mqtt-anon.xml"),
            fixture("rules/service/NET-014-coap-without-dtls/fail/coap.xml"),
            fixture("fixtures/nmap/loopback-real.xml"),
        ],
        false,
    );
}

#[test]
fn mutated_declarations() {
    mutate_and_scan(
        "declaration",
        5,
        &[
            fixture("fixtures/demo-territory/declarations/stationnement-capteurs.yaml"),
            fixture("fixtures/demo-territory/declarations/camera-augmentee-parvis.yaml"),
        ],
        false,
    );
}

#[test]
fn mutated_elf_binaries() {
    mutate_and_scan(
        "elf",
        6,
        &[
            fixture("rules/firmware/FW-014-network-binary-unsafe-calls/fail/daemon-strcpy"),
            fixture("rules/firmware/FW-011-executable-not-pie/fail/daemon-no-pie"),
        ],
        false,
    );
}

#[test]
fn mutated_images() {
    let tgz = read("rules/firmware/FW-005-private-key-in-image/fail/gateway.tar.gz");
    let mut tar = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&tgz[..]), &mut tar).unwrap();
    let cpio = newc_from_tar(&tar);
    let mut cpio_gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    cpio_gz.write_all(&cpio).unwrap();
    mutate_and_scan(
        "image",
        7,
        &[
            fixture("fixtures/demo-territory/firmware/lumiere-ctrl-v2.3.squashfs"),
            ("gateway.tar.gz", tgz),
            ("gateway.tar", tar),
            ("rootfs.cpio", cpio),
            ("rootfs.cpio.gz", cpio_gz.finish().unwrap()),
        ],
        false,
    );
}

#[test]
fn mutated_rust_source() {
    mutate_and_scan(
        "source",
        8,
        &[
            fixture("fixtures/demo-territory/src/passerelle-lora/src/main.rs"),
            fixture("fixtures/demo-territory/src/passerelle-lora/src/events.rs"),
            fixture("fixtures/demo-territory/src/passerelle-lora/Cargo.toml"),
        ],
        true,
    );
}

/// Rule files are loaded, not scanned: every mutant is a rule or an error with a
/// position.
#[test]
fn mutated_rule_yaml() {
    let files = [
        "rules/certificate/CERT-001-rsa-key-too-small.yaml",
        "rules/declaration/GDPR-010-video-retention-above-30-days.yaml",
    ];
    let texts: Vec<String> = files
        .iter()
        .map(|f| String::from_utf8(read(f)).unwrap())
        .collect();
    let mut rng = Rng(9);
    let (mut ok, mut errors, mut slowest) = (0, 0, Duration::ZERO);
    for n in 0..MUTANTS {
        let i = n % files.len();
        let mutant = mutate(texts[i].as_bytes(), &mut rng);
        let text = String::from_utf8_lossy(&mutant);
        let stem = files[i]
            .rsplit('/')
            .next()
            .unwrap()
            .trim_end_matches(".yaml");
        let started = Instant::now();
        let r =
            std::panic::catch_unwind(|| vigie::rules::load::parse_rule(files[i], stem, &text, 0));
        let took = started.elapsed();
        slowest = slowest.max(took);
        assert!(took < SLOWEST, "rule mutant {n} took {took:?}:\n{text}");
        match r {
            Ok(Ok(_)) => ok += 1,
            Ok(Err(errs)) => {
                assert!(!errs.is_empty(), "rule mutant {n}: an empty error list");
                assert!(
                    errs.iter().all(|e| !e.render().is_empty()),
                    "rule mutant {n}: an error without text"
                );
                errors += 1;
            }
            Err(_) => panic!("rule mutant {n} crashed the loader:\n{text}"),
        }
    }
    eprintln!("rule: {MUTANTS} mutants, {ok} loaded, {errors} refused, slowest {slowest:?}");
    assert!(errors > 0 && ok > 0);
}

fn walk(dir: &str, ext: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root().join(dir)];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push(p.strip_prefix(root()).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// The files of a tar archive as a newc cpio archive.
fn newc_from_tar(tar: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ar = tar::Archive::new(tar);
    for (ino, e) in ar.entries().unwrap().enumerate() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().display().to_string();
        let mode = e.header().mode().unwrap()
            | if e.header().entry_type().is_dir() {
                0o040000
            } else {
                0o100000
            };
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        newc_entry(&mut out, &name, mode, ino as u32 + 1, &data);
    }
    newc_entry(&mut out, "TRAILER!!!", 0, 0, &[]);
    out
}

/// One newc entry; `out` starts 4-byte aligned, as every entry does.
fn newc_entry(out: &mut Vec<u8>, name: &str, mode: u32, ino: u32, data: &[u8]) {
    out.extend_from_slice(b"070701");
    let fields = [ino, mode, 0, 0, 1, 0, data.len() as u32, 0, 0, 0, 0];
    for f in fields {
        out.extend_from_slice(format!("{f:08X}").as_bytes());
    }
    out.extend_from_slice(format!("{:08X}{:08X}", name.len() + 1, 0).as_bytes());
    out.extend_from_slice(name.as_bytes());
    out.push(0);
    out.resize(out.len().next_multiple_of(4), 0);
    out.extend_from_slice(data);
    out.resize(out.len().next_multiple_of(4), 0);
}

/// Files that crashed or hung a fuzz target (`scripts/fuzz`), kept once fixed: each is
/// scanned like a file, without a panic and well within the time limit. (Inputs that
/// discovery does not recognise have unit tests beside their parser instead.)
#[test]
fn fuzz_regressions() {
    let dir = root().join("scanner/tests/fuzz-regressions");
    let opts = options();
    let pool = pool();
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        let bytes = std::fs::read(&p).unwrap();
        let started = Instant::now();
        let x = pool.install(|| engine::extract_bytes(&name, &bytes, &opts));
        let took = started.elapsed();
        assert!(took < SLOWEST, "{name}: {took:?}");
        let x = x.unwrap_or_else(|| panic!("{name} is not recognised"));
        assert!(
            !x.notifications.iter().any(|n| n.code == "extractor-panic"),
            "{name}: {:?}",
            x.notifications
        );
        seen += 1;
    }
    assert!(seen >= 1);
}
