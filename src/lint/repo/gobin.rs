//! Go facts per binary: which main packages a Dockerfile's `go build`/`go install` commands
//! build, and the routes, listen ports, frameworks, serve calls, signal subscriptions and
//! graceful shutdowns of each, gathered from that package and
//! the repository's module packages it imports (transitively) — never from every `.go` file
//! below the build context, which credits one binary's `/metrics` to another.
//!
//! Package arguments are resolved the way the go command reads them, relative to the build
//! context (where `COPY . .` puts the source): `./cmd/api`, `cmd/api/*` and `cmd/api/main.go`
//! (files: their directory), `.` or none (the context), an import path of a module in the
//! repository (`sigs.k8s.io/metrics-server/cmd/metrics-server`), and `./cmd/...` (every main
//! package below, one binary each). Anything else (an unexpanded variable, another module's
//! package) makes the binary's facts unknown, and the rules that read them stay silent.
//!
//! Frameworks that serve endpoints themselves add those routes (controller-runtime's manager:
//! `/healthz`, `/readyz` and `/metrics`; k8s.io/apiserver: `/healthz`, `/livez`, `/readyz`,
//! `/metrics`, `/version`); a binary that imports a framework whose routes paved cannot read
//! has unknown routes.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};

use super::{dir_of, normalize};

/// Value-taking flags of `go build` / `go install` (the rest are booleans).
const GO_VALUE_FLAGS: [&str; 17] = [
    "-o",
    "-C",
    "-p",
    "-asmflags",
    "-buildmode",
    "-buildvcs",
    "-compiler",
    "-gccgoflags",
    "-gcflags",
    "-installsuffix",
    "-ldflags",
    "-mod",
    "-modfile",
    "-overlay",
    "-pgo",
    "-pkgdir",
    "-tags",
];

/// Paths a framework serves, each with whether it serves the subtree below it too.
type Served = &'static [(&'static str, bool)];

/// Import paths (or prefixes) of frameworks that serve endpoints of their own.
const SERVED_BY: [(&str, &str, Served); 2] = [
    (
        "sigs.k8s.io/controller-runtime",
        "controller-runtime",
        &[("/healthz", true), ("/readyz", true), ("/metrics", false)],
    ),
    (
        "k8s.io/apiserver",
        "k8s.io/apiserver",
        &[("/healthz", true), ("/livez", true), ("/readyz", true), ("/metrics", false), ("/version", false)],
    ),
];

/// Frameworks whose routes the Go reader cannot see: a binary importing one has unknown routes.
const OPAQUE_ROUTERS: [&str; 12] = [
    "github.com/gofiber/fiber",
    "github.com/beego/beego",
    "github.com/astaxie/beego",
    "github.com/kataras/iris",
    "github.com/cloudwego/hertz",
    "github.com/zeromicro/go-zero/rest",
    "github.com/go-kratos/kratos/v2/transport/http",
    "github.com/grpc-ecosystem/grpc-gateway",
    "github.com/valyala/fasthttp",
    "goa.design/goa",
    "github.com/gobuffalo/buffalo",
    "github.com/revel/revel",
];

/// Frameworks that subscribe to SIGTERM for the program when it runs through them (go-zero's
/// `proc`, kratos's `App.Run`, go-micro's `Service.Run`, fx's `App.Run`, hertz's `Spin`, the
/// graceful-restart servers): a binary that imports one handles SIGTERM. `true` when the
/// packages below the path count too.
const SIGNAL_FRAMEWORKS: [(&str, bool); 16] = [
    ("go.uber.org/fx", false),
    ("github.com/zeromicro/go-zero/rest", true),
    ("github.com/zeromicro/go-zero/zrpc", true),
    ("github.com/zeromicro/go-zero/core/proc", false),
    ("github.com/zeromicro/go-zero/core/service", false),
    ("github.com/go-kratos/kratos/v2", false),
    ("go-micro.dev/v4", false),
    ("go-micro.dev/v5", false),
    ("github.com/micro/go-micro/v2", false),
    ("github.com/asim/go-micro/v3", false),
    ("github.com/cloudwego/hertz/pkg/app/server", false),
    ("github.com/facebookgo/grace/gracehttp", false),
    ("gopkg.in/tylerb/graceful.v1", false),
    ("github.com/tylerb/graceful", false),
    ("github.com/ory/graceful", false),
    ("github.com/fvbock/endless", false),
];

