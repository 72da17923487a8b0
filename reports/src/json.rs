//! JSON rendering: the [`Report`](crate::Report) model as is.

use crate::model::Report;

/// Renders the report model as pretty-printed JSON (with a final newline).
pub fn render(report: &Report) -> Result<String, serde_json::Error> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
