//! Loading rules: the core pack embedded in the binary, and rule directories given with
//! `--rules`. Every error carries file, line and column and renders with a snippet.

use super::condition::{CompileError, Expr, Template};
use super::pack::{self, Fetched, Lock, PackError, PackSource};
use super::schema::{PackManifest, RuleFile};
use crate::facts::Target;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vigie_reports::{PackInfo, RuleMeta, Text};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/core_rules.rs"));
}

/// The rule files of the official pack, embedded at build time: (path under `rules/`, text).
pub fn core_files() -> &'static [(&'static str, &'static str)] {
    embedded::CORE_RULES
}

/// Marker of the texts `vigie rules new` leaves for the author to write.
pub const SCAFFOLD_MARK: &str = "FILL IN";

/// A problem in a rule file or pack, with its position.
#[derive(Debug, Clone)]
pub struct RuleError {
    /// File path.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// What is wrong.
    pub message: String,
    /// Source text, for the snippet.
    pub source: Option<Arc<str>>,
}

impl RuleError {
    fn new(
        file: &str,
        line: u32,
        column: u32,
        message: impl Into<String>,
        source: Option<Arc<str>>,
    ) -> Self {
        RuleError {
            file: file.to_string(),
            line,
            column,
            message: message.into(),
            source,
        }
    }

    /// Renders the error like a compiler would: `file:line:col`, the message and a
    /// snippet of the offending line with a caret.
    pub fn render(&self) -> String {
        use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};
        let Some(src) = self.source.as_deref().filter(|_| self.line > 0) else {
            return self.to_string();
        };
        let line_idx = (self.line - 1) as usize;
        let Some(line_text) = src.lines().nth(line_idx) else {
            return self.to_string();
        };
        // `split_inclusive` keeps each line's `\r\n` or `\n`, so `start` is a byte offset
        // into `src` whatever the line endings.
        let start: usize = src.split_inclusive('\n').take(line_idx).map(str::len).sum();
        let col = (self.column.max(1) - 1) as usize;
        // A column past the end, or inside a multi-byte character (the YAML parser counts
        // characters, not bytes), is moved back to a character boundary.
        let mut col = col.min(line_text.len());
        while !line_text.is_char_boundary(col) {
            col -= 1;
        }
        let mut end = col + 1;
        while end < line_text.len() && !line_text.is_char_boundary(end) {
            end += 1;
        }
        let end = end.min(line_text.len()).max(col);
        let report = &[Level::ERROR.primary_title(self.message.as_str()).element(
            Snippet::source(src)
                .path(self.file.as_str())
                .annotation(AnnotationKind::Primary.span(start + col..start + end)),
        )];
        Renderer::plain().render(report).to_string()
    }
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(
                f,
                "{}:{}:{}: {}",
                self.file,
                self.line,
                self.column.max(1),
                self.message
            )
        } else {
            write!(f, "{}: {}", self.file, self.message)
        }
    }
}

impl std::error::Error for RuleError {}

/// A rule ready to evaluate.
#[derive(Debug)]
pub struct LoadedRule {
    /// Metadata shared with reports.
    pub meta: RuleMeta,
    /// The implemented target, or `None` for a known target whose extractor is not in
    /// this build (the rule loads, validates, and never fires).
    pub target: Option<Target>,
    /// Compiled condition.
    pub condition: Expr,
    /// Compiled `at:` expression (field paths of the findings), when the rule has one.
    pub at: Option<Expr>,
    /// Compiled messages.
    pub message_en: Template,
    /// Compiled French message.
    pub message_fr: Template,
    /// File the rule came from.
    pub file: String,
    /// Directory holding `fail/` and `pass/` fixtures, for files on disk.
    pub fixtures: Option<PathBuf>,
}

/// All rules in use and the packs they come from.
#[derive(Debug, Default)]
pub struct RuleSet {
    /// Packs; index 0 is the core pack when default rules are on.
    pub packs: Vec<PackInfo>,
    /// Pack manifests, same order.
    pub manifests: Vec<PackManifest>,
    /// Rules sorted by id.
    pub rules: Vec<LoadedRule>,
}

