//! Profiles and the conformity matrix.
//!
//! A profile is declared by a pack (`pack.yaml` `profiles:`) and selects the rules that
//! list it. Its **provisions** are the references of those rules whose id starts with one
//! of the profile's `references` prefixes, plus the `provisions` the pack lists
//! explicitly. Each provision gets one status:
//!
//! - `fail`: a rule citing it produced an unsuppressed finding;
//! - `pass`: rules citing it ran on at least one artifact they apply to, without finding;
//! - `not-assessed`: no rule covers it, or nothing those rules apply to was scanned.
//!
//! The matrix is computed from a finished [`Report`], so it can be attached as Markdown
//! to a tender's technical specification or consumed as JSON.

use super::load::RuleSet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use vigie_reports::{Lang, Report};

/// Status of one provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Rules ran and found nothing.
    Pass,
    /// At least one unsuppressed finding.
    Fail,
    /// Not covered, or nothing to check.
    NotAssessed,
}

impl Status {
    /// Identifier (`pass`, `fail`, `not-assessed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotAssessed => "not-assessed",
        }
    }
}

/// One row of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// Provision id, as rules cite it.
    pub provision: String,
    /// Its statement, when the pack gives one.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Status.
    pub status: Status,
    /// Rules covering it.
    pub rules: Vec<String>,
    /// Unsuppressed findings.
    pub findings: usize,
    /// Suppressed findings (accepted risks).
    pub suppressed: usize,
}

/// The conformity matrix of one profile.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// Profile name.
    pub profile: String,
    /// Profile title.
    pub title: String,
    /// The pack that defines it, `name version`.
    pub pack: String,
    /// "Today" of the scan.
    pub as_of: String,
    /// Rows, in provision order.
    pub rows: Vec<Row>,
}

/// Names of every profile the loaded packs define.
pub fn known(set: &RuleSet) -> BTreeSet<String> {
    set.manifests
        .iter()
        .flat_map(|m| m.profiles.keys().cloned())
        .collect()
}

/// Whether an artifact of `kind` (its label, e.g. `certificate/pem`) holds facts a rule
/// on `target` evaluates.
fn applies(target: &str, kind: &str) -> bool {
    match target {
        "private_key" => {
            kind.starts_with("key/") || kind == "certificate/pem" || kind == "certificate/pkcs12"
        }
        t => kind.split('/').next() == Some(t),
    }
}

/// Builds the matrix of `profile` from a report produced with `set`.
pub fn matrix(set: &RuleSet, report: &Report, profile: &str) -> Option<Matrix> {
    let (pack, def) = set.manifests.iter().find_map(|m| {
        m.profiles
            .get(profile)
            .map(|d| (format!("{} {}", m.name, m.version), d))
    })?;
    let kinds: BTreeSet<&str> = report.artifacts.iter().map(|a| a.kind.as_str()).collect();
    let mut titles: BTreeMap<String, String> = def
        .provisions
        .iter()
        .map(|p| (p.id.clone(), p.title.clone()))
        .collect();
    // provision → rule ids citing it.
    let mut covered: BTreeMap<String, BTreeSet<String>> = titles
        .keys()
        .map(|k| (k.clone(), BTreeSet::new()))
        .collect();
    for r in &set.rules {
        if !r.meta.profiles.iter().any(|p| p == profile) {
            continue;
        }
        for reference in &r.meta.references {
            let Some(id) = &reference.id else { continue };
            if def
                .references
                .iter()
                .any(|prefix| id.starts_with(prefix.as_str()))
            {
                covered
                    .entry(id.clone())
                    .or_default()
                    .insert(r.meta.id.clone());
                titles.entry(id.clone()).or_default();
            }
        }
        if def.references.is_empty() {
            // A profile without reference prefixes: one row per rule.
            covered
                .entry(r.meta.id.clone())
                .or_default()
                .insert(r.meta.id.clone());
            titles
                .entry(r.meta.id.clone())
                .or_insert_with(|| r.meta.title.get(Lang::En).to_string());
        }
    }
    let ran: BTreeMap<&str, bool> = set
        .rules
        .iter()
        .map(|r| {
            let active = report.rules.iter().any(|m| m.id == r.meta.id);
            let observed = r.target.is_some() && kinds.iter().any(|k| applies(&r.meta.target, k));
            (r.meta.id.as_str(), active && observed)
        })
        .collect();
    let rows = covered
        .into_iter()
        .map(|(provision, rules)| {
            let mut findings = 0;
            let mut suppressed = 0;
            for f in report
                .findings
                .iter()
                .filter(|f| rules.contains(&f.rule_id))
            {
                if f.suppression.is_some() {
                    suppressed += 1;
                } else {
                    findings += 1;
                }
            }
            let status = if findings > 0 {
                Status::Fail
            } else if rules
                .iter()
                .any(|r| ran.get(r.as_str()).copied().unwrap_or(false))
            {
                Status::Pass
            } else {
                Status::NotAssessed
            };
            Row {
                title: titles.get(&provision).cloned().unwrap_or_default(),
                provision,
                status,
                rules: rules.into_iter().collect(),
                findings,
                suppressed,
            }
        })
        .collect();
    Some(Matrix {
        profile: profile.to_string(),
        title: def.title.clone(),
        pack,
        as_of: report.invocation.as_of.clone(),
        rows,
    })
}

/// Renders matrices as Markdown tables.
pub fn markdown(matrices: &[Matrix]) -> String {
    let mut s = String::new();
    for m in matrices {
        let count = |st: Status| m.rows.iter().filter(|r| r.status == st).count();
        let _ = writeln!(s, "# Conformity matrix: {} ({})\n", m.title, m.profile);
        let _ = writeln!(
            s,
            "Profile from pack {}, assessed as of {}: {} pass, {} fail, {} not assessed.\n",
            m.pack,
            m.as_of,
            count(Status::Pass),
            count(Status::Fail),
            count(Status::NotAssessed)
        );
        let _ = writeln!(
            s,
            "| Provision | Status | Rules | Findings | Accepted risks |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|");
        for r in &m.rows {
            let name = if r.title.is_empty() {
                format!("`{}`", r.provision)
            } else {
                format!("`{}` {}", r.provision, r.title.replace('|', "\\|"))
            };
            let rules = if r.rules.is_empty() {
                "—".to_string()
            } else {
                r.rules.join(", ")
            };
            let _ = writeln!(
                s,
                "| {name} | {} | {rules} | {} | {} |",
                r.status.as_str(),
                r.findings,
                r.suppressed
            );
        }
        s.push('\n');
    }
    s
}
