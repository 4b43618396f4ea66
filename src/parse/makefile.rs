//! Reads a GNU Makefile far enough to lint the shell commands its recipes run: variables, rules,
//! recipe lines with Make's own expansion applied (`$(GO) test` with `GO ?= go` is a `go test`),
//! the variables exported to recipes, and file positions for every recipe command.
//!
//! Why hand-written: no Rust crate parses GNU make with expansion (`makefile-lossless` keeps the
//! syntax tree but expands nothing and rejects much of what GNU make accepts); running `make -pn`
//! would execute `$(shell ...)` from untrusted repositories and needs make installed. What a
//! linter needs is a tolerant line reader plus an expander for the pure subset of Make: rules,
//! assignments (`=` `:=` `::=` `?=` `+=` `!=`), `define`, conditionals, target-specific and
//! automatic variables and the common text functions.
//!
//! Approximations (documented, deliberate):
//! - A conditional that depends on anything not defined in the file (the environment, the command
//!   line, `$(shell ...)`) takes its FIRST branch, whatever the condition says.
//! - `shell`, `wildcard`, `abspath` and unknown functions stay as their literal `$(...)` text;
//!   `eval`, `info`, `warning`, `error` expand to nothing; undefined
//!   variables expand to "" (except `CURDIR`, `MAKEFILE_LIST`, `MAKECMDGOALS`, `MAKEFLAGS`,
//!   `MAKELEVEL`, kept literal). `MAKE` is `make`.
//! - Recipes are expanded with the final variable values (as make does); a target-specific
//!   `:=` is also expanded then. Target-specific variables are not inherited by prerequisites.
//! - Automatic variables use the rule's first target. A recipe continuation is joined with one
//!   space (whitespace around the backslash-newline collapsed).
//! - A self-referencing recursive variable (`A = $(A) x`) is left unexpanded where the loop
//!   would start; expansion depth and output size are bounded.
//! - `include` (with [`parse_with_includes`]) reads the included files' variables, exports and
//!   conditionals, not their rules: `GO ?= go` in a `Makefile.common` makes this file's
//!   `$(GO) test` a `go test`, while the included file's own recipes are linted in that file
//!   (positions stay in the file they belong to). Includes nest at most 4 deep, 32 in all.
//!
//! What GNU make refuses to read is a parse error at its line, as make reports it: a line that
//! is neither a rule, an assignment nor a directive ("missing separator", typically a recipe
//! indented with spaces), `endif`/`else` without a conditional, a conditional or `define` left
//! open. Lines in branches not taken are not checked (make does not read them either).

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::pos::{ParseError, Pos};
use super::shell::{SimpleCommand, split_script};

#[derive(Debug, Clone, Serialize)]
pub struct Makefile {
    pub variables: Vec<Variable>,
    pub rules: Vec<Rule>,
    /// Variables exported to recipes (`export A = 1`, `export A`, `export` alone,
    /// `.EXPORT_ALL_VARIABLES`), with their final expanded values.
    pub exports: BTreeMap<String, String>,
}

/// One assignment as written (every occurrence, in file order; only taken conditional branches).
#[derive(Debug, Clone, Serialize)]
pub struct Variable {
    pub name: String,
    /// `=`, `:=`, `::=`, `:::=`, `?=`, `+=`, `!=` (`define` without an operator is `=`).
    pub op: String,
    pub value: String,
    /// Position of the variable's name.
    #[serde(flatten)]
    pub pos: Pos,
    /// Whether the variable is exported at the end of the file.
    pub exported: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub targets: Vec<String>,
    /// Expanded prerequisites, order-only ones included (without the `|`); for a static pattern
    /// rule the prerequisite patterns.
    pub prerequisites: Vec<String>,
    #[serde(flatten)]
    pub pos: Pos,
    pub recipe: Vec<RecipeLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RecipeLine {
    /// File position of the line's first character after the recipe prefix (or after `;`).
    #[serde(flatten)]
    pub pos: Pos,
    /// The line as written, continuations joined with one space.
    pub raw: String,
    /// After Make expansion, leading `@`, `-`, `+` removed.
    pub expanded: String,
    /// `split_script(expanded)`, positions in file coordinates (text that came from a variable
    /// takes the position of its `$` reference).
    pub commands: Vec<SimpleCommand>,
}

/// Parses a Makefile. Fails only for input that is clearly not one (binary, or no rule and no
/// variable among lines make would reject).
pub fn parse(text: &str) -> Result<Makefile, ParseError> {
    parse_with_includes(text, &|_| None)
}

/// Reads the text of an included file by the name the `include` directive gives (after
/// expansion), or `None` when it cannot or must not be read.
pub type Includes<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// [`parse`], reading `include`d files through `includes` for their variables.
pub fn parse_with_includes(text: &str, includes: &Includes) -> Result<Makefile, ParseError> {
    if let Some(nul) = text.find('\0') {
        let line = text[..nul].matches('\n').count() as u32 + 1;
        return Err(ParseError::new(Pos::new(line, 1), "binary data: not a Makefile"));
    }
    FILE_BUDGET.set((FILE_MAX_LEN, FILE_MAX_STEPS));
    let mut st = State { prefix: '\t', includes: Some(includes), ..State::default() };
    let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
    st.run(&lines);
    if let Some(open) = st.conds.first() {
        st.error.get_or_insert(ParseError::new(open.pos, "missing 'endif': this conditional is never closed"));
    }
    // GNU make stops at the first of these; so does the linter, at the earlier line.
    let unrecognized = st.unrecognized.map(|(pos, spaces)| {
        let message = match (st.rules.is_empty() && st.variables.is_empty(), spaces) {
            (true, _) => "missing separator: not a Makefile",
            (false, true) => "missing separator: a recipe line must start with a tab, not spaces",
            (false, false) => "missing separator: neither a rule, an assignment nor a directive",
        };
        ParseError::new(pos, message)
    });
    match (st.error.take(), unrecognized) {
        (Some(a), Some(b)) => Err(if (b.pos.line, b.pos.col) < (a.pos.line, a.pos.col) { b } else { a }),
        (Some(e), None) | (None, Some(e)) => Err(e),
        (None, None) => Ok(st.finish()),
    }
}

const MAX_DEPTH: usize = 64;
const MAX_LEN: usize = 1 << 20;
const MAX_STEPS: usize = 200_000;
/// Expansion one `parse` may do in all: bytes produced by top-level references and references
/// expanded, across every expansion of the file (each is also bounded by the limits above).
/// Without it every line of a small file could expand a reference chain to a megabyte.
const FILE_MAX_LEN: usize = 4 * MAX_LEN;
const FILE_MAX_STEPS: usize = 5 * MAX_STEPS;
/// Recipe commands kept for the whole file: one recipe line can expand to a megabyte of `a;a;…`.
const MAX_COMMANDS: usize = 10_000;

thread_local! {
    /// (bytes, steps) of expansion left to the `parse` running on this thread.
    static FILE_BUDGET: Cell<(usize, usize)> = const { Cell::new((FILE_MAX_LEN, FILE_MAX_STEPS)) };
}
const KEEP_LITERAL: [&str; 5] = ["CURDIR", "MAKEFILE_LIST", "MAKECMDGOALS", "MAKEFLAGS", "MAKELEVEL"];
const DEFAULTS: [(&str, &str); 6] =
    [("MAKE", "make"), ("SHELL", "/bin/sh"), ("CC", "cc"), ("CXX", "g++"), ("RM", "rm -f"), ("AR", "ar")];
const LITERAL_FUNCS: [&str; 8] = ["shell", "wildcard", "realpath", "abspath", "file", "guile", "let", "intcmp"];

#[derive(Debug, Clone)]
struct Def {
    value: String,
    recursive: bool,
    origin: &'static str,
    /// A simple variable whose value came from something unknown (`$(shell)`, the environment).
    tainted: bool,
}

impl Def {
    fn new(value: String, recursive: bool) -> Self {
        Self { value, recursive, origin: "file", tainted: false }
    }
}

#[derive(Debug, Clone, Copy)]
struct Cond {
    /// The branch being read is taken (its parents included).
    active: bool,
    /// Some branch of this conditional was taken.
    done: bool,
    parent: bool,
    /// Where its `ifeq`/`ifdef` is, for "missing endif".
    pos: Pos,
}

#[derive(Debug)]
struct Build {
    targets: Vec<String>,
    prereqs: Vec<String>,
    auto_prereqs: Vec<String>,
    order_only: Vec<String>,
    stem: String,
    pos: Pos,
    lines: Vec<(String, Vec<Pos>)>,
}

#[derive(Default)]
struct State<'a> {
    vars: HashMap<String, Def>,
    export_flag: HashMap<String, bool>,
    export_all: bool,
    oneshell: bool,
    variables: Vec<Variable>,
    rules: Vec<Build>,
    current: Option<usize>,
    conds: Vec<Cond>,
    prefix: char,
    /// (target or pattern, name, op, value), in file order.
    target_vars: Vec<(String, String, String, String)>,
    /// The first line that is neither a rule, an assignment nor a directive (GNU make's
    /// "missing separator"), and whether it starts with spaces after a rule (a recipe line
    /// indented with spaces instead of a tab).
    unrecognized: Option<(Pos, bool)>,
    /// The first structural error GNU make stops at: `endif`/`else` without a conditional,
    /// a conditional or `define` never closed.
    error: Option<ParseError>,
    includes: Option<&'a Includes<'a>>,
    /// Include nesting now, and includes read so far.
    include_depth: usize,
    included: usize,
}

