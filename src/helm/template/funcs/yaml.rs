//! toYaml/fromYaml/toJson/fromJson/toToml. `toYaml` reproduces sigs.k8s.io/yaml (JSON first,
//! then go-yaml v2's emitter): natural key order, 2-space indentation, sequences not indented
//! under their key, strings quoted only when YAML 1.1 would read them as something else or the
//! emitter cannot write them plain, multi-line strings as literal blocks.

use std::cmp::Ordering;

use base64::Engine as _;

use super::{Reg, err, s};
use crate::helm::template::fmt::{format_float_abs, shortest_digits};
use crate::helm::template::value::{Entries, MAX_VALUE_DEPTH, Val};

pub(crate) fn register(r: &mut Reg) {
    r.add("toYaml", "a", |_, a| Ok(Val::str(to_yaml(&a[0]).unwrap_or_default())));
    r.add("mustToYaml", "a", |_, a| to_yaml(&a[0]).map(Val::str).or_else(err));
    r.add("toYamlPretty", "a", |_, a| Ok(Val::str(to_yaml(&a[0]).unwrap_or_default())));
    r.add("fromYaml", "s", |_, a| Ok(from_yaml(s(&a[0]), false)));
    r.add("fromYamlArray", "s", |_, a| Ok(from_yaml(s(&a[0]), true)));
    r.add("toJson", "a", |_, a| Ok(Val::str(to_json(&a[0], true, None).unwrap_or_default())));
    r.add("mustToJson", "a", |_, a| to_json(&a[0], true, None).map(Val::str).or_else(err));
    r.add("toPrettyJson", "a", |_, a| Ok(Val::str(to_json(&a[0], true, Some("  ")).unwrap_or_default())));
    r.add("mustToPrettyJson", "a", |_, a| to_json(&a[0], true, Some("  ")).map(Val::str).or_else(err));
    r.add("toRawJson", "a", |_, a| Ok(Val::str(to_json(&a[0], false, None).unwrap_or_default())));
    r.add("mustToRawJson", "a", |_, a| to_json(&a[0], false, None).map(Val::str).or_else(err));
    r.add("fromJson", "s", |_, a| Ok(from_json_map(s(&a[0]))));
    r.add("mustFromJson", "s", |_, a| {
        serde_json::from_str::<serde_json::Value>(s(&a[0])).map(|j| json_to_val(&j)).or_else(|e| err(e.to_string()))
    });
    r.add("fromJsonArray", "s", |_, a| {
        Ok(match serde_json::from_str::<serde_json::Value>(s(&a[0])) {
            Ok(j @ serde_json::Value::Array(_)) => json_to_val(&j),
            Ok(_) => Val::list(vec![Val::str("json: cannot unmarshal object into Go value of type []interface {}")]),
            Err(e) => Val::list(vec![Val::str(e.to_string())]),
        })
    });
    r.add("toToml", "a", |_, a| Ok(Val::str(to_toml(&a[0]))));
}

pub(crate) fn json_to_val(j: &serde_json::Value) -> Val {
    Val::from_public(&crate::helm::template::Value::from_json(j))
}

fn from_json_map(src: &str) -> Val {
    match serde_json::from_str::<serde_json::Value>(src) {
        Ok(j @ serde_json::Value::Object(_)) => json_to_val(&j),
        Ok(serde_json::Value::Null) => Val::empty_map(),
        Ok(other) => error_map(&format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        )),
        Err(e) => error_map(&e.to_string()),
    }
}

fn json_kind(j: &serde_json::Value) -> &'static str {
    match j {
        serde_json::Value::Array(_) => "array",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::Bool(_) => "bool",
        _ => "object",
    }
}

fn error_map(msg: &str) -> Val {
    let mut m = std::collections::BTreeMap::new();
    m.insert("Error".to_string(), Val::str(msg));
    Val::map(m)
}

