//! Word lists the source extractor classifies with: personal-data identifiers (mapped to
//! the declaration schema's `data_category` values so the cross-check can compare them
//! directly), secret-bearing names, default passwords, and string literals (secrets,
//! endpoints, IP addresses).

use regex::Regex;
use std::net::IpAddr;
use std::sync::OnceLock;

/// Splits an identifier into lowercase words: `licencePlate` and `licence_plate` both
/// give `["licence", "plate"]`.
pub fn words(ident: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in ident.chars() {
        if c == '_' || c == '-' || c == '.' {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Cheap filter before splitting an identifier: false when no personal-data word can
/// be in it (most identifiers).
fn may_be_personal(ident: &str) -> bool {
    const STEMS: &[&str] = &[
        "plate",
        "plaque",
        "immatric",
        "lpr",
        "anpr",
        "vin",
        "imei",
        "imsi",
        "iccid",
        "msisdn",
        "mac",
        "bssid",
        "mail",
        "courriel",
        "phone",
        "mobile",
        "lat",
        "lon",
        "lng",
        "gps",
        "geo",
        "face",
        "facial",
        "biometric",
        "fingerprint",
        "name",
        "nom",
        "dob",
        "birth",
        "addr",
        "adresse",
        "street",
        "position",
        "location",
        "coord",
        "ip",
    ];
    let lower = ident.to_ascii_lowercase();
    STEMS.iter().any(|s| lower.contains(s))
}

/// Words that name a person (or the person's vehicle or phone) as the owner of the next
/// field: `user.name`, `driver.address`.
const PERSON_WORDS: &[&str] = &[
    "user",
    "person",
    "citizen",
    "resident",
    "driver",
    "owner",
    "customer",
    "client",
    "subscriber",
    "visitor",
    "patient",
    "usager",
    "habitant",
    "contact",
    "employee",
    "agent",
    "vehicle",
    "car",
    "passenger",
    "pedestrian",
    "member",
    "account",
    "profile",
    "holder",
];

/// The personal-data category an identifier names, as a declaration `data_category`
/// value, or `None`. `owner` is the identifier before it in a field path (`user` in
/// `user.name`): ambiguous words (`name`, `address`, `position`, `location`) count only
/// with a person-like owner or a qualifying word in the same identifier.
pub fn personal_category(ident: &str, owner: Option<&str>) -> Option<&'static str> {
    if !may_be_personal(ident) {
        return None;
    }
    let w = words(ident);
    if w.is_empty() {
        return None;
    }
    let joined = w.join("_");
    // Whole identifiers first.
    let whole =
        match joined.as_str() {
            "mac" | "mac_address" | "mac_addr" | "macaddr" | "bssid" | "imei" | "imsi"
            | "iccid" | "msisdn" | "device_mac" | "client_mac" | "src_mac" | "station_mac"
            | "sta_mac" => Some("device_identifier"),
            "ip_address" | "ip_addr" | "client_ip" | "remote_ip" | "user_ip" | "source_ip"
            | "src_ip" | "ipaddr" => Some("network_identifier"),
            "first_name" | "firstname" | "last_name" | "lastname" | "full_name" | "fullname"
            | "surname" | "given_name" | "family_name" | "birth_name" | "prenom" | "nom"
            | "date_of_birth" | "birth_date" | "birthdate" | "dob" => Some("identification"),
            "home_address" | "postal_address" | "street_address" | "adresse" | "street" => {
                Some("contact")
            }
            "vin" | "immatriculation" | "plaque" | "numberplate" | "licenseplate"
            | "licenceplate" => Some("vehicle_identifier"),
            _ => None,
        };
    if whole.is_some() {
        return whole;
    }
    let has = |s: &str| w.iter().any(|x| x == s);
    if has("plate") || has("lpr") || has("anpr") || has("immatriculation") {
        return Some("vehicle_identifier");
    }
    if has("imei") || has("imsi") || has("iccid") || has("msisdn") || has("macaddr") {
        return Some("device_identifier");
    }
    if has("email") || (has("mail") && !has("box")) || has("courriel") {
        // `mail` alone or in `user_mail`; `mailbox` is one word and does not match.
        return Some("contact");
    }
    if has("phone") || has("telephone") || (has("mobile") && has("number")) {
        return Some("contact");
    }
    if has("latitude") || has("longitude") || has("lat") || has("lon") || has("lng") {
        return Some("location");
    }
    if has("gps") || has("geoloc") || has("geolocation") || (has("geo") && has("position")) {
        return Some("location");
    }
    if has("face") || has("facial") || has("biometric") || (has("fingerprint") && has("user")) {
        return Some("biometric");
    }
    if w.len() >= 2 && w.last().is_some_and(|l| l == "mac") {
        // device_mac, wifi_mac, ... (but `hmac` is one word and never matches).
        return Some("device_identifier");
    }
    let owner_is_person = owner
        .is_some_and(|o| words(o).iter().any(|x| PERSON_WORDS.contains(&x.as_str())))
        || w.iter().any(|x| PERSON_WORDS.contains(&x.as_str()));
    if owner_is_person {
        if has("name") {
            return Some("identification");
        }
        if has("address") || has("addr") {
            return Some("contact");
        }
        if has("position") || has("location") || has("coordinates") || has("coords") {
            return Some("location");
        }
    }
    None
}

/// Identifier names that bind a secret value (`(?i)pass(word)?|secret|token|api_?key|...`).
pub fn is_secret_name(name: &str) -> bool {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?i)(pass(wd|word)?|pwd|secret|token|api_?key|access_?key|private_?key|psk|app_?key|nwk_?key|credential|auth_?key|mot_de_passe|mdp)",
        )
        .ok()
    })
    .as_ref()
    .is_some_and(|re| re.is_match(name))
}

