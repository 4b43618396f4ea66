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

#[cfg(test)]
mod corpus {
    //! `cargo test --lib corpus_tally -- --ignored --nocapture`: the source fixers over a copy of
    //! the shared corpus, pass after pass; prints how many findings each rule had, how many the
    //! fixes removed, how many had no fix, and any finding that appeared.

    use std::collections::BTreeMap;
    use std::path::Path;

    use crate::fix::rules::{FIXERS, Fixer};
    use crate::fix::{Ctx, apply};
    use crate::lint::finding::Finding;

    const RULES: &[&str] =
        &["cgo-not-disabled", "dockerfile-user-root", "go-version-mismatch", "http-server-timeouts-missing"];

    fn copy(from: &Path, to: &Path) {
        for e in walkdir(from) {
            let rel = e.strip_prefix(from).unwrap();
            let dst = to.join(rel);
            std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
            std::fs::copy(&e, &dst).unwrap();
        }
    }

    fn walkdir(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                out.extend(walkdir(&p));
            } else if e.file_type().is_ok_and(|t| t.is_file()) {
                out.push(p);
            }
        }
        out
    }

    fn lint(roots: &[std::path::PathBuf]) -> Vec<Finding> {
        let mut opts = crate::lint::Options::new(roots.to_vec());
        opts.config = crate::lint::ConfigChoice::None;
        crate::lint::run(&opts).expect("lint").findings
    }

    #[test]
    #[ignore]
    fn corpus_tally() {
        let tmp = tempfile::tempdir().unwrap();
        let mut roots = Vec::new();
        for group in ["gorepos", "repos"] {
            let src = Path::new("/work/shared/corpus").join(group);
            for e in std::fs::read_dir(&src).into_iter().flatten().flatten().filter(|e| e.path().is_dir()) {
                let dst = tmp.path().join(group).join(e.file_name());
                copy(&e.path(), &dst);
                roots.push(dst);
            }
        }
        let fixer = |r: &str| -> &Fixer { FIXERS.iter().find(|f| f.rule == r).unwrap() };
        let before = lint(&roots);
        let mut declined: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        let mut applicability: BTreeMap<(String, crate::fix::Applicability), usize> = BTreeMap::new();
        for f in before.iter().filter(|f| RULES.contains(&f.rule.as_str())) {
            let text = std::fs::read_to_string(&f.path).unwrap();
            let read = |p: &str| std::fs::read_to_string(p).ok();
            let fix = (fixer(&f.rule).fix)(&Ctx { finding: f, text: &text, read: &read });
            if let Some(x) = &fix {
                *applicability.entry((f.rule.clone(), x.applicability)).or_default() += 1;
            }
            if fix.is_none() {
                let line = text.lines().nth(f.line as usize - 1).unwrap_or("").trim().to_string();
                declined
                    .entry(RULES.iter().find(|r| **r == f.rule).unwrap())
                    .or_default()
                    .push(format!("{}:{}: {} | {}", f.path, f.line, f.message, line));
            }
        }
        for _ in 0..8 {
            let found = lint(&roots);
            let mut fixes = Vec::new();
            for f in found.iter().filter(|f| RULES.contains(&f.rule.as_str())) {
                let text = std::fs::read_to_string(&f.path).unwrap();
                let read = |p: &str| std::fs::read_to_string(p).ok();
                if let Some(x) = (fixer(&f.rule).fix)(&Ctx { finding: f, text: &text, read: &read }) {
                    fixes.push(x);
                }
            }
            if fixes.is_empty() {
                break;
            }
            let refs: Vec<_> = fixes.iter().collect();
            let mut by_path: BTreeMap<String, Vec<&crate::fix::Edit>> = BTreeMap::new();
            for i in apply::select(&refs) {
                for e in &fixes[i].edits {
                    by_path.entry(e.path.clone()).or_default().push(e);
                }
            }
            for (p, edits) in by_path {
                let t = std::fs::read_to_string(&p).unwrap();
                std::fs::write(&p, apply::apply(&t, &edits).unwrap()).unwrap();
            }
        }
        let after = lint(&roots);
        for r in RULES {
            let n = |v: &[Finding]| v.iter().filter(|f| f.rule == *r).count();
            println!(
                "{r}: {} findings, {} left after fixing, {} without a fix",
                n(&before),
                n(&after),
                declined.get(r).map_or(0, Vec::len)
            );
            for d in declined.get(r).into_iter().flatten() {
                println!("    declined {d}");
            }
        }
        println!("fixes by applicability: {applicability:?}");
        let key = |f: &Finding| (f.rule.clone(), f.path.clone(), f.message.clone());
        let mut seen: BTreeMap<_, usize> = BTreeMap::new();
        for f in &before {
            *seen.entry(key(f)).or_default() += 1;
        }
        for f in &after {
            let n = seen.entry(key(f)).or_default();
            if *n == 0 {
                println!("NEW {} {}:{} {}", f.rule, f.path, f.line, f.message);
            } else {
                *n -= 1;
            }
        }
        if let Ok(o) = std::process::Command::new("gofmt").arg("-l").arg(tmp.path()).output() {
            println!("gofmt -l after the fixes:\n{}", String::from_utf8_lossy(&o.stdout));
        }
        println!("diff: diff -ru /work/shared/corpus {}", tmp.path().display());
        std::mem::forget(tmp);
    }
}
