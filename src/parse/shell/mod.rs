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
//! Each command also says how it connects to the others (see `facts`): its pipeline and
//! neighbours, its redirections and where its stdout ends up, the substitutions in its words
//! with the commands they run (split like any script, never run), the variables it expands,
//! and whether `set -x` traces it.
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

pub mod facts;
mod lexer;
mod parser;
#[cfg(test)]
mod tests;
mod unwrap;

pub use facts::{Expansion, Member, Pipeline, Redirect, Stdout, SubCommand, Substitution};
use lexer::Lexer;
use parser::Parser;
#[cfg(test)]
use parser::Positions;

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
    /// Its pipeline (`curl ... | sh`): position, length and the other members.
    pub pipeline: Pipeline,
    /// Its redirections, in order.
    pub redirects: Vec<Redirect>,
    /// Where its standard output goes, after pipes and redirections.
    pub stdout: Stdout,
    /// The command and process substitutions in its words, with the commands they run.
    pub substitutions: Vec<Substitution>,
    /// The variables its words expand.
    pub expansions: Vec<Expansion>,
    /// Whether the shell traces commands when it runs (`set -x` or `set -o xtrace` earlier in
    /// the script and not undone, or `sh -x -c SCRIPT`).
    pub xtrace: bool,
}

impl SimpleCommand {
    /// A command with no shell context (an exec-form instruction, a test value).
    pub fn plain(argv: Vec<String>, pos: Pos, text: String) -> Self {
        Self {
            argv,
            env: BTreeMap::new(),
            script_env: BTreeMap::new(),
            pos,
            text,
            pipeline: Pipeline::default(),
            redirects: Vec::new(),
            stdout: Stdout::Inherited,
            substitutions: Vec::new(),
            expansions: Vec::new(),
            xtrace: false,
        }
    }

    /// The command as a substitution holds it.
    fn sub_command(self) -> SubCommand {
        let Self { argv, text, pipeline, stdout, substitutions, .. } = self;
        SubCommand { argv, text, pipeline, stdout, substitutions }
    }
}

/// Splits `script` into its simple commands, in source order. Never fails: input that is not
/// valid shell yields its best-effort reading.
pub fn split_script(script: &str) -> Vec<SimpleCommand> {
    let mut out = split_with(script, Outer { env: BTreeMap::new(), at: None, depth: 0, xtrace: false }, MAX_COMMANDS);
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

/// What a script inherits from the command that runs it (`sh -c SCRIPT`, `$(SCRIPT)`).
struct Outer {
    env: BTreeMap<String, String>,
    /// Position every command takes (those of an inner script).
    at: Option<Pos>,
    depth: usize,
    xtrace: bool,
}

/// The first `max` commands of `script`.
fn split_with(script: &str, outer: Outer, max: usize) -> Vec<SimpleCommand> {
    let toks = Lexer::new(script).run();
    let mut p = Parser::new(script, toks, outer, max);
    p.run();
    p.out
}
