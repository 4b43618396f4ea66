//! What a simple command is connected to: its pipeline, where its output goes, the command
//! substitutions inside its words and the variables it expands. Rules need these to tell
//! `curl ... | sh` from `curl ... | jq`, or `echo "$TOKEN"` (printed) from
//! `echo "$TOKEN" | docker login --password-stdin` (not printed).

use serde::Serialize;

/// Neighbours kept on each side of a command in its pipeline (a longer pipeline keeps the
/// nearest ones): every member carries its neighbours, so this bounds the copies.
pub const MAX_NEIGHBOURS: usize = 8;

/// Commands kept from the script of one substitution.
pub const MAX_SUBSTITUTION_COMMANDS: usize = 64;

/// A command's place in its pipeline (`a | b | c`); a command alone is a pipeline of one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pipeline {
    /// 0-based position in the pipeline.
    pub index: usize,
    pub length: usize,
    /// The members before it, in order (the one writing into this command's stdin last).
    pub before: Vec<Member>,
    /// The members after it, in order (the one reading this command's stdout first).
    pub after: Vec<Member>,
}

impl Default for Pipeline {
    fn default() -> Self {
        Self { index: 0, length: 1, before: Vec::new(), after: Vec::new() }
    }
}

/// Another member of a pipeline: its argv (wrappers stripped; `sh -c SCRIPT` as written) and
/// where its stdout goes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub argv: Vec<String>,
    pub stdout: Stdout,
}

/// Where a command's standard output goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Stdout {
    /// Where the script's own output goes: the terminal, or the CI job's log.
    #[default]
    Inherited,
    /// Into the next command of its pipeline.
    Pipe,
    /// Into a file (`> out`, `>> "$GITHUB_ENV"`) or another descriptor (`>&3`).
    File,
    /// Discarded (`> /dev/null`, `&> /dev/null`, `>&-`).
    Null,
    /// Onto stderr (`>&2`, `> /dev/stderr`): in CI, the same log.
    Stderr,
}

/// A redirection written on the command: `fd` is the descriptor it changes (the number written,
/// else 0 for `<` forms and 1 for `>` forms; `&>`/`&>>` change 1 and 2 and say so in `op`);
/// `target` the word after the operator, quotes removed (`2>&1`: `"1"`; a heredoc: its delimiter).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Redirect {
    pub fd: u32,
    pub op: String,
    pub target: String,
}

/// A command substitution (`$(...)`, backticks) or process substitution (`<(...)`, `>(...)`)
/// inside one of the command's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Substitution {
    /// `$(`, `` ` ``, `<(` or `>(`.
    pub kind: String,
    /// Index in `argv` of the word holding it; null when it is in an assignment or a
    /// redirection target.
    pub word: Option<usize>,
    /// Index in `redirects` when it is a redirection's target (`< <(curl ...)`).
    pub redirect: Option<usize>,
    /// The word is this substitution and nothing else (quotes aside): `"$(curl -fsSL URL)"`.
    pub whole: bool,
    /// The commands it runs (the first [`MAX_SUBSTITUTION_COMMANDS`]).
    pub commands: Vec<SubCommand>,
}

/// A command inside a substitution: the facts of a [`super::SimpleCommand`] without a
/// position (a finding points at the command holding the substitution).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubCommand {
    pub argv: Vec<String>,
    pub text: String,
    pub pipeline: Pipeline,
    pub stdout: Stdout,
    pub substitutions: Vec<Substitution>,
}

/// A parameter expansion the shell performs in one of the command's words (outside single
/// quotes): `$NAME` and `${NAME}` have `op` "", `${NAME:-x}` ":-", `${NAME:+x}` ":+", `${#NAME}`
/// "length", `${NAME%x}` "%", `${NAME:1:2}` ":", and so on (the operator as written).
/// Positional and special parameters (`$1`, `$@`, `$?`) are not listed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expansion {
    pub name: String,
    pub op: String,
    /// Index in `argv` of the word; null in an assignment or a redirection target.
    pub word: Option<usize>,
}

