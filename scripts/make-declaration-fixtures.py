#!/usr/bin/env python3
"""Writes the fail/ and pass/ fixtures of the GDPR-, ETH-, ECO-, GOV- and XREF- rules.

Every fixture is the clean record BASE with a few edits; the edited line gets a
`# ruleid: ID` (fail) or `# ok: ID` (near miss in pass) comment above it, so that
`vigie rules test rules/` checks the finding lands on that very line. XREF fixtures are
directories holding a record and the certificates it joins; certificates are made here
with python3-cryptography, with dates fixed relative to the pack's fixtures_as_of
(2026-11-28), so the output is stable apart from keys and signatures.

ECO- and GOV- fixtures start from ECO_BASE: BASE with the sustainability and governance
blocks filled in, so that its clean record passes those rules too.

Run from the repository root: python3 scripts/make-declaration-fixtures.py [PREFIX...]
(e.g. `ECO GOV` rewrites only the rules whose id starts with one of the prefixes).
"""
import datetime as dt
import os
import shutil
import subprocess
import tempfile

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

BASE = """schema_version: "1.0"
kind: processing_record
id: fx-capteurs
record:
  created: 2025-01-10
  last_review: 2026-06-01
  last_substantial_change: 2025-01-10
  version: 1
  status: active
legal_framework: gdpr
controller:
  name: "Commune de Fixville"
  type: commune
  contact: "mairie@fixville.fr"
  staff_fte: 80
dpo:
  name: "DPO mutualisé"
  contact_email: "dpo@fixville.fr"
processing:
  name: "Capteurs de stationnement"
  purposes:
    - "Information en temps réel sur les places libres"
  purpose_kind: [parking_management]
legal_basis:
  basis: public_task
  legal_reference: "CGCT art. L2213-2"
data_subjects: [drivers]
data_categories:
  - id: occupation
    label: "Occupation des places"
    category: presence_event
    identifying: indirect
    source: sensor
    retention: {duration_days: 90, trigger: collection, final_disposition: deletion}
special_categories: []
recipients:
  - {name: "Service mobilité", type: internal_service}
processors:
  - name: "CapteurPark SAS"
    country: FR
    art28_contract: true
    sub_processors: []
    sub_processing_authorised: false
transfers: []
security_measures:
  encryption_in_transit: true
  device_identity: per_device_key
  access_control: true
  logging: true
  anonymisation_at_collection: false
  hosting_location: eea_cloud
risk_factors:
  public_space: true
  scale: small
dpia:
  required: "no"
  status: not_required
automated_decision:
  individual_decisions: false
  solely_automated: false
  legal_or_similar_effect: false
ai_system:
  used: false
  systems: []
devices:
  - id: SENSOR-1
    kind: parking_sensor
    public_space: true
    sensing: [magnetometer]
information:
  signage: true
  notice_url: "https://fixville.fr/capteurs"
  items: [controller_identity, dpo_contact, purposes, legal_basis, recipients, retention, rights, cnil_complaint]
open_data:
  published: false
"""

AI = """ai_system:
  used: true
  systems:
    - name: "Analyse vidéo"
      functions: [{functions}]
      deployment_context: {context}
      real_time: {real_time}
      inferred_attributes: [{inferred}]
      annex_iii_points: [{annex}]
      risk_class: {risk}
      fria: {{status: {fria}}}
      human_oversight: {oversight}
      provider_conformity: {{ce_marking: {ce}}}
      transparency: {{ai_disclosure: {disclosure}}}
"""
AI_DEFAULTS = dict(functions="object_detection", context="public_space", real_time="true",
                   inferred="", annex="", risk="minimal", fria="not_required",
                   oversight='{designated_role: "Opérateur"}', ce="true", disclosure="true")


def ai(**kw):
    v = dict(AI_DEFAULTS)
    v.update(kw)
    return ("ai_system:\n  used: false\n  systems: []\n", AI.format(**v))


