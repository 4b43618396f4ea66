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

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Word,
    Op,
    Redir,
    Newline,
    /// `(( ... ))`: arithmetic, not a command.
    Arith,
}

#[derive(Debug)]
struct Tok {
    kind: Kind,
    /// For words the text after quote removal; for operators the operator.
    text: String,
    start: usize,
    end: usize,
    /// Whether any quoting or escaping appeared (a quoted word is never a reserved word).
    quoted: bool,
}

/// Operators, longest first; those with `<` or `>` are redirections.
const OPS: [&str; 23] = [
    "&&", "&>>", "&>", "&", "||", "|&", "|", ";;&", ";;", ";&", ";", "<<<", "<<-", "<<", "<&", "<>", "<", ">>", ">&",
    ">|", ">", "(", ")",
];

struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    toks: Vec<Tok>,
    /// Heredocs whose bodies start after the next newline: (delimiter, strip leading tabs).
    heredocs: Vec<(String, bool)>,
    /// Set after `<<`/`<<-`: the next word is a heredoc delimiter.
    delim: Option<bool>,
}

impl Lexer<'_> {
    fn run(mut self) -> Vec<Tok> {
        while self.i < self.b.len() {
            let start = self.i;
            match self.b[self.i] {
                b' ' | b'\t' | b'\r' => self.i += 1,
                b'\\' if self.b.get(self.i + 1) == Some(&b'\n') => self.i += 2,
                b'#' => self.i = self.find(self.i, b'\n'),
                b'\n' => {
                    self.i += 1;
                    self.push(Kind::Newline, "\n".into(), start, false);
                    self.skip_heredocs();
                }
                b'(' if self.b.get(self.i + 1) == Some(&b'(') => {
                    self.i = self.balanced(self.i);
                    self.push(Kind::Arith, self.s[start..self.i].into(), start, false);
                }
                b'<' | b'>' if self.b.get(self.i + 1) == Some(&b'(') => {
                    // Process substitution: one word, kept literally.
                    self.i = self.balanced(self.i + 1);
                    self.push(Kind::Word, self.s[start..self.i].into(), start, false);
                }
                _ => {
                    let digits = self.b[self.i..].iter().take_while(|c| c.is_ascii_digit()).count();
                    let at = self.i + digits;
                    let op = OPS.iter().find(|op| self.b[at..].starts_with(op.as_bytes()));
                    let kind = |op: &str| if op.contains(['<', '>']) { Kind::Redir } else { Kind::Op };
                    match op.map(|&op| (op, kind(op))) {
                        Some((op, kind)) if digits == 0 || kind == Kind::Redir => {
                            self.i = at + op.len();
                            if op == "<<" || op == "<<-" {
                                self.delim = Some(op == "<<-");
                            }
                            self.push(kind, op.into(), start, false);
                        }
                        _ => self.word(),
                    }
                }
            }
        }
        self.toks
    }

    fn push(&mut self, kind: Kind, text: String, start: usize, quoted: bool) {
        self.toks.push(Tok { kind, text, start, end: self.i, quoted });
    }

    /// Index of the next `c` at or after `i`, or the end of the script.
    fn find(&self, i: usize, c: u8) -> usize {
        self.b[i.min(self.b.len())..].iter().position(|&x| x == c).map_or(self.b.len(), |p| i + p)
    }

    /// The character at byte `i` (U+FFFD if `i` is not on a character boundary).
    fn ch(&self, i: usize) -> (char, usize) {
        self.s.get(i..).and_then(|t| t.chars().next()).map_or(('\u{FFFD}', 1), |c| (c, c.len_utf8()))
    }

    /// Given `b[open]` is `(` or `{`, the index just after its matching closer (quotes and
    /// escapes skipped), or the end of the script when it is unbalanced.
    fn balanced(&self, open: usize) -> usize {
        let (o, c) = if self.b[open] == b'{' { (b'{', b'}') } else { (b'(', b')') };
        let (mut depth, mut i) = (0usize, open);
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 1,
                b'\'' => i = self.find(i + 1, b'\''),
                b'"' => i = self.skip_dquote(i + 1) - 1,
                b'`' => i = self.skip_backtick(i) - 1,
                x if x == o => depth += 1,
                x if x == c => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        self.b.len()
    }

    /// From just inside a `"`, the index after the closing `"`.
    fn skip_dquote(&self, mut i: usize) -> usize {
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                b'$' if matches!(self.b.get(i + 1), Some(b'(' | b'{')) => i = self.balanced(i + 1),
                b'`' => i = self.skip_backtick(i),
                _ => i += 1,
            }
        }
        self.b.len()
    }

    /// From an opening backtick, the index after the closing one.
    fn skip_backtick(&self, mut i: usize) -> usize {
        i += 1;
        while i < self.b.len() {
            match self.b[i] {
                b'\\' => i += 2,
                b'`' => return i + 1,
                _ => i += 1,
            }
        }
        self.b.len()
    }

    fn word(&mut self) {
        let start = self.i;
        let (mut text, mut quoted) = (String::new(), false);
        while self.i < self.b.len() {
            let i = self.i;
            match self.b[i] {
                b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b')' => break,
                b'(' if is_name_eq(&self.s[start..i]) => {
                    // Array assignment `A=(x y)`.
                    self.i = self.balanced(i);
                    text.push_str(&self.s[i..self.i]);
                }
                b'(' => break,
                b'\\' => match self.b.get(i + 1) {
                    Some(b'\n') => self.i += 2,
                    Some(_) => {
                        let (c, n) = self.ch(i + 1);
                        text.push(c);
                        self.i += 1 + n;
                        quoted = true;
                    }
                    None => {
                        text.push('\\');
                        self.i += 1;
                    }
                },
                b'\'' => {
                    let end = self.find(i + 1, b'\'');
                    text.push_str(&self.s[i + 1..end]);
                    self.i = (end + 1).min(self.b.len());
                    quoted = true;
                }
                b'"' => {
                    self.dquote(&mut text);
                    quoted = true;
                }
                b'$' => match self.b.get(i + 1) {
                    Some(b'(' | b'{') => {
                        self.i = self.balanced(i + 1);
                        text.push_str(&self.s[i..self.i]);
                    }
                    Some(b'\'') => {
                        self.ansi_c(&mut text);
                        quoted = true;
                    }
                    Some(b'"') => {
                        self.i += 1;
                        self.dquote(&mut text);
                        quoted = true;
                    }
                    _ => {
                        text.push('$');
                        self.i += 1;
                    }
                },
                b'`' => {
                    self.i = self.skip_backtick(i);
                    text.push_str(&self.s[i..self.i]);
                }
                _ => {
                    let (c, n) = self.ch(i);
                    text.push(c);
                    self.i += n;
                }
            }
        }
        if self.i == start {
            self.i += 1; // cannot happen (operators are lexed first); guarantees progress anyway
            return;
        }
        if let Some(strip) = self.delim.take() {
            self.heredocs.push((text.clone(), strip));
        }
        self.push(Kind::Word, text, start, quoted);
    }

    /// At a `"`: appends the quote-removed contents and moves past the closing quote.
    fn dquote(&mut self, text: &mut String) {
        self.i += 1;
        while self.i < self.b.len() {
            let i = self.i;
            match self.b[i] {
                b'"' => {
                    self.i += 1;
                    return;
                }
                b'\\' => match self.b.get(i + 1) {
                    Some(b'\n') => self.i += 2,
                    Some(&c @ (b'$' | b'`' | b'"' | b'\\')) => {
                        text.push(c as char);
                        self.i += 2;
                    }
                    _ => {
                        text.push('\\');
                        self.i += 1;
                    }
                },
                b'$' if matches!(self.b.get(i + 1), Some(b'(' | b'{')) => {
                    self.i = self.balanced(i + 1);
                    text.push_str(&self.s[i..self.i]);
                }
                b'`' => {
                    self.i = self.skip_backtick(i);
                    text.push_str(&self.s[i..self.i]);
                }
                _ => {
                    let (c, n) = self.ch(i);
                    text.push(c);
                    self.i += n;
                }
            }
        }
    }

    /// At `$'`: ANSI-C quoting, with the common escapes.
    fn ansi_c(&mut self, text: &mut String) {
        self.i += 2;
        while self.i < self.b.len() {
            let (c, n) = self.ch(self.i);
            self.i += n;
            match c {
                '\'' => return,
                '\\' if self.i < self.b.len() => {
                    let (e, m) = self.ch(self.i);
                    self.i += m;
                    text.push(match e {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        'e' | 'E' => '\u{1b}',
                        other => other,
                    });
                }
                c => text.push(c),
            }
        }
    }

    /// After a newline: skips the bodies of the heredocs opened on the line just ended.
    fn skip_heredocs(&mut self) {
        for (delim, strip) in std::mem::take(&mut self.heredocs) {
            while self.i < self.b.len() {
                let end = self.find(self.i, b'\n');
                let mut line = self.s.get(self.i..end).unwrap_or("").trim_end_matches('\r');
                if strip {
                    line = line.trim_start_matches('\t');
                }
                let done = line == delim;
                self.i = (end + 1).min(self.b.len());
                if done {
                    break;
                }
            }
        }
    }
}

