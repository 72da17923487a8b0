//! Rust source extractor: `.rs` files parsed with syn (full) and proc-macro2 span
//! locations, plus `Cargo.toml` and `Cargo.lock` (see [`cargo`]).
//!
//! One [`SourceFact`] per thing rules look at, each with file, line and column:
//! - `call` and `method`: a call with its path (`Command::new`, `md5::compute`) or a
//!   method call with its name (`danger_accept_invalid_certs`), the arguments rendered
//!   (`true`, `SslVerifyMode::NONE`, `"sh"`, `format!(..)`), the whole method chain it
//!   belongs to, including calls made later on the variable it was bound to
//!   (`let mut c = Command::new("sh"); c.arg("-c")`), and the call that created its
//!   receiver (`rng.gen()` where `rng = SmallRng::seed_from_u64(..)`);
//! - `literal`: string literals classified by [`vocab::classify_literal`] (secrets are
//!   masked here, before any output can see them; URLs; IP addresses); only literals
//!   that are one of these are kept;
//! - `macro`: macro invocations (`println!`, `info!`, `tracing::warn!`) with the
//!   identifiers their arguments name, inline format arguments (`{plate}`) included, and
//!   the personal-data categories those identifiers denote. Macro bodies are token
//!   streams: identifiers are read from tokens; when the body parses as a list of
//!   expressions those are visited too, so a call inside `format!` is seen;
//! - `unsafe` (block, fn, impl, trait), with whether a `SAFETY` comment precedes it;
//! - `attribute`: `allow`, `deny`, `forbid`, `warn`, `expect` and `feature` attributes with the
//!   lints or features they name;
//! - `field`: struct fields that denote personal data, with whether the struct derives
//!   serde's `Serialize`/`Deserialize` (a payload);
//! - `dependency`, `package`, `setting` from Cargo files; `target` for a binary's
//!   entry file (`src/main.rs`, `src/bin/*.rs`);
//! - in functions that parse received bytes (see [`flow::parser_inputs`]): `panic` for
//!   `.unwrap()`, `.expect(..)` and indexing on those bytes or values derived from them,
//!   `alloc` for allocations sized by such values; `flags` gets `checked` when the
//!   function compares the value with a bound;
//! - `update`: a function that fetches bytes over the network and runs, installs or
//!   flashes something, with `verify` in `flags` when it also checks a signature;
//! - `retention`: constants named like a retention period or TTL, and `Duration`
//!   constructors in purge functions, with their value in `seconds` when constant;
//! - `crate`, computed by [`correlate`]: per crate, every personal-data identifier found
//!   in logs and payload structs, with its location, for the declaration cross-check.
//!
//! Identities are position-free: kind, enclosing function, name and occurrence index
//! within that function, so fingerprints survive lines moving.

pub mod cargo;
pub mod flow;
pub mod vocab;

use crate::artifact::{Artifact, ArtifactKind};
use crate::facts::{Fact, FactData, Target};
use crate::targets::Extracted;
use proc_macro2::{Delimiter, LineColumn, TokenStream, TokenTree};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Lit, Pat};
use vigie_reports::{Location, Notification, NotificationLevel, Region};
pub use vocab::LiteralFact;

/// Longest rendering kept for an argument.
const MAX_ARG_TEXT: usize = 160;
/// Most identifiers kept per macro.
const MAX_IDENTS: usize = 48;

/// One argument of a call, method call or attribute.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct ArgFact {
    /// `str`, `bool`, `int`, `float`, `path`, `call`, `method`, `macro`, `array`,
    /// `field`, `closure` or `other`. A reference (`&x`) has the kind of `x`.
    pub kind: String,
    /// The argument as written, compacted; string literals quoted, secrets masked.
    pub text: String,
    /// The argument depends on something other than literals (a variable, a call, a
    /// formatting macro).
    pub dynamic: bool,
}

/// One call in a method chain.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct LinkFact {
    /// Path of a call (`Command::new`) or name of a method (`arg`).
    pub name: String,
    /// Its arguments.
    pub args: Vec<ArgFact>,
}

/// A personal-data identifier found in a log macro or a payload struct.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct PersonalUse {
    /// Declaration `data_category` value (`vehicle_identifier`, `device_identifier`,
    /// `location`, `contact`, `identification`, `network_identifier`, `biometric`).
    pub category: String,
    /// The identifier (`licence_plate`).
    pub ident: String,
    /// `log` (named in a logging or printing macro) or `field` (a serde struct field).
    pub via: String,
    /// File.
    pub uri: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

/// What the source extractor learned about one place in a crate. Every field is always
/// present (empty when it does not apply), so conditions never meet a missing key.
#[derive(Debug, Clone, Serialize, Default, PartialEq)]
pub struct SourceFact {
    /// `call`, `method`, `macro`, `literal`, `unsafe`, `attribute`, `field`,
    /// `dependency`, `package`, `setting`, `target`, `panic`, `alloc`, `update`,
    /// `retention` or `crate`.
    pub kind: String,
    /// Call path, method, macro or attribute name; field name; crate name; setting key
    /// (`profile.dev.overflow-checks`); `block`/`fn`/`impl`/`trait` for `unsafe`.
    pub name: String,
    /// Enclosing function (empty at module level).
    pub function: String,
    /// Name the value is bound to: the `let` variable, constant, static, struct field or
    /// assigned place for calls; for literals, the callee or method they are passed to
    /// when that is closer; the struct for fields; the section for dependencies
    /// (`dependencies`, `dev-dependencies`...); the crate directory for packages.
    pub binding: String,
    /// Arguments (calls, methods, attributes) or the value of a setting.
    pub args: Vec<ArgFact>,
    /// The method chain this call is part of, root first, itself included.
    pub chain: Vec<LinkFact>,
    /// The local variable a method is called on (`rng` in `rng.gen()`), or empty.
    pub receiver: String,
    /// The call that initialised [`receiver`](Self::receiver) in the same function
    /// (`SmallRng::seed_from_u64`); for dependencies, `Cargo.toml` or `Cargo.lock`.
    pub origin: String,
    /// Identifiers named by a macro's arguments (inline format arguments included).
    pub idents: Vec<String>,
    /// Personal-data categories denoted by [`idents`](Self::idents) (or by the field).
    pub personal: Vec<String>,
    /// The identifiers that denote personal data.
    pub personal_idents: Vec<String>,
    /// For literals: the classification.
    pub literal: LiteralFact,
    /// For `unsafe`: a `SAFETY:` comment (or `# Safety` doc section) precedes it.
    pub documented: bool,
    /// For dependencies: the locked version (Cargo.lock) or the requirement (Cargo.toml).
    pub version: String,
    /// For fields: the struct derives `Serialize` or `Deserialize`.
    pub serde: bool,
    /// Test code: a `#[cfg(test)]` module, a `#[test]` function, or a file under
    /// `tests/`, `benches/` or `examples/`.
    pub in_test: bool,
    /// For attributes: an inner attribute (`#![...]`).
    pub inner: bool,
    /// Short rendering for messages (`danger_accept_invalid_certs(true)`), secrets masked.
    pub text: String,
    /// For `crate`: personal data found in logs and payload structs, with locations.
    pub uses: Vec<PersonalUse>,
    /// Markers: `binary` and `locked` for packages (a binary target; a `Cargo.lock` in
    /// the crate or workspace directory), `checked` for `panic` and `alloc` (the value
    /// is compared with a bound in the function), `verify` for `update`.
    pub flags: Vec<String>,
    /// For `retention`: the duration in seconds, when it is a constant expression.
    pub seconds: Option<i64>,
}

