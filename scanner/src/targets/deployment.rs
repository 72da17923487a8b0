//! The deployment graph: each device a processing record declares, joined with the
//! technical evidence about it found in the same scan. One `deployment` fact per
//! declared device (plus one per piece of evidence no declaration covers), so XREF
//! rules compare what the collectivité says with what the scan saw.
//!
//! Joins (see [`join`]):
//! - certificates: by `certificate_ref` (a path, file or directory, matched on path
//!   boundaries against the certificate's path; or `spki-sha256:HEX`, `sha256:HEX`), by
//!   `hostname` (subject CN or a DNS SAN, wildcards honoured), by `ip` (an IP SAN);
//! - network scans: by `ip` / `ip_range` / `hostname` against the scanned host's
//!   addresses and names. Host and service facts are evaluated while the nmap file is
//!   streamed and then dropped; the join works on their compact projection
//!   ([`HostEvidence`], [`ServiceEvidence`], at most [`MAX_NET_EVIDENCE`] per scan);
//! - firmware images: by `firmware_ref` (path of the image, or `sha256:HEX` of it), with
//!   the accounts, boot services, notable files and certificates found inside the image.
//!   New kinds of firmware facts join by adding a list to [`FirmwareEvidence`] and one
//!   arm where the image's content is gathered;
//!   Endpoints named in the image's files come with what their host name tells of their
//!   owner and location ([`owners`]) and the record's party that names the owner;
//!   retention settings of its configuration files come with their days;
//! - Rust source: by `source_ref` (path of the crate directory): its dependencies, and
//!   the personal data its code logs or carries in serde payloads (see
//!   [`source::personal_data_of`]) with the categories the record's `data_categories` lacks,
//!   its retention constants and the identifiers it hashes without a key.
//!
//! A finding on a `deployment` fact sits on the device's line in the declaration; the
//! evidence locations are its `related` locations.

use crate::facts::{Fact, FactData, Target};
use crate::targets::certificate::CertificateFact;
use crate::targets::declaration::DeclarationFact;
use crate::targets::declaration::model::{
    DataCategoryKind, Days, Device, DpiaStatus, SecurityMeasures, Transfer,
};
use crate::targets::declaration::spans::SpanIndex;
use crate::targets::firmware::components::ComponentFact;
use crate::targets::firmware::filesystem::{AccountFact, BootServiceFact, FileFact};
use crate::targets::firmware::{MlModelFact, SensingFact};
use crate::targets::owners;
use crate::targets::secret::EndpointFact;
use crate::targets::source::{self, PersonalUse, SourceFact};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::net::IpAddr;
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
    /// Categories of the record's data (`video`, `location`...).
    pub categories: Vec<DataCategoryKind>,
    /// `ai_system.used` as declared.
    pub ai_used: Option<bool>,
    /// `dpia.status` as declared.
    pub dpia_status: Option<DpiaStatus>,
    /// `processing.start_date` (`YYYY-MM-DD`): when the devices were put in service.
    pub start_date: Option<String>,
    /// Names of the record's controller (and its contact), joint controllers, processors,
    /// their sub-processors, recipients and transfer recipients, as written: whoever may
    /// run a server the devices talk to.
    pub parties: Vec<String>,
    /// The longest retention the record declares (`data_categories[].retention
    /// .duration_days`), in days; null when no category gives a number of days or one is
    /// kept without limit.
    pub retention_days_max: Option<i64>,
    /// The scan's "today" (`--as-of`), `YYYY-MM-DD`.
    pub as_of: String,
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

/// An open port of a scanned host, as kept for the join: the compact projection of a
/// `service` fact (whose full form is evaluated while the scan is streamed, then dropped).
#[derive(Debug, Clone, Serialize)]
pub struct ServiceEvidence {
    /// Path of the scan file.
    pub uri: String,
    /// Address of the host.
    pub address: String,
    /// Host names of the host.
    pub hostnames: Vec<String>,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
    /// Port.
    pub port: i64,
    /// `protocol/port` as in `exposed_services` (`tcp/443`).
    pub key: String,
    /// Service name from nmap (`telnet`, `rtsp`, `mqtt`...).
    pub name: String,
    /// Product from version detection.
    pub product: String,
    /// `ssl` when nmap spoke TLS to reach it.
    pub tunnel: String,
    /// Device type from version detection (`webcam`...).
    pub devicetype: String,
    /// The service runs over TLS (tunnel or a TLS script answered).
    pub tls: bool,
    /// Default credentials were accepted (`http-default-accounts`).
    pub default_credentials: bool,
    /// TLS and SSL versions the port offers (`ssl-enum-ciphers`: `TLSv1.0`...).
    pub tls_versions: Vec<String>,
    /// Where the port is in the scan file.
    #[serde(skip)]
    pub location: Location,
}

