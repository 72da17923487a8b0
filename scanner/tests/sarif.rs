//! SARIF output: schema validity, rule metadata, fingerprints, notifications,
//! suppressions and determinism.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{assert_valid_sarif, root, strip_times, vigie};
use std::fs;

fn scan_sarif(args: &[&str]) -> (i32, serde_json::Value) {
    let mut all = vec!["scan", "--format", "sarif"];
    all.extend_from_slice(args);
    let out = vigie(&all);
    let text = String::from_utf8(out.stdout).unwrap();
    (out.status.code().unwrap_or(-1), assert_valid_sarif(&text))
}

#[test]
fn demo_territory_sarif_is_valid_and_complete() {
    let (code, doc) = scan_sarif(&["fixtures/demo-territory"]);
    assert_eq!(code, 1, "the demo has high findings");
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.len() >= 20);
    for r in rules {
        let id = r["id"].as_str().unwrap();
        assert!(
            r["shortDescription"]["text"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{id}"
        );
        let help = r["help"]["markdown"].as_str().unwrap();
        assert!(
            help.contains("**Why it matters.**") && help.contains("**How to fix.**"),
            "{id}"
        );
        assert!(
            help.contains("**References.**"),
            "{id}: a rule needs references"
        );
        let sev = r["properties"]["security-severity"].as_str().unwrap();
        assert!(["9.5", "8.0", "5.5", "3.0", "0.0"].contains(&sev), "{id}");
        assert!(
            r["properties"]["tags"].as_array().unwrap().len() >= 2,
            "{id}"
        );
        assert!(
            r["properties"]["vigie"]["why"]["fr"]
                .as_str()
                .is_some_and(|s| !s.is_empty())
        );
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[idx]["id"], res["ruleId"],
            "ruleIndex points at the rule"
        );
        assert_eq!(
            res["partialFingerprints"]["vigie/v1"]
                .as_str()
                .unwrap()
                .len(),
            32
        );
        let loc = &res["locations"][0];
        assert!(loc["physicalLocation"]["artifactLocation"]["uri"].is_string());
        assert!(
            loc["physicalLocation"]["region"].is_object() || loc["logicalLocations"].is_array(),
            "a result needs a region or a logical location"
        );
    }
    // The suppressed parking certificate is kept, with its justification.
    let suppressed: Vec<_> = results
        .iter()
        .filter(|r| r["suppressions"].is_array())
        .collect();
    assert!(
        !suppressed.is_empty(),
        "the demo's vigie.toml suppresses one finding"
    );
    for s in suppressed {
        assert_eq!(s["suppressions"][0]["kind"], "external");
        assert!(
            s["suppressions"][0]["justification"]
                .as_str()
                .unwrap()
                .contains("parking")
        );
    }
}

#[test]
fn malformed_inputs_become_notifications_and_the_scan_goes_on() {
    let (code, doc) = scan_sarif(&[
        "fixtures/malformed",
        "fixtures/demo-territory/certificates/cameras",
    ]);
    assert_eq!(code, 1, "findings of the camera are still reported");
    let run = &doc["runs"][0];
    let inv = &run["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    let find = |uri: &str| {
        notes
            .iter()
            .find(|n| n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == uri)
            .unwrap_or_else(|| panic!("no notification for {uri}: {notes:#?}"))
    };
    let n = find("fixtures/malformed/truncated.der");
    assert_eq!(n["level"], "error");
    assert_eq!(n["descriptor"]["id"], "truncated-der");
    let n = find("fixtures/malformed/garbage-base64.pem");
    assert_eq!(n["descriptor"]["id"], "malformed-pem");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["region"]["startLine"],
        1
    );
    let n = find("fixtures/malformed/cut-in-the-middle.pem");
    assert!(
        n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("END marker missing")
    );
    let n = find("fixtures/malformed/empty.crt");
    assert_eq!(n["level"], "warning");
    assert!(n["message"]["text"].as_str().unwrap().contains("empty"));
    assert!(
        !notes.iter().any(|n| n.to_string().contains("notes.txt")),
        "plain text is skipped silently"
    );
    assert!(!run["results"].as_array().unwrap().is_empty());
}

