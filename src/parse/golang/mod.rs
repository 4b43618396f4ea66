//! Go source facts for the cross-file rules: the package name and imports, the HTTP routes a file
//! registers (stdlib `ServeMux`, gorilla/mux, chi, gin, echo), the addresses and ports it listens
//! on, the `http.Server` literals it builds (with the fields they set, and the fields assigned to
//! the server afterwards), and its calls of the package-level `http.ListenAndServe` & co, which
//! serve with a timeout-less default server (also gin's `Run` and echo's `Start`, which start one
//! of their own); every call that serves HTTP, the subscriptions to signals (with whether SIGTERM
//! is among them) and the graceful shutdowns of servers with their statically known timeout
//! (`shutdown.rs`). Every fact carries a [`Pos`] (1-based line, column in characters).
//!
//! Hand-written on purpose: a lexer that follows Go's token rules (line and general comments, raw
//! strings spanning lines, interpreted strings and runes with escapes, number literals, longest-
//! match operators, and the automatic-semicolon rule, which gives us statement ends) and, over the
//! tokens, a small evaluator of Go's primary expressions (`a.b(c).d[e]`, `+` concatenation,
//! composite literals of the few types we care about) with bracket matching and block-scoped
//! bindings. tree-sitter-go needs a C toolchain and yields a concrete syntax tree that we would
//! still have to walk and interpret the same way. `gosyn` (the maintained pure-Rust Go parser on
//! crates.io) parses the standard library well, but it returns no tree at all for a file with one
//! syntax error, where this module must keep going on partial code, and its AST still leaves all of
//! the work below (resolving selectors through import aliases, string constants, router variables,
//! group prefixes, env/flag defaults) to us. None of that needs full syntax, so a token-level
//! approach costs less and degrades gracefully.
//!
//! What is resolved, and how far:
//! - Selectors go through the import table, so `nethttp "net/http"` is still net/http and a
//!   `grpc.Server{}` is not an `http.Server`.
//! - Identifiers resolve through bindings with block scope: `const`/`var` declarations (package
//!   level ones also before their declaration), `:=` and `=` assignments, function parameters
//!   (their types give routers: `r chi.Router`, `mux *http.ServeMux`) and struct field types (a
//!   `router *mux.Router` field makes `s.router` a gorilla router, prefix unknown).
//! - String values: literals, constants and variables initialised with literals, `+` of those,
//!   `strconv.Itoa`, `net.JoinHostPort` and simple `fmt.Sprintf`. Anything else is reported as
//!   unresolved with its source text, never guessed.
//! - Route prefixes: gin/echo `Group`, chi `Route`/`Group`/`With`, gorilla
//!   `PathPrefix(..).Subrouter()`, and a router mounted with chi `Mount` or `http.StripPrefix`
//!   (directly or through a function of this file that returns it). A router whose prefix cannot
//!   be known (a parameter, a field) marks its routes `unknown_prefix`. A router built and returned
//!   by a function is taken as mounted at the root unless this file mounts it elsewhere (the mount
//!   itself, in any file, is reported as a `subtree` route).
//! - Ports: the literal at a listen call (also gin `Run`, echo `Start`; gin's `:8080` for a `Run()`
//!   without an address) or `Addr` field, and
//!   defaults next to the configuration of a port or address (the name must end in
//!   port/addr/listen, give or take `_DEFAULT`-like qualifiers): env-with-default patterns,
//!   `cmp.Or`, `getEnv("PORT", "8080")` helpers, `flag`/pflag defaults, viper `SetDefault`,
//!   struct tags (`envDefault:"8080"`, `default:"8080"`) and constants such as `DefaultPort = 8080`.
//!   Each candidate says how it was found; a port is only ever read from a literal.
//!
//! Work is linear in the input apart from scope look-ups; recursion is depth-limited, and nothing
//! here indexes out of bounds on malformed input: [`parse`] never fails and never panics.

mod analyzer;
mod decl;
mod expr;
mod helpers;
mod lex;
mod listen;
mod routes;
mod shutdown;
#[cfg(test)]
mod tests;
mod value;

use serde::Serialize;

use super::pos::Pos;
use analyzer::Analyzer;
use lex::lex;

