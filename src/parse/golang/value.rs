//! The values the evaluator computes: the routers of each framework, gorilla routes being built,
//! mounts, strings and integers, servers, environment reads; and the bindings and function
//! signatures the analyzer keeps.

use crate::parse::pos::Pos;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fw {
    NetHttp,
    Gorilla,
    Chi,
    Gin,
    Echo,
}

impl Fw {
    pub(super) fn name(self) -> &'static str {
        match self {
            Fw::NetHttp => "net/http",
            Fw::Gorilla => "gorilla",
            Fw::Chi => "chi",
            Fw::Gin => "gin",
            Fw::Echo => "echo",
        }
    }

    pub(super) fn of_import(path: &str) -> Option<Fw> {
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
pub(super) struct Router {
    pub(super) fw: Fw,
    pub(super) prefix: String,
    /// Whether `prefix` is the router's whole prefix.
    pub(super) known: bool,
    /// Identity of the root router this one derives from (groups share it), for mounts.
    pub(super) root: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Arg {
    pub(super) text: String,
    pub(super) resolved: bool,
    pub(super) pos: Pos,
}

/// A gorilla `*mux.Route` being built by a call chain.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct GRoute {
    pub(super) router: Router,
    pub(super) path: Option<Arg>,
    pub(super) subtree: bool,
    pub(super) methods: Vec<String>,
    pub(super) handler: bool,
    pub(super) pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Mount {
    Root(usize),
    Func(String),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Value {
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
    /// The `http.Server` an echo instance starts (`e.Server`, or `e.TLSServer` for `tls`).
    EchoServer(EchoRef, bool),
    /// A value of type `http.Server`/`*http.Server` that is no literal of this file (a parameter,
    /// a struct field, a `var s *http.Server`).
    HttpServer,
    /// A fiber app (`fiber.New()`, a `*fiber.App` parameter or field).
    FiberApp,
    /// A `time.Duration` known statically.
    Duration(Dur),
    /// A context with a deadline this long after it was made (`context.WithTimeout(ctx, d)`).
    Deadline(Dur),
    /// A context that is never cancelled and has no deadline: `context.Background()`,
    /// `context.TODO()`, `context.WithoutCancel(ctx)`.
    RootContext,
}

/// A statically known duration: nanoseconds, and the command-line flag whose default it is
/// (`flag.Duration("shutdown-timeout", 30*time.Second, ...)`), which a container's arguments
/// may override.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Dur {
    pub(super) ns: i64,
    pub(super) flag: Option<String>,
}

/// A fiber import (`github.com/gofiber/fiber`, `/v2`, `/v3`).
pub(super) fn is_fiber(path: &str) -> bool {
    path == "github.com/gofiber/fiber" || is_major_version_of(path, "github.com/gofiber/fiber")
}

impl Value {
    /// What a variable keeps when assigned this value.
    pub(super) fn bindable(self) -> Value {
        match self {
            Value::GRoute(_) | Value::List(_) | Value::Pkg(_) | Value::Qual(..) | Value::Strip(..) => Value::Unknown,
            v => v,
        }
    }
}

/// An echo instance, for matching its `Start` with timeouts set on its servers: the root of the
/// router it is, and whether that is only one of many possible instances (a parameter or struct
/// field of type `*echo.Echo`, not an `echo.New()` of this file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EchoRef {
    pub(super) root: usize,
    pub(super) vague: bool,
}

impl EchoRef {
    pub(super) fn of(r: &Router) -> EchoRef {
        EchoRef { root: r.root, vague: !r.known }
    }

    /// Whether the two may be the same instance.
    pub(super) fn may_be(self, other: EchoRef) -> bool {
        self.root == other.root || self.vague || other.vague
    }
}

#[derive(Debug)]
pub(super) struct Binding {
    pub(super) decl: usize,
    pub(super) end: usize,
    pub(super) value: Value,
}

/// A function signature: parameters with their type regions, and the body's braces.
pub(super) struct Sig {
    pub(super) name: Option<String>,
    pub(super) params: Vec<(usize, (usize, usize))>,
    pub(super) body: Option<(usize, usize)>,
    pub(super) end: usize,
}
