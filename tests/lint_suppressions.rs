//! Suppressions, configuration, baselines and custom policies, through the binary.

mod common;

use std::fs;
use std::path::Path;
use std::process::Output;

use common::{paved, run, text};
use serde_json::Value;

fn lint(dir: &Path, args: &[&str]) -> Output {
    run(paved().current_dir(dir).arg("lint").args(["--format", "json"]).args(args))
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

fn rules_lines(v: &Value, key: &str) -> Vec<(String, u64)> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule"].as_str().unwrap().to_string(), f["line"].as_u64().unwrap()))
        .collect()
}

const DOCKERFILE: &str = "\
# paved:ignore image-latest-tag -- base image pinned by the platform team's mirror
FROM golang AS build
# paved:ignore cgo-not-disabled -- the tool needs cgo
RUN apt-get update && \\
    go build ./cmd/tool
FROM alpine:3.20
# paved:ignore dockerfile-user-root,go-test-timeout-missing
USER 0
# paved:ignore run-as-non-root -- not in a Dockerfile
";

const WORKFLOW: &str = "\"on\": push\njobs:\n  t:\n    runs-on: x\n    container: golang  # paved:ignore image-latest-tag -- CI only\n    steps:\n      - run: go test ./...  # paved:ignore go-test-timeout-missing\n";

fn entries(v: &Value, key: &str) -> Vec<(String, String, u64, String)> {
    v[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["reason"].as_str().unwrap_or("-").to_string(),
            )
        })
        .collect()
}

#[test]
fn inline_suppressions_with_reasons_and_hygiene() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("Dockerfile"), DOCKERFILE).unwrap();
    fs::create_dir_all(tmp.path().join(".github/workflows")).unwrap();
    fs::write(tmp.path().join(".github/workflows/ci.yml"), WORKFLOW).unwrap();
    let out = lint(tmp.path(), &[]);
    let v = json(&out);
    let e = |p: &str, r: &str, l: u64, why: &str| (p.to_string(), r.to_string(), l, why.to_string());
    let (wf, df) = (".github/workflows/ci.yml", "Dockerfile");
    assert_eq!(
        entries(&v, "findings"),
        [
            // The job sets no `permissions:` (a warning of its own, not suppressed).
            e(wf, "workflow-permissions-broad", 3, "-"),
            e(wf, "suppression-without-reason", 7, "-"),
            e(df, "suppression-without-reason", 7, "-"),
            e(df, "unused-suppression", 7, "-"),
            e(df, "unused-suppression", 9, "-"),
        ]
    );
    // The standalone comment covers the whole continued RUN; trailing comments work in YAML.
    assert_eq!(
        entries(&v, "suppressed"),
        [
            e(wf, "image-latest-tag", 5, "CI only"),
            e(wf, "go-test-timeout-missing", 7, ""),
            e(df, "image-latest-tag", 2, "base image pinned by the platform team's mirror"),
            e(df, "cgo-not-disabled", 5, "the tool needs cgo"),
            e(df, "dockerfile-user-root", 8, ""),
        ]
    );
    assert_eq!(v["suppressed"][0]["kind"], "inline");
    assert_eq!(v["summary"]["suppressed"], 5);
    assert_eq!(out.status.code(), Some(0), "hygiene findings are warnings: {}", text(&out));
    let messages: Vec<&str> =
        v["findings"].as_array().unwrap().iter().map(|f| f["message"].as_str().unwrap()).collect();
    assert!(messages[3].contains("go-test-timeout-missing matches no finding here"), "{messages:?}");

    // In a Dockerfile, `#` after an instruction is not a comment, so it suppresses nothing.
    fs::write(tmp.path().join("Dockerfile"), "FROM alpine # paved:ignore image-latest-tag -- no\nUSER 1\n").unwrap();
    let v = json(&lint(tmp.path(), &["Dockerfile"]));
    assert_eq!(entries(&v, "findings"), [e(df, "image-latest-tag", 1, "-")]);
}

