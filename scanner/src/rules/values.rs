//! Facts to CEL values without a JSON detour, one top-level field at a time.
//!
//! Rules see a fact's top-level fields as variables, but each rule reads only a few of
//! them. [`fields`] serialises just the fields asked for, straight into CEL values, and
//! skips the others (a service's raw script output, a source fact's text...), which is
//! most of the cost of evaluating rules on millions of facts.
//!
//! The values are exactly those of `serde_json::to_value` followed by
//! [`super::condition::json_to_cel`]: integers become `int` (or `uint` above `i64::MAX`),
//! non-finite floats `null`, enums the shapes serde_json gives them.

use cel::Value;
use cel::objects::{Key, Map};
use serde::ser::{self, Impossible, Serialize};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::Arc;

/// Why a value could not be converted (a map key that is not a string or a number).
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl Error {
    /// An error with this message.
    pub fn new(msg: &str) -> Error {
        Error(msg.to_string())
    }
}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// What to keep of one top-level field.
#[derive(Debug, Clone, Copy)]
pub enum Want<'a> {
    /// Leave it out.
    No,
    /// The whole value.
    Whole,
    /// Only these fields of it (when it is a struct or a map; anything else is kept
    /// whole).
    Fields(&'a BTreeSet<String>),
}

/// The top-level fields of `value` (a struct or a map) that `want` keeps, as CEL values.
/// A value that is not a struct or a map has no fields.
pub fn fields<'w, T: Serialize + ?Sized>(
    value: &T,
    want: &dyn Fn(&str) -> Want<'w>,
) -> Result<Vec<(String, Value)>, Error> {
    Ok(value.serialize(Fields { want })?.unwrap_or_default())
}

/// `value` with only the `keep` fields when it is a struct or a map, else whole.
fn project<T: Serialize + ?Sized>(value: &T, keep: &BTreeSet<String>) -> Result<Value, Error> {
    let want = |k: &str| {
        if keep.contains(k) {
            Want::Whole
        } else {
            Want::No
        }
    };
    match value.serialize(Fields { want: &want }) {
        Ok(Some(entries)) => Ok(object(entries)),
        _ => to_cel(value),
    }
}

/// `value` as `want` says (`None` for [`Want::No`]).
pub fn convert<T: Serialize + ?Sized>(value: &T, want: Want<'_>) -> Result<Option<Value>, Error> {
    match want {
        Want::No => Ok(None),
        Want::Whole => to_cel(value).map(Some),
        Want::Fields(keep) => project(value, keep).map(Some),
    }
}

/// One value as CEL.
pub fn to_cel<T: Serialize + ?Sized>(value: &T) -> Result<Value, Error> {
    value.serialize(ToCel)
}

fn object(entries: Vec<(String, Value)>) -> Value {
    let map: HashMap<Key, Value> = entries
        .into_iter()
        .map(|(k, v)| (Key::String(Arc::new(k)), v))
        .collect();
    Value::Map(Map { map: Arc::new(map) })
}

/// The key of a struct field: field names are the same few strings for millions of
/// facts, so each thread keeps one shared copy of each.
fn field_key(name: &'static str) -> Key {
    thread_local! {
        static KEYS: std::cell::RefCell<HashMap<(usize, usize), Arc<String>, PtrHash>> =
            std::cell::RefCell::new(HashMap::default());
    }
    let shared = KEYS.with(|keys| {
        keys.borrow_mut()
            .entry((name.as_ptr() as usize, name.len()))
            .or_insert_with(|| Arc::new(name.to_string()))
            .clone()
    });
    Key::String(shared)
}

/// Hashes the (address, length) of a field name: the keys of [`field_key`]'s table are
/// few and trusted (the program's own field names), so one multiplication per word
/// spreads them well enough, much faster than the default hasher.
type PtrHash = std::hash::BuildHasherDefault<WordHasher>;

#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