fn yaml_error(file: &str, src: &Arc<str>, e: &serde_saphyr::Error) -> RuleError {
    let (line, column) = e
        .location()
        .map(|l| (l.line() as u32, l.column() as u32))
        .unwrap_or((0, 0));
    let full = e.to_string();
    // serde-saphyr's Display may add its own position and snippet: keep the first line,
    // without the `line N column M: ` prefix (the position is rendered separately).
    let first = full.lines().next().unwrap_or(&full);
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let message = match first.split_once(": ") {
        Some((pos, rest)) if pos.starts_with("line ") && pos.contains(" column ") => rest,
        _ => first,
    }
    .to_string();
    RuleError::new(file, line, column, message, Some(src.clone()))
}

/// Maps a position inside a YAML scalar to a position in the file.
fn expr_position(src: &str, value_line: u32, value_col: u32, e: &CompileError) -> (u32, u32) {
    let first = src
        .lines()
        .nth(value_line.saturating_sub(1) as usize)
        .unwrap_or("");
    let at = first
        .get(value_col.saturating_sub(1) as usize..)
        .unwrap_or("")
        .trim_start();
    if at.starts_with('|') || at.starts_with('>') {
        // Block scalar: the expression starts on the next line, after the indentation.
        let line = value_line + e.line;
        let indent = src
            .lines()
            .nth(line.saturating_sub(1) as usize)
            .map(|l| l.len() - l.trim_start().len())
            .unwrap_or(0) as u32;
        (line, indent + e.column)
    } else {
        let quote = u32::from(at.starts_with('"') || at.starts_with('\''));
        (value_line + e.line - 1, value_col + quote + e.column - 1)
    }
}

fn check_text(
    file: &str,
    src: &Arc<str>,
    what: &str,
    t: &Text,
    line: u32,
    errs: &mut Vec<RuleError>,
) {
    if t.en.trim().is_empty() || t.fr.trim().is_empty() {
        errs.push(RuleError::new(
            file,
            line,
            1,
            format!("`{what}` needs both an `en` and a `fr` text"),
            Some(src.clone()),
        ));
    }
}

fn find_key_line(src: &str, key: &str) -> u32 {
    src.lines()
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .map(|i| i as u32 + 1)
        .unwrap_or(0)
}

