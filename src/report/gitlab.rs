//! `--format gitlab`: GitLab Code Quality (`artifacts:reports:codequality`), a JSON array of
//! issues that GitLab shows in the merge request widget and diff, comparing the head report
//! with the base one by `fingerprint`.
//!
//! Severity: error → `major`, warning → `minor`, info → `info`. GitLab's scale has five levels
//! (info, minor, major, critical, blocker); `major`/`minor` is what the ESLint and other
//! linter formatters for GitLab emit for errors and warnings, so paved's findings sort beside
//! theirs rather than above every other tool's, and `critical`/`blocker` stay free for
//! scanners that report exploitable or build-breaking problems.
//!
//! Fingerprints hash rule, path, trimmed line text and occurrence index (see
//! [`super::fingerprint`]): unique per finding and unchanged when lines above it move, so GitLab
//! does not report a moved finding as fixed plus new. Suppressed findings are omitted.

use serde::Serialize;

use super::fingerprint;
use crate::lint::Report;
use crate::lint::finding::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

pub fn render(report: &Report) -> String {
    let keys = fingerprint::compute(report);
    let issues: Vec<Issue> = report
        .findings
        .iter()
        .zip(&keys.findings)
        .map(|(f, key)| Issue {
            // The widget shows the description, not check_name: it names the rule itself.
            description: format!("{}: {}", f.rule, f.message),
            check_name: &f.rule,
            fingerprint: key.fingerprint(),
            severity: severity(f.severity),
            location: Location { path: &f.path, lines: Lines { begin: f.line.max(1) } },
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}
