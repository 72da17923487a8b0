#!/usr/bin/env python3
"""Generate a reproducible corpus of X.509 certificates for benchmarks.

    scripts/gen-cert-corpus.py OUTDIR [-n 10000] [--seed 20261128] [--jobs 2] [--force]

Writes N certificates (counted one per certificate, bundles count each member) into
OUTDIR, spread over ``site-NN/`` sub-directories, plus ``MANIFEST.json`` describing the
corpus. The corpus is byte-for-byte reproducible for a given (N, seed): every random
choice comes from seeded ``random.Random`` instances, CA and device keys are derived from
seeded numbers (RSA primes are found by a seeded Miller-Rabin search, EC keys derived from
seeded scalars), ECDSA signatures use RFC 6979 deterministic nonces and RSA uses PKCS#1
v1.5 (deterministic). Needs a recent Python ``cryptography`` (written against 48; it
refuses SHA-1/MD5 signatures, so every signature here is SHA-2 or Ed25519). With
--jobs > 1 keys and files are made by worker processes; the output does not depend on
the number of workers.

What is in it (proportions are approximate):

* a small PKI: an RSA-3072 root, a P-384 root and a legacy RSA-2048 root that expired in
  2026-06; intermediates RSA-2048 (web), RSA-3072 (devices), P-256 (EC) and RSA-1024
  (legacy, expired); plus an "external" RSA-2048 intermediate whose certificate is *not*
  in the corpus (issuer not found);
* leaves issued by those CAs, ~5 % self-signed device certificates whose keys come from a
  small pool of "vendor default" keys (so some public keys are shared, as in real fleets);
* leaf public keys: RSA-2048 (~45 %), P-256 (~25 %), RSA-3072, RSA-1024, P-384, and a few
  P-521 and Ed25519. A leaf's own private key is never needed, so CA-issued RSA leaves
  carry a *unique* seeded random public modulus (odd, right length, no small factors)
  instead of a generated key pair: generating thousands of real RSA keys would take
  minutes, and reusing a handful would make every certificate share its key with
  thousands of others, which no real corpus does;
* SANs (DNS, wildcard, IP, e-mail, URI), EKUs (server/client auth, code signing, e-mail,
  none), key usages, CRL distribution points, AIA, certificate policies, varied serial
  sizes, validity periods from 90 days to 9999-12-31, about a quarter expired as of
  2026-11-28, some not yet valid;
* files: ~86 % one certificate per PEM file, ~9 % DER (.der/.cer), ~5 % PEM chains
  (leaf + intermediate [+ root]), a few CA bundles, a few PEM files with CRLF line
  endings or an ``openssl x509 -text``-style header before the armour.

The output is first written to OUTDIR.tmp-<pid> and renamed at the end, so an
interrupted run never leaves a half corpus that looks complete.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import multiprocessing
import os
import random
import shutil
import sys
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UTC = dt.timezone.utc
AS_OF = dt.datetime(2026, 11, 28, tzinfo=UTC)

# --------------------------------------------------------------------------------------
# Seeded key material
# --------------------------------------------------------------------------------------

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, int(p**0.5) + 1))]


def _probable_prime(n: int, rng: random.Random, rounds: int = 24) -> bool:
    for p in _SMALL_PRIMES:
        if n % p == 0:
            return n == p
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        a = rng.randrange(2, n - 2)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _seeded_prime(bits: int, rng: random.Random, e: int = 65537) -> int:
    while True:
        # Top two bits set so that p*q has exactly 2*bits bits; odd.
        n = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        if (n - 1) % e == 0:
            continue
        # Cheap single-base Fermat test first, full Miller-Rabin on survivors.
        if any(n % p == 0 for p in _SMALL_PRIMES[:300]):
            continue
        if pow(2, n - 1, n) != 1:
            continue
        if _probable_prime(n, rng):
            return n


def seeded_rsa_key(bits: int, rng: random.Random) -> rsa.RSAPrivateKey:
    e = 65537
    while True:
        p = _seeded_prime(bits // 2, rng)
        q = _seeded_prime(bits - bits // 2, rng)
        if p == q:
            continue
        if p < q:
            p, q = q, p
        n = p * q
        if n.bit_length() != bits:
            continue
        phi = (p - 1) * (q - 1)
        d = pow(e, -1, phi)
        priv = rsa.RSAPrivateNumbers(
            p=p,
            q=q,
            d=d,
            dmp1=rsa.rsa_crt_dmp1(d, p),
            dmq1=rsa.rsa_crt_dmq1(d, q),
            iqmp=rsa.rsa_crt_iqmp(p, q),
            public_numbers=rsa.RSAPublicNumbers(e, n),
        )
        return priv.private_key(unsafe_skip_rsa_key_validation=True)


def seeded_rsa_public(bits: int, rng: random.Random) -> rsa.RSAPublicKey:
    """A unique RSA public key without a private half: odd modulus of exactly `bits`
    bits and no prime factor below 2000. Enough for a certificate's subject key."""
    while True:
        n = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if all(n % p for p in _SMALL_PRIMES):
            return rsa.RSAPublicNumbers(65537, n).public_key()


