//! The Rego engine: policies are compiled once, then every file's input is evaluated against
//! all rules in one query (an aggregating package unions every rule's `findings`), on a clone
//! of the loaded engine per worker thread.
//!
//! A finding a policy returns is an object with `msg` and, to say where, a JSON `pointer` into
//! the input (preferred: the engine resolves it to the line and column of that node, or of its
//! nearest existing ancestor when the key is missing) or explicit `line`/`col`.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use regorus::utils::limits::ExecutionTimerConfig;
use regorus::{Engine as Rego, Value};

use super::input::FileInput;
use super::policy::{self, PolicyFile, RULES_PACKAGE, RuleMeta};
use crate::parse::Pos;

const MAIN: &str = r#"package paved.main

import rego.v1

findings contains object.union(f, {"__package": name}) if {
	some name
	some f in data.paved.rules[name].findings
}
"#;

/// How long one file's evaluation may take before it is abandoned (a policy cannot hang lint).
pub const EVAL_TIMEOUT: Duration = Duration::from_secs(10);

/// A finding as a policy produced it, located but not yet filtered or formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFinding {
    pub rule: usize,
    pub pos: Pos,
    pub message: String,
    /// Set by cross-file rules, whose findings may point into any file.
    pub path: Option<String>,
}

#[derive(Clone)]
pub struct Engine {
    rego: Rego,
    rules: Vec<RuleMeta>,
    /// Rule index by the last component of its package (`image_latest_tag`).
    by_package: HashMap<String, usize>,
}

impl Engine {
    /// The built-in policies plus the custom policy files given.
    pub fn load(custom: &[PolicyFile]) -> Result<Self> {
        let mut rego = Rego::new();
        rego.set_execution_timer_config(ExecutionTimerConfig {
            limit: EVAL_TIMEOUT,
            check_interval: NonZeroU32::new(1000).expect("non-zero"),
        });
        let mut rules = Vec::new();
        let builtin = policy::builtin_files();
        let files = builtin.iter().map(|f| (f, true)).chain(custom.iter().map(|f| (f, false)));
        for (file, is_builtin) in files {
            if file.is_test() {
                continue;
            }
            rego.add_policy(file.path.clone(), file.source.clone())
                .map_err(|e| anyhow!("{e}"))
                .with_context(|| format!("loading policy {}", file.path))?;
            if let Some(meta) = policy::rule_meta(file, is_builtin)? {
                rules.push(meta);
            }
        }
        rego.add_policy("paved/main.rego".into(), MAIN.into()).map_err(|e| anyhow!("{e}"))?;
        let mut by_package = HashMap::new();
        let mut ids = HashMap::new();
        for (i, r) in rules.iter().enumerate() {
            let short = r.package.trim_start_matches(RULES_PACKAGE).to_string();
            if let Some(prev) = by_package.insert(short, i) {
                bail!("{} and {} declare the same rule package {}", rules[prev].file, r.file, r.package);
            }
            if let Some(prev) = ids.insert(r.id.clone(), i) {
                bail!("{} and {} declare the same rule id {}", rules[prev].file, r.file, r.id);
            }
        }
        Ok(Self { rego, rules, by_package })
    }

    pub fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    /// Evaluates every rule against one file's input.
    pub fn evaluate(&mut self, input: &FileInput) -> Result<Vec<RawFinding>> {
        self.rego.set_input(Value::from(input.input.clone()));
        let value = self.rego.eval_rule("data.paved.main.findings".into()).map_err(|e| anyhow!("{e}"))?;
        let json = serde_json::to_value(&value).context("policy result is not JSON")?;
        let mut out = Vec::new();
        for f in json.as_array().into_iter().flatten() {
            let package = f.get("__package").and_then(|p| p.as_str()).unwrap_or_default();
            let Some(&rule) = self.by_package.get(package) else {
                bail!("package paved.rules.{package} returns findings but has no rule metadata");
            };
            let message = f
                .get("msg")
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .ok_or_else(|| anyhow!("{}: a finding has no string `msg`: {f}", self.rules[rule].file))?;
            let pos = match (f.get("pointer").and_then(|p| p.as_str()), f.get("line").and_then(|l| l.as_u64())) {
                (Some(ptr), _) => input.locate(ptr),
                (None, Some(line)) => Pos::new(line as u32, f.get("col").and_then(|c| c.as_u64()).unwrap_or(1) as u32),
                (None, None) => Pos::new(1, 1),
            };
            let path = f.get("path").and_then(|p| p.as_str()).map(str::to_string);
            out.push(RawFinding { rule, pos, message, path });
        }
        Ok(out)
    }
}
