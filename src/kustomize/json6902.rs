//! JSON patch (RFC 6902) on source-mapped trees: `add`, `remove`, `replace`, `move`, `copy` and
//! `test`, with JSON pointers (`~1` for `/`, `~0` for `~`, `-` for the end of a list), as
//! kustomize applies them (evanphx/json-patch v4: `remove` needs the value to exist, `replace`
//! needs its parent, and a list item, to exist (a mapping takes a new key), negative list
//! indices count from the end).
//!
//! A value an operation adds is the op's `value` node, so it keeps the patch's file and line;
//! `move` and `copy` keep the origin of what they move or copy. Everything else keeps its own.
//!
//! Why ours: kustomize round-trips objects through JSON for this, losing every position.

use crate::parse::yaml::{Node, Value, key_text};

/// One operation of a JSON patch.
#[derive(Debug, Clone)]
pub struct Operation {
    pub op: String,
    pub path: Vec<String>,
    pub from: Option<Vec<String>>,
    /// `value` (null when absent, as json-patch reads it).
    pub value: Node,
    /// The operation's mapping, for problems about it.
    pub node: Node,
}

/// Splits a JSON pointer into its tokens (`""` is the whole document).
pub fn pointer(text: &str) -> Result<Vec<String>, String> {
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = text.strip_prefix('/') else {
        return Err(format!("JSON pointer {text:?} does not start with /"));
    };
    Ok(rest.split('/').map(|t| t.replace("~1", "/").replace("~0", "~")).collect())
}

/// Reads a JSON patch: a sequence of operations.
pub fn parse(patch: &Node) -> Result<Vec<Operation>, (Node, String)> {
    let Some(items) = patch.as_seq() else {
        return Err((patch.clone(), format!("a JSON patch is a list of operations, not a {}", patch.type_name())));
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let fail = |m: String| (item.clone(), m);
        if item.as_map().is_none() {
            return Err(fail(format!("a JSON patch operation is a mapping, not a {}", item.type_name())));
        }
        let op = item.get("op").and_then(Node::as_str).ok_or_else(|| fail("operation has no `op`".into()))?;
        if !["add", "remove", "replace", "move", "copy", "test"].contains(&op) {
            return Err(fail(format!("unknown JSON patch operation {op:?}")));
        }
        let path = item.get("path").and_then(Node::as_str).ok_or_else(|| fail(format!("`{op}` has no `path`")))?;
        let path = pointer(path).map_err(fail)?;
        let from = match item.get("from").and_then(Node::as_str) {
            Some(f) => Some(pointer(f).map_err(fail)?),
            None if op == "move" || op == "copy" => return Err(fail(format!("`{op}` has no `from`"))),
            None => None,
        };
        let value = item.get("value").cloned().unwrap_or_else(|| {
            let mut n = item.clone();
            n.value = Value::Null;
            n
        });
        out.push(Operation { op: op.to_string(), path, from, value, node: item.clone() });
    }
    Ok(out)
}

/// Applies `ops` to `doc` in order. On failure `doc` is unchanged and the error names the
/// failing operation (its index) and why.
pub fn apply(doc: &mut Node, ops: &[Operation]) -> Result<(), (usize, String)> {
    let mut work = doc.clone();
    for (i, op) in ops.iter().enumerate() {
        apply_one(&mut work, op).map_err(|e| (i, format!("{} {}: {e}", op.op, show(&op.path))))?;
    }
    *doc = work;
    Ok(())
}

fn show(path: &[String]) -> String {
    if path.is_empty() {
        return "\"\"".into();
    }
    path.iter().map(|t| format!("/{}", t.replace('~', "~0").replace('/', "~1"))).collect()
}

