//! Which repository a lint run is about, for results merged across many
//! (`paved report merge`): its name (`--repo-name`, else the name of the git work tree's
//! directory, else of the lint root), the lint root as given, and the commit checked out. The
//! commit is read from `.git` directly (HEAD, the ref it names, packed-refs; a worktree's or
//! submodule's `gitdir:` file): no `git` binary needed, and nothing written.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Repository {
    /// Fields in alphabetical order, as the rest of the JSON output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    pub name: String,
    pub root: String,
}

/// The git work tree containing `dir` (the nearest ancestor with `.git`), and its git dir.
fn work_tree(dir: &Path) -> Option<(PathBuf, PathBuf)> {
    let mut d = std::fs::canonicalize(dir).ok()?;
    loop {
        let dot = d.join(".git");
        if dot.is_dir() {
            return Some((d, dot));
        }
        if dot.is_file() {
            let text = std::fs::read_to_string(&dot).ok()?;
            let gitdir = text.trim().strip_prefix("gitdir:")?.trim();
            return Some((d.clone(), d.join(gitdir)));
        }
        if !d.pop() {
            return None;
        }
    }
}

fn is_sha(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The commit HEAD points at in git dir `git`.
fn head_commit(git: &Path) -> Option<String> {
    let head = std::fs::read_to_string(git.join("HEAD")).ok()?;
    let head = head.trim();
    if is_sha(head) {
        return Some(head.to_string());
    }
    let reference = head.strip_prefix("ref:")?.trim();
    // A linked worktree keeps its refs in the common dir.
    let common = std::fs::read_to_string(git.join("commondir"))
        .ok()
        .map(|c| git.join(c.trim()))
        .unwrap_or_else(|| git.to_path_buf());
    for base in [git, common.as_path()] {
        if let Ok(s) = std::fs::read_to_string(base.join(reference))
            && is_sha(s.trim())
        {
            return Some(s.trim().to_string());
        }
        if let Ok(packed) = std::fs::read_to_string(base.join("packed-refs")) {
            for line in packed.lines() {
                if let Some((sha, name)) = line.split_once(' ')
                    && name == reference
                    && is_sha(sha)
                {
                    return Some(sha.to_string());
                }
            }
        }
    }
    None
}

/// The repository of a run over `root` (shown as `display`).
pub fn describe(root: &Path, display: &str, name: Option<&str>) -> Repository {
    let dir = if root.is_dir() { root.to_path_buf() } else { root.parent().map(Path::to_path_buf).unwrap_or_default() };
    let tree = work_tree(if dir.as_os_str().is_empty() { Path::new(".") } else { &dir });
    let fallback = || {
        let base = tree.as_ref().map(|(t, _)| t.clone()).or_else(|| std::fs::canonicalize(&dir).ok());
        base.and_then(|b| b.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| display.to_string())
    };
    Repository {
        name: name.map(str::to_string).unwrap_or_else(fallback),
        root: display.to_string(),
        commit: tree.and_then(|(_, git)| head_commit(&git)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_commit_through_refs_and_packed_refs() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("orders");
        let git = repo.join(".git");
        std::fs::create_dir_all(git.join("refs/heads")).unwrap();
        std::fs::create_dir_all(repo.join("deploy")).unwrap();
        std::fs::write(git.join("HEAD"), "ref: refs/heads/main\n").unwrap();
        let sha = "0123456789abcdef0123456789abcdef01234567";
        std::fs::write(git.join("packed-refs"), format!("# pack-refs with: peeled\n{sha} refs/heads/main\n")).unwrap();
        let r = describe(&repo.join("deploy"), "orders/deploy", None);
        assert_eq!((r.name.as_str(), r.root.as_str(), r.commit.as_deref()), ("orders", "orders/deploy", Some(sha)));
        let other = "89abcdef0123456789abcdef0123456789abcdef";
        std::fs::write(git.join("refs/heads/main"), format!("{other}\n")).unwrap();
        assert_eq!(describe(&repo, "orders", Some("acme/orders")).commit.as_deref(), Some(other));
        assert_eq!(describe(&repo, "orders", Some("acme/orders")).name, "acme/orders");
        let bare = tempfile::tempdir().unwrap();
        let r = describe(bare.path(), "x", None);
        assert!(r.commit.is_none() && !r.name.is_empty());
    }
}