def edit(text, edits, tag=None, rule=None, marker=None):
    for old, new in edits:
        assert old in text, (rule, old)
        text = text.replace(old, new, 1)
    if marker is not None:
        lines = text.split("\n")
        i = next(i for i, l in enumerate(lines) if marker in l)
        indent = lines[i][: len(lines[i]) - len(lines[i].lstrip())]
        lines.insert(i, f"{indent}# {tag}: {rule}")
        text = "\n".join(lines)
    return text


CAT = """  - id: occupation
"""
VP = """video_protection:
  prefectoral_authorisation:
    number: "2019/VP/01"
    date: {date}
    expires: {expires}
  algorithmic_analysis: {algo}
{ref}"""

# rule id -> (fail edits, fail marker, [(pass edits, ok marker or None)])
CASES = {
    "GDPR-001": ([('  contact: "mairie@fixville.fr"\n', "")], "controller:", []),
    "GDPR-002": ([("  basis: public_task\n", "")], "legal_basis:", []),
    "GDPR-003": ([("basis: public_task", "basis: legitimate_interests")], "basis: legitimate",
                 [([("basis: public_task", "basis: legitimate_interests"), ("type: commune", "type: sem")], "basis: legitimate")]),
    "GDPR-004": ([('  legal_reference: "CGCT art. L2213-2"\n', "")], "basis: public_task",
                 [([('  legal_reference: "CGCT art. L2213-2"\n', ""), ("basis: public_task", "basis: contract")], "basis: contract")]),
    "GDPR-005": ([("basis: public_task", "basis: consent"), ("data_subjects: [drivers]", "data_subjects: [drivers, passers_by]")], "basis: consent",
                 [([("basis: public_task", "basis: consent")], "basis: consent")]),
    "GDPR-006": ([("special_categories: []", "special_categories: [health]")], "special_categories:",
                 [([("special_categories: []", "special_categories: [health]"), ('  legal_reference: "CGCT art. L2213-2"\n', '  legal_reference: "CGCT art. L2213-2"\n  art9_exception: public_health\n')], "special_categories:")]),
    "GDPR-007": ([("special_categories: []", "special_categories: [biometric_identification]")], "special_categories:", []),
    "GDPR-008": ([(CAT, "  - id: infractions\n    category: offences\n    identifying: direct\n    retention: {duration_days: 30}\n" + CAT)], "category: offences",
                 [([(CAT, "  - id: infractions\n    category: offences\n    identifying: direct\n    retention: {duration_days: 30}\n" + CAT), ('  legal_reference: "CGCT art. L2213-2"\n', '  legal_reference: "CGCT art. L2213-2"\n  art10_reference: "Code de la route, art. L130-9"\n')], "category: offences")]),
    "GDPR-009": ([("duration_days: 90", "duration_days: indefinite")], "duration_days: indefinite",
                 [([(CAT, "  - id: stats\n    category: aggregate_count\n    identifying: non_personal\n" + CAT)], "identifying: non_personal")]),
    "GDPR-010": ([("category: presence_event", "category: video"), ("duration_days: 90", "duration_days: 60")], "duration_days: 60",
                 [([("category: presence_event", "category: video"), ("duration_days: 90, trigger: collection", 'duration_days: 30, justification: "Arrêté préfectoral", trigger: collection')], "duration_days: 30")]),
    "GDPR-011": ([("category: presence_event", "category: video"), ("duration_days: 90", "duration_days: 25")], "duration_days: 25",
                 [([("category: presence_event", "category: video"), ("duration_days: 90, trigger: collection", 'duration_days: 25, justification: "Délai moyen des plaintes", trigger: collection')], "duration_days: 25")]),
    "GDPR-012": ([('dpo:\n  name: "DPO mutualisé"\n  contact_email: "dpo@fixville.fr"\n', "")], "id: fx-",
                 [([('dpo:\n  name: "DPO mutualisé"\n  contact_email: "dpo@fixville.fr"\n', ""), ("type: commune", "type: sem")], "id: fx-")]),
    "GDPR-013": ([("  public_space: true\n  scale: small", "  public_space: true\n  systematic_monitoring: true\n  scale: large")], "status: not_required",
                 [([("  public_space: true\n  scale: small", "  public_space: true\n  systematic_monitoring: true\n  scale: large"), ("status: not_required", "status: done\n  date: 2025-01-05")], "status: done")]),
    "GDPR-014": ([("status: not_required", "status: done\n  date: 2022-01-01")], "date: 2022-01-01",
                 [([("status: not_required", "status: done\n  date: 2025-06-01")], "date: 2025-06-01")]),
    "GDPR-015": ([("art28_contract: true", "art28_contract: false")], "art28_contract: false", []),
    "GDPR-016": ([("sub_processors: []", 'sub_processors: [{name: "Hébergeur SAS", country: FR}]')], "sub_processors:",
                 [([("sub_processors: []", 'sub_processors: [{name: "Hébergeur SAS", country: FR}]'), ("sub_processing_authorised: false", "sub_processing_authorised: true")], "sub_processors:")]),
    "GDPR-017": ([("transfers: []", 'transfers:\n  - recipient: "Cloud US"\n    country: US\n    mechanism: none')], "mechanism: none",
                 [([("transfers: []", 'transfers:\n  - recipient: "Cloud US"\n    country: US\n    mechanism: scc')], "mechanism: scc")]),
    "GDPR-018": ([("transfers: []", 'transfers:\n  - recipient: "Cloud US"\n    country: US\n    mechanism: dpf\n    dpf_certified: false')], "mechanism: dpf",
                 [([("transfers: []", 'transfers:\n  - recipient: "Cloud US"\n    country: US\n    mechanism: dpf\n    dpf_certified: true')], "mechanism: dpf")]),
    "GDPR-019": ([("transfers: []", 'transfers:\n  - recipient: "Partenaire"\n    country: CH\n    mechanism: derogation_49\n    recurring: true')], "mechanism: derogation_49",
                 [([("transfers: []", 'transfers:\n  - recipient: "Partenaire"\n    country: CH\n    mechanism: derogation_49\n    recurring: false')], "mechanism: derogation_49")]),
    "GDPR-020": ([("signage: true", "signage: false"), ('  notice_url: "https://fixville.fr/capteurs"\n', "")], "signage: false",
                 [([("signage: true", "signage: false")], "signage: false")]),
    "GDPR-021": ([(", cnil_complaint]", "]")], "items:", []),
    "GDPR-022": ([('    - "Information en temps réel sur les places libres"', '    - "Smart city"')], "purposes:", []),
    "GDPR-023": ([("purpose_kind: [parking_management]", "purpose_kind: [counting_statistics]"), (CAT, "  - id: mac\n    category: device_identifier\n    identifying: direct\n    retention: {duration_days: 1}\n" + CAT)], "identifying: direct",
                 [([("purpose_kind: [parking_management]", "purpose_kind: [counting_statistics]"), (CAT, "  - id: mac\n    category: device_identifier\n    identifying: anonymised\n    retention: {duration_days: 1}\n" + CAT)], "identifying: anonymised")]),
    "GDPR-024": ([("category: presence_event", "category: location"), ("logging: true", "logging: false")], "logging: false", []),
    "GDPR-025": ([("solely_automated: false\n  legal_or_similar_effect: false", "solely_automated: true\n  legal_or_similar_effect: true")], "solely_automated: true",
                 [([("solely_automated: false\n  legal_or_similar_effect: false", "solely_automated: true\n  legal_or_similar_effect: true\n  art22_exception: law\n  human_review: true")], "solely_automated: true")]),
    "GDPR-026": ([("last_review: 2026-06-01", "last_review: 2025-06-01")], "last_review:", []),
    "GDPR-027": ([("sensing: [magnetometer]", "sensing: [wifi_sniffing]")], "anonymisation_at_collection: false",
                 [([("sensing: [magnetometer]", "sensing: [wifi_sniffing]"), ("anonymisation_at_collection: false", "anonymisation_at_collection: true")], "anonymisation_at_collection: true")]),
    "GDPR-028": ([("legal_framework: gdpr", "legal_framework: police_justice"), ("open_data:", VP.format(date="2019-01-10", expires="2024-01-09", algo="false", ref="") + "open_data:")], "expires: 2024-01-09",
                 [([("legal_framework: gdpr", "legal_framework: police_justice"), ("open_data:", VP.format(date="2024-02-10", expires="2029-02-09", algo="false", ref="") + "open_data:")], "expires: 2029-02-09")]),
    "ETH-001": ([ai(functions="remote_biometric_identification")], "functions: [", [([ai(functions="remote_biometric_identification", real_time="false")], "functions: [")]),
    "ETH-002": ([ai(functions="social_scoring")], "functions: [", [([ai(functions="people_counting")], "functions: [")]),
    "ETH-003": ([ai(functions="emotion_recognition", context="workplace")], "deployment_context:", [([ai(functions="emotion_recognition")], "deployment_context:")]),
    "ETH-004": ([ai(functions="emotion_recognition")], "functions: [", [([ai(functions="emotion_recognition", context="internal")], "functions: [")]),
    "ETH-005": ([ai(functions="biometric_categorisation", inferred="ethnicity")], "inferred_attributes:", [([ai(functions="biometric_categorisation", inferred="age_group")], "inferred_attributes:")]),
    "ETH-006": ([ai(functions="face_database_from_cctv")], "functions: [", []),
    "ETH-007": ([ai(functions="crime_risk_prediction_individual")], "functions: [", []),
    "ETH-008": ([ai(functions="remote_biometric_identification", real_time="false")], "functions: [", [([ai(functions="remote_biometric_identification")], "functions: [")]),
    "ETH-009": ([ai(annex='"5(a)"', fria="not_started", risk="high")], "fria:", [([ai(annex='"5(a)"', fria="done", risk="high")], "fria:")]),
    "ETH-010": ([ai(functions="traffic_control", annex='"2"', ce="false", risk="high")], "provider_conformity:", [([ai(functions="traffic_control", annex='"2"', risk="high")], "provider_conformity:")]),
    "ETH-011": ([ai(risk="high", oversight="{}")], "human_oversight:", [([ai(risk="limited", oversight="{}")], "human_oversight:")]),
    "ETH-012": ([("individual_decisions: false", "individual_decisions: true\n  crpa_mention: false")], "crpa_mention: false",
                [([("individual_decisions: false", "individual_decisions: true\n  crpa_mention: true")], "crpa_mention: true")]),
    "ETH-013": ([("individual_decisions: false", "individual_decisions: true"), ("ai_system:", 'algorithm:\n  name: "Attribution des places"\nai_system:')], "algorithm:",
                [([("individual_decisions: false", "individual_decisions: true"), ("ai_system:", 'algorithm:\n  name: "Attribution des places"\nai_system:'), ("staff_fte: 80", "staff_fte: 30")], "algorithm:")]),
    "ETH-014": ([("individual_decisions: false\n  solely_automated: false", "individual_decisions: true\n  solely_automated: true\n  crpa_mention: false")], "solely_automated: true",
                [([("individual_decisions: false\n  solely_automated: false", "individual_decisions: true\n  solely_automated: false\n  crpa_mention: false")], "solely_automated: false")]),
    "ETH-015": ([("individual_decisions: false", "individual_decisions: true"), ("ai_system:", 'algorithm:\n  documentation:\n    contribution: "Aide à la décision"\n    data_and_sources: "Capteurs"\n    operations: "Comparaison des durées"\nai_system:')], "documentation:",
                [([("individual_decisions: false", "individual_decisions: true"), ("ai_system:", 'algorithm:\n  documentation:\n    contribution: "Aide à la décision"\n    data_and_sources: "Capteurs"\n    parameters_weighting: "Seuil de 5 minutes"\n    operations: "Comparaison des durées"\nai_system:')], "documentation:")]),
    "ETH-016": ([("sensing: [magnetometer]", "sensing: [microphone]")], "sensing: [microphone]",
                [([("sensing: [magnetometer]", "sensing: [microphone]"), ("    public_space: true\n    sensing", "    public_space: false\n    sensing")], "sensing: [microphone]")]),
    "ETH-017": ([("open_data:", VP.format(date="2024-02-10", expires="2029-02-09", algo="true", ref="") + "open_data:")], "algorithmic_analysis: true",
                [([("open_data:", VP.format(date="2024-02-10", expires="2029-02-09", algo="true", ref='  algorithmic_legal_reference: "Loi n° 2023-380, art. 10"\n') + "open_data:")], "algorithmic_analysis: true")]),
    "ETH-018": ([ai(functions="chatbot", disclosure="false")], "transparency:", [([ai(functions="chatbot")], "transparency:")]),
    "ETH-019": ([("open_data:\n  published: false", "open_data:\n  published: true\n  anonymised: false")], "anonymised: false",
                [([("open_data:\n  published: false", "open_data:\n  published: true\n  anonymised: true")], "anonymised: true")]),
}

