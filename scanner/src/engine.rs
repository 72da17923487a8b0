//! The scan pipeline: discover → extract (parallel) → correlate → evaluate (parallel)
//! → suppressions → [`Report`].

use crate::artifact::Artifact;
use crate::config::Config;
use crate::discover::{self, DiscoverOptions};
use crate::facts::{Fact, Target};
use crate::rules::load::{LoadedRule, RuleSet};
use crate::rules::{condition, values, view};
use crate::targets::{self, ExtractContext, certificate::CertOptions, declaration::DeclOptions};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
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
    /// An earlier nmap scan: services and hosts of the scanned nmap files that it does not
    /// list are marked `new_since_previous_scan`.
    pub previous_scan: Option<PathBuf>,
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
    /// Time spent per rule is wanted (`--timings`): two clock readings per rule and fact,
    /// a few per cent of a scan of many facts, so only when asked.
    fn times_rules(&self) -> bool {
        false
    }
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
    /// Findings of facts evaluated while streaming (host and service facts of nmap scans,
    /// which are not kept), when rules were given: one part per scan, in artifact order.
    pub findings: Vec<Vec<Finding>>,
    /// Rule evaluation errors met while streaming.
    pub rule_errors: Vec<RuleError>,
}

/// A rule that could not be evaluated on a fact.
#[derive(Debug, Clone)]
pub struct RuleError {
    /// Index of the rule in the active rules.
    pub rule: usize,
    /// Where the fact is.
    pub location: Location,
    /// What went wrong.
    pub message: String,
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

/// Most items a parallel loop over files or facts hands to one task. Rayon stops splitting
/// a range that no other thread has stolen: without this bound, one thread can be left
/// alone with a quarter of the items (the costly records come first, the deployment facts
/// joined from them after), the other idle for the rest of the loop.
const PAR_CHUNK: usize = 64;

fn run_in_pool<T: Send>(jobs: usize, f: impl FnOnce() -> T + Send) -> T {
    match pool(jobs) {
        Some(p) => p.install(f),
        None => f(),
    }
}

#[derive(Default)]
struct PerFile {
    /// Extractors used (artifact kind label) and the time each took.
    kinds: Vec<(String, Duration)>,
    /// Artifacts read: the file and, for images, the files found inside, each with the
    /// path of its containing artifact.
    artifacts: Vec<(ArtifactInfo, Option<String>)>,
    facts: Vec<Fact>,
    notifications: Vec<Notification>,
    /// Findings of streamed facts.
    findings: Vec<Finding>,
    rule_errors: Vec<RuleError>,
    /// What the deployment join keeps of streamed host and service facts.
    network: Vec<targets::deployment::NetEvidence>,
}

/// Facts that are evaluated as they are read and then dropped, so that memory does not
/// grow with the size of a scan: hosts and services. Served certificates are kept, as
/// they take part in chain and key-reuse correlation.
fn streamed(t: Target) -> bool {
    matches!(t, Target::Host | Target::Service)
}

/// What one host of a streamed nmap scan gives.
#[derive(Default)]
struct HostOut {
    /// Facts kept: every fact without rules, else the served certificates.
    keep: Vec<Fact>,
    findings: Vec<Finding>,
    rule_errors: Vec<RuleError>,
    spent: Vec<(usize, Duration)>,
    /// Projection of the host and its open ports for the deployment join.
    network: Vec<targets::deployment::NetEvidence>,
}

/// Makes room in `findings` for `coming` more, after `blocks` blocks of a scan of
/// `length` bytes. When it must grow, it is given room for the whole scan at the rate
/// seen so far (and a tenth more) rather than twice its size: a large scan's findings
/// are then moved about once instead of at every doubling, and the room never used is
/// never touched, so it takes no memory.
fn reserve_findings(findings: &mut Vec<Finding>, coming: usize, blocks: u64, length: u64) {
    let needed = findings.len().saturating_add(coming);
    if needed <= findings.capacity() {
        return;
    }
    let read = blocks.saturating_mul(targets::service::stream::BLOCK as u64);
    let expected = if read == 0 || read >= length {
        needed
    } else {
        let rate = needed as f64 / read as f64;
        (rate * length as f64 * 1.1).min(usize::MAX as f64 / 2.0) as usize
    };
    // Room for a whole huge scan may not be there to take: then only what is needed now,
    // growing as usual (a failure to get even that is the same as before any estimate).
    if findings
        .try_reserve_exact(expected.max(needed) - findings.len())
        .is_err()
    {
        let _ = findings.try_reserve(coming);
    }
}

/// nmap scans are read block by block on a thread of their own. Each host is parsed and
/// its host and service facts evaluated (when rules are given) in one task on the rayon
/// pool, then dropped: parsing and evaluation overlap, and memory holds a few blocks.
/// Without rules every fact is kept, for `vigie facts`.
fn stream_nmap(
    c: &discover::Candidate,
    ctx: &ExtractContext,
    rules: Option<&RuleIndex<'_>>,
) -> PerFile {
    let started = Instant::now();
    let mut out = PerFile::default();
    let file = match std::fs::File::open(&c.path) {
        Ok(f) => f,
        Err(e) => {
            out.notifications.push(Notification {
                level: NotificationLevel::Error,
                code: "unreadable-file".into(),
                message: format!("cannot open file: {e}"),
                location: Some(Location {
                    uri: c.display.clone(),
                    ..Location::default()
                }),
                rule_id: None,
            });
            return out;
        }
    };
    let sctx = ctx.service();
    let join = ctx.net_budget.is_some();
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut blocks = 0u64;
    let per_host = |facts: Vec<Fact>| -> HostOut {
        let Some(index) = rules else {
            return HostOut {
                keep: facts,
                ..HostOut::default()
            };
        };
        let mut host = HostOut::default();
        for f in facts {
            if !streamed(f.target) {
                host.keep.push(f);
                continue;
            }
            if join && let Some(p) = targets::deployment::project(&f) {
                host.network.push(p);
            }
            let (found, errors, spent) = index.eval_fact(&f);
            host.findings.extend(found);
            host.rule_errors.extend(errors);
            host.spent.extend(spent);
        }
        host
    };
    let summary =
        targets::service::stream_map(file, &c.display, &sctx, &per_host, &mut |hosts: Vec<
            HostOut,
        >| {
            let mut spent = Vec::new();
            blocks += 1;
            let coming: usize = hosts.iter().map(|h| h.findings.len()).sum();
            reserve_findings(&mut out.findings, coming, blocks, length);
            for h in hosts {
                out.facts.extend(h.keep);
                out.findings.extend(h.findings);
                out.rule_errors.extend(h.rule_errors);
                spent.extend(h.spent);
                if let Some(budget) = &ctx.net_budget {
                    keep_for_join(h.network, budget, &mut out);
                }
            }
            if let Some(index) = rules {
                index.record(spent);
            }
        });
    out.notifications.extend(summary.notifications);
    out.artifacts.push((
        ArtifactInfo {
            uri: c.display.clone(),
            parent: None,
            length: summary.length,
            sha256: summary.sha256,
            kind: crate::artifact::ArtifactKind::NmapXml.label().to_string(),
        },
        None,
    ));
    out.kinds.push((
        crate::artifact::ArtifactKind::NmapXml.label().to_string(),
        started.elapsed(),
    ));
    out
}

/// Keeps the projection of streamed facts for the deployment join, in document order,
/// within the scan's budget; the first one over it gives one notification.
fn keep_for_join(
    network: Vec<targets::deployment::NetEvidence>,
    budget: &AtomicUsize,
    out: &mut PerFile,
) {
    for p in network {
        let taken = budget.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1));
        match taken {
            Ok(_) => out.network.push(p),
            Err(_) => {
                if !out
                    .notifications
                    .iter()
                    .any(|n| n.code == "deployment-evidence-truncated")
                {
                    out.notifications.push(Notification {
                        level: NotificationLevel::Warning,
                        code: "deployment-evidence-truncated".into(),
                        message: format!(
                            "more than {} hosts and open ports in this scan: the later ones \
                             are checked but not joined with the processing records",
                            targets::deployment::MAX_NET_EVIDENCE
                        ),
                        location: Some(p.location().clone()),
                        rule_id: None,
                    });
                }
                return;
            }
        }
    }
}