/// `NAME=` or `NAME+=` exactly (the text of a word before an array's `(`).
fn is_name_eq(s: &str) -> bool {
    let s = s.strip_suffix('=').map(|s| s.strip_suffix('+').unwrap_or(s));
    s.is_some_and(is_name)
}

fn is_name(s: &str) -> bool {
    let mut b = s.bytes();
    b.next().is_some_and(|c| c.is_ascii_alphabetic() || c == b'_') && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Splits an assignment word: `raw` must start with an unquoted `NAME=` or `NAME+=`; the value
/// is taken from `cooked` (quote-removed). Returns (name, value, is_append).
fn assignment<'a>(raw: &str, cooked: &'a str) -> Option<(String, &'a str, bool)> {
    let eq = raw.find('=')?;
    let (name, append) = match raw[..eq].strip_suffix('+') {
        Some(n) => (n, true),
        None => (&raw[..eq], false),
    };
    if !is_name(name) {
        return None;
    }
    let value = cooked.find('=').map_or("", |e| &cooked[e + 1..]);
    Some((name.to_string(), value, append))
}

// ---------------------------------------------------------------------------------------------
// Parser

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// After `case`: skipping the subject up to `in`.
    Subject,
    /// Skipping a pattern list up to `)`.
    Pattern,
    /// In the commands of one branch.
    Body,
}

