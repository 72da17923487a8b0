//! Structured output of the NSE scripts rules rely on.
//!
//! nmap writes each script's result twice: as human text (the `output` attribute) and,
//! for scripts that support it, as `<elem key=...>` and `<table key=...>` children. The
//! parsers below read the structured form when there is one and fall back to the text
//! (several scripts, e.g. `http-headers` or `upnp-info`, only have text).

use super::xml::XNode;
use serde::Serialize;
use std::borrow::Cow;

/// Text of the `<elem>` child with this key.
pub fn elem<'a, N: XNode<'a>>(node: N, key: &str) -> Option<Cow<'a, str>> {
    node.elements()
        .find(|c| c.is("elem") && c.attribute_is("key", key))
        .map(|c| c.text().unwrap_or_default())
}

/// Text of the `<elem>` child with this key, owned (empty when absent).
fn elem_string<'a, N: XNode<'a>>(node: N, key: &str) -> String {
    elem(node, key).map(Cow::into_owned).unwrap_or_default()
}

/// The `<table>` child with this key.
pub fn table<'a, N: XNode<'a>>(node: N, key: &str) -> Option<N> {
    node.elements()
        .find(|c| c.is("table") && c.attribute_is("key", key))
}

/// Texts of the key-less `<elem>` children of a table.
pub fn list<'a, N: XNode<'a>>(node: N) -> Vec<String> {
    node.elements()
        .filter(|c| c.is("elem"))
        .map(|c| c.text().map(Cow::into_owned).unwrap_or_default())
        .collect()
}

/// One cipher suite offered by a TLS service (`ssl-enum-ciphers`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct CipherFact {
    /// IANA name, e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`.
    pub name: String,
    /// Key exchange as nmap reports it: `rsa 2048`, `dh 1024`, `secp256r1`, `ecdh_x25519`.
    pub kex_info: String,
    /// Size in bits of the key exchange (the number in `kex_info`, or the curve size; 0 when
    /// unknown).
    pub kex_bits: i64,
    /// nmap's grade of the suite, `A` (best) to `F`.
    pub strength: String,
}

/// One protocol version offered, with its suites.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct TlsProtocolFact {
    /// `SSLv3`, `TLSv1.0`, `TLSv1.1`, `TLSv1.2` or `TLSv1.3` (nmap's spelling).
    pub name: String,
    /// Suites offered with this version.
    pub ciphers: Vec<CipherFact>,
    /// Compression methods offered (`NULL` means none).
    pub compressors: Vec<String>,
    /// `server` or `client`: whose order of preference is used.
    pub cipher_preference: String,
    /// Warnings nmap printed for this version.
    pub warnings: Vec<String>,
}

/// What `ssl-enum-ciphers` found: the TLS versions and suites a service accepts.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SslEnumFact {
    /// The script ran and produced structured output.
    pub present: bool,
    /// Versions offered, in nmap's order.
    pub protocols: Vec<TlsProtocolFact>,
    /// Names of the versions offered (`["TLSv1.0", "TLSv1.2"]`).
    pub protocol_names: Vec<String>,
    /// Every suite offered, all versions together (names may repeat across versions).
    pub ciphers: Vec<CipherFact>,
    /// nmap's overall grade: the weakest suite's strength (`least strength`), `A` to `F`.
    pub least_strength: String,
}

fn kex_bits(kex: &str) -> i64 {
    if let Some(n) = kex.split_whitespace().nth(1).and_then(|n| n.parse().ok()) {
        return n;
    }
    match kex {
        "ecdh_x25519" | "x25519" => 255,
        "ecdh_x448" | "x448" => 448,
        _ => kex
            .trim_start_matches(|c: char| c.is_ascii_alphabetic())
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
    }
}

/// Parses `ssl-enum-ciphers`.
pub fn ssl_enum<'a, N: XNode<'a>>(script: N) -> SslEnumFact {
    let mut f = SslEnumFact {
        present: true,
        ..SslEnumFact::default()
    };
    for t in script.elements().filter(|c| c.is("table")) {
        let Some(name) = t.attribute("key") else {
            continue;
        };
        let mut p = TlsProtocolFact {
            name: name.into_owned(),
            ..TlsProtocolFact::default()
        };
        if let Some(cs) = table(t, "ciphers") {
            for c in cs.elements().filter(|c| c.is("table")) {
                let kex = elem_string(c, "kex_info");
                p.ciphers.push(CipherFact {
                    name: elem_string(c, "name"),
                    kex_bits: kex_bits(&kex),
                    kex_info: kex,
                    strength: elem_string(c, "strength"),
                });
            }
        }
        if let Some(cs) = table(t, "compressors") {
            p.compressors = list(cs);
        }
        if let Some(w) = table(t, "warnings") {
            p.warnings = list(w);
        }
        p.cipher_preference = elem_string(t, "cipher preference");
        f.protocol_names.push(p.name.clone());
        f.ciphers.extend(p.ciphers.iter().cloned());
        f.protocols.push(p);
    }
    f.least_strength = elem_string(script, "least strength");
    f
}

