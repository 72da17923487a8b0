//! Helpers shared by the integration tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .canonicalize()
        .unwrap()
}

/// Runs the `vigie` binary from the repository root.
pub fn vigie(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn validator() -> &'static jsonschema::Validator {
    static V: OnceLock<jsonschema::Validator> = OnceLock::new();
    V.get_or_init(|| {
        let schema: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root().join("fixtures/sarif/sarif-schema-2.1.0.json"))
                .unwrap(),
        )
        .unwrap();
        jsonschema::validator_for(&schema).unwrap()
    })
}

/// Validates a SARIF document against the vendored OASIS schema; panics with every
/// error when it does not conform.
pub fn assert_valid_sarif(text: &str) -> serde_json::Value {
    let doc: serde_json::Value = serde_json::from_str(text).expect("SARIF is not JSON");
    let errors: Vec<String> = validator()
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF does not validate:\n{}",
        errors.join("\n")
    );
    doc
}

/// Removes the invocation timestamps (the only run-dependent part of SARIF).
pub fn strip_times(mut doc: serde_json::Value) -> serde_json::Value {
    if let Some(invs) = doc["runs"][0]["invocations"].as_array_mut() {
        for inv in invs {
            if let Some(o) = inv.as_object_mut() {
                o.remove("startTimeUtc");
                o.remove("endTimeUtc");
            }
        }
    }
    doc
}
