//! The patch fields of a kustomization: `patchesStrategicMerge:`, `patches:` and
//! `patchesJson6902:`, as kustomize's PatchStrategicMerge, Patch and PatchJson6902
//! transformers apply them.
//!
//! - A patch is read from a file (`path:`, or a `patchesStrategicMerge` entry) or given inline
//!   (`patch:`, or a `patchesStrategicMerge` entry that is YAML). Inline patches are parsed
//!   where they are written: every node of one points into the kustomization file, at the
//!   line of the block scalar it is on.
//! - A patch whose (first) document is a list is a JSON patch ([`json6902`]); one whose
//!   documents are mappings is a strategic merge patch ([`merge`]), each document a patch.
//! - A strategic merge patch without a target patches the one object with its id
//!   ([`select::Id`]: previous names count); with a target, every selected object
//!   ([`select::Selector`]), its own apiVersion, kind and name ignored. The patch never changes
//!   the object's namespace, nor its name or kind unless `options.allowNameChange` /
//!   `allowKindChange` say so (kustomize's `Resource.ApplySmPatch`).
//!
//! Problems are reported at the entry that names the patch (the `path:`, the `patch:`
//! scalar, the `target:`), or at the failing JSON patch operation. A patch that matches
//! nothing is `PatchUnmatched` (kustomize fails the build for an untargeted strategic merge
//! patch, and silently does nothing for a target that selects nothing).
//!
//! Why ours: the source map. kustomize's patch plugins lose every node's file and position.

use super::build::{Acc, Ctx, Kust};
use super::select::{Id, Selector};
use super::tree::{self, Origin};
use super::{ProblemKind, json6902, merge};
use crate::parse::Pos;
use crate::parse::yaml::{self, Node, ScalarStyle, Value};

#[derive(Debug, Clone, Copy, Default)]
struct Opts {
    allow_name_change: bool,
    allow_kind_change: bool,
}

/// `patchesStrategicMerge:`: paths, or inline YAML.
pub fn strategic_merge_field(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.list("patchesStrategicMerge").to_vec() {
        let docs = match inline_yaml(k, &entry) {
            Some(docs) => docs,
            None => {
                let Some(src) = ctx.read_entry(k, &entry, "patch") else { continue };
                let Some(docs) = ctx.documents(&entry, src) else { continue };
                docs
            }
        };
        if docs.is_empty() {
            ctx.problem(ProblemKind::BuildError, &entry, "patch is empty: kustomize refuses it");
        }
        for doc in &docs {
            if let Some(why) = not_a_resource(doc) {
                ctx.problem(
                    ProblemKind::BuildError,
                    doc,
                    format!("invalid strategic merge patch: {why}; kustomize refuses it"),
                );
                continue;
            }
            smp_by_id(ctx, acc, doc, Opts::default(), true, &entry);
        }
    }
}

/// A `patchesStrategicMerge` entry that is patch content rather than a path (kustomize tries
/// the entry as YAML first): its documents.
fn inline_yaml(k: &Kust, entry: &Node) -> Option<Vec<Node>> {
    let text = entry.as_str()?;
    let docs = parse_inline(k, entry, text).ok()?;
    (!docs.is_empty() && docs.iter().all(|d| not_a_resource(d).is_none())).then_some(docs)
}

/// Parses inline patch `text` (the value of scalar `at` in kustomization `k`), placing every
/// node in the kustomization file. The error is the message for a problem at `at`.
fn parse_inline(k: &Kust, at: &Node, text: &str) -> Result<Vec<Node>, String> {
    let docs = yaml::parse_stream(text, &yaml::Limits::default()).map_err(|e| {
        let p = place(at, e.pos);
        format!("inline patch is not valid YAML: {}:{}: {}", p.line, p.col, e.message)
    })?;
    Ok(docs
        .into_iter()
        .filter(|d| !d.root.is_null())
        .map(|d| {
            let mut n = d.root;
            relocate(&mut n, at, k.src);
            n
        })
        .collect())
}