ECO_BASE = edit(BASE, [
    ("  staff_fte: 80\n", "  staff_fte: 80\n  population: 18500\n"),
    ("  purpose_kind: [parking_management]\n", "  purpose_kind: [parking_management]\n  start_date: 2025-03-01\n"),
    (CAT, """  - id: stats
    label: "Taux d'occupation par rue et par heure"
    category: aggregate_count
    identifying: non_personal
    source: sensor
    retention: {duration_days: 3650, trigger: collection, final_disposition: definitive_archiving}
""" + CAT),
    ('  - {name: "Service mobilité", type: internal_service}\n',
     '  - {name: "Service mobilité", type: internal_service}\n  - {name: "Observatoire métropolitain", type: third_party}\n'),
    ("  hosting_location: eea_cloud\n",
     "  hosting_location: eea_cloud\n  update_policy: {signed_updates: true, support_until: 2036-12-31, patch_sla_days: 30}\n"),
    ("open_data:\n  published: false\n", """open_data:
  published: true
  anonymised: true
  dataset_url: "https://data.fixville.fr/stationnement"
  licence: licence_ouverte_2_0
  update_frequency: hourly
  data_standard: "etalab/schema-stationnement"
sustainability:
  planned_service_life_years: 10
  sourcing: {refurbished_share_percent: 0, spare_parts_years: 10}
  end_of_life: {take_back: manufacturer, plan_ref: "Marché 2024-112, art. 18"}
  energy: {per_device_wh_per_day: 0.4, method: supplier_datasheet}
  sampling:
    measurement_interval_seconds: 60
    transmission_interval_seconds: 300
    needed_resolution_seconds: 300
    justification: "Une place libérée doit apparaître dans l'application en moins de 5 minutes"
  hosting_energy: {commitments: [renewable_electricity, pue_reported], pue: 1.3}
  rgesn: {version: "2024", score_percent: 62, date: 2025-09-15, reference: "Déclaration d'écoconception 2025"}
  reen_strategy: {covers_deployment: false}
governance:
  sharing_agreements:
    - recipient: "Observatoire métropolitain"
      agreement_ref: "Convention 2025-07"
      date: 2025-05-02
      data: "Taux d'occupation agrégés"
  reversibility:
    clause: true
    contract_ref: "Marché 2024-112, art. 21"
    export_formats: [csv, geojson]
    export_delay_days: 30
  hosting: {provider: "Hébergeur SAS", country: FR, sovereignty: [eu_data_location, eu_headquarters]}
"""),
])
ECO_CAT = "  - id: stats\n"
SAMPLING = "    measurement_interval_seconds: 60\n    transmission_interval_seconds: 300\n    needed_resolution_seconds: 300\n"
ECO_CASES = {
    "ECO-001": ([("support_until: 2036-12-31", "support_until: 2029-12-31")], "update_policy:",
                [([("planned_service_life_years: 10", "planned_service_life_years: 4")], "update_policy:")]),
    "ECO-002": ([("  update_policy: {signed_updates: true, support_until: 2036-12-31, patch_sla_days: 30}\n", "  update_policy: {signed_updates: true, patch_sla_days: 30}\n")], "update_policy:",
                [([("  update_policy: {signed_updates: true, support_until: 2036-12-31, patch_sla_days: 30}\n", "  update_policy: {signed_updates: true, patch_sla_days: 30}\n"),
                   ("""devices:
  - id: SENSOR-1
    kind: parking_sensor
    public_space: true
    sensing: [magnetometer]
""", "devices: []\n")], "update_policy:")]),
    "ECO-003": ([("take_back: manufacturer", "take_back: none")], "end_of_life:",
                [([("take_back: manufacturer", "take_back: eco_organisation")], "end_of_life:")]),
    "ECO-004": ([("transmission_interval_seconds: 300", "transmission_interval_seconds: 60")], "needed_resolution_seconds:",
                [([("transmission_interval_seconds: 300", "transmission_interval_seconds: 200")], "needed_resolution_seconds:"),
                 ([("measurement_interval_seconds: 60", "measurement_interval_seconds: 1")], "needed_resolution_seconds:")]),
    "ECO-005": ([('    justification: "Une place libérée doit apparaître dans l\'application en moins de 5 minutes"\n', "")], "  sampling:",
                [([(SAMPLING, "")], "  sampling:")]),
    "ECO-006": ([("retention: {duration_days: 3650, trigger: collection, final_disposition: definitive_archiving}", "retention: {duration_days: indefinite}")], "duration_days: indefinite",
                [([("retention: {duration_days: 3650, trigger: collection, final_disposition: definitive_archiving}", "retention: {duration_days: 365, trigger: collection, final_disposition: anonymisation}")], "duration_days: 365")]),
    "ECO-007": ([('  rgesn: {version: "2024", score_percent: 62, date: 2025-09-15, reference: "Déclaration d\'écoconception 2025"}\n', "")], "sustainability:",
                [([('  rgesn: {version: "2024", score_percent: 62, date: 2025-09-15, reference: "Déclaration d\'écoconception 2025"}\n', '  rgesn: {version: "2024", date: 2026-03-01}\n')], "rgesn:")]),
    "ECO-008": ([("date: 2025-09-15", "date: 2022-10-01")], "rgesn:",
                [([("date: 2025-09-15", "date: 2023-12-15")], "rgesn:")]),
    "ECO-009": ([("population: 18500", "population: 120000")], "reen_strategy:",
                [([("population: 18500", "population: 120000"), ("reen_strategy: {covers_deployment: false}", 'reen_strategy: {covers_deployment: true, reference: "Délibération 2024-118", adopted: 2024-12-12}')], "reen_strategy:"),
                 ([("population: 18500", "population: 120000"), ("type: commune", "type: departement")], "reen_strategy:")]),
    "GOV-001": ([("open_data:\n  published: true", "open_data:\n  published: false")], "published: false",
                [([("open_data:\n  published: true", "open_data:\n  published: false"), ("population: 18500", "population: 2900")], "published: false"),
                 ([("open_data:\n  published: true", "open_data:\n  published: false"), ("staff_fte: 80", "staff_fte: 35")], "published: false")]),
    "GOV-002": ([("licence: licence_ouverte_2_0", "licence: other")], "licence:",
                [([("licence: licence_ouverte_2_0", "licence: odbl")], "licence:")]),
    "GOV-003": ([("  update_frequency: hourly\n", "")], "open_data:",
                [([("  update_frequency: hourly\n", "  update_frequency: irregular\n")], "update_frequency:")]),
    "GOV-004": ([("    clause: true\n", "    clause: false\n")], "clause: false",
                [([("    clause: true\n", "    clause: false\n"), ("""processors:
  - name: "CapteurPark SAS"
    country: FR
    art28_contract: true
    sub_processors: []
    sub_processing_authorised: false
""", "processors: []\n")], "clause: false")]),
    "GOV-005": ([("export_formats: [csv, geojson]", "export_formats: [proprietary]")], "export_formats:",
                [([("export_formats: [csv, geojson]", "export_formats: [proprietary, csv]")], "export_formats:")]),
    "GOV-006": ([(ECO_CAT, "  - id: mac\n    category: device_identifier\n    identifying: anonymised\n    source: sensor\n    retention: {duration_days: 1}\n" + ECO_CAT)], "identifying: anonymised",
                [([(ECO_CAT, "  - id: mac\n    category: device_identifier\n    identifying: anonymised\n    source: sensor\n    retention: {duration_days: 1}\n" + ECO_CAT),
                   ("anonymisation_at_collection: false", "anonymisation_at_collection: true")], "identifying: anonymised")]),
    "GOV-007": ([('      agreement_ref: "Convention 2025-07"\n', "")], "type: third_party",
                [([('  - {name: "Observatoire métropolitain", type: third_party}\n', '  - {name: "Observatoire métropolitain", type: other_public_authority}\n'), ('      agreement_ref: "Convention 2025-07"\n', "")], "type: other_public_authority")]),
}

