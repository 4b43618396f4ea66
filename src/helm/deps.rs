//! Subchart selection and value import, as Helm's `ProcessDependencies` does it before
//! rendering: dependencies are matched to the charts in `charts/` by name and version range,
//! renamed by `alias`, disabled by `tags` and `condition` (evaluated on the coalesced values),
//! and `import-values` copies child values into the parent's defaults.

use serde_json::Value as Json;

use super::chart::Chart;
use super::values::{self, Map};

/// Whether `version` satisfies the semver `constraint` (Masterminds semantics).
pub(crate) type SemverCheck<'a> = &'a dyn Fn(&str, &str) -> bool;

/// The dependencies of the root chart that have no chart in `charts/` (Helm's
/// `CheckDependencies`, which `helm template` runs first).
pub(crate) fn missing(chart: &Chart) -> Vec<String> {
    chart
        .metadata
        .dependencies
        .iter()
        .flatten()
        .filter(|d| !chart.dependencies.iter().any(|c| c.name() == d.name))
        .map(|d| d.name.clone())
        .collect()
}

/// Enables, aliases and prunes subcharts for the given user values, then imports values.
pub(crate) fn process(chart: &mut Chart, user: &Map, semver: SemverCheck) {
    process_enabled(chart, user, "", semver);
    process_imports(chart);
}

fn process_enabled(chart: &mut Chart, vals: &Map, path: &str, semver: SemverCheck) {
    let Some(mut reqs) = chart.metadata.dependencies.take() else { return };
    let existing = std::mem::take(&mut chart.dependencies);
    let matches = |c: &Chart, name: &str, version: &str| c.name() == name && semver(version, &c.metadata.version);
    let mut deps: Vec<Chart> =
        existing.iter().filter(|c| !reqs.iter().any(|r| matches(c, &r.name, &r.version))).cloned().collect();
    for req in &mut reqs {
        if let Some(found) = existing.iter().find(|c| matches(c, &req.name, &req.version)) {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.metadata.name = req.alias.clone();
            }
            deps.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
        req.enabled = true;
    }
    chart.dependencies = deps;
    let cvals = values::coalesce(chart, vals);
    apply_tags(&mut reqs, &cvals);
    apply_conditions(&mut reqs, &cvals, path);
    let disabled: Vec<String> = reqs.iter().filter(|r| !r.enabled).map(|r| r.name.clone()).collect();
    chart.dependencies.retain(|c| !disabled.iter().any(|d| d == c.name()));
    reqs.retain(|r| r.enabled);
    for sub in &mut chart.dependencies {
        let sub_path = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &sub_path, semver);
    }
    chart.metadata.dependencies = Some(reqs);
}

fn apply_tags(reqs: &mut [super::chart::Dependency], cvals: &Map) {
    let Some(tags) = values::table(cvals, "tags") else { return };
    for req in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for tag in &req.tags {
            match tags.get(tag) {
                Some(Json::Bool(true)) => has_true = true,
                Some(Json::Bool(false)) => has_false = true,
                _ => {}
            }
        }
        req.enabled = has_true || !has_false;
    }
}

fn apply_conditions(reqs: &mut [super::chart::Dependency], cvals: &Map, path: &str) {
    for req in reqs {
        for cond in req.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Json::Bool(b)) = values::path_value(cvals, &format!("{path}{cond}")) {
                req.enabled = *b;
                break;
            }
        }
    }
}

/// Helm's `processDependencyImportValues` (children first).
fn process_imports(chart: &mut Chart) {
    for sub in &mut chart.dependencies {
        process_imports(sub);
    }
    if chart.metadata.dependencies.is_none() {
        return;
    }
    let cvals = values::merge(chart, &Map::new());
    let mut imported = Map::new();
    for req in chart.metadata.dependencies.iter_mut().flatten() {
        let mut normalized = Vec::new();
        for iv in &req.import_values {
            let (child, parent) = match iv {
                Json::Object(m) => (go_text(m.get("child")), go_text(m.get("parent"))),
                Json::String(s) => (format!("exports.{s}"), ".".to_owned()),
                _ => continue,
            };
            let mut entry = Map::new();
            entry.insert("child".into(), Json::String(child.clone()));
            entry.insert("parent".into(), Json::String(parent.clone()));
            normalized.push(Json::Object(entry));
            let Some(table) = values::table(&cvals, &format!("{}.{child}", req.name)) else { continue };
            values::coalesce_tables(&mut imported, path_to_map(&parent, table.clone()), true);
        }
        req.import_values = normalized;
    }
    let mut merged = cvals;
    values::coalesce_tables(&mut merged, imported, true);
    chart.values = merged;
}

/// Go's `fmt.Sprintf("%v", x)` for the scalars `import-values` holds.
fn go_text(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => "<nil>".into(),
        Some(Json::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `a.b` and a table → `{a: {b: table}}`; `.` → the table itself.
fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    path.split('.').rev().fold(data, |inner, key| {
        let mut m = Map::new();
        m.insert(key.to_owned(), Json::Object(inner));
        m
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn path_to_map_nests() {
        let data = json!({"x": 1}).as_object().cloned().expect("map");
        assert_eq!(Json::Object(path_to_map("a.b", data.clone())), json!({"a": {"b": {"x": 1}}}));
        assert_eq!(Json::Object(path_to_map(".", data)), json!({"x": 1}));
    }
}
