#!/usr/bin/env python3
"""Regenerate the fixtures of the certificate rules of the core pack.

    python3 scripts/gen-rule-fixtures.py             # rewrite every fixture
    python3 scripts/gen-rule-fixtures.py CERT-004    # only some rules

For every rule registered below with `@rule("<ID>", "<name>")`, the script deletes and rewrites `rules/certificate/<ID>-<name>/fail/` and `.../pass/`. Each entry of those
directories is one test case of `vigie rules test`: a single file, or a directory scanned as
one small deployment (a chain, a certificate and its key, two devices...). PEM fixtures carry
`# ruleid: <ID>` (a finding must land on the next line) or `# ok: <ID>` (no finding there)
right before each certificate block. Fixtures are evaluated as of 2026-11-28
(`fixtures_as_of` in rules/pack.yaml), so every date below is fixed.

Tools (tested with Python 3.11, cryptography 48.0.0, OpenSSL 3.0.19):

* Python `cryptography`: keys, `x509.CertificateBuilder` (SHA-256/384/512 signatures; ECDSA
  signatures made deterministic with `sign(..., ecdsa_deterministic=True)`),
  `pkcs7.serialize_certificates` (PKCS#7 bundles), `pkcs12.serialize_key_and_certificates`
  (PKCS#12 stores: `NoEncryption()` for a store without password,
  `BestAvailableEncryption(b"vigie")` for a protected one) and key serialisation (PKCS#8,
  PKCS#1, passphrase-protected PKCS#8 and legacy `Proc-Type: 4,ENCRYPTED` PEM).
* The `openssl` 3.0 command line, for what `cryptography` refuses to build: SHA-1 and MD5
  signatures and X.509 v1 certificates. For each such certificate the script writes a
  throw-away CA directory and runs
      openssl req -new -key subject.key -subj /C=FR/O=.../CN=... -out req.csr
      openssl ca -batch -config ca.cnf -notext -preserveDN -md <sha1|md5|sha256>
                 -startdate YYYYMMDDHHMMSSZ -enddate YYYYMMDDHHMMSSZ
                 -keyfile ca.key (-cert ca.pem | -selfsign) [-extensions ext]
                 -in req.csr -out cert.pem
  where ca.cnf holds a `[ CA_default ]` section (index.txt database, `serial` file giving the
  serial number, `unique_subject = no`, `copy_extensions = none`, a policy with every field
  optional but commonName) and, when extensions are wanted, an `[ ext ]` section; without
  `-extensions`, `openssl ca` writes a v1 certificate.
* A small DER editor (`der_*` functions below) for the few certificates neither tool can make:
  a public key on the French FRP256v1 curve, a GOST R 34.10-2012 key, an RSA key announced as
  RSASSA-PSS and an RSA key with an even exponent (no private key can exist for it): the
  editor swaps the SubjectPublicKeyInfo of a TBSCertificate built by `cryptography` and signs
  it again with the issuer's key (`resign`). It also alters a signed certificate without
  signing it again (`tamper`), for the signature-failure fixtures.

Reproducibility: keys are derived from their labels (seeded `random.Random` for RSA and DSA,
hashed scalars for EC and EdDSA keys; they are deliberately predictable TEST keys), serial
numbers are hashes of labels, dates are fixed and ECDSA/RSA signatures are deterministic, so
running the script twice gives the same files, except the passphrase-protected keys and the
PKCS#12 stores (even those without password), whose salts and IVs are random.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import math
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

REPO = Path(__file__).resolve().parent.parent
RULES_DIR = REPO / "rules" / "certificate"
OPENSSL = "openssl"

ORG = "Ville-Exemple"
DOMAIN = "ville.example"  # RFC 2606 reserved top-level domain
CRL_URL = "http://pki.ville.example/ac-equipements.crl"
OCSP_URL = "http://ocsp.pki.ville.example"


# ---------------------------------------------------------------------------------------------
# Dates and serials
# ---------------------------------------------------------------------------------------------


def T(s: str) -> dt.datetime:
    """A UTC instant: `2026-10-01` or `2026-10-01T12:00:00`."""
    if "T" not in s:
        s += "T00:00:00"
    return dt.datetime.fromisoformat(s).replace(tzinfo=dt.timezone.utc)


DAY = dt.timedelta(days=1)

# The "good" validity of leaves: valid on 2026-11-28, 182 days (under the 200-day CA/B limit in
# force for certificates issued from 2026-03-15), not expiring within 30 days.
LEAF_NB = T("2026-10-01")
LEAF_NA = T("2027-04-01")


def serial_for(label: str) -> int:
    """A 128-bit serial (top bit set) derived from a label."""
    v = int.from_bytes(hashlib.sha256(("serial:" + label).encode()).digest()[:16], "big")
    return v | (1 << 127)


# ---------------------------------------------------------------------------------------------
# Deterministic test keys
# ---------------------------------------------------------------------------------------------

SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % d for d in range(3, int(p**0.5) + 1, 2))]


def is_probable_prime(n: int, rng: random.Random) -> bool:
    if n < 2 or n % 2 == 0:
        return n == 2
    for p in SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(40):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def random_prime(rng: random.Random, bits: int, e: int) -> int:
    while True:
        # Top two bits set, so the product of two such primes has exactly the wanted length.
        c = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if math.gcd(e, c - 1) == 1 and is_probable_prime(c, rng):
            return c


_keys: dict[str, object] = {}


def rsa_key(label: str, bits: int = 2048, e: int = 65537) -> rsa.RSAPrivateKey:
    name = f"rsa:{label}:{bits}:{e}"
    if name not in _keys:
        rng = random.Random("vigie-fixture:" + name)
        pbits = (bits + 1) // 2
        while True:
            p = random_prime(rng, pbits, e)
            q = random_prime(rng, bits - pbits, e)
            if p != q and (p * q).bit_length() == bits:
                break
        d = pow(e, -1, (p - 1) * (q - 1) // math.gcd(p - 1, q - 1))
        numbers = rsa.RSAPrivateNumbers(
            p=p, q=q, d=d,
            dmp1=rsa.rsa_crt_dmp1(d, p), dmq1=rsa.rsa_crt_dmq1(d, q), iqmp=rsa.rsa_crt_iqmp(p, q),
            public_numbers=rsa.RSAPublicNumbers(e, p * q),
        )
        _keys[name] = numbers.private_key()
    return _keys[name]  # type: ignore[return-value]


def ec_key(label: str, curve: ec.EllipticCurve) -> ec.EllipticCurvePrivateKey:
    name = f"ec:{label}:{curve.name}"
    if name not in _keys:
        seed = b"".join(hashlib.sha512(f"{i}:{name}".encode()).digest() for i in range(2))
        scalar = int.from_bytes(seed, "big") % (1 << (curve.key_size - 2)) + 1
        _keys[name] = ec.derive_private_key(scalar, curve)
    return _keys[name]  # type: ignore[return-value]


def ed25519_key(label: str) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(
        hashlib.sha256(f"ed25519:{label}".encode()).digest()
    )


def dsa_key(label: str) -> dsa.DSAPrivateKey:
    """A 1024-bit DSA key (160-bit subgroup), parameters derived from the label."""
    name = f"dsa:{label}"
    if name not in _keys:
        rng = random.Random("vigie-fixture:" + name)
        while True:
            q = rng.getrandbits(160) | (1 << 159) | 1
            if is_probable_prime(q, rng):
                break
        while True:
            k = (rng.getrandbits(864) | (1 << 863)) & ~1
            p = k * q + 1
            if p.bit_length() == 1024 and is_probable_prime(p, rng):
                break
        h, g = 2, 1
        while g == 1:
            g = pow(h, (p - 1) // q, p)
            h += 1
        x = rng.randrange(1, q)
        params = dsa.DSAParameterNumbers(p, q, g)
        _keys[name] = dsa.DSAPrivateNumbers(x, dsa.DSAPublicNumbers(pow(g, x, p), params)).private_key()
    return _keys[name]  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------
# Minimal DER reading and writing
# ---------------------------------------------------------------------------------------------


def der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + der_len(len(content)) + content


def der_seq(*items: bytes) -> bytes:
    return der(0x30, b"".join(items))


def der_int(v: int) -> bytes:
    b = v.to_bytes(v.bit_length() // 8 + 1, "big")  # leading zero keeps it positive
    return der(0x02, b)


def der_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([arcs[0] * 40 + arcs[1]])
    for a in arcs[2:]:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.append(0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(reversed(chunk))
    return der(0x06, bytes(out))


def der_bits(data: bytes) -> bytes:
    return der(0x03, b"\x00" + data)


def der_children(tlv: bytes) -> list[bytes]:
    """The encoded children of a constructed TLV (definite lengths only)."""

    def header(buf: bytes, i: int) -> tuple[int, int]:
        first = buf[i + 1]
        if first < 0x80:
            return 2, first
        n = first & 0x7F
        return 2 + n, int.from_bytes(buf[i + 2 : i + 2 + n], "big")

    h, length = header(tlv, 0)
    content = tlv[h : h + length]
    out, i = [], 0
    while i < len(content):
        hh, ll = header(content, i)
        out.append(content[i : i + hh + ll])
        i += hh + ll
    return out


RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
RSASSA_PSS = "1.2.840.113549.1.1.10"


def rsa_spki(n: int, e: int, alg_oid: str = RSA_ENCRYPTION) -> bytes:
    """SubjectPublicKeyInfo of an RSA key: rsaEncryption (NULL parameters) or id-RSASSA-PSS
    (parameters absent: no restriction, RFC 4055)."""
    alg = der_seq(der_oid(alg_oid), der(0x05, b"")) if alg_oid == RSA_ENCRYPTION else der_seq(der_oid(alg_oid))
    return der_seq(alg, der_bits(der_seq(der_int(n), der_int(e))))


# FRP256v1, the curve published by ANSSI (JORF n°0241 du 16 octobre 2011); the script checks
# the base point against the equation before using it.
FRP256V1 = {
    "p": int("F1FD178C0B3AD58F10126DE8CE42435B3961ADBCABC8CA6DE8FCF353D86E9C03", 16),
    "a": int("F1FD178C0B3AD58F10126DE8CE42435B3961ADBCABC8CA6DE8FCF353D86E9C00", 16),
    "b": int("EE353FCA5428A9300D4ABA754A44C00FDFEC0C9AE4B1A1803075ED967B7BB73F", 16),
    "gx": int("B6B3D4C356C139EB31183D4749D423958C27D2DCAF98B70164C97A2DD98F5CFF", 16),
    "gy": int("6142E0F7C8B204911F9271F0F3ECEF8C2701C307E8E4C9E183115A1554062CFB", 16),
    "n": int("F1FD178C0B3AD58F10126DE8CE42435B53DC67E140D2BF941FFDD459C6D655E1", 16),
}


def frp256v1_point(label: str) -> bytes:
    c = FRP256V1
    p = c["p"]
    assert (c["gy"] ** 2 - (c["gx"] ** 3 + c["a"] * c["gx"] + c["b"])) % p == 0

    def add(P, Q):
        if P is None:
            return Q
        if Q is None:
            return P
        (x1, y1), (x2, y2) = P, Q
        if x1 == x2 and (y1 + y2) % p == 0:
            return None
        if P == Q:
            lam = (3 * x1 * x1 + c["a"]) * pow(2 * y1, -1, p) % p
        else:
            lam = (y2 - y1) * pow(x2 - x1, -1, p) % p
        x3 = (lam * lam - x1 - x2) % p
        return x3, (lam * (x1 - x3) - y1) % p

    def mul(k, P):
        R = None
        while k:
            if k & 1:
                R = add(R, P)
            P = add(P, P)
            k >>= 1
        return R

    G = (c["gx"], c["gy"])
    assert mul(c["n"], G) is None, "FRP256v1 parameters are inconsistent"
    k = int.from_bytes(hashlib.sha256(f"frp256v1:{label}".encode()).digest(), "big") % c["n"]
    x, y = mul(k, G)
    return b"\x04" + x.to_bytes(32, "big") + y.to_bytes(32, "big")


# ---------------------------------------------------------------------------------------------
# Certificates
# ---------------------------------------------------------------------------------------------


class CA:
    """An issuer: its certificate and private key."""

    def __init__(self, cert: x509.Certificate, key):
        self.cert = cert
        self.key = key

    @property
    def name(self) -> x509.Name:
        return self.cert.subject


def dn(cn: str | None, o: str | None = ORG, c: str | None = "FR") -> x509.Name:
    attrs = []
    if c:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, c))
    if o:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    if cn is not None:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


KU_FLAGS = [
    "digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
    "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only",
]

EKU = {
    "server_auth": ExtendedKeyUsageOID.SERVER_AUTH,
    "client_auth": ExtendedKeyUsageOID.CLIENT_AUTH,
    "code_signing": ExtendedKeyUsageOID.CODE_SIGNING,
    "email_protection": ExtendedKeyUsageOID.EMAIL_PROTECTION,
    "time_stamping": ExtendedKeyUsageOID.TIME_STAMPING,
    "ocsp_signing": ExtendedKeyUsageOID.OCSP_SIGNING,
    "any": ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE,
}


def public_of(key):
    return key.public_key() if hasattr(key, "public_key") else key


def sign_builder(b: x509.CertificateBuilder, key, hash_alg=None) -> x509.Certificate:
    if isinstance(key, (ed25519.Ed25519PrivateKey,)):
        return b.sign(key, None)
    if hash_alg is None:
        hash_alg = hashes.SHA256()
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return b.sign(key, hash_alg, ecdsa_deterministic=True)
    return b.sign(key, hash_alg)


def build(
    subject: x509.Name,
    key,
    issuer: CA | None = None,
    *,
    label: str,
    nb: dt.datetime = LEAF_NB,
    na: dt.datetime = LEAF_NA,
    serial: int | None = None,
    ca: bool | None = False,
    pathlen: int | None = None,
    ku: list[str] | None = None,
    eku: list[str] | None = None,
    dns: tuple[str, ...] | list[str] = (),
    ips: tuple[str, ...] | list[str] = (),
    emails: tuple[str, ...] | list[str] = (),
    crl: str | None = None,
    ocsp: str | None = None,
    ski: bool = True,
    aki: bool = True,
    hash_alg=None,
    issuer_name: x509.Name | None = None,
    sign_key=None,
    ski_value: bytes | None = None,
) -> x509.Certificate:
    """Builds a certificate. `issuer=None` means self-signed with `key`."""
    pub = public_of(key)
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name or (issuer.name if issuer else subject))
        .public_key(pub)
        .serial_number(serial if serial is not None else serial_for(label))
        .not_valid_before(nb)
        .not_valid_after(na)
    )
    if ca is not None:
        b = b.add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen if ca else None), critical=True)
    if ku is not None:
        flags = {f: (f in ku) for f in KU_FLAGS}
        b = b.add_extension(x509.KeyUsage(**flags), critical=True)
    if eku is not None:
        oids = [EKU[u] if u in EKU else x509.ObjectIdentifier(u) for u in eku]
        b = b.add_extension(x509.ExtendedKeyUsage(oids), critical=False)
    names: list[x509.GeneralName] = [x509.DNSName(d) for d in dns]
    names += [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
    names += [x509.RFC822Name(m) for m in emails]
    if names:
        b = b.add_extension(x509.SubjectAlternativeName(names), critical=False)
    if ski:
        value = ski_value if ski_value is not None else x509.SubjectKeyIdentifier.from_public_key(pub).digest
        b = b.add_extension(x509.SubjectKeyIdentifier(value), critical=False)
    if aki and issuer is not None:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                issuer.cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
            ),
            critical=False,
        )
    if crl:
        b = b.add_extension(
            x509.CRLDistributionPoints(
                [x509.DistributionPoint([x509.UniformResourceIdentifier(crl)], None, None, None)]
            ),
            critical=False,
        )
    if ocsp:
        b = b.add_extension(
            x509.AuthorityInformationAccess(
                [x509.AccessDescription(x509.AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp))]
            ),
            critical=False,
        )
    signer = sign_key or (issuer.key if issuer else key)
    return sign_builder(b, signer, hash_alg)


def ku_for(key) -> list[str]:
    """The usual key usage of a TLS leaf for this key type."""
    if isinstance(key, rsa.RSAPrivateKey):
        return ["digital_signature", "key_encipherment"]
    return ["digital_signature"]


def leaf(label: str, cn: str | None = None, key=None, issuer: CA | None = None, **kw) -> x509.Certificate:
    """A well-formed TLS server leaf issued by the equipment CA, with overridable fields."""
    issuer = issuer or ISSUING
    key = key if key is not None else rsa_key("leaf-a")
    host = cn if cn is not None else f"{label}.{DOMAIN}"
    kw.setdefault("ku", ku_for(key))
    kw.setdefault("eku", ["server_auth"])
    kw.setdefault("dns", [host])
    kw.setdefault("crl", CRL_URL)
    kw.setdefault("ocsp", OCSP_URL)
    kw.setdefault("ca", False)
    subject = kw.pop("subject", None) or dn(host)
    return build(subject, key, issuer, label=label, **kw)


def self_signed(label: str, cn: str, key=None, **kw) -> x509.Certificate:
    """A self-signed server certificate as a device generates on first boot."""
    key = key if key is not None else rsa_key("leaf-a")
    kw.setdefault("ku", ku_for(key))
    kw.setdefault("eku", ["server_auth"])
    kw.setdefault("dns", [cn])
    kw.setdefault("ca", False)
    return build(dn(cn), key, None, label=label, **kw)


def resign(cert: x509.Certificate, signer, *, spki: bytes | None = None) -> bytes:
    """Replaces the SubjectPublicKeyInfo of `cert` (when given) and signs the TBS again with
    `signer` (same signature algorithm as `cert`). Returns the DER certificate."""
    tbs_parts = der_children(cert.tbs_certificate_bytes)
    if spki is not None:
        # [0] version, serial, signature, issuer, validity, subject, spki, ...
        tbs_parts[6] = spki
    tbs = der_seq(*tbs_parts)
    outer = der_children(cert.public_bytes(serialization.Encoding.DER))
    if isinstance(signer, ec.EllipticCurvePrivateKey):
        sig = signer.sign(tbs, ec.ECDSA(cert.signature_hash_algorithm, deterministic_signing=True))
    elif isinstance(signer, rsa.RSAPrivateKey):
        sig = signer.sign(tbs, padding.PKCS1v15(), cert.signature_hash_algorithm)
    else:
        raise TypeError("unsupported signer")
    return der_seq(tbs, outer[1], der_bits(sig))


def tamper(cert: x509.Certificate, old: bytes, new: bytes) -> bytes:
    """The DER of `cert` with the last occurrence of `old` in its TBS replaced by `new` (same
    length), the signature left untouched."""
    assert len(old) == len(new)
    d = cert.public_bytes(serialization.Encoding.DER)
    i = d.rfind(old)
    assert 0 <= i < len(cert.tbs_certificate_bytes) + 8, old
    return d[:i] + new + d[i + len(old) :]


def openssl_cert(
    cn: str,
    key,
    issuer: CA | None,
    *,
    md: str,
    nb: dt.datetime,
    na: dt.datetime,
    serial: int,
    ext: str | None,
) -> x509.Certificate:
    """A certificate made by `openssl ca` (SHA-1/MD5 signatures, v1 certificates).
    `issuer=None` self-signs; `ext=None` gives a v1 certificate, otherwise `ext` holds the
    lines of the extension section."""
    with tempfile.TemporaryDirectory(prefix="vigie-fixture-") as tmp:
        d = Path(tmp)
        (d / "newcerts").mkdir()
        (d / "index.txt").write_text("")
        hexserial = f"{serial:X}"
        (d / "serial").write_text(("0" * (len(hexserial) % 2)) + hexserial + "\n")
        pem_key = lambda k: k.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (d / "subject.key").write_bytes(pem_key(key))
        conf = [
            "[ ca ]",
            "default_ca = CA_default",
            "[ CA_default ]",
            f"dir = {d}",
            "database = $dir/index.txt",
            "new_certs_dir = $dir/newcerts",
            "serial = $dir/serial",
            "policy = policy_any",
            "unique_subject = no",
            "copy_extensions = none",
            "email_in_dn = no",
            "[ policy_any ]",
            "countryName = optional",
            "organizationName = optional",
            "commonName = supplied",
        ]
        if ext is not None:
            conf += ["[ ext ]", ext.strip()]
        (d / "ca.cnf").write_text("\n".join(conf) + "\n")
        run = lambda *args: subprocess.run([OPENSSL, *args], cwd=d, check=True, capture_output=True)
        run("req", "-new", "-key", "subject.key", "-subj", f"/C=FR/O={ORG}/CN={cn}", "-out", "req.csr")
        args = [
            "ca", "-batch", "-config", "ca.cnf", "-notext", "-preserveDN", "-md", md,
            "-startdate", nb.strftime("%Y%m%d%H%M%SZ"), "-enddate", na.strftime("%Y%m%d%H%M%SZ"),
            "-in", "req.csr", "-out", "cert.pem",
        ]
        if issuer is None:
            args += ["-selfsign", "-keyfile", "subject.key"]
        else:
            (d / "ca.key").write_bytes(pem_key(issuer.key))
            (d / "ca.pem").write_bytes(issuer.cert.public_bytes(serialization.Encoding.PEM))
            args += ["-cert", "ca.pem", "-keyfile", "ca.key"]
        if ext is not None:
            args += ["-extensions", "ext"]
        run(*args)
        return x509.load_pem_x509_certificate((d / "cert.pem").read_bytes())


# ---------------------------------------------------------------------------------------------
# The PKI of the fixtures
# ---------------------------------------------------------------------------------------------

_root_key = ec_key("root-ca", ec.SECP384R1())
ROOT = CA(
    build(
        dn("AC Racine Ville-Exemple"), _root_key, None, label="root-ca",
        nb=T("2025-01-01"), na=T("2045-01-01"), ca=True, ku=["key_cert_sign", "crl_sign"],
        hash_alg=hashes.SHA384(),
    ),
    _root_key,
)
_issuing_key = ec_key("issuing-ca", ec.SECP384R1())
ISSUING = CA(
    build(
        dn("AC Équipements Ville-Exemple"), _issuing_key, ROOT, label="issuing-ca",
        nb=T("2025-01-01"), na=T("2035-01-01"), ca=True, pathlen=0, ku=["key_cert_sign", "crl_sign"],
        crl="http://pki.ville.example/ac-racine.crl", hash_alg=hashes.SHA384(),
    ),
    _issuing_key,
)
# An RSA CA for the certificates made by `openssl ca` (SHA-1, MD5, v1).
_legacy_key = rsa_key("legacy-ca")
LEGACY = CA(
    build(
        dn("AC Historique Ville-Exemple"), _legacy_key, None, label="legacy-ca",
        nb=T("2024-01-01"), na=T("2030-12-31T23:59:59"), ca=True, ku=["key_cert_sign", "crl_sign"],
    ),
    _legacy_key,
)

OPENSSL_LEAF_EXT = f"""
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:http://pki.ville.example/ac-historique.crl
authorityInfoAccess = OCSP;URI:{OCSP_URL}
"""


def openssl_leaf_ext(host: str) -> str:
    return OPENSSL_LEAF_EXT + f"subjectAltName = DNS:{host}\n"


# ---------------------------------------------------------------------------------------------
# Writing fixtures
# ---------------------------------------------------------------------------------------------

HEADER = "# Generated by scripts/gen-rule-fixtures.py (edit the script, then run it again)."


def to_pem(obj) -> str:
    """PEM text of a certificate object, DER certificate bytes, or PEM bytes/text."""
    if isinstance(obj, x509.Certificate):
        return obj.public_bytes(serialization.Encoding.PEM).decode()
    if isinstance(obj, bytes):
        return obj.decode() if obj.startswith(b"-----BEGIN") else der_to_pem(obj)
    if isinstance(obj, str):
        return obj
    raise TypeError(type(obj))


def der_to_pem(d: bytes, label: str = "CERTIFICATE") -> str:
    b64 = base64.b64encode(d).decode()
    body = "\n".join(b64[i : i + 64] for i in range(0, len(b64), 64))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n"


def pem_key(key, fmt: str = "pkcs8", password: bytes | None = None) -> bytes:
    enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    f = {
        "pkcs8": serialization.PrivateFormat.PKCS8,
        "traditional": serialization.PrivateFormat.TraditionalOpenSSL,
    }[fmt]
    return key.private_bytes(serialization.Encoding.PEM, f, enc)


class Block:
    """One PEM block of a fixture: `hit=True` writes `# ruleid:`, `False` writes `# ok:`,
    `None` no annotation."""

    def __init__(self, obj, desc: str, hit: bool | None = None):
        self.obj, self.desc, self.hit = obj, desc, hit


class Rule:
    def __init__(self, rid: str, name: str):
        self.rid = rid
        self.dir = RULES_DIR / f"{rid}-{name}"

    def reset(self) -> None:
        for kind in ("fail", "pass"):
            shutil.rmtree(self.dir / kind, ignore_errors=True)
            (self.dir / kind).mkdir(parents=True)

    def _path(self, kind: str, rel: str) -> Path:
        p = self.dir / kind / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        return p

    def pem(self, kind: str, rel: str, *blocks: Block, note: str | None = None) -> None:
        lines = [HEADER]
        if note:
            lines += [f"# {line}" for line in note.strip().splitlines()]
        for b in blocks:
            for text in (b.desc, note or ""):
                # The test runner reads `ok:` and `ruleid:` anywhere on a line.
                assert "ok:" not in text and "ruleid:" not in text, text
            lines.append("")
            lines.append(f"# {b.desc}")
            if b.hit is True:
                lines.append(f"# ruleid: {self.rid}")
            elif b.hit is False:
                lines.append(f"# ok: {self.rid}")
            lines.append(to_pem(b.obj).rstrip("\n"))
        self._path(kind, rel).write_text("\n".join(lines) + "\n")

    def raw(self, kind: str, rel: str, data: bytes) -> None:
        self._path(kind, rel).write_bytes(data)

    def der(self, kind: str, rel: str, cert) -> None:
        data = cert if isinstance(cert, bytes) else cert.public_bytes(serialization.Encoding.DER)
        self.raw(kind, rel, data)

    def p7b(self, kind: str, rel: str, certs: list[x509.Certificate]) -> None:
        self.raw(kind, rel, pkcs7.serialize_certificates(certs, serialization.Encoding.DER))

    def p12(self, kind: str, rel: str, key, cert, cas=None, password: bytes | None = None) -> None:
        enc = serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
        self.raw(kind, rel, pkcs12.serialize_key_and_certificates(b"device", key, cert, cas, enc))


FAIL, PASS = "fail", "pass"


def chain_blocks(rid_hit: bool | None = False) -> list[Block]:
    return [
        Block(ISSUING.cert, "AC Équipements Ville-Exemple: intermediate CA, EC P-384", rid_hit),
        Block(ROOT.cert, "AC Racine Ville-Exemple: self-signed root CA, EC P-384", rid_hit),
    ]


# ---------------------------------------------------------------------------------------------
# The rules
# ---------------------------------------------------------------------------------------------

GENERATORS = {}


def rule(rid: str, name: str):
    def wrap(fn):
        GENERATORS[rid] = (name, fn)
        return fn

    return wrap


@rule("CERT-001", "rsa-key-too-small")
def cert_001(r: Rule) -> None:
    r.pem(FAIL, "rsa-1024-leaf.pem", Block(leaf("camera-01", key=rsa_key("small", 1024)), "RSA 1024-bit leaf", True))
    r.pem(FAIL, "rsa-2047-leaf.pem", Block(leaf("camera-02", key=rsa_key("odd", 2047)), "RSA 2047-bit leaf: one bit short", True))
    r.der(FAIL, "rsa-1024-self-signed.der", self_signed("old-camera", f"old-camera.{DOMAIN}", rsa_key("small", 1024)))
    r.pem(PASS, "rsa-2048-leaf.pem", Block(leaf("camera-03"), "RSA 2048-bit leaf: exactly the minimum", False))
    r.pem(PASS, "ec-p256-leaf.pem", Block(leaf("camera-04", key=ec_key("leaf-a", ec.SECP256R1())), "EC P-256 leaf: 256 bits, not RSA", False))
    good = to_pem(leaf("camera-05")).splitlines()
    broken = "\n".join(good[:5] + ["@@@@ not base64 @@@@"] + good[6:])
    r.pem(PASS, "garbled-certificate.pem", Block(broken, "damaged base64: reported as a malformed block, no finding", False))


@rule("CERT-002", "rsa-key-below-3072-beyond-2030")
def cert_002(r: Rule) -> None:
    r.pem(
        FAIL, "rsa-2048-until-2031.pem",
        Block(leaf("sensor-gw", nb=T("2026-01-01"), na=T("2031-01-01")), "RSA 2048 leaf valid until 2031-01-01T00:00:00Z", True),
    )
    rsa_ca = build(
        dn("AC Capteurs Ville-Exemple"), rsa_key("rsa-ca"), ROOT, label="rsa-ca", nb=T("2025-06-01"),
        na=T("2035-06-01"), ca=True, pathlen=0, ku=["key_cert_sign", "crl_sign"], crl=CRL_URL,
    )
    r.pem(FAIL, "rsa-2048-ca-until-2035.pem", Block(rsa_ca, "RSA 2048 intermediate CA valid until 2035", True))
    r.pem(
        PASS, "rsa-2048-until-end-of-2030.pem",
        Block(leaf("sensor-gw", nb=T("2026-01-01"), na=T("2030-12-31T23:59:59")), "RSA 2048 leaf ending 2030-12-31T23:59:59Z", False),
    )
    r.pem(
        PASS, "rsa-3072-until-2035.pem",
        Block(leaf("sensor-gw", key=rsa_key("big", 3072), nb=T("2026-01-01"), na=T("2035-01-01")), "RSA 3072 leaf valid until 2035", False),
    )
    r.pem(
        PASS, "rsa-1024-until-2035.pem",
        Block(leaf("sensor-gw", key=rsa_key("small", 1024), nb=T("2026-01-01"), na=T("2035-01-01")), "RSA 1024 leaf: left to CERT-001", False),
    )
    r.pem(
        PASS, "ec-p256-until-2040.pem",
        Block(leaf("sensor-gw", key=ec_key("leaf-a", ec.SECP256R1()), nb=T("2026-01-01"), na=T("2040-01-01")), "EC P-256 leaf valid until 2040", False),
    )


@rule("CERT-003", "rsa-modulus-not-multiple-of-8")
def cert_003(r: Rule) -> None:
    r.pem(FAIL, "rsa-2050-leaf.pem", Block(leaf("camera-06", key=rsa_key("odd", 2050)), "RSA modulus of 2050 bits", True))
    r.der(FAIL, "rsa-2047-leaf.der", leaf("camera-07", key=rsa_key("odd", 2047)))
    r.pem(PASS, "rsa-2048-leaf.pem", Block(leaf("camera-08"), "RSA modulus of 2048 bits", False))
    r.pem(PASS, "rsa-3072-leaf.pem", Block(leaf("camera-09", key=rsa_key("big", 3072)), "RSA modulus of 3072 bits", False))
    r.pem(
        PASS, "ec-p521-leaf.pem",
        Block(leaf("camera-10", key=ec_key("leaf-a", ec.SECP521R1())), "EC P-521 key: 521 bits, but not an RSA modulus", False),
    )


@rule("CERT-004", "rsa-weak-public-exponent")
def cert_004(r: Rule) -> None:
    r.pem(FAIL, "rsa-e3-leaf.pem", Block(leaf("meter-01", key=rsa_key("e3", 2048, 3)), "RSA key with public exponent 3", True))
    r.pem(FAIL, "rsa-e65535-leaf.pem", Block(leaf("meter-02", key=rsa_key("e65535", 2048, 65535)), "RSA key with public exponent 65535", True))
    # An even exponent cannot belong to a working key pair; the certificate shows what a broken
    # key generator publishes.
    n = rsa_key("leaf-a").public_key().public_numbers().n
    even = resign(leaf("meter-03"), ISSUING.key, spki=rsa_spki(n, 65538))
    r.pem(FAIL, "rsa-even-exponent-leaf.pem", Block(even, "RSA public key with the even exponent 65538", True))
    r.pem(PASS, "rsa-e65537-leaf.pem", Block(leaf("meter-04"), "RSA key with public exponent 65537", False))
    r.pem(PASS, "rsa-e65539-leaf.pem", Block(leaf("meter-05", key=rsa_key("e65539", 2048, 65539)), "RSA key with public exponent 65539", False))
    huge = rsa.RSAPublicNumbers((1 << 64) - 59, n).public_key()
    r.pem(
        PASS, "rsa-huge-exponent-leaf.pem",
        Block(leaf("meter-06", key=huge), "RSA public key with a 64-bit exponent (2^64 - 59)", False),
    )
    r.pem(PASS, "ec-leaf.pem", Block(leaf("meter-07", key=ec_key("leaf-a", ec.SECP256R1())), "EC P-256 key: no exponent", False))


@rule("CERT-005", "ec-curve-not-approved")
def cert_005(r: Rule) -> None:
    r.pem(FAIL, "ec-p192-leaf.pem", Block(leaf("lora-gw", key=ec_key("leaf-a", ec.SECP192R1())), "EC key on P-192", True))
    r.der(FAIL, "ec-p224-leaf.der", leaf("lora-gw", key=ec_key("leaf-a", ec.SECP224R1())))
    r.p7b(FAIL, "ec-secp256k1-bundle.p7b", [leaf("lora-gw", key=ec_key("leaf-a", ec.SECP256K1())), ISSUING.cert, ROOT.cert])
    frp_spki = der_seq(
        der_seq(der_oid("1.2.840.10045.2.1"), der_oid("1.2.250.1.223.101.256.1")), der_bits(frp256v1_point("leaf-a"))
    )
    frp = resign(leaf("lora-gw-frp", key=ec_key("leaf-a", ec.SECP256R1()), ski=False), ISSUING.key, spki=frp_spki)
    r.pem(
        PASS, "approved-curves.pem",
        Block(leaf("lora-gw-1", key=ec_key("leaf-a", ec.SECP256R1())), "EC key on P-256", False),
        Block(leaf("lora-gw-2", key=ec_key("leaf-a", ec.SECP384R1())), "EC key on P-384", False),
        Block(leaf("lora-gw-3", key=ec_key("leaf-a", ec.SECP521R1())), "EC key on P-521", False),
        Block(leaf("lora-gw-4", key=ec_key("leaf-a", ec.BrainpoolP256R1())), "EC key on brainpoolP256r1", False),
        Block(leaf("lora-gw-5", key=ec_key("leaf-a", ec.BrainpoolP384R1())), "EC key on brainpoolP384r1", False),
        Block(leaf("lora-gw-6", key=ec_key("leaf-a", ec.BrainpoolP512R1())), "EC key on brainpoolP512r1", False),
        Block(frp, "EC key on FRP256v1, the curve published by ANSSI", False),
    )
    r.pem(PASS, "rsa-leaf.pem", Block(leaf("lora-gw-7"), "RSA key: no curve", False))


@rule("CERT-006", "weak-signature-hash")
def cert_006(r: Rule) -> None:
    host = f"nvr-01.{DOMAIN}"
    sha1_leaf = openssl_cert(host, rsa_key("leaf-a"), LEGACY, md="sha1", nb=LEAF_NB, na=LEAF_NA, serial=serial_for("sha1-leaf"), ext=openssl_leaf_ext(host))
    md5_leaf = openssl_cert(host, rsa_key("leaf-a"), LEGACY, md="md5", nb=LEAF_NB, na=LEAF_NA, serial=serial_for("md5-leaf"), ext=openssl_leaf_ext(host))
    ca_ext = """
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:http://pki.ville.example/ac-historique.crl
"""
    sha1_int = openssl_cert(
        "AC Video Ville-Exemple", rsa_key("video-ca"), LEGACY, md="sha1", nb=T("2025-01-01"), na=T("2030-01-01"),
        serial=serial_for("sha1-int"), ext=ca_ext,
    )
    r.pem(FAIL, "sha1-leaf.pem", Block(sha1_leaf, "leaf signed with sha1WithRSAEncryption", True))
    r.pem(FAIL, "md5-leaf.pem", Block(md5_leaf, "leaf signed with md5WithRSAEncryption", True))
    r.pem(FAIL, "sha1-intermediate.pem", Block(sha1_int, "intermediate CA signed with SHA-1: its signature is relied upon", True))
    self_ext = OPENSSL_LEAF_EXT.replace("authorityKeyIdentifier = keyid\n", "") + f"subjectAltName = DNS:{host}\n"
    r.der(
        FAIL, "sha1-self-signed-leaf.der",
        openssl_cert(host, rsa_key("leaf-a"), None, md="sha1", nb=LEAF_NB, na=LEAF_NA, serial=serial_for("sha1-self"), ext=self_ext),
    )
    root_ext = """
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""
    sha1_root = openssl_cert(
        "AC Racine Historique SHA-1", rsa_key("legacy-root"), None, md="sha1", nb=T("2020-01-01"), na=T("2030-12-31T23:59:59"),
        serial=serial_for("sha1-root"), ext=root_ext,
    )
    md5_root = openssl_cert(
        "AC Racine Historique MD5", rsa_key("legacy-root"), None, md="md5", nb=T("2020-01-01"), na=T("2030-12-31T23:59:59"),
        serial=serial_for("md5-root"), ext=root_ext,
    )
    r.pem(PASS, "sha1-self-signed-root.pem", Block(sha1_root, "self-signed root CA with a SHA-1 self-signature", False))
    r.pem(PASS, "md5-self-signed-root.pem", Block(md5_root, "self-signed root CA with an MD5 self-signature", False))
    r.pem(PASS, "sha256-leaf.pem", Block(leaf("nvr-02"), "leaf signed with ecdsa-with-SHA256", False))
    ed_key = ed25519_key("ed-ca")
    ed_ca = CA(build(dn("AC Ed25519 Ville-Exemple"), ed_key, None, label="ed-ca", nb=T("2025-01-01"), na=T("2035-01-01"), ca=True, ku=["key_cert_sign", "crl_sign"]), ed_key)
    r.pem(PASS, "ed25519-signed-leaf.pem", Block(leaf("nvr-03", issuer=ed_ca), "leaf signed with Ed25519 (no separate hash)", False))


