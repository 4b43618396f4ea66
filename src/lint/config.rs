//! `.paved.yaml`: per-repository configuration, found from the lint root upwards (like
//! `.hadolint.yaml` and `.kube-linter.yaml`) or named with `--config`.
//!
//! ```yaml
//! rules:                      # severity overrides; `off` disables a rule
//!   image-latest-tag: warning
//!   read-only-root-fs-missing: off
//! exclude: ["testdata/**"]    # paths not linted at all (relative to this file)
//! include: ["docs/deploy/**"] # linted although a default exclusion covers them
//! default-excludes: false     # lint vendor/, docs/, testdata/, ... too
//! ignore:                     # findings suppressed by path, with the reason auditors see
//!   - paths: ["deploy/legacy/**"]
//!     rules: [run-as-non-root]
//!     reason: legacy workloads, replaced in Q3
//! policies: [policies/custom] # extra Rego policy directories
//! values: [deploy/values-prod.yaml]  # Helm values files for every chart
//! fail-on: warning
//! max-file-size: 10MB        # larger files are a parse-error finding, not read
//! kubernetes-version: "1.30" # the cluster version manifests and charts target (default: the newest paved knows)
//! allow-unpinned: [actions, docker/build-push-action]  # owners or repos trusted at a tag
//! forbid-inline-suppressions: [secret-in-plain-env]       # only this file may suppress these
//! ```
//! Unknown keys, rule ids and values are errors naming the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use globset::{GlobSet, GlobSetBuilder};

use super::clock::Date;
use super::finding::{FailOn, Severity};
use crate::parse::Pos;
use crate::parse::yaml::{self, Node};

pub const FILE_NAMES: [&str; 2] = [".paved.yaml", ".paved.yml"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSetting {
    Off,
    Severity(Severity),
}

#[derive(Debug)]
pub struct PathIgnore {
    pub globs: GlobSet,
    pub rules: Vec<String>,
    pub reason: Option<String>,
    /// `expires: YYYY-MM-DD`: after that day the entry suppresses nothing.
    pub expires: Option<Date>,
    pub pos: Pos,
}

#[derive(Debug, Default)]
pub struct Config {
    /// The file it came from (display form), and its directory (paths are relative to it).
    pub path: Option<String>,
    pub dir: PathBuf,
    pub rules: BTreeMap<String, (RuleSetting, Pos)>,
    pub exclude: Option<GlobSet>,
    pub include: Option<GlobSet>,
    /// `default-excludes: false` turns the default exclusions off.
    pub default_excludes: Option<bool>,
    pub ignore: Vec<PathIgnore>,
    pub policies: Vec<PathBuf>,
    pub values: Vec<PathBuf>,
    pub fail_on: Option<FailOn>,
    pub max_file_size: Option<u64>,
    /// `kubernetes-version`: `1.NN`, one of the releases `kubernetes_apis` knows.
    pub kubernetes_version: Option<String>,
    /// `allow-unpinned`: GitHub action owners (`actions`) or repositories (`docker/login-action`)
    /// whose `uses:` may name a tag or branch (action-not-pinned), lowercased.
    pub allow_unpinned: Vec<String>,
    /// `forbid-inline-suppressions`: rules whose `# paved:ignore` comments and ignore annotations
    /// do not suppress (policy owners decide, not the code's author).
    pub forbid_inline: Vec<String>,
}

/// Finds the config file for a lint of `root`: in `root` (or its directory, for a file) or any
/// parent.
pub fn discover(root: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(root).ok()?;
    let mut dir = if start.is_dir() { start } else { start.parent()?.to_path_buf() };
    loop {
        for name in FILE_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if !dir.pop() {
            return None;
        }
    }
}

fn err(path: &str, pos: Pos, msg: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{path}:{}:{}: {msg}", pos.line, pos.col)
}

fn glob_set(path: &str, node: &Node) -> Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    let items = node.as_seq().ok_or_else(|| err(path, node.pos, "expected a list of path patterns"))?;
    for item in items {
        let pattern = item.as_str().ok_or_else(|| err(path, item.pos, "expected a path pattern (a string)"))?;
        let pattern = pattern.trim_start_matches("./");
        // `dir/` means everything below dir.
        let pattern = if let Some(d) = pattern.strip_suffix('/') { format!("{d}/**") } else { pattern.to_string() };
        for p in [pattern.clone(), format!("{pattern}/**")] {
            let glob = globset::GlobBuilder::new(&p)
                .literal_separator(true)
                .build()
                .map_err(|e| err(path, item.pos, format!("invalid pattern {pattern:?}: {e}")))?;
            b.add(glob);
        }
    }
    b.build().map_err(|e| err(path, node.pos, e))
}

