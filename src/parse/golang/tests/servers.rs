//! `http.Server` literals, later field assignments, default-server calls, robustness.

use super::*;

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
