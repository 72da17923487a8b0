//! A direct evaluator for the part of CEL that rule conditions and messages use.
//!
//! The `cel` interpreter converts every variable into its own value representation
//! when a context is built, and dispatches each operator and function by name at every
//! evaluation. On scans with hundreds of thousands of facts, that conversion and
//! dispatch cost more than reading the facts. This module compiles each expression
//! once more, at rule load time, into a small tree whose operators and functions are
//! resolved ahead, and evaluates it over the fact's fields as they are.
//!
//! Variables are read by the index their name was interned under at load time, from a
//! table of the scope, and `top.field` selections (`ssl.present`) are read alone,
//! without converting the rest of `top`. Reading a variable, a field, a literal or a
//! list item borrows it ([`Val::Ref`]): no `cel::Value` is copied, so no reference
//! count moves (the literals are shared by every thread, and such counts bounce
//! between cores); only computed values are owned.
//!
//! It never decides on its own what it is not sure of: anything outside the subset it
//! knows, and every CEL error (missing key, wrong type, overflow...), evaluates to
//! [`Unknown`]. The caller then runs the same expression with the `cel` interpreter,
//! which gives the reference answer and the real error message. `Unknown` is absorbed
//! only where CEL's own semantics make the result independent of it (`false && x`,
//! `true || x`, the short-circuit of `exists` and `all`), so a decided result is always
//! the one `cel` gives; a test checks this on every condition and message of the
//! official pack over every fact of its fixtures.

use cel::Value;
use cel::common::ast::{Expr as E, IdedExpr, LiteralValue, operators};
use cel::objects::{Key, KeyRef, Map};
use std::cmp::Ordering;
use std::sync::Arc;

/// The value cannot be decided here: unsupported construct or CEL error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unknown;

/// A value the evaluator computed, or one it reads where it lies: a variable of the
/// scope, a literal of the expression, a field or an item of either. Reading never
/// copies a `cel::Value` (whose strings, lists and maps are reference-counted: a copy
/// is an atomic increment, and the literals are shared by every thread).
#[derive(Debug, Clone)]
pub enum Val<'a> {
    /// Borrowed from the scope or the expression.
    Ref(&'a Value),
    /// Computed by the evaluation.
    Own(Value),
}

impl std::ops::Deref for Val<'_> {
    type Target = Value;
    fn deref(&self) -> &Value {
        match self {
            Val::Ref(v) => v,
            Val::Own(v) => v,
        }
    }
}

impl Val<'_> {
    /// The value itself, copied only when borrowed.
    pub fn into_owned(self) -> Value {
        match self {
            Val::Ref(v) => v.clone(),
            Val::Own(v) => v,
        }
    }
}

/// Where the evaluator reads the variables of an expression: by the index the name was
/// interned under ([`super::condition::intern`]); the name is given too, for a scope
/// that converts a variable when first read.
pub trait Vars {
    /// The variable interned as `id` (named `name`), `None` when the scope lacks it.
    fn var(&self, id: u32, name: &str) -> Option<&Value>;

    /// `top.field`, the field of a variable that is a map, `None` when the variable
    /// is absent, is no map or has no such field. `id` is the interned `top.field`:
    /// a scope may read the field alone, without converting the whole variable.
    fn field(&self, id: u32, top: (u32, &str), field: &str) -> Option<&Value>;
}

type R<'a> = Result<Val<'a>, Unknown>;

const NULL: Val<'static> = Val::Own(Value::Null);

/// A compiled expression.
#[derive(Debug)]
pub struct Native {
    root: Node,
    /// Comprehension variables live in slots `0..slots`.
    slots: usize,
}

#[derive(Debug, Clone, Copy)]
enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, Copy)]
enum Arith {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy)]
enum Func {
    Size,
    StartsWith,
    EndsWith,
    Contains,
    Matches,
    Search,
    VersionLt,
    LowerAscii,
    UpperAscii,
    Trim,
    Join,
    String,
}

#[derive(Debug)]
enum Node {
    Lit(Value),
    /// A variable of the fact: its interned index and its name.
    Var(u32, Box<str>),
    /// A field of a variable of the fact (`ssl.present`), read without the variable:
    /// interned index of `top.field`, then of `top`, the names of both.
    Field {
        id: u32,
        top: u32,
        top_name: Box<str>,
        field: Box<str>,
    },
    /// A comprehension variable.
    Slot(usize),
    Select {
        operand: Box<Node>,
        field: String,
        test: bool,
    },
    List(Vec<Node>),
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    Cond(Box<Node>, Box<Node>, Box<Node>),
    Cmp(Cmp, Box<Node>, Box<Node>),
    /// A comparison with a literal on the right (`state == "open"`): the literal is
    /// read in place, not copied at each evaluation.
    CmpLit(Cmp, Box<Node>, Value),
    Arith(Arith, Box<Node>, Box<Node>),
    Neg(Box<Node>),
    In(Box<Node>, Box<Node>),
    Index(Box<Node>, Box<Node>),
    NotStrictlyFalse(Box<Node>),
    Call(Func, Vec<Node>),
    /// `type(x) == T` (or `!=` when `negate`), `T` one of CEL's type names.
    TypeIs {
        value: Box<Node>,
        kind: &'static str,
        negate: bool,
    },
    Comp(Box<Comp>),
    Unsupported,
}

#[derive(Debug)]
struct Comp {
    range: Node,
    iter: usize,
    accu: usize,
    init: Node,
    cond: Node,
    step: Step,
    result: Node,
}

/// The loop step of a comprehension. `map` and `filter` append to their accumulator,
/// which is done in place rather than by building a new list at every element.
#[derive(Debug)]
enum Step {
    /// `@result + [items]`, guarded by `guard ? ... : @result` when present.
    Append {
        guard: Option<Node>,
        items: Node,
    },
    Other(Node),
}

impl Native {
    /// Compiles a parsed expression. Never fails: what is not supported becomes a node
    /// that evaluates to [`Unknown`].
    pub fn compile(e: &IdedExpr) -> Native {
        let mut c = Compiler::default();
        let root = c.node(e);
        Native { root, slots: c.max }
    }

