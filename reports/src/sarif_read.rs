//! Reading SARIF back into a [`Report`], for `vigie report SCAN.sarif` and `--baseline`.
//!
//! Vigie's own SARIF carries everything the model needs: French texts and rule metadata
//! in `properties.vigie`, fingerprints in `partialFingerprints["vigie/v1"]`. SARIF written
//! by another tool is read too, with what it offers: English texts serve for both
//! languages and the severity comes from `security-severity` or the level.

use crate::model::{
    ArtifactInfo, BaselineState, Finding, Invocation, Location, LogicalLocation, Notification,
    PackInfo, Region, Report, RuleMeta, Severity, Suppression, Text, ToolInfo,
};
use crate::sarif::{FINGERPRINT_KEY, notification_level, uri_decode};
use serde_json::Value;
use std::collections::HashMap;

/// Errors of the SARIF reader.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file is not JSON.
    #[error("not a JSON document: {0}")]
    Json(#[from] serde_json::Error),
    /// The JSON is not a SARIF log Vigie can use.
    #[error("not a SARIF 2.1.0 log: {0}")]
    Shape(&'static str),
}

fn s(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn opt_s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn text_of(v: &Value, key: &str) -> String {
    v.get(key)
        .and_then(|m| m.get("text"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn both(en: String) -> Text {
    Text { fr: en.clone(), en }
}

fn from_json<T: serde::de::DeserializeOwned>(v: Option<&Value>) -> Option<T> {
    v.and_then(|v| serde_json::from_value(v.clone()).ok())
}

fn severity_from_level(level: &str) -> Severity {
    match level {
        "error" => Severity::High,
        "warning" => Severity::Medium,
        "note" => Severity::Low,
        _ => Severity::Info,
    }
}

fn rule(d: &Value, pack: usize) -> RuleMeta {
    let props = d.get("properties");
    let vigie = props.and_then(|p| p.get("vigie"));
    let score = props
        .and_then(|p| p.get("security-severity"))
        .and_then(|v| match v {
            Value::String(s) => s.parse::<f64>().ok(),
            other => other.as_f64(),
        });
    let level = d
        .get("defaultConfiguration")
        .map(|c| s(c, "level"))
        .unwrap_or_default();
    let severity = from_json(vigie.and_then(|v| v.get("severity")))
        .or(score.map(Severity::from_security_severity))
        .unwrap_or_else(|| severity_from_level(&level));
    let get_text = |key: &str, fallback: String| -> Text {
        from_json(vigie.and_then(|v| v.get(key))).unwrap_or_else(|| both(fallback))
    };
    let vs = |key: &str| vigie.map(|v| s(v, key)).unwrap_or_default();
    RuleMeta {
        id: s(d, "id"),
        name: vigie
            .and_then(|v| opt_s(v, "name"))
            .unwrap_or_else(|| s(d, "name")),
        target: vs("target"),
        severity,
        status: vs("status"),
        title: get_text("title", text_of(d, "shortDescription")),
        what: from_json(vigie.and_then(|v| v.get("what"))).unwrap_or_default(),
        why: get_text("why", text_of(d, "fullDescription")),
        fix: get_text("fix", text_of(d, "help")),
        references: from_json(vigie.and_then(|v| v.get("references"))).unwrap_or_default(),
        profiles: from_json(vigie.and_then(|v| v.get("profiles"))).unwrap_or_default(),
        pack,
    }
}

fn location(l: &Value) -> Location {
    let pl = l.get("physicalLocation");
    let al = pl.and_then(|p| p.get("artifactLocation"));
    let region = pl.and_then(|p| p.get("region")).and_then(|r| {
        let n = |k: &str| r.get(k).and_then(Value::as_u64);
        if let Some(line) = n("startLine") {
            Some(Region::Text {
                start_line: line as u32,
                start_column: n("startColumn").map(|c| c as u32),
                end_line: n("endLine").map(|c| c as u32),
            })
        } else {
            n("byteOffset").map(|o| Region::Binary {
                byte_offset: o,
                byte_length: n("byteLength").unwrap_or(0),
            })
        }
    });
    let logical = l
        .get("logicalLocations")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
        .map(|ll| LogicalLocation {
            name: s(ll, "name"),
            fully_qualified_name: s(ll, "fullyQualifiedName"),
            kind: s(ll, "kind"),
        });
    Location {
        uri: al.map(|a| uri_decode(&s(a, "uri"))).unwrap_or_default(),
        artifact: al
            .and_then(|a| a.get("index"))
            .and_then(Value::as_u64)
            .map(|i| i as usize),
        region,
        logical,
    }
}

fn arr(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// Parses a SARIF 2.1.0 log (its first run) into a report.
pub fn parse(text: &str) -> Result<Report, ReadError> {
    let doc: Value = serde_json::from_str(text)?;
    let run = doc
        .get("runs")
        .and_then(Value::as_array)
        .and_then(|r| r.first())
        .ok_or(ReadError::Shape("no `runs[0]`"))?;
    let tool = run.get("tool").ok_or(ReadError::Shape("no `tool`"))?;
    let driver = tool
        .get("driver")
        .ok_or(ReadError::Shape("no `tool.driver`"))?;

    // Packs: the driver's `properties.pack` is pack 0, extension k is pack k + 1.
    let core = from_json::<PackInfo>(driver.get("properties").and_then(|p| p.get("pack")));
    let mut packs = vec![core.unwrap_or_else(|| PackInfo {
        name: s(driver, "name"),
        version: s(driver, "version"),
        publisher: s(driver, "organization"),
        sha256: None,
        unsigned: false,
    })];
    let extensions = arr(tool.get("extensions"));
    for e in extensions {
        packs.push(PackInfo {
            name: s(e, "name"),
            version: s(e, "version"),
            publisher: s(e, "organization"),
            sha256: e.get("properties").and_then(|p| opt_s(p, "sha256")),
            unsigned: e
                .get("properties")
                .and_then(|p| p.get("unsigned"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
        });
    }
    // Rules of every component, then sorted by id like the scanner does; `index` maps
    // (component, index in component) to the position in `rules`.
    let mut rules: Vec<(usize, usize, RuleMeta)> = Vec::new();
    for (j, d) in arr(driver.get("rules")).iter().enumerate() {
        rules.push((0, j, rule(d, 0)));
    }
    for (k, e) in extensions.iter().enumerate() {
        for (j, d) in arr(e.get("rules")).iter().enumerate() {
            rules.push((k + 1, j, rule(d, k + 1)));
        }
    }
    rules.sort_by(|a, b| a.2.id.cmp(&b.2.id));
    let index: HashMap<(usize, usize), usize> = rules
        .iter()
        .enumerate()
        .map(|(i, (c, j, _))| ((*c, *j), i))
        .collect();
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for (i, (_, _, r)) in rules.iter().enumerate() {
        by_id.entry(r.id.clone()).or_insert(i);
    }
    let mut rules: Vec<RuleMeta> = rules.into_iter().map(|(_, _, r)| r).collect();

    let mut findings = Vec::new();
    for r in arr(run.get("results")) {
        let rule_id = opt_s(r, "ruleId")
            .or_else(|| r.get("rule").and_then(|x| opt_s(x, "id")))
            .unwrap_or_default();
        let comp = r
            .get("rule")
            .and_then(|x| x.get("toolComponent"))
            .and_then(|t| t.get("index"))
            .and_then(Value::as_u64)
            .map(|i| i as usize + 1)
            .unwrap_or(0);
        let rule_index = r
            .get("ruleIndex")
            .and_then(Value::as_u64)
            .and_then(|j| index.get(&(comp, j as usize)).copied())
            .filter(|&i| rules[i].id == rule_id)
            .or_else(|| by_id.get(&rule_id).copied());
        let rule_index = match rule_index {
            Some(i) => i,
            None => {
                // A result whose rule is not described: keep it with a bare rule.
                rules.push(RuleMeta {
                    id: rule_id.clone(),
                    name: rule_id.to_lowercase(),
                    title: both(rule_id.clone()),
                    ..RuleMeta::default()
                });
                by_id.insert(rule_id.clone(), rules.len() - 1);
                rules.len() - 1
            }
        };
        let vigie = r.get("properties").and_then(|p| p.get("vigie"));
        let severity = from_json(vigie.and_then(|v| v.get("severity"))).unwrap_or_else(|| match r
            .get("level")
            .and_then(Value::as_str)
        {
            Some(l) => severity_from_level(l),
            None => rules[rule_index].severity,
        });
        let message = from_json(vigie.and_then(|v| v.get("message")))
            .unwrap_or_else(|| both(text_of(r, "message")));
        let suppression = arr(r.get("suppressions"))
            .iter()
            .find(|x| x.get("status").and_then(Value::as_str) != Some("rejected"))
            .map(|x| {
                let p = x.get("properties");
                Box::new(Suppression {
                    reason: s(x, "justification"),
                    owner: p.and_then(|p| opt_s(p, "owner")),
                    expires: p.and_then(|p| opt_s(p, "expires")),
                    source: p.and_then(|p| opt_s(p, "source")),
                })
            });
        findings.push(Finding {
            rule_id,
            rule_index,
            severity,
            message,
            location: arr(r.get("locations"))
                .first()
                .map(location)
                .unwrap_or_default(),
            related: arr(r.get("relatedLocations"))
                .iter()
                .map(location)
                .collect(),
            fingerprint: r
                .get("partialFingerprints")
                .and_then(|p| opt_s(p, FINGERPRINT_KEY))
                .unwrap_or_default(),
            suppression,
            baseline_state: r
                .get("baselineState")
                .and_then(Value::as_str)
                .and_then(BaselineState::parse),
        });
    }

    let artifacts = arr(run.get("artifacts"))
        .iter()
        .map(|a| ArtifactInfo {
            uri: a
                .get("location")
                .map(|l| uri_decode(&s(l, "uri")))
                .unwrap_or_default(),
            parent: a
                .get("parentIndex")
                .and_then(Value::as_u64)
                .map(|p| p as usize),
            length: a.get("length").and_then(Value::as_u64).unwrap_or(0),
            sha256: a.get("hashes").map(|h| s(h, "sha-256")).unwrap_or_default(),
            kind: a
                .get("properties")
                .map(|p| s(p, "kind"))
                .unwrap_or_default(),
        })
        .collect();

    let inv = arr(run.get("invocations")).first();
    let notifications = inv
        .map(|i| arr(i.get("toolExecutionNotifications")))
        .unwrap_or_default()
        .iter()
        .map(|n| Notification {
            level: notification_level(n.get("level").and_then(Value::as_str).unwrap_or("warning")),
            code: n.get("descriptor").map(|d| s(d, "id")).unwrap_or_default(),
            message: text_of(n, "message"),
            location: arr(n.get("locations")).first().map(location),
            rule_id: n.get("associatedRule").and_then(|d| opt_s(d, "id")),
        })
        .collect();
    let invocation = inv
        .map(|i| Invocation {
            arguments: from_json(i.get("arguments")).unwrap_or_default(),
            start_time: s(i, "startTimeUtc"),
            end_time: s(i, "endTimeUtc"),
            as_of: i
                .get("properties")
                .map(|p| s(p, "asOf"))
                .unwrap_or_default(),
            successful: i
                .get("executionSuccessful")
                .and_then(Value::as_bool)
                .unwrap_or(true),
        })
        .unwrap_or_default();

    Ok(Report {
        deployment: run
            .get("properties")
            .map(|p| s(p, "deployment"))
            .unwrap_or_default(),
        tool: ToolInfo {
            name: s(driver, "name"),
            version: s(driver, "version"),
            information_uri: s(driver, "informationUri"),
        },
        packs,
        rules,
        artifacts,
        findings,
        notifications,
        invocation,
    })
}
