//! `vigie scan`.

use super::output::{PeopleOutputs, Progress, print_timings};
use super::{
    CliError, ColorChoice, Format, RuleArgs, parse_as_of, parse_lang, parse_severity, to_stdout,
    today, write_file, write_with,
};
use crate::config::Config;
use crate::discover::DiscoverOptions;
use crate::engine::{self, ScanOptions};
use crate::rules::load::{RuleSet, TrustPolicy};
use crate::rules::pack::Lock;
use crate::rules::profile;
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;
use vigie_reports::{Lang, Severity, json, sarif, text};

/// Arguments of `vigie scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write SARIF 2.1.0 to FILE.
    #[arg(long, value_name = "FILE")]
    sarif: Option<PathBuf>,
    /// Also write the JSON report to FILE.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Also write a CycloneDX 1.5 JSON SBOM of the software components found to FILE.
    #[arg(long, value_name = "FILE")]
    sbom: Option<PathBuf>,
    #[command(flatten)]
    people: PeopleOutputs,
    /// Exit with 1 when a finding at or above this severity is not suppressed.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    fail_on: Severity,
    #[command(flatten)]
    rules: RuleArgs,
    /// Run packs that are unsigned or signed by a key not trusted for their publisher;
    /// every finding of theirs is marked `unsigned pack`.
    #[arg(long)]
    allow_unsigned: bool,
    /// Lockfile pinning the packs (default: vigie.lock beside vigie.toml, when present).
    #[arg(long, value_name = "FILE")]
    lock: Option<PathBuf>,
    /// Run only the rules of this profile (repeatable), e.g. etsi-en-303-645, anssi.
    #[arg(long, value_name = "NAME")]
    profile: Vec<String>,
    /// Write the conformity matrix of the selected profiles: Markdown, or JSON when FILE
    /// ends with `.json`.
    #[arg(long, value_name = "FILE", requires = "profile")]
    matrix: Option<PathBuf>,
    /// "Today" for time-based rules (YYYY-MM-DD); default: vigie.toml's `as_of`, else today.
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    as_of: Option<time::Date>,
    /// Worker threads (default: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Password to try on PKCS#12 stores (repeatable; the empty password is always tried).
    #[arg(long, value_name = "PASSWORD")]
    p12_password: Vec<String>,
    /// Configuration file (default: vigie.toml in the first scanned directory).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore suppressions: show and count every finding.
    #[arg(long)]
    no_suppressions: bool,
    /// An earlier nmap XML scan of the same network: services that were not open in it are
    /// marked `new_since_previous_scan` (rule NET-032 reports them as new exposures).
    #[arg(long, value_name = "OLD.xml")]
    previous_scan: Option<PathBuf>,
    /// Language of rule texts (default: English for text output, French for the HTML,
    /// Markdown and PDF reports).
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
    /// Colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// No progress bars (they are only drawn on a terminal anyway).
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print the time spent per extractor and per rule, slowest first, on stderr.
    #[arg(long)]
    timings: bool,
}

