//! The output model: what a scan found, independent of how it is rendered.
//!
//! Every renderer in this crate takes a [`Report`] and nothing else, so each can be
//! tested from a hand-built value. The scanner fills it; `vigie report` can also
//! rebuild one from a SARIF file produced earlier.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A text in the two languages Vigie ships: English and French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// English text.
    pub en: String,
    /// French text.
    pub fr: String,
}

impl Text {
    /// The text in `lang`, falling back to English when the French text is empty.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr if !self.fr.is_empty() => &self.fr,
            _ => &self.en,
        }
    }
}

/// Output language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// French.
    Fr,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Lang::En),
            "fr" => Ok(Lang::Fr),
            other => Err(format!(
                "unknown language `{other}` (expected `en` or `fr`)"
            )),
        }
    }
}

/// How serious a finding is. Ordered from the least to the most serious.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Information only, no action required.
    #[default]
    Info,
    /// Low risk.
    Low,
    /// Medium risk.
    Medium,
    /// High risk.
    High,
    /// Critical risk: fix before deployment.
    Critical,
}

impl Severity {
    /// All severities, most serious first.
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    /// Lowercase identifier used in rules, configuration and the CLI.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
            Severity::Info => "info",
        }
    }

    /// The `security-severity` property GitHub code scanning reads (a CVSS-like score).
    pub fn security_severity(self) -> &'static str {
        match self {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
            Severity::Info => "0.0",
        }
    }

    /// Inverse of [`Severity::security_severity`], used when reading SARIF back.
    pub fn from_security_severity(score: f64) -> Severity {
        if score >= 9.0 {
            Severity::Critical
        } else if score >= 7.0 {
            Severity::High
        } else if score >= 4.0 {
            Severity::Medium
        } else if score > 0.0 {
            Severity::Low
        } else {
            Severity::Info
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "critical" => Ok(Severity::Critical),
            "high" => Ok(Severity::High),
            "medium" => Ok(Severity::Medium),
            "low" => Ok(Severity::Low),
            "info" => Ok(Severity::Info),
            other => Err(format!(
                "unknown severity `{other}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// A reference a rule cites: a standard's provision, a law article, a CWE.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// Short identifier, e.g. `ETSI-EN-303-645-5.4-1`, `GDPR-Art.32`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// CWE number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cwe: Option<u32>,
    /// Where the reference can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Reference {
    /// A short label: the id, or `CWE-n`.
    pub fn label(&self) -> String {
        match (&self.id, self.cwe) {
            (Some(id), _) => id.clone(),
            (None, Some(cwe)) => format!("CWE-{cwe}"),
            (None, None) => self.url.clone().unwrap_or_default(),
        }
    }

    /// The link to read it, derived for CWEs when none is given.
    pub fn link(&self) -> Option<String> {
        self.url.clone().or_else(|| {
            self.cwe
                .map(|c| format!("https://cwe.mitre.org/data/definitions/{c}.html"))
        })
    }
}

/// The rule pack a rule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct PackInfo {
    /// Pack name, e.g. `vigie-core`.
    pub name: String,
    /// Semantic version.
    pub version: String,
    /// Who publishes it.
    pub publisher: String,
    /// SHA-256 of the pack content, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// True when the pack ran without a trusted signature (`--allow-unsigned`): every
    /// finding of its rules is marked as such in every output.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unsigned: bool,
}

/// Everything a report needs to know about a rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct RuleMeta {
    /// Stable identifier, e.g. `CERT-001`.
    pub id: String,
    /// Kebab-case name stating the bad thing, e.g. `rsa-key-too-small`.
    pub name: String,
    /// The kind of fact the rule looks at (`certificate`, `service`, ...).
    pub target: String,
    /// Effective severity (after configuration overrides).
    pub severity: Severity,
    /// Lifecycle: `stable`, `preview` or `deprecated`.
    pub status: String,
    /// One-line title.
    pub title: Text,
    /// What the rule checks, in more words (optional).
    #[serde(default)]
    pub what: Text,
    /// Why it matters, in plain language.
    pub why: Text,
    /// What to do about it.
    pub fix: Text,
    /// Standards, laws and weaknesses the rule relates to.
    pub references: Vec<Reference>,
    /// Profiles the rule belongs to.
    pub profiles: Vec<String>,
    /// Index in [`Report::packs`].
    #[serde(default)]
    pub pack: usize,
}

/// A region inside an artifact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Region {
    /// A position in a text file (1-based).
    Text {
        /// First line.
        start_line: u32,
        /// First column, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        start_column: Option<u32>,
        /// Last line, when the region spans several.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end_line: Option<u32>,
    },
    /// A byte range in a binary file.
    Binary {
        /// Offset of the first byte.
        byte_offset: u64,
        /// Number of bytes.
        byte_length: u64,
    },
}

