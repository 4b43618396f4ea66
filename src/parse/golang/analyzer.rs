//! The analyzer: tokens with their matched brackets and enclosing blocks, cursor helpers over
//! them (statement ends with automatic semicolons, comma-separated parts), block-scoped
//! bindings, and the driver that walks the file once and hands each statement to the other
//! `impl Analyzer` blocks of this folder.

use std::collections::HashMap;

use super::lex::{Kind, Tok, is_keyword, unescape};
use super::value::{Binding, EchoRef, Fw, Mount, Value};
use super::{Call, GoFile};
use crate::parse::pos::Pos;

pub(super) const NONE: usize = usize::MAX;
pub(super) const MAX_DEPTH: u32 = 64;
/// Root id of `http.DefaultServeMux`.
pub(super) const DEFAULT_MUX: usize = 0;

pub(super) struct Analyzer<'a> {
    pub(super) text: &'a str,
    pub(super) toks: Vec<Tok>,
    /// For a bracket, the index of its partner (`NONE` if unmatched).
    pub(super) partner: Vec<usize>,
    /// The innermost `{` enclosing each token (`NONE` at top level).
    pub(super) encl: Vec<usize>,
    /// Local package name → import path.
    pub(super) imports: HashMap<String, String>,
    pub(super) bindings: Vec<Binding>,
    pub(super) by_name: HashMap<String, Vec<usize>>,
    /// Struct field name → router value of its type.
    pub(super) field_types: HashMap<String, Value>,
    /// Chain starts already evaluated with effects, names already bound by their declaration.
    pub(super) visited: Vec<bool>,
    pub(super) depth: u32,
    pub(super) next_root: usize,
    pub(super) route_roots: Vec<usize>,
    pub(super) mounts: Vec<(Mount, String)>,
    pub(super) fn_returns: Vec<(String, usize)>,
    /// Top-level function bodies: (open, close, name).
    pub(super) funcs: Vec<(usize, usize, String)>,
    /// echo `Start` calls (with whether they serve TLS), reported at the end unless the file sets
    /// a timeout on that server of that instance: `echo_timeouts`.
    pub(super) echo_starts: Vec<(EchoRef, bool, Call)>,
    pub(super) echo_timeouts: Vec<(EchoRef, bool)>,
    pub(super) out: GoFile,
}

impl<'a> Analyzer<'a> {
    pub(super) fn new(text: &'a str, toks: Vec<Tok>) -> Self {
        let n = toks.len();
        let mut partner = vec![NONE; n];
        let mut encl = vec![NONE; n];
        let mut stack: Vec<usize> = Vec::new();
        // The open braces among `stack`, innermost last.
        let mut braces: Vec<usize> = Vec::new();
        for i in 0..n {
            encl[i] = braces.last().copied().unwrap_or(NONE);
            if toks[i].kind != Kind::Op {
                continue;
            }
            let open = match &text[toks[i].start..toks[i].end] {
                "(" | "[" | "{" => {
                    stack.push(i);
                    if &text[toks[i].start..toks[i].end] == "{" {
                        braces.push(i);
                    }
                    continue;
                }
                ")" => "(",
                "]" => "[",
                "}" => "{",
                _ => continue,
            };
            // Pop to the matching opener, if there is one; a stray closer is ignored.
            if let Some(k) = stack.iter().rposition(|&o| &text[toks[o].start..toks[o].end] == open) {
                let o = stack[k];
                stack.truncate(k);
                while braces.last().is_some_and(|&b| b >= o) {
                    braces.pop();
                }
                partner[o] = i;
                partner[i] = o;
            }
        }
        let visited = vec![false; n];
        Analyzer {
            text,
            toks,
            partner,
            encl,
            imports: HashMap::new(),
            bindings: Vec::new(),
            by_name: HashMap::new(),
            field_types: HashMap::new(),
            visited,
            depth: 0,
            next_root: DEFAULT_MUX + 1,
            route_roots: Vec::new(),
            mounts: Vec::new(),
            fn_returns: Vec::new(),
            funcs: Vec::new(),
            echo_starts: Vec::new(),
            echo_timeouts: Vec::new(),
            out: GoFile::default(),
        }
    }

