//! Dockerfile parser: stages, instructions, flags, heredocs, exec form, and the ARG/ENV scoping
//! Docker applies, with a [`Pos`] on every node, so the lint rules can read pre-digested facts
//! ("which image does the final stage use", "is CGO_ENABLED=0 in effect for this `go build`").
//!
//! Hand-written on purpose: the `dockerfile-parser` crate fails on heredocs and hides RUN flags
//! (`--mount`, `--network`), and tree-sitter-containerfile needs a C build and yields a concrete
//! syntax tree we would still have to interpret (continuations, ARG scoping, substitution). The
//! line handling follows BuildKit's parser: directives only at the very top, comment lines dropped
//! even between continuation lines, empty continuation lines skipped, heredoc bodies read after
//! the joined instruction line. Work is linear in the input (env snapshots are budgeted).

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::pos::{ParseError, Pos};
use super::shell::{SimpleCommand, split_script};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dockerfile {
    pub escape: char,
    pub syntax: Option<String>,
    /// ARGs before the first FROM; values substituted with the earlier global ARGs.
    pub global_args: Vec<KeyValue>,
    pub stages: Vec<Stage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    pub index: usize,
    pub name: Option<String>,
    pub from: From,
    /// Every instruction after the FROM, in order (the FROM itself is `from`).
    pub instructions: Vec<Instruction>,
    /// The last USER of this stage, or the one inherited from the base stage (FROM an earlier stage).
    pub last_user: Option<User>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct From {
    #[serde(flatten)]
    pub pos: Pos,
    pub image_pos: Pos,
    /// The image word as written, e.g. `golang:${GO_VERSION}-bookworm`.
    pub raw: String,
    /// `raw` with the global ARG defaults substituted; a variable without a value stays as written.
    pub image: String,
    pub platform: Option<String>,
    pub alias: Option<String>,
    pub base_stage: Option<usize>,
    pub scratch: bool,
    /// A variable in the image had no value (no default); it is left as written in `image`.
    pub unresolved: bool,
    /// `None` for scratch, an earlier stage, or an image whose repository is not known.
    pub reference: Option<ImageRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImageRef {
    pub registry: Option<String>,
    pub repository: String,
    pub tag: Option<String>,
    pub digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instruction {
    #[serde(flatten)]
    pub pos: Pos,
    pub end_line: u32,
    pub keyword: String,
    /// The arguments after the flags, continuation lines joined as Docker joins them.
    pub raw: String,
    pub flags: Vec<Flag>,
    pub exec: Option<Vec<String>>,
    pub heredocs: Vec<Heredoc>,
    /// RUN, CMD and ENTRYPOINT: the commands of the shell form, of a `RUN <<EOF` script or of
    /// the body a shell reads on stdin (`RUN bash <<EOF`), or the exec form's argv; positions
    /// are in the file.
    pub commands: Vec<SimpleCommand>,
    /// ARG and ENV values in effect before this instruction (ENV wins over ARG of the same name).
    pub env: BTreeMap<String, String>,
    pub key_values: Vec<KeyValue>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    #[serde(flatten)]
    pub pos: Pos,
    pub key: String,
    /// After quote removal and substitution; `None` for `ARG NAME` without a default.
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    #[serde(flatten)]
    pub pos: Pos,
    pub name: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Heredoc {
    #[serde(flatten)]
    pub pos: Pos,
    pub delimiter: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    #[serde(flatten)]
    pub pos: Pos,
    pub user: String,
    pub group: Option<String>,
}

/// Splits `[registry/]repository[:tag][@digest]`. The first component is a registry when it has
/// a `.` or `:` or is `localhost`; the tag is after the last `:` of the last path component, so
/// `host:5000/app` has none. Nothing is normalised (`golang` stays `golang`).
pub fn parse_image_ref(s: &str) -> Option<ImageRef> {
    let s = s.trim();
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let (name, digest) = match s.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (s, None),
    };
    let (registry, path) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => (Some(first), rest),
        _ => (None, name),
    };
    let last = path.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match path[last..].rfind(':') {
        Some(i) => (&path[..last + i], Some(&path[last + i + 1..])),
        None => (path, None),
    };
    let empty = |o: Option<&str>| o.is_some_and(str::is_empty);
    if repository.split('/').any(str::is_empty) || empty(tag) || empty(digest) || empty(registry) {
        return None;
    }
    // Only the characters the reference grammar allows: a template placeholder such as
    // `{ARG_FROM}` (a `Dockerfile.in` that the build fills in) or `<image>` is not an image.
    // Shell and CI variables (`app:${GITHUB_SHA}`) are kept: callers link by the repository and
    // do not judge what still holds a `$`.
    let expands = s.contains('$');
    let word =
        |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') || expands && matches!(c, '$' | '{' | '}');
    let valid = registry.is_none_or(|r| r.chars().all(|c| word(c) || c == ':' || c == '[' || c == ']'))
        && repository.chars().all(|c| word(c) || c == '/')
        && tag.is_none_or(|t| t.chars().all(word))
        && digest.is_none_or(|d| d.chars().all(|c| word(c) || c == ':' || c == '+'));
    if !valid {
        return None;
    }
    Some(ImageRef {
        registry: registry.map(String::from),
        repository: repository.to_string(),
        tag: tag.map(String::from),
        digest: digest.map(String::from),
    })
}

/// One instruction line with its continuation lines joined, and where each piece came from.
struct Line {
    text: String,
    /// (char offset in `text`, file position of that char) for each physical piece.
    segs: Vec<(u32, Pos)>,
    /// Char index of every byte offset of `text` (one more entry for the end).
    chars_before: Vec<u32>,
}

impl Line {
    fn pos_at_char(&self, c: u32) -> Pos {
        let i = self.segs.partition_point(|s| s.0 <= c).saturating_sub(1);
        let (off, p) = self.segs[i];
        Pos::new(p.line, p.col + c.saturating_sub(off))
    }

    fn pos(&self, byte: usize) -> Pos {
        self.pos_at_char(self.chars_before[byte.min(self.text.len())])
    }
}

/// A heredoc with what the parser needs beyond the public fields.
struct Doc {
    public: Heredoc,
    /// Redirected file descriptor (`3<<EOF`), `None` for stdin.
    fd: Option<u32>,
    /// Tabs stripped from each body line (`<<-`), to map positions back.
    tabs: Vec<u32>,
    /// Byte range of the `<<EOF` word in the line text.
    word: (usize, usize),
}

/// An instruction before interpretation.
struct RawInstr {
    line: Line,
    keyword: String,
    flags: Vec<Flag>,
    args_start: usize,
    docs: Vec<Doc>,
    end_line: u32,
}

impl RawInstr {
    fn args(&self) -> &str {
        self.line.text[self.args_start..].trim_end()
    }
    fn pos(&self) -> Pos {
        self.line.segs[0].1
    }
}

const SHELLS: [&str; 6] = ["sh", "bash", "ash", "dash", "zsh", "ksh"];

fn is_shell(prog: &str) -> bool {
    SHELLS.contains(&prog.rsplit('/').next().unwrap_or(prog))
}

fn directive(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('#')?.trim_start();
    let n = rest.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(rest.len());
    if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    let value = rest[n..].trim_start().strip_prefix('=')?.trim();
    (!value.is_empty()).then(|| (rest[..n].to_ascii_lowercase(), value.to_string()))
}

/// Docker's continuation rule: the escape char last (trailing blanks allowed), not itself escaped.
fn trim_continuation(s: &str, esc: char) -> (&str, bool) {
    if let Some(body) = s.trim_end_matches([' ', '\t']).strip_suffix(esc)
        && !body.ends_with(esc)
    {
        return (body, true);
    }
    (s, false)
}

/// Byte ranges of the words of `s`: split on blanks outside quotes, the escape char escaping one char.
fn split_words(s: &str, esc: char) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let (mut start, mut quote) = (None, None);
    let mut it = s.char_indices();
    while let Some((i, c)) = it.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else if c == esc && q != '\'' {
                it.next();
            }
            continue;
        }
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((st, i));
            }
            continue;
        }
        start.get_or_insert(i);
        if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == esc {
            it.next();
        }
    }
    out.extend(start.map(|st| (st, s.len())));
    out
}