    /// True when nothing of the expression is outside the supported subset.
    pub fn complete(&self) -> bool {
        fn walk(n: &Node) -> bool {
            match n {
                Node::Unsupported => false,
                Node::Lit(_) | Node::Var(..) | Node::Field { .. } | Node::Slot(_) => true,
                Node::Select { operand, .. } => walk(operand),
                Node::List(xs) | Node::Call(_, xs) => xs.iter().all(walk),
                Node::And(a, b)
                | Node::Or(a, b)
                | Node::Cmp(_, a, b)
                | Node::Arith(_, a, b)
                | Node::In(a, b)
                | Node::Index(a, b) => walk(a) && walk(b),
                Node::CmpLit(_, a, _) => walk(a),
                Node::Not(a) | Node::Neg(a) | Node::NotStrictlyFalse(a) => walk(a),
                Node::TypeIs { value, .. } => walk(value),
                Node::Cond(a, b, c) => walk(a) && walk(b) && walk(c),
                Node::Comp(c) => {
                    walk(&c.range)
                        && walk(&c.init)
                        && walk(&c.cond)
                        && walk(&c.result)
                        && match &c.step {
                            Step::Append { guard, items } => {
                                guard.as_ref().is_none_or(walk) && walk(items)
                            }
                            Step::Other(n) => walk(n),
                        }
                }
            }
        }
        walk(&self.root)
    }

    /// Adds to `ids` the interned indexes of the variables (and `top.field` selections)
    /// the expression reads.
    pub fn var_ids(&self, ids: &mut Vec<u32>) {
        fn walk(n: &Node, ids: &mut Vec<u32>) {
            match n {
                Node::Var(id, _) => ids.push(*id),
                Node::Field { id, top, .. } => ids.extend([*id, *top]),
                Node::Lit(_) | Node::Slot(_) | Node::Unsupported => {}
                Node::Select { operand: a, .. }
                | Node::Not(a)
                | Node::Neg(a)
                | Node::NotStrictlyFalse(a)
                | Node::CmpLit(_, a, _)
                | Node::TypeIs { value: a, .. } => walk(a, ids),
                Node::List(xs) | Node::Call(_, xs) => xs.iter().for_each(|x| walk(x, ids)),
                Node::And(a, b)
                | Node::Or(a, b)
                | Node::Cmp(_, a, b)
                | Node::Arith(_, a, b)
                | Node::In(a, b)
                | Node::Index(a, b) => {
                    walk(a, ids);
                    walk(b, ids);
                }
                Node::Cond(a, b, c) => [a, b, c].iter().for_each(|x| walk(x, ids)),
                Node::Comp(c) => {
                    for x in [&c.range, &c.init, &c.cond, &c.result] {
                        walk(x, ids);
                    }
                    match &c.step {
                        Step::Append { guard, items } => {
                            if let Some(g) = guard {
                                walk(g, ids);
                            }
                            walk(items, ids);
                        }
                        Step::Other(n) => walk(n, ids),
                    }
                }
            }
        }
        walk(&self.root, ids);
    }

    /// Evaluates over the fact's variables; [`Unknown`] when the `cel` interpreter must
    /// decide.
    pub fn eval<'a>(&'a self, vars: &'a dyn Vars) -> R<'a> {
        self.evaluator(vars).node(&self.root)
    }

    /// Evaluates to a boolean: [`Unknown`] when the value is of another type, or when the
    /// `cel` interpreter must decide.
    pub fn eval_bool(&self, vars: &dyn Vars) -> Result<bool, Unknown> {
        self.evaluator(vars).test(&self.root)
    }

    fn evaluator<'a>(&self, vars: &'a dyn Vars) -> Eval<'a> {
        Eval {
            vars,
            slots: if self.slots == 0 {
                Vec::new()
            } else {
                vec![NULL; self.slots]
            },
        }
    }
}

#[derive(Default)]
struct Compiler {
    /// Comprehension variables in scope, innermost last, with their slot.
    scope: Vec<(String, usize)>,
    max: usize,
}

impl Compiler {
    fn boxed(&mut self, e: &IdedExpr) -> Box<Node> {
        Box::new(self.node(e))
    }

    fn node(&mut self, e: &IdedExpr) -> Node {
        match &e.expr {
            E::Literal(l) => match literal(l) {
                Some(v) => Node::Lit(v),
                None => Node::Unsupported,
            },
            E::Ident(name) => match self.scope.iter().rev().find(|(n, _)| n == name) {
                Some((_, slot)) => Node::Slot(*slot),
                None => match super::condition::intern(name) {
                    Some(id) => Node::Var(id, name.as_str().into()),
                    // Past the interner's limit (only met by generated expressions):
                    // the interpreter reads the variable by name.
                    None => Node::Unsupported,
                },
            },
            E::Select(s) if !s.test => match self.field(&s.operand, &s.field) {
                Some(n) => n,
                None => Node::Select {
                    operand: self.boxed(&s.operand),
                    field: s.field.clone(),
                    test: false,
                },
            },
            E::Select(s) => Node::Select {
                operand: self.boxed(&s.operand),
                field: s.field.clone(),
                test: s.test,
            },
            E::List(l) if l.optional_indices.is_empty() => {
                let items: Vec<Node> = l.elements.iter().map(|x| self.node(x)).collect();
                // A list of literals (`port in [23, 2323]`) is built once.
                let constant: Option<Vec<Value>> = items
                    .iter()
                    .map(|n| match n {
                        Node::Lit(v) => Some(v.clone()),
                        _ => None,
                    })
                    .collect();
                match constant {
                    Some(values) => Node::Lit(Value::List(Arc::new(values))),
                    None => Node::List(items),
                }
            }
            E::Call(call) => self.call(call),
            E::Comprehension(c) => self.comprehension(c),
            _ => Node::Unsupported,
        }
    }

    /// `top.field` on a variable of the fact (not a comprehension variable).
    fn field(&self, operand: &IdedExpr, field: &str) -> Option<Node> {
        let E::Ident(top) = &operand.expr else {
            return None;
        };
        if self.scope.iter().any(|(n, _)| n == top) {
            return None;
        }
        // `top.field` is no CEL identifier: it cannot be taken for a variable.
        Some(Node::Field {
            id: super::condition::intern(&format!("{top}.{field}"))?,
            top: super::condition::intern(top)?,
            top_name: top.as_str().into(),
            field: field.into(),
        })
    }