/// Parses and compiles one rule file. `file` is the display path; `stem` the file name
/// without extension, which must be `<id>-<name>`.
pub fn parse_rule(
    file: &str,
    stem: &str,
    text: &str,
    pack: usize,
) -> Result<LoadedRule, Vec<RuleError>> {
    let src: Arc<str> = Arc::from(text);
    let rf: RuleFile =
        serde_saphyr::from_str(text).map_err(|e| vec![yaml_error(file, &src, &e)])?;
    let mut errs = Vec::new();
    // Texts left as `vigie rules new` wrote them: the rule is not finished.
    for (i, line) in text.lines().enumerate() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        if let Some(col) = line.find(SCAFFOLD_MARK) {
            errs.push(RuleError::new(
                file,
                i as u32 + 1,
                col as u32 + 1,
                "text still to write: replace the `FILL IN` left by `vigie rules new`",
                Some(src.clone()),
            ));
        }
    }
    let id = rf.id.value.clone();
    let id_loc = (
        rf.id.referenced.line() as u32,
        rf.id.referenced.column() as u32,
    );
    let id_ok = {
        let mut parts = id.splitn(2, '-');
        let prefix = parts.next().unwrap_or("");
        let num = parts.next().unwrap_or("");
        !prefix.is_empty()
            && prefix.chars().all(|c| c.is_ascii_uppercase())
            && !num.is_empty()
            && num.chars().all(|c| c.is_ascii_digit())
    };
    if !id_ok {
        errs.push(RuleError::new(
            file,
            id_loc.0,
            id_loc.1,
            format!("rule id `{id}` must look like `CERT-001`"),
            Some(src.clone()),
        ));
    }
    let name = rf.name.value.clone();
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        errs.push(RuleError::new(
            file,
            rf.name.referenced.line() as u32,
            rf.name.referenced.column() as u32,
            format!("rule name `{name}` must be kebab-case (lowercase letters, digits, `-`)"),
            Some(src.clone()),
        ));
    }
    let expected = format!("{id}-{name}");
    if stem != expected {
        errs.push(RuleError::new(
            file,
            id_loc.0,
            id_loc.1,
            format!("file name must be `{expected}.yaml` to match the rule's id and name"),
            Some(src.clone()),
        ));
    }
    let target_name = rf.target.value.clone();
    if !Target::KNOWN.contains(&target_name.as_str()) {
        errs.push(RuleError::new(
            file,
            rf.target.referenced.line() as u32,
            rf.target.referenced.column() as u32,
            format!(
                "unknown target `{target_name}` (expected one of: {})",
                Target::KNOWN.join(", ")
            ),
            Some(src.clone()),
        ));
    }
    check_text(
        file,
        &src,
        "title",
        &rf.title,
        find_key_line(text, "title"),
        &mut errs,
    );
    check_text(
        file,
        &src,
        "message",
        &rf.message.value,
        rf.message.referenced.line() as u32,
        &mut errs,
    );
    check_text(
        file,
        &src,
        "docs.why",
        &rf.docs.why,
        find_key_line(text, "why"),
        &mut errs,
    );
    check_text(
        file,
        &src,
        "docs.fix",
        &rf.docs.fix,
        find_key_line(text, "fix"),
        &mut errs,
    );
    if rf.references.is_empty() {
        errs.push(RuleError::new(
            file,
            find_key_line(text, "id"),
            1,
            "a rule needs at least one reference",
            Some(src.clone()),
        ));
    }
    for r in &rf.references {
        if r.id.is_none() && r.cwe.is_none() && r.url.is_none() {
            errs.push(RuleError::new(
                file,
                find_key_line(text, "references"),
                1,
                "a reference needs an `id`, a `cwe` or a `url`",
                Some(src.clone()),
            ));
        }
    }
    let cond_line = rf.condition.referenced.line() as u32;
    let cond_col = rf.condition.referenced.column() as u32;
    let condition = match Expr::compile(rf.condition.value.trim()) {
        Ok(c) => Some(c),
        Err(e) => {
            let (l, c) = expr_position(text, cond_line, cond_col, &e);
            errs.push(RuleError::new(
                file,
                l,
                c,
                format!("condition does not compile: {}", e.message),
                Some(src.clone()),
            ));
            None
        }
    };
    let at = match &rf.at {
        None => None,
        Some(at) => match Expr::compile(at.value.trim()) {
            Ok(c) => Some(c),
            Err(e) => {
                let (l, c) = expr_position(
                    text,
                    at.referenced.line() as u32,
                    at.referenced.column() as u32,
                    &e,
                );
                errs.push(RuleError::new(
                    file,
                    l,
                    c,
                    format!("`at` does not compile: {}", e.message),
                    Some(src.clone()),
                ));
                None
            }
        },
    };
    let msg_line = rf.message.referenced.line() as u32;
    let mut compile_msg = |t: &str, lang: &str| match Template::compile(t) {
        Ok(t) => Some(t),
        Err((_, e)) => {
            errs.push(RuleError::new(
                file,
                msg_line,
                1,
                format!(
                    "message ({lang}) placeholder does not compile: {}",
                    e.message
                ),
                Some(src.clone()),
            ));
            None
        }
    };
    let message_en = compile_msg(&rf.message.value.en, "en");
    let message_fr = compile_msg(&rf.message.value.fr, "fr");
    if !errs.is_empty() {
        return Err(errs);
    }
    let (Some(condition), Some(message_en), Some(message_fr)) = (condition, message_en, message_fr)
    else {
        return Err(vec![RuleError::new(
            file,
            0,
            0,
            "rule does not compile",
            Some(src),
        )]);
    };
    let meta = RuleMeta {
        id,
        name,
        target: target_name.clone(),
        severity: rf.severity.value,
        status: rf.status.as_str().to_string(),
        title: rf.title,
        what: rf.docs.what.unwrap_or_default(),
        why: rf.docs.why,
        fix: rf.docs.fix,
        references: rf.references,
        profiles: rf.profiles,
        pack,
    };
    Ok(LoadedRule {
        meta,
        target: Target::from_name(&target_name),
        condition,
        at,
        message_en,
        message_fr,
        file: file.to_string(),
        fixtures: None,
    })
}