/// Byte offset of `sub` inside `text` (`sub` must be a subslice of `text`).
fn off(text: &str, sub: &str) -> usize {
    (sub.as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len())
}

/// Joins the logical line starting at `lines[ln]`: a backslash-newline and the whitespace around
/// it become one space. `prefix` strips the recipe prefix from every physical line. Returns the
/// text, a position for every byte (plus one for the end) and the index of the next line.
fn logical(lines: &[&str], ln: usize, prefix: Option<char>) -> (String, Vec<Pos>, usize) {
    let (mut out, mut map) = (String::new(), Vec::new());
    let mut k = ln;
    loop {
        let mut line = lines[k];
        let mut col = 1;
        if let Some(p) = prefix.filter(|&p| line.starts_with(p)) {
            line = &line[p.len_utf8()..];
            col += 1;
        }
        if k > ln {
            let t = line.trim_start();
            col += line[..line.len() - t.len()].chars().count();
            line = t;
        }
        let trailing = line.len() - line.trim_end_matches('\\').len();
        let cont = trailing % 2 == 1 && k + 1 < lines.len();
        let body = if cont { line[..line.len() - 1].trim_end() } else { line };
        for (j, c) in body.chars().enumerate() {
            out.push(c);
            map.extend(std::iter::repeat_n(Pos::new(k as u32 + 1, (col + j) as u32), c.len_utf8()));
        }
        let end = Pos::new(k as u32 + 1, (col + body.chars().count()) as u32);
        if !cont {
            map.push(end);
            return (out, map, k + 1);
        }
        out.push(' ');
        map.push(end);
        k += 1;
    }
}

/// Index just past the reference starting at `s[i] == '$'` (`$(...)`, `${...}`, `$x`).
fn ref_end(s: &str, i: usize) -> usize {
    let b = s.as_bytes();
    match b.get(i + 1) {
        None => i + 1,
        Some(&o @ (b'(' | b'{')) => {
            let c = if o == b'(' { b')' } else { b'}' };
            let mut depth = 0usize;
            for (j, &x) in b.iter().enumerate().skip(i + 1) {
                if x == o {
                    depth += 1;
                } else if x == c {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
            }
            b.len()
        }
        Some(_) => i + 1 + s[i + 1..].chars().next().map_or(1, char::len_utf8),
    }
}

/// Offset of the first comment `#` (not escaped, not inside a reference), or the length.
fn comment_start(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b'$' => i = ref_end(s, i),
            b'#' => return i,
            _ => i += 1,
        }
    }
    b.len()
}

/// Offset of the first top-level occurrence of one of `chars` (outside references).
fn find_top(s: &str, chars: &[u8]) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'$' {
            i = ref_end(s, i);
        } else if chars.contains(&b[i]) {
            return Some(i);
        } else {
            i += 1;
        }
    }
    None
}

#[derive(Debug, PartialEq)]
enum Sep {
    Assign(&'static str),
    Colon(bool),
}

/// The first top-level assignment operator or rule colon: (start, end, kind).
fn separator(s: &str) -> Option<(usize, usize, Sep)> {
    let i = find_top(s, b"=:")?;
    let b = s.as_bytes();
    if b[i] == b'=' {
        return Some(match i.checked_sub(1).map(|j| b[j]) {
            Some(b'?') => (i - 1, i + 1, Sep::Assign("?=")),
            Some(b'+') => (i - 1, i + 1, Sep::Assign("+=")),
            Some(b'!') => (i - 1, i + 1, Sep::Assign("!=")),
            _ => (i, i + 1, Sep::Assign("=")),
        });
    }
    let rest = &s[i..];
    Some(match [":::=", "::=", ":=", "::"].into_iter().find(|op| rest.starts_with(op)) {
        Some("::") => (i, i + 2, Sep::Colon(true)),
        Some(op) => (i, i + op.len(), Sep::Assign([":::=", "::=", ":="].into_iter().find(|o| *o == op)?)),
        None => (i, i + 1, Sep::Colon(false)),
    })
}

/// Splits function arguments at top-level commas, into at most `n` pieces.
fn split_args(s: &str, n: usize) -> Vec<&str> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in s.bytes().enumerate() {
        match c {
            b'(' | b'{' => depth += 1,
            b')' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 && out.len() + 1 < n => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// Matches a `%` pattern against a word, returning the stem.
fn pat_match<'a>(pat: &str, word: &'a str) -> Option<&'a str> {
    match pat.split_once('%') {
        Some((pre, suf)) if word.len() >= pre.len() + suf.len() && word.starts_with(pre) && word.ends_with(suf) => {
            word.get(pre.len()..word.len() - suf.len())
        }
        Some(_) => None,
        None => (pat == word).then_some(""),
    }
}

fn patsubst(pat: &str, rep: &str, text: &str) -> String {
    let one = |w: &str| match pat_match(pat, w) {
        Some(stem) if pat.contains('%') => rep.replacen('%', stem, 1),
        Some(_) => rep.to_string(),
        None => w.to_string(),
    };
    text.split_whitespace().map(one).collect::<Vec<_>>().join(" ")
}

fn dir_of(w: &str) -> &str {
    w.rfind('/').map_or("./", |i| &w[..=i])
}

fn notdir(w: &str) -> &str {
    w.rfind('/').map_or(w, |i| &w[i + 1..])
}

/// Offset of the suffix (last `.` of the last path component), if any.
fn suffix_at(w: &str) -> Option<usize> {
    let base = w.len() - notdir(w).len();
    w[base..].rfind('.').map(|i| base + i)
}

/// Automatic variables of one rule.
struct Auto<'a> {
    target: &'a str,
    prereqs: &'a [String],
    order_only: &'a [String],
    stem: &'a str,
}

/// Expands Make text against a variable table.
struct Ex<'a> {
    vars: &'a HashMap<String, Def>,
    locals: Vec<(String, Def)>,
    auto: Option<Auto<'a>>,
    active: Vec<String>,
    depth: usize,
    /// Set when the text used anything this file does not define.
    unknown: bool,
    /// References expanded so far (bounds `A = $(B)$(B)`, `B = $(C)$(C)`, ... chains).
    steps: usize,
}

impl<'a> Ex<'a> {
    fn new(vars: &'a HashMap<String, Def>) -> Self {
        Self { vars, locals: Vec::new(), auto: None, active: Vec::new(), depth: 0, unknown: false, steps: 0 }
    }

    fn expand(&mut self, s: &str) -> String {
        let mut out = String::new();
        self.expand_into(s, &mut out);
        out
    }

    fn expand_into(&mut self, s: &str, out: &mut String) {
        let mut lit = 0;
        while let Some(p) = s[lit..].find('$') {
            out.push_str(&s[lit..lit + p]);
            let end = ref_end(s, lit + p);
            self.dollar(&s[lit + p..end], out);
            lit = end;
        }
        out.push_str(&s[lit..]);
    }

    /// Expands one reference `r` (starting with `$`), kept literal once the file's budget is spent.
    fn dollar(&mut self, r: &str, out: &mut String) {
        let (bytes, steps) = FILE_BUDGET.get();
        if bytes == 0 || steps == 0 {
            return out.push_str(r);
        }
        FILE_BUDGET.set((bytes, steps - 1));
        let before = out.len();
        self.dollar_within_budget(r, out);
        if self.depth == 0 {
            // Nested references are part of the top-level one's output: charged once, here.
            let (bytes, steps) = FILE_BUDGET.get();
            FILE_BUDGET.set((bytes.saturating_sub(out.len().saturating_sub(before)), steps));
        }
    }

