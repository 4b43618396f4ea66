//! `helm template`, in-process: load the chart, compute its values, select subcharts, validate
//! the values against the schemas, render every template with the template engine and return
//! the documents in Helm's order. Errors are structured ([`RenderError`]: chart, file, template,
//! line, column, kind) because `paved lint` turns them into `helm-render-error` findings.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::chart::{Chart, ChartError};
use super::manifest::{self, Document};
use super::objects::{self, KubeVersion};
use super::scope::{self, Scope};
use super::template::{Engine, Limits, TemplateError, Value};
use super::values::{self, Map};
use super::{deps, schema};

/// The whole rendered output is bounded (beyond the engine's per-template bound).
const MAX_TOTAL_OUTPUT: usize = 64 << 20;

/// What `helm template` would be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderOptions {
    /// `--values` files, merged in order (later files win).
    pub values_files: Vec<PathBuf>,
    /// Release name (`helm template`'s default is `release-name`).
    pub release: String,
    pub namespace: String,
    /// Kubernetes version for `.Capabilities.KubeVersion`; `None` is Helm's default (v1.36.0).
    pub kube_version: Option<String>,
    /// Render as for a cluster rather than as `helm template` does: `.Capabilities.APIVersions`
    /// leaves out the `group/version`s listed, `Has` of a listed `group/version/Kind` is false,
    /// and `Has` of any other kind of a served `group/version` is true (discovery lists kinds;
    /// `helm template`'s built-in list does not). `None`: `helm template`'s list, unchanged.
    pub removed_apis: Option<Vec<String>>,
    /// Render without the dependencies Chart.yaml declares but `charts/` lacks (`helm
    /// template` refuses such a chart; `paved lint` lints what is there and says what is not).
    pub allow_missing_dependencies: bool,
    /// Seed for the random functions (`randAlphaNum`, `uuidv4`, ...): `Some` makes the render
    /// reproducible (`paved lint`); `None` is random, as in Helm.
    pub seed: Option<u64>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self {
            values_files: Vec::new(),
            release: "release-name".into(),
            namespace: "default".into(),
            kube_version: None,
            removed_apis: None,
            allow_missing_dependencies: false,
            seed: None,
        }
    }
}

/// A rendered chart: its documents in `helm template` order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The chart's name.
    pub chart: String,
    /// The manifests, in Helm's install order.
    pub documents: Vec<Document>,
    /// Hooks (`helm.sh/hook`), which `helm template` prints after the manifests.
    pub hooks: Vec<Document>,
    /// What was rendered with less checking than Helm would apply (a schema with a remote
    /// `$ref`, a NOTES.txt using a function paved lacks).
    pub warnings: Vec<String>,
    /// Dependencies left out because `charts/` lacks them (with `allow_missing_dependencies`).
    pub missing_dependencies: Vec<String>,
}

impl Rendered {
    /// Manifests, then hooks.
    pub fn all(&self) -> impl Iterator<Item = &Document> {
        self.documents.iter().chain(&self.hooks)
    }

    /// The output of `helm template`: `---`, `# Source: ...`, then the document, for each.
    pub fn manifest(&self) -> String {
        let mut out = String::new();
        for doc in &self.documents {
            out.push_str(&format!("---\n# Source: {}\n{}\n", doc.source, doc.text));
        }
        let mut out = if out.trim().is_empty() { String::new() } else { format!("{}\n", out.trim()) };
        for doc in &self.hooks {
            out.push_str(&format!("---\n# Source: {}\n{}\n", doc.source, doc.text));
        }
        out
    }
}

/// What went wrong, for the `helm-render-error` finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderErrorKind {
    /// The chart cannot be loaded (Chart.yaml, values.yaml, archive, files); `file` is set.
    Load,
    /// A `--values` file cannot be read or parsed; `file` is that file.
    Values,
    /// A dependency in Chart.yaml has no chart in `charts/`.
    Dependencies,
    /// The values break values.schema.json of the chart or a subchart.
    Schema,
    /// The chart's `kubeVersion` excludes the Kubernetes version rendered for.
    KubeVersion,
    /// The release name is not valid.
    ReleaseName,
    /// A template failed to parse or execute; `template`, `line` and `col` locate it.
    Template(TemplateFailure),
    /// A rendered document is not valid YAML; `line`/`col` are in the template's rendered output.
    Yaml,
}

