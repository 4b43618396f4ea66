//! The cross-file rules on their fixture repositories, asserted exactly through JSON output
//! (rule, path, line, column): each fires where its files are linked and stays silent where
//! they are not (the pass fixtures include unlinked images and unrelated Dockerfiles).

mod common;

use std::path::Path;

use common::{paved, run, text};

fn findings(rule: &str, side: &str) -> Vec<(String, String, u64, u64)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules").join(rule).join(side);
    let out = run(paved().current_dir(&dir).args(["lint", "--format", "json", "--fail-on", "never", "--no-config"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    common::located(&v["findings"]).into_iter().filter(|f| f.0 == rule).collect()
}

fn expect(rule: &str, fire: &[(&str, u64, u64)]) {
    let want: Vec<(String, String, u64, u64)> =
        fire.iter().map(|(p, l, c)| (rule.to_string(), p.to_string(), *l, *c)).collect();
    assert_eq!(findings(rule, "fire"), want, "{rule} on its fire fixture");
    assert_eq!(findings(rule, "pass"), vec![], "{rule} on its pass fixture");
}

#[test]
fn run_as_non_root_unverifiable() {
    expect("run-as-non-root-unverifiable", &[("deploy/k8s.yaml", 9, 11)]);
}

#[test]
fn go_version_mismatch() {
    expect(
        "go-version-mismatch",
        &[
            (".circleci/config.yml", 5, 16),
            (".github/workflows/ci.yml", 8, 23),
            (".gitlab-ci.yml", 2, 10),
            ("Dockerfile", 1, 6),
        ],
    );
}

/// A CircleCI config's Go module is the go.mod of the directory holding `.circleci/` (here a
/// service of a monorepo, with an older Go than the root's); its job and executor images count,
/// `golang:` and `cimg/go:` alike, and a machine executor has no image.
#[test]
fn go_version_mismatch_circleci_in_a_service_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("go.mod"), "module example.com/root\n\ngo 1.26.0\n").unwrap();
    std::fs::create_dir_all(root.join("svc/.circleci")).unwrap();
    std::fs::write(root.join("svc/go.mod"), "module example.com/svc\n\ngo 1.24.0\n").unwrap();
    let config = "\
version: 2.1
executors:
  old:
    docker:
      - image: golang:1.23-bookworm
  vm:
    machine:
      image: ubuntu-2204:2024.05.1
jobs:
  test:
    docker:
      - image: cimg/go:1.24.3
    steps:
      - run: go test -timeout 60s ./...
  newer:
    docker:
      - image: cimg/go:1.26.0
    steps:
      - run: go vet ./...
";
    std::fs::write(root.join("svc/.circleci/config.yml"), config).unwrap();
    let out = run(paved().current_dir(root).args(["lint", "--format", "json", "--fail-on", "never", "--no-config"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let found: Vec<_> = common::located(&v["findings"]).into_iter().filter(|f| f.0 == "go-version-mismatch").collect();
    let at = |line, col| ("go-version-mismatch".to_string(), "svc/.circleci/config.yml".to_string(), line, col);
    assert_eq!(found, vec![at(5, 16), at(17, 16)], "{v}");
    let messages: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "go-version-mismatch")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].contains("golang:1.23-bookworm") && messages[0].contains("svc/go.mod"), "{messages:?}");
    assert!(messages[1].contains("cimg/go:1.26.0") && messages[1].contains("differs in minor version"), "{messages:?}");
}

#[test]
fn race_without_cgo() {
    expect("race-without-cgo", &[(".circleci/config.yml", 9, 14), (".gitlab-ci.yml", 6, 7), ("Makefile", 4, 2)]);
}

#[test]
fn probe_port_unknown() {
    expect("probe-port-unknown", &[("deploy/k8s.yaml", 15, 44), ("deploy/k8s.yaml", 19, 21)]);
}

#[test]
fn probe_path_unserved() {
    expect("probe-path-unserved", &[("deploy/k8s.yaml", 16, 21), ("deploy/k8s.yaml", 20, 21)]);
}

#[test]
fn gomemlimit_missing() {
    expect("gomemlimit-missing", &[("deploy/k8s.yaml", 9, 11)]);
}

#[test]
fn http_server_timeouts_missing() {
    expect(
        "http-server-timeouts-missing",
        &[("echo/main.go", 13, 19), ("echo/main.go", 19, 19), ("main.go", 12, 11), ("main.go", 15, 12)],
    );
}

