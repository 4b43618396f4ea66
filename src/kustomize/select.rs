//! Which objects a patch applies to, as kustomize decides it.
//!
//! - A `target:` ([`Selector`]): group, version, kind, name and namespace are regular
//!   expressions anchored to the whole value (`name: web-.*`); name and namespace match the
//!   object's original or current ones (a base's `namePrefix` does not hide it); labelSelector
//!   and annotationSelector use the Kubernetes selector syntax (`a=b,c!=d,e in (x,y),!f,g`).
//!   (kustomize's `resmap.Select`, `types.SelectorRegex`.)
//! - A strategic merge patch without a target applies to the one object with the patch's own
//!   id ([`Id`]): same group, version and kind, and a name and effective namespace equal to the
//!   object's current ones or any it had before (`GetMatchingResourcesByAnyId`). Namespaces
//!   compare as kustomize's effective namespace: none is `default`, and cluster-scoped kinds
//!   have none.
//!
//! Why ours: the rules are kustomize's (Go), the objects are our source-mapped trees.

use regex::Regex;

use super::Resource;
use super::merge::is_cluster_scoped;
use crate::parse::yaml::Node;

/// A `target:` of a patch.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Option<Requirements>,
    annotations: Option<Requirements>,
    /// As written, for messages (`kind=Deployment,name=web`).
    pub text: String,
}

const FIELDS: [&str; 7] = ["group", "version", "kind", "name", "namespace", "labelSelector", "annotationSelector"];

impl Selector {
    /// Reads a `target:` mapping. The error names what is wrong (an unknown field, a value that
    /// is not a string, an invalid regular expression or selector).
    pub fn from_node(node: &Node) -> Result<Selector, String> {
        let Some(entries) = node.as_map() else {
            return Err(format!("a target is a mapping, not a {}", node.type_name()));
        };
        let mut s = Selector::default();
        let mut text = Vec::new();
        for (k, v) in entries {
            let key = k.as_str().unwrap_or("");
            if !FIELDS.contains(&key) {
                return Err(format!("unknown target field `{key}` (a target has {})", FIELDS.join(", ")));
            }
            if v.is_null() {
                continue;
            }
            let Some(val) = v.scalar_text().filter(|_| v.is_scalar()) else {
                return Err(format!("target `{key}` is a {}, not a string", v.type_name()));
            };
            let val = val.into_owned();
            if val.is_empty() {
                continue;
            }
            text.push(format!("{key}={val}"));
            let re = || {
                Regex::new(&format!("^(?:{val})$"))
                    .map_err(|e| format!("target `{key}` is not a valid regular expression: {e}"))
            };
            match key {
                "group" => s.group = Some(re()?),
                "version" => s.version = Some(re()?),
                "kind" => s.kind = Some(re()?),
                "name" => s.name = Some(re()?),
                "namespace" => s.namespace = Some(re()?),
                "labelSelector" => {
                    s.labels = Some(parse_requirements(&val).map_err(|e| format!("labelSelector: {e}"))?)
                }
                _ => s.annotations = Some(parse_requirements(&val).map_err(|e| format!("annotationSelector: {e}"))?),
            }
        }
        s.text = if text.is_empty() { "(everything)".into() } else { text.join(",") };
        Ok(s)
    }

    pub fn matches(&self, r: &Resource) -> bool {
        let found = |re: &Option<Regex>, s: &str| re.as_ref().is_none_or(|re| re.is_match(s));
        let cluster = is_cluster_scoped(r.kind());
        let ns_ok = self.namespace.is_none()
            || found(&self.namespace, &effective_ns(r.original_namespace(), cluster))
            || found(&self.namespace, &effective_ns(r.namespace(), cluster));
        let name_ok = self.name.is_none() || found(&self.name, r.original_name()) || found(&self.name, r.name());
        let (g, v) = r.group_version();
        ns_ok
            && name_ok
            && found(&self.group, g)
            && found(&self.version, v)
            && found(&self.kind, r.kind())
            && self.labels.as_ref().is_none_or(|q| q.matches(r.node.pointer("/metadata/labels")))
            && self.annotations.as_ref().is_none_or(|q| q.matches(r.node.pointer("/metadata/annotations")))
    }
}