/// Runs the extractor of a Rust source or Cargo artifact.
pub fn extract(artifact: &Artifact) -> Extracted {
    match artifact.kind {
        ArtifactKind::CargoManifest => cargo::manifest(artifact),
        ArtifactKind::CargoLock => cargo::lock(artifact),
        _ => extract_rust(artifact),
    }
}

pub(crate) fn note(uri: &str, code: &str, message: String, line: u32, column: u32) -> Notification {
    Notification {
        level: NotificationLevel::Error,
        code: code.into(),
        message,
        location: Some(Location {
            uri: uri.to_string(),
            artifact: None,
            region: Some(Region::Text {
                start_line: line.max(1),
                start_column: Some(column.max(1)),
                end_line: None,
            }),
            logical: None,
        }),
        rule_id: None,
    }
}

pub(crate) fn fact(uri: &str, line: u32, column: u32, identity: String, f: SourceFact) -> Fact {
    Fact {
        target: Target::Source,
        location: Location {
            uri: uri.to_string(),
            artifact: None,
            region: Some(Region::Text {
                start_line: line.max(1),
                start_column: Some(column.max(1)),
                end_line: None,
            }),
            logical: None,
        },
        identity,
        data: FactData::Source(Box::new(f)),
    }
}

fn extract_rust(artifact: &Artifact) -> Extracted {
    let uri = artifact.path.to_string();
    let mut out = Extracted::default();
    let text = match std::str::from_utf8(&artifact.bytes) {
        Ok(t) => t,
        Err(e) => {
            let before = &artifact.bytes[..e.valid_up_to()];
            let line = before.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            out.notifications.push(note(
                &uri,
                "source-not-utf8",
                format!("Rust source is not valid UTF-8 (byte {})", e.valid_up_to()),
                line,
                1,
            ));
            return out;
        }
    };
    match syn::parse_file(text) {
        Err(e) => {
            let at = e.span().start();
            out.notifications.push(note(
                &uri,
                "source-parse-error",
                format!("Rust source does not parse: {e}"),
                at.line as u32,
                at.column as u32 + 1,
            ));
        }
        Ok(file) => {
            let mut c = Collector::new(&uri, text);
            c.visit_file(&file);
            out.facts = c.finish();
        }
    }
    if is_bin_entry(&uri) {
        out.facts.push(fact(
            &uri,
            1,
            1,
            "target:bin".into(),
            SourceFact {
                kind: "target".into(),
                name: "bin".into(),
                text: uri.clone(),
                ..SourceFact::default()
            },
        ));
    }
    // Spans of this file are no longer needed: free proc-macro2's per-thread source map,
    // which otherwise keeps every file ever parsed on this thread.
    proc_macro2::extra::invalidate_current_thread_spans();
    out
}

/// The entry file of a binary target: `src/main.rs` or `src/bin/*.rs`.
fn is_bin_entry(uri: &str) -> bool {
    let inner = uri.rsplit("!/").next().unwrap_or(uri);
    inner == "src/main.rs"
        || inner.ends_with("/src/main.rs")
        || inner.starts_with("src/bin/")
        || inner.contains("/src/bin/")
}

fn is_test_path(uri: &str) -> bool {
    let inner = uri.rsplit("!/").next().unwrap_or(uri);
    inner.split('/').any(|c| {
        matches!(
            c,
            "tests" | "test" | "benches" | "examples" | "testdata" | "fuzz"
        )
    }) || inner.ends_with("_test.rs")
        || inner.ends_with("_tests.rs")
        || inner.ends_with("/tests.rs")
        || inner == "tests.rs"
}

fn path_str(p: &syn::Path) -> String {
    let mut s = String::new();
    for (i, seg) in p.segments.iter().enumerate() {
        if i > 0 {
            s.push_str("::");
        }
        s.push_str(&seg.ident.to_string());
    }
    s
}

fn cut(mut s: String) -> String {
    if s.len() > MAX_ARG_TEXT {
        let mut end = MAX_ARG_TEXT;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
    }
    s
}

/// Renders an expression compactly; string literals classified for `binding` so secrets
/// come out masked. Returns (kind, text, dynamic).
fn render(e: &Expr, binding: &str, depth: usize) -> (String, String, bool) {
    if depth > 4 {
        return ("other".into(), "..".into(), true);
    }
    let args = |a: &Punctuated<Expr, syn::Token![,]>, b: &str| -> (String, bool) {
        let mut dynamic = false;
        let n = a.len();
        let parts: Vec<String> = a
            .iter()
            .enumerate()
            .map(|(i, x)| {
                let (_, t, d) = render(x, &arg_binding(b, i, n), depth + 1);
                dynamic |= d;
                t
            })
            .collect();
        (parts.join(", "), dynamic)
    };
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(s) => {
                let v = vocab::classify_literal(&s.value(), binding);
                ("str".into(), format!("{:?}", v.value), false)
            }
            Lit::Bool(b) => ("bool".into(), b.value().to_string(), false),
            Lit::Int(i) => ("int".into(), i.base10_digits().to_string(), false),
            Lit::Float(f) => ("float".into(), f.base10_digits().to_string(), false),
            _ => ("other".into(), "lit".into(), false),
        },
        Expr::Path(p) => {
            let s = path_str(&p.path);
            // A single lowercase segment is a variable; a path with `::` or a capitalised
            // name is a constant or variant.
            let dynamic = p.path.segments.len() == 1
                && s.chars()
                    .next()
                    .is_some_and(|c| c.is_lowercase() || c == '_');
            ("path".into(), s, dynamic)
        }
        Expr::Reference(r) => {
            let (k, t, d) = render(&r.expr, binding, depth);
            (k, format!("&{t}"), d)
        }
        Expr::Paren(p) => render(&p.expr, binding, depth),
        Expr::Call(c) => {
            let callee = match &*c.func {
                Expr::Path(p) => path_str(&p.path),
                _ => "..".into(),
            };
            let last = callee.rsplit("::").next().unwrap_or("").to_string();
            let (a, d) = args(&c.args, &last);
            let is_ctor = callee
                .rsplit("::")
                .next()
                .is_some_and(|l| l.chars().next().is_some_and(char::is_uppercase));
            ("call".into(), format!("{callee}({a})"), d || !is_ctor)
        }
        Expr::MethodCall(m) => {
            let (_, recv, _) = render(&m.receiver, binding, depth + 1);
            let method = m.method.to_string();
            let (a, _) = args(&m.args, &method);
            ("method".into(), format!("{recv}.{method}({a})"), true)
        }
        Expr::Macro(m) => {
            let name = path_str(&m.mac.path);
            ("macro".into(), format!("{name}!(..)"), true)
        }
        Expr::Array(a) => {
            let (t, d) = args(&a.elems, binding);
            ("array".into(), format!("[{t}]"), d)
        }
        Expr::Field(f) => {
            let (_, base, _) = render(&f.base, binding, depth + 1);
            let member = match &f.member {
                syn::Member::Named(i) => i.to_string(),
                syn::Member::Unnamed(i) => i.index.to_string(),
            };
            ("field".into(), format!("{base}.{member}"), true)
        }
        Expr::Closure(_) => ("closure".into(), "|..| ..".into(), true),
        Expr::Range(r) => {
            let part = |x: &Option<Box<Expr>>| {
                x.as_ref()
                    .map(|x| render(x, binding, depth + 1))
                    .unwrap_or_default()
            };
            let (_, a, da) = part(&r.start);
            let (_, b, db) = part(&r.end);
            let op = match r.limits {
                syn::RangeLimits::HalfOpen(_) => "..",
                syn::RangeLimits::Closed(_) => "..=",
            };
            ("other".into(), format!("{a}{op}{b}"), da || db)
        }
        Expr::Unary(u) => {
            let (k, t, d) = render(&u.expr, binding, depth + 1);
            let op = match u.op {
                syn::UnOp::Neg(_) => "-",
                syn::UnOp::Not(_) => "!",
                _ => "*",
            };
            (k, format!("{op}{t}"), d)
        }
        _ => ("other".into(), "..".into(), true),
    }
}

