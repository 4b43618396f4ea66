//! From rendered template text to `helm template`'s document list: each template's output is
//! split at `---` lines (Helm's regex, quirks included), empty documents are dropped, each
//! document's head (apiVersion, kind, name, annotations) is read, hooks (`helm.sh/hook`) are set
//! apart, and both lists are ordered as Helm installs them: by file name, then by Kind in
//! Helm's install order (unknown kinds last, alphabetically), keeping file order otherwise.

use std::collections::BTreeMap;

use crate::parse::Pos;
use crate::parse::yaml::{self, Node, Value as Y};

/// Helm's `InstallOrder`.
const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

/// Helm's hook events (`helm.sh/hook` values); a document naming another is dropped, as Helm does.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// One document of the rendered chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// Helm's template name, as in `# Source:`: `CHART/templates/FILE` or
    /// `CHART/charts/SUB/templates/FILE`.
    pub source: String,
    /// The template file relative to the chart directory (`templates/FILE`,
    /// `charts/SUB/templates/FILE`), when it is a file there (not for archived subcharts).
    pub file: Option<String>,
    /// Index of the document within its template's output (0-based).
    pub index: usize,
    /// Line of the template's rendered output at which the document's text starts (1-based).
    pub line: u32,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// The `helm.sh/hook` annotation of a hook (`helm template` prints hooks after the rest).
    pub hook: Option<String>,
    /// The document's YAML as Helm prints it.
    pub text: String,
}

/// A rendered document whose head cannot be read (Helm: "YAML parse error on ...").
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeadError {
    pub source: String,
    /// Position in the template's rendered output.
    pub pos: Pos,
    pub message: String,
}

/// The documents of a rendered chart, in Helm's order.
#[derive(Debug, Default)]
pub(crate) struct Sorted {
    pub manifests: Vec<Document>,
    pub hooks: Vec<Document>,
    /// Documents Helm drops (an unknown hook event), as messages.
    pub dropped: Vec<String>,
}

/// Splits every rendered template (name → output) into documents and orders them like Helm.
pub(crate) fn sort_manifests(
    outputs: &BTreeMap<String, String>,
    file_of: &dyn Fn(&str) -> Option<String>,
) -> Result<Sorted, HeadError> {
    let mut generic = Vec::new();
    let mut hooks = Vec::new();
    let mut dropped = Vec::new();
    for (source, output) in outputs {
        if source.rsplit('/').next().is_some_and(|base| base.starts_with('_')) || output.trim().is_empty() {
            continue;
        }
        for (index, (line, text)) in split_manifests(output).into_iter().enumerate() {
            let head = read_head(&text).map_err(|(pos, message)| HeadError {
                source: source.clone(),
                pos: Pos::new(pos.line + line - 1, pos.col),
                message,
            })?;
            let mut doc = Document {
                source: source.clone(),
                file: file_of(source),
                index,
                line,
                api_version: head.api_version,
                kind: head.kind,
                name: head.name,
                hook: None,
                text,
            };
            match head.annotations.get("helm.sh/hook") {
                None => generic.push(doc),
                Some(events) => {
                    let known =
                        events.split(',').all(|e| HOOK_EVENTS.contains(&e.trim().to_ascii_lowercase().as_str()));
                    if known {
                        doc.hook = Some(events.clone());
                        hooks.push(doc);
                    } else {
                        dropped.push(format!(
                            "{source}: document {} (line {line}) is dropped, as Helm drops it: unknown helm.sh/hook {events:?}",
                            index + 1
                        ));
                    }
                }
            }
        }
    }
    generic.sort_by(|a, b| kind_order(&a.kind, &b.kind));
    hooks.sort_by(|a, b| kind_order(&a.kind, &b.kind));
    Ok(Sorted { manifests: generic, hooks, dropped })
}