_CURVES = {
    "P-256": ec.SECP256R1(),
    "P-384": ec.SECP384R1(),
    "P-521": ec.SECP521R1(),
}
# Scalars are drawn below 2^(bits-1), which is below the group order of each curve.
_CURVE_BITS = {"P-256": 256, "P-384": 384, "P-521": 521}


def seeded_ec_key(curve: str, rng: random.Random) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(rng.randrange(1, 1 << (_CURVE_BITS[curve] - 1)), _CURVES[curve])


def seeded_ed25519_key(rng: random.Random) -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.from_private_bytes(rng.randbytes(32))


def key_pem(key) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def hash_for(key):
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return {256: hashes.SHA256(), 384: hashes.SHA384(), 521: hashes.SHA512()}[key.curve.key_size]
    return hashes.SHA256()


def sign(builder: x509.CertificateBuilder, key, algo=None) -> x509.Certificate:
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return builder.sign(key, None)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return builder.sign(key, algo or hash_for(key), ecdsa_deterministic=True)
    return builder.sign(key, algo or hashes.SHA256())


# --------------------------------------------------------------------------------------
# Names and extensions
# --------------------------------------------------------------------------------------

CITIES = ["Lyon", "Nantes", "Lille", "Rennes", "Grenoble", "Bordeaux", "Toulouse", "Brest", "Metz", "Dijon"]
ORGS = [
    "Ville de {c}",
    "Metropole de {c}",
    "{c} Eclairage Public",
    "Parkings de {c}",
    "Regie des Eaux de {c}",
    "Transports de {c}",
]
DEVICES = ["lamp", "cam", "park", "meter", "gw", "sensor", "kiosk", "api", "mqtt", "portal", "vpn", "scada"]
OUS = ["IoT", "DSI", "Exploitation", "Mobilite", "Energie", None, None]


def name(cn: str | None, o: str | None = None, ou: str | None = None, c: str | None = "FR", l: str | None = None) -> x509.Name:
    attrs = []
    if c:
        attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, c))
    if l:
        attrs.append(x509.NameAttribute(NameOID.LOCALITY_NAME, l))
    if o:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, o))
    if ou:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou))
    if cn:
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def d(y, m, day=1):
    return dt.datetime(y, m, day, tzinfo=UTC)


# --------------------------------------------------------------------------------------
# The PKI (keys made in parallel, certificates signed in the parent process)
# --------------------------------------------------------------------------------------