fn uint(v: u64) -> Value {
    i64::try_from(v).map_or(Value::UInt(v), Value::Int)
}

fn float(v: f64) -> Value {
    if v.is_finite() {
        Value::Float(v)
    } else {
        Value::Null
    }
}

fn string(s: &str) -> Value {
    Value::String(Arc::new(s.to_string()))
}

/// Serialises any value into a CEL value.
struct ToCel;

/// Collects a list (sequence, tuple, or the payload of a tuple variant).
struct List {
    items: Vec<Value>,
    variant: Option<&'static str>,
}

/// Collects a map or a struct (or the payload of a struct variant), straight into the
/// map CEL uses (a repeated key keeps its last value, as in a JSON object).
struct Object {
    entries: HashMap<Key, Value>,
    key: Option<String>,
    variant: Option<&'static str>,
}

impl Object {
    fn new(variant: Option<&'static str>, len: usize) -> Self {
        Object {
            entries: HashMap::with_capacity(len),
            key: None,
            variant,
        }
    }
}

fn wrap(variant: Option<&'static str>, v: Value) -> Value {
    match variant {
        Some(name) => object(vec![(name.to_string(), v)]),
        None => v,
    }
}

impl ser::Serializer for ToCel {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = List;
    type SerializeMap = Object;
    type SerializeStruct = Object;
    type SerializeStructVariant = Object;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(Value::Int(v))
    }
    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        if let Ok(i) = i64::try_from(v) {
            Ok(Value::Int(i))
        } else if let Ok(u) = u64::try_from(v) {
            Ok(Value::UInt(u))
        } else {
            Err(Error("number out of range".into()))
        }
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(Value::Int(v.into()))
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        Ok(uint(v))
    }
    fn serialize_u128(self, v: u128) -> Result<Value, Error> {
        u64::try_from(v)
            .map(uint)
            .map_err(|_| Error("number out of range".into()))
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(float(f64::from(v)))
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(float(v))
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(Value::String(Arc::new(v.to_string())))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(string(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        Ok(Value::List(Arc::new(
            v.iter().map(|b| Value::Int((*b).into())).collect(),
        )))
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(string(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        Ok(wrap(Some(variant), value.serialize(self)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List, Error> {
        Ok(List {
            items: Vec::with_capacity(len.unwrap_or(0)),
            variant: None,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<List, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<List, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<List, Error> {
        Ok(List {
            items: Vec::with_capacity(len),
            variant: Some(variant),
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Object, Error> {
        Ok(Object::new(None, len.unwrap_or(0)))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Object, Error> {
        Ok(Object::new(None, len))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Object, Error> {
        Ok(Object::new(Some(variant), len))
    }
}

impl List {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(ToCel)?);
        Ok(())
    }
    fn done(self) -> Value {
        wrap(self.variant, Value::List(Arc::new(self.items)))
    }
}

/// Sequences, tuples and tuple structs or variants all collect their items the same way.
macro_rules! list_impl {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for List {
            type Ok = Value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Result<Value, Error> {
                Ok(self.done())
            }
        }
    )*};
}

list_impl!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

impl Object {
    fn field<T: Serialize + ?Sized>(&mut self, key: Key, value: &T) -> Result<(), Error> {
        self.entries.insert(key, value.serialize(ToCel)?);
        Ok(())
    }
    fn done(self) -> Value {
        wrap(
            self.variant,
            Value::Map(Map {
                map: Arc::new(self.entries),
            }),
        )
    }
}

impl ser::SerializeMap for Object {
    type Ok = Value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(MapKey)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("map value without a key".into()))?;
        self.field(Key::String(Arc::new(key)), value)
    }
    fn end(self) -> Result<Value, Error> {
        Ok(self.done())
    }
}

/// Structs and struct variants: named fields.
macro_rules! struct_impl {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Object {
            type Ok = Value;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.field(field_key(key), value)
            }
            fn end(self) -> Result<Value, Error> {
                Ok(self.done())
            }
        }
    )*};
}

struct_impl!(SerializeStruct, SerializeStructVariant);

/// Map keys as JSON writes them: strings, and numbers, booleans and chars as text.
struct MapKey;

fn key_error() -> Error {
    Error("map key must be a string".into())
}

/// Map keys that are booleans or integers are written as their decimal text, as JSON does.
macro_rules! key_to_string {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<String, Error> {
            Ok(v.to_string())
        }
    )*};
}

impl ser::Serializer for MapKey {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    key_to_string!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64
    );
    fn serialize_f32(self, _v: f32) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _v: f64) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_char(self, v: char) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_str(self, v: &str) -> Result<String, Error> {
        Ok(v.to_string())
    }
    fn serialize_bytes(self, _v: &[u8]) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_string())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

/// Serialises the top level of a value, keeping the wanted fields only: `Some(fields)`
/// for a struct or a map, `None` for anything else.
struct Fields<'f, 'w> {
    want: &'f dyn Fn(&str) -> Want<'w>,
}

/// Collects the wanted fields of a top-level struct or map.
struct Picked<'f, 'w> {
    want: &'f dyn Fn(&str) -> Want<'w>,
    out: Vec<(String, Value)>,
    key: Option<String>,
}

type Picks = Option<Vec<(String, Value)>>;
type NoFields = Impossible<Picks, Error>;

impl<'f, 'w> Fields<'f, 'w> {
    fn picked(self) -> Picked<'f, 'w> {
        Picked {
            want: self.want,
            out: Vec::new(),
            key: None,
        }
    }
}

macro_rules! no_fields {
    ($($f:ident: $t:ty),*) => {
        $(fn $f(self, _v: $t) -> Result<Picks, Error> {
            Ok(None)
        })*
    };
}

fn not_an_object() -> Error {
    Error("not a struct or a map".into())
}

impl<'f, 'w> ser::Serializer for Fields<'f, 'w> {
    type Ok = Picks;
    type Error = Error;
    type SerializeSeq = NoFields;
    type SerializeTuple = NoFields;
    type SerializeTupleStruct = NoFields;
    type SerializeTupleVariant = NoFields;
    type SerializeMap = Picked<'f, 'w>;
    type SerializeStruct = Picked<'f, 'w>;
    type SerializeStructVariant = NoFields;

    no_fields!(serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_str: &str, serialize_bytes: &[u8], serialize_unit_struct: &'static str);

    fn serialize_none(self) -> Result<Picks, Error> {
        Ok(None)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Picks, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Picks, Error> {
        Ok(None)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
    ) -> Result<Picks, Error> {
        Ok(None)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Picks, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Picks, Error> {
        // `{variant: value}`: one field.
        Ok(Some(
            convert(value, (self.want)(variant))?
                .map(|v| vec![(variant.to_string(), v)])
                .unwrap_or_default(),
        ))
    }
    fn serialize_seq(self, _len: Option<usize>) -> Result<NoFields, Error> {
        Err(not_an_object())
    }
    fn serialize_tuple(self, _len: usize) -> Result<NoFields, Error> {
        Err(not_an_object())
    }
    fn serialize_tuple_struct(self, _name: &'static str, _len: usize) -> Result<NoFields, Error> {
        Err(not_an_object())
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<NoFields, Error> {
        Err(not_an_object())
    }
    fn serialize_map(self, _len: Option<usize>) -> Result<Picked<'f, 'w>, Error> {
        Ok(self.picked())
    }
    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Picked<'f, 'w>, Error> {
        Ok(self.picked())
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<NoFields, Error> {
        Err(not_an_object())
    }
}

impl Picked<'_, '_> {
    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        if let Some(v) = convert(value, (self.want)(key))? {
            // A repeated key keeps its last value, as in a JSON object.
            self.out.retain(|(k, _)| k != key);
            self.out.push((key.to_string(), v));
        }
        Ok(())
    }
}

impl ser::SerializeMap for Picked<'_, '_> {
    type Ok = Picks;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(MapKey)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("map value without a key".into()))?;
        self.field(&key, value)
    }
    fn end(self) -> Result<Picks, Error> {
        Ok(Some(self.out))
    }
}

impl ser::SerializeStruct for Picked<'_, '_> {
    type Ok = Picks;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<Picks, Error> {
        Ok(Some(self.out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::condition::json_to_cel;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Wrapped(u8),
        Pair(i32, String),
        Named { a: bool },
    }

    #[derive(Serialize)]
    struct Inner {
        bits: u32,
        big: u64,
        neg: i64,
        ratio: f64,
        nan: f32,
        letter: char,
        raw: serde_bytes_like::Raw,
        none: Option<String>,
        some: Option<i16>,
        unit: (),
        tuple: (u8, String),
        kinds: Vec<Kind>,
        by_port: BTreeMap<u16, String>,
        #[serde(skip_serializing_if = "String::is_empty")]
        empty: String,
    }

    mod serde_bytes_like {
        /// Bytes serialised with `serialize_bytes`.
        pub struct Raw(pub Vec<u8>);
        impl serde::Serialize for Raw {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_bytes(&self.0)
            }
        }
    }

    #[derive(Serialize)]
    struct Top {
        name: String,
        inner: Inner,
        #[serde(flatten)]
        extra: BTreeMap<String, i32>,
    }

    fn sample() -> Top {
        Top {
            name: "svc".into(),
            inner: Inner {
                bits: 2048,
                big: u64::MAX,
                neg: -3,
                ratio: 0.5,
                nan: f32::NAN,
                letter: 'x',
                raw: serde_bytes_like::Raw(vec![1, 255]),
                none: None,
                some: Some(7),
                unit: (),
                tuple: (1, "a".into()),
                kinds: vec![
                    Kind::Plain,
                    Kind::Wrapped(3),
                    Kind::Pair(-1, "b".into()),
                    Kind::Named { a: true },
                ],
                by_port: [(443, "https".to_string())].into_iter().collect(),
                empty: String::new(),
            },
            extra: [("flat".to_string(), 9)].into_iter().collect(),
        }
    }

    #[test]
    fn same_values_as_through_json() {
        let top = sample();
        let json = serde_json::to_value(&top).unwrap();
        assert_eq!(to_cel(&top).unwrap(), json_to_cel(&json));
        let all = fields(&top, &|_| Want::Whole).unwrap();
        let serde_json::Value::Object(o) = &json else {
            panic!("not an object")
        };
        assert_eq!(all.len(), o.len());
        for (k, v) in &all {
            assert_eq!(v, &json_to_cel(&o[k]), "{k}");
        }
    }

    #[test]
    fn only_wanted_fields() {
        let keep = |k: &str| {
            if k == "flat" || k == "name" {
                Want::Whole
            } else {
                Want::No
            }
        };
        let picked = fields(&sample(), &keep).unwrap();
        let names: Vec<&str> = picked.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["name", "flat"]);
        assert!(fields(&3u8, &|_| Want::Whole).unwrap().is_empty());
    }

    #[test]
    fn projected_fields_keep_only_what_is_selected() {
        let top = sample();
        let sub: BTreeSet<String> = ["bits".to_string(), "nosuch".to_string()].into();
        let by_name = |k: &str| match k {
            "inner" => Want::Fields(&sub),
            "name" => Want::Fields(&sub),
            _ => Want::No,
        };
        let picked = fields(&top, &by_name).unwrap();
        let json = serde_json::to_value(&top).unwrap();
        // A struct keeps the selected fields that exist; anything else stays whole.
        assert_eq!(
            picked,
            vec![
                ("name".to_string(), json_to_cel(&json["name"])),
                (
                    "inner".to_string(),
                    json_to_cel(&serde_json::json!({"bits": 2048}))
                ),
            ]
        );
    }
}
