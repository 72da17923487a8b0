//! `vigie scan`.

use super::{
    CliError, ColorChoice, Format, RuleArgs, parse_as_of, parse_lang, parse_severity, today,
    write_file,
};
use crate::config::Config;
use crate::discover::DiscoverOptions;
use crate::engine::{self, ScanOptions};
use crate::rules::load::RuleSet;
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
    /// Exit with 1 when a finding at or above this severity is not suppressed.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_severity)]
    fail_on: Severity,
    #[command(flatten)]
    rules: RuleArgs,
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
    /// Language of rule texts in text output.
    #[arg(long, default_value = "en", value_parser = parse_lang)]
    lang: Lang,
    /// Colour text output.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
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
    let rules = RuleSet::load(a.rules.no_default_rules, &a.rules.rules).map_err(CliError::Rules)?;
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
    let opts = ScanOptions {
        inputs: a.paths.clone(),
        as_of,
        p12_passwords: a.p12_password.clone(),
        jobs: a.jobs,
        discover,
        no_suppressions: a.no_suppressions,
        previous_scan: a.previous_scan.clone(),
    };
    let report = engine::scan(&opts, &rules, &config);

    if let Some(p) = &a.sarif {
        let s = sarif::render(&report).map_err(|e| CliError::Render(e.to_string()))?;
        write_file(p, &s)?;
    }
    if let Some(p) = &a.json {
        let s = json::render(&report).map_err(|e| CliError::Render(e.to_string()))?;
        write_file(p, &s)?;
    }
    let stdout = match a.format {
        Format::Text => {
            let color = match a.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            text::render(
                &report,
                text::TextOptions {
                    color,
                    lang: a.lang,
                },
            )
        }
        Format::Sarif => sarif::render(&report).map_err(|e| CliError::Render(e.to_string()))?,
        Format::Json => json::render(&report).map_err(|e| CliError::Render(e.to_string()))?,
    };
    print!("{stdout}");
    Ok(engine::exit_code(&report, a.fail_on))
}