    fn call(&mut self, call: &cel::common::ast::CallExpr) -> Node {
        let name = call.func_name.as_str();
        let args = &call.args;
        if call.target.is_none() {
            let op2 = |c: &mut Self, f: fn(Box<Node>, Box<Node>) -> Node| match f(
                c.boxed(&args[0]),
                c.boxed(&args[1]),
            ) {
                Node::Cmp(op, a, b) => match *b {
                    Node::Lit(v) => Node::CmpLit(op, a, v),
                    b => Node::Cmp(op, a, Box::new(b)),
                },
                n => n,
            };
            if let Some(n) = self.type_test(name, args) {
                return n;
            }
            match (name, args.len()) {
                (operators::CONDITIONAL, 3) => {
                    return Node::Cond(
                        self.boxed(&args[0]),
                        self.boxed(&args[1]),
                        self.boxed(&args[2]),
                    );
                }
                (operators::LOGICAL_AND, 2) => return op2(self, Node::And),
                (operators::LOGICAL_OR, 2) => return op2(self, Node::Or),
                (operators::EQUALS, 2) => return op2(self, |a, b| Node::Cmp(Cmp::Eq, a, b)),
                (operators::NOT_EQUALS, 2) => return op2(self, |a, b| Node::Cmp(Cmp::Ne, a, b)),
                (operators::LESS, 2) => return op2(self, |a, b| Node::Cmp(Cmp::Lt, a, b)),
                (operators::LESS_EQUALS, 2) => {
                    return op2(self, |a, b| Node::Cmp(Cmp::Le, a, b));
                }
                (operators::GREATER, 2) => return op2(self, |a, b| Node::Cmp(Cmp::Gt, a, b)),
                (operators::GREATER_EQUALS, 2) => {
                    return op2(self, |a, b| Node::Cmp(Cmp::Ge, a, b));
                }
                (operators::ADD, 2) => return op2(self, |a, b| Node::Arith(Arith::Add, a, b)),
                (operators::SUBSTRACT, 2) => {
                    return op2(self, |a, b| Node::Arith(Arith::Sub, a, b));
                }
                (operators::MULTIPLY, 2) => {
                    return op2(self, |a, b| Node::Arith(Arith::Mul, a, b));
                }
                (operators::DIVIDE, 2) => return op2(self, |a, b| Node::Arith(Arith::Div, a, b)),
                (operators::MODULO, 2) => return op2(self, |a, b| Node::Arith(Arith::Rem, a, b)),
                (operators::IN, 2) => return op2(self, Node::In),
                (operators::INDEX, 2) => return op2(self, Node::Index),
                (operators::LOGICAL_NOT, 1) => return Node::Not(self.boxed(&args[0])),
                (operators::NEGATE, 1) => return Node::Neg(self.boxed(&args[0])),
                (operators::NOT_STRICTLY_FALSE, 1) => {
                    return Node::NotStrictlyFalse(self.boxed(&args[0]));
                }
                _ => {}
            }
            let func = match (name, args.len()) {
                ("size", 1) => Func::Size,
                ("matches", 2) => Func::Matches,
                ("version_lt", 2) => Func::VersionLt,
                ("string", 1) => Func::String,
                _ => return Node::Unsupported,
            };
            return Node::Call(func, args.iter().map(|a| self.node(a)).collect());
        }
        let func = match (name, args.len()) {
            ("size", 0) => Func::Size,
            ("startsWith", 1) => Func::StartsWith,
            ("endsWith", 1) => Func::EndsWith,
            ("contains", 1) => Func::Contains,
            ("matches", 1) => Func::Matches,
            ("search", 1) => Func::Search,
            ("lowerAscii", 0) => Func::LowerAscii,
            ("upperAscii", 0) => Func::UpperAscii,
            ("trim", 0) => Func::Trim,
            ("join", 0 | 1) => Func::Join,
            _ => return Node::Unsupported,
        };
        let mut all = Vec::with_capacity(args.len() + 1);
        if let Some(t) = &call.target {
            all.push(self.node(t));
        }
        all.extend(args.iter().map(|a| self.node(a)));
        Node::Call(func, all)
    }

    /// `type(x) == int`, `type(x) != string`...: the type names are identifiers that no
    /// fact field uses.
    fn type_test(&mut self, name: &str, args: &[IdedExpr]) -> Option<Node> {
        let negate = match name {
            operators::EQUALS => false,
            operators::NOT_EQUALS => true,
            _ => return None,
        };
        let [lhs, rhs] = args else { return None };
        let E::Call(t) = &lhs.expr else { return None };
        let E::Ident(type_name) = &rhs.expr else {
            return None;
        };
        if t.func_name != "type" || t.target.is_some() || t.args.len() != 1 {
            return None;
        }
        let kind = TYPE_NAMES.iter().find(|k| **k == type_name.as_str())?;
        Some(Node::TypeIs {
            value: self.boxed(&t.args[0]),
            kind,
            negate,
        })
    }

    fn comprehension(&mut self, c: &cel::common::ast::ComprehensionExpr) -> Node {
        if c.iter_var2.is_some() {
            return Node::Unsupported;
        }
        let range = self.node(&c.iter_range);
        let init = self.node(&c.accu_init);
        let base = self.scope.len();
        let accu = base;
        let iter = base + 1;
        self.max = self.max.max(base + 2);
        self.scope.push((c.accu_var.clone(), accu));
        self.scope.push((c.iter_var.clone(), iter));
        let cond = self.node(&c.loop_cond);
        let step = match append_step(c) {
            Some((guard, items)) => Step::Append {
                guard: guard.map(|g| self.node(g)),
                items: self.node(items),
            },
            None => Step::Other(self.node(&c.loop_step)),
        };
        // The result sees the accumulator only.
        self.scope.pop();
        let result = self.node(&c.result);
        self.scope.pop();
        Node::Comp(Box::new(Comp {
            range,
            iter,
            accu,
            init,
            cond,
            step,
            result,
        }))
    }
}

/// The `(guard, [items])` of a `map`/`filter` step: `@result + [items]` or
/// `guard ? @result + [items] : @result`, when the comprehension returns `@result`.
fn append_step(c: &cel::common::ast::ComprehensionExpr) -> Option<(Option<&IdedExpr>, &IdedExpr)> {
    let is_accu = |e: &IdedExpr| matches!(&e.expr, E::Ident(n) if *n == c.accu_var);
    fn items_of<'a>(e: &'a IdedExpr, is_accu: &dyn Fn(&IdedExpr) -> bool) -> Option<&'a IdedExpr> {
        match &e.expr {
            E::Call(call) if call.func_name == operators::ADD && call.target.is_none() => {
                match call.args.as_slice() {
                    [lhs, rhs] if is_accu(lhs) && matches!(rhs.expr, E::List(_)) => Some(rhs),
                    _ => None,
                }
            }
            _ => None,
        }
    }
    if !is_accu(&c.result) {
        return None;
    }
    match &c.loop_step.expr {
        E::Call(call) if call.func_name == operators::CONDITIONAL && call.target.is_none() => {
            match call.args.as_slice() {
                [guard, step, otherwise] if is_accu(otherwise) => {
                    Some((Some(guard), items_of(step, &is_accu)?))
                }
                _ => None,
            }
        }
        _ => Some((None, items_of(&c.loop_step, &is_accu)?)),
    }
}

