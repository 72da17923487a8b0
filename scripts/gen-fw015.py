#!/usr/bin/env python3
"""Writes rules/firmware/FW-015-outdated-component.yaml from the table of ranges below:
each range is a CEL predicate on a `component` fact, the text the finding shows, and the
reference it comes from. Edit the table, run `scripts/gen-fw015.py`, then
`cargo run -- rules test rules/ --only FW-015`.

Ranges marked "(from knowledge)" in docs/firmware-secrets-sbom.md were written from the
maintainers' advisories as remembered, not re-checked against a live database.
"""
import json

# (predicate, English reason, French reason, reference id, reference url)
RANGES = [
    ("name == 'openssl' && version.matches('^1\\\\.0\\\\.1[a-f]?$')",
     "Heartbleed (CVE-2014-0160, OpenSSL 1.0.1 to 1.0.1f)",
     "Heartbleed (CVE-2014-0160, OpenSSL 1.0.1 à 1.0.1f)",
     "CVE-2014-0160", "https://www.openssl.org/news/secadv/20140407.txt"),
    ("name == 'openssl' && version_lt(version, '3.0.0')",
     "end of life: OpenSSL 1.1.1 and older receive no public fixes (1.1.1 ended on 2023-09-11)",
     "fin de vie : OpenSSL 1.1.1 et antérieures ne reçoivent plus de correctifs publics (fin de 1.1.1 le 2023-09-11)",
     "OpenSSL release strategy", "https://openssl-library.org/policies/releasestrat/"),
    ("name == 'busybox' && version_lt(version, '1.34.0')",
     "older than 1.34.0, which fixed the 2021 series of awk/ash/hush flaws (CVE-2021-42373 to CVE-2021-42386)",
     "antérieure à 1.34.0, qui a corrigé la série de failles de 2021 dans awk/ash/hush (CVE-2021-42373 à CVE-2021-42386)",
     "BusyBox 1.34.0 release", "https://busybox.net/news.html"),
    ("name == 'dropbear' && version_lt(version, '2020.79')",
     "older than 2020.79 (CVE-2020-36254, scp path handling)",
     "antérieure à 2020.79 (CVE-2020-36254, gestion des chemins par scp)",
     "CVE-2020-36254", "https://matt.ucc.asn.au/dropbear/CHANGES"),
    ("name == 'openssh' && !version_lt(version, '8.5') && version_lt(version, '9.8')",
     "8.5p1 to 9.7p1: remote code execution in sshd's signal handler (CVE-2024-6387)",
     "8.5p1 à 9.7p1 : exécution de code à distance dans le gestionnaire de signal de sshd (CVE-2024-6387)",
     "CVE-2024-6387", "https://www.openssh.com/txt/release-9.8"),
    ("name == 'openssh' && version_lt(version, '8.5')",
     "older than 8.5 (CVE-2021-41617 fixed in 8.8, and earlier advisories)",
     "antérieure à 8.5 (CVE-2021-41617 corrigée en 8.8, et avis plus anciens)",
     "CVE-2021-41617", "https://www.openssh.com/txt/release-8.8"),
    ("name == 'dnsmasq' && version_lt(version, '2.83')",
     "older than 2.83 (DNSpooq, CVE-2020-25681 to CVE-2020-25687)",
     "antérieure à 2.83 (DNSpooq, CVE-2020-25681 à CVE-2020-25687)",
     "CVE-2020-25681", "https://thekelleys.org.uk/dnsmasq/CHANGELOG"),
    ("name == 'nginx' && version_lt(version, '1.20.1')",
     "older than 1.20.1 (CVE-2021-23017, resolver off-by-one)",
     "antérieure à 1.20.1 (CVE-2021-23017, erreur d'un octet dans le résolveur)",
     "CVE-2021-23017", "https://nginx.org/en/security_advisories.html"),
    ("name == 'curl' && !version_lt(version, '7.69.0') && version_lt(version, '8.4.0')",
     "7.69.0 to 8.3.0: SOCKS5 heap overflow (CVE-2023-38545)",
     "7.69.0 à 8.3.0 : débordement de tas SOCKS5 (CVE-2023-38545)",
     "CVE-2023-38545", "https://curl.se/docs/CVE-2023-38545.html"),
    ("name == 'glibc' && version_lt(version, '2.23')",
     "older than 2.23 (CVE-2015-7547, getaddrinfo stack overflow)",
     "antérieure à 2.23 (CVE-2015-7547, débordement de pile dans getaddrinfo)",
     "CVE-2015-7547", "https://sourceware.org/glibc/wiki/Security%20Exceptions"),
    ("name == 'glibc' && !version_lt(version, '2.34') && version_lt(version, '2.39')",
     "2.34 to 2.38: GLIBC_TUNABLES local privilege escalation (CVE-2023-4911)",
     "2.34 à 2.38 : élévation locale de privilèges par GLIBC_TUNABLES (CVE-2023-4911)",
     "CVE-2023-4911", "https://sourceware.org/git/?p=glibc.git;a=blob;f=advisories/GLIBC-SA-2023-0002"),
    ("name == 'uclibc'",
     "uClibc is unmaintained (last release 0.9.33.2, 2012); uClibc-ng replaces it",
     "uClibc n'est plus maintenue (dernière version 0.9.33.2, 2012) ; uClibc-ng la remplace",
     "uClibc", "https://www.uclibc.org/"),
    ("name == 'mosquitto' && version_lt(version, '2.0.0')",
     "1.x branch, no longer maintained since 2.0 (December 2020)",
     "branche 1.x, plus maintenue depuis la 2.0 (décembre 2020)",
     "Eclipse Mosquitto", "https://mosquitto.org/blog/"),
    ("name == 'linux' && version_lt(version, '5.10')",
     "kernel branch older than 5.10: every such longterm branch has reached end of life",
     "branche du noyau antérieure à 5.10 : toutes ces branches à long terme sont en fin de vie",
     "kernel.org releases", "https://www.kernel.org/category/releases.html"),
]

