//! Service extractor: nmap XML scans (`-oX`, or the `.xml` of `-oA`) turned into `host`
//! and `service` facts, and served certificates (`ssl-cert`) into `certificate` facts.
//!
//! The document is never held whole: on a thread of its own, [`stream::Splitter`] cuts it
//! into `<host>` elements block by block, while the hosts of the previous block are parsed
//! (and handed to the caller, e.g. the rule evaluation) in parallel. Each host is read in
//! one pass over its bytes by [`xml::Host::index`]; the rare host written with XML that
//! pass does not read (CDATA, namespaces, an unknown entity...) is read by roxmltree,
//! which gives the same facts or the same refusal as before ([`parse_host_reference`]). Every
//! fact keeps the line of its `<host>` or `<port>` element for SARIF regions; its identity
//! is the address, port and protocol, so fingerprints survive a re-scan that reorders the
//! output. A malformed or truncated document gives one notification with its line, and
//! every host read before the fault is kept.

pub mod nse;
pub mod stream;
pub mod xml;

use crate::facts::{Fact, FactData, Target};
use crate::targets::Extracted;
use crate::targets::certificate::{self, CertOptions};
use crate::targets::pem;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashSet;
use std::io::Read;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use vigie_reports::{Location, LogicalLocation, Notification, NotificationLevel, Region};
use xml::XNode;

use nse::{
    BacnetFact, HostKeyFact, HttpFact, ModbusFact, MqttFact, RtspFact, SmbFact, SnmpFact,
    SshAlgosFact, SslEnumFact, UpnpFact, VulnFact,
};

/// Longest script output kept verbatim in [`ScriptFact::output`].
const MAX_SCRIPT_OUTPUT: usize = 2048;

/// Endpoints and hosts of an earlier scan, to mark what appeared since.
#[derive(Debug, Default, Clone)]
pub struct PreviousScan {
    /// `address:port/protocol` of every open port.
    pub open: HashSet<String>,
    /// Addresses of every host that was up.
    pub hosts: HashSet<String>,
}

impl PreviousScan {
    /// Reads an earlier scan; problems become notifications (the comparison then covers
    /// the hosts read).
    pub fn load(path: &Path, notes: &mut Vec<Notification>) -> Option<PreviousScan> {
        let display = path.display().to_string().replace('\\', "/");
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                notes.push(note(
                    NotificationLevel::Error,
                    "unreadable-previous-scan",
                    &display,
                    None,
                    format!("cannot open the previous scan: {e}"),
                ));
                return None;
            }
        };
        let mut prev = PreviousScan::default();
        let ctx = ServiceContext::default();
        let summary = stream(file, &display, &ctx, &mut |facts: Vec<Fact>| {
            for f in facts {
                match &f.data {
                    FactData::Service(s) if s.state == "open" => {
                        prev.open.insert(s.endpoint.clone());
                    }
                    FactData::Host(h) if h.status == "up" => {
                        prev.hosts.insert(h.address.clone());
                    }
                    _ => {}
                }
            }
        });
        notes.extend(summary.notifications);
        Some(prev)
    }
}

/// Settings of the service extractor.
#[derive(Debug, Clone, Default)]
pub struct ServiceContext {
    /// Options for served certificates.
    pub cert: Option<CertOptions>,
    /// The scan to compare with (`--previous-scan`).
    pub previous: Option<Arc<PreviousScan>>,
}

/// One NSE script result, as text.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct ScriptFact {
    /// Script name (`banner`, `ssl-cert`...).
    pub id: String,
    /// Its text output, cut at 2 KiB.
    pub output: String,
}

/// One address of a host.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct AddressFact {
    /// The address.
    pub addr: String,
    /// `ipv4`, `ipv6` or `mac`.
    #[serde(rename = "type")]
    pub addr_type: String,
    /// Vendor of a MAC address (from its OUI), empty otherwise.
    pub vendor: String,
}

/// An operating-system guess.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct OsMatchFact {
    /// nmap's name for it.
    pub name: String,
    /// Confidence, 0-100.
    pub accuracy: i64,
}

/// Everything rules can know about one scanned host (`<host>`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct HostFact {
    /// Main address: the IPv4 address, else the IPv6 one, else the MAC.
    pub address: String,
    /// Every address with its type.
    pub addresses: Vec<AddressFact>,
    /// MAC address, empty when not on the scanner's link.
    pub mac: String,
    /// Vendor of the MAC address.
    pub mac_vendor: String,
    /// Host names (user-given and PTR).
    pub hostnames: Vec<String>,
    /// `up`, `down` or `unknown`.
    pub status: String,
    /// Why nmap thinks so (`syn-ack`, `arp-response`, `user-set`...).
    pub status_reason: String,
    /// The address is private or local: RFC 1918, RFC 6598 (carrier-grade NAT), loopback,
    /// link-local, or IPv6 unique-local.
    pub private_address: bool,
    /// Operating-system guesses, best first.
    pub os_matches: Vec<OsMatchFact>,
    /// Start and end of this host's scan, Unix time (0 when absent).
    pub start_time: i64,
    /// End of this host's scan.
    pub end_time: i64,
    /// Open ports as `port/protocol` (`23/tcp`).
    pub open_ports: Vec<String>,
    /// Host scripts (`<hostscript>`).
    pub scripts: Vec<ScriptFact>,
    /// A previous scan was given (`--previous-scan`), so `new_since_previous_scan` is meaningful.
    pub previous_scan_compared: bool,
    /// The host was not up in the previous scan.
    pub new_since_previous_scan: bool,
}