/// The facts of one Go source file.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct GoFile {
    /// The `package` clause's name; empty when the file has none.
    pub package: String,
    pub imports: Vec<Import>,
    pub routes: Vec<Route>,
    /// Candidate listen addresses and ports, each with how it was found.
    pub listens: Vec<Listen>,
    /// `http.Server{...}` literals (also `new(http.Server)` and `var s http.Server`).
    pub servers: Vec<ServerLiteral>,
    /// Calls of `http.ListenAndServe`, `http.ListenAndServeTLS`, `http.Serve` and `http.ServeTLS`,
    /// which use a server without timeouts (`function` is spelled with `http.` whatever the
    /// alias), of gin's `Run`/`RunTLS` (`gin.Run`), which is `http.ListenAndServe` inside, and of
    /// echo's `Start`, `StartTLS`, `StartAutoTLS` and `StartH2CServer` (`echo.Start`; echo v3/v4),
    /// which serve with the instance's `e.Server` (`e.TLSServer` for the TLS ones), created
    /// without timeouts: unless the file assigns that server's `ReadHeaderTimeout` or
    /// `ReadTimeout`, or replaces it (`e.Server = srv`).
    pub default_server_calls: Vec<Call>,
    /// Every call that serves HTTP: `http.ListenAndServe`, `http.ListenAndServeTLS`, `http.Serve`
    /// and `http.ServeTLS`; the same methods of an `http.Server` (a literal, or a value typed
    /// `http.Server`), and `ListenAndServe`/`ListenAndServeTLS` on any receiver in a file that
    /// imports net/http; gin's `Run`/`RunTLS`, echo's `Start`s and fiber's `Listen`,
    /// `ListenTLS`, `ListenMutualTLS` and `Listener`. At the package name of a package function,
    /// at the method name of a method.
    pub serves: Vec<Call>,
    /// Subscriptions to signals: `signal.Notify`/`signal.NotifyContext` (and `signal.Ignore`, a
    /// decision about them too), and the graceful runners of known frameworks
    /// (controller-runtime's `SetupSignalHandler`, ...).
    pub signals: Vec<SignalSub>,
    /// Graceful shutdowns of HTTP servers (`Server.Shutdown(ctx)`, echo's `Shutdown`, fiber's
    /// `ShutdownWithTimeout`/`ShutdownWithContext`), with the timeout when it is known.
    pub shutdowns: Vec<Shutdown>,
    /// Whether this is a `_test.go` file. [`parse`] cannot know and leaves it false; the caller,
    /// which has the path, sets it.
    pub is_test: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Import {
    #[serde(flatten)]
    pub pos: Pos,
    pub path: String,
    /// The explicit name (`nethttp`, `_`, `.`), if any.
    pub alias: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Route {
    /// Position of the path argument.
    #[serde(flatten)]
    pub pos: Pos,
    /// As registered, with the statically known group/mount prefixes applied: `GET /health`,
    /// `/v1/users`. For an unresolved path, the argument's source text.
    pub pattern: String,
    /// `GET` from `"GET /health"`, `r.Get`, `r.GET`, `.Methods("GET")`; `None` for any method.
    pub method: Option<String>,
    /// The path part only (no method, no host), prefixes applied: `/health`.
    pub path: String,
    /// `net/http`, `gorilla`, `chi`, `gin` or `echo`.
    pub framework: String,
    /// The registration serves the whole subtree under `path`: a net/http pattern ending in `/`
    /// or `{x...}`, gorilla `PathPrefix`, chi `Mount`, a `/*` wildcard, gin/echo `Static`.
    pub subtree: bool,
    /// The router's own prefix is not statically known (it is a parameter or a struct field, or it
    /// was built from a non-constant prefix): the route may be served under some prefix.
    pub unknown_prefix: bool,
    /// The path argument is not a string constant of this file; `pattern` and `path` hold its
    /// source text.
    pub unresolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listen {
    /// Position of the literal (or of the unresolved expression).
    #[serde(flatten)]
    pub pos: Pos,
    /// The literal as written (`:8080`, `8080`, `0.0.0.0:8080`), or the source text of an
    /// unresolved address expression.
    pub addr: String,
    /// The port the literal names; `None` when it names none (`:http`, `:0`, unresolved).
    pub port: Option<u16>,
    /// `ListenAndServe`, `net.Listen`, `Server.Addr`, `env default`, `flag default`, `const`,
    /// `field default` (a keyed literal or assignment such as `Port: 8080`), `config default`
    /// (viper `SetDefault`), `gin default` (gin's `Run()` without an address: `$PORT`, else
    /// `:8080`; at the `Run`).
    pub how: String,
    /// The address of a listen call or `Addr` field is not a constant of this file.
    pub unresolved: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerLiteral {
    /// Position of the type (`http` in `&http.Server{`).
    #[serde(flatten)]
    pub pos: Pos,
    /// The keyed fields the literal sets, in source order.
    pub fields: Vec<String>,
    /// Fields assigned to the server afterwards in the same scope (`srv.ReadHeaderTimeout = ...`).
    pub assigned_later: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Call {
    #[serde(flatten)]
    pub pos: Pos,
    /// `http.ListenAndServe`, `http.ListenAndServeTLS`, `http.Serve`, `http.ServeTLS`, `gin.Run`,
    /// `gin.RunTLS`, `echo.Start`, `echo.StartTLS`, `echo.StartAutoTLS` or `echo.StartH2CServer`.
    pub function: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalSub {
    #[serde(flatten)]
    pub pos: Pos,
    /// `signal.Notify`, `signal.NotifyContext`, `signal.Ignore`, or the runner (`ctrl.SetupSignalHandler`,
    /// spelled with the package's default name).
    pub function: String,
    /// Whether SIGTERM is among the signals: `Some(true)` when it is listed (`syscall.SIGTERM`,
    /// `unix.SIGTERM`) or no signal is (all of them), and for a runner; `Some(false)` when every
    /// signal is a known other one (`os.Interrupt`, `syscall.SIGINT`, ...); `None` when some
    /// signal is not a constant of this file (`sigs...`, a variable).
    pub sigterm: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Shutdown {
    /// Position of the method name.
    #[serde(flatten)]
    pub pos: Pos,
    /// `http.Server.Shutdown`, `echo.Shutdown`, `fiber.ShutdownWithTimeout`,
    /// `fiber.ShutdownWithContext`.
    pub function: String,
    /// The timeout of the context passed (or fiber's timeout), in milliseconds: statically known
    /// from `context.WithTimeout(ctx, 30*time.Second)` (or `WithDeadline(ctx, time.Now().Add(d))`)
    /// with a constant, a variable or constant of this file, or a flag's default; `None` otherwise.
    pub timeout_ms: Option<i64>,
    /// The flag whose default the timeout is, if it is one.
    pub flag: Option<String>,
    /// The argument's source text.
    pub arg: String,
}

/// Extracts the facts of one Go source file. Tolerates syntax errors and partial code.
pub fn parse(text: &str) -> GoFile {
    let toks = lex(text);
    let mut analyzer = Analyzer::new(text, toks);
    analyzer.run();
    analyzer.finish()
}
