//! Function-level helpers of the source extractor: which functions parse untrusted
//! bytes, which local values derive from those bytes and which are bounded, which
//! functions fetch and then run or flash an update, and retention durations.
//!
//! All of it is local to one function body and purely syntactic: a value is "from the
//! input" when its initialiser names a byte parameter or another such value, and
//! "bounded" when it appears in a comparison or in a `min`/`clamp`/`checked_*` call.

use super::vocab::words;
use std::collections::HashSet;
use syn::visit::{self, Visit};
use syn::{BinOp, Expr, FnArg, GenericArgument, PathArguments, Type};

/// A type that carries received bytes: `&[u8]`, `Vec<u8>`, `Bytes`, `BytesMut` (a codec's
/// read buffer). `&mut [u8]` is an output buffer and does not count.
pub fn is_byte_type(t: &Type) -> bool {
    match t {
        Type::Reference(r) if r.mutability.is_some() && matches!(&*r.elem, Type::Slice(_)) => false,
        Type::Reference(r) => is_byte_type(&r.elem),
        Type::Slice(s) => is_u8(&s.elem),
        Type::Paren(p) => is_byte_type(&p.elem),
        Type::Path(p) => {
            let Some(last) = p.path.segments.last() else {
                return false;
            };
            match last.ident.to_string().as_str() {
                "Bytes" | "BytesMut" => true,
                "Vec" => match &last.arguments {
                    PathArguments::AngleBracketed(a) => a
                        .args
                        .iter()
                        .any(|g| matches!(g, GenericArgument::Type(t) if is_u8(t))),
                    _ => false,
                },
                _ => false,
            }
        }
        _ => false,
    }
}

fn is_u8(t: &Type) -> bool {
    matches!(t, Type::Path(p) if p.path.is_ident("u8"))
}

/// Words of a function name that say it decodes a message.
const PARSE_WORDS: &[&str] = &[
    "parse",
    "decode",
    "deserialize",
    "deserialise",
    "unpack",
    "unmarshal",
    "uplink",
    "packet",
    "frame",
    "payload",
    "datagram",
    "message",
    "handle",
];

/// Words of a parameter name that say it is a received message.
const PAYLOAD_WORDS: &[&str] = &[
    "payload", "packet", "frame", "datagram", "msg", "message", "uplink", "received", "rx",
];

/// The byte parameters of a function that parses received data: parameters of a byte
/// type, when the function's name (`parse_frame`, `decode`, `on_uplink`, `from_bytes`)
/// or the parameter's name (`payload`, `packet`, `msg`) says it is a received message.
/// Empty for any other function.
pub fn parser_inputs(sig: &syn::Signature) -> Vec<String> {
    let fn_words = words(&sig.ident.to_string());
    let fn_parses = fn_words.iter().any(|w| PARSE_WORDS.contains(&w.as_str()))
        || fn_words
            .windows(2)
            .any(|p| p[0] == "from" && matches!(p[1].as_str(), "bytes" | "slice" | "wire" | "raw"));
    let mut out = Vec::new();
    for input in &sig.inputs {
        let FnArg::Typed(pt) = input else { continue };
        if !is_byte_type(&pt.ty) {
            continue;
        }
        let Some(name) = super::pat_ident(&pt.pat) else {
            continue;
        };
        let named = words(&name)
            .iter()
            .any(|w| PAYLOAD_WORDS.contains(&w.as_str()));
        if fn_parses || named {
            out.push(name);
        }
    }
    out
}

/// The first of `names` an expression reads, ignoring reads of a length (`buf.len()`,
/// `buf.is_empty()`), which are bounded by the data actually received.
pub fn mentions(e: &Expr, names: &HashSet<String>) -> Option<String> {
    struct M<'s> {
        names: &'s HashSet<String>,
        found: Option<String>,
    }
    impl<'a> Visit<'a> for M<'_> {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            if m.method == "len" || m.method == "is_empty" {
                for a in &m.args {
                    self.visit_expr(a);
                }
                return;
            }
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            if self.found.is_none()
                && let Some(id) = p.path.get_ident()
            {
                let s = id.to_string();
                if self.names.contains(&s) {
                    self.found = Some(s);
                }
            }
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
    }
    if names.is_empty() {
        return None;
    }
    let mut m = M { names, found: None };
    m.visit_expr(e);
    m.found
}

/// Every local name an expression reads (receivers of `len()` included).
pub fn idents(e: &Expr, out: &mut HashSet<String>) {
    struct I<'o>(&'o mut HashSet<String>);
    impl<'a> Visit<'a> for I<'_> {
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            if let Some(id) = p.path.get_ident() {
                self.0.insert(id.to_string());
            }
        }
    }
    I(out).visit_expr(e);
}

/// An index made of integer literals: `3`, `1..3`, `4..`.
pub fn is_constant_index(e: &Expr) -> bool {
    match e {
        Expr::Lit(l) => matches!(l.lit, syn::Lit::Int(_)),
        Expr::Paren(p) => is_constant_index(&p.expr),
        Expr::Range(r) => {
            r.start.as_deref().is_none_or(is_constant_index)
                && r.end.as_deref().is_none_or(is_constant_index)
        }
        Expr::Binary(b) => is_constant_index(&b.left) && is_constant_index(&b.right),
        _ => false,
    }
}

