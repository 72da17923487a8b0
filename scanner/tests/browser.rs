//! The HTML report in a real browser: headless Chromium (Debian `chromium`) driven by
//! `tests/browser/check.mjs` (playwright-core + axe-core, installed by `.ci/run` with
//! `npm ci`). Zero axe-core violations; a 100,000-finding report loads in under 5 s and
//! weighs under 30 MB; the page never tries to reach the network.
//! See: issue 7 ("Reports for people").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::root;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use vigie_reports::*;

/// The browser tooling, or `None` (locally) when it is not installed. On CI it must be.
fn tooling() -> Option<PathBuf> {
    let dir = root().join("tests/browser");
    let ok = dir.join("node_modules/playwright-core").is_dir()
        && dir.join("node_modules/axe-core").is_dir()
        && Path::new("/usr/bin/chromium").exists();
    if !ok {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium and run `npm ci` in tests/browser (see .ci/run)"
        );
        eprintln!("skipped: chromium or tests/browser/node_modules missing");
        return None;
    }
    Some(dir)
}

#[derive(Debug)]
struct PageCheck {
    load_ms: u64,
    violations: Vec<serde_json::Value>,
    requests: Vec<serde_json::Value>,
    errors: Vec<serde_json::Value>,
}

fn check(dir: &Path, files: &[&Path], axe: bool) -> Vec<PageCheck> {
    let mut cmd = Command::new("node");
    cmd.arg("check.mjs").current_dir(dir);
    if !axe {
        cmd.arg("--no-axe");
    }
    cmd.args(files);
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "check.mjs failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            PageCheck {
                load_ms: v["loadMs"].as_u64().unwrap(),
                violations: v["violations"].as_array().unwrap().clone(),
                requests: v["requests"].as_array().unwrap().clone(),
                errors: v["errors"].as_array().unwrap().clone(),
            }
        })
        .collect()
}

fn t(s: &str) -> Text {
    Text {
        en: s.into(),
        fr: format!("{s} (fr)"),
    }
}

/// A large synthetic report: `n` findings over 40 rules in every area, with
/// suppressions, baseline states and a notification, so every section is present.
fn big_report(n: usize) -> Report {
    // Every target a rule may name, so every area of the report is filled.
    let targets = vigie::facts::Target::KNOWN;
    let rules: Vec<RuleMeta> = (0..40)
        .map(|i| RuleMeta {
            id: if i % 13 == 5 {
                format!("ETH-{i:03}")
            } else {
                format!("GEN-{i:03}")
            },
            name: format!("generated-rule-{i}"),
            target: targets[i % targets.len()].into(),
            severity: Severity::ALL[i % 5],
            status: "stable".into(),
            title: t(&format!("Generated rule number {i}")),
            what: Text::default(),
            why: t("Because an attacker could use it against the residents."),
            fix: t("Ask the integrator to change the configuration."),
            references: vec![
                Reference {
                    id: Some("GDPR-Art.32".into()),
                    cwe: None,
                    url: Some("https://eur-lex.europa.eu/eli/reg/2016/679/oj".into()),
                },
                Reference {
                    id: None,
                    cwe: Some(798),
                    url: None,
                },
            ],
            profiles: vec![],
            pack: 0,
        })
        .collect();
    // Skewed: rule k gets about n / 2^(k+1) findings, so some groups are huge.
    let findings = (0..n)
        .map(|i| {
            let rule = (i.trailing_ones() as usize).min(39);
            Finding {
                rule_id: rules[rule].id.clone(),
                rule_index: rule,
                severity: rules[rule].severity,
                message: t(&format!("setting `password_auth` is enabled in unit {i}")),
                location: Location {
                    uri: format!(
                        "firmware/site-{:03}/rootfs.squashfs!/etc/app/conf-{i}.ini",
                        i % 500
                    ),
                    artifact: None,
                    region: Some(Region::Text {
                        start_line: (i % 900 + 1) as u32,
                        start_column: Some(1),
                        end_line: None,
                    }),
                    logical: None,
                },
                related: vec![],
                fingerprint: format!("{i:032x}"),
                suppression: (i % 997 == 0).then(|| {
                    Box::new(Suppression {
                        reason: "accepted until the replacement of the devices".into(),
                        owner: Some("dpo@example.fr".into()),
                        expires: Some("2027-06-30".into()),
                        source: None,
                    })
                }),
                baseline_state: Some(match i % 50 {
                    0 => BaselineState::New,
                    1 => BaselineState::Updated,
                    2 => BaselineState::Absent,
                    _ => BaselineState::Unchanged,
                }),
            }
        })
        .collect();
    Report {
        deployment: "Métropole de test".into(),
        tool: ToolInfo {
            name: "vigie".into(),
            version: "0.1.0".into(),
            information_uri: String::new(),
        },
        packs: vec![PackInfo {
            name: "vigie-core".into(),
            version: "0.1.0".into(),
            publisher: "Vigie".into(),
            sha256: None,
            unsigned: false,
        }],
        rules,
        artifacts: vec![],
        findings,
        notifications: vec![Notification {
            level: NotificationLevel::Error,
            code: "truncated-image".into(),
            message: "squashfs image is truncated".into(),
            location: Some(Location {
                uri: "firmware/broken.squashfs".into(),
                ..Location::default()
            }),
            rule_id: None,
        }],
        invocation: Invocation {
            as_of: "2026-11-28".into(),
            successful: false,
            ..Invocation::default()
        },
    }
}

