//! Chart values as Helm computes them: YAML read the way Helm reads it (sigs.k8s.io/yaml over
//! go-yaml v2, so `yes`/`on` are booleans, `0777` is octal and `1_000` is a number), user files
//! deep-merged in order, then coalesced with the defaults of the chart and every subchart
//! (parent values win, `global` flows down, a user `null` deletes a default).
//!
//! Values stay `serde_json` values until rendering, so JSON-schema validation sees integers as
//! integers; the template layer turns every number into a float, as Helm does.

use std::path::Path;
use std::sync::LazyLock;

use serde_json::Value as Json;

use super::chart::Chart;
use crate::parse::Pos;
use crate::parse::yaml::{self, Node, ScalarStyle, Value as Y};

pub type Map = serde_json::Map<String, Json>;

/// A values file that cannot be read or is not a mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuesError {
    /// The file as given (or as found in the chart).
    pub file: String,
    pub pos: Option<Pos>,
    pub message: String,
}

impl std::fmt::Display for ValuesError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.pos {
            Some(p) => write!(f, "{}:{}:{}: {}", self.file, p.line, p.col, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ValuesError {}

static VALUES_REF: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new(r"\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)").expect("valid regex"));

/// The values a template line reads (`.Values.image.tag`), as JSON pointers into the values
/// (`/image/tag`), in the order they appear: what source maps use to point a rendered value at
/// the values entry that set it.
pub fn values_pointers(template_line: &str) -> Vec<String> {
    VALUES_REF.captures_iter(template_line).filter_map(|c| c.get(1)).map(|m| m.as_str().replace('.', "/")).collect()
}

/// Reads a user values file (`--values`).
pub fn read_values_file(path: &Path) -> Result<Map, ValuesError> {
    let file = path.display().to_string();
    let bytes =
        crate::vfs::read(path).map_err(|e| ValuesError { file: file.clone(), pos: None, message: e.to_string() })?;
    parse_values(&String::from_utf8_lossy(&bytes), &file)
}

/// Parses a values document stream; the documents are merged like Helm's `LoadValues`.
pub fn parse_values(text: &str, file: &str) -> Result<Map, ValuesError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let docs = yaml::parse_stream(text, &yaml::Limits::default()).map_err(|e| ValuesError {
        file: file.to_owned(),
        pos: Some(e.pos),
        message: e.message,
    })?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Map::new();
    for doc in docs {
        match node_to_json(&doc.root, &lines) {
            Json::Object(map) => merge_maps(&mut out, map),
            Json::Null => {}
            other => {
                return Err(ValuesError {
                    file: file.to_owned(),
                    pos: Some(doc.root.pos),
                    message: format!("values must be a mapping, not {}", json_type(&other)),
                });
            }
        }
    }
    Ok(out)
}

/// Deep merge for successive values files: maps merge, anything else (null too) replaces.
pub fn merge_maps(dst: &mut Map, src: Map) {
    for (key, value) in src {
        match (dst.get_mut(&key), value) {
            (Some(Json::Object(d)), Json::Object(s)) => merge_maps(d, s),
            (_, value) => {
                dst.insert(key, value);
            }
        }
    }
}

/// The JSON name of a value's type, for messages.
pub(crate) fn json_type(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "a mapping",
    }
}

/// A YAML node as Helm sees it (see the module doc); `lines` is the source, to recover the
/// text of plain integers.
pub(crate) fn node_to_json(node: &Node, lines: &[&str]) -> Json {
    match &node.value {
        Y::Seq(items) => Json::Array(items.iter().map(|n| node_to_json(n, lines)).collect()),
        Y::Map(entries) => {
            let mut map = Map::new();
            for (k, v) in entries {
                map.insert(key_string(k, lines), node_to_json(v, lines));
            }
            Json::Object(map)
        }
        _ => scalar_json(node, lines),
    }
}

fn key_string(key: &Node, lines: &[&str]) -> String {
    match scalar_json(key, lines) {
        Json::String(s) => s,
        Json::Null => "null".to_owned(),
        other => other.to_string(),
    }
}

/// A scalar with go-yaml v2's resolution of plain scalars layered over the YAML 1.2 core one.
pub(crate) fn scalar_json(node: &Node, lines: &[&str]) -> Json {
    let plain = node.style == ScalarStyle::Plain && node.tag.is_none();
    match &node.value {
        Y::Null => Json::Null,
        Y::Bool(b) => Json::Bool(*b),
        Y::Int(i) if plain => octal_int(node, lines).map_or_else(|| Json::from(*i), Json::from),
        Y::Int(i) => Json::from(*i),
        Y::Float(f) => float_json(*f),
        Y::String(s) if plain => yaml11_plain(s).unwrap_or_else(|| Json::String(s.clone())),
        Y::String(s) => Json::String(s.clone()),
        Y::Seq(_) | Y::Map(_) => node_to_json(node, lines),
    }
}

