//! The `replacements:` field: kustomize's ReplacementTransformer.
//!
//! Each replacement (inline, or read from a `path:` file holding one or a list) takes one value —
//! `sourceValue`, or the `fieldPath` of the one object its `source` selects (by current or any
//! previous name; `options.delimiter`/`index` keep one part of it) — and writes it into every
//! `fieldPaths` entry of the objects each target `select`s and does not `reject` (selectors are
//! anchored regular expressions on group, version, kind, name and namespace, plus label and
//! annotation selectors). Field paths are kustomize's: `.`-separated, `[name=web]` picks
//! sequence items (its value an unanchored regular expression, as kyaml has it), numbers index,
//! `*` is every item, `[a.b/c]` is one key with dots. With `options.create` missing fields are
//! made; target `delimiter`/`index` replace, prepend or append one part. Replacements run in
//! order, each seeing the previous ones' writes.
//!
//! Origins: a value written carries the origin of the target's `fieldPaths` entry that wrote it
//! (a copied mapping keeps its source lines below that); fields created on the way do too.
//! Problems: a source that selects no object or several, a missing source field, an unreachable
//! target field, bad options — `BuildError` (kustomize fails); a target selecting nothing —
//! `PatchUnmatched` (kustomize silently does nothing).
//!
//! Why ours: see [`super`]; the selectors are here rather than in [`super::select`] so that the
//! two may differ where kustomize's do (replacement targets match previous names too).

use regex::Regex;

use super::build::{Acc, Ctx, Kust};
use super::namespace::is_cluster_scoped;
use super::tree::{self, Origin};
use super::{ProblemKind, Resource};
use crate::parse::yaml::{Node, Value};

/// The `replacements:` field of `k`.
pub fn apply(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let Some(field) = k.get("replacements") else { return };
    let Some(entries) = field.as_seq() else {
        if !field.is_null() {
            ctx.problem(ProblemKind::BuildError, field, format!("replacements is a {}, not a list", field.type_name()));
        }
        return;
    };
    let mut list = Vec::new();
    for entry in entries {
        let Some(path) = entry.get("path") else {
            list.push(entry.clone());
            continue;
        };
        if entry.get("source").is_some() || entry.get("targets").and_then(Node::as_seq).is_some_and(|t| !t.is_empty()) {
            ctx.problem(ProblemKind::BuildError, entry, "cannot specify both path and inline replacement");
            continue;
        }
        let Some(src) = ctx.read_entry(k, path, "replacement") else { continue };
        let Some(docs) = ctx.documents(path, src) else { continue };
        match docs.into_iter().next() {
            Some(Node { value: Value::Seq(items), .. }) => list.extend(items),
            Some(d @ Node { value: Value::Map(_), .. }) => list.push(d),
            Some(d) => {
                ctx.problem(ProblemKind::BuildError, &d, "a replacement file holds a replacement or a list of them")
            }
            None => {}
        }
    }
    for r in &list {
        if let Err((node, msg)) = replace(r, &mut acc.resources, ctx) {
            ctx.problem(ProblemKind::BuildError, &node, msg);
        }
    }
}

mod fieldpath;

use fieldpath::{Options, copy_to, lookup, split_path};

pub(super) type Fault = (Node, String);

pub(super) fn fault(node: &Node, msg: impl Into<String>) -> Fault {
    (node.clone(), msg.into())
}

