//! The function table: Go's builtins, Helm's functions and sprig's. Each function declares
//! its Go parameter types so arguments are checked as text/template checks them
//! (`wrong type for value; expected string; got float64`).

mod builtin;
mod certs;
mod crypto;
mod dicts;
mod encoding;
mod helm;
mod lists;
mod math;
mod regex;
mod semver;
mod strings;

pub(crate) use strings::{seed_state, seeded, set_seed_state};
mod time;
pub(crate) mod yaml;

use std::collections::HashMap;
use std::sync::OnceLock;

use super::exec::Exec;
use super::value::Val;
use super::{ErrorKind, TemplateError};

/// A parameter's Go type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum P {
    Any,
    Str,
    Int,
    Float,
    Bool,
    List,
    Map,
    /// Go's `uint32` (derivePassword's counter).
    Uint32,
    /// sprig's `certificate` struct (what genCA returns; genSignedCert's CA).
    Cert,
}

impl P {
    pub(crate) fn go_type(self) -> &'static str {
        match self {
            P::Any => "interface {}",
            P::Str => "string",
            P::Int => "int",
            P::Float => "float64",
            P::Bool => "bool",
            P::List => "[]interface {}",
            P::Map => "map[string]interface {}",
            P::Uint32 => "uint32",
            P::Cert => crypto::CERTIFICATE_TYPE,
        }
    }
}

/// Why a function failed.
#[derive(Debug)]
pub(crate) enum FnError {
    /// Reported as `error calling NAME: msg`.
    Msg(ErrorKind, String),
    /// An error of a nested template execution (include).
    Nested(TemplateError),
    /// A nested error with a prefix (tpl's "error during tpl function execution for ...").
    Wrapped(String, TemplateError),
}

pub(crate) type FnResult = Result<Val, FnError>;
pub(crate) type FnImpl = fn(&mut Exec, Vec<Val>) -> FnResult;

pub(crate) struct FuncDef {
    pub fixed: Vec<P>,
    pub variadic: Option<P>,
    pub f: FnImpl,
}

pub(crate) struct Reg(HashMap<&'static str, FuncDef>);

impl Reg {
    /// Adds `name` with a signature such as `"is"` (int, string) or `"sa*"` (string, then any
    /// number of anys): a=any s=string i=int f=float64 b=bool l=[]interface{} m=map u=uint32
    /// c=sprig's certificate.
    pub(crate) fn add(&mut self, name: &'static str, sig: &str, f: FnImpl) {
        let mut fixed: Vec<P> = sig
            .chars()
            .filter(|&c| c != '*')
            .map(|c| match c {
                's' => P::Str,
                'i' => P::Int,
                'f' => P::Float,
                'b' => P::Bool,
                'l' => P::List,
                'm' => P::Map,
                'u' => P::Uint32,
                'c' => P::Cert,
                _ => P::Any,
            })
            .collect();
        let variadic = if sig.ends_with('*') { fixed.pop() } else { None };
        self.0.insert(name, FuncDef { fixed, variadic, f });
    }
}

fn registry() -> &'static HashMap<&'static str, FuncDef> {
    static REG: OnceLock<HashMap<&'static str, FuncDef>> = OnceLock::new();
    REG.get_or_init(|| {
        let mut r = Reg(HashMap::new());
        builtin::register(&mut r);
        strings::register(&mut r);
        lists::register(&mut r);
        dicts::register(&mut r);
        math::register(&mut r);
        encoding::register(&mut r);
        regex::register(&mut r);
        semver::register(&mut r);
        time::register(&mut r);
        yaml::register(&mut r);
        crypto::register(&mut r);
        helm::register(&mut r);
        r.0
    })
}

pub(crate) fn lookup(name: &str) -> Option<&'static FuncDef> {
    registry().get(name)
}

/// Names of every function, sorted (for documentation and tests).
#[cfg(test)]
pub(crate) fn names() -> Vec<&'static str> {
    let mut v: Vec<_> = registry().keys().copied().collect();
    v.sort_unstable();
    v
}

pub(crate) fn err<T>(msg: impl Into<String>) -> Result<T, FnError> {
    Err(FnError::Msg(ErrorKind::Exec, msg.into()))
}

/// A string argument (already type-checked by the executor).
pub(crate) fn s(v: &Val) -> &str {
    v.as_str().unwrap_or("")
}

/// An int argument (already type-checked by the executor).
pub(crate) fn int(v: &Val) -> i64 {
    match v {
        Val::Int(i) => *i,
        Val::Float(f) => *f as i64,
        _ => 0,
    }
}

/// sprig's strval: strings and byte slices as text, everything else through `%v`.
pub(crate) fn strval(v: &Val) -> String {
    match v {
        Val::Str(s) => s.to_string(),
        Val::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        v => super::fmt::to_go_string(v),
    }
}

/// spf13/cast ToInt64 (errors become 0).
pub(crate) fn to_i64(v: &Val) -> i64 {
    match v {
        Val::Int(i) => *i,
        Val::Float(f) => {
            if f.is_nan() {
                i64::MIN
            } else {
                *f as i64
            }
        }
        Val::Bool(b) => i64::from(*b),
        Val::Str(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        _ => 0,
    }
}

/// spf13/cast ToFloat64 (errors become 0).
pub(crate) fn to_f64(v: &Val) -> f64 {
    match v {
        Val::Int(i) => *i as f64,
        Val::Float(f) => *f,
        Val::Bool(b) => f64::from(u8::from(*b)),
        Val::Str(s) => go_parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// strconv.ParseFloat for decimal syntax (with Go's "inf"/"nan" words).
pub(crate) fn go_parse_float(s: &str) -> Option<f64> {
    let t = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
    if t.is_empty()
        || !(t.starts_with(|c: char| c.is_ascii_digit() || c == '.') || t == "inf" || t == "infinity" || t == "nan")
    {
        return None;
    }
    if s.contains('_') {
        return None;
    }
    s.parse::<f64>().ok()
}

fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, c) in s.bytes().enumerate().rev() {
        match c {
            b'.' if found_zero => return &s[..i],
            b'.' => return s,
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// strconv.ParseInt(s, 0, 64).
pub(crate) fn parse_int_base0(s: &str) -> Option<i64> {
    match super::literal::parse_number(s) {
        Ok((Some(i), _)) if !s.contains(['.', 'e', 'E', 'p', 'P']) || s.to_ascii_lowercase().contains("0x") => Some(i),
        _ => None,
    }
}

/// Keeps results within the engine's limits (lists and strings built by functions).
pub(crate) fn check_size(ex: &Exec, n: u64) -> Result<(), FnError> {
    if n > ex.limits.max_range_iterations.max(ex.limits.max_output_bytes as u64) {
        return Err(FnError::Msg(
            ErrorKind::Limit,
            format!("result of {n} elements or bytes exceeds the engine's limits"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn casts() {
        assert_eq!(to_i64(&Val::str("3.0")), 3);
        assert_eq!(to_i64(&Val::str("3.5")), 0);
        assert_eq!(to_i64(&Val::str("0x10")), 16);
        assert_eq!(to_i64(&Val::Float(2.9)), 2);
        assert_eq!(to_f64(&Val::str("2.5")), 2.5);
        assert!(names().contains(&"toYaml"));
    }
}
