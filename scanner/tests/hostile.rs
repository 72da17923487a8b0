//! Bombs and traps: each hostile input ends in bounded time and memory with a clear
//! notification. Scans run the `vigie` binary as a child process whose peak resident
//! memory (`VmHWM`) is sampled from /proc while it runs, and printed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::root;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a measured scan gave.
struct Run {
    code: i32,
    report: serde_json::Value,
    stderr: String,
    took: Duration,
    /// Peak resident memory of the child, in MiB.
    peak_mib: u64,
}

impl Run {
    fn notification(&self, code: &str) -> &serde_json::Value {
        self.report["notifications"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["code"] == code)
            .unwrap_or_else(|| {
                panic!(
                    "no `{code}` notification in {:#}",
                    self.report["notifications"]
                )
            })
    }
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs `vigie ARGS` with a JSON report, sampling the child's peak memory every 5 ms.
fn measured(args: &[&str], dir: &Path, what: &str) -> Run {
    let out_path = dir.join("report.json");
    let err_path = dir.join("stderr.txt");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(args)
        .args([
            "--format",
            "json",
            "--as-of",
            "2026-11-28",
            "--fail-on",
            "critical",
        ])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdout(Stdio::from(std::fs::File::create(&out_path).unwrap()))
        .stderr(Stdio::from(std::fs::File::create(&err_path).unwrap()))
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(child.id()) {
            peak = peak.max(kib);
        }
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "{what}: still running after 4 minutes"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let took = started.elapsed();
    let stdout = std::fs::read_to_string(&out_path).unwrap();
    let stderr = std::fs::read_to_string(&err_path).unwrap();
    let report = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("{what}: no JSON report ({e}); stderr:\n{stderr}"));
    let run = Run {
        code: status.code().unwrap_or(-1),
        report,
        stderr,
        took,
        peak_mib: peak / 1024,
    };
    eprintln!(
        "{what}: exit {}, {:.1} s, peak RSS {} MiB",
        run.code,
        run.took.as_secs_f64(),
        run.peak_mib
    );
    // 0 or 1: no finding or findings; 3: some input could not be read completely.
    assert!(
        [0, 1, 3].contains(&run.code),
        "{what}: exit {}\n{}",
        run.code,
        run.stderr
    );
    run
}

fn scan(dir: &Path, what: &str) -> Run {
    measured(&["scan", dir.to_str().unwrap()], dir, what)
}

/// A gzip stream of `mib` MiB of zeros, about 1 KiB per MiB, built without ever
/// holding the zeros: one deflate segment of 1 MiB of zeros ended by a full flush
/// (byte-aligned, no back-reference across it) is repeated, then the CRC-32 and length
/// of the whole are written.
fn gzip_of_zeros(mib: u64, out: &mut impl Write) {
    use flate2::{Compress, Compression, FlushCompress};
    const MIB: usize = 1024 * 1024;
    let zeros = vec![0u8; MIB];
    let mut segment = Vec::with_capacity(64 * 1024);
    let mut c = Compress::new(Compression::best(), false);
    c.compress_vec(&zeros, &mut segment, FlushCompress::Full)
        .unwrap();
    assert_eq!(
        c.total_in(),
        MIB as u64,
        "one call compresses the whole MiB"
    );
    let mut last = Vec::with_capacity(64);
    Compress::new(Compression::best(), false)
        .compress_vec(&[], &mut last, FlushCompress::Finish)
        .unwrap();
    let mut crc_mib = crc32fast::Hasher::new();
    crc_mib.update(&zeros);
    let mut crc = crc32fast::Hasher::new();
    out.write_all(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
        .unwrap();
    for _ in 0..mib {
        out.write_all(&segment).unwrap();
        crc.combine(&crc_mib);
    }
    out.write_all(&last).unwrap();
    out.write_all(&crc.finalize().to_le_bytes()).unwrap();
    out.write_all(&((mib * MIB as u64) as u32).to_le_bytes())
        .unwrap();
}

#[test]
fn the_gzip_stream_of_zeros_is_valid() {
    let mut gz = Vec::new();
    gzip_of_zeros(40, &mut gz);
    let mut d = flate2::read::GzDecoder::new(&gz[..]);
    let mut all = Vec::new();
    std::io::Read::read_to_end(&mut d, &mut all).unwrap();
    assert_eq!(all.len(), 40 << 20);
    assert!(all.iter().all(|&b| b == 0));
}

#[test]
fn gzip_of_ten_gib_of_zeros() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("update.bin.gz");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    gzip_of_zeros(10 * 1024, &mut f);
    f.flush().unwrap();
    drop(f);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size < 16 * 1024 * 1024, "{size}");
    let run = scan(tmp.path(), "gzip of 10 GiB of zeros");
    let n = run.notification("image-limit-entry-size");
    assert!(
        n["message"].as_str().unwrap().contains("per-entry limit"),
        "{n}"
    );
    assert!(run.peak_mib < 1024, "peak {} MiB", run.peak_mib);
}

