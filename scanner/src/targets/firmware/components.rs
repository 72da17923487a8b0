//! Software components (target `component`) identified by the version strings their
//! own code carries, and the CycloneDX 1.5 SBOM of those found (`vigie scan --sbom`).
//!
//! Every file's bytes are read once by one [`RegexSet`] (the same lazy-DFA pass as the
//! secret patterns, without copying the file); only the patterns that matched are run
//! again to take the version and the byte offset of the evidence.

use crate::artifact::VirtualPath;
use crate::facts::{Fact, FactData, Target};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;
use vigie_reports::{Location, Region};

/// One component found in one file.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentFact {
    /// Component name: `busybox`, `openssl`, `dropbear`, `openssh`, `lighttpd`, `nginx`,
    /// `dnsmasq`, `uclibc`, `musl`, `glibc`, `curl`, `mosquitto` or `linux`.
    pub name: &'static str,
    /// Version as written in the evidence (`1.24.1`, `1.0.2k`, `2019.78`, `7.4p1`);
    /// empty when the evidence names the component without a version (musl).
    pub version: String,
    /// CPE 2.3 name of the component version (NVD vendor and product).
    pub cpe: String,
    /// Package URL (`pkg:generic/busybox@1.24.1`).
    pub purl: String,
    /// Virtual path of the file holding the evidence.
    pub file: String,
    /// Byte offset of the evidence in the file.
    pub byte_offset: u64,
    /// The matched string (printable ASCII, at most 120 characters).
    pub evidence: String,
    /// The outermost file of the image (empty for a loose file).
    pub image: String,
}

/// (name, CPE vendor:product, part, pattern whose group 1 is the version).
const SIGNATURES: &[(&str, &str, &str, &str)] = &[
    (
        "busybox",
        "busybox:busybox",
        "a",
        r"BusyBox v([0-9]+\.[0-9]+(?:\.[0-9]+)?)",
    ),
    (
        "openssl",
        "openssl:openssl",
        "a",
        r"OpenSSL ([0-9]+\.[0-9]+\.[0-9]+[a-z]{0,2})(?:-fips)?  ?[0-9]{1,2} [A-Z][a-z]{2} [0-9]{4}",
    ),
    (
        "dropbear",
        "dropbear_ssh_project:dropbear_ssh",
        "a",
        r"(?:SSH-2\.0-dropbear_|Dropbear (?:SSH|sshd) v)(20[0-9]{2}\.[0-9]{1,3})",
    ),
    (
        "openssh",
        "openbsd:openssh",
        "a",
        // The banner (`OpenSSH_9.2p1 Debian-2`), not the compatibility table of peer
        // versions (`OpenSSH_7.4*`).
        r"OpenSSH_([0-9]+\.[0-9]+(?:p[0-9]+)?)[ \x00]",
    ),
    (
        "lighttpd",
        "lighttpd:lighttpd",
        "a",
        r"lighttpd/([0-9]+\.[0-9]+\.[0-9]+)",
    ),
    ("nginx", "f5:nginx", "a", r"nginx/([0-9]+\.[0-9]+\.[0-9]+)"),
    (
        "dnsmasq",
        "thekelleys:dnsmasq",
        "a",
        r"dnsmasq-([0-9]+\.[0-9]+(?:\.[0-9]+)?)",
    ),
    (
        "uclibc",
        "uclibc:uclibc",
        "a",
        r"libuClibc-([0-9]+\.[0-9]+\.[0-9]+(?:\.[0-9]+)?)\.so",
    ),
    ("musl", "musl-libc:musl", "a", r"musl libc()"),
    (
        "glibc",
        "gnu:glibc",
        "a",
        r"GNU C Library [^\n\x00]{0,80}release version ([0-9]+\.[0-9]+(?:\.[0-9]+)?)",
    ),
    (
        "curl",
        "haxx:curl",
        "a",
        r"(?:libcurl/|curl )([0-9]+\.[0-9]+\.[0-9]+)(?: \(|[ \x00])",
    ),
    (
        "mosquitto",
        "eclipse:mosquitto",
        "a",
        r"mosquitto(?: version |/)([0-9]+\.[0-9]+\.[0-9]+)",
    ),
    (
        "linux",
        "linux:linux_kernel",
        "o",
        r"(?:Linux version |vermagic=)([0-9]+\.[0-9]+\.[0-9]+)",
    ),
];

