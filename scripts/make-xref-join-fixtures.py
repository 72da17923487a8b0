#!/usr/bin/env python3
"""Writes the fixtures of the XREF- rules that join processing records with network
scans (nmap XML), firmware images and Rust source.

Each case is a directory: the clean record of make-declaration-fixtures.py (with one
camera, CAM-1, at 10.42.9.10) edited for the case, plus the evidence it joins. The line
where a finding must land carries `# ruleid: ID` (or `<!-- ruleid: ID -->` in a scan).
Firmware images are small tar archives written with fixed owners and dates; the
certificates of XREF-008 are made with python3-cryptography from a committed RSA key, a
fixed serial number and fixed dates, signed with PKCS#1 v1.5 (deterministic), so every
run writes the same bytes.

Run from the repository root: python3 scripts/make-xref-join-fixtures.py [ID...]
(e.g. `XREF-009 XREF-010` rewrites only those rules' cases; without ids every case is
rewritten).
"""
import importlib.util
import io
import os
import shutil
import tarfile

spec = importlib.util.spec_from_file_location("decl", "scripts/make-declaration-fixtures.py")
decl = importlib.util.module_from_spec(spec)
spec.loader.exec_module(decl)

# `vigie rules test` scans each case directory as one deployment.
DECL = decl.XDECL.replace('    certificate_ref: "cam1.pem"\n', "    ip: 10.42.9.10\n")
# crypt(3) MD5 of "admin" with a fixed salt (openssl passwd -1 -salt fixture admin).
MD5_ADMIN = "$1$fixture$R4an.HY9QULhPw1tG.UB3."

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE nmaprun>
<nmaprun scanner="nmap" args="nmap -sV -sU -sS 10.42.9.0/24" start="1795860000" version="7.93" xmloutputversion="1.05">
"""
TAIL = """<runstats><finished time="1795860100" elapsed="100.00" exit="success"/></runstats>
</nmaprun>
"""
SVC = {
    "telnet": '<port protocol="tcp" portid="23"><state state="open" reason="syn-ack"/><service name="telnet" product="BusyBox telnetd" method="probed" conf="10"/></port>',
    "ssh": '<port protocol="tcp" portid="22"><state state="open" reason="syn-ack"/><service name="ssh" product="OpenSSH" method="probed" conf="10"/></port>',
    "https": '<port protocol="tcp" portid="443"><state state="open" reason="syn-ack"/><service name="http" product="nginx" tunnel="ssl" method="probed" conf="10"/></port>',
    "rtsp": '<port protocol="tcp" portid="554"><state state="open" reason="syn-ack"/><service name="rtsp" product="IP camera rtspd" devicetype="webcam" method="probed" conf="10"/></port>',
}


def host(addr, services, tag=None, state="up"):
    mark = f"<!-- {tag} -->\n" if tag else ""
    ports = "\n".join(SVC[s] for s in services)
    return (f'{mark}<host starttime="1795860001" endtime="1795860100"><status state="{state}" reason="syn-ack"/>\n'
            f'<address addr="{addr}" addrtype="ipv4"/>\n<hostnames></hostnames>\n<ports>\n{ports}\n</ports>\n</host>\n')


def scan(*hosts):
    return HEAD + "".join(hosts) + TAIL


def tar(files):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, (content, mode) in sorted(files.items()):
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), mode, 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


PASSWD = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n"


def firmware(root_field, extra=None):
    files = {
        "etc/passwd": (PASSWD, 0o644),
        "etc/shadow": (f"root:{root_field}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n", 0o600),
        "bin/busybox": (b"\0BusyBox v1.36.1 multi-call binary.\0", 0o755),
    }
    files.update(extra or {})
    return tar(files)


FW = '    firmware_ref: "cam-fw.tar"\n'
# ECO-010: the TLS library of the image, with its own version string, and the date the
# processing (and the devices) started.
OLD_SSL = {"usr/lib/libcrypto.so.1.0.0": (b"\0OpenSSL 1.0.2k  26 Jan 2017\0", 0o644)}
NEW_SSL = {"usr/lib/libcrypto.so.3": (b"\0OpenSSL 3.0.13 30 Jan 2024\0", 0o644)}
MID_SSL = {"usr/lib/libcrypto.so.1.1": (b"\0OpenSSL 1.1.1w  11 Sep 2023\0", 0o644)}
# XREF-016: the supplier's support commitment as written in the record.
PROMISE = lambda d: ("  device_identity: per_device_key\n", f"  device_identity: per_device_key\n  update_policy: {{support_until: {d}}}\n")
# XREF-024: signed updates declared, and the update script of the image.
SIGNED = ("  device_identity: per_device_key\n", "  device_identity: per_device_key\n  update_policy: {signed_updates: true}\n")
UPGRADE = "#!/bin/sh\nset -e\nwget -q -O /tmp/fw.bin https://update.fixville.example/cam/latest.bin\n"
UNVERIFIED = {"usr/sbin/fw-upgrade.sh": (UPGRADE + "mtd -r write /tmp/fw.bin firmware\n", 0o755)}
VERIFIED = {"usr/sbin/fw-upgrade.sh": (UPGRADE + "wget -q -O /tmp/fw.bin.sig https://update.fixville.example/cam/latest.bin.sig\n"
                                       "usign -V -m /tmp/fw.bin -P /etc/opkg/keys -x /tmp/fw.bin.sig\nmtd -r write /tmp/fw.bin firmware\n", 0o755)}
START = lambda d: ("  purpose_kind: [parking_management]\n", f"  purpose_kind: [parking_management]\n  start_date: {d}\n")
PUBLIC = ("    public_space: false", "    public_space: true")
SENSOR = ("    kind: video_camera", "    kind: parking_sensor")
VIDEO = ("    category: presence_event", "    category: video")
AUDIO = ("    category: presence_event", "    category: audio")
# XREF-009: the processor's sub-processor, as a record names a cloud provider.
AWS_SUB = ("    sub_processors: []", '    sub_processors: [{name: "AWS EMEA SARL", country: LU}]')
# XREF-012: what the record claims about identifiers.
PSEUDO = ("  anonymisation_at_collection: false", "  pseudonymisation: true\n  anonymisation_at_collection: false")
ANON = ("  anonymisation_at_collection: false", "  anonymisation_at_collection: true")
UNIQ = ("  device_identity: per_device_key", "  device_identity: unique_per_device_certificate")
SRC = '    source_ref: "passerelle"\n'
CARGO = '[package]\nname = "passerelle"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nlog = "0.4"\nsha256 = "1"\nhmac = "0.12"\n'


def crate(main):
    return {"passerelle/Cargo.toml": CARGO, "passerelle/src/main.rs": main}


# A TLS port as nmap's ssl-enum-ciphers script reports it, offering the given versions.
def tls_port(versions):
    suite = ('<table key="ciphers"><table><elem key="kex_info">secp256r1</elem><elem key="name">TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</elem>'
             '<elem key="strength">A</elem></table></table><table key="compressors"><elem>NULL</elem></table><elem key="cipher preference">server</elem>')
    tables = "".join(f'<table key="{v}">{suite}</table>' for v in versions)
    return ('<port protocol="tcp" portid="443"><state state="open" reason="syn-ack"/><service name="http" product="nginx" tunnel="ssl" method="probed" conf="10"/>'
            f'<script id="ssl-enum-ciphers" output="ssl-enum-ciphers">{tables}<elem key="least strength">A</elem></script></port>')


SVC["tls10"] = tls_port(["TLSv1.0", "TLSv1.2"])
SVC["tls12"] = tls_port(["TLSv1.2", "TLSv1.3"])


def conf(name, text):
    """A firmware image with one configuration file under etc/."""
    return firmware("!", {f"etc/{name}": (text, 0o644)})


# FW-027: a V4L2 capture library and a streaming server; a microphone capture tool.
CAM_FW = firmware("!", {"usr/lib/libv4l2.so.0": (b"\0libv4l2\0", 0o644), "usr/bin/v4l2rtspserver": (b"\0rtsp\0", 0o755)})
MIC_FW = firmware("!", {"usr/bin/arecord": (b"\0arecord\0", 0o755)})
# A private key in the image (the same in every device running it).
KEY = open("rules/certificate/CERT-026-unencrypted-private-key-beside-certificate/fail/cert-and-pkcs1-key/private.key").read()


def fixed_cert(cn, sans):
    """A self-signed certificate that is the same at every run (see the module's doc)."""
    import datetime as dt
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID
    k = serialization.load_pem_private_key(KEY.encode(), password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(k.public_key()).serial_number(0x5F1C0DE)
            .not_valid_before(decl.AS_OF - dt.timedelta(days=200))
            .not_valid_after(decl.AS_OF + dt.timedelta(days=300))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in sans]), critical=False)
            .sign(k, hashes.SHA256()))