/// Everything rules can know about one port of one host (`<port>`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct ServiceFact {
    /// Host address (see [`HostFact::address`]).
    pub address: String,
    /// Host names of the host.
    pub hostnames: Vec<String>,
    /// The host's address is private or local (see [`HostFact::private_address`]).
    pub host_private: bool,
    /// `address:port/protocol`, e.g. `10.42.1.10:1883/tcp`: the identity of the service.
    pub endpoint: String,
    /// `tcp`, `udp` or `sctp`.
    pub protocol: String,
    /// Port number.
    pub port: i64,
    /// `open`, `closed`, `filtered`, `open|filtered`, `unfiltered`...
    pub state: String,
    /// Why (`syn-ack`, `udp-response`...).
    pub reason: String,
    /// Service name from nmap (`telnet`, `mqtt`, `http`, `ssl/http` is `http` with tunnel).
    pub name: String,
    /// Product from version detection (`Mosquitto`, `OpenSSH`...), empty when unknown.
    pub product: String,
    /// Version from version detection, empty when unknown.
    pub version: String,
    /// Extra information from version detection (`protocol 2.0`, community...).
    pub extrainfo: String,
    /// `ssl` when nmap spoke TLS to reach the service, else empty.
    pub tunnel: String,
    /// How the name was found: `probed` (answer matched) or `table` (port number only).
    pub method: String,
    /// Confidence of the name, 0-10.
    pub conf: i64,
    /// Device type from version detection (`webcam`, `router`...).
    pub devicetype: String,
    /// CPE names of the service (`cpe:/a:openbsd:openssh:8.4p1`).
    pub cpe: Vec<String>,
    /// The service uses TLS: TLS tunnel, or a TLS script answered.
    pub tls: bool,
    /// Other open ports of the same host, as `port/protocol`.
    pub host_open_ports: Vec<String>,
    /// Names of the scripts that ran on this port.
    pub script_ids: Vec<String>,
    /// Every script result as text.
    pub scripts: Vec<ScriptFact>,
    /// `ssl-enum-ciphers`.
    pub ssl: SslEnumFact,
    /// `ssl-cert`: SHA-256 of the served certificate, which is also a `certificate` fact.
    pub certificate_sha256: String,
    /// `ssh2-enum-algos`.
    pub ssh: SshAlgosFact,
    /// `ssh-hostkey`.
    pub ssh_hostkeys: Vec<HostKeyFact>,
    /// The server accepts SSH protocol 1 (`sshv1` script, or a `1.x` protocol in version
    /// detection other than `1.99`).
    pub ssh_protocol_1: bool,
    /// `http-title`, `http-headers`, `http-security-headers`.
    pub http: HttpFact,
    /// `snmp-info`, `snmp-sysdescr`, SNMP version detection.
    pub snmp: SnmpFact,
    /// `modbus-discover`.
    pub modbus: ModbusFact,
    /// `bacnet-info`.
    pub bacnet: BacnetFact,
    /// `mqtt-subscribe`.
    pub mqtt: MqttFact,
    /// `rtsp-methods`.
    pub rtsp: RtspFact,
    /// `upnp-info`.
    pub upnp: UpnpFact,
    /// `smb-protocols`.
    pub smb: SmbFact,
    /// `ntp-monlist` got an answer: the server hands its list of recent clients to anyone
    /// (and amplifies traffic).
    pub ntp_monlist: bool,
    /// `dns-recursion`: the server resolves names for anyone (open resolver).
    pub dns_recursion: bool,
    /// `vulners`: known vulnerabilities matched to the detected version.
    pub vulners: Vec<VulnFact>,
    /// Highest CVSS score among `vulners` (0 when there are none).
    pub vulners_max_cvss: f64,
    /// `banner`: the first bytes the service sent.
    pub banner: String,
    /// `ftp-anon` reports that anonymous login is allowed.
    pub ftp_anonymous: bool,
    /// `vnc-info` lists the security type `None` (no authentication).
    pub vnc_no_auth: bool,
    /// `http-default-accounts` found working default credentials.
    pub default_credentials: bool,
    /// A previous scan was given (`--previous-scan`), so `new_since_previous_scan` is meaningful.
    pub previous_scan_compared: bool,
    /// The port was not open in the previous scan: a new exposure.
    pub new_since_previous_scan: bool,
}

/// What [`stream()`] read.
#[derive(Debug, Default)]
pub struct StreamSummary {
    /// Length of the document in bytes.
    pub length: u64,
    /// SHA-256 of the document.
    pub sha256: String,
    /// Hosts read.
    pub hosts: usize,
    /// Faults met.
    pub notifications: Vec<Notification>,
}

/// Private or local addresses: RFC 1918, RFC 6598, loopback, link-local, IPv6 ULA.
pub fn is_private(addr: &str) -> bool {
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V4(a)) => {
            let o = a.octets();
            a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        Ok(IpAddr::V6(a)) => {
            let s = a.segments();
            a.is_loopback() || (s[0] & 0xfe00) == 0xfc00 || (s[0] & 0xffc0) == 0xfe80
        }
        Err(_) => false,
    }
}

