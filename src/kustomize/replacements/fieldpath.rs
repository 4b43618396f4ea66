//! kustomize's field paths for replacements (kyaml's `Lookup` for sources, `PathMatcher` for
//! targets) and how a value is written there (`setFieldValue`): see [`super`].

use regex::Regex;

use super::{Fault, fault};
use crate::kustomize::tree::{self, Origin};
use crate::parse::yaml::{Node, Value};

/// A source's or target's `options` (`delimiter`, `index`, `create`).
#[derive(Default)]
pub(super) struct Options {
    pub delimiter: Option<String>,
    pub index: i64,
    pub create: bool,
}

impl Options {
    pub fn parse(n: Option<&Node>) -> Result<Self, Fault> {
        let Some(n) = n.filter(|n| !n.is_null()) else { return Ok(Self::default()) };
        let index = match n.get("index") {
            None => 0,
            Some(i) => i.as_i64().ok_or_else(|| fault(i, "options.index is not an integer"))?,
        };
        Ok(Self {
            delimiter: n.get("delimiter").and_then(tree::scalar),
            index,
            create: n.get("create").and_then(Node::as_bool).unwrap_or(false),
        })
    }
}

/// kustomize's field path: split at `.`, `\.` kept in a key, `[...]` with dots kept whole (and
/// unbracketed unless it holds `=`).
pub(super) fn split_path(path: &str) -> Vec<String> {
    let mut raw: Vec<String> = Vec::new();
    let mut pieces = path.split('.').peekable();
    if path.starts_with('.') && path.len() > 1 {
        pieces.next();
    }
    for piece in pieces {
        match raw.last_mut() {
            Some(last) if last.ends_with('\\') => {
                last.pop();
                last.push('.');
                last.push_str(piece);
            }
            _ => raw.push(piece.to_string()),
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let elem = &raw[i];
        if elem.starts_with('[') && !elem.ends_with(']') {
            let mut joined = elem.clone();
            while i + 1 < raw.len() {
                i += 1;
                joined.push('.');
                joined.push_str(&raw[i]);
                if raw[i].ends_with(']') {
                    break;
                }
            }
            if joined.contains('=') {
                out.push(joined);
            } else {
                out.push(joined.trim_matches(|c| c == '[' || c == ']').to_string());
            }
        } else {
            out.push(elem.clone());
        }
        i += 1;
    }
    out
}

/// `[field=value]` as (field, value); `None` when not bracketed or without `=`.
fn list_index(seg: &str) -> Option<(&str, &str)> {
    seg.strip_prefix('[')?.strip_suffix(']')?.split_once('=')
}

fn index(seg: &str) -> Option<usize> {
    seg.parse::<usize>().ok()
}

/// The source lookup (kyaml's `Lookup`): keys, `[field=value]` (exact), numeric indexes and `-`
/// for the last item.
pub(super) fn lookup<'a>(node: &'a Node, path: &[String]) -> Option<&'a Node> {
    let mut n = node;
    for seg in path.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        n = match (&n.value, seg) {
            (Value::Seq(items), "-") => items.last()?,
            (Value::Seq(items), s) if index(s).is_some() => items.get(index(s)?)?,
            (Value::Seq(items), s) if list_index(s).is_some() => {
                let (f, v) = list_index(s)?;
                items.iter().find(|it| {
                    if f.is_empty() {
                        tree::scalar(it).as_deref() == Some(v)
                    } else {
                        it.get(f).and_then(tree::scalar).as_deref() == Some(v)
                    }
                })?
            }
            (Value::Map(_), s) => n.get(s)?,
            _ => return None,
        };
    }
    Some(n)
}

/// What a missing field is created as: a sequence before an index, a mapping before a key, the
/// value's kind at the end.
fn created(next: Option<&String>, value: &Node, at: Origin) -> Node {
    match next {
        None => match value.value {
            Value::Map(_) => tree::map(Vec::new(), at),
            Value::Seq(_) => tree::seq(Vec::new(), at),
            _ => tree::node(Value::Null, at),
        },
        Some(s) if index(s).is_some() || list_index(s).is_some() || (s.starts_with('[') && s.ends_with(']')) => {
            tree::seq(Vec::new(), at)
        }
        Some(_) => tree::map(Vec::new(), at),
    }
}

/// Writes `value` at field path entry `p` of `node` (a target object).
pub(super) fn copy_to(node: &mut Node, p: &Node, value: &Node, opts: &Options) -> Result<(), Fault> {
    let Some(path) = tree::scalar(p) else { return Err(fault(p, "a field path is a string")) };
    let segs = split_path(&path);
    let at = Origin::of(p);
    let (mut count, mut failed) = (0, None);
    walk(node, &segs, value, opts.create, at, &mut |t: &mut Node| {
        count += 1;
        if failed.is_none() {
            failed = set_value(t, value, opts, at).err();
        }
    })
    .map_err(|e| fault(p, e))?;
    if let Some(e) = failed {
        return Err(fault(p, e));
    }
    if count == 0 {
        let verb = if opts.create { "find or create" } else { "find" };
        return Err(fault(p, format!("unable to {verb} field {path:?} in replacement target")));
    }
    Ok(())
}