/// A CircleCI config takes `#` comments like any YAML file: standalone before the line, at the
/// end of it, inside a `command: |` block (a shell comment there), and file-level.
#[test]
fn circleci_suppressions() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join(".circleci")).unwrap();
    let config = "\
version: 2.1
jobs:
  test:
    docker:
      # paved:ignore image-latest-tag -- the convenience image is mirrored and pinned upstream
      - image: golang
      - image: cimg/postgres:latest  # paved:ignore image-latest-tag -- throwaway test database
    steps:
      - run: go test ./...  # paved:ignore go-test-timeout-missing -- the suite sets its own deadline
      - run:
          command: |
            # paved:ignore go-test-timeout-missing -- the harness kills it after 5m
            go test ./integration/...
            go test ./e2e/...
";
    fs::write(tmp.path().join(".circleci/config.yml"), config).unwrap();
    let v = json(&lint(tmp.path(), &["--fail-on", "never"]));
    let ci = ".circleci/config.yml";
    let e = |r: &str, l: u64, why: &str| (ci.to_string(), r.to_string(), l, why.to_string());
    assert_eq!(entries(&v, "findings"), [e("go-test-timeout-missing", 14, "-")]);
    assert_eq!(
        entries(&v, "suppressed"),
        [
            e("image-latest-tag", 6, "the convenience image is mirrored and pinned upstream"),
            e("image-latest-tag", 7, "throwaway test database"),
            e("go-test-timeout-missing", 9, "the suite sets its own deadline"),
            e("go-test-timeout-missing", 13, "the harness kills it after 5m"),
        ]
    );

    let file_level = format!("# paved:ignore-file go-test-timeout-missing -- legacy pipeline\n{config}");
    fs::write(tmp.path().join(".circleci/config.yml"), file_level).unwrap();
    let v = json(&lint(tmp.path(), &["--fail-on", "never"]));
    // The file-level suppression takes every go test, so the inline ones (a line lower now)
    // match nothing.
    assert_eq!(entries(&v, "findings"), [e("unused-suppression", 10, "-"), e("unused-suppression", 13, "-")]);
    assert_eq!(v["summary"]["suppressed"], 5, "{v}");
}

#[test]
fn file_level_and_annotation_suppressions() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("Makefile"), "# paved:ignore-file go-test-timeout-missing -- legacy targets\ntest:\n\tgo test ./...\nit:\n\tgo test ./it/...\n").unwrap();
    fs::write(
        tmp.path().join("pods.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  annotations:\n    ignore.paved.dev/image-latest-tag: \"debug pod, never deployed\"\n    ignore.paved.dev/privileged-container: \"\"\nspec:\n  containers:\n  - name: c\n    image: busybox\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\nspec:\n  containers:\n  - name: c\n    image: busybox\n",
    )
    .unwrap();
    let v = json(&lint(tmp.path(), &["--fail-on", "never"]));
    let sup = rules_lines(&v, "suppressed");
    assert!(
        sup.contains(&("go-test-timeout-missing".into(), 3)) && sup.contains(&("go-test-timeout-missing".into(), 5)),
        "{sup:?}"
    );
    assert!(sup.contains(&("image-latest-tag".into(), 11)), "{sup:?}");
    let found = rules_lines(&v, "findings");
    // The second pod is not covered by the first pod's annotation.
    assert!(found.contains(&("image-latest-tag".into(), 19)), "{found:?}");
    // An annotation without a reason is flagged, and one that matches nothing too.
    assert!(found.contains(&("suppression-without-reason".into(), 7)), "{found:?}");
    assert!(found.contains(&("unused-suppression".into(), 7)), "{found:?}");
    let kinds: Vec<&str> = v["suppressed"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"file") && kinds.contains(&"annotation"), "{kinds:?}");
}

