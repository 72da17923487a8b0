//! `vigie rules list | explain | validate | test`.

use super::{CliError, RuleArgs, parse_as_of, parse_lang, today};
use crate::discover::DiscoverOptions;
use crate::engine::ScanOptions;
use crate::rules::load::RuleSet;
use crate::rules::selftest;
use clap::Subcommand;
use std::fmt::Write;
use std::path::PathBuf;
use vigie_reports::Lang;

/// Rule subcommands.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List the rules in use.
    List {
        #[command(flatten)]
        rules: RuleArgs,
        /// Language of titles.
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Explain one rule: what, why, how to fix, references.
    Explain {
        /// Rule id, e.g. CERT-001.
        id: String,
        #[command(flatten)]
        rules: RuleArgs,
        /// Language.
        #[arg(long, default_value = "en", value_parser = parse_lang)]
        lang: Lang,
    },
    /// Check rule files: schema, unique ids, fr+en texts, references, conditions compile.
    Validate {
        /// Rule directories (default: the built-in rules only).
        dirs: Vec<PathBuf>,
    },
    /// Run every rule on its fail/ and pass/ fixtures.
    Test {
        /// Rule directories.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// "Today" for the fixtures (default: the pack's `fixtures_as_of`, else today).
        #[arg(long, value_name = "DATE", value_parser = parse_as_of)]
        as_of: Option<time::Date>,
        /// Only rules whose id starts with this prefix.
        #[arg(long)]
        only: Option<String>,
    },
    /// Write a Markdown catalogue: one page per rule in English and French, with an index.
    Doc {
        /// Rule directories (default: the built-in rules).
        dirs: Vec<PathBuf>,
        /// Output directory.
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
    },
    /// Scaffold a rule (`<target>/<ID>-<name>.yaml`) and its fail/ and pass/ folders.
    New {
        /// `ID-name`, e.g. CERT-100-rsa-key-too-small.
        id_name: String,
        /// Target of the rule.
        #[arg(long, default_value = "certificate")]
        target: String,
        /// Pack directory to write into.
        #[arg(long, value_name = "DIR", default_value = ".")]
        dir: PathBuf,
    },
}

/// Runs a rules subcommand.
pub fn run(c: RulesCommand) -> Result<i32, CliError> {
    match c {
        RulesCommand::List { rules, lang } => {
            let set = rules.load()?;
            let mut out = String::new();
            for r in &set.rules {
                let _ = writeln!(
                    out,
                    "{:<10} {:<8} {:<12} {:<36} {}",
                    r.meta.id,
                    r.meta.severity.as_str(),
                    r.meta.target,
                    r.meta.name,
                    r.meta.title.get(lang)
                );
            }
            let _ = writeln!(out, "{} rules", set.rules.len());
            print!("{out}");
            Ok(0)
        }
        RulesCommand::Explain { id, rules, lang } => {
            let set = rules.load()?;
            let Some(r) = set.get(&id) else {
                return Err(CliError::Usage(format!("no rule `{id}`")));
            };
            print!("{}", explain(&set, r, lang));
            Ok(0)
        }
        RulesCommand::Doc { dirs, output } => {
            let n = super::authoring::doc(&dirs, &output)?;
            println!("{n} rules documented in {}", output.display());
            Ok(0)
        }
        RulesCommand::New {
            id_name,
            target,
            dir,
        } => {
            let file = super::authoring::new_rule(&dir, &target, &id_name)?;
            println!("created {}", file.display());
            Ok(0)
        }
        RulesCommand::Validate { dirs } => {
            // With directories, validate those (the official pack is `rules/` itself);
            // without, validate the built-in rules.
            let set = RuleSet::load(!dirs.is_empty(), &dirs).map_err(CliError::Rules)?;
            println!("{} rules valid", set.rules.len());
            Ok(0)
        }
        RulesCommand::Test { dirs, as_of, only } => {
            let set = RuleSet::load(true, &dirs).map_err(CliError::Rules)?;
            let pack_date = set
                .manifests
                .iter()
                .find_map(|m| m.fixtures_as_of.as_deref())
                .map(parse_as_of)
                .transpose()
                .map_err(CliError::Usage)?;
            let base = ScanOptions {
                inputs: Vec::new(),
                as_of: as_of.or(pack_date).unwrap_or_else(today),
                p12_passwords: vec!["vigie".to_string()],
                jobs: 1,
                discover: DiscoverOptions::default(),
                no_suppressions: true,
                previous_scan: None,
            };
            let mut outcomes = selftest::run(&set, &base);
            if let Some(prefix) = &only {
                outcomes.retain(|o| o.id.starts_with(prefix.as_str()));
            }
            let mut passed = 0;
            let mut failed = 0;
            for o in &outcomes {
                if o.problems.is_empty() {
                    passed += 1;
                    println!(
                        "ok    {:<10} {} fail, {} pass  {} ms",
                        o.id, o.fail_cases, o.pass_cases, o.millis
                    );
                } else {
                    failed += 1;
                    println!("FAIL  {:<10}", o.id);
                    for p in &o.problems {
                        println!("      {p}");
                    }
                }
            }
            println!("{passed} passed, {failed} failed");
            Ok(if failed == 0 && passed > 0 { 0 } else { 1 })
        }
    }
}