fn strings(path: &str, node: &Node) -> Result<Vec<String>> {
    let items = node.as_seq().ok_or_else(|| err(path, node.pos, "expected a list"))?;
    items.iter().map(|i| i.as_str().map(str::to_string).ok_or_else(|| err(path, i.pos, "expected a string"))).collect()
}

/// Parses a config file. `known_rule` validates rule ids.
pub fn load(file: &Path, display: &str, known_rule: &dyn Fn(&str) -> bool) -> Result<Config> {
    let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{display}: cannot read: {e}"))?;
    let docs = yaml::parse_stream(&text, &yaml::Limits::default()).map_err(|e| err(display, e.pos, e.message))?;
    let mut config = Config {
        path: Some(display.to_string()),
        // Canonical once here: matching then canonicalizes only the linted path.
        dir: file.parent().and_then(|d| std::fs::canonicalize(d).ok()).unwrap_or_default(),
        ..Config::default()
    };
    let Some(root) = docs.into_iter().next().map(|d| d.root) else { return Ok(config) };
    if root.is_null() {
        return Ok(config);
    }
    let map = root.as_map().ok_or_else(|| err(display, root.pos, "expected a mapping of settings"))?;
    for (k, v) in map {
        let key = yaml::key_text(k);
        match key.as_ref() {
            "rules" => {
                let rules =
                    v.as_map().ok_or_else(|| err(display, v.pos, "`rules` maps rule ids to a severity or off"))?;
                for (rk, rv) in rules {
                    let id = yaml::key_text(rk).into_owned();
                    if !known_rule(&id) {
                        bail!(err(display, rk.pos, format!("unknown rule {id:?} (see `paved rules`)")));
                    }
                    let setting = match rv.scalar_text().as_deref() {
                        Some("off") | Some("false") => RuleSetting::Off,
                        Some(s) if Severity::parse(s).is_some() => {
                            RuleSetting::Severity(Severity::parse(s).expect("checked"))
                        }
                        _ => bail!(err(display, rv.pos, format!("rule {id}: expected error, warning, info or off"))),
                    };
                    config.rules.insert(id, (setting, rk.pos));
                }
            }
            "exclude" => config.exclude = Some(glob_set(display, v)?),
            "include" => config.include = Some(glob_set(display, v)?),
            "default-excludes" => {
                config.default_excludes = Some(match v.scalar_text().as_deref() {
                    Some("true") => true,
                    Some("false") => false,
                    _ => bail!(err(display, v.pos, "default-excludes: expected true or false")),
                })
            }
            "ignore" => {
                let items =
                    v.as_seq().ok_or_else(|| err(display, v.pos, "`ignore` is a list of {paths, rules, reason}"))?;
                for item in items {
                    let m = item.as_map().ok_or_else(|| err(display, item.pos, "expected {paths, rules, reason}"))?;
                    let (mut globs, mut rules, mut reason, mut expires) = (None, None, None, None);
                    for (ik, iv) in m {
                        match yaml::key_text(ik).as_ref() {
                            "paths" => globs = Some(glob_set(display, iv)?),
                            "rules" => {
                                let ids = strings(display, iv)?;
                                if let Some(bad) = ids.iter().find(|id| !known_rule(id)) {
                                    bail!(err(display, iv.pos, format!("unknown rule {bad:?} (see `paved rules`)")));
                                }
                                rules = Some(ids);
                            }
                            "reason" => reason = iv.as_str().map(str::to_string).filter(|s| !s.trim().is_empty()),
                            "expires" => {
                                let text = iv.scalar_text().unwrap_or_default();
                                expires = Some(Date::parse(&text).ok_or_else(|| {
                                    err(display, iv.pos, format!("expires: {text:?} is not a date (YYYY-MM-DD)"))
                                })?);
                            }
                            other => bail!(err(
                                display,
                                ik.pos,
                                format!("unknown key `{other}` in ignore (expected paths, rules, reason, expires)")
                            )),
                        }
                    }
                    let (Some(globs), Some(rules)) = (globs, rules) else {
                        bail!(err(display, item.pos, "an ignore entry needs `paths` and `rules`"));
                    };
                    config.ignore.push(PathIgnore { globs, rules, reason, expires, pos: item.pos });
                }
            }
            "policies" => config.policies = strings(display, v)?.into_iter().map(|p| config.dir.join(p)).collect(),
            "values" => config.values = strings(display, v)?.into_iter().map(|p| config.dir.join(p)).collect(),
            "fail-on" => {
                let s = v.scalar_text().unwrap_or_default();
                config.fail_on = Some(
                    FailOn::parse(&s)
                        .ok_or_else(|| err(display, v.pos, "fail-on: expected error, warning, info or never"))?,
                );
            }
            "max-file-size" => {
                let text = v.scalar_text().unwrap_or_default();
                config.max_file_size = Some(parse_size(&text).ok_or_else(|| {
                    err(display, v.pos, "max-file-size: expected a size such as 10MB, 512KB or 1048576")
                })?);
            }
            "kubernetes-version" => {
                let text = v.scalar_text().unwrap_or_default();
                config.kubernetes_version =
                    Some(super::kubernetes_apis::parse_target(&text).map_err(|m| err(display, v.pos, m))?);
            }
            "allow-unpinned" => config.allow_unpinned = owners_or_repos(display, v)?,
            "forbid-inline-suppressions" => {
                let ids = strings(display, v)?;
                if let Some(bad) = ids.iter().find(|id| !known_rule(id)) {
                    bail!(err(display, v.pos, format!("unknown rule {bad:?} (see `paved rules`)")));
                }
                config.forbid_inline = ids;
            }
            other => bail!(err(
                display,
                k.pos,
                format!(
                    "unknown key `{other}` (expected rules, exclude, include, default-excludes, ignore, policies, values, fail-on, max-file-size, kubernetes-version, allow-unpinned, forbid-inline-suppressions)"
                )
            )),
        }
    }
    Ok(config)
}

