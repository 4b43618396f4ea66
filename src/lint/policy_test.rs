//! Runs the `test_*` rules of `*_test.rego` files, like `opa test` (regorus has no test
//! runner): every policy file is loaded into one engine, then each test rule is evaluated
//! alone and passes when it is `true`.

use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use regorus::Engine as Rego;

use super::policy::{PolicyFile, package_of};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    Fail,
    /// The rule raised an error (an unknown builtin, a type error, a timeout).
    Error(String),
}

#[derive(Debug, Clone)]
pub struct TestResult {
    pub file: String,
    pub package: String,
    pub name: String,
    pub outcome: Outcome,
    pub duration: Duration,
}

/// The names of the test rules a Rego source defines (`test_x if {`, `test_x := ...`).
pub fn test_names(source: &str) -> Vec<String> {
    let mut names: Vec<String> = source
        .lines()
        .filter_map(|l| {
            let name: String = l.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            (name.starts_with("test_") && l[name.len()..].trim_start().starts_with(['i', '{', ':', '=']))
                .then_some(name)
        })
        .collect();
    names.dedup();
    names
}

/// Loads `files` (rules, libraries and tests) and runs every test rule found in the test files.
pub fn run(files: &[PolicyFile]) -> Result<Vec<TestResult>> {
    let mut rego = Rego::new();
    for f in files {
        rego.add_policy(f.path.clone(), f.source.clone()).map_err(|e| anyhow!("{e}"))?;
    }
    let mut results = Vec::new();
    for f in files.iter().filter(|f| f.is_test()) {
        let package = package_of(&f.source).unwrap_or_default();
        for name in test_names(&f.source) {
            let start = Instant::now();
            let mut engine = rego.clone();
            let outcome = match engine.eval_rule(format!("data.{package}.{name}")) {
                Ok(v) if v == regorus::Value::from(true) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(e) => Outcome::Error(e.to_string()),
            };
            results.push(TestResult {
                file: f.path.clone(),
                package: package.clone(),
                name,
                outcome,
                duration: start.elapsed(),
            });
        }
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::policy::builtin_files;

    #[test]
    fn finds_test_rules() {
        let src = "package x\ntest_a if {\n}\ntest_b := true\nnot_test if true\n  test_c if true\ntest_d { true }\n";
        assert_eq!(test_names(src), ["test_a", "test_b", "test_d"]);
    }

    /// Every built-in policy's Rego tests pass (so a broken rule or an unknown builtin fails here).
    #[test]
    fn builtin_policy_tests_pass() {
        let results = run(&builtin_files()).unwrap();
        assert!(results.len() >= 30, "too few policy tests: {}", results.len());
        let failed: Vec<String> = results
            .iter()
            .filter(|r| r.outcome != Outcome::Pass)
            .map(|r| format!("{} {}: {:?}", r.file, r.name, r.outcome))
            .collect();
        assert!(failed.is_empty(), "failing policy tests:\n{}", failed.join("\n"));
    }
}
