//! `paved lint`: discover files, parse each into policy input, evaluate the Rego policies on
//! both cores, apply configuration and suppressions, and collect located findings. Nothing
//! here prints: reporters format the [`Report`].

pub mod baseline;
pub mod catalogue;
pub mod chart;
pub mod clock;
pub mod config;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod input;
pub mod kubernetes_apis;
pub mod kustomize;
pub mod policy;
pub mod policy_test;
pub mod repo;
pub mod repository;
pub mod suppress;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use rayon::prelude::*;

use config::{Config, RuleSetting};
use engine::{Engine, Pool};
pub use finding::Sources;
use finding::{FailOn, Finding, PARSE_ERROR, Severity, Suppressed, SuppressionKind};
use policy::RuleMeta;
use suppress::{RuleState, Suppression};

/// Files larger than this are not read; they become a `parse-error` finding.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Which configuration file to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChoice {
    /// `.paved.yaml` found from the first lint path upwards, if any.
    Discover,
    File(PathBuf),
    None,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// From the command line; overrides the config file's `fail-on`.
    pub fail_on: Option<FailOn>,
    pub max_file_size: u64,
    pub config: ConfigChoice,
    /// Extra policy directories (`--policy`), added to the config's `policies:`.
    pub policies: Vec<PathBuf>,
    pub baseline: Option<PathBuf>,
    /// Helm values files for every chart (`--values`), after the config's `values:`.
    pub values: Vec<PathBuf>,
    /// Read and parse every file into policy input, but evaluate no policy: the floor the
    /// benchmark measures paved against (`PAVED_PARSE_ONLY=1`).
    pub parse_only: bool,
    /// `--no-default-excludes`: lint vendor/, docs/, testdata/, ... too.
    pub no_default_excludes: bool,
    /// `--repo-name`: the repository's name in the JSON results (else the work tree's name).
    pub repo_name: Option<String>,
}

impl Options {
    pub fn new(paths: Vec<PathBuf>) -> Self {
        Self {
            paths,
            fail_on: None,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            config: ConfigChoice::Discover,
            policies: Vec::new(),
            baseline: None,
            values: Vec::new(),
            parse_only: false,
            no_default_excludes: false,
            repo_name: None,
        }
    }
}

#[derive(Debug)]
pub struct Report {
    /// Sorted by path, line, column, rule.
    pub findings: Vec<Finding>,
    /// Findings a suppression matched (not failures; shown to auditors in JSON/SARIF).
    pub suppressed: Vec<Suppressed>,
    /// Files examined (read and parsed, whether or not they held anything to lint).
    pub files: usize,
    pub rules: Vec<RuleMeta>,
    /// The lines findings point at, for reporters that quote them and for fingerprints.
    pub sources: Sources,
    /// Helm chart directories found, each rendered and linted as a unit.
    pub charts: Vec<String>,
    /// Kustomization roots found, each built and linted as a unit.
    pub kustomizations: Vec<String>,
    /// What the default exclusions skipped, per excluded directory.
    pub skipped: Vec<discover::Skipped>,
    /// Policy evaluation failures: these make the run exit 2.
    pub policy_errors: Vec<String>,
    pub fail_on: FailOn,
    /// The configuration file used, if any.
    pub config: Option<String>,
    /// The `--baseline` file compared against, if any: SARIF then marks every result `new` or
    /// `unchanged`.
    pub baseline: Option<String>,
    /// What was linted: repository name, root, commit (for merged audits).
    pub repository: repository::Repository,
}

impl Report {
    /// Whether any finding is at or above the fail threshold.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| self.fail_on.fails(f.severity))
    }
}

enum Content {
    Text(String),
    Problem(String),
}

