//! File-system facts: accounts (target `account`), services started at boot (target
//! `boot_service`) and notable files (target `file`).
//!
//! Inputs are system files known by their path (`etc/passwd`, `etc/shadow`,
//! `etc/inittab`, init scripts, systemd units, `inetd.conf`), read together when they
//! come from one image so an account joins its `passwd` and `shadow` lines.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// Passwords tried against every hash: common vendor and botnet-dictionary defaults
/// (ETSI EN 303 645 5.1 forbids universal defaults). Kept short: verifying a SHA-512
/// crypt hash costs 5,000 rounds per guess.
pub const DEFAULT_PASSWORDS: &[&str] = &[
    "admin", "root", "1234", "12345", "123456", "password", "default", "toor", "pass", "changeme",
    "support", "user", "guest", "admin123", "vizxv", "xc3511", "888888", "666666", "ubnt",
    "service", "tech", "system", "private", "public", "",
];

/// One account of `/etc/passwd`, joined with its `/etc/shadow` line.
#[derive(Debug, Clone, Serialize)]
pub struct AccountFact {
    /// Login name.
    pub user: String,
    /// Numeric uid from `passwd` (-1 when only `shadow` was read).
    pub uid: i64,
    /// Login shell from `passwd` (empty when unknown).
    pub shell: String,
    /// The shell lets someone log in: not `nologin`, `false`, `sync`, `halt`,
    /// `shutdown`, and not empty in `passwd` (an empty shell means `/bin/sh`). True when
    /// `passwd` was not read.
    pub login_shell: bool,
    /// Where the password field comes from: `shadow`, or `passwd` when the hash is in
    /// `/etc/passwd` itself (no shadowing).
    pub password_source: &'static str,
    /// The password field is empty: login without a password.
    pub empty_password: bool,
    /// The field starts with `!` or `*`: password login disabled.
    pub locked: bool,
    /// Hash scheme from the `crypt(3)` prefix: `des` (13 chars, no prefix), `md5` (`$1$`),
    /// `sha256` (`$5$`), `sha512` (`$6$`), `yescrypt` (`$y$`), `bcrypt` (`$2a$`/`$2b$`/
    /// `$2y$`), `none` (empty or locked) or `unknown`.
    pub scheme: &'static str,
    /// The hash verifies against one of [`DEFAULT_PASSWORDS`] (checked with `pwhash`
    /// for des/md5/sha256/sha512/bcrypt; yescrypt is not checked).
    pub default_password: bool,
    /// The matching default password, masked: its first character and its length
    /// (`a****`), never the value.
    pub default_password_hint: String,
    /// SHA-256 of the whole password field (salt + hash): the same value in two images
    /// means the same password with the same salt, a universal password.
    pub hash_id: String,
    /// uid 0 under another name than `root` (a second superuser).
    pub extra_superuser: bool,
    /// Other images where `hash_id` appears for the same user (filled after all images
    /// are read).
    pub reused_in: Vec<String>,
    /// The outermost file of the image (empty for a loose file).
    pub image: String,
}

/// A program started at boot.
#[derive(Debug, Clone, Serialize)]
pub struct BootServiceFact {
    /// Program name (basename; `busybox telnetd` gives `telnetd`).
    pub program: String,
    /// The command line as written.
    pub command: String,
    /// `inittab`, `init.d` (init and rc scripts, `rc.local`), `systemd` or `inetd`.
    pub via: &'static str,
    /// For `inittab`: the terminal field (`ttyS0`, empty for the console).
    pub tty: String,
    /// For `inittab`: the action (`respawn`, `askfirst`, `sysinit`, ...).
    pub action: String,
    /// A shell started directly on a terminal or the console from `inittab`
    /// (`ttyS0::respawn:-/bin/sh`), or a getty with `-n -l /bin/sh`: a shell
    /// without login on the serial port.
    pub shell_without_login: bool,
    /// `telnetd` or `utelnetd` (also under `busybox` or inetd).
    pub telnet: bool,
    /// A debugging or capture tool (`gdbserver`, `strace`, `tcpdump`, `nc -e`/`nc -l`).
    pub debug_tool: bool,
    /// A network server: Telnet, FTP, TFTP, SSH, HTTP (`httpd`, `lighttpd`, `uhttpd`,
    /// `nginx`, `boa`, `goahead`, `thttpd`, `mini_httpd`), UPnP (`miniupnpd`), SNMP,
    /// MQTT (`mosquitto`), DNS/DHCP (`dnsmasq`) or `inetd`.
    pub network_daemon: bool,
    /// How the program leaves root: the option seen (`-u nobody`,
    /// `start-stop-daemon -c www`, `User=lamp` in the systemd unit, the user field of
    /// `inetd.conf`), `built-in` for servers that switch users on their own or must
    /// keep root by design (`sshd`, `dropbear`, `dnsmasq`, `mosquitto`, `nginx`,
    /// `vsftpd`, `inetd`), or empty when nothing drops privileges.
    pub privilege_drop: String,
}

