//! Template values: the public [`Value`] handed in by callers, and the executor's internal
//! [`Val`], which shares lists and maps by reference like Go does (sprig's `set` on a dict is
//! visible through every variable holding it).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use base64::Engine as _;

/// A value given to or returned from the template engine.
///
/// Numbers: Helm decodes `values.yaml` with sigs.k8s.io/yaml, which turns every number into a
/// `float64`, so [`Value::from_json`] maps every JSON number (integers included) to
/// [`Value::Float`]. Templates see `replicas: 3` as the float64 `3`, exactly as in Helm
/// (`printf "%d"` of it prints `%!d(float64=3)`, `kindOf` says `float64`).
#[derive(Debug, Clone)]
pub enum Value {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    /// A Go `[]byte` (what `.Files.GetBytes` returns and `.Files.Glob` maps paths to): `%v`
    /// prints its numbers, `%s`, `toString` and `quote` its text, `toJson` base64.
    Bytes(Arc<[u8]>),
    List(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Host(Arc<dyn HostObject>),
}

/// An object supplied by the caller (`.Files`, `.Capabilities`, ...) whose fields and methods
/// templates reach with `.Obj.Field` and `.Obj.Method arg...`.
///
/// Its Go kind follows from [`HostObject::entries`] and the type name: a map or a slice when
/// `entries` says so, a pointer when the type name starts with `*`, otherwise a struct.
pub trait HostObject: Send + Sync + std::fmt::Debug {
    /// The Go type name shown by `printf "%T"` and `typeOf`.
    fn type_name(&self) -> &str;
    /// A field (or argument-less method result); `None` when there is no such field.
    fn field(&self, name: &str) -> Option<Value>;
    /// Calls a method; `None` when there is no such method, `Some(Err(msg))` when it fails.
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>>;
    /// The elements when the object is a Go map or slice, for `range`, `len`, `index`, `slice`,
    /// truth (`if`, `empty`: false when there are none) and `%v`. `None` (the default) for
    /// anything else.
    fn entries(&self) -> Option<Entries> {
        None
    }
    /// The exported fields, in declaration order, when the object is a plain Go struct value
    /// printed and marshalled by its fields: `%v` prints `{a b}` (`%+v` `{A:a B:b}`), toJson an
    /// object of them (toYaml the same, through JSON). `None` (the default) for anything else.
    fn struct_fields(&self) -> Option<Vec<(String, Value)>> {
        None
    }
}

/// The elements of a host object that is a Go map or slice (see [`HostObject::entries`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Entries {
    /// A map with string keys: its entries (in any order: `range` visits them in key order, as
    /// Go does), and the element type's zero value, which `index` returns for a missing key.
    Map { entries: Vec<(String, Value)>, zero: Value },
    /// A slice.
    List(Vec<Value>),
}

impl Entries {
    pub fn len(&self) -> usize {
        match self {
            Entries::Map { entries, .. } => entries.len(),
            Entries::List(items) => items.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The same elements, a map's in key order (Go's order for `range`, printing and equality).
    pub fn sorted(mut self) -> Entries {
        if let Entries::Map { entries, .. } = &mut self {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
        }
        self
    }
}

impl Value {
    /// Converts JSON; every number becomes [`Value::Float`] (see the type's documentation).
    pub fn from_json(v: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match v {
            J::Null => Value::Nil,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            J::String(s) => Value::String(s.clone()),
            J::Array(a) => Value::List(a.iter().map(Value::from_json).collect()),
            J::Object(o) => Value::Map(o.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect()),
        }
    }

    /// Converts to JSON. Integral floats of magnitude below 2^53 become JSON integers (as Go's
    /// encoding/json prints them), NaN and infinities become `null`, bytes base64 text, host
    /// objects their type name as a string.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Nil => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => float_json(*f),
            Value::String(s) => J::String(s.clone()),
            Value::Bytes(b) => J::String(base64::engine::general_purpose::STANDARD.encode(b)),
            Value::List(l) => J::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => J::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()),
            Value::Host(h) => J::String(h.type_name().to_string()),
        }
    }

    /// Go's truth: false, 0, nil and empty strings, lists and maps are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Host(h) => h.entries().is_none_or(|e| !e.is_empty()),
        }
    }
}

