//! `paved policy test [DIR ...]`: runs the `test_*` rules of the built-in policies (no DIR) or
//! of custom policy directories (with the built-in rules and libraries loaded beside them, so
//! custom tests can use them), and reports like `opa test`: failures, then `PASS: n/m`.

use std::path::PathBuf;

use anyhow::Result;

use crate::Status;
use crate::lint::discover::display_path;
use crate::lint::policy::{self, PolicyFile};
use crate::lint::policy_test::{self, Outcome};

pub fn test(dirs: Vec<PathBuf>) -> Result<Status> {
    let cwd = std::env::current_dir()?;
    let files: Vec<PolicyFile> = if dirs.is_empty() {
        policy::builtin_files()
    } else {
        let mut files: Vec<PolicyFile> = policy::builtin_files().into_iter().filter(|f| !f.is_test()).collect();
        for d in &dirs {
            files.extend(policy::load_dir(d, &cwd)?);
        }
        files
    };
    // Metadata errors are policy errors too.
    for f in &files {
        policy::rule_meta(f, false)?;
    }
    let results = policy_test::run(&files)?;
    let total = results.len();
    let mut failed = 0;
    for r in &results {
        match &r.outcome {
            Outcome::Pass => {}
            Outcome::Fail => {
                failed += 1;
                println!("FAIL: {}: data.{}.{} ({:.1?})", r.file, r.package, r.name, r.duration);
            }
            Outcome::Error(e) => {
                failed += 1;
                println!("ERROR: {}: data.{}.{}: {e}", r.file, r.package, r.name);
            }
        }
    }
    if total == 0 {
        let shown: Vec<String> = dirs.iter().map(|d| display_path(d, &cwd)).collect();
        println!(
            "no test_ rules found in {}",
            if shown.is_empty() { "the built-in policies".into() } else { shown.join(", ") }
        );
        return Ok(Status::Usage);
    }
    if failed > 0 {
        println!("{}", "-".repeat(80));
        println!("PASS: {}/{total}", total - failed);
        println!("FAIL: {failed}/{total}");
        Ok(Status::Findings)
    } else {
        println!("PASS: {total}/{total}");
        Ok(Status::Clean)
    }
}