const TYPE_NAMES: [&str; 8] = [
    "int",
    "uint",
    "double",
    "string",
    "bool",
    "list",
    "map",
    "null_type",
];

/// CEL's name for the type of a value, for the values facts hold.
fn type_name(v: &Value) -> Option<&'static str> {
    Some(match v {
        Value::Int(_) => "int",
        Value::UInt(_) => "uint",
        Value::Float(_) => "double",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::List(_) => "list",
        Value::Map(_) => "map",
        Value::Null => "null_type",
        _ => return None,
    })
}

fn literal(l: &LiteralValue) -> Option<Value> {
    Some(match l {
        LiteralValue::Boolean(b) => Value::Bool(*b.inner()),
        LiteralValue::Int(i) => Value::Int(*i.inner()),
        LiteralValue::UInt(u) => Value::UInt(*u.inner()),
        LiteralValue::Double(d) => Value::Float(*d.inner()),
        LiteralValue::String(s) => Value::String(Arc::new(s.inner().to_string())),
        LiteralValue::Null => Value::Null,
        LiteralValue::Bytes(_) => return None,
    })
}

struct Eval<'a> {
    vars: &'a dyn Vars,
    /// Comprehension variables: the items of a list read where it lies are borrowed.
    slots: Vec<Val<'a>>,
}

fn comparison(op: Cmp, a: &Value, b: &Value) -> Result<bool, Unknown> {
    Ok(match op {
        Cmp::Eq => equal(a, b)?,
        Cmp::Ne => !equal(a, b)?,
        Cmp::Lt => compare(a, b)? == Ordering::Less,
        Cmp::Le => compare(a, b)? != Ordering::Greater,
        Cmp::Gt => compare(a, b)? == Ordering::Greater,
        Cmp::Ge => compare(a, b)? != Ordering::Less,
    })
}

fn boolean(v: &R<'_>) -> Result<bool, Unknown> {
    match v.as_deref() {
        Ok(Value::Bool(b)) => Ok(*b),
        _ => Err(Unknown),
    }
}

fn own<'a>(v: Value) -> R<'a> {
    Ok(Val::Own(v))
}

/// The item `i` of a list value: borrowed when the list is, else copied.
fn item<'a>(list: &Val<'a>, i: usize) -> Option<Val<'a>> {
    match list {
        Val::Ref(Value::List(items)) => items.get(i).map(Val::Ref),
        Val::Own(Value::List(items)) => items.get(i).cloned().map(Val::Own),
        _ => None,
    }
}

/// The entry `key` of a map value: borrowed when the map is, else copied.
fn entry<'a>(map: &Val<'a>, key: &str) -> Option<Val<'a>> {
    match map {
        Val::Ref(Value::Map(m)) => get(m, key).map(Val::Ref),
        Val::Own(Value::Map(m)) => get(m, key).cloned().map(Val::Own),
        _ => None,
    }
}

