//! Rule packs as distributed artifacts: reproducible archives, minisign signatures,
//! sources (directory, archive, git), the trust decision and the `vigie.lock` pins.
//!
//! One notion ties them together, the **pack digest**: the SHA-256 of the pack's
//! archive. For an archive it is the hash of the file as published; for a directory or
//! a git revision it is the hash of the archive `vigie pack build` would make from it
//! (the build is reproducible, so the two agree). The signature, the lockfile and the
//! SARIF `tool.extensions[].properties.sha256` all speak about that one digest.

use flate2::Compression;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

/// Largest pack archive accepted, compressed or not (rules and fixtures are small).
pub const MAX_PACK_BYTES: u64 = 64 * 1024 * 1024;
/// Most entries accepted in a pack archive.
pub const MAX_PACK_ENTRIES: usize = 20_000;
/// The signature file a directory or git pack carries at its root (it signs the
/// reproducible archive of everything else).
pub const DIR_SIGNATURE: &str = "pack.minisig";
/// Prefix of the trusted comment Vigie writes when signing.
pub const COMMENT_PREFIX: &str = "vigie-pack";

/// What went wrong with a pack.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// A file cannot be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// The archive is malformed, too large, or holds an entry Vigie refuses.
    #[error("{path}: {message}")]
    Archive {
        /// The archive (and entry, as `archive!/entry`).
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A key or signature file cannot be decoded, or the signature does not verify.
    #[error("{path}: {message}")]
    Signature {
        /// The signature or key file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The signature is sound but no key trusted for the publisher made it.
    #[error("{path}: {message}")]
    Untrusted {
        /// The signature file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A git source cannot be fetched.
    #[error("{url}: {message}")]
    Git {
        /// The source as given.
        url: String,
        /// What git said.
        message: String,
    },
    /// The lockfile is invalid or disagrees with a pack.
    #[error("{path}: {message}")]
    Lock {
        /// The lockfile.
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PackError + '_ {
    move |source| PackError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The files of a pack: path relative to the pack root (with `/`) → content.
pub type PackFiles = BTreeMap<String, Vec<u8>>;

fn is_excluded(rel: &str) -> bool {
    // Built archives left at the pack root (`pack build -o DIR/…`) are not part of the
    // pack; archives deeper down are fixtures (firmware images) and are kept.
    let built_archive =
        !rel.contains('/') && [".tar.gz", ".tgz", ".tar"].iter().any(|e| rel.ends_with(e));
    rel.split('/').any(|c| c.starts_with('.')) || rel.ends_with(".minisig") || built_archive
}

/// Reads every file of a pack directory. Hidden files (`.git`, editor files) and
/// signatures are left out; a symbolic link is an error (an archive must not depend on
/// what a link points to on the author's machine).
pub fn collect_dir(dir: &Path) -> Result<PackFiles, PackError> {
    let mut files = PackFiles::new();
    let mut total = 0u64;
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .follow_links(false)
        .build()
    {
        let entry = entry.map_err(|e| PackError::Archive {
            path: dir.display().to_string(),
            message: e.to_string(),
        })?;
        let Some(ft) = entry.file_type() else {
            continue;
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if rel.is_empty() || is_excluded(&rel) {
            continue;
        }
        if ft.is_symlink() {
            return Err(PackError::Archive {
                path: entry.path().display().to_string(),
                message: "symbolic links are not allowed in a pack".into(),
            });
        }
        if ft.is_file() {
            let bytes = std::fs::read(entry.path()).map_err(io(entry.path()))?;
            total += bytes.len() as u64;
            if total > MAX_PACK_BYTES || files.len() >= MAX_PACK_ENTRIES {
                return Err(PackError::Archive {
                    path: dir.display().to_string(),
                    message: "pack is too large".into(),
                });
            }
            files.insert(rel, bytes);
        }
    }
    Ok(files)
}

/// Builds the reproducible `.tar.gz` of a pack: entries sorted by path, regular files
/// only (directories are implied), mode 0644, uid/gid 0, no user names, mtime 0, and a
/// gzip header without name or time. Same files, same bytes.
pub fn build_archive(files: &PackFiles) -> Result<Vec<u8>, PackError> {
    let err = |e: std::io::Error| PackError::Archive {
        path: "archive".into(),
        message: e.to_string(),
    };
    let gz = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(Vec::new(), Compression::new(9));
    let mut tar = tar::Builder::new(gz);
    tar.mode(tar::HeaderMode::Deterministic);
    for (path, bytes) in files {
        if is_excluded(path) {
            continue;
        }
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(0);
        tar.append_data(&mut h, path, bytes.as_slice())
            .map_err(err)?;
    }
    let gz = tar.into_inner().map_err(err)?;
    gz.finish().map_err(err)
}

/// Checks that an archive entry path is a plain relative path and returns it with `/`.
fn sanitize(path: &Path) -> Option<String> {
    let mut parts = Vec::new();
    for c in path.components() {
        match c {
            Component::Normal(p) => parts.push(p.to_str()?.to_string()),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Reads a (possibly gzip-compressed) tar archive in memory. Nothing is written to disk:
/// paths are only names in a map, and a path with `..`, an absolute path, a link, a
/// device or a duplicate entry makes the whole archive invalid. Sizes and entry counts
/// are capped.
pub fn read_archive(bytes: &[u8], display: &str) -> Result<PackFiles, PackError> {
    let bad = |message: String| PackError::Archive {
        path: display.to_string(),
        message,
    };
    let tar_bytes: Vec<u8> = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes)
            .take(MAX_PACK_BYTES + 1)
            .read_to_end(&mut out)
            .map_err(|e| bad(format!("not a gzip archive: {e}")))?;
        if out.len() as u64 > MAX_PACK_BYTES {
            return Err(bad("archive is too large once decompressed".into()));
        }
        out
    } else {
        bytes.to_vec()
    };
    let mut archive = tar::Archive::new(tar_bytes.as_slice());
    let mut files = PackFiles::new();
    let entries = archive
        .entries()
        .map_err(|e| bad(format!("not a tar archive: {e}")))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| bad(format!("not a tar archive: {e}")))?;
        let raw = entry
            .path()
            .map_err(|e| bad(format!("invalid entry path: {e}")))?
            .into_owned();
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() {
            continue;
        }
        let Some(rel) = sanitize(&raw) else {
            return Err(bad(format!(
                "unsafe entry path `{}` (absolute or with `..`)",
                raw.display()
            )));
        };
        if !kind.is_file() {
            return Err(bad(format!(
                "entry `{rel}` is not a regular file (links and devices are refused)"
            )));
        }
        if files.len() >= MAX_PACK_ENTRIES {
            return Err(bad("too many entries".into()));
        }
        let mut data = Vec::new();
        entry
            .read_to_end(&mut data)
            .map_err(|e| bad(format!("entry `{rel}`: {e}")))?;
        if files.insert(rel.clone(), data).is_some() {
            return Err(bad(format!("duplicate entry `{rel}`")));
        }
    }
    // A conventional tarball has one top directory (`name-1.0.0/pack.yaml`): strip it.
    if !files.contains_key("pack.yaml") {
        let tops: std::collections::BTreeSet<String> = files
            .keys()
            .filter_map(|k| k.split_once('/'))
            .map(|(t, _)| t.to_string())
            .collect();
        if tops.len() == 1
            && let Some(top) = tops.into_iter().next()
        {
            let prefix = format!("{top}/");
            if files.keys().all(|k| k.starts_with(&prefix)) {
                files = files
                    .into_iter()
                    .map(|(k, v)| (k[prefix.len()..].to_string(), v))
                    .collect();
            }
        }
    }
    Ok(files)
}

/// The trusted comment Vigie writes: `vigie-pack name=N version=V sha256=H`.
pub fn trusted_comment(name: &str, version: &str, sha256: &str) -> String {
    format!("{COMMENT_PREFIX} name={name} version={version} sha256={sha256}")
}

/// Parses a Vigie trusted comment into its fields (`None` for other comments, e.g. the
/// `timestamp:… file:…` that stock `minisign` writes).
pub fn parse_trusted_comment(comment: &str) -> Option<BTreeMap<String, String>> {
    let rest = comment.strip_prefix(COMMENT_PREFIX)?.strip_prefix(' ')?;
    Some(
        rest.split_whitespace()
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// Decodes a minisign public key given as the base64 line or as the content of a
/// `.pub` file (`untrusted comment:` line, then the key).
pub fn decode_public_key(text: &str) -> Result<minisign_verify::PublicKey, String> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("untrusted comment:"))
        .unwrap_or("");
    minisign_verify::PublicKey::from_base64(line).map_err(|e| format!("invalid public key: {e}"))
}

/// A signature that verified.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The signed trusted comment.
    pub trusted_comment: String,
    /// Index of the key that verified it.
    pub key: usize,
}

/// Verifies `sig_text` (a `.minisig`) over `data` with any of `keys` (base64 or `.pub`
/// text). Legacy (non-prehashed) signatures are refused. When the trusted comment is a
/// Vigie one, its name, version and sha256 must match `expect` (name, version, digest).
pub fn verify(
    data: &[u8],
    sig_text: &str,
    sig_display: &str,
    keys: &[String],
    expect: Option<(&str, &str, &str)>,
) -> Result<Verified, PackError> {
    let fail = |message: String| PackError::Signature {
        path: sig_display.to_string(),
        message,
    };
    let sig = minisign_verify::Signature::decode(sig_text)
        .map_err(|e| fail(format!("invalid signature file: {e}")))?;
    let mut last = String::from("no trusted key for this publisher");
    let mut found = None;
    for (i, k) in keys.iter().enumerate() {
        let pk = decode_public_key(k).map_err(&fail)?;
        match pk.verify(data, &sig, false) {
            Ok(()) => {
                found = Some(i);
                break;
            }
            Err(minisign_verify::Error::UnexpectedKeyId) => {
                last = "signed with a key that is not trusted".into();
            }
            Err(e) => {
                last = format!("signature does not verify: {e}");
                // A matching key id with a bad signature is tampering: stop here.
                return Err(fail(last));
            }
        }
    }
    let Some(key) = found else {
        return Err(PackError::Untrusted {
            path: sig_display.to_string(),
            message: last,
        });
    };
    let comment = sig.trusted_comment().to_string();
    if let (Some(fields), Some((name, version, sha))) = (parse_trusted_comment(&comment), expect) {
        for (k, want) in [("name", name), ("version", version), ("sha256", sha)] {
            let got = fields.get(k).map(String::as_str).unwrap_or("");
            if got != want {
                return Err(fail(format!(
                    "trusted comment says {k}=`{got}` but the pack has `{want}`"
                )));
            }
        }
    }
    Ok(Verified {
        trusted_comment: comment,
        key,
    })
}

/// Signs `data` with a minisign secret key (the text of a `.key` file). An encrypted key
/// needs `password` (or is prompted for on the terminal when `None`).
pub fn sign(
    data: &[u8],
    key_text: &str,
    key_display: &str,
    password: Option<String>,
    trusted: &str,
) -> Result<String, PackError> {
    let fail = |e: minisign::PError| PackError::Signature {
        path: key_display.to_string(),
        message: e.to_string(),
    };
    let sk_box = minisign::SecretKeyBox::from_string(key_text).map_err(fail)?;
    let sk = match sk_box.clone().into_unencrypted_secret_key() {
        Ok(sk) if !sk.is_encrypted() => sk,
        _ => sk_box.into_secret_key(password).map_err(fail)?,
    };
    let sig = minisign::sign(None, &sk, data, Some(trusted), Some("signature from vigie"))
        .map_err(fail)?;
    Ok(sig.into_string())
}

/// Where a pack comes from (`--rules`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PackSource {
    /// A directory on disk (authoring, or a checked-out pack).
    Dir(PathBuf),
    /// A `.tar.gz` (or `.tar`) with its `.minisig` beside it.
    Archive(PathBuf),
    /// A git repository at a revision: `git+file://…#rev`, `git+https://…#rev`.
    Git {
        /// The URL git is given (without `git+`).
        url: String,
        /// Tag, branch or commit (`HEAD` when absent).
        rev: String,
    },
}

impl PackSource {
    /// Parses a `--rules` value.
    pub fn parse(s: &str) -> Result<PackSource, String> {
        if let Some(rest) = s.strip_prefix("git+") {
            let (url, rev) = match rest.rsplit_once('#') {
                Some((u, r)) => (u, r),
                None => (rest, "HEAD"),
            };
            if !(url.starts_with("file://") || url.starts_with("https://")) {
                return Err(format!(
                    "`{s}`: only `git+file://` and `git+https://` sources are supported"
                ));
            }
            let rev_ok = !rev.is_empty()
                && !rev.starts_with('-')
                && rev
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "._-/^~".contains(c));
            if !rev_ok {
                return Err(format!("`{s}`: invalid revision `{rev}`"));
            }
            return Ok(PackSource::Git {
                url: url.to_string(),
                rev: rev.to_string(),
            });
        }
        let p = PathBuf::from(s);
        if p.is_dir() {
            Ok(PackSource::Dir(p))
        } else if s.ends_with(".tar.gz") || s.ends_with(".tgz") || s.ends_with(".tar") {
            Ok(PackSource::Archive(p))
        } else {
            // Let loading report "does not exist" with the path.
            Ok(PackSource::Dir(p))
        }
    }

    /// How the source is shown in messages and in the lockfile.
    pub fn display(&self) -> String {
        match self {
            PackSource::Dir(p) | PackSource::Archive(p) => p.display().to_string(),
            PackSource::Git { url, rev } => format!("git+{url}#{rev}"),
        }
    }
}

/// A pack's content, its digest and the signature found with it.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Files of the pack.
    pub files: PackFiles,
    /// SHA-256 of the pack archive (see the module documentation).
    pub digest: String,
    /// The bytes the signature is over.
    pub signed_bytes: Vec<u8>,
    /// The `.minisig` text, when there is one.
    pub signature: Option<String>,
    /// Where the signature came from (for messages).
    pub signature_path: String,
    /// The directory on disk, for fixtures (`rules test`) and display paths.
    pub root: Option<PathBuf>,
    /// Prefix of display paths for files not on disk (`pack.tar.gz!/`).
    pub display: String,
}

