//! Shared helpers for the integration tests: run the paved binary, generate projects into
//! temporary directories, and find the external tools used as test oracles.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn paved() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paved"));
    cmd.env("NO_COLOR", "1").env_remove("PAVED_TEST_FAIL_AFTER");
    cmd
}

/// The paved binary as an unprivileged user: as root (CI), run as `nobody` through `setpriv`,
/// since root ignores permission bits.
pub fn paved_unprivileged() -> Command {
    if is_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_paved")]);
        c.env("NO_COLOR", "1").env_remove("PAVED_TEST_FAIL_AFTER");
        c
    } else {
        paved()
    }
}

/// `paved lint --no-config --format json ARGS` run in `dir`, parsed (exit 0 or 1 expected).
pub fn lint_json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out = run(paved().current_dir(dir).args(["lint", "--no-config", "--format", "json"]).args(args));
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(&out)))
}

/// A (rule, path, line, column) tuple as [`located`] gives them.
pub fn at(rule: &str, path: &str, line: u64, col: u64) -> (String, String, u64, u64) {
    (rule.to_string(), path.to_string(), line, col)
}

/// (rule, path, line, column) of each finding in `findings` (a JSON report's `findings` or
/// `suppressed` array), column 0 when absent.
pub fn located(findings: &serde_json::Value) -> Vec<(String, String, u64, u64)> {
    findings
        .as_array()
        .expect("an array of findings")
        .iter()
        .map(|f| {
            let f = if f["finding"].is_object() { &f["finding"] } else { f };
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["path"].as_str().unwrap_or_default().to_string(),
                f["line"].as_u64().unwrap_or(0),
                f["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Runs `paved new NAME --yes <extra>` into `<tmp>/NAME` and returns the project dir.
pub fn generate(tmp: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let dir = tmp.join(name);
    let out = paved()
        .args(["new", name, "--yes", "--dir"])
        .arg(&dir)
        .args(extra)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run paved");
    assert!(out.status.success(), "paved new failed: {}", String::from_utf8_lossy(&out.stderr));
    dir
}

/// Every file below `dir`, keyed by its `/`-separated relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read_to_string(&p).unwrap());
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Finds an oracle tool on PATH (scripts/setup-test-tools.sh installs them; scripts/test.sh
/// puts them on PATH). Under CI a missing tool fails the test; locally the test is skipped
/// with a note, so a developer without the tools can still run the rest.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .and_then(|paths| std::env::split_paths(&paths).map(|p| p.join(name)).find(|p| p.is_file()));
    if found.is_none() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{name} is not on PATH; run scripts/setup-test-tools.sh (CI must never skip this test)");
        }
        eprintln!("skipping: {name} is not on PATH (run scripts/test.sh to install the test tools)");
    }
    found
}

/// The Python of the test-tools venv (it has helm_python), if the tools are set up.
pub fn oracle_python() -> Option<PathBuf> {
    let python = std::env::var_os("PAVED_TOOLS").map(|t| PathBuf::from(t).join("venv/bin/python"));
    match python {
        Some(p) if p.is_file() => Some(p),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("PAVED_TOOLS is not set up; run scripts/setup-test-tools.sh (CI must never skip this test)");
            }
            eprintln!("skipping: PAVED_TOOLS venv not found (run scripts/test.sh)");
            None
        }
    }
}

pub fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

/// Snapshot settings: every insta snapshot lives in the top-level `snapshots/`.
pub fn snapshot_settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// Whether the tests run as root (permission bits do not bind root).
pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| o.stdout.trim_ascii() == b"0").unwrap_or(false)
}

/// The corpus of whole Go repositories (`../shared/corpus/gorepos`), beside this checkout as
/// CI lays it out; `None` (a skip) only outside CI.
pub fn gorepos() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/gorepos");
    if dir.is_dir() {
        return Some(dir);
    }
    assert!(std::env::var_os("CI").is_none(), "{} is missing", dir.display());
    eprintln!("skipping: {} not found", dir.display());
    None
}

/// The ids of the checks checkov fails on `file` (one framework).
pub fn checkov_failed(checkov: &Path, framework: &str, file: &Path) -> Vec<String> {
    let out = run(std::process::Command::new(checkov)
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
