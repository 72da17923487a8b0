//! Conditions and message templates in CEL, compiled once per rule.
//!
//! A fact's top-level fields become CEL variables: for a certificate, `key.bits`,
//! `days_until_expiry`, `san.dns.exists(d, d.startsWith("*."))` are valid conditions.
//! Message templates hold `{{ expr }}` placeholders, each a CEL expression too.

use super::native::{Native, Val};
use cel::common::types::{CelBool, CelString};
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// Longest condition accepted (deep expressions are a stack risk in the parser).
pub const MAX_EXPRESSION_LEN: usize = 4096;

/// Deepest bracket nesting accepted before the expression reaches the parser.
pub const MAX_NESTING: usize = 48;

fn env() -> Arc<cel::Env> {
    static ENV: OnceLock<Arc<cel::Env>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = cel::Env::stdlib();
        // The string extension adds lowerAscii, split, join...; failure only means a
        // duplicate declaration, and the standard library stays usable.
        let _ = env.add_extension(cel::extensions::strings);
        let _ = env.add_extension(cel::extensions::lists);
        let _ = env.add_extension(vigie_functions);
        let _ = cel::add_member_overload!(env, fn search: (CelString, CelString) -> Result<CelBool>, name = "search");
        Arc::new(env)
    })
    .clone()
}

/// Most patterns kept compiled per thread by [`search`].
const SEARCH_CACHE: usize = 512;

/// `s.search(pattern)`: true when the regular expression matches somewhere in `s`. The
/// same as CEL's `matches`, but the pattern is compiled once per thread and reused:
/// `matches` compiles it again at every evaluation, which dominates the cost of rules
/// evaluated on millions of source facts.
fn search(this: &CelString<'_>, pattern: &CelString<'_>) -> Result<CelBool, cel::ExecutionError> {
    regex_search(this.inner(), pattern.inner())
        .map(CelBool::from)
        .map_err(|e| cel::ExecutionError::function_error("search", e))
}

/// True when `pattern` matches somewhere in `text`, with the pattern compiled once per
/// thread (a bounded number of patterns kept); an invalid pattern is an error.
pub fn regex_search(text: &str, pattern: &str) -> Result<bool, String> {
    thread_local! {
        static CACHE: std::cell::RefCell<HashMap<String, Result<regex::Regex, String>>> =
            std::cell::RefCell::new(HashMap::new());
    }
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= SEARCH_CACHE && !c.contains_key(pattern) {
            c.clear();
        }
        let re = c
            .entry(pattern.to_string())
            .or_insert_with(|| regex::Regex::new(pattern).map_err(|e| e.to_string()));
        match re {
            Ok(re) => Ok(re.is_match(text)),
            Err(e) => Err(e.clone()),
        }
    })
}

/// Vigie's functions: `version_lt(version, bound)`, true when the dotted version is older
/// than the bound, component by component (`"7.4p1"` reads as 7.4.1, `"2.0.0-rc1"` as
/// 2.0.0); false when the version holds no number (unknown versions are not "old").
fn vigie_functions(env: &mut cel::Env) -> Result<(), cel::DeclarationError> {
    use cel::common::types::{CelBool, CelString};
    fn version_lt(v: &CelString<'_>, bound: &CelString<'_>) -> CelBool {
        CelBool::from(version_less(v, bound))
    }
    cel::add_overload!(env, fn version_lt: (CelString, CelString) -> CelBool, name = "version_lt")?;
    Ok(())
}

