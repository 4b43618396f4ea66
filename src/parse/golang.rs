//! Go source facts for the cross-file rules: the package name and imports, the HTTP routes a file
//! registers (stdlib `ServeMux`, gorilla/mux, chi, gin, echo), the addresses and ports it listens
//! on, the `http.Server` literals it builds (with the fields they set, and the fields assigned to
//! the server afterwards), and its calls of the package-level `http.ListenAndServe` & co, which
//! serve with a timeout-less default server. Every fact carries a [`Pos`] (1-based line, column in
//! characters).
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
//! - Ports: the literal at a listen call (also gin `Run`, echo `Start`) or `Addr` field, and
//!   defaults next to the configuration of a port or address (the name must end in
//!   port/addr/listen, give or take `_DEFAULT`-like qualifiers): env-with-default patterns,
//!   `cmp.Or`, `getEnv("PORT", "8080")` helpers, `flag`/pflag defaults, viper `SetDefault`,
//!   struct tags (`envDefault:"8080"`, `default:"8080"`) and constants such as `DefaultPort = 8080`.
//!   Each candidate says how it was found; a port is only ever read from a literal.
//!
//! Work is linear in the input apart from scope look-ups; recursion is depth-limited, and nothing
//! here indexes out of bounds on malformed input: [`parse`] never fails and never panics.

use std::collections::HashMap;

use serde::Serialize;

use super::pos::Pos;

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
    /// alias), and of gin's `Run`/`RunTLS` (`gin.Run`), which is `http.ListenAndServe` inside.
    pub default_server_calls: Vec<Call>,
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
    /// (viper `SetDefault`).
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
    /// `http.ListenAndServe`, `http.ListenAndServeTLS`, `http.Serve`, `http.ServeTLS`, `gin.Run`
    /// or `gin.RunTLS`.
    pub function: String,
}

/// Extracts the facts of one Go source file. Tolerates syntax errors and partial code.
pub fn parse(text: &str) -> GoFile {
    let toks = lex(text);
    let mut analyzer = Analyzer::new(text, toks);
    analyzer.run();
    analyzer.finish()
}

