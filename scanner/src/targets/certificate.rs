//! Certificate extractor: X.509 certificates and private keys from PEM, DER, PKCS#7 and
//! PKCS#12, with chain and key-pair facts computed across the whole scan.
//!
//! Parsing is x509-parser's; PKCS#7 is decoded with `cms` and PKCS#12 with
//! `p12-keystore`, each certificate then re-parsed by x509-parser so every source yields
//! the same [`CertificateFact`].

use crate::artifact::{Artifact, ArtifactKind};
use crate::facts::{Fact, FactData, Target};
use crate::targets::pem;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, HashMap};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use vigie_reports::{Location, LogicalLocation, Notification, NotificationLevel, Region};
use x509_parser::der_parser::ber::BerObjectContent;
use x509_parser::der_parser::der::parse_der;
use x509_parser::error::X509Error;
use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::{PublicKey, RSAPublicKey};
use x509_parser::x509::SubjectPublicKeyInfo;

/// Options of the certificate extractor.
#[derive(Debug, Clone)]
pub struct CertOptions {
    /// "Today" for time-based facts, as a Unix timestamp (the last second of the
    /// `--as-of` day, UTC).
    pub now: i64,
    /// Passwords tried on PKCS#12 stores, in order (the empty password is always tried).
    pub p12_passwords: Vec<String>,
}

/// The public key of a certificate.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct KeyFact {
    /// `rsa`, `ec`, `dsa`, `ed25519`, `ed448` or `unknown`.
    pub algorithm: String,
    /// Key size in bits: RSA modulus length (leading zeros stripped), curve size for EC,
    /// length of the prime `p` for DSA (of the public value when the parameters are inherited).
    pub bits: u32,
    /// Curve name for EC keys (`P-256`, `brainpoolP256r1`, ...), empty otherwise.
    pub curve: String,
    /// RSA public exponent (0 when not RSA or when it does not fit in 63 bits, so that it
    /// stays a CEL `int` and arithmetic such as `% 2` works in conditions).
    pub rsa_exponent: u64,
}

/// The signature of a certificate.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SignatureFact {
    /// Algorithm name from the OID registry, e.g. `sha256WithRSAEncryption`.
    pub algorithm: String,
    /// Dotted OID.
    pub oid: String,
    /// Hash used: `md2`, `md5`, `sha1`, `sha224`, `sha256`, `sha384`, `sha512`,
    /// `intrinsic` (EdDSA), or `unknown`.
    pub hash: String,
}

/// Subject alternative names, by type.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct SanFact {
    /// DNS names.
    pub dns: Vec<String>,
    /// IP addresses.
    pub ip: Vec<String>,
    /// E-mail addresses.
    pub email: Vec<String>,
    /// URIs.
    pub uri: Vec<String>,
}

/// Where the certificate stands in a chain, from the other certificates of the scan.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct ChainFact {
    /// The issuing certificate is among the scanned ones: a certificate whose subject is
    /// this one's issuer and whose key identifier does not contradict the authority key
    /// identifier (or the certificate is self-issued).
    pub issuer_found: bool,
    /// Path of the issuing certificate when found elsewhere (empty otherwise).
    pub issuer_path: String,
    /// The signature was checked and verifies with the issuer's public key (with its own
    /// when self-issued).
    pub signature_verifies: bool,
    /// The signature could be checked: false when its algorithm or the issuer's key is one
    /// Vigie cannot verify (MD5, DSA, ECDSA on P-521 or brainpool curves, SHA-1 with RSA
    /// keys under 1024 bits...), in which case `signature_verifies` is false too but says
    /// nothing about the signature. RSA PKCS#1 v1.5 signatures with SHA-2 are checked for
    /// every modulus size.
    pub signature_checked: bool,
    /// Following issuers leads to a self-signed certificate; each signature on the way
    /// verifies, or cannot be checked (see `signature_checked`).
    pub complete: bool,
    /// Number of certificates above this one up to the last found (0 for a root).
    pub depth: u32,
    /// Subject of the last certificate reached.
    pub anchor: String,
}

/// The private key that goes with a certificate, when one is stored next to it.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct KeyPairFact {
    /// A matching private key was found in the same file or directory.
    pub present: bool,
    /// Key type (`rsa`, `ec`, ...), `unknown` when encrypted.
    #[serde(rename = "type")]
    pub key_type: String,
    /// Encrypted with a passphrase.
    pub encrypted: bool,
    /// Where the key is.
    pub path: String,
    /// How the pair was recognised: `public-key` (same public key), `same-file`,
    /// or `same-name` (e.g. `server.crt` and `server.key`).
    pub matched_by: String,
}

/// Everything rules can know about one certificate.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CertificateFact {
    /// Container format: `pem`, `der`, `pkcs7` or `pkcs12`; `nmap` for a certificate a
    /// network service presented during a scan (nmap `ssl-cert`).
    pub source: String,
    /// For a served certificate, the endpoint that presented it (`10.42.1.10:8883/tcp`);
    /// empty for certificates read from files.
    pub endpoint: String,
    /// Position in its container (0 for the first).
    pub index: u32,
    /// Subject distinguished name (RFC 4514 style).
    pub subject: String,
    /// First common name of the subject (empty when none).
    pub subject_cn: String,
    /// Issuer distinguished name.
    pub issuer: String,
    /// First common name of the issuer.
    pub issuer_cn: String,
    /// Serial number, hex bytes separated by colons.
    pub serial: String,
    /// Bit length of the serial number.
    pub serial_bits: u32,
    /// X.509 version: 1, 2 or 3.
    pub version: u32,
    /// Start of validity, RFC 3339 UTC.
    pub not_before: String,
    /// End of validity, RFC 3339 UTC.
    pub not_after: String,
    /// Length of the validity period in whole days.
    pub validity_days: i64,
    /// Whole days from "today" (`--as-of`) to `not_after`; negative once expired.
    pub days_until_expiry: i64,
    /// Whole days from "today" to `not_before`; positive when not yet valid.
    pub days_until_valid: i64,
    /// `not_after` is before "today".
    pub expired: bool,
    /// `not_before` is after "today".
    pub not_yet_valid: bool,
    /// Public key.
    pub key: KeyFact,
    /// Signature algorithm.
    pub signature: SignatureFact,
    /// Subject equals issuer.
    pub self_issued: bool,
    /// Self-issued and signed with its own key: the signature verifies with it or, when
    /// the algorithm cannot be checked, the key identifiers do not point at another key.
    pub self_signed: bool,
    /// basicConstraints extension present.
    pub basic_constraints: bool,
    /// basicConstraints says `cA=TRUE`.
    pub is_ca: bool,
    /// A pathLenConstraint is set.
    pub has_path_len: bool,
    /// The pathLenConstraint (0 when absent).
    pub path_len: u32,
    /// `root` (self-signed CA), `intermediate` (other CA) or `leaf`.
    pub role: String,
    /// keyUsage extension present.
    pub key_usage_present: bool,
    /// keyUsage bits, snake_case (`digital_signature`, `key_encipherment`, `key_cert_sign`...).
    pub key_usage: Vec<String>,
    /// extendedKeyUsage extension present.
    pub eku_present: bool,
    /// Extended key usages (`server_auth`, `client_auth`, `code_signing`, `any`, or an OID).
    pub extended_key_usage: Vec<String>,
    /// subjectAltName extension present.
    pub san_present: bool,
    /// Subject alternative names by type.
    pub san: SanFact,
    /// All DNS and IP subject alternative names.
    pub sans: Vec<String>,
    /// Some DNS name (SAN or CN) starts with `*.`.
    pub wildcard: bool,
    /// Subject key identifier, hex (empty when absent).
    pub ski: String,
    /// Authority key identifier, hex (empty when absent).
    pub aki: String,
    /// CRL distribution point URLs.
    pub crl_urls: Vec<String>,
    /// OCSP responder URLs from authorityInfoAccess.
    pub ocsp_urls: Vec<String>,
    /// SHA-256 of the DER SubjectPublicKeyInfo.
    pub spki_sha256: String,
    /// SHA-256 of the DER certificate.
    pub sha256: String,
    /// Chain facts (computed once all certificates are known).
    pub chain: ChainFact,
    /// The private key stored with it.
    pub private_key: KeyPairFact,
    /// Paths of other certificates (different content) carrying the same public key:
    /// the same key on several devices or services.
    pub key_shared_with: Vec<String>,
    /// Identity of the public key shared with [`PrivateKeyFact::key_id`].
    #[serde(skip)]
    pub key_id: String,
    #[serde(skip)]
    der: Vec<u8>,
    #[serde(skip)]
    subject_raw: Vec<u8>,
    #[serde(skip)]
    issuer_raw: Vec<u8>,
    /// Outcome of checking the signature with the certificate's own key (self-issued only).
    #[serde(skip)]
    self_signature: SigCheck,
}

