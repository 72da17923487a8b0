//! SARIF 2.1.0 rendering.
//!
//! One run. `tool.driver` is Vigie with the rules of the core pack; every other pack is a
//! `tool.extensions[]` component whose results point at it through
//! `rule.toolComponent.index`. Rules carry `help.markdown` (why, fix, references),
//! `properties.security-severity` and tags; results carry `partialFingerprints` that do not
//! depend on line numbers. Unreadable inputs become
//! `invocations[0].toolExecutionNotifications`.
//!
//! French texts and the rule metadata that SARIF has no slot for travel in
//! `properties.vigie`, so a report rebuilt from SARIF (`vigie report`) loses nothing.

use crate::model::{
    Finding, Location, Notification, NotificationLevel, Region, Report, RuleMeta, Severity,
};
use rayon::prelude::*;
use serde_json::{Value, json};
use serde_sarif::sarif;
use std::collections::BTreeMap;

/// The OASIS schema URL written to `$schema`.
pub const SCHEMA_URL: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Key of Vigie's fingerprint in `partialFingerprints`.
pub const FINGERPRINT_KEY: &str = "vigie/v1";

/// Errors of the SARIF renderer.
#[derive(Debug, thiserror::Error)]
pub enum SarifError {
    /// Serialisation failed.
    #[error("cannot serialise SARIF: {0}")]
    Json(#[from] serde_json::Error),
}

fn mm(text: &str) -> sarif::MultiformatMessageString {
    sarif::MultiformatMessageString::builder()
        .text(text)
        .build()
}

fn msg(text: &str) -> sarif::Message {
    sarif::Message::builder().text(text).build()
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// Percent-encodes what a URI reference cannot carry as is; keeps `/` and `!`.
pub fn uri_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'+'
            | b','
            | b'='
            | b'@'
            | b':' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Inverse of [`uri_encode`].
pub fn uri_decode(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Some(v) = std::str::from_utf8(&bytes[i + 1..i + 3])
                .ok()
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The Markdown help of a rule: why, fix, references.
pub fn help_markdown(rule: &RuleMeta) -> String {
    let mut s = String::new();
    if !rule.what.en.is_empty() {
        s.push_str(&rule.what.en);
        s.push_str("\n\n");
    }
    s.push_str("**Why it matters.** ");
    s.push_str(rule.why.en.trim());
    s.push_str("\n\n**How to fix.** ");
    s.push_str(rule.fix.en.trim());
    if !rule.references.is_empty() {
        s.push_str("\n\n**References.**\n");
        for r in &rule.references {
            match r.link() {
                Some(url) => s.push_str(&format!("- [{}]({})\n", r.label(), url)),
                None => s.push_str(&format!("- {}\n", r.label())),
            }
        }
    }
    s.trim_end().to_string()
}

fn help_text(rule: &RuleMeta) -> String {
    let mut s = format!(
        "Why it matters: {}\nHow to fix: {}",
        rule.why.en.trim(),
        rule.fix.en.trim()
    );
    if !rule.references.is_empty() {
        let refs: Vec<String> = rule.references.iter().map(|r| r.label()).collect();
        s.push_str(&format!("\nReferences: {}", refs.join(", ")));
    }
    s
}

fn rule_descriptor(rule: &RuleMeta) -> sarif::ReportingDescriptor {
    let mut tags = vec!["security".to_string(), rule.target.clone()];
    tags.extend(rule.references.iter().map(|r| r.label()));
    tags.extend(rule.profiles.iter().map(|p| format!("profile:{p}")));
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        Value::String(rule.severity.security_severity().to_string()),
    );
    props.insert("precision".to_string(), Value::String("high".to_string()));
    props.insert(
        "vigie".to_string(),
        json!({
            "name": rule.name,
            "target": rule.target,
            "severity": rule.severity,
            "status": rule.status,
            "title": rule.title,
            "what": rule.what,
            "why": rule.why,
            "fix": rule.fix,
            "references": rule.references,
            "profiles": rule.profiles,
        }),
    );
    let help = sarif::MultiformatMessageString::builder()
        .text(help_text(rule))
        .markdown(help_markdown(rule))
        .build();
    let full = if rule.what.en.is_empty() {
        rule.why.en.clone()
    } else {
        rule.what.en.clone()
    };
    let mut b = sarif::ReportingDescriptor::builder()
        .id(rule.id.as_str())
        .name(rule.name.as_str())
        .short_description(mm(&rule.title.en))
        .full_description(mm(full.trim()))
        .help(help)
        .default_configuration(
            sarif::ReportingConfiguration::builder()
                .level(json!(level(rule.severity)))
                .build(),
        )
        .properties(
            sarif::PropertyBag::builder()
                .tags(tags)
                .additional_properties(props)
                .build(),
        )
        .build();
    if let Some(url) = rule.references.iter().find_map(|r| r.link()) {
        b.help_uri = Some(url);
    }
    b
}

fn physical(loc: &Location) -> sarif::PhysicalLocation {
    let mut al = sarif::ArtifactLocation::builder()
        .uri(uri_encode(&loc.uri))
        .build();
    if let Some(i) = loc.artifact {
        al.index = Some(i as i64);
    }
    let mut pl = sarif::PhysicalLocation::builder()
        .artifact_location(al)
        .build();
    match loc.region {
        Some(Region::Text {
            start_line,
            start_column,
            end_line,
        }) => {
            let mut r = sarif::Region::builder()
                .start_line(i64::from(start_line.max(1)))
                .build();
            r.start_column = start_column.map(|c| i64::from(c.max(1)));
            r.end_line = end_line.map(i64::from);
            pl.region = Some(r);
        }
        Some(Region::Binary {
            byte_offset,
            byte_length,
        }) => {
            let r = sarif::Region::builder()
                .byte_offset(byte_offset as i64)
                .byte_length(byte_length as i64)
                .build();
            pl.region = Some(r);
        }
        None => {}
    }
    pl
}

fn location(loc: &Location) -> sarif::Location {
    let mut l = sarif::Location::builder()
        .physical_location(physical(loc))
        .build();
    if let Some(ll) = &loc.logical {
        l.logical_locations = Some(vec![
            sarif::LogicalLocation::builder()
                .name(ll.name.as_str())
                .fully_qualified_name(ll.fully_qualified_name.as_str())
                .kind(ll.kind.as_str())
                .build(),
        ]);
    }
    l
}

fn result(report: &Report, f: &Finding, component: &[(usize, usize)]) -> sarif::Result {
    let (comp, idx) = component
        .get(f.rule_index)
        .copied()
        .unwrap_or((0, f.rule_index));
    let mut rref = sarif::ReportingDescriptorReference::builder()
        .id(f.rule_id.as_str())
        .index(idx as i64)
        .build();
    if comp > 0 {
        rref.tool_component = Some(
            sarif::ToolComponentReference::builder()
                .index((comp - 1) as i64)
                .name(
                    report
                        .packs
                        .get(comp)
                        .map(|p| p.name.clone())
                        .unwrap_or_default(),
                )
                .build(),
        );
    }
    let mut fps = BTreeMap::new();
    fps.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let mut props = BTreeMap::new();
    props.insert(
        "vigie".to_string(),
        json!({ "severity": f.severity, "message": f.message }),
    );
    if let Some(p) = report.unsigned_pack_of(f) {
        // Findings of a pack loaded with `--allow-unsigned` say so on the result itself,
        // so a reviewer of the SARIF alone cannot mistake them for vetted ones.
        props.insert(
            "vigie/unsigned-pack".to_string(),
            json!(format!("{} {}", p.name, p.version)),
        );
    }
    let locations = vec![location(&f.location)];
    let related: Vec<sarif::Location> = f
        .related
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let mut l = location(l);
            l.id = Some(i as i64);
            l
        })
        .collect();
    let mut r = sarif::Result::builder()
        .rule_id(f.rule_id.as_str())
        .rule_index(idx as i64)
        .rule(rref)
        .level(sarif::ResultLevel::from_str_lossy(level(f.severity)))
        .message(msg(&f.message.en))
        .locations(locations)
        .partial_fingerprints(fps)
        .properties(
            sarif::PropertyBag::builder()
                .additional_properties(props)
                .build(),
        )
        .build();
    if !related.is_empty() {
        r.related_locations = Some(related);
    }
    if let Some(state) = f.baseline_state {
        r.baseline_state = Some(json!(state.as_str()));
    }
    if let Some(s) = &f.suppression {
        let mut sp = sarif::Suppression::builder()
            .kind(json!("external"))
            .status(json!("accepted"))
            .justification(s.reason.as_str())
            .build();
        let mut p = BTreeMap::new();
        if let Some(o) = &s.owner {
            p.insert("owner".to_string(), json!(o));
        }
        if let Some(e) = &s.expires {
            p.insert("expires".to_string(), json!(e));
        }
        if let Some(src) = &s.source {
            p.insert("source".to_string(), json!(src));
        }
        if !p.is_empty() {
            sp.properties = Some(
                sarif::PropertyBag::builder()
                    .additional_properties(p)
                    .build(),
            );
        }
        r.suppressions = Some(vec![sp]);
    }
    r
}

