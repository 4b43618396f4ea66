//! Field specs: kustomize's way of naming the fields a transformer touches
//! (`{group, version, kind, path: spec/template/metadata/labels, create: true}`).
//!
//! A path is `/`-separated (`\/` escapes a slash in a key: `metadata/annotations/a\/b`). A
//! segment that reaches a sequence applies the rest of the path to each item, as kyaml does;
//! `name[]` says so explicitly and `name[key=value]` keeps the items whose `key` is `value`.

use super::Resource;
use super::tree::{self, Origin};
use crate::parse::yaml::{Node, Value};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FieldSpec {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub path: String,
    pub create: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Key(String),
    /// `key[]`: every item of the sequence at key.
    Each(String),
    /// `key[field=value]`: the items of the sequence at key whose field is value.
    Matching(String, String, String),
}

fn segments(path: &str) -> Vec<Segment> {
    let mut raw = Vec::new();
    let mut cur = String::new();
    let mut chars = path.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'/') => {
                cur.push('/');
                chars.next();
            }
            '/' => raw.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    raw.push(cur);
    raw.into_iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            if let Some(k) = s.strip_suffix("[]") {
                return Segment::Each(k.to_string());
            }
            if let Some((k, sel)) = s.strip_suffix(']').and_then(|x| x.split_once('['))
                && let Some((f, v)) = sel.split_once('=')
            {
                return Segment::Matching(k.to_string(), f.to_string(), v.to_string());
            }
            Segment::Key(s)
        })
        .collect()
}

impl FieldSpec {
    /// Whether this spec applies to `r` (an empty group, version or kind matches any).
    pub fn applies_to(&self, r: &Resource) -> bool {
        let (g, v) = r.group_version();
        (self.kind.is_empty() || self.kind == r.kind())
            && (self.version.is_empty() || self.version == v)
            && (self.group.is_empty() || self.group == g)
    }

    /// Calls `f` on every node this spec's path reaches in `node`. With `create` set on the spec
    /// and `make` given, missing mappings on the way are created (at `at`) and a missing last
    /// field is set to `make()` before `f` sees it.
    pub fn visit(&self, node: &mut Node, at: Origin, make: Option<&dyn Fn() -> Node>, f: &mut dyn FnMut(&mut Node)) {
        let segs = segments(&self.path);
        let make = if self.create { make } else { None };
        walk(node, &segs, at, make, f);
    }
}

fn walk(node: &mut Node, segs: &[Segment], at: Origin, make: Option<&dyn Fn() -> Node>, f: &mut dyn FnMut(&mut Node)) {
    let Some((first, rest)) = segs.split_first() else {
        f(node);
        return;
    };
    if let Value::Seq(items) = &mut node.value {
        for item in items.iter_mut() {
            walk(item, segs, at, make, f);
        }
        return;
    }
    let key = match first {
        Segment::Key(k) | Segment::Each(k) | Segment::Matching(k, _, _) => k.as_str(),
    };
    if tree::get_mut(node, key).is_none_or(|n| n.is_null()) {
        // kyaml never creates a sequence a path names with `[]`: it only looks it up.
        let Some(make) = make.filter(|_| matches!(first, Segment::Key(_))) else { return };
        if !matches!(node.value, Value::Map(_)) {
            return;
        }
        let value = if rest.is_empty() { make() } else { tree::map(Vec::new(), at) };
        tree::set(node, key, value);
    }
    let Some(next) = tree::get_mut(node, key) else { return };
    match first {
        Segment::Key(_) => walk(next, rest, at, make, f),
        Segment::Each(_) | Segment::Matching(..) => {
            let Value::Seq(items) = &mut next.value else {
                if matches!(first, Segment::Each(_)) {
                    walk(next, rest, at, make, f);
                }
                return;
            };
            for item in items.iter_mut() {
                if let Segment::Matching(_, field, value) = first
                    && item.get(field).and_then(tree::scalar).as_deref() != Some(value.as_str())
                {
                    continue;
                }
                walk(item, rest, at, make, f);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{Limits, parse_stream};

    fn doc(text: &str) -> Node {
        parse_stream(text, &Limits::default()).unwrap().remove(0).root
    }

    #[test]
    fn paths_reach_through_sequences_and_create_when_asked() {
        let mut n = doc("spec:\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: y\n");
        let spec = FieldSpec { path: "spec/containers/image".into(), ..FieldSpec::default() };
        let mut seen = Vec::new();
        spec.visit(&mut n, Origin::default(), None, &mut |v| seen.push(v.as_str().unwrap_or("").to_string()));
        assert_eq!(seen, ["x", "y"]);
        let spec = FieldSpec { path: "spec/containers[name=b]/image".into(), ..FieldSpec::default() };
        let mut seen = Vec::new();
        spec.visit(&mut n, Origin::default(), None, &mut |v| seen.push(v.as_str().unwrap_or("").to_string()));
        assert_eq!(seen, ["y"]);
        let spec = FieldSpec { path: "metadata/labels".into(), create: true, ..FieldSpec::default() };
        let make = || tree::map(Vec::new(), Origin::default());
        let mut count = 0;
        spec.visit(&mut n, Origin::default(), Some(&make), &mut |v| {
            tree::set(v, "app", tree::string("web", Origin::default()));
            count += 1;
        });
        assert_eq!((count, tree::str_at(&n, &["metadata", "labels", "app"])), (1, Some("web")));
        let spec = FieldSpec {
            path: "spec/volumeClaimTemplates[]/metadata/labels".into(),
            create: true,
            ..FieldSpec::default()
        };
        spec.visit(&mut n, Origin::default(), Some(&make), &mut |_| panic!("no claim templates to label"));
        assert!(n.get("spec").unwrap().get("volumeClaimTemplates").is_none());
    }

    #[test]
    fn escaped_slashes_stay_in_keys() {
        assert_eq!(
            segments("metadata/annotations/cert-manager.io\\/inject-ca-from"),
            [
                Segment::Key("metadata".into()),
                Segment::Key("annotations".into()),
                Segment::Key("cert-manager.io/inject-ca-from".into())
            ]
        );
    }
}