/// The name an argument is bound to: the callee's last segment, except the first of
/// several arguments of a credentials call (`set_credentials(user, password)`), which is
/// the user name and not a secret.
fn arg_binding(callee_last: &str, index: usize, count: usize) -> String {
    let w = vocab::words(callee_last);
    let credentials = w
        .iter()
        .any(|x| matches!(x.as_str(), "credentials" | "login" | "auth" | "basic"));
    if credentials && index == 0 && count >= 2 {
        "username".into()
    } else {
        callee_last.to_string()
    }
}

fn render_args(a: &Punctuated<Expr, syn::Token![,]>, binding: &str) -> Vec<ArgFact> {
    let n = a.len();
    a.iter()
        .enumerate()
        .map(|(i, x)| {
            let (kind, text, dynamic) = render(x, &arg_binding(binding, i, n), 0);
            ArgFact {
                kind,
                text: cut(text),
                dynamic,
            }
        })
        .collect()
}

/// Strips `?`, `.await`, parentheses and references around an expression.
fn peel(mut e: &Expr) -> &Expr {
    loop {
        e = match e {
            Expr::Try(t) => &t.expr,
            Expr::Await(a) => &a.base,
            Expr::Paren(p) => &p.expr,
            Expr::Reference(r) => &r.expr,
            _ => return e,
        };
    }
}

fn pat_ident(p: &Pat) -> Option<String> {
    match p {
        Pat::Ident(i) => Some(i.ident.to_string()),
        Pat::Type(t) => pat_ident(&t.pat),
        Pat::Reference(r) => pat_ident(&r.pat),
        _ => None,
    }
}

fn attr_is_test(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let p = a.path();
        let last = p.segments.last().map(|s| s.ident.to_string());
        if last.as_deref() == Some("test") {
            return true;
        }
        if p.is_ident("cfg")
            && let syn::Meta::List(l) = &a.meta
        {
            return l
                .tokens
                .clone()
                .into_iter()
                .any(|t| matches!(&t, TokenTree::Ident(i) if i == "test"));
        }
        false
    })
}

fn derives_serde(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("derive")
            && matches!(&a.meta, syn::Meta::List(l) if l.tokens.clone().into_iter().any(|t| {
                matches!(&t, TokenTree::Ident(i) if i == "Serialize" || i == "Deserialize")
            }))
    })
}

/// Inline format arguments of a format string: `{plate}`, `{plate:?}`, `{0}` is skipped.
fn inline_format_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        if rest.starts_with('{') {
            rest = &rest[1..];
            continue;
        }
        let end = rest.find(['}', ':']).unwrap_or(rest.len());
        let name = &rest[..end];
        if !name.is_empty()
            && name
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_alphanumeric() || c == '_')
        {
            out.push(name.to_string());
        }
    }
    out
}

#[derive(Default)]
struct FnScope {
    name: String,
    /// Local variable → (index of the facts of its initialising chain, root callee).
    vars: HashMap<String, (Vec<usize>, String)>,
    /// Byte parameters of a parsing function and the locals derived from them.
    inputs: HashSet<String>,
    /// Names compared with a bound or passed through `min`/`clamp`/`checked_*`.
    checked: HashSet<String>,
    /// `panic` and `alloc` facts with the input name whose bound decides `checked`.
    pending: Vec<(usize, String)>,
    /// Local derived from an input → that input (a local is checked when its source is).
    derived_from: HashMap<String, String>,
    update: flow::UpdateFlow,
    /// The function deletes old data (`purge`, `prune`...).
    purge: bool,
}

struct Pending {
    line: u32,
    column: u32,
    fact: SourceFact,
}

struct Collector<'t> {
    uri: &'t str,
    lines: Vec<&'t str>,
    facts: Vec<Pending>,
    scopes: Vec<FnScope>,
    binding: Vec<String>,
    test_depth: usize,
    file_is_test: bool,
    /// Facts of the last complete chain visited and its root callee (for `let`).
    last_chain: Option<(Vec<usize>, String)>,
}

impl<'t> Collector<'t> {
    fn new(uri: &'t str, text: &'t str) -> Self {
        Collector {
            uri,
            lines: text.lines().collect(),
            facts: Vec::new(),
            scopes: vec![FnScope::default()],
            binding: Vec::new(),
            test_depth: 0,
            file_is_test: is_test_path(uri),
            last_chain: None,
        }
    }

    fn function(&self) -> String {
        self.scopes
            .iter()
            .rev()
            .find(|s| !s.name.is_empty())
            .map(|s| s.name.clone())
            .unwrap_or_default()
    }

    fn current_binding(&self) -> String {
        self.binding.last().cloned().unwrap_or_default()
    }

    fn push(&mut self, at: LineColumn, mut fact: SourceFact) -> usize {
        fact.function = self.function();
        fact.in_test = self.file_is_test || self.test_depth > 0;
        self.facts.push(Pending {
            line: at.line as u32,
            column: at.column as u32 + 1,
            fact,
        });
        self.facts.len() - 1
    }

    fn with_binding(&mut self, b: String, f: impl FnOnce(&mut Self)) {
        self.binding.push(b);
        f(self);
        self.binding.pop();
    }

    /// A `SAFETY` comment on the same line before `unsafe`, or in the comment and
    /// attribute lines right above it.
    fn documented(&self, at: LineColumn) -> bool {
        let idx = at.line.saturating_sub(1);
        if let Some(l) = self.lines.get(idx) {
            let before: String = l.chars().take(at.column).collect();
            if before.to_ascii_lowercase().contains("safety") {
                return true;
            }
        }
        for j in (idx.saturating_sub(20)..idx).rev() {
            let l = self.lines.get(j).map(|l| l.trim()).unwrap_or("");
            let is_comment = l.starts_with("//")
                || l.starts_with("/*")
                || l.starts_with('*')
                || l.starts_with("#[")
                || l.is_empty();
            if !is_comment {
                // Code above: the comment block, if any, ended.
                return false;
            }
            if l.to_ascii_lowercase().contains("safety") {
                return true;
            }
        }
        false
    }

    fn literal(&mut self, s: &syn::LitStr, binding: &str) {
        let value = s.value();
        let lit = vocab::classify_literal(&value, binding);
        let keep = !lit.secret.is_empty()
            || lit.default_password
            || !lit.scheme.is_empty()
            || !lit.ip.is_empty();
        if !keep {
            return;
        }
        let text = format!("{:?}", lit.value);
        let f = SourceFact {
            kind: "literal".into(),
            name: String::new(),
            binding: binding.to_string(),
            text,
            literal: lit,
            ..SourceFact::default()
        };
        self.push(s.span().start(), f);
    }

