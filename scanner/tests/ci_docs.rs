//! docs/ci.md is exercised: every `vigie …` command of its code blocks runs, in order,
//! on a copy of the demo territory, and produces what the pipelines upload.
//! See: issue 7 ("Reports for people").
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_valid_sarif, root};
use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) {
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

/// `vigie` command lines inside fenced code blocks (`run: vigie …`, `- vigie …`).
fn commands(doc: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            continue;
        }
        let l = line.trim();
        let l = l.strip_prefix("- ").unwrap_or(l);
        let l = l.strip_prefix("run: ").unwrap_or(l);
        if l.starts_with("vigie ") {
            out.push(l.to_string());
        }
    }
    out
}

#[test]
fn ci_doc_commands_run_locally() {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    for needle in [
        "github/codeql-action/upload-sarif",
        "GITHUB_STEP_SUMMARY",
        "actions/upload-artifact",
        "expose_as",
    ] {
        assert!(doc.contains(needle), "docs/ci.md lost `{needle}`");
    }
    let cmds = commands(&doc);
    assert!(cmds.len() >= 5, "{cmds:?}");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    copy_dir(&root().join("fixtures/demo-territory"), d);
    let bin = Path::new(env!("CARGO_BIN_EXE_vigie")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for cmd in &cmds {
        let out = Command::new("sh")
            .arg("-c")
            .arg(cmd)
            .current_dir(d)
            .env("PATH", &path)
            .output()
            .unwrap();
        // 1 is "findings at or above --fail-on": the demo has some, which is the point.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "`{cmd}` exited with {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for f in [
        "vigie-baseline.sarif",
        "vigie.sarif",
        "vigie.md",
        "vigie.html",
        "rapport.html",
        "report-en.html",
        "summary.md",
    ] {
        assert!(d.join(f).is_file(), "{f} was not written");
    }
    let sarif = std::fs::read_to_string(d.join("vigie.sarif")).unwrap();
    let doc = assert_valid_sarif(&sarif);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(results.iter().all(|r| r["baselineState"] == "unchanged"));
    let md = std::fs::read_to_string(d.join("vigie.md")).unwrap();
    assert!(md.contains("Aucun nouveau problème"), "{md}");
}
