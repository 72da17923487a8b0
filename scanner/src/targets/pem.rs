//! PEM armour reader that keeps line numbers (RFC 7468, plus the OpenSSL
//! `Proc-Type`/`DEK-Info` headers of legacy encrypted keys).

use base64::Engine;

/// One `-----BEGIN X-----` ... `-----END X-----` block.
#[derive(Debug, Clone)]
pub struct PemBlock {
    /// The label, e.g. `CERTIFICATE`, `RSA PRIVATE KEY`.
    pub label: String,
    /// 1-based line of the BEGIN marker.
    pub line: u32,
    /// 1-based line of the END marker (or of the last line read when it is missing).
    pub end_line: u32,
    /// True when an RFC 1421 header says `Proc-Type: 4,ENCRYPTED`.
    pub legacy_encrypted: bool,
    /// Decoded content, or why it could not be decoded.
    pub data: Result<Vec<u8>, String>,
}

/// Finds every PEM block in `text`. Malformed blocks are returned with an `Err` payload so
/// the caller can report them with their line; text outside blocks is ignored.
pub fn blocks(text: &[u8]) -> Vec<PemBlock> {
    let text = String::from_utf8_lossy(text);
    let mut out = Vec::new();
    let mut current: Option<(String, u32, bool, String)> = None;
    let mut last_line = 0u32;
    for (i, raw) in text.lines().enumerate() {
        let lineno = u32::try_from(i + 1).unwrap_or(u32::MAX);
        last_line = lineno;
        let line = raw.trim();
        if let Some(label) = line
            .strip_prefix("-----BEGIN ")
            .and_then(|r| r.strip_suffix("-----"))
        {
            if let Some((label, start, enc, _)) = current.take() {
                out.push(PemBlock {
                    label,
                    line: start,
                    end_line: lineno.saturating_sub(1),
                    legacy_encrypted: enc,
                    data: Err("END marker missing before the next BEGIN".to_string()),
                });
            }
            current = Some((label.to_string(), lineno, false, String::new()));
            continue;
        }
        let Some((label, start, enc, body)) = current.as_mut() else {
            continue;
        };
        if let Some(end) = line
            .strip_prefix("-----END ")
            .and_then(|r| r.strip_suffix("-----"))
        {
            let data = if end != label.as_str() {
                Err(format!(
                    "END label `{end}` does not match BEGIN label `{label}`"
                ))
            } else {
                base64::engine::general_purpose::STANDARD
                    .decode(body.as_bytes())
                    .map_err(|e| format!("invalid base64: {e}"))
                    .and_then(|d| {
                        if d.is_empty() {
                            Err("empty block".to_string())
                        } else {
                            Ok(d)
                        }
                    })
            };
            out.push(PemBlock {
                label: label.clone(),
                line: *start,
                end_line: lineno,
                legacy_encrypted: *enc,
                data,
            });
            current = None;
            continue;
        }
        if let Some((key, value)) = line.split_once(':') {
            // RFC 1421 encapsulated header (only legal before the base64 body).
            if body.is_empty() && !key.contains(' ') {
                if key.eq_ignore_ascii_case("Proc-Type") && value.contains("ENCRYPTED") {
                    *enc = true;
                }
                continue;
            }
        }
        body.extend(line.chars().filter(|c| !c.is_whitespace()));
    }
    if let Some((label, start, enc, _)) = current {
        out.push(PemBlock {
            label,
            line: start,
            end_line: last_line,
            legacy_encrypted: enc,
            data: Err("END marker missing (file truncated?)".to_string()),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_with_lines() {
        let t = b"junk\n-----BEGIN CERTIFICATE-----\nAAEC\nAw==\n-----END CERTIFICATE-----\n\
-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAEC\n-----END RSA PRIVATE KEY-----\n";
        let b = blocks(t);
        assert_eq!(b.len(), 2);
        assert_eq!(b[0].label, "CERTIFICATE");
        assert_eq!(b[0].line, 2);
        assert_eq!(b[0].end_line, 5);
        assert_eq!(b[0].data.as_deref().ok(), Some(&[0u8, 1, 2, 3][..]));
        assert!(b[1].legacy_encrypted);
        assert_eq!(b[1].line, 6);
    }

    #[test]
    fn garbage_and_truncation_are_errors() {
        let b = blocks(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
        assert!(b[0].data.is_err());
        let b = blocks(b"-----BEGIN CERTIFICATE-----\nAAAA\n");
        assert!(
            b[0].data
                .as_ref()
                .is_err_and(|e| e.contains("END marker missing"))
        );
        let b = blocks(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END X509 CRL-----\n");
        assert!(b[0].data.is_err());
    }
}
