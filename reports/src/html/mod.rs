//! The HTML report: one self-contained page for people, above all a commune's DPO.
//!
//! The first screen answers "how bad is it and what do I do first": a one-sentence
//! verdict, counts per severity and per area (table and SVG chart), and the five rule
//! groups whose fixes remove the most risk. Then the action plan, one group per rule,
//! ordered by severity then count, each with why it matters, what to ask the integrator,
//! references with links and the affected items. Suppressed findings (accepted risks)
//! have their own section. Everything is inline (CSS, SVG, a small script for filters),
//! and a Content-Security-Policy forbids any request, so the file works offline and
//! leaks nothing.
//!
//! Scale: a group shows its first items and keeps the rest in a closed `<details>`,
//! which the browser parses but does not lay out; 100,000 findings stay well within the
//! 5 s / 30 MB budget (see the browser tests).

use crate::areas::Area;
use crate::i18n::{Translator, long_date};
use crate::model::{BaselineState, Finding, Lang, NotificationLevel, Report, Severity};
use fluent_bundle::FluentValue;
use minijinja::Environment;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

const TEMPLATE: &str = include_str!("report.html.j2");
const CSS: &str = include_str!("style.css");
const SCRIPT: &str = include_str!("script.js");

/// Items shown before a group's "show the other items" toggle.
const HEAD_ITEMS: usize = 10;
/// Entries listed in the "fixed since the baseline" section.
const FIXED_ITEMS: usize = 200;

/// Options of the HTML renderer.
#[derive(Debug, Clone, Copy, Default)]
pub struct HtmlOptions {
    /// Language of the page and of rule texts.
    pub lang: Lang,
}

/// Errors of the HTML renderer.
#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    /// The template failed (a bug: the template is compiled in).
    #[error("HTML template error: {0}")]
    Template(#[from] minijinja::Error),
}

#[derive(Serialize)]
struct SevCount {
    key: &'static str,
    label: String,
    help: String,
    n: usize,
    new: String,
}

#[derive(Serialize)]
struct AreaRow {
    key: &'static str,
    label: String,
    counts: Vec<usize>,
    total: usize,
    covered: bool,
}

#[derive(Serialize)]
struct RefView {
    label: String,
    url: Option<String>,
}

#[derive(Serialize)]
struct Item {
    loc: String,
    msg: String,
    new: bool,
}

#[derive(Serialize)]
struct Group {
    anchor: String,
    id: String,
    title: String,
    sev: &'static str,
    sev_label: String,
    area: &'static str,
    area_label: String,
    /// Which pack (and publisher) the rule comes from; marked when unsigned.
    provenance: String,
    what: String,
    why: String,
    fix: String,
    refs: Vec<RefView>,
    count: usize,
    count_label: String,
    new_label: String,
    head: Vec<Item>,
    rest: Vec<Item>,
    more_label: String,
    #[serde(skip)]
    score: u64,
    #[serde(skip)]
    severity: Severity,
}

#[derive(Serialize)]
struct SuppressedRow {
    sev: &'static str,
    sev_label: String,
    title: String,
    msg: String,
    loc: String,
    reason: String,
    owner: String,
    expires: String,
}

#[derive(Serialize)]
struct FixedRow {
    title: String,
    loc: String,
}

#[derive(Serialize)]
struct NoteRow {
    loc: String,
    level: String,
    msg: String,
}

#[derive(Serialize)]
struct TopRef<'a> {
    anchor: &'a str,
    title: &'a str,
    sev: &'static str,
    sev_label: &'a str,
    count_label: &'a str,
}

/// Weight of a severity in the "remove the most risk" ordering: one critical finding
/// weighs about three high ones, and so on; information weighs nothing.
fn weight(s: Severity) -> u64 {
    match s {
        Severity::Critical => 27,
        Severity::High => 9,
        Severity::Medium => 3,
        Severity::Low => 1,
        Severity::Info => 0,
    }
}