fn apply_one(doc: &mut Node, op: &Operation) -> Result<(), String> {
    match op.op.as_str() {
        "add" => add(doc, &op.path, op.value.clone()),
        "remove" => remove(doc, &op.path).map(drop),
        "replace" => replace(doc, &op.path, op.value.clone()),
        "move" => {
            let from = op.from.as_deref().unwrap_or_default();
            if op.path.len() > from.len() && op.path.starts_with(from) {
                return Err(format!("cannot move {} into its own child", show(from)));
            }
            let v = remove(doc, from)?;
            add(doc, &op.path, v)
        }
        "copy" => {
            let from = op.from.as_deref().unwrap_or_default();
            let v = get(doc, from).cloned().ok_or_else(|| format!("nothing at {} to copy", show(from)))?;
            add(doc, &op.path, v)
        }
        _ => match get(doc, &op.path) {
            Some(v) if v.to_json() == op.value.to_json() => Ok(()),
            Some(v) => Err(format!("test failed: the value is {}, not {}", v.to_json(), op.value.to_json())),
            None => Err("test failed: no value there".into()),
        },
    }
}

/// A list index as json-patch reads it (negative counts from the end); `None` when invalid.
fn index(token: &str, len: usize, allow_end: bool) -> Option<usize> {
    if allow_end && token == "-" {
        return Some(len);
    }
    let i: i64 = token.parse().ok()?;
    let len_i = i64::try_from(len).ok()?;
    let i = if i < 0 { i + len_i } else { i };
    let limit = if allow_end { len_i } else { len_i - 1 };
    (0..=limit).contains(&i).then(|| usize::try_from(i).ok()).flatten()
}

fn get<'a>(doc: &'a Node, path: &[String]) -> Option<&'a Node> {
    let mut n = doc;
    for t in path {
        n = match &n.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| key_text(k) == *t).map(|(_, v)| v)?,
            Value::Seq(items) => items.get(index(t, items.len(), false)?)?,
            _ => return None,
        };
    }
    Some(n)
}

fn get_mut<'a>(doc: &'a mut Node, path: &[String]) -> Option<&'a mut Node> {
    let mut n = doc;
    for t in path {
        n = match &mut n.value {
            Value::Map(entries) => entries.iter_mut().find(|(k, _)| key_text(k) == *t).map(|(_, v)| v)?,
            Value::Seq(items) => {
                let i = index(t, items.len(), false)?;
                items.get_mut(i)?
            }
            _ => return None,
        };
    }
    Some(n)
}

fn add(doc: &mut Node, path: &[String], value: Node) -> Result<(), String> {
    let Some((last, parent)) = path.split_last() else {
        *doc = value;
        return Ok(());
    };
    let Some(p) = get_mut(doc, parent) else { return Err(format!("the parent {} does not exist", show(parent))) };
    match &mut p.value {
        Value::Map(entries) => {
            match entries.iter_mut().find(|(k, _)| key_text(k) == *last) {
                Some((_, v)) => *v = value,
                None => {
                    let mut key = value.clone();
                    key.value = Value::String(last.clone());
                    key.style = Default::default();
                    key.tag = None;
                    entries.push((key, value));
                }
            }
            Ok(())
        }
        Value::Seq(items) => {
            let i = index(last, items.len(), true)
                .ok_or_else(|| format!("index {last:?} is out of the list's range (0..={})", items.len()))?;
            items.insert(i, value);
            Ok(())
        }
        _ => Err(format!("{} is a {}, not a mapping or a list", show(parent), p.type_name())),
    }
}

/// json-patch v4's replace: a list item must exist; a mapping takes the key even when it is new.
fn replace(doc: &mut Node, path: &[String], value: Node) -> Result<(), String> {
    let Some((last, parent)) = path.split_last() else {
        *doc = value;
        return Ok(());
    };
    let missing = || format!("no value at {} to replace", show(path));
    let p = get_mut(doc, parent).ok_or_else(missing)?;
    match &mut p.value {
        Value::Seq(items) => {
            let i = index(last, items.len(), false).ok_or_else(missing)?;
            items[i] = value;
            Ok(())
        }
        Value::Map(_) => add(p, std::slice::from_ref(last), value),
        _ => Err(missing()),
    }
}