/// A scanned host, as kept for the join.
#[derive(Debug, Clone, Serialize)]
pub struct HostEvidence {
    /// Path of the scan file.
    pub uri: String,
    /// Main address.
    pub address: String,
    /// Every address (IPv4, IPv6).
    pub addresses: Vec<String>,
    /// Host names.
    pub hostnames: Vec<String>,
    /// `up`, `down` or `unknown`.
    pub status: String,
    /// Open ports as `port/protocol`.
    pub open_ports: Vec<String>,
    /// Where the host is in the scan file.
    #[serde(skip)]
    pub location: Location,
}

/// What the join keeps of a network scan.
#[derive(Debug, Clone)]
pub enum NetEvidence {
    /// A host.
    Host(HostEvidence),
    /// An open port.
    Service(ServiceEvidence),
}

impl NetEvidence {
    /// Where the host or port is in its scan file.
    pub fn location(&self) -> &Location {
        match self {
            NetEvidence::Host(h) => &h.location,
            NetEvidence::Service(s) => &s.location,
        }
    }
}

/// The projection the join keeps of a `host` or `service` fact (open ports only).
pub fn project(f: &Fact) -> Option<NetEvidence> {
    match &f.data {
        FactData::Service(s) if s.state == "open" => Some(NetEvidence::Service(ServiceEvidence {
            uri: f.location.uri.clone(),
            address: s.address.clone(),
            hostnames: s.hostnames.clone(),
            protocol: s.protocol.clone(),
            port: s.port,
            key: format!("{}/{}", s.protocol, s.port),
            name: s.name.clone(),
            product: s.product.clone(),
            tunnel: s.tunnel.clone(),
            devicetype: s.devicetype.clone(),
            tls: s.tls,
            default_credentials: s.default_credentials,
            tls_versions: s.ssl.protocol_names.clone(),
            location: f.location.clone(),
        })),
        FactData::Host(h) => Some(NetEvidence::Host(HostEvidence {
            uri: f.location.uri.clone(),
            address: h.address.clone(),
            addresses: h
                .addresses
                .iter()
                .filter(|a| a.addr_type != "mac")
                .map(|a| a.addr.clone())
                .collect(),
            hostnames: h.hostnames.clone(),
            status: h.status.clone(),
            open_ports: h.open_ports.clone(),
            location: f.location.clone(),
        })),
        _ => None,
    }
}

/// Most hosts and open ports kept for the join in one scan (about 200 bytes each). Past
/// it, the scan gives a `deployment-evidence-truncated` notification and later hosts
/// are not joined.
pub const MAX_NET_EVIDENCE: usize = 500_000;

/// A firmware image joined to a device, with what was found inside it.
#[derive(Debug, Clone, Serialize)]
pub struct FirmwareEvidence {
    /// Path of the image.
    pub uri: String,
    /// How it was joined: `firmware_ref` (path) or `sha256`.
    pub matched_by: String,
    /// SHA-256 of the image.
    pub sha256: String,
    /// Accounts of its `passwd`/`shadow`.
    pub accounts: Vec<AccountFact>,
    /// Programs it starts at boot.
    pub boot_services: Vec<BootServiceFact>,
    /// Notable files (keys, special permissions, debug tools).
    pub files: Vec<FileFact>,
    /// Leaf certificates it holds (servers it talks to, or its own identity).
    pub certificates: Vec<CertificateFact>,
    /// Software components identified by their version strings.
    pub components: Vec<ComponentFact>,
    /// Sensing capabilities the image shows (camera, microphone, GNSS...: FW-027).
    pub sensing: Vec<SensingFact>,
    /// Machine-learning models the image ships (FW-028).
    pub ml_models: Vec<MlModelFact>,
    /// Remote endpoints named in its files (FW-029), with their owner.
    pub endpoints: Vec<EndpointEvidence>,
    /// Retention settings of its configuration files.
    pub retention: Vec<RetentionSetting>,
    /// Scripts of the image that install an update (paths inside the image: FW-019).
    pub update_scripts: Vec<String>,
    /// Files of the image that check a signature (FW-019).
    pub update_verification: Vec<String>,
}

/// An endpoint of a firmware image and what its host name tells about its owner.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointEvidence {
    /// The endpoint as found.
    #[serde(flatten)]
    pub endpoint: EndpointFact,
    /// What its host name tells of its owner and location.
    #[serde(flatten)]
    pub owner: owners::Owner,
    /// The record's party (processor, sub-processor, recipient, transfer recipient) whose
    /// name names the owner, or empty.
    pub declared_party: String,
}