/// The template engine's error kinds (parse, exec, `fail`, `required`, unknown function,
/// limit), as render errors report them.
pub use super::template::ErrorKind as TemplateFailure;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError {
    /// The chart's name (or its path when it could not be loaded).
    pub chart: String,
    pub kind: RenderErrorKind,
    /// The file at fault: relative to the chart directory for chart files and templates
    /// (`templates/x.yaml`), as given for `--values` files. `None` when unknown.
    pub file: Option<String>,
    /// Helm's template name (`CHART/templates/x.yaml`) for template and YAML errors.
    pub template: Option<String>,
    /// 1-based; 0 when unknown.
    pub line: u32,
    pub col: u32,
    pub message: String,
}

impl RenderError {
    fn new(chart: &str, kind: RenderErrorKind, message: impl Into<String>) -> Self {
        Self { chart: chart.into(), kind, file: None, template: None, line: 0, col: 0, message: message.into() }
    }

    fn located(mut self, file: Option<String>, line: u32, col: u32) -> Self {
        self.file = file;
        self.line = line;
        self.col = col;
        self
    }
}

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = match (&self.kind, &self.template, &self.file) {
            (RenderErrorKind::Yaml, Some(t), _) => {
                return write!(
                    f,
                    "YAML parse error on {t} (line {}, column {} of its rendered output): {}",
                    self.line, self.col, self.message
                );
            }
            (RenderErrorKind::Template(_), Some(t), _) => t.clone(),
            (_, _, Some(file)) => file.clone(),
            _ => return write!(f, "chart {}: {}", self.chart, self.message),
        };
        match (self.line, self.col) {
            (0, _) => write!(f, "{place}: {}", self.message),
            (l, 0) => write!(f, "{place}:{l}: {}", self.message),
            (l, c) => write!(f, "{place}:{l}:{c}: {}", self.message),
        }
    }
}

impl std::error::Error for RenderError {}

/// Renders the chart directory or archive at `chart_dir` like `helm template`.
pub fn render(chart_dir: &Path, opts: &RenderOptions) -> Result<Rendered, RenderError> {
    let display = chart_dir.display().to_string();
    check_release_name(&opts.release).map_err(|m| RenderError::new(&display, RenderErrorKind::ReleaseName, m))?;
    let chart = Chart::load(chart_dir).map_err(|e| load_error(&display, &display, e))?;
    let mut user = Map::new();
    for file in &opts.values_files {
        let vals = values::read_values_file(file).map_err(|e| {
            let pos = e.pos.unwrap_or_default();
            RenderError::new(chart.name(), RenderErrorKind::Values, e.message).located(Some(e.file), pos.line, pos.col)
        })?;
        values::merge_maps(&mut user, vals);
    }
    render_chart(chart, &user, opts)
}

fn load_error(chart: &str, origin: &str, e: ChartError) -> RenderError {
    let file = e.file.strip_prefix(origin).map(|f| f.trim_start_matches('/').to_owned()).unwrap_or(e.file);
    let pos = e.pos.unwrap_or_default();
    RenderError::new(chart, RenderErrorKind::Load, e.message).located(Some(file), pos.line, pos.col)
}

/// Helm's release name rule (DNS-1123 subdomain, at most 53 characters).
fn check_release_name(name: &str) -> Result<(), String> {
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    if name.is_empty() || name.len() > 53 || !name.split('.').all(label_ok) {
        return Err(format!(
            "release name {name:?}: invalid release name, must be lowercase letters, digits, '-' and '.', \
             start and end with a letter or digit, and be at most 53 characters"
        ));
    }
    Ok(())
}

/// Renders a loaded chart with already merged user values (for callers that hold the chart).
pub fn render_chart(chart: Chart, user: &Map, opts: &RenderOptions) -> Result<Rendered, RenderError> {
    match opts.seed {
        Some(seed) => crate::helm::template::with_seed(seed, || render_unseeded(chart, user, opts)),
        None => render_unseeded(chart, user, opts),
    }
}

