//! nmap scan benchmarks (criterion, `cargo bench -p vigie --bench services`).
//!
//! - `nmap/extract-loopback`: [`service::extract`] on the real scan of
//!   `fixtures/nmap/loopback-real.xml` (hosts, services, NSE output, served certificates).
//! - `nmap/*-4096-hosts`: a 4,096-host synthetic scan, `bench-out/nmap-4096.xml`, made by
//!   `scripts/gen-large-nmap.py` from that real scan (generated on first use; the group
//!   is skipped, with a message, when it cannot be): facts only, the whole
//!   [`engine::scan`] with every rule, and the JSON report of that scan.
//!
//! `scripts/bench-nmap.sh` measures the CLI end to end on a 495 MB scan and its 4x, with
//! peak memory; these benches track the library's parts between commits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;
use vigie::config::Config;
use vigie::engine::{self, ScanOptions};
use vigie::rules::load::RuleSet;
use vigie::targets::service::{self, ServiceContext};

/// "Today" of every benchmark, as in scripts/bench-nmap.sh.
const AS_OF: &str = "2026-11-28";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bench_extract(c: &mut Criterion) {
    let bytes = std::fs::read(root().join("fixtures/nmap/loopback-real.xml")).unwrap();
    let ctx = ServiceContext::default();
    let mut g = c.benchmark_group("nmap");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("extract-loopback", |b| {
        b.iter(|| service::extract(black_box(&bytes), "loopback-real.xml", &ctx))
    });
    g.finish();
}

/// bench-out/nmap-4096.xml, generated when missing. None when that is impossible.
fn scan_4096() -> Option<PathBuf> {
    let path = root().join("bench-out").join("nmap-4096.xml");
    if path.is_file() {
        return Some(path);
    }
    println!(
        "nmap: generating {} with scripts/gen-large-nmap.py",
        path.display()
    );
    std::fs::create_dir_all(root().join("bench-out")).ok()?;
    let status = std::process::Command::new("python3")
        .arg(root().join("scripts").join("gen-large-nmap.py"))
        .arg(&path)
        .arg("4096")
        .status();
    match status {
        Ok(s) if s.success() && path.is_file() => Some(path),
        Ok(s) => {
            println!("nmap: skipped, the scan generator failed ({s})");
            None
        }
        Err(e) => {
            println!("nmap: skipped, python3 is not available ({e})");
            None
        }
    }
}

fn bench_scan(c: &mut Criterion) {
    let Some(path) = scan_4096() else { return };
    let size = std::fs::metadata(&path).unwrap().len();
    let rules = RuleSet::load(false, &[]).map_err(|e| e.len()).unwrap();
    let config = Config::default();
    let opts = ScanOptions {
        inputs: vec![path],
        as_of: engine::parse_date(AS_OF).unwrap(),
        p12_passwords: Vec::new(),
        jobs: 0,
        discover: Default::default(),
        no_suppressions: false,
        previous_scan: None,
    };
    let report = engine::scan(&opts, &rules, &config);
    println!(
        "nmap: {} MB, {} findings, {} rules",
        size / 1_000_000,
        report.findings.len(),
        report.rules.len()
    );
    let mut g = c.benchmark_group("nmap");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Bytes(size));
    g.bench_function("facts-4096-hosts", |b| {
        b.iter(|| engine::extract(black_box(&opts)))
    });
    g.bench_function("scan-4096-hosts", |b| {
        b.iter(|| engine::scan(black_box(&opts), &rules, &config))
    });
    // The JSON report is counted in findings written.
    g.throughput(Throughput::Elements(report.findings.len() as u64));
    g.bench_function("json-4096-hosts", |b| {
        b.iter(|| vigie_reports::json::write(black_box(&report), &mut std::io::sink()).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench_extract, bench_scan);
criterion_main!(benches);