fn notification(n: &Notification) -> sarif::Notification {
    let mut out = sarif::Notification::builder()
        .message(msg(&n.message))
        .level(json!(n.level.as_str()))
        .descriptor(
            sarif::ReportingDescriptorReference::builder()
                .id(n.code.as_str())
                .build(),
        )
        .build();
    if let Some(loc) = &n.location {
        out.locations = Some(vec![location(loc)]);
    }
    if let Some(rule) = &n.rule_id {
        out.associated_rule = Some(
            sarif::ReportingDescriptorReference::builder()
                .id(rule.as_str())
                .build(),
        );
    }
    out
}

/// Extension trait: serde-sarif's level enum from a string.
trait FromStrLossy {
    fn from_str_lossy(s: &str) -> Self;
}

impl FromStrLossy for sarif::ResultLevel {
    fn from_str_lossy(s: &str) -> Self {
        match s {
            "error" => sarif::ResultLevel::Error,
            "warning" => sarif::ResultLevel::Warning,
            "none" => sarif::ResultLevel::None,
            _ => sarif::ResultLevel::Note,
        }
    }
}

/// Rule indexes of each pack, in report order.
fn rules_per_pack(report: &Report) -> BTreeMap<usize, Vec<usize>> {
    let mut per_pack: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, r) in report.rules.iter().enumerate() {
        per_pack.entry(r.pack).or_default().push(i);
    }
    per_pack
}