fn panic_note(uri: String) -> Notification {
    Notification {
        level: NotificationLevel::Error,
        code: "extractor-panic".into(),
        message: "the extractor failed on this file (internal error); the scan went on".into(),
        location: Some(Location {
            uri,
            ..Location::default()
        }),
        rule_id: None,
    }
}

/// Checks the artifacts found inside an image, in parallel, each recursively.
fn process_children(batch: Vec<Artifact>, parent: &str, ctx: &ExtractContext, out: &mut PerFile) {
    let results: Vec<PerFile> = batch
        .into_par_iter()
        .map(|a| {
            let mut pf = PerFile::default();
            process_artifact(&a, Some(parent), ctx, &mut pf);
            pf
        })
        .collect();
    for r in results {
        out.kinds.extend(r.kinds);
        out.artifacts.extend(r.artifacts);
        out.facts.extend(r.facts);
        out.notifications.extend(r.notifications);
    }
}

/// Batches of an image's files being checked while the image is still being read.
const BATCHES_IN_FLIGHT: usize = 2;

/// Runs `unpack` (which reads an image and hands its files over in batches) while the
/// batches are checked on other threads, so that decompression and checks overlap. At
/// most [`BATCHES_IN_FLIGHT`] batches wait or run at once: the reading thread helps
/// with pending work instead of reading further, which bounds memory and cannot
/// deadlock on a one-thread pool. Results are merged into `inner` in batch order.
fn pipelined_children<R: Send>(
    parent: &str,
    ctx: &ExtractContext,
    inner: &mut PerFile,
    unpack: impl FnOnce(&mut dyn FnMut(Vec<Artifact>)) -> R + Send,
) -> R {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let done: Mutex<Vec<(usize, PerFile)>> = Mutex::new(Vec::new());
    let in_flight = AtomicUsize::new(0);
    let r = rayon::scope(|s| {
        let (done, in_flight) = (&done, &in_flight);
        let mut next = 0usize;
        let mut sink = |batch: Vec<Artifact>| {
            while in_flight.load(Ordering::Acquire) >= BATCHES_IN_FLIGHT {
                if rayon::yield_now() != Some(rayon::Yield::Executed) {
                    std::thread::yield_now();
                }
            }
            in_flight.fetch_add(1, Ordering::AcqRel);
            let idx = next;
            next += 1;
            s.spawn(move |_| {
                let mut pf = PerFile::default();
                process_children(batch, parent, ctx, &mut pf);
                if let Ok(mut d) = done.lock() {
                    d.push((idx, pf));
                }
                in_flight.fetch_sub(1, Ordering::AcqRel);
            });
        };
        unpack(&mut sink)
    });
    let mut done = done.into_inner().unwrap_or_default();
    done.sort_by_key(|(i, _)| *i);
    for (_, pf) in done {
        merge(inner, pf);
    }
    r
}

/// Extracts one artifact in memory (and, for images, everything inside it).
fn process_artifact(
    artifact: &Artifact,
    parent: Option<&str>,
    ctx: &ExtractContext,
    out: &mut PerFile,
) {
    let uri = artifact.path.to_string();
    out.artifacts.push((
        artifact_info(artifact, ctx.hash_artifacts),
        parent.map(str::to_string),
    ));
    let started = Instant::now();
    let extracted = if artifact.kind.is_image() {
        // Children are checked batch by batch as the image is read; their time is
        // counted under their own kinds.
        let mut inner = PerFile::default();
        let x = std::panic::catch_unwind(AssertUnwindSafe(|| {
            pipelined_children(&uri, ctx, &mut inner, |sink| {
                targets::firmware::extract_image(
                    &artifact.path,
                    artifact.kind,
                    &targets::firmware::image::Source::Bytes(artifact.bytes.clone()),
                    artifact.bytes.len() as u64,
                    &ctx.firmware,
                    sink,
                )
            })
        }));
        out.kinds
            .push((artifact.kind.label().to_string(), started.elapsed()));
        merge(out, inner);
        x
    } else {
        let x = std::panic::catch_unwind(AssertUnwindSafe(|| targets::extract(artifact, ctx)));
        out.kinds
            .push((artifact.kind.label().to_string(), started.elapsed()));
        x
    };
    match extracted {
        Ok(x) => {
            out.facts.extend(x.facts);
            out.notifications.extend(x.notifications);
            out.artifacts
                .extend(x.files.into_iter().map(|a| (a, Some(uri.clone()))));
            if !x.children.is_empty() {
                process_children(x.children, &uri, ctx, out);
            }
        }
        Err(_) => out.notifications.push(panic_note(uri)),
    }
}

fn merge(out: &mut PerFile, inner: PerFile) {
    out.kinds.extend(inner.kinds);
    out.artifacts.extend(inner.artifacts);
    out.facts.extend(inner.facts);
    out.notifications.extend(inner.notifications);
}

/// An image on disk: streamed from the file, never read whole.
fn stream_image(
    c: &discover::Candidate,
    kind: crate::artifact::ArtifactKind,
    size: u64,
    ctx: &ExtractContext,
) -> PerFile {
    let mut out = PerFile::default();
    let path = crate::artifact::VirtualPath::file(&c.display);
    let uri = path.to_string();
    let started = Instant::now();
    let mut inner = PerFile::default();
    // The image is hashed on another thread while it is unpacked.
    let (sha256, x) = rayon::join(
        || {
            if ctx.hash_artifacts {
                file_sha256(&c.path).unwrap_or_default()
            } else {
                String::new()
            }
        },
        || {
            std::panic::catch_unwind(AssertUnwindSafe(|| {
                pipelined_children(&uri, ctx, &mut inner, |sink| {
                    targets::firmware::extract_image(
                        &path,
                        kind,
                        &targets::firmware::image::Source::File(c.path.clone()),
                        size,
                        &ctx.firmware,
                        sink,
                    )
                })
            }))
        },
    );
    out.artifacts.push((
        ArtifactInfo {
            uri: uri.clone(),
            parent: None,
            length: size,
            sha256,
            kind: kind.label().to_string(),
        },
        None,
    ));
    out.kinds
        .push((kind.label().to_string(), started.elapsed()));
    merge(&mut out, inner);
    match x {
        Ok(x) => {
            out.facts.extend(x.facts);
            out.notifications.extend(x.notifications);
            out.artifacts
                .extend(x.files.into_iter().map(|a| (a, Some(uri.clone()))));
        }
        Err(_) => out.notifications.push(panic_note(uri)),
    }
    out
}

