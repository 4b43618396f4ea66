//! `commonLabels:`, `labels:` and `commonAnnotations:`: kustomize's LabelTransformer and
//! AnnotationsTransformer (`api/filters/labels`, `api/filters/annotations`).
//!
//! Each pair is set, keys in sorted order, at every field a field spec names: `commonLabels:`
//! uses the commonLabels specs (metadata, selectors, pod templates, volume claim templates);
//! a `labels:` entry uses its own `fields`, the configuration's `labels` specs, then the
//! commonLabels specs (`includeSelectors`) or the templateLabels specs (`includeTemplates`)
//! plus `metadata/labels`. The spec lists merge as kustomize's `FsSlice.MergeOne` does (a spec
//! already covered by one for a wider kind is not added again).
//!
//! Origins: a key that is added carries the kustomization's key node, a value that is set
//! carries the kustomization's value node, and a mapping created on the way (`labels:` of a
//! template without labels) carries the field (`commonLabels:`). A label that already has
//! the value keeps its own origin.
//!
//! Also here: [`string_map`], kustomize's reading of a `map[string]string` field, which
//! generators use for their `options`.

use super::ProblemKind;
use super::build::{Acc, Ctx, Kust};
use super::config;
use super::fieldspec::FieldSpec;
use super::tree::{self, Origin};
use crate::parse::yaml::{Node, Value, key_text};

/// A map of strings as kustomize reads one (`map[string]string`): string values as they are,
/// null as `""`; a number or bool is an error (`cannot unmarshal number into ... of type
/// string`), recorded at the value. Pairs are (key, value) nodes with their origins, sorted by
/// key as kustomize applies them. `None` when the field cannot be read.
pub fn string_map(ctx: &mut Ctx, node: &Node, what: &str) -> Option<Vec<(Node, Node)>> {
    if node.is_null() {
        return Some(Vec::new());
    }
    let Some(entries) = node.as_map() else {
        ctx.problem(
            ProblemKind::BuildError,
            node,
            format!("{what} is a mapping of strings, not a {}", node.type_name()),
        );
        return None;
    };
    let mut pairs: Vec<(Node, Node)> = Vec::new();
    for (k, v) in entries {
        let key = tree::string(key_text(k), Origin::of(k));
        let value = match &v.value {
            Value::String(_) => v.clone(),
            Value::Null => tree::string("", Origin::of(v)),
            _ => {
                let msg = format!(
                    "{what} value {:?} is a {}: kustomize reads these values as strings and refuses to build (quote it)",
                    tree::scalar(v).unwrap_or_default(),
                    v.type_name()
                );
                ctx.problem(ProblemKind::BuildError, v, msg);
                return None;
            }
        };
        match pairs.iter_mut().find(|(pk, _)| pk.as_str() == key.as_str()) {
            Some(p) => *p = (key, value),
            None => pairs.push((key, value)),
        }
    }
    pairs.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
    Some(pairs)
}

/// Sets `key: value` in mapping `target` (kustomize's `SetEntry` with a string tag). An entry
/// that already holds the same string keeps its nodes.
pub fn set_entry(target: &mut Node, key: &Node, value: &Node) {
    let Value::Map(entries) = &mut target.value else { return };
    let name = key.as_str().unwrap_or("");
    match entries.iter_mut().find(|(k, _)| key_text(k) == name) {
        Some((_, v)) => {
            if v.as_str() != value.as_str() || !matches!(v.value, Value::String(_)) {
                *v = value.clone();
            }
        }
        None => entries.push((key.clone(), value.clone())),
    }
}

/// Sets every pair at every field `specs` name in each object, as kustomize's label and
/// annotation filters do. Mappings created on the way carry `at`.
pub fn set_pairs(acc: &mut Acc, pairs: &[(Node, Node)], specs: &[FieldSpec], at: Origin) {
    let make = || tree::map(Vec::new(), at);
    for r in &mut acc.resources {
        for (k, v) in pairs {
            for spec in specs {
                if spec.applies_to(r) {
                    spec.visit(&mut r.node, at, Some(&make), &mut |target| set_entry(target, k, v));
                }
            }
        }
    }
}

/// kustomize's `FsSlice.MergeOne`: `x` is added unless a spec with its path already covers its
/// kind (every field `x` names is the same there); the same spec with another `create` is a
/// conflict.
pub fn merge_one(specs: &mut Vec<FieldSpec>, x: &FieldSpec) -> Result<(), String> {
    let covered = |s: &FieldSpec| {
        s.path == x.path
            && (x.group.is_empty() || s.group == x.group)
            && (x.version.is_empty() || s.version == x.version)
            && (x.kind.is_empty() || s.kind == x.kind)
    };
    match specs.iter().find(|s| covered(s)) {
        Some(s) if s.create != x.create => Err(format!("conflicting fieldspecs for path {:?}", x.path)),
        Some(_) => Ok(()),
        None => {
            specs.push(x.clone());
            Ok(())
        }
    }
}

pub fn merge_all(specs: &mut Vec<FieldSpec>, more: &[FieldSpec]) -> Result<(), String> {
    more.iter().try_for_each(|x| merge_one(specs, x))
}

