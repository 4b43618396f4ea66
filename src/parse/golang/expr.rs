//! Expression evaluation: `+` of primary expressions, selector/call/index chains, composite
//! literals, and the calls of package functions (net/http, net, os, cmp, strconv, fmt, flag,
//! viper, the routers' constructors), of this file's functions and of untyped receivers.

use super::Call;
use super::analyzer::{Analyzer, DEFAULT_MUX, MAX_DEPTH};
use super::helpers::{looks_like_pattern, portish, sprintf};
use super::lex::{Kind, is_keyword, parse_int};
use super::shutdown::parse_go_duration;
use super::value::{Arg, Dur, EchoRef, Fw, Mount, Router, Value, is_fiber};

impl Analyzer<'_> {
    /// Evaluates the expression `[s, e)`: a primary expression, or a `+` of them.
    pub(super) fn eval_expr(&mut self, s: usize, e: usize, effects: bool) -> Value {
        if self.depth > MAX_DEPTH {
            return Value::Unknown;
        }
        self.depth += 1;
        let value = self.eval_sum(s, e, effects);
        self.depth -= 1;
        value
    }

    fn eval_sum(&mut self, s: usize, e: usize, effects: bool) -> Value {
        let skip_unary = |a: &Self, mut j: usize| {
            while j < e && a.kind(j) == Some(Kind::Op) && matches!(a.text_of(j), "&" | "*" | "+" | "!" | "^" | "<-") {
                j += 1;
            }
            j
        };
        let j = skip_unary(self, s);
        if j >= e {
            return Value::Unknown;
        }
        let negative = j < e && self.is_op(j, "-");
        let j = if negative { j + 1 } else { j };
        let (mut value, mut end) = self.eval_chain(j, e, effects);
        if negative {
            value = match value {
                Value::Int(n) => n.checked_neg().map_or(Value::Unknown, Value::Int),
                _ => Value::Unknown,
            };
        }
        while end < e {
            if !self.is_op(end, "+") {
                return Value::Unknown;
            }
            let k = skip_unary(self, end + 1);
            let (next, next_end) = self.eval_chain(k, e, effects);
            value = match (value, next) {
                (Value::Str(a), Value::Str(b)) => Value::Str(a + &b),
                (Value::Int(a), Value::Int(b)) => a.checked_add(b).map_or(Value::Unknown, Value::Int),
                _ => Value::Unknown,
            };
            end = next_end.max(end + 1);
        }
        value
    }

    /// Evaluates the primary expression starting at `s` (bounded by `e`): its operand and the
    /// selectors, calls, index expressions and composite literal that follow. Returns the value
    /// and the index after the expression. With `effects`, calls record their facts.
    pub(super) fn eval_chain(&mut self, s: usize, e: usize, effects: bool) -> (Value, usize) {
        if s >= e || s >= self.n() || self.depth > MAX_DEPTH {
            return (Value::Unknown, s + 1);
        }
        self.depth += 1;
        let result = self.chain(s, e, effects);
        self.depth -= 1;
        result
    }

    fn chain(&mut self, s: usize, e: usize, effects: bool) -> (Value, usize) {
        if effects {
            self.visited[s] = true;
        }
        let mut dotted: Option<String> = None;
        let (mut value, mut j) = match self.kind(s) {
            Some(Kind::Str | Kind::RawStr) => (self.str_value(s).map_or(Value::Unknown, Value::Str), s + 1),
            Some(Kind::Int) => (parse_int(self.text_of(s)).map_or(Value::Unknown, Value::Int), s + 1),
            Some(Kind::Ident) if self.text_of(s) == "func" => (Value::Unknown, self.sig(s).end.max(s + 1)),
            Some(Kind::Ident) if is_keyword(self.text_of(s)) => (Value::Unknown, s + 1),
            Some(Kind::Ident) => {
                let name = self.text_of(s);
                dotted = Some(name.to_string());
                (self.resolve_ident(name, s), s + 1)
            }
            Some(Kind::Op) if self.text_of(s) == "(" => {
                let close = self.close_of(s);
                (self.eval_expr(s + 1, close, effects), close.saturating_add(1))
            }
            Some(Kind::Op) if self.text_of(s) == "[" && self.is_op(s + 1, "]") && self.is_ident(s + 2) => {
                if self.is_op(s + 3, "{") {
                    let close = self.close_of(s + 3);
                    let items = self.split_commas(s + 4, close);
                    let values = items.into_iter().map(|(a, b)| self.eval_expr(a, b, false)).collect();
                    (Value::List(values), close.saturating_add(1))
                } else {
                    (Value::Unknown, s + 3)
                }
            }
            _ => (Value::Unknown, s + 1),
        };
        while j < e {
            if self.is_op(j, ".") {
                if self.is_ident(j + 1) {
                    let name = self.text_of(j + 1);
                    if self.is_op(j + 2, "(") {
                        let close = self.close_of(j + 2);
                        let args = self.split_commas(j + 3, close);
                        value = self.call_method(value, name, j + 1, &args, effects);
                        dotted = None;
                        j = close.saturating_add(1);
                        continue;
                    }
                    value = self.select(value, dotted.as_deref(), name, j + 1);
                    dotted = dotted.map(|d| format!("{d}.{name}"));
                    j += 2;
                    continue;
                }
                if self.is_op(j + 1, "(") {
                    // Type assertion.
                    value = Value::Unknown;
                    dotted = None;
                    j = self.close_of(j + 1).saturating_add(1);
                    continue;
                }
                break;
            } else if self.is_op(j, "(") {
                let close = self.close_of(j);
                let args = self.split_commas(j + 1, close);
                value = match dotted.as_deref() {
                    Some(name) if !name.contains('.') && value == Value::Unknown => {
                        self.call_func(name, &args, effects)
                    }
                    _ => Value::Unknown,
                };
                dotted = None;
                j = close.saturating_add(1);
            } else if self.is_op(j, "[") {
                value = Value::Unknown;
                dotted = None;
                j = self.close_of(j).saturating_add(1);
            } else if self.is_op(j, "{") && value == Value::Qual("net/http".into(), "Server".into()) {
                let close = self.close_of(j);
                value = if effects { self.server_literal(s, j, close) } else { Value::Unknown };
                dotted = None;
                j = close.saturating_add(1);
            } else {
                break;
            }
        }
        if let (true, Value::GRoute(g)) = (effects, &value) {
            let g = (**g).clone();
            self.record_groute(g);
        }
        (value, j)
    }

    fn select(&mut self, value: Value, dotted: Option<&str>, name: &str, at: usize) -> Value {
        match value {
            Value::Pkg(path) => match (path.as_str(), name) {
                ("net/http", "DefaultServeMux") => {
                    Value::Router(Router { fw: Fw::NetHttp, prefix: String::new(), known: true, root: DEFAULT_MUX })
                }
                ("flag" | "github.com/spf13/pflag", "CommandLine") => Value::FlagSet,
                ("net/http", m)
                    if matches!(
                        m,
                        "MethodGet"
                            | "MethodHead"
                            | "MethodPost"
                            | "MethodPut"
                            | "MethodPatch"
                            | "MethodDelete"
                            | "MethodConnect"
                            | "MethodOptions"
                            | "MethodTrace"
                    ) =>
                {
                    Value::Str(m["Method".len()..].to_ascii_uppercase())
                }
                _ => Value::Qual(path, name.to_string()),
            },
            _ => {
                if let Some(b) = dotted.and_then(|d| self.lookup(&format!("{d}.{name}"), at)) {
                    return b.value.clone();
                }
                if let Value::Router(r) = &value
                    && r.fw == Fw::Echo
                    && matches!(name, "Server" | "TLSServer")
                {
                    return Value::EchoServer(EchoRef::of(r), name == "TLSServer");
                }
                if dotted.is_none() {
                    return Value::Unknown;
                }
                self.field_types.get(name).cloned().unwrap_or(Value::Unknown)
            }
        }
    }

    /// An argument as a string: resolved, or its source text.
    pub(super) fn arg(&mut self, region: (usize, usize)) -> Arg {
        let pos = self.pos(region.0);
        match self.eval_expr(region.0, region.1, false) {
            Value::Str(text) => Arg { text, resolved: true, pos },
            _ => Arg { text: self.source(region.0, region.1), resolved: false, pos },
        }
    }

    pub(super) fn arg_value(&mut self, args: &[(usize, usize)], k: usize) -> Value {
        match args.get(k) {
            Some(&(s, e)) => self.eval_expr(s, e, false),
            None => Value::Unknown,
        }
    }

    fn call_method(
        &mut self,
        recv: Value,
        name: &str,
        name_tok: usize,
        args: &[(usize, usize)],
        effects: bool,
    ) -> Value {
        match recv {
            Value::Pkg(path) => self.pkg_call(&path, name, name_tok, args, effects),
            Value::Router(r) if !(r.fw == Fw::Echo && name == "Shutdown") => {
                self.router_call(&r, name, name_tok, args, effects)
            }
            Value::GRoute(g) => self.groute_call(*g, name, args, effects),
            Value::FlagSet => self.flag_call(name, args, effects),
            Value::Server(_) | Value::HttpServer => self.server_call(name, name_tok, args, effects),
            Value::FiberApp => self.fiber_call(name, name_tok, args, effects),
            Value::Router(r) if r.fw == Fw::Echo && name == "Shutdown" => {
                if effects {
                    self.shutdown(name_tok, "echo.Shutdown", args.first().copied(), false);
                }
                Value::Unknown
            }
            Value::EchoServer(..)
            | Value::Duration(_)
            | Value::Deadline(_)
            | Value::RootContext
            | Value::Env { .. }
            | Value::Str(_)
            | Value::Int(_)
            | Value::List(_) => Value::Unknown,
            _ => self.unknown_call(name, name_tok, args, effects),
        }
    }

    fn pkg_call(&mut self, path: &str, name: &str, name_tok: usize, args: &[(usize, usize)], effects: bool) -> Value {
        let call_pos = self.pos(name_tok.saturating_sub(2));
        match (path, name) {
            ("net/http", "Handle" | "HandleFunc") => {
                let mux = Router { fw: Fw::NetHttp, prefix: String::new(), known: true, root: DEFAULT_MUX };
                self.router_call(&mux, name, name_tok, args, effects)
            }
            ("net/http", "NewServeMux") => self.new_router(Fw::NetHttp),
            ("net/http", "ListenAndServe" | "ListenAndServeTLS" | "Serve" | "ServeTLS") => {
                if effects {
                    self.out.default_server_calls.push(Call { pos: call_pos, function: format!("http.{name}") });
                    self.serve(call_pos, &format!("http.{name}"));
                    if name.starts_with("Listen")
                        && let Some(&(s, e)) = args.first()
                    {
                        self.listen_from(s, e, "ListenAndServe");
                    }
                }
                Value::Unknown
            }
            ("net/http", "StripPrefix") => {
                let (Value::Str(prefix), handler) = (self.arg_value(args, 0), self.arg_value(args, 1)) else {
                    return Value::Unknown;
                };
                match handler {
                    Value::Router(r) => Value::Strip(prefix, Mount::Root(r.root)),
                    Value::FnResult(f) => Value::Strip(prefix, Mount::Func(f)),
                    _ => Value::Unknown,
                }
            }
            ("net" | "crypto/tls", "Listen") => {
                if effects && let Some(&(s, e)) = args.get(1) {
                    self.listen_from(s, e, "net.Listen");
                }
                Value::Unknown
            }
            ("net", "JoinHostPort") => match (self.arg_value(args, 0), self.arg_value(args, 1)) {
                (Value::Str(h), Value::Str(p)) if h.contains(':') => Value::Str(format!("[{h}]:{p}")),
                (Value::Str(h), Value::Str(p)) => Value::Str(format!("{h}:{p}")),
                _ => Value::Unknown,
            },
            ("os", "Getenv" | "LookupEnv") => {
                let portish = matches!(self.arg_value(args, 0), Value::Str(v) if portish(&v));
                Value::Env { portish }
            }
            ("cmp", "Or") => self.cmp_or(args, effects),
            ("strconv", "Itoa" | "FormatInt") => match self.arg_value(args, 0) {
                Value::Int(n) => Value::Str(n.to_string()),
                _ => Value::Unknown,
            },
            ("fmt", "Sprintf") => {
                let values: Vec<Value> = (0..args.len()).map(|k| self.arg_value(args, k)).collect();
                match values.split_first() {
                    Some((Value::Str(f), rest)) => sprintf(f, rest).map_or(Value::Unknown, Value::Str),
                    _ => Value::Unknown,
                }
            }
            ("strconv", _) | ("strings", _) => {
                // Conversions and trimming keep "this came from the environment".
                match self.arg_value(args, 0) {
                    env @ Value::Env { .. } => env,
                    _ => Value::Unknown,
                }
            }
            ("os/signal", "Notify" | "NotifyContext" | "Ignore") => {
                if effects {
                    self.signal_notify(call_pos, &format!("signal.{name}"), args);
                }
                Value::Unknown
            }
            ("context", "Background" | "TODO" | "WithoutCancel") => Value::RootContext,
            ("context", "WithTimeout" | "WithTimeoutCause" | "WithDeadline" | "WithDeadlineCause") => {
                self.context_deadline(name, args)
            }
            ("time", "ParseDuration") => match self.arg_value(args, 0) {
                Value::Str(d) => {
                    parse_go_duration(&d).map_or(Value::Unknown, |ns| Value::Duration(Dur { ns, flag: None }))
                }
                _ => Value::Unknown,
            },
            ("flag" | "github.com/spf13/pflag", "Duration" | "DurationP" | "DurationVar" | "DurationVarP") => {
                self.flag_duration(name, args, effects)
            }
            (p, "New") if is_fiber(p) => Value::FiberApp,
            ("flag" | "github.com/spf13/pflag", "NewFlagSet") => Value::FlagSet,
            ("flag" | "github.com/spf13/pflag", _) => self.flag_call(name, args, effects),
            ("github.com/spf13/viper", "SetDefault") => {
                self.config_default(args, effects);
                Value::Unknown
            }
            _ if effects && self.signal_runner(call_pos, path, name) => Value::Unknown,
            _ => match (Fw::of_import(path), name) {
                (Some(Fw::Gorilla), "NewRouter") => self.new_router(Fw::Gorilla),
                (Some(Fw::Chi), "NewRouter" | "NewMux") => self.new_router(Fw::Chi),
                (Some(Fw::Gin), "New" | "Default") => self.new_router(Fw::Gin),
                (Some(Fw::Echo), "New") => self.new_router(Fw::Echo),
                _ => Value::Unknown,
            },
        }
    }

    /// A method of an `http.Server`: serving, or shutting down.
    fn server_call(&mut self, name: &str, name_tok: usize, args: &[(usize, usize)], effects: bool) -> Value {
        if !effects {
            return Value::Unknown;
        }
        match name {
            "ListenAndServe" | "ListenAndServeTLS" | "Serve" | "ServeTLS" => {
                let pos = self.pos(name_tok);
                self.serve(pos, &format!("http.Server.{name}"));
            }
            "Shutdown" => self.shutdown(name_tok, "http.Server.Shutdown", args.first().copied(), false),
            _ => {}
        }
        Value::Unknown
    }

    /// A method of a fiber app: serving, or shutting down.
    fn fiber_call(&mut self, name: &str, name_tok: usize, args: &[(usize, usize)], effects: bool) -> Value {
        if !effects {
            return Value::Unknown;
        }
        match name {
            "Listen" | "ListenTLS" | "ListenMutualTLS" | "Listener" => {
                let pos = self.pos(name_tok);
                self.serve(pos, &format!("fiber.{name}"));
            }
            "ShutdownWithTimeout" => self.shutdown(name_tok, "fiber.ShutdownWithTimeout", args.first().copied(), true),
            "ShutdownWithContext" => self.shutdown(name_tok, "fiber.ShutdownWithContext", args.first().copied(), false),
            _ => {}
        }
        Value::Unknown
    }

    fn call_func(&mut self, name: &str, args: &[(usize, usize)], effects: bool) -> Value {
        if name == "new" && args.len() == 1 {
            let (s, e) = args[0];
            if let Value::Qual(p, t) = self.eval_expr(s, e, false)
                && p == "net/http"
                && t == "Server"
            {
                return if effects { self.new_server(s, Vec::new()) } else { Value::Unknown };
            }
            return Value::Unknown;
        }
        if name.to_ascii_lowercase().contains("env") && !args.is_empty() {
            return self.env_helper(args, effects);
        }
        Value::FnResult(name.to_string())
    }

    fn unknown_call(&mut self, name: &str, name_tok: usize, args: &[(usize, usize)], effects: bool) -> Value {
        match name {
            "Flags" | "PersistentFlags" | "LocalFlags" if args.is_empty() => return Value::FlagSet,
            "SetDefault" => {
                self.config_default(args, effects);
                return Value::Unknown;
            }
            // On a receiver we cannot type, only net/http's methods of that name count.
            "ListenAndServe" | "ListenAndServeTLS" if self.has_import(Fw::NetHttp) => {
                if effects {
                    let pos = self.pos(name_tok);
                    self.serve(pos, &format!("http.Server.{name}"));
                }
                return Value::Unknown;
            }
            _ => {}
        }
        if name.to_ascii_lowercase().contains("env") && !args.is_empty() {
            return self.env_helper(args, effects);
        }
        // A route registration on a receiver we cannot type: only with a constant path argument
        // and the framework imported.
        const CHI_VERBS: [&str; 9] = ["Get", "Post", "Put", "Patch", "Delete", "Head", "Options", "Connect", "Trace"];
        const UPPER_VERBS: [&str; 9] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"];
        let fw = match name {
            "HandleFunc" | "Handle" if args.len() >= 2 => Some(if self.has_import(Fw::Gorilla) {
                Fw::Gorilla
            } else if self.has_import(Fw::Chi) {
                Fw::Chi
            } else {
                Fw::NetHttp
            }),
            n if CHI_VERBS.contains(&n) && args.len() >= 2 && self.has_import(Fw::Chi) => Some(Fw::Chi),
            n if UPPER_VERBS.contains(&n) && args.len() >= 2 && self.has_import(Fw::Gin) => Some(Fw::Gin),
            n if UPPER_VERBS.contains(&n) && args.len() >= 2 && self.has_import(Fw::Echo) => Some(Fw::Echo),
            _ => None,
        };
        // The handler argument must look like one (`nil` or a literal is not: `cache.Get("/x", nil)`).
        let handler_like = args.last().is_some_and(|&(s, e)| {
            !(e == s + 1
                && (self.text_of(s) == "nil"
                    || matches!(self.kind(s), Some(Kind::Str | Kind::RawStr | Kind::Int | Kind::Float | Kind::Char))))
        });
        if let (Some(fw), true) = (fw, handler_like) {
            if matches!(self.arg_value(args, 0), Value::Str(p) if looks_like_pattern(&p)) {
                let root = self.fresh_root();
                let r = Router { fw, prefix: String::new(), known: false, root };
                return self.router_call(&r, name, 0, args, effects);
            }
            return Value::Unknown;
        }
        Value::FnResult(name.to_string())
    }
}