/// Numeric components of a version: `"8.4p1"` → `[8, 4, 1]`, `"mosquitto 1.6.9"` →
/// `[1, 6, 9]`. Components after a pre-release marker (`-rc`, `-beta`...) are dropped.
pub fn version_parts(v: &str) -> Vec<u64> {
    let v = v.trim_start_matches(['^', '=', '~', '>', '<', ' ']);
    let v = v.split(['-', '~', '+']).next().unwrap_or("");
    v.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// True when the version carries a pre-release marker after `-` or `~` (`1.0.0-rc.1`,
/// `2.0~beta`): such a version comes before the release with the same numbers.
fn is_pre_release(v: &str) -> bool {
    v.split_once(['-', '~']).is_some_and(|(_, tail)| {
        let t = tail.to_ascii_lowercase();
        ["alpha", "beta", "rc", "pre", "dev", "snapshot"]
            .iter()
            .any(|m| t.starts_with(m))
    })
}

/// `a` is older than `b` (missing components count as 0; requirement operators such as
/// `^`, `~`, `>=` are ignored; a pre-release comes before its release).
pub fn version_less(a: &str, b: &str) -> bool {
    let (pa, pb) = (version_parts(a), version_parts(b));
    if pa.is_empty() || pb.is_empty() {
        return false;
    }
    for i in 0..pa.len().max(pb.len()) {
        let (x, y) = (
            pa.get(i).copied().unwrap_or(0),
            pb.get(i).copied().unwrap_or(0),
        );
        if x != y {
            return x < y;
        }
    }
    is_pre_release(a) && !is_pre_release(b)
}

/// A compile error with a position inside the expression (1-based column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// 1-based line inside the expression.
    pub line: u32,
    /// 1-based column inside the expression.
    pub column: u32,
    /// What is wrong.
    pub message: String,
}

fn nesting_depth(src: &str) -> usize {
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut in_str: Option<char> = None;
    let mut escaped = false;
    for c in src.chars() {
        if let Some(q) = in_str {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                in_str = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => in_str = Some(c),
            '(' | '[' | '{' => {
                depth += 1;
                max = max.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

/// A compiled CEL expression.
#[derive(Debug)]
pub struct Expr {
    program: cel::Program,
    /// The same expression for the direct evaluator, tried first.
    native: Native,
    /// Top-level variables it reads.
    names: Vec<String>,
    /// The source text.
    pub source: String,
}

impl Expr {
    /// Compiles an expression, refusing overlong or overly nested ones first.
    pub fn compile(src: &str) -> Result<Expr, CompileError> {
        if src.len() > MAX_EXPRESSION_LEN {
            return Err(CompileError {
                line: 1,
                column: 1,
                message: format!(
                    "expression of {} bytes exceeds the limit of {MAX_EXPRESSION_LEN}",
                    src.len()
                ),
            });
        }
        let depth = nesting_depth(src);
        if depth > MAX_NESTING {
            return Err(CompileError {
                line: 1,
                column: 1,
                message: format!(
                    "expression nests {depth} levels deep, more than the limit of {MAX_NESTING}"
                ),
            });
        }
        match env().compile(src) {
            Ok(program) => Ok(Expr {
                native: Native::compile(program.expression()),
                names: program
                    .references()
                    .variables()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                program,
                source: src.to_string(),
            }),
            Err(errs) => {
                let first = errs.errors.first();
                let (line, column) = first
                    .map(|e| (e.pos.0.max(1) as u32, (e.pos.1 + 1).max(1) as u32))
                    .unwrap_or((1, 1));
                let message = first
                    .map(|e| e.msg.clone())
                    .unwrap_or_else(|| errs.to_string());
                Err(CompileError {
                    line,
                    column,
                    message,
                })
            }
        }
    }

    /// Adds to `uses` how the expression reads each top-level variable: only through
    /// `var.field` selections (the fields are listed), or otherwise (`None`: the whole
    /// value is needed). Names bound by comprehensions are harmless extras.
    pub fn uses(&self, uses: &mut Uses) {
        walk_uses(self.program.expression(), uses);
    }

    /// Evaluates over a scope: with the direct evaluator when it decides, else with the
    /// `cel` interpreter (which also gives the error messages).
    pub fn eval(&self, scope: &Scope<'_>) -> Result<cel::Value, String> {
        self.eval_ref(scope).map(Val::into_owned)
    }

    /// [`Expr::eval`], borrowing the value when it is a variable, a literal or a part of
    /// one.
    pub fn eval_ref<'s>(&'s self, scope: &'s Scope<'_>) -> Result<Val<'s>, String> {
        match self.native.eval(scope) {
            Ok(v) => {
                #[cfg(debug_assertions)]
                self.check_native(scope, &v);
                Ok(v)
            }
            Err(_) => self.interpret(scope).map(Val::Own),
        }
    }

    /// Evaluates with the `cel` interpreter only.
    pub fn interpret(&self, scope: &Scope<'_>) -> Result<cel::Value, String> {
        scope.interpret(&self.program, &self.names)
    }

    /// Evaluates with the direct evaluator only.
    #[cfg(test)]
    pub(crate) fn eval_direct<'s>(
        &'s self,
        scope: &'s Scope<'_>,
    ) -> Result<Val<'s>, super::native::Unknown> {
        self.native.eval(scope)
    }

    /// Adds to `ids` the interned indexes of the variables the direct evaluator reads.
    pub fn var_ids(&self, ids: &mut Vec<u32>) {
        self.native.var_ids(ids);
    }

    /// True when the direct evaluator covers the whole expression (it may still leave
    /// some evaluations, errors for instance, to the interpreter).
    pub fn native_complete(&self) -> bool {
        self.native.complete()
    }

    /// In debug builds (tests), every value the direct evaluator decides is compared with
    /// the interpreter's; differences are collected for [`native_mismatches`].
    #[cfg(debug_assertions)]
    fn check_native(&self, scope: &Scope, v: &cel::Value) {
        let reference = self.interpret(scope);
        if reference.as_ref() != Ok(v)
            && let Ok(mut m) = MISMATCHES.lock()
        {
            m.push(format!(
                "`{}`: direct evaluation gave {v:?}, the interpreter {reference:?}",
                self.source
            ));
        }
    }

    /// Evaluates to a boolean; any other type is an error.
    pub fn eval_bool(&self, scope: &Scope<'_>) -> Result<bool, String> {
        if let Ok(b) = self.native.eval_bool(scope) {
            #[cfg(debug_assertions)]
            self.check_native(scope, &cel::Value::Bool(b));
            return Ok(b);
        }
        // Not decided, or not a boolean: the interpreter gives the value or the error.
        match &self.interpret(scope)? {
            cel::Value::Bool(b) => Ok(*b),
            other => Err(format!(
                "condition must be a boolean, it evaluated to {}",
                display_value(other)
            )),
        }
    }
}

