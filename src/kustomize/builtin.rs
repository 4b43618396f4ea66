//! The `transformers:` field: configuration files of kustomize's built-in transformers
//! (`apiVersion: builtin`), applied in order to what this kustomization has built so far.
//!
//! Built: LabelTransformer (`labels`, `fieldSpecs`), AnnotationsTransformer (`annotations`,
//! `fieldSpecs`), ImageTagTransformer (`imageTag`, `fieldSpecs`) and ReplicaCountTransformer
//! (`replica`, `fieldSpecs`), with the semantics of the kustomization fields they back (see
//! labels.rs, images.rs, replicas.rs) but only the field specs the configuration lists. Any
//! other transformer (a namespace or prefix transformer, patches, a KRM function, an exec
//! plugin) and a directory entry are reported as `Unsupported` at the entry that names them:
//! what they would change is not linted.

use super::build::{Acc, Ctx, Kust};
use super::load::Target;
use super::{ProblemKind, config, images, labels, replicas};
use crate::parse::yaml::{Node, Value};

/// Applies one transformer configuration (`doc`), named by `entry`.
fn apply_config(ctx: &mut Ctx, entry: &Node, doc: &Node, acc: &mut Acc) {
    let api = doc.get("apiVersion").and_then(Node::as_str).unwrap_or("");
    let kind = doc.get("kind").and_then(Node::as_str).unwrap_or("");
    let specs = config::specs(doc.get("fieldSpecs"));
    let at = super::tree::Origin::of(doc);
    match (api, kind) {
        ("builtin", "LabelTransformer") | ("builtin", "AnnotationsTransformer") => {
            let field = if kind == "LabelTransformer" { "labels" } else { "annotations" };
            let Some(node) = doc.get(field) else { return };
            if let Some(pairs) = labels::string_map(ctx, node, &format!("{kind} {field}")) {
                let at = doc.entry(field).map_or(at, |(k, _)| super::tree::Origin::of(k));
                labels::set_pairs(acc, &pairs, &specs, at);
            }
        }
        ("builtin", "ImageTagTransformer") => {
            let Some(tag) = doc.get("imageTag") else { return };
            if let Some(e) = images::read_entry(ctx, tag) {
                e.apply(acc, &specs);
            }
        }
        ("builtin", "ReplicaCountTransformer") => {
            let Some(rep) = doc.get("replica").and_then(|r| replicas::read_entry(ctx, r)) else { return };
            if !rep.apply(acc, &specs) {
                let msg = format!(
                    "ReplicaCountTransformer: no object named {:?} matches its fieldSpecs: kustomize refuses to build",
                    rep.name
                );
                ctx.problem(ProblemKind::BuildError, doc, msg);
            }
        }
        _ => {
            let what = if api == "builtin" {
                format!("built-in transformer {kind}")
            } else {
                format!("transformer {api} {kind}")
            };
            let msg = format!("{what} is not supported by paved: the build skips it, so what it changes is not linted");
            ctx.problem(ProblemKind::Unsupported, entry, msg);
        }
    }
}

pub fn transformers_field(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.list("transformers") {
        // An inline configuration is a string holding YAML; a path names a file.
        let docs = match entry.as_str() {
            Some(text) if text.contains('\n') => {
                ctx.problem(
                    ProblemKind::Unsupported,
                    entry,
                    "inline transformer configurations are not supported by paved: not linted",
                );
                continue;
            }
            Some(_) => match ctx.resolve(k, entry, "transformer") {
                Some(Target::File(path)) => {
                    let Some(src) = ctx.read(entry, &path) else { continue };
                    let Some(docs) = ctx.documents(entry, src) else { continue };
                    docs
                }
                Some(Target::Dir(_)) => {
                    ctx.problem(
                        ProblemKind::Unsupported,
                        entry,
                        "a kustomization directory of transformers is not supported by paved: what it changes is not linted",
                    );
                    continue;
                }
                None => continue,
            },
            None => {
                ctx.problem(
                    ProblemKind::BuildError,
                    entry,
                    format!("a transformers entry is a path, not a {}", entry.type_name()),
                );
                continue;
            }
        };
        for doc in &docs {
            if matches!(doc.value, Value::Map(_)) {
                apply_config(ctx, entry, doc, acc);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::Resource;
    use crate::kustomize::labels::tests::doc;
    use crate::parse::Pos;

    #[test]
    fn label_transformer_uses_only_its_field_specs() {
        let opts = crate::kustomize::Options { roots: &[], display: &|p| p.display().to_string() };
        let mut ctx = Ctx::new(&opts);
        let mut acc = Acc::new();
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n";
        acc.resources.push(Resource::new(doc(dep, 1)));
        let cfg = doc(
            "apiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  env: dev\nfieldSpecs:\n- path: metadata/labels\n  create: true\n",
            0,
        );
        apply_config(&mut ctx, &cfg, &cfg, &mut acc);
        let n = &acc.resources[0].node;
        let l = n.pointer("/metadata/labels/env").unwrap();
        assert_eq!((l.as_str(), l.src, l.pos), (Some("dev"), 0, Pos::new(6, 8)));
        assert!(n.pointer("/spec/selector/matchLabels/env").is_none());
        let other = doc("apiVersion: builtin\nkind: NamespaceTransformer\nmetadata:\n  name: ns\n", 0);
        apply_config(&mut ctx, &other, &other, &mut acc);
        assert_eq!(ctx.problems.len(), 1);
        assert_eq!(ctx.problems[0].kind, ProblemKind::Unsupported);
    }
}