/// Names that say the value is the *name* of a secret, not the secret: `TOKEN_ID`,
/// `PRIVATE_KEY_NAME`, `PASSWORD_FIELD`, `SECRET_PATH`, `API_KEY_HEADER`...
fn names_a_reference(binding: &str) -> bool {
    let w = words(binding);
    w.last().is_some_and(|l| {
        matches!(
            l.as_str(),
            "name"
                | "id"
                | "func"
                | "fn"
                | "path"
                | "file"
                | "header"
                | "field"
                | "env"
                | "var"
                | "url"
                | "uri"
                | "type"
                | "prefix"
                | "suffix"
                | "label"
                | "key_name"
                | "oid"
                | "param"
                | "column"
                | "attr"
                | "attribute"
                | "property"
                | "format"
                | "help"
                | "message"
                | "msg"
                | "error"
                | "description"
                | "option"
                | "flag"
                | "privilege"
                | "guid"
                | "clsid"
                | "class"
                | "interface"
        )
    })
}

/// Names that hold a password (not a key or token): the slots default credentials go in.
pub fn is_password_slot(name: &str) -> bool {
    let w = words(name);
    let last = w.last().map(String::as_str).unwrap_or("");
    matches!(
        last,
        "password" | "passwd" | "pass" | "pwd" | "pw" | "mdp" | "passe" | "credentials"
    ) || w.iter().any(|x| x == "credentials" || x == "auth")
        || name.ends_with("password")
}

/// Passwords shipped as factory defaults or found first in dictionary attacks.
const DEFAULT_PASSWORDS: &[&str] = &[
    "admin", "root", "password", "passw0rd", "1234", "12345", "123456", "12345678", "changeme",
    "default", "guest", "toor", "test", "secret", "public", "private", "pass", "admin123",
    "azerty", "qwerty", "letmein", "ubnt", "support", "user",
];

/// True when `value` is a well-known default or dictionary password.
pub fn is_default_password(value: &str) -> bool {
    DEFAULT_PASSWORDS.contains(&value.to_ascii_lowercase().as_str())
}

/// Shannon entropy and masking are shared with the secret extractor.
pub use crate::targets::secret::{entropy, mask};

