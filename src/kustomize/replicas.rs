//! `replicas:`: kustomize's ReplicaCountTransformer (`api/filters/replicacount`).
//!
//! Each entry sets `count` at every replicas field spec (`fieldspecs/replicas.yaml`:
//! Deployment, ReplicaSet, ReplicationController, StatefulSet, plus `configurations:`) of the
//! objects whose name — current or any earlier one, so a base's name before a prefix — is
//! `name`, creating `spec/replicas` when missing. An entry that matches nothing fails
//! `kustomize build`, as here. The count set carries the origin of the entry's `count:` value.

use super::ProblemKind;
use super::build::{Acc, Ctx, Kust};
use super::fieldspec::FieldSpec;
use super::tree::{self, Origin};
use crate::parse::yaml::{Node, Value};

/// One entry, read: the name, the count node (an int) and the entry's origin.
pub struct Replica {
    pub name: String,
    pub count: Node,
    pub at: Origin,
}

/// Reads an entry of `replicas:` (or a ReplicaCountTransformer's `replica:`).
pub fn read_entry(ctx: &mut Ctx, entry: &Node) -> Option<Replica> {
    if !ctx.expect_map(entry, "a replicas entry") {
        return None;
    }
    let name = match entry.get("name").map(|n| &n.value) {
        Some(Value::String(s)) => s.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => {
            let n = entry.get("name").unwrap_or(entry);
            ctx.problem(ProblemKind::BuildError, n, "replicas `name` is not a string: kustomize refuses to build");
            return None;
        }
    };
    // kustomize reads `count` as an int64; a missing count is 0.
    let count = match entry.get("count") {
        Some(n) if matches!(n.value, Value::Int(_)) => n.clone(),
        None => tree::node(Value::Int(0), Origin::of(entry)),
        Some(n) if n.is_null() => tree::node(Value::Int(0), Origin::of(n)),
        Some(n) => {
            let msg = format!("replicas `count` is a {}, not an integer: kustomize refuses to build", n.type_name());
            ctx.problem(ProblemKind::BuildError, n, msg);
            return None;
        }
    };
    Some(Replica { name, count, at: Origin::of(entry) })
}

impl Replica {
    /// Sets the count on the matching objects; false when none matches.
    pub fn apply(&self, acc: &mut Acc, specs: &[FieldSpec]) -> bool {
        let mut found = false;
        for spec in specs {
            for r in &mut acc.resources {
                let named = r.name() == self.name || r.history.iter().any(|(_, n)| *n == self.name);
                if !named || !spec.applies_to(r) {
                    continue;
                }
                found = true;
                let make = || self.count.clone();
                spec.visit(&mut r.node, self.at, Some(&make), &mut |n| {
                    if n.as_i64() != self.count.as_i64() || !matches!(n.value, Value::Int(_)) {
                        *n = self.count.clone();
                    }
                });
            }
        }
        found
    }
}

pub fn apply(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    for entry in k.list("replicas") {
        let Some(rep) = read_entry(ctx, entry) else { continue };
        let specs = acc.config.replicas.clone();
        if !rep.apply(acc, &specs) {
            let msg = format!(
                "replicas: no Deployment, ReplicaSet, ReplicationController or StatefulSet (or kind configured for replicas) is named {:?}: kustomize refuses to build",
                rep.name
            );
            ctx.problem(ProblemKind::BuildError, entry, msg);
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
    fn counts_are_set_and_created_with_the_count_origin() {
        let mut acc = Acc::new();
        acc.resources.push(Resource::new(doc("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n", 1)));
        acc.resources.push(Resource::new(doc(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 1\n",
            2,
        )));
        acc.resources.push(Resource::new(doc("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n", 3)));
        let opts = crate::kustomize::Options { roots: &[], display: &|p| p.display().to_string() };
        let mut ctx = Ctx::new(&opts);
        let k = doc("- name: web\n  count: 3\n- name: db\n  count: 5\n", 0);
        let specs = acc.config.replicas.clone();
        for e in k.as_seq().unwrap() {
            assert!(read_entry(&mut ctx, e).unwrap().apply(&mut acc, &specs));
        }
        let r = acc.resources[0].node.pointer("/spec/replicas").unwrap();
        assert_eq!((r.as_i64(), r.src, r.pos), (Some(3), 0, Pos::new(2, 10)));
        let r = acc.resources[1].node.pointer("/spec/replicas").unwrap();
        assert_eq!((r.as_i64(), r.src), (Some(5), 0));
        assert!(acc.resources[2].node.get("spec").is_none(), "a Service has no replicas");
        let missing = doc("name: nothing\ncount: 1\n", 0);
        assert!(!read_entry(&mut ctx, &missing).unwrap().apply(&mut acc, &specs));
    }
}