fn tar_header(name: &[u8], size: u64, kind: tar::EntryType, link: Option<&str>) -> tar::Header {
    let mut h = tar::Header::new_old();
    // Raw name bytes: `set_path` refuses `..`, which is the point here.
    h.as_old_mut().name[..name.len()].copy_from_slice(name);
    h.set_size(size);
    h.set_mode(0o644);
    h.set_entry_type(kind);
    if let Some(l) = link {
        h.as_old_mut().linkname[..l.len()].copy_from_slice(l.as_bytes());
    }
    h.set_cksum();
    h
}

fn tar_of(entries: &[(&[u8], &[u8])], links: &[(&[u8], &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, data) in entries {
        let h = tar_header(name, data.len() as u64, tar::EntryType::Regular, None);
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    for (name, target) in links {
        let h = tar_header(name, 0, tar::EntryType::Symlink, Some(target));
        out.extend_from_slice(h.as_bytes());
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn thirty_nested_archives() {
    let cert = std::fs::read(
        root().join("fixtures/demo-territory/certificates/cameras/cam-parvis-mairie.pem"),
    )
    .unwrap();
    let mut inner = gzip(&tar_of(&[(b"deepest.pem", &cert)], &[]));
    for level in (1..30).rev() {
        let name = format!("level{level}.tar.gz");
        inner = gzip(&tar_of(&[(name.as_bytes(), &inner)], &[]));
    }
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("level0.tar.gz"), &inner).unwrap();
    let run = scan(tmp.path(), "30 nested tar.gz");
    let n = run.notification("image-limit-depth");
    assert!(
        n["message"].as_str().unwrap().contains("the limit is 6"),
        "{n}"
    );
    assert!(run.peak_mib < 512, "peak {} MiB", run.peak_mib);
}

#[test]
fn tar_with_a_million_tiny_entries() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("many.tar");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    for i in 0..1_000_000u32 {
        let name = format!("d/{i:07}");
        let h = tar_header(name.as_bytes(), 0, tar::EntryType::Regular, None);
        f.write_all(h.as_bytes()).unwrap();
    }
    f.write_all(&[0; 1024]).unwrap();
    f.flush().unwrap();
    drop(f);
    let run = scan(tmp.path(), "tar of 1,000,000 empty files");
    let n = run.notification("image-limit-entries");
    assert!(
        n["message"].as_str().unwrap().contains("500000 entries"),
        "{n}"
    );
    assert!(run.peak_mib < 512, "peak {} MiB", run.peak_mib);
}

#[test]
fn symlink_loops_and_links_outside_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::copy(
        root().join("fixtures/demo-territory/certificates/cameras/cam-parvis-mairie.pem"),
        d.join("cam.pem"),
    )
    .unwrap();
    std::os::unix::fs::symlink(".", d.join("loop")).unwrap();
    std::os::unix::fs::symlink("..", d.join("up")).unwrap();
    std::os::unix::fs::symlink("/etc", d.join("etc")).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", d.join("passwd")).unwrap();
    std::os::unix::fs::symlink("b", d.join("a")).unwrap();
    std::os::unix::fs::symlink("a", d.join("b")).unwrap();
    let run = scan(d, "symlinks on disk");
    let notes = run.report["notifications"].as_array().unwrap();
    let links: Vec<&str> = notes
        .iter()
        .filter(|n| n["code"] == "symlink-not-followed")
        .map(|n| n["location"]["uri"].as_str().unwrap())
        .collect();
    assert_eq!(links.len(), 6, "{links:?}");
    assert!(links.iter().any(|u| u.ends_with("/passwd")));
    let artifacts = run.report["artifacts"].as_array().unwrap();
    assert_eq!(artifacts.len(), 1, "only cam.pem is read: {artifacts:?}");
}

#[test]
fn entries_climbing_out_of_an_image_and_links_outside_it() {
    let passwd = b"root:x:0:0:root:/root:/bin/sh\n";
    let tar = tar_of(
        &[
            (b"../../x", b"outside"),
            (b"/etc/passwd", passwd),
            (b"ok/../../y", b"up"),
        ],
        &[
            (b"etc/shadow", "../../../../etc/shadow"),
            (b"loop-a", "loop-b"),
            (b"loop-b", "loop-a"),
            (b"etc/resolv.conf", "/tmp/resolv.conf"),
        ],
    );
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("a/b");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::write(work.join("traps.tar"), &tar).unwrap();
    let run = scan(&work, "tar with ../ names and links");
    let unsafe_paths: Vec<&str> = run.report["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["code"] == "image-unsafe-path")
        .map(|n| n["message"].as_str().unwrap())
        .collect();
    assert_eq!(unsafe_paths.len(), 2, "{unsafe_paths:?}");
    assert!(unsafe_paths[0].contains("`../../x`"), "{unsafe_paths:?}");
    let n = run.notification("image-symlink-outside");
    assert!(
        n["message"]
            .as_str()
            .unwrap()
            .contains("`etc/shadow` -> `../../../../etc/shadow`"),
        "{n}"
    );
    // Nothing is ever written: no `x` or `y` beside or above the archive.
    for p in [tmp.path().join("x"), tmp.path().join("a/y"), work.join("x")] {
        assert!(!p.exists(), "{}", p.display());
    }
}

fn nmap_doc(hosts: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun>\n<nmaprun scanner=\"nmap\" args=\"nmap -sV 10.0.0.0/24\" start=\"1795860000\" version=\"7.93\">\n{hosts}\n</nmaprun>\n"
    )
}

#[test]
fn xml_entity_expansion_and_deep_nesting() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let mut laughs =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        laughs.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    laughs.push_str("]>\n<nmaprun scanner=\"nmap\">\n<host><status state=\"up\"/><address addr=\"10.0.0.1\" addrtype=\"ipv4\"/><hostnames><hostname name=\"&lol9;\"/></hostnames></host>\n</nmaprun>\n");
    std::fs::write(d.join("laughs.xml"), laughs).unwrap();
    let deep_inside = format!(
        "<host><status state=\"up\"/><address addr=\"10.0.0.2\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\" portid=\"443\"><state state=\"open\"/><script id=\"ssl-cert\" output=\"x\">{}{}</script></port></ports></host>",
        "<table>".repeat(100_000),
        "</table>".repeat(100_000)
    );
    std::fs::write(d.join("deep-host.xml"), nmap_doc(&deep_inside)).unwrap();
    let deep_outside = format!(
        "{}<host><status state=\"up\"/><address addr=\"10.0.0.3\" addrtype=\"ipv4\"/></host>{}",
        "<a>".repeat(100_000),
        "</a>".repeat(100_000)
    );
    std::fs::write(d.join("deep-run.xml"), nmap_doc(&deep_outside)).unwrap();
    let run = scan(d, "billion laughs and 100,000-deep XML");
    let notes = &run.report["notifications"];
    let for_file = |f: &str| {
        notes
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["location"]["uri"].as_str().unwrap().ends_with(f))
            .map(|n| format!("{}: {}", n["code"], n["message"]))
            .collect::<Vec<_>>()
    };
    let laughs = for_file("laughs.xml");
    assert!(laughs.iter().any(|m| m.contains("entity")), "{laughs:?}");
    let deep = for_file("deep-host.xml");
    // roxmltree reads the deep host without recursion: it is checked, not refused.
    let mut all = notes.as_array().unwrap().iter();
    assert!(!all.any(|n| n["code"] == "extractor-panic"), "{notes:#}");
    eprintln!(
        "laughs: {laughs:?}\ndeep host: {deep:?}\ndeep run: {:?}",
        for_file("deep-run.xml")
    );
    assert!(run.peak_mib < 512, "peak {} MiB", run.peak_mib);
}

