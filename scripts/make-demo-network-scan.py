#!/usr/bin/env python3
"""Writes fixtures/demo-territory/network/iot-network.xml: the integrator's nmap scan of the
Belvézet IoT network (10.42.0.0/16), hand-edited from real nmap 7.93 output.

Templates come from fixtures/nmap/loopback-real.xml (a real scan of loopback listeners): the
legacy camera reuses its real TLS 1.0 `ssl-enum-ciphers` table, the broker its real
`mqtt-subscribe` output shape. Addresses and names were changed to the demo's; the served
certificates (`ssl-cert`) are the demo's own certificate files, so the scan and the files
tell the same story. Run from the repository root.
"""
import re, os, html

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
real = open(os.path.join(ROOT, "fixtures/nmap/loopback-real.xml")).read()
CERTS = os.path.join(ROOT, "fixtures/demo-territory/certificates")

def first_pem(path):
    t = open(path).read()
    m = re.search(r"-----BEGIN CERTIFICATE-----.*?-----END CERTIFICATE-----\n?", t, re.S)
    return m.group(0)

def ssl_cert(pem):
    e = html.escape(pem, quote=True).replace("\n", "&#xa;")
    return f'<script id="ssl-cert" output="(see pem)"><elem key="pem">{e}</elem></script>'

legacy_tls = re.search(r'<script id="ssl-enum-ciphers".*?</script>', real, re.S).group(0)

def suites(*protos, least="A"):
    out = '<script id="ssl-enum-ciphers" output="ssl-enum-ciphers">'
    for p, cs in protos:
        out += f'\n<table key="{p}">\n<table key="ciphers">\n'
        for n, k in cs:
            out += f'<table>\n<elem key="kex_info">{k}</elem>\n<elem key="name">{n}</elem>\n<elem key="strength">A</elem>\n</table>\n'
        out += '</table>\n<table key="compressors">\n<elem>NULL</elem>\n</table>\n<elem key="cipher preference">server</elem>\n</table>'
    return out + f'\n<elem key="least strength">{least}</elem>\n</script>'

MODERN = suites(("TLSv1.2", [("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "secp256r1"), ("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "secp256r1")]),
                ("TLSv1.3", [("TLS_AKE_WITH_AES_128_GCM_SHA256", "ecdh_x25519"), ("TLS_AKE_WITH_AES_256_GCM_SHA384", "ecdh_x25519")]))

def port(proto, pid, svc, scripts="", state="open"):
    reason = "syn-ack" if proto == "tcp" else "udp-response"
    return f'<port protocol="{proto}" portid="{pid}"><state state="{state}" reason="{reason}" reason_ttl="63"/>{svc}{scripts}</port>'

def host(addr, mac, vendor, name, ports, t):
    return (f'<host starttime="{t}" endtime="{t+95}"><status state="up" reason="arp-response" reason_ttl="0"/>\n'
            f'<address addr="{addr}" addrtype="ipv4"/>\n<address addr="{mac}" addrtype="mac" vendor="{vendor}"/>\n'
            f'<hostnames>\n<hostname name="{name}" type="PTR"/>\n</hostnames>\n<ports>' + "\n".join(ports) + "\n</ports>\n"
            f'<times srtt="812" rttvar="300" to="100000"/>\n</host>')

T = 1795860000
hosts = []
# MQTT broker of the sensor network: TLS listener with the broker certificate (expires
# 2026-12-12), but the legacy cleartext listener is still open and anonymous.
mqtt_sub = ('<script id="mqtt-subscribe" output="&#xa;  Topics and their most recent payloads: &#xa;    belvezet/parking/P1/occupancy: {&quot;free&quot;: 12}&#xa;    belvezet/eclairage/rue-haute/L14/state: on&#xa;    $SYS/broker/version: mosquitto version 1.6.9&#xa;">'
            '<table key="Topics and their most recent payloads: ">\n<elem key="belvezet/parking/P1/occupancy">{&quot;free&quot;: 12}</elem>\n'
            '<elem key="belvezet/eclairage/rue-haute/L14/state">on</elem>\n<elem key="$SYS/broker/version">mosquitto version 1.6.9</elem>\n</table></script>')
