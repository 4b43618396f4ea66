//! Writes a generated project so that a failure leaves nothing behind.
//!
//! Everything is first written into a staging directory beside the target (same filesystem,
//! so renames are atomic). A new target is then one rename. An existing target (empty, or
//! non-empty with `--force`) is filled file by file: each file paved replaces is moved into the
//! staging area as a backup first, and any failure rolls every step back. Nothing is ever
//! written through a symlink inside the target, so no path can escape it.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::render::GeneratedFile;

/// What is already at the target path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetState {
    Missing,
    Empty,
    NonEmpty,
}

pub fn target_state(dir: &Path) -> Result<TargetState> {
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(TargetState::Missing),
        Err(e) => Err(e).with_context(|| format!("cannot inspect {}", dir.display())),
        Ok(_) if !dir.is_dir() => bail!("{} exists and is not a directory", dir.display()),
        Ok(_) => {
            let mut entries = fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
            Ok(if entries.next().is_none() { TargetState::Empty } else { TargetState::NonEmpty })
        }
    }
}

/// Test hook: fail after this many files have been placed into an existing target, to prove
/// the rollback. Read from `PAVED_TEST_FAIL_AFTER`; has no effect when unset.
fn fail_after() -> Option<usize> {
    std::env::var("PAVED_TEST_FAIL_AFTER").ok()?.parse().ok()
}

pub fn write_project(dir: &Path, files: &[GeneratedFile], force: bool) -> Result<()> {
    let state = target_state(dir)?;
    if state == TargetState::NonEmpty && !force {
        bail!(
            "{} is not empty; pass --force to write into it (files paved generates are overwritten, others are kept)",
            dir.display()
        );
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let created_parents = create_missing_dirs(&parent)?;
    let result = stage_and_place(dir, &parent, files, state);
    if result.is_err() {
        for d in created_parents.iter().rev() {
            let _ = fs::remove_dir(d);
        }
    }
    result
}

fn stage_and_place(dir: &Path, parent: &Path, files: &[GeneratedFile], state: TargetState) -> Result<()> {
    let stage = tempfile::Builder::new()
        .prefix(".paved-new-")
        .tempdir_in(parent)
        .with_context(|| format!("cannot create a staging directory in {}", parent.display()))?;
    let root = stage.path().join("project");
    for file in files {
        write_file(&root.join(&file.path), file)?;
    }
    if state == TargetState::Missing {
        fs::rename(&root, dir).with_context(|| format!("cannot move the project into {}", dir.display()))?;
        return Ok(());
    }
    let mut tx = Transaction { done: Vec::new(), backup_root: stage.path().join("backup") };
    for file in files {
        check_no_symlink_ancestor(dir, &file.path)?;
        if dir.join(&file.path).is_dir() {
            bail!("{} is a directory; paved would write a file there", dir.join(&file.path).display());
        }
    }
    let limit = fail_after();
    for (i, file) in files.iter().enumerate() {
        let step = if limit == Some(i) {
            Err(anyhow::anyhow!("simulated failure after {i} files (PAVED_TEST_FAIL_AFTER)"))
        } else {
            tx.place(&root.join(&file.path), &dir.join(&file.path), &file.path)
        };
        if let Err(e) = step {
            tx.rollback();
            return Err(e);
        }
    }
    Ok(())
}

fn write_file(path: &Path, file: &GeneratedFile) -> Result<()> {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).with_context(|| format!("cannot create {}", p.display()))?;
    }
    let mut f = fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(&file.contents).with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    if file.executable {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}

/// Creates `dir` and its missing ancestors, returning the ones it created (outermost first).
fn create_missing_dirs(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut missing = Vec::new();
    let mut cur = Some(dir);
    while let Some(d) = cur {
        if d.as_os_str().is_empty() || d.exists() {
            break;
        }
        missing.push(d.to_path_buf());
        cur = d.parent();
    }
    missing.reverse();
    for d in &missing {
        fs::create_dir(d).with_context(|| format!("cannot create {}", d.display()))?;
    }
    Ok(missing)
}

fn check_no_symlink_ancestor(dir: &Path, rel: &str) -> Result<()> {
    let mut cur = dir.to_path_buf();
    let parts: Vec<&str> = rel.split('/').collect();
    for part in &parts[..parts.len() - 1] {
        cur.push(part);
        if fs::symlink_metadata(&cur).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!("refusing to write {rel}: {} is a symlink and could lead outside the target", cur.display());
        }
    }
    Ok(())
}

enum Step {
    CreatedDir(PathBuf),
    Placed { target: PathBuf, backup: Option<PathBuf> },
}

struct Transaction {
    done: Vec<Step>,
    backup_root: PathBuf,
}

impl Transaction {
    fn place(&mut self, staged: &Path, target: &Path, rel: &str) -> Result<()> {
        if let Some(p) = target.parent() {
            let mut missing = Vec::new();
            let mut cur = Some(p);
            while let Some(d) = cur {
                if d.exists() {
                    break;
                }
                missing.push(d.to_path_buf());
                cur = d.parent();
            }
            for d in missing.into_iter().rev() {
                fs::create_dir(&d).with_context(|| format!("cannot create {}", d.display()))?;
                self.done.push(Step::CreatedDir(d));
            }
        }
        let backup = if fs::symlink_metadata(target).is_ok() {
            let b = self.backup_root.join(rel);
            fs::create_dir_all(b.parent().expect("backup path has a parent"))?;
            fs::rename(target, &b).with_context(|| format!("cannot move aside {}", target.display()))?;
            Some(b)
        } else {
            None
        };
        let placed = fs::rename(staged, target).with_context(|| format!("cannot write {}", target.display()));
        self.done.push(Step::Placed { target: target.to_path_buf(), backup });
        placed
    }

    /// Undoes every step in reverse order; best effort, since it runs on an error path.
    fn rollback(&mut self) {
        while let Some(step) = self.done.pop() {
            match step {
                Step::CreatedDir(d) => {
                    let _ = fs::remove_dir(d);
                }
                Step::Placed { target, backup } => {
                    let _ = fs::remove_file(&target);
                    if let Some(b) = backup {
                        let _ = fs::rename(b, &target);
                    }
                }
            }
        }
    }
}