/// A file worth a fact: special permissions, keys, debug tools.
#[derive(Debug, Clone, Serialize)]
pub struct FileFact {
    /// Virtual path (`fw.squashfs!/etc/ssl/key.pem`), or the path on disk.
    pub path: String,
    /// File name.
    pub name: String,
    /// Permission bits, octal (`4755`).
    pub mode: String,
    /// Owner uid.
    pub uid: u32,
    /// `S_ISUID` (04000).
    pub setuid: bool,
    /// `S_ISGID` (02000).
    pub setgid: bool,
    /// Writable by everyone (`o+w`, 0002) and not a symlink.
    pub world_writable: bool,
    /// PEM private key armour (`-----BEGIN ... PRIVATE KEY-----`) or OpenSSH key.
    pub private_key: bool,
    /// The key is passphrase-protected (`ENCRYPTED PRIVATE KEY`, `Proc-Type: 4,ENCRYPTED`,
    /// or an OpenSSH key with a cipher other than `none`).
    pub private_key_encrypted: bool,
    /// An `authorized_keys` file: number of keys in it.
    pub authorized_keys: usize,
    /// A debugging tool by file name: `gdbserver`, `strace`, `ltrace`, `tcpdump`,
    /// `devmem`, `devmem2`.
    pub debug_tool: bool,
}

fn scheme(field: &str) -> &'static str {
    if field.is_empty() || field.starts_with('!') || field.starts_with('*') {
        "none"
    } else if field.starts_with("$1$") {
        "md5"
    } else if field.starts_with("$5$") {
        "sha256"
    } else if field.starts_with("$6$") {
        "sha512"
    } else if field.starts_with("$y$") || field.starts_with("$7$") {
        "yescrypt"
    } else if field.starts_with("$2") {
        "bcrypt"
    } else if field.len() == 13 && !field.starts_with('$') {
        "des"
    } else {
        "unknown"
    }
}

/// Most SHA-crypt rounds and highest bcrypt cost tried against the default passwords.
/// An image chooses its hashes: `rounds=999999999` or cost 31 would make every guess
/// take minutes, so such a hash is not tried (it is no default-password hash anyway).
const MAX_SHA_ROUNDS: u64 = 100_000;
const MAX_BCRYPT_COST: u64 = 14;

/// Whether `field` is a crypt(3) string that can be tried at bounded cost: only crypt
/// characters (a control character made the hash decoder overflow), and rounds or cost
/// within the limits above.
fn affordable(field: &str, scheme: &str) -> bool {
    if !field
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"./$=".contains(&b))
    {
        return false;
    }
    let param = |s: &str| s.parse::<u64>().unwrap_or(u64::MAX);
    let mut parts = field.split('$').skip(2);
    match scheme {
        "sha256" | "sha512" => parts
            .next()
            .and_then(|p| p.strip_prefix("rounds="))
            .is_none_or(|r| param(r) <= MAX_SHA_ROUNDS),
        "bcrypt" => parts.next().is_some_and(|c| param(c) <= MAX_BCRYPT_COST),
        _ => true,
    }
}

fn default_match(field: &str, scheme: &str) -> Option<&'static str> {
    if !matches!(scheme, "des" | "md5" | "sha256" | "sha512" | "bcrypt")
        || !affordable(field, scheme)
    {
        return None;
    }
    DEFAULT_PASSWORDS
        .iter()
        .find(|p| pwhash::unix::verify(p, field))
        .copied()
}

fn mask(p: &str) -> String {
    let mut c = p.chars();
    match c.next() {
        Some(f) => format!("{f}{}", "*".repeat(c.count())),
        None => "(empty)".into(),
    }
}

fn hash_id(field: &str) -> String {
    hex::encode(&Sha256::digest(field.as_bytes())[..16])
}

/// A line of a system file, with its 1-based number.
pub type Lined<T> = (u32, T);