/// kyaml's PathMatcher: calls `f` on every node `segs` reaches from `n`, creating what is
/// missing when `create`.
fn walk(
    n: &mut Node,
    segs: &[String],
    value: &Node,
    create: bool,
    at: Origin,
    f: &mut dyn FnMut(&mut Node),
) -> Result<(), String> {
    let Some((seg, rest)) = segs.split_first() else {
        f(n);
        return Ok(());
    };
    let next = rest.first();
    if create && n.is_null() {
        *n = created(Some(seg), value, at);
    }
    if let Some(i) = index(seg) {
        let Value::Seq(items) = &mut n.value else { return not_a(n, "sequence", seg) };
        if items.len() == i && create {
            items.push(created(next, value, at));
        }
        let len = items.len();
        let item = items.get_mut(i).ok_or_else(|| format!("index {i} specified but only {len} elements found"))?;
        return walk(item, rest, value, create, at, f);
    }
    if seg.starts_with('[') && seg.ends_with(']') {
        let (field, pattern) =
            list_index(seg).ok_or("list path element must contain fieldName=fieldValue for element to match")?;
        let re = Regex::new(pattern).map_err(|e| format!("{seg}: {e}"))?;
        let Value::Seq(items) = &mut n.value else { return not_a(n, "sequence", seg) };
        let hit = |it: &Node| {
            if field.is_empty() {
                tree::scalar(it).is_some_and(|s| re.is_match(s.trim()))
            } else {
                it.get(field).and_then(tree::scalar).is_some_and(|s| re.is_match(s.trim()))
            }
        };
        if !items.iter().any(hit) && create {
            let v = tree::string(pattern, at);
            items.push(if field.is_empty() { v } else { tree::map(vec![(tree::string(field, at), v)], at) });
        }
        for it in items.iter_mut().filter(|it| hit(it)) {
            if field.is_empty() {
                f(it);
            } else {
                walk(it, rest, value, create, at, f)?;
            }
        }
        return Ok(());
    }
    if seg == "*" {
        let Value::Seq(items) = &mut n.value else { return not_a(n, "sequence", seg) };
        for it in items.iter_mut() {
            walk(it, rest, value, create, at, f)?;
        }
        return Ok(());
    }
    if n.is_null() {
        return Ok(());
    }
    if !matches!(n.value, Value::Map(_)) {
        return not_a(n, "mapping", seg);
    }
    if tree::get_mut(n, seg).is_none() {
        if !create {
            return Ok(());
        }
        tree::set(n, seg, created(next, value, at));
    }
    let Some(child) = tree::get_mut(n, seg) else { return Ok(()) };
    if child.is_scalar() && !child.is_null() && !rest.is_empty() {
        return Err(format!(
            "{seg} is a scalar: paved does not build replacements into structured data held in a string"
        ));
    }
    walk(child, rest, value, create, at, f)
}

fn not_a(n: &Node, want: &str, seg: &str) -> Result<(), String> {
    if n.is_null() {
        return Ok(());
    }
    Err(format!("cannot apply {seg:?} to a {}: it needs a {want}", n.type_name()))
}

/// kustomize's setFieldValue: a scalar target keeps its type and takes the text (one part of it
/// with a delimiter); anything else is replaced by the value.
fn set_value(t: &mut Node, value: &Node, opts: &Options, at: Origin) -> Result<(), String> {
    let mut text = tree::scalar(value).unwrap_or_default();
    if let Some(d) = opts.delimiter.as_deref().filter(|d| !d.is_empty()) {
        if !t.is_scalar() {
            return Err("delimiter option can only be used with scalar nodes".into());
        }
        let current = tree::scalar(t).unwrap_or_default();
        let mut parts: Vec<&str> = current.split(d).collect();
        match usize::try_from(opts.index) {
            Err(_) => parts.insert(0, &text),
            Ok(i) if i >= parts.len() => parts.push(&text),
            Ok(i) => parts[i] = &text,
        }
        text = parts.join(d);
    }
    if t.is_scalar() {
        let v = match (&t.value, opts.delimiter.is_some() || value.is_scalar()) {
            (Value::String(_), _) => Value::String(text),
            (_, true) => plain(&text),
            (_, false) => Value::String(String::new()),
        };
        *t = tree::node(v, at);
    } else {
        *t = value.clone();
        t.src = at.src;
        t.pos = at.pos;
        t.content = at.pos;
    }
    Ok(())
}

/// A text as an untagged plain YAML scalar reads.
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Ok(i) = text.parse::<i64>() {
        return Value::Int(i);
    }
    let numeric =
        text.chars().any(|c| c.is_ascii_digit()) && text.chars().all(|c| c.is_ascii_digit() || "+-.eE".contains(c));
    match text.parse::<f64>() {
        Ok(f) if numeric => Value::Float(f),
        _ => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_like_kustomize() {
        assert_eq!(
            split_path("metadata.annotations.[cert-manager.io/inject-ca-from]"),
            ["metadata", "annotations", "cert-manager.io/inject-ca-from"]
        );
        assert_eq!(split_path(".spec.containers.[name=web.x].image"), ["spec", "containers", "[name=web.x]", "image"]);
        assert_eq!(split_path(r"data.a\.b"), ["data", "a.b"]);
    }
}
