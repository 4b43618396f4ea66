//! Go text/template's builtin functions (src/text/template/funcs.go semantics).

use super::{FnResult, Reg, err, s};
use crate::helm::template::exec::Exec;
use crate::helm::template::fmt::{sprint, sprintf, sprintln};
use crate::helm::template::value::{Entries, Val};

pub(crate) fn register(r: &mut Reg) {
    // `and` and `or` short-circuit in the executor; these bodies are never called.
    r.add("and", "aa*", |_, a| Ok(a.last().cloned().unwrap_or(Val::Nil)));
    r.add("or", "aa*", |_, a| Ok(a.last().cloned().unwrap_or(Val::Nil)));
    r.add("not", "a", |_, a| Ok(Val::Bool(!a[0].truthy())));
    r.add("len", "a", len);
    r.add("index", "aa*", index);
    r.add("slice", "aa*", slice);
    r.add("print", "a*", |_, a| Ok(Val::str(sprint(&a))));
    r.add("println", "a*", |_, a| Ok(Val::str(sprintln(&a))));
    r.add("printf", "sa*", |_, a| Ok(Val::str(sprintf(s(&a[0]), &a[1..]))));
    r.add("html", "a*", |_, a| Ok(Val::str(html_escape(&eval_args(&a)))));
    r.add("js", "a*", |_, a| Ok(Val::str(js_escape(&eval_args(&a)))));
    r.add("urlquery", "a*", |_, a| Ok(Val::str(query_escape(&eval_args(&a)))));
    r.add("call", "aa*", |_, a| err(format!("non-function {} of type {}", sprint(&a[..1]), a[0].type_name())));
    r.add("eq", "aa*", |_, a| eq(&a[0], &a[1..]).map(Val::Bool));
    r.add("ne", "aa", |_, a| eq(&a[0], &a[1..]).map(|b| Val::Bool(!b)));
    r.add("lt", "aa", |_, a| lt(&a[0], &a[1]).map(Val::Bool));
    r.add("le", "aa", |_, a| le(&a[0], &a[1]).map(Val::Bool));
    r.add("gt", "aa", |_, a| le(&a[0], &a[1]).map(|b| Val::Bool(!b)));
    r.add("ge", "aa", |_, a| lt(&a[0], &a[1]).map(|b| Val::Bool(!b)));
}

/// The single string argument, or Sprint of all of them.
fn eval_args(a: &[Val]) -> String {
    match a {
        [Val::Str(s)] => s.to_string(),
        a => sprint(a),
    }
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Float,
    Str,
}

fn kind(v: &Val) -> Kind {
    match v {
        Val::Bool(_) => Kind::Bool,
        Val::Int(_) => Kind::Int,
        Val::Float(_) => Kind::Float,
        Val::Str(_) => Kind::Str,
        _ => Kind::Invalid,
    }
}

fn incompatible(a: &Val, b: &Val) -> String {
    format!("incompatible types for comparison: {} and {}", a.type_name(), b.type_name())
}