    /// A call or method chain: one fact per link, then the arguments are visited.
    fn chain<'a>(&mut self, top: &'a Expr) {
        struct L<'b> {
            name: String,
            method: bool,
            at: LineColumn,
            args: &'b Punctuated<Expr, syn::Token![,]>,
            recv: Option<&'b Expr>,
        }
        let mut links: Vec<L<'a>> = Vec::new();
        let mut root: Option<&'a Expr> = None;
        let mut receiver = String::new();
        let mut cur = top;
        loop {
            match cur {
                Expr::MethodCall(m) => {
                    links.push(L {
                        name: m.method.to_string(),
                        method: true,
                        at: m.method.span().start(),
                        args: &m.args,
                        recv: Some(&m.receiver),
                    });
                    cur = &m.receiver;
                }
                Expr::Call(c) => {
                    if let Expr::Path(p) = &*c.func {
                        links.push(L {
                            name: path_str(&p.path),
                            method: false,
                            at: c.func.span().start(),
                            args: &c.args,
                            recv: None,
                        });
                    } else {
                        self.visit_expr(&c.func);
                        for a in &c.args {
                            self.visit_expr(a);
                        }
                    }
                    break;
                }
                Expr::Try(t) => cur = &t.expr,
                Expr::Await(a) => cur = &a.base,
                Expr::Paren(p) => cur = &p.expr,
                Expr::Path(p) if p.path.segments.len() == 1 => {
                    receiver = path_str(&p.path);
                    break;
                }
                other => {
                    root = Some(other);
                    break;
                }
            }
        }
        links.reverse();
        let chain: Vec<LinkFact> = links
            .iter()
            .map(|l| {
                let last = l.name.rsplit("::").next().unwrap_or("").to_string();
                LinkFact {
                    name: l.name.clone(),
                    args: render_args(l.args, &last),
                }
            })
            .collect();
        let binding = self.current_binding();
        let origin = self
            .scopes
            .last()
            .and_then(|s| s.vars.get(&receiver))
            .map(|(_, o)| o.clone())
            .unwrap_or_default();
        self.flow_of_chain(top, &chain, &origin, |i| {
            let l = &links[i];
            (l.at, l.method, l.args, l.recv)
        });
        let mut indices = Vec::new();
        for (i, l) in links.iter().enumerate() {
            // Kept out to bound the number of facts (they stay visible in `chain`):
            // the prelude's `Some`/`Ok`/`Err` wrappers of plain values, and methods without arguments
            // whose receiver was not created by a call in the same function
            // (`.unwrap()`, `.clone()`, `.iter()`...).
            let skip = if l.method {
                l.args.is_empty() && (i > 0 || origin.is_empty())
            } else {
                // ... unless they wrap a constant (`Some(&digest::SHA1_FOR_LEGACY_USE_ONLY)`).
                matches!(l.name.as_str(), "Some" | "Ok" | "Err")
                    && !chain[i].args.iter().any(|a| a.text.contains("::"))
            };
            if skip {
                continue;
            }
            let args = chain[i].args.clone();
            let text = cut(format!(
                "{}({})",
                l.name,
                args.iter()
                    .map(|a| a.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            let f = SourceFact {
                kind: if l.method { "method" } else { "call" }.into(),
                name: l.name.clone(),
                binding: binding.clone(),
                args,
                chain: chain.clone(),
                receiver: if i == 0 || !l.method {
                    receiver.clone()
                } else {
                    String::new()
                },
                origin: if l.method {
                    origin.clone()
                } else {
                    String::new()
                },
                text,
                ..SourceFact::default()
            };
            indices.push(self.push(l.at, f));
        }
        // Calls made later on a variable extend the chain of the call that created it.
        if !receiver.is_empty()
            && let Some((created, _)) = self.scopes.last().and_then(|s| s.vars.get(&receiver))
        {
            for &ci in created {
                if let Some(p) = self.facts.get_mut(ci) {
                    p.fact.chain.extend(chain.iter().cloned());
                }
            }
        }
        let root_name = links.first().map(|l| l.name.clone()).unwrap_or_default();
        if let Some(r) = root {
            self.visit_expr(r);
        }
        for l in &links {
            let last = l.name.rsplit("::").next().unwrap_or("").to_string();
            let n = l.args.len();
            for (i, a) in l.args.iter().enumerate() {
                self.with_binding(arg_binding(&last, i, n), |s| s.visit_expr(a));
            }
        }
        self.last_chain = Some((indices, root_name));
    }

    /// The function-level checks of one chain: update flow, and in parsing functions
    /// `panic`/`alloc` facts and bounds.
    fn flow_of_chain<'b>(
        &mut self,
        top: &'b Expr,
        chain: &[LinkFact],
        origin: &str,
        link: impl Fn(
            usize,
        ) -> (
            LineColumn,
            bool,
            &'b Punctuated<Expr, syn::Token![,]>,
            Option<&'b Expr>,
        ),
    ) {
        let names: Vec<&str> = chain.iter().map(|l| l.name.as_str()).collect();
        let (parsing, purge) = self
            .scopes
            .last()
            .map(|s| (!s.inputs.is_empty(), s.purge))
            .unwrap_or_default();
        for (i, c) in chain.iter().enumerate() {
            let (at, method, args, recv) = link(i);
            if let Some(scope) = self.scopes.last_mut() {
                scope.update.see(at, &c.name, &c.args, &names, origin);
            }
            let text = || {
                let a: Vec<&str> = c.args.iter().map(|a| a.text.as_str()).collect();
                format!("{}({})", c.name, a.join(", "))
            };
            if parsing {
                if method
                    && matches!(c.name.as_str(), "unwrap" | "expect")
                    && let Some(input) = recv.and_then(|r| self.reads_input(r))
                {
                    self.push_pending(at, "panic", &c.name, input, text());
                }
                if flow::is_sized_allocation(&c.name, method)
                    && let Some(input) = args.first().and_then(|a| self.reads_input(a))
                {
                    self.push_pending(at, "alloc", &c.name, input, text());
                }
                if flow::is_bounding(&c.name) {
                    self.mark_checked(top);
                }
            } else if purge && !parsing && !method {
                let a: Vec<&Expr> = args.iter().collect();
                if let Some(secs) = flow::duration_call_seconds(&c.name, &a) {
                    let shown = format!("{} in {}", text(), self.function());
                    self.retention(at, &c.name, shown, Some(secs));
                }
            }
        }
    }

    fn macro_tokens(
        &self,
        ts: &TokenStream,
        idents: &mut Vec<(String, Option<String>)>,
        strings: &mut Vec<(syn::LitStr, String)>,
    ) {
        let toks: Vec<TokenTree> = ts.clone().into_iter().collect();
        let mut prev_ident: Option<String> = None;
        let mut after_dot = false;
        let mut pending_key: Option<String> = None;
        for (i, t) in toks.iter().enumerate() {
            match t {
                TokenTree::Ident(id) => {
                    let s = id.to_string();
                    let owner = if after_dot { prev_ident.clone() } else { None };
                    idents.push((s.clone(), owner));
                    prev_ident = Some(s);
                    after_dot = false;
                }
                TokenTree::Punct(p) => {
                    after_dot = p.as_char() == '.';
                    if p.as_char() != '.' && p.as_char() != ':' {
                        prev_ident = None;
                    }
                }
                TokenTree::Literal(l) => {
                    if let Lit::Str(s) = Lit::new(l.clone()) {
                        let value = s.value();
                        for name in inline_format_args(&value) {
                            idents.push((name, None));
                        }
                        // `"key": "value"` (json!, maps): the key names the value.
                        let is_key = matches!(toks.get(i + 1), Some(TokenTree::Punct(p)) if p.as_char() == ':');
                        let binding = pending_key.take().unwrap_or_default();
                        if is_key {
                            pending_key = Some(value);
                        }
                        strings.push((s, binding));
                    }
                    prev_ident = None;
                    after_dot = false;
                }
                TokenTree::Group(g) => {
                    if g.delimiter() != Delimiter::None || !g.stream().is_empty() {
                        self.macro_tokens(&g.stream(), idents, strings);
                    }
                    prev_ident = None;
                    after_dot = false;
                }
            }
        }
    }
}

