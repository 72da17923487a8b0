//! The scan pipeline: discover → extract (parallel) → correlate → evaluate (parallel)
//! → suppressions → [`Report`].

use crate::artifact::Artifact;
use crate::config::Config;
use crate::discover::{self, DiscoverOptions};
use crate::facts::{Fact, Target};
use crate::rules::condition::context_for;
use crate::rules::load::{LoadedRule, RuleSet};
use crate::targets::{self, ExtractContext, certificate::CertOptions};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime};
use vigie_reports::{
    ArtifactInfo, Finding, Invocation, Location, Notification, NotificationLevel, Region, Report,
    RuleMeta, Severity, Suppression, Text, ToolInfo,
};

/// Options of a scan.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Files and directories to scan.
    pub inputs: Vec<PathBuf>,
    /// "Today" for time-based facts.
    pub as_of: Date,
    /// Passwords tried on PKCS#12 stores.
    pub p12_passwords: Vec<String>,
    /// Worker threads (0: one per core).
    pub jobs: usize,
    /// Discovery limits.
    pub discover: DiscoverOptions,
    /// Ignore suppressions (auditors see everything).
    pub no_suppressions: bool,
}

/// Follows a scan as it goes; the CLI draws its progress bars from it. Every method
/// has an empty default and may be called from worker threads.
pub trait Observer: Sync {
    /// Discovery found `files` candidate files.
    fn discovered(&self, _files: usize) {}
    /// One file was read and extracted.
    fn extracted(&self) {}
    /// Evaluation starts over `facts` facts.
    fn evaluating(&self, _facts: usize) {}
    /// Every rule was evaluated on one fact.
    fn evaluated(&self) {}
}

/// An observer that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Observer for Silent {}

/// Where a scan spent its time (`vigie scan --timings`).
#[derive(Debug, Clone, Default)]
pub struct Timings {
    /// Walking the inputs.
    pub discover: Duration,
    /// Per artifact kind (the extractor that read it): total time and file count.
    pub extractors: BTreeMap<String, (Duration, usize)>,
    /// Per rule id: total evaluation time and evaluation count.
    pub rules: BTreeMap<String, (Duration, usize)>,
    /// The whole scan.
    pub total: Duration,
}

/// What extraction produced.
#[derive(Debug, Default)]
pub struct Extraction {
    /// Artifacts read, sorted by path.
    pub artifacts: Vec<ArtifactInfo>,
    /// Facts, in artifact order.
    pub facts: Vec<Fact>,
    /// Problems met.
    pub notifications: Vec<Notification>,
}

/// Formats a date as YYYY-MM-DD.
pub fn fmt_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses YYYY-MM-DD.
pub fn parse_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).ok()
}

fn pool(jobs: usize) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(8 * 1024 * 1024)
        .build()
        .ok()
}

fn run_in_pool<T: Send>(jobs: usize, f: impl FnOnce() -> T + Send) -> T {
    match pool(jobs) {
        Some(p) => p.install(f),
        None => f(),
    }
}

struct PerFile {
    kind: Option<(String, Duration)>,
    artifact: Option<ArtifactInfo>,
    facts: Vec<Fact>,
    notifications: Vec<Notification>,
}

fn extract_one(c: &discover::Candidate, opts: &ScanOptions, ctx: &ExtractContext) -> PerFile {
    let mut notes = Vec::new();
    let Some(artifact) = discover::load(c, opts.discover, &mut notes) else {
        return PerFile {
            kind: None,
            artifact: None,
            facts: Vec::new(),
            notifications: notes,
        };
    };
    let info = artifact_info(&artifact);
    // A parser bug on hostile input must cost one file, not the scan.
    let started = Instant::now();
    let extracted = std::panic::catch_unwind(AssertUnwindSafe(|| targets::extract(&artifact, ctx)));
    let kind = Some((artifact.kind.label().to_string(), started.elapsed()));
    match extracted {
        Ok(x) => {
            notes.extend(x.notifications);
            PerFile {
                kind,
                artifact: Some(info),
                facts: x.facts,
                notifications: notes,
            }
        }
        Err(_) => {
            notes.push(Notification {
                level: NotificationLevel::Error,
                code: "extractor-panic".into(),
                message: "the extractor failed on this file (internal error); the scan went on"
                    .into(),
                location: Some(Location {
                    uri: artifact.path.to_string(),
                    ..Location::default()
                }),
                rule_id: None,
            });
            PerFile {
                kind,
                artifact: Some(info),
                facts: Vec::new(),
                notifications: notes,
            }
        }
    }
}

