//! Facts: what extractors learned about artifacts, in typed form.
//!
//! Rules never see bytes; they see one fact at a time, serialised once into the
//! condition language's values. Every fact carries its [`Location`] and an identity
//! (stable across line moves) from which finding fingerprints are derived.

use crate::targets::certificate::{CertificateFact, PrivateKeyFact};
use crate::targets::source::SourceFact;
use serde::Serialize;
use std::fmt;
use vigie_reports::Location;

/// The kinds of facts rules can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// One X.509 certificate.
    Certificate,
    /// One private key.
    PrivateKey,
    /// One place in Rust source or Cargo files (call, literal, macro, dependency...).
    Source,
}

impl Target {
    /// Every target a rule may name, including those whose extractors are planned.
    pub const KNOWN: &'static [&'static str] = &[
        "binary",
        "image",
        "account",
        "file",
        "secret",
        "component",
        "certificate",
        "private_key",
        "service",
        "host",
        "declaration",
        "source",
        "deployment",
    ];

    /// Identifier used in rules (`target: certificate`).
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Certificate => "certificate",
            Target::PrivateKey => "private_key",
            Target::Source => "source",
        }
    }

    /// Parses a rule target name into an implemented target.
    pub fn from_name(s: &str) -> Option<Target> {
        match s {
            "certificate" => Some(Target::Certificate),
            "private_key" => Some(Target::PrivateKey),
            "source" => Some(Target::Source),
            _ => None,
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The typed content of a fact.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum FactData {
    /// A certificate.
    Certificate(Box<CertificateFact>),
    /// A private key.
    PrivateKey(Box<PrivateKeyFact>),
    /// A place in Rust source or Cargo files.
    Source(Box<SourceFact>),
}

/// One fact about one artifact.
#[derive(Debug, Clone, Serialize)]
pub struct Fact {
    /// What kind of thing it describes.
    pub target: Target,
    /// Where it is.
    pub location: Location,
    /// Identity within the artifact, independent of positions (e.g. a certificate's
    /// SHA-256). Fingerprints combine it with the path and the rule id.
    pub identity: String,
    /// The facts themselves, as rules see them.
    pub data: FactData,
}

impl Fact {
    /// The fact as a JSON value: what conditions and templates evaluate against.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(&self.data).unwrap_or(serde_json::Value::Null)
    }
}
