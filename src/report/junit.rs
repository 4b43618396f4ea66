//! `--format junit`: JUnit XML, for CI test report views (GitLab `artifacts:reports:junit`,
//! Jenkins, and the JUnit actions on GitHub).
//!
//! Layout: one `<testsuite name="paved lint">`; one `<testcase>` per rule × file with findings,
//! `classname` = the rule id and `name` = `RULE: PATH`. The name repeats the rule because GitLab's
//! merge request widget and most JUnit actions show only `name`, and GitLab keeps only the first
//! of several test cases with the same name: `name` alone must say which rule failed where and
//! be unique. Jenkins groups by `classname`, so its tree reads rule → file. The `file`
//! attribute carries the path for GitLab's "Filename" column.
//!
//! Findings at or above `--fail-on` make the test case a `<failure>` whose body lists each
//! finding as `path:line:col: message`; findings below it leave the test case passing, with the
//! list in `<system-out>`, so the report's failures agree with the exit code. Suppressed
//! findings are `<skipped>` test cases (`RULE: PATH (suppressed)`) carrying the reason. When
//! nothing fails, a passing `paved lint` test case says so, so CI always shows a result.

use std::collections::BTreeMap;
use std::fmt::Write;

use quick_junit::{NonSuccessKind, Report as JunitReport, TestCase, TestCaseStatus, TestSuite};

use crate::lint::finding::{Finding, Severity};
use crate::lint::{Report, catalogue};

pub const SUITE: &str = "paved lint";

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("1 {word}") } else { format!("{n} {word}s") }
}

fn position(f: &Finding) -> String {
    let col = f.column.map(|c| format!(":{c}")).unwrap_or_default();
    format!("{}:{}{col}", f.path, f.line)
}

fn title(report: &Report, rule: &str) -> String {
    let internal = || catalogue::internal_rules().into_iter().find(|r| r.id == rule);
    match report.rules.iter().find(|r| r.id == rule) {
        Some(meta) => meta.title.clone(),
        None => internal().map_or_else(|| rule.to_string(), |meta| meta.title),
    }
}

fn case(name: String, rule: &str, path: &str, status: TestCaseStatus) -> TestCase {
    let mut tc = TestCase::new(name, status);
    tc.set_classname(rule);
    tc.extra.insert("file".into(), path.into());
    tc
}

pub fn render(report: &Report) -> String {
    let mut groups: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        groups.entry((&f.rule, &f.path)).or_default().push(f);
    }
    let mut suite = TestSuite::new(SUITE);
    let mut failed = 0;
    for ((rule, path), findings) in &groups {
        let mut body = String::new();
        for f in findings {
            let _ = writeln!(body, "{}: {}", position(f), f.message);
        }
        if let Some(help) = findings.iter().map(|f| f.help.as_str()).find(|h| !h.is_empty()) {
            let _ = writeln!(body, "help: {help}");
        }
        let failing = findings.iter().any(|f| report.fail_on.fails(f.severity));
        let name = format!("{rule}: {path}");
        let tc = if failing {
            failed += 1;
            let severity = findings.iter().map(|f| f.severity).max().unwrap_or(Severity::Error);
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(format!(
                    "{} ({}): {}",
                    plural(findings.len(), "finding"),
                    severity.as_str(),
                    title(report, rule)
                ))
                .set_type(severity.as_str())
                .set_description(body);
            case(name, rule, path, status)
        } else {
            let mut tc = case(name, rule, path, TestCaseStatus::success());
            tc.set_system_out(format!("below the --fail-on threshold, not failing:\n{body}"));
            tc
        };
        suite.add_test_case(tc);
    }

    let mut suppressed: BTreeMap<(&str, &str), Vec<(&Finding, &str)>> = BTreeMap::new();
    for s in &report.suppressed {
        suppressed.entry((&s.finding.rule, &s.finding.path)).or_default().push((&s.finding, &s.reason));
    }
    for ((rule, path), findings) in &suppressed {
        let mut body = String::new();
        for (f, reason) in findings {
            let _ = writeln!(body, "{}: {} (suppressed: {reason})", position(f), f.message);
        }
        let mut status = TestCaseStatus::skipped();
        status.set_message(format!("{} suppressed", plural(findings.len(), "finding"))).set_description(body);
        suite.add_test_case(case(format!("{rule}: {path} (suppressed)"), rule, path, status));
    }

    if failed == 0 {
        let mut tc = TestCase::new(SUITE, TestCaseStatus::success());
        tc.set_classname("paved");
        tc.set_system_out(format!(
            "{} linted: no finding at or above the --fail-on threshold\n",
            plural(report.files, "file")
        ));
        suite.add_test_case(tc);
    }

    let mut junit = JunitReport::new("paved");
    junit.add_test_suite(suite);
    junit.to_string().unwrap_or_default()
}