fn render_unseeded(mut chart: Chart, user: &Map, opts: &RenderOptions) -> Result<Rendered, RenderError> {
    let name = chart.name().to_owned();
    if !matches!(chart.metadata.chart_type.as_str(), "" | "application") {
        return Err(RenderError::new(
            &name,
            RenderErrorKind::Load,
            format!("{} charts are not installable", chart.metadata.chart_type),
        )
        .located(Some("Chart.yaml".into()), 0, 0));
    }
    let missing = deps::missing(&chart);
    if !missing.is_empty() && opts.allow_missing_dependencies {
        if let Some(deps) = chart.metadata.dependencies.as_mut() {
            deps.retain(|d| !missing.contains(&d.name));
        }
    } else if !missing.is_empty() {
        return Err(RenderError::new(
            &name,
            RenderErrorKind::Dependencies,
            format!(
                "found in Chart.yaml, but missing in charts/ directory: {} (run `helm dependency build`)",
                missing.join(", ")
            ),
        )
        .located(Some("Chart.yaml".into()), 0, 0));
    }
    let semver = SemverCheck::new();
    deps::process(&mut chart, user, &|c, v| semver.check(c, v));
    let kube = match &opts.kube_version {
        Some(v) => KubeVersion::parse(v).map_err(|m| RenderError::new(&name, RenderErrorKind::KubeVersion, m))?,
        None => KubeVersion::default(),
    };
    let vals = values::coalesce(&chart, user);
    let mut warnings = schema::validate(&chart, &vals).map_err(|report| {
        RenderError::new(
            &name,
            RenderErrorKind::Schema,
            format!("values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"),
        )
        .located(Some("values.schema.json".into()), 0, 0)
    })?;
    let constraint = &chart.metadata.kube_version;
    if !constraint.is_empty() && !semver.check(constraint, &kube.normalized) {
        return Err(RenderError::new(
            &name,
            RenderErrorKind::KubeVersion,
            format!("chart requires kubeVersion: {constraint} which is incompatible with Kubernetes {}", kube.version),
        )
        .located(Some("Chart.yaml".into()), 0, 0));
    }
    let ctx = scope::Context {
        release: objects::release_object(&opts.release, &opts.namespace),
        capabilities: objects::capabilities_object(&kube, &[], opts.removed_apis.as_deref()),
    };
    let outputs = render_templates(&chart, &vals, &ctx)?;
    warnings.extend(outputs.warnings);
    let files: HashMap<&str, Option<&str>> = outputs.files.iter().map(|(k, v)| (k.as_str(), v.as_deref())).collect();
    let file_of = |t: &str| files.get(t).copied().flatten().map(str::to_owned);
    let sorted = manifest::sort_manifests(&outputs.rendered, &file_of).map_err(|e| RenderError {
        chart: name.clone(),
        kind: RenderErrorKind::Yaml,
        file: file_of(&e.source),
        template: Some(e.source),
        line: e.pos.line,
        col: e.pos.col,
        message: e.message,
    })?;
    warnings.extend(sorted.dropped);
    let missing_dependencies = if opts.allow_missing_dependencies { missing } else { Vec::new() };
    Ok(Rendered { chart: name, documents: sorted.manifests, hooks: sorted.hooks, warnings, missing_dependencies })
}

/// Semver constraint checks with the engine's own `semverCompare` (Masterminds semantics, as
/// Helm's `IsCompatibleRange`).
struct SemverCheck(Option<Engine>);

impl SemverCheck {
    const NAME: &'static str = "paved-semver-check";

    fn new() -> Self {
        let mut engine = Engine::new(Limits::default());
        Self(engine.parse(Self::NAME, "{{ semverCompare .c .v }}").ok().map(|_| engine))
    }

    fn check(&self, constraint: &str, version: &str) -> bool {
        // Masterminds rejects an empty constraint: an unversioned dependency matches no chart.
        if constraint.trim().is_empty() {
            return false;
        }
        let Some(engine) = &self.0 else { return false };
        let data: BTreeMap<String, Value> = [("c", constraint), ("v", version)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Value::String(v.to_owned())))
            .collect();
        engine.render(Self::NAME, &Value::Map(data)).is_ok_and(|out| out.trim() == "true")
    }
}

/// Every template's output (partials excluded) and each template's file in the chart.
struct Outputs {
    rendered: BTreeMap<String, String>,
    files: BTreeMap<String, Option<String>>,
    warnings: Vec<String>,
}