CA_SPECS = [
    # name, key, parent (None: self-signed), subject CN, not_before, not_after, path_len
    ("root-rsa", ("rsa", 3072), None, "Vigie Bench Root CA R1", d(2016, 3, 1), d(2041, 3, 1), None),
    ("root-ec", ("ec", "P-384"), None, "Vigie Bench Root CA E1", d(2019, 6, 1), d(2044, 6, 1), None),
    ("root-legacy", ("rsa", 2048), None, "Territoire Legacy Root", d(2006, 6, 1), d(2026, 6, 1), None),
    ("int-web", ("rsa", 2048), "root-rsa", "Vigie Bench Web CA R2", d(2021, 1, 15), d(2031, 1, 15), 0),
    ("int-iot", ("rsa", 3072), "root-rsa", "Vigie Bench Device CA R3", d(2020, 9, 1), d(2035, 9, 1), 0),
    ("int-ec", ("ec", "P-256"), "root-ec", "Vigie Bench EC CA E2", d(2022, 2, 1), d(2032, 2, 1), 0),
    ("int-legacy", ("rsa", 1024), "root-legacy", "Territoire Legacy Device CA", d(2010, 1, 1), d(2025, 1, 1), None),
    # Its certificate is not written: leaves it issues have no issuer in the corpus.
    ("int-external", ("rsa", 2048), "root-rsa", "Prestataire Externe CA", d(2022, 5, 1), d(2030, 5, 1), 0),
]
HIDDEN_CAS = {"int-external"}


def make_key(spec, rng):
    kind, param = spec
    if kind == "rsa":
        return seeded_rsa_key(param, rng)
    if kind == "ec":
        return seeded_ec_key(param, rng)
    return seeded_ed25519_key(rng)


VENDOR_KEYS = [("rsa", 2048)] * 4 + [("rsa", 1024)] * 3 + [("ec", "P-256")] * 4 + [("ed25519", 0)]


def _key_job(job):
    """One seeded key, as PKCS#8 PEM (picklable). Each key has its own RNG, so keys can be
    made in parallel and still be the same whatever the number of workers."""
    label, spec, seed = job
    return key_pem(make_key(spec, random.Random(f"key:{seed}:{label}")))


def build_pki(seed: int, pool=None):
    jobs = [(s[0], s[1], seed) for s in CA_SPECS] + [(f"vendor-{i}", v, seed) for i, v in enumerate(VENDOR_KEYS)]
    # Largest keys first so the pool's tail is short.
    order = sorted(range(len(jobs)), key=lambda i: -jobs[i][1][1] if jobs[i][1][0] == "rsa" else 0)
    mapper = pool.map if pool is not None else map
    pems = dict(zip(order, mapper(_key_job, [jobs[i] for i in order])))
    loaded = [serialization.load_pem_private_key(pems[i], None) for i in range(len(jobs))]
    rng = random.Random(f"pki:{seed}")
    keys, certs = {}, {}
    for (cname, kspec, parent, cn, nb, na, path_len), key in zip(CA_SPECS, loaded):
        keys[cname] = key
        subject = name(cn, "Vigie Bench PKI" if "legacy" not in cname else "Territoire", None)
        issuer_key = keys[parent] if parent else key
        issuer_name = certs[parent].subject if parent else subject
        b = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer_name)
            .public_key(key.public_key())
            .serial_number(rng.getrandbits(127) | 1)
            .not_valid_before(nb)
            .not_valid_after(na)
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_len), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=parent is not None,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if parent:
            b = b.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
            ).add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(f"http://crl.vigie-bench.example/{parent}.crl")],
                            None,
                            None,
                            None,
                        )
                    ]
                ),
                critical=False,
            )
        certs[cname] = sign(b, issuer_key)
    # "Vendor default" keys of self-signed devices: a small shared pool.
    vendor = loaded[len(CA_SPECS) :]
    return keys, certs, vendor


# --------------------------------------------------------------------------------------
# Leaves (built in worker processes, one seeded RNG per leaf)
# --------------------------------------------------------------------------------------

_W: dict = {}


def _init_worker(seed, ca_keys_pem, ca_certs_der, vendor_pem):
    _W["seed"] = seed
    _W["ca_keys"] = {k: serialization.load_pem_private_key(v, None) for k, v in ca_keys_pem.items()}
    _W["ca_certs"] = {k: x509.load_der_x509_certificate(v) for k, v in ca_certs_der.items()}
    _W["vendor"] = [serialization.load_pem_private_key(v, None) for v in vendor_pem]


def pick(rng, table):
    r = rng.random() * sum(w for w, _ in table)
    for w, v in table:
        r -= w
        if r < 0:
            return v
    return table[-1][1]


