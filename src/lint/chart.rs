//! Helm charts in `paved lint`: each chart directory is rendered in-process (with the values
//! files from the command line and config), its rendered objects are linted like any
//! manifest, and every finding is moved back into the chart: to the template line that
//! produced the flagged line, or to the values.yaml entry the template line reads when the
//! finding is about a value. A chart that cannot be rendered is a `helm-render-error` finding
//! at the template, line and construct, never a crash or a silent skip.
//!
//! Mapping a rendered line back is a heuristic (Go templates keep no source map): an identical
//! line in the template wins; otherwise a line with the same YAML key; the candidate nearest
//! the rendered line's relative position breaks ties.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use regex::Regex;

use super::catalogue::{HELM_DEPENDENCY_MISSING, HELM_RENDER_ERROR};
use super::finding::{Finding, Severity, Suppressed};
use super::repo::FileFacts;
use super::repo::units::UnitTag;
use super::suppress::Suppression;
use crate::helm::{self, RenderErrorKind, RenderOptions};
use crate::parse::Pos;
use crate::parse::yaml::{self, Node};

static ACTION: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{\{.*?\}\}").expect("valid regex"));

/// A template line as a pattern over rendered lines: literal text kept, each `{{ }}` action any
/// text (`- name: {{ .Chart.Name }}-sidecar` matches `- name: web-sidecar`).
fn line_pattern(template_line: &str) -> Option<Regex> {
    let t = template_line.trim();
    if !t.contains("{{")
        || t.starts_with("{{") && t.ends_with("}}") && ACTION.find(t).is_some_and(|m| m.len() == t.len())
    {
        return None;
    }
    let mut pattern = String::from("^");
    let mut last = 0;
    for m in ACTION.find_iter(t) {
        pattern.push_str(&regex::escape(&t[last..m.start()]));
        pattern.push_str(".*?");
        last = m.end();
    }
    pattern.push_str(&regex::escape(&t[last..]));
    pattern.push('$');
    Regex::new(&pattern).ok()
}

/// One chart file's findings after mapping: the findings, the suppressed ones, and the file's
/// text for reporters.
pub struct Mapped {
    pub display: String,
    pub fs_path: PathBuf,
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
    pub text: String,
}

/// Where a rendered position lands in the chart.
struct Mapper<'a> {
    template_display: String,
    template_lines: Vec<&'a str>,
    values_display: String,
    values: Option<&'a Node>,
    values_lines: Vec<&'a str>,
    /// The values files this rendering used on top of values.yaml (`--values`, a `ci/` file), in
    /// order: a value they set is where the value comes from.
    overlays: Vec<(&'a str, &'a Node)>,
}

fn key_of(line: &str) -> Option<&str> {
    let t = line.trim_start().trim_start_matches("- ").trim_start();
    let (k, _) = t.split_once(':')?;
    let k = k.trim().trim_matches('"');
    (!k.is_empty() && !k.contains(' ')).then_some(k)
}

fn nearest(candidates: &[usize], target: f64) -> Option<usize> {
    candidates.iter().copied().min_by(|a, b| {
        let (da, db) = ((*a as f64 - target).abs(), (*b as f64 - target).abs());
        da.partial_cmp(&db).unwrap_or(std::cmp::Ordering::Equal)
    })
}

/// The key of the mapping or list that line `i` sits in: the nearest line above that is less
/// indented (or, for a list item, a key at the same indentation), skipping lines that are only
/// template actions. `- name: http` under `ports:` and `- name: web` under `containers:` differ.
fn parent_key<'a>(lines: &[&'a str], i: usize) -> Option<&'a str> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let line = lines.get(i)?;
    let (n, item) = (indent(line), line.trim_start().starts_with("- "));
    for l in lines[..i].iter().rev() {
        let t = l.trim();
        if t.is_empty() || t.starts_with('#') || (t.starts_with("{{") && t.ends_with("}}")) {
            continue;
        }
        let m = indent(l);
        if m < n || (item && m == n && !t.starts_with("- ") && t.ends_with(':')) {
            return key_of(l);
        }
    }
    None
}

