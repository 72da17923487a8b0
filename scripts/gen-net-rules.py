#!/usr/bin/env python3
"""Writes rules/service/NET-*.yaml and their fail/pass nmap fixtures from the table below.

Each fixture is a small nmap XML document (one host, ports on one line each) whose
flagged <port> lines carry `<!-- ruleid: NET-xxx -->` and near misses `<!-- ok: NET-xxx -->`.
The port elements are modelled on real nmap 7.93 output (fixtures/nmap/loopback-real.xml).
Run from the repository root: python3 scripts/gen-net-rules.py
"""
import json, os, shutil

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "rules", "service")

def esc(s):
    return s.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "&#xa;").replace("\t", "&#x9;")

def P(port, name, proto="tcp", state="open", product="", version="", extra="", tunnel="", scripts=""):
    attrs = f'name="{name}"'
    for k, v in (("product", product), ("version", version), ("extrainfo", extra), ("tunnel", tunnel)):
        if v:
            attrs += f' {k}="{esc(v)}"'
    reason = "syn-ack" if proto == "tcp" else "udp-response"
    return (f'<port protocol="{proto}" portid="{port}"><state state="{state}" reason="{reason}" reason_ttl="64"/>'
            f'<service {attrs} method="probed" conf="10"/>{scripts}</port>')

def S(sid, output="", body=""):
    return f'<script id="{sid}" output="{esc(output)}">{body}</script>'

def ciphers(*protos, least="A"):
    body = ""
    for pname, suites in protos:
        cs = "".join(f'<table><elem key="kex_info">{k}</elem><elem key="name">{n}</elem><elem key="strength">{g}</elem></table>' for n, k, g in suites)
        body += f'<table key="{pname}"><table key="ciphers">{cs}</table><table key="compressors"><elem>NULL</elem></table><elem key="cipher preference">server</elem></table>'
    body += f'<elem key="least strength">{least}</elem>'
    return S("ssl-enum-ciphers", "ssl-enum-ciphers", body)

GOOD12 = ("TLSv1.2", [("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "secp256r1", "A"), ("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "secp256r1", "A")])
GOOD13 = ("TLSv1.3", [("TLS_AKE_WITH_AES_128_GCM_SHA256", "ecdh_x25519", "A"), ("TLS_AKE_WITH_CHACHA20_POLY1305_SHA256", "ecdh_x25519", "A")])
def tls(*protos, least="A"):
    return ciphers(*protos, least=least)

def ssh_algos(kex, hk, enc, mac):
    t = lambda k, xs: f'<table key="{k}">' + "".join(f"<elem>{x}</elem>" for x in xs) + "</table>"
    return S("ssh2-enum-algos", "ssh2-enum-algos", t("kex_algorithms", kex) + t("server_host_key_algorithms", hk) + t("encryption_algorithms", enc) + t("mac_algorithms", mac) + t("compression_algorithms", ["none"]))