/// Quote removal and `$VAR`/`${VAR}`/`${VAR:-x}`/`${VAR:+x}`/`${VAR:?x}` substitution like
/// Docker's word processing. A variable without a value is kept as written and flagged.
/// Bytes that variable substitution may copy in one `parse`: `ENV B=$A$A$A$A` chains grow 4x per
/// line, so without a bound a few hundred bytes reach gigabytes. Past it references stay literal
/// (and unresolved).
const MAX_SUBSTITUTED: usize = 16 << 20;

thread_local! {
    /// Substitution bytes left to the `parse` running on this thread.
    static SUBSTITUTED: Cell<usize> = const { Cell::new(MAX_SUBSTITUTED) };
}

/// Takes `n` bytes from the substitution budget, if that many are left.
fn substitute_within_budget(n: usize) -> bool {
    let left = SUBSTITUTED.get();
    SUBSTITUTED.set(left.saturating_sub(n));
    n <= left
}

/// Entries plus key and value bytes of `maps` (counting stops past `cap`): what a snapshot of
/// them costs, so snapshots of a few huge values are bounded as well as of many small ones.
fn snapshot_cost(maps: &[&BTreeMap<String, String>], cap: usize) -> usize {
    let mut cost = 0;
    for (k, v) in maps.iter().flat_map(|m| m.iter()) {
        cost += 1 + k.len() + v.len();
        if cost > cap {
            break;
        }
    }
    cost
}

struct Expander<'a> {
    chars: Vec<char>,
    i: usize,
    esc: char,
    vars: &'a [&'a BTreeMap<String, String>],
    substitute: bool,
    unresolved: bool,
}

fn expand(word: &str, esc: char, vars: &[&BTreeMap<String, String>]) -> (String, bool) {
    let mut e = Expander { chars: word.chars().collect(), i: 0, esc, vars, substitute: true, unresolved: false };
    let out = e.word(false, 0);
    (out, e.unresolved)
}

fn unquote(word: &str, esc: char) -> String {
    let mut e = Expander { chars: word.chars().collect(), i: 0, esc, vars: &[], substitute: false, unresolved: false };
    e.word(false, 0)
}

impl Expander<'_> {
    fn lookup(&self, name: &str) -> Option<&str> {
        self.vars.iter().find_map(|m| m.get(name)).map(String::as_str)
    }

    fn raw_from(&self, start: usize) -> String {
        self.chars[start..self.i.min(self.chars.len())].iter().collect()
    }

    fn word(&mut self, in_braces: bool, depth: u32) -> String {
        let mut out = String::new();
        while let Some(&c) = self.chars.get(self.i) {
            if in_braces && c == '}' {
                break;
            }
            if c == '\'' || c == '"' {
                self.i += 1;
                while let Some(&q) = self.chars.get(self.i) {
                    if q == c {
                        break;
                    }
                    let next = self.chars.get(self.i + 1).copied();
                    if c == '"' && q == self.esc && next.is_some_and(|n| n == '"' || n == '$' || n == self.esc) {
                        out.extend(next);
                        self.i += 2;
                    } else if c == '"' && q == '$' && self.substitute {
                        self.dollar(&mut out, depth);
                    } else {
                        out.push(q);
                        self.i += 1;
                    }
                }
                self.i += 1;
            } else if c == self.esc {
                out.extend(self.chars.get(self.i + 1));
                self.i += 2;
            } else if c == '$' && self.substitute {
                self.dollar(&mut out, depth);
            } else {
                out.push(c);
                self.i += 1;
            }
        }
        out
    }

    fn dollar(&mut self, out: &mut String, depth: u32) {
        let start = self.i;
        self.i += 1;
        let is_name = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
        let name_from = |e: &mut Self| {
            let s = e.i;
            while e.chars.get(e.i).is_some_and(is_name) {
                e.i += 1;
            }
            e.chars[s..e.i].iter().collect::<String>()
        };
        if self.chars.get(self.i) != Some(&'{') || depth >= 32 {
            let name = name_from(self);
            if name.is_empty() {
                out.push('$');
            } else if let Some(v) = self.lookup(&name)
                && substitute_within_budget(v.len())
            {
                out.push_str(v);
            } else {
                self.unresolved = true;
                out.push_str(&self.raw_from(start));
            }
            return;
        }
        self.i += 1;
        let name = name_from(self);
        let (colon, op) = match (self.chars.get(self.i), self.chars.get(self.i + 1)) {
            (Some('}'), _) => (false, '}'),
            (Some(':'), Some(&o @ ('-' | '+' | '?'))) => (true, o),
            (Some(&o @ ('-' | '+' | '?')), _) => (false, o),
            _ => (false, '!'),
        };
        self.i += usize::from(op != '!' && op != '}') + usize::from(colon);
        let before = self.unresolved;
        let word = if op == '}' { String::new() } else { self.word(true, depth + 1) };
        let closed = self.chars.get(self.i) == Some(&'}');
        self.i += usize::from(closed);
        let val = self.lookup(&name).map(String::from);
        let present = if colon { val.as_deref().is_some_and(|v| !v.is_empty()) } else { val.is_some() };
        let result = match op {
            _ if name.is_empty() || !closed => None,
            '-' => Some(if present { val.unwrap_or_default() } else { word }),
            '+' => Some(if present { word } else { String::new() }),
            '}' | '?' => val.filter(|_| present || op == '}'),
            _ => None, // `#`, `%`, `/` patterns: not evaluated
        };
        match result.filter(|v| substitute_within_budget(v.len())) {
            Some(v) => {
                if !(op == '-' && !present || op == '+' && present) {
                    self.unresolved = before; // the default/alternative word was not used
                }
                out.push_str(&v);
            }
            None => {
                self.unresolved = true;
                out.push_str(&self.raw_from(start));
            }
        }
    }
}

