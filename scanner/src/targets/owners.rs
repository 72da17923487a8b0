//! Who runs a remote endpoint and where, read from its host name alone (no DNS, no
//! socket): the provider and its country from the table in `endpoint-owners.yaml`, a
//! cloud region named in the host, a country-code domain outside the EEA, and whether
//! the processing record names the owner among its processors, recipients or transfers.
//! What the deployment join attaches to each endpoint of a firmware image.

use regex::Regex;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// EU member states plus Iceland, Liechtenstein and Norway (ISO 3166 alpha-2).
const EEA: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "IS", "LI", "NO",
];

/// Words of company names that say nothing of who the company is.
const LEGAL_WORDS: &[&str] = &[
    "sas",
    "sasu",
    "sarl",
    "eurl",
    "sa",
    "sca",
    "scop",
    "gie",
    "gmbh",
    "ag",
    "kg",
    "inc",
    "ltd",
    "llc",
    "plc",
    "corp",
    "co",
    "bv",
    "nv",
    "spa",
    "srl",
    "sl",
    "ab",
    "oy",
    "as",
    "group",
    "groupe",
    "the",
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "et",
    "and",
    "of",
    "services",
    "service",
    "cloud",
    "france",
    "europe",
    "emea",
    "international",
    "commune",
    "ville",
    "mairie",
    "maire",
    "metropole",
    "departement",
    "region",
    "agglomeration",
    "communaute",
    "syndicat",
    "contact",
];

#[derive(Debug, Deserialize)]
struct Provider {
    name: String,
    country: String,
    domains: Vec<String>,
    aliases: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct RegionPatterns {
    eea: Vec<String>,
    outside_eea: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct TableFile {
    providers: Vec<Provider>,
    regions: RegionPatterns,
    outside_eea_tlds: Vec<String>,
}

struct Table {
    providers: Vec<Provider>,
    eea: Vec<Regex>,
    outside: Vec<Regex>,
    tlds: Vec<String>,
}

fn table() -> Option<&'static Table> {
    static T: OnceLock<Option<Table>> = OnceLock::new();
    T.get_or_init(|| {
        let f: TableFile = serde_saphyr::from_str(include_str!("endpoint-owners.yaml")).ok()?;
        let compile =
            |v: &[String]| -> Option<Vec<Regex>> { v.iter().map(|p| Regex::new(p).ok()).collect() };
        Some(Table {
            eea: compile(&f.regions.eea)?,
            outside: compile(&f.regions.outside_eea)?,
            providers: f.providers,
            tlds: f.outside_eea_tlds,
        })
    })
    .as_ref()
}

/// What the host name of an endpoint tells about its owner and location.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Owner {
    /// The domain that owns the host: the provider's domain from the table, else the
    /// registrable domain (`mqtt.lumiere-cloud.eu` → `lumiere-cloud.eu`); empty for an IP.
    pub owner: String,
    /// The provider from the table, or empty.
    pub provider: String,
    /// Seat of the provider (ISO 3166 alpha-2), or empty.
    pub provider_country: String,
    /// The provider's seat is outside the EEA.
    pub provider_outside_eea: bool,
    /// `eea` or `outside_eea` when the host names a cloud region or has a country-code
    /// domain outside the EEA; empty when the name does not say.
    pub area: String,
    /// What [`area`](Self::area) was read from: `region eu-west-3`, `domain .cn`.
    pub area_from: String,
    /// Words that, found in a party's name, mean the record names the owner.
    #[serde(skip)]
    aliases: Vec<String>,
}

fn under(host: &str, domain: &str) -> bool {
    host == domain || host.ends_with(&format!(".{domain}"))
}

/// The registrable domain of a host: its last two labels, or three under a second-level
/// domain such as `co.uk` or `com.cn`.
fn registrable(host: &str) -> String {
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    if n < 2 {
        return host.to_string();
    }
    let second = labels[n - 2];
    let keep = if n >= 3
        && labels[n - 1].len() == 2
        && matches!(
            second,
            "co" | "com" | "net" | "org" | "gov" | "gouv" | "ac" | "edu"
        ) {
        3
    } else {
        2
    };
    labels[n - keep..].join(".")
}

/// Reads a host name (lower case). IP addresses have no owner and no area.
pub fn classify(host: &str) -> Owner {
    let host = host.to_ascii_lowercase();
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Owner::default();
    }
    let mut o = Owner::default();
    let t = table();
    let provider = t.and_then(|t| {
        t.providers
            .iter()
            .find_map(|p| p.domains.iter().find(|d| under(&host, d)).map(|d| (p, d)))
    });
    match provider {
        Some((p, d)) => {
            o.owner = d.clone();
            o.provider = p.name.clone();
            o.provider_country = p.country.clone();
            o.provider_outside_eea = !EEA.contains(&p.country.as_str());
            o.aliases = p.aliases.clone();
        }
        None => {
            o.owner = registrable(&host);
            let label = o.owner.split('.').next().unwrap_or("");
            o.aliases = vec![compact(label)];
        }
    }
    if let Some(t) = t {
        let region = |set: &[Regex]| {
            set.iter().find_map(|r| {
                r.find(&host)
                    .map(|m| m.as_str().trim_matches(['.', '-']).to_string())
            })
        };
        if let Some(r) = region(&t.eea) {
            o.area = "eea".into();
            o.area_from = format!("region {r}");
        } else if let Some(r) = region(&t.outside) {
            o.area = "outside_eea".into();
            o.area_from = format!("region {r}");
        } else {
            let tld = host.rsplit('.').next().unwrap_or("");
            if t.tlds.iter().any(|x| x == tld) {
                o.area = "outside_eea".into();
                o.area_from = format!("domain .{tld}");
            }
        }
    }
    o
}

