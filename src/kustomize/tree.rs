//! Building and editing [`Node`] trees with their origins: every node a transformer creates
//! names the file and position that produced it (`src`, `pos`), so a finding on it lands there.

use crate::parse::Pos;
use crate::parse::yaml::{Node, ScalarStyle, Value, key_text};

/// Where a created node comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Origin {
    pub src: u32,
    pub pos: Pos,
}

impl Origin {
    pub fn new(src: u32, pos: Pos) -> Self {
        Self { src, pos }
    }

    /// The origin of an existing node.
    pub fn of(node: &Node) -> Self {
        Self { src: node.src, pos: node.pos }
    }
}

pub fn node(value: Value, at: Origin) -> Node {
    Node { pos: at.pos, value, style: ScalarStyle::Plain, tag: None, content: at.pos, src: at.src }
}

pub fn string(s: impl Into<String>, at: Origin) -> Node {
    node(Value::String(s.into()), at)
}

pub fn map(entries: Vec<(Node, Node)>, at: Origin) -> Node {
    node(Value::Map(entries), at)
}

pub fn seq(items: Vec<Node>, at: Origin) -> Node {
    node(Value::Seq(items), at)
}

/// Sets `src` on `node` and everything under it (a file just parsed).
pub fn set_src(node: &mut Node, src: u32) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        n.src = src;
        match &mut n.value {
            Value::Seq(items) => stack.extend(items.iter_mut()),
            Value::Map(entries) => {
                for (k, v) in entries.iter_mut() {
                    k.src = src;
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
}

/// The value of `key` in mapping `node`, mutable.
pub fn get_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        Value::Map(entries) => entries.iter_mut().find(|(k, _)| key_text(k) == key).map(|(_, v)| v),
        _ => None,
    }
}

/// Sets `key` to `value` in mapping `node` (replacing the value and keeping the key where it is,
/// or appending `key` with the value's origin). Does nothing when `node` is not a mapping.
pub fn set(node: &mut Node, key: &str, value: Node) {
    if let Value::Map(entries) = &mut node.value {
        if let Some((_, v)) = entries.iter_mut().find(|(k, _)| key_text(k) == key) {
            *v = value;
        } else {
            let at = Origin::of(&value);
            entries.push((string(key, at), value));
        }
    }
}

/// Removes `key` from mapping `node`, returning its value.
pub fn remove(node: &mut Node, key: &str) -> Option<Node> {
    if let Value::Map(entries) = &mut node.value {
        let i = entries.iter().position(|(k, _)| key_text(k) == key)?;
        return Some(entries.remove(i).1);
    }
    None
}

/// The mapping at `key` of mapping `node`, created empty (at `at`) when absent or null. `None`
/// when `node` is not a mapping or the value there is not a mapping.
pub fn ensure_map<'a>(node: &'a mut Node, key: &str, at: Origin) -> Option<&'a mut Node> {
    let Value::Map(entries) = &mut node.value else { return None };
    let i = match entries.iter().position(|(k, _)| key_text(k) == key) {
        Some(i) => {
            if entries[i].1.is_null() {
                entries[i].1 = map(Vec::new(), at);
            }
            i
        }
        None => {
            entries.push((string(key, at), map(Vec::new(), at)));
            entries.len() - 1
        }
    };
    let v = &mut entries[i].1;
    matches!(v.value, Value::Map(_)).then_some(v)
}

/// A scalar's text (`8080`, `true`, strings as they are); `None` for collections and null.
pub fn scalar(node: &Node) -> Option<String> {
    if node.is_null() { None } else { node.scalar_text().map(|s| s.into_owned()) }
}

/// The string at a `/`-free key path (`["metadata", "name"]`).
pub fn str_at<'a>(node: &'a Node, path: &[&str]) -> Option<&'a str> {
    let mut n = node;
    for k in path {
        n = n.get(k)?;
    }
    n.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{Limits, parse_stream};

    #[test]
    fn edits_keep_and_give_origins() {
        let mut root = parse_stream("metadata:\n  name: a\n", &Limits::default()).unwrap().remove(0).root;
        set_src(&mut root, 3);
        assert_eq!(root.get("metadata").unwrap().get("name").unwrap().src, 3);
        let at = Origin::new(7, Pos::new(9, 2));
        let labels = ensure_map(get_mut(&mut root, "metadata").unwrap(), "labels", at).unwrap();
        set(labels, "app", string("web", at));
        let l = root.pointer("/metadata/labels/app").unwrap();
        assert_eq!((l.as_str(), l.src, l.pos), (Some("web"), 7, Pos::new(9, 2)));
        assert_eq!(remove(get_mut(&mut root, "metadata").unwrap(), "name").and_then(|n| scalar(&n)), Some("a".into()));
        assert_eq!(str_at(&root, &["metadata", "labels", "app"]), Some("web"));
    }
}
