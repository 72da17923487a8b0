//! Comparing a scan with a baseline scan (`--baseline OLD.sarif`).
//!
//! Findings are matched by fingerprint (`partialFingerprints["vigie/v1"]`), which does
//! not depend on line numbers: a certificate moved inside its file is the same finding.
//! States follow SARIF `baselineState`: `new` (not in the baseline), `unchanged` (same
//! severity and message, wherever it now is), `updated` (severity or message changed)
//! and `absent` (only in the baseline: fixed). Absent findings are kept in the report,
//! marked, so the SARIF and HTML can say what was fixed; they never count.

use crate::model::{BaselineState, Finding, Report};
use std::collections::HashMap;

/// Marks every finding of `current` with its baseline state and appends the baseline
/// findings that disappeared, as `absent`.
pub fn compare(current: &mut Report, baseline: &Report) {
    // A report read back from SARIF may already hold a comparison: start afresh.
    current
        .findings
        .retain(|f| f.baseline_state != Some(BaselineState::Absent));
    let mut old: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in baseline.findings.iter().rev() {
        if f.baseline_state == Some(BaselineState::Absent) {
            continue; // fixed before the baseline: not part of it
        }
        old.entry(f.fingerprint.as_str()).or_default().push(f);
    }
    for f in &mut current.findings {
        let prev = old.get_mut(f.fingerprint.as_str()).and_then(|v| v.pop());
        f.baseline_state = Some(match prev {
            None => BaselineState::New,
            Some(p) if p.severity == f.severity && p.message == f.message => {
                BaselineState::Unchanged
            }
            Some(_) => BaselineState::Updated,
        });
    }
    let mut gone: Vec<&Finding> = old.into_values().flatten().collect();
    gone.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.location.uri.cmp(&b.location.uri))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    for f in gone {
        let rule_index = match current.rules.iter().position(|r| r.id == f.rule_id) {
            Some(i) => i,
            None => {
                let mut meta = baseline.rule_of(f).cloned().unwrap_or_default();
                if meta.pack >= current.packs.len() {
                    meta.pack = 0;
                }
                current.rules.push(meta);
                current.rules.len() - 1
            }
        };
        current.findings.push(Finding {
            rule_index,
            location: crate::model::Location {
                artifact: None,
                ..f.location.clone()
            },
            related: Vec::new(),
            baseline_state: Some(BaselineState::Absent),
            ..f.clone()
        });
    }
}

/// Counts of findings per baseline state: (new, unchanged, updated, absent).
pub fn state_counts(report: &Report) -> (usize, usize, usize, usize) {
    let mut c = (0, 0, 0, 0);
    for f in &report.findings {
        if f.suppression.is_some() && f.baseline_state != Some(BaselineState::Absent) {
            continue;
        }
        match f.baseline_state {
            Some(BaselineState::New) => c.0 += 1,
            Some(BaselineState::Unchanged) => c.1 += 1,
            Some(BaselineState::Updated) => c.2 += 1,
            Some(BaselineState::Absent) => c.3 += 1,
            None => {}
        }
    }
    c
}