impl<'a> Eval<'a> {
    fn node(&mut self, n: &'a Node) -> R<'a> {
        match n {
            Node::Lit(v) => Ok(Val::Ref(v)),
            Node::Var(id, name) => self.vars.var(*id, name).map(Val::Ref).ok_or(Unknown),
            Node::Field {
                id,
                top,
                top_name,
                field,
            } => self
                .vars
                .field(*id, (*top, top_name), field)
                .map(Val::Ref)
                .ok_or(Unknown),
            Node::Slot(i) => self.slots.get(*i).cloned().ok_or(Unknown),
            Node::Select {
                operand,
                field,
                test,
            } => {
                let m = self.node(operand)?;
                if !matches!(*m, Value::Map(_)) {
                    return Err(Unknown);
                }
                if *test {
                    let Value::Map(map) = &*m else {
                        return Err(Unknown);
                    };
                    own(Value::Bool(get(map, field).is_some()))
                } else {
                    entry(&m, field).ok_or(Unknown)
                }
            }
            Node::List(xs) => {
                let items = xs
                    .iter()
                    .map(|x| self.node(x).map(Val::into_owned))
                    .collect::<Result<_, _>>()?;
                own(Value::List(Arc::new(items)))
            }
            Node::And(..)
            | Node::Or(..)
            | Node::Not(_)
            | Node::NotStrictlyFalse(_)
            | Node::Cmp(..)
            | Node::CmpLit(..)
            | Node::In(..)
            | Node::TypeIs { .. } => self.test(n).map(|b| Val::Own(Value::Bool(b))),
            Node::Cond(c, a, b) => {
                if self.test(c)? {
                    self.node(a)
                } else {
                    self.node(b)
                }
            }
            Node::Arith(op, a, b) => {
                let (a, b) = (self.node(a)?, self.node(b)?);
                arith(*op, &a, &b).map(Val::Own)
            }
            Node::Neg(a) => match *self.node(a)? {
                Value::Int(i) => i.checked_neg().map(Value::Int).ok_or(Unknown).map(Val::Own),
                Value::Float(f) => own(Value::Float(-f)),
                _ => Err(Unknown),
            },
            Node::Index(a, b) => {
                let (a, b) = (self.node(a)?, self.node(b)?);
                match (&*a, &*b) {
                    (Value::List(_), Value::Int(i)) => usize::try_from(*i)
                        .ok()
                        .and_then(|i| item(&a, i))
                        .ok_or(Unknown),
                    (Value::Map(_), Value::String(s)) => entry(&a, s).ok_or(Unknown),
                    _ => Err(Unknown),
                }
            }
            Node::Call(f, args) => {
                // Functions take at most three values (receiver and two arguments): no
                // allocation for them.
                let mut values = [NULL, NULL, NULL];
                if args.len() > values.len() {
                    return Err(Unknown);
                }
                for (slot, a) in values.iter_mut().zip(args) {
                    *slot = self.node(a)?;
                }
                let [first, ..] = &mut values;
                // `string(s)` of a string is the string itself.
                if matches!(f, Func::String) && matches!(**first, Value::String(_)) {
                    return Ok(std::mem::replace(first, NULL));
                }
                call(*f, &values[..args.len()]).map(Val::Own)
            }
            Node::Comp(c) => self.comprehension(c),
            Node::Unsupported => Err(Unknown),
        }
    }

    /// The node's value when it is a boolean ([`Unknown`] when it is not): the same as
    /// [`Eval::node`] followed by [`boolean`], without building values for the
    /// operators that give booleans.
    fn test(&mut self, n: &'a Node) -> Result<bool, Unknown> {
        match n {
            Node::And(a, b) => self.logic(a, b, false),
            Node::Or(a, b) => self.logic(a, b, true),
            Node::Not(a) => Ok(!self.test(a)?),
            Node::NotStrictlyFalse(a) => Ok(self.test(a) != Ok(false)),
            Node::Cmp(op, a, b) => {
                let (a, b) = (self.node(a)?, self.node(b)?);
                comparison(*op, &a, &b)
            }
            Node::CmpLit(op, a, b) => comparison(*op, &*self.node(a)?, b),
            Node::In(a, b) => {
                let (a, b) = (self.node(a)?, self.node(b)?);
                match &*b {
                    Value::List(items) => {
                        for i in items.iter() {
                            if equal(i, &a)? {
                                return Ok(true);
                            }
                        }
                        Ok(false)
                    }
                    Value::Map(m) => match &*a {
                        Value::String(s) => Ok(get(m, s).is_some()),
                        _ => Err(Unknown),
                    },
                    _ => Err(Unknown),
                }
            }
            Node::TypeIs {
                value,
                kind,
                negate,
            } => {
                let t = type_name(&*self.node(value)?).ok_or(Unknown)?;
                Ok((t == *kind) != *negate)
            }
            Node::Lit(Value::Bool(b)) => Ok(*b),
            _ => boolean(&self.node(n)),
        }
    }

    /// `a && b` (`absorbing` false) or `a || b` (`absorbing` true): decided by a side that
    /// holds the absorbing value, whatever the other gives, else by both sides.
    fn logic(&mut self, a: &'a Node, b: &'a Node, absorbing: bool) -> Result<bool, Unknown> {
        let left = self.test(a);
        if left == Ok(absorbing) {
            return Ok(absorbing);
        }
        match (left, self.test(b)) {
            (_, Ok(r)) if r == absorbing => Ok(absorbing),
            (Ok(_), Ok(_)) => Ok(!absorbing),
            _ => Err(Unknown),
        }
    }

    fn set(&mut self, slot: usize, v: Val<'a>) {
        if let Some(s) = self.slots.get_mut(slot) {
            *s = v;
        }
    }

    /// The comprehension's result: the accumulator is moved out of its slot when the
    /// result is the accumulator itself (`map`, `filter`), not copied.
    fn result(&mut self, c: &'a Comp) -> R<'a> {
        match &c.result {
            Node::Slot(i) if *i == c.accu => self
                .slots
                .get_mut(c.accu)
                .map(|s| std::mem::replace(s, NULL))
                .ok_or(Unknown),
            other => self.node(other),
        }
    }

    fn comprehension(&mut self, c: &'a Comp) -> R<'a> {
        let range = self.node(&c.range)?;
        let Value::List(list) = &*range else {
            return Err(Unknown);
        };
        let len = list.len();
        let init = self.node(&c.init)?;
        match &c.step {
            Step::Append { guard, items: add } => {
                let Value::List(start) = &*init else {
                    return Err(Unknown);
                };
                let mut out: Vec<Value> = start.as_ref().clone();
                for i in 0..len {
                    let Some(x) = item(&range, i) else { break };
                    self.set(c.iter, x);
                    if let Some(g) = guard
                        && !self.test(g)?
                    {
                        continue;
                    }
                    match add {
                        // `[x]`: each item pushed as it is evaluated.
                        Node::List(xs) => {
                            for x in xs {
                                out.push(self.node(x)?.into_owned());
                            }
                        }
                        other => match &*self.node(other)? {
                            Value::List(more) => out.extend(more.iter().cloned()),
                            _ => return Err(Unknown),
                        },
                    }
                }
                self.set(c.accu, Val::Own(Value::List(Arc::new(out))));
                self.result(c)
            }
            Step::Other(step) => {
                // The accumulator may hold an undecided value: `error || true` is still
                // true at a later element, as in CEL.
                let mut accu: R<'a> = Ok(init);
                for i in 0..len {
                    let Some(x) = item(&range, i) else { break };
                    self.set(c.accu, accu.clone().unwrap_or(NULL));
                    self.set(c.iter, x);
                    // Stopping early only saves work (`exists` and `all` stop once
                    // decided), so an undecided condition goes on.
                    if accu.is_ok() && self.test(&c.cond) == Ok(false) {
                        break;
                    }
                    accu = if accu.is_ok() {
                        self.node(step)
                    } else {
                        // An undecided accumulator can only be combined by `&&`/`||`.
                        self.undecided_step(step)
                    };
                }
                let accu = accu?;
                self.set(c.accu, accu);
                self.result(c)
            }
        }
    }

    /// One `@result && x` or `@result || x` step when `@result` is undecided: decided
    /// only when `x` absorbs it.
    fn undecided_step(&mut self, step: &'a Node) -> R<'a> {
        match step {
            Node::And(a, b) if matches!(**a, Node::Slot(_)) => match self.test(b) {
                Ok(false) => own(Value::Bool(false)),
                _ => Err(Unknown),
            },
            Node::Or(a, b) if matches!(**a, Node::Slot(_)) => match self.test(b) {
                Ok(true) => own(Value::Bool(true)),
                _ => Err(Unknown),
            },
            _ => Err(Unknown),
        }
    }
}

/// Most entries of a map searched by comparing keys rather than by hashing.
const SCAN: usize = 8;

/// The entry `field` of a map. The maps of facts are mostly small structs (a TLS
/// cipher: name, strength, key exchange...): their few keys are compared directly,
/// which costs less than hashing the name.
pub(crate) fn get<'m>(m: &'m Map, field: &str) -> Option<&'m Value> {
    if m.map.len() <= SCAN {
        return m
            .map
            .iter()
            .find(|(k, _)| matches!(k, Key::String(s) if s.as_str() == field))
            .map(|(_, v)| v);
    }
    m.get(&KeyRef::String(field))
}

/// CEL equality as the interpreter computes it for the values rules meet: numbers
/// compare across int, uint and double; values of different kinds are unequal.
fn equal(a: &Value, b: &Value) -> Result<bool, Unknown> {
    Ok(match (a, b) {
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        (
            Value::Int(_) | Value::UInt(_) | Value::Float(_),
            Value::Int(_) | Value::UInt(_) | Value::Float(_),
        ) => numeric(a, b) == Some(Ordering::Equal),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            for (i, j) in x.iter().zip(y.iter()) {
                if !equal(i, j)? {
                    return Ok(false);
                }
            }
            true
        }
        // A list or a map is never equal to a scalar (`declaration != null`).
        (Value::Map(_) | Value::List(_), x) | (x, Value::Map(_) | Value::List(_)) if scalar(x) => {
            false
        }
        (Value::Map(_), _) | (_, Value::Map(_)) => return Err(Unknown),
        (Value::List(_), _) | (_, Value::List(_)) => return Err(Unknown),
        _ if scalar(a) && scalar(b) => false,
        _ => return Err(Unknown),
    })
}

/// A string, boolean, null or number.
fn scalar(v: &Value) -> bool {
    matches!(
        v,
        Value::String(_)
            | Value::Bool(_)
            | Value::Null
            | Value::Int(_)
            | Value::UInt(_)
            | Value::Float(_)
    )
}

fn numeric(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::UInt(x), Value::UInt(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::UInt(y)) => {
            Some(u64::try_from(*x).map_or(Ordering::Less, |x| x.cmp(y)))
        }
        (Value::UInt(x), Value::Int(y)) => {
            Some(u64::try_from(*y).map_or(Ordering::Greater, |y| x.cmp(&y)))
        }
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y),
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::UInt(x), Value::Float(y)) => (*x as f64).partial_cmp(y),
        (Value::Float(x), Value::UInt(y)) => x.partial_cmp(&(*y as f64)),
        _ => None,
    }
}