#[test]
fn incomplete_scan_without_findings_exits_3() {
    let out = vigie(&["scan", "fixtures/malformed", "--no-default-rules"]);
    assert_eq!(out.status.code(), Some(3));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("error[truncated-der] fixtures/malformed/truncated.der"),
        "{text}"
    );
}

#[test]
fn unreadable_directory_is_a_notification() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let locked = tmp.path().join("locked");
    fs::create_dir(&locked).unwrap();
    fs::copy(
        root().join("fixtures/demo-territory/certificates/pki/root-ca.pem"),
        tmp.path().join("root-ca.pem"),
    )
    .unwrap();
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let bin = env!("CARGO_BIN_EXE_vigie");
    let dir = tmp.path().to_str().unwrap();
    // Root reads anything: drop to an unprivileged user so the permission applies.
    let is_root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout == b"0\n")
        .unwrap_or(false);
    let out = if is_root {
        std::process::Command::new("setpriv")
            .args([
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                bin,
                "scan",
                "--format",
                "sarif",
                dir,
            ])
            .output()
            .unwrap()
    } else {
        std::process::Command::new(bin)
            .args(["scan", "--format", "sarif", dir])
            .output()
            .unwrap()
    };
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = assert_valid_sarif(&String::from_utf8(out.stdout).unwrap());
    let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let n = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "unreadable-path")
        .unwrap();
    let uri = n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.ends_with("/locked"), "{uri}");
    assert!(
        n["message"]["text"]
            .as_str()
            .unwrap()
            .contains("ermission denied")
    );
    // The readable certificate next to it was still scanned.
    assert_eq!(doc["runs"][0]["artifacts"].as_array().unwrap().len(), 1);
}

