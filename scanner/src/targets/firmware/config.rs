//! Settings read from configuration files and shell scripts of a firmware (target
//! `config`): SSH server settings (`sshd_config`, and dropbear's command-line options
//! translated to their `sshd_config` equivalent), SNMP communities (`snmpd.conf`), and
//! script or configuration lines that download updates in clear text, pipe a download
//! into a shell, turn TLS verification off, install an update or check a signature.
//!
//! One fact per line of interest, never per line of every file: `sshd_config`
//! directives, `snmpd.conf` community lines, and lines where one of the flags below is
//! set. Credentials in URLs (`http://user:secret@host/`) and SNMP communities other
//! than well-known defaults are masked.

use super::filesystem::Lined;
use regex::Regex;
use serde::Serialize;
use std::sync::OnceLock;

/// One setting or script line.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ConfigFact {
    /// Where it comes from: `sshd_config`, `dropbear` (options of a dropbear start-up
    /// line, translated: no `-w`/`-g` gives `PermitRootLogin yes`, no `-s` gives
    /// `PasswordAuthentication yes`), `snmpd.conf`, `script` (shell script: first line
    /// `#!...sh`, a `.sh` name, or a start-up file) or `config` (other configuration
    /// file).
    pub file: &'static str,
    /// Directive (`PermitRootLogin`, `rocommunity`), or for scripts and other files the
    /// first word of the line (`wget`, `option`, `SERVER=...`).
    pub directive: String,
    /// Value of the directive; for scripts and other files the whole line, trimmed,
    /// with URL credentials masked.
    pub value: String,
    /// A clear-text URL on the line (`http://`, `ftp://`, `tftp://`, or a `tftp`
    /// command), credentials masked; empty when none. URLs to `localhost` and
    /// `127.0.0.1` do not count.
    pub cleartext_url: String,
    /// The line is about firmware updates: it mentions firmware, upgrade, update, OTA,
    /// `sysupgrade` or an image file (`.bin`, `.img`, `.trx`, `.swu`, `.itb`), or the
    /// file's own name does.
    pub update_related: bool,
    /// A download piped into a shell (`wget -O- URL | sh`, `curl -s URL | bash`).
    pub pipe_to_shell: bool,
    /// TLS server verification turned off: `curl -k`/`--insecure`,
    /// `wget --no-check-certificate`, or a setting such as `ssl_verify=0`,
    /// `verify_peer=false`, `tls_insecure true`, `insecure: true`.
    pub tls_verify_disabled: bool,
    /// A script line that writes a firmware image or installs an update: `sysupgrade`,
    /// `mtd ... write`, `flashcp`, `nandwrite`, `ubiupdatevol`, `dd ... of=/dev/mtd*`
    /// (or `mmcblk*`, `ubi*`), `swupdate`, `rauc install`, `fw_update`, `fwupdate`.
    pub installs_update: bool,
    /// The line checks a signature: `openssl dgst|smime|cms|pkeyutl ... -verify`,
    /// `usign -V`, `signify -V`, `minisign -V`, `gpg --verify`, `gpgv`, `swupdate -k`,
    /// `rauc` (which always checks bundle signatures), or a FIT configuration with
    /// `required = "conf"` / `"image"`.
    pub verifies_signature: bool,
    /// For `snmpd.conf` community lines (`rocommunity`, `rwcommunity`, `com2sec` and
    /// their IPv6 forms): the community, masked unless it is a well-known default.
    pub snmp_community: String,
    /// The community is a well-known default (`public`, `private`, `community`,
    /// `admin`, `snmp`, `default`).
    pub snmp_default_community: bool,
    /// The community grants write access (`rwcommunity`, `rwcommunity6`).
    pub snmp_write: bool,
    /// A retention setting: how long recordings, events or logs are kept
    /// (`record_days=60`, `retention: 30d`, `max_age_hours = 48`, `keep_days 14`), as
    /// the name of the setting; empty for other lines.
    pub retention_setting: String,
    /// For a retention setting: the duration in whole days (rounded up), from a unit in
    /// the value (`30d`, `48h`, `2w`, `1y`) or in the name (`_days`, `_hours`); 0 when
    /// the value says no limit.
    pub retention_days: i64,
    /// For a retention setting: the value says nothing is ever deleted (`never`,
    /// `unlimited`, `forever`, `infinite`, `indefinite`).
    pub retention_unlimited: bool,
}

