//! Command-line interface (clap derive): `scan`, `report`, `facts`, `rules {list,
//! explain, validate, test, doc, new}`, `pack {build, sign, verify, lock, keygen}`.

mod authoring;
mod declaration;
mod facts;
mod output;
mod pack;
mod report;
mod rules;
mod scan;

use crate::config::ConfigError;
use crate::rules::load::{RuleError, RuleSet};
use crate::rules::pack::PackSource;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::ffi::OsString;
use vigie_reports::{Lang, Severity};

/// Errors that stop a command (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Rule files are invalid.
    #[error("{}", render_rule_errors(.0))]
    Rules(Vec<RuleError>),
    /// Configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A file cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Invalid arguments.
    #[error("{0}")]
    Usage(String),
    /// A pack cannot be built, signed, verified or fetched.
    #[error(transparent)]
    Pack(#[from] crate::rules::pack::PackError),
    /// An output could not be rendered.
    #[error("cannot render output: {0}")]
    Render(String),
}

fn render_rule_errors(errs: &[RuleError]) -> String {
    let mut s: Vec<String> = errs
        .iter()
        .map(|e| e.render().trim_end().to_string())
        .collect();
    s.push(format!(
        "{} rule error{}",
        errs.len(),
        if errs.len() == 1 { "" } else { "s" }
    ));
    s.join("\n")
}

/// Output format on stdout.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Human-readable text.
    Text,
    /// SARIF 2.1.0.
    Sarif,
    /// The report model as JSON.
    Json,
}

/// When to colour text output.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal only.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Rule sources shared by commands.
#[derive(Debug, Args, Clone)]
pub struct RuleArgs {
    /// Add a rule pack (repeatable): a directory, a .tar.gz with its .minisig beside it,
    /// or a git repository `git+file://…#rev` / `git+https://…#rev`.
    #[arg(long = "rules", value_name = "SOURCE")]
    pub rules: Vec<String>,
    /// Do not load the built-in rules.
    #[arg(long)]
    pub no_default_rules: bool,
}

impl RuleArgs {
    /// The sources given with `--rules`.
    pub fn sources(&self) -> Result<Vec<PackSource>, CliError> {
        self.rules
            .iter()
            .map(|s| PackSource::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(CliError::Usage)
    }

    /// Loads the rules without a signature policy (listing, explaining).
    pub fn load(&self) -> Result<RuleSet, CliError> {
        RuleSet::load_sources(self.no_default_rules, &self.sources()?, None)
            .map_err(CliError::Rules)
    }
}

/// Vigie: security and GDPR compliance scanner for smart-territory deployments.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

// Built once per process: the size difference between variants costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
enum Command {
    /// Scan files and directories and report findings.
    Scan(Box<scan::ScanArgs>),
    /// Render the HTML, Markdown or PDF report from a SARIF file of an earlier scan.
    Report(report::ReportArgs),
    /// Print, as JSON, the facts rules see for each artifact.
    Facts(facts::FactsArgs),
    /// Inspect, validate, test, document and scaffold rules.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
    /// Build, sign, verify and pin rule packs.
    #[command(subcommand)]
    Pack(pack::PackCommand),
    /// Print the JSON Schema of an input format (`declaration`), for editors.
    Schema(declaration::SchemaArgs),
    /// Write a commented starter file.
    #[command(subcommand)]
    Init(declaration::InitCommand),
}

/// Parses `--as-of`.
pub fn parse_as_of(s: &str) -> Result<time::Date, String> {
    crate::engine::parse_date(s).ok_or_else(|| format!("`{s}` is not a date YYYY-MM-DD"))
}

fn parse_lang(s: &str) -> Result<Lang, String> {
    s.parse()
}

fn parse_severity(s: &str) -> Result<Severity, String> {
    s.parse()
}

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn write_file(path: &std::path::Path, content: &str) -> Result<(), CliError> {
    std::fs::write(path, content).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes a file through `f`, buffered, as `f` produces it.
fn write_with(
    path: &std::path::Path,
    f: impl FnOnce(&mut dyn std::io::Write) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let io = |source| CliError::Io {
        path: path.display().to_string(),
        source,
    };
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(io)?);
    f(&mut out)?;
    std::io::Write::flush(&mut out).map_err(io)
}

/// Writes to stdout through `f`, buffered, as `f` produces it.
fn to_stdout(
    f: impl FnOnce(&mut dyn std::io::Write) -> Result<(), CliError>,
) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    f(&mut out)?;
    std::io::Write::flush(&mut out).map_err(|source| CliError::Io {
        path: "<stdout>".into(),
        source,
    })
}

/// Runs the command line; returns the exit code.
pub fn run<I, T>(args: I) -> Result<i32, CliError>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return Ok(e.exit_code());
        }
    };
    match cli.command {
        Command::Scan(a) => scan::run(*a),
        Command::Report(a) => report::run(a),
        Command::Facts(a) => facts::run(a),
        Command::Rules(c) => rules::run(c),
        Command::Pack(c) => pack::run(c),
        Command::Schema(a) => declaration::schema(a),
        Command::Init(c) => declaration::init(c),
    }
}