/// `name` and operator of the text inside `${...}`, or `None` for what names no variable
/// (`${1}`, `${!ref}`, `${#}`).
pub fn braced(inner: &str) -> Option<(String, String)> {
    let (length, rest) = match inner.strip_prefix('#') {
        Some(r) if !r.is_empty() => (true, r),
        _ => (false, inner),
    };
    let n = rest.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count();
    let name = &rest[..n];
    if !name.bytes().next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') {
        return None;
    }
    let tail = &rest[n..];
    if length {
        return tail.is_empty().then(|| (name.to_string(), "length".to_string()));
    }
    const OPS: [&str; 17] =
        [":-", ":=", ":?", ":+", "##", "%%", "//", "^^", ",,", "-", "=", "?", "+", "#", "%", "/", ":"];
    let op = OPS.iter().find(|op| tail.starts_with(**op)).copied().unwrap_or_else(|| {
        // `[`, `^`, `,`, `@`: the first character names the operation.
        tail.get(..tail.chars().next().map_or(0, char::len_utf8)).unwrap_or("")
    });
    Some((name.to_string(), op.to_string()))
}

/// Where stdout ends up after `redirects` (the last one changing descriptor 1 wins), or `None`
/// when none changes it.
pub fn redirected_stdout(redirects: &[Redirect]) -> Option<Stdout> {
    let mut out = None;
    for r in redirects {
        let both = r.op == "&>" || r.op == "&>>";
        if !(both || r.fd == 1 && matches!(r.op.as_str(), ">" | ">>" | ">|" | ">&")) {
            continue;
        }
        out = match (r.op.as_str(), r.target.as_str()) {
            (">&", "1") | (_, "/dev/stdout" | "/dev/fd/1" | "/dev/tty") => out,
            (">&", "2") | (_, "/dev/stderr" | "/dev/fd/2") => Some(Stdout::Stderr),
            (">&", "-") | (_, "/dev/null") => Some(Stdout::Null),
            _ => Some(Stdout::File),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn braced_expansions_name_their_operator() {
        let b = |s: &str| braced(s).map(|(n, o)| format!("{n} {o}"));
        assert_eq!(b("TOKEN"), Some("TOKEN ".into()));
        assert_eq!(b("TOKEN:+set"), Some("TOKEN :+".into()));
        assert_eq!(b("#TOKEN"), Some("TOKEN length".into()));
        assert_eq!(b("A:-x"), Some("A :-".into()));
        assert_eq!(b("A:0:4"), Some("A :".into()));
        assert_eq!(b("A[0]"), Some("A [".into()));
        assert_eq!(b("A@Q"), Some("A @".into()));
        for none in ["1", "!ref", "#", "", "{ matrix.go }"] {
            assert_eq!(b(none), None, "{none}");
        }
    }

    #[test]
    fn the_last_redirection_of_stdout_wins() {
        let r = |fd, op: &str, t: &str| Redirect { fd, op: op.into(), target: t.into() };
        assert_eq!(redirected_stdout(&[]), None);
        assert_eq!(redirected_stdout(&[r(2, ">&", "1")]), None);
        assert_eq!(redirected_stdout(&[r(1, ">", "/dev/null"), r(2, ">&", "1")]), Some(Stdout::Null));
        assert_eq!(redirected_stdout(&[r(1, ">>", "$GITHUB_ENV")]), Some(Stdout::File));
        assert_eq!(redirected_stdout(&[r(1, ">&", "2")]), Some(Stdout::Stderr));
        assert_eq!(redirected_stdout(&[r(1, "&>", "/dev/null")]), Some(Stdout::Null));
        assert_eq!(redirected_stdout(&[r(0, "<", "in"), r(1, ">", "/dev/stdout")]), None);
    }
}