#[cfg(debug_assertions)]
static MISMATCHES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Differences between the direct evaluator and the interpreter met so far in this
/// process (debug builds only; always empty in release builds).
pub fn native_mismatches() -> Vec<String> {
    #[cfg(debug_assertions)]
    if let Ok(m) = MISMATCHES.lock() {
        return m.clone();
    }
    Vec::new()
}

/// Converts one variable of a fact on its first read (`None`: the fact has no such
/// field).
pub type Source<'f> = &'f dyn Fn(&str) -> Option<cel::Value>;

/// Reads the field `field` of the variable `top` of a fact alone, without converting the
/// variable: `Some(None)` when it has no such field, `None` when it cannot tell (the
/// field is then taken from the variable, converted).
pub type FieldSource<'f> = &'f dyn Fn(&str, &str) -> Option<Option<cel::Value>>;

/// Most variable names interned; the names of later expressions are read by the
/// interpreter (only generated expressions, fuzzing for instance, reach it).
const MAX_NAMES: usize = 1 << 16;

/// Every variable name the expressions read, each under a small index: the direct
/// evaluator reads a variable by index in the scope's table, not by name.
struct Names {
    ids: HashMap<String, u32>,
}

static NAMES: std::sync::RwLock<Option<Names>> = std::sync::RwLock::new(None);

