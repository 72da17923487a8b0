//! The deployment graph: each device a processing record declares, joined with the
//! technical evidence about it found in the same scan. One `deployment` fact per
//! declared device (plus one per piece of evidence no declaration covers), so XREF
//! rules compare what the collectivité says with what the scan saw.
//!
//! Joins (see [`join`]):
//! - certificates: by `certificate_ref` (a path, file or directory, matched on path
//!   boundaries against the certificate's path; or `spki-sha256:HEX`, `sha256:HEX`), by
//!   `hostname` (subject CN or a DNS SAN, wildcards honoured), by `ip` (an IP SAN);
//! - Rust source: by `source_ref` (a crate directory or package name, see
//!   [`source::personal_data_of`]), keeping the personal data its code logs or carries in
//!   serde payloads, and which of those categories the record's `data_categories` lacks;
//! - services (nmap, not in this build yet): by `ip` / `ip_range` / `hostname` against
//!   the scanned host. [`ServiceEvidence`] is the shape a `service` fact maps to; adding
//!   it is one arm in [`join`]'s evidence loop.
//!
//! A finding on a `deployment` fact sits on the device's line in the declaration; the
//! evidence locations are its `related` locations.

use crate::facts::{Fact, FactData, Target};
use crate::targets::certificate::CertificateFact;
use crate::targets::declaration::DeclarationFact;
use crate::targets::declaration::model::{Device, SecurityMeasures, Transfer};
use crate::targets::source::{self, PersonalUse};
use serde::Serialize;
use std::sync::Arc;
use vigie_reports::{Location, LogicalLocation, Region};

/// The declaration side of a joined device (what the cross-checks need of it).
#[derive(Debug, Clone, Serialize)]
pub struct DeclarationSide {
    /// Record id.
    pub id: String,
    /// Path of the record file.
    pub uri: String,
    /// Declared security measures.
    pub security_measures: SecurityMeasures,
    /// Declared transfers outside the EEA.
    pub transfers: Vec<Transfer>,
    /// Whether the record covers personal data.
    pub personal_data: bool,
}

/// A certificate joined to a device.
#[derive(Debug, Clone, Serialize)]
pub struct CertificateEvidence {
    /// Path of the certificate.
    pub uri: String,
    /// How it was joined: `certificate_ref`, `spki-sha256`, `sha256`, `hostname`, `ip`.
    pub matched_by: String,
    /// The certificate names the device's declared `hostname` (subject CN or DNS SAN,
    /// wildcards honoured); false when no hostname is declared.
    pub names_device_host: bool,
    /// The certificate's facts.
    #[serde(flatten)]
    pub cert: CertificateFact,
}

/// A network service joined to a device (filled once `service` facts exist).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceEvidence {
    /// Path of the scan file.
    pub uri: String,
    /// Address of the host.
    pub address: String,
    /// `tcp` or `udp`.
    pub protocol: String,
    /// Port.
    pub port: u32,
    /// Service name (`telnet`, `rtsp`, `mqtt`...).
    pub name: String,
    /// Whether the service runs over TLS/DTLS.
    pub tls: bool,
}

/// The Rust crate a device's `source_ref` links to, as far as the record's data
/// categories are concerned.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceEvidence {
    /// Personal data the crate's code names in logs or serde payload fields (test code
    /// excluded), with locations.
    pub uses: Vec<PersonalUse>,
    /// Categories of [`uses`](Self::uses) that no `data_categories[].category` of the
    /// record declares, sorted.
    pub undeclared: Vec<String>,
}

/// Joins a device's `source_ref` with the per-crate facts; the related locations are the
/// uses of undeclared categories.
fn source_evidence(
    dev: &Device,
    declared: &[String],
    crates: &[Fact],
) -> (SourceEvidence, Vec<Location>) {
    let Some(r) = dev.source_ref.as_deref() else {
        return Default::default();
    };
    let uses: Vec<PersonalUse> = source::personal_data_of(crates, r)
        .into_iter()
        .cloned()
        .collect();
    let mut undeclared: Vec<String> = uses
        .iter()
        .filter(|u| !declared.contains(&u.category))
        .map(|u| u.category.clone())
        .collect();
    undeclared.sort();
    undeclared.dedup();
    let related = uses
        .iter()
        .filter(|u| undeclared.contains(&u.category))
        .map(|u| Location {
            uri: u.uri.clone(),
            artifact: None,
            region: Some(Region::Text {
                start_line: u.line,
                start_column: Some(u.column),
                end_line: None,
            }),
            logical: None,
        })
        .collect();
    (SourceEvidence { uses, undeclared }, related)
}

