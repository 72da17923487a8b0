//! Secrets (target `secret`) and remote endpoints (target `endpoint`) found in the
//! content of files: configuration files, scripts and the printable strings of
//! binaries, loose or inside images.
//!
//! Every pattern is compiled once into one [`RegexSet`] (bytes, no Unicode); a text file
//! is read by that set once, and only the patterns that matched are run again to find
//! their positions. A binary is read the same way, but only where its printable strings
//! are (`text_spans`): findings are made of printable ASCII and are at least
//! `MIN_RUN` bytes long, so the machine code and tables between the strings (most of
//! a binary) are skipped without reading every byte, and nothing is copied out.
//!
//! The clear value of a secret never leaves this module: facts carry its kind, its masked
//! form ([`mask`]: first characters and a short SHA-256), its length, entropy and
//! position. Rules, messages and every report only ever see the masked form.

use crate::artifact::VirtualPath;
use crate::facts::{Fact, FactData, Target};
use regex::bytes::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::net::IpAddr;
use std::sync::OnceLock;
use vigie_reports::{Location, Region};

/// One hard-coded secret. The value itself is never stored.
#[derive(Debug, Clone, Serialize)]
pub struct SecretFact {
    /// What it is: `private-key`, `aws-access-key-id`, `aws-secret-access-key`,
    /// `github-token`, `gitlab-token`, `slack-token`, `google-api-key`,
    /// `stripe-secret-key`, `jwt`, `url-password` (`scheme://user:pass@host`), `password`
    /// (a `password=`/`passwd:`/`"password": ...` assignment), `named-secret` (a
    /// high-entropy value assigned to `secret`, `token`, `api_key`...), `wifi-psk`
    /// (`psk=`, `wpa_passphrase=`), `mqtt-password` (`remote_password`, `mqtt_password`),
    /// `lorawan-key` (32 hex digits assigned to `AppKey`, `NwkKey`, `AppSKey`, `NwkSKey`),
    /// `web-credential` (a line of `.htpasswd`, `htdigest` or `lighttpd.user`).
    pub kind: &'static str,
    /// The name the value is assigned to (`password`, `remote_password`, `AppKey`, the
    /// user of a web credential), empty for self-describing tokens.
    pub name: String,
    /// The value, masked: at most its first 4 characters (never more than a third of
    /// it) and the first 8 hex digits of its SHA-256.
    pub masked: String,
    /// Length of the value in characters.
    pub length: usize,
    /// Shannon entropy of the value, bits per character (2 decimals).
    pub entropy: f64,
    /// Virtual path of the file.
    pub file: String,
    /// Line (1-based) in a text file, 0 in a binary.
    pub line: u32,
    /// Column (1-based) in a text file, 0 in a binary.
    pub column: u32,
    /// Byte offset of the value in the file.
    pub byte_offset: u64,
    /// The file is binary (holds NUL bytes in its first 8 KiB).
    pub binary: bool,
    /// The value is one of the built-in default passwords
    /// ([`DEFAULT_PASSWORDS`](crate::targets::firmware::filesystem::DEFAULT_PASSWORDS),
    /// compared without case), or a web credential hash that verifies against one.
    pub default_password: bool,
    /// The credential guards a web administration interface: a `.htpasswd`, `htdigest`
    /// or `lighttpd.user` file, a file under a web server's directory (`www`, `htdocs`,
    /// `cgi-bin`, `lighttpd`, `nginx`, `httpd`, `uhttpd`, `boa`, `goahead`, `webui`), or
    /// a name that says so (`admin`, `web`, `http`).
    pub web_admin: bool,
    /// The outermost file of the image (empty for a loose file).
    pub image: String,
    /// Length of the value in bytes (for [`redact`]; not shown to rules).
    #[serde(skip)]
    pub byte_len: usize,
}

/// One remote endpoint named in a file: a URL, or a host assigned to a setting such as
/// `server=`, `broker:`, `update_host=`.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointFact {
    /// The URL as written, user information removed (`mqtts://broker.example:8883`),
    /// or `host[:port]` for a host setting.
    pub url: String,
    /// Scheme (`https`, `mqtt`...), empty for a host setting.
    pub scheme: String,
    /// Host name or IP address, lowercase.
    pub host: String,
    /// Port when written, else 0.
    pub port: u16,
    /// The host is an IP address: the address.
    pub ip: String,
    /// For an IP: `public`, `private`, `loopback`, `link_local`, `unspecified`,
    /// `documentation` or `multicast` (as for Rust source literals); empty for a host
    /// name.
    pub scope: String,
    /// The host stays on the device or the local network: `localhost`, `*.local`,
    /// `*.lan`, `*.home.arpa`, `*.internal`, `*.localdomain`, or a non-public IP.
    pub local: bool,
    /// The scheme carries data in clear: `http`, `mqtt`, `ws`, `ftp`, `tftp`, `coap`,
    /// `amqp`.
    pub cleartext: bool,
    /// What the endpoint is for, from the words of its setting, path or file:
    /// `update` (update, upgrade, firmware, ota), `telemetry` (telemetry, metrics, stats,
    /// analytics, log), `broker` (mqtt, amqp, broker), `time` (ntp), else empty.
    pub role: &'static str,
    /// The setting the host is assigned to (`update_url`, `server`), empty for a URL
    /// found alone.
    pub setting: String,
    /// Virtual path of the file.
    pub file: String,
    /// Line (1-based) in a text file, 0 in a binary.
    pub line: u32,
    /// Byte offset in the file.
    pub byte_offset: u64,
    /// The file is binary.
    pub binary: bool,
    /// The outermost file of the image (empty for a loose file).
    pub image: String,
}

/// What a pattern finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Find {
    /// A self-describing token: the kind, the value is group 1.
    Token(&'static str),
    /// The armour of a private key; the value is the block up to its END line.
    PrivateKey,
    /// `name = value`: group 1 is the name, group 2 the value.
    Assignment,
    /// A URL: group 1 scheme, 2 user info, 3 host, 4 port.
    Url,
    /// `name = host`: group 1 the setting, group 2 the host, 3 the port.
    HostSetting,
}

/// Self-describing tokens, shared with the Rust source extractor's string literals.
const TOKENS: [(&str, &str); 9] = [
    (
        "private-key",
        r"(-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----)",
    ),
    ("aws-access-key-id", r"\b((?:AKIA|ASIA)[0-9A-Z]{16})\b"),
    (
        "aws-secret-access-key",
        r#"(?i:aws_?secret_?(?:access_?)?key)["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9/+]{40})\b"#,
    ),
    (
        "github-token",
        r"\b(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b",
    ),
    ("gitlab-token", r"\b(glpat-[A-Za-z0-9_-]{20})\b"),
    ("slack-token", r"\b(xox[baprs]-[A-Za-z0-9-]{10,})"),
    ("google-api-key", r"\b(AIza[0-9A-Za-z_-]{35})"),
    ("stripe-secret-key", r"\b((?:sk|rk)_live_[0-9A-Za-z]{16,})"),
    (
        "jwt",
        r"\b(eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})",
    ),
];

/// Names a secret is assigned to; the name must end the setting (`mqtt_password`,
/// `"wpa_passphrase"`), so `password_file` or `password_min_length` do not match.
const ASSIGNMENT: &str = r#"(?i)(?:^|[^A-Za-z0-9_])["']?((?:[A-Za-z0-9_.-]{0,32}[_.-])?(?:password|passwd|passphrase|pass|mdp|secret|api_?key|apikey|access_?token|auth_?token|token|psk|appkey|app_?s?_?key|nwkkey|nwk_?s?_?key))["']?[ \t]*(?::=|=|:)[ \t]*("[^"\r\n]{0,128}"|'[^'\r\n]{0,128}'|[\x21-\x7e&&[^"',;(){}\[\]]]{1,128})"#;

/// mosquitto bridges: `remote_password VALUE` (space-separated).
const MOSQUITTO: &str = r"(?m)^[ \t]*(remote_password|bridge_psk)[ \t]+([\x21-\x7e]{1,128})";

const URL: &str = r"(?i)\b(https?|mqtts?|wss?|ftps?|tftp|coaps?|amqps?)://(?:([\x21-\x7e&&[^/@:\x22'<>]]{1,64}:[\x21-\x7e&&[^/@\x22'<>]]{0,128})@)?([A-Za-z0-9][A-Za-z0-9.-]{0,252}|\[[0-9A-Fa-f:.]{2,45}\])(?::([0-9]{1,5}))?(/[\x21-\x7e&&[^\x22'<>]]{0,200})?";

