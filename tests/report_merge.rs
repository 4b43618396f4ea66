//! `paved report merge`, played as a CI matrix runs it: one `paved lint --format json` process
//! per repository of `../shared/corpus/gorepos/` (all at once), then one merge. The merged
//! findings are exactly the per-repository findings, each naming its repository; the merge is
//! the same whatever the order of its inputs; results of another schema version are refused.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{gorepos, paved, run, text};
use serde_json::Value;

type Key = (String, String, String, u64, u64, String);

fn keys(findings: &Value, repo: Option<&str>) -> BTreeSet<Key> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                repo.map(str::to_string).unwrap_or_else(|| f["repository"].as_str().unwrap().to_string()),
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const REPOS: [&str; 4] = ["go-build-template", "metrics-server", "podinfo", "source-controller"];

#[test]
fn a_matrix_of_lints_merges_into_their_union() {
    let Some(root) = gorepos() else { return };
    let out = tempfile::tempdir().unwrap();
    // The matrix: every repository at once, each in its own process.
    let children: Vec<_> = REPOS
        .iter()
        .map(|r| {
            paved()
                .current_dir(&root)
                .args(["lint", r, "--no-config", "--format", "json", "--repo-name", &format!("acme/{r}"), "--output"])
                .arg(out.path().join(format!("{r}.json")))
                .stdout(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(matches!(c.wait().unwrap().code(), Some(0 | 1)));
    }
    let files: Vec<_> = REPOS.iter().map(|r| out.path().join(format!("{r}.json"))).collect();
    let merged = run(paved().arg("report").arg("merge").args(&files));
    assert_eq!(merged.status.code(), Some(0), "{}", text(&merged));
    let m: Value = serde_json::from_slice(&merged.stdout).unwrap();

    // One by one, each result's findings under its repository's name.
    let mut expected = BTreeSet::new();
    let mut total = 0;
    for (r, f) in REPOS.iter().zip(&files) {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        assert_eq!(v["repository"]["name"], format!("acme/{r}"));
        assert_eq!(v["repository"]["root"], *r);
        total += v["findings"].as_array().unwrap().len();
        expected.extend(keys(&v["findings"], Some(&format!("acme/{r}"))));
    }
    assert_eq!(keys(&m["findings"], None), expected);
    assert_eq!(m["findings"].as_array().unwrap().len(), total, "no finding lost or doubled");
    assert_eq!(m["summary"]["findings"].as_u64(), Some(total as u64));
    assert_eq!(m["summary"]["repositories"], 4);
    let names: Vec<&str> = m["repositories"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, REPOS.iter().map(|r| format!("acme/{r}")).collect::<Vec<_>>());

    // The merge by hand (the library over the same files) and in another order: the same bytes.
    let reversed: Vec<_> = files.iter().rev().cloned().collect();
    let again =
        run(paved().arg("report").arg("merge").args(&reversed).arg("--output").arg(out.path().join("all.json")));
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(std::fs::read(out.path().join("all.json")).unwrap(), merged.stdout);
    let inputs: Vec<paved::report::merge::Input> = files
        .iter()
        .map(|f| paved::report::merge::Input {
            file: f.display().to_string(),
            doc: serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap(),
        })
        .collect();
    assert_eq!(paved::report::merge::merge(&inputs).unwrap(), m);

    // As SARIF: one run per repository, valid against SARIF 2.1.0.
    let out = run(paved().arg("report").arg("merge").args(&files).args(["--format", "sarif"]));
    assert!(out.status.success(), "{}", text(&out));
    let log: Value = serde_json::from_slice(&out.stdout).unwrap();
    let runs = log["runs"].as_array().unwrap();
    let ids: Vec<&str> = runs.iter().map(|r| r["automationDetails"]["id"].as_str().unwrap()).collect();
    assert_eq!(ids, REPOS.iter().map(|r| format!("paved/acme/{r}/")).collect::<Vec<_>>());
    let results: usize = runs
        .iter()
        .map(|r| r["results"].as_array().unwrap().iter().filter(|x| x["suppressions"].is_null()).count())
        .sum();
    assert_eq!(results, total);
    let schema_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::options().build(&schema).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(&log).take(5).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // The same merge as one page, grouped by repository.
    let page = run(paved().arg("report").arg("merge").args(&files).args(["--format", "html"]));
    assert!(page.status.success(), "{}", text(&page));
    let html = String::from_utf8_lossy(&page.stdout);
    assert!(html.contains(&format!("data-total=\"findings\">{total}<")), "the page's total");
    assert!(html.contains("Findings by repository") && html.contains("<title>paved audit: 4 repositories</title>"));
    for r in REPOS {
        assert!(html.contains(&format!("<td>acme/{r}</td>")), "no row of acme/{r}");
    }
}

#[test]
fn results_of_another_schema_version_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::write(d.join("Makefile"), "t:\n\tgo test ./...\n").unwrap();
    let out = run(paved().current_dir(d).args(["lint", "--no-config", "--format", "json", "--output", "new.json"]));
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let mut old: Value = serde_json::from_str(&std::fs::read_to_string(d.join("new.json")).unwrap()).unwrap();
    old["version"] = 2.into();
    std::fs::write(d.join("old.json"), old.to_string()).unwrap();
    let out = run(paved().current_dir(d).args(["report", "merge", "new.json", "old.json"]));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("old.json: schema version 2, but this paved reads version 1"), "{}", text(&out));
    assert!(Path::new(&d.join("new.json")).is_file());
    // Not JSON at all: also exit 2, naming the file.
    std::fs::write(d.join("junk.json"), "<html>").unwrap();
    let out = run(Command::new(env!("CARGO_BIN_EXE_paved")).current_dir(d).args(["report", "merge", "junk.json"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("junk.json: not a `paved lint --format json` result (not JSON)"), "{}", text(&out));
}

/// The audit examples (`examples/audit/`) lint clean with paved, laid out as a repository would
/// hold them, and with actionlint (a test tool); with kube-linter too when it is on PATH (a
/// benchmark peer, built by bench/setup-peers.sh, not a test tool).
#[test]
fn the_audit_examples_lint_clean() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/audit");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir_all(d.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(d.join("deploy")).unwrap();
    std::fs::copy(examples.join("github-matrix.yml"), d.join(".github/workflows/audit.yml")).unwrap();
    std::fs::copy(examples.join("k8s-indexed-job.yaml"), d.join("deploy/audit.yaml")).unwrap();
    let out = run(paved().current_dir(d).args(["lint", "--no-config", "--format", "json"]));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["files"], 2, "both files are linted as what they are");
    assert_eq!(v["findings"].as_array().unwrap().len(), 0, "{v:#}");
    if let Some(actionlint) = common::require_tool("actionlint") {
        let out = run(Command::new(actionlint).current_dir(d).arg(".github/workflows/audit.yml"));
        assert!(out.status.success(), "actionlint: {}", text(&out));
    }
    let kube_linter = std::env::var_os("PATH")
        .and_then(|p| std::env::split_paths(&p).map(|d| d.join("kube-linter")).find(|p| p.is_file()));
    match kube_linter {
        Some(k) => {
            let out = run(Command::new(k).args(["lint"]).arg(d.join("deploy/audit.yaml")));
            assert!(out.status.success(), "kube-linter: {}", text(&out));
        }
        None => eprintln!(
            "kube-linter not on PATH (a benchmark peer: bench/setup-peers.sh); checked with paved and actionlint only"
        ),
    }
}
