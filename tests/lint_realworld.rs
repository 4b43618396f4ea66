//! What real repositories need from `paved lint` (issue 12), each class of noise or miss seen on
//! public Go repositories as a small fixture repository under `tests/fixtures/realworld/`,
//! asserted exactly through JSON (rule, path, line, column); and every finding on the four whole
//! repositories of `../shared/corpus/gorepos/`, snapshotted for review.

mod common;

use std::path::{Path, PathBuf};

use common::{at as f, gorepos, lint_json, located, paved, run, snapshot_settings, text};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/realworld")
}

fn findings(repo: &str) -> Vec<(String, String, u64, u64)> {
    located(&lint_json(&fixtures().join(repo), &[])["findings"])
}

fn message(v: &Value, rule: &str) -> String {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .map_or(String::new(), |f| f["message"].as_str().unwrap_or_default().to_string())
}

#[test]
fn two_binaries_each_serve_their_own_routes() {
    // api imports internal/health (/healthz) and serves on 8080; metrics serves /metrics on
    // 9090. Each container's probes are judged against the binary it runs (the image's
    // ENTRYPOINT, or the one `command:` names), never the union of both.
    assert_eq!(
        findings("two-binaries"),
        vec![
            // Neither binary subscribes to SIGTERM: each serve call is its own binary's.
            f("sigterm-not-handled", "cmd/api/main.go", 14, 10),
            f("sigterm-not-handled", "cmd/metrics/main.go", 12, 10),
            f("service-account-token-automounted", "deploy/app.yaml", 16, 11),
            f("probe-path-unserved", "deploy/app.yaml", 23, 29),
            f("probe-path-unserved", "deploy/app.yaml", 41, 29)
        ]
    );
    let v = lint_json(&fixtures().join("two-binaries"), &[]);
    let msgs: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "probe-path-unserved")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(msgs[0].contains("from cmd/api") && msgs[0].contains("(routes: /healthz)"), "{}", msgs[0]);
    assert!(msgs[1].contains("from cmd/metrics") && msgs[1].contains("(routes: /metrics)"), "{}", msgs[1]);
}

#[test]
fn controller_runtime_serves_healthz_and_readyz() {
    // /healthz is the manager's; /ready is nobody's. No dockerfile-user-root either: USER set.
    // The fixture has no RBAC: nothing says the manager's account needs its token.
    assert_eq!(
        findings("operator"),
        vec![
            f("service-account-token-automounted", "config/manager/manager.yaml", 17, 11),
            f("probe-path-unserved", "config/manager/manager.yaml", 24, 29)
        ]
    );
    let v = lint_json(&fixtures().join("operator"), &[]);
    assert!(message(&v, "probe-path-unserved").contains("(routes: /healthz, /metrics, /readyz)"));
}

#[test]
fn run_make_build_follows_the_makefile() {
    // Sets CGO_ENABLED=0 in the recipe: nothing. Distroless :nonroot without USER: nothing.
    assert_eq!(findings("make-build-sets"), vec![]);
    // `make build` → `$(MAKE) compile` → `go build` without CGO_ENABLED=0: reported at the RUN,
    // naming the Makefile line; gotestsum without a -timeout after `--` is a go test without one.
    assert_eq!(
        findings("make-build-unset"),
        vec![f("cgo-not-disabled", "Dockerfile", 4, 5), f("go-test-timeout-missing", "Makefile", 14, 2)]
    );
    let v = lint_json(&fixtures().join("make-build-unset"), &[]);
    assert!(message(&v, "cgo-not-disabled").ends_with("(via `make compile`, Makefile:8)"), "{v}");
}

#[test]
fn a_container_running_a_shell_script_runs_no_go() {
    // The CronJob's /bin/sh script has a memory limit and no GOMEMLIMIT: not a Go process. The
    // Job runs the image's Go ENTRYPOINT (only `args:` given): it is.
    assert_eq!(
        findings("shell-cronjob"),
        vec![
            f("service-account-token-automounted", "deploy/jobs.yaml", 16, 15),
            f("gomemlimit-missing", "deploy/jobs.yaml", 39, 11),
            f("service-account-token-automounted", "deploy/jobs.yaml", 39, 11)
        ]
    );
}