fn parse_manifest(file: &str, text: &str) -> Result<PackManifest, Vec<RuleError>> {
    let src: Arc<str> = Arc::from(text);
    let m = serde_saphyr::from_str::<PackManifest>(text)
        .map_err(|e| vec![yaml_error(file, &src, &e)])?;
    let mut errs = Vec::new();
    let mut err = |key: &str, message: String| {
        errs.push(RuleError::new(
            file,
            find_key_line(text, key),
            1,
            message,
            Some(src.clone()),
        ));
    };
    let kebab = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !kebab(&m.name) {
        err("name", format!("pack name `{}` must be kebab-case", m.name));
    }
    if semver::Version::parse(&m.version).is_err() {
        err(
            "version",
            format!(
                "pack version `{}` is not a semantic version (1.2.3)",
                m.version
            ),
        );
    }
    if m.publisher.trim().is_empty() {
        err("publisher", "a pack needs a `publisher`".into());
    }
    if let Some(min) = &m.min_vigie_version {
        match semver::Version::parse(min) {
            Err(_) => err(
                "min_vigie_version",
                format!("`min_vigie_version` `{min}` is not a semantic version"),
            ),
            Ok(min) => {
                let this = semver::Version::parse(env!("CARGO_PKG_VERSION"))
                    .unwrap_or(semver::Version::new(0, 0, 0));
                if this < min {
                    err(
                        "min_vigie_version",
                        format!(
                            "pack `{}` needs Vigie {min} or later; this is Vigie {this}",
                            m.name
                        ),
                    );
                }
            }
        }
    }
    for name in m.profiles.keys() {
        if !kebab(name) {
            err(
                "profiles",
                format!("profile name `{name}` must be kebab-case"),
            );
        }
    }
    if errs.is_empty() { Ok(m) } else { Err(errs) }
}

fn pack_info(m: &PackManifest) -> PackInfo {
    PackInfo {
        name: m.name.clone(),
        version: m.version.clone(),
        publisher: m.publisher.clone(),
        sha256: None,
        unsigned: false,
    }
}

fn is_rule_path(rel: &Path) -> bool {
    let is_yaml = rel
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e == "yaml" || e == "yml");
    let in_fixture = rel
        .components()
        .any(|c| matches!(c.as_os_str().to_str(), Some("fail") | Some("pass")));
    let name = rel.file_name().and_then(|n| n.to_str()).unwrap_or("");
    is_yaml && !in_fixture && name != "pack.yaml" && name != "pack.yml"
}

/// How packs given with `--rules` must be vouched for (`vigie scan`). Authoring
/// commands (`rules list/validate/test/doc`) load packs without a policy.
#[derive(Debug, Clone, Default)]
pub struct TrustPolicy {
    /// Trusted minisign public keys by publisher (`vigie.toml` `[trusted_keys]`).
    pub keys: BTreeMap<String, Vec<String>>,
    /// Run unsigned or untrusted packs anyway, marking their findings.
    pub allow_unsigned: bool,
    /// The lockfile and its path, when the deployment has one.
    pub lock: Option<(String, Lock)>,
}

fn pack_error(e: PackError) -> RuleError {
    let file = match &e {
        PackError::Io { path, .. }
        | PackError::Archive { path, .. }
        | PackError::Signature { path, .. }
        | PackError::Untrusted { path, .. }
        | PackError::Lock { path, .. } => path.clone(),
        PackError::Git { url, .. } => url.clone(),
    };
    let full = e.to_string();
    let message = full
        .strip_prefix(&format!("{file}: "))
        .unwrap_or(&full)
        .to_string();
    RuleError::new(&file, 0, 0, message, None)
}

