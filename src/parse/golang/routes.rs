//! Routers and routes: the registrations of each framework, groups and subrouters, gorilla route
//! chains, and the mounts (chi `Mount`, `http.StripPrefix`) applied to the routes at the end.

use super::Route;
use super::analyzer::{Analyzer, DEFAULT_MUX};
use super::helpers::{join_path, join_route, split_method, strip_host};
use super::value::{Arg, Fw, GRoute, Mount, Router, Value};
use crate::parse::pos::Pos;

impl Analyzer<'_> {
    pub(super) fn new_router(&mut self, fw: Fw) -> Value {
        let root = self.fresh_root();
        Value::Router(Router { fw, prefix: String::new(), known: true, root })
    }

    pub(super) fn router_call(
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
            // A method then a path: chi's Method(m, p, h), gin's Handle(m, p, h), echo's Add(m, p, h).
            (Fw::Chi, "Method" | "MethodFunc") | (Fw::Gin, "Handle") | (Fw::Echo, "Add") if args.len() >= 3 => {
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
            (Fw::Gin, "Run" | "RunTLS") | (Fw::Echo, "Start" | "StartTLS" | "StartAutoTLS" | "StartH2CServer") => {
                if effects {
                    self.framework_start(r, name, name_tok, args);
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

    pub(super) fn groute_call(&mut self, mut g: GRoute, name: &str, args: &[(usize, usize)], effects: bool) -> Value {
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

    pub(super) fn record_groute(&mut self, g: GRoute) {
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
    pub(super) fn apply_mounts(&mut self) {
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