/// A named thing that is not a file position: a certificate, a host, a port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogicalLocation {
    /// Short name, e.g. the certificate's common name.
    pub name: String,
    /// Fully qualified name, unique within the run.
    pub fully_qualified_name: String,
    /// SARIF logical-location kind, e.g. `object`, `module`.
    pub kind: String,
}

/// Where something was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Location {
    /// Path of the artifact (`dir/file.pem`, `image.squashfs!/etc/shadow`).
    pub uri: String,
    /// Index in [`Report::artifacts`], when the artifact is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<usize>,
    /// Position inside the artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    /// Logical thing inside the artifact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logical: Option<LogicalLocation>,
}

impl Location {
    /// `uri:line` (or `uri (offset 0x…)`) for one-line outputs. A byte offset is not
    /// written `uri@0x…`: that is how an image carved from a dump at an offset is named.
    pub fn short(&self) -> String {
        match self.region {
            Some(Region::Text { start_line, .. }) => format!("{}:{start_line}", self.uri),
            Some(Region::Binary { byte_offset, .. }) => {
                if byte_offset == 0 {
                    self.uri.clone()
                } else {
                    format!("{} (offset {byte_offset:#x})", self.uri)
                }
            }
            None => self.uri.clone(),
        }
    }
}

/// An artifact the scan read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ArtifactInfo {
    /// Path (virtual path for nested artifacts).
    pub uri: String,
    /// Containing artifact, for files found inside archives or images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<usize>,
    /// Size in bytes.
    pub length: u64,
    /// SHA-256 of the content.
    pub sha256: String,
    /// What discovery recognised, e.g. `certificate/pem`.
    pub kind: String,
}

/// Why a finding is not counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// The justification (required in configuration).
    pub reason: String,
    /// Who accepted the risk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Until when (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the suppression was declared (e.g. `vigie.toml:12`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One problem found by one rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule identifier.
    pub rule_id: String,
    /// Index in [`Report::rules`].
    pub rule_index: usize,
    /// Effective severity.
    pub severity: Severity,
    /// The rule's message, rendered for this finding.
    pub message: Text,
    /// Primary location.
    pub location: Location,
    /// Further locations (e.g. the declaration line for a cross-check).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Location>,
    /// Stable identity, independent of line numbers.
    pub fingerprint: String,
    /// Set when a suppression applies: the finding is kept but not counted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Box<Suppression>>,
    /// Set when the scan was compared with a baseline (`--baseline`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline_state: Option<BaselineState>,
}

impl Finding {
    /// True when the finding counts: not suppressed, and not a baseline finding that has
    /// since disappeared.
    pub fn is_active(&self) -> bool {
        self.suppression.is_none() && self.baseline_state != Some(BaselineState::Absent)
    }
}

/// Where a finding stands against a baseline scan (SARIF `baselineState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    /// Not in the baseline.
    New,
    /// In the baseline, same rule, severity and message (it may have moved).
    Unchanged,
    /// In the baseline, but its severity or message changed.
    Updated,
    /// In the baseline only: it has been fixed (or its input removed).
    Absent,
}

impl BaselineState {
    /// The SARIF spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
            BaselineState::Updated => "updated",
            BaselineState::Absent => "absent",
        }
    }

    /// Parses the SARIF spelling.
    pub fn parse(s: &str) -> Option<BaselineState> {
        match s {
            "new" => Some(BaselineState::New),
            "unchanged" => Some(BaselineState::Unchanged),
            "updated" => Some(BaselineState::Updated),
            "absent" => Some(BaselineState::Absent),
            _ => None,
        }
    }
}

/// Level of a notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NotificationLevel {
    /// Informational.
    Note,
    /// Something is off but the result is still complete.
    Warning,
    /// An input could not be read: the result is incomplete.
    Error,
}

impl NotificationLevel {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationLevel::Note => "note",
            NotificationLevel::Warning => "warning",
            NotificationLevel::Error => "error",
        }
    }
}

/// Something the tool has to say about its own execution: unreadable input,
/// rule evaluation error, expired suppression.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Level.
    pub level: NotificationLevel,
    /// Kebab-case code, e.g. `malformed-certificate`.
    pub code: String,
    /// Human-readable message (English).
    pub message: String,
    /// Where, when it concerns an input.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// Rule concerned, when any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule_id: Option<String>,
}