/// How many names are interned: a scope's table covers them all (read without taking
/// the lock, so threads creating scopes do not contend).
static INTERNED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The index of a variable name, interned now if it is new (`None` past
/// `MAX_NAMES`). `at` and `here`, the variables of findings at a path, come first.
pub fn intern(name: &str) -> Option<u32> {
    if let Some(id) = interned(name) {
        return Some(id);
    }
    let mut guard = NAMES.write().ok()?;
    let names = guard.get_or_insert_with(|| Names {
        ids: [("at".to_string(), 0), ("here".to_string(), 1)].into(),
    });
    if let Some(&id) = names.ids.get(name) {
        return Some(id);
    }
    if names.ids.len() >= MAX_NAMES {
        return None;
    }
    let id = u32::try_from(names.ids.len()).ok()?;
    names.ids.insert(name.to_string(), id);
    INTERNED.store(names.ids.len(), std::sync::atomic::Ordering::Release);
    Some(id)
}

/// The index of a name already interned.
pub fn interned(name: &str) -> Option<u32> {
    let guard = NAMES.read().ok()?;
    guard.as_ref()?.ids.get(name).copied()
}

/// The variables a set of expressions reads, each with its cell in the scopes made for
/// them: a scope then holds a cell for each of these only, not for every name interned.
#[derive(Debug, Default)]
pub struct Table {
    /// Cell of each interned index (`u32::MAX`: none).
    cells: Vec<u32>,
    len: usize,
}

impl Table {
    /// A table for the variables interned as `ids`.
    pub fn new(ids: &[u32]) -> Table {
        let mut t = Table::default();
        for &id in ids {
            let i = id as usize;
            if i >= t.cells.len() {
                t.cells.resize(i + 1, u32::MAX);
            }
            if t.cells[i] == u32::MAX {
                t.cells[i] = t.len as u32;
                t.len += 1;
            }
        }
        t
    }
}

/// One variable of a scope: not read yet (empty), read and absent (`Some(None)`), or its
/// value. Filled once, never changed: references into it stay valid as long as the
/// scope.
type Cell = std::cell::OnceCell<Option<cel::Value>>;

/// The variables an expression sees: a fact's fields as CEL values, converted on first
/// read when the scope has a [`Source`] (a rule that stops at `port == 23` never pays for
/// the TLS cipher list). They sit in a table indexed by interned name, sized when the
/// scope is made. The interpreter's context is built from them only when an evaluation
/// needs it.
pub struct Scope<'f> {
    cells: Box<[Cell]>,
    /// The cell of each interned index, when the scope holds only the variables some
    /// expressions read (see [`Table`]); else the cell is the index.
    table: Option<&'f Table>,
    /// Variables read by a name interned after the scope was made (the interpreter's
    /// path only).
    late: RefCell<Vec<(String, Option<cel::Value>)>>,
    source: Option<Source<'f>>,
    /// Reads `top.field` selections alone, with `source`.
    fields: Option<FieldSource<'f>>,
    /// The scope this one adds variables to (see [`Scope::with`]).
    parent: Option<&'f Scope<'f>>,
    context: RefCell<Option<cel::Context<'static, 'static>>>,
}

fn cells(n: usize) -> Box<[Cell]> {
    (0..n).map(|_| Cell::new()).collect()
}

impl<'f> Scope<'f> {
    fn empty(n: usize, source: Option<Source<'f>>, parent: Option<&'f Scope<'f>>) -> Scope<'f> {
        Scope {
            cells: cells(n),
            table: None,
            late: RefCell::new(Vec::new()),
            source,
            fields: None,
            parent,
            context: RefCell::new(None),
        }
    }

    /// A scope holding these variables.
    pub fn new(vars: Vec<(String, cel::Value)>) -> Scope<'static> {
        let mut s = Scope::empty(0, None, None);
        for (k, v) in vars {
            s.add(&k, v);
        }
        s
    }