/// Runs one replacement on `resources`.
fn replace(r: &Node, resources: &mut [Resource], ctx: &mut Ctx) -> Result<(), Fault> {
    let targets = r.get("targets").and_then(Node::as_seq);
    let (source, literal) = (r.get("source"), r.get("sourceValue"));
    let value = match (targets, source, literal) {
        (None, _, _) | (_, None, None) => {
            return Err(fault(r, "replacements must specify a source and at least one target"));
        }
        (_, Some(_), Some(_)) => return Err(fault(r, "value and resource selectors are mutually exclusive")),
        (_, None, Some(v)) => tree::string(tree::scalar(v).unwrap_or_default(), Origin::of(v)),
        (_, Some(s), None) => source_value(s, resources)?,
    };
    let targets = targets.unwrap_or_default();
    for t in targets {
        let Some(select) = t.get("select") else { return Err(fault(t, "target must specify resources to select")) };
        let select = Selector::parse(select)?;
        let rejects = t.get("reject").and_then(Node::as_seq).unwrap_or_default();
        let rejects = rejects.iter().map(Selector::parse).collect::<Result<Vec<_>, _>>()?;
        let default_path = [tree::string("metadata.name", Origin::of(t))];
        let paths = match t.get("fieldPaths").and_then(Node::as_seq) {
            Some(p) if !p.is_empty() => p,
            _ => &default_path[..],
        };
        let opts = Options::parse(t.get("options"))?;
        let mut matched = false;
        for res in resources.iter_mut() {
            let rejected = rejects
                .iter()
                .any(|s| (s.has_id() && s.selects_id(res)) || (s.has_meta() && s.selects_meta(&res.node)));
            if rejected || !select.selects_meta(&res.node) || !select.selects_id(res) {
                continue;
            }
            matched = true;
            for p in paths {
                copy_to(&mut res.node, p, &value, &opts)?;
            }
        }
        if !matched {
            let at = t.get("select").unwrap_or(t);
            ctx.problem(ProblemKind::PatchUnmatched, at, "replacement target selects no object: it does nothing");
        }
    }
    Ok(())
}

/// The value the `source` of a replacement names.
fn source_value(s: &Node, resources: &[Resource]) -> Result<Node, Fault> {
    let id = Id::parse(s);
    let mut found = resources.iter().filter(|r| id.selects(r));
    let (Some(object), None) = (found.next(), found.next()) else {
        let n = resources.iter().filter(|r| id.selects(r)).count();
        let what = if n == 0 { "selects no object" } else { "selects several objects" };
        return Err(fault(s, format!("replacement source {} {what}: kustomize refuses to build", id.describe())));
    };
    let path_node = s.get("fieldPath");
    let path = path_node.and_then(Node::as_str).unwrap_or("metadata.name");
    let value = lookup(&object.node, &split_path(path)).filter(|v| !is_empty(v)).ok_or_else(|| {
        fault(path_node.unwrap_or(s), format!("fieldPath `{path}` is missing for replacement source {}", object.id()))
    })?;
    let opts = Options::parse(s.get("options"))?;
    let Some(delimiter) = opts.delimiter.filter(|d| !d.is_empty()) else { return Ok(value.clone()) };
    let Some(text) = tree::scalar(value) else {
        return Err(fault(s, "delimiter option can only be used with scalar nodes"));
    };
    let parts: Vec<&str> = text.split(delimiter.as_str()).collect();
    let part = usize::try_from(opts.index)
        .ok()
        .and_then(|i| parts.get(i))
        .ok_or_else(|| fault(s, format!("options.index {} is out of bounds for value {text}", opts.index)))?;
    let mut out = value.clone();
    out.value = Value::String((*part).to_string());
    Ok(out)
}

fn is_empty(n: &Node) -> bool {
    match &n.value {
        Value::Null => true,
        Value::Map(m) => m.is_empty(),
        Value::Seq(s) => s.is_empty(),
        _ => false,
    }
}

/// A source: group, version, kind, name, namespace, each exact when given.
struct Id {
    group: String,
    version: String,
    kind: String,
    name: String,
    namespace: String,
}

impl Id {
    fn parse(n: &Node) -> Self {
        let s = |k: &str| n.get(k).and_then(tree::scalar).unwrap_or_default();
        Self { group: s("group"), version: s("version"), kind: s("kind"), name: s("name"), namespace: s("namespace") }
    }

