//! Splits a shell script (a Makefile recipe, a CI `run:`/`script:` block, a Dockerfile `RUN`, a
//! `.sh` file) into the simple commands it would run, so policies can ask "does every `go test`
//! have `-timeout`?" or "is `CGO_ENABLED=0` in effect for `go build`?".
//!
//! For each simple command we keep its argv after quote removal, the assignments on it
//! (`A=1 cmd`, `env A=1 cmd`), the variables set earlier in the same script (`export A=1`),
//! its position and its source text. Wrappers (`env`, `sudo`, `time`, `exec`, `nohup`,
//! `command`, `nice`, `timeout`) are stripped so argv[0] is the program that really runs, and
//! `sh -c SCRIPT` / `bash -c` / `eval` are split recursively. Expansions (`$VAR`, `$(cmd)`,
//! backticks, `${...}`) are never evaluated: they stay as literal text inside their word.
//!
//! Why hand-written (a tokenizer plus a small state machine) rather than a crate:
//! - `shell-words` only splits one line into words: no operators, comments, heredocs,
//!   continuations or positions.
//! - `brush-parser` builds a full bash AST, but it is a heavy dependency and rejects the partial
//!   or templated scripts CI files are full of (`${{ matrix.go }}`, unbalanced quotes cut by
//!   YAML folding, a `case` without `esac`); a linter must still see the commands around them.
//! - `tree-sitter-bash` needs a C toolchain to build and gives a concrete syntax tree we would
//!   still have to walk for the same facts.
//!
//! We need much less than a shell grammar: where each simple command starts and ends, which
//! words are reserved words, redirections or assignments, and what quote removal yields. The
//! lexer below is tolerant by construction: an unterminated quote or substitution runs to the
//! end of the script, unknown syntax becomes words, and nothing here can panic or loop.

use std::collections::BTreeMap;

use serde::Serialize;

use super::pos::{LineIndex, Pos};

mod lexer;
mod parser;
#[cfg(test)]
mod tests;
mod unwrap;

use lexer::Lexer;
use parser::{Parser, Positions};

/// One simple command, as a policy sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimpleCommand {
    /// Words after quote removal, leading assignments and wrappers removed; expansions kept as
    /// literal text.
    pub argv: Vec<String>,
    /// Assignments on this command: inline `A=1 cmd`, `env A=1 cmd`, `sudo A=1 cmd`.
    pub env: BTreeMap<String, String>,
    /// Variables set earlier in the same script (`export A=1`, `A=1` alone, `declare -x`),
    /// minus `unset` ones; cleared by `env -i`, minus `env -u X`. Commands of an `sh -c` script
    /// start from the outer command's `script_env` and `env` together.
    pub script_env: BTreeMap<String, String>,
    /// Position of the command's first word or assignment, relative to the script (line 1 is the
    /// script's first line). Commands found inside `sh -c SCRIPT` carry the position of SCRIPT.
    #[serde(flatten)]
    pub pos: Pos,
    /// The command's source text, backslash-newline continuations joined.
    pub text: String,
}

/// Splits `script` into its simple commands, in source order. Never fails: input that is not
/// valid shell yields its best-effort reading.
pub fn split_script(script: &str) -> Vec<SimpleCommand> {
    let mut out = split_with(script, BTreeMap::new(), None, 0);
    out.truncate(MAX_COMMANDS);
    out
}

/// Commands kept from one script (the rest are not read): real scripts have far fewer, and a
/// Makefile recipe or a YAML alias can expand a few bytes into a megabyte of `a;a;…`.
const MAX_COMMANDS: usize = 10_000;

/// How deep `sh -c 'sh -c ...'` nesting is followed.
const MAX_DEPTH: usize = 8;
const SHELLS: [&str; 7] = ["sh", "bash", "dash", "zsh", "ksh", "ash", "mksh"];

/// Whether `prog` (a name or a path: `/bin/sh`) is a POSIX-style shell.
pub fn is_shell(prog: &str) -> bool {
    SHELLS.contains(&prog.rsplit('/').next().unwrap_or(prog))
}

fn split_with(script: &str, env: BTreeMap<String, String>, at: Option<Pos>, depth: usize) -> Vec<SimpleCommand> {
    let toks =
        Lexer { s: script, b: script.as_bytes(), i: 0, toks: Vec::new(), heredocs: Vec::new(), delim: None }.run();
    let mut p =
        Parser { src: script, idx: Positions::new(script), toks, env, saved: Vec::new(), at, depth, out: Vec::new() };
    p.run();
    p.out
}
