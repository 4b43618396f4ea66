//! Servers that gin and echo start: reported as default-server calls, with their listens.

use super::*;

fn calls(f: &GoFile) -> Vec<(&str, Pos)> {
    f.default_server_calls.iter().map(|c| (c.function.as_str(), c.pos)).collect()
}

#[test]
fn echo_starts_serve_with_the_instances_timeout_less_server() {
    let src = r#"package main
import (
	"net/http"
	"github.com/labstack/echo/v4"
)
func main() {
	e := echo.New()
	e.GET("/health", h)
	go e.StartTLS(":8443", "cert.pem", "key.pem")
	go e.StartAutoTLS(":443")
	go e.StartH2CServer(":8081", h2s)
	go e.StartServer(&http.Server{Addr: ":9090"})
	e.Logger.Fatal(e.Start(":8080"))
}
"#;
    let f = parse(src);
    assert_eq!(
        calls(&f),
        [
            ("echo.StartTLS", Pos::new(9, 7)),
            ("echo.StartAutoTLS", Pos::new(10, 7)),
            ("echo.StartH2CServer", Pos::new(11, 7)),
            ("echo.Start", Pos::new(13, 19)),
        ]
    );
    assert_eq!(
        listens(src),
        [
            (":8443".into(), Some(8443), "ListenAndServe".into()),
            (":443".into(), Some(443), "ListenAndServe".into()),
            (":8081".into(), Some(8081), "ListenAndServe".into()),
            (":9090".into(), Some(9090), "Server.Addr".into()),
            (":8080".into(), Some(8080), "ListenAndServe".into()),
        ]
    );
    assert_eq!(f.servers.len(), 1, "StartServer's server is a literal, checked as one");
}

#[test]
fn start_on_something_else_is_no_echo_server() {
    for src in [
        // No echo import: a scheduler, a test server, anything with a Start.
        "package main\nfunc main() {\n\tx := scheduler.New()\n\tx.Start(\":8080\")\n\tsrv.Start()\n}\n",
        // echo imported, but the receiver is not an echo instance.
        "package main\nimport \"github.com/labstack/echo/v4\"\nfunc main() {\n\t_ = echo.New()\n\tx := worker.New()\n\tx.Start(\":8080\")\n\tx.StartTLS(\":8443\", c, k)\n}\n",
        // echo v5's Start builds a server with a ReadTimeout.
        "package main\nimport \"github.com/labstack/echo/v5\"\nfunc main() {\n\te := echo.New()\n\te.Start(\":8080\")\n}\n",
    ] {
        let f = parse(src);
        assert!(f.default_server_calls.is_empty(), "{src}: {:?}", f.default_server_calls);
    }
}

#[test]
fn timeouts_set_on_the_echo_server_are_honoured() {
    let src = r#"package main
import (
	"net/http"
	"time"
	"github.com/labstack/echo/v4"
)
func main() {
	e := echo.New()
	e.Server.ReadHeaderTimeout = 5 * time.Second
	go e.StartTLS(":8443", c, k)
	other := echo.New()
	go other.Start(":9090")
	e.Logger.Fatal(e.Start(":8080"))
}
func tls() {
	e := echo.New()
	s := e.TLSServer
	s.ReadTimeout = time.Minute
	e.StartAutoTLS(":443")
}
func replaced() {
	e := echo.New()
	e.Server = &http.Server{ReadHeaderTimeout: time.Second}
	e.Start(":8081")
}
"#;
    let f = parse(src);
    // e's Server has a timeout but its TLSServer has none; `other` is another instance.
    assert_eq!(calls(&f), [("echo.StartTLS", Pos::new(10, 7)), ("echo.Start", Pos::new(12, 11))]);
    assert_eq!(f.servers.len(), 1);
}

#[test]
fn echo_parameters_fields_aliases_and_import_paths() {
    let src = r#"package server
import (
	"time"
	ec "github.com/labstack/echo/v4"
)
type Server struct {
	web *ec.Echo
}
func (s *Server) Run() error {
	return s.web.Start(s.addr)
}
func serve(e *ec.Echo) error {
	return e.Start(":8080")
}
"#;
    let f = parse(src);
    assert_eq!(calls(&f), [("echo.Start", Pos::new(10, 15)), ("echo.Start", Pos::new(13, 11))]);
    assert_eq!(
        listens(src),
        [("s.addr".into(), None, "ListenAndServe".into()), (":8080".into(), Some(8080), "ListenAndServe".into())]
    );

    // A timeout set through a parameter may be on any instance: none is reported.
    let configured = format!("{src}func configure(e *ec.Echo) {{\n\te.Server.ReadTimeout = time.Minute\n}}\n");
    assert!(parse(&configured).default_server_calls.is_empty());

    let v3 = "package main\nimport \"github.com/labstack/echo\"\nfunc main() {\n\te := echo.New()\n\te.Start(\":1323\")\n}\n";
    assert_eq!(calls(&parse(v3)), [("echo.Start", Pos::new(5, 4))]);
}

#[test]
fn gin_run_without_an_address_listens_on_8080() {
    let src = r#"package main
import "github.com/gin-gonic/gin"
func main() {
	r := gin.Default()
	go r.RunTLS(":8443", "cert.pem", "key.pem")
	r.Run()
}
func other() {
	gin.New().Run(":9000")
}
"#;
    let f = parse(src);
    assert_eq!(calls(&f), [("gin.RunTLS", Pos::new(5, 7)), ("gin.Run", Pos::new(6, 4)), ("gin.Run", Pos::new(9, 12))]);
    assert_eq!(
        listens(src),
        [
            (":8443".into(), Some(8443), "ListenAndServe".into()),
            (":8080".into(), Some(8080), "gin default".into()),
            (":9000".into(), Some(9000), "ListenAndServe".into()),
        ]
    );
    assert_eq!(f.listens[1].pos, Pos::new(6, 4));
}
