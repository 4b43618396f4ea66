//! Writing fixed files: only regular files inside the lint roots, never through a symlink,
//! each atomically (a temporary file in the same directory, the original's permissions, then
//! a rename over it), so a crash or a full disk leaves the old file or the new one, never half.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// Why `path` may not be written by a fix, if it may not: it is not a regular file, it is a
/// symlink or lies under one, or it is outside every root (canonical lint roots).
pub fn refusal(path: &Path, roots: &[PathBuf]) -> Option<String> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return Some(format!("cannot read {}: {e}", path.display())),
    };
    if meta.file_type().is_symlink() {
        return Some("a symlink: fixes never write through one".to_string());
    }
    if !meta.is_file() {
        return Some("not a regular file".to_string());
    }
    let Ok(canon) = std::fs::canonicalize(path) else {
        return Some("cannot resolve the path".to_string());
    };
    // Under a symlinked directory, the canonical path differs from the absolute one.
    let absolute = std::env::current_dir().map(|d| d.join(path)).unwrap_or_else(|_| path.to_path_buf());
    if normalize(&absolute) != canon {
        return Some("reached through a symlinked directory: fixes never write through one".to_string());
    }
    if !roots.iter().any(|r| canon.starts_with(r)) {
        return Some("outside the lint roots".to_string());
    }
    None
}

/// `path` with `.` and `..` resolved lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Replaces `path`'s content with `text`, atomically, keeping its permissions.
pub fn atomic_write(path: &Path, text: &str) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let meta = std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        bail!("{} is not a regular file", path.display());
    }
    let mut tmp = tempfile::Builder::new()
        .prefix(".paved-fix-")
        .tempfile_in(&dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    tmp.write_all(text.as_bytes()).with_context(|| format!("cannot write {}", tmp.path().display()))?;
    tmp.as_file().sync_all().ok();
    std::fs::set_permissions(tmp.path(), meta.permissions())
        .with_context(|| format!("cannot set the permissions of {}", tmp.path().display()))?;
    tmp.persist(path).map_err(|e| e.error).with_context(|| format!("cannot replace {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_atomically_and_keeps_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("build.sh");
        std::fs::write(&f, "old\n").unwrap();
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o755)).unwrap();
        atomic_write(&f, "new\n").unwrap();
        assert_eq!(std::fs::read_to_string(&f).unwrap(), "new\n");
        assert_eq!(std::fs::metadata(&f).unwrap().permissions().mode() & 0o777, 0o755);
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file left behind");
    }

    #[test]
    fn refuses_symlinks_and_paths_outside_the_roots() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        let inside = root.join("a.yaml");
        std::fs::write(&inside, "a: 1\n").unwrap();
        let link = root.join("b.yaml");
        std::os::unix::fs::symlink(&inside, &link).unwrap();
        assert_eq!(refusal(&inside, std::slice::from_ref(&root)), None);
        assert!(refusal(&link, std::slice::from_ref(&root)).unwrap().contains("symlink"));
        let other = tempfile::tempdir().unwrap();
        let outside = std::fs::canonicalize(other.path()).unwrap().join("c.yaml");
        std::fs::write(&outside, "c: 1\n").unwrap();
        assert!(refusal(&outside, std::slice::from_ref(&root)).unwrap().contains("outside"));
        std::os::unix::fs::symlink(&root, other.path().join("d")).unwrap();
        let via = other.path().join("d").join("a.yaml");
        assert!(refusal(&via, &[root]).unwrap().contains("symlink"));
    }
}
