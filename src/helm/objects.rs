//! The built-in objects a Helm template sees besides `.Values`: `.Chart` (Chart.yaml with
//! Helm's field names), `.Release`, `.Capabilities` and `.Template`. `.Files` is in `files.rs`.
//! What `helm template` reports is matched: Helm 4.2's default capabilities (Kubernetes
//! v1.36.0 and its built-in API versions), release revision 1, install (not upgrade).

use std::sync::Arc;

use super::chart::{Dependency, Metadata};
use super::template::{Entries, HostObject, Value};

/// Kubernetes version `helm template` assumes (Helm 4.2 with client-go v0.36).
pub const DEFAULT_KUBE_VERSION: &str = "v1.36.0";

/// The Helm version reported in `.Capabilities.HelmVersion` (and the Go it was built with).
const HELM_VERSION: &str = "v4.2";
const GO_VERSION: &str = "go1.26.6";

/// `.Capabilities.APIVersions` of Helm 4.2's `helm template`, in Helm's order.
const API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn strings(items: &[String]) -> Value {
    Value::List(items.iter().map(|i| s(i)).collect())
}

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Map(entries.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// `.Chart`: Chart.yaml as a map with Helm's Go field names, plus `IsRoot`.
pub(crate) fn chart_object(md: &Metadata, is_root: bool) -> Value {
    let maintainers = md
        .maintainers
        .iter()
        .map(|m| map([("Name", s(&m.name)), ("Email", s(&m.email)), ("URL", s(&m.url))]))
        .collect();
    let annotations = match &md.annotations {
        Some(a) => Value::Map(a.iter().map(|(k, v)| (k.clone(), s(v))).collect()),
        None => Value::Nil,
    };
    let deps = md.dependencies.iter().flatten().map(dependency_object).collect();
    map([
        ("Name", s(&md.name)),
        ("Home", s(&md.home)),
        ("Sources", strings(&md.sources)),
        ("Version", s(&md.version)),
        ("Description", s(&md.description)),
        ("Keywords", strings(&md.keywords)),
        ("Maintainers", Value::List(maintainers)),
        ("Icon", s(&md.icon)),
        ("APIVersion", s(&md.api_version)),
        ("Condition", s(&md.condition)),
        ("Tags", s(&md.tags)),
        ("AppVersion", s(&md.app_version)),
        ("Deprecated", Value::Bool(md.deprecated)),
        ("Annotations", annotations),
        ("KubeVersion", s(&md.kube_version)),
        ("Dependencies", Value::List(deps)),
        ("Type", s(&md.chart_type)),
        ("IsRoot", Value::Bool(is_root)),
    ])
}

fn dependency_object(d: &Dependency) -> Value {
    map([
        ("Name", s(&d.name)),
        ("Version", s(&d.version)),
        ("Repository", s(&d.repository)),
        ("Condition", s(&d.condition)),
        ("Tags", strings(&d.tags)),
        ("Enabled", Value::Bool(d.enabled)),
        ("ImportValues", Value::List(d.import_values.iter().map(Value::from_json).collect())),
        ("Alias", s(&d.alias)),
    ])
}

/// `.Release` of `helm template`: a first install.
pub(crate) fn release_object(name: &str, namespace: &str) -> Value {
    map([
        ("Name", s(name)),
        ("Namespace", s(namespace)),
        ("IsUpgrade", Value::Bool(false)),
        ("IsInstall", Value::Bool(true)),
        ("Revision", Value::Int(1)),
        ("Service", s("Helm")),
    ])
}

/// `.Template` while rendering the template named `name`.
pub(crate) fn template_object(name: &str, base_path: &str) -> Value {
    map([("Name", s(name)), ("BasePath", s(base_path))])
}

/// `.Capabilities.KubeVersion`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KubeVersion {
    /// As given, with a `v` prefix (`v1.33.4-gke.1245000`).
    pub version: String,
    /// `vMAJOR.MINOR.PATCH` without suffixes, used for constraint checks.
    pub normalized: String,
    pub major: String,
    pub minor: String,
}

impl KubeVersion {
    /// Parses `1.30`, `v1.30.2` or `v1.33.4-gke.1` like Helm's `ParseKubeVersion`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bare = text.trim().trim_start_matches('v');
        let numeric: String = bare.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
        let parts: Vec<&str> = numeric.trim_end_matches('.').split('.').collect();
        if parts.len() < 2 || parts.iter().any(|p| p.is_empty() || p.parse::<u64>().is_err()) {
            return Err(format!("invalid kube version {text:?}: expected MAJOR.MINOR[.PATCH]"));
        }
        let num = |p: &str| p.parse::<u64>().unwrap_or(0).to_string();
        let patch = parts.get(2).map_or_else(|| "0".to_owned(), |p| num(p));
        Ok(Self {
            version: format!("v{bare}"),
            normalized: format!("v{}.{}.{patch}", num(parts[0]), num(parts[1])),
            major: num(parts[0]),
            minor: num(parts[1]),
        })
    }
}

