//! The parser: groups tokens into simple commands, tracks the variables a script sets, and
//! follows `sh -c` scripts.

use super::lexer::{Kind, Tok, assignment};
use super::unwrap::unwrap;
use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Case {
    /// After `case`: skipping the subject up to `in`.
    Subject,
    /// Skipping a pattern list up to `)`.
    Pattern,
    /// In the commands of one branch.
    Body,
}

pub(super) struct Arg {
    pub(super) text: String,
    pub(super) start: usize,
}

/// Positions of byte offsets in a script. The column is counted on from the previous lookup when
/// that was earlier on the same line, so the commands of one long line (a Makefile recipe can
/// expand to a megabyte of them) cost linear time in all rather than quadratic.
pub(super) struct Positions {
    idx: LineIndex,
    last: Option<(usize, Pos)>,
}

impl Positions {
    pub(super) fn new(src: &str) -> Self {
        Self { idx: LineIndex::new(src), last: None }
    }

    pub(super) fn pos(&mut self, src: &str, offset: usize) -> Pos {
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

pub(super) struct Parser<'a> {
    pub(super) src: &'a str,
    pub(super) idx: Positions,
    pub(super) toks: Vec<Tok>,
    /// Variables set so far by this script.
    pub(super) env: BTreeMap<String, String>,
    /// `env` saved at each open subshell `(`.
    pub(super) saved: Vec<BTreeMap<String, String>>,
    /// Position every command takes (commands of an `sh -c` script).
    pub(super) at: Option<Pos>,
    pub(super) depth: usize,
    pub(super) out: Vec<SimpleCommand>,
}

impl Parser<'_> {
    pub(super) fn run(&mut self) {
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
pub(super) fn join_continuations(text: &str) -> String {
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