hosts.append(host("10.42.1.10", "52:54:00:1A:2B:01", "QEMU virtual NIC", "mqtt.capteurs.belvezet.fr", [
    port("tcp", 22, '<service name="ssh" product="OpenSSH" version="9.2p1 Debian 2+deb12u3" extrainfo="protocol 2.0" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:openbsd:openssh:9.2p1</cpe><cpe>cpe:/o:linux:linux_kernel</cpe></service>',
         '<script id="ssh2-enum-algos" output="ssh2-enum-algos"><table key="kex_algorithms">\n<elem>curve25519-sha256</elem>\n<elem>ecdh-sha2-nistp256</elem>\n</table>\n<table key="server_host_key_algorithms">\n<elem>rsa-sha2-512</elem>\n<elem>ssh-ed25519</elem>\n</table>\n<table key="encryption_algorithms">\n<elem>chacha20-poly1305@openssh.com</elem>\n<elem>aes256-gcm@openssh.com</elem>\n</table>\n<table key="mac_algorithms">\n<elem>hmac-sha2-256-etm@openssh.com</elem>\n</table>\n<table key="compression_algorithms">\n<elem>none</elem>\n</table>\n</script>'),
    port("tcp", 1883, '<service name="mqtt" product="Mosquitto" version="1.6.9" method="probed" conf="10"/>', mqtt_sub),
    port("tcp", 8883, '<service name="mqtt" product="Mosquitto" version="1.6.9" tunnel="ssl" method="probed" conf="10"/>', ssl_cert(first_pem(f"{CERTS}/mqtt-broker/broker.crt")) + MODERN),
], T))
# LoRaWAN gateway: clean TLS (the reference certificate chain), but the Semtech UDP packet
# forwarder and SNMPv2c with the `public` community are open.
hosts.append(host("10.42.2.1", "00:80:E1:44:10:02", "STMicroelectronics SRL", "lorawan-gw.belvezet.fr", [
    port("tcp", 443, '<service name="http" product="nginx" tunnel="ssl" method="probed" conf="10"><cpe>cpe:/a:igor_sysoev:nginx</cpe></service>',
         ssl_cert(first_pem(f"{CERTS}/gateway/fullchain.pem")) + MODERN +
         '<script id="http-headers" output="&#xa;  Server: nginx&#xa;  Strict-Transport-Security: max-age=31536000&#xa;  Content-Type: text/html&#xa;"></script>'
         '<script id="http-title" output="Passerelle LoRaWAN - connexion"><elem key="title">Passerelle LoRaWAN - connexion</elem></script>'),
    port("udp", 161, '<service name="snmp" product="net-snmp" extrainfo="public" method="probed" conf="10"/>',
         '<script id="snmp-sysdescr" output="Linux lorawan-gw 4.14.98 #1 SMP armv7l&#xa;  System uptime: 41d 3h"></script>'),
    port("udp", 1700, '<service name="unknown" method="table" conf="3"/>'),
], T + 100))
# Legacy camera on the town-hall square: telnet with a BusyBox banner, RTSP, an HTTP login
# page, TLS 1.0 with the self-signed RSA-1024 certificate, UPnP.
hosts.append(host("10.42.3.20", "C0:56:E3:7A:00:20", "Hangzhou Hikvision Digital Technology", "cam-parvis-mairie.belvezet.fr", [
    port("tcp", 23, '<service name="telnet" product="BusyBox telnetd" ostype="Linux" method="probed" conf="10"><cpe>cpe:/a:busybox:busybox</cpe></service>',
         '<script id="banner" output="\\xFF\\xFD\\x18\\xFF\\xFD \\xFF\\xFD#\\xFF\\xFD\'\\x0D\\x0ABusyBox v1.19.4 (2014-03-10) built-in shell\\x0D\\x0Acam-parvis login: "/>'),
    port("tcp", 80, '<service name="http" product="Hikvision IP camera httpd" devicetype="webcam" method="probed" conf="10"/>',
         '<script id="http-title" output="Login"><elem key="title">Login</elem></script>'),
    port("tcp", 443, '<service name="http" product="Hikvision IP camera httpd" tunnel="ssl" devicetype="webcam" method="probed" conf="10"/>',
         ssl_cert(first_pem(f"{CERTS}/cameras/cam-parvis-mairie.pem")) + legacy_tls),
    port("tcp", 554, '<service name="rtsp" product="Hikvision 7513 POE IP camera rtspd" devicetype="webcam" method="probed" conf="10"/>',
         '<script id="rtsp-methods" output="OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER"/>'),
    port("udp", 1900, '<service name="upnp" method="probed" conf="10"/>',
         '<script id="upnp-info" output="&#xa;10.42.3.20&#xa;    Server: Linux/3.0.8, UPnP/1.0, Portable SDK for UPnP devices/1.6.18&#xa;    Location: http://10.42.3.20:49152/rootDesc.xml"/>'),
], T + 200))
# A camera at the gymnasium that no processing record lists (installed by the sports
# department): an RTSP stream and its HTTPS configuration page.
hosts.append(host("10.42.3.31", "C0:56:E3:7A:00:31", "Hangzhou Hikvision Digital Technology", "cam-gymnase.belvezet.fr", [
    port("tcp", 443, '<service name="http" product="Hikvision IP camera httpd" tunnel="ssl" devicetype="webcam" method="probed" conf="10"/>', MODERN),
    port("tcp", 554, '<service name="rtsp" product="Hikvision 7513 POE IP camera rtspd" devicetype="webcam" method="probed" conf="10"/>',
         '<script id="rtsp-methods" output="OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER"/>'),
], T + 250))
# Building management controller of the school: BACnet/IP reachable from the IoT network.
hosts.append(host("10.42.5.2", "00:A0:03:12:34:56", "Siemens Building Technologies", "gtb-ecole-jaures.belvezet.fr", [
    port("udp", 47808, '<service name="bacnet" method="probed" conf="10"/>',
         '<script id="bacnet-info" output="&#xa;  Vendor ID: Siemens Schweiz AG (Building Technologies Division) (7)&#xa;  Model Name: PXC36.1-E.D"><elem key="Vendor ID">Siemens Schweiz AG (Building Technologies Division) (7)</elem>\n<elem key="Vendor Name">Siemens Building Technologies</elem>\n<elem key="Instance Number">2098177</elem>\n<elem key="Firmware">FW=02.20.190</elem>\n<elem key="Model Name">PXC36.1-E.D</elem>\n<elem key="Location">Ecole Jaures - chaufferie</elem>\n</script>'),
], T + 300))

doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE nmaprun>\n<?xml-stylesheet href="file:///usr/bin/../share/nmap/nmap.xsl" type="text/xsl"?>\n'
       '<!-- Nmap 7.93 scan initiated Sat Nov 28 10:00:00 2026 as: nmap -sS -sU -sV -O --script ssl-enum-ciphers,ssl-cert,banner,http-title,http-headers,ssh2-enum-algos,snmp-sysdescr,mqtt-subscribe,rtsp-methods,upnp-info,bacnet-info -p T:22,23,80,443,554,1883,8883,U:161,1700,1900,47808 -oX iot-network.xml 10.42.0.0/16 -->\n'
       '<nmaprun scanner="nmap" args="nmap -sS -sU -sV -O --script ssl-enum-ciphers,ssl-cert,banner,http-title,http-headers,ssh2-enum-algos,snmp-sysdescr,mqtt-subscribe,rtsp-methods,upnp-info,bacnet-info -p T:22,23,80,443,554,1883,8883,U:161,1700,1900,47808 -oX iot-network.xml 10.42.0.0/16" start="1795860000" startstr="Sat Nov 28 10:00:00 2026" version="7.93" xmloutputversion="1.05">\n'
       '<scaninfo type="syn" protocol="tcp" numservices="7" services="22-23,80,443,554,1883,8883"/>\n<scaninfo type="udp" protocol="udp" numservices="4" services="161,1700,1900,47808"/>\n'
       '<verbose level="0"/>\n<debugging level="0"/>\n' + "\n".join(hosts) +
       '\n<runstats><finished time="1795863742" timestr="Sat Nov 28 11:02:22 2026" summary="Nmap done at Sat Nov 28 11:02:22 2026; 65536 IP addresses (5 hosts up) scanned in 3742.31 seconds" elapsed="3742.31" exit="success"/><hosts up="5" down="65531" total="65536"/>\n</runstats>\n</nmaprun>\n')
out = os.path.join(ROOT, "fixtures/demo-territory/network/iot-network.xml")
open(out, "w").write(doc)
print("wrote", out)