/// Where position `p` of the text of scalar `at` is in its file.
fn place(at: &Node, p: Pos) -> Pos {
    let line = p.line.saturating_sub(1) as usize;
    let base = at.content_line_pos(line);
    match at.style {
        ScalarStyle::Literal | ScalarStyle::Folded => {
            Pos::new(base.line, base.col.saturating_add(p.col.saturating_sub(1)))
        }
        _ if line == 0 => Pos::new(base.line, base.col.saturating_add(p.col.saturating_sub(1))),
        _ => base,
    }
}

/// Moves a tree parsed from the text of scalar `at` to where that text is in file `src`.
fn relocate(node: &mut Node, at: &Node, src: u32) {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        n.src = src;
        n.pos = place(at, n.pos);
        n.content = place(at, n.content);
        match &mut n.value {
            Value::Seq(items) => stack.extend(items.iter_mut()),
            Value::Map(entries) => {
                for (key, v) in entries.iter_mut() {
                    key.src = src;
                    key.pos = place(at, key.pos);
                    key.content = place(at, key.content);
                    stack.push(v);
                }
            }
            _ => {}
        }
    }
}

/// The documents of a `patches:`/`patchesJson6902:` entry (`path:` or `patch:`), and the node
/// to report problems at.
fn load(ctx: &mut Ctx, k: &Kust, entry: &Node, inline_key: &str) -> Option<(Vec<Node>, Node)> {
    let path = entry.get("path").filter(|p| !p.is_null());
    let inline = entry.get(inline_key).filter(|p| !p.is_null());
    match (path, inline) {
        (Some(_), Some(i)) => {
            ctx.problem(ProblemKind::BuildError, i, format!("a patch has `path` or `{inline_key}`, not both"));
            None
        }
        (None, None) => {
            ctx.problem(ProblemKind::BuildError, entry, format!("a patch needs `path` or `{inline_key}`"));
            None
        }
        (Some(p), None) => {
            let src = ctx.read_entry(k, p, "patch")?;
            let docs = ctx.documents(p, src)?;
            Some((docs, p.clone()))
        }
        (None, Some(i)) => {
            let Some(text) = i.as_str() else {
                ctx.problem(ProblemKind::BuildError, i, format!("`{inline_key}` is a {}, not a string", i.type_name()));
                return None;
            };
            match parse_inline(k, i, text) {
                Ok(docs) => Some((docs, i.clone())),
                Err(e) => {
                    ctx.problem(ProblemKind::BuildError, i, e);
                    None
                }
            }
        }
    }
}

fn read_target(ctx: &mut Ctx, entry: &Node) -> Result<Option<(Selector, Node)>, ()> {
    let Some(t) = entry.get("target").filter(|t| !t.is_null()) else { return Ok(None) };
    match Selector::from_node(t) {
        Ok(s) => Ok(Some((s, t.clone()))),
        Err(e) => {
            ctx.problem(ProblemKind::BuildError, t, format!("invalid patch target: {e}"));
            Err(())
        }
    }
}

