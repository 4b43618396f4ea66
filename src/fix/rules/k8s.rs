//! What the Kubernetes fixers share: the container a finding points at (in a manifest, a
//! kustomize base or patch, or a chart template), where its settings are written (that file,
//! or the chart's values.yaml when the template takes them from there), and Kubernetes
//! quantities.

use crate::fix::Ctx;
use crate::fix::text::Lines;
use crate::fix::yaml_edit::{Doc, Lookup, Map};

/// The chart directory (display path, `""` for the current one) of a template: the nearest
/// ancestor of its `templates/` folder with a Chart.yaml.
pub fn chart_dir(ctx: &Ctx) -> Option<String> {
    let parts: Vec<&str> = ctx.path().split('/').collect();
    (0..parts.len().saturating_sub(1)).rev().filter(|&i| parts[i] == "templates").find_map(|i| {
        let dir = parts[..i].join("/");
        (ctx.read)(&join(&dir, "Chart.yaml")).map(|_| dir)
    })
}

fn join(dir: &str, file: &str) -> String {
    if dir.is_empty() { file.to_string() } else { format!("{dir}/{file}") }
}

/// Manifests written in JSON are left alone: the editor writes YAML.
pub fn is_json(ctx: &Ctx) -> bool {
    ctx.path().ends_with(".json") || ctx.text.trim_start().starts_with(['{', '['])
}

/// The document of the finding's file: a template when it is one of a chart's.
pub fn doc<'a>(ctx: &'a Ctx) -> Option<Doc<'a>> {
    if is_json(ctx) {
        return None;
    }
    Some(Doc::new(ctx.path(), ctx.text, chart_dir(ctx).is_some()))
}

/// The container list item on the finding's line, when the finding points at its first line
/// (the column is that of the dash or of the first key).
pub fn container(doc: &Doc, ctx: &Ctx) -> Option<Map> {
    let n = ctx.finding.line as usize;
    let item = doc.item(n)?;
    if let Some(col) = ctx.finding.column {
        let line = Lines::new(ctx.text).get(n).to_string();
        let dash = line.len() - line.trim_start().len();
        let key = dash + 1 + line[dash + 1..].len() - line[dash + 1..].trim_start().len();
        if col as usize != dash + 1 && col as usize != key + 1 {
            return None;
        }
    }
    Some(item)
}

/// Runs `f` on the mapping where the container's `key` (`securityContext`, `resources`) is
/// written, with the path prefix that leads to it from that mapping: the container item and
/// `[key]`, or, when a chart template writes the key as `toYaml` of a value, that value's
/// mapping in values.yaml and `[]`. `f` returns the edits.
pub fn with_container<R>(ctx: &Ctx, key: &str, f: impl FnOnce(&Doc, &Map, &[&str]) -> Option<R>) -> Option<R> {
    let doc = doc(ctx)?;
    let item = container(&doc, ctx)?;
    if doc.template {
        // The first branch that takes the mapping from values (`{{- if .Values.x }}` ... `{{-
        // else }}` a literal default): the values decide which branch renders.
        if let Some(path) = doc.lines_of(&item, key).into_iter().find_map(|n| doc.values_source(n)) {
            {
                let values_path = join(&chart_dir(ctx)?, "values.yaml");
                let text = (ctx.read)(&values_path)?;
                let vdoc = Doc::new(&values_path, &text, false);
                let mut map = vdoc.root();
                for k in &path {
                    let Lookup::At(line) = vdoc.get(&map, k) else { return None };
                    map = vdoc.map_of(line)?;
                }
                return f(&vdoc, &map, &[]);
            }
        }
    }
    f(&doc, &item, &[key])
}

/// `prefix` followed by `rest`.
pub fn path<'a>(prefix: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    prefix.iter().chain(rest).copied().collect()
}

pub fn unquote(s: &str) -> &str {
    let s = s.trim();
    for q in ['"', '\''] {
        if let Some(inner) = s.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return inner;
        }
    }
    s
}

/// Bytes of a memory quantity (`512Mi`, `1G`, `1.5Gi`, `134217728`); `None` for forms this
/// does not read (milli-bytes, exponents).
pub fn bytes(q: &str) -> Option<f64> {
    let q = unquote(q);
    let split = q.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(q.len());
    let (num, unit) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match unit {
        "" => 1.0,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        _ => return None,
    };
    Some(n * mult)
}

/// Millicores of a CPU quantity (`100m`, `0.5`, `2`).
pub fn millicores(q: &str) -> Option<f64> {
    let q = unquote(q);
    match q.strip_suffix('m') {
        Some(m) => m.parse().ok(),
        None => q.parse::<f64>().ok().map(|c| c * 1000.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::rules::test_support::finding;

    #[test]
    fn quantities() {
        assert_eq!(bytes("512Mi"), Some(536870912.0));
        assert_eq!(bytes("\"1G\""), Some(1e9));
        assert_eq!(bytes("1.5Gi"), Some(1610612736.0));
        assert_eq!(bytes("1000"), Some(1000.0));
        assert_eq!(bytes("100m"), None);
        assert_eq!(millicores("250m"), Some(250.0));
        assert_eq!(millicores("'0.5'"), Some(500.0));
    }

    #[test]
    fn a_template_is_a_file_under_a_charts_templates() {
        let f = finding("r", "charts/app/templates/tests/t.yaml", 1, 1, "");
        let read = |p: &str| (p == "charts/app/Chart.yaml").then(String::new);
        let ctx = Ctx { finding: &f, text: "", read: &read };
        assert_eq!(chart_dir(&ctx).as_deref(), Some("charts/app"));
        let g = finding("r", "deploy/templates/d.yaml", 1, 1, "");
        let ctx = Ctx { finding: &g, text: "", read: &read };
        assert_eq!(chart_dir(&ctx), None);
    }
}