pub(crate) fn eq(a: &Val, rest: &[Val]) -> Result<bool, super::FnError> {
    if rest.is_empty() {
        return err("missing argument for comparison");
    }
    let k1 = kind(a);
    for b in rest {
        let k2 = kind(b);
        let truth = if k1 != k2 {
            if !a.is_nil() && !b.is_nil() {
                return err(incompatible(a, b));
            }
            false
        } else {
            match (a, b) {
                (Val::Bool(x), Val::Bool(y)) => x == y,
                (Val::Int(x), Val::Int(y)) => x == y,
                (Val::Float(x), Val::Float(y)) => x == y,
                (Val::Str(x), Val::Str(y)) => x == y,
                (Val::Nil, _) | (_, Val::Nil) => a.is_nil() && b.is_nil(),
                (Val::List(_), Val::List(_)) | (Val::Map(_), Val::Map(_)) | (Val::Bytes(_), Val::Bytes(_)) => {
                    return err(format!("non-comparable type {}: {}", sprint(std::slice::from_ref(b)), b.type_name()));
                }
                (Val::Host(x), Val::Host(y)) => std::sync::Arc::ptr_eq(x, y),
                _ => {
                    return err(format!(
                        "non-comparable types {}: {}, {}: {}",
                        sprint(std::slice::from_ref(a)),
                        a.type_name(),
                        b.type_name(),
                        sprint(std::slice::from_ref(b))
                    ));
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn lt(a: &Val, b: &Val) -> Result<bool, super::FnError> {
    let (k1, k2) = (kind(a), kind(b));
    if k1 == Kind::Invalid || k2 == Kind::Invalid {
        return err("invalid type for comparison");
    }
    if k1 != k2 {
        return err(incompatible(a, b));
    }
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Ok(x < y),
        (Val::Float(x), Val::Float(y)) => Ok(x < y),
        (Val::Str(x), Val::Str(y)) => Ok(x < y),
        _ => err("invalid type for comparison"),
    }
}

fn le(a: &Val, b: &Val) -> Result<bool, super::FnError> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, std::slice::from_ref(b))
}

fn len(_: &mut Exec, a: Vec<Val>) -> FnResult {
    match &a[0] {
        Val::Str(s) => Ok(Val::Int(s.len() as i64)),
        Val::List(l) => Ok(Val::Int(l.len() as i64)),
        Val::Map(m) => Ok(Val::Int(m.borrow().len() as i64)),
        Val::Bytes(b) => Ok(Val::Int(b.len() as i64)),
        Val::Host(h) => match h.entries() {
            Some(e) => Ok(Val::Int(e.len() as i64)),
            None => err(format!("len of type {}", h.type_name())),
        },
        Val::Nil => err("len of nil pointer"),
        v => err(format!("len of type {}", v.type_name())),
    }
}

fn index_arg(i: &Val, cap: usize) -> Result<usize, super::FnError> {
    let x = match i {
        Val::Int(x) => *x,
        Val::Nil => return err("cannot index slice/array with nil"),
        v => return err(format!("cannot index slice/array with type {}", v.type_name())),
    };
    if x < 0 || x as u64 > cap as u64 {
        return err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(_: &mut Exec, a: Vec<Val>) -> FnResult {
    let mut item = a[0].clone();
    if item.is_nil() {
        return err("index of untyped nil");
    }
    for i in &a[1..] {
        item = match &item {
            Val::Nil => return err("index of nil pointer"),
            Val::List(l) => {
                let x = index_arg(i, l.len())?;
                match l.get(x) {
                    Some(v) => v.clone(),
                    None => return err(format!("reflect: slice index out of range: {x}")),
                }
            }
            Val::Str(st) => {
                let x = index_arg(i, st.len())?;
                match st.as_bytes().get(x) {
                    Some(b) => Val::Int(i64::from(*b)),
                    None => return err(format!("reflect: string index out of range: {x}")),
                }
            }
            Val::Map(m) => match i {
                Val::Str(k) => m.borrow().get(k.as_ref()).cloned().unwrap_or(Val::Nil),
                Val::Nil => Val::Nil,
                v => return err(format!("value has type {}; should be string", v.type_name())),
            },
            Val::Bytes(b) => {
                let x = index_arg(i, b.len())?;
                match b.get(x) {
                    Some(byte) => Val::Int(i64::from(*byte)),
                    None => return err(format!("reflect: slice index out of range: {x}")),
                }
            }
            Val::Host(h) => match h.entries() {
                Some(Entries::Map { entries, zero }) => match i {
                    Val::Str(k) => {
                        let found = entries.iter().find(|(key, _)| key.as_str() == k.as_ref());
                        Val::from_public(found.map_or(&zero, |(_, v)| v))
                    }
                    v => return err(format!("value has type {}; should be string", v.type_name())),
                },
                Some(Entries::List(items)) => {
                    let x = index_arg(i, items.len())?;
                    match items.get(x) {
                        Some(v) => Val::from_public(v),
                        None => return err(format!("reflect: slice index out of range: {x}")),
                    }
                }
                None => return err(format!("can't index item of type {}", h.type_name())),
            },
            v => return err(format!("can't index item of type {}", v.type_name())),
        };
    }
    Ok(item)
}

fn slice(_: &mut Exec, a: Vec<Val>) -> FnResult {
    let item = &a[0];
    let idx = &a[1..];
    if item.is_nil() {
        return err("slice of untyped nil");
    }
    if idx.len() > 3 {
        return err(format!("too many slice indexes: {}", idx.len()));
    }
    let len = match item {
        Val::List(l) => l.len(),
        Val::Str(s) => {
            if idx.len() == 3 {
                return err("cannot 3-index slice a string");
            }
            s.len()
        }
        v => return err(format!("can't slice item of type {}", v.type_name())),
    };
    let mut bounds = [0, len, len];
    for (k, i) in idx.iter().enumerate() {
        bounds[k] = index_arg(i, len)?;
    }
    if idx.len() < 2 {
        bounds[1] = len;
    }
    if bounds[0] > bounds[1] {
        return err(format!("invalid slice index: {} > {}", bounds[0], bounds[1]));
    }
    if idx.len() == 3 && bounds[1] > bounds[2] {
        return err(format!("invalid slice index: {} > {}", bounds[1], bounds[2]));
    }
    match item {
        Val::List(l) => Ok(Val::list(l[bounds[0]..bounds[1]].to_vec())),
        Val::Str(s) => Ok(Val::str(String::from_utf8_lossy(&s.as_bytes()[bounds[0]..bounds[1]]).into_owned())),
        _ => Ok(Val::Nil),
    }
}

/// template.HTMLEscapeString.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&#34;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// template.JSEscapeString.
fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if !c.is_ascii() && !crate::helm::template::lex::is_go_printable(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// url.QueryEscape.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