/// Splits the argument text into lines and joins continuations; reads heredoc bodies.
fn read_instructions(lines: &[&str], esc: char) -> Result<Vec<RawInstr>, ParseError> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        i += 1;
        let body = l.trim_start();
        if body.starts_with('#') {
            continue;
        }
        let (content, mut cont) = trim_continuation(body, esc);
        if !cont && content.is_empty() {
            continue;
        }
        let ws = l[..l.len() - body.len()].chars().count() as u32;
        let mut text = content.to_string();
        let mut segs = vec![(0, Pos::new(i as u32, ws + 1))];
        let mut nchars = content.chars().count() as u32;
        while cont && i < lines.len() {
            let l = lines[i];
            i += 1;
            let t = l.trim_start();
            if t.starts_with('#') || t.is_empty() {
                continue;
            }
            let (content, c) = trim_continuation(l, esc);
            cont = c;
            segs.push((nchars, Pos::new(i as u32, 1)));
            nchars += content.chars().count() as u32;
            text.push_str(content);
        }
        if text.trim().is_empty() {
            continue;
        }
        let mut chars_before = Vec::with_capacity(text.len() + 1);
        for (n, ch) in text.chars().enumerate() {
            chars_before.extend(std::iter::repeat_n(n as u32, ch.len_utf8()));
        }
        chars_before.push(nchars);
        let line = Line { text, segs, chars_before };
        let mut raw = head(line, esc);
        let sub = if raw.keyword == "ONBUILD" {
            raw.args().split_whitespace().next().unwrap_or("").to_ascii_uppercase()
        } else {
            raw.keyword.clone()
        };
        let json = raw.keyword != "ONBUILD" && parse_exec(raw.args()).is_some();
        if matches!(sub.as_str(), "RUN" | "COPY" | "ADD") && !json {
            for (ws, we) in split_words(&raw.line.text, '\\') {
                let Some((fd, chomp, delimiter)) = heredoc_word(&raw.line.text[ws..we]) else { continue };
                let (mut body, mut tabs) = (String::new(), Vec::new());
                let first = i as u32 + 1;
                loop {
                    let Some(l) = lines.get(i) else {
                        return Err(ParseError::new(raw.pos(), format!("unterminated heredoc <<{delimiter}")));
                    };
                    i += 1;
                    let stripped = if chomp { l.trim_start_matches('\t') } else { l };
                    if stripped == delimiter {
                        break;
                    }
                    tabs.push((l.len() - stripped.len()) as u32);
                    body.push_str(stripped);
                    body.push('\n');
                }
                let public = Heredoc { pos: Pos::new(first, 1), delimiter, body };
                raw.docs.push(Doc { public, fd, tabs, word: (ws, we) });
            }
        }
        raw.end_line = i as u32;
        out.push(raw);
    }
    Ok(out)
}

/// `[n]<<[-]WORD` with WORD possibly quoted: (fd, strip tabs, delimiter).
fn heredoc_word(w: &str) -> Option<(Option<u32>, bool, String)> {
    let digits = w.find(|c: char| !c.is_ascii_digit()).unwrap_or(w.len());
    let rest = w[digits..].strip_prefix("<<")?;
    let (chomp, rest) = match rest.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, rest),
    };
    if rest.is_empty() || rest.contains('<') {
        return None;
    }
    Some((w[..digits].parse().ok(), chomp, unquote(rest, '\\')))
}

/// Keyword and leading `--flags` of a joined line.
fn head(line: Line, esc: char) -> RawInstr {
    let text = &line.text;
    let kw_end = text.find(char::is_whitespace).unwrap_or(text.len());
    let keyword = text[..kw_end].to_ascii_uppercase();
    let mut flags = Vec::new();
    let mut args_start = text.len();
    for (ws, we) in split_words(&text[kw_end..], esc).into_iter().map(|(s, e)| (s + kw_end, e + kw_end)) {
        let word = &text[ws..we];
        args_start = ws;
        if !word.starts_with("--") {
            break;
        }
        args_start = we;
        if word == "--" {
            break;
        }
        let word = unquote(&word[2..], esc);
        let (name, value) = match word.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(v.to_string())),
            None => (word, None),
        };
        flags.push(Flag { pos: line.pos(ws), name, value });
    }
    let args_start = args_start + text[args_start..].len() - text[args_start..].trim_start().len();
    RawInstr { line, keyword, flags, args_start, docs: Vec::new(), end_line: 0 }
}

/// The JSON exec form, when the arguments are a JSON array of strings (Docker reads one value).
fn parse_exec(args: &str) -> Option<Vec<String>> {
    if !args.starts_with('[') {
        return None;
    }
    serde_json::Deserializer::from_str(args).into_iter::<Vec<String>>().next()?.ok()
}

