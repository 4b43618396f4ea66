//! The generated project under the strict peers, each a real tool used as an oracle:
//! hadolint, actionlint, yamllint (default rules), Helm (`helm lint --strict`, rendering with
//! every optional feature, the schema's refusals, the `helm test` hook as `helm template`
//! prints it) and checkov. checkov may fail only the checks the service README documents,
//! each with its reason. The deploy jobs of both CI systems (`--deploy helm --ci both`) are
//! read back with PyYAML and their triggers, environments, approvals and commands asserted.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{checkov_failed, oracle_python, require_tool, run, text};

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
    for (name, extra) in [("deploy", &["--deploy", "helm"][..]), ("no-deploy", &["--deploy", "none"][..])] {
        let dir = project(&tmp.path().join(name), extra);
        let out = run(Command::new(&actionlint).current_dir(&dir).args(["-no-color", ".github/workflows/ci.yml"]));
        assert!(out.status.success() && out.stdout.is_empty(), "actionlint {name}: {}", text(&out));
    }
}

/// A YAML file of the project as JSON, read by PyYAML (an independent YAML parser).
fn yaml_as_json(python: &Path, file: &Path) -> serde_json::Value {
    let out = run(Command::new(python)
        .args(["-c", "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)"])
        .arg(file));
    assert!(out.status.success(), "{} is not valid YAML: {}", file.display(), text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A job's script lines (a string or a list of strings) as one text.
fn script_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => a.iter().map(script_text).collect::<Vec<_>>().join("\n"),
        _ => String::new(),
    }
}

fn assert_verified_helm_deploy(script: &str, who: &str) {
    let upgrade = script.find("helm upgrade --install").unwrap_or_else(|| panic!("{who}: no helm upgrade: {script}"));
    for flag in ["--atomic", "--wait", "--timeout 5m", "image.digest=", "image.tag="] {
        assert!(script[upgrade..].contains(flag), "{who}: helm upgrade without {flag}: {script}");
    }
    let test = script.find("helm test").unwrap_or_else(|| panic!("{who}: no helm test: {script}"));
    assert!(test > upgrade, "{who}: helm test before the upgrade");
    assert!(script.contains("KUBE_CONFIG") && script.contains("base64"), "{who}: no kubeconfig from the secret");
    assert!(
        !script.contains("apiVersion: v1") && !script.contains("client-certificate-data"),
        "{who}: a literal kubeconfig"
    );
}

#[test]
fn github_deploy_jobs_run_on_main_staging_then_approved_production() {
    let Some(python) = oracle_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &["--deploy", "helm"]);
    let wf = yaml_as_json(&python, &dir.join(".github/workflows/ci.yml"));
    let jobs = &wf["jobs"];

    // Only the lint job may write security events (the SARIF upload), and it uploads paved's SARIF.
    for (name, job) in jobs.as_object().unwrap() {
        let writes_events = job["permissions"]["security-events"] == "write";
        assert_eq!(writes_events, name == "lint", "{name}: security-events: {}", job["permissions"]);
    }
    let lint_steps = jobs["lint"]["steps"].as_array().unwrap();
    let runs: Vec<String> = lint_steps.iter().map(|s| script_text(&s["run"])).collect();
    assert!(runs.iter().any(|r| r.contains("paved lint --format sarif --output paved.sarif")), "{runs:?}");
    let upload = lint_steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")));
    let upload = upload.expect("an upload-sarif step");
    assert_eq!(upload["with"]["sarif_file"], "paved.sarif");
    let sha = upload["uses"].as_str().unwrap().split('@').nth(1).unwrap();
    assert!(sha.len() == 40 && sha.bytes().all(|b| b.is_ascii_hexdigit()), "upload-sarif not pinned: {sha}");
    let cache = lint_steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.starts_with("actions/cache@")))
        .expect("a cache step");
    assert!(
        cache["with"]["key"].as_str().unwrap().contains(env!("CARGO_PKG_VERSION")),
        "cache not keyed on the paved version"
    );
    let install = lint_steps.iter().find(|s| script_text(&s["run"]).contains("cargo install")).unwrap();
    assert_eq!(install["if"], "steps.paved-cache.outputs.cache-hit != 'true'", "paved is rebuilt on a cache hit");
    assert!(!std::fs::read_to_string(dir.join(".github/workflows/ci.yml")).unwrap().contains("once paved supports"));

    // The image job reports the digest it pushed.
    assert_eq!(jobs["image"]["outputs"]["digest"], "${{ steps.build.outputs.digest }}");

    for (job, env, needs) in [
        ("deploy-staging", "staging", &["image"][..]),
        ("deploy-production", "production", &["image", "deploy-staging"][..]),
    ] {
        let j = &jobs[job];
        assert_eq!(j["environment"]["name"], env, "{job}");
        assert_eq!(j["if"], "github.ref == 'refs/heads/main'", "{job}");
        assert_eq!(j["needs"], serde_json::json!(needs), "{job}");
        assert_eq!(j["permissions"], serde_json::json!({"contents": "read"}), "{job}");
        assert_eq!(j["env"]["NAMESPACE"], format!("orders-{env}"), "{job}");
        assert_eq!(j["concurrency"]["cancel-in-progress"], false, "{job}");
        let steps = j["steps"].as_array().unwrap();
        let script: String = steps.iter().map(|s| script_text(&s["run"])).collect::<Vec<_>>().join("\n");
        assert_verified_helm_deploy(&script, job);
        let envs: Vec<&serde_json::Value> = steps.iter().map(|s| &s["env"]).collect();
        assert!(envs.iter().any(|e| e["KUBE_CONFIG"] == "${{ secrets.KUBE_CONFIG }}"), "{job}: {envs:?}");
        assert!(envs.iter().any(|e| e["DIGEST"] == "${{ needs.image.outputs.digest }}"), "{job}: {envs:?}");
    }
}