AS_OF = dt.datetime(2026, 11, 28, tzinfo=dt.timezone.utc)


def key(kind="ec"):
    if kind == "rsa1024":
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def cert(cn, sans=None, k=None, issuer=None, not_before=None, not_after=None, hash_alg=None, ca=False):
    k = k or key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    ik, iname = (issuer if issuer else (k, name))
    b = (x509.CertificateBuilder().subject_name(name).issuer_name(iname)
         .public_key(k.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(not_before or AS_OF - dt.timedelta(days=200))
         .not_valid_after(not_after or AS_OF + dt.timedelta(days=300))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if sans is not None:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]), critical=False)
    c = b.sign(ik, hash_alg or hashes.SHA256())
    return c, k


def sha1_cam():
    """python-cryptography refuses to sign with SHA-1: openssl still does."""
    with tempfile.TemporaryDirectory() as t:
        # `req -x509` would mark it a CA; `x509 -req` adds only the extensions given.
        subprocess.run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{t}/k",
                        "-subj", "/CN=cam1.fixville.fr", "-out", f"{t}/csr"], check=True, capture_output=True)
        open(f"{t}/ext", "w").write("subjectAltName=DNS:cam1.fixville.fr\nbasicConstraints=critical,CA:FALSE\n")
        out = subprocess.run(["openssl", "x509", "-req", "-sha1", "-in", f"{t}/csr", "-signkey", f"{t}/k",
                              "-days", "3650", "-extfile", f"{t}/ext"], check=True, capture_output=True, text=True)
        return {"cam1.pem": out.stdout}


