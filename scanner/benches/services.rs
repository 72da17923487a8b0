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
use std::path::PathBuf;
use std::time::Duration;
use vigie::config::Config;
use vigie::engine;
use vigie::rules::load::RuleSet;
use vigie::targets::service::{self, ServiceContext};

mod common;
use common::root;

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
    common::generated(
        "nmap",
        &path,
        "gen-large-nmap.py",
        &[path.as_os_str(), "4096".as_ref()],
    )?;
    Some(path)
}

fn bench_scan(c: &mut Criterion) {
    let Some(path) = scan_4096() else { return };
    let size = std::fs::metadata(&path).unwrap().len();
    let rules = RuleSet::load(false, &[]).map_err(|e| e.len()).unwrap();
    let config = Config::default();
    let opts = common::scan_options(path);
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
