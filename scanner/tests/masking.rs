//! Secrets are masked in every output: 20+ kinds of secrets planted in loose files, a
//! tar.gz image, a binary, a Rust source file and a processing record; no clear value may appear in text,
//! JSON, SARIF, Markdown, HTML or `vigie facts` output, and the masked forms must.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::vigie;
use std::io::Write;
use std::path::Path;
use vigie::targets::secret::mask;

/// (kind, clear value, how it is written, file). Every value is invented for this test.
fn planted() -> Vec<(&'static str, String, String, &'static str)> {
    let key_body = "MIIEowIBAAKCAQEAvMaskTestOnlyQ2x5VnRtZ3BhcmtpbmdHYXRld2F5S2V5MDAxMjM0NTY3ODk";
    let ssh_body = "b3BlbnNzaC1rZXktdjEAAAAAMaskTestOnlyBG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtz";
    let v = |s: &str| s.to_string();
    vec![
        (
            "private-key",
            v(key_body),
            format!(
                "{{\"tls_key\": \"-----BEGIN RSA PRIVATE KEY-----\\n{key_body}\\n-----END RSA PRIVATE KEY-----\"}}\n"
            ),
            "config/device.json",
        ),
        (
            "private-key",
            v(ssh_body),
            format!(
                "cat > /root/.ssh/id <<EOF\n-----BEGIN OPENSSH PRIVATE KEY-----\n{ssh_body}\n-----END OPENSSH PRIVATE KEY-----\nEOF\n"
            ),
            "scripts/provision.sh",
        ),
        (
            "aws-access-key-id",
            v("AKIAQ7MASKTEST0001XY"),
            v("aws_access_key_id = AKIAQ7MASKTEST0001XY\n"),
            "config/aws.ini",
        ),
        (
            "aws-secret-access-key",
            v("Zm9vYmFyMaskTestOnly0123456789abcdefGHIJ"),
            v("aws_secret_access_key = Zm9vYmFyMaskTestOnly0123456789abcdefGHIJ\n"),
            "config/aws2.ini",
        ),
        (
            "github-token",
            v("ghp_MaskTest0nlyA1b2C3d4E5f6G7h8I9j0K1l2"),
            v("GH=ghp_MaskTest0nlyA1b2C3d4E5f6G7h8I9j0K1l2\n"),
            "ci/env.sh",
        ),
        (
            "gitlab-token",
            v("glpat-MaskTest0nly12345abc"),
            v("gitlab: glpat-MaskTest0nly12345abc\n"),
            "ci/gitlab.yml",
        ),
        (
            "slack-token",
            v("xoxb-123456789012-MaskTest0nlyQwErTy"),
            v("hook=xoxb-123456789012-MaskTest0nlyQwErTy\n"),
            "config/notify.conf",
        ),
        (
            "google-api-key",
            v("AIzaSyMaskTest0nly_abcdefghijklmno12345"),
            v("maps=AIzaSyMaskTest0nly_abcdefghijklmno12345\n"),
            "config/maps.conf",
        ),
        (
            "stripe-secret-key",
            v("sk_live_MaskTest0nly4eC39HqLyjWDarjtT1zdp7dc"),
            v("stripe=sk_live_MaskTest0nly4eC39HqLyjWDarjtT1zdp7dc\n"),
            "config/pay.conf",
        ),
        (
            "jwt",
            v("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYXNrLXRlc3QifQ.M4skTest0nlySignatureAbCdEf"),
            v(
                "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYXNrLXRlc3QifQ.M4skTest0nlySignatureAbCdEf\n",
            ),
            "config/http.txt",
        ),
        (
            "url-password",
            v("Url-Pa55-MaskTest"),
            v("broker=mqtts://gw:Url-Pa55-MaskTest@mqtt.belvezet-cloud.eu:8883\n"),
            "config/uplink.conf",
        ),
        (
            "password",
            v("Ini-Pa55-MaskTest"),
            v("[db]\npassword = Ini-Pa55-MaskTest\n"),
            "config/db.ini",
        ),
        (
            "password",
            v("Json-Pa55-MaskTest"),
            v("{\"user\": \"ops\", \"password\": \"Json-Pa55-MaskTest\"}\n"),
            "config/ops.json",
        ),
        (
            "password",
            v("Yaml-Pa55-MaskTest"),
            v("database:\n  passwd: 'Yaml-Pa55-MaskTest'\n"),
            "config/app.yaml",
        ),
        (
            "mqtt-password",
            v("Mqtt-Pa55-MaskTest"),
            v("connection cloud\nremote_password Mqtt-Pa55-MaskTest\n"),
            "etc/mosquitto/bridge.conf",
        ),
        (
            "wifi-psk",
            v("Wifi-Psk-MaskTest"),
            v("network={\n  ssid=\"iot\"\n  psk=\"Wifi-Psk-MaskTest\"\n}\n"),
            "etc/wpa_supplicant.conf",
        ),
        (
            "wifi-psk",
            v("Hostapd-Pass-MaskTest"),
            v("ssid=lamp\nwpa_passphrase=Hostapd-Pass-MaskTest\n"),
            "etc/hostapd.conf",
        ),
        (
            "lorawan-key",
            v("4D61736B54657374417070AE1234ABCD"),
            v("AppKey=4D61736B54657374417070AE1234ABCD\n"),
            "lora/app.conf",
        ),
        (
            "lorawan-key",
            v("6E776B4D61736B546573744E776B4B01"),
            v("{\"NwkKey\": \"6E776B4D61736B546573744E776B4B01\"}\n"),
            "lora/nwk.json",
        ),
        (
            "named-secret",
            v("Sec7MaskTest0nlyQ9wE2rT"),
            v("client_secret: Sec7MaskTest0nlyQ9wE2rT\n"),
            "config/oauth.yaml",
        ),
        (
            "web-credential",
            v("Web-Pa55-MaskTest"),
            v("operator:Web-Pa55-MaskTest\n"),
            "etc/lighttpd.user",
        ),
    ]
}