#[test]
fn config_is_discovered_upwards_and_applied() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    fs::create_dir_all(root.join("svc/deploy/legacy")).unwrap();
    fs::create_dir_all(root.join("svc/testdata")).unwrap();
    fs::write(
        root.join(".paved.yaml"),
        "rules:\n  image-latest-tag: warning\n  dockerfile-user-root: off\nexclude: [svc/testdata/]\nignore:\n  - paths: [\"svc/deploy/legacy/**\"]\n    rules: [go-test-timeout-missing]\n    reason: scripts retired in Q3\nfail-on: warning\n",
    )
    .unwrap();
    fs::write(root.join("svc/Dockerfile"), "FROM alpine\n").unwrap();
    fs::write(root.join("svc/testdata/Dockerfile"), "FROM \n").unwrap();
    fs::write(root.join("svc/deploy/legacy/run.sh"), "go test ./...\n").unwrap();
    let svc = root.join("svc");
    let out = lint(&svc, &[]);
    let v = json(&out);
    // Severity override, disabled rule, excluded file (its parse error is gone), path ignore with reason.
    assert_eq!(v["findings"].as_array().unwrap().len(), 1, "{v:#}");
    assert_eq!(v["findings"][0]["rule"], "image-latest-tag");
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(v["suppressed"][0]["kind"], "config");
    assert_eq!(v["suppressed"][0]["reason"], "scripts retired in Q3");
    // fail-on: warning from the config; the command line wins over it.
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(lint(&svc, &["--fail-on", "error"]).status.code(), Some(0));
    // --no-config ignores it; --config names another one.
    let v = json(&lint(&svc, &["--no-config", "--fail-on", "never"]));
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "dockerfile-user-root"), "{v:#}");
    fs::write(root.join("other.yaml"), "rules:\n  image-latest-tag: off\n  dockerfile-user-root: off\n").unwrap();
    let out = lint(&svc, &["--config", "../other.yaml", "Dockerfile"]);
    assert_eq!(json(&out)["findings"], serde_json::json!([]), "{}", text(&out));
}

#[test]
fn config_errors_name_file_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    for (config, needle) in [
        ("rules:\n  image-latest-tag: warning\n  colour: blue\n", ".paved.yaml:3:3: unknown rule \"colour\""),
        ("fail_on: error\n", ".paved.yaml:1:1: unknown key `fail_on`"),
    ] {
        fs::write(tmp.path().join(".paved.yaml"), config).unwrap();
        let out = lint(tmp.path(), &[]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains(needle), "{}", text(&out));
    }
}