/// `allow-unpinned`: a list of `OWNER` or `OWNER/REPO` names (GitHub's characters: letters,
/// digits, `-`, `_`, `.`), lowercased as GitHub compares them.
fn owners_or_repos(path: &str, node: &Node) -> Result<Vec<String>> {
    let items =
        node.as_seq().ok_or_else(|| err(path, node.pos, "allow-unpinned: expected a list of OWNER or OWNER/REPO"))?;
    let valid = |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    items
        .iter()
        .map(|item| {
            let name = item.as_str().unwrap_or_default();
            let parts: Vec<&str> = name.split('/').collect();
            if parts.len() > 2 || !parts.iter().all(|p| valid(p)) {
                bail!(err(path, item.pos, format!("allow-unpinned: {name:?} is not OWNER or OWNER/REPO")));
            }
            Ok(name.to_ascii_lowercase())
        })
        .collect()
}

/// `10MB`, `512KB`, `1GB` (powers of 1024) or a number of bytes.
fn parse_size(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let (num, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => (&t[..i], t[i..].trim()),
        None => (t.as_str(), ""),
    };
    let n: u64 = num.parse().ok()?;
    let factor = match unit {
        "" | "B" => 1,
        "KB" | "K" | "KIB" => 1 << 10,
        "MB" | "M" | "MIB" => 1 << 20,
        "GB" | "G" | "GIB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(factor).filter(|&b| b > 0)
}

impl Config {
    /// `path` relative to the config directory, `/`-separated, for matching patterns.
    fn relative(&self, path: &Path) -> Option<String> {
        let abs = std::fs::canonicalize(path).ok()?;
        let rel = if self.dir.is_absolute() {
            abs.strip_prefix(&self.dir).ok()?
        } else {
            abs.strip_prefix(std::fs::canonicalize(&self.dir).ok()?).ok()?
        };
        Some(rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
    }

    fn matches(&self, set: Option<&GlobSet>, path: &Path) -> bool {
        set.is_some_and(|set| self.relative(path).is_some_and(|rel| set.is_match(&rel)))
    }

    /// Whether config `include:` names `path` (it is linted despite a default exclusion).
    pub fn included(&self, path: &Path) -> bool {
        self.matches(self.include.as_ref(), path)
    }

    pub fn excluded(&self, path: &Path) -> bool {
        self.matches(self.exclude.as_ref(), path)
    }

    /// The config ignores that cover `path`.
    pub fn ignores_for(&self, path: &Path) -> Vec<&PathIgnore> {
        if self.ignore.is_empty() {
            return Vec::new();
        }
        match self.relative(path) {
            Some(rel) => self.ignore.iter().filter(|i| i.globs.is_match(&rel)).collect(),
            None => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_text(text: &str) -> Result<Config> {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join(".paved.yaml");
        std::fs::write(&f, text).unwrap();
        load(&f, ".paved.yaml", &|r| r == "image-latest-tag" || r == "run-as-non-root")
    }

    #[test]
    fn reads_every_setting() {
        let c = load_text(
            "rules:\n  image-latest-tag: warning\n  run-as-non-root: off\nexclude: [testdata/]\ninclude: [docs/deploy/]\ndefault-excludes: false\nignore:\n  - paths: [deploy/legacy/**]\n    rules: [run-as-non-root]\n    reason: legacy\nfail-on: never\nallow-unpinned: [actions, Docker/login-action]\n",
        )
        .unwrap();
        assert_eq!(c.allow_unpinned, ["actions", "docker/login-action"]);
        assert_eq!(c.rules["image-latest-tag"].0, RuleSetting::Severity(Severity::Warning));
        assert_eq!(c.rules["run-as-non-root"].0, RuleSetting::Off);
        assert!(c.exclude.as_ref().unwrap().is_match("testdata/x/y.yaml"));
        assert!(!c.exclude.as_ref().unwrap().is_match("src/testdata.yaml"));
        assert!(c.include.as_ref().unwrap().is_match("docs/deploy/app.yaml"));
        assert_eq!(c.default_excludes, Some(false));
        assert!(c.ignore[0].globs.is_match("deploy/legacy/a.yaml"));
        assert_eq!(c.fail_on, Some(FailOn::Never));
        assert_eq!(load_text("kubernetes-version: \"v1.30\"\n").unwrap().kubernetes_version.as_deref(), Some("1.30"));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("10MB"), Some(10 << 20));
        assert_eq!(parse_size("512 kb"), Some(512 << 10));
        assert_eq!(parse_size("2048"), Some(2048));
        assert_eq!(parse_size("0"), None);
        assert_eq!(parse_size("ten"), None);
        assert_eq!(parse_size("10TB"), None);
    }

    #[test]
    fn errors_name_the_line() {
        for (text, needle) in [
            ("rule:\n  x: 1\n", ".paved.yaml:1:1: unknown key `rule`"),
            ("rules:\n  nope: error\n", ".paved.yaml:2:3: unknown rule \"nope\""),
            ("rules:\n  image-latest-tag: fatal\n", ".paved.yaml:2:21: rule image-latest-tag: expected"),
            ("ignore:\n  - paths: [a]\n", ".paved.yaml:2:5: an ignore entry needs"),
            ("ignore:\n  - paths: [a]\n    rules: [x]\n", "unknown rule \"x\""),
            ("fail-on: sometimes\n", ".paved.yaml:1:10: fail-on"),
            ("default-excludes: maybe\n", ".paved.yaml:1:19: default-excludes"),
            ("exclude: [\"a[\"]\n", "invalid pattern"),
            ("a: [\n", ".paved.yaml:"),
            (
                "kubernetes-version: \"1.99\"\n",
                ".paved.yaml:1:21: kubernetes-version: \"1.99\" is not a Kubernetes release",
            ),
            ("kubernetes-version: 1.30\n", "quote it"),
            ("allow-unpinned: actions\n", ".paved.yaml:1:17: allow-unpinned: expected a list"),
            (
                "allow-unpinned: [actions/checkout@v4]\n",
                ".paved.yaml:1:18: allow-unpinned: \"actions/checkout@v4\" is not",
            ),
            ("allow-unpinned: [a/b/c]\n", "is not OWNER or OWNER/REPO"),
            ("allow-unpinned: [\"\"]\n", "is not OWNER or OWNER/REPO"),
        ] {
            let e = load_text(text).unwrap_err().to_string();
            assert!(e.contains(needle), "{text:?}: {e}");
        }
    }
}