impl Collector<'_> {
    fn finish(self) -> Vec<Fact> {
        let mut counters: HashMap<(String, String, String), u32> = HashMap::new();
        let uri = self.uri;
        self.facts
            .into_iter()
            .map(|p| {
                let key_name = if p.fact.kind == "literal" {
                    let d = Sha256::digest(p.fact.literal.value.as_bytes());
                    hex::encode(&d[..6])
                } else {
                    p.fact.name.clone()
                };
                let n = counters
                    .entry((
                        p.fact.kind.clone(),
                        p.fact.function.clone(),
                        key_name.clone(),
                    ))
                    .or_default();
                *n += 1;
                let identity = format!("{}:{}:{}:{}", p.fact.kind, p.fact.function, key_name, n);
                fact(uri, p.line, p.column, identity, p.fact)
            })
            .collect()
    }
}

impl Collector<'_> {
    fn take_last_chain(&mut self) -> Option<(Vec<usize>, String)> {
        self.last_chain.take()
    }

    /// Entering a function with a body (free or in an impl): records `unsafe fn`, opens its
    /// scope and test context. Returns whether it is a test, for [`Self::leave_fn`].
    fn enter_fn(&mut self, attrs: &[syn::Attribute], sig: &syn::Signature) -> bool {
        let test = attr_is_test(attrs);
        if let syn::Safety::Unsafe(u) = &sig.safety {
            let f = SourceFact {
                kind: "unsafe".into(),
                name: "fn".into(),
                documented: self.documented(u.span.start()),
                text: format!("unsafe fn {}", sig.ident),
                ..SourceFact::default()
            };
            self.push(u.span.start(), f);
        }
        self.test_depth += usize::from(test);
        self.scopes.push(FnScope {
            name: sig.ident.to_string(),
            inputs: flow::parser_inputs(sig).into_iter().collect(),
            purge: flow::is_purge_function(&sig.ident.to_string()),
            ..FnScope::default()
        });
        test
    }

    fn leave_fn(&mut self, test: bool) {
        if let Some(scope) = self.scopes.last_mut() {
            let pending = std::mem::take(&mut scope.pending);
            let mut checked = std::mem::take(&mut scope.checked);
            // `let tail = data.read_last()` after `if data.len() > 64`: bounded too.
            loop {
                let more: Vec<String> = scope
                    .derived_from
                    .iter()
                    .filter(|(d, src)| checked.contains(*src) && !checked.contains(*d))
                    .map(|(d, _)| d.clone())
                    .collect();
                if more.is_empty() {
                    break;
                }
                checked.extend(more);
            }
            let update = std::mem::take(&mut scope.update);
            for (i, name) in pending {
                if checked.contains(&name)
                    && let Some(p) = self.facts.get_mut(i)
                {
                    p.fact.flags.push("checked".into());
                }
            }
            if let (Some(fetch), Some((at, exec))) = (update.fetch, update.exec) {
                let f = SourceFact {
                    kind: "update".into(),
                    name: self.function(),
                    idents: vec![fetch.clone(), exec.clone()],
                    flags: if update.verify {
                        vec!["verify".into()]
                    } else {
                        Vec::new()
                    },
                    text: format!("{fetch}(..) then {exec}(..)"),
                    ..SourceFact::default()
                };
                self.push(at, f);
            }
        }
        self.scopes.pop();
        self.test_depth -= usize::from(test);
    }

    /// In a parsing function: the input name `e` reads, if any.
    fn reads_input(&self, e: &Expr) -> Option<String> {
        let scope = self.scopes.last()?;
        flow::mentions(e, &scope.inputs)
    }

    /// A `panic` or `alloc` fact in a parsing function, decided at the function's end.
    fn push_pending(
        &mut self,
        at: LineColumn,
        kind: &str,
        name: &str,
        input: String,
        text: String,
    ) {
        // One finding per input and line: `[b[0], b[1], b[2], b[3]]` is one read.
        let line = at.line as u32;
        if let Some(&(last, ref prev)) = self.scopes.last().and_then(|s| s.pending.last())
            && *prev == input
            && self
                .facts
                .get(last)
                .is_some_and(|p| p.line == line && p.fact.kind == kind)
        {
            return;
        }
        let f = SourceFact {
            kind: kind.into(),
            name: name.into(),
            receiver: input.clone(),
            text: cut(text),
            ..SourceFact::default()
        };
        let i = self.push(at, f);
        if let Some(scope) = self.scopes.last_mut() {
            scope.pending.push((i, input));
        }
    }

    fn mark_checked(&mut self, e: &Expr) {
        if let Some(scope) = self.scopes.last_mut()
            && !scope.inputs.is_empty()
        {
            flow::idents(e, &mut scope.checked);
        }
    }

    /// A constant or static named like a retention period.
    fn retention_item(&mut self, ident: &syn::Ident, value: &Expr) {
        let b = ident.to_string();
        if flow::is_retention_name(&b) {
            let secs = flow::constant_seconds(&b, value);
            let (_, shown, _) = render(value, &b, 0);
            self.retention(ident.span().start(), &b, format!("{b} = {shown}"), secs);
        }
    }

    /// A retention period: `shown` is the constant or call as written.
    fn retention(&mut self, at: LineColumn, name: &str, shown: String, seconds: Option<i64>) {
        let text = match seconds {
            Some(s) => format!("{shown} ({})", flow::human_duration(s)),
            None => shown,
        };
        let f = SourceFact {
            kind: "retention".into(),
            name: name.into(),
            binding: name.into(),
            seconds,
            text: cut(text),
            ..SourceFact::default()
        };
        self.push(at, f);
    }
}