@rule("CERT-007", "deprecated-key-algorithm")
def cert_007(r: Rule) -> None:
    r.pem(FAIL, "dsa-leaf.pem", Block(leaf("badge-reader", key=dsa_key("leaf-a"), ku=["digital_signature"]), "DSA 1024 public key", True))
    gost_spki = der_seq(
        der_seq(der_oid("1.2.643.7.1.1.1.1"), der_seq(der_oid("1.2.643.7.1.2.1.1.1"), der_oid("1.2.643.7.1.1.2.2"))),
        der_bits(der(0x04, hashlib.sha512(b"gost placeholder point").digest())),
    )
    gost = resign(leaf("badge-reader-2", ski=False), ISSUING.key, spki=gost_spki)
    r.pem(FAIL, "gost-key-leaf.pem", Block(gost, "GOST R 34.10-2012 public key (placeholder point): an algorithm Vigie does not recognise", True))
    r.der(FAIL, "dsa-leaf.der", leaf("badge-reader-3", key=dsa_key("leaf-a"), ku=["digital_signature"]))
    n = rsa_key("leaf-a").public_key().public_numbers().n
    pss = resign(leaf("badge-reader-4", ski=False), ISSUING.key, spki=rsa_spki(n, 65537, RSASSA_PSS))
    r.pem(PASS, "rsa-pss-key-leaf.pem", Block(pss, "RSA key restricted to RSASSA-PSS (id-RSASSA-PSS public key)", False))
    r.pem(PASS, "ed25519-key-leaf.pem", Block(leaf("badge-reader-5", key=ed25519_key("leaf-a")), "Ed25519 public key", False))
    r.pem(PASS, "ec-key-leaf.pem", Block(leaf("badge-reader-6", key=ec_key("leaf-a", ec.SECP256R1())), "EC P-256 public key", False))
    r.pem(PASS, "rsa-key-leaf.pem", Block(leaf("badge-reader-7"), "RSA public key", False))


