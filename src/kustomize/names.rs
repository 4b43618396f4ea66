//! `namePrefix:`/`nameSuffix:` (kustomize's PrefixTransformer and SuffixTransformer) and name
//! references (its nameReference transformer, `FixBackReferences`): fields that name another
//! object follow it when it is renamed.
//!
//! Renaming records what kustomize keeps in build annotations: the object's previous
//! (namespace, name) pairs ([`Resource::history`]) and the prefixes and suffixes applied
//! ([`Resource::prefixes`]). At the root, after hash suffixes, [`fix_references`] walks every
//! referrer field of the `nameReference` field specs (`fieldspecs/name_reference.yaml` and
//! `configurations:`) and rewrites a name that was the previous name of exactly one renamed object
//! it can see (same namespace, cluster-scoped, or a ServiceAccount; ties broken by the referrer's
//! own prefixes and suffixes, as kustomize does). A field that ends at a mapping (binding
//! subjects, a webhook's `clientConfig.service`) takes the object's namespace too.
//!
//! Origins: a renamed object's name carries the origin of the `namePrefix:`/`nameSuffix:` value;
//! a rewritten reference carries the origin of the referenced object's name (and namespace), so a
//! finding on it names the entry that produced the new value.
//!
//! Why ours: kustomize's transformers are Go; see [`super`].

use super::build::{Acc, Ctx, Kust};
use super::config::NameBackRef;
use super::fieldspec::FieldSpec;
use super::namespace::effective_namespace;
use super::tree::{self, Origin};
use super::{ProblemKind, Resource};
use crate::parse::yaml::{Node, Value};

/// Kinds a prefix or suffix never renames: (group, kind), an empty group matching any.
const NEVER_RENAMED: [(&str, &str); 3] =
    [("", "CustomResourceDefinition"), ("apiregistration.k8s.io", "APIService"), ("", "Namespace")];

/// `namePrefix:` then `nameSuffix:` of `k`.
pub fn prefix_suffix(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for (field, is_prefix) in [("namePrefix", true), ("nameSuffix", false)] {
        let Some(at) = k.get(field) else { continue };
        let Some(affix) = tree::scalar(at) else {
            if !at.is_null() {
                ctx.problem(ProblemKind::BuildError, at, format!("{field} is a {}, not a string", at.type_name()));
            }
            continue;
        };
        if affix.is_empty() {
            continue;
        }
        let specs = if is_prefix { acc.config.name_prefix.clone() } else { acc.config.name_suffix.clone() };
        let at = Origin::of(at);
        for r in &mut acc.resources {
            rename(r, &affix, is_prefix, &specs, at);
        }
    }
}

/// Applies one prefix or suffix to `r` along `specs`.
pub fn rename(r: &mut Resource, affix: &str, is_prefix: bool, specs: &[FieldSpec], at: Origin) {
    let (group, _) = r.group_version();
    if NEVER_RENAMED.iter().any(|(g, k)| *k == r.kind() && (g.is_empty() || *g == group)) {
        return;
    }
    for spec in specs {
        if !spec.applies_to(r) {
            continue;
        }
        if spec.path == "metadata/name" {
            if is_prefix {
                r.prefixes.push(affix.to_string())
            } else {
                r.suffixes.push(affix.to_string())
            }
            r.remember_name();
        }
        let make = || tree::string("", at);
        spec.visit(&mut r.node, at, Some(&make), &mut |n| {
            let Some(old) = tree::scalar(n).or_else(|| n.is_null().then(String::new)) else { return };
            let new = if is_prefix { format!("{affix}{old}") } else { format!("{old}{affix}") };
            *n = tree::string(new, at);
        });
    }
}

/// What a reference is matched against: one object of the build, as it is after every
/// transformer (names are not changed by the references being fixed).
struct Candidate {
    group: String,
    version: String,
    kind: String,
    name: String,
    /// As written (`None` when absent).
    namespace: Option<String>,
    /// `None` when cluster-scoped.
    effective: Option<String>,
    /// The effective namespace it was first written in (`None` when cluster-scoped).
    original: Option<String>,
    /// Previous names; empty when never renamed (or namespaced), which makes it no candidate.
    previous: Vec<String>,
    prefixes: Vec<String>,
    suffixes: Vec<String>,
    name_at: Origin,
    namespace_at: Origin,
}

