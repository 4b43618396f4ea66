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