/// What the scan contained, so a rule can tell "absent" from "not scanned".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scanned {
    /// Certificates were scanned.
    pub certificates: bool,
    /// Network scans were read.
    pub services: bool,
}

/// One declared device and its evidence, or one piece of evidence no declaration covers
/// (`declaration` and `device` are then null).
#[derive(Debug, Clone, Serialize)]
pub struct DeploymentFact {
    /// The record.
    pub declaration: Option<DeclarationSide>,
    /// The device as declared (with its `_path` in the record).
    pub device: Option<Device>,
    /// Certificates joined.
    pub certificates: Vec<CertificateEvidence>,
    /// Services joined.
    pub services: Vec<ServiceEvidence>,
    /// Rust source joined by `source_ref`.
    pub source: SourceEvidence,
    /// What kinds of evidence the scan held.
    pub scanned: Scanned,
    /// Evidence locations (related locations of findings).
    #[serde(skip)]
    pub related: Vec<Location>,
    #[serde(skip)]
    spans: Option<Arc<DeclarationFact>>,
}

impl DeploymentFact {
    /// Region of `device.X` or `declaration.X` in the declaration file.
    pub fn locate(&self, path: &str) -> Option<Region> {
        let decl = self.spans.as_ref()?;
        if let Some(rest) = path.strip_prefix("device") {
            let dev = self.device.as_ref()?;
            return decl.locate(&format!("{}{rest}", dev.path));
        }
        decl.locate(path.strip_prefix("declaration.")?)
    }
}

fn boundary_suffix(uri: &str, reference: &str) -> bool {
    let r = reference.trim_start_matches("./");
    if r.is_empty() {
        return false;
    }
    if r.ends_with('/') {
        return uri.starts_with(r) || uri.contains(&format!("/{r}"));
    }
    uri == r
        || uri.ends_with(&format!("/{r}"))
        || uri.starts_with(&format!("{r}/"))
        || uri.contains(&format!("/{r}/"))
}

fn host_matches(pattern: &str, host: &str) -> bool {
    let (p, h) = (pattern.to_ascii_lowercase(), host.to_ascii_lowercase());
    match p.strip_prefix("*.") {
        Some(suffix) => h
            .split_once('.')
            .is_some_and(|(first, rest)| !first.is_empty() && rest == suffix),
        None => p == h,
    }
}

fn names_host(c: &CertificateFact, host: &str) -> bool {
    std::iter::once(&c.subject_cn)
        .chain(c.san.dns.iter())
        .any(|n| host_matches(n, host))
}

fn cert_match(dev: &Device, uri: &str, c: &CertificateFact) -> Option<&'static str> {
    if let Some(r) = dev.certificate_ref.as_deref() {
        if let Some(h) = r.strip_prefix("spki-sha256:") {
            if h.eq_ignore_ascii_case(&c.spki_sha256) {
                return Some("spki-sha256");
            }
        } else if let Some(h) = r.strip_prefix("sha256:") {
            if h.eq_ignore_ascii_case(&c.sha256) {
                return Some("sha256");
            }
        } else if !c.is_ca && boundary_suffix(uri.split("!/").next().unwrap_or(uri), r) {
            // A bundle holds the device's certificate and its issuers: only the leaf is
            // the device's.
            return Some("certificate_ref");
        }
    }
    if c.is_ca {
        return None;
    }
    if let Some(h) = dev.hostname.as_deref()
        && names_host(c, h)
    {
        return Some("hostname");
    }
    if let Some(ip) = dev.ip.as_deref()
        && c.san.ip.iter().any(|x| x == ip)
    {
        return Some("ip");
    }
    None
}