/// A retention setting in a configuration file of a firmware image.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionSetting {
    /// Path inside the image.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// The setting (`record_days`).
    pub setting: String,
    /// The line, trimmed.
    pub value: String,
    /// Days (rounded up); 0 with `unlimited`.
    pub days: i64,
    /// The value says nothing is deleted (`never`, `unlimited`...).
    pub unlimited: bool,
}

/// A place in the Rust source of a device.
#[derive(Debug, Clone, Serialize)]
pub struct CodePlace {
    /// What is there (`PLATE_RETENTION_DAYS = 400 (400 days)`, `sha256::digest(plate)`).
    pub text: String,
    /// For retention constants: seconds; else 0.
    pub seconds: i64,
    /// File.
    pub uri: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// Rust source joined to a device by `source_ref` (a path of the crate).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SourceEvidence {
    /// Crates depended on (`Cargo.toml`/`Cargo.lock`), sorted, without duplicates.
    pub dependencies: Vec<String>,
    /// Files of the crate that were scanned.
    pub files: usize,
    /// Personal data the crate's code names in logs or serde payload fields (test code
    /// excluded), with locations.
    pub uses: Vec<PersonalUse>,
    /// Categories of [`uses`](Self::uses) that no `data_categories[].category` of the
    /// record declares, sorted.
    pub undeclared: Vec<String>,
    /// Retention periods set in the crate's code with a constant value (SRC-015).
    pub retention: Vec<CodePlace>,
    /// Personal identifiers hashed without a key (SRC-005): anyone can hash every
    /// plate or MAC address and find the one behind a hash.
    pub unkeyed_hashes: Vec<CodePlace>,
    /// Remote URLs written in the crate's code (string literals; local names and
    /// non-public addresses left out), with their owner.
    pub endpoints: Vec<SourceEndpoint>,
}

/// A URL of the device's Rust code and what its host name tells about its owner.
#[derive(Debug, Clone, Serialize)]
pub struct SourceEndpoint {
    /// The URL as written.
    pub url: String,
    /// Its host, lower case.
    pub host: String,
    /// What the host name tells of its owner and location.
    #[serde(flatten)]
    pub owner: owners::Owner,
    /// The record's party whose name names the owner, or empty.
    pub declared_party: String,
    /// Where it is written.
    #[serde(flatten)]
    pub place: CodePlace,
}

/// A string literal of Rust code that names a remote host: not a loopback, private or
/// documentation address, nor a local name (`*.local`, `*.lan`, `*.internal`...).
fn remote_literal(s: &SourceFact) -> bool {
    let l = &s.literal;
    let local_name = [
        ".local",
        ".lan",
        ".home.arpa",
        ".internal",
        ".localdomain",
        ".example",
        ".invalid",
        ".test",
    ]
    .iter()
    .any(|x| l.host.ends_with(x));
    s.kind == "literal"
        && !s.in_test
        && !l.host.is_empty()
        && !l.local
        && !local_name
        && (l.ip.is_empty() || l.ip_scope == "public")
}

/// A hash function called on a personal identifier without a key (what SRC-005 reports):
/// `sha256::digest(plate)`, `Sha256::new()` then `.update(mac)`.
fn unkeyed_identifier_hash(s: &SourceFact) -> bool {
    static FN: std::sync::OnceLock<Option<(regex::Regex, regex::Regex, regex::Regex)>> =
        std::sync::OnceLock::new();
    let Some((call, ctor, ident)) = FN
        .get_or_init(|| {
            Some((
                regex::Regex::new(r"(?i)(^|::)(md5|sha1|sha224|sha256|sha384|sha512|sha3_256|sha3_512|blake2b\d*|blake2s\d*|blake3|xxh3|xxhash\d*)::(compute|digest|hash|hash_bytes)$").ok()?,
                regex::Regex::new(r"(?i)(Md5|Sha1|Sha224|Sha256|Sha384|Sha512|Sha3_256|Blake2b\d*|Blake2s\d*)::new$").ok()?,
                regex::Regex::new(r"(?i)(plate|imei|imsi|msisdn|mac_?addr|\bmac\b|phone|e?mail)").ok()?,
            ))
        })
        .as_ref()
    else {
        return false;
    };
    matches!(s.kind.as_str(), "call" | "method")
        && !s.in_test
        && (call.is_match(&s.name)
            || (matches!(s.name.as_str(), "update" | "chain_update") && ctor.is_match(&s.origin)))
        && s.args.iter().any(|a| ident.is_match(&a.text))
}

/// What a place of Rust code is, for the join.
enum CodeKind<'a> {
    /// A retention constant (SRC-015).
    Retention,
    /// An identifier hashed without a key (SRC-005).
    UnkeyedHash,
    /// A URL naming a remote host: its host and the URL.
    Endpoint(&'a str, &'a str),
}