impl<'a> Visit<'a> for Collector<'_> {
    fn visit_item_fn(&mut self, i: &'a syn::ItemFn) {
        let test = self.enter_fn(&i.attrs, &i.sig);
        visit::visit_item_fn(self, i);
        self.leave_fn(test);
    }

    fn visit_impl_item_fn(&mut self, i: &'a syn::ImplItemFn) {
        let test = self.enter_fn(&i.attrs, &i.sig);
        visit::visit_impl_item_fn(self, i);
        self.leave_fn(test);
    }

    fn visit_trait_item_fn(&mut self, i: &'a syn::TraitItemFn) {
        self.scopes.push(FnScope {
            name: i.sig.ident.to_string(),
            ..FnScope::default()
        });
        visit::visit_trait_item_fn(self, i);
        self.scopes.pop();
    }

    fn visit_item_impl(&mut self, i: &'a syn::ItemImpl) {
        if let Some(u) = &i.unsafety {
            let f = SourceFact {
                kind: "unsafe".into(),
                name: "impl".into(),
                documented: self.documented(u.span.start()),
                text: "unsafe impl".into(),
                ..SourceFact::default()
            };
            self.push(u.span.start(), f);
        }
        visit::visit_item_impl(self, i);
    }

    fn visit_item_trait(&mut self, i: &'a syn::ItemTrait) {
        if let Some(u) = &i.unsafety {
            let f = SourceFact {
                kind: "unsafe".into(),
                name: "trait".into(),
                documented: self.documented(u.span.start()),
                text: format!("unsafe trait {}", i.ident),
                ..SourceFact::default()
            };
            self.push(u.span.start(), f);
        }
        visit::visit_item_trait(self, i);
    }

    fn visit_item_mod(&mut self, i: &'a syn::ItemMod) {
        let test = attr_is_test(&i.attrs);
        self.test_depth += usize::from(test);
        visit::visit_item_mod(self, i);
        self.test_depth -= usize::from(test);
    }

    fn visit_item_const(&mut self, i: &'a syn::ItemConst) {
        for a in &i.attrs {
            self.visit_attribute(a);
        }
        let b = i.ident.to_string();
        self.retention_item(&i.ident, &i.expr);
        self.with_binding(b, |s| s.visit_expr(&i.expr));
    }

    fn visit_item_static(&mut self, i: &'a syn::ItemStatic) {
        for a in &i.attrs {
            self.visit_attribute(a);
        }
        let b = i.ident.to_string();
        self.retention_item(&i.ident, &i.expr);
        self.with_binding(b, |s| s.visit_expr(&i.expr));
    }

    fn visit_item_struct(&mut self, i: &'a syn::ItemStruct) {
        let serde = derives_serde(&i.attrs);
        let owner = i.ident.to_string();
        for field in &i.fields {
            let Some(id) = &field.ident else { continue };
            let name = id.to_string();
            if let Some(cat) = vocab::personal_category(&name, Some(&owner)) {
                let f = SourceFact {
                    kind: "field".into(),
                    name: name.clone(),
                    binding: owner.clone(),
                    personal: vec![cat.to_string()],
                    personal_idents: vec![name.clone()],
                    serde,
                    text: format!("{owner}.{name}"),
                    ..SourceFact::default()
                };
                self.push(id.span().start(), f);
            }
        }
        visit::visit_item_struct(self, i);
    }

    fn visit_item_macro(&mut self, i: &'a syn::ItemMacro) {
        // `macro_rules!` bodies are patterns and templates, not code that runs as written.
        if i.mac.path.is_ident("macro_rules") {
            return;
        }
        visit::visit_item_macro(self, i);
    }

    fn visit_local(&mut self, i: &'a syn::Local) {
        for a in &i.attrs {
            self.visit_attribute(a);
        }
        let name = pat_ident(&i.pat).unwrap_or_default();
        if let Some(init) = &i.init
            && !name.is_empty()
            && let Some(source) = self.reads_input(&init.expr)
            && let Some(scope) = self.scopes.last_mut()
        {
            scope.derived_from.insert(name.clone(), source);
            // A value computed from the received bytes is itself input; bounded when
            // computed through `min`/`clamp`/`checked_*`.
            if flow::has_bounding(&init.expr) {
                scope.checked.insert(name.clone());
            }
            scope.inputs.insert(name.clone());
        }
        if let Some(init) = &i.init {
            self.last_chain = None;
            self.with_binding(name.clone(), |s| s.visit_expr(&init.expr));
            let peeled = peel(&init.expr);
            if !name.is_empty()
                && matches!(peeled, Expr::Call(_) | Expr::MethodCall(_))
                && let Some((idx, root)) = self.take_last_chain()
                && let Some(scope) = self.scopes.last_mut()
            {
                scope.vars.insert(name, (idx, root));
            }
            if let Some((_, d)) = &init.diverge {
                self.visit_expr(d);
            }
        }
    }

    fn visit_expr(&mut self, e: &'a Expr) {
        match e {
            Expr::MethodCall(_) | Expr::Call(_) => self.chain(e),
            Expr::Lit(l) => {
                if let Lit::Str(s) = &l.lit {
                    let b = self.current_binding();
                    self.literal(s, &b);
                }
            }
            Expr::Index(ix) if self.scopes.last().is_some_and(|s| !s.inputs.is_empty()) => {
                if let Expr::Path(p) = peel(&ix.expr)
                    && let Some(id) = p.path.get_ident()
                    && self
                        .scopes
                        .last()
                        .is_some_and(|s| s.inputs.contains(&id.to_string()))
                    // A constant offset assumes a length; an index computed from the input
                    // trusts it. Positions the code computed otherwise (loop counters) do not.
                    && (flow::is_constant_index(&ix.index) || self.reads_input(&ix.index).is_some())
                {
                    let (_, idx, _) = render(&ix.index, "", 1);
                    let text = format!("{id}[{idx}]");
                    self.push_pending(
                        ix.bracket_token.span.open().start(),
                        "panic",
                        "index",
                        id.to_string(),
                        text,
                    );
                }
                visit::visit_expr_index(self, ix);
            }
            Expr::Binary(b) if flow::is_comparison(&b.op) => {
                self.mark_checked(e);
                visit::visit_expr_binary(self, b);
            }
            Expr::Unsafe(u) => {
                let at = u.unsafe_token.span.start();
                let f = SourceFact {
                    kind: "unsafe".into(),
                    name: "block".into(),
                    documented: self.documented(at),
                    text: "unsafe { .. }".into(),
                    ..SourceFact::default()
                };
                self.push(at, f);
                visit::visit_expr_unsafe(self, u);
            }
            Expr::Assign(a) => {
                let target = match peel(&a.left) {
                    Expr::Path(p) => path_str(&p.path),
                    Expr::Field(f) => match &f.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(_) => String::new(),
                    },
                    _ => String::new(),
                };
                self.visit_expr(&a.left);
                self.with_binding(target, |s| s.visit_expr(&a.right));
            }
            Expr::Struct(st) => {
                for fv in &st.fields {
                    let b = match &fv.member {
                        syn::Member::Named(i) => i.to_string(),
                        syn::Member::Unnamed(_) => String::new(),
                    };
                    self.with_binding(b, |s| s.visit_expr(&fv.expr));
                }
                if let Some(r) = &st.rest {
                    self.visit_expr(r);
                }
            }
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_attribute(&mut self, a: &'a syn::Attribute) {
        // Doc comments and other attributes are not code: only lint and feature lists.
        let name = path_str(a.path());
        if !matches!(
            name.as_str(),
            "allow" | "deny" | "forbid" | "warn" | "expect" | "feature"
        ) {
            return;
        }
        let syn::Meta::List(l) = &a.meta else { return };
        let mut args = Vec::new();
        let mut cur = String::new();
        for t in l.tokens.clone() {
            match t {
                TokenTree::Ident(i) => cur.push_str(&i.to_string()),
                TokenTree::Punct(p) if p.as_char() == ':' => cur.push(':'),
                TokenTree::Punct(p) if p.as_char() == ',' && !cur.is_empty() => {
                    args.push(std::mem::take(&mut cur));
                }
                _ => {}
            }
        }
        if !cur.is_empty() {
            args.push(cur);
        }
        let inner = matches!(a.style, syn::AttrStyle::Inner(_));
        let text = format!(
            "#{}[{name}({})]",
            if inner { "!" } else { "" },
            args.join(", ")
        );
        let f = SourceFact {
            kind: "attribute".into(),
            name,
            args: args
                .into_iter()
                .map(|t| ArgFact {
                    kind: "path".into(),
                    text: t,
                    dynamic: false,
                })
                .collect(),
            inner,
            text,
            ..SourceFact::default()
        };
        self.push(a.pound_token.span.start(), f);
    }

    fn visit_macro(&mut self, m: &'a syn::Macro) {
        let name = path_str(&m.path);
        let mut idents = Vec::new();
        let mut strings = Vec::new();
        self.macro_tokens(&m.tokens, &mut idents, &mut strings);
        let mut seen = BTreeSet::new();
        let mut personal = BTreeSet::new();
        let mut personal_idents = BTreeSet::new();
        for (id, owner) in &idents {
            if let Some(cat) = vocab::personal_category(id, owner.as_deref()) {
                personal.insert(cat.to_string());
                personal_idents.insert(id.clone());
            }
            if seen.len() < MAX_IDENTS {
                seen.insert(id.clone());
            }
        }
        // Macro invocations are kept as facts when they name personal data: the others
        // (`vec!`, `assert!`, `write!`...) are a third of all facts and no rule needs them.
        // Their arguments are still visited below.
        if !personal.is_empty() {
            let f = SourceFact {
                kind: "macro".into(),
                name: name.clone(),
                binding: self.current_binding(),
                idents: seen.into_iter().collect(),
                personal: personal.into_iter().collect(),
                personal_idents: personal_idents.into_iter().collect(),
                text: format!("{name}!(..)"),
                ..SourceFact::default()
            };
            self.push(m.path.span().start(), f);
        }
        let last = name.rsplit("::").next().unwrap_or("").to_string();
        if last == "vec"
            && self.scopes.last().is_some_and(|s| !s.inputs.is_empty())
            && let Ok((elem, len)) = m.parse_body_with(|input: syn::parse::ParseStream| {
                let elem: Expr = input.parse()?;
                input.parse::<syn::Token![;]>()?;
                let len: Expr = input.parse()?;
                Ok((elem, len))
            })
        {
            if let Some(input) = self.reads_input(&len) {
                let (_, shown, _) = render(&len, "", 1);
                let at = m.path.span().start();
                self.push_pending(at, "alloc", "vec", input, format!("vec![..; {shown}]"));
            }
            self.visit_expr(&elem);
            self.visit_expr(&len);
            return;
        }
        match m.parse_body_with(Punctuated::<Expr, syn::Token![,]>::parse_terminated) {
            Ok(exprs) => {
                self.with_binding(last, |s| {
                    for e in &exprs {
                        s.visit_expr(e);
                    }
                });
            }
            Err(_) => {
                for (s, key) in strings {
                    let b = if key.is_empty() { last.clone() } else { key };
                    self.literal(&s, &b);
                }
            }
        }
    }
}