fn note(
    level: NotificationLevel,
    code: &str,
    uri: &str,
    line: Option<u32>,
    message: String,
) -> Notification {
    Notification {
        level,
        code: code.into(),
        message,
        location: Some(Location {
            uri: uri.into(),
            artifact: None,
            region: line.map(|l| Region::Text {
                start_line: l,
                start_column: Some(1),
                end_line: None,
            }),
            logical: None,
        }),
        rule_id: None,
    }
}

/// `s` cut at `max` bytes, an ellipsis marking the cut; a short owned value is moved.
fn cut(s: Cow<'_, str>, max: usize) -> String {
    if s.len() <= max {
        return s.into_owned();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

fn attr_i64<'a, N: XNode<'a>>(n: N, k: &str) -> i64 {
    n.attribute(k).and_then(|v| v.parse().ok()).unwrap_or(0)
}

fn attr<'a, N: XNode<'a>>(n: N, k: &str) -> String {
    n.attribute(k).map(Cow::into_owned).unwrap_or_default()
}

fn logical(name: &str) -> Option<LogicalLocation> {
    Some(LogicalLocation {
        name: name.into(),
        fully_qualified_name: name.into(),
        kind: "resource".into(),
    })
}

/// Parses one `<host>` element into host, service and certificate facts.
pub fn parse_host(slice: &stream::HostSlice, uri: &str, ctx: &ServiceContext, out: &mut Extracted) {
    // The block was checked as UTF-8 once for all its hosts; a host of a block that is not
    // UTF-8 as a whole is checked on its own.
    let text = match slice
        .text()
        .map_or_else(|| std::str::from_utf8(slice.bytes()), Ok)
    {
        Ok(t) => t,
        Err(e) => {
            out.notifications.push(note(
                NotificationLevel::Error,
                "malformed-nmap-xml",
                uri,
                Some(slice.line),
                format!("host element is not valid UTF-8: {e}"),
            ));
            return;
        }
    };
    // The usual case: one pass over the element's bytes.
    let read = xml::Host::with_index(text, |root| {
        let lines = LineCounter::new(text, slice.line);
        let line_of = |n: xml::Node<'_>| lines.line_of(n.offset());
        walk_host(root, slice, uri, ctx, &line_of, out);
    });
    if read.is_ok() {
        return;
    }
    // Anything outside what that pass reads: roxmltree, which reads it the same way or
    // says why the element is not XML.
    parse_host_reference(text, slice, uri, ctx, out);
}

/// Parses one `<host>` element with roxmltree. [`parse_host`] falls back on it for the XML
/// its own pass does not read; tests and the fuzz target compare both.
#[doc(hidden)]
pub fn parse_host_reference(
    text: &str,
    slice: &stream::HostSlice,
    uri: &str,
    ctx: &ServiceContext,
    out: &mut Extracted,
) {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = match roxmltree::Document::parse_with_options(text, opts) {
        Ok(d) => d,
        Err(e) => {
            let p = e.pos();
            out.notifications.push(note(
                NotificationLevel::Error,
                "malformed-nmap-xml",
                uri,
                Some(slice.line + p.row.saturating_sub(1)),
                format!("host element cannot be parsed: {e}"),
            ));
            return;
        }
    };
    let line_of = |n: roxmltree::Node<'_, '_>| {
        slice.line + doc.text_pos_at(n.range().start).row.saturating_sub(1)
    };
    walk_host(doc.root_element(), slice, uri, ctx, &line_of, out);
}

/// Line numbers of offsets in a host's text, asked in increasing order.
struct LineCounter<'a> {
    text: &'a [u8],
    first_line: u32,
    /// Last offset asked and its line.
    at: std::cell::Cell<(usize, u32)>,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str, first_line: u32) -> Self {
        LineCounter {
            text: text.as_bytes(),
            first_line,
            at: std::cell::Cell::new((0, first_line)),
        }
    }

    fn line_of(&self, offset: usize) -> u32 {
        let (mut from, mut line) = self.at.get();
        if offset < from {
            (from, line) = (0, self.first_line);
        }
        let offset = offset.min(self.text.len());
        line += count_newlines(&self.text[from..offset]);
        self.at.set((offset, line));
        line
    }
}

fn count_newlines(b: &[u8]) -> u32 {
    memchr::memchr_iter(b'\n', b).count() as u32
}