fn read_file(path: &Path, max: u64) -> Content {
    let bytes = match crate::vfs::read_limited(path, max) {
        Ok(b) => b,
        Err(e) => return Content::Problem(format!("cannot read file: {e}")),
    };
    if bytes.len() as u64 > max {
        return Content::Problem(format!("file is larger than the {} MB limit; not read", max / (1024 * 1024)));
    }
    if bytes.iter().take(8000).any(|&b| b == 0) {
        return Content::Problem("binary file (contains NUL bytes); not linted".to_string());
    }
    // Non-UTF-8 text is linted lossily rather than skipped.
    Content::Text(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

struct FileResult {
    display: String,
    fs_path: PathBuf,
    /// Findings before suppressions are applied.
    findings: Vec<Finding>,
    suppressions: Vec<Suppression>,
    /// The lines its own findings point at (the file's text is not kept).
    sources: Sources,
    facts: Option<repo::FileFacts>,
    policy_error: Option<String>,
}

/// The directories the walk covered and the facts of the Docker ignore files it found (one
/// that cannot be read counts as absent).
fn walked(paths: &[PathBuf], cwd: &Path, ignores: &[(PathBuf, String)], max: u64) -> repo::dockerignore::Walked {
    let roots = paths.iter().filter(|p| p.is_dir()).map(|p| discover::display_path(p, cwd)).collect();
    let mut dockerignores = HashMap::new();
    for (path, display) in ignores {
        if let Content::Text(text) = read_file(path, max) {
            dockerignores.insert(display.clone(), repo::dockerignore::facts(display, &text));
        }
    }
    repo::dockerignore::Walked { roots, git_roots: Vec::new(), dockerignores }
}

fn parse_error(path: &str, line: u32, column: Option<u32>, message: String) -> Finding {
    Finding {
        rule: PARSE_ERROR.to_string(),
        severity: Severity::Error,
        path: path.to_string(),
        line,
        column,
        message,
        help: String::new(),
        fix: None,
        hint: None,
    }
}

/// Everything a worker needs besides its engine.
struct Context_<'a> {
    config: &'a Config,
    /// Rule id → severity after configuration (absent: unknown; `None`: disabled).
    states: HashMap<String, Option<Severity>>,
    max: u64,
    parse_only: bool,
    /// The loaded rules, indexed as `RawFinding::rule`.
    meta: Vec<RuleMeta>,
    /// The lint roots, canonical directories (a file root: its directory): what may be read.
    roots: Vec<PathBuf>,
    /// Today, for suppressions that expire (`PAVED_TODAY` in tests and dated audits).
    today: clock::Date,
}

impl suppress::Judge for Context_<'_> {
    fn state(&self, rule: &str) -> RuleState {
        Context_::state(self, rule)
    }
    fn today(&self) -> clock::Date {
        self.today
    }
    fn forbids_inline(&self, rule: &str) -> bool {
        self.config.forbid_inline.iter().any(|r| r == rule)
    }
}

impl Context_<'_> {
    fn state(&self, rule: &str) -> RuleState {
        match self.states.get(rule) {
            None => RuleState::Unknown,
            Some(None) => RuleState::Disabled,
            Some(Some(s)) => RuleState::Enabled(*s),
        }
    }

    /// Turns raw policy findings into findings of enabled rules, with configured severities.
    fn findings(&self, raw: Vec<engine::RawFinding>, default_path: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for r in raw {
            let meta = &self.meta[r.rule];
            let RuleState::Enabled(severity) = self.state(&meta.id) else { continue };
            // A finding may carry its own severity (one rule, errors and warnings); a severity
            // the config sets for the rule wins over it.
            let severity = match r.severity {
                Some(own) if !self.config.rules.contains_key(&meta.id) => own,
                _ => severity,
            };
            out.push(Finding {
                rule: meta.id.clone(),
                severity,
                path: r.path.unwrap_or_else(|| default_path.to_string()),
                line: r.pos.line,
                column: Some(r.pos.col),
                message: r.message,
                help: meta.fix.clone(),
                fix: None,
                hint: None,
            });
        }
        out
    }
}