/// Each rule's (component, index within the component): component 0 is the driver
/// (pack 0), component k > 0 is extension k-1 (pack k).
fn components(per_pack: &BTreeMap<usize, Vec<usize>>, report: &Report) -> Vec<(usize, usize)> {
    let mut component = vec![(0usize, 0usize); report.rules.len()];
    for rules in per_pack.values() {
        for (j, &i) in rules.iter().enumerate() {
            let pack = report.rules[i].pack;
            component[i] = (pack, j);
        }
    }
    component
}

/// SARIF results of some findings, built in parallel (order is kept): building results
/// is the costly part of a large report.
fn results(
    report: &Report,
    findings: &[Finding],
    component: &[(usize, usize)],
) -> Vec<sarif::Result> {
    findings
        .par_iter()
        .map(|f| result(report, f, component))
        .collect()
}

/// Builds the SARIF document of a report.
pub fn to_sarif(report: &Report) -> sarif::Sarif {
    let per_pack = rules_per_pack(report);
    let component = components(&per_pack, report);
    document(
        report,
        &per_pack,
        results(report, &report.findings, &component),
    )
}

/// The SARIF document of a report, with the given results.
fn document(
    report: &Report,
    per_pack: &BTreeMap<usize, Vec<usize>>,
    results: Vec<sarif::Result>,
) -> sarif::Sarif {
    let descriptors = |pack: usize| -> Vec<sarif::ReportingDescriptor> {
        per_pack
            .get(&pack)
            .map(|v| {
                v.iter()
                    .map(|&i| rule_descriptor(&report.rules[i]))
                    .collect()
            })
            .unwrap_or_default()
    };

    let core = report.packs.first();
    let mut driver = sarif::ToolComponent::builder()
        .name(report.tool.name.as_str())
        .version(report.tool.version.as_str())
        .semantic_version(report.tool.version.as_str())
        .information_uri(report.tool.information_uri.as_str())
        .organization("Vigie")
        .rules(descriptors(0))
        .build();
    if let Some(core) = core {
        let mut p = BTreeMap::new();
        p.insert("pack".to_string(), json!(core));
        driver.properties = Some(
            sarif::PropertyBag::builder()
                .additional_properties(p)
                .build(),
        );
    }
    let extensions: Vec<sarif::ToolComponent> = report
        .packs
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, p)| {
            let mut c = sarif::ToolComponent::builder()
                .name(p.name.as_str())
                .version(p.version.as_str())
                .semantic_version(p.version.as_str())
                .organization(p.publisher.as_str())
                .rules(descriptors(k))
                .build();
            if p.sha256.is_some() || p.unsigned {
                let mut props = BTreeMap::new();
                if let Some(sha) = &p.sha256 {
                    props.insert("sha256".to_string(), json!(sha));
                }
                if p.unsigned {
                    props.insert("unsigned".to_string(), json!(true));
                }
                c.properties = Some(
                    sarif::PropertyBag::builder()
                        .additional_properties(props)
                        .build(),
                );
            }
            c
        })
        .collect();
    let mut tool = sarif::Tool::builder().driver(driver).build();
    if !extensions.is_empty() {
        tool.extensions = Some(extensions);
    }

    let artifacts: Vec<sarif::Artifact> = report
        .artifacts
        .iter()
        .map(|a| {
            let mut hashes = BTreeMap::new();
            hashes.insert("sha-256".to_string(), a.sha256.clone());
            let mut props = BTreeMap::new();
            props.insert("kind".to_string(), json!(a.kind));
            let mut art = sarif::Artifact::builder()
                .location(
                    sarif::ArtifactLocation::builder()
                        .uri(uri_encode(&a.uri))
                        .build(),
                )
                .length(a.length as i64)
                .hashes(hashes)
                .properties(
                    sarif::PropertyBag::builder()
                        .additional_properties(props)
                        .build(),
                )
                .build();
            art.parent_index = a.parent.map(|p| p as i64);
            art
        })
        .collect();

    let notifications: Vec<sarif::Notification> =
        report.notifications.iter().map(notification).collect();
    let mut inv_props = BTreeMap::new();
    inv_props.insert("asOf".to_string(), json!(report.invocation.as_of));
    let mut invocation = sarif::Invocation::builder()
        .execution_successful(report.invocation.successful)
        .arguments(report.invocation.arguments.clone())
        .properties(
            sarif::PropertyBag::builder()
                .additional_properties(inv_props)
                .build(),
        )
        .build();
    if !report.invocation.start_time.is_empty() {
        invocation.start_time_utc = Some(report.invocation.start_time.clone());
    }
    if !report.invocation.end_time.is_empty() {
        invocation.end_time_utc = Some(report.invocation.end_time.clone());
    }
    if !notifications.is_empty() {
        invocation.tool_execution_notifications = Some(notifications);
    }

    let mut run = sarif::Run::builder()
        .tool(tool)
        .results(results)
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .build();
    if !artifacts.is_empty() {
        run.artifacts = Some(artifacts);
    }
    if !report.deployment.is_empty() {
        let mut p = BTreeMap::new();
        p.insert("deployment".to_string(), json!(report.deployment));
        run.properties = Some(
            sarif::PropertyBag::builder()
                .additional_properties(p)
                .build(),
        );
    }
    sarif::Sarif::builder()
        .schema(SCHEMA_URL)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

