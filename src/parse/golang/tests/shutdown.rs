//! Serve calls, signal subscriptions, graceful shutdowns and their static timeouts.

use super::super::shutdown::parse_go_duration;
use super::*;

fn serves(src: &str) -> Vec<(String, Pos)> {
    parse(src).serves.into_iter().map(|c| (c.function, c.pos)).collect()
}

fn sigterm(src: &str) -> Vec<(String, Option<bool>)> {
    parse(src).signals.into_iter().map(|s| (s.function, s.sigterm)).collect()
}

fn timeouts(src: &str) -> Vec<(String, Option<i64>, Option<String>)> {
    parse(src).shutdowns.into_iter().map(|s| (s.function, s.timeout_ms, s.flag)).collect()
}

#[test]
fn every_way_of_serving_http_is_a_serve_call() {
    let src = r#"package main
import (
	nethttp "net/http"
	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	"github.com/gofiber/fiber/v2"
)
type api struct{ srv *nethttp.Server }
func (a *api) run() error { return a.srv.ListenAndServe() }
func main() {
	nethttp.ListenAndServe(":8080", nil)
	srv := &nethttp.Server{Addr: ":8081"}
	go srv.ServeTLS(ln, "c", "k")
	r := gin.Default()
	r.Run()
	e := echo.New()
	e.Start(":1323")
	app := fiber.New()
	app.Listen(":3000")
	x.ListenAndServe()
	grpcServer.Serve(lis)
}
"#;
    let got = serves(src);
    assert_eq!(
        got,
        [
            ("http.Server.ListenAndServe".to_string(), Pos::new(9, 42)),
            ("http.ListenAndServe".to_string(), Pos::new(11, 2)),
            ("http.Server.ServeTLS".to_string(), Pos::new(13, 9)),
            ("gin.Run".to_string(), Pos::new(15, 4)),
            ("echo.Start".to_string(), Pos::new(17, 4)),
            ("fiber.Listen".to_string(), Pos::new(19, 6)),
            ("http.Server.ListenAndServe".to_string(), Pos::new(20, 4)),
        ],
        "grpc's Serve on an untyped receiver is no HTTP serve"
    );
    // Without net/http imported, an untyped receiver's ListenAndServe is someone else's (DNS).
    assert!(
        serves(
            "package main\nimport \"github.com/miekg/dns\"\nfunc main() { s := &dns.Server{}; s.ListenAndServe() }\n"
        )
        .is_empty()
    );
}

#[test]
fn sigterm_subscriptions_are_told_from_other_signals() {
    let src = r#"package main
import (
	"context"
	"os"
	sig "os/signal"
	"syscall"
	"golang.org/x/sys/unix"
)
func main() {
	sig.Notify(c, os.Interrupt)
	sig.Notify(c, syscall.SIGINT, syscall.SIGQUIT)
	sig.Notify(c, os.Interrupt, syscall.SIGTERM)
	sig.NotifyContext(context.Background(), unix.SIGTERM)
	sig.Notify(c)
	sig.NotifyContext(ctx)
	sig.Notify(c, shutdownSignals...)
	sig.Notify(c, mySignal)
	sig.Notify(c, syscall.Signal(15))
	sig.NotifyContext(ctx, os.Interrupt, os.Kill)
	sig.Ignore(syscall.SIGTERM)
	sig.Ignore(syscall.SIGHUP)
	sig.Ignore()
}
"#;
    assert_eq!(
        sigterm(src),
        [
            ("signal.Notify".to_string(), Some(false)),
            ("signal.Notify".to_string(), Some(false)),
            ("signal.Notify".to_string(), Some(true)),
            ("signal.NotifyContext".to_string(), Some(true)),
            ("signal.Notify".to_string(), Some(true)),
            ("signal.NotifyContext".to_string(), Some(true)),
            ("signal.Notify".to_string(), None),
            ("signal.Notify".to_string(), None),
            ("signal.Notify".to_string(), None),
            ("signal.NotifyContext".to_string(), Some(false)),
            ("signal.Ignore".to_string(), Some(true)),
            ("signal.Ignore".to_string(), Some(false)),
            ("signal.Ignore".to_string(), Some(true)),
        ],
        "os.Kill cannot be caught: it is no SIGTERM"
    );
}

#[test]
fn framework_signal_handlers_subscribe_to_sigterm() {
    let src = r#"package main
import (
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/manager/signals"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"github.com/oklog/run"
	"example.com/me/pkg/signals2"
)
func main() {
	ctx := ctrl.SetupSignalHandler()
	_ = signals.SetupSignalHandler()
	genericapiserver.SetupSignalContext()
	g.Add(run.SignalHandler(ctx, syscall.SIGTERM))
	signals2.SetupSignalHandler()
}
"#;
    assert_eq!(
        sigterm(src),
        [
            ("controller_runtime.SetupSignalHandler".to_string(), Some(true)),
            ("signals.SetupSignalHandler".to_string(), Some(true)),
            ("server.SetupSignalContext".to_string(), Some(true)),
            ("run.SignalHandler".to_string(), Some(true)),
        ],
        "a repository package's own handler is judged by its own code"
    );
}

