//! Plain-text rendering for terminals and CI logs.
//!
//! Findings are grouped by severity, most serious first, one line each with
//! `path:line` (or the logical location), rule id and message. Colour is used only
//! when the caller says the output is a terminal.

use crate::model::{BaselineState, Lang, NotificationLevel, Report, Severity};
use std::fmt::Write;

/// Options of the text renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// Language of rule texts.
    pub lang: Lang,
}

fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

fn sev_color(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "1;35",
        Severity::High => "1;31",
        Severity::Medium => "33",
        Severity::Low => "36",
        Severity::Info => "2",
    }
}

fn sev_label(s: Severity, lang: Lang) -> &'static str {
    match (lang, s) {
        (Lang::Fr, Severity::Critical) => "CRITIQUE",
        (Lang::Fr, Severity::High) => "ÉLEVÉE",
        (Lang::Fr, Severity::Medium) => "MOYENNE",
        (Lang::Fr, Severity::Low) => "FAIBLE",
        (Lang::Fr, Severity::Info) => "INFO",
        (Lang::En, Severity::Critical) => "CRITICAL",
        (Lang::En, Severity::High) => "HIGH",
        (Lang::En, Severity::Medium) => "MEDIUM",
        (Lang::En, Severity::Low) => "LOW",
        (Lang::En, Severity::Info) => "INFO",
    }
}

/// Renders the report as text.
pub fn render(report: &Report, opts: TextOptions) -> String {
    let c = opts.color;
    let lang = opts.lang;
    let mut out = String::new();
    for sev in Severity::ALL {
        let group: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.severity == sev && f.is_active())
            .collect();
        if group.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "{} ({})",
            paint(c, sev_color(sev), sev_label(sev, lang)),
            group.len()
        );
        for f in group {
            let mut loc = f.location.short();
            if let Some(l) = &f.location.logical {
                loc.push_str(&format!(" [{}]", l.name));
            }
            if let Some(p) = report.unsigned_pack_of(f) {
                let mark = match lang {
                    Lang::Fr => "paquet non signé",
                    Lang::En => "unsigned pack",
                };
                loc.push_str(&format!(" [{mark} {} {}]", p.name, p.version));
            }
            let name = report.rule_of(f).map(|r| r.name.as_str()).unwrap_or("");
            let _ = writeln!(
                out,
                "  {}  {} {}  {}",
                loc,
                paint(c, "1", &f.rule_id),
                paint(c, "2", name),
                f.message.get(lang)
            );
        }
        out.push('\n');
    }
    let suppressed: Vec<_> = report
        .findings
        .iter()
        .filter(|f| f.suppression.is_some() && f.baseline_state != Some(BaselineState::Absent))
        .collect();
    if !suppressed.is_empty() {
        let title = match lang {
            Lang::Fr => "CONSTATS SUPPRIMÉS",
            Lang::En => "SUPPRESSED",
        };
        let _ = writeln!(out, "{} ({})", paint(c, "2", title), suppressed.len());
        for f in suppressed {
            let reason = f
                .suppression
                .as_ref()
                .map(|s| s.reason.as_str())
                .unwrap_or("");
            let _ = writeln!(
                out,
                "  {}  {}  {} ({})",
                f.location.short(),
                f.rule_id,
                f.message.get(lang),
                reason
            );
        }
        out.push('\n');
    }
    if !report.notifications.is_empty() {
        let title = match lang {
            Lang::Fr => "NOTIFICATIONS",
            Lang::En => "NOTIFICATIONS",
        };
        let _ = writeln!(
            out,
            "{} ({})",
            paint(c, "1", title),
            report.notifications.len()
        );
        for n in &report.notifications {
            let lvl = match n.level {
                NotificationLevel::Error => paint(c, "31", "error"),
                NotificationLevel::Warning => paint(c, "33", "warning"),
                NotificationLevel::Note => paint(c, "2", "note"),
            };
            let loc = n
                .location
                .as_ref()
                .map(|l| format!("{}: ", l.short()))
                .unwrap_or_default();
            let _ = writeln!(out, "  {lvl}[{}] {loc}{}", n.code, n.message);
        }
        out.push('\n');
    }
    let counts = report.counts();
    let artifacts = report.artifacts.len();
    let summary = match lang {
        Lang::Fr => format!(
            "{} constat{} (critique : {}, élevée : {}, moyenne : {}, faible : {}, info : {}), {} supprimé{}, {} fichier{} analysé{}, {} notification{}",
            counts.total(),
            if counts.total() > 1 { "s" } else { "" },
            counts.critical,
            counts.high,
            counts.medium,
            counts.low,
            counts.info,
            counts.suppressed,
            if counts.suppressed > 1 { "s" } else { "" },
            artifacts,
            if artifacts > 1 { "s" } else { "" },
            if artifacts > 1 { "s" } else { "" },
            report.notifications.len(),
            if report.notifications.len() > 1 {
                "s"
            } else {
                ""
            },
        ),
        Lang::En => format!(
            "{} finding{} ({} critical, {} high, {} medium, {} low, {} info), {} suppressed, {} artifact{} scanned, {} notification{}",
            counts.total(),
            if counts.total() == 1 { "" } else { "s" },
            counts.critical,
            counts.high,
            counts.medium,
            counts.low,
            counts.info,
            counts.suppressed,
            artifacts,
            if artifacts == 1 { "" } else { "s" },
            report.notifications.len(),
            if report.notifications.len() == 1 {
                ""
            } else {
                "s"
            },
        ),
    };
    let _ = writeln!(out, "{}", paint(c, "1", &summary));
    out
}