impl Candidate {
    fn of(r: &Resource) -> Self {
        let (group, version) = r.group_version();
        let effective = effective_namespace(r);
        let original = match (&effective, r.history.first()) {
            (None, _) => None,
            (Some(_), Some((ns, _))) => Some(ns.clone().filter(|n| !n.is_empty()).unwrap_or("default".into())),
            (Some(e), None) => Some(e.clone()),
        };
        let meta = r.node.get("metadata");
        let origin = |key: &str| meta.and_then(|m| m.get(key)).map(Origin::of);
        let name_at = origin("name").unwrap_or_else(|| Origin::of(&r.node));
        Self {
            group: group.to_string(),
            version: version.to_string(),
            kind: r.kind().to_string(),
            name: r.name().to_string(),
            namespace: r.namespace().filter(|n| !n.is_empty()).map(str::to_string),
            effective,
            original,
            previous: r.history.iter().map(|(_, n)| n.clone()).collect(),
            prefixes: r.prefixes.clone(),
            suffixes: r.suffixes.clone(),
            name_at,
            namespace_at: origin("namespace").unwrap_or(name_at),
        }
    }

    fn selected_by(&self, group: &str, version: &str, kind: &str) -> bool {
        (group.is_empty() || group == self.group)
            && (version.is_empty() || version == self.version)
            && (kind.is_empty() || kind == self.kind)
    }

    fn affixes_match(&self, referrer: &Candidate, allow_empty: bool) -> bool {
        let side = |a: &[String], b: &[String]| (allow_empty && (a.is_empty() || b.is_empty())) || same_ending(a, b);
        side(&self.prefixes, &referrer.prefixes) && side(&self.suffixes, &referrer.suffixes)
    }
}

/// One list ends with the other (two empty lists do; an empty and a non-empty one do not).
fn same_ending(a: &[String], b: &[String]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.is_empty() {
        return long.is_empty();
    }
    long.ends_with(short)
}

/// The referrer being fixed and what limits the objects it may name.
struct Referrer<'a> {
    me: &'a Candidate,
    /// Indexes of the candidates it can see (same namespace, cluster-scoped, or a RoleBinding's
    /// ServiceAccount namespaces).
    visible: Vec<usize>,
    /// For a `roleRef/name` field: the roleRef's (apiGroup, kind).
    role_ref: Option<(String, String)>,
}

/// At the root, after hashes: rewrites references to renamed objects.
pub fn fix_references(ctx: &mut Ctx, acc: &mut Acc) {
    let candidates: Vec<Candidate> = acc.resources.iter().map(Candidate::of).collect();
    let backrefs: Vec<NameBackRef> = acc.config.name_reference.clone();
    for (i, r) in acc.resources.iter_mut().enumerate() {
        let me = &candidates[i];
        let rb_namespaces = role_binding_namespaces(&r.node, me);
        let visible = (0..candidates.len())
            .filter(|&j| {
                let c = &candidates[j];
                me.effective.is_none()
                    || c.effective.is_none()
                    || c.effective == me.effective
                    || rb_namespaces.contains(&c.namespace.clone().unwrap_or_default())
            })
            .collect();
        let role_ref = r
            .node
            .get("roleRef")
            .and_then(|rr| Some((tree::scalar(rr.get("apiGroup")?)?, tree::scalar(rr.get("kind")?)?)));
        let mut referrer = Referrer { me, visible, role_ref: None };
        for backref in &backrefs {
            for spec in &backref.referrers {
                if !spec.applies_to(r) {
                    continue;
                }
                referrer.role_ref = if spec.path.ends_with("roleRef/name") { role_ref.clone() } else { None };
                let mut errors = Vec::new();
                spec.visit(&mut r.node, Origin::default(), None, &mut |n| {
                    fix(n, &referrer, backref, &candidates, &mut errors);
                });
                for (node, msg) in errors {
                    ctx.problem(ProblemKind::BuildError, &node, msg);
                }
            }
        }
    }
}