ISSUERS = [(38, "int-web"), (20, "int-iot"), (22, "int-ec"), (5, "int-legacy"), (5, "int-external"), (5, "self"), (2, "root-rsa"), (3, "root-ec")]
LEAF_KEYS = [
    (45, ("rsa", 2048)),
    (25, ("ec", "P-256")),
    (9, ("rsa", 3072)),
    (8, ("rsa", 1024)),
    (8, ("ec", "P-384")),
    (3, ("ec", "P-521")),
    (2, ("ed25519", 0)),
]
LIFETIMES = [(25, 90), (35, 398), (10, 825), (8, 365 * 3), (7, 365 * 5), (8, 365 * 10), (5, 365 * 30), (1, None), (1, -1)]
EKUS = [
    (50, [ExtendedKeyUsageOID.SERVER_AUTH]),
    (25, [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH]),
    (12, [ExtendedKeyUsageOID.CLIENT_AUTH]),
    (3, [ExtendedKeyUsageOID.CODE_SIGNING]),
    (2, [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]),
    (2, [ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE]),
    (6, None),
]


def build_leaf(idx: int, force_issuer: str | None = None) -> x509.Certificate:
    rng = random.Random(f"leaf:{_W['seed']}:{idx}")
    city = rng.choice(CITIES)
    org = rng.choice(ORGS).format(c=city)
    dev = rng.choice(DEVICES)
    host = f"{dev}-{idx:05d}.{city.lower()}.territoire.example"
    issuer_name = pick(rng, ISSUERS)
    if force_issuer is not None:
        issuer_name = force_issuer

    if issuer_name == "self":
        key = rng.choice(_W["vendor"])
        pub = key.public_key()
        issuer_key = key
    else:
        kspec = pick(rng, LEAF_KEYS)
        if kspec[0] == "rsa":
            pub, key = seeded_rsa_public(kspec[1], rng), None
        elif kspec[0] == "ec":
            key = seeded_ec_key(kspec[1], rng)
            pub = key.public_key()
        else:
            key = seeded_ed25519_key(rng)
            pub = key.public_key()
        issuer_key = _W["ca_keys"][issuer_name]

    cn_style = rng.random()
    if cn_style < 0.6:
        cn = host
    elif cn_style < 0.85:
        cn = f"SN-{rng.getrandbits(40):010X}"
    elif cn_style < 0.95:
        cn = f"{dev}.{city.lower()}.territoire.example"
    else:
        cn = None
    subject = name(cn, org, rng.choice(OUS), "FR", city if rng.random() < 0.4 else None)

    # Validity. Short-lived certificates (up to 5 years) were issued within 1.3 lifetimes
    # before 2026-11-28, so about a quarter of them have expired: an estate that is
    # renewed, not perfectly. Long-lived ones start anywhere from 2012 on.
    life = pick(rng, LIFETIMES)
    if life is not None and 0 < life <= 365 * 5:
        back = rng.randrange(1, int(life * 1.3))
    else:
        back = rng.randrange(1, (AS_OF - d(2012, 1, 1)).days)
    start = AS_OF - dt.timedelta(days=back, seconds=rng.randrange(86400))
    if life is None:
        not_before, not_after = start.replace(microsecond=0), dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    elif life == -1:  # not yet valid
        not_before = AS_OF + dt.timedelta(days=rng.randrange(1, 60))
        not_after = not_before + dt.timedelta(days=398)
    else:
        not_before, not_after = start, start + dt.timedelta(days=life)

    serial_bits = pick(rng, [(60, 127), (20, 159), (10, 64), (7, 32), (3, 8)])
    b = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .public_key(pub)
        .serial_number(rng.getrandbits(serial_bits) | 1)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
    )
    if issuer_name == "self":
        b = b.issuer_name(subject)
    else:
        b = b.issuer_name(_W["ca_certs"][issuer_name].subject)

    r = rng.random()
    if r < 0.85:
        b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    elif r < 0.88:
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)

    if rng.random() < 0.92:
        is_rsa = isinstance(pub, rsa.RSAPublicKey)
        b = b.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=rng.random() < 0.03,
                key_encipherment=is_rsa and rng.random() < 0.8,
                data_encipherment=rng.random() < 0.02,
                key_agreement=isinstance(pub, ec.EllipticCurvePublicKey) and rng.random() < 0.3,
                key_cert_sign=rng.random() < 0.02,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=rng.random() < 0.9,
        )
    eku = pick(rng, EKUS)
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)

    if rng.random() < 0.9:
        names: list[x509.GeneralName] = []
        if cn and "." in cn:
            names.append(x509.DNSName(cn))
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3, 6])):
            names.append(x509.DNSName(f"{rng.choice(DEVICES)}{rng.randrange(100)}.{city.lower()}.territoire.example"))
        if rng.random() < 0.08:
            names.append(x509.DNSName(f"*.{city.lower()}.territoire.example"))
        if rng.random() < 0.2:
            names.append(x509.IPAddress(ipaddress.ip_address(f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}")))
        if rng.random() < 0.03:
            names.append(x509.IPAddress(ipaddress.ip_address(f"fd00::{rng.randrange(1, 65535):x}")))
        if rng.random() < 0.05:
            names.append(x509.RFC822Name(f"exploitation@{city.lower()}.territoire.example"))
        if rng.random() < 0.05:
            names.append(x509.UniformResourceIdentifier(f"urn:dev:mac:{rng.getrandbits(48):012x}"))
        if names:
            b = b.add_extension(x509.SubjectAlternativeName(names), critical=cn is None)

    if rng.random() < 0.85:
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    if issuer_name != "self":
        if rng.random() < 0.9:
            b = b.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
            )
        if rng.random() < 0.4:
            b = b.add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(f"http://crl.vigie-bench.example/{issuer_name}.crl")],
                            None,
                            None,
                            None,
                        )
                    ]
                ),
                critical=False,
            )
        if rng.random() < 0.3:
            b = b.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            x509.oid.AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier("http://ocsp.vigie-bench.example"),
                        ),
                        x509.AccessDescription(
                            x509.oid.AuthorityInformationAccessOID.CA_ISSUERS,
                            x509.UniformResourceIdentifier(f"http://pki.vigie-bench.example/{issuer_name}.der"),
                        ),
                    ]
                ),
                critical=False,
            )
        if rng.random() < 0.3:
            b = b.add_extension(
                x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier("2.23.140.1.2.1"), None)]),
                critical=False,
            )

    algo = None
    if not isinstance(issuer_key, (ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey)):
        algo = pick(rng, [(90, hashes.SHA256()), (7, hashes.SHA384()), (3, hashes.SHA512())])
    return sign(b, issuer_key, algo)


