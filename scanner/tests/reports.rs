//! People's outputs end to end: `vigie report` from SARIF, baselines, PDF.
//! See: issue 7 ("Reports for people").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_valid_sarif, root};
use std::path::Path;
use std::process::{Command, Output};

fn vigie_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

fn demo_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("fixtures/demo-territory"), dir.path());
    dir
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A CI artifact (SARIF) becomes the same DPO deliverable later.
#[test]
fn report_from_sarif_is_the_scan_report() {
    let dir = demo_copy();
    let d = dir.path();
    let out = vigie_in(
        d,
        &[
            "scan",
            ".",
            "--sarif",
            "scan.sarif",
            "--html",
            "direct.html",
            "--markdown",
            "direct.md",
            "-q",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = vigie_in(
        d,
        &[
            "report",
            "scan.sarif",
            "--html",
            "later.html",
            "--markdown",
            "later.md",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(read(&d.join("direct.html")), read(&d.join("later.html")));
    let md = read(&d.join("later.md"));
    assert!(md.contains("Commune de Belvézet"), "{md}");
    assert!(md.contains("| Élevée | 7 |"), "{md}");
    let html = read(&d.join("later.html"));
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(html.contains("Risques acceptés") && html.contains("dpo@belvezet.fr"));

    let out = vigie_in(
        d,
        &["report", "scan.sarif", "--html", "en.html", "--lang", "en"],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(read(&d.join("en.html")).contains("Fixes are needed: 7 serious problems"));

    let out = vigie_in(d, &["report", "missing.sarif", "--html", "x.html"]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::write(d.join("bad.sarif"), "{\"runs\": 3}").unwrap();
    let out = vigie_in(d, &["report", "bad.sarif", "--html", "x.html"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a SARIF 2.1.0 log"));
}

fn states(sarif: &str) -> Vec<String> {
    let doc = assert_valid_sarif(sarif);
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap_or("none").to_string())
        .collect()
}

/// Moving a certificate down its file changes its line, not its identity: with the
/// earlier scan as baseline nothing is new, and `--fail-on` (new findings only) passes.
#[test]
fn baseline_ignores_moved_lines_and_gates_on_new_findings() {
    let dir = demo_copy();
    let d = dir.path();
    let out = vigie_in(d, &["scan", ".", "--sarif", "old.sarif", "-q"]);
    assert_eq!(out.status.code(), Some(1));

    let pem = d.join("certificates/cameras/cam-parvis-mairie.pem");
    let moved = format!("# camera of the town hall square\n\n\n{}", read(&pem));
    std::fs::write(&pem, moved).unwrap();
    let out = vigie_in(
        d,
        &[
            "scan",
            ".",
            "--baseline",
            "old.sarif",
            "--format",
            "sarif",
            "--fail-on",
            "low",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let sarif = String::from_utf8(out.stdout).unwrap();
    assert!(sarif.contains("\"startLine\": 4"), "the line did move");
    let st = states(&sarif);
    assert!(!st.is_empty());
    assert!(st.iter().all(|s| s == "unchanged"), "{st:?}");

    // A new weak certificate is new; the broker's files removed are absent.
    std::fs::copy(&pem, d.join("certificates/cameras/cam-marche.pem")).unwrap();
    std::fs::remove_dir_all(d.join("certificates/mqtt-broker")).unwrap();
    let out = vigie_in(
        d,
        &[
            "scan",
            ".",
            "--baseline",
            "old.sarif",
            "--sarif",
            "new.sarif",
            "--markdown",
            "summary.md",
            "--fail-on",
            "high",
            "-q",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let st = states(&read(&d.join("new.sarif")));
    assert!(
        st.contains(&"new".to_string()) && st.contains(&"absent".to_string()),
        "{st:?}"
    );
    let md = read(&d.join("summary.md"));
    assert!(md.contains("Nouveaux depuis la référence"), "{md}");
    assert!(md.contains("cam-marche.pem"), "{md}");
}

#[test]
fn pdf_needs_a_browser_and_says_so() {
    let dir = demo_copy();
    let d = dir.path();
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["scan", ".", "--pdf", "r.pdf", "-q"])
        .current_dir(d)
        .env("PATH", "")
        .env_remove("VIGIE_CHROMIUM")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--pdf needs Chromium"), "{err}");
    assert!(err.contains("apt-get install chromium"), "{err}");
    assert!(!d.join("r.pdf").exists());

    if !Path::new("/usr/bin/chromium").exists() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium (.ci/run)"
        );
        eprintln!("skipped: /usr/bin/chromium is not installed");
        return;
    }
    let out = vigie_in(d, &["scan", ".", "--pdf", "r.pdf", "-q"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read(d.join("r.pdf")).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
}

#[test]
fn timings_and_quiet() {
    let out = common::vigie(&["scan", "fixtures/demo-territory", "--timings", "-q"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("extractors (slowest first):"), "{err}");
    assert!(err.contains("certificate/pem (6 files)"), "{err}");
    assert!(err.contains("rules (slowest first):") && err.contains("CERT-001 (7 evaluations)"));
    // Not a terminal: no progress bar even without --quiet.
    let out = common::vigie(&["scan", "fixtures/demo-territory"]);
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
