//! `paved lint --fix`, `--diff`, `--unsafe-fixes`: what is written, what is not, and the
//! guarantees around it (verification by linting again, atomic writes, no symlinks, nothing
//! outside the roots, suppressed findings untouched, a second run a no-op).

mod common;

use std::fs;
use std::path::Path;

use common::{paved, run, text};
use serde_json::Value;

fn write(dir: &Path, rel: &str, content: &str) {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, content).unwrap();
}

fn lint(dir: &Path, args: &[&str]) -> std::process::Output {
    run(paved().current_dir(dir).args(["lint", "--no-config"]).args(args))
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(out)))
}

const MAKEFILE: &str = "GO ?= go\n\n# the tests\ntest:\n\t$(GO) test -race ./...\n\tgo vet ./...\n";

#[test]
fn fix_writes_the_safe_fix_and_a_second_run_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Makefile", MAKEFILE);
    let out = lint(d, &["--fix", "--show-fixes"]);
    assert_eq!(out.status.code(), Some(0), "nothing is left: {}", text(&out));
    assert_eq!(
        fs::read_to_string(d.join("Makefile")).unwrap(),
        "GO ?= go\n\n# the tests\ntest:\n\t$(GO) test -timeout 120s -race ./...\n\tgo vet ./...\n"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fixed Makefile:5: go-test-timeout-missing add `-timeout 120s`"), "{err}");
    assert!(err.contains("Fixed 1 finding in 1 file (1 pass)."), "{err}");
    let again = lint(d, &["--fix"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("Fixed 0 findings in 0 files"), "{}", text(&again));
    assert_eq!(fs::read_to_string(d.join("Makefile")).unwrap().matches("-timeout").count(), 1);
}

#[test]
fn diff_prints_the_patch_writes_nothing_and_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Makefile", MAKEFILE);
    let out = lint(d, &["--diff"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "--- a/Makefile\n+++ b/Makefile\n@@ -2,5 +2,5 @@\n \n # the tests\n test:\n-\t$(GO) test -race ./...\n+\t$(GO) test -timeout 120s -race ./...\n \tgo vet ./...\n"
    );
    assert_eq!(fs::read_to_string(d.join("Makefile")).unwrap(), MAKEFILE, "--diff wrote");
    // The patch applies with `patch -p1` and gives what --fix writes.
    let patched = tempfile::tempdir().unwrap();
    write(patched.path(), "Makefile", MAKEFILE);
    let mut p = std::process::Command::new("patch");
    p.current_dir(patched.path()).args(["-p1", "--quiet"]).stdin(std::process::Stdio::piped());
    if let Ok(mut child) = p.spawn() {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&out.stdout).unwrap();
        assert!(child.wait().unwrap().success());
        lint(d, &["--fix"]);
        assert_eq!(
            fs::read_to_string(patched.path().join("Makefile")).unwrap(),
            fs::read_to_string(d.join("Makefile")).unwrap()
        );
    }
    // Nothing to fix: exit 0 and an empty diff.
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "Makefile", "test:\n\tgo test -timeout 30s ./...\n");
    let out = lint(clean.path(), &["--diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(out.stdout.is_empty());
}

#[test]
fn human_output_marks_fixable_findings_and_counts_them() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Makefile", MAKEFILE);
    let out = lint(d, &[]);
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("Makefile:5:2: error[go-test-timeout-missing] [*] `go test -race ./...`"), "{s}");
    assert!(s.contains("= fix: add `-timeout 120s` to the `go test` command (--fix)"), "{s}");
    assert!(s.contains("1 fixable with --fix."), "{s}");
    // JSON carries the edit: path, byte range, line/column range and the replacement.
    let v = json(&lint(d, &["--format", "json"]));
    let edit = &v["findings"][0]["fix"]["edits"][0];
    assert_eq!(v["findings"][0]["fix"]["applicability"], "safe");
    assert_eq!(
        (edit["path"].as_str(), edit["start"].as_u64(), edit["end"].as_u64()),
        (Some("Makefile"), Some(39), Some(39))
    );
    assert_eq!((edit["start_line"].as_u64(), edit["start_column"].as_u64()), (Some(5), Some(12)));
    assert_eq!(edit["replacement"], " -timeout 120s");
    assert_eq!(v["summary"]["fixable"]["safe"], 1);
}