const HOST_SETTING: &str = r#"(?i)(?:^|[^A-Za-z0-9_])["']?((?:[A-Za-z0-9_.-]{0,24}[_.-])?(?:host|hostname|server|broker|endpoint|address|addr))["']?[ \t]*[:=][ \t]*["']?([A-Za-z0-9][A-Za-z0-9.-]{1,252}\.[A-Za-z0-9]{1,24})(?::([0-9]{1,5}))?"#;

/// `server 0.pool.ntp.org`, mosquitto's `address host:port`: space-separated settings
/// at the start of a line.
const HOST_LINE: &str = r"(?im)^[ \t]*(server|pool|address|connection_address)[ \t]+([A-Za-z0-9][A-Za-z0-9.-]{1,252}\.[A-Za-z0-9]{1,24})(?::([0-9]{1,5}))?";

struct Compiled {
    set: RegexSet,
    each: Vec<(Find, Regex)>,
}

/// What the set looks for in place of each of [`TOKENS`]: a part of the pattern every
/// match holds (its prefix, with its word boundary).
const TOKEN_ANCHORS: [&str; 9] = [
    r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----",
    r"\b(?:AKIA|ASIA)[0-9A-Z]{16}",
    r#"(?i:aws_?secret_?(?:access_?)?key)["']?[ \t]*[:=]"#,
    r"\b(?:gh[pousr]_|github_pat_)",
    r"\bglpat-",
    r"\bxox[baprs]-",
    r"\bAIza",
    r"\b(?:sk|rk)_live_",
    r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ",
];

/// The set's part of [`ASSIGNMENT`]: the name's keyword and the separator.
const ASSIGNMENT_ANCHOR: &str = r#"(?i)(?:password|passwd|passphrase|pass|mdp|secret|api_?key|apikey|access_?token|auth_?token|token|psk|appkey|app_?s?_?key|nwkkey|nwk_?s?_?key)["']?[ \t]*[:=]"#;

const MOSQUITTO_ANCHOR: &str = r"(?m)^[ \t]*(?:remote_password|bridge_psk)[ \t]+[\x21-\x7e]";

const URL_ANCHOR: &str = r"(?i)\b(?:https?|mqtts?|wss?|ftps?|tftp|coaps?|amqps?)://";

const HOST_SETTING_ANCHOR: &str =
    r#"(?i)(?:host|hostname|server|broker|endpoint|address|addr)["']?[ \t]*[:=]"#;

const HOST_LINE_ANCHOR: &str =
    r"(?im)^[ \t]*(?:server|pool|address|connection_address)[ \t]+[A-Za-z0-9]";

/// Every pattern: what it finds, the pattern, and its anchor for the set. An anchor
/// matches a part of every match of its pattern, without the bounded repetitions of
/// names, hosts and values: the set only tells which patterns to run on a span, and
/// with those repetitions its automaton (one state per combination of positions in
/// every pattern) grew large enough to be rebuilt over and over on big inputs.
fn patterns() -> Vec<(Find, &'static str, &'static str)> {
    let mut v: Vec<(Find, &'static str, &'static str)> = TOKENS
        .iter()
        .zip(TOKEN_ANCHORS)
        .map(|((k, re), anchor)| {
            if *k == "private-key" {
                (Find::PrivateKey, *re, anchor)
            } else {
                (Find::Token(k), *re, anchor)
            }
        })
        .collect();
    v.push((Find::Assignment, ASSIGNMENT, ASSIGNMENT_ANCHOR));
    v.push((Find::Assignment, MOSQUITTO, MOSQUITTO_ANCHOR));
    v.push((Find::Url, URL, URL_ANCHOR));
    v.push((Find::HostSetting, HOST_SETTING, HOST_SETTING_ANCHOR));
    v.push((Find::HostSetting, HOST_LINE, HOST_LINE_ANCHOR));
    v
}

fn compiled() -> Option<&'static Compiled> {
    static C: OnceLock<Option<Compiled>> = OnceLock::new();
    C.get_or_init(|| {
        let p = patterns();
        let set = RegexSetBuilder::new(p.iter().map(|(_, _, anchor)| *anchor))
            .unicode(false)
            .size_limit(64 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .ok()?;
        let each = p
            .iter()
            .map(|(f, re, _)| {
                RegexBuilder::new(re)
                    .unicode(false)
                    .build()
                    .ok()
                    .map(|r| (*f, r))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Compiled { set, each })
    })
    .as_ref()
}

/// Kind of the first self-describing token in `value` (a Rust string literal, for
/// instance): the same patterns as file content, minus the allow-list.
pub fn token_kind(value: &str) -> Option<&'static str> {
    let c = compiled()?;
    let bytes = value.as_bytes();
    c.each.iter().find_map(|(f, re)| {
        let kind = match f {
            Find::Token(k) => *k,
            Find::PrivateKey => "private-key",
            _ => return None,
        };
        re.captures_iter(bytes)
            .filter_map(|c| c.get(1))
            .any(|m| !allowlisted(&String::from_utf8_lossy(m.as_bytes())))
            .then_some(kind)
    })
}

/// Shannon entropy in bits per character.
pub fn entropy(s: &str) -> f64 {
    let n = s.chars().count();
    if n == 0 {
        return 0.0;
    }
    let mut counts: std::collections::HashMap<char, usize> = std::collections::HashMap::new();
    for c in s.chars() {
        *counts.entry(c).or_default() += 1;
    }
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n as f64;
            -p * p.log2()
        })
        .sum()
}

/// Secret shown in outputs: its first characters (4 at most, and never more than a third
/// of the value, so a short password is not given away) and a short SHA-256.
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    let head: String = value.chars().take(4.min(n / 3)).collect();
    let digest = Sha256::digest(value.as_bytes());
    format!("{head}…(sha256:{})", hex::encode(&digest[..4]))
}

/// Well-known values from documentation and test suites, never real secrets: AWS's
/// example key pair, the jwt.io sample token, the FIPS-197 AES test key (a common example
/// LoRaWAN AppKey) and counting hex sequences.
const ALLOWLIST: &[&str] = &[
    "AKIAIOSFODNN7EXAMPLE",
    "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
    "2B7E151628AED2A6ABF7158809CF4F3C",
    "000102030405060708090A0B0C0D0E0F",
    "00112233445566778899AABBCCDDEEFF",
    "0123456789ABCDEF0123456789ABCDEF",
];

/// Words that mark a documentation or template value.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "sample",
    "placeholder",
    "dummy",
    "not-a-real",
    "notreal",
    "your_",
    "your-",
    "yourpass",
    "replace",
    "redacted",
    "xxxxxx",
];

/// Values that are words of the configuration language, not passwords.
const NOT_VALUES: &[&str] = &[
    "true",
    "false",
    "null",
    "none",
    "nil",
    "yes",
    "no",
    "on",
    "off",
    "required",
    "optional",
    "string",
    "str",
    "password",
    "passwd",
    "secret",
    "token",
    "undefined",
    "empty",
    "hidden",
    "disabled",
    "enabled",
    "prompt",
    "ask",
    "env",
    // nsswitch.conf sources (`passwd: files systemd`).
    "files",
    "compat",
    "systemd",
    "sss",
    "nis",
    "ldap",
    "winbind",
];

/// True for a documentation value, a template or a reference rather than a secret.
pub fn allowlisted(value: &str) -> bool {
    if ALLOWLIST.iter().any(|a| a.eq_ignore_ascii_case(value)) {
        return true;
    }
    let lower = value.to_ascii_lowercase();
    let mut chars = value.chars();
    let first = chars.next();
    PLACEHOLDER_WORDS.iter().any(|w| lower.contains(w))
        || NOT_VALUES.contains(&lower.as_str())
        // One character repeated: `xxxx`, `****`, `0000...`.
        || first.is_some_and(|f| value.chars().all(|c| c == f))
        // Templates and references: `${PASS}`, `$PASS`, `%s`, `{{ pass }}`, `<password>`,
        // `@PASSWORD@`, `env:PASS`.
        || value.starts_with('$')
        || value.contains('%')
        || value.starts_with("{{")
        || (value.starts_with('<') && value.ends_with('>'))
        || (value.starts_with('@') && value.ends_with('@'))
        || lower.starts_with("env:")
}