fn artifact_info(a: &Artifact) -> ArtifactInfo {
    ArtifactInfo {
        uri: a.path.to_string(),
        parent: None,
        length: a.bytes.len() as u64,
        sha256: a.sha256(),
        kind: a.kind.label().to_string(),
    }
}

/// Discovers and extracts every input, then computes cross-artifact facts.
pub fn extract(opts: &ScanOptions) -> Extraction {
    extract_observed(opts, &Silent, &mut Timings::default())
}

/// [`extract`], reporting progress to `obs` and time spent to `timings`.
pub fn extract_observed(
    opts: &ScanOptions,
    obs: &dyn Observer,
    timings: &mut Timings,
) -> Extraction {
    let mut notifications = Vec::new();
    let started = Instant::now();
    let candidates = discover::walk(&opts.inputs, &mut notifications);
    timings.discover = started.elapsed();
    obs.discovered(candidates.len());
    // "Today" is the whole --as-of day: a certificate issued that day is valid, one
    // ending that day is expired.
    let now = opts.as_of.midnight().assume_utc().unix_timestamp() + 86_399;
    let ctx = ExtractContext {
        cert: CertOptions {
            now,
            p12_passwords: opts.p12_passwords.clone(),
        },
    };
    let per_file: Vec<PerFile> = run_in_pool(opts.jobs, || {
        candidates
            .par_iter()
            .map(|c| {
                let r = extract_one(c, opts, &ctx);
                obs.extracted();
                r
            })
            .collect()
    });
    let mut out = Extraction {
        notifications,
        ..Extraction::default()
    };
    for f in per_file {
        if let Some((kind, d)) = f.kind {
            let e = timings.extractors.entry(kind).or_default();
            e.0 += d;
            e.1 += 1;
        }
        if let Some(a) = f.artifact {
            out.artifacts.push(a);
        }
        out.facts.extend(f.facts);
        out.notifications.extend(f.notifications);
    }
    let joined = targets::correlate(&mut out.facts);
    out.facts.extend(joined);
    let index: HashMap<String, usize> = out
        .artifacts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.uri.clone(), i))
        .collect();
    for f in &mut out.facts {
        f.location.artifact = index.get(&f.location.uri).copied();
    }
    for n in &mut out.notifications {
        if let Some(l) = &mut n.location {
            l.artifact = index.get(&l.uri).copied();
        }
    }
    out
}

/// Rules after configuration: disabled ones removed, severities overridden, profiles applied.
pub fn active_rules<'a>(rules: &'a RuleSet, config: &Config) -> Vec<(&'a LoadedRule, RuleMeta)> {
    rules
        .rules
        .iter()
        .filter_map(|r| {
            let settings = config.rules.get(&r.meta.id);
            if settings.and_then(|s| s.enabled) == Some(false) {
                return None;
            }
            if !config.profiles.is_empty()
                && !r.meta.profiles.iter().any(|p| config.profiles.contains(p))
            {
                return None;
            }
            let mut meta = r.meta.clone();
            if let Some(sev) = settings.and_then(|s| s.severity) {
                meta.severity = sev;
            }
            Some((r, meta))
        })
        .collect()
}

/// Fingerprint of a finding: rule, artifact path and fact identity; no line numbers, so
/// moving a certificate inside its file keeps the fingerprint.
pub fn fingerprint(rule_id: &str, uri: &str, identity: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule_id, uri, identity] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    hex::encode(&h.finalize()[..16])
}

struct RawFinding {
    rule: usize,
    fact: usize,
    message: Text,
}

/// Evaluates rules over facts in parallel. Returns findings (unsorted, unsuppressed) and
/// rule evaluation errors as notifications.
pub fn evaluate(
    rules: &[(&LoadedRule, RuleMeta)],
    facts: &[Fact],
    jobs: usize,
) -> (Vec<Finding>, Vec<Notification>) {
    evaluate_observed(rules, facts, jobs, &Silent, &mut Timings::default())
}