fn compare(a: &Value, b: &Value) -> Result<Ordering, Unknown> {
    match (a, b) {
        (Value::String(x), Value::String(y)) => Ok(x.as_str().cmp(y.as_str())),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        _ => numeric(a, b).ok_or(Unknown),
    }
}

fn arith(op: Arith, a: &Value, b: &Value) -> Result<Value, Unknown> {
    match (op, a, b) {
        (op, Value::Int(x), Value::Int(y)) => {
            let f = match op {
                Arith::Add => i64::checked_add,
                Arith::Sub => i64::checked_sub,
                Arith::Mul => i64::checked_mul,
                Arith::Div => i64::checked_div,
                Arith::Rem => i64::checked_rem,
            };
            f(*x, *y).map(Value::Int).ok_or(Unknown)
        }
        (Arith::Add, Value::UInt(x), Value::UInt(y)) => {
            x.checked_add(*y).map(Value::UInt).ok_or(Unknown)
        }
        (Arith::Add, Value::String(x), Value::String(y)) => {
            let mut s = String::with_capacity(x.len() + y.len());
            s.push_str(x);
            s.push_str(y);
            Ok(Value::String(Arc::new(s)))
        }
        (Arith::Add, Value::List(x), Value::List(y)) => {
            let mut l = Vec::with_capacity(x.len() + y.len());
            l.extend(x.iter().cloned());
            l.extend(y.iter().cloned());
            Ok(Value::List(Arc::new(l)))
        }
        _ => Err(Unknown),
    }
}

fn string_arg(v: &Value) -> Result<&str, Unknown> {
    match v {
        Value::String(s) => Ok(s.as_str()),
        _ => Err(Unknown),
    }
}

