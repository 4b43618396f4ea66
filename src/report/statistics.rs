//! `paved lint --statistics`: how many findings each rule has, and how many of them `--fix`
//! (and `--fix --unsafe-fixes`) would fix, most frequent first — the overview an auditor or a
//! team adopting a gate starts from. Human text, or JSON with `--format json`.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::fix::Applicability;
use crate::lint::Report;
use crate::lint::finding::Severity;

#[derive(Debug, Serialize, PartialEq, Eq)]
pub struct Row {
    pub rule: String,
    pub severity: Severity,
    pub count: usize,
    pub fixable: Fixable,
}

#[derive(Debug, Default, Serialize, PartialEq, Eq)]
pub struct Fixable {
    pub safe: usize,
    #[serde(rename = "unsafe")]
    pub unsafe_: usize,
}

/// One row per rule with findings: most findings first, then by rule id.
pub fn rows(report: &Report) -> Vec<Row> {
    let mut by_rule: BTreeMap<&str, Row> = BTreeMap::new();
    for f in &report.findings {
        let row = by_rule.entry(&f.rule).or_insert_with(|| Row {
            rule: f.rule.clone(),
            severity: f.severity,
            count: 0,
            fixable: Fixable::default(),
        });
        row.count += 1;
        // A rule configured per finding (own severities) shows its most serious one.
        row.severity = row.severity.max(f.severity);
        match f.fix.as_ref().map(|x| x.applicability) {
            Some(Applicability::Safe) => row.fixable.safe += 1,
            Some(Applicability::Unsafe) => row.fixable.unsafe_ += 1,
            None => {}
        }
    }
    let mut rows: Vec<Row> = by_rule.into_values().collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.rule.cmp(&b.rule)));
    rows
}

pub fn human(report: &Report) -> String {
    let rows = rows(report);
    let width = rows.iter().map(|r| r.rule.len()).max().unwrap_or(4).max(4);
    let mut out = String::new();
    let _ = writeln!(out, "{:>6}  {:<width$}  {:<8}  fixable (safe, unsafe)", "count", "rule", "severity");
    for r in &rows {
        let fix = match (r.fixable.safe, r.fixable.unsafe_) {
            (0, 0) => String::new(),
            (s, u) => format!("{s}, {u}"),
        };
        let _ = writeln!(out, "{:>6}  {:<width$}  {:<8}  {fix}", r.count, r.rule, r.severity.as_str());
    }
    let (safe, unsafe_) = crate::fix::fixable_counts(report);
    let _ = writeln!(
        out,
        "{:>6}  findings of {} rules; {safe} fixable with --fix, {unsafe_} more with --unsafe-fixes",
        report.findings.len(),
        rows.len()
    );
    out
}

pub fn json(report: &Report) -> String {
    let mut text = serde_json::to_string_pretty(&rows(report)).unwrap_or_default();
    text.push('\n');
    text
}