fn remove(doc: &mut Node, path: &[String]) -> Result<Node, String> {
    let Some((last, parent)) = path.split_last() else { return Err("cannot remove the whole document".into()) };
    let missing = || format!("nothing at {} to remove", show(path));
    let p = get_mut(doc, parent).ok_or_else(missing)?;
    match &mut p.value {
        Value::Map(entries) => {
            let i = entries.iter().position(|(k, _)| key_text(k) == *last).ok_or_else(missing)?;
            Ok(entries.remove(i).1)
        }
        Value::Seq(items) => {
            let i = index(last, items.len(), false).ok_or_else(missing)?;
            Ok(items.remove(i))
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::tree;
    use crate::parse::Pos;
    use crate::parse::yaml::{Limits, parse_stream};

    fn doc(text: &str, src: u32) -> Node {
        let mut n = parse_stream(text, &Limits::default()).unwrap().remove(0).root;
        tree::set_src(&mut n, src);
        n
    }

    const DEPLOY: &str = "spec:\n  template:\n    spec:\n      containers:\n      - name: a\n        args: [x]\n";

    #[test]
    fn ops_apply_in_order_with_the_values_origins() {
        let mut d = doc(DEPLOY, 0);
        let ops = parse(&doc(
            "- op: add\n  path: /spec/template/spec/containers/0/args/-\n  value: --metrics\n- op: add\n  path: /spec/template/spec/containers/0/ports\n  value:\n  - containerPort: 8443\n- op: replace\n  path: /spec/template/spec/containers/0/name\n  value: b\n- op: copy\n  from: /spec/template/spec/containers/0/name\n  path: /metadata~1x\n- op: test\n  path: /metadata~1x\n  value: b\n- op: move\n  from: /metadata~1x\n  path: /spec/n\n- op: remove\n  path: /spec/template/spec/containers/0/args/0\n",
            1,
        ))
        .unwrap();
        apply(&mut d, &ops).unwrap();
        assert_eq!(
            d.to_json().to_string(),
            r#"{"spec":{"n":"b","template":{"spec":{"containers":[{"args":["--metrics"],"name":"b","ports":[{"containerPort":8443}]}]}}}}"#
        );
        let ports = d.pointer("/spec/template/spec/containers/0/ports").unwrap();
        assert_eq!((ports.src, ports.pos), (1, Pos::new(7, 3)));
        let arg = d.pointer("/spec/template/spec/containers/0/args/0").unwrap();
        assert_eq!((arg.src, arg.pos.line), (1, 3));
        assert_eq!(d.pointer("/spec/template").unwrap().src, 0);
    }

    #[test]
    fn failures_leave_the_document_unchanged_and_name_the_op() {
        let mut d = doc(DEPLOY, 0);
        let before = d.clone();
        for (text, why) in [
            ("- {op: replace, path: /spec/nope/x, value: 1}", "no value at"),
            ("- {op: replace, path: /spec/template/spec/containers/1, value: 1}", "no value at"),
            ("- {op: remove, path: /spec/template/spec/containers/3}", "nothing at"),
            ("- {op: add, path: /a/b, value: 1}", "parent"),
            ("- {op: add, path: /spec/template/spec/containers/5, value: 1}", "out of the list"),
            ("- {op: add, path: /spec/x, value: 1}\n- {op: test, path: /spec/x, value: 2}", "test failed"),
        ] {
            let ops = parse(&doc(text, 1)).unwrap();
            let (_, e) = apply(&mut d, &ops).unwrap_err();
            assert!(e.contains(why), "{text}: {e}");
            assert_eq!(d, before);
        }
        assert!(parse(&doc("- {op: jump, path: /a}", 1)).is_err());
        assert!(parse(&doc("- {op: add, path: a}", 1)).is_err());
        assert!(parse(&doc("- {op: move, path: /a}", 1)).is_err());
        let mut last = doc("a: [1, 2, 3]", 0);
        apply(&mut last, &parse(&doc("- {op: remove, path: /a/-1}", 1)).unwrap()).unwrap();
        assert_eq!(last.to_json().to_string(), r#"{"a":[1,2]}"#);
    }
}
