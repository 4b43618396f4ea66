//! Chart.yaml as Helm's loader reads it: fields decoded like Go string fields by
//! sigs.k8s.io/yaml (`version: 1.0` is "1"), unknown keys ignored, Helm's validation (name,
//! SemVer version, type, dependency aliases) with errors that carry the file and the position.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use super::chart::{ChartError, err};
use super::values;
use crate::parse::yaml::{self, Node, Value as Y};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// One entry of Chart.yaml `dependencies` (or requirements.yaml).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub import_values: Vec<Json>,
    pub alias: String,
}

/// Chart.yaml. Helm's field names (`.Chart.Name`, ...) are produced by the render module.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub description: String,
    pub app_version: String,
    pub kube_version: String,
    pub home: String,
    pub icon: String,
    pub condition: String,
    pub tags: String,
    pub chart_type: String,
    pub deprecated: bool,
    pub sources: Vec<String>,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub annotations: Option<BTreeMap<String, String>>,
    /// `None` when the chart declares no dependencies (then every chart in `charts/` is used).
    pub dependencies: Option<Vec<Dependency>>,
}

/// The first document's root of a YAML file, with the source lines.
pub(super) fn parse_yaml_root(data: &[u8], file: &str) -> Result<(Option<Node>, Vec<String>), ChartError> {
    let text = String::from_utf8_lossy(data);
    let docs = yaml::parse_stream(&text, &yaml::Limits::default()).map_err(|e| err(file, Some(e.pos), e.message))?;
    let lines = text.lines().map(str::to_owned).collect();
    match docs.into_iter().next().map(|d| d.root) {
        Some(root) if root.as_map().is_none() && !root.is_null() => {
            Err(err(file, Some(root.pos), format!("expected a mapping, found a {}", root.type_name())))
        }
        root => Ok((root.filter(|r| !r.is_null()), lines)),
    }
}

/// A scalar as a Go string field decoded by sigs.k8s.io/yaml (numbers and booleans are
/// converted to their text; `1.0` becomes "1").
pub(super) fn go_string(node: &Node, file: &str, field: &str) -> Result<String, ChartError> {
    Ok(match &node.value {
        Y::Null => String::new(),
        Y::String(s) => s.clone(),
        Y::Bool(b) => b.to_string(),
        Y::Int(i) => i.to_string(),
        Y::Float(f) => go_format_g32(*f),
        Y::Seq(_) | Y::Map(_) => {
            return Err(err(file, Some(node.pos), format!("`{field}` must be a string, not a {}", node.type_name())));
        }
    })
}