/// An ELF on disk whose facts come from its headers and tables, read piece by piece.
fn read_elf(
    c: &discover::Candidate,
    size: u64,
    opts: &ScanOptions,
    ctx: &ExtractContext,
) -> PerFile {
    use crate::artifact::ArtifactKind;
    let mut out = PerFile::default();
    let uri = crate::artifact::VirtualPath::file(&c.display).to_string();
    let file = match targets::firmware::binary::FileRanges::open(&c.path) {
        Ok(f) => f,
        Err(e) => {
            out.notifications.push(targets::firmware::note(
                NotificationLevel::Error,
                "unreadable-file",
                &uri,
                format!("cannot open file: {e}"),
            ));
            return out;
        }
    };
    let label = ArtifactKind::Elf.label().to_string();
    out.artifacts.push((
        ArtifactInfo {
            uri: uri.clone(),
            parent: None,
            length: size,
            sha256: if ctx.hash_artifacts {
                file_sha256(&c.path).unwrap_or_default()
            } else {
                String::new()
            },
            kind: label.clone(),
        },
        None,
    ));
    if ctx.scan_contents && size > opts.discover.max_file_size {
        out.notifications.push(targets::firmware::note(
            NotificationLevel::Warning,
            "file-too-large",
            &uri,
            format!(
                "file of {size} bytes exceeds the limit of {} bytes: its binary facts come from its headers, its contents were not searched for secrets and components",
                opts.discover.max_file_size
            ),
        ));
    }
    let started = Instant::now();
    let x = targets::firmware::extract_elf_file(uri, &file);
    out.kinds.push((label, started.elapsed()));
    out.facts.extend(x.facts);
    out.notifications.extend(x.notifications);
    out
}

fn file_sha256(p: &std::path::Path) -> Option<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(p).ok()?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1024 * 1024];
    loop {
        let n = f.read(&mut buf).ok()?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Some(hex::encode(h.finalize()))
}

fn extract_one(
    c: &discover::Candidate,
    opts: &ScanOptions,
    ctx: &ExtractContext,
    rules: Option<&RuleIndex<'_>>,
) -> PerFile {
    match discover::peek(c) {
        discover::Peek::Nmap => return stream_nmap(c, ctx, rules),
        discover::Peek::Image(kind, size) => return stream_image(c, kind, size, ctx),
        // Unless its bytes are hashed or scanned, an ELF is read piece by piece; so is
        // one too large to be read whole.
        discover::Peek::Elf(size)
            if !(ctx.hash_artifacts || ctx.scan_contents) || size > opts.discover.max_file_size =>
        {
            return read_elf(c, size, opts, ctx);
        }
        _ => {}
    }
    let mut notes = Vec::new();
    let Some(artifact) = discover::load(c, opts.discover, &mut notes) else {
        if !ctx.scan_contents {
            return PerFile {
                notifications: notes,
                ..PerFile::default()
            };
        }
        // Files of no known kind (configuration files, scripts...) are still read for
        // secrets and endpoints.
        let scanned = std::panic::catch_unwind(|| {
            targets::secret::scan_loose(c, opts.discover.max_file_size)
        });
        let facts = scanned.unwrap_or_else(|_| {
            notes.push(panic_note(c.display.clone()));
            Vec::new()
        });
        return PerFile {
            facts,
            notifications: notes,
            ..PerFile::default()
        };
    };
    // A parser bug on hostile input must cost one file, not the scan.
    let mut out = PerFile {
        notifications: notes,
        ..PerFile::default()
    };
    process_artifact(&artifact, None, ctx, &mut out);
    out
}

fn artifact_info(a: &Artifact, hash: bool) -> ArtifactInfo {
    ArtifactInfo {
        uri: a.path.to_string(),
        parent: None,
        length: a.bytes.len() as u64,
        sha256: if hash { a.sha256() } else { String::new() },
        kind: a.kind.label().to_string(),
    }
}

/// `join_network`: the scan may hold processing records, so hosts and open ports of nmap
/// scans are kept for the deployment join.
fn extract_context(
    opts: &ScanOptions,
    previous_scan: Option<std::sync::Arc<targets::service::PreviousScan>>,
    join_network: bool,
) -> ExtractContext {
    // "Today" is the whole --as-of day: a certificate issued that day is valid, one
    // ending that day is expired.
    let now = opts.as_of.midnight().assume_utc().unix_timestamp() + 86_399;
    ExtractContext {
        cert: CertOptions {
            now,
            p12_passwords: opts.p12_passwords.clone(),
        },
        previous_scan,
        decl: DeclOptions { as_of: opts.as_of },
        firmware: targets::firmware::FirmwareOptions {
            limits: opts.discover.image_limits,
            budget: Default::default(),
        },
        net_budget: join_network
            .then(|| std::sync::Arc::new(AtomicUsize::new(targets::deployment::MAX_NET_EVIDENCE))),
        hash_artifacts: opts.discover.hash_artifacts,
        scan_contents: opts.discover.scan_contents,
    }
}

/// Extracts one file held in memory as a scan of it would (`opts.inputs` is not read):
/// its kind is recognised from `name` and content, images are unpacked and everything
/// inside them checked (on the current rayon pool), and a parser failure becomes an
/// `extractor-panic` notification. `None` when the content is not something Vigie
/// reads. Cross-artifact facts are not computed.
pub fn extract_bytes(name: &str, bytes: &[u8], opts: &ScanOptions) -> Option<Extraction> {
    let kind = discover::kind_by_name(name)
        .or_else(|| discover::sniff(bytes, bytes.len() as u64))
        .or_else(|| discover::sniff_path(name, bytes))?;
    let artifact = Artifact {
        path: crate::artifact::VirtualPath::file(name),
        bytes: std::sync::Arc::from(bytes),
        kind,
    };
    let ctx = extract_context(opts, None, false);
    let mut out = PerFile::default();
    process_artifact(&artifact, None, &ctx, &mut out);
    Some(Extraction {
        artifacts: out.artifacts.into_iter().map(|(a, _)| a).collect(),
        facts: out.facts,
        notifications: out.notifications,
        ..Extraction::default()
    })
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
    extract_with(opts, None, obs, timings)
}

