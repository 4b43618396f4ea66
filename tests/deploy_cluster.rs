//! The generated chart deployed the way the generated CI deploys it, against a real Kubernetes
//! API server: scripts/kube-harness.sh runs etcd, kube-apiserver, kube-controller-manager and
//! kube-scheduler on localhost, with kwok in place of kubelets (pods become Ready without
//! running anything, so this tests the chart and helm's verification, not the service).
//!
//! `helm upgrade --install --atomic --wait` must succeed with the Deployment available; a
//! release whose pods never become ready (kwok's `kwok.paved.dev/never-ready` label, as with a
//! failing readiness probe) must fail and be rolled back by `--atomic` to the previous
//! revision, which serves again. `helm test` runs the chart's test hooks (a Job whose pod kwok
//! completes, so the hook's wiring is tested, not its probe) and must pass; a chart without
//! hooks is noted and checked to report an empty suite.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{require_tool, run, text};

const NAMESPACE: &str = "shop-staging";
const RELEASE: &str = "shop";
/// What the generated CI passes: the commit as the tag, the digest the image job reported.
const TAG: &str = "0123456789abcdef0123456789abcdef01234567";
const DIGEST: &str = "sha256:4b825dc642cb6eb9a060e54bf8d69288fbee4904d8c1f06d8e5a3b1f9c0a7e11";

/// The control plane of scripts/kube-harness.sh, stopped when dropped (also on a failed
/// assertion, after printing the tail of every component's log).
struct Cluster {
    dir: PathBuf,
    kubeconfig: PathBuf,
    api: String,
    ca: String,
    cert: String,
    key: String,
}

fn harness_script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kube-harness.sh")
}

impl Cluster {
    fn start(dir: &Path) -> Cluster {
        let out = run(Command::new("bash").arg(harness_script()).arg("start").arg(dir));
        assert!(out.status.success(), "kube-harness.sh start failed: {}", text(&out));
        let env = std::fs::read_to_string(dir.join("env")).expect("the harness writes DIR/env");
        let var = |name: &str| {
            env.lines()
                .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix('=')))
                .unwrap_or_else(|| panic!("{name} missing from the harness env: {env}"))
                .to_string()
        };
        Cluster {
            dir: dir.to_path_buf(),
            kubeconfig: PathBuf::from(var("KUBECONFIG")),
            api: var("API_SERVER"),
            ca: var("CA_CERT"),
            cert: var("CLIENT_CERT"),
            key: var("CLIENT_KEY"),
        }
    }

    /// `GET path` from the API server as the admin, parsed.
    fn get(&self, path: &str) -> serde_json::Value {
        let out = run(Command::new("curl")
            .args(["-sS", "--fail", "--max-time", "10", "--cacert", &self.ca, "--cert", &self.cert])
            .args(["--key", &self.key])
            .arg(format!("{}{path}", self.api)));
        assert!(out.status.success(), "GET {path}: {}", text(&out));
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {}", text(&out)))
    }

    /// `POST path` of a JSON body as the admin.
    fn post(&self, path: &str, body: &serde_json::Value) {
        let out = run(Command::new("curl")
            .args(["-sS", "--fail", "--max-time", "10", "--cacert", &self.ca, "--cert", &self.cert])
            .args(["--key", &self.key, "-H", "Content-Type: application/json", "-o", "/dev/null"])
            .args(["-d", &body.to_string()])
            .arg(format!("{}{path}", self.api)));
        assert!(out.status.success(), "POST {path}: {}", text(&out));
    }

    /// helm with this cluster's kubeconfig and its own config, cache and data homes.
    fn helm(&self, args: &[&str]) -> Output {
        let homes = self.dir.join("helm");
        run(Command::new("helm")
            .args(args)
            .env("KUBECONFIG", &self.kubeconfig)
            .env("HELM_CONFIG_HOME", homes.join("config"))
            .env("HELM_CACHE_HOME", homes.join("cache"))
            .env("HELM_DATA_HOME", homes.join("data")))
    }

    fn deployment(&self, name: &str) -> serde_json::Value {
        self.get(&format!("/apis/apps/v1/namespaces/{NAMESPACE}/deployments/{name}"))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if std::thread::panicking() {
            for log in ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] {
                let body = std::fs::read_to_string(self.dir.join(format!("logs/{log}.log"))).unwrap_or_default();
                let tail: Vec<&str> = body.lines().rev().take(15).collect();
                eprintln!("--- {log}.log (last lines) ---");
                for line in tail.iter().rev() {
                    eprintln!("{line}");
                }
            }
        }
        let _ = Command::new("bash").arg(harness_script()).arg("stop").arg(&self.dir).output();
    }
}

/// Whether a Deployment has rolled out completely: the controller saw its latest spec and
/// every replica is updated and available.
fn rolled_out(d: &serde_json::Value) -> bool {
    let want = d["spec"]["replicas"].as_i64().unwrap_or(1);
    let status = &d["status"];
    let available = status["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|c| c["type"] == "Available" && c["status"] == "True");
    status["observedGeneration"] == d["metadata"]["generation"]
        && status["updatedReplicas"].as_i64() == Some(want)
        && status["availableReplicas"].as_i64() == Some(want)
        && status["replicas"].as_i64() == Some(want)
        && available
}

/// The chart's helm test hooks: files under templates/tests/ with a `helm.sh/hook` test
/// annotation.
fn test_hooks(chart: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(chart.join("templates/tests")) else { return Vec::new() };
    let mut hooks: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| t.contains("helm.sh/hook") && t.contains("test")))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    hooks.sort();
    hooks
}