    fn describe(&self) -> String {
        let parts: Vec<String> = [
            ("group", &self.group),
            ("version", &self.version),
            ("kind", &self.kind),
            ("name", &self.name),
            ("namespace", &self.namespace),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
        format!("({})", parts.join(", "))
    }

    /// By the object's current id or any previous one.
    fn selects(&self, r: &Resource) -> bool {
        let (g, v) = r.group_version();
        let gvk = (self.group.is_empty() || self.group == g)
            && (self.version.is_empty() || self.version == v)
            && (self.kind.is_empty() || self.kind == r.kind());
        let want_ns = (!self.namespace.is_empty()).then(|| effective(Some(&self.namespace)));
        gvk && ids(r).any(|(ns, name)| {
            (self.name.is_empty() || self.name == name) && want_ns.as_ref().is_none_or(|w| Some(w) == ns.as_ref())
        })
    }
}

fn effective(ns: Option<&str>) -> String {
    ns.filter(|n| !n.is_empty()).unwrap_or("default").to_string()
}

/// The object's (effective namespace, name) now and before each rename, `None` as the namespace
/// of a cluster-scoped object.
fn ids(r: &Resource) -> impl Iterator<Item = (Option<String>, String)> + '_ {
    let cluster = is_cluster_scoped(r.api_version(), r.kind());
    let ns = move |n: Option<&str>| (!cluster).then(|| effective(n));
    std::iter::once((ns(r.namespace()), r.name().to_string()))
        .chain(r.history.iter().map(move |(n, name)| (ns(n.as_deref()), name.clone())))
}

/// A target `select` or `reject`: anchored regular expressions and label/annotation selectors.
struct Selector {
    group: Option<Regex>,
    version: Option<Regex>,
    kind: Option<Regex>,
    name: Option<Regex>,
    namespace: Option<Regex>,
    labels: Vec<Requirement>,
    annotations: Vec<Requirement>,
}

impl Selector {
    fn parse(n: &Node) -> Result<Self, Fault> {
        let re = |k: &str| -> Result<Option<Regex>, Fault> {
            match n.get(k).and_then(tree::scalar).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(p) => Regex::new(&format!("^(?:{p})$"))
                    .map(Some)
                    .map_err(|e| fault(n.get(k).unwrap_or(n), format!("{k} is not a valid regular expression: {e}"))),
            }
        };
        let sel = |k: &str| -> Result<Vec<Requirement>, Fault> {
            let text = n.get(k).and_then(tree::scalar).unwrap_or_default();
            parse_requirements(&text).map_err(|e| fault(n.get(k).unwrap_or(n), format!("{k}: {e}")))
        };
        Ok(Self {
            group: re("group")?,
            version: re("version")?,
            kind: re("kind")?,
            name: re("name")?,
            namespace: re("namespace")?,
            labels: sel("labelSelector")?,
            annotations: sel("annotationSelector")?,
        })
    }

    fn has_id(&self) -> bool {
        [&self.group, &self.version, &self.kind, &self.name, &self.namespace].iter().any(|r| r.is_some())
    }

    fn has_meta(&self) -> bool {
        !self.labels.is_empty() || !self.annotations.is_empty()
    }

    /// Any of the object's ids matches (a namespace pattern matches the namespace as written,
    /// empty when none).
    fn selects_id(&self, r: &Resource) -> bool {
        let (g, v) = r.group_version();
        let m = |re: &Option<Regex>, s: &str| re.as_ref().is_none_or(|re| re.is_match(s));
        if !(m(&self.group, g) && m(&self.version, v) && m(&self.kind, r.kind())) {
            return false;
        }
        let current = std::iter::once((r.namespace().unwrap_or("").to_string(), r.name().to_string()));
        let previous = r.history.iter().map(|(n, name)| {
            let ns = if is_cluster_scoped(r.api_version(), r.kind()) {
                "_non_namespaceable_".to_string()
            } else {
                effective(n.as_deref())
            };
            (ns, name.clone())
        });
        current.chain(previous).any(|(ns, name)| m(&self.name, &name) && m(&self.namespace, &ns))
    }

    fn selects_meta(&self, node: &Node) -> bool {
        let meta = node.get("metadata");
        let map = |k: &str| meta.and_then(|m| m.get(k));
        matches_all(&self.labels, map("labels")) && matches_all(&self.annotations, map("annotations"))
    }
}

/// One requirement of a Kubernetes label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Requirement {
    Exists(String),
    NotExists(String),
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
}