fn string_list(node: &Node, file: &str, field: &str) -> Result<Vec<String>, ChartError> {
    match &node.value {
        Y::Null => Ok(Vec::new()),
        Y::Seq(items) => items.iter().map(|n| go_string(n, file, field)).collect(),
        _ => Err(err(file, Some(node.pos), format!("`{field}` must be a list of strings"))),
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 32)`.
fn go_format_g32(f: f64) -> String {
    let f = f as f32;
    if !f.is_finite() {
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sci = format!("{f:e}"); // shortest digits, e.g. "1.5e6", "-2e-5"
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        return f.to_string();
    }
    format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
}

pub(super) fn parse_metadata(data: &[u8], file: &str) -> Result<Metadata, ChartError> {
    let (root, _) = parse_yaml_root(data, file)?;
    let mut md = Metadata::default();
    let Some(root) = root else {
        md.api_version = "v1".into();
        return Ok(md);
    };
    for (key, value) in root.as_map().unwrap_or_default() {
        let key = yaml::key_text(key);
        let s = || go_string(value, file, &key);
        match key.as_ref() {
            "apiVersion" => md.api_version = s()?,
            "name" => md.name = s()?,
            "version" => md.version = s()?,
            "description" => md.description = s()?,
            "appVersion" => md.app_version = s()?,
            "kubeVersion" => md.kube_version = s()?,
            "home" => md.home = s()?,
            "icon" => md.icon = s()?,
            "condition" => md.condition = s()?,
            "tags" => md.tags = s()?,
            "type" => md.chart_type = s()?,
            "deprecated" => {
                md.deprecated = match value.value {
                    Y::Bool(b) => b,
                    Y::Null => false,
                    _ => return Err(err(file, Some(value.pos), "`deprecated` must be a boolean")),
                }
            }
            "sources" => md.sources = string_list(value, file, "sources")?,
            "keywords" => md.keywords = string_list(value, file, "keywords")?,
            "maintainers" => md.maintainers = parse_maintainers(value, file)?,
            "annotations" => md.annotations = parse_annotations(value, file)?,
            "dependencies" => md.dependencies = parse_dependencies(value, file)?,
            _ => {}
        }
    }
    if md.api_version.is_empty() {
        md.api_version = "v1".into();
    }
    Ok(md)
}

fn parse_maintainers(node: &Node, file: &str) -> Result<Vec<Maintainer>, ChartError> {
    let Some(items) = node.as_seq() else {
        return if node.is_null() {
            Ok(Vec::new())
        } else {
            Err(err(file, Some(node.pos), "`maintainers` must be a list"))
        };
    };
    items
        .iter()
        .map(|item| {
            let Some(entries) = item.as_map() else {
                return Err(err(file, Some(item.pos), "maintainers must not contain empty or null nodes"));
            };
            let mut m = Maintainer::default();
            for (k, v) in entries {
                match yaml::key_text(k).as_ref() {
                    "name" => m.name = sanitize(&go_string(v, file, "name")?),
                    "email" => m.email = sanitize(&go_string(v, file, "email")?),
                    "url" => m.url = sanitize(&go_string(v, file, "url")?),
                    _ => {}
                }
            }
            Ok(m)
        })
        .collect()
}

fn parse_annotations(node: &Node, file: &str) -> Result<Option<BTreeMap<String, String>>, ChartError> {
    match node.as_map() {
        Some(entries) => entries
            .iter()
            .map(|(k, v)| Ok((yaml::key_text(k).into_owned(), go_string(v, file, "annotations")?)))
            .collect::<Result<_, _>>()
            .map(Some),
        None if node.is_null() => Ok(None),
        None => Err(err(file, Some(node.pos), "`annotations` must be a mapping of strings")),
    }
}

pub(super) fn parse_dependencies(node: &Node, file: &str) -> Result<Option<Vec<Dependency>>, ChartError> {
    let Some(items) = node.as_seq() else {
        return if node.is_null() { Ok(None) } else { Err(err(file, Some(node.pos), "`dependencies` must be a list")) };
    };
    let mut deps = Vec::new();
    for item in items {
        let Some(entries) = item.as_map() else {
            return Err(err(file, Some(item.pos), "dependencies must not contain empty or null nodes"));
        };
        let mut d = Dependency::default();
        for (k, v) in entries {
            let key = yaml::key_text(k);
            let s = || go_string(v, file, &key).map(|s| sanitize(&s));
            match key.as_ref() {
                "name" => d.name = s()?,
                "version" => d.version = s()?,
                "repository" => d.repository = s()?,
                "condition" => d.condition = s()?,
                "alias" => d.alias = go_string(v, file, "alias")?,
                "tags" => d.tags = string_list(v, file, "tags")?.iter().map(|t| sanitize(t)).collect(),
                "enabled" => d.enabled = v.as_bool().unwrap_or(false),
                "import-values" => {
                    let lines: Vec<&str> = Vec::new();
                    d.import_values = match values::node_to_json(v, &lines) {
                        Json::Array(items) => items,
                        Json::Null => Vec::new(),
                        _ => return Err(err(file, Some(v.pos), "`import-values` must be a list")),
                    };
                }
                _ => {}
            }
        }
        if !d.alias.is_empty() && !d.alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return Err(err(
                file,
                Some(item.pos),
                format!("dependency {:?} has disallowed characters in the alias", d.name),
            ));
        }
        deps.push(d);
    }
    Ok(Some(deps))
}

/// Helm's `sanitizeString`: whitespace becomes a space, unprintable characters go.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if c.is_control() {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Helm's `Metadata.Validate`; `chart_yaml` (Chart.yaml's text) locates the offending key.
pub(super) fn validate_metadata(md: &mut Metadata, file: &str, chart_yaml: &[u8]) -> Result<(), ChartError> {
    for s in [&mut md.name, &mut md.description, &mut md.home, &mut md.icon, &mut md.condition, &mut md.tags] {
        *s = sanitize(s);
    }
    md.app_version = sanitize(&md.app_version);
    md.kube_version = sanitize(&md.kube_version);
    md.sources.iter_mut().chain(md.keywords.iter_mut()).for_each(|s| *s = sanitize(s));
    let root = parse_yaml_root(chart_yaml, file).ok().and_then(|(root, _)| root);
    // At the key's value when the key is there, else nowhere in particular.
    let fail = |key: &str, m: String| {
        let pos = root.as_ref().and_then(|r| r.get(key)).map(|n| n.pos);
        Err(err(file, pos, m))
    };
    if md.name.is_empty() {
        return fail("name", "validation: chart.metadata.name is required".into());
    }
    if md.name == "." || md.name == ".." || md.name.contains('/') {
        return fail("name", format!("validation: chart.metadata.name {:?} is invalid", md.name));
    }
    if md.version.is_empty() {
        return fail("version", "validation: chart.metadata.version is required".into());
    }
    if !is_loose_semver(&md.version) {
        return fail("version", format!("validation: chart.metadata.version {:?} is invalid", md.version));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return fail("type", "validation: chart.metadata.type must be application or library".into());
    }
    let mut seen = std::collections::HashSet::new();
    for d in md.dependencies.iter().flatten() {
        let key = if d.alias.is_empty() { &d.name } else { &d.alias };
        if !seen.insert(key.clone()) {
            return fail("dependencies", format!("validation: more than one dependency with name or alias {key:?}"));
        }
    }
    Ok(())
}

/// Masterminds/semver's `NewVersion` (loose: `v` prefix, missing minor/patch allowed).
pub(crate) fn is_loose_semver(v: &str) -> bool {
    static RE: std::sync::LazyLock<Option<regex::Regex>> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^v?(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?(\.(0|[1-9][0-9]*))?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$",
        )
        .ok()
    });
    RE.as_ref().is_some_and(|re| re.is_match(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_errors_name_file_and_position() {
        let e = parse_metadata(b"name: a\nsources: x\n", "c/Chart.yaml").expect_err("bad sources");
        assert_eq!(e.to_string(), "c/Chart.yaml:2:10: `sources` must be a list of strings");
        let text = b"name: a\nversion: not-semver\n";
        let mut md = parse_metadata(text, "c/Chart.yaml").expect("parses");
        let e = validate_metadata(&mut md, "c/Chart.yaml", text).expect_err("bad version");
        assert_eq!(e.to_string(), "c/Chart.yaml:2:10: validation: chart.metadata.version \"not-semver\" is invalid");
    }

    #[test]
    fn go_float_strings() {
        assert_eq!(go_format_g32(1.0), "1");
        assert_eq!(go_format_g32(1.10), "1.1");
        assert_eq!(go_format_g32(1e6), "1e+06");
        assert_eq!(go_format_g32(0.00001), "1e-05");
    }

    #[test]
    fn semver_is_loose() {
        assert!(is_loose_semver("1.2"));
        assert!(is_loose_semver("v1.2.3-rc.1+b"));
        assert!(!is_loose_semver("1.2.3.4"));
    }
}