def doc(ports, addr="10.42.9.10", hostname="equipement.belvezet.fr", hostscript=""):
    """ports: list of (annotation or None, port xml); hostscript: <script> elements of the host."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<!DOCTYPE nmaprun>",
             '<nmaprun scanner="nmap" args="nmap -sV -sU -sS --script ssl-enum-ciphers,ssl-cert,banner 10.42.9.0/24" start="1795860000" startstr="Sat Nov 28 10:00:00 2026" version="7.93" xmloutputversion="1.05">',
             '<host starttime="1795860001" endtime="1795860100"><status state="up" reason="arp-response" reason_ttl="0"/>',
             f'<address addr="{addr}" addrtype="ipv4"/>',
             f'<hostnames><hostname name="{hostname}" type="PTR"/></hostnames>',
             "<ports>"]
    for ann, px in ports:
        if ann:
            lines.append(f"<!-- {ann} -->")
        lines.append(px)
    lines.append("</ports>")
    if hostscript:
        lines.append(f"<hostscript>{hostscript}</hostscript>")
    lines += ["</host>", '<runstats><finished time="1795860100" elapsed="100.00" exit="success"/><hosts up="1" down="0" total="1"/></runstats>', "</nmaprun>", ""]
    return "\n".join(lines)

RULES = []
def rule(id, name, sev, cond, title, message, why, fix, refs, fail, passes, what=None, profiles=("etsi-en-303-645",), status="stable"):
    # Every rule citing the ANSSI TLS guide belongs to the `anssi-tls` profile.
    if any(str(r.get("id", "")).startswith("ANSSI-TLS") for r in refs) and "anssi-tls" not in profiles:
        profiles = tuple(profiles) + ("anssi-tls",)
    RULES.append(dict(id=id, name=name, sev=sev, cond=cond, title=title, message=message, why=why, fix=fix, refs=refs, fail=fail, passes=passes, what=what, profiles=profiles, status=status))

OPEN = 'state == "open"'
ETSI55 = {"id": "ETSI-EN-303-645-5.5-1"}
ETSI56 = {"id": "ETSI-EN-303-645-5.6-1"}
CRAJ = {"id": "CRA-I.1.2(j)"}
CRAD = {"id": "CRA-I.1.2(d)"}
OWASP2 = {"id": "OWASP-IoT-I2"}
ANSSI_TLS = {"id": "ANSSI-TLS §2.1", "url": "https://cyber.gouv.fr/publications/recommandations-de-securite-relatives-tls"}
ANSSI_TLS22 = {"id": "ANSSI-TLS §2.2", "url": "https://cyber.gouv.fr/publications/recommandations-de-securite-relatives-tls"}
GDPR32 = {"id": "GDPR-Art.32"}

def R(x, r): return (f"ruleid: {r}", x)
def OK(x, r): return (f"ok: {r}", x)

# --- cleartext administration and remote access ---------------------------------------
r = "NET-001"
rule(r, "telnet-exposed", "critical", f'{OPEN} && protocol == "tcp" && (name == "telnet" || port == 23 || port == 2323)',
     ("Telnet service reachable", "Service Telnet accessible"),
     ("Telnet open on `{{ endpoint }}`", "Telnet ouvert sur `{{ endpoint }}`"),
     ("Telnet sends passwords and every command in clear text: anyone on the path can read them and take over the device. Telnet on IoT devices is also the door most botnets (Mirai and its successors) try first, with default passwords.",
      "Telnet transmet les mots de passe et toutes les commandes en clair : toute personne sur le chemin peut les lire et prendre la main sur l'équipement. Sur les objets connectés, Telnet est aussi la porte que la plupart des réseaux de machines zombies (Mirai et ses successeurs) essaient en premier, avec les mots de passe par défaut."),
     ("Disable Telnet on the device (firmware setting or integrator request). If remote administration is needed, use SSH with keys, reachable only from an administration network.",
      "Désactiver Telnet sur l'équipement (réglage du micrologiciel ou demande à l'intégrateur). Si une administration à distance est nécessaire, utiliser SSH avec des clés, joignable seulement depuis un réseau d'administration."),
     [{"id": "ETSI-EN-303-645-5.5-1"}, ETSI56, OWASP2, CRAJ, {"cwe": 319}],
     [("telnet-busybox.xml", doc([R(P(23, "telnet", product="BusyBox telnetd", scripts=S("banner", "BusyBox v1.19.4 built-in shell\ncam login:")), r), R(P(2323, "telnet"), r)]))],
     [("ssh-only.xml", doc([OK(P(22, "ssh", product="OpenSSH", version="9.2p1", extra="protocol 2.0"), r), OK(P(23, "telnet", state="filtered"), r)]))])

r = "NET-002"
rule(r, "ftp-cleartext", "high", f'{OPEN} && protocol == "tcp" && (name == "ftp" || port == 21) && !tls',
     ("FTP service without encryption", "Service FTP sans chiffrement"),
     ("cleartext FTP on `{{ endpoint }}`{{ ftp_anonymous ? ' (anonymous login allowed)' : '' }}", "FTP en clair sur `{{ endpoint }}`{{ ftp_anonymous ? ' (connexion anonyme autorisée)' : '' }}"),
     ("FTP sends the login, the password and the files in clear text. On a camera or a controller it is often used to upload firmware or collect recordings, so whoever listens gets both credentials and data.",
      "FTP transmet l'identifiant, le mot de passe et les fichiers en clair. Sur une caméra ou un automate, il sert souvent à charger un micrologiciel ou à récupérer des enregistrements : qui écoute obtient à la fois les accès et les données."),
     ("Turn FTP off, or replace it with SFTP (over SSH) or FTPS with a valid certificate; restrict it to the administration network.",
      "Désactiver FTP, ou le remplacer par SFTP (sur SSH) ou FTPS avec un certificat valide ; le limiter au réseau d'administration."),
     [ETSI55, OWASP2, {"cwe": 319}],
     [("ftp.xml", doc([R(P(21, "ftp", product="vsftpd", version="2.3.4"), r)]))],
     [("ftps.xml", doc([OK(P(21, "ftp", product="vsftpd", version="3.0.3", tunnel="ssl"), r), OK(P(22, "ssh"), r)]))])

r = "NET-036"
rule(r, "ftp-anonymous-login", "critical", f'{OPEN} && ftp_anonymous',
     ("FTP server accepts anonymous logins", "Serveur FTP acceptant les connexions anonymes"),
     ("anonymous FTP login allowed on `{{ endpoint }}`", "connexion FTP anonyme autorisée sur `{{ endpoint }}`"),
     ("Anyone who reaches the server can log in without a password and read (sometimes write) its files: recordings, configuration, logs with personal data.",
      "N'importe qui joignant le serveur peut se connecter sans mot de passe et lire (parfois écrire) ses fichiers : enregistrements, configuration, journaux contenant des données personnelles."),
     ("Disable anonymous access in the FTP server configuration and require individual accounts; better, replace FTP with SFTP.",
      "Désactiver l'accès anonyme dans la configuration du serveur FTP et exiger des comptes individuels ; mieux, remplacer FTP par SFTP."),
     [{"id": "ETSI-EN-303-645-5.5-4"}, CRAD, {"cwe": 306}],
     [("ftp-anon.xml", doc([R(P(21, "ftp", product="vsftpd", scripts=S("ftp-anon", "Anonymous FTP login allowed (FTP code 230)\n-rw-r--r-- 1 0 0 1024 records.csv")), r)]))],
     [("ftp-auth.xml", doc([OK(P(21, "ftp", product="vsftpd", scripts=S("ftp-anon", "")), r)]))])

r = "NET-003"
rule(r, "tftp-exposed", "high", f'{OPEN} && protocol == "udp" && (name == "tftp" || port == 69)',
     ("TFTP service reachable", "Service TFTP accessible"),
     ("TFTP open on `{{ endpoint }}`", "TFTP ouvert sur `{{ endpoint }}`"),
     ("TFTP has no authentication at all: anyone who guesses a file name can download it (configurations, firmware) and often upload a replacement.",
      "TFTP n'a aucune authentification : quiconque devine un nom de fichier peut le télécharger (configurations, micrologiciels) et souvent en déposer un autre."),
     ("Stop the TFTP service outside maintenance windows, or restrict it to the provisioning network with a firewall.",
      "Arrêter le service TFTP en dehors des opérations de maintenance, ou le limiter au réseau de provisionnement par un pare-feu."),
     [ETSI56, OWASP2, {"cwe": 306}],
     [("tftp.xml", doc([R(P(69, "tftp", proto="udp"), r)]))],
     [("tftp-closed.xml", doc([OK(P(69, "tftp", proto="udp", state="open|filtered"), r)]))])

r = "NET-010"
rule(r, "vnc-exposed", "high", f'{OPEN} && protocol == "tcp" && (name == "vnc" || (port >= 5900 && port <= 5903))',
     ("VNC remote desktop reachable", "Bureau à distance VNC accessible"),
     ("VNC open on `{{ endpoint }}`{{ vnc_no_auth ? ' without authentication' : '' }}", "VNC ouvert sur `{{ endpoint }}`{{ vnc_no_auth ? ' sans authentification' : '' }}"),
     ("VNC gives the full screen and keyboard of a supervision station or panel. Its password scheme is weak (8 characters, no encryption of the session in most servers), and some installations have no password at all.",
      "VNC donne l'écran et le clavier complets d'un poste de supervision ou d'un écran de commande. Son mot de passe est faible (8 caractères, session non chiffrée sur la plupart des serveurs) et certaines installations n'en ont pas du tout."),
     ("Do not expose VNC: reach the station through a VPN or an SSH tunnel, and require a strong password.",
      "Ne pas exposer VNC : accéder au poste par un VPN ou un tunnel SSH, et exiger un mot de passe robuste."),
     [{"id": "ETSI-EN-303-645-5.5-4"}, OWASP2, {"cwe": 306}],
     [("vnc.xml", doc([R(P(5900, "vnc", product="RealVNC", version="4.1", scripts=S("vnc-info", "Protocol version: 3.8\nSecurity types:\n  None (1)", '<elem key="Protocol version">3.8</elem><table key="Security types"><table><elem key="name">None</elem><elem key="type">1</elem></table></table>')), r)]))],
     [("no-vnc.xml", doc([OK(P(5800, "http"), r), OK(P(5904, "unknown"), r)]))])

r = "NET-006"
rule(r, "http-admin-without-tls", "high",
     f'{OPEN} && !tls && name.startsWith("http") && ["login", "log in", "admin", "config", "connexion", "identification", "setup", "management"].exists(w, http.title.lowerAscii().contains(w)) && !http.redirects_to_https',
     ("Administration page served without HTTPS", "Page d'administration servie sans HTTPS"),
     ("administration page `{{ http.title }}` served over plain HTTP on `{{ endpoint }}`", "page d'administration `{{ http.title }}` servie en HTTP sans chiffrement sur `{{ endpoint }}`"),
     ("The login form of the device travels in clear text: the administrator's password can be read by anyone on the network, and the session can be hijacked.",
      "Le formulaire de connexion de l'équipement circule en clair : le mot de passe de l'administrateur peut être lu par toute personne sur le réseau, et la session détournée."),
     ("Serve the administration interface only over HTTPS with a valid certificate, and redirect HTTP to HTTPS (or close HTTP).",
      "Ne servir l'interface d'administration qu'en HTTPS avec un certificat valide, et rediriger HTTP vers HTTPS (ou fermer HTTP)."),
     [ETSI55, {"id": "ETSI-EN-303-645-5.5-5"}, {"id": "OWASP-IoT-I3"}, {"cwe": 319}],
     [("admin-http.xml", doc([R(P(80, "http", product="lighttpd", scripts=S("http-title", "Administration - login", '<elem key="title">Administration - login</elem>')), r)]))],
     [("redirect.xml", doc([OK(P(80, "http", scripts=S("http-title", "Did not follow redirect to https://10.42.9.10/", '<elem key="redirect_url">https://10.42.9.10/</elem>')), r),
                           OK(P(443, "http", tunnel="ssl", scripts=S("http-title", "Administration - login", '<elem key="title">Administration - login</elem>')), r),
                           OK(P(8080, "http", scripts=S("http-title", "Parking - free places", '<elem key="title">Parking - free places</elem>')), r)]))])

r = "NET-007"
rule(r, "default-credentials-accepted", "critical", f'{OPEN} && default_credentials',
     ("Default credentials accepted", "Identifiants par défaut acceptés"),
     ("default credentials work on `{{ endpoint }}`", "les identifiants par défaut fonctionnent sur `{{ endpoint }}`"),
     ("The manufacturer's default login and password are published in manuals and botnet lists: anyone can take control of the device.",
      "L'identifiant et le mot de passe par défaut du fabricant sont publiés dans les notices et dans les listes des réseaux de machines zombies : n'importe qui peut prendre le contrôle de l'équipement."),
     ("Change the password now (a unique one per device), and require the integrator to deliver devices without universal default passwords.",
      "Changer le mot de passe immédiatement (un mot de passe unique par équipement) et exiger de l'intégrateur des équipements livrés sans mot de passe par défaut universel."),
     [{"id": "ETSI-EN-303-645-5.1-1"}, {"id": "OWASP-IoT-I1"}, {"cwe": 1392}],
     [("default-accounts.xml", doc([R(P(80, "http", scripts=S("http-default-accounts", "[Hikvision] at /\n  admin:12345", '<table key="Hikvision"><table key="credentials"><table><elem key="username">admin</elem><elem key="password">12345</elem></table></table></table>')), r)]))],
     [("no-default.xml", doc([OK(P(80, "http", scripts=S("http-default-accounts", "")), r)]))])

r = "NET-028"
rule(r, "management-on-public-address", "high",
     f'{OPEN} && !host_private && (name in ["telnet", "ssh", "ms-wbt-server", "vnc", "snmp", "adb"] || port in [22, 23, 2323, 3389, 5900, 161, 5555])',
     ("Management service on a public address", "Service d'administration sur une adresse publique"),
     ("management service `{{ name }}` reachable on public address `{{ endpoint }}`", "service d'administration `{{ name }}` joignable sur l'adresse publique `{{ endpoint }}`"),
     ("Administration services on an Internet-routable address are scanned and attacked within minutes of going online, day and night.",
      "Les services d'administration sur une adresse routable sur Internet sont balayés et attaqués dans les minutes qui suivent leur mise en ligne, jour et nuit."),
     ("Move administration behind a VPN or a bastion, and filter the public address so that only the services meant for the public answer.",
      "Placer l'administration derrière un VPN ou un bastion, et filtrer l'adresse publique pour que seuls les services destinés au public répondent."),
     [ETSI56, CRAJ, {"cwe": 284}],
     [("public-ssh.xml", doc([R(P(22, "ssh", product="OpenSSH", version="9.2p1"), r), OK(P(443, "https", tunnel="ssl"), r)], addr="203.0.113.10"))],
     [("private-ssh.xml", doc([OK(P(22, "ssh", product="OpenSSH", version="9.2p1"), r)], addr="100.64.3.2"))])

# --- IoT and industrial protocols ---------------------------------------------------
r = "NET-004"
rule(r, "mqtt-without-tls", "high", f'{OPEN} && !tls && (name == "mqtt" || name.startsWith("mosquitto") || port == 1883)',
     ("MQTT broker without TLS", "Courtier MQTT sans TLS"),
     ("MQTT without TLS on `{{ endpoint }}`", "MQTT sans TLS sur `{{ endpoint }}`"),
     ("Sensors publish their measurements and receive commands over MQTT. Without TLS, the messages, the device identifiers and any password travel in clear text and can be altered on the way: false parking occupancy, forged lighting orders.",
      "Les capteurs publient leurs mesures et reçoivent des commandes par MQTT. Sans TLS, les messages, les identifiants des équipements et les éventuels mots de passe circulent en clair et peuvent être modifiés en route : fausse occupation de parking, ordres d'éclairage falsifiés."),
     ("Use MQTT over TLS (port 8883) with a certificate, and close port 1883 or restrict it to the local machine.",
      "Utiliser MQTT sur TLS (port 8883) avec un certificat, et fermer le port 1883 ou le limiter à la machine locale."),
     [ETSI55, {"id": "ETSI-EN-303-645-5.8-1"}, {"id": "OWASP-IoT-I7"}, {"cwe": 319}],
     [("mqtt.xml", doc([R(P(1883, "mqtt"), r), OK(P(8883, "mqtt", tunnel="ssl"), r)])),
      ("mosquitto-real-name.xml", doc([R(P(1883, "mosquitto version 2.0.11"), r)]))],
     [("mqtts-only.xml", doc([OK(P(8883, "mqtt", tunnel="ssl"), r), OK(P(1883, "mqtt", state="closed"), r)]))])

r = "NET-005"
rule(r, "mqtt-anonymous-access", "critical", f'{OPEN} && mqtt.anonymous_access',
     ("MQTT broker readable without credentials", "Courtier MQTT lisible sans identifiants"),
     ("anonymous MQTT client read {{ size(mqtt.topics) }} topics on `{{ endpoint }}`", "un client MQTT anonyme a lu {{ size(mqtt.topics) }} sujets sur `{{ endpoint }}`"),
     ("Anyone on the network can subscribe to every topic, read the sensors' data (which may reveal presence, habits or licence plates) and publish commands to the devices.",
      "N'importe qui sur le réseau peut s'abonner à tous les sujets, lire les données des capteurs (qui peuvent révéler une présence, des habitudes ou des plaques d'immatriculation) et publier des commandes vers les équipements."),
     ("Disable anonymous access (`allow_anonymous false` on Mosquitto), give each device its own credentials or client certificate, and restrict topics with access control lists.",
      "Désactiver l'accès anonyme (`allow_anonymous false` sur Mosquitto), donner à chaque équipement ses propres identifiants ou un certificat client, et restreindre les sujets par des listes de contrôle d'accès."),
     [{"id": "ETSI-EN-303-645-5.5-4"}, CRAD, GDPR32, {"cwe": 306}],
     [("mqtt-anon.xml", doc([R(P(1883, "mqtt", scripts=S("mqtt-subscribe", "Topics and their most recent payloads:\n  belvezet/parking/P1/occupancy: 12", '<table key="Topics and their most recent payloads: "><elem key="belvezet/parking/P1/occupancy">12</elem></table>')), r)]))],
     [("mqtt-auth.xml", doc([OK(P(1883, "mqtt", scripts=S("mqtt-subscribe", "Connection Refused: Not Authorized")), r)]))])

r = "NET-014"
rule(r, "coap-without-dtls", "medium", f'{OPEN} && protocol == "udp" && (name == "coap" || port == 5683) && !("5684/udp" in host_open_ports)',
     ("CoAP without its DTLS counterpart", "CoAP sans équivalent DTLS"),
     ("CoAP on `{{ endpoint }}` with no CoAPS (DTLS, udp/5684) on the same host", "CoAP sur `{{ endpoint }}` sans CoAPS (DTLS, udp/5684) sur le même hôte"),
     ("CoAP carries sensor readings and commands over UDP with no protection: they can be read, replayed or forged, and open CoAP servers are used to amplify denial-of-service attacks.",
      "CoAP transporte les mesures et les commandes des capteurs en UDP sans protection : elles peuvent être lues, rejouées ou falsifiées, et les serveurs CoAP ouverts servent à amplifier des attaques par déni de service."),
     ("Enable CoAP over DTLS (port 5684) with per-device keys, and disable plain CoAP.",
      "Activer CoAP sur DTLS (port 5684) avec des clés propres à chaque équipement, et désactiver CoAP en clair."),
     [ETSI55, {"id": "OWASP-IoT-I7"}, {"id": "RFC 7252 §9", "url": "https://www.rfc-editor.org/rfc/rfc7252"}],
     [("coap.xml", doc([R(P(5683, "coap", proto="udp"), r)]))],
     [("coap-and-coaps.xml", doc([OK(P(5683, "coap", proto="udp"), r), OK(P(5684, "coaps", proto="udp"), r)]))])

r = "NET-012"
rule(r, "industrial-protocol-exposed", "high",
     f'{OPEN} && (name in ["modbus", "mbap", "iso-tsap", "s7", "bacnet", "dnp", "dnp3", "EtherNetIP-1", "EtherNetIP-2", "enip", "iec-104"] || (protocol == "tcp" && port in [502, 102, 20000, 44818, 2404]) || (protocol == "udp" && port in [47808, 44818]))',
     ("Industrial or building-automation protocol reachable", "Protocole industriel ou de gestion technique accessible"),
     ("industrial protocol `{{ name }}` reachable on `{{ endpoint }}`{{ modbus.present && size(modbus.device_identification) > 0 ? ' (' + modbus.device_identification[0] + ')' : '' }}{{ bacnet.present ? ' (' + bacnet.vendor_name + ' ' + bacnet.model_name + ')' : '' }}",
      "protocole industriel `{{ name }}` joignable sur `{{ endpoint }}`{{ modbus.present && size(modbus.device_identification) > 0 ? ' (' + modbus.device_identification[0] + ')' : '' }}{{ bacnet.present ? ' (' + bacnet.vendor_name + ' ' + bacnet.model_name + ')' : '' }}"),
     ("Modbus/TCP, S7, BACnet/IP, DNP3, IEC 60870-5-104 and EtherNet/IP were designed for closed networks: they have no authentication, so anyone who reaches the port can read values and write set points (pumps, heating, lighting, barriers).",
      "Modbus/TCP, S7, BACnet/IP, DNP3, IEC 60870-5-104 et EtherNet/IP ont été conçus pour des réseaux fermés : ils n'ont pas d'authentification, donc quiconque joint le port peut lire des valeurs et écrire des consignes (pompes, chauffage, éclairage, barrières)."),
     ("Isolate controllers in a dedicated network segment, reachable only from the supervision servers through a filtering firewall; use the protocol's secure variant when the equipment supports it.",
      "Isoler les automates dans un segment réseau dédié, joignable seulement depuis les serveurs de supervision à travers un pare-feu filtrant ; utiliser la variante sécurisée du protocole quand l'équipement la prend en charge."),
     [CRAJ, ETSI56, OWASP2, {"id": "IEC 62443-3-3 SR 5.1"}],
     [("modbus.xml", doc([R(P(502, "modbus", scripts=S("modbus-discover", "sid 0x1:\n  Device identification: Schneider Electric BMX P34 2020", '<table key="sid 0x1"><elem key="Slave ID data">\\xFA\\xFF</elem><elem key="Device identification">Schneider Electric BMX P34 2020 v2.4</elem></table>')), r)])),
      ("bacnet.xml", doc([R(P(47808, "bacnet", proto="udp", scripts=S("bacnet-info", "Vendor Name: Siemens", '<elem key="Vendor ID">Siemens Building Technologies (7)</elem><elem key="Vendor Name">Siemens</elem><elem key="Model Name">PXC100</elem><elem key="Firmware">FW 3.2</elem>')), r),
                          R(P(102, "iso-tsap", product="Siemens S7 PLC"), r), R(P(20000, "dnp"), r), R(P(2404, "iec-104"), r), R(P(44818, "EtherNetIP-2"), r)]))],
     [("web-only.xml", doc([OK(P(443, "https", tunnel="ssl"), r), OK(P(502, "modbus", state="filtered"), r)]))])

r = "NET-013"
rule(r, "upnp-ssdp-exposed", "medium", f'{OPEN} && ((protocol == "udp" && (port == 1900 || name == "upnp")) || upnp.present)',
     ("UPnP / SSDP answers", "UPnP / SSDP répond"),
     ("UPnP/SSDP answers on `{{ endpoint }}`{{ upnp.present && upnp.server != '' ? ' (' + upnp.server + ')' : '' }}", "UPnP/SSDP répond sur `{{ endpoint }}`{{ upnp.present && upnp.server != '' ? ' (' + upnp.server + ')' : '' }}"),
     ("UPnP announces the device and its model to anyone who asks, may let other hosts open ports in the router, and SSDP is widely abused to amplify denial-of-service attacks.",
      "UPnP annonce l'équipement et son modèle à qui le demande, peut laisser d'autres machines ouvrir des ports dans le routeur, et SSDP est largement détourné pour amplifier des attaques par déni de service."),
     ("Disable UPnP on devices and routers of the deployment; it has no use in a managed network.",
      "Désactiver UPnP sur les équipements et routeurs du déploiement ; il n'a pas d'utilité dans un réseau administré."),
     [ETSI56, {"id": "CRA-I.1.2(i)"}, {"id": "OWASP-IoT-I9"}],
     [("ssdp.xml", doc([R(P(1900, "upnp", proto="udp", scripts=S("upnp-info", "\n  Server: Linux/3.10 UPnP/1.0 IPCamera/1.0\n  Location: http://10.42.9.10:49152/rootDesc.xml")), r)]))],
     [("no-upnp.xml", doc([OK(P(1900, "upnp", proto="udp", state="open|filtered"), r)]))])

r = "NET-008"
rule(r, "snmp-v1-v2c", "high", f'{OPEN} && snmp.community_answered',
     ("SNMP answers with a community string (v1/v2c)", "SNMP répond à une communauté (v1/v2c)"),
     ("SNMPv1/v2c agent answered on `{{ endpoint }}`{{ extrainfo != '' ? ' (' + extrainfo + ')' : '' }}", "l'agent SNMPv1/v2c a répondu sur `{{ endpoint }}`{{ extrainfo != '' ? ' (' + extrainfo + ')' : '' }}"),
     ("SNMP versions 1 and 2c authenticate with a community string sent in clear text, often the default `public` or `private`: anyone can read the device's configuration and sometimes change it.",
      "SNMP en versions 1 et 2c s'authentifie par une chaîne de communauté transmise en clair, souvent la valeur par défaut `public` ou `private` : n'importe qui peut lire la configuration de l'équipement et parfois la modifier."),
     ("Disable SNMPv1/v2c; use SNMPv3 with authentication and encryption (authPriv), and restrict SNMP to the supervision servers.",
      "Désactiver SNMPv1/v2c ; utiliser SNMPv3 avec authentification et chiffrement (authPriv), et limiter SNMP aux serveurs de supervision."),
     [{"id": "ETSI-EN-303-645-5.1-1"}, ETSI55, OWASP2],
     [("snmp-public.xml", doc([R(P(161, "snmp", proto="udp", product="net-snmp", extra="public", scripts=S("snmp-sysdescr", "Linux lorawan-gw 4.14.0")), r)]))],
     [("snmpv3.xml", doc([OK(P(161, "snmp", proto="udp", product="net-snmp", extra="SNMPv3 server", scripts=S("snmp-info", "enterprise: net-snmp", '<elem key="enterprise">net-snmp</elem><elem key="engineIDData">8f1a2b</elem>')), r)]))])

r = "NET-009"
rule(r, "rtsp-stream-exposed", "high", f'{OPEN} && protocol == "tcp" && (name == "rtsp" || port == 554 || port == 8554)',
     ("Camera video stream (RTSP) reachable", "Flux vidéo de caméra (RTSP) accessible"),
     ("RTSP video service on `{{ endpoint }}`", "service vidéo RTSP sur `{{ endpoint }}`"),
     ("RTSP serves the camera's live images. Many cameras accept unauthenticated or default-password RTSP sessions and never encrypt them: images of people in public space, a personal data processing under the GDPR, can be watched by anyone on the network.",
      "RTSP diffuse les images en direct de la caméra. Beaucoup de caméras acceptent des sessions RTSP sans authentification ou avec le mot de passe par défaut, et ne les chiffrent jamais : les images de personnes dans l'espace public, un traitement de données personnelles au sens du RGPD, peuvent être regardées par toute personne sur le réseau."),
     ("Restrict RTSP to the video management server (firewall or VLAN), require authentication with unique passwords, and prefer RTSP over TLS (RTSPS) or SRTP where the camera supports it.",
      "Limiter RTSP au serveur de gestion vidéo (pare-feu ou VLAN), exiger une authentification avec des mots de passe uniques, et préférer RTSP sur TLS (RTSPS) ou SRTP quand la caméra le permet."),
     [{"id": "ETSI-EN-303-645-5.5-4"}, {"id": "ETSI-EN-303-645-5.8-1"}, GDPR32],
     [("rtsp.xml", doc([R(P(554, "rtsp", product="Hikvision 7513 POE IP camera rtspd", scripts=S("rtsp-methods", "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN")), r)]))],
     [("rtsp-filtered.xml", doc([OK(P(554, "rtsp", state="filtered"), r), OK(P(443, "https", tunnel="ssl"), r)]))])

r = "NET-029"
rule(r, "semtech-udp-forwarder-reachable", "medium", f'{OPEN} && protocol == "udp" && port == 1700',
     ("LoRaWAN packet forwarder (Semtech UDP) reachable", "Relais de paquets LoRaWAN (Semtech UDP) accessible"),
     ("Semtech UDP packet forwarder port open on `{{ endpoint }}`", "port du relais de paquets Semtech UDP ouvert sur `{{ endpoint }}`"),
     ("The Semtech UDP protocol between LoRaWAN gateways and the network server has neither authentication nor encryption: gateway traffic can be read, forged or redirected.",
      "Le protocole Semtech UDP entre les passerelles LoRaWAN et le serveur de réseau n'a ni authentification ni chiffrement : le trafic des passerelles peut être lu, falsifié ou détourné."),
     ("Replace the UDP packet forwarder with LoRa Basics Station over TLS (or an MQTT bridge over TLS), or carry it inside a VPN.",
      "Remplacer le relais UDP par LoRa Basics Station sur TLS (ou un pont MQTT sur TLS), ou le faire passer dans un VPN."),
     [ETSI55, {"id": "LoRa Basics Station", "url": "https://doc.sm.tc/station/"}],
     [("udp-1700.xml", doc([R(P(1700, "unknown", proto="udp"), r)]))],
     [("basics-station.xml", doc([OK(P(1700, "unknown", proto="udp", state="open|filtered"), r), OK(P(3001, "https", tunnel="ssl"), r)]))])

# --- data stores, brokers, cluster and debug APIs -------------------------------------
r = "NET-015"
rule(r, "datastore-exposed", "high",
     f'{OPEN} && protocol == "tcp" && (name in ["redis", "mongodb", "elasticsearch", "couchdb", "memcached", "influxdb"] || port in [6379, 27017, 9200, 5984, 11211, 8086])',
     ("Data store reachable on the network", "Base de données accessible sur le réseau"),
     ("data store `{{ name }}` reachable on `{{ endpoint }}`", "base de données `{{ name }}` joignable sur `{{ endpoint }}`"),
     ("Redis, MongoDB, Elasticsearch, CouchDB, Memcached and InfluxDB are frequently installed without authentication. Reachable from the device network, they expose every stored measurement, and often let an attacker erase or ransom them.",
      "Redis, MongoDB, Elasticsearch, CouchDB, Memcached et InfluxDB sont souvent installés sans authentification. Joignables depuis le réseau des équipements, ils exposent toutes les mesures stockées et permettent souvent à un attaquant de les effacer ou de les rançonner."),
     ("Bind the data store to the application servers only, enable authentication and TLS, and filter the port.",
      "N'ouvrir la base qu'aux serveurs applicatifs, activer l'authentification et TLS, et filtrer le port."),
     [CRAD, GDPR32, {"cwe": 306}],
     [("redis.xml", doc([R(P(6379, "redis", product="Redis key-value store", version="6.0.16"), r), R(P(9200, "http", product="Elasticsearch REST API", version="7.17.0"), r)]))],
     [("app-only.xml", doc([OK(P(443, "https", tunnel="ssl"), r), OK(P(6379, "redis", state="filtered"), r)]))])

r = "NET-033"
rule(r, "database-or-broker-reachable", "medium",
     f'{OPEN} && protocol == "tcp" && (name in ["mysql", "postgresql", "ms-sql-s", "amqp", "oracle-tns"] || port in [3306, 5432, 1433, 5672, 1521])',
     ("SQL database or message broker reachable", "Base SQL ou courtier de messages accessible"),
     ("`{{ name }}` reachable on `{{ endpoint }}`", "`{{ name }}` joignable sur `{{ endpoint }}`"),
     ("Databases and message brokers of the platform should only talk to its application servers. Reachable from the device or office network, they face password guessing and the exploitation of their own vulnerabilities.",
      "Les bases de données et courtiers de messages de la plateforme ne devraient dialoguer qu'avec ses serveurs applicatifs. Joignables depuis le réseau des équipements ou des bureaux, ils s'exposent aux essais de mots de passe et à l'exploitation de leurs propres vulnérabilités."),
     ("Filter the port so that only the application servers reach it, and require TLS and individual accounts.",
      "Filtrer le port pour que seuls les serveurs applicatifs le joignent, et exiger TLS et des comptes individuels."),
     [CRAD, GDPR32],
     [("postgres.xml", doc([R(P(5432, "postgresql", product="PostgreSQL DB", version="9.6.0 or later"), r), R(P(5672, "amqp", product="RabbitMQ", version="3.8.9"), r)]))],
     [("filtered.xml", doc([OK(P(5432, "postgresql", state="filtered"), r)]))])

r = "NET-011"
rule(r, "debug-or-docker-api-exposed", "critical",
     f'{OPEN} && protocol == "tcp" && (name == "adb" || port == 5555 || ((name == "docker" || port == 2375) && !tls))',
     ("Android Debug Bridge or Docker API reachable", "Android Debug Bridge ou API Docker accessible"),
     ("`{{ name }}` reachable without TLS on `{{ endpoint }}`", "`{{ name }}` joignable sans TLS sur `{{ endpoint }}`"),
     ("The Android Debug Bridge and the plain Docker API give whoever connects a shell with full control of the device or host, without any password.",
      "Android Debug Bridge et l'API Docker sans TLS donnent à qui s'y connecte un terminal avec le contrôle total de l'équipement ou du serveur, sans aucun mot de passe."),
     ("Disable ADB on production devices (kiosks, displays); never expose the Docker API without mutual TLS, and keep it on the local socket.",
      "Désactiver ADB sur les équipements en production (bornes, afficheurs) ; ne jamais exposer l'API Docker sans TLS mutuel, et la garder sur le socket local."),
     [{"id": "ETSI-EN-303-645-5.6-4"}, {"cwe": 489}, {"cwe": 306}],
     [("adb-docker.xml", doc([R(P(5555, "adb", product="Android Debug Bridge device"), r), R(P(2375, "docker", product="Docker", version="20.10.7"), r)]))],
     [("docker-tls.xml", doc([OK(P(2376, "docker", tunnel="ssl"), r)]))])

r = "NET-034"
rule(r, "cluster-api-exposed", "critical",
     f'{OPEN} && protocol == "tcp" && (name in ["etcd-client", "etcd"] || port in [2379, 2380, 10250, 10255])',
     ("Cluster control API reachable (etcd, kubelet)", "API de contrôle de grappe accessible (etcd, kubelet)"),
     ("cluster API `{{ name }}` reachable on `{{ endpoint }}`", "API de grappe `{{ name }}` joignable sur `{{ endpoint }}`"),
     ("etcd stores every secret of a Kubernetes cluster, and the kubelet API runs commands in containers: reachable from outside the cluster, they can give away the whole platform.",
      "etcd contient tous les secrets d'une grappe Kubernetes, et l'API kubelet exécute des commandes dans les conteneurs : joignables hors de la grappe, elles peuvent livrer toute la plateforme."),
     ("Filter these ports to the cluster nodes, require client certificates (mutual TLS) and disable kubelet anonymous access and the read-only port.",
      "Filtrer ces ports aux seuls nœuds de la grappe, exiger des certificats clients (TLS mutuel) et désactiver l'accès anonyme du kubelet et son port en lecture seule."),
     [CRAD, {"cwe": 306}],
     [("etcd-kubelet.xml", doc([R(P(2379, "etcd-client"), r), R(P(10250, "ssl/unknown", tunnel="ssl"), r)]))],
     [("api-server.xml", doc([OK(P(6443, "sun-sr-https", tunnel="ssl"), r)]))])

# --- TLS ------------------------------------------------------------------------------
r = "NET-019"
rule(r, "ssl-v2-v3-offered", "critical", 'ssl.present && ssl.protocol_names.exists(p, p == "SSLv2" || p == "SSLv3")',
     ("SSLv2 or SSLv3 accepted", "SSLv2 ou SSLv3 accepté"),
     ("`{{ endpoint }}` accepts {{ ssl.protocol_names.filter(p, p.startsWith('SSL')) }}", "`{{ endpoint }}` accepte {{ ssl.protocol_names.filter(p, p.startsWith('SSL')) }}"),
     ("SSL 2.0 and 3.0 are broken (DROWN, POODLE): an attacker in the path can decrypt traffic. No current client needs them.",
      "SSL 2.0 et 3.0 sont cassés (DROWN, POODLE) : un attaquant placé sur le chemin peut déchiffrer le trafic. Aucun client actuel n'en a besoin."),
     ("Disable SSLv2 and SSLv3 in the server or device configuration; accept TLS 1.2 and TLS 1.3 only.",
      "Désactiver SSLv2 et SSLv3 dans la configuration du serveur ou de l'équipement ; n'accepter que TLS 1.2 et TLS 1.3."),
     [ANSSI_TLS, {"id": "CRA-I.1.2(e)"}, {"id": "RFC 7568", "url": "https://www.rfc-editor.org/rfc/rfc7568"}],
     [("sslv3.xml", doc([R(P(443, "https", tunnel="ssl", scripts=tls(("SSLv3", [("TLS_RSA_WITH_RC4_128_SHA", "rsa 2048", "C")]), GOOD12, least="C")), r)]))],
     [("tls12.xml", doc([OK(P(443, "https", tunnel="ssl", scripts=tls(GOOD12, GOOD13)), r)]))], profiles=("anssi",))

r = "NET-020"
rule(r, "tls-10-11-offered", "high", 'ssl.present && ssl.protocol_names.exists(p, p == "TLSv1.0" || p == "TLSv1.1")',
     ("TLS 1.0 or TLS 1.1 accepted", "TLS 1.0 ou TLS 1.1 accepté"),
     ("`{{ endpoint }}` accepts {{ ssl.protocol_names.filter(p, p == 'TLSv1.0' || p == 'TLSv1.1') }}", "`{{ endpoint }}` accepte {{ ssl.protocol_names.filter(p, p == 'TLSv1.0' || p == 'TLSv1.1') }}"),
     ("TLS 1.0 and 1.1 rely on outdated constructions (SHA-1, CBC without encrypt-then-MAC) and were formally deprecated in 2021. Accepting them lets a downgraded or old client use weak protection.",
      "TLS 1.0 et 1.1 reposent sur des constructions dépassées (SHA-1, CBC sans chiffrer-puis-authentifier) et sont officiellement obsolètes depuis 2021. Les accepter permet à un client ancien ou rétrogradé d'utiliser une protection faible."),
     ("Accept only TLS 1.2 and TLS 1.3. For old devices that cannot be updated, isolate them and plan their replacement.",
      "N'accepter que TLS 1.2 et TLS 1.3. Pour les anciens équipements impossibles à mettre à jour, les isoler et planifier leur remplacement."),
     [ANSSI_TLS, {"id": "RFC 8996", "url": "https://www.rfc-editor.org/rfc/rfc8996"}],
     [("tls10.xml", doc([R(P(8883, "mqtt", tunnel="ssl", scripts=tls(("TLSv1.0", [("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "secp256r1", "A")]), GOOD12)), r)]))],
     [("tls12-13.xml", doc([OK(P(8883, "mqtt", tunnel="ssl", scripts=tls(GOOD12, GOOD13)), r)]))], profiles=("anssi",))

r = "NET-021"
rule(r, "weak-cipher-suite-offered", "high",
     'ssl.present && ssl.ciphers.exists(c, (c.name.contains("NULL") || c.name.contains("EXPORT") || c.name.contains("_anon_") || c.name.contains("RC4") || c.name.contains("_DES_") || c.name.contains("3DES") || c.name.endsWith("_MD5")))',
     ("Weak TLS cipher suite accepted", "Suite de chiffrement TLS faible acceptée"),
     ("`{{ endpoint }}` accepts weak suites such as `{{ ssl.ciphers.filter(c, (c.name.contains('NULL') || c.name.contains('EXPORT') || c.name.contains('_anon_') || c.name.contains('RC4') || c.name.contains('_DES_') || c.name.contains('3DES') || c.name.endsWith('_MD5')))[0].name }}`",
      "`{{ endpoint }}` accepte des suites faibles comme `{{ ssl.ciphers.filter(c, (c.name.contains('NULL') || c.name.contains('EXPORT') || c.name.contains('_anon_') || c.name.contains('RC4') || c.name.contains('_DES_') || c.name.contains('3DES') || c.name.endsWith('_MD5')))[0].name }}`"),
     ("Suites with no encryption (NULL), export-grade keys, no server authentication (anon), RC4, DES, triple DES or MD5 can be broken or bypassed: the encrypted traffic is no longer protected.",
      "Les suites sans chiffrement (NULL), à clés « export », sans authentification du serveur (anon), avec RC4, DES, triple DES ou MD5 peuvent être cassées ou contournées : le trafic chiffré n'est plus protégé."),
     ("Restrict the server to AEAD suites with ephemeral key exchange (ECDHE with AES-GCM or ChaCha20-Poly1305), as in the ANSSI TLS guide.",
      "Limiter le serveur aux suites AEAD avec échange de clés éphémère (ECDHE avec AES-GCM ou ChaCha20-Poly1305), comme dans le guide TLS de l'ANSSI."),
     [ANSSI_TLS22, {"id": "ANSSI-PG-083 RèglePrimChiffBloc"}, {"cwe": 327}],
     [("3des-rc4.xml", doc([R(P(443, "https", tunnel="ssl", scripts=tls(("TLSv1.2", [("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "rsa 2048", "C"), ("TLS_RSA_WITH_RC4_128_SHA", "rsa 2048", "C")]), least="C")), r)]))],
     [("aead.xml", doc([OK(P(443, "https", tunnel="ssl", scripts=tls(GOOD12, GOOD13)), r)]))], profiles=("anssi",))

r = "NET-022"
rule(r, "no-forward-secrecy", "medium",
     'ssl.present && size(ssl.ciphers) > 0 && !ssl.ciphers.exists(c, c.name.contains("DHE_") || c.name.startsWith("TLS_AKE_") || c.kex_info.startsWith("dh") || c.kex_info.startsWith("ecdh") || c.kex_info.startsWith("secp") || c.kex_info.startsWith("x25519"))',
     ("TLS without forward secrecy", "TLS sans confidentialité persistante"),
     ("`{{ endpoint }}` offers only static RSA key exchange", "`{{ endpoint }}` ne propose que l'échange de clés RSA statique"),
     ("With static RSA key exchange, whoever obtains the server's private key later (stolen device, discarded disk) can decrypt every recorded past session.",
      "Avec l'échange de clés RSA statique, quiconque obtient plus tard la clé privée du serveur (équipement volé, disque mis au rebut) peut déchiffrer toutes les sessions passées enregistrées."),
     ("Enable ECDHE suites (and TLS 1.3), and put them first.",
      "Activer les suites ECDHE (et TLS 1.3), et les placer en tête."),
     [ANSSI_TLS22, {"id": "ANSSI-PG-083 RecoConfidentialitéPersistante"}],
     [("static-rsa.xml", doc([R(P(443, "https", tunnel="ssl", scripts=tls(("TLSv1.2", [("TLS_RSA_WITH_AES_128_GCM_SHA256", "rsa 2048", "A"), ("TLS_RSA_WITH_AES_256_CBC_SHA", "rsa 2048", "A")]))), r)]))],
     [("ecdhe.xml", doc([OK(P(443, "https", tunnel="ssl", scripts=tls(("TLSv1.2", [("TLS_RSA_WITH_AES_128_GCM_SHA256", "rsa 2048", "A"), ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "secp256r1", "A")]))), r)]))], profiles=("anssi",))

r = "NET-023"
rule(r, "dh-group-too-small", "high",
     'ssl.present && ssl.ciphers.exists(c, c.kex_info.startsWith("dh ") && c.kex_bits > 0 && c.kex_bits < 2048)',
     ("Diffie-Hellman group smaller than 2048 bits", "Groupe Diffie-Hellman de moins de 2048 bits"),
     ("`{{ endpoint }}` uses a {{ ssl.ciphers.filter(c, c.kex_info.startsWith('dh ') && c.kex_bits < 2048)[0].kex_bits }}-bit DH group", "`{{ endpoint }}` utilise un groupe DH de {{ ssl.ciphers.filter(c, c.kex_info.startsWith('dh ') && c.kex_bits < 2048)[0].kex_bits }} bits"),
     ("Finite-field Diffie-Hellman groups below 2048 bits are within reach of well-funded attackers (Logjam), which breaks the confidentiality of the sessions.",
      "Les groupes Diffie-Hellman sur corps fini de moins de 2048 bits sont à la portée d'attaquants dotés de moyens (Logjam), ce qui casse la confidentialité des sessions."),
     ("Prefer ECDHE; if DHE must stay, configure a group of at least 2048 bits (3072 recommended, RFC 7919 groups).",
      "Préférer ECDHE ; si DHE doit rester, configurer un groupe d'au moins 2048 bits (3072 recommandé, groupes de la RFC 7919)."),
     [ANSSI_TLS22, {"id": "ANSSI-PG-083 RègleLogDiscretGFp"}, {"cwe": 326}],
     [("dh1024.xml", doc([R(P(443, "https", tunnel="ssl", scripts=tls(("TLSv1.2", [("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "dh 1024", "A")]))), r)]))],
     [("dh2048.xml", doc([OK(P(443, "https", tunnel="ssl", scripts=tls(("TLSv1.2", [("TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", "dh 2048", "A")]))), r)]))], profiles=("anssi",))

r = "NET-024"
rule(r, "cbc-only-tls", "low",
     'ssl.present && size(ssl.ciphers) > 0 && !("TLSv1.3" in ssl.protocol_names) && !ssl.ciphers.exists(c, c.name.contains("GCM") || c.name.contains("CCM") || c.name.contains("CHACHA20"))',
     ("TLS without authenticated-encryption suites", "TLS sans suite de chiffrement authentifié"),
     ("`{{ endpoint }}` offers only CBC suites and no TLS 1.3", "`{{ endpoint }}` ne propose que des suites CBC et pas TLS 1.3"),
     ("CBC suites have a long history of padding-oracle attacks (Lucky13 and others); the ANSSI guide keeps them only as a degraded option when AEAD suites are unavailable.",
      "Les suites CBC ont un long historique d'attaques par oracle de remplissage (Lucky13 et autres) ; le guide de l'ANSSI ne les garde qu'en option dégradée quand les suites AEAD sont indisponibles."),
     ("Enable AES-GCM or ChaCha20-Poly1305 suites and TLS 1.3.",
      "Activer les suites AES-GCM ou ChaCha20-Poly1305 et TLS 1.3."),
     [ANSSI_TLS22],
     [("cbc.xml", doc([R(P(443, "https", tunnel="ssl", scripts=tls(("TLSv1.2", [("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "secp256r1", "A")]))), r)]))],
     [("gcm.xml", doc([OK(P(443, "https", tunnel="ssl", scripts=tls(GOOD12)), r)]))], profiles=("anssi",))

r = "NET-025"
rule(r, "tls-13-not-offered", "info",
     'ssl.present && size(ssl.protocol_names) > 0 && !("TLSv1.3" in ssl.protocol_names)',
     ("TLS 1.3 not offered", "TLS 1.3 non proposé"),
     ("`{{ endpoint }}` does not offer TLS 1.3 (offers {{ ssl.protocol_names }})", "`{{ endpoint }}` ne propose pas TLS 1.3 (propose {{ ssl.protocol_names }})"),
     ("TLS 1.3 removes the weak options of earlier versions and always provides forward secrecy; the ANSSI guide recommends preferring it.",
      "TLS 1.3 supprime les options faibles des versions précédentes et apporte toujours la confidentialité persistante ; le guide de l'ANSSI recommande de le privilégier."),
     ("Enable TLS 1.3 when the software or firmware supports it, and ask the supplier for an update otherwise.",
      "Activer TLS 1.3 quand le logiciel ou le micrologiciel le permet, et sinon demander une mise à jour au fournisseur."),
     [ANSSI_TLS],
     [("tls12-only.xml", doc([R(P(443, "https", tunnel="ssl", scripts=tls(GOOD12)), r)]))],
     [("tls13.xml", doc([OK(P(443, "https", tunnel="ssl", scripts=tls(GOOD12, GOOD13)), r), OK(P(80, "http"), r)]))], profiles=("anssi",))

r = "NET-035"
rule(r, "tls-grade-below-a", "medium",
     'ssl.present && ssl.least_strength != "" && ssl.least_strength != "A"',
     ("Weakest TLS suite graded below A", "Suite TLS la plus faible notée en dessous de A"),
     ("weakest TLS configuration on `{{ endpoint }}` graded {{ ssl.least_strength }} by nmap", "configuration TLS la plus faible sur `{{ endpoint }}` notée {{ ssl.least_strength }} par nmap"),
     what=("nmap's `ssl-enum-ciphers` grades every accepted suite from A to F (key exchange size, cipher strength, known weaknesses) and reports the weakest as `least strength`.",
           "Le script `ssl-enum-ciphers` de nmap note chaque suite acceptée de A à F (taille de l'échange de clés, force du chiffrement, faiblesses connues) et donne la plus faible en `least strength`."),
     why=("A client and an attacker can always pick the weakest suite the server accepts, so the server is only as strong as that suite.",
          "Un client, comme un attaquant, peut toujours choisir la suite la plus faible acceptée par le serveur : le serveur ne vaut que ce que vaut cette suite."),
     fix=("Remove the suites graded below A; the other NET-0xx TLS findings on the same endpoint say which ones.",
          "Retirer les suites notées en dessous de A ; les autres constats TLS NET-0xx du même point d'accès indiquent lesquelles."),
     refs=[ANSSI_TLS22, {"id": "nmap ssl-enum-ciphers", "url": "https://nmap.org/nsedoc/scripts/ssl-enum-ciphers.html"}],
     fail=[("grade-c.xml", doc([R(P(443, "https", tunnel="ssl", scripts=tls(("TLSv1.2", [("TLS_RSA_WITH_3DES_EDE_CBC_SHA", "rsa 2048", "C")]), least="C")), r)]))],
     passes=[("grade-a.xml", doc([OK(P(443, "https", tunnel="ssl", scripts=tls(GOOD12, GOOD13, least="A")), r)]))], profiles=("anssi",))

r = "NET-030"
rule(r, "https-without-hsts", "low",
     f'{OPEN} && tls && name.contains("http") && http.headers_seen && !http.hsts',
     ("HTTPS without Strict-Transport-Security", "HTTPS sans Strict-Transport-Security"),
     ("HTTPS on `{{ endpoint }}` does not send `Strict-Transport-Security`", "HTTPS sur `{{ endpoint }}` n'envoie pas `Strict-Transport-Security`"),
     ("Without HSTS, a browser that first reaches the site over HTTP can be kept on an unencrypted, attacker-controlled version of it.",
      "Sans HSTS, un navigateur qui atteint d'abord le site en HTTP peut être maintenu sur une version non chiffrée contrôlée par un attaquant."),
     ("Send `Strict-Transport-Security: max-age=31536000` (at least six months) on HTTPS responses.",
      "Envoyer `Strict-Transport-Security: max-age=31536000` (au moins six mois) dans les réponses HTTPS."),
     [{"id": "ANSSI-TLS §2.4"}, {"id": "RFC 6797", "url": "https://www.rfc-editor.org/rfc/rfc6797"}],
     [("no-hsts.xml", doc([R(P(443, "http", tunnel="ssl", scripts=S("http-headers", "\n  Server: lighttpd/1.4.59\n  Content-Type: text/html\n")), r)]))],
     [("hsts.xml", doc([OK(P(443, "http", tunnel="ssl", scripts=S("http-headers", "\n  Server: nginx\n  Strict-Transport-Security: max-age=31536000\n")), r), OK(P(80, "http", scripts=S("http-headers", "\n  Server: nginx\n")), r)]))], profiles=("anssi",))

# --- SSH ------------------------------------------------------------------------------
WEAK_SSH = 'ssh.kex.exists(a, a in ["diffie-hellman-group1-sha1", "diffie-hellman-group-exchange-sha1", "diffie-hellman-group14-sha1"]) || ssh.host_key.exists(a, a == "ssh-dss") || ssh.encryption.exists(a, a.startsWith("arcfour") || a.endsWith("-cbc") || a == "3des-cbc") || ssh.mac.exists(a, a.startsWith("hmac-md5") || a == "hmac-sha1-96" || a == "umac-64@openssh.com")'
r = "NET-018"
rule(r, "ssh-weak-algorithms", "medium", f'ssh.present && ({WEAK_SSH})',
     ("SSH server offers weak algorithms", "Serveur SSH proposant des algorithmes faibles"),
     ("SSH on `{{ endpoint }}` offers weak algorithms", "SSH sur `{{ endpoint }}` propose des algorithmes faibles"),
     what=("The SSH server offers at least one of: SHA-1 Diffie-Hellman key exchanges, DSA host keys, RC4 (arcfour), CBC-mode ciphers, HMAC-MD5 or truncated MACs (hmac-sha1-96, umac-64).",
           "Le serveur SSH propose au moins l'un de : échanges de clés Diffie-Hellman avec SHA-1, clés d'hôte DSA, RC4 (arcfour), chiffrements en mode CBC, HMAC-MD5 ou MAC tronqués (hmac-sha1-96, umac-64)."),
     why=("A client that supports the same old algorithm (or an attacker who forces it) ends up with a session protected by primitives that are broken or below the sizes recommended by ANSSI.",
          "Un client qui accepte le même algorithme ancien (ou un attaquant qui l'impose) obtient une session protégée par des primitives cassées ou inférieures aux tailles recommandées par l'ANSSI."),
     fix=("Remove these algorithms from the server configuration (`KexAlgorithms`, `HostKeyAlgorithms`, `Ciphers`, `MACs` in OpenSSH), keeping curve25519/ECDH, Ed25519 or RSA-SHA2 host keys, AES-GCM/ChaCha20-Poly1305 and HMAC-SHA2 (ETM).",
          "Retirer ces algorithmes de la configuration du serveur (`KexAlgorithms`, `HostKeyAlgorithms`, `Ciphers`, `MACs` pour OpenSSH), en gardant curve25519/ECDH, des clés d'hôte Ed25519 ou RSA-SHA2, AES-GCM/ChaCha20-Poly1305 et HMAC-SHA2 (ETM)."),
     refs=[{"id": "ANSSI-PG-083 RègleHachage"}, {"id": "ANSSI-PG-083 RègleMAC"}, {"id": "ANSSI OpenSSH R17", "url": "https://cyber.gouv.fr/publications/usage-securise-dopenssh"}, {"cwe": 327}],
     fail=[("ssh-weak.xml", doc([R(P(22, "ssh", product="Dropbear sshd", version="2014.63", scripts=ssh_algos(["diffie-hellman-group1-sha1", "curve25519-sha256"], ["ssh-rsa", "ssh-dss"], ["aes128-ctr", "3des-cbc"], ["hmac-sha1", "hmac-md5"])), r)]))],
     passes=[("ssh-modern.xml", doc([OK(P(22, "ssh", product="OpenSSH", version="9.2p1", scripts=ssh_algos(["curve25519-sha256", "ecdh-sha2-nistp256"], ["ssh-ed25519", "rsa-sha2-512"], ["chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com"], ["hmac-sha2-256-etm@openssh.com"])), r)]))], profiles=("anssi",))

r = "NET-037"
rule(r, "ssh-protocol-1-accepted", "high", f'{OPEN} && ssh_protocol_1',
     ("SSH protocol version 1 accepted", "Protocole SSH version 1 accepté"),
     ("SSH on `{{ endpoint }}` accepts protocol 1 ({{ extrainfo }})", "SSH sur `{{ endpoint }}` accepte le protocole 1 ({{ extrainfo }})"),
     ("SSH version 1 has design flaws that allow session hijacking and decryption; it was abandoned by OpenSSH in 2017.",
      "La version 1 de SSH a des défauts de conception qui permettent de détourner et déchiffrer les sessions ; OpenSSH l'a abandonnée en 2017."),
     ("Disable protocol 1 (`Protocol 2`), or update the firmware whose SSH server still offers it.",
      "Désactiver le protocole 1 (`Protocol 2`), ou mettre à jour le micrologiciel dont le serveur SSH le propose encore."),
     [{"id": "ANSSI OpenSSH R1", "url": "https://cyber.gouv.fr/publications/usage-securise-dopenssh"}, {"cwe": 327}],
     [("sshv1.xml", doc([R(P(22, "ssh", product="OpenSSH", version="3.9p1", extra="protocol 1.99"), r)]))],
     [("sshv2.xml", doc([OK(P(22, "ssh", product="OpenSSH", version="9.2p1", extra="protocol 2.0"), r)]))], profiles=("anssi",))

# --- versions and change --------------------------------------------------------------
OUTDATED = ('(product == "OpenSSH" && version_lt(version, "8.8")) || '
            '(product.contains("Mosquitto") && version_lt(version, "2.0")) || '
            '(name.startsWith("mosquitto version") && version_lt(name, "2.0")) || '
            '(product == "Apache httpd" && version_lt(version, "2.4.51")) || '
            '(product.startsWith("Dropbear") && version_lt(version, "2020.79")) || '
            '(product == "SimpleHTTPServer")')
r = "NET-031"
rule(r, "outdated-product-version", "medium", f'{OPEN} && ({OUTDATED})',
     ("Outdated or unsuitable server software", "Logiciel serveur obsolète ou inadapté"),
     ("`{{ product != '' ? product : name }} {{ version }}` on `{{ endpoint }}` is below the version recorded in the rule", "`{{ product != '' ? product : name }} {{ version }}` sur `{{ endpoint }}` est antérieur à la version retenue par la règle"),
     what=("The version reported by nmap's version detection is compared with thresholds kept in the rule's condition (reviewed 2026-11): OpenSSH before 8.8 (the release that stopped accepting SHA-1 RSA signatures by default), Mosquitto before 2.0 (the release that stopped accepting anonymous clients by default), Apache httpd before 2.4.51 (fix for the path traversal CVE-2021-41773/CVE-2021-42013), Dropbear before 2020.79, and Python's SimpleHTTPServer, which its documentation says is not for production.",
           "La version donnée par la détection de version de nmap est comparée à des seuils gardés dans la condition de la règle (revus en 2026-11) : OpenSSH avant 8.8 (version qui a cessé d'accepter par défaut les signatures RSA avec SHA-1), Mosquitto avant 2.0 (version qui a cessé d'accepter par défaut les clients anonymes), Apache httpd avant 2.4.51 (correctif de la traversée de chemin CVE-2021-41773/CVE-2021-42013), Dropbear avant 2020.79, et le SimpleHTTPServer de Python, que sa documentation réserve aux usages hors production."),
     why=("Old server software carries publicly known vulnerabilities and weak defaults; on a network of devices it is often the easiest way in.",
          "Un logiciel serveur ancien porte des vulnérabilités publiquement connues et des réglages par défaut faibles ; sur un réseau d'équipements, c'est souvent l'entrée la plus facile."),
     fix=("Update the software or the device firmware; when the supplier no longer provides updates, isolate the device and plan its replacement. Version detection can be wrong when a vendor backports fixes: check with the supplier before closing the finding.",
          "Mettre à jour le logiciel ou le micrologiciel de l'équipement ; si le fournisseur ne livre plus de mises à jour, isoler l'équipement et planifier son remplacement. La détection de version peut se tromper quand un éditeur rétroporte des correctifs : vérifier auprès du fournisseur avant de clore le constat."),
     refs=[{"id": "CRA-I.1.2(a)"}, {"id": "OWASP-IoT-I5"}, {"id": "CVE-2021-41773"}, {"cwe": 1104}],
     fail=[("old-openssh.xml", doc([R(P(22, "ssh", product="OpenSSH", version="7.4", extra="protocol 2.0"), r), R(P(80, "http", product="Apache httpd", version="2.4.49"), r), R(P(8000, "http", product="SimpleHTTPServer", version="0.6"), r)]))],
     passes=[("current.xml", doc([OK(P(22, "ssh", product="OpenSSH", version="9.2p1", extra="protocol 2.0"), r), OK(P(80, "http", product="Apache httpd", version="2.4.62"), r), OK(P(1883, "mqtt", product="Mosquitto", version="2.0.18"), r), OK(P(443, "https", tunnel="ssl"), r)]))])

r = "NET-032"
rule(r, "new-exposure-since-previous-scan", "high", f'{OPEN} && previous_scan_compared && new_since_previous_scan',
     ("Service newly exposed since the previous scan", "Service nouvellement exposé depuis l'analyse précédente"),
     ("`{{ name }}` on `{{ endpoint }}` was not open in the previous scan", "`{{ name }}` sur `{{ endpoint }}` n'était pas ouvert lors de l'analyse précédente"),
     what=("Only evaluated when a previous scan is given (`vigie scan --previous-scan OLD.xml NEW.xml`): the port is open now and was not open, on the same address and protocol, in the previous scan.",
           "Évalué seulement quand une analyse précédente est fournie (`vigie scan --previous-scan ANCIEN.xml NOUVEAU.xml`) : le port est ouvert maintenant et ne l'était pas, à la même adresse et pour le même protocole, lors de l'analyse précédente."),
     why=("An exposure nobody decided is the typical result of maintenance left unfinished, a device reset to factory settings or an unreviewed change by a contractor. Catching it between two scans keeps the attack surface under control.",
          "Une exposition que personne n'a décidée résulte typiquement d'une maintenance inachevée, d'un équipement revenu aux réglages d'usine ou d'un changement non revu d'un prestataire. La repérer entre deux analyses garde la surface d'attaque sous contrôle."),
     fix=("Check that the change was planned; if not, close the port and find who opened it. If it was, record it (the next scan will use this one as reference).",
          "Vérifier que le changement était prévu ; sinon, fermer le port et trouver qui l'a ouvert. S'il l'était, le consigner (la prochaine analyse prendra celle-ci comme référence)."),
     refs=[{"id": "CRA-I.1.2(j)"}, {"id": "ETSI-EN-303-645-5.6-1"}],
     fail=[],  # written by hand below (needs previous.xml)
     passes=[])

# --- SMB, amplifiers, known vulnerabilities --------------------------------------------
def smb_protocols(*dialects):
    """`smb-protocols` as nmap 7.9x writes it (a host script)."""
    text = "\n  dialects: \n" + "\n".join(f"    {d}" for d in dialects)
    return S("smb-protocols", text, '<table key="dialects">' + "".join(f"<elem>{d}</elem>" for d in dialects) + "</table>")

SMB1 = "NT LM 0.12 (SMBv1) [dangerous, but default]"
r = "NET-016"
rule(r, "smbv1-accepted", "high", f'{OPEN} && smb.smbv1',
     ("SMB version 1 accepted", "SMB version 1 accepté"),
     ("SMB on `{{ endpoint }}` accepts the SMBv1 dialect (NT LM 0.12)", "SMB sur `{{ endpoint }}` accepte le dialecte SMBv1 (NT LM 0.12)"),
     what=("nmap's `smb-protocols` script (a host script, attached by Vigie to the host's SMB port, 445/tcp or else 139/tcp) lists the SMB 1 dialect `NT LM 0.12` among those the server accepts.",
           "Le script `smb-protocols` de nmap (un script d'hôte, rattaché par Vigie au port SMB de l'hôte, 445/tcp ou à défaut 139/tcp) cite le dialecte SMB 1 `NT LM 0.12` parmi ceux que le serveur accepte."),
     why=("SMB version 1 has no protection against tampering of the negotiation and carried the flaws used by the WannaCry and NotPetya worms (CVE-2017-0144). A supervision PC, a NAS or a camera recorder that still speaks it can be taken over from the network and spread an attack to the rest of the site.",
          "La version 1 de SMB ne protège pas la négociation contre les modifications et portait les failles exploitées par les vers WannaCry et NotPetya (CVE-2017-0144). Un poste de supervision, un NAS ou un enregistreur vidéo qui la parle encore peut être pris en main depuis le réseau et propager une attaque au reste du site."),
     fix=("Disable SMBv1 on the server (Windows: remove the SMB 1.0/CIFS feature; Samba: `server min protocol = SMB2_10` or higher) and update the clients that still need it; if the equipment cannot drop it, isolate it.",
          "Désactiver SMBv1 sur le serveur (Windows : retirer la fonctionnalité SMB 1.0/CIFS ; Samba : `server min protocol = SMB2_10` ou plus) et mettre à jour les clients qui en ont encore besoin ; si l'équipement ne peut pas s'en passer, l'isoler."),
     refs=[{"id": "CRA-I.1.2(a)"}, {"id": "CVE-2017-0144"}, {"cwe": 327}],
     fail=[("smbv1.xml", doc([R(P(445, "microsoft-ds", product="Samba smbd", version="3.X - 4.X", extra="workgroup: MAIRIE"), r), OK(P(139, "netbios-ssn", product="Samba smbd", version="3.X - 4.X"), r)],
                             hostscript=smb_protocols(SMB1, "2:0:2", "2:1:0", "3:0:0", "3:0:2", "3:1:1")))],
     passes=[("smb2-3-only.xml", doc([OK(P(445, "microsoft-ds", product="Samba smbd", version="4.6.2"), r)],
                                     hostscript=smb_protocols("2:0:2", "2:1:0", "3:0:0", "3:0:2", "3:1:1")))], profiles=("etsi-en-303-645",))

MONLIST = ("\n  Target is synchronised with 127.127.1.0 (reference clock)\n  Alternative Target Interfaces:\n      10.42.9.10      \n"
           "  Private Servers (1)\n      10.42.9.1       \n  Private Clients (3)\n      10.42.9.21      10.42.9.22      10.42.9.23      \n"
           "  Other Associations (1)\n      10.42.9.10 seen 4 times. last tx was unicast v2 mode 7")
r = "NET-026"
rule(r, "udp-amplifier-exposed", "medium", f'{OPEN} && (ntp_monlist || dns_recursion)',
     ("NTP monlist or open DNS resolver reachable", "NTP monlist ou résolveur DNS ouvert accessible"),
     ("{{ ntp_monlist ? 'NTP answers monlist queries' : 'DNS resolves names for any client' }} on `{{ endpoint }}`", "{{ ntp_monlist ? 'NTP répond aux requêtes monlist' : 'le DNS résout les noms pour tout client' }} sur `{{ endpoint }}`"),
     what=("nmap's `ntp-monlist` script got the server's list of recent clients (udp/123), or `dns-recursion` found that the DNS server resolves names for anyone (udp/53).",
           "Le script `ntp-monlist` de nmap a obtenu la liste des clients récents du serveur (udp/123), ou `dns-recursion` a constaté que le serveur DNS résout les noms pour n'importe qui (udp/53)."),
     why=("Both answer a small spoofed request with a much larger reply: attackers use such servers to flood a third party (amplification), which can saturate the territory's own links too. monlist also hands out the addresses of the equipment that uses the server.",
          "Les deux répondent à une petite requête usurpée par une réponse bien plus grande : des attaquants se servent de ces serveurs pour inonder un tiers (amplification), ce qui peut aussi saturer les liens du territoire. monlist livre en plus les adresses des équipements qui utilisent le serveur."),
     fix=("NTP: update the daemon or disable mode 7 queries (`disable monitor`, `restrict default noquery`). DNS: allow recursion only for the internal networks (`allow-recursion` or equivalent), or turn it off on authoritative servers.",
          "NTP : mettre à jour le service ou désactiver les requêtes en mode 7 (`disable monitor`, `restrict default noquery`). DNS : n'autoriser la récursion que pour les réseaux internes (`allow-recursion` ou équivalent), ou la couper sur les serveurs faisant autorité."),
     refs=[{"id": "CRA-I.1.2(i)"}, {"id": "CVE-2013-5211"}, {"cwe": 406}],
     fail=[("monlist-and-open-resolver.xml", doc([R(P(123, "ntp", proto="udp", product="NTP", version="v4", scripts=S("ntp-monlist", MONLIST)), r),
                                                  R(P(53, "domain", proto="udp", product="ISC BIND", version="9.11.4", scripts=S("dns-recursion", "Recursion appears to be enabled")), r)]))],
     passes=[("restricted.xml", doc([OK(P(123, "ntp", proto="udp", product="NTP", version="v4", scripts=S("ntp-info", "\n  receive time stamp: 2026-11-28T10:00:01\n  version: ntpd 4.2.8p15")), r),
                                     OK(P(53, "domain", proto="udp", product="ISC BIND", version="9.18.19"), r)]))], profiles=("etsi-en-303-645",))

def vulners(cpe, *entries):
    """`vulners` as nmap writes it: one table per CPE, one per entry (id, cvss, type, exploit)."""
    text = f"\n  {cpe}: \n" + "\n".join(f"    \t{i}\t{c}\thttps://vulners.com/{t}/{i}" + ("\t*EXPLOIT*" if x else "") for i, c, t, x in entries)
    body = f'<table key="{cpe}">' + "".join(
        f'<table><elem key="is_exploit">{"true" if x else "false"}</elem><elem key="cvss">{c}</elem><elem key="id">{i}</elem><elem key="type">{t}</elem></table>'
        for i, c, t, x in entries) + "</table>"
    return S("vulners", text, body)

SSH74 = vulners("cpe:/a:openbsd:openssh:7.4", ("CVE-2023-38408", "9.8", "cve", False), ("CVE-2020-15778", "7.8", "cve", False), ("CVE-2016-6210", "5.9", "cve", False))
DROPBEAR = vulners("cpe:/a:matt_johnston:dropbear_ssh_server:2019.78", ("CVE-2020-36254", "8.1", "cve", False), ("CVE-2021-36369", "7.5", "cve", False))
SSH93 = vulners("cpe:/a:openbsd:openssh:9.3p1", ("CVE-2023-48795", "5.9", "cve", False), ("CVE-2023-51385", "6.5", "cve", False))
def vuln_ports(annotate):
    """One port per band: critical (OpenSSH 7.4), high (Dropbear 2019.78), medium (OpenSSH 9.3p1)."""
    return [annotate[0](P(22, "ssh", product="OpenSSH", version="7.4", extra="protocol 2.0", scripts=SSH74)),
            annotate[1](P(2222, "ssh", product="Dropbear sshd", version="2019.78", extra="protocol 2.0", scripts=DROPBEAR)),
            annotate[2](P(22222, "ssh", product="OpenSSH", version="9.3p1", extra="protocol 2.0", scripts=SSH93))]
VULN_WHAT = ("nmap's `vulners` script matched the detected product version (its CPE) to published vulnerabilities, each with a CVSS base score. Vigie keeps the highest score of the service and reports it in one of three rules: NET-027 for CVSS 9 or more (critical), NET-038 from 7 to below 9 (high), NET-039 below 7 (medium).",
             "Le script `vulners` de nmap a rapproché la version détectée du produit (son CPE) de vulnérabilités publiées, chacune avec un score de base CVSS. Vigie retient le score le plus élevé du service et le signale par l'une de trois règles : NET-027 pour un CVSS de 9 ou plus (critique), NET-038 de 7 à moins de 9 (élevé), NET-039 en dessous de 7 (moyen).")
VULN_FIX = ("Update the software or the firmware to a version where these vulnerabilities are fixed; until then, restrict who can reach the service. The match rests on the version nmap detected: when a supplier backports fixes without changing the version, ask them and record the answer (suppression with a reason) before closing the finding.",
            "Mettre à jour le logiciel ou le micrologiciel vers une version où ces vulnérabilités sont corrigées ; d'ici là, restreindre qui peut joindre le service. Le rapprochement repose sur la version détectée par nmap : quand un fournisseur rétroporte des correctifs sans changer de version, lui demander et consigner sa réponse (suppression motivée) avant de clore le constat.")
VULN_REFS = [{"id": "CRA-I.1.2(a)"}, {"id": "OWASP-IoT-I5"}, {"cwe": 1104}]
BANDS = (
    ("NET-027", "known-critical-vulnerability", "critical", "vulners_max_cvss >= 9.0", "9.0", None,
     ("Service version with a known critical vulnerability", "Version de service avec une vulnérabilité critique connue"),
     "9 or more", "9 ou plus",
     ("A critical score usually means that the flaw can be exploited from the network without credentials and gives control of the device or its data. Such flaws are scanned for across the internet within days of publication.",
      "Un score critique signifie en général que la faille est exploitable depuis le réseau sans identifiants et donne le contrôle de l'équipement ou de ses données. Ces failles sont recherchées sur tout internet dans les jours qui suivent leur publication.")),
    ("NET-038", "known-high-vulnerability", "high", "vulners_max_cvss >= 7.0 && vulners_max_cvss < 9.0", "7.0", "9.0",
     ("Service version with a known high-severity vulnerability", "Version de service avec une vulnérabilité élevée connue"),
     "7 to below 9", "de 7 à moins de 9",
     ("A high score usually means that the flaw can lead to taking over the service or reading its data, sometimes under conditions (an account, a position on the network).",
      "Un score élevé signifie en général que la faille peut mener à la prise de contrôle du service ou à la lecture de ses données, parfois sous conditions (un compte, une position sur le réseau).")),
    ("NET-039", "known-vulnerability", "medium", "size(vulners) > 0 && vulners_max_cvss < 7.0", None, "7.0",
     ("Service version with known vulnerabilities", "Version de service avec des vulnérabilités connues"),
     "below 7", "inférieur à 7",
     ("Lesser flaws (disclosure of information, denial of service, attacks that need a foothold) are what an attacker chains together once inside; a version that collects them is also a sign of missing updates.",
      "Des failles moindres (divulgation d'informations, déni de service, attaques qui demandent un premier accès) sont ce qu'un attaquant enchaîne une fois entré ; une version qui les accumule signale aussi des mises à jour manquantes.")),
)
for i, (r, name, sev, band, lo, hi, title, band_en, band_fr, why) in enumerate(BANDS):
    in_band = f"vulners.filter(v, {' && '.join(x for x in ((f'v.cvss >= {lo}' if lo else ''), (f'v.cvss < {hi}' if hi else '')) if x)})"
    rule(r, name, sev, f"{OPEN} && {band}", title,
         (f"`{{{{ product != '' ? product : name }}}} {{{{ version }}}}` on `{{{{ endpoint }}}}`: highest known CVSS {{{{ vulners_max_cvss }}}} ({{{{ vulners.filter(v, v.cvss == vulners_max_cvss).map(v, v.id)[0] }}}}); entries at CVSS {band_en}: {{{{ size({in_band}) }}}}",
          f"`{{{{ product != '' ? product : name }}}} {{{{ version }}}}` sur `{{{{ endpoint }}}}` : CVSS connu le plus élevé {{{{ vulners_max_cvss }}}} ({{{{ vulners.filter(v, v.cvss == vulners_max_cvss).map(v, v.id)[0] }}}}) ; entrées à CVSS {band_fr} : {{{{ size({in_band}) }}}}"),
         what=VULN_WHAT, why=why, fix=VULN_FIX, refs=VULN_REFS,
         fail=[("three-bands.xml", doc(vuln_ports([(lambda x, j=j: R(x, r) if j == i else OK(x, r)) for j in range(3)])))],
         passes=[("current.xml", doc([OK(P(22, "ssh", product="OpenSSH", version="9.8p1", extra="protocol 2.0"), r)]))])

def write_yaml(r):
    q = json.dumps
    y = [f"id: {r['id']}", f"name: {r['name']}", "target: service", f"severity: {r['sev']}", f"status: {r['status']}", f"condition: {q(r['cond'], ensure_ascii=False)}",
         "title:", f"  en: {q(r['title'][0], ensure_ascii=False)}", f"  fr: {q(r['title'][1], ensure_ascii=False)}",
         "message:", f"  en: {q(r['message'][0], ensure_ascii=False)}", f"  fr: {q(r['message'][1], ensure_ascii=False)}", "docs:"]
    if r["what"]:
        y += ["  what:", f"    en: {q(r['what'][0], ensure_ascii=False)}", f"    fr: {q(r['what'][1], ensure_ascii=False)}"]
    y += ["  why:", f"    en: {q(r['why'][0], ensure_ascii=False)}", f"    fr: {q(r['why'][1], ensure_ascii=False)}",
          "  fix:", f"    en: {q(r['fix'][0], ensure_ascii=False)}", f"    fr: {q(r['fix'][1], ensure_ascii=False)}", "references:"]
    for ref in r["refs"]:
        y.append("  - { " + ", ".join(f"{k}: {q(v, ensure_ascii=False) if isinstance(v, str) else v}" for k, v in ref.items()) + " }")
    y.append("profiles: [" + ", ".join(r["profiles"]) + "]")
    return "\n".join(y) + "\n"

def main():
    os.makedirs(OUT, exist_ok=True)
    for r in RULES:
        base = os.path.join(OUT, f"{r['id']}-{r['name']}")
        with open(base + ".yaml", "w") as f:
            f.write(write_yaml(r))
        for kind, cases in (("fail", r["fail"]), ("pass", r["passes"])):
            if not cases:
                continue
            d = os.path.join(base, kind)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d)
            for name, text in cases:
                with open(os.path.join(d, name), "w") as f:
                    f.write(text)
    # NET-032: directory cases with a previous scan.
    r = "NET-032"
    base = os.path.join(OUT, "NET-032-new-exposure-since-previous-scan")
    prev = doc([(None, P(22, "ssh", product="OpenSSH", version="9.2p1")), (None, P(443, "https", tunnel="ssl"))])
    for kind, text in (
        ("fail", doc([OK(P(22, "ssh", product="OpenSSH", version="9.2p1"), r), OK(P(443, "https", tunnel="ssl"), r), R(P(23, "telnet", product="BusyBox telnetd"), r)])),
        ("pass", doc([OK(P(22, "ssh", product="OpenSSH", version="9.2p1"), r), OK(P(443, "https", tunnel="ssl"), r), OK(P(23, "telnet", state="closed"), r)])),
    ):
        d = os.path.join(base, kind, "telnet-reopened-after-maintenance")
        shutil.rmtree(os.path.join(base, kind), ignore_errors=True)
        os.makedirs(d)
        open(os.path.join(d, "previous.xml"), "w").write(prev)
        open(os.path.join(d, "current.xml"), "w").write(text)
    # Without a previous scan the rule stays silent.
    open(os.path.join(base, "pass", "no-previous-scan.xml"), "w").write(doc([OK(P(23, "telnet"), r)]))
    print(f"{len(RULES)} rules written to {OUT}")

main()