/// `path:line` plus the logical name (certificate, host) when there is one.
pub fn item_label(f: &Finding) -> String {
    let mut loc = f.location.short();
    if let Some(l) = &f.location.logical
        && !l.name.is_empty()
    {
        let _ = write!(loc, " [{}]", l.name);
    }
    loc
}

/// The verdict sentence and its class (`critical`, `high`, `medium`, `clean`).
pub fn verdict(report: &Report, tr: &Translator) -> (String, &'static str) {
    let c = report.counts();
    if c.critical > 0 {
        (tr.n("verdict-critical", c.critical), "critical")
    } else if c.high > 0 {
        (tr.n("verdict-high", c.high), "high")
    } else if c.medium + c.low > 0 {
        (tr.n("verdict-medium", c.medium + c.low), "medium")
    } else {
        (tr.t("verdict-clean"), "clean")
    }
}

fn chart(areas: &[AreaRow], tr: &Translator) -> String {
    // Horizontal stacked bars, one per area; the table beside it has the same numbers,
    // so the chart is an image with a text alternative.
    let max = areas.iter().map(|a| a.total).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (250.0, 160.0, 30.0);
    let h = row_h * areas.len() as f64 + 10.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="chart-t chart-d" viewBox="0 0 {w} {h}" width="100%" style="max-width:30rem"><title id="chart-t">{title}</title><desc id="chart-d">{desc}</desc>"#,
        w = label_w + bar_w + 100.0,
        title = minijinja::HtmlEscape(&tr.t("chart-title")),
        desc = minijinja::HtmlEscape(&tr.t("chart-desc")),
    );
    let colours = ["#6a1b9a", "#b0001e", "#8a4b00", "#1d5a8c", "#4d4d4d"];
    for (i, a) in areas.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let _ = write!(
            s,
            r##"<text x="{x}" y="{ty}" text-anchor="end" font-size="13" fill="#1b1b1b">{label}</text>"##,
            x = label_w - 8.0,
            ty = y + 18.0,
            label = minijinja::HtmlEscape(&a.label),
        );
        let mut x = label_w;
        for (n, colour) in a.counts.iter().zip(colours) {
            if *n == 0 {
                continue;
            }
            let w = (*n as f64 / max as f64 * bar_w).max(3.0);
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="20" fill="{colour}"/>"#,
                y = y + 4.0
            );
            x += w;
        }
        let _ = write!(
            s,
            r##"<text x="{x:.1}" y="{ty}" font-size="13" fill="{fill}">{n}</text>"##,
            x = x + 6.0,
            ty = y + 18.0,
            fill = if a.covered { "#1b1b1b" } else { "#4a4a4a" },
            n = if a.covered {
                a.total.to_string()
            } else {
                minijinja::HtmlEscape(&tr.t("area-not-covered")).to_string()
            },
        );
    }
    s.push_str("</svg>");
    s
}

/// Escapes `s` for HTML and turns `identifier` spans (the style of rule messages) into
/// `<code>` elements.
pub fn inline_code(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let parts: Vec<&str> = s.split('`').collect();
    // An odd count of backticks leaves the last one as text.
    let paired = parts.len() % 2 == 1;
    for (i, part) in parts.iter().enumerate() {
        let esc = minijinja::HtmlEscape(part).to_string();
        if i % 2 == 1 && (paired || i + 1 < parts.len()) {
            let _ = write!(out, "<code>{esc}</code>");
        } else {
            if i > 0 && i % 2 == 1 {
                out.push('`');
            }
            out.push_str(&esc);
        }
    }
    out
}

fn v<T: Serialize>(x: &T) -> minijinja::Value {
    minijinja::Value::from(minijinja::value::Serde(x))
}

fn sev_label(tr: &Translator, s: Severity) -> String {
    tr.t(&format!("sev-{}", s.as_str()))
}

