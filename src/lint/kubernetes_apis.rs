//! The table of Kubernetes API removals and deprecations (`policies/data/kubernetes_apis.yaml`):
//! data, not code, so that a new release is one edited file. It feeds the
//! `removed-api-version` rule (as the Rego module `data.paved.data.kubernetes_apis`), the
//! `kubernetes-version` setting (which versions are known, and the default), and the
//! capabilities charts are rendered with (a cluster of the target version no longer serves
//! what the table says it removed).

use std::sync::LazyLock;

use serde::Deserialize;

use super::policy::PolicyFile;
use crate::parse::yaml;

/// Where the table lives, as policies are shown.
pub const PATH: &str = "policies/data/kubernetes_apis.yaml";

const SOURCE: &str = include_str!("../../policies/data/kubernetes_apis.yaml");

#[derive(Debug, Clone, Deserialize)]
pub struct Table {
    /// The releases the table is complete for, oldest first; the last is the default target.
    pub versions: Vec<String>,
    pub apis: Vec<Api>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Api {
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub kind: String,
    pub deprecated: String,
    pub removed: String,
    pub replacement: String,
    pub since: String,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| parse(SOURCE).unwrap_or_else(|e| panic!("{PATH}: {e}")));

fn parse(text: &str) -> Result<Table, String> {
    let docs = yaml::parse_stream(text, &yaml::Limits::default()).map_err(|e| e.message)?;
    let root = docs.into_iter().next().map(|d| d.root.to_json()).unwrap_or_default();
    serde_json::from_value(root).map_err(|e| e.to_string())
}

/// The table (embedded at build time; a malformed table fails its test, not a user's run).
pub fn table() -> &'static Table {
    &TABLE
}

/// `1.NN` → NN (Kubernetes 1.x only).
pub fn minor(version: &str) -> Option<u32> {
    let (major, minor) = version.split_once('.')?;
    (major == "1" && !minor.is_empty() && minor.bytes().all(|b| b.is_ascii_digit())).then(|| minor.parse().ok())?
}

/// The newest release the table knows: the default `kubernetes-version`.
pub fn newest() -> &'static str {
    table().versions.last().map_or("1.36", String::as_str)
}

/// Reads a `kubernetes-version` setting: `1.30`, `v1.30` or `1.30.2` (the patch is ignored), one
/// of the releases the table knows; an error says which are.
pub fn parse_target(text: &str) -> Result<String, String> {
    let bare = text.trim().trim_start_matches('v');
    let mut parts = bare.split('.');
    let version = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), patch, None) if patch.is_none_or(|p| p.bytes().all(|c| c.is_ascii_digit())) => {
            format!("{a}.{b}")
        }
        _ => String::new(),
    };
    let known = &table().versions;
    if minor(&version).is_some() && known.contains(&version) {
        return Ok(version);
    }
    let (first, last) = (known.first().map_or("", String::as_str), newest());
    Err(format!(
        "kubernetes-version: {text:?} is not a Kubernetes release paved knows: expected \"1.NN\" from {first} to {last} (quote it: YAML reads 1.30 as the number 1.3)"
    ))
}

/// What a cluster of Kubernetes `target` no longer serves, for rendering charts: each removed
/// `group/version/Kind`, and each `group/version` all of whose kinds in the table are removed.
pub fn removed_at(target: &str) -> Vec<String> {
    let Some(t) = minor(target) else { return Vec::new() };
    let gone = |a: &Api| minor(&a.removed).is_some_and(|r| r <= t);
    let apis = &table().apis;
    let mut out: Vec<String> =
        apis.iter().filter(|a| gone(a)).map(|a| format!("{}/{}", a.api_version, a.kind)).collect();
    for a in apis {
        let version = &a.api_version;
        if !out.contains(version) && apis.iter().filter(|b| &b.api_version == version).all(gone) {
            out.push(version.clone());
        }
    }
    out
}