#[test]
fn suppressed_findings_are_not_fixed() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let text_ =
        "test:\n\t# paved:ignore go-test-timeout-missing -- integration tests take 20 minutes\n\tgo test ./...\n";
    write(d, "Makefile", text_);
    lint(d, &["--fix"]);
    assert_eq!(fs::read_to_string(d.join("Makefile")).unwrap(), text_);
}

#[test]
fn a_fix_that_adds_a_finding_is_not_written_and_says_why() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Makefile", MAKEFILE);
    // A custom policy that bans exactly the timeout the fix writes.
    write(
        d,
        "policies/no_120s.rego",
        "# METADATA\n# title: t\n# description: d\n# custom:\n#   id: no-two-minute-timeouts\n#   severity: error\n#   rationale: r\n#   fix: f\n\
         package paved.rules.no_two_minute_timeouts\n\nimport rego.v1\n\n\
         findings contains f if {\n\tsome i, c in input.commands\n\tsome a in c.argv\n\ta == \"120s\"\n\
         \tf := {\"msg\": \"120s is too short here\", \"pointer\": sprintf(\"/commands/%d\", [i])}\n}\n",
    );
    let out = lint(d, &["--fix", "--policy", "policies", "Makefile"]);
    assert_eq!(fs::read_to_string(d.join("Makefile")).unwrap(), MAKEFILE, "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not fixed Makefile:5: go-test-timeout-missing: not applied: the fix would leave or add a `no-two-minute-timeouts` finding in Makefile"),
        "{err}"
    );
    assert_eq!(out.status.code(), Some(1), "the finding stays: {}", text(&out));
}

#[test]
fn never_writes_through_a_symlink_or_outside_the_roots() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "real/Makefile", MAKEFILE);
    fs::create_dir_all(d.join("repo")).unwrap();
    std::os::unix::fs::symlink(d.join("real/Makefile"), d.join("repo/Makefile")).unwrap();
    let out = lint(d, &["--fix", "repo"]);
    assert_eq!(fs::read_to_string(d.join("real/Makefile")).unwrap(), MAKEFILE, "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    // The walk does not follow symlinked files; if it did, the fix would refuse to write.
    assert!(!err.contains("Fixed 1"), "{err}");
    // Named on the command line, the symlink is linted, and the fix refuses to write through it.
    let out = lint(d, &["--fix", "repo/Makefile"]);
    assert_eq!(fs::read_to_string(d.join("real/Makefile")).unwrap(), MAKEFILE, "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not fixed repo/Makefile:5: go-test-timeout-missing: a symlink: fixes never write through one"),
        "{err}"
    );
}

#[test]
fn keeps_crlf_tabs_heredocs_and_every_other_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let workflow = "name: ci\r\non: push\r\npermissions:\r\n  contents: read\r\njobs:\r\n  test:\r\n    runs-on: ubuntu-24.04\r\n    steps:\r\n      # run them all\r\n      - run: |\r\n          echo 'start'   # a comment\r\n          go test ./...\r\n";
    let dockerfile = "# syntax=docker/dockerfile:1\nFROM golang:1.26.0 AS test\nRUN <<EOF\nset -e\ngo test ./...\nEOF\nRUN go test -run 'Test[A-Z]' ./... \\\n    && echo done\n";
    write(d, ".github/workflows/ci.yml", workflow);
    write(d, "Dockerfile", dockerfile);
    write(d, "Makefile", "test:\n\t@echo \"unit\"\n\t\tgo test ./...   # two tabs\n");
    lint(d, &["--fix"]);
    let after = fs::read_to_string(d.join(".github/workflows/ci.yml")).unwrap();
    assert_eq!(after, workflow.replace("go test ./...", "go test -timeout 120s ./..."));
    let after = fs::read_to_string(d.join("Dockerfile")).unwrap();
    let changed: Vec<(&str, &str)> = dockerfile.lines().zip(after.lines()).filter(|(a, b)| a != b).collect();
    assert_eq!(after.lines().count(), dockerfile.lines().count());
    assert!(changed.iter().all(|(a, b)| b.replace(" -timeout 120s", "") == *a), "{changed:?}");
    let after = fs::read_to_string(d.join("Makefile")).unwrap();
    assert_eq!(after, "test:\n\t@echo \"unit\"\n\t\tgo test -timeout 120s ./...   # two tabs\n");
}

