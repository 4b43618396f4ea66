//! Serving and stopping: the calls that serve HTTP, the subscriptions to signals
//! (`signal.Notify`, `signal.NotifyContext`, known frameworks' signal handlers), the graceful
//! shutdowns of servers with the timeout of the context they are given, and the static
//! durations (`30 * time.Second`, constants, flag defaults) those timeouts are made of.

use super::analyzer::{Analyzer, MAX_DEPTH};
use super::lex::{Kind, parse_int};
use super::value::{Dur, Value};
use super::{Call, Shutdown, SignalSub};
use crate::parse::pos::Pos;

/// Packages whose function subscribes to SIGTERM for the program: (import path, functions).
const SIGNAL_RUNNERS: [(&str, &[&str]); 7] = [
    ("sigs.k8s.io/controller-runtime", &["SetupSignalHandler"]),
    ("sigs.k8s.io/controller-runtime/pkg/manager/signals", &["SetupSignalHandler"]),
    (
        "k8s.io/apiserver/pkg/server",
        &["SetupSignalHandler", "SetupSignalContext", "SetupSignalHandlerIgnoringFurtherSignals"],
    ),
    ("k8s.io/sample-controller/pkg/signals", &["SetupSignalHandler", "SetupSignalContext"]),
    ("knative.dev/pkg/signals", &["SetupSignalHandler", "NewContext"]),
    ("knative.dev/pkg/injection/sharedmain", &["Main", "MainWithContext", "MainWithConfig", "MainNamed"]),
    ("github.com/oklog/run", &["SignalHandler"]),
];

/// Packages that define SIGTERM (`syscall.SIGTERM`, `unix.SIGTERM`) and other signals.
fn signal_package(path: &str) -> bool {
    matches!(path, "syscall" | "golang.org/x/sys/unix" | "os")
}

/// A numeric value in the duration evaluator: an untyped number, or a duration in nanoseconds.
#[derive(Debug, Clone)]
enum Q {
    Num(f64),
    Dur(f64, Option<String>),
}

impl Q {
    fn flag(&self) -> Option<String> {
        match self {
            Q::Num(_) => None,
            Q::Dur(_, f) => f.clone(),
        }
    }
}

fn combine(a: Q, op: &str, b: Q) -> Option<Q> {
    let flag = a.flag().or_else(|| b.flag());
    let (x, xd) = match a {
        Q::Num(x) => (x, false),
        Q::Dur(x, _) => (x, true),
    };
    let (y, yd) = match b {
        Q::Num(y) => (y, false),
        Q::Dur(y, _) => (y, true),
    };
    let v = match op {
        "+" => x + y,
        "-" => x - y,
        // `time.Duration(n) * time.Second` is a Duration times a Duration: n seconds.
        "*" => x * y,
        "/" if y != 0.0 && !yd => x / y,
        _ => return None,
    };
    Some(if xd || yd { Q::Dur(v, flag) } else { Q::Num(v) })
}

/// Nanoseconds of a unit of package time.
fn time_unit(name: &str) -> Option<f64> {
    Some(match name {
        "Nanosecond" => 1.0,
        "Microsecond" => 1e3,
        "Millisecond" => 1e6,
        "Second" => 1e9,
        "Minute" => 6e10,
        "Hour" => 3.6e12,
        _ => return None,
    })
}

/// Go's `time.ParseDuration` for the forms configuration uses: `30s`, `1m30s`, `1.5h`, `500ms`.
pub(super) fn parse_go_duration(s: &str) -> Option<i64> {
    let s = s.trim();
    if s == "0" {
        return Some(0);
    }
    let mut rest = s;
    let mut total = 0f64;
    let mut any = false;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let n: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 6e10,
            "h" => 3.6e12,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += n * unit;
        any = true;
    }
    (any && total.is_finite() && total < 9.2e18).then_some(total as i64)
}

