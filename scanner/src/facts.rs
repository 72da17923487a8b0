//! Facts: what extractors learned about artifacts, in typed form.
//!
//! Rules never see bytes; they see one fact at a time, serialised once into the
//! condition language's values. Every fact carries its [`Location`] and an identity
//! (stable across line moves) from which finding fingerprints are derived.

use crate::targets::certificate::{CertificateFact, PrivateKeyFact};
use crate::targets::declaration::DeclarationFact;
use crate::targets::deployment::DeploymentFact;
use crate::targets::firmware::ImageFact;
use crate::targets::firmware::binary::BinaryFact;
use crate::targets::firmware::components::ComponentFact;
use crate::targets::firmware::config::ConfigFact;
use crate::targets::firmware::filesystem::{AccountFact, BootServiceFact, FileFact};
use crate::targets::secret::{EndpointFact, SecretFact};
use crate::targets::service::{HostFact, ServiceFact};
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
    /// One port of one scanned host (nmap `<port>`).
    Service,
    /// One scanned host (nmap `<host>`).
    Host,
    /// One processing record (GDPR Art. 30).
    Declaration,
    /// One declared device joined with the technical evidence about it.
    Deployment,
    /// One executable or library (ELF, PE, Mach-O).
    Binary,
    /// One firmware image or archive.
    Image,
    /// One account of `/etc/passwd` + `/etc/shadow`.
    Account,
    /// One program started at boot (inittab, init scripts, systemd, inetd).
    BootService,
    /// One notable file (special permissions, keys, debug tools).
    File,
    /// One setting or flagged line of a configuration file or script (SSH, SNMP,
    /// update and TLS settings).
    Config,
    /// One place in Rust source or Cargo files (call, literal, macro, dependency...).
    Source,
    /// One hard-coded secret in a file (value masked).
    Secret,
    /// One remote endpoint (URL or host setting) named in a file.
    Endpoint,
    /// One software component identified by its version string.
    Component,
}

impl Target {
    /// No target (for [`crate::engine::scan_keeping`]).
    pub const KEEP_NONE: &'static [Target] = &[];

    /// Every target a rule may name, including those whose extractors are planned.
    pub const KNOWN: &'static [&'static str] = &[
        "binary",
        "image",
        "boot_service",
        "account",
        "file",
        "config",
        "secret",
        "component",
        "endpoint",
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
            Target::Service => "service",
            Target::Host => "host",
            Target::Declaration => "declaration",
            Target::Deployment => "deployment",
            Target::Binary => "binary",
            Target::Image => "image",
            Target::Account => "account",
            Target::BootService => "boot_service",
            Target::File => "file",
            Target::Config => "config",
            Target::Source => "source",
            Target::Secret => "secret",
            Target::Endpoint => "endpoint",
            Target::Component => "component",
        }
    }

    /// Parses a rule target name into an implemented target.
    pub fn from_name(s: &str) -> Option<Target> {
        match s {
            "certificate" => Some(Target::Certificate),
            "private_key" => Some(Target::PrivateKey),
            "service" => Some(Target::Service),
            "host" => Some(Target::Host),
            "declaration" => Some(Target::Declaration),
            "deployment" => Some(Target::Deployment),
            "binary" => Some(Target::Binary),
            "image" => Some(Target::Image),
            "account" => Some(Target::Account),
            "boot_service" => Some(Target::BootService),
            "file" => Some(Target::File),
            "config" => Some(Target::Config),
            "source" => Some(Target::Source),
            "secret" => Some(Target::Secret),
            "endpoint" => Some(Target::Endpoint),
            "component" => Some(Target::Component),
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
    /// A network service (one port of one host).
    Service(Box<ServiceFact>),
    /// A scanned host.
    Host(Box<HostFact>),
    /// A processing record.
    Declaration(Box<DeclarationFact>),
    /// A declared device and its evidence.
    Deployment(Box<DeploymentFact>),
    /// An executable or library.
    Binary(Box<BinaryFact>),
    /// A firmware image.
    Image(Box<ImageFact>),
    /// An account.
    Account(Box<AccountFact>),
    /// A program started at boot.
    BootService(Box<BootServiceFact>),
    /// A notable file.
    File(Box<FileFact>),
    /// A setting or script line.
    Config(Box<ConfigFact>),
    /// A place in Rust source or Cargo files.
    Source(Box<SourceFact>),
    /// A hard-coded secret (masked).
    Secret(Box<SecretFact>),
    /// A remote endpoint.
    Endpoint(Box<EndpointFact>),
    /// A software component.
    Component(Box<ComponentFact>),
}

impl FactData {
    /// Region of a field path inside the fact's source, for rules whose `at:` points a
    /// finding at a field (`processors.1.art28_contract`). `None` when the fact has no
    /// field positions (the finding stays at the fact's location).
    pub fn locate(&self, path: &str) -> Option<vigie_reports::Region> {
        match self {
            FactData::Declaration(d) => d.locate(path),
            FactData::Deployment(d) => d.locate(path),
            _ => None,
        }
    }

    /// Locations of the evidence a fact joins (the other side of a cross-check).
    pub fn related(&self) -> Vec<Location> {
        match self {
            FactData::Deployment(d) => d.related.clone(),
            _ => Vec::new(),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use vigie_reports::areas::Area;

    /// A new target must be given its report area: the fallback is data governance,
    /// which would misfile every finding of the new kind in the DPO's report.
    #[test]
    fn every_target_has_its_own_report_area() {
        for t in Target::KNOWN {
            assert_ne!(Area::of_target(t), Area::Governance, "{t}");
        }
    }
}
