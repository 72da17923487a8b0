//! Outputs for people, shared by `vigie scan` and `vigie report`: HTML, Markdown, PDF,
//! plus the baseline comparison, the progress bars and `--timings`.

use super::{CliError, write_file};
use crate::engine::{Observer, Timings};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use vigie_reports::markdown::MarkdownOptions;
use vigie_reports::{Lang, Report, baseline, html, markdown, sarif_read};

/// Report files for people (shared by `scan` and `report`).
#[derive(Debug, Args, Clone)]
pub struct PeopleOutputs {
    /// Write the HTML report (self-contained, French unless `--lang en`) to FILE.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Write a Markdown summary for CI job summaries and merge-request comments to FILE.
    #[arg(long, value_name = "FILE")]
    pub markdown: Option<PathBuf>,
    /// Write the HTML report as PDF to FILE, with an installed Chromium or Chrome.
    #[arg(long, value_name = "FILE")]
    pub pdf: Option<PathBuf>,
    /// Compare with an earlier scan (SARIF): findings get a baseline state, and
    /// `--fail-on` counts only new findings.
    #[arg(long, value_name = "OLD.sarif")]
    pub baseline: Option<PathBuf>,
}

/// Reads a SARIF file into a report.
pub fn read_sarif(path: &Path) -> Result<Report, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })?;
    sarif_read::parse(&text).map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))
}

impl PeopleOutputs {
    /// Applies `--baseline` to the report.
    pub fn apply_baseline(&self, report: &mut Report) -> Result<(), CliError> {
        if let Some(p) = &self.baseline {
            let old = read_sarif(p)?;
            baseline::compare(report, &old);
        }
        Ok(())
    }

    /// Writes the HTML, Markdown and PDF files asked for. `sarif` is where the full
    /// results are, for the Markdown link.
    pub fn write(&self, report: &Report, lang: Lang, sarif: Option<&Path>) -> Result<(), CliError> {
        let needs_html = self.html.is_some() || self.pdf.is_some();
        let page = if needs_html {
            Some(
                html::render(report, html::HtmlOptions { lang })
                    .map_err(|e| CliError::Render(e.to_string()))?,
            )
        } else {
            None
        };
        if let (Some(p), Some(page)) = (&self.html, &page) {
            write_file(p, page)?;
        }
        if let Some(p) = &self.markdown {
            let md = markdown::render(
                report,
                &MarkdownOptions {
                    lang,
                    sarif: sarif.map(|s| s.display().to_string()),
                },
            );
            write_file(p, &md)?;
        }
        if let (Some(p), Some(page)) = (&self.pdf, &page) {
            print_pdf(page, p)?;
        }
        Ok(())
    }
}

/// Finds a Chromium-family browser: `$VIGIE_CHROMIUM`, else the usual names on `PATH`.
pub fn find_chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("VIGIE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in [
            "chromium",
            "chromium-browser",
            "google-chrome",
            "google-chrome-stable",
        ] {
            let c = dir.join(name);
            if c.is_file() {
                return Some(c);
            }
        }
    }
    None
}

/// Prints the page to PDF with headless Chromium, offline: the page makes no request
/// (its Content-Security-Policy forbids them) and Chromium's own background traffic is
/// switched off.
fn print_pdf(page: &str, out: &Path) -> Result<(), CliError> {
    let Some(browser) = find_chromium() else {
        return Err(CliError::Usage(
            "--pdf needs Chromium or Google Chrome, and none was found (looked for \
             $VIGIE_CHROMIUM, then chromium, chromium-browser, google-chrome on PATH). \
             Install one (Debian: `apt-get install chromium`), or write the report with \
             --html and use \"Print to PDF\" in any browser"
                .into(),
        ));
    };
    let dir = tempdir()?;
    let html_path = dir.join("report.html");
    write_file(&html_path, page)?;
    let out_abs = std::path::absolute(out).map_err(|source| CliError::Io {
        path: out.display().to_string(),
        source,
    })?;
    let status = Command::new(&browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--print-to-pdf={}", out_abs.display()))
        .arg(format!("file://{}", html_path.display()))
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    match status {
        Ok(o) if o.status.success() && out_abs.is_file() => Ok(()),
        Ok(o) => Err(CliError::Render(format!(
            "{} could not print the PDF: {}",
            browser.display(),
            String::from_utf8_lossy(&o.stderr).trim()
        ))),
        Err(e) => Err(CliError::Render(format!(
            "cannot run {}: {e}",
            browser.display()
        ))),
    }
}

fn tempdir() -> Result<PathBuf, CliError> {
    let base = std::env::temp_dir();
    for i in 0..100u32 {
        let d = base.join(format!("vigie-pdf-{}-{i}", std::process::id()));
        if std::fs::create_dir(&d).is_ok() {
            return Ok(d);
        }
    }
    Err(CliError::Io {
        path: base.display().to_string(),
        source: std::io::Error::other("cannot create a temporary directory"),
    })
}

/// Progress bars on stderr: files discovered, extracted, facts evaluated. Hidden when
/// stderr is not a terminal (indicatif checks) or with `--quiet`.
pub struct Progress {
    bar: ProgressBar,
    /// `--timings`: time each rule.
    times_rules: bool,
}

impl Progress {
    /// A progress display; `quiet` hides it.
    pub fn new(quiet: bool) -> Progress {
        let target = if quiet {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message("discovering files");
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress {
            bar,
            times_rules: false,
        }
    }

    /// Also times each rule (`--timings`).
    pub fn timing_rules(mut self, yes: bool) -> Progress {
        self.times_rules = yes;
        self
    }

    fn counting(&self, total: usize, what: &str) {
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.bar.set_style(
            ProgressStyle::with_template("{spinner} {msg:10} [{bar:30}] {pos}/{len}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        self.bar.set_message(what.to_string());
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn discovered(&self, files: usize) {
        self.counting(files, "extracting");
    }
    fn extracted(&self) {
        self.bar.inc(1);
    }
    fn evaluating(&self, facts: usize) {
        self.counting(facts, "evaluating");
    }
    fn evaluated(&self) {
        self.bar.inc(1);
    }
    fn times_rules(&self) -> bool {
        self.times_rules
    }
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}

/// `--timings`: time per extractor and per rule, slowest first, on stderr.
pub fn print_timings(t: &Timings) {
    let mut lines = vec![format!(
        "timings: total {}, discovery {}",
        ms(t.total),
        ms(t.discover)
    )];
    let mut ex: Vec<_> = t.extractors.iter().collect();
    ex.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    lines.push("extractors (slowest first):".into());
    for (kind, (d, n)) in ex {
        lines.push(format!(
            "  {:>12}  {kind} ({n} file{})",
            ms(*d),
            if *n == 1 { "" } else { "s" }
        ));
    }
    let mut rules: Vec<_> = t.rules.iter().collect();
    rules.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    lines.push("rules (slowest first):".into());
    for (id, (d, n)) in rules {
        lines.push(format!(
            "  {:>12}  {id} ({n} evaluation{})",
            ms(*d),
            if *n == 1 { "" } else { "s" }
        ));
    }
    eprintln!("{}", lines.join("\n"));
}