/// A comparison (`n > MAX`, `buf.len() < 4`): the operands are bounded.
pub fn is_comparison(op: &BinOp) -> bool {
    matches!(
        op,
        BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_) | BinOp::Ge(_) | BinOp::Eq(_)
    )
}

/// A call or method that bounds its operands (`min`, `clamp`, `checked_mul`...).
pub fn is_bounding(name: &str) -> bool {
    let last = name.rsplit("::").next().unwrap_or(name);
    matches!(last, "min" | "clamp" | "try_reserve" | "try_reserve_exact")
        || last.starts_with("checked_")
}

/// The expression calls `min`, `clamp` or a `checked_*` operation.
pub fn has_bounding(e: &Expr) -> bool {
    struct B(bool);
    impl<'a> Visit<'a> for B {
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            self.0 |= is_bounding(&m.method.to_string());
            visit::visit_expr_method_call(self, m);
        }
        fn visit_expr_call(&mut self, c: &'a syn::ExprCall) {
            if let Expr::Path(p) = &*c.func {
                self.0 |= is_bounding(&super::path_str(&p.path));
            }
            visit::visit_expr_call(self, c);
        }
    }
    let mut b = B(false);
    b.visit_expr(e);
    b.0
}

/// Calls that allocate as much as their first argument says.
pub fn is_sized_allocation(name: &str, method: bool) -> bool {
    if method {
        return matches!(
            name,
            "reserve" | "reserve_exact" | "resize" | "with_capacity"
        );
    }
    let mut it = name.rsplit("::");
    let last = it.next().unwrap_or("");
    let ty = it.next().unwrap_or("");
    last == "with_capacity"
        && matches!(
            ty,
            "Vec" | "String" | "VecDeque" | "BytesMut" | "HashMap" | "BinaryHeap"
        )
}

/// What a function does, seen by the update check.
#[derive(Default)]
pub struct UpdateFlow {
    /// First call that fetches bytes over the network.
    pub fetch: Option<String>,
    /// First call that runs, installs or flashes something.
    pub exec: Option<(proc_macro2::LineColumn, String)>,
    /// A signature or verification call was seen.
    pub verify: bool,
}

const HTTP_CRATES: &[&str] = &[
    "reqwest",
    "ureq",
    "minreq",
    "attohttpc",
    "isahc",
    "surf",
    "curl",
];

impl UpdateFlow {
    /// Looks at one link of a chain (`name` is a call path or a method name), with the
    /// names of the other links of the chain and the call that created the receiver.
    pub fn see(
        &mut self,
        at: proc_macro2::LineColumn,
        name: &str,
        args: &[super::ArgFact],
        chain: &[&str],
        origin: &str,
    ) {
        let lower = name.to_ascii_lowercase();
        let last = lower.rsplit("::").next().unwrap_or(&lower);
        if !self.verify
            && [
                "verify",
                "signature",
                "ed25519",
                "minisign",
                "ecdsa",
                "gpg",
                "pgp",
            ]
            .iter()
            .any(|w| lower.contains(w))
        {
            self.verify = true;
        }
        let first_arg = args.first();
        let first = lower.split("::").next().unwrap_or("");
        let http_get =
            HTTP_CRATES.contains(&first) && matches!(last, "get" | "post" | "request" | "call");
        let requested = |n: &str| {
            let l = n.rsplit("::").next().unwrap_or(n);
            matches!(l, "get" | "send" | "call" | "post" | "request" | "fetch")
        };
        let body = matches!(
            last,
            "bytes" | "bytes_stream" | "copy_to" | "chunk" | "into_reader" | "read_to_end"
        ) && (chain.iter().any(|n| requested(n)) || requested(origin));
        if self.fetch.is_none() && (http_get || body || last.starts_with("download")) {
            self.fetch = Some(if body && chain.len() > 1 {
                chain.join("(..).")
            } else {
                name.to_string()
            });
        }
        let runs = match last {
            "self_replace" | "execv" | "execve" | "execvp" | "exec" => true,
            "new" => lower.ends_with("command::new") && first_arg.is_some_and(|a| a.dynamic),
            // An executable mode (0o755, 0o700...); integers are rendered in base 10.
            "from_mode" | "set_mode" => {
                first_arg.is_some_and(|a| a.text.parse::<u32>().is_ok_and(|m| m & 0o111 != 0))
            }
            l => {
                l.contains("flash")
                    || l.contains("firmware")
                    || matches!(
                        l,
                        "apply_update" | "install_update" | "initiate_update" | "write_update"
                    )
            }
        };
        if runs && self.exec.is_none() {
            self.exec = Some((at, name.to_string()));
        }
    }
}

/// Names that hold a retention period or a time-to-live.
pub fn is_retention_name(name: &str) -> bool {
    let w = words(name);
    w.iter().any(|x| {
        matches!(
            x.as_str(),
            "retention" | "ttl" | "expiry" | "expiration" | "purge" | "conservation" | "duree"
        )
    }) || w.windows(2).any(|p| p[0] == "max" && p[1] == "age")
}