@rule("CERT-008", "certificate-expired")
def cert_008(r: Rule) -> None:
    r.pem(
        FAIL, "expired-on-the-day.pem",
        Block(leaf("parking-01", nb=T("2026-06-01"), na=T("2026-11-28T12:00:00")), "not after 2026-11-28T12:00:00Z: expired during the day", True),
    )
    r.der(FAIL, "expired-2020.der", leaf("parking-02", nb=T("2019-06-01"), na=T("2020-06-01")))
    key = ec_key("parking-03", ec.SECP256R1())
    r.p12(FAIL, "expired-in-store.p12", key, leaf("parking-03", key=key, nb=T("2025-01-01"), na=T("2025-07-01")))
    r.pem(
        PASS, "valid-until-end-of-day.pem",
        Block(leaf("parking-04", nb=T("2026-06-01"), na=T("2026-11-28T23:59:59")), "not after 2026-11-28T23:59:59Z: still valid that day", False),
    )
    r.pem(PASS, "valid.pem", Block(leaf("parking-05"), "valid from 2026-10-01 to 2027-04-01", False))
    r.pem(PASS, "not-yet-valid.pem", Block(leaf("parking-06", nb=T("2027-01-01"), na=T("2027-06-01")), "not yet valid: not expired either", False))
    truncated = leaf("parking-07").public_bytes(serialization.Encoding.DER)[:300]
    r.raw(PASS, "truncated.der", truncated)