/// An import from outside the repository whose path says it is about signals or graceful
/// shutdown (`github.com/sethvargo/go-signalcontext`, `.../pkg/signals`, `.../graceful`): what
/// it does is not visible, so it is taken to handle SIGTERM (precision first).
fn signal_helper(import: &str) -> bool {
    import.split('/').next().is_some_and(|host| host.contains('.'))
        && import.split('/').skip(1).any(|seg| {
            let seg = seg.to_ascii_lowercase();
            ["signal", "graceful", "shutdown"].iter().any(|w| seg.contains(w))
        })
}

fn imports_path(import: &str, prefix: &str) -> bool {
    import == prefix || import.starts_with(&format!("{prefix}/"))
}

/// One `go build` / `go install` as written: its package arguments and output name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoBuild {
    pub packages: Vec<String>,
    /// `-o` as written, if given.
    pub output: Option<String>,
    /// `-C dir`, if given.
    pub chdir: Option<String>,
}

/// The go build or install that `argv` runs (argv[0] is the go tool, or a wrapper such as
/// tonistiigi/xx's `xx-go`), with go's own flags skipped.
pub fn go_build(argv: &[String]) -> Option<GoBuild> {
    let tool = argv.first()?.rsplit('/').next()?;
    if !matches!(tool, "go" | "xx-go") {
        return None;
    }
    let mut i = 1;
    let mut chdir = None;
    // `go -C dir build`
    while let Some(a) = argv.get(i) {
        if a == "-C" {
            chdir = argv.get(i + 1).cloned();
            i += 2;
        } else if let Some(v) = a.strip_prefix("-C=") {
            chdir = Some(v.to_string());
            i += 1;
        } else {
            break;
        }
    }
    if !matches!(argv.get(i).map(String::as_str), Some("build" | "install")) {
        return None;
    }
    let (mut packages, mut output) = (Vec::new(), None);
    let mut j = i + 1;
    while j < argv.len() {
        let a = &argv[j];
        if a == "--" {
            packages.extend(argv[j + 1..].iter().cloned());
            break;
        }
        if let Some(flag) = a.strip_prefix('-') {
            let name = format!("-{}", flag.trim_start_matches('-'));
            let (name, inline) = match name.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (name, None),
            };
            if GO_VALUE_FLAGS.contains(&name.as_str()) {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        j += 1;
                        argv.get(j).cloned().unwrap_or_default()
                    }
                };
                match name.as_str() {
                    "-o" => output = Some(value),
                    "-C" => chdir = Some(value),
                    _ => {}
                }
            }
        } else {
            packages.push(a.clone());
        }
        j += 1;
    }
    Some(GoBuild { packages, output, chdir })
}

/// A module of the repository: its path and directory.
pub struct Module<'a> {
    pub path: &'a str,
    pub dir: String,
}

/// The repository's Go code as packages: files by directory, modules by path.
pub struct Packages<'a> {
    /// Normalized directory → Go facts (`package`, `imports`, `routes`, `ports`) of its non-test
    /// files, with each file's path.
    by_dir: HashMap<String, Vec<(&'a str, &'a Value)>>,
    /// Longest module path first.
    modules: Vec<Module<'a>>,
    /// [`Packages::binary_facts`] of each main package directory, computed once.
    memo: std::cell::RefCell<HashMap<String, Value>>,
}

/// What one binary serves.
#[derive(Debug, Clone, PartialEq)]
pub struct Binary {
    pub name: String,
    /// The main package's directory (`None` when it could not be resolved).
    pub dir: Option<String>,
}