/// [`extract`], evaluating streamed facts (hosts and services) with `rules` as they are
/// read instead of keeping them.
fn extract_with(
    opts: &ScanOptions,
    rules: Option<&RuleIndex<'_>>,
    obs: &dyn Observer,
    timings: &mut Timings,
) -> Extraction {
    let mut notifications = Vec::new();
    let previous_scan = opts.previous_scan.as_ref().and_then(|p| {
        targets::service::PreviousScan::load(p, &mut notifications).map(std::sync::Arc::new)
    });
    let started = Instant::now();
    let candidates = discover::walk(&opts.inputs, &mut notifications);
    timings.discover = started.elapsed();
    obs.discovered(candidates.len());
    let join_network = candidates.iter().any(discover::may_hold_declaration);
    let ctx = extract_context(opts, previous_scan, join_network);
    let per_file: Vec<PerFile> = run_in_pool(opts.jobs, || {
        candidates
            .par_iter()
            .with_max_len(PAR_CHUNK)
            .map(|c| {
                let r = extract_one(c, opts, &ctx, rules);
                obs.extracted();
                r
            })
            .collect()
    });
    let mut out = Extraction {
        notifications,
        ..Extraction::default()
    };
    let mut parents: Vec<Option<String>> = Vec::new();
    let mut network = Vec::new();
    for f in per_file {
        for (kind, d) in f.kinds {
            let e = timings.extractors.entry(kind).or_default();
            e.0 += d;
            e.1 += 1;
        }
        for (a, parent) in f.artifacts {
            out.artifacts.push(a);
            parents.push(parent);
        }
        out.facts.extend(f.facts);
        out.notifications.extend(f.notifications);
        if !f.findings.is_empty() {
            out.findings.push(f.findings);
        }
        out.rule_errors.extend(f.rule_errors);
        network.extend(f.network);
    }
    let sha256 = out
        .artifacts
        .iter()
        .filter(|a| !a.sha256.is_empty())
        .map(|a| (a.uri.clone(), a.sha256.clone()))
        .collect();
    let joined = targets::correlate(
        &mut out.facts,
        targets::deployment::JoinInput { network, sha256 },
    );
    out.facts.extend(joined);
    let index: HashMap<String, usize> = out
        .artifacts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.uri.clone(), i))
        .collect();
    for (a, parent) in out.artifacts.iter_mut().zip(parents) {
        a.parent = parent.and_then(|p| index.get(&p).copied());
    }
    for f in &mut out.facts {
        f.location.artifact = index.get(&f.location.uri).copied();
    }
    // Findings come in runs of the same file: its index is looked up once per run.
    let mut last: Option<(&str, Option<usize>)> = None;
    for f in out.findings.iter_mut().flatten() {
        let artifact = match last {
            Some((uri, i)) if uri == f.location.uri => i,
            _ => {
                let i = index.get(&f.location.uri).copied();
                last = out
                    .artifacts
                    .get(i.unwrap_or(usize::MAX))
                    .map(|a| (a.uri.as_str(), i));
                i
            }
        };
        f.location.artifact = artifact;
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

/// Findings, errors and time per rule of one fact's evaluation.
type Evaluated = (Vec<Finding>, Vec<RuleError>, Vec<(usize, Duration)>);

/// Active rules grouped by target, ready to evaluate facts one at a time.
struct RuleIndex<'a> {
    rules: &'a [(&'a LoadedRule, RuleMeta)],
    by_target: HashMap<Target, TargetRules>,
    /// Time and evaluation count per rule index, for `--timings` (including facts
    /// evaluated while streaming).
    spent: Mutex<Vec<(Duration, usize)>>,
    /// Rules are timed (see [`Observer::times_rules`]).
    timed: bool,
}

/// The rules of one target and the fact fields they read.
struct TargetRules {
    /// Rule indexes.
    rules: Vec<usize>,
    /// Top-level fields read by the conditions, `at:` paths and messages, each whole or
    /// only the sub-fields they select: each is converted when an evaluation first reads
    /// it, once per fact.
    condition_uses: condition::Uses,
    /// The variables the direct evaluator reads for these rules: a fact's scope holds
    /// cells for them only.
    table: condition::Table,
}