/// Certificate a private key belongs to.
#[derive(Debug, Clone, Serialize, Default, PartialEq, Eq)]
pub struct KeyCertificateFact {
    /// A certificate with the same public key was found.
    pub found: bool,
    /// Where.
    pub path: String,
    /// Its subject.
    pub subject: String,
}

/// Everything rules can know about one private key.
#[derive(Debug, Clone, Serialize, Default)]
pub struct PrivateKeyFact {
    /// `rsa`, `ec`, `dsa`, `ed25519`, `ed448`, `ssh-*` for OpenSSH keys, or `unknown`.
    #[serde(rename = "type")]
    pub key_type: String,
    /// `pkcs8`, `pkcs8-encrypted`, `pkcs1`, `sec1`, `openssh`, `dsa`, `pkcs12`.
    pub format: String,
    /// Protected by a passphrase.
    pub encrypted: bool,
    /// Key size in bits when known.
    pub bits: u32,
    /// EC curve name when known.
    pub curve: String,
    /// Hash of the public key material (empty when unknown, e.g. encrypted keys).
    pub key_id: String,
    /// The certificate of this key, when scanned.
    pub certificate: KeyCertificateFact,
    /// Other firmware images (outermost files, carving offsets removed) holding the same
    /// key, by `key_id`; empty outside images. Filled once every image is read.
    pub reused_in_images: Vec<String>,
}

pub use super::Extracted;

fn fmt_time(ts: i64) -> String {
    OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
}

fn days_between(from: i64, to: i64) -> i64 {
    (to - from).div_euclid(86_400)
}

fn hex_colon(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn bit_len(bytes: &[u8]) -> u32 {
    let trimmed: &[u8] = match bytes.iter().position(|&b| b != 0) {
        Some(i) => &bytes[i..],
        None => return 0,
    };
    let lead = trimmed.first().map(|b| b.leading_zeros()).unwrap_or(8);
    (trimmed.len() as u32) * 8 - lead
}

fn strip_zeros(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b != 0) {
        Some(i) => &bytes[i..],
        None => &[],
    }
}

/// Key identity for pairing keys and certificates: SHA-256 over a tag and the public
/// material (RSA modulus without leading zeros, or the EC point).
fn key_id(tag: &str, material: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(tag.as_bytes());
    h.update([0]);
    h.update(material);
    hex::encode(h.finalize())
}

/// Curve name and size from a named-curve OID.
pub fn curve_name(oid: &str) -> (&'static str, u32) {
    match oid {
        "1.2.840.10045.3.1.7" => ("P-256", 256),
        "1.3.132.0.34" => ("P-384", 384),
        "1.3.132.0.35" => ("P-521", 521),
        "1.3.132.0.33" => ("P-224", 224),
        "1.2.840.10045.3.1.1" => ("P-192", 192),
        "1.3.132.0.10" => ("secp256k1", 256),
        "1.3.36.3.3.2.8.1.1.7" => ("brainpoolP256r1", 256),
        "1.3.36.3.3.2.8.1.1.11" => ("brainpoolP384r1", 384),
        "1.3.36.3.3.2.8.1.1.13" => ("brainpoolP512r1", 512),
        "1.2.250.1.223.101.256.1" => ("FRP256v1", 256),
        "1.3.132.0.8" => ("secp160r1", 160),
        _ => ("unknown", 0),
    }
}

fn signature_hash(oid: &str, name: &str) -> &'static str {
    match oid {
        "1.2.840.113549.1.1.2" => "md2",
        "1.2.840.113549.1.1.4" => "md5",
        "1.2.840.113549.1.1.5" | "1.2.840.10045.4.1" | "1.2.840.10040.4.3" | "1.3.14.3.2.29" => {
            "sha1"
        }
        "1.2.840.113549.1.1.14" | "1.2.840.10045.4.3.1" => "sha224",
        "1.2.840.113549.1.1.11" | "1.2.840.10045.4.3.2" | "2.16.840.1.101.3.4.3.2" => "sha256",
        "1.2.840.113549.1.1.12" | "1.2.840.10045.4.3.3" => "sha384",
        "1.2.840.113549.1.1.13" | "1.2.840.10045.4.3.4" => "sha512",
        "1.3.101.112" | "1.3.101.113" => "intrinsic",
        _ => {
            let n = name.to_ascii_lowercase();
            if n.contains("md5") {
                "md5"
            } else if n.contains("sha1") || n.contains("sha-1") {
                "sha1"
            } else if n.contains("sha256") {
                "sha256"
            } else if n.contains("sha384") {
                "sha384"
            } else if n.contains("sha512") {
                "sha512"
            } else {
                "unknown"
            }
        }
    }
}

/// Outcome of checking one signature.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
enum SigCheck {
    /// The signature verifies.
    Valid,
    /// The signature was checked and is wrong (or made with another kind of key).
    Invalid,
    /// The algorithm or the signer's key is outside what Vigie can verify.
    #[default]
    Unsupported,
}

const OID_RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const OID_RSASSA_PSS: &str = "1.2.840.113549.1.1.10";

/// Modulus and exponent of an RSA public key announced as `rsaEncryption` or as
/// `id-RSASSA-PSS` (RFC 4055; x509-parser only decodes the former).
fn rsa_components<'a>(spki: &'a SubjectPublicKeyInfo<'_>) -> Option<(&'a [u8], &'a [u8])> {
    let oid = spki.algorithm.algorithm.to_id_string();
    if oid != OID_RSA_ENCRYPTION && oid != OID_RSASSA_PSS {
        return None;
    }
    let (_, k) = RSAPublicKey::from_der(&spki.subject_public_key.data).ok()?;
    Some((k.modulus, k.exponent))
}

/// Largest RSA modulus and exponent (bits) checked by hand: bounds the cost of a hostile key.
const MAX_RSA_MODULUS_BITS: u64 = 16_384;
const MAX_RSA_EXPONENT_BITS: u64 = 256;

