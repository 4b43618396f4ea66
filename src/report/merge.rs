//! `paved report merge`: one report over the `paved lint --format json` results of many
//! repositories (a CI matrix, a Kubernetes Indexed Job, a loop over an organisation). Each
//! result names its repository (`repository.name`, from `--repo-name` or the work tree); the
//! merged findings carry it, ordered by repository, path, line, column and rule, so the same
//! inputs in any order give the same bytes. Results of another schema version are refused.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde_json::{Value, json};

/// The JSON schema version this paved writes and reads.
pub const VERSION: u64 = 1;

/// One input: where it came from (for messages) and its parsed JSON.
pub struct Input {
    pub file: String,
    pub doc: Value,
}

fn name_of(input: &Input) -> String {
    input.doc["repository"]["name"].as_str().map(str::to_string).unwrap_or_else(|| {
        std::path::Path::new(&input.file).file_stem().map_or(input.file.clone(), |s| s.to_string_lossy().into_owned())
    })
}

fn sort_key(f: &Value) -> (String, String, u64, u64, String, String) {
    (
        f["repository"].as_str().unwrap_or_default().to_string(),
        f["path"].as_str().unwrap_or_default().to_string(),
        f["line"].as_u64().unwrap_or(0),
        f["column"].as_u64().unwrap_or(0),
        f["rule"].as_str().unwrap_or_default().to_string(),
        f["message"].as_str().unwrap_or_default().to_string(),
    )
}

/// Checks every input is a paved result of this schema version.
pub fn check(inputs: &[Input]) -> Result<()> {
    for i in inputs {
        match i.doc["version"].as_u64() {
            Some(VERSION) if i.doc["findings"].is_array() => {}
            Some(VERSION) => bail!("{}: not a `paved lint --format json` result (no findings list)", i.file),
            Some(v) => bail!(
                "{}: schema version {v}, but this paved reads version {VERSION}: lint that repository again with this paved",
                i.file
            ),
            None => bail!("{}: not a `paved lint --format json` result (no version)", i.file),
        }
    }
    Ok(())
}

/// The merged JSON report.
pub fn merge(inputs: &[Input]) -> Result<Value> {
    check(inputs)?;
    let mut findings = Vec::new();
    let mut suppressed = Vec::new();
    let mut repositories: BTreeMap<String, Value> = BTreeMap::new();
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    let (mut safe, mut unsafe_) = (0, 0);
    for i in inputs {
        let name = name_of(i);
        let tag = |list: &Value, out: &mut Vec<Value>| {
            for f in list.as_array().into_iter().flatten() {
                let mut f = f.clone();
                f["repository"] = json!(name);
                out.push(f);
            }
        };
        tag(&i.doc["findings"], &mut findings);
        tag(&i.doc["suppressed"], &mut suppressed);
        let summary = &i.doc["summary"];
        for key in ["files", "findings", "suppressed", "errors"] {
            *totals.entry(key).or_default() += summary[key].as_u64().unwrap_or(0);
        }
        safe += summary["fixable"]["safe"].as_u64().unwrap_or(0);
        unsafe_ += summary["fixable"]["unsafe"].as_u64().unwrap_or(0);
        let mut repo = i.doc["repository"].clone();
        if !repo.is_object() {
            repo = json!({"name": name});
        }
        repo["summary"] = summary.clone();
        repo["result"] = json!(i.file);
        // The same repository twice (two roots of one repository): one entry, summed.
        match repositories.get_mut(&name) {
            Some(existing) => {
                for key in ["files", "findings", "suppressed", "errors"] {
                    let n = existing["summary"][key].as_u64().unwrap_or(0) + summary[key].as_u64().unwrap_or(0);
                    existing["summary"][key] = json!(n);
                }
            }
            None => {
                repositories.insert(name, repo);
            }
        }
    }
    findings.sort_by_key(sort_key);
    suppressed.sort_by_key(sort_key);
    let mut summary = json!({"repositories": repositories.len(), "fixable": {"safe": safe, "unsafe": unsafe_}});
    for (k, v) in totals {
        summary[k] = json!(v);
    }
    Ok(json!({
        "version": VERSION,
        "merged": true,
        "repositories": repositories.into_values().collect::<Vec<_>>(),
        "findings": findings,
        "suppressed": suppressed,
        "summary": summary,
    }))
}

