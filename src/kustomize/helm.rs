//! `helmCharts:` (kustomize's HelmChartInflationGenerator, `kustomize build --enable-helm`)
//! for charts in the repository: the chart under `helmGlobals.chartHome` (default `charts/`)
//! is rendered by paved's own Helm (`crate::helm`), never pulled. A chart that is not there
//! (it would be pulled from `repo:`) is a remote resource: not built, and said so.
//!
//! Values: the chart's values.yaml or `valuesFile`, then `additionalValuesFiles`, and
//! `valuesInline` merged as `valuesMerge` says (`override`, the default: inline wins; `merge`:
//! the file wins; `replace`: inline only). The namespace is the chart's, else the
//! kustomization's, else the one its parent kustomization sets (kustomize passes it down).
//!
//! Source map: each rendered object's nodes point into the template that produced it — the
//! template line with the same text (nearest in relative position), else one with the same key,
//! else the template's first line; a value the template line reads from `.Values` points at
//! the `valuesInline` entry that sets it, else at the values file's. Rendered charts keep no
//! exact map (Go templates have none); this is the heuristic `paved lint` uses for charts,
//! reduced to what a build needs.

use std::path::{Path, PathBuf};

use super::build::{Acc, Ctx, Kust};
use super::tree::Origin;
use super::{ProblemKind, Resource};
use crate::helm::{self, RenderOptions, values};
use crate::parse::Pos;
use crate::parse::yaml::{self, Node, Value};

fn s<'a>(n: &'a Node, key: &str) -> Option<&'a str> {
    n.get(key).and_then(Node::as_str).filter(|v| !v.is_empty())
}

/// Inflates every `helmCharts:` entry of `k` into `acc`; `parent_namespace` is the namespace a
/// kustomization above set (kustomize's helmRootNamespace).
pub fn inflate(ctx: &mut Ctx, k: &Kust, acc: &mut Acc, parent_namespace: Option<&str>) {
    let charts = k.list("helmCharts").to_vec();
    if charts.is_empty() {
        return;
    }
    let globals = k.get("helmGlobals");
    let chart_home = globals.and_then(|g| s(g, "chartHome")).unwrap_or("charts").to_string();
    for entry in charts {
        inflate_one(ctx, k, acc, &entry, &chart_home, parent_namespace);
    }
}