/// kustomize's effective namespace: `~X` for cluster-scoped kinds, `default` for none.
fn effective_ns(ns: Option<&str>, cluster: bool) -> String {
    match ns {
        _ if cluster => "~X".into(),
        None | Some("") | Some("default") => "default".into(),
        Some(n) => n.to_string(),
    }
}

/// The id of a strategic merge patch: whom it patches when it has no target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Id {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: Option<String>,
}

impl Id {
    pub fn of(doc: &Node) -> Id {
        let s = |p: &str| doc.pointer(p).and_then(Node::as_str).unwrap_or("").to_string();
        let ns = doc.pointer("/metadata/namespace").and_then(Node::as_str).map(str::to_string);
        Id { api_version: s("/apiVersion"), kind: s("/kind"), name: s("/metadata/name"), namespace: ns }
    }

    /// Whether `r` has this id now or had it before a transformer renamed it.
    pub fn matches(&self, r: &Resource) -> bool {
        if r.kind() != self.kind || r.api_version() != self.api_version {
            return false;
        }
        let cluster = is_cluster_scoped(&self.kind);
        let want = effective_ns(self.namespace.as_deref(), cluster);
        let current = (r.namespace(), r.name());
        std::iter::once(current)
            .chain(r.history.iter().map(|(ns, n)| (ns.as_deref(), n.as_str())))
            .any(|(ns, n)| n == self.name && effective_ns(ns, cluster) == want)
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.api_version, self.kind)?;
        match &self.namespace {
            Some(ns) => write!(f, " {ns}/{}", self.name),
            None => write!(f, " {}", self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    NotExists,
    Gt(i64),
    Lt(i64),
}

/// A Kubernetes label selector: every requirement must hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Requirements(Vec<(String, Op)>);

impl Requirements {
    /// Whether the labels (or annotations) mapping `map` satisfies every requirement.
    pub fn matches(&self, map: Option<&Node>) -> bool {
        self.0.iter().all(|(key, op)| {
            let v = map.and_then(|m| m.get(key)).and_then(|v| v.scalar_text().filter(|_| !v.is_null()));
            match (op, v) {
                (Op::Exists, v) => v.is_some(),
                (Op::NotExists, v) => v.is_none(),
                (Op::In(vals), Some(v)) => vals.iter().any(|x| *x == v),
                (Op::In(_), None) => false,
                (Op::NotIn(vals), Some(v)) => !vals.iter().any(|x| *x == v),
                (Op::NotIn(_), None) => true,
                (Op::Gt(n), Some(v)) => v.parse::<i64>().is_ok_and(|x| x > *n),
                (Op::Lt(n), Some(v)) => v.parse::<i64>().is_ok_and(|x| x < *n),
                (Op::Gt(_) | Op::Lt(_), None) => false,
            }
        })
    }
}

fn is_word(c: char) -> bool {
    !c.is_whitespace() && !"!=<>(),".contains(c)
}

/// Parses Kubernetes selector syntax (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`,
/// `!a`, `a>1`, `a<1`, joined by commas).
pub fn parse_requirements(text: &str) -> Result<Requirements, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_whitespace() {
            *i += 1;
        }
    };
    let word = |i: &mut usize| {
        let start = *i;
        while *i < chars.len() && is_word(chars[*i]) {
            *i += 1;
        }
        chars[start..*i].iter().collect::<String>()
    };
    let mut out = Vec::new();
    loop {
        skip(&mut i);
        if i >= chars.len() {
            break;
        }
        let negated = chars[i] == '!';
        if negated {
            i += 1;
            skip(&mut i);
        }
        let key = word(&mut i);
        if key.is_empty() {
            return Err(format!("expected a key at character {} of {text:?}", i + 1));
        }
        skip(&mut i);
        let rest: String = chars[i..].iter().take(6).collect();
        let op = if negated {
            Op::NotExists
        } else if i >= chars.len() || chars[i] == ',' {
            Op::Exists
        } else if rest.starts_with("==") || rest.starts_with('=') || rest.starts_with("!=") {
            let not = chars[i] == '!';
            i += if rest.starts_with("==") || not { 2 } else { 1 };
            skip(&mut i);
            let v = word(&mut i);
            if not { Op::NotIn(vec![v]) } else { Op::In(vec![v]) }
        } else if rest.starts_with('>') || rest.starts_with('<') {
            let gt = chars[i] == '>';
            i += 1;
            skip(&mut i);
            let v = word(&mut i);
            let n = v.parse::<i64>().map_err(|_| format!("{v:?} is not an integer in {text:?}"))?;
            if gt { Op::Gt(n) } else { Op::Lt(n) }
        } else {
            let w = word(&mut i);
            let not = match w.as_str() {
                "in" => false,
                "notin" => true,
                _ => return Err(format!("unexpected {w:?} after key {key:?} in {text:?}")),
            };
            skip(&mut i);
            if chars.get(i) != Some(&'(') {
                return Err(format!("expected ( after {w} in {text:?}"));
            }
            i += 1;
            let mut vals = Vec::new();
            loop {
                skip(&mut i);
                vals.push(word(&mut i));
                skip(&mut i);
                match chars.get(i) {
                    Some(',') => i += 1,
                    Some(')') => {
                        i += 1;
                        break;
                    }
                    _ => return Err(format!("unclosed ( in {text:?}")),
                }
            }
            if not { Op::NotIn(vals) } else { Op::In(vals) }
        };
        out.push((key, op));
        skip(&mut i);
        match chars.get(i) {
            None => break,
            Some(',') => i += 1,
            Some(c) => return Err(format!("unexpected {c:?} at character {} of {text:?}", i + 1)),
        }
    }
    Ok(Requirements(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{Limits, parse_stream};

    fn res(text: &str) -> Resource {
        Resource::new(parse_stream(text, &Limits::default()).unwrap().remove(0).root)
    }

    fn target(text: &str) -> Selector {
        Selector::from_node(&parse_stream(text, &Limits::default()).unwrap().remove(0).root).unwrap()
    }

    const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pre-web\n  namespace: prod\n  labels: {app: web, tier: front}\n  annotations: {team: a}\n";

    #[test]
    fn targets_are_anchored_regexes_on_original_or_current_names() {
        let mut r = res(WEB);
        r.history.push((None, "web".into()));
        assert!(target("kind: Deployment").matches(&r));
        assert!(!target("kind: Deploy").matches(&r));
        assert!(target("kind: Dep.*\ngroup: apps\nversion: v1").matches(&r));
        assert!(target("name: web").matches(&r), "the original name");
        assert!(target("name: pre-web").matches(&r), "the current name");
        assert!(!target("name: we").matches(&r));
        assert!(target("namespace: prod").matches(&r) && target("namespace: default").matches(&r));
        assert!(!target("group: ''\nkind: Deployment\nversion: v2").matches(&r));
        assert!(target("labelSelector: app=web,tier in (front, back)").matches(&r));
        assert!(!target("labelSelector: app!=web").matches(&r));
        assert!(target("labelSelector: '!missing,app'").matches(&r));
        assert!(target("annotationSelector: team=a").matches(&r));
        assert!(!target("annotationSelector: team notin (a)").matches(&r));
        let bad = parse_stream("name: '(['\n", &Limits::default()).unwrap().remove(0).root;
        assert!(Selector::from_node(&bad).unwrap_err().contains("regular expression"));
        assert!(parse_requirements("a in (x").is_err() && parse_requirements("a b").is_err());
    }

    #[test]
    fn ids_match_current_and_previous_names_in_the_effective_namespace() {
        let mut r = res(WEB);
        let id = |t: &str| Id::of(&parse_stream(t, &Limits::default()).unwrap().remove(0).root);
        assert!(id("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: pre-web, namespace: prod}").matches(&r));
        assert!(!id("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: pre-web}").matches(&r));
        r.history.push((None, "web".into()));
        assert!(id("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}").matches(&r));
        assert!(id("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}").matches(&r));
        assert!(!id("apiVersion: apps/v1beta1\nkind: Deployment\nmetadata: {name: web}").matches(&r));
        let cr =
            res("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r, namespace: x}\n");
        assert!(id("apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}").matches(&cr));
    }
}
