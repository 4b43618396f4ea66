//! `paved lint --fix`: fixes applied in passes, each verified by linting again, before
//! anything is written.
//!
//! A pass takes every finding with an applicable fix (safe, or unsafe with `--unsafe-fixes`),
//! applies the fixes that do not touch the same place (the others wait: they are computed
//! again on the fixed text in the next pass, as ruff does) to in-memory copies, and lints the
//! repository again with those copies in place of the files (`crate::vfs`). The pass stands
//! when, for every rule and file, the findings after it are no more than before it minus the
//! ones fixed, and each fixed finding is gone. Otherwise the fixes that touched the files in
//! question are rejected and the pass is tried again without them. Only when the passes
//! settle are files written, each atomically; `--diff` writes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;

use super::{Applicability, Files, Fix, apply, fix_for, write};
use crate::lint::finding::Finding;
use crate::lint::{self, Report};

/// More passes than any real file needs (a container missing every hardening field and
/// its resources takes about a dozen); a bound, not a target.
const MAX_PASSES: usize = 32;

#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Apply unsafe fixes too (`--unsafe-fixes`).
    pub unsafe_fixes: bool,
    /// Write the fixed files (`--fix`); false for `--diff`.
    pub write: bool,
}

/// One file a fix changed.
#[derive(Debug, Clone)]
pub struct Change {
    pub path: String,
    pub before: String,
    pub after: String,
}

/// A fixable finding that was not fixed, and why.
#[derive(Debug, Clone)]
pub struct Declined {
    pub finding: Finding,
    pub reason: String,
}

#[derive(Debug)]
pub struct Outcome {
    /// The lint after the fixes (fixes attached to what is still fixable).
    pub report: Report,
    /// Changed files, by display path.
    pub changes: Vec<Change>,
    /// The findings the fixes resolved, as they were reported before the fix that resolved them.
    pub fixed: Vec<Finding>,
    pub declined: Vec<Declined>,
    /// Files that could not be written, with the error (their fixes are not applied).
    pub write_errors: Vec<String>,
    pub passes: usize,
}

/// Identity of a finding across passes: lines move as fixes insert text above, messages do not.
type Key = (String, String, String);

fn key(f: &Finding) -> Key {
    (f.rule.clone(), f.path.clone(), f.message.clone())
}

/// Findings per (rule, path), and per identity.
type Counts<'a> = (HashMap<(&'a str, &'a str), usize>, HashMap<Key, usize>);

fn counts<'a>(fs: impl IntoIterator<Item = &'a Finding>) -> Counts<'a> {
    let mut by_file = HashMap::new();
    let mut by_key = HashMap::new();
    for f in fs {
        *by_file.entry((f.rule.as_str(), f.path.as_str())).or_default() += 1;
        *by_key.entry(key(f)).or_default() += 1;
    }
    (by_file, by_key)
}

/// The files whose findings break the pass: a (rule, file) with more findings than before
/// minus those fixed, or a fixed finding still there.
fn broken(before: &Report, after: &Report, fixed: &[&Finding]) -> BTreeMap<String, String> {
    let (b_file, b_key) = counts(&before.findings);
    let (a_file, a_key) = counts(&after.findings);
    let (f_file, f_key) = counts(fixed.iter().copied());
    let mut out = BTreeMap::new();
    for (&(rule, path), &n) in &a_file {
        let allowed = b_file
            .get(&(rule, path))
            .copied()
            .unwrap_or(0)
            .saturating_sub(f_file.get(&(rule, path)).copied().unwrap_or(0));
        if n > allowed {
            out.entry(path.to_string())
                .or_insert_with(|| format!("the fix would leave or add a `{rule}` finding in {path}"));
        }
    }
    for f in fixed {
        let k = key(f);
        let b = b_key.get(&k).copied().unwrap_or(0);
        if a_key.get(&k).copied().unwrap_or(0) + f_key.get(&k).copied().unwrap_or(0) > b {
            out.entry(f.path.clone())
                .or_insert_with(|| format!("the finding is still reported after the fix in {}", f.path));
        }
    }
    // Files that no longer parse or render are caught above (a new parse-error or
    // helm-render-error finding in them); policy failures are caught here.
    if after.policy_errors.len() > before.policy_errors.len() {
        out.insert(String::new(), "policies failed on the fixed files".to_string());
    }
    out
}