/// Helm's `lessByKind` as an ordering (the sorts are stable).
fn kind_order(a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |k: &str| INSTALL_ORDER.iter().position(|o| *o == k);
    match (rank(a), rank(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// Helm's `SplitManifests`: split at `^---[ \t]*` (anywhere on a line start, even `---x`),
/// drop blank parts, trim leading whitespace. Returns (starting line, text) pairs.
pub(crate) fn split_manifests(text: &str) -> Vec<(u32, String)> {
    let trimmed = text.trim_start();
    let first_line = 1 + text[..text.len() - trimmed.len()].matches('\n').count() as u32;
    let mut parts: Vec<(u32, &str)> = Vec::new();
    let mut start = 0;
    let mut start_line = first_line;
    let mut offset = 0;
    for (line, l) in (first_line..).zip(trimmed.split_inclusive('\n')) {
        if let Some(rest) = l.strip_prefix("---") {
            parts.push((start_line, &trimmed[start..offset]));
            start = offset + l.len() - rest.trim_start_matches([' ', '\t']).len();
            start_line = line;
        }
        offset += l.len();
    }
    parts.push((start_line, &trimmed[start..]));
    parts
        .into_iter()
        .filter(|(_, p)| !p.trim().is_empty())
        .map(|(line, p)| {
            let body = p.trim_start();
            let skipped = p[..p.len() - body.len()].matches('\n').count() as u32;
            (line + skipped, body.to_owned())
        })
        .collect()
}

#[derive(Debug, Default)]
struct Head {
    api_version: String,
    kind: String,
    name: String,
    annotations: BTreeMap<String, String>,
}

/// Reads the fields Helm's `SimpleHead` decodes, failing where Helm's decoding fails.
fn read_head(text: &str) -> Result<Head, (Pos, String)> {
    let docs = yaml::parse_stream(text, &yaml::Limits::default()).map_err(|e| (e.pos, e.message))?;
    let mut head = Head::default();
    let Some(root) = docs.into_iter().next().map(|d| d.root) else { return Ok(head) };
    let entries = match &root.value {
        Y::Null => return Ok(head),
        Y::Map(entries) => entries,
        _ => return Err((root.pos, format!("a manifest must be a mapping, not a {}", root.type_name()))),
    };
    for (k, v) in entries {
        match yaml::key_text(k).as_ref() {
            "apiVersion" => head.api_version = head_string(v, "apiVersion")?,
            "kind" => head.kind = head_string(v, "kind")?,
            "metadata" => read_metadata(v, &mut head)?,
            _ => {}
        }
    }
    Ok(head)
}

fn read_metadata(v: &Node, head: &mut Head) -> Result<(), (Pos, String)> {
    let Some(entries) = v.as_map() else {
        return if v.is_null() { Ok(()) } else { Err((v.pos, "metadata must be a mapping".into())) };
    };
    for (k, v) in entries {
        match yaml::key_text(k).as_ref() {
            "name" => head.name = head_string(v, "metadata.name")?,
            "annotations" => match &v.value {
                Y::Null => {}
                Y::Map(anns) => {
                    for (ak, av) in anns {
                        let key = yaml::key_text(ak).into_owned();
                        let value = head_string(av, &format!("metadata.annotations.{key}"))?;
                        head.annotations.insert(key, value);
                    }
                }
                _ => return Err((v.pos, "metadata.annotations must be a mapping".into())),
            },
            _ => {}
        }
    }
    Ok(())
}

/// A string field as sigs.k8s.io/yaml decodes it (scalars become their text).
fn head_string(v: &Node, field: &str) -> Result<String, (Pos, String)> {
    match v.scalar_text() {
        Some(_) if v.is_null() => Ok(String::new()),
        Some(text) => Ok(text.into_owned()),
        None => Err((v.pos, format!("{field} must be a string, not a {}", v.type_name()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        let parts = split_manifests("\n\n# c\na: 1\n---\n\nb: 2\n--- \n---x: 3\n---\n   \n");
        assert_eq!(parts, vec![(3, "# c\na: 1\n".to_owned()), (7, "b: 2\n".into()), (9, "x: 3\n".into())]);
    }

    #[test]
    fn sorts_by_file_then_kind() {
        let mut outputs = BTreeMap::new();
        outputs
            .insert("c/templates/b.yaml".to_owned(), "kind: Deployment\nmetadata: {name: d}\n---\nkind: Foo\n".into());
        outputs.insert("c/templates/a.yaml".to_owned(), "kind: Service\n---\nkind: Bar\n".into());
        outputs.insert("c/templates/_h.tpl".to_owned(), "kind: Namespace\n".into());
        outputs.insert(
            "c/templates/t.yaml".to_owned(),
            "kind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: test\n---\nkind: Namespace\n".into(),
        );
        outputs.insert(
            "c/templates/u.yaml".to_owned(),
            "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: nope\n".into(),
        );
        let sorted = sort_manifests(&outputs, &|_| None).expect("sorts");
        let kinds: Vec<&str> = sorted.manifests.iter().map(|d| d.kind.as_str()).collect();
        assert_eq!(kinds, ["Namespace", "Service", "Deployment", "Bar", "Foo"]);
        assert_eq!(sorted.hooks.len(), 1);
        assert_eq!(sorted.hooks[0].hook.as_deref(), Some("test"));
        assert_eq!(sorted.dropped.len(), 1, "{:?}", sorted.dropped);
    }

    #[test]
    fn bad_yaml_is_located_in_the_output() {
        let mut outputs = BTreeMap::new();
        outputs.insert("c/templates/a.yaml".to_owned(), "kind: A\n---\nkind: B\nmetadata: [\n".into());
        let err = sort_manifests(&outputs, &|_| None).expect_err("invalid");
        assert_eq!(err.pos.line, 4);
        let mut outputs = BTreeMap::new();
        outputs.insert("c/templates/a.yaml".to_owned(), "kind: [A]\n".into());
        assert!(sort_manifests(&outputs, &|_| None).is_err());
    }
}