/// Vigie's cache directory: `$VIGIE_CACHE_DIR`, else `$XDG_CACHE_HOME/vigie`, else
/// `~/.cache/vigie` (`%LOCALAPPDATA%\vigie` on Windows).
pub fn cache_dir() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = env("VIGIE_CACHE_DIR") {
        return d;
    }
    if let Some(d) = env("XDG_CACHE_HOME") {
        return d.join("vigie");
    }
    if let Some(d) = env("LOCALAPPDATA") {
        return d.join("vigie");
    }
    env("HOME")
        .map(|h| h.join(".cache").join("vigie"))
        .unwrap_or_else(|| std::env::temp_dir().join("vigie-cache"))
}

/// Reads a pack from its source. Git sources are fetched with the `git` command into
/// the cache (see [`fetch_git`]).
pub fn fetch(source: &PackSource) -> Result<Fetched, PackError> {
    match source {
        PackSource::Dir(dir) => {
            if !dir.is_dir() {
                return Err(PackError::Archive {
                    path: dir.display().to_string(),
                    message: "rule directory does not exist".into(),
                });
            }
            let files = collect_dir(dir)?;
            let archive = build_archive(&files)?;
            let sig_path = dir.join(DIR_SIGNATURE);
            let signature = if sig_path.is_file() {
                Some(std::fs::read_to_string(&sig_path).map_err(io(&sig_path))?)
            } else {
                None
            };
            Ok(Fetched {
                files,
                digest: sha256_hex(&archive),
                signed_bytes: archive,
                signature,
                signature_path: sig_path.display().to_string(),
                root: Some(dir.clone()),
                display: dir.display().to_string(),
            })
        }
        PackSource::Archive(path) => {
            let meta = std::fs::metadata(path).map_err(io(path))?;
            if meta.len() > MAX_PACK_BYTES {
                return Err(PackError::Archive {
                    path: path.display().to_string(),
                    message: "archive is too large".into(),
                });
            }
            let bytes = std::fs::read(path).map_err(io(path))?;
            let display = path.display().to_string();
            let files = read_archive(&bytes, &display)?;
            let sig_path = PathBuf::from(format!("{display}.minisig"));
            let signature = if sig_path.is_file() {
                Some(std::fs::read_to_string(&sig_path).map_err(io(&sig_path))?)
            } else {
                None
            };
            Ok(Fetched {
                files,
                digest: sha256_hex(&bytes),
                signed_bytes: bytes,
                signature,
                signature_path: sig_path.display().to_string(),
                root: None,
                display: format!("{display}!"),
            })
        }
        PackSource::Git { url, rev } => fetch_git(url, rev, &cache_dir()),
    }
}