fn explain(set: &RuleSet, r: &crate::rules::load::LoadedRule, lang: Lang) -> String {
    let m = &r.meta;
    let (why, fix, refs, cond, sev, target, prof, pack) = match lang {
        Lang::Fr => (
            "Pourquoi c'est important :",
            "Que faire :",
            "Références :",
            "Condition :",
            "Gravité :",
            "Cible :",
            "Profils :",
            "Paquet :",
        ),
        Lang::En => (
            "Why it matters:",
            "How to fix:",
            "References:",
            "Condition:",
            "Severity:",
            "Target:",
            "Profiles:",
            "Pack:",
        ),
    };
    let mut s = String::new();
    let _ = writeln!(s, "{} {}: {}", m.id, m.name, m.title.get(lang));
    let (severity, status) = match lang {
        Lang::Fr => (
            match m.severity {
                vigie_reports::Severity::Critical => "critique",
                vigie_reports::Severity::High => "élevée",
                vigie_reports::Severity::Medium => "moyenne",
                vigie_reports::Severity::Low => "faible",
                vigie_reports::Severity::Info => "information",
            },
            match m.status.as_str() {
                "preview" => "statut : en test",
                "deprecated" => "statut : obsolète",
                _ => "statut : stable",
            },
        ),
        Lang::En => (m.severity.as_str(), ""),
    };
    let status = if status.is_empty() {
        format!("status: {}", m.status)
    } else {
        status.to_string()
    };
    let _ = writeln!(s, "{sev} {severity}   {target} {}   {status}", m.target);
    if let Some(p) = set.packs.get(m.pack) {
        let _ = writeln!(s, "{pack} {} {} ({})", p.name, p.version, p.publisher);
    }
    if !m.what.en.is_empty() {
        let _ = writeln!(s, "\n{}", m.what.get(lang).trim());
    }
    let _ = writeln!(
        s,
        "\n{why}\n  {}",
        m.why.get(lang).trim().replace('\n', "\n  ")
    );
    let _ = writeln!(
        s,
        "\n{fix}\n  {}",
        m.fix.get(lang).trim().replace('\n', "\n  ")
    );
    let _ = writeln!(s, "\n{refs}");
    for reference in &m.references {
        match reference.link() {
            Some(u) => {
                let _ = writeln!(s, "  - {} <{u}>", reference.label());
            }
            None => {
                let _ = writeln!(s, "  - {}", reference.label());
            }
        }
    }
    if !m.profiles.is_empty() {
        let _ = writeln!(s, "\n{prof} {}", m.profiles.join(", "));
    }
    let _ = writeln!(s, "\n{cond} {}", r.condition.source);
    s
}