    /// A scope whose variables come from `source` when first read.
    pub fn lazy(source: Source<'f>) -> Scope<'f> {
        let n = INTERNED.load(std::sync::atomic::Ordering::Acquire);
        Scope::empty(n, Some(source), None)
    }

    /// [`Scope::lazy`], reading `top.field` selections alone with `fields` when the
    /// variable is not converted yet, and holding cells only for the variables of
    /// `table` (the others are read as variables interned after the scope was made).
    pub fn lazy_fields(source: Source<'f>, fields: FieldSource<'f>, table: &'f Table) -> Scope<'f> {
        let mut s = Scope::empty(table.len, Some(source), None);
        s.fields = Some(fields);
        s.table = Some(table);
        s
    }

    /// The cell of the variable interned as `id`.
    fn cell(&self, id: u32) -> Option<&Cell> {
        match self.table {
            None => self.cells.get(id as usize),
            Some(t) => match t.cells.get(id as usize) {
                Some(&i) if i != u32::MAX => self.cells.get(i as usize),
                _ => None,
            },
        }
    }

    /// A scope holding a JSON object's top-level fields.
    pub fn from_json(fact: &serde_json::Value) -> Scope<'static> {
        let vars = match fact {
            serde_json::Value::Object(o) => {
                o.iter().map(|(k, v)| (k.clone(), json_to_cel(v))).collect()
            }
            _ => Vec::new(),
        };
        Scope::new(vars)
    }

    /// The variable interned as `id`, converted now if it was not yet.
    fn lookup(&self, id: u32, name: &str) -> Option<&cel::Value> {
        if let Some(cell) = self.cell(id) {
            match (cell.get(), self.source) {
                (Some(v), _) => return v.as_ref(),
                (None, Some(source)) => return cell.get_or_init(|| source(name)).as_ref(),
                (None, None) => {}
            }
        }
        self.parent?.lookup(id, name)
    }

    /// `top.field` (`id` is interned `top.field`): read alone when the scope can and the
    /// variable is not converted yet, else selected in the variable.
    fn lookup_field(&self, id: u32, top: (u32, &str), field: &str) -> Option<&cel::Value> {
        let held = |s: &Scope<'_>| s.cell(top.0).and_then(Cell::get).is_some();
        match (self.source, self.parent) {
            // A scope made by `with` reads from its parent what it does not hold.
            (None, Some(parent)) if !held(self) => return parent.lookup_field(id, top, field),
            (Some(_), _) if !held(self) => {
                if let (Some(fields), Some(cell)) = (self.fields, self.cell(id)) {
                    if let Some(v) = cell.get() {
                        return v.as_ref();
                    }
                    if let Some(v) = fields(top.1, field) {
                        return cell.get_or_init(|| v).as_ref();
                    }
                }
            }
            _ => {}
        }
        match self.lookup(top.0, top.1)? {
            cel::Value::Map(m) => super::native::get(m, field),
            _ => None,
        }
    }

    /// A variable no table holds, read by name (see [`Scope::late`]).
    fn late_var(&self, name: &str) -> Option<cel::Value> {
        if let Some((_, v)) = self.late.borrow().iter().find(|(k, _)| k == name) {
            return v.clone();
        }
        match self.source {
            Some(source) => {
                let v = source(name);
                self.late.borrow_mut().push((name.to_string(), v.clone()));
                v
            }
            None => self.parent?.late_var(name),
        }
    }

    /// True when the table of the scope that converts variables covers `id`.
    fn covers(&self, id: u32) -> bool {
        match (self.source, self.parent) {
            (None, Some(p)) => p.covers(id),
            _ => self.cell(id).is_some(),
        }
    }

    /// The value of a variable, converted now if it was not yet.
    pub fn var(&self, name: &str) -> Option<cel::Value> {
        match interned(name) {
            Some(id) if self.covers(id) || self.lookup(id, name).is_some() => {
                self.lookup(id, name).cloned()
            }
            _ => self.late_var(name),
        }
    }

    /// Adds (or replaces) a variable.
    pub fn add(&mut self, name: &str, value: cel::Value) {
        *self.context.get_mut() = None;
        let id = intern(name).filter(|_| self.table.is_none());
        let Some(id) = id else {
            let late = self.late.get_mut();
            late.retain(|(k, _)| k != name);
            late.push((name.to_string(), Some(value)));
            return;
        };
        let i = id as usize;
        if i >= self.cells.len() {
            let mut more = std::mem::take(&mut self.cells).into_vec();
            more.resize_with(i + 1, Cell::new);
            self.cells = more.into_boxed_slice();
        }
        if let Some(cell) = self.cells.get_mut(i) {
            *cell = Cell::from(Some(value));
        }
    }

    /// This scope with more variables: the new scope reads the others from this one,
    /// without copying them (and those it converts are kept here, for the next).
    pub fn with<'s>(&'s self, more: Vec<(&str, cel::Value)>) -> Scope<'s> {
        let mut s = Scope::empty(0, None, Some(self));
        for (k, v) in more {
            s.add(k, v);
        }
        s
    }

    /// Runs the interpreter over this scope, after converting the variables it reads.
    fn interpret(&self, program: &cel::Program, names: &[String]) -> Result<cel::Value, String> {
        let values: Vec<(&String, cel::Value)> = names
            .iter()
            .filter_map(|n| self.var(n).map(|v| (n, v)))
            .collect();
        let mut slot = self.context.borrow_mut();
        let ctx = slot.get_or_insert_with(|| cel::Context::with_env(env()));
        for (n, v) in values {
            ctx.add_variable_from_value(n.as_str(), v);
        }
        program.execute(ctx).map_err(|e| e.to_string())
    }
}

