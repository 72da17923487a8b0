#!/usr/bin/env python3
"""Generates a large synthetic nmap XML scan, templated from real nmap 7.93 output
(fixtures/nmap/loopback-real.xml), for benchmarks.

usage: gen-large-nmap.py OUT.xml [HOSTS=65536]

Every host has 4 to 6 ports (ssh with ssh2-enum-algos, http with http-title/http-headers,
mqtt, telnet with a banner, https with ssl-enum-ciphers, rtsp...). One host in 8 carries the
real legacy TLS ssl-enum-ciphers table (about 20 KB); one in 256 serves the real ssl-cert
certificate. Addresses walk 10.0.0.0/8. Deterministic: the same HOSTS gives the same bytes.
"""
import re, sys, os

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
real = open(os.path.join(ROOT, "fixtures/nmap/loopback-real.xml")).read()
legacy_tls = re.search(r'<script id="ssl-enum-ciphers".*?</script>', real, re.S).group(0)
ssl_cert = re.search(r'<script id="ssl-cert".*?</script>', real, re.S).group(0)
mqtt_port = re.search(r'<port protocol="tcp" portid="1883">.*?</port>', real, re.S).group(0)
http_port = re.search(r'<port protocol="tcp" portid="18080">.*?</port>', real, re.S).group(0).replace('portid="18080"', 'portid="80"')
ssh_port = re.search(r'<port protocol="tcp" portid="2222">.*?</port>', real, re.S).group(0).replace('portid="2222"', 'portid="22"')
telnet_port = re.search(r'<port protocol="tcp" portid="2323">.*?</port>', real, re.S).group(0).replace('portid="2323"', 'portid="23"')
modern_tls = ('<script id="ssl-enum-ciphers" output="ssl-enum-ciphers"><table key="TLSv1.2">\n<table key="ciphers">\n'
              '<table>\n<elem key="kex_info">secp256r1</elem>\n<elem key="name">TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</elem>\n<elem key="strength">A</elem>\n</table>\n'
              '</table>\n<table key="compressors">\n<elem>NULL</elem>\n</table>\n<elem key="cipher preference">server</elem>\n</table>\n'
              '<table key="TLSv1.3">\n<table key="ciphers">\n<table>\n<elem key="kex_info">ecdh_x25519</elem>\n<elem key="name">TLS_AKE_WITH_AES_128_GCM_SHA256</elem>\n<elem key="strength">A</elem>\n</table>\n</table>\n</table>\n'
              '<elem key="least strength">A</elem>\n</script>')
ssh_algos = ('<script id="ssh2-enum-algos" output="ssh2-enum-algos"><table key="kex_algorithms">\n<elem>curve25519-sha256</elem>\n<elem>diffie-hellman-group14-sha1</elem>\n</table>\n'
             '<table key="server_host_key_algorithms">\n<elem>rsa-sha2-512</elem>\n<elem>ssh-rsa</elem>\n</table>\n<table key="encryption_algorithms">\n<elem>aes128-ctr</elem>\n<elem>aes128-cbc</elem>\n</table>\n'
             '<table key="mac_algorithms">\n<elem>hmac-sha2-256</elem>\n<elem>hmac-sha1</elem>\n</table>\n<table key="compression_algorithms">\n<elem>none</elem>\n</table>\n</script>')
ssh_port = ssh_port.replace("</port>", ssh_algos + "</port>")

def https(i):
    scripts = (legacy_tls if i % 8 == 0 else modern_tls) + (ssl_cert if i % 256 == 0 else "")
    return (f'<port protocol="tcp" portid="443"><state state="open" reason="syn-ack" reason_ttl="64"/>'
            f'<service name="http" product="nginx" tunnel="ssl" method="probed" conf="10"/>{scripts}</port>')

rtsp = '<port protocol="tcp" portid="554"><state state="open" reason="syn-ack" reason_ttl="64"/><service name="rtsp" product="Hikvision 7513 POE IP camera rtspd" method="probed" conf="10"/><script id="rtsp-methods" output="OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN"/></port>'

def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 65536
    with open(out, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n'
                f'<nmaprun scanner="nmap" args="nmap -sV --script ssl-enum-ciphers,ssl-cert,banner,http-title,http-headers,ssh2-enum-algos,mqtt-subscribe,rtsp-methods 10.0.0.0/8" start="1795860000" version="7.93" xmloutputversion="1.05">\n'
                '<scaninfo type="syn" protocol="tcp" numservices="7" services="22-23,80,443,554,1883"/>\n<verbose level="0"/>\n<debugging level="0"/>\n')
        for i in range(n):
            a = f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"
            ports = [ssh_port, http_port, https(i)]
            if i % 3 == 0:
                ports.append(mqtt_port)
            if i % 5 == 0:
                ports.append(telnet_port)
            if i % 7 == 0:
                ports.append(rtsp)
            f.write(f'<host starttime="{1795860000 + i // 100}" endtime="{1795860100 + i // 100}"><status state="up" reason="arp-response" reason_ttl="0"/>\n'
                    f'<address addr="{a}" addrtype="ipv4"/>\n<hostnames>\n<hostname name="dev-{i}.example.invalid" type="PTR"/>\n</hostnames>\n<ports>'
                    + "\n".join(ports) + '\n</ports>\n<times srtt="100" rttvar="50" to="100000"/>\n</host>\n')
        f.write(f'<runstats><finished time="1795899999" elapsed="39999" exit="success"/><hosts up="{n}" down="0" total="{n}"/>\n</runstats>\n</nmaprun>\n')

main()
