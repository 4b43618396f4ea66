//! Output order: `kustomize build`'s, set by the root kustomization's `sortOptions:`
//! (`api/internal/builtins/SortOrderTransformer.go`, `api/krusty/kustomizer.go`).
//!
//! Without `sortOptions:`, kustomize v5 (through v5.8.0) still sorts in its legacy order:
//! kinds of a fixed list first (Namespace, ResourceQuota, StorageClass, CRDs, ServiceAccount,
//! ..., Deployment, StatefulSet, CronJob, PodDisruptionBudget), then every other kind, then the
//! webhook configurations; within a rank by group, version and kind, and within a kind by
//! namespace and name. `sortOptions: {order: legacy, legacySortOptions: {orderFirst,
//! orderLast}}` replaces the two lists; `order: fifo` keeps the order objects were built in.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::build::{Ctx, Kust};
use super::{ProblemKind, Resource};
use crate::parse::yaml::Node;

const ORDER_FIRST: [&str; 22] = [
    "Namespace",
    "ResourceQuota",
    "StorageClass",
    "CustomResourceDefinition",
    "ServiceAccount",
    "PodSecurityPolicy",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "ConfigMap",
    "Secret",
    "Endpoints",
    "Service",
    "LimitRange",
    "PriorityClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "Deployment",
    "StatefulSet",
    "CronJob",
    "PodDisruptionBudget",
];
const ORDER_LAST: [&str; 2] = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/// The rank of each listed kind: first-list kinds below zero, last-list kinds above.
fn ranks(first: &[String], last: &[String]) -> HashMap<String, i64> {
    let mut m = HashMap::new();
    for (i, k) in first.iter().enumerate() {
        m.insert(k.clone(), i as i64 - first.len() as i64);
    }
    for (i, k) in last.iter().enumerate() {
        m.insert(k.clone(), 1 + i as i64);
    }
    m
}

struct Id {
    group: String,
    version: String,
    kind: String,
    namespace: String,
    name: String,
}

impl Id {
    fn of(r: &Resource) -> Self {
        let (g, v) = r.group_version();
        Self {
            group: g.to_string(),
            version: v.to_string(),
            kind: r.kind().to_string(),
            namespace: r.namespace().unwrap_or("").to_string(),
            name: r.name().to_string(),
        }
    }

    fn gvk_sort_string(&self) -> String {
        let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
        format!("{}_{}_{}", or(&self.group, "~G"), or(&self.version, "~V"), or(&self.kind, "~K"))
    }

    /// kustomize's `ResId` sort string: `kind.version.group|namespace|name`.
    fn id_sort_string(&self) -> String {
        let or = |s: &str, d: &str| if s.is_empty() { d.to_string() } else { s.to_string() };
        format!(
            "{}.{}.{}|{}|{}",
            or(&self.kind, "[noKind]"),
            or(&self.version, "[noVer]"),
            or(&self.group, "[noGrp]"),
            or(&self.namespace, "~X"),
            or(&self.name, "~N")
        )
    }
}

fn legacy_cmp(a: &Id, b: &Id, ranks: &HashMap<String, i64>) -> Ordering {
    if (&a.group, &a.version, &a.kind) != (&b.group, &b.version, &b.kind) {
        let (ra, rb) = (ranks.get(&a.kind).copied().unwrap_or(0), ranks.get(&b.kind).copied().unwrap_or(0));
        if ra != rb {
            return ra.cmp(&rb);
        }
        if a.kind == "Namespace" && b.kind == "Namespace" && (a.group.is_empty() || b.group.is_empty()) {
            return b.gvk_sort_string().cmp(&a.gvk_sort_string());
        }
        return a.gvk_sort_string().cmp(&b.gvk_sort_string());
    }
    a.id_sort_string().cmp(&b.id_sort_string())
}

