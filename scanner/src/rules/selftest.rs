//! `vigie rules test`: run every rule on its `fail/` and `pass/` fixtures.
//!
//! Each entry of `<rule-dir>/<ID>-<name>/fail/` (a file, or a directory scanned as one
//! deployment) must produce at least one finding of that rule; each entry of `pass/`
//! none. Text fixtures may carry annotations: a line containing `ruleid: ID` means the
//! next line must carry a finding of `ID`, `ok: ID` that it must not; when a file has
//! `ruleid:` annotations for the rule, its findings must land exactly on those lines.

use super::load::{LoadedRule, RuleSet};
use crate::config::Config;
use crate::engine::{self, ScanOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Instant;
use vigie_reports::Region;

/// Outcome of one rule's tests.
#[derive(Debug)]
pub struct RuleOutcome {
    /// Rule id.
    pub id: String,
    /// Number of fail fixtures run.
    pub fail_cases: usize,
    /// Number of pass fixtures run.
    pub pass_cases: usize,
    /// Problems; empty means the rule passed.
    pub problems: Vec<String>,
    /// Time taken.
    pub millis: u128,
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                // `rules new` leaves a README in each folder: it explains, it is not a case.
                .filter(|p| p.file_name().is_none_or(|n| n != "README.md"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Annotations of one text file: (expected lines, forbidden lines) for `id`.
fn annotations(path: &Path, id: &str) -> (BTreeSet<u32>, BTreeSet<u32>) {
    let mut want = BTreeSet::new();
    let mut forbid = BTreeSet::new();
    let Ok(bytes) = std::fs::read(path) else {
        return (want, forbid);
    };
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let mentions = |tag: &str| {
            line.find(tag).is_some_and(|p| {
                line[p + tag.len()..]
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .any(|w| w.eq_ignore_ascii_case(id))
            })
        };
        // The annotated line is the next one that is not itself an annotation.
        let target = (i + 1..lines.len())
            .find(|&j| !lines[j].contains("ruleid:") && !lines[j].contains("ok:"))
            .map(|j| j as u32 + 1);
        if let Some(t) = target {
            if mentions("ruleid:") {
                want.insert(t);
            }
            if mentions("ok:") {
                forbid.insert(t);
            }
        }
    }
    (want, forbid)
}

fn files_under(p: &Path) -> Vec<PathBuf> {
    if p.is_file() {
        return vec![p.to_path_buf()];
    }
    let mut v = Vec::new();
    for e in ignore::WalkBuilder::new(p)
        .standard_filters(false)
        .build()
        .flatten()
    {
        if e.file_type().is_some_and(|t| t.is_file()) {
            v.push(e.path().to_path_buf());
        }
    }
    v.sort();
    v
}

fn run_case(
    rule: &LoadedRule,
    set: &RuleSet,
    case: &Path,
    expect_findings: bool,
    base: &ScanOptions,
) -> Vec<String> {
    let mut problems = Vec::new();
    // A directory case holding `previous.xml` compares its other files with that earlier
    // nmap scan (`--previous-scan`).
    let previous = case.join("previous.xml");
    let opts = if case.is_dir() && previous.is_file() {
        ScanOptions {
            inputs: entries(case)
                .into_iter()
                .filter(|p| *p != previous)
                .collect(),
            previous_scan: Some(previous),
            ..base.clone()
        }
    } else {
        ScanOptions {
            inputs: vec![case.to_path_buf()],
            ..base.clone()
        }
    };
    let report = engine::scan(&opts, set, &Config::default());
    let display = case.display().to_string().replace('\\', "/");
    let mut lines_by_file: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    let mut count = 0usize;
    for f in report.findings.iter().filter(|f| f.rule_id == rule.meta.id) {
        count += 1;
        if let Some(Region::Text { start_line, .. }) = f.location.region {
            lines_by_file
                .entry(f.location.uri.clone())
                .or_default()
                .insert(start_line);
        }
    }
    for n in report.notifications.iter().filter(|n| {
        n.code == "rule-evaluation-error" && n.rule_id.as_deref() == Some(&rule.meta.id)
    }) {
        problems.push(format!("{display}: {}", n.message));
    }
    if expect_findings && count == 0 {
        problems.push(format!(
            "{display}: expected a finding of {}, got none",
            rule.meta.id
        ));
    }
    if !expect_findings && count > 0 {
        problems.push(format!(
            "{display}: expected no finding of {}, got {count}",
            rule.meta.id
        ));
    }
    for file in files_under(case)
        .into_iter()
        .filter(|f| f.file_name().is_none_or(|n| n != "previous.xml"))
    {
        let (want, forbid) = annotations(&file, &rule.meta.id);
        let uri = file.display().to_string().replace('\\', "/");
        let uri = uri.strip_prefix("./").unwrap_or(&uri).to_string();
        let got = lines_by_file.get(&uri).cloned().unwrap_or_default();
        if !want.is_empty() && got != want {
            problems.push(format!(
                "{uri}: findings of {} on lines {:?}, annotations expect {:?}",
                rule.meta.id, got, want
            ));
        }
        for l in forbid.intersection(&got) {
            problems.push(format!(
                "{uri}:{l}: `ok: {}` line has a finding",
                rule.meta.id
            ));
        }
    }
    problems
}

/// Tests every rule of `set` that has a fixture directory.
pub fn run(set: &RuleSet, base: &ScanOptions) -> Vec<RuleOutcome> {
    let mut out = Vec::new();
    for rule in &set.rules {
        let start = Instant::now();
        let mut o = RuleOutcome {
            id: rule.meta.id.clone(),
            fail_cases: 0,
            pass_cases: 0,
            problems: Vec::new(),
            millis: 0,
        };
        let Some(dir) = &rule.fixtures else {
            o.problems
                .push("rule has no fixture directory (embedded rule)".into());
            out.push(o);
            continue;
        };
        let fail = entries(&dir.join("fail"));
        let pass = entries(&dir.join("pass"));
        if fail.is_empty() {
            o.problems
                .push(format!("{}: no fail fixture", dir.join("fail").display()));
        }
        if pass.is_empty() {
            o.problems
                .push(format!("{}: no pass fixture", dir.join("pass").display()));
        }
        for case in &fail {
            o.fail_cases += 1;
            o.problems.extend(run_case(rule, set, case, true, base));
        }
        for case in &pass {
            o.pass_cases += 1;
            o.problems.extend(run_case(rule, set, case, false, base));
        }
        o.millis = start.elapsed().as_millis();
        out.push(o);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.pem");
        std::fs::write(
            &p,
            "# ruleid: CERT-001\n-----BEGIN CERTIFICATE-----\n# ok: CERT-002\n# ruleid: CERT-002, CERT-003\nline5\n",
        )
        .unwrap();
        let (w, f) = annotations(&p, "CERT-001");
        assert_eq!(w.into_iter().collect::<Vec<_>>(), vec![2]);
        assert!(f.is_empty());
        let (w, f) = annotations(&p, "CERT-002");
        assert_eq!(w.into_iter().collect::<Vec<_>>(), vec![5]);
        assert_eq!(f.into_iter().collect::<Vec<_>>(), vec![5]);
        let (w, _) = annotations(&p, "CERT-003");
        assert_eq!(w.into_iter().collect::<Vec<_>>(), vec![5]);
    }
}
