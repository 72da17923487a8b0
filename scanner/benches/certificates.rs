//! Certificate benchmarks (criterion, `cargo bench -p vigie --bench certificates`).
//!
//! - `extract/typical-pem`: [`certificate::extract`] on one typical PEM leaf (RSA-2048,
//!   seven DNS SANs, EKU, CRL distribution point, AIA, certificate policy).
//! - `conditions/*`: the embedded rules (`rules/`) on that certificate's fact: building
//!   the CEL context, then evaluating every certificate condition on it.
//! - `scan/*`: the whole [`engine::scan`] and its phases over
//!   `bench-out/corpus-1000`, a 1,000-certificate corpus made by
//!   `scripts/gen-cert-corpus.py` (generated on first use; the group is skipped, with a
//!   message, when it cannot be).
//!
//! `scripts/bench` measures the CLI end to end against pkilint; these benches track the
//! library's parts between commits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use vigie::artifact::{Artifact, ArtifactKind, VirtualPath};
use vigie::config::Config;
use vigie::engine;
use vigie::facts::Target;
use vigie::rules::condition::Scope;
use vigie::rules::load::RuleSet;
use vigie::targets::certificate::{self, CertOptions};

mod common;
use common::AS_OF;

/// A typical leaf of the generated corpus (`site-05/device-03985.pem`, seed 20261128).
const TYPICAL_PEM: &str = "\
-----BEGIN CERTIFICATE-----
MIIFSzCCBDOgAwIBAgIQD0zW1UV2tsOf7j77xQiYJTANBgkqhkiG9w0BAQsFADBH
MQswCQYDVQQGEwJGUjEYMBYGA1UECgwPVmlnaWUgQmVuY2ggUEtJMR4wHAYDVQQD
DBVWaWdpZSBCZW5jaCBXZWIgQ0EgUjIwHhcNMjUwMzIyMTQxNTQ1WhcNMjgwMzIx
MTQxNTQ1WjBlMQswCQYDVQQGEwJGUjEWMBQGA1UECgwNVmlsbGUgZGUgTWV0ejEQ
MA4GA1UECwwHRW5lcmdpZTEsMCoGA1UEAwwjc2NhZGEtMDM5ODUubWV0ei50ZXJy
aXRvaXJlLmV4YW1wbGUwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQC7
ZN0v59gd3nD0/GIU7A5f0V3ApQMBp5TdI3l/c8I4tqIpq+VNnIOr7VOKhB/kROmf
leuyLm5DZooM3AZlBs8wpNbr1SVeCB7qD5LrxVo8ud81Y3HhzLrCmBgCKxJUE9SU
+EHzoF9BrlV1jjptuWuN9vqIPmbrpAZwrR8KDHCbrBm/SlVKwkekW77H59/CF36M
aL46wOlmN0EmnnRBM69QPzgFoYwx7V6uulKK3SzxitV5AkLvoetDtmM2p6enrMux
tOEbY81aKw+67Av0NfsbQvw77FTFaIJpUSJ3RqwQmyjNbDbGNEYUYB0WHZG4guX5
yY+5q1OMMT5ugGzt+vXVAgMBAAGjggITMIICDzAMBgNVHRMBAf8EAjAAMA4GA1Ud
DwEB/wQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDATCB8QYDVR0RBIHpMIHmgiNz
Y2FkYS0wMzk4NS5tZXR6LnRlcnJpdG9pcmUuZXhhbXBsZYIdYXBpMjcubWV0ei50
ZXJyaXRvaXJlLmV4YW1wbGWCHm1ldGVyNC5tZXR6LnRlcnJpdG9pcmUuZXhhbXBs
ZYIecGFyazMwLm1ldHoudGVycml0b2lyZS5leGFtcGxlgh5zY2FkYTEubWV0ei50
ZXJyaXRvaXJlLmV4YW1wbGWCIHNlbnNvcjEyLm1ldHoudGVycml0b2lyZS5leGFt
cGxlgh5tZXRlcjUubWV0ei50ZXJyaXRvaXJlLmV4YW1wbGUwHwYDVR0jBBgwFoAU
YfMoDKBhUSaWa3t8TnrjGhg5xJEwOwYDVR0fBDQwMjAwoC6gLIYqaHR0cDovL2Ny
bC52aWdpZS1iZW5jaC5leGFtcGxlL2ludC13ZWIuY3JsMHMGCCsGAQUFBwEBBGcw
ZTArBggrBgEFBQcwAYYfaHR0cDovL29jc3AudmlnaWUtYmVuY2guZXhhbXBsZTA2
BggrBgEFBQcwAoYqaHR0cDovL3BraS52aWdpZS1iZW5jaC5leGFtcGxlL2ludC13
ZWIuZGVyMBMGA1UdIAQMMAowCAYGZ4EMAQIBMA0GCSqGSIb3DQEBCwUAA4IBAQCM
Ac7vOs6oJtIYVOGqPRuByBZMnv8NZhoSkos64PeIDxuGoLNhoV394gm7fiCjrEZp
mV4bRowfq9Gmu61+F5X2GupL4g146db4eKEh3gbxFW2nc/7JKZunkorcYhirk0WO
xklAJmXrbeFVL+AKKK3eEejn684a+EZth2qBVLLld0K+rSKjXbVom5OAT0x+PVjb
FfipXdl93hC47OwT+d47aAV3A7WtdEnNzaoN08wYlnm3kjkB59SsX8gilVpi6yc+
rqXUFn0N9FFagexpq3QIBfpBkqkWhfYEx4v7OoyGvqGk6gKGwQxk0j9ewTf9cjeY
klZwwqwnoViXm3E+bFVr
-----END CERTIFICATE-----
";

