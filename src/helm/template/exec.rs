//! Executes parsed trees (after src/text/template/exec.go): field lookup with Helm's
//! missingkey behaviour, pipelines, variables, control structures, template calls, typed
//! function arguments with Go's conversion errors, and the resource limits.

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::ast::{Arg, Command, Node, Pipe, Tree};
use super::funcs::{self, FnError, P};
use super::value::{Entries, Val};
use super::{ErrorKind, Limits, TemplateError};

/// Template sets visible to an execution: the engine's, plus one layer per `tpl` call.
pub(crate) struct Scope {
    pub local: HashMap<String, Arc<Tree>>,
    pub parent: Option<Rc<Scope>>,
    pub base: Option<Arc<HashMap<String, Arc<Tree>>>>,
}

impl Scope {
    pub(crate) fn lookup(&self, name: &str) -> Option<Arc<Tree>> {
        if let Some(t) = self.local.get(name) {
            return Some(t.clone());
        }
        if let Some(b) = &self.base
            && let Some(t) = b.get(name)
        {
            return Some(t.clone());
        }
        self.parent.as_ref().and_then(|p| p.lookup(name))
    }
}

/// Hard cap on nested template/include/tpl calls, to keep the native stack bounded.
pub(crate) const MAX_EXEC_DEPTH: usize = 10_000;

/// A value plus whether its static Go type is `interface {}` (it came out of a map or list),
/// which decides Go's error wording and the nil-pointer error when a field chain goes on.
#[derive(Clone, Debug)]
pub(crate) struct Ev {
    pub v: Val,
    pub iface: bool,
}

impl Ev {
    pub(crate) fn plain(v: Val) -> Ev {
        Ev { v, iface: false }
    }
}

pub(crate) enum Flow {
    Normal,
    Break,
    Continue,
}

pub(crate) type EResult<T> = Result<T, TemplateError>;

pub(crate) struct Exec {
    pub scope: Rc<Scope>,
    pub strict: bool,
    pub limits: Limits,
    pub out: String,
    pub vars: Vec<(String, Val)>,
    pub tree: Arc<Tree>,
    pub tmpl_name: String,
    pub depth: usize,
    pub include_counts: HashMap<String, usize>,
    pub range_iters: u64,
    pub written: usize,
    /// Crypto work done so far (see [`Limits::max_crypto_work`]).
    pub crypto_work: u64,
}

impl Exec {
    pub(crate) fn new(scope: Rc<Scope>, strict: bool, limits: Limits, tree: Arc<Tree>) -> Exec {
        Exec {
            scope,
            strict,
            limits,
            out: String::new(),
            vars: Vec::new(),
            tmpl_name: tree.name.clone(),
            tree,
            depth: 0,
            include_counts: HashMap::new(),
            range_iters: 0,
            written: 0,
            crypto_work: 0,
        }
    }

    /// An execution error located at `pos` with Go's `executing "T" at <ctx>:` prefix.
    pub(crate) fn error(&self, pos: usize, ctx: &dyn std::fmt::Display, kind: ErrorKind, msg: &str) -> TemplateError {
        let (line, col) = self.tree.line_col(pos);
        TemplateError {
            template: self.tree.parse_name.clone(),
            line,
            col,
            kind,
            message: format!("executing {} at <{}>: {}", super::lex::go_quote(&self.tmpl_name), ctx, msg),
        }
    }

    fn fail<T>(&self, pos: usize, ctx: &dyn std::fmt::Display, msg: &str) -> EResult<T> {
        Err(self.error(pos, ctx, ErrorKind::Exec, msg))
    }

    pub(crate) fn write(&mut self, s: &str, pos: usize) -> EResult<()> {
        self.written += s.len();
        if self.written > self.limits.max_output_bytes {
            let msg = format!("output exceeds the limit of {} bytes", self.limits.max_output_bytes);
            return Err(self.error(pos, &"output", ErrorKind::Limit, &msg));
        }
        self.out.push_str(s);
        Ok(())
    }