fn render_templates(chart: &Chart, vals: &Map, ctx: &scope::Context) -> Result<Outputs, RenderError> {
    let name = chart.name();
    let mut engine = Engine::new(Limits::default());
    engine.set_strict(false);
    let to_yaml = super::files::ToYaml::new(&engine)
        .map_err(|m| RenderError::new(name, RenderErrorKind::Template(TemplateFailure::Exec), m))?;
    let mut templates: Vec<Scope> = Vec::new();
    scope::collect(chart, vals, ctx, &to_yaml, &mut templates);
    // Helm parses deeper paths first, then in reverse lexical order; a later `define` wins.
    templates.sort_by(|a, b| (b.name.matches('/').count(), &b.name).cmp(&(a.name.matches('/').count(), &a.name)));
    let files: BTreeMap<String, Option<String>> = templates.iter().map(|t| (t.name.clone(), t.file.clone())).collect();
    let sources: HashMap<&str, &str> = templates.iter().map(|t| (t.name.as_str(), t.source.as_str())).collect();
    let locate = Locator { files: &files, sources: &sources };
    for t in &templates {
        engine.parse(&t.name, &t.source).map_err(|e| template_error(name, &e, &locate))?;
    }
    let mut rendered = BTreeMap::new();
    let mut warnings = Vec::new();
    let mut total = 0usize;
    for t in &templates {
        if t.name.rsplit('/').next().is_some_and(|base| base.starts_with('_')) {
            continue;
        }
        let data = t.data_for_render();
        let notes = t.name.ends_with("NOTES.txt");
        let out = match engine.render(&t.name, &data) {
            Ok(out) => out,
            // NOTES.txt is rendered (its errors fail Helm too) but never printed: a function or
            // limit the renderer lacks there must not hide the chart's manifests.
            Err(e) if notes && matches!(e.kind, TemplateFailure::UnknownFunction | TemplateFailure::Limit) => {
                warnings.push(format!("{}: not rendered: {}", t.name, e.message));
                continue;
            }
            Err(e) => return Err(template_error(name, &e, &locate)),
        };
        if notes {
            continue;
        }
        total += out.len();
        if total > MAX_TOTAL_OUTPUT {
            return Err(RenderError {
                template: Some(t.name.clone()),
                ..RenderError::new(
                    name,
                    RenderErrorKind::Template(TemplateFailure::Limit),
                    format!("the rendered chart exceeds {MAX_TOTAL_OUTPUT} bytes"),
                )
                .located(t.file.clone(), 0, 0)
            });
        }
        rendered.insert(t.name.clone(), out);
    }
    Ok(Outputs { rendered, files, warnings })
}

/// Maps the engine's template names and Go columns (0-based byte offsets) to chart files and
/// 1-based character columns.
struct Locator<'a> {
    files: &'a BTreeMap<String, Option<String>>,
    sources: &'a HashMap<&'a str, &'a str>,
}

impl Locator<'_> {
    fn column(&self, template: &str, line: u32, go_col: u32) -> u32 {
        let text = self.sources.get(template).and_then(|src| src.lines().nth(line.checked_sub(1)? as usize));
        let chars = text.and_then(|l| l.get(..go_col as usize)).map_or(go_col as usize, |p| p.chars().count());
        chars as u32 + 1
    }
}

fn template_error(chart: &str, e: &TemplateError, locate: &Locator) -> RenderError {
    RenderError {
        chart: chart.to_owned(),
        kind: RenderErrorKind::Template(e.kind),
        file: locate.files.get(&e.template).cloned().flatten(),
        template: Some(e.template.clone()),
        line: e.line,
        col: if e.line == 0 { 0 } else { locate.column(&e.template, e.line, e.col) },
        message: e.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names() {
        assert!(check_release_name("release-name").is_ok());
        assert!(check_release_name("a.b-c").is_ok());
        assert!(check_release_name("Bad").is_err());
        assert!(check_release_name(&"a".repeat(54)).is_err());
    }

    #[test]
    fn errors_display_their_location() {
        let e = RenderError {
            template: Some("c/templates/x.yaml".into()),
            ..RenderError::new("c", RenderErrorKind::Template(TemplateFailure::Fail), "boom").located(
                Some("templates/x.yaml".into()),
                3,
                7,
            )
        };
        assert_eq!(e.to_string(), "c/templates/x.yaml:3:7: boom");
        let e = RenderError::new("c", RenderErrorKind::Values, "bad").located(Some("v.yaml".into()), 2, 1);
        assert_eq!(e.to_string(), "v.yaml:2:1: bad");
    }
}