/// Algorithms an SSH server offers (`ssh2-enum-algos`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SshAlgosFact {
    /// The script ran.
    pub present: bool,
    /// Key exchange algorithms.
    pub kex: Vec<String>,
    /// Host key algorithms.
    pub host_key: Vec<String>,
    /// Encryption algorithms (ciphers).
    pub encryption: Vec<String>,
    /// MAC algorithms.
    pub mac: Vec<String>,
    /// Compression algorithms.
    pub compression: Vec<String>,
}

/// Parses `ssh2-enum-algos`.
pub fn ssh_algos<'a, N: XNode<'a>>(script: N) -> SshAlgosFact {
    let l = |k: &str| table(script, k).map(list).unwrap_or_default();
    SshAlgosFact {
        present: true,
        kex: l("kex_algorithms"),
        host_key: l("server_host_key_algorithms"),
        encryption: l("encryption_algorithms"),
        mac: l("mac_algorithms"),
        compression: l("compression_algorithms"),
    }
}

/// One SSH host key (`ssh-hostkey`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct HostKeyFact {
    /// `ssh-rsa`, `ssh-dss`, `ecdsa-sha2-nistp256`, `ssh-ed25519`...
    #[serde(rename = "type")]
    pub key_type: String,
    /// Key size in bits.
    pub bits: i64,
    /// MD5 fingerprint as nmap prints it.
    pub fingerprint: String,
}

/// Parses `ssh-hostkey`.
pub fn ssh_hostkeys<'a, N: XNode<'a>>(script: N) -> Vec<HostKeyFact> {
    script
        .elements()
        .filter(|c| c.is("table"))
        .map(|t| HostKeyFact {
            key_type: elem_string(t, "type"),
            bits: elem(t, "bits").and_then(|b| b.parse().ok()).unwrap_or(0),
            fingerprint: elem_string(t, "fingerprint"),
        })
        .collect()
}

/// What HTTP scripts saw (`http-title`, `http-headers`, `http-security-headers`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct HttpFact {
    /// Page title (`http-title`), empty when none.
    pub title: String,
    /// Where the server redirected (`http-title`'s `redirect_url`), empty when it did not.
    pub redirect_url: String,
    /// The redirect goes to an `https://` URL.
    pub redirects_to_https: bool,
    /// `http-headers` or `http-security-headers` ran: the header list is known.
    pub headers_seen: bool,
    /// Response header lines (`Name: value`).
    pub headers: Vec<String>,
    /// Header names, lowercase.
    pub header_names: Vec<String>,
    /// `Strict-Transport-Security` is among the headers.
    pub hsts: bool,
    /// `Server` header value.
    pub server: String,
}

/// Adds `http-title` output.
pub fn http_title<'a, N: XNode<'a>>(script: N, h: &mut HttpFact) {
    h.title = elem_string(script, "title");
    if h.title.is_empty() {
        let out = script.attribute("output").unwrap_or_default();
        if !out.starts_with("Site doesn't have a title") && !out.starts_with("Did not follow") {
            h.title = out.lines().next().unwrap_or("").trim().to_string();
        }
    }
    h.redirect_url = elem_string(script, "redirect_url");
    if h.redirect_url.is_empty() {
        // "Did not follow redirect to https://..."
        let out = script.attribute("output").unwrap_or_default();
        if let Some(i) = out.find("redirect to ") {
            h.redirect_url = out[i + 12..].trim().to_string();
        }
    }
    h.redirects_to_https = h.redirect_url.to_ascii_lowercase().starts_with("https://");
}