#[test]
fn demo_report_is_accessible_in_both_languages() {
    let Some(tools) = tooling() else { return };
    let dir = tempfile::tempdir().unwrap();
    let fr = dir.path().join("demo-fr.html");
    let en = dir.path().join("demo-en.html");
    let mid = dir.path().join("mid.html");
    let out = common::vigie(&[
        "scan",
        "fixtures/demo-territory",
        "--html",
        fr.to_str().unwrap(),
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let out = common::vigie(&[
        "scan",
        "fixtures/demo-territory",
        "--html",
        en.to_str().unwrap(),
        "--lang",
        "en",
        "-q",
    ]);
    assert_eq!(out.status.code(), Some(1));
    // Every section (accepted risks, fixed, unreadable files, filters, long lists).
    let page = html::render(&big_report(3000), html::HtmlOptions { lang: Lang::Fr }).unwrap();
    std::fs::write(&mid, page).unwrap();
    for (file, c) in [&fr, &en, &mid]
        .iter()
        .zip(check(&tools, &[&fr, &en, &mid], true))
    {
        assert!(
            c.violations.is_empty(),
            "{}: axe-core violations: {:#?}",
            file.display(),
            c.violations
        );
        assert!(
            c.requests.is_empty(),
            "{}: network requests: {:?}",
            file.display(),
            c.requests
        );
        assert!(
            c.errors.is_empty(),
            "{}: script errors: {:?}",
            file.display(),
            c.errors
        );
    }
}

#[test]
fn hundred_thousand_findings_open_fast_and_stay_small() {
    let Some(tools) = tooling() else { return };
    let report = big_report(100_000);
    let started = Instant::now();
    let page = html::render(&report, html::HtmlOptions { lang: Lang::Fr }).unwrap();
    let render = started.elapsed();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.html");
    std::fs::write(&file, &page).unwrap();
    let c = check(&tools, &[&file], false).remove(0);
    eprintln!(
        "100,000 findings: HTML {:.1} MB, rendered in {:.2} s, loaded in Chromium in {} ms",
        page.len() as f64 / 1e6,
        render.as_secs_f64(),
        c.load_ms
    );
    assert!(page.len() < 30_000_000, "{} bytes", page.len());
    assert!(c.load_ms < 5_000, "{} ms", c.load_ms);
    assert!(c.requests.is_empty() && c.errors.is_empty(), "{c:?}");
}