impl<'a> RuleIndex<'a> {
    fn new(rules: &'a [(&'a LoadedRule, RuleMeta)]) -> Self {
        let mut by_target: HashMap<Target, TargetRules> = HashMap::new();
        for (i, (r, _)) in rules.iter().enumerate() {
            if let Some(t) = r.target {
                let entry = by_target.entry(t).or_insert_with(|| TargetRules {
                    rules: Vec::new(),
                    condition_uses: condition::Uses::new(),
                    table: condition::Table::default(),
                });
                entry.rules.push(i);
                r.condition.uses(&mut entry.condition_uses);
                r.message_en.uses(&mut entry.condition_uses);
                r.message_fr.uses(&mut entry.condition_uses);
                if let Some(at) = &r.at {
                    at.uses(&mut entry.condition_uses);
                }
            }
        }
        for entry in by_target.values_mut() {
            let mut ids = Vec::new();
            for (r, _) in entry.rules.iter().map(|&i| &rules[i]) {
                r.condition.var_ids(&mut ids);
                r.message_en.var_ids(&mut ids);
                r.message_fr.var_ids(&mut ids);
                if let Some(at) = &r.at {
                    at.var_ids(&mut ids);
                }
            }
            entry.table = condition::Table::new(&ids);
        }
        RuleIndex {
            rules,
            by_target,
            spent: Mutex::new(vec![(Duration::ZERO, 0); rules.len()]),
            timed: false,
        }
    }

    /// Adds per-rule times of one evaluation to the totals.
    fn record(&self, spent: Vec<(usize, Duration)>) {
        if let Ok(mut totals) = self.spent.lock() {
            for (ri, d) in spent {
                if let Some(t) = totals.get_mut(ri) {
                    t.0 += d;
                    t.1 += 1;
                }
            }
        }
    }

    fn eval_fact(&self, fact: &Fact) -> Evaluated {
        let mut found = Vec::new();
        let mut errors = Vec::new();
        let mut spent = Vec::new();
        let Some(target) = self.by_target.get(&fact.target) else {
            return (found, errors, spent);
        };
        // Only the fields the conditions read become variables (and of those read only
        // through `field.sub` selections, only the sub-fields selected), each converted
        // when an evaluation first reads it; the fields messages read are added, whole,
        // when a rule matches. A field that cannot be converted alone (never met) is
        // taken from the fact converted whole, as JSON, which gives the same value.
        let whole: std::cell::OnceCell<serde_json::Value> = std::cell::OnceCell::new();
        let want = |k: &str| match target.condition_uses.get(k) {
            None => values::Want::No,
            Some(None) => values::Want::Whole,
            Some(Some(fields)) => values::Want::Fields(fields),
        };
        let source = |k: &str| -> Option<cel::Value> {
            let w = want(k);
            if matches!(w, values::Want::No) {
                return None;
            }
            let alone = match view::top_field(&fact.data, k, w) {
                Some(r) => r.map(Some),
                None => {
                    let only = |n: &str| if n == k { w } else { values::Want::No };
                    values::fields(&fact.data, &only).map(|mut vars| vars.pop().map(|(_, v)| v))
                }
            };
            match alone {
                Ok(v) => v,
                Err(_) => match whole.get_or_init(|| fact.to_value()) {
                    serde_json::Value::Object(o) => o.get(k).map(condition::json_to_cel),
                    _ => None,
                },
            }
        };
        // `top.field` selections (`ssl.present`) read the field alone, without the others
        // of `top` (the TLS cipher list...), until `top` is read whole.
        let fields = |top: &str, field: &str| -> Option<Option<cel::Value>> {
            view::sub_field(&fact.data, top, field)?.ok()
        };
        let scope = condition::Scope::lazy_fields(&source, &fields, &target.table);
        // Top-level fields converted whole for `here`, shared by the findings of every rule.
        let mut tops: Vec<(String, Option<cel::Value>)> = Vec::new();
        let finding = |ri: usize, message: Text, at: Option<&str>| {
            let (_, meta) = &self.rules[ri];
            let mut location = fact.location.clone();
            let mut identity = fact.identity.clone();
            if let Some(path) = at {
                if let Some(region) = fact.data.locate(path) {
                    location.region = Some(region);
                }
                // Paths, not lines, so the fingerprint survives edits that move lines.
                identity = format!("{identity}#{path}");
            }
            Finding {
                rule_id: meta.id.clone(),
                rule_index: ri,
                severity: meta.severity,
                message,
                location,
                related: fact.data.related(),
                fingerprint: fingerprint(&meta.id, &fact.location.uri, &identity),
                suppression: None,
                baseline_state: None,
            }
        };
        for &ri in &target.rules {
            let (rule, _) = &self.rules[ri];
            let started = self.timed.then(Instant::now);
            let outcome = rule.condition.eval_bool(&scope);
            let paths = match (&outcome, &rule.at) {
                (Ok(true), Some(at)) => Some(at.eval_ref(&scope).and_then(|v| at_paths(&v))),
                _ => None,
            };
            if let Some(started) = started {
                spent.push((ri, started.elapsed()));
            }
            match (outcome, paths) {
                (Ok(true), None) => {
                    let (en, fr) = condition::Template::render_pair(
                        &rule.message_en,
                        &rule.message_fr,
                        &scope,
                    );
                    found.push(finding(ri, Text { en, fr }, None));
                }
                (Ok(true), Some(Ok(paths))) => {
                    for path in paths {
                        let first = path.split('.').next().unwrap_or_default();
                        let top = match tops.iter().find(|(k, _)| k == first) {
                            Some((_, v)) => v.clone(),
                            None => {
                                let v = top_field(fact, first);
                                tops.push((first.to_string(), v.clone()));
                                v
                            }
                        };
                        let here = top.and_then(|t| here_cel(t, &path)).unwrap_or_else(|| {
                            condition::json_to_cel(here(
                                whole.get_or_init(|| fact.to_value()),
                                &path,
                            ))
                        });
                        let inner = scope.with(vec![
                            ("at", cel::Value::String(std::sync::Arc::new(path.clone()))),
                            ("here", here),
                        ]);
                        let (en, fr) = condition::Template::render_pair(
                            &rule.message_en,
                            &rule.message_fr,
                            &inner,
                        );
                        found.push(finding(ri, Text { en, fr }, Some(&path)));
                    }
                }
                (Ok(true), Some(Err(e))) | (Err(e), _) => errors.push(RuleError {
                    rule: ri,
                    location: fact.location.clone(),
                    message: e,
                }),
                (Ok(false), _) => {}
            }
        }
        (found, errors, spent)
    }

    /// Moves the per-rule totals into `timings`.
    fn timings_into(&self, timings: &mut Timings) {
        if let Ok(totals) = self.spent.lock() {
            for (ri, (d, n)) in totals.iter().enumerate() {
                if *n == 0 {
                    continue;
                }
                let entry = timings
                    .rules
                    .entry(self.rules[ri].1.id.clone())
                    .or_default();
                entry.0 += *d;
                entry.1 += *n;
            }
        }
    }
}

/// One notification per rule that failed to evaluate, naming the first fact.
fn error_notes(rules: &[(&LoadedRule, RuleMeta)], errs: Vec<RuleError>) -> Vec<Notification> {
    let mut by_rule: BTreeMap<usize, Vec<RuleError>> = BTreeMap::new();
    for e in errs {
        by_rule.entry(e.rule).or_default().push(e);
    }
    let mut notes = Vec::new();
    for (ri, errs) in by_rule {
        let (_, meta) = &rules[ri];
        let first = &errs[0];
        let more = if errs.len() > 1 {
            format!(" (and {} more facts)", errs.len() - 1)
        } else {
            String::new()
        };
        notes.push(Notification {
            level: NotificationLevel::Warning,
            code: "rule-evaluation-error".into(),
            message: format!(
                "rule {} could not be evaluated: {}{more}",
                meta.id, first.message
            ),
            location: Some(first.location.clone()),
            rule_id: Some(meta.id.clone()),
        });
    }
    notes
}

/// Field paths an `at:` expression evaluated to (a string or a list of strings).
fn at_paths(v: &cel::Value) -> Result<Vec<String>, String> {
    match v {
        cel::Value::String(s) => Ok(vec![s.to_string()]),
        cel::Value::List(l) => l
            .iter()
            .map(|x| match x {
                cel::Value::String(s) => Ok(s.to_string()),
                other => Err(format!(
                    "`at` must give field paths (strings), it gave {}",
                    crate::rules::condition::display_value(other)
                )),
            })
            .collect(),
        other => Err(format!(
            "`at` must give a field path or a list of them, it gave {}",
            crate::rules::condition::display_value(other)
        )),
    }
}

/// The value a finding at `path` is about, for message templates (`here`): the deepest
/// list entry on the path (the processor, the device...), else the deepest object.
fn here<'a>(root: &'a serde_json::Value, path: &str) -> &'a serde_json::Value {
    let mut cur = root;
    let mut item: Option<&serde_json::Value> = None;
    let mut obj = root;
    for seg in path.split('.') {
        let next = match cur {
            serde_json::Value::Array(a) => {
                let n = seg.parse::<usize>().ok().and_then(|i| a.get(i));
                if let Some(v) = n.filter(|v| v.is_object()) {
                    item = Some(v);
                }
                n
            }
            serde_json::Value::Object(o) => o.get(seg),
            _ => None,
        };
        let Some(next) = next else { break };
        if next.is_object() {
            obj = next;
        }
        cur = next;
    }
    item.unwrap_or(obj)
}

/// A top-level field of the fact converted whole, alone.
fn top_field(fact: &Fact, name: &str) -> Option<cel::Value> {
    whole_fields(&fact.data, &[name])
        .ok()?
        .pop()
        .map(|(_, v)| v)
}

