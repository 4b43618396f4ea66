//! `paved lint`: discover files, parse each into policy input, evaluate the Rego policies on
//! both cores, and collect located findings. Nothing here prints: reporters format the
//! [`Report`].

pub mod catalogue;
pub mod discover;
pub mod engine;
pub mod finding;
pub mod input;
pub mod policy;
pub mod policy_test;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::Result;
use rayon::prelude::*;

use engine::Engine;
use finding::{FailOn, Finding, PARSE_ERROR, Severity, Suppressed};
use policy::RuleMeta;

/// Files larger than this are not read; they become a `parse-error` finding.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub fail_on: FailOn,
    pub max_file_size: u64,
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
    /// The text of every file with findings, for reporters that quote the source line.
    pub sources: HashMap<String, String>,
    /// Helm chart directories found (rendered and linted by a later stage).
    pub charts: Vec<String>,
    /// Policy evaluation failures: these make the run exit 2.
    pub policy_errors: Vec<String>,
    pub fail_on: FailOn,
}

impl Report {
    /// Whether any finding is at or above the fail threshold.
    pub fn fails(&self) -> bool {
        self.findings.iter().any(|f| self.fail_on.fails(f.severity))
    }
}

enum Read_ {
    Text(String),
    Problem(String),
}

fn read_file(path: &Path, max: u64) -> Read_ {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Read_::Problem(format!("cannot read file: {e}")),
    };
    let mut bytes = Vec::new();
    if let Err(e) = file.take(max + 1).read_to_end(&mut bytes) {
        return Read_::Problem(format!("cannot read file: {e}"));
    }
    if bytes.len() as u64 > max {
        return Read_::Problem(format!("file is larger than the {} MB limit; not read", max / (1024 * 1024)));
    }
    if bytes.iter().take(8000).any(|&b| b == 0) {
        return Read_::Problem("binary file (contains NUL bytes); not linted".to_string());
    }
    // Non-UTF-8 text is linted lossily rather than skipped.
    Read_::Text(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

struct FileResult {
    findings: Vec<Finding>,
    source: Option<(String, String)>,
    policy_error: Option<String>,
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
    }
}

fn lint_file(engine: &mut Engine, c: &discover::Candidate, max: u64) -> FileResult {
    let mut result = FileResult { findings: Vec::new(), source: None, policy_error: None };
    let text = match read_file(&c.path, max) {
        Read_::Text(t) => t,
        Read_::Problem(msg) => {
            result.findings.push(parse_error(&c.display, 1, None, msg));
            return result;
        }
    };
    match input::build(c.kind, &c.display, &text) {
        Err(e) => result.findings.push(parse_error(&c.display, e.pos.line, Some(e.pos.col), e.message)),
        Ok(input::Built::NotApplicable) => {}
        Ok(input::Built::Input(fi)) => match engine.evaluate(&fi) {
            Ok(raw) => {
                for r in raw {
                    let meta = &engine.rules()[r.rule];
                    result.findings.push(Finding {
                        rule: meta.id.clone(),
                        severity: meta.severity,
                        path: c.display.clone(),
                        line: r.pos.line,
                        column: Some(r.pos.col),
                        message: r.message,
                        help: meta.fix.clone(),
                    });
                }
            }
            Err(e) => result.policy_error = Some(format!("{}: policy evaluation failed: {e:#}", c.display)),
        },
    }
    if !result.findings.is_empty() {
        result.source = Some((c.display.clone(), text));
    }
    result
}

/// Lints `options.paths` with the built-in policies.
pub fn run(options: &Options) -> Result<Report> {
    let engine = Engine::load(&[])?;
    let cwd = std::env::current_dir()?;
    let found = discover::discover(&options.paths, &cwd);
    let max = options.max_file_size;
    let results: Vec<FileResult> =
        found.files.par_iter().map_init(|| engine.clone(), |engine, c| lint_file(engine, c, max)).collect();

    let mut report = Report {
        findings: Vec::new(),
        suppressed: Vec::new(),
        files: found.files.len(),
        rules: catalogue::all(engine.rules()),
        sources: HashMap::new(),
        charts: found.charts,
        policy_errors: Vec::new(),
        fail_on: options.fail_on,
    };
    for (path, msg) in found.errors {
        report.findings.push(parse_error(&path, 1, None, msg));
    }
    for r in results {
        report.findings.extend(r.findings);
        report.sources.extend(r.source);
        report.policy_errors.extend(r.policy_error);
    }
    report.findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    Ok(report)
}