/// What a string literal is, as the rules see it.
#[derive(Debug, Clone, Default, serde::Serialize, PartialEq)]
pub struct LiteralFact {
    /// The value, or its masked form ([`mask`]) when it is or may be a secret. Cut at 200
    /// characters.
    pub value: String,
    /// Length in characters.
    pub len: usize,
    /// Shannon entropy in bits per character.
    pub entropy: f64,
    /// Why the value is a secret: `private-key`, `aws-access-key-id`, `github-token`,
    /// `url-password`, `named-secret` (a high-entropy value bound to a secret-like name),
    /// or empty.
    pub secret: String,
    /// A well-known default password bound to a password-like name.
    pub default_password: bool,
    /// URL scheme (`http`, `mqtt`...) when the value is a URL, lowercase.
    pub scheme: String,
    /// URL host, lowercase, without port.
    pub host: String,
    /// The URL host or IP is loopback, unspecified or `localhost`.
    pub local: bool,
    /// The value is an IP address (or socket address), or the URL host is one.
    pub ip: String,
    /// `loopback`, `private`, `link_local`, `unspecified`, `documentation`, `multicast`,
    /// `public`, or empty.
    pub ip_scope: String,
}

pub(crate) fn ip_scope(ip: &IpAddr) -> &'static str {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            if v4.is_loopback() {
                "loopback"
            } else if v4.is_unspecified() {
                "unspecified"
            } else if v4.is_private() || (o[0] == 100 && (64..128).contains(&o[1])) {
                "private"
            } else if v4.is_link_local() {
                "link_local"
            } else if v4.is_documentation() {
                "documentation"
            } else if v4.is_multicast() || v4.is_broadcast() {
                "multicast"
            } else {
                "public"
            }
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            if v6.is_loopback() {
                "loopback"
            } else if v6.is_unspecified() {
                "unspecified"
            } else if (s[0] & 0xfe00) == 0xfc00 {
                "private"
            } else if (s[0] & 0xffc0) == 0xfe80 {
                "link_local"
            } else if s[0] == 0x2001 && s[1] == 0x0db8 {
                "documentation"
            } else if v6.is_multicast() {
                "multicast"
            } else {
                "public"
            }
        }
    }
}

/// `2.5.4.3` is an IPv4 address and also an object identifier (X.500 commonName): a bare
/// dotted quad starting with 0, 1 or 2 counts as an address only when the name it is
/// bound to is about networks.
fn looks_like_oid(ip: &IpAddr, value: &str, binding: &str) -> bool {
    let IpAddr::V4(v4) = ip else { return false };
    if v4.octets()[0] > 2 || value.contains(':') {
        return false;
    }
    !words(binding).iter().any(|w| {
        matches!(
            w.as_str(),
            "ip" | "addr"
                | "host"
                | "server"
                | "dns"
                | "broker"
                | "gateway"
                | "peer"
                | "remote"
                | "endpoint"
                | "resolver"
                | "nameserver"
                | "connect"
                | "bind"
                | "parse"
        )
    })
}

fn parse_ip(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        // Dotted version numbers ("1.2.3.4") are rare but possible; four parts are required.
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<std::net::SocketAddr>() {
        return Some(sa.ip());
    }
    let trimmed = s.trim_start_matches('[').trim_end_matches(']');
    trimmed.parse::<IpAddr>().ok()
}

/// Classifies a string literal bound to `binding` (the variable, constant, field or
/// callee it is given to; empty when none).
pub fn classify_literal(value: &str, binding: &str) -> LiteralFact {
    let len = value.chars().count();
    let ent = entropy(value);
    // The same token patterns (and allow-list) as the secret rules on file content.
    let mut secret = crate::targets::secret::token_kind(value)
        .map(str::to_string)
        .unwrap_or_default();
    let (scheme, host, userinfo) = split_url(value);
    if secret.is_empty() && userinfo.contains(':') {
        let pass = userinfo.split_once(':').map(|(_, p)| p).unwrap_or("");
        if !pass.is_empty() && !pass.starts_with('{') && !pass.starts_with('$') {
            secret = "url-password".into();
        }
    }
    let secret_name = is_secret_name(binding) && !names_a_reference(binding);
    if secret.is_empty() && secret_name && looks_like_secret_value(value, len, ent) {
        secret = "named-secret".into();
    }
    let default_password = is_password_slot(binding) && is_default_password(value);
    let ip = if !host.is_empty() {
        parse_ip(&host)
    } else {
        parse_ip(value).filter(|ip| !looks_like_oid(ip, value, binding))
    };
    let (ip, scope) = match ip {
        Some(ip) => (ip.to_string(), ip_scope(&ip).to_string()),
        None => (String::new(), String::new()),
    };
    let local = host == "localhost"
        || host.ends_with(".localhost")
        || matches!(scope.as_str(), "loopback" | "unspecified");
    let shown = if !secret.is_empty() || secret_name || default_password {
        mask(value)
    } else {
        value.chars().take(200).collect()
    };
    LiteralFact {
        value: shown,
        len,
        entropy: (ent * 100.0).round() / 100.0,
        secret,
        default_password,
        scheme,
        host,
        local,
        ip,
        ip_scope: scope,
    }
}