fn call(f: Func, args: &[Val<'_>]) -> Result<Value, Unknown> {
    let s = |i: usize| args.get(i).ok_or(Unknown).and_then(|v| string_arg(v));
    let b = |x: bool| Ok(Value::Bool(x));
    let text = |x: String| Ok(Value::String(Arc::new(x)));
    match f {
        Func::Size => match args.first().map(|v| &**v) {
            Some(Value::String(x)) => Ok(Value::Int(x.chars().count() as i64)),
            Some(Value::List(x)) => Ok(Value::Int(x.len() as i64)),
            Some(Value::Map(m)) => Ok(Value::Int(m.map.len() as i64)),
            _ => Err(Unknown),
        },
        Func::StartsWith => b(s(0)?.starts_with(s(1)?)),
        Func::EndsWith => b(s(0)?.ends_with(s(1)?)),
        Func::Contains => b(s(0)?.contains(s(1)?)),
        Func::Matches | Func::Search => super::condition::regex_search(s(0)?, s(1)?)
            .map(Value::Bool)
            .map_err(|_| Unknown),
        Func::VersionLt => b(super::condition::version_less(s(0)?, s(1)?)),
        Func::LowerAscii => text(s(0)?.to_ascii_lowercase()),
        Func::UpperAscii => text(s(0)?.to_ascii_uppercase()),
        Func::Trim => text(s(0)?.trim().to_owned()),
        Func::Join => {
            let Some(Value::List(items)) = args.first().map(|v| &**v) else {
                return Err(Unknown);
            };
            let sep = if args.len() > 1 { s(1)? } else { "" };
            let parts = items
                .iter()
                .map(string_arg)
                .collect::<Result<Vec<_>, _>>()?;
            text(parts.join(sep))
        }
        Func::String => match args.first().map(|v| &**v) {
            Some(Value::String(x)) => Ok(Value::String(x.clone())),
            Some(Value::Int(i)) => text(i.to_string()),
            Some(Value::UInt(u)) => text(u.to_string()),
            Some(Value::Bool(x)) => text(x.to_string()),
            _ => Err(Unknown),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::condition::{Expr, Scope};
    use serde_json::json;

    fn scope() -> Scope<'static> {
        Scope::from_json(&json!({
            "port": 23,
            "name": "telnet",
            "state": "open",
            "big": 9_223_372_036_854_775_807u64,
            "ratio": 0.5,
            "tls": {"versions": ["TLSv1.0", "TLSv1.2"], "grade": "C", "present": true},
            "ciphers": [{"name": "RC4", "grade": "F"}, {"name": "AES", "grade": "A"}],
            "empty": [],
            "nothing": null,
            "mixed": [1, "a", true],
            "version": "1.6.9"
        }))
    }

    /// Each expression is evaluated both ways; where the direct evaluator decides, its
    /// value must be the interpreter's. `decides` says whether it is expected to.
    #[test]
    fn direct_evaluation_agrees_with_the_interpreter() {
        let s = scope();
        let cases: &[(&str, bool)] = &[
            (
                r#"state == "open" && (name == "telnet" || port == 2323)"#,
                true,
            ),
            ("port in [23, 2323] && !(port > 100)", true),
            ("port == 23u && port == 23.0 && port != 24", true),
            ("big + 1 > 0", false),
            (
                "port + 1 == 24 && port - 30 == -7 && port * 2 == 46 && port / 2 == 11 && port % 2 == 1",
                true,
            ),
            ("port / 0 == 1", false),
            ("ratio < 1 && ratio >= 0.5", true),
            (r#"tls.versions.exists(v, v == "TLSv1.0")"#, true),
            (r#"tls.versions.all(v, v.startsWith("TLS"))"#, true),
            (r#"tls.versions.exists_one(v, v.endsWith("1.2"))"#, true),
            (
                r#"ciphers.filter(c, c.grade == "F").map(c, c.name).join(", ")"#,
                true,
            ),
            (r#"ciphers.map(c, c.name + "/" + c.grade)"#, true),
            (
                "size(ciphers) == 2 && ciphers.size() == 2 && size(name) == 6 && size(tls) == 3",
                true,
            ),
            ("has(tls.grade) && !has(tls.nope)", true),
            ("tls.nope == 1", false),
            ("tls.nope == 1 && false", true),
            ("false && tls.nope == 1", true),
            ("tls.nope == 1 || true", true),
            ("tls.nope == 1 || false", false),
            ("ciphers.exists(c, c.nope == 1 || c.name == \"AES\")", true),
            ("ciphers.exists(c, c.nope == 1)", false),
            ("ciphers.all(c, c.nope == 1 && false)", true),
            ("empty.exists(x, x == 1) || empty.all(x, x == 2)", true),
            (
                r#"name.matches("^tel") && name.search("net$") && !name.contains("x")"#,
                true,
            ),
            (r#"name.matches("(")"#, false),
            (
                r#"version_lt(version, "2.0") && !version_lt(version, "1.6")"#,
                true,
            ),
            (
                r#"name.upperAscii().lowerAscii() == " telnet ".trim()"#,
                true,
            ),
            (r#"string(port) + "/" + string(true) == "23/true""#, true),
            ("string(ratio)", false),
            ("port == \"23\" || nothing == null || name == 1", true),
            (
                "tls != null && !(tls == null) && ciphers != null && empty != 0",
                true,
            ),
            ("null != tls && \"x\" != ciphers && tls != ciphers", false),
            (
                "mixed == [1, \"a\", true] && mixed[1] == \"a\" && tls[\"grade\"] == \"C\"",
                true,
            ),
            ("mixed[7] == 1", false),
            ("port > \"a\"", false),
            (
                "type(port) == int && type(name) != int && type(ratio) == double",
                true,
            ),
            (
                "type(tls) == map && type(empty) == list && type(nothing) == null_type",
                true,
            ),
            ("type(port) == 1", false),
            ("type(nope) == int", false),
            ("\"grade\" in tls && !(\"x\" in tls)", true),
            ("port ? 1 : 2", false),
            ("tls.present ? ciphers[0].name : \"none\"", true),
            ("[1, 2] + [3] == [1, 2, 3] && \"a\" + \"b\" == \"ab\"", true),
            ("-port == -23 && -ratio < 0", true),
            ("unknown_var == 1", false),
            ("{\"a\": 1}.a == 1", false),
        ];
        for (src, decides) in cases {
            let e = Expr::compile(src).unwrap_or_else(|err| panic!("{src}: {err:?}"));
            let native = e.eval_direct(&s);
            let reference = e.interpret(&s);
            assert_eq!(
                native.is_ok(),
                *decides,
                "{src}: direct {native:?}, cel {reference:?}"
            );
            if let Ok(v) = native {
                assert_eq!(Ok(v.into_owned()), reference, "{src}");
            }
            // The combined evaluation always gives the interpreter's answer.
            assert_eq!(e.eval(&s).is_ok(), reference.is_ok(), "{src}");
        }
    }

    /// Variables are converted on first read only, once, and the interpreter gets the
    /// ones its expression reads.
    #[test]
    fn variables_are_converted_when_first_read() {
        let reads = std::cell::RefCell::new(Vec::new());
        let source = |k: &str| {
            reads.borrow_mut().push(k.to_string());
            match k {
                "port" => Some(cel::Value::Int(23)),
                "tls" => Some(super::super::condition::json_to_cel(&json!({"grade": "F"}))),
                _ => None,
            }
        };
        // Compiled first: the names are interned before the scope is made.
        let e = Expr::compile(r#"port == 23 || tls.grade == "F""#).unwrap();
        let t = Expr::compile(r#"port == 24 || type(tls) == map"#).unwrap();
        let s = Scope::lazy(&source);
        assert!(e.eval_direct(&s).is_ok());
        assert_eq!(e.eval_bool(&s), Ok(true));
        assert_eq!(e.eval_bool(&s), Ok(true));
        assert!(t.eval_direct(&s).is_ok());
        assert_eq!(t.eval_bool(&s), Ok(true));
        // `size(tls, 1)` is outside the direct evaluator: the interpreter reads `tls`.
        let i = Expr::compile("port == 24 || size(tls, 1) == 1").unwrap();
        assert!(i.interpret(&s).is_err());
        // (`map` is looked up too, as a variable, by the interpreter's check in debug
        // builds; it is a type name, no fact field.)
        let mut seen = reads.borrow().clone();
        seen.retain(|k| k != "map");
        seen.sort();
        seen.dedup();
        assert_eq!(seen, ["port", "tls"]);
        assert_eq!(reads.borrow().iter().filter(|k| *k == "port").count(), 1);
        assert_eq!(reads.borrow().iter().filter(|k| *k == "tls").count(), 1);
    }

    /// A name compiled after the scope was made is outside its table: the interpreter
    /// reads it by name, with the same answer.
    #[test]
    fn names_interned_after_the_scope_still_evaluate() {
        let source = |k: &str| (k == "late_only_name").then_some(cel::Value::Int(7));
        let s = Scope::lazy(&source);
        let e = Expr::compile("late_only_name == 7").unwrap();
        assert_eq!(e.eval_bool(&s), Ok(true));
        assert_eq!(e.eval_bool(&s), Ok(true));
        let t = Expr::compile("late_only_other == 7").unwrap();
        assert!(t.eval_bool(&s).is_err());
    }

    #[test]
    fn names_are_interned_once() {
        use super::super::condition::{intern, interned};
        assert_eq!(intern("at"), Some(0));
        assert_eq!(intern("here"), Some(1));
        let a = intern("interner_test_a").unwrap();
        let b = intern("interner_test_b").unwrap();
        assert_ne!(a, b);
        assert_eq!(intern("interner_test_a"), Some(a));
        assert_eq!(interned("interner_test_b"), Some(b));
        assert_eq!(interned("interner_test_never_interned"), None);
        // Compiling interns the variables and the `top.field` selections it reads.
        Expr::compile("interner_test_c.sub == 1").unwrap();
        assert!(interned("interner_test_c").is_some());
        assert!(interned("interner_test_c.sub").is_some());
    }

    /// Variables, literals, fields and list items are read where they lie: the value is
    /// the scope's or the expression's own (same address), and no reference count moves.
    #[test]
    fn reading_borrows_instead_of_copying() {
        use super::Val;
        let s = scope();
        let held = |name: &str| s.var(name).unwrap();
        let ciphers = held("ciphers");
        let cel::Value::List(list) = &ciphers else {
            panic!("not a list")
        };
        let count = std::sync::Arc::strong_count(list);
        let cases = [
            "ciphers",
            "ciphers[1]",
            "ciphers[1].name",
            "tls.versions",
            "tls.present ? ciphers : empty",
            "ciphers.filter(c, c.grade == \"F\")[0]",
        ];
        for src in cases {
            let e = Expr::compile(src).unwrap();
            let v = e.eval_direct(&s).unwrap();
            assert_eq!(Ok(v.clone().into_owned()), e.interpret(&s), "{src}");
            if src.contains("filter") {
                // A computed list is the evaluation's own; its items are not.
                assert!(matches!(v, Val::Own(_)), "{src}");
                continue;
            }
            let Val::Ref(r) = v else {
                panic!("{src}: copied")
            };
            let expected = match src {
                "ciphers" | "tls.present ? ciphers : empty" => list.as_ref() as *const _ as usize,
                _ => 0,
            };
            if expected != 0 {
                let cel::Value::List(l) = r else {
                    panic!("{src}")
                };
                assert_eq!(l.as_ref() as *const _ as usize, expected, "{src}");
            }
            assert_eq!(std::sync::Arc::strong_count(list), count, "{src}");
        }
        // A comprehension over the list reads its items in place.
        let e = Expr::compile(r#"ciphers.exists(c, c.name == "AES")"#).unwrap();
        assert_eq!(e.eval_bool(&s), Ok(true));
        assert_eq!(std::sync::Arc::strong_count(list), count);
        // A literal is the expression's own.
        let lit = Expr::compile("[23, 2323]").unwrap();
        let (a, b) = (lit.eval_direct(&s).unwrap(), lit.eval_direct(&s).unwrap());
        let (Val::Ref(a), Val::Ref(b)) = (a, b) else {
            panic!("literal copied")
        };
        assert!(std::ptr::eq(a, b));
        // Computed values are owned.
        let sum = Expr::compile("port + 1").unwrap();
        assert!(matches!(
            sum.eval_direct(&s),
            Ok(Val::Own(cel::Value::Int(24)))
        ));
    }

    /// `top.field` is read alone when the scope can, without converting `top`; once `top`
    /// is converted, from it. Both give the interpreter's value.
    #[test]
    fn fields_are_read_alone_until_the_variable_is() {
        let tls = super::super::condition::json_to_cel(&json!({"grade": "F", "big": [1, 2]}));
        let reads = std::cell::RefCell::new(Vec::new());
        let source = |k: &str| {
            reads.borrow_mut().push(k.to_string());
            (k == "tls").then(|| tls.clone())
        };
        let fields = |top: &str, field: &str| {
            reads.borrow_mut().push(format!("{top}.{field}"));
            match (top, field) {
                ("tls", "grade") => Some(Some(cel::Value::String("F".to_string().into()))),
                ("tls", "nope") => Some(None),
                _ => None,
            }
        };
        let e = Expr::compile(r#"tls.grade == "F" && !(tls.nope == 1)"#).unwrap();
        let f = Expr::compile(r#"tls.nope == 1 || tls.grade == "F""#).unwrap();
        let whole = Expr::compile("size(tls) == 2 && tls.big[1] == 2").unwrap();
        let table = super::super::condition::Table::new(&{
            let mut ids = Vec::new();
            for x in [&e, &f, &whole] {
                x.var_ids(&mut ids);
            }
            ids
        });
        let s = Scope::lazy_fields(&source, &fields, &table);
        assert_eq!(
            f.eval_direct(&s).map(|v| v.into_owned()),
            Ok(cel::Value::Bool(true))
        );
        assert_eq!(
            f.eval_direct(&s).map(|v| v.into_owned()),
            Ok(cel::Value::Bool(true))
        );
        assert_eq!(*reads.borrow(), ["tls.nope", "tls.grade"]);
        // `tls.nope` is absent: undecided, then the interpreter's error (it reads `tls`).
        assert!(e.eval_direct(&s).is_err());
        assert!(e.eval_bool(&s).is_err());
        assert!(reads.borrow().iter().any(|k| k == "tls"));
        // `tls.big` is not read alone (the source cannot): selected in `tls`.
        assert_eq!(whole.eval_bool(&s), Ok(true));
        let n = reads.borrow().len();
        let g = Expr::compile(r#"tls.grade"#).unwrap();
        assert_eq!(
            g.eval_direct(&s).map(|v| v.into_owned()),
            Ok(cel::Value::String("F".to_string().into()))
        );
        assert_eq!(reads.borrow().len(), n, "read again");
    }

    /// A scope made by `with` reads its base's variables in place (same address), and
    /// what it converts stays in the base, for the next one.
    #[test]
    fn scopes_with_more_variables_share_the_base() {
        use super::Vars;
        let reads = std::cell::Cell::new(0);
        let source = |k: &str| {
            reads.set(reads.get() + 1);
            (k == "endpoint").then(|| cel::Value::String("10.0.0.1:23/tcp".to_string().into()))
        };
        let e = Expr::compile("endpoint + \" \" + at + \" \" + here.name").unwrap();
        let id = super::super::condition::interned("endpoint").unwrap();
        let base = Scope::lazy(&source);
        for (i, name) in ["a", "b"].into_iter().enumerate() {
            let here = super::super::condition::json_to_cel(&json!({ "name": name }));
            let at = cel::Value::String(format!("ports.{i}").into());
            let inner = base.with(vec![("at", at), ("here", here)]);
            assert_eq!(
                e.eval(&inner),
                Ok(cel::Value::String(
                    format!("10.0.0.1:23/tcp ports.{i} {name}").into()
                ))
            );
            let x = Vars::var(&inner, id, "endpoint").unwrap();
            let y = Vars::var(&base, id, "endpoint").unwrap();
            assert!(std::ptr::eq(x, y));
        }
        assert_eq!(reads.get(), 1);
        assert_eq!(Vars::var(&base, 0, "at"), None);
    }

    #[test]
    fn small_maps_are_searched_as_hashed() {
        use cel::objects::{Key, KeyRef, Map};
        for n in [0usize, 1, 5, super::SCAN, super::SCAN + 1, 40] {
            let map: std::collections::HashMap<Key, cel::Value> = (0..n)
                .map(|i| {
                    (
                        Key::String(format!("k{i}").into()),
                        cel::Value::Int(i as i64),
                    )
                })
                .chain([(Key::Int(3), cel::Value::Null)])
                .collect();
            let m = Map { map: map.into() };
            for k in ["k0", "k4", "k39", "k", "3", ""] {
                assert_eq!(super::get(&m, k), m.get(&KeyRef::String(k)), "{n} {k}");
            }
        }
    }
}