/// The top-level fields `names` of a fact, each converted whole (those it lacks are left
/// out): one at a time when the fact lists its fields ([`view::top_field`]), else in
/// one walk of the whole fact.
fn whole_fields(
    data: &crate::facts::FactData,
    names: &[&str],
) -> Result<Vec<(String, cel::Value)>, values::Error> {
    let mut out = Vec::with_capacity(names.len());
    let mut rest = Vec::new();
    for &n in names {
        match view::top_field(data, n, values::Want::Whole) {
            Some(v) => out.push((n.to_string(), v?)),
            None => rest.push(n),
        }
    }
    if !rest.is_empty() {
        let want = |k: &str| {
            if rest.contains(&k) {
                values::Want::Whole
            } else {
                values::Want::No
            }
        };
        out.extend(values::fields(data, &want)?);
    }
    Ok(out)
}

/// [`here`] walked over CEL values from `top`, the fact's top-level field that the path
/// starts with (a record's `data_categories`, not the whole record); `None` when the
/// answer is the whole fact.
fn here_cel(top: cel::Value, path: &str) -> Option<cel::Value> {
    let segs = path.split('.').skip(1);
    let mut cur = top;
    let is_map = |v: &cel::Value| matches!(v, cel::Value::Map(_));
    let mut obj = is_map(&cur).then(|| cur.clone());
    let mut item = None;
    for seg in segs {
        let next = match &cur {
            cel::Value::List(a) => {
                let n = seg.parse::<usize>().ok().and_then(|i| a.get(i).cloned());
                if let Some(v) = n.as_ref().filter(|v| is_map(v)) {
                    item = Some(v.clone());
                }
                n
            }
            cel::Value::Map(m) => m.get(&cel::objects::KeyRef::String(seg)).cloned(),
            _ => None,
        };
        let Some(next) = next else { break };
        if is_map(&next) {
            obj = Some(next.clone());
        }
        cur = next;
    }
    item.or(obj)
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
    let mut index = RuleIndex::new(rules);
    index.timed = obs.times_rules();
    let (findings, errors) = evaluate_raw(&index, facts, jobs, obs);
    index.timings_into(timings);
    (findings, error_notes(rules, errors))
}

fn evaluate_raw(
    index: &RuleIndex<'_>,
    facts: &[Fact],
    jobs: usize,
    obs: &dyn Observer,
) -> (Vec<Finding>, Vec<RuleError>) {
    obs.evaluating(facts.len());
    let outcomes: Vec<Evaluated> = run_in_pool(jobs, || {
        facts
            .par_iter()
            .with_max_len(PAR_CHUNK)
            .map(|f| {
                let r = index.eval_fact(f);
                obs.evaluated();
                r
            })
            .collect()
    });
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    for (f, e, spent) in outcomes {
        findings.extend(f);
        errors.extend(e);
        index.record(spent);
    }
    (findings, errors)
}

/// Marks suppressed findings; reports expired suppressions.
pub fn apply_suppressions(
    findings: &mut [Vec<Finding>],
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
        for f in findings.iter_mut().flatten() {
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
                f.suppression = Some(Box::new(Suppression {
                    reason: s.reason.clone(),
                    owner: s.owner.clone(),
                    expires: s.expires.clone(),
                    source: Some(format!("{cfg_path}:{}", s.line)),
                }));
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

/// The findings of `parts` in report order: most severe first, then by rule id, file,
/// position and fingerprint; findings equal in all of these keep the order of `parts`,
/// and of those with the same fingerprint and location only the first is kept.
///
/// A large scan has hundreds of thousands of findings of a few hundred bytes each: rather
/// than sorting the findings themselves (moving each many times, with a scratch copy of
/// half of them), a small key per finding is sorted on the pool, then the findings are put
/// in that order in place.
fn order_findings(mut parts: Vec<Vec<Finding>>) -> Vec<Finding> {
    // The largest part (a large scan's findings) is kept where it is, the others moved
    // after it; `virtual_at` gives each position's place in the order of `parts`.
    let largest = (0..parts.len())
        .max_by_key(|&i| (parts[i].len(), std::cmp::Reverse(i)))
        .unwrap_or(0);
    let mut offsets = Vec::with_capacity(parts.len());
    let mut total = 0;
    for p in &parts {
        offsets.push(total);
        total += p.len();
    }
    let mut all = match parts.get_mut(largest) {
        Some(p) => std::mem::take(p),
        None => Vec::new(),
    };
    // (physical start, virtual start) of each segment of `all`.
    let mut segments = vec![(0, offsets.get(largest).copied().unwrap_or(0))];
    all.reserve_exact(total - all.len());
    for (part, offset) in parts.into_iter().zip(offsets) {
        if !part.is_empty() {
            segments.push((all.len(), offset));
            all.extend(part);
        }
    }
    let mut virtual_at = Vec::with_capacity(all.len());
    for (i, &(start, offset)) in segments.iter().enumerate() {
        let end = segments.get(i + 1).map_or(all.len(), |s| s.0);
        virtual_at.extend((start..end).map(|p| p - start + offset));
    }
    let order = sorted_positions(&all, &virtual_at);
    permute(&mut all, order);
    all.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.location == b.location);
    all
}

/// The positions of `findings` in report order (see [`order_findings`]).
/// `tie[i]` decides between findings equal on every key.
fn sorted_positions(findings: &[Finding], tie: &[usize]) -> Vec<usize> {
    let ranks = Ranks::of(findings);
    struct Key {
        severity: std::cmp::Reverse<Severity>,
        rule: u32,
        uri: u32,
        region: (u64, u64),
        /// The fingerprint's first bytes (zero-padded): decides nearly every tie without
        /// reading the string.
        fingerprint_head: [u8; 16],
        tie: usize,
        at: usize,
    }
    let mut keys: Vec<Key> = findings
        .par_iter()
        .enumerate()
        .map_init(
            || ranks.reader(),
            |r, (at, f)| {
                let mut fingerprint_head = [0u8; 16];
                for (d, s) in fingerprint_head.iter_mut().zip(f.fingerprint.bytes()) {
                    *d = s;
                }
                let (rule, uri) = r.get(f);
                Key {
                    severity: std::cmp::Reverse(f.severity),
                    rule,
                    uri,
                    region: region_key(&f.location),
                    fingerprint_head,
                    tie: tie.get(at).copied().unwrap_or(at),
                    at,
                }
            },
        )
        .collect();
    let fingerprint = |k: &Key| findings.get(k.at).map(|f| f.fingerprint.as_str());
    // Every key differs (by `tie` at last): an unstable sort gives the stable order.
    keys.par_sort_unstable_by(|a, b| {
        (a.severity, a.rule, a.uri, a.region, a.fingerprint_head)
            .cmp(&(b.severity, b.rule, b.uri, b.region, b.fingerprint_head))
            .then_with(|| fingerprint(a).cmp(&fingerprint(b)))
            .then_with(|| a.tie.cmp(&b.tie))
    });
    keys.into_iter().map(|k| k.at).collect()
}

/// Rule ids and file paths of findings by rank in sorted order: few distinct values,
/// compared as integers. Findings of a file come in runs, and a rule index nearly always
/// stands for one rule id: both are remembered, so few findings need hashing.
struct Ranks<'a> {
    rule: HashMap<&'a str, u32>,
    uri: HashMap<&'a str, u32>,
}