@rule("CERT-009", "certificate-not-yet-valid")
def cert_009(r: Rule) -> None:
    r.pem(FAIL, "valid-from-tomorrow.pem", Block(leaf("kiosk-01", nb=T("2026-11-29"), na=T("2027-05-01")), "not before 2026-11-29T00:00:00Z", True))
    r.pem(FAIL, "valid-from-2030.pem", Block(leaf("kiosk-02", nb=T("2030-01-01"), na=T("2030-06-01")), "not before 2030-01-01: device clock or provisioning error", True))
    r.pem(
        PASS, "valid-from-end-of-today.pem",
        Block(leaf("kiosk-03", nb=T("2026-11-28T23:59:59"), na=T("2027-05-01")), "not before 2026-11-28T23:59:59Z: valid that day", False),
    )
    r.pem(PASS, "valid.pem", Block(leaf("kiosk-04"), "valid from 2026-10-01 to 2027-04-01", False))
    r.pem(PASS, "expired.pem", Block(leaf("kiosk-05", nb=T("2025-01-01"), na=T("2025-06-01")), "expired: already valid in the past", False))


@rule("CERT-010", "certificate-expires-soon")
def cert_010(r: Rule) -> None:
    r.pem(
        FAIL, "expires-in-30-days.pem",
        Block(leaf("weather-01", nb=T("2026-07-01"), na=T("2026-12-28T23:59:59")), "not after 2026-12-28T23:59:59Z: 30 days left", True),
    )
    r.pem(
        FAIL, "expires-tomorrow.pem",
        Block(leaf("weather-02", nb=T("2026-07-01"), na=T("2026-11-29")), "not after 2026-11-29T00:00:00Z: 0 whole days left", True),
    )
    ca_soon = build(
        dn("AC Temporaire Ville-Exemple"), ec_key("temp-ca", ec.SECP256R1()), ROOT, label="temp-ca", nb=T("2024-12-01"),
        na=T("2026-12-15"), ca=True, pathlen=0, ku=["key_cert_sign", "crl_sign"], crl=CRL_URL,
    )
    r.pem(FAIL, "intermediate-expires-in-16-days.pem", Block(ca_soon, "intermediate CA ending 2026-12-15", True))
    r.pem(
        PASS, "expires-in-31-days.pem",
        Block(leaf("weather-03", nb=T("2026-07-01"), na=T("2026-12-29T23:59:59")), "not after 2026-12-29T23:59:59Z: 31 days left", False),
    )
    r.pem(PASS, "already-expired.pem", Block(leaf("weather-04", nb=T("2026-05-01"), na=T("2026-11-01")), "already expired: left to CERT-008", False))
    r.pem(PASS, "valid.pem", Block(leaf("weather-05"), "valid until 2027-04-01", False))