struct Arg {
    text: String,
    start: usize,
}

/// Positions of byte offsets in a script. The column is counted on from the previous lookup when
/// that was earlier on the same line, so the commands of one long line (a Makefile recipe can
/// expand to a megabyte of them) cost linear time in all rather than quadratic.
struct Positions {
    idx: LineIndex,
    last: Option<(usize, Pos)>,
}

impl Positions {
    fn new(src: &str) -> Self {
        Self { idx: LineIndex::new(src), last: None }
    }

    fn pos(&mut self, src: &str, offset: usize) -> Pos {
        let offset = offset.min(src.len());
        let pos = match self.last {
            Some((at, p)) if at <= offset => match src.get(at..offset) {
                Some(between) if !between.contains('\n') => Pos::new(p.line, p.col + between.chars().count() as u32),
                _ => self.idx.pos(src, offset),
            },
            _ => self.idx.pos(src, offset),
        };
        self.last = Some((offset, pos));
        pos
    }
}

struct Parser<'a> {
    src: &'a str,
    idx: Positions,
    toks: Vec<Tok>,
    /// Variables set so far by this script.
    env: BTreeMap<String, String>,
    /// `env` saved at each open subshell `(`.
    saved: Vec<BTreeMap<String, String>>,
    /// Position every command takes (commands of an `sh -c` script).
    at: Option<Pos>,
    depth: usize,
    out: Vec<SimpleCommand>,
}