/// Renders a report as pretty-printed SARIF 2.1.0 JSON (with a final newline).
pub fn render(report: &Report) -> Result<String, SarifError> {
    let mut s = serde_json::to_string_pretty(&to_sarif(report))?;
    s.push('\n');
    Ok(s)
}

/// Writes a report as pretty-printed SARIF 2.1.0 JSON (with a final newline) to `out`,
/// byte for byte what [`render`] gives. Neither the text nor the SARIF results are held
/// whole in memory: the document is serialised without results, and the results are
/// built, serialised (batches in parallel) and written in its `results` array a batch at
/// a time.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), SarifError> {
    let per_pack = rules_per_pack(report);
    let component = components(&per_pack, report);
    let frame = serde_json::to_string_pretty(&document(report, &per_pack, Vec::new()))?;
    // The run's keys are indented by 6 spaces; quotes inside strings are escaped, so this
    // can only be the run's (empty) `results` array.
    crate::splice::write(
        out,
        &frame,
        "\n      \"results\": []",
        "        ",
        &report.findings,
        |f, text, indent| crate::splice::pretty(&result(report, f, &component), text, indent),
    )?;
    out.write_all(b"\n").map_err(serde_json::Error::io)?;
    Ok(())
}

/// Notification levels in SARIF order.
pub fn notification_level(s: &str) -> NotificationLevel {
    match s {
        "error" => NotificationLevel::Error,
        "warning" => NotificationLevel::Warning,
        _ => NotificationLevel::Note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_and_rendered_are_the_same() {
        let report = Report::default();
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), render(&report).unwrap());
    }

    #[test]
    fn uri_round_trip() {
        let p = "dir with space/a#b%c!/etc/shadow";
        let e = uri_encode(p);
        assert_eq!(e, "dir%20with%20space/a%23b%25c!/etc/shadow");
        assert_eq!(uri_decode(&e), p);
    }
}