impl Mapper<'_> {
    /// Candidates that may sit under the same parent key as rendered line `r` (theirs is the
    /// same or cannot be told); with `lenient`, all of them when none does.
    fn same_parent(&self, rendered: &[&str], r: usize, candidates: Vec<usize>, lenient: bool) -> Vec<usize> {
        let Some(parent) = parent_key(rendered, r) else { return candidates };
        let same: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&i| parent_key(&self.template_lines, i).is_none_or(|p| p == parent))
            .collect();
        if same.is_empty() && lenient { candidates } else { same }
    }

    /// (path, line, col) in the chart for `line`:`col` of rendered `text` (1-based).
    fn map(&self, text: &str, line: u32, col: u32) -> (String, Pos) {
        let rendered: Vec<&str> = text.lines().collect();
        let ri = line.saturating_sub(1) as usize;
        let Some(r) = rendered.get(ri) else {
            return (self.template_display.clone(), Pos::new(1, 1));
        };
        let target = (line as f64 - 1.0) / rendered.len().max(1) as f64 * self.template_lines.len() as f64;
        let exact: Vec<usize> = (0..self.template_lines.len())
            .filter(|&i| self.template_lines[i].trim() == r.trim() && !r.trim().is_empty())
            .collect();
        let exact = self.same_parent(&rendered, ri, exact, false);
        if let Some(i) = nearest(&exact, target) {
            return (self.template_display.clone(), Pos::new(i as u32 + 1, col));
        }
        let patterned: Vec<usize> = (0..self.template_lines.len())
            .filter(|&i| line_pattern(self.template_lines[i]).is_some_and(|p| p.is_match(r.trim())))
            .collect();
        let patterned = self.same_parent(&rendered, ri, patterned, false);
        let keyed: Vec<usize> = match key_of(r) {
            Some(key) => {
                (0..self.template_lines.len()).filter(|&i| key_of(self.template_lines[i]) == Some(key)).collect()
            }
            None => Vec::new(),
        };
        let keyed = self.same_parent(&rendered, ri, keyed, true);
        let Some(i) = nearest(&patterned, target).or_else(|| nearest(&keyed, target)) else {
            // Not in the template: a block the template copies from the values (`toYaml`).
            // The one values.yaml line with the same text, if there is exactly one.
            let same: Vec<usize> = (0..self.values_lines.len())
                .filter(|&i| self.values_lines[i].trim() == r.trim() && !r.trim().is_empty())
                .collect();
            if let [i] = same[..] {
                let indent = |l: &str| (l.len() - l.trim_start().len()) as u32;
                let col = (col.saturating_sub(indent(r)) + indent(self.values_lines[i])).max(1);
                return (self.values_display.clone(), Pos::new(i as u32 + 1, col));
            }
            return (self.template_display.clone(), Pos::new(1, 1));
        };
        let tline = self.template_lines[i];
        // A finding about the value of a line that reads .Values points at that value.
        let value_col = r.find(':').map(|c| r[..c].chars().count() as u32 + 2).unwrap_or(u32::MAX);
        if col > value_col {
            let refs = helm::values::values_pointers(tline);
            let scalar =
                |root: &Node| refs.iter().rev().filter_map(|p| root.pointer(p)).find(|n| n.is_scalar()).map(|n| n.pos);
            for (display, root) in self.overlays.iter().rev() {
                if let Some(pos) = scalar(root) {
                    return (display.to_string(), pos);
                }
            }
            if let Some(pos) = self.values.and_then(scalar) {
                return (self.values_display.clone(), pos);
            }
        }
        // The key's column (after any `- `), as a finding on a rendered key would have.
        let indent = tline.chars().take_while(|c| c.is_whitespace()).count();
        let dash = if tline[tline.len() - tline.trim_start().len()..].starts_with("- ") { 2 } else { 0 };
        (self.template_display.clone(), Pos::new(i as u32 + 1, (indent + dash) as u32 + 1))
    }
}

