//! The rule file format, strictly typed: an unknown key is an error with its position.

use serde::Deserialize;
use serde_saphyr::Spanned;
use vigie_reports::{Reference, Severity, Text};

/// Lifecycle of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Reliable, on by default.
    #[default]
    Stable,
    /// New: on by default, wording or threshold may change.
    Preview,
    /// Kept for compatibility, will be removed.
    Deprecated,
}

impl Status {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
            Status::Deprecated => "deprecated",
        }
    }
}

/// Plain-language documentation of a rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What the rule checks, when the title is not enough.
    #[serde(default)]
    pub what: Option<Text>,
    /// Why it matters (read by DPOs: no jargon).
    pub why: Text,
    /// What to do.
    pub fix: Text,
}

/// One rule file (`rules/<target>/<ID>-<name>.yaml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    /// Stable identifier, never reused (`CERT-001`).
    pub id: Spanned<String>,
    /// Kebab-case name stating the bad thing (`rsa-key-too-small`).
    pub name: Spanned<String>,
    /// The fact kind the condition is evaluated on.
    pub target: Spanned<String>,
    /// Default severity.
    pub severity: Spanned<Severity>,
    /// Lifecycle.
    #[serde(default)]
    pub status: Status,
    /// CEL expression over the target's facts; true means a finding.
    pub condition: Spanned<String>,
    /// Optional CEL expression evaluated when the condition holds: a field path
    /// (`"dpo"`, `"processors.1.art28_contract"`) or a list of them, one finding per
    /// path, each placed on the line of that field (or of its deepest ancestor present
    /// in the file). Without it, one finding at the fact's location.
    #[serde(default)]
    pub at: Option<Spanned<String>>,
    /// One-line title.
    pub title: Text,
    /// Finding message; `{{ expr }}` placeholders are CEL expressions over the facts.
    pub message: Spanned<Text>,
    /// Documentation.
    pub docs: Docs,
    /// References (standards, law, CWE).
    #[serde(default)]
    pub references: Vec<Reference>,
    /// Profiles the rule belongs to.
    #[serde(default)]
    pub profiles: Vec<String>,
}

/// `pack.yaml`: identity of a rule pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackManifest {
    /// Pack name (`vigie-core`).
    pub name: String,
    /// Semantic version.
    pub version: String,
    /// Publisher.
    pub publisher: String,
    /// What the pack covers.
    #[serde(default)]
    pub description: String,
    /// SPDX licence identifier.
    #[serde(default)]
    pub licence: String,
    /// Minimum Vigie version able to run it.
    #[serde(default)]
    pub min_vigie_version: Option<String>,
    /// The date ("today") at which `vigie rules test` evaluates this pack's fixtures, so
    /// that certificates built to be "valid" or "expiring soon" stay so as years pass.
    #[serde(default)]
    pub fixtures_as_of: Option<String>,
    /// Profiles the pack defines, by name (`etsi-en-303-645`).
    #[serde(default)]
    pub profiles: std::collections::BTreeMap<String, ProfileDef>,
    /// Rule ids of other packs this pack deliberately replaces. Without it, a rule id
    /// defined twice is an error naming both files.
    #[serde(default)]
    pub overrides: Vec<String>,
}

/// A profile: a named selection of rules (those listing it in `profiles:`) mapped to the
/// provisions of a published reference.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ProfileDef {
    /// What the profile is (the published reference).
    pub title: String,
    /// Prefixes of reference ids that are provisions of this profile
    /// (`ETSI-EN-303-645-`): a rule's references with one of these prefixes become rows
    /// of the conformity matrix.
    #[serde(default)]
    pub references: Vec<String>,
    /// Provisions listed explicitly, so those no rule covers appear as not assessed.
    #[serde(default)]
    pub provisions: Vec<Provision>,
}

/// One provision of a published reference.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    /// Reference id, as rules cite it (`ETSI-EN-303-645-5.1-1`).
    pub id: String,
    /// Short statement of the provision.
    #[serde(default)]
    pub title: String,
}