/// `a=b,c!=d,e in (x,y),f notin (z),g,!h` (`==` is `=`).
fn parse_requirements(text: &str) -> Result<Vec<Requirement>, String> {
    let mut parts = Vec::new();
    let (mut depth, mut cur) = (0, String::new());
    for c in text.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    let mut out = Vec::new();
    for p in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let set = |rest: &str| -> Result<Vec<String>, String> {
            let inner = rest.trim().strip_prefix('(').and_then(|r| r.strip_suffix(')'));
            let inner = inner.ok_or_else(|| format!("{p:?}: expected a (value, ...) list"))?;
            Ok(inner.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect())
        };
        let words: Vec<&str> = p.splitn(2, char::is_whitespace).collect();
        let req = if let Some(k) = p.strip_prefix('!') {
            Requirement::NotExists(k.trim().to_string())
        } else if let Some((k, v)) = p.split_once("!=") {
            Requirement::NotIn(k.trim().to_string(), vec![v.trim().to_string()])
        } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
            Requirement::In(k.trim().to_string(), vec![v.trim().to_string()])
        } else if let [k, rest] = words[..] {
            let rest = rest.trim_start();
            if let Some(r) = rest.strip_prefix("notin") {
                Requirement::NotIn(k.to_string(), set(r)?)
            } else if let Some(r) = rest.strip_prefix("in") {
                Requirement::In(k.to_string(), set(r)?)
            } else {
                return Err(format!("{p:?} is not a selector requirement"));
            }
        } else {
            Requirement::Exists(p.to_string())
        };
        out.push(req);
    }
    Ok(out)
}

