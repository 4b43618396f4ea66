//! The `namespace:` field: kustomize's NamespaceTransformer.
//!
//! Every object not known to be cluster-scoped gets `metadata.namespace` (created or replaced);
//! the `namespace` field specs (`fieldspecs/namespace.yaml` and `configurations:`) add the fields
//! that name a namespace elsewhere: a Namespace object's own name, an APIService's service, a CRD's
//! conversion webhook service. RoleBinding and ClusterRoleBinding subjects named `default` get it
//! too (v5's `setRoleBindingSubjects: defaultOnly`); other ServiceAccount subjects, like webhook
//! configurations' services, follow their object through name references
//! ([`super::names::fix_references`]). Each value set carries the origin of the `namespace:`
//! value. Which kinds are cluster-scoped is kustomize's built-in list ([`is_cluster_scoped`]):
//! a kind it does not know (a custom resource) is namespaced.
//!
//! Why ours: the transformer is part of kustomize (Go); see [`super`].

use super::build::{Acc, Ctx, Kust, same_id};
use super::fieldspec::FieldSpec;
use super::tree::{self, Origin};
use super::{ProblemKind, Resource};
use crate::parse::yaml::{Node, Value};

/// The apiVersion/kind pairs kustomize (kyaml's built-in OpenAPI data) knows to be
/// cluster-scoped. Anything else, including other versions of these kinds, is namespaced.
const CLUSTER_SCOPED: &[(&str, &[&str])] = &[
    ("v1", &["ComponentStatus", "Namespace", "Node", "NodeProxyOptions", "PersistentVolume"]),
    (
        "admissionregistration.k8s.io/v1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
        ],
    ),
    ("admissionregistration.k8s.io/v1beta1", &["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]),
    ("apiextensions.k8s.io/v1", &["CustomResourceDefinition"]),
    ("apiextensions.k8s.io/v1beta1", &["CustomResourceDefinition"]),
    ("apiregistration.k8s.io/v1", &["APIService"]),
    ("apiregistration.k8s.io/v1beta1", &["APIService"]),
    ("certificates.k8s.io/v1", &["CertificateSigningRequest"]),
    ("certificates.k8s.io/v1beta1", &["CertificateSigningRequest"]),
    ("flowcontrol.apiserver.k8s.io/v1beta1", &["FlowSchema", "PriorityLevelConfiguration"]),
    ("networking.k8s.io/v1", &["IngressClass"]),
    ("networking.k8s.io/v1beta1", &["IngressClass"]),
    ("node.k8s.io/v1", &["RuntimeClass"]),
    ("node.k8s.io/v1beta1", &["RuntimeClass"]),
    ("policy/v1beta1", &["PodSecurityPolicy"]),
    ("rbac.authorization.k8s.io/v1", &["ClusterRole", "ClusterRoleBinding"]),
    ("rbac.authorization.k8s.io/v1beta1", &["ClusterRole", "ClusterRoleBinding"]),
    ("scheduling.k8s.io/v1", &["PriorityClass"]),
    ("scheduling.k8s.io/v1beta1", &["PriorityClass"]),
    ("storage.k8s.io/v1", &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"]),
    ("storage.k8s.io/v1beta1", &["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"]),
];

/// Whether kustomize treats `apiVersion`/`kind` as cluster-scoped.
pub fn is_cluster_scoped(api_version: &str, kind: &str) -> bool {
    CLUSTER_SCOPED.iter().any(|(v, kinds)| *v == api_version && kinds.contains(&kind))
}

/// The namespace kustomize compares objects by: `None` for a cluster-scoped object, `default`
/// for a namespaced one without a namespace.
pub fn effective_namespace(r: &Resource) -> Option<String> {
    if is_cluster_scoped(r.api_version(), r.kind()) {
        return None;
    }
    Some(r.namespace().filter(|n| !n.is_empty()).unwrap_or("default").to_string())
}

/// Which RoleBinding/ClusterRoleBinding subjects take the namespace (NamespaceTransformer's
/// `setRoleBindingSubjects`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectMode {
    /// `defaultOnly` (the default): subjects named `default`.
    DefaultOnly,
    /// `allServiceAccounts`: every ServiceAccount subject.
    AllServiceAccounts,
    /// `none`.
    None,
}

/// The `namespace:` field of `k`.
pub fn apply(ctx: &mut Ctx, k: &Kust, acc: &mut Acc) {
    let Some(at) = k.get("namespace") else { return };
    let Some(ns) = tree::scalar(at) else {
        if !at.is_null() {
            ctx.problem(ProblemKind::BuildError, at, format!("namespace is a {}, not a string", at.type_name()));
        }
        return;
    };
    if ns.is_empty() {
        return;
    }
    let at = at.clone();
    transform(ctx, acc, &at, &ns, false, SubjectMode::DefaultOnly);
}

/// NamespaceTransformer: sets namespace `ns` (written at `at`) on the objects of `acc`; with
/// `unset_only`, only where none is set.
pub fn transform(ctx: &mut Ctx, acc: &mut Acc, at: &Node, ns: &str, unset_only: bool, mode: SubjectMode) {
    let origin = Origin::of(at);
    let specs = acc.config.namespace.clone();
    let mut not_scalar = Vec::new();
    for r in &mut acc.resources {
        if r.node.as_map().is_none_or(<[_]>::is_empty) || helm_generated(r) {
            continue;
        }
        r.remember_name();
        let is_v1 = r.api_version() == "v1";
        let binding = matches!(r.kind(), "RoleBinding" | "ClusterRoleBinding");
        let mut set = |n: &mut Node| {
            if !n.is_scalar() {
                not_scalar.push(n.clone());
                return;
            }
            if unset_only && !tree::scalar(n).unwrap_or_default().is_empty() {
                return;
            }
            *n = tree::string(ns, origin);
        };
        let make = || tree::string("", origin);
        if !is_cluster_scoped(r.api_version(), r.kind()) {
            let meta = FieldSpec { path: "metadata/namespace".into(), create: true, ..FieldSpec::default() };
            meta.visit(&mut r.node, origin, Some(&make), &mut set);
        }
        if binding {
            set_subjects(&mut r.node, mode, &mut set, origin);
        }
        for spec in &specs {
            let skip = spec.path == "metadata/namespace"
                || (spec.path == "metadata/name" && !is_v1)
                || (binding
                    && matches!(spec.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
                    && spec.path == "subjects/namespace");
            if !skip && spec.applies_to(r) {
                spec.visit(&mut r.node, origin, Some(&make), &mut set);
            }
        }
    }
    for n in not_scalar {
        ctx.problem(
            ProblemKind::BuildError,
            &n,
            format!("namespace field specs must target scalar nodes (this is a {})", n.type_name()),
        );
    }
    for (i, r) in acc.resources.iter().enumerate() {
        if let Some(other) = acc.resources[..i].iter().find(|o| same_id(o, r)) {
            ctx.problem(
                ProblemKind::BuildError,
                at,
                format!("namespace transformation produces ID conflict: {} and {}", other.id(), r.id()),
            );
        }
    }
}

/// Rendered from `helmCharts:` (kustomize marks such objects with a build annotation).
fn helm_generated(r: &Resource) -> bool {
    r.helm_generated
        || tree::str_at(&r.node, &["metadata", "annotations", "internal.config.kubernetes.io/helm-generated"])
            == Some("true")
}

/// The `namespace` of the binding subjects `mode` selects, created where absent.
fn set_subjects(node: &mut Node, mode: SubjectMode, set: &mut dyn FnMut(&mut Node), at: Origin) {
    let Some(Value::Seq(subjects)) = tree::get_mut(node, "subjects").map(|n| &mut n.value) else { return };
    for s in subjects.iter_mut() {
        let chosen = match mode {
            SubjectMode::None => false,
            SubjectMode::DefaultOnly => s.get("name").and_then(Node::as_str) == Some("default"),
            SubjectMode::AllServiceAccounts => s.get("kind").and_then(Node::as_str) == Some("ServiceAccount"),
        };
        if !chosen || !matches!(s.value, Value::Map(_)) {
            continue;
        }
        if tree::get_mut(s, "namespace").is_none() {
            tree::set(s, "namespace", tree::string("", at));
        }
        if let Some(n) = tree::get_mut(s, "namespace") {
            set(n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Pos;
    use crate::parse::yaml::{Limits, parse_stream};

    fn resources(text: &str) -> Vec<Resource> {
        parse_stream(text, &Limits::default()).unwrap().into_iter().map(|d| Resource::new(d.root)).collect()
    }

    fn run(text: &str, mode: SubjectMode, unset_only: bool) -> (Vec<Resource>, Vec<super::super::Problem>) {
        let opts = super::super::Options { roots: &[], display: &|p: &std::path::Path| p.display().to_string() };
        let mut ctx = Ctx::new(&opts);
        let mut acc = Acc::new();
        acc.resources = resources(text);
        let mut at = tree::string("prod", Origin::new(5, Pos::new(3, 12)));
        at.src = 5;
        transform(&mut ctx, &mut acc, &at, "prod", unset_only, mode);
        (acc.resources, ctx.problems)
    }

    const OBJECTS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: old\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\n---\n\
apiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n---\n\
apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: b\nsubjects:\n\
- kind: ServiceAccount\n  name: default\n- kind: ServiceAccount\n  name: app\n  namespace: x\n- kind: User\n  name: u\n---\n\
apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\n\
apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata:\n  name: v1.metrics\nspec:\n  service:\n    name: metrics\n";

    #[test]
    fn namespaced_objects_take_the_namespace_with_its_origin() {
        let (rs, problems) = run(OBJECTS, SubjectMode::DefaultOnly, false);
        assert!(problems.is_empty(), "{problems:?}");
        let ns = |i: usize| rs[i].node.pointer("/metadata/namespace").map(|n| (n.as_str().unwrap().to_string(), n.src));
        assert_eq!(ns(0), Some(("prod".into(), 5)));
        assert_eq!(rs[0].node.pointer("/metadata/namespace").unwrap().pos, Pos::new(3, 12));
        assert_eq!(ns(1), None, "cluster-scoped");
        assert_eq!(ns(4), Some(("prod".into(), 5)), "an unknown kind is namespaced");
        assert_eq!(rs[2].name(), "prod", "a Namespace takes the namespace as its name");
        assert_eq!(rs[0].history, [(Some("old".into()), "web".into())]);
        let subjects = rs[3].node.get("subjects").unwrap().as_seq().unwrap();
        assert_eq!(subjects[0].get("namespace").and_then(Node::as_str), Some("prod"));
        assert_eq!(subjects[1].get("namespace").and_then(Node::as_str), Some("x"));
        assert!(subjects[2].get("namespace").is_none());
        assert_eq!(tree::str_at(&rs[5].node, &["spec", "service", "namespace"]), Some("prod"));
    }

    #[test]
    fn subject_modes_and_unset_only() {
        let (rs, _) = run(OBJECTS, SubjectMode::AllServiceAccounts, true);
        let subjects = rs[3].node.get("subjects").unwrap().as_seq().unwrap();
        assert_eq!(subjects[0].get("namespace").and_then(Node::as_str), Some("prod"));
        assert_eq!(subjects[1].get("namespace").and_then(Node::as_str), Some("x"), "unset only");
        assert_eq!(rs[0].namespace(), Some("old"), "unset only");
        let (rs, _) = run(OBJECTS, SubjectMode::None, false);
        assert!(rs[3].node.get("subjects").unwrap().as_seq().unwrap()[0].get("namespace").is_none());
    }

    #[test]
    fn conflicts_are_build_errors() {
        let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: x\n---\n\
apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: y\n";
        let (_, problems) = run(text, SubjectMode::DefaultOnly, false);
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].kind, ProblemKind::BuildError);
        assert!(problems[0].message.contains("ID conflict"));
    }

    #[test]
    fn cluster_scope_is_by_exact_api_version() {
        assert!(is_cluster_scoped("rbac.authorization.k8s.io/v1", "ClusterRole"));
        assert!(!is_cluster_scoped("rbac.authorization.k8s.io/v2", "ClusterRole"));
        assert!(!is_cluster_scoped("v1", "ConfigMap"));
    }
}