impl super::native::Vars for Scope<'_> {
    fn var(&self, id: u32, name: &str) -> Option<&cel::Value> {
        self.lookup(id, name)
    }

    fn field(&self, id: u32, top: (u32, &str), field: &str) -> Option<&cel::Value> {
        self.lookup_field(id, top, field)
    }
}

/// Top-level variables an expression reads, each with the fields it selects from it, or
/// `None` when the whole value is read.
pub type Uses = HashMap<String, Option<std::collections::BTreeSet<String>>>;

/// Merges `other` into `uses` (a whole read wins over field reads).
pub fn merge_uses(uses: &mut Uses, other: &Uses) {
    for (name, fields) in other {
        match (uses.get_mut(name), fields) {
            (None, _) => {
                uses.insert(name.clone(), fields.clone());
            }
            (Some(mine), None) => *mine = None,
            (Some(Some(mine)), Some(theirs)) => mine.extend(theirs.iter().cloned()),
            (Some(None), Some(_)) => {}
        }
    }
}

fn walk_uses(e: &cel::common::ast::IdedExpr, uses: &mut Uses) {
    use cel::common::ast::Expr as E;
    match &e.expr {
        E::Select(sel) => {
            if let E::Ident(name) = &sel.operand.expr {
                let fields: std::collections::BTreeSet<String> = [sel.field.clone()].into();
                merge_uses(uses, &[(name.clone(), Some(fields))].into());
            } else {
                walk_uses(&sel.operand, uses);
            }
        }
        E::Ident(name) => merge_uses(uses, &[(name.clone(), None)].into()),
        E::Call(call) => {
            if let Some(t) = &call.target {
                walk_uses(t, uses);
            }
            for a in &call.args {
                walk_uses(a, uses);
            }
        }
        E::Comprehension(c) => {
            for x in [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ] {
                walk_uses(x, uses);
            }
        }
        E::List(l) => {
            for x in &l.elements {
                walk_uses(x, uses);
            }
        }
        E::Map(m) => walk_entries(&m.entries, uses),
        E::Struct(st) => walk_entries(&st.entries, uses),
        E::Literal(_) | E::Unspecified => {}
    }
}

fn walk_entries(entries: &[cel::common::ast::IdedEntryExpr], uses: &mut Uses) {
    use cel::common::ast::EntryExpr;
    for entry in entries {
        match &entry.expr {
            EntryExpr::StructField(f) => walk_uses(&f.value, uses),
            EntryExpr::MapEntry(me) => {
                walk_uses(&me.key, uses);
                walk_uses(&me.value, uses);
            }
        }
    }
}

/// Converts JSON to a CEL value. All integers become CEL `int` (so `bits < 2048` works
/// whether the fact field is signed or not).
pub fn json_to_cel(v: &serde_json::Value) -> cel::Value {
    match v {
        serde_json::Value::Null => cel::Value::Null,
        serde_json::Value::Bool(b) => cel::Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                cel::Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                cel::Value::UInt(u)
            } else {
                cel::Value::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        serde_json::Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        serde_json::Value::Array(a) => {
            cel::Value::List(Arc::new(a.iter().map(json_to_cel).collect()))
        }
        serde_json::Value::Object(o) => {
            let map: HashMap<cel::objects::Key, cel::Value> = o
                .iter()
                .map(|(k, v)| {
                    (
                        cel::objects::Key::String(Arc::new(k.clone())),
                        json_to_cel(v),
                    )
                })
                .collect();
            cel::Value::Map(cel::objects::Map { map: Arc::new(map) })
        }
    }
}