#[test]
fn same_inputs_give_identical_sarif_whatever_the_thread_count() {
    let (_, a) = scan_sarif(&[
        "fixtures/demo-territory",
        "fixtures/malformed",
        "--jobs",
        "1",
    ]);
    let (_, b) = scan_sarif(&[
        "fixtures/demo-territory",
        "fixtures/malformed",
        "--jobs",
        "8",
    ]);
    let a = serde_json::to_string_pretty(&strip_times(a)).unwrap();
    let b = serde_json::to_string_pretty(&strip_times(b)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn fingerprints_survive_moving_a_certificate_down_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let pem = fs::read_to_string(
        root().join("fixtures/demo-territory/certificates/cameras/cam-parvis-mairie.pem"),
    )
    .unwrap();
    let file = tmp.path().join("camera.pem");
    let dir = tmp.path().to_str().unwrap().to_string();
    fs::write(&file, &pem).unwrap();
    let (_, before) = scan_sarif(&[&dir, "--as-of", "2026-11-28"]);
    fs::write(
        &file,
        format!("# inventory: camera 3, town-hall square\n\n\n{pem}"),
    )
    .unwrap();
    let (_, after) = scan_sarif(&[&dir, "--as-of", "2026-11-28"]);
    let prints = |d: &serde_json::Value| -> Vec<(String, String, u64)> {
        d["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["ruleId"].as_str().unwrap().to_string(),
                    r["partialFingerprints"]["vigie/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let (b, a) = (prints(&before), prints(&after));
    assert!(!b.is_empty());
    assert_eq!(b.len(), a.len());
    for ((rb, fb, lb), (ra, fa, la)) in b.iter().zip(a.iter()) {
        assert_eq!((rb, fb), (ra, fa), "same finding, same fingerprint");
        assert_eq!(la, &(lb + 3), "the region follows the certificate");
    }
}

#[test]
fn suppressions_mark_and_expire() {
    let tmp = tempfile::tempdir().unwrap();
    let cert = root().join("fixtures/demo-territory/certificates/cameras/cam-parvis-mairie.pem");
    fs::copy(&cert, tmp.path().join("cam.pem")).unwrap();
    fs::write(
        tmp.path().join("vigie.toml"),
        r#"as_of = "2026-11-28"
[[suppressions]]
rule = "CERT-001"
path = "**/cam.pem"
reason = "camera replaced in January"
owner = "dsi@commune.fr"
expires = "2027-01-31"

[[suppressions]]
rule = "CERT-006"
path = "**/cam.pem"
reason = "old exemption"
expires = "2026-01-31"
"#,
    )
    .unwrap();
    let dir = tmp.path().to_str().unwrap();
    let (_, doc) = scan_sarif(&[dir]);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let by_rule = |id: &str| results.iter().find(|r| r["ruleId"] == id).unwrap();
    let s = &by_rule("CERT-001")["suppressions"][0];
    assert_eq!(s["justification"], "camera replaced in January");
    assert_eq!(s["properties"]["owner"], "dsi@commune.fr");
    assert_eq!(s["properties"]["expires"], "2027-01-31");
    assert!(
        by_rule("CERT-006")["suppressions"].is_null(),
        "expired suppression no longer applies"
    );
    let notes = doc["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| {
        n["descriptor"]["id"] == "suppression-expired"
            && n["message"]["text"]
                .as_str()
                .unwrap()
                .contains("2026-01-31")
    }));
    // --no-suppressions shows everything as active.
    let (_, doc) = scan_sarif(&[dir, "--no-suppressions"]);
    assert!(
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["suppressions"].is_null())
    );
    // Suppressed findings do not count for --fail-on: with both high findings of the
    // camera suppressed, only medium and low ones remain.
    let cfg = fs::read_to_string(tmp.path().join("vigie.toml")).unwrap();
    fs::write(
        tmp.path().join("vigie.toml"),
        cfg.replace("2026-01-31", "2027-01-31"),
    )
    .unwrap();
    assert_eq!(
        vigie(&["scan", dir, "--fail-on", "high"]).status.code(),
        Some(0)
    );
    assert_eq!(
        vigie(&["scan", dir, "--fail-on", "medium"]).status.code(),
        Some(1)
    );
    assert_eq!(
        vigie(&["scan", dir, "--no-suppressions"]).status.code(),
        Some(1)
    );
}

#[test]
fn files_inside_images_are_artifacts_with_their_image_as_parent() {
    let (_, doc) = scan_sarif(&["--as-of", "2026-11-28", "fixtures/firmware/carving"]);
    let run = &doc["runs"][0];
    let arts = run["artifacts"].as_array().unwrap();
    let uri = |i: usize| arts[i]["location"]["uri"].as_str().unwrap().to_string();
    let find = |suffix: &str| {
        (0..arts.len())
            .find(|&i| uri(i).ends_with(suffix))
            .unwrap_or_else(|| panic!("no artifact ending with {suffix}: {arts:#?}"))
    };
    // The raw dump, the squashfs carved at 0x40000 inside it, and its shadow file.
    let dump = find("carving/lumiere-flash.bin");
    let carved = find("lumiere-flash.bin@0x40000");
    let shadow = find("lumiere-flash.bin@0x40000!/etc/shadow");
    assert_eq!(arts[carved]["parentIndex"], dump as u64);
    assert_eq!(arts[shadow]["parentIndex"], carved as u64);
    assert_eq!(arts[shadow]["properties"]["kind"], "file/system");
    assert!(arts[dump]["parentIndex"].is_null());
    // Every result inside an image points at a listed artifact.
    let results = run["results"].as_array().unwrap();
    let mut inside = 0;
    for r in results {
        let loc = &r["locations"][0]["physicalLocation"]["artifactLocation"];
        let u = loc["uri"].as_str().unwrap();
        if u.contains("!/") {
            inside += 1;
            let i = loc["index"]
                .as_u64()
                .unwrap_or_else(|| panic!("{u} has no artifact index"));
            assert_eq!(uri(i as usize), u);
        }
    }
    assert!(inside >= 5, "{inside}");
}