/// Per-crate facts for the declaration cross-check: every personal-data identifier
/// found in logs (`macro` facts) and payload structs (`field` facts with `serde`),
/// grouped by the crate directory (the nearest `Cargo.toml` above the file, or the
/// directory above `src/`). Returns one `crate` fact per crate that has any.
pub fn correlate(facts: &mut [Fact]) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut crates: BTreeMap<String, String> = BTreeMap::new();
    let mut locks: HashSet<String> = HashSet::new();
    let mut bins: HashSet<String> = HashSet::new();
    for f in facts.iter() {
        let FactData::Source(s) = &f.data else {
            continue;
        };
        match s.kind.as_str() {
            "package" => {
                crates.insert(s.binding.clone(), s.name.clone());
            }
            "dependency" if s.origin == "Cargo.lock" => {
                locks.insert(parent_dir(&f.location.uri).to_string());
            }
            "target" => {
                let dir = parent_dir(&f.location.uri);
                let top = dir
                    .rsplit_once("/src")
                    .map(|(t, _)| t)
                    .unwrap_or_else(|| if dir.starts_with("src") { "" } else { dir });
                bins.insert(top.to_string());
            }
            _ => {}
        }
    }
    mark_packages(facts, &locks, &bins);
    let mut uses: BTreeMap<String, Vec<PersonalUse>> = BTreeMap::new();
    for f in facts.iter() {
        let FactData::Source(s) = &f.data else {
            continue;
        };
        let via = match s.kind.as_str() {
            "macro" if is_log_macro(&s.name) => "log",
            "field" if s.serde => "field",
            _ => continue,
        };
        if s.personal.is_empty() || s.in_test {
            continue;
        }
        let dir = crate_dir(&f.location.uri, &crates);
        let (line, column) = line_column(&f.location);
        for ident in &s.personal_idents {
            let cat = vocab::personal_category(ident, Some(&s.binding))
                .or_else(|| s.personal.first().map(String::as_str))
                .unwrap_or("");
            uses.entry(dir.clone()).or_default().push(PersonalUse {
                category: cat.to_string(),
                ident: ident.clone(),
                via: via.to_string(),
                uri: f.location.uri.clone(),
                line,
                column,
            });
        }
    }
    for (dir, mut u) in uses {
        u.sort();
        u.dedup();
        let name = crates.get(&dir).cloned().unwrap_or_default();
        let mut cats: Vec<String> = u.iter().map(|x| x.category.clone()).collect();
        cats.sort();
        cats.dedup();
        let f = SourceFact {
            kind: "crate".into(),
            name: name.clone(),
            binding: dir.clone(),
            personal: cats,
            text: if name.is_empty() { dir.clone() } else { name },
            uses: u,
            ..SourceFact::default()
        };
        out.push(Fact {
            target: Target::Source,
            location: Location {
                uri: dir.clone(),
                ..Location::default()
            },
            identity: format!("crate:{dir}"),
            data: FactData::Source(Box::new(f)),
        });
    }
    out
}

fn parent_dir(uri: &str) -> &str {
    uri.rsplit_once('/').map(|(d, _)| d).unwrap_or("")
}

/// Flags packages `binary` (a `src/main.rs` or `src/bin/` file beside the manifest) and
/// `locked` (a `Cargo.lock` in the package directory or one above it, as in a workspace).
fn mark_packages(facts: &mut [Fact], locks: &HashSet<String>, bins: &HashSet<String>) {
    for f in facts.iter_mut() {
        let FactData::Source(s) = &mut f.data else {
            continue;
        };
        if s.kind != "package" {
            continue;
        }
        if bins.contains(&s.binding) && !s.flags.iter().any(|x| x == "binary") {
            s.flags.push("binary".into());
        }
        let mut dir = s.binding.as_str();
        let locked = loop {
            if locks.contains(dir) {
                break true;
            }
            match dir.rsplit_once('/') {
                Some((d, _)) => dir = d,
                None if !dir.is_empty() => dir = "",
                None => break false,
            }
        };
        if locked {
            s.flags.push("locked".into());
        }
    }
}

/// Logging and printing macros (`println`, `log::info`, `tracing::warn`, `dbg`...).
pub fn is_log_macro(name: &str) -> bool {
    let last = name.rsplit("::").next().unwrap_or(name);
    matches!(
        last,
        "println"
            | "eprintln"
            | "print"
            | "eprint"
            | "dbg"
            | "trace"
            | "debug"
            | "info"
            | "warn"
            | "error"
            | "log"
            | "event"
    )
}

fn crate_dir(uri: &str, crates: &BTreeMap<String, String>) -> String {
    let mut dir = uri.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    loop {
        if crates.contains_key(dir) {
            return dir.to_string();
        }
        match dir.rsplit_once('/') {
            Some((d, _)) => dir = d,
            None => break,
        }
    }
    if crates.contains_key(dir) {
        return dir.to_string();
    }
    // No manifest seen: the directory above `src/`, or the file's directory.
    let d = uri.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    match d.rsplit_once("/src") {
        Some((top, rest)) if rest.is_empty() || rest.starts_with('/') => top.to_string(),
        _ => d
            .strip_suffix("src")
            .map(|t| t.trim_end_matches('/'))
            .unwrap_or(d)
            .to_string(),
    }
}