    /// Runs tree `tree` as template `name` with `dot`, appending to `self.out`.
    pub(crate) fn run_tree(&mut self, tree: Arc<Tree>, dot: Ev) -> EResult<()> {
        let saved_tree = std::mem::replace(&mut self.tree, tree.clone());
        let saved_name = std::mem::replace(&mut self.tmpl_name, tree.name.clone());
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".to_string(), dot.v.clone())]);
        let r = self.walk(&dot, &tree.root);
        self.tree = saved_tree;
        self.tmpl_name = saved_name;
        self.vars = saved_vars;
        r.map(|_| ())
    }

    pub(crate) fn walk(&mut self, dot: &Ev, nodes: &[Node]) -> EResult<Flow> {
        for node in nodes {
            match node {
                Node::Text(t) => self.write(t, 0)?,
                Node::Action { pos, pipe } => {
                    let v = self.eval_pipeline(dot, pipe)?;
                    if pipe.decl.is_empty() {
                        let s = if v.is_nil() { "<no value>".to_string() } else { super::fmt::to_go_string(&v) };
                        self.write(&s, *pos)?;
                    }
                }
                Node::If { pipe, list, else_list, .. } | Node::With { pipe, list, else_list, .. } => {
                    let mark = self.vars.len();
                    let v = self.eval_pipeline(dot, pipe)?;
                    let flow = if v.truthy() {
                        if matches!(node, Node::With { .. }) {
                            self.walk(&Ev::plain(v), list)
                        } else {
                            self.walk(dot, list)
                        }
                    } else if let Some(e) = else_list {
                        self.walk(dot, e)
                    } else {
                        Ok(Flow::Normal)
                    };
                    self.vars.truncate(mark);
                    match flow? {
                        Flow::Normal => {}
                        f => return Ok(f),
                    }
                }
                Node::Range { pos, pipe, list, else_list } => {
                    let mark = self.vars.len();
                    let r = self.walk_range(dot, *pos, node, pipe, list, else_list.as_deref());
                    self.vars.truncate(mark);
                    r?;
                }
                Node::Template { pos, name, pipe } => {
                    let Some(tree) = self.scope.lookup(name) else {
                        return self.fail(*pos, node, &format!("template {} not defined", super::lex::go_quote(name)));
                    };
                    if self.depth >= MAX_EXEC_DEPTH {
                        let msg = format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})");
                        return Err(self.error(*pos, node, ErrorKind::Limit, &msg));
                    }
                    let dot = match pipe {
                        Some(p) => self.eval_pipeline(dot, p)?,
                        None => Val::Nil,
                    };
                    self.depth += 1;
                    let r = self.run_tree(tree, Ev::plain(dot));
                    self.depth -= 1;
                    r?;
                }
                Node::Break => return Ok(Flow::Break),
                Node::Continue => return Ok(Flow::Continue),
            }
        }
        Ok(Flow::Normal)
    }

    #[allow(clippy::too_many_arguments)]
    fn walk_range(
        &mut self,
        dot: &Ev,
        pos: usize,
        node: &Node,
        pipe: &Pipe,
        list: &[Node],
        else_list: Option<&[Node]>,
    ) -> EResult<()> {
        let val = self.eval_pipeline(dot, pipe)?;
        let mark = self.vars.len();
        let items: Vec<(Val, Ev)> = match &val {
            Val::List(l) => {
                l.iter().enumerate().map(|(i, v)| (Val::Int(i as i64), Ev { v: v.clone(), iface: true })).collect()
            }
            Val::Map(m) => Val::map_entries(m).into_iter().map(|(k, v)| (Val::str(k), Ev { v, iface: true })).collect(),
            Val::Bytes(b) => {
                b.iter().enumerate().map(|(i, x)| (Val::Int(i as i64), Ev::plain(Val::Int(i64::from(*x))))).collect()
            }
            // A host map or slice: Go ranges over its typed elements (not interfaces).
            Val::Host(h) => match h.entries().map(Entries::sorted) {
                Some(Entries::Map { entries, .. }) => {
                    entries.iter().map(|(k, v)| (Val::str(k.as_str()), Ev::plain(Val::from_public(v)))).collect()
                }
                Some(Entries::List(items)) => items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Val::Int(i as i64), Ev::plain(Val::from_public(v))))
                    .collect(),
                None => return self.range_error(pipe, pos, node, &val),
            },
            Val::Int(n) => {
                if pipe.decl.len() > 1 {
                    let msg = format!("can't use {n} to iterate over more than one variable");
                    let (p, ctx) = last_operand(pipe, pos, node);
                    return self.fail(p, ctx, &msg);
                }
                self.count_iterations(pos, (*n).max(0) as u64)?;
                (0..(*n).max(0)).map(|i| (Val::Nil, Ev::plain(Val::Int(i)))).collect()
            }
            Val::Nil => Vec::new(),
            v => return self.range_error(pipe, pos, node, v),
        };
        if items.is_empty() {
            if let Some(e) = else_list {
                self.walk(dot, e)?;
            }
            return Ok(());
        }
        if !matches!(val, Val::Int(_)) {
            self.count_iterations(pos, items.len() as u64)?;
        }
        for (index, elem) in items {
            match (pipe.decl.len(), pipe.is_assign) {
                (0, _) => {}
                (1, false) => self.set_top_var(1, elem.v.clone()),
                (_, false) => {
                    self.set_top_var(1, elem.v.clone());
                    self.set_top_var(2, index);
                }
                (1, true) => self.set_var(pos, &pipe.decl[0], elem.v.clone())?,
                (_, true) => {
                    self.set_var(pos, &pipe.decl[0], index)?;
                    self.set_var(pos, &pipe.decl[1], elem.v.clone())?;
                }
            }
            let flow = self.walk(&elem, list);
            self.vars.truncate(mark);
            if let Flow::Break = flow? {
                break;
            }
        }
        Ok(())
    }

    fn range_error(&self, pipe: &Pipe, pos: usize, node: &Node, v: &Val) -> EResult<()> {
        let (p, ctx) = last_operand(pipe, pos, node);
        self.fail(p, ctx, &format!("range can't iterate over {}", super::fmt::to_go_string(v)))
    }

    fn count_iterations(&mut self, pos: usize, n: u64) -> EResult<()> {
        self.range_iters = self.range_iters.saturating_add(n);
        if self.range_iters > self.limits.max_range_iterations {
            let msg = format!("range iterations exceed the limit of {}", self.limits.max_range_iterations);
            return Err(self.error(pos, &"range", ErrorKind::Limit, &msg));
        }
        Ok(())
    }

    fn set_top_var(&mut self, n: usize, v: Val) {
        let len = self.vars.len();
        if let Some(slot) = len.checked_sub(n).and_then(|i| self.vars.get_mut(i)) {
            slot.1 = v;
        }
    }

    fn set_var(&mut self, pos: usize, name: &str, v: Val) -> EResult<()> {
        match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
            Some(slot) => {
                slot.1 = v;
                Ok(())
            }
            None => self.fail(pos, &name, &format!("undefined variable: {name}")),
        }
    }

    fn var_value(&self, pos: usize, name: &str) -> EResult<Val> {
        match self.vars.iter().rev().find(|(n, _)| n == name) {
            Some((_, v)) => Ok(v.clone()),
            None => self.fail(pos, &name, &format!("undefined variable: {name}")),
        }
    }

    pub(crate) fn eval_pipeline(&mut self, dot: &Ev, pipe: &Pipe) -> EResult<Val> {
        let mut value: Option<Val> = None;
        for cmd in &pipe.cmds {
            value = Some(self.eval_command(dot, cmd, value)?.v);
        }
        let v = value.unwrap_or(Val::Nil);
        for name in &pipe.decl {
            if pipe.is_assign {
                self.set_var(pipe.pos, name, v.clone())?;
            } else {
                self.vars.push((name.clone(), v.clone()));
            }
        }
        Ok(v)
    }

    fn not_a_function(&self, cmd_args: &[Arg], final_: &Option<Val>) -> EResult<()> {
        if cmd_args.len() > 1 || final_.is_some() {
            let a = &cmd_args[0];
            return self.fail(a.pos(), a, &format!("can't give argument to non-function {a}"));
        }
        Ok(())
    }

    fn eval_command(&mut self, dot: &Ev, cmd: &Command, final_: Option<Val>) -> EResult<Ev> {
        let first = &cmd.args[0];
        match first {
            Arg::Field { idents, .. } => self.eval_field_chain(dot, dot.clone(), first, idents, &cmd.args, final_),
            Arg::Chain { node, fields, .. } => {
                let recv = self.eval_chain_base(dot, first, node)?;
                self.eval_field_chain(dot, recv, first, fields, &cmd.args, final_)
            }
            Arg::Ident { name, pos } => self.eval_function(dot, name, *pos, cmd, &cmd.args, final_),
            Arg::Pipe(p) => {
                self.not_a_function(&cmd.args, &final_)?;
                Ok(Ev::plain(self.eval_pipeline(dot, p)?))
            }
            Arg::Variable { idents, pos } => {
                let v = self.var_value(*pos, &idents[0])?;
                if idents.len() == 1 {
                    self.not_a_function(&cmd.args, &final_)?;
                    return Ok(Ev::plain(v));
                }
                self.eval_field_chain(dot, Ev::plain(v), first, &idents[1..], &cmd.args, final_)
            }
            _ => {
                self.not_a_function(&cmd.args, &final_)?;
                match first {
                    Arg::Bool(_, b) => Ok(Ev::plain(Val::Bool(*b))),
                    Arg::Dot(_) => Ok(dot.clone()),
                    Arg::Nil(pos) => self.fail(*pos, first, "nil is not a command"),
                    Arg::Number { .. } => Ok(Ev::plain(self.ideal_constant(first)?)),
                    Arg::Str { text, .. } => Ok(Ev::plain(Val::str(text.as_str()))),
                    _ => self.fail(first.pos(), first, &format!("can't evaluate command {first}")),
                }
            }
        }
    }

    fn eval_chain_base(&mut self, dot: &Ev, chain: &Arg, node: &Arg) -> EResult<Ev> {
        if let Arg::Nil(pos) = node {
            return self.fail(*pos, chain, &format!("indirection through explicit nil in {chain}"));
        }
        Ok(Ev::plain(self.eval_arg(dot, P::Any, node)?))
    }

    fn ideal_constant(&self, n: &Arg) -> EResult<Val> {
        let Arg::Number { text, int, float, is_char, pos } = n else { return Ok(Val::Nil) };
        let lower = text.to_ascii_lowercase();
        let is_hex = lower.trim_start_matches(['+', '-']).starts_with("0x");
        if !*is_char && !is_hex && text.contains(['.', 'e', 'E', 'p', 'P']) {
            return Ok(Val::Float(float.unwrap_or(0.0)));
        }
        match int {
            Some(i) => Ok(Val::Int(*i)),
            None => self.fail(*pos, n, &format!("{text} overflows int")),
        }
    }

    fn eval_field_chain(
        &mut self,
        dot: &Ev,
        mut recv: Ev,
        node: &Arg,
        idents: &[String],
        args: &[Arg],
        final_: Option<Val>,
    ) -> EResult<Ev> {
        let n = idents.len();
        for ident in &idents[..n - 1] {
            recv = self.eval_field(dot, ident, node, &args[..1], None, recv)?;
        }
        self.eval_field(dot, &idents[n - 1], node, args, final_, recv)
    }

    fn eval_field(
        &mut self,
        dot: &Ev,
        name: &str,
        node: &Arg,
        args: &[Arg],
        final_: Option<Val>,
        recv: Ev,
    ) -> EResult<Ev> {
        let pos = node.pos();
        let has_args = args.len() > 1 || final_.is_some();
        let typ = if recv.iface { "interface {}".to_string() } else { recv.v.type_name() };
        match &recv.v {
            Val::Nil if !recv.iface => {
                if self.strict {
                    return self.fail(pos, node, &format!("nil data; no entry for key {}", super::lex::go_quote(name)));
                }
                Ok(Ev::plain(Val::Nil))
            }
            Val::Nil => self.fail(pos, node, &format!("nil pointer evaluating interface {{}}.{name}")),
            Val::Map(m) => {
                if has_args {
                    return self.fail(pos, node, &format!("{name} is not a method but has arguments"));
                }
                let found = m.borrow().get(name).cloned();
                match found {
                    Some(v) => Ok(Ev { v, iface: true }),
                    None if self.strict => {
                        self.fail(pos, node, &format!("map has no entry for key {}", super::lex::go_quote(name)))
                    }
                    None => Ok(Ev { v: Val::Nil, iface: true }),
                }
            }
            Val::Host(h) => {
                let h = h.clone();
                if !has_args && let Some(v) = h.field(name) {
                    let v = Val::from_public(&v);
                    let iface = v.is_nil();
                    return Ok(Ev { v, iface });
                }
                let mut argv = Vec::new();
                for a in &args[1..] {
                    argv.push(self.eval_arg(dot, P::Any, a)?.to_public());
                }
                if let Some(f) = final_ {
                    argv.push(f.to_public());
                }
                match h.call(name, &argv) {
                    None => self.fail(pos, node, &format!("can't evaluate field {name} in type {typ}")),
                    Some(Err(e)) => self.fail(pos, node, &format!("error calling {name}: {e}")),
                    Some(Ok(v)) => Ok(Ev::plain(Val::from_public(&v))),
                }
            }
            _ => self.fail(pos, node, &format!("can't evaluate field {name} in type {typ}")),
        }
    }

    /// Evaluates an argument for a parameter of type `p`, with Go's conversion rules.
    pub(crate) fn eval_arg(&mut self, dot: &Ev, p: P, n: &Arg) -> EResult<Val> {
        let ev = match n {
            Arg::Dot(_) => dot.clone(),
            Arg::Nil(pos) => {
                return match p {
                    P::Any => Ok(Val::Nil),
                    P::List => Ok(Val::list(Vec::new())),
                    P::Map => Ok(Val::empty_map()),
                    _ => self.fail(*pos, n, &format!("cannot assign nil to {}", p.go_type())),
                };
            }
            Arg::Field { idents, .. } => {
                self.eval_field_chain(dot, dot.clone(), n, idents, std::slice::from_ref(n), None)?
            }
            Arg::Variable { idents, pos } => {
                let v = self.var_value(*pos, &idents[0])?;
                if idents.len() == 1 {
                    Ev::plain(v)
                } else {
                    self.eval_field_chain(dot, Ev::plain(v), n, &idents[1..], std::slice::from_ref(n), None)?
                }
            }
            Arg::Pipe(pipe) => {
                let mark = self.vars.len();
                let v = self.eval_pipeline(dot, pipe);
                // Variables declared in a parenthesized pipeline stay visible, as in Go.
                let _ = mark;
                Ev::plain(v?)
            }
            Arg::Ident { name, pos } => {
                let cmd = Command { pos: *pos, args: Vec::new() };
                self.eval_function(dot, name, *pos, &cmd, std::slice::from_ref(n), None)?
            }
            Arg::Chain { node, fields, .. } => {
                let recv = self.eval_chain_base(dot, n, node)?;
                self.eval_field_chain(dot, recv, n, fields, std::slice::from_ref(n), None)?
            }
            Arg::Bool(pos, b) => {
                return match p {
                    P::Any | P::Bool => Ok(Val::Bool(*b)),
                    _ => self.literal_mismatch(*pos, n, p),
                };
            }
            Arg::Str { text, pos, .. } => {
                return match p {
                    P::Any | P::Str => Ok(Val::str(text.as_str())),
                    _ => self.literal_mismatch(*pos, n, p),
                };
            }
            Arg::Number { int, float, pos, .. } => {
                return match (p, int, float) {
                    (P::Any, _, _) => self.ideal_constant(n),
                    (P::Int, Some(i), _) => Ok(Val::Int(*i)),
                    // reflect's SetUint keeps the low 32 bits.
                    (P::Uint32, Some(i), _) if *i >= 0 => Ok(Val::Int(i64::from(*i as u32))),
                    (P::Float, _, Some(f)) => Ok(Val::Float(*f)),
                    _ => self.literal_mismatch(*pos, n, p),
                };
            }
        };
        self.validate(n.pos(), n, ev, p)
    }

    fn literal_mismatch<T>(&self, pos: usize, n: &Arg, p: P) -> EResult<T> {
        let msg = match p {
            P::Str => format!("expected string; found {n}"),
            P::Int => format!("expected integer; found {n}"),
            P::Float => format!("expected float; found {n}"),
            P::Bool => format!("expected bool; found {n}"),
            P::Uint32 => format!("expected unsigned integer; found {n}"),
            P::Any | P::List | P::Map | P::Cert => format!("can't handle {n} for arg of type {}", p.go_type()),
        };
        self.fail(pos, n, &msg)
    }

    /// Go's validateType: is the value assignable to the parameter type?
    pub(crate) fn validate(&self, pos: usize, ctx: &dyn std::fmt::Display, ev: Ev, p: P) -> EResult<Val> {
        let ok = match (&ev.v, p) {
            (_, P::Any) => true,
            (Val::Nil, P::List | P::Map) if !ev.iface => {
                return Ok(if p == P::List { Val::list(Vec::new()) } else { Val::empty_map() });
            }
            (Val::Str(_), P::Str)
            | (Val::Int(_), P::Int)
            | (Val::Float(_), P::Float)
            | (Val::Bool(_), P::Bool)
            | (Val::List(_), P::List)
            | (Val::Map(_), P::Map) => true,
            (Val::Host(h), P::Cert) => h.type_name() == p.go_type(),
            _ => false,
        };
        if ok {
            return Ok(ev.v);
        }
        let msg = match (&ev.v, ev.iface) {
            (Val::Nil, false) => format!("invalid value; expected {}", p.go_type()),
            (Val::Nil, true) => format!("wrong type for value; expected {}; got interface {{}}", p.go_type()),
            (v, _) => format!("wrong type for value; expected {}; got {}", p.go_type(), v.type_name()),
        };
        self.fail(pos, ctx, &msg)
    }

    fn eval_function(
        &mut self,
        dot: &Ev,
        name: &str,
        pos: usize,
        cmd: &Command,
        args: &[Arg],
        final_: Option<Val>,
    ) -> EResult<Ev> {
        let ident = &args[0];
        let Some(def) = funcs::lookup(name) else {
            return self.fail(pos, ident, &format!("{} is not a defined function", super::lex::go_quote(name)));
        };
        let real_args = &args[1..];
        let num_in = real_args.len() + usize::from(final_.is_some());
        let fixed = def.fixed.len();
        match def.variadic {
            Some(_) if num_in < fixed => {
                let msg = format!("wrong number of args for {name}: want at least {fixed} got {}", real_args.len());
                return self.fail(pos, ident, &msg);
            }
            None if num_in != fixed => {
                return self.fail(pos, ident, &format!("wrong number of args for {name}: want {fixed} got {num_in}"));
            }
            _ => {}
        }
        if name == "and" || name == "or" {
            let want = name == "or";
            let mut v = Val::Nil;
            for a in real_args {
                v = self.eval_arg(dot, P::Any, a)?;
                if v.truthy() == want {
                    return Ok(Ev::plain(v));
                }
            }
            if let Some(f) = final_ {
                v = f;
            }
            return Ok(Ev::plain(v));
        }
        let mut argv = Vec::with_capacity(num_in);
        for (i, a) in real_args.iter().enumerate() {
            let p = def.fixed.get(i).copied().or(def.variadic).unwrap_or(P::Any);
            argv.push(self.eval_arg(dot, p, a)?);
        }
        if let Some(f) = final_ {
            let p = def.fixed.get(argv.len()).copied().or(def.variadic).unwrap_or(P::Any);
            argv.push(self.validate(pos, ident, Ev::plain(f), p)?);
        }
        match (def.f)(self, argv) {
            Ok(v) => Ok(Ev::plain(v)),
            Err(FnError::Msg(kind, msg)) => {
                let kind = if kind == ErrorKind::Parse { ErrorKind::Exec } else { kind };
                Err(self.error(cmd.pos, cmd, kind, &format!("error calling {name}: {msg}")))
            }
            Err(FnError::Nested(e)) if e.kind == ErrorKind::Limit => Err(e),
            Err(FnError::Nested(e)) => {
                let inner = super::go_error_string(&e);
                Err(self.error(cmd.pos, cmd, e.kind, &format!("error calling {name}: {inner}")))
            }
            Err(FnError::Wrapped(prefix, e)) => {
                let msg = format!("error calling {name}: {prefix}: {}", super::go_error_string(&e));
                Err(self.error(cmd.pos, cmd, e.kind, &msg))
            }
        }
    }
}

/// The first operand of a pipeline's last command: where Go reports range errors.
fn last_operand<'a>(pipe: &'a Pipe, pos: usize, node: &'a Node) -> (usize, &'a dyn std::fmt::Display) {
    match pipe.cmds.last().and_then(|c| c.args.first()) {
        Some(a) => (a.pos(), a),
        None => (pos, node),
    }
}