/// A render failure as a finding in the chart.
fn render_error(chart_display: &str, e: &helm::RenderError) -> Finding {
    let path = match (&e.kind, &e.file) {
        (RenderErrorKind::Values, Some(f)) => f.clone(),
        (_, Some(f)) => format!("{chart_display}/{f}"),
        _ => format!("{chart_display}/Chart.yaml"),
    };
    // YAML errors are positioned in the rendered output, not the template.
    let (line, col) =
        if matches!(e.kind, RenderErrorKind::Yaml) { (1, None) } else { (e.line.max(1), (e.col > 0).then_some(e.col)) };
    Finding {
        rule: HELM_RENDER_ERROR.to_string(),
        severity: Severity::Error,
        path,
        line,
        column: col,
        message: format!("chart {} cannot be rendered: {e}", e.chart),
        help: String::new(),
        fix: None,
        hint: None,
    }
}

/// What linting one rendered template's text produced (in rendered coordinates). Suppressions
/// are applied later, with the cross-file findings the template also gets.
pub struct RenderedLint {
    pub findings: Vec<Finding>,
    /// The suppressions the rendered text carries (comments and annotations come through).
    pub suppressions: Vec<Suppression>,
    /// What the rendered objects contribute to the repository model (their containers), in
    /// rendered coordinates, under the template's display path.
    pub facts: Option<FileFacts>,
}

/// A chart's values.yaml, shared by the templates that read it.
struct Values {
    display: String,
    path: PathBuf,
    text: String,
    root: Option<Node>,
}

/// One template's rendered text and what it takes to move a rendered position into the chart.
pub struct RenderedTemplate {
    chart: String,
    file: String,
    display: String,
    path: PathBuf,
    text: String,
    rendered: String,
    /// (first rendered line, `Kind "name"`) of each rendered object, in order.
    objects: Vec<(u32, String)>,
    values: Arc<Values>,
    /// The values files rendered on top of values.yaml.
    overlays: Arc<Vec<Values>>,
    /// The `ci/` values file of this rendering (`None`: the chart's defaults), for messages.
    variant: Option<String>,
}

impl RenderedTemplate {
    /// The template's display path (`chart/templates/deployment.yaml`).
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The mapper from this template's rendered text into the chart (built once per template).
    fn mapper(&self) -> Mapper<'_> {
        Mapper {
            template_display: self.display.clone(),
            template_lines: self.text.lines().collect(),
            values_display: self.values.display.clone(),
            values: self.values.root.as_ref(),
            values_lines: self.values.text.lines().collect(),
            overlays: self.overlays.iter().filter_map(|o| Some((o.display.as_str(), o.root.as_ref()?))).collect(),
        }
    }

    /// A finding against the rendered text, moved to the template line or values.yaml entry,
    /// its message naming the chart, template and rendered object.
    fn relocate(&self, mapper: &Mapper, mut f: Finding) -> Finding {
        let (path, pos) = mapper.map(&self.rendered, f.line, f.column.unwrap_or(1));
        let object = self.objects.iter().rev().find(|(start, _)| *start <= f.line).map_or("", |(_, o)| o.as_str());
        let with = self.variant.as_ref().map(|v| format!(" with {v}")).unwrap_or_default();
        f.message = format!("{} (chart {}, {}, rendered {object}{with})", f.message, self.chart, self.file);
        f.path = path;
        f.line = pos.line;
        f.column = Some(pos.col);
        f
    }

    /// The entry of `out` for chart file `path` (the template or values.yaml).
    fn slot<'a>(&self, out: &'a mut BTreeMap<String, Mapped>, path: &str) -> &'a mut Mapped {
        let overlay = self.overlays.iter().find(|o| o.display == path);
        let (fs, text) = match overlay {
            Some(o) => (&o.path, &o.text),
            None if path == self.values.display => (&self.values.path, &self.values.text),
            None => (&self.path, &self.text),
        };
        out.entry(path.to_string()).or_insert_with(|| Mapped {
            display: path.to_string(),
            fs_path: fs.clone(),
            findings: Vec::new(),
            suppressed: Vec::new(),
            text: text.clone(),
        })
    }

    /// Relocates `findings` and `suppressed` and groups them by the chart file they now point
    /// at (the template or values.yaml), into `out`.
    pub fn mapped_into(&self, findings: Vec<Finding>, suppressed: Vec<Suppressed>, out: &mut BTreeMap<String, Mapped>) {
        if findings.is_empty() && suppressed.is_empty() {
            return;
        }
        let mapper = self.mapper();
        for f in findings {
            let f = self.relocate(&mapper, f);
            self.slot(out, &f.path).findings.push(f);
        }
        for mut s in suppressed {
            s.finding = self.relocate(&mapper, s.finding);
            self.slot(out, &s.finding.path).suppressed.push(s);
        }
    }
}