#[test]
fn yaml_alias_bomb_in_a_declaration() {
    let mut bomb = String::from("schema_version: \"1.0\"\nkind: processing_record\nid: bomb\n");
    bomb.push_str("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        bomb.push_str(&format!(
            "l{i}: &l{i} [{}]\n",
            vec![format!("*l{}", i - 1); 10].join(", ")
        ));
    }
    bomb.push_str("name: *l9\n");
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("registre.yaml"), &bomb).unwrap();
    let run = scan(tmp.path(), "YAML alias bomb (declaration)");
    let notes = run.report["notifications"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n["location"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("registre.yaml")),
        "{notes:?}"
    );
    assert!(run.peak_mib < 512, "peak {} MiB", run.peak_mib);
    // The same bomb as a rule file of a pack.
    let rules = tmp.path().join("rules/certificate");
    std::fs::create_dir_all(&rules).unwrap();
    let rule = bomb.replace("kind: processing_record\nid: bomb\n", "id: CERT-990\n");
    std::fs::write(rules.join("CERT-990-bomb.yaml"), rule).unwrap();
    let out = rules_validate(&tmp.path().join("rules"), "YAML alias bomb (rule)");
    assert_eq!(out.0, 2, "{}", out.1);
    assert!(out.1.contains("CERT-990-bomb.yaml"), "{}", out.1);
}

