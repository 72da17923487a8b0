//! `vigie facts`: the facts rules see, as JSON, for rule authors.

use super::{CliError, parse_as_of, today};
use crate::discover::DiscoverOptions;
use crate::engine::{self, ScanOptions};
use crate::facts::Target;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

/// Arguments of `vigie facts`.
#[derive(Debug, Args)]
pub struct FactsArgs {
    /// Files and directories.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Only facts of this target (e.g. `certificate`, `private_key`).
    #[arg(long, value_name = "KIND")]
    target: Option<String>,
    /// "Today" for time-based facts (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
    as_of: Option<time::Date>,
    /// Password to try on PKCS#12 stores (repeatable).
    #[arg(long, value_name = "PASSWORD")]
    p12_password: Vec<String>,
    /// An earlier nmap XML scan to compare nmap scans with.
    #[arg(long, value_name = "OLD.xml")]
    previous_scan: Option<PathBuf>,
}

/// Prints the facts; exit code 0, or 3 when an input could not be read.
pub fn run(a: FactsArgs) -> Result<i32, CliError> {
    let target = match &a.target {
        Some(t) => Some(Target::from_name(t).ok_or_else(|| {
            CliError::Usage(format!(
                "unknown or not yet extracted target `{t}` (available: certificate, private_key, service, host, declaration, deployment, binary, image, account, boot_service, file, config, source)"
            ))
        })?),
        None => None,
    };
    let opts = ScanOptions {
        inputs: a.paths,
        as_of: a.as_of.unwrap_or_else(today),
        p12_passwords: a.p12_password,
        jobs: 0,
        discover: DiscoverOptions {
            hash_artifacts: false,
            // Secrets, endpoints and components come from contents, and so do the
            // deployment and source facts that join them.
            scan_contents: target.is_none_or(|t| {
                matches!(
                    t,
                    Target::Secret
                        | Target::Endpoint
                        | Target::Component
                        | Target::Deployment
                        | Target::Source
                )
            }),
            ..DiscoverOptions::default()
        },
        no_suppressions: false,
        previous_scan: a.previous_scan,
    };
    let x = engine::extract(&opts);
    let facts: Vec<serde_json::Value> = x
        .facts
        .iter()
        .filter(|f| target.is_none_or(|t| t == f.target))
        .map(|f| {
            json!({
                "target": f.target,
                "location": f.location,
                "identity": f.identity,
                "facts": f.to_value(),
            })
        })
        .collect();
    let out = json!({
        "as_of": engine::fmt_date(opts.as_of),
        "facts": facts,
        "notifications": x.notifications,
    });
    let s = serde_json::to_string_pretty(&out).map_err(|e| CliError::Render(e.to_string()))?;
    println!("{s}");
    let incomplete = x
        .notifications
        .iter()
        .any(|n| n.level == vigie_reports::NotificationLevel::Error);
    Ok(if incomplete { 3 } else { 0 })
}