/// `patches:`.
pub fn patches_field(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.list("patches").to_vec() {
        if entry.as_map().is_none() {
            ctx.problem(
                ProblemKind::BuildError,
                &entry,
                format!("a `patches` entry is a mapping with `path` or `patch`, not a {}", entry.type_name()),
            );
            continue;
        }
        let opts = Opts {
            allow_name_change: entry.pointer("/options/allowNameChange").and_then(Node::as_bool).unwrap_or(false),
            allow_kind_change: entry.pointer("/options/allowKindChange").and_then(Node::as_bool).unwrap_or(false),
        };
        let Ok(target) = read_target(ctx, &entry) else { continue };
        let Some((docs, at)) = load(ctx, k, &entry, "patch") else { continue };
        let Some(first) = docs.first() else {
            ctx.problem(ProblemKind::BuildError, &at, "patch is empty: kustomize refuses it");
            continue;
        };
        if matches!(first.value, Value::Seq(_)) {
            let Some((sel, t)) = target else {
                ctx.problem(ProblemKind::BuildError, &at, "a JSON patch needs a `target`: kustomize refuses it");
                continue;
            };
            json_patch(ctx, acc, first, &sel, &t, true);
            continue;
        }
        if let Some((bad, why)) = docs.iter().find_map(|d| not_a_resource(d).map(|w| (d, w))) {
            let msg =
                format!("neither a strategic merge patch ({why}) nor a JSON patch (a list): kustomize refuses it");
            ctx.problem(ProblemKind::BuildError, bad, msg);
            continue;
        }
        match target {
            Some((sel, t)) => {
                if docs.len() > 1 {
                    ctx.problem(
                        ProblemKind::BuildError,
                        &t,
                        "a `patches` entry with a target holds one strategic merge patch, not several: kustomize refuses it",
                    );
                    continue;
                }
                let picked: Vec<usize> = (0..acc.resources.len()).filter(|&i| sel.matches(&acc.resources[i])).collect();
                if picked.is_empty() {
                    unmatched_target(ctx, &t, &sel);
                    continue;
                }
                // Indices stay valid: deleted objects are dropped at the end.
                let mut deleted = Vec::new();
                for i in picked {
                    if !apply_smp(ctx, acc, i, first, opts, true, true, &at) {
                        deleted.push(i);
                    }
                }
                for i in deleted.into_iter().rev() {
                    acc.resources.remove(i);
                }
            }
            None => {
                for doc in &docs {
                    smp_by_id(ctx, acc, doc, opts, false, &at);
                }
            }
        }
    }
}

/// `patchesJson6902:`: a target (with a name) and `path:` or `patch:`.
pub fn json6902_field(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.list("patchesJson6902").to_vec() {
        if entry.as_map().is_none() {
            ctx.problem(
                ProblemKind::BuildError,
                &entry,
                format!("a `patchesJson6902` entry is a mapping, not a {}", entry.type_name()),
            );
            continue;
        }
        let Ok(target) = read_target(ctx, &entry) else { continue };
        let Some((sel, t)) = target else {
            ctx.problem(ProblemKind::BuildError, &entry, "a `patchesJson6902` entry needs a `target`");
            continue;
        };
        if t.get("name").and_then(|n| n.scalar_text()).is_none_or(|n| n.is_empty()) {
            ctx.problem(ProblemKind::BuildError, &t, "a `patchesJson6902` target needs a `name`: kustomize refuses it");
            continue;
        }
        let Some((docs, at)) = load(ctx, k, &entry, "patch") else { continue };
        match docs.first() {
            Some(first) if matches!(first.value, Value::Seq(_)) => json_patch(ctx, acc, first, &sel, &t, false),
            Some(first) => ctx.problem(
                ProblemKind::BuildError,
                first,
                format!("a JSON patch is a list of operations, not a {}", first.type_name()),
            ),
            None => ctx.problem(ProblemKind::BuildError, &at, "patch is empty: kustomize refuses it"),
        }
    }
}

fn unmatched_target(ctx: &mut Ctx, t: &Node, sel: &Selector) {
    ctx.problem(
        ProblemKind::PatchUnmatched,
        t,
        format!("patch target {} selects no object: the patch does nothing", sel.text),
    );
}

fn json_patch(ctx: &mut Ctx, acc: &mut Acc, ops: &Node, sel: &Selector, t: &Node, remember: bool) {
    let ops = match json6902::parse(ops) {
        Ok(ops) if ops.is_empty() => {
            ctx.problem(ProblemKind::BuildError, t, "JSON patch has no operations: kustomize refuses it");
            return;
        }
        Ok(ops) => ops,
        Err((node, e)) => {
            ctx.problem(ProblemKind::BuildError, &node, format!("invalid JSON patch: {e}"));
            return;
        }
    };
    let mut any = false;
    for r in acc.resources.iter_mut().filter(|r| sel.matches(r)) {
        any = true;
        if remember {
            r.remember_name();
        }
        if let Err((i, e)) = json6902::apply(&mut r.node, &ops) {
            let msg = format!("JSON patch on {} failed: {e}", r.id());
            ctx.problem(ProblemKind::BuildError, &ops[i].node, msg);
        }
    }
    if !any {
        unmatched_target(ctx, t, sel);
    }
}

