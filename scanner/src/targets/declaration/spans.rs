//! Positions of every field of a declaration, and the unknown-key check.
//!
//! The typed model ([`super::model`]) says what a field means; this second, generic
//! pass over the same text says where it is: a map from field paths (`processors.1.art28_contract`)
//! to the line and column of the key (or of the list entry). Findings use it to land on
//! the offending line. The same tree is walked along the JSON Schema of the model to
//! refuse unknown keys with their position (keys starting with `x_` are extensions).

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;
use std::collections::HashMap;
use std::fmt;

/// A YAML node with the positions of its children.
#[derive(Debug, PartialEq, Eq)]
pub enum Node {
    /// A mapping: keys with their position, and values.
    Map(Vec<(String, Pos, Node)>),
    /// A sequence: entries with their position.
    Seq(Vec<(Pos, Node)>),
    /// Anything else.
    Scalar,
}

/// The same tree as read through serde (the path taken when [`one_pass`] declines).
#[derive(Debug)]
enum YamlNode {
    Map(Vec<(Spanned<Key>, Spanned<YamlNode>)>),
    Seq(Vec<Spanned<YamlNode>>),
    Scalar,
}

impl YamlNode {
    fn into_node(self) -> Node {
        match self {
            YamlNode::Map(v) => Node::Map(
                v.into_iter()
                    .map(|(k, x)| (k.value.0.clone(), pos_of(&k), x.value.into_node()))
                    .collect(),
            ),
            YamlNode::Seq(v) => Node::Seq(
                v.into_iter()
                    .map(|x| (pos_of(&x), x.value.into_node()))
                    .collect(),
            ),
            YamlNode::Scalar => Node::Scalar,
        }
    }
}

/// The positioned tree of `text` read through serde-saphyr (`Node::Scalar` when the text
/// does not parse: the typed parse reports why).
pub fn positioned(text: &str) -> Node {
    match serde_saphyr::from_str::<Spanned<YamlNode>>(text) {
        Ok(t) => t.value.into_node(),
        Err(_) => Node::Scalar,
    }
}

