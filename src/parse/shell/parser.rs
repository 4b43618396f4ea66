//! The parser: groups tokens into simple commands, tracks the variables a script sets, and
//! follows `sh -c` scripts.

use super::facts::{MAX_NEIGHBOURS, MAX_SUBSTITUTION_COMMANDS};
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

/// A member of the pipeline being read: the command it emitted (an index into `out`; none for
/// an `sh -c` whose inner commands were emitted instead), its argv, and where its redirections
/// send stdout.
#[derive(Clone)]
struct Piped {
    out: Option<usize>,
    argv: Vec<String>,
    redirected: Option<Stdout>,
}

pub(super) struct Parser<'a> {
    src: &'a str,
    idx: Positions,
    toks: Vec<Tok>,
    /// Variables set so far by this script.
    env: BTreeMap<String, String>,
    /// Whether `set -x` is in effect.
    xtrace: bool,
    /// `env` and `xtrace` saved at each open subshell `(`.
    saved: Vec<(BTreeMap<String, String>, bool)>,
    /// Position every command takes (commands of an `sh -c` script).
    at: Option<Pos>,
    depth: usize,
    /// Commands kept.
    max: usize,
    /// The members of the pipeline being read; `piped`: the last operator was `|`.
    pipe: Vec<Piped>,
    piped: bool,
    /// The last member read, for `{ a; b; } | c` (the group's last command feeds `c`).
    last: Option<Piped>,
    pub(super) out: Vec<SimpleCommand>,
}

impl<'a> Parser<'a> {
    pub(super) fn new(src: &'a str, toks: Vec<Tok>, outer: Outer, max: usize) -> Self {
        let Outer { env, at, depth, xtrace } = outer;
        Self {
            src,
            idx: Positions::new(src),
            toks,
            env,
            xtrace,
            saved: Vec::new(),
            at,
            depth,
            max,
            pipe: Vec::new(),
            piped: false,
            last: None,
            out: Vec::new(),
        }
    }

    pub(super) fn run(&mut self) {
        // Token indices of the simple command being read; `true` marks redirection parts.
        let mut cur: Vec<(usize, bool)> = Vec::new();
        let mut cases: Vec<Case> = Vec::new();
        let mut i = 0;
        while i < self.toks.len() && self.out.len() < self.max {
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
                    self.end_pipeline();
                    cases.pop();
                    cases.push(Case::Pattern);
                    i += 1;
                    continue;
                }
                _ => {}
            }
            match t.kind {
                // A newline after `|` continues the pipeline.
                Kind::Newline if self.piped && cur.is_empty() => {}
                Kind::Newline | Kind::Arith => {
                    self.flush(&mut cur);
                    self.end_pipeline();
                }
                Kind::Op if t.text == "(" => {
                    let next_close = self.toks.get(i + 1).is_some_and(|n| n.kind == Kind::Op && n.text == ")");
                    if next_close && cur.iter().filter(|c| !c.1).count() == 1 {
                        // `name() { ...; }`: a function definition, not a command.
                        cur.clear();
                        i += 2;
                        continue;
                    }
                    self.flush(&mut cur);
                    self.saved.push((self.env.clone(), self.xtrace));
                }
                Kind::Op if t.text == ")" => {
                    self.flush(&mut cur);
                    if let Some((env, xtrace)) = self.saved.pop() {
                        (self.env, self.xtrace) = (env, xtrace);
                    }
                }
                Kind::Op if t.text == "|" || t.text == "|&" => {
                    let after_group = i > 0 && {
                        let p = &self.toks[i - 1];
                        (p.kind == Kind::Op && p.text == ")") || (p.kind == Kind::Word && !p.quoted && p.text == "}")
                    };
                    self.flush(&mut cur);
                    if self.pipe.is_empty()
                        && after_group
                        && let Some(last) = self.last.clone()
                    {
                        self.pipe.push(last);
                    }
                    self.piped = true;
                }
                Kind::Op => {
                    self.flush(&mut cur);
                    self.end_pipeline();
                }
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
        self.end_pipeline();
    }

    /// Gives every member of the pipeline just read its place in it and its neighbours.
    fn end_pipeline(&mut self) {
        let pipe = std::mem::take(&mut self.pipe);
        self.piped = false;
        let n = pipe.len();
        let stdout =
            |k: usize, m: &Piped| m.redirected.unwrap_or(if k + 1 < n { Stdout::Pipe } else { Stdout::Inherited });
        let members: Vec<Member> =
            pipe.iter().enumerate().map(|(k, m)| Member { argv: m.argv.clone(), stdout: stdout(k, m) }).collect();
        for (k, m) in pipe.iter().enumerate() {
            let Some(cmd) = m.out.and_then(|o| self.out.get_mut(o)) else { continue };
            cmd.stdout = members[k].stdout;
            cmd.pipeline = Pipeline {
                index: k,
                length: n,
                before: members[k.saturating_sub(MAX_NEIGHBOURS)..k].to_vec(),
                after: members[k + 1..n.min(k + 1 + MAX_NEIGHBOURS)].to_vec(),
            };
        }
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
        let extra = self.extras(&parts, k, pos);
        if let Some(member) = self.emit(argv, env, pos, text, extra) {
            self.pipe.push(member.clone());
            self.last = Some(member);
            self.piped = false;
        }
    }