pub(crate) fn float_json(f: f64) -> serde_json::Value {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 9_007_199_254_740_992.0 {
        serde_json::Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            (Value::Host(a), Value::Host(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A map shared by reference, as Go maps are.
pub(crate) type MapRef = Rc<RefCell<BTreeMap<String, Val>>>;

/// The executor's value. Strings and lists are immutable and shared; maps are shared and
/// mutable (sprig's `set`, `unset`, `merge` mutate their first argument in place).
#[derive(Debug, Clone)]
pub(crate) enum Val {
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    Bytes(Arc<[u8]>),
    List(Rc<Vec<Val>>),
    Map(MapRef),
    Host(Arc<dyn HostObject>),
}

/// Deepest nesting walked when converting, printing or comparing values (maps can be made
/// cyclic with `set $d "self" $d`).
pub(crate) const MAX_VALUE_DEPTH: usize = 500;

impl Val {
    pub(crate) fn str(s: impl Into<Rc<str>>) -> Val {
        Val::Str(s.into())
    }

    pub(crate) fn list(items: Vec<Val>) -> Val {
        Val::List(Rc::new(items))
    }

    pub(crate) fn map(m: BTreeMap<String, Val>) -> Val {
        Val::Map(Rc::new(RefCell::new(m)))
    }

    pub(crate) fn empty_map() -> Val {
        Val::map(BTreeMap::new())
    }

    pub(crate) fn from_public(v: &Value) -> Val {
        match v {
            Value::Nil => Val::Nil,
            Value::Bool(b) => Val::Bool(*b),
            Value::Int(i) => Val::Int(*i),
            Value::Float(f) => Val::Float(*f),
            Value::String(s) => Val::str(s.as_str()),
            Value::Bytes(b) => Val::Bytes(b.clone()),
            Value::List(l) => Val::list(l.iter().map(Val::from_public).collect()),
            Value::Map(m) => Val::map(m.iter().map(|(k, v)| (k.clone(), Val::from_public(v))).collect()),
            Value::Host(h) => Val::Host(h.clone()),
        }
    }

    /// The public value; cycles and nesting deeper than [`MAX_VALUE_DEPTH`] become `Nil`.
    pub(crate) fn to_public(&self) -> Value {
        self.to_public_depth(0)
    }

    fn to_public_depth(&self, depth: usize) -> Value {
        if depth > MAX_VALUE_DEPTH {
            return Value::Nil;
        }
        match self {
            Val::Nil => Value::Nil,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(i) => Value::Int(*i),
            Val::Float(f) => Value::Float(*f),
            Val::Str(s) => Value::String(s.to_string()),
            Val::Bytes(b) => Value::Bytes(b.clone()),
            Val::List(l) => Value::List(l.iter().map(|v| v.to_public_depth(depth + 1)).collect()),
            Val::Map(m) => {
                Value::Map(m.borrow().iter().map(|(k, v)| (k.clone(), v.to_public_depth(depth + 1))).collect())
            }
            Val::Host(h) => Value::Host(h.clone()),
        }
    }

    pub(crate) fn is_nil(&self) -> bool {
        matches!(self, Val::Nil)
    }

    /// Go's truth (`if`, `and`, `or`, `not`, `default`'s emptiness).
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Val::Nil => false,
            Val::Bool(b) => *b,
            Val::Int(i) => *i != 0,
            Val::Float(f) => *f != 0.0,
            Val::Str(s) => !s.is_empty(),
            Val::Bytes(b) => !b.is_empty(),
            Val::List(l) => !l.is_empty(),
            Val::Map(m) => !m.borrow().is_empty(),
            // A map or slice is true when it has elements; a pointer or struct always.
            Val::Host(h) => h.entries().is_none_or(|e| !e.is_empty()),
        }
    }

    /// Go's `%T` / sprig's `typeOf`.
    pub(crate) fn type_name(&self) -> String {
        match self {
            Val::Nil => "<nil>".into(),
            Val::Bool(_) => "bool".into(),
            Val::Int(_) => "int".into(),
            Val::Float(_) => "float64".into(),
            Val::Str(_) => "string".into(),
            Val::Bytes(_) => "[]uint8".into(),
            Val::List(_) => "[]interface {}".into(),
            Val::Map(_) => "map[string]interface {}".into(),
            Val::Host(h) => h.type_name().to_string(),
        }
    }

    /// sprig's `kindOf` (reflect.Kind names).
    pub(crate) fn kind_name(&self) -> &'static str {
        match self {
            Val::Nil => "invalid",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Float(_) => "float64",
            Val::Str(_) => "string",
            Val::Bytes(_) | Val::List(_) => "slice",
            Val::Map(_) => "map",
            Val::Host(h) => match h.entries() {
                Some(Entries::Map { .. }) => "map",
                Some(Entries::List(_)) => "slice",
                None if h.type_name().starts_with('*') => "ptr",
                None => "struct",
            },
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        if let Val::Str(s) = self { Some(s) } else { None }
    }

    /// Entries of a map, copied out so no borrow is held while they are used.
    pub(crate) fn map_entries(m: &MapRef) -> Vec<(String, Val)> {
        m.borrow().iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Go's reflect.DeepEqual over template values (no int/float mixing: 1 and 1.0 differ).
    pub(crate) fn deep_equal(&self, other: &Val) -> bool {
        self.deep_equal_depth(other, 0)
    }

    fn deep_equal_depth(&self, other: &Val, depth: usize) -> bool {
        if depth > MAX_VALUE_DEPTH {
            return false;
        }
        match (self, other) {
            (Val::Nil, Val::Nil) => true,
            (Val::Bool(a), Val::Bool(b)) => a == b,
            (Val::Int(a), Val::Int(b)) => a == b,
            (Val::Float(a), Val::Float(b)) => a == b,
            (Val::Str(a), Val::Str(b)) => a == b,
            (Val::Bytes(a), Val::Bytes(b)) => a == b,
            (Val::List(a), Val::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.deep_equal_depth(y, depth + 1))
            }
            (Val::Map(a), Val::Map(b)) => {
                if Rc::ptr_eq(a, b) {
                    return true;
                }
                let (a, b) = (Val::map_entries(a), Val::map_entries(b));
                a.len() == b.len()
                    && a.iter().zip(b.iter()).all(|((ka, va), (kb, vb))| ka == kb && va.deep_equal_depth(vb, depth + 1))
            }
            // Pointers compare by identity; maps and slices (`.Files.Glob` results) by content.
            (Val::Host(a), Val::Host(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.type_name() == b.type_name()
                        && a.entries().is_some()
                        && a.entries().map(Entries::sorted) == b.entries().map(Entries::sorted))
            }
            _ => false,
        }
    }

    /// A copy sharing nothing mutable with `self` (sprig's `deepCopy`).
    pub(crate) fn deep_copy(&self) -> Val {
        self.deep_copy_depth(0)
    }

    fn deep_copy_depth(&self, depth: usize) -> Val {
        if depth > MAX_VALUE_DEPTH {
            return Val::Nil;
        }
        match self {
            Val::List(l) => Val::list(l.iter().map(|v| v.deep_copy_depth(depth + 1)).collect()),
            Val::Map(m) => {
                Val::map(Val::map_entries(m).into_iter().map(|(k, v)| (k, v.deep_copy_depth(depth + 1))).collect())
            }
            other => other.clone(),
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::str(s)
    }
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::str(s)
    }
}

impl From<bool> for Val {
    fn from(b: bool) -> Val {
        Val::Bool(b)
    }
}

impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}

impl From<f64> for Val {
    fn from(f: f64) -> Val {
        Val::Float(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_numbers_become_floats() {
        let v = Value::from_json(&serde_json::json!({"a": 3, "b": [1.5, "x", null, true]}));
        let Value::Map(m) = &v else { panic!() };
        assert_eq!(m["a"], Value::Float(3.0));
        assert_eq!(v.to_json(), serde_json::json!({"a": 3, "b": [1.5, "x", null, true]}));
        assert!(!Value::List(vec![]).is_truthy());
        assert!(Value::Float(0.5).is_truthy());
    }

    #[test]
    fn cyclic_maps_do_not_overflow() {
        let m = Val::empty_map();
        if let Val::Map(r) = &m {
            r.borrow_mut().insert("self".into(), m.clone());
        }
        let _ = m.to_public();
        assert!(m.deep_equal(&m));
        let _ = m.deep_copy();
        if let Val::Map(r) = &m {
            r.borrow_mut().clear(); // break the cycle so the test does not leak
        }
    }
}