/// Decides whether a pack may run: `Ok(false)` when signed by a key trusted for its
/// publisher, `Ok(true)` when unsigned or untrusted but `allow_unsigned` (its findings are
/// then marked). A signature that is present but does not verify is always refused.
fn check_trust(
    fetched: &Fetched,
    manifest: &PackManifest,
    policy: &TrustPolicy,
) -> Result<bool, Vec<RuleError>> {
    let keys = policy
        .keys
        .get(&manifest.publisher)
        .cloned()
        .unwrap_or_default();
    let refuse = |why: String| {
        vec![RuleError::new(
            &fetched.signature_path,
            0,
            0,
            format!(
                "{why}; refusing pack `{}` {} (add the publisher's key under [trusted_keys] in \
                 vigie.toml, or pass --allow-unsigned to run it with every finding marked)",
                manifest.name, manifest.version
            ),
            None,
        )]
    };
    let Some(sig) = &fetched.signature else {
        if policy.allow_unsigned {
            return Ok(true);
        }
        return Err(refuse("the pack is not signed".into()));
    };
    match pack::verify(
        &fetched.signed_bytes,
        sig,
        &fetched.signature_path,
        &keys,
        Some((&manifest.name, &manifest.version, &fetched.digest)),
    ) {
        Ok(_) => Ok(false),
        Err(PackError::Untrusted { message, .. }) => {
            if policy.allow_unsigned {
                Ok(true)
            } else {
                Err(refuse(format!(
                    "{message} (publisher `{}`)",
                    manifest.publisher
                )))
            }
        }
        Err(e) => Err(vec![pack_error(e)]),
    }
}

impl RuleSet {
    /// Loads the rules: the embedded core pack (unless `no_default`), then each directory,
    /// without any signature policy (authoring). All errors are returned together.
    pub fn load(no_default: bool, dirs: &[PathBuf]) -> Result<RuleSet, Vec<RuleError>> {
        let sources: Vec<PackSource> = dirs.iter().cloned().map(PackSource::Dir).collect();
        RuleSet::load_sources(no_default, &sources, None)
    }