/// [`evaluate`], reporting progress to `obs` and time per rule to `timings`.
pub fn evaluate_observed(
    rules: &[(&LoadedRule, RuleMeta)],
    facts: &[Fact],
    jobs: usize,
    obs: &dyn Observer,
    timings: &mut Timings,
) -> (Vec<Finding>, Vec<Notification>) {
    obs.evaluating(facts.len());
    let mut by_target: HashMap<Target, Vec<usize>> = HashMap::new();
    for (i, (r, _)) in rules.iter().enumerate() {
        if let Some(t) = r.target {
            by_target.entry(t).or_default().push(i);
        }
    }
    type Outcome = (
        Vec<RawFinding>,
        Vec<(usize, usize, String)>,
        Vec<(usize, Duration)>,
    );
    let outcomes: Vec<Outcome> = run_in_pool(jobs, || {
        facts
            .par_iter()
            .enumerate()
            .map(|(fi, fact)| {
                let mut found = Vec::new();
                let mut errors = Vec::new();
                let mut spent = Vec::new();
                let Some(idx) = by_target.get(&fact.target) else {
                    obs.evaluated();
                    return (found, errors, spent);
                };
                let ctx = context_for(&fact.to_value());
                for &ri in idx {
                    let (rule, _) = rules[ri];
                    let started = Instant::now();
                    let outcome = rule.condition.eval_bool(&ctx);
                    spent.push((ri, started.elapsed()));
                    match outcome {
                        Ok(true) => found.push(RawFinding {
                            rule: ri,
                            fact: fi,
                            message: Text {
                                en: rule.message_en.render(&ctx),
                                fr: rule.message_fr.render(&ctx),
                            },
                        }),
                        Ok(false) => {}
                        Err(e) => errors.push((ri, fi, e)),
                    }
                }
                obs.evaluated();
                (found, errors, spent)
            })
            .collect()
    });
    let mut findings = Vec::new();
    let mut errors: BTreeMap<usize, Vec<(usize, String)>> = BTreeMap::new();
    for (f, e, spent) in outcomes {
        for (ri, d) in spent {
            let entry = timings.rules.entry(rules[ri].1.id.clone()).or_default();
            entry.0 += d;
            entry.1 += 1;
        }
        for raw in f {
            let (_, meta) = &rules[raw.rule];
            let fact = &facts[raw.fact];
            findings.push(Finding {
                rule_id: meta.id.clone(),
                rule_index: raw.rule,
                severity: meta.severity,
                message: raw.message,
                location: fact.location.clone(),
                related: Vec::new(),
                fingerprint: fingerprint(&meta.id, &fact.location.uri, &fact.identity),
                suppression: None,
                baseline_state: None,
            });
        }
        for (ri, fi, msg) in e {
            errors.entry(ri).or_default().push((fi, msg));
        }
    }
    let mut notes = Vec::new();
    for (ri, errs) in errors {
        let (_, meta) = &rules[ri];
        let (fi, msg) = &errs[0];
        let more = if errs.len() > 1 {
            format!(" (and {} more facts)", errs.len() - 1)
        } else {
            String::new()
        };
        notes.push(Notification {
            level: NotificationLevel::Warning,
            code: "rule-evaluation-error".into(),
            message: format!("rule {} could not be evaluated: {msg}{more}", meta.id),
            location: Some(facts[*fi].location.clone()),
            rule_id: Some(meta.id.clone()),
        });
    }
    (findings, notes)
}

/// Marks suppressed findings; reports expired suppressions.
pub fn apply_suppressions(
    findings: &mut [Finding],
    config: &Config,
    as_of: Date,
) -> Vec<Notification> {
    let mut notes = Vec::new();
    let cfg_path = config
        .path
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "vigie.toml".into());
    for s in &config.suppressions {
        let s = s.get_ref();
        let expired = s
            .expires
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|d| d < as_of);
        let glob = s
            .path
            .as_deref()
            .and_then(|p| globset::Glob::new(p).ok())
            .map(|g| g.compile_matcher());
        let mut matched = 0usize;
        for f in findings.iter_mut() {
            if !f.rule_id.eq_ignore_ascii_case(&s.rule) {
                continue;
            }
            let fp_ok = s
                .fingerprint
                .as_deref()
                .is_none_or(|fp| fp == f.fingerprint);
            let path_ok = glob.as_ref().is_none_or(|g| {
                g.is_match(&f.location.uri)
                    || g.is_match(f.location.uri.split("!/").next().unwrap_or(""))
            });
            if !(fp_ok && path_ok) {
                continue;
            }
            matched += 1;
            if !expired && f.suppression.is_none() {
                f.suppression = Some(Suppression {
                    reason: s.reason.clone(),
                    owner: s.owner.clone(),
                    expires: s.expires.clone(),
                    source: Some(format!("{cfg_path}:{}", s.line)),
                });
            }
        }
        let loc = Some(Location {
            uri: cfg_path.clone(),
            artifact: None,
            region: Some(Region::Text {
                start_line: s.line.max(1),
                start_column: Some(1),
                end_line: None,
            }),
            logical: None,
        });
        if expired && matched > 0 {
            notes.push(Notification {
                level: NotificationLevel::Warning,
                code: "suppression-expired".into(),
                message: format!(
                    "suppression of {} expired on {}: {matched} finding{} counted again",
                    s.rule,
                    s.expires.as_deref().unwrap_or(""),
                    if matched == 1 { " is" } else { "s are" }
                ),
                location: loc,
                rule_id: Some(s.rule.clone()),
            });
        } else if matched == 0 {
            notes.push(Notification {
                level: NotificationLevel::Note,
                code: "suppression-unused".into(),
                message: format!("suppression of {} matched no finding", s.rule),
                location: loc,
                rule_id: Some(s.rule.clone()),
            });
        }
    }
    notes
}

fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn region_key(l: &Location) -> (u64, u64) {
    match l.region {
        Some(Region::Text {
            start_line,
            start_column,
            ..
        }) => (u64::from(start_line), u64::from(start_column.unwrap_or(0))),
        Some(Region::Binary { byte_offset, .. }) => (byte_offset, 0),
        None => (0, 0),
    }
}

/// Runs a whole scan and builds the report.
pub fn scan(opts: &ScanOptions, rules: &RuleSet, config: &Config) -> Report {
    scan_observed(opts, rules, config, &Silent).0
}

/// [`scan`], reporting progress to `obs`; also returns where the time went.
pub fn scan_observed(
    opts: &ScanOptions,
    rules: &RuleSet,
    config: &Config,
    obs: &dyn Observer,
) -> (Report, Timings) {
    let started = Instant::now();
    let mut timings = Timings::default();
    let start_time = now_rfc3339();
    let extraction = extract_observed(opts, obs, &mut timings);
    let active = active_rules(rules, config);
    let (mut findings, mut notifications) =
        evaluate_observed(&active, &extraction.facts, opts.jobs, obs, &mut timings);
    notifications.extend(extraction.notifications);
    if !opts.no_suppressions {
        notifications.extend(apply_suppressions(&mut findings, config, opts.as_of));
    }
    // Rules of the report: the active ones, in id order (their index is rule_index).
    let metas: Vec<RuleMeta> = active.iter().map(|(_, m)| m.clone()).collect();
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.location.uri.cmp(&b.location.uri))
            .then_with(|| region_key(&a.location).cmp(&region_key(&b.location)))
            .then_with(|| a.fingerprint.cmp(&b.fingerprint))
    });
    findings.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.location == b.location);
    notifications.sort_by(|a, b| {
        let ka = a.location.as_ref().map(|l| (l.uri.clone(), region_key(l)));
        let kb = b.location.as_ref().map(|l| (l.uri.clone(), region_key(l)));
        ka.cmp(&kb)
            .then_with(|| b.level.cmp(&a.level))
            .then_with(|| a.code.cmp(&b.code))
            .then_with(|| a.message.cmp(&b.message))
    });
    let successful = !notifications
        .iter()
        .any(|n| n.level == NotificationLevel::Error);
    let report = Report {
        deployment: config.name.clone().unwrap_or_default(),
        tool: ToolInfo {
            name: "vigie".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            information_uri: "https://github.com/vigie-scanner/vigie".into(),
        },
        packs: rules.packs.clone(),
        rules: metas,
        artifacts: extraction.artifacts,
        findings,
        notifications,
        invocation: Invocation {
            arguments: Vec::new(),
            start_time,
            end_time: now_rfc3339(),
            as_of: fmt_date(opts.as_of),
            successful,
        },
    };
    timings.total = started.elapsed();
    (report, timings)
}

/// Exit code of a scan: 1 when an unsuppressed finding is at or above `fail_on`, else 3
/// when some input could not be read (the result is incomplete), else 0.
pub fn exit_code(report: &Report, fail_on: Severity) -> i32 {
    if report.has_findings_at_or_above(fail_on) {
        1
    } else if report.is_incomplete() {
        3
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_ignore_positions() {
        let a = fingerprint("CERT-001", "a.pem", "certificate:abc");
        assert_eq!(a, fingerprint("CERT-001", "a.pem", "certificate:abc"));
        assert_ne!(a, fingerprint("CERT-002", "a.pem", "certificate:abc"));
        assert_ne!(a, fingerprint("CERT-001", "b.pem", "certificate:abc"));
        assert_eq!(a.len(), 32);
    }

    #[test]
    fn dates() {
        let d = parse_date("2026-11-28").unwrap();
        assert_eq!(fmt_date(d), "2026-11-28");
        assert!(parse_date("2026-13-01").is_none());
    }
}