/// Whether helm's report has a line of these words (helm aligns its columns with spaces).
fn has_line(report: &str, words: &[&str]) -> bool {
    report.lines().any(|l| l.split_whitespace().eq(words.iter().copied()))
}

#[test]
fn generated_chart_deploys_verifies_and_rolls_back() {
    let tools = [
        "helm",
        "etcd",
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kwok",
        "openssl",
        "curl",
        "python3",
    ];
    if tools.iter().any(|t| require_tool(t).is_none()) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let project = common::generate(tmp.path(), RELEASE, &["--ci", "both", "--deploy", "helm"]);
    let chart = project.join("deploy/helm").join(RELEASE);
    let chart = chart.to_str().unwrap();
    let cluster = Cluster::start(&tmp.path().join("cluster"));

    // The generated CI's deploy command into an existing namespace (the generated README has it
    // created beforehand): the image pinned to the pushed tag and digest, verified by helm
    // (--wait), rolled back on failure (--atomic).
    cluster.post("/api/v1/namespaces", &serde_json::json!({"metadata": {"name": NAMESPACE}}));
    let (tag, digest) = (format!("image.tag={TAG}"), format!("image.digest={DIGEST}"));
    let deploy = |extra: &[&str], timeout: &str| {
        let mut args = vec!["upgrade", "--install", RELEASE, chart, "--namespace", NAMESPACE];
        args.extend(["--atomic", "--wait", "--timeout", timeout]);
        args.extend(["--set-string", tag.as_str(), "--set-string", digest.as_str()]);
        args.extend(extra);
        cluster.helm(&args)
    };
    let out = deploy(&[], "2m");
    assert!(out.status.success(), "helm upgrade --install --atomic --wait failed: {}", text(&out));
    let d = cluster.deployment(RELEASE);
    assert!(rolled_out(&d), "helm succeeded but the Deployment is not available: {}", d["status"]);
    assert_eq!(d["spec"]["replicas"], 2, "the chart's default replica count");
    let image = d["spec"]["template"]["spec"]["containers"][0]["image"].as_str().unwrap_or_default();
    assert!(image.ends_with(&format!("@{DIGEST}")), "the image is pinned to the pushed digest: {image}");
    let pods = cluster.get(&format!("/api/v1/namespaces/{NAMESPACE}/pods"));
    let ready = pods["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| {
            p["status"]["conditions"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|c| c["type"] == "Ready" && c["status"] == "True")
        })
        .count();
    assert_eq!(ready, 2, "two ready pods behind the release: {pods}");

    // helm test: the chart's test hooks must pass; a chart without any is said so, not skipped
    // silently (helm reports an empty suite).
    let hooks = test_hooks(Path::new(chart));
    let out = cluster.helm(&["test", RELEASE, "--namespace", NAMESPACE, "--timeout", "1m"]);
    assert!(out.status.success(), "helm test failed: {}", text(&out));
    let report = text(&out);
    let empty_suite = has_line(&report, &["TEST", "SUITE:", "None"]);
    if hooks.is_empty() {
        eprintln!("note: the generated chart has no helm test hook (templates/tests/); helm test ran an empty suite");
        assert!(empty_suite, "helm test ran hooks this test did not find: {report}");
    } else {
        assert!(!empty_suite, "helm test ran none of the chart's hooks {hooks:?}: {report}");
        assert!(has_line(&report, &["Phase:", "Succeeded"]), "a hook of {hooks:?} did not succeed: {report}");
    }

    // A release whose pods never become ready: --wait times out, --atomic rolls back.
    let out = deploy(&["--set-string", "podLabels.kwok\\.paved\\.dev/never-ready=true"], "30s");
    assert!(!out.status.success(), "a release that never becomes ready was accepted: {}", text(&out));
    assert!(text(&out).contains("has been rolled back"), "helm did not roll back: {}", text(&out));

    let out = cluster.helm(&["history", RELEASE, "--namespace", NAMESPACE, "--output", "json"]);
    assert!(out.status.success(), "helm history: {}", text(&out));
    let history: serde_json::Value = serde_json::from_slice(&out.stdout).expect("helm history JSON");
    let revisions: Vec<(i64, String, String)> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (r["revision"].as_i64().unwrap_or(0), field("status"), field("description"))
        })
        .collect();
    let statuses: Vec<(i64, &str)> = revisions.iter().map(|(n, s, _)| (*n, s.as_str())).collect();
    assert_eq!(statuses, [(1, "superseded"), (2, "failed"), (3, "deployed")], "{revisions:?}");
    assert_eq!(revisions[2].2, "Rollback to 1", "{revisions:?}");

    // The rolled-back release serves again: revision 1's pod template, fully available.
    let d = cluster.deployment(RELEASE);
    assert!(rolled_out(&d), "after the rollback the Deployment is not available: {}", d["status"]);
    let labels = &d["spec"]["template"]["metadata"]["labels"];
    assert!(
        labels.get("kwok.paved.dev/never-ready").is_none(),
        "the failed revision's pods are still wanted: {labels}"
    );
    let out = cluster.helm(&["status", RELEASE, "--namespace", NAMESPACE, "--output", "json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("helm status JSON");
    assert_eq!(status["info"]["status"], "deployed", "{}", text(&out));
    assert_eq!(status["version"], 3, "{}", text(&out));
}