fn lint_file(engines: &Pool, ctx: &Context_, c: &discover::Candidate) -> FileResult {
    let mut result = FileResult {
        display: c.display.clone(),
        fs_path: c.path.clone(),
        findings: Vec::new(),
        suppressions: Vec::new(),
        sources: Sources::default(),
        facts: None,
        policy_error: None,
    };
    let text = match read_file(&c.path, ctx.max) {
        Content::Text(t) => t,
        Content::Problem(msg) => {
            result.findings.push(parse_error(&c.display, 1, None, msg));
            return result;
        }
    };
    let trailing = c.kind != discover::Kind::Dockerfile;
    result.suppressions = suppress::scan_comments(&text, trailing);
    match input::build_file(c.kind, &c.path, &ctx.roots, &c.display, &text) {
        Err(e) => result.findings.push(parse_error(&c.display, e.pos.line, Some(e.pos.col), e.message)),
        Ok(input::Built::NotApplicable) => {}
        Ok(input::Built::Input(fi)) => {
            result.suppressions.extend(fi.suppressions.iter().cloned());
            result.facts = repo::extract(c.kind, &c.display, &fi);
            if !ctx.parse_only {
                match engines.with(|e| e.evaluate(&fi)) {
                    Ok(raw) => result.findings = ctx.findings(raw, &c.display),
                    Err(e) => result.policy_error = Some(format!("{}: policy evaluation failed: {e:#}", c.display)),
                }
            }
        }
    }
    result.sources.keep(&c.display, &text, result.findings.iter().map(|f| f.line));
    result
}

/// Applies in-file suppressions, then config ignores, to one file's findings.
fn settle(ctx: &Context_, r: &FileResult, mut found: Vec<Finding>) -> (Vec<Finding>, Vec<Suppressed>) {
    found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    found.dedup();
    let (kept, mut suppressed) = suppress::apply(&r.display, found, &r.suppressions, ctx);
    let ignores = ctx.config.ignores_for(&r.fs_path);
    let mut findings = Vec::new();
    for f in kept {
        match ignores.iter().find(|i| i.rules.contains(&f.rule) && i.expires.is_none_or(|d| d >= ctx.today)) {
            Some(i) => suppressed.push(Suppressed {
                finding: f,
                reason: i.reason.clone().unwrap_or_default(),
                kind: SuppressionKind::Config,
            }),
            None => findings.push(f),
        }
    }
    (findings, suppressed)
}

/// Lints one rendered template's output as a manifest, applying the suppressions it carries
/// (annotations and comments come through rendering), in rendered coordinates.
fn lint_rendered(engines: &Pool, ctx: &Context_, display: &str, text: &str) -> chart::RenderedLint {
    let mut suppressions = suppress::scan_comments(text, true);
    let mut found = Vec::new();
    let mut facts = None;
    match input::build(discover::Kind::Yaml, display, text) {
        Err(e) => found.push(parse_error(
            display,
            e.pos.line,
            Some(e.pos.col),
            format!("rendered output is not YAML: {}", e.message),
        )),
        Ok(input::Built::NotApplicable) => {}
        Ok(input::Built::Input(fi)) => {
            suppressions.extend(fi.suppressions.iter().cloned());
            facts = repo::extract(discover::Kind::Yaml, display, &fi);
            if !ctx.parse_only
                && let Ok(raw) = engines.with(|e| e.evaluate(&fi))
            {
                found = ctx.findings(raw, display);
            }
        }
    }
    chart::RenderedLint { findings: found, suppressions, facts }
}

/// Adds one chart file's findings to the report, after the config's path ignores.
fn add_chart_file(report: &mut Report, config: &Config, today: clock::Date, m: chart::Mapped) {
    let ignores = config.ignores_for(&m.fs_path);
    let mut kept = Vec::new();
    let mut suppressed = m.suppressed;
    for f in m.findings {
        match ignores.iter().find(|i| i.rules.contains(&f.rule) && i.expires.is_none_or(|d| d >= today)) {
            Some(i) => suppressed.push(Suppressed {
                finding: f,
                reason: i.reason.clone().unwrap_or_default(),
                kind: SuppressionKind::Config,
            }),
            None => kept.push(f),
        }
    }
    // A chart linted with several values files finds the same thing more than once: the first
    // (its defaults' finding, else the first ci/ file's) stands for all.
    let mut seen = HashSet::new();
    kept.retain(|f| seen.insert((f.rule.clone(), f.line, f.column)));
    let mut seen = HashSet::new();
    suppressed.retain(|s| seen.insert((s.finding.rule.clone(), s.finding.line, s.finding.column)));
    let lines: Vec<u32> = kept.iter().chain(suppressed.iter().map(|s| &s.finding)).map(|f| f.line).collect();
    report.sources.keep(&m.display, &m.text, lines);
    report.findings.extend(kept);
    report.suppressed.extend(suppressed);
}