/// One template's lint, in rendered coordinates, with the way back into the chart.
pub struct LintedTemplate {
    pub template: RenderedTemplate,
    pub lint: RenderedLint,
}

/// What linting one chart produced: every rendered template's lint (of each values variant),
/// and findings about the chart itself (render errors, missing dependencies).
pub struct ChartLint {
    pub templates: Vec<LintedTemplate>,
    pub chart_findings: Vec<Mapped>,
}

/// A values file, read and parsed for mapping (empty when it cannot be read).
fn read_values(path: &Path, display: String) -> Values {
    let text = crate::vfs::read_to_string(path).unwrap_or_default();
    let root =
        yaml::parse_stream(&text, &yaml::Limits::default()).unwrap_or_default().into_iter().next().map(|d| d.root);
    Values { display, path: path.to_path_buf(), text, root }
}

/// The chart-testing convention's values files: `ci/*-values.yaml`, sorted.
fn ci_values(chart_dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(chart_dir.join("ci"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.ends_with("-values.yaml") || n.ends_with("-values.yml"))
        })
        .collect();
    out.sort();
    out
}

/// A finding in a chart file (Chart.yaml, a template), with the file's text for reporters.
fn chart_file_finding(chart_dir: &Path, file: &str, f: Finding) -> Mapped {
    let fs_path = if Path::new(file).is_absolute() { PathBuf::from(file) } else { chart_dir.join(file) };
    let text = crate::vfs::read_to_string(&fs_path).unwrap_or_default();
    Mapped { display: f.path.clone(), fs_path, findings: vec![f], suppressed: Vec::new(), text }
}

/// The line of dependency `name`'s entry in Chart.yaml.
fn dependency_pos(chart_dir: &Path, name: &str) -> Pos {
    let text = crate::vfs::read_to_string(&chart_dir.join("Chart.yaml")).unwrap_or_default();
    let docs = yaml::parse_stream(&text, &yaml::Limits::default()).unwrap_or_default();
    let Some(root) = docs.first().map(|d| &d.root) else { return Pos::new(1, 1) };
    root.get("dependencies")
        .and_then(Node::as_seq)
        .into_iter()
        .flatten()
        .find(|d| d.get("name").and_then(Node::as_str) == Some(name))
        .map_or(Pos::new(1, 1), |d| d.pos)
}

/// The file a render error is reported in (relative to the chart, or the values file's path).
fn error_file(e: &helm::RenderError) -> String {
    e.file.clone().unwrap_or_else(|| "Chart.yaml".into())
}