/// `vigie rules validate DIR`: exit code and stderr, timed and bounded.
fn rules_validate(dir: &Path, what: &str) -> (i32, String) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["rules", "validate", dir.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let took = started.elapsed();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!(
        "{what}: exit {:?}, {:.1} s",
        out.status.code(),
        took.as_secs_f64()
    );
    assert!(took < Duration::from_secs(60), "{what}: {took:?}");
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn hundred_mib_single_line_files() {
    let tmp = tempfile::tempdir().unwrap();
    let line = vec![b'a'; 100 * 1024 * 1024];
    let mut rs = b"fn main() { let s = \"".to_vec();
    rs.extend_from_slice(&line);
    std::fs::write(tmp.path().join("huge.rs"), &rs).unwrap();
    let mut xml = nmap_doc("<host comment=\"").into_bytes();
    xml.truncate(xml.len() - "\n</nmaprun>\n".len());
    xml.extend_from_slice(&line);
    std::fs::write(tmp.path().join("huge.xml"), &xml).unwrap();
    drop((line, rs, xml));
    let run = scan(tmp.path(), "100 MiB single-line .rs and nmap XML");
    let n = run.notification("file-too-large");
    assert!(
        n["location"]["uri"].as_str().unwrap().ends_with("huge.rs"),
        "{n}"
    );
    let n = run.notification("malformed-nmap-xml");
    assert!(
        n["message"].as_str().unwrap().contains("no `</host>`"),
        "{n}"
    );
    assert!(run.peak_mib < 512, "peak {} MiB", run.peak_mib);
}

#[test]
fn conditions_nested_ten_thousand_deep() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("certificate");
    std::fs::create_dir_all(&dir).unwrap();
    let good =
        std::fs::read_to_string(root().join("rules/certificate/CERT-001-rsa-key-too-small.yaml"))
            .unwrap();
    let cond_line = good
        .lines()
        .find(|l| l.starts_with("condition:"))
        .unwrap()
        .to_string();
    let n = 10_000;
    let shapes = [
        format!("{}true{}", "(".repeat(n), ")".repeat(n)),
        format!("{}true{}", "[".repeat(n), "]".repeat(n)),
        format!("{}true", "!".repeat(n)),
        format!("{}1 > 0", "-".repeat(n)),
        format!("{}true", "true && ".repeat(n / 10)),
        format!("key{}", ".bits".repeat(n / 10)),
        format!("{}1{} > 0", "size([".repeat(n / 10), "])".repeat(n / 10)),
        format!(
            "{}true{}",
            "true ? (".repeat(n / 10),
            ") : false".repeat(n / 10)
        ),
    ];
    for (i, cond) in shapes.iter().enumerate() {
        let id = format!("CERT-99{i}");
        let text = good
            .replace("id: CERT-001", &format!("id: {id}"))
            .replace(&cond_line, &format!("condition: '{cond}'"));
        std::fs::write(dir.join(format!("{id}-rsa-key-too-small.yaml")), text).unwrap();
    }
    let (code, text) = rules_validate(tmp.path(), "conditions nested 10,000 deep");
    assert_eq!(code, 2, "{text}");
    for i in 0..shapes.len() {
        assert!(
            text.contains(&format!("CERT-99{i}")),
            "shape {i} not refused:\n{text}"
        );
    }
}

#[test]
fn regex_catastrophic_for_backtracking_runs_in_linear_time() {
    use vigie::rules::condition::{Expr, Scope};
    let subject = format!("{}!", "a".repeat(100_000));
    let ctx = Scope::from_json(&serde_json::json!({ "subject": subject }));
    for cond in [
        r#"subject.matches("^(a+)+$")"#,
        r#"subject.matches("^(a|aa)*$")"#,
        r#"subject.search("(a*)*b")"#,
    ] {
        let e = Expr::compile(cond).unwrap();
        let started = Instant::now();
        assert!(!e.eval_bool(&ctx).unwrap(), "{cond}");
        let took = started.elapsed();
        eprintln!("{cond} on 100,001 characters: {took:?}");
        assert!(took < Duration::from_secs(2), "{cond}: {took:?}");
    }
}