impl Parser<'_> {
    fn run(&mut self) {
        // Token indices of the simple command being read; `true` marks redirection parts.
        let mut cur: Vec<(usize, bool)> = Vec::new();
        let mut cases: Vec<Case> = Vec::new();
        let mut i = 0;
        while i < self.toks.len() && self.out.len() < MAX_COMMANDS {
            let t = &self.toks[i];
            let word = |w: &str| t.kind == Kind::Word && !t.quoted && t.text == w;
            match cases.last().copied() {
                Some(Case::Subject) => {
                    if word("in") {
                        cases.pop();
                        cases.push(Case::Pattern);
                    }
                    i += 1;
                    continue;
                }
                Some(Case::Pattern) => {
                    if word("esac") {
                        cases.pop();
                    } else if t.kind == Kind::Op && t.text == ")" {
                        cases.pop();
                        cases.push(Case::Body);
                    }
                    i += 1;
                    continue;
                }
                Some(Case::Body) if t.kind == Kind::Op && (t.text.starts_with(";;") || t.text == ";&") => {
                    self.flush(&mut cur);
                    cases.pop();
                    cases.push(Case::Pattern);
                    i += 1;
                    continue;
                }
                _ => {}
            }
            match t.kind {
                Kind::Newline | Kind::Arith => self.flush(&mut cur),
                Kind::Op if t.text == "(" => {
                    let next_close = self.toks.get(i + 1).is_some_and(|n| n.kind == Kind::Op && n.text == ")");
                    if next_close && cur.iter().filter(|c| !c.1).count() == 1 {
                        // `name() { ...; }`: a function definition, not a command.
                        cur.clear();
                        i += 2;
                        continue;
                    }
                    self.flush(&mut cur);
                    self.saved.push(self.env.clone());
                }
                Kind::Op if t.text == ")" => {
                    self.flush(&mut cur);
                    if let Some(env) = self.saved.pop() {
                        self.env = env;
                    }
                }
                Kind::Op => self.flush(&mut cur),
                Kind::Redir => {
                    cur.push((i, true));
                    if self.toks.get(i + 1).is_some_and(|n| n.kind == Kind::Word) {
                        cur.push((i + 1, true));
                        i += 1;
                    }
                }
                Kind::Word if cur.is_empty() && !t.quoted => match t.text.as_str() {
                    "if" | "then" | "elif" | "else" | "fi" | "do" | "done" | "while" | "until" | "{" | "}" | "!" => {}
                    "case" => cases.push(Case::Subject),
                    "esac" => {
                        cases.pop();
                    }
                    "for" | "select" => {
                        // Skip the loop header up to its `;` or newline.
                        while self.toks.get(i + 1).is_some_and(|n| n.kind != Kind::Newline && n.text != ";") {
                            i += 1;
                        }
                    }
                    "[[" => {
                        while self.toks.get(i).is_some_and(|n| n.kind != Kind::Newline && n.text != "]]") {
                            i += 1;
                        }
                    }
                    "function" => {
                        i += usize::from(self.toks.get(i + 1).is_some_and(|n| n.kind == Kind::Word));
                        let paren =
                            |k: usize, s: &str| self.toks.get(k).is_some_and(|n| n.kind == Kind::Op && n.text == s);
                        if paren(i + 1, "(") && paren(i + 2, ")") {
                            i += 2;
                        }
                    }
                    _ => cur.push((i, false)),
                },
                Kind::Word => cur.push((i, false)),
            }
            i += 1;
        }
        self.flush(&mut cur);
    }

    /// Turns the tokens of one simple command into a [`SimpleCommand`] (or into script
    /// variables, for a command made only of assignments).
    fn flush(&mut self, cur: &mut Vec<(usize, bool)>) {
        let parts = std::mem::take(cur);
        let (Some(first), Some(last)) = (parts.first(), parts.last()) else { return };
        let (start, end) = (self.toks[first.0].start, self.toks[last.0].end);
        let words: Vec<&Tok> = parts.iter().filter(|p| !p.1).map(|p| &self.toks[p.0]).collect();
        let Some(head) = words.first() else { return };
        let mut env = BTreeMap::new();
        let mut k = 0;
        while let Some(t) = words.get(k) {
            let Some((name, value, append)) = assignment(&self.src[t.start..t.end], &t.text) else { break };
            let value = match append {
                true => format!("{}{value}", env.get(&name).or(self.env.get(&name)).map_or("", String::as_str)),
                false => value.to_string(),
            };
            env.insert(name, value);
            k += 1;
        }
        if k == words.len() {
            self.env.extend(env);
            return;
        }
        let argv = words[k..].iter().map(|t| Arg { text: t.text.clone(), start: t.start }).collect();
        let pos = self.at.unwrap_or_else(|| self.idx.pos(self.src, head.start));
        let text = join_continuations(&self.src[start..end]);
        self.emit(argv, env, pos, text);
    }

    fn emit(&mut self, mut argv: Vec<Arg>, mut env: BTreeMap<String, String>, pos: Pos, text: String) {
        if self.out.len() >= MAX_COMMANDS {
            return;
        }
        let mut script_env = self.env.clone();
        if let Some((script, start)) = unwrap(&mut argv, &mut env, &mut script_env)
            && self.depth < MAX_DEPTH
        {
            script_env.extend(env);
            let at = self.at.unwrap_or_else(|| self.idx.pos(self.src, start));
            self.out.extend(split_with(&script, script_env, Some(at), self.depth + 1));
            return;
        }
        let argv: Vec<String> = argv.into_iter().map(|a| a.text).collect();
        let is_set = |a: &&String| !a.starts_with('-') && !a.starts_with('+');
        match argv[0].as_str() {
            "export" | "declare" | "typeset" | "local" | "readonly" => {
                for a in argv[1..].iter().filter(is_set) {
                    if let Some((name, value, _)) = assignment(a, a) {
                        self.env.insert(name, value.to_string());
                    }
                }
            }
            "unset" if !argv.iter().any(|a| a == "-f") => {
                for a in argv[1..].iter().filter(is_set) {
                    self.env.remove(a);
                }
            }
            _ => {}
        }
        self.out.push(SimpleCommand { argv, env, script_env, pos, text });
    }
}

/// Joins backslash-newline continuations: the pair and the next line's indentation become one
/// space (none if the line already ended in a blank).
fn join_continuations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(p) = rest.find("\\\n") {
        let before = rest[..p].trim_end_matches('\r');
        out.push_str(before);
        let after = &rest[p + 2..];
        let trimmed = after.trim_start_matches([' ', '\t']);
        if !before.ends_with([' ', '\t']) && trimmed.len() != after.len() {
            out.push(' ');
        }
        rest = trimmed;
    }
    out.push_str(rest);
    out
}