/// Helm's fromYaml / fromYamlArray (YAML 1.1 booleans such as `yes` included).
fn from_yaml(src: &str, array: bool) -> Val {
    use crate::parse::yaml::{Limits, parse_stream};
    let docs = match parse_stream(src, &Limits::default()) {
        Ok(d) => d,
        Err(e) => {
            let msg = format!("error converting YAML to JSON: yaml: line {}: {}", e.pos.line, e.message);
            return if array { Val::list(vec![Val::str(msg)]) } else { error_map(&msg) };
        }
    };
    let root = docs.first().map(|d| yaml_node_to_val(&d.root, 0)).unwrap_or(Val::Nil);
    match (root, array) {
        (Val::Nil, false) => Val::empty_map(),
        (Val::Nil, true) => Val::list(Vec::new()),
        (v @ Val::Map(_), false) | (v @ Val::List(_), true) => v,
        (v, false) => error_map(&format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            go_json_kind(&v)
        )),
        (v, true) => Val::list(vec![Val::str(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type []interface {{}}",
            go_json_kind(&v)
        ))]),
    }
}

fn go_json_kind(v: &Val) -> &'static str {
    match v {
        Val::List(_) => "array",
        Val::Map(_) => "object",
        Val::Str(_) => "string",
        Val::Bool(_) => "bool",
        _ => "number",
    }
}

fn yaml_node_to_val(n: &crate::parse::yaml::Node, depth: usize) -> Val {
    use crate::parse::yaml::{ScalarStyle, Value as Y, key_text};
    if depth > MAX_VALUE_DEPTH {
        return Val::Nil;
    }
    match &n.value {
        Y::Null => Val::Nil,
        Y::Bool(b) => Val::Bool(*b),
        Y::Int(i) => Val::Float(*i as f64),
        Y::Float(f) => Val::Float(*f),
        Y::String(s) if n.style == ScalarStyle::Plain && n.tag.is_none() => match s.as_str() {
            "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Val::Bool(true),
            "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Val::Bool(false),
            _ => Val::str(s.as_str()),
        },
        Y::String(s) => Val::str(s.as_str()),
        Y::Seq(items) => Val::list(items.iter().map(|i| yaml_node_to_val(i, depth + 1)).collect()),
        Y::Map(entries) => {
            Val::map(entries.iter().map(|(k, v)| (key_text(k).into_owned(), yaml_node_to_val(v, depth + 1))).collect())
        }
    }
}

/// Go's encoding/json number text for a float64: the shortest decimal that reads back as `f`,
/// in exponent form below 1e-6 and from 1e21 on (`1e+21`, `1e-7`), positional otherwise
/// (`12345678901234567000`, `0.000001`, `3`).
pub(crate) fn json_float(f: f64) -> String {
    let a = f.abs();
    let neg = if f.is_sign_negative() { "-" } else { "" };
    let (digits, dp) = shortest_digits(a);
    if a != 0.0 && !(1e-6..1e21).contains(&a) {
        let exp = dp - 1;
        let mant = match digits.split_at(1) {
            (first, "") => first.to_string(),
            (first, rest) => format!("{first}.{rest}"),
        };
        // Go writes at least two exponent digits, then trims a leading zero of negative ones.
        let exp = if exp < 0 { format!("-{}", -exp) } else { format!("+{exp:02}") };
        return format!("{neg}{mant}e{exp}");
    }
    if a == 0.0 {
        return format!("{neg}0");
    }
    let n = digits.len() as i32;
    let text = if dp <= 0 {
        format!("0.{}{digits}", "0".repeat(dp.unsigned_abs() as usize))
    } else if dp >= n {
        format!("{digits}{}", "0".repeat((dp - n) as usize))
    } else {
        format!("{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    };
    format!("{neg}{text}")
}

/// Go's json.Marshal (sorted keys; HTML-escaped unless `escape_html` is false).
pub(crate) fn to_json(v: &Val, escape_html: bool, indent: Option<&str>) -> Result<String, String> {
    let mut out = String::new();
    write_json(v, escape_html, indent, 0, &mut out)?;
    Ok(out)
}

fn write_json(v: &Val, esc: bool, indent: Option<&str>, depth: usize, out: &mut String) -> Result<(), String> {
    if depth > MAX_VALUE_DEPTH {
        return Err("json: unsupported value: encountered a cycle".into());
    }
    let nl = |out: &mut String, d: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            out.push_str(&ind.repeat(d));
        }
    };
    match v {
        Val::Nil => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Int(i) => out.push_str(&i.to_string()),
        Val::Float(f) if !f.is_finite() => {
            return Err(format!("json: unsupported value: {}", crate::helm::template::fmt::to_go_string(v)));
        }
        Val::Float(f) => out.push_str(&json_float(*f)),
        Val::Str(s) => json_string(s, esc, out),
        Val::Bytes(b) => json_string(&base64::engine::general_purpose::STANDARD.encode(b), esc, out),
        Val::List(items) => {
            out.push('[');
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                nl(out, depth + 1);
                write_json(x, esc, indent, depth + 1, out)?;
            }
            if !items.is_empty() {
                nl(out, depth);
            }
            out.push(']');
        }
        Val::Map(m) => write_object(&Val::map_entries(m), esc, indent, depth, out)?,
        // Its own MarshalJSON, else its elements when it is a map or slice.
        Val::Host(h) => match (h.call("MarshalJSON", &[]), h.entries()) {
            (Some(Ok(crate::helm::template::Value::String(s))), _) => out.push_str(&s),
            (_, Some(Entries::Map { entries, .. })) => {
                let map = entries.iter().map(|(k, v)| (k.clone(), Val::from_public(v))).collect();
                write_json(&Val::map(map), esc, indent, depth, out)?;
            }
            (_, Some(Entries::List(items))) => {
                write_json(&Val::list(items.iter().map(Val::from_public).collect()), esc, indent, depth, out)?;
            }
            // A struct: its fields in declaration order, as encoding/json writes them.
            _ => match h.struct_fields() {
                Some(fields) => {
                    let fields: Vec<(String, Val)> =
                        fields.iter().map(|(k, v)| (k.clone(), Val::from_public(v))).collect();
                    write_object(&fields, esc, indent, depth, out)?;
                }
                None => out.push_str("{}"),
            },
        },
    }
    Ok(())
}