/// Parses a Dockerfile. Fails only where Docker would refuse the file outright: a bad parser
/// directive, an unterminated heredoc, an instruction other than ARG before the first FROM, or
/// no FROM at all. Unknown instructions are kept.
pub fn parse(text: &str) -> Result<Dockerfile, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    let (mut escape, mut syntax, mut seen) = ('\\', None, Vec::new());
    for (n, l) in lines.iter().enumerate() {
        let Some((key, value)) = directive(l) else { break };
        let pos = Pos::new(n as u32 + 1, 1);
        if !matches!(key.as_str(), "syntax" | "escape" | "check") {
            break;
        }
        if seen.contains(&key) {
            return Err(ParseError::new(pos, format!("only one {key} parser directive can be used")));
        }
        match key.as_str() {
            "escape" if value == "\\" || value == "`" => escape = value.chars().next().unwrap_or('\\'),
            "escape" => {
                return Err(ParseError::new(pos, format!("invalid escape token '{value}' does not match ` or \\")));
            }
            "syntax" => syntax = Some(value),
            _ => {}
        }
        seen.push(key);
    }
    let raws = read_instructions(&lines, escape)?;
    SUBSTITUTED.set(MAX_SUBSTITUTED);
    let mut b = Builder { esc: escape, budget: (16 << 20) + text.len(), ..Builder::default() };
    for raw in &raws {
        if raw.keyword == "FROM" {
            b.from(raw)?;
        } else if b.stages.is_empty() {
            if raw.keyword != "ARG" {
                return Err(ParseError::new(raw.pos(), format!("instruction {} before FROM", raw.keyword)));
            }
            for kv in b.key_values(raw, false) {
                match &kv.value {
                    Some(v) => b.globals.insert(kv.key.clone(), v.clone()),
                    None => b.globals.remove(&kv.key),
                };
                b.global_args.push(kv);
            }
        } else {
            b.instruction(raw);
        }
    }
    if b.stages.is_empty() {
        return Err(ParseError::new(Pos::new(1, 1), "no FROM instruction"));
    }
    Ok(Dockerfile { escape, syntax, global_args: b.global_args, stages: b.stages })
}

#[derive(Default)]
struct Builder {
    esc: char,
    globals: BTreeMap<String, String>,
    global_args: Vec<KeyValue>,
    stages: Vec<Stage>,
    /// Lowercased stage name -> index (the first stage of that name).
    names: HashMap<String, usize>,
    /// ENV at the end of each finished stage, for stages built FROM it.
    final_env: Vec<BTreeMap<String, String>>,
    /// The current stage's ARG values and ENV.
    args: BTreeMap<String, String>,
    env: BTreeMap<String, String>,
    /// Map entries plus bytes left to copy into `Instruction::env` and inherited stages: keeps
    /// hostile input linear.
    budget: usize,
}

impl Builder {
    fn from(&mut self, raw: &RawInstr) -> Result<(), ParseError> {
        let args = raw.args();
        let words = split_words(args, '\0');
        let Some(&(s, e)) = words.first() else {
            return Err(ParseError::new(raw.pos(), "FROM requires an image"));
        };
        let image_raw = &args[s..e];
        let alias = match words.get(1..3) {
            Some(&[(a, b), (c, d)]) if args[a..b].eq_ignore_ascii_case("as") => Some(args[c..d].to_string()),
            _ => None,
        };
        let (image, unresolved) = expand(image_raw, self.esc, &[&self.globals]);
        let by_name = self.names.get(&image.to_lowercase()).copied();
        let base_stage = by_name.or_else(|| image.parse::<usize>().ok().filter(|&i| i < self.stages.len()));
        let scratch = base_stage.is_none() && image.eq_ignore_ascii_case("scratch");
        // No reference when the repository itself is unknown (`FROM ${BASE}` without a default).
        let reference =
            parse_image_ref(&image).filter(|r| !scratch && base_stage.is_none() && !r.repository.contains('$'));
        if !self.stages.is_empty() {
            self.final_env.push(std::mem::take(&mut self.env));
        }
        self.args.clear();
        self.env = match base_stage.map(|i| &self.final_env[i]) {
            Some(env) if snapshot_cost(&[env], self.budget) <= self.budget => {
                self.budget -= snapshot_cost(&[env], self.budget);
                env.clone()
            }
            _ => BTreeMap::new(),
        };
        let platform = raw.flags.iter().find(|f| f.name == "platform").and_then(|f| f.value.clone());
        let from = From {
            pos: raw.pos(),
            image_pos: raw.line.pos(raw.args_start + s),
            raw: image_raw.to_string(),
            image,
            platform,
            alias: alias.clone(),
            base_stage,
            scratch,
            unresolved,
            reference,
        };
        let last_user = base_stage.and_then(|i| self.stages[i].last_user.clone());
        let index = self.stages.len();
        if let Some(a) = &alias {
            self.names.entry(a.to_lowercase()).or_insert(index);
        }
        self.stages.push(Stage { index, name: alias, from, instructions: Vec::new(), last_user });
        Ok(())
    }

    /// ENV/LABEL pairs (`K=V ...` or legacy `K V`) or ARG names (`ARG A B=1`), values substituted.
    fn key_values(&self, raw: &RawInstr, legacy_ok: bool) -> Vec<KeyValue> {
        let args = raw.args();
        let words = split_words(args, self.esc);
        let (globals, stage) = ([&self.globals], [&self.env, &self.args]);
        let vars: &[&BTreeMap<String, String>] = if self.stages.is_empty() { &globals } else { &stage };
        let kv = |off: usize, key: &str, value: Option<&str>| KeyValue {
            pos: raw.line.pos(raw.args_start + off),
            key: expand(key, self.esc, vars).0,
            value: value.map(|v| expand(v, self.esc, vars).0),
        };
        if legacy_ok && words.first().is_some_and(|&(s, e)| !args[s..e].contains('=')) {
            let key_end = args.find(char::is_whitespace).unwrap_or(args.len());
            let value = args[key_end..].trim_start();
            return vec![kv(0, &args[..key_end], (!value.is_empty()).then_some(value))];
        }
        let pair = |(s, e): (usize, usize)| match args[s..e].split_once('=') {
            Some((k, v)) => kv(s, k, Some(v)),
            None => kv(s, &args[s..e], None),
        };
        words.into_iter().map(pair).collect()
    }

