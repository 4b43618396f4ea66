//! Fixes: edits of the original text that resolve a finding (DESIGN.md "Fixes").
//!
//! A fixer is a function of one finding and the text of the files it needs; it returns a
//! [`Fix`] (a title, whether it is safe, and byte-range edits) or nothing when no mechanical
//! edit is right. Fixers live one per rule family under `rules/`, each with its tests; the
//! registry there maps rule ids to them. Fixes are attached to the report's findings for
//! reporters ([`attach`]); `paved lint --fix` applies them in passes, each verified by linting
//! again before anything is written ([`driver`]).
//!
//! Edits are computed on text, not on a re-serialised tree: comments, quoting, key order,
//! indentation and line endings outside the edited lines stay byte for byte.

pub mod apply;
pub mod diff;
pub mod driver;
pub mod hints;
pub mod rules;
pub mod text;
pub mod write;
pub mod yaml_edit;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use serde::Serialize;

use crate::lint::Report;
use crate::lint::finding::Finding;

/// Whether `--fix` applies a fix on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Cannot change what the program does beyond the rule's intent: `--fix` applies it.
    Safe,
    /// A guess (a size, a timeout, a path) or a change the program may not survive: only with
    /// `--unsafe-fixes`.
    Unsafe,
}

/// One replacement of a byte range of one file's original text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// Display path, as findings have it.
    pub path: String,
    /// Byte offsets into the file's text (`start == end`: an insertion).
    pub start: usize,
    pub end: usize,
    /// 1-based line and column of `start` and `end` (columns count characters).
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub replacement: String,
}

impl Edit {
    /// An edit of `text` (the whole current text of `path`), with its line/column range.
    pub fn new(path: &str, text: &str, start: usize, end: usize, replacement: impl Into<String>) -> Self {
        let (start_line, start_column) = text::line_col(text, start);
        let (end_line, end_column) = text::line_col(text, end);
        Edit {
            path: path.to_string(),
            start,
            end,
            start_line,
            start_column,
            end_line,
            end_column,
            replacement: replacement.into(),
        }
    }

    pub fn insert(path: &str, text: &str, at: usize, replacement: impl Into<String>) -> Self {
        Self::new(path, text, at, at, replacement)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, in the imperative ("add `-timeout 120s`").
    pub title: String,
    pub applicability: Applicability,
    /// In one file or several (a chart fix edits values.yaml for a template's finding); applied
    /// all together or not at all. Non-overlapping, sorted by path and offset.
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability, mut edits: Vec<Edit>) -> Option<Self> {
        if edits.is_empty() {
            return None;
        }
        edits.sort_by(|a, b| (&a.path, a.start, a.end).cmp(&(&b.path, b.start, b.end)));
        Some(Fix { title: title.into(), applicability, edits })
    }

    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Option<Self> {
        Self::new(title, Applicability::Safe, edits)
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Option<Self> {
        Self::new(title, Applicability::Unsafe, edits)
    }
}

/// The texts fixers read, by display path (relative to the current directory, as findings
/// name files), read once per run through the overlay (`crate::vfs`).
#[derive(Debug, Default)]
pub struct Files {
    texts: HashMap<String, Option<Rc<str>>>,
}

impl Files {
    pub fn get(&mut self, display: &str) -> Option<Rc<str>> {
        self.texts
            .entry(display.to_string())
            .or_insert_with(|| crate::vfs::read_to_string(Path::new(display)).ok().map(Rc::from))
            .clone()
    }

    /// Forgets every text read (after the overlay changed).
    pub fn clear(&mut self) {
        self.texts.clear();
    }
}

/// What a fixer sees: the finding, the text of the file it points at, and a way to read the
/// files around it (a chart's values.yaml, the module's go.mod).
pub struct Ctx<'a> {
    pub finding: &'a Finding,
    pub text: &'a str,
    /// Reads another file by display path; `None` when it cannot be read.
    pub read: &'a dyn Fn(&str) -> Option<String>,
}

impl Ctx<'_> {
    pub fn path(&self) -> &str {
        &self.finding.path
    }

    /// An edit of the finding's own file.
    pub fn edit(&self, start: usize, end: usize, replacement: impl Into<String>) -> Edit {
        Edit::new(&self.finding.path, self.text, start, end, replacement)
    }

    pub fn insert(&self, at: usize, replacement: impl Into<String>) -> Edit {
        self.edit(at, at, replacement)
    }
}

/// The fix for `finding`, if its rule has a fixer and the fixer finds a right edit.
pub fn fix_for(finding: &Finding, files: &mut Files) -> Option<Fix> {
    let fixer = rules::fixer(&finding.rule)?;
    let text = files.get(&finding.path)?;
    // Fixers that read other files read them from disk through the overlay; those reads are
    // few (values.yaml, go.mod) and not cached across findings.
    let read = |p: &str| crate::vfs::read_to_string(Path::new(p)).ok();
    let ctx = Ctx { finding, text: &text, read: &read };
    let fix = (fixer.fix)(&ctx)?;
    // A fixer never claims more than its rule's applicability allows.
    let applicability = fix.applicability.max(fixer.applicability);
    Some(Fix { applicability, ..fix })
}

/// Attaches a fix to every finding that has one. Findings are sorted by path: one file's text
/// is held at a time (a monorepo's findings span thousands of files).
pub fn attach(report: &mut Report) {
    let mut files = Files::default();
    let mut current: Option<String> = None;
    for f in &mut report.findings {
        if rules::fixer(&f.rule).is_none() {
            continue;
        }
        if current.as_deref() != Some(f.path.as_str()) {
            files.clear();
            current = Some(f.path.clone());
        }
        f.fix = fix_for(f, &mut files).map(Box::new);
    }
}

/// How many findings of the report `--fix` would fix, and how many more `--unsafe-fixes` would.
pub fn fixable_counts(report: &Report) -> (usize, usize) {
    let mut safe = 0;
    let mut unsafe_ = 0;
    for f in &report.findings {
        match f.fix.as_ref().map(|x| x.applicability) {
            Some(Applicability::Safe) => safe += 1,
            Some(Applicability::Unsafe) => unsafe_ += 1,
            None => {}
        }
    }
    (safe, unsafe_)
}

/// The canonical directories (or files) a fix may write into: the lint roots.
pub fn roots(paths: &[PathBuf]) -> Vec<PathBuf> {
    paths.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect()
}