/// Strips wrappers (`env`, `sudo`, `time`, ...) off `argv`, moving their assignments into `env`
/// and applying `env -i`/`-u` to `script_env`. Returns the inner script and its offset when the
/// real command is `sh -c SCRIPT` or `eval ...`. A wrapper with an option it does not know, or
/// with nothing after it, is left in place.
fn unwrap(
    argv: &mut Vec<Arg>,
    env: &mut BTreeMap<String, String>,
    script_env: &mut BTreeMap<String, String>,
) -> Option<(String, usize)> {
    loop {
        let args: Vec<&str> = argv.iter().map(|a| a.text.as_str()).collect();
        let base = args.first()?.rsplit('/').next().unwrap_or("");
        let (skip, assigns) = match base {
            "env" => (strip_env(&args, env, script_env), true),
            "sudo" => (strip_sudo(&args), true),
            "time" => (skip_opts(&args, &["-p", "-v", "-q", "-a", "--verbose", "--portability"], &["-o", "-f"]), true),
            "exec" => (skip_opts(&args, &["-c", "-l", "-cl", "-lc"], &["-a"]), false),
            "nohup" => (skip_opts(&args, &[], &[]), false),
            "command" if !matches!(args.get(1), Some(&("-v" | "-V"))) => (skip_opts(&args, &["-p"], &[]), false),
            "nice" => (skip_opts(&args, &[], &["-n", "--adjustment"]), false),
            "timeout" => {
                let flags = ["--foreground", "--preserve-status", "-v", "--verbose"];
                (skip_opts(&args, &flags, &["-s", "-k", "--signal", "--kill-after"]).map(|i| i + 1), false)
            }
            "eval" if args.len() > 1 => return Some((args[1..].join(" "), argv[1].start)),
            b if SHELLS.contains(&b) => {
                let i = shell_script(&args)?;
                return Some((argv[i].text.clone(), argv[i].start));
            }
            _ => return None,
        };
        let mut i = skip?;
        let mut found = Vec::new();
        while assigns && let Some((name, value, _)) = args.get(i).and_then(|a| assignment(a, a)) {
            found.push((name, value.to_string()));
            i += 1;
        }
        if i >= argv.len() {
            return None;
        }
        env.extend(found);
        argv.drain(..i);
    }
}

/// Skips a wrapper's options: `flags` take no argument, `with_arg` take one (`-o x`, `--opt=x`).
/// Returns the index of the first non-option word, or `None` for an unknown option.
fn skip_opts(args: &[&str], flags: &[&str], with_arg: &[&str]) -> Option<usize> {
    let mut i = 1;
    while let Some(&a) = args.get(i) {
        let long_eq = |w: &&str| w.starts_with("--") && a.strip_prefix(*w).is_some_and(|r| r.starts_with('='));
        if a == "--" {
            return Some(i + 1);
        } else if flags.contains(&a) || with_arg.iter().any(long_eq) || is_number_opt(a) {
            i += 1;
        } else if with_arg.contains(&a) {
            i += 2;
        } else if a.starts_with('-') && a.len() > 1 {
            return None;
        } else {
            break;
        }
    }
    Some(i)
}

/// `-5` (as in `nice -5`).
fn is_number_opt(a: &str) -> bool {
    a.strip_prefix('-').is_some_and(|r| !r.is_empty() && r.bytes().all(|c| c.is_ascii_digit()))
}

fn strip_env(
    args: &[&str],
    env: &mut BTreeMap<String, String>,
    script: &mut BTreeMap<String, String>,
) -> Option<usize> {
    let mut i = 1;
    while let Some(&a) = args.get(i) {
        let unset = match a {
            "-u" | "--unset" => args.get(i + 1).copied(),
            _ => a.strip_prefix("--unset=").or_else(|| a.strip_prefix("-u").filter(|s| !s.is_empty())),
        };
        if let Some(name) = unset {
            env.remove(name);
            script.remove(name);
            i += if a.contains('=') || a.len() > 2 && !a.starts_with("--") { 1 } else { 2 };
            continue;
        }
        match a {
            "-i" | "-" | "--ignore-environment" => {
                env.clear();
                script.clear();
                i += 1;
            }
            "-0" | "--null" | "-v" | "--debug" => i += 1,
            "-C" | "--chdir" => i += 2,
            "--" => return Some(i + 1),
            _ if a.starts_with("--chdir=") => i += 1,
            _ if a.starts_with('-') => return None,
            _ => break,
        }
    }
    Some(i)
}

fn strip_sudo(args: &[&str]) -> Option<usize> {
    const WITH_ARG: &str = "ughprtCDRTU";
    const LONG_WITH_ARG: &str =
        " --user --group --host --prompt --role --type --close-from --chdir --chroot --other-user ";
    let mut i = 1;
    while let Some(&a) = args.get(i) {
        if a == "--" {
            return Some(i + 1);
        } else if a.starts_with("--") && LONG_WITH_ARG.contains(&format!(" {a} ")) {
            i += 2;
        } else if a.starts_with("--") {
            i += 1;
        } else if a.len() == 2 && a.starts_with('-') && WITH_ARG.contains(&a[1..]) {
            i += 2;
        } else if a.starts_with('-') && a.len() > 1 {
            i += 1;
        } else {
            break;
        }
    }
    Some(i)
}

