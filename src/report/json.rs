//! `--format json`: the stable shape DESIGN.md fixes (`version`, `findings`, `suppressed`,
//! `summary`).

use serde_json::json;

use crate::lint::Report;
use crate::lint::finding::Severity;

pub fn render(report: &Report) -> String {
    let fixable = crate::fix::fixable_counts(report);
    let errors = report.findings.iter().filter(|f| f.severity == Severity::Error).count();
    let doc = json!({
        "version": 1,
        "findings": report.findings,
        "suppressed": report.suppressed,
        "summary": {
            "files": report.files,
            "findings": report.findings.len(),
            "suppressed": report.suppressed.len(),
            "errors": errors,
            "fixable": {"safe": fixable.0, "unsafe": fixable.1},
            "skipped": {
                "files": report.skipped.iter().map(|s| s.files).sum::<usize>(),
                "paths": report.skipped,
            },
        },
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    text
}