#[test]
fn vendor_docs_devcontainer_and_test_trees_are_skipped_and_counted() {
    let v = lint_json(&fixtures().join("excludes"), &[]);
    // Scripts under test/ still run in CI: linted.
    assert_eq!(located(&v["findings"]), vec![f("go-test-timeout-missing", "test/e2e/run.sh", 3, 1)]);
    let skipped: Vec<(String, u64)> = v["summary"]["skipped"]["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["path"].as_str().unwrap().to_string(), p["files"].as_u64().unwrap()))
        .collect();
    let expected = [
        ".devcontainer/",
        "docs/",
        "examples/",
        "node_modules/",
        "pkg/parser/testdata/",
        "test/",
        "third_party/",
        "vendor/",
    ];
    assert_eq!(skipped, expected.iter().map(|p| (p.to_string(), 1)).collect::<Vec<_>>());
    assert_eq!(v["summary"]["skipped"]["files"], 8);
    // Human output says so too.
    let out = run(paved().current_dir(fixtures().join("excludes")).args(["lint", "--no-config"]));
    assert!(
        text(&out).contains("Skipped 8 files by default exclusions: .devcontainer/ (1), docs/ (1)"),
        "{}",
        text(&out)
    );
    // --no-default-excludes lints them all; naming a directory lints it.
    let all = lint_json(&fixtures().join("excludes"), &["--no-default-excludes"]);
    assert_eq!(all["summary"]["skipped"]["files"], 0);
    assert!(located(&all["findings"]).iter().any(|x| x.1 == "vendor/github.com/lib/pq/Makefile"));
    assert!(located(&all["findings"]).iter().any(|x| x.1 == ".devcontainer/Dockerfile"));
    let docs = lint_json(&fixtures().join("excludes"), &["docs"]);
    assert!(located(&docs["findings"]).iter().any(|x| x == &f("image-latest-tag", "docs/deploy/pod.yaml", 7, 12)));
}

#[test]
fn config_turns_default_excludes_off_or_includes_paths() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("repo");
    std::fs::create_dir_all(copy.join("docs")).unwrap();
    std::fs::write(copy.join("docs/Dockerfile"), "FROM nginx\n").unwrap();
    std::fs::write(copy.join("examples.Dockerfile"), "FROM nginx:1.27\nUSER 101\n").unwrap();
    let lint_with = |config: &str| {
        std::fs::write(copy.join(".paved.yaml"), config).unwrap();
        let out = run(paved().current_dir(&copy).args(["lint", "--format", "json"]));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", text(&out)));
        located(&v["findings"]).into_iter().map(|x| x.1).collect::<Vec<_>>()
    };
    assert!(lint_with("fail-on: never\n").is_empty());
    assert!(lint_with("default-excludes: false\n").contains(&"docs/Dockerfile".to_string()));
    assert!(lint_with("include: [docs/]\n").contains(&"docs/Dockerfile".to_string()));
}

#[test]
fn test_runner_images_are_not_runtime_images() {
    // CMD ["go", "test", ...]: go-test-timeout-missing at the CMD; no dockerfile-user-root and no
    // dockerfile-toolchain-in-runtime for an image that only runs tests.
    assert_eq!(findings("test-runner"), vec![f("go-test-timeout-missing", "Dockerfile.test", 5, 5)]);
    // The exec form is quoted as the command it runs, not as its JSON array.
    let v = lint_json(&fixtures().join("test-runner"), &[]);
    assert!(message(&v, "go-test-timeout-missing").starts_with("`go test -race ./...` has no -timeout"), "{v}");
}

