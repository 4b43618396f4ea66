//! Rendered units for rules that reason across the objects of one deployable unit: a Helm
//! chart's rendering (once per values variant), a kustomization root's build, or the folder of
//! plain manifests (the manifests in one directory that no chart or kustomization build reads).
//!
//! Every Kubernetes object becomes a unit object: its identity (`kind`, `apiVersion`, `name`,
//! `namespace`), the object as rendered (for the kinds unit rules read), its pod template when it runs pods, and the
//! positions of the fields unit rules point at (`at`). Positions are in the coordinates of the
//! text the object was linted in (a chart template's or a kustomization's rendered output),
//! under the display path its findings are moved back from, exactly like `containers[]`.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::FileFacts;
use crate::lint::input::FileInput;
use crate::parse::Pos;
use crate::parse::yaml::Node;

/// Which unit a file's objects belong to, when it is not a folder of plain manifests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitTag {
    /// `chart` or `kustomization`.
    pub kind: &'static str,
    /// The chart directory or the kustomization root, as displayed.
    pub path: String,
    /// The chart's `ci/` values file of this rendering (`None`: its defaults).
    pub variant: Option<String>,
    /// False when the unit is known to lack objects it deploys: a chart rendered without a
    /// dependency that is not vendored, a kustomization with a remote resource.
    pub complete: bool,
}

/// The kinds unit rules read as rendered (a Service's selector and ports, an Ingress's
/// backends, an account's token setting, a binding's subjects); every other object's `object`
/// is null. Workloads are read through `pod`: keeping every rendered object doubled the memory
/// of a run over ten thousand manifests.
const KEPT: [&str; 5] = ["Service", "Ingress", "ServiceAccount", "RoleBinding", "ClusterRoleBinding"];