/// A mapping key, whatever its scalar type.
#[derive(Debug)]
pub struct Key(pub String);

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a scalar key")
            }
            fn visit_str<E>(self, v: &str) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key, E> {
                Ok(Key(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Key, E> {
                Ok(Key(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<Key, E> {
                Ok(Key("null".to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for YamlNode {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = YamlNode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML node")
            }
            fn visit_bool<E>(self, _: bool) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar)
            }
            fn visit_unit<E>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar)
            }
            fn visit_none<E>(self) -> Result<YamlNode, E> {
                Ok(YamlNode::Scalar)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<YamlNode, D::Error> {
                YamlNode::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<YamlNode, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element::<Spanned<YamlNode>>()? {
                    v.push(x);
                }
                Ok(YamlNode::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<YamlNode, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<Spanned<Key>>()? {
                    let val = a.next_value::<Spanned<YamlNode>>()?;
                    v.push((k, val));
                }
                Ok(YamlNode::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    /// Line.
    pub line: u32,
    /// Column.
    pub column: u32,
}

fn pos_of<T>(s: &Spanned<T>) -> Pos {
    Pos {
        line: s.referenced.line() as u32,
        column: s.referenced.column() as u32,
    }
}

/// Field path → position of its key (or list entry).
#[derive(Debug, Default)]
pub struct SpanIndex {
    map: HashMap<String, Pos>,
}

impl SpanIndex {
    /// Builds the index of a parsed tree.
    pub fn build(root: &Node) -> SpanIndex {
        let mut idx = SpanIndex::default();
        let mut path = String::new();
        idx.walk(root, &mut path);
        idx
    }

    fn walk(&mut self, node: &Node, path: &mut String) {
        let len = path.len();
        match node {
            Node::Map(entries) => {
                for (k, pos, v) in entries {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    self.map.insert(path.clone(), *pos);
                    self.walk(v, path);
                    path.truncate(len);
                }
            }
            Node::Seq(items) => {
                for (i, (pos, v)) in items.iter().enumerate() {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&i.to_string());
                    self.map.insert(path.clone(), *pos);
                    self.walk(v, path);
                    path.truncate(len);
                }
            }
            Node::Scalar => {}
        }
    }

    /// Whether the file has the field `path`.
    pub fn has(&self, path: &str) -> bool {
        self.map.contains_key(path)
    }

    /// Position of `path`, or of its deepest ancestor present in the file (a missing
    /// field is reported where its block is). `None` when not even the first segment
    /// exists.
    pub fn locate(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.map.get(p) {
                return Some(*pos);
            }
            p = &p[..p.rfind('.')?];
        }
    }
}

/// An unknown key and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKey {
    /// Position of the key.
    pub pos: Pos,
    /// Path of the key.
    pub path: String,
    /// Keys allowed there.
    pub expected: Vec<String>,
}

fn resolve<'a>(root: &'a Value, mut s: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            let name = r.rsplit('/').next().unwrap_or("");
            match root.get("$defs").and_then(|d| d.get(name)) {
                Some(t) => s = t,
                None => return s,
            }
            continue;
        }
        // Option<T> is `anyOf: [T, null]`: take the alternative that describes a container.
        if let Some(alts) = s
            .get("anyOf")
            .or_else(|| s.get("oneOf"))
            .and_then(Value::as_array)
            && let Some(a) = alts
                .iter()
                .find(|a| a.get("$ref").is_some() || a.get("properties").is_some())
        {
            s = a;
            continue;
        }
        return s;
    }
    s
}

/// Lists the keys of `root` that the schema does not know (except `x_*`).
pub fn unknown_keys(tree: &Node, schema: &Value) -> Vec<UnknownKey> {
    let mut out = Vec::new();
    check(tree, schema, schema, &mut String::new(), &mut out);
    out
}

fn check(node: &Node, schema: &Value, s: &Value, path: &mut String, out: &mut Vec<UnknownKey>) {
    let s = resolve(schema, s);
    let len = path.len();
    match node {
        Node::Map(entries) => {
            let Some(props) = s.get("properties").and_then(Value::as_object) else {
                return;
            };
            for (key, pos, v) in entries {
                if key.starts_with("x_") {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match props.get(key) {
                    Some(sub) => check(v, schema, sub, path, out),
                    None => out.push(UnknownKey {
                        pos: *pos,
                        path: path.clone(),
                        expected: props.keys().cloned().collect(),
                    }),
                }
                path.truncate(len);
            }
        }
        Node::Seq(items) => {
            let Some(item_schema) = s.get("items") else {
                return;
            };
            for (i, (_, v)) in items.iter().enumerate() {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&i.to_string());
                check(v, schema, item_schema, path, out);
                path.truncate(len);
            }
        }
        Node::Scalar => {}
    }
}

/// Reads `text` once with the YAML event parser into both the positioned tree and a plain
/// value the typed model deserializes from. Plain scalars are typed by the YAML 1.2 core
/// schema (null, booleans, integers, floats, else strings); quoted and block scalars are
/// strings. Returns `None` when the text uses what this pass leaves to serde-saphyr
/// (anchors, aliases, tags, duplicate keys, several documents, non-scalar keys) or does
/// not parse; the caller then takes the serde path, which reports errors with positions.
pub fn one_pass(text: &str) -> Option<(Node, Value)> {
    use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<(Node, Value)> = None;
    let mut documents = 0;
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.ok()?;
        let pos = Pos {
            line: span.start.line() as u32,
            column: span.start.col() as u32 + 1,
        };
        match ev {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Comment(..) => {}
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return None;
                }
            }
            Event::Scalar(v, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                let value = if style == ScalarStyle::Plain {
                    plain(&v)
                } else {
                    Value::String(v.to_string())
                };
                attach(&mut stack, &mut root, pos, Node::Scalar, value, Some(&v))?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                stack.push(Frame::Seq(pos, Vec::new(), Vec::new()));
            }
            Event::MappingStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                stack.push(Frame::Map(pos, Vec::new(), serde_json::Map::new(), None));
            }
            Event::SequenceEnd => match stack.pop()? {
                Frame::Seq(p, nodes, values) => {
                    attach(
                        &mut stack,
                        &mut root,
                        p,
                        Node::Seq(nodes),
                        Value::Array(values),
                        None,
                    )?;
                }
                Frame::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Frame::Map(p, nodes, values, None) => {
                    let v = Value::Object(values);
                    attach(&mut stack, &mut root, p, Node::Map(nodes), v, None)?;
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    root
}

/// A collection being read by [`one_pass`], with the position of its first event.
enum Frame {
    Map(
        Pos,
        Vec<(String, Pos, Node)>,
        serde_json::Map<String, Value>,
        Option<(String, Pos)>,
    ),
    Seq(Pos, Vec<(Pos, Node)>, Vec<Value>),
}

/// Attaches a finished node to its parent (or makes it the root); `key_text` is the text
/// of a scalar, which may be a key.
fn attach(
    stack: &mut [Frame],
    root: &mut Option<(Node, Value)>,
    pos: Pos,
    node: Node,
    value: Value,
    key_text: Option<&str>,
) -> Option<()> {
    match stack.last_mut() {
        None => {
            if root.is_some() {
                return None;
            }
            *root = Some((node, value));
        }
        Some(Frame::Seq(_, nodes, values)) => {
            nodes.push((pos, node));
            values.push(value);
        }
        Some(Frame::Map(_, nodes, values, pending)) => match pending.take() {
            None => {
                let k = key_text?.to_string();
                if values.contains_key(&k) {
                    return None;
                }
                *pending = Some((k, pos));
            }
            Some((k, kpos)) => {
                nodes.push((k.clone(), kpos, node));
                values.insert(k, value);
            }
        },
    }
    Some(())
}

/// A plain scalar typed by the YAML 1.2 core schema.
fn plain(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = s.parse::<i64>() {
            return Value::from(n);
        }
        if let Ok(n) = s.trim_start_matches('+').parse::<u64>() {
            return Value::from(n);
        }
    }
    let float_like = !digits.is_empty()
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit())
        && digits
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.');
    if float_like
        && let Ok(f) = s.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}