const DEFAULT_COMMUNITIES: &[&str] =
    &["public", "private", "community", "admin", "snmp", "default"];

/// How a file's lines are read, from its path and first bytes.
pub fn file_kind(path: &str, text: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name == "sshd_config" {
        "sshd_config"
    } else if name == "snmpd.conf" {
        "snmpd.conf"
    } else if text.starts_with("#!")
        || name.ends_with(".sh")
        || super::filesystem::is_boot_file(path)
    {
        "script"
    } else {
        "config"
    }
}

fn re(cell: &'static OnceLock<Option<Regex>>, pat: &str) -> Option<&'static Regex> {
    cell.get_or_init(|| Regex::new(pat).ok()).as_ref()
}

fn url_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(&R, r#"(?i)\b(?:https?|ftp|tftp)://[^\s'"<>;|)]+"#)
}

fn pipe_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r"(?i)\b(?:wget|curl|uclient-fetch)\b[^|]*\|\s*(?:sudo\s+)?(?:\S*/)?(?:busybox\s+)?(?:ba|a|da|z|k)?sh\b",
    )
}

fn tls_off_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"(?i)\b(?:ssl[_-]?verify(?:[_-]?peer|[_-]?host)?|verify[_-]?peer|verify[_-]?ssl|tls[_-]?verify|check[_-]?certificate|verify[_-]?cert(?:ificate)?|ssl[_-]?check|sslverify)\b["']?\s*(?:=>|=|:|\s)\s*["']?(?:0|false|no|off|none)\b"#,
    )
}

fn tls_insecure_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"(?i)\b(?:tls[_-]?insecure|ssl[_-]?insecure|bridge[_-]?insecure|insecure[_-]?skip[_-]?verify|insecure)\b["']?\s*(?:=>|=|:|\s)\s*["']?(?:1|true|yes|on)\b"#,
    )
}

fn install_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r"(?i)(?:^|[\s;&|(`])(?:\S*/)?(?:sysupgrade|flashcp|nandwrite|ubiupdatevol|swupdate|fw_update|fwupdate)\b|\bmtd\b(?:\s+-\S+)*\s+write\b|\bdd\b[^;|&]*\bof=/dev/(?:mtd|mmcblk|ubi)|\brauc\s+install\b",
    )
}

fn verify_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"\bopenssl\s+(?:dgst|smime|cms|pkeyutl)\b[^;|&]*\s-verify\b|\b(?:usign|signify|minisign)\b[^;|&]*\s-V\b|\bgpg2?\b[^;|&]*\s--verify\b|\bgpgv2?\b|\bswupdate\b[^;|&]*\s-k\s|\brauc\b|\brequired\s*=\s*"(?:conf|image)""#,
    )
}

/// Masks the password of `scheme://user:password@host` URLs.
fn mask_url_credentials(s: &str) -> String {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    match re(&R, r"(?i)(\b[a-z][a-z0-9+.-]*://[^/\s:@]+):[^@\s/]+@") {
        Some(r) => r.replace_all(s, "$1:****@").into_owned(),
        None => s.to_string(),
    }
}

/// A masked value: its first characters and a short hash (as secrets are shown
/// everywhere in reports).
fn mask(value: &str) -> String {
    crate::targets::source::vocab::mask(value)
}

fn cleartext_url(line: &str) -> String {
    if let Some(r) = url_re() {
        for m in r.find_iter(line) {
            let u = m.as_str();
            let lower = u.to_ascii_lowercase();
            if lower.starts_with("https://") {
                continue;
            }
            let host = lower
                .split("://")
                .nth(1)
                .unwrap_or("")
                .rsplit('@')
                .next()
                .unwrap_or("");
            if host.starts_with("localhost")
                || host.starts_with("127.0.0.1")
                || host.starts_with("[::1]")
            {
                continue;
            }
            return mask_url_credentials(u);
        }
    }
    // busybox `tftp -g -r fw.bin 192.0.2.1`, `atftp --get ...`
    let mut words = line.split_whitespace();
    while let Some(w) = words.next() {
        let b = w.rsplit('/').next().unwrap_or(w);
        if matches!(b, "tftp" | "atftp" | "curl-tftp") {
            let rest: Vec<&str> = words.collect();
            return format!("tftp {}", rest.join(" "));
        }
    }
    String::new()
}