def chain(i):
    """Nested ternary: the first matching range's text."""
    out = "''"
    for pred, en, fr, *_ in reversed(RANGES):
        text = en if i == 0 else fr
        out = f"({pred}) ? {text!r} : {out}"
    return out

def q(s):
    return json.dumps(s, ensure_ascii=False)

condition = " || ".join(f"({p})" for p, *_ in RANGES)
lines = [
    "# Generated by scripts/gen-fw015.py from its table of ranges: edit the table, not this file.",
    "id: FW-015",
    "name: outdated-component",
    "target: component",
    "severity: high",
    "status: stable",
    f"condition: {q(condition)}",
    "title:",
    '  en: "Component version at end of life or with known vulnerabilities"',
    '  fr: "Composant en fin de vie ou affecté par des vulnérabilités connues"',
    "message:",
    "  en: " + q("{{ name }} {{ version }}: {{ " + chain(0) + " }}"),
    "  fr: " + q("{{ name }} {{ version }} : {{ " + chain(1) + " }}"),
    "docs:",
    "  what:",
    '    en: ' + q("A component identified by its own version string (file and byte offset in the finding) falls in a range of this rule: " + "; ".join(f"{en} [{ref}]" for _, en, _, ref, _ in RANGES) + ". Only these ranges are carried; other components or versions are not judged, and lighttpd has no range yet."),
    '    fr: ' + q("Un composant identifié par sa propre chaîne de version (fichier et position dans la constatation) tombe dans un intervalle de cette règle : " + "; ".join(f"{fr} [{ref}]" for _, _, fr, ref, _ in RANGES) + ". Seuls ces intervalles sont portés ; les autres composants ou versions ne sont pas jugés, et lighttpd n'a pas encore d'intervalle."),
    "  why:",
    '    en: "Published flaws in network-facing components (SSH servers, DNS forwarders, TLS libraries) are exploited at scale, and a component past its end of life will never be fixed."',
    '    fr: "Les failles publiées des composants exposés au réseau (serveurs SSH, relais DNS, bibliothèques TLS) sont exploitées à grande échelle, et un composant en fin de vie ne sera jamais corrigé."',
    "  fix:",
    '    en: "Rebuild the firmware with maintained versions, publish the update, and keep an SBOM (`vigie scan --sbom`) so the next advisory can be matched against the fleet."',
    '    fr: "Reconstruire le micrologiciel avec des versions maintenues, publier la mise à jour, et tenir un SBOM (`vigie scan --sbom`) pour confronter le parc au prochain avis."',
    "references:",
]
seen = set()
for *_, ref, url in RANGES:
    if ref in seen:
        continue
    seen.add(ref)
    lines.append(f"  - {{ id: {q(ref)}, url: {q(url)} }}")
lines += [
    '  - { id: "CRA-I.1.2(a)" }',
    '  - { id: "OWASP-IoT-I5" }',
    "  - { cwe: 1104 }",
    "profiles: [etsi-en-303-645, cra-annex-i]",
]
with open("rules/firmware/FW-015-outdated-component.yaml", "w") as f:
    f.write("\n".join(lines) + "\n")
print("rules/firmware/FW-015-outdated-component.yaml written")
