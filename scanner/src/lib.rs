//! Vigie: a security-by-design and GDPR compliance scanner for smart-territory
//! deployments (sensors, cameras, connected lighting, parking, metering).
//!
//! The pipeline: [`discover`] walks inputs and recognises content, [`targets`] turn
//! artifacts into typed [`facts`], [`rules`] (YAML + CEL) are evaluated over the facts by
//! the [`engine`], and the resulting [`vigie_reports::Report`] is rendered as SARIF,
//! text or JSON.
//!
//! ```no_run
//! use vigie::{config::Config, engine, rules::load::RuleSet};
//! let rules = RuleSet::load(false, &[]).map_err(|e| e.len())?;
//! let opts = engine::ScanOptions {
//!     inputs: vec!["fixtures/demo-territory".into()],
//!     as_of: engine::parse_date("2026-11-28").ok_or(0usize)?,
//!     p12_passwords: vec![],
//!     jobs: 2,
//!     discover: Default::default(),
//!     no_suppressions: false,
//!     previous_scan: None,
//! };
//! let report = engine::scan(&opts, &rules, &Config::default());
//! println!("{} findings", report.findings.len());
//! # Ok::<(), usize>(())
//! ```
#![deny(missing_docs)]

pub mod artifact;
pub mod cli;
pub mod config;
pub mod discover;
pub mod engine;
pub mod facts;
pub mod rules;
pub mod targets;
#[cfg(test)]
mod testing;
