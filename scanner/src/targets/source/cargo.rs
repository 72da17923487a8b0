//! `Cargo.toml` and `Cargo.lock`: dependencies (name, version or requirement, section),
//! the package name, and `[profile.*]` settings, each with its line.

use super::{ArgFact, SourceFact, fact, note};
use crate::artifact::Artifact;
use crate::targets::Extracted;

fn text_of<'a>(artifact: &'a Artifact, out: &mut Extracted) -> Option<&'a str> {
    match std::str::from_utf8(&artifact.bytes) {
        Ok(t) => Some(t),
        Err(e) => {
            out.notifications.push(note(
                &artifact.path.to_string(),
                "cargo-file-not-utf8",
                format!("Cargo file is not valid UTF-8 (byte {})", e.valid_up_to()),
                1,
                1,
            ));
            None
        }
    }
}

fn line_of_offset(text: &str, offset: usize) -> u32 {
    text.get(..offset.min(text.len()))
        .map(|s| s.matches('\n').count() as u32 + 1)
        .unwrap_or(1)
}

/// 1-based line of the first line at or after `from` (0-based) that defines `key`
/// (`key =`, `"key" =` or a `[...key]` table header), or `fallback`.
fn find_key(lines: &[&str], from: usize, key: &str, fallback: u32) -> u32 {
    for (i, l) in lines.iter().enumerate().skip(from) {
        let t = l.trim_start();
        let t = t.strip_prefix('"').unwrap_or(t);
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.strip_prefix('"').unwrap_or(rest).trim_start();
            if rest.starts_with('=') || rest.starts_with('.') {
                return i as u32 + 1;
            }
        }
        if t.starts_with('[')
            && (t.contains(&format!(".{key}]")) || t.contains(&format!(".{key}\"]")))
        {
            return i as u32 + 1;
        }
    }
    fallback
}

fn header_line(lines: &[&str], header: &str) -> usize {
    lines
        .iter()
        .position(|l| {
            let t = l.trim();
            t.starts_with('[') && t.trim_matches(['[', ']']).trim() == header
        })
        .unwrap_or(0)
}