impl Default for KubeVersion {
    fn default() -> Self {
        Self::parse(DEFAULT_KUBE_VERSION).unwrap_or_else(|_| Self {
            version: DEFAULT_KUBE_VERSION.into(),
            normalized: DEFAULT_KUBE_VERSION.into(),
            major: "1".into(),
            minor: "36".into(),
        })
    }
}

impl HostObject for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "GitVersion" => Some(s(&self.version)),
            "Major" => Some(s(&self.major)),
            "Minor" => Some(s(&self.minor)),
            _ => None,
        }
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let value = match method {
            "String" => s(&self.normalized),
            "GitVersion" => s(&self.version),
            // Go's field order, not sorted keys.
            "MarshalJSON" => {
                let q = |v: &str| serde_json::Value::from(v).to_string();
                s(&format!(
                    r#"{{"Version":{},"Major":{},"Minor":{}}}"#,
                    q(&self.version),
                    q(&self.major),
                    q(&self.minor)
                ))
            }
            _ => return None,
        };
        Some(if args.is_empty() { Ok(value) } else { Err(format!("{method} takes no arguments")) })
    }
}

/// `.Capabilities.APIVersions` (a Go `[]string`), with its `Has` method.
#[derive(Debug, Clone)]
pub(crate) struct VersionSet(Vec<String>, Option<Cluster>);

/// A cluster's discovery, as `helm install` sees it, rather than `helm template`'s list: `Has`
/// also answers `group/version/Kind` (and `v1/Kind`), true when the group/version is served and
/// the kind is not in `removed`. Kinds are not listed one by one: any kind of a served
/// group/version counts as served.
#[derive(Debug, Clone)]
struct Cluster {
    removed: Vec<String>,
}

impl VersionSet {
    fn has(&self, api: &str) -> bool {
        if self.0.iter().any(|a| a == api) {
            return true;
        }
        let Some(cluster) = &self.1 else { return false };
        let group_version = match api.split('/').collect::<Vec<_>>()[..] {
            ["v1", kind] if !kind.is_empty() => "v1".to_owned(),
            [group, version, kind] if !group.is_empty() && !version.is_empty() && !kind.is_empty() => {
                format!("{group}/{version}")
            }
            _ => return false,
        };
        self.0.contains(&group_version) && !cluster.removed.iter().any(|r| r == api)
    }
}

impl HostObject for VersionSet {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }

    fn field(&self, _name: &str) -> Option<Value> {
        None
    }

    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        match (method, args) {
            ("Has", [Value::String(v)]) => Some(Ok(Value::Bool(self.has(v)))),
            ("Has", _) => Some(Err("Has takes one string argument".into())),
            ("MarshalJSON", []) => Some(Ok(s(&serde_json::Value::from(self.0.clone()).to_string()))),
            _ => None,
        }
    }

    /// A Go `[]string`: `range`, `len`, `index` and `%v` see the API versions in order.
    fn entries(&self) -> Option<Entries> {
        Some(Entries::List(self.0.iter().map(|v| s(v)).collect()))
    }
}

/// `.Capabilities.HelmVersion` (Helm's `BuildInfo`).
#[derive(Debug, Clone)]
struct HelmVersion {
    kube_client: String,
}

impl HostObject for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" => Some(s(HELM_VERSION)),
            "GitCommit" | "GitTreeState" => Some(s("")),
            "GoVersion" => Some(s(GO_VERSION)),
            "KubeClientVersion" => Some(s(&self.kube_client)),
            _ => None,
        }
    }

    fn call(&self, method: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        match method {
            // Go prints the struct's fields; JSON uses its tags (empty ones omitted).
            "String" => Some(Ok(s(&format!("{{{HELM_VERSION}   {GO_VERSION} {}}}", self.kube_client)))),
            "MarshalJSON" => Some(Ok(s(&format!(
                r#"{{"version":"{HELM_VERSION}","go_version":"{GO_VERSION}","kube_client_version":"{}"}}"#,
                self.kube_client
            )))),
            _ => None,
        }
    }
}

/// `.Capabilities` (a host object so that `toJson` keeps Go's field order).
#[derive(Debug, Clone)]
struct Capabilities {
    kube: Arc<KubeVersion>,
    apis: Arc<VersionSet>,
    helm: Arc<HelmVersion>,
}

