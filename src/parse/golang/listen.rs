//! Listens, ports and servers: listen addresses, port defaults (constants, keyed fields,
//! env-with-default patterns, flags, config defaults), `http.Server` literals, and the servers
//! gin and echo start.

use super::analyzer::Analyzer;
use super::helpers::{echo_starts_bare_server, int_port, parse_port, port_words, portish, words};
use super::lex::{Kind, parse_int};
use super::value::{EchoRef, Fw, Router, Value};
use super::{Call, Listen, ServerLiteral};
use crate::parse::pos::Pos;

impl Analyzer<'_> {
    /// A port-ish name assigned a single literal: a `const` (or `field default`) candidate, or an
    /// `env default` when the variable holds a port-ish environment value. Integers count only
    /// for a name with the word "port" and in decimal (`DW_AT_return_addr = 0x2a` is no port);
    /// strings only as digits (for "port") or with a colon (for "port", "addr", "listen"); a
    /// struct field (`x.RemoteAddr = ...`) only with the word "port" or "listen".
    pub(super) fn literal_candidate(&mut self, name: &str, vs: usize, ve: usize, how: &str, env: bool) {
        if ve != vs + 1 {
            return;
        }
        let last = name.rsplit('.').next().unwrap_or(name);
        let (port_word, addr_word) = port_words(last);
        let field_ok = !name.contains('.') || port_word || words(last).iter().any(|w| w == "listen");
        let (addr, port) = match self.kind(vs) {
            Some(Kind::Int) => {
                let lit = self.text_of(vs).to_string();
                let decimal = !(lit.len() > 1 && lit.starts_with('0'));
                if !(env || (port_word && decimal && field_ok)) {
                    return;
                }
                let port = parse_int(&lit).and_then(int_port);
                (lit, port)
            }
            Some(Kind::Str | Kind::RawStr) => {
                let s = self.str_value(vs).unwrap_or_default();
                let digits = s.bytes().all(|b| b.is_ascii_digit());
                let named = if digits { port_word } else { s.contains(':') && (port_word || addr_word) };
                if !(env || (named && field_ok)) {
                    return;
                }
                let port = parse_port(&s);
                (s, port)
            }
            _ => return,
        };
        if port.is_some() {
            let pos = self.pos(vs);
            self.listen(pos, addr, port, how, false);
        }
    }

    /// `Port: 8080` in a composite literal.
    pub(super) fn keyed_port_field(&mut self, i: usize) {
        let after_open = i > 0 && (self.is_op(i - 1, "{") || self.is_op(i - 1, ","));
        if !after_open || !self.is_op(i + 1, ":") || self.kind(i + 2) != Some(Kind::Int) {
            return;
        }
        let ends = self.is_op(i + 3, ",") || self.is_op(i + 3, "}") || self.semi_before(i + 3);
        let lit = self.text_of(i + 2).to_string();
        let decimal = !(lit.len() > 1 && lit.starts_with('0'));
        if ends
            && decimal
            && port_words(self.text_of(i)).0
            && let Some(port) = parse_int(&lit).and_then(int_port)
        {
            let pos = self.pos(i + 2);
            self.listen(pos, lit, Some(port), "field default", false);
        }
    }

    /// gin's `Run`/`RunTLS` and echo's `Start`, `StartTLS`, `StartAutoTLS` and `StartH2CServer`:
    /// the framework builds the server. gin's is `http.ListenAndServe` on the engine, the default
    /// server; `Run()` with no address listens on `$PORT`, else `:8080`. echo (before v5) serves
    /// with the instance's `e.Server` (`e.TLSServer` for TLS), which has no timeouts unless the
    /// file sets them: decided at the end, by [`Self::report_echo_starts`].
    pub(super) fn framework_start(&mut self, r: &Router, name: &str, name_tok: usize, args: &[(usize, usize)]) {
        let pos = self.pos(name_tok);
        match args.first() {
            Some(&(s, e)) => self.listen_from(s, e, "ListenAndServe"),
            None if r.fw == Fw::Gin && name == "Run" => {
                self.listen(pos, ":8080".to_string(), Some(8080), "gin default", false);
            }
            None => {}
        }
        let call = Call { pos, function: format!("{}.{name}", r.fw.name()) };
        self.serve(pos, &call.function);
        if r.fw == Fw::Gin {
            self.out.default_server_calls.push(call);
        } else if self.imports.values().any(|p| echo_starts_bare_server(p)) {
            let tls = matches!(name, "StartTLS" | "StartAutoTLS");
            self.echo_starts.push((EchoRef::of(r), tls, call));
        }
    }

    /// The echo starts of servers that the file sets no `ReadHeaderTimeout` or `ReadTimeout` on
    /// (for that instance, or for one that may be it), as default-server calls.
    pub(super) fn report_echo_starts(&mut self) {
        for (echo, tls, call) in std::mem::take(&mut self.echo_starts) {
            if !self.echo_timeouts.iter().any(|&(e, t)| t == tls && e.may_be(echo)) {
                self.out.default_server_calls.push(call);
            }
        }
    }

    pub(super) fn server_literal(&mut self, type_tok: usize, open: usize, close: usize) -> Value {
        let mut fields = Vec::new();
        for (s, e) in self.split_commas(open + 1, close) {
            if self.is_ident(s) && self.is_op(s + 1, ":") {
                let field = self.text_of(s).to_string();
                if field == "Addr" {
                    self.listen_from(s + 2, e, "Server.Addr");
                }
                fields.push(field);
            }
        }
        self.new_server(type_tok, fields)
    }

    pub(super) fn new_server(&mut self, type_tok: usize, fields: Vec<String>) -> Value {
        let pos = self.pos(type_tok);
        self.out.servers.push(ServerLiteral { pos, fields, assigned_later: Vec::new() });
        Value::Server(self.out.servers.len() - 1)
    }

    pub(super) fn listen(&mut self, pos: Pos, addr: String, port: Option<u16>, how: &str, unresolved: bool) {
        let listen = Listen { pos, addr, port, how: how.to_string(), unresolved };
        if !self.out.listens.contains(&listen) {
            self.out.listens.push(listen);
        }
    }

    /// A listen address argument or field value.
    pub(super) fn listen_from(&mut self, s: usize, e: usize, how: &str) {
        if s >= e {
            return;
        }
        let pos = self.pos(s);
        match self.eval_expr(s, e, false) {
            Value::Str(addr) => {
                let port = parse_port(&addr);
                self.listen(pos, addr, port, how, false);
            }
            Value::Int(n) => self.listen(pos, n.to_string(), int_port(n), how, false),
            _ => {
                let text = self.source(s, e);
                self.listen(pos, text, None, how, true);
            }
        }
    }

    /// A default literal for a port-ish environment variable, flag or config key.
    fn default_candidate(&mut self, region: Option<(usize, usize)>, how: &str) {
        let Some((s, e)) = region else { return };
        let pos = self.pos(s);
        match self.eval_expr(s, e, false) {
            Value::Str(v) => {
                if let Some(port) = parse_port(&v) {
                    self.listen(pos, v, Some(port), how, false);
                }
            }
            Value::Int(n) => {
                if let Some(port) = int_port(n) {
                    self.listen(pos, n.to_string(), Some(port), how, false);
                }
            }
            _ => {}
        }
    }

    pub(super) fn cmp_or(&mut self, args: &[(usize, usize)], effects: bool) -> Value {
        let values: Vec<Value> = (0..args.len()).map(|k| self.arg_value(args, k)).collect();
        let env_portish = values.iter().any(|v| matches!(v, Value::Env { portish: true }));
        if effects && env_portish {
            for (k, v) in values.iter().enumerate() {
                if matches!(v, Value::Str(_) | Value::Int(_)) {
                    self.default_candidate(args.get(k).copied(), "env default");
                }
            }
        }
        if values.iter().any(|v| matches!(v, Value::Env { .. })) {
            Value::Env { portish: env_portish }
        } else {
            values.into_iter().find(|v| !matches!(v, Value::Str(s) if s.is_empty())).unwrap_or(Value::Unknown)
        }
    }

    /// `getEnv("PORT", "8080")`-style helpers: a function whose name says env.
    pub(super) fn env_helper(&mut self, args: &[(usize, usize)], effects: bool) -> Value {
        let portish = matches!(self.arg_value(args, 0), Value::Str(v) if portish(&v));
        if effects && portish && args.len() >= 2 {
            self.default_candidate(args.get(1).copied(), "env default");
        }
        Value::Env { portish }
    }

    pub(super) fn config_default(&mut self, args: &[(usize, usize)], effects: bool) {
        if effects && args.len() == 2 && matches!(self.arg_value(args, 0), Value::Str(k) if portish(&k)) {
            self.default_candidate(args.get(1).copied(), "config default");
        }
    }

    /// `flag.String("addr", ":8080", ...)`, `fs.IntVar(&p, "port", 8080, ...)`, pflag's `...P`.
    pub(super) fn flag_call(&mut self, name: &str, args: &[(usize, usize)], effects: bool) -> Value {
        let mut base = name;
        let short = base.len() > 1 && base.ends_with('P');
        if short {
            base = &base[..base.len() - 1];
        }
        let var = base.ends_with("Var");
        if var {
            base = &base[..base.len() - 3];
        }
        let known = matches!(
            base,
            "String" | "Int" | "Int8" | "Int16" | "Int32" | "Int64" | "Uint" | "Uint8" | "Uint16" | "Uint32" | "Uint64"
        );
        if !known || !effects {
            return Value::Unknown;
        }
        let name_idx = usize::from(var);
        let default_idx = name_idx + 1 + usize::from(short);
        if matches!(self.arg_value(args, name_idx), Value::Str(f) if portish(&f)) {
            self.default_candidate(args.get(default_idx).copied(), "flag default");
        }
        Value::Unknown
    }
}