/// A JSON object of `entries`, in the order given.
fn write_object(
    entries: &[(String, Val)],
    esc: bool,
    indent: Option<&str>,
    depth: usize,
    out: &mut String,
) -> Result<(), String> {
    let nl = |out: &mut String, d: usize| {
        if let Some(ind) = indent {
            out.push('\n');
            out.push_str(&ind.repeat(d));
        }
    };
    out.push('{');
    for (i, (k, x)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        nl(out, depth + 1);
        json_string(k, esc, out);
        out.push(':');
        if indent.is_some() {
            out.push(' ');
        }
        write_json(x, esc, indent, depth + 1, out)?;
    }
    if !entries.is_empty() {
        nl(out, depth);
    }
    out.push('}');
    Ok(())
}

/// Go's `encoding/json` string quoting (`esc`: `<`, `>` and `&` as `\u003c`..., as
/// `json.Marshal` does; U+2028 and U+2029 always escaped).
pub(crate) fn json_string(s: &str, esc: bool, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if esc => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// go-yaml v2's key order: runs of digits compare as numbers, letters after non-letters.
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl { Ordering::Less } else { Ordering::Greater };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            let mut j = i;
            while j > 0 && ar[j - 1].is_ascii_digit() {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && ar[ai].is_ascii_digit() {
            an = an.wrapping_mul(10).wrapping_add(ar[ai] as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && br[bi].is_ascii_digit() {
            bn = bn.wrapping_mul(10).wrapping_add(br[bi] as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

/// sigs.k8s.io/yaml.Marshal without the final newline (Helm trims it).
pub(crate) fn to_yaml(v: &Val) -> Result<String, String> {
    // Go goes through JSON first: what JSON cannot encode fails, and numbers are re-read.
    to_json(v, false, None)?;
    let mut out = String::new();
    emit_block(v, 0, &mut out, 0);
    Ok(out.strip_suffix('\n').unwrap_or(&out).to_string())
}

fn sorted_entries(m: &crate::helm::template::value::MapRef) -> Vec<(String, Val)> {
    let mut e = Val::map_entries(m);
    e.sort_by(|a, b| natural_cmp(&a.0, &b.0));
    e
}

fn is_empty_coll(v: &Val) -> bool {
    match v {
        Val::List(l) => l.is_empty(),
        Val::Map(m) => m.borrow().is_empty(),
        _ => false,
    }
}

/// A host object as its JSON reads back (how toYaml, going through JSON, sees it); other
/// values as they are.
fn host_as_json_value(v: &Val) -> Val {
    match v {
        Val::Host(_) => match to_json(v, false, None).map(|j| serde_json::from_str::<serde_json::Value>(&j)) {
            Ok(Ok(j)) => json_to_val(&j),
            _ => Val::empty_map(),
        },
        v => v.clone(),
    }
}

/// Writes `v` as a block node at `indent`; the caller has written the key or "- " prefix.
fn emit_block(v: &Val, indent: usize, out: &mut String, depth: usize) {
    if depth > MAX_VALUE_DEPTH {
        out.push_str("null\n");
        return;
    }
    let pad = " ".repeat(indent);
    match v {
        Val::Host(_) => emit_block(&host_as_json_value(v), indent, out, depth + 1),
        Val::Map(m) if !is_empty_coll(v) => {
            for (i, (k, x)) in sorted_entries(m).iter().enumerate() {
                let x = &host_as_json_value(x);
                if i > 0 {
                    out.push_str(&pad);
                }
                out.push_str(&scalar_str(k, true, indent));
                out.push(':');
                match x {
                    Val::Map(_) if !is_empty_coll(x) => {
                        out.push('\n');
                        out.push_str(&" ".repeat(indent + 2));
                        emit_block(x, indent + 2, out, depth + 1);
                    }
                    Val::List(_) if !is_empty_coll(x) => {
                        out.push('\n');
                        out.push_str(&pad);
                        emit_block(x, indent, out, depth + 1);
                    }
                    _ => {
                        out.push(' ');
                        out.push_str(&scalar(x, indent + 2));
                        out.push('\n');
                    }
                }
            }
        }
        Val::List(items) if !items.is_empty() => {
            for (i, x) in items.iter().enumerate() {
                let x = &host_as_json_value(x);
                if i > 0 {
                    out.push_str(&pad);
                }
                out.push_str("- ");
                match x {
                    Val::Map(_) | Val::List(_) if !is_empty_coll(x) => emit_block(x, indent + 2, out, depth + 1),
                    _ => {
                        out.push_str(&scalar(x, indent + 2));
                        out.push('\n');
                    }
                }
            }
        }
        _ => {
            out.push_str(&scalar(v, indent));
            out.push('\n');
        }
    }
}

fn scalar(v: &Val, indent: usize) -> String {
    match v {
        Val::Nil => "null".into(),
        Val::Bool(b) => b.to_string(),
        Val::Int(i) => i.to_string(),
        Val::Float(f) => yaml_float(*f),
        Val::Str(s) => scalar_str(s, false, indent),
        Val::Bytes(b) => scalar_str(&base64::engine::general_purpose::STANDARD.encode(b), false, indent),
        Val::List(_) => "[]".into(),
        Val::Map(_) => "{}".into(),
        Val::Host(_) => "{}".into(),
    }
}

/// A float as it comes back from JSON: JSON integers that fit an int64 or uint64 as integers
/// (go-yaml reads them so), others as go-yaml's 'g'.
fn yaml_float(f: f64) -> String {
    let j = json_float(f);
    if let Ok(i) = j.parse::<i64>() {
        return i.to_string();
    }
    if let Ok(u) = j.parse::<u64>() {
        return u.to_string();
    }
    let neg = if f < 0.0 { "-" } else { "" };
    format!("{neg}{}", format_float_abs(f, 'g', None))
}

/// Would YAML 1.1 (go-yaml v2's resolver) read this plain scalar as a non-string?
fn resolves_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True",
        "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", ".inf", ".Inf", ".INF", "+.inf",
        "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN", "<<",
    ];
    if WORDS.contains(&s) {
        return true;
    }
    let first = s.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return false;
    }
    let plain = s.replace('_', "");
    if super::parse_int_base0(&plain).is_some() || super::go_parse_float(&plain).is_some() {
        return true;
    }
    if let Some(b) = plain.strip_prefix("0b").or_else(|| plain.strip_prefix("-0b")) {
        return !b.is_empty() && b.chars().all(|c| c == '0' || c == '1');
    }
    is_timestamp(s) || is_base60(s)
}

fn is_timestamp(s: &str) -> bool {
    let date = s.split(['T', 't', ' ']).next().unwrap_or("");
    let parts: Vec<&str> = date.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts.iter().all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|c| c.is_ascii_digit()))
        && (date.len() == s.len() || s[date.len() + 1..].contains(':'))
}

fn is_base60(s: &str) -> bool {
    let t = s.trim_start_matches(['+', '-']);
    t.contains(':')
        && t.split(':').enumerate().all(|(i, p)| {
            let p = if i == t.split(':').count() - 1 { p.split('.').next().unwrap_or("") } else { p };
            !p.is_empty() && p.bytes().all(|c| c.is_ascii_digit() || c == b'_')
        })
}

fn plain_allowed(s: &str) -> bool {
    let b = s.as_bytes();
    let first = b[0];
    if matches!(
        first,
        b'#' | b',' | b'[' | b']' | b'{' | b'}' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@' | b'`'
    ) {
        return false;
    }
    if matches!(first, b'-' | b'?' | b':') && (b.len() == 1 || matches!(b[1], b' ' | b'\t')) {
        return false;
    }
    if s.starts_with("---") || s.starts_with("...") {
        return false;
    }
    if s.starts_with([' ', '\t']) || s.ends_with([' ', '\t']) || s.ends_with(':') {
        return false;
    }
    if s.contains(": ") || s.contains(":\t") || s.contains(" #") || s.contains("\t#") {
        return false;
    }
    s.chars().all(|c| c >= ' ' && c != '\u{7f}' && c != '\u{feff}' && !('\u{80}'..'\u{a0}').contains(&c))
}

fn needs_double(s: &str) -> bool {
    s.chars().any(|c| (c < ' ' && c != '\n') || c == '\u{7f}' || c == '\u{feff}' || ('\u{80}'..'\u{a0}').contains(&c))
}

fn scalar_str(s: &str, is_key: bool, indent: usize) -> String {
    if s.contains('\n') && !is_key && !needs_double(s) && !s.ends_with([' ', '\t']) && !s.contains(" \n") {
        return literal_block(s, indent);
    }
    if s.contains('\n') || needs_double(s) || resolves_non_string(s) {
        return double_quoted(s);
    }
    if plain_allowed(s) {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "''"))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{a0}' => out.push_str("\\_"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || ('\u{80}'..'\u{a0}').contains(&c) => {
                out.push_str(&format!("\\x{:02X}", c as u32))
            }
            '\u{feff}' => out.push_str("\\uFEFF"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn literal_block(s: &str, indent: usize) -> String {
    let mut out = String::from("|");
    if s.starts_with([' ', '\n']) {
        out.push('2');
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    match trailing {
        0 => out.push('-'),
        1 => {}
        _ => out.push('+'),
    }
    let pad = " ".repeat(indent);
    let content = if trailing > 1 { &s[..s.len() - 1] } else { body };
    for line in content.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// A small TOML encoder for toToml (tables and arrays of scalars; nested tables as [a.b]).
fn to_toml(v: &Val) -> String {
    let Val::Map(m) = v else { return "toml: top-level values must be Go maps or structs".into() };
    let mut out = String::new();
    toml_table(m, "", &mut out, 0);
    out
}

fn toml_key(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else {
        let mut o = String::new();
        json_string(k, false, &mut o);
        o
    }
}

fn toml_value(v: &Val) -> String {
    match v {
        Val::Str(s) => {
            let mut o = String::new();
            json_string(s, false, &mut o);
            o
        }
        Val::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{f:.1}"),
        Val::List(l) => format!("[{}]", l.iter().map(toml_value).collect::<Vec<_>>().join(", ")),
        Val::Map(_) | Val::Nil | Val::Host(_) => String::new(),
        v => crate::helm::template::fmt::to_go_string(v),
    }
}

fn toml_table(m: &crate::helm::template::value::MapRef, prefix: &str, out: &mut String, depth: usize) {
    if depth > MAX_VALUE_DEPTH {
        return;
    }
    let entries = Val::map_entries(m);
    for (k, v) in &entries {
        if !matches!(v, Val::Map(_) | Val::Nil) {
            out.push_str(&format!("{} = {}\n", toml_key(k), toml_value(v)));
        }
    }
    for (k, v) in &entries {
        if let Val::Map(sub) = v {
            let name = if prefix.is_empty() { toml_key(k) } else { format!("{prefix}.{}", toml_key(k)) };
            out.push_str(&format!("\n[{name}]\n"));
            toml_table(sub, &name, out, depth + 1);
        }
    }
}