def cases():
    us = fixed_cert("cam1.fixville.fr", ["cam1.fixville.fr", "iot.us-east-1.cloudvendor.example"])
    eu = fixed_cert("cam1.fixville.fr", ["cam1.fixville.fr", "iot.eu-west-3.cloudvendor.example"])
    fw_cert = lambda c: firmware("!", {"etc/ssl/certs/cloud.pem": (decl.pem(c), 0o644)})
    ip = "    ip: 10.42.9.10\n"
    return {
        "XREF-001": (
            [("telnet", [], "encryption_in_transit: true", {"scan.xml": scan(host("10.42.9.10", ["https", "telnet"]))})],
            [("tls-only", [], "encryption_in_transit: true", {"scan.xml": scan(host("10.42.9.10", ["https"]))})]),
        "XREF-002": (
            [("uncovered-host", [], None, {"scan.xml": scan(host("10.42.9.10", ["https"]), host("10.42.9.77", ["ssh"], "ruleid: XREF-002"))})],
            [("covered-host", [], None, {"scan.xml": scan(host("10.42.9.10", ["https", "ssh"]))})]),
        "XREF-003": (
            [("address-absent", [], "ip: 10.42.9.10", {"scan.xml": scan(host("10.42.9.10", [], state="down"))}),
             ("firmware-absent", [(ip, ip + FW)], "firmware_ref:", {"scan.xml": scan(host("10.42.9.10", ["https"]))})],
            [("address-up", [], "ip: 10.42.9.10", {"scan.xml": scan(host("10.42.9.10", ["https"]))}),
             ("firmware-present", [(ip, ip + FW)], "firmware_ref:", {"scan.xml": scan(host("10.42.9.10", ["https"])), "cam-fw.tar": firmware("!")})]),
        "XREF-004": (
            [("extra-port", [("    sensing: [camera]", '    sensing: [camera]\n    exposed_services: ["tcp/443"]')], "exposed_services:",
              {"scan.xml": scan(host("10.42.9.10", ["https", "ssh"]))})],
            [("declared-ports", [("    sensing: [camera]", '    sensing: [camera]\n    exposed_services: ["tcp/443", "tcp/22"]')], "exposed_services:",
              {"scan.xml": scan(host("10.42.9.10", ["https", "ssh"]))})]),
        "XREF-005": (
            [("firmware-default-password", [(ip, ip + FW)], "- id: CAM-1", {"cam-fw.tar": firmware(MD5_ADMIN)}),
             ("declared-no-default", [(ip, ip + FW), ("  device_identity: per_device_key", "  device_identity: per_device_key\n  no_default_credentials: true")],
              "no_default_credentials:", {"cam-fw.tar": firmware(MD5_ADMIN)})],
            [("locked-account", [(ip, ip + FW)], "- id: CAM-1", {"cam-fw.tar": firmware("!")}),
             ("non-personal", [(ip, ip + FW), ("    identifying: indirect", "    identifying: non_personal")], "- id: CAM-1",
              {"cam-fw.tar": firmware(MD5_ADMIN)})]),
        "XREF-006": (
            [("rtsp-no-video", [], "data_categories:", {"scan.xml": scan(host("10.42.9.10", ["https", "rtsp"]))}),
             ("firmware-camera-no-video", [(ip, ip + FW)], "data_categories:", {"cam-fw.tar": CAM_FW}),
             ("firmware-microphone-no-audio", [(ip, ip + FW), VIDEO], "data_categories:", {"cam-fw.tar": MIC_FW})],
            [("rtsp-video-declared", [VIDEO], "data_categories:", {"scan.xml": scan(host("10.42.9.10", ["https", "rtsp"]))}),
             ("firmware-camera-video-declared", [(ip, ip + FW), VIDEO], "data_categories:", {"cam-fw.tar": CAM_FW}),
             ("firmware-microphone-audio-declared", [(ip, ip + FW), AUDIO], "data_categories:", {"cam-fw.tar": MIC_FW})]),
        "XREF-007": (
            [("firmware-face-model", [(ip, ip + FW)], "  used: false", {"cam-fw.tar": firmware("!", {"opt/vision/face_det.tflite": (b"\x1c\0\0\0TFL3\0\0", 0o644)})}),
             ("onnx-runtime", [(ip, ip + '    source_ref: "passerelle"\n')], "  used: false",
              {"passerelle/Cargo.toml": '[package]\nname = "passerelle"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\ntract-onnx = "0.21"\n'})],
            [("firmware-no-model", [(ip, ip + FW)], "  used: false", {"cam-fw.tar": firmware("!")}),
             ("no-ml", [(ip, ip + '    source_ref: "passerelle"\n')], "  used: false",
              {"passerelle/Cargo.toml": '[package]\nname = "passerelle"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\nserde = "1"\n'})]),
        "XREF-008": (
            [("firmware-us-endpoint", [(ip, ip + FW)], "transfers: []", {"cam-fw.tar": fw_cert(us)})],
            [("firmware-eu-endpoint", [(ip, ip + FW)], "transfers: []", {"cam-fw.tar": fw_cert(eu)})]),
        # Endpoints named in firmware configuration (no certificate: the files are stable).
        "XREF-008 endpoints": (
            [("firmware-endpoint-us-region", [(ip, ip + FW)], "transfers: []",
              {"cam-fw.tar": conf("agent.conf", "telemetry_url=https://a1b2c3d4e5-ats.iot.us-east-1.amazonaws.com/topics/cam\n")}),
             ("code-url-china", [(ip, ip + SRC)], "transfers: []",
              crate('pub const EVENTS_URL: &str = "https://api.parkvision.com.cn/v2/events";\n\nfn main() {}\n'))],
            [("firmware-endpoint-eu-region", [(ip, ip + FW)], "transfers: []",
              {"cam-fw.tar": conf("agent.conf", "telemetry_url=https://a1b2c3d4e5-ats.iot.eu-west-3.amazonaws.com/topics/cam\n")}),
             ("code-url-eu-region", [(ip, ip + SRC)], "transfers: []",
              crate('pub const EVENTS_URL: &str = "https://events.eu-west-3.amazonaws.com/cam";\n\nfn main() {}\n')),
             ("firmware-time-server-abroad", [(ip, ip + FW)], "transfers: []",
              {"cam-fw.tar": conf("agent.conf", "ntp_server=time.us-east-1.timekeeper.com\n")})]),
        "XREF-015": (
            [("public-camera", [PUBLIC], "status: not_required", {"scan.xml": scan(host("10.42.9.10", ["https", "rtsp"]))}),
             ("public-firmware-camera", [PUBLIC, (ip, ip + FW)], "status: not_required", {"cam-fw.tar": CAM_FW})],
            [("private-camera", [], "status: not_required", {"scan.xml": scan(host("10.42.9.10", ["https", "rtsp"]))}),
             ("private-firmware-camera", [(ip, ip + FW)], "status: not_required", {"cam-fw.tar": CAM_FW})]),
        "XREF-009": (
            [("owner-not-named", [(ip, ip + FW)], "processors:",
              {"cam-fw.tar": conf("agent.conf", "broker_host=mqtt.telemesure-cloud.eu:8883\n")}),
             ("code-endpoint-owner-not-named", [(ip, ip + SRC)], "processors:",
              crate('pub const EVENTS_URL: &str = "https://api.parkvision-analytics.io/v2/events";\n\nfn main() {}\n')),
             ("us-provider-no-transfer", [(ip, ip + FW), AWS_SUB], "transfers: []",
              {"cam-fw.tar": conf("agent.conf", "telemetry_url=https://a1b2c3d4e5-ats.iot.amazonaws.com/topics/cam\n")})],
            [("code-endpoint-controller", [(ip, ip + SRC)], "processors:",
              crate('pub const EVENTS_URL: &str = "https://plateforme.fixville.fr/api/v1/occupation";\n\nfn main() {}\n')),
             ("owner-named", [(ip, ip + FW)], "processors:",
              {"cam-fw.tar": conf("agent.conf", "broker_host=mqtt.capteurpark.fr:8883\n")}),
             ("eu-region-of-named-provider", [(ip, ip + FW), AWS_SUB], "transfers: []",
              {"cam-fw.tar": conf("agent.conf", "telemetry_url=https://a1b2c3d4e5-ats.iot.eu-west-3.amazonaws.com/topics/cam\n")}),
             ("time-and-update-only", [(ip, ip + FW)], "processors:",
              {"cam-fw.tar": conf("agent.conf", "ntp_server=0.pool.ntp.org\nupdate_url=https://ota.camvendor-updates.com/fw/\n")})]),
        "XREF-010": (
            [("recorder-keeps-longer", [(ip, ip + FW)], "data_categories:", {"cam-fw.tar": conf("nvr.conf", "record_days=120\n")}),
             ("recorder-never-deletes", [(ip, ip + FW)], "data_categories:", {"cam-fw.tar": conf("nvr.conf", "event_retention never\n")}),
             ("code-keeps-longer", [(ip, ip + SRC)], "data_categories:",
              crate("/// Events older than this are purged.\npub const EVENT_RETENTION_DAYS: u64 = 400;\n\nfn main() {}\n"))],
            [("recorder-within", [(ip, ip + FW)], "data_categories:", {"cam-fw.tar": conf("nvr.conf", "record_days=30\n")}),
             # A record that keeps a category without limit is judged by GDPR-009, not here.
             ("record-without-limit", [(ip, ip + FW), ("retention: {duration_days: 90,", "retention: {duration_days: indefinite,")],
              "data_categories:", {"cam-fw.tar": conf("nvr.conf", "record_days=120\n")}),
             ("unit-unknown", [(ip, ip + FW)], "data_categories:", {"cam-fw.tar": conf("nvr.conf", "keep=400\nretention=0\n")}),
             ("code-within", [(ip, ip + SRC)], "data_categories:",
              crate("/// Events older than this are purged.\npub const EVENT_RETENTION_DAYS: u64 = 60;\n\nfn main() {}\n"))]),
        "XREF-012": (
            [("plate-hashed-without-key", [(ip, ip + SRC), PSEUDO], "pseudonymisation:",
              crate("pub fn pseudonym(plate: &str) -> String {\n    sha256::digest(plate.as_bytes())\n}\n\nfn main() {}\n")),
             ("plate-logged", [(ip, ip + SRC), ANON], "anonymisation_at_collection:",
              crate("use log::info;\n\npub fn on_entry(licence_plate: &str) {\n    info!(\"entry {licence_plate}\");\n}\n\nfn main() {}\n"))],
            [("plate-keyed-hash", [(ip, ip + SRC), PSEUDO], "pseudonymisation:",
              crate("use hmac::{Hmac, Mac};\nuse sha2::Sha256;\n\npub fn pseudonym(key: &[u8], plate: &str) -> Vec<u8> {\n    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();\n    mac.update(plate.as_bytes());\n    mac.finalize().into_bytes().to_vec()\n}\n\nfn main() {}\n")),
             ("nothing-claimed", [(ip, ip + SRC)], "anonymisation_at_collection:",
              crate("pub fn pseudonym(plate: &str) -> String {\n    sha256::digest(plate.as_bytes())\n}\n\nfn main() {}\n"))]),
        "XREF-013": (
            [("key-in-firmware", [(ip, ip + FW), UNIQ], "device_identity:", {"cam-fw.tar": firmware("!", {"etc/ssl/private/device.key": (KEY, 0o600)})})],
            [("no-key-in-firmware", [(ip, ip + FW), UNIQ], "device_identity:", {"cam-fw.tar": firmware("!")})]),
        "XREF-014": (
            [("tls10-offered", [], "encryption_in_transit:", {"scan.xml": scan(host("10.42.9.10", ["tls10"]))})],
            [("tls12-only", [], "encryption_in_transit:", {"scan.xml": scan(host("10.42.9.10", ["tls12"]))})]),
        "NET-017": (
            [("ssh-on-parking-sensor", [SENSOR], "kind: parking_sensor", {"scan.xml": scan(host("10.42.9.10", ["https", "ssh"]))})],
            [("https-only-sensor", [SENSOR], "kind: parking_sensor", {"scan.xml": scan(host("10.42.9.10", ["https"]))}),
             ("ssh-on-camera", [], "kind: video_camera", {"scan.xml": scan(host("10.42.9.10", ["https", "ssh"]))})]),
        "XREF-016": (
            [("openssl-1.1.1-support-promised", [(ip, ip + FW), PROMISE("2030-12-31")], "firmware_ref:", {"cam-fw.tar": firmware("!", MID_SSL)})],
            [("support-ended", [(ip, ip + FW), PROMISE("2025-12-31")], "firmware_ref:", {"cam-fw.tar": firmware("!", MID_SSL)}),
             ("openssl-3-support-promised", [(ip, ip + FW), PROMISE("2030-12-31")], "firmware_ref:", {"cam-fw.tar": firmware("!", NEW_SSL)})]),
        "XREF-024": (
            [("signed-declared-unverified", [(ip, ip + FW), SIGNED], "signed_updates:", {"cam-fw.tar": firmware("!", UNVERIFIED)}),
             ("support-promised-unverified", [(ip, ip + FW), PROMISE("2030-12-31")], "update_policy:", {"cam-fw.tar": firmware("!", UNVERIFIED)})],
            [("signed-declared-verified", [(ip, ip + FW), SIGNED], "signed_updates:", {"cam-fw.tar": firmware("!", VERIFIED)}),
             ("support-ended-unverified", [(ip, ip + FW), PROMISE("2025-12-31")], "update_policy:", {"cam-fw.tar": firmware("!", UNVERIFIED)}),
             ("nothing-declared", [(ip, ip + FW)], "firmware_ref:", {"cam-fw.tar": firmware("!", UNVERIFIED)})]),
        "ECO-010": (
            [("openssl-1.0.2-in-2024", [(ip, ip + FW), START("2024-06-01")], "firmware_ref:", {"cam-fw.tar": firmware("!", OLD_SSL)})],
            [("openssl-1.0.2-in-2019", [(ip, ip + FW), START("2019-06-01")], "firmware_ref:", {"cam-fw.tar": firmware("!", OLD_SSL)}),
             ("openssl-3-in-2024", [(ip, ip + FW), START("2024-06-01")], "firmware_ref:", {"cam-fw.tar": firmware("!", NEW_SSL)}),
             ("no-start-date", [(ip, ip + FW)], "firmware_ref:", {"cam-fw.tar": firmware("!", OLD_SSL)})]),
        "XREF-023": (
            [("undeclared-camera", [], None, {"scan.xml": scan(host("10.42.9.10", ["https"]), host("10.42.9.66", ["rtsp"], "ruleid: XREF-023"))})],
            [("declared-camera", [], None, {"scan.xml": scan(host("10.42.9.10", ["https", "rtsp"]), host("10.42.9.66", ["ssh"], "ok: XREF-023"))})]),
    }


def main(wanted):
    for rule, (fails, passes) in cases().items():
        rule_id = rule.split()[0]
        if wanted and rule not in wanted and rule_id not in wanted:
            continue
        d = decl.rule_dir(rule_id)
        for kind, cs, tag in (("fail", fails, "ruleid"), ("pass", passes, "ok")):
            for name, edits, marker, files in cs:
                case = f"{d}/{kind}/{name}"
                shutil.rmtree(case, ignore_errors=True)
                os.makedirs(case)
                text = decl.edit(DECL, edits, tag, rule_id, marker) if marker else decl.edit(DECL, edits)
                open(f"{case}/declaration.yaml", "w").write(text)
                for fname, content in files.items():
                    os.makedirs(os.path.dirname(f"{case}/{fname}"), exist_ok=True)
                    open(f"{case}/{fname}", "wb" if isinstance(content, bytes) else "w").write(content)


if __name__ == "__main__":
    import sys
    main(sys.argv[1:])