/// The namespaces of a RoleBinding's ServiceAccount subjects (a RoleBinding may name accounts
/// in other namespaces).
fn role_binding_namespaces(node: &Node, me: &Candidate) -> Vec<String> {
    if me.kind != "RoleBinding" {
        return Vec::new();
    }
    let subjects = node.get("subjects").and_then(Node::as_seq).unwrap_or_default();
    subjects
        .iter()
        .filter(|s| s.get("kind").and_then(Node::as_str) == Some("ServiceAccount"))
        .filter_map(|s| s.get("namespace").and_then(tree::scalar))
        .collect()
}

type Errors = Vec<(Node, String)>;

/// The reference at `n` (a name, a list of names or of `{name, namespace}` mappings).
fn fix(n: &mut Node, referrer: &Referrer, backref: &NameBackRef, candidates: &[Candidate], errors: &mut Errors) {
    if n.is_null() {
        return;
    }
    if matches!(n.value, Value::Map(_)) {
        return fix_mapping(n, referrer, backref, candidates, errors);
    }
    if let Value::Seq(items) = &mut n.value {
        for item in items.iter_mut() {
            if matches!(item.value, Value::Map(_)) {
                fix_mapping(item, referrer, backref, candidates, errors);
            } else if matches!(item.value, Value::Seq(_)) {
                errors.push((item.clone(), "a name reference is a string or a mapping, not a sequence".into()));
            } else {
                fix_scalar(item, referrer, backref, candidates, errors);
            }
        }
        return;
    }
    fix_scalar(n, referrer, backref, candidates, errors);
}

fn fix_scalar(n: &mut Node, referrer: &Referrer, backref: &NameBackRef, candidates: &[Candidate], errors: &mut Errors) {
    let Some(old) = tree::scalar(n) else { return };
    let pool: Vec<usize> = referrer.visible.clone();
    match select(&old, &pool, referrer, backref, candidates, false) {
        Ok(Some(c)) if c.name != old => *n = tree::string(c.name.clone(), c.name_at),
        Ok(_) => {}
        Err(msg) => errors.push((n.clone(), msg)),
    }
}

fn fix_mapping(
    n: &mut Node,
    referrer: &Referrer,
    backref: &NameBackRef,
    candidates: &[Candidate],
    errors: &mut Errors,
) {
    let Some(old) = n.get("name").and_then(tree::scalar) else {
        errors.push((n.clone(), "name reference field has no `name` to follow".into()));
        return;
    };
    let pool: Vec<usize> = match n.get("namespace").map(|v| tree::scalar(v).unwrap_or_default()) {
        None => referrer.visible.clone(),
        Some(ns) => {
            let by = |original: bool| -> Vec<usize> {
                let key = |c: &Candidate| if original { c.original.clone() } else { c.effective.clone() };
                referrer
                    .visible
                    .iter()
                    .copied()
                    .filter(|&j| key(&candidates[j]).as_deref() == Some(ns.as_str()))
                    .collect()
            };
            let original = by(true);
            if original.is_empty() { by(false) } else { original }
        }
    };
    let c = match select(&old, &pool, referrer, backref, candidates, true) {
        Ok(Some(c)) => c,
        Ok(None) => return,
        Err(msg) => {
            errors.push((n.clone(), msg));
            return;
        }
    };
    if c.name == old && c.namespace.is_none() {
        return;
    }
    tree::set(n, "name", tree::string(c.name.clone(), c.name_at));
    if let Some(ns) = &c.namespace {
        tree::set(n, "namespace", tree::string(ns.clone(), c.namespace_at));
    }
}

