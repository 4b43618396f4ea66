//! Kubernetes YAML → input: `input.objects` (every object as written, `List` items flattened,
//! each with `object`, `document` and `line`), `input.workloads` (every object that runs pods,
//! with its pod spec and containers and the JSON pointers to them) and `images`.
//!
//! A YAML file none of whose documents has `apiVersion` and `kind` is not a manifest and is not
//! linted (it is some other tool's configuration).

use serde::Serialize;
use serde_json::{Value, json};

use super::{Built, FileInput, ImageFact, document};
use crate::lint::finding::SuppressionKind;
use crate::lint::suppress::{Scope, Suppression};
use crate::parse::yaml::{self, Limits, Node};
use crate::parse::{ParseError, Pos};

/// Kinds whose pods run until stopped: they need liveness and readiness probes.
const LONG_RUNNING: [&str; 5] = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"];

#[derive(Debug, Serialize)]
struct ObjectFact {
    object: Value,
    document: usize,
    #[serde(flatten)]
    pos: Pos,
}

#[derive(Debug, Serialize)]
struct ContainerFact {
    /// JSON pointer to the container in the input (`/objects/0/object/spec/.../containers/1`).
    pointer: String,
    init: bool,
    container: Value,
}

#[derive(Debug, Serialize)]
struct WorkloadFact {
    kind: String,
    name: String,
    long_running: bool,
    /// A Helm test hook (`helm.sh/hook: test`): a Pod `helm test` runs once, not a workload
    /// that serves; the probe, resource and GOMEMLIMIT rules skip it.
    test_hook: bool,
    object_index: usize,
    /// JSON pointer to the pod spec.
    pointer: String,
    pod: Value,
    containers: Vec<ContainerFact>,
}

fn is_object(node: &Node) -> bool {
    node.get("apiVersion").and_then(Node::as_str).is_some() && node.get("kind").and_then(Node::as_str).is_some()
}

/// Where the pod spec of `kind` lives, as a JSON pointer relative to the object.
fn pod_spec_pointer(kind: &str, obj: &Value) -> Option<&'static str> {
    let p = match kind {
        "Pod" => "/spec",
        "CronJob" => "/spec/jobTemplate/spec/template/spec",
        "PodTemplate" => "/template/spec",
        _ => "/spec/template/spec",
    };
    obj.pointer(p).filter(|v| v.get("containers").is_some()).map(|_| p)
}

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    let docs = yaml::parse_stream(text, &Limits::default())?;
    let mut nodes: Vec<(usize, Node)> = Vec::new();
    for (d, doc) in docs.into_iter().enumerate() {
        let root = doc.root;
        if !is_object(&root) {
            continue;
        }
        let is_list = root.get("kind").and_then(Node::as_str).is_some_and(|k| k.ends_with("List"))
            && root.get("items").and_then(Node::as_seq).is_some();
        if is_list {
            if let Some(yaml::Value::Seq(items)) = root.get("items").map(|n| n.value.clone()) {
                nodes.extend(items.into_iter().filter(is_object).map(|n| (d, n)));
            }
        } else {
            nodes.push((d, root));
        }
    }
    if nodes.is_empty() {
        return Ok(Built::NotApplicable);
    }

    let mut objects = Vec::new();
    let mut workloads = Vec::new();
    let mut images = Vec::new();
    for (i, (d, node)) in nodes.iter().enumerate() {
        let obj = node.to_json();
        let kind = obj["kind"].as_str().unwrap_or_default().to_string();
        if let Some(spec_ptr) = pod_spec_pointer(&kind, &obj) {
            let base = format!("/objects/{i}/object{spec_ptr}");
            let pod = obj.pointer(spec_ptr).cloned().unwrap_or(Value::Null);
            let mut containers = Vec::new();
            for (field, init) in [("initContainers", true), ("containers", false)] {
                let Some(list) = pod.get(field).and_then(Value::as_array) else { continue };
                for (j, c) in list.iter().enumerate() {
                    let rel = format!("{spec_ptr}/{field}/{j}");
                    if let Some(image_node) = node.pointer(&format!("{rel}/image"))
                        && let Some(image) = image_node.as_str()
                    {
                        let context = if init { "initContainer" } else { "container" };
                        images.push(ImageFact::new(image, context, image_node.pos));
                    }
                    containers.push(ContainerFact {
                        pointer: format!("{base}/{field}/{j}"),
                        init,
                        container: c.clone(),
                    });
                }
            }
            workloads.push(WorkloadFact {
                long_running: LONG_RUNNING.contains(&kind.as_str()),
                test_hook: is_test_hook(&obj),
                name: obj.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default().to_string(),
                kind: kind.clone(),
                object_index: i,
                pointer: base,
                pod,
                containers,
            });
        }
        objects.push(ObjectFact { object: obj, document: *d, pos: node.pos });
    }
    let suppressions = annotation_suppressions(&nodes);
    let extra = json!({ "objects": objects, "workloads": workloads });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "kubernetes", images, Vec::new(), extra),
        objects: nodes.into_iter().map(|(_, n)| n).collect(),
        suppressions,
        written: None,
    })))
}

