//! What the benchmarks share: their inputs, generated on first use, and scan options.

use std::path::{Path, PathBuf};
use vigie::engine::{self, ScanOptions};

/// "Today" of every benchmark, as in the scripts.
pub const AS_OF: &str = "2026-11-28";

/// The repository's root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `ready` (a file the generator writes last) after running `scripts/SCRIPT ARGS...` when
/// it is missing; `None`, with a message, when it cannot be made. `label` starts the
/// messages (the benchmark group).
pub fn generated(label: &str, ready: &Path, script: &str, args: &[&std::ffi::OsStr]) -> Option<()> {
    if ready.is_file() {
        return Some(());
    }
    println!(
        "{label}: generating {} with scripts/{script}",
        ready.display()
    );
    std::fs::create_dir_all(root().join("bench-out")).ok()?;
    let status = std::process::Command::new("python3")
        .arg(root().join("scripts").join(script))
        .args(args)
        .status();
    match status {
        Ok(s) if s.success() && ready.is_file() => Some(()),
        Ok(s) => {
            println!("{label}: skipped, the generator failed ({s})");
            None
        }
        Err(e) => {
            println!("{label}: skipped, python3 is not available ({e})");
            None
        }
    }
}

/// Options of a scan of `input` as the CLI runs it by default, "today" being [`AS_OF`].
pub fn scan_options(input: PathBuf) -> ScanOptions {
    ScanOptions {
        inputs: vec![input],
        as_of: engine::parse_date(AS_OF).unwrap(),
        p12_passwords: Vec::new(),
        jobs: 0,
        discover: Default::default(),
        no_suppressions: false,
        previous_scan: None,
    }
}