def _pem(c: x509.Certificate) -> bytes:
    return c.public_bytes(serialization.Encoding.PEM)


def _write_file(job) -> int:
    rel, fmt, members, variant, out = job
    certs = []
    for m in members:
        if isinstance(m, int):
            certs.append(build_leaf(m))
        elif isinstance(m, tuple):
            certs.append(build_leaf(*m))
        else:
            certs.append(_W["ca_certs"][m])
    if fmt == "der":
        data = certs[0].public_bytes(serialization.Encoding.DER)
    else:
        data = b"".join(_pem(c) for c in certs)
        if variant == "crlf":
            data = data.replace(b"\n", b"\r\n")
        elif variant == "text-header":
            c = certs[0]
            data = (
                f"subject={c.subject.rfc4514_string()}\n"
                f"issuer={c.issuer.rfc4514_string()}\n".encode()
                + data
            )
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return len(certs)


def _write_chunk(arg) -> int:
    init, jobs = arg
    if "ca_keys" not in _W:  # once per worker process (one PKI per run)
        _init_worker(*init)
    return sum(_write_file(j) for j in jobs)


def chain_of(ca: str) -> list[str]:
    parents = {s[0]: s[2] for s in CA_SPECS}
    out = []
    while ca is not None:
        out.append(ca)
        ca = parents[ca]
    return out