/// Walks a host element into host, service and certificate facts.
fn walk_host<'a, N: XNode<'a>>(
    root: N,
    slice: &stream::HostSlice,
    uri: &str,
    ctx: &ServiceContext,
    line_of: &dyn Fn(N) -> u32,
    out: &mut Extracted,
) {
    let mut host = HostFact {
        start_time: attr_i64(root, "starttime"),
        end_time: attr_i64(root, "endtime"),
        ..HostFact::default()
    };
    // `smb-protocols` is a host script: its dialects go to the SMB port's service.
    let mut host_smb: Option<SmbFact> = None;
    for c in root.elements() {
        match c.name() {
            "status" => {
                host.status = attr(c, "state");
                host.status_reason = attr(c, "reason");
            }
            "address" => {
                let a = AddressFact {
                    addr: attr(c, "addr"),
                    addr_type: attr(c, "addrtype"),
                    vendor: attr(c, "vendor"),
                };
                if a.addr_type == "mac" {
                    host.mac = a.addr.clone();
                    host.mac_vendor = a.vendor.clone();
                }
                host.addresses.push(a);
            }
            "hostnames" => {
                for h in c.elements().filter(|h| h.is("hostname")) {
                    let n = attr(h, "name");
                    if !n.is_empty() && !host.hostnames.contains(&n) {
                        host.hostnames.push(n);
                    }
                }
            }
            "os" => {
                for m in c.elements().filter(|m| m.is("osmatch")) {
                    host.os_matches.push(OsMatchFact {
                        name: attr(m, "name"),
                        accuracy: attr_i64(m, "accuracy"),
                    });
                }
            }
            "hostscript" => {
                for s in c.elements().filter(|s| s.is("script")) {
                    if s.attribute_is("id", "smb-protocols") {
                        host_smb = Some(nse::smb(s));
                    }
                    host.scripts.push(ScriptFact {
                        id: attr(s, "id"),
                        output: cut(s.attribute("output").unwrap_or_default(), MAX_SCRIPT_OUTPUT),
                    });
                }
            }
            _ => {}
        }
    }
    host.address = ["ipv4", "ipv6", "mac"]
        .iter()
        .find_map(|t| host.addresses.iter().find(|a| a.addr_type == *t))
        .map(|a| a.addr.clone())
        .unwrap_or_default();
    if host.address.is_empty() {
        out.notifications.push(note(
            NotificationLevel::Warning,
            "nmap-host-without-address",
            uri,
            Some(slice.line),
            "host element has no address; skipped".into(),
        ));
        return;
    }
    host.private_address = is_private(&host.address);
    if let Some(prev) = &ctx.previous {
        host.previous_scan_compared = true;
        host.new_since_previous_scan = host.status == "up" && !prev.hosts.contains(&host.address);
    }
    let ports: Vec<N> = root
        .elements()
        .filter(|c| c.is("ports"))
        .flat_map(|p| p.elements().filter(|c| c.is("port")))
        .collect();
    for p in &ports {
        let open = p
            .elements()
            .find(|c| c.is("state"))
            .is_some_and(|s| s.attribute_is("state", "open"));
        if open {
            host.open_ports
                .push(format!("{}/{}", attr(*p, "portid"), attr(*p, "protocol")));
        }
    }
    // IPv6 addresses in endpoints are bracketed: `[fd00::1]:443/tcp`.
    let host_part = if host.address.contains(':')
        && host
            .addresses
            .iter()
            .any(|a| a.addr_type == "ipv6" && a.addr == host.address)
    {
        format!("[{}]", host.address)
    } else {
        host.address.clone()
    };
    let smb_port = host_smb.as_ref().and_then(|_| {
        ["445", "139"].into_iter().find(|n| {
            ports
                .iter()
                .any(|p| p.attribute_is("portid", n) && p.attribute_is("protocol", "tcp"))
        })
    });
    for p in ports {
        let line = line_of(p);
        let mut svc = parse_port(p, &host, &host_part, ctx, uri, line, line_of, out);
        if let Some(smb) = &host_smb
            && smb_port.is_some_and(|n| p.attribute_is("portid", n))
            && svc.protocol == "tcp"
        {
            svc.smb = smb.clone();
        }
        let logical = logical(&svc.endpoint);
        let identity = format!("service:{}", svc.endpoint);
        out.facts.push(Fact {
            target: Target::Service,
            location: Location {
                uri: uri.into(),
                artifact: None,
                region: Some(Region::Text {
                    start_line: line,
                    start_column: Some(1),
                    end_line: None,
                }),
                logical,
            },
            identity,
            data: FactData::Service(Box::new(svc)),
        });
    }
    let logical = logical(&host.address);
    let identity = format!("host:{}", host.address);
    out.facts.push(Fact {
        target: Target::Host,
        location: Location {
            uri: uri.into(),
            artifact: None,
            region: Some(Region::Text {
                start_line: slice.line,
                start_column: Some(1),
                end_line: None,
            }),
            logical,
        },
        identity,
        data: FactData::Host(Box::new(host)),
    });
}

#[allow(clippy::too_many_arguments)]
fn parse_port<'a, N: XNode<'a>>(
    p: N,
    host: &HostFact,
    host_part: &str,
    ctx: &ServiceContext,
    uri: &str,
    line: u32,
    line_of: &dyn Fn(N) -> u32,
    out: &mut Extracted,
) -> ServiceFact {
    let protocol = attr(p, "protocol");
    let port = attr_i64(p, "portid");
    let endpoint = format!("{host_part}:{port}/{protocol}");
    // `port/protocol`, as in the host's list of open ports.
    let own = &endpoint[host_part.len() + 1..];
    let host_open_ports = host
        .open_ports
        .iter()
        .filter(|o| *o != own)
        .cloned()
        .collect();
    let mut s = ServiceFact {
        address: host.address.clone(),
        hostnames: host.hostnames.clone(),
        host_private: host.private_address,
        endpoint,
        protocol,
        port,
        host_open_ports,
        ..ServiceFact::default()
    };
    for c in p.elements() {
        match c.name() {
            "state" => {
                s.state = attr(c, "state");
                s.reason = attr(c, "reason");
            }
            "service" => {
                s.name = attr(c, "name");
                s.product = attr(c, "product");
                s.version = attr(c, "version");
                s.extrainfo = attr(c, "extrainfo");
                s.tunnel = attr(c, "tunnel");
                s.method = attr(c, "method");
                s.conf = attr_i64(c, "conf");
                s.devicetype = attr(c, "devicetype");
                s.cpe = c
                    .elements()
                    .filter(|x| x.is("cpe"))
                    .filter_map(|x| x.text())
                    .map(Cow::into_owned)
                    .collect();
            }
            "script" => script(c, &mut s, ctx, uri, line_of, out),
            _ => {}
        }
    }
    if s.name == "ssh" {
        // "protocol 1.5" in extrainfo; 1.99 means both 1 and 2, and is flagged too.
        if let Some(v) = s.extrainfo.strip_prefix("protocol ") {
            s.ssh_protocol_1 |= v.starts_with("1.");
        }
    }
    if s.name == "snmp" {
        let e = s.extrainfo.to_ascii_lowercase();
        let pr = s.product.to_ascii_lowercase();
        s.snmp.present = true;
        s.snmp.community_answered |= e.contains("public")
            || e.contains("private")
            || e.contains("community")
            || pr.contains("snmpv1")
            || pr.contains("snmpv2");
    }
    s.tls |= s.tunnel == "ssl" || s.ssl.present || !s.certificate_sha256.is_empty();
    if let Some(prev) = &ctx.previous {
        s.previous_scan_compared = true;
        s.new_since_previous_scan = s.state == "open" && !prev.open.contains(&s.endpoint);
    }
    let _ = line;
    s
}