impl HostObject for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }

    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::Host(self.kube.clone())),
            "APIVersions" => Some(Value::Host(self.apis.clone())),
            "HelmVersion" => Some(Value::Host(self.helm.clone())),
            _ => None,
        }
    }

    fn call(&self, method: &str, _args: &[Value]) -> Option<Result<Value, String>> {
        let json = |h: &dyn HostObject| match h.call("MarshalJSON", &[]) {
            Some(Ok(Value::String(s))) => s,
            _ => "null".to_owned(),
        };
        match method {
            "MarshalJSON" => Some(Ok(s(&format!(
                r#"{{"KubeVersion":{},"APIVersions":{},"HelmVersion":{}}}"#,
                json(self.kube.as_ref()),
                json(self.apis.as_ref()),
                json(self.helm.as_ref())
            )))),
            _ => None,
        }
    }
}

/// `.Capabilities` of `helm template` for `kube` (and `extra_apis` added to the API versions).
/// With `removed` (see [`super::RenderOptions::removed_apis`]), the API versions are those of a
/// cluster: the `group/version`s listed there are left out, and `Has` answers kinds.
pub(crate) fn capabilities_object(kube: &KubeVersion, extra_apis: &[String], removed: Option<&[String]>) -> Value {
    let mut apis: Vec<String> = API_VERSIONS.iter().map(|a| (*a).to_owned()).collect();
    apis.extend(extra_apis.iter().cloned());
    if let Some(removed) = removed {
        apis.retain(|a| !removed.contains(a));
    }
    let cluster = removed.map(|r| Cluster { removed: r.to_vec() });
    let helm = HelmVersion { kube_client: format!("v{}.{}", kube.major, kube.minor) };
    Value::Host(Arc::new(Capabilities {
        kube: Arc::new(kube.clone()),
        apis: Arc::new(VersionSet(apis, cluster)),
        helm: Arc::new(helm),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kube_versions_parse_like_helm() {
        let k = KubeVersion::parse("1.30").expect("valid");
        assert_eq!((k.version.as_str(), k.normalized.as_str(), k.major.as_str()), ("v1.30", "v1.30.0", "1"));
        let k = KubeVersion::parse("v1.33.4-gke.1245000").expect("valid");
        assert_eq!(
            (k.version.as_str(), k.normalized.as_str(), k.minor.as_str()),
            ("v1.33.4-gke.1245000", "v1.33.4", "33")
        );
        assert!(KubeVersion::parse("1").is_err());
        assert_eq!(KubeVersion::default().normalized, DEFAULT_KUBE_VERSION);
    }

    #[test]
    fn api_versions_has() {
        let v = VersionSet(vec!["apps/v1".into()], None);
        assert!(matches!(v.call("Has", &[s("apps/v1")]), Some(Ok(Value::Bool(true)))));
        assert!(matches!(v.call("Has", &[s("apps/v1/Deployment")]), Some(Ok(Value::Bool(false)))));
    }

    /// As a cluster: kinds of served versions are served, unless removed; removed versions are
    /// gone from the list.
    #[test]
    fn api_versions_of_a_cluster_answer_kinds() {
        let removed = ["policy/v1beta1".to_owned(), "policy/v1beta1/PodSecurityPolicy".to_owned()];
        let Value::Host(caps) = capabilities_object(&KubeVersion::default(), &[], Some(&removed)) else {
            panic!("capabilities are a host object")
        };
        let Some(Value::Host(apis)) = caps.field("APIVersions") else { panic!("APIVersions") };
        let has = |a: &str| matches!(apis.call("Has", &[s(a)]), Some(Ok(Value::Bool(true))));
        assert!(has("policy/v1") && has("policy/v1/PodDisruptionBudget") && has("v1/Service"));
        assert!(!has("policy/v1beta1") && !has("policy/v1beta1/PodSecurityPolicy"));
        assert!(!has("monitoring.coreos.com/v1/ServiceMonitor") && !has("apps/v1/") && !has("v1/"));
        let Some(Entries::List(listed)) = apis.entries() else { panic!("a slice") };
        assert!(!listed.contains(&s("policy/v1beta1")) && listed.contains(&s("policy/v1")));
    }

    #[test]
    fn api_versions_are_a_slice() {
        let v = VersionSet(vec!["v1".into(), "apps/v1".into()], None);
        assert_eq!(v.entries(), Some(Entries::List(vec![s("v1"), s("apps/v1")])));
        assert!(KubeVersion::default().entries().is_none());
    }
}