/// Renders the report as one self-contained HTML page.
pub fn render(report: &Report, opts: HtmlOptions) -> Result<String, HtmlError> {
    let tr = Translator::get(opts.lang);
    let lang = opts.lang;
    let counts = report.counts();
    let has_baseline = report.has_baseline();

    // Static labels, keyed with underscores for the template (`t.h_plan`).
    let mut t: HashMap<String, String> = HashMap::new();
    for key in [
        "report-title",
        "skip-to-plan",
        "h-summary",
        "h-severity",
        "h-areas",
        "h-top",
        "h-plan",
        "h-suppressed",
        "h-fixed",
        "h-notes",
        "h-about",
        "area-col",
        "area-total",
        "area-not-covered",
        "top-none",
        "top-intro",
        "label-what",
        "label-why",
        "label-fix",
        "label-refs",
        "label-items",
        "col-item",
        "col-detail",
        "col-problem",
        "col-reason",
        "col-owner",
        "col-expires",
        "col-level",
        "col-message",
        "badge-new",
        "plan-intro",
        "suppressed-intro",
        "notes-intro",
        "fixed-intro",
        "filter-severity",
        "filter-area",
        "filter-all",
        "about-1",
        "about-2",
        "about-3",
    ] {
        t.insert(key.replace('-', "_"), tr.t(key));
    }

    // New findings per severity, when compared with a baseline.
    let mut new_per_sev: HashMap<Severity, usize> = HashMap::new();
    for f in report.findings.iter().filter(|f| f.is_active()) {
        if f.baseline_state == Some(BaselineState::New) {
            *new_per_sev.entry(f.severity).or_default() += 1;
        }
    }
    let severities: Vec<SevCount> = Severity::ALL
        .iter()
        .map(|&s| SevCount {
            key: s.as_str(),
            label: sev_label(&tr, s),
            help: tr.t(&format!("sev-{}-help", s.as_str())),
            n: counts.get(s),
            new: match new_per_sev.get(&s) {
                Some(&n) if has_baseline && n > 0 => tr.n("count-new", n),
                _ => String::new(),
            },
        })
        .collect();

    // Areas: counts per severity; an area no active rule looks at is "not examined".
    let mut per_area: BTreeMap<Area, [usize; 5]> = BTreeMap::new();
    let mut covered: BTreeMap<Area, bool> = BTreeMap::new();
    for r in &report.rules {
        covered.insert(Area::of(r), true);
    }
    for f in report.findings.iter().filter(|f| f.is_active()) {
        let area = report.rule_of(f).map(Area::of).unwrap_or(Area::Governance);
        let col = Severity::ALL
            .iter()
            .position(|s| *s == f.severity)
            .unwrap_or(4);
        per_area.entry(area).or_default()[col] += 1;
    }
    let areas: Vec<AreaRow> = Area::ALL
        .iter()
        .filter(|a| Area::PRIMARY.contains(a) || per_area.contains_key(a))
        .map(|&a| {
            let c = per_area.get(&a).copied().unwrap_or_default();
            AreaRow {
                key: a.as_str(),
                label: tr.t(&format!("area-{}", a.as_str())),
                counts: c.to_vec(),
                total: c.iter().sum(),
                covered: covered.get(&a).copied().unwrap_or(false) || per_area.contains_key(&a),
            }
        })
        .collect();

    // Groups: one per rule with active findings.
    let mut by_rule: BTreeMap<usize, Vec<&Finding>> = BTreeMap::new();
    let mut suppressed = Vec::new();
    let mut fixed = Vec::new();
    for f in &report.findings {
        if f.baseline_state == Some(BaselineState::Absent) {
            fixed.push(f);
        } else if f.suppression.is_some() {
            suppressed.push(f);
        } else {
            by_rule.entry(f.rule_index).or_default().push(f);
        }
    }
    let mut groups: Vec<Group> = by_rule
        .into_iter()
        .map(|(ri, fs)| {
            let rule = report.rules.get(ri).cloned().unwrap_or_default();
            let severity = fs.iter().map(|f| f.severity).max().unwrap_or_default();
            let area = Area::of(&rule);
            let new = fs
                .iter()
                .filter(|f| f.baseline_state == Some(BaselineState::New))
                .count();
            let mut items: Vec<Item> = fs
                .iter()
                .map(|f| Item {
                    loc: item_label(f),
                    msg: inline_code(f.message.get(lang)),
                    new: f.baseline_state == Some(BaselineState::New),
                })
                .collect();
            let rest = if items.len() > HEAD_ITEMS {
                items.split_off(HEAD_ITEMS)
            } else {
                Vec::new()
            };
            let title = if rule.title.get(lang).is_empty() {
                rule.id.clone()
            } else {
                rule.title.get(lang).to_string()
            };
            Group {
                anchor: format!("rule-{}", rule.id.to_ascii_lowercase()),
                id: rule.id.clone(),
                title,
                sev: severity.as_str(),
                sev_label: sev_label(&tr, severity),
                area: area.as_str(),
                area_label: tr.t(&format!("area-{}", area.as_str())),
                provenance: report
                    .packs
                    .get(rule.pack)
                    .map(|p| {
                        let key = if p.unsigned {
                            "pack-provenance-unsigned"
                        } else {
                            "pack-provenance"
                        };
                        tr.tr(
                            key,
                            &[
                                ("pack", p.name.clone().into()),
                                ("version", p.version.clone().into()),
                                ("publisher", p.publisher.clone().into()),
                            ],
                        )
                    })
                    .unwrap_or_default(),
                what: inline_code(rule.what.get(lang).trim()),
                why: inline_code(rule.why.get(lang).trim()),
                fix: inline_code(rule.fix.get(lang).trim()),
                refs: rule
                    .references
                    .iter()
                    .map(|r| RefView {
                        label: r.label(),
                        url: r
                            .link()
                            .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
                    })
                    .collect(),
                count: fs.len(),
                count_label: tr.n("count-items", fs.len()),
                new_label: if has_baseline && new > 0 {
                    tr.n("count-new", new)
                } else {
                    String::new()
                },
                more_label: tr.n("more-items", rest.len()),
                head: items,
                rest,
                score: weight(severity) * fs.len() as u64,
                severity,
            }
        })
        .collect();
    groups.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| b.count.cmp(&a.count))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut top_idx: Vec<usize> = (0..groups.len()).filter(|&i| groups[i].score > 0).collect();
    top_idx.sort_by(|&a, &b| {
        groups[b]
            .score
            .cmp(&groups[a].score)
            .then_with(|| groups[b].severity.cmp(&groups[a].severity))
            .then_with(|| groups[a].id.cmp(&groups[b].id))
    });
    top_idx.truncate(5);
    let top: Vec<TopRef<'_>> = top_idx
        .iter()
        .map(|&i| {
            let g = &groups[i];
            TopRef {
                anchor: &g.anchor,
                title: &g.title,
                sev: g.sev,
                sev_label: &g.sev_label,
                count_label: &g.count_label,
            }
        })
        .collect();

    let suppressed: Vec<SuppressedRow> =
        suppressed
            .iter()
            .map(|f| {
                let rule = report.rule_of(f);
                let s = f.suppression.as_deref().cloned().unwrap_or_else(|| {
                    crate::model::Suppression {
                        reason: String::new(),
                        owner: None,
                        expires: None,
                        source: None,
                    }
                });
                SuppressedRow {
                    sev: f.severity.as_str(),
                    sev_label: sev_label(&tr, f.severity),
                    title: rule
                        .map(|r| r.title.get(lang).to_string())
                        .unwrap_or_else(|| f.rule_id.clone()),
                    msg: inline_code(f.message.get(lang)),
                    loc: item_label(f),
                    reason: s.reason,
                    owner: s.owner.unwrap_or_else(|| tr.t("unknown")),
                    expires: s
                        .expires
                        .map(|e| long_date(&e, lang))
                        .unwrap_or_else(|| tr.t("no-expiry")),
                }
            })
            .collect();
    let fixed_more = if fixed.len() > FIXED_ITEMS {
        tr.tr(
            "md-more",
            &[("n", FluentValue::from(fixed.len() - FIXED_ITEMS))],
        )
    } else {
        String::new()
    };
    let fixed: Vec<FixedRow> = fixed
        .iter()
        .take(FIXED_ITEMS)
        .map(|f| FixedRow {
            title: report
                .rule_of(f)
                .map(|r| r.title.get(lang).to_string())
                .unwrap_or_else(|| f.rule_id.clone()),
            loc: item_label(f),
        })
        .collect();
    let notes: Vec<NoteRow> = report
        .notifications
        .iter()
        .filter(|n| n.level >= NotificationLevel::Warning)
        .map(|n| NoteRow {
            loc: n.location.as_ref().map(|l| l.short()).unwrap_or_default(),
            level: tr.t(&format!("level-{}", n.level.as_str())),
            msg: n.message.clone(),
        })
        .collect();

    let (verdict, verdict_class) = verdict(report, &tr);
    let mut verdict_more = Vec::new();
    let unreadable = report
        .notifications
        .iter()
        .filter(|n| n.level == NotificationLevel::Error)
        .count();
    if unreadable > 0 {
        verdict_more.push(tr.n("verdict-incomplete", unreadable));
    }
    if has_baseline {
        let (new, _, _, fixed_n) = crate::baseline::state_counts(report);
        verdict_more.push(tr.tr(
            "verdict-baseline",
            &[
                ("new", FluentValue::from(new)),
                ("fixed", FluentValue::from(fixed_n)),
            ],
        ));
    }
    let deployment = if report.deployment.is_empty() {
        tr.t("deployment-unnamed")
    } else {
        report.deployment.clone()
    };
    let date = if report.invocation.as_of.is_empty() {
        report.invocation.end_time.clone()
    } else {
        report.invocation.as_of.clone()
    };
    let filter = |n: usize| tr.n("filter-count", n).replace(&n.to_string(), "#");

    let mut env = Environment::new();
    env.add_template("report.html", TEMPLATE)?;
    let tmpl = env.get_template("report.html")?;
    let ctx = minijinja::context! {
        lang => match lang { Lang::Fr => "fr", Lang::En => "en" },
        version => report.tool.version.clone(),
        deployment => deployment,
        date_line => tr.tr("analysis-date", &[("date", FluentValue::from(long_date(&date, lang)))]),
        scope => tr.tr("scope", &[
            ("artifacts", FluentValue::from(report.artifacts.len())),
            ("rules", FluentValue::from(report.rules.len())),
        ]),
        verdict => verdict,
        verdict_class => verdict_class,
        verdict_more => v(&verdict_more),
        severities => v(&severities),
        suppressed_line => if counts.suppressed > 0 { tr.n("suppressed-count", counts.suppressed) } else { String::new() },
        areas => v(&areas),
        chart => chart(&areas, &tr),
        top => v(&top),
        groups => v(&groups),
        suppressed => v(&suppressed),
        fixed => v(&fixed),
        fixed_more => fixed_more,
        notes => v(&notes),
        filter_t0 => filter(0),
        filter_t1 => filter(1),
        filter_tn => filter(2),
        generated_by => tr.tr("generated-by", &[("version", FluentValue::from(report.tool.version.clone()))]),
        t => v(&t),
        css => CSS,
        script => SCRIPT,
    };
    let mut out = tmpl.render(ctx)?;
    out.push('\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::inline_code;

    #[test]
    fn backticks_become_code_and_text_is_escaped() {
        assert_eq!(
            inline_code("key `a<b>` here"),
            "key <code>a&lt;b&gt;</code> here"
        );
        assert_eq!(inline_code("odd ` tick"), "odd ` tick");
        assert_eq!(inline_code("`x` and `y"), "<code>x</code> and `y");
    }
}