impl<'a> Ranks<'a> {
    fn of(findings: &'a [Finding]) -> Self {
        let mut rules: Vec<&str> = Vec::new();
        let mut uris: Vec<&str> = Vec::new();
        let mut seen_rule: Vec<Option<&str>> = Vec::new();
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut last_uri: Option<&str> = None;
        for f in findings {
            let id = f.rule_id.as_str();
            match seen_rule.get(f.rule_index) {
                Some(Some(known)) if *known == id => {}
                _ => {
                    if seen.insert(id) {
                        rules.push(id);
                    }
                    if f.rule_index < 1 << 16 {
                        if seen_rule.len() <= f.rule_index {
                            seen_rule.resize(f.rule_index + 1, None);
                        }
                        seen_rule[f.rule_index] = Some(id);
                    }
                }
            }
            let uri = f.location.uri.as_str();
            if last_uri != Some(uri) {
                last_uri = Some(uri);
                uris.push(uri);
            }
        }
        let rank = |mut v: Vec<&'a str>| -> HashMap<&'a str, u32> {
            v.sort_unstable();
            v.dedup();
            v.into_iter().zip(0..).collect()
        };
        Ranks {
            rule: rank(rules),
            uri: rank(uris),
        }
    }

    fn reader(&self) -> RankReader<'_, 'a> {
        RankReader {
            ranks: self,
            by_index: Vec::new(),
            last_uri: None,
        }
    }
}