impl<'a> Packages<'a> {
    pub fn new(go_files: impl Iterator<Item = (&'a str, &'a Value)>, modules: Vec<Module<'a>>) -> Self {
        let mut by_dir: HashMap<String, Vec<(&'a str, &'a Value)>> = HashMap::new();
        for (path, data) in go_files {
            by_dir.entry(normalize(data["dir"].as_str().unwrap_or("."))).or_default().push((path, data));
        }
        let mut modules = modules;
        modules.sort_by(|a, b| b.path.len().cmp(&a.path.len()).then(a.path.cmp(b.path)));
        Self { by_dir, modules, memo: Default::default() }
    }

    /// The directory of the repository package with import path `import`.
    pub fn dir_of_import(&self, import: &str) -> Option<String> {
        let m = self.modules.iter().find(|m| imports_path(import, m.path))?;
        let rest = import[m.path.len()..].trim_start_matches('/');
        Some(if rest.is_empty() { normalize(&m.dir) } else { super::join(&m.dir, rest) })
    }

    /// The module path of the module at or above `dir`.
    fn module_of(&self, dir: &str) -> Option<&Module<'a>> {
        self.modules
            .iter()
            .filter(|m| super::below(dir, &m.dir))
            .max_by_key(|m| if m.dir == "." { 0 } else { m.dir.split('/').count() })
    }

    fn is_main(&self, dir: &str) -> bool {
        self.by_dir.get(dir).is_some_and(|fs| fs.iter().any(|(_, d)| d["package"] == "main"))
    }

    /// The binaries one go build produces, each with its main package directory; a binary
    /// whose package cannot be resolved has `dir: None`.
    pub fn binaries(&self, build: &GoBuild, context: &str) -> Vec<Binary> {
        let base = match &build.chdir {
            Some(c) => super::join(context, c),
            None => normalize(context),
        };
        let packages: Vec<&str> =
            if build.packages.is_empty() { vec!["."] } else { build.packages.iter().map(String::as_str).collect() };
        let single = packages.len() == 1;
        // `-o bin/app` names the binary (`-o bin/` is a directory for several).
        let output = build
            .output
            .as_deref()
            .filter(|o| !o.ends_with('/'))
            .map(|o| o.rsplit('/').next().unwrap_or(o).to_string());
        let named = |dir: &Option<String>, fallback: &str| match (&output, dir) {
            (Some(o), _) if single => o.clone(),
            (_, Some(d)) => self.default_name(d),
            _ => fallback.to_string(),
        };
        // Files of one package given by name (`main.go`, `cmd/x/*`, `cmd/x/*.go`): one binary,
        // named by `-o`, else (go's rule) after the first `.go` file.
        let files: Vec<&str> = packages.iter().copied().filter(|p| p.ends_with(".go") || p.ends_with("/*")).collect();
        if !files.is_empty() && files.len() == packages.len() {
            let dirs: BTreeSet<String> = files.iter().map(|f| super::join(&base, &dir_of(f))).collect();
            let dir = (dirs.len() == 1).then(|| dirs.into_iter().next().unwrap_or_default());
            let first_go = files[0].strip_suffix(".go").map(|f| f.rsplit('/').next().unwrap_or(f).to_string());
            let name = output.clone().or(first_go).unwrap_or_else(|| named(&dir, ""));
            return vec![Binary { name, dir }];
        }
        let mut out = Vec::new();
        for p in packages.iter().copied() {
            if p.contains('$') || p.contains('*') && !p.ends_with("/*") {
                out.push(Binary { name: named(&None, p), dir: None });
                continue;
            }
            if let Some(root) = p.strip_suffix("/...").or_else(|| (p == "...").then_some(".")) {
                let root = if root.starts_with('.') || !root.contains('.') {
                    Some(super::join(&base, root))
                } else {
                    self.dir_of_import(root)
                };
                let Some(root) = root else {
                    out.push(Binary { name: named(&None, p), dir: None });
                    continue;
                };
                let mut mains: Vec<&String> =
                    self.by_dir.keys().filter(|d| super::below(d, &root) && self.is_main(d)).collect();
                mains.sort();
                out.extend(mains.into_iter().map(|d| Binary { name: self.default_name(d), dir: Some(d.clone()) }));
                continue;
            }
            let dir = if p == "." || p.starts_with("./") || p.starts_with("../") {
                Some(super::join(&base, p))
            } else if let Some(d) = self.dir_of_import(p) {
                Some(d)
            } else if !p.split('/').next().unwrap_or("").contains('.')
                && self.by_dir.contains_key(&super::join(&base, p))
            {
                // `go build cmd/api` works in GOPATH mode only, but Dockerfiles mean the dir.
                Some(super::join(&base, p))
            } else {
                None
            };
            out.push(Binary { name: named(&dir, p), dir });
        }
        out
    }

    /// The name `go build` gives a package's binary: its import path's last element.
    fn default_name(&self, dir: &str) -> String {
        if let Some(m) = self.module_of(dir) {
            let rest = dir.strip_prefix(m.dir.as_str()).unwrap_or(if m.dir == "." { dir } else { "" });
            let import = if rest.trim_matches('/').is_empty() || rest == "." {
                m.path.to_string()
            } else {
                format!("{}/{}", m.path, rest.trim_matches('/'))
            };
            // A major-version suffix (`example.com/app/v2`) is not the name.
            let mut parts = import.rsplit('/');
            let last = parts.next().unwrap_or_default();
            let is_major = last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
            return if is_major { parts.next().unwrap_or(last).to_string() } else { last.to_string() };
        }
        dir.rsplit('/').next().unwrap_or(dir).to_string()
    }

    /// The Go facts of a binary: those of its main package directory (computed once per
    /// directory), or facts that say nothing is known when its package was not resolved.
    pub fn binary_facts(&self, dir: Option<&str>) -> Value {
        let Some(dir) = dir else { return unknown_facts() };
        if let Some(v) = self.memo.borrow().get(dir) {
            return v.clone();
        }
        let v = self.facts(dir);
        self.memo.borrow_mut().insert(dir.to_string(), v.clone());
        v
    }

    /// The Go facts of the binary whose main package is in `dir`: routes and ports of the
    /// package and the repository packages it imports, framework-served routes, and whether
    /// the routes are knowable at all.
    fn facts(&self, dir: &str) -> Value {
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut queue = vec![normalize(dir)];
        let (mut routes, mut ports, mut frameworks, mut opaque) =
            (Vec::new(), Vec::new(), BTreeSet::new(), BTreeSet::new());
        let (mut serves, mut signals, mut shutdowns, mut signal_frameworks, mut missing) =
            (Vec::new(), Vec::new(), Vec::new(), BTreeSet::new(), BTreeSet::new());
        while let Some(d) = queue.pop() {
            if !seen.insert(d.clone()) {
                continue;
            }
            for (path, data) in self.by_dir.get(&d).into_iter().flatten() {
                let with_path = |v: &Value| {
                    let mut v = v.clone();
                    v["file"] = json!(path);
                    v
                };
                routes.extend(data["routes"].as_array().into_iter().flatten().map(with_path));
                ports.extend(data["ports"].as_array().into_iter().flatten().map(with_path));
                serves.extend(data["serves"].as_array().into_iter().flatten().map(with_path));
                signals.extend(data["signals"].as_array().into_iter().flatten().map(with_path));
                shutdowns.extend(data["shutdowns"].as_array().into_iter().flatten().map(with_path));
                for import in data["imports"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                    if let Some(dep) = self.dir_of_import(import) {
                        // A repository package paved has no code of (excluded, or not there):
                        // what the binary does is not all known.
                        if !self.by_dir.contains_key(&dep) {
                            missing.insert(import.to_string());
                        }
                        queue.push(dep);
                    } else if signal_helper(import) {
                        signal_frameworks.insert(import);
                    }
                    for (prefix, name, _) in SERVED_BY {
                        if imports_path(import, prefix) {
                            frameworks.insert(name);
                        }
                    }
                    if let Some(o) = OPAQUE_ROUTERS.iter().find(|o| imports_path(import, o)) {
                        opaque.insert(*o);
                    }
                    if let Some((f, _)) =
                        SIGNAL_FRAMEWORKS.iter().find(|(f, below)| import == *f || *below && imports_path(import, f))
                    {
                        signal_frameworks.insert(f);
                    }
                }
            }
        }
        for (_, name, served) in SERVED_BY.iter().filter(|(_, n, _)| frameworks.contains(n)) {
            for (path, subtree) in served.iter() {
                routes.push(json!({
                    "path": path, "pattern": path, "method": null, "framework": name, "subtree": subtree,
                    "unknown_prefix": false, "unresolved": false, "served_by_framework": true,
                }));
            }
        }
        json!({
            "dir": normalize(dir),
            "routes": routes,
            "ports": ports,
            "frameworks": frameworks.into_iter().collect::<Vec<_>>(),
            "routes_known": opaque.is_empty(),
            "opaque_frameworks": opaque.into_iter().collect::<Vec<_>>(),
            "serves": serves,
            "signals": signals,
            "shutdowns": shutdowns,
            "signal_frameworks": signal_frameworks.into_iter().collect::<Vec<_>>(),
            "missing_packages": missing.into_iter().collect::<Vec<_>>(),
        })
    }
}