fn dir_of(uri: &str) -> String {
    uri.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

/// Facts of a `Cargo.toml`.
pub fn manifest(artifact: &Artifact) -> Extracted {
    let mut out = Extracted::default();
    let uri = artifact.path.to_string();
    let Some(text) = text_of(artifact, &mut out) else {
        return out;
    };
    let table: toml::Table = match text.parse() {
        Ok(t) => t,
        Err(e) => {
            let line = e.span().map(|s| line_of_offset(text, s.start)).unwrap_or(1);
            out.notifications.push(note(
                &uri,
                "cargo-manifest-parse-error",
                format!("Cargo.toml does not parse: {}", e.message()),
                line,
                1,
            ));
            return out;
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    if let Some(name) = table
        .get("package")
        .and_then(|p| p.get("name"))
        .and_then(|n| n.as_str())
    {
        let line = header_line(&lines, "package") as u32 + 1;
        out.facts.push(fact(
            &uri,
            line,
            1,
            format!("package:{name}"),
            SourceFact {
                kind: "package".into(),
                name: name.to_string(),
                binding: dir_of(&uri),
                text: name.to_string(),
                // `[[bin]]` targets; `src/main.rs` is added by the correlation.
                flags: if table.contains_key("bin") {
                    vec!["binary".into()]
                } else {
                    Vec::new()
                },
                ..SourceFact::default()
            },
        ));
    }
    let mut sections: Vec<(String, &toml::Table)> = Vec::new();
    for s in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(t) = table.get(s).and_then(|v| v.as_table()) {
            sections.push((s.to_string(), t));
        }
        if let Some(targets) = table.get("target").and_then(|v| v.as_table()) {
            for (cfg, tt) in targets {
                if let Some(t) = tt.get(s).and_then(|v| v.as_table()) {
                    sections.push((format!("target.{cfg}.{s}"), t));
                }
            }
        }
    }
    if let Some(t) = table
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(|v| v.as_table())
    {
        sections.push(("workspace.dependencies".into(), t));
    }
    for (section, deps) in sections {
        let from = header_line(&lines, &section);
        for (key, v) in deps {
            let (name, version) = match v {
                toml::Value::String(req) => (key.clone(), req.clone()),
                toml::Value::Table(t) => (
                    t.get("package")
                        .and_then(|p| p.as_str())
                        .unwrap_or(key)
                        .to_string(),
                    t.get("version")
                        .and_then(|p| p.as_str())
                        .unwrap_or("")
                        .to_string(),
                ),
                _ => (key.clone(), String::new()),
            };
            let line = find_key(&lines, from, key, from as u32 + 1);
            out.facts.push(fact(
                &uri,
                line,
                1,
                format!("dependency:{section}:{key}"),
                SourceFact {
                    kind: "dependency".into(),
                    text: if version.is_empty() {
                        name.clone()
                    } else {
                        format!("{name} {version}")
                    },
                    name,
                    binding: section.clone(),
                    version,
                    origin: "Cargo.toml".into(),
                    ..SourceFact::default()
                },
            ));
        }
    }
    if let Some(profiles) = table.get("profile").and_then(|v| v.as_table()) {
        for (profile, settings) in profiles {
            let Some(settings) = settings.as_table() else {
                continue;
            };
            let from = header_line(&lines, &format!("profile.{profile}"));
            for (key, v) in settings {
                let (kind, value) = match v {
                    toml::Value::Boolean(b) => ("bool", b.to_string()),
                    toml::Value::Integer(i) => ("int", i.to_string()),
                    toml::Value::String(s) => ("str", s.clone()),
                    _ => continue,
                };
                let name = format!("profile.{profile}.{key}");
                let line = find_key(&lines, from, key, from as u32 + 1);
                out.facts.push(fact(
                    &uri,
                    line,
                    1,
                    format!("setting:{name}"),
                    SourceFact {
                        kind: "setting".into(),
                        text: format!("{name} = {value}"),
                        name,
                        args: vec![ArgFact {
                            kind: kind.into(),
                            text: value,
                            dynamic: false,
                        }],
                        ..SourceFact::default()
                    },
                ));
            }
        }
    }
    out
}

fn quoted_value(line: &str, key: &str) -> Option<String> {
    let rest = line
        .trim()
        .strip_prefix(key)?
        .trim_start()
        .strip_prefix('=')?;
    let v = rest.trim().strip_prefix('"')?;
    Some(v.split('"').next().unwrap_or("").to_string())
}

/// Facts of a `Cargo.lock`: one `dependency` per `[[package]]`, at its `name` line.
/// Read line by line (the format is generated by cargo and flat), which keeps lines.
pub fn lock(artifact: &Artifact) -> Extracted {
    let mut out = Extracted::default();
    let uri = artifact.path.to_string();
    let Some(text) = text_of(artifact, &mut out) else {
        return out;
    };
    let mut current: Option<(String, String, String, u32)> = None;
    let flush = |c: Option<(String, String, String, u32)>, out: &mut Extracted| {
        if let Some((name, version, source, line)) = c
            && !name.is_empty()
        {
            out.facts.push(fact(
                &uri,
                line,
                1,
                format!("dependency:lock:{name}:{version}"),
                SourceFact {
                    kind: "dependency".into(),
                    text: format!("{name} {version}"),
                    name,
                    binding: if source.is_empty() {
                        "local".into()
                    } else {
                        "dependencies".into()
                    },
                    version,
                    origin: "Cargo.lock".into(),
                    ..SourceFact::default()
                },
            ));
        }
    };
    for (i, l) in text.lines().enumerate() {
        let t = l.trim();
        if t == "[[package]]" {
            flush(current.take(), &mut out);
            current = Some((String::new(), String::new(), String::new(), i as u32 + 1));
        } else if t.starts_with('[') {
            flush(current.take(), &mut out);
        } else if let Some(c) = current.as_mut() {
            if let Some(v) = quoted_value(t, "name") {
                c.0 = v;
                c.3 = i as u32 + 1;
            } else if let Some(v) = quoted_value(t, "version") {
                c.1 = v;
            } else if let Some(v) = quoted_value(t, "source") {
                c.2 = v;
            }
        }
    }
    flush(current.take(), &mut out);
    out
}
