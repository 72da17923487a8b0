//! Positions of every field of a declaration, and the unknown-key check.
//!
//! The typed model ([`super::model`]) says what a field means; the positioned tree read
//! from the same text says where it is: the line and column of each key (or list entry),
//! looked up by field path (`processors.1.art28_contract`). Findings use it to land on
//! the offending line. The same tree is walked along the JSON Schema of the model to
//! refuse unknown keys with their position (keys starting with `x_` are extensions).

use serde::Deserialize;
use serde::de::{DeserializeOwned, IntoDeserializer};
use serde::de::{MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_saphyr::Spanned;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

/// A YAML node with the positions of its children.
#[derive(Debug, PartialEq, Eq)]
pub enum Node {
    /// A mapping: keys with their position, and values. Keys of the format are shared
    /// (`key_name`): a record's tree then holds no copy of them.
    Map(Vec<(Cow<'static, str>, Pos, Node)>),
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
                    .map(|(k, x)| {
                        let pos = pos_of(&k);
                        (key_name(Cow::Owned(k.value.0)), pos, x.value.into_node())
                    })
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

/// `k` as a key of the format (borrowed from the compiled schema) when it is one, else
/// as an owned string.
fn key_name(k: Cow<'_, str>) -> Cow<'static, str> {
    static NAMES: OnceLock<HashSet<&'static str>> = OnceLock::new();
    let names = NAMES.get_or_init(|| {
        super::key_schema()
            .nodes
            .iter()
            .flat_map(|n| n.props.iter().flatten())
            .map(|(k, _)| k.as_str())
            .collect()
    });
    match names.get(k.as_ref()) {
        Some(&name) => Cow::Borrowed(name),
        None => Cow::Owned(k.into_owned()),
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

/// Field path → position of its key (or list entry): the positioned tree, looked up
/// on demand (findings ask for a few paths; indexing every field of every record would
/// cost more than all lookups).
#[derive(Debug)]
pub struct SpanIndex {
    root: Node,
}

impl Default for SpanIndex {
    fn default() -> Self {
        SpanIndex { root: Node::Scalar }
    }
}

impl SpanIndex {
    /// The index of a parsed tree.
    pub fn build(root: Node) -> SpanIndex {
        SpanIndex { root }
    }

    /// The tree.
    pub fn tree(&self) -> &Node {
        &self.root
    }

    /// Whether the file has the field `path`.
    pub fn has(&self, path: &str) -> bool {
        find(&self.root, path).is_some()
    }

    /// Position of `path`, or of its deepest ancestor present in the file (a missing
    /// field is reported where its block is). `None` when not even the first segment
    /// exists.
    pub fn locate(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = find(&self.root, p) {
                return Some(pos);
            }
            p = &p[..p.rfind('.')?];
        }
    }
}

/// Position of the field whose path (keys and list indexes joined by `.`) is `path`
/// below `node`. A key may itself hold dots: every key that starts the path is tried.
fn find(node: &Node, path: &str) -> Option<Pos> {
    match node {
        Node::Map(entries) => entries.iter().rev().find_map(|(k, pos, v)| {
            let rest = path.strip_prefix(k.as_ref())?;
            if rest.is_empty() {
                return Some(*pos);
            }
            find(v, rest.strip_prefix('.')?)
        }),
        Node::Seq(items) => {
            let (head, rest) = match path.split_once('.') {
                Some((h, r)) => (h, Some(r)),
                None => (path, None),
            };
            let i: usize = head.parse().ok()?;
            if i.to_string() != head {
                return None;
            }
            let (pos, v) = items.get(i)?;
            match rest {
                None => Some(*pos),
                Some(r) => find(v, r),
            }
        }
        Node::Scalar => None,
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

/// The keys a JSON Schema allows, compiled once into a graph (a `$ref` is one node
/// however often it is used), so that checking a record does no schema lookups.
#[derive(Debug, Default)]
pub struct KeySchema {
    nodes: Vec<KeyNode>,
}

#[derive(Debug, Default)]
struct KeyNode {
    /// Allowed keys of an object, in the schema's order, and the node of each value
    /// (`None`: not an object).
    props: Option<Vec<(String, usize)>>,
    /// The node of the items of an array.
    items: Option<usize>,
}

impl KeySchema {
    /// Compiles `schema` (its `$defs` and `$ref`s).
    pub fn compile(schema: &Value) -> KeySchema {
        let mut out = KeySchema::default();
        let mut seen = HashMap::new();
        out.add(schema, schema, &mut seen);
        out
    }

    fn add(&mut self, root: &Value, s: &Value, seen: &mut HashMap<*const Value, usize>) -> usize {
        let s = resolve(root, s);
        if let Some(&i) = seen.get(&(s as *const Value)) {
            return i;
        }
        let i = self.nodes.len();
        self.nodes.push(KeyNode::default());
        seen.insert(s as *const Value, i);
        let props = s.get("properties").and_then(Value::as_object).map(|props| {
            props
                .iter()
                .map(|(k, sub)| (k.clone(), self.add(root, sub, seen)))
                .collect()
        });
        let items = s.get("items").map(|sub| self.add(root, sub, seen));
        self.nodes[i] = KeyNode { props, items };
        i
    }
}

/// Lists the keys of `root` that the schema does not know (except `x_*`).
pub fn unknown_keys(tree: &Node, schema: &KeySchema) -> Vec<UnknownKey> {
    let mut out = Vec::new();
    if !schema.nodes.is_empty() {
        check(tree, schema, 0, &mut String::new(), &mut out);
    }
    out
}

fn check(node: &Node, schema: &KeySchema, s: usize, path: &mut String, out: &mut Vec<UnknownKey>) {
    let Some(s) = schema.nodes.get(s) else {
        return;
    };
    let len = path.len();
    match node {
        Node::Map(entries) => {
            let Some(props) = &s.props else {
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
                match props.iter().find(|(k, _)| k == key) {
                    Some(&(_, sub)) => check(v, schema, sub, path, out),
                    None => out.push(UnknownKey {
                        pos: *pos,
                        path: path.clone(),
                        expected: props.iter().map(|(k, _)| k.clone()).collect(),
                    }),
                }
                path.truncate(len);
            }
        }
        Node::Seq(items) => {
            let Some(item_schema) = s.items else {
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

/// Reads `text` once with the YAML event parser into both the positioned tree and a
/// value of type `T` (the typed model), deserialized straight from the parsed nodes.
/// Plain scalars are typed by the YAML 1.2 core schema (null, booleans, integers,
/// floats, else strings); quoted and block scalars are strings. Returns `None` when the
/// text uses what this pass leaves to serde-saphyr (anchors, aliases, tags, duplicate
/// keys, several documents, non-scalar keys), does not parse, or does not fit `T`; the
/// caller then takes the serde path, which reports errors with positions.
pub fn one_pass<T: DeserializeOwned>(text: &str) -> Option<(Node, T)> {
    // Records are plain block YAML, read directly; anything else goes to the parser.
    let doc = super::plain::read(text).or_else(|| read_doc(text))?;
    let value = T::deserialize(&doc).ok()?;
    Some((doc.into_node(), value))
}

/// A YAML node as [`one_pass`] reads it: values with the positions of their keys and
/// entries. Scalars borrow the text when they can.
#[derive(Debug, PartialEq)]
pub(super) enum Doc<'a> {
    Map(Vec<(Cow<'a, str>, Pos, Doc<'a>)>),
    Seq(Vec<(Pos, Doc<'a>)>),
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
}

impl Doc<'_> {
    fn into_node(self) -> Node {
        match self {
            Doc::Map(v) => Node::Map(
                v.into_iter()
                    .map(|(k, pos, x)| (key_name(k), pos, x.into_node()))
                    .collect(),
            ),
            Doc::Seq(v) => Node::Seq(v.into_iter().map(|(p, x)| (p, x.into_node())).collect()),
            _ => Node::Scalar,
        }
    }
}

/// How the direct reader of plain block YAML (`declaration::plain`) reads `text` compared
/// with the event parser: `Ok(true)` when both give the same document with the same
/// positions, `Ok(false)` when the direct reader declines (the event parser then reads
/// the text), `Err` with both readings when it accepts a text that the event parser
/// declines or reads differently (a bug: tests and fuzzing look for it).
pub fn compare_readers(text: &str) -> Result<bool, String> {
    let Some(direct) = super::plain::read(text) else {
        return Ok(false);
    };
    match read_doc(text) {
        Some(events) if events == direct => Ok(true),
        events => Err(format!(
            "direct reader: {direct:?}\nevent parser: {events:?}"
        )),
    }
}

fn read_doc(text: &str) -> Option<Doc<'_>> {
    use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle};
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut root: Option<Doc<'_>> = None;
    let mut documents = 0;
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.ok()?;
        let pos = Pos {
            line: span.start.line() as u32,
            column: span.start.col() as u32 + 1,
        };
        match ev {
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
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
                attach(
                    &mut stack,
                    &mut root,
                    pos,
                    Doc::Str(v),
                    style == ScalarStyle::Plain,
                )?;
            }
            Event::SequenceStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                stack.push(Frame::Seq(pos, Vec::with_capacity(4)));
            }
            Event::MappingStart(_, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                // Most mappings of a record have a handful of keys: no regrowth.
                stack.push(Frame::Map(pos, Vec::with_capacity(8), None));
            }
            Event::SequenceEnd => match stack.pop()? {
                Frame::Seq(p, items) => attach(&mut stack, &mut root, p, Doc::Seq(items), false)?,
                Frame::Map(..) => return None,
            },
            Event::MappingEnd => match stack.pop()? {
                Frame::Map(p, entries, None) if !duplicate_keys(&entries) => {
                    attach(&mut stack, &mut root, p, Doc::Map(entries), false)?
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    root
}

/// Whether a mapping repeats a key (sorting the keys of large ones, so that a hostile
/// file cannot make the check quadratic).
pub(super) fn duplicate_keys(entries: &[(Cow<'_, str>, Pos, Doc<'_>)]) -> bool {
    if entries.len() <= 16 {
        return entries
            .iter()
            .enumerate()
            .any(|(i, (k, _, _))| entries[..i].iter().any(|(x, _, _)| x == k));
    }
    let mut keys: Vec<&str> = entries.iter().map(|(k, _, _)| k.as_ref()).collect();
    keys.sort_unstable();
    keys.windows(2).any(|w| w[0] == w[1])
}

/// A collection being read by [`read_doc`], with the position of its first event (and
/// for a mapping, the key waiting for its value).
enum Frame<'a> {
    Map(
        Pos,
        Vec<(Cow<'a, str>, Pos, Doc<'a>)>,
        Option<(Cow<'a, str>, Pos)>,
    ),
    Seq(Pos, Vec<(Pos, Doc<'a>)>),
}

/// Attaches a finished node to its parent (or makes it the root). A scalar arrives as
/// `Doc::Str` with `plain` telling whether it is typed: as a key it stays text.
fn attach<'a>(
    stack: &mut [Frame<'a>],
    root: &mut Option<Doc<'a>>,
    pos: Pos,
    node: Doc<'a>,
    plain: bool,
) -> Option<()> {
    let typed = |node: Doc<'a>| match node {
        Doc::Str(v) if plain => plain_scalar(v),
        n => n,
    };
    match stack.last_mut() {
        None => {
            if root.is_some() {
                return None;
            }
            *root = Some(typed(node));
        }
        Some(Frame::Seq(_, items)) => items.push((pos, typed(node))),
        Some(Frame::Map(_, entries, pending)) => match pending.take() {
            None => {
                let Doc::Str(k) = node else {
                    return None;
                };
                *pending = Some((k, pos));
            }
            Some((k, kpos)) => entries.push((k, kpos, typed(node))),
        },
    }
    Some(())
}

/// A plain scalar typed by the YAML 1.2 core schema.
pub(super) fn plain_scalar(v: Cow<'_, str>) -> Doc<'_> {
    let s = v.as_ref();
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Doc::Null,
        "true" | "True" | "TRUE" => return Doc::Bool(true),
        "false" | "False" | "FALSE" => return Doc::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = s.parse::<i64>() {
            return Doc::Int(n);
        }
        if let Ok(n) = s.trim_start_matches('+').parse::<u64>() {
            return Doc::UInt(n);
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
        && f.is_finite()
    {
        return Doc::Float(f);
    }
    Doc::Str(v)
}

/// Errors of deserializing from a [`Doc`]: never shown (the serde path reports them).
type DocError = serde::de::value::Error;

impl<'de> serde::Deserializer<'de> for &Doc<'_> {
    type Error = DocError;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DocError> {
        match self {
            Doc::Null => v.visit_unit(),
            Doc::Bool(b) => v.visit_bool(*b),
            // Non-negative integers are unsigned, as in a JSON value.
            Doc::Int(n) => match u64::try_from(*n) {
                Ok(u) => v.visit_u64(u),
                Err(_) => v.visit_i64(*n),
            },
            Doc::UInt(n) => v.visit_u64(*n),
            Doc::Float(f) => v.visit_f64(*f),
            Doc::Str(s) => v.visit_str(s),
            Doc::Map(entries) => v.visit_map(DocMap {
                entries: entries.iter(),
                value: None,
            }),
            Doc::Seq(items) => v.visit_seq(DocSeq(items.iter())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DocError> {
        match self {
            Doc::Null => v.visit_none(),
            _ => v.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DocError> {
        match self {
            Doc::Str(s) => v.visit_enum(s.as_ref().into_deserializer()),
            _ => Err(serde::de::Error::custom("expected a unit variant")),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, DocError> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DocError> {
        v.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

struct DocMap<'d, 'a> {
    entries: std::slice::Iter<'d, (Cow<'a, str>, Pos, Doc<'a>)>,
    value: Option<&'d Doc<'a>>,
}

impl<'de, 'd, 'a> MapAccess<'de> for DocMap<'d, 'a> {
    type Error = DocError;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DocError> {
        let Some((k, _, v)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        seed.deserialize(k.as_ref().into_deserializer()).map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DocError> {
        match self.value.take() {
            Some(v) => seed.deserialize(v),
            None => Err(serde::de::Error::custom("value without a key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

struct DocSeq<'d, 'a>(std::slice::Iter<'d, (Pos, Doc<'a>)>);

impl<'de> SeqAccess<'de> for DocSeq<'_, '_> {
    type Error = DocError;

    fn next_element_seed<T: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DocError> {
        self.0.next().map(|(_, v)| seed.deserialize(v)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}