/// Applies strategic merge patch `doc` to the one object with its id.
fn smp_by_id(ctx: &mut Ctx, acc: &mut Acc, doc: &Node, opts: Opts, via_resmap: bool, at: &Node) {
    let id = Id::of(doc);
    let found: Vec<usize> = (0..acc.resources.len()).filter(|&i| id.matches(&acc.resources[i])).collect();
    match found[..] {
        [i] => {
            if !apply_smp(ctx, acc, i, doc, opts, false, via_resmap, at) {
                acc.resources.remove(i);
            }
        }
        [] => ctx.problem(
            ProblemKind::PatchUnmatched,
            at,
            format!("no object matches strategic merge patch {id}: kustomize fails the build (\"no matches for Id\")"),
        ),
        _ => ctx.problem(
            ProblemKind::BuildError,
            at,
            format!(
                "{} objects match strategic merge patch {id}: kustomize fails the build (\"multiple matches\")",
                found.len()
            ),
        ),
    }
}

/// Merges `patch` into object `i`. `false`: the patch deletes the object. `targeted`: the
/// patch has a target; `via_resmap`: kustomize applies it through `ResMap.ApplySmPatch`
/// (`patchesStrategicMerge:` and targeted `patches:`), which rewrites the patch's labels and
/// annotations as strings first.
#[allow(clippy::too_many_arguments)]
fn apply_smp(
    ctx: &mut Ctx,
    acc: &mut Acc,
    i: usize,
    patch: &Node,
    opts: Opts,
    targeted: bool,
    via_resmap: bool,
    at: &Node,
) -> bool {
    let r = &mut acc.resources[i];
    let mut patch = patch.clone();
    // The patch's apiVersion is the object's (kustomize sets it so for a target; without one
    // it matched): the object keeps its own node.
    if targeted || patch.get("apiVersion").and_then(Node::as_str) == Some(r.api_version()) {
        tree::remove(&mut patch, "apiVersion");
    }
    if via_resmap {
        stringify_metadata(&mut patch);
    }
    if opts.allow_name_change || opts.allow_kind_change {
        r.remember_name();
    }
    let kind = r.node.get("kind").cloned();
    let name = r.node.pointer("/metadata/name").cloned();
    let namespace = r.node.pointer("/metadata/namespace").cloned();
    let object = format!("{} {:?}", r.kind(), r.original_name());
    ctx.applied_patches.push((object, patch.clone(), at.clone()));
    let r = &mut acc.resources[i];
    let mut node = match merge::apply(&r.node, &patch) {
        Ok(Some(n)) => n,
        Ok(None) => return false,
        Err(e) => {
            let msg = format!("strategic merge patch on {} failed: {e}", r.id());
            ctx.problem(ProblemKind::BuildError, at, msg);
            return true;
        }
    };
    let keep_kind = !opts.allow_kind_change || node.get("kind").is_none_or(Node::is_null);
    if let Some(kind) = kind.filter(|_| keep_kind) {
        tree::set(&mut node, "kind", kind);
    }
    let meta_at = Origin::of(&node);
    if let Some(meta) = tree::ensure_map(&mut node, "metadata", meta_at) {
        if !opts.allow_name_change || meta.get("name").is_none_or(Node::is_null) {
            match name {
                Some(n) => tree::set(meta, "name", n),
                None => drop(tree::remove(meta, "name")),
            }
        }
        match namespace {
            Some(ns) => tree::set(meta, "namespace", ns),
            None => drop(tree::remove(meta, "namespace")),
        }
    }
    r.node = node;
    true
}