fn default_password(value: &str) -> bool {
    !value.is_empty()
        && crate::targets::firmware::filesystem::DEFAULT_PASSWORDS
            .iter()
            .any(|p| p.eq_ignore_ascii_case(value))
}

/// A web credential hash (`$1$`, `$5$`, `$6$`, bcrypt up to cost 6, or DES crypt) that
/// verifies against a default password. `$apr1$` (Apache's MD5 variant) and `{SHA}` are
/// not checked.
fn hash_is_default(hash: &str) -> bool {
    let supported = hash.starts_with("$1$")
        || hash.starts_with("$5$")
        || hash.starts_with("$6$")
        || (hash.len() == 13 && !hash.starts_with('$'))
        || (hash.starts_with("$2")
            && hash
                .get(4..6)
                .and_then(|c| c.parse::<u32>().ok())
                .is_some_and(|c| c <= 6));
    supported
        && crate::targets::firmware::filesystem::DEFAULT_PASSWORDS
            .iter()
            .filter(|p| !p.is_empty())
            .any(|p| pwhash::unix::verify(p, hash))
}

const WEB_DIRS: &[&str] = &[
    "www", "htdocs", "cgi-bin", "lighttpd", "nginx", "httpd", "uhttpd", "boa", "goahead", "webui",
    "web",
];

fn is_web_file(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    let name = lower.rsplit('/').next().unwrap_or(&lower);
    matches!(
        name,
        ".htpasswd" | "htpasswd" | ".htdigest" | "htdigest" | "lighttpd.user"
    ) || lower
        .split(['/', '!'])
        .rev()
        .skip(1)
        .any(|d| WEB_DIRS.contains(&d))
}

fn web_credential_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    matches!(
        name.as_str(),
        ".htpasswd" | "htpasswd" | ".htdigest" | "htdigest" | "lighttpd.user"
    )
}

/// Positions of line starts, built on first use.
struct Lines<'a> {
    bytes: &'a [u8],
    starts: Option<Vec<usize>>,
}

impl Lines<'_> {
    /// (line, column), 1-based.
    fn at(&mut self, offset: usize) -> (u32, u32) {
        let bytes = self.bytes;
        let starts = self.starts.get_or_insert_with(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', bytes).map(|i| i + 1))
                .collect()
        });
        let i = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let col = offset - starts.get(i).copied().unwrap_or(0);
        (i as u32 + 1, col as u32 + 1)
    }
}

/// The outermost file of the image holding `path`, empty for a loose file.
pub fn outer_image(path: &VirtualPath) -> String {
    if path.depth() > 0 {
        path.outer().to_string()
    } else {
        String::new()
    }
}

/// What [`scan`] should skip.
#[derive(Debug, Clone, Copy, Default)]
pub struct Skip {
    /// Private key armour (the certificate extractor already reads PEM files).
    pub private_keys: bool,
    /// Endpoints (the URLs of a processing record are its own business).
    pub endpoints: bool,
}

/// Where a scanned file sits.
pub struct Origin<'a> {
    /// Its virtual path.
    pub path: &'a VirtualPath,
}

fn strip_quotes(v: &[u8]) -> &[u8] {
    match (v.first(), v.last()) {
        (Some(b'"'), Some(b'"')) | (Some(b'\''), Some(b'\'')) if v.len() >= 2 => &v[1..v.len() - 1],
        _ => v,
    }
}

fn name_kind(name: &str) -> &'static str {
    let n = name.to_ascii_lowercase();
    let last = n
        .rsplit(['_', '.', '-'])
        .next()
        .unwrap_or(n.as_str())
        .to_string();
    if n.contains("mqtt") || n == "remote_password" {
        "mqtt-password"
    } else if n == "psk"
        || n.ends_with("_psk")
        || n.contains("wpa_passphrase")
        || n.contains("sae_password")
    {
        "wifi-psk"
    } else if n.ends_with("appkey")
        || n.ends_with("nwkkey")
        || n.ends_with("appskey")
        || n.ends_with("nwkskey")
        || n.ends_with("app_key")
        || n.ends_with("nwk_key")
        || n.ends_with("app_s_key")
        || n.ends_with("nwk_s_key")
    {
        "lorawan-key"
    } else if matches!(
        last.as_str(),
        "password" | "passwd" | "passphrase" | "pass" | "mdp"
    ) || n.ends_with("password")
        || n.ends_with("passwd")
    {
        "password"
    } else {
        "named-secret"
    }
}

/// Whether an assigned value is kept as a secret of `kind`.
fn plausible(kind: &str, value: &str, binary: bool) -> bool {
    let len = value.chars().count();
    if value.is_empty() || allowlisted(value) {
        return false;
    }
    match kind {
        "lorawan-key" => {
            let v = value.trim_start_matches("0x");
            v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit())
        }
        "wifi-psk" => len >= 8,
        "named-secret" => {
            // Tokens and keys: long and varied, not a word or an identifier.
            len >= 12
                && entropy(value) >= 3.0
                && value.bytes().any(|b| b.is_ascii_digit())
                && !value.contains('/')
        }
        _ => {
            // Passwords: anything that is not a placeholder, a command, a path or a
            // metavariable (`--password=PASS`); in binaries, where format strings, help
            // texts and identifiers abound, something that reads like a password.
            let first = value.bytes().next().unwrap_or(b' ');
            let shape = len >= 4
                && !b"/`\\&|<[-.".contains(&first)
                && !value.contains(char::is_whitespace)
                && !(value.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'));
            if !shape {
                return false;
            }
            if binary {
                default_password(value)
                    || (len >= 6
                        && value
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"!#*+-.@^_~".contains(&b))
                        && !identifier_like(value))
            } else {
                true
            }
        }
    }
}

/// A word or an identifier rather than a password: `Results`, `setClientPassword`,
/// `pam_unix`, `files`: letters (and `_`) only, with at most a capital at the start of
/// each word.
fn identifier_like(value: &str) -> bool {
    let letters = value.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_');
    letters
        && !value
            .bytes()
            .skip(1)
            .zip(value.bytes())
            .any(|(b, prev)| b.is_ascii_uppercase() && prev.is_ascii_uppercase())
}

/// Documentation, schema and project hosts that appear in strings of libraries and
/// configuration comments without being contacted.
const DOC_HOSTS: &[&str] = &[
    "w3.org",
    "xmlsoap.org",
    "xml.org",
    "ietf.org",
    "example.com",
    "example.net",
    "example.org",
    "openssl.org",
    "gnu.org",
    "fsf.org",
    "busybox.net",
    "kernel.org",
    "schemas.microsoft.com",
    "purl.org",
    "apache.org",
    "opensource.org",
    "creativecommons.org",
    "mozilla.org",
    "json-schema.org",
    "curl.se",
    "haxx.se",
    "translationproject.org",
    "freedesktop.org",
    "debian.org",
    "sourceware.org",
    "unicode.org",
    "gnupg.org",
    "cpan.org",
    "perl.org",
    "python.org",
    "iana.org",
    "oasis-open.org",
    "mitre.org",
    "mosquitto.org",
    "info-zip.org",
    "ieee.org",
];

const FILE_SUFFIXES: &[&str] = &[
    "conf", "cfg", "txt", "sh", "so", "bin", "json", "xml", "html", "htm", "js", "pem", "key",
    "crt", "log", "pid", "sock", "py", "lua", "c", "h", "ini", "yaml", "yml", "db", "gz", "tar",
    "cgi", "php", "css", "d", "o", "a", "ko", "service", "rules", "lock", "tmp", "old", "bak",
];

fn doc_host(host: &str) -> bool {
    let tld = host.rsplit('.').next().unwrap_or("");
    DOC_HOSTS
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")))
        || matches!(tld, "example" | "invalid" | "test")
}

/// Role of an endpoint from the words of its setting and URL path, else from the name of
/// its file and directory (`mosquitto/bridge.conf`, `ntp.conf`, `opkg/feeds.conf`).
fn role(words: &str, file: &str) -> &'static str {
    let r = role_of(words);
    if !r.is_empty() {
        return r;
    }
    let mut parts = file.rsplit(['/', '!']).filter(|p| !p.is_empty());
    let near = format!(
        "{} {}",
        parts.next().unwrap_or(""),
        parts.next().unwrap_or("")
    );
    role_of(&near)
}