/// `vigie scan` of the demo territory as SARIF text, run through `wrapper` (a command
/// and its arguments placed before the `vigie` binary).
fn demo_sarif(wrapper: &[&str], jobs: &str) -> (i32, String, String) {
    let vigie = env!("CARGO_BIN_EXE_vigie");
    let args = [
        vigie,
        "scan",
        "fixtures/demo-territory",
        "--format",
        "sarif",
        "--as-of",
        "2026-11-28",
        "--jobs",
        jobs,
    ];
    let all: Vec<&str> = wrapper.iter().chain(args.iter()).copied().collect();
    let out = Command::new(all[0])
        .args(&all[1..])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The SARIF text without the invocation's start and end times.
fn without_times(sarif: &str) -> String {
    sarif
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !t.starts_with("\"startTimeUtc\"") && !t.starts_with("\"endTimeUtc\"")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn one_thread_or_eight_give_byte_identical_sarif() {
    let (code1, one, _) = demo_sarif(&[], "1");
    let (code8, eight, _) = demo_sarif(&[], "8");
    assert_eq!((code1, code8), (1, 1));
    assert!(
        one.contains("\"startTimeUtc\""),
        "the times are there to strip"
    );
    let (one, eight) = (without_times(&one), without_times(&eight));
    assert!(one.len() > 10_000);
    if one != eight {
        let at = one
            .bytes()
            .zip(eight.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(one.len().min(eight.len()));
        panic!(
            "SARIF differs at byte {at}:\n--jobs 1: {}\n--jobs 8: {}",
            &one[at.saturating_sub(200)..(at + 200).min(one.len())],
            &eight[at.saturating_sub(200)..(at + 200).min(eight.len())]
        );
    }
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {cmd}")])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Under `strace -f -e trace=network`, the full demo scan makes no network system call
/// at all. A control run of bash opening a TCP connection to the loopback shows that
/// the trace does catch one.
#[test]
fn the_demo_scan_opens_no_socket() {
    if !have("strace") {
        assert!(
            std::env::var_os("CI").is_none(),
            "strace is missing: .ci/run installs it"
        );
        eprintln!("SKIPPED: strace is not installed (apt-get install strace)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("trace.log");
    let log = log.to_str().unwrap();
    let trace = ["strace", "-f", "-qq", "-e", "trace=network", "-o", log];
    let control = Command::new("strace")
        .args(&trace[1..])
        .args(["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/9 || true"])
        .output()
        .unwrap();
    let control_log = std::fs::read_to_string(log).unwrap_or_default();
    if !control.status.success() && control_log.is_empty() {
        let why = String::from_utf8_lossy(&control.stderr);
        eprintln!("SKIPPED: strace cannot trace here: {why}");
        return;
    }
    assert!(
        control_log.contains("socket(") && control_log.contains("connect("),
        "the control run's socket is not in the trace:\n{control_log}"
    );
    let (code, sarif, stderr) = demo_sarif(&trace, "2");
    assert_eq!(code, 1, "the demo scan succeeds with findings:\n{stderr}");
    assert!(sarif.contains("\"results\""));
    let calls = std::fs::read_to_string(log).unwrap();
    assert!(
        calls.trim().is_empty(),
        "network system calls during the scan:\n{calls}"
    );
}

/// In a network namespace with no interface at all, the demo scan gives the same SARIF
/// as outside.
#[test]
fn the_demo_scan_needs_no_network() {
    let probe = Command::new("unshare").args(["-rn", "true"]).output();
    match probe {
        Ok(o) if o.status.success() => {}
        Ok(o) => {
            eprintln!(
                "SKIPPED: network namespaces are not permitted here: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            );
            return;
        }
        Err(e) => {
            eprintln!("SKIPPED: unshare (util-linux) cannot run: {e}");
            return;
        }
    }
    let (code, isolated, stderr) = demo_sarif(&["unshare", "-rn"], "2");
    assert_eq!(code, 1, "{stderr}");
    let (_, outside, _) = demo_sarif(&[], "2");
    assert_eq!(without_times(&isolated), without_times(&outside));
}
