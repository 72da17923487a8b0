//! JSON rendering: the [`Report`] model as is.

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
        |f, out, indent| {
            write_finding(f, out, indent);
            Ok(())
        },
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

/// A finding as serde_json's pretty printer writes it, every line after the first
/// starting with `base`: the same bytes as [`crate::splice::pretty`] gives (a test checks
/// it on findings with every optional part and with characters to escape). A large report
/// holds hundreds of thousands of findings: this writes the keys as they are and copies
/// strings that need no escaping at once, several times faster than the general
/// serialiser.
fn write_finding(f: &Finding, out: &mut Vec<u8>, base: &str) {
    let mut w = Pretty {
        out,
        base: base.as_bytes(),
        level: 0,
        first: true,
    };
    w.open(b'{');
    w.str("rule_id", &f.rule_id);
    w.num("rule_index", f.rule_index as u64);
    w.str("severity", f.severity.as_str());
    w.key("message");
    w.open(b'{');
    w.str("en", &f.message.en);
    w.str("fr", &f.message.fr);
    w.close(b'}');
    w.key("location");
    location(&mut w, &f.location);
    if !f.related.is_empty() {
        w.key("related");
        w.open(b'[');
        for l in &f.related {
            w.item();
            location(&mut w, l);
        }
        w.close(b']');
    }
    w.str("fingerprint", &f.fingerprint);
    if let Some(s) = &f.suppression {
        w.key("suppression");
        w.open(b'{');
        w.str("reason", &s.reason);
        for (k, v) in [
            ("owner", &s.owner),
            ("expires", &s.expires),
            ("source", &s.source),
        ] {
            if let Some(v) = v {
                w.str(k, v);
            }
        }
        w.close(b'}');
    }
    if let Some(b) = f.baseline_state {
        w.str("baseline_state", b.as_str());
    }
    w.close(b'}');
}

fn location(w: &mut Pretty<'_>, l: &crate::model::Location) {
    w.open(b'{');
    w.str("uri", &l.uri);
    if let Some(a) = l.artifact {
        w.num("artifact", a as u64);
    }
    match l.region {
        Some(crate::model::Region::Text {
            start_line,
            start_column,
            end_line,
        }) => {
            w.key("region");
            w.open(b'{');
            w.str("kind", "text");
            w.num("start_line", u64::from(start_line));
            if let Some(c) = start_column {
                w.num("start_column", u64::from(c));
            }
            if let Some(e) = end_line {
                w.num("end_line", u64::from(e));
            }
            w.close(b'}');
        }
        Some(crate::model::Region::Binary {
            byte_offset,
            byte_length,
        }) => {
            w.key("region");
            w.open(b'{');
            w.str("kind", "binary");
            w.num("byte_offset", byte_offset);
            w.num("byte_length", byte_length);
            w.close(b'}');
        }
        None => {}
    }
    if let Some(g) = &l.logical {
        w.key("logical");
        w.open(b'{');
        w.str("name", &g.name);
        w.str("fully_qualified_name", &g.fully_qualified_name);
        w.str("kind", &g.kind);
        w.close(b'}');
    }
    w.close(b'}');
}

/// The pretty JSON layout of serde_json (two spaces a level), written by hand.
struct Pretty<'a> {
    out: &'a mut Vec<u8>,
    base: &'a [u8],
    level: usize,
    /// No member written yet in the innermost object or array.
    first: bool,
}

impl Pretty<'_> {
    fn newline(&mut self) {
        self.out.push(b'\n');
        self.out.extend_from_slice(self.base);
        for _ in 0..self.level {
            self.out.extend_from_slice(b"  ");
        }
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.level += 1;
        self.first = true;
    }

    /// Closes an object or array (never empty here: every one written has a member).
    fn close(&mut self, bracket: u8) {
        self.level = self.level.saturating_sub(1);
        self.newline();
        self.out.push(bracket);
        self.first = false;
    }

    fn item(&mut self) {
        if !std::mem::take(&mut self.first) {
            self.out.push(b',');
        }
        self.newline();
    }

    fn key(&mut self, key: &str) {
        self.item();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    fn str(&mut self, key: &str, value: &str) {
        self.key(key);
        string(self.out, value);
    }

    fn num(&mut self, key: &str, value: u64) {
        self.key(key);
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
    }
}

/// `s` as a JSON string: as is when nothing needs escaping, else as serde_json escapes it.
fn string(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // Writing to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written layout of a finding is serde_json's, byte for byte: every optional
    /// part present or absent, both kinds of region, related locations, strings with
    /// quotes, backslashes, control characters, line breaks and non-ASCII text.
    #[test]
    fn findings_written_by_hand_are_what_serde_writes() {
        use crate::model::*;
        let texts = [
            "",
            "plain",
            "quote \" and \\ slash",
            "C:\\path",
            "tab\there\nline",
            "\u{1}\u{1f}",
            "é ü 漢 🦀",
            "</script>",
        ];
        let regions = [
            None,
            Some(Region::Text {
                start_line: 3,
                start_column: None,
                end_line: None,
            }),
            Some(Region::Text {
                start_line: 1,
                start_column: Some(7),
                end_line: Some(9),
            }),
            Some(Region::Binary {
                byte_offset: 0,
                byte_length: u64::MAX,
            }),
        ];
        let mut compared = 0;
        for (i, text) in texts.iter().enumerate() {
            for (j, region) in regions.iter().enumerate() {
                let location = |k: usize| Location {
                    uri: format!("{text}/{k}"),
                    artifact: k.is_multiple_of(2).then_some(k * 1000),
                    region: *region,
                    logical: (!k.is_multiple_of(3)).then(|| LogicalLocation {
                        name: text.to_string(),
                        fully_qualified_name: format!("{text}:{k}"),
                        kind: "resource".into(),
                    }),
                };
                let f = Finding {
                    rule_id: format!("NET-{i}{text}"),
                    rule_index: i * j,
                    severity: [
                        Severity::Info,
                        Severity::Low,
                        Severity::Medium,
                        Severity::High,
                        Severity::Critical,
                    ][(i + j) % 5],
                    message: Text {
                        en: text.to_string(),
                        fr: texts[(i + 1) % texts.len()].to_string(),
                    },
                    location: location(i + j),
                    related: (0..j).map(location).collect(),
                    fingerprint: format!("{:032x}", i * 31 + j),
                    suppression: (j % 2 == 1).then(|| {
                        Box::new(Suppression {
                            reason: text.to_string(),
                            owner: (i % 2 == 0).then(|| "dpo".to_string()),
                            expires: (i % 3 == 0).then(|| "2027-01-01".to_string()),
                            source: (j == 3).then(|| format!("vigie.toml:{i}")),
                        })
                    }),
                    baseline_state: [
                        None,
                        Some(BaselineState::New),
                        Some(BaselineState::Unchanged),
                        Some(BaselineState::Updated),
                        Some(BaselineState::Absent),
                    ][(i + 2 * j) % 5],
                };
                for base in ["", "    "] {
                    let mut by_hand = Vec::new();
                    write_finding(&f, &mut by_hand, base);
                    let mut by_serde = Vec::new();
                    crate::splice::pretty(&f, &mut by_serde, base).unwrap();
                    assert_eq!(
                        String::from_utf8(by_hand).unwrap(),
                        String::from_utf8(by_serde).unwrap()
                    );
                    compared += 1;
                }
            }
        }
        assert_eq!(compared, texts.len() * regions.len() * 2);
    }

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