#[test]
fn shutdown_timeouts_resolve_constants_flags_and_deadlines() {
    let src = r#"package main
import (
	"context"
	"flag"
	"net/http"
	"time"
	"github.com/labstack/echo/v4"
	"github.com/gofiber/fiber/v2"
	"os/signal"
	"syscall"
)
const grace = 45 * time.Second
const secs = 20
var drain = flag.Duration("shutdown-timeout", 90*time.Second, "drain")
var other time.Duration
func init() { flag.DurationVar(&other, "other-timeout", time.Minute+30*time.Second, "x") }
func stop(srv *http.Server, ctx context.Context) {
	srv.Shutdown(ctx)
}
func main() {
	srv := &http.Server{}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	c2, _ := context.WithTimeout(ctx, grace)
	srv.Shutdown(c2)
	c3, _ := context.WithTimeout(context.Background(), time.Duration(secs)*time.Second)
	srv.Shutdown(c3)
	c4, _ := context.WithTimeout(context.Background(), *drain)
	srv.Shutdown(c4)
	c5, _ := context.WithDeadline(context.Background(), time.Now().Add(2*time.Minute))
	srv.Shutdown(c5)
	c6, _ := context.WithTimeout(context.Background(), other)
	srv.Shutdown(c6)
	c7, _ := context.WithTimeout(context.Background(), cfg.Timeout)
	srv.Shutdown(c7)
	srv.Shutdown(context.Background())
	e := echo.New()
	e.Shutdown(ctx)
	app := fiber.New()
	app.ShutdownWithTimeout(1500 * time.Millisecond)
	tracer.Shutdown(ctx)
	sigCtx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	<-sigCtx.Done()
	done, _ := context.WithTimeout(sigCtx, time.Minute)
	srv.Shutdown(done)
	c8, _ := context.WithTimeout(context.WithoutCancel(sigCtx), 10*time.Second)
	srv.Shutdown(c8)
}
"#;
    let f = |n: &str, ms: Option<i64>, flag: Option<&str>| (n.to_string(), ms, flag.map(str::to_string));
    assert_eq!(
        timeouts(src),
        [
            f("http.Server.Shutdown", None, None),
            f("http.Server.Shutdown", Some(30_000), None),
            f("http.Server.Shutdown", Some(30_000), None),
            f("http.Server.Shutdown", Some(20_000), None),
            f("http.Server.Shutdown", Some(90_000), Some("shutdown-timeout")),
            f("http.Server.Shutdown", Some(120_000), None),
            f("http.Server.Shutdown", Some(90_000), Some("other-timeout")),
            f("http.Server.Shutdown", None, None),
            f("http.Server.Shutdown", None, None),
            f("echo.Shutdown", Some(30_000), None),
            f("fiber.ShutdownWithTimeout", Some(1_500), None),
            f("http.Server.Shutdown", None, None),
            f("http.Server.Shutdown", Some(10_000), None),
        ],
        "a derived context keeps its parent's sooner deadline; an OpenTelemetry provider's Shutdown is no server's; \
         a context made from the signal context that fired is done at once"
    );
}

#[test]
fn go_durations_parse_like_time_parse_duration() {
    assert_eq!(parse_go_duration("30s"), Some(30_000_000_000));
    assert_eq!(parse_go_duration("1m30s"), Some(90_000_000_000));
    assert_eq!(parse_go_duration("1.5h"), Some(5_400_000_000_000));
    assert_eq!(parse_go_duration("500ms"), Some(500_000_000));
    assert_eq!(parse_go_duration("0"), Some(0));
    for bad in ["", "30", "s", "1x", "1e400h", "-"] {
        assert_eq!(parse_go_duration(bad), None, "{bad}");
    }
}

#[test]
fn duration_evaluation_survives_malformed_and_deep_input() {
    let deep = format!(
        "package main\nimport (\"context\"; \"time\")\nvar d = {}1{}\nfunc main() {{ c, _ := context.WithTimeout(x, d * time.Second); s.Shutdown(c) }}\n",
        "(".repeat(500),
        ")".repeat(500)
    );
    let _ = parse(&deep);
    let stars = format!("package main\nimport \"time\"\nvar d = {}x * time.Second\n", "*".repeat(200_000));
    let _ = parse(&stars);
    let mults = format!("package main\nimport \"time\"\nvar d = 1{}\n", " * time.Second".repeat(50_000));
    let _ = parse(&mults);
    for src in [
        "package main\nimport \"time\"\nconst a = 1 / 0 * time.Second\n",
        "package main\nimport \"time\"\nconst a = time.Duration(\n",
        "package main\nimport \"context\"\nfunc f() { context.WithTimeout(\n",
        "package main\nimport \"time\"\nconst a = 9223372036854775807 * time.Hour\n",
        "package main\nimport (\"context\"; \"time\")\nfunc f() { context.WithDeadline(x, time.Now().Add(\n",
    ] {
        let _ = parse(src);
    }
}