/// Builds the `deployment` facts from the declaration and evidence facts of a scan;
/// `crates` holds the per-crate source facts ([`source::correlate`]).
pub fn join(facts: &[Fact], crates: &[Fact]) -> Vec<Fact> {
    let decls: Vec<(&Fact, &DeclarationFact)> = facts
        .iter()
        .filter_map(|f| match &f.data {
            FactData::Declaration(d) => Some((f, d.as_ref())),
            _ => None,
        })
        .collect();
    if decls.is_empty() {
        return Vec::new();
    }
    let certs: Vec<(&Fact, &CertificateFact)> = facts
        .iter()
        .filter_map(|f| match &f.data {
            FactData::Certificate(c) => Some((f, c.as_ref())),
            _ => None,
        })
        .collect();
    let scanned = Scanned {
        certificates: !certs.is_empty(),
        services: false,
    };
    let mut covered = vec![false; certs.len()];
    let mut out = Vec::new();
    for (df, d) in &decls {
        let side = DeclarationSide {
            id: d.record.id.clone(),
            uri: df.location.uri.clone(),
            security_measures: d.record.security_measures.clone(),
            transfers: d.record.transfers.clone(),
            personal_data: d.derived.personal_data,
        };
        let shared = Arc::new((*d).clone());
        let declared: Vec<String> = d
            .record
            .data_categories
            .iter()
            .filter_map(|c| serde_json::to_value(c.category?).ok())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        for dev in &d.record.devices {
            let mut joined = Vec::new();
            let mut related = Vec::new();
            for (i, (cf, c)) in certs.iter().enumerate() {
                if let Some(how) = cert_match(dev, &cf.location.uri, c) {
                    covered[i] = true;
                    related.push(cf.location.clone());
                    joined.push(CertificateEvidence {
                        uri: cf.location.uri.clone(),
                        matched_by: how.to_string(),
                        names_device_host: dev
                            .hostname
                            .as_deref()
                            .is_some_and(|h| names_host(c, h)),
                        cert: (*c).clone(),
                    });
                }
            }
            let (source, source_related) = source_evidence(dev, &declared, crates);
            related.extend(source_related);
            let name = dev.id.clone().unwrap_or_else(|| dev.path.clone());
            let fact = DeploymentFact {
                declaration: Some(side.clone()),
                device: Some(dev.clone()),
                certificates: joined,
                services: Vec::new(),
                source,
                scanned: scanned.clone(),
                related,
                spans: Some(shared.clone()),
            };
            out.push(Fact {
                target: Target::Deployment,
                location: Location {
                    uri: df.location.uri.clone(),
                    artifact: None,
                    region: d.locate(&dev.path),
                    logical: Some(LogicalLocation {
                        name: name.clone(),
                        fully_qualified_name: format!("deployment:{}:{name}", d.record.id),
                        kind: "object".into(),
                    }),
                },
                identity: format!("deployment:{}:{name}", d.record.id),
                data: FactData::Deployment(Box::new(fact)),
            });
        }
    }
    // Evidence no declaration covers: leaf certificates only (a CA is not a device).
    for (i, (cf, c)) in certs.iter().enumerate() {
        if covered[i] || c.is_ca {
            continue;
        }
        out.push(Fact {
            target: Target::Deployment,
            location: cf.location.clone(),
            identity: format!("deployment:uncovered:{}", c.sha256),
            data: FactData::Deployment(Box::new(DeploymentFact {
                declaration: None,
                device: None,
                certificates: vec![CertificateEvidence {
                    uri: cf.location.uri.clone(),
                    matched_by: String::new(),
                    names_device_host: false,
                    cert: (*c).clone(),
                }],
                services: Vec::new(),
                source: SourceEvidence::default(),
                scanned: scanned.clone(),
                related: Vec::new(),
                spans: None,
            })),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_and_host_matching() {
        assert!(boundary_suffix(
            "demo/certificates/cameras/cam.pem",
            "certificates/cameras/cam.pem"
        ));
        assert!(boundary_suffix(
            "demo/certificates/cameras/cam.pem",
            "certificates/cameras/"
        ));
        assert!(!boundary_suffix(
            "demo/certificates/cameras/xcam.pem",
            "cam.pem"
        ));
        assert!(host_matches("*.belvezet.fr", "mqtt.belvezet.fr"));
        assert!(!host_matches("*.belvezet.fr", "a.b.belvezet.fr"));
        assert!(host_matches("CAM.local", "cam.local"));
    }
}