    /// Loads the core pack (unless `no_default`) and packs from any source. With a
    /// `trust` policy, each pack must be signed by a key trusted for its publisher (or
    /// `allow_unsigned`, which marks it) and match the lockfile, if any.
    pub fn load_sources(
        no_default: bool,
        sources: &[PackSource],
        trust: Option<&TrustPolicy>,
    ) -> Result<RuleSet, Vec<RuleError>> {
        let mut set = RuleSet::default();
        let mut errs = Vec::new();
        if !no_default {
            let files = core_files();
            let manifest = files
                .iter()
                .find(|(p, _)| *p == "pack.yaml")
                .map(|(p, t)| parse_manifest(&format!("rules/{p}"), t));
            match manifest {
                Some(Ok(m)) => {
                    set.packs.push(pack_info(&m));
                    set.manifests.push(m);
                }
                Some(Err(e)) => errs.extend(e),
                None => errs.push(RuleError::new(
                    "rules/pack.yaml",
                    0,
                    0,
                    "core pack manifest missing",
                    None,
                )),
            }
            for (path, text) in files {
                let rel = Path::new(path);
                if !is_rule_path(rel) {
                    continue;
                }
                let stem = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                match parse_rule(&format!("rules/{path}"), stem, text, 0) {
                    Ok(r) => set.rules.push(r),
                    Err(e) => errs.extend(e),
                }
            }
        }
        for source in sources {
            let fetched = match pack::fetch(source) {
                Ok(f) => f,
                Err(e) => {
                    errs.push(pack_error(e));
                    continue;
                }
            };
            if let Err(e) = set.load_pack(&fetched, trust) {
                errs.extend(e);
            }
        }
        // Unique ids across all packs, unless a pack declares it overrides the other's.
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        let mut dropped = vec![false; set.rules.len()];
        for (i, r) in set.rules.iter().enumerate() {
            let Some(&j) = seen.get(&r.meta.id) else {
                seen.insert(r.meta.id.clone(), i);
                continue;
            };
            let first = &set.rules[j];
            let overrides = |pack: usize| {
                set.manifests
                    .get(pack)
                    .is_some_and(|m| m.overrides.iter().any(|o| o == &r.meta.id))
            };
            if first.meta.pack != r.meta.pack && overrides(r.meta.pack) {
                dropped[j] = true;
                seen.insert(r.meta.id.clone(), i);
            } else if first.meta.pack != r.meta.pack && overrides(first.meta.pack) {
                dropped[i] = true;
            } else {
                errs.push(RuleError::new(
                    &r.file,
                    0,
                    0,
                    format!(
                        "duplicate rule id `{}`: already defined in {} (a pack that means to \
                         replace it lists the id under `overrides:` in its pack.yaml)",
                        r.meta.id, first.file
                    ),
                    None,
                ));
            }
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let mut keep = dropped.into_iter().map(|d| !d);
        set.rules.retain(|_| keep.next().unwrap_or(true));
        set.rules.sort_by(|a, b| a.meta.id.cmp(&b.meta.id));
        Ok(set)
    }

    fn load_pack(
        &mut self,
        fetched: &Fetched,
        trust: Option<&TrustPolicy>,
    ) -> Result<(), Vec<RuleError>> {
        let shown = |rel: &str| match &fetched.root {
            Some(root) => root.join(rel).to_string_lossy().to_string(),
            None => format!("{}/{rel}", fetched.display),
        };
        let manifest = match fetched.files.get("pack.yaml") {
            Some(bytes) => parse_manifest(&shown("pack.yaml"), &String::from_utf8_lossy(bytes))?,
            None if fetched.root.is_some() && trust.is_none() => {
                // A bare directory of rules while authoring: an anonymous local pack.
                let dir = fetched.root.as_deref().unwrap_or(Path::new("local"));
                PackManifest {
                    name: dir
                        .file_name()
                        .and_then(|n| n.to_str())
                        .unwrap_or("local")
                        .to_string(),
                    version: "0.0.0".into(),
                    publisher: "local".into(),
                    description: String::new(),
                    licence: String::new(),
                    min_vigie_version: None,
                    fixtures_as_of: None,
                    profiles: BTreeMap::new(),
                    overrides: Vec::new(),
                }
            }
            None => {
                return Err(vec![RuleError::new(
                    &shown("pack.yaml"),
                    0,
                    0,
                    "a pack needs a `pack.yaml` at its root",
                    None,
                )]);
            }
        };
        let mut info = pack_info(&manifest);
        info.sha256 = Some(fetched.digest.clone());
        if let Some(policy) = trust {
            info.unsigned = check_trust(fetched, &manifest, policy)?;
            if let Some((path, lock)) = &policy.lock {
                lock.check(path, &manifest.name, &manifest.version, &fetched.digest)
                    .map_err(|e| vec![pack_error(e)])?;
            }
        }
        let pack = self.packs.len();
        self.packs.push(info);
        self.manifests.push(manifest);
        let mut errs = Vec::new();
        for (rel, bytes) in &fetched.files {
            let relp = Path::new(rel);
            if !is_rule_path(relp) {
                continue;
            }
            let file = shown(rel);
            let stem = relp
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let Ok(text) = std::str::from_utf8(bytes) else {
                errs.push(RuleError::new(&file, 0, 0, "rule file is not UTF-8", None));
                continue;
            };
            match parse_rule(&file, &stem, text, pack) {
                Ok(mut r) => {
                    if let Some(root) = &fetched.root {
                        r.fixtures = Some(root.join(relp).with_file_name(&stem));
                    }
                    self.rules.push(r);
                }
                Err(e) => errs.extend(e),
            }
        }
        if errs.is_empty() { Ok(()) } else { Err(errs) }
    }

    /// Finds a rule by id (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&LoadedRule> {
        self.rules
            .iter()
            .find(|r| r.meta.id.eq_ignore_ascii_case(id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id: CERT-900
name: test-rule
target: certificate
severity: high
condition: key.bits < 2048
title: { en: Small key, fr: Petite clé }
message: { en: "key of {{ key.bits }} bits", fr: "clé de {{ key.bits }} bits" }
docs:
  why: { en: Because., fr: Parce que. }
  fix: { en: Fix it., fr: Corrigez. }
references:
  - { cwe: 326 }
"#;

    #[test]
    fn parses_a_good_rule() {
        let r = parse_rule("t.yaml", "CERT-900-test-rule", GOOD, 0).unwrap();
        assert_eq!(r.meta.id, "CERT-900");
        assert_eq!(r.target, Some(Target::Certificate));
    }

    #[test]
    fn unknown_key_is_an_error_with_position() {
        let bad = GOOD.replace("severity: high", "severity: high\nseverty: low");
        let errs = parse_rule("t.yaml", "CERT-900-test-rule", &bad, 0).unwrap_err();
        assert_eq!(errs[0].line, 5, "{}", errs[0]);
        assert!(errs[0].message.contains("severty"), "{}", errs[0]);
        assert!(errs[0].render().contains("t.yaml:5:"));
    }

    /// Found by the mutation test: an error column inside a multi-byte character made
    /// the snippet renderer panic.
    #[test]
    fn error_inside_a_multibyte_character_renders() {
        let bad = GOOD.replace("  - { cwe: 326 }", "  - { id:\u{fffd}   I-EN, url: x }");
        let errs = parse_rule("t.yaml", "CERT-900-test-rule", &bad, 0).unwrap_err();
        assert!(errs[0].render().contains("t.yaml:"), "{}", errs[0]);
        for column in 1..=16 {
            let e = RuleError::new("t.yaml", 12, column, "bad", Some(Arc::from(bad.as_str())));
            assert!(e.render().contains("bad"));
        }
        let crlf = bad.replace('\n', "\r\n");
        let e = RuleError::new("t.yaml", 12, 10, "bad", Some(Arc::from(crlf.as_str())));
        assert!(e.render().contains("t.yaml:12:"), "{}", e.render());
    }

    #[test]
    fn bad_condition_points_into_the_expression() {
        let bad = GOOD.replace("condition: key.bits < 2048", "condition: key.bits < ");
        let errs = parse_rule("t.yaml", "CERT-900-test-rule", &bad, 0).unwrap_err();
        assert_eq!(errs[0].line, 5);
        assert!(errs[0].column > 11, "{}", errs[0]);
    }

    #[test]
    fn missing_french_and_file_name_mismatch() {
        let bad = GOOD.replace("fr: Petite clé", "fr: ''");
        let errs = parse_rule("t.yaml", "CERT-901-other", &bad, 0).unwrap_err();
        let all: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert!(
            all.iter().any(|e| e.contains("file name must be")),
            "{all:?}"
        );
        assert!(
            all.iter().any(|e| e.contains("`title` needs both")),
            "{all:?}"
        );
    }

    #[test]
    fn unfinished_scaffold_text_is_refused_with_its_line() {
        let bad = GOOD.replace("en: Small key", "en: \"FILL IN: the bad thing\"");
        let errs = parse_rule("t.yaml", "CERT-900-test-rule", &bad, 0).unwrap_err();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!((errs[0].line, errs[0].column), (6, 15), "{}", errs[0]);
        let commented = format!("# replace every FILL IN text\n{GOOD}");
        assert!(parse_rule("t.yaml", "CERT-900-test-rule", &commented, 0).is_ok());
    }

    #[test]
    fn core_pack_loads() {
        let set = RuleSet::load(false, &[]).unwrap_or_else(|e| {
            let msgs: Vec<String> = e.iter().map(|e| e.render()).collect();
            panic!("{}", msgs.join("\n"))
        });
        assert_eq!(set.packs[0].name, "vigie-core");
        assert!(set.rules.len() >= 20);
    }
}