/// A value bound to a secret-like name that looks like a real secret rather than a label,
/// a placeholder or an environment variable name.
fn looks_like_secret_value(value: &str, len: usize, ent: f64) -> bool {
    len >= 8
        && ent >= 3.0
        && !value.chars().any(|c| c.is_whitespace())
        && !value.contains('{')
        && !value.contains('$')
        && !value.contains('<')
        && !value.contains('/')
        && !value.contains("://")
        && !is_env_var_name(value)
        && !value.contains('\\')
        // Words glued in CamelCase (`SeAssignPrimaryTokenPrivilege`) name things; secrets
        // mix in digits or symbols.
        && value.chars().any(|c| !c.is_ascii_alphabetic())
        && !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'-' || b == b'.')
}

/// `MQTT_PASSWORD`, `APIKEY`: the name of an environment variable or setting, not a
/// value. Pure hexadecimal (`8F3A9C2B...`) is a key, not a name.
fn is_env_var_name(value: &str) -> bool {
    value.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        && !value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// (scheme, host, userinfo) of a URL-shaped literal, lowercase scheme and host.
fn split_url(value: &str) -> (String, String, String) {
    let Some((scheme, rest)) = value.split_once("://") else {
        return Default::default();
    };
    if scheme.is_empty()
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
    {
        return Default::default();
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (u.to_string(), h),
        None => (String::new(), authority),
    };
    let host = if let Some(r) = hostport.strip_prefix('[') {
        r.split(']').next().unwrap_or("").to_string()
    } else {
        hostport.split(':').next().unwrap_or("").to_string()
    };
    (
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase(),
        userinfo,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifier_words() {
        assert_eq!(words("licencePlate"), vec!["licence", "plate"]);
        assert_eq!(words("LICENCE_PLATE"), vec!["licence", "plate"]);
        assert_eq!(words("imei"), vec!["imei"]);
    }

    #[test]
    fn personal_categories() {
        assert_eq!(
            personal_category("licence_plate", None),
            Some("vehicle_identifier")
        );
        assert_eq!(personal_category("plate", None), Some("vehicle_identifier"));
        assert_eq!(personal_category("template", None), None);
        assert_eq!(personal_category("hmac", None), None);
        assert_eq!(personal_category("mac", None), Some("device_identifier"));
        assert_eq!(personal_category("name", None), None);
        assert_eq!(
            personal_category("name", Some("user")),
            Some("identification")
        );
        assert_eq!(personal_category("position", None), None);
        assert_eq!(personal_category("lat", None), Some("location"));
        assert_eq!(personal_category("email", None), Some("contact"));
        assert_eq!(personal_category("mailbox", None), None);
    }

    #[test]
    fn literals() {
        let l = classify_literal("mqtt://broker.example.net:1883", "url");
        assert_eq!(
            (l.scheme.as_str(), l.host.as_str()),
            ("mqtt", "broker.example.net")
        );
        assert!(!l.local);
        let l = classify_literal("http://127.0.0.1:8080/x", "");
        assert!(l.local);
        assert_eq!(l.ip_scope, "loopback");
        let l = classify_literal("S3cr3t-Mqtt-2024!", "set_credentials");
        assert_eq!(l.secret, "named-secret");
        assert!(!l.value.contains("Mqtt"));
        let l = classify_literal("admin", "password");
        assert!(l.default_password);
        assert_eq!(l.secret, "");
        let l = classify_literal("MQTT_PASSWORD", "password_env");
        assert_eq!(l.secret, "");
        let l = classify_literal("mqtt://gw:hunter22@10.0.0.2", "");
        assert_eq!(l.secret, "url-password");
        assert_eq!(l.ip_scope, "private");
        assert!(!l.value.contains("hunter22"));
    }
}