@rule("CERT-011", "validity-period-too-long")
def cert_011(r: Rule) -> None:
    def span(label, nb, days, **kw):
        nbt = T(nb)
        return leaf(label, nb=nbt, na=nbt + days * DAY, **kw)

    r.pem(
        FAIL, "over-the-limit.pem",
        Block(span("hub-01", "2026-01-10", 399), "issued 2026-01-10 (limit 398 days), valid 399 days", True),
        Block(span("hub-02", "2026-03-15", 201), "issued 2026-03-15 (limit 200 days), valid 201 days", True),
        Block(span("hub-03", "2027-03-15", 101), "issued 2027-03-15 (limit 100 days), valid 101 days", True),
        Block(span("hub-04", "2029-03-15", 48), "issued 2029-03-15 (limit 47 days), valid 48 days", True),
    )
    r.der(FAIL, "device-certificate-10-years.der", span("hub-05", "2026-06-01", 3652))
    r.pem(
        PASS, "at-the-limit.pem",
        Block(span("hub-06", "2026-03-14T23:59:59", 398), "issued 2026-03-14T23:59:59Z (limit 398 days), valid 398 days", False),
        Block(span("hub-07", "2026-03-15", 200), "issued 2026-03-15 (limit 200 days), valid 200 days", False),
        Block(span("hub-08", "2027-03-14T23:59:59", 200), "issued 2027-03-14T23:59:59Z (limit 200 days), valid 200 days", False),
        Block(span("hub-09", "2027-03-15", 100), "issued 2027-03-15 (limit 100 days), valid 100 days", False),
        Block(span("hub-10", "2029-03-15", 47), "issued 2029-03-15 (limit 47 days), valid 47 days", False),
    )
    r.pem(PASS, "ca-certificates.pem", *chain_blocks(False))