fn float_json(f: f64) -> Json {
    serde_json::Number::from_f64(f).map_or_else(|| Json::String(format!("{f}")), Json::Number)
}

/// `0777` is octal in YAML 1.1 (YAML 1.2 reads it as decimal 777).
fn octal_int(node: &Node, lines: &[&str]) -> Option<i64> {
    let line = lines.get(node.pos.line.checked_sub(1)? as usize)?;
    let raw: String = line
        .chars()
        .skip(node.pos.col.saturating_sub(1) as usize)
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '-'))
        .collect();
    let (negative, digits) = match raw.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, raw.strip_prefix('+').unwrap_or(&raw)),
    };
    let octal = digits.strip_prefix('0').filter(|d| !d.is_empty() && d.bytes().all(|b| (b'0'..=b'7').contains(&b)))?;
    let v = i64::from_str_radix(octal, 8).ok()?;
    Some(if negative { -v } else { v })
}

/// Plain scalars that YAML 1.1 (go-yaml v2) resolves differently from YAML 1.2.
fn yaml11_plain(s: &str) -> Option<Json> {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Some(Json::Bool(true)),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Some(Json::Bool(false)),
        _ => {}
    }
    let first = s.chars().next()?;
    if !(first.is_ascii_digit() || matches!(first, '-' | '+' | '.')) {
        return None;
    }
    let plain = s.replace('_', "");
    let (negative, unsigned) = match plain.strip_prefix('-') {
        Some(u) => (true, u),
        None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
    };
    let radix = [("0x", 16), ("0o", 8), ("0b", 2)]
        .iter()
        .find_map(|(p, r)| unsigned.strip_prefix(p).map(|d| (d, *r)))
        .or_else(|| unsigned.strip_prefix('0').filter(|d| !d.is_empty()).map(|d| (d, 8)))
        .unwrap_or((unsigned, 10));
    if let Ok(v) = i64::from_str_radix(radix.0, radix.1)
        && !radix.0.starts_with(['+', '-'])
    {
        return Some(Json::from(if negative { -v } else { v }));
    }
    static FLOAT: LazyLock<Option<regex::Regex>> =
        LazyLock::new(|| regex::Regex::new(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$").ok());
    if FLOAT.as_ref().is_some_and(|re| re.is_match(&plain)) {
        return plain.parse::<f64>().ok().map(float_json);
    }
    None
}

/// Helm's `CoalesceValues`: the chart's defaults and its subcharts' under `user` (a copy).
pub fn coalesce(chart: &Chart, user: &Map) -> Map {
    let mut dest = user.clone();
    coalesce_chart(chart, &mut dest, false);
    dest
}

/// Helm's `MergeValues`: like [`coalesce`] but nulls are kept.
pub(crate) fn merge(chart: &Chart, user: &Map) -> Map {
    let mut dest = user.clone();
    coalesce_chart(chart, &mut dest, true);
    dest
}

fn coalesce_chart(chart: &Chart, dest: &mut Map, merge: bool) {
    coalesce_defaults(chart, dest, merge);
    for sub in &chart.dependencies {
        let name = sub.name();
        let mut sub_values = match dest.remove(name) {
            Some(Json::Object(m)) => m,
            // Helm stops with "type mismatch" here; a non-table loses to the subchart's defaults.
            _ => Map::new(),
        };
        coalesce_globals(&mut sub_values, dest);
        coalesce_chart(sub, &mut sub_values, merge);
        dest.insert(name.to_owned(), Json::Object(sub_values));
    }
}

/// Copies the parent's globals into a subchart's values (the parent's win).
fn coalesce_globals(dest: &mut Map, parent: &Map) {
    let mut dg = match dest.get("global") {
        None => Map::new(),
        Some(Json::Object(m)) => m.clone(),
        Some(_) => return,
    };
    let sg = match parent.get("global") {
        None => Map::new(),
        Some(Json::Object(m)) => m.clone(),
        Some(_) => return,
    };
    for (key, val) in sg {
        match (val, dg.get_mut(&key)) {
            (Json::Object(mut vv), Some(Json::Object(d))) => {
                coalesce_tables(&mut vv, d.clone(), true);
                dg.insert(key, Json::Object(vv));
            }
            (Json::Object(_), Some(_)) => {}
            (val @ Json::Object(_), None) => {
                dg.insert(key, val);
            }
            (_, Some(Json::Object(_))) => {}
            (val, _) => {
                dg.insert(key, val);
            }
        }
    }
    dest.insert("global".to_owned(), Json::Object(dg));
}

/// Merges the chart's own defaults under `v`.
fn coalesce_defaults(chart: &Chart, v: &mut Map, merge: bool) {
    for (key, val) in chart.values.clone() {
        match v.get_mut(&key) {
            Some(Json::Null) if !merge => {
                v.remove(&key);
            }
            Some(Json::Object(dest)) => {
                if let Json::Object(mut src) = val {
                    let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    if !merge {
                        clean_nulls(&mut src);
                    }
                    coalesce_tables(dest, src, merge);
                }
            }
            Some(_) => {}
            None => {
                let val = match val {
                    Json::Null if !merge => continue,
                    Json::Object(mut m) if !merge => {
                        clean_nulls(&mut m);
                        Json::Object(m)
                    }
                    val => val,
                };
                v.insert(key, val);
            }
        }
    }
}

/// Helm's `coalesceTablesFullKey`: merges `src` under `dst` (`dst` wins). When coalescing, a
/// null in `dst` over a non-null default deletes the key.
pub(crate) fn coalesce_tables(dst: &mut Map, mut src: Map, merge: bool) {
    let src_non_null: std::collections::HashSet<String> =
        src.iter().filter(|(_, v)| !v.is_null()).map(|(k, _)| k.clone()).collect();
    for (key, val) in dst.iter() {
        if val.is_null() {
            src.insert(key.clone(), Json::Null);
        }
    }
    for (key, val) in src {
        match dst.get_mut(&key) {
            Some(Json::Null) if !merge && src_non_null.contains(&key) => {
                dst.remove(&key);
            }
            None => {
                dst.insert(key, val);
            }
            Some(Json::Object(d)) => {
                if let Json::Object(s) = val {
                    coalesce_tables(d, s, merge);
                }
            }
            Some(_) => {}
        }
    }
}

/// Removes null entries, recursively through nested maps.
fn clean_nulls(m: &mut Map) {
    m.retain(|_, v| !v.is_null());
    for v in m.values_mut() {
        if let Json::Object(sub) = v {
            clean_nulls(sub);
        }
    }
}

/// Helm's `Values.Table`: the map at a dotted path, if every step is a map.
pub(crate) fn table<'a>(values: &'a Map, path: &str) -> Option<&'a Map> {
    let mut table = values;
    for part in path.split('.') {
        match table.get(part) {
            Some(Json::Object(m)) => table = m,
            _ => return None,
        }
    }
    Some(table)
}

