//! Renderers on a hand-built report: SARIF (schema-valid, snapshot), text, JSON.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use vigie_reports::*;

fn t(en: &str, fr: &str) -> Text {
    Text {
        en: en.into(),
        fr: fr.into(),
    }
}

fn report() -> Report {
    let rule = |id: &str, name: &str, sev: Severity, pack: usize| RuleMeta {
        id: id.into(),
        name: name.into(),
        target: "certificate".into(),
        severity: sev,
        status: "stable".into(),
        title: t(&format!("{name} title"), &format!("titre {name}")),
        what: Text::default(),
        why: t("Attackers can forge it.", "Un attaquant peut le falsifier."),
        fix: t("Reissue it.", "Le faire réémettre."),
        references: vec![
            Reference {
                id: Some("ANSSI-PG-083".into()),
                cwe: None,
                url: None,
            },
            Reference {
                id: None,
                cwe: Some(326),
                url: None,
            },
        ],
        profiles: vec!["anssi".into()],
        pack,
    };
    Report {
        deployment: String::new(),
        tool: ToolInfo {
            name: "vigie".into(),
            version: "0.1.0".into(),
            information_uri: "https://example.org/vigie".into(),
        },
        packs: vec![
            PackInfo {
                unsigned: false,
                name: "vigie-core".into(),
                version: "0.1.0".into(),
                publisher: "Vigie".into(),
                sha256: None,
            },
            PackInfo {
                unsigned: false,
                name: "partner".into(),
                version: "2.0.0".into(),
                publisher: "CSF".into(),
                sha256: Some("ab".repeat(32)),
            },
        ],
        rules: vec![
            rule("CERT-001", "rsa-key-too-small", Severity::High, 0),
            rule("CERT-010", "certificate-expires-soon", Severity::Medium, 0),
            rule("PART-001", "partner-rule", Severity::Critical, 1),
        ],
        artifacts: vec![
            ArtifactInfo {
                uri: "certs/cam era.pem".into(),
                parent: None,
                length: 1200,
                sha256: "00".repeat(32),
                kind: "certificate/pem".into(),
            },
            ArtifactInfo {
                uri: "fw.img".into(),
                parent: None,
                length: 4096,
                sha256: "11".repeat(32),
                kind: "image".into(),
            },
            ArtifactInfo {
                uri: "fw.img!/etc/ssl/cert.der".into(),
                parent: Some(1),
                length: 800,
                sha256: "22".repeat(32),
                kind: "certificate/der".into(),
            },
        ],
        findings: vec![
            Finding {
                rule_id: "PART-001".into(),
                rule_index: 2,
                severity: Severity::Critical,
                message: t("partner says no", "le partenaire dit non"),
                location: Location {
                    uri: "fw.img!/etc/ssl/cert.der".into(),
                    artifact: Some(2),
                    region: Some(Region::Binary {
                        byte_offset: 0,
                        byte_length: 800,
                    }),
                    logical: None,
                },
                related: vec![],
                fingerprint: "f".repeat(32),
                suppression: None,
                baseline_state: None,
            },
            Finding {
                rule_id: "CERT-001".into(),
                rule_index: 0,
                severity: Severity::High,
                message: t("RSA key of 1024 bits", "clé RSA de 1024 bits"),
                location: Location {
                    uri: "certs/cam era.pem".into(),
                    artifact: Some(0),
                    region: Some(Region::Text {
                        start_line: 3,
                        start_column: Some(1),
                        end_line: Some(20),
                    }),
                    logical: Some(LogicalLocation {
                        name: "cam.local".into(),
                        fully_qualified_name: "certs/cam era.pem#certificate[0]".into(),
                        kind: "object".into(),
                    }),
                },
                related: vec![],
                fingerprint: "a".repeat(32),
                suppression: None,
                baseline_state: None,
            },
            Finding {
                rule_id: "CERT-010".into(),
                rule_index: 1,
                severity: Severity::Medium,
                message: t("expires in 12 days", "expire dans 12 jours"),
                location: Location {
                    uri: "certs/cam era.pem".into(),
                    artifact: Some(0),
                    region: Some(Region::Text {
                        start_line: 3,
                        start_column: None,
                        end_line: None,
                    }),
                    logical: None,
                },
                related: vec![],
                fingerprint: "b".repeat(32),
                suppression: Some(Box::new(Suppression {
                    reason: "renewal ordered".into(),
                    owner: Some("dsi".into()),
                    expires: Some("2027-01-01".into()),
                    source: Some("vigie.toml:4".into()),
                })),
                baseline_state: None,
            },
        ],
        notifications: vec![Notification {
            level: NotificationLevel::Error,
            code: "truncated-der".into(),
            message: "truncated".into(),
            location: Some(Location {
                uri: "bad.der".into(),
                artifact: None,
                region: Some(Region::Binary {
                    byte_offset: 0,
                    byte_length: 300,
                }),
                logical: None,
            }),
            rule_id: None,
        }],
        invocation: Invocation {
            arguments: vec![],
            start_time: "2026-11-28T10:00:00Z".into(),
            end_time: "2026-11-28T10:00:01Z".into(),
            as_of: "2026-11-28".into(),
            successful: false,
        },
    }
}

