//! Helpers the Dockerfile, CI and Go source fixers share: the byte offset of a finding's
//! line and column, and (for tests) a loop that lints a directory, applies one rule's fixes
//! pass after pass as the driver does, and checks what the fix left behind.

use crate::fix::text::Lines;

/// Byte offset of 1-based `line` and character `column` in `lines`' text; `None` past the
/// line's end.
pub fn offset_at(lines: &Lines, line: u32, column: u32) -> Option<usize> {
    let n = line as usize;
    if n == 0 || n > lines.count() {
        return None;
    }
    let text = lines.get(n);
    let col = column.max(1) as usize - 1;
    let within = if col == text.chars().count() { text.len() } else { text.char_indices().nth(col)?.0 };
    Some(lines.start(n) + within)
}

/// The finding's own offset (line and column), if it falls inside the text.
pub fn finding_offset(ctx: &crate::fix::Ctx) -> Option<usize> {
    offset_at(&Lines::new(ctx.text), ctx.finding.line, ctx.finding.column.unwrap_or(1))
}

#[cfg(test)]
pub(crate) mod e2e {
    //! Lints a directory, fixes one rule's findings in passes (as the driver will), and reports
    //! the findings before and after, so tests can assert the fix removed its finding and
    //! added none.

    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::fix::rules::Fixer;
    use crate::fix::{Ctx, Fix, apply};
    use crate::lint::finding::Finding;

    pub struct Outcome {
        pub dir: tempfile::TempDir,
        pub before: Vec<Finding>,
        pub after: Vec<Finding>,
        pub fixes: Vec<Fix>,
    }

    impl Outcome {
        pub fn read(&self, rel: &str) -> String {
            std::fs::read_to_string(self.dir.path().join(rel)).expect("fixed file")
        }

        fn key(f: &Finding) -> (String, String, String) {
            (f.rule.clone(), f.path.clone(), f.message.clone())
        }

        /// The rule's findings are gone and no finding appeared that was not there before
        /// (findings of other rules may move lines, so they are compared without positions).
        pub fn assert_clean(&self, rule: &str) {
            let left: Vec<_> = self.after.iter().filter(|f| f.rule == rule).collect();
            assert!(left.is_empty(), "{rule} findings left after the fix: {left:#?}");
            let mut before: BTreeMap<_, usize> = BTreeMap::new();
            for f in &self.before {
                *before.entry(Self::key(f)).or_default() += 1;
            }
            for f in &self.after {
                let n = before.entry(Self::key(f)).or_default();
                assert!(*n > 0, "new finding after the fix: {f:#?}");
                *n -= 1;
            }
        }
    }

    fn lint(dir: &Path) -> Vec<Finding> {
        let mut opts = crate::lint::Options::new(vec![dir.to_path_buf()]);
        opts.config = crate::lint::ConfigChoice::None;
        crate::lint::run(&opts).expect("lint runs").findings
    }

    /// Writes `files` into a temporary directory, then applies `fixer`'s fixes to its rule's
    /// findings until none is left or a pass fixes nothing (at most 12 passes).
    pub fn run(files: &[(&str, &str)], fixer: &Fixer) -> Outcome {
        let dir = tempfile::tempdir().expect("tempdir");
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let before = lint(dir.path());
        let mut fixes = Vec::new();
        for _ in 0..12 {
            let found = lint(dir.path());
            let Some(f) = found.iter().find(|f| f.rule == fixer.rule && fix_of(fixer, f).is_some()) else { break };
            let fix = fix_of(fixer, f).expect("fix");
            let mut by_path: BTreeMap<&str, Vec<&crate::fix::Edit>> = BTreeMap::new();
            for e in &fix.edits {
                by_path.entry(&e.path).or_default().push(e);
            }
            for (path, edits) in by_path {
                let text = std::fs::read_to_string(path).expect("read");
                std::fs::write(path, apply::apply(&text, &edits).expect("edits apply")).expect("write");
            }
            fixes.push(fix);
        }
        let after = lint(dir.path());
        Outcome { dir, before, after, fixes }
    }

    fn fix_of(fixer: &Fixer, f: &Finding) -> Option<Fix> {
        let text = std::fs::read_to_string(&f.path).ok()?;
        let read = |p: &str| std::fs::read_to_string(p).ok();
        (fixer.fix)(&Ctx { finding: f, text: &text, read: &read })
    }
}