/// Accounts from `passwd` and `shadow` contents (either may be missing). Returns each
/// account with the file (`passwd` or `shadow`) and line that holds its password field.
pub fn accounts(
    passwd: Option<&str>,
    shadow: Option<&str>,
    image: &str,
) -> Vec<(bool, Lined<AccountFact>)> {
    struct Pw {
        line: u32,
        uid: i64,
        shell: String,
        field: String,
    }
    let mut pw: Vec<(String, Pw)> = Vec::new();
    for (i, l) in passwd.unwrap_or("").lines().enumerate() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() < 7 || l.trim_start().starts_with('#') {
            continue;
        }
        pw.push((
            f[0].to_string(),
            Pw {
                line: i as u32 + 1,
                uid: f[2].parse().unwrap_or(-1),
                shell: f[6].trim().to_string(),
                field: f[1].to_string(),
            },
        ));
    }
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    let make = |user: &str, field: &str, source: &'static str, p: Option<&Pw>| {
        let sch = scheme(field);
        let dm = default_match(field, sch);
        let shell = p.map(|p| p.shell.clone()).unwrap_or_default();
        let base = shell.rsplit('/').next().unwrap_or("");
        let login_shell =
            p.is_none() || !matches!(base, "nologin" | "false" | "sync" | "halt" | "shutdown");
        let uid = p.map(|p| p.uid).unwrap_or(-1);
        AccountFact {
            user: user.to_string(),
            uid,
            shell,
            login_shell,
            password_source: source,
            empty_password: field.is_empty(),
            locked: field.starts_with('!') || field.starts_with('*'),
            scheme: sch,
            default_password: dm.is_some(),
            default_password_hint: dm.map(mask).unwrap_or_default(),
            hash_id: if field.is_empty() || sch == "none" {
                String::new()
            } else {
                hash_id(field)
            },
            extra_superuser: uid == 0 && user != "root",
            reused_in: Vec::new(),
            image: image.to_string(),
        }
    };
    for (i, l) in shadow.unwrap_or("").lines().enumerate() {
        let f: Vec<&str> = l.split(':').collect();
        if f.len() < 2 || l.trim_start().starts_with('#') {
            continue;
        }
        let p = pw.iter().find(|(u, _)| u == f[0]).map(|(_, p)| p);
        seen.insert(f[0].to_string());
        out.push((true, (i as u32 + 1, make(f[0], f[1], "shadow", p))));
    }
    // Accounts with no shadow line: the password field of passwd counts, unless it is
    // `x` (shadowed, but the shadow line is missing or shadow was not read).
    for (user, p) in &pw {
        if seen.contains(user) || p.field == "x" {
            continue;
        }
        out.push((false, (p.line, make(user, &p.field, "passwd", Some(p)))));
    }
    out
}

/// Programs worth a boot-service fact besides network servers: debugging and
/// capture tools, and gettys (for shells without login).
const OTHER_PROGRAMS: &[&str] = &["gdbserver", "strace", "tcpdump", "nc", "getty", "agetty"];

fn known_program(p: &str) -> bool {
    NETWORK_DAEMONS.contains(&p) || OTHER_PROGRAMS.contains(&p)
}

const NETWORK_DAEMONS: &[&str] = &[
    "telnetd",
    "utelnetd",
    "ftpd",
    "vsftpd",
    "tftpd",
    "in.tftpd",
    "dropbear",
    "sshd",
    "inetd",
    "httpd",
    "lighttpd",
    "uhttpd",
    "miniupnpd",
    "snmpd",
    "mosquitto",
    "dnsmasq",
    "nginx",
    "boa",
    "goahead",
    "thttpd",
    "mini_httpd",
];

/// Servers that switch to an unprivileged user on their own, or must keep root by
/// design (they log users in or start other servers).
const SELF_DROPPING: &[&str] = &[
    "sshd",
    "dropbear",
    "dnsmasq",
    "mosquitto",
    "nginx",
    "vsftpd",
    "inetd",
];

fn is_root(user: &str) -> bool {
    matches!(
        user.trim_matches(|c| c == '"' || c == '\''),
        "root" | "0" | "root:root" | "0:0"
    )
}