fn validate(doc: &serde_json::Value) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/sarif/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[test]
fn sarif_is_schema_valid_and_stable() {
    let s = sarif::render(&report()).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&s).unwrap();
    validate(&doc);
    let run = &doc["runs"][0];
    // The partner pack is an extension; its result points at it.
    assert_eq!(run["tool"]["extensions"][0]["name"], "partner");
    assert_eq!(run["results"][0]["rule"]["toolComponent"]["index"], 0);
    assert_eq!(run["results"][0]["ruleIndex"], 0);
    assert_eq!(run["artifacts"][2]["parentIndex"], 1);
    assert_eq!(
        run["artifacts"][0]["location"]["uri"],
        "certs/cam%20era.pem"
    );
    insta::assert_snapshot!("sarif", s);
}

/// The SARIF writer builds results a batch at a time and splices them into the
/// document: the bytes must be those of the whole document rendered at once, with
/// findings, with more findings than a batch, and with none.
#[test]
fn sarif_written_is_sarif_rendered() {
    let mut many = report();
    let one = many.findings.clone();
    many.findings = (0..9000)
        .flat_map(|i| {
            one.iter().cloned().map(move |mut f| {
                f.fingerprint = format!("{}{i}", f.fingerprint);
                f
            })
        })
        .collect();
    let mut none = report();
    none.findings.clear();
    for r in [report(), many, none] {
        let mut out = Vec::new();
        sarif::write(&r, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), sarif::render(&r).unwrap());
    }
}

#[test]
fn negative_control_schema_rejects_bad_level() {
    let s = sarif::render(&report()).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&s).unwrap();
    doc["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/sarif/sarif-schema-2.1.0.json"
        ))
        .unwrap(),
    )
    .unwrap();
    assert!(!jsonschema::validator_for(&schema).unwrap().is_valid(&doc));
}

#[test]
fn text_rendering() {
    let r = report();
    insta::assert_snapshot!(
        "text_en",
        text::render(
            &r,
            text::TextOptions {
                color: false,
                lang: Lang::En
            }
        )
    );
    insta::assert_snapshot!(
        "text_fr",
        text::render(
            &r,
            text::TextOptions {
                color: false,
                lang: Lang::Fr
            }
        )
    );
    let colored = text::render(
        &r,
        text::TextOptions {
            color: true,
            lang: Lang::En,
        },
    );
    assert!(colored.contains("\x1b["));
}

#[test]
fn json_round_trips() {
    let r = report();
    let s = json::render(&r).unwrap();
    let back: Report = serde_json::from_str(&s).unwrap();
    assert_eq!(back, r);
}

/// `vigie report SCAN.sarif` must lose nothing: SARIF → Report gives back the report.
#[test]
fn sarif_reads_back_into_the_same_report() {
    let mut r = report();
    r.deployment = "Commune de Test".into();
    r.findings[1].baseline_state = Some(BaselineState::New);
    let s = sarif::render(&r).unwrap();
    let back = sarif_read::parse(&s).unwrap();
    assert_eq!(back, r);
}

#[test]
fn foreign_sarif_is_read_with_what_it_offers() {
    let s = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"other","rules":[
        {"id":"X1","shortDescription":{"text":"Bad thing"},
         "properties":{"security-severity":"9.1"}}]}},
      "results":[{"ruleId":"X1","ruleIndex":0,"message":{"text":"found it"},
        "locations":[{"physicalLocation":{"artifactLocation":{"uri":"a%20b.c"},"region":{"startLine":7}}}]},
        {"ruleId":"Y2","level":"warning","message":{"text":"no rule"}}]}]}"#;
    let r = sarif_read::parse(s).unwrap();
    assert_eq!(r.rules[0].severity, Severity::Critical);
    assert_eq!(r.rules[0].title.fr, "Bad thing");
    assert_eq!(r.findings[0].location.short(), "a b.c:7");
    assert_eq!(r.findings[1].rule_id, "Y2");
    assert_eq!(r.findings[1].severity, Severity::Medium);
    assert!(sarif_read::parse("{}").is_err());
    assert!(sarif_read::parse("not json").is_err());
}

fn moved(mut r: Report) -> Report {
    for f in &mut r.findings {
        if let Some(Region::Text { start_line, .. }) = &mut f.location.region {
            *start_line += 40;
        }
    }
    r
}

