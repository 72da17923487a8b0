use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

const UPDATE_KEY: [u8; 32] = [7; 32];

pub fn self_update(url: &str, sig_url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let body = reqwest::blocking::get(url)?.bytes()?;
    let sig = reqwest::blocking::get(sig_url)?.bytes()?;
    let key = VerifyingKey::from_bytes(&UPDATE_KEY)?;
    key.verify(&body, &Signature::from_slice(&sig)?)?;
    let path = "/opt/passerelle/passerelle.new";
    fs::write(path, &body)?;
    // ok: SRC-018
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    Command::new(path).arg("--restart").status()?;
    Ok(())
}

/// Downloads a configuration file: nothing is run.
pub fn fetch_config(url: &str) -> Result<String, reqwest::Error> {
    // ok: SRC-018
    let text = reqwest::blocking::get(url)?.text()?;
    Ok(text)
}

/// Runs a fixed local program: nothing is downloaded.
pub fn restart() -> std::io::Result<()> {
    let program = "/usr/bin/systemctl";
    // ok: SRC-018
    Command::new(program).args(["restart", "passerelle"]).status()?;
    Ok(())
}
