//! `vigie pack build | sign | verify | lock | keygen`.

use super::{CliError, write_file};
use crate::config::Config;
use crate::rules::load::{RuleSet, TrustPolicy};
use crate::rules::pack::{self, DIR_SIGNATURE, Lock, LockEntry, PackSource};
use clap::Subcommand;
use std::path::{Path, PathBuf};

/// Pack subcommands.
#[derive(Debug, Subcommand)]
pub enum PackCommand {
    /// Build the reproducible archive of a pack directory (same input, same bytes).
    Build {
        /// The pack directory (with `pack.yaml`).
        dir: PathBuf,
        /// Output file (default: NAME-VERSION.tar.gz).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Sign an archive (writes ARCHIVE.minisig) or a directory (writes DIR/pack.minisig)
    /// with a minisign secret key. An encrypted key's password is read from
    /// $VIGIE_KEY_PASSWORD, else asked on the terminal.
    Sign {
        /// The archive or pack directory.
        archive: PathBuf,
        /// Minisign secret key file.
        #[arg(long, value_name = "SECRET.key")]
        key: PathBuf,
    },
    /// Verify a pack's signature with a public key (file or base64 string).
    Verify {
        /// The archive or pack directory.
        archive: PathBuf,
        /// Minisign public key: a `.pub` file or the base64 key itself.
        #[arg(long, value_name = "KEY")]
        pubkey: String,
    },
    /// Pin packs by version and SHA-256 in vigie.lock (signatures are checked as in a scan).
    Lock {
        /// Packs: directories, archives, git+file://…#rev or git+https://…#rev.
        #[arg(long = "rules", value_name = "SOURCE", required = true)]
        rules: Vec<String>,
        /// Lockfile to write.
        #[arg(short, long, value_name = "FILE", default_value = "vigie.lock")]
        output: PathBuf,
        /// Configuration with the trusted keys (default: ./vigie.toml when present).
        #[arg(long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// Lock unsigned or untrusted packs too.
        #[arg(long)]
        allow_unsigned: bool,
    },
    /// Generate an unencrypted minisign key pair (NAME.key, NAME.pub) for tests and
    /// first steps; production keys belong offline, made with `minisign -G`.
    Keygen {
        /// Path prefix of the two files.
        #[arg(short, long, value_name = "NAME")]
        output: PathBuf,
    },
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Io {
        path: path.display().to_string(),
        source,
    })
}

fn source_of(path: &Path) -> PackSource {
    if path.is_dir() {
        PackSource::Dir(path.to_path_buf())
    } else {
        PackSource::Archive(path.to_path_buf())
    }
}

/// Name and version from a fetched pack's `pack.yaml`.
fn identity(f: &pack::Fetched) -> Result<(String, String), CliError> {
    let Some(bytes) = f.files.get("pack.yaml") else {
        return Err(CliError::Usage(format!(
            "{}: no `pack.yaml` at the pack root",
            f.display
        )));
    };
    #[derive(serde::Deserialize)]
    struct Id {
        name: String,
        version: String,
    }
    let text = String::from_utf8_lossy(bytes);
    let id: Id = serde_saphyr::from_str(&text)
        .map_err(|e| CliError::Usage(format!("{}/pack.yaml: {e}", f.display)))?;
    Ok((id.name, id.version))
}

