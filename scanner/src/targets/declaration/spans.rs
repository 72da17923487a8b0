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
#[derive(Debug)]
pub enum Node {
    /// A mapping: keys (with their position) and values.
    Map(Vec<(Spanned<Key>, Spanned<Node>)>),
    /// A sequence.
    Seq(Vec<Spanned<Node>>),
    /// Anything else.
    Scalar,
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

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any YAML node")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Scalar)
            }
            fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element::<Spanned<Node>>()? {
                    v.push(x);
                }
                Ok(Node::Seq(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(k) = a.next_key::<Spanned<Key>>()? {
                    let val = a.next_value::<Spanned<Node>>()?;
                    v.push((k, val));
                }
                Ok(Node::Map(v))
            }
        }
        d.deserialize_any(V)
    }
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
                for (k, v) in entries {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&k.value.0);
                    self.map.insert(path.clone(), pos_of(k));
                    self.walk(&v.value, path);
                    path.truncate(len);
                }
            }
            Node::Seq(items) => {
                for (i, v) in items.iter().enumerate() {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(&i.to_string());
                    self.map.insert(path.clone(), pos_of(v));
                    self.walk(&v.value, path);
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
            for (k, v) in entries {
                let key = &k.value.0;
                if key.starts_with("x_") {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                match props.get(key) {
                    Some(sub) => check(&v.value, schema, sub, path, out),
                    None => out.push(UnknownKey {
                        pos: pos_of(k),
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
            for (i, v) in items.iter().enumerate() {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&i.to_string());
                check(&v.value, schema, item_schema, path, out);
                path.truncate(len);
            }
        }
        Node::Scalar => {}
    }
}