fn matches_all(reqs: &[Requirement], map: Option<&Node>) -> bool {
    let get = |k: &str| map.and_then(|m| m.get(k)).and_then(tree::scalar);
    reqs.iter().all(|r| match r {
        Requirement::Exists(k) => map.and_then(|m| m.get(k)).is_some(),
        Requirement::NotExists(k) => map.and_then(|m| m.get(k)).is_none(),
        Requirement::In(k, vs) => get(k).is_some_and(|v| vs.contains(&v)),
        Requirement::NotIn(k, vs) => get(k).is_none_or(|v| !vs.contains(&v)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Pos;
    use crate::parse::yaml::{Limits, parse_stream};

    fn doc(text: &str, src: u32) -> Node {
        let mut n = parse_stream(text, &Limits::default()).unwrap().remove(0).root;
        tree::set_src(&mut n, src);
        n
    }

    fn objects(text: &str) -> Vec<Resource> {
        parse_stream(text, &Limits::default())
            .unwrap()
            .into_iter()
            .map(|d| {
                let mut n = d.root;
                tree::set_src(&mut n, 1);
                Resource::new(n)
            })
            .collect()
    }

    fn run(replacement: &str, resources: &mut [Resource]) -> (Result<(), Fault>, Vec<super::super::Problem>) {
        let opts = super::super::Options { roots: &[], display: &|p: &std::path::Path| p.display().to_string() };
        let mut ctx = Ctx::new(&opts);
        let r = doc(replacement, 2);
        let out = replace(&r, resources, &mut ctx);
        (out, ctx.problems)
    }

    const OBJECTS: &str = r"apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    tier: backend
spec:
  replicas: 1
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
      - name: web-sidecar
        image: envoy:1.30
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: cert
spec:
  dnsNames:
  - SERVICE.NAMESPACE.svc
";

    #[test]
    fn a_delimited_part_goes_into_each_field_with_the_target_origin() {
        let mut rs = objects(OBJECTS);
        let rep = r"source:
  kind: Service
  fieldPath: metadata.namespace
targets:
- select:
    kind: Certificate
  fieldPaths:
  - spec.dnsNames.0
  options:
    delimiter: .
    index: 1
";
        let (out, problems) = run(rep, &mut rs);
        assert!(out.is_ok() && problems.is_empty(), "{out:?} {problems:?}");
        let v = rs[2].node.pointer("/spec/dnsNames/0").unwrap();
        assert_eq!((v.as_str(), v.src, v.pos), (Some("SERVICE.shop.svc"), 2, Pos::new(8, 5)));
    }

    #[test]
    fn list_selectors_are_unanchored_and_create_makes_fields() {
        let mut rs = objects(OBJECTS);
        let rep = r"source:
  kind: Deployment
  fieldPath: spec.template.spec.containers.[name=web].image
  options:
    delimiter: ':'
    index: 1
targets:
- select:
    kind: Deployment
    name: w.b
  fieldPaths:
  - spec.template.spec.containers.[name=web].env.[name=VERSION].value
  - metadata.annotations.[example.com/version]
  options:
    create: true
";
        let (out, problems) = run(rep, &mut rs);
        assert!(out.is_ok() && problems.is_empty(), "{out:?} {problems:?}");
        let c = rs[1].node.pointer("/spec/template/spec/containers").unwrap();
        for i in ["0", "1"] {
            let env = c.pointer(&format!("/{i}/env/0")).unwrap();
            assert_eq!(env.get("name").and_then(Node::as_str), Some("VERSION"));
            assert_eq!(
                env.get("value").map(|v| v.value.clone()),
                Some(Value::Float(1.27)),
                "plain, as kustomize emits it"
            );
        }
        let a = rs[1].node.pointer("/metadata/annotations/example.com~1version").unwrap();
        assert_eq!((a.src, a.pos), (2, Pos::new(13, 5)));
    }

    #[test]
    fn scalars_keep_their_type_and_labels_select() {
        let mut rs = objects(OBJECTS);
        let rep = "sourceValue: \"3\"\ntargets:\n- select:\n    labelSelector: tier in (backend, web),!canary\n  fieldPaths: [spec.replicas]\n";
        let (out, _) = run(rep, &mut rs);
        assert!(out.is_ok());
        assert_eq!(rs[1].node.pointer("/spec/replicas").map(|v| v.value.clone()), Some(Value::Int(3)));
    }

    #[test]
    fn sources_match_previous_names_and_faults_are_reported() {
        let mut rs = objects(OBJECTS);
        rs[0].remember_name();
        tree::set(
            tree::get_mut(&mut rs[0].node, "metadata").unwrap(),
            "name",
            tree::string("p-web", Origin::default()),
        );
        let rep = "source:\n  kind: Service\n  name: web\ntargets:\n- select:\n    kind: Certificate\n  fieldPaths: [spec.dnsNames.0]\n  options: {delimiter: ., index: 0}\n";
        assert!(run(rep, &mut rs).0.is_ok());
        assert_eq!(tree::str_at(&rs[2].node, &["metadata", "name"]), Some("cert"));
        assert_eq!(rs[2].node.pointer("/spec/dnsNames/0").and_then(Node::as_str), Some("p-web.NAMESPACE.svc"));

        let (out, _) = run("source:\n  kind: Secret\ntargets:\n- select: {kind: Service}\n", &mut rs);
        assert!(out.unwrap_err().1.contains("selects no object"));
        let (out, _) =
            run("source:\n  kind: Service\ntargets:\n- select: {kind: Service}\n  fieldPaths: [spec.x]\n", &mut rs);
        assert!(out.unwrap_err().1.contains("unable to find field"));
        let (out, _) = run("source:\n  name: web\ntargets:\n- select: {kind: Service}\n", &mut rs);
        assert!(out.unwrap_err().1.contains("several"));
        let (out, problems) = run("sourceValue: x\ntargets:\n- select: {kind: Nothing}\n", &mut rs);
        assert!(out.is_ok());
        assert_eq!(
            problems.iter().map(|p| (p.kind, p.pos)).collect::<Vec<_>>(),
            [(ProblemKind::PatchUnmatched, Pos::new(3, 11))]
        );
    }

    #[test]
    fn selector_requirements_parse() {
        assert_eq!(
            parse_requirements("a=b, c!=d,e in (x, y),!f,g").unwrap(),
            [
                Requirement::In("a".into(), vec!["b".into()]),
                Requirement::NotIn("c".into(), vec!["d".into()]),
                Requirement::In("e".into(), vec!["x".into(), "y".into()]),
                Requirement::NotExists("f".into()),
                Requirement::Exists("g".into()),
            ]
        );
        assert!(parse_requirements("a b").is_err());
    }
}
