//! `vigie.toml`: rule selection, severity overrides, "today", limits and suppressions.
//!
//! ```toml
//! as_of = "2026-11-28"            # fixes "today" for time-based rules
//! profiles = ["anssi"]            # only rules of these profiles (empty: all)
//!
//! [rules.CERT-010]
//! enabled = false
//! [rules.CERT-001]
//! severity = "critical"
//!
//! [trusted_keys]                 # minisign public keys per rule-pack publisher
//! "CERT Territoires" = ["RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3"]
//!
//! [limits]                     # images: nesting depth, bytes, entries, ratio
//! max_depth = 6
//! max_extracted_bytes = 8589934592
//!
//! [[suppressions]]
//! rule = "CERT-008"
//! path = "lab/**"                 # glob on the artifact path, or:
//! # fingerprint = "3f0c..."
//! reason = "lab certificates, never deployed"   # required
//! owner = "rssi@commune.fr"
//! expires = "2027-03-31"
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use vigie_reports::Severity;

/// Per-rule settings.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RuleSettings {
    /// Turn the rule off.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Override the rule's severity.
    #[serde(default)]
    pub severity: Option<Severity>,
}

/// A suppression: the finding stays in every output, marked, and is not counted.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SuppressionConfig {
    /// Rule id (required).
    pub rule: String,
    /// Glob over the artifact path (`certs/lab/*.pem`, `**/test/**`).
    #[serde(default)]
    pub path: Option<String>,
    /// Finding fingerprint (`partialFingerprints["vigie/v1"]`).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// Why the risk is accepted (required).
    pub reason: String,
    /// Who accepted it.
    #[serde(default)]
    pub owner: Option<String>,
    /// Last day it applies (YYYY-MM-DD); after that, the finding counts again.
    #[serde(default)]
    pub expires: Option<String>,
    /// Line in the configuration file (filled after parsing).
    #[serde(skip)]
    pub line: u32,
}

/// Limits on inputs.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Largest file read, in bytes.
    #[serde(default)]
    pub max_file_size: Option<u64>,
    /// Deepest nesting of images inside images (default 6).
    #[serde(default)]
    pub max_depth: Option<usize>,
    /// Bytes extracted from all images of a scan together (default 8 GiB).
    #[serde(default)]
    pub max_extracted_bytes: Option<u64>,
    /// Largest single file read from an image (default 256 MiB).
    #[serde(default)]
    pub max_entry_size: Option<u64>,
    /// Largest ratio of extracted to compressed bytes per image (default 200).
    #[serde(default)]
    pub max_ratio: Option<u64>,
    /// Most entries read from one image (default 500,000).
    #[serde(default)]
    pub max_entries: Option<usize>,
}

impl Limits {
    /// The image unpacking limits: configured values over the safe defaults.
    pub fn image_limits(&self) -> crate::targets::firmware::image::Limits {
        let d = crate::targets::firmware::image::Limits::default();
        crate::targets::firmware::image::Limits {
            max_depth: self.max_depth.unwrap_or(d.max_depth),
            max_total_bytes: self.max_extracted_bytes.unwrap_or(d.max_total_bytes),
            max_entry_size: self.max_entry_size.unwrap_or(d.max_entry_size),
            max_ratio: self.max_ratio.unwrap_or(d.max_ratio),
            max_entries: self.max_entries.unwrap_or(d.max_entries),
        }
    }
}

/// The whole configuration file.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Name of the audited deployment, shown on the HTML and Markdown reports
    /// (e.g. `Commune de Belvézet`).
    #[serde(default)]
    pub name: Option<String>,
    /// "Today" for time-based rules (YYYY-MM-DD).
    #[serde(default)]
    pub as_of: Option<String>,
    /// Profiles to run (empty: every rule).
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Per-rule settings by id.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSettings>,
    /// Suppressions.
    #[serde(default)]
    pub suppressions: Vec<toml::Spanned<SuppressionConfig>>,
    /// Input limits.
    #[serde(default)]
    pub limits: Limits,
    /// Minisign public keys trusted to sign rule packs, by publisher (the `publisher` of
    /// the pack's `pack.yaml`): a pack signed by another key, even a valid one, is refused.
    #[serde(default)]
    pub trusted_keys: BTreeMap<String, Vec<String>>,
    /// Where the file was read from.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// A configuration error with its position.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file cannot be read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        /// File.
        path: String,
        /// Line (1-based).
        line: u32,
        /// Column (1-based).
        column: u32,
        /// What is wrong.
        message: String,
    },
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0) as u32
        + 1;
    (line, col)
}