/// Renders a CEL value for a message.
pub fn display_value(v: &cel::Value) -> String {
    match v {
        cel::Value::String(s) => s.to_string(),
        cel::Value::Int(i) => i.to_string(),
        cel::Value::UInt(u) => u.to_string(),
        cel::Value::Float(f) => f.to_string(),
        cel::Value::Bool(b) => b.to_string(),
        cel::Value::Null => "null".to_string(),
        cel::Value::List(l) => l.iter().map(display_value).collect::<Vec<_>>().join(", "),
        other => format!("{other:?}"),
    }
}

/// A message template: literal text and `{{ expr }}` placeholders.
#[derive(Debug)]
pub struct Template {
    parts: Vec<Part>,
    /// Length of the literal text, and some room for what the expressions give.
    len_hint: usize,
}

#[derive(Debug)]
enum Part {
    Lit(String),
    Expr(Expr),
}

impl Template {
    /// Parses and compiles a template. Errors carry the byte offset of the placeholder.
    pub fn compile(src: &str) -> Result<Template, (usize, CompileError)> {
        let mut parts = Vec::new();
        let mut rest = src;
        let mut offset = 0usize;
        while let Some(start) = rest.find("{{") {
            if start > 0 {
                parts.push(Part::Lit(rest[..start].to_string()));
            }
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else {
                return Err((
                    offset + start,
                    CompileError {
                        line: 1,
                        column: 1,
                        message: "`{{` without a closing `}}`".to_string(),
                    },
                ));
            };
            let expr = after[..end].trim();
            let compiled = Expr::compile(expr).map_err(|e| (offset + start, e))?;
            parts.push(Part::Expr(compiled));
            let consumed = start + 2 + end + 2;
            offset += consumed;
            rest = &rest[consumed..];
        }
        if !rest.is_empty() {
            parts.push(Part::Lit(rest.to_string()));
        }
        let literal: usize = parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.len(),
                Part::Expr(_) => 24,
            })
            .sum();
        Ok(Template {
            parts,
            len_hint: literal,
        })
    }

    /// Adds to `uses` how the template's `{{ … }}` expressions read each top-level
    /// variable (see [`Expr::uses`]).
    pub fn uses(&self, uses: &mut Uses) {
        for p in &self.parts {
            if let Part::Expr(e) = p {
                e.uses(uses);
            }
        }
    }

    /// Adds to `ids` the interned indexes of the variables its `{{ … }}` expressions read.
    pub fn var_ids(&self, ids: &mut Vec<u32>) {
        for p in &self.parts {
            if let Part::Expr(e) = p {
                e.var_ids(ids);
            }
        }
    }

    /// True when the direct evaluator covers every `{{ … }}` expression.
    pub fn native_complete(&self) -> bool {
        self.parts.iter().all(|p| match p {
            Part::Expr(e) => e.native_complete(),
            Part::Lit(_) => true,
        })
    }

    /// Renders over a scope; a `{{ … }}` expression that fails to evaluate renders as `?`.
    pub fn render(&self, scope: &Scope<'_>) -> String {
        self.render_with(scope, &mut Vec::new())
    }

    /// Renders `en` and `fr` over one scope: a `{{ … }}` expression the two share (the
    /// same text) is evaluated once.
    pub fn render_pair(en: &Template, fr: &Template, scope: &Scope<'_>) -> (String, String) {
        let mut seen = Vec::new();
        let en = en.render_with(scope, &mut seen);
        (en, fr.render_with(scope, &mut seen))
    }

    /// [`Template::render`], reusing the `{{ … }}` expressions already rendered in
    /// `seen` (by expression text) and adding the others.
    fn render_with<'t>(&'t self, scope: &Scope<'_>, seen: &mut Vec<(&'t str, String)>) -> String {
        let mut out = String::with_capacity(self.len_hint);
        for p in &self.parts {
            match p {
                Part::Lit(s) => out.push_str(s),
                Part::Expr(e) => match seen.iter().find(|(src, _)| *src == e.source) {
                    Some((_, text)) => out.push_str(text),
                    None => {
                        let text = match e.eval_ref(scope) {
                            Ok(v) => display_value(&v),
                            Err(_) => "?".to_string(),
                        };
                        out.push_str(&text);
                        seen.push((&e.source, text));
                    }
                },
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ctx() -> Scope<'static> {
        Scope::from_json(&json!({
            "key": {"algorithm": "rsa", "bits": 1024u32},
            "sans": ["a.example", "*.b.example"],
            "days_until_expiry": -3
        }))
    }

    #[test]
    fn conditions_over_facts() {
        let c = ctx();
        let e = Expr::compile(r#"key.algorithm == "rsa" && key.bits < 2048"#).unwrap();
        assert_eq!(e.eval_bool(&c), Ok(true));
        let e = Expr::compile(r#"sans.exists(s, s.startsWith("*."))"#).unwrap();
        assert_eq!(e.eval_bool(&c), Ok(true));
        let e = Expr::compile("days_until_expiry < 0").unwrap();
        assert_eq!(e.eval_bool(&c), Ok(true));
        let e = Expr::compile("key.bits").unwrap();
        assert!(e.eval_bool(&c).is_err());
        let e = Expr::compile("nosuch.field == 1").unwrap();
        assert!(e.eval_bool(&c).is_err());
    }

    #[test]
    fn uses_distinguish_field_reads_from_whole_reads() {
        let mut u = Uses::new();
        Expr::compile(r#"ssl.present && ssl.ciphers.exists(c, c.name == "x") && state == "open""#)
            .unwrap()
            .uses(&mut u);
        assert_eq!(
            u.get("ssl"),
            Some(&Some(["ciphers".to_string(), "present".to_string()].into()))
        );
        assert_eq!(u.get("state"), Some(&None));
        Expr::compile("size(ssl) > 0").unwrap().uses(&mut u);
        assert_eq!(u.get("ssl"), Some(&None));
        let mut v = Uses::new();
        Expr::compile("has(http.title) && [1].exists(x, x > port)")
            .unwrap()
            .uses(&mut v);
        assert_eq!(v.get("http"), Some(&Some(["title".to_string()].into())));
        assert_eq!(v.get("port"), Some(&None));
    }

    #[test]
    fn search_is_a_cached_regex_search() {
        let c = ctx();
        let e =
            Expr::compile(r#"key.algorithm.search("^rs") && !key.algorithm.search("x$")"#).unwrap();
        assert_eq!(e.eval_bool(&c), Ok(true));
        assert_eq!(e.eval_bool(&c), Ok(true));
        let bad = Expr::compile(r#"key.algorithm.search("(")"#).unwrap();
        assert!(bad.eval_bool(&c).is_err());
    }

    #[test]
    fn version_comparison() {
        assert!(version_less("7.4p1", "8.8"));
        assert!(!version_less("8.8p1", "8.8"));
        assert!(version_less("1.6.9", "2.0"));
        assert!(!version_less("2.0.18", "2.0"));
        assert!(!version_less("", "2.0"));
        assert!(version_less("2.4.49", "2.4.51"));
        let c = ctx();
        let e =
            Expr::compile(r#"version_lt("7.4p1", "8.8") && !version_lt("9.0", "8.8")"#).unwrap();
        assert_eq!(e.eval_bool(&c), Ok(true));
    }

    #[test]
    fn syntax_errors_have_columns() {
        let err = Expr::compile("key.bits <").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(err.column >= 10, "{err:?}");
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        let err = Expr::compile(&deep).unwrap_err();
        assert!(err.message.contains("exceeds") || err.message.contains("nests"));
        let deep = format!("{}1{}", "(".repeat(60), ")".repeat(60));
        assert!(Expr::compile(&deep).unwrap_err().message.contains("nests"));
    }

    #[test]
    fn templates() {
        let t = Template::compile("RSA key of {{ key.bits }} bits ({{ sans }})").unwrap();
        assert_eq!(
            t.render(&ctx()),
            "RSA key of 1024 bits (a.example, *.b.example)"
        );
        assert!(Template::compile("oops {{ key.bits").is_err());
        let t = Template::compile("{{ missing.x }}").unwrap();
        assert_eq!(t.render(&ctx()), "?");
    }
}
