//! Policies: loading `.rego` files (the built-in ones embedded from `policies/`, and custom
//! ones from disk) and reading each rule's metadata.
//!
//! regorus ignores `# METADATA` comments and has no `rego.metadata`, so we parse the block
//! ourselves: the comment lines after `# METADATA` are YAML (OPA's annotation format). A rule
//! file declares `package paved.rules.<name>` and a set `findings`; its metadata names the
//! stable rule id, severity, title, rationale and fix, which feed `paved rules`, `paved
//! explain` and the docs, so docs cannot drift from the policies.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use include_dir::{Dir, include_dir};
use serde::Serialize;

use super::finding::Severity;
use crate::parse::yaml;

static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/policies");

/// Package prefix of rule packages.
pub const RULES_PACKAGE: &str = "paved.rules.";

/// One `.rego` source file.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// Display path (`policies/kubernetes/run_as_non_root.rego` for built-ins).
    pub path: String,
    pub source: String,
}

impl PolicyFile {
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }
}

/// What a rule is, for users and for the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    pub description: String,
    pub rationale: String,
    pub fix: String,
    /// The Rego package (`paved.rules.image_latest_tag`).
    pub package: String,
    /// Where the rule is defined.
    pub file: String,
    /// Built-in or from a custom policy directory.
    pub builtin: bool,
    /// Free-form extra metadata (`custom:` keys other than the ones above), e.g. examples.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// Every built-in policy file (rules, their tests, and shared libraries), sorted by path.
pub fn builtin_files() -> Vec<PolicyFile> {
    let mut out = Vec::new();
    let mut stack = vec![&BUILTIN];
    while let Some(dir) = stack.pop() {
        for d in dir.dirs() {
            stack.push(d);
        }
        for f in dir.files() {
            let path = f.path().to_string_lossy().replace('\\', "/");
            if path.ends_with(".rego")
                && let Some(text) = f.contents_utf8()
            {
                out.push(PolicyFile { path: format!("policies/{path}"), source: text.to_string() });
            }
        }
    }
    // Data tables (policies/data/*.yaml) become Rego modules of constants.
    out.push(super::kubernetes_apis::rego_module());
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// The `package` a Rego source declares.
pub fn package_of(source: &str) -> Option<String> {
    source.lines().map(str::trim).find_map(|l| l.strip_prefix("package ")).map(|p| p.trim().to_string())
}

/// The YAML text of the first `# METADATA` block, and the line it starts on.
fn metadata_block(source: &str) -> Option<(String, usize)> {
    let lines: Vec<&str> = source.lines().collect();
    let start = lines.iter().position(|l| l.trim() == "# METADATA")?;
    let mut yaml = String::new();
    for l in &lines[start + 1..] {
        let t = l.trim_start();
        let Some(rest) = t.strip_prefix('#') else { break };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    Some((yaml, start + 1))
}

/// Reads the metadata of a rule file. `Ok(None)` for files that are not rules (libraries,
/// tests); an error for a rule package whose metadata is missing or incomplete.
pub fn rule_meta(file: &PolicyFile, builtin: bool) -> Result<Option<RuleMeta>> {
    if file.is_test() {
        return Ok(None);
    }
    let Some(package) = package_of(&file.source) else {
        bail!("{}: no `package` declaration", file.path);
    };
    if !package.starts_with(RULES_PACKAGE) {
        return Ok(None);
    }
    let Some((text, line)) = metadata_block(&file.source) else {
        bail!("{}: rule package {package} has no `# METADATA` block (id, severity, title, rationale, fix)", file.path);
    };
    let docs = yaml::parse_stream(&text, &yaml::Limits::default()).map_err(|e| {
        anyhow::anyhow!("{}:{}: invalid METADATA YAML: {}", file.path, line + e.pos.line as usize, e.message)
    })?;
    let meta = docs.into_iter().next().map(|d| d.root.to_json()).unwrap_or_default();
    let custom = meta.get("custom").cloned().unwrap_or_default();
    let text_of = |v: &serde_json::Value| v.as_str().map(|s| s.trim().to_string());
    let field = |name: &str| -> Result<String> {
        custom
            .get(name)
            .or_else(|| meta.get(name))
            .and_then(text_of)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| anyhow::anyhow!("{}:{line}: METADATA lacks `{name}`", file.path))
    };
    let id = field("id")?;
    if id.is_empty() || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        bail!("{}:{line}: rule id {id:?} must be kebab-case", file.path);
    }
    let severity_text = field("severity")?;
    let Some(severity) = Severity::parse(&severity_text) else {
        bail!("{}:{line}: severity {severity_text:?} must be error, warning or info", file.path);
    };
    let known = ["id", "severity", "rationale", "fix"];
    let extra = custom
        .as_object()
        .map(|m| m.iter().filter(|(k, _)| !known.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    Ok(Some(RuleMeta {
        id,
        severity,
        title: field("title")?,
        description: field("description")?,
        rationale: field("rationale")?,
        fix: field("fix")?,
        package,
        file: file.path.clone(),
        builtin,
        extra,
    }))
}

/// Every `.rego` file below `dir` (custom policies), sorted, with paths shown relative to `cwd`.
pub fn load_dir(dir: &std::path::Path, cwd: &std::path::Path) -> Result<Vec<PolicyFile>> {
    if !dir.is_dir() {
        bail!("policy directory {} does not exist", dir.display());
    }
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(dir).hidden(false).git_ignore(false).follow_links(false).build() {
        let entry = entry.map_err(|e| anyhow::anyhow!("reading policies in {}: {e}", dir.display()))?;
        let path = entry.path();
        if entry.file_type().is_some_and(|t| t.is_file()) && path.extension().is_some_and(|e| e == "rego") {
            let source = std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            out.push(PolicyFile { path: crate::lint::discover::display_path(path, cwd), source });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(source: &str) -> PolicyFile {
        PolicyFile { path: "p/x.rego".into(), source: source.into() }
    }

    const GOOD: &str = "# METADATA\n# title: T\n# description: D\n# custom:\n#   id: my-rule\n#   severity: warning\n#   rationale: R\n#   fix: F\n#   examples: [a]\npackage paved.rules.my_rule\n";

    #[test]
    fn reads_metadata() {
        let m = rule_meta(&file(GOOD), true).unwrap().unwrap();
        assert_eq!((m.id.as_str(), m.severity, m.title.as_str()), ("my-rule", Severity::Warning, "T"));
        assert_eq!(m.package, "paved.rules.my_rule");
        assert!(m.extra.contains_key("examples"));
    }

    #[test]
    fn libraries_and_tests_are_not_rules() {
        assert!(rule_meta(&file("package paved.lib.k8s\n"), true).unwrap().is_none());
        let t = PolicyFile { path: "p/x_test.rego".into(), source: "package paved.rules.x\n".into() };
        assert!(rule_meta(&t, true).unwrap().is_none());
    }

    #[test]
    fn incomplete_metadata_is_an_error_naming_the_field() {
        let err = rule_meta(&file(&GOOD.replace("#   fix: F\n", "")), true).unwrap_err().to_string();
        assert!(err.contains("lacks `fix`"), "{err}");
        let err = rule_meta(&file(&GOOD.replace("warning", "fatal")), true).unwrap_err().to_string();
        assert!(err.contains("must be error, warning or info"), "{err}");
        let err = rule_meta(&file("package paved.rules.x\n"), true).unwrap_err().to_string();
        assert!(err.contains("no `# METADATA`"), "{err}");
    }
}