fn role_of(words: &str) -> &'static str {
    let w = words.to_ascii_lowercase();
    let has = |list: &[&str]| list.iter().any(|x| w.contains(x));
    if has(&[
        "update", "upgrade", "firmware", "ota", "swupdate", "opkg", "feed",
    ]) {
        "update"
    } else if has(&[
        "telemetry",
        "metrics",
        "stats",
        "analytics",
        "syslog",
        "logging",
    ]) {
        "telemetry"
    } else if has(&["mqtt", "amqp", "broker", "mosquitto", "bridge"]) {
        "broker"
    } else if has(&["ntp", "chrony", "timesync"]) {
        "time"
    } else {
        ""
    }
}

/// Builds an endpoint, or `None` for documentation hosts and things that are not hosts.
fn endpoint(
    scheme: &str,
    host: &str,
    port: Option<&str>,
    setting: &str,
    words: &str,
    file: &str,
) -> Option<EndpointFact> {
    let host = host
        .trim_end_matches('.')
        .trim_matches(['[', ']'])
        .to_ascii_lowercase();
    let ip: Option<IpAddr> = host.parse().ok();
    if ip.is_none() {
        // A name needs a dot and an alphabetic top-level label that is not a file suffix
        // (`server=lighttpd.conf` is a file); `localhost` is the exception.
        let tld = host.rsplit('.').next().unwrap_or("");
        let named = host.contains('.')
            && tld.len() >= 2
            && tld.bytes().all(|b| b.is_ascii_alphabetic())
            && !FILE_SUFFIXES.contains(&tld);
        if !(named || host == "localhost") || doc_host(&host) {
            return None;
        }
    }
    let port: u16 = port.and_then(|p| p.parse().ok()).unwrap_or(0);
    let scope = ip
        .as_ref()
        .map(crate::targets::source::vocab::ip_scope)
        .unwrap_or("");
    let local_names = [".local", ".lan", ".home.arpa", ".internal", ".localdomain"];
    let local = host == "localhost"
        || local_names.iter().any(|s| host.ends_with(s))
        || (ip.is_some() && scope != "public");
    let scheme = scheme.to_ascii_lowercase();
    let cleartext = matches!(
        scheme.as_str(),
        "http" | "mqtt" | "ws" | "ftp" | "tftp" | "coap" | "amqp"
    );
    let shown_host = match ip {
        Some(IpAddr::V6(_)) => format!("[{host}]"),
        _ => host.clone(),
    };
    let mut url = if scheme.is_empty() {
        shown_host
    } else {
        format!("{scheme}://{shown_host}")
    };
    if port != 0 {
        url.push_str(&format!(":{port}"));
    }
    Some(EndpointFact {
        url,
        role: role(&format!("{setting} {scheme} {host} {words}"), file),
        scheme,
        host,
        port,
        ip: ip.map(|i| i.to_string()).unwrap_or_default(),
        scope: scope.to_string(),
        local,
        cleartext,
        setting: setting.to_string(),
        file: String::new(),
        line: 0,
        byte_offset: 0,
        binary: false,
        image: String::new(),
    })
}

/// Shortest printable run of a binary that is searched. The shortest finding is a
/// password assignment such as `mdp=1234` (a 3-letter name, `=`, and a default password
/// of 4 characters, the least [`plausible`] accepts in a binary): 8 bytes. Every other
/// kind is longer (a wifi key needs 8 characters of value, tokens 15 or more, a URL with
/// a password or a host setting 9 or more), so a shorter run cannot hold a finding.
const MIN_RUN: usize = 8;

/// Runs of a binary closer than this many bytes are searched as one span: the few bytes
/// between them cost less than another call into the regex engine.
const JOIN_GAP: usize = 64;

/// Bytes of a printable run: printable ASCII, tab, line feed and carriage return, every
/// byte a pattern can match but the one before a match (`(?:^|[^A-Za-z0-9_])`).
const PRINTABLE: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = matches!(i as u8, 0x20..=0x7e | b'\t' | b'\n' | b'\r');
        i += 1;
    }
    t
};

fn printable(b: u8) -> bool {
    PRINTABLE[usize::from(b)]
}

/// How many of `bytes` are printable before the first that is not (at most 32).
fn printable_prefix<'a>(bytes: impl Iterator<Item = &'a u8>) -> usize {
    // A mask built without branching: machine code is a coin toss between printable and
    // not, which a branch per byte would mispredict.
    let mask = bytes
        .take(32)
        .enumerate()
        .fold(0u32, |m, (k, &b)| m | (u32::from(printable(b)) << k));
    mask.trailing_ones() as usize
}

/// Spans of `bytes` holding every run of at least [`MIN_RUN`] printable bytes, each
/// with the byte before it (so that `\b`, `^` and a leading `[^A-Za-z0-9_]` see what
/// they see in the whole file), runs less than [`JOIN_GAP`] apart merged; sorted and
/// disjoint. Only every [`MIN_RUN`]th byte is looked at between runs: a run that long
/// always covers one of them; a printable one is first judged by the bytes on each
/// side of it, most being alone or in short runs.
fn text_spans(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let n = bytes.len();
    let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut p = MIN_RUN - 1;
    while let Some(&b) = bytes.get(p) {
        if !printable(b) {
            p += MIN_RUN;
            continue;
        }
        // Near the ends of the file there are not 7 bytes on each side: walk.
        let short = match (bytes.get(p + 1 - MIN_RUN..p), bytes.get(p + 1..p + MIN_RUN)) {
            (Some(left), Some(right)) => {
                printable_prefix(left.iter().rev()) + 1 + printable_prefix(right.iter()) < MIN_RUN
            }
            _ => false,
        };
        if short {
            // The next long run starts after this one, so covers a later sample.
            p += MIN_RUN;
            continue;
        }
        // The byte MIN_RUN back was not printable (or ended the previous run), so this
        // walk back is short.
        let start = bytes[..p]
            .iter()
            .rposition(|&b| !printable(b))
            .map_or(0, |i| i + 1);
        let end = bytes[p..]
            .iter()
            .position(|&b| !printable(b))
            .map_or(n, |i| p + i);
        if end - start >= MIN_RUN {
            push_span(&mut spans, start, end);
        }
        // `end` is not printable: the next run starts after it.
        p = end + MIN_RUN;
    }
    spans
}

/// Adds the run `start..end` (and the byte before it) to `spans`, merged with the last
/// span when less than [`JOIN_GAP`] bytes apart.
fn push_span(spans: &mut Vec<std::ops::Range<usize>>, start: usize, end: usize) {
    let from = start.saturating_sub(1);
    match spans.last_mut() {
        Some(last) if from <= last.end + JOIN_GAP => last.end = end,
        _ => spans.push(from..end),
    }
}

/// A text file is searched in pieces of about this many bytes, so that a pattern the
/// set finds in one piece is run again on that piece only.
const CHUNK: usize = 16 * 1024;

/// Pieces of a text file: [`CHUNK`] bytes or more, each cut just before a line feed
/// (which starts the next piece). No match spans two lines, except for the byte before
/// it (`(?:^|[^A-Za-z0-9_])`, `(?m)^`), which is the line feed starting its piece: a
/// match is in one piece.
fn line_chunks(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    while let Some(rest) = bytes.get(start + CHUNK..)
        && let Some(i) = memchr::memchr(b'\n', rest)
    {
        let cut = start + CHUNK + i;
        out.push(start..cut);
        start = cut;
    }
    out.push(start..bytes.len());
    out
}

/// Secret and endpoint facts of one file's content.
pub fn scan(path: &VirtualPath, bytes: &[u8], skip: Skip) -> Vec<Fact> {
    let binary = memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some();
    // A binary is searched only where its printable strings are, a text file in pieces.
    let spans = if binary {
        text_spans(bytes)
    } else {
        line_chunks(bytes)
    };
    scan_spans(path, bytes, skip, binary, spans)
}