    fn instruction(&mut self, raw: &RawInstr) {
        let kw = raw.keyword.as_str();
        let args = raw.args();
        let cost = snapshot_cost(&[&self.args, &self.env], self.budget);
        let mut env = BTreeMap::new();
        if cost <= self.budget {
            self.budget -= cost;
            env = self.args.clone();
            env.extend(self.env.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        let exec = match kw {
            "RUN" | "CMD" | "ENTRYPOINT" | "SHELL" | "COPY" | "ADD" | "VOLUME" => parse_exec(args),
            _ => None,
        };
        let key_values = match kw {
            "ENV" | "LABEL" | "ARG" => self.key_values(raw, kw != "ARG"),
            _ => Vec::new(),
        };
        for kv in &key_values {
            let global = || self.globals.get(&kv.key).cloned().filter(|_| kw == "ARG");
            let Some(value) = kv.value.clone().or_else(global) else { continue };
            match kw {
                "ENV" => self.env.insert(kv.key.clone(), value),
                "ARG" => self.args.insert(kv.key.clone(), value),
                _ => None,
            };
        }
        let user = (kw == "USER" && !args.is_empty()).then(|| {
            let (value, _) = expand(args, self.esc, &[&self.env, &self.args]);
            let (user, group) = match value.split_once(':') {
                Some((u, g)) => (u.to_string(), Some(g.to_string())),
                None => (value, None),
            };
            User { pos: raw.line.pos(raw.args_start), user, group }
        });
        let Some(stage) = self.stages.last_mut() else { return };
        if user.is_some() {
            stage.last_user = user;
        }
        // CMD and ENTRYPOINT run too (a test-runner image's `CMD ["go", "test", ...]`).
        let commands =
            if matches!(kw, "RUN" | "CMD" | "ENTRYPOINT") { run_commands(raw, exec.as_deref()) } else { Vec::new() };
        stage.instructions.push(Instruction {
            pos: raw.pos(),
            end_line: raw.end_line,
            keyword: raw.keyword.clone(),
            raw: args.to_string(),
            flags: raw.flags.clone(),
            exec,
            heredocs: raw.docs.iter().map(|d| d.public.clone()).collect(),
            commands,
            env,
            key_values,
        });
    }
}

/// The simple commands a RUN executes, with file positions.
fn run_commands(raw: &RawInstr, exec: Option<&[String]>) -> Vec<SimpleCommand> {
    let args_pos = raw.line.pos(raw.args_start);
    if let Some(argv) = exec {
        let is_c = |a: &String| a.starts_with('-') && !a.starts_with("--") && a.contains('c');
        if argv.len() >= 3 && is_shell(&argv[0]) && is_c(&argv[1]) {
            // Positions inside a JSON string are approximated by the start of the array.
            return split_script(&argv[2]).into_iter().map(|c| SimpleCommand { pos: args_pos, ..c }).collect();
        }
        let (env, script_env) = (BTreeMap::new(), BTreeMap::new());
        let text = raw.args().to_string();
        return vec![SimpleCommand { argv: argv.to_vec(), env, script_env, pos: args_pos, text }];
    }
    // The command line, with the `<<EOF` words blanked out (columns are kept).
    let args = raw.args();
    let (mut cmdline, mut last) = (String::with_capacity(args.len()), 0);
    for d in &raw.docs {
        let (s, e) = (d.word.0.wrapping_sub(raw.args_start), d.word.1.wrapping_sub(raw.args_start));
        if s < last || e > args.len() || s > e {
            continue;
        }
        cmdline.push_str(&args[last..s]);
        cmdline.extend(args[s..e].chars().map(|_| ' '));
        last = e;
    }
    cmdline.push_str(&args[last..]);
    let base = raw.line.chars_before[raw.args_start];
    let mut cmds: Vec<SimpleCommand> = split_script(&cmdline)
        .into_iter()
        .map(|c| {
            let pos = if c.pos.line == 1 { raw.line.pos_at_char(base + c.pos.col.saturating_sub(1)) } else { args_pos };
            SimpleCommand { pos, ..c }
        })
        .collect();
    let script = if cmdline.trim().is_empty() {
        // `RUN <<EOF`: the body is the script, unless a shebang names another interpreter.
        match raw.docs.as_slice() {
            [d] if shebang_is_shell(&d.public.body) => Some(d),
            _ => None,
        }
    } else if let [c] = cmds.as_slice()
        && shell_reads_stdin(&c.argv)
    {
        raw.docs.iter().rev().find(|d| d.fd.unwrap_or(0) == 0)
    } else {
        None
    };
    if let Some(d) = script {
        cmds.extend(split_script(&d.public.body).into_iter().map(|c| {
            let tabs = d.tabs.get(c.pos.line.saturating_sub(1) as usize).copied().unwrap_or(0);
            SimpleCommand { pos: Pos::new(d.public.pos.line + c.pos.line.saturating_sub(1), c.pos.col + tabs), ..c }
        }));
    }
    cmds
}

fn shebang_is_shell(body: &str) -> bool {
    let Some(line) = body.lines().next().and_then(|l| l.strip_prefix("#!")) else { return true };
    let mut words = line.split_whitespace();
    let prog = words.next().unwrap_or("");
    let prog = if prog.ends_with("/env") { words.find(|w| !w.starts_with('-')).unwrap_or("") } else { prog };
    is_shell(prog)
}

/// `sh`, `bash -e`, `bash -o pipefail`: a shell reading its script from stdin.
fn shell_reads_stdin(argv: &[String]) -> bool {
    let Some((_, rest)) = argv.split_first().filter(|(p, _)| is_shell(p)) else { return false };
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "+o" => {
                it.next();
            }
            "-s" | "--" => break,
            a if a.starts_with("--") => {}
            a if a.starts_with(['-', '+']) => {
                if a.contains('c') {
                    return false;
                }
            }
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn df(text: &str) -> Dockerfile {
        parse(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
    }

    fn err(text: &str) -> ParseError {
        parse(text).expect_err("expected a parse error")
    }

    fn cmds(i: &Instruction) -> Vec<(String, Pos)> {
        i.commands.iter().map(|c| (c.argv.join(" "), c.pos)).collect()
    }

    fn img(reg: Option<&str>, repo: &str, tag: Option<&str>, digest: Option<&str>) -> Option<ImageRef> {
        let s = |o: Option<&str>| o.map(String::from);
        Some(ImageRef { registry: s(reg), repository: repo.into(), tag: s(tag), digest: s(digest) })
    }

    #[test]
    fn image_refs() {
        assert_eq!(parse_image_ref("golang:1.22"), img(None, "golang", Some("1.22"), None));
        assert_eq!(parse_image_ref("golang"), img(None, "golang", None, None));
        // Template placeholders are not references.
        assert_eq!(parse_image_ref("{ARG_FROM}"), None);
        assert_eq!(parse_image_ref("<image>:<tag>"), None);
        assert_eq!(
            parse_image_ref("ghcr.io/acme/api:${GITHUB_SHA}"),
            img(Some("ghcr.io"), "acme/api", Some("${GITHUB_SHA}"), None)
        );
        assert_eq!(
            parse_image_ref("registry.k8s.io/app:v1.2.3_rc-1"),
            img(Some("registry.k8s.io"), "app", Some("v1.2.3_rc-1"), None)
        );
        assert_eq!(parse_image_ref("[::1]:5000/app"), img(Some("[::1]:5000"), "app", None, None));
        assert_eq!(parse_image_ref("host:5000/app"), img(Some("host:5000"), "app", None, None));
        assert_eq!(parse_image_ref("host:5000/team/app:v1"), img(Some("host:5000"), "team/app", Some("v1"), None));
        assert_eq!(parse_image_ref("localhost/app"), img(Some("localhost"), "app", None, None));
        assert_eq!(parse_image_ref("library/golang:latest"), img(None, "library/golang", Some("latest"), None));
        assert_eq!(
            parse_image_ref("gcr.io/distroless/static:nonroot"),
            img(Some("gcr.io"), "distroless/static", Some("nonroot"), None)
        );
        assert_eq!(parse_image_ref("alpine@sha256:abc"), img(None, "alpine", None, Some("sha256:abc")));
        assert_eq!(parse_image_ref("alpine:3.19@sha256:abc"), img(None, "alpine", Some("3.19"), Some("sha256:abc")));
        for bad in ["", "golang:", "a b", "/x", "x@", "a//b"] {
            assert_eq!(parse_image_ref(bad), None, "{bad}");
        }
    }

    #[test]
    fn stages_by_name_index_and_scratch() {
        let d = df(
            "FROM golang:1.22 AS Build\nFROM build\nFROM 0 as copy\nFROM scratch\nFROM later\nFROM alpine AS later\n",
        );
        let f: Vec<&From> = d.stages.iter().map(|s| &s.from).collect();
        assert_eq!(d.stages[0].name.as_deref(), Some("Build"));
        assert_eq!((f[1].base_stage, f[1].reference.is_none()), (Some(0), true));
        assert_eq!((f[2].base_stage, f[2].alias.as_deref()), (Some(0), Some("copy")));
        assert!(f[3].scratch && f[3].reference.is_none() && f[3].base_stage.is_none());
        // Catches not: a name defined later, and a stage number that does not exist yet, are images.
        assert_eq!((f[4].base_stage, f[4].reference.clone()), (None, img(None, "later", None, None)));
        assert_eq!(df("FROM 1\n").stages[0].from.base_stage, None);
        assert!(!f[0].scratch && f[0].base_stage.is_none());
        assert_eq!(f[0].reference, img(None, "golang", Some("1.22"), None));
        assert_eq!((f[1].pos, f[1].image_pos), (Pos::new(2, 1), Pos::new(2, 6)));
    }

    #[test]
    fn args_in_from() {
        let d = df("ARG GO=1.22\nARG BASE=golang:${GO}-bookworm\nARG NODEF\nFROM ${BASE}\nFROM golang:$NODEF\n\
                    FROM golang:${NODEF:-1.21}\nFROM --platform=$BUILDPLATFORM golang:${GO}\n");
        let f: Vec<&From> = d.stages.iter().map(|s| &s.from).collect();
        assert_eq!(
            (f[0].raw.as_str(), f[0].image.as_str(), f[0].unresolved),
            ("${BASE}", "golang:1.22-bookworm", false)
        );
        assert_eq!((f[1].image.as_str(), f[1].unresolved), ("golang:$NODEF", true));
        assert_eq!((f[2].image.as_str(), f[2].unresolved), ("golang:1.21", false));
        assert_eq!((f[3].image.as_str(), f[3].platform.as_deref()), ("golang:1.22", Some("$BUILDPLATFORM")));
        let g: Vec<_> = d.global_args.iter().map(|a| (a.key.as_str(), a.value.as_deref(), a.pos)).collect();
        assert_eq!(g[1], ("BASE", Some("golang:1.22-bookworm"), Pos::new(2, 5)));
        assert_eq!(g[2], ("NODEF", None, Pos::new(3, 5)));
        // Stage-local ARGs do not reach a later FROM.
        let d = df("FROM alpine\nARG V=1\nFROM golang:${V}\n");
        assert!(d.stages[1].from.unresolved);
    }

    #[test]
    fn env_scoping_and_inheritance() {
        let d = df("ARG CGO=0\nARG GLOBAL=g\nFROM golang AS base\nENV CGO_ENABLED=0 A=1\nRUN go build\n\
                    FROM base AS child\nRUN go build\nARG GLOBAL\nARG LOCAL=l${GLOBAL}\nENV LOCAL=env\nRUN x\n\
                    FROM golang\nRUN go build\n");
        let run = |s: usize, i: usize| &d.stages[s].instructions[i];
        assert_eq!(run(0, 1).env.get("CGO_ENABLED").map(String::as_str), Some("0"));
        assert_eq!(run(0, 0).env.get("CGO_ENABLED"), None); // before the ENV's own effect
        assert_eq!(run(1, 0).env.get("CGO_ENABLED").map(String::as_str), Some("0")); // inherited
        assert_eq!(run(1, 0).env.get("GLOBAL"), None); // global not visible until re-declared
        assert_eq!(run(1, 3).env.get("GLOBAL").map(String::as_str), Some("g"));
        assert_eq!(run(1, 4).env.get("LOCAL").map(String::as_str), Some("env")); // ENV wins over ARG
        assert_eq!(run(1, 3).env.get("LOCAL").map(String::as_str), Some("lg"));
        assert!(run(2, 0).env.is_empty()); // catches not: an unrelated stage inherits nothing
        let kv = &run(0, 0).key_values;
        assert_eq!((kv[1].key.as_str(), kv[1].value.as_deref(), kv[1].pos), ("A", Some("1"), Pos::new(4, 19)));
    }

    #[test]
    fn env_forms_and_substitution() {
        let d =
            df("FROM a\nENV A 1 2\nENV B=\"x y\" C=$A D=${A:+set} E=${NO:-dflt} F='$A' G=${PATH}:/go\nENV A=3 H=$A\n");
        let kv = |i: usize| -> Vec<(String, Option<String>)> {
            d.stages[0].instructions[i].key_values.iter().map(|k| (k.key.clone(), k.value.clone())).collect()
        };
        let p = |k: &str, v: &str| (k.to_string(), Some(v.to_string()));
        assert_eq!(kv(0), vec![p("A", "1 2")]);
        assert_eq!(
            kv(1),
            vec![p("B", "x y"), p("C", "1 2"), p("D", "set"), p("E", "dflt"), p("F", "$A"), p("G", "${PATH}:/go")]
        );
        assert_eq!(kv(2), vec![p("A", "3"), p("H", "1 2")]); // same-instruction values use the env before it
    }

    #[test]
    fn users() {
        let d = df("FROM golang AS b\nUSER app:grp\nFROM b\nRUN x\nFROM alpine\nARG U=1000\nUSER ${U}\nUSER root\n");
        let u = |s: usize| d.stages[s].last_user.as_ref().map(|u| (u.user.as_str(), u.group.as_deref(), u.pos));
        assert_eq!(u(0), Some(("app", Some("grp"), Pos::new(2, 6))));
        assert_eq!(u(1), Some(("app", Some("grp"), Pos::new(2, 6)))); // inherited from the base stage
        assert_eq!(u(2), Some(("root", None, Pos::new(8, 6))));
        assert_eq!(df("FROM golang AS b\nUSER app\nFROM alpine\n").stages[1].last_user, None);
        assert_eq!(
            df("FROM a\nARG U=1000\nUSER $U:$U\n").stages[0].last_user.as_ref().map(|u| u.user.as_str()),
            Some("1000")
        );
    }

    #[test]
    fn multiline_run_positions_flags_and_comments() {
        let text = "FROM golang\nrun --mount=type=cache,target=/root/.cache \\\n    --network=none \\\n    go mod download && \\\n\
                    # a comment Docker strips\n\n    CGO_ENABLED=0 go build ./... \\\n  && go test -timeout 5m ./...\n";
        let d = df(text);
        let i = &d.stages[0].instructions[0];
        assert_eq!((i.keyword.as_str(), i.pos, i.end_line), ("RUN", Pos::new(2, 1), 8));
        let flags: Vec<_> = i.flags.iter().map(|f| (f.name.as_str(), f.value.as_deref(), f.pos)).collect();
        assert_eq!(
            flags,
            vec![
                ("mount", Some("type=cache,target=/root/.cache"), Pos::new(2, 5)),
                ("network", Some("none"), Pos::new(3, 5))
            ]
        );
        assert!(i.raw.starts_with("go mod download") && !i.raw.contains("comment"));
        let c = cmds(i);
        assert_eq!(c[0], ("go mod download".into(), Pos::new(4, 5)));
        assert_eq!((c[1].0.as_str(), c[1].1.line), ("go build ./...", 7));
        assert_eq!(i.commands[1].env.get("CGO_ENABLED").map(String::as_str), Some("0"));
        assert_eq!(c[2], ("go test -timeout 5m ./...".into(), Pos::new(8, 6)));
    }

    #[test]
    fn heredoc_run_script_positions() {
        let d = df(
            "FROM golang\nRUN <<EOF\nset -e\n  go build -o /app .\nEOF\nRUN <<-\"END\"\n\t\tgo test ./...\n\tEND\nUSER 1\n",
        );
        let (r1, r2) = (&d.stages[0].instructions[0], &d.stages[0].instructions[1]);
        assert_eq!(
            r1.heredocs[0],
            Heredoc { pos: Pos::new(3, 1), delimiter: "EOF".into(), body: "set -e\n  go build -o /app .\n".into() }
        );
        assert_eq!(cmds(r1), vec![("set -e".into(), Pos::new(3, 1)), ("go build -o /app .".into(), Pos::new(4, 3))]);
        assert_eq!((r1.end_line, r2.pos, r2.end_line), (5, Pos::new(6, 1), 8));
        assert_eq!((r2.heredocs[0].delimiter.as_str(), r2.heredocs[0].body.as_str()), ("END", "go test ./...\n"));
        assert_eq!(cmds(r2), vec![("go test ./...".into(), Pos::new(7, 3))]);
        assert_eq!(d.stages[0].last_user.as_ref().map(|u| u.pos), Some(Pos::new(9, 6)));
    }

    #[test]
    fn heredoc_stdin_files_and_shebang() {
        let d = df("FROM python\nRUN python3 <<EOF\nimport os\nEOF\nRUN bash -e <<EOF\ngo build\nEOF\n\
                    COPY <<A <<B /dst/\na\nA\nb\nB\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n\
                    RUN <<F1 cat > /f1 && <<F2 cat > /f2\n1\nF1\n2\nF2\nRUN echo '<<NOT' \"<<X\"\n");
        let i = &d.stages[0].instructions;
        assert_eq!(cmds(&i[0]), vec![("python3".into(), Pos::new(2, 5))]); // the body is python, not shell
        assert_eq!(cmds(&i[1]), vec![("bash -e".into(), Pos::new(5, 5)), ("go build".into(), Pos::new(6, 1))]);
        let docs: Vec<_> = i[2].heredocs.iter().map(|h| (h.delimiter.as_str(), h.body.as_str(), h.pos)).collect();
        assert_eq!(docs, vec![("A", "a\n", Pos::new(9, 1)), ("B", "b\n", Pos::new(11, 1))]);
        assert!(i[2].commands.is_empty() && i[2].raw == "<<A <<B /dst/");
        assert!(i[3].commands.is_empty() && i[3].heredocs.len() == 1);
        assert_eq!(i[4].commands.iter().map(|c| c.argv[0].as_str()).collect::<Vec<_>>(), ["cat", "cat"]);
        assert_eq!(i[4].heredocs.len(), 2);
        assert!(i[5].heredocs.is_empty() && i[5].pos == Pos::new(22, 1));
    }

    #[test]
    fn heredoc_edge_cases() {
        let d = df("FROM a\nONBUILD RUN <<EOF\nnot an instruction\nEOF\nRUN python -s <<EOF\nimport x\nEOF\n\
                    RUN 3<<EOF cat /proc/self/fd/3\nx\nEOF\nENV A=hello\\ world\n");
        let i = &d.stages[0].instructions;
        assert_eq!(i.iter().map(|i| i.keyword.as_str()).collect::<Vec<_>>(), ["ONBUILD", "RUN", "RUN", "ENV"]);
        assert_eq!((i[0].heredocs.len(), i[0].end_line), (1, 4));
        assert_eq!(cmds(&i[1]).len(), 1); // python reads the body, it is not shell
        assert_eq!(cmds(&i[2]).len(), 1);
        assert_eq!(i[3].key_values[0].value.as_deref(), Some("hello world"));
    }

    #[test]
    fn exec_form() {
        let d = df("FROM a\nRUN [\"go\", \"build\", \"./...\"]\nRUN [\"sh\", \"-c\", \"go test ./... && echo ok\"]\n\
                    CMD [\"/app\"]\nENTRYPOINT ['/app']\nRUN [\"a\", 1]\nRUN [\"<<EOF\"]\n");
        let i = &d.stages[0].instructions;
        assert_eq!(i[0].exec.as_deref(), Some(&["go".to_string(), "build".into(), "./...".into()][..]));
        assert_eq!(cmds(&i[0]), vec![("go build ./...".into(), Pos::new(2, 5))]);
        assert_eq!(cmds(&i[1]).iter().map(|c| c.0.as_str()).collect::<Vec<_>>(), ["go test ./...", "echo ok"]);
        assert_eq!(i[2].exec.as_deref(), Some(&["/app".to_string()][..]));
        assert_eq!(i[3].exec, None); // invalid JSON: shell form, as Docker does
        assert_eq!(i[4].exec, None);
        assert_eq!(i[4].commands.len(), 1);
        assert!(i[5].heredocs.is_empty()); // no heredocs in exec form
    }

    #[test]
    fn directives_escape_crlf_bom() {
        let d = df(
            "\u{feff}# syntax=docker/dockerfile:1.7\r\n# escape=`\r\nFROM golang\r\nRUN go build `\r\n  -o /app . \\\r\n",
        );
        assert_eq!((d.escape, d.syntax.as_deref()), ('`', Some("docker/dockerfile:1.7")));
        let i = &d.stages[0].instructions[0];
        assert_eq!((i.raw.as_str(), i.end_line), ("go build   -o /app . \\", 5));
        // Catches not: a directive after a comment or an instruction is a plain comment.
        let d = df("# hello\n# escape=`\nFROM a\nRUN a \\\n b\n");
        assert_eq!((d.escape, d.stages[0].instructions[0].raw.as_str()), ('\\', "a  b"));
        assert_eq!(df("FROM a\n# syntax=x\n").syntax, None);
        assert_eq!(err("# escape=x\nFROM a\n").pos, Pos::new(1, 1));
        assert_eq!(err("# syntax=a\n# syntax=b\nFROM a\n").pos, Pos::new(2, 1));
    }

    #[test]
    fn misc_instructions() {
        let d = df("from a\nonbuild RUN go build\nFOO bar baz\nlabel a=b \"c d\"=e\nRUN echo hi \\");
        let i = &d.stages[0].instructions;
        let kws: Vec<&str> = i.iter().map(|i| i.keyword.as_str()).collect();
        assert_eq!(kws, ["ONBUILD", "FOO", "LABEL", "RUN"]);
        assert!(i[0].commands.is_empty() && i[0].raw == "RUN go build");
        assert_eq!(i[2].key_values.iter().map(|k| k.key.as_str()).collect::<Vec<_>>(), ["a", "c d"]);
        assert_eq!((i[3].raw.as_str(), i[3].end_line), ("echo hi", 5)); // trailing continuation at EOF
    }

    #[test]
    fn errors_with_positions() {
        assert_eq!(err("").pos, Pos::new(1, 1));
        assert_eq!(err("# only a comment\nARG A=1\n").pos, Pos::new(1, 1));
        let e = err("ARG A=1\n\n  RUN echo\nFROM a\n");
        assert_eq!((e.pos, e.message.as_str()), (Pos::new(3, 3), "instruction RUN before FROM"));
        let e = err("FROM a\nRUN ok\nRUN <<EOF\necho\n");
        assert_eq!((e.pos, e.message.as_str()), (Pos::new(3, 1), "unterminated heredoc <<EOF"));
        assert_eq!(err("FROM --platform=x\n").pos, Pos::new(1, 1));
        assert!(parse("ARG A\nFROM a\n").is_ok());
    }

    #[test]
    fn never_panics_and_stays_linear() {
        let pieces = [
            "FROM ", "RUN ", "ARG ", "ENV ", "USER ", "COPY ", "<<", "<<-", "EOF", "\n", "\\", "`", "\"", "'", "${",
            "}", ":-", "$", "[", "]", " ", "\t", "#", "=", "--", "é", "\r", "AS ", "0", "scratch", "{",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..(seed % 40) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let _ = parse(&s);
        }
        let big = format!("FROM a\n{}RUN x\n", "ENV A=1 B=2\n".repeat(40_000));
        let t = std::time::Instant::now();
        assert_eq!(df(&big).stages[0].instructions.len(), 40_001);
        let deep = format!("FROM a\nENV A={}x{}\n", "${A:-".repeat(50_000), "}".repeat(50_000));
        assert!(parse(&deep).is_ok());
        let stages: String = (0..30_000).map(|i| format!("FROM a AS s{i}\nENV V{i}=1\nFROM s{i}\n")).collect();
        assert_eq!(df(&stages).stages.len(), 60_000);
        assert!(t.elapsed().as_secs() < 10);
    }

    /// `ENV` values that double or quadruple per line stop growing at the substitution budget,
    /// and env snapshots of huge values are budgeted by size.
    #[test]
    fn substitution_is_bounded() {
        let mut text = String::from("FROM a\nENV V0=xxxxxxxxxxxxxxxx\n");
        for i in 1..16 {
            text += &format!("ENV V{i}=${{V{j}}}${{V{j}}}$V{j}$V{j}\n", j = i - 1);
        }
        text += &"RUN echo $V15\n".repeat(2000);
        let d = parse(&text).expect("parses");
        let run = &d.stages[0].instructions[16];
        assert!(run.env.values().map(String::len).sum::<usize>() <= MAX_SUBSTITUTED);
        let copied: usize = d.stages[0].instructions.iter().flat_map(|i| i.env.values()).map(String::len).sum();
        assert!(copied <= (16 << 20) + text.len(), "{copied}");
    }
}