/// Renders `chart_dir` — with its defaults and once per `ci/*-values.yaml` — and lints each
/// template's objects with `lint_text` (the caller maps positions back with
/// [`RenderedTemplate::mapped_into`], once cross-file findings are known, and reports a finding
/// that several variants share once). Dependencies that are not vendored are left out of the
/// render, each an `info` finding at its Chart.yaml entry. When only the defaults fail to
/// render (a value the chart requires), that failure is a warning naming the values files that
/// rendered.
pub fn lint_chart(
    chart_dir: &Path,
    chart_display: &str,
    values_files: &[PathBuf],
    kubernetes_version: &str,
    lint_text: &mut dyn FnMut(&str, &str) -> RenderedLint,
) -> ChartLint {
    // Rendered for the cluster the repository targets (`kubernetes-version`): what
    // `.Capabilities` says there decides the branches a chart takes, and so its API versions.
    let kube_version = Some(format!("v{kubernetes_version}.0"));
    let removed_apis = Some(super::kubernetes_apis::removed_at(kubernetes_version));
    let mut out = ChartLint { templates: Vec::new(), chart_findings: Vec::new() };
    let mut variants: Vec<(Option<String>, Vec<PathBuf>)> = vec![(None, values_files.to_vec())];
    for ci in ci_values(chart_dir) {
        let name = ci.strip_prefix(chart_dir).unwrap_or(&ci).to_string_lossy().replace('\\', "/");
        let mut files = values_files.to_vec();
        files.push(ci);
        variants.push((Some(name), files));
    }
    // values.yaml, read once for every rendering that maps findings into it.
    let mut values: Option<Arc<Values>> = None;
    let mut default_error = None;
    let mut rendered_variants = Vec::new();
    let mut missing_reported = false;
    for (name, files) in variants {
        // Seeded: the same chart renders the same random names (in messages) every run.
        let opts = RenderOptions {
            values_files: files,
            allow_missing_dependencies: true,
            seed: Some(0x0070_6176_6564),
            kube_version: kube_version.clone(),
            removed_apis: removed_apis.clone(),
            ..RenderOptions::default()
        };
        let rendered = match helm::render(chart_dir, &opts) {
            Ok(r) => r,
            Err(e) => {
                let mut f = render_error(chart_display, &e);
                match &name {
                    None => default_error = Some((f, error_file(&e))),
                    Some(n) => {
                        f.message = format!("{} (with {n})", f.message);
                        out.chart_findings.push(chart_file_finding(chart_dir, &error_file(&e), f));
                    }
                }
                continue;
            }
        };
        if !missing_reported {
            missing_reported = true;
            for dep in &rendered.missing_dependencies {
                let pos = dependency_pos(chart_dir, dep);
                let f = Finding {
                    rule: HELM_DEPENDENCY_MISSING.to_string(),
                    severity: Severity::Info,
                    path: format!("{chart_display}/Chart.yaml"),
                    line: pos.line,
                    column: Some(pos.col),
                    message: format!(
                        "dependency {dep:?} of chart {} is not vendored in charts/ (it needs `helm dependency build`): \
                         the chart was linted without it",
                        rendered.chart
                    ),
                    help: String::new(),
                    fix: None,
                    hint: None,
                };
                out.chart_findings.push(chart_file_finding(chart_dir, "Chart.yaml", f));
            }
        }
        rendered_variants.push(name.clone().unwrap_or_else(|| "its default values".into()));
        let overlays = opts
            .values_files
            .iter()
            .map(|f| {
                let display = match f.strip_prefix(chart_dir) {
                    Ok(rel) => format!("{chart_display}/{}", rel.to_string_lossy()),
                    Err(_) => f.to_string_lossy().into_owned(),
                };
                read_values(f, display)
            })
            .collect();
        let values = values.get_or_insert_with(|| {
            Arc::new(read_values(&chart_dir.join("values.yaml"), format!("{chart_display}/values.yaml")))
        });
        let unit = UnitTag {
            kind: "chart",
            path: chart_display.to_string(),
            variant: name.clone(),
            complete: rendered.missing_dependencies.is_empty(),
        };
        let templates =
            lint_rendered_chart(chart_dir, chart_display, rendered, (values, Arc::new(overlays)), lint_text);
        out.templates.extend(templates.into_iter().map(|mut t| {
            t.template.variant = name.clone();
            if let Some(f) = t.lint.facts.as_mut() {
                f.unit = Some(unit.clone());
            }
            t
        }));
    }
    if let Some((mut f, file)) = default_error {
        if !rendered_variants.is_empty() {
            f.severity = Severity::Warning;
            f.message = format!(
                "{} (with its default values only; it renders with {}, which were linted)",
                f.message,
                rendered_variants.join(", ")
            );
        }
        out.chart_findings.insert(0, chart_file_finding(chart_dir, &file, f));
    }
    out
}

