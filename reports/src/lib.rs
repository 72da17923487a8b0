//! `vigie-reports`: the output model of a Vigie scan and its renderers.
//!
//! The scanner builds a [`Report`]; this crate turns it into SARIF 2.1.0
//! ([`sarif::render`]), plain text ([`text::render`]) or JSON ([`json::render`]).
//! It depends on no parser, so every renderer can be tested from a hand-built report:
//!
//! ```
//! use vigie_reports::{Report, text};
//! let report = Report::default();
//! let out = text::render(&report, text::TextOptions::default());
//! assert!(out.contains("0 findings"));
//! ```
#![deny(missing_docs)]

pub mod json;
pub mod model;
pub mod sarif;
pub mod text;

pub use model::*;