struct Compiled {
    /// All signatures as one alternation: the regex engine draws a literal prefilter
    /// from their leading words (`BusyBox v`, `OpenSSL `...), so a binary that holds none
    /// of them is passed over at memory speed, without the overlapping search of `set`.
    any: Regex,
    set: RegexSet,
    each: Vec<Regex>,
}

fn compiled() -> Option<&'static Compiled> {
    static C: OnceLock<Option<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        let set = RegexSetBuilder::new(SIGNATURES.iter().map(|s| s.3))
            .unicode(false)
            .build()
            .ok()?;
        let each = SIGNATURES
            .iter()
            .map(|s| RegexBuilder::new(s.3).unicode(false).build().ok())
            .collect::<Option<Vec<_>>>()?;
        let any = SIGNATURES
            .iter()
            .map(|s| format!("(?:{})", s.3))
            .collect::<Vec<_>>()
            .join("|");
        let any = RegexBuilder::new(&any).unicode(false).build().ok()?;
        Some(Compiled { any, set, each })
    })
    .as_ref()
}

/// Component facts of one file: one per (component, version), at its first evidence.
pub fn scan(path: &VirtualPath, bytes: &[u8]) -> Vec<Fact> {
    scan_spans(path, bytes, std::slice::from_ref(&(0..bytes.len())))
}