/// The option of a command line that runs the program as another user.
fn drop_option(command: &str) -> String {
    let args: Vec<&str> = command.split_whitespace().collect();
    for w in args.windows(2) {
        let opt = w[0];
        let tool = matches!(basename(opt), "setuidgid" | "s6-setuidgid" | "envuidgid");
        if tool && !is_root(w[1]) {
            return format!("{} {}", basename(opt), w[1]);
        }
        // `-c` is start-stop-daemon's `--chuid`; for other programs it names a config.
        let ssd = args.iter().any(|a| basename(a) == "start-stop-daemon");
        let user_opt = matches!(opt, "-u" | "--user" | "--userspec")
            || (ssd && matches!(opt, "-c" | "--chuid"));
        if user_opt && !is_root(w[1]) {
            return format!("{opt} {}", w[1]);
        }
    }
    for a in &args {
        for p in ["--user=", "--chuid=", "--userspec="] {
            if let Some(u) = a.strip_prefix(p)
                && !is_root(u)
            {
                return (*a).to_string();
            }
        }
    }
    String::new()
}

/// A file read for services started at boot: `inittab`, `inetd.conf`, `rc.local`,
/// `rcS`, scripts under `init.d/`, `rc.d/` or `rc*.d/`, systemd units.
pub fn is_boot_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(name, "inittab" | "inetd.conf" | "rc.local" | "rcS")
        || path.contains("init.d/")
        || path.contains("rc.d/")
        || ((path.contains("/rc") || path.starts_with("rc")) && path.contains(".d/"))
        || name.ends_with(".service")
        || name.ends_with(".socket")
}

/// The daemon a shell line starts, ignoring lines that stop, signal or test it.
pub(crate) fn started_daemon(line: &str) -> Option<&str> {
    let stops = ["killall", "kill ", "pidof", "stop", "echo", "test ", "[ "]
        .iter()
        .any(|w| line.starts_with(w));
    if stops {
        return None;
    }
    daemon_in(line)
}

fn basename(s: &str) -> &str {
    let s = s.trim_start_matches('-');
    s.rsplit('/').next().unwrap_or(s)
}

fn service(program: &str, command: &str, via: &'static str) -> BootServiceFact {
    let args: Vec<&str> = command.split_whitespace().collect();
    let getty_shell = matches!(program, "getty" | "agetty")
        && args.contains(&"-n")
        && args
            .windows(2)
            .any(|w| w[0] == "-l" && is_shell(basename(w[1])));
    let nc_exec = program == "nc" && args.iter().any(|a| *a == "-e" || *a == "-l");
    BootServiceFact {
        program: program.to_string(),
        command: command.trim().to_string(),
        via,
        tty: String::new(),
        action: String::new(),
        shell_without_login: getty_shell,
        telnet: matches!(program, "telnetd" | "utelnetd"),
        debug_tool: matches!(program, "gdbserver" | "strace" | "tcpdump") || nc_exec,
        network_daemon: NETWORK_DAEMONS.contains(&program),
        privilege_drop: if SELF_DROPPING.contains(&program) {
            "built-in".to_string()
        } else {
            drop_option(command)
        },
    }
}

fn is_shell(b: &str) -> bool {
    matches!(b, "sh" | "ash" | "bash" | "hush" | "dash" | "zsh")
}

/// The daemon a shell line starts, if any (`/usr/sbin/telnetd -l /bin/login`,
/// `busybox telnetd`, `start-stop-daemon -S -x /usr/sbin/dropbear`).
fn daemon_in(line: &str) -> Option<&str> {
    let code = line.split('#').next().unwrap_or("");
    code.split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|' || c == '"')
        .map(basename)
        .find(|t| known_program(t))
}

