//! JSON rendering: the [`Report`](crate::Report) model as is.

use crate::model::{
    ArtifactInfo, Finding, Invocation, Notification, PackInfo, Report, RuleMeta, ToolInfo,
};
use serde::Serialize;

/// Renders the report model as pretty-printed JSON (with a final newline).
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

/// Writes the report model as pretty-printed JSON (with a final newline) to `out`, byte
/// for byte what [`render`] gives: the report without findings is serialised first, then
/// the findings in its `findings` array, a batch at a time (batches in parallel), so a
/// large report is never held whole in memory as text.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), serde_json::Error> {
    let frame = serde_json::to_string_pretty(&Frame::of(report))?;
    // The report's keys are indented by 2 spaces, and newlines inside strings are
    // escaped: this can only be the (empty) `findings` array.
    crate::splice::write(
        out,
        &frame,
        "\n  \"findings\": []",
        "    ",
        &report.findings,
        crate::splice::pretty,
    )?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
}

/// The report's fields in the order [`Report`] serialises them, without the findings.
#[derive(Serialize)]
struct Frame<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    deployment: &'a str,
    tool: &'a ToolInfo,
    packs: &'a [PackInfo],
    rules: &'a [RuleMeta],
    artifacts: &'a [ArtifactInfo],
    findings: [Finding; 0],
    notifications: &'a [Notification],
    invocation: &'a Invocation,
}

impl<'a> Frame<'a> {
    fn of(r: &'a Report) -> Self {
        Frame {
            deployment: &r.deployment,
            tool: &r.tool,
            packs: &r.packs,
            rules: &r.rules,
            artifacts: &r.artifacts,
            findings: [],
            notifications: &r.notifications,
            invocation: &r.invocation,
        }
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

    /// Findings written batch by batch (several batches, text with newlines and quotes)
    /// give the document serialised at once.
    #[test]
    fn findings_written_in_batches_are_the_whole_document() {
        let mut report = Report {
            deployment: "d".into(),
            ..Report::default()
        };
        for i in 0..9000 {
            report.findings.push(crate::model::Finding {
                rule_id: format!("R-{i}"),
                rule_index: i,
                severity: crate::model::Severity::High,
                message: crate::model::Text {
                    en: format!("line\n  \"findings\": [] {i}"),
                    fr: String::new(),
                },
                location: crate::model::Location {
                    uri: "a.xml".into(),
                    ..Default::default()
                },
                related: vec![crate::model::Location::default()],
                fingerprint: format!("{i:032}"),
                suppression: None,
                baseline_state: None,
            });
        }
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), render(&report).unwrap());
        report.deployment.clear();
        report.findings.truncate(1);
        let mut out = Vec::new();
        write(&report, &mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), render(&report).unwrap());
    }
}