    fn dollar_within_budget(&mut self, r: &str, out: &mut String) {
        self.steps += 1;
        if self.depth >= MAX_DEPTH || out.len() > MAX_LEN || self.steps > MAX_STEPS {
            out.push_str(r);
            return;
        }
        let closer = match r.as_bytes().get(1) {
            None | Some(b'$') => return out.push('$'),
            Some(b'(') => ')',
            Some(b'{') => '}',
            Some(_) => return self.var(&r[1..], r, out),
        };
        let Some(inner) = r.get(2..).and_then(|s| s.strip_suffix(closer)) else {
            return out.push_str(r); // unterminated
        };
        if let Some((fname, args)) = inner.split_once([' ', '\t'])
            && !fname.contains('$')
        {
            if !self.func(fname, args.trim_start(), r, out) {
                self.unknown = true; // unknown function: keep it literal
                out.push_str(r);
            }
            return;
        }
        // Substitution reference `$(VAR:a=b)`.
        if let Some(c) = find_top(inner, b":")
            && let Some(e) = find_top(&inner[c..], b"=")
        {
            let name = self.expand(&inner[..c]);
            let (pat, rep) = (self.expand(&inner[c + 1..c + e]), self.expand(&inner[c + e + 1..]));
            let mut value = String::new();
            self.var(name.trim(), r, &mut value);
            let (pat, rep) = if pat.contains('%') { (pat, rep) } else { (format!("%{pat}"), format!("%{rep}")) };
            return out.push_str(&patsubst(&pat, &rep, &value));
        }
        let name = if inner.contains('$') { self.expand(inner) } else { inner.to_string() };
        self.var(&name, r, out);
    }

    fn lookup(&self, name: &str) -> Option<Def> {
        let local = self.locals.iter().rev().find(|(n, _)| n == name).map(|(_, d)| d.clone());
        local.or_else(|| self.vars.get(name).cloned()).or_else(|| {
            let (_, v) = DEFAULTS.iter().find(|(n, _)| *n == name)?;
            Some(Def { value: v.to_string(), recursive: false, origin: "default", tainted: false })
        })
    }

    fn var(&mut self, name: &str, raw: &str, out: &mut String) {
        if let Some(v) = self.automatic(name) {
            return out.push_str(&v);
        }
        let Some(def) = self.lookup(name) else {
            self.unknown = true;
            if KEEP_LITERAL.contains(&name) {
                out.push_str(raw);
            }
            return;
        };
        self.unknown |= def.tainted;
        if !def.recursive {
            return out.push_str(&def.value);
        }
        if self.active.iter().any(|a| a == name) {
            return out.push_str(raw); // `A = $(A) x`: make would fail; keep the reference
        }
        self.active.push(name.to_string());
        self.depth += 1;
        self.expand_into(&def.value, out);
        self.depth -= 1;
        self.active.pop();
    }

    fn automatic(&self, name: &str) -> Option<String> {
        let (base, m) = match name.as_bytes() {
            [_, b'D' | b'F'] => (&name[..1], name.as_bytes().get(1).copied()),
            _ => (name, None),
        };
        if !matches!(base, "@" | "<" | "^" | "+" | "?" | "|" | "*" | "%") {
            return None;
        }
        let Some(a) = &self.auto else { return Some(String::new()) };
        let mut seen = std::collections::HashSet::new();
        let words: Vec<&str> = match base {
            "@" => vec![a.target],
            "*" => vec![a.stem],
            "<" => a.prereqs.iter().take(1).map(String::as_str).collect(),
            "+" => a.prereqs.iter().map(String::as_str).collect(),
            "^" | "?" => a.prereqs.iter().map(String::as_str).filter(|w| seen.insert(*w)).collect(),
            "|" => a.order_only.iter().map(String::as_str).collect(),
            _ => vec![],
        };
        let words: Vec<&str> = match m {
            Some(b'D') => {
                words.iter().map(|w| dir_of(w).strip_suffix('/').filter(|d| !d.is_empty()).unwrap_or(".")).collect()
            }
            Some(_) => words.iter().map(|w| notdir(w)).collect(),
            None => words,
        };
        Some(words.join(" "))
    }

    /// Runs a known function; false when `name` is not one.
    fn func(&mut self, name: &str, args: &str, raw: &str, out: &mut String) -> bool {
        let n = match name {
            "subst" | "patsubst" | "wordlist" | "if" | "foreach" => 3,
            "findstring" | "filter" | "filter-out" | "word" | "join" | "addsuffix" | "addprefix" => 2,
            "call" | "and" | "or" => usize::MAX,
            "strip" | "sort" | "words" | "firstword" | "lastword" | "dir" | "notdir" | "suffix" | "basename"
            | "value" | "origin" | "flavor" | "info" | "warning" | "error" | "eval" => 1,
            f if LITERAL_FUNCS.contains(&f) => {
                self.unknown = true;
                out.push_str(raw);
                return true;
            }
            _ => return false,
        };
        let a = split_args(args, n);
        let arg = |ex: &mut Self, i: usize| ex.expand(a.get(i).copied().unwrap_or(""));
        let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        let each = |s: &str, f: &dyn Fn(&str) -> String| {
            s.split_whitespace().map(f).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
        };
        self.depth += 1;
        let result = match name {
            "subst" => {
                let (from, to, text) = (arg(self, 0), arg(self, 1), arg(self, 2));
                if from.is_empty() { text } else { text.replace(&from, &to) }
            }
            "patsubst" => patsubst(&arg(self, 0), &arg(self, 1), &arg(self, 2)),
            "strip" => words(&arg(self, 0)).join(" "),
            "findstring" => {
                let (find, text) = (arg(self, 0), arg(self, 1));
                if text.contains(&find) { find } else { String::new() }
            }
            "filter" | "filter-out" => {
                let (pats, text) = (words(&arg(self, 0)), arg(self, 1));
                let keep = |w: &&str| pats.iter().any(|p| pat_match(p, w).is_some()) == (name == "filter");
                text.split_whitespace().filter(keep).collect::<Vec<_>>().join(" ")
            }
            "sort" => {
                let mut w = words(&arg(self, 0));
                w.sort();
                w.dedup();
                w.join(" ")
            }
            "word" | "wordlist" => {
                let num = |s: String| s.trim().parse::<usize>().unwrap_or(0).max(1);
                let (from, to, text) = match name {
                    "word" => (num(arg(self, 0)), num(arg(self, 0)), arg(self, 1)),
                    _ => (num(arg(self, 0)), num(arg(self, 1)), arg(self, 2)),
                };
                words(&text).get(from - 1..to.min(words(&text).len())).map(|w| w.join(" ")).unwrap_or_default()
            }
            "words" => words(&arg(self, 0)).len().to_string(),
            "firstword" => words(&arg(self, 0)).first().cloned().unwrap_or_default(),
            "lastword" => words(&arg(self, 0)).last().cloned().unwrap_or_default(),
            "dir" => each(&arg(self, 0), &|w| dir_of(w).to_string()),
            "notdir" => each(&arg(self, 0), &|w| notdir(w).to_string()),
            "suffix" => each(&arg(self, 0), &|w| suffix_at(w).map_or(String::new(), |i| w[i..].to_string())),
            "basename" => each(&arg(self, 0), &|w| w[..suffix_at(w).unwrap_or(w.len())].to_string()),
            "addsuffix" => {
                let s = arg(self, 0);
                each(&arg(self, 1), &|w| format!("{w}{s}"))
            }
            "addprefix" => {
                let p = arg(self, 0);
                each(&arg(self, 1), &|w| format!("{p}{w}"))
            }
            "join" => {
                let (x, y) = (words(&arg(self, 0)), words(&arg(self, 1)));
                let get = |v: &Vec<String>, i| v.get(i).cloned().unwrap_or_default();
                (0..x.len().max(y.len())).map(|i| get(&x, i) + &get(&y, i)).collect::<Vec<_>>().join(" ")
            }
            "if" => match arg(self, 0).trim().is_empty() {
                false => arg(self, 1),
                true => arg(self, 2),
            },
            "or" => (0..a.len()).map(|i| arg(self, i)).find(|v| !v.trim().is_empty()).unwrap_or_default(),
            "and" => (0..a.len())
                .try_fold(String::new(), |_, i| Some(arg(self, i)).filter(|v| !v.trim().is_empty()))
                .unwrap_or_default(),
            "foreach" => {
                let (var, list) = (arg(self, 0).trim().to_string(), arg(self, 1));
                let mut parts = Vec::new();
                for w in list.split_whitespace() {
                    self.locals.push((var.clone(), Def::new(w.to_string(), false)));
                    parts.push(arg(self, 2));
                    self.locals.pop();
                    if parts.iter().map(String::len).sum::<usize>() > MAX_LEN {
                        break;
                    }
                }
                parts.join(" ")
            }
            "call" => {
                let fname = arg(self, 0).trim().to_string();
                let params: Vec<String> = (1..a.len().max(10)).map(|i| arg(self, i)).collect();
                let body = self.lookup(&fname);
                let len = self.locals.len();
                self.locals.push(("0".into(), Def::new(fname, false)));
                self.locals
                    .extend(params.into_iter().enumerate().map(|(i, p)| ((i + 1).to_string(), Def::new(p, false))));
                let v = match body {
                    Some(d) if d.recursive => self.expand(&d.value),
                    Some(d) => d.value,
                    None => {
                        self.unknown = true;
                        String::new()
                    }
                };
                self.locals.truncate(len);
                v
            }
            "value" | "origin" | "flavor" => {
                let v = arg(self, 0);
                let def = self.lookup(v.trim());
                self.unknown |= def.is_none(); // may come from the environment
                match (name, def) {
                    (_, None) if self.automatic(&v).is_some() => "automatic".into(),
                    ("value", d) => d.map(|d| d.value).unwrap_or_default(),
                    (_, None) => "undefined".into(),
                    ("origin", Some(d)) => d.origin.into(),
                    (_, Some(d)) => if d.recursive { "recursive" } else { "simple" }.into(),
                }
            }
            _ => {
                let _ = arg(self, 0); // info, warning, error, eval: no text
                String::new()
            }
        };
        self.depth -= 1;
        let cut = (0..=MAX_LEN.min(result.len())).rev().find(|&i| result.is_char_boundary(i)).unwrap_or(0);
        out.push_str(&result[..cut]);
        true
    }
}

