//! Conflicting strategic merge patches: two patches of one kustomization (its
//! `patchesStrategicMerge:` and `patches:`) that set the same field of the same object to
//! different values. kustomize (v5) applies them in order and says nothing, so the later wins
//! and the earlier is dead; paved reports it at the later patch's value.
//!
//! A field is named by its path through the patch, list items by their merge key (`name`,
//! `containerPort`, `mountPath`, ...) so `containers[name=web]/image` in two patches is the
//! same field; a list without such keys is one value (a strategic merge replaces it whole).

use std::collections::BTreeMap;

use super::ProblemKind;
use super::build::Ctx;
use crate::parse::yaml::{Node, Value, key_text};

/// The keys that identify list items in patches (the merge keys of the built-in types).
const ITEM_KEYS: [&str; 7] = ["name", "containerPort", "mountPath", "port", "ip", "topologyKey", "devicePath"];

/// Every field `patch` sets: (path, value as JSON text, the node).
fn fields<'a>(node: &'a Node, path: &str, out: &mut Vec<(String, String, &'a Node)>) {
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let key = key_text(k);
                if key.starts_with('$') || (path.is_empty() && matches!(key.as_ref(), "apiVersion" | "kind")) {
                    continue;
                }
                if path == "/metadata" && matches!(key.as_ref(), "name" | "namespace") {
                    continue;
                }
                fields(v, &format!("{path}/{key}"), out);
            }
        }
        Value::Seq(items) => {
            let keyed: Option<Vec<String>> = items
                .iter()
                .map(|i| {
                    ITEM_KEYS.iter().find_map(|k| i.get(k).and_then(|v| v.scalar_text()).map(|v| format!("{k}={v}")))
                })
                .collect();
            match keyed {
                Some(keys) if !items.is_empty() => {
                    for (item, key) in items.iter().zip(keys) {
                        fields(item, &format!("{path}[{key}]"), out);
                    }
                }
                _ => out.push((path.to_string(), node.to_json().to_string(), node)),
            }
        }
        _ => out.push((path.to_string(), node.to_json().to_string(), node)),
    }
}

/// Records a problem for each field a later patch sets differently from an earlier one.
pub fn check(ctx: &mut Ctx) {
    let applied = std::mem::take(&mut ctx.applied_patches);
    // (object, field) → (value, the earlier patch's node for it).
    let mut seen: BTreeMap<(String, String), (String, Node, usize)> = BTreeMap::new();
    for (n, (object, patch, _)) in applied.iter().enumerate() {
        let mut found = Vec::new();
        fields(patch, "", &mut found);
        for (path, value, node) in found {
            let key = (object.clone(), path.clone());
            match seen.get(&key) {
                Some((earlier, at, m)) if *m != n && *earlier != value => {
                    let message = format!(
                        "patch sets {path} of {object} to {value}, overriding {earlier} from an earlier patch ({}:{}): \
                         kustomize applies both in order, silently, and the later wins",
                        ctx.files.display(at.src),
                        at.pos.line
                    );
                    ctx.problem(ProblemKind::PatchConflict, node, message);
                }
                _ => {}
            }
            seen.insert(key, (value, node.clone(), n));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::yaml::{Limits, parse_stream};

    #[test]
    fn fields_are_named_through_merge_keys() {
        let text = "kind: Deployment\nmetadata:\n  name: a\n  labels: {x: \"1\"}\nspec:\n  template:\n    spec:\n      containers:\n      - name: web\n        image: b\n        args: [-v]\n        $patch: merge\n";
        let n = parse_stream(text, &Limits::default()).unwrap().remove(0).root;
        let mut out = Vec::new();
        fields(&n, "", &mut out);
        let paths: Vec<(&str, &str)> = out.iter().map(|(p, v, _)| (p.as_str(), v.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("/metadata/labels/x", "\"1\""),
                ("/spec/template/spec/containers[name=web]/name", "\"web\""),
                ("/spec/template/spec/containers[name=web]/image", "\"b\""),
                ("/spec/template/spec/containers[name=web]/args", "[\"-v\"]"),
            ]
        );
    }
}
