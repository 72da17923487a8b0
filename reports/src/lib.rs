//! `vigie-reports`: the output model of a Vigie scan and its renderers.
//!
//! The scanner builds a [`Report`]; this crate turns it into SARIF 2.1.0
//! ([`sarif::render`]), plain text ([`text::render`]), JSON ([`json::render`]), a
//! self-contained HTML page for people ([`html::render`]) or a Markdown CI summary
//! ([`markdown::render`]). [`sarif_read::parse`] rebuilds a report from SARIF, and
//! [`baseline::compare`] marks what is new since an earlier scan.
//! It depends on no parser, so every renderer can be tested from a hand-built report:
//!
//! ```
//! use vigie_reports::{Report, text};
//! let report = Report::default();
//! let out = text::render(&report, text::TextOptions::default());
//! assert!(out.contains("0 findings"));
//! ```
#![deny(missing_docs)]

pub mod areas;
pub mod baseline;
pub mod html;
pub mod i18n;
pub mod json;
pub mod markdown;
pub mod model;
pub mod sarif;
pub mod sarif_read;
mod splice;
pub mod text;

pub use model::*;