/// [`scan`] and [`components::scan`](crate::targets::firmware::components::scan) of a
/// file, the printable strings of a binary found once for both. Component signatures
/// are printable too (at least 9 bytes, `musl libc`) but may end on the NUL after a
/// string (`OpenSSH_9.2p1\0`), so their spans also hold the byte after each run.
pub fn scan_with_components(path: &VirtualPath, bytes: &[u8], skip: Skip) -> Vec<Fact> {
    let binary = memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some();
    if !binary {
        let mut facts = scan_spans(path, bytes, skip, false, line_chunks(bytes));
        facts.extend(crate::targets::firmware::components::scan(path, bytes));
        return facts;
    }
    let spans = text_spans(bytes);
    let with_next: Vec<std::ops::Range<usize>> = spans
        .iter()
        .map(|s| s.start..(s.end + 1).min(bytes.len()))
        .collect();
    let mut facts = scan_spans(path, bytes, skip, true, spans);
    facts.extend(crate::targets::firmware::components::scan_spans(
        path, bytes, &with_next,
    ));
    facts
}

/// [`scan`] of the given disjoint, sorted `spans` of `bytes`.
fn scan_spans(
    path: &VirtualPath,
    bytes: &[u8],
    skip: Skip,
    binary: bool,
    spans: Vec<std::ops::Range<usize>>,
) -> Vec<Fact> {
    let Some(c) = compiled() else {
        return Vec::new();
    };
    let hits: Vec<(usize, &[u8], regex::bytes::SetMatches)> = spans
        .into_iter()
        .filter_map(|span| {
            let hay = bytes.get(span.clone())?;
            let matched = c.set.matches(hay);
            matched.matched_any().then_some((span.start, hay, matched))
        })
        .collect();
    let web_file = web_credential_file(path.file_name());
    if hits.is_empty() && !web_file {
        return Vec::new();
    }
    let file = path.to_string();
    let image = outer_image(path);
    // Binaries and scripts: their file name says nothing of their URLs' roles.
    let strict = binary || bytes.starts_with(b"#!");
    let role_file = if strict { "" } else { file.as_str() };
    let mut lines = Lines {
        bytes,
        starts: None,
    };
    let web = is_web_file(&file);
    let mut secrets: Vec<(usize, SecretFact)> = Vec::new();
    let mut endpoints: Vec<(usize, EndpointFact)> = Vec::new();
    let mut seen_values: BTreeSet<(usize, usize)> = BTreeSet::new();
    let secret = |kind: &'static str, name: &str, value: &[u8], offset: usize| {
        let v = String::from_utf8_lossy(value).into_owned();
        SecretFact {
            kind,
            name: name.to_string(),
            masked: mask(&v),
            length: v.chars().count(),
            entropy: (entropy(&v) * 100.0).round() / 100.0,
            file: file.clone(),
            line: 0,
            column: 0,
            byte_offset: offset as u64,
            binary,
            default_password: default_password(&v),
            web_admin: web
                || ["admin", "web", "http"]
                    .iter()
                    .any(|w| name.to_ascii_lowercase().contains(w)),
            image: image.clone(),
            byte_len: value.len(),
        }
    };
    // Spans are disjoint and no match leaves its span, so going span by span (patterns
    // in order within each) finds what one pass per pattern over the file would, and a
    // pattern is run only on the spans where the set saw its anchor.
    for (i, (at, hay)) in hits
        .iter()
        .flat_map(|(at, hay, m)| m.iter().map(move |i| (i, (*at, *hay))))
    {
        let Some((find, re)) = c.each.get(i) else {
            continue;
        };
        // Host settings only give endpoints.
        if skip.endpoints && matches!(find, Find::HostSetting) {
            continue;
        }
        // Offsets in the file of a match found in the span.
        let start_of = |m: regex::bytes::Match<'_>| at + m.start();
        let end_of = |m: regex::bytes::Match<'_>| at + m.end();
        for caps in re.captures_iter(hay) {
            match find {
                Find::PrivateKey => {
                    if skip.private_keys {
                        continue;
                    }
                    let Some(m) = caps.get(1) else { continue };
                    let rest = &bytes[end_of(m)..];
                    let end =
                        memchr::memmem::find(rest, b"-----END ").unwrap_or(rest.len().min(4096));
                    let body: Vec<u8> = rest[..end]
                        .iter()
                        .copied()
                        .filter(|b| !b.is_ascii_whitespace())
                        .collect();
                    // The armour alone (a constant in ssh tools) is not a key.
                    let key_like = body.len() >= 64
                        && body
                            .iter()
                            .all(|b| b.is_ascii_alphanumeric() || b"+/=:,-\\".contains(b));
                    if key_like && seen_values.insert((start_of(m), end_of(m))) {
                        secrets.push((start_of(m), secret("private-key", "", &body, start_of(m))));
                    }
                }
                Find::Token(kind) => {
                    let Some(m) = caps.get(1) else { continue };
                    let v = String::from_utf8_lossy(m.as_bytes());
                    if !allowlisted(&v) && seen_values.insert((start_of(m), end_of(m))) {
                        secrets.push((start_of(m), secret(kind, "", m.as_bytes(), start_of(m))));
                    }
                }
                Find::Assignment => {
                    let (Some(n), Some(m)) = (caps.get(1), caps.get(2)) else {
                        continue;
                    };
                    let name = String::from_utf8_lossy(n.as_bytes()).into_owned();
                    let raw = m.as_bytes();
                    let value = strip_quotes(raw);
                    let start = start_of(m) + usize::from(value.len() != raw.len());
                    let kind = name_kind(&name);
                    let v = String::from_utf8_lossy(value);
                    // `name = call(...)` is code, not a value.
                    let call = bytes.get(end_of(m)) == Some(&b'(');
                    if call || v.eq_ignore_ascii_case(&name) || !plausible(kind, &v, binary) {
                        continue;
                    }
                    // A token pattern already reported this value.
                    if seen_values
                        .iter()
                        .any(|&(s, e)| s <= start && start + value.len() <= e.max(s))
                    {
                        continue;
                    }
                    seen_values.insert((start, start + value.len()));
                    secrets.push((start, secret(kind, &name, value, start)));
                }
                Find::Url => {
                    let (Some(s), Some(h)) = (caps.get(1), caps.get(3)) else {
                        continue;
                    };
                    let scheme = String::from_utf8_lossy(s.as_bytes()).into_owned();
                    let host = String::from_utf8_lossy(h.as_bytes()).into_owned();
                    if let Some(u) = caps.get(2)
                        && let Some(colon) = memchr::memchr(b':', u.as_bytes())
                    {
                        let user = String::from_utf8_lossy(&u.as_bytes()[..colon]).into_owned();
                        let pass = &u.as_bytes()[colon + 1..];
                        let p = String::from_utf8_lossy(pass);
                        let start = start_of(u) + colon + 1;
                        if !pass.is_empty()
                            && !allowlisted(&p)
                            && !p.starts_with('{')
                            && seen_values.insert((start, start + pass.len()))
                        {
                            secrets.push((start, secret("url-password", &user, pass, start)));
                        }
                    }
                    if skip.endpoints {
                        continue;
                    }
                    let port = caps.get(4).map(|p| String::from_utf8_lossy(p.as_bytes()));
                    let setting = setting_before(bytes, start_of(s));
                    let words = caps
                        .get(5)
                        .map(|p| String::from_utf8_lossy(p.as_bytes()).into_owned())
                        .unwrap_or_default();
                    if let Some(e) =
                        endpoint(&scheme, &host, port.as_deref(), &setting, &words, role_file)
                    {
                        endpoints.push((start_of(s), e));
                    }
                }
                Find::HostSetting => {
                    let (Some(n), Some(h)) = (caps.get(1), caps.get(2)) else {
                        continue;
                    };
                    let name = String::from_utf8_lossy(n.as_bytes()).into_owned();
                    let host = String::from_utf8_lossy(h.as_bytes()).into_owned();
                    // `server=` inside a URL's query is the URL's business.
                    let port = caps.get(3).map(|p| String::from_utf8_lossy(p.as_bytes()));
                    if let Some(e) = endpoint("", &host, port.as_deref(), &name, "", role_file) {
                        endpoints.push((start_of(h), e));
                    }
                }
            }
        }
    }
    if web_file {
        web_credentials(bytes, &mut |name, value, offset| {
            let v = String::from_utf8_lossy(value).into_owned();
            // A crypt hash starts with `$`, which the allow-list reads as a reference.
            let hash = v.starts_with('$') && v.len() > 20;
            if v.is_empty() || (!hash && allowlisted(&v)) {
                return;
            }
            let mut f = secret("web-credential", name, value, offset);
            f.web_admin = true;
            f.default_password = default_password(&v) || hash_is_default(&v);
            secrets.push((offset, f));
        });
    }
    secrets.sort_by_key(|(o, _)| *o);
    if skip.endpoints {
        endpoints.clear();
    }
    // Binaries and scripts are full of project, bug-report and documentation URLs:
    // there, only URLs of device protocols, addresses, and URLs whose words say what they
    // are for (update, telemetry, broker, time) are endpoints.
    if strict {
        endpoints.retain(|(_, e)| {
            !matches!(e.scheme.as_str(), "http" | "https") || !e.ip.is_empty() || !e.role.is_empty()
        });
    }
    endpoints.sort_by_key(|(o, _)| *o);
    let mut facts = Vec::new();
    for (offset, mut s) in secrets {
        let location = locate(&file, bytes, binary, offset, s.length, &mut lines);
        if let Some(Region::Text {
            start_line,
            start_column,
            ..
        }) = location.region
        {
            s.line = start_line;
            s.column = start_column.unwrap_or(0);
        }
        facts.push(Fact {
            target: Target::Secret,
            location,
            identity: format!("secret:{}:{}:{}", s.kind, s.name, s.masked),
            data: FactData::Secret(Box::new(s)),
        });
    }
    // One endpoint fact per (scheme, host, port) and file: the first place it appears.
    let mut seen = BTreeSet::new();
    for (offset, mut e) in endpoints {
        if !seen.insert((e.scheme.clone(), e.host.clone(), e.port)) {
            continue;
        }
        let location = locate(&file, bytes, binary, offset, e.url.len(), &mut lines);
        if let Some(Region::Text { start_line, .. }) = location.region {
            e.line = start_line;
        }
        e.byte_offset = offset as u64;
        e.file = file.clone();
        e.binary = binary;
        e.image = image.clone();
        facts.push(Fact {
            target: Target::Endpoint,
            location,
            identity: format!("endpoint:{}", e.url),
            data: FactData::Endpoint(Box::new(e)),
        });
    }
    facts
}