/// Why kustomize would not read `doc` as a strategic merge patch (it reads patches as
/// resources: a kind, a name unless a List, no null list items).
fn not_a_resource(doc: &Node) -> Option<String> {
    let Value::Map(_) = doc.value else {
        return Some(format!("a strategic merge patch is a mapping, not a {}", doc.type_name()));
    };
    let kind = doc.get("kind").and_then(|k| k.scalar_text()).filter(|k| !k.is_empty() && k != "null");
    let Some(kind) = kind else { return Some("the patch has no `kind`".into()) };
    let name = doc.pointer("/metadata/name").and_then(|n| n.scalar_text()).filter(|n| !n.is_empty() && n != "null");
    if name.is_none() && !kind.ends_with("List") {
        return Some("the patch has no `metadata.name`".into());
    }
    let mut stack = vec![doc];
    while let Some(n) = stack.pop() {
        match &n.value {
            Value::Seq(items) => {
                if items.iter().any(Node::is_null) {
                    return Some("the patch has an empty list item".into());
                }
                stack.extend(items.iter());
            }
            Value::Map(entries) => stack.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    None
}

/// kustomize's `CopyMergeMetaDataFieldsFrom` on the patch: its labels and annotations are read
/// as strings and written back, so `null` becomes the string "null" and `1` the string "1".
fn stringify_metadata(patch: &mut Node) {
    let Some(meta) = tree::get_mut(patch, "metadata") else { return };
    for field in ["labels", "annotations"] {
        if let Some(Node { value: Value::Map(entries), .. }) = tree::get_mut(meta, field) {
            for (_, v) in entries.iter_mut() {
                if let Some(text) = v.scalar_text().map(|t| t.into_owned()) {
                    v.value = Value::String(text);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_positions_map_into_the_block_scalar() {
        let text = "patches:\n- patch: |-\n    - op: add\n      path: /a\n      value: 1\n  target: {kind: X}\n";
        let mut root = yaml::parse_stream(text, &yaml::Limits::default()).unwrap().remove(0).root;
        tree::set_src(&mut root, 4);
        let k = Kust { dir: "/".into(), src: 4, node: root.clone(), is_component: false };
        let scalar = root.pointer("/patches/0/patch").unwrap();
        let docs = parse_inline(&k, scalar, scalar.as_str().unwrap()).unwrap();
        let value = docs[0].pointer("/0/value").unwrap();
        assert_eq!((value.src, value.pos), (4, Pos::new(5, 14)));
        let op = docs[0].pointer("/0").unwrap();
        assert_eq!(op.pos, Pos::new(3, 7));
        let bad = "patches:\n- patch: |\n    a: [\n";
        let root = yaml::parse_stream(bad, &yaml::Limits::default()).unwrap().remove(0).root;
        let scalar = root.pointer("/patches/0/patch").unwrap();
        assert!(
            parse_inline(&k, scalar, scalar.as_str().unwrap())
                .unwrap_err()
                .starts_with("inline patch is not valid YAML: ")
        );
    }

    #[test]
    fn built_patches_point_at_the_patch_and_leave_base_fields_alone() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        std::fs::write(
            root.join("dep.yaml"),
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: web:1\n",
        )
        .unwrap();
        std::fs::write(
            root.join("kustomization.yaml"),
            "resources: [dep.yaml]\npatches:\n- patch: |-\n    apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: web\n    spec:\n      template:\n        spec:\n          containers:\n          - name: web\n            livenessProbe:\n              httpGet: {path: /healthz, port: 8080}\n- target: {kind: Secret}\n  patch: '[{\"op\": \"add\", \"path\": \"/x\", \"value\": 1}]'\n",
        )
        .unwrap();
        let roots = vec![root.clone()];
        let display = |p: &std::path::Path| p.display().to_string();
        let built = crate::kustomize::build(&root, &crate::kustomize::Options { roots: &roots, display: &display });
        let dep = &built.resources[0].node;
        let probe = dep.pointer("/spec/template/spec/containers/0/livenessProbe").unwrap();
        assert_eq!(
            (built.files.display(probe.src).ends_with("kustomization.yaml"), probe.pos),
            (true, Pos::new(14, 15))
        );
        let image = dep.pointer("/spec/template/spec/containers/0/image").unwrap();
        assert!(built.files.display(image.src).ends_with("dep.yaml"));
        assert_eq!(image.pos.line, 10);
        let name = dep.pointer("/metadata/name").unwrap();
        assert!(built.files.display(name.src).ends_with("dep.yaml"), "the name keeps the base's node");
        assert_eq!(built.problems.len(), 1, "{:?}", built.problems);
        assert_eq!((built.problems[0].kind, built.problems[0].pos.line), (ProblemKind::PatchUnmatched, 15));
    }
}