/// Which files a fix may edit: only files paved linted in `report` — a finding's file, or a
/// file of a chart it rendered (values.yaml). Excluded and unread files are never written.
fn editable(report: &Report) -> impl Fn(&str) -> bool + '_ {
    let linted: HashSet<&str> = report.findings.iter().map(|f| f.path.as_str()).collect();
    let chart_dirs: Vec<String> = report.charts.iter().map(|c| format!("{}/", c.trim_end_matches('/'))).collect();
    move |p: &str| linted.contains(p) || chart_dirs.iter().any(|c| p.starts_with(c.as_str()))
}

/// Runs the fix passes over `options`' lint roots.
pub fn run(options: &lint::Options, fo: FixOptions) -> Result<Outcome> {
    let result = passes(options, fo);
    crate::vfs::clear();
    result
}

fn passes(options: &lint::Options, fo: FixOptions) -> Result<Outcome> {
    let roots = super::roots(&options.paths);
    // Current texts of the files changed so far, by display path, and their originals.
    let mut current: BTreeMap<String, String> = BTreeMap::new();
    let mut original: BTreeMap<String, String> = BTreeMap::new();
    let mut canon: HashMap<String, PathBuf> = HashMap::new();
    let mut report = lint::run(options)?;
    let mut declined: HashMap<Key, Declined> = HashMap::new();
    let mut refused: HashMap<String, Option<String>> = HashMap::new();
    // Fixes of a pass that failed where more than one could be to blame: each is tried alone,
    // so one bad fix does not take the others down with it.
    let mut isolate: HashSet<Key> = HashSet::new();
    let mut fixed: Vec<Finding> = Vec::new();
    let mut passes = 0;
    let mut attempts = 0;
    while passes < MAX_PASSES && attempts < MAX_PASSES * 2 {
        attempts += 1;
        let mut files = Files::default();
        let mut candidates: Vec<(usize, Fix)> = Vec::new();
        let may_edit = editable(&report);
        for (i, f) in report.findings.iter().enumerate() {
            if declined.contains_key(&key(f)) {
                continue;
            }
            let Some(fix) = fix_for(f, &mut files) else { continue };
            if fix.applicability == Applicability::Unsafe && !fo.unsafe_fixes {
                continue;
            }
            let why = fix.edits.iter().find_map(|e| {
                if !may_edit(&e.path) {
                    return Some(format!("{} is not a file paved lints here", e.path));
                }
                refused.entry(e.path.clone()).or_insert_with(|| write::refusal(Path::new(&e.path), &roots)).clone()
            });
            if let Some(why) = why {
                declined.insert(key(f), Declined { finding: f.clone(), reason: why });
                continue;
            }
            candidates.push((i, fix));
        }
        drop(may_edit);
        let refs: Vec<&Fix> = candidates.iter().map(|(_, f)| f).collect();
        let alone = candidates.iter().position(|(i, _)| isolate.contains(&key(&report.findings[*i])));
        let chosen: Vec<usize> = match alone {
            Some(c) => vec![c],
            None => apply::select(&refs),
        };
        if alone.is_none() {
            isolate.clear();
        }
        if chosen.is_empty() {
            break;
        }
        // Apply the chosen fixes, file by file.
        let mut by_file: BTreeMap<&str, Vec<&super::Edit>> = BTreeMap::new();
        for &c in &chosen {
            for e in &candidates[c].1.edits {
                by_file.entry(e.path.as_str()).or_default().push(e);
            }
        }
        let mut next = current.clone();
        let mut malformed: HashSet<String> = HashSet::new();
        for (path, edits) in &by_file {
            let Some(text) = files.get(path).map(|t| t.to_string()) else {
                malformed.insert(path.to_string());
                continue;
            };
            match apply::apply(&text, edits) {
                Some(t) => {
                    original.entry(path.to_string()).or_insert(text);
                    next.insert(path.to_string(), t);
                }
                None => {
                    malformed.insert(path.to_string());
                }
            }
        }
        let touches = |fix: &Fix, paths: &dyn Fn(&str) -> bool| fix.edits.iter().any(|e| paths(&e.path));
        if !malformed.is_empty() {
            for &c in &chosen {
                let (i, fix) = &candidates[c];
                if touches(fix, &|p| malformed.contains(p)) {
                    let f = &report.findings[*i];
                    declined
                        .insert(key(f), Declined { finding: f.clone(), reason: "the fix's edits do not apply".into() });
                }
            }
            continue;
        }
        set_overlay(&next, &mut canon);
        let after = lint::run(options)?;
        let fixed_now: Vec<&Finding> = chosen.iter().map(|&c| &report.findings[candidates[c].0]).collect();
        let bad = broken(&report, &after, &fixed_now);
        if !bad.is_empty() {
            // Reject the fixes that edited, or were about, a file in question; when none did
            // (a cross-file finding elsewhere), every fix of the pass.
            let blamed: Vec<usize> = chosen
                .iter()
                .copied()
                .filter(|&c| {
                    let (i, fix) = &candidates[c];
                    bad.contains_key(&report.findings[*i].path) || touches(fix, &|p| bad.contains_key(p))
                })
                .collect();
            let blamed = if blamed.is_empty() { chosen.clone() } else { blamed };
            if blamed.len() > 1 {
                isolate.extend(blamed.iter().map(|&c| key(&report.findings[candidates[c].0])));
                set_overlay(&current, &mut canon);
                continue;
            }
            for c in blamed {
                let f = &report.findings[candidates[c].0];
                let fix = &candidates[c].1;
                let reason = bad
                    .get(&f.path)
                    .or_else(|| fix.edits.iter().find_map(|e| bad.get(&e.path)))
                    .or_else(|| bad.values().next())
                    .cloned()
                    .unwrap_or_default();
                declined.insert(key(f), Declined { finding: f.clone(), reason: format!("not applied: {reason}") });
            }
            set_overlay(&current, &mut canon);
            continue;
        }
        passes += 1;
        if let Some(c) = alone {
            isolate.remove(&key(&report.findings[candidates[c].0]));
        }
        fixed.extend(chosen.iter().map(|&c| {
            let (i, fix) = &candidates[c];
            Finding { fix: Some(Box::new(fix.clone())), ..report.findings[*i].clone() }
        }));
        drop(fixed_now);
        current = next;
        report = after;
    }
    // Fixes still possible (unsafe ones without --unsafe-fixes), on the fixed texts; a fix
    // verification rejected is not offered again.
    super::attach(&mut report);
    for f in &mut report.findings {
        if declined.contains_key(&key(f)) {
            f.fix = None;
        }
    }
    set_overlay(&BTreeMap::new(), &mut canon);

    let mut changes = Vec::new();
    let mut write_errors = Vec::new();
    for (path, after) in current {
        let before = original.remove(&path).unwrap_or_default();
        if before == after {
            continue;
        }
        if fo.write
            && let Err(e) = write::atomic_write(Path::new(&path), &after)
        {
            write_errors.push(format!("{path}: {e:#}"));
            continue;
        }
        changes.push(Change { path, before, after });
    }
    // A finding declined in one pass may have been fixed by another edit later.
    let remaining: HashSet<Key> = report.findings.iter().map(key).collect();
    let mut declined: Vec<Declined> = declined.into_values().filter(|d| remaining.contains(&key(&d.finding))).collect();
    declined.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    Ok(Outcome { report, changes, fixed, declined, write_errors, passes })
}