/// Verifies an RSA PKCS#1 v1.5 signature with SHA-2 (RFC 8017 §8.2.2) by hand, for every
/// modulus size: `ring`, behind x509-parser, refuses moduli under 2048 bits (common on old
/// device PKIs) and SHA-224. `None` when `sig_oid` is not one of these algorithms.
fn rsa_pkcs1_sha2(
    sig_oid: &str,
    tbs: &[u8],
    sig: &[u8],
    signer: &SubjectPublicKeyInfo<'_>,
) -> Option<SigCheck> {
    use sha2::{Sha224, Sha384, Sha512};
    use x509_parser::num_bigint::BigUint;
    // DigestInfo prefixes, RFC 8017 §9.2 note 1.
    let (prefix, digest): (&[u8], Vec<u8>) = match sig_oid {
        "1.2.840.113549.1.1.14" => (
            &[
                0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x04, 0x05, 0x00, 0x04, 0x1c,
            ],
            Sha224::digest(tbs).to_vec(),
        ),
        "1.2.840.113549.1.1.11" => (
            &[
                0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x01, 0x05, 0x00, 0x04, 0x20,
            ],
            Sha256::digest(tbs).to_vec(),
        ),
        "1.2.840.113549.1.1.12" => (
            &[
                0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x02, 0x05, 0x00, 0x04, 0x30,
            ],
            Sha384::digest(tbs).to_vec(),
        ),
        "1.2.840.113549.1.1.13" => (
            &[
                0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                0x03, 0x05, 0x00, 0x04, 0x40,
            ],
            Sha512::digest(tbs).to_vec(),
        ),
        _ => return None,
    };
    let Some((n, e)) = rsa_components(signer) else {
        // An RSA signature cannot come from a key of another type.
        return Some(SigCheck::Invalid);
    };
    let n = BigUint::from_bytes_be(n);
    let e = BigUint::from_bytes_be(e);
    if n.bits() > MAX_RSA_MODULUS_BITS || e.bits() > MAX_RSA_EXPONENT_BITS {
        return Some(SigCheck::Unsupported);
    }
    let k = n.bits().div_ceil(8) as usize;
    let s = BigUint::from_bytes_be(sig);
    if sig.len() != k || s >= n || k < prefix.len() + digest.len() + 11 {
        return Some(SigCheck::Invalid);
    }
    let m = s.modpow(&e, &n).to_bytes_be();
    let mut expected = vec![0xffu8; k];
    expected[0] = 0;
    expected[1] = 1;
    let t = k - prefix.len() - digest.len();
    expected[t - 1] = 0;
    expected[t..t + prefix.len()].copy_from_slice(prefix);
    expected[t + prefix.len()..].copy_from_slice(&digest);
    // `m` lacks the leading zero bytes of the encoded message.
    let ok = m.len() <= k
        && expected[..k - m.len()].iter().all(|&b| b == 0)
        && expected[k - m.len()..] == m[..];
    Some(if ok {
        SigCheck::Valid
    } else {
        SigCheck::Invalid
    })
}

/// Whether `ring` accepts this RSA key for the given minimum modulus size: the modulus,
/// rounded up to whole bytes, between `min_bits` and 8192 bits, an odd exponent between 3
/// and 2^33 - 1. Outside that range it reports a failure rather than an unsupported key.
fn ring_accepts_rsa(n: &[u8], e: &[u8], min_bits: u32) -> bool {
    let n_bits = bit_len(n);
    let e = strip_zeros(e);
    let e_val = if e.len() <= 8 {
        e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
    } else {
        u64::MAX
    };
    n_bits.div_ceil(8) * 8 >= min_bits
        && n_bits <= 8192
        && (3..1u64 << 33).contains(&e_val)
        && e_val % 2 == 1
}

/// Checks the signature of `child` with the public key of `signer`.
fn check_signature(child: &X509Certificate<'_>, signer: &SubjectPublicKeyInfo<'_>) -> SigCheck {
    let ring = child.verify_signature(Some(signer));
    if ring.is_ok() {
        return SigCheck::Valid;
    }
    let oid = child.signature_algorithm.algorithm.to_id_string();
    if let Some(outcome) = rsa_pkcs1_sha2(
        &oid,
        child.tbs_certificate.as_ref(),
        &child.signature_value.data,
        signer,
    ) {
        return outcome;
    }
    match ring {
        Err(X509Error::SignatureUnsupportedAlgorithm) => SigCheck::Unsupported,
        _ => {
            let min_bits = match oid.as_str() {
                // sha1WithRSAEncryption, sha1WithRSA (OIW)
                "1.2.840.113549.1.1.5" | "1.3.14.3.2.29" => Some(1024),
                OID_RSASSA_PSS => Some(2048),
                _ => None,
            };
            match (min_bits, rsa_components(signer)) {
                (Some(min), Some((n, e))) if !ring_accepts_rsa(n, e, min) => SigCheck::Unsupported,
                _ => SigCheck::Invalid,
            }
        }
    }
}

fn general_name(g: &GeneralName<'_>) -> Option<(&'static str, String)> {
    match g {
        GeneralName::DNSName(s) => Some(("dns", s.to_string())),
        GeneralName::RFC822Name(s) => Some(("email", s.to_string())),
        GeneralName::URI(s) => Some(("uri", s.to_string())),
        GeneralName::IPAddress(b) => {
            let ip = match b.len() {
                4 => std::net::IpAddr::from([b[0], b[1], b[2], b[3]]).to_string(),
                16 => {
                    let mut a = [0u8; 16];
                    a.copy_from_slice(b);
                    std::net::IpAddr::from(a).to_string()
                }
                _ => hex::encode(b),
            };
            Some(("ip", ip))
        }
        _ => None,
    }
}

/// Fills the key fact of an RSA key from its modulus and exponent.
fn rsa_key_fact(key: &mut KeyFact, n: &[u8], e: &[u8]) {
    key.algorithm = "rsa".into();
    key.bits = bit_len(n);
    let e = strip_zeros(e);
    if bit_len(e) <= 63 {
        key.rsa_exponent = e.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    }
}