/// For `sh [options] -c SCRIPT ...`: the index of SCRIPT. Understands option clusters
/// (`-euxc`), `-o name`/`+o name` (also inside clusters: `-euo pipefail`) and long options.
fn shell_script(args: &[&str]) -> Option<usize> {
    let (mut i, mut c) = (1, false);
    while let Some(&a) = args.get(i) {
        if a == "--" || a == "-" {
            i += 1;
            break;
        } else if a.starts_with("--") {
            i += if a == "--rcfile" || a == "--init-file" { 2 } else { 1 };
        } else if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
            c |= a[1..].contains('c');
            i += 1 + a[1..].matches(['o', 'O']).count();
        } else {
            break;
        }
    }
    (c && i < args.len()).then_some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argvs(script: &str) -> Vec<Vec<String>> {
        split_script(script).into_iter().map(|c| c.argv).collect()
    }

    fn one(script: &str) -> SimpleCommand {
        let mut cmds = split_script(script);
        assert_eq!(cmds.len(), 1, "{cmds:#?}");
        cmds.remove(0)
    }

    fn v(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn echo_of_go_test_is_an_echo() {
        assert_eq!(argvs(r#"echo "go test ./...""#), [v(&["echo", "go test ./..."])]);
        assert_eq!(argvs("echo 'go test' go\\ test"), [v(&["echo", "go test", "go test"])]);
        assert_eq!(argvs("printf '%s\\n' \"a\\\"b\" \"\\x\""), [v(&["printf", "%s\\n", "a\"b", "\\x"])]);
    }

    #[test]
    fn operators_separate_commands() {
        let got = argvs("go vet ./... && go test ./... || echo fail; make a | tee out & wait\ngo build");
        let want = [
            v(&["go", "vet", "./..."]),
            v(&["go", "test", "./..."]),
            v(&["echo", "fail"]),
            v(&["make", "a"]),
            v(&["tee", "out"]),
            v(&["wait"]),
            v(&["go", "build"]),
        ];
        assert_eq!(got, want);
        // Operators inside words are not operators.
        assert_eq!(argvs("echo 'a && b' a\\;b \"x|y\""), [v(&["echo", "a && b", "a;b", "x|y"])]);
    }

    #[test]
    fn comments_are_skipped_but_hash_inside_words_is_not_a_comment() {
        assert_eq!(
            argvs("# go test\ngo build # go test\necho a#b '#c'"),
            [v(&["go", "build"]), v(&["echo", "a#b", "#c"])]
        );
    }

    #[test]
    fn inline_assignments_go_to_env_not_argv() {
        let c = one("CGO_ENABLED=0 GOOS=linux go build -o bin/app .");
        assert_eq!(c.argv, v(&["go", "build", "-o", "bin/app", "."]));
        assert_eq!(c.env, map(&[("CGO_ENABLED", "0"), ("GOOS", "linux")]));
        assert!(c.script_env.is_empty());
        // Catches not: an assignment-looking argument after the command word is an argument.
        let c = one("go build CGO_ENABLED=0");
        assert_eq!(c.argv, v(&["go", "build", "CGO_ENABLED=0"]));
        assert!(c.env.is_empty());
        // A quoted name is not an assignment.
        assert_eq!(one("'A'=1 go build").argv, v(&["A=1", "go", "build"]));
        assert_eq!(one("A=\"x y\" go").env, map(&[("A", "x y")]));
    }

    #[test]
    fn export_and_plain_assignment_reach_later_commands() {
        let cmds = split_script("export CGO_ENABLED=0\nGOFLAGS=-mod=vendor; go test -race ./...");
        assert_eq!(cmds.len(), 2);
        assert_eq!(cmds[0].argv, v(&["export", "CGO_ENABLED=0"]));
        assert!(cmds[0].script_env.is_empty(), "only variables set earlier");
        assert_eq!(cmds[1].argv, v(&["go", "test", "-race", "./..."]));
        assert_eq!(cmds[1].script_env, map(&[("CGO_ENABLED", "0"), ("GOFLAGS", "-mod=vendor")]));
        assert!(cmds[1].env.is_empty());
        // unset removes; inline assignments do not persist.
        let cmds = split_script("export A=1 B=2; unset A; C=3 true; go test");
        assert_eq!(cmds[2].script_env, map(&[("B", "2")]));
        assert_eq!(cmds[3].script_env, map(&[("B", "2")]));
        // A subshell's exports stay inside it.
        let cmds = split_script("(export A=1; go a); go b");
        assert_eq!(cmds[1].script_env, map(&[("A", "1")]));
        assert!(cmds[2].script_env.is_empty());
    }

    #[test]
    fn env_and_other_wrappers_are_stripped() {
        let c = one("env -u GOFLAGS CGO_ENABLED=0 go build");
        assert_eq!((c.argv, c.env), (v(&["go", "build"]), map(&[("CGO_ENABLED", "0")])));
        let c = one("/usr/bin/env -i PATH=/bin CGO_ENABLED=1 go test -race");
        assert_eq!(c.argv, v(&["go", "test", "-race"]));
        assert_eq!(c.env, map(&[("CGO_ENABLED", "1"), ("PATH", "/bin")]));
        let cmds = split_script("export CGO_ENABLED=0 X=1; env -i go build; env -u X go vet");
        assert!(cmds[1].script_env.is_empty());
        assert_eq!(cmds[2].script_env, map(&[("CGO_ENABLED", "0")]));
        assert_eq!(one("sudo -E -u root A=1 nohup go test").argv, v(&["go", "test"]));
        assert_eq!(one("time -p exec -a x command -p nice -n 5 timeout -s KILL 10m go test").argv, v(&["go", "test"]));
        assert_eq!(one("time CGO_ENABLED=0 go build").env, map(&[("CGO_ENABLED", "0")]));
        // Catches not: lookups and other tools stay as they are.
        assert_eq!(one("command -v go").argv, v(&["command", "-v", "go"]));
        assert_eq!(one("xargs go test").argv, v(&["xargs", "go", "test"]));
        assert_eq!(one("env").argv, v(&["env"]));
        assert_eq!(one("env A=1").argv, v(&["env", "A=1"]));
        assert_eq!(one("env --weird go").argv, v(&["env", "--weird", "go"]));
        assert_eq!(one("/usr/local/go/bin/go test").argv, v(&["/usr/local/go/bin/go", "test"]));
    }

    #[test]
    fn sh_c_scripts_are_split_recursively() {
        let cmds = split_script("echo hi\nCGO_ENABLED=0 bash -euo pipefail -c 'go vet ./... && go test ./...' arg0");
        let got: Vec<_> = cmds.iter().map(|c| (c.argv.clone(), c.pos)).collect();
        assert_eq!(
            got,
            [
                (v(&["echo", "hi"]), Pos::new(1, 1)),
                (v(&["go", "vet", "./..."]), Pos::new(2, 37)),
                (v(&["go", "test", "./..."]), Pos::new(2, 37)),
            ]
        );
        assert_eq!(cmds[2].script_env, map(&[("CGO_ENABLED", "0")]));
        assert_eq!(cmds[2].text, "go test ./...");
        assert_eq!(argvs(r#"/bin/sh -c "go test ./...""#), [v(&["go", "test", "./..."])]);
        assert_eq!(argvs("sh -ec \"sh -c 'go test'\""), [v(&["go", "test"])]);
        assert_eq!(argvs("eval go test ./..."), [v(&["go", "test", "./..."])]);
        // Catches not: `sh script.sh` runs a file, `sh -c` without a script is left alone.
        assert_eq!(
            argvs("sh ./test.sh; bash -x run.sh; sh -c"),
            [v(&["sh", "./test.sh"]), v(&["bash", "-x", "run.sh"]), v(&["sh", "-c"])]
        );
    }

    #[test]
    fn continuations_keep_the_start_line() {
        let cmds = split_script("echo a\ngo test \\\n    -timeout 30s \\\n  ./...\ngo build");
        assert_eq!(cmds[1].argv, v(&["go", "test", "-timeout", "30s", "./..."]));
        assert_eq!(cmds[1].pos, Pos::new(2, 1));
        assert_eq!(cmds[1].text, "go test -timeout 30s ./...");
        assert_eq!(cmds[2].pos, Pos::new(5, 1));
        // Inside a word the continuation disappears.
        assert_eq!(one("go te\\\nst").argv, v(&["go", "test"]));
    }

    #[test]
    fn positions_are_one_based_lines_and_character_columns() {
        let cmds = split_script("  é=1 go test; \tgo vet\n\n   go build");
        let pos: Vec<_> = cmds.iter().map(|c| c.pos).collect();
        assert_eq!(pos, [Pos::new(1, 3), Pos::new(1, 17), Pos::new(3, 4)]);
    }

    #[test]
    fn substitutions_stay_single_literal_words() {
        let c = one(
            r#"go build -ldflags "-X main.v=$(git describe --tags)" -o ${OUT:-bin/x y} `go env GOPATH`/x $(( 1 + 2 ))"#,
        );
        assert_eq!(
            c.argv,
            v(&[
                "go",
                "build",
                "-ldflags",
                "-X main.v=$(git describe --tags)",
                "-o",
                "${OUT:-bin/x y}",
                "`go env GOPATH`/x",
                "$(( 1 + 2 ))"
            ])
        );
        // A substitution is not split into commands (its commands only produce a word).
        assert_eq!(argvs("echo $(go test ./... | tee x)"), [v(&["echo", "$(go test ./... | tee x)"])]);
        assert_eq!(one("echo $'a\\tb' $\"c d\"").argv, v(&["echo", "a\tb", "c d"]));
    }

    #[test]
    fn control_structures_expose_their_commands() {
        let script = "if go test ./...; then echo ok; elif ! go vet; then :; else exit 1; fi\n\
                      while read -r p; do go test \"$p\"; done < pkgs\n\
                      until false; do break; done\n\
                      for p in $(go list ./...); do go test -timeout 1m $p; done\n\
                      for ((i=0; i<3; i++)); do go build; done\n\
                      [[ -n $CI && $X < 3 ]] && go test -race\n\
                      { go a; go b; } > log 2>&1\n\
                      ( cd x && go c )\n\
                      f() { go d; }\n\
                      function g { go e; }";
        let got = argvs(script);
        let want = [
            v(&["go", "test", "./..."]),
            v(&["echo", "ok"]),
            v(&["go", "vet"]),
            v(&[":"]),
            v(&["exit", "1"]),
            v(&["read", "-r", "p"]),
            v(&["go", "test", "$p"]),
            v(&["false"]),
            v(&["break"]),
            v(&["go", "test", "-timeout", "1m", "$p"]),
            v(&["go", "build"]),
            v(&["go", "test", "-race"]),
            v(&["go", "a"]),
            v(&["go", "b"]),
            v(&["cd", "x"]),
            v(&["go", "c"]),
            v(&["go", "d"]),
            v(&["go", "e"]),
        ];
        assert_eq!(got, want);
        // Catches not: reserved words are only reserved in command position or unquoted.
        assert_eq!(argvs("echo if then fi; 'if' x"), [v(&["echo", "if", "then", "fi"]), v(&["if", "x"])]);
    }

    #[test]
    fn case_branches_count_patterns_do_not() {
        let script =
            "case \"$1\" in\n  test|t) go test ./... ;;\n  (build) go build;;\n  *) echo \"go test\"\nesac\ngo vet";
        let want = [v(&["go", "test", "./..."]), v(&["go", "build"]), v(&["echo", "go test"]), v(&["go", "vet"])];
        assert_eq!(argvs(script), want);
    }

    #[test]
    fn heredoc_bodies_are_skipped() {
        let script =
            "cat <<EOF > x.go\ngo test ./...\nEOF\ncat <<-'END' | sh\n\tgo build\n\tEND\ngo vet\ncat <<< \"go test\"";
        assert_eq!(argvs(script), [v(&["cat"]), v(&["cat"]), v(&["sh"]), v(&["go", "vet"]), v(&["cat"])]);
        let cmds = split_script(script);
        assert_eq!(cmds[3].pos, Pos::new(7, 1));
        // Catches not: `<<` inside quotes is no heredoc; an unterminated heredoc eats the rest.
        assert_eq!(argvs("echo '<<EOF'\ngo test"), [v(&["echo", "<<EOF"]), v(&["go", "test"])]);
        assert_eq!(argvs("cat <<EOF\ngo test"), [v(&["cat"])]);
    }

    #[test]
    fn redirections_are_not_argv_words() {
        let c = one("go test ./... >out.txt 2>&1 <in 3>>log &>all >| f");
        assert_eq!(c.argv, v(&["go", "test", "./..."]));
        assert_eq!(c.text, "go test ./... >out.txt 2>&1 <in 3>>log &>all >| f");
        assert_eq!(one(">log go build").argv, v(&["go", "build"]));
        // Catches not: a number not touching `>` is an argument.
        assert_eq!(one("echo 2 > x").argv, v(&["echo", "2"]));
        assert_eq!(one("diff <(go list) >(cat)").argv, v(&["diff", "<(go list)", ">(cat)"]));
    }

    #[test]
    fn tolerant_of_broken_and_templated_scripts() {
        assert_eq!(argvs("echo \"unterminated\ngo test"), [v(&["echo", "unterminated\ngo test"])]);
        assert_eq!(
            argvs("go test ${{ matrix.pkg }} -timeout 5m"),
            [v(&["go", "test", "${{ matrix.pkg }}", "-timeout", "5m"])]
        );
        assert_eq!(argvs("go test $(unclosed"), [v(&["go", "test", "$(unclosed"])]);
        assert_eq!(argvs(") ; fi ;; done }\ngo test"), [v(&["go", "test"])]);
        assert_eq!(argvs("case x in a) go test"), [v(&["go", "test"])]);
        assert!(argvs("").is_empty());
        assert!(argvs("\\").iter().all(|a| a == &v(&["\\"])));
    }

    #[test]
    fn never_panics_on_random_input() {
        let alphabet: Vec<char> = " \t\n\\'\"`$(){}[];&|<>#=-aAé0129\r!*".chars().collect();
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(seed % 60) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = split_script(&s);
            let _ = split_script(&format!("sh -c \"{s}\" && eval {s}"));
        }
        let deep = "sh -c \"".repeat(50) + "go test";
        let _ = split_script(&deep);
    }

    /// `Positions` agrees with `LineIndex` whatever order offsets are asked in.
    #[test]
    fn positions_match_line_index() {
        let src = "a; é b\nc;d\n\n  e";
        let idx = LineIndex::new(src);
        let mut positions = Positions::new(src);
        for offset in [0, 1, 3, 4, 5, 9, 8, 10, 12, 13, 16, 17, 99, 2, 0, 14] {
            assert_eq!(positions.pos(src, offset), idx.pos(src, offset), "offset {offset}");
        }
    }

    /// One line of many commands (as a Makefile recipe expands to) is read in linear time, and
    /// only its first MAX_COMMANDS commands are kept.
    #[test]
    fn long_line_of_commands_is_fast() {
        let script = "a;".repeat(200_000);
        let start = std::time::Instant::now();
        let commands = split_script(&script);
        assert_eq!(commands.len(), MAX_COMMANDS);
        assert_eq!(commands[MAX_COMMANDS - 1].pos, Pos::new(1, 2 * MAX_COMMANDS as u32 - 1));
        assert!(start.elapsed() < std::time::Duration::from_secs(20), "{:?}", start.elapsed());
    }
}