/// Lints the templates of one rendering.
fn lint_rendered_chart(
    chart_dir: &Path,
    chart_display: &str,
    rendered: helm::Rendered,
    (values, overlays): (&Arc<Values>, Arc<Vec<Values>>),
    lint_text: &mut dyn FnMut(&str, &str) -> RenderedLint,
) -> Vec<LintedTemplate> {
    // Documents grouped by the template file that produced them.
    let mut by_template: BTreeMap<String, Vec<&helm::Document>> = BTreeMap::new();
    for d in rendered.all() {
        by_template.entry(d.file.clone().unwrap_or_else(|| d.source.clone())).or_default().push(d);
    }
    let mut linted = Vec::new();
    for (file, docs) in by_template {
        let display = format!("{chart_display}/{file}");
        let path = chart_dir.join(&file);
        let text = crate::vfs::read_to_string(&path).unwrap_or_default();
        let rendered_text = docs.iter().map(|d| d.text.as_str()).collect::<Vec<_>>().join("\n---\n");
        let lint = lint_text(&display, &rendered_text);
        let mut objects = Vec::new();
        let mut start = 1;
        for d in &docs {
            objects.push((start, format!("{} {:?}", d.kind, d.name)));
            start += d.text.lines().count() as u32 + 1;
        }
        let template = RenderedTemplate {
            chart: rendered.chart.clone(),
            file,
            display,
            path,
            text,
            rendered: rendered_text,
            objects,
            values: values.clone(),
            overlays: overlays.clone(),
            variant: None,
        };
        linted.push(LintedTemplate { template, lint });
    }
    linted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_rendered_lines_to_template_and_values() {
        let template = "spec:\n  containers:\n    - name: {{ .Chart.Name }}\n      image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n      ports:\n        - containerPort: 80\n";
        let values_text = "image:\n  repository: nginx\n  tag: latest\n";
        let values = yaml::parse_stream(values_text, &yaml::Limits::default()).unwrap();
        let m = Mapper {
            template_display: "c/templates/d.yaml".into(),
            template_lines: template.lines().collect(),
            values_display: "c/values.yaml".into(),
            values: Some(&values[0].root),
            values_lines: values_text.lines().collect(),
            overlays: Vec::new(),
        };
        let rendered = "spec:\n  containers:\n    - name: web\n      image: \"nginx:latest\"\n      ports:\n        - containerPort: 80\n";
        // The container entry → the template's `- name:` line.
        assert_eq!(m.map(rendered, 3, 7), ("c/templates/d.yaml".into(), Pos::new(3, 7)));
        // The image value → values.yaml's tag.
        assert_eq!(m.map(rendered, 4, 14), ("c/values.yaml".into(), Pos::new(3, 8)));
        // An identical line maps to itself.
        assert_eq!(m.map(rendered, 6, 11), ("c/templates/d.yaml".into(), Pos::new(6, 11)));
        // A line whose literal parts match wins over one that only shares the key.
        let two = "    - name: {{ .Chart.Name }}-{{ .Values.sidecar }}\n    - name: {{ .Chart.Name }}\n";
        let m2 = Mapper { template_lines: two.lines().collect(), ..m };
        assert_eq!(m2.map("    - name: alertmanager\n", 1, 7).1, Pos::new(2, 7));
    }

    #[test]
    fn a_sidecar_maps_to_its_container_not_a_port_named_like_it() {
        let template = "spec:\n  containers:\n    - name: app\n      ports:\n        - name: reloader\n          containerPort: 9533\n    {{- if .Values.reloader.enabled }}\n    - name: {{ .Values.reloader.name }}\n      image: reloader:1\n    {{- end }}\n";
        let m = Mapper {
            template_display: "c/templates/d.yaml".into(),
            template_lines: template.lines().collect(),
            values_display: "c/values.yaml".into(),
            values: None,
            values_lines: Vec::new(),
            overlays: Vec::new(),
        };
        let rendered = "spec:\n  containers:\n    - name: app\n      ports:\n        - name: reloader\n          containerPort: 9533\n    - name: reloader\n      image: reloader:1\n";
        assert_eq!(m.map(rendered, 7, 7), ("c/templates/d.yaml".into(), Pos::new(8, 7)));
        // The port entry itself still maps to the port entry.
        assert_eq!(m.map(rendered, 5, 11).1, Pos::new(5, 11));
    }
}