def pem(c):
    return c.public_bytes(serialization.Encoding.PEM).decode()


XDECL = BASE.replace("""  - id: SENSOR-1
    kind: parking_sensor
    public_space: true
    sensing: [magnetometer]""", """  - id: CAM-1
    kind: video_camera
    hostname: cam1.fixville.fr
    certificate_ref: "cam1.pem"
    public_space: false
    sensing: [camera]""")


def xcase(rule, decl_edits, marker, files, tag):
    text = edit(XDECL, decl_edits, tag, rule, marker) if marker else edit(XDECL, decl_edits)
    return text, files


def cam(**kw):
    c, k = cert("cam1.fixville.fr", ["cam1.fixville.fr"], **kw)
    return {"cam1.pem": pem(c)}


def xref_cases():
    uniq = [("device_identity: per_device_key", "device_identity: unique_per_device_certificate")]
    wild, _ = cert("*.fixville.fr", ["*.fixville.fr"])
    ca_cert, ca_key = cert("Fixville CA", None, ca=True)
    leaf, _ = cert("cam1.fixville.fr", ["cam1.fixville.fr"], issuer=(ca_key, ca_cert.subject))
    c2, k2 = cert("cam1.fixville.fr", ["cam1.fixville.fr"])
    enc_key = k2.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.BestAvailableEncryption(b"fixture-passphrase")).decode()
    clear_key = k2.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.NoEncryption()).decode()
    orphan, _ = cert("orphan.fixville.fr", ["orphan.fixville.fr"])
    us, _ = cert("cam1.fixville.fr", ["cam1.fixville.fr", "iot.us-east-1.cloudvendor.example"])
    eu, _ = cert("cam1.fixville.fr", ["cam1.fixville.fr", "iot.eu-west-3.cloudvendor.example"])
    other, _ = cert("cam2.fixville.fr", ["cam2.fixville.fr"])
    enc = "encryption_in_transit: true"
    return {
        "XREF-002": ([("uncovered", [], None, {"orphan.pem": pem(orphan)})],
                     [("covered", [('certificate_ref: "cam1.pem"', 'certificate_ref: "orphan.pem"'), ("hostname: cam1.fixville.fr", "hostname: orphan.fixville.fr")], None, {"orphan.pem": pem(orphan)})]),
        "XREF-003": ([("missing", [], "certificate_ref:", {})], [("present", [], None, cam())]),
        "XREF-013": ([("wildcard", uniq + [('    certificate_ref: "cam1.pem"\n', "")], "device_identity:", {"wild.pem": pem(wild)})],
                     [("unique", uniq, "device_identity:", cam())]),
        "XREF-014": ([("expired", [], enc, cam(not_before=AS_OF - dt.timedelta(days=800), not_after=AS_OF - dt.timedelta(days=30)))],
                     [("valid", [], enc, cam())]),
        "XREF-017": ([("rsa1024", [], enc, cam(k=key("rsa1024")))], [("rsa2048", [], enc, cam(k=key("rsa")))]),
        "XREF-018": ([("sha1", [], enc, sha1_cam())], [("sha256", [], enc, cam(k=key("rsa")))]),
        "XREF-019": ([("clear-key", [], "device_identity:", {"cam1.pem": pem(c2), "cam1.key": clear_key})],
                     [("encrypted-key", [], "device_identity:", {"cam1.pem": pem(c2), "cam1.key": enc_key})]),
        "XREF-020": ([("expiring", [], enc, cam(not_after=AS_OF + dt.timedelta(days=12)))],
                     [("expiring-later", [], enc, cam(not_after=AS_OF + dt.timedelta(days=90)))]),
        "XREF-021": ([("other-host", [], "hostname:", {"cam1.pem": pem(other)})], [("same-host", [], "hostname:", cam())]),
        "XREF-022": ([("self-signed", uniq, "device_identity:", cam())],
                     [("issued", uniq, "device_identity:", {"cam1.pem": pem(leaf), "ca.pem": pem(ca_cert)})]),
        "XREF-008": ([("us-region", [], "transfers: []", {"cam1.pem": pem(us)})], [("eu-region", [], "transfers: []", {"cam1.pem": pem(eu)})]),
    }