fn code_place(f: &Fact, s: &SourceFact) -> CodePlace {
    let (line, column) = source::line_column(&f.location);
    CodePlace {
        text: s.text.clone(),
        seconds: s.seconds.unwrap_or(0),
        uri: f.location.uri.clone(),
        line,
        column,
    }
}

fn place_location(p: &CodePlace) -> Location {
    Location {
        uri: p.uri.clone(),
        artifact: None,
        region: Some(Region::Text {
            start_line: p.line,
            start_column: Some(p.column),
            end_line: None,
        }),
        logical: None,
    }
}

/// The personal data of the crate a device's `source_ref` links to, against the record's
/// declared categories; the related locations are the uses of undeclared categories.
fn personal_data(
    source_ref: &str,
    declared: &[String],
    crates: &[Fact],
) -> (Vec<PersonalUse>, Vec<String>, Vec<Location>) {
    let uses: Vec<PersonalUse> = source::personal_data_of(crates, source_ref)
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
    (uses, undeclared, related)
}

/// What kinds of evidence the scan held, so a rule can tell "absent" from "not scanned".
#[derive(Debug, Clone, Default, Serialize)]
pub struct Scanned {
    /// Certificates were scanned.
    pub certificates: bool,
    /// Network scans were read.
    pub services: bool,
    /// Firmware images were read.
    pub firmware: bool,
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
    /// Scanned hosts joined (by `ip`, `ip_range` or `hostname`).
    pub hosts: Vec<HostEvidence>,
    /// Open ports of the joined hosts.
    pub services: Vec<ServiceEvidence>,
    /// Firmware images joined (by `firmware_ref`).
    pub firmware: Vec<FirmwareEvidence>,
    /// Rust source joined (by `source_ref`).
    pub source: Option<SourceEvidence>,
    /// What kinds of evidence the scan held.
    pub scanned: Scanned,
    /// Evidence locations (related locations of findings).
    #[serde(skip)]
    pub related: Vec<Location>,
    /// Field positions of the record.
    #[serde(skip)]
    spans: Option<Arc<SpanIndex>>,
}

