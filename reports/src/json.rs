//! JSON rendering: the [`Report`](crate::Report) model as is.

use crate::model::Report;

/// Renders the report model as pretty-printed JSON (with a final newline).
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}

/// Writes the report model as pretty-printed JSON (with a final newline) to `out`, as it
/// is serialised: a large report is never held whole in memory as text.
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> Result<(), serde_json::Error> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n").map_err(serde_json::Error::io)
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
}
