//! The official rule pack: every rule passes its fixtures, ids are unique and stable, and
//! the findings of each rule on its `fail/` fixtures are snapshot-tested.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{root, vigie};
use std::path::PathBuf;
use vigie::config::Config;
use vigie::engine::{self, ScanOptions};
use vigie::rules::load::RuleSet;

#[test]
fn every_rule_passes_its_fixtures() {
    let out = vigie(&["rules", "test", "rules"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let last = text.lines().last().unwrap_or("");
    assert!(last.ends_with(" passed, 0 failed"), "{last}");
}

#[test]
fn rule_ids_are_unique_and_listed() {
    // A rename or a removed rule shows up in review: ids are never reused.
    let set = RuleSet::load(false, &[]).unwrap_or_else(|e| panic!("{}", e[0].render()));
    let ids: Vec<String> = set
        .rules
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {}",
                r.meta.id, r.meta.severity, r.meta.target, r.meta.name
            )
        })
        .collect();
    insta::assert_snapshot!("rule_ids", ids.join("\n"));
}

/// The date the pack's fixtures are checked at; the working directory becomes the
/// repository root, as fixture paths are relative to it.
fn fixtures_as_of(set: &RuleSet) -> time::Date {
    let as_of = set.manifests[0]
        .fixtures_as_of
        .as_deref()
        .and_then(engine::parse_date)
        .unwrap();
    std::env::set_current_dir(root()).unwrap();
    as_of
}

#[test]
fn rule_findings_on_fail_fixtures() {
    let set = RuleSet::load(true, &[root().join("rules")])
        .unwrap_or_else(|e| panic!("{}", e[0].render()));
    let as_of = fixtures_as_of(&set);
    for rule in &set.rules {
        let Some(dir) = &rule.fixtures else { continue };
        let mut cases: Vec<PathBuf> = std::fs::read_dir(dir.join("fail"))
            .map(|rd| rd.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        cases.sort();
        let mut lines = Vec::new();
        for case in cases {
            let rel = case.strip_prefix(root()).unwrap_or(&case).to_path_buf();
            // A case with `previous.xml` compares its scan with that earlier one (NET-032).
            let previous = rel.join("previous.xml");
            let (inputs, previous_scan) = if previous.is_file() {
                (vec![rel.join("current.xml")], Some(previous))
            } else {
                (vec![rel], None)
            };
            let opts = ScanOptions {
                inputs,
                as_of,
                p12_passwords: vec!["vigie".into()],
                jobs: 1,
                discover: Default::default(),
                no_suppressions: true,
                previous_scan,
            };
            let report = engine::scan(&opts, &set, &Config::default());
            for f in report.findings.iter().filter(|f| f.rule_id == rule.meta.id) {
                lines.push(format!("{}  {}", f.location.short(), f.message.en));
                lines.push(format!(
                    "{}  {}",
                    " ".repeat(f.location.short().len()),
                    f.message.fr
                ));
            }
        }
        insta::assert_snapshot!(rule.meta.id.clone(), lines.join("\n"));
    }
}

/// Conditions and messages are evaluated directly where the evaluator knows every
/// construct, and by the CEL interpreter otherwise. Every rule of the pack runs on its
/// `fail/` and `pass/` fixtures here; in this (debug) build each directly decided value is
/// compared with the interpreter's, and any difference fails the test. The expressions the
/// direct evaluator does not fully cover are listed, so that a new rule that would fall
/// back to the slower interpreter is a visible choice.
#[test]
fn direct_evaluation_agrees_with_cel_on_every_rule() {
    let set = RuleSet::load(true, &[root().join("rules")])
        .unwrap_or_else(|e| panic!("{}", e[0].render()));
    let mut partial = Vec::new();
    for r in &set.rules {
        if !r.condition.native_complete() {
            partial.push(format!("{} condition", r.meta.id));
        }
        if r.at.as_ref().is_some_and(|a| !a.native_complete()) {
            partial.push(format!("{} at", r.meta.id));
        }
        if !r.message_en.native_complete() || !r.message_fr.native_complete() {
            partial.push(format!("{} message", r.meta.id));
        }
    }
    insta::assert_snapshot!("interpreted_expressions", partial.join("\n"));
    let as_of = fixtures_as_of(&set);
    let base = ScanOptions {
        inputs: Vec::new(),
        as_of,
        p12_passwords: vec!["vigie".into()],
        jobs: 1,
        discover: Default::default(),
        no_suppressions: true,
        previous_scan: None,
    };
    let outcomes = vigie::rules::selftest::run(&set, &base);
    assert!(!outcomes.is_empty());
    let mismatches = vigie::rules::condition::native_mismatches();
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