/// Moving a finding's line must not make it new: fingerprints ignore positions.
#[test]
fn baseline_states_and_moved_lines() {
    let old = report();
    let mut cur = moved(report());
    baseline::compare(&mut cur, &old);
    let states: Vec<_> = cur.findings.iter().map(|f| f.baseline_state).collect();
    assert_eq!(states, vec![Some(BaselineState::Unchanged); 3]);
    assert!(!cur.has_findings_at_or_above(Severity::Info));

    // One new finding, one fixed, one with a changed message.
    let mut cur = report();
    cur.findings[0].fingerprint = "e".repeat(32);
    cur.findings[1].message.en = "RSA key of 512 bits".into();
    baseline::compare(&mut cur, &old);
    let states: Vec<_> = cur.findings.iter().map(|f| f.baseline_state).collect();
    assert_eq!(
        states,
        vec![
            Some(BaselineState::New),
            Some(BaselineState::Updated),
            Some(BaselineState::Unchanged),
            Some(BaselineState::Absent),
        ]
    );
    assert_eq!(baseline::state_counts(&cur), (1, 0, 1, 1));
    // Comparing again (e.g. `vigie report` on a compared SARIF) gives the same result.
    let again = cur.clone();
    baseline::compare(&mut cur, &old);
    assert_eq!(cur, again);
    // Only the new critical finding gates; the absent one never counts.
    assert!(cur.has_findings_at_or_above(Severity::Critical));
    cur.findings[0].severity = Severity::Low;
    assert!(!cur.has_findings_at_or_above(Severity::High));
    assert_eq!(cur.counts().total(), 2);
    let s = sarif::render(&cur).unwrap();
    validate(&serde_json::from_str(&s).unwrap());
    for state in ["\"new\"", "\"updated\"", "\"unchanged\"", "\"absent\""] {
        assert!(
            s.contains(&format!("\"baselineState\": {state}")),
            "{state}"
        );
    }
}

#[test]
fn html_is_self_contained_translated_and_escaped() {
    let mut r = report();
    r.deployment = "Ville <script>alert(1)</script>".into();
    let fr = html::render(&r, html::HtmlOptions { lang: Lang::Fr }).unwrap();
    assert!(fr.starts_with("<!DOCTYPE html>\n<html lang=\"fr\">"));
    assert!(fr.contains("Ville &lt;script&gt;"));
    assert!(!fr.contains("<script>alert"));
    // No external resource of any kind.
    for bad in ["src=\"http", "href=\"//", "@import", "url(http", "<link "] {
        assert!(!fr.contains(bad), "{bad}");
    }
    assert!(fr.contains("Action urgente : un problème critique"));
    assert!(fr.contains("titre partner-rule"));
    assert!(fr.contains("Un attaquant peut le falsifier."));
    // minijinja escapes `/` in attributes; the browser decodes it.
    assert!(fr.contains(
        "href=\"https:&#x2f;&#x2f;cwe.mitre.org&#x2f;data&#x2f;definitions&#x2f;326.html\""
    ));
    assert!(fr.contains("renewal ordered") && fr.contains("1er janvier 2027"));
    assert!(fr.contains("Fichiers qui n&#x27;ont pas pu être examinés"));
    assert!(
        !fr.contains('\u{2068}'),
        "Fluent isolation marks leak into HTML"
    );
    let en = html::render(&r, html::HtmlOptions { lang: Lang::En }).unwrap();
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("Urgent action: one critical problem"));
    assert!(en.contains("Attackers can forge it."));
}

#[test]
fn markdown_summary() {
    let old = report();
    let mut cur = report();
    cur.findings[0].fingerprint = "e".repeat(32);
    baseline::compare(&mut cur, &old);
    let md = markdown::render(
        &cur,
        &markdown::MarkdownOptions {
            lang: Lang::En,
            sarif: Some("vigie.sarif".into()),
        },
    );
    insta::assert_snapshot!("markdown_en", md);
    let fr = markdown::render(&report(), &markdown::MarkdownOptions::default());
    assert!(fr.contains("| Critical | 1 |"));
}

#[test]
fn html_names_the_pack_of_each_rule() {
    let mut r = report();
    let en = html::render(&r, html::HtmlOptions { lang: Lang::En }).unwrap();
    assert!(en.contains("rule from pack partner 2.0.0 (CSF)"), "{en}");
    assert!(en.contains("rule from pack vigie-core 0.1.0 (Vigie)"));
    r.packs[1].unsigned = true;
    let fr = html::render(&r, html::HtmlOptions { lang: Lang::Fr }).unwrap();
    assert!(
        fr.contains("règle du paquet NON SIGNÉ partner 2.0.0 (CSF)"),
        "{fr}"
    );
}
