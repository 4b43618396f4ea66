//! Makefile → input: `input.makefile` (variables, rules, recipes, exports) and `commands`, the
//! commands of every recipe line after Make expansion, with the exported variables in effect.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::{Built, CommandFact, FileInput, document};
use crate::parse::ParseError;
use crate::parse::makefile;

pub fn build(path: &str, text: &str) -> Result<Built, ParseError> {
    build_with_includes(path, text, &|_| None)
}

/// Largest included file read.
const MAX_INCLUDE_BYTES: u64 = 1 << 20;

/// The text of the file an `include NAME` in the Makefile at `makefile` names, resolved from
/// the Makefile's directory (where make runs it), if it is a regular file of at most a megabyte
/// inside one of `roots` (the lint roots, canonical) once symlinks and `..` are resolved;
/// `None` otherwise or when it does not exist (make would fail or skip it; the linter reads
/// what it can, and never outside what it was asked to lint).
pub fn read_include(makefile: &Path, name: &str, roots: &[PathBuf]) -> Option<String> {
    let rel = Path::new(name);
    if rel.is_absolute() {
        return None;
    }
    let path = std::fs::canonicalize(makefile.parent()?.join(rel)).ok()?;
    if !roots.iter().any(|r| path.starts_with(r)) {
        return None;
    }
    let meta = std::fs::metadata(&path).ok()?;
    if !meta.is_file() || meta.len() > MAX_INCLUDE_BYTES {
        return None;
    }
    let bytes = crate::vfs::read(&path).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// [`build`], with the variables of `include`d files read through `includes`.
pub fn build_with_includes(path: &str, text: &str, includes: &makefile::Includes) -> Result<Built, ParseError> {
    let mk = makefile::parse_with_includes(text, includes)?;
    let mut commands = Vec::new();
    for rule in &mk.rules {
        let owner = rule.targets.join(" ");
        for line in &rule.recipe {
            for cmd in &line.commands {
                commands.push(CommandFact::from_command(cmd, &mk.exports, "recipe", &owner, cmd.pos));
            }
        }
    }
    let extra = json!({ "makefile": mk });
    Ok(Built::Input(Box::new(FileInput {
        input: document(path, "makefile", Vec::new(), commands, extra),
        objects: Vec::new(),
        suppressions: Vec::new(),
        written: None,
    })))
}