fn script<'a, N: XNode<'a>>(
    c: N,
    s: &mut ServiceFact,
    ctx: &ServiceContext,
    uri: &str,
    line_of: &dyn Fn(N) -> u32,
    out: &mut Extracted,
) {
    let id = attr(c, "id");
    let full_output = c.attribute("output").unwrap_or_default();
    let output = full_output.as_ref();
    match id.as_str() {
        "ssl-enum-ciphers" => s.ssl = nse::ssl_enum(c),
        "ssl-cert" => served_certificate(c, s, ctx, uri, line_of(c), out),
        "ssh2-enum-algos" => s.ssh = nse::ssh_algos(c),
        "ssh-hostkey" => s.ssh_hostkeys = nse::ssh_hostkeys(c),
        "sshv1" => s.ssh_protocol_1 |= output.contains("supports SSHv1"),
        "http-title" => nse::http_title(c, &mut s.http),
        "http-headers" | "http-security-headers" => nse::http_headers(c, &mut s.http),
        "snmp-info" => {
            s.snmp.present = true;
            s.snmp.enterprise = nse::elem(c, "enterprise")
                .map(Cow::into_owned)
                .unwrap_or_default();
            s.snmp.engine_id = nse::elem(c, "engineIDData")
                .map(Cow::into_owned)
                .unwrap_or_default();
        }
        "snmp-sysdescr" | "snmp-interfaces" | "snmp-processes" | "snmp-netstat"
        | "snmp-win32-users" => {
            s.snmp.present = true;
            s.snmp.community_answered = true;
            if id == "snmp-sysdescr" {
                s.snmp.sysdescr = output.trim().to_string();
            }
        }
        "modbus-discover" => s.modbus = nse::modbus(c),
        "bacnet-info" => s.bacnet = nse::bacnet(c),
        "mqtt-subscribe" => s.mqtt = nse::mqtt(c),
        "rtsp-methods" => s.rtsp = nse::rtsp(c),
        "upnp-info" => s.upnp = nse::upnp(c),
        "banner" => s.banner = cut(Cow::Borrowed(output), MAX_SCRIPT_OUTPUT),
        "smb-protocols" => s.smb = nse::smb(c),
        // The script prints nothing when the server does not answer the monlist query.
        "ntp-monlist" => s.ntp_monlist |= !output.trim().is_empty(),
        "dns-recursion" => s.dns_recursion |= output.contains("Recursion appears to be enabled"),
        "vulners" => {
            s.vulners = nse::vulners(c);
            s.vulners_max_cvss = s.vulners.iter().map(|v| v.cvss).fold(0.0, f64::max);
        }
        "ftp-anon" => s.ftp_anonymous = output.contains("Anonymous FTP login allowed"),
        "vnc-info" => {
            s.vnc_no_auth = c.descendants().any(|e| {
                e.is("elem")
                    && e.attribute_is("key", "name")
                    && e.text().is_some_and(|t| t == "None")
            }) || output.lines().any(|l| l.trim() == "None")
        }
        "http-default-accounts" => {
            s.default_credentials = output.contains("credentials found")
                || c.descendants()
                    .any(|e| e.is("table") && e.attribute_is("key", "credentials"))
        }
        _ => {}
    }
    s.script_ids.push(id.clone());
    s.scripts.push(ScriptFact {
        id,
        output: cut(full_output, MAX_SCRIPT_OUTPUT),
    });
}