/// Helm's `Values.PathValue`: the non-table value at a dotted path.
pub(crate) fn path_value<'a>(values: &'a Map, path: &str) -> Option<&'a Json> {
    let (parent, key) = match path.rsplit_once('.') {
        Some((parent, key)) => (table(values, parent)?, key),
        None => (values, path),
    };
    parent.get(key).filter(|v| !v.is_object())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(text: &str) -> Json {
        Json::Object(parse_values(text, "values.yaml").expect("parses"))
    }

    #[test]
    fn yaml11_scalars() {
        let v =
            parse("a: yes\nb: off\nc: y\nd: 0777\ne: 1_000\nf: 0o17\ng: '0777'\nh: 0x1F\ni: \"yes\"\nj: 1.5\nk: 09\n");
        assert_eq!(
            v,
            json!({"a": true, "b": false, "c": true, "d": 511, "e": 1000, "f": 15, "g": "0777", "h": 31,
                   "i": "yes", "j": 1.5, "k": 9})
        );
        assert_eq!(parse("yes: 1\n2: x\n"), json!({"true": 1, "2": "x"}));
    }

    #[test]
    fn documents_merge_and_errors_have_positions() {
        assert_eq!(parse("a: {b: 1}\n---\na: {c: 2}\n"), json!({"a": {"b": 1, "c": 2}}));
        let err = parse_values("- a\n", "f.yaml").expect_err("list");
        assert_eq!(err.to_string(), "f.yaml:1:1: values must be a mapping, not a list");
        let err = parse_values("a: [\n", "f.yaml").expect_err("syntax");
        assert!(err.to_string().starts_with("f.yaml:"), "{err}");
    }

    #[test]
    fn coalesce_tables_semantics() {
        let mut dst = json!({"a": null, "b": {"x": 1}, "c": 1}).as_object().cloned().expect("map");
        let src = json!({"a": 5, "b": {"y": 2}, "d": 4}).as_object().cloned().expect("map");
        coalesce_tables(&mut dst, src, false);
        assert_eq!(Json::Object(dst), json!({"b": {"x": 1, "y": 2}, "c": 1, "d": 4}));
    }

    #[test]
    fn path_lookup() {
        let v = json!({"a": {"b": {"enabled": true}}, "t": {"x": 1}}).as_object().cloned().expect("map");
        assert_eq!(path_value(&v, "a.b.enabled"), Some(&json!(true)));
        assert_eq!(path_value(&v, "a.b"), None);
        assert_eq!(table(&v, "t").map(|t| t.len()), Some(1));
    }
}