/// Sorts in kustomize's legacy order with the given kind lists.
pub fn legacy_sort(resources: &mut [Resource], first: &[String], last: &[String]) {
    let ranks = ranks(first, last);
    let mut keyed: Vec<(Id, usize)> = resources.iter().enumerate().map(|(i, r)| (Id::of(r), i)).collect();
    keyed.sort_by(|a, b| legacy_cmp(&a.0, &b.0, &ranks));
    let mut slots: Vec<Option<Resource>> = resources.iter().cloned().map(Some).collect();
    for (dst, (_, src)) in keyed.iter().enumerate() {
        if let Some(r) = slots[*src].take() {
            resources[dst] = r;
        }
    }
}

fn strings(ctx: &mut Ctx, n: Option<&Node>) -> Option<Vec<String>> {
    let Some(n) = n.filter(|n| !n.is_null()) else { return Some(Vec::new()) };
    let Some(items) = n.as_seq() else {
        ctx.problem(ProblemKind::BuildError, n, "a list of kinds is expected here");
        return None;
    };
    Some(items.iter().filter_map(super::tree::scalar).collect())
}

pub fn sort(ctx: &mut Ctx, k: &Kust, resources: &mut [Resource]) {
    let defaults = || (ORDER_FIRST.map(String::from).to_vec(), ORDER_LAST.map(String::from).to_vec());
    let Some(opts) = k.get("sortOptions").filter(|n| !n.is_null()) else {
        let (first, last) = defaults();
        legacy_sort(resources, &first, &last);
        return;
    };
    let order = opts.get("order").and_then(Node::as_str).unwrap_or("");
    let legacy = opts.get("legacySortOptions").filter(|n| !n.is_null());
    match order {
        "fifo" if legacy.is_some() => {
            let msg = "sortOptions.legacySortOptions is set but the order is 'fifo', not 'legacy': kustomize refuses to build";
            ctx.problem(ProblemKind::BuildError, opts, msg);
        }
        "fifo" => {}
        "legacy" => {
            let (first, last) = match legacy {
                None => defaults(),
                Some(l) => match (strings(ctx, l.get("orderFirst")), strings(ctx, l.get("orderLast"))) {
                    (Some(f), Some(l)) => (f, l),
                    _ => return,
                },
            };
            legacy_sort(resources, &first, &last);
        }
        _ => {
            let at = opts.get("order").unwrap_or(opts);
            ctx.problem(
                ProblemKind::BuildError,
                at,
                "sortOptions.order must be one of [fifo, legacy]: kustomize refuses to build",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kustomize::labels::tests::doc;

    fn res(kind: &str, api: &str, ns: Option<&str>, name: &str) -> Resource {
        let ns = ns.map_or(String::new(), |n| format!("\n  namespace: {n}"));
        Resource::new(doc(&format!("apiVersion: {api}\nkind: {kind}\nmetadata:\n  name: {name}{ns}\n"), 0))
    }

    #[test]
    fn legacy_order_ranks_kinds_then_sorts_ids() {
        let mut rs = vec![
            res("ValidatingWebhookConfiguration", "admissionregistration.k8s.io/v1", None, "v"),
            res("Deployment", "apps/v1", Some("b"), "web"),
            res("Ingress", "networking.k8s.io/v1", None, "i"),
            res("Deployment", "apps/v1", Some("a"), "web"),
            res("ConfigMap", "v1", None, "z"),
            res("Certificate", "cert-manager.io/v1", None, "c"),
            res("Namespace", "v1", None, "n"),
            res("Service", "v1", None, "s"),
        ];
        let (f, l) = (ORDER_FIRST.map(String::from).to_vec(), ORDER_LAST.map(String::from).to_vec());
        legacy_sort(&mut rs, &f, &l);
        let got: Vec<String> = rs.iter().map(|r| format!("{}/{}", r.kind(), r.namespace().unwrap_or("-"))).collect();
        assert_eq!(
            got,
            [
                "Namespace/-",
                "ConfigMap/-",
                "Service/-",
                "Deployment/a",
                "Deployment/b",
                "Certificate/-",
                "Ingress/-",
                "ValidatingWebhookConfiguration/-"
            ]
        );
    }
}
