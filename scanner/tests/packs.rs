//! Rule packs end to end: reproducible builds, minisign interoperability both ways with
//! Debian's `minisign` (installed by `.ci/run`), tampering, trust, lockfile, git sources,
//! overrides, profiles and authoring commands. Keys are generated locally and git sources
//! are local bare repositories: nothing touches the network.
//! See: issue 8 (shared rule repository: signed, versioned, pinned rule packs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_valid_sarif, root};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const CERTS: &str = "fixtures/demo-territory/certificates";

fn vigie_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("VIGIE_CACHE_DIR", dir.join("cache"))
        .env_remove("VIGIE_KEY_PASSWORD")
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "status {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> Output {
    assert!(o.status.success(), "{}", text(&o));
    o
}

fn minisign(dir: &Path, args: &[&str]) -> Output {
    Command::new("minisign")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("Debian's `minisign` is needed (.ci/run installs it): {e}"))
}

const RULE: &str = r#"id: ACME-001
name: certificate-key-below-4096-bits
target: certificate
severity: medium
condition: key.bits < 4096
title: { en: Key below 4096 bits, fr: Clé de moins de 4096 bits }
message: { en: "key of {{ key.bits }} bits", fr: "clé de {{ key.bits }} bits" }
docs:
  why: { en: Partner policy., fr: Politique du partenaire. }
  fix: { en: Use a larger key., fr: Utiliser une clé plus grande. }
references:
  - { id: ACME-POL-1 }
profiles: [acme]
"#;

/// Writes a partner pack in `dir/acme`.
fn partner_pack(dir: &Path, version: &str) -> PathBuf {
    let p = dir.join("acme");
    std::fs::create_dir_all(p.join("certificate/ACME-001-certificate-key-below-4096-bits/fail"))
        .unwrap();
    std::fs::write(
        p.join("pack.yaml"),
        format!(
            "name: acme-certs\nversion: {version}\npublisher: Acme Sécurité\ndescription: partner rules\nlicence: CC-BY-4.0\nmin_vigie_version: 0.1.0\nprofiles:\n  acme:\n    title: Acme policy\n    references: [ACME-]\n"
        ),
    )
    .unwrap();
    std::fs::write(
        p.join("certificate/ACME-001-certificate-key-below-4096-bits.yaml"),
        RULE,
    )
    .unwrap();
    std::fs::write(
        p.join("certificate/ACME-001-certificate-key-below-4096-bits/fail/note.txt"),
        "fixture\n",
    )
    .unwrap();
    p
}

fn keygen(dir: &Path, name: &str) -> String {
    ok(vigie_in(dir, &["pack", "keygen", "-o", name]));
    std::fs::read_to_string(dir.join(format!("{name}.pub")))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string()
}

fn flip_byte(path: &Path, at: usize) {
    let mut b = std::fs::read(path).unwrap();
    let i = at.min(b.len() - 1);
    b[i] ^= 0x01;
    std::fs::write(path, b).unwrap();
}