/// Rendered Helm objects are part of the repository model: a generated project's chart is
/// linked to its Dockerfile and Go code, and a probe path its values break is reported at the
/// values.yaml line (a block the template copies with `toYaml`), the template otherwise.
#[test]
fn cross_file_rules_see_rendered_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = common::generate(tmp.path(), "svc", &["--go-version", "1.25"]);
    let lint = |dir: &Path| {
        let out = run(paved().current_dir(dir).args(["lint", "--format", "json", "--fail-on", "never"]));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        common::located(&v["findings"])
    };
    assert_eq!(lint(&dir), vec![], "the generated project is clean");

    let values = dir.join("deploy/helm/svc/values.yaml");
    let text = std::fs::read_to_string(&values).unwrap();
    assert_eq!(text.matches("path: /ready").count(), 1, "{text}");
    std::fs::write(&values, text.replace("path: /ready", "path: /nope")).unwrap();
    let line = text.lines().position(|l| l.contains("path: /ready")).unwrap() as u64 + 1;
    let col = text.lines().nth(line as usize - 1).unwrap().find("/ready").unwrap() as u64 + 1;
    assert_eq!(
        lint(&dir),
        vec![("probe-path-unserved".to_string(), "deploy/helm/svc/values.yaml".to_string(), line, col)]
    );

    // An annotation on the rendered Deployment suppresses the cross-file finding as it would in
    // a plain manifest (applied with the template's own findings, so it is not "unused").
    let template = dir.join("deploy/helm/svc/templates/deployment.yaml");
    let original = std::fs::read_to_string(&template).unwrap();
    let annotated = original.replacen(
        "metadata:\n",
        "metadata:\n  annotations:\n    ignore.paved.dev/probe-path-unserved: \"the legacy path is served by a sidecar\"\n",
        1,
    );
    std::fs::write(&template, &annotated).unwrap();
    assert_eq!(lint(&dir), vec![]);
    let out = run(paved().current_dir(&dir).args(["lint", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let suppressed = common::located(&v["suppressed"]);
    assert_eq!(suppressed.len(), 1, "{v}");
    assert_eq!(suppressed[0].0, "probe-path-unserved");
    std::fs::write(&template, original).unwrap();

    // Unlinked: the chart runs an image nothing in the repository builds.
    let text = std::fs::read_to_string(&values).unwrap();
    let image_line = text.lines().find(|l| l.trim_start().starts_with("repository:")).unwrap().to_string();
    std::fs::write(&values, text.replace(&image_line, "  repository: docker.io/library/other")).unwrap();
    assert_eq!(lint(&dir), vec![], "an image nothing builds is not linked");
}

#[test]
fn docker_context_unfiltered() {
    expect("docker-context-unfiltered", &[("Dockerfile", 4, 1), ("tools/Dockerfile", 3, 1)]);
}

/// The build context is the one the build command gives (`-f build/app.Dockerfile .`), its
/// ignore file BuildKit's `<Dockerfile>.dockerignore` before the context's `.dockerignore`, a
/// `.git` (here a worktree's `.git` file) makes the context a repository root, and a context
/// paved did not walk (`paved lint svc` of a `docker build ..`) says nothing.
#[test]
fn docker_context_unfiltered_follows_the_build_command_and_buildkits_ignore_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("build")).unwrap();
    std::fs::write(root.join(".git"), "gitdir: /elsewhere/.git/worktrees/app\n").unwrap();
    std::fs::write(root.join("Makefile"), "image:\n\tdocker build -f build/app.Dockerfile -t app:dev .\n").unwrap();
    std::fs::write(
        root.join("build/app.Dockerfile"),
        "FROM golang:1.26 AS build\nWORKDIR /src\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /app .\n",
    )
    .unwrap();
    std::fs::write(root.join(".dockerignore"), "bin/\n").unwrap();
    let lint = |path: &str| {
        let out = run(paved().current_dir(root).args([
            "lint",
            "--format",
            "json",
            "--fail-on",
            "never",
            "--no-config",
            path,
        ]));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "docker-context-unfiltered")
            .map(|f| format!("{}:{} {}", f["path"].as_str().unwrap(), f["line"], f["message"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    let found = lint(".");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("build/app.Dockerfile:3 `COPY . .`"), "{found:?}");
    assert!(found[0].contains("(the repository root), and .dockerignore does not exclude .git"), "{found:?}");
    std::fs::write(root.join("build/app.Dockerfile.dockerignore"), "# BuildKit reads this one\n*\n!go.*\n!*.go\n")
        .unwrap();
    assert_eq!(lint("."), Vec::<String>::new());
    std::fs::write(root.join("build/app.Dockerfile.dockerignore"), ".git\n!.git/config\n").unwrap();
    let found = lint(".");
    assert!(found[0].contains("build/app.Dockerfile.dockerignore re-includes .git/config"), "{found:?}");
    std::fs::create_dir_all(root.join("svc")).unwrap();
    std::fs::write(root.join("svc/Makefile"), "image:\n\tdocker build -t svc:dev -f Dockerfile ..\n").unwrap();
    std::fs::write(root.join("svc/Dockerfile"), "FROM alpine:3.22\nCOPY . /src\n").unwrap();
    assert_eq!(lint("svc"), Vec::<String>::new(), "the context `.` was not walked");
    assert_eq!(lint(".").len(), 2);
}