fn cert_options() -> CertOptions {
    let day = engine::parse_date(AS_OF).unwrap();
    CertOptions {
        now: day.midnight().assume_utc().unix_timestamp() + 86_399,
        p12_passwords: Vec::new(),
    }
}

fn typical_artifact() -> Artifact {
    Artifact {
        path: VirtualPath::file("site-05/device-03985.pem"),
        bytes: Arc::from(TYPICAL_PEM.as_bytes()),
        kind: ArtifactKind::Pem,
    }
}

fn bench_extract(c: &mut Criterion) {
    let artifact = typical_artifact();
    let opts = cert_options();
    let x = certificate::extract(&artifact, &opts);
    assert_eq!(x.facts.len(), 1, "the typical PEM must give one fact");
    c.bench_function("extract/typical-pem", |b| {
        b.iter(|| certificate::extract(black_box(&artifact), black_box(&opts)))
    });
}

fn bench_conditions(c: &mut Criterion) {
    let rules = RuleSet::load(false, &[]).map_err(|e| e.len()).unwrap();
    let cert_rules: Vec<_> = rules
        .rules
        .iter()
        .filter(|r| r.target == Some(Target::Certificate))
        .collect();
    println!(
        "conditions: {} embedded certificate rules",
        cert_rules.len()
    );
    let fact = certificate::extract(&typical_artifact(), &cert_options())
        .facts
        .remove(0);
    let value = fact.to_value();
    let ctx = Scope::from_json(&value);

    let mut g = c.benchmark_group("conditions");
    g.bench_function("fact-to-json", |b| b.iter(|| black_box(&fact).to_value()));
    g.bench_function("scope", |b| b.iter(|| Scope::from_json(black_box(&value))));
    g.bench_function("eval-all", |b| {
        b.iter(|| {
            let mut hits = 0u32;
            for r in &cert_rules {
                if let Ok(true) = r.condition.eval_bool(black_box(&ctx)) {
                    hits += 1;
                }
            }
            hits
        })
    });
    // Per certificate: JSON, scope, every condition.
    g.bench_function("fact-end-to-end", |b| {
        b.iter(|| {
            let ctx = Scope::from_json(&black_box(&fact).to_value());
            cert_rules
                .iter()
                .filter(|r| matches!(r.condition.eval_bool(&ctx), Ok(true)))
                .count()
        })
    });
    g.finish();
}

/// bench-out/corpus-1000, generated when missing. None when that is impossible.
fn corpus_1000() -> Option<PathBuf> {
    let dir = common::root().join("bench-out").join("corpus-1000");
    let args = [
        dir.as_os_str(),
        "--count".as_ref(),
        "1000".as_ref(),
        "--force".as_ref(),
    ];
    common::generated(
        "scan",
        &dir.join("MANIFEST.json"),
        "gen-cert-corpus.py",
        &args,
    )?;
    Some(dir)
}

fn bench_scan(c: &mut Criterion) {
    let Some(dir) = corpus_1000() else { return };
    let rules = RuleSet::load(false, &[]).map_err(|e| e.len()).unwrap();
    let config = Config::default();
    let opts = common::scan_options(dir);
    let report = engine::scan(&opts, &rules, &config);
    println!(
        "scan: {} artifacts, {} findings, {} rules",
        report.artifacts.len(),
        report.findings.len(),
        report.rules.len()
    );
    let extraction = engine::extract(&opts);
    let active = engine::active_rules(&rules, &config);

    let mut g = c.benchmark_group("scan");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("corpus-1000/engine-scan", |b| {
        b.iter(|| engine::scan(black_box(&opts), &rules, &config))
    });
    g.bench_function("corpus-1000/engine-scan+sarif", |b| {
        b.iter(|| vigie_reports::sarif::render(&engine::scan(black_box(&opts), &rules, &config)))
    });
    // Phases, to see where a regression comes from.
    g.bench_function("corpus-1000/extract", |b| {
        b.iter(|| engine::extract(black_box(&opts)))
    });
    g.bench_function("corpus-1000/correlate", |b| {
        b.iter_batched(
            || extraction.facts.clone(),
            |mut facts| certificate::correlate(&mut facts),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("corpus-1000/evaluate", |b| {
        b.iter(|| engine::evaluate(&active, black_box(&extraction.facts), 0))
    });
    g.bench_function("corpus-1000/sarif-render", |b| {
        b.iter(|| vigie_reports::sarif::render(black_box(&report)))
    });
    g.finish();
}

criterion_group!(benches, bench_extract, bench_conditions, bench_scan);
criterion_main!(benches);