#[test]
fn build_is_reproducible() {
    let t = tempfile::tempdir().unwrap();
    let src = partner_pack(t.path(), "1.2.0");
    ok(vigie_in(
        t.path(),
        &["pack", "build", "acme", "-o", "a.tar.gz"],
    ));
    // Same content elsewhere, written later (other mtimes): same bytes.
    let copy = t.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    partner_pack(&copy, "1.2.0");
    ok(vigie_in(
        &copy,
        &["pack", "build", "acme", "-o", "../b.tar.gz"],
    ));
    let a = std::fs::read(t.path().join("a.tar.gz")).unwrap();
    let b = std::fs::read(t.path().join("b.tar.gz")).unwrap();
    assert_eq!(a, b, "two builds of the same pack differ");
    // Hidden files, signatures and a previous build at the root are not part of the pack.
    std::fs::write(src.join(".DS_Store"), "x").unwrap();
    std::fs::write(src.join("pack.minisig"), "x").unwrap();
    std::fs::write(src.join("old-1.0.0.tar.gz"), "x").unwrap();
    ok(vigie_in(
        t.path(),
        &["pack", "build", "acme", "-o", "acme/c.tar.gz"],
    ));
    assert_eq!(std::fs::read(src.join("c.tar.gz")).unwrap(), a);
    for f in [".DS_Store", "pack.minisig", "old-1.0.0.tar.gz", "c.tar.gz"] {
        std::fs::remove_file(src.join(f)).unwrap();
    }
    // Default name NAME-VERSION.tar.gz.
    ok(vigie_in(t.path(), &["pack", "build", "acme"]));
    assert_eq!(
        std::fs::read(t.path().join("acme-certs-1.2.0.tar.gz")).unwrap(),
        a
    );
    // The archive lists sorted entries with zeroed owners and times (GNU tar agrees).
    let listing = Command::new("tar")
        .args(["-tvzf", "a.tar.gz"])
        .current_dir(t.path())
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.contains("0/0"), "{listing}");
    assert!(listing.contains("1970-01-01"), "{listing}");
    let names: Vec<&str> = listing
        .lines()
        .map(|l| l.split_whitespace().last().unwrap())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert!(src.exists());
    // The official pack builds too.
    ok(vigie_in(
        t.path(),
        &[
            "pack",
            "build",
            root().join("rules").to_str().unwrap(),
            "-o",
            "core.tar.gz",
        ],
    ));
}