// ---------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ident,
    Int,
    Float,
    Char,
    Str,
    RawStr,
    Op,
    /// A character that is no Go token (`#`, `$`, `?`, `\`, ...).
    Other,
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    pos: Pos,
    /// A newline (or a general comment containing one) separates this token from the previous.
    nl_before: bool,
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    i: usize,
    line: u32,
    col: u32,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<char> {
        match self.bytes.get(self.i) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.text.get(self.i..).and_then(|s| s.chars().next()),
            None => None,
        }
    }

    /// The byte `n` bytes ahead (0 past the end). Only compared with ASCII, which is safe in UTF-8.
    fn byte(&self, n: usize) -> u8 {
        self.bytes.get(self.i + n).copied().unwrap_or(0)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += c.len_utf8();
        if c == '\n' {
            self.line += 1;
            self.col = 1;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn pos(&self) -> Pos {
        Pos::new(self.line, self.col)
    }
}

fn is_letter(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// Length of the Go operator or punctuation at the start of `b`, longest match first.
fn op_len(b: &[u8]) -> usize {
    const THREE: [&[u8]; 4] = [b"<<=", b">>=", b"&^=", b"..."];
    const TWO: [&[u8]; 21] = [
        b"&&", b"||", b"<-", b"++", b"--", b"==", b"!=", b"<=", b">=", b":=", b"+=", b"-=", b"*=", b"/=", b"%=", b"&=",
        b"|=", b"^=", b"<<", b">>", b"&^",
    ];
    if THREE.iter().any(|op| b.starts_with(op)) {
        3
    } else if TWO.iter().any(|op| b.starts_with(op)) {
        2
    } else if b.first().is_some_and(|c| b"+-*/%&|^<>=!()[]{},;.:~".contains(c)) {
        1
    } else {
        0
    }
}

fn lex(text: &str) -> Vec<Tok> {
    let mut cur = Cursor { text, bytes: text.as_bytes(), i: 0, line: 1, col: 1 };
    let mut toks = Vec::with_capacity(text.len() / 5);
    let mut nl = false;
    while let Some(c) = cur.peek() {
        if c == '\n' {
            nl = true;
            cur.bump();
            continue;
        }
        if c.is_whitespace() || c == '\u{feff}' {
            cur.bump();
            continue;
        }
        if c == '/' && cur.byte(1) == b'/' {
            while cur.peek().is_some_and(|c| c != '\n') {
                cur.bump();
            }
            continue;
        }
        if c == '/' && cur.byte(1) == b'*' {
            cur.bump();
            cur.bump();
            while let Some(c) = cur.peek() {
                if c == '*' && cur.byte(1) == b'/' {
                    cur.bump();
                    cur.bump();
                    break;
                }
                nl |= c == '\n';
                cur.bump();
            }
            continue;
        }
        let start = cur.i;
        let pos = cur.pos();
        let kind = if is_letter(c) {
            while cur.peek().is_some_and(|c| is_letter(c) || c.is_alphanumeric()) {
                cur.bump();
            }
            Kind::Ident
        } else if c.is_ascii_digit() || (c == '.' && cur.byte(1).is_ascii_digit()) {
            lex_number(&mut cur)
        } else if c == '"' || c == '\'' {
            lex_quoted(&mut cur, c);
            if c == '"' { Kind::Str } else { Kind::Char }
        } else if c == '`' {
            cur.bump();
            while let Some(c) = cur.bump() {
                if c == '`' {
                    break;
                }
            }
            Kind::RawStr
        } else {
            match op_len(&cur.bytes[cur.i..]) {
                0 => {
                    cur.bump();
                    Kind::Other
                }
                n => {
                    for _ in 0..n {
                        cur.bump();
                    }
                    Kind::Op
                }
            }
        };
        toks.push(Tok { kind, start, end: cur.i, pos, nl_before: nl });
        nl = false;
    }
    toks
}

fn lex_number(cur: &mut Cursor) -> Kind {
    let hex = cur.byte(0) == b'0' && matches!(cur.byte(1), b'x' | b'X');
    let mut float = false;
    while let Some(c) = cur.peek() {
        let exponent = if hex { matches!(c, 'p' | 'P') } else { matches!(c, 'e' | 'E' | 'p' | 'P') };
        if exponent {
            float = true;
            cur.bump();
            if matches!(cur.peek(), Some('+' | '-')) {
                cur.bump();
            }
        } else if c == '.' {
            float = true;
            cur.bump();
        } else if c.is_ascii_alphanumeric() || c == '_' {
            float |= c == 'i';
            cur.bump();
        } else {
            break;
        }
    }
    if float { Kind::Float } else { Kind::Int }
}

/// An interpreted string or rune literal; stops (unterminated) at a newline.
fn lex_quoted(cur: &mut Cursor, quote: char) {
    cur.bump();
    while let Some(c) = cur.peek() {
        match c {
            '\n' => break,
            '\\' => {
                cur.bump();
                if cur.peek().is_some_and(|c| c != '\n') {
                    cur.bump();
                }
            }
            _ => {
                cur.bump();
                if c == quote {
                    break;
                }
            }
        }
    }
}

/// The value of an interpreted string literal's body (between the quotes): Go's escapes
/// decoded, invalid UTF-8 from byte escapes replaced.
fn unescape(body: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            let mut buf = [0; 4];
            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let Some(&(_, e)) = chars.peek() else {
            out.push(b'\\');
            break;
        };
        let simple = match e {
            'a' => Some(7),
            'b' => Some(8),
            'f' => Some(12),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            'v' => Some(11),
            '\\' => Some(b'\\'),
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            _ => None,
        };
        if let Some(b) = simple {
            chars.next();
            out.push(b);
            continue;
        }
        let (len, radix) = match e {
            'x' => (2, 16),
            'u' => (4, 16),
            'U' => (8, 16),
            '0'..='7' => (3, 8),
            _ => (0, 0),
        };
        let digits_at = if radix == 8 { i + 1 } else { i + 2 };
        let digits = body.get(digits_at..digits_at + len).filter(|d| d.chars().all(|c| c.is_digit(radix)));
        match (digits, u32::from_str_radix(digits.unwrap_or(""), radix.max(2))) {
            (Some(d), Ok(v)) => {
                // Skip the escape letter (not for octal) and the digits.
                for _ in 0..d.len() + usize::from(radix != 8) {
                    chars.next();
                }
                if matches!(e, 'u' | 'U') {
                    let ch = char::from_u32(v).unwrap_or('\u{fffd}');
                    let mut buf = [0; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                } else {
                    out.push(u8::try_from(v).unwrap_or(b'?'));
                }
            }
            _ => out.push(b'\\'), // invalid escape: keep it as written
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The value of a Go integer literal (decimal, 0x, 0o, 0b, legacy octal, `_` separators).
fn parse_int(lit: &str) -> Option<i64> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    let (digits, radix) = match s.get(..2) {
        Some("0x" | "0X") => (&s[2..], 16),
        Some("0o" | "0O") => (&s[2..], 8),
        Some("0b" | "0B") => (&s[2..], 2),
        _ if s.len() > 1 && s.starts_with('0') => (&s[1..], 8),
        _ => (&s[..], 10),
    };
    i64::from_str_radix(digits, radix).ok()
}

const KEYWORDS: [&str; 25] = [
    "break",
    "case",
    "chan",
    "const",
    "continue",
    "default",
    "defer",
    "else",
    "fallthrough",
    "for",
    "func",
    "go",
    "goto",
    "if",
    "import",
    "interface",
    "map",
    "package",
    "range",
    "return",
    "select",
    "struct",
    "switch",
    "type",
    "var",
];

fn is_keyword(s: &str) -> bool {
    KEYWORDS.contains(&s)
}

// ---------------------------------------------------------------------------------------------
// Values and helpers

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fw {
    NetHttp,
    Gorilla,
    Chi,
    Gin,
    Echo,
}

impl Fw {
    fn name(self) -> &'static str {
        match self {
            Fw::NetHttp => "net/http",
            Fw::Gorilla => "gorilla",
            Fw::Chi => "chi",
            Fw::Gin => "gin",
            Fw::Echo => "echo",
        }
    }

    fn of_import(path: &str) -> Option<Fw> {
        match path {
            "net/http" => Some(Fw::NetHttp),
            "github.com/gorilla/mux" => Some(Fw::Gorilla),
            "github.com/gin-gonic/gin" => Some(Fw::Gin),
            p if p == "github.com/go-chi/chi" || is_major_version_of(p, "github.com/go-chi/chi") => Some(Fw::Chi),
            p if p == "github.com/labstack/echo" || is_major_version_of(p, "github.com/labstack/echo") => {
                Some(Fw::Echo)
            }
            _ => None,
        }
    }
}

/// `base/vN`.
fn is_major_version_of(path: &str, base: &str) -> bool {
    path.strip_prefix(base)
        .and_then(|rest| rest.strip_prefix("/v"))
        .is_some_and(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Debug, Clone, PartialEq)]
struct Router {
    fw: Fw,
    prefix: String,
    /// Whether `prefix` is the router's whole prefix.
    known: bool,
    /// Identity of the root router this one derives from (groups share it), for mounts.
    root: usize,
}

#[derive(Debug, Clone, PartialEq)]
struct Arg {
    text: String,
    resolved: bool,
    pos: Pos,
}

/// A gorilla `*mux.Route` being built by a call chain.
#[derive(Debug, Clone, PartialEq)]
struct GRoute {
    router: Router,
    path: Option<Arg>,
    subtree: bool,
    methods: Vec<String>,
    handler: bool,
    pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
enum Mount {
    Root(usize),
    Func(String),
}

#[derive(Debug, Clone, PartialEq)]
enum Value {
    Unknown,
    Str(String),
    Int(i64),
    List(Vec<Value>),
    /// An imported package, by path.
    Pkg(String),
    /// `pkg.Name` not (yet) called: a type, variable or constant of another package.
    Qual(String, String),
    Router(Router),
    GRoute(Box<GRoute>),
    /// An `http.Server` literal, by index into `GoFile::servers`.
    Server(usize),
    /// A value read from the environment; `portish` when the variable's name says port/address.
    Env {
        portish: bool,
    },
    FlagSet,
    /// `http.StripPrefix(prefix, handler)` around a router we can follow.
    Strip(String, Mount),
    /// The result of calling a function or method of this file, by name.
    FnResult(String),
}

impl Value {
    /// What a variable keeps when assigned this value.
    fn bindable(self) -> Value {
        match self {
            Value::GRoute(_) | Value::List(_) | Value::Pkg(_) | Value::Qual(..) | Value::Strip(..) => Value::Unknown,
            v => v,
        }
    }
}

#[derive(Debug)]
struct Binding {
    decl: usize,
    end: usize,
    value: Value,
}

/// A function signature: parameters with their type regions, and the body's braces.
struct Sig {
    name: Option<String>,
    params: Vec<(usize, (usize, usize))>,
    body: Option<(usize, usize)>,
    end: usize,
}

/// Splits an identifier into lower-case words: camelCase, acronyms, `_`, `-`, `.`.
fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut out = Vec::new();
    let mut cur = String::new();
    for (k, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            continue;
        }
        let prev = k.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(k + 1).copied();
        let boundary = c.is_uppercase()
            && prev.is_some_and(|p| {
                p.is_lowercase() || p.is_ascii_digit() || (p.is_uppercase() && next.is_some_and(char::is_lowercase))
            });
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Whether a name says it holds a port (`DefaultPort`, `HTTP_PORT`, `port-number`) or a listen
/// address (`ListenAddr`, `addr`, `http.address`): the word must end the name, or be followed only
/// by qualifiers (`PORT_DEFAULT`). `ERROR_PORT_NOT_SET`, `listenBacklog`, `maxReportSize` say neither.
fn port_words(name: &str) -> (bool, bool) {
    let w = words(name);
    let key = w.iter().rposition(|w| matches!(w.as_str(), "port" | "addr" | "address" | "listen"));
    let Some(k) = key else { return (false, false) };
    let qualifiers_only = w[k + 1..].iter().all(|q| {
        matches!(
            q.as_str(),
            "default" | "number" | "num" | "http" | "https" | "env" | "var" | "flag" | "str" | "string"
        )
    });
    if !qualifiers_only {
        return (false, false);
    }
    let port = w[k] == "port";
    (port, !port)
}

/// The name says it holds a port or a listen address.
fn portish(name: &str) -> bool {
    let (port, addr) = port_words(name);
    port || addr
}

/// The port a listen address or port literal names: `8080`, `:8080`, `0.0.0.0:8080`, `[::]:8080`.
fn parse_port(addr: &str) -> Option<u16> {
    let s = addr.trim();
    let digits = if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) { s } else { &s[s.rfind(':')? + 1..] };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u16>().ok().filter(|&p| p != 0)
}

fn int_port(n: i64) -> Option<u16> {
    u16::try_from(n).ok().filter(|&p| p != 0)
}

/// Joins a group prefix and a path the way the routers do (one `/` between them).
fn join_path(prefix: &str, path: &str) -> String {
    if prefix.is_empty() {
        return path.to_string();
    }
    if path.is_empty() {
        return prefix.to_string();
    }
    match (prefix.ends_with('/'), path.starts_with('/')) {
        (true, true) => format!("{prefix}{}", &path[1..]),
        (false, false) => format!("{prefix}/{path}"),
        _ => format!("{prefix}{path}"),
    }
}

/// [`join_path`], with the routers' own rules: chi serves a subrouter's `/` at the mount point
/// itself (`Route("/articles", ...)` + `Get("/")` is `GET /articles`); gin and echo root a
/// relative path at `/` (`GET("favicon.ico")` is `/favicon.ico`).
fn join_route(fw: Fw, prefix: &str, path: &str) -> String {
    match fw {
        Fw::Chi if !prefix.is_empty() && path == "/" => prefix.to_string(),
        Fw::Gin | Fw::Echo if prefix.is_empty() && !path.starts_with('/') => format!("/{path}"),
        _ => join_path(prefix, path),
    }
}

/// net/http's pattern syntax `[METHOD ][HOST]/[PATH]`: the method, if any, and the rest.
fn split_method(pattern: &str) -> (Option<String>, &str) {
    match pattern.find([' ', '\t']) {
        Some(i) if i > 0 => (Some(pattern[..i].to_string()), pattern[i + 1..].trim_start_matches([' ', '\t'])),
        _ => (None, pattern),
    }
}

/// The path of `[HOST]/[PATH]`.
fn strip_host(rest: &str) -> &str {
    if rest.starts_with('/') { rest } else { rest.find('/').map_or(rest, |i| &rest[i..]) }
}

fn looks_like_pattern(s: &str) -> bool {
    let (_, rest) = split_method(s);
    rest.starts_with('/')
        || (!rest.contains(' ') && rest.split('/').next().is_some_and(|h| h.contains('.')) && rest.contains('/'))
}

/// The package name an import path gets without an alias: its last element, minus a `/vN`
/// major-version element, a `.vN` suffix (gopkg.in) and a `go-` prefix.
fn default_import_name(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 1
        && parts.last().is_some_and(|l| l.len() > 1 && l.starts_with('v') && l[1..].bytes().all(|b| b.is_ascii_digit()))
    {
        parts.pop();
    }
    let mut last = parts.last().copied().unwrap_or("");
    if let Some(i) = last.find(".v")
        && last[i + 2..].bytes().all(|b| b.is_ascii_digit())
    {
        last = &last[..i];
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    last.replace(['-', '.'], "_")
}

/// A minimal `fmt.Sprintf` for `%d`, `%s`, `%v` and `%%` with resolved arguments.
fn sprintf(format: &str, args: &[Value]) -> Option<String> {
    let mut out = String::new();
    let mut it = format.chars();
    let mut args = args.iter();
    while let Some(c) = it.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match (it.next()?, args.next()) {
            ('%', _) => out.push('%'),
            ('d' | 'v', Some(Value::Int(n))) => out.push_str(&n.to_string()),
            ('s' | 'v', Some(Value::Str(s))) => out.push_str(s),
            _ => return None,
        }
    }
    Some(out)
}

/// `key:"value"` pairs of a struct tag, as reflect.StructTag reads them.
fn tag_lookup(tag: &str, key: &str) -> Option<String> {
    let mut rest = tag;
    loop {
        rest = rest.trim_start();
        let colon = rest.find(':')?;
        let name = &rest[..colon];
        let after = rest[colon + 1..].strip_prefix('"')?;
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let end = end?;
        if name == key {
            return Some(unescape(&after[..end]));
        }
        rest = &after[end + 1..];
    }
}

const NONE: usize = usize::MAX;
const MAX_DEPTH: u32 = 64;
/// Root id of `http.DefaultServeMux`.
const DEFAULT_MUX: usize = 0;

// ---------------------------------------------------------------------------------------------
// Analyzer

struct Analyzer<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    /// For a bracket, the index of its partner (`NONE` if unmatched).
    partner: Vec<usize>,
    /// The innermost `{` enclosing each token (`NONE` at top level).
    encl: Vec<usize>,
    /// Local package name → import path.
    imports: HashMap<String, String>,
    bindings: Vec<Binding>,
    by_name: HashMap<String, Vec<usize>>,
    /// Struct field name → router value of its type.
    field_types: HashMap<String, Value>,
    /// Chain starts already evaluated with effects, names already bound by their declaration.
    visited: Vec<bool>,
    depth: u32,
    next_root: usize,
    route_roots: Vec<usize>,
    mounts: Vec<(Mount, String)>,
    fn_returns: Vec<(String, usize)>,
    /// Top-level function bodies: (open, close, name).
    funcs: Vec<(usize, usize, String)>,
    out: GoFile,
}

impl<'a> Analyzer<'a> {
    fn new(text: &'a str, toks: Vec<Tok>) -> Self {
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
            out: GoFile::default(),
        }
    }

    // --- token helpers ---

    fn n(&self) -> usize {
        self.toks.len()
    }

    fn text_of(&self, i: usize) -> &'a str {
        self.toks.get(i).and_then(|t| self.text.get(t.start..t.end)).unwrap_or("")
    }

    fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    fn is_op(&self, i: usize, op: &str) -> bool {
        self.kind(i) == Some(Kind::Op) && self.text_of(i) == op
    }

    fn is_ident(&self, i: usize) -> bool {
        self.kind(i) == Some(Kind::Ident) && !is_keyword(self.text_of(i))
    }

    fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.kind(i) == Some(Kind::Ident) && self.text_of(i) == kw
    }

    fn pos(&self, i: usize) -> Pos {
        self.toks.get(i).or(self.toks.last()).map_or(Pos::new(1, 1), |t| t.pos)
    }

    /// Partner of the bracket at `i`, or the end of the tokens when unmatched.
    fn close_of(&self, i: usize) -> usize {
        match self.partner.get(i) {
            Some(&p) if p != NONE => p,
            _ => self.n(),
        }
    }

    /// The end of the block enclosing token `i` (the end of the file at top level).
    fn block_end(&self, i: usize) -> usize {
        match self.encl.get(i) {
            Some(&o) if o != NONE => self.close_of(o),
            _ => self.n(),
        }
    }

    fn prev_is_dot(&self, i: usize) -> bool {
        i > 0 && self.is_op(i - 1, ".")
    }

    /// Go inserts a semicolon before token `i`: a newline follows a token that can end a statement.
    fn semi_before(&self, i: usize) -> bool {
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
    fn stmt_end(&self, i: usize) -> usize {
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
    fn split_commas(&self, s: usize, e: usize) -> Vec<(usize, usize)> {
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
    fn source(&self, s: usize, e: usize) -> String {
        let (Some(first), Some(last)) = (self.toks.get(s), self.toks.get(e.min(self.n()).saturating_sub(1))) else {
            return String::new();
        };
        let raw = self.text.get(first.start..last.end.max(first.end)).unwrap_or("");
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn str_value(&self, i: usize) -> Option<String> {
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

    fn fresh_root(&mut self) -> usize {
        self.next_root += 1;
        self.next_root
    }

    // --- bindings ---

    fn lookup(&self, name: &str, at: usize) -> Option<&Binding> {
        let ids = self.by_name.get(name)?;
        ids.iter().rev().map(|&k| &self.bindings[k]).find(|b| b.decl <= at && at <= b.end)
    }

    fn bind(&mut self, name: &str, decl: usize, end: usize, value: Value) {
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

    fn resolve_ident(&self, name: &str, at: usize) -> Value {
        if let Some(b) = self.lookup(name, at) {
            return b.value.clone();
        }
        match self.imports.get(name) {
            Some(path) => Value::Pkg(path.clone()),
            None => Value::Unknown,
        }
    }

    fn has_import(&self, fw: Fw) -> bool {
        self.imports.values().any(|p| Fw::of_import(p) == Some(fw))
    }

    // --- driver ---

    fn run(&mut self) {
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

    fn finish(mut self) -> GoFile {
        self.apply_mounts();
        self.out.routes.sort_by_key(|r| r.pos);
        self.out.listens.sort_by_key(|l| l.pos);
        self.out.default_server_calls.sort_by_key(|c| c.pos);
        self.out
    }

    fn prepass_imports(&mut self) {
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
    fn prepass_structs(&mut self) {
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
    fn prepass_package_decls(&mut self) {
        for i in 0..self.n() {
            if self.encl[i] == NONE && (self.is_kw(i, "const") || self.is_kw(i, "var")) {
                self.decl(i, false);
            }
        }
    }

    // --- declarations, assignments, functions ---

    /// `const`/`var` declaration at `i`. With `effects` false (the package pre-pass) only string
    /// and integer values are bound, visible in the whole file.
    fn decl(&mut self, i: usize, effects: bool) {
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
                Some((vs, ve)) => self.eval_expr(vs, ve, effects),
                None if values.is_empty() && effects => self.declared_type_value(j, eq.unwrap_or(e)),
                None => Value::Unknown,
            };
            if !effects {
                if matches!(value, Value::Str(_) | Value::Int(_)) {
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
            _ => return Value::Unknown,
        };
        let root = self.fresh_root();
        Value::Router(Router { fw, prefix: String::new(), known: false, root })
    }

    /// A port-ish name assigned a single literal: a `const` (or `field default`) candidate, or an
    /// `env default` when the variable holds a port-ish environment value. Integers count only
    /// for a name with the word "port" and in decimal (`DW_AT_return_addr = 0x2a` is no port);
    /// strings only as digits (for "port") or with a colon (for "port", "addr", "listen"); a
    /// struct field (`x.RemoteAddr = ...`) only with the word "port" or "listen".
    fn literal_candidate(&mut self, name: &str, vs: usize, ve: usize, how: &str, env: bool) {
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

    /// Tries an assignment statement (`a, b := ...`, `x.y = ...`, `x += ...`) at `i`.
    fn assignment(&mut self, i: usize) -> bool {
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
                Some((vs, ve)) => self.eval_expr(vs, ve, true),
                None => Value::Unknown,
            };
            // `srv.Field = ...` on a server literal.
            if le >= ls + 3
                && self.is_op(le - 2, ".")
                && let Value::Server(idx) = self.eval_chain(ls, le - 2, false).0
            {
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

    /// `Port: 8080` in a composite literal.
    fn keyed_port_field(&mut self, i: usize) {
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

    /// A `return` in a top-level function: remember the routers it returns, for mounts.
    fn returns(&mut self, i: usize) {
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

    fn sig(&self, i: usize) -> Sig {
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
    fn func_keyword(&mut self, i: usize) -> usize {
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

    // --- expressions ---

    /// Evaluates the expression `[s, e)`: a primary expression, or a `+` of them.
    fn eval_expr(&mut self, s: usize, e: usize, effects: bool) -> Value {
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
    fn eval_chain(&mut self, s: usize, e: usize, effects: bool) -> (Value, usize) {
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
                let Some(d) = dotted else { return Value::Unknown };
                let full = format!("{d}.{name}");
                if let Some(b) = self.lookup(&full, at) {
                    return b.value.clone();
                }
                self.field_types.get(name).cloned().unwrap_or(Value::Unknown)
            }
        }
    }

    /// An argument as a string: resolved, or its source text.
    fn arg(&mut self, region: (usize, usize)) -> Arg {
        let pos = self.pos(region.0);
        match self.eval_expr(region.0, region.1, false) {
            Value::Str(text) => Arg { text, resolved: true, pos },
            _ => Arg { text: self.source(region.0, region.1), resolved: false, pos },
        }
    }

    fn arg_value(&mut self, args: &[(usize, usize)], k: usize) -> Value {
        match args.get(k) {
            Some(&(s, e)) => self.eval_expr(s, e, false),
            None => Value::Unknown,
        }
    }

    fn server_literal(&mut self, type_tok: usize, open: usize, close: usize) -> Value {
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

    fn new_server(&mut self, type_tok: usize, fields: Vec<String>) -> Value {
        let pos = self.pos(type_tok);
        self.out.servers.push(ServerLiteral { pos, fields, assigned_later: Vec::new() });
        Value::Server(self.out.servers.len() - 1)
    }

    fn listen(&mut self, pos: Pos, addr: String, port: Option<u16>, how: &str, unresolved: bool) {
        let listen = Listen { pos, addr, port, how: how.to_string(), unresolved };
        if !self.out.listens.contains(&listen) {
            self.out.listens.push(listen);
        }
    }

    /// A listen address argument or field value.
    fn listen_from(&mut self, s: usize, e: usize, how: &str) {
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

    // --- calls ---

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
            Value::Router(r) => self.router_call(&r, name, name_tok, args, effects),
            Value::GRoute(g) => self.groute_call(*g, name, args, effects),
            Value::FlagSet => self.flag_call(name, args, effects),
            Value::Server(_) | Value::Env { .. } | Value::Str(_) | Value::Int(_) | Value::List(_) => Value::Unknown,
            _ => self.unknown_call(name, args, effects),
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
            ("flag" | "github.com/spf13/pflag", "NewFlagSet") => Value::FlagSet,
            ("flag" | "github.com/spf13/pflag", _) => self.flag_call(name, args, effects),
            ("github.com/spf13/viper", "SetDefault") => {
                self.config_default(args, effects);
                Value::Unknown
            }
            _ => match (Fw::of_import(path), name) {
                (Some(Fw::Gorilla), "NewRouter") => self.new_router(Fw::Gorilla),
                (Some(Fw::Chi), "NewRouter" | "NewMux") => self.new_router(Fw::Chi),
                (Some(Fw::Gin), "New" | "Default") => self.new_router(Fw::Gin),
                (Some(Fw::Echo), "New") => self.new_router(Fw::Echo),
                _ => Value::Unknown,
            },
        }
    }

    fn new_router(&mut self, fw: Fw) -> Value {
        let root = self.fresh_root();
        Value::Router(Router { fw, prefix: String::new(), known: true, root })
    }

    fn cmp_or(&mut self, args: &[(usize, usize)], effects: bool) -> Value {
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
    fn env_helper(&mut self, args: &[(usize, usize)], effects: bool) -> Value {
        let portish = matches!(self.arg_value(args, 0), Value::Str(v) if portish(&v));
        if effects && portish && args.len() >= 2 {
            self.default_candidate(args.get(1).copied(), "env default");
        }
        Value::Env { portish }
    }

    fn config_default(&mut self, args: &[(usize, usize)], effects: bool) {
        if effects && args.len() == 2 && matches!(self.arg_value(args, 0), Value::Str(k) if portish(&k)) {
            self.default_candidate(args.get(1).copied(), "config default");
        }
    }

    /// `flag.String("addr", ":8080", ...)`, `fs.IntVar(&p, "port", 8080, ...)`, pflag's `...P`.
    fn flag_call(&mut self, name: &str, args: &[(usize, usize)], effects: bool) -> Value {
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

    fn unknown_call(&mut self, name: &str, args: &[(usize, usize)], effects: bool) -> Value {
        match name {
            "Flags" | "PersistentFlags" | "LocalFlags" if args.is_empty() => return Value::FlagSet,
            "SetDefault" => {
                self.config_default(args, effects);
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

    fn router_call(
        &mut self,
        r: &Router,
        name: &str,
        name_tok: usize,
        args: &[(usize, usize)],
        effects: bool,
    ) -> Value {
        let verb = |n: &str| -> Option<String> {
            let up = n.to_ascii_uppercase();
            matches!(
                up.as_str(),
                "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" | "CONNECT" | "TRACE"
            )
            .then_some(up)
        };
        let first = args.first().copied();
        match (r.fw, name) {
            (Fw::NetHttp, "Handle" | "HandleFunc") if args.len() >= 2 => {
                if effects {
                    self.route(r, None, args[0], false, true);
                    if let Value::Strip(prefix, target) = self.arg_value(args, 1) {
                        self.mounts.push((target, prefix));
                    }
                }
                Value::Unknown
            }
            (Fw::Gorilla, "Handle" | "HandleFunc" | "Path" | "PathPrefix") => {
                let Some(region) = first else { return Value::Unknown };
                let path = Some(self.arg(region));
                let handler = name.starts_with("Handle");
                if handler {
                    self.gorilla_handler(args.get(1).copied(), effects);
                }
                let pos = path.as_ref().map_or(Pos::default(), |p| p.pos);
                Value::GRoute(Box::new(GRoute {
                    router: r.clone(),
                    path,
                    subtree: name == "PathPrefix",
                    methods: Vec::new(),
                    handler,
                    pos,
                }))
            }
            (
                Fw::Gorilla,
                "Methods" | "NewRoute" | "Host" | "Schemes" | "Headers" | "Queries" | "MatcherFunc" | "Name",
            ) => {
                let pos = first.map_or(Pos::default(), |(s, _)| self.pos(s));
                let route =
                    GRoute { router: r.clone(), path: None, subtree: false, methods: Vec::new(), handler: false, pos };
                self.groute_call(route, name, args, false)
            }
            (Fw::Gorilla, "StrictSlash" | "SkipClean" | "UseEncodedPath") => Value::Router(r.clone()),
            (Fw::Chi, n) if verb(n).is_some() && n != n.to_ascii_uppercase() && args.len() >= 2 => {
                if effects {
                    self.route(r, verb(n), args[0], false, false);
                }
                Value::Unknown
            }
            (Fw::Chi, "Handle" | "HandleFunc") if args.len() >= 2 => {
                if effects {
                    self.route(r, None, args[0], false, true);
                }
                Value::Unknown
            }
            (Fw::Chi, "Method" | "MethodFunc") if args.len() >= 3 => {
                if effects {
                    let method = match self.arg_value(args, 0) {
                        Value::Str(m) => Some(m.to_ascii_uppercase()),
                        _ => None,
                    };
                    self.route(r, method, args[1], false, false);
                }
                Value::Unknown
            }
            (Fw::Chi, "Mount") if args.len() >= 2 => {
                if effects {
                    self.route(r, None, args[0], true, false);
                    let at = self.arg(args[0]);
                    if at.resolved {
                        let prefix = join_path(&r.prefix, &at.text);
                        match self.arg_value(args, 1) {
                            Value::Router(sub) if sub.prefix.is_empty() => {
                                self.mounts.push((Mount::Root(sub.root), prefix))
                            }
                            Value::FnResult(f) => self.mounts.push((Mount::Func(f), prefix)),
                            _ => {}
                        }
                    }
                }
                Value::Unknown
            }
            (Fw::Chi, "Route") if args.len() >= 2 => {
                let at = self.arg(args[0]);
                let sub = Router {
                    prefix: if at.resolved { join_path(&r.prefix, &at.text) } else { r.prefix.clone() },
                    known: r.known && at.resolved,
                    ..r.clone()
                };
                if effects {
                    self.bind_func_param(args[1], &sub);
                }
                Value::Router(sub)
            }
            (Fw::Chi, "Group") => {
                if effects && let Some(region) = first {
                    self.bind_func_param(region, r);
                }
                Value::Router(r.clone())
            }
            (Fw::Chi, "With") => Value::Router(r.clone()),
            (Fw::Gin | Fw::Echo, n) if verb(n).is_some() && n == n.to_ascii_uppercase() && args.len() >= 2 => {
                if effects {
                    self.route(r, verb(n), args[0], false, false);
                }
                Value::Unknown
            }
            (Fw::Gin | Fw::Echo, "Any") if args.len() >= 2 => {
                if effects {
                    self.route(r, None, args[0], false, false);
                }
                Value::Unknown
            }
            (Fw::Gin, "Handle") | (Fw::Echo, "Add") if args.len() >= 3 => {
                if effects {
                    let method = match self.arg_value(args, 0) {
                        Value::Str(m) => Some(m.to_ascii_uppercase()),
                        _ => None,
                    };
                    self.route(r, method, args[1], false, false);
                }
                Value::Unknown
            }
            (Fw::Gin | Fw::Echo, "Match") if args.len() >= 3 => {
                if effects {
                    match self.arg_value(args, 0) {
                        Value::List(methods) if !methods.is_empty() => {
                            for m in methods {
                                let m = match m {
                                    Value::Str(m) => Some(m.to_ascii_uppercase()),
                                    _ => None,
                                };
                                self.route(r, m, args[1], false, false);
                            }
                        }
                        _ => self.route(r, None, args[1], false, false),
                    }
                }
                Value::Unknown
            }
            (Fw::Gin | Fw::Echo, "Static" | "StaticFS") if args.len() >= 2 => {
                if effects {
                    self.route(r, None, args[0], true, false);
                }
                Value::Unknown
            }
            (Fw::Gin, "StaticFile" | "StaticFileFS") | (Fw::Echo, "File" | "FileFS") if args.len() >= 2 => {
                if effects {
                    self.route(r, None, args[0], false, false);
                }
                Value::Unknown
            }
            (Fw::Gin | Fw::Echo, "Group") => {
                let Some(region) = first else { return Value::Unknown };
                let at = self.arg(region);
                Value::Router(Router {
                    prefix: if at.resolved { join_route(r.fw, &r.prefix, &at.text) } else { r.prefix.clone() },
                    known: r.known && at.resolved,
                    ..r.clone()
                })
            }
            (Fw::Gin, "Use") => Value::Router(r.clone()),
            // gin's Run is http.ListenAndServe on the engine: a default server without timeouts.
            (Fw::Gin, "Run" | "RunTLS") | (Fw::Echo, "Start" | "StartTLS") => {
                if effects {
                    if r.fw == Fw::Gin {
                        let pos = self.pos(name_tok);
                        self.out.default_server_calls.push(Call { pos, function: format!("gin.{name}") });
                    }
                    if let Some(&(s, e)) = args.first() {
                        self.listen_from(s, e, "ListenAndServe");
                    }
                }
                Value::Unknown
            }
            _ => Value::Unknown,
        }
    }

    /// `.Handler(http.StripPrefix("/api", api))` on a gorilla route mounts `api`.
    fn gorilla_handler(&mut self, region: Option<(usize, usize)>, effects: bool) {
        if let (true, Some((s, e))) = (effects, region)
            && let Value::Strip(prefix, target) = self.eval_expr(s, e, false)
        {
            self.mounts.push((target, prefix));
        }
    }

    fn groute_call(&mut self, mut g: GRoute, name: &str, args: &[(usize, usize)], effects: bool) -> Value {
        match name {
            "Path" | "PathPrefix" => {
                if let Some(&region) = args.first() {
                    g.path = Some(self.arg(region));
                    g.subtree = name == "PathPrefix";
                }
            }
            "Methods" => {
                for k in 0..args.len() {
                    if let Value::Str(m) = self.arg_value(args, k) {
                        g.methods.push(m.to_ascii_uppercase());
                    }
                }
            }
            "Handler" | "HandlerFunc" => {
                g.handler = true;
                self.gorilla_handler(args.first().copied(), effects);
            }
            "Subrouter" => {
                let (prefix, known) = match &g.path {
                    Some(p) if p.resolved => (join_path(&g.router.prefix, &p.text), g.router.known),
                    Some(_) => (g.router.prefix.clone(), false),
                    None => (g.router.prefix.clone(), g.router.known),
                };
                return Value::Router(Router { prefix, known, ..g.router });
            }
            "GetError" | "GetName" | "GetHandler" | "URL" | "URLPath" | "URLHost" | "GetPathTemplate" => {
                return Value::Unknown;
            }
            _ => {}
        }
        Value::GRoute(Box::new(g))
    }

    fn record_groute(&mut self, g: GRoute) {
        let (arg, subtree) = match g.path {
            Some(p) => (p, g.subtree),
            // A route with no path matcher serves every path (under the router's prefix).
            None if g.handler => (Arg { text: "/".into(), resolved: true, pos: g.pos }, true),
            None => return,
        };
        let methods: Vec<Option<String>> =
            if g.methods.is_empty() { vec![None] } else { g.methods.into_iter().map(Some).collect() };
        for method in methods {
            self.push_route(&g.router, method, arg.clone(), subtree, false);
        }
    }

    /// Binds the first parameter of the function literal in `region` to `router` for its body.
    fn bind_func_param(&mut self, region: (usize, usize), router: &Router) {
        if !self.is_kw(region.0, "func") {
            return;
        }
        let sig = self.sig(region.0);
        if let (Some((open, close)), Some(&(name_tok, _))) = (sig.body, sig.params.first()) {
            let name = self.text_of(name_tok);
            self.bind(name, open, close, Value::Router(router.clone()));
        }
    }

    fn route(
        &mut self,
        r: &Router,
        method: Option<String>,
        region: (usize, usize),
        subtree: bool,
        may_have_method: bool,
    ) {
        let arg = self.arg(region);
        self.push_route(r, method, arg, subtree, may_have_method);
    }

    fn push_route(&mut self, r: &Router, method: Option<String>, arg: Arg, subtree: bool, may_have_method: bool) {
        let route = if arg.resolved {
            let (m, rest) = if may_have_method { split_method(&arg.text) } else { (None, arg.text.as_str()) };
            let rest_joined = join_route(r.fw, &r.prefix, rest);
            let path = join_route(r.fw, &r.prefix, strip_host(rest));
            let pattern = match &m {
                Some(m) => format!("{m} {rest_joined}"),
                None => rest_joined,
            };
            let tail_subtree = match r.fw {
                Fw::NetHttp => path.ends_with('/') || path.ends_with("...}"),
                Fw::Chi | Fw::Gin | Fw::Echo => path.ends_with('*') || path.contains("/*"),
                Fw::Gorilla => false,
            };
            Route {
                pos: arg.pos,
                pattern,
                method: m.or(method),
                path,
                framework: r.fw.name().to_string(),
                subtree: subtree || tail_subtree,
                unknown_prefix: !r.known,
                unresolved: false,
            }
        } else {
            Route {
                pos: arg.pos,
                pattern: arg.text.clone(),
                method,
                path: arg.text,
                framework: r.fw.name().to_string(),
                subtree,
                unknown_prefix: !r.known,
                unresolved: true,
            }
        };
        self.out.routes.push(route);
        self.route_roots.push(r.root);
    }

    /// Prefixes the routes of routers mounted under a path (chi `Mount`, `http.StripPrefix`). A
    /// router mounted more than once (the same constructor under `/v1` and `/v2`) has its routes
    /// reported once per mount.
    fn apply_mounts(&mut self) {
        let mounts = std::mem::take(&mut self.mounts);
        let mut extra = Vec::new();
        for (k, route) in self.out.routes.iter_mut().enumerate() {
            let Some(&root) = self.route_roots.get(k) else { continue };
            if route.unresolved || root == DEFAULT_MUX {
                continue;
            }
            let prefixes: Vec<&String> = mounts
                .iter()
                .filter(|(target, _)| match target {
                    Mount::Root(r) => *r == root,
                    Mount::Func(f) => self.fn_returns.iter().any(|(name, r)| name == f && *r == root),
                })
                .map(|(_, prefix)| prefix)
                .collect();
            let original = route.clone();
            for (n, prefix) in prefixes.into_iter().enumerate() {
                let fw = if original.framework == "chi" { Fw::Chi } else { Fw::NetHttp };
                let mut mounted = original.clone();
                mounted.pattern = match split_method(&original.pattern) {
                    (Some(m), rest) if !m.contains('/') => format!("{m} {}", join_route(fw, prefix, rest)),
                    _ => join_route(fw, prefix, &original.pattern),
                };
                mounted.path = join_route(fw, prefix, &original.path);
                if n == 0 {
                    *route = mounted;
                } else {
                    extra.push(mounted);
                }
            }
        }
        self.out.routes.extend(extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(src: &str) -> Vec<(String, Option<String>, String, String)> {
        parse(src).routes.into_iter().map(|r| (r.pattern, r.method, r.path, r.framework)).collect()
    }

    fn paths(src: &str) -> Vec<String> {
        parse(src).routes.into_iter().map(|r| r.path).collect()
    }

    fn listens(src: &str) -> Vec<(String, Option<u16>, String)> {
        parse(src).listens.into_iter().map(|l| (l.addr, l.port, l.how)).collect()
    }

    fn r(pattern: &str, method: Option<&str>, path: &str, fw: &str) -> (String, Option<String>, String, String) {
        (pattern.into(), method.map(Into::into), path.into(), fw.into())
    }

    // --- lexer ---

    #[test]
    fn lexer_handles_comments_strings_runes_and_positions() {
        let src = "a /* x\n y */ \"s\\\"t\" `raw\nline` 'é' 0x1F 1.5e+3 x.y := <<= ...\n// c\nz";
        let toks = lex(src);
        let texts: Vec<&str> = toks.iter().map(|t| &src[t.start..t.end]).collect();
        assert_eq!(
            texts,
            ["a", "\"s\\\"t\"", "`raw\nline`", "'é'", "0x1F", "1.5e+3", "x", ".", "y", ":=", "<<=", "...", "z"]
        );
        assert!(toks[1].nl_before, "a newline inside /* */ counts");
        assert_eq!(toks[1].pos, Pos::new(2, 7));
        assert_eq!(toks[3].pos, Pos::new(3, 7));
        assert_eq!(toks[4].pos, Pos::new(3, 11), "columns count characters, not bytes");
        assert_eq!(toks[4].kind, Kind::Int);
        assert_eq!(toks[5].kind, Kind::Float);
        assert_eq!(toks.last().map(|t| t.pos), Some(Pos::new(5, 1)));
    }

    #[test]
    fn lexer_survives_unterminated_literals_and_stray_characters() {
        for src in ["\"abc", "`abc", "/* abc", "'", "a := \"x\n b", "#$?\\ @", "\"\\", "0x", "é:=ü", ""] {
            let _ = lex(src);
            let _ = parse(src);
        }
        let toks = lex("\"abc\nx");
        assert_eq!(toks.len(), 2);
        assert_eq!(toks[1].pos, Pos::new(2, 1));
    }

    #[test]
    fn string_escapes_are_decoded() {
        assert_eq!(unescape(r"a\tb\x41\101\u00e9\U0001F600\\\q"), "a\tbAAé😀\\\\q");
        assert_eq!(parse_int("0x_1F"), Some(31));
        assert_eq!(parse_int("0o17"), Some(15));
        assert_eq!(parse_int("017"), Some(15));
        assert_eq!(parse_int("8_080"), Some(8080));
        assert_eq!(parse_int("0b101"), Some(5));
    }

    #[test]
    fn helpers() {
        assert_eq!(words("HTTPPort"), ["http", "port"]);
        assert_eq!(words("listen_addr"), ["listen", "addr"]);
        assert!(portish("DefaultPort") && portish("PORT") && portish("http-addr") && portish("ListenAddress"));
        assert!(!portish("maxReportSize") && !portish("Transport") && !portish("support"));
        assert!(portish("PORT_DEFAULT") && portish("portNumber") && portish("listen-address"));
        assert!(!portish("ERROR_PORT_NOT_SET") && !portish("listenBacklog") && !portish("PortMapping"));
        assert_eq!(parse_port(":8080"), Some(8080));
        assert_eq!(parse_port("8080"), Some(8080));
        assert_eq!(parse_port("[::1]:9090"), Some(9090));
        assert_eq!(parse_port(":http"), None);
        assert_eq!(parse_port(":0"), None);
        assert_eq!(parse_port("PORT"), None);
        assert_eq!(parse_port("99999"), None);
        assert_eq!(join_path("/api", "/users"), "/api/users");
        assert_eq!(join_path("/api/", "/users"), "/api/users");
        assert_eq!(join_path("/api", "users"), "/api/users");
        assert_eq!(default_import_name("github.com/go-chi/chi/v5"), "chi");
        assert_eq!(default_import_name("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(default_import_name("github.com/labstack/echo/v4"), "echo");
        assert_eq!(tag_lookup(r#"json:"port" env:"PORT" envDefault:"8080""#, "envDefault").as_deref(), Some("8080"));
    }

    // --- package and imports ---

    #[test]
    fn package_and_imports_with_aliases() {
        let f = parse(
            "// Package main.\npackage main\n\nimport (\n\t\"fmt\"\n\tnethttp \"net/http\"\n\t_ \"embed\"\n\t. \"strings\"\n)\nimport \"os\"\n",
        );
        assert_eq!(f.package, "main");
        let got: Vec<(&str, Option<&str>, Pos)> =
            f.imports.iter().map(|i| (i.path.as_str(), i.alias.as_deref(), i.pos)).collect();
        assert_eq!(
            got,
            [
                ("fmt", None, Pos::new(5, 2)),
                ("net/http", Some("nethttp"), Pos::new(6, 2)),
                ("embed", Some("_"), Pos::new(7, 2)),
                ("strings", Some("."), Pos::new(8, 2)),
                ("os", None, Pos::new(10, 8)),
            ]
        );
        assert!(!f.is_test);
    }

    // --- routes: catches ---

    #[test]
    fn stdlib_routes_with_methods_and_positions() {
        let src = r#"package main

import "net/http"

func routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", health)
	mux.Handle("/metrics", promhttp.Handler())
	http.HandleFunc("/ready", ready)
	http.Handle("POST example.com/hook/", hook)
	return mux
}
"#;
        let f = parse(src);
        assert_eq!(
            routes(src),
            [
                r("GET /health", Some("GET"), "/health", "net/http"),
                r("/metrics", None, "/metrics", "net/http"),
                r("/ready", None, "/ready", "net/http"),
                r("POST example.com/hook/", Some("POST"), "/hook/", "net/http"),
            ]
        );
        assert_eq!(f.routes[0].pos, Pos::new(7, 17));
        assert!(f.routes[3].subtree && !f.routes[0].subtree);
        assert!(f.routes.iter().all(|r| !r.unknown_prefix && !r.unresolved));
    }

    #[test]
    fn aliased_net_http_is_recognised() {
        let src = r#"package main
import nethttp "net/http"
func main() {
	nethttp.HandleFunc("/health", h)
	m := nethttp.NewServeMux()
	m.HandleFunc("/ready", h)
	_ = nethttp.ListenAndServe(":8080", nil)
	_ = (&nethttp.Server{Addr: ":9090"}).ListenAndServe()
}
"#;
        let f = parse(src);
        assert_eq!(paths(src), ["/health", "/ready"]);
        assert_eq!(f.default_server_calls.len(), 1);
        assert_eq!(f.default_server_calls[0].function, "http.ListenAndServe");
        assert_eq!(f.default_server_calls[0].pos, Pos::new(7, 6));
        assert_eq!(f.servers.len(), 1);
        assert_eq!(f.servers[0].fields, ["Addr"]);
        assert_eq!(
            listens(src),
            [(":8080".into(), Some(8080), "ListenAndServe".into()), (":9090".into(), Some(9090), "Server.Addr".into())]
        );
    }

    #[test]
    fn constants_resolve_and_unresolved_paths_are_reported() {
        let src = r#"package main
import "net/http"
func routes(cfg Config) {
	mux := http.NewServeMux()
	const local = "/local"
	ready := "/ready"
	mux.HandleFunc(healthPath, h)
	mux.HandleFunc(local, h)
	mux.HandleFunc(ready, h)
	mux.HandleFunc(apiPrefix+"/users", h)
	mux.HandleFunc("GET "+versionPath, h)
	mux.HandleFunc(http.MethodPost+" /items", h)
	mux.HandleFunc(cfg.MetricsPath, h)
	mux.HandleFunc(fmt.Sprint("/x"), h)
}
const (
	healthPath = "/health"
	apiPrefix  = "/api"
)
var versionPath = "/version"
"#;
        let f = parse(src);
        let got: Vec<(&str, &str, bool)> =
            f.routes.iter().map(|r| (r.pattern.as_str(), r.path.as_str(), r.unresolved)).collect();
        assert_eq!(
            got,
            [
                ("/health", "/health", false),
                ("/local", "/local", false),
                ("/ready", "/ready", false),
                ("/api/users", "/api/users", false),
                ("GET /version", "/version", false),
                ("POST /items", "/items", false),
                ("cfg.MetricsPath", "cfg.MetricsPath", true),
                ("fmt.Sprint(\"/x\")", "fmt.Sprint(\"/x\")", true),
            ]
        );
    }

    #[test]
    fn reassigned_and_shadowed_variables_are_not_guessed() {
        let src = r#"package main
import "net/http"
func a(mux *http.ServeMux) {
	p := "/a"
	p = computed()
	mux.HandleFunc(p, h)
}
func b(mux *http.ServeMux, p string) {
	mux.HandleFunc(p, h)
}
var p = "/pkg"
"#;
        let f = parse(src);
        assert_eq!(f.routes.len(), 2);
        assert!(f.routes.iter().all(|r| r.unresolved && r.unknown_prefix && r.path == "p"));
    }

    #[test]
    fn gorilla_routes_methods_and_subrouters() {
        let src = r#"package main
import (
	"net/http"

	"github.com/gorilla/mux"
)
func main() {
	r := mux.NewRouter()
	r.HandleFunc("/health", h).Methods("GET", "HEAD")
	r.Path("/ready").
		HandlerFunc(h)
	api := r.PathPrefix("/api").Subrouter()
	api.HandleFunc("/users", h).Methods(http.MethodPost)
	r.PathPrefix("/static/").Handler(fs)
	r.Methods("DELETE").Path("/items/{id}").HandlerFunc(h)
}
"#;
        let f = parse(src);
        assert_eq!(
            routes(src),
            [
                r("/health", Some("GET"), "/health", "gorilla"),
                r("/health", Some("HEAD"), "/health", "gorilla"),
                r("/ready", None, "/ready", "gorilla"),
                r("/api/users", Some("POST"), "/api/users", "gorilla"),
                r("/static/", None, "/static/", "gorilla"),
                r("/items/{id}", Some("DELETE"), "/items/{id}", "gorilla"),
            ]
        );
        assert!(f.routes[4].subtree && !f.routes[0].subtree);
    }

    #[test]
    fn chi_routes_route_group_with_and_mount() {
        let src = r#"package main
import (
	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)
func main() {
	r := chi.NewRouter()
	r.Get("/health", h)
	r.With(mw).Post("/items", h)
	r.Route("/api", func(r chi.Router) {
		r.Get("/users", h)
		r.Get("/", h)
		r.Route("/v2", func(sub chi.Router) {
			sub.Delete("/users/{id}", h)
		})
		r.Group(func(g chi.Router) {
			g.Put("/me", h)
		})
	})
	r.Get("/after", h)
	r.Mount("/debug", middleware.Profiler())
	r.Mount("/admin", adminRouter())
	r.Method("PATCH", "/p", h)
	r.Route("/v1", func(r chi.Router) { r.Mount("/articles", articles()) })
	r.Route("/v2", func(r chi.Router) { r.Mount("/articles", articles()) })
}
func adminRouter() http.Handler {
	r := chi.NewRouter()
	r.Get("/stats", h)
	return r
}
func articles() chi.Router {
	r := chi.NewRouter()
	r.Get("/", h)
	return r
}
"#;
        let f = parse(src);
        assert_eq!(
            routes(src),
            [
                r("/health", Some("GET"), "/health", "chi"),
                r("/items", Some("POST"), "/items", "chi"),
                r("/api/users", Some("GET"), "/api/users", "chi"),
                r("/api", Some("GET"), "/api", "chi"),
                r("/api/v2/users/{id}", Some("DELETE"), "/api/v2/users/{id}", "chi"),
                r("/api/me", Some("PUT"), "/api/me", "chi"),
                r("/after", Some("GET"), "/after", "chi"),
                r("/debug", None, "/debug", "chi"),
                r("/admin", None, "/admin", "chi"),
                r("/p", Some("PATCH"), "/p", "chi"),
                r("/v1/articles", None, "/v1/articles", "chi"),
                r("/v2/articles", None, "/v2/articles", "chi"),
                r("/admin/stats", Some("GET"), "/admin/stats", "chi"),
                r("/v1/articles", Some("GET"), "/v1/articles", "chi"),
                r("/v2/articles", Some("GET"), "/v2/articles", "chi"),
            ]
        );
        assert!(f.routes[7].subtree && f.routes[8].subtree && !f.routes[9].subtree);
    }

    #[test]
    fn gin_and_echo_routes_with_groups() {
        let gin = r#"package main
import "github.com/gin-gonic/gin"
func main() {
	r := gin.Default()
	r.GET("/health", h)
	v1 := r.Group("/v1")
	{
		v1.POST("/users", h)
		admin := v1.Group("/admin", auth)
		admin.Any("/x", h)
	}
	r.Handle("GET", "/h", h)
	r.Static("/assets", "./assets")
	r.Group("/v2").GET("/ping", h)
	r.GET("favicon.ico", h)
	api := r.Group("api")
	api.GET("users", h)
}
"#;
        assert_eq!(
            routes(gin),
            [
                r("/health", Some("GET"), "/health", "gin"),
                r("/v1/users", Some("POST"), "/v1/users", "gin"),
                r("/v1/admin/x", None, "/v1/admin/x", "gin"),
                r("/h", Some("GET"), "/h", "gin"),
                r("/assets", None, "/assets", "gin"),
                r("/v2/ping", Some("GET"), "/v2/ping", "gin"),
                r("/favicon.ico", Some("GET"), "/favicon.ico", "gin"),
                r("/api/users", Some("GET"), "/api/users", "gin"),
            ]
        );
        let echo = r#"package main
import "github.com/labstack/echo/v4"
func main() {
	e := echo.New()
	e.GET("/health", h)
	g := e.Group("/api")
	g.Match([]string{"GET", "POST"}, "/m", h)
	e.Logger.Fatal(e.Start(":1323"))
}
"#;
        assert_eq!(
            routes(echo),
            [
                r("/health", Some("GET"), "/health", "echo"),
                r("/api/m", Some("GET"), "/api/m", "echo"),
                r("/api/m", Some("POST"), "/api/m", "echo"),
            ]
        );
    }

    #[test]
    fn routers_from_parameters_and_fields_have_unknown_prefix() {
        let src = r#"package server
import (
	"net/http"
	"github.com/gin-gonic/gin"
)
type Server struct {
	mux    *http.ServeMux
	engine *gin.Engine
}
func (s *Server) routes(r gin.IRouter) {
	s.mux.HandleFunc("/health", s.health)
	s.engine.GET("/ready", s.ready)
	r.Group("/api").GET("/users", h)
}
"#;
        let f = parse(src);
        let got: Vec<(&str, &str, bool)> =
            f.routes.iter().map(|r| (r.path.as_str(), r.framework.as_str(), r.unknown_prefix)).collect();
        assert_eq!(got, [("/health", "net/http", true), ("/ready", "gin", true), ("/api/users", "gin", true)]);
    }

    #[test]
    fn strip_prefix_mounts_a_mux() {
        let src = r#"package main
import "net/http"
func main() {
	api := http.NewServeMux()
	api.HandleFunc("GET /users", h)
	root := http.NewServeMux()
	root.Handle("/api/", http.StripPrefix("/api", api))
}
"#;
        assert_eq!(
            routes(src),
            [r("GET /api/users", Some("GET"), "/api/users", "net/http"), r("/api/", None, "/api/", "net/http")]
        );
    }

    // --- routes: catches not ---

    #[test]
    fn route_strings_in_comments_strings_and_other_calls_are_not_routes() {
        let src = r#"package main
import (
	"fmt"
	"net/http"
	"github.com/go-chi/chi/v5"
)
// mux.HandleFunc("/health", h)
/* http.HandleFunc("/ready", h) */
func main() {
	fmt.Println("/health")
	s := `mux.HandleFunc("/x", h)`
	resp, _ := http.Get("http://localhost/health")
	client.Get("/health")
	cache.Get("/health", nil)
	r := chi.NewRouter()
	r.Use(mw)
	log.Printf("GET /ready %v", s)
	_ = resp
}
"#;
        let f = parse(src);
        assert!(f.routes.is_empty(), "{:?}", f.routes);
        assert!(f.default_server_calls.is_empty());
    }

    #[test]
    fn verbs_on_unknown_receivers_need_the_framework_imported() {
        let without = "package x\nfunc f() { s.router.Get(\"/health\", h); api.GET(\"/x\", h) }\n";
        assert!(parse(without).routes.is_empty());
        let with = "package x\nimport \"github.com/go-chi/chi/v5\"\nfunc f() { s.router.Get(\"/health\", h) }\n";
        let f = parse(with);
        assert_eq!(f.routes.len(), 1);
        assert!(f.routes[0].unknown_prefix);
        let handle = "package x\nfunc f() { s.mux.HandleFunc(\"/health\", h); s.x.HandleFunc(name, h) }\n";
        let f = parse(handle);
        assert_eq!(f.routes.len(), 1);
        assert_eq!((f.routes[0].framework.as_str(), f.routes[0].unknown_prefix), ("net/http", true));
    }

    // --- listens ---

    #[test]
    fn listen_calls_and_server_addr() {
        let src = r#"package main
import (
	"net"
	"net/http"
	"strconv"
)
const addr = ":8081"
func main() {
	go http.ListenAndServe(":8080", nil)
	go http.ListenAndServeTLS(addr, "c", "k", nil)
	ln, _ := net.Listen("tcp", net.JoinHostPort("", "9000"))
	http.Serve(ln, nil)
	srv := &http.Server{Addr: cfg.Addr}
	srv.Addr = "0.0.0.0:7000"
	_ = net.Listen("tcp", ":"+strconv.Itoa(9100))
}
"#;
        let f = parse(src);
        assert_eq!(
            listens(src),
            [
                (":8081".into(), Some(8081), "const".into()),
                (":8080".into(), Some(8080), "ListenAndServe".into()),
                (":8081".into(), Some(8081), "ListenAndServe".into()),
                (":9000".into(), Some(9000), "net.Listen".into()),
                ("cfg.Addr".into(), None, "Server.Addr".into()),
                ("0.0.0.0:7000".into(), Some(7000), "Server.Addr".into()),
                (":9100".into(), Some(9100), "net.Listen".into()),
            ]
        );
        assert!(f.listens[4].unresolved);
        let calls: Vec<&str> = f.default_server_calls.iter().map(|c| c.function.as_str()).collect();
        assert_eq!(calls, ["http.ListenAndServe", "http.ListenAndServeTLS", "http.Serve"]);
        assert_eq!(f.listens[1].pos, Pos::new(9, 25));
    }

    #[test]
    fn env_with_default_patterns() {
        let src = r#"package main
import (
	"cmp"
	"net/http"
	"os"
	"strconv"
)
func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.ListenAndServe(":"+port, nil)
	addr := cmp.Or(os.Getenv("HTTP_ADDR"), ":9090")
	metrics := getEnv("METRICS_PORT", "9100")
	level := cmp.Or(os.Getenv("LOG_LEVEL"), "info")
	p, ok := os.LookupEnv("APP_PORT")
	if !ok {
		p = "3000"
	}
	n, err := strconv.Atoi(os.Getenv("GRPC_PORT"))
	if err != nil {
		n = 50051
	}
}
"#;
        let got = listens(src);
        assert_eq!(
            got,
            [
                ("8080".into(), Some(8080), "env default".into()),
                ("\":\"+port".into(), None, "ListenAndServe".into()),
                (":9090".into(), Some(9090), "env default".into()),
                ("9100".into(), Some(9100), "env default".into()),
                ("3000".into(), Some(3000), "env default".into()),
                ("50051".into(), Some(50051), "env default".into()),
            ]
        );
    }

    #[test]
    fn flag_config_const_tag_and_field_defaults() {
        let src = r#"package main
import (
	"flag"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)
const DefaultPort = 8080
const httpPort uint16 = 8090
const EnvPort = "PORT"
const readHeaderTimeout = 5
type Config struct {
	Port     int    `env:"PORT" envDefault:"8081"`
	Level    string `env:"LEVEL" envDefault:"info"`
	Listen   string `default:":8082"`
}
func main() {
	addr := flag.String("addr", ":8083", "listen address")
	var port int
	flag.IntVar(&port, "port", 8084, "port")
	pflag.StringP("metrics-addr", "m", ":8085", "")
	fs := flag.NewFlagSet("x", flag.ExitOnError)
	fs.Int("http-port", 8086, "")
	cmd.Flags().StringVar(&a, "listen", ":8087", "")
	flag.Int("workers", 8, "")
	viper.SetDefault("server.port", 8088)
	cfg := Config{Port: 8089, Workers: 4}
}
"#;
        let got = listens(src);
        let hows: Vec<(Option<u16>, &str)> = got.iter().map(|(_, p, h)| (*p, h.as_str())).collect();
        assert_eq!(
            hows,
            [
                (Some(8080), "const"),
                (Some(8090), "const"),
                (Some(8081), "env default"),
                (Some(8082), "env default"),
                (Some(8083), "flag default"),
                (Some(8084), "flag default"),
                (Some(8085), "flag default"),
                (Some(8086), "flag default"),
                (Some(8087), "flag default"),
                (Some(8088), "config default"),
                (Some(8089), "field default"),
            ]
        );
    }

    #[test]
    fn listen_strings_elsewhere_are_not_listens() {
        let src = r#"package main
import "net/http"
// http.ListenAndServe(":8080", nil)
func main() {
	fmt.Println("http.ListenAndServe(\":8080\")")
	timeout := 8080
	url := "http://localhost:8080/health"
	redisURL := os.Getenv("REDIS_URL")
	if redisURL == "" {
		redisURL = "localhost:6379"
	}
	level := os.Getenv("LOG_LEVEL")
	if level == "" {
		level = "8080"
	}
	req.RemoteAddr = "192.0.2.1:1234"
	addrMode := 16
	cfg.Flags = Config{ReportPort: 0x1F90}
}
const (
	DW_AT_return_addr = 0x2a
	PR_ADDR           = 2
	maxReportSize     = 8080
	listenBacklog     = 128
	emailAddress      = "ops@example.com"
	ERROR_PORT_NOT_SET syscall.Errno = 642
	SVCParamPort       SVCParamKey   = 3
)
"#;
        let f = parse(src);
        assert!(f.listens.is_empty(), "{:?}", f.listens);
        assert!(f.default_server_calls.is_empty());
    }

    // --- servers ---

    #[test]
    fn server_literals_fields_and_later_assignments() {
        let src = r#"package main
import (
	"net/http"
	"time"
)
func main() {
	srv := &http.Server{
		Addr:    ":8080",
		Handler: mux, // ReadHeaderTimeout: time.Second,
	}
	srv.ReadHeaderTimeout = 5 * time.Second
	srv.ReadTimeout = time.Second
	srv.ListenAndServe()
	other := http.Server{ReadHeaderTimeout: time.Second, IdleTimeout: time.Minute}
	_ = other
	s2 := new(http.Server)
	s2.WriteTimeout = time.Second
	var s3 http.Server
	s3.ReadHeaderTimeout = time.Second
}
func run() error {
	return (&http.Server{Handler: h}).ListenAndServe()
}
"#;
        let f = parse(src);
        let got: Vec<(Vec<&str>, Vec<&str>, Pos)> = f
            .servers
            .iter()
            .map(|s| {
                (
                    s.fields.iter().map(String::as_str).collect(),
                    s.assigned_later.iter().map(String::as_str).collect(),
                    s.pos,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (vec!["Addr", "Handler"], vec!["ReadHeaderTimeout", "ReadTimeout"], Pos::new(7, 10)),
                (vec!["ReadHeaderTimeout", "IdleTimeout"], vec![], Pos::new(14, 11)),
                (vec![], vec!["WriteTimeout"], Pos::new(16, 12)),
                (vec![], vec!["ReadHeaderTimeout"], Pos::new(18, 9)),
                (vec!["Handler"], vec![], Pos::new(22, 11)),
            ]
        );
        assert!(f.default_server_calls.is_empty(), "srv.ListenAndServe is a method call");
    }

    #[test]
    fn other_packages_server_types_are_not_http_servers() {
        let src = r#"package main
import (
	"google.golang.org/grpc"
	fasthttp "github.com/valyala/fasthttp"
	"net/http"
)
type Server struct{ Addr string }
func main() {
	g := grpc.Server{}
	f := &fasthttp.Server{Handler: h}
	s := &Server{Addr: ":8080"}
	f.ListenAndServe(":9090")
	http.Server.Close(nil)
	var t http.ServeMux
}
func newServer() http.Server { return *x }
var mk = func() http.Server { return *x }
func g() {
	build := func(addr string) http.Server { return *x }
	_ = build
}
func newServerPtr() *http.Server {
	return nil
}
"#;
        let f = parse(src);
        assert!(f.servers.is_empty(), "{:?}", f.servers);
        assert!(f.listens.is_empty(), "{:?}", f.listens);
        assert!(f.default_server_calls.is_empty());
    }

    #[test]
    fn assignments_in_another_function_are_not_attached() {
        let src = r#"package main
import "net/http"
func a() {
	srv := &http.Server{Addr: ":8080"}
	_ = srv
}
func b(srv *http.Server) {
	srv.ReadHeaderTimeout = time.Second
}
"#;
        let f = parse(src);
        assert_eq!(f.servers.len(), 1);
        assert!(f.servers[0].assigned_later.is_empty());
    }

    #[test]
    fn tolerates_broken_and_partial_code() {
        let src = "package main\nimport \"net/http\"\nfunc main() {\n\tmux := http.NewServeMux(\n\tmux.HandleFunc(\"/health\", h)\n\t}}}) ]\n\thttp.ListenAndServe(\":8080\"\n";
        let f = parse(src);
        assert_eq!(f.package, "main");
        assert_eq!(f.default_server_calls.len(), 1);
        for cut in 0..src.len() {
            if src.is_char_boundary(cut) {
                let _ = parse(&src[..cut]);
            }
        }
        let deep = format!(
            "package p\nvar x = {}1{}\nfunc f() {{ g({}) }}",
            "(".repeat(5000),
            ")".repeat(5000),
            "h(".repeat(3000)
        );
        let _ = parse(&deep);
    }

    #[test]
    fn serializes_with_flattened_positions() {
        let f = parse("package main\nimport \"net/http\"\nfunc main() { http.HandleFunc(\"/x\", h) }\n");
        let json = serde_json::to_value(&f).expect("serializes");
        assert_eq!(json["routes"][0]["line"], 3);
        assert_eq!(json["routes"][0]["col"], 31);
        assert_eq!(json["routes"][0]["path"], "/x");
        assert_eq!(json["imports"][0]["path"], "net/http");
    }
}
