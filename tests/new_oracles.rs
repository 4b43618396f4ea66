//! The generated project under the strict peers, each a real tool used as an oracle:
//! hadolint, actionlint, yamllint (default rules), Helm (`helm lint --strict`, rendering with
//! every optional feature, the schema's refusals) and checkov. checkov may fail only the
//! checks the service README documents, each with its reason.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{oracle_python, require_tool, run, text};

fn project(tmp: &Path, extra: &[&str]) -> PathBuf {
    let mut args = vec!["--module", "github.com/acme/orders", "--ci", "both"];
    args.extend_from_slice(extra);
    common::generate(tmp, "orders", &args)
}

fn helm_oracle(python: &Path, args: &[&str]) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracles/helm_oracle.py");
    run(Command::new(python).arg(script).args(args))
}

#[test]
fn hadolint_reports_nothing() {
    let Some(hadolint) = require_tool("hadolint") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let out = run(Command::new(hadolint).arg("--no-color").arg(dir.join("Dockerfile")));
    assert!(out.status.success() && out.stdout.is_empty(), "hadolint: {}", text(&out));
}

#[test]
fn actionlint_reports_nothing() {
    let Some(actionlint) = require_tool("actionlint") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let out = run(Command::new(actionlint).current_dir(&dir).args(["-no-color", ".github/workflows/ci.yml"]));
    assert!(out.status.success() && out.stdout.is_empty(), "actionlint: {}", text(&out));
}

#[test]
fn yamllint_default_rules_report_nothing_outside_chart_templates() {
    let Some(yamllint) = require_tool("yamllint") else { return };
    let tmp = tempfile::tempdir().unwrap();
    for (name, extra) in
        [("default", &[][..]), ("long", &["--registry", "registry.example.com:5000/platform/team"][..])]
    {
        let dir = project(&tmp.path().join(name), extra);
        let yaml: Vec<String> = common::read_tree(&dir)
            .into_keys()
            .filter(|p| (p.ends_with(".yml") || p.ends_with(".yaml")) && !p.contains("/templates/"))
            .collect();
        assert!(yaml.len() >= 4, "expected workflow, gitlab-ci, Chart.yaml, values.yaml: {yaml:?}");
        let out = run(Command::new(&yamllint).current_dir(&dir).args(["-f", "parsable", "-s"]).args(&yaml));
        assert!(out.status.success() && out.stdout.is_empty(), "yamllint {name}: {}", text(&out));
    }
}