/// The renamed object `old` names, among `pool`: kustomize's `selectReferral`.
fn select<'c>(
    old: &str,
    pool: &[usize],
    referrer: &Referrer,
    backref: &NameBackRef,
    candidates: &'c [Candidate],
    with_namespace: bool,
) -> Result<Option<&'c Candidate>, String> {
    let me = referrer.me;
    let mut found: Vec<&Candidate> = pool
        .iter()
        .map(|&j| &candidates[j])
        .filter(|c| c.previous.iter().any(|p| p == old))
        .filter(|c| c.selected_by(&backref.group, &backref.version, &backref.kind))
        .filter(|c| referrer.role_ref.as_ref().is_none_or(|(g, k)| c.selected_by(g, "", k)))
        .filter(|c| {
            me.effective.is_none() || c.effective.is_none() || c.kind == "ServiceAccount" || c.effective == me.effective
        })
        .collect();
    if found.len() == 1 {
        return Ok(found.pop());
    }
    found.retain(|c| c.affixes_match(me, true));
    if found.len() > 1 {
        found.retain(|c| c.affixes_match(me, false));
    }
    match found.as_slice() {
        [] => Ok(None),
        [c] => Ok(Some(c)),
        [first, rest @ ..] => {
            let same = rest.iter().all(|c| c.name == first.name && (!with_namespace || c.namespace == first.namespace));
            if same {
                return Ok(Some(first));
            }
            let ids: Vec<String> = found
                .iter()
                .map(|c| match &c.namespace {
                    Some(ns) => format!("{} {ns}/{}", c.kind, c.name),
                    None => format!("{} {}", c.kind, c.name),
                })
                .collect();
            Err(format!(
                "{old:?} names several renamed objects ({}): kustomize refuses to build (\"found multiple possible referrals\")",
                ids.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Pos;
    use crate::parse::yaml::{Limits, parse_stream};

    fn objects(text: &str, src: u32) -> Vec<Resource> {
        parse_stream(text, &Limits::default())
            .unwrap()
            .into_iter()
            .map(|d| {
                let mut n = d.root;
                tree::set_src(&mut n, src);
                Resource::new(n)
            })
            .collect()
    }

    fn with_ctx<T>(f: impl FnOnce(&mut Ctx) -> T) -> (T, Vec<super::super::Problem>) {
        let opts = super::super::Options { roots: &[], display: &|p: &std::path::Path| p.display().to_string() };
        let mut ctx = Ctx::new(&opts);
        let out = f(&mut ctx);
        (out, ctx.problems)
    }

    fn affix(acc: &mut Acc, affix: &str, is_prefix: bool, at: Origin) {
        let specs = if is_prefix { acc.config.name_prefix.clone() } else { acc.config.name_suffix.clone() };
        for r in &mut acc.resources {
            rename(r, affix, is_prefix, &specs, at);
        }
    }

    const APP: &str = r"apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        envFrom:
        - configMapRef:
            name: settings
        - configMapRef:
            name: elsewhere
---
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
";

    #[test]
    fn prefixes_and_suffixes_rename_with_their_origin_and_are_recorded() {
        let mut acc = Acc::new();
        acc.resources = objects(APP, 1);
        let (pre, suf) = (Origin::new(9, Pos::new(1, 13)), Origin::new(9, Pos::new(2, 13)));
        affix(&mut acc, "p-", true, pre);
        affix(&mut acc, "-s", false, suf);
        let names: Vec<&str> = acc.resources.iter().map(Resource::name).collect();
        assert_eq!(names, ["p-settings-s", "p-web-s", "shop", "widgets.example.com"]);
        let name = acc.resources[0].node.pointer("/metadata/name").unwrap();
        assert_eq!((name.src, name.pos), (9, Pos::new(2, 13)), "the last entry that renamed it");
        assert_eq!(acc.resources[0].prefixes, ["p-"]);
        assert_eq!(acc.resources[0].suffixes, ["-s"]);
        let history: Vec<&str> = acc.resources[0].history.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(history, ["settings", "p-settings"]);
        assert!(acc.resources[2].history.is_empty(), "a Namespace is never renamed");
    }

    #[test]
    fn references_follow_renamed_objects_and_take_their_origin() {
        let mut acc = Acc::new();
        acc.resources = objects(APP, 1);
        let at = Origin::new(9, Pos::new(1, 13));
        affix(&mut acc, "p-", true, at);
        let ((), problems) = with_ctx(|ctx| fix_references(ctx, &mut acc));
        assert!(problems.is_empty(), "{problems:?}");
        let refs = acc.resources[1].node.pointer("/spec/template/spec/containers/0/envFrom").unwrap();
        let first = refs.pointer("/0/configMapRef/name").unwrap();
        assert_eq!((first.as_str(), first.src, first.pos), (Some("p-settings"), 9, Pos::new(1, 13)));
        let second = refs.pointer("/1/configMapRef/name").unwrap();
        assert_eq!((second.as_str(), second.src), (Some("elsewhere"), 1), "no object had that name: untouched");
    }

    #[test]
    fn a_referrer_follows_the_object_renamed_like_itself() {
        let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";
        let pod = |n: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {n}\nspec:\n  volumes:\n  - name: c\n    configMap:\n      name: settings\n"
            )
        };
        let mut a = Acc::new();
        a.resources = objects(&format!("{cm}---\n{}", pod("a")), 1);
        affix(&mut a, "one-", true, Origin::new(2, Pos::new(1, 1)));
        let mut b = Acc::new();
        b.resources = objects(&format!("{cm}---\n{}", pod("b")), 3);
        affix(&mut b, "two-", true, Origin::new(4, Pos::new(1, 1)));
        let mut acc = Acc::new();
        acc.resources = a.resources.into_iter().chain(b.resources).collect();
        affix(&mut acc, "top-", true, Origin::new(5, Pos::new(1, 1)));
        let ((), problems) = with_ctx(|ctx| fix_references(ctx, &mut acc));
        assert!(problems.is_empty(), "{problems:?}");
        let claim = |i: usize| acc.resources[i].node.pointer("/spec/volumes/0/configMap/name").and_then(Node::as_str);
        assert_eq!(claim(1), Some("top-one-settings"));
        assert_eq!(claim(3), Some("top-two-settings"));
    }

    #[test]
    fn binding_subjects_take_the_account_name_and_namespace() {
        let text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ctl\n  namespace: system\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: r\n\
subjects:\n- kind: ServiceAccount\n  name: ctl\n  namespace: system\n";
        let mut acc = Acc::new();
        acc.resources = objects(text, 1);
        let ns = tree::string("prod", Origin::new(7, Pos::new(1, 12)));
        with_ctx(|ctx| {
            super::super::namespace::transform(
                ctx,
                &mut acc,
                &ns,
                "prod",
                false,
                super::super::namespace::SubjectMode::DefaultOnly,
            )
        });
        affix(&mut acc, "x-", true, Origin::new(7, Pos::new(2, 13)));
        let ((), problems) = with_ctx(|ctx| fix_references(ctx, &mut acc));
        assert!(problems.is_empty(), "{problems:?}");
        let s = acc.resources[1].node.pointer("/subjects/0").unwrap();
        assert_eq!(s.get("name").and_then(Node::as_str), Some("x-ctl"));
        let ns = s.get("namespace").unwrap();
        assert_eq!((ns.as_str(), ns.src, ns.pos), (Some("prod"), 7, Pos::new(1, 12)));
    }

    #[test]
    fn an_ambiguous_reference_is_a_build_error() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: a\n---\n\
apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  namespace: b\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\nrules:\n- resourceNames: [s]\n";
        let mut acc = Acc::new();
        acc.resources = objects(text, 1);
        acc.resources[0].remember_name();
        tree::set(
            tree::get_mut(&mut acc.resources[0].node, "metadata").unwrap(),
            "name",
            tree::string("s1", Origin::default()),
        );
        acc.resources[1].remember_name();
        tree::set(
            tree::get_mut(&mut acc.resources[1].node, "metadata").unwrap(),
            "name",
            tree::string("s2", Origin::default()),
        );
        let ((), problems) = with_ctx(|ctx| fix_references(ctx, &mut acc));
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].kind, ProblemKind::BuildError);
        assert_eq!(problems[0].pos, Pos::new(18, 19));
    }
}