impl DeploymentFact {
    /// Region of `device.X` or `declaration.X` in the declaration file.
    pub fn locate(&self, path: &str) -> Option<Region> {
        let spans = self.spans.as_ref()?;
        let path = match path.strip_prefix("device") {
            Some(rest) => format!("{}{rest}", self.device.as_ref()?.path),
            None => path.strip_prefix("declaration.")?.to_string(),
        };
        spans.locate(&path).map(|p| Region::Text {
            start_line: p.line,
            start_column: Some(p.column),
            end_line: None,
        })
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

/// Whether `addr` falls in `cidr` (`10.42.10.16/29`, IPv4 or IPv6; a bare address is a
/// range of one).
fn in_range(cidr: &str, addr: &str) -> bool {
    let (net, bits) = match cidr.split_once('/') {
        Some((n, b)) => (n.trim(), b.trim().parse::<u32>().ok()),
        None => (cidr.trim(), None),
    };
    match (net.parse::<IpAddr>(), addr.parse::<IpAddr>()) {
        (Ok(IpAddr::V4(n)), Ok(IpAddr::V4(a))) => {
            let b = bits.unwrap_or(32).min(32);
            let mask = if b == 0 { 0 } else { u32::MAX << (32 - b) };
            u32::from(n) & mask == u32::from(a) & mask
        }
        (Ok(IpAddr::V6(n)), Ok(IpAddr::V6(a))) => {
            let b = bits.unwrap_or(128).min(128);
            let mask = if b == 0 { 0 } else { u128::MAX << (128 - b) };
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

fn same_addr(a: &str, b: &str) -> bool {
    match (a.parse::<IpAddr>(), b.parse::<IpAddr>()) {
        (Ok(x), Ok(y)) => x == y,
        _ => a.eq_ignore_ascii_case(b),
    }
}

/// How a scanned host (its addresses and names) is joined to a device, if it is.
fn net_match(dev: &Device, addresses: &[&str], hostnames: &[String]) -> bool {
    if let Some(ip) = dev.ip.as_deref()
        && addresses.iter().any(|a| same_addr(ip, a))
    {
        return true;
    }
    if let Some(r) = dev.ip_range.as_deref()
        && addresses.iter().any(|a| in_range(r, a))
    {
        return true;
    }
    dev.hostname
        .as_deref()
        .is_some_and(|h| hostnames.iter().any(|n| n.eq_ignore_ascii_case(h)))
}

/// Evidence of the scan that is not a kept fact: the network projection streamed out of
/// nmap files, and the SHA-256 of every artifact (for `firmware_ref: sha256:...`).
#[derive(Debug, Default)]
pub struct JoinInput {
    /// Hosts and open ports of nmap scans whose facts were evaluated and dropped.
    pub network: Vec<NetEvidence>,
    /// Artifact path → SHA-256.
    pub sha256: HashMap<String, String>,
}

/// The outermost file of a virtual path (`fw.squashfs!/etc/passwd` → `fw.squashfs`).
fn outer(uri: &str) -> &str {
    uri.split("!/").next().unwrap_or(uri)
}

/// What one image holds, gathered once for every device that refers to it.
#[derive(Default)]
struct ImageContent<'a> {
    accounts: Vec<&'a Fact>,
    boot_services: Vec<&'a Fact>,
    files: Vec<&'a Fact>,
    certificates: Vec<(usize, &'a Fact)>,
    components: Vec<&'a Fact>,
    endpoints: Vec<&'a Fact>,
    configs: Vec<&'a Fact>,
}

/// Facts found inside one image that are worth pointing at in a finding.
fn notable(f: &Fact) -> bool {
    match &f.data {
        FactData::Account(a) => a.default_password || (a.empty_password && a.login_shell),
        FactData::BootService(b) => b.telnet || b.shell_without_login || b.debug_tool,
        FactData::File(_) | FactData::Certificate(_) => true,
        _ => false,
    }
}

fn firmware_match(dev: &Device, uri: &str, sha256: &str) -> Option<&'static str> {
    let r = dev.firmware_ref.as_deref()?;
    match r.strip_prefix("sha256:") {
        Some(h) => (!sha256.is_empty() && h.eq_ignore_ascii_case(sha256)).then_some("sha256"),
        None => boundary_suffix(uri, r).then_some("firmware_ref"),
    }
}

/// Builds the `deployment` facts from the declaration and evidence facts of a scan;
/// `crates` holds the per-crate source facts ([`source::correlate`]).
pub fn join(facts: &[Fact], input: JoinInput, crates: &[Fact]) -> Vec<Fact> {
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
    // Network evidence: the streamed projection plus host/service facts that were kept.
    let mut network = input.network;
    network.extend(facts.iter().filter_map(project));
    let mut hosts: Vec<HostEvidence> = Vec::new();
    let mut services: Vec<ServiceEvidence> = Vec::new();
    for n in network {
        match n {
            NetEvidence::Host(h) => hosts.push(h),
            NetEvidence::Service(s) => services.push(s),
        }
    }
    let by_loc = |a: &Location, b: &Location| {
        a.uri
            .cmp(&b.uri)
            .then_with(|| format!("{:?}", a.region).cmp(&format!("{:?}", b.region)))
    };
    hosts.sort_by(|a, b| by_loc(&a.location, &b.location));
    services.sort_by(|a, b| by_loc(&a.location, &b.location));
    // Firmware: images on disk (not nested) and what each holds.
    let images: Vec<&Fact> = facts
        .iter()
        .filter(|f| matches!(&f.data, FactData::Image(i) if i.depth == 0))
        .collect();
    let mut content: HashMap<&str, ImageContent<'_>> = HashMap::new();
    if !images.is_empty() {
        for img in &images {
            content.insert(img.location.uri.as_str(), ImageContent::default());
        }
        let cert_index: HashMap<*const Fact, usize> = certs
            .iter()
            .enumerate()
            .map(|(i, (f, _))| (*f as *const Fact, i))
            .collect();
        for f in facts {
            if !f.location.uri.contains("!/") {
                continue;
            }
            let Some(c) = content.get_mut(outer(&f.location.uri)) else {
                continue;
            };
            match &f.data {
                FactData::Account(_) => c.accounts.push(f),
                FactData::BootService(_) => c.boot_services.push(f),
                FactData::File(_) => c.files.push(f),
                FactData::Component(_) => c.components.push(f),
                FactData::Endpoint(_) => c.endpoints.push(f),
                FactData::Config(x) if !x.retention_setting.is_empty() => c.configs.push(f),
                FactData::Certificate(x) if !x.is_ca => {
                    if let Some(i) = cert_index.get(&(f as *const Fact)) {
                        c.certificates.push((*i, f));
                    }
                }
                _ => {}
            }
        }
    }
    let scanned = Scanned {
        certificates: !certs.is_empty(),
        services: !hosts.is_empty() || !services.is_empty(),
        firmware: !images.is_empty(),
    };
    // Source: dependencies per file, for `source_ref`.
    let deps: Vec<(&str, &str)> = facts
        .iter()
        .filter_map(|f| match &f.data {
            FactData::Source(s) if s.kind == "dependency" => {
                Some((f.location.uri.as_str(), s.name.as_str()))
            }
            _ => None,
        })
        .collect();
    // Source: retention constants, unkeyed hashes of identifiers and remote URLs, for
    // `source_ref`.
    let code: Vec<(&str, CodeKind, CodePlace)> = facts
        .iter()
        .filter_map(|f| match &f.data {
            FactData::Source(s)
                if s.kind == "retention" && !s.in_test && s.seconds.is_some_and(|x| x > 0) =>
            {
                Some((
                    f.location.uri.as_str(),
                    CodeKind::Retention,
                    code_place(f, s),
                ))
            }
            FactData::Source(s) if unkeyed_identifier_hash(s) => Some((
                f.location.uri.as_str(),
                CodeKind::UnkeyedHash,
                code_place(f, s),
            )),
            FactData::Source(s) if remote_literal(s) => Some((
                f.location.uri.as_str(),
                CodeKind::Endpoint(s.literal.host.as_str(), s.literal.value.as_str()),
                code_place(f, s),
            )),
            _ => None,
        })
        .collect();
    let source_files: BTreeSet<&str> = facts
        .iter()
        .filter(|f| matches!(f.data, FactData::Source(_)))
        .map(|f| f.location.uri.as_str())
        .collect();
    // Indexes of hosts and services by address and by lower-case host name.
    let mut addr_index: HashMap<String, Vec<usize>> = HashMap::new();
    let mut name_index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, h) in hosts.iter().enumerate() {
        for a in h.addresses.iter().chain(std::iter::once(&h.address)) {
            let key = a
                .parse::<IpAddr>()
                .map(|x| x.to_string())
                .unwrap_or(a.clone());
            let e = addr_index.entry(key).or_default();
            if e.last() != Some(&i) {
                e.push(i);
            }
        }
        for n in &h.hostnames {
            name_index
                .entry(n.to_ascii_lowercase())
                .or_default()
                .push(i);
        }
    }
    let mut svc_by_addr: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, s) in services.iter().enumerate() {
        svc_by_addr.entry(s.address.as_str()).or_default().push(i);
    }
    let mut covered = vec![false; certs.len()];
    let mut host_covered = vec![false; hosts.len()];
    let mut out = Vec::new();
    for (df, d) in &decls {
        let side = DeclarationSide {
            id: d.record.id.clone(),
            uri: df.location.uri.clone(),
            security_measures: d.record.security_measures.clone(),
            transfers: d.record.transfers.clone(),
            personal_data: d.derived.personal_data,
            categories: {
                let mut c: Vec<DataCategoryKind> = d
                    .record
                    .data_categories
                    .iter()
                    .filter_map(|c| c.category)
                    .collect();
                c.sort();
                c.dedup();
                c
            },
            ai_used: d.record.ai_system.used,
            dpia_status: d.record.dpia.status,
            start_date: d.record.processing.start_date.as_ref().map(|x| x.0.clone()),
            parties: {
                let r = &d.record;
                let c = &r.controller;
                c.name
                    .iter()
                    .chain(c.contact.iter())
                    .chain(
                        r.joint_controllers
                            .iter()
                            .flat_map(|j| j.name.iter().chain(j.contact.iter())),
                    )
                    .chain(r.processors.iter().flat_map(|p| {
                        p.name
                            .iter()
                            .chain(p.sub_processors.iter().filter_map(|s| s.name.as_ref()))
                    }))
                    .chain(r.recipients.iter().filter_map(|x| x.name.as_ref()))
                    .chain(r.transfers.iter().filter_map(|x| x.recipient.as_ref()))
                    .cloned()
                    .collect()
            },
            retention_days_max: {
                let days: Vec<Option<i64>> = d
                    .record
                    .data_categories
                    .iter()
                    .filter_map(|c| match &c.retention.duration_days {
                        Some(Days::Days(n)) => Some(Some(*n)),
                        Some(Days::Indefinite(_)) => Some(None),
                        None => None,
                    })
                    .collect();
                if days.contains(&None) {
                    None
                } else {
                    days.into_iter().flatten().max()
                }
            },
            as_of: d.derived.as_of.clone(),
        };
        let shared = d.spans.clone();
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
            // Hosts: by address, by name, or every host for a range.
            let mut hi: BTreeSet<usize> = BTreeSet::new();
            if let Some(ip) = dev.ip.as_deref() {
                let key = ip
                    .parse::<IpAddr>()
                    .map(|x| x.to_string())
                    .unwrap_or(ip.to_string());
                hi.extend(addr_index.get(&key).into_iter().flatten());
            }
            if let Some(h) = dev.hostname.as_deref() {
                hi.extend(
                    name_index
                        .get(&h.to_ascii_lowercase())
                        .into_iter()
                        .flatten(),
                );
            }
            if dev.ip_range.is_some() {
                hi.extend((0..hosts.len()).filter(|&i| {
                    let h = &hosts[i];
                    let addrs: Vec<&str> = h.addresses.iter().map(String::as_str).collect();
                    net_match(dev, &addrs, &h.hostnames)
                }));
            }
            let mut dev_hosts = Vec::new();
            let mut dev_services = Vec::new();
            for i in hi {
                host_covered[i] = true;
                let h = &hosts[i];
                related.push(h.location.clone());
                for &si in svc_by_addr.get(h.address.as_str()).into_iter().flatten() {
                    if services[si].uri == h.uri {
                        related.push(services[si].location.clone());
                        dev_services.push(services[si].clone());
                    }
                }
                dev_hosts.push(h.clone());
            }
            // Firmware images.
            let mut dev_fw = Vec::new();
            for img in &images {
                let uri = img.location.uri.as_str();
                let sha = input.sha256.get(uri).map(String::as_str).unwrap_or("");
                let Some(how) = firmware_match(dev, uri, sha) else {
                    continue;
                };
                related.push(img.location.clone());
                let mut fw = FirmwareEvidence {
                    uri: uri.to_string(),
                    matched_by: how.to_string(),
                    sha256: sha.to_string(),
                    accounts: Vec::new(),
                    boot_services: Vec::new(),
                    files: Vec::new(),
                    certificates: Vec::new(),
                    components: Vec::new(),
                    sensing: Vec::new(),
                    ml_models: Vec::new(),
                    endpoints: Vec::new(),
                    retention: Vec::new(),
                    update_scripts: Vec::new(),
                    update_verification: Vec::new(),
                };
                if let FactData::Image(i) = &img.data {
                    fw.sensing = i.sensing.clone();
                    fw.ml_models = i.ml_models.clone();
                    fw.update_scripts = i.update_scripts.clone();
                    fw.update_verification = i.update_verification.clone();
                }
                if let Some(c) = content.get(uri) {
                    let all = c
                        .accounts
                        .iter()
                        .chain(&c.boot_services)
                        .chain(&c.files)
                        .chain(c.certificates.iter().map(|(_, f)| f));
                    related.extend(all.filter(|f| notable(f)).map(|f| f.location.clone()));
                    for f in &c.accounts {
                        if let FactData::Account(a) = &f.data {
                            fw.accounts.push((**a).clone());
                        }
                    }
                    for f in &c.boot_services {
                        if let FactData::BootService(b) = &f.data {
                            fw.boot_services.push((**b).clone());
                        }
                    }
                    for f in &c.files {
                        if let FactData::File(x) = &f.data {
                            fw.files.push((**x).clone());
                        }
                    }
                    for f in &c.components {
                        if let FactData::Component(x) = &f.data {
                            fw.components.push((**x).clone());
                        }
                    }
                    for (i, f) in &c.certificates {
                        if let FactData::Certificate(x) = &f.data {
                            covered[*i] = true;
                            fw.certificates.push((**x).clone());
                        }
                    }
                    for f in &c.endpoints {
                        if let FactData::Endpoint(e) = &f.data {
                            let o = owners::classify(&e.host);
                            let party = o.named_by(&side.parties).unwrap_or("").to_string();
                            // What XREF-008/009 may report: a remote endpoint that
                            // carries data, with an unnamed owner or outside the EEA.
                            if !e.local
                                && !matches!(e.role, "time" | "update")
                                && (party.is_empty()
                                    || o.provider_outside_eea
                                    || o.area == "outside_eea")
                            {
                                related.push(f.location.clone());
                            }
                            fw.endpoints.push(EndpointEvidence {
                                endpoint: (**e).clone(),
                                owner: o,
                                declared_party: party,
                            });
                        }
                    }
                    for f in &c.configs {
                        if let FactData::Config(x) = &f.data {
                            related.push(f.location.clone());
                            let line = match f.location.region {
                                Some(Region::Text { start_line, .. }) => start_line,
                                _ => 0,
                            };
                            fw.retention.push(RetentionSetting {
                                file: f
                                    .location
                                    .uri
                                    .split_once("!/")
                                    .map(|(_, p)| p)
                                    .unwrap_or(&f.location.uri)
                                    .to_string(),
                                line,
                                setting: x.retention_setting.clone(),
                                value: x.value.clone(),
                                days: x.retention_days,
                                unlimited: x.retention_unlimited,
                            });
                        }
                    }
                }
                dev_fw.push(fw);
            }
            // Source: dependencies of the files under `source_ref`.
            let source = dev.source_ref.as_deref().map(|r| {
                let r = r.trim_end_matches('/');
                let under = |uri: &str| boundary_suffix(uri, &format!("{r}/"));
                let mut dependencies: Vec<String> = deps
                    .iter()
                    .filter(|(uri, _)| under(uri))
                    .map(|(_, n)| n.to_string())
                    .collect();
                dependencies.sort();
                dependencies.dedup();
                let (uses, undeclared, uses_related) = personal_data(r, &declared, crates);
                related.extend(uses_related);
                let (mut retention, mut unkeyed_hashes, mut endpoints) =
                    (Vec::new(), Vec::new(), Vec::new());
                for (uri, kind, p) in &code {
                    if !under(uri) {
                        continue;
                    }
                    match kind {
                        CodeKind::Retention => {
                            related.push(place_location(p));
                            retention.push(p.clone());
                        }
                        CodeKind::UnkeyedHash => {
                            related.push(place_location(p));
                            unkeyed_hashes.push(p.clone());
                        }
                        CodeKind::Endpoint(host, url) => {
                            let o = owners::classify(host);
                            let party = o.named_by(&side.parties).unwrap_or("").to_string();
                            if party.is_empty() || o.provider_outside_eea || o.area == "outside_eea"
                            {
                                related.push(place_location(p));
                            }
                            endpoints.push(SourceEndpoint {
                                url: url.to_string(),
                                host: host.to_string(),
                                owner: o,
                                declared_party: party,
                                place: p.clone(),
                            });
                        }
                    }
                }
                SourceEvidence {
                    dependencies,
                    files: source_files.iter().filter(|u| under(u)).count(),
                    uses,
                    undeclared,
                    retention,
                    unkeyed_hashes,
                    endpoints,
                }
            });
            let name = dev.id.clone().unwrap_or_else(|| dev.path.clone());
            let fact = DeploymentFact {
                declaration: Some(side.clone()),
                device: Some(dev.clone()),
                certificates: joined,
                hosts: dev_hosts,
                services: dev_services,
                firmware: dev_fw,
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
    let uncovered = |certificates: Vec<CertificateEvidence>,
                     hosts: Vec<HostEvidence>,
                     services: Vec<ServiceEvidence>| {
        FactData::Deployment(Box::new(DeploymentFact {
            declaration: None,
            device: None,
            certificates,
            hosts,
            services,
            firmware: Vec::new(),
            source: None,
            scanned: scanned.clone(),
            related: Vec::new(),
            spans: None,
        }))
    };
    // Evidence no declaration covers: leaf certificates only (a CA is not a device)...
    for (i, (cf, c)) in certs.iter().enumerate() {
        if covered[i] || c.is_ca {
            continue;
        }
        out.push(Fact {
            target: Target::Deployment,
            location: cf.location.clone(),
            identity: format!("deployment:uncovered:{}", c.sha256),
            data: uncovered(
                vec![CertificateEvidence {
                    uri: cf.location.uri.clone(),
                    matched_by: String::new(),
                    names_device_host: false,
                    cert: (*c).clone(),
                }],
                Vec::new(),
                Vec::new(),
            ),
        });
    }
    // ...and hosts that are up with open ports.
    for (i, h) in hosts.iter().enumerate() {
        if host_covered[i] || h.status != "up" || h.open_ports.is_empty() {
            continue;
        }
        let svcs: Vec<ServiceEvidence> = svc_by_addr
            .get(h.address.as_str())
            .into_iter()
            .flatten()
            .map(|&si| &services[si])
            .filter(|s| s.uri == h.uri)
            .cloned()
            .collect();
        let mut related: Vec<Location> = svcs.iter().map(|s| s.location.clone()).collect();
        related.dedup();
        let mut fact = Fact {
            target: Target::Deployment,
            location: h.location.clone(),
            identity: format!("deployment:uncovered-host:{}", h.address),
            data: uncovered(Vec::new(), vec![h.clone()], svcs),
        };
        if let FactData::Deployment(d) = &mut fact.data {
            d.related = related;
        }
        out.push(fact);
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

    #[test]
    fn ranges_and_addresses() {
        assert!(in_range("10.42.10.16/29", "10.42.10.23"));
        assert!(!in_range("10.42.10.16/29", "10.42.10.24"));
        assert!(in_range("10.42.10.2", "10.42.10.2"));
        assert!(in_range("fd00::/8", "fd12::1"));
        assert!(!in_range("fd00::/8", "10.0.0.1"));
        assert!(!in_range("not-a-range", "10.0.0.1"));
        assert!(same_addr("fd00::1", "fd00:0::1"));
    }
}