/// Every line of `before` is in `after`, in order (lines were only added), except those
/// `edited` allows to change in place.
fn only_added(before: &str, after: &str, edited: &dyn Fn(&str, &str) -> bool) -> Result<(), String> {
    let mut it = after.split_inclusive('\n');
    for line in before.split_inclusive('\n') {
        if !it.any(|l| l == line || edited(line, l)) {
            return Err(format!("line {line:?} is gone or changed"));
        }
    }
    Ok(())
}

#[test]
fn yaml_comments_flow_and_block_styles_quotes_and_crlf_survive_every_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let manifest = "# The web tier.  Owned by team-web.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: 'web'            # quoted on purpose
  labels: {app: web, tier: \"front\"}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      # the only container
      - name: web
        image: \"ghcr.io/acme/web:1.4.2\"   # pinned by renovate
        args: [\"--port\", \"8080\"]
        resources:
          limits: {memory: \"256Mi\"}
        securityContext: {}
        env:
        - name: MODE
          value: >-
            fast
            and safe
"
    .replace('\n', "\r\n");
    let manifest = manifest.as_str();
    write(d, "deploy/web.yaml", manifest);
    let out = lint(d, &["--fix", "--unsafe-fixes"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("not fixed"), "{}", text(&out));
    let after = fs::read_to_string(d.join("deploy/web.yaml")).unwrap();
    assert_ne!(after, manifest, "nothing was fixed");
    // `securityContext: {}` becomes a block: that line alone changes in place.
    only_added(manifest, &after, &|a, b| a.trim() == "securityContext: {}" && b.trim() == "securityContext:")
        .unwrap_or_else(|e| panic!("{e}:\n{after}"));
    // CRLF everywhere, including the inserted lines.
    assert!(after.split_inclusive('\n').all(|l| l.ends_with("\r\n")), "a line lost its CRLF:\n{after:?}");
    assert!(!after.contains('\t'));
    // Still the same document, plus the fixes.
    let docs = paved::parse::yaml::parse_stream(&after, &paved::parse::yaml::Limits::default()).expect("parses");
    let root = docs[0].root.to_json();
    let c = &root["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "ghcr.io/acme/web:1.4.2");
    assert_eq!(c["env"].as_array().unwrap().last().unwrap()["value"], "fast and safe");
    assert_eq!(root["metadata"]["labels"]["tier"], "front");
    assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
}

#[test]
fn statistics_count_findings_and_fixes_per_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "Makefile", "test:\n\tgo test ./a\n\tgo test ./b\n\tcurl -s https://x.example/i.sh | sh\n");
    let out = lint(d, &["--statistics"]);
    assert_eq!(out.status.code(), Some(1), "the exit code is the lint's");
    let s = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = s.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["count", "rule", "severity", "fixable", "(safe,", "unsafe)"]
    );
    assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["2", "go-test-timeout-missing", "error", "2,", "0"]);
    assert_eq!(lines[2].split_whitespace().collect::<Vec<_>>(), ["1", "remote-script-piped-to-shell", "error"]);
    assert!(lines[3].contains("3  findings of 2 rules; 2 fixable with --fix, 0 more with --unsafe-fixes"), "{s}");
    let v = json(&lint(d, &["--statistics", "--format", "json"]));
    assert_eq!(v[0]["rule"], "go-test-timeout-missing");
    assert_eq!((v[0]["count"].as_u64(), v[0]["fixable"]["safe"].as_u64()), (Some(2), Some(2)));
    assert_eq!(v.as_array().unwrap().len(), 2);
}