fn served_certificate<'a, N: XNode<'a>>(
    c: N,
    s: &mut ServiceFact,
    ctx: &ServiceContext,
    uri: &str,
    line: u32,
    out: &mut Extracted,
) {
    let Some(opts) = &ctx.cert else {
        return;
    };
    let Some(pem_text) = nse::elem(c, "pem") else {
        return;
    };
    for (i, block) in pem::blocks(pem_text.as_bytes()).into_iter().enumerate() {
        let der = match block.data {
            Ok(d) => d,
            Err(e) => {
                out.notifications.push(note(
                    NotificationLevel::Error,
                    "malformed-pem",
                    uri,
                    Some(line),
                    format!(
                        "certificate served at {} cannot be decoded: {e}",
                        s.endpoint
                    ),
                ));
                continue;
            }
        };
        match certificate::served_certificate_fact(&der, opts, &s.endpoint, i as u32) {
            Ok(fact) => {
                if i == 0 {
                    s.certificate_sha256 = fact.sha256.clone();
                }
                out.facts.push(Fact {
                    target: Target::Certificate,
                    location: Location {
                        uri: uri.into(),
                        artifact: None,
                        region: Some(Region::Text {
                            start_line: line,
                            start_column: Some(1),
                            end_line: None,
                        }),
                        logical: Some(LogicalLocation {
                            name: s.endpoint.clone(),
                            fully_qualified_name: format!("{}#certificate[{i}]", s.endpoint),
                            kind: "object".into(),
                        }),
                    },
                    identity: format!("certificate:{}@{}", fact.sha256, s.endpoint),
                    data: FactData::Certificate(Box::new(fact)),
                });
            }
            Err(e) => out.notifications.push(note(
                NotificationLevel::Error,
                "malformed-certificate",
                uri,
                Some(line),
                format!("certificate served at {} cannot be parsed: {e}", s.endpoint),
            )),
        }
    }
}

/// Reads an nmap XML document block by block; hands the facts of each block's hosts to
/// `sink` (in document order) and returns what was read. See [`stream_map`].
pub fn stream<R: Read + Send>(
    reader: R,
    uri: &str,
    ctx: &ServiceContext,
    sink: &mut dyn FnMut(Vec<Fact>),
) -> StreamSummary {
    stream_map(reader, uri, ctx, &|facts| facts, &mut |hosts: Vec<
        Vec<Fact>,
    >| {
        sink(hosts.into_iter().flatten().collect())
    })
}

/// Reads an nmap XML document and turns each host into a `T` with `per_host`, which gets
/// the facts of the host, its services and their served certificates.
///
/// A thread of its own reads the document, hashes it and cuts it into `<host>` elements,
/// a block ahead; the hosts of each block are parsed and handed to `per_host` in parallel
/// on the current rayon pool, and the block's results go to `sink` in document order.
/// Memory holds a few blocks, whatever the size of the document.
pub fn stream_map<R: Read + Send, T: Send>(
    reader: R,
    uri: &str,
    ctx: &ServiceContext,
    per_host: &(dyn Fn(Vec<Fact>) -> T + Sync),
    sink: &mut dyn FnMut(Vec<T>),
) -> StreamSummary {
    let mut summary = StreamSummary::default();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<stream::HostSlice>>(2);
    let read = std::thread::scope(|scope| {
        let cutter = scope.spawn(move || {
            let mut reader = reader;
            let mut splitter = stream::Splitter::new();
            while let Some(hosts) = splitter.next_hosts(&mut reader) {
                if !hosts.is_empty() && tx.send(hosts).is_err() {
                    break;
                }
            }
            drop(tx);
            // The hash covers the whole file, what the splitter did not read included.
            let sha256 = splitter.finish_hash(&mut reader);
            (splitter.fault, splitter.bytes_read, sha256)
        });
        for hosts in rx {
            summary.hosts += hosts.len();
            let parts: Vec<(T, Vec<Notification>)> = hosts
                .into_par_iter()
                .map(|h| {
                    let mut x = Extracted::default();
                    parse_host(&h, uri, ctx, &mut x);
                    drop(h);
                    (per_host(x.facts), x.notifications)
                })
                .collect();
            let mut results = Vec::with_capacity(parts.len());
            for (t, notes) in parts {
                results.push(t);
                summary.notifications.extend(notes);
            }
            sink(results);
        }
        cutter.join()
    });
    let (fault, length, sha256) = match read {
        Ok(r) => r,
        Err(panic) => std::panic::resume_unwind(panic),
    };
    if let Some(f) = &fault {
        summary.notifications.push(note(
            NotificationLevel::Error,
            "malformed-nmap-xml",
            uri,
            Some(f.line),
            format!(
                "{}; {} host{} read before this point kept",
                f.message,
                summary.hosts,
                if summary.hosts == 1 { "" } else { "s" }
            ),
        ));
    }
    summary.length = length;
    summary.sha256 = sha256;
    summary
}