/// Adds `http-headers` / `http-security-headers` output.
pub fn http_headers<'a, N: XNode<'a>>(script: N, h: &mut HttpFact) {
    h.headers_seen = true;
    let mut lines: Vec<String> = script
        .descendants()
        .filter(|c| c.is("elem"))
        .filter_map(|c| c.text())
        .map(Cow::into_owned)
        .collect();
    if lines.is_empty() {
        lines = script
            .attribute("output")
            .unwrap_or_default()
            .lines()
            .map(|l| l.trim().to_string())
            .collect();
    }
    for l in lines {
        let Some((name, value)) = l.split_once(':') else {
            continue;
        };
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() || name.contains(' ') {
            continue;
        }
        if name == "strict-transport-security" {
            h.hsts = true;
        }
        if name == "server" {
            h.server = value.trim().to_string();
        }
        h.header_names.push(name);
        h.headers.push(l.trim().to_string());
    }
}

/// SNMP facts (`snmp-info`, `snmp-sysdescr` and version detection).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SnmpFact {
    /// An SNMP script ran.
    pub present: bool,
    /// The agent answered a request carrying a community string (SNMPv1 or v2c): the
    /// `-sV` probe (community `public`) or a community-based script got an answer.
    pub community_answered: bool,
    /// `snmp-info`: enterprise (vendor) of the SNMPv3 engine.
    pub enterprise: String,
    /// `snmp-info`: engine ID data.
    pub engine_id: String,
    /// `snmp-sysdescr`: the system description.
    pub sysdescr: String,
}

/// Modbus facts (`modbus-discover`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct ModbusFact {
    /// The script ran.
    pub present: bool,
    /// Slave ids that answered (`0x01`...).
    pub slave_ids: Vec<String>,
    /// Device identification strings returned.
    pub device_identification: Vec<String>,
}

/// Parses `modbus-discover`.
pub fn modbus<'a, N: XNode<'a>>(script: N) -> ModbusFact {
    let mut f = ModbusFact {
        present: true,
        ..ModbusFact::default()
    };
    for t in script.elements().filter(|c| c.is("table")) {
        let key = t.attribute("key").unwrap_or_default();
        if let Some(sid) = key.strip_prefix("sid ") {
            f.slave_ids.push(sid.to_string());
        }
        if let Some(d) = elem(t, "Device identification") {
            f.device_identification.push(d.into_owned());
        }
    }
    f
}

/// BACnet device facts (`bacnet-info`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct BacnetFact {
    /// The script ran.
    pub present: bool,
    /// Vendor name.
    pub vendor_name: String,
    /// Vendor id.
    pub vendor_id: String,
    /// Device instance number.
    pub instance_number: String,
    /// Firmware revision.
    pub firmware: String,
    /// Application software revision.
    pub application_software: String,
    /// Object name.
    pub object_name: String,
    /// Model name.
    pub model_name: String,
    /// Description.
    pub description: String,
    /// Location as configured in the device.
    pub location: String,
}

/// Parses `bacnet-info`.
pub fn bacnet<'a, N: XNode<'a>>(script: N) -> BacnetFact {
    let g = |k: &str| elem_string(script, k);
    BacnetFact {
        present: true,
        vendor_name: g("Vendor Name"),
        vendor_id: g("Vendor ID"),
        instance_number: g("Instance Number"),
        firmware: g("Firmware"),
        application_software: g("Application Software"),
        object_name: g("Object-name"),
        model_name: g("Model Name"),
        description: g("Description"),
        location: g("Location"),
    }
}

/// MQTT facts (`mqtt-subscribe`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct MqttFact {
    /// The script ran.
    pub present: bool,
    /// The script connected without credentials and received messages.
    pub anonymous_access: bool,
    /// Topics whose messages were received.
    pub topics: Vec<String>,
}

/// Parses `mqtt-subscribe`.
pub fn mqtt<'a, N: XNode<'a>>(script: N) -> MqttFact {
    let mut f = MqttFact {
        present: true,
        ..MqttFact::default()
    };
    for t in script.elements().filter(|c| c.is("table")) {
        if t.attribute("key").unwrap_or_default().contains("Topics") {
            f.anonymous_access = true;
            f.topics.extend(
                t.elements()
                    .filter(|c| c.is("elem"))
                    .filter_map(|c| c.attribute("key"))
                    .map(Cow::into_owned),
            );
        }
    }
    if !f.anonymous_access
        && script
            .attribute("output")
            .unwrap_or_default()
            .contains("Topics and their most recent payloads")
    {
        f.anonymous_access = true;
    }
    f
}

/// RTSP facts (`rtsp-methods`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct RtspFact {
    /// The script ran.
    pub present: bool,
    /// Methods the server announces (`DESCRIBE`, `SETUP`, `PLAY`...).
    pub methods: Vec<String>,
}