/// Runs a pack subcommand.
pub fn run(c: PackCommand) -> Result<i32, CliError> {
    match c {
        PackCommand::Build { dir, output } => {
            // An invalid pack is not worth publishing: validate it first.
            let set = RuleSet::load(true, std::slice::from_ref(&dir)).map_err(CliError::Rules)?;
            let Some(m) = set
                .manifests
                .first()
                .filter(|_| dir.join("pack.yaml").is_file())
            else {
                return Err(CliError::Usage(format!(
                    "{}: a pack needs a `pack.yaml`",
                    dir.display()
                )));
            };
            let files = pack::collect_dir(&dir)?;
            let bytes = pack::build_archive(&files)?;
            let out =
                output.unwrap_or_else(|| PathBuf::from(format!("{}-{}.tar.gz", m.name, m.version)));
            std::fs::write(&out, &bytes).map_err(|source| CliError::Io {
                path: out.display().to_string(),
                source,
            })?;
            println!(
                "{} {} ({} rules, {} files) -> {}\nsha256 {}",
                m.name,
                m.version,
                set.rules.len(),
                files.len(),
                out.display(),
                pack::sha256_hex(&bytes)
            );
            Ok(0)
        }
        PackCommand::Sign { archive, key } => {
            let fetched = pack::fetch(&source_of(&archive))?;
            let (name, version) = identity(&fetched)?;
            let key_text = String::from_utf8_lossy(&read(&key)?).into_owned();
            let comment = pack::trusted_comment(&name, &version, &fetched.digest);
            let password = std::env::var("VIGIE_KEY_PASSWORD").ok();
            let sig = pack::sign(
                &fetched.signed_bytes,
                &key_text,
                &key.display().to_string(),
                password,
                &comment,
            )?;
            let out = if archive.is_dir() {
                archive.join(DIR_SIGNATURE)
            } else {
                PathBuf::from(format!("{}.minisig", archive.display()))
            };
            write_file(&out, &sig)?;
            println!("signed {name} {version} -> {}", out.display());
            Ok(0)
        }
        PackCommand::Verify { archive, pubkey } => {
            let key = if Path::new(&pubkey).is_file() {
                String::from_utf8_lossy(&read(Path::new(&pubkey))?).into_owned()
            } else {
                pubkey
            };
            let fetched = pack::fetch(&source_of(&archive))?;
            let (name, version) = identity(&fetched)?;
            let Some(sig) = &fetched.signature else {
                return Err(CliError::Usage(format!(
                    "{}: no signature (expected {})",
                    archive.display(),
                    fetched.signature_path
                )));
            };
            let v = pack::verify(
                &fetched.signed_bytes,
                sig,
                &fetched.signature_path,
                &[key],
                Some((&name, &version, &fetched.digest)),
            )?;
            println!(
                "signature ok: {name} {version}\nsha256 {}\ntrusted comment: {}",
                fetched.digest, v.trusted_comment
            );
            Ok(0)
        }
        PackCommand::Lock {
            rules,
            output,
            config,
            allow_unsigned,
        } => {
            let config = match config {
                Some(p) => Config::load(&p)?,
                None if Path::new("vigie.toml").is_file() => Config::load(Path::new("vigie.toml"))?,
                None => Config::default(),
            };
            let sources = rules
                .iter()
                .map(|s| PackSource::parse(s))
                .collect::<Result<Vec<_>, _>>()
                .map_err(CliError::Usage)?;
            let policy = TrustPolicy {
                keys: config.trusted_keys.clone(),
                allow_unsigned,
                lock: None,
            };
            let set =
                RuleSet::load_sources(true, &sources, Some(&policy)).map_err(CliError::Rules)?;
            let mut lock = Lock {
                version: 1,
                packs: Vec::new(),
            };
            for (p, src) in set.packs.iter().zip(&sources) {
                lock.packs.push(LockEntry {
                    name: p.name.clone(),
                    version: p.version.clone(),
                    sha256: p.sha256.clone().unwrap_or_default(),
                    source: src.display(),
                });
            }
            lock.packs.sort_by(|a, b| a.name.cmp(&b.name));
            write_file(&output, &lock.render())?;
            for e in &lock.packs {
                println!("locked {} {} sha256 {}", e.name, e.version, e.sha256);
            }
            Ok(0)
        }
        PackCommand::Keygen { output } => {
            let kp = minisign::KeyPair::generate_unencrypted_keypair()
                .map_err(|e| CliError::Usage(format!("cannot generate a key: {e}")))?;
            let sk = kp
                .sk
                .to_box(None)
                .map_err(|e| CliError::Usage(format!("cannot encode the key: {e}")))?;
            let pk = kp
                .pk
                .to_box()
                .map_err(|e| CliError::Usage(format!("cannot encode the key: {e}")))?;
            let skp = PathBuf::from(format!("{}.key", output.display()));
            let pkp = PathBuf::from(format!("{}.pub", output.display()));
            write_file(&skp, &sk.into_string())?;
            write_file(&pkp, &pk.into_string())?;
            println!("{}\n{}", skp.display(), kp.pk.to_base64());
            Ok(0)
        }
    }
}
