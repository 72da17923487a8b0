use std::process::Command;

fn ping(host: &str) {
    // ruleid: SRC-013
    Command::new("sh").arg("-c").arg(format!("ping -c 1 {host}")).status().unwrap();
}

fn restart(service: &str) {
    // ruleid: SRC-013
    let mut cmd = Command::new("/bin/bash");
    cmd.args(["-c", service]);
    cmd.status().unwrap();
}