/// Lower case, accents folded to ASCII, letters and digits only.
fn compact(s: &str) -> String {
    words(s).concat()
}

/// Lower-case ASCII words of a name, accents folded (`Lumière Cloud` → `lumiere`, `cloud`).
fn words(s: &str) -> Vec<String> {
    let folded: String = s
        .chars()
        .map(|c| match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' | 'Í' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' | 'Ó' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' | 'Ú' => 'u',
            'ç' | 'Ç' => 'c',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

impl Owner {
    /// The first of `parties` (names of processors, sub-processors, recipients and
    /// transfer recipients) that names this owner, if any. A party names it when its
    /// name, compacted, holds the owner's domain label or a provider alias
    /// (`Lumière Cloud SAS` names `lumiere-cloud.eu`; `AWS EMEA SARL` names
    /// `amazonaws.com`), or when one of its distinctive words (four letters or more,
    /// legal forms and generic words left out) appears in the owner's domain label
    /// (`FluxMesure SAS` names `fluxmesure-iot.fr`).
    pub fn named_by<'a>(&self, parties: &'a [String]) -> Option<&'a str> {
        if self.owner.is_empty() {
            return None;
        }
        let label = compact(self.owner.split('.').next().unwrap_or(""));
        parties
            .iter()
            .find(|p| {
                let c = compact(p);
                let ws = words(p);
                let alias = self.aliases.iter().any(|a| {
                    let a = compact(a);
                    a.len() >= 3
                        && if a.len() <= 4 {
                            ws.contains(&a)
                        } else {
                            c.contains(&a)
                        }
                });
                let word = ws
                    .iter()
                    .filter(|w| w.len() >= 4 && !LEGAL_WORDS.contains(&w.as_str()))
                    .any(|w| label.contains(w.as_str()));
                alias || word
            })
            .map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_loads() {
        let t = table().expect("endpoint-owners.yaml parses and its patterns compile");
        assert!(t.providers.len() >= 10);
        for p in &t.providers {
            assert_eq!(p.country.len(), 2, "{}", p.name);
            assert!(!p.domains.is_empty() && !p.aliases.is_empty(), "{}", p.name);
        }
    }

    #[test]
    fn providers_regions_and_domains() {
        let o = classify("a1b2c3-ats.iot.us-east-1.amazonaws.com");
        assert_eq!(o.provider, "Amazon Web Services");
        assert_eq!(o.owner, "amazonaws.com");
        assert!(o.provider_outside_eea);
        assert_eq!(
            (o.area.as_str(), o.area_from.as_str()),
            ("outside_eea", "region us-east-1")
        );
        let o = classify("iot.eu-west-3.amazonaws.com");
        assert_eq!(
            (o.area.as_str(), o.area_from.as_str()),
            ("eea", "region eu-west-3")
        );
        assert_eq!(classify("x.eu-west-2.amazonaws.com").area, "outside_eea");
        assert_eq!(classify("hub.westeurope.azure-devices.net").area, "eea");
        let o = classify("mqtt.lumiere-cloud.eu");
        assert_eq!(o.owner, "lumiere-cloud.eu");
        assert!(o.provider.is_empty() && o.area.is_empty());
        let o = classify("api.vendor.com.cn");
        assert_eq!(o.owner, "vendor.com.cn");
        assert_eq!(
            (o.area.as_str(), o.area_from.as_str()),
            ("outside_eea", "domain .cn")
        );
        assert_eq!(classify("10.0.0.1"), Owner::default());
        let o = classify("mqtt.scw.cloud");
        assert_eq!(o.provider, "Scaleway");
        assert!(!o.provider_outside_eea);
    }

    #[test]
    fn parties_name_owners() {
        let parties = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let p = parties(&["FluxMesure SAS", "Office de tourisme"]);
        assert_eq!(classify("mqtt.lumiere-cloud.eu").named_by(&p), None);
        assert_eq!(
            classify("broker.fluxmesure-iot.fr").named_by(&p),
            Some("FluxMesure SAS")
        );
        let p = parties(&["Lumière Cloud SAS"]);
        assert!(classify("mqtt.lumiere-cloud.eu").named_by(&p).is_some());
        let p = parties(&["AWS EMEA SARL"]);
        assert!(
            classify("x.iot.eu-west-3.amazonaws.com")
                .named_by(&p)
                .is_some()
        );
        // Short aliases are whole words: "Laws and Co" does not name AWS.
        let p = parties(&["Laws and Co"]);
        assert!(classify("x.amazonaws.com").named_by(&p).is_none());
        // Generic words do not count: "Cloud Services SAS" names no cloud.
        let p = parties(&["Cloud Services SAS"]);
        assert!(classify("mqtt.lumiere-cloud.eu").named_by(&p).is_none());
        // The controller's own servers: its name or contact names them.
        let p = parties(&["Commune de Belvézet", "Le maire – mairie@belvezet.fr"]);
        assert_eq!(
            classify("plateforme.belvezet.fr").named_by(&p),
            Some("Commune de Belvézet")
        );
        assert!(classify("mqtt.mairie-services.fr").named_by(&p).is_none());
    }
}
