//! `--format json`: the stable shape DESIGN.md fixes (`version`, `findings`, `suppressed`,
//! `summary`).
//!
//! Findings are written straight from the report through borrowing views, not through a
//! `serde_json::Value` of the whole report: on a monorepo that copy (a map per finding, per fix,
//! per edit) was tens of megabytes. Keys are in alphabetical order, as a `Value` printed them.

use serde::Serialize;
use serde_json::json;

use crate::fix::{Applicability, Edit, Fix};
use crate::lint::Report;
use crate::lint::finding::{Finding, Severity, Suppressed, SuppressionKind};

#[derive(Serialize)]
struct Doc<'a> {
    findings: Vec<JsonFinding<'a>>,
    repository: &'a crate::lint::repository::Repository,
    summary: serde_json::Value,
    suppressed: Vec<JsonSuppressed<'a>>,
    version: u32,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix: Option<JsonFix<'a>>,
    #[serde(skip_serializing_if = "str::is_empty")]
    help: &'a str,
    line: u32,
    message: &'a str,
    path: &'a str,
    rule: &'a str,
    severity: Severity,
}

#[derive(Serialize)]
struct JsonSuppressed<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<u32>,
    #[serde(skip_serializing_if = "str::is_empty")]
    help: &'a str,
    kind: SuppressionKind,
    line: u32,
    message: &'a str,
    path: &'a str,
    reason: &'a str,
    rule: &'a str,
    severity: Severity,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    edits: Vec<JsonEdit<'a>>,
    title: &'a str,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    end: usize,
    end_column: u32,
    end_line: u32,
    path: &'a str,
    replacement: &'a str,
    start: usize,
    start_column: u32,
    start_line: u32,
}

fn edit(e: &Edit) -> JsonEdit<'_> {
    JsonEdit {
        end: e.end,
        end_column: e.end_column,
        end_line: e.end_line,
        path: &e.path,
        replacement: &e.replacement,
        start: e.start,
        start_column: e.start_column,
        start_line: e.start_line,
    }
}

fn fix(f: &Fix) -> JsonFix<'_> {
    JsonFix { applicability: f.applicability, edits: f.edits.iter().map(edit).collect(), title: &f.title }
}

fn finding(f: &Finding) -> JsonFinding<'_> {
    JsonFinding {
        column: f.column,
        fix: f.fix.as_deref().map(fix),
        help: &f.help,
        line: f.line,
        message: &f.message,
        path: &f.path,
        rule: &f.rule,
        severity: f.severity,
    }
}

fn suppressed(s: &Suppressed) -> JsonSuppressed<'_> {
    let f = &s.finding;
    JsonSuppressed {
        column: f.column,
        help: &f.help,
        kind: s.kind,
        line: f.line,
        message: &f.message,
        path: &f.path,
        reason: &s.reason,
        rule: &f.rule,
        severity: f.severity,
    }
}

pub fn render(report: &Report) -> String {
    let mut out = Vec::new();
    let _ = write(report, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the report to `out` as it is serialised (no copy of the whole text in memory: on a
/// monorepo with fixes it is tens of megabytes).
pub fn write(report: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let fixable = crate::fix::fixable_counts(report);
    let errors = report.findings.iter().filter(|f| f.severity == Severity::Error).count();
    let doc = Doc {
        findings: report.findings.iter().map(finding).collect(),
        repository: &report.repository,
        summary: json!({
            "files": report.files,
            "findings": report.findings.len(),
            "suppressed": report.suppressed.len(),
            "errors": errors,
            "fixable": {"safe": fixable.0, "unsafe": fixable.1},
            "skipped": {
                "files": report.skipped.iter().map(|s| s.files).sum::<usize>(),
                "paths": report.skipped,
            },
        }),
        suppressed: report.suppressed.iter().map(suppressed).collect(),
        version: 1,
    };
    serde_json::to_writer_pretty(&mut *out, &doc).map_err(std::io::Error::other)?;
    out.write_all(b"\n")
}