@rule("CERT-012", "missing-subject-alt-name")
def cert_012(r: Rule) -> None:
    r.pem(FAIL, "server-without-san.pem", Block(leaf("portal", dns=[]), "TLS server certificate (serverAuth) with its name only in the CN", True))
    r.pem(FAIL, "no-eku-no-san.pem", Block(leaf("portal-2", dns=[], eku=None), "no extended key usage, no subject alternative name", True))
    r.pem(
        FAIL, "email-san-only.pem",
        Block(leaf("portal-3", dns=[], eku=None, emails=[f"dsi@{DOMAIN}"]), "alternative names hold only an e-mail address", True),
    )
    r.pem(PASS, "ip-san.pem", Block(leaf("camera-ip", cn="192.0.2.10", dns=[], ips=["192.0.2.10"]), "camera reached by IP address, listed as an iPAddress", False))
    r.pem(PASS, "dns-san.pem", Block(leaf("portal-4"), "DNS name in the alternative names", False))
    r.pem(
        PASS, "client-device-identity.pem",
        Block(leaf("meter-0042", cn="meter-0042", dns=[], eku=["client_auth"]), "device identity used as a TLS client only", False),
    )
    r.pem(PASS, "ca-certificates.pem", *chain_blocks(False))


@rule("CERT-013", "common-name-not-in-san")
def cert_013(r: Rule) -> None:
    r.pem(
        FAIL, "cn-differs-from-san.pem",
        Block(leaf("cn-1", cn=f"camera-12.{DOMAIN}", dns=[f"cam-12.{DOMAIN}"]), "CN camera-12 but SAN cam-12", True),
    )
    r.pem(
        FAIL, "cn-is-a-serial-number.pem",
        Block(leaf("cn-2", subject=dn("SN-0042-7781"), dns=[f"sensor-42.{DOMAIN}"]), "CN is a serial number, SAN a DNS name", True),
    )
    r.pem(
        PASS, "cn-in-san.pem",
        Block(leaf("cn-3", subject=dn(f"Cam-01.Ville.Example"), dns=[f"cam-01.{DOMAIN}"]), "CN equals the SAN up to letter case", False),
        Block(leaf("cn-4", subject=dn(f"cam-02.{DOMAIN}"), dns=[f"www.cam-02.{DOMAIN}", f"cam-02.{DOMAIN}"]), "CN equals the second SAN", False),
        Block(leaf("cn-5", subject=dn("192.0.2.20"), dns=[], ips=["192.0.2.20"]), "CN equals the IP address SAN", False),
        Block(leaf("cn-6", subject=dn(None), dns=[f"cam-03.{DOMAIN}"]), "no CN at all", False),
    )
    r.pem(PASS, "cn-without-san.pem", Block(leaf("cn-7", dns=[]), "no SAN: left to CERT-012", False))


@rule("CERT-015", "ca-flag-on-end-entity")
def cert_015(r: Rule) -> None:
    r.pem(
        FAIL, "server-certificate-marked-ca.pem",
        Block(leaf("streetlight-ctl", ca=True), "server certificate with cA=TRUE and a key usage without keyCertSign", True),
    )
    host = f"nvr-02.{DOMAIN}"
    openssl_style = build(dn(host), rsa_key("leaf-a"), None, label="openssl-req", ca=True, dns=[host], ku=None)
    r.pem(
        FAIL, "self-signed-device-marked-ca.pem",
        Block(openssl_style, "self-signed device certificate with cA=TRUE and a DNS name (as `openssl req -x509` makes)", True),
    )
    device_id = leaf("meter-0099", cn="meter-0099", dns=[], eku=["client_auth"], ca=True)
    r.pem(
        FAIL, "client-identity-marked-ca.pem",
        Block(device_id, "device identity (clientAuth, digitalSignature) with cA=TRUE and no host name", True),
    )
    tls_int = build(
        dn("AC Serveurs TLS Ville-Exemple"), ec_key("tls-ca", ec.SECP256R1()), ROOT, label="tls-ca", nb=T("2025-06-01"),
        na=T("2030-06-01"), ca=True, pathlen=0, ku=["key_cert_sign", "crl_sign"], eku=["server_auth", "client_auth"], crl=CRL_URL,
    )
    r.pem(PASS, "intermediate-with-tls-eku.pem", Block(tls_int, "intermediate CA limited to serverAuth and clientAuth", False))
    bare_root = build(dn("AC Racine Minimale"), ec_key("bare-root", ec.SECP256R1()), None, label="bare-root", nb=T("2025-01-01"), na=T("2035-01-01"), ca=True, ku=None)
    r.pem(PASS, "root-without-key-usage.pem", Block(bare_root, "root CA without keyUsage and without alternative names", False))
    r.pem(PASS, "leaf.pem", Block(leaf("streetlight-ctl-2"), "ordinary leaf (cA=FALSE)", False))
    r.pem(PASS, "ca-certificates.pem", *chain_blocks(False))


@rule("CERT-016", "eku-unsuitable-for-tls-server")
def cert_016(r: Rule) -> None:
    r.pem(FAIL, "code-signing-only.pem", Block(leaf("ota", eku=["code_signing"]), "DNS name with codeSigning only", True))
    r.pem(FAIL, "server-and-any.pem", Block(leaf("ota-2", eku=["server_auth", "any"]), "serverAuth plus anyExtendedKeyUsage", True))
    r.pem(FAIL, "server-and-code-signing.pem", Block(leaf("ota-3", eku=["server_auth", "code_signing"]), "serverAuth plus codeSigning", True))
    r.pem(FAIL, "email-protection-only.pem", Block(leaf("ota-4", eku=["email_protection"]), "DNS name with emailProtection only", True))
    r.pem(FAIL, "server-and-email-protection.pem", Block(leaf("ota-10", eku=["server_auth", "email_protection"]), "serverAuth plus emailProtection", True))
    r.pem(PASS, "server-auth.pem", Block(leaf("ota-5"), "serverAuth", False))
    r.pem(
        PASS, "code-signing-certificate.pem",
        Block(leaf("ota-11", cn="Signature micrologiciel Ville-Exemple", dns=[], eku=["code_signing"]), "code-signing certificate naming no host", False),
    )
    r.pem(PASS, "server-and-client-auth.pem", Block(leaf("ota-6", eku=["server_auth", "client_auth"]), "serverAuth and clientAuth", False))
    r.pem(
        PASS, "server-and-private-oid.pem",
        Block(leaf("ota-7", eku=["server_auth", "1.3.6.1.4.1.99999.1.1"]), "serverAuth and a private usage OID", False),
    )
    r.pem(PASS, "client-auth-only.pem", Block(leaf("ota-8", eku=["client_auth"]), "clientAuth only: a device identity, not a server", False))
    r.pem(PASS, "no-eku.pem", Block(leaf("ota-9", eku=None), "no extended key usage extension", False))


@rule("CERT-017", "key-usage-inconsistent-with-role")
def cert_017(r: Rule) -> None:
    ec256 = ec_key("leaf-a", ec.SECP256R1())
    r.pem(
        FAIL, "ec-key-encipherment.pem",
        Block(leaf("bus-stop", key=ec256, ku=["digital_signature", "key_encipherment"]), "EC key with keyEncipherment", True),
    )
    r.pem(
        FAIL, "leaf-key-cert-sign.pem",
        Block(leaf("bus-stop-2", ku=["digital_signature", "key_encipherment", "key_cert_sign"]), "cA=FALSE with keyCertSign", True),
    )
    r.pem(
        FAIL, "ec-data-encipherment.pem",
        Block(leaf("bus-stop-10", key=ec256, ku=["digital_signature", "data_encipherment"]), "EC key with dataEncipherment", True),
    )
    r.pem(FAIL, "rsa-key-agreement.pem", Block(leaf("bus-stop-3", ku=["digital_signature", "key_agreement"]), "RSA key with keyAgreement", True))
    r.pem(
        FAIL, "server-without-digital-signature.pem",
        Block(leaf("bus-stop-4", ku=["key_encipherment"]), "TLS server certificate with keyEncipherment only", True),
    )
    r.pem(PASS, "ec-digital-signature.pem", Block(leaf("bus-stop-5", key=ec256), "EC key with digitalSignature", False))
    r.pem(
        PASS, "ec-key-agreement.pem",
        Block(leaf("bus-stop-6", key=ec256, ku=["digital_signature", "key_agreement"]), "EC key with digitalSignature and keyAgreement", False),
    )
    r.pem(PASS, "rsa-digital-signature-key-encipherment.pem", Block(leaf("bus-stop-7"), "RSA key with digitalSignature and keyEncipherment", False))
    r.pem(PASS, "no-key-usage.pem", Block(leaf("bus-stop-8", ku=None), "no keyUsage extension", False))
    r.pem(
        PASS, "client-encipherment-only.pem",
        Block(leaf("bus-stop-9", eku=["client_auth"], ku=["key_encipherment"]), "keyEncipherment only, but not a TLS server", False),
    )
    r.pem(PASS, "ca-certificates.pem", *chain_blocks(False))


