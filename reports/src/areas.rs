//! Report areas: how rule targets are grouped for people.
//!
//! A DPO does not think in `certificate` or `private_key` targets but in domains of the
//! deployment. This is the only place that maps targets to areas, so a new target kind
//! slots in here and every report (HTML, Markdown) follows.

use crate::model::RuleMeta;
use serde::Serialize;

/// A domain of the deployment, as the HTML and Markdown reports group findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Area {
    /// Firmware images and what they contain: binaries, accounts, files, secrets,
    /// software components.
    Firmware,
    /// Certificates and private keys.
    Certificates,
    /// Network services and hosts (nmap scans).
    Services,
    /// Processing records and other declarations, and the cross-checks on the whole
    /// deployment.
    Declarations,
    /// Ethics rules (`ETH-*`), whatever their target.
    Ethics,
    /// Application source code.
    Source,
    /// Ecological transition (`ECO-*`): service life, support, end of life, sobriety,
    /// eco-design.
    Ecology,
    /// Data governance (`GOV-*`): open data, sharing agreements, reversibility.
    Governance,
}

impl Area {
    /// Areas always shown in the summary, in display order.
    pub const PRIMARY: [Area; 6] = [
        Area::Firmware,
        Area::Certificates,
        Area::Services,
        Area::Declarations,
        Area::Ethics,
        Area::Source,
    ];

    /// Every area, in display order.
    pub const ALL: [Area; 8] = [
        Area::Firmware,
        Area::Certificates,
        Area::Services,
        Area::Declarations,
        Area::Ethics,
        Area::Source,
        Area::Ecology,
        Area::Governance,
    ];

    /// Lowercase identifier (also the translation key suffix).
    pub fn as_str(self) -> &'static str {
        match self {
            Area::Firmware => "firmware",
            Area::Certificates => "certificates",
            Area::Services => "services",
            Area::Declarations => "declarations",
            Area::Ethics => "ethics",
            Area::Source => "source",
            Area::Ecology => "ecology",
            Area::Governance => "governance",
        }
    }

    /// The area of a rule: its family (id prefix) first, since a family may look at any
    /// target (`NET-017` joins declarations with the scan, `ECO-010` with the firmware),
    /// then its target for rules of other families (partner packs).
    pub fn of(rule: &RuleMeta) -> Area {
        let id = rule.id.to_ascii_uppercase();
        let family = id.split('-').next().unwrap_or("");
        match family {
            "ETH" => Area::Ethics,
            "ECO" => Area::Ecology,
            "GOV" => Area::Governance,
            "FW" => Area::Firmware,
            "CERT" => Area::Certificates,
            "NET" => Area::Services,
            "SRC" => Area::Source,
            "GDPR" | "XREF" => Area::Declarations,
            _ => Area::of_target(&rule.target),
        }
    }

    /// The area of a rule target.
    pub fn of_target(target: &str) -> Area {
        match target {
            "binary" | "image" | "account" | "boot_service" | "file" | "config" | "secret"
            | "endpoint" | "component" => Area::Firmware,
            "certificate" | "private_key" => Area::Certificates,
            "service" | "host" => Area::Services,
            "declaration" | "deployment" => Area::Declarations,
            "source" => Area::Source,
            _ => Area::Governance,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_planned_target_has_an_area() {
        for (t, a) in [
            ("binary", Area::Firmware),
            ("image", Area::Firmware),
            ("account", Area::Firmware),
            ("file", Area::Firmware),
            ("secret", Area::Firmware),
            ("component", Area::Firmware),
            ("boot_service", Area::Firmware),
            ("config", Area::Firmware),
            ("endpoint", Area::Firmware),
            ("certificate", Area::Certificates),
            ("private_key", Area::Certificates),
            ("service", Area::Services),
            ("host", Area::Services),
            ("declaration", Area::Declarations),
            ("deployment", Area::Declarations),
            ("source", Area::Source),
        ] {
            assert_eq!(Area::of_target(t), a, "{t}");
        }
        let eth = RuleMeta {
            id: "ETH-002".into(),
            target: "declaration".into(),
            ..RuleMeta::default()
        };
        assert_eq!(Area::of(&eth), Area::Ethics);
        let net = RuleMeta {
            id: "NET-017".into(),
            target: "deployment".into(),
            ..RuleMeta::default()
        };
        assert_eq!(Area::of(&net), Area::Services);
        let partner = RuleMeta {
            id: "ACME-001".into(),
            target: "config".into(),
            ..RuleMeta::default()
        };
        assert_eq!(Area::of(&partner), Area::Firmware);
    }
}