/// A lint report rebuilt from one result of a merge (what SARIF needs: findings, suppressed
/// findings and the rule catalogue; no source lines, which results do not carry).
pub(crate) fn report_of(doc: &Value, repository: &str, rules: &[crate::lint::policy::RuleMeta]) -> crate::lint::Report {
    use crate::lint::finding::{FailOn, Finding, Severity, Suppressed, SuppressionKind};
    let finding = |f: &Value| Finding {
        rule: f["rule"].as_str().unwrap_or_default().to_string(),
        severity: Severity::parse(f["severity"].as_str().unwrap_or("error")).unwrap_or(Severity::Error),
        path: f["path"].as_str().unwrap_or_default().to_string(),
        line: f["line"].as_u64().unwrap_or(1) as u32,
        column: f["column"].as_u64().map(|c| c as u32),
        message: f["message"].as_str().unwrap_or_default().to_string(),
        help: f["help"].as_str().unwrap_or_default().to_string(),
        fix: None,
        hint: None,
    };
    let kind = |k: &str| match k {
        "inline" => SuppressionKind::Inline,
        "file" => SuppressionKind::File,
        "annotation" => SuppressionKind::Annotation,
        "baseline" => SuppressionKind::Baseline,
        _ => SuppressionKind::Config,
    };
    let mine = |list: &Value| -> Vec<Value> {
        list.as_array().into_iter().flatten().filter(|f| f["repository"] == repository).cloned().collect()
    };
    crate::lint::Report {
        findings: mine(&doc["findings"]).iter().map(finding).collect(),
        suppressed: mine(&doc["suppressed"])
            .iter()
            .map(|s| Suppressed {
                finding: finding(s),
                reason: s["reason"].as_str().unwrap_or_default().to_string(),
                kind: kind(s["kind"].as_str().unwrap_or_default()),
            })
            .collect(),
        files: 0,
        rules: rules.to_vec(),
        sources: crate::lint::Sources::default(),
        charts: Vec::new(),
        kustomizations: Vec::new(),
        skipped: Vec::new(),
        policy_errors: Vec::new(),
        fail_on: FailOn::At(Severity::Error),
        config: None,
        baseline: None,
        repository: crate::lint::repository::Repository {
            commit: None,
            name: repository.to_string(),
            root: ".".to_string(),
        },
    }
}

/// The merged report as one SARIF log with one run per repository, each run's
/// `automationDetails.id` naming it (`paved/REPOSITORY/`), as code-scanning tools expect of
/// several runs of one tool.
pub fn sarif(merged: &Value) -> Result<String> {
    let rules = crate::lint::catalogue::all(crate::lint::engine::Engine::load(&[])?.rules());
    let mut runs = Vec::new();
    for repo in merged["repositories"].as_array().into_iter().flatten() {
        let name = repo["name"].as_str().unwrap_or_default();
        let report = report_of(merged, name, &rules);
        let log: Value = serde_json::from_str(&crate::report::sarif::render(&report))?;
        for mut run in log["runs"].as_array().cloned().unwrap_or_default() {
            run["automationDetails"] = json!({"id": format!("paved/{name}/")});
            if let Some(commit) = repo["commit"].as_str() {
                run["versionControlProvenance"] =
                    json!([{"repositoryUri": format!("urn:paved:{name}"), "revisionId": commit}]);
            }
            runs.push(run);
        }
    }
    let log = json!({
        "$schema": crate::report::sarif::SCHEMA_URL,
        "version": "2.1.0",
        "runs": runs,
    });
    Ok(serde_json::to_string_pretty(&log)? + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, findings: Value) -> Input {
        let n = findings.as_array().unwrap().len();
        Input {
            file: format!("{name}.json"),
            doc: json!({"version": 1, "repository": {"name": name, "root": "."}, "findings": findings, "suppressed": [],
                        "summary": {"files": 2, "findings": n, "suppressed": 0, "errors": n, "fixable": {"safe": 1, "unsafe": 0}}}),
        }
    }

    #[test]
    fn merges_in_a_fixed_order_whatever_the_input_order() {
        let a =
            || result("b-repo", json!([{"rule": "r", "path": "x", "line": 2}, {"rule": "r", "path": "a", "line": 9}]));
        let b = || result("a-repo", json!([{"rule": "q", "path": "z", "line": 1}]));
        let one = merge(&[a(), b()]).unwrap();
        let two = merge(&[b(), a()]).unwrap();
        assert_eq!(one, two);
        let order: Vec<(String, String)> = one["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["repository"].as_str().unwrap().into(), f["path"].as_str().unwrap().into()))
            .collect();
        assert_eq!(
            order,
            [("a-repo".into(), "z".into()), ("b-repo".into(), "a".into()), ("b-repo".into(), "x".into())]
        );
        assert_eq!((one["summary"]["findings"].as_u64(), one["summary"]["repositories"].as_u64()), (Some(3), Some(2)));
        assert_eq!(one["summary"]["fixable"]["safe"], 2);
    }

    #[test]
    fn refuses_another_schema_version() {
        let mut old = result("a", json!([]));
        old.doc["version"] = json!(2);
        let e = merge(&[result("b", json!([])), old]).unwrap_err().to_string();
        assert!(e.contains("a.json: schema version 2, but this paved reads version 1"), "{e}");
        let e = merge(&[Input { file: "x.json".into(), doc: json!({"a": 1}) }]).unwrap_err().to_string();
        assert!(e.contains("x.json: not a `paved lint --format json` result"), "{e}");
    }
}
