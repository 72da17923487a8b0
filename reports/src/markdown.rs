//! Markdown summary for CI job summaries and merge-request comments: the verdict,
//! counts per severity, what is new since the baseline, the most frequent rules and a
//! link to the full SARIF.

use crate::html::{item_label, verdict};
use crate::i18n::Translator;
use crate::model::{BaselineState, Lang, Report, Severity};
use fluent_bundle::FluentValue;
use std::collections::BTreeMap;
use std::fmt::Write;

/// New findings listed one by one before "… and N more".
const NEW_ITEMS: usize = 20;
/// Rules listed in "most frequent rules".
const TOP_RULES: usize = 10;

/// Options of the Markdown renderer.
#[derive(Debug, Clone, Default)]
pub struct MarkdownOptions {
    /// Language.
    pub lang: Lang,
    /// Where the full SARIF is (a path or URL), linked at the end.
    pub sarif: Option<String>,
}

/// Makes a text safe inside a Markdown table cell or inline code.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

/// Renders the summary.
pub fn render(report: &Report, opts: &MarkdownOptions) -> String {
    let tr = Translator::get(opts.lang);
    let lang = opts.lang;
    let counts = report.counts();
    let mut out = String::new();
    let title = tr.t("md-title");
    if report.deployment.is_empty() {
        let _ = writeln!(out, "## {title}\n");
    } else {
        let _ = writeln!(out, "## {title} · {}\n", report.deployment);
    }
    let (v, _) = verdict(report, &tr);
    let _ = writeln!(out, "{v}\n");
    let has_baseline = report.has_baseline();
    let mut new_per: BTreeMap<Severity, usize> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.is_active()) {
        if f.baseline_state == Some(BaselineState::New) {
            *new_per.entry(f.severity).or_default() += 1;
        }
    }
    if has_baseline {
        let _ = writeln!(
            out,
            "| {} | {} |\n|---|---:|---:|",
            tr.t("md-counts"),
            tr.t("md-new-col")
        );
    } else {
        let _ = writeln!(out, "| {} |\n|---|---:|", tr.t("md-counts"));
    }
    for s in Severity::ALL {
        let label = tr.t(&format!("sev-{}", s.as_str()));
        if has_baseline {
            let _ = writeln!(
                out,
                "| {label} | {} | {} |",
                counts.get(s),
                new_per.get(&s).copied().unwrap_or(0)
            );
        } else {
            let _ = writeln!(out, "| {label} | {} |", counts.get(s));
        }
    }
    out.push('\n');
    if counts.suppressed > 0 {
        let _ = writeln!(out, "_{}_\n", tr.n("suppressed-count", counts.suppressed));
    }

    if has_baseline {
        let (new, _, _, fixed) = crate::baseline::state_counts(report);
        let _ = writeln!(out, "### {}\n", tr.t("md-new-title"));
        let _ = writeln!(
            out,
            "{}\n",
            tr.tr(
                "verdict-baseline",
                &[
                    ("new", FluentValue::from(new)),
                    ("fixed", FluentValue::from(fixed)),
                ]
            )
        );
        let news: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.is_active() && f.baseline_state == Some(BaselineState::New))
            .collect();
        if news.is_empty() {
            let _ = writeln!(out, "{}\n", tr.t("md-new-none"));
        } else {
            for f in news.iter().take(NEW_ITEMS) {
                let _ = writeln!(
                    out,
                    "- **{}** {} {}: {}",
                    tr.t(&format!("sev-{}", f.severity.as_str())),
                    code(&f.rule_id),
                    code(&item_label(f)),
                    f.message.get(lang).replace('\n', " ")
                );
            }
            if news.len() > NEW_ITEMS {
                let _ = writeln!(
                    out,
                    "- {}",
                    tr.tr(
                        "md-more",
                        &[("n", FluentValue::from(news.len() - NEW_ITEMS))]
                    )
                );
            }
            out.push('\n');
        }
    }

    let mut per_rule: BTreeMap<usize, (usize, Severity)> = BTreeMap::new();
    for f in report.findings.iter().filter(|f| f.is_active()) {
        let e = per_rule.entry(f.rule_index).or_insert((0, f.severity));
        e.0 += 1;
        e.1 = e.1.max(f.severity);
    }
    if !per_rule.is_empty() {
        let mut rules: Vec<(usize, usize, Severity)> =
            per_rule.into_iter().map(|(r, (n, s))| (r, n, s)).collect();
        rules.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then_with(|| b.1.cmp(&a.1))
                .then_with(|| a.0.cmp(&b.0))
        });
        let _ = writeln!(out, "### {}\n", tr.t("md-top-title"));
        let _ = writeln!(
            out,
            "| {} | {} | {} |\n|---|---|---:|",
            tr.t("md-rule"),
            tr.t("severity-label"),
            tr.t("md-count")
        );
        for (ri, n, s) in rules.iter().take(TOP_RULES) {
            let (id, title) = report
                .rules
                .get(*ri)
                .map(|r| (r.id.clone(), r.title.get(lang).to_string()))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} {} | {} | {n} |",
                code(&id),
                cell(&title),
                tr.t(&format!("sev-{}", s.as_str()))
            );
        }
        if rules.len() > TOP_RULES {
            let _ = writeln!(
                out,
                "\n{}",
                tr.tr(
                    "md-more",
                    &[("n", FluentValue::from(rules.len() - TOP_RULES))]
                )
            );
        }
        out.push('\n');
    }
    if let Some(s) = &opts.sarif {
        let _ = writeln!(
            out,
            "{}",
            tr.tr("md-sarif", &[("path", FluentValue::from(code(s)))])
        );
    }
    out
}