/// Parses `(a,b)`, `"a" "b"` or `'a' 'b'`.
fn cond_args(rest: &str) -> Option<(&str, &str)> {
    if let Some(inner) = rest.strip_prefix('(') {
        let body = inner.strip_suffix(')').unwrap_or(inner);
        let a = split_args(body, 2);
        return Some((a.first()?.trim(), a.get(1).map_or("", |s| s.trim())));
    }
    let quoted = |s: &str| -> Option<(usize, usize)> {
        let q = s.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        Some((1, 1 + s[1..].find(q)?))
    };
    let (s1, e1) = quoted(rest)?;
    let tail = rest[e1 + 1..].trim_start();
    let (s2, e2) = quoted(tail)?;
    Some((&rest[s1..e1], &tail[s2..e2]))
}

impl State<'_> {
    /// Reads the variables of the files `names` (unexpanded) names, as make would at this
    /// point; their rules and their errors stay theirs.
    fn include(&mut self, names: &str) {
        const MAX_DEPTH: usize = 4;
        const MAX_FILES: usize = 32;
        let Some(read) = self.includes else { return };
        let names = Ex::new(&self.vars).expand(names);
        for name in names.split_whitespace() {
            if self.include_depth >= MAX_DEPTH || self.included >= MAX_FILES || name.contains(['$', '*', '?', '[']) {
                return;
            }
            let Some(text) = read(name) else { continue };
            self.included += 1;
            let saved = (
                self.rules.len(),
                self.variables.len(),
                self.current.take(),
                std::mem::take(&mut self.conds),
                self.unrecognized.take(),
                self.error.take(),
                self.prefix,
            );
            self.include_depth += 1;
            let lines: Vec<&str> = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).collect();
            self.run(&lines);
            self.include_depth -= 1;
            let (rules, variables, current, conds, unrecognized, error, prefix) = saved;
            self.rules.truncate(rules);
            self.variables.truncate(variables);
            (self.current, self.conds, self.unrecognized, self.error, self.prefix) =
                (current, conds, unrecognized, error, prefix);
        }
    }

    fn active(&self) -> bool {
        self.conds.last().is_none_or(|c| c.active)
    }

    fn run(&mut self, lines: &[&str]) {
        let mut ln = 0;
        while ln < lines.len() {
            if self.current.is_some() && lines[ln].starts_with(self.prefix) {
                let (raw, map, next) = logical(lines, ln, Some(self.prefix));
                ln = next;
                if let Some(cur) = self.current.filter(|_| self.active() && !raw.trim().is_empty()) {
                    self.rules[cur].lines.push((raw, map));
                }
                continue;
            }
            let (text, map, next) = logical(lines, ln, None);
            let stmt_ln = ln;
            ln = next;
            let code = &text[..comment_start(&text)];
            let t = code.trim();
            if t.is_empty() || self.conditional(t, map[off(&text, t)]) {
                continue;
            }
            let is_define = |l: &str| {
                let l = l.trim_start().trim_start_matches("export ").trim_start_matches("override ").trim_start();
                l == "define" || l.starts_with("define ") || l.starts_with("define\t")
            };
            if is_define(t) {
                let (mut depth, mut body, mut k) = (1, Vec::new(), ln);
                let define_pos = map[off(&text, t)];
                let mut closed = false;
                while k < lines.len() {
                    let l = lines[k].trim();
                    k += 1;
                    depth += usize::from(is_define(l));
                    if l == "endef" || l.starts_with("endef ") || l.starts_with("endef\t") || l.starts_with("endef#") {
                        depth -= 1;
                        if depth == 0 {
                            closed = true;
                            break;
                        }
                    }
                    body.push(lines[k - 1]);
                }
                ln = k;
                self.current = None;
                if !closed {
                    self.error
                        .get_or_insert(ParseError::new(define_pos, "missing 'endef': this define is never closed"));
                }
                if self.active() {
                    self.define(t, &text, &map, &body.join("\n"));
                }
                continue;
            }
            if !self.active() {
                continue;
            }
            let tab = lines[stmt_ln].starts_with('\t');
            self.statement(t, &text, &map, tab);
        }
    }

    /// Handles a conditional directive line at `pos`; false when `t` is not one.
    fn conditional(&mut self, t: &str, pos: Pos) -> bool {
        let kw_end = t.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(t.len());
        let (kw, rest) = (&t[..kw_end], t[kw_end..].trim());
        if !matches!(kw, "ifeq" | "ifneq" | "ifdef" | "ifndef" | "else" | "endif")
            || rest.starts_with(['=', ':', '?', '+', '!'])
            || (kw == "endif" && !rest.is_empty())
        {
            return false;
        }
        match kw {
            "endif" => {
                if self.conds.pop().is_none() {
                    self.error.get_or_insert(ParseError::new(pos, "extraneous 'endif': no conditional is open"));
                }
            }
            "else" => {
                let Some(c) = self.conds.last().copied() else {
                    self.error.get_or_insert(ParseError::new(pos, "extraneous 'else': no conditional is open"));
                    return true;
                };
                let taken = match rest {
                    "" => !c.done,
                    _ => !c.done && self.eval(rest).unwrap_or(false),
                };
                *self.conds.last_mut().expect("checked above") =
                    Cond { active: c.parent && taken, done: c.done || taken, parent: c.parent, pos: c.pos };
            }
            _ => {
                let parent = self.active();
                let taken = parent && self.eval(t).unwrap_or(true);
                self.conds.push(Cond { active: taken, done: taken, parent, pos });
            }
        }
        true
    }

    /// Evaluates `ifeq ...`/`ifdef ...`. Unknown inputs take the first branch (true); None when
    /// the directive is malformed.
    fn eval(&self, t: &str) -> Option<bool> {
        let kw_end = t.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(t.len());
        let (kw, rest) = (&t[..kw_end], t[kw_end..].trim());
        let mut ex = Ex::new(&self.vars);
        let result = match kw {
            "ifeq" | "ifneq" => {
                let (a, b) = cond_args(rest)?;
                let equal = ex.expand(a).trim() == ex.expand(b).trim();
                equal == (kw == "ifeq")
            }
            "ifdef" | "ifndef" => {
                let name = ex.expand(rest);
                let defined = self.vars.get(name.trim()).map(|d| !d.value.is_empty());
                ex.unknown |= defined.is_none();
                defined.unwrap_or(false) == (kw == "ifdef")
            }
            _ => return None,
        };
        Some(result || ex.unknown)
    }

    fn define(&mut self, t: &str, text: &str, map: &[Pos], body: &str) {
        let (mut export, mut rest) = (false, t);
        for w in ["export", "override", "define"] {
            if let Some(r) = rest.strip_prefix(w).filter(|r| r.starts_with([' ', '\t']) || r.is_empty()) {
                export |= w == "export";
                rest = r.trim_start();
            }
        }
        let (name, op) = match separator(rest) {
            Some((s, _, Sep::Assign(op))) => (&rest[..s], op),
            _ => (rest, "="),
        };
        let name_pos = map[off(text, name)];
        let name = Ex::new(&self.vars).expand(name.trim());
        self.assign(&name, op, body, name_pos, export, false);
    }

    fn statement(&mut self, t: &str, text: &str, map: &[Pos], tab: bool) {
        let (mut export, mut unexport, mut over, mut rest) = (false, false, false, t);
        loop {
            let word = rest.split([' ', '\t']).next().unwrap_or("");
            let after = rest[word.len()..].trim_start();
            match word {
                "export" | "unexport" | "override" | "private"
                    if !after.starts_with([':', '=']) && !after.starts_with("::=") =>
                {
                    export |= word == "export";
                    unexport |= word == "unexport";
                    over |= word == "override";
                    rest = after;
                }
                "include" | "-include" | "sinclude" | "vpath" | "load" | "undefine" if !export => {
                    if word == "undefine" {
                        self.vars.remove(after);
                    }
                    self.current = None;
                    if word.ends_with("include") {
                        self.include(after);
                    }
                    return;
                }
                _ => break,
            }
        }
        match separator(rest) {
            Some((s, e, Sep::Assign(op))) => {
                self.current = None;
                let name_text = rest[..s].trim();
                let pos = map[off(text, name_text)];
                let name = Ex::new(&self.vars).expand(name_text);
                let value = rest[e..].trim().replace("\\#", "#");
                self.assign(name.trim(), op, &value, pos, export, over);
                if unexport {
                    self.export_flag.insert(name.trim().to_string(), false);
                }
            }
            Some((s, e, Sep::Colon(_))) => self.rule(rest, s, e, text, map),
            None if export || unexport => {
                let names = Ex::new(&self.vars).expand(rest);
                if names.trim().is_empty() {
                    self.export_all = export;
                }
                for n in names.split_whitespace() {
                    self.export_flag.insert(n.to_string(), export);
                }
            }
            None if rest.starts_with('$') || tab => {} // `$(eval ...)` and the like; stray recipe line
            None => {
                let spaces = self.current.is_some() && text.starts_with(' ');
                self.unrecognized.get_or_insert((map[off(text, rest)], spaces));
            }
        }
    }

    fn assign(&mut self, name: &str, op: &str, value: &str, pos: Pos, export: bool, over: bool) {
        let origin = if over { "override" } else { "file" };
        let mut ex = Ex::new(&self.vars);
        let def = match (op, self.vars.get(name)) {
            ("?=", Some(_)) => None,
            ("+=", Some(d)) => {
                let add = if d.recursive { value.to_string() } else { ex.expand(value) };
                let value = if d.value.is_empty() { add } else { format!("{} {add}", d.value) };
                Some(Def { value, tainted: d.tainted || ex.unknown, ..d.clone() })
            }
            (":=" | "::=" | ":::=", _) => {
                let value = ex.expand(value);
                Some(Def { value, recursive: false, origin, tainted: ex.unknown })
            }
            ("!=", _) => Some(Def { value: format!("$(shell {value})"), recursive: true, origin, tainted: true }),
            _ => Some(Def { value: value.to_string(), recursive: true, origin, tainted: false }),
        };
        if let Some(def) = def {
            if name == ".RECIPEPREFIX" {
                self.prefix = Ex::new(&self.vars).expand(&def.value).chars().next().unwrap_or('\t');
            }
            self.vars.insert(name.to_string(), def);
        }
        if export {
            self.export_flag.insert(name.to_string(), true);
        }
        let v = Variable { name: name.to_string(), op: op.to_string(), value: value.to_string(), pos, exported: false };
        self.variables.push(v);
    }

    /// A rule line; `s..e` is the colon in `rest`.
    fn rule(&mut self, rest: &str, s: usize, e: usize, text: &str, map: &[Pos]) {
        self.current = None;
        let pos = map[off(text, rest)];
        let targets: Vec<String> =
            Ex::new(&self.vars).expand(&rest[..s]).split_whitespace().map(String::from).collect();
        let after = &rest[e..];
        let (deps, recipe) = match find_top(after, b";") {
            Some(i) => (&after[..i], Some(&text[off(text, after) + i + 1..])),
            None => (after, None),
        };
        // Target-specific variable: `t: [export|override|private] VAR op value`.
        let mut dt = deps.trim_start();
        while let Some(r) = ["export ", "override ", "private "].iter().find_map(|p| dt.strip_prefix(p)) {
            dt = r.trim_start();
        }
        if let Some((vs, ve, Sep::Assign(op))) = separator(dt) {
            for t in &targets {
                let value = dt[ve..].trim().to_string();
                self.target_vars.push((t.clone(), dt[..vs].trim().to_string(), op.to_string(), value));
            }
            return;
        }
        let mut ex = Ex::new(&self.vars);
        let (pattern, deps) = match separator(deps) {
            Some((ps, pe, Sep::Colon(_))) => (Some(ex.expand(&deps[..ps])), &deps[pe..]),
            _ => (None, deps),
        };
        let words: Vec<String> = ex.expand(deps).split_whitespace().map(String::from).collect();
        let split = words.iter().position(|w| w == "|").unwrap_or(words.len());
        let (prereqs, order_only) = (words[..split].to_vec(), words[(split + 1).min(words.len())..].to_vec());
        let first = targets.first().map_or("", String::as_str);
        let stem = match &pattern {
            Some(p) => pat_match(p.trim(), first).unwrap_or("").to_string(),
            None if first.contains('%') => "%".to_string(),
            None => String::new(),
        };
        // Automatic variables of a static pattern rule see the prerequisites of its first target.
        let subst = |w: &String| if pattern.is_some() { w.replacen('%', &stem, 1) } else { w.clone() };
        let auto_prereqs = prereqs.iter().map(subst).collect();
        match first {
            ".EXPORT_ALL_VARIABLES" => self.export_all = true,
            ".ONESHELL" => self.oneshell = true,
            _ => {}
        }
        let mut lines = Vec::new();
        if let Some(r) = recipe.filter(|r| !r.trim().is_empty()) {
            let r = r.trim_start();
            let at = off(text, r);
            lines.push((r.to_string(), map[at..].to_vec()));
        }
        self.rules.push(Build { targets, prereqs, auto_prereqs, order_only, stem, pos, lines });
        self.current = Some(self.rules.len() - 1);
    }

    /// Target- and pattern-specific variables in effect for `target`.
    fn target_locals(&self, target: &str) -> Vec<(String, Def)> {
        let mut locals: Vec<(String, Def)> = Vec::new();
        for (t, name, op, value) in &self.target_vars {
            if t != target && !(t.contains('%') && pat_match(t, target).is_some()) {
                continue;
            }
            let existing = locals.iter().rev().find(|(n, _)| n == name).map(|(_, d)| d.clone());
            let existing = existing.or_else(|| self.vars.get(name).cloned());
            let mut ex = Ex::new(&self.vars);
            ex.locals = locals.clone();
            let def = match (op.as_str(), existing) {
                ("?=", Some(_)) => continue,
                ("+=", Some(d)) if d.recursive => Def::new(format!("{} {value}", d.value), true),
                ("+=", Some(d)) => Def::new(format!("{} {}", d.value, ex.expand(value)), false),
                (":=" | "::=" | ":::=", _) => Def::new(ex.expand(value), false),
                _ => Def::new(value.clone(), true),
            };
            locals.push((name.clone(), def));
        }
        locals
    }

    fn finish(self) -> Makefile {
        let exported = |name: &str| match self.export_flag.get(name) {
            Some(&e) => e,
            None => self.export_all && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_'),
        };
        let mut exports = BTreeMap::new();
        for name in self.vars.keys().filter(|n| exported(n)) {
            let mut value = String::new();
            Ex::new(&self.vars).var(name, "", &mut value);
            exports.insert(name.clone(), value);
        }
        let variables = self.variables.iter().map(|v| Variable { exported: exported(&v.name), ..v.clone() }).collect();
        let mut commands_left = MAX_COMMANDS;
        let rules = self.rules.iter().map(|b| self.build_rule(b, &mut commands_left)).collect();
        Makefile { variables, rules, exports }
    }

    fn build_rule(&self, b: &Build, commands_left: &mut usize) -> Rule {
        let target = b.targets.first().map_or("", String::as_str);
        let mut ex = Ex::new(&self.vars);
        ex.locals = self.target_locals(target);
        ex.auto = Some(Auto { target, prereqs: &b.auto_prereqs, order_only: &b.order_only, stem: &b.stem });
        let mut recipe: Vec<RecipeLine> = Vec::new();
        let mut expanded: Vec<(String, Vec<Pos>)> = Vec::new();
        for (raw, map) in &b.lines {
            let (e, emap) = expand_recipe(&mut ex, raw, map);
            recipe.push(RecipeLine { pos: map[0], raw: raw.clone(), expanded: e.clone(), commands: Vec::new() });
            expanded.push((e, emap));
        }
        // Each line runs in its own shell, unless .ONESHELL joins them into one script.
        let size = if self.oneshell { expanded.len().max(1) } else { 1 };
        for start in (0..expanded.len()).step_by(size) {
            let g = start..(start + size).min(expanded.len());
            let script = expanded[g.clone()].iter().map(|(e, _)| e.as_str()).collect::<Vec<_>>().join("\n");
            // Script line `l` -> (recipe line, line within its expanded text), from the script
            // line each recipe line starts at (counted once: a lookup per command stays cheap).
            let mut firsts = vec![1u32];
            for (e, _) in &expanded[g.start..g.end - 1] {
                let last = *firsts.last().expect("non-empty");
                firsts.push(last.saturating_add(e.matches('\n').count() as u32 + 1));
            }
            let line_of = |l: u32| {
                let j = firsts.partition_point(|&first| first <= l).max(1) - 1;
                (g.start + j, l - firsts[j] + 1)
            };
            // One cursor per recipe line: commands come in source order, so positions are
            // found walking forward (a line expanding to many commands stays linear).
            let mut cursor: Option<(usize, Offsets)> = None;
            for mut cmd in split_script(&script).into_iter().take(*commands_left) {
                *commands_left -= 1;
                let (k, l) = line_of(cmd.pos.line.max(1));
                let (e, emap) = &expanded[k];
                if cursor.as_ref().is_none_or(|(ck, _)| *ck != k) {
                    cursor = Some((k, Offsets::new(e)));
                }
                let offsets = &mut cursor.as_mut().expect("set above").1;
                cmd.pos = emap[offsets.get(l, cmd.pos.col)];
                recipe[k].commands.push(cmd);
            }
        }
        Rule {
            targets: b.targets.clone(),
            prerequisites: b.prereqs.iter().chain(&b.order_only).cloned().collect(),
            pos: b.pos,
            recipe,
        }
    }
}