/// The facts of a Go binary whose package paved could not resolve: no routes or ports known.
pub fn unknown_facts() -> Value {
    json!({"routes": [], "ports": [], "routes_known": false, "unresolved": true})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn go_build_commands() {
        let b = go_build(&argv("go build -trimpath -ldflags -s -o bin/app ./cmd/app")).unwrap();
        assert_eq!(b.packages, vec!["./cmd/app"]);
        assert_eq!(b.output.as_deref(), Some("bin/app"));
        let b = go_build(&argv("xx-go build -o=source-controller main.go")).unwrap();
        assert_eq!((b.packages, b.output.as_deref()), (vec!["main.go".to_string()], Some("source-controller")));
        let b = go_build(&argv("go -C svc install -tags=netgo .")).unwrap();
        assert_eq!((b.packages, b.chdir.as_deref()), (vec![".".to_string()], Some("svc")));
        assert!(go_build(&argv("go test ./...")).is_none());
        assert!(go_build(&argv("gofmt -l .")).is_none());
    }

    fn pkgs<'a>(files: &'a [(String, Value)], modules: Vec<Module<'a>>) -> Packages<'a> {
        Packages::new(files.iter().map(|(p, v)| (p.as_str(), v)), modules)
    }

    fn file(dir: &str, package: &str, imports: &[&str], routes: &[&str]) -> (String, Value) {
        let routes: Vec<Value> = routes.iter().map(|r| json!({"path": r, "method": null, "subtree": false})).collect();
        (
            format!("{dir}/x.go"),
            json!({"dir": dir, "package": package, "imports": imports, "routes": routes, "ports": []}),
        )
    }

    #[test]
    fn binaries_resolve_packages_files_import_paths_and_wildcards() {
        let files = vec![
            file("cmd/api", "main", &["example.com/m/internal/http"], &[]),
            file("cmd/worker", "main", &[], &["/metrics"]),
            file("internal/http", "http", &[], &["/health"]),
            file(".", "main", &[], &[]),
        ];
        let p = pkgs(&files, vec![Module { path: "example.com/m", dir: ".".into() }]);
        let one = |args: &str| {
            p.binaries(&go_build(&argv(&format!("go build {args}"))).unwrap(), ".")
                .into_iter()
                .map(|b| (b.name, b.dir))
                .collect::<Vec<_>>()
        };
        assert_eq!(one("./cmd/api"), vec![("api".into(), Some("cmd/api".into()))]);
        assert_eq!(one("-o /out/server example.com/m/cmd/api"), vec![("server".into(), Some("cmd/api".into()))]);
        assert_eq!(one("-o bin/podinfo cmd/api/*"), vec![("podinfo".into(), Some("cmd/api".into()))]);
        assert_eq!(one("main.go"), vec![("main".into(), Some(".".into()))]);
        assert_eq!(one(""), vec![("m".into(), Some(".".into()))]);
        assert_eq!(
            one("-o bin/ ./cmd/..."),
            vec![("api".into(), Some("cmd/api".into())), ("worker".into(), Some("cmd/worker".into()))]
        );
        assert_eq!(one("github.com/other/tool"), vec![("github.com/other/tool".into(), None)]);
        assert_eq!(one("${PKG}"), vec![("${PKG}".into(), None)]);
        // Facts follow imports inside the module, never sibling binaries.
        let api = p.binary_facts(Some("cmd/api"));
        let paths: Vec<&str> = api["routes"].as_array().unwrap().iter().filter_map(|r| r["path"].as_str()).collect();
        assert_eq!(paths, vec!["/health"]);
    }

    #[test]
    fn serves_signals_and_shutdowns_are_the_binarys_own() {
        let fact = |v: Value| vec![v];
        let mut api = file("cmd/api", "main", &["example.com/m/internal/srv", "example.com/m/e2e/sig"], &[]);
        api.1["signals"] = json!(fact(json!({"function": "signal.Notify", "sigterm": false, "line": 3, "col": 2})));
        let mut srv = file("internal/srv", "srv", &["github.com/sethvargo/go-signalcontext"], &[]);
        srv.1["serves"] = json!(fact(json!({"function": "http.Server.ListenAndServe", "line": 9, "col": 13})));
        srv.1["shutdowns"] = json!(fact(json!({"function": "http.Server.Shutdown", "timeout_ms": 30000})));
        let mut tool = file("cmd/tool", "main", &["go.uber.org/fx", "github.com/zeromicro/go-zero/rest/httpx"], &[]);
        tool.1["signals"] = json!(fact(json!({"function": "signal.Notify", "sigterm": true})));
        let files = vec![api, srv, tool];
        let p = pkgs(&files, vec![Module { path: "example.com/m", dir: ".".into() }]);
        let f = p.binary_facts(Some("cmd/api"));
        assert_eq!(f["serves"][0]["file"], "internal/srv/x.go");
        assert_eq!(f["shutdowns"][0]["timeout_ms"], 30000);
        assert_eq!(f["signals"].as_array().map(Vec::len), Some(1), "never the sibling binary's");
        assert_eq!(f["signal_frameworks"], json!(["github.com/sethvargo/go-signalcontext"]));
        assert_eq!(f["missing_packages"], json!(["example.com/m/e2e/sig"]));
        let t = p.binary_facts(Some("cmd/tool"));
        assert_eq!(t["signal_frameworks"], json!(["github.com/zeromicro/go-zero/rest", "go.uber.org/fx"]));
        assert!(!signal_helper("os/signal") && !signal_helper("github.com/acme/api"));
        assert!(signal_helper("k8s.io/sample-controller/pkg/signals") && signal_helper("github.com/ory/graceful"));
    }

    #[test]
    fn frameworks_serve_routes_or_make_them_unknown() {
        let files = vec![
            file("cmd/op", "main", &["sigs.k8s.io/controller-runtime", "example.com/m/api/v1"], &[]),
            file("api/v1", "v1", &[], &[]),
            file("cmd/fib", "main", &["github.com/gofiber/fiber/v2"], &[]),
        ];
        let p = pkgs(
            &files,
            vec![
                Module { path: "example.com/m", dir: ".".into() },
                Module { path: "example.com/m/api", dir: "api".into() },
            ],
        );
        let op = p.binary_facts(Some("cmd/op"));
        let served: Vec<&str> = op["routes"].as_array().unwrap().iter().filter_map(|r| r["path"].as_str()).collect();
        assert_eq!(served, vec!["/healthz", "/readyz", "/metrics"]);
        assert_eq!(op["routes_known"], true);
        assert_eq!(p.binary_facts(Some("cmd/fib"))["routes_known"], false);
        // The nested module resolves its own import path.
        assert_eq!(p.dir_of_import("example.com/m/api/v1").as_deref(), Some("api/v1"));
        assert_eq!(p.default_name("api/v1"), "api");
    }
}