/// Makes `texts` (by display path) what linting reads in place of the files.
fn set_overlay(texts: &BTreeMap<String, String>, canon: &mut HashMap<String, PathBuf>) {
    let mut overlay = HashMap::new();
    for (path, text) in texts {
        let c = canon
            .entry(path.clone())
            .or_insert_with(|| std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path)))
            .clone();
        overlay.insert(c, Arc::from(text.as_bytes()));
    }
    crate::vfs::set(overlay);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::finding::Severity;

    #[test]
    fn only_linted_files_and_rendered_charts_are_editable() {
        let mut report = crate::report::merge::report_of(&serde_json::json!({}), "repo", &[]);
        report.findings.push(Finding {
            rule: "r".into(),
            severity: Severity::Error,
            path: "deploy/app.yaml".into(),
            line: 1,
            column: None,
            message: String::new(),
            help: String::new(),
            fix: None,
            hint: None,
        });
        report.charts.push("charts/web".into());
        let may = editable(&report);
        assert!(may("deploy/app.yaml"));
        assert!(may("charts/web/values.yaml"));
        assert!(!may("deploy/other.yaml"), "a file with no finding was not linted for this fix");
        assert!(!may("charts/webapp/values.yaml"), "another chart's directory");
        assert!(!may("vendor/x/app.yaml"));
    }
}
