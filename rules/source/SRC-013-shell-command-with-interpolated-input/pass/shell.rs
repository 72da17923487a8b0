use std::process::Command;

fn ping(host: &str) {
    // No shell: the host is one argument.
    // ok: SRC-013
    Command::new("ping").arg("-c").arg("1").arg(host).status().unwrap();
}

fn fixed() {
    // A constant command line injects nothing.
    // ok: SRC-013
    Command::new("sh").arg("-c").arg("sync && echo 3 > /proc/sys/vm/drop_caches").status().unwrap();
}

fn script(path: &str) {
    // Running a script file without -c.
    // ok: SRC-013
    Command::new("sh").arg(path).status().unwrap();
}