/// Looks up ranks, remembering the rank of each rule index and of the last path.
struct RankReader<'r, 'a> {
    ranks: &'r Ranks<'a>,
    by_index: Vec<Option<(&'a str, u32)>>,
    last_uri: Option<(&'a str, u32)>,
}

impl<'a> RankReader<'_, 'a> {
    fn get(&mut self, f: &'a Finding) -> (u32, u32) {
        let id = f.rule_id.as_str();
        let rule = match self.by_index.get(f.rule_index) {
            Some(Some((known, rank))) if *known == id => *rank,
            _ => {
                let rank = self.ranks.rule.get(id).copied().unwrap_or(u32::MAX);
                if f.rule_index < 1 << 16 {
                    if self.by_index.len() <= f.rule_index {
                        self.by_index.resize(f.rule_index + 1, None);
                    }
                    self.by_index[f.rule_index] = Some((id, rank));
                }
                rank
            }
        };
        let uri = f.location.uri.as_str();
        let uri = match self.last_uri {
            Some((last, rank)) if last == uri => rank,
            _ => {
                let rank = self.ranks.uri.get(uri).copied().unwrap_or(u32::MAX);
                self.last_uri = Some((uri, rank));
                rank
            }
        };
        (rule, uri)
    }
}

/// Reorders `items` so that position `k` holds what was at `order[k]` (`order` being a
/// permutation), moving each item about once: every cycle of the permutation is followed
/// by swaps.
fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    for start in 0..order.len() {
        let mut at = start;
        // `order[at] == at` marks a position already filled.
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
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
    let (report, timings, _) = scan_keeping(opts, rules, config, obs, Target::KEEP_NONE);
    (report, timings)
}

/// [`scan_observed`], also returning the facts of the `keep` targets (the components
/// for `--sbom`), in extraction order.
pub fn scan_keeping(
    opts: &ScanOptions,
    rules: &RuleSet,
    config: &Config,
    obs: &dyn Observer,
    keep: &[Target],
) -> (Report, Timings, Vec<Fact>) {
    let started = Instant::now();
    let mut timings = Timings::default();
    let start_time = now_rfc3339();
    let active = active_rules(rules, config);
    let mut index = RuleIndex::new(&active);
    index.timed = obs.times_rules();
    let extraction = extract_with(opts, Some(&index), obs, &mut timings);
    let (evaluated, mut errors) = evaluate_raw(&index, &extraction.facts, opts.jobs, obs);
    index.timings_into(&mut timings);
    // Findings of kept facts first, then the streamed ones (in parts, one per host).
    let mut parts = Vec::with_capacity(extraction.findings.len() + 1);
    parts.push(evaluated);
    parts.extend(extraction.findings);
    errors.extend(extraction.rule_errors);
    let mut notifications = error_notes(&active, errors);
    notifications.extend(extraction.notifications);
    if !opts.no_suppressions {
        notifications.extend(apply_suppressions(&mut parts, config, opts.as_of));
    }
    // Rules of the report: the active ones, in id order (their index is rule_index).
    let metas: Vec<RuleMeta> = active.iter().map(|(_, m)| m.clone()).collect();
    let findings = run_in_pool(opts.jobs, || order_findings(parts));
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
    // Freeing tens of thousands of facts is work too: on the pool, not serially.
    let facts = extraction.facts;
    let kept = run_in_pool(opts.jobs, || {
        facts
            .into_par_iter()
            .filter(|f| keep.contains(&f.target))
            .collect()
    });
    (report, timings, kept)
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

    /// The key sort and in-place permutation give what sorting the findings themselves
    /// gives (the order the report had before), duplicates included, on findings that
    /// tie on every key but their position or differ in one key only.
    #[test]
    fn findings_are_ordered_as_a_stable_sort_would() {
        let mut next = crate::testing::seeded(0x2545_f491_4f6c_dd1d);
        let severities = [
            Severity::Low,
            Severity::Medium,
            Severity::High,
            Severity::Critical,
        ];
        let mut parts: Vec<Vec<Finding>> = Vec::new();
        for p in 0..40 {
            let mut part = Vec::new();
            // One large part in the middle: it is kept in place, the others moved.
            let size = if p == 20 { 400 } else { next(60) };
            for _ in 0..size {
                let line = next(5) as u32 + 1;
                part.push(Finding {
                    rule_id: format!("NET-00{}", next(4)),
                    // Rule indexes that stand for one id or for several.
                    rule_index: next(3),
                    severity: severities[next(4)],
                    message: Text {
                        // Tells apart findings that tie on every key.
                        en: format!("{}", next(1_000_000)),
                        fr: String::new(),
                    },
                    location: Location {
                        uri: ["b.xml", "a.xml", "a.xml!/x", "ab"][next(4)].into(),
                        artifact: None,
                        region: (next(5) > 0).then_some(Region::Text {
                            start_line: line,
                            start_column: (next(2) == 0).then_some(1),
                            end_line: None,
                        }),
                        logical: None,
                    },
                    related: Vec::new(),
                    // Short, long and shared fingerprints, some equal on 16 bytes.
                    fingerprint: match next(4) {
                        0 => format!("{:x}", next(4)),
                        1 => format!("{:032x}", next(3)),
                        2 => format!("0123456789abcdef{}", next(3)),
                        _ => format!("{:032x}", next(usize::MAX)),
                    },
                    suppression: None,
                    baseline_state: None,
                });
            }
            parts.push(part);
        }
        let mut expected: Vec<Finding> = parts.iter().flatten().cloned().collect();
        expected.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule_id.cmp(&b.rule_id))
                .then_with(|| a.location.uri.cmp(&b.location.uri))
                .then_with(|| region_key(&a.location).cmp(&region_key(&b.location)))
                .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        });
        expected.dedup_by(|a, b| a.fingerprint == b.fingerprint && a.location == b.location);
        let total: usize = parts.iter().map(Vec::len).sum();
        let got = order_findings(parts);
        // Duplicates were met and dropped.
        assert!(
            got.len() > 500 && got.len() + 50 < total,
            "{} of {total}",
            got.len()
        );
        assert!(got == expected, "not the order of a stable sort");
    }

    /// Room is made for the whole scan at the rate seen, and only when needed.
    #[test]
    fn findings_room_follows_the_rate_of_the_scan() {
        let block = targets::service::stream::BLOCK as u64;
        let mut v: Vec<Finding> = Vec::new();
        reserve_findings(&mut v, 100, 1, 10 * block);
        assert!((1100..1200).contains(&v.capacity()), "{}", v.capacity());
        let before = v.capacity();
        reserve_findings(&mut v, 900, 2, 10 * block);
        assert_eq!(v.capacity(), before);
        // At the end of the input (or past what was announced): just what is needed.
        let mut w: Vec<Finding> = Vec::new();
        reserve_findings(&mut w, 7, 3, block);
        assert!((7..8).contains(&w.capacity()), "{}", w.capacity());
        let mut z: Vec<Finding> = Vec::new();
        reserve_findings(&mut z, 0, 1, 10 * block);
        assert_eq!(z.capacity(), 0);
        // An estimate beyond what can be allocated (a huge scan dense in findings): only
        // the room needed now, no abort.
        let mut huge: Vec<Finding> = Vec::new();
        reserve_findings(&mut huge, 1_000, 1, u64::MAX);
        assert!(
            (1_000..1_000_000).contains(&huge.capacity()),
            "{}",
            huge.capacity()
        );
    }

    #[test]
    fn permutation_in_place() {
        let mut items: Vec<char> = "abcdefg".chars().collect();
        permute(&mut items, vec![3, 0, 1, 2, 6, 5, 4]);
        assert_eq!(items.iter().collect::<String>(), "dabcgfe");
        let mut none: Vec<char> = Vec::new();
        permute(&mut none, Vec::new());
        assert!(none.is_empty());
    }

    #[test]
    fn join_keeps_streamed_hosts_within_its_budget() {
        use crate::facts::FactData;
        use crate::targets::service::HostFact;
        let host = |a: &str| Fact {
            target: Target::Host,
            location: Location {
                uri: "scan.xml".into(),
                ..Location::default()
            },
            identity: format!("host:{a}"),
            data: FactData::Host(Box::new(HostFact {
                address: a.into(),
                status: "up".into(),
                ..HostFact::default()
            })),
        };
        let facts = [host("10.0.0.1"), host("10.0.0.2"), host("10.0.0.3")];
        let network = || {
            facts
                .iter()
                .filter_map(targets::deployment::project)
                .collect::<Vec<_>>()
        };
        let budget = AtomicUsize::new(2);
        let mut out = PerFile::default();
        keep_for_join(network(), &budget, &mut out);
        assert_eq!(out.network.len(), 2);
        assert_eq!(out.notifications.len(), 1);
        assert_eq!(out.notifications[0].code, "deployment-evidence-truncated");
        // Later files of the same scan keep nothing more, and say so once each.
        let mut more = PerFile::default();
        keep_for_join(network(), &budget, &mut more);
        assert!(more.network.is_empty());
        assert_eq!(more.notifications.len(), 1);
    }

    /// Hosts and open ports of a streamed scan are projected for the deployment join only
    /// when the scan may hold a processing record: a scan of a /16 alone keeps none.
    #[test]
    fn nmap_hosts_are_kept_for_the_join_only_when_records_may_join_them() {
        let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/demo-territory");
        let scan = discover::Candidate {
            display: "iot-network.xml".into(),
            path: demo.join("network/iot-network.xml"),
        };
        let opts = ScanOptions {
            inputs: vec![demo.clone()],
            as_of: parse_date("2026-11-28").unwrap(),
            p12_passwords: Vec::new(),
            jobs: 1,
            discover: DiscoverOptions::default(),
            no_suppressions: false,
            previous_scan: None,
        };
        let rules = Vec::new();
        let index = RuleIndex::new(&rules);
        for join in [false, true] {
            let ctx = extract_context(&opts, None, join);
            let out = stream_nmap(&scan, &ctx, Some(&index));
            assert_eq!(!out.network.is_empty(), join);
            assert!(out.facts.iter().all(|f| !streamed(f.target)));
        }
        let declaration = discover::Candidate {
            display: "comptage-wifi.yaml".into(),
            path: demo.join("declarations/comptage-wifi.yaml"),
        };
        let image = discover::Candidate {
            display: "lumiere-ctrl-v3.0.squashfs".into(),
            path: demo.join("firmware/lumiere-ctrl-v3.0.squashfs"),
        };
        assert!(!discover::may_hold_declaration(&scan));
        assert!(discover::may_hold_declaration(&declaration));
        assert!(discover::may_hold_declaration(&image));
    }

    /// The value a message calls `here`, walked over CEL values from one field, is the
    /// one walked over the whole fact as JSON.
    #[test]
    fn here_from_one_field_equals_here_from_the_whole_fact() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let file = root.join("fixtures/demo-territory/declarations");
        let opts = ScanOptions {
            inputs: vec![file],
            as_of: parse_date("2026-11-28").unwrap(),
            p12_passwords: vec![],
            jobs: 1,
            discover: Default::default(),
            no_suppressions: true,
            previous_scan: None,
        };
        let facts = extract(&opts).facts;
        assert!(!facts.is_empty());
        let mut compared = 0;
        for fact in &facts {
            let json = fact.to_value();
            for path in [
                "data_categories.0.retention.duration_days",
                "data_categories.1",
                "processors.0.art28_contract",
                "processing.start_date",
                "devices.0.ip",
                "dpia.required",
                "controller",
            ] {
                let first = path.split('.').next().unwrap_or_default();
                if let Some(v) = top_field(fact, first).and_then(|t| here_cel(t, path)) {
                    assert_eq!(v, condition::json_to_cel(here(&json, path)), "{path}");
                    compared += 1;
                }
            }
        }
        assert!(compared > 10, "{compared}");
    }

    #[test]
    fn dates() {
        let d = parse_date("2026-11-28").unwrap();
        assert_eq!(fmt_date(d), "2026-11-28");
        assert!(parse_date("2026-13-01").is_none());
    }
}