impl Analyzer<'_> {
    /// The duration the expression `[s, e)` evaluates to, statically: `+ - * /` of integer and
    /// float literals, package time's units, `time.Duration(x)`, parentheses, and names bound to
    /// integers or durations (constants, variables, flag defaults). `None` for anything else.
    pub(super) fn duration(&mut self, s: usize, e: usize) -> Option<Dur> {
        if self.depth > MAX_DEPTH {
            return None;
        }
        self.depth += 1;
        let got = self.q_sum(s, e);
        self.depth -= 1;
        let (q, end) = got?;
        if end != e {
            return None;
        }
        let (ns, flag) = match q {
            Q::Num(n) => (n, None),
            Q::Dur(n, f) => (n, f),
        };
        (ns.is_finite() && ns.abs() < 9.2e18).then_some(Dur { ns: ns as i64, flag })
    }

    fn q_sum(&mut self, s: usize, e: usize) -> Option<(Q, usize)> {
        let (mut acc, mut j) = self.q_term(s, e)?;
        while j < e && (self.is_op(j, "+") || self.is_op(j, "-")) {
            let op = self.text_of(j);
            let (next, k) = self.q_term(j + 1, e)?;
            acc = combine(acc, op, next)?;
            j = k;
        }
        Some((acc, j))
    }

    fn q_term(&mut self, s: usize, e: usize) -> Option<(Q, usize)> {
        let (mut acc, mut j) = self.q_factor(s, e)?;
        while j < e && (self.is_op(j, "*") || self.is_op(j, "/")) {
            let op = self.text_of(j);
            let (next, k) = self.q_factor(j + 1, e)?;
            acc = combine(acc, op, next)?;
            j = k;
        }
        Some((acc, j))
    }

    fn q_factor(&mut self, s: usize, e: usize) -> Option<(Q, usize)> {
        // `*timeout`: the value behind a flag's pointer.
        let mut s = s;
        while s < e && self.is_op(s, "*") {
            s += 1;
        }
        if s >= e || self.depth > MAX_DEPTH {
            return None;
        }
        if self.is_op(s, "(") {
            let close = self.close_of(s);
            if close >= e {
                return None;
            }
            self.depth += 1;
            let inner = self.q_sum(s + 1, close);
            self.depth -= 1;
            let (q, end) = inner?;
            return (end == close).then_some((q, close + 1));
        }
        match self.kind(s)? {
            Kind::Int => Some((Q::Num(parse_int(self.text_of(s))? as f64), s + 1)),
            Kind::Float => Some((Q::Num(self.text_of(s).replace('_', "").parse().ok()?), s + 1)),
            Kind::Ident if self.is_ident(s) => {
                let name = self.text_of(s);
                let value = self.resolve_ident(name, s);
                if self.is_op(s + 1, ".") && self.is_ident(s + 2) {
                    let Value::Pkg(path) = value else { return None };
                    if path != "time" {
                        return None;
                    }
                    let member = self.text_of(s + 2);
                    if member == "Duration" && self.is_op(s + 3, "(") {
                        let close = self.close_of(s + 3);
                        if close >= e {
                            return None;
                        }
                        self.depth += 1;
                        let inner = self.q_sum(s + 4, close);
                        self.depth -= 1;
                        let (q, end) = inner?;
                        if end != close {
                            return None;
                        }
                        let q = match q {
                            Q::Num(n) => Q::Dur(n, None),
                            d => d,
                        };
                        return Some((q, close + 1));
                    }
                    return Some((Q::Dur(time_unit(member)?, None), s + 3));
                }
                if self.is_op(s + 1, "(") || self.is_op(s + 1, ".") || self.is_op(s + 1, "[") {
                    return None;
                }
                match value {
                    Value::Int(n) => Some((Q::Num(n as f64), s + 1)),
                    Value::Duration(d) => Some((Q::Dur(d.ns as f64, d.flag), s + 1)),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// A value for a binding whose expression the evaluator did not know: a static duration.
    pub(super) fn duration_value(&mut self, value: Value, s: usize, e: usize) -> Value {
        match value {
            Value::Unknown => self.duration(s, e).map_or(Value::Unknown, Value::Duration),
            v => v,
        }
    }

    pub(super) fn serve(&mut self, pos: Pos, function: &str) {
        self.out.serves.push(Call { pos, function: function.to_string() });
    }

    /// `signal.Notify(c, sigs...)` / `signal.NotifyContext(ctx, sigs...)`: the signals are the
    /// arguments after the first; none means all of them. `signal.Ignore(sigs...)` (all its
    /// arguments): a program that ignores SIGTERM has decided what it does with it.
    pub(super) fn signal_notify(&mut self, pos: Pos, function: &str, args: &[(usize, usize)]) {
        let skip = usize::from(function != "signal.Ignore");
        let mut sigterm = Some(args.len() <= skip);
        for &(s, e) in args.iter().skip(skip) {
            let variadic = e > s && self.is_op(e - 1, "...");
            let v = if variadic { Value::Unknown } else { self.eval_expr(s, e, false) };
            match v {
                Value::Qual(p, name) if signal_package(&p) && name == "SIGTERM" => {
                    sigterm = Some(true);
                    break;
                }
                Value::Qual(p, name)
                    if signal_package(&p)
                        && (name.starts_with("SIG")
                            || (p == "os" && matches!(name.as_str(), "Interrupt" | "Kill"))) => {}
                _ => sigterm = None,
            }
        }
        self.out.signals.push(SignalSub { pos, function: function.to_string(), sigterm });
    }

    /// A call of a known framework's signal handler (`ctrl.SetupSignalHandler()`), which
    /// subscribes to SIGTERM for the program. Returns whether `path.name` is one.
    pub(super) fn signal_runner(&mut self, pos: Pos, path: &str, name: &str) -> bool {
        if !SIGNAL_RUNNERS.iter().any(|(p, fns)| *p == path && fns.contains(&name)) {
            return false;
        }
        let pkg = super::helpers::default_import_name(path);
        self.out.signals.push(SignalSub { pos, function: format!("{pkg}.{name}"), sigterm: Some(true) });
        true
    }

    /// `context.WithTimeout(parent, d)` and `context.WithDeadline(parent, time.Now().Add(d))`
    /// (and their `Cause` variants): a context whose deadline is `d` away, or the parent's if
    /// that is sooner. Only a parent known to be live counts (`context.Background()`, a context
    /// made from one): a parent that may be done already (the signal context that just fired)
    /// makes a context that is done at once.
    pub(super) fn context_deadline(&mut self, name: &str, args: &[(usize, usize)]) -> Value {
        let Some(&(s, e)) = args.get(1) else { return Value::Unknown };
        let d = match name {
            "WithTimeout" | "WithTimeoutCause" => self.duration(s, e),
            _ => self.now_add(s, e),
        };
        let Some(d) = d else { return Value::Unknown };
        match self.arg_value(args, 0) {
            Value::Deadline(p) if p.ns < d.ns => Value::Deadline(p),
            Value::Deadline(_) | Value::RootContext => Value::Deadline(d),
            _ => Value::Unknown,
        }
    }

    /// `time.Now().Add(d)`: `d`.
    fn now_add(&mut self, s: usize, e: usize) -> Option<Dur> {
        let is_time = matches!(self.resolve_ident(self.text_of(s), s), Value::Pkg(p) if p == "time");
        let shape = is_time
            && self.is_op(s + 1, ".")
            && self.text_of(s + 2) == "Now"
            && self.is_op(s + 3, "(")
            && self.is_op(s + 4, ")")
            && self.is_op(s + 5, ".")
            && self.text_of(s + 6) == "Add"
            && self.is_op(s + 7, "(");
        if !shape || self.close_of(s + 7) + 1 != e {
            return None;
        }
        self.duration(s + 8, e - 1)
    }

    /// A graceful shutdown given the context (or, for fiber's `ShutdownWithTimeout`, the
    /// duration) in `arg`.
    pub(super) fn shutdown(&mut self, name_tok: usize, function: &str, arg: Option<(usize, usize)>, is_duration: bool) {
        let pos = self.pos(name_tok);
        let (timeout, text) = match arg {
            Some((s, e)) => {
                let d = if is_duration {
                    self.duration(s, e)
                } else {
                    match self.eval_expr(s, e, false) {
                        Value::Deadline(d) => Some(d),
                        _ => None,
                    }
                };
                (d, self.source(s, e))
            }
            None => (None, String::new()),
        };
        let (timeout_ms, flag) = match timeout {
            Some(d) => (Some(d.ns / 1_000_000), d.flag),
            None => (None, None),
        };
        self.out.shutdowns.push(Shutdown { pos, function: function.to_string(), timeout_ms, flag, arg: text });
    }

    /// `flag.Duration("name", default, usage)` and `DurationVar(&v, "name", default, usage)`
    /// (also pflag's `P` forms): the default, remembering the flag. `DurationVar` binds the
    /// variable itself.
    pub(super) fn flag_duration(&mut self, name: &str, args: &[(usize, usize)], effects: bool) -> Value {
        let var = name.starts_with("DurationVar");
        let short = name.ends_with('P');
        let name_idx = usize::from(var);
        let default_idx = name_idx + 1 + usize::from(short);
        let Value::Str(flag) = self.arg_value(args, name_idx) else { return Value::Unknown };
        let Some((s, e)) = args.get(default_idx).copied() else { return Value::Unknown };
        let Some(mut d) = self.duration(s, e) else { return Value::Unknown };
        d.flag = Some(flag);
        if var {
            if effects
                && let Some(&(vs, ve)) = args.first()
                && self.is_op(vs, "&")
                && let Some(target) = self.plain_name(vs + 1, ve)
            {
                // Visible from here to the end of the file: flags are defined before they are read.
                let n = self.n();
                self.bind(&target, vs, n, Value::Duration(d));
            }
            return Value::Unknown;
        }
        Value::Duration(d)
    }

    /// `a` or `a.b.c` spanning exactly `[s, e)`.
    fn plain_name(&self, s: usize, e: usize) -> Option<String> {
        let mut name = String::new();
        for j in s..e {
            match self.text_of(j) {
                "." if j > s => name.push('.'),
                t if self.is_ident(j) => name.push_str(t),
                _ => return None,
            }
        }
        (!name.is_empty()).then_some(name)
    }
}