/// Byte offsets of (line, col) positions in one text (1-based, columns in characters, a column
/// past its line's end counting on into the next lines), clamped to the end. Each query walks on
/// from the previous one, so positions asked in increasing order cost linear time in all (an
/// earlier one starts over): a recipe line expanding to a megabyte of commands stays fast.
struct Offsets<'a> {
    s: &'a str,
    /// The last position asked (normalised to >= 1), the start of its line, and its offset.
    line: u32,
    col: u32,
    line_start: usize,
    at: usize,
}

impl<'a> Offsets<'a> {
    fn new(s: &'a str) -> Self {
        Self { s, line: 1, col: 1, line_start: 0, at: 0 }
    }

    fn get(&mut self, line: u32, col: u32) -> usize {
        let (line, col) = (line.max(1), col.max(1));
        if (line, col) < (self.line, self.col) {
            *self = Self::new(self.s);
        }
        while self.line < line {
            self.line_start = self.s[self.line_start..].find('\n').map_or(self.s.len(), |p| self.line_start + p + 1);
            self.line += 1;
            self.col = 1;
            self.at = self.line_start;
        }
        let rest = &self.s[self.at..];
        self.at += rest.char_indices().nth((col - self.col) as usize).map_or(rest.len(), |(i, _)| i);
        self.col = col;
        self.at
    }
}

