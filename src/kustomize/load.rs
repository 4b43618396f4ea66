//! Reading a kustomization's files: only inside the lint roots, never from the network, with
//! kustomize's own load restriction (a file a kustomization names must be in or below its
//! directory; directories may be anywhere in the roots), and every node of a parsed file
//! marked with the file's id.

use std::path::{Component, Path, PathBuf};

use super::{Files, Options, tree};
use crate::parse::ParseError;
use crate::parse::yaml::{self, Node};

/// What a path in a kustomization names, once checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    File(PathBuf),
    Dir(PathBuf),
}

/// Why a path was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// A URL or git reference: paved never fetches.
    Remote,
    /// Outside the lint roots, absolute, missing, or barred by kustomize's load restriction:
    /// the message says which.
    Unreadable(String),
}

/// Whether a kustomization entry names something remote, as kustomize reads it (a URL, a
/// `github.com/...` or `git@...` repository, a `?ref=`).
pub fn is_remote(entry: &str) -> bool {
    let e = entry.trim();
    e.contains("://")
        || e.starts_with("git@")
        || e.starts_with("github.com/")
        || e.starts_with("gitlab.com/")
        || e.starts_with("bitbucket.org/")
        || e.contains("?ref=")
        || e.contains(".git//")
}

pub struct Loader<'a> {
    pub opts: &'a Options<'a>,
}

impl Loader<'_> {
    fn inside_roots(&self, p: &Path) -> bool {
        self.opts.roots.iter().any(|r| p.starts_with(r))
    }

    /// Resolves `entry`, written in the kustomization of (canonical) `dir`.
    pub fn resolve(&self, dir: &Path, entry: &str) -> Result<Target, Refused> {
        if is_remote(entry) {
            return Err(Refused::Remote);
        }
        let rel = Path::new(entry);
        if rel.is_absolute() {
            return Err(Refused::Unreadable(format!(
                "{entry:?} is an absolute path: the build would depend on this machine, and paved reads only inside the lint roots"
            )));
        }
        let joined = dir.join(rel);
        let Ok(path) = std::fs::canonicalize(&joined) else {
            return Err(Refused::Unreadable(format!("{entry:?} does not exist")));
        };
        if !self.inside_roots(&path) {
            return Err(Refused::Unreadable(format!("{entry:?} leaves the lint roots; paved does not read it")));
        }
        if path.is_dir() {
            return Ok(Target::Dir(path));
        }
        // kustomize's default load restriction (LoadRestrictionsRootOnly).
        if !path.starts_with(dir) {
            return Err(Refused::Unreadable(format!(
                "{entry:?} is a file outside the kustomization's directory: kustomize refuses it \
                 (\"file is not in or below\" its root) unless run with --load-restrictor LoadRestrictionsNone"
            )));
        }
        Ok(Target::File(path))
    }

    /// Reads `path` (canonical, checked) into `files`: its id.
    pub fn read(&self, files: &mut Files, path: &Path) -> Result<u32, String> {
        if let Some(i) = files.files.iter().position(|f| f.path == path) {
            return Ok(i as u32);
        }
        let bytes = crate::vfs::read(path).map_err(|e| format!("cannot read {}: {e}", (self.opts.display)(path)))?;
        if bytes.len() as u64 > crate::lint::DEFAULT_MAX_FILE_SIZE {
            return Err(format!("{} is larger than the 10 MB limit; not read", (self.opts.display)(path)));
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        Ok(files.add(path, (self.opts.display)(path), text))
    }

    /// The documents of file `src` (null documents dropped), every node marked with `src`.
    pub fn documents(&self, files: &Files, src: u32) -> Result<Vec<Node>, ParseError> {
        let text = files.get(src).map_or("", |f| f.text.as_str());
        let docs = yaml::parse_stream(text, &yaml::Limits::default())?;
        Ok(docs
            .into_iter()
            .filter(|d| !d.root.is_null())
            .map(|d| {
                let mut n = d.root;
                tree::set_src(&mut n, src);
                octal_ints(&mut n, text);
                n
            })
            .collect())
    }
}

/// Plain integers written with a leading zero (`defaultMode: 0755`) are octal to kustomize, as
/// to kubectl (go-yaml reads YAML 1.1's `0755` as 493); paved's YAML 1.2 parser reads 755.
fn octal_ints(node: &mut Node, text: &str) {
    use crate::parse::yaml::{ScalarStyle, Value};
    let lines: Vec<&str> = text.lines().collect();
    let written = |n: &Node| -> Option<i64> {
        let line = lines.get(n.pos.line.checked_sub(1)? as usize)?;
        let rest: String = line.chars().skip(n.pos.col.saturating_sub(1) as usize).collect();
        let token: &str = rest.split(|c: char| c.is_whitespace() || c == ',' || c == ']' || c == '}').next()?;
        let (sign, digits) = match token.strip_prefix('-') {
            Some(d) => (-1, d),
            None => (1, token.strip_prefix('+').unwrap_or(token)),
        };
        let octal =
            digits.strip_prefix('0').filter(|d| !d.is_empty() && d.bytes().all(|b| (b'0'..=b'7').contains(&b)))?;
        i64::from_str_radix(octal, 8).ok().map(|v| sign * v)
    };
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        if matches!(n.value, Value::Int(_)) && n.style == ScalarStyle::Plain {
            if let Some(v) = written(n) {
                n.value = Value::Int(v);
            }
            continue;
        }
        match &mut n.value {
            Value::Seq(items) => stack.extend(items.iter_mut()),
            Value::Map(entries) => stack.extend(entries.iter_mut().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// `path` relative to `base` with `..` where needed (both canonical), for messages.
pub fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = std::iter::repeat_n("..".to_string(), b.len() - common).collect();
    parts.extend(p[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    if parts.is_empty() { ".".into() } else { parts.join("/") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_entries_are_recognised() {
        for r in [
            "https://github.com/org/repo//config?ref=v1",
            "github.com/org/repo/config?ref=main",
            "git@github.com:org/repo.git",
            "ssh://git@host/repo.git",
        ] {
            assert!(is_remote(r), "{r}");
        }
        for l in ["../base", "deployment.yaml", "github.yaml", "config/github.com.yaml"] {
            assert!(!is_remote(l), "{l}");
        }
    }

    #[test]
    fn leading_zero_integers_are_octal_as_kustomize_reads_them() {
        let text = "a: 0755\nb: 755\nc: [0644, 10]\nd: \"0755\"\ne: 0\nf: 09\n";
        let mut n = yaml::parse_stream(text, &yaml::Limits::default()).unwrap().remove(0).root;
        octal_ints(&mut n, text);
        let j = n.to_json();
        assert_eq!(j, serde_json::json!({"a": 493, "b": 755, "c": [420, 10], "d": "0755", "e": 0, "f": 9}));
    }

    #[test]
    fn relative_paths_climb_with_dots() {
        assert_eq!(relative(Path::new("/a/b/c"), Path::new("/a/d")), "../b/c");
        assert_eq!(relative(Path::new("/a/b"), Path::new("/a/b")), ".");
    }
}