/// The setting a value is assigned to, read backwards from `at` on the same line
/// (`update_url=` before `https://...` gives `update_url`).
fn setting_before(bytes: &[u8], at: usize) -> String {
    let head = &bytes[at.saturating_sub(64)..at];
    let head = match head.iter().rposition(|b| *b == b'\n' || *b == 0) {
        Some(i) => &head[i + 1..],
        None => head,
    };
    fn trim(mut h: &[u8]) -> &[u8] {
        while let Some((last, rest)) = h.split_last()
            && b" \t\"'".contains(last)
        {
            h = rest;
        }
        h
    }
    let h = trim(head);
    let Some((b'=' | b':', h)) = h.split_last() else {
        return String::new();
    };
    let h = trim(h);
    let start = h
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || b"_.-".contains(b)))
        .map(|i| i + 1)
        .unwrap_or(0);
    String::from_utf8_lossy(&h[start..]).into_owned()
}

fn locate(
    file: &str,
    _bytes: &[u8],
    binary: bool,
    offset: usize,
    len: usize,
    lines: &mut Lines<'_>,
) -> Location {
    let region = if binary {
        Region::Binary {
            byte_offset: offset as u64,
            byte_length: len as u64,
        }
    } else {
        let (line, column) = lines.at(offset);
        Region::Text {
            start_line: line,
            start_column: Some(column),
            end_line: None,
        }
    };
    Location {
        uri: file.to_string(),
        artifact: None,
        region: Some(region),
        logical: None,
    }
}

/// Lines `user:secret` of `.htpasswd` / `lighttpd.user` and `user:realm:hash` of
/// `htdigest` files; comments and blank lines skipped.
fn web_credentials(bytes: &[u8], sink: &mut dyn FnMut(&str, &[u8], usize)) {
    let mut offset = 0usize;
    for line in bytes.split(|b| *b == b'\n') {
        let start = offset;
        offset += line.len() + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() || line.starts_with(b"#") {
            continue;
        }
        let mut parts = line.splitn(3, |b| *b == b':');
        let (Some(user), Some(second)) = (parts.next(), parts.next()) else {
            continue;
        };
        let (value, at) = match parts.next() {
            Some(third) => (third, start + user.len() + second.len() + 2),
            None => (second, start + user.len() + 1),
        };
        sink(&String::from_utf8_lossy(user), value, at);
    }
}

/// `text` with every secret value it holds replaced by its masked form, or `None` when
/// it holds none. Private key blocks are left alone (their value is not contiguous);
/// lines are kept, columns after a secret on its line shift.
pub fn redact(text: &str) -> Option<String> {
    redact_with(
        text,
        &scan(&VirtualPath::file(""), text.as_bytes(), Skip::default()),
    )
}

/// [`redact`] with the facts [`scan`] already found in `text` (whatever its [`Skip`]:
/// only the secrets are used), so that a file is not scanned twice.
pub fn redact_with(text: &str, facts: &[Fact]) -> Option<String> {
    let mut spans: Vec<(usize, usize, &str)> = facts
        .iter()
        .filter_map(|f| match &f.data {
            FactData::Secret(s) if s.kind != "private-key" => {
                let start = s.byte_offset as usize;
                Some((start, start + s.byte_len, s.masked.as_str()))
            }
            _ => None,
        })
        .collect();
    if spans.is_empty() {
        return None;
    }
    spans.sort();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end, masked) in spans {
        let (Some(before), true) = (text.get(at..start), start >= at) else {
            continue;
        };
        if text.get(start..end).is_none() {
            continue;
        }
        out.push_str(before);
        out.push_str(masked);
        at = end;
    }
    out.push_str(text.get(at..).unwrap_or(""));
    Some(out)
}

/// Loose files that are never read for secrets: documentation and Vigie's own
/// configuration.
fn skipped_loose(display: &str) -> bool {
    let name = display
        .rsplit('/')
        .next()
        .unwrap_or(display)
        .to_ascii_lowercase();
    name == "vigie.toml"
        || [".md", ".markdown", ".rst", ".adoc", ".pod", ".sarif"]
            .iter()
            .any(|e| name.ends_with(e))
}