@rule("CERT-018", "self-signed-leaf")
def cert_018(r: Rule) -> None:
    host = f"camera-17.{DOMAIN}"
    r.pem(FAIL, "self-signed-camera.pem", Block(self_signed("cam17", host), "self-signed camera certificate", True))
    p521 = ec_key("leaf-a", ec.SECP521R1())
    r.pem(
        FAIL, "self-signed-p521.pem",
        Block(self_signed("cam18", f"camera-18.{DOMAIN}", p521, hash_alg=hashes.SHA512()), "self-signed with ECDSA P-521 and SHA-512", True),
    )
    key = ec_key("cam19", ec.SECP256R1())
    r.p12(FAIL, "self-signed-in-store.p12", key, self_signed("cam19", f"camera-19.{DOMAIN}", key))
    r.pem(PASS, "ca-issued-leaf.pem", Block(leaf("camera-20"), "leaf issued by the equipment CA", False))
    r.pem(PASS, "root-ca.pem", Block(ROOT.cert, "self-signed root CA", False))
    other = build(dn(host), rsa_key("leaf-a"), None, label="self-issued", sign_key=rsa_key("leaf-b"), dns=[host], ku=ku_for(rsa_key("leaf-a")))
    r.pem(PASS, "self-issued-other-key.pem", Block(other, "subject equals issuer, but signed by another key: not self-signed", False))


@rule("CERT-019", "no-revocation-information")
def cert_019(r: Rule) -> None:
    r.pem(FAIL, "leaf-without-crl-or-ocsp.pem", Block(leaf("traffic-01", crl=None, ocsp=None), "CA-issued leaf with neither CRL nor OCSP", True))
    int_norev = build(
        dn("AC Sans Revocation"), ec_key("norev-ca", ec.SECP256R1()), ROOT, label="norev-ca", nb=T("2025-06-01"), na=T("2030-06-01"),
        ca=True, pathlen=0, ku=["key_cert_sign", "crl_sign"],
    )
    r.pem(FAIL, "intermediate-without-crl-or-ocsp.pem", Block(int_norev, "intermediate CA with neither CRL nor OCSP", True))
    r.pem(PASS, "leaf-ocsp-only.pem", Block(leaf("traffic-02", crl=None), "OCSP responder only", False))
    r.pem(PASS, "leaf-crl-only.pem", Block(leaf("traffic-03", ocsp=None), "CRL distribution point only", False))
    r.pem(PASS, "root-ca.pem", Block(ROOT.cert, "self-signed root: nothing above it could revoke it", False))
    r.pem(PASS, "self-signed-leaf.pem", Block(self_signed("traffic-04", f"traffic-04.{DOMAIN}"), "self-signed leaf: no issuer to revoke it", False))
    r.pem(
        PASS, "short-lived-7-days.pem",
        Block(leaf("traffic-05", crl=None, ocsp=None, nb=T("2026-11-25"), na=T("2026-12-02")), "7-day certificate without revocation pointers", False),
    )


@rule("CERT-020", "serial-number-low-entropy")
def cert_020(r: Rule) -> None:
    r.pem(FAIL, "serial-01.pem", Block(leaf("display-01", serial=1), "serial number 01", True))
    r.pem(FAIL, "serial-1000.pem", Block(leaf("display-02", serial=0x1000), "serial number 0x1000 (openssl ca counter)", True))
    r.pem(FAIL, "serial-63-bits.pem", Block(leaf("display-03", serial=(1 << 62) + 12345), "serial number of 63 bits", True))
    r.pem(PASS, "serial-64-bits.pem", Block(leaf("display-04", serial=(1 << 63) + 12345), "serial number of 64 bits", False))
    r.pem(PASS, "serial-128-bits.pem", Block(leaf("display-05"), "serial number of 128 bits", False))
    r.pem(
        PASS, "self-signed-serial-01.pem",
        Block(self_signed("display-06", f"display-06.{DOMAIN}", serial=1), "self-signed with serial 01: no CA signature to attack", False),
    )


@rule("CERT-021", "public-key-shared-between-certificates")
def cert_021(r: Rule) -> None:
    shared = rsa_key("shared-device-key")
    r.pem(FAIL, "two-cameras-one-key/camera-01.pem", Block(leaf("camera-01", key=shared), "camera 01", True))
    r.pem(FAIL, "two-cameras-one-key/camera-02.pem", Block(leaf("camera-02", key=shared), "camera 02: same key as camera 01", True))
    gw_key = ec_key("shared-gw", ec.SECP256R1())
    r.pem(FAIL, "gateways-pem-and-der/gateway-01.pem", Block(leaf("gateway-01", key=gw_key), "gateway 01", True))
    r.der(FAIL, "gateways-pem-and-der/gateway-02.der", leaf("gateway-02", key=gw_key))
    cam = leaf("camera-03", key=shared)
    r.pem(PASS, "same-certificate-twice/camera-03.pem", Block(cam, "camera 03", False))
    r.pem(
        PASS, "same-certificate-twice/fullchain.pem",
        Block(cam, "camera 03 again, in its full chain: the same certificate, not another one", False),
        *chain_blocks(False),
    )
    r.pem(PASS, "two-cameras-two-keys/camera-04.pem", Block(leaf("camera-04", key=rsa_key("leaf-a")), "camera 04", False))
    r.pem(PASS, "two-cameras-two-keys/camera-05.pem", Block(leaf("camera-05", key=rsa_key("leaf-b")), "camera 05, its own key", False))
    cross = build(
        ISSUING.cert.subject, ISSUING.key, LEGACY, label="cross", nb=T("2025-01-01"), na=T("2030-12-31"), ca=True, pathlen=0,
        ku=["key_cert_sign", "crl_sign"], crl=CRL_URL,
    )
    r.pem(PASS, "cross-certified-ca/issuing-ca.pem", Block(ISSUING.cert, "intermediate CA", False))
    r.pem(PASS, "cross-certified-ca/issuing-ca-cross.pem", Block(cross, "the same CA key certified by another root", False))


@rule("CERT-023", "certificate-not-version-3")
def cert_023(r: Rule) -> None:
    host = f"intercom.{DOMAIN}"
    v1 = openssl_cert(host, rsa_key("leaf-a"), LEGACY, md="sha256", nb=LEAF_NB, na=LEAF_NA, serial=serial_for("v1-leaf"), ext=None)
    r.pem(FAIL, "v1-leaf.pem", Block(v1, "X.509 v1 leaf: no extensions possible", True))
    v1_self = openssl_cert(host, rsa_key("leaf-a"), None, md="sha256", nb=LEAF_NB, na=LEAF_NA, serial=serial_for("v1-self"), ext=None)
    r.der(FAIL, "v1-self-signed.der", v1_self)
    r.pem(PASS, "v3-leaf.pem", Block(leaf("intercom-2"), "X.509 v3 leaf", False))
    bare = build(dn(f"intercom-3.{DOMAIN}"), rsa_key("leaf-a"), ISSUING, label="intercom-3", ca=None, ski=False, aki=False)
    r.pem(PASS, "v3-without-extensions.pem", Block(bare, "X.509 v3 without any extension", False))


@rule("CERT-024", "wildcard-on-device-certificate")
def cert_024(r: Rule) -> None:
    r.pem(
        FAIL, "wildcard-san.pem",
        Block(leaf("wild-1", subject=dn(f"cameras.{DOMAIN}"), dns=[f"*.cameras.{DOMAIN}", f"cameras.{DOMAIN}"]), "SAN *.cameras", True),
    )
    r.pem(FAIL, "wildcard-cn-only.pem", Block(leaf("wild-2", cn=f"*.{DOMAIN}", dns=[]), "wildcard in the CN, no SAN", True))
    r.pem(FAIL, "partial-wildcard.pem", Block(leaf("wild-3", cn=f"cam-01.{DOMAIN}", dns=[f"cam*.{DOMAIN}"]), "partial wildcard cam*", True))
    wild_self = build(
        dn(f"*.cameras.{DOMAIN}"), rsa_key("leaf-a"), None, label="wild-4", ca=True, ku=None, dns=[f"*.cameras.{DOMAIN}"],
    )
    r.pem(
        FAIL, "self-signed-wildcard-marked-ca.pem",
        Block(wild_self, "self-signed wildcard certificate with cA=TRUE, as `openssl req -x509` makes by default", True),
    )
    r.pem(PASS, "named-device.pem", Block(leaf("cam-04"), "one named device", False))
    r.pem(PASS, "ip-device.pem", Block(leaf("ip-dev", cn="192.0.2.30", dns=[], ips=["192.0.2.30"]), "device named by its IP address", False))
    r.pem(PASS, "ca-certificates.pem", *chain_blocks(False))


