//! `vigie rules doc` (Markdown catalogue) and `vigie rules new` (scaffolding).

use super::CliError;
use crate::facts::Target;
use crate::rules::load::{LoadedRule, RuleSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use vigie_reports::{Lang, Severity};

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    move |source| CliError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn severity_label(s: Severity, lang: Lang) -> &'static str {
    match (lang, s) {
        (Lang::Fr, Severity::Critical) => "critique",
        (Lang::Fr, Severity::High) => "élevée",
        (Lang::Fr, Severity::Medium) => "moyenne",
        (Lang::Fr, Severity::Low) => "faible",
        (Lang::Fr, Severity::Info) => "information",
        (Lang::En, s) => s.as_str(),
    }
}

fn page(set: &RuleSet, r: &LoadedRule, lang: Lang) -> String {
    let m = &r.meta;
    let (sev, target, pack, what, why, fix, refs, prof, cond, other, back) = match lang {
        Lang::En => (
            "Severity",
            "Target",
            "Pack",
            "What it checks",
            "Why it matters",
            "How to fix",
            "References",
            "Profiles",
            "Condition",
            "Version française",
            "All rules",
        ),
        Lang::Fr => (
            "Gravité",
            "Cible",
            "Paquet",
            "Ce que la règle vérifie",
            "Pourquoi c'est important",
            "Que faire",
            "Références",
            "Profils",
            "Condition",
            "English version",
            "Toutes les règles",
        ),
    };
    let stem = format!("{}-{}", m.id, m.name);
    let other_dir = match lang {
        Lang::En => "fr",
        Lang::Fr => "en",
    };
    let mut s = String::new();
    let _ = writeln!(s, "# {} {}\n", m.id, m.title.get(lang));
    let _ = writeln!(
        s,
        "[{back}](../README.md) · [{other}](../{other_dir}/{stem}.md)\n"
    );
    let _ = writeln!(s, "- `{}`", m.name);
    let _ = writeln!(s, "- {sev}: {}", severity_label(m.severity, lang));
    let _ = writeln!(s, "- {target}: `{}`", m.target);
    if let Some(p) = set.packs.get(m.pack) {
        let _ = writeln!(s, "- {pack}: {} {} ({})", p.name, p.version, p.publisher);
    }
    if !m.profiles.is_empty() {
        let _ = writeln!(s, "- {prof}: {}", m.profiles.join(", "));
    }
    if !m.what.en.is_empty() {
        let _ = writeln!(s, "\n## {what}\n\n{}", m.what.get(lang).trim());
    }
    let _ = writeln!(s, "\n## {why}\n\n{}", m.why.get(lang).trim());
    let _ = writeln!(s, "\n## {fix}\n\n{}", m.fix.get(lang).trim());
    let _ = writeln!(s, "\n## {refs}\n");
    for reference in &m.references {
        match reference.link() {
            Some(u) => {
                let _ = writeln!(s, "- [{}]({u})", reference.label());
            }
            None => {
                let _ = writeln!(s, "- {}", reference.label());
            }
        }
    }
    let _ = writeln!(
        s,
        "\n## {cond}\n\n```cel\n{}\n```",
        r.condition.source.trim()
    );
    s
}

/// Writes the catalogue: `OUT/README.md` (index, both languages) and one page per rule in
/// `OUT/en/` and `OUT/fr/`. Returns the number of rules.
pub fn doc(dirs: &[PathBuf], out: &Path) -> Result<usize, CliError> {
    let set = RuleSet::load(!dirs.is_empty(), dirs).map_err(CliError::Rules)?;
    for lang in ["en", "fr"] {
        std::fs::create_dir_all(out.join(lang)).map_err(io(out))?;
    }
    let mut index = String::from("# Rule catalogue / Catalogue des règles\n\n");
    for (i, (p, m)) in set.packs.iter().zip(&set.manifests).enumerate() {
        let _ = writeln!(
            index,
            "{}**{}** {} ({}, {}){}{}",
            if i == 0 { "" } else { "\n" },
            p.name,
            p.version,
            p.publisher,
            if m.licence.is_empty() {
                "no licence given"
            } else {
                &m.licence
            },
            if m.description.trim().is_empty() {
                ""
            } else {
                ": "
            },
            m.description.trim()
        );
    }
    index.push_str(
        "\n| Id | Severity | Target | Title (en) | Titre (fr) |\n|---|---|---|---|---|\n",
    );
    for r in &set.rules {
        let m = &r.meta;
        let stem = format!("{}-{}", m.id, m.name);
        for (lang, dir) in [(Lang::En, "en"), (Lang::Fr, "fr")] {
            let path = out.join(dir).join(format!("{stem}.md"));
            std::fs::write(&path, page(&set, r, lang)).map_err(io(&path))?;
        }
        let _ = writeln!(
            index,
            "| {} | {} | `{}` | [{}](en/{stem}.md) | [{}](fr/{stem}.md) |",
            m.id,
            m.severity.as_str(),
            m.target,
            m.title.en.replace('|', "\\|"),
            m.title.fr.replace('|', "\\|")
        );
    }
    let path = out.join("README.md");
    std::fs::write(&path, index).map_err(io(&path))?;
    Ok(set.rules.len())
}