/// Parses `rtsp-methods`.
pub fn rtsp<'a, N: XNode<'a>>(script: N) -> RtspFact {
    let out = script.attribute("output").unwrap_or_default();
    RtspFact {
        present: true,
        methods: out
            .split([',', '\n'])
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
            .collect(),
    }
}

/// SMB dialects (`smb-protocols`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SmbFact {
    /// The script ran.
    pub present: bool,
    /// Dialects the server accepts, as nmap lists them: `NT LM 0.12 (SMBv1) [dangerous,
    /// but default]` for SMB 1, `2:0:2`, `2:1:0`, `3:0:0`, `3:1:1` for SMB 2 and 3 (older
    /// nmap releases write `2.02`, `3.11`...).
    pub dialects: Vec<String>,
    /// The SMB 1 dialect (`NT LM 0.12`) is among them.
    pub smbv1: bool,
}

/// Parses `smb-protocols`: the structured `dialects` table, or the text when it is absent.
pub fn smb<'a, N: XNode<'a>>(script: N) -> SmbFact {
    let mut dialects = table(script, "dialects").map(list).unwrap_or_default();
    if dialects.is_empty() {
        let out = script.attribute("output").unwrap_or_default();
        dialects = out
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.ends_with(':'))
            .map(str::to_string)
            .collect();
    }
    let smbv1 = dialects
        .iter()
        .any(|d| d.contains("NT LM 0.12") || d.contains("SMBv1"));
    SmbFact {
        present: true,
        dialects,
        smbv1,
    }
}

/// One known vulnerability matched to a service's version (`vulners`).
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct VulnFact {
    /// Identifier (`CVE-2023-38408`, or an exploit database id).
    pub id: String,
    /// CVSS base score, 0 to 10 (0 when absent).
    pub cvss: f64,
    /// Kind of entry (`cve`, `exploitdb`, `githubexploit`...).
    #[serde(rename = "type")]
    pub kind: String,
    /// A public exploit is listed.
    pub is_exploit: bool,
    /// The CPE of the product version the entry was matched to.
    pub cpe: String,
}

/// Parses `vulners`: one `<table key="cpe:...">` per product version, holding one table per
/// entry with `id`, `cvss`, `type` and `is_exploit`. Entries keep nmap's order.
pub fn vulners<'a, N: XNode<'a>>(script: N) -> Vec<VulnFact> {
    let mut out = Vec::new();
    for product in script.elements().filter(|c| c.is("table")) {
        let cpe = product.attribute("key").unwrap_or_default();
        for entry in product.elements().filter(|c| c.is("table")) {
            let Some(id) = elem(entry, "id") else {
                continue;
            };
            out.push(VulnFact {
                id: id.into_owned(),
                cvss: elem(entry, "cvss")
                    .and_then(|c| c.trim().parse::<f64>().ok())
                    .filter(|c| c.is_finite())
                    .unwrap_or(0.0),
                kind: elem_string(entry, "type"),
                is_exploit: elem(entry, "is_exploit").is_some_and(|e| e == "true"),
                cpe: cpe.to_string(),
            });
        }
    }
    out
}

/// UPnP facts (`upnp-info`).
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct UpnpFact {
    /// The script ran.
    pub present: bool,
    /// `Server:` announced.
    pub server: String,
    /// Description URL (`Location:`).
    pub location: String,
    /// Manufacturer.
    pub manufacturer: String,
    /// Model name.
    pub model_name: String,
    /// Model version.
    pub model_version: String,
}

/// Parses `upnp-info` (text only).
pub fn upnp<'a, N: XNode<'a>>(script: N) -> UpnpFact {
    let mut f = UpnpFact {
        present: true,
        ..UpnpFact::default()
    };
    for l in script.attribute("output").unwrap_or_default().lines() {
        let Some((k, v)) = l.trim().split_once(": ") else {
            continue;
        };
        let v = v.trim().to_string();
        match k {
            "Server" => f.server = v,
            "Location" => f.location = v,
            "Manufacturer" => f.manufacturer = v,
            "Model Name" => f.model_name = v,
            "Model Version" => f.model_version = v,
            _ => {}
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kex_sizes() {
        assert_eq!(kex_bits("dh 1024"), 1024);
        assert_eq!(kex_bits("rsa 2048"), 2048);
        assert_eq!(kex_bits("secp256r1"), 256);
        assert_eq!(kex_bits("ecdh_x25519"), 255);
        assert_eq!(kex_bits("sect571r1"), 571);
        assert_eq!(kex_bits(""), 0);
    }
}