fn inflate_one(ctx: &mut Ctx, k: &Kust, acc: &mut Acc, entry: &Node, chart_home: &str, parent_ns: Option<&str>) {
    let Some(name) = s(entry, "name") else {
        ctx.problem(ProblemKind::BuildError, entry, "helmCharts entry has no name: kustomize refuses it");
        return;
    };
    for unsupported in ["apiVersions", "nameTemplate", "skipHooks", "devel"] {
        if let Some((key, _)) = entry.entry(unsupported) {
            let key = key.clone();
            ctx.problem(
                ProblemKind::Unsupported,
                &key,
                format!("helmCharts `{unsupported}` is not supported by paved: chart {name} is rendered without it"),
            );
        }
    }
    // kustomize looks in chartHome/NAME, or chartHome/NAME-VERSION/NAME when a repo and version are set.
    let home = if Path::new(chart_home).is_absolute() { PathBuf::from(chart_home) } else { k.dir.join(chart_home) };
    let home = match (s(entry, "version"), s(entry, "repo")) {
        (Some(v), Some(_)) => home.join(format!("{name}-{v}")),
        _ => home,
    };
    let chart_dir = home.join(name);
    let Ok(chart_dir) = std::fs::canonicalize(&chart_dir) else {
        let what = match s(entry, "repo") {
            Some(repo) => format!(
                "helm chart {name:?} is not in {chart_home}/ and would be pulled from {repo}: paved never fetches, so \
                 what it deploys is not linted (vendor the chart to lint it)"
            ),
            None => format!("helm chart {name:?}: no chart at {chart_home}/{name} and no repo to pull it from"),
        };
        let kind = if s(entry, "repo").is_some() { ProblemKind::Remote } else { ProblemKind::BuildError };
        ctx.problem(kind, entry, what);
        return;
    };
    if !ctx.loader.opts.roots.iter().any(|r| chart_dir.starts_with(r)) {
        ctx.problem(
            ProblemKind::BuildError,
            entry,
            format!("helm chart {name:?} is outside the lint roots; paved does not read it"),
        );
        return;
    }
    let chart = match helm::chart::Chart::load(&chart_dir) {
        Ok(c) => c,
        Err(e) => {
            ctx.problem(ProblemKind::BuildError, entry, format!("helm chart {name:?} cannot be loaded: {e}"));
            return;
        }
    };
    let Some(user) = user_values(ctx, k, entry, &chart_dir) else { return };
    let sources = value_sources(ctx, k, entry, &chart_dir);
    let namespace = s(entry, "namespace")
        .or_else(|| k.get("namespace").and_then(Node::as_str).filter(|n| !n.is_empty()))
        .or(parent_ns)
        .unwrap_or("default");
    let opts = RenderOptions {
        release: s(entry, "releaseName").unwrap_or("release-name").to_string(),
        namespace: namespace.to_string(),
        kube_version: s(entry, "kubeVersion").map(str::to_string),
        allow_missing_dependencies: false,
        seed: Some(0x0070_6176_6564),
        ..RenderOptions::default()
    };
    let rendered = match helm::render_chart(chart, &user, &opts) {
        Ok(r) => r,
        Err(e) => {
            ctx.problem(ProblemKind::BuildError, entry, format!("helm chart {name:?} cannot be rendered: {e}"));
            return;
        }
    };
    let skip_tests = entry.get("skipTests").and_then(Node::as_bool).unwrap_or(false);
    if entry.get("includeCRDs").and_then(Node::as_bool).unwrap_or(false) && chart_dir.join("crds").is_dir() {
        ctx.problem(
            ProblemKind::Unsupported,
            entry,
            format!(
                "helmCharts includeCRDs: the CRDs in {name}/crds/ are not rendered by paved (they hold no workloads)"
            ),
        );
    }
    for doc in rendered.all() {
        if skip_tests && doc.hook.as_deref().is_some_and(|h| h.split(',').any(|h| h.trim().starts_with("test"))) {
            continue;
        }
        let template = doc.file.as_ref().map(|f| chart_dir.join(f));
        let src = match template.as_ref().and_then(|t| std::fs::canonicalize(t).ok()) {
            Some(t) => match ctx.read(entry, &t) {
                Some(src) => src,
                None => continue,
            },
            None => k.src,
        };
        let parsed = match yaml::parse_stream(&doc.text, &yaml::Limits::default()) {
            Ok(d) => d,
            Err(e) => {
                ctx.problem(
                    ProblemKind::BuildError,
                    entry,
                    format!("helm chart {name:?}: {} is not valid YAML: {e}", doc.source),
                );
                continue;
            }
        };
        let template_text = ctx.files.get(src).map(|f| f.text.clone()).unwrap_or_default();
        let map = TemplateMap::new(&template_text, &doc.text, &sources);
        for d in parsed.into_iter().filter(|d| matches!(d.root.value, Value::Map(_))) {
            let mut node = d.root;
            map.apply(&mut node, src);
            let mut r = Resource::new(node);
            r.helm_generated = true;
            ctx.append(entry, r, acc);
        }
    }
}

/// The values the chart renders with, or `None` (a problem recorded) when a file is bad.
fn user_values(ctx: &mut Ctx, k: &Kust, entry: &Node, chart_dir: &Path) -> Option<values::Map> {
    let mut user = values::Map::new();
    let read = |ctx: &mut Ctx, node: &Node, path: PathBuf| -> Option<values::Map> {
        let src = ctx.read(node, &path)?;
        let text = ctx.files.get(src).map(|f| f.text.clone()).unwrap_or_default();
        match values::parse_values(&text, ctx.files.display(src)) {
            Ok(m) => Some(m),
            Err(e) => {
                ctx.problem(
                    ProblemKind::BuildError,
                    node,
                    format!("values file {}: {}", ctx.files.display(src), e.message),
                );
                None
            }
        }
    };
    match entry.get("valuesFile") {
        Some(v) if v.as_str().is_some_and(|p| !p.is_empty()) => {
            let path = match ctx.resolve(k, v, "helm values file")? {
                super::load::Target::File(p) => p,
                super::load::Target::Dir(_) => {
                    ctx.problem(ProblemKind::BuildError, v, "helm valuesFile is a directory");
                    return None;
                }
            };
            user = read(ctx, v, path)?;
        }
        _ => {
            let own = chart_dir.join("values.yaml");
            if own.is_file() {
                user = read(ctx, entry, own)?;
            }
        }
    }
    for f in entry.get("additionalValuesFiles").and_then(Node::as_seq).unwrap_or_default() {
        let Some(super::load::Target::File(p)) = ctx.resolve(k, f, "helm values file") else { return None };
        values::merge_maps(&mut user, read(ctx, f, p)?);
    }
    if let Some(inline) = entry.get("valuesInline").filter(|n| !n.is_null()) {
        let serde_json::Value::Object(inline) = inline.to_json() else {
            ctx.problem(ProblemKind::BuildError, inline, "helm valuesInline is not a mapping");
            return None;
        };
        match entry.get("valuesMerge").and_then(Node::as_str).unwrap_or("override") {
            "override" => values::merge_maps(&mut user, inline),
            "merge" => {
                let mut merged = inline;
                values::merge_maps(&mut merged, user);
                user = merged;
            }
            "replace" => user = inline,
            other => {
                let node = entry.get("valuesMerge").cloned().unwrap_or_else(|| entry.clone());
                ctx.problem(
                    ProblemKind::BuildError,
                    &node,
                    format!("valuesMerge must be merge, override or replace, not {other:?}"),
                );
                return None;
            }
        }
    }
    Some(user)
}