/// The field specs of one `labels:` entry.
fn entry_specs(acc: &Acc, entry: &Node) -> Result<Vec<FieldSpec>, String> {
    let flag = |key: &str| entry.get(key).and_then(Node::as_bool).unwrap_or(false);
    let mut specs = config::specs(entry.get("fields"));
    merge_all(&mut specs, &acc.config.labels)?;
    if flag("includeSelectors") {
        merge_all(&mut specs, &acc.config.common_labels)?;
    } else {
        if flag("includeTemplates") {
            merge_all(&mut specs, &acc.config.template_labels)?;
        }
        merge_one(&mut specs, &FieldSpec { path: "metadata/labels".into(), create: true, ..FieldSpec::default() })?;
    }
    Ok(specs)
}

/// `labels:` entries, then `commonLabels:`, in kustomize's order.
pub fn apply(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.list("labels") {
        if !matches!(entry.value, Value::Map(_)) {
            ctx.problem(
                ProblemKind::BuildError,
                entry,
                format!("a labels entry is a mapping, not a {}", entry.type_name()),
            );
            continue;
        }
        let Some(pairs) = entry.get("pairs").map_or(Some(Vec::new()), |p| string_map(ctx, p, "labels pairs")) else {
            continue;
        };
        match entry_specs(acc, entry) {
            Ok(specs) => {
                let at = entry.entry("pairs").map_or(Origin::of(entry), |(key, _)| Origin::of(key));
                set_pairs(acc, &pairs, &specs, at);
            }
            Err(e) => ctx.problem(ProblemKind::BuildError, entry, format!("kustomize refuses these labels: {e}")),
        }
    }
    if let Some((key, node)) = k.node.entry("commonLabels")
        && let Some(pairs) = string_map(ctx, node, "commonLabels")
    {
        let specs = acc.config.common_labels.clone();
        set_pairs(acc, &pairs, &specs, Origin::of(key));
    }
}

/// `commonAnnotations:`.
pub fn annotations(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    if let Some((key, node)) = k.node.entry("commonAnnotations")
        && let Some(pairs) = string_map(ctx, node, "commonAnnotations")
    {
        let specs = acc.config.common_annotations.clone();
        set_pairs(acc, &pairs, &specs, Origin::of(key));
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::kustomize::Resource;
    use crate::parse::Pos;
    use crate::parse::yaml::{Limits, parse_stream};

    pub fn doc(text: &str, src: u32) -> Node {
        let mut n = parse_stream(text, &Limits::default()).unwrap().remove(0).root;
        tree::set_src(&mut n, src);
        n
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    spec:\n      containers: []\n";

    fn acc_of(texts: &[&str]) -> Acc {
        let mut acc = Acc::new();
        for (i, t) in texts.iter().enumerate() {
            acc.resources.push(Resource::new(doc(t, i as u32 + 1)));
        }
        acc
    }

    #[test]
    fn common_labels_reach_selectors_and_templates_with_their_origins() {
        let mut acc = acc_of(&[DEPLOYMENT]);
        let k = doc("commonLabels:\n  team: blue\n  app: web\n", 0);
        let mut pairs = Vec::new();
        for (key, v) in k.get("commonLabels").unwrap().as_map().unwrap() {
            pairs.push((tree::string(key_text(key), Origin::of(key)), v.clone()));
        }
        pairs.sort_by(|a, b| a.0.as_str().cmp(&b.0.as_str()));
        let specs = acc.config.common_labels.clone();
        set_pairs(&mut acc, &pairs, &specs, Origin::new(0, Pos::new(1, 1)));
        let n = &acc.resources[0].node;
        for p in ["/metadata/labels/team", "/spec/selector/matchLabels/team", "/spec/template/metadata/labels/team"] {
            let v = n.pointer(p).unwrap();
            assert_eq!((v.as_str(), v.src, v.pos), (Some("blue"), 0, Pos::new(2, 9)), "{p}");
        }
        // An unchanged label keeps the base's origin; the created template labels map the field's.
        assert_eq!(n.pointer("/metadata/labels/app").unwrap().src, 1);
        assert_eq!(n.pointer("/spec/template/metadata/labels").unwrap().pos, Pos::new(1, 1));
    }

    #[test]
    fn labels_without_selectors_leave_selectors_alone() {
        let acc = acc_of(&[DEPLOYMENT]);
        let entry = doc("pairs:\n  team: blue\nincludeTemplates: true\n", 0);
        let specs = entry_specs(&acc, &entry).unwrap();
        assert!(specs.iter().any(|s| s.path == "spec/template/metadata/labels"));
        assert!(!specs.iter().any(|s| s.path.contains("selector")));
        let entry =
            doc("pairs:\n  team: blue\nfields:\n- path: metadata/labels\n  kind: Deployment\n  create: true\n", 0);
        let specs = entry_specs(&acc, &entry).unwrap();
        // kustomize's MergeOne: the Deployment spec covers the generic metadata/labels one.
        assert_eq!(specs.len(), 1);
        let entry = doc("pairs:\n  team: blue\nfields:\n- path: metadata/labels\n", 0);
        assert!(entry_specs(&acc, &entry).is_err());
    }
}