/// Services of one system file, by its path inside the image.
pub fn boot_services(path: &str, text: &str) -> Vec<Lined<BootServiceFact>> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut out = Vec::new();
    if !is_boot_file(path) {
        return out;
    }
    // systemd: the unit's `User=` (or `DynamicUser=yes`) applies to every ExecStart.
    let unit_user = text.lines().find_map(|l| {
        let l = l.trim();
        if let Some(u) = l.strip_prefix("User=").filter(|u| !is_root(u)) {
            Some(format!("User={u}"))
        } else {
            l.eq_ignore_ascii_case("DynamicUser=yes")
                .then(|| "DynamicUser=yes".to_string())
        }
    });
    for (i, l) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if name == "inittab" {
            // id:runlevels:action:process (busybox: tty::action:process)
            let f: Vec<&str> = t.splitn(4, ':').collect();
            if f.len() < 4 {
                continue;
            }
            let process = f[3].trim();
            let first = process.split_whitespace().next().unwrap_or("");
            let mut prog = basename(first);
            if prog == "busybox" {
                prog = process
                    .split_whitespace()
                    .nth(1)
                    .map(basename)
                    .unwrap_or(prog);
            }
            let prog = if known_program(prog) || is_shell(prog) {
                prog
            } else if let Some(d) = daemon_in(process) {
                d
            } else {
                continue;
            };
            let mut s = service(prog, process, "inittab");
            s.tty = f[0].to_string();
            s.action = f[2].to_string();
            if is_shell(prog) && matches!(f[2], "respawn" | "askfirst" | "once" | "wait") {
                s.shell_without_login = true;
            }
            out.push((n, s));
        } else if name == "inetd.conf" {
            let f: Vec<&str> = t.split_whitespace().collect();
            if let Some(server) = f.get(5) {
                let prog = basename(server);
                let prog = if prog == "busybox" {
                    f.get(6).map(|s| basename(s)).unwrap_or(prog)
                } else {
                    prog
                };
                let mut s = service(prog, t, "inetd");
                // service socket protocol wait user server args
                if let Some(user) = f
                    .get(4)
                    .filter(|u| !is_root(u.split(['.', ':']).next().unwrap_or(u)))
                {
                    s.privilege_drop = format!("inetd user {user}");
                }
                out.push((n, s));
            }
        } else if name.ends_with(".service") || name.ends_with(".socket") {
            if let Some(cmd) = t.strip_prefix("ExecStart=") {
                let cmd = cmd.trim_start_matches(['-', '@', '+', '!']);
                if let Some(d) = daemon_in(cmd) {
                    let mut s = service(d, cmd, "systemd");
                    if let Some(u) = unit_user.as_ref().filter(|_| s.privilege_drop.is_empty()) {
                        s.privilege_drop = u.clone();
                    }
                    out.push((n, s));
                }
            }
        } else if let Some(d) = started_daemon(t) {
            // Shell init scripts: lines that only stop, kill or test the daemon are skipped.
            out.push((n, service(d, t, "init.d")));
        }
    }
    out
}

const DEBUG_TOOLS: &[&str] = &[
    "gdbserver",
    "strace",
    "ltrace",
    "tcpdump",
    "devmem",
    "devmem2",
];

/// A fact for a file when something about it is notable; `None` otherwise.
pub fn notable_file(path: &str, mode: u32, uid: u32, data: Option<&[u8]>) -> Option<FileFact> {
    let name = path.rsplit('/').next().unwrap_or(path);
    let setuid = mode & 0o4000 != 0;
    let setgid = mode & 0o2000 != 0;
    let world_writable = mode & 0o002 != 0 && data.is_some();
    let head = data.map(|d| &d[..d.len().min(64 * 1024)]).unwrap_or(&[]);
    let has = |needle: &[u8]| memchr::memmem::find(head, needle).is_some();
    let private_key = has(b"PRIVATE KEY-----");
    let private_key_encrypted = private_key
        && (has(b"ENCRYPTED PRIVATE KEY")
            || has(b"Proc-Type: 4,ENCRYPTED")
            || openssh_encrypted(head));
    let authorized_keys = if name.starts_with("authorized_keys") {
        String::from_utf8_lossy(head)
            .lines()
            .filter(|l| {
                let l = l.trim();
                !l.is_empty() && !l.starts_with('#')
            })
            .count()
    } else {
        0
    };
    let debug_tool = DEBUG_TOOLS.contains(&name) && data.is_some();
    if !(setuid || setgid || world_writable || private_key || authorized_keys > 0 || debug_tool) {
        return None;
    }
    Some(FileFact {
        path: path.to_string(),
        name: name.to_string(),
        mode: format!("{:04o}", mode & 0o7777),
        uid,
        setuid,
        setgid,
        world_writable,
        private_key,
        private_key_encrypted,
        authorized_keys,
        debug_tool,
    })
}