fn tar_gz(path: &Path, files: &[(&str, &[u8])]) {
    let mut tar = tar::Builder::new(Vec::new());
    for (name, data) in files {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o755);
        h.set_mtime(0);
        h.set_cksum();
        tar.append_data(&mut h, name, *data).unwrap();
    }
    let raw = tar.into_inner().unwrap();
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&raw).unwrap();
    std::fs::write(path, gz.finish().unwrap()).unwrap();
}

#[test]
fn no_clear_secret_in_any_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut values: Vec<(&str, String)> = Vec::new();
    for (kind, value, content, file) in planted() {
        assert!(content.contains(&value), "{file} must hold its value");
        let p = d.join(file);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, content).unwrap();
        values.push((kind, value));
    }
    // Inside an image: a configuration file and the strings of a binary.
    let image_psk = "Image-Psk-MaskTest";
    let bin_pass = "BinPa55MaskTest";
    let mut binary = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    binary.extend_from_slice(format!("\0admin_password={bin_pass}\0").as_bytes());
    let bin_key = "MHcCAQEEIMaskTestOnlyBinaryEmbeddedEcKeyAbCdEfGh0123456789oAoGCCqGSM49";
    binary.extend_from_slice(
        format!("-----BEGIN EC PRIVATE KEY-----\n{bin_key}\n-----END EC PRIVATE KEY-----\0")
            .as_bytes(),
    );
    tar_gz(
        &d.join("firmware/gateway.tar.gz"),
        &[
            (
                "etc/wpa_supplicant.conf",
                format!("network={{\n  psk=\"{image_psk}\"\n}}\n").as_bytes(),
            ),
            ("usr/bin/uplinkd", &binary),
        ],
    );
    values.push(("wifi-psk", image_psk.to_string()));
    values.push(("password", bin_pass.to_string()));
    values.push(("private-key", bin_key.to_string()));
    // Rust source: a token and a password bound to a secret-like name.
    let rs_token = "ghp_RustMaskTest0nlyA1b2C3d4E5f6G7h8I9j0";
    let rs_pass = "Rust-Mqtt-Pa55-MaskTest9";
    std::fs::create_dir_all(d.join("src/gateway/src")).unwrap();
    std::fs::write(
        d.join("src/gateway/src/main.rs"),
        format!(
            "const GITHUB: &str = \"{rs_token}\";\nconst MQTT_PASSWORD: &str = \"{rs_pass}\";\nfn main() {{}}\n"
        ),
    )
    .unwrap();
    // A processing record whose notice URL carries credentials.
    let decl_pass = "Decl-Token-MaskTest";
    let decl = std::fs::read_to_string(
        common::root().join("fixtures/demo-territory/declarations/camera-augmentee-parvis.yaml"),
    )
    .unwrap();
    let planted_decl = decl.replace(
        "https://www.belvezet.fr/videoprotection",
        &format!("https://web:{decl_pass}@www.belvezet.fr/videoprotection"),
    );
    assert_ne!(decl, planted_decl);
    std::fs::create_dir_all(d.join("declarations")).unwrap();
    std::fs::write(d.join("declarations/camera.yaml"), planted_decl).unwrap();
    values.push(("url-password", decl_pass.to_string()));
    values.push(("github-token", rs_token.to_string()));
    values.push(("named-secret", rs_pass.to_string()));
    let kinds: std::collections::BTreeSet<&str> = values.iter().map(|(k, _)| *k).collect();
    assert!(values.len() >= 20 && kinds.len() >= 14, "{kinds:?}");

    let out = |name: &str| d.join(name).display().to_string();
    let target = d.display().to_string();
    let scan = vigie(&[
        "scan",
        &target,
        "--as-of",
        "2026-11-28",
        "--format",
        "text",
        "--json",
        &out("r.json"),
        "--sarif",
        &out("r.sarif"),
        "--markdown",
        &out("r.md"),
        "--html",
        &out("r.html"),
        "--quiet",
    ]);
    let facts = vigie(&["facts", &target, "--as-of", "2026-11-28"]);
    // 3: the fake OpenSSH key in the shell script is reported as malformed.
    assert_eq!(
        facts.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&facts.stderr)
    );
    let read = |name: &str| std::fs::read_to_string(d.join(name)).unwrap();
    let outputs = [
        ("text", String::from_utf8_lossy(&scan.stdout).into_owned()),
        ("stderr", String::from_utf8_lossy(&scan.stderr).into_owned()),
        ("json", read("r.json")),
        ("sarif", read("r.sarif")),
        ("markdown", read("r.md")),
        ("html", read("r.html")),
        ("facts", String::from_utf8_lossy(&facts.stdout).into_owned()),
    ];
    for (kind, value) in &values {
        for (name, text) in &outputs {
            assert!(
                !text.contains(value.as_str()),
                "{kind} value in clear in the {name} output"
            );
        }
        // PEM armour makes a file certificate material: its keys are `private_key`
        // facts of the certificate extractor, which never carry key bytes.
        if value.contains("MaskTestOnlyQ2x5") || value.contains("MaskTestOnlyBG5v") {
            continue;
        }
        let masked = mask(value);
        for name in ["json", "sarif", "facts"] {
            let text = &outputs.iter().find(|(n, _)| *n == name).unwrap().1;
            assert!(
                text.contains(&masked),
                "{kind}: {masked} missing from {name}"
            );
        }
    }
}