#[test]
fn baseline_round_trip_survives_shifted_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("Dockerfile"), "FROM alpine\nUSER 1\n").unwrap();
    let out = run(paved().current_dir(d).args(["lint", "--write-baseline", "baseline.json"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Lines shift and a new finding appears: only the new one is reported.
    fs::write(d.join("Dockerfile"), "# a comment\n\nFROM alpine\nFROM busybox\nUSER 1\n").unwrap();
    let out = lint(d, &["--baseline", "baseline.json"]);
    let v = json(&out);
    assert_eq!(rules_lines(&v, "findings"), [("image-latest-tag".to_string(), 4)], "{v:#}");
    assert_eq!(rules_lines(&v, "suppressed"), [("image-latest-tag".to_string(), 3)]);
    assert_eq!(v["suppressed"][0]["kind"], "baseline");
    assert_eq!(out.status.code(), Some(1));
    let out = lint(d, &["--baseline", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn custom_policies_example_runs_and_lints() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run(paved().current_dir(root).args(["policy", "test", "examples/policies"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("PASS: 2/2"), "{}", text(&out));
    let out = run(paved().current_dir(root).args(["policy", "test"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v = json(&lint(root, &["--policy", "examples/policies", "tests/fixtures/repos/service/deploy"]));
    assert!(
        v["findings"].as_array().unwrap().iter().any(|f| f["rule"] == "team-label-missing" && f["line"] == 12),
        "{v:#}"
    );
}

const META: &str = "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: my-rule\n#   severity: error\n#   rationale: r\n#   fix: f\npackage paved.rules.my_rule\n\nimport rego.v1\n\n";

#[test]
fn failing_broken_and_runaway_policies() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::create_dir_all(d.join("failing")).unwrap();
    fs::write(
        d.join("failing/r.rego"),
        format!("{META}findings contains {{\"msg\": \"x\"}} if input.kind == \"dockerfile\"\n"),
    )
    .unwrap();
    fs::write(
        d.join("failing/r_test.rego"),
        "package paved.rules.my_rule_test\n\nimport rego.v1\n\ntest_never if {\n\tcount(data.paved.rules.my_rule.findings) == 5 with input as {\"kind\": \"dockerfile\"}\n}\n\ntest_ok if {\n\tcount(data.paved.rules.my_rule.findings) == 0 with input as {\"kind\": \"x\"}\n}\n",
    )
    .unwrap();
    let out = run(paved().current_dir(d).args(["policy", "test", "failing"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("FAIL: failing/r_test.rego: data.paved.rules.my_rule_test.test_never"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("PASS: 1/2"), "{}", text(&out));

    fs::create_dir_all(d.join("broken")).unwrap();
    fs::write(
        d.join("broken/r.rego"),
        format!("{META}findings contains f if {{\n\tf := {{\"msg\": sprintf(\"x\", [1)}}\n}}\n"),
    )
    .unwrap();
    fs::write(d.join("Dockerfile"), "FROM alpine:3.20\nUSER 1\n").unwrap();
    for args in [&["policy", "test", "broken"][..], &["lint", "--policy", "broken"][..]] {
        let out = run(paved().current_dir(d).args(args));
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
        assert!(text(&out).contains("broken/r.rego:14:"), "{args:?}: {}", text(&out));
    }

    // A policy that would run for minutes is stopped, reported, and exits 2.
    fs::create_dir_all(d.join("slow")).unwrap();
    fs::write(
        d.join("slow/r.rego"),
        format!("{META}findings contains {{\"msg\": \"slow\"}} if {{\n\tcount([x | some x in numbers.range(1, 100000000); x % 7 == 3]) > 0\n}}\n"),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let out = run(paved().current_dir(d).args(["lint", "--policy", "slow", "Dockerfile"]));
    assert!(start.elapsed().as_secs() < 60, "a runaway policy was not bounded: {:?}", start.elapsed());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("policy evaluation failed"), "{}", text(&out));
}

/// `paved lint` as of `today` (`PAVED_TODAY`, the injectable clock).
fn lint_on(dir: &Path, today: &str, args: &[&str]) -> Output {
    run(paved().current_dir(dir).env("PAVED_TODAY", today).arg("lint").args(["--format", "json"]).args(args))
}

#[test]
fn suppressions_expire_the_day_after_their_date() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(
        d.join("Makefile"),
        "test:\n\t# paved:ignore go-test-timeout-missing -- the suite is being split (until 2026-12-01)\n\tgo test ./...\n",
    )
    .unwrap();
    fs::write(d.join("deploy.yaml"), "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    ignore.paved.dev/image-latest-tag: \"mirror, pinned upstream (until 2026-12-01)\"\nspec:\n  containers:\n    - name: c\n      image: nginx\n").unwrap();
    fs::write(
        d.join(".paved.yaml"),
        "ignore:\n  - paths: [deploy.yaml]\n    rules: [run-as-non-root]\n    reason: legacy pod\n    expires: 2026-12-01\n",
    )
    .unwrap();
    // Dated tomorrow (or today): still suppressed.
    for today in ["2026-11-30", "2026-12-01"] {
        let v = json(&lint_on(d, today, &[]));
        let found = rules_lines(&v, "findings");
        assert!(!found.iter().any(|(r, _)| r == "expired-suppression"), "{today}: {found:?}");
        let suppressed: Vec<String> = rules_lines(&v, "suppressed").into_iter().map(|(r, _)| r).collect();
        for rule in ["go-test-timeout-missing", "image-latest-tag", "run-as-non-root"] {
            assert!(suppressed.iter().any(|r| r == rule), "{today}: {rule} not suppressed: {suppressed:?}");
        }
    }
    // Dated yesterday: nothing suppressed, and each suppression says it expired.
    let out = lint_on(d, "2026-12-02", &[]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let found = rules_lines(&v, "findings");
    for (rule, line) in [("go-test-timeout-missing", 3), ("expired-suppression", 2)] {
        assert!(found.contains(&(rule.to_string(), line)), "no {rule} at {line}: {found:?}");
    }
    for rule in ["image-latest-tag", "run-as-non-root"] {
        assert!(found.iter().any(|(r, _)| r == rule), "{rule} should be reported again: {found:?}");
    }
    let expired: Vec<&Value> =
        v["findings"].as_array().unwrap().iter().filter(|f| f["rule"] == "expired-suppression").collect();
    assert_eq!(expired.len(), 3, "{expired:#?}");
    assert!(
        expired
            .iter()
            .any(|f| f["path"] == ".paved.yaml" && f["message"].as_str().unwrap().contains("expired on 2026-12-01"))
    );
    assert!(expired.iter().any(|f| f["path"] == "deploy.yaml" && f["line"] == 6));
    // A config date that is not a date is a config error.
    fs::write(
        d.join(".paved.yaml"),
        "ignore:\n  - paths: [x]\n    rules: [run-as-non-root]\n    expires: next spring\n",
    )
    .unwrap();
    let out = lint_on(d, "2026-12-02", &[]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("expires: \"next spring\" is not a date (YYYY-MM-DD)"), "{}", text(&out));
}

#[test]
fn forbid_inline_suppressions_leaves_them_to_the_config() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(
        d.join("Makefile"),
        "test:\n\t# paved:ignore go-test-timeout-missing -- I know better\n\tgo test ./...\n",
    )
    .unwrap();
    fs::write(d.join(".paved.yaml"), "forbid-inline-suppressions: [go-test-timeout-missing]\n").unwrap();
    let out = lint_on(d, "2026-12-02", &[]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let found = rules_lines(&v, "findings");
    assert_eq!(found, [("forbidden-suppression".to_string(), 2), ("go-test-timeout-missing".to_string(), 3)]);
    assert_eq!(v["findings"][0]["severity"], "error");
    // The config itself may still suppress it.
    fs::write(
        d.join(".paved.yaml"),
        "forbid-inline-suppressions: [go-test-timeout-missing]\nignore:\n  - paths: [Makefile]\n    rules: [go-test-timeout-missing]\n    reason: split in Q1\n",
    )
    .unwrap();
    let v = json(&lint_on(d, "2026-12-02", &[]));
    assert_eq!(rules_lines(&v, "findings"), [("forbidden-suppression".to_string(), 2)]);
    assert_eq!(rules_lines(&v, "suppressed"), [("go-test-timeout-missing".to_string(), 3)]);
    // An unknown rule in the list is a config error.
    fs::write(d.join(".paved.yaml"), "forbid-inline-suppressions: [no-such-rule]\n").unwrap();
    assert_eq!(lint_on(d, "2026-12-02", &[]).status.code(), Some(2));
}

#[test]
fn baselines_keep_what_still_matches_and_sarif_says_new_or_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    fs::write(d.join("Makefile"), "a:\n\tgo test ./a\nb:\n\tgo test ./b\n").unwrap();
    let out = run(paved().current_dir(d).args(["lint", "--no-config", "--write-baseline", "base.json"]));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("wrote 2 findings to the baseline base.json"),
        "{}",
        text(&out)
    );
    // One recorded finding is fixed, one new appears.
    fs::write(d.join("Makefile"), "b:\n\tgo test ./b\nc:\n\tgo test ./c\n").unwrap();
    let out = run(paved().current_dir(d).args(["lint", "--no-config", "--baseline", "base.json", "--format", "sarif"]));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let states: Vec<(String, String)> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["message"]["text"].as_str().unwrap().to_string(), r["baselineState"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(states.len(), 2, "{states:?}");
    assert!(states[0].0.contains("./b") && states[0].1 == "unchanged", "{states:?}");
    assert!(states[1].0.contains("./c") && states[1].1 == "new", "{states:?}");
    // Re-recording over the old baseline keeps the matched finding, adds the new one, and says
    // how many old entries were dropped.
    let out = run(paved().current_dir(d).args([
        "lint",
        "--no-config",
        "--baseline",
        "base.json",
        "--write-baseline",
        "base.json",
    ]));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wrote 2 findings to the baseline base.json; dropped 1 that no longer match"), "{err}");
    let base: Value = serde_json::from_str(&fs::read_to_string(d.join("base.json")).unwrap()).unwrap();
    let messages: Vec<&str> =
        base["findings"].as_array().unwrap().iter().map(|e| e["message"].as_str().unwrap()).collect();
    assert!(messages.len() == 2 && messages[0].contains("./b") && messages[1].contains("./c"), "{messages:?}");
    let out = run(paved().current_dir(d).args(["lint", "--no-config", "--baseline", "base.json"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}