/// Extracts facts from an nmap document held in memory (e.g. one found inside an image).
pub fn extract(bytes: &[u8], uri: &str, ctx: &ServiceContext) -> Extracted {
    let mut out = Extracted::default();
    let summary = stream(bytes, uri, ctx, &mut |f| out.facts.extend(f));
    out.notifications.extend(summary.notifications);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sV 10.42.0.0/24" start="1764300000" version="7.93">
<host starttime="1" endtime="2"><status state="up" reason="syn-ack"/>
<address addr="10.42.1.20" addrtype="ipv4"/>
<hostnames><hostname name="cam-parvis-mairie.belvezet.fr" type="PTR"/></hostnames>
<ports>
<port protocol="tcp" portid="23"><state state="open" reason="syn-ack"/><service name="telnet" method="probed" conf="10"/><script id="banner" output="BusyBox on cam login:"/></port>
<port protocol="tcp" portid="554"><state state="open" reason="syn-ack"/><service name="rtsp" product="Hikvision rtspd"/><script id="rtsp-methods" output="OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"/></port>
</ports>
</host>
</nmaprun>
"#;

    #[test]
    fn host_and_services_with_lines() {
        let prev = PreviousScan {
            open: ["10.42.1.20:554/tcp".to_string()].into_iter().collect(),
            hosts: ["10.42.1.20".to_string()].into_iter().collect(),
        };
        let ctx = ServiceContext {
            cert: None,
            previous: Some(Arc::new(prev)),
        };
        let x = extract(DOC.as_bytes(), "scan.xml", &ctx);
        assert!(x.notifications.is_empty(), "{:?}", x.notifications);
        assert_eq!(x.facts.len(), 3);
        let FactData::Service(telnet) = &x.facts[0].data else {
            panic!()
        };
        assert_eq!(telnet.endpoint, "10.42.1.20:23/tcp");
        assert_eq!(telnet.banner, "BusyBox on cam login:");
        assert!(telnet.new_since_previous_scan);
        assert_eq!(telnet.host_open_ports, vec!["554/tcp"]);
        assert_eq!(
            x.facts[0].location.region,
            Some(Region::Text {
                start_line: 8,
                start_column: Some(1),
                end_line: None
            })
        );
        let FactData::Service(rtsp) = &x.facts[1].data else {
            panic!()
        };
        assert_eq!(rtsp.rtsp.methods.len(), 5);
        assert!(!rtsp.new_since_previous_scan);
        let FactData::Host(h) = &x.facts[2].data else {
            panic!()
        };
        assert!(h.private_address);
        assert_eq!(h.hostnames, vec!["cam-parvis-mairie.belvezet.fr"]);
        assert_eq!(x.facts[2].identity, "host:10.42.1.20");
    }

    /// A document several blocks long: its hosts come out in document order with their
    /// lines, although each block's hosts are parsed in parallel while the next block is
    /// read, and the hash covers the whole document.
    #[test]
    fn hosts_of_many_blocks_in_document_order() {
        let pad = "x".repeat(4000);
        let n = 3000;
        let mut doc = String::from("<nmaprun>\n");
        for i in 0..n {
            doc.push_str(&format!(
                "<host comment=\"{pad}\"><status state=\"up\"/>\n<address addr=\"10.0.{}.{}\" addrtype=\"ipv4\"/></host>\n",
                i / 256,
                i % 256
            ));
        }
        doc.push_str("</nmaprun>\n");
        assert!(doc.len() > 2 * stream::BLOCK);
        let mut seen = Vec::new();
        let summary = stream(
            doc.as_bytes(),
            "big.xml",
            &ServiceContext::default(),
            &mut |facts| seen.extend(facts),
        );
        assert!(
            summary.notifications.is_empty(),
            "{:?}",
            summary.notifications
        );
        assert_eq!((summary.hosts, seen.len()), (n, n));
        assert_eq!(summary.length, doc.len() as u64);
        assert_eq!(summary.sha256, hex::encode(Sha256::digest(doc.as_bytes())));
        for (i, f) in seen.iter().enumerate() {
            assert_eq!(f.identity, format!("host:10.0.{}.{}", i / 256, i % 256));
            assert_eq!(
                f.location.region,
                Some(Region::Text {
                    start_line: 2 + 2 * i as u32,
                    start_column: Some(1),
                    end_line: None
                })
            );
        }
    }

    #[test]
    fn truncated_document_keeps_hosts() {
        let cut_at = DOC.find("</nmaprun>").unwrap_or(0);
        let x = extract(
            &DOC.as_bytes()[..cut_at],
            "scan.xml",
            &ServiceContext::default(),
        );
        assert_eq!(x.facts.len(), 3);
        assert_eq!(x.notifications.len(), 1);
        assert!(x.notifications[0].message.contains("truncated"));
    }

    /// A scan saved by an editor that puts a byte-order mark first reads as the scan
    /// itself: same facts, same positions, no notification.
    #[test]
    fn byte_order_mark_before_the_document_is_skipped() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let doc = std::fs::read(root.join("fixtures/nmap/loopback-real.xml")).unwrap();
        let plain = extract(&doc, "scan.xml", &ServiceContext::default());
        let mut marked = b"\xEF\xBB\xBF".to_vec();
        marked.extend_from_slice(&doc);
        let with_mark = extract(&marked, "scan.xml", &ServiceContext::default());
        assert!(
            with_mark.notifications.is_empty(),
            "{:?}",
            with_mark.notifications
        );
        assert!(!plain.facts.is_empty());
        assert_eq!(
            format!("{:?}", with_mark.facts),
            format!("{:?}", plain.facts)
        );
    }

    #[test]
    fn billion_laughs_is_refused() {
        let doc = r#"<?xml version="1.0"?>
<!DOCTYPE nmaprun [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<nmaprun>
<host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><hostnames><hostname name="&c;"/></hostnames></host>
</nmaprun>
"#;
        let x = extract(doc.as_bytes(), "lol.xml", &ServiceContext::default());
        assert!(x.facts.is_empty());
        assert_eq!(x.notifications.len(), 1);
        assert_eq!(x.notifications[0].code, "malformed-nmap-xml");
    }

    /// Facts and notifications of every host of `doc`, read by the one-pass reader (which
    /// must read every host of the document when `fast` is set) and by roxmltree.
    fn both_readers(doc: &[u8], fast: bool) -> (String, String) {
        let ctx = ServiceContext {
            cert: Some(CertOptions {
                now: 1_795_900_000,
                p12_passwords: Vec::new(),
            }),
            previous: Some(Arc::new(PreviousScan {
                open: ["10.42.1.20:554/tcp".to_string()].into_iter().collect(),
                hosts: ["10.0.0.1".to_string()].into_iter().collect(),
            })),
        };
        let mut splitter = stream::Splitter::new();
        let mut reader = doc;
        let (mut new, mut old) = (Extracted::default(), Extracted::default());
        while let Some(hosts) = splitter.next_hosts(&mut reader) {
            for h in hosts {
                let text = std::str::from_utf8(h.bytes()).unwrap();
                if fast {
                    assert!(xml::Host::index(text).is_ok(), "line {}: {text}", h.line);
                }
                parse_host(&h, "a.xml", &ctx, &mut new);
                parse_host_reference(text, &h, "a.xml", &ctx, &mut old);
            }
        }
        let json =
            |x: &Extracted| serde_json::to_string_pretty(&(&x.facts, &x.notifications)).unwrap();
        (json(&new), json(&old))
    }

    /// Every nmap scan of the fixtures and of the rule pack gives the same facts with the
    /// one-pass reader as with roxmltree, without falling back on roxmltree.
    #[test]
    fn one_pass_reader_matches_roxmltree_on_every_fixture() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut scans = 0;
        for dir in ["fixtures", "rules"] {
            for e in ignore::WalkBuilder::new(root.join(dir)).build() {
                let e = e.unwrap();
                let p = e.path();
                if p.extension().is_none_or(|x| x != "xml") {
                    continue;
                }
                let doc = std::fs::read(p).unwrap();
                if memchr::memmem::find(&doc, b"<nmaprun").is_none() {
                    continue;
                }
                let (new, old) = both_readers(&doc, true);
                assert_eq!(new, old, "{}", p.display());
                assert!(new.len() > 100, "{}", p.display());
                scans += 1;
            }
        }
        assert!(scans > 50, "{scans} scans");
    }

    /// XML outside the one-pass reader's subset is read by roxmltree: same facts, same
    /// refusals with the same message and line.
    #[test]
    fn xml_outside_the_subset_reads_as_before() {
        let host = |inner: &str| {
            format!(
                "<nmaprun>\n<host><status state=\"up\"/>\n<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/>\n<ports>{inner}</ports></host>\n</nmaprun>\n"
            )
        };
        for inner in [
            "<port protocol=\"tcp\" portid=\"23\"><!-- c --><state state=\"open\"/></port>",
            "<port protocol=\"tcp\" portid=\"23\"><state state=\"open\"/><script id=\"banner\" output=\"a\r\nb\"/></port>",
            "<port protocol=\"tcp\" portid=\"80\"><state state=\"open\"/><script id=\"http-title\"><elem key=\"title\"><![CDATA[<T>]]> &amp; x</elem></script></port>",
            "<port protocol=\"tcp\" portid=\"23\"><state state=\"open\" x=\"&c;\"/></port>",
            "<port protocol=\"tcp\" portid=\"23\"><state state=\"open\"/>\n</prt>",
            "<port protocol=\"tcp\" portid=\"23\" protocol=\"udp\"/>",
            "<port protocol=\"tcp\" portid=\"23\"><state state=\"open\"/>\n<service name=\"a&#1;\"/></port>",
            "<p:port protocol=\"tcp\" portid=\"23\"/>",
        ] {
            let doc = host(inner);
            let (new, old) = both_readers(doc.as_bytes(), false);
            assert_eq!(new, old, "{doc}");
        }
    }

    /// Seeded mutants of real scans (bit flips, cuts, a byte set to a character XML
    /// treats apart): for every host the splitter finds, both readers agree.
    #[test]
    fn one_pass_reader_matches_roxmltree_on_mutants() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut next = crate::testing::seeded(0x9e37_79b9_7f4a_7c15);
        const SPECIAL: &[u8] = b"<>&;#x\"'=/!?-:\r\n\t \x00\x7f\xc3\xef";
        for f in [
            "fixtures/nmap/loopback-real.xml",
            "rules/service/NET-005-mqtt-anonymous-access/fail/mqtt-anon.xml",
            "rules/service/NET-016-smbv1-accepted/fail/smbv1.xml",
        ] {
            let doc = std::fs::read(root.join(f)).unwrap();
            for _ in 0..120 {
                let mut m = doc.clone();
                for _ in 0..1 + next(4) {
                    let i = next(m.len());
                    match next(3) {
                        0 => m[i] ^= 1 << next(8),
                        1 => m[i] = SPECIAL[next(SPECIAL.len())],
                        _ => {
                            let j = (i + next(64)).min(m.len());
                            m.drain(i..j);
                        }
                    }
                }
                let (new, old) = both_readers(&m, false);
                assert_eq!(new, old, "{f}: {}", String::from_utf8_lossy(&m));
            }
        }
    }

    #[test]
    fn private_ranges() {
        for a in [
            "10.1.2.3",
            "192.168.0.1",
            "172.16.0.1",
            "100.64.0.1",
            "127.0.0.1",
            "fd00::1",
            "fe80::1",
        ] {
            assert!(is_private(a), "{a}");
        }
        for a in ["8.8.8.8", "100.128.0.1", "2001:db8::1"] {
            assert!(!is_private(a), "{a}");
        }
    }
}
