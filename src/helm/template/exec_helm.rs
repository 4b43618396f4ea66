//! Helm's template-rendering functions on the executor: `include` (with Helm's per-name
//! recursion limit) and `tpl` (parsed as template "gotpl" in a layer over the current set).

use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use super::ErrorKind;
use super::exec::{Ev, Exec, MAX_EXEC_DEPTH, Scope};
use super::funcs::{self, FnError};
use super::value::Val;

impl Exec {
    /// Executes template `name` into a fresh buffer (Helm's `include`).
    pub(crate) fn include(&mut self, name: &str, data: Val) -> Result<String, FnError> {
        let count = self.include_counts.get(name).copied().unwrap_or(0);
        if count > self.limits.max_include_depth || self.depth >= MAX_EXEC_DEPTH {
            return Err(FnError::Msg(
                ErrorKind::Limit,
                format!("rendering template has a nested reference name: {name}: unable to execute template"),
            ));
        }
        let Some(tree) = self.scope.lookup(name) else {
            return Err(FnError::Msg(
                ErrorKind::Exec,
                format!("template: no template {} associated with template \"gotpl\"", super::lex::go_quote(name)),
            ));
        };
        *self.include_counts.entry(name.to_string()).or_insert(0) += 1;
        let saved_out = std::mem::take(&mut self.out);
        self.depth += 1;
        let r = self.run_tree(tree, Ev::plain(data));
        self.depth -= 1;
        if let Some(c) = self.include_counts.get_mut(name) {
            *c -= 1;
        }
        let text = std::mem::replace(&mut self.out, saved_out);
        match r {
            Ok(()) => Ok(text),
            Err(e) if e.kind == ErrorKind::Limit && e.message.contains("nested reference") => Err(FnError::Msg(
                ErrorKind::Limit,
                e.message.rsplit(": error calling include: ").next().unwrap_or(&e.message).to_string(),
            )),
            Err(e) => Err(FnError::Nested(e)),
        }
    }

    /// Helm's `tpl`: parse `src` as template "gotpl" in a layer over the current set and run it.
    pub(crate) fn tpl(&mut self, src: &str, data: Val) -> Result<String, FnError> {
        if self.depth >= MAX_EXEC_DEPTH {
            return Err(FnError::Msg(ErrorKind::Limit, format!("exceeded maximum template depth ({MAX_EXEC_DEPTH})")));
        }
        let trees = match super::parse::parse("gotpl", "gotpl", src, &|f| funcs::lookup(f).is_some()) {
            Ok(t) => t,
            Err(pf) => {
                let e = super::parse_error("gotpl", src, pf);
                return Err(FnError::Wrapped(format!("cannot parse template {}", super::lex::go_quote(src)), e));
            }
        };
        let mut local = HashMap::new();
        for t in trees {
            local.insert(t.name.clone(), Arc::new(t));
        }
        let main = local.get("gotpl").cloned();
        let layer = Rc::new(Scope { local, parent: Some(self.scope.clone()), base: None });
        let saved_scope = std::mem::replace(&mut self.scope, layer);
        let saved_out = std::mem::take(&mut self.out);
        self.depth += 1;
        let r = match main {
            Some(tree) => self.run_tree(tree, Ev::plain(data)),
            None => Ok(()),
        };
        self.depth -= 1;
        self.scope = saved_scope;
        let text = std::mem::replace(&mut self.out, saved_out);
        match r {
            Ok(()) => Ok(text.replace("<no value>", "")),
            Err(e) if e.kind == ErrorKind::Limit => Err(FnError::Msg(ErrorKind::Limit, e.message)),
            Err(e) => Err(FnError::Wrapped(
                format!("error during tpl function execution for {}", super::lex::go_quote(src)),
                e,
            )),
        }
    }
}