    /// The redirections, substitutions and expansions of a command's tokens (`parts`, of which
    /// the first `assigns` words are assignments).
    fn extras(&self, parts: &[(usize, bool)], assigns: usize, pos: Pos) -> Extras {
        let mut x = Extras::default();
        let mut words = 0usize;
        for (j, &(ti, redir)) in parts.iter().enumerate() {
            let t = &self.toks[ti];
            let (word, redirect) = if t.kind == Kind::Redir {
                let digits = &self.src[t.start..t.end.saturating_sub(t.text.len()).max(t.start)];
                let fd = digits.parse().unwrap_or(if t.text.starts_with('<') { 0 } else { 1 });
                let target = parts.get(j + 1).filter(|p| p.1 && self.toks[p.0].kind == Kind::Word);
                let target = target.map_or(String::new(), |p| self.toks[p.0].text.clone());
                x.redirects.push(Redirect { fd, op: t.text.clone(), target });
                continue;
            } else if redir {
                (None, x.redirects.len().checked_sub(1))
            } else {
                words += 1;
                (words.checked_sub(assigns + 1), None)
            };
            for e in &t.exps {
                x.expansions.push(Expansion { name: e.0.clone(), op: e.1.clone(), word });
            }
            for s in &t.subs {
                let mut commands = Vec::new();
                if self.depth < MAX_DEPTH {
                    let outer = Outer { env: self.env.clone(), at: Some(pos), depth: self.depth + 1, xtrace: false };
                    let script = self.src.get(s.start..s.end).unwrap_or("");
                    commands = split_with(script, outer, MAX_SUBSTITUTION_COMMANDS);
                }
                let raw = self.src[t.start..t.end].trim_matches('"');
                let whole = t.subs.len() == 1 && raw.len() == s.end - s.start + s.kind.len() + 1;
                x.substitutions.push(Substitution {
                    kind: s.kind.to_string(),
                    word,
                    redirect,
                    whole,
                    commands: commands.into_iter().map(SimpleCommand::sub_command).collect(),
                });
            }
        }
        x
    }

    fn emit(
        &mut self,
        mut argv: Vec<Arg>,
        mut env: BTreeMap<String, String>,
        pos: Pos,
        text: String,
        extra: Extras,
    ) -> Option<Piped> {
        if self.out.len() >= self.max {
            return None;
        }
        let mut script_env = self.env.clone();
        let redirected = facts::redirected_stdout(&extra.redirects);
        let before = argv.len();
        let unwrapped = unwrap(&mut argv, &mut env, &mut script_env);
        let dropped = before - argv.len();
        if let Some((script, start)) = unwrapped
            && self.depth < MAX_DEPTH
        {
            script_env.extend(env);
            let at = self.at.unwrap_or_else(|| self.idx.pos(self.src, start));
            let args: Vec<String> = argv.iter().map(|a| a.text.clone()).collect();
            // `sh -x -c SCRIPT` traces its script; `eval` runs in this shell.
            let xtrace = if args[0] == "eval" { self.xtrace } else { shell_traces(&args) };
            let outer = Outer { env: script_env, at: Some(at), depth: self.depth + 1, xtrace };
            let room = self.max - self.out.len();
            self.out.extend(split_with(&script, outer, room));
            return Some(Piped { out: None, argv: args, redirected });
        }
        let argv: Vec<String> = argv.into_iter().map(|a| a.text).collect();
        let is_set = |a: &&String| !a.starts_with('-') && !a.starts_with('+');
        let xtrace = self.xtrace;
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
            "set" => self.xtrace = set_xtrace(&argv[1..], self.xtrace),
            _ => {}
        }
        // Words the wrappers took are no longer in argv: shift the word indices.
        let shift = |w: Option<usize>| w.and_then(|w| w.checked_sub(dropped));
        let Extras { redirects, mut substitutions, mut expansions } = extra;
        substitutions.iter_mut().for_each(|s| s.word = shift(s.word));
        expansions.iter_mut().for_each(|e| e.word = shift(e.word));
        let member = Piped { out: Some(self.out.len()), argv: argv.clone(), redirected };
        self.out.push(SimpleCommand {
            argv,
            env,
            script_env,
            pos,
            text,
            pipeline: Pipeline::default(),
            redirects,
            stdout: redirected.unwrap_or_default(),
            substitutions,
            expansions,
            xtrace,
        });
        Some(member)
    }
}

#[derive(Default)]
struct Extras {
    redirects: Vec<Redirect>,
    substitutions: Vec<Substitution>,
    expansions: Vec<Expansion>,
}

/// Whether `set ARGS` leaves tracing on, from `on` before it: `-x`, `-ex`, `-o xtrace` turn it
/// on, `+x`, `+o xtrace` off; `--` ends the options.
fn set_xtrace(args: &[String], mut on: bool) -> bool {
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--" || a == "-" || !(a.starts_with('-') || a.starts_with('+')) {
            break;
        }
        let flags = &a[1..];
        if flags.contains('x') {
            on = a.starts_with('-');
        }
        for _ in 0..flags.matches('o').count() {
            if it.next().is_some_and(|name| name == "xtrace") {
                on = a.starts_with('-');
            }
        }
    }
    on
}

/// For `sh [options] -c SCRIPT`: whether an option turns tracing on (`-x`, `-xc`, `-euxo
/// pipefail`, `-o xtrace`); the options end at SCRIPT.
fn shell_traces(args: &[String]) -> bool {
    set_xtrace(args.get(1..).unwrap_or_default(), false)
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