/// The table as a Rego module, `data.paved.data.kubernetes_apis.{versions, apis}`, each entry
/// with its versions' minor numbers (`deprecated_minor`, `removed_minor`) for comparisons, and
/// `by_type`: the same entries keyed by `"apiVersion kind"`, so a rule looks an object up
/// instead of scanning the table for each one.
pub fn rego_module() -> PolicyFile {
    let t = table();
    let apis: Vec<serde_json::Value> = t
        .apis
        .iter()
        .map(|a| {
            serde_json::json!({
                "apiVersion": a.api_version, "kind": a.kind, "deprecated": a.deprecated,
                "removed": a.removed, "replacement": a.replacement, "since": a.since,
                "deprecated_minor": minor(&a.deprecated), "removed_minor": minor(&a.removed),
            })
        })
        .collect();
    let by_type: serde_json::Map<String, serde_json::Value> = apis
        .iter()
        .map(|a| {
            (format!("{} {}", a["apiVersion"].as_str().unwrap_or(""), a["kind"].as_str().unwrap_or("")), a.clone())
        })
        .collect();
    let source = format!(
        "# Generated from {PATH} (src/lint/kubernetes_apis.rs).\npackage paved.data.kubernetes_apis\n\nimport rego.v1\n\nversions := {}\n\nnewest := {}\n\napis := {}\n\nby_type := {}\n",
        serde_json::Value::from(t.versions.clone()),
        serde_json::Value::from(newest()),
        // One entry a line: regorus refuses lines longer than 1024 columns.
        serde_json::to_string_pretty(&apis).unwrap_or_default(),
        serde_json::to_string_pretty(&by_type).unwrap_or_default(),
    );
    PolicyFile { path: PATH.to_string(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(a: &Api) -> (u32, &str, &str) {
        (minor(&a.removed).unwrap_or(0), &a.api_version, &a.kind)
    }

    /// The table is well formed: its versions contiguous from 1.16 to the newest (the default),
    /// its entries sorted and complete, deprecated before removed, nothing deprecated after
    /// the newest version it claims.
    #[test]
    fn the_table_is_sorted_and_complete_for_the_versions_it_claims() {
        let t = table();
        let minors: Vec<u32> = t.versions.iter().map(|v| minor(v).expect("1.NN")).collect();
        assert_eq!(minors.first(), Some(&16), "the table starts at 1.16");
        assert!(minors.windows(2).all(|w| w[1] == w[0] + 1), "versions are contiguous: {minors:?}");
        let newest_minor = *minors.last().expect("versions");
        assert_eq!(newest(), t.versions.last().unwrap());
        assert!(t.apis.windows(2).all(|w| key(&w[0]) < key(&w[1])), "apis are sorted by removed, apiVersion, kind");
        for a in &t.apis {
            let what = format!("{} {}", a.api_version, a.kind);
            let (d, r, s) = (minor(&a.deprecated), minor(&a.removed), minor(&a.since));
            assert!(d.is_some() && r.is_some() && s.is_some(), "{what}: versions are 1.NN");
            assert!(d < r, "{what}: deprecated before removed");
            assert!(d.unwrap() <= newest_minor, "{what}: deprecated after the newest version claimed");
            assert!(!a.replacement.trim().is_empty() && a.replacement != a.api_version, "{what}: a replacement");
            assert!(a.api_version.contains('/') && !a.kind.is_empty(), "{what}");
        }
    }

    /// Every removal the Deprecated API Migration Guide lists, release by release.
    #[test]
    fn every_removal_of_the_migration_guide_is_there() {
        let has = |api: &str, kind: &str, removed: &str| {
            table().apis.iter().any(|a| a.api_version == api && a.kind == kind && a.removed == removed)
        };
        for (api, kind, removed) in [
            ("extensions/v1beta1", "Deployment", "1.16"),
            ("extensions/v1beta1", "PodSecurityPolicy", "1.16"),
            ("apps/v1beta2", "StatefulSet", "1.16"),
            ("extensions/v1beta1", "Ingress", "1.22"),
            ("networking.k8s.io/v1beta1", "IngressClass", "1.22"),
            ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", "1.22"),
            ("apiregistration.k8s.io/v1beta1", "APIService", "1.22"),
            ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", "1.22"),
            ("storage.k8s.io/v1beta1", "StorageClass", "1.22"),
            ("batch/v1beta1", "CronJob", "1.25"),
            ("policy/v1beta1", "PodSecurityPolicy", "1.25"),
            ("policy/v1beta1", "PodDisruptionBudget", "1.25"),
            ("autoscaling/v2beta1", "HorizontalPodAutoscaler", "1.25"),
            ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.26"),
            ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", "1.26"),
            ("storage.k8s.io/v1beta1", "CSIStorageCapacity", "1.27"),
            ("flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", "1.29"),
            ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", "1.32"),
        ] {
            assert!(has(api, kind, removed), "{api} {kind} removed in {removed}");
        }
    }

    #[test]
    fn targets_parse_and_name_the_known_range() {
        assert_eq!(parse_target("1.30").as_deref(), Ok("1.30"));
        assert_eq!(parse_target("v1.25.3").as_deref(), Ok("1.25"));
        assert_eq!(parse_target(newest()).as_deref(), Ok(newest()));
        for bad in ["1.3", "1.15", "1.99", "2.0", "latest", "1.30.x", ""] {
            let e = parse_target(bad).unwrap_err();
            assert!(e.contains("from 1.16 to"), "{bad}: {e}");
        }
    }

    #[test]
    fn a_cluster_of_a_version_no_longer_serves_what_it_removed() {
        let at = removed_at("1.25");
        assert!(at.contains(&"policy/v1beta1/PodDisruptionBudget".into()) && at.contains(&"policy/v1beta1".into()));
        assert!(at.contains(&"extensions/v1beta1".into()));
        // networking.k8s.io/v1beta1 lost Ingress in 1.22, but serves IPAddress until 1.37.
        assert!(at.contains(&"networking.k8s.io/v1beta1/Ingress".into()));
        assert!(!at.contains(&"networking.k8s.io/v1beta1".into()));
        assert!(!removed_at("1.24").contains(&"policy/v1beta1".into()));
    }

    #[test]
    fn the_rego_module_is_valid_rego() {
        let m = rego_module();
        let mut engine = regorus::Engine::new();
        engine.add_policy(m.path.clone(), m.source).expect("parses");
        let n = engine.eval_rule("data.paved.data.kubernetes_apis.newest".into()).expect("evaluates");
        assert_eq!(n, regorus::Value::from(newest()));
    }
}