fn git(url: &str, args: &[&str]) -> Result<Vec<u8>, PackError> {
    let out = Command::new("git")
        // No prompts, no helper transports (`ext::`), whatever the user's config says.
        .env("GIT_TERMINAL_PROMPT", "0")
        .args([
            "-c",
            "protocol.ext.allow=never",
            "-c",
            "core.hooksPath=/dev/null",
        ])
        .args(args)
        .output()
        .map_err(|e| PackError::Git {
            url: url.to_string(),
            message: format!("cannot run git: {e}"),
        })?;
    if !out.status.success() {
        return Err(PackError::Git {
            url: url.to_string(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// Fetches `rev` of a git repository. The repository is mirrored (bare) in
/// `cache/git/<sha256(url)>`; the revision's tree is exported with `git archive`, read in
/// memory like any archive, and its reproducible archive is stored as
/// `cache/packs/<digest>.tar.gz`. A full commit id already resolved once is served from
/// that content-addressed cache without running git (and re-hashed on the way).
pub fn fetch_git(url: &str, rev: &str, cache: &Path) -> Result<Fetched, PackError> {
    let display = format!("git+{url}#{rev}");
    let packs = cache.join("packs");
    let commits = cache.join("commits");
    let is_commit = rev.len() == 40 && rev.chars().all(|c| c.is_ascii_hexdigit());
    if is_commit && let Ok(digest) = std::fs::read_to_string(commits.join(rev)) {
        let digest = digest.trim().to_string();
        let path = packs.join(format!("{digest}.tar.gz"));
        if let Ok(bytes) = std::fs::read(&path)
            && sha256_hex(&bytes) == digest
        {
            let files = read_archive(&bytes, &path.display().to_string())?;
            let signature =
                std::fs::read_to_string(packs.join(format!("{digest}.tar.gz.minisig"))).ok();
            return Ok(Fetched {
                files,
                digest,
                signed_bytes: bytes,
                signature,
                signature_path: format!("{display}!/{DIR_SIGNATURE}"),
                root: None,
                display: format!("{display}!"),
            });
        }
    }
    let mirror = cache.join("git").join(&sha256_hex(url.as_bytes())[..32]);
    let mirror_s = mirror.to_string_lossy().to_string();
    if mirror.join("HEAD").is_file() {
        git(
            url,
            &[
                "-C",
                &mirror_s,
                "fetch",
                "--quiet",
                "--force",
                "--prune",
                "--tags",
                "origin",
                "+refs/heads/*:refs/heads/*",
            ],
        )?;
    } else {
        std::fs::create_dir_all(cache.join("git")).map_err(io(cache))?;
        git(
            url,
            &[
                "clone",
                "--quiet",
                "--bare",
                "--no-local",
                "--",
                url,
                &mirror_s,
            ],
        )?;
    }
    let commit = git(
        url,
        &[
            "-C",
            &mirror_s,
            "rev-parse",
            "--verify",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let tar = git(url, &["-C", &mirror_s, "archive", "--format=tar", &commit])?;
    let mut files = read_archive(&tar, &display)?;
    files.retain(|k, _| !k.split('/').any(|c| c.starts_with('.')) || k == DIR_SIGNATURE);
    let signature = files
        .remove(DIR_SIGNATURE)
        .map(|b| String::from_utf8_lossy(&b).into_owned());
    let signed = build_archive(&files)?;
    let digest = sha256_hex(&signed);
    // Cache by content: `packs/<digest>.tar.gz` is the signed archive itself (its hash
    // is its name), the signature beside it. Failing to cache is not an error.
    let stored = packs.join(format!("{digest}.tar.gz"));
    if std::fs::create_dir_all(&packs).is_ok()
        && std::fs::write(&stored, &signed).is_ok()
        && signature.as_ref().is_none_or(|sig| {
            std::fs::write(packs.join(format!("{digest}.tar.gz.minisig")), sig).is_ok()
        })
        && std::fs::create_dir_all(&commits).is_ok()
    {
        let _ = std::fs::write(commits.join(&commit), &digest);
    }
    Ok(Fetched {
        files,
        digest,
        signed_bytes: signed,
        signature,
        signature_path: format!("{display}!/{DIR_SIGNATURE}"),
        root: None,
        display: format!("{display}!"),
    })
}

/// One pinned pack in `vigie.lock`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LockEntry {
    /// Pack name.
    pub name: String,
    /// Pack version.
    pub version: String,
    /// Pack digest (SHA-256 of its archive).
    pub sha256: String,
    /// The `--rules` value it was locked from (informative).
    #[serde(default)]
    pub source: String,
}

/// `vigie.lock`: the packs a deployment's scans must use, pinned by digest.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// Lock format version (1).
    pub version: u32,
    /// Pinned packs, sorted by name.
    #[serde(default, rename = "pack")]
    pub packs: Vec<LockEntry>,
}

impl Lock {
    /// Reads and checks a lockfile.
    pub fn load(path: &Path) -> Result<Lock, PackError> {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let lock: Lock = toml::from_str(&text).map_err(|e| PackError::Lock {
            path: path.display().to_string(),
            message: e.message().to_string(),
        })?;
        if lock.version != 1 {
            return Err(PackError::Lock {
                path: path.display().to_string(),
                message: format!("unsupported lock version {}", lock.version),
            });
        }
        Ok(lock)
    }

    /// The text of the lockfile.
    pub fn render(&self) -> String {
        let body = toml::to_string(self).unwrap_or_default();
        format!(
            "# Written by `vigie pack lock`: the rule packs scans must use, pinned by SHA-256.\n{body}"
        )
    }

    /// Checks a loaded pack against the lock: it must be listed with the same version
    /// and digest.
    pub fn check(
        &self,
        lock_path: &str,
        name: &str,
        version: &str,
        digest: &str,
    ) -> Result<(), PackError> {
        let fail = |message: String| PackError::Lock {
            path: lock_path.to_string(),
            message,
        };
        let Some(e) = self.packs.iter().find(|e| e.name == name) else {
            return Err(fail(format!(
                "pack `{name}` {version} is not pinned; run `vigie pack lock` to accept it"
            )));
        };
        if e.version != version {
            return Err(fail(format!(
                "pack `{name}` is pinned at version {} but {version} was given",
                e.version
            )));
        }
        if e.sha256 != digest {
            return Err(fail(format!(
                "pack `{name}` {version} changed: pinned sha256 {} but got {digest}",
                e.sha256
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PackFiles {
        let mut f = PackFiles::new();
        f.insert("pack.yaml".into(), b"name: x\n".to_vec());
        f.insert("certificate/A-1-x.yaml".into(), b"id: A-1\n".to_vec());
        f.insert(format!("deep/{}/f.pem", "d".repeat(120)), b"pem".to_vec());
        f
    }

    #[test]
    fn archives_are_reproducible_and_round_trip() {
        let a = build_archive(&sample()).unwrap();
        let b = build_archive(&sample()).unwrap();
        assert_eq!(a, b);
        assert_eq!(read_archive(&a, "a").unwrap(), sample());
    }

    fn tar_with(path: &[u8], kind: tar::EntryType) -> Vec<u8> {
        let mut h = tar::Header::new_old();
        // Write the raw name so `..` and `/` reach the reader untouched.
        h.as_old_mut().name[..path.len()].copy_from_slice(path);
        h.set_entry_type(kind);
        h.set_size(1);
        h.set_mode(0o644);
        h.set_cksum();
        let mut b = tar::Builder::new(Vec::new());
        b.append(&h, &b"x"[..]).unwrap();
        b.into_inner().unwrap()
    }

    #[test]
    fn unsafe_entries_are_refused() {
        for p in [&b"../evil.yaml"[..], b"/etc/passwd", b"a/../../b"] {
            let t = tar_with(p, tar::EntryType::Regular);
            let e = read_archive(&t, "t.tar").unwrap_err().to_string();
            assert!(e.contains("unsafe entry path"), "{e}");
        }
        let t = tar_with(b"link", tar::EntryType::Symlink);
        let e = read_archive(&t, "t.tar").unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn sources() {
        assert_eq!(
            PackSource::parse("git+file:///tmp/r.git#v1.0.0").unwrap(),
            PackSource::Git {
                url: "file:///tmp/r.git".into(),
                rev: "v1.0.0".into()
            }
        );
        assert!(PackSource::parse("git+ssh://h/r#v1").is_err());
        assert!(PackSource::parse("git+file:///r#--upload-pack=x").is_err());
        assert_eq!(
            PackSource::parse("p-1.0.0.tar.gz").unwrap(),
            PackSource::Archive("p-1.0.0.tar.gz".into())
        );
    }

    #[test]
    fn trusted_comment_round_trip() {
        let c = trusted_comment("p", "1.0.0", "ab");
        let f = parse_trusted_comment(&c).unwrap();
        assert_eq!(f["version"], "1.0.0");
        assert!(parse_trusted_comment("timestamp:1 file:x").is_none());
    }

    #[test]
    fn lock_check() {
        let lock = Lock {
            version: 1,
            packs: vec![LockEntry {
                name: "p".into(),
                version: "1.0.0".into(),
                sha256: "aa".into(),
                source: String::new(),
            }],
        };
        assert!(lock.check("l", "p", "1.0.0", "aa").is_ok());
        assert!(
            lock.check("l", "p", "1.0.0", "bb")
                .unwrap_err()
                .to_string()
                .contains("changed")
        );
        assert!(lock.check("l", "q", "1.0.0", "aa").is_err());
        let back: Lock = toml::from_str(&lock.render()).unwrap();
        assert_eq!(back, lock);
    }
}