/// [`scan`] of the given sorted, disjoint `spans` of `bytes` (the printable strings of a
/// binary, each with the byte before and the byte after it: see
/// [`crate::targets::secret::scan_with_components`]). The first evidence in file order
/// is kept, as when the whole file is read.
pub fn scan_spans(path: &VirtualPath, bytes: &[u8], spans: &[std::ops::Range<usize>]) -> Vec<Fact> {
    let Some(c) = compiled() else {
        return Vec::new();
    };
    let hits: Vec<(usize, &[u8])> = spans
        .iter()
        .filter_map(|span| Some((span.start, bytes.get(span.clone())?)))
        .filter(|(_, hay)| c.any.is_match(hay))
        .collect();
    if hits.is_empty() {
        return Vec::new();
    }
    let file = path.to_string();
    let image = crate::targets::secret::outer_image(path);
    let mut found: BTreeMap<(&'static str, String), ComponentFact> = BTreeMap::new();
    // One pattern per component name: the first match of a (name, version) in span
    // order is its first in the file.
    for (at, i, hay) in hits
        .iter()
        .flat_map(|&(at, hay)| c.set.matches(hay).into_iter().map(move |i| (at, i, hay)))
    {
        let (Some(re), Some(&(name, cpe, part, _))) = (c.each.get(i), SIGNATURES.get(i)) else {
            continue;
        };
        for caps in re.captures_iter(hay) {
            let (Some(all), Some(v)) = (caps.get(0), caps.get(1)) else {
                continue;
            };
            let version = String::from_utf8_lossy(v.as_bytes()).into_owned();
            let evidence: String = all
                .as_bytes()
                .iter()
                .take(120)
                .map(|&b| {
                    if (0x20..0x7f).contains(&b) {
                        char::from(b)
                    } else {
                        ' '
                    }
                })
                .collect::<String>()
                .trim()
                .to_string();
            found
                .entry((name, version.clone()))
                .or_insert_with(|| ComponentFact {
                    name,
                    cpe: format!(
                        "cpe:2.3:{part}:{cpe}:{}:*:*:*:*:*:*:*",
                        if version.is_empty() { "*" } else { &version }
                    ),
                    purl: if version.is_empty() {
                        format!("pkg:generic/{name}")
                    } else {
                        format!("pkg:generic/{name}@{version}")
                    },
                    version,
                    file: file.clone(),
                    byte_offset: (at + all.start()) as u64,
                    evidence,
                    image: image.clone(),
                });
        }
    }
    found
        .into_values()
        .map(|f| Fact {
            target: Target::Component,
            location: Location {
                uri: file.clone(),
                artifact: None,
                region: Some(Region::Binary {
                    byte_offset: f.byte_offset,
                    byte_length: f.evidence.len() as u64,
                }),
                logical: None,
            },
            identity: format!("component:{}:{}", f.name, f.version),
            data: FactData::Component(Box::new(f)),
        })
        .collect()
}

/// The CycloneDX 1.5 JSON SBOM of the components among `facts`: one component per
/// (name, version), sorted, with every file it was found in as an evidence occurrence.
/// The serial number is derived from the content (a UUID made of the SHA-256 of the
/// component list), and the timestamp is `as_of` at midnight UTC, so the same scan gives
/// the same bytes.
pub fn sbom(facts: &[Fact], as_of: time::Date) -> Result<Vec<u8>, String> {
    use cyclonedx_bom::external_models::normalized_string::NormalizedString;
    use cyclonedx_bom::external_models::uri::Purl;
    use cyclonedx_bom::models::bom::{Bom, SpecVersion, UrnUuid};
    use cyclonedx_bom::models::component::{
        Classification, Component, ComponentEvidence, Components, Cpe, Occurrence, Occurrences,
    };
    use cyclonedx_bom::models::metadata::Metadata;
    use cyclonedx_bom::models::tool::{Tool, Tools};
    use sha2::{Digest, Sha256};

    let mut by: BTreeMap<(&str, &str), Vec<&ComponentFact>> = BTreeMap::new();
    for f in facts {
        if let FactData::Component(c) = &f.data {
            by.entry((c.name, c.version.as_str())).or_default().push(c);
        }
    }
    let mut digest = Sha256::new();
    let mut components = Vec::new();
    for ((name, version), mut found) in by {
        found.sort_by(|a, b| (&a.file, a.byte_offset).cmp(&(&b.file, b.byte_offset)));
        let Some(first) = found.first() else { continue };
        let class = if name == "linux" {
            Classification::OperatingSystem
        } else if matches!(name, "openssl" | "uclibc" | "musl" | "glibc") {
            Classification::Library
        } else {
            Classification::Application
        };
        let bom_ref = format!("{name}@{version}");
        digest.update(bom_ref.as_bytes());
        let mut c = Component::new(class, name, version, Some(bom_ref));
        if version.is_empty() {
            c.version = None;
        }
        c.cpe = Some(Cpe::new(&first.cpe));
        c.purl = if version.is_empty() {
            None
        } else {
            Purl::new("generic", name, version).ok()
        };
        let mut occ: Vec<Occurrence> = Vec::new();
        for f in &found {
            let location = format!("{}#offset={}", f.file, f.byte_offset);
            digest.update(location.as_bytes());
            occ.push(Occurrence::new(&location));
        }
        c.evidence = Some(ComponentEvidence {
            licenses: None,
            copyright: None,
            occurrences: Some(Occurrences(occ)),
            callstack: None,
            identity: None,
        });
        c.description = Some(NormalizedString::new(&format!(
            "identified by its version string: {}",
            first.evidence
        )));
        components.push(c);
    }
    let h = digest.finalize();
    let uuid = format!(
        "urn:uuid:{}-{}-5{}-{:x}{}-{}",
        hex::encode(&h[0..4]),
        hex::encode(&h[4..6]),
        &hex::encode(&h[6..8])[1..],
        (h[8] & 0x3f) | 0x80,
        &hex::encode(&h[8..10])[2..],
        hex::encode(&h[10..16])
    );
    let timestamp = format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        as_of.year(),
        u8::from(as_of.month()),
        as_of.day()
    );
    let metadata = Metadata {
        timestamp: Some(
            cyclonedx_bom::external_models::date_time::DateTime::try_from(timestamp)
                .map_err(|e| e.to_string())?,
        ),
        tools: Some(Tools::List(vec![Tool::new(
            "Vigie",
            "vigie",
            env!("CARGO_PKG_VERSION"),
        )])),
        ..Metadata::default()
    };
    let bom = Bom {
        serial_number: Some(UrnUuid::new(uuid).map_err(|e| format!("{e:?}"))?),
        metadata: Some(metadata),
        components: Some(Components(components)),
        spec_version: SpecVersion::V1_5,
        ..Bom::default()
    };
    let mut out = Vec::new();
    bom.output_as_json_v1_5(&mut out)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(bytes: &[u8]) -> Vec<(String, String, u64)> {
        scan(&VirtualPath::file("fw.img").join_inner("bin/x"), bytes)
            .into_iter()
            .filter_map(|f| match f.data {
                FactData::Component(c) => Some((c.name.to_string(), c.version, c.byte_offset)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn version_strings() {
        let bin = b"\x7fELF\0\0BusyBox v1.24.1 (2016-02-14 10:12:31 CET) multi-call binary.\0\
            OpenSSL 1.0.2k  26 Jan 2017\0SSH-2.0-dropbear_2017.75\0OpenSSH_7.4p1\0OpenSSH_6.6*\0\
            lighttpd/1.4.45\0nginx/1.14.0\0dnsmasq-2.78\0libuClibc-0.9.33.2.so\0\
            GNU C Library (Debian GLIBC 2.31-13) stable release version 2.31.\0\
            libcurl/7.58.0\0mosquitto version 1.6.9\0vermagic=4.14.98 SMP mod_unload\0\
            BusyBox v1.24.1 again\0";
        let f = found(bin);
        let names: Vec<(&str, &str)> = f.iter().map(|(n, v, _)| (n.as_str(), v.as_str())).collect();
        assert_eq!(
            names,
            vec![
                ("busybox", "1.24.1"),
                ("curl", "7.58.0"),
                ("dnsmasq", "2.78"),
                ("dropbear", "2017.75"),
                ("glibc", "2.31"),
                ("lighttpd", "1.4.45"),
                ("linux", "4.14.98"),
                ("mosquitto", "1.6.9"),
                ("nginx", "1.14.0"),
                ("openssh", "7.4p1"),
                ("openssl", "1.0.2k"),
                ("uclibc", "0.9.33.2"),
            ]
        );
        // The first occurrence is the evidence.
        assert_eq!(f[0].2, 6);
        assert!(found(b"no versions here, just busybox and openssl").is_empty());
    }

    /// Each signature alone gets past the alternation that screens whole binaries.
    #[test]
    fn each_version_string_alone_is_found() {
        for s in [
            "BusyBox v1.24.1 (2016-02-14)",
            "OpenSSL 1.0.2k  26 Jan 2017",
            "SSH-2.0-dropbear_2017.75",
            "Dropbear sshd v2019.78",
            "OpenSSH_7.4p1 ",
            "lighttpd/1.4.45",
            "nginx/1.14.0",
            "dnsmasq-2.78",
            "libuClibc-0.9.33.2.so",
            "musl libc",
            "GNU C Library (Debian GLIBC 2.31-13) stable release version 2.31.",
            "curl 7.58.0 (x86_64)",
            "mosquitto/2.0.11",
            "Linux version 5.4.0",
        ] {
            let bytes = format!("\0\0{s}\0");
            assert_eq!(found(bytes.as_bytes()).len(), 1, "{s}");
        }
        assert_eq!(SIGNATURES.len(), 13, "a new signature needs a line above");
    }

    #[test]
    fn sbom_is_deterministic_and_parses_back() {
        use cyclonedx_bom::models::bom::{Bom, SpecVersion};
        use cyclonedx_bom::validation::Validate;
        let mut facts = scan(
            &VirtualPath::file("fw.img").join_inner("bin/busybox"),
            b"BusyBox v1.24.1 (2016)\0",
        );
        facts.extend(scan(
            &VirtualPath::file("fw.img").join_inner("lib/libcrypto.so"),
            b"OpenSSL 1.0.2k  26 Jan 2017\0",
        ));
        facts.extend(scan(
            &VirtualPath::file("other.img").join_inner("bin/busybox"),
            b"xxBusyBox v1.24.1 (2016)\0",
        ));
        let day = time::Date::from_calendar_date(2026, time::Month::November, 28)
            .unwrap_or(time::Date::MIN);
        let a = sbom(&facts, day).unwrap();
        facts.reverse();
        let b = sbom(&facts, day).unwrap();
        assert_eq!(a, b, "same components, same bytes");
        let bom = Bom::parse_from_json_v1_5(a.as_slice()).unwrap();
        assert_eq!(bom.spec_version, SpecVersion::V1_5);
        assert!(bom.validate_version(SpecVersion::V1_5).passed());
        let comps = bom.components.unwrap().0;
        assert_eq!(comps.len(), 2);
        assert_eq!(comps[0].name.to_string(), "busybox");
        assert_eq!(
            comps[0].purl.as_ref().map(|p| p.to_string()),
            Some("pkg:generic/busybox@1.24.1".to_string())
        );
        let occ = &comps[0]
            .evidence
            .as_ref()
            .unwrap()
            .occurrences
            .as_ref()
            .unwrap()
            .0;
        assert_eq!(occ.len(), 2);
        assert_eq!(occ[0].location, "fw.img!/bin/busybox#offset=0");
        let v: serde_json::Value = serde_json::from_slice(&a).unwrap();
        assert_eq!(v["specVersion"], "1.5");
        assert_eq!(v["metadata"]["timestamp"], "2026-11-28T00:00:00Z");
        assert!(v["serialNumber"].as_str().unwrap().starts_with("urn:uuid:"));
    }
}