/// Line and column (1-based) of a location in a text file; 1, 1 when it has none.
pub fn line_column(loc: &Location) -> (u32, u32) {
    match loc.region {
        Some(Region::Text {
            start_line,
            start_column,
            ..
        }) => (start_line, start_column.unwrap_or(1)),
        _ => (1, 1),
    }
}

/// Personal data the crate linked by a declaration's `devices[].source_ref` handles:
/// the `uses` of the `crate` facts whose directory or package name matches the
/// reference (a path relative to the scan root, with or without a trailing `/`, a path
/// ending with the crate directory, or the package name).
pub fn personal_data_of<'f>(facts: &'f [Fact], source_ref: &str) -> Vec<&'f PersonalUse> {
    let r = source_ref
        .trim_start_matches("./")
        .trim_end_matches('/')
        .trim_end_matches("/Cargo.toml");
    facts
        .iter()
        .filter_map(|f| match &f.data {
            FactData::Source(s) if s.kind == "crate" => Some(s),
            _ => None,
        })
        .filter(|s| {
            !r.is_empty()
                && (s.binding == r
                    || s.binding.ends_with(&format!("/{r}"))
                    || r.ends_with(&format!("/{}", s.binding))
                    || s.name == r)
        })
        .flat_map(|s| s.uses.iter())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artifact::VirtualPath;
    use std::sync::Arc;

    fn facts_of(src: &str) -> Vec<SourceFact> {
        let a = Artifact {
            path: VirtualPath::file("gw/src/main.rs"),
            bytes: Arc::from(src.as_bytes().to_vec().into_boxed_slice()),
            kind: ArtifactKind::RustSource,
        };
        extract(&a)
            .facts
            .into_iter()
            .filter_map(|f| match f.data {
                FactData::Source(s) => Some(*s),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn chains_and_variables() {
        let f = facts_of(
            r#"fn run(cmd: &str) {
    let mut c = Command::new("sh");
    c.arg("-c").arg(format!("{cmd}"));
    let rng = SmallRng::seed_from_u64(1);
    let token: u64 = rng.gen();
}"#,
        );
        let new = f.iter().find(|x| x.name == "Command::new").unwrap();
        assert_eq!(new.args[0].text, "\"sh\"");
        assert!(
            new.chain
                .iter()
                .any(|l| l.name == "arg" && l.args[0].text == "\"-c\"")
        );
        let g = f.iter().find(|x| x.name == "gen").unwrap();
        assert_eq!(g.origin, "SmallRng::seed_from_u64");
        assert_eq!(g.binding, "token");
        assert_eq!(g.function, "run");
    }

    #[test]
    fn log_macros_name_personal_data() {
        let f = facts_of(
            r#"fn log(v: &Vehicle) { info!("plate {}", v.licence_plate); println!("{email}"); }"#,
        );
        let m: Vec<_> = f.iter().filter(|x| x.kind == "macro").collect();
        assert_eq!(m[0].personal, vec!["vehicle_identifier"]);
        assert_eq!(m[1].personal, vec!["contact"]);
    }

    #[test]
    fn secrets_are_masked_everywhere() {
        let f = facts_of(
            r#"fn c(o: &mut MqttOptions) { o.set_credentials("gw", "S3cr3t-Mqtt-2024!"); }"#,
        );
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains("S3cr3t-Mqtt"), "{json}");
        assert!(f.iter().any(|x| x.literal.secret == "named-secret"));
    }

    #[test]
    fn parse_errors_are_notifications_with_position() {
        let a = Artifact {
            path: VirtualPath::file("bad.rs"),
            bytes: Arc::from(b"fn main() {\n  let x = ;\n}\n".to_vec().into_boxed_slice()),
            kind: ArtifactKind::RustSource,
        };
        let x = extract(&a);
        assert!(x.facts.is_empty());
        let n = &x.notifications[0];
        assert_eq!(n.code, "source-parse-error");
        assert!(matches!(
            n.location.as_ref().and_then(|l| l.region),
            Some(Region::Text { start_line: 2, .. })
        ));
    }

    #[test]
    fn crate_facts_for_the_declaration_cross_check() {
        // See: issue 6, item 3 (declared data categories vs code).
        let manifest = Artifact {
            path: VirtualPath::file("src/gw/Cargo.toml"),
            bytes: Arc::from(b"[package]\nname = \"gw\"\n".to_vec().into_boxed_slice()),
            kind: ArtifactKind::CargoManifest,
        };
        let code = Artifact {
            path: VirtualPath::file("src/gw/src/main.rs"),
            bytes: Arc::from(
                b"#[derive(Serialize)]\nstruct Probe { mac: String }\nfn f(p: &Probe) {\n    info!(\"{}\", p.plate);\n}\n"
                    .to_vec()
                    .into_boxed_slice(),
            ),
            kind: ArtifactKind::RustSource,
        };
        let mut facts = extract(&manifest).facts;
        facts.extend(extract(&code).facts);
        let crates = correlate(&mut facts);
        facts.extend(crates);
        let flags = |facts: &[Fact]| {
            facts
                .iter()
                .find_map(|f| match &f.data {
                    FactData::Source(s) if s.kind == "package" => Some(s.flags.clone()),
                    _ => None,
                })
                .unwrap_or_default()
        };
        // `src/main.rs` makes it a program; no Cargo.lock was seen.
        assert_eq!(flags(&facts), ["binary"]);
        let lock = Artifact {
            path: VirtualPath::file("src/Cargo.lock"),
            bytes: Arc::from(
                b"version = 4\n\n[[package]]\nname = \"gw\"\nversion = \"0.1.0\"\n"
                    .to_vec()
                    .into_boxed_slice(),
            ),
            kind: ArtifactKind::CargoLock,
        };
        let mut locked = extract(&manifest).facts;
        locked.extend(extract(&code).facts);
        locked.extend(extract(&lock).facts);
        correlate(&mut locked);
        // A lock file in a directory above (a workspace root) counts.
        assert_eq!(flags(&locked), ["binary", "locked"]);
        let uses = personal_data_of(&facts, "./src/gw/");
        let got: Vec<(&str, &str, &str, u32)> = uses
            .iter()
            .map(|u| {
                (
                    u.category.as_str(),
                    u.ident.as_str(),
                    u.via.as_str(),
                    u.line,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("device_identifier", "mac", "field", 2),
                ("vehicle_identifier", "plate", "log", 4)
            ]
        );
        assert_eq!(personal_data_of(&facts, "gw").len(), 2);
        assert!(personal_data_of(&facts, "other").is_empty());
    }

    #[test]
    fn identities_do_not_depend_on_lines() {
        let ids = |src: &str| -> Vec<String> {
            let a = Artifact {
                path: VirtualPath::file("m.rs"),
                bytes: Arc::from(src.as_bytes().to_vec().into_boxed_slice()),
                kind: ArtifactKind::RustSource,
            };
            extract(&a).facts.into_iter().map(|f| f.identity).collect()
        };
        let a = ids("fn f() { md5::compute(x); }");
        let b = ids("\n\n// moved\nfn f() {\n\n    md5::compute(x);\n}");
        assert_eq!(a, b);
        assert_eq!(a, vec!["call:f:md5::compute:1"]);
    }

    #[test]
    fn unsafe_safety_comments() {
        let f = facts_of(
            "fn a() {\n    // SAFETY: checked above\n    unsafe { x() };\n    unsafe { y() };\n}\n",
        );
        let u: Vec<_> = f.iter().filter(|x| x.kind == "unsafe").collect();
        assert!(u[0].documented);
        assert!(!u[1].documented);
    }
}