@rule("CERT-026", "unencrypted-private-key-beside-certificate")
def cert_026(r: Rule) -> None:
    k = rsa_key("leaf-a")
    ek = ec_key("leaf-a", ec.SECP256R1())
    r.pem(FAIL, "cert-and-pkcs8-key/server.crt", Block(leaf("supervision"), "certificate of the supervision server", True))
    r.raw(FAIL, "cert-and-pkcs8-key/server.key", pem_key(k))
    r.pem(
        FAIL, "cert-and-key-in-one-file.pem",
        Block(leaf("supervision-2", key=ek), "certificate followed by its unencrypted EC key", True),
        Block(pem_key(ek), "the private key (PKCS#8, no passphrase)"),
    )
    r.pem(FAIL, "cert-and-pkcs1-key/device.pem", Block(leaf("supervision-3"), "certificate; its key is in private.key", True))
    r.raw(FAIL, "cert-and-pkcs1-key/private.key", pem_key(k, "traditional"))
    r.p12(FAIL, "store-without-password.p12", ek, leaf("supervision-4", key=ek))
    r.pem(PASS, "cert-and-encrypted-key/server.crt", Block(leaf("supervision-5"), "certificate; server.key is passphrase-protected", False))
    r.raw(PASS, "cert-and-encrypted-key/server.key", pem_key(k, "pkcs8", b"vigie-fixture"))
    r.pem(PASS, "cert-and-legacy-encrypted-key/server.crt", Block(leaf("supervision-6"), "certificate; legacy encrypted PEM key beside it", False))
    r.raw(PASS, "cert-and-legacy-encrypted-key/server.key", pem_key(k, "traditional", b"vigie-fixture"))
    r.p12(PASS, "store-with-password.p12", ek, leaf("supervision-7", key=ek), password=b"vigie")
    r.pem(PASS, "cert-and-unrelated-key/server.crt", Block(leaf("supervision-8"), "certificate; the key beside it belongs to another one", False))
    r.raw(PASS, "cert-and-unrelated-key/other.key", pem_key(rsa_key("leaf-b")))
    r.pem(PASS, "cert-alone.pem", Block(leaf("supervision-9"), "certificate without its key", False))


@rule("CERT-027", "chain-incomplete")
def cert_027(r: Rule) -> None:
    lf = leaf("citizen-portal")
    r.pem(FAIL, "leaf-alone.pem", Block(lf, "leaf scanned without its CAs", True))
    r.pem(FAIL, "leaf-and-intermediate/leaf.pem", Block(lf, "leaf", True))
    r.pem(FAIL, "leaf-and-intermediate/issuing-ca.pem", Block(ISSUING.cert, "intermediate CA; the root is missing", True))
    r.pem(FAIL, "leaf-and-root/leaf.pem", Block(lf, "leaf; its intermediate CA is missing", True))
    r.pem(FAIL, "leaf-and-root/root-ca.pem", Block(ROOT.cert, "root CA", False))
    r.pem(PASS, "full-chain/leaf.pem", Block(lf, "leaf", False))
    r.pem(PASS, "full-chain/issuing-ca.pem", Block(ISSUING.cert, "intermediate CA", False))
    r.pem(PASS, "full-chain/root-ca.pem", Block(ROOT.cert, "root CA", False))
    r.pem(PASS, "full-chain-bundle.pem", Block(lf, "leaf", False), *chain_blocks(False))
    r.p7b(PASS, "full-chain.p7b", [lf, ISSUING.cert, ROOT.cert])
    r.pem(PASS, "self-signed-leaf.pem", Block(self_signed("citizen-portal-2", f"portail.{DOMAIN}"), "self-signed: no chain to build", False))
    host = f"portail-2.{DOMAIN}"
    other = build(dn(host), rsa_key("leaf-a"), None, label="portal-self-issued", sign_key=rsa_key("leaf-b"), dns=[host], ku=ku_for(rsa_key("leaf-a")))
    r.pem(PASS, "self-issued-other-key.pem", Block(other, "names itself as issuer but signed by another key: left to CERT-028", False))
    # A CA whose signatures Vigie cannot check (RSA 1024 CA, SHA-256): the chain still builds.
    small_key = rsa_key("small-ca", 1024)
    small_ca = CA(build(dn("AC RSA 1024"), small_key, None, label="small-ca", nb=T("2020-01-01"), na=T("2030-01-01"), ca=True, ku=["key_cert_sign", "crl_sign"]), small_key)
    r.pem(PASS, "rsa-1024-chain/leaf.pem", Block(leaf("citizen-portal-3", issuer=small_ca), "leaf issued by a 1024-bit RSA CA", False))
    r.pem(PASS, "rsa-1024-chain/ca.pem", Block(small_ca.cert, "self-signed 1024-bit RSA CA", False))


@rule("CERT-028", "signature-does-not-verify")
def cert_028(r: Rule) -> None:
    impostor = ec_key("impostor", ec.SECP384R1())
    forged = leaf("library", sign_key=impostor)  # issuer name and AKI of the equipment CA
    r.pem(FAIL, "forged-leaf/leaf.pem", Block(forged, "names the equipment CA as issuer, signed by another key", True))
    r.pem(FAIL, "forged-leaf/issuing-ca.pem", Block(ISSUING.cert, "the real equipment CA", False))
    good = leaf("library-2")
    tampered = tamper(good, f"library-2.{DOMAIN}".encode(), f"library-9.{DOMAIN}".encode())
    r.pem(FAIL, "tampered-leaf/leaf.pem", Block(tampered, "DNS name edited after signing", True))
    r.pem(FAIL, "tampered-leaf/issuing-ca.pem", Block(ISSUING.cert, "the equipment CA", False))
    host = f"library-3.{DOMAIN}"
    self_issued = build(dn(host), rsa_key("leaf-a"), None, label="lib-self", sign_key=rsa_key("leaf-b"), dns=[host], ku=ku_for(rsa_key("leaf-a")))
    r.pem(FAIL, "self-issued-wrong-key.pem", Block(self_issued, "subject equals issuer but the signature is not by its own key", True))
    small_key = rsa_key("small-ca", 1024)
    small_ca = CA(build(dn("AC RSA 1024"), small_key, None, label="small-ca", nb=T("2020-01-01"), na=T("2030-01-01"), ca=True, ku=["key_cert_sign", "crl_sign"]), small_key)
    r.pem(
        FAIL, "rsa-1024-ca-forged/leaf.pem",
        Block(leaf("library-4", issuer=small_ca, sign_key=rsa_key("small-impostor", 1024)), "names the 1024-bit CA, signed by another key", True),
    )
    r.pem(FAIL, "rsa-1024-ca-forged/ca.pem", Block(small_ca.cert, "self-signed 1024-bit RSA CA", False))

    r.pem(PASS, "valid-chain/leaf.pem", Block(leaf("library-5"), "leaf", False))
    r.pem(PASS, "valid-chain/chain.pem", *chain_blocks(False))
    r.pem(PASS, "issuer-not-scanned.pem", Block(leaf("library-6"), "issuer absent: nothing to verify against", False))
    r.pem(PASS, "rsa-1024-ca/leaf.pem", Block(leaf("library-7", issuer=small_ca), "leaf issued by a 1024-bit RSA CA (SHA-256)", False))
    r.pem(PASS, "rsa-1024-ca/ca.pem", Block(small_ca.cert, "self-signed 1024-bit RSA CA", False))
    md5_leaf = openssl_cert(
        f"library-8.{DOMAIN}", rsa_key("leaf-a"), LEGACY, md="md5", nb=LEAF_NB, na=LEAF_NA, serial=serial_for("lib-md5"),
        ext=openssl_leaf_ext(f"library-8.{DOMAIN}"),
    )
    r.pem(PASS, "md5-signed-leaf/leaf.pem", Block(md5_leaf, "MD5 signature: Vigie cannot check it, so does not call it wrong", False))
    r.pem(PASS, "md5-signed-leaf/ca.pem", Block(LEGACY.cert, "the RSA CA that signed it", False))
    p521_key = ec_key("p521-ca", ec.SECP521R1())
    p521_ca = CA(
        build(dn("AC P-521"), p521_key, None, label="p521-ca", nb=T("2025-01-01"), na=T("2035-01-01"), ca=True, ku=["key_cert_sign", "crl_sign"], hash_alg=hashes.SHA512()),
        p521_key,
    )
    r.pem(
        PASS, "p521-chain/leaf.pem",
        Block(leaf("library-9", issuer=p521_ca, hash_alg=hashes.SHA512()), "ECDSA P-521 / SHA-512 signature", False),
    )
    r.pem(PASS, "p521-chain/ca.pem", Block(p521_ca.cert, "self-signed P-521 CA", False))


@rule("CERT-029", "intermediate-ca-without-path-length")
def cert_029(r: Rule) -> None:
    no_len = build(
        dn("AC Sans Longueur"), ec_key("nolen-ca", ec.SECP256R1()), ROOT, label="nolen-ca", nb=T("2025-06-01"), na=T("2030-06-01"),
        ca=True, pathlen=None, ku=["key_cert_sign", "crl_sign"], crl=CRL_URL,
    )
    r.pem(FAIL, "intermediate-without-path-length.pem", Block(no_len, "intermediate CA without pathLenConstraint", True))
    r.pem(PASS, "intermediate-path-length-0.pem", Block(ISSUING.cert, "intermediate CA with pathLenConstraint 0", False))
    r.pem(PASS, "root-without-path-length.pem", Block(ROOT.cert, "root CA: the constraint is not expected there", False))
    r.pem(PASS, "leaf.pem", Block(leaf("archive"), "leaf", False))


def main(argv: list[str]) -> int:
    wanted = set(a.upper() for a in argv[1:])
    unknown = wanted - set(GENERATORS)
    if unknown:
        print(f"unknown rule id(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for rid, (name, fn) in sorted(GENERATORS.items()):
        if wanted and rid not in wanted:
            continue
        r = Rule(rid, name)
        r.reset()
        fn(r)
        n_fail = len(list((r.dir / "fail").iterdir()))
        n_pass = len(list((r.dir / "pass").iterdir()))
        print(f"{rid}-{name}: {n_fail} fail, {n_pass} pass")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