def rule_dir(rule):
    for d in ("declaration", "ethics", "deployment", "ecology", "governance"):
        for f in os.listdir(f"rules/{d}"):
            if f.startswith(rule + "-") and f.endswith(".yaml"):
                return f"rules/{d}/{f[:-5]}"
    raise SystemExit(f"no rule file for {rule}")


def main(prefixes):
    wanted = lambda rule: not prefixes or rule.startswith(tuple(prefixes))
    for base, cases in ((BASE, CASES), (ECO_BASE, ECO_CASES)):
        for rule, (edits, marker, passes) in cases.items():
            if not wanted(rule):
                continue
            d = rule_dir(rule)
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(f"{d}/fail")
            os.makedirs(f"{d}/pass")
            open(f"{d}/fail/declaration.yaml", "w").write(edit(base, edits, "ruleid", rule, marker))
            open(f"{d}/pass/clean.yaml", "w").write(base)
            for i, (pedits, pmarker) in enumerate(passes):
                open(f"{d}/pass/near-miss-{i + 1}.yaml", "w").write(edit(base, pedits, "ok", rule, pmarker))
    # Only the cases written here are replaced: scripts/make-xref-join-fixtures.py adds
    # network, firmware and source cases to some of these rules.
    for rule, (fails, passes) in xref_cases().items():
        if not wanted(rule):
            continue
        d = rule_dir(rule)
        for kind, cases, tag in (("fail", fails, "ruleid"), ("pass", passes, "ok")):
            for name, edits, marker, files in cases:
                case = f"{d}/{kind}/{name}"
                shutil.rmtree(case, ignore_errors=True)
                os.makedirs(case)
                text = edit(XDECL, edits, tag, rule, marker) if marker else edit(XDECL, edits)
                open(f"{case}/declaration.yaml", "w").write(text)
                for fname, content in files.items():
                    open(f"{case}/{fname}", "w").write(content)


if __name__ == "__main__":
    import sys
    main(sys.argv[1:])