fn valid_date(s: &str) -> bool {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt).is_ok()
}

impl Config {
    /// Parses configuration text. `path` is used in error messages.
    pub fn parse(text: &str, path: &str) -> Result<Config, ConfigError> {
        let mut cfg: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((0, 0));
            ConfigError::Invalid {
                path: path.to_string(),
                line,
                column,
                message: e.message().to_string(),
            }
        })?;
        let invalid = |offset: usize, message: String| {
            let (line, column) = line_col(text, offset);
            ConfigError::Invalid {
                path: path.to_string(),
                line,
                column,
                message,
            }
        };
        if let Some(d) = &cfg.as_of
            && !valid_date(d)
        {
            let off = text.find("as_of").unwrap_or(0);
            return Err(invalid(
                off,
                format!("`as_of` must be a date YYYY-MM-DD, found `{d}`"),
            ));
        }
        for (publisher, keys) in &cfg.trusted_keys {
            for k in keys {
                if let Err(e) = crate::rules::pack::decode_public_key(k) {
                    let off = text.find(k.as_str()).unwrap_or(0);
                    return Err(invalid(off, format!("trusted key of `{publisher}`: {e}")));
                }
            }
        }
        for s in &mut cfg.suppressions {
            let start = s.span().start;
            let line = line_col(text, start).0;
            let inner = s.get_mut();
            inner.line = line;
            if inner.reason.trim().is_empty() {
                return Err(invalid(
                    start,
                    "a suppression needs a non-empty `reason`".into(),
                ));
            }
            if inner.path.is_none() && inner.fingerprint.is_none() {
                return Err(invalid(
                    start,
                    "a suppression needs a `path` glob or a `fingerprint`".into(),
                ));
            }
            if let Some(p) = &inner.path
                && let Err(e) = globset::Glob::new(p)
            {
                return Err(invalid(start, format!("invalid `path` glob `{p}`: {e}")));
            }
            if let Some(d) = &inner.expires
                && !valid_date(d)
            {
                return Err(invalid(
                    start,
                    format!("`expires` must be a date YYYY-MM-DD, found `{d}`"),
                ));
            }
        }
        Ok(cfg)
    }

    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.display().to_string(),
            source,
        })?;
        let mut cfg = Config::parse(&text, &path.display().to_string())?;
        cfg.path = Some(path.to_path_buf());
        Ok(cfg)
    }

    /// Finds `vigie.toml` in the first scanned directory, if any.
    pub fn discover(inputs: &[PathBuf]) -> Option<PathBuf> {
        let first = inputs.first()?;
        let dir = if first.is_dir() {
            first.clone()
        } else {
            first.parent()?.to_path_buf()
        };
        let p = dir.join("vigie.toml");
        p.is_file().then_some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_config() {
        let c = Config::parse(
            r#"as_of = "2026-11-28"
[rules.CERT-010]
enabled = false
[rules.CERT-001]
severity = "critical"

[[suppressions]]
rule = "CERT-008"
path = "lab/**"
reason = "lab only"
expires = "2027-01-01"
"#,
            "vigie.toml",
        )
        .unwrap();
        assert_eq!(c.rules["CERT-010"].enabled, Some(false));
        assert_eq!(c.rules["CERT-001"].severity, Some(Severity::Critical));
        assert_eq!(c.suppressions[0].get_ref().line, 7);
    }

    #[test]
    fn errors_have_positions() {
        let e = Config::parse("as_of = \"2026-11-28\"\nunknown = 1\n", "vigie.toml").unwrap_err();
        assert!(e.to_string().starts_with("vigie.toml:2:1:"), "{e}");
        let e = Config::parse(
            "[[suppressions]]\nrule = \"X-1\"\npath = \"a\"\nreason = \"\"\n",
            "v.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("reason"), "{e}");
        let e = Config::parse(
            "[[suppressions]]\nrule = \"X-1\"\nreason = \"r\"\n",
            "v.toml",
        )
        .unwrap_err();
        assert!(e.to_string().contains("fingerprint"), "{e}");
        let e = Config::parse("as_of = \"28/11/2026\"\n", "v.toml").unwrap_err();
        assert!(e.to_string().contains("YYYY-MM-DD"), "{e}");
    }
}