/// Expands one recipe line, keeping a file position for every output byte, and strips the
/// `@`, `-`, `+` prefixes at the start of each resulting line.
fn expand_recipe(ex: &mut Ex, raw: &str, map: &[Pos]) -> (String, Vec<Pos>) {
    let (mut out, mut omap) = (String::new(), Vec::new());
    let mut i = 0;
    while i < raw.len() {
        let end =
            if raw.as_bytes()[i] == b'$' { ref_end(raw, i) } else { raw[i..].find('$').map_or(raw.len(), |p| i + p) };
        if raw.as_bytes()[i] == b'$' {
            ex.dollar(&raw[i..end], &mut out);
            omap.resize(out.len(), map[i]);
        } else {
            out.push_str(&raw[i..end]);
            omap.extend_from_slice(&map[i..end]);
        }
        i = end;
    }
    omap.push(map.last().copied().unwrap_or_default());
    let (mut text, mut tmap, mut at_start) = (String::new(), Vec::new(), true);
    for (j, c) in out.char_indices() {
        if at_start && (c.is_whitespace() || matches!(c, '@' | '-' | '+')) && c != '\n' {
            continue;
        }
        at_start = c == '\n';
        text.push(c);
        tmap.extend_from_slice(&omap[j..j + c.len_utf8()]);
    }
    tmap.push(omap[out.len()]);
    (text, tmap)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mk(text: &str) -> Makefile {
        parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn rule<'a>(m: &'a Makefile, target: &str) -> &'a Rule {
        m.rules.iter().find(|r| r.targets.iter().any(|t| t == target)).unwrap_or_else(|| panic!("no rule {target}"))
    }

    /// argv of every command of `target`'s recipe.
    fn argvs(m: &Makefile, target: &str) -> Vec<Vec<String>> {
        rule(m, target).recipe.iter().flat_map(|l| &l.commands).map(|c| c.argv.clone()).collect()
    }

    fn v(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    /// Expands `text` against the variables of `makefile`.
    fn expand(makefile: &str, text: &str) -> String {
        let mut st = State { prefix: '\t', ..State::default() };
        let lines: Vec<&str> = makefile.lines().collect();
        st.run(&lines);
        Ex::new(&st.vars).expand(text)
    }

    #[test]
    fn conditional_assignment_supplies_the_go_binary() {
        let m = mk("GO ?= go\n\ntest:\n\t$(GO) test -timeout 30s ./...\n");
        assert_eq!(argvs(&m, "test"), [v(&["go", "test", "-timeout", "30s", "./..."])]);
        // Catches not: `?=` keeps an earlier value.
        let m = mk("GO = /usr/local/go/bin/go\nGO ?= go\nt:\n\t${GO} test\n");
        assert_eq!(argvs(&m, "t"), [v(&["/usr/local/go/bin/go", "test"])]);
        assert_eq!(m.variables.iter().map(|v| v.op.as_str()).collect::<Vec<_>>(), ["=", "?="]);
    }

    #[test]
    fn variable_holding_a_command_and_its_flags() {
        let m = mk(
            "GOTEST = go test -timeout 30s\nunit:\n\t$(GOTEST) ./...\nrace:\n\tCGO_ENABLED=1 $(GOTEST) -race ./...\n",
        );
        assert_eq!(argvs(&m, "unit"), [v(&["go", "test", "-timeout", "30s", "./..."])]);
        let race = &rule(&m, "race").recipe[0].commands[0];
        assert_eq!(race.argv, v(&["go", "test", "-timeout", "30s", "-race", "./..."]));
        assert_eq!(race.env.get("CGO_ENABLED").map(String::as_str), Some("1"));
    }

    #[test]
    fn recursive_simple_and_append_flavours() {
        let text = "B = 1\nA = $(B)\nC := $(B)\nB = 2\nL := x\nL += $(B)\nR = y\nR += $(B)\nB = 3\nE +=\nE += z\n";
        assert_eq!(expand(text, "$(A) $(C) [$(L)] [$(R)] [$(E)]"), "3 1 [x 2] [y 3] [z]");
        assert_eq!(expand("A = 1\n", "$$A $(A)$A ${A} $(UNDEFINED)x $(CURDIR) $(MAKE)"), "$A 11 1 x $(CURDIR) make");
        assert_eq!(
            expand("SRCS = a.c b/c.c d.h\n", "$(SRCS:.c=.o) $(SRCS:%.c=obj/%.o)"),
            "a.o b/c.o d.h obj/a.o obj/b/c.o d.h"
        );
        assert_eq!(expand("X = GO\nGO_FLAGS = -v\n", "$($(X)_FLAGS)"), "-v");
        let vars = mk("A != git describe\n").variables;
        assert_eq!((vars[0].op.as_str(), vars[0].value.as_str()), ("!=", "git describe"));
        assert_eq!(expand("A != git describe\n", "$(A)"), "$(shell git describe)");
    }

    #[test]
    fn functions() {
        let text = "FILES = a.go b_test.go c/d.go e.txt\nmap = $(2)-$(1)\nEMPTY =\n";
        let cases = [
            ("$(subst .go,.x,$(FILES))", "a.x b_test.x c/d.x e.txt"),
            ("$(patsubst %.go,%,$(FILES))", "a b_test c/d e.txt"),
            ("$(strip   a   b  )", "a b"),
            ("$(findstring b_,$(FILES))|$(findstring zz,$(FILES))", "b_|"),
            ("$(filter %_test.go,$(FILES))", "b_test.go"),
            ("$(filter-out %.go,$(FILES))", "e.txt"),
            ("$(sort c a b a)", "a b c"),
            ("$(word 2,$(FILES)) $(words $(FILES)) $(wordlist 2,3,$(FILES))", "b_test.go 4 b_test.go c/d.go"),
            ("$(firstword $(FILES)) $(lastword $(FILES))", "a.go e.txt"),
            ("$(dir c/d.go e) $(notdir c/d.go) $(suffix c/d.go e) $(basename c/d.go)", "c/ ./ d.go .go c/d"),
            ("$(addsuffix .o,a b) $(addprefix -I,x y) $(join a b,1 2 3)", "a.o b.o -Ix -Iy a1 b2 3"),
            ("$(if $(EMPTY),yes,no) $(if x,yes,no) $(or $(EMPTY),o) $(and a,b) [$(and a,$(EMPTY))]", "no yes o b []"),
            ("$(foreach f,a b,go-$(f))", "go-a go-b"),
            ("$(call map,x,y)", "y-x"),
            (
                "$(value map) $(origin FILES) $(origin NOPE) $(origin MAKE) $(flavor map)",
                "$(2)-$(1) file undefined default recursive",
            ),
            ("$(info hi)$(warning w)x", "x"),
            // Left literal: not pure, or unknown.
            (
                "$(shell go env GOPATH) $(wildcard *.go) $(frobnicate a,b)",
                "$(shell go env GOPATH) $(wildcard *.go) $(frobnicate a,b)",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(expand(text, input), want, "{input}");
        }
    }

    #[test]
    fn self_reference_and_blowup_are_bounded() {
        assert_eq!(expand("A = $(A) x\n", "$(A)"), "$(A) x");
        assert_eq!(expand("A = $(B)\nB = $(A)\n", "[$(A)]"), "[$(A)]");
        assert_eq!(expand("f = $(call f)\n", "[$(call f)]"), "[$(call f)]");
        let mut text = String::from("V0 = xxxxxxxxxxxxxxxx\n");
        for i in 1..40 {
            text += &format!("V{i} = $(V{p})$(V{p})$(subst x,xx,$(V{p}))\n", p = i - 1);
        }
        let out = expand(&text, "$(V39)");
        assert!(out.len() <= 4 * MAX_LEN, "{}", out.len());
    }

    #[test]
    fn target_specific_and_pattern_specific_variables() {
        let text = "FLAGS = -v\ntest: FLAGS += -race\ntest: export CGO_ENABLED := 1\n%-e2e: TAGS = e2e\n\
                    test:\n\tgo test $(FLAGS) $(CGO_ENABLED) ./...\nbuild:\n\tgo build $(FLAGS) $(CGO_ENABLED)\n\
                    run-e2e:\n\tgo test -tags=$(TAGS)\n";
        let m = mk(text);
        assert_eq!(argvs(&m, "test"), [v(&["go", "test", "-v", "-race", "1", "./..."])]);
        assert_eq!(argvs(&m, "build"), [v(&["go", "build", "-v"])]);
        assert_eq!(argvs(&m, "run-e2e"), [v(&["go", "test", "-tags=e2e"])]);
        // A target-specific variable is not a rule of its own.
        assert_eq!(m.rules.iter().filter(|r| r.targets == ["test"]).count(), 1);
    }

    #[test]
    fn conditionals() {
        let text = "\
MODE = race
ifeq ($(MODE),race)
  FLAGS = -race
else ifeq ($(MODE),cover)
  FLAGS = -cover
else
  FLAGS = -short
endif
ifneq \"$(MODE)\" 'race'
  WRONG = 1
endif
ifdef MODE
  ifndef NOT_IN_FILE
    A = first
  else
    A = second
  endif
endif
ifeq ($(shell uname),Darwin)
  SED = gsed
else
  SED = sed
endif
ifdef ENV_ONLY
  B = first
else
  B = second
endif
t:
ifeq ($(MODE),race)
\tgo test $(FLAGS)
else
\tgo test -timeout 1m
endif
";
        assert_eq!(expand(text, "$(FLAGS)|$(WRONG)|$(A)|$(SED)|$(B)"), "-race||first|gsed|first");
        assert_eq!(argvs(&mk(text), "t"), [v(&["go", "test", "-race"])]);
        assert_eq!(expand(&text.replace("MODE = race", "MODE = cover"), "$(FLAGS)|$(WRONG)"), "-cover|1");
        assert_eq!(expand(&text.replace("MODE = race", "MODE = x"), "$(FLAGS)"), "-short");
        // Unbalanced directives fail the parse, as they fail GNU make (first one reported).
        assert_eq!(parse("endif\nelse\nifeq (a,a)\nt:\n\ttrue\n").unwrap_err().pos, Pos::new(1, 1));
    }

    #[test]
    fn recipe_positions_raw_and_expanded() {
        let text = "GO := go\n\n.PHONY: test\ntest: build ## run tests\n\t@echo testing\n\t-cd x && $(GO) test \\\n\t\t-timeout 30s \\\n\t\t./...\n\n\t+go vet ./...\n";
        let m = mk(text);
        let r = rule(&m, "test");
        assert_eq!(r.pos, Pos::new(4, 1));
        assert_eq!(r.prerequisites, ["build"]);
        let lines: Vec<_> = r.recipe.iter().map(|l| (l.pos, l.raw.as_str(), l.expanded.as_str())).collect();
        assert_eq!(
            lines,
            [
                (Pos::new(5, 2), "@echo testing", "echo testing"),
                (Pos::new(6, 2), "-cd x && $(GO) test -timeout 30s ./...", "cd x && go test -timeout 30s ./..."),
                (Pos::new(10, 2), "+go vet ./...", "go vet ./..."),
            ]
        );
        let cmds: Vec<_> = r.recipe.iter().flat_map(|l| &l.commands).map(|c| (c.argv[0].clone(), c.pos)).collect();
        let want = [("echo", (5, 3)), ("cd", (6, 3)), ("go", (6, 11)), ("go", (10, 3))];
        assert_eq!(cmds, want.map(|(a, (l, c))| (a.to_string(), Pos::new(l, c))));
        // A literal command after a continuation keeps its own line.
        let m = mk("t:\n\tgo vet ./... && \\\n\tgo test ./...\n");
        let pos: Vec<_> = rule(&m, "t").recipe[0].commands.iter().map(|c| c.pos).collect();
        assert_eq!(pos, [Pos::new(2, 2), Pos::new(3, 2)]);
    }

    #[test]
    fn shell_semantics_inside_recipes() {
        let m = mk(
            "t:\n\techo \"go test ./...\" # go test\n\texport CGO_ENABLED=0; go test -race\n\tgo test -race\n\tsh -c 'go test ./...'\n",
        );
        let cmds: Vec<_> = rule(&m, "t").recipe.iter().flat_map(|l| &l.commands).collect();
        assert_eq!(cmds[0].argv, v(&["echo", "go test ./..."]));
        assert_eq!(cmds[2].script_env.get("CGO_ENABLED").map(String::as_str), Some("0"));
        // Each recipe line is its own shell: the export does not reach the next line.
        assert!(cmds[3].script_env.is_empty());
        assert_eq!((cmds[4].argv.clone(), cmds[4].pos), (v(&["go", "test", "./..."]), Pos::new(5, 8)));
        // With .ONESHELL it does.
        let m = mk(".ONESHELL:\nt:\n\texport CGO_ENABLED=0\n\tgo test -race\n");
        let r = rule(&m, "t");
        assert_eq!(r.recipe[1].commands[0].script_env.get("CGO_ENABLED").map(String::as_str), Some("0"));
        assert_eq!(r.recipe[1].commands[0].pos, Pos::new(4, 2));
    }

    #[test]
    fn automatic_variables_and_rule_forms() {
        let text = "OBJS = a.o b.o\n$(OBJS): %.o: %.c | dir\n\tcc -c $< -o $@ # $*\nbin/app: main.go util.go main.go\n\tgo build -o $@ $^ && echo $(@D) $(@F) $+\n\
                    %.pb.go: %.proto\n\tprotoc $<\nclean::\n\trm -rf bin\nrun: ; go run . # inline\nx y: z\n";
        let m = mk(text);
        let r = rule(&m, "a.o");
        assert_eq!((r.targets.clone(), r.prerequisites.clone()), (v(&["a.o", "b.o"]), v(&["%.c", "dir"])));
        assert_eq!(r.recipe[0].expanded, "cc -c a.c -o a.o # a");
        assert_eq!(
            rule(&m, "bin/app").recipe[0].expanded,
            "go build -o bin/app main.go util.go && echo bin app main.go util.go main.go"
        );
        assert_eq!(rule(&m, "%.pb.go").recipe[0].expanded, "protoc %.proto");
        assert_eq!(argvs(&m, "clean"), [v(&["rm", "-rf", "bin"])]);
        let run = rule(&m, "run");
        assert_eq!((run.recipe[0].pos, run.recipe[0].raw.as_str()), (Pos::new(10, 8), "go run . # inline"));
        assert_eq!(run.recipe[0].commands[0].pos, Pos::new(10, 8));
        assert_eq!(rule(&m, "y").targets, ["x", "y"]);
    }

    #[test]
    fn define_blocks_and_canned_recipes() {
        let text = "define run-tests\n\tgo vet ./...\n\tgo test -timeout 5m ./...\nendef\ndefine JSON :=\n{\"v\": $(V)}\nendef\nV = 1\n\
                    test:\n\t$(run-tests)\n";
        let m = mk(text);
        assert_eq!(argvs(&m, "test"), [v(&["go", "vet", "./..."]), v(&["go", "test", "-timeout", "5m", "./..."])]);
        assert!(rule(&m, "test").recipe[0].commands.iter().all(|c| c.pos == Pos::new(10, 2)));
        assert_eq!(m.variables[0].value, "\tgo vet ./...\n\tgo test -timeout 5m ./...");
        assert_eq!((m.variables[1].name.as_str(), m.variables[1].op.as_str()), ("JSON", ":="));
        assert_eq!(expand(text, "$(JSON)"), "{\"v\": }");
    }

    #[test]
    fn exports() {
        let m = mk(
            "export CGO_ENABLED = 0\nGOFLAGS := -mod=vendor\nexport GOFLAGS\nLOCAL = 1\nGONE = 2\nexport GONE\nunexport GONE\n",
        );
        let want: BTreeMap<String, String> =
            [("CGO_ENABLED", "0"), ("GOFLAGS", "-mod=vendor")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        assert_eq!(m.exports, want);
        assert_eq!(m.variables.iter().map(|v| v.exported).collect::<Vec<_>>(), [true, true, false, false]);
        assert_eq!(m.variables[0].pos, Pos::new(1, 8));
        for all in ["export\n", ".EXPORT_ALL_VARIABLES:\n"] {
            let m = mk(&format!("A = 1\nB = $(A)2\n{all}"));
            assert_eq!(m.exports.get("B").map(String::as_str), Some("12"), "{all}");
        }
    }

    #[test]
    fn comments_prefix_includes_and_line_endings() {
        let text = "# comment\ninclude common.mk\n-include $(wildcard *.mk)\nA = x # trailing\nH = a\\#b\n\
                    \techo stray recipe before any rule\n.RECIPEPREFIX = >\nt:\r\n> go test ./... \r\n";
        let m = mk(text);
        assert_eq!(m.variables.iter().map(|v| v.value.as_str()).collect::<Vec<_>>(), ["x", "a#b", ">"]);
        assert_eq!(argvs(&m, "t"), [v(&["go", "test", "./..."])]);
        assert_eq!(rule(&m, "t").recipe[0].pos, Pos::new(9, 2));
    }

    #[test]
    fn non_makefiles_and_lines_make_rejects_fail() {
        assert!(parse("").is_ok());
        assert!(parse("# only a comment\n").is_ok());
        let err = parse("package main\n\nfunc main() {}\n").unwrap_err();
        assert_eq!(err.pos, Pos::new(1, 1));
        assert!(parse("a\0b").is_err());
        // One bad line among real content is what GNU make calls a missing separator.
        assert_eq!(parse("this is not make\nall:\n\tgo build\n").unwrap_err().pos, Pos::new(1, 1));
    }

    #[test]
    fn never_panics_on_random_or_truncated_input() {
        let sample = "GO ?= go\nexport X := $(shell echo é)\nifeq ($(X),y)\nA += $(patsubst %.c,%.o,$(wildcard *.c))\nelse\n\
                      define D\n\t$(GO) test\nendef\nendif\n%.o: %.c ; cc $<\nt: a | b\n\t@$(GO) test $(call D,1) \\\n\t  ${A:.o=.x} $$x $(\n";
        for cut in 0..=sample.len() {
            if let Some(prefix) = sample.get(..cut) {
                let _ = parse(prefix);
            }
        }
        let alphabet: Vec<char> = "$(){}:=?+!%@<^*|;#\\\t\n ,.'\"aAé-ifeqdnx".chars().collect();
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..3000 {
            let mut s = String::new();
            for _ in 0..(seed % 80) {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                s.push(alphabet[(seed % alphabet.len() as u64) as usize]);
            }
            let _ = parse(&s);
            let _ = parse(&format!("t:\n\t{s}\n{s}\n"));
        }
        let bytes: Vec<u8> = (0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
        let _ = parse(&String::from_utf8_lossy(&bytes));
    }

    /// `Offsets` agrees with the direct computation, in order, out of order and past the end.
    #[test]
    fn offsets_match_direct_computation() {
        fn direct(s: &str, line: u32, col: u32) -> usize {
            let start = s.split_inclusive('\n').take(line.saturating_sub(1) as usize).map(str::len).sum::<usize>();
            let rest = &s[start.min(s.len())..];
            start + rest.char_indices().nth(col.saturating_sub(1) as usize).map_or(rest.len(), |(i, _)| i)
        }
        for s in ["", "a", "ab\ncé\n\nxyz", "é\n\n", "a;b;c\nd && e\n"] {
            let mut offsets = Offsets::new(s);
            let queries = [(0, 0), (1, 1), (1, 3), (1, 9), (2, 1), (2, 2), (1, 2), (3, 1), (4, 2), (9, 9), (2, 0)];
            for (line, col) in queries {
                assert_eq!(offsets.get(line, col), direct(s, line, col), "{s:?} {line}:{col}");
            }
        }
    }

    /// Included files lend their variables (in order, nested, bounded), not their rules, and
    /// their errors are not this file's.
    #[test]
    fn includes_lend_variables_not_rules() {
        let files = |name: &str| match name {
            "Makefile.common" => {
                Some("GO ?= go\nGOTEST := $(GO) test\ncommon-test:\n\t$(GOTEST) ./...\ninclude more.mk\n".into())
            }
            "more.mk" => Some("FLAGS = -race\nbroken line\nifeq (a,b)\n".into()),
            "self.mk" => Some("N := $(N)x\ninclude self.mk\n".into()),
            _ => None,
        };
        let text = "include Makefile.common\n-include missing.mk\ntest:\n\t$(GOTEST) $(FLAGS) ./...\n";
        let m = parse_with_includes(text, &files).expect("parses");
        assert_eq!(argvs(&m, "test"), [v(&["go", "test", "-race", "./..."])]);
        assert!(m.rules.iter().all(|r| !r.targets.contains(&"common-test".to_string())), "{:?}", m.rules);
        assert_eq!(m.rules[0].recipe[0].pos, Pos::new(4, 2));
        // Without a reader the variables are unknown, as before.
        assert_eq!(argvs(&mk(text), "test"), [v(&["./..."])]);
        // A file that includes itself stops at the nesting bound.
        let m = parse_with_includes("include self.mk\nt:\n\techo $(N)\n", &files).expect("parses");
        assert_eq!(argvs(&m, "t"), [v(&["echo", "xxxx"])]);
    }

    /// What GNU make stops at is a parse error at its line: unclosed or extraneous
    /// conditionals, an unclosed define, a line that is nothing make knows (a recipe indented
    /// with spaces, most often). Valid files with every construct parse.
    #[test]
    fn structural_errors_have_positions() {
        let err = |text: &str| {
            let e = parse(text).expect_err(text);
            (e.pos.line, e.pos.col, e.message)
        };
        assert_eq!(err("all:\n    echo hi\n").0, 2);
        assert!(err("all:\n    echo hi\n").2.contains("tab, not spaces"));
        assert_eq!(err("all:\n\techo\nendif\n"), (3, 1, "extraneous 'endif': no conditional is open".into()));
        assert_eq!(err("x = 1\nelse\n"), (2, 1, "extraneous 'else': no conditional is open".into()));
        assert_eq!(
            err("x = 1\n  ifeq (a,b)\ny = 2\n"),
            (2, 3, "missing 'endif': this conditional is never closed".into())
        );
        assert_eq!(err("x = 1\ndefine X\nfoo\n"), (2, 1, "missing 'endef': this define is never closed".into()));
        assert_eq!(err("x = 1\nfoo bar\n").0, 2);
        // The earlier of two problems is the one reported.
        assert_eq!(err("x = 1\nfoo bar\nendif\n").0, 2);
        assert_eq!(err("endif\nfoo bar\n").0, 1);
        let ok = "A ?= 1\nifdef A\nifeq ($(A),1)\nx := 1\nelse ifeq ($(A),2)\nx := 2\nelse\nx := 3\nendif\nendif\ndefine T\nline\nendef\ninclude other.mk\n-include x.mk\nvpath %.c src\nexport A\nunexport B\n$(eval y := 1)\n.PHONY: all\nall: ; @echo $(x)\n";
        assert!(parse(ok).is_ok());
    }

    /// Small files that expand to gigabytes are cut off by the file's budget: one recipe of a
    /// half a megabyte of commands, and 200 lines each expanding a half-megabyte reference chain.
    #[test]
    fn expansion_is_bounded_per_file() {
        let chain = |first: &str| {
            let mut s = format!("V1 = {first}\n");
            for i in 2..=9 {
                s += &format!("V{i} = $(V{j})$(V{j})$(V{j})$(V{j})\n", j = i - 1);
            }
            s
        };
        let start = std::time::Instant::now();
        let mk = parse(&(chain("a;a;a;a;") + "all:\n\t$(V9)\n\t$(V9)\n")).expect("parses");
        let commands: usize = mk.rules[0].recipe.iter().map(|l| l.commands.len()).sum();
        assert_eq!(commands, MAX_COMMANDS);
        let mut text = chain("xxxxxxxx");
        for i in 0..200 {
            text += &format!("A{i} := $(V9)\nr{i}:\n\t$(V9)\n");
        }
        let mk = parse(&text).expect("parses");
        let expanded: usize = mk.rules.iter().flat_map(|r| &r.recipe).map(|l| l.expanded.len()).sum();
        assert!(expanded <= 2 * FILE_MAX_LEN, "{expanded}");
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "{:?}", start.elapsed());
    }
}