/// Runs a scan; returns the exit code (0, 1 or 3; errors are 2).
pub fn run(a: ScanArgs) -> Result<i32, CliError> {
    let config = match &a.config {
        Some(p) => Config::load(p)?,
        None => match Config::discover(&a.paths) {
            Some(p) => Config::load(&p)?,
            None => Config::default(),
        },
    };
    let mut config = config;
    let lock_path = match &a.lock {
        Some(p) => Some(p.clone()),
        None => config
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|d| d.join("vigie.lock"))
            .filter(|p| p.is_file()),
    };
    let lock = match &lock_path {
        Some(p) => Some((p.display().to_string(), Lock::load(p)?)),
        None => None,
    };
    let policy = TrustPolicy {
        keys: config.trusted_keys.clone(),
        allow_unsigned: a.allow_unsigned,
        lock,
    };
    let rules = RuleSet::load_sources(a.rules.no_default_rules, &a.rules.sources()?, Some(&policy))
        .map_err(CliError::Rules)?;
    if !a.profile.is_empty() {
        let known = profile::known(&rules);
        for p in &a.profile {
            if !known.contains(p) {
                return Err(CliError::Usage(format!(
                    "unknown profile `{p}` (known: {})",
                    known.into_iter().collect::<Vec<_>>().join(", ")
                )));
            }
        }
        config.profiles = a.profile.clone();
    }
    for id in config.rules.keys() {
        if rules.get(id).is_none() {
            return Err(CliError::Usage(format!(
                "configuration names unknown rule `{id}`"
            )));
        }
    }
    let as_of = match (a.as_of, config.as_of.as_deref()) {
        (Some(d), _) => d,
        (None, Some(s)) => parse_as_of(s).map_err(CliError::Usage)?,
        (None, None) => today(),
    };
    let mut discover = DiscoverOptions::default();
    if let Some(m) = config.limits.max_file_size {
        discover.max_file_size = m;
    }
    discover.image_limits = config.limits.image_limits();
    let opts = ScanOptions {
        inputs: a.paths.clone(),
        as_of,
        p12_passwords: a.p12_password.clone(),
        jobs: a.jobs,
        discover,
        no_suppressions: a.no_suppressions,
        previous_scan: a.previous_scan.clone(),
    };
    let progress = Progress::new(a.quiet).timing_rules(a.timings);
    let keep: &[crate::facts::Target] = if a.sbom.is_some() {
        &[crate::facts::Target::Component]
    } else {
        crate::facts::Target::KEEP_NONE
    };
    let (mut report, timings, components) =
        engine::scan_keeping(&opts, &rules, &config, &progress, keep);
    progress.finish();
    if let Some(p) = &a.sbom {
        let bom = crate::targets::firmware::components::sbom(&components, as_of)
            .map_err(CliError::Render)?;
        std::fs::write(p, bom).map_err(|source| CliError::Io {
            path: p.display().to_string(),
            source,
        })?;
    }
    if a.timings {
        print_timings(&timings);
    }
    a.people.apply_baseline(&mut report)?;
    a.people
        .write(&report, a.lang.unwrap_or(Lang::Fr), a.sarif.as_deref())?;

    // The report files and the text for stdout do not depend on each other: they are
    // produced at the same time (on a large scan each takes a tenth of a second or more).
    let color = match a.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let (files, stdout) = rayon::join(
        || -> Result<(), CliError> {
            if let Some(p) = &a.sarif {
                write_with(p, |out| {
                    sarif::write(&report, out).map_err(|e| CliError::Render(e.to_string()))
                })?;
            }
            if let Some(p) = &a.matrix {
                let matrices: Vec<profile::Matrix> = a
                    .profile
                    .iter()
                    .filter_map(|name| profile::matrix(&rules, &report, name))
                    .collect();
                let s = if p.extension().is_some_and(|e| e == "json") {
                    serde_json::to_string_pretty(&matrices)
                        .map_err(|e| CliError::Render(e.to_string()))?
                        + "\n"
                } else {
                    profile::markdown(&matrices)
                };
                write_file(p, &s)?;
            }
            if let Some(p) = &a.json {
                write_with(p, |out| {
                    json::write(&report, out).map_err(|e| CliError::Render(e.to_string()))
                })?;
            }
            Ok(())
        },
        || match a.format {
            Format::Text => text::render(
                &report,
                text::TextOptions {
                    color,
                    lang: a.lang.unwrap_or(Lang::En),
                },
            ),
            Format::Sarif | Format::Json => String::new(),
        },
    );
    files?;
    // Machine formats are serialised straight to stdout: the report of a large scan is
    // never held whole as text.
    let code = engine::exit_code(&report, a.fail_on);
    let written = match a.format {
        Format::Sarif => {
            to_stdout(|out| sarif::write(&report, out).map_err(|e| CliError::Render(e.to_string())))
        }
        Format::Json => {
            to_stdout(|out| json::write(&report, out).map_err(|e| CliError::Render(e.to_string())))
        }
        Format::Text => {
            print!("{stdout}");
            Ok(())
        }
    };
    // The process ends once this returns. Freeing a large scan's report, finding by
    // finding and mostly from another thread's heap, took a fifth of a second of serial
    // work at the end of a 500 MB scan; the system takes the memory back at exit at once.
    std::mem::forget(report);
    written.map(|()| code)
}
