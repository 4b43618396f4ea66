//! Routes: what is caught, with methods, prefixes and positions, and what is not.

use super::*;

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