/// Functions that delete old data.
pub fn is_purge_function(name: &str) -> bool {
    words(name).iter().any(|x| {
        matches!(
            x.as_str(),
            "purge" | "prune" | "cleanup" | "expire" | "retention" | "vacuum" | "gc" | "evict"
        )
    })
}

/// Seconds per unit named by the words of an identifier (`RETENTION_DAYS` → 86 400).
fn unit_of(name: &str) -> Option<i64> {
    words(name).iter().rev().find_map(|w| match w.as_str() {
        "days" | "day" | "jours" | "d" => Some(86_400),
        "weeks" | "week" => Some(604_800),
        "hours" | "hour" | "h" => Some(3_600),
        "minutes" | "mins" | "min" => Some(60),
        "seconds" | "secs" | "sec" | "s" => Some(1),
        _ => None,
    })
}

fn int_value(e: &Expr) -> Option<i64> {
    match e {
        Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => i.base10_parse::<i64>().ok(),
            _ => None,
        },
        Expr::Paren(p) => int_value(&p.expr),
        Expr::Cast(c) => int_value(&c.expr),
        Expr::Binary(b) => {
            let (l, r) = (int_value(&b.left)?, int_value(&b.right)?);
            match b.op {
                BinOp::Mul(_) => l.checked_mul(r),
                BinOp::Add(_) => l.checked_add(r),
                BinOp::Sub(_) => l.checked_sub(r),
                BinOp::Div(_) if r != 0 => Some(l / r),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Seconds of a `Duration` constructor (`Duration::from_secs(86_400 * 30)`,
/// `Duration::from_days(30)`, chrono's `Duration::days(30)`), when its argument is a
/// constant expression.
pub fn duration_call_seconds(name: &str, args: &[&Expr]) -> Option<i64> {
    let mut it = name.rsplit("::");
    let last = it.next()?;
    let ty = it.next()?;
    if !matches!(ty, "Duration" | "TimeDelta") {
        return None;
    }
    let per = match last.trim_start_matches("from_") {
        "secs" | "seconds" => 1,
        "mins" | "minutes" => 60,
        "hours" => 3_600,
        "days" => 86_400,
        "weeks" => 604_800,
        _ => return None,
    };
    int_value(args.first()?)?.checked_mul(per)
}

/// Seconds held by a constant named `name` with value `e`: a `Duration` constructor, or
/// an integer expression in the unit the name gives (`RETENTION_DAYS: u64 = 30`).
pub fn constant_seconds(name: &str, e: &Expr) -> Option<i64> {
    match e {
        Expr::Call(c) => {
            let Expr::Path(p) = &*c.func else { return None };
            let callee = super::path_str(&p.path);
            let args: Vec<&Expr> = c.args.iter().collect();
            duration_call_seconds(&callee, &args)
        }
        Expr::Paren(p) => constant_seconds(name, &p.expr),
        _ => int_value(e)?.checked_mul(unit_of(name)?),
    }
}

/// `2592000` → `30 days`, `7200` → `2 hours`.
pub fn human_duration(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if secs != 0 && secs % 86_400 == 0 {
        plural(secs / 86_400, "day")
    } else if secs != 0 && secs % 3_600 == 0 {
        plural(secs / 3_600, "hour")
    } else if secs != 0 && secs % 60 == 0 {
        plural(secs / 60, "minute")
    } else {
        plural(secs, "second")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(s: &str) -> syn::Signature {
        syn::parse_str::<syn::ItemFn>(&format!("{s} {{}}"))
            .map(|f| f.sig)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn parsers_are_functions_of_received_bytes() {
        assert_eq!(
            parser_inputs(&sig("fn parse_frame(buf: &[u8], n: usize)")),
            ["buf"]
        );
        assert_eq!(
            parser_inputs(&sig("fn on_rx(payload: Vec<u8>)")),
            ["payload"]
        );
        assert_eq!(
            parser_inputs(&sig("fn from_bytes(b: &bytes::Bytes)")),
            ["b"]
        );
        assert!(parser_inputs(&sig("fn digest(data: &[u8])")).is_empty());
        assert!(parser_inputs(&sig("fn parse(s: &str)")).is_empty());
    }

    #[test]
    fn constant_durations() {
        let e = |s: &str| syn::parse_str::<Expr>(s).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            constant_seconds("RETENTION_DAYS", &e("30")),
            Some(2_592_000)
        );
        assert_eq!(
            constant_seconds("PLATE_TTL", &e("Duration::from_secs(3600 * 24)")),
            Some(86_400)
        );
        assert_eq!(constant_seconds("RETENTION", &e("30")), None);
        assert_eq!(human_duration(2_592_000), "30 days");
        assert_eq!(human_duration(90), "90 seconds");
        assert!(is_retention_name("PLATE_RETENTION_DAYS"));
        assert!(is_retention_name("cache_max_age"));
        assert!(!is_retention_name("MAX_PAYLOAD"));
    }
}