/// Scaffolds `DIR/<target>/<ID>-<name>.yaml` and its `fail/` and `pass/` folders.
pub fn new_rule(dir: &Path, target: &str, id_name: &str) -> Result<PathBuf, CliError> {
    if !Target::KNOWN.contains(&target) {
        return Err(CliError::Usage(format!(
            "unknown target `{target}` (expected one of: {})",
            Target::KNOWN.join(", ")
        )));
    }
    let mut parts = id_name.splitn(3, '-');
    let (prefix, num, name) = (
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
        parts.next().unwrap_or(""),
    );
    let ok = !prefix.is_empty()
        && prefix.chars().all(|c| c.is_ascii_uppercase())
        && !num.is_empty()
        && num.chars().all(|c| c.is_ascii_digit())
        && !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Err(CliError::Usage(format!(
            "`{id_name}` must look like `ID-name`, e.g. `CERT-100-rsa-key-too-small`"
        )));
    }
    let id = format!("{prefix}-{num}");
    let rule_dir = dir.join(target);
    let file = rule_dir.join(format!("{id_name}.yaml"));
    if file.exists() {
        return Err(CliError::Usage(format!(
            "{} already exists",
            file.display()
        )));
    }
    let condition = match target {
        "certificate" => "key.algorithm == \"rsa\" && key.bits < 2048",
        _ => "false",
    };
    // What the message can quote: the certificate's name for certificate rules; other
    // targets start from plain text (`vigie facts FILE` lists the fields they can use).
    let (msg_en, msg_fr) = match target {
        "certificate" => (
            "FILL IN: what was found in `{{ subject_cn }}`",
            "FILL IN : ce qui a été trouvé dans `{{ subject_cn }}`",
        ),
        _ => ("FILL IN: what was found", "FILL IN : ce qui a été trouvé"),
    };
    // Every `FILL IN` left in the file is refused by `vigie rules validate` (and so by
    // `rules test`, packs and scans), so a half-written rule cannot be shipped.
    let text = format!(
        r#"# Scaffolded by `vigie rules new`. Replace every FILL IN text, put files that must be
# flagged in {id_name}/fail/ and near misses that must not in {id_name}/pass/, then run
# `vigie rules validate DIR` and `vigie rules test DIR`. See `vigie facts FILE` for the
# fields the condition can use.
id: {id}
name: {name}
target: {target}
severity: medium
status: preview
condition: {condition}
title:
  en: "FILL IN: the bad thing, in a few words"
  fr: "FILL IN : le problème, en quelques mots"
message:
  en: "{msg_en}"
  fr: "{msg_fr}"
docs:
  why:
    en: "FILL IN: why it matters, in plain words (a DPO reads this)."
    fr: "FILL IN : pourquoi c'est important, en mots simples (un DPO lit ce texte)."
  fix:
    en: "FILL IN: what to do."
    fr: "FILL IN : que faire."
references:
  - {{ id: "FILL IN: reference id", url: "https://example.org/fill-in" }}
profiles: []
"#
    );
    for sub in ["fail", "pass"] {
        let d = rule_dir.join(id_name).join(sub);
        std::fs::create_dir_all(&d).map_err(io(&d))?;
        let readme = d.join("README.md");
        let what = if sub == "fail" {
            format!("Files on which {id} must report at least one finding.")
        } else {
            format!("Near misses on which {id} must report nothing.")
        };
        std::fs::write(
            &readme,
            format!("{what} (`vigie rules test` ignores this README.)\n"),
        )
        .map_err(io(&readme))?;
    }
    std::fs::write(&file, text).map_err(io(&file))?;
    Ok(file)
}