#[test]
fn helm_lint_strict_is_clean_and_every_feature_renders() {
    let Some(python) = oracle_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let chart = dir.join("deploy/helm/orders");
    let chart = chart.to_str().unwrap();

    let out = helm_oracle(&python, &["lint", chart]);
    assert!(out.status.success(), "helm lint --strict: {}", text(&out));
    assert!(!text(&out).contains("[WARNING]") && !text(&out).contains("[ERROR]"), "{}", text(&out));

    let variants: &[(&str, &str)] = &[
        ("defaults", "{}"),
        ("hpa", r#"{"autoscaling":{"enabled":true}}"#),
        ("no-network-policy", r#"{"networkPolicy":{"enabled":false}}"#),
        ("digest", r#"{"image":{"digest":"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}}"#),
        ("explicit-tag", r#"{"image":{"tag":"1.2.3"},"goMemLimit":"100MiB"}"#),
    ];
    for (name, values) in variants {
        let out = helm_oracle(&python, &["render", chart, "--set-json", values, "--namespace", "orders"]);
        assert!(out.status.success(), "render {name}: {}", text(&out));
        let manifest = String::from_utf8_lossy(&out.stdout);
        for kind in ["kind: Deployment", "kind: Service", "kind: ServiceAccount", "kind: PodDisruptionBudget"] {
            assert!(manifest.contains(kind), "render {name}: no {kind}");
        }
        assert!(!manifest.contains(":latest"), "render {name} uses latest");
        assert!(manifest.contains("GOMEMLIMIT"), "render {name}: no GOMEMLIMIT");
        match *name {
            "hpa" => assert!(manifest.contains("kind: HorizontalPodAutoscaler")),
            "no-network-policy" => assert!(!manifest.contains("kind: NetworkPolicy")),
            "digest" => assert!(manifest.contains("ghcr.io/acme/orders@sha256:0123")),
            "explicit-tag" => assert!(manifest.contains("ghcr.io/acme/orders:1.2.3")),
            _ => {
                assert!(manifest.contains("kind: NetworkPolicy"));
                assert!(manifest.contains("ghcr.io/acme/orders:0.1.0"), "tag defaults to appVersion");
                assert!(manifest.contains("value: \"230MiB\""), "GOMEMLIMIT is 90% of the 256Mi limit");
            }
        }
    }
}

#[test]
fn helm_schema_rejects_latest_and_privilege_escalation() {
    let Some(python) = oracle_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let chart = dir.join("deploy/helm/orders");
    let chart = chart.to_str().unwrap();
    for (values, needle) in [
        (r#"{"image":{"tag":"latest"}}"#, "/image/tag"),
        (r#"{"securityContext":{"allowPrivilegeEscalation":true}}"#, "allowPrivilegeEscalation"),
        (r#"{"securityContext":{"privileged":true}}"#, "privileged"),
    ] {
        let out = helm_oracle(&python, &["render", chart, "--set-json", values]);
        assert_eq!(out.status.code(), Some(1), "{values} was accepted: {}", text(&out));
        assert!(text(&out).contains(needle), "{values}: {}", text(&out));
    }
}

/// The check ids the service README documents as known exceptions.
fn documented_exceptions(readme: &str) -> Vec<String> {
    let section = readme.split("## Security checks").nth(1).unwrap_or_default();
    section.split('`').filter(|w| w.starts_with("CKV_") || w.starts_with("CKV2_")).map(str::to_string).collect()
}

fn checkov_failed(checkov: &Path, framework: &str, file: &Path) -> Vec<String> {
    let out = run(Command::new(checkov)
        .args(["--framework", framework, "--skip-download", "--quiet", "--compact", "-o", "json", "-f"])
        .arg(file));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: serde_json::Value =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("checkov output is not JSON ({e}): {}", text(&out)));
    // One report per framework (an object), or a list of them.
    let reports = match json {
        serde_json::Value::Array(a) => a,
        other => vec![other],
    };
    let mut failed = Vec::new();
    for r in reports {
        let passed = r["summary"]["passed"].as_u64().unwrap_or(0);
        assert!(passed > 10, "checkov ran no real checks on {}: {r}", file.display());
        for f in r["results"]["failed_checks"].as_array().into_iter().flatten() {
            failed.push(f["check_id"].as_str().unwrap_or_default().to_string());
        }
    }
    failed
}

#[test]
fn checkov_fails_only_documented_checks() {
    let Some(checkov) = require_tool("checkov") else { return };
    let Some(python) = oracle_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let documented = documented_exceptions(&readme);

    let failed = checkov_failed(&checkov, "dockerfile", &dir.join("Dockerfile"));
    assert!(failed.is_empty(), "checkov fails the Dockerfile: {failed:?}");

    let chart = dir.join("deploy/helm/orders");
    let out = helm_oracle(&python, &["render", chart.to_str().unwrap(), "--namespace", "orders"]);
    assert!(out.status.success(), "{}", text(&out));
    let rendered = tmp.path().join("rendered.yaml");
    std::fs::write(&rendered, &out.stdout).unwrap();
    let failed = checkov_failed(&checkov, "kubernetes", &rendered);
    let undocumented: Vec<_> = failed.iter().filter(|id| !documented.contains(id)).collect();
    assert!(undocumented.is_empty(), "checkov failures not documented in README: {undocumented:?}");
    // The list stays honest: every documented exception really is still needed.
    for id in &documented {
        assert!(failed.contains(id), "README documents {id} but checkov no longer fails it");
    }
}

/// `helm template` with the helm CLI (it has `--api-versions`, which the SDK oracle lacks).
fn helm_template(helm: &Path, chart: &Path, args: &[&str]) -> String {
    let out = run(Command::new(helm)
        .args(["template", "orders"])
        .arg(chart)
        .args(["--namespace", "shop", "--kube-version", "1.31"])
        .args(args));
    assert!(out.status.success(), "helm template {args:?}: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn service_monitor_renders_only_when_enabled_on_a_cluster_that_serves_it() {
    let Some(helm) = require_tool("helm") else { return };
    let Some(checkov) = require_tool("checkov") else { return };
    let Some(python) = oracle_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let chart = dir.join("deploy/helm/orders");
    let crd = "--api-versions=monitoring.coreos.com/v1/ServiceMonitor";
    let enabled = "--set=metrics.serviceMonitor.enabled=true";

    // Off by default, and never without the CRD: the kind would not exist there.
    for args in [&[][..], &[crd][..], &[enabled][..]] {
        let manifest = helm_template(&helm, &chart, args);
        assert!(!manifest.contains("kind: ServiceMonitor"), "{args:?} renders a ServiceMonitor:\n{manifest}");
        assert!(manifest.contains("kind: Deployment"), "{args:?}");
    }

    let manifest = helm_template(&helm, &chart, &[crd, enabled, "--set=metrics.serviceMonitor.labels.release=kps"]);
    let monitor = manifest
        .split("\n---")
        .find(|d| d.contains("kind: ServiceMonitor"))
        .unwrap_or_else(|| panic!("no ServiceMonitor with the CRD and the value:\n{manifest}"));
    for needle in [
        "apiVersion: monitoring.coreos.com/v1",
        "  namespace: shop\n",
        "    release: kps\n",
        // It selects the Service by the pods' selector labels, which the Service carries too.
        "  selector:\n    matchLabels:\n      app.kubernetes.io/name: orders\n      app.kubernetes.io/instance: orders\n",
        // The Service's port name, and the path the service serves.
        "    - port: http\n      path: /metrics\n      interval: 30s\n      scrapeTimeout: 10s\n",
    ] {
        assert!(monitor.contains(needle), "ServiceMonitor lacks {needle:?}:\n{monitor}");
    }
    let service = manifest.split("\n---").find(|d| d.contains("kind: Service\n")).unwrap();
    assert!(service.contains("    - name: http\n"), "the Service's port is not named http:\n{service}");

    // helm lint --strict and checkov stay clean with it.
    let chart_str = chart.to_str().unwrap();
    let out =
        helm_oracle(&python, &["lint", chart_str, "--set-json", r#"{"metrics":{"serviceMonitor":{"enabled":true}}}"#]);
    assert!(out.status.success() && !text(&out).contains("[WARNING]"), "helm lint --strict: {}", text(&out));
    let rendered = tmp.path().join("with-monitor.yaml");
    std::fs::write(&rendered, &manifest).unwrap();
    let documented = documented_exceptions(&std::fs::read_to_string(dir.join("README.md")).unwrap());
    let failed = checkov_failed(&checkov, "kubernetes", &rendered);
    assert!(failed.iter().all(|id| documented.contains(id)), "checkov: {failed:?}, documented {documented:?}");

    // The schema refuses what Prometheus would refuse.
    for (values, needle) in [
        (r#"{"metrics":{"serviceMonitor":{"interval":30}}}"#, "interval"),
        (r#"{"metrics":{"serviceMonitor":{"scrapeTimeout":"10 seconds"}}}"#, "scrapeTimeout"),
        (r#"{"metrics":{"serviceMonitor":{"enable":true}}}"#, "enable"),
    ] {
        let out = helm_oracle(&python, &["render", chart_str, "--set-json", values]);
        assert_eq!(out.status.code(), Some(1), "{values} was accepted: {}", text(&out));
        assert!(text(&out).contains(needle), "{values}: {}", text(&out));
    }
}