fn load_config(options: &Options, cwd: &Path, known: &HashSet<String>) -> Result<Config> {
    let file = match &options.config {
        ConfigChoice::None => return Ok(Config::default()),
        ConfigChoice::File(f) => Some(f.clone()),
        ConfigChoice::Discover => config::discover(options.paths.first().map_or(Path::new("."), |p| p.as_path())),
    };
    match file {
        Some(f) => config::load(&f, &discover::display_path(&f, cwd), &|r| known.contains(r)),
        None => Ok(Config::default()),
    }
}

/// Lints `options.paths`.
pub fn run(options: &Options) -> Result<Report> {
    let cwd = std::env::current_dir()?;
    // The config names rules, and custom policies add rules: load built-ins first to validate
    // the config, then the custom policies it and the command line name.
    let builtin = Engine::load(&[])?;
    let mut known: HashSet<String> = catalogue::all(builtin.rules()).into_iter().map(|r| r.id).collect();
    let mut custom = Vec::new();
    for dir in &options.policies {
        custom.extend(policy::load_dir(dir, &cwd)?);
    }
    for f in &custom {
        if let Some(m) = policy::rule_meta(f, false)? {
            known.insert(m.id);
        }
    }
    let config = load_config(options, &cwd, &known)?;
    for dir in &config.policies {
        custom.extend(policy::load_dir(dir, &cwd)?);
    }
    let mut engine = if custom.is_empty() { builtin } else { Engine::load(&custom)? };
    let kubernetes_version = config.kubernetes_version.clone().unwrap_or_else(|| kubernetes_apis::newest().to_string());
    engine.set_settings(
        serde_json::json!({ "kubernetes_version": kubernetes_version, "allow_unpinned": config.allow_unpinned }),
    );
    let rules = catalogue::all(engine.rules());
    let states = rules
        .iter()
        .map(|r| {
            let setting = match config.rules.get(&r.id) {
                Some((RuleSetting::Off, _)) => None,
                Some((RuleSetting::Severity(s), _)) => Some(*s),
                None => Some(r.severity),
            };
            (r.id.clone(), setting)
        })
        .collect();
    let max = config.max_file_size.unwrap_or(options.max_file_size);
    let meta = engine.rules().to_vec();
    let engines = Pool::new(engine);
    let roots = options
        .paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .map(|p| if p.is_dir() { p } else { p.parent().map(Path::to_path_buf).unwrap_or(p) })
        .collect();
    let today = clock::Date::today();
    let ctx = Context_ { config: &config, states, max, parse_only: options.parse_only, meta, roots, today };

    let include = |p: &Path| config.included(p);
    let excludes = discover::Excludes {
        disabled: options.no_default_excludes || config.default_excludes == Some(false),
        include: config.include.is_some().then_some(&include as &dyn Fn(&Path) -> bool),
    };
    let mut found = discover::discover_with(&options.paths, &cwd, excludes);
    found.files.retain(|c| !config.excluded(&c.path));
    found.charts.retain(|(dir, _)| !config.excluded(dir));
    found.kustomizations.retain(|(dir, _)| !config.excluded(dir) && crate::kustomize::is_kustomize_config(dir));

    // Kustomizations: the roots are built first, since the YAML files they read are linted
    // through them and not on their own.
    let (kustomize_roots, components) = kustomize::roots(&found.kustomizations);
    let show = kustomize::displayer(&options.paths, &cwd);
    let mut kustomized: Vec<kustomize::LintedRoot> = kustomize_roots
        .par_iter()
        .map(|(dir, display)| {
            kustomize::lint_root(dir, display, &ctx.roots, &show, &mut |doc_display, text| {
                lint_rendered(&engines, &ctx, doc_display, text)
            })
        })
        .collect();
    let (kustomize_files, unused_files) = kustomize::claim(&mut found, &kustomized, &components);
    let mut results: Vec<FileResult> = found.files.par_iter().map(|c| lint_file(&engines, &ctx, c)).collect();

    let mut report = Report {
        findings: Vec::new(),
        suppressed: Vec::new(),
        files: found.files.len() + kustomize_files,
        rules,
        sources: Sources::default(),
        charts: found.charts.iter().map(|(_, d)| d.clone()).collect(),
        kustomizations: kustomize_roots.iter().map(|(_, d)| d.clone()).collect(),
        skipped: std::mem::take(&mut found.skipped),
        policy_errors: Vec::new(),
        fail_on: options.fail_on.or(config.fail_on).unwrap_or(FailOn::At(Severity::Error)),
        config: config.path.clone(),
        baseline: options.baseline.as_ref().map(|p| discover::display_path(p, &cwd)),
        repository: {
            let root = options.paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
            repository::describe(&root, &discover::display_path(&root, &cwd), options.repo_name.as_deref())
        },
    };
    for (path, msg) in found.errors {
        report.findings.push(parse_error(&path, 1, None, msg));
    }
    report.skipped.extend(unused_files.into_iter().map(|(path, files)| discover::Skipped {
        path,
        files,
        reason: discover::UNUSED_BY_KUSTOMIZATION,
    }));
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));

    // Helm charts: rendered, linted as manifests, findings mapped back into the chart. Their
    // workloads join the repository model, so cross-file rules see charts as well as manifests.
    let values: Vec<PathBuf> = config.values.iter().chain(&options.values).cloned().collect();
    let charts: Vec<chart::ChartLint> = found
        .charts
        .par_iter()
        .map(|(dir, display)| {
            chart::lint_chart(dir, display, &values, &kubernetes_version, &mut |doc_display, text| {
                lint_rendered(&engines, &ctx, doc_display, text)
            })
        })
        .collect();
    let mut templates: Vec<Vec<chart::LintedTemplate>> = Vec::new();
    for c in charts {
        for m in c.chart_findings {
            report.files += 1;
            add_chart_file(&mut report, ctx.config, ctx.today, m);
        }
        templates.push(c.templates);
    }

    // Cross-file rules: one more evaluation over the linked repository model.
    // Facts are moved, not copied, and dropped once linked: the model is the run's largest value.
    let mut facts: Vec<repo::FileFacts> = results
        .iter_mut()
        .filter_map(|r| r.facts.take())
        .chain(templates.iter_mut().flatten().filter_map(|t| t.lint.facts.take()))
        .chain(kustomized.iter_mut().filter_map(|k| k.lint.facts.take()))
        .collect();
    let mut walked = walked(&options.paths, &cwd, &found.dockerignores, ctx.max);
    walked.git_roots = std::mem::take(&mut found.git_roots);
    let repo_input = input::FileInput {
        input: repo::link(&mut facts, &walked),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: None,
    };
    drop(facts);
    // Some fixes need what only the linked model knows (the Go routes and ports of the binary a
    // container runs, its image's user): noted now, while the model exists, and carried on
    // the findings of those containers.
    let hints = crate::fix::hints::container_hints(&repo_input.input);
    let with_hints = |found: &mut Vec<Finding>| {
        if hints.is_empty() {
            return;
        }
        for f in found.iter_mut().filter(|f| crate::fix::hints::wanted(&f.rule)) {
            let hint = hints
                .get(f.path.as_str())
                .and_then(|lines| lines.get(&f.line))
                .and_then(|hs| crate::fix::hints::for_rule(&f.rule, hs));
            if let Some(h) = hint {
                f.hint = Some(Box::new(h.clone()));
            }
        }
    };
    let mut repo_findings: HashMap<String, Vec<Finding>> = HashMap::new();
    let repo_result = if options.parse_only { Ok(Vec::new()) } else { engines.with(|e| e.evaluate_owned(repo_input)) };
    match repo_result {
        Ok(raw) => {
            for f in ctx.findings(raw, ".") {
                repo_findings.entry(f.path.clone()).or_default().push(f);
            }
        }
        Err(e) => report.policy_errors.push(format!("repository rules: policy evaluation failed: {e:#}")),
    }

    for mut r in results {
        let mut found = std::mem::take(&mut r.findings);
        let cross = repo_findings.remove(&r.display).unwrap_or_default();
        if !r.sources.has_all(&r.display, cross.iter().map(|f| f.line))
            && let Content::Text(text) = read_file(&r.fs_path, ctx.max)
        {
            r.sources.keep(&r.display, &text, cross.iter().map(|f| f.line));
        }
        found.extend(cross);
        with_hints(&mut found);
        let (findings, suppressed) = settle(&ctx, &r, found);
        report.sources.extend(std::mem::take(&mut r.sources));
        report.findings.extend(findings);
        report.suppressed.extend(suppressed);
        report.policy_errors.extend(r.policy_error);
    }
    // Chart findings, with the cross-file ones in their templates: suppressed in rendered
    // coordinates (comments and annotations), then moved into the chart, file by file.
    for chart in templates {
        let mut files = std::collections::BTreeMap::new();
        for t in chart {
            let mut found = t.lint.findings;
            found.extend(repo_findings.remove(t.template.display()).unwrap_or_default());
            with_hints(&mut found);
            found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
            found.dedup();
            let display = t.template.display().to_string();
            let (kept, suppressed) = suppress::apply(&display, found, &t.lint.suppressions, &ctx);
            t.template.mapped_into(kept, suppressed, &mut files);
        }
        for m in files.into_values() {
            report.files += 1;
            add_chart_file(&mut report, ctx.config, ctx.today, m);
        }
    }

    // Kustomization roots: suppressed in rendered coordinates (annotations), then moved to the
    // files that produced each value, shared findings merged, and each file's comments applied.
    let mut settled = Vec::new();
    for mut k in kustomized {
        let mut found = std::mem::take(&mut k.lint.findings);
        found.extend(repo_findings.remove(&k.unit).unwrap_or_default());
        with_hints(&mut found);
        found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        found.dedup();
        let (kept, suppressed) = suppress::apply(&k.unit, found, &k.lint.suppressions, &ctx);
        settled.push((k, kept, suppressed));
    }
    for m in kustomize::settle(settled, &ctx) {
        // A file the config excludes is not reported on, even when a build reads it.
        if !config.excluded(&m.fs_path) {
            add_chart_file(&mut report, ctx.config, ctx.today, m);
        }
    }

    // Config ignore entries past their `expires:` date suppress nothing and say so, once each.
    if let (Some(path), RuleState::Enabled(severity)) = (&config.path, ctx.state(catalogue::EXPIRED_SUPPRESSION)) {
        for i in config.ignore.iter().filter(|i| i.expires.is_some_and(|d| d < ctx.today)) {
            let d = i.expires.expect("filtered");
            report.findings.push(Finding {
                rule: catalogue::EXPIRED_SUPPRESSION.to_string(),
                severity,
                path: path.clone(),
                line: i.pos.line,
                column: Some(i.pos.col),
                message: format!(
                    "the ignore entry for {} expired on {d}: it no longer suppresses, and its findings are reported again",
                    i.rules.join(", ")
                ),
                help: String::new(),
                fix: None,
                hint: None,
            });
        }
    }
    // Cross-file findings in files that were not linted themselves (should not happen).
    report.findings.extend(repo_findings.into_values().flatten());
    report.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    report.suppressed.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));

    if let Some(path) = &options.baseline {
        let known = baseline::load(path)?;
        let prints = baseline::fingerprints(&report.findings, &report.sources);
        let reason = format!("recorded in baseline {}", discover::display_path(path, &cwd));
        let mut kept = Vec::new();
        for (f, print) in std::mem::take(&mut report.findings).into_iter().zip(prints) {
            if known.contains(&print) {
                report.suppressed.push(Suppressed {
                    finding: f,
                    reason: reason.clone(),
                    kind: SuppressionKind::Baseline,
                });
            } else {
                kept.push(f);
            }
        }
        report.findings = kept;
        report.suppressed.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    }
    Ok(report)
}

/// Records the report's findings as a baseline.
/// Records the report's findings as a baseline, with the findings the `--baseline` in use still
/// matched (they are still there); returns how many entries of the baseline file already at
/// `path` match nothing any more and so are dropped.
pub fn write_baseline(report: &Report, path: &Path) -> Result<usize> {
    let mut all: Vec<&Finding> = report
        .findings
        .iter()
        .chain(report.suppressed.iter().filter(|s| s.kind == SuppressionKind::Baseline).map(|s| &s.finding))
        .collect();
    all.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    let old = if path.is_file() { baseline::load(path).ok() } else { None };
    baseline::write(path, &all, &report.sources).context("writing the baseline")?;
    let new: HashSet<String> = baseline::fingerprints(all.iter().copied(), &report.sources).into_iter().collect();
    Ok(old.map_or(0, |old| old.difference(&new).count()))
}
