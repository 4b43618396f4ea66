//! Declarations, assignments and functions: imports, struct fields (router types, port tags),
//! `const`/`var` specs, `:=`/`=` assignments (also to server fields), `return`s of routers, and
//! function signatures whose parameters are bound for the body.

use super::Import;
use super::analyzer::{Analyzer, NONE};
use super::helpers::{default_import_name, parse_port, portish, tag_lookup};
use super::lex::Kind;
use super::value::{EchoRef, Fw, Router, Sig, Value, is_fiber};

impl Analyzer<'_> {
    pub(super) fn prepass_imports(&mut self) {
        let n = self.n();
        let mut i = 0;
        while i < n {
            if !self.is_kw(i, "import") {
                i += 1;
                continue;
            }
            let (s, e) =
                if self.is_op(i + 1, "(") { (i + 2, self.close_of(i + 1)) } else { (i + 1, self.stmt_end(i + 1)) };
            for j in s..e.min(n) {
                let Some(path) = self.str_value(j).filter(|_| matches!(self.kind(j), Some(Kind::Str | Kind::RawStr)))
                else {
                    continue;
                };
                let alias_tok = j.checked_sub(1).filter(|&a| a >= s && (self.is_ident(a) || self.is_op(a, ".")));
                let alias = alias_tok.map(|a| self.text_of(a).to_string());
                let local = alias.clone().unwrap_or_else(|| default_import_name(&path));
                if local != "_" && local != "." {
                    self.imports.insert(local, path.clone());
                }
                let pos = self.pos(alias_tok.unwrap_or(j));
                self.out.imports.push(Import { pos, path, alias });
            }
            i = e.max(i + 1);
        }
    }

    /// Struct field types that are routers (so `s.router` resolves) and struct tags that give a
    /// port default (`envDefault:"8080"`).
    pub(super) fn prepass_structs(&mut self) {
        for i in 0..self.n() {
            if !(self.is_kw(i, "struct") && self.is_op(i + 1, "{")) {
                continue;
            }
            let close = self.close_of(i + 1);
            let mut j = i + 2;
            while j < close {
                let e = self.stmt_end(j).min(close);
                self.struct_field(j, e);
                j = if self.is_op(e, ";") { e + 1 } else { e.max(j + 1) };
            }
        }
    }

    fn struct_field(&mut self, s: usize, e: usize) {
        let mut names = Vec::new();
        let mut j = s;
        while self.is_ident(j) && j < e {
            names.push(j);
            j += 1;
            if self.is_op(j, ",") { j += 1 } else { break }
        }
        // `Name Type`: the type must follow; a lone `pkg.Type` is an embedded field.
        if names.is_empty() || j >= e || self.is_op(j, ".") {
            return;
        }
        let last = e - 1;
        let tag = matches!(self.kind(last), Some(Kind::Str | Kind::RawStr)).then_some(last).filter(|&t| t > j);
        let type_end = tag.unwrap_or(e);
        let value = self.type_value(j, type_end);
        if value != Value::Unknown {
            for &k in &names {
                self.field_types.insert(self.text_of(k).to_string(), value.clone());
            }
        }
        let Some(tag) = tag else { return };
        let Some(tag_text) = self.str_value(tag) else { return };
        let env = tag_lookup(&tag_text, "env").map(|v| v.split(',').next().unwrap_or("").to_string());
        let default = ["envDefault", "default", "env-default"].iter().find_map(|k| tag_lookup(&tag_text, k));
        let Some(default) = default else { return };
        let named_port = names.iter().any(|&k| portish(self.text_of(k))) || env.as_deref().is_some_and(portish);
        if let (true, Some(port)) = (named_port, parse_port(&default)) {
            let pos = self.pos(tag);
            self.listen(pos, default, Some(port), "env default", false);
        }
    }

    /// Package-level string and integer constants, visible before their declaration.
    pub(super) fn prepass_package_decls(&mut self) {
        for i in 0..self.n() {
            if self.encl[i] == NONE && (self.is_kw(i, "const") || self.is_kw(i, "var")) {
                self.decl(i, false);
            }
        }
    }

    /// `const`/`var` declaration at `i`. With `effects` false (the package pre-pass) only string
    /// and integer values are bound, visible in the whole file.
    pub(super) fn decl(&mut self, i: usize, effects: bool) {
        if self.is_op(i + 1, "(") {
            let close = self.close_of(i + 1);
            let mut j = i + 2;
            while j < close {
                let e = self.stmt_end(j).min(close);
                self.spec(i, j, e, effects);
                j = if self.is_op(e, ";") { e + 1 } else { e.max(j + 1) };
            }
        } else {
            let e = self.stmt_end(i + 1);
            self.spec(i, i + 1, e, effects);
        }
    }

    fn spec(&mut self, kw: usize, s: usize, e: usize, effects: bool) {
        let mut names = Vec::new();
        let mut j = s;
        while j < e && self.is_ident(j) {
            names.push(j);
            j += 1;
            if self.is_op(j, ",") { j += 1 } else { break }
        }
        let mut eq = None;
        let mut k = j;
        while k < e {
            if self.is_op(k, "=") {
                eq = Some(k);
                break;
            }
            k = if matches!(self.text_of(k), "(" | "[" | "{") && self.kind(k) == Some(Kind::Op) {
                self.close_of(k).saturating_add(1)
            } else {
                k + 1
            };
        }
        let values = eq.map(|q| self.split_commas(q + 1, e)).unwrap_or_default();
        let top = self.encl.get(kw).is_none_or(|&o| o == NONE);
        let (decl, end) = if top { (if effects { kw } else { 0 }, self.n()) } else { (kw, self.block_end(kw)) };
        for (idx, &name_tok) in names.iter().enumerate() {
            if effects {
                self.visited[name_tok] = true;
            }
            let name = self.text_of(name_tok);
            let region = if values.len() == names.len() { values.get(idx).copied() } else { None };
            let value = match region {
                Some((vs, ve)) => {
                    let v = self.eval_expr(vs, ve, effects);
                    self.duration_value(v, vs, ve)
                }
                None if values.is_empty() && effects => self.declared_type_value(j, eq.unwrap_or(e)),
                None => Value::Unknown,
            };
            if !effects {
                if matches!(value, Value::Str(_) | Value::Int(_) | Value::Duration(_)) {
                    self.bind(name, decl, end, value);
                }
                continue;
            }
            // A constant of some other type (`syscall.Errno`, `SVCParamKey`) is no port.
            let plain_type = j == eq.unwrap_or(e)
                || (eq == Some(j + 1)
                    && matches!(
                        self.text_of(j),
                        "int" | "int32" | "int64" | "uint" | "uint16" | "uint32" | "uint64" | "string"
                    ));
            if let (Some((vs, ve)), true) = (region, plain_type) {
                self.literal_candidate(name, vs, ve, "const", false);
            }
            self.bind(name, decl, end, value.bindable());
        }
    }

    /// `var s http.Server` declares a server with no fields set; `var r *mux.Router` a router.
    fn declared_type_value(&mut self, s: usize, e: usize) -> Value {
        if e == s + 3
            && self.is_op(s + 1, ".")
            && self.text_of(s + 2) == "Server"
            && let Value::Pkg(p) = self.resolve_ident(self.text_of(s), s)
            && p == "net/http"
        {
            return self.new_server(s, Vec::new());
        }
        self.type_value(s, e)
    }

    /// The router/flag-set value of a type expression (`*mux.Router`, `chi.Router`).
    fn type_value(&mut self, s: usize, e: usize) -> Value {
        let mut j = s;
        while j < e && (self.is_op(j, "*") || self.is_op(j, "...")) {
            j += 1;
        }
        if e != j + 3 || !self.is_op(j + 1, ".") {
            return Value::Unknown;
        }
        let Value::Pkg(path) = self.resolve_ident(self.text_of(j), j) else { return Value::Unknown };
        let ty = self.text_of(j + 2);
        let fw = match (Fw::of_import(&path), ty) {
            (Some(Fw::NetHttp), "ServeMux") => Fw::NetHttp,
            (Some(Fw::Gorilla), "Router") => Fw::Gorilla,
            (Some(Fw::Chi), "Router" | "Mux") => Fw::Chi,
            (Some(Fw::Gin), "Engine" | "RouterGroup" | "IRouter" | "IRoutes") => Fw::Gin,
            (Some(Fw::Echo), "Echo" | "Group") => Fw::Echo,
            _ if ty == "FlagSet" && (path == "flag" || path == "github.com/spf13/pflag") => return Value::FlagSet,
            _ if ty == "Server" && path == "net/http" => return Value::HttpServer,
            _ if ty == "App" && is_fiber(&path) => return Value::FiberApp,
            _ => return Value::Unknown,
        };
        let root = self.fresh_root();
        Value::Router(Router { fw, prefix: String::new(), known: false, root })
    }

    /// Tries an assignment statement (`a, b := ...`, `x.y = ...`, `x += ...`) at `i`.
    pub(super) fn assignment(&mut self, i: usize) -> bool {
        if i > 0 && (self.is_op(i - 1, "*") || self.is_op(i - 1, "&")) {
            return false;
        }
        let mut lhs = Vec::new();
        let mut j = i;
        loop {
            if !self.is_ident(j) {
                return false;
            }
            let start = j;
            j += 1;
            loop {
                if self.is_op(j, ".") && self.is_ident(j + 1) {
                    j += 2;
                } else if self.is_op(j, "[") {
                    j = self.close_of(j).saturating_add(1);
                } else {
                    break;
                }
            }
            lhs.push((start, j));
            if self.is_op(j, ",") && self.is_ident(j + 1) {
                j += 1;
            } else {
                break;
            }
        }
        let op = j;
        if self.kind(op) != Some(Kind::Op) {
            return false;
        }
        let plain = matches!(self.text_of(op), ":=" | "=");
        if !plain
            && !matches!(
                self.text_of(op),
                "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>=" | "&^="
            )
        {
            return false;
        }
        for &(s, _) in &lhs {
            self.visited[s] = true;
        }
        let scope_end = self.block_end(i);
        if !plain {
            for &(s, e) in &lhs {
                if let Some(name) = self.lhs_name(s, e) {
                    self.bind(&name, op, scope_end, Value::Unknown);
                }
            }
            return true;
        }
        let rhs_end = self.stmt_end(op + 1);
        let values = self.split_commas(op + 1, rhs_end);
        for (k, &(ls, le)) in lhs.iter().enumerate() {
            let region =
                if values.len() == lhs.len() || (k == 0 && values.len() == 1) { values.get(k).copied() } else { None };
            let value = match region {
                Some((vs, ve)) => {
                    let v = self.eval_expr(vs, ve, true);
                    self.duration_value(v, vs, ve)
                }
                None => Value::Unknown,
            };
            let base = if le >= ls + 3 && self.is_op(le - 2, ".") {
                self.eval_chain(ls, le - 2, false).0
            } else {
                Value::Unknown
            };
            match base {
                // `srv.Field = ...` on a server literal.
                Value::Server(idx) => {
                    let field = self.text_of(le - 1).to_string();
                    if field == "Addr"
                        && let Some((vs, ve)) = region
                    {
                        self.listen_from(vs, ve, "Server.Addr");
                    }
                    if let Some(server) = self.out.servers.get_mut(idx)
                        && !server.assigned_later.contains(&field)
                    {
                        server.assigned_later.push(field);
                    }
                    continue;
                }
                // `e.Server.ReadHeaderTimeout = ...` on an echo instance's server.
                Value::EchoServer(echo, tls) => {
                    if matches!(self.text_of(le - 1), "ReadHeaderTimeout" | "ReadTimeout") {
                        self.echo_timeouts.push((echo, tls));
                    }
                    continue;
                }
                // `e.Server = srv`: the instance starts a server built elsewhere (a literal is
                // checked as one). Bound below, so that `e.Server.X = ...` reaches the literal.
                Value::Router(r) if r.fw == Fw::Echo && matches!(self.text_of(le - 1), "Server" | "TLSServer") => {
                    self.echo_timeouts.push((EchoRef::of(&r), self.text_of(le - 1) == "TLSServer"));
                }
                _ => {}
            }
            let Some(name) = self.lhs_name(ls, le) else { continue };
            let was_env = matches!(self.lookup(&name, ls).map(|b| &b.value), Some(Value::Env { .. }));
            let env_portish = matches!(self.lookup(&name, ls).map(|b| &b.value), Some(Value::Env { portish: true }));
            if let Some((vs, ve)) = region {
                let how = if was_env {
                    "env default"
                } else if name.contains('.') {
                    "field default"
                } else {
                    "const"
                };
                self.literal_candidate(&name, vs, ve, how, env_portish);
                // `port = "8080"` on an env value: the variable keeps "env or default", unresolved.
                if was_env && ve == vs + 1 && matches!(self.kind(vs), Some(Kind::Str | Kind::RawStr | Kind::Int)) {
                    continue;
                }
            }
            if name.contains('.')
                && let (Value::Router(_), Some(field)) = (&value, name.rsplit('.').next())
            {
                self.field_types.insert(field.to_string(), value.clone());
            }
            self.bind(&name, op, scope_end, value.bindable());
        }
        true
    }

    /// `a` or `a.b.c` (no index expressions) as a binding name.
    fn lhs_name(&self, s: usize, e: usize) -> Option<String> {
        let mut name = String::new();
        for j in s..e {
            match self.text_of(j) {
                "." => name.push('.'),
                t if self.is_ident(j) => name.push_str(t),
                _ => return None,
            }
        }
        Some(name)
    }

    /// A `return` in a top-level function: remember the routers it returns, for mounts.
    pub(super) fn returns(&mut self, i: usize) {
        let Some(name) = self.funcs.iter().rev().find(|(o, c, _)| *o < i && i < *c).map(|f| f.2.clone()) else {
            return;
        };
        let end = self.stmt_end(i + 1);
        for (s, e) in self.split_commas(i + 1, end) {
            if let Value::Router(r) = self.eval_expr(s, e, false) {
                self.fn_returns.push((name.clone(), r.root));
            }
        }
    }

    pub(super) fn sig(&self, i: usize) -> Sig {
        let n = self.n();
        let mut j = i + 1;
        let mut name = None;
        let mut params_region = None;
        let mut recv_region = None;
        if self.is_op(j, "(") {
            let close = self.close_of(j);
            if self.is_ident(close + 1) && (self.is_op(close + 2, "(") || self.is_op(close + 2, "[")) {
                recv_region = Some((j + 1, close));
                name = Some(self.text_of(close + 1).to_string());
                j = close + 2;
            }
        } else if self.is_ident(j) {
            name = Some(self.text_of(j).to_string());
            j += 1;
        }
        if name.is_some() && self.is_op(j, "[") {
            j = self.close_of(j).saturating_add(1);
        }
        if self.is_op(j, "(") {
            let close = self.close_of(j);
            params_region = Some((j + 1, close));
            j = close.saturating_add(1);
        }
        let mut body = None;
        while j < n {
            if self.semi_before(j) {
                break;
            }
            match (self.kind(j), self.text_of(j)) {
                (Some(Kind::Op), "(" | "[") => j = self.close_of(j).saturating_add(1),
                (Some(Kind::Op), "{") => {
                    if j > 0 && (self.is_kw(j - 1, "struct") || self.is_kw(j - 1, "interface")) {
                        j = self.close_of(j).saturating_add(1);
                    } else {
                        body = Some((j, self.close_of(j)));
                        break;
                    }
                }
                (Some(Kind::Op), ")" | "]" | "}" | "," | ";" | "=" | ":=") => break,
                _ => j += 1,
            }
        }
        let mut params = Vec::new();
        for region in [recv_region, params_region].into_iter().flatten() {
            params.extend(self.params(region.0, region.1));
        }
        let end = body.map_or(j, |(_, c)| c.saturating_add(1));
        Sig { name, params, body, end }
    }

    /// Named parameters of a parameter list: (name token, type region).
    fn params(&self, s: usize, e: usize) -> Vec<(usize, (usize, usize))> {
        let parts = self.split_commas(s, e);
        let named: Vec<bool> =
            parts.iter().map(|&(ps, pe)| pe > ps + 1 && self.is_ident(ps) && !self.is_op(ps + 1, ".")).collect();
        if !named.iter().any(|&x| x) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (k, &(ps, pe)) in parts.iter().enumerate() {
            if named[k] {
                out.push((ps, (ps + 1, pe)));
            } else if pe == ps + 1 && self.is_ident(ps) {
                // `a, b int`: the type is the next named part's.
                if let Some(t) = (k + 1..parts.len()).find(|&m| named[m]) {
                    out.push((ps, (parts[t].0 + 1, parts[t].1)));
                }
            }
        }
        out
    }

    /// A `func` keyword met by the scanner: bind the parameters for the body and go into it.
    pub(super) fn func_keyword(&mut self, i: usize) -> usize {
        let sig = self.sig(i);
        if let Some((open, close)) = sig.body {
            for &(name_tok, (ts, te)) in &sig.params {
                let name = self.text_of(name_tok);
                let taken =
                    self.by_name.get(name).is_some_and(|ids| ids.iter().any(|&b| self.bindings[b].decl == open));
                if !taken {
                    let value = self.type_value(ts, te);
                    self.bind(name, open, close, value);
                }
            }
            if self.encl[i] == NONE
                && let Some(name) = sig.name
            {
                self.funcs.push((open, close, name));
            }
            return open + 1;
        }
        sig.end.max(i + 1)
    }
}