#[test]
fn ko_base_images_and_ko_references() {
    assert_eq!(
        findings("ko"),
        vec![
            f("image-latest-tag", ".ko.yaml", 1, 19),
            // The ko:// image links the container to cmd/app, which never subscribes to SIGTERM.
            f("sigterm-not-handled", "cmd/app/main.go", 12, 10),
            f("gomemlimit-missing", "config/app.yaml", 16, 11),
            f("service-account-token-automounted", "config/app.yaml", 16, 11),
            f("probe-path-unserved", "config/app.yaml", 23, 29),
        ]
    );
    let v = lint_json(&fixtures().join("ko"), &[]);
    assert!(message(&v, "probe-path-unserved").contains("built by ko (example.com/app/cmd/app)"));
}

#[test]
fn helm_test_hooks_are_not_workloads() {
    // The test Pod has no probes or resources: not reported, nor its service account token.
    // Its untagged image still is.
    assert_eq!(
        findings("hook-chart"),
        vec![
            f("service-account-token-automounted", "chart/templates/deployment.yaml", 16, 11),
            f("image-latest-tag", "chart/templates/tests/test-connection.yaml", 15, 14)
        ]
    );
}

#[test]
fn a_chart_that_needs_a_value_is_linted_with_its_ci_values() {
    // Defaults fail (`required`): a warning naming the values files that rendered. The ci/
    // variant with a writable root filesystem is linted, the finding at that file's value.
    assert_eq!(
        findings("required-chart"),
        vec![
            f("read-only-root-fs-missing", "chart/ci/writable-values.yaml", 4, 27),
            f("service-account-token-automounted", "chart/templates/deployment.yaml", 16, 11),
            f("helm-render-error", "chart/templates/deployment.yaml", 17, 53),
        ]
    );
    let v = lint_json(&fixtures().join("required-chart"), &[]);
    let error = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "helm-render-error").unwrap();
    assert_eq!(error["severity"], "warning");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .ends_with("it renders with ci/default-values.yaml, ci/writable-values.yaml, which were linted)"),
        "{error}"
    );
}

#[test]
fn a_chart_with_an_unvendored_dependency_is_linted_without_it() {
    assert_eq!(
        findings("deps-chart"),
        vec![
            f("helm-dependency-missing", "chart/Chart.yaml", 5, 5),
            f("resource-limits-missing", "chart/templates/deployment.yaml", 16, 11),
            f("service-account-token-automounted", "chart/templates/deployment.yaml", 16, 11),
        ]
    );
    let v = lint_json(&fixtures().join("deps-chart"), &[]);
    let info = v["findings"].as_array().unwrap().iter().find(|f| f["rule"] == "helm-dependency-missing").unwrap();
    assert_eq!(info["severity"], "info");
    // ci/next-values.yaml renders the same Deployment: its finding is the defaults' one, once.
    assert!(!message(&v, "resource-limits-missing").contains("with ci/"), "{v}");
}

#[test]
fn chart_renders_are_reproducible() {
    // randAlphaNum names the test Pod: seeded, so messages are the same every run.
    let a = lint_json(&fixtures().join("hook-chart"), &[]);
    let b = lint_json(&fixtures().join("hook-chart"), &[]);
    assert_eq!(a, b);
}

#[test]
fn whole_go_repositories_snapshot() {
    let Some(root) = gorepos() else { return };
    for repo in ["go-build-template", "metrics-server", "podinfo", "source-controller"] {
        let v = lint_json(&root, &[repo]);
        let mut lines: Vec<String> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {} {}:{}:{} {}",
                    f["severity"].as_str().unwrap_or_default(),
                    f["rule"].as_str().unwrap_or_default(),
                    f["path"].as_str().unwrap_or_default(),
                    f["line"],
                    f["column"],
                    f["message"].as_str().unwrap_or_default()
                )
            })
            .collect();
        lines.push(format!("summary: {}", v["summary"]));
        snapshot_settings().bind(|| insta::assert_snapshot!(format!("gorepos@{repo}"), lines.join("\n")));
    }
}