#[test]
fn vigie_signature_verifies_with_minisign_and_tampering_is_refused() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    partner_pack(d, "1.2.0");
    keygen(d, "acme");
    ok(vigie_in(d, &["pack", "build", "acme", "-o", "p.tar.gz"]));
    ok(vigie_in(
        d,
        &["pack", "sign", "p.tar.gz", "--key", "acme.key"],
    ));
    let o = ok(minisign(d, &["-V", "-p", "acme.pub", "-m", "p.tar.gz"]));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("vigie-pack name=acme-certs version=1.2.0 sha256="),
        "{out}"
    );
    ok(vigie_in(
        d,
        &["pack", "verify", "p.tar.gz", "--pubkey", "acme.pub"],
    ));

    // A flipped byte in the archive: both refuse.
    std::fs::copy(d.join("p.tar.gz"), d.join("q.tar.gz")).unwrap();
    std::fs::copy(d.join("p.tar.gz.minisig"), d.join("q.tar.gz.minisig")).unwrap();
    flip_byte(&d.join("q.tar.gz"), 200);
    assert!(
        !minisign(d, &["-V", "-p", "acme.pub", "-m", "q.tar.gz"])
            .status
            .success()
    );
    let o = vigie_in(d, &["pack", "verify", "q.tar.gz", "--pubkey", "acme.pub"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));

    // A flipped byte in the signature line.
    std::fs::copy(d.join("p.tar.gz"), d.join("r.tar.gz")).unwrap();
    let sig = std::fs::read_to_string(d.join("p.tar.gz.minisig")).unwrap();
    let mut lines: Vec<String> = sig.lines().map(String::from).collect();
    let mut l1 = lines[1].clone().into_bytes();
    l1[20] = if l1[20] == b'A' { b'B' } else { b'A' };
    lines[1] = String::from_utf8(l1).unwrap();
    std::fs::write(d.join("r.tar.gz.minisig"), lines.join("\n") + "\n").unwrap();
    let o = vigie_in(d, &["pack", "verify", "r.tar.gz", "--pubkey", "acme.pub"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        !minisign(d, &["-V", "-p", "acme.pub", "-m", "r.tar.gz"])
            .status
            .success()
    );

    // An altered trusted comment (global signature no longer matches).
    std::fs::copy(d.join("p.tar.gz"), d.join("s.tar.gz")).unwrap();
    let altered = sig.replace("version=1.2.0", "version=9.9.9");
    assert_ne!(altered, sig);
    std::fs::write(d.join("s.tar.gz.minisig"), altered).unwrap();
    let o = vigie_in(d, &["pack", "verify", "s.tar.gz", "--pubkey", "acme.pub"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        !minisign(d, &["-V", "-p", "acme.pub", "-m", "s.tar.gz"])
            .status
            .success()
    );

    // The wrong key.
    keygen(d, "other");
    let o = vigie_in(d, &["pack", "verify", "p.tar.gz", "--pubkey", "other.pub"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not trusted"),
        "{}",
        text(&o)
    );
    assert!(
        !minisign(d, &["-V", "-p", "other.pub", "-m", "p.tar.gz"])
            .status
            .success()
    );
}

#[test]
fn minisign_signature_verifies_in_vigie() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    partner_pack(d, "1.2.0");
    ok(minisign(d, &["-G", "-W", "-p", "m.pub", "-s", "m.key"]));
    ok(vigie_in(d, &["pack", "build", "acme", "-o", "p.tar.gz"]));
    // Stock trusted comment (timestamp and file name).
    ok(minisign(d, &["-S", "-s", "m.key", "-m", "p.tar.gz"]));
    let o = ok(vigie_in(
        d,
        &["pack", "verify", "p.tar.gz", "--pubkey", "m.pub"],
    ));
    assert!(String::from_utf8_lossy(&o.stdout).contains("signature ok: acme-certs 1.2.0"));
    // A Vigie trusted comment that lies about the version is refused even though the
    // signature itself is sound.
    ok(minisign(
        d,
        &[
            "-S",
            "-s",
            "m.key",
            "-m",
            "p.tar.gz",
            "-t",
            "vigie-pack name=acme-certs version=0.9.0 sha256=00",
        ],
    ));
    let o = vigie_in(d, &["pack", "verify", "p.tar.gz", "--pubkey", "m.pub"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stderr).contains("trusted comment says version"));
    // The base64 key on the command line works as well as the file.
    ok(minisign(d, &["-S", "-s", "m.key", "-m", "p.tar.gz"]));
    let b64 = std::fs::read_to_string(d.join("m.pub"))
        .unwrap()
        .lines()
        .nth(1)
        .unwrap()
        .to_string();
    ok(vigie_in(
        d,
        &["pack", "verify", "p.tar.gz", "--pubkey", &b64],
    ));
}

fn scan(d: &Path, extra: &[&str]) -> Output {
    let certs = root().join(CERTS);
    let mut args = vec![
        "scan",
        certs.to_str().unwrap(),
        "--as-of",
        "2026-11-28",
        "--fail-on",
        "critical",
    ];
    args.extend_from_slice(extra);
    vigie_in(d, &args)
}

#[test]
fn scans_trust_only_signed_packs_and_mark_the_others() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    partner_pack(d, "1.2.0");
    let key = keygen(d, "acme");
    ok(vigie_in(d, &["pack", "build", "acme", "-o", "p.tar.gz"]));

    // Unsigned: refused, then allowed and marked.
    let o = scan(d, &["--rules", "p.tar.gz"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("not signed"),
        "{}",
        text(&o)
    );
    let o = scan(
        d,
        &[
            "--rules",
            "p.tar.gz",
            "--allow-unsigned",
            "--sarif",
            "u.sarif",
        ],
    );
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        text(&o)
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("[unsigned pack acme-certs 1.2.0]"), "{out}");
    let sarif = assert_valid_sarif(&std::fs::read_to_string(d.join("u.sarif")).unwrap());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let acme: Vec<_> = results
        .iter()
        .filter(|r| r["ruleId"] == "ACME-001")
        .collect();
    assert!(!acme.is_empty());
    for r in &acme {
        assert_eq!(r["properties"]["vigie/unsigned-pack"], "acme-certs 1.2.0");
    }
    let core = results.iter().find(|r| r["ruleId"] != "ACME-001").unwrap();
    assert!(core["properties"].get("vigie/unsigned-pack").is_none());

    // Signed but no trusted key for the publisher: refused.
    ok(vigie_in(
        d,
        &["pack", "sign", "p.tar.gz", "--key", "acme.key"],
    ));
    let o = scan(d, &["--rules", "p.tar.gz"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("Acme Sécurité"),
        "{}",
        text(&o)
    );

    // Trusted key in vigie.toml: runs unmarked, with provenance in tool.extensions.
    let cfg = d.join("vigie.toml");
    std::fs::write(
        &cfg,
        format!("[trusted_keys]\n\"Acme Sécurité\" = [\"{key}\"]\n"),
    )
    .unwrap();
    let o = scan(
        d,
        &[
            "--config",
            "vigie.toml",
            "--rules",
            "p.tar.gz",
            "--format",
            "sarif",
        ],
    );
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        text(&o)
    );
    let sarif = assert_valid_sarif(&String::from_utf8_lossy(&o.stdout));
    let ext = &sarif["runs"][0]["tool"]["extensions"][0];
    assert_eq!(ext["name"], "acme-certs");
    assert_eq!(ext["version"], "1.2.0");
    assert_eq!(ext["organization"], "Acme Sécurité");
    let sha = vigie::rules::pack::sha256_hex(&std::fs::read(d.join("p.tar.gz")).unwrap());
    assert_eq!(ext["properties"]["sha256"], sha.as_str());
    assert!(ext["properties"].get("unsigned").is_none());
    let r = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ACME-001")
        .unwrap();
    assert_eq!(r["rule"]["toolComponent"]["index"], 0);
    assert!(r["properties"].get("vigie/unsigned-pack").is_none());

    // A trusted key but a tampered archive: refused, even with --allow-unsigned.
    flip_byte(&d.join("p.tar.gz"), 300);
    let o = scan(
        d,
        &[
            "--config",
            "vigie.toml",
            "--rules",
            "p.tar.gz",
            "--allow-unsigned",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn lockfile_pins_packs_by_hash() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    partner_pack(d, "1.2.0");
    let key = keygen(d, "acme");
    std::fs::write(
        d.join("vigie.toml"),
        format!("[trusted_keys]\n\"Acme Sécurité\" = [\"{key}\"]\n"),
    )
    .unwrap();
    ok(vigie_in(d, &["pack", "build", "acme", "-o", "p.tar.gz"]));
    ok(vigie_in(
        d,
        &["pack", "sign", "p.tar.gz", "--key", "acme.key"],
    ));
    ok(vigie_in(d, &["pack", "lock", "--rules", "p.tar.gz"]));
    let lock = std::fs::read_to_string(d.join("vigie.lock")).unwrap();
    assert!(lock.contains("name = \"acme-certs\""), "{lock}");
    assert!(lock.contains("version = \"1.2.0\""), "{lock}");
    let o = scan(d, &["--config", "vigie.toml", "--rules", "p.tar.gz"]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        text(&o)
    );

    // Same name and version, other content, validly signed: the lock refuses it.
    std::fs::write(
        d.join("acme/certificate/ACME-001-certificate-key-below-4096-bits.yaml"),
        RULE.replace("severity: medium", "severity: low"),
    )
    .unwrap();
    ok(vigie_in(d, &["pack", "build", "acme", "-o", "p.tar.gz"]));
    ok(vigie_in(
        d,
        &["pack", "sign", "p.tar.gz", "--key", "acme.key"],
    ));
    let o = scan(d, &["--config", "vigie.toml", "--rules", "p.tar.gz"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("vigie.lock") && err.contains("changed"),
        "{err}"
    );
}

fn git(dir: &Path, args: &[&str]) {
    let o = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.invalid",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

#[test]
fn git_sources_from_a_local_bare_repository() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let pack = partner_pack(d, "1.2.0");
    let key = keygen(d, "acme");
    // The partner signs the directory (pack.minisig over its reproducible archive).
    ok(vigie_in(d, &["pack", "sign", "acme", "--key", "acme.key"]));
    assert!(pack.join("pack.minisig").is_file());
    git(&pack, &["init", "-q"]);
    git(&pack, &["add", "."]);
    git(&pack, &["commit", "-qm", "acme 1.2.0"]);
    git(&pack, &["tag", "v1.2.0"]);
    git(d, &["clone", "-q", "--bare", "acme", "acme.git"]);
    std::fs::write(
        d.join("vigie.toml"),
        format!("[trusted_keys]\n\"Acme Sécurité\" = [\"{key}\"]\n"),
    )
    .unwrap();
    let url = format!("git+file://{}#v1.2.0", d.join("acme.git").display());
    let o = scan(
        d,
        &[
            "--config",
            "vigie.toml",
            "--rules",
            &url,
            "--format",
            "sarif",
        ],
    );
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        text(&o)
    );
    let sarif = assert_valid_sarif(&String::from_utf8_lossy(&o.stdout));
    let ext = &sarif["runs"][0]["tool"]["extensions"][0];
    assert_eq!(ext["name"], "acme-certs");
    // The digest of a git pack is the digest of the archive `pack build` makes.
    std::fs::remove_file(pack.join("pack.minisig")).unwrap();
    ok(vigie_in(
        d,
        &["pack", "build", "acme", "-o", "built.tar.gz"],
    ));
    let built = vigie::rules::pack::sha256_hex(&std::fs::read(d.join("built.tar.gz")).unwrap());
    assert_eq!(ext["properties"]["sha256"], built.as_str());
    // Cached by content hash.
    assert!(
        d.join("cache/packs")
            .join(format!("{built}.tar.gz"))
            .is_file()
    );
    // A pinned commit is served from the cache, even with the repository gone.
    let commit = Command::new("git")
        .args(["rev-parse", "v1.2.0^{commit}"])
        .current_dir(d.join("acme.git"))
        .output()
        .unwrap();
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
    let by_commit = format!("git+file://{}#{commit}", d.join("acme.git").display());
    ok(vigie_in(
        d,
        &[
            "pack",
            "lock",
            "--rules",
            &by_commit,
            "--config",
            "vigie.toml",
        ],
    ));
    std::fs::rename(d.join("acme.git"), d.join("moved.git")).unwrap();
    let o = scan(d, &["--config", "vigie.toml", "--rules", &by_commit]);
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        text(&o)
    );
    // An unknown revision is an error naming the source.
    std::fs::rename(d.join("moved.git"), d.join("acme.git")).unwrap();
    let bad = format!("git+file://{}#v9", d.join("acme.git").display());
    let o = scan(d, &["--config", "vigie.toml", "--rules", &bad]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn duplicate_ids_need_an_explicit_override() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let a = partner_pack(d, "1.2.0");
    let b = d.join("other");
    std::fs::create_dir_all(b.join("certificate")).unwrap();
    std::fs::write(
        b.join("pack.yaml"),
        "name: other\nversion: 0.1.0\npublisher: Other\n",
    )
    .unwrap();
    std::fs::write(
        b.join("certificate/ACME-001-certificate-key-below-4096-bits.yaml"),
        RULE.replace("severity: medium", "severity: high"),
    )
    .unwrap();
    let o = vigie_in(d, &["rules", "list", "--rules", "acme", "--rules", "other"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("other/certificate/ACME-001") && err.contains("acme/certificate/ACME-001"),
        "{err}"
    );
    std::fs::write(
        b.join("pack.yaml"),
        "name: other\nversion: 0.1.0\npublisher: Other\noverrides: [ACME-001]\n",
    )
    .unwrap();
    let o = ok(vigie_in(
        d,
        &[
            "rules", "explain", "ACME-001", "--rules", "acme", "--rules", "other",
        ],
    ));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("Severity: high") && out.contains("other 0.1.0"),
        "{out}"
    );
    assert!(a.exists());
}

#[test]
fn manifest_is_checked() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let p = partner_pack(d, "1.2");
    let o = vigie_in(d, &["rules", "validate", "acme"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("pack.yaml:2:1"),
        "{}",
        text(&o)
    );
    std::fs::write(
        p.join("pack.yaml"),
        "name: acme-certs\nversion: 1.0.0\npublisher: A\nmin_vigie_version: 99.0.0\n",
    )
    .unwrap();
    let o = vigie_in(d, &["rules", "validate", "acme"]);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("needs Vigie 99.0.0"),
        "{}",
        text(&o)
    );
}

#[test]
fn profile_and_conformity_matrix() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    let o = scan(
        d,
        &[
            "--profile",
            "etsi-en-303-645",
            "--matrix",
            "m.md",
            "--format",
            "json",
        ],
    );
    assert!(
        o.status.code() == Some(0) || o.status.code() == Some(1),
        "{}",
        text(&o)
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for r in report["rules"].as_array().unwrap() {
        let profiles = r["profiles"].as_array().unwrap();
        assert!(profiles.iter().any(|p| p == "etsi-en-303-645"), "{r}");
    }
    let md = std::fs::read_to_string(d.join("m.md")).unwrap();
    assert!(
        md.contains("| `ETSI-EN-303-645-5.1-1` No universal default passwords | not-assessed |"),
        "{md}"
    );
    assert!(
        md.contains(
            "| `ETSI-EN-303-645-5.5-1` Best practice cryptography for communication | fail |"
        ),
        "{md}"
    );
    ok(scan(d, &["--profile", "anssi", "--matrix", "m.json"]));
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("m.json")).unwrap()).unwrap();
    assert_eq!(m[0]["profile"], "anssi");
    assert!(
        m[0]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["provision"].as_str().unwrap().starts_with("ANSSI-"))
    );
    let o = scan(d, &["--profile", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown profile `nope`"));
}

#[test]
fn scaffold_validate_test_and_document() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok(vigie_in(
        d,
        &[
            "rules",
            "new",
            "--target",
            "certificate",
            "LOC-001-weak-thing",
            "--dir",
            "pk",
        ],
    ));
    assert!(d.join("pk/certificate/LOC-001-weak-thing/fail").is_dir());
    assert!(d.join("pk/certificate/LOC-001-weak-thing/pass").is_dir());
    // The scaffold's texts are still to write: validation refuses them, with positions.
    let o = vigie_in(d, &["rules", "validate", "pk"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("replace the `FILL IN`") && err.contains("LOC-001-weak-thing.yaml"),
        "{err}"
    );
    // Once written, the rule is valid.
    let rule = d.join("pk/certificate/LOC-001-weak-thing.yaml");
    let written = std::fs::read_to_string(&rule)
        .unwrap()
        .replace("FILL IN: reference id", "LOC-PSSI-1")
        .replace("FILL IN : ", "")
        .replace("FILL IN: ", "");
    std::fs::write(&rule, written).unwrap();
    let o = ok(vigie_in(d, &["rules", "validate", "pk"]));
    assert!(String::from_utf8_lossy(&o.stdout).contains("1 rules valid"));
    // Without fixtures, `rules test` fails and says why.
    let o = vigie_in(d, &["rules", "test", "pk"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("no fail fixture") && out.contains("no pass fixture"),
        "{out}"
    );
    // Catalogue of the official pack: index plus one page per rule and language.
    ok(vigie_in(
        d,
        &[
            "rules",
            "doc",
            root().join("rules").to_str().unwrap(),
            "-o",
            "doc",
        ],
    ));
    let index = std::fs::read_to_string(d.join("doc/README.md")).unwrap();
    assert!(
        index.contains("[RSA key shorter than 2048 bits](en/CERT-001-rsa-key-too-small.md)"),
        "{index}"
    );
    let fr = std::fs::read_to_string(d.join("doc/fr/CERT-001-rsa-key-too-small.md")).unwrap();
    assert!(
        fr.contains("## Pourquoi c'est important") && fr.contains("## Références"),
        "{fr}"
    );
    let en = std::fs::read_to_string(d.join("doc/en/CERT-001-rsa-key-too-small.md")).unwrap();
    assert!(
        en.contains("(https://cwe.mitre.org/data/definitions/326.html)"),
        "{en}"
    );
}