const UPDATE_WORDS: &[&str] = &[
    "firmware",
    "upgrade",
    "update",
    "ota",
    "sysupgrade",
    "fw_",
    "fwupd",
    ".bin",
    ".img",
    ".trx",
    ".swu",
    ".itb",
    "flash",
];

fn update_word(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    UPDATE_WORDS.iter().any(|w| l.contains(w))
}

/// `curl` with `-k`/`--insecure`, `wget` with `--no-check-certificate`.
fn tool_insecure(line: &str) -> bool {
    let mut tool = "";
    for w in line.split_whitespace() {
        let w = w.trim_matches(|c| c == '"' || c == '\'' || c == '`' || c == '(');
        let b = w.rsplit('/').next().unwrap_or(w);
        match b {
            "curl" | "wget" | "uclient-fetch" => tool = b,
            "|" | ";" | "&&" | "||" => tool = "",
            _ => {}
        }
        let insecure = match tool {
            "curl" => {
                w == "--insecure"
                    || (w.starts_with('-')
                        && !w.starts_with("--")
                        && w.len() > 1
                        && w[1..].chars().all(|c| c.is_ascii_alphabetic())
                        && w.contains('k'))
            }
            "wget" | "uclient-fetch" => w == "--no-check-certificate",
            _ => false,
        };
        if insecure {
            return true;
        }
    }
    false
}

/// `-w` (no root login), `-g` (no root password login) and `-s` (no password login)
/// of a dropbear command line, as `sshd_config` settings. `None` when the options
/// come from a variable (`dropbear $DROPBEAR_ARGS`) and cannot be read.
fn dropbear_settings(command: &str) -> Option<[(String, String); 2]> {
    if command.contains('$') {
        return None;
    }
    let args: Vec<&str> = command.split_whitespace().collect();
    let start = args
        .iter()
        .position(|a| a.rsplit('/').next() == Some("dropbear"))?;
    let mut flags = String::new();
    for a in &args[start + 1..] {
        if let Some(f) = a.strip_prefix('-').filter(|f| !f.starts_with('-')) {
            flags.push_str(f);
        }
    }
    let no_password = flags.contains('s');
    let root = if flags.contains('w') {
        "no"
    } else if flags.contains('g') || no_password {
        "prohibit-password"
    } else {
        "yes"
    };
    Some([
        ("PermitRootLogin".to_string(), root.to_string()),
        (
            "PasswordAuthentication".to_string(),
            if no_password { "no" } else { "yes" }.to_string(),
        ),
    ])
}

fn retention_re() -> Option<&'static Regex> {
    static R: OnceLock<Option<Regex>> = OnceLock::new();
    re(
        &R,
        r#"(?i)^(?:export\s+|option\s+|set\s+)?["']?([a-z0-9_.-]*(?:retention|retain|record_?days|keep_?(?:days|hours|weeks|for)|days_?to_?keep|max_?age|storage_?days|history_?days|expire_?(?:days|after)|expiry|purge_?(?:days|after)|delete_?after|conservation|duree_?conservation)[a-z0-9_.-]*)["']?\s*(?:=|:|\s)\s*["']?([0-9]{1,6}\s*[a-z]*|never|unlimited|forever|infinite|indefinite)["']?\s*(?:[#;].*)?$"#,
    )
}

/// Seconds per unit: of a value's suffix (`30d`, `48 h`) or of a setting name's last
/// unit word (`record_days`, `max_age_hours`).
fn unit_seconds(unit: &str) -> Option<i64> {
    match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => Some(1),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(60),
        "h" | "hour" | "hours" => Some(3_600),
        "d" | "day" | "days" | "j" | "jours" => Some(86_400),
        "w" | "week" | "weeks" => Some(604_800),
        "y" | "year" | "years" | "an" | "ans" => Some(31_536_000),
        _ => None,
    }
}