/// Where values come from, most specific first: the entry's `valuesInline`, then the values
/// file it renders with (`valuesFile`, else the chart's values.yaml), each with its origins.
fn value_sources(ctx: &mut Ctx, k: &Kust, entry: &Node, chart_dir: &Path) -> Vec<Node> {
    let mut out: Vec<Node> = entry.get("valuesInline").filter(|n| !n.is_null()).cloned().into_iter().collect();
    let file = match entry.get("valuesFile").and_then(Node::as_str).filter(|p| !p.is_empty()) {
        Some(p) => std::fs::canonicalize(k.dir.join(p)).ok(),
        None => std::fs::canonicalize(chart_dir.join("values.yaml")).ok(),
    };
    if let Some(src) = file.and_then(|f| ctx.files.files.iter().position(|x| x.path == f))
        && let Ok(docs) = ctx.loader.documents(&ctx.files, src as u32)
    {
        out.extend(docs.into_iter().next());
    }
    out
}

/// Rendered line → template line, for one rendered document.
struct TemplateMap {
    /// For each rendered line (0-based), the template position.
    lines: Vec<Pos>,
    /// For each rendered line, where its value comes from when the template line reads a value
    /// that `valuesInline` or the values file sets (a finding on the value lands there).
    values: Vec<Option<Origin>>,
}

impl TemplateMap {
    fn new(template: &str, rendered: &str, sources: &[Node]) -> Self {
        let t: Vec<&str> = template.lines().collect();
        let r: Vec<&str> = rendered.lines().collect();
        let key = |l: &str| {
            let l = l.trim_start().trim_start_matches("- ");
            l.split_once(':').map(|(k, _)| k.trim().to_string()).filter(|k| !k.is_empty() && !k.contains(' '))
        };
        let lines = r
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let target = i as f64 / r.len().max(1) as f64 * t.len() as f64;
                let nearest = |pred: &dyn Fn(&str) -> bool| {
                    (0..t.len()).filter(|&j| pred(t[j])).min_by(|a, b| {
                        let (da, db) = ((*a as f64 - target).abs(), (*b as f64 - target).abs());
                        da.partial_cmp(&db).unwrap_or(std::cmp::Ordering::Equal)
                    })
                };
                let trimmed = line.trim();
                let found = nearest(&|l: &str| !trimmed.is_empty() && l.trim() == trimmed)
                    .or_else(|| key(line).and_then(|k| nearest(&|l: &str| key(l).as_deref() == Some(k.as_str()))));
                match found {
                    Some(j) => {
                        // The key's column, after any `- ` (as paved's chart lint reports it).
                        let rest = t[j].trim_start();
                        let indent = t[j].len() - rest.len() + if rest.starts_with("- ") { 2 } else { 0 };
                        Pos::new(j as u32 + 1, indent as u32 + 1)
                    }
                    None => Pos::new(1, 1),
                }
            })
            .collect::<Vec<Pos>>();
        let values = lines
            .iter()
            .map(|p| {
                let line = t.get(p.line.checked_sub(1)? as usize)?;
                // The last value the line reads that a source sets (`repo:tag` → the tag).
                values::values_pointers(line).iter().rev().find_map(|ptr| {
                    sources.iter().find_map(|n| n.pointer(ptr).filter(|v| v.is_scalar()).map(Origin::of))
                })
            })
            .collect();
        Self { lines, values }
    }

    /// Sets every node of `node` to its template position in file `src`.
    fn apply(&self, node: &mut Node, src: u32) {
        let at = |p: Pos| self.lines.get(p.line.saturating_sub(1) as usize).copied().unwrap_or(Pos::new(1, 1));
        let value_at = |p: Pos| self.values.get(p.line.saturating_sub(1) as usize).copied().flatten();
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            let o = match value_at(n.pos).filter(|_| n.is_scalar()) {
                Some(v) => v,
                None => Origin::new(src, at(n.pos)),
            };
            (n.src, n.pos, n.content) = (o.src, o.pos, o.pos);
            match &mut n.value {
                Value::Seq(items) => stack.extend(items.iter_mut()),
                Value::Map(entries) => {
                    for (k, v) in entries.iter_mut() {
                        let ko = Origin::new(src, at(k.pos));
                        (k.src, k.pos, k.content) = (ko.src, ko.pos, ko.pos);
                        stack.push(v);
                    }
                }
                _ => {}
            }
        }
    }
}