/// Secrets, endpoints and components of a loose file that discovery did not recognise (a
/// configuration file, a script): read whole when not larger than `max_size` bytes.
/// Unreadable files were already reported by discovery.
pub fn scan_loose(c: &crate::discover::Candidate, max_size: u64) -> Vec<Fact> {
    if skipped_loose(&c.display) {
        return Vec::new();
    }
    let small = std::fs::metadata(&c.path).is_ok_and(|m| m.len() <= max_size);
    match std::fs::read(&c.path) {
        Ok(bytes) if small => {
            let path = VirtualPath::file(&c.display);
            scan_with_components(&path, &bytes, Skip::default())
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(name: &str, text: &str) -> Vec<SecretFact> {
        scan(&VirtualPath::file(name), text.as_bytes(), Skip::default())
            .into_iter()
            .filter_map(|f| match f.data {
                FactData::Secret(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    fn endpoints(name: &str, text: &[u8]) -> Vec<EndpointFact> {
        scan(&VirtualPath::file(name), text, Skip::default())
            .into_iter()
            .filter_map(|f| match f.data {
                FactData::Endpoint(e) => Some(*e),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn kinds_names_and_positions() {
        let text = "# mqtt\nremote_password Xb7-pL2q\nmqtt_password=\"Tr4-vx9Q\"\n\
            {\"password\": \"Hq3!zz81\", \"other\": 1}\npsk=\"Longer wifi pass\"\n\
            AppKey = 8F3A52C19D0B7E64A1F2C3D4E5F60718\nkey=AKIA2E0A8F3B244C9986\n";
        let s = secrets("etc/app.conf", text);
        let got: Vec<(&str, &str, u32, u32)> = s
            .iter()
            .map(|f| (f.kind, f.name.as_str(), f.line, f.column))
            .collect();
        assert_eq!(
            got,
            vec![
                ("mqtt-password", "remote_password", 2, 17),
                ("mqtt-password", "mqtt_password", 3, 16),
                ("password", "password", 4, 15),
                ("wifi-psk", "psk", 5, 6),
                ("lorawan-key", "AppKey", 6, 10),
                ("aws-access-key-id", "", 7, 5),
            ]
        );
        for f in &s {
            assert!(!text.contains(&f.masked), "{}", f.masked);
            assert!(f.masked.contains("sha256:"));
        }
    }

    #[test]
    fn placeholders_and_documentation_values_are_not_secrets() {
        let text = "password=\npassword=${DB_PASS}\npassword: \"%s\"\npassword=<password>\n\
            password = changeme_example\npassword=xxxxxxxx\npassword_file=/etc/pw\n\
            aws=AKIAIOSFODNN7EXAMPLE\ntoken=true\nsecret: enabled\napi_key=short\n";
        assert!(
            secrets("app.conf", text).is_empty(),
            "{:?}",
            secrets("app.conf", text)
        );
    }

    #[test]
    fn default_and_web_credentials() {
        let s = secrets("www/config.json", "{\"admin_password\": \"admin\"}\n");
        assert_eq!(s.len(), 1);
        assert!(s[0].default_password && s[0].web_admin);
        // `openssl passwd -1 -salt vigie admin`
        let s = secrets(
            "etc/lighttpd/.htpasswd",
            "admin:$1$vigie$BbWQsjCZGc73k0bTjDm7N/\nops:$1$vigie$notahashatall000000000\n",
        );
        assert_eq!(s.len(), 2);
        assert!(s[0].default_password && s[0].kind == "web-credential");
        assert!(!s[1].default_password);
        assert_eq!((s[1].line, s[1].name.as_str()), (2, "ops"));
        let s = secrets("etc/app.conf", "password=Zq8-rT4!wp\n");
        assert!(!s[0].default_password && !s[0].web_admin);
    }

    #[test]
    fn binaries_report_offsets() {
        let mut bin = b"\x7fELF\0\0\0\0".to_vec();
        bin.extend_from_slice(b"\0user=%s password=%s\0ghp_");
        bin.extend_from_slice(b"A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8");
        bin.extend_from_slice(b"\0mqtt://ops:Sk3-ybD4@broker.lumiere.example.eu:1883/x\0");
        let s = secrets("bin/app", std::str::from_utf8(&bin).unwrap_or(""));
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            (s[0].kind, s[0].byte_offset, s[0].line),
            ("github-token", 29, 0)
        );
        assert_eq!((s[1].kind, s[1].name.as_str()), ("url-password", "ops"));
        let e = endpoints("bin/app", &bin);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].url, "mqtt://broker.lumiere.example.eu:1883");
        assert!(e[0].cleartext && !e[0].local && e[0].role == "broker" && e[0].binary);
    }

    /// Printable runs of at least `MIN_RUN` bytes, found byte by byte.
    fn runs(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 0..=bytes.len() {
            if bytes.get(i).is_some_and(|&b| printable(b)) {
                continue;
            }
            if i - start >= MIN_RUN {
                out.push(start..i);
            }
            start = i + 1;
        }
        out
    }

    /// Pseudo-random bytes (xorshift), printable about as often as in machine code.
    fn noise(len: usize, seed: u64) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    #[test]
    fn text_spans_cover_every_long_run_and_nothing_else() {
        let mut bytes = noise(200_000, 7);
        // Long printable stretches (string tables) and runs of exactly MIN_RUN and
        // MIN_RUN - 1 bytes at awkward places, including both ends.
        bytes[..MIN_RUN].copy_from_slice(b"ABCDEFGH");
        bytes[MIN_RUN] = 0;
        bytes[1000..1007].copy_from_slice(b"abcdefg");
        bytes[999] = 0;
        bytes[1007] = 0;
        for (i, b) in bytes[50_000..60_000].iter_mut().enumerate() {
            *b = if i % 40 == 39 {
                0
            } else {
                b'a' + (i % 26) as u8
            };
        }
        let n = bytes.len();
        bytes[n - MIN_RUN - 1] = 0xff;
        bytes[n - MIN_RUN..].copy_from_slice(b"12345678");
        for seed in [1u64, 2, 3] {
            let mut b = bytes.clone();
            b[100_000..n - MIN_RUN].copy_from_slice(&noise(n - 100_000 - MIN_RUN, seed));
            b[n - MIN_RUN..].copy_from_slice(b"12345678");
            check_spans(&b);
        }
        check_spans(&bytes);
    }

    fn check_spans(bytes: &[u8]) {
        let spans = text_spans(bytes);
        let runs = runs(bytes);
        assert!(!runs.is_empty());
        // Sorted, disjoint, each starting at a long run (or the byte before it).
        for w in spans.windows(2) {
            assert!(w[0].end + JOIN_GAP < w[1].start, "{w:?}");
        }
        for r in &runs {
            let from = r.start.saturating_sub(1);
            assert!(
                spans.iter().any(|s| s.start <= from && r.end <= s.end),
                "run {r:?} not covered"
            );
        }
        for s in &spans {
            assert!(runs.iter().any(|r| r.start.saturating_sub(1) == s.start));
            assert!(runs.iter().any(|r| r.end == s.end));
        }
        // Far fewer bytes than the file: the noise between the runs is skipped.
        let covered: usize = spans.iter().map(|s| s.len()).sum();
        assert!(covered < bytes.len() / 2, "{covered} of {}", bytes.len());
    }

    #[test]
    fn binaries_find_the_same_as_a_whole_file_search_at_the_same_offsets() {
        // Secrets and endpoints inside a binary-like noise, separated by NULs, one of
        // them the shortest finding a binary can hold.
        let planted: &[&[u8]] = &[
            b"mdp=1234",
            b"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0\n-----END RSA PRIVATE KEY-----",
            b"ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
            b"mqtt://ops:Sk3-ybD4@broker.lumiere.example.eu:1883/x",
            b"update_url=https://fw.vendor-cloud.com/ota",
            b"wpa_passphrase=Lumiere-2026!",
            b"AKIA2E0A8F3B244C9986",
            b"broker_host=mqtt.vendor-cloud.com:8883",
        ];
        let mut bin = b"\x7fELF\x02\x01\x01\0".to_vec();
        let mut offsets = Vec::new();
        for (i, p) in planted.iter().enumerate() {
            bin.extend(noise(3000 + 517 * i, i as u64 + 11));
            bin.push(0);
            offsets.push(bin.len());
            bin.extend_from_slice(p);
            bin.push(0);
        }
        bin.extend(noise(5000, 99));
        let path = VirtualPath::file("usr/bin/app");
        let fast = scan(&path, &bin, Skip::default());
        let whole = scan_spans(
            &path,
            &bin,
            Skip::default(),
            true,
            std::iter::once(0..bin.len()).collect(),
        );
        let key = |f: &Fact| {
            (
                f.identity.clone(),
                serde_json::to_string(&f.location).unwrap_or_default(),
            )
        };
        assert_eq!(
            fast.iter().map(key).collect::<Vec<_>>(),
            whole.iter().map(key).collect::<Vec<_>>()
        );
        let s: Vec<SecretFact> = fast
            .into_iter()
            .filter_map(|f| match f.data {
                FactData::Secret(s) => Some(*s),
                _ => None,
            })
            .collect();
        let got: Vec<(&str, u64)> = s.iter().map(|s| (s.kind, s.byte_offset)).collect();
        let o = |i: usize, skip: usize| (offsets[i] + skip) as u64;
        assert_eq!(
            got,
            vec![
                ("password", o(0, 4)),
                ("private-key", o(1, 0)),
                ("github-token", o(2, 0)),
                ("url-password", o(3, 11)),
                ("wifi-psk", o(5, 15)),
                ("aws-access-key-id", o(6, 0)),
            ]
        );
        // The value is at its offset (a key's is its block, whitespace removed).
        for f in s.iter().filter(|f| f.kind != "private-key") {
            let at = f.byte_offset as usize;
            assert_eq!(
                mask(&String::from_utf8_lossy(&bin[at..at + f.byte_len])),
                f.masked
            );
        }
    }

    /// Every file of the rules' fixtures and of `fixtures/`, with the strings of the
    /// tests above.
    fn corpus() -> Vec<Vec<u8>> {
        fn walk(dir: &std::path::Path, out: &mut Vec<Vec<u8>>) {
            let Ok(rd) = std::fs::read_dir(dir) else {
                return;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(b) = std::fs::read(&p)
                    && b.len() < 8 << 20
                {
                    out.push(b);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut out = Vec::new();
        walk(&root.join("rules"), &mut out);
        walk(&root.join("fixtures"), &mut out);
        out.push(
            b"mqtt://ops:Sk3-ybD4@broker.example.eu:1883/x\nremote_password Xb7\n\
            \"aws_secret_access_key\": \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzzzzzzzzzzz\"\n\
            eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.abcdefghijklmnopqrstuv\n\
            server 0.pool.ntp.org\nbroker_host = mqtt.example.eu\nxoxb-1234567890-abc\n\
            ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8 glpat-Ab3dEf6hIj9kLm2nOp5q\n\
            AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q sk_live_A1b2C3d4E5f6G7h8I9\n"
                .to_vec(),
        );
        out
    }

    #[test]
    fn anchors_match_inside_every_match_of_their_pattern() {
        let p = patterns();
        let c = compiled().expect("patterns compile");
        let mut checked = vec![0usize; p.len()];
        let anchors: Vec<Regex> = p
            .iter()
            .map(|(_, _, a)| RegexBuilder::new(a).unicode(false).build())
            .collect::<Result<_, _>>()
            .expect("anchors compile");
        for bytes in corpus() {
            for (i, ((_, re), anchor)) in c.each.iter().zip(&anchors).enumerate() {
                for m in re.find_iter(&bytes) {
                    assert!(
                        anchor.is_match(m.as_bytes()),
                        "pattern {i} matched {:?} without its anchor",
                        String::from_utf8_lossy(m.as_bytes())
                    );
                    checked[i] += 1;
                }
            }
        }
        assert!(
            checked.iter().all(|&n| n > 0),
            "a pattern never matched: {checked:?}"
        );
    }

    #[test]
    fn text_files_find_the_same_in_pieces_as_whole() {
        let mut texts = corpus();
        texts.retain(|b| !b[..b.len().min(8192)].contains(&0));
        // A long configuration file, secrets at every distance from the piece cuts.
        let mut long = Vec::new();
        for i in 0..4000 {
            long.extend_from_slice(match i % 7 {
                0 => b"mqtt_password=\"Tr4-vx9Q\"\n".as_slice(),
                1 => b"# a comment line of some length, nothing to see here at all\n",
                2 => b"update_url=https://fw.vendor-cloud.com/lumiere/\n",
                3 => b"server 0.pool.ntp.org iburst\n",
                4 => b"\n",
                5 => b"key=AKIA2E0A8F3B244C9986 psk=\"Longer wifi pass\"\n",
                _ => b"remote_password Xb7-pL2q\n",
            });
            long.extend(std::iter::repeat_n(b'x', i % 13));
            long.push(b'\n');
        }
        assert!(line_chunks(&long).len() > 4);
        texts.push(long);
        let key = |f: &Fact| {
            (
                f.identity.clone(),
                serde_json::to_string(&f.location).unwrap_or_default(),
            )
        };
        let path = VirtualPath::file("etc/app.conf");
        let mut found = 0;
        for t in &texts {
            let chunks = line_chunks(t);
            assert_eq!(chunks.first().map(|c| c.start), Some(0));
            assert_eq!(chunks.last().map(|c| c.end), Some(t.len()));
            let pieces = scan(&path, t, Skip::default());
            let whole = scan_spans(
                &path,
                t,
                Skip::default(),
                false,
                std::iter::once(0..t.len()).collect(),
            );
            assert_eq!(
                pieces.iter().map(key).collect::<Vec<_>>(),
                whole.iter().map(key).collect::<Vec<_>>()
            );
            found += pieces.len();
        }
        assert!(found > 1000, "{found}");
    }

    #[test]
    fn components_of_binaries_are_found_in_the_printable_strings() {
        use crate::targets::firmware::components;
        let planted: &[&[u8]] = &[
            b"BusyBox v1.24.1 (2016-01-04 11:47:10 CET)",
            b"OpenSSH_7.4p1",
            b"GNU C Library (Debian GLIBC 2.36-9) stable release version 2.36.",
            b"curl 7.88.1",
            b"musl libc",
            b"SSH-2.0-dropbear_2019.78",
        ];
        let mut bin = b"\x7fELF\x02\x01\x01\0".to_vec();
        for (i, p) in planted.iter().enumerate() {
            bin.extend(noise(2000 + 311 * i, i as u64 + 5));
            bin.push(0);
            bin.extend_from_slice(p);
            // Signatures that end on the NUL after the string.
            bin.push(0);
        }
        bin.extend(noise(3000, 77));
        let path = VirtualPath::file("usr/lib/libfoo.so");
        let evidence = |facts: &[Fact]| -> Vec<(String, String)> {
            facts
                .iter()
                .filter_map(|f| match &f.data {
                    FactData::Component(c) => Some((
                        format!("{}@{}", c.name, c.version),
                        serde_json::to_string(&f.location).unwrap_or_default(),
                    )),
                    _ => None,
                })
                .collect()
        };
        let fast = evidence(&scan_with_components(&path, &bin, Skip::default()));
        let whole = evidence(&components::scan(&path, &bin));
        assert_eq!(fast, whole);
        let names: Vec<&str> = fast.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            vec![
                "busybox@1.24.1",
                "curl@7.88.1",
                "dropbear@2019.78",
                "glibc@2.36",
                "musl@",
                "openssh@7.4p1"
            ]
        );
    }

    #[test]
    fn endpoints_from_settings_and_urls() {
        let text = b"update_url=https://fw.vendor-cloud.com/lumiere/\nserver=192.168.1.10\n\
            ntp_server = pool.ntp.org\nsee http://www.w3.org/2001/XMLSchema\n\
            conf=lighttpd.conf\nserver 0.pool.ntp.org iburst\nhost=cam.local\n";
        let e = endpoints("etc/app.conf", text);
        let got: Vec<(&str, &str, bool, u32)> = e
            .iter()
            .map(|e| (e.url.as_str(), e.role, e.local, e.line))
            .collect();
        assert_eq!(
            got,
            vec![
                ("https://fw.vendor-cloud.com", "update", false, 1),
                ("192.168.1.10", "", true, 2),
                ("pool.ntp.org", "time", false, 3),
                ("0.pool.ntp.org", "time", false, 6),
                ("cam.local", "", true, 7),
            ]
        );
    }

    #[test]
    fn private_keys_are_masked_blocks() {
        let text = "key = \"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZWQy\n-----END OPENSSH PRIVATE KEY-----\"\n";
        let s = secrets("etc/app.conf", text);
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].kind, s[0].line), ("private-key", 1));
        assert!(s[0].masked.starts_with("b3Bl"));
        let none = scan(
            &VirtualPath::file("k.pem"),
            text.as_bytes(),
            Skip {
                private_keys: true,
                ..Skip::default()
            },
        );
        assert!(none.is_empty());
    }

    #[test]
    fn settings_before_urls_survive_any_bytes() {
        let text = "é=http://a.b.eu\n\u{fffd}\u{fffd}https://c.d.eu\nfeed_url = 'https://e.f.eu'";
        let e = endpoints("x.conf", text.as_bytes());
        let settings: Vec<&str> = e.iter().map(|e| e.setting.as_str()).collect();
        assert_eq!(settings, vec!["", "", "feed_url"]);
        assert_eq!(e[2].role, "update");
    }

    #[test]
    fn redaction_keeps_lines_and_masks_values() {
        let text = "a: 1\nurl: https://ops:Tk9-vLq2Zp@git.example.eu/x\nb: 2\n";
        let r = redact(text).unwrap_or_default();
        assert!(!r.contains("Tk9-vLq2Zp"), "{r}");
        assert!(r.contains(&mask("Tk9-vLq2Zp")));
        assert_eq!(r.lines().count(), 3);
        assert!(redact("a: 1\n").is_none());
    }

    #[test]
    fn token_kinds_for_source_literals() {
        assert_eq!(
            token_kind("AKIA2E0A8F3B244C9986"),
            Some("aws-access-key-id")
        );
        assert_eq!(token_kind("AKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(
            token_kind("glpat-Ab3dEf6hIj9kLm2nOp5q"),
            Some("gitlab-token")
        );
        assert_eq!(token_kind("hello"), None);
    }
}