#[test]
fn gitlab_deploy_jobs_run_on_the_default_branch_production_manual() {
    let Some(python) = oracle_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &["--deploy", "helm"]);
    let ci = yaml_as_json(&python, &dir.join(".gitlab-ci.yml"));
    assert_eq!(ci["stages"], serde_json::json!(["test", "lint", "build", "deploy"]));

    let lint = &ci["paved-lint"];
    assert_eq!(lint["artifacts"]["reports"]["codequality"], "gl-code-quality.json");
    assert_eq!(lint["artifacts"]["when"], "always");
    assert_eq!(lint["cache"]["key"], format!("paved-{}", env!("CARGO_PKG_VERSION")));
    let lint_script = script_text(&lint["script"]);
    assert!(lint_script.contains("--format gitlab") && lint_script.contains("--output gl-code-quality.json"));
    assert!(lint_script.contains(r#"if [ ! -x "$PAVED_ROOT/bin/paved" ]"#), "paved rebuilt although cached");

    let image = &ci["container-image"];
    assert_eq!(image["artifacts"]["reports"]["dotenv"], "image.env");
    assert!(script_text(&image["script"]).contains("IMAGE_DIGEST="), "the digest is not passed on");

    let template = &ci[".deploy"];
    assert_eq!(template["stage"], "deploy");
    let helm_image = template["image"]["name"].as_str().unwrap();
    assert!(helm_image.starts_with("alpine/helm:3."), "{helm_image}");
    assert_verified_helm_deploy(&script_text(&template["script"]), ".deploy");

    let default_branch = "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH";
    let staging = &ci["deploy-staging"];
    assert_eq!(staging["extends"], ".deploy");
    assert_eq!(staging["environment"]["name"], "staging");
    assert_eq!(staging["variables"]["NAMESPACE"], "orders-staging");
    assert_eq!(staging["rules"], serde_json::json!([{"if": default_branch}]), "staging deploys automatically");
    assert_eq!(staging["needs"], serde_json::json!([{"job": "container-image", "artifacts": true}]));

    let production = &ci["deploy-production"];
    assert_eq!(production["extends"], ".deploy");
    assert_eq!(production["environment"]["name"], "production");
    assert_eq!(production["environment"]["deployment_tier"], "production");
    assert_eq!(production["variables"]["NAMESPACE"], "orders-production");
    assert_eq!(production["rules"], serde_json::json!([{"if": default_branch, "when": "manual"}]));
    let needs: Vec<&str> = production["needs"].as_array().unwrap().iter().map(|n| n["job"].as_str().unwrap()).collect();
    assert_eq!(needs, ["container-image", "deploy-staging"]);
    assert_eq!(production["resource_group"], "production");

    // --deploy none: no deploy stage, no digest artifact.
    let dir = project(&tmp.path().join("none"), &["--deploy", "none"]);
    let ci = yaml_as_json(&python, &dir.join(".gitlab-ci.yml"));
    assert_eq!(ci["stages"], serde_json::json!(["test", "lint", "build"]));
    assert!(ci.get("deploy-staging").is_none() && ci.get(".deploy").is_none());
    assert!(ci["container-image"].get("artifacts").is_none());
    let wf = yaml_as_json(&python, &dir.join(".github/workflows/ci.yml"));
    assert!(wf["jobs"].get("deploy-staging").is_none() && wf["jobs"]["image"].get("outputs").is_none());
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

/// `helm template orders CHART --namespace orders` with the Helm CLI (hooks included), for a
/// cluster the chart supports; None when helm is not installed.
fn helm_template(dir: &Path, set_json: &[&str]) -> Option<String> {
    let helm = require_tool("helm")?;
    let mut cmd = Command::new(helm);
    cmd.args(["template", "orders"]).arg(dir.join("deploy/helm/orders"));
    cmd.args(["--namespace", "orders", "--kube-version", "1.34.0"]);
    for v in set_json {
        cmd.args(["--set-json", v]);
    }
    let out = run(&mut cmd);
    assert!(out.status.success(), "helm template: {}", text(&out));
    Some(String::from_utf8(out.stdout).unwrap())
}

/// Every document of a multi-document YAML stream, read by PyYAML.
fn yaml_documents(python: &Path, yaml: &str, tmp: &Path) -> Vec<serde_json::Value> {
    let file = tmp.join("documents.yaml");
    std::fs::write(&file, yaml).unwrap();
    let out = run(Command::new(python)
        .args([
            "-c",
            "import json, sys, yaml; json.dump([d for d in yaml.safe_load_all(open(sys.argv[1])) if d], sys.stdout)",
        ])
        .arg(&file));
    assert!(out.status.success(), "not YAML: {}", text(&out));
    serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
}

#[test]
fn helm_test_hook_probes_the_service_with_its_own_image_and_is_hardened() {
    let Some(python) = oracle_python() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let narrowed = r#"networkPolicy={"ingressFrom":[{"namespaceSelector":{"matchLabels":{"name":"ingress"}}}]}"#;
    for (name, set) in [("defaults", &[][..]), ("narrowed", &[narrowed][..])] {
        let Some(manifest) = helm_template(&dir, set) else { return };
        let docs = yaml_documents(&python, &manifest, tmp.path());
        let kind = |k: &str| docs.iter().filter(move |d| d["kind"] == k).collect::<Vec<_>>();
        for d in &docs {
            if d["kind"] != "Namespace" {
                assert_eq!(d["metadata"]["namespace"], "orders", "{name}: {} without the release namespace", d["kind"]);
            }
        }
        let [job] = kind("Job")[..] else { panic!("{name}: one test Job expected: {manifest}") };
        let annotations = &job["metadata"]["annotations"];
        assert_eq!(annotations["helm.sh/hook"], "test");
        assert_eq!(annotations["helm.sh/hook-delete-policy"], "before-hook-creation,hook-succeeded");
        let pod = &job["spec"]["template"]["spec"];
        let [deployment] = kind("Deployment")[..] else { panic!() };
        let main_pod = &deployment["spec"]["template"]["spec"];
        let main = &main_pod["containers"][0];
        let c = &pod["containers"][0];
        assert_eq!(pod["containers"].as_array().unwrap().len(), 1);
        assert_eq!(c["image"], main["image"], "the test runs the service's own image");
        assert!(c.get("command").is_none(), "the image's ENTRYPOINT runs, no shell");
        assert_eq!(
            c["args"],
            serde_json::json!(["healthcheck", "--url", "http://orders:80/health", "--url", "http://orders:80/ready"])
        );
        assert_eq!(c["securityContext"], main["securityContext"], "test container hardened like the service");
        assert_eq!(pod["securityContext"], main_pod["securityContext"], "test pod hardened like the service");
        assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
        assert_eq!(c["securityContext"]["capabilities"]["drop"], serde_json::json!(["ALL"]));
        assert_eq!(pod["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
        assert_eq!(pod["automountServiceAccountToken"], false);
        assert_eq!(pod["restartPolicy"], "Never");
        for r in ["requests", "limits"] {
            assert!(c["resources"][r]["cpu"].is_string() && c["resources"][r]["memory"].is_string(), "{r}");
        }
        // Nothing that selects the service's pods selects the test's.
        let labels = job["spec"]["template"]["metadata"]["labels"].as_object().unwrap();
        let [service] = kind("Service")[..] else { panic!() };
        let selector = service["spec"]["selector"].as_object().unwrap();
        assert!(selector.iter().any(|(k, v)| labels.get(k) != Some(v)), "the Service selects the test pod");
        // Its own NetworkPolicy admits nothing; the service's admits it when narrowed.
        let policies = kind("NetworkPolicy");
        let own = policies.iter().find(|p| p["metadata"]["name"] == "orders-test").expect("the test pod's policy");
        assert!(
            own["spec"]["podSelector"]["matchLabels"]
                .as_object()
                .unwrap()
                .iter()
                .all(|(k, v)| labels.get(k) == Some(v))
        );
        assert!(own["spec"].get("ingress").is_none() && own["spec"]["policyTypes"] == serde_json::json!(["Ingress"]));
        let service_policy = policies.iter().find(|p| p["metadata"]["name"] == "orders").unwrap();
        let from = &service_policy["spec"]["ingress"][0]["from"];
        match name {
            "narrowed" => {
                let peers = from.as_array().unwrap();
                assert_eq!(peers.len(), 2, "{from}");
                let test_peer = &peers[1]["podSelector"]["matchLabels"];
                assert!(test_peer.as_object().unwrap().iter().all(|(k, v)| labels.get(k) == Some(v)), "{from}");
            }
            _ => assert!(from.is_null(), "open to all by default: {from}"),
        }
    }
}

/// The check ids the service README documents as known exceptions.
fn documented_exceptions(readme: &str) -> Vec<String> {
    let section = readme.split("## Security checks").nth(1).unwrap_or_default();
    section.split('`').filter(|w| w.starts_with("CKV_") || w.starts_with("CKV2_")).map(str::to_string).collect()
}

#[test]
fn checkov_fails_only_documented_checks() {
    let Some(checkov) = require_tool("checkov") else { return };
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path(), &[]);
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    let documented = documented_exceptions(&readme);

    let failed = checkov_failed(&checkov, "dockerfile", &dir.join("Dockerfile"));
    assert!(failed.is_empty(), "checkov fails the Dockerfile: {failed:?}");

    // `helm template` (the CLI) prints the test hook too, which the SDK oracle leaves out.
    let Some(manifest) = helm_template(&dir, &[]) else { return };
    assert!(manifest.contains("kind: Job"), "the helm test hook was not rendered");
    let rendered = tmp.path().join("rendered.yaml");
    std::fs::write(&rendered, &manifest).unwrap();
    let failed = checkov_failed(&checkov, "kubernetes", &rendered);
    let undocumented: Vec<_> = failed.iter().filter(|id| !documented.contains(id)).collect();
    assert!(undocumented.is_empty(), "checkov failures not documented in README: {undocumented:?}");
    // The list stays honest: every documented exception really is still needed.
    for id in &documented {
        assert!(failed.contains(id), "README documents {id} but checkov no longer fails it");
    }
}

/// `helm template` with the helm CLI (it has `--api-versions`, which the SDK oracle lacks).
fn helm_template_with(helm: &Path, chart: &Path, args: &[&str]) -> String {
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
        let manifest = helm_template_with(&helm, &chart, args);
        assert!(!manifest.contains("kind: ServiceMonitor"), "{args:?} renders a ServiceMonitor:\n{manifest}");
        assert!(manifest.contains("kind: Deployment"), "{args:?}");
    }

    let manifest =
        helm_template_with(&helm, &chart, &[crd, enabled, "--set=metrics.serviceMonitor.labels.release=kps"]);
    let monitor = manifest
        .split("\n---")
        .find(|d| d.contains("kind: ServiceMonitor"))
        .unwrap_or_else(|| panic!("no ServiceMonitor with the CRD and the value:\n{manifest}"));
    // Splitting on "\n---" takes a document's last newline; wherever it is in the stream, it ends in one.
    let monitor = format!("{}\n", monitor.trim_end());
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