/// An OpenSSH private key whose cipher name is not `none`.
fn openssh_encrypted(head: &[u8]) -> bool {
    use base64::Engine;
    let text = String::from_utf8_lossy(head);
    let Some(start) = text.find("-----BEGIN OPENSSH PRIVATE KEY-----") else {
        return false;
    };
    let body: String = text[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(body.trim()) else {
        return false;
    };
    // "openssh-key-v1\0" then a length-prefixed cipher name.
    let Some(rest) = raw.strip_prefix(b"openssh-key-v1\0") else {
        return false;
    };
    let Some(len) = rest.get(..4).and_then(|b| <[u8; 4]>::try_from(b).ok()) else {
        return false;
    };
    let len = u32::from_be_bytes(len) as usize;
    rest.get(4..4 + len).is_some_and(|c| c != b"none")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing the image target: a control character in a hash made the hash
    /// decoder overflow (a panic in debug builds), and huge rounds or costs would make the
    /// default-password guesses run for hours.
    #[test]
    fn hostile_hashes_are_not_tried() {
        let started = std::time::Instant::now();
        for field in [
            "$6$salt$\u{1}bcd",
            "$6$rounds=999999999$salt$abcdefghijklmnopqrstuvwxyz",
            "$5$rounds=99999999999999999999999$salt$abc",
            "$2b$31$abcdefghijklmnopqrstuuMGsgC8ktu8xk3yRTDwgG9CF2PQ95lK",
            "$1$vigie$BbWQsjCZGc73k0bTjDm7N/\u{7f}",
        ] {
            let scheme = scheme(field);
            assert_eq!(default_match(field, scheme), None, "{field}");
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
        assert!(affordable("$6$rounds=5000$salt$abc", "sha512"));
        assert!(affordable("$2b$10$abc", "bcrypt"));
        // The default password of the FW-002 fixture is still found.
        assert_eq!(
            default_match("$1$vigie$BbWQsjCZGc73k0bTjDm7N/", "md5"),
            Some("admin")
        );
    }

    #[test]
    fn md5_default_password_is_found_and_masked() {
        // openssl passwd -1 -salt vigie admin
        let shadow = "root:$1$vigie$BbWQsjCZGc73k0bTjDm7N/:19000:0:99999:7:::\n";
        let passwd = "root:x:0:0:root:/root:/bin/sh\n";
        let a = accounts(Some(passwd), Some(shadow), "fw.img");
        assert_eq!(a.len(), 1);
        let acc = &a[0].1.1;
        assert_eq!(acc.scheme, "md5");
        assert!(acc.default_password, "{acc:?}");
        assert_eq!(acc.default_password_hint, "a****");
        assert!(acc.login_shell);
    }

    #[test]
    fn empty_and_locked() {
        let a = accounts(
            Some("root::0:0::/root:/bin/sh\ndaemon:x:1:1::/:/usr/sbin/nologin\n"),
            Some("daemon:*:1::::::\n"),
            "",
        );
        let root = a.iter().find(|x| x.1.1.user == "root").unwrap();
        assert!(root.1.1.empty_password);
        assert_eq!(root.1.1.password_source, "passwd");
        let d = a.iter().find(|x| x.1.1.user == "daemon").unwrap();
        assert!(d.1.1.locked && !d.1.1.login_shell);
    }

    #[test]
    fn inittab_telnet_and_serial_shell() {
        let t =
            "::sysinit:/etc/init.d/rcS\nttyS0::respawn:-/bin/sh\n::respawn:/usr/sbin/telnetd -F\n";
        let s = boot_services("etc/inittab", t);
        assert_eq!(s.len(), 2);
        assert!(s[0].1.shell_without_login && s[0].0 == 2);
        assert!(s[1].1.telnet && s[1].0 == 3);
    }

    #[test]
    fn privilege_drop_and_network_daemons() {
        let s = boot_services(
            "etc/init.d/S60web",
            "#!/bin/sh\n/usr/sbin/boa -c /etc/boa\nstart-stop-daemon -S -c www -x /usr/sbin/lighttpd\n/usr/sbin/snmpd -u root\n",
        );
        assert_eq!(s.len(), 3);
        assert!(s[0].1.network_daemon && s[0].1.privilege_drop.is_empty());
        assert_eq!(s[1].1.privilege_drop, "-c www");
        assert!(s[2].1.privilege_drop.is_empty(), "-u root is no drop");
        let u = boot_services(
            "lib/systemd/system/light.service",
            "[Service]\nUser=light\nExecStart=/usr/sbin/mosquitto -c /etc/m.conf\nExecStartPost=/usr/sbin/lighttpd\n",
        );
        assert_eq!(u[0].1.privilege_drop, "built-in");
        let i = boot_services(
            "etc/inetd.conf",
            "ftp stream tcp nowait ftp /usr/sbin/ftpd ftpd\n",
        );
        assert_eq!(i[0].1.privilege_drop, "inetd user ftp");
        assert!(boot_services("usr/bin/tool.sh", "#!/bin/sh\n/usr/sbin/httpd\n").is_empty());
    }

    #[test]
    fn init_script_busybox_applet() {
        let s = boot_services(
            "etc/init.d/S50telnet",
            "#!/bin/sh\nkillall telnetd\n/bin/busybox telnetd -l /bin/login\n",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].1.program, "telnetd");
    }
}