def plan(n: int, seed: int, out: str, sites: int):
    """The list of files to write, deterministic for (n, seed)."""
    rng = random.Random(f"plan:{seed}")
    jobs, count, leaf = [], 0, 0
    visible = [s[0] for s in CA_SPECS if s[0] not in HIDDEN_CAS]
    # The PKI itself, once.
    for ca in visible:
        if count >= n:
            break
        jobs.append((f"pki/{ca}.pem", "pem", [ca], None, out))
        count += 1
    # Two CA bundles.
    for i, members in enumerate([visible[:3], visible]):
        members = members[: max(0, n - count)]
        if members:
            jobs.append((f"pki/ca-bundle-{i + 1}.pem", "pem", members, None, out))
            count += len(members)
    while count < n:
        site = f"site-{rng.randrange(sites):02d}"
        r = rng.random()
        if r < 0.05:
            # "fullchain.pem": a leaf issued by `ca`, then `ca` [and its root].
            ca = rng.choice(["int-web", "int-iot", "int-ec"])
            chain = chain_of(ca)[: rng.choice([1, 2])]
            members = ([(leaf, ca)] + chain)[: n - count]
            jobs.append((f"{site}/chain-{leaf:05d}.pem", "pem", members, None, out))
            leaf += 1
            count += len(members)
        elif r < 0.14:
            ext = rng.choice(["der", "cer"])
            jobs.append((f"{site}/device-{leaf:05d}.{ext}", "der", [leaf], None, out))
            leaf += 1
            count += 1
        else:
            v = rng.random()
            variant = "crlf" if v < 0.02 else "text-header" if v < 0.04 else None
            ext = rng.choice(["pem", "pem", "pem", "crt"])
            jobs.append((f"{site}/device-{leaf:05d}.{ext}", "pem", [leaf], variant, out))
            leaf += 1
            count += 1
    return jobs, count


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("-n", "--count", type=int, default=10_000, help="number of certificates (default 10000)")
    ap.add_argument("--seed", type=int, default=20261128)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    ap.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    a = ap.parse_args(argv)

    if a.count < 1:
        ap.error("--count must be at least 1")
    out = os.path.abspath(a.outdir)
    if os.path.exists(out):
        if not a.force:
            print(f"{out} exists; use --force to replace it", file=sys.stderr)
            return 2
    t0 = time.monotonic()
    tmp = f"{out}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)

    jobs, count = plan(a.count, a.seed, tmp, sites=max(1, min(40, a.count // 250)))
    ctx = multiprocessing.get_context("fork" if sys.platform != "win32" else "spawn")
    pool = ctx.Pool(a.jobs) if a.jobs > 1 else None
    try:
        keys, certs, vendor = build_pki(a.seed, pool)
        t_pki = time.monotonic() - t0
        init = (
            a.seed,
            {k: key_pem(v) for k, v in keys.items()},
            {k: v.public_bytes(serialization.Encoding.DER) for k, v in certs.items()},
            [key_pem(v) for v in vendor],
        )
        if pool is not None and len(jobs) > 200:
            # Workers were forked before the PKI existed: hand it over with each chunk.
            chunks = [(init, jobs[i : i + 256]) for i in range(0, len(jobs), 256)]
            written = sum(pool.imap_unordered(_write_chunk, chunks))
        else:
            written = _write_chunk((init, jobs))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    assert written == count == a.count, (written, count, a.count)

    manifest = {
        "generator": "scripts/gen-cert-corpus.py",
        "seed": a.seed,
        "certificates": count,
        "files": len(jobs),
        "der_files": sum(1 for j in jobs if j[1] == "der"),
        "multi_cert_files": sum(1 for j in jobs if len(j[2]) > 1),
        "as_of_reference": AS_OF.date().isoformat(),
    }
    with open(os.path.join(tmp, "MANIFEST.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    if os.path.exists(out):
        shutil.rmtree(out)
    os.replace(tmp, out)
    el = time.monotonic() - t0
    print(
        f"wrote {count} certificates in {len(jobs)} files to {out} "
        f"({manifest['der_files']} DER, {manifest['multi_cert_files']} multi-certificate) "
        f"in {el:.1f} s (PKI {t_pki:.1f} s)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