    // --- token helpers ---

    pub(super) fn n(&self) -> usize {
        self.toks.len()
    }

    pub(super) fn text_of(&self, i: usize) -> &'a str {
        self.toks.get(i).and_then(|t| self.text.get(t.start..t.end)).unwrap_or("")
    }

    pub(super) fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    pub(super) fn is_op(&self, i: usize, op: &str) -> bool {
        self.kind(i) == Some(Kind::Op) && self.text_of(i) == op
    }

    pub(super) fn is_ident(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Ident) && !is_keyword(self.text_of(i))
    }

    pub(super) fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.kind(i) == Some(Kind::Ident) && self.text_of(i) == kw
    }

    pub(super) fn pos(&self, i: usize) -> Pos {
        self.toks.get(i).or(self.toks.last()).map_or(Pos::new(1, 1), |t| t.pos)
    }

    /// Partner of the bracket at `i`, or the end of the tokens when unmatched.
    pub(super) fn close_of(&self, i: usize) -> usize {
        match self.partner.get(i) {
            Some(&p) if p != NONE => p,
            _ => self.n(),
        }
    }

    /// The end of the block enclosing token `i` (the end of the file at top level).
    pub(super) fn block_end(&self, i: usize) -> usize {
        match self.encl.get(i) {
            Some(&o) if o != NONE => self.close_of(o),
            _ => self.n(),
        }
    }

    fn prev_is_dot(&self, i: usize) -> bool {
        i > 0 && self.is_op(i - 1, ".")
    }

    /// Go inserts a semicolon before token `i`: a newline follows a token that can end a statement.
    pub(super) fn semi_before(&self, i: usize) -> bool {
        if i == 0 || !self.toks.get(i).is_some_and(|t| t.nl_before) {
            return false;
        }
        let p = i - 1;
        match self.kind(p) {
            Some(Kind::Ident) => {
                let w = self.text_of(p);
                !is_keyword(w) || matches!(w, "break" | "continue" | "fallthrough" | "return")
            }
            Some(Kind::Int | Kind::Float | Kind::Char | Kind::Str | Kind::RawStr) => true,
            Some(Kind::Op) => matches!(self.text_of(p), "++" | "--" | ")" | "]" | "}"),
            _ => false,
        }
    }

    /// The end (exclusive) of the statement or expression list starting at `i`: a `;`, an
    /// automatic semicolon, or a closing bracket of an enclosing level.
    pub(super) fn stmt_end(&self, i: usize) -> usize {
        let mut j = i;
        while j < self.n() {
            if j > i && self.semi_before(j) {
                return j;
            }
            if self.kind(j) == Some(Kind::Op) {
                match self.text_of(j) {
                    "(" | "[" | "{" => {
                        j = self.close_of(j).saturating_add(1);
                        continue;
                    }
                    ")" | "]" | "}" | ";" => return j,
                    _ => {}
                }
            }
            j += 1;
        }
        self.n()
    }

    /// The top-level comma-separated parts of `[s, e)`.
    pub(super) fn split_commas(&self, s: usize, e: usize) -> Vec<(usize, usize)> {
        let e = e.min(self.n());
        let mut parts = Vec::new();
        let mut start = s;
        let mut j = s;
        while j < e {
            if self.kind(j) == Some(Kind::Op) {
                match self.text_of(j) {
                    "(" | "[" | "{" => {
                        j = self.close_of(j).saturating_add(1);
                        continue;
                    }
                    "," => {
                        parts.push((start, j));
                        start = j + 1;
                    }
                    _ => {}
                }
            }
            j += 1;
        }
        if start < e {
            parts.push((start, e));
        }
        parts
    }

    /// Source text of the tokens `[s, e)`, whitespace collapsed.
    pub(super) fn source(&self, s: usize, e: usize) -> String {
        let (Some(first), Some(last)) = (self.toks.get(s), self.toks.get(e.min(self.n()).saturating_sub(1))) else {
            return String::new();
        };
        let raw = self.text.get(first.start..last.end.max(first.end)).unwrap_or("");
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    pub(super) fn str_value(&self, i: usize) -> Option<String> {
        let t = self.toks.get(i)?;
        let raw = self.text.get(t.start..t.end)?;
        match t.kind {
            Kind::Str => {
                let body = raw.strip_prefix('"')?;
                Some(unescape(body.strip_suffix('"').unwrap_or(body)))
            }
            Kind::RawStr => {
                let body = raw.strip_prefix('`')?;
                Some(body.strip_suffix('`').unwrap_or(body).replace('\r', ""))
            }
            _ => None,
        }
    }

    pub(super) fn fresh_root(&mut self) -> usize {
        self.next_root += 1;
        self.next_root
    }

    // --- bindings ---

    pub(super) fn lookup(&self, name: &str, at: usize) -> Option<&Binding> {
        let ids = self.by_name.get(name)?;
        ids.iter().rev().map(|&k| &self.bindings[k]).find(|b| b.decl <= at && at <= b.end)
    }

    pub(super) fn bind(&mut self, name: &str, decl: usize, end: usize, value: Value) {
        if name == "_" {
            return;
        }
        // Unknown values only matter to shadow a binding that would otherwise be visible.
        if value == Value::Unknown && self.lookup(name, decl).is_none() {
            return;
        }
        let id = self.bindings.len();
        self.bindings.push(Binding { decl, end, value });
        self.by_name.entry(name.to_string()).or_default().push(id);
    }

    pub(super) fn resolve_ident(&self, name: &str, at: usize) -> Value {
        if let Some(b) = self.lookup(name, at) {
            return b.value.clone();
        }
        match self.imports.get(name) {
            Some(path) => Value::Pkg(path.clone()),
            None => Value::Unknown,
        }
    }

    pub(super) fn has_import(&self, fw: Fw) -> bool {
        self.imports.values().any(|p| Fw::of_import(p) == Some(fw))
    }

    // --- driver ---

    pub(super) fn run(&mut self) {
        self.prepass_imports();
        self.prepass_structs();
        self.prepass_package_decls();
        let n = self.n();
        let mut i = 0;
        while i < n {
            // A function literal evaluated as part of an expression is still entered here, for its
            // parameters and so that its signature is never read as an expression.
            if self.is_kw(i, "func") {
                i = self.func_keyword(i);
                continue;
            }
            if self.kind(i) != Some(Kind::Ident) || self.visited[i] || self.prev_is_dot(i) {
                i += 1;
                continue;
            }
            match self.text_of(i) {
                "package" => {
                    if self.out.package.is_empty() && self.is_ident(i + 1) {
                        self.out.package = self.text_of(i + 1).to_string();
                    }
                }
                "const" | "var" => self.decl(i, true),
                "return" => self.returns(i),
                w if is_keyword(w) => {}
                _ => {
                    if !self.assignment(i) {
                        self.keyed_port_field(i);
                        self.eval_chain(i, n, true);
                    }
                }
            }
            i += 1;
        }
    }

    pub(super) fn finish(mut self) -> GoFile {
        self.apply_mounts();
        self.report_echo_starts();
        self.out.routes.sort_by_key(|r| r.pos);
        self.out.listens.sort_by_key(|l| l.pos);
        self.out.default_server_calls.sort_by_key(|c| c.pos);
        self.out.serves.sort_by_key(|c| c.pos);
        self.out.signals.sort_by_key(|c| c.pos);
        self.out.shutdowns.sort_by_key(|c| c.pos);
        self.out
    }
}