/// A retention setting on a line: its name, its days (rounded up) and whether it says
/// no limit. `None` when the line sets none, or its unit cannot be told (`keep=30`)
/// or its value is 0 (which means "off" for some programs and "no limit" for others).
fn retention(line: &str) -> Option<(String, i64, bool)> {
    let c = retention_re()?.captures(line)?;
    let name = c.get(1)?.as_str().to_string();
    let value = c.get(2)?.as_str().to_ascii_lowercase();
    if value.starts_with(|ch: char| ch.is_ascii_alphabetic()) {
        return Some((name, 0, true));
    }
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    let n: i64 = digits.parse().ok()?;
    let suffix = value[digits.len()..].trim();
    let per = if suffix.is_empty() {
        let lower = name.to_ascii_lowercase();
        lower
            .split(|ch: char| !ch.is_ascii_alphanumeric())
            .rev()
            .find_map(unit_seconds)
            .or_else(|| lower.ends_with("days").then_some(86_400))?
    } else {
        unit_seconds(suffix)?
    };
    if n == 0 {
        return None;
    }
    Some((name, (n * per + 86_399) / 86_400, false))
}

/// Settings and flagged lines of one file, by its path inside the image (or on disk).
pub fn config_lines(path: &str, text: &str) -> Vec<Lined<ConfigFact>> {
    let kind = file_kind(path, text);
    let name_update = update_word(path.rsplit('/').next().unwrap_or(path));
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') || t.starts_with("//") {
            continue;
        }
        let mut words = t.split_whitespace();
        let first = words.next().unwrap_or("").to_string();
        let rest = words.collect::<Vec<_>>().join(" ");
        match kind {
            "sshd_config" => {
                let (k, v) = match t.split_once('=') {
                    Some((k, v)) if !k.trim().contains(' ') => {
                        (k.trim().to_string(), v.trim().to_string())
                    }
                    _ => (first, rest),
                };
                out.push((
                    n,
                    ConfigFact {
                        file: kind,
                        directive: k,
                        value: v,
                        ..ConfigFact::default()
                    },
                ));
                continue;
            }
            "snmpd.conf" => {
                let lower = first.to_ascii_lowercase();
                let args: Vec<&str> = rest.split_whitespace().collect();
                // com2sec NAME SOURCE COMMUNITY; [rw|ro]community[6] COMMUNITY [SOURCE ...]
                let community = match lower.as_str() {
                    "rocommunity" | "rwcommunity" | "rocommunity6" | "rwcommunity6" => args.first(),
                    "com2sec" | "com2sec6" => args
                        .iter()
                        .rev()
                        .find(|a| !a.starts_with('-'))
                        .filter(|_| args.len() >= 3),
                    _ => None,
                };
                if let Some(c) = community {
                    let default = DEFAULT_COMMUNITIES.contains(&c.to_ascii_lowercase().as_str());
                    out.push((
                        n,
                        ConfigFact {
                            file: kind,
                            directive: first.clone(),
                            value: if default { rest.clone() } else { mask(&rest) },
                            snmp_community: if default { c.to_string() } else { mask(c) },
                            snmp_default_community: default,
                            snmp_write: lower.starts_with("rw"),
                            ..ConfigFact::default()
                        },
                    ));
                }
                continue;
            }
            _ => {}
        }
        if kind == "script"
            && let Some(d) = super::filesystem::started_daemon(t)
            && d == "dropbear"
            && let Some(settings) = dropbear_settings(t)
        {
            for (k, v) in settings {
                out.push((
                    n,
                    ConfigFact {
                        file: "dropbear",
                        directive: k,
                        value: v,
                        ..ConfigFact::default()
                    },
                ));
            }
        }
        let url = cleartext_url(t);
        let pipe = pipe_re().is_some_and(|r| r.is_match(t));
        let tls_off = tool_insecure(t)
            || tls_off_re().is_some_and(|r| r.is_match(t))
            || tls_insecure_re().is_some_and(|r| r.is_match(t));
        let installs = kind == "script" && install_re().is_some_and(|r| r.is_match(t));
        let verifies = verify_re().is_some_and(|r| r.is_match(t));
        let kept = retention(t);
        if url.is_empty() && !pipe && !tls_off && !installs && !verifies && kept.is_none() {
            continue;
        }
        let (retention_setting, retention_days, retention_unlimited) = kept.unwrap_or_default();
        out.push((
            n,
            ConfigFact {
                file: kind,
                directive: mask_url_credentials(&first),
                value: mask_url_credentials(t),
                update_related: name_update || update_word(t),
                cleartext_url: url,
                pipe_to_shell: pipe,
                tls_verify_disabled: tls_off,
                installs_update: installs,
                verifies_signature: verifies,
                retention_setting,
                retention_days,
                retention_unlimited,
                ..ConfigFact::default()
            },
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(path: &str, text: &str) -> Vec<ConfigFact> {
        config_lines(path, text)
            .into_iter()
            .map(|(_, f)| f)
            .collect()
    }

    #[test]
    fn cleartext_update_and_pipe_to_shell() {
        let v = one(
            "usr/sbin/fw-update.sh",
            "#!/bin/sh\nURL=http://user:s3cret@upd.example.com/fw.bin\nwget -O- https://get.example.com/i | sh\necho ok\n",
        );
        assert_eq!(v.len(), 2, "{v:?}");
        assert_eq!(
            v[0].cleartext_url,
            "http://user:****@upd.example.com/fw.bin"
        );
        assert!(v[0].update_related && !v[0].value.contains("s3cret"));
        assert!(v[1].pipe_to_shell && v[1].cleartext_url.is_empty());
        let local = one("etc/x.conf", "url=http://127.0.0.1:8080/status\n");
        assert!(local.is_empty());
    }

    #[test]
    fn tls_verification_switches() {
        let v = one(
            "etc/init.d/S60cloud",
            "curl -sk https://a.example/x\nwget --no-check-certificate https://b\ncurl -s https://c\n",
        );
        assert_eq!(v.iter().filter(|f| f.tls_verify_disabled).count(), 2);
        let c = one(
            "etc/config/cloud",
            "option verify_peer '0'\nssl_verify = true\ntls_insecure true\n",
        );
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(
            c.iter()
                .all(|f| f.tls_verify_disabled && f.file == "config")
        );
    }

    #[test]
    fn update_install_and_signature_check() {
        let v = one(
            "lib/upgrade/do.sh",
            "#!/bin/sh\nusign -V -m /tmp/fw.bin -P /etc/keys\nmtd -r write /tmp/fw.bin firmware\ncat x | dd of=/dev/mtdblock3\n",
        );
        assert!(v[0].verifies_signature && !v[0].installs_update);
        assert!(v[1].installs_update && v[2].installs_update);
    }

    #[test]
    fn retention_settings() {
        let v = one(
            "etc/nvr.conf",
            "record_days=60\nmax_age_hours = 36\nretention: 2w\nevent_retention never\nkeep=30\nrecord_days=0\npoll_interval=3600\n",
        );
        let got: Vec<(&str, i64, bool)> = v
            .iter()
            .map(|f| {
                (
                    f.retention_setting.as_str(),
                    f.retention_days,
                    f.retention_unlimited,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("record_days", 60, false),
                ("max_age_hours", 2, false),
                ("retention", 14, false),
                ("event_retention", 0, true)
            ]
        );
        assert!(one("etc/x.conf", "retention_policy=strict\n").is_empty());
    }

    #[test]
    fn sshd_snmp_and_dropbear() {
        let s = one(
            "etc/ssh/sshd_config",
            "# c\nPermitRootLogin yes\nProtocol=1\n",
        );
        assert_eq!(
            (s[0].directive.as_str(), s[0].value.as_str()),
            ("PermitRootLogin", "yes")
        );
        assert_eq!(
            (s[1].directive.as_str(), s[1].value.as_str()),
            ("Protocol", "1")
        );
        let n = one(
            "etc/snmp/snmpd.conf",
            "rocommunity public 10.0.0.0/8\nrwcommunity Xk93-lamp\nsysLocation rue\n",
        );
        assert_eq!(n.len(), 2);
        assert!(n[0].snmp_default_community && n[0].snmp_community == "public");
        assert!(n[1].snmp_write && !n[1].snmp_community.contains("Xk93-lamp"));
        let d = one(
            "etc/init.d/S50dropbear",
            "#!/bin/sh\n/usr/sbin/dropbear -R -p 22\n",
        );
        assert_eq!(d[0].file, "dropbear");
        assert_eq!(d[0].value, "yes");
        let d = one(
            "etc/init.d/S50dropbear",
            "#!/bin/sh\n/usr/sbin/dropbear -s -g\n",
        );
        assert_eq!(d[0].value, "prohibit-password");
        assert!(one("etc/init.d/S50dropbear", "dropbear $ARGS\n").is_empty());
    }
}