/// Builds the fact of one DER certificate.
fn certificate_fact(der: &[u8], opts: &CertOptions) -> Result<CertificateFact, String> {
    let (rest, cert) = X509Certificate::from_der(der).map_err(|e| format!("{e}"))?;
    let der = &der[..der.len() - rest.len()];
    let reg = x509_parser::objects::oid_registry();
    let tbs = &cert.tbs_certificate;
    let nb = tbs.validity.not_before.timestamp();
    let na = tbs.validity.not_after.timestamp();

    let first_cn = |name: &x509_parser::x509::X509Name<'_>| {
        name.iter_common_name()
            .next()
            .and_then(|a| a.as_str().ok())
            .unwrap_or("")
            .to_string()
    };

    let spki = tbs.subject_pki.raw;
    let alg_oid = tbs.subject_pki.algorithm.algorithm.to_id_string();
    let mut key = KeyFact {
        algorithm: "unknown".into(),
        ..KeyFact::default()
    };
    let mut kid = String::new();
    match tbs.subject_pki.parsed() {
        Ok(PublicKey::RSA(_)) => {
            if let Some((n, e)) = rsa_components(&tbs.subject_pki) {
                rsa_key_fact(&mut key, n, e);
                kid = key_id("rsa", strip_zeros(n));
            }
        }
        Ok(PublicKey::EC(point)) => {
            key.algorithm = "ec".into();
            let curve_oid = tbs
                .subject_pki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|o| o.to_id_string())
                .unwrap_or_default();
            let (name, bits) = curve_name(&curve_oid);
            key.curve = name.into();
            key.bits = if bits > 0 {
                bits
            } else {
                point.key_size() as u32
            };
            kid = key_id("ec", point.data());
        }
        Ok(PublicKey::DSA(y)) => {
            key.algorithm = "dsa".into();
            // Dss-Parms ::= SEQUENCE { p, q, g } (RFC 3279 §2.3.2); absent when inherited
            // from the issuer, then the public value's length is the best estimate.
            let p_bits = tbs
                .subject_pki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|params| parse_der(params.data).ok())
                .and_then(|(_, p)| der_int_bytes(&p).map(bit_len));
            key.bits = p_bits.unwrap_or_else(|| bit_len(y));
        }
        _ if alg_oid == OID_RSASSA_PSS => {
            if let Some((n, e)) = rsa_components(&tbs.subject_pki) {
                rsa_key_fact(&mut key, n, e);
                kid = key_id("rsa", strip_zeros(n));
            }
        }
        _ => {
            key.algorithm = match alg_oid.as_str() {
                "1.3.101.112" => "ed25519",
                "1.3.101.113" => "ed448",
                "1.2.840.10040.4.1" => "dsa",
                _ => "unknown",
            }
            .into();
            if key.algorithm == "ed25519" {
                key.bits = 256;
                kid = key_id("ed25519", &tbs.subject_pki.subject_public_key.data);
            } else if key.algorithm == "ed448" {
                key.bits = 456;
            }
        }
    }

    let sig_oid = cert.signature_algorithm.algorithm.to_id_string();
    let sig_name = x509_parser::objects::oid2sn(&cert.signature_algorithm.algorithm, reg)
        .map(str::to_string)
        .unwrap_or_else(|_| sig_oid.clone());
    let signature = SignatureFact {
        hash: signature_hash(&sig_oid, &sig_name).into(),
        algorithm: sig_name,
        oid: sig_oid,
    };

    let subject = tbs.subject.to_string_with_registry(reg).unwrap_or_default();
    let issuer = tbs.issuer.to_string_with_registry(reg).unwrap_or_default();
    let self_issued = tbs.subject.as_raw() == tbs.issuer.as_raw();
    let self_signature = if self_issued {
        check_signature(&cert, &tbs.subject_pki)
    } else {
        SigCheck::Unsupported
    };

    let mut fact = CertificateFact {
        source: String::new(),
        index: 0,
        subject_cn: first_cn(&tbs.subject),
        issuer_cn: first_cn(&tbs.issuer),
        subject,
        issuer,
        serial: hex_colon(tbs.raw_serial()),
        serial_bits: bit_len(tbs.raw_serial()),
        version: tbs.version.0 + 1,
        not_before: fmt_time(nb),
        not_after: fmt_time(na),
        validity_days: days_between(nb, na),
        days_until_expiry: days_between(opts.now, na),
        days_until_valid: -days_between(nb, opts.now),
        expired: na < opts.now,
        not_yet_valid: nb > opts.now,
        key,
        signature,
        self_issued,
        self_signature,
        spki_sha256: sha256_hex(spki),
        sha256: sha256_hex(der),
        key_id: kid,
        der: der.to_vec(),
        subject_raw: tbs.subject.as_raw().to_vec(),
        issuer_raw: tbs.issuer.as_raw().to_vec(),
        ..CertificateFact::default()
    };

    for ext in tbs.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::BasicConstraints(bc) => {
                fact.basic_constraints = true;
                fact.is_ca = bc.ca;
                if let Some(p) = bc.path_len_constraint {
                    fact.has_path_len = true;
                    fact.path_len = p;
                }
            }
            ParsedExtension::KeyUsage(ku) => {
                fact.key_usage_present = true;
                let bits = [
                    (ku.digital_signature(), "digital_signature"),
                    (ku.non_repudiation(), "non_repudiation"),
                    (ku.key_encipherment(), "key_encipherment"),
                    (ku.data_encipherment(), "data_encipherment"),
                    (ku.key_agreement(), "key_agreement"),
                    (ku.key_cert_sign(), "key_cert_sign"),
                    (ku.crl_sign(), "crl_sign"),
                    (ku.encipher_only(), "encipher_only"),
                    (ku.decipher_only(), "decipher_only"),
                ];
                fact.key_usage = bits
                    .iter()
                    .filter(|(set, _)| *set)
                    .map(|(_, n)| n.to_string())
                    .collect();
            }
            ParsedExtension::ExtendedKeyUsage(eku) => {
                fact.eku_present = true;
                let mut v = Vec::new();
                let named = [
                    (eku.any, "any"),
                    (eku.server_auth, "server_auth"),
                    (eku.client_auth, "client_auth"),
                    (eku.code_signing, "code_signing"),
                    (eku.email_protection, "email_protection"),
                    (eku.time_stamping, "time_stamping"),
                    (eku.ocsp_signing, "ocsp_signing"),
                ];
                for (set, n) in named {
                    if set {
                        v.push(n.to_string());
                    }
                }
                v.extend(eku.other.iter().map(|o| o.to_id_string()));
                fact.extended_key_usage = v;
            }
            ParsedExtension::SubjectAlternativeName(san) => {
                fact.san_present = true;
                for g in &san.general_names {
                    if let Some((kind, value)) = general_name(g) {
                        match kind {
                            "dns" => fact.san.dns.push(value),
                            "ip" => fact.san.ip.push(value),
                            "email" => fact.san.email.push(value),
                            _ => fact.san.uri.push(value),
                        }
                    }
                }
            }
            ParsedExtension::SubjectKeyIdentifier(k) => fact.ski = hex::encode(k.0),
            ParsedExtension::AuthorityKeyIdentifier(a) => {
                if let Some(k) = &a.key_identifier {
                    fact.aki = hex::encode(k.0);
                }
            }
            ParsedExtension::CRLDistributionPoints(points) => {
                for p in points.iter() {
                    if let Some(DistributionPointName::FullName(names)) = &p.distribution_point {
                        for g in names {
                            if let GeneralName::URI(u) = g {
                                fact.crl_urls.push(u.to_string());
                            }
                        }
                    }
                }
            }
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for d in &aia.accessdescs {
                    // id-ad-ocsp
                    if d.access_method.to_id_string() == "1.3.6.1.5.5.7.48.1"
                        && let GeneralName::URI(u) = d.access_location
                    {
                        fact.ocsp_urls.push(u.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    fact.sans = fact
        .san
        .dns
        .iter()
        .chain(fact.san.ip.iter())
        .cloned()
        .collect();
    fact.wildcard =
        fact.san.dns.iter().any(|d| d.starts_with("*.")) || fact.subject_cn.starts_with("*.");
    fact.self_signed = self_issued
        && match self_signature {
            SigCheck::Valid => true,
            SigCheck::Invalid => false,
            // Unverifiable (e.g. MD5): self-signed unless the key identifiers say that
            // another key signed it (a CA key roll-over certificate).
            SigCheck::Unsupported => {
                fact.aki.is_empty() || fact.ski.is_empty() || fact.aki == fact.ski
            }
        };
    fact.role = if fact.is_ca {
        if fact.self_signed {
            "root"
        } else {
            "intermediate"
        }
    } else {
        "leaf"
    }
    .into();
    Ok(fact)
}

/// The fact of a certificate a service presented (nmap `ssl-cert`), so that every
/// certificate rule applies to served certificates too.
pub(crate) fn served_certificate_fact(
    der: &[u8],
    opts: &CertOptions,
    endpoint: &str,
    index: u32,
) -> Result<CertificateFact, String> {
    let mut fact = certificate_fact(der, opts)?;
    fact.source = "nmap".into();
    fact.endpoint = endpoint.into();
    fact.index = index;
    Ok(fact)
}

fn location(artifact: &Artifact, region: Option<Region>, name: &str, fqn: String) -> Location {
    Location {
        uri: artifact.path.to_string(),
        artifact: None,
        region,
        logical: Some(LogicalLocation {
            name: name.to_string(),
            fully_qualified_name: fqn,
            kind: "object".to_string(),
        }),
    }
}

fn notification(
    artifact: &Artifact,
    region: Option<Region>,
    code: &str,
    message: String,
) -> Notification {
    Notification {
        level: NotificationLevel::Error,
        code: code.to_string(),
        message,
        location: Some(Location {
            uri: artifact.path.to_string(),
            artifact: None,
            region,
            logical: None,
        }),
        rule_id: None,
    }
}

fn push_cert(
    out: &mut Extracted,
    artifact: &Artifact,
    der: &[u8],
    source: &str,
    index: u32,
    region: Option<Region>,
    opts: &CertOptions,
) {
    match certificate_fact(der, opts) {
        Ok(mut fact) => {
            fact.source = source.into();
            fact.index = index;
            let name = if fact.subject_cn.is_empty() {
                fact.subject.clone()
            } else {
                fact.subject_cn.clone()
            };
            let loc = location(
                artifact,
                region,
                &name,
                format!("{}#certificate[{index}]", artifact.path),
            );
            out.facts.push(Fact {
                target: Target::Certificate,
                location: loc,
                identity: format!("certificate:{}", fact.sha256),
                data: FactData::Certificate(Box::new(fact)),
            });
        }
        Err(e) => out.notifications.push(notification(
            artifact,
            region,
            "malformed-certificate",
            format!("certificate #{index} cannot be parsed: {e}"),
        )),
    }
}

fn push_key(
    out: &mut Extracted,
    artifact: &Artifact,
    mut key: PrivateKeyFact,
    index: u32,
    region: Option<Region>,
) {
    if key.key_type.is_empty() {
        key.key_type = "unknown".into();
    }
    let identity = format!(
        "private_key:{}",
        if key.key_id.is_empty() {
            format!("{}#{index}", key.format)
        } else {
            key.key_id.clone()
        }
    );
    let loc = location(
        artifact,
        region,
        &format!("{} private key", key.key_type),
        format!("{}#private_key[{index}]", artifact.path),
    );
    out.facts.push(Fact {
        target: Target::PrivateKey,
        location: loc,
        identity,
        data: FactData::PrivateKey(Box::new(key)),
    });
}

fn der_seq(data: &[u8]) -> Option<Vec<x509_parser::der_parser::ber::BerObject<'_>>> {
    let (_, obj) = parse_der(data).ok()?;
    match obj.content {
        BerObjectContent::Sequence(items) => Some(items),
        _ => None,
    }
}

fn der_int_bytes<'a>(o: &'a x509_parser::der_parser::ber::BerObject<'_>) -> Option<&'a [u8]> {
    match &o.content {
        BerObjectContent::Integer(b) => Some(b),
        _ => None,
    }
}

/// PKCS#1 RSAPrivateKey ::= SEQUENCE { version, modulus, publicExponent, ... }
fn rsa_pkcs1(data: &[u8]) -> Option<PrivateKeyFact> {
    let items = der_seq(data)?;
    let n = der_int_bytes(items.get(1)?)?;
    Some(PrivateKeyFact {
        key_type: "rsa".into(),
        format: "pkcs1".into(),
        bits: bit_len(n),
        key_id: key_id("rsa", strip_zeros(n)),
        ..PrivateKeyFact::default()
    })
}

/// SEC1 ECPrivateKey ::= SEQUENCE { version, privateKey OCTET STRING,
///   [0] parameters OID OPTIONAL, [1] publicKey BIT STRING OPTIONAL }
fn ec_sec1(data: &[u8], curve_oid: Option<String>) -> Option<PrivateKeyFact> {
    let items = der_seq(data)?;
    let mut curve = curve_oid;
    let mut public: Option<Vec<u8>> = None;
    for it in items.iter().skip(2) {
        let tag = it.header.tag().0;
        let Ok(inner) = it.as_slice() else { continue };
        let Ok((_, obj)) = parse_der(inner) else {
            continue;
        };
        match (tag, &obj.content) {
            (0, BerObjectContent::OID(o)) => curve = Some(o.to_id_string()),
            (1, BerObjectContent::BitString(_, bs)) => public = Some(bs.data.to_vec()),
            _ => {}
        }
    }
    let (name, bits) = curve.as_deref().map(curve_name).unwrap_or(("unknown", 0));
    Some(PrivateKeyFact {
        key_type: "ec".into(),
        format: "sec1".into(),
        bits,
        curve: name.into(),
        key_id: public.map(|p| key_id("ec", &p)).unwrap_or_default(),
        ..PrivateKeyFact::default()
    })
}

/// PKCS#8 PrivateKeyInfo ::= SEQUENCE { version, algorithm AlgorithmIdentifier,
///   privateKey OCTET STRING, ... }
pub fn pkcs8(data: &[u8]) -> Option<PrivateKeyFact> {
    let items = der_seq(data)?;
    let alg = match &items.get(1)?.content {
        BerObjectContent::Sequence(a) => a.clone(),
        _ => return None,
    };
    let oid = match &alg.first()?.content {
        BerObjectContent::OID(o) => o.to_id_string(),
        _ => return None,
    };
    let key = match &items.get(2)?.content {
        BerObjectContent::OctetString(k) => k.to_vec(),
        _ => return None,
    };
    let mut fact = match oid.as_str() {
        "1.2.840.113549.1.1.1" | "1.2.840.113549.1.1.10" => rsa_pkcs1(&key)?,
        "1.2.840.10045.2.1" => {
            let curve = alg.get(1).and_then(|p| match &p.content {
                BerObjectContent::OID(o) => Some(o.to_id_string()),
                _ => None,
            });
            ec_sec1(&key, curve)?
        }
        "1.3.101.112" => PrivateKeyFact {
            key_type: "ed25519".into(),
            bits: 256,
            ..PrivateKeyFact::default()
        },
        "1.3.101.113" => PrivateKeyFact {
            key_type: "ed448".into(),
            bits: 456,
            ..PrivateKeyFact::default()
        },
        "1.2.840.10040.4.1" => PrivateKeyFact {
            key_type: "dsa".into(),
            ..PrivateKeyFact::default()
        },
        _ => PrivateKeyFact {
            key_type: "unknown".into(),
            ..PrivateKeyFact::default()
        },
    };
    fact.format = "pkcs8".into();
    Some(fact)
}

/// `openssh-key-v1`: magic, then ciphername, kdfname, kdfoptions (strings), key count,
/// and the first public key blob whose first string is the key type.
fn openssh(data: &[u8]) -> Option<PrivateKeyFact> {
    let rest = data.strip_prefix(b"openssh-key-v1\0")?;
    fn string(d: &[u8]) -> Option<(&[u8], &[u8])> {
        let len = u32::from_be_bytes(d.get(..4)?.try_into().ok()?) as usize;
        let s = d.get(4..4 + len)?;
        Some((s, &d[4 + len..]))
    }
    let (cipher, rest) = string(rest)?;
    let (_kdf, rest) = string(rest)?;
    let (_opts, rest) = string(rest)?;
    let rest = rest.get(4..)?;
    let (pubkey, _) = string(rest)?;
    let (ktype, _) = string(pubkey)?;
    let ktype = String::from_utf8_lossy(ktype).into_owned();
    Some(PrivateKeyFact {
        key_type: ktype,
        format: "openssh".into(),
        encrypted: cipher != b"none",
        key_id: key_id("openssh", pubkey),
        ..PrivateKeyFact::default()
    })
}

fn extract_pem(artifact: &Artifact, opts: &CertOptions, out: &mut Extracted) {
    let mut cert_index = 0u32;
    let mut key_index = 0u32;
    let before = (out.facts.len(), out.notifications.len());
    let blocks = pem::blocks(&artifact.bytes);
    let mut labels: Vec<String> = blocks.iter().map(|b| b.label.clone()).collect();
    // Nothing read and nothing said: the armour is broken or holds only other types
    // (public keys, requests); the user learns that the file was not checked.
    if blocks.is_empty() {
        out.notifications.push(notification(
            artifact,
            None,
            "malformed-pem",
            "PEM armour without a complete `-----BEGIN ...-----` line: nothing could be read"
                .into(),
        ));
    }
    for block in blocks {
        let region = Some(Region::Text {
            start_line: block.line,
            start_column: Some(1),
            end_line: Some(block.end_line),
        });
        let data = match block.data {
            Ok(d) => d,
            Err(e) => {
                out.notifications.push(notification(
                    artifact,
                    region,
                    "malformed-pem",
                    format!("PEM block `{}` cannot be decoded: {e}", block.label),
                ));
                continue;
            }
        };
        match block.label.as_str() {
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => {
                push_cert(out, artifact, &data, "pem", cert_index, region, opts);
                cert_index += 1;
            }
            "PKCS7" | "CMS" => {
                for der in pkcs7_certificates(artifact, &data, region, out) {
                    push_cert(out, artifact, &der, "pkcs7", cert_index, region, opts);
                    cert_index += 1;
                }
            }
            "PRIVATE KEY"
            | "RSA PRIVATE KEY"
            | "EC PRIVATE KEY"
            | "DSA PRIVATE KEY"
            | "ENCRYPTED PRIVATE KEY"
            | "OPENSSH PRIVATE KEY" => {
                let parsed = match block.label.as_str() {
                    _ if block.legacy_encrypted => Some(PrivateKeyFact {
                        key_type: match block.label.as_str() {
                            "RSA PRIVATE KEY" => "rsa",
                            "EC PRIVATE KEY" => "ec",
                            "DSA PRIVATE KEY" => "dsa",
                            _ => "unknown",
                        }
                        .into(),
                        format: "pem-encrypted".into(),
                        encrypted: true,
                        ..PrivateKeyFact::default()
                    }),
                    "PRIVATE KEY" => pkcs8(&data),
                    "RSA PRIVATE KEY" => rsa_pkcs1(&data),
                    "EC PRIVATE KEY" => ec_sec1(&data, None),
                    "DSA PRIVATE KEY" => der_seq(&data).map(|_| PrivateKeyFact {
                        key_type: "dsa".into(),
                        format: "dsa".into(),
                        ..PrivateKeyFact::default()
                    }),
                    "ENCRYPTED PRIVATE KEY" => der_seq(&data).map(|_| PrivateKeyFact {
                        key_type: "unknown".into(),
                        format: "pkcs8-encrypted".into(),
                        encrypted: true,
                        ..PrivateKeyFact::default()
                    }),
                    _ => openssh(&data),
                };
                match parsed {
                    Some(k) => {
                        push_key(out, artifact, k, key_index, region);
                        key_index += 1;
                    }
                    None => out.notifications.push(notification(
                        artifact,
                        region,
                        "malformed-private-key",
                        format!("PEM block `{}` is not a valid private key", block.label),
                    )),
                }
            }
            _ => {}
        }
    }
    if !labels.is_empty() && (out.facts.len(), out.notifications.len()) == before {
        labels.dedup();
        let mut n = notification(
            artifact,
            None,
            "unsupported-pem",
            format!(
                "no certificate or private key here, only PEM blocks of other types ({}); nothing was checked",
                labels.join(", ")
            ),
        );
        n.level = NotificationLevel::Note;
        out.notifications.push(n);
    }
}

fn pkcs7_certificates(
    artifact: &Artifact,
    data: &[u8],
    region: Option<Region>,
    out: &mut Extracted,
) -> Vec<Vec<u8>> {
    use der::{Decode, Encode};
    let parsed = cms::content_info::ContentInfo::from_der(data)
        .map_err(|e| e.to_string())
        .and_then(|ci| {
            ci.content
                .decode_as::<cms::signed_data::SignedData>()
                .map_err(|e| e.to_string())
        });
    match parsed {
        Ok(sd) => {
            let mut v = Vec::new();
            for choice in sd.certificates.iter().flat_map(|s| s.0.iter()) {
                if let cms::cert::CertificateChoices::Certificate(c) = choice {
                    match c.to_der() {
                        Ok(d) => v.push(d),
                        Err(e) => out.notifications.push(notification(
                            artifact,
                            region,
                            "malformed-pkcs7",
                            format!("PKCS#7 certificate cannot be re-encoded: {e}"),
                        )),
                    }
                }
            }
            v
        }
        Err(e) => {
            out.notifications.push(notification(
                artifact,
                region,
                "malformed-pkcs7",
                format!("PKCS#7 bundle cannot be parsed: {e}"),
            ));
            Vec::new()
        }
    }
}

fn extract_pkcs12(artifact: &Artifact, opts: &CertOptions, out: &mut Extracted) {
    let mut passwords: Vec<&str> = vec![""];
    passwords.extend(opts.p12_passwords.iter().map(String::as_str));
    let mut last_err = String::new();
    for pw in passwords {
        match p12_keystore::Pkcs12Archive::from_pkcs12(&artifact.bytes, pw) {
            Ok(archive) => {
                for (i, bag) in archive.certs.iter().enumerate() {
                    push_cert(
                        out,
                        artifact,
                        bag.cert.as_der(),
                        "pkcs12",
                        i as u32,
                        None,
                        opts,
                    );
                }
                for (i, bag) in archive.keys.iter().enumerate() {
                    let mut k = pkcs8(bag.key.as_der()).unwrap_or_default();
                    k.format = "pkcs12".into();
                    // The store itself is protected only if a password was needed.
                    k.encrypted = !pw.is_empty();
                    push_key(out, artifact, k, i as u32, None);
                }
                return;
            }
            Err(e) => last_err = e.to_string(),
        }
    }
    out.notifications.push(Notification {
        level: NotificationLevel::Warning,
        code: "pkcs12-locked".into(),
        message: format!(
            "PKCS#12 store cannot be opened without its password ({last_err}); pass it with --p12-password"
        ),
        location: Some(Location {
            uri: artifact.path.to_string(),
            ..Location::default()
        }),
        rule_id: None,
    });
}

/// Extracts certificate and key facts from one artifact.
pub fn extract(artifact: &Artifact, opts: &CertOptions) -> Extracted {
    let mut out = Extracted::default();
    let whole = Some(Region::Binary {
        byte_offset: 0,
        byte_length: artifact.bytes.len() as u64,
    });
    match artifact.kind {
        ArtifactKind::Pem => extract_pem(artifact, opts, &mut out),
        ArtifactKind::DerCertificate => {
            push_cert(&mut out, artifact, &artifact.bytes, "der", 0, whole, opts)
        }
        ArtifactKind::DerPkcs7 => {
            for (i, der) in pkcs7_certificates(artifact, &artifact.bytes, None, &mut out)
                .iter()
                .enumerate()
            {
                push_cert(&mut out, artifact, der, "pkcs7", i as u32, None, opts);
            }
        }
        ArtifactKind::DerPkcs12 => extract_pkcs12(artifact, opts, &mut out),
        ArtifactKind::DerPrivateKey => match pkcs8(&artifact.bytes) {
            Some(k) => push_key(&mut out, artifact, k, 0, whole),
            None => out.notifications.push(notification(
                artifact,
                None,
                "malformed-private-key",
                "DER private key cannot be parsed".into(),
            )),
        },
        // Not certificate material: handled by the service extractor.
        ArtifactKind::NmapXml => {}
        // Not certificate material: dispatched to its own extractor.
        ArtifactKind::Declaration => {}
        ArtifactKind::DerTruncated => out.notifications.push(notification(
            artifact,
            whole,
            "truncated-der",
            format!(
                "DER structure announces more bytes than the file holds ({} bytes): truncated",
                artifact.bytes.len()
            ),
        )),
        // Not certificate material: other extractors (service, firmware) read these.
        _ => {}
    }
    out
}

fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.find('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

fn dir(path: &str) -> &str {
    match path.rfind('/') {
        Some(i) => &path[..i],
        None => "",
    }
}

/// Computes the facts that need every certificate and key of the scan: chains
/// (issuer found, signature, completeness) and key pairs (certificate ↔ private key).
pub fn correlate(facts: &mut [Fact]) {
    // --- chains -------------------------------------------------------------------
    let mut by_subject: HashMap<Vec<u8>, Vec<usize>> = HashMap::new();
    for (i, f) in facts.iter().enumerate() {
        if let FactData::Certificate(c) = &f.data {
            by_subject.entry(c.subject_raw.clone()).or_default().push(i);
        }
    }
    // Signature checks dominate the cost of a large scan and only read the facts: run
    // them in parallel, one certificate per task. `found` is the verifying issuer.
    let facts_ro: &[Fact] = facts;
    // Parse each possible issuer once (a CA signs thousands of leaves): the certificates
    // whose subject is the issuer of another one.
    let issuer_names: std::collections::HashSet<&[u8]> = facts_ro
        .iter()
        .filter_map(|f| match &f.data {
            FactData::Certificate(c) if !c.self_issued => Some(c.issuer_raw.as_slice()),
            _ => None,
        })
        .collect();
    let parsed_issuers: HashMap<usize, X509Certificate<'_>> = facts_ro
        .par_iter()
        .enumerate()
        .filter_map(|(j, f)| match &f.data {
            FactData::Certificate(c) if issuer_names.contains(c.subject_raw.as_slice()) => {
                X509Certificate::from_der(&c.der).ok().map(|(_, x)| (j, x))
            }
            _ => None,
        })
        .collect();
    // The same certificate often appears several times (a CA repeated in every
    // fullchain file): its chain facts are computed once, for its first copy.
    let mut first_copy: HashMap<&str, usize> = HashMap::new();
    for (i, f) in facts_ro.iter().enumerate() {
        if let FactData::Certificate(c) = &f.data {
            first_copy.entry(c.sha256.as_str()).or_insert(i);
        }
    }
    let results: Vec<(usize, ChainFact, Option<usize>)> = facts_ro
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let FactData::Certificate(c) = &f.data else {
                return None;
            };
            if first_copy.get(c.sha256.as_str()) != Some(&i) {
                return None;
            }
            let mut found: Option<usize> = None;
            let mut chain = ChainFact::default();
            if c.self_issued {
                chain.issuer_found = true;
                chain.signature_verifies = c.self_signature == SigCheck::Valid;
                chain.signature_checked = c.self_signature != SigCheck::Unsupported;
            } else if let Some(cands) = by_subject.get(&c.issuer_raw) {
                let child = X509Certificate::from_der(&c.der).ok().map(|(_, x)| x);
                // An issuer whose signature could not be checked: kept to build the chain when
                // no candidate verifies.
                let mut unchecked: Option<usize> = None;
                for &j in cands {
                    let FactData::Certificate(parent) = &facts[j].data else {
                        continue;
                    };
                    // Same name but another key (e.g. a CA renewed with a new key): not the issuer.
                    if !c.aki.is_empty() && !parent.ski.is_empty() && c.aki != parent.ski {
                        continue;
                    }
                    chain.issuer_found = true;
                    let outcome = match (&child, parsed_issuers.get(&j)) {
                        (Some(child), Some(p)) => check_signature(child, p.public_key()),
                        _ => SigCheck::Invalid,
                    };
                    match outcome {
                        SigCheck::Valid => {
                            chain.signature_verifies = true;
                            chain.issuer_path = facts[j].location.uri.clone();
                            found = Some(j);
                            unchecked = None;
                            break;
                        }
                        SigCheck::Unsupported => {
                            unchecked.get_or_insert(j);
                        }
                        SigCheck::Invalid => {}
                    }
                    if chain.issuer_path.is_empty() {
                        chain.issuer_path = facts[j].location.uri.clone();
                    }
                }
                match unchecked {
                    Some(j) => {
                        chain.issuer_path = facts[j].location.uri.clone();
                        found = Some(j);
                    }
                    None => chain.signature_checked = chain.issuer_found,
                }
            }
            Some((i, chain, found))
        })
        .collect();
    // issuer[i] = index of the verifying issuer of certificate i.
    let mut issuer: BTreeMap<usize, usize> = BTreeMap::new();
    let mut updates: Vec<(usize, ChainFact)> = Vec::with_capacity(results.len());
    let mut by_first: HashMap<usize, (ChainFact, Option<usize>)> = HashMap::new();
    for (i, chain, found) in results {
        by_first.insert(i, (chain, found));
    }
    for (i, f) in facts_ro.iter().enumerate() {
        let FactData::Certificate(c) = &f.data else {
            continue;
        };
        let Some((chain, found)) = first_copy
            .get(c.sha256.as_str())
            .and_then(|first| by_first.get(first))
        else {
            continue;
        };
        if let Some(j) = found {
            issuer.insert(i, *j);
        }
        updates.push((i, chain.clone()));
    }
    for (i, mut chain) in updates {
        // Walk up verified issuers to a self-signed anchor.
        let mut cur = i;
        let mut depth = 0u32;
        let mut complete = false;
        let mut anchor = String::new();
        for _ in 0..16 {
            let FactData::Certificate(c) = &facts[cur].data else {
                break;
            };
            anchor = c.subject.clone();
            if c.self_signed {
                complete = true;
                break;
            }
            match issuer.get(&cur) {
                Some(&p) if p != cur => {
                    cur = p;
                    depth += 1;
                }
                _ => break,
            }
        }
        chain.complete = complete;
        chain.depth = depth;
        chain.anchor = anchor;
        if let FactData::Certificate(c) = &mut facts[i].data {
            c.chain = chain;
        }
    }

    // --- key reuse ----------------------------------------------------------------
    let mut by_spki: HashMap<String, Vec<(usize, String, String)>> = HashMap::new();
    for (i, f) in facts.iter().enumerate() {
        if let FactData::Certificate(c) = &f.data {
            by_spki.entry(c.spki_sha256.clone()).or_default().push((
                i,
                c.sha256.clone(),
                f.location.uri.clone(),
            ));
        }
    }
    for group in by_spki.values().filter(|g| g.len() > 1) {
        for (i, sha, _) in group {
            let mut others: Vec<String> = group
                .iter()
                .filter(|(_, s, _)| s != sha)
                .map(|(_, _, p)| p.clone())
                .collect();
            others.sort();
            others.dedup();
            if let FactData::Certificate(c) = &mut facts[*i].data {
                c.key_shared_with = others;
            }
        }
    }

    // --- key pairs ----------------------------------------------------------------
    struct KeyRef {
        idx: usize,
        path: String,
        key_id: String,
        key_type: String,
        encrypted: bool,
    }
    let keys: Vec<KeyRef> = facts
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match &f.data {
            FactData::PrivateKey(k) => Some(KeyRef {
                idx: i,
                path: f.location.uri.clone(),
                key_id: k.key_id.clone(),
                key_type: k.key_type.clone(),
                encrypted: k.encrypted,
            }),
            _ => None,
        })
        .collect();
    if keys.is_empty() {
        return;
    }
    let mut key_updates: Vec<(usize, KeyCertificateFact)> = Vec::new();
    for f in facts.iter_mut() {
        let path = f.location.uri.clone();
        let FactData::Certificate(c) = &mut f.data else {
            continue;
        };
        let best = keys
            .iter()
            .filter(|k| dir(&k.path) == dir(&path))
            .filter_map(|k| {
                if !k.key_id.is_empty() && k.key_id == c.key_id {
                    Some((0, k, "public-key"))
                } else if k.key_id.is_empty() && k.path == path {
                    Some((1, k, "same-file"))
                } else if k.key_id.is_empty() && stem(&k.path) == stem(&path) {
                    Some((2, k, "same-name"))
                } else {
                    None
                }
            })
            // Best match first; on a tie, a key in the certificate's own file (a PKCS#12
            // store, a PEM bundle) before one elsewhere in the directory.
            .min_by_key(|(rank, k, _)| (*rank, k.path != path, k.path.clone()));
        if let Some((_, k, how)) = best {
            c.private_key = KeyPairFact {
                present: true,
                key_type: k.key_type.clone(),
                encrypted: k.encrypted,
                path: k.path.clone(),
                matched_by: how.into(),
            };
            if how == "public-key" {
                key_updates.push((
                    k.idx,
                    KeyCertificateFact {
                        found: true,
                        path: path.clone(),
                        subject: c.subject.clone(),
                    },
                ));
            }
        }
    }
    for (idx, kc) in key_updates {
        if let FactData::PrivateKey(k) = &mut facts[idx].data
            && !k.certificate.found
        {
            k.certificate = kc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_lengths() {
        assert_eq!(bit_len(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(bit_len(&[0x01]), 1);
        assert_eq!(bit_len(&[0x00]), 0);
        assert_eq!(bit_len(&[0x7f, 0xff]), 15);
    }

    #[test]
    fn day_arithmetic_floors() {
        assert_eq!(days_between(0, 86_399), 0);
        assert_eq!(days_between(0, -1), -1);
        assert_eq!(days_between(0, 86_400 * 30), 30);
    }

    #[test]
    fn stems_and_dirs() {
        assert_eq!(stem("a/b/server.crt"), "server");
        assert_eq!(stem("a/b/server.key.pem"), "server");
        assert_eq!(dir("a/b/server.crt"), "a/b");
        assert_eq!(dir("server.crt"), "");
    }

    // Certificates made by scripts/gen-rule-fixtures.py for the rule fixtures.
    const FIXTURES: &str = "../../../rules/certificate";

    macro_rules! fixture {
        ($rel:literal) => {
            (
                $rel,
                &include_bytes!(concat!("../../../rules/certificate/", $rel))[..],
            )
        };
    }

    /// Extracts and correlates `files` as one scan, "today" being 2026-11-28.
    fn scan(files: &[(&str, &[u8])]) -> Vec<Fact> {
        use crate::artifact::VirtualPath;
        let opts = CertOptions {
            now: 1_795_910_399, // 2026-11-28T23:59:59Z
            p12_passwords: Vec::new(),
        };
        let mut facts = Vec::new();
        for (path, bytes) in files {
            let kind = crate::discover::sniff(bytes, bytes.len() as u64).expect("recognised");
            let artifact = Artifact {
                path: VirtualPath::file(&format!("{FIXTURES}/{path}")),
                bytes: std::sync::Arc::from(*bytes),
                kind,
            };
            facts.extend(extract(&artifact, &opts).facts);
        }
        correlate(&mut facts);
        facts
    }

    fn cert<'a>(facts: &'a [Fact], cn: &str) -> &'a CertificateFact {
        facts
            .iter()
            .find_map(|f| match &f.data {
                FactData::Certificate(c) if c.subject_cn == cn => Some(c.as_ref()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("no certificate `{cn}`"))
    }

    #[test]
    fn rsa_pss_public_key_is_rsa() {
        let facts = scan(&[fixture!(
            "CERT-007-deprecated-key-algorithm/pass/rsa-pss-key-leaf.pem"
        )]);
        let c = cert(&facts, "badge-reader-4.ville.example");
        assert_eq!(c.key.algorithm, "rsa");
        assert_eq!(c.key.bits, 2048);
        assert_eq!(c.key.rsa_exponent, 65537);
    }

    #[test]
    fn dsa_size_is_the_length_of_p() {
        let facts = scan(&[fixture!(
            "CERT-007-deprecated-key-algorithm/fail/dsa-leaf.pem"
        )]);
        let c = cert(&facts, "badge-reader.ville.example");
        assert_eq!((c.key.algorithm.as_str(), c.key.bits), ("dsa", 1024));
    }

    #[test]
    fn rsa_exponent_beyond_63_bits_is_zero() {
        let facts = scan(&[
            fixture!("CERT-004-rsa-weak-public-exponent/pass/rsa-huge-exponent-leaf.pem"),
            fixture!("CERT-004-rsa-weak-public-exponent/fail/rsa-e3-leaf.pem"),
        ]);
        assert_eq!(cert(&facts, "meter-06.ville.example").key.rsa_exponent, 0);
        assert_eq!(cert(&facts, "meter-01.ville.example").key.rsa_exponent, 3);
    }

    #[test]
    fn rsa_sha256_signatures_from_1024_bit_keys_are_checked() {
        // ring refuses RSA moduli under 2048 bits; the signature is checked by hand.
        let facts = scan(&[
            fixture!("CERT-028-signature-does-not-verify/pass/rsa-1024-ca/ca.pem"),
            fixture!("CERT-028-signature-does-not-verify/pass/rsa-1024-ca/leaf.pem"),
        ]);
        let ca = cert(&facts, "AC RSA 1024");
        assert!(ca.self_signed);
        assert_eq!(ca.role, "root");
        let leaf = cert(&facts, "library-7.ville.example");
        assert!(leaf.chain.signature_checked && leaf.chain.signature_verifies);
        assert!(leaf.chain.complete);

        let facts = scan(&[
            fixture!("CERT-028-signature-does-not-verify/fail/rsa-1024-ca-forged/ca.pem"),
            fixture!("CERT-028-signature-does-not-verify/fail/rsa-1024-ca-forged/leaf.pem"),
        ]);
        let forged = cert(&facts, "library-4.ville.example");
        assert!(forged.chain.issuer_found && forged.chain.signature_checked);
        assert!(!forged.chain.signature_verifies && !forged.chain.complete);
    }

    #[test]
    fn unsupported_signatures_are_unchecked_not_wrong() {
        let facts = scan(&[
            fixture!("CERT-028-signature-does-not-verify/pass/md5-signed-leaf/ca.pem"),
            fixture!("CERT-028-signature-does-not-verify/pass/md5-signed-leaf/leaf.pem"),
            fixture!("CERT-006-weak-signature-hash/pass/md5-self-signed-root.pem"),
            fixture!("CERT-018-self-signed-leaf/fail/self-signed-p521.pem"),
        ]);
        let md5 = cert(&facts, "library-8.ville.example");
        assert!(md5.chain.issuer_found);
        assert!(!md5.chain.signature_checked && !md5.chain.signature_verifies);
        assert!(
            md5.chain.complete,
            "an unchecked link still builds the chain"
        );
        let root = cert(&facts, "AC Racine Historique MD5");
        assert!(root.self_signed && !root.chain.signature_checked);
        assert_eq!(root.role, "root");
        let p521 = cert(&facts, "camera-18.ville.example");
        assert!(p521.self_signed && !p521.chain.signature_checked);
    }

    #[test]
    fn tampered_certificate_fails_its_signature() {
        let facts = scan(&[
            fixture!("CERT-028-signature-does-not-verify/fail/tampered-leaf/issuing-ca.pem"),
            fixture!("CERT-028-signature-does-not-verify/fail/tampered-leaf/leaf.pem"),
        ]);
        let c = cert(&facts, "library-2.ville.example");
        assert!(c.chain.issuer_found && c.chain.signature_checked && !c.chain.signature_verifies);
    }

    #[test]
    fn key_in_the_same_store_is_preferred() {
        let facts = scan(&[
            fixture!(
                "CERT-026-unencrypted-private-key-beside-certificate/fail/store-without-password.p12"
            ),
            fixture!(
                "CERT-026-unencrypted-private-key-beside-certificate/fail/cert-and-key-in-one-file.pem"
            ),
        ]);
        let c = cert(&facts, "supervision-4.ville.example");
        assert!(
            c.private_key.path.ends_with("store-without-password.p12"),
            "{}",
            c.private_key.path
        );
    }

    #[test]
    fn openssh_header() {
        let mut d = b"openssh-key-v1\0".to_vec();
        for s in [&b"none"[..], b"none", b""] {
            d.extend((s.len() as u32).to_be_bytes());
            d.extend(s);
        }
        d.extend(1u32.to_be_bytes());
        let mut pubkey = Vec::new();
        pubkey.extend(11u32.to_be_bytes());
        pubkey.extend(b"ssh-ed25519");
        d.extend((pubkey.len() as u32).to_be_bytes());
        d.extend(&pubkey);
        let k = openssh(&d).unwrap_or_default();
        assert_eq!(k.key_type, "ssh-ed25519");
        assert!(!k.encrypted);
        assert!(openssh(b"openssh-key-v1\0\0\0").is_none());
    }
}