/// Whether `obj` is a Helm test hook: `helm.sh/hook` lists `test` (or Helm 2's `test-success`
/// / `test-failure`).
fn is_test_hook(obj: &Value) -> bool {
    obj.pointer("/metadata/annotations/helm.sh~1hook")
        .and_then(Value::as_str)
        .is_some_and(|h| h.split(',').map(str::trim).any(|h| matches!(h, "test" | "test-success" | "test-failure")))
}

/// Annotation prefix that exempts an object from a rule: `ignore.paved.dev/RULE: "reason"`.
pub const IGNORE_ANNOTATION: &str = "ignore.paved.dev/";

/// `ignore.paved.dev/RULE` annotations, each covering its object's lines (up to the next object).
fn annotation_suppressions(nodes: &[(usize, Node)]) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (i, (_, node)) in nodes.iter().enumerate() {
        let end = nodes.get(i + 1).map_or(u32::MAX, |(_, n)| n.pos.line.saturating_sub(1));
        let Some(annotations) = node.pointer("/metadata/annotations").and_then(Node::as_map) else { continue };
        for (k, v) in annotations {
            let key = yaml::key_text(k);
            let Some(rule) = key.strip_prefix(IGNORE_ANNOTATION) else { continue };
            out.push(Suppression {
                pos: k.pos,
                rules: vec![rule.to_string()],
                reason: v.scalar_text().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()),
                scope: Scope::Lines(node.pos.line, end),
                kind: SuppressionKind::Annotation,
                label: format!("annotation {key}"),
                expires: None,
            });
            let last = out.last_mut().expect("pushed");
            last.expires = crate::lint::suppress::expiry_of(last.reason.as_deref());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &str) -> FileInput {
        match build("x.yaml", text).unwrap() {
            Built::Input(i) => *i,
            Built::NotApplicable => panic!("not applicable"),
        }
    }

    #[test]
    fn lists_are_flattened_and_pointers_resolve_into_yaml() {
        let text = "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: a}\n  spec:\n    template:\n      spec:\n        containers:\n        - name: app\n          image: nginx\n";
        let fi = input(text);
        assert_eq!(fi.input["objects"].as_array().unwrap().len(), 1);
        let w = &fi.input["workloads"][0];
        assert_eq!(w["long_running"], true);
        let ptr = w["containers"][0]["pointer"].as_str().unwrap();
        assert_eq!(fi.locate(ptr), Pos::new(11, 11));
        assert_eq!(fi.locate(&format!("{ptr}/livenessProbe")), Pos::new(11, 11));
        assert_eq!(fi.locate(&format!("{ptr}/image")), Pos::new(12, 18));
        assert_eq!(fi.input["images"][0]["line"], 12);
    }

    #[test]
    fn helm_test_hooks_are_marked() {
        let pod = |hook: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: {hook}\nspec:\n  containers: [{{name: x, image: 'busybox:1.36'}}]\n"
            )
        };
        assert_eq!(input(&pod("test")).input["workloads"][0]["test_hook"], true);
        assert_eq!(input(&pod("\"pre-install,test-success\"")).input["workloads"][0]["test_hook"], true);
        assert_eq!(input(&pod("pre-install")).input["workloads"][0]["test_hook"], false);
    }

    #[test]
    fn non_manifests_are_not_applicable() {
        assert!(matches!(build("x.yaml", "foo: bar\n").unwrap(), Built::NotApplicable));
        assert!(matches!(build("x.yaml", "").unwrap(), Built::NotApplicable));
    }

    #[test]
    fn cronjob_pod_spec_and_jobs_are_not_long_running() {
        let text = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers: [{name: x, image: 'busybox:1.36'}]\n";
        let fi = input(text);
        assert_eq!(fi.input["workloads"][0]["long_running"], false);
        assert_eq!(fi.input["workloads"][0]["pointer"], "/objects/0/object/spec/jobTemplate/spec/template/spec");
    }
}
