//! `vigie report SCAN.sarif`: renders the people's outputs (HTML, Markdown, PDF) from a
//! SARIF file written earlier, so a CI artifact becomes a DPO deliverable later.

use super::output::{PeopleOutputs, read_sarif};
use super::{CliError, parse_lang};
use clap::Args;
use std::path::PathBuf;
use vigie_reports::{Lang, text};

/// Arguments of `vigie report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A SARIF file written by `vigie scan --sarif` (or `--format sarif`).
    sarif: PathBuf,
    #[command(flatten)]
    out: PeopleOutputs,
    /// Language of the reports (default: French for HTML, Markdown and PDF; English
    /// for the text summary).
    #[arg(long, value_parser = parse_lang)]
    lang: Option<Lang>,
}

/// Renders the outputs; prints the text summary when no file is asked for.
pub fn run(a: ReportArgs) -> Result<i32, CliError> {
    let mut report = read_sarif(&a.sarif)?;
    a.out.apply_baseline(&mut report)?;
    a.out
        .write(&report, a.lang.unwrap_or(Lang::Fr), Some(&a.sarif))?;
    if a.out.html.is_none() && a.out.markdown.is_none() && a.out.pdf.is_none() {
        print!(
            "{}",
            text::render(
                &report,
                text::TextOptions {
                    color: false,
                    lang: a.lang.unwrap_or(Lang::En),
                },
            )
        );
    }
    Ok(0)
}