/// How the scan was run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Invocation {
    /// Command line arguments.
    pub arguments: Vec<String>,
    /// Start time, RFC 3339 UTC.
    pub start_time: String,
    /// End time, RFC 3339 UTC.
    pub end_time: String,
    /// The date time-based rules used as "today" (YYYY-MM-DD).
    pub as_of: String,
    /// False when some input could not be read.
    pub successful: bool,
}

/// Name and version of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ToolInfo {
    /// `vigie`.
    pub name: String,
    /// Version.
    pub version: String,
    /// Project home.
    pub information_uri: String,
}

/// The result of one scan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Report {
    /// Name of the audited deployment (e.g. `Commune de Belvézet`), when known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deployment: String,
    /// The tool.
    pub tool: ToolInfo,
    /// Rule packs in use; index 0 is the core pack.
    pub packs: Vec<PackInfo>,
    /// Rules in use, sorted by id.
    pub rules: Vec<RuleMeta>,
    /// Artifacts read.
    pub artifacts: Vec<ArtifactInfo>,
    /// Findings, sorted by severity, rule and location.
    pub findings: Vec<Finding>,
    /// Notifications, sorted by location.
    pub notifications: Vec<Notification>,
    /// Invocation details.
    pub invocation: Invocation,
}

/// Counts per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Critical findings.
    pub critical: usize,
    /// High findings.
    pub high: usize,
    /// Medium findings.
    pub medium: usize,
    /// Low findings.
    pub low: usize,
    /// Informational findings.
    pub info: usize,
    /// Suppressed findings (not in the counts above).
    pub suppressed: usize,
}

impl Counts {
    /// The count for one severity.
    pub fn get(&self, s: Severity) -> usize {
        match s {
            Severity::Critical => self.critical,
            Severity::High => self.high,
            Severity::Medium => self.medium,
            Severity::Low => self.low,
            Severity::Info => self.info,
        }
    }

    /// Total of unsuppressed findings.
    pub fn total(&self) -> usize {
        self.critical + self.high + self.medium + self.low + self.info
    }
}

impl Report {
    /// Counts of active (unsuppressed) findings per severity.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for f in &self.findings {
            if f.baseline_state == Some(BaselineState::Absent) {
                continue;
            }
            if f.suppression.is_some() {
                c.suppressed += 1;
                continue;
            }
            match f.severity {
                Severity::Critical => c.critical += 1,
                Severity::High => c.high += 1,
                Severity::Medium => c.medium += 1,
                Severity::Low => c.low += 1,
                Severity::Info => c.info += 1,
            }
        }
        c
    }

    /// The rule of a finding.
    pub fn rule_of(&self, f: &Finding) -> Option<&RuleMeta> {
        self.rules.get(f.rule_index)
    }

    /// The pack of a finding's rule when that pack ran without a trusted signature.
    pub fn unsigned_pack_of(&self, f: &Finding) -> Option<&PackInfo> {
        let rule = self.rule_of(f)?;
        self.packs.get(rule.pack).filter(|p| p.unsigned)
    }

    /// True when at least one unsuppressed finding is at or above `threshold`. When the
    /// report was compared with a baseline, only new findings count: a CI gate fails on
    /// what a change introduced, not on the debt it inherited.
    pub fn has_findings_at_or_above(&self, threshold: Severity) -> bool {
        self.findings.iter().any(|f| {
            f.is_active()
                && f.severity >= threshold
                && matches!(f.baseline_state, None | Some(BaselineState::New))
        })
    }

    /// True when the findings carry baseline states.
    pub fn has_baseline(&self) -> bool {
        self.findings.iter().any(|f| f.baseline_state.is_some())
    }

    /// True when an input could not be read (an error-level notification).
    pub fn is_incomplete(&self) -> bool {
        self.notifications
            .iter()
            .any(|n| n.level == NotificationLevel::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_order_and_parse() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!("HIGH".parse::<Severity>(), Ok(Severity::High));
        assert!("fatal".parse::<Severity>().is_err());
        for s in Severity::ALL {
            let score: f64 = s.security_severity().parse().unwrap_or(-1.0);
            assert_eq!(Severity::from_security_severity(score), s);
        }
    }

    #[test]
    fn french_falls_back_to_english() {
        let t = Text {
            en: "hello".into(),
            fr: String::new(),
        };
        assert_eq!(t.get(Lang::Fr), "hello");
    }
}