/// A kept object without what no unit rule reads: `metadata` (its identity is in the unit
/// object; annotations such as `last-applied-configuration` can be most of its size) and `status`.
fn kept(obj: &Value) -> Value {
    match obj.as_object() {
        Some(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "metadata" | "status"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        None => obj.clone(),
    }
}

/// `[line, col]`: a position as the unit facts keep it. A two-entry map would cost ten times
/// the memory, and a repository holds one for every field a unit rule can point at.
fn pos_json(p: Pos) -> Value {
    json!([p.line, p.col])
}

/// Records the position of the node at `ptr` (relative to the object) when it exists.
fn at_node(at: &mut Map<String, Value>, node: &Node, ptr: &str) {
    if let Some(n) = node.pointer(ptr) {
        at.insert(ptr.to_string(), pos_json(n.pos));
    }
}

/// Records the position of the key of the field at `ptr` (`selector:` rather than its first
/// label) when it exists.
fn at_key(at: &mut Map<String, Value>, node: &Node, ptr: &str) {
    let Some((parent, key)) = ptr.rsplit_once('/') else { return };
    if let Some(p) = node.pointer(parent).and_then(|n| n.key_pos(key)) {
        at.insert(ptr.to_string(), pos_json(p));
    }
}

/// The positions unit rules point at, by JSON pointer relative to the object.
fn positions(obj: &Value, node: &Node, pod: Option<&str>) -> Map<String, Value> {
    let mut at = Map::new();
    let kind = obj["kind"].as_str().unwrap_or_default();
    if kind == "Service" {
        at_key(&mut at, node, "/spec/selector");
        for (i, _) in obj.pointer("/spec/ports").and_then(Value::as_array).into_iter().flatten().enumerate() {
            at_node(&mut at, node, &format!("/spec/ports/{i}"));
            at_node(&mut at, node, &format!("/spec/ports/{i}/targetPort"));
        }
    }
    if kind == "Ingress" {
        let mut backends = vec!["/spec/defaultBackend".to_string()];
        for (i, r) in obj.pointer("/spec/rules").and_then(Value::as_array).into_iter().flatten().enumerate() {
            for (j, _) in r.pointer("/http/paths").and_then(Value::as_array).into_iter().flatten().enumerate() {
                backends.push(format!("/spec/rules/{i}/http/paths/{j}/backend"));
            }
        }
        for b in backends {
            for field in ["", "/service/name", "/service/port/name", "/service/port/number"] {
                at_node(&mut at, node, &format!("{b}{field}"));
            }
        }
    }
    if let Some(pod) = pod {
        for field in ["/containers/0", "/automountServiceAccountToken", "/serviceAccountName"] {
            at_node(&mut at, node, &format!("{pod}{field}"));
        }
    }
    at
}

/// The pod template of a workload whose pod spec is at `spec` (relative): its labels (where
/// Services select it), service account, token setting and named container ports.
fn pod_facts(obj: &Value, spec: &str, test_hook: bool) -> Value {
    let meta = spec.strip_suffix("/spec").map_or_else(|| "/metadata".to_string(), |t| format!("{t}/metadata"));
    let labels = obj.pointer(&format!("{meta}/labels")).filter(|l| l.is_object()).cloned().unwrap_or(json!({}));
    let pod = obj.pointer(spec).cloned().unwrap_or(Value::Null);
    let account = pod["serviceAccountName"]
        .as_str()
        .or_else(|| pod["serviceAccount"].as_str())
        .filter(|s| !s.is_empty())
        .unwrap_or("default");
    let mut ports = Vec::new();
    for field in ["initContainers", "containers"] {
        for c in pod[field].as_array().into_iter().flatten() {
            for p in c["ports"].as_array().into_iter().flatten() {
                ports.push(json!({"container": c["name"], "name": p["name"], "containerPort": p["containerPort"]}));
            }
        }
    }
    json!({
        "pointer": spec, "labels": labels, "service_account": account,
        "automount": pod["automountServiceAccountToken"], "ports": ports, "test_hook": test_hook,
    })
}

/// The unit objects of one Kubernetes file input (positions in its coordinates).
pub fn objects(fi: &FileInput) -> Vec<Value> {
    // Pod spec pointer (relative) and test-hook flag of each object that runs pods.
    let mut pods: BTreeMap<u64, (String, bool)> = BTreeMap::new();
    for w in fi.input["workloads"].as_array().into_iter().flatten() {
        let (Some(i), Some(ptr)) = (w["object_index"].as_u64(), w["pointer"].as_str()) else { continue };
        let rel = ptr.strip_prefix(&format!("/objects/{i}/object")).unwrap_or(ptr);
        pods.insert(i, (rel.to_string(), w["test_hook"] == true));
    }
    let mut out = Vec::new();
    for (i, o) in fi.input["objects"].as_array().into_iter().flatten().enumerate() {
        let Some(node) = fi.objects.get(i) else { continue };
        let obj = &o["object"];
        let kind = obj["kind"].as_str().unwrap_or_default();
        let pod = pods.get(&(i as u64));
        let meta = &obj["metadata"];
        let mut u = json!({
            "kind": kind, "apiVersion": obj["apiVersion"], "name": meta["name"],
            "namespace": meta["namespace"], "line": node.pos.line, "col": node.pos.col,
        });
        // The larger values are moved in (`json!` would serialise a copy of each).
        u["object"] = if KEPT.contains(&kind) { kept(obj) } else { Value::Null };
        u["pod"] = pod.map_or(Value::Null, |(spec, hook)| pod_facts(obj, spec, *hook));
        u["at"] = Value::Object(positions(obj, node, pod.map(|(s, _)| s.as_str())));
        out.push(u);
    }
    out
}

/// The units of the repository: every chart rendering and kustomization build, and one folder
/// unit per directory of plain manifests, each with its objects (`path` added: the display path
/// their findings are reported under). The objects are moved out of the facts, not copied:
/// they are the largest part of the model.
pub fn link(facts: &mut [FileFacts]) -> Vec<Value> {
    type Key = (&'static str, String, Option<String>);
    let mut units: BTreeMap<Key, (bool, Vec<Value>)> = BTreeMap::new();
    for f in facts.iter_mut() {
        let Value::Array(objs) = f.data["objects"].take() else { continue };
        if objs.is_empty() {
            continue;
        }
        let (key, complete) = match &f.unit {
            Some(u) => ((u.kind, u.path.clone(), u.variant.clone()), u.complete),
            None => (("folder", super::dir_of(&f.path), None), true),
        };
        let entry = units.entry(key).or_insert((true, Vec::new()));
        entry.0 &= complete;
        entry.1.extend(objs.into_iter().map(|mut o| {
            o["path"] = json!(f.path);
            o
        }));
    }
    let mut units: Vec<Value> = units
        .into_iter()
        .map(|((kind, path, variant), (complete, objects))| {
            let mut unit = json!({"kind": kind, "path": path, "variant": variant, "complete": complete});
            unit["objects"] = Value::Array(objects); // moved: `json!` would copy them
            unit
        })
        .collect();
    link_selections(&mut units);
    units
}

/// Labels the controllers add to the pods they create, which pod templates never carry: a
/// selector on them selects pods of a template that matches on the rest (as in
/// `policies/lib/units.rego`).
const CONTROLLER_LABELS: [&str; 10] = [
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "controller-revision-hash",
    "pod-template-hash",
    "pod-template-generation",
    "job-name",
    "controller-uid",
    "batch.kubernetes.io/job-name",
    "batch.kubernetes.io/controller-uid",
    "batch.kubernetes.io/job-completion-index",
];

/// Whether a non-empty selector map selects a pod template's labels.
fn selects(selector: &Map<String, Value>, labels: &Value) -> bool {
    !selector.is_empty()
        && selector.iter().all(|(k, v)| labels.get(k) == Some(v) || CONTROLLER_LABELS.contains(&k.as_str()))
}

/// Namespaces agree when either is unset (the namespace the unit is applied to) or both are equal.
fn same_namespace(a: &Value, b: &Value) -> bool {
    a.is_null() || b.is_null() || a == b
}

/// Gives every Service its `selects`: `[unit, object]` indices of the pod templates it selects,
/// in its own unit for a chart or a kustomization build, anywhere in the repository for a
/// folder of plain manifests (its Deployment may sit in a sibling folder). Computed here, once,
/// rather than by each rule: a Rego rule pairing every Service with every pod template is
/// quadratic, and times out on a repository of ten thousand manifests.
fn link_selections(units: &mut [Value]) {
    let mut pods: Vec<(usize, usize, Value, Value)> = Vec::new();
    for (ui, u) in units.iter().enumerate() {
        for (oi, o) in u["objects"].as_array().into_iter().flatten().enumerate() {
            if !o["pod"].is_null() {
                pods.push((ui, oi, o["pod"]["labels"].clone(), o["namespace"].clone()));
            }
        }
    }
    for (ui, u) in units.iter_mut().enumerate() {
        let folder = u["kind"] == "folder";
        for o in u["objects"].as_array_mut().into_iter().flatten() {
            if o["kind"] != "Service" {
                continue;
            }
            let Some(selector) = o.pointer("/object/spec/selector").and_then(Value::as_object) else {
                o["selects"] = json!([]);
                continue;
            };
            let selected: Vec<Value> = pods
                .iter()
                .filter(|(pu, _, labels, ns)| {
                    (folder || *pu == ui) && selects(selector, labels) && same_namespace(&o["namespace"], ns)
                })
                .map(|(pu, po, _, _)| json!([pu, po]))
                .collect();
            o["selects"] = Value::Array(selected);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::discover::Kind;
    use crate::lint::input::{self, Built};

    fn facts(path: &str, text: &str, unit: Option<UnitTag>) -> FileFacts {
        let Ok(Built::Input(fi)) = input::build(Kind::Yaml, path, text) else { panic!("not a manifest") };
        let mut f = super::super::extract(Kind::Yaml, path, &fi).expect("facts");
        f.unit = unit;
        f
    }

    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n      targetPort: http\n";
    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    metadata:\n      labels: {app: web, tier: fe}\n    spec:\n      serviceAccountName: web\n      containers:\n        - name: app\n          image: web:1\n          ports: [{name: http, containerPort: 8080}]\n";

    #[test]
    fn objects_carry_identity_pod_template_and_positions() {
        let f = facts("deploy/all.yaml", &format!("{SVC}---\n{DEPLOY}"), None);
        let objs = f.data["objects"].as_array().unwrap();
        let (svc, dep) = (&objs[0], &objs[1]);
        assert_eq!(svc["kind"], "Service");
        assert_eq!(svc["pod"], Value::Null);
        assert_eq!(svc["at"]["/spec/selector"], json!([6, 3]));
        assert_eq!(svc["at"]["/spec/ports/0/targetPort"], json!([10, 19]));
        assert_eq!(dep["pod"]["labels"], json!({"app": "web", "tier": "fe"}));
        assert_eq!(dep["pod"]["service_account"], "web");
        assert_eq!(dep["pod"]["ports"][0]["name"], "http");
        assert_eq!(dep["at"]["/spec/template/spec/containers/0"], json!([23, 11]));
        assert_eq!(dep["line"], 12);
    }

    /// The model's `selects` (what the unit rules read): a folder Service selects pod templates
    /// anywhere in the repository, a chart's only in its own rendering; labels controllers add
    /// match any template; namespaces must agree when both are set.
    #[test]
    fn services_select_pod_templates_of_their_scope() {
        let chart = UnitTag { kind: "chart", path: "charts/web".into(), variant: None, complete: true };
        let sts_svc = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-0\nspec:\n  selector:\n    app: web\n    statefulset.kubernetes.io/pod-name: web-0\n";
        let other_ns = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: other\nspec:\n  selector:\n    app: web\n";
        let deploy_ns = DEPLOY.replace("  name: web\n", "  name: web\n  namespace: shop\n");
        let mut all = vec![
            facts("deploy/svc.yaml", SVC, None),
            facts("deploy/sts-svc.yaml", sts_svc, None),
            facts("deploy/other.yaml", other_ns, None),
            facts("deploy/app/deploy.yaml", &deploy_ns, None),
            facts("charts/web/templates/svc.yaml", SVC, Some(chart)),
        ];
        let units = link(&mut all);
        let selects = |unit: usize, object: usize| units[unit]["objects"][object]["selects"].clone();
        // Units sort chart first, then the folders deploy and deploy/app.
        assert_eq!(units[0]["kind"], "chart");
        assert_eq!(selects(0, 0), json!([]), "a chart's Service does not select a folder's pods");
        assert_eq!(units[1]["path"], "deploy");
        assert_eq!(selects(1, 0), json!([[2, 0]]), "a folder Service selects a sibling folder's pods");
        assert_eq!(selects(1, 1), json!([[2, 0]]), "controller labels match any template");
        assert_eq!(selects(1, 2), json!([]), "namespaces other and shop disagree");
    }

    #[test]
    fn files_group_into_folders_charts_and_kustomizations() {
        let chart = |variant: Option<&str>| UnitTag {
            kind: "chart",
            path: "charts/web".into(),
            variant: variant.map(str::to_string),
            complete: true,
        };
        let mut all = vec![
            facts("deploy/svc.yaml", SVC, None),
            facts("deploy/deploy.yaml", DEPLOY, None),
            facts("deploy/app/deploy.yaml", DEPLOY, None),
            facts("charts/web/templates/svc.yaml", SVC, Some(chart(None))),
            facts("charts/web/templates/d.yaml", DEPLOY, Some(chart(None))),
            facts("charts/web/templates/d.yaml", DEPLOY, Some(chart(Some("ci/x-values.yaml")))),
        ];
        let units = link(&mut all);
        let summary: Vec<(String, String, usize)> = units
            .iter()
            .map(|u| {
                (
                    u["kind"].as_str().unwrap().into(),
                    u["path"].as_str().unwrap().into(),
                    u["objects"].as_array().unwrap().len(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                ("chart".into(), "charts/web".into(), 2),
                ("chart".into(), "charts/web".into(), 1),
                ("folder".into(), "deploy".into(), 2),
                ("folder".into(), "deploy/app".into(), 1),
            ]
        );
        assert_eq!(units[0]["objects"][1]["path"], "charts/web/templates/d.yaml");
    }
}
